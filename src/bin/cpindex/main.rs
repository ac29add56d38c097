//! The `cpindex` command line: the plan's indicator model, the monitoring report, the
//! composite index and the distribution measures, over the cpindex library.
//!
//! Exit codes: 0 success, 2 usage error (bad subcommand, flag or flag value; clap's
//! convention), 1 data error (unreadable file, malformed CSV/JSON, invalid framework …).
//! Every error goes to stderr as one line starting with `cpindex: error:` and names the
//! file, line and column when there is one.

mod cells;
mod fill;
mod html;
mod i18n;
mod input;
mod measures;
mod output;
mod par;
mod report;
mod sensitivity;
mod svg;
mod table;
mod tables;
mod text;
mod view;
mod xlsx;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use cpindex::model::{Framework, Indicator, Polarity, TargetForm};

use table::{Align, Table};

/// Common-prosperity indices for a development plan (the built-in framework by default): indicator model,
/// achievement (实现度) monitoring, composite index, income distribution.
#[derive(Debug, Parser)]
#[command(name = "cpindex", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Table,
    /// Every table of the report as one tidy CSV (first column `table`).
    Csv,
    Json,
    Html,
    /// The library's evaluation result as JSON (the JSON entry point's `evaluate` result).
    Evaluation,
    /// An Excel workbook, one sheet per table of the report (needs --out).
    Xlsx,
}

/// What `inequality` does with a missing cell (R's `na.rm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum NaOption {
    /// Stop at the first missing cell, naming its line and column (R: `na.rm = FALSE`).
    Fail,
    /// Leave out every record with a missing cell and say which (R: `na.rm = TRUE`).
    Skip,
}

