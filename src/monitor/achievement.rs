//! Achievement degree (实现度) of one indicator in one unit, year by year.
//!
//! Achievement is its own normalisation: it is anchored on the plan's target T and the
//! unit's baseline x₀ (the base-year value), never on the sample (unlike COINr's
//! `n_dist2targ`, which is anchored on the sample minimum). Both forms are computed:
//!
//! * **ratio form** (NBS 全面建设小康社会统计监测方案, 2008): higher is better a = x/T,
//!   lower is better a = T/x, capped at 1 with the uncapped value kept (methods-reference
//!   b.2 "Ratio to target");
//! * **progress form** (规划目标完成进度, methods-reference b.6): P = (x_t − x₀)/(T − x₀).
//!
//! Kinds change what x is: the running sum of yearly flows for cumulative targets, the
//! compound annual growth rate for growth-rate targets, the latest year for annual
//! targets. Every edge case is listed on the function that handles it and in
//! `docs/monitoring.md`.

use serde::{Deserialize, Serialize};

use super::spec::{
    AchievementForm, AnnualMissing, BaselinePolicy, GrowthInput, MonitorSpec, ZeroTarget,
};
use crate::error::{Error, Result};
use crate::model::{Indicator, Kind, Polarity, Reference, Relation, RelativeBasis, TargetForm};

/// The outcome of the ratio form for one value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RatioForm {
    /// x/T or T/x, uncapped; `None` when undefined (zero/negative denominators).
    pub uncapped: Option<f64>,
    /// The ratio clamped to [0, 1]; defined for more cases than `uncapped` (see
    /// [`ratio_form`]).
    pub capped: Option<f64>,
}

/// Ratio form of achievement (NBS 2008 小康 monitoring, 正指标 x/T, 逆指标 T/x).
///
/// `higher` selects the polarity. Rules, with the edge cases:
/// * higher is better, T > 0: a = x/T (negative x gives a negative uncapped value and a
///   capped 0); T ≤ 0: undefined (`None`, `None`) — use the progress form.
/// * lower is better, T > 0, x > 0: a = T/x; T > 0, x ≤ 0: the target is met, uncapped
///   undefined, capped 1; T = 0 ("清零", zero accidents): capped 1 if x ≤ 0 else 0,
///   uncapped undefined (methods-reference b.2: "T = 0 gives 0 whenever x > 0");
///   T < 0: undefined.
/// * NaN x or T: both `None`.
pub fn ratio_form(x: f64, target: f64, higher: bool) -> RatioForm {
    let none = RatioForm {
        uncapped: None,
        capped: None,
    };
    if x.is_nan() || target.is_nan() {
        return none;
    }
    if higher {
        if target > 0.0 {
            // `+ 0.0`: a value of −0 gives 0, not −0 (no "-0.0%" in a report)
            let r = x / target + 0.0;
            RatioForm {
                uncapped: Some(r),
                capped: Some(r.clamp(0.0, 1.0)),
            }
        } else {
            none
        }
    } else if target > 0.0 {
        if x > 0.0 {
            let r = target / x;
            RatioForm {
                uncapped: Some(r),
                capped: Some(r.min(1.0)),
            }
        } else {
            RatioForm {
                uncapped: None,
                capped: Some(1.0),
            }
        }
    } else if target == 0.0 {
        RatioForm {
            uncapped: None,
            capped: Some(if x <= 0.0 { 1.0 } else { 0.0 }),
        }
    } else {
        none
    }
}

/// Whether `x` meets target `t` (x ≥ T when higher is better, x ≤ T when lower is better).
///
/// The plan's strict wordings ("小于26") are read as ≤ at the published precision.
pub fn meets(x: f64, target: f64, higher: bool) -> bool {
    if higher {
        x >= target
    } else {
        x <= target
    }
}

/// The case the progress form falls into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressCase {
    /// T − x₀ points in the good direction: P = (x − x₀)/(T − x₀) is defined.
    Regular,
    /// T = x₀: the plan asks to hold the baseline; P is undefined, the score is 1 when met
    /// and 0 otherwise.
    TargetEqualsBaseline,
    /// The baseline is already beyond the target (equivalently, the target lies on the
    /// wrong side of the baseline for the polarity: a maintenance target). P is undefined;
    /// the score is 1 while the target is met and the capped ratio form (or 0) otherwise.
    BaselineBeyondTarget,
}

/// Progress form P = (x − x₀)/(T − x₀) (methods-reference b.6) with its case.
///
/// Returns `(case, uncapped P, capped score in [0, 1])`. In the regular case a value that
/// moved away from the target (the wrong side of the baseline) gives a negative P, kept
/// uncapped and clamped to 0 in the score; P ≥ 1 exactly when the target is met. The
/// formula works for lower-is-better because numerator and denominator change sign
/// together. `ratio_capped` is the fallback of the baseline-beyond-target case.
pub fn progress_form(
    x: f64,
    baseline: f64,
    target: f64,
    higher: bool,
    ratio_capped: Option<f64>,
) -> (ProgressCase, Option<f64>, Option<f64>) {
    if x.is_nan() || baseline.is_nan() || target.is_nan() {
        return (ProgressCase::Regular, None, None);
    }
    let gap = target - baseline;
    let d = if higher { 1.0 } else { -1.0 };
    let met = meets(x, target, higher);
    if gap == 0.0 {
        (
            ProgressCase::TargetEqualsBaseline,
            None,
            Some(if met { 1.0 } else { 0.0 }),
        )
    } else if d * gap < 0.0 {
        let s = if met {
            1.0
        } else {
            ratio_capped.unwrap_or(0.0)
        };
        (ProgressCase::BaselineBeyondTarget, None, Some(s))
    } else {
        // `+ 0.0`: at the baseline of a lower-is-better target, 0/(T − x₀) is −0, which
        // would be published as "-0.0%"; the sum is 0 (IEEE 754 §6.3) and any other P
        // unchanged
        let p = (x - baseline) / gap + 0.0;
        (ProgressCase::Regular, Some(p), Some(p.clamp(0.0, 1.0)))
    }
}

/// Interval (适度) achievement with tolerance bounds: the same score the composite engine
/// uses for interval indicators (see [`crate::method::normalise::interval_score`]).
pub use crate::method::normalise::interval_score;

/// Compound annual growth rate as a fraction: (x_t/x₀)^{1/years} − 1.
///
/// Errors ([`Error::InvalidValue`]) for x₀ ≤ 0 or x_t ≤ 0 (the exponential model needs
/// positive levels) and [`Error::InvalidArgument`] for `years ≤ 0`; NaN input gives
/// [`Error::MissingValue`].
pub fn cagr(x0: f64, xt: f64, years: f64) -> Result<f64> {
    if x0.is_nan() || xt.is_nan() {
        return Err(Error::MissingValue {
            context: "compound annual growth".into(),
            reason: "needs both end values".into(),
        });
    }
    if years <= 0.0 || years.is_nan() {
        return Err(Error::invalid_argument(
            "years",
            format!("{years} must be positive"),
        ));
    }
    for v in [x0, xt] {
        if v <= 0.0 {
            return Err(Error::invalid_value(
                "compound annual growth",
                v,
                "(levels must be positive)",
            ));
        }
    }
    Ok((xt / x0).powf(1.0 / years) - 1.0)
}

