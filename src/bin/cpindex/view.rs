//! The report's view-model: display-ready data shared by every output format (terminal
//! table, CSV, JSON, HTML).
//!
//! Filling a [`ReportView`] from the library's results (framework, panel, engine `Results`,
//! monitoring output, distribution measures) is the only step the `report` subcommand
//! needs; the renderers in `html.rs` and `text.rs` do the rest.
//!
//! Colours follow the SDSN Sustainable Development Report dashboards (green = achieved,
//! yellow = challenges remain, orange = significant challenges, red = major challenges,
//! grey = no data); trend arrows follow the SDSN trend legend (↑ on track or maintaining
//! achievement, ↗ moderately improving, → stagnating, ↓ decreasing), with ↘ added for a
//! slight decline.

use std::collections::HashMap;

use cpindex::monitor::{Id, ScheduleStatus};
use serde::Serialize;

use crate::cells::Basis;
use crate::i18n::{Lang, M};

/// SDSN-style dashboard colour of an indicator or dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    /// Target achieved.
    Green,
    /// Challenges remain.
    Yellow,
    /// Significant challenges.
    Orange,
    /// Major challenges.
    Red,
    /// No data / not assessed.
    Grey,
}

impl Colour {
    /// CSS class name.
    pub fn class(self) -> &'static str {
        match self {
            Colour::Green => "c-g",
            Colour::Yellow => "c-y",
            Colour::Orange => "c-o",
            Colour::Red => "c-r",
            Colour::Grey => "c-n",
        }
    }

    /// The one definition of each colour: cell backgrounds, legend swatches and chart
    /// bars (the HTML's CSS classes are generated from it; the workbook's fills match it).
    pub fn hex(self) -> &'static str {
        match self {
            Colour::Green => "#3f9b4f",
            Colour::Yellow => "#f3d84a",
            Colour::Orange => "#f5a14f",
            Colour::Red => "#d63a2f",
            Colour::Grey => "#d9d9d9",
        }
    }

    /// Stable lower-case name (`green`, …, `grey`), as in CSV and JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Colour::Green => "green",
            Colour::Yellow => "yellow",
            Colour::Orange => "orange",
            Colour::Red => "red",
            Colour::Grey => "grey",
        }
    }

    /// The legend's message key.
    pub fn key(self) -> M {
        match self {
            Colour::Green => M::Green,
            Colour::Yellow => M::Yellow,
            Colour::Orange => M::Orange,
            Colour::Red => M::Red,
            Colour::Grey => M::Grey,
        }
    }
}

/// Trend of an indicator towards its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// On track or target maintained (↑).
    OnTrack,
    /// Moderately improving, acceleration needed (↗).
    Moderate,
    /// Stagnating, limited progress (→).
    Stagnating,
    /// Slight decline (↘).
    Declining,
    /// Deteriorating (↓).
    Deteriorating,
    /// Not enough observations.
    Unknown,
}

impl Trend {
    /// The arrow shown in the dashboard.
    pub fn arrow(self) -> &'static str {
        match self {
            Trend::OnTrack => "↑",
            Trend::Moderate => "↗",
            Trend::Stagnating => "→",
            Trend::Declining => "↘",
            Trend::Deteriorating => "↓",
            Trend::Unknown => "·",
        }
    }

    /// Stable snake_case name (`on_track`, …), as in CSV and JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Trend::OnTrack => "on_track",
            Trend::Moderate => "moderate",
            Trend::Stagnating => "stagnating",
            Trend::Declining => "declining",
            Trend::Deteriorating => "deteriorating",
            Trend::Unknown => "unknown",
        }
    }

    /// The legend's message key.
    pub fn key(self) -> M {
        match self {
            Trend::OnTrack => M::TrendOnTrack,
            Trend::Moderate => M::TrendModerate,
            Trend::Stagnating => M::TrendStagnating,
            Trend::Declining => M::TrendDeclining,
            Trend::Deteriorating => M::TrendDeteriorating,
            Trend::Unknown => M::TrendUnknown,
        }
    }

    /// Every trend, in legend order.
    pub const ALL: [Trend; 6] = [
        Trend::OnTrack,
        Trend::Moderate,
        Trend::Stagnating,
        Trend::Declining,
        Trend::Deteriorating,
        Trend::Unknown,
    ];
}

