//! The `report` subcommand's inputs: reads the spec, the survey and the household
//! microdata, runs the library's evaluation ([`cpindex::evaluate::evaluate`]) and hands
//! the result to the view-model ([`crate::fill::view`]). Nothing here computes a
//! statistic.

use std::path::{Path, PathBuf};

use cpindex::data::Panel;
use cpindex::evaluate::{self, EvaluationSpec, Households};
use cpindex::method::Spec;
use cpindex::model::Framework;
use cpindex::monitor::{MonitorSpec, Survey, SurveyItem};
use serde_json::Value;

use crate::fill;
use crate::i18n::Lang;
use crate::view::{ReportMeta, ReportView};
use crate::{csv_header, io_err, CliResult, Failure};

/// The two parts of a spec file: the composite engine's and plan monitoring's.
#[derive(Debug, Clone, Default)]
pub struct Specs {
    /// The engine spec (`index` part).
    pub index: Spec,
    /// The monitoring spec (`monitor` part).
    pub monitor: MonitorSpec,
    /// The file it came from (for error messages), if any.
    pub path: Option<PathBuf>,
    /// The file is a bare engine spec (its fields are named without `index.`).
    pub bare: bool,
    /// The `report` section: issuing office, title, date, language (presentation only:
    /// not part of the evaluation, not hashed by the fingerprint).
    pub report: ReportMeta,
}

const COMBINED_KEYS: [&str; 5] = ["index", "monitor", "report", "description", "$comment"];

/// The report's issuing office, title, date and language from the command line; each
/// flag overrides the spec's `report` section.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct MetaArgs {
    /// Report language: zh (default; the plan's language) or en.
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// The issuing office shown under the title (e.g. 衢州市统计局).
    #[arg(long)]
    pub office: Option<String>,
    /// The report title (default: the framework's title and the report year).
    #[arg(long)]
    pub title: Option<String>,
    /// The issue date, YYYY-MM-DD (default: none shown; never the clock, so the same
    /// inputs give the same file).
    #[arg(long)]
    pub date: Option<String>,
}

impl MetaArgs {
    /// The flags over the spec's section, the date checked.
    pub fn over(&self, spec: &ReportMeta) -> CliResult<ReportMeta> {
        let m = ReportMeta {
            office: self.office.clone().or_else(|| spec.office.clone()),
            title: self.title.clone().or_else(|| spec.title.clone()),
            date: self.date.clone().or_else(|| spec.date.clone()),
            lang: self.lang.or(spec.lang),
        };
        if let Some(d) = &m.date {
            check_date(d)?;
        }
        Ok(m)
    }
}