/// The elapsed share of the plan period, E_t = (t − t₀)/(T − t₀) ("时间过半", 2023 of
/// 2020→2025 gives 0.6); clamped to [0, 1].
pub fn elapsed_share(year: i32, base_year: i32, target_year: i32) -> f64 {
    if target_year <= base_year {
        return 1.0;
    }
    (f64::from(year - base_year) / f64::from(target_year - base_year)).clamp(0.0, 1.0)
}

/// The stretch target (力争) reported beside the main one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StretchAchievement {
    /// The stretch target.
    pub target: f64,
    /// Ratio form against the stretch target, uncapped.
    pub ratio: Option<f64>,
    /// Capped ratio.
    pub ratio_capped: Option<f64>,
    /// Whether the stretch target is met.
    pub met: bool,
}

/// A milestone (interim target) of the record's year, checked against the measured value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct InterimCheck {
    /// The milestone value.
    pub value: f64,
    /// Ratio form against the milestone, uncapped.
    pub ratio: Option<f64>,
    /// Whether the milestone is met.
    pub met: bool,
}

/// A relative target evaluated against its reference series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RelativeAchievement {
    /// The relation required.
    pub relation: Relation,
    /// The compared value of the indicator (its year-on-year growth in % for growth-rate
    /// indicators held as levels, else the panel value).
    pub value: f64,
    /// The reference value (same transformation), before the margin.
    pub reference: f64,
    /// The margin added to the reference.
    pub margin: f64,
    /// value − (reference + margin): positive = above.
    pub gap: f64,
    /// Same-year values or period-average growth.
    pub basis: RelativeBasis,
    /// Whether the relation holds.
    pub met: bool,
}

/// Achievement of one indicator, one unit, one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorAchievement {
    /// Indicator id.
    pub indicator: String,
    /// Unit id.
    pub unit: String,
    /// The year.
    pub year: i32,
    /// Indicator kind.
    pub kind: Kind,
    /// Indicator polarity.
    pub polarity: Polarity,
    /// The panel value in that year.
    pub observed: Option<f64>,
    /// The quantity compared with the target: the level, the running sum (cumulative),
    /// the CAGR in % (growth rate), the latest observed value (annual).
    pub measured: Option<f64>,
    /// Baseline value of the measured quantity's series (`None` for cumulative: the sum
    /// starts at 0).
    pub baseline: Option<f64>,
    /// The year the baseline comes from (differs from the base year after a fallback).
    pub baseline_year: Option<i32>,
    /// The numeric target the record is scored against (for a
    /// [`TargetForm::BaselineMultiple`] target: k·x₀, or the point of the compound path to
    /// a later horizon at the target year).
    pub target: Option<f64>,
    /// A multiple-of-baseline target: the multiple, its horizon and k·x₀.
    pub horizon: Option<HorizonTarget>,
    /// An "about" target: the band [T − tolerance, T + tolerance] inside which it is met.
    pub band: Option<[f64; 2]>,
    /// The target year.
    pub target_year: i32,
    /// Elapsed share of the plan period at `year`.
    pub elapsed_share: f64,
    /// Ratio form, uncapped.
    pub ratio: Option<f64>,
    /// Ratio form capped to [0, 1].
    pub ratio_capped: Option<f64>,
    /// Progress form, uncapped.
    pub progress: Option<f64>,
    /// The progress case.
    pub progress_case: Option<ProgressCase>,
    /// Headline score in [0, 1] (selected by the spec's form), used for aggregation.
    pub score: Option<f64>,
    /// Whether the target is met (for annual targets: met in every observed year so far).
    pub met: Option<bool>,
    /// Cumulative: the pro-rata path value T·E_t.
    pub pro_rata_target: Option<f64>,
    /// Cumulative: running sum against the pro-rata path (ratio form).
    pub pro_rata_ratio: Option<f64>,
    /// Annual: years met so far.
    pub years_met: Option<usize>,
    /// Annual: years observed so far.
    pub years_observed: Option<usize>,
    /// Annual: share of observed years met.
    pub share_years_met: Option<f64>,
    /// Stretch target result.
    pub stretch: Option<StretchAchievement>,
    /// The interim target (milestone) of this year, if the framework has one.
    pub interim: Option<InterimCheck>,
    /// Relative target result.
    pub relative: Option<RelativeAchievement>,
    /// The plan words the target as an aspiration (力争, 左右).
    pub aspirational: bool,
    /// Edge cases met on the way, in words.
    pub notes: Vec<String>,
    /// Survey-based target with sampling error (indicators listed in
    /// [`MonitorSpec::sampling_errors`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<super::satisfaction::SurveyAssessment>,
}

/// The numbers of one achievement record while monitoring computes it: an
/// [`IndicatorAchievement`] without its ids and notes (which monitoring keeps once, in
/// its [`super::table::AchievementTable`]). No allocation per record (the boxed survey
/// assessment aside, which only survey indicators have).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Draft {
    pub(crate) year: i32,
    pub(crate) kind: Kind,
    pub(crate) polarity: Polarity,
    /// The headline numbers (the achievement table's dense columns).
    pub(crate) h: Headline,
    pub(crate) baseline: Option<f64>,
    pub(crate) baseline_year: Option<i32>,
    pub(crate) target: Option<f64>,
    pub(crate) horizon: Option<HorizonTarget>,
    pub(crate) band: Option<[f64; 2]>,
    pub(crate) target_year: i32,
    pub(crate) elapsed_share: f64,
    pub(crate) pro_rata_target: Option<f64>,
    pub(crate) pro_rata_ratio: Option<f64>,
    pub(crate) years_met: Option<usize>,
    pub(crate) years_observed: Option<usize>,
    pub(crate) share_years_met: Option<f64>,
    pub(crate) stretch: Option<StretchAchievement>,
    pub(crate) interim: Option<InterimCheck>,
    pub(crate) relative: Option<RelativeAchievement>,
    pub(crate) aspirational: bool,
    /// Boxed: only indicators with a sampling-error series have one, and inline it was
    /// 184 of the record's 640 bytes (every record of a national-scale run moves through
    /// the first-level cache).
    pub(crate) survey: Option<Box<super::satisfaction::SurveyAssessment>>,
}

impl Draft {
    /// The numbers of a record.
    pub(crate) fn of(a: &IndicatorAchievement) -> Draft {
        Draft {
            year: a.year,
            kind: a.kind,
            polarity: a.polarity,
            h: Headline {
                observed: a.observed,
                measured: a.measured,
                ratio: a.ratio,
                ratio_capped: a.ratio_capped,
                progress: a.progress,
                progress_case: a.progress_case,
                score: a.score,
                met: a.met,
            },
            baseline: a.baseline,
            baseline_year: a.baseline_year,
            target: a.target,
            horizon: a.horizon,
            band: a.band,
            target_year: a.target_year,
            elapsed_share: a.elapsed_share,
            pro_rata_target: a.pro_rata_target,
            pro_rata_ratio: a.pro_rata_ratio,
            years_met: a.years_met,
            years_observed: a.years_observed,
            share_years_met: a.share_years_met,
            stretch: a.stretch,
            interim: a.interim,
            relative: a.relative,
            aspirational: a.aspirational,
            survey: a.survey.map(Box::new),
        }
    }

