//! One evaluation: everything the annual monitoring report shows, computed in one place.
//!
//! [`evaluate`] takes a [`Request`] — the framework, the panel, optionally the survey
//! microdata (for the satisfaction index, 群众获得感幸福感安全感评价) and the household
//! microdata (for the income band shares and the inequality measures), and an
//! [`EvaluationSpec`] — and returns an [`Evaluation`]: the achievement cells of the report
//! year (a columnar [`CellTable`]), the per-unit summaries (plan and dimension
//! achievement, dashboard colours, composite index and rank, lagging indicators), the
//! full monitoring results (achievement records, schedule, trend, dynamic index,
//! satisfaction index with SE, design effect, effective n, non-response counts and CI,
//! combined evaluation), the composite-index results, the distribution targets, the
//! provenance of the data (sourced vs illustrative), warnings, and a reproducibility
//! fingerprint ([`fingerprint`]).
//!
//! The command line's `report`, the JSON entry point, the C functions and the Python
//! bindings all render or encode this one result; none computes anything of its own.
//! Unit roles (whole, part, reference), display names, per-unit targets and the derived
//! targets come from the framework ([`crate::model::plan`]).

pub mod fingerprint;
pub mod request;

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::alloc::try_with_capacity;
use crate::data::{CellProvenance, Panel};
use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::method::{self, Spec};
use crate::model::{DerivedMeasure, Framework, Kind, Polarity, TargetSource, UnitRole};
use crate::monitor::{
    self, Colour, MaxMinRatio, MonitorResults, MonitorSpec, SatisfactionSpec, Survey, TrendCategory,
};

/// The library version that goes into every fingerprint.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The methodology of one evaluation. Every field has a default; `{}` is valid. Unknown
/// members are errors at any depth (a typo such as `schedule_tolerence` is reported, never
/// ignored): `index` is decoded by [`Spec::from_json`], which also refuses an unknown key
/// inside a method (`normalisation.default.zz`), where serde's derive would ignore it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct EvaluationSpec {
    /// The composite engine's spec. Without `units`, every unit of the panel except the
    /// framework's reference units.
    pub index: Spec,
    /// Plan monitoring's spec.
    pub monitor: MonitorSpec,
    /// The satisfaction index's settings (used with a survey).
    pub satisfaction: SatisfactionSpec,
}

/// The members of an [`EvaluationSpec`] as read, `index` kept as JSON for
/// [`Spec::from_json`].
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct EvaluationSpecMembers {
    index: Option<serde_json::Value>,
    monitor: MonitorSpec,
    satisfaction: SatisfactionSpec,
}

impl<'de> Deserialize<'de> for EvaluationSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let m = EvaluationSpecMembers::deserialize(d)?;
        let index = match m.index {
            None => Spec::default(),
            // (the field named from `index` on: the caller's path ends at the spec)
            Some(v) => Spec::from_json(&v.to_string()).map_err(|e| match e {
                Error::InvalidSpec { field, message } => {
                    let field = match field.as_str() {
                        "(root)" => "index".to_string(),
                        f => format!("index.{f}"),
                    };
                    serde::de::Error::custom(format!("spec field `{field}`: {message}"))
                }
                other => serde::de::Error::custom(other),
            })?,
        };
        Ok(EvaluationSpec {
            index,
            monitor: m.monitor,
            satisfaction: m.satisfaction,
        })
    }
}

/// Household microdata: one row per household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Households {
    /// Annual household disposable income, 元.
    pub income: Vec<f64>,
    /// Household size (persons, ≥ 1).
    pub size: Vec<f64>,
    /// Sampling weight (households, positive).
    pub weight: Vec<f64>,
}

impl Households {
    /// Checks equal lengths, at least one household, finite incomes ≥ 0, sizes ≥ 1 and
    /// positive finite weights, naming the first offending row (0-based) and column. An
    /// income below 0 is refused here because the evaluation's Theil T = GE(1) of
    /// per-capita income (Cowell 2011) is defined only for values ≥ 0: reported later, it
    /// named an internal array and the per-capita value instead of the household.
    pub fn validate(&self) -> Result<()> {
        let n = self.income.len();
        if self.size.len() != n {
            return Err(Error::length_mismatch(
                "households: size vs income",
                n,
                self.size.len(),
            ));
        }
        if self.weight.len() != n {
            return Err(Error::length_mismatch(
                "households: weight vs income",
                n,
                self.weight.len(),
            ));
        }
        if n == 0 {
            return Err(Error::Empty {
                context: "household microdata".into(),
            });
        }
        for k in 0..n {
            if !(self.income[k].is_finite() && self.income[k] >= 0.0) {
                return Err(Error::invalid_value(
                    format!("households row {k}, income"),
                    self.income[k],
                    "(household disposable income must be finite and ≥ 0: the Theil index \
                     of per-capita income needs every income ≥ 0; correct or leave out the \
                     household)",
                ));
            }
            if !(self.size[k].is_finite() && self.size[k] >= 1.0) {
                return Err(Error::invalid_value(
                    format!("households row {k}, size"),
                    self.size[k],
                    "(must be at least 1)",
                ));
            }
            if !(self.weight[k].is_finite() && self.weight[k] > 0.0) {
                return Err(Error::invalid_value(
                    format!("households row {k}, weight"),
                    self.weight[k],
                    "(must be positive and finite)",
                ));
            }
        }
        Ok(())
    }
}