/// Formats of `cpindex sensitivity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SensitivityFormat {
    Table,
    Csv,
    Json,
    Html,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the indicator model: dimensions, indicators, units, polarity, targets.
    Indicators {
        /// A built-in framework id (`cpindex indicators` lists the default's) or a framework JSON file.
        #[arg(long, default_value = cpindex::model::builtin::DEFAULT)]
        framework: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// CSV for Excel and WPS: a UTF-8 byte-order mark and CRLF line ends.
        #[arg(long, alias = "bom")]
        excel: bool,
    },
    /// The monitoring report: achievement, schedule, lagging indicators, composite index,
    /// dynamic index and distribution targets for every unit.
    Report {
        /// The data: CSV (UTF-8 or GB18030) or an .xlsx workbook, long
        /// (unit,period,indicator,value[,source,illustrative,unit_of_measure]; or 地区,年份,
        /// 指标,数值,单位…) or wide (--layout wide).
        data: PathBuf,
        #[command(flatten)]
        input: input::InputArgs,
        /// Methodology spec (JSON); defaults apply to every field not given.
        #[arg(long)]
        spec: Option<PathBuf>,
        /// A built-in framework id or a framework JSON file.
        #[arg(long, default_value = cpindex::model::builtin::DEFAULT)]
        framework: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
        /// CSV for Excel and WPS: a UTF-8 byte-order mark and CRLF line ends.
        #[arg(long, alias = "bom")]
        excel: bool,
        /// Weighted household microdata for the income-band shares.
        #[arg(long)]
        households: Option<PathBuf>,
        /// Satisfaction survey microdata (items described in a survey_items.json beside it).
        #[arg(long)]
        survey: Option<PathBuf>,
        /// The survey's item description (default: survey_items.json beside the survey).
        #[arg(long)]
        survey_items: Option<PathBuf>,
        /// Do not pick up households.csv / survey.csv found beside DATA.csv.
        #[arg(long)]
        no_auto: bool,
        /// The report year (default: the latest period in the data).
        #[arg(long)]
        year: Option<i32>,
        /// Add the robustness section (rank intervals, Sobol indices) computed from this
        /// sensitivity spec (JSON; see `cpindex sensitivity`); HTML format only.
        #[arg(long)]
        sensitivity: Option<PathBuf>,
        /// Threads for reading the data and for the evaluation (default: the machine's;
        /// the report does not depend on it).
        #[arg(long)]
        threads: Option<usize>,
        #[command(flatten)]
        meta: report::MetaArgs,
    },
    /// The composite index alone: scores, ranks, weights, contributions.
    Index {
        /// The data: CSV (UTF-8 or GB18030) or an .xlsx workbook, long or wide (--layout).
        data: PathBuf,
        #[command(flatten)]
        input: input::InputArgs,
        /// Methodology spec (JSON): a bare engine spec or a combined {"index": …, "monitor": …};
        /// without it every field takes its documented default (docs/spec.md), over every
        /// unit except the framework's reference units.
        #[arg(long)]
        spec: Option<PathBuf>,
        /// A built-in framework id or a framework JSON file.
        #[arg(long, default_value = cpindex::model::builtin::DEFAULT)]
        framework: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// The year shown (default: the latest period computed).
        #[arg(long)]
        year: Option<i32>,
        /// CSV for Excel and WPS: a UTF-8 byte-order mark and CRLF line ends.
        #[arg(long, alias = "bom")]
        excel: bool,
    },
    /// Uncertainty and sensitivity analysis of the index ranks: each unit's rank interval
    /// over the uncertain assumptions and their Sobol indices (Saltelli 2010 design).
    Sensitivity {
        /// Long CSV: unit,period,indicator,value[,source,illustrative].
        data: PathBuf,
        /// Options of the data file (layout, sheet …), as for `index`.
        #[command(flatten)]
        input: input::InputArgs,
        /// Sensitivity spec (JSON): {"spec": nominal spec, "assumptions": [...], "n": 100, ...}.
        #[arg(long)]
        spec: PathBuf,
        /// A built-in framework id or a framework JSON file.
        #[arg(long, default_value = cpindex::model::builtin::QUZHOU_2021_2025)]
        framework: String,
        /// Output format (json: the whole result with the design and every run, for audit).
        #[arg(long, value_enum, default_value_t = SensitivityFormat::Table)]
        format: SensitivityFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (default: the machine's; the results do not depend on it).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Every distribution measure of one column of microdata, with decomposition by group.
    Inequality {
        /// Microdata CSV, one row per household or person.
        microdata: PathBuf,
        /// The column to measure (e.g. disposable_income_yuan).
        #[arg(long)]
        value: String,
        /// The column of sampling weights.
        #[arg(long)]
        weight: Option<String>,
        /// The column defining groups for the decomposition.
        #[arg(long)]
        group: Option<String>,
        /// Per-capita measures: divide the value by this household-size column and weight
        /// each household by weight × size (every person counts once; World Bank PIP,
        /// Eurostat EU-SILC person-level convention).
        #[arg(long)]
        size: Option<String>,
        /// Missing cells (empty, NA, N/A, NaN, null) in the columns used: `fail` stops
        /// naming the cell; `skip` leaves those records out and reports them (R's na.rm).
        #[arg(long, value_enum, default_value_t = NaOption::Fail)]
        na: NaOption,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// CSV for Excel and WPS: a UTF-8 byte-order mark and CRLF line ends.
        #[arg(long, alias = "bom")]
        excel: bool,
    },
    /// Render the HTML report layout with FAKE numbers (layout checks only).
    #[command(hide = true)]
    DemoHtml {
        /// Output HTML file.
        out: PathBuf,
    },
    /// Render the report in any format with FAKE numbers (layout checks only).
    #[command(hide = true)]
    DemoReport {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// A failure after argument parsing: a data error (exit 1).
#[derive(Debug)]
struct Failure(String);

impl From<cpindex::Error> for Failure {
    fn from(e: cpindex::Error) -> Self {
        Failure(e.to_string())
    }
}

type CliResult<T = ()> = Result<T, Failure>;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                        ExitCode::from(2)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                _ => {
                    let text = e.render().to_string();
                    let text = text.strip_prefix("error: ").unwrap_or(&text);
                    eprint!("cpindex: error: {text}");
                    ExitCode::from(2)
                }
            };
        }
    };
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(msg)) => {
            eprintln!("cpindex: error: {msg}");
            ExitCode::from(1)
        }
    }
}