    /// The record of these numbers with its ids and notes.
    pub(crate) fn record(
        &self,
        indicator: String,
        unit: String,
        notes: Vec<String>,
    ) -> IndicatorAchievement {
        IndicatorAchievement {
            indicator,
            unit,
            year: self.year,
            kind: self.kind,
            polarity: self.polarity,
            observed: self.h.observed,
            measured: self.h.measured,
            baseline: self.baseline,
            baseline_year: self.baseline_year,
            target: self.target,
            horizon: self.horizon,
            band: self.band,
            target_year: self.target_year,
            elapsed_share: self.elapsed_share,
            ratio: self.h.ratio,
            ratio_capped: self.h.ratio_capped,
            progress: self.h.progress,
            progress_case: self.h.progress_case,
            score: self.h.score,
            met: self.h.met,
            pro_rata_target: self.pro_rata_target,
            pro_rata_ratio: self.pro_rata_ratio,
            years_met: self.years_met,
            years_observed: self.years_observed,
            share_years_met: self.share_years_met,
            stretch: self.stretch,
            interim: self.interim,
            relative: self.relative,
            aspirational: self.aspirational,
            notes,
            survey: self.survey.as_deref().copied(),
        }
    }
}

impl Draft {
    /// The record of `point` (its year and value x) before any rule: the indicator's
    /// facts, the observed value, the baseline, the `targets` (the target and a multiple
    /// of the baseline's horizon) and the elapsed share of the `span` (base year, target
    /// year).
    pub(crate) fn blank(
        indicator: &Indicator,
        point: (i32, f64),
        baseline: Option<Baseline>,
        targets: (Option<f64>, Option<HorizonTarget>),
        span: (i32, i32),
    ) -> Draft {
        let (year, x) = point;
        let (base_year, target_year) = span;
        Draft {
            year,
            kind: indicator.kind,
            polarity: indicator.polarity,
            h: Headline {
                observed: finite(x),
                ..Headline::default()
            },
            baseline: baseline.map(|b| b.value),
            baseline_year: baseline.map(|b| b.year),
            target: targets.0,
            horizon: targets.1,
            band: None,
            target_year,
            elapsed_share: elapsed_share(year, base_year, target_year),
            pro_rata_target: None,
            pro_rata_ratio: None,
            years_met: None,
            years_observed: None,
            share_years_met: None,
            stretch: None,
            interim: None,
            relative: None,
            aspirational: indicator.aspirational,
            survey: None,
        }
    }
}

/// The headline numbers of one record — the achievement table's dense columns: what
/// the level rule ([`level_numbers`]) and the headline score ([`headline_score`]) write,
/// for a [`Draft`] or straight into the table ([`super::plain`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Headline {
    pub(crate) observed: Option<f64>,
    pub(crate) measured: Option<f64>,
    pub(crate) ratio: Option<f64>,
    pub(crate) ratio_capped: Option<f64>,
    pub(crate) progress: Option<f64>,
    pub(crate) progress_case: Option<ProgressCase>,
    pub(crate) score: Option<f64>,
    pub(crate) met: Option<bool>,
}

/// What a note depends on: equal keys give equal texts, so a sink that has seen a key
/// need not format the note again (monitoring writes 1.45 million notes at national
/// scale, with a few thousand distinct texts). The first word says which note it is.
pub(crate) type NoteKey = (u64, u64, u64, u64);

/// Where the achievement rules write their notes, record by record (see
/// [`super::table::TableBuilder`], which keeps them as codes, and [`StringNotes`]).
pub(crate) trait NoteSink {
    /// The following notes belong to the `k`-th record of the series.
    fn record(&mut self, k: usize);
    /// A note of fixed text.
    fn fixed(&mut self, text: &'static str);
    /// A note formatted by `make`, whose text depends only on `key`.
    fn keyed(&mut self, key: NoteKey, make: impl FnOnce() -> String);
    /// A formatted note.
    fn owned(&mut self, text: String);
}

/// The note kinds of [`NoteKey`]s.
pub(crate) mod note_key {
    pub(crate) const NO_OBSERVATION: u64 = 1;
    pub(crate) const TARGET_EQUALS_BASELINE: u64 = 2;
    pub(crate) const BASELINE_BEYOND_TARGET: u64 = 3;
    pub(crate) const BEFORE_BASELINE: u64 = 4;
    pub(crate) const OVERSHOT_FROM_BELOW: u64 = 5;
    pub(crate) const OVERSHOT_FROM_ABOVE: u64 = 6;
    pub(crate) const INSIDE_BAND: u64 = 7;
    pub(crate) const RATIO_UNDEFINED: u64 = 8;
    pub(crate) const PRO_RATA: u64 = 9;
    pub(crate) const GROWTH_UNDEFINED: u64 = 10;
    pub(crate) const ANNUAL_NO_DATA: u64 = 11;
    pub(crate) const ANNUAL_CARRIED: u64 = 12;
    pub(crate) const RELATIVE_NOT_ASSESSED: u64 = 13;
}

/// The notes as strings, one list per record (the record form).
#[derive(Debug, Default)]
pub(crate) struct StringNotes {
    cur: usize,
    pub(crate) notes: Vec<Vec<String>>,
}

impl StringNotes {
    fn slot(&mut self) -> &mut Vec<String> {
        if self.notes.len() <= self.cur {
            self.notes.resize_with(self.cur + 1, Vec::new);
        }
        &mut self.notes[self.cur]
    }
}

impl NoteSink for StringNotes {
    fn record(&mut self, k: usize) {
        self.cur = k;
    }
    fn fixed(&mut self, text: &'static str) {
        self.slot().push(text.to_string());
    }
    fn keyed(&mut self, _key: NoteKey, make: impl FnOnce() -> String) {
        let t = make();
        self.slot().push(t);
    }
    fn owned(&mut self, text: String) {
        self.slot().push(text);
    }
}

/// A target stated as a multiple of the unit's baseline ([`TargetForm::BaselineMultiple`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HorizonTarget {
    /// The multiple k.
    pub multiple: f64,
    /// The year the multiple is for.
    pub year: i32,
    /// k·x₀, the value due at the horizon.
    pub value: f64,
}

/// The target of a [`TargetForm::BaselineMultiple`] indicator for a unit with baseline
/// `x0` (year `t0`): `x0·k^{(t_T − t0)/(H − t0)}` where t_T is the indicator's target year
/// and H its horizon (the compound path from the baseline to k·x₀ at H, read at t_T; equal
/// to k·x₀ when H = t_T). 居民收入十年倍增 from 2020 (H = 2030) read at 2025: x₀·2^{1/2}.
/// `None` for a baseline ≤ 0 or NaN, or H ≤ t0.
pub fn baseline_multiple_target(
    x0: f64,
    t0: i32,
    multiple: f64,
    target_year: i32,
    horizon_year: i32,
) -> Option<f64> {
    if x0.is_nan() || x0 <= 0.0 || horizon_year <= t0 {
        return None;
    }
    let share = f64::from(target_year - t0) / f64::from(horizon_year - t0);
    Some(x0 * multiple.powf(share.min(1.0)))
}

/// The resolved baseline of a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// Year of the baseline.
    pub year: i32,
    /// Value.
    pub value: f64,
    /// Whether it came from a fallback (first observed year or the framework's baseline).
    pub fallback: bool,
}