/// What one evaluation is run on.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The plan's framework.
    pub framework: &'a Framework,
    /// The panel of observations.
    pub panel: &'a Panel,
    /// Survey microdata for the satisfaction index, if any.
    pub survey: Option<&'a Survey>,
    /// Household microdata for the band shares and inequality measures, if any.
    pub households: Option<&'a Households>,
    /// The methodology.
    pub spec: &'a EvaluationSpec,
}

/// A unit of the evaluation with its role and display names (from the framework).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitEntry {
    /// The id as the data write it.
    pub id: String,
    /// Role in the plan (undeclared units are parts).
    pub role: UnitRole,
    /// Chinese display name (the id when undeclared).
    pub name_zh: String,
    /// English display name (the id when undeclared).
    pub name_en: String,
}

/// The report year's cells, one per unit × framework indicator with a value, as
/// parallel columns (unit-major in [`Evaluation::units`] order, framework order within).
/// `unit` and `indicator` index [`Evaluation::units`] and [`Evaluation::indicators`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CellTable {
    /// Position in [`Evaluation::units`].
    pub unit: Vec<u32>,
    /// Position in [`Evaluation::indicators`].
    pub indicator: Vec<u32>,
    /// The observed value (the indicator's unit).
    pub value: Vec<f64>,
    /// The target applied (NaN: none).
    pub target: Vec<Option<f64>>,
    /// Where the applied target comes from.
    pub target_source: Vec<TargetSource>,
    /// Achievement (实现度) in percent, 0–100 (`None`: not assessed).
    pub achievement: Vec<Option<f64>>,
    /// Dashboard colour.
    pub colour: Vec<Colour>,
    /// Trend category.
    pub trend: Vec<TrendCategory>,
    /// Whether the value is illustrative ([`is_illustrative`]).
    pub illustrative: Vec<bool>,
    /// For a survey-measured indicator with a standard error (framework
    /// `sampling_error_series` or spec `sampling_errors`): the estimate against the target
    /// with its verdict (met / not met / not distinguishable); `None` otherwise. Boxed:
    /// few cells have one, and an unboxed `None` took the test's 96 bytes in every cell
    /// (22 MB of nothing at 2,844 units).
    #[serde(default)]
    pub survey: Vec<Option<Box<crate::monitor::satisfaction::SurveyTargetTest>>>,
    /// The quantity compared with the target (the achievement record's `measured`): the
    /// level, the running sum since the base year (cumulative targets), the compound
    /// average growth rate in % since the baseline (growth-rate targets), the latest value
    /// (annual targets); the year's own value when a same-year relative target alone
    /// decides ([`crate::model::Indicator::judged_by_year_value`]). `None` when not
    /// assessed. A report shows this figure, since it is the one the colour judges.
    #[serde(default)]
    pub measured: Vec<Option<f64>>,
    /// The year the measured quantity starts from: the baseline year of a growth rate (the
    /// base year, or a later year after a fallback), the first year of a running sum;
    /// `None` for a year's own value.
    #[serde(default)]
    pub measured_from: Vec<Option<i32>>,
    /// The schedule check 时间过半、任务过半 of the cell ([`monitor::schedule_check`]).
    #[serde(default)]
    pub schedule: Vec<monitor::ScheduleStatus>,
    /// An annual target (每年): [years met, years observed] so far; it is met, and
    /// green, only when met in every observed year. `None` for other kinds.
    #[serde(default)]
    pub years_met: Vec<Option<[u32; 2]>>,
}

impl CellTable {
    /// An empty table with room for `n` cells in every column (so that filling it does not
    /// grow and copy each column several times over), allocated fallibly.
    fn with_capacity(n: usize) -> Result<CellTable> {
        const W: &str = "evaluation cells";
        Ok(CellTable {
            unit: try_with_capacity(W, n)?,
            indicator: try_with_capacity(W, n)?,
            value: try_with_capacity(W, n)?,
            target: try_with_capacity(W, n)?,
            target_source: try_with_capacity(W, n)?,
            achievement: try_with_capacity(W, n)?,
            colour: try_with_capacity(W, n)?,
            trend: try_with_capacity(W, n)?,
            illustrative: try_with_capacity(W, n)?,
            survey: try_with_capacity(W, n)?,
            measured: try_with_capacity(W, n)?,
            measured_from: try_with_capacity(W, n)?,
            schedule: try_with_capacity(W, n)?,
            years_met: try_with_capacity(W, n)?,
        })
    }

    /// Appends the cells of `o` (those of the units after this table's).
    fn append(&mut self, o: CellTable) {
        self.unit.extend(o.unit);
        self.indicator.extend(o.indicator);
        self.value.extend(o.value);
        self.target.extend(o.target);
        self.target_source.extend(o.target_source);
        self.achievement.extend(o.achievement);
        self.colour.extend(o.colour);
        self.trend.extend(o.trend);
        self.illustrative.extend(o.illustrative);
        self.survey.extend(o.survey);
        self.measured.extend(o.measured);
        self.measured_from.extend(o.measured_from);
        self.schedule.extend(o.schedule);
        self.years_met.extend(o.years_met);
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.unit.len()
    }