/// The schedule status's message key.
pub fn schedule_key(s: ScheduleStatus) -> M {
    match s {
        ScheduleStatus::Achieved => M::SchedAchieved,
        ScheduleStatus::Ahead => M::SchedAhead,
        ScheduleStatus::OnSchedule => M::SchedOnSchedule,
        ScheduleStatus::Lagging => M::SchedLagging,
        ScheduleStatus::NotAssessable => M::SchedNotAssessable,
    }
}

/// The dashboard's mark of a schedule status: ▲ ahead, ▼ behind, none otherwise.
pub fn schedule_mark(s: ScheduleStatus) -> &'static str {
    match s {
        ScheduleStatus::Ahead => "▲",
        ScheduleStatus::Lagging => "▼",
        ScheduleStatus::Achieved | ScheduleStatus::OnSchedule | ScheduleStatus::NotAssessable => "",
    }
}

/// A list of names joined for display, at most `max` of them, then how many more:
/// `甲、乙 等 12 项` / `a; b and 10 more`.
pub fn capped(names: &[String], max: usize, lang: Lang) -> String {
    let shown = names[..names.len().min(max)].join(lang.pick("、", "; "));
    if names.len() <= max {
        shown
    } else {
        match lang {
            Lang::Zh => format!("{shown} 等 {} 项", names.len()),
            Lang::En => format!("{shown} and {} more", names.len() - max),
        }
    }
}

/// Every schedule status, in table order.
pub const SCHEDULE_ALL: [ScheduleStatus; 5] = [
    ScheduleStatus::Achieved,
    ScheduleStatus::Ahead,
    ScheduleStatus::OnSchedule,
    ScheduleStatus::Lagging,
    ScheduleStatus::NotAssessable,
];

/// The mark of an illustrative value.
pub const MARK_ILLUSTRATIVE: &str = "*";
/// The mark of an aspirational target (力争, 左右), distinct from the illustrative mark.
pub const MARK_ASPIRATIONAL: &str = "△";

/// A unit (city, county, province) as shown in the report.
#[derive(Debug, Clone, Serialize)]
pub struct UnitView {
    /// Stable id, as the data write it.
    pub id: String,
    /// Display name (`衢州市`).
    pub name: String,
}

/// A dimension as shown in the report.
#[derive(Debug, Clone, Serialize)]
pub struct DimensionView {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// An indicator row of the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Dimension id.
    pub dimension: String,
    /// Unit label (`亿元`).
    pub unit: String,
    /// Target as text (`≥ 2500 (2025)`).
    pub target: String,
    /// Whether the plan words the target as an aspiration (力争, 左右): marked △.
    pub aspirational: bool,
    /// What the row's figures are when not the level: `2020年以来年均增速`, `2021年起累计…`.
    pub basis_note: String,
}

