//! The time-elapsed schedule check "时间过半、任务过半": progress towards the target
//! compared with the elapsed share of the plan period (methods-reference b.6).
//!
//! E_t = (t − t₀)/(T − t₀) (2023 in 2020→2025: 0.6). With the progress share P_t of the
//! indicator and a tolerance τ: achieved if the target is met; ahead if P_t ≥ E_t + τ; on
//! schedule if P_t ≥ E_t − τ; lagging otherwise. The band edges are compared with a slack
//! ε (default 1e-9) so that round figures on an edge land in the better band. At or after the target year an unmet
//! target is lagging whatever P_t. Progress and time are measured over the same span: when
//! the baseline fell back to a later year t_b, E = (t − t_b)/(T − t_b).

use serde::{Deserialize, Serialize};

use super::achievement::{elapsed_share, Draft, IndicatorAchievement, ProgressCase};
use crate::model::{Kind, Polarity};

/// Schedule status of one indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleStatus {
    /// The target is met.
    Achieved,
    /// Progress ahead of elapsed time by more than the tolerance.
    Ahead,
    /// Progress within the tolerance of elapsed time.
    OnSchedule,
    /// Progress behind elapsed time by more than the tolerance (or the target year has
    /// come without the target met).
    Lagging,
    /// No data, no target, or no usable progress measure.
    NotAssessable,
}

/// The schedule check of one indicator in one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleCheck {
    /// Indicator id.
    pub indicator: super::Id,
    /// Unit id.
    pub unit: super::Id,
    /// The evaluation year.
    pub year: i32,
    /// The elapsed share E: the plan's E_t, or for a progress form measured from a later
    /// (fallback) baseline year t_b, (t − t_b)/(t_T − t_b) (see [`schedule_check`]).
    pub elapsed_share: f64,
    /// The progress share compared with E_t (see [`schedule_check`]).
    pub progress: Option<f64>,
    /// The status.
    pub status: ScheduleStatus,
    /// What `progress` is, in words.
    pub basis: std::borrow::Cow<'static, str>,
    /// Whether this year's milestone (interim target) is met, when the framework has one.
    pub interim_met: Option<bool>,
}

/// The default comparison slack of the schedule bands ([`MonitorSpec::schedule_epsilon`]).
///
/// [`MonitorSpec::schedule_epsilon`]: super::spec::MonitorSpec::schedule_epsilon
pub const SCHEDULE_EPSILON: f64 = 1e-9;

/// Status from progress share `p`, elapsed share `e`, `met`, tolerance `tol`, and whether
/// the target year has been reached, with the default slack [`SCHEDULE_EPSILON`] (see
/// [`schedule_status_with`]).
pub fn schedule_status(
    p: f64,
    e: f64,
    met: bool,
    tol: f64,
    at_target_year: bool,
) -> ScheduleStatus {
    schedule_status_with(p, e, met, tol, SCHEDULE_EPSILON, at_target_year)
}

/// Status with an explicit comparison slack `eps`: ahead if p ≥ E + τ − ε, on schedule if
/// p ≥ E − τ − ε, lagging otherwise. A share that sits on a band edge up to `eps`
/// (0.35 against 0.40 − 0.05, which binary floating point computes as
/// 0.35000000000000003) is read as on the edge, i.e. in the better band: the published
/// figures are round and the band edges are inclusive.
pub fn schedule_status_with(
    p: f64,
    e: f64,
    met: bool,
    tol: f64,
    eps: f64,
    at_target_year: bool,
) -> ScheduleStatus {
    if met {
        ScheduleStatus::Achieved
    } else if p.is_nan() {
        ScheduleStatus::NotAssessable
    } else if at_target_year {
        ScheduleStatus::Lagging
    } else if p >= e + tol - eps {
        ScheduleStatus::Ahead
    } else if p >= e - tol - eps {
        ScheduleStatus::OnSchedule
    } else {
        ScheduleStatus::Lagging
    }
}

