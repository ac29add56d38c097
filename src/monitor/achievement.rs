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

use super::spec::{AchievementForm, BaselinePolicy, GrowthInput, MonitorSpec};
use crate::error::{Error, Result};
use crate::model::{Indicator, Kind, Polarity, Reference, Relation};

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
            let r = x / target;
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
        let p = (x - baseline) / gap;
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The numeric target.
    pub target: Option<f64>,
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
    /// Periods, ascending.
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
/// * annual: each year after the base year is met or not; `share_years_met`; the latest
///   observed year ≤ t gives measured, ratio and progress; `met` = every observed year met;
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
    let SeriesInput {
        unit,
        periods,
        values,
        reference,
        base_year,
        framework_target_year,
    } = input;
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
    if let Some(v) = values.iter().find(|v| v.is_infinite()) {
        return Err(Error::invalid_value(
            format!("unit `{unit}`, indicator `{}`", indicator.id),
            *v,
            "(infinite values are rejected; use NaN for missing)",
        ));
    }
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
    let mut out = Vec::with_capacity(periods.len());
    for (k, &year) in periods.iter().enumerate() {
        if year < base_year {
            continue;
        }
        let x = values[k];
        let mut rec = IndicatorAchievement {
            indicator: indicator.id.clone(),
            unit: unit.to_string(),
            year,
            kind: indicator.kind,
            polarity: indicator.polarity,
            observed: finite(x),
            measured: None,
            baseline: baseline.map(|b| b.value),
            baseline_year: baseline.map(|b| b.year),
            target: indicator.target,
            target_year,
            elapsed_share: elapsed_share(year, base_year, target_year),
            ratio: None,
            ratio_capped: None,
            progress: None,
            progress_case: None,
            score: None,
            met: None,
            pro_rata_target: None,
            pro_rata_ratio: None,
            years_met: None,
            years_observed: None,
            share_years_met: None,
            stretch: None,
            interim: None,
            relative: None,
            aspirational: indicator.aspirational,
            notes: Vec::new(),
            survey: None,
        };
        if let Polarity::Interval {
            lower,
            upper,
            tolerance_lower,
            tolerance_upper,
        } = indicator.polarity
        {
            if !x.is_nan() {
                let a = interval_score(x, lower, upper, tolerance_lower, tolerance_upper);
                rec.measured = Some(x);
                rec.ratio = Some(a);
                rec.ratio_capped = Some(a);
                rec.progress = Some(a);
                rec.score = Some(a);
                rec.met = Some(x >= lower && x <= upper);
            } else {
                rec.notes.push(format!("no observation in {year}"));
            }
            out.push(rec);
            continue;
        }
        match indicator.kind {
            Kind::Cumulative => cumulative(&mut rec, periods, values, k, base_year, higher),
            Kind::Annual => annual(&mut rec, periods, values, k, base_year, baseline, higher),
            Kind::GrowthRate => growth(&mut rec, periods, values, k, base_year, baseline, spec),
            _ => level(&mut rec, x, baseline, higher),
        }
        // stretch target
        if let (Some(s), Some(m)) = (indicator.stretch_target, rec.measured) {
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
            rec.measured,
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
            let own = transform(values, k);
            let refv = match &rel.reference {
                Reference::PreviousYear => {
                    if k > 0 && periods[k] - periods[k - 1] == 1 {
                        transform(values, k - 1)
                    } else {
                        f64::NAN
                    }
                }
                Reference::Series { .. } => reference.map_or(f64::NAN, |r| transform(r, k)),
            };
            if own.is_nan() || refv.is_nan() {
                if year > base_year {
                    rec.notes.push(format!(
                        "relative target not assessed in {year}: value or reference missing"
                    ));
                }
            } else {
                let met = rel.relation.holds(own, refv, rel.margin);
                rec.relative = Some(RelativeAchievement {
                    relation: rel.relation,
                    value: own,
                    reference: refv,
                    margin: rel.margin,
                    gap: own - (refv + rel.margin),
                    met,
                });
                if indicator.target.is_none() {
                    rec.measured = Some(own);
                    rec.met = Some(met);
                    rec.score = Some(if met { 1.0 } else { 0.0 });
                }
            }
        }
        if indicator.target.is_some() && rec.score.is_none() {
            headline(&mut rec, spec.form);
        }
        if rec.observed.is_none() {
            rec.notes.push(format!("no observation in {year}"));
        }
        out.push(rec);
    }
    Ok(out)
}