/// One dashboard cell: an indicator for a unit in the report year.
#[derive(Debug, Clone, Serialize)]
pub struct CellView {
    /// Indicator id (shared by the indicator's cells: no copy per cell).
    pub indicator: Id,
    /// Unit id (shared by the unit's cells).
    pub unit: Id,
    /// Observed value in the plan's unit (NaN = missing).
    pub value: f64,
    /// Achievement in percent (NaN = not assessed).
    pub achievement: f64,
    /// Dashboard colour.
    pub colour: Colour,
    /// Trend arrow.
    pub trend: Trend,
    /// Whether the value is illustrative (not official).
    pub illustrative: bool,
    /// The target applied to this cell, as text (the plan's, the unit's own, or "not
    /// scored"); the plan's phrase is shared by the indicator's cells.
    pub target: Id,
    /// Where the applied target comes from: `plan`, `unit`, `not_scored`, `none`.
    pub target_source: Id,
    /// Survey-measured indicator: the verdict against the target from the estimate's
    /// standard error (`met`, `not_met`, `not_distinguishable`), if assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub survey_verdict: Option<String>,
    /// The same in words: z = (estimate − target)/SE and the interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub survey_text: Option<String>,
    /// The figure the target judges ([`crate::cells`]); NaN when none.
    pub figure: f64,
    /// The figure as printed (rounded toward "not met").
    pub figure_text: String,
    /// What the figure is (level, running sum, average growth, the year's value).
    pub basis: Basis,
    /// The year the figure starts from (running sum, average growth).
    pub from: Option<i32>,
    /// Achievement as printed (cut to one decimal).
    pub achievement_text: String,
    /// Schedule status 时间过半、任务过半.
    pub schedule: ScheduleStatus,
    /// An annual target's record `met/observed` years (green only when all met).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

/// One unit's schedule check: how many indicators are in each status.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleRow {
    /// Unit id.
    pub unit: String,
    /// Counts in [`SCHEDULE_ALL`] order.
    pub counts: [usize; 5],
    /// The indicators behind schedule (display names).
    pub lagging: Vec<String>,
}

/// Who issues the report, its title and date (spec `report` section or flags).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReportMeta {
    /// The issuing office (`衢州市统计局`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// The report title; default: the framework's title and the year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The issue date, `YYYY-MM-DD`; none by default (never the clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The report language (`zh` or `en`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
}

/// What the legend states: the thresholds of the colours actually used.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LegendView {
    /// Yellow from this achievement, percent.
    pub yellow_pct: f64,
    /// Orange from this achievement, percent.
    pub orange_pct: f64,
    /// Indicators coloured by absolute thresholds of the spec.
    pub absolute: usize,
}

/// The summary line of one unit: overall achievement, composite index, rank.
#[derive(Debug, Clone, Serialize)]
pub struct UnitSummary {
    /// Unit id.
    pub unit: String,
    /// Overall plan achievement in percent.
    pub achievement: f64,
    /// Composite index score (NaN when not computed).
    pub index: f64,
    /// Rank by the composite index (1 = best), when ranked.
    pub rank: Option<usize>,
    /// Achievement by dimension in percent, in [`ReportView::dimensions`] order.
    pub by_dimension: Vec<f64>,
    /// Colour by dimension, same order.
    pub dimension_colours: Vec<Colour>,
    /// The indicators pulling the unit down most (display names), worst first.
    pub lagging: Vec<String>,
}

/// A line of the distribution-targets table.
#[derive(Debug, Clone, Serialize)]
pub struct DistributionRow {
    /// What is measured (`城乡居民收入倍差`).
    pub label: String,
    /// Observed value, as text with its unit.
    pub value: String,
    /// Target, as text.
    pub target: String,
    /// Colour.
    pub colour: Colour,
    /// Free note (e.g. which county is max/min).
    pub note: String,
}

/// One named series for a line chart.
#[derive(Debug, Clone, Serialize)]
pub struct LineSeries {
    /// Legend name.
    pub name: String,
    /// One value per [`ReportView::years`] entry (NaN = missing).
    pub values: Vec<f64>,
}