fn run(cmd: Command) -> CliResult {
    match cmd {
        Command::Indicators {
            framework,
            format,
            excel,
        } => {
            excel_only_with_csv(excel, format)?;
            let fw = load_framework(&framework)?;
            let text = match format {
                ListFormat::Table => indicators_table(&fw),
                ListFormat::Csv => indicators_csv(&fw)?,
                ListFormat::Json => fw.to_json() + "\n",
            };
            write_out(None, &csv_for(excel, text))
        }
        Command::Report {
            data,
            input,
            spec,
            framework,
            format,
            out,
            excel,
            households,
            survey,
            survey_items,
            no_auto,
            year,
            sensitivity: sensitivity_spec,
            threads,
            meta,
        } => {
            if excel && format != ReportFormat::Csv {
                return Err(Failure(
                    "--excel (--bom) applies to CSV output: add --format csv".into(),
                ));
            }
            if format == ReportFormat::Xlsx && out.is_none() {
                return Err(Failure(
                    "--format xlsx writes a binary workbook: give --out FILE.xlsx".into(),
                ));
            }
            if sensitivity_spec.is_some() && format != ReportFormat::Html {
                return Err(Failure(
                    "--sensitivity adds a section to the HTML report: use --format html (or `cpindex sensitivity` for the other formats)".into(),
                ));
            }
            // Every file this run reads — the explicit flags and the ones found beside the
            // data file — is resolved before anything is computed, so that `--out` can be
            // refused when it names any of them (`--out households.csv` used to replace the
            // household file that was picked up automatically).
            let beside = |name: &str| data.parent().map(|d| d.join(name)).filter(|p| p.is_file());
            let (households, households_auto) = match households {
                Some(h) => (Some(h), false),
                None if !no_auto => (beside("households.csv"), true),
                None => (None, false),
            };
            let (survey, survey_auto) = match survey {
                Some(s) => (Some(s), false),
                None if !no_auto => (beside("survey.csv"), true),
                None => (None, false),
            };
            // the item description defaults to survey_items.json beside the survey file
            let survey_items = survey.as_ref().map(|s| {
                survey_items.unwrap_or_else(|| {
                    s.parent()
                        .map(|d| d.join("survey_items.json"))
                        .unwrap_or_else(|| PathBuf::from("survey_items.json"))
                })
            });
            let inputs = [Some(data.as_path()), spec.as_deref(), households.as_deref()]
                .into_iter()
                .chain([survey.as_deref(), survey_items.as_deref()])
                .chain([sensitivity_spec.as_deref()])
                .chain([Some(Path::new(&framework))])
                .flatten()
                .collect::<Vec<_>>();
            output::refuse_input(out.as_deref(), &inputs)?;
            let fw = load_framework(&framework)?;
            let specs = report::load_specs(spec.as_deref())?;
            let threads = threads.unwrap_or_else(report::machine_threads);
            let ingest = input::read_data(&data, &fw, &input, threads)?;
            let panel = ingest.panel;
            // the input lines under the title, in the report's language
            let meta = meta.over(&specs.report)?;
            let lang = meta.lang.unwrap_or_default();
            let mut notes = vec![format!(
                "{} {} ({} {}, {}–{}){}",
                lang.pick("数据", "Data:"),
                data.display(),
                panel.n_units(),
                lang.pick("个单位", "units"),
                panel.periods().first().copied().unwrap_or_default(),
                panel.periods().last().copied().unwrap_or_default(),
                spec.as_ref()
                    .map(|s| format!("; {} {}", lang.pick("方法设定", "spec:"), s.display()))
                    .unwrap_or_else(|| lang.pick("; 方法设定:默认", "; spec: defaults").into())
            )];
            notes.extend(
                ingest
                    .warnings
                    .iter()
                    .map(|w| format!("{} {w}", lang.pick("读取:", "Input:"))),
            );
            let auto = lang.pick(
                "在数据文件旁找到并自动读取;--no-auto 不读取",
                "found beside the data file and read automatically; --no-auto to skip",
            );
            let (hh, sv) = (
                lang.pick("住户", "Households:"),
                lang.pick("问卷", "Survey:"),
            );
            let note = |label: &str, p: &Path, found: bool| match found {
                true => format!("{label} {} ({auto})", p.display()),
                false => format!("{label} {}", p.display()),
            };
            if let Some(h) = &households {
                notes.push(note(hh, h, households_auto));
            }
            if let Some(s) = &survey {
                notes.push(note(sv, s, survey_auto));
            }
            let survey = match (survey, survey_items) {
                (Some(s), Some(items)) => Some(report::read_survey(&s, &items)?),
                _ => None,
            };
            let households = households
                .map(|h| report::read_households(&h))
                .transpose()?;
            let v = report::build(report::ReportInput {
                fw: &fw,
                panel: &panel,
                specs: &specs,
                survey,
                households,
                year,
                input_notes: notes,
                meta,
                whole_evaluation: matches!(format, ReportFormat::Evaluation),
                threads,
            })?;
            let to_stdout = out.is_none();
            match sensitivity_spec {
                None => emit_report(&v, Some(&fw), format, excel, out.as_deref(), threads)?,
                Some(p) => {
                    let r = run_sensitivity(&fw, &panel, &p, None)?;
                    let page = html::render(&v);
                    let section = sensitivity::html_section(&r);
                    write_out(
                        out.as_deref(),
                        &sensitivity::insert_into_report(&page, &section),
                    )?
                }
            }
            if let (false, Some(o)) = (to_stdout, &out) {
                eprintln!("cpindex: wrote {}", o.display());
            }
            // The process ends right after this: the operating system takes the memory
            // back at once, whereas dropping the view (the whole evaluation) and the panel
            // record by record took 16 % of a national-scale report (2,844 units × 10
            // years). Deliberately not freed — here only, in the binary, never in the
            // library.
            std::mem::forget(v);
            std::mem::forget(panel);
            Ok(())
        }
        Command::Index {
            data,
            input,
            spec,
            framework,
            format,
            year,
            excel,
        } => {
            excel_only_with_csv(excel, format)?;
            let fw = load_framework(&framework)?;
            let specs = report::load_specs(spec.as_deref())?;
            let panel = input::read_data(&data, &fw, &input, report::machine_threads())?.panel;
            let index_spec = specs.resolved_index(&fw, &panel)?;
            let res = cpindex::method::run(&fw, &panel, &index_spec)?;
            let text = measures::index_output(&fw, &res, year, format)?;
            write_out(None, &csv_for(excel, text))
        }
        Command::Sensitivity {
            data,
            input,
            spec,
            framework,
            format,
            out,
            threads,
        } => {
            output::refuse_input(
                out.as_deref(),
                &[data.as_path(), spec.as_path(), Path::new(&framework)],
            )?;
            let fw = load_framework(&framework)?;
            let panel = input::read_data(
                &data,
                &fw,
                &input,
                threads.unwrap_or_else(report::machine_threads),
            )?
            .panel;
            let r = run_sensitivity(&fw, &panel, &spec, threads)?;
            eprintln!(
                "cpindex: sensitivity seed {} (set \"seed\" in the spec to change it)",
                r.spec.seed
            );
            let text = match format {
                SensitivityFormat::Table => sensitivity::table(&r),
                SensitivityFormat::Csv => sensitivity::csv(&r),
                SensitivityFormat::Json => r.to_json(),
                SensitivityFormat::Html => sensitivity::html_page(&r),
            };
            write_out(out.as_deref(), &text)
        }
        Command::Inequality {
            microdata,
            value,
            weight,
            group,
            size,
            na,
            format,
            excel,
        } => {
            excel_only_with_csv(excel, format)?;
            let cols = read_microdata(
                &microdata,
                &MicrodataColumns {
                    value: &value,
                    weight: weight.as_deref(),
                    group: group.as_deref(),
                    size: size.as_deref(),
                },
                na,
            )?;
            let text = measures::inequality_output(
                &microdata,
                &value,
                &cols.values,
                cols.weights.as_deref(),
                cols.groups.as_deref(),
                group.as_deref(),
                &measures::InequalityNotes {
                    per_capita: size.clone(),
                    skipped: cols.skipped,
                },
                format,
            )?;
            write_out(None, &csv_for(excel, text))
        }
        Command::DemoReport { format, out } => {
            emit_report(&view::demo_view(), None, format, false, out.as_deref(), 1)
        }
        Command::DemoHtml { out } => {
            emit_report(
                &view::demo_view(),
                None,
                ReportFormat::Html,
                false,
                Some(&out),
                1,
            )?;
            eprintln!(
                "cpindex: wrote {} (demo layout, fake numbers)",
                out.display()
            );
            Ok(())
        }
    }
}

