//! One indicator of a plan: what is measured, in which unit, which way is better, and what
//! the plan promises for it.
//!
//! The fields follow the practice of Chinese plan evaluation (实现度 / 进度 monitoring, see
//! `docs/methods.md`) and of the OECD/JRC *Handbook on Constructing Composite Indicators*
//! (2008), §1.3 (indicator metadata: definition, unit, direction, source).

use serde::{Deserialize, Serialize};

/// The unit of an indicator as the plan writes it, with a machine-readable scale.
///
/// `value_in_base_unit = value × scale`; e.g. 亿元 has `scale = 1e8` and `base = "yuan"`,
/// 万元 has `scale = 1e4`, % has `scale = 0.01` and `base = "ratio"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// The unit as written in the plan, e.g. `亿元`, `万元`, `%`, `微克/立方米`, `人`.
    pub label: String,
    /// Multiplier from the plan's unit to the base unit (`1e8` for 亿元). Positive, finite.
    #[serde(default = "one")]
    pub scale: f64,
    /// The base unit in English, e.g. `yuan`, `ratio`, `persons`, `ug/m3`, `years`.
    #[serde(default)]
    pub base: String,
}

fn one() -> f64 {
    1.0
}

impl Unit {
    /// A unit with the given label, scale and base.
    pub fn new(label: impl Into<String>, scale: f64, base: impl Into<String>) -> Self {
        Unit {
            label: label.into(),
            scale,
            base: base.into(),
        }
    }

    /// Converts a value in this unit to the base unit.
    pub fn to_base(&self, value: f64) -> f64 {
        value * self.scale
    }
}

/// Which direction is better for an indicator.
///
/// Polarity drives every polarity-aware normalisation (COINr `Direction` ±1; JRC Handbook
/// §5) and the ratio/progress forms of achievement (实现度).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Polarity {
    /// Larger values are better (正向指标), e.g. GDP.
    HigherIsBetter,
    /// Smaller values are better (逆向指标), e.g. the urban–rural income ratio, PM2.5.
    LowerIsBetter,
    /// A target band (适度指标): values inside `[lower, upper]` score fully; the score
    /// falls linearly to zero at the tolerance bounds `tolerance_lower ≤ lower` and
    /// `tolerance_upper ≥ upper` (interval normalisation, cf. Zhou & Ang 2008; JRC
    /// Handbook §5 "distance to a target band").
    Interval {
        /// Lower end of the band.
        lower: f64,
        /// Upper end of the band.
        upper: f64,
        /// Value at or below which the score is 0 (must be ≤ `lower`).
        tolerance_lower: f64,
        /// Value at or above which the score is 0 (must be ≥ `upper`).
        tolerance_upper: f64,
    },
    /// A yes/no target (达到/未达到, 全覆盖, 清零): the value is 1 when met, 0 otherwise,
    /// or a coverage share compared with the target.
    Binary,
}

impl Polarity {
    /// `+1` for higher-is-better, `-1` for lower-is-better, `0` for interval and binary
    /// (COINr's direction convention).
    pub fn direction(&self) -> i8 {
        match self {
            Polarity::HigherIsBetter => 1,
            Polarity::LowerIsBetter => -1,
            _ => 0,
        }
    }

    /// A short English name: `higher`, `lower`, `interval`, `binary`.
    pub fn name(&self) -> &'static str {
        match self {
            Polarity::HigherIsBetter => "higher",
            Polarity::LowerIsBetter => "lower",
            Polarity::Interval { .. } => "interval",
            Polarity::Binary => "binary",
        }
    }
}

/// What kind of quantity the target is about; it decides how achievement is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A level to reach in the target year (GDP 2500亿元 in 2025).
    Level,
    /// A total over the plan period (五年累计: fixed-asset investment 5000亿元); the data
    /// hold the yearly flows and achievement uses their running sum.
    Cumulative,
    /// A target to meet every year (每年 50,000 training places).
    Annual,
    /// A compound annual growth rate in percent (年均增长 10%).
    GrowthRate,
    /// A share or proportion in percent (middle-income household share, R&D/GDP).
    Share,
    /// A count of things (hospitals, schools, enterprises).
    Count,
    /// Coverage of a population or territory in percent, usually 100 (全覆盖).
    Coverage,
}