/// One unit's satisfaction index and combined (objective + subjective) evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationRow {
    /// Unit id.
    pub unit: String,
    /// Objective plan achievement, 0–100.
    pub objective: f64,
    /// Satisfaction index, 0–100 (NaN without survey data for the unit and year).
    pub satisfaction: f64,
    /// Lower 95% CI bound of the satisfaction index.
    pub ci_lower: f64,
    /// Upper 95% CI bound.
    pub ci_upper: f64,
    /// Respondents used.
    pub n: usize,
    /// Domain scores (获得感, 幸福感, …): (name, 0–100).
    pub domains: Vec<(String, f64)>,
    /// Combined evaluation αA + (1 − α)S.
    pub combined: f64,
    /// Standard error of the satisfaction index (design-based, linearised).
    pub se: f64,
    /// Design effect v_design / v_SRS of the satisfaction index.
    pub deff: f64,
    /// Effective sample size n / deff.
    pub n_effective: f64,
    /// Respondents without an overall score.
    pub nonresponse: usize,
    /// Domain estimates with SE, CI and non-response, in the order of `domains`.
    pub domain_estimates: Vec<SurveyEstimateRow>,
    /// Subpopulation estimates of the overall index (城乡, 年龄组).
    pub subpopulations: Vec<SurveyEstimateRow>,
    /// Change since the previous survey year: (Δ, SE, verdict), if surveyed both years.
    pub change: Option<(f64, f64, String)>,
}

/// One survey estimate as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SurveyEstimateRow {
    /// Domain name or subpopulation label (`area=rural`).
    pub label: String,
    /// Estimate, 0–100.
    pub mean: f64,
    /// Standard error.
    pub se: f64,
    /// Lower CI bound.
    pub ci_lower: f64,
    /// Upper CI bound.
    pub ci_upper: f64,
    /// Design effect.
    pub deff: f64,
    /// Respondents used.
    pub n: usize,
    /// Respondents without a score.
    pub nonresponse: usize,
}

/// The methodology section.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Methodology {
    /// The spec as pretty JSON, with defaults filled in.
    pub spec_json: String,
    /// The same as (setting, value) rows for the appendix: dotted paths, values as text.
    pub spec_rows: Vec<(String, String)>,
    /// Weights actually used: (name, weight), e.g. per dimension.
    pub weights: Vec<(String, f64)>,
    /// Effective indicator weights in the composite index (name, weight), when computed.
    pub indicator_weights: Vec<(String, f64)>,
    /// Data sources, one line each.
    pub sources: Vec<String>,
    /// Further notes (achievement formula, colour thresholds, imputation log …).
    pub notes: Vec<String>,
}

/// Everything the HTML report shows, display-ready.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    /// Language of every text of the view.
    pub lang: Lang,
    /// Issuing office, title and date.
    pub meta: ReportMeta,
    /// The framework in one line (name, indicators, dimensions, base and target year).
    pub framework_line: String,
    /// Schedule check per scored unit (时间过半、任务过半).
    pub schedule: Vec<ScheduleRow>,
    /// How the schedule check reads (E_t, tolerance), in words.
    pub schedule_intro: String,
    /// Colour thresholds for the legend.
    pub legend: LegendView,
    /// Framework title (in the report language).
    pub title: String,
    /// Second title line (English title, framework id).
    pub subtitle: String,
    /// The report year.
    pub year: i32,
    /// Whether any value shown is illustrative; shows the warning banner.
    pub illustrative: bool,
    /// Text of the warning banner.
    pub illustrative_note: String,
    /// Units, in display order (first is usually the city).
    pub units: Vec<UnitView>,
    /// Top-level dimensions, in display order.
    pub dimensions: Vec<DimensionView>,
    /// Indicators, in display order.
    pub indicators: Vec<IndicatorView>,
    /// Dashboard cells (any order; looked up by indicator and unit).
    pub cells: Vec<CellView>,
    /// Per-unit summaries, in [`ReportView::units`] order.
    pub summaries: Vec<UnitSummary>,
    /// Units compared in the radar / grouped-bar chart (ids; usually the counties).
    pub compare_units: Vec<String>,
    /// Years of the dynamic index.
    pub years: Vec<i32>,
    /// Dynamic monitoring index series (base year = 100).
    pub index_series: Vec<LineSeries>,
    /// Distribution targets.
    pub distribution: Vec<DistributionRow>,
    /// Satisfaction index and combined evaluation per unit (empty without a survey).
    pub evaluation: Vec<EvaluationRow>,
    /// Weight α of the objective achievement in the combined evaluation.
    pub evaluation_weight: f64,
    /// Methodology.
    pub methodology: Methodology,
    /// Warnings from monitoring and the engine.
    pub warnings: Vec<String>,
    /// The input files read, one line each (shown under the title).
    pub inputs: Vec<String>,
    /// Footer line (program and version).
    pub generator: String,
    /// The evaluation's reproducibility fingerprint (`sha256:<hex>`).
    pub fingerprint: String,
    /// The evaluation the view renders (`--format evaluation`); none for the demo.
    #[serde(skip)]
    pub result: Option<std::sync::Arc<cpindex::evaluate::Evaluation>>,
    /// Unit id → position in `units` (the first of equal ids), built on the first call
    /// of [`ReportView::unit_name`]: a search per call was quadratic in units (the
    /// summary, schedule and evaluation sections name every unit).
    #[serde(skip)]
    pub unit_index: std::sync::OnceLock<HashMap<String, usize>>,
}