fn finite(x: f64) -> Option<f64> {
    if x.is_nan() {
        None
    } else {
        Some(x)
    }
}

fn headline(rec: &mut IndicatorAchievement, form: AchievementForm) {
    let progress_score = match rec.progress_case {
        Some(_) => rec
            .progress
            .map(|p| p.clamp(0.0, 1.0))
            .or(rec.progress_score_fallback()),
        None => rec.progress.map(|p| p.clamp(0.0, 1.0)),
    };
    rec.score = match form {
        AchievementForm::Ratio => match rec.ratio_capped {
            Some(r) => Some(r),
            None => {
                if progress_score.is_some() {
                    rec.notes.push(
                        "ratio form undefined (target ≤ 0 or zero/negative denominator); score uses the progress form".into(),
                    );
                }
                progress_score
            }
        },
        AchievementForm::Progress => progress_score.or(rec.ratio_capped),
    };
}

impl IndicatorAchievement {
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

fn level(rec: &mut IndicatorAchievement, x: f64, baseline: Option<Baseline>, higher: bool) {
    let Some(t) = rec.target else { return };
    if x.is_nan() {
        return;
    }
    if let Some(b) = baseline {
        if rec.year < b.year {
            rec.notes
                .push(format!("before the baseline year {}", b.year));
            return;
        }
    }
    rec.measured = Some(x);
    let rf = ratio_form(x, t, higher);
    rec.ratio = rf.uncapped;
    rec.ratio_capped = rf.capped;
    rec.met = Some(meets(x, t, higher));
    if rf.uncapped.is_none() && rf.capped.is_some() {
        rec.notes.push(format!(
            "ratio T/x undefined for x = {x}, T = {t}; capped ratio set by rule"
        ));
    }
    if let Some(b) = baseline {
        set_progress(rec, x, b.value, t, higher);
    } else {
        rec.notes
            .push("no baseline: progress form undefined".into());
    }
}

fn set_progress(rec: &mut IndicatorAchievement, x: f64, x0: f64, t: f64, higher: bool) {
    let (case, p, _) = progress_form(x, x0, t, higher, rec.ratio_capped);
    rec.progress_case = Some(case);
    rec.progress = p;
    match case {
        ProgressCase::TargetEqualsBaseline => rec
            .notes
            .push(format!("target equals baseline ({t}): progress form undefined, score = met")),
        ProgressCase::BaselineBeyondTarget => rec.notes.push(format!(
            "baseline {x0} already beyond target {t} (maintenance target): progress form undefined, score = 1 while met"
        )),
        ProgressCase::Regular => {
            if p.is_some_and(|p| p < 0.0) {
                rec.notes.push("moved away from the target since the baseline".into());
            }
        }
    }
}

fn cumulative(
    rec: &mut IndicatorAchievement,
    periods: &[i32],
    values: &[f64],
    k: usize,
    base_year: i32,
    higher: bool,
) {
    let year = periods[k];
    let mut sum = 0.0;
    let mut missing = Vec::new();
    for y in (base_year + 1)..=year {
        match periods.iter().position(|&p| p == y) {
            Some(j) if !values[j].is_nan() => sum += values[j],
            _ => missing.push(y),
        }
    }
    if !missing.is_empty() {
        rec.notes.push(format!(
            "running sum undefined: yearly flow missing for {missing:?}"
        ));
        return;
    }
    rec.measured = Some(sum);
    rec.baseline = Some(0.0);
    rec.baseline_year = Some(base_year);
    let Some(t) = rec.target else { return };
    let rf = ratio_form(sum, t, higher);
    rec.ratio = rf.uncapped;
    rec.ratio_capped = rf.capped;
    rec.met = Some(meets(sum, t, higher));
    set_progress(rec, sum, 0.0, t, higher);
    if rec.elapsed_share > 0.0 {
        let path = t * rec.elapsed_share;
        rec.pro_rata_target = Some(path);
        rec.pro_rata_ratio = ratio_form(sum, path, higher).uncapped;
        if !meets(sum, path, higher) {
            rec.notes.push(format!(
                "behind the pro-rata path: running sum {sum} vs {path}"
            ));
        }
    }
}

fn annual(
    rec: &mut IndicatorAchievement,
    periods: &[i32],
    values: &[f64],
    k: usize,
    base_year: i32,
    baseline: Option<Baseline>,
    higher: bool,
) {
    let Some(t) = rec.target else { return };
    let (mut met, mut obs) = (0usize, 0usize);
    let mut latest = None;
    for j in 0..=k {
        if periods[j] > base_year && !values[j].is_nan() {
            obs += 1;
            if meets(values[j], t, higher) {
                met += 1;
            }
            latest = Some(values[j]);
        }
    }
    rec.years_met = Some(met);
    rec.years_observed = Some(obs);
    if obs == 0 {
        return;
    }
    rec.share_years_met = Some(met as f64 / obs as f64);
    rec.met = Some(met == obs);
    let x = latest.unwrap_or(f64::NAN);
    rec.measured = Some(x);
    let rf = ratio_form(x, t, higher);
    rec.ratio = rf.uncapped;
    rec.ratio_capped = rf.capped;
    if let Some(b) = baseline {
        set_progress(rec, x, b.value, t, higher);
    }
}

fn growth(
    rec: &mut IndicatorAchievement,
    periods: &[i32],
    values: &[f64],
    k: usize,
    base_year: i32,
    baseline: Option<Baseline>,
    spec: &MonitorSpec,
) {
    let year = periods[k];
    let rate = match spec.growth_input {
        GrowthInput::Level => {
            let Some(b) = baseline else { return };
            if year <= b.year {
                return;
            }
            let x = values[k];
            if x.is_nan() {
                return;
            }
            match cagr(b.value, x, f64::from(year - b.year)) {
                Ok(g) => 100.0 * g,
                Err(e) => {
                    rec.notes.push(format!("CAGR undefined: {e}"));
                    return;
                }
            }
        }
        GrowthInput::AnnualRate => {
            if year <= base_year {
                return;
            }
            let mut prod = 1.0;
            let mut missing = Vec::new();
            for y in (base_year + 1)..=year {
                match periods.iter().position(|&p| p == y) {
                    Some(j) if !values[j].is_nan() => prod *= 1.0 + values[j] / 100.0,
                    _ => missing.push(y),
                }
            }
            if !missing.is_empty() {
                rec.notes.push(format!(
                    "average growth undefined: rate missing for {missing:?}"
                ));
                return;
            }
            if prod <= 0.0 {
                rec.notes
                    .push("average growth undefined: a rate ≤ −100%".into());
                return;
            }
            rec.baseline = None;
            rec.baseline_year = Some(base_year);
            100.0 * (prod.powf(1.0 / f64::from(year - base_year)) - 1.0)
        }
    };
    rec.measured = Some(rate);
    let Some(t) = rec.target else { return };
    rec.met = Some(rate >= t);
    if t > 0.0 {
        let r = rate / t;
        rec.ratio = Some(r);
        rec.ratio_capped = Some(r.clamp(0.0, 1.0));
        rec.progress = Some(r);
    } else {
        rec.notes.push(format!(
            "growth target {t} ≤ 0: ratio undefined, score = met"
        ));
        rec.ratio_capped = Some(if rate >= t { 1.0 } else { 0.0 });
    }
}