impl Kind {
    /// The snake_case name used in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Level => "level",
            Kind::Cumulative => "cumulative",
            Kind::Annual => "annual",
            Kind::GrowthRate => "growth_rate",
            Kind::Share => "share",
            Kind::Count => "count",
            Kind::Coverage => "coverage",
        }
    }
}

/// How a relative target compares the indicator with its reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Strictly above the reference (高于).
    Above,
    /// Not below the reference (不低于).
    NotBelow,
    /// Strictly below the reference (低于).
    Below,
    /// Not above the reference (不高于).
    NotAbove,
}

impl Relation {
    /// The snake_case name used in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Relation::Above => "above",
            Relation::NotBelow => "not_below",
            Relation::Below => "below",
            Relation::NotAbove => "not_above",
        }
    }

    /// Whether `value` satisfies the relation against `reference` (with `margin` added to
    /// the reference, e.g. "1 percentage point above the provincial average").
    pub fn holds(&self, value: f64, reference: f64, margin: f64) -> bool {
        let r = reference + margin;
        match self {
            Relation::Above => value > r,
            Relation::NotBelow => value >= r,
            Relation::Below => value < r,
            Relation::NotAbove => value <= r,
        }
    }
}

/// Which values of the indicator and its reference a relative target compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelativeBasis {
    /// The two values of the same year (for growth-rate indicators held as levels, the
    /// year-on-year growth of each). Default.
    #[default]
    SameYear,
    /// The compound average growth over the plan period so far (年均增幅: the years after
    /// the base year up to t) of the indicator against the reference's over the same
    /// years: 100·((Π(1 + g_k/100))^{1/n} − 1) for yearly rates, 100·((x_t/x_{t₀})^{1/n} − 1)
    /// for levels. Growth-rate indicators with a reference series only.
    PeriodAverage,
}

impl RelativeBasis {
    fn is_same_year(&self) -> bool {
        *self == RelativeBasis::SameYear
    }
}

/// How an indicator's numeric target is read.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TargetForm {
    /// `target` is a threshold: at least T (higher is better) or at most T (lower is
    /// better). Default.
    #[default]
    Threshold,
    /// "About T" (左右, 市区人口100万人左右): met inside [T − tolerance, T + tolerance]; below
    /// the band the indicator is scored as "at least T − tolerance", above it as "at most
    /// T + tolerance". Level-type kinds only.
    About {
        /// Half-width of the band, in the indicator's unit (> 0, finite).
        tolerance: f64,
    },
    /// A multiple of the unit's own baseline (倍增: `multiple = 2`): the target is
    /// `multiple × x₀` at `horizon_year`. When the horizon runs past the indicator's target
    /// year (居民收入十年倍增 in a 2021–2025 plan) the unit is scored against the compound
    /// path to the horizon, x₀·multiple^{(t_T − t₀)/(H − t₀)} at the target year t_T. Leave
    /// `target` unset. Level-type kinds only.
    BaselineMultiple {
        /// The multiple k (> 0, finite; 2 = doubling, 0.5 = halving).
        multiple: f64,
        /// The year the multiple is for; `None` = the indicator's target year.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        horizon_year: Option<i32>,
    },
}

impl TargetForm {
    /// Whether this is the default [`TargetForm::Threshold`].
    pub fn is_threshold(&self) -> bool {
        *self == TargetForm::Threshold
    }

    /// A short English name: `threshold`, `about`, `baseline_multiple`.
    pub fn name(&self) -> &'static str {
        match self {
            TargetForm::Threshold => "threshold",
            TargetForm::About { .. } => "about",
            TargetForm::BaselineMultiple { .. } => "baseline_multiple",
        }
    }
}

/// What a relative target is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Reference {
    /// Another series in the data: `unit` (e.g. `zhejiang`, the provincial average; `None`
    /// = the same unit) and `indicator` (e.g. `gdp_growth`).
    Series {
        /// The reference unit id; `None` means the same unit as the indicator's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        /// The reference indicator id.
        indicator: String,
    },
    /// The indicator's own value in the previous year (逐年下降 / 逐年提高).
    PreviousYear,
}

