//! Income-distribution measures: Gini, generalised entropy (Theil T, mean log deviation),
//! Atkinson, coefficient of variation, Hoover, quantiles and quantile ratios, Lorenz
//! ordinates and income shares (Palma, S80/S20), band shares, the at-risk-of-poverty rate,
//! decompositions by group (Shorrocks, Dagum), ratios of series, regional disparity and the
//! Gini from grouped data.
//!
//! Everything weighted: `weights = None` means every weight 1; weights need not sum to 1.
//! Build a [`Distribution`] once (one validation pass and one sort) and query it; the free
//! functions ([`gini`], [`theil_t`], …) are one-shot conveniences with the argument order of
//! the C ABI. Formulas, conventions and sources are in `docs/distribution.md` and in each
//! item's documentation.
//!
//! ## Edge cases (all return an [`Error`], never a silent NaN)
//! | input | behaviour |
//! |---|---|
//! | `n = 0` | `Error::Empty` |
//! | `n = 1` | Gini, GE, Atkinson, CV, Hoover = 0; quantiles = the value; corrected Gini errors |
//! | all equal | every inequality index 0; every quantile the value |
//! | zeros | allowed for Gini, CV, Hoover, GE(α > 0), Atkinson(ε < 1); error for GE(α ≤ 0), Atkinson(ε ≥ 1), max/min |
//! | negatives | allowed for Gini (may exceed 1), CV, Hoover, quantiles, shares; error for GE, Atkinson, Dagum |
//! | NaN value | `Error::MissingValue` naming `values[i]`, or dropped with [`MissingPolicy::Skip`] |
//! | ±inf value | `Error::InvalidValue` naming `values[i]` |
//! | NaN / ±inf / negative weight | `Error::InvalidValue` naming `weights[i]` |
//! | zero weight | record left out (counted); zero total weight → `Error::InvalidValue` |
//! | mean ≤ 0 | `Error::InvalidValue` for every relative measure |
//! | mismatched lengths | `Error::LengthMismatch` |

#[cfg(test)]
mod build_tests;
mod decompose;
mod dist;
mod exact;
mod grouped;
pub mod measure;
pub(crate) mod near_limit;
mod rank;
mod sort;
mod summary;

pub use decompose::{
    dagum_gini_decomposition, ge_decomposition, GeDecomposition, GiniDecomposition, GroupSummary,
};
pub use dist::{BandRule, Distribution, MaxMin, MissingPolicy, QuantileMethod, ShareRatioMethod};
pub use grouped::{gini_from_lorenz, gini_from_shares};
pub use measure::{inequality_report, InequalityReport, Measure};
pub use rank::{
    answer_probes, dagum_decomposition_from_plans, Probe, ProbeAnswer, ProbeKind, RankPartition,
    RankPlan, RankQuery,
};
pub use summary::{ge_decomposition_from_summaries, Summary};

use crate::error::{Error, Result};

/// One-shot Gini (see [`Distribution::gini`]).
pub fn gini(values: &[f64], weights: Option<&[f64]>) -> Result<f64> {
    Distribution::new(values, weights)?.gini()
}

/// One-shot Theil T = GE(1) (see [`Distribution::generalized_entropy`]).
pub fn theil_t(values: &[f64], weights: Option<&[f64]>) -> Result<f64> {
    Distribution::new(values, weights)?.theil_t()
}

/// One-shot mean log deviation = GE(0) (see [`Distribution::generalized_entropy`]).
pub fn mean_log_deviation(values: &[f64], weights: Option<&[f64]>) -> Result<f64> {
    Distribution::new(values, weights)?.mean_log_deviation()
}

/// One-shot GE(α) (see [`Distribution::generalized_entropy`]).
pub fn generalized_entropy(values: &[f64], weights: Option<&[f64]>, alpha: f64) -> Result<f64> {
    Distribution::new(values, weights)?.generalized_entropy(alpha)
}

/// One-shot Atkinson(ε) (see [`Distribution::atkinson`]).
pub fn atkinson(values: &[f64], weights: Option<&[f64]>, epsilon: f64) -> Result<f64> {
    Distribution::new(values, weights)?.atkinson(epsilon)
}

/// One-shot population coefficient of variation (see
/// [`Distribution::coefficient_of_variation`]).
pub fn coefficient_of_variation(values: &[f64], weights: Option<&[f64]>) -> Result<f64> {
    Distribution::new(values, weights)?.coefficient_of_variation()
}

/// One-shot Palma ratio (see [`Distribution::palma_ratio`]).
pub fn palma_ratio(values: &[f64], weights: Option<&[f64]>) -> Result<f64> {
    Distribution::new(values, weights)?.palma_ratio()
}

/// One-shot S80/S20 quintile share ratio from the Lorenz curve (see
/// [`Distribution::quintile_share_ratio`] for the Eurostat variant).
pub fn quintile_share_ratio(values: &[f64], weights: Option<&[f64]>) -> Result<f64> {
    Distribution::new(values, weights)?.s80_s20()
}

/// One-shot quantile, type 2 "averaged inverted CDF" (see [`Distribution::quantile`]).
pub fn quantile(values: &[f64], weights: Option<&[f64]>, p: f64) -> Result<f64> {
    Distribution::new(values, weights)?.quantile(p, QuantileMethod::AveragedInvertedCdf)
}