/// Reads a sensitivity spec file and runs the analysis.
fn run_sensitivity(
    fw: &Framework,
    panel: &cpindex::data::Panel,
    path: &Path,
    threads: Option<usize>,
) -> CliResult<cpindex::sensitivity::SensitivityResults> {
    let text = std::fs::read_to_string(path).map_err(|e| io_err(path, e))?;
    let mut spec = cpindex::sensitivity::SensitivitySpec::from_json(&text)
        .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    if threads.is_some() {
        spec.threads = threads;
    }
    Ok(cpindex::sensitivity::analyse(fw, panel, &spec)?)
}

/// Writes a filled report view-model in the requested format, to `out` or stdout.
/// The `report` subcommand ends with this once it has built the view from the library's
/// results. The CSV and the workbook hold every table of the evaluation behind the view
/// (`tables.rs`; names from `fw`); the demo view, which has none, gives its dashboard
/// cells as CSV and no workbook.
fn emit_report(
    v: &view::ReportView,
    fw: Option<&Framework>,
    format: ReportFormat,
    excel: bool,
    out: Option<&Path>,
    threads: usize,
) -> CliResult {
    // the workbook tables only for the formats that print them (CSV, XLSX): building them
    // for the others was 14 % of a national-scale report, thrown away
    let tables = || match (&v.result, fw) {
        (Some(e), Some(fw)) => Some(tables::report_tables(e, fw)),
        _ => None,
    };
    let text = match format {
        ReportFormat::Table => text::render_table(v, threads),
        ReportFormat::Csv => match &tables() {
            Some(t) => {
                return output::write_out_with(out, |w| tables::write_csv(t, excel, w));
            }
            None if excel => tables::excel_text(&text::render_csv(v)),
            None => text::render_csv(v),
        },
        ReportFormat::Xlsx => {
            let (Some(t), Some(path)) = (&tables(), out) else {
                return Err(Failure(
                    "--format xlsx needs an evaluation and --out FILE.xlsx".into(),
                ));
            };
            return output::write_bytes(path, &xlsx::workbook(t)?);
        }
        // the two JSON forms (118 MB at national scale) serialised straight into the output
        ReportFormat::Json => return output::write_out_with(out, |w| text::write_json(v, w)),
        ReportFormat::Html => html::render(v),
        ReportFormat::Evaluation => match &v.result {
            // the same pretty JSON as `Evaluation::to_json` / `write_json`
            Some(e) => return output::write_out_with(out, |w| text::write_json(&**e, w)),
            None => return Err(Failure("no evaluation behind this view (demo)".into())),
        },
    };
    write_out(out, &text)
}

