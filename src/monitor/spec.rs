//! [`MonitorSpec`]: every methodological choice of plan monitoring, serialisable as JSON,
//! with documented defaults (`MonitorSpec::default()` and `{}` in JSON give the same spec).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Framework, Polarity};

/// Which achievement form feeds the score used for aggregation, schedule and dashboards.
///
/// Both forms are always computed and reported; this only selects the headline `score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AchievementForm {
    /// Ratio form 实现度 = x/T (higher is better) or T/x (lower is better), capped at 1
    /// (NBS 全面建设小康社会统计监测方案 2008 practice; methods-reference b.2). Default.
    #[default]
    Ratio,
    /// Progress form (x_t − x_0)/(T − x_0) from the baseline (规划目标完成进度;
    /// methods-reference b.6), clamped to [0, 1] for the score.
    Progress,
}

/// What to do when the base-year value of a unit × indicator is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BaselinePolicy {
    /// Use the first observed year after the base year as the baseline and add a warning
    /// naming unit, indicator and the year used (Open SDG practice: "the first available
    /// year following" the base year). Default.
    #[default]
    FirstObserved,
    /// Use the framework's `baseline` value (the plan's stated 2020 value) when the panel
    /// lacks the base year, then fall back to the first observed year; warns either way.
    FrameworkThenFirstObserved,
    /// Fail with [`Error::MissingValue`] naming unit and indicator.
    Error,
}

/// How the panel holds a growth-rate-kind indicator (年均增长 x%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GrowthInput {
    /// The panel holds the LEVEL series the growth refers to (e.g. low-income farmers'
    /// income in yuan) under the indicator's id; the achieved rate is the CAGR from the
    /// baseline, 100·((x_t/x_0)^{1/(t−t_0)} − 1). Default.
    #[default]
    Level,
    /// The panel holds the annual growth rate in percent; the achieved rate is the
    /// geometric mean 100·((Π_k (1 + g_k/100))^{1/n} − 1) over the years after the baseline.
    AnnualRate,
}

/// What an annual target (每年 …) reports for a year with no observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AnnualMissing {
    /// Publish "no data": the year has no measured value, no score and no met flag, and the
    /// unit's aggregate for that year re-normalises without the indicator (a statistics
    /// office does not publish last year's figure as this year's). Default.
    #[default]
    NoData,
    /// Carry the latest observed earlier year forward (after the base year) as the measured
    /// value, ratio, progress and score; `met` stays "every observed year met". Every
    /// carried value is reported: a note on the record and a warning naming unit,
    /// indicator and the year carried.
    CarryForward,
}

/// How a zero target (清零, 零就业家庭动态清零: lower is better, T = 0) is scored when the
/// spec's headline form is the ratio form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ZeroTarget {
    /// The progress form's partial credit (x₀ − x)/x₀ from the unit's baseline x₀ > 0
    /// (5 → 3 scores 0.4): the ratio form T/x is 0 for every x > 0 and would not see any
    /// progress. Falls back to the ratio rule (1 when x ≤ 0, else 0) without a positive
    /// baseline. Default.
    #[default]
    Progress,
    /// The ratio rule alone: 1 when x ≤ 0, else 0.
    Ratio,
}

/// Open SDG / Statistics Canada progress-ratio thresholds (open-sdg
/// `docs/progress-methodology.md`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrendThresholds {
    /// R ≥ this: on track. Default 0.95.
    pub on_track: f64,
    /// R ≥ this (and below `on_track`): progress made but acceleration needed. Default 0.60.
    pub acceleration_needed: f64,
    /// R ≥ this (and below `acceleration_needed`): limited progress; below: deterioration.
    /// Default 0.0.
    pub limited_progress: f64,
    /// Without a numeric target: CAGR (fraction) ≥ this is on track. Default 0.015.
    pub no_target_on_track: f64,
    /// Without a numeric target: CAGR ≥ this is acceleration needed. Default 0.005.
    pub no_target_acceleration_needed: f64,
    /// Replacement for a zero base or target value in the exponential model. Default 0.001.
    pub zero_replacement: f64,
}

impl Default for TrendThresholds {
    fn default() -> Self {
        TrendThresholds {
            on_track: 0.95,
            acceleration_needed: 0.60,
            limited_progress: 0.0,
            no_target_on_track: 0.015,
            no_target_acceleration_needed: 0.005,
            zero_replacement: 0.001,
        }
    }
}

/// Absolute SDSN-style colour thresholds for one indicator, in the indicator's unit.
///
/// For a higher-is-better indicator a value ≥ `green` is green, ≥ `yellow` yellow,
/// ≥ `orange` orange, else red; for lower-is-better the comparisons are ≤.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColourThresholds {
    /// Green threshold (usually the target).
    pub green: f64,
    /// Yellow threshold.
    pub yellow: f64,
    /// Orange threshold.
    pub orange: f64,
}