/// Resolves the baseline of one series (values aligned with ascending `periods`).
///
/// The base-year panel value if present; otherwise per [`BaselinePolicy`]: the
/// framework's stated baseline (`framework_baseline`, dated at the base year), then the
/// first observed year after the base year, each with a warning pushed to `warnings`; or
/// [`Error::MissingValue`] naming unit and indicator. `Ok(None)` when the series has no
/// observation at or after the base year (and the policy allows it).
#[allow(clippy::too_many_arguments)]
pub fn resolve_baseline(
    indicator: &str,
    unit: &str,
    periods: &[i32],
    values: &[f64],
    base_year: i32,
    framework_baseline: Option<f64>,
    policy: BaselinePolicy,
    warnings: &mut Vec<String>,
) -> Result<Option<Baseline>> {
    if let Some(p) = periods.iter().position(|&y| y == base_year) {
        if !values[p].is_nan() {
            return Ok(Some(Baseline {
                year: base_year,
                value: values[p],
                fallback: false,
            }));
        }
    }
    match policy {
        BaselinePolicy::Error => Err(Error::MissingValue {
            context: format!("unit `{unit}`, indicator `{indicator}`, base year {base_year}"),
            reason: "and the spec's baseline_policy is `error`".into(),
        }),
        BaselinePolicy::FrameworkThenFirstObserved if framework_baseline.is_some() => {
            let v = framework_baseline.unwrap_or(f64::NAN);
            warnings.push(format!(
                "unit `{unit}`, indicator `{indicator}`: base year {base_year} missing in the panel; using the framework's baseline {v}"
            ));
            Ok(Some(Baseline {
                year: base_year,
                value: v,
                fallback: true,
            }))
        }
        _ => {
            let first = periods
                .iter()
                .zip(values)
                .find(|(&y, v)| y > base_year && !v.is_nan());
            match first {
                Some((&y, &v)) => {
                    warnings.push(format!(
                        "unit `{unit}`, indicator `{indicator}`: base year {base_year} missing; using the first observed year {y} (value {v}) as baseline"
                    ));
                    Ok(Some(Baseline {
                        year: y,
                        value: v,
                        fallback: true,
                    }))
                }
                None => Ok(None),
            }
        }
    }
}

/// Everything [`achieve_series`] needs about one unit × indicator.
#[derive(Debug, Clone, Copy)]
pub struct SeriesInput<'a> {
    /// Unit id (for messages and records).
    pub unit: &'a str,
    /// Periods, strictly ascending (anything else is refused with an error naming the
    /// unit, the indicator and the first pair out of order).
    pub periods: &'a [i32],
    /// The unit's values of the indicator, aligned with `periods` (NaN = missing).
    pub values: &'a [f64],
    /// The relative target's reference series (raw, aligned with `periods`), if any.
    pub reference: Option<&'a [f64]>,
    /// The plan's base year.
    pub base_year: i32,
    /// The framework's target year (used when the indicator has none of its own).
    pub framework_target_year: i32,
}

fn year_on_year_growth(periods: &[i32], values: &[f64], k: usize) -> f64 {
    if k == 0 || periods[k] - periods[k - 1] != 1 {
        return f64::NAN;
    }
    let (a, b) = (values[k - 1], values[k]);
    if a > 0.0 && b > 0.0 {
        100.0 * (b / a - 1.0)
    } else {
        f64::NAN
    }
}

/// Achievement of one indicator for one unit, one record per period from the base year on.
///
/// Rules by kind (x = the panel value, x₀ = baseline, T = target, E_t = elapsed share):
/// * level, share, count, coverage (and binary polarity, read as higher-is-better with
///   met = x ≥ T): ratio and progress forms of x_t;
/// * interval polarity: [`interval_score`] for every form, met = inside the band;
/// * cumulative: S_t = Σ flows of the years after the base year up to t (all required:
///   a missing flow leaves S_t and later sums undefined); ratio S_t/T (= progress, the
///   sum starts at 0), pro-rata path T·E_t and S_t/(T·E_t);
/// * annual: each year after the base year is met or not; `share_years_met` and `met` =
///   every observed year so far met; year t's own value gives measured, ratio and
///   progress — a year with no observation has no score (published as "no data") unless
///   the spec's [`AnnualMissing::CarryForward`] carries the latest earlier observation
///   forward, with a note and a warning;
/// * growth rate: CAGR in % from the baseline level (or the geometric mean of annual
///   rates, per [`GrowthInput`]), ratio = CAGR/T (T > 0), progress = ratio, met =
///   CAGR ≥ T;
/// * relative target: compared with the reference series in the same year (for growth
///   indicators held as levels, both series as year-on-year growth in %); when the
///   indicator has no numeric target the score is 1 if the relation holds, else 0.
///
/// The headline `score` is the capped ratio form or the capped progress form per
/// [`MonitorSpec::form`]; when the ratio form is undefined (target ≤ 0) the capped
/// progress form is used, with a note.
pub fn achieve_series(
    indicator: &Indicator,
    input: SeriesInput<'_>,
    spec: &MonitorSpec,
    warnings: &mut Vec<String>,
) -> Result<Vec<IndicatorAchievement>> {
    let mut drafts = Vec::with_capacity(input.periods.len());
    let mut notes = StringNotes::default();
    achieve_series_into(indicator, input, spec, warnings, &mut drafts, &mut notes)?;
    notes.notes.resize_with(drafts.len(), Vec::new);
    Ok(drafts
        .iter()
        .zip(notes.notes)
        .map(|(d, n)| d.record(indicator.id.clone(), input.unit.to_string(), n))
        .collect())
}