/// Lookups into a [`ReportView`] by id, built once per rendering: every cell and unit
/// name found in O(1) (a search per cell made the report quadratic in units). The cells
/// are held in a grid by position (indicator × unit, in the view's order), so that a
/// renderer reads an indicator's row of cells without hashing an id per cell.
pub struct ViewIndex<'a> {
    // indicator id → its first position in `ReportView::indicators`
    ind_pos: HashMap<&'a str, usize>,
    // indicator-major: grid[j · n_units + k] is the cell of indicators[j] × units[k]
    grid: Vec<Option<&'a CellView>>,
    n_units: usize,
    names: HashMap<&'a str, &'a str>,
}

impl<'a> ViewIndex<'a> {
    /// The cells of one indicator, one per unit of [`ReportView::units`] in order (`None`
    /// where there is none): for `units[k]`, the first cell of (indicator, `units[k].id`),
    /// as a search would find. `None` for an indicator the view does not list.
    pub fn indicator_cells(&self, indicator: &str) -> Option<&[Option<&'a CellView>]> {
        self.ind_pos
            .get(indicator)
            .map(|&j| &self.grid[j * self.n_units..(j + 1) * self.n_units])
    }

    /// [`ReportView::unit_name`] in O(1).
    pub fn unit_name<'b>(&self, id: &'b str) -> &'b str
    where
        'a: 'b,
    {
        self.names.get(id).copied().unwrap_or(id)
    }
}

/// The first position of every id, and each position's first position (equal to itself
/// unless the id is repeated).
fn first_positions<'a>(
    ids: impl Iterator<Item = &'a str>,
) -> (HashMap<&'a str, usize>, Vec<usize>) {
    let mut pos = HashMap::new();
    let canon = ids
        .enumerate()
        .map(|(k, id)| *pos.entry(id).or_insert(k))
        .collect();
    (pos, canon)
}

/// The first position of `id` in `ids`: the positions `*last` and `*last + 1` are tried
/// before the map (the cells come in order, so this rarely hashes).
fn locate(
    ids: &[&str],
    canon: &[usize],
    pos: &HashMap<&str, usize>,
    last: &mut usize,
    id: &str,
) -> Option<usize> {
    for cand in [*last, *last + 1] {
        if ids.get(cand) == Some(&id) {
            *last = cand;
            return Some(canon[cand]);
        }
    }
    let k = *pos.get(id)?;
    *last = k;
    Some(k)
}

impl ReportView {
    /// The indicators of each (top-level) dimension id, in the view's order, grouped in
    /// one pass (a scan of every indicator per dimension was quadratic: 50 s for a report
    /// on a framework of 100,000 dimensions).
    pub fn indicators_by_dimension(&self) -> HashMap<&str, Vec<&IndicatorView>> {
        let mut by: HashMap<&str, Vec<&IndicatorView>> = HashMap::new();
        for i in &self.indicators {
            by.entry(i.dimension.as_str()).or_default().push(i);
        }
        by
    }