/// The schedule check of one achievement record.
///
/// The progress share by kind: level-type and cumulative — the progress form (for
/// cumulative S_t/T); growth rate — CAGR/target (a rate target is time-independent, so it
/// is compared with 1, i.e. E is taken as 1); annual — the share of years met (compared
/// with 1: every year must be met); interval, binary, maintenance targets (baseline beyond
/// or equal to the target) and relative-only targets (no numeric target, whatever the
/// kind) — met or lagging.
///
/// 时间过半、任务过半 compares the share of the way covered with the share of the time
/// used over the same span: the progress form P = (x − x₀)/(T − x₀) runs from the
/// baseline's year t_b, so it is compared with E = (t − t_b)/(t_T − t_b), which is the
/// plan's E_t when the baseline is the base year's value and the time since the later
/// year when the baseline fell back to it (`baseline_policy = first_observed`); the
/// record's `elapsed_share` is that E.
pub fn schedule_check(rec: &IndicatorAchievement, tol: f64) -> ScheduleCheck {
    schedule_check_with(rec, tol, SCHEDULE_EPSILON)
}

/// [`schedule_check`] with an explicit comparison slack (see [`schedule_status_with`]).
pub fn schedule_check_with(rec: &IndicatorAchievement, tol: f64, eps: f64) -> ScheduleCheck {
    schedule_check_ids(
        &Draft::of(rec),
        tol,
        eps,
        super::Id::new(&rec.indicator),
        super::Id::new(&rec.unit),
    )
}

/// [`schedule_check_with`] writing the given (shared) indicator and unit ids.
pub(crate) fn schedule_check_ids(
    rec: &Draft,
    tol: f64,
    eps: f64,
    indicator: super::Id,
    unit: super::Id,
) -> ScheduleCheck {
    let ScheduleFields {
        year,
        elapsed_share,
        progress,
        status,
        basis,
        interim_met,
    } = schedule_fields(rec, tol, eps);
    ScheduleCheck {
        indicator,
        unit,
        year,
        elapsed_share,
        progress,
        status,
        basis: std::borrow::Cow::Borrowed(basis),
        interim_met,
    }
}

/// A [`ScheduleCheck`] without its ids (monitoring keeps them once, in its
/// [`super::schedule_table::ScheduleTable`]); its basis is always one of the fixed texts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ScheduleFields {
    pub(crate) year: i32,
    pub(crate) elapsed_share: f64,
    pub(crate) progress: Option<f64>,
    pub(crate) status: ScheduleStatus,
    pub(crate) basis: &'static str,
    pub(crate) interim_met: Option<bool>,
}

/// [`schedule_check_ids`] without the ids.
pub(crate) fn schedule_fields(rec: &Draft, tol: f64, eps: f64) -> ScheduleFields {
    let at_target = rec.year >= rec.target_year;
    let mut e = rec.elapsed_share;
    // a relative target alone (no numeric target): met or not, whatever the kind
    let relative_only = rec.target.is_none() && rec.relative.is_some();
    let met_or_not = (
        rec.h.met.map(|m| if m { 1.0 } else { 0.0 }),
        e,
        "met (1) / not met (0)",
    );
    let (p, e_used, basis) = match rec.kind {
        _ if relative_only => met_or_not,
        Kind::GrowthRate => (rec.h.ratio, 1.0, "CAGR / target rate"),
        Kind::Annual => (rec.share_years_met, 1.0, "share of years met"),
        Kind::Cumulative => (rec.h.progress, e, "running sum / five-year target"),
        _ => match rec.h.progress_case {
            Some(ProgressCase::Regular) => {
                // the progress runs from the baseline's year: the time elapsed is measured
                // over the same span (the plan's E_t when that is the base year; from a
                // later year after a fallback)
                let from_baseline = rec
                    .baseline_year
                    .map(|tb| elapsed_share(rec.year, tb, rec.target_year));
                match from_baseline {
                    Some(eb) if eb != e => {
                        e = eb;
                        (
                            rec.h.progress,
                            e,
                            "(x − x₀)/(T − x₀), E from the baseline year",
                        )
                    }
                    _ => (rec.h.progress, e, "(x − x₀)/(T − x₀)"),
                }
            }
            _ => met_or_not,
        },
    };
    let status = match rec.h.met {
        None => ScheduleStatus::NotAssessable,
        Some(met) => {
            let binary = relative_only
                || matches!(rec.polarity, Polarity::Binary | Polarity::Interval { .. })
                || (!matches!(rec.kind, Kind::GrowthRate | Kind::Annual | Kind::Cumulative)
                    && rec.h.progress_case != Some(ProgressCase::Regular));
            if binary && !met {
                ScheduleStatus::Lagging
            } else {
                schedule_status_with(p.unwrap_or(f64::NAN), e_used, met, tol, eps, at_target)
            }
        }
    };
    ScheduleFields {
        year: rec.year,
        elapsed_share: e,
        progress: p,
        status,
        basis,
        interim_met: rec.interim.map(|i| i.met),
    }
}