/// One-shot share of the population in `[lower, upper)` (see
/// [`Distribution::share_in_band`]).
pub fn share_in_band(
    values: &[f64],
    weights: Option<&[f64]>,
    lower: f64,
    upper: f64,
) -> Result<f64> {
    Distribution::new(values, weights)?.share_in_band(lower, upper, BandRule::HalfOpen)
}

/// Ratio of the weighted means of two series, e.g. urban over rural per-capita disposable
/// income (城乡居民收入倍差) from household records: `μ_num / μ_den`. The denominator mean
/// must be > 0.
pub fn mean_ratio(
    numerator: &[f64],
    numerator_weights: Option<&[f64]>,
    denominator: &[f64],
    denominator_weights: Option<&[f64]>,
) -> Result<f64> {
    let num = weighted_mean(numerator, numerator_weights, "numerator")?;
    let den = weighted_mean(denominator, denominator_weights, "denominator")?;
    if den <= 0.0 {
        return Err(Error::invalid_value(
            "mean of the denominator series",
            den,
            "as the denominator of a ratio (must be > 0)",
        ));
    }
    Ok(num / den)
}

fn weighted_mean(values: &[f64], weights: Option<&[f64]>, what: &str) -> Result<f64> {
    if let Some(w) = weights {
        if w.len() != values.len() {
            return Err(Error::length_mismatch(
                format!("{what} weights vs values"),
                values.len(),
                w.len(),
            ));
        }
    }
    if values.is_empty() {
        return Err(Error::Empty {
            context: format!("{what} values"),
        });
    }
    let (mut sw, mut swx) = (0.0, 0.0);
    for (i, &v) in values.iter().enumerate() {
        let w = weights.map_or(1.0, |w| w[i]);
        if !(w.is_finite() && w >= 0.0) {
            return Err(Error::invalid_value(
                format!("{what} weights[{i}]"),
                w,
                "as a weight (weights must be finite and ≥ 0)",
            ));
        }
        if v.is_nan() {
            return Err(Error::MissingValue {
                context: format!("{what} values[{i}]"),
                reason: "in a ratio of means".into(),
            });
        }
        if v.is_infinite() {
            return Err(Error::invalid_value(
                format!("{what} values[{i}]"),
                v,
                "(values must be finite)",
            ));
        }
        sw += w;
        swx += w * v;
    }
    if sw <= 0.0 {
        return Err(Error::invalid_value(
            format!("{what} weights"),
            sw,
            "as the total weight (must be > 0)",
        ));
    }
    Ok(swx / sw)
}

/// Element-wise ratio of two aligned series, e.g. urban over rural income by year:
/// `out[t] = numerator[t] / denominator[t]`. NaN in either → [`Error::MissingValue`]
/// naming the position; a denominator ≤ 0 or a non-finite value → [`Error::InvalidValue`].
pub fn series_ratio(numerator: &[f64], denominator: &[f64]) -> Result<Vec<f64>> {
    if numerator.len() != denominator.len() {
        return Err(Error::length_mismatch(
            "denominator vs numerator",
            numerator.len(),
            denominator.len(),
        ));
    }
    let mut out = Vec::with_capacity(numerator.len());
    for (t, (&a, &b)) in numerator.iter().zip(denominator).enumerate() {
        for (name, v) in [("numerator", a), ("denominator", b)] {
            if v.is_nan() {
                return Err(Error::MissingValue {
                    context: format!("{name}[{t}]"),
                    reason: "in a ratio of series".into(),
                });
            }
            if v.is_infinite() {
                return Err(Error::invalid_value(
                    format!("{name}[{t}]"),
                    v,
                    "(values must be finite)",
                ));
            }
        }
        if b <= 0.0 {
            return Err(Error::invalid_value(
                format!("denominator[{t}]"),
                b,
                "as the denominator of a ratio (must be > 0)",
            ));
        }
        out.push(a / b);
    }
    Ok(out)
}

/// Disparity of a unit-level indicator across regions (counties, cities).
#[derive(Debug, Clone, PartialEq)]
pub struct RegionalDisparity {
    /// Number of units.
    pub n: usize,
    /// Population-weighted mean of the indicator.
    pub mean: f64,
    /// Population-weighted coefficient of variation (Williamson 1965's weighted CV).
    pub cv: f64,
    /// Population-weighted Theil T.
    pub theil_t: f64,
    /// Population-weighted Gini.
    pub gini: f64,
    /// Highest over lowest unit value, with the units' positions (unweighted by nature).
    pub max_min: MaxMin,
}

/// Regional disparity of a unit-level indicator (e.g. per-capita disposable income of the
/// six counties/districts) with optional population weights.
///
/// These are exactly the weighted measures of [`Distribution`] with the units as records
/// and the populations as weights: the population-weighted CV is Williamson's (1965)
/// coefficient, the Theil index the population-weighted Theil T (Akita 2003 uses it for
/// regional decompositions), the Gini the weighted Gini. Without weights each unit counts
/// once. Needs every value > 0 (the max/min ratio), NaN is an error.
pub fn regional_disparity(values: &[f64], population: Option<&[f64]>) -> Result<RegionalDisparity> {
    let d = Distribution::new(values, population)?;
    Ok(RegionalDisparity {
        n: d.n(),
        mean: d.mean(),
        cv: d.coefficient_of_variation()?,
        theil_t: d.theil_t()?,
        gini: d.gini()?,
        max_min: d.max_min_ratio()?,
    })
}
