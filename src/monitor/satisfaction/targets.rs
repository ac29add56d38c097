//! Survey-based targets with sampling error (生态环境满意度达到92%, 从严治党成效度98%以上)
//! and the change of a survey index between years (满意度全面提升).
//!
//! A survey estimate θ̂ with standard error SE is compared with the target T through its
//! two-sided confidence interval [θ̂ − q·SE, θ̂ + q·SE] (q = z, or t_df for the t interval;
//! the duality of tests and intervals, Lehmann & Romano 2005, §3.5): for a higher-is-better
//! target the target is **met** when the lower bound is ≥ T, **not met** when the upper
//! bound is < T, and **not distinguishable from the target** otherwise (the reverse for
//! lower-is-better). At q = 1.959964 this is the 95% level.
//!
//! The change between two years from independent samples (Kish 1965, §12.4; Lohr 2010,
//! §3.6): Δ = θ̂₂ − θ̂₁, SE(Δ) = √(SE₁² + SE₂²); the statistic Δ/SE(Δ) is referred to the
//! normal, or for the t interval to the t with Welch–Satterthwaite degrees of freedom
//! df = (v₁ + v₂)² / (v₁²/df₁ + v₂²/df₂) (Satterthwaite 1946). The rise is significant when
//! the interval's lower bound is > 0.

use serde::{Deserialize, Serialize};

use super::dist::{normal_cdf, t_cdf};
use super::{Estimate, IntervalKind, SatisfactionSpec};
use crate::error::{Error, Result};

/// Verdict on a survey-based target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyVerdict {
    /// The whole interval is on the good side of the target (or on it).
    Met,
    /// The whole interval is on the bad side of the target.
    NotMet,
    /// The interval contains the target: the survey cannot tell.
    NotDistinguishable,
}

impl SurveyVerdict {
    /// snake_case name.
    pub fn name(&self) -> &'static str {
        match self {
            SurveyVerdict::Met => "met",
            SurveyVerdict::NotMet => "not_met",
            SurveyVerdict::NotDistinguishable => "not_distinguishable",
        }
    }
}

/// A survey estimate compared with its target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SurveyTargetTest {
    /// The estimate θ̂.
    pub estimate: f64,
    /// Its standard error.
    pub se: f64,
    /// The target T.
    pub target: f64,
    /// Whether higher is better.
    pub higher_is_better: bool,
    /// (θ̂ − T)/SE (`None` when SE = 0).
    pub statistic: Option<f64>,
    /// Degrees of freedom of the t interval (`None` for the normal one).
    pub df: Option<f64>,
    /// Lower interval bound.
    pub ci_lower: f64,
    /// Upper interval bound.
    pub ci_upper: f64,
    /// Whether the point estimate alone meets the target.
    pub met_point: bool,
    /// The verdict.
    pub verdict: SurveyVerdict,
}

/// Compares a survey estimate (`estimate`, `se`, design `df`) with `target` (module docs).
///
/// Errors: non-finite estimate or target, negative or non-finite SE, a t interval without
/// at least 1 degree of freedom.
pub fn survey_target_test(
    estimate: f64,
    se: f64,
    df: Option<f64>,
    target: f64,
    higher_is_better: bool,
    spec: &SatisfactionSpec,
) -> Result<SurveyTargetTest> {
    for (name, v) in [("estimate", estimate), ("target", target)] {
        if !v.is_finite() {
            return Err(Error::invalid_value(
                format!("survey target test: {name}"),
                v,
                "(must be finite)",
            ));
        }
    }
    if !(se.is_finite() && se >= 0.0) {
        return Err(Error::invalid_value(
            "survey target test: standard error",
            se,
            "(must be finite and non-negative)",
        ));
    }
    spec.validate()?;
    let q = spec.quantile(df).ok_or_else(|| {
        Error::invalid_argument(
            "survey target test",
            format!("a t interval needs at least 1 design degree of freedom (got {df:?})"),
        )
    })?;
    let (lo, hi) = (estimate - q * se, estimate + q * se);
    let verdict = if higher_is_better {
        if lo >= target {
            SurveyVerdict::Met
        } else if hi < target {
            SurveyVerdict::NotMet
        } else {
            SurveyVerdict::NotDistinguishable
        }
    } else if hi <= target {
        SurveyVerdict::Met
    } else if lo > target {
        SurveyVerdict::NotMet
    } else {
        SurveyVerdict::NotDistinguishable
    };
    Ok(SurveyTargetTest {
        estimate,
        se,
        target,
        higher_is_better,
        statistic: (se > 0.0).then(|| (estimate - target) / se),
        df: match spec.interval {
            IntervalKind::Normal => None,
            IntervalKind::StudentT => df,
        },
        ci_lower: lo,
        ci_upper: hi,
        met_point: if higher_is_better {
            estimate >= target
        } else {
            estimate <= target
        },
        verdict,
    })
}

