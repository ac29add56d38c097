//! Diagnostics: the statistics table, Pearson correlations within and between levels,
//! and Cronbach's alpha.
//!
//! * Statistics table per indicator and period (COINr `get_stats`; JRC COIN Tool
//!   "Statistics" tab): n, availability, mean, sample sd, min, max, skewness and excess
//!   kurtosis (Excel/e1071 type 2, see [`crate::method::treat::moments`]) and flags:
//!   `constant`, `low_availability` (< 65 %, JRC COIN Tool FAQ), `outlier` (fails the
//!   |skew| ≥ 2 and kurtosis ≥ 3.5 rule before treatment), `few_observations` (n < 4:
//!   skewness/kurtosis undefined).
//! * Pearson correlation `r = Σ(x−x̄)(y−ȳ)/√(Σ(x−x̄)²Σ(y−ȳ)²)` over the units observed on both
//!   (pairwise deletion, R `cor(use = "pairwise.complete.obs")`); NaN when fewer than 3
//!   pairs or a constant series (COINr `get_corr`).
//! * Cronbach's alpha of a dimension's k components over the units observed on all of them:
//!   `α = k/(k−1)·(1 − Σσ²_j / σ²_total)` with `σ²_total` the variance of the row sums
//!   (Cronbach 1951; COINr `get_cronbach` computes the equivalent `k²·c̄/σ²_total`);
//!   NaN when k < 2, fewer than 2 complete units, or `σ²_total = 0`.

use serde::{Deserialize, Serialize};

use super::treat::{moments, Moments, TreatmentSpec};

/// Availability below which an indicator is flagged (JRC COIN Tool FAQ: 65 %).
pub const LOW_AVAILABILITY: f64 = 0.65;

/// One row of the statistics table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorStats {
    /// Indicator id.
    pub indicator: String,
    /// Period.
    pub period: i32,
    /// Number of observed values (before imputation).
    pub n: usize,
    /// Share of (active) units observed.
    pub availability: f64,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1).
    pub sd: f64,
    /// Minimum.
    pub min: f64,
    /// Maximum.
    pub max: f64,
    /// Skewness (type 2).
    pub skew: f64,
    /// Excess kurtosis (type 2).
    pub kurtosis: f64,
    /// Flags: `constant`, `low_availability`, `outlier`, `few_observations`.
    pub flags: Vec<String>,
}

/// Builds one statistics row for `column` (raw values of one indicator in one period).
pub fn indicator_stats(
    indicator: &str,
    period: i32,
    column: &[f64],
    n_active: usize,
    treatment: &TreatmentSpec,
) -> IndicatorStats {
    indicator_stats_from(indicator, period, &moments(column), n_active, treatment)
}

/// [`indicator_stats`] from already computed [`Moments`].
pub fn indicator_stats_from(
    indicator: &str,
    period: i32,
    m: &Moments,
    n_active: usize,
    treatment: &TreatmentSpec,
) -> IndicatorStats {
    let availability = if n_active == 0 {
        0.0
    } else {
        m.n as f64 / n_active as f64
    };
    let mut flags = Vec::new();
    if m.n >= 2 && m.min == m.max {
        flags.push("constant".to_string());
    }
    if availability < LOW_AVAILABILITY {
        flags.push("low_availability".to_string());
    }
    if treatment.fails(m.skew, m.kurt) {
        flags.push("outlier".to_string());
    }
    if m.n < 4 {
        flags.push("few_observations".to_string());
    }
    IndicatorStats {
        indicator: indicator.to_string(),
        period,
        n: m.n,
        availability,
        mean: m.mean,
        sd: m.sd,
        min: m.min,
        max: m.max,
        skew: m.skew,
        kurtosis: m.kurt,
        flags,
    }
}

/// Pearson correlation over the pairs where both are observed; NaN with fewer than 3
/// pairs or zero variance. Allocation-free (two passes).
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let (mut n, mut sx, mut sy) = (0usize, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        if !a.is_nan() && !b.is_nan() {
            n += 1;
            sx += a;
            sy += b;
        }
    }
    if n < 3 {
        return f64::NAN;
    }
    let (mx, my) = (sx / n as f64, sy / n as f64);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        if !a.is_nan() && !b.is_nan() {
            let (da, db) = (a - mx, b - my);
            sxy += da * db;
            sxx += da * da;
            syy += db * db;
        }
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return f64::NAN;
    }
    (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0)
}

/// Cronbach's alpha of `k` columns of equal length (see the module docs).
pub fn cronbach_alpha(columns: &[&[f64]]) -> f64 {
    let k = columns.len();
    if k < 2 {
        return f64::NAN;
    }
    let n = columns[0].len();
    let complete: Vec<usize> = (0..n)
        .filter(|&u| columns.iter().all(|c| !c[u].is_nan()))
        .collect();
    let m = complete.len();
    if m < 2 {
        return f64::NAN;
    }
    let var = |f: &dyn Fn(usize) -> f64| -> f64 {
        let mean = complete.iter().map(|&u| f(u)).sum::<f64>() / m as f64;
        complete.iter().map(|&u| (f(u) - mean).powi(2)).sum::<f64>() / (m as f64 - 1.0)
    };
    let sum_item: f64 = columns.iter().map(|c| var(&|u| c[u])).sum();
    let total = var(&|u| columns.iter().map(|c| c[u]).sum());
    if total <= 0.0 {
        return f64::NAN;
    }
    let kf = k as f64;
    kf / (kf - 1.0) * (1.0 - sum_item / total)
}

/// A correlation matrix among the children of one node in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrelationMatrix {
    /// The parent node (dimension id, or the index id).
    pub node: String,
    /// Period.
    pub period: i32,
    /// Child ids (rows and columns).
    pub ids: Vec<String>,
    /// Row-major `ids.len()²` Pearson correlations (NaN where undefined).
    pub values: Vec<f64>,
}

/// The correlation of a node's score with its parent's score in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParentCorrelation {
    /// Child (indicator or dimension id).
    pub child: String,
    /// Parent (dimension id or the index id).
    pub parent: String,
    /// Period.
    pub period: i32,
    /// Pearson r.
    pub r: f64,
}

/// Cronbach's alpha of one dimension in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CronbachAlpha {
    /// Dimension id (or the index id).
    pub node: String,
    /// Period.
    pub period: i32,
    /// Number of components.
    pub k: usize,
    /// α (NaN where undefined).
    pub alpha: f64,
}