/// A built-in framework id, or a path to a framework JSON file (anything ending in
/// `.json` or containing a path separator, or an existing file).
fn load_framework(spec: &str) -> CliResult<Framework> {
    let looks_like_path = spec.ends_with(".json")
        || spec.contains('/')
        || spec.contains('\\')
        || Path::new(spec).is_file();
    if !looks_like_path {
        return Ok(cpindex::model::builtin::get(spec)?.clone());
    }
    Framework::from_json_file(spec).map_err(|e| {
        let msg = e.to_string();
        if msg.contains(spec) {
            Failure(msg)
        } else {
            Failure(format!("{spec}: {msg}"))
        }
    })
}

fn io_err(path: &Path, e: std::io::Error) -> Failure {
    Failure(format!("{}: {e}", path.display()))
}

/// A bad cell as the library's parse error (file, line, column).
fn bad_cell(path: &Path, column: &str, line: u64, cell: &str, what: &str) -> Failure {
    Failure(
        cpindex::Error::Parse {
            source_name: path.display().to_string(),
            line,
            column: column.to_string(),
            message: format!("`{}` {what}", cpindex::json::quote(cell)),
        }
        .to_string(),
    )
}

/// Parses cell `i` as a finite number; an empty cell is NaN when `empty_is_nan`.
fn parse_cell(
    path: &Path,
    header: &[String],
    rec: &cpindex::data::TextRow,
    i: usize,
    line: u64,
    empty_is_nan: bool,
) -> CliResult<f64> {
    let cell = rec.get(i).unwrap_or("").trim();
    if cell.is_empty() && empty_is_nan {
        return Ok(f64::NAN);
    }
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(bad_cell(
            path,
            &header[i],
            line,
            cell,
            "is not a finite number",
        )),
    }
}