/// Dashboard settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DashboardSpec {
    /// Absolute thresholds per indicator id (SDSN SDR practice).
    pub thresholds: BTreeMap<String, ColourThresholds>,
    /// Fallback for indicators without absolute thresholds: green when the target is met;
    /// otherwise yellow when the achievement score ≥ this. Default 0.90.
    pub score_yellow: f64,
    /// Fallback: orange when the score ≥ this (else red). Default 0.75.
    pub score_orange: f64,
}

impl Default for DashboardSpec {
    fn default() -> Self {
        DashboardSpec {
            thresholds: BTreeMap::new(),
            score_yellow: 0.90,
            score_orange: 0.75,
        }
    }
}

/// Dynamic monitoring index settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DynamicSpec {
    /// The fixed base year (index = 100); `None` = the framework's base year.
    pub base_year: Option<i32>,
    /// Clip the rescaled indicator values to the AMPI range [70, 130] (baseline ± one
    /// baseline-to-target distance). Default true.
    pub clip: bool,
}

impl Default for DynamicSpec {
    fn default() -> Self {
        DynamicSpec {
            base_year: None,
            clip: true,
        }
    }
}

/// The monitoring methodology. Every field has a default; `{}` is a valid spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MonitorSpec {
    /// Headline achievement form. Default [`AchievementForm::Ratio`].
    pub form: AchievementForm,
    /// Missing baseline policy. Default [`BaselinePolicy::FirstObserved`].
    pub baseline_policy: BaselinePolicy,
    /// How growth-rate indicators are held in the panel. Default [`GrowthInput::AnnualRate`]:
    /// statistical bulletins publish yearly growth rates, not the level series behind them.
    pub growth_input: GrowthInput,
    /// Units to monitor; `None` = every unit of the panel except those used only as
    /// relative-target references or declared as `reference` units by the framework.
    pub units: Option<Vec<String>>,
    /// The evaluation year for schedule, trend, dashboard and evaluation; `None` = the
    /// latest panel period not after the framework's target year.
    pub year: Option<i32>,
    /// Tolerance band (in progress share) around the elapsed-time share for the schedule
    /// check ("时间过半、任务过半"). Default 0.05.
    pub schedule_tolerance: f64,
    /// Comparison slack of the schedule bands: a progress share within this of a band edge
    /// (E_t ± τ) counts as on the edge, so that round figures (35% at 40% elapsed with
    /// τ = 5 points) are not pushed across by binary floating point. Default 1e-9, far
    /// below any published precision. Must lie in [0, 0.001].
    pub schedule_epsilon: f64,
    /// Annual targets in a year with no observation. Default [`AnnualMissing::NoData`].
    pub annual_missing: AnnualMissing,
    /// Zero targets under the ratio form. Default [`ZeroTarget::Progress`].
    pub zero_target: ZeroTarget,
    /// The minimum share of the framework's indicators with a score before a unit's
    /// overall score is published for a year; below it the overall is absent and the
    /// record says why. Default 0.8: the SDSN Sustainable Development Report publishes no
    /// index for a country missing more than 20% of its indicators. 0 publishes whatever
    /// is available. In [0, 1].
    pub min_indicator_coverage: f64,
    /// Which household income the middle-income band shares classify. Default
    /// [`BandIncome::Actual`](super::targets::BandIncome::Actual).
    pub band_income: super::targets::BandIncome,
    /// Number of indicators reported as pulling each unit down most. Default 3.
    pub pull_down_count: usize,
    /// Trend thresholds.
    pub trend: TrendThresholds,
    /// Dashboard settings.
    pub dashboard: DashboardSpec,
    /// Dynamic monitoring index settings.
    pub dynamic: DynamicSpec,
    /// Weight of the objective achievement in the overall evaluation; the satisfaction
    /// index gets `1 − objective_weight`. Default 0.7 (a convention of this crate, not a
    /// figure from the plan; set it to the weight your assessment scheme prescribes).
    pub objective_weight: f64,
    /// Normal quantile of the survey target tests and year-on-year changes of the
    /// `sampling_errors` indicators. Default 1.959964 (95%).
    pub survey_z: f64,
    /// Survey-based indicators (生态环境满意度, 成效度): indicator id → the panel series
    /// holding its standard error (same unit, year and scale). Each such indicator gets a
    /// met / not met / not distinguishable verdict at the level of `satisfaction.z`, and the
    /// change since the previous year with its SE. Default: none.
    pub sampling_errors: std::collections::BTreeMap<String, String>,
    /// Whether `met` of a survey-based indicator is the point comparison (default) or
    /// requires the target to be met significantly.
    pub survey_met: super::satisfaction::SurveyMetRule,
}