/// A calendar date `YYYY-MM-DD` (Gregorian, ISO 8601 calendar date, extended format).
pub fn check_date(d: &str) -> CliResult<()> {
    let bad = || {
        Failure(format!(
            "report date `{d}`: write it as YYYY-MM-DD, e.g. 2025-03-01 (--date or the spec's report.date)"
        ))
    };
    let parts: Vec<&str> = d.split('-').collect();
    let [y, m, day] = parts[..] else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || day.len() != 2 {
        return Err(bad());
    }
    let (Ok(y), Ok(m), Ok(day)) = (y.parse::<i32>(), m.parse::<u32>(), day.parse::<u32>()) else {
        return Err(bad());
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if day == 0 || day > days {
        return Err(bad());
    }
    Ok(())
}

/// Reads a spec file. Two shapes are accepted:
/// * combined: `{"description": "…", "index": {engine spec}, "monitor": {monitor spec}}`
///   (both parts optional; `examples/spec.json`);
/// * a bare engine spec (`{"normalisation": …, "weighting": …}`), as in `docs/spec.md`.
///
/// Errors name the file and the line/column (malformed JSON) or the field
/// (`index.weighting.dimensions`, `monitor.units`, …).
pub fn load_specs(path: Option<&Path>) -> CliResult<Specs> {
    let Some(path) = path else {
        return Ok(Specs {
            monitor: MonitorSpec::default(),
            ..Specs::default()
        });
    };
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| io_err(path, e))?;
    // strict decoding (BOM, duplicate keys) with positions in the file itself
    let value: Value = cpindex::json::decode(&format!("spec file {name}"), &text)
        .map_err(|e| Failure(e.to_string()))?;
    let Some(obj) = value.as_object() else {
        return Err(Failure(format!(
            "spec file {name}: invalid spec field `(root)`: a spec is a JSON object"
        )));
    };
    let combined =
        obj.contains_key("index") || obj.contains_key("monitor") || obj.contains_key("report");
    let wrap = |part: &str, e: cpindex::Error| -> Failure {
        match e {
            cpindex::Error::InvalidSpec { field, message } => {
                let field = if part.is_empty() {
                    field
                } else if field == "(root)" {
                    part.to_string()
                } else {
                    format!("{part}.{field}")
                };
                Failure(format!(
                    "spec file {name}: invalid spec field `{field}`: {message}"
                ))
            }
            cpindex::Error::Json {
                message,
                line,
                column,
                ..
            } => Failure(format!(
                "spec file {name}, line {line}, column {column}: invalid spec field `{part}`: {message}"
            )),
            other => Failure(format!("spec file {name}: {other}")),
        }
    };
    let mut specs = Specs {
        path: Some(path.to_path_buf()),
        ..Specs::default()
    };
    if combined {
        for key in obj.keys() {
            if !COMBINED_KEYS.contains(&key.as_str()) {
                return Err(Failure(format!(
                    "spec file {name}: invalid spec field `{key}`: unknown field (a combined spec has: {})",
                    COMBINED_KEYS.join(", ")
                )));
            }
        }
        if let Some(v) = obj.get("index") {
            specs.index = Spec::from_json(&v.to_string()).map_err(|e| wrap("index", e))?;
        }
        if let Some(v) = obj.get("report") {
            specs.report = serde_json::from_value(v.clone()).map_err(|e| {
                Failure(format!(
                    "spec file {name}: invalid spec field `report`: {e} (the section has: office, title, date, lang)"
                ))
            })?;
            if let Some(d) = &specs.report.date {
                check_date(d)?;
            }
        }
        specs.monitor = MonitorSpec::default();
        if obj.contains_key("monitor") {
            // the section as it stands in the file, so errors give the file's line/column
            let body = cpindex::json::strip_bom(&text);
            let raw: std::collections::HashMap<String, &serde_json::value::RawValue> =
                serde_json::from_str(body).map_err(|e| Failure(e.to_string()))?;
            specs.monitor = MonitorSpec::from_json_fragment("monitor", body, raw["monitor"].get())
                .map_err(|e| wrap("monitor", e))?;
        }
    } else {
        let mut v = value.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("description");
            o.remove("$comment");
        }
        specs.index = Spec::from_json(&v.to_string()).map_err(|e| wrap("", e))?;
        specs.monitor = MonitorSpec::default();
        specs.bare = true;
    }
    Ok(specs)
}

impl Specs {
    /// The evaluation spec of these parts.
    pub fn evaluation_spec(&self) -> EvaluationSpec {
        EvaluationSpec {
            index: self.index.clone(),
            monitor: self.monitor.clone(),
            ..EvaluationSpec::default()
        }
    }

    /// A library error about the spec, with the file name and the field as the file
    /// spells it (`units` in a bare engine spec, `index.units` in a combined one).
    pub fn error(&self, e: cpindex::Error) -> Failure {
        match e {
            cpindex::Error::InvalidSpec { field, message } => {
                let field = match field.strip_prefix("index.") {
                    Some(f) if self.bare => f.to_string(),
                    _ => field,
                };
                match &self.path {
                    Some(p) => Failure(format!(
                        "spec file {}: invalid spec field `{field}`: {message}",
                        p.display()
                    )),
                    None => Failure(format!("invalid spec field `{field}`: {message}")),
                }
            }
            other => Failure(other.to_string()),
        }
    }

    /// The engine spec with the units defaulted and checked against the panel
    /// ([`evaluate::resolve_spec`]).
    pub fn resolved_index(&self, fw: &Framework, panel: &Panel) -> CliResult<Spec> {
        evaluate::resolve_spec(fw, panel, &self.evaluation_spec())
            .map(|s| s.index)
            .map_err(|e| self.error(e))
    }
}

/// Survey microdata with its item description.
pub struct SurveyInput {
    /// The survey.
    pub survey: Survey,
    /// Domain display names (id → 中文).
    pub domain_names: Vec<(String, String)>,
    /// Domain display names in English (id → name), where the items file gives them.
    pub domain_names_en: Vec<(String, String)>,
}

