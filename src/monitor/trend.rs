//! Trend classification with the Open SDG / Statistics Canada progress ratio
//! (open-sdg/open-sdg `docs/progress-methodology.md`, "Progress Measurement Methodology";
//! inspired by Eurostat's SDG progress method).
//!
//! CAGR_obs = (y_t/y₀)^{1/(t−t₀)} − 1, CAGR_req = (y_T/y₀)^{1/(t_T−t₀)} − 1,
//! R = d·CAGR_obs/|CAGR_req| (d = +1 higher-is-better, −1 lower-is-better). Categories:
//! target achieved; R ≥ 95% on track; 60% ≤ R < 95% progress made but acceleration needed;
//! 0 ≤ R < 60% limited progress; R < 0 deterioration (thresholds in the spec). Without a
//! numeric target d·CAGR_obs is compared with 1.5% / 0.5% / 0. Edge rules from the same
//! document: a zero base or target is replaced by 0.001; at least two observations are
//! needed; all values must share one sign (all negative flips d); otherwise "unable to
//! assess". Binary indicators are "achieved / not achieved". The natural-limit scaling
//! factor C is not applied (C = 1).

use serde::{Deserialize, Serialize};

use super::achievement::{Draft, IndicatorAchievement};
use super::spec::TrendThresholds;
use crate::model::{Indicator, Kind, Polarity, TargetForm};

/// Open SDG progress categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendCategory {
    /// Target achieved.
    TargetAchieved,
    /// On track.
    OnTrack,
    /// Progress made but acceleration needed.
    AccelerationNeeded,
    /// Limited progress.
    LimitedProgress,
    /// Deterioration.
    Deterioration,
    /// Binary (or annual) target not achieved.
    NotAchieved,
    /// Not enough data, mixed signs, or an indicator type the method does not cover.
    UnableToAssess,
}

/// The trend assessment of one indicator in one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendAssessment {
    /// Indicator id.
    pub indicator: super::Id,
    /// Unit id.
    pub unit: super::Id,
    /// First year used (t₀).
    pub from_year: Option<i32>,
    /// Latest year used (t).
    pub to_year: Option<i32>,
    /// Observed CAGR (fraction), direction not applied.
    pub cagr_observed: Option<f64>,
    /// Required CAGR (fraction).
    pub cagr_required: Option<f64>,
    /// Progress ratio R.
    pub ratio: Option<f64>,
    /// Category.
    pub category: TrendCategory,
    /// Open SDG score in [−5, 5] (target achieved = 5).
    pub score: Option<f64>,
    /// Edge rule applied, in words.
    pub note: std::borrow::Cow<'static, str>,
}

/// Category of a progress ratio R (a NaN ratio: unable to assess, never a category by
/// falling through the thresholds).
pub fn classify_ratio(r: f64, t: &TrendThresholds) -> TrendCategory {
    if r.is_nan() {
        TrendCategory::UnableToAssess
    } else if r >= t.on_track {
        TrendCategory::OnTrack
    } else if r >= t.acceleration_needed {
        TrendCategory::AccelerationNeeded
    } else if r >= t.limited_progress {
        TrendCategory::LimitedProgress
    } else {
        TrendCategory::Deterioration
    }
}

/// Category of a directed CAGR without a numeric target (NaN: unable to assess).
pub fn classify_no_target(g: f64, t: &TrendThresholds) -> TrendCategory {
    if g.is_nan() {
        TrendCategory::UnableToAssess
    } else if g >= t.no_target_on_track {
        TrendCategory::OnTrack
    } else if g >= t.no_target_acceleration_needed {
        TrendCategory::AccelerationNeeded
    } else if g >= 0.0 {
        TrendCategory::LimitedProgress
    } else {
        TrendCategory::Deterioration
    }
}

fn lerp(x: f64, x0: f64, x1: f64, y0: f64, y1: f64) -> f64 {
    y0 + (y1 - y0) * (x - x0) / (x1 - x0)
}

/// Open SDG score for a ratio R (with a target): −60% ↦ −5, 60% ↦ 0, 130% ↦ +5, linear in
/// between, clamped to [−5, 5]; NaN (no score) for a NaN ratio.
pub fn score_with_target(r: f64) -> f64 {
    if r.is_nan() {
        f64::NAN
    } else if r <= -0.6 {
        -5.0
    } else if r <= 0.6 {
        lerp(r, -0.6, 0.6, -5.0, 0.0)
    } else if r <= 1.3 {
        lerp(r, 0.6, 1.3, 0.0, 5.0)
    } else {
        5.0
    }
}