/// Reads a microdata CSV (households, survey responses, `inequality` input) with the
/// library's reader: the same decoding (UTF-8, BOM, GB18030 detected with a warning) and
/// strict tokenizer as the panel data, so every CSV input fails the same way.
fn csv_header(path: &Path) -> CliResult<(Vec<cpindex::data::TextRow>, Vec<String>)> {
    let table = cpindex::data::read_text_table_path(path, cpindex::data::TextEncoding::Auto)
        .map_err(|e| Failure(e.to_string()))?;
    if let Some(w) = &table.warning {
        eprintln!("cpindex: warning: {w}");
    }
    Ok((table.rows, table.header))
}

fn missing_column(path: &Path, col: &str, header: &[String]) -> Failure {
    Failure(
        cpindex::Error::Parse {
            source_name: path.display().to_string(),
            line: 1,
            column: col.to_string(),
            message: format!("missing column (header has: {})", header.join(", ")),
        }
        .to_string(),
    )
}

/// The columns of a microdata file the `inequality` subcommand needs, parsed and checked;
/// with a size column, already per capita (value ÷ size, weight × size).
struct Microdata {
    values: Vec<f64>,
    weights: Option<Vec<f64>>,
    groups: Option<Vec<String>>,
    /// Records left out for a missing cell (`--na skip`): "line N (column `c`)".
    skipped: Vec<String>,
}

/// The column names given to `inequality`.
struct MicrodataColumns<'a> {
    value: &'a str,
    weight: Option<&'a str>,
    group: Option<&'a str>,
    size: Option<&'a str>,
}

/// A missing cell as R's `read.csv` and pandas' `read_csv` read one: empty, `NA`, `N/A`,
/// `NaN`/`nan`, `null`/`NULL`.
fn is_missing_cell(cell: &str) -> bool {
    matches!(
        cell.trim(),
        "" | "NA" | "N/A" | "NaN" | "nan" | "null" | "NULL"
    )
}