/// Direction of a change between years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeVerdict {
    /// Significant rise (interval above 0).
    Rise,
    /// Significant fall (interval below 0).
    Fall,
    /// The interval contains 0.
    NoSignificantChange,
}

/// The change of a survey index between two years (independent samples).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IndexChange {
    /// The earlier year.
    pub from_year: i32,
    /// The later year.
    pub to_year: i32,
    /// Δ = θ̂₂ − θ̂₁.
    pub difference: f64,
    /// √(SE₁² + SE₂²).
    pub se: f64,
    /// Δ / SE (`None` when SE = 0).
    pub statistic: Option<f64>,
    /// Satterthwaite df (t interval only).
    pub df: Option<f64>,
    /// Two-sided p-value of Δ = 0 (`None` when SE = 0).
    pub p_value: Option<f64>,
    /// Lower interval bound of Δ.
    pub ci_lower: f64,
    /// Upper interval bound of Δ.
    pub ci_upper: f64,
    /// The verdict.
    pub verdict: ChangeVerdict,
}

/// Δ between `before` (year `from_year`) and `after` (year `to_year`) with its SE and
/// significance (module docs).
///
/// Errors: an estimate without an SE; a t interval whose df are missing or below 1.
pub fn index_change(
    from_year: i32,
    before: &Estimate,
    to_year: i32,
    after: &Estimate,
    spec: &SatisfactionSpec,
) -> Result<IndexChange> {
    let (Some(s1), Some(s2)) = (before.se, after.se) else {
        return Err(Error::invalid_argument(
            "index change",
            "both years need a standard error (at least two PSUs each)",
        ));
    };
    change_of(
        (from_year, before.mean, s1, before.df),
        (to_year, after.mean, s2, after.df),
        spec,
    )
}

/// [`index_change`] from (year, estimate, SE, df) of each year.
pub fn change_of(
    before: (i32, f64, f64, Option<f64>),
    after: (i32, f64, f64, Option<f64>),
    spec: &SatisfactionSpec,
) -> Result<IndexChange> {
    let (from_year, m1, s1, df1) = before;
    let (to_year, m2, s2, df2) = after;
    for (what, v) in [("estimate", m1), ("estimate", m2)] {
        if !v.is_finite() {
            return Err(Error::invalid_value(
                format!("index change: {what}"),
                v,
                "(must be finite)",
            ));
        }
    }
    for v in [s1, s2] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(Error::invalid_value(
                "index change: standard error",
                v,
                "(must be finite and non-negative)",
            ));
        }
    }
    spec.validate()?;
    let (v1, v2) = (s1 * s1, s2 * s2);
    let se = (v1 + v2).sqrt();
    let diff = m2 - m1;
    let df = match spec.interval {
        IntervalKind::Normal => None,
        IntervalKind::StudentT => match (df1, df2) {
            (Some(d1), Some(d2)) if d1 >= 1.0 && d2 >= 1.0 => {
                let den = v1 * v1 / d1 + v2 * v2 / d2;
                Some(if den > 0.0 {
                    (v1 + v2).powi(2) / den
                } else {
                    d1.min(d2)
                })
            }
            _ => {
                return Err(Error::invalid_argument(
                    "index change",
                    "a t interval needs at least 1 design degree of freedom in each year",
                ))
            }
        },
    };
    let q = spec
        .quantile(df)
        .expect("df ≥ 1 checked above for the t interval");
    let stat = (se > 0.0).then(|| diff / se);
    let p = stat.map(|t| match df {
        None => 2.0 * (1.0 - normal_cdf(t.abs())),
        Some(d) => 2.0 * (1.0 - t_cdf(t.abs(), d)),
    });
    let (lo, hi) = (diff - q * se, diff + q * se);
    Ok(IndexChange {
        from_year,
        to_year,
        difference: diff,
        se,
        statistic: stat,
        df,
        p_value: p,
        ci_lower: lo,
        ci_upper: hi,
        verdict: if lo > 0.0 {
            ChangeVerdict::Rise
        } else if hi < 0.0 {
            ChangeVerdict::Fall
        } else {
            ChangeVerdict::NoSignificantChange
        },
    })
}

/// Whether `met` of a survey-based indicator follows the point estimate or the test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyMetRule {
    /// met = estimate on the good side of the target (as for any indicator). Default: the
    /// plan's targets are stated for the published estimate.
    #[default]
    Point,
    /// met = the verdict is [`SurveyVerdict::Met`] (the target is met significantly).
    Significant,
}

/// The survey assessment of one indicator, unit and year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SurveyAssessment {
    /// The standard error from the panel.
    pub se: f64,
    /// The estimate against the numeric target (`None` without a target).
    pub test: Option<SurveyTargetTest>,
    /// The change since the previous panel year with both estimate and SE observed.
    pub change: Option<IndexChange>,
}