/// [`achieve_series`] into a reused buffer of [`Draft`]s (cleared first), the notes
/// written to `notes` (no allocation per record): monitoring keeps the ids and the notes
/// once, in its [`super::table::AchievementTable`].
pub(crate) fn achieve_series_into<N: NoteSink>(
    indicator: &Indicator,
    input: SeriesInput<'_>,
    spec: &MonitorSpec,
    warnings: &mut Vec<String>,
    out: &mut Vec<Draft>,
    notes: &mut N,
) -> Result<()> {
    out.clear();
    let SeriesInput {
        unit,
        periods,
        values,
        reference,
        base_year,
        framework_target_year,
    } = input;
    check_series_input(indicator, &input)?;
    let target_year = indicator.target_year_or(framework_target_year);
    let higher = !matches!(indicator.polarity, Polarity::LowerIsBetter);
    let growth_level =
        indicator.kind == Kind::GrowthRate && spec.growth_input == GrowthInput::Level;
    let needs_baseline = match indicator.kind {
        Kind::Cumulative => false,
        Kind::GrowthRate => spec.growth_input == GrowthInput::Level,
        _ => true,
    };
    let baseline = if needs_baseline {
        resolve_baseline(
            &indicator.id,
            unit,
            periods,
            values,
            base_year,
            indicator.baseline,
            spec.baseline_policy,
            warnings,
        )?
    } else {
        None
    };
    let (target, horizon) = match indicator.target_form {
        TargetForm::BaselineMultiple {
            multiple,
            horizon_year,
        } => {
            let h = horizon_year.unwrap_or(target_year);
            let t = baseline
                .and_then(|b| baseline_multiple_target(b.value, b.year, multiple, target_year, h));
            (
                t,
                baseline.filter(|b| b.value > 0.0).map(|b| HorizonTarget {
                    multiple,
                    year: h,
                    value: multiple * b.value,
                }),
            )
        }
        TargetForm::Threshold | TargetForm::About { .. } => (indicator.target, None),
    };
    // the state the running rules carry from record to record, kept only where a rule
    // reads it: a cumulative, annual or growth indicator, or a relative target on the
    // period-average basis (its own series and its reference series)
    let period_avg = indicator
        .relative_target
        .as_ref()
        .is_some_and(|r| r.basis == RelativeBasis::PeriodAverage);
    let tracked = period_avg
        || matches!(
            indicator.kind,
            Kind::Cumulative | Kind::Annual | Kind::GrowthRate
        );
    if tracked {
        if let Some(&last) = periods.last() {
            let span = i64::from(last) - i64::from(base_year);
            if span > MAX_RUNNING_SPAN {
                return Err(Error::invalid_argument(
                    format!("unit `{unit}`, indicator `{}`: periods", indicator.id),
                    format!(
                        "the last period {last} is {span} years after the base year {base_year}: a running sum, count or average growth walks every year, and more than {MAX_RUNNING_SPAN} are refused (is the period a code such as 202101 rather than a year?)"
                    ),
                ));
            }
        }
    }
    let mut run = YearRun::new(base_year, target, higher);
    let mut ref_run = YearRun::new(base_year, None, higher);
    let base_pos = periods.iter().position(|&p| p == base_year);
    for (k, &year) in periods.iter().enumerate() {
        if year < base_year {
            continue;
        }
        let x = values[k];
        if tracked {
            run.advance(periods, values, k);
            if let (true, Some(r)) = (period_avg, reference) {
                ref_run.advance(periods, r, k);
            }
        }
        notes.record(out.len());
        out.push(Draft::blank(
            indicator,
            (year, x),
            baseline,
            (target, horizon),
            (base_year, target_year),
        ));
        let rec = out.last_mut().expect("just pushed");
        if let Polarity::Interval {
            lower,
            upper,
            tolerance_lower,
            tolerance_upper,
        } = indicator.polarity
        {
            if !x.is_nan() {
                let a = interval_score(x, lower, upper, tolerance_lower, tolerance_upper);
                rec.h.measured = Some(x);
                rec.h.ratio = Some(a);
                rec.h.ratio_capped = Some(a);
                rec.h.progress = Some(a);
                rec.h.score = Some(a);
                rec.h.met = Some(x >= lower && x <= upper);
            } else {
                no_observation(notes, year);
            }
            continue;
        }
        match indicator.kind {
            Kind::Cumulative => cumulative(rec, notes, &run, higher),
            Kind::Annual => {
                annual(rec, notes, &run, baseline, higher);
                if let Some(from) = carried_from(rec, values, k, &run) {
                    match spec.annual_missing {
                        AnnualMissing::NoData => {
                            rec.h.measured = None;
                            rec.h.ratio = None;
                            rec.h.ratio_capped = None;
                            rec.h.progress = None;
                            rec.h.progress_case = None;
                            rec.h.met = None;
                            let key = (note_key::ANNUAL_NO_DATA, year as u64, from as u64, 0);
                            notes.keyed(key, || format!(
                                "annual target: no data in {year} (not carried forward; the latest observation is {from})"
                            ));
                        }
                        AnnualMissing::CarryForward => {
                            let key = (note_key::ANNUAL_CARRIED, year as u64, from as u64, 0);
                            notes.keyed(key, || format!(
                                "annual target: value of {from} carried forward to {year} (spec annual_missing = carry_forward)"
                            ));
                            warnings.push(format!(
                                "unit `{unit}`, indicator `{}`: {year} missing; the {from} value is carried forward (annual_missing = carry_forward)",
                                indicator.id
                            ));
                        }
                    }
                }
            }
            Kind::GrowthRate => growth(rec, notes, x, &run, baseline, spec),
            Kind::Level | Kind::Share | Kind::Count | Kind::Coverage => {
                match indicator.target_form {
                    TargetForm::About { tolerance } => about(rec, notes, x, baseline, tolerance),
                    TargetForm::Threshold | TargetForm::BaselineMultiple { .. } => {
                        if rec.target.is_none()
                            && matches!(indicator.target_form, TargetForm::BaselineMultiple { .. })
                            && year == base_year
                        {
                            notes.fixed(
                                "multiple-of-baseline target undefined: no positive baseline",
                            );
                        }
                        level(rec, notes, x, baseline, higher)
                    }
                }
            }
        }
        // stretch target
        if let (Some(s), Some(m)) = (indicator.stretch_target, rec.h.measured) {
            let rf = ratio_form(m, s, higher);
            rec.stretch = Some(StretchAchievement {
                target: s,
                ratio: rf.uncapped,
                ratio_capped: rf.capped,
                met: meets(m, s, higher),
            });
        }
        // interim target (milestone) of this year
        if let (Some(m), Some(it)) = (
            rec.h.measured,
            indicator.interim_targets.iter().find(|t| t.year == year),
        ) {
            rec.interim = Some(InterimCheck {
                value: it.value,
                ratio: ratio_form(m, it.value, higher).uncapped,
                met: meets(m, it.value, higher),
            });
        }
        // relative target
        if let Some(rel) = &indicator.relative_target {
            let transform = |series: &[f64], kk: usize| -> f64 {
                if growth_level {
                    year_on_year_growth(periods, series, kk)
                } else {
                    series[kk]
                }
            };
            let own = if period_avg {
                run.period_average_growth(values, k, base_pos, spec.growth_input)
            } else {
                transform(values, k)
            };
            let refv = match &rel.reference {
                Reference::Series { .. } if period_avg => reference.map_or(f64::NAN, |r| {
                    ref_run.period_average_growth(r, k, base_pos, spec.growth_input)
                }),
                Reference::PreviousYear => {
                    if k > 0 && periods[k] - periods[k - 1] == 1 {
                        transform(values, k - 1)
                    } else {
                        f64::NAN
                    }
                }
                Reference::Series { .. } => reference.map_or(f64::NAN, |r| transform(r, k)),
            };
            if indicator.target.is_none() {
                // the relative target alone decides: the figure judged is the compared
                // value (the year's own on the `same_year` basis, set below), and none in
                // a year it is not assessed — never the kind's usual figure (an average
                // growth since the base year) in some years and the year's value in others
                rec.h.measured = None;
            }
            if own.is_nan() || refv.is_nan() {
                if year > base_year {
                    notes.keyed((note_key::RELATIVE_NOT_ASSESSED, year as u64, 0, 0), || {
                        format!(
                            "relative target not assessed in {year}: value or reference missing"
                        )
                    });
                }
            } else {
                let met = rel.relation.holds(own, refv, rel.margin);
                rec.relative = Some(RelativeAchievement {
                    relation: rel.relation,
                    value: own,
                    reference: refv,
                    margin: rel.margin,
                    gap: own - (refv + rel.margin),
                    basis: rel.basis,
                    met,
                });
                if indicator.target.is_none() {
                    rec.h.measured = Some(own);
                    rec.h.met = Some(met);
                    rec.h.score = Some(if met { 1.0 } else { 0.0 });
                }
            }
        }
        if rec.target.is_some() && rec.h.score.is_none() {
            headline(rec, notes, spec.form, spec.zero_target);
        }
        if rec.h.observed.is_none() {
            no_observation(notes, year);
        }
    }
    Ok(())
}