    /// Whether there is no cell.
    pub fn is_empty(&self) -> bool {
        self.unit.is_empty()
    }
}

/// The summary of one scored unit (the whole and the parts) in the report year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitSummary {
    /// Position in [`Evaluation::units`].
    pub unit: u32,
    /// Plan achievement in percent (`None`: no indicator available).
    pub achievement: Option<f64>,
    /// Top-level dimension achievement in percent, aligned with [`Evaluation::dimensions`].
    pub by_dimension: Vec<Option<f64>>,
    /// Top-level dimension dashboard colour, aligned with [`Evaluation::dimensions`].
    pub dimension_colours: Vec<Colour>,
    /// Composite index score (`None`: not computed for this unit).
    pub index: Option<f64>,
    /// Rank among the parts (1 = best); `None` for the whole and unranked units.
    pub rank: Option<f64>,
    /// The indicators pulling achievement down most: (indicator id, score 0–1).
    pub lagging: Vec<(String, f64)>,
}

/// How a distribution row's value was obtained, with its inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DistributionDetail {
    /// Ratio of two series of the whole.
    Ratio {
        /// The whole's id.
        unit: String,
        /// Numerator value.
        numerator: f64,
        /// Denominator value.
        denominator: f64,
        /// The ratio as the data file reports it, if it does.
        reported: Option<f64>,
    },
    /// Max/min over the parts.
    MaxMinRatio(MaxMinRatio),
    /// Weighted household share in a band, percent.
    BandShare {
        /// Lower bound (inclusive), 元.
        lower: f64,
        /// Upper bound (exclusive), 元.
        upper: f64,
        /// Households in the sample.
        households: usize,
        /// The income compared with the band (actual household income or the
        /// three-person-household equivalent; `MonitorSpec::band_income`).
        basis: monitor::BandIncome,
    },
    /// An inequality measure of per-capita household income, person-weighted (household
    /// weight × size).
    Measure {
        /// The measure's name ([`crate::distribution`]): `gini`, `theil_t`.
        measure: String,
        /// Households in the sample.
        households: usize,
    },
}

/// One distribution target (or measure) of the report year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistributionTarget {
    /// The indicator it is compared with (`None` for a measure without a target).
    pub indicator: Option<String>,
    /// Display label (Chinese).
    pub label_zh: String,
    /// The value (NaN-free: `None` when it cannot be computed).
    pub value: Option<f64>,
    /// The unit of the value as displayed (`倍`, `%`, empty for a coefficient).
    pub unit_label: String,
    /// The target applied.
    pub target: Option<f64>,
    /// Dashboard colour against the target.
    pub colour: Colour,
    /// How it was computed.
    pub detail: DistributionDetail,
}

/// Where the data come from: how many values of the report year are sourced,
/// illustrative, or without a source.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DataProvenance {
    /// Non-missing values of framework indicators in the report year (all units).
    pub values: usize,
    /// Of those, illustrative ones.
    pub illustrative: usize,
    /// Of those, ones with no source.
    pub unsourced: usize,
    /// Of those, ones with a named source.
    pub sourced: usize,
    /// The named sources, sorted.
    pub sources: Vec<String>,
}

/// The reproducibility fingerprint ([`fingerprint`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Hash function: `sha256`.
    pub algorithm: String,
    /// Lower-case hex digest.
    pub hex: String,
    /// The library version hashed.
    pub version: String,
}

/// Everything the annual report shows, for one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The reproducibility fingerprint.
    pub fingerprint: Fingerprint,
    /// Framework id.
    pub framework: String,
    /// The report (evaluation) year.
    pub year: i32,
    /// The panel's periods.
    pub years: Vec<i32>,
    /// Units in display order: the framework's declared units present in the data, then
    /// the others as the data list them.
    pub units: Vec<UnitEntry>,
    /// Framework indicator ids (the positions [`CellTable::indicator`] refers to).
    pub indicators: Vec<String>,
    /// Top-level dimension ids (the positions of the summaries' dimension columns).
    pub dimensions: Vec<String>,
    /// The report year's cells.
    pub cells: CellTable,
    /// Summaries of the scored units (the whole and the parts), in unit order.
    pub summaries: Vec<UnitSummary>,
    /// The units compared and ranked (the parts), positions in [`Evaluation::units`].
    pub compared: Vec<u32>,
    /// Distribution targets and measures.
    pub distribution: Vec<DistributionTarget>,
    /// Provenance of the report year's values.
    pub provenance: DataProvenance,
    /// The methodology used, every default written out (what the fingerprint hashes).
    pub spec: EvaluationSpec,
    /// The full monitoring results (achievement records, aggregates, schedule, trend,
    /// dashboards, dynamic index, satisfaction index, combined evaluation, targets).
    pub monitor: MonitorResults,
    /// The composite-index results (scores, ranks, weights, diagnostics).
    pub index: method::Results,
    /// Warnings from monitoring, the engine and the distribution targets.
    pub warnings: Vec<String>,
}