/// Open SDG score for a directed CAGR without a target: −2% ↦ −5, 0 ↦ −2.5, 0.5% ↦ 0,
/// 1.5% ↦ 2.5, 2% ↦ 5, linear in between, clamped; NaN (no score) for a NaN rate.
pub fn score_no_target(g: f64) -> f64 {
    if g.is_nan() {
        return f64::NAN;
    }
    let pts = [
        (-0.02, -5.0),
        (0.0, -2.5),
        (0.005, 0.0),
        (0.015, 2.5),
        (0.02, 5.0),
    ];
    if g <= pts[0].0 {
        return -5.0;
    }
    for w in pts.windows(2) {
        if g <= w[1].0 {
            return lerp(g, w[0].0, w[1].0, w[0].1, w[1].1);
        }
    }
    5.0
}

/// The Open SDG progress ratio of a level series: returns
/// `(cagr_obs, cagr_req, R)`; `R = None` when CAGR_req = 0. Zero y₀, y_t or target are
/// replaced by `zero` with the series' sign ([`replace_zero`]: −`zero` in a series of
/// negative values, so that a growth factor never turns negative). Inputs must otherwise
/// share one sign (checked by the caller).
#[allow(clippy::too_many_arguments)]
pub fn progress_ratio(
    y0: f64,
    t0: i32,
    yt: f64,
    t: i32,
    target: f64,
    target_year: i32,
    higher: bool,
    zero: f64,
) -> (f64, f64, Option<f64>) {
    let negative = y0 < 0.0 || yt < 0.0;
    let fix = |v: f64| replace_zero(v, zero, negative);
    let (y0, yt, yy) = (fix(y0), fix(yt), fix(target));
    let obs = (yt / y0).powf(1.0 / f64::from(t - t0)) - 1.0;
    let req = (yy / y0).powf(1.0 / f64::from(target_year - t0)) - 1.0;
    let d = if higher { 1.0 } else { -1.0 };
    // (`+ 0.0`: a series that did not move, d·0 with d = −1, has R = 0, not −0)
    let r = (req != 0.0).then(|| d * obs / req.abs() + 0.0);
    (obs, req, r)
}

/// `v`, or for a zero the replacement `zero` with the sign of its series (`negative`: the
/// series' values are ≤ 0). The exponential model needs nonzero values of one sign; Open
/// SDG replaces a zero by a small number, and in a series of negative values that number
/// must be negative too, or the growth factor y_t/y₀ (or T/y₀) turns negative and its
/// root is undefined (NaN).
pub fn replace_zero(v: f64, zero: f64, negative: bool) -> f64 {
    match (v == 0.0, negative) {
        (true, true) => -zero,
        (true, false) => zero,
        (false, _) => v,
    }
}

/// The note of a series the exponential model cannot assess (a growth factor that is not
/// a finite positive number: values too close to zero for the replacement, or overflow).
const MODEL_UNDEFINED: &str =
    "the exponential model is undefined for these values (growth factor not finite)";

/// Trend assessment of one indicator of one unit up to `year`.
///
/// `record` is the achievement record of the evaluation year (used for cumulative,
/// growth-rate and annual kinds). Level-type kinds use the level series between the
/// baseline year and the latest observation ≤ `year`. Cumulative: the linear analogue
/// R = (S_t/(t−t₀))/(T/(t_T−t₀)) (average yearly flow against the required one).
/// Growth rate: R = CAGR/target rate. Annual: achieved when every observed year met the
/// target, else not achieved. Interval: achieved inside the band, otherwise unable to
/// assess (Open SDG's parity transformation is not applied).
#[allow(clippy::too_many_arguments)]
pub fn assess_trend(
    indicator: &Indicator,
    unit: &str,
    periods: &[i32],
    values: &[f64],
    base_year: i32,
    framework_target_year: i32,
    year: i32,
    record: Option<&IndicatorAchievement>,
    t: &TrendThresholds,
) -> TrendAssessment {
    assess_trend_ids(
        (super::Id::new(&indicator.id), super::Id::new(unit)),
        indicator,
        periods,
        values,
        (base_year, framework_target_year, year),
        record.map(Draft::of).as_ref(),
        t,
    )
}

/// [`assess_trend`] writing the given (shared) indicator and unit ids; `years` is
/// (base year, framework target year, evaluation year).
pub(crate) fn assess_trend_ids(
    ids: (super::Id, super::Id),
    indicator: &Indicator,
    periods: &[i32],
    values: &[f64],
    years: (i32, i32, i32),
    record: Option<&Draft>,
    t: &TrendThresholds,
) -> TrendAssessment {
    assess_trend_fields(indicator, periods, values, years, record, t).with_ids(ids.0, ids.1)
}