/// The checks of a series' input, in this order (the first failure is the error): the
/// values and the reference series as long as the periods, the periods strictly
/// ascending, no infinite value.
pub(crate) fn check_series_input(indicator: &Indicator, input: &SeriesInput<'_>) -> Result<()> {
    let SeriesInput {
        unit,
        periods,
        values,
        reference,
        ..
    } = *input;
    if values.len() != periods.len() {
        return Err(Error::length_mismatch(
            format!(
                "unit `{unit}`, indicator `{}`: values vs periods",
                indicator.id
            ),
            periods.len(),
            values.len(),
        ));
    }
    if let Some(r) = reference {
        if r.len() != periods.len() {
            return Err(Error::length_mismatch(
                format!(
                    "unit `{unit}`, indicator `{}`: reference series vs periods",
                    indicator.id
                ),
                periods.len(),
                r.len(),
            ));
        }
    }
    if let Some(w) = periods.windows(2).find(|w| w[0] >= w[1]) {
        return Err(Error::invalid_argument(
            format!("unit `{unit}`, indicator `{}`: periods", indicator.id),
            format!(
                "periods must be strictly ascending (unique years in order); {} is followed by {}",
                w[0], w[1]
            ),
        ));
    }
    if let Some(v) = values.iter().find(|v| v.is_infinite()) {
        return Err(Error::invalid_value(
            format!("unit `{unit}`, indicator `{}`", indicator.id),
            *v,
            "(infinite values are rejected; use NaN for missing)",
        ));
    }
    Ok(())
}

/// The compound average growth in % of `n` years whose growth factors multiply to
/// `prod`: 100·(prod^{1/n} − 1); `None` when `prod` ≤ 0 (a yearly rate ≤ −100 %).
fn growth_of_product(prod: f64, n: f64) -> Option<f64> {
    (prod > 0.0).then(|| 100.0 * (prod.powf(1.0 / n) - 1.0))
}

/// The most years after the base year a running rule (a cumulative sum, an annual count,
/// an average growth from yearly rates) walks year by year: a series whose
/// last period lies further is refused (a period code such as 202101 read as a year would
/// otherwise walk, and list as missing, two hundred thousand years).
pub const MAX_RUNNING_SPAN: i64 = 1000;

/// What the rules of one series read from the periods before a record — the running sum
/// of a cumulative indicator's flows, the product of yearly growth factors, the years
/// with no value, an annual target's counts and latest observation — carried from one
/// record to the next as the records are built in ascending years. Each period and each
/// year of the plan period is visited once per series (a search of all periods per
/// record made a series of n periods O(n²)–O(n³)); the sums and products are formed in
/// the same order as the definitions, so every number is the same to the bit.
#[derive(Debug)]
struct YearRun {
    base_year: i32,
    /// The current record's year.
    year: i32,
    /// The first year after the base year not yet folded in.
    next_year: i64,
    /// The first period not yet reached by the year walk.
    pos: usize,
    /// The first period not yet counted by the annual walk.
    next_k: usize,
    /// Σ x_j over the years after the base year so far (0 before any).
    sum: f64,
    /// Π (1 + x_j/100) over the same years.
    prod: f64,
    /// The years after the base year so far with no period or a missing value, ascending.
    missing: Vec<i32>,
    /// The series' target and direction (an annual target's yearly met count).
    target: Option<f64>,
    higher: bool,
    /// Periods after the base year up to the record with a value, and how many met.
    observed: usize,
    met: usize,
    /// The latest of those periods and its value.
    latest: Option<(i32, f64)>,
}

impl YearRun {
    fn new(base_year: i32, target: Option<f64>, higher: bool) -> YearRun {
        YearRun {
            base_year,
            year: base_year,
            next_year: i64::from(base_year) + 1,
            pos: 0,
            next_k: 0,
            sum: 0.0,
            prod: 1.0,
            missing: Vec::new(),
            target,
            higher,
            observed: 0,
            met: 0,
            latest: None,
        }
    }

    /// Folds in the periods up to record `k` (`periods` strictly ascending; `k` never
    /// smaller than at the previous call).
    fn advance(&mut self, periods: &[i32], values: &[f64], k: usize) {
        let year = periods[k];
        self.year = year;
        while self.next_year <= i64::from(year) {
            let y = self.next_year as i32;
            while self.pos < periods.len() && periods[self.pos] < y {
                self.pos += 1;
            }
            match self.pos {
                j if j < periods.len() && periods[j] == y && !values[j].is_nan() => {
                    self.sum += values[j];
                    self.prod *= 1.0 + values[j] / 100.0;
                }
                _ => self.missing.push(y),
            }
            self.next_year += 1;
        }
        while self.next_k <= k {
            let (p, x) = (periods[self.next_k], values[self.next_k]);
            if p > self.base_year && !x.is_nan() {
                self.observed += 1;
                if self.target.is_some_and(|t| meets(x, t, self.higher)) {
                    self.met += 1;
                }
                self.latest = Some((p, x));
            }
            self.next_k += 1;
        }
    }

    /// The compound average growth in % from the yearly rates folded in:
    /// 100·((Π(1 + g_j/100))^{1/n} − 1), n = the years since the base year; `None` when
    /// the product is ≤ 0 (a rate ≤ −100 %). The caller checks [`YearRun::missing`].
    fn average_growth(&self) -> Option<f64> {
        growth_of_product(self.prod, f64::from(self.year - self.base_year))
    }

    /// [`period_average_growth`] of the record folded in last (`base_pos`: the base
    /// year's period, found once per series).
    fn period_average_growth(
        &self,
        series: &[f64],
        k: usize,
        base_pos: Option<usize>,
        input: GrowthInput,
    ) -> f64 {
        if self.year <= self.base_year {
            return f64::NAN;
        }
        match input {
            GrowthInput::AnnualRate if self.missing.is_empty() => {
                self.average_growth().unwrap_or(f64::NAN)
            }
            GrowthInput::AnnualRate => f64::NAN,
            GrowthInput::Level => base_pos.map_or(f64::NAN, |b| {
                let n = f64::from(self.year - self.base_year);
                cagr(series[b], series[k], n).map_or(f64::NAN, |g| 100.0 * g)
            }),
        }
    }
}

/// The compound average growth in % over the years after `base_year` up to `periods[k]`
/// (the 年均增幅 of a relative target on the `period_average` basis): from yearly rates,
/// 100·((Π(1 + g_j/100))^{1/n} − 1) with every year required; from levels,
/// 100·((x_t/x_{t₀})^{1/n} − 1) with both ends positive. NaN when undefined.
pub fn period_average_growth(
    periods: &[i32],
    series: &[f64],
    k: usize,
    base_year: i32,
    input: GrowthInput,
) -> f64 {
    let year = periods[k];
    if year <= base_year {
        return f64::NAN;
    }
    let n = f64::from(year - base_year);
    match input {
        GrowthInput::AnnualRate => {
            let mut prod = 1.0;
            for y in (base_year + 1)..=year {
                match periods.iter().position(|&p| p == y) {
                    Some(j) if !series[j].is_nan() => prod *= 1.0 + series[j] / 100.0,
                    _ => return f64::NAN,
                }
            }
            growth_of_product(prod, n).unwrap_or(f64::NAN)
        }
        GrowthInput::Level => {
            let Some(b) = periods.iter().position(|&p| p == base_year) else {
                return f64::NAN;
            };
            cagr(series[b], series[k], n).map_or(f64::NAN, |g| 100.0 * g)
        }
    }
}