impl Evaluation {
    /// Pretty JSON (missing numbers are `null`).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an evaluation always serialises")
    }

    /// Writes [`Evaluation::to_json`]'s text into `w` as it is serialised (a national-scale
    /// evaluation is over 100 MB of JSON: not held whole in memory first). An error is
    /// the writer's.
    pub fn write_json(&self, w: impl std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(w, self).map_err(std::io::Error::from)
    }

    /// The position of a unit id in [`Evaluation::units`].
    pub fn unit_position(&self, id: &str) -> Option<usize> {
        self.units.iter().position(|u| u.id == id)
    }
}

/// Whether an observation is illustrative: its source is `illustrative` (as in the
/// shipped sample) or its note says so. Values without provenance are not assumed
/// official either; they count as unsourced.
pub fn is_illustrative(p: Option<&CellProvenance>) -> bool {
    p.is_some_and(|p| {
        p.source.trim().eq_ignore_ascii_case("illustrative")
            || p.note.to_ascii_lowercase().contains("illustrative")
    })
}

/// Colour of a value against a target by the monitoring spec's fallback rule: green
/// when met, else the capped ratio form x/T (T/x for lower-is-better) against the
/// dashboard's score thresholds (SDSN dashboard practice; `docs/monitoring.md`).
pub fn target_colour(
    x: f64,
    target: Option<f64>,
    polarity: &Polarity,
    spec: &MonitorSpec,
) -> Colour {
    let Some(t) = target else {
        return Colour::Grey;
    };
    if !x.is_finite() {
        return Colour::Grey;
    }
    let higher = !matches!(polarity, Polarity::LowerIsBetter);
    let r = monitor::ratio_form(x, t, higher);
    monitor::colour_from_score(
        r.capped,
        Some(monitor::meets(x, t, higher)),
        &spec.dashboard,
    )
}

fn opt(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Checks the unit ids a spec names against the panel and fills the default that depends
/// on the panel and the framework: without `index.units`, the composite index covers
/// every unit of the panel except the framework's reference units.
///
/// Errors: [`Error::InvalidSpec`] naming `index.units` or `monitor.units` and the
/// unknown unit, with the units the data have.
pub fn resolve_spec(
    fw: &Framework,
    panel: &Panel,
    spec: &EvaluationSpec,
) -> Result<EvaluationSpec> {
    for (part, list) in [
        ("index.units", &spec.index.units),
        ("monitor.units", &spec.monitor.units),
    ] {
        for id in list.iter().flatten() {
            if panel.unit_index(id).is_none() {
                return Err(Error::invalid_spec(
                    part,
                    format!(
                        "unknown unit `{id}` (units in the data: {})",
                        panel.units().join(", ")
                    ),
                ));
            }
        }
    }
    let mut spec = spec.clone();
    if spec.index.units.is_none() {
        let plan_units = fw.unit_index();
        spec.index.units = Some(
            panel
                .units()
                .iter()
                .filter(|u| plan_units.role(u) != UnitRole::Reference)
                .cloned()
                .collect(),
        );
    }
    Ok(spec)
}

/// Runs the evaluation: monitoring (with the survey, if any), the composite index over
/// the whole and the parts, the distribution targets, provenance and the fingerprint.
///
/// Errors: invalid framework or spec; a unit named in a spec that is not in the panel
/// (`index.units`, `monitor.units`); a report year not in the panel; bad survey or
/// household microdata; and every error of [`monitor::monitor_with_survey`] and
/// [`method::run`].
pub fn evaluate(req: Request<'_>) -> Result<Evaluation> {
    evaluate_with_detail(req, EvaluationDetail::default())
}

/// With threads to spare, the evaluation's cells are filled on two threads from this many
/// units on (below it a thread's start costs about what the cells do).
const MIN_UNITS_TO_SPLIT_CELLS: usize = 64;

/// What an evaluation builds beyond the numbers every report shows, and on how many
/// threads (see [`evaluate_with_detail`]); the default builds everything, as [`evaluate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvaluationDetail {
    /// Monitoring's optional breakdowns and the threads ([`monitor::MonitorDetail`]).
    pub monitor: monitor::MonitorDetail,
    /// The composite index's optional outputs as the spec's `index.outputs` asks for them
    /// — contributions, obstacle degrees, the statistics table, correlations and
    /// Cronbach's alpha (`true` by default). Without them [`Evaluation::index`] holds none
    /// of them (its `spec.outputs` says so), nor the warnings about them, and every other
    /// number is the same; [`Evaluation::spec`] and the fingerprint stay the caller's
    /// spec's. At 2,844 units × 10 years they are 40 MB and about 0.1 s of a report that
    /// shows none of them.
    pub index_outputs: bool,
}

impl Default for EvaluationDetail {
    /// Everything.
    fn default() -> Self {
        EvaluationDetail {
            monitor: monitor::MonitorDetail::default(),
            index_outputs: true,
        }
    }
}

impl From<monitor::MonitorDetail> for EvaluationDetail {
    /// Monitoring as `monitor` asks, the index's outputs as the spec asks.
    fn from(monitor: monitor::MonitorDetail) -> Self {
        EvaluationDetail {
            monitor,
            ..EvaluationDetail::default()
        }
    }
}