    /// Indexes the view's cells and unit names (see [`ViewIndex`]).
    pub fn index(&self) -> ViewIndex<'_> {
        let ind_ids: Vec<&str> = self.indicators.iter().map(|i| i.id.as_str()).collect();
        let unit_ids: Vec<&str> = self.units.iter().map(|u| u.id.as_str()).collect();
        let (ind_pos, ind_canon) = first_positions(ind_ids.iter().copied());
        let (unit_pos, unit_canon) = first_positions(unit_ids.iter().copied());
        let (ni, nu) = (ind_ids.len(), unit_ids.len());
        let mut grid: Vec<Option<&CellView>> = vec![None; ni * nu];
        let (mut lj, mut lk) = (0, 0);
        for c in &self.cells {
            let Some(j) = locate(&ind_ids, &ind_canon, &ind_pos, &mut lj, &c.indicator) else {
                continue;
            };
            let Some(k) = locate(&unit_ids, &unit_canon, &unit_pos, &mut lk, &c.unit) else {
                continue;
            };
            grid[j * nu + k].get_or_insert(c);
        }
        // a repeated indicator or unit finds the cells of its first position
        for j in 0..ni {
            for k in 0..nu {
                let (cj, ck) = (ind_canon[j], unit_canon[k]);
                if (cj, ck) != (j, k) {
                    grid[j * nu + k] = grid[cj * nu + ck];
                }
            }
        }
        let mut names = HashMap::with_capacity(self.units.len());
        for u in &self.units {
            names.entry(u.id.as_str()).or_insert(u.name.as_str());
        }
        ViewIndex {
            ind_pos,
            grid,
            n_units: nu,
            names,
        }
    }

    /// The display name of a unit, or its id when the view does not know it.
    pub fn unit_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.unit_position(id)
            .map_or(id, |k| self.units[k].name.as_str())
    }

    /// The position of a unit id in `units` (the first so named), by an index built on
    /// first use.
    pub fn unit_position(&self, id: &str) -> Option<usize> {
        let index = self.unit_index.get_or_init(|| {
            let mut m = HashMap::with_capacity(self.units.len());
            for (k, u) in self.units.iter().enumerate() {
                m.entry(u.id.clone()).or_insert(k);
            }
            m
        });
        match index.get(id).copied() {
            Some(k) if self.units.get(k).is_some_and(|u| u.id == id) => Some(k),
            // not indexed, or `units` changed since: search
            _ => self.units.iter().position(|u| u.id == id),
        }
    }
}