/// An "about" target (左右): met inside [T − δ, T + δ]; below the band the ratio and
/// progress forms are those of "at least T − δ", above it those of "at most T + δ". The
/// progress form runs from the baseline to the band edge nearest it; a value that
/// overshoots to the far side of the band has no progress share (the score is the ratio
/// form against the far edge), and a baseline inside the band makes it a maintenance
/// target (1 while inside, else the ratio form).
fn about(rec: &mut Draft, notes: &mut impl NoteSink, x: f64, baseline: Option<Baseline>, tol: f64) {
    let Some(t) = rec.target else { return };
    if x.is_nan() {
        return;
    }
    if let Some(b) = baseline {
        if rec.year < b.year {
            before_baseline(notes, b.year);
            return;
        }
    }
    let (lo, hi) = (t - tol, t + tol);
    rec.band = Some([lo, hi]);
    rec.h.measured = Some(x);
    let inside = x >= lo && x <= hi;
    rec.h.met = Some(inside);
    let rf = if x < lo {
        ratio_form(x, lo, true)
    } else if x > hi {
        ratio_form(x, hi, false)
    } else {
        RatioForm {
            uncapped: Some(1.0),
            capped: Some(1.0),
        }
    };
    rec.h.ratio = rf.uncapped;
    rec.h.ratio_capped = rf.capped;
    let Some(b) = baseline else {
        notes.fixed("no baseline: progress form undefined");
        return;
    };
    let x0 = b.value;
    let band_key = |k: u64| (k, lo.to_bits(), hi.to_bits(), x0.to_bits());
    if x0 < lo {
        if x > hi {
            notes.keyed(band_key(note_key::OVERSHOT_FROM_BELOW), || {
                format!("overshot the band [{lo}, {hi}] from below: scored against its upper edge")
            });
        } else {
            set_progress(rec, notes, x, x0, lo, true);
        }
    } else if x0 > hi {
        if x < lo {
            notes.keyed(band_key(note_key::OVERSHOT_FROM_ABOVE), || {
                format!("overshot the band [{lo}, {hi}] from above: scored against its lower edge")
            });
        } else {
            set_progress(rec, notes, x, x0, hi, false);
        }
    } else {
        rec.h.progress_case = Some(ProgressCase::BaselineBeyondTarget);
        notes.keyed(band_key(note_key::INSIDE_BAND), || {
            format!("baseline {x0} already inside the band [{lo}, {hi}]: score = 1 while inside")
        });
    }
}

pub(crate) fn finite(x: f64) -> Option<f64> {
    if x.is_nan() {
        None
    } else {
        Some(x)
    }
}

fn headline(rec: &mut Draft, notes: &mut impl NoteSink, form: AchievementForm, zero: ZeroTarget) {
    let facts = (rec.target, rec.polarity, rec.kind);
    headline_score(&mut rec.h, notes, facts, form, zero);
}

/// The headline score of a record whose other numbers are set (`facts`: its target,
/// polarity and kind): the capped ratio form or the capped progress form per `form`, the
/// other when the chosen one is undefined (with a note), and for a zero target of a
/// lower-is-better indicator the progress form when the spec's `zero_target` asks for it.
pub(crate) fn headline_score(
    h: &mut Headline,
    notes: &mut impl NoteSink,
    facts: (Option<f64>, Polarity, Kind),
    form: AchievementForm,
    zero: ZeroTarget,
) {
    let (target, polarity, kind) = facts;
    // (`+ 0.0`: a progress of −0 scores 0, never −0, which prints as "-0.0%")
    let progress_score = match h.progress_case {
        Some(_) => h
            .progress
            .map(|p| p.clamp(0.0, 1.0) + 0.0)
            .or(h.progress_score_fallback()),
        None => h.progress.map(|p| p.clamp(0.0, 1.0) + 0.0),
    };
    let zero_target = target == Some(0.0)
        && matches!(polarity, Polarity::LowerIsBetter)
        && !matches!(kind, Kind::GrowthRate);
    if form == AchievementForm::Ratio
        && zero == ZeroTarget::Progress
        && zero_target
        && h.progress_case == Some(ProgressCase::Regular)
    {
        if let Some(p) = progress_score {
            h.score = Some(p);
            notes.fixed(
                "zero target (清零): score = progress form (x₀ − x)/x₀ (spec zero_target = progress)",
            );
            return;
        }
    }
    h.score = match form {
        AchievementForm::Ratio => match h.ratio_capped {
            Some(r) => Some(r),
            None => {
                if progress_score.is_some() {
                    notes.fixed(
                        "ratio form undefined (target ≤ 0 or zero/negative denominator); score uses the progress form",
                    );
                }
                progress_score
            }
        },
        AchievementForm::Progress => progress_score.or(h.ratio_capped),
    };
}

impl Headline {
    fn progress_score_fallback(&self) -> Option<f64> {
        match self.progress_case {
            Some(ProgressCase::TargetEqualsBaseline) => self.met.map(|m| if m { 1.0 } else { 0.0 }),
            Some(ProgressCase::BaselineBeyondTarget) => self.met.map(|m| {
                if m {
                    1.0
                } else {
                    self.ratio_capped.unwrap_or(0.0)
                }
            }),
            _ => None,
        }
    }
}

fn level(
    rec: &mut Draft,
    notes: &mut impl NoteSink,
    x: f64,
    baseline: Option<Baseline>,
    higher: bool,
) {
    let Some(t) = rec.target else { return };
    level_numbers(&mut rec.h, notes, (rec.year, x, t), baseline, higher);
}

/// The level rule of one record (`point`: its year, the value x and the target T): for
/// an observed x from the baseline's year on, measured = x, the ratio form
/// ([`ratio_form`]), met ([`meets`]) and, with a baseline, the progress form
/// ([`progress_form`]); a year before the baseline's year has none of them (with a note).
pub(crate) fn level_numbers(
    h: &mut Headline,
    notes: &mut impl NoteSink,
    point: (i32, f64, f64),
    baseline: Option<Baseline>,
    higher: bool,
) {
    let (year, x, t) = point;
    if x.is_nan() {
        return;
    }
    if let Some(b) = baseline {
        if year < b.year {
            before_baseline(notes, b.year);
            return;
        }
    }
    h.measured = Some(x);
    let rf = ratio_form(x, t, higher);
    h.ratio = rf.uncapped;
    h.ratio_capped = rf.capped;
    h.met = Some(meets(x, t, higher));
    if rf.uncapped.is_none() && rf.capped.is_some() {
        notes.keyed(
            (note_key::RATIO_UNDEFINED, x.to_bits(), t.to_bits(), 0),
            || format!("ratio T/x undefined for x = {x}, T = {t}; capped ratio set by rule"),
        );
    }
    if let Some(b) = baseline {
        let (case, p) = progress_numbers(notes, x, b.value, t, higher, h.ratio_capped);
        h.progress_case = Some(case);
        h.progress = p;
    } else {
        notes.fixed("no baseline: progress form undefined");
    }
}

/// "no observation in <year>" (half of the notes at national scale).
pub(crate) fn no_observation(notes: &mut impl NoteSink, year: i32) {
    notes.keyed((note_key::NO_OBSERVATION, year as u64, 0, 0), || {
        format!("no observation in {year}")
    });
}

/// "before the baseline year <year>".
fn before_baseline(notes: &mut impl NoteSink, year: i32) {
    notes.keyed((note_key::BEFORE_BASELINE, year as u64, 0, 0), || {
        format!("before the baseline year {year}")
    });
}

fn set_progress(rec: &mut Draft, notes: &mut impl NoteSink, x: f64, x0: f64, t: f64, higher: bool) {
    let (case, p) = progress_numbers(notes, x, x0, t, higher, rec.h.ratio_capped);
    rec.h.progress_case = Some(case);
    rec.h.progress = p;
}