/// [`evaluate`], with monitoring's optional breakdowns and the composite index's optional
/// outputs built only as `detail` asks ([`EvaluationDetail`], or a
/// [`monitor::MonitorDetail`] alone; the default builds everything, as [`evaluate`]). For
/// a caller that renders only part of the evaluation (the `cpindex report` tables); the
/// evaluation's numbers are the same. With `threads > 1` the units are monitored on that
/// many threads and the composite index is computed beside the monitoring on one more;
/// the evaluation is the same for any number of threads.
pub fn evaluate_with_detail(
    req: Request<'_>,
    detail: impl Into<EvaluationDetail>,
) -> Result<Evaluation> {
    let EvaluationDetail {
        monitor: detail,
        index_outputs,
    } = detail.into();
    let Request {
        framework: fw,
        panel,
        survey,
        households,
        spec,
    } = req;
    fw.validate()?;
    if let Some(h) = households {
        h.validate()?;
    }
    let spec = resolve_spec(fw, panel, spec)?;
    let hash = || fingerprint::fingerprint(VERSION, fw, panel, survey, households, &spec);

    let run_monitor = || {
        monitor::monitor_with_detail(
            fw,
            panel,
            survey.map(|s| (s, &spec.satisfaction)),
            &spec.monitor,
            detail,
        )
    };
    // the index's optional outputs off when not asked for (the spec hashed and returned
    // stays the caller's)
    let index_spec = if index_outputs {
        std::borrow::Cow::Borrowed(&spec.index)
    } else {
        std::borrow::Cow::Owned(Spec {
            outputs: method::spec::OutputSpec {
                contributions: false,
                obstacles: false,
                statistics: false,
                correlations: false,
                ..spec.index.outputs.clone()
            },
            ..spec.index.clone()
        })
    };
    let run_index = || method::run(fw, panel, &index_spec);
    // with threads to spare, the fingerprint (a hash of the inputs) and the composite
    // index are computed beside the monitoring (they read the same inputs and nothing of
    // each other); the first error is monitoring's, as in turn
    let (hex, mres, eres) = if detail.threads > 1 {
        let (h, m, e) = std::thread::scope(|s| {
            // (after the monitoring, on this thread, when no thread can be started)
            let beside = crate::spawn::scoped(s, "cpindex-index", || (hash(), run_index()));
            let m = run_monitor();
            let (h, e) = match beside {
                Ok(j) => j.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                Err(_) => (hash(), run_index()),
            };
            (h, m, e)
        });
        (h, m?, e?)
    } else {
        let h = hash();
        let m = run_monitor()?;
        (h, m, run_index()?)
    };
    let fingerprint = Fingerprint {
        algorithm: fingerprint::ALGORITHM.into(),
        hex,
        version: VERSION.into(),
    };
    let year = mres.year;
    let p = panel.require_period(year)?;

    // ---- units in display order ---------------------------------------------------------
    // each declared unit's first panel unit so named: the panel's units indexed by their
    // trimmed key once (a search of the panel per declared unit was quadratic when the
    // framework declares every county)
    let mut panel_pos: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(panel.units().len());
    for (k, u) in panel.units().iter().enumerate() {
        let key = u.trim();
        if !key.is_empty() {
            panel_pos.entry(key).or_insert(k);
        }
    }
    let mut order: Vec<&str> = fw
        .units
        .iter()
        .filter_map(|pu| {
            [pu.id.as_str(), pu.name_zh.as_str(), pu.name_en.as_str()]
                .iter()
                .filter_map(|name| panel_pos.get(name).copied())
                .min()
        })
        .map(|k| panel.units()[k].as_str())
        .collect();
    let declared: std::collections::HashSet<&str> = order.iter().copied().collect();
    for u in panel.units() {
        if !declared.contains(u.as_str()) {
            order.push(u);
        }
    }
    let plan_units = fw.unit_index();
    let units: Vec<UnitEntry> = order
        .iter()
        .map(|id| {
            let pu = plan_units.unit(id);
            UnitEntry {
                id: id.to_string(),
                role: pu.map_or(UnitRole::Part, |u| u.role),
                name_zh: pu.map_or_else(|| id.to_string(), |u| u.name_zh.clone()),
                name_en: pu
                    .map(|u| u.name_en.clone())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| id.to_string()),
            }
        })
        .collect();
    let indicators: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
    let dimensions: Vec<String> = fw.child_dimensions(None).map(|d| d.id.clone()).collect();

    // ---- lookups into the monitoring results (report year), all by position ------------
    // The monitoring tables hold the monitored units only, unit-major in framework order
    // (see MonitorResults): a record is taken at its expected position and checked
    // (searched for only if that layout were ever broken); an unmonitored unit (`mu` None)
    // has none.
    let ach_t = &mres.achievements;
    let ach_year = ach_t.year_position(year);
    let ni = fw.indicators.len();
    let trend_of = |mu: Option<usize>, ik: usize, unit: &str| -> TrendCategory {
        let id = fw.indicators[ik].id.as_str();
        mu.and_then(|mu| mres.trends.find_at(mu * ni + ik, unit, id))
            .map_or(TrendCategory::UnableToAssess, |k| mres.trends.category(k))
    };
    let applied_of = |mu: Option<usize>, ik: usize, unit: &str| {
        let id = fw.indicators[ik].id.as_str();
        mu.and_then(|mu| mres.targets.find_at(mu * ni + ik, unit, id))
            .map(|k| (mres.targets.target(k), mres.targets.source(k)))
    };
    let sched_of = |mu: Option<usize>, ik: usize, unit: &str| -> monitor::ScheduleStatus {
        let id = fw.indicators[ik].id.as_str();
        mu.and_then(|mu| mres.schedule.find_at(mu * ni + ik, unit, id))
            .map_or(monitor::ScheduleStatus::NotAssessable, |k| {
                mres.schedule.status(k)
            })
    };
    // the position of a monitored unit's dashboard (at the unit's position, else searched)
    let dash_of =
        |mu: Option<usize>, unit: &str| mu.and_then(|mu| mres.dashboards.find_at(mu, unit));

    // ---- cells and provenance -----------------------------------------------------------
    // the cells of the units `range` (with room for `room` cells), their provenance counts
    // and named sources
    let cells_of = |range: std::ops::Range<usize>, room: usize| {
        let mut cells = CellTable::with_capacity(room)?;
        let mut prov = DataProvenance::default();
        let mut sources = BTreeSet::new();
        for uk in range {
            let ue = &units[uk];
            let u = panel.unit_index(&ue.id).expect("units come from the panel");
            // the unit's position in the monitoring results (None: not monitored)
            let mu = mres.unit_position(&ue.id);
            let dk = dash_of(mu, &ue.id);
            for (ik, ind) in fw.indicators.iter().enumerate() {
                let Some(i) = panel.indicator_index(&ind.id) else {
                    continue;
                };
                let value = panel.get(u, p, i);
                if value.is_nan() {
                    continue;
                }
                let pv = panel.provenance(u, p, i);
                let illustrative = is_illustrative(pv);
                prov.values += 1;
                match pv {
                    _ if illustrative => prov.illustrative += 1,
                    Some(c) if !c.source.trim().is_empty() => {
                        prov.sourced += 1;
                        // a source repeats over many cells: a copy only for a new one
                        let s = c.source.trim();
                        if !sources.contains(s) {
                            sources.insert(s.to_string());
                        }
                    }
                    _ => prov.unsourced += 1,
                }
                let (target, source) =
                    applied_of(mu, ik, &ue.id).unwrap_or_else(|| fw.target_for(&ue.id, ind));
                let row = match (mu, ach_year) {
                    (Some(mu), Some(y)) => ach_t.row(mu, ik, y),
                    _ => None,
                };
                cells.unit.push(uk as u32);
                cells.indicator.push(ik as u32);
                cells.value.push(value);
                cells.target.push(target);
                cells.target_source.push(source);
                cells
                    .achievement
                    .push(row.and_then(|r| ach_t.score(r)).map(|s| 100.0 * s));
                cells.colour.push(
                    dk.and_then(|k| mres.dashboards.indicator_colour(k, ik, &ind.id))
                        .unwrap_or(Colour::Grey),
                );
                cells.trend.push(trend_of(mu, ik, &ue.id));
                cells.illustrative.push(illustrative);
                cells.survey.push(
                    row.and_then(|r| ach_t.survey(r))
                        .and_then(|s| s.test.map(Box::new)),
                );
                cells.measured.push(
                    row.and_then(|r| ach_t.measured(r))
                        .filter(|x| x.is_finite()),
                );
                // (a growth rate or flow judged by its year's own value — a same-year
                // relative target alone — starts from no earlier year)
                let year_value = ind.judged_by_year_value(target);
                cells.measured_from.push(row.and_then(|r| {
                    let by = ach_t.baseline_year(r);
                    match ach_t.kind(r) {
                        Kind::Cumulative | Kind::GrowthRate if year_value => None,
                        Kind::Cumulative => by.map(|y| y + 1),
                        Kind::GrowthRate => by.or(Some(mres.base_year)),
                        _ => by,
                    }
                }));
                // the counts are looked up (a search in a sparse list) for annual targets only
                cells
                    .years_met
                    .push(
                        row.filter(|&r| ach_t.kind(r) == Kind::Annual)
                            .and_then(|r| match ach_t.annual_counts(r) {
                                (Some(m), Some(n)) => Some([m as u32, n as u32]),
                                _ => None,
                            }),
                    );
                cells.schedule.push(sched_of(mu, ik, &ue.id));
            }
        }
        Ok((cells, prov, sources))
    };
    // with threads to spare, the second half of the units on another thread (on this
    // one when it is refused), appended in order: the same cells
    let n_units = units.len();
    // a cell per unit × framework indicator with a panel column at most (room for them:
    // no larger than the panel, whatever the framework holds)
    let ni_present = fw
        .indicators
        .iter()
        .filter(|i| panel.indicator_index(&i.id).is_some())
        .count();
    let (cells, mut prov, sources) = if detail.threads > 1 && n_units >= MIN_UNITS_TO_SPLIT_CELLS {
        let half = n_units / 2;
        std::thread::scope(|s| -> Result<_> {
            let cells_of = &cells_of;
            let second = crate::spawn::scoped(s, "cpindex-cells", move || {
                cells_of(half..n_units, (n_units - half) * ni_present)
            });
            let (mut c, mut p, mut so) = cells_of(0..half, n_units.saturating_mul(ni_present))?;
            let (c2, p2, so2) = match second {
                Ok(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))?,
                Err(_) => cells_of(half..n_units, (n_units - half) * ni_present)?,
            };
            c.append(c2);
            p.values += p2.values;
            p.illustrative += p2.illustrative;
            p.sourced += p2.sourced;
            p.unsourced += p2.unsourced;
            so.extend(so2);
            Ok((c, p, so))
        })?
    } else {
        cells_of(0..n_units, n_units.saturating_mul(ni_present))?
    };
    prov.sources = sources.into_iter().collect();

    // ---- summaries, composite index and ranks among the parts --------------------------
    let index_scores = eres.index_scores(year).unwrap_or(&[]);
    let compared: Vec<u32> = units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.role == UnitRole::Part)
        .map(|(k, _)| k as u32)
        .collect();
    let index_pos: HashMap<&str, usize> = eres
        .units
        .iter()
        .enumerate()
        .map(|(k, u)| (u.as_str(), k))
        .collect();
    let score_of = |id: &str| -> Option<f64> {
        index_pos
            .get(id)
            .and_then(|&k| index_scores.get(k).copied())
            .and_then(opt)
    };
    let cmp_scores: Vec<f64> = compared
        .iter()
        .map(|&k| score_of(&units[k as usize].id).unwrap_or(f64::NAN))
        .collect();
    let cmp_ranks = method::pipeline::rank_descending(&cmp_scores, eres.spec.ranks.ties);
    // the position of each unit among the compared ones
    let mut cmp_pos = vec![None; units.len()];
    for (j, &k) in compared.iter().enumerate() {
        cmp_pos[k as usize] = Some(j);
    }
    let mut summaries = Vec::new();
    for (uk, ue) in units.iter().enumerate() {
        if ue.role == UnitRole::Reference {
            continue;
        }
        let a = mres.unit_achievement(&ue.id, year);
        let a = a.as_ref();
        let d = dash_of(mres.unit_position(&ue.id), &ue.id);
        // the unit's dimension scores and colours by id, the first of each (as a search
        // finds it), gathered once: a search per dimension was quadratic in dimensions
        let mut scores: HashMap<&str, Option<f64>> = HashMap::new();
        for x in a.map_or(&[][..], |a| a.dimensions.as_slice()) {
            scores.entry(&*x.dimension).or_insert(x.score);
        }
        let mut colours: HashMap<&str, Colour> = HashMap::new();
        for (id, c) in d
            .into_iter()
            .flat_map(|k| mres.dashboards.dimension_colours(k))
        {
            colours.entry(id).or_insert(c);
        }
        summaries.push(UnitSummary {
            unit: uk as u32,
            achievement: a.and_then(|a| a.overall).map(|x| 100.0 * x),
            by_dimension: dimensions
                .iter()
                .map(|dim| {
                    scores
                        .get(dim.as_str())
                        .copied()
                        .flatten()
                        .map(|x| 100.0 * x)
                })
                .collect(),
            dimension_colours: dimensions
                .iter()
                .map(|dim| colours.get(dim.as_str()).copied().unwrap_or(Colour::Grey))
                .collect(),
            index: score_of(&ue.id),
            rank: cmp_pos[uk].and_then(|j| opt(cmp_ranks[j])),
            lagging: a
                .map(|a| {
                    a.pulling_down
                        .iter()
                        .map(|s| (s.indicator.to_string(), s.score))
                        .collect()
                })
                .unwrap_or_default(),
        });
    }

    // ---- distribution targets -----------------------------------------------------------
    let parts: Vec<String> = compared
        .iter()
        .map(|&k| units[k as usize].id.clone())
        .collect();
    let whole = units
        .iter()
        .find(|u| u.role == UnitRole::Whole)
        .map(|u| u.id.as_str());
    let mut warnings: Vec<String> = Vec::new();
    let distribution = distribution_targets(
        fw,
        panel,
        year,
        whole,
        &parts,
        households,
        &spec.monitor,
        &mut warnings,
    )?;

    warnings.splice(0..0, mres.warnings.iter().chain(&eres.warnings).cloned());
    Ok(Evaluation {
        fingerprint,
        framework: fw.id.clone(),
        year,
        years: panel.periods().to_vec(),
        units,
        indicators,
        dimensions,
        cells,
        summaries,
        compared,
        distribution,
        provenance: prov,
        spec,
        monitor: mres,
        index: eres,
        warnings,
    })
}