/// A [`TrendAssessment`] without its ids (monitoring keeps them once, in its
/// [`super::trend_table::TrendTable`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TrendFields {
    pub(crate) from_year: Option<i32>,
    pub(crate) to_year: Option<i32>,
    pub(crate) cagr_observed: Option<f64>,
    pub(crate) cagr_required: Option<f64>,
    pub(crate) ratio: Option<f64>,
    pub(crate) category: TrendCategory,
    pub(crate) score: Option<f64>,
    pub(crate) note: std::borrow::Cow<'static, str>,
}

impl TrendFields {
    /// The assessment with its indicator and unit ids.
    pub(crate) fn with_ids(self, indicator: super::Id, unit: super::Id) -> TrendAssessment {
        let TrendFields {
            from_year,
            to_year,
            cagr_observed,
            cagr_required,
            ratio,
            category,
            score,
            note,
        } = self;
        TrendAssessment {
            indicator,
            unit,
            from_year,
            to_year,
            cagr_observed,
            cagr_required,
            ratio,
            category,
            score,
            note,
        }
    }
}

/// [`assess_trend_ids`] without the ids.
pub(crate) fn assess_trend_fields(
    indicator: &Indicator,
    periods: &[i32],
    values: &[f64],
    years: (i32, i32, i32),
    record: Option<&Draft>,
    t: &TrendThresholds,
) -> TrendFields {
    let (base_year, framework_target_year, year) = years;
    let mut out = TrendFields {
        from_year: None,
        to_year: None,
        cagr_observed: None,
        cagr_required: None,
        ratio: None,
        category: TrendCategory::UnableToAssess,
        score: None,
        note: std::borrow::Cow::Borrowed(""),
    };
    let target_year = indicator.target_year_or(framework_target_year);
    let higher = !matches!(indicator.polarity, Polarity::LowerIsBetter);
    let met = record.and_then(|r| r.h.met);
    let achieved = |o: &mut TrendFields| {
        o.category = TrendCategory::TargetAchieved;
        o.score = Some(5.0);
    };
    match (indicator.polarity, indicator.kind) {
        (Polarity::Binary, _) | (_, Kind::Annual) => {
            match met {
                Some(true) => achieved(&mut out),
                Some(false) => out.category = TrendCategory::NotAchieved,
                None => out.note = "no data".into(),
            }
            return out;
        }
        (Polarity::Interval { .. }, _) => {
            match met {
                Some(true) => achieved(&mut out),
                _ => {
                    out.note =
                        "interval indicator outside its band: not assessed by the progress ratio"
                            .into()
                }
            }
            return out;
        }
        (_, Kind::Cumulative) | (_, Kind::GrowthRate) => {
            let Some(rec) = record else {
                out.note = "no data".into();
                return out;
            };
            let (Some(m), Some(tv)) = (rec.h.measured, indicator.target) else {
                out.note = "no running sum / growth rate or no target".into();
                return out;
            };
            out.from_year = Some(base_year);
            out.to_year = Some(rec.year);
            if rec.year <= base_year {
                out.note = "needs at least one year after the base year".into();
                return out;
            }
            if indicator.kind == Kind::Cumulative {
                if met == Some(true) {
                    achieved(&mut out);
                    return out;
                }
                let obs = m / f64::from(rec.year - base_year);
                let req = tv / f64::from(target_year - base_year);
                if req == 0.0 {
                    out.note = "zero target".into();
                    return out;
                }
                let r = if higher {
                    obs / req + 0.0
                } else if obs > 0.0 {
                    req / obs
                } else {
                    1.0
                };
                out.ratio = Some(r);
                out.note = "cumulative: average yearly flow / required yearly flow".into();
                out.category = classify_ratio(r, t);
                out.score = Some(score_with_target(r));
            } else {
                out.cagr_observed = Some(m / 100.0);
                out.cagr_required = Some(tv / 100.0);
                if met == Some(true) && rec.year >= target_year {
                    achieved(&mut out);
                    return out;
                }
                let Some(r) = super::achievement::growth_ratio(m, tv, higher).ratio else {
                    out.note = format!(
                        "growth target {tv} ({}): ratio undefined",
                        if higher { "at least" } else { "at most" }
                    )
                    .into();
                    return out;
                };
                out.ratio = Some(r);
                out.note = if higher {
                    "growth rate: CAGR / target rate".into()
                } else if tv > 0.0 {
                    "growth rate (lower is better): target ceiling / CAGR".into()
                } else {
                    "growth rate (lower is better): CAGR / required fall".into()
                };
                out.category = classify_ratio(r, t);
                out.score = Some(score_with_target(r));
            }
            return out;
        }
        _ => {}
    }
    // level-type series
    // the observations from the base year to `year`: their number, the first and the
    // last, and whether all are ≥ 0 / ≤ 0 (no list built)
    let mut n_obs = 0usize;
    let (mut first, mut last) = ((0, 0.0), (0, 0.0));
    let (mut all_pos, mut all_neg) = (true, true);
    for (&y, &v) in periods.iter().zip(values) {
        if y >= base_year && y <= year && !v.is_nan() {
            if n_obs == 0 {
                first = (y, v);
            }
            last = (y, v);
            n_obs += 1;
            all_pos &= v >= 0.0;
            all_neg &= v <= 0.0;
        }
    }
    if n_obs < 2 {
        out.note = "fewer than two observations".into();
        if met == Some(true) {
            achieved(&mut out);
        }
        return out;
    }
    let (t0, y0) = first;
    let (tt, yt) = last;
    out.from_year = Some(t0);
    out.to_year = Some(tt);
    // the target and direction of the progress ratio: a multiple of the baseline is the
    // record's resolved target; an "about" target is approached towards the band edge
    // nearest the baseline
    let (target, higher) = match indicator.target_form {
        TargetForm::Threshold => (indicator.target, higher),
        TargetForm::BaselineMultiple { .. } => (record.and_then(|r| r.target), higher),
        TargetForm::About { tolerance } => {
            let Some(c) = indicator.target else {
                return out;
            };
            let (lo, hi) = (c - tolerance, c + tolerance);
            if yt >= lo && yt <= hi {
                achieved(&mut out);
                return out;
            }
            if (y0 < lo && yt > hi) || (y0 > hi && yt < lo) {
                out.note = format!("overshot the band [{lo}, {hi}]: not assessed").into();
                return out;
            }
            if y0 < lo {
                (Some(lo), true)
            } else if y0 > hi {
                (Some(hi), false)
            } else {
                out.category = TrendCategory::Deterioration;
                out.score = Some(-5.0);
                out.note = format!("left the band [{lo}, {hi}] it started in").into();
                return out;
            }
        }
    };
    if !(all_pos || all_neg) {
        out.note = "values change sign: the exponential model does not apply".into();
        return out;
    }
    let higher_eff = if all_neg && !all_pos { !higher } else { higher };
    match target {
        Some(target) => {
            if super::achievement::meets(yt, target, higher) {
                achieved(&mut out);
                return out;
            }
            if (target > 0.0 && all_neg && !all_pos) || (target < 0.0 && all_pos) {
                out.note = "target and data have opposite signs".into();
                return out;
            }
            let (o, q, r) = progress_ratio(
                y0,
                t0,
                yt,
                tt,
                target,
                target_year,
                higher_eff,
                t.zero_replacement,
            );
            if !(o.is_finite() && q.is_finite() && r.map_or(true, f64::is_finite)) {
                out.note = MODEL_UNDEFINED.into();
                return out;
            }
            out.cagr_observed = Some(o);
            out.cagr_required = Some(q);
            out.ratio = r;
            match r {
                Some(r) => {
                    out.category = classify_ratio(r, t);
                    out.score = Some(score_with_target(r));
                }
                None => {
                    out.category = TrendCategory::Deterioration;
                    out.score = Some(-5.0);
                    out.note = "target equals the base value and is not met".into();
                }
            }
        }
        None => {
            let negative = all_neg && !all_pos;
            let fix = |v: f64| replace_zero(v, t.zero_replacement, negative);
            let o = (fix(yt) / fix(y0)).powf(1.0 / f64::from(tt - t0)) - 1.0;
            if !o.is_finite() {
                out.note = MODEL_UNDEFINED.into();
                return out;
            }
            let d = if higher_eff { 1.0 } else { -1.0 };
            out.cagr_observed = Some(o);
            out.category = classify_no_target(d * o, t);
            out.score = Some(score_no_target(d * o));
            out.note = "no numeric target: directed CAGR against fixed thresholds".into();
        }
    }
    if all_neg && !all_pos {
        let sep = if out.note.is_empty() { "" } else { "; " };
        out.note = format!("{}{sep}all values negative: direction flipped", out.note).into();
    }
    out
}
