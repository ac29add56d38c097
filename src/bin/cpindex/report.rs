//! The `report` subcommand's computation: reads the spec, the survey and the household
//! microdata, runs plan monitoring and the composite engine, and fills the view-model.

use std::path::{Path, PathBuf};

use cpindex::data::Panel;
use cpindex::method::Spec;
use cpindex::model::{Framework, Polarity};
use cpindex::monitor::{self, MonitorSpec, SatisfactionSpec, Survey, SurveyItem, TrendCategory};
use serde_json::Value;

use crate::fill::{self, unit_name, REFERENCE_UNITS, WHOLE_UNITS};
use crate::view::{
    fmt_value, Colour, DistributionRow, EvaluationRow, LineSeries, ReportView, Trend,
};
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
}

const COMBINED_KEYS: [&str; 4] = ["index", "monitor", "description", "$comment"];

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
    let combined = obj.contains_key("index") || obj.contains_key("monitor");
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
    fn field_err(&self, field: &str, msg: String) -> Failure {
        match &self.path {
            Some(p) => Failure(format!(
                "spec file {}: invalid spec field `{field}`: {msg}",
                p.display()
            )),
            None => Failure(format!("invalid spec field `{field}`: {msg}")),
        }
    }

    /// Checks the unit ids both parts name against the panel, and fills the defaults
    /// that depend on the panel: without `units`, the engine computes every unit but the
    /// reference series (`zhejiang`).
    pub fn resolve_units(&mut self, panel: &Panel) -> CliResult {
        let index_units = if self.bare { "units" } else { "index.units" };
        for (part, list) in [
            (index_units, self.index.units.clone()),
            ("monitor.units", self.monitor.units.clone()),
        ] {
            for id in list.iter().flatten() {
                if panel.unit_index(id).is_none() {
                    return Err(self.field_err(
                        part,
                        format!(
                            "unknown unit `{id}` (units in the data: {})",
                            panel.units().join(", ")
                        ),
                    ));
                }
            }
        }
        if self.index.units.is_none() {
            self.index.units = Some(
                panel
                    .units()
                    .iter()
                    .filter(|u| !REFERENCE_UNITS.contains(&u.as_str()))
                    .cloned()
                    .collect(),
            );
        }
        Ok(())
    }
}

/// Survey microdata with its item description.
pub struct SurveyInput {
    /// The survey.
    pub survey: Survey,
    /// Domain display names (id → 中文).
    pub domain_names: Vec<(String, String)>,
}