/// The framework's derived targets for the report year, then the Gini coefficient and
/// Theil T of per-capita household income when household microdata are given.
///
/// * ratio: numerator / denominator of the whole in the report year
///   ([`monitor::income_ratio`]; NBS 城乡居民收入比);
/// * max/min ratio: over the parts with data ([`monitor::max_min_ratio`]);
/// * band share: weighted share of households with income in `[lower, upper)`, percent
///   ([`monitor::household_band_shares`]);
/// * Gini (Gini 1912, weighted: Lerman & Yitzhaki 1989) and Theil T = GE(1) (Cowell
///   2011) of income / size with person weights weight × size
///   ([`crate::distribution::Distribution`]).
///
/// A derived target whose inputs are absent (no whole, a series not in the panel, no
/// household data, fewer than two parts) is left out.
#[allow(clippy::too_many_arguments)]
fn distribution_targets(
    fw: &Framework,
    panel: &Panel,
    year: i32,
    whole: Option<&str>,
    parts: &[String],
    households: Option<&Households>,
    mspec: &MonitorSpec,
    warnings: &mut Vec<String>,
) -> Result<Vec<DistributionTarget>> {
    let mut rows = Vec::new();
    let p = panel.require_period(year)?;
    for d in &fw.derived_targets {
        let ind = fw.require_indicator(&d.indicator)?;
        let (target, _) = match whole {
            Some(w) => fw.target_for(w, ind),
            None => (ind.target, TargetSource::Plan),
        };
        let row = |value: Option<f64>, unit_label: &str, detail| DistributionTarget {
            indicator: Some(ind.id.clone()),
            label_zh: ind.name_zh.clone(),
            value,
            unit_label: unit_label.to_string(),
            target,
            colour: target_colour(value.unwrap_or(f64::NAN), target, &ind.polarity, mspec),
            detail,
        };
        match &d.measure {
            DerivedMeasure::Ratio {
                numerator,
                denominator,
            } => {
                let (Some(w), Some(a), Some(b)) = (
                    whole,
                    panel.indicator_index(numerator),
                    panel.indicator_index(denominator),
                ) else {
                    continue;
                };
                let u = panel.require_unit(w)?;
                let (x, y) = (panel.get(u, p, a), panel.get(u, p, b));
                let r = monitor::income_ratio(&[x], &[y])?[0];
                let reported = panel.get_by_id(w, year, &ind.id).and_then(opt);
                rows.push(row(
                    r,
                    &ind.unit.label,
                    DistributionDetail::Ratio {
                        unit: w.to_string(),
                        numerator: x,
                        denominator: y,
                        reported,
                    },
                ));
            }
            DerivedMeasure::MaxMinRatio { series } => {
                let Some(i) = panel.indicator_index(series) else {
                    continue;
                };
                if parts.len() < 2 {
                    continue;
                }
                let vals: Vec<f64> = parts
                    .iter()
                    .map(|u| {
                        panel.get(
                            panel.unit_index(u).expect("parts come from the panel"),
                            p,
                            i,
                        )
                    })
                    .collect();
                match monitor::max_min_ratio(parts, &vals) {
                    Ok(m) => rows.push(row(
                        Some(m.ratio),
                        &ind.unit.label,
                        DistributionDetail::MaxMinRatio(m),
                    )),
                    Err(e) => warnings.push(format!("derived target `{}`: {e}", ind.id)),
                }
            }
            DerivedMeasure::BandShare { lower, upper } => {
                let Some(h) = households else {
                    continue;
                };
                let incomes = monitor::band_incomes(&h.income, Some(&h.size), mspec.band_income)?;
                let s =
                    monitor::household_band_shares(&incomes, Some(&h.weight), &[(*lower, *upper)])?;
                rows.push(row(
                    Some(100.0 * s[0]),
                    "%",
                    DistributionDetail::BandShare {
                        lower: *lower,
                        upper: *upper,
                        households: h.income.len(),
                        basis: mspec.band_income,
                    },
                ));
            }
        }
    }
    if let Some(h) = households {
        let pc: Vec<f64> = h.income.iter().zip(&h.size).map(|(x, s)| x / s).collect();
        let pw: Vec<f64> = h.weight.iter().zip(&h.size).map(|(w, s)| w * s).collect();
        let d = Distribution::new(&pc, Some(&pw))?;
        for (measure, label, value) in [
            ("gini", "居民人均可支配收入基尼系数", d.gini()?),
            ("theil_t", "泰尔指数 Theil T", d.theil_t()?),
        ] {
            rows.push(DistributionTarget {
                indicator: None,
                label_zh: label.into(),
                value: opt(value),
                unit_label: String::new(),
                target: None,
                colour: Colour::Grey,
                detail: DistributionDetail::Measure {
                    measure: measure.into(),
                    households: h.income.len(),
                },
            });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn illustrative_detection() {
        assert!(!is_illustrative(None));
        let p = |s: &str, n: &str| CellProvenance {
            source: s.into(),
            note: n.into(),
        };
        assert!(is_illustrative(Some(&p("Illustrative", ""))));
        assert!(is_illustrative(Some(&p("", "illustrative value"))));
        assert!(!is_illustrative(Some(&p("ZJ-2023", ""))));
    }

    #[test]
    fn target_colour_by_hand() {
        let spec = MonitorSpec::default();
        // lower is better, 1.77 ≤ 1.8: met → green
        assert_eq!(
            target_colour(1.77, Some(1.8), &Polarity::LowerIsBetter, &spec),
            Colour::Green
        );
        // higher is better, 26.5 of 30: 0.883 < 0.9 (yellow) but ≥ 0.75 → orange
        assert_eq!(
            target_colour(26.5, Some(30.0), &Polarity::HigherIsBetter, &spec),
            Colour::Orange
        );
        assert_eq!(
            target_colour(f64::NAN, Some(1.0), &Polarity::HigherIsBetter, &spec),
            Colour::Grey
        );
        assert_eq!(
            target_colour(1.0, None, &Polarity::HigherIsBetter, &spec),
            Colour::Grey
        );
    }
}