/// Reads `survey.csv` with the item description `items` (`survey_items.json` format:
/// scale, dont_know_code, weight/unit/year columns, dimensions, items; optional design
/// columns `stratum_column` / `psu_column` / `fpc_column` — by default the CSV columns
/// `stratum`, `psu`, `fpc` when present — and `subpopulation_columns`, a list of columns
/// estimated as domains, e.g. `["area", "age_group"]`).
pub fn read_survey(path: &Path, items: &Path) -> CliResult<SurveyInput> {
    let iname = items.display().to_string();
    let text = std::fs::read_to_string(items).map_err(|e| io_err(items, e))?;
    let desc: Value = serde_json::from_str(&text).map_err(|e| {
        Failure(cpindex::Error::from_json(format!("survey items file {iname}"), &e).to_string())
    })?;
    let field = |k: &str| -> CliResult<&Value> {
        desc.get(k)
            .ok_or_else(|| Failure(format!("survey items file {iname}: missing field `{k}`")))
    };
    let num = |v: &Value, k: &str| -> CliResult<f64> {
        v.as_f64().ok_or_else(|| {
            Failure(format!(
                "survey items file {iname}: field `{k}` is not a number"
            ))
        })
    };
    let scale = field("scale")?;
    let (smin, smax) = (
        num(&scale["min"], "scale.min")?,
        num(&scale["max"], "scale.max")?,
    );
    let codes: Vec<f64> = desc
        .get("dont_know_code")
        .and_then(Value::as_f64)
        .into_iter()
        .collect();
    let col = |k: &str, d: &str| -> String {
        desc.get(k).and_then(Value::as_str).unwrap_or(d).to_string()
    };
    let (wcol, ucol, ycol) = (
        col("weight_column", "weight"),
        col("unit_column", "unit"),
        col("year_column", "year"),
    );
    let items_v = field("items")?
        .as_array()
        .ok_or_else(|| Failure(format!("survey items file {iname}: `items` is not a list")))?;
    let mut item_defs = Vec::new();
    for (k, it) in items_v.iter().enumerate() {
        let id = it
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| Failure(format!("survey items file {iname}: items[{k}].id missing")))?;
        let dim = it.get("dimension").and_then(Value::as_str).ok_or_else(|| {
            Failure(format!(
                "survey items file {iname}: items[{k}].dimension missing"
            ))
        })?;
        let rev = it.get("reverse").and_then(Value::as_bool).unwrap_or(false);
        item_defs.push((id.to_string(), dim.to_string(), rev));
    }
    let names = |key: &str| -> Vec<(String, String)> {
        desc.get("dimensions")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|d| {
                        Some((
                            d.get("id")?.as_str()?.to_string(),
                            d.get(key)?.as_str()?.to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (domain_names, domain_names_en) = (names("name_zh"), names("name_en"));

    let (rows, header) = csv_header(path)?;
    let find = |c: &str| {
        header
            .iter()
            .position(|h| h == c)
            .ok_or_else(|| crate::missing_column(path, c, &header))
    };
    let (wi, ui, yi) = (find(&wcol)?, find(&ucol)?, find(&ycol)?);
    let item_cols: Vec<usize> = item_defs
        .iter()
        .map(|(id, _, _)| find(id))
        .collect::<CliResult<_>>()?;
    // optional design columns: named in the items file, else used when present in the CSV
    let opt_col = |k: &str, d: &str| -> CliResult<Option<usize>> {
        match desc.get(k).and_then(Value::as_str) {
            Some(c) => find(c).map(Some),
            None => Ok(header.iter().position(|h| h == d)),
        }
    };
    let (si, pi, fi) = (
        opt_col("stratum_column", "stratum")?,
        opt_col("psu_column", "psu")?,
        opt_col("fpc_column", "fpc")?,
    );
    let sub_cols: Vec<(String, usize)> = desc
        .get("subpopulation_columns")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|c| find(c).map(|i| (c.to_string(), i)))
        .collect::<CliResult<_>>()?;
    let mut survey = Survey {
        unit: Vec::new(),
        year: Vec::new(),
        weight: Vec::new(),
        items: item_defs
            .iter()
            .map(|(id, dim, rev)| SurveyItem {
                id: id.clone(),
                domain: dim.clone(),
                scale_min: smin,
                scale_max: smax,
                reverse: *rev,
                responses: Vec::new(),
            })
            .collect(),
        nonresponse_codes: codes,
        ..Survey::default()
    };
    for rec in &rows {
        let line = rec.line;
        survey
            .unit
            .push(rec.get(ui).unwrap_or("").trim().to_string());
        let y = crate::parse_cell(path, &header, rec, yi, line, false)?;
        if y.fract() != 0.0 {
            return Err(crate::bad_cell(
                path,
                &header[yi],
                line,
                &y.to_string(),
                "is not a year",
            ));
        }
        survey.year.push(y as i32);
        survey
            .weight
            .push(crate::parse_cell(path, &header, rec, wi, line, false)?);
        for (item, &c) in survey.items.iter_mut().zip(&item_cols) {
            item.responses
                .push(crate::parse_cell(path, &header, rec, c, line, true)?);
        }
        let text = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        if let Some(i) = si {
            survey.design.stratum.push(text(i));
        }
        if let Some(i) = pi {
            survey.design.psu.push(text(i));
        }
        if let Some(i) = fi {
            survey
                .design
                .fpc
                .push(crate::parse_cell(path, &header, rec, i, line, false)?);
        }
        for (name, i) in &sub_cols {
            survey
                .subpopulations
                .entry(name.clone())
                .or_default()
                .push(text(*i));
        }
    }
    if survey.weight.is_empty() {
        return Err(Failure(format!("{}: no data rows", path.display())));
    }
    Ok(SurveyInput {
        survey,
        domain_names,
        domain_names_en,
    })
}

/// Reads `households.csv` (`weight`, `disposable_income_yuan`, `household_size`).
pub fn read_households(path: &Path) -> CliResult<Households> {
    let (rows, header) = csv_header(path)?;
    let find = |c: &str| {
        header
            .iter()
            .position(|h| h == c)
            .ok_or_else(|| crate::missing_column(path, c, &header))
    };
    let (wi, xi, si) = (
        find("weight")?,
        find("disposable_income_yuan")?,
        find("household_size")?,
    );
    let mut h = Households {
        income: Vec::new(),
        size: Vec::new(),
        weight: Vec::new(),
    };
    for rec in &rows {
        let line = rec.line;
        let w = crate::parse_cell(path, &header, rec, wi, line, false)?;
        let x = crate::parse_cell(path, &header, rec, xi, line, false)?;
        let s = crate::parse_cell(path, &header, rec, si, line, false)?;
        if w <= 0.0 {
            return Err(crate::bad_cell(
                path,
                "weight",
                line,
                &w.to_string(),
                "must be positive",
            ));
        }
        if s < 1.0 {
            return Err(crate::bad_cell(
                path,
                "household_size",
                line,
                &s.to_string(),
                "must be at least 1",
            ));
        }
        h.income.push(x);
        h.size.push(s);
        h.weight.push(w);
    }
    if h.income.is_empty() {
        return Err(Failure(format!("{}: no data rows", path.display())));
    }
    Ok(h)
}

/// Everything `report` has read, ready to evaluate.
pub struct ReportInput<'a> {
    /// Framework.
    pub fw: &'a Framework,
    /// Panel.
    pub panel: &'a Panel,
    /// Specs.
    pub specs: &'a Specs,
    /// Survey, if any.
    pub survey: Option<SurveyInput>,
    /// Households, if any.
    pub households: Option<Households>,
    /// Report year (None = the monitoring default: the latest period in the plan period).
    pub year: Option<i32>,
    /// The inputs read, one line each (shown under the title).
    pub input_notes: Vec<String>,
    /// Issuing office, title, date and language.
    pub meta: ReportMeta,
    /// Whether the view's evaluation must be whole (`--format evaluation` prints it).
    /// Otherwise the evaluation leaves out what no rendering shows (the dynamic index's
    /// contributions and missing lists, [`cpindex::monitor::MonitorDetail`]; the
    /// composite index's contributions, obstacle degrees, statistics and correlations,
    /// [`cpindex::evaluate::EvaluationDetail`]); every number the renderers read is the
    /// same.
    pub whole_evaluation: bool,
    /// Threads for the evaluation ([`cpindex::monitor::MonitorDetail::threads`]).
    pub threads: usize,
}

/// The threads this machine offers (1 when it cannot tell).
pub fn machine_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs the library's evaluation and fills the report view.
pub fn build(inp: ReportInput<'_>) -> CliResult<ReportView> {
    let ReportInput {
        fw,
        panel,
        specs,
        survey,
        households,
        year,
        input_notes,
        meta,
        whole_evaluation,
        threads,
    } = inp;
    let mut spec = specs.evaluation_spec();
    if let Some(y) = year {
        panel.require_period(y)?;
        spec.monitor.year = Some(y);
    }
    let ev = evaluate::evaluate_with_detail(
        evaluate::Request {
            framework: fw,
            panel,
            survey: survey.as_ref().map(|s| &s.survey),
            households: households.as_ref(),
            spec: &spec,
        },
        evaluate::EvaluationDetail {
            monitor: cpindex::monitor::MonitorDetail {
                dynamic_breakdown: whole_evaluation,
                threads,
            },
            index_outputs: whole_evaluation,
        },
    )
    .map_err(|e| specs.error(e))?;
    Ok(fill::view_shared(
        fw,
        std::sync::Arc::new(ev),
        fill::Extras {
            domain_names: survey
                .map(|s| match meta.lang.unwrap_or_default() {
                    Lang::Zh => s.domain_names,
                    // English names where given, else the Chinese
                    Lang::En => s
                        .domain_names
                        .into_iter()
                        .map(|(id, zh)| {
                            let en = s.domain_names_en.iter().find(|x| x.0 == id);
                            (id, en.map_or(zh, |x| x.1.clone()))
                        })
                        .collect(),
                })
                .unwrap_or_default(),
            input_notes,
            lang: meta.lang.unwrap_or_default(),
            meta,
            threads,
        },
    ))
}