/// The progress form's case and uncapped value ([`progress_form`]) with its notes.
#[inline]
fn progress_numbers(
    notes: &mut impl NoteSink,
    x: f64,
    x0: f64,
    t: f64,
    higher: bool,
    ratio_capped: Option<f64>,
) -> (ProgressCase, Option<f64>) {
    let (case, p, _) = progress_form(x, x0, t, higher, ratio_capped);
    match case {
        ProgressCase::TargetEqualsBaseline => notes.keyed(
            (note_key::TARGET_EQUALS_BASELINE, x0.to_bits(), t.to_bits(), 0),
            || format!("target equals baseline ({t}): progress form undefined, score = met"),
        ),
        ProgressCase::BaselineBeyondTarget => notes.keyed(
            (note_key::BASELINE_BEYOND_TARGET, x0.to_bits(), t.to_bits(), 0),
            || {
                format!(
                    "baseline {x0} already beyond target {t} (maintenance target): progress form undefined, score = 1 while met"
                )
            },
        ),
        ProgressCase::Regular => {
            if p.is_some_and(|p| p < 0.0) {
                notes.fixed("moved away from the target since the baseline");
            }
        }
    }
    (case, p)
}

fn cumulative(rec: &mut Draft, notes: &mut impl NoteSink, run: &YearRun, higher: bool) {
    if !run.missing.is_empty() {
        notes.owned(format!(
            "running sum undefined: yearly flow missing for {:?}",
            run.missing
        ));
        return;
    }
    let (sum, base_year) = (run.sum, run.base_year);
    rec.h.measured = Some(sum);
    rec.baseline = Some(0.0);
    rec.baseline_year = Some(base_year);
    let Some(t) = rec.target else { return };
    let rf = ratio_form(sum, t, higher);
    rec.h.ratio = rf.uncapped;
    rec.h.ratio_capped = rf.capped;
    rec.h.met = Some(meets(sum, t, higher));
    set_progress(rec, notes, sum, 0.0, t, higher);
    if rec.elapsed_share > 0.0 {
        let path = t * rec.elapsed_share;
        rec.pro_rata_target = Some(path);
        rec.pro_rata_ratio = ratio_form(sum, path, higher).uncapped;
        if !meets(sum, path, higher) {
            notes.keyed(
                (note_key::PRO_RATA, sum.to_bits(), path.to_bits(), 0),
                || format!("behind the pro-rata path: running sum {sum} vs {path}"),
            );
        }
    }
}

/// For an annual record of a year with no observation: the latest earlier observed year
/// after the base year, whose value [`annual`] used.
fn carried_from(rec: &Draft, values: &[f64], k: usize, run: &YearRun) -> Option<i32> {
    if !values[k].is_nan() || rec.h.measured.is_none() {
        return None;
    }
    run.latest.map(|(year, _)| year)
}

fn annual(
    rec: &mut Draft,
    notes: &mut impl NoteSink,
    run: &YearRun,
    baseline: Option<Baseline>,
    higher: bool,
) {
    let Some(t) = rec.target else { return };
    let (met, obs, latest) = (run.met, run.observed, run.latest.map(|(_, x)| x));
    rec.years_met = Some(met);
    rec.years_observed = Some(obs);
    if obs == 0 {
        return;
    }
    rec.share_years_met = Some(met as f64 / obs as f64);
    rec.h.met = Some(met == obs);
    let x = latest.unwrap_or(f64::NAN);
    rec.h.measured = Some(x);
    let rf = ratio_form(x, t, higher);
    rec.h.ratio = rf.uncapped;
    rec.h.ratio_capped = rf.capped;
    if let Some(b) = baseline {
        set_progress(rec, notes, x, b.value, t, higher);
    }
}

fn growth(
    rec: &mut Draft,
    notes: &mut impl NoteSink,
    x: f64,
    run: &YearRun,
    baseline: Option<Baseline>,
    spec: &MonitorSpec,
) {
    let (year, base_year) = (run.year, run.base_year);
    let rate = match spec.growth_input {
        GrowthInput::Level => {
            let Some(b) = baseline else { return };
            if year <= b.year {
                return;
            }
            if x.is_nan() {
                return;
            }
            match cagr(b.value, x, f64::from(year - b.year)) {
                Ok(g) => 100.0 * g,
                Err(e) => {
                    notes.owned(format!("CAGR undefined: {e}"));
                    return;
                }
            }
        }
        GrowthInput::AnnualRate => {
            if year <= base_year {
                return;
            }
            if !run.missing.is_empty() {
                notes.owned(format!(
                    "average growth undefined: rate missing for {:?}",
                    run.missing
                ));
                return;
            }
            let Some(g) = run.average_growth() else {
                notes.fixed("average growth undefined: a rate ≤ −100%");
                return;
            };
            rec.baseline = None;
            rec.baseline_year = Some(base_year);
            g
        }
    };
    rec.h.measured = Some(rate);
    let Some(t) = rec.target else { return };
    let higher = !matches!(rec.polarity, Polarity::LowerIsBetter);
    let g = growth_ratio(rate, t, higher);
    rec.h.met = Some(g.met);
    rec.h.ratio = g.ratio;
    rec.h.ratio_capped = Some(g.capped);
    rec.h.progress = g.ratio;
    if g.ratio.is_none() {
        let key = (
            note_key::GROWTH_UNDEFINED,
            t.to_bits(),
            g.capped.to_bits(),
            u64::from(higher),
        );
        notes.keyed(key, || {
            format!(
                "growth target {t} ({}): ratio undefined, score = {} by rule",
                if higher { "at least" } else { "at most" },
                g.capped
            )
        });
    }
}

/// The achievement of a growth-rate target, with the direction applied.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GrowthRatio {
    /// The uncapped ratio (also the progress share of the schedule check); `None` when
    /// the rules below leave it undefined.
    pub ratio: Option<f64>,
    /// The score in [0, 1].
    pub capped: f64,
    /// Whether the target is met: g ≥ T (higher is better) or g ≤ T (lower is better).
    pub met: bool,
}

/// Achievement of an achieved growth rate `g` (in %) against a target rate `T` (in %),
/// with the polarity applied (the ratio form of NBS 2008 applied to rates, methods-reference
/// b.2):
/// * higher is better (年均增长 T% 以上): T > 0 gives r = g/T; T ≤ 0 leaves r undefined
///   and the score is met (1) / not met (0);
/// * lower is better, T > 0 (涨幅控制在 T% 以内, a ceiling on a rise): r = T/g for g > 0
///   (a rise twice the ceiling scores ½); g ≤ 0 is met with r undefined and score 1;
/// * lower is better, T < 0 (a required fall, 能耗强度下降 |T|%): r = g/T, the fall
///   achieved over the fall required (a rise gives r < 0, score 0);
/// * lower is better, T = 0 (no rise): r undefined, score met (1) / not met (0).
///
/// The score is r clamped to [0, 1]; met is g ≥ T or g ≤ T. NaN input is not met with
/// score 0.
pub fn growth_ratio(g: f64, target: f64, higher: bool) -> GrowthRatio {
    if g.is_nan() || target.is_nan() {
        return GrowthRatio {
            ratio: None,
            capped: 0.0,
            met: false,
        };
    }
    let met = meets(g, target, higher);
    let ratio = if higher {
        (target > 0.0).then(|| g / target)
    } else if target > 0.0 {
        (g > 0.0).then(|| target / g)
    } else if target < 0.0 {
        // `+ 0.0`: no rise and no fall (g = 0) is a ratio of 0, not −0
        Some(g / target + 0.0)
    } else {
        None
    };
    let capped = match ratio {
        Some(r) => r.clamp(0.0, 1.0),
        None => {
            if met {
                1.0
            } else {
                0.0
            }
        }
    };
    GrowthRatio { ratio, capped, met }
}