impl Default for MonitorSpec {
    fn default() -> Self {
        MonitorSpec {
            form: AchievementForm::Ratio,
            baseline_policy: BaselinePolicy::FirstObserved,
            growth_input: GrowthInput::AnnualRate,
            units: None,
            year: None,
            schedule_tolerance: 0.05,
            schedule_epsilon: 1e-9,
            annual_missing: AnnualMissing::NoData,
            zero_target: ZeroTarget::Progress,
            min_indicator_coverage: 0.8,
            band_income: super::targets::BandIncome::Actual,
            pull_down_count: 3,
            trend: TrendThresholds::default(),
            dashboard: DashboardSpec::default(),
            dynamic: DynamicSpec::default(),
            objective_weight: 0.7,
            survey_z: 1.959_963_984_540_054,
            sampling_errors: Default::default(),
            survey_met: Default::default(),
        }
    }
}

impl MonitorSpec {
    /// Parses a spec from JSON and validates it.
    ///
    /// Decoding is strict ([`crate::json::decode`]): a leading BOM is accepted; duplicate
    /// keys and unknown members (e.g. a misspelt `schedule_tolerence`) are
    /// [`Error::Json`] naming the member's dotted path, line and column.
    pub fn from_json(text: &str) -> Result<MonitorSpec> {
        let spec: MonitorSpec = crate::json::decode("monitor spec", text)?;
        spec.validate()?;
        Ok(spec)
    }

    /// Like [`MonitorSpec::from_json`] for a spec that is a section (`fragment`, a
    /// sub-slice) of a larger document `whole`, such as the `monitor` member of a
    /// combined spec file: JSON errors give the line and column in `whole`.
    pub fn from_json_fragment(what: &str, whole: &str, fragment: &str) -> Result<MonitorSpec> {
        let spec: MonitorSpec = crate::json::decode_fragment(what, whole, fragment)?;
        spec.validate()?;
        Ok(spec)
    }

    /// Checks ranges: tolerance in [0, 1); trend thresholds finite and ordered
    /// (`on_track ≥ acceleration_needed ≥ limited_progress`); zero replacement > 0;
    /// dashboard fallbacks ordered in [0, 1]; objective weight in [0, 1].
    pub fn validate(&self) -> Result<()> {
        if !(self.schedule_tolerance.is_finite() && (0.0..1.0).contains(&self.schedule_tolerance)) {
            return Err(Error::invalid_spec(
                "schedule_tolerance",
                format!("{} must lie in [0, 1)", self.schedule_tolerance),
            ));
        }
        if !(self.schedule_epsilon.is_finite() && (0.0..=1e-3).contains(&self.schedule_epsilon)) {
            return Err(Error::invalid_spec(
                "schedule_epsilon",
                format!(
                    "{} must lie in [0, 0.001] (a slack for rounding, not a tolerance: use schedule_tolerance)",
                    self.schedule_epsilon
                ),
            ));
        }
        if !(self.min_indicator_coverage.is_finite()
            && (0.0..=1.0).contains(&self.min_indicator_coverage))
        {
            return Err(Error::invalid_spec(
                "min_indicator_coverage",
                format!("{} must lie in [0, 1]", self.min_indicator_coverage),
            ));
        }
        let t = &self.trend;
        let all = [
            t.on_track,
            t.acceleration_needed,
            t.limited_progress,
            t.no_target_on_track,
            t.no_target_acceleration_needed,
            t.zero_replacement,
        ];
        if !all.iter().all(|v| v.is_finite()) {
            return Err(Error::invalid_spec("trend", "thresholds must be finite"));
        }
        if !(t.on_track >= t.acceleration_needed && t.acceleration_needed >= t.limited_progress) {
            return Err(Error::invalid_spec(
                "trend",
                format!(
                    "thresholds must be ordered on_track ≥ acceleration_needed ≥ limited_progress, got {} / {} / {}",
                    t.on_track, t.acceleration_needed, t.limited_progress
                ),
            ));
        }
        if t.no_target_on_track < t.no_target_acceleration_needed
            || t.no_target_acceleration_needed < 0.0
        {
            return Err(Error::invalid_spec(
                "trend.no_target_on_track",
                "no-target thresholds must satisfy on_track ≥ acceleration_needed ≥ 0",
            ));
        }
        if t.zero_replacement <= 0.0 {
            return Err(Error::invalid_spec(
                "trend.zero_replacement",
                format!("{} must be positive", t.zero_replacement),
            ));
        }
        let d = &self.dashboard;
        if !(d.score_orange.is_finite()
            && d.score_yellow.is_finite()
            && 0.0 <= d.score_orange
            && d.score_orange <= d.score_yellow
            && d.score_yellow <= 1.0)
        {
            return Err(Error::invalid_spec(
                "dashboard.score_yellow",
                "fallback thresholds must satisfy 0 ≤ score_orange ≤ score_yellow ≤ 1",
            ));
        }
        for (id, c) in &d.thresholds {
            if ![c.green, c.yellow, c.orange].iter().all(|v| v.is_finite()) {
                return Err(Error::invalid_spec(
                    format!("dashboard.thresholds.{id}"),
                    "thresholds must be finite",
                ));
            }
        }
        if !(self.survey_z.is_finite() && self.survey_z > 0.0) {
            return Err(Error::invalid_spec(
                "survey_z",
                format!("{} must be positive and finite", self.survey_z),
            ));
        }
        for (id, se) in &self.sampling_errors {
            if se.trim().is_empty() {
                return Err(Error::invalid_spec(
                    format!("sampling_errors.{id}"),
                    "must name the panel series holding the standard error",
                ));
            }
        }
        if !(self.objective_weight.is_finite() && (0.0..=1.0).contains(&self.objective_weight)) {
            return Err(Error::invalid_spec(
                "objective_weight",
                format!("{} must lie in [0, 1]", self.objective_weight),
            ));
        }
        Ok(())
    }
}