/// A target stated relative to another series ("growth above the provincial average",
/// "低保标准增幅不低于收入增幅", "逐年下降").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelativeTarget {
    /// The comparison.
    pub relation: Relation,
    /// The series compared with.
    pub reference: Reference,
    /// Added to the reference before comparing (e.g. `1.0` for "1 percentage point above").
    #[serde(default)]
    pub margin: f64,
    /// Same-year values (default) or period-average growth (年均增幅).
    #[serde(default, skip_serializing_if = "RelativeBasis::is_same_year")]
    pub basis: RelativeBasis,
    /// The target as words, in English.
    #[serde(default)]
    pub description: String,
}

/// A milestone before the target year (e.g. a 2022 value).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterimTarget {
    /// The milestone year.
    pub year: i32,
    /// The value to reach by then.
    pub value: f64,
}

/// Where in the plan a target comes from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The plan's section, e.g. `一、发展目标` or `二(3)` / `item 12`.
    pub section: String,
    /// The exact Chinese phrase the target is taken from, verbatim from the plan text.
    pub phrase: String,
}

/// One indicator of the framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Stable snake_case id, unique in the framework (`gdp`, `urban_rural_income_ratio`).
    pub id: String,
    /// The id of the dimension the indicator belongs to.
    pub dimension: String,
    /// Name in Chinese as the plan words it.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Other names data files use for the indicator (a statistical yearbook's wording,
    /// an old code). Data readers accept them beside the id and the two names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Unit and scale.
    pub unit: Unit,
    /// Which direction is better.
    pub polarity: Polarity,
    /// What kind of quantity the target is about.
    pub kind: Kind,
    /// The target value in the plan's unit; `None` only for indicators with a relative
    /// target alone (or monitored without a numeric target), or with a
    /// [`TargetForm::BaselineMultiple`] target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// How the target is read (threshold, about, multiple of the baseline). Default
    /// [`TargetForm::Threshold`].
    #[serde(default, skip_serializing_if = "TargetForm::is_threshold")]
    pub target_form: TargetForm,
    /// The year the target is for; `None` means the framework's target year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_year: Option<i32>,
    /// A stretch target (力争 …) reported beside the main one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stretch_target: Option<f64>,
    /// Milestones before the target year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interim_targets: Vec<InterimTarget>,
    /// A target relative to another series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_target: Option<RelativeTarget>,
    /// Whether the plan words the target as an aspiration (力争, 努力, 左右).
    #[serde(default)]
    pub aspirational: bool,
    /// The plan's baseline value (2020), when the plan states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
    /// For a target measured by a sample survey (满意度, 成效度): the auxiliary series of the
    /// framework that holds the estimate's standard error, in the indicator's own unit.
    /// Monitoring then adds the survey verdict (met / not met / not distinguishable from the
    /// target at `survey_z`, see `crate::monitor::satisfaction::survey_target_test`).
    /// `MonitorSpec::sampling_errors` overrides it for an indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling_error_series: Option<String>,
    /// Default weight within its dimension (non-negative, finite).
    #[serde(default = "one")]
    pub weight: f64,
    /// Where the target comes from.
    #[serde(default)]
    pub provenance: Provenance,
}

impl Indicator {
    /// The target year, falling back to the framework's.
    pub fn target_year_or(&self, framework_target_year: i32) -> i32 {
        self.target_year.unwrap_or(framework_target_year)
    }

    /// Whether monitoring judges this indicator, for a unit whose numeric target is
    /// `target` (the plan's or the unit's own), by the year's own value — the relative
    /// target's compared value on the `same_year` basis — rather than by the figure its
    /// kind is judged by (the running sum of a cumulative target, the average growth since
    /// the base year of a growth target): true exactly when there is no numeric target and
    /// the relative target alone decides on the same-year basis (docs/monitoring.md,
    /// "relative targets"; 制造业投资增速快于固定资产投资增速 compares the two rates of the
    /// year). A report labels such a figure as the year's value, not "since the base year".
    pub fn judged_by_year_value(&self, target: Option<f64>) -> bool {
        target.is_none()
            && self
                .relative_target
                .as_ref()
                .is_some_and(|r| r.basis == RelativeBasis::SameYear)
    }
}