fn read_microdata(path: &Path, cols: &MicrodataColumns, na: NaOption) -> CliResult<Microdata> {
    let (rows, header) = csv_header(path)?;
    let find = |c: &str| {
        header
            .iter()
            .position(|h| h == c)
            .ok_or_else(|| missing_column(path, c, &header))
    };
    let vi = find(cols.value)?;
    let wi = cols.weight.map(find).transpose()?;
    let gi = cols.group.map(find).transpose()?;
    let si = cols.size.map(find).transpose()?;
    let person_weighted = si.is_some();
    let mut out = Microdata {
        values: Vec::new(),
        weights: (wi.is_some() || person_weighted).then(Vec::new),
        groups: gi.map(|_| Vec::new()),
        skipped: Vec::new(),
    };
    let num = |rec: &cpindex::data::TextRow, i: usize, line: u64| -> CliResult<f64> {
        parse_cell(path, &header, rec, i, line, false)
    };
    'rows: for rec in &rows {
        let line = rec.line;
        // a missing cell in any column used: an error naming it, or the record left out
        for i in [Some(vi), wi, gi, si].into_iter().flatten() {
            let cell = rec.get(i).unwrap_or("");
            if is_missing_cell(cell) {
                match na {
                    NaOption::Fail => {
                        let what = "is missing (an empty or NA cell); pass --na skip to leave \
                                    such records out (R's na.rm = TRUE)";
                        return Err(bad_cell(path, &header[i], line, cell.trim(), what));
                    }
                    NaOption::Skip => {
                        out.skipped
                            .push(format!("line {line} (column `{}`)", header[i]));
                        continue 'rows;
                    }
                }
            }
        }
        let mut value = num(rec, vi, line)?;
        let mut weight = match wi {
            Some(i) => {
                let wv = num(rec, i, line)?;
                if wv < 0.0 {
                    let row = out.values.len() + 1;
                    let what =
                        format!("is a negative weight (data row {row}); weights must be ≥ 0");
                    let cell = rec.get(i).unwrap_or("").trim();
                    return Err(bad_cell(path, &header[i], line, cell, &what));
                }
                wv
            }
            None => 1.0,
        };
        if let Some(i) = si {
            let size = num(rec, i, line)?;
            if size <= 0.0 {
                let cell = rec.get(i).unwrap_or("").trim();
                let what = "is not a household size (persons, > 0)";
                return Err(bad_cell(path, &header[i], line, cell, what));
            }
            // per-capita income of each member, each member counted once
            value /= size;
            weight *= size;
        }
        out.values.push(value);
        if let Some(w) = out.weights.as_mut() {
            w.push(weight);
        }
        if let (Some(i), Some(g)) = (gi, out.groups.as_mut()) {
            g.push(rec.get(i).unwrap_or("").trim().to_string());
        }
    }
    if out.values.is_empty() {
        return Err(Failure(format!(
            "{}: no data rows{}",
            path.display(),
            if out.skipped.is_empty() {
                String::new()
            } else {
                format!(" left ({} skipped for missing cells)", out.skipped.len())
            }
        )));
    }
    Ok(out)
}

/// `--excel` is for CSV output only.
fn excel_only_with_csv(excel: bool, format: ListFormat) -> CliResult {
    if excel && format != ListFormat::Csv {
        return Err(Failure(
            "--excel (--bom) applies to CSV output: add --format csv".into(),
        ));
    }
    Ok(())
}

/// The text as it is, or with a byte-order mark and CRLF line ends for Excel.
fn csv_for(excel: bool, text: String) -> String {
    if excel {
        tables::excel_text(&text)
    } else {
        text
    }
}

fn write_out(path: Option<&Path>, text: &str) -> CliResult {
    output::write_out(path, text)
}

/// A number as the plan writes it: shortest round-trip form (`2500`, `5.6`, `1.55`),
/// rounded to 4 decimals (`66.6667` for 2/3 of 100).
fn num(v: f64) -> String {
    let r = (v * 1e4).round() / 1e4;
    if r.is_finite() {
        format!("{r}")
    } else {
        format!("{v}")
    }
}

/// The target of an indicator as text: `≥ 2500 (2025)`, `≤ 1.8 (2025)`, `[a, b]`,
/// relative targets by their description.
pub(crate) fn target_text(ind: &Indicator, fw_target_year: i32) -> String {
    let year = ind.target_year_or(fw_target_year);
    let base = match (ind.target_form, ind.polarity, ind.target) {
        (TargetForm::About { tolerance }, _, Some(t)) => {
            format!("≈ {} ± {}", num(t), num(tolerance))
        }
        (
            TargetForm::BaselineMultiple {
                multiple,
                horizon_year,
            },
            _,
            _,
        ) => match horizon_year {
            Some(h) if h != year => format!("× {} of base by {h}, on the path", num(multiple)),
            _ => format!("× {} of base", num(multiple)),
        },
        (_, Polarity::Interval { lower, upper, .. }, _) => {
            format!("[{}, {}]", num(lower), num(upper))
        }
        (_, Polarity::HigherIsBetter, Some(t)) => format!("≥ {}", num(t)),
        (_, Polarity::LowerIsBetter, Some(t)) => format!("≤ {}", num(t)),
        (_, Polarity::Binary, Some(t)) => format!("= {}", num(t)),
        (_, _, None) => match &ind.relative_target {
            Some(r) if !r.description.is_empty() => r.description.clone(),
            Some(r) => format!("{:?}", r.relation),
            None => "–".into(),
        },
    };
    let mut s = format!("{base} ({year})");
    if let Some(st) = ind.stretch_target {
        s.push_str(&format!(", 力争 {}", num(st)));
    }
    if ind.aspirational {
        s.push_str(" *");
    }
    s
}