/// Reads `survey.csv` with the item description `items` (`survey_items.json` format:
/// scale, dont_know_code, weight/unit/year columns, dimensions, items).
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
    let domain_names = desc
        .get("dimensions")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|d| {
                    Some((
                        d.get("id")?.as_str()?.to_string(),
                        d.get("name_zh")?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();

    let (mut rdr, header) = csv_header(path)?;
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
    };
    for rec in rdr.records() {
        let rec = rec.map_err(|e| crate::csv_err(path, &e))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        survey
            .unit
            .push(rec.get(ui).unwrap_or("").trim().to_string());
        let y = crate::parse_cell(path, &header, &rec, yi, line, false)?;
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
            .push(crate::parse_cell(path, &header, &rec, wi, line, false)?);
        for (item, &c) in survey.items.iter_mut().zip(&item_cols) {
            item.responses
                .push(crate::parse_cell(path, &header, &rec, c, line, true)?);
        }
    }
    if survey.weight.is_empty() {
        return Err(Failure(format!("{}: no data rows", path.display())));
    }
    Ok(SurveyInput {
        survey,
        domain_names,
    })
}

/// Household microdata: annual household disposable income (元), size, weight.
pub struct Households {
    /// Annual household disposable income, 元.
    pub income: Vec<f64>,
    /// Household size (persons).
    pub size: Vec<f64>,
    /// Sampling weight (households).
    pub weight: Vec<f64>,
}

/// Reads `households.csv` (`weight`, `disposable_income_yuan`, `household_size`).
pub fn read_households(path: &Path) -> CliResult<Households> {
    let (mut rdr, header) = csv_header(path)?;
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
    for rec in rdr.records() {
        let rec = rec.map_err(|e| crate::csv_err(path, &e))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let w = crate::parse_cell(path, &header, &rec, wi, line, false)?;
        let x = crate::parse_cell(path, &header, &rec, xi, line, false)?;
        let s = crate::parse_cell(path, &header, &rec, si, line, false)?;
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

fn colour_of(c: monitor::Colour) -> Colour {
    match c {
        monitor::Colour::Green => Colour::Green,
        monitor::Colour::Yellow => Colour::Yellow,
        monitor::Colour::Orange => Colour::Orange,
        monitor::Colour::Red => Colour::Red,
        monitor::Colour::Grey => Colour::Grey,
    }
}

fn trend_of(c: TrendCategory) -> Trend {
    match c {
        TrendCategory::TargetAchieved | TrendCategory::OnTrack => Trend::OnTrack,
        TrendCategory::AccelerationNeeded => Trend::Moderate,
        TrendCategory::LimitedProgress | TrendCategory::NotAchieved => Trend::Stagnating,
        TrendCategory::Deterioration => Trend::Deteriorating,
        TrendCategory::UnableToAssess => Trend::Unknown,
    }
}

/// Colour of a value against a target by the monitoring spec's fallback rule (green when
/// met, then the ratio-form score thresholds).
fn target_colour(x: f64, target: Option<f64>, polarity: &Polarity, spec: &MonitorSpec) -> Colour {
    let Some(t) = target else {
        return Colour::Grey;
    };
    if !x.is_finite() {
        return Colour::Grey;
    }
    let higher = !matches!(polarity, Polarity::LowerIsBetter);
    let r = monitor::ratio_form(x, t, higher);
    colour_of(monitor::colour_from_score(
        r.capped,
        Some(monitor::meets(x, t, higher)),
        &spec.dashboard,
    ))
}

/// Everything `report` has read, ready to compute.
pub struct ReportInput<'a> {
    /// Framework.
    pub fw: &'a Framework,
    /// Panel.
    pub panel: &'a Panel,
    /// Specs (units resolved).
    pub specs: &'a Specs,
    /// Survey, if any.
    pub survey: Option<SurveyInput>,
    /// Households, if any.
    pub households: Option<Households>,
    /// Report year (None = latest).
    pub year: Option<i32>,
    /// The inputs read, one line each (shown under the title).
    pub input_notes: Vec<String>,
}

/// Runs monitoring and the engine and fills the report view.
pub fn build(inp: ReportInput<'_>) -> CliResult<ReportView> {
    let ReportInput {
        fw,
        panel,
        specs,
        survey,
        households,
        year,
        input_notes,
    } = inp;
    let mut v = fill::skeleton(fw, panel, year)?;
    let year = v.year;
    let mut mspec = specs.monitor.clone();
    if mspec.year.is_none() {
        mspec.year = Some(year);
    }
    let sat_spec = SatisfactionSpec::default();
    let mres = monitor::monitor_with_survey(
        fw,
        panel,
        survey.as_ref().map(|s| (&s.survey, &sat_spec)),
        &mspec,
    )?;
    let eres = cpindex::method::run(fw, panel, &specs.index)?;

    // ---- dashboard cells --------------------------------------------------------------
    for c in &mut v.cells {
        if let Some(a) = mres.achievement(&c.unit, &c.indicator, year) {
            c.achievement = a.score.map_or(f64::NAN, |s| 100.0 * s);
        }
        if let Some(d) = mres.dashboards.iter().find(|d| d.unit == c.unit) {
            if let Some(ic) = d.indicators.iter().find(|i| i.indicator == c.indicator) {
                c.colour = colour_of(ic.colour);
            }
        }
        if let Some(t) = mres
            .trends
            .iter()
            .find(|t| t.unit == c.unit && t.indicator == c.indicator)
        {
            c.trend = trend_of(t.category);
        }
    }

    // ---- summaries: achievement, dimensions, lagging, composite, ranks ----------------
    let index_scores = eres.index_scores(year).unwrap_or(&[]);
    let compare: Vec<(usize, f64)> = eres
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| v.compare_units.contains(u))
        .map(|(k, _)| (k, index_scores.get(k).copied().unwrap_or(f64::NAN)))
        .collect();
    let cmp_scores: Vec<f64> = compare.iter().map(|c| c.1).collect();
    let cmp_ranks = cpindex::method::pipeline::rank_descending(&cmp_scores, eres.spec.ranks.ties);
    for s in &mut v.summaries {
        if let Some(a) = mres.unit_achievement(&s.unit, year) {
            s.achievement = a.overall.map_or(f64::NAN, |x| 100.0 * x);
            for (k, d) in v.dimensions.iter().enumerate() {
                if let Some(da) = a.dimensions.iter().find(|x| x.dimension == d.id) {
                    s.by_dimension[k] = da.score.map_or(f64::NAN, |x| 100.0 * x);
                }
            }
            s.lagging = a
                .pulling_down
                .iter()
                .map(|p| {
                    let name = fw
                        .indicator(&p.indicator)
                        .map_or(p.indicator.clone(), |i| i.name_zh.clone());
                    format!("{name} ({:.0}%)", 100.0 * p.score)
                })
                .collect();
        }
        if let Some(d) = mres.dashboards.iter().find(|d| d.unit == s.unit) {
            for (k, dv) in v.dimensions.iter().enumerate() {
                if let Some(dc) = d.dimensions.iter().find(|x| x.dimension == dv.id) {
                    s.dimension_colours[k] = colour_of(dc.colour);
                }
            }
        }
        if let Some(k) = eres.units.iter().position(|u| *u == s.unit) {
            s.index = index_scores.get(k).copied().unwrap_or(f64::NAN);
            if let Some(j) = compare.iter().position(|c| c.0 == k) {
                let r = cmp_ranks[j];
                s.rank = r.is_finite().then_some(r as usize);
            }
        }
    }

    // ---- dynamic index ------------------------------------------------------------------
    v.index_series = v
        .units
        .iter()
        .filter_map(|u| mres.dynamic.iter().find(|d| d.unit == u.id))
        .map(|d| LineSeries {
            name: unit_name(&d.unit),
            values: v
                .years
                .iter()
                .map(|y| {
                    d.years
                        .iter()
                        .find(|x| x.year == *y)
                        .and_then(|x| x.fixed_base_index)
                        .unwrap_or(f64::NAN)
                })
                .collect(),
        })
        .collect();

    // ---- distribution targets -----------------------------------------------------------
    v.distribution = distribution_rows(
        fw,
        panel,
        year,
        &v.compare_units,
        &mspec,
        households.as_ref(),
    )?;

    // ---- satisfaction and overall evaluation ------------------------------------------------
    if let Some(si) = &survey {
        for e in &mres.evaluations {
            let g = mres
                .satisfaction
                .iter()
                .find(|g| g.unit == e.unit && g.year == e.year);
            let domains = g
                .map(|g| {
                    g.domains
                        .iter()
                        .map(|d| {
                            let name = si
                                .domain_names
                                .iter()
                                .find(|(id, _)| *id == d.domain)
                                .map_or(d.domain.clone(), |x| x.1.clone());
                            (name, d.estimate.map_or(f64::NAN, |x| x.mean))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let ov = g.and_then(|g| g.overall);
            v.evaluation.push(EvaluationRow {
                unit: e.unit.clone(),
                objective: e.objective.unwrap_or(f64::NAN),
                satisfaction: e.subjective.unwrap_or(f64::NAN),
                ci_lower: ov.and_then(|o| o.ci_lower).unwrap_or(f64::NAN),
                ci_upper: ov.and_then(|o| o.ci_upper).unwrap_or(f64::NAN),
                n: ov.map_or(0, |o| o.n),
                domains,
                combined: e.combined.unwrap_or(f64::NAN),
            });
        }
        v.evaluation_weight = mspec.objective_weight;
    }

    // ---- methodology ---------------------------------------------------------------------
    let spec_json = serde_json::json!({
        "index": eres.spec,
        "monitor": mspec,
    });
    v.methodology.spec_json =
        serde_json::to_string_pretty(&spec_json).expect("specs always serialise");
    let mut weights: Vec<(String, f64)> = eres
        .weights
        .iter()
        .filter(|w| w.period == year && w.node == eres.framework_id)
        .map(|w| {
            let name = fw
                .dimension(&w.child)
                .map_or(w.child.clone(), |d| d.name_zh.clone());
            (name, w.normalised)
        })
        .collect();
    if weights.is_empty() {
        weights = v.methodology.weights.clone();
    }
    v.methodology.indicator_weights = eres
        .weights
        .iter()
        .filter(|w| w.period == year && fw.indicator(&w.child).is_some())
        .map(|w| {
            let name = fw
                .indicator(&w.child)
                .map_or(w.child.clone(), |i| i.name_zh.clone());
            (name, w.effective)
        })
        .collect();
    v.methodology.weights = weights;
    let form = match mspec.form {
        monitor::AchievementForm::Ratio => {
            "实现度 (ratio form): x/T for higher-is-better, T/x for lower-is-better targets, capped at 100%; \
             cumulative, annual, growth-rate, interval and relative targets by their own rules (docs/monitoring.md)"
        }
        monitor::AchievementForm::Progress => {
            "实现度 (progress form): (x_t − x_0)/(T − x_0) from the 2020 baseline, clamped to [0, 100%] (docs/monitoring.md)"
        }
    };
    let mut notes = vec![
        form.to_string(),
        format!(
            "Plan achievement: weighted mean of indicator achievement with the framework's weights, \
             re-normalised over the available indicators; evaluation year {year}."
        ),
        format!(
            "Colours (SDSN dashboard): green = target met; yellow ≥ {:.0}% achievement; orange ≥ {:.0}%; red below; grey = no data. \
             Trend arrows (Open SDG progress ratio): ↑ on track (≥ {:.0}% of the growth needed), ↗ acceleration needed (≥ {:.0}%), \
             → limited progress, ↓ deterioration, · not assessable.",
            100.0 * mspec.dashboard.score_yellow,
            100.0 * mspec.dashboard.score_orange,
            100.0 * mspec.trend.on_track,
            100.0 * mspec.trend.acceleration_needed,
        ),
        format!(
            "Composite index (cpindex::method): computed across {} (reference series {} excluded); \
             ranks among the county-level units only ({} is the whole and is scored, not ranked).",
            eres.units
                .iter()
                .map(|u| unit_name(u))
                .collect::<Vec<_>>()
                .join("、"),
            REFERENCE_UNITS
                .iter()
                .map(|u| unit_name(u))
                .collect::<Vec<_>>()
                .join("、"),
            WHOLE_UNITS
                .iter()
                .map(|u| unit_name(u))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        "Targets are the city's plan targets (the plan sets no county targets): county-level units are measured against them too, \
         so size indicators (totals in 亿元, counts, five-year sums) show low county achievement by construction; read counties on rates, \
         shares and per-capita indicators, and compare them through the composite index."
            .to_string(),
        format!(
            "Dynamic monitoring index: fixed base {} = 100, indicators rescaled on fixed goalposts (baseline → target), AMPI-style.",
            mspec.dynamic.base_year.unwrap_or(fw.base_year)
        ),
    ];
    let withheld: Vec<String> = mres
        .aggregates
        .iter()
        .filter(|a| a.year == year && a.withheld.is_some())
        .map(|a| {
            format!(
                "{} ({:.0}%)",
                unit_name(&a.unit),
                100.0 * a.indicator_coverage
            )
        })
        .collect();
    if !withheld.is_empty() {
        notes.push(format!(
            "实现度 not published (–) for {}: fewer than {:.0}% of the framework's indicators have data (coverage in brackets; SDSN rule, spec `min_indicator_coverage`; the dimension scores are shown).",
            withheld.join("、"),
            100.0 * mspec.min_indicator_coverage
        ));
    }
    notes.append(&mut v.methodology.notes);
    let nw = mres.warnings.len() + eres.warnings.len();
    if nw > 0 {
        notes.push(format!(
            "{nw} warning(s) from monitoring and the engine (full list in --format json), e.g.: {}",
            mres.warnings
                .iter()
                .chain(&eres.warnings)
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    v.methodology.notes = notes;
    if v.illustrative {
        v.methodology.sources.push(v.illustrative_note.clone());
    }
    v.methodology.sources.push(
        "数据来源见数据文件的 source 列 (published values name their document; see examples/data/SOURCES.md for the sample) — Sources: the data file's `source` column."
            .into(),
    );
    v.inputs = input_notes;
    v.warnings = mres
        .warnings
        .iter()
        .chain(&eres.warnings)
        .cloned()
        .collect();
    Ok(v)
}

const URBAN_INCOME: &str = "urban_per_capita_disposable_income";
const RURAL_INCOME: &str = "rural_per_capita_disposable_income";
const INCOME: &str = "per_capita_disposable_income";

fn distribution_rows(
    fw: &Framework,
    panel: &Panel,
    year: i32,
    compare_units: &[String],
    mspec: &MonitorSpec,
    households: Option<&Households>,
) -> CliResult<Vec<DistributionRow>> {
    let mut rows = Vec::new();
    let whole = WHOLE_UNITS
        .iter()
        .find(|u| panel.unit_index(u).is_some())
        .copied();
    let target_of = |id: &str| {
        fw.indicator(id)
            .map(|i| (crate::target_text(i, fw.target_year), i.target, i.polarity))
    };
    // urban–rural income ratio of the city, from the two income series
    if let (Some(city), Some(_), Some(_)) = (
        whole,
        panel.indicator_index(URBAN_INCOME),
        panel.indicator_index(RURAL_INCOME),
    ) {
        let series = monitor::urban_rural_income_ratio(panel, city, URBAN_INCOME, RURAL_INCOME)?;
        let r = series
            .iter()
            .find(|(y, _)| *y == year)
            .and_then(|x| x.1)
            .unwrap_or(f64::NAN);
        let (t_text, t, pol) = target_of("urban_rural_income_ratio").unwrap_or((
            "–".into(),
            None,
            Polarity::LowerIsBetter,
        ));
        let reported = panel
            .get_by_id(city, year, "urban_rural_income_ratio")
            .filter(|x| x.is_finite());
        let u = panel
            .get_by_id(city, year, URBAN_INCOME)
            .unwrap_or(f64::NAN);
        let ru = panel
            .get_by_id(city, year, RURAL_INCOME)
            .unwrap_or(f64::NAN);
        rows.push(DistributionRow {
            label: format!("{}城乡居民收入倍差", unit_name(city)),
            value: format!("{:.2}", r),
            target: t_text,
            colour: target_colour(r, t, &pol, mspec),
            note: format!(
                "城镇 {} 元 / 农村 {} 元{}",
                fmt_value(u),
                fmt_value(ru),
                reported
                    .map(|x| format!("; 数据文件所列 {}", fmt_value(x)))
                    .unwrap_or_default()
            ),
        });
    }
    // county max/min ratio of per-capita disposable income
    if panel.indicator_index(INCOME).is_some() && compare_units.len() >= 2 {
        let m = monitor::county_max_min_ratio(panel, INCOME, year, Some(compare_units))?;
        let (t_text, t, pol) = target_of("county_income_max_min_ratio").unwrap_or((
            "–".into(),
            None,
            Polarity::LowerIsBetter,
        ));
        rows.push(DistributionRow {
            label: "各县(市、区)居民人均可支配收入最高最低倍差".into(),
            value: format!("{:.2}", m.ratio),
            target: t_text,
            colour: target_colour(m.ratio, t, &pol, mspec),
            note: format!(
                "最高 {} {} 万元, 最低 {} {} 万元{}",
                unit_name(&m.max_unit),
                fmt_value(m.max_value),
                unit_name(&m.min_unit),
                fmt_value(m.min_value),
                if m.missing.is_empty() {
                    String::new()
                } else {
                    format!("; 缺数据: {}", m.missing.join(", "))
                }
            ),
        });
    }
    if let Some(h) = households {
        let bands = [(100_000.0, 500_000.0), (200_000.0, 600_000.0)];
        let incomes = monitor::band_incomes(&h.income, Some(&h.size), mspec.band_income)?;
        let shares = monitor::household_band_shares(&incomes, Some(&h.weight), &bands)?;
        for ((lo, hi), (s, id)) in bands.iter().zip(shares.iter().zip([
            "household_income_10_50_share",
            "household_income_20_60_share",
        ])) {
            let pct = 100.0 * s;
            let (t_text, t, pol) =
                target_of(id).unwrap_or(("–".into(), None, Polarity::HigherIsBetter));
            rows.push(DistributionRow {
                label: format!(
                    "家庭年可支配收入{}—{}万元群体比例",
                    lo / 10_000.0,
                    hi / 10_000.0
                ),
                value: format!("{pct:.1}%"),
                target: t_text,
                colour: target_colour(pct, t, &pol, mspec),
                note: format!(
                    "住户样本 {} 户, 加权; 区间 [下限, 上限); {}",
                    h.income.len(),
                    match mspec.band_income {
                        monitor::BandIncome::Actual => "家庭实际年可支配收入",
                        monitor::BandIncome::ThreePersonEquivalent =>
                            "按三口之家折算 (3 × 人均可支配收入)",
                    }
                ),
            });
        }
        let pc: Vec<f64> = h.income.iter().zip(&h.size).map(|(x, s)| x / s).collect();
        let pw: Vec<f64> = h.weight.iter().zip(&h.size).map(|(w, s)| w * s).collect();
        let d = cpindex::distribution::Distribution::new(&pc, Some(&pw))?;
        rows.push(DistributionRow {
            label: "居民人均可支配收入基尼系数".into(),
            value: format!("{:.3}", d.gini()?),
            target: "–".into(),
            colour: Colour::Grey,
            note: "住户人均收入, 按人口加权 (户权数 × 户规模)".into(),
        });
        rows.push(DistributionRow {
            label: "泰尔指数 Theil T".into(),
            value: format!("{:.3}", d.theil_t()?),
            target: "–".into(),
            colour: Colour::Grey,
            note: "同上; GE(1)".into(),
        });
    }
    Ok(rows)
}