/// Number formatting for the dashboard: NaN as an en dash, otherwise up to 4 significant
/// decimals without trailing zeros.
pub fn fmt_value(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    let s = if a >= 1000.0 {
        format!("{v:.0}")
    } else if a >= 100.0 {
        format!("{v:.1}")
    } else if a >= 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The top-level dimensions and the indicators of `fw` as the report shows them, named
/// in `lang`.
pub fn framework_views(
    fw: &cpindex::model::Framework,
    lang: Lang,
) -> (Vec<DimensionView>, Vec<IndicatorView>) {
    let dimensions = fw
        .child_dimensions(None)
        .map(|d| DimensionView {
            id: d.id.clone(),
            name: lang.pick(&d.name_zh, &d.name_en).to_string(),
        })
        .collect();
    // the dimensions indexed once (a look-up per indicator built the index each time)
    let dims = fw.dimension_index();
    let indicators = fw
        .indicators
        .iter()
        .map(|i| IndicatorView {
            id: i.id.clone(),
            name: lang.pick(&i.name_zh, &i.name_en).to_string(),
            dimension: dims.top_dimension_of(i).unwrap_or(&i.dimension).to_string(),
            unit: i.unit.label.clone(),
            target: crate::fill::target_phrase(i, fw.target_year, lang),
            aspirational: i.aspirational,
            basis_note: String::new(),
        })
        .collect();
    (dimensions, indicators)
}

/// A view-model filled with FAKE numbers from the built-in framework's indicators, for
/// checking the layout (`cpindex demo-html`). Every value is marked illustrative and the
/// banner says the numbers are fake.
pub fn demo_view() -> ReportView {
    let fw = cpindex::model::builtin::default_framework();
    // the framework's units without the reference series
    let units: Vec<UnitView> = fw
        .units
        .iter()
        .filter(|u| u.role != cpindex::model::UnitRole::Reference)
        .map(|u| UnitView {
            id: u.id.clone(),
            name: u.name_zh.clone(),
        })
        .collect();
    let lang = Lang::Zh;
    let (dimensions, indicators) = framework_views(fw, lang);
    // Deterministic fake numbers: a small integer hash of (indicator, unit) positions.
    let fake = |a: usize, b: usize| ((a * 37 + b * 53 + 11) % 47) as f64;
    let mut cells = Vec::new();
    for (a, ind) in fw.indicators.iter().enumerate() {
        for (b, u) in units.iter().enumerate() {
            // a max/min ratio over the parts is a value of the whole only
            let over_parts = matches!(
                fw.derived_target(&ind.id).map(|d| &d.measure),
                Some(cpindex::model::DerivedMeasure::MaxMinRatio { .. })
            );
            if over_parts && b > 0 {
                continue;
            }
            let ach = 55.0 + fake(a, b);
            let colour = match ach {
                x if x >= 100.0 => Colour::Green,
                x if x >= 90.0 => Colour::Yellow,
                x if x >= 75.0 => Colour::Orange,
                _ => Colour::Red,
            };
            let trend = [
                Trend::OnTrack,
                Trend::Moderate,
                Trend::Stagnating,
                Trend::Declining,
                Trend::Deteriorating,
            ][(a + 2 * b) % 5];
            let t = ind.target.unwrap_or(1.0);
            let blank = (a + b) % 13 == 12;
            let figure = if blank { f64::NAN } else { t * ach / 100.0 };
            let schedule = [
                ScheduleStatus::Achieved,
                ScheduleStatus::Ahead,
                ScheduleStatus::OnSchedule,
                ScheduleStatus::Lagging,
            ][(a + b) % 4];
            cells.push(CellView {
                figure,
                figure_text: fmt_value(figure),
                basis: Basis::Level,
                from: None,
                achievement_text: crate::cells::achievement_text(ach, &[90.0, 75.0]),
                record: None,
                schedule: if blank {
                    ScheduleStatus::NotAssessable
                } else {
                    schedule
                },
                indicator: Id::new(&ind.id),
                unit: Id::new(&u.id),
                value: if (a + b) % 13 == 12 {
                    f64::NAN
                } else {
                    t * ach / 100.0
                },
                achievement: ach,
                colour: if (a + b) % 13 == 12 {
                    Colour::Grey
                } else {
                    colour
                },
                trend,
                illustrative: true,
                target: crate::fill::target_phrase(ind, fw.target_year, lang).into(),
                target_source: "plan".into(),
                survey_verdict: None,
                survey_text: None,
            });
        }
    }
    let summaries: Vec<UnitSummary> = units
        .iter()
        .enumerate()
        .map(|(b, u)| {
            let by: Vec<f64> = (0..dimensions.len())
                .map(|d| 60.0 + fake(d + 3, b) * 0.8)
                .collect();
            UnitSummary {
                unit: u.id.clone(),
                achievement: by.iter().sum::<f64>() / by.len() as f64,
                index: 50.0 + fake(b, 1),
                rank: if b == 0 { None } else { Some(b) },
                dimension_colours: by
                    .iter()
                    .map(|x| {
                        if *x >= 90.0 {
                            Colour::Yellow
                        } else if *x >= 75.0 {
                            Colour::Orange
                        } else {
                            Colour::Red
                        }
                    })
                    .collect(),
                by_dimension: by,
                lagging: fw
                    .indicators
                    .iter()
                    .skip(b % 4)
                    .take(2)
                    .map(|i| i.name_zh.clone())
                    .collect(),
            }
        })
        .collect();
    let years: Vec<i32> = (2020..=2024).collect();
    let index_series = units
        .iter()
        .enumerate()
        .map(|(b, u)| LineSeries {
            name: u.name.clone(),
            values: years
                .iter()
                .enumerate()
                .map(|(k, _)| {
                    100.0 + k as f64 * (2.0 + b as f64 * 0.7) - if k == 2 { 1.5 } else { 0.0 }
                })
                .collect(),
        })
        .collect();
    let schedule = units
        .iter()
        .map(|u| {
            let mut counts = [0usize; 5];
            for c in cells.iter().filter(|c| c.unit == u.id) {
                counts[SCHEDULE_ALL
                    .iter()
                    .position(|x| *x == c.schedule)
                    .unwrap_or(4)] += 1;
            }
            ScheduleRow {
                unit: u.id.clone(),
                counts,
                lagging: Vec::new(),
            }
        })
        .collect();
    ReportView {
        lang,
        meta: ReportMeta {
            office: Some("演示统计局 (demo)".into()),
            title: None,
            date: Some("2025-03-01".into()),
            lang: None,
        },
        framework_line: fw.title_zh.clone(),
        schedule,
        schedule_intro: "E = 80% (demo)".into(),
        legend: LegendView {
            yellow_pct: 90.0,
            orange_pct: 75.0,
            absolute: 0,
        },
        title: fw.title_zh.clone(),
        subtitle: fw.id.clone(),
        year: 2024,
        illustrative: true,
        illustrative_note: M::DemoBanner.text(lang).into(),
        compare_units: units.iter().skip(1).map(|u| u.id.clone()).collect(),
        units,
        dimensions,
        indicators,
        cells,
        summaries,
        years,
        index_series,
        distribution: vec![
            DistributionRow {
                label: "城乡居民收入倍差".into(),
                value: "1.75 倍".into(),
                target: "≤ 1.8".into(),
                colour: Colour::Green,
                note: "城镇 / 农村居民人均可支配收入 (fake)".into(),
            },
            DistributionRow {
                label: "各县(市、区)人均可支配收入最高最低倍差".into(),
                value: "1.49 倍".into(),
                target: "≤ 1.55".into(),
                colour: Colour::Green,
                note: "最高 柯城区, 最低 开化县 (fake)".into(),
            },
            DistributionRow {
                label: "家庭年可支配收入10–50万元群体比例".into(),
                value: "60.4%".into(),
                target: "–".into(),
                colour: Colour::Grey,
                note: "weighted household microdata (fake)".into(),
            },
        ],
        methodology: Methodology {
            spec_json: "{\n  \"note\": \"demo <spec> & defaults\"\n}".into(),
            spec_rows: vec![("note".into(), "demo <spec> & defaults".into())],
            weights: fw
                .child_dimensions(None)
                .map(|d| (d.name_zh.clone(), d.weight))
                .collect(),
            indicator_weights: Vec::new(),
            sources: vec!["examples/data/SOURCES.md".into()],
            notes: vec![
                "实现度 = x/T (正向) 或 T/x (逆向), 上限 100% (demo text)".into(),
                "颜色: SDSN 仪表盘 (demo thresholds)".into(),
            ],
        },
        evaluation: Vec::new(),
        evaluation_weight: 0.7,
        warnings: Vec::new(),
        inputs: Vec::new(),
        generator: format!("cpindex {} — demo", env!("CARGO_PKG_VERSION")),
        fingerprint: "demo (fake numbers, no data)".into(),
        result: None,
        unit_index: Default::default(),
    }
}
