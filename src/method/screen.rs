//! Screening of units by data availability.
//!
//! A unit's availability in a period is the share of the framework's indicators present in
//! the panel that it has observed (before imputation). COINr `Screen` (`dat_thresh`, default
//! 2/3) removes units below a threshold; the JRC COIN Tool FAQ asks for at least 65 % per
//! unit; the SDSN SDR computes no index for a country missing more than 20 % of indicators.
//! Here the threshold also applies per top-level dimension when
//! `min_dimension_availability` is set (availability within each top-level dimension).
//!
//! `action = flag` (default) keeps the unit and reports it; `action = drop` excludes the
//! unit from that period: its values are not used by imputation, treatment, normalisation
//! or objective weights, and all its scores in that period are NaN.

use serde::{Deserialize, Serialize};

/// What happens to a unit below the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScreenAction {
    /// Keep the unit and list it in the results (default).
    #[default]
    Flag,
    /// Exclude the unit from the period.
    Drop,
}

/// Screening parameters (spec field `screening`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScreeningSpec {
    /// Minimum share of indicators observed, in [0, 1] (default 2/3, COINr `dat_thresh`).
    pub min_availability: f64,
    /// Minimum share observed within every top-level dimension, in [0, 1]
    /// (default `None` = not checked).
    pub min_dimension_availability: Option<f64>,
    /// Flag or drop (default flag).
    pub action: ScreenAction,
}

impl Default for ScreeningSpec {
    fn default() -> Self {
        ScreeningSpec {
            min_availability: 2.0 / 3.0,
            min_dimension_availability: None,
            action: ScreenAction::Flag,
        }
    }
}

/// A unit below a threshold in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreenedUnit {
    /// Unit id.
    pub unit: String,
    /// Period.
    pub period: i32,
    /// Share of indicators observed.
    pub availability: f64,
    /// The top-level dimension whose availability failed, when that was the reason.
    pub dimension: Option<String>,
    /// Whether the unit was dropped from the period (else only flagged).
    pub dropped: bool,
}

/// Availability of every (unit, period), laid out `p · n_units + u`.
///
/// `values` is the column-major panel buffer restricted to the indicators in `cols`
/// (indices into the panel's indicator axis).
pub fn availability(values: &[f64], n_units: usize, n_periods: usize, cols: &[usize]) -> Vec<f64> {
    let mut count = vec![0u32; n_units * n_periods];
    for &i in cols {
        for p in 0..n_periods {
            let s = (i * n_periods + p) * n_units;
            let col = &values[s..s + n_units];
            let c = &mut count[p * n_units..(p + 1) * n_units];
            for (k, &v) in c.iter_mut().zip(col) {
                *k += u32::from(!v.is_nan());
            }
        }
    }
    let d = cols.len().max(1) as f64;
    count.into_iter().map(|c| f64::from(c) / d).collect()
}