/// Adds the survey assessment to the achievement records of a survey-based indicator:
/// `values` and `se` are its panel series and standard errors aligned with `periods`.
/// Panel series carry no design degrees of freedom, so the normal interval is used (at
/// `spec.survey_z`). Under [`SurveyMetRule::Significant`] `met` becomes "the verdict is
/// met" (a note says so).
///
/// Errors: a negative or infinite standard error (naming unit, indicator and year).
pub fn assess_survey_series(
    records: &mut [crate::monitor::IndicatorAchievement],
    indicator: &crate::model::Indicator,
    periods: &[i32],
    values: &[f64],
    se: &[f64],
    spec: &crate::monitor::MonitorSpec,
) -> Result<()> {
    use crate::monitor::achievement::{Draft, StringNotes};
    let mut drafts: Vec<Draft> = records.iter().map(Draft::of).collect();
    let mut notes = StringNotes::default();
    let unit = records.first().map_or("", |r| r.unit.as_str()).to_string();
    assess_survey_drafts(
        &mut drafts,
        &unit,
        indicator,
        periods,
        values,
        se,
        spec,
        &mut notes,
    )?;
    for (k, (rec, d)) in records.iter_mut().zip(&drafts).enumerate() {
        rec.met = d.h.met;
        rec.survey = d.survey.as_deref().copied();
        if let Some(n) = notes.notes.get_mut(k) {
            rec.notes.append(n);
        }
    }
    Ok(())
}

/// [`assess_survey_series`] on the records of one series of `unit` being computed, the
/// notes written to `notes`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn assess_survey_drafts<N: crate::monitor::achievement::NoteSink>(
    records: &mut [crate::monitor::achievement::Draft],
    unit: &str,
    indicator: &crate::model::Indicator,
    periods: &[i32],
    values: &[f64],
    se: &[f64],
    spec: &crate::monitor::MonitorSpec,
    notes: &mut N,
) -> Result<()> {
    let normal = SatisfactionSpec {
        z: spec.survey_z,
        ..SatisfactionSpec::default()
    };
    let higher = !matches!(indicator.polarity, crate::model::Polarity::LowerIsBetter);
    let context = || format!("unit `{unit}`, indicator `{}`", indicator.id);
    for (what, n) in [("values", values.len()), ("standard errors", se.len())] {
        if n != periods.len() {
            return Err(Error::length_mismatch(
                format!("{}: {what} vs periods", context()),
                periods.len(),
                n,
            ));
        }
    }
    if let Some(w) = periods.windows(2).find(|w| w[0] >= w[1]) {
        return Err(Error::invalid_argument(
            format!("{}: periods", context()),
            format!(
                "periods must be strictly ascending; {} is followed by {}",
                w[0], w[1]
            ),
        ));
    }
    if let Some(w) = records.windows(2).find(|w| w[0].year > w[1].year) {
        return Err(Error::invalid_argument(
            format!("{}: achievement records", context()),
            format!(
                "records must be in ascending years; {} is followed by {}",
                w[0].year, w[1].year
            ),
        ));
    }
    // the records follow the periods (ascending years): a cursor finds each record's
    // period, and the latest earlier period with a value and a standard error is carried
    // along (a search per record was quadratic in periods)
    let mut k = 0;
    let mut prev: Option<usize> = None;
    let mut counted = 0;
    for (r, rec) in records.iter_mut().enumerate() {
        while k < periods.len() && periods[k] < rec.year {
            k += 1;
        }
        if k == periods.len() || periods[k] != rec.year {
            continue;
        }
        while counted < k {
            if !values[counted].is_nan() && !se[counted].is_nan() {
                prev = Some(counted);
            }
            counted += 1;
        }
        let (x, s) = (values[k], se[k]);
        if x.is_nan() || s.is_nan() {
            continue;
        }
        if !(s.is_finite() && s >= 0.0) {
            return Err(Error::invalid_value(
                format!(
                    "unit `{}`, indicator `{}`, year {}: standard error",
                    unit, indicator.id, rec.year
                ),
                s,
                "(must be finite and non-negative)",
            ));
        }
        let test = match indicator.target {
            Some(t) => Some(survey_target_test(x, s, None, t, higher, &normal)?),
            None => None,
        };
        let change = match prev {
            Some(j) => Some(change_of(
                (periods[j], values[j], se[j], None),
                (rec.year, x, s, None),
                &normal,
            )?),
            None => None,
        };
        if let (Some(t), SurveyMetRule::Significant) = (test, spec.survey_met) {
            rec.h.met = Some(t.verdict == SurveyVerdict::Met);
            notes.record(r);
            notes.owned(format!(
                "survey target: {} at the interval [{:.2}, {:.2}]; met requires significance",
                t.verdict.name(),
                t.ci_lower,
                t.ci_upper
            ));
        }
        rec.survey = Some(Box::new(SurveyAssessment {
            se: s,
            test,
            change,
        }));
    }
    Ok(())
}