impl MonitorSpec {
    /// Checks the spec's indicator ids against the framework monitored: every key of
    /// `dashboard.thresholds` and `sampling_errors` must be an indicator of the framework
    /// (a misspelt key would otherwise be ignored without a word, and the colours or
    /// survey verdicts silently change), and each indicator's absolute thresholds must be
    /// ordered the way its colours are read ([`super::dashboard::colour_absolute`]): a
    /// higher-is-better (or binary) indicator green ≥ yellow ≥ orange, a lower-is-better
    /// one green ≤ yellow ≤ orange. An interval (适度) indicator takes no absolute
    /// thresholds: "at least green" would ignore its band's upper edge. Errors:
    /// [`Error::InvalidSpec`] naming the field (`dashboard.thresholds.<id>`,
    /// `sampling_errors.<id>`) and, for an unknown id, the nearest indicator id of the
    /// framework ([`Framework::nearest_indicator`]).
    pub fn validate_against(&self, framework: &Framework) -> Result<()> {
        if self.dashboard.thresholds.is_empty() && self.sampling_errors.is_empty() {
            return Ok(());
        }
        let index = framework.series_index();
        let unknown = |field: String, id: &str| {
            let hint = match framework.nearest_indicator(id) {
                Some(n) => format!("; did you mean `{}` ({})?", n.id, n.name_zh),
                None => String::new(),
            };
            Error::invalid_spec(
                field,
                format!(
                    "unknown indicator `{id}` (not in framework `{}`){hint} Keys are indicator ids.",
                    framework.id
                ),
            )
        };
        for (id, c) in &self.dashboard.thresholds {
            let field = format!("dashboard.thresholds.{id}");
            let Some(ind) = index.indicator(id) else {
                return Err(unknown(field, id));
            };
            let (g, y, o) = (c.green, c.yellow, c.orange);
            let (ordered, rule) = match ind.polarity {
                Polarity::HigherIsBetter | Polarity::Binary => (
                    g >= y && y >= o,
                    "a higher-is-better indicator is green at ≥ green, yellow at ≥ yellow, orange at ≥ orange: they must satisfy green ≥ yellow ≥ orange",
                ),
                Polarity::LowerIsBetter => (
                    g <= y && y <= o,
                    "a lower-is-better indicator is green at ≤ green, yellow at ≤ yellow, orange at ≤ orange: they must satisfy green ≤ yellow ≤ orange",
                ),
                Polarity::Interval { .. } => {
                    return Err(Error::invalid_spec(
                        field,
                        format!(
                            "indicator `{id}` has interval polarity: its colour comes from its interval score (the fallback score_yellow / score_orange); absolute thresholds would ignore the band — remove this entry"
                        ),
                    ));
                }
            };
            if !ordered {
                return Err(Error::invalid_spec(
                    field,
                    format!("{rule}; got green {g}, yellow {y}, orange {o}"),
                ));
            }
        }
        for id in self.sampling_errors.keys() {
            if index.indicator(id).is_none() {
                return Err(unknown(format!("sampling_errors.{id}"), id));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn unknown_members_are_errors() {
        let e = super::MonitorSpec::from_json(r#"{"schedule_tolerence": 0.5}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("schedule_tolerence"), "{e}");
        let e = super::MonitorSpec::from_json(r#"{"trend": {"on_trak": 0.9}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("on_trak"), "{e}");
        assert!(super::MonitorSpec::from_json(r#"{"schedule_tolerance": 0.1}"#).is_ok());
    }
}