fn polarity_text(p: &Polarity) -> String {
    match p {
        Polarity::HigherIsBetter => "↑ higher".into(),
        Polarity::LowerIsBetter => "↓ lower".into(),
        Polarity::Interval { .. } => "↔ interval".into(),
        Polarity::Binary => "binary".into(),
    }
}

/// Dimensions in display order: depth-first from the top level (children from the
/// framework's dimension index: a scan of the framework per dimension was quadratic).
fn dimensions_in_order<'a>(
    dims: &cpindex::model::DimensionIndex<'a>,
) -> Vec<&'a cpindex::model::Dimension> {
    fn walk<'a>(
        dims: &cpindex::model::DimensionIndex<'a>,
        parent: Option<&str>,
        out: &mut Vec<&'a cpindex::model::Dimension>,
    ) {
        for &d in dims.child_dimensions(parent) {
            out.push(d);
            walk(dims, Some(&d.id), out);
        }
    }
    let mut out = Vec::new();
    walk(dims, None, &mut out);
    out
}

fn indicators_table(fw: &Framework) -> String {
    let mut t = Table::new(&["id", "指标", "单位", "方向", "类型", "目标", "计划原文"])
        .align(5, Align::Right)
        .max_width(1, 36)
        .max_width(6, 56);
    let dims = fw.dimension_index();
    for d in dimensions_in_order(&dims) {
        let inds = dims.indicators_in(&d.id);
        let path: Vec<String> = dims
            .path(&d.id)
            .iter()
            .filter_map(|id| dims.dimension(id).map(|d| d.name_zh.clone()))
            .collect();
        t.group(format!(
            "{} — {} [{}] (weight {})",
            path.join(" / "),
            d.name_en,
            d.id,
            num(d.weight)
        ));
        for i in inds {
            t.row(vec![
                i.id.clone(),
                i.name_zh.clone(),
                i.unit.label.clone(),
                polarity_text(&i.polarity),
                i.kind.name().to_string(),
                target_text(i, fw.target_year),
                i.provenance.phrase.clone(),
            ]);
        }
    }
    format!(
        "{}\n{} ({}–{}), {} dimensions, {} indicators; source: {}\n\n{}",
        fw.title_zh,
        fw.id,
        fw.base_year,
        fw.target_year,
        fw.dimensions.len(),
        fw.indicators.len(),
        fw.source,
        t.render()
    )
}

fn indicators_csv(fw: &Framework) -> CliResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let map = |e: csv::Error| Failure(format!("writing CSV: {e}"));
    w.write_record([
        "id",
        "dimension",
        "dimension_path",
        "name_zh",
        "name_en",
        "unit",
        "polarity",
        "kind",
        "target",
        "target_year",
        "stretch_target",
        "aspirational",
        "weight",
        "section",
        "phrase",
    ])
    .map_err(map)?;
    let opt = |v: Option<f64>| v.map(num).unwrap_or_default();
    let dims = fw.dimension_index();
    for d in dimensions_in_order(&dims) {
        for i in dims.indicators_in(&d.id) {
            w.write_record([
                i.id.clone(),
                i.dimension.clone(),
                dims.path(&i.dimension).join("/"),
                i.name_zh.clone(),
                i.name_en.clone(),
                i.unit.label.clone(),
                i.polarity.name().to_string(),
                i.kind.name().to_string(),
                opt(i.target),
                i.target_year_or(fw.target_year).to_string(),
                opt(i.stretch_target),
                i.aspirational.to_string(),
                num(i.weight),
                i.provenance.section.clone(),
                i.provenance.phrase.clone(),
            ])
            .map_err(map)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Failure(format!("writing CSV: {e}")))?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8"))
}
