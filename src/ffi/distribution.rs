//! Income-distribution measures: one-shot functions over `(values, weights, n)`, a
//! reusable `cpindex_distribution` handle (validated and sorted once, then queried), and
//! decompositions by group.
//!
//! Conventions of every function here: `weights == NULL` means every weight 1 (otherwise
//! `weights` has `n` elements); `(NULL, 0)` values are an empty input, which every measure
//! refuses with `CPINDEX_STATUS_EMPTY_INPUT`. NaN values are `CPINDEX_STATUS_MISSING_VALUE`
//! (or dropped by a handle built with `CPINDEX_MISSING_POLICY_SKIP`), ±inf values and bad
//! weights `CPINDEX_STATUS_INVALID_VALUE`. Formulas and sources: `docs/distribution.md`
//! and `crate::distribution`.

use std::sync::Arc;

use super::error::{FfiError, FfiResult};
use super::guard::{guard_default, guard_status};
use super::handle::{arc_clone, arc_free, arc_into_ptr, arc_ref, ArcHandle};
use super::slice::{out_ptr, try_slice, write_array};
use super::status::cpindex_status;
use crate::distribution::{
    self as dist, BandRule, Distribution, MissingPolicy, QuantileMethod, ShareRatioMethod,
};

/// A weighted distribution (typically of incomes), validated and sorted once, immutable.
///
/// Create with `cpindex_distribution_new` (or `_clone`); free each with
/// `cpindex_distribution_free`.
///
/// **Thread safety:** may be used from multiple threads simultaneously (every function
/// takes it as `const`; the Rust type is `Send + Sync`, asserted at compile time).
pub struct cpindex_distribution {
    _private: [u8; 0],
}

impl ArcHandle for cpindex_distribution {
    type Rust = Distribution;
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Arc<Distribution>>();
};

/// Missing-value policies for `cpindex_distribution_new`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_missing_policy {
    /// A NaN value is an error (`CPINDEX_STATUS_MISSING_VALUE`) naming its position.
    Error = 0,
    /// NaN values and their weights are dropped (counted by `cpindex_distribution_counts`).
    Skip = 1,
}

/// Quantile conventions (Hyndman & Fan 1996 types), for `cpindex_distribution_quantile`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_quantile_method {
    /// Type 2, averaged inverted CDF (Eurostat EU-SILC, laeken, Stata); the default.
    AveragedInvertedCdf = 0,
    /// Type 1, inverted CDF.
    InvertedCdf = 1,
    /// Type 7, linear interpolation (R and numpy default); unweighted data only.
    Linear = 2,
}

/// Which end points of a band count, for `cpindex_distribution_share_in_band`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_band_rule {
    /// `lower <= x < upper` (adjacent bands partition the population); the default.
    HalfOpen = 0,
    /// `lower <= x <= upper`.
    Closed = 1,
}

/// S80/S20 variants, for `cpindex_distribution_quintile_share_ratio`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_share_ratio_method {
    /// From the Lorenz curve, `(1 - L(0.8)) / L(0.2)` (World Bank / OECD style); the default.
    Lorenz = 0,
    /// Eurostat EU-SILC / laeken (>= 0.5.0) `qsr`: total income of the records above the
    /// weighted (type 2) 80th percentile over the total income of those at or below the 20th.
    Eurostat = 1,
}

/// Scalar measures of a distribution, for `cpindex_distribution_measure`. The `parameter`
/// argument is used only where stated.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_measure {
    /// Weighted mean.
    Mean = 0,
    /// Total weight (the population represented).
    TotalWeight = 1,
    /// Total weighted value (total income).
    Total = 2,
    /// Gini coefficient.
    Gini = 3,
    /// Gini with the small-sample correction.
    GiniCorrected = 4,
    /// Theil T = GE(1).
    TheilT = 5,
    /// Mean log deviation = GE(0).
    MeanLogDeviation = 6,
    /// Generalised entropy GE(alpha), alpha = `parameter`.
    GeneralizedEntropy = 7,
    /// Atkinson index A(epsilon), epsilon = `parameter`.
    Atkinson = 8,
    /// Population coefficient of variation.
    CoefficientOfVariation = 9,
    /// Hoover (Robin Hood, Pietra) index.
    Hoover = 10,
    /// Palma ratio (top 10 % share over bottom 40 % share).
    PalmaRatio = 11,
    /// S80/S20 from the Lorenz curve.
    S80S20 = 12,
    /// Weighted median (type 2).
    Median = 13,
    /// At-risk-of-poverty threshold: 60 % of the median.
    AtRiskOfPovertyThreshold = 14,
    /// At-risk-of-poverty rate (a fraction): share strictly below the threshold.
    AtRiskOfPovertyRate = 15,
    /// Smallest value.
    Min = 16,
    /// Largest value.
    Max = 17,
    /// Largest over smallest value (needs min > 0).
    MaxMinRatio = 18,
    /// Share of the population strictly below `parameter`.
    ShareBelow = 19,
}

/// Largest and smallest value with their positions in the caller's `values`, for
/// `cpindex_distribution_max_min`.
///
/// A small fixed POD (house style R16): five machine words, never to grow.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cpindex_max_min {
    /// Largest value.
    pub max: f64,
    /// Position of the (first) largest value in the input array.
    pub max_position: usize,
    /// Smallest value.
    pub min: f64,
    /// Position of the (first) smallest value in the input array.
    pub min_position: usize,
    /// `max / min`.
    pub ratio: f64,
}

macro_rules! code_enum {
    ($t:ident { $($v:ident),+ $(,)? }) => {
        impl $t {
            pub(crate) fn from_code(code: u32, name: &str) -> FfiResult<$t> {
                $( if code == $t::$v as u32 { return Ok($t::$v); } )+
                Err(FfiError::invalid(name, format!("{code} is not a {} code", stringify!($t))))
            }
        }
    };
}
code_enum!(cpindex_missing_policy { Error, Skip });
code_enum!(cpindex_quantile_method {
    AveragedInvertedCdf,
    InvertedCdf,
    Linear
});
code_enum!(cpindex_band_rule { HalfOpen, Closed });
code_enum!(cpindex_share_ratio_method { Lorenz, Eurostat });
code_enum!(cpindex_measure {
    Mean,
    TotalWeight,
    Total,
    Gini,
    GiniCorrected,
    TheilT,
    MeanLogDeviation,
    GeneralizedEntropy,
    Atkinson,
    CoefficientOfVariation,
    Hoover,
    PalmaRatio,
    S80S20,
    Median,
    AtRiskOfPovertyThreshold,
    AtRiskOfPovertyRate,
    Min,
    Max,
    MaxMinRatio,
    ShareBelow,
});

/// The inputs of a one-shot function: values, and weights unless NULL.
///
/// # Safety
/// `values` valid for `n` reads (or `n == 0`); `weights` NULL or valid for `n` reads.
unsafe fn inputs<'a>(
    values: *const f64,
    weights: *const f64,
    n: usize,
) -> FfiResult<(&'a [f64], Option<&'a [f64]>)> {
    let v = try_slice(values, n, "values")?;
    let w = if weights.is_null() {
        None
    } else {
        Some(try_slice(weights, n, "weights")?)
    };
    Ok((v, w))
}

/// The body of a one-shot measure: checks `out`, reads the inputs, writes the result on
/// success. Each exported function runs it under its own `guard_status`.
///
/// # Safety
/// As [`inputs`]; `out` NULL or valid for a write.
unsafe fn one_shot(
    values: *const f64,
    weights: *const f64,
    n: usize,
    out: *mut f64,
    f: impl FnOnce(&[f64], Option<&[f64]>) -> crate::Result<f64>,
) -> FfiResult<()> {
    let out = out_ptr(out, "out")?;
    let (v, w) = inputs(values, weights, n)?;
    out.write(f(v, w)?);
    Ok(())
}

/// Gini coefficient `G = ΣΣ wᵢwⱼ|xᵢ−xⱼ| / (2W²μ)` (Cowell 2011 §2.2; laeken `gini`/100;
/// R `ineq::Gini(x, corr = FALSE)`). Example: {1, 2, 3, 4} unweighted gives 0.25.
///
/// **Ownership:** the caller keeps its arrays. **NULL:** `weights` NULL = unweighted;
/// `values` may be NULL only when `n` is 0 (then EMPTY_INPUT); `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_EMPTY_INPUT`,
/// `CPINDEX_STATUS_MISSING_VALUE` (NaN), `CPINDEX_STATUS_INVALID_VALUE` (±inf, a bad weight,
/// mean ≤ 0). `*out` is written only on success.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `values` (and `weights` unless NULL) valid for `n` reads; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_gini(
    values: *const f64,
    weights: *const f64,
    n: usize,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_gini", || {
        one_shot(values, weights, n, out, dist::gini)
    })
}

/// Theil T index = GE(1) = `(1/W) Σ wᵢ (xᵢ/μ) ln(xᵢ/μ)` (Theil 1967; Cowell 2011 §3.2).
/// Zeros are allowed (0·ln 0 = 0); negative values are not.
///
/// **Ownership:** the caller keeps its arrays. **NULL:** as `cpindex_gini`.
/// **Errors:** as `cpindex_gini`, plus INVALID_VALUE for a negative value.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// As `cpindex_gini`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_theil_t(
    values: *const f64,
    weights: *const f64,
    n: usize,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_theil_t", || {
        one_shot(values, weights, n, out, dist::theil_t)
    })
}

/// Mean log deviation = GE(0) = `(1/W) Σ wᵢ ln(μ/xᵢ)` (Theil L; Cowell 2011 §3.2). Every
/// value must be > 0.
///
/// **Ownership:** the caller keeps its arrays. **NULL:** as `cpindex_gini`.
/// **Errors:** as `cpindex_gini`, plus INVALID_VALUE for a value ≤ 0.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// As `cpindex_gini`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_mean_log_deviation(
    values: *const f64,
    weights: *const f64,
    n: usize,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_mean_log_deviation", || {
        one_shot(values, weights, n, out, dist::mean_log_deviation)
    })
}

/// Generalised entropy `GE(α) = (1/(α(α−1))) [(1/W) Σ wᵢ (xᵢ/μ)^α − 1]`, with the limits
/// GE(0) = mean log deviation and GE(1) = Theil T (Shorrocks 1980; Cowell 2011 §3.2).
/// GE(2) is half the squared coefficient of variation.
///
/// **Ownership:** the caller keeps its arrays. **NULL:** as `cpindex_gini`.
/// **Errors:** as `cpindex_gini`; INVALID_ARGUMENT for a non-finite `alpha`; INVALID_VALUE
/// for zeros with α ≤ 0 or negative values (except with α = 2, defined wherever the
/// coefficient of variation is).
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// As `cpindex_gini`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_generalized_entropy(
    values: *const f64,
    weights: *const f64,
    n: usize,
    alpha: f64,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_generalized_entropy", || {
        one_shot(values, weights, n, out, |v, w| {
            dist::generalized_entropy(v, w, alpha)
        })
    })
}

/// Atkinson index `A(ε) = 1 − (1/μ)[(1/W) Σ wᵢ xᵢ^(1−ε)]^(1/(1−ε))`, and
/// `1 − exp((1/W) Σ wᵢ ln xᵢ)/μ` for ε = 1 (Atkinson 1970; Cowell 2011 §3.3); ε ≥ 0.
///
/// **Ownership:** the caller keeps its arrays. **NULL:** as `cpindex_gini`.
/// **Errors:** as `cpindex_gini`; INVALID_ARGUMENT for ε < 0 or non-finite; INVALID_VALUE
/// for zeros with ε ≥ 1 or negative values.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// As `cpindex_gini`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_atkinson(
    values: *const f64,
    weights: *const f64,
    n: usize,
    epsilon: f64,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_atkinson", || {
        one_shot(values, weights, n, out, |v, w| {
            dist::atkinson(v, w, epsilon)
        })
    })
}

/// Population coefficient of variation `σ/μ` (weighted, divisor W; Williamson 1965 for
/// regions weighted by population).
///
/// **Ownership:** the caller keeps its arrays. **NULL:** as `cpindex_gini`.
/// **Errors:** as `cpindex_gini`.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// As `cpindex_gini`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_coefficient_of_variation(
    values: *const f64,
    weights: *const f64,
    n: usize,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_coefficient_of_variation", || {
        one_shot(values, weights, n, out, dist::coefficient_of_variation)
    })
}

/// Palma ratio: income share of the richest 10 % over that of the poorest 40 %, from the
/// Lorenz curve (Palma 2011; Cobham & Sumner 2013).
///
/// **Ownership:** the caller keeps its arrays. **NULL:** as `cpindex_gini`.
/// **Errors:** as `cpindex_gini`; INVALID_VALUE when the bottom 40 % hold nothing.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// As `cpindex_gini`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_palma_ratio(
    values: *const f64,
    weights: *const f64,
    n: usize,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_palma_ratio", || {
        one_shot(values, weights, n, out, dist::palma_ratio)
    })
}

/// Quintile share ratio S80/S20 from the Lorenz curve, `(1 − L(0.8)) / L(0.2)` (use
/// `cpindex_distribution_quintile_share_ratio` for the Eurostat variant).
///
/// **Ownership:** the caller keeps its arrays. **NULL:** as `cpindex_gini`.
/// **Errors:** as `cpindex_gini`; INVALID_VALUE when the bottom 20 % hold nothing.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// As `cpindex_gini`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_quintile_share_ratio(
    values: *const f64,
    weights: *const f64,
    n: usize,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_quintile_share_ratio", || {
        one_shot(values, weights, n, out, dist::quintile_share_ratio)
    })
}

/// Weighted quantile at `p ∈ [0, 1]`, Hyndman–Fan type 2 (averaged inverted CDF, the
/// Eurostat/laeken convention): e.g. the median of {1, 2, 3, 4} is 2.5. Other conventions:
/// `cpindex_distribution_quantile`.
///
/// **Ownership:** the caller keeps its arrays. **NULL:** as `cpindex_gini`.
/// **Errors:** as `cpindex_gini` (negative values allowed); INVALID_ARGUMENT for `p`
/// outside [0, 1] or NaN.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// As `cpindex_gini`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_quantile(
    values: *const f64,
    weights: *const f64,
    n: usize,
    p: f64,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_quantile", || {
        one_shot(values, weights, n, out, |v, w| dist::quantile(v, w, p))
    })
}

/// Weighted share of the population with a value in `[lower, upper)` (e.g. the share of
/// households in a middle-income band, 中等收入群体比重). Bounds may be ±inf, not NaN.
///
/// **Ownership:** the caller keeps its arrays. **NULL:** as `cpindex_gini`.
/// **Errors:** as `cpindex_gini` (negative values allowed); INVALID_ARGUMENT for a NaN bound
/// or `lower > upper`.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// As `cpindex_gini`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_share_in_band(
    values: *const f64,
    weights: *const f64,
    n: usize,
    lower: f64,
    upper: f64,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_share_in_band", || {
        one_shot(values, weights, n, out, |v, w| {
            dist::share_in_band(v, w, lower, upper)
        })
    })
}

/// Converts C group labels to the core's `usize` labels (checking the length).
unsafe fn group_labels(groups: *const u32, n: usize) -> FfiResult<Vec<usize>> {
    Ok(try_slice(groups, n, "groups")?
        .iter()
        .map(|&g| g as usize)
        .collect())
}

/// Shorrocks decomposition of GE(α) by population subgroups:
/// `total = within + between` (Shorrocks 1980/1984; Cowell 2011 §4.5). `groups[i]` is the
/// group label of record `i` (any `uint32_t`).
///
/// **Ownership:** the caller keeps its arrays. **NULL:** `weights` NULL = unweighted;
/// `values` and `groups` may be NULL only when `n` is 0; the three out-pointers must not
/// be NULL. **Errors:** as `cpindex_generalized_entropy`. Outputs are written only on
/// success.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `values`, `groups` (and `weights` unless NULL) valid for `n` reads; out-pointers valid
/// for writes.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)] // inputs, then three outputs
pub unsafe extern "C" fn cpindex_ge_decomposition(
    values: *const f64,
    weights: *const f64,
    groups: *const u32,
    n: usize,
    alpha: f64,
    out_total: *mut f64,
    out_within: *mut f64,
    out_between: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_ge_decomposition", || {
        let t = out_ptr(out_total, "out_total")?;
        let wi = out_ptr(out_within, "out_within")?;
        let b = out_ptr(out_between, "out_between")?;
        let (v, w) = inputs(values, weights, n)?;
        let g = group_labels(groups, n)?;
        let d = dist::ge_decomposition(v, w, &g, alpha)?;
        t.write(d.total);
        wi.write(d.within);
        b.write(d.between);
        Ok(())
    })
}

/// Dagum (1997) decomposition of the Gini by groups:
/// `total = within + between_net + transvariation`. Values must be ≥ 0.
///
/// **Ownership:** the caller keeps its arrays. **NULL:** as `cpindex_ge_decomposition`
/// (four out-pointers). **Errors:** as `cpindex_gini`, plus INVALID_VALUE for a negative
/// value. Outputs are written only on success.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// As `cpindex_ge_decomposition`.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)] // inputs, then four outputs
pub unsafe extern "C" fn cpindex_gini_decomposition(
    values: *const f64,
    weights: *const f64,
    groups: *const u32,
    n: usize,
    out_total: *mut f64,
    out_within: *mut f64,
    out_between_net: *mut f64,
    out_transvariation: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_gini_decomposition", || {
        let t = out_ptr(out_total, "out_total")?;
        let wi = out_ptr(out_within, "out_within")?;
        let b = out_ptr(out_between_net, "out_between_net")?;
        let tv = out_ptr(out_transvariation, "out_transvariation")?;
        let (v, w) = inputs(values, weights, n)?;
        let g = group_labels(groups, n)?;
        let d = dist::dagum_gini_decomposition(v, w, &g)?;
        t.write(d.total);
        wi.write(d.within);
        b.write(d.between_net);
        tv.write(d.transvariation);
        Ok(())
    })
}

/// Builds a distribution handle: validates, drops or refuses NaN per `missing_policy` (a
/// `cpindex_missing_policy` code), leaves out zero weights, sorts once. The arrays are
/// copied.
///
/// **Ownership:** on success `*out` receives a new handle the caller frees with
/// `cpindex_distribution_free`. **NULL:** `weights` NULL = unweighted; `values` may be
/// NULL only when `n` is 0 (then EMPTY_INPUT); `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// policy code), `CPINDEX_STATUS_EMPTY_INPUT` (nothing left), `CPINDEX_STATUS_MISSING_VALUE`,
/// `CPINDEX_STATUS_INVALID_VALUE` (±inf, bad weight, zero total weight).
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `values` (and `weights` unless NULL) valid for `n` reads; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_distribution_new(
    values: *const f64,
    weights: *const f64,
    n: usize,
    missing_policy: u32,
    out: *mut *const cpindex_distribution,
) -> cpindex_status {
    guard_status("cpindex_distribution_new", || {
        let out = out_ptr(out, "out")?;
        let policy = match cpindex_missing_policy::from_code(missing_policy, "missing_policy")? {
            cpindex_missing_policy::Error => MissingPolicy::Error,
            cpindex_missing_policy::Skip => MissingPolicy::Skip,
        };
        let (v, w) = inputs(values, weights, n)?;
        let d = Distribution::with_policy(v, w, policy)?;
        out.write(arc_into_ptr::<cpindex_distribution>(Arc::new(d)));
        Ok(())
    })
}

/// A new reference to the same distribution (cheap; freed separately).
///
/// **Ownership:** `*out` must be freed with `cpindex_distribution_free`.
/// **NULL:** neither argument may be NULL. **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `dist` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_distribution_clone(
    dist: *const cpindex_distribution,
    out: *mut *const cpindex_distribution,
) -> cpindex_status {
    guard_status("cpindex_distribution_clone", || {
        let out = out_ptr(out, "out")?;
        let a = arc_clone(dist, "dist")?;
        out.write(arc_into_ptr::<cpindex_distribution>(a));
        Ok(())
    })
}

/// Releases one reference to a distribution. NULL is a no-op; freeing the same reference
/// twice is undefined behaviour.
///
/// **Ownership:** the reference is released. **NULL:** allowed (no-op). **Errors:** none.
/// **Thread safety:** any thread, once no other call uses this reference.
///
/// # Safety
/// `dist` NULL or a live reference not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cpindex_distribution_free(dist: *const cpindex_distribution) {
    guard_default("cpindex_distribution_free", || arc_free(dist))
}

/// Record counts: kept (non-missing, positive weight), given, missing dropped (policy
/// SKIP), zero-weight left out.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may be called concurrently on a shared handle.
///
/// # Safety
/// `dist` a live handle; out-pointers valid for writes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_distribution_counts(
    dist: *const cpindex_distribution,
    out_n: *mut usize,
    out_n_input: *mut usize,
    out_n_missing: *mut usize,
    out_n_zero_weight: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_distribution_counts", || {
        let d = arc_ref::<cpindex_distribution>(dist, "dist")?;
        let a = out_ptr(out_n, "out_n")?;
        let b = out_ptr(out_n_input, "out_n_input")?;
        let c = out_ptr(out_n_missing, "out_n_missing")?;
        let z = out_ptr(out_n_zero_weight, "out_n_zero_weight")?;
        a.write(d.n());
        b.write(d.n_input());
        c.write(d.n_missing());
        z.write(d.n_zero_weight());
        Ok(())
    })
}

/// A scalar measure (`cpindex_measure` code) of the distribution; `parameter` is α for
/// GENERALIZED_ENTROPY, ε for ATKINSON, the threshold for SHARE_BELOW, ignored otherwise.
///
/// **Ownership:** nothing to free. **NULL:** `dist` and `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// measure code, bad parameter), `CPINDEX_STATUS_INVALID_VALUE` (the measure is undefined
/// for these data, e.g. MEAN_LOG_DEVIATION with a zero, a non-positive mean).
/// **Thread safety:** may be called concurrently on a shared handle.
///
/// # Safety
/// `dist` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_distribution_measure(
    dist: *const cpindex_distribution,
    measure: u32,
    parameter: f64,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_distribution_measure", || {
        let d = arc_ref::<cpindex_distribution>(dist, "dist")?;
        let out = out_ptr(out, "out")?;
        let m = cpindex_measure::from_code(measure, "measure")?;
        out.write(measure_of(d, m, parameter)?);
        Ok(())
    })
}

/// Evaluates one measure (shared with the JSON `inequality` action).
pub(crate) fn measure_of(
    d: &Distribution,
    m: cpindex_measure,
    parameter: f64,
) -> crate::Result<f64> {
    m.core(parameter).evaluate(d)
}

impl cpindex_measure {
    /// The core measure ([`crate::distribution::Measure`], the one vocabulary) of a C
    /// code with its parameter (ignored by measures without one).
    pub(crate) fn core(self, parameter: f64) -> crate::distribution::Measure {
        use crate::distribution::Measure as C;
        use cpindex_measure as M;
        match self {
            M::Mean => C::Mean,
            M::TotalWeight => C::TotalWeight,
            M::Total => C::Total,
            M::Gini => C::Gini,
            M::GiniCorrected => C::GiniCorrected,
            M::TheilT => C::TheilT,
            M::MeanLogDeviation => C::MeanLogDeviation,
            M::GeneralizedEntropy => C::GeneralizedEntropy(parameter),
            M::Atkinson => C::Atkinson(parameter),
            M::CoefficientOfVariation => C::CoefficientOfVariation,
            M::Hoover => C::Hoover,
            M::PalmaRatio => C::PalmaRatio,
            M::S80S20 => C::S80S20,
            M::Median => C::Median,
            M::AtRiskOfPovertyThreshold => C::AtRiskOfPovertyThreshold,
            M::AtRiskOfPovertyRate => C::AtRiskOfPovertyRate,
            M::Min => C::Min,
            M::Max => C::Max,
            M::MaxMinRatio => C::MaxMinRatio,
            M::ShareBelow => C::ShareBelow(parameter),
        }
    }
}

/// Quantile at `p ∈ [0, 1]` by a `cpindex_quantile_method` code.
///
/// **Ownership:** nothing to free. **NULL:** `dist` and `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// method, `p` outside [0, 1], LINEAR with unequal weights).
/// **Thread safety:** may be called concurrently on a shared handle.
///
/// # Safety
/// `dist` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_distribution_quantile(
    dist: *const cpindex_distribution,
    p: f64,
    method: u32,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_distribution_quantile", || {
        let d = arc_ref::<cpindex_distribution>(dist, "dist")?;
        let out = out_ptr(out, "out")?;
        let m = match cpindex_quantile_method::from_code(method, "method")? {
            cpindex_quantile_method::AveragedInvertedCdf => QuantileMethod::AveragedInvertedCdf,
            cpindex_quantile_method::InvertedCdf => QuantileMethod::InvertedCdf,
            cpindex_quantile_method::Linear => QuantileMethod::Linear,
        };
        out.write(d.quantile(p, m)?);
        Ok(())
    })
}

/// Lorenz ordinate `L(p)`: the share of the total held by the poorest fraction `p`.
///
/// **Ownership:** nothing to free. **NULL:** `dist` and `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (`p`
/// outside [0, 1]), `CPINDEX_STATUS_INVALID_VALUE` (total ≤ 0).
/// **Thread safety:** may be called concurrently on a shared handle.
///
/// # Safety
/// `dist` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_distribution_lorenz(
    dist: *const cpindex_distribution,
    p: f64,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_distribution_lorenz", || {
        let d = arc_ref::<cpindex_distribution>(dist, "dist")?;
        let out = out_ptr(out, "out")?;
        out.write(d.lorenz(p)?);
        Ok(())
    })
}

/// Share of the total held by the population slice between fractions `p_low` and `p_high`
/// (ranked from the poorest): `L(p_high) − L(p_low)`.
///
/// **Ownership:** nothing to free. **NULL:** `dist` and `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (fractions
/// outside [0, 1] or `p_low > p_high`), `CPINDEX_STATUS_INVALID_VALUE` (total ≤ 0).
/// **Thread safety:** may be called concurrently on a shared handle.
///
/// # Safety
/// `dist` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_distribution_income_share(
    dist: *const cpindex_distribution,
    p_low: f64,
    p_high: f64,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_distribution_income_share", || {
        let d = arc_ref::<cpindex_distribution>(dist, "dist")?;
        let out = out_ptr(out, "out")?;
        out.write(d.income_share(p_low, p_high)?);
        Ok(())
    })
}

/// Quintile share ratio S80/S20 by a `cpindex_share_ratio_method` code.
///
/// **Ownership:** nothing to free. **NULL:** `dist` and `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// method), `CPINDEX_STATUS_INVALID_VALUE` (the bottom holds nothing),
/// `CPINDEX_STATUS_EMPTY_INPUT` (EUROSTAT with nobody above the 80th percentile).
/// **Thread safety:** may be called concurrently on a shared handle.
///
/// # Safety
/// `dist` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_distribution_quintile_share_ratio(
    dist: *const cpindex_distribution,
    method: u32,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_distribution_quintile_share_ratio", || {
        let d = arc_ref::<cpindex_distribution>(dist, "dist")?;
        let out = out_ptr(out, "out")?;
        let m = match cpindex_share_ratio_method::from_code(method, "method")? {
            cpindex_share_ratio_method::Lorenz => ShareRatioMethod::Lorenz,
            cpindex_share_ratio_method::Eurostat => ShareRatioMethod::Eurostat,
        };
        out.write(d.quintile_share_ratio(m)?);
        Ok(())
    })
}

/// Weighted share of the population in a band by a `cpindex_band_rule` code
/// (`[lower, upper)` or `[lower, upper]`). Bounds may be ±inf, not NaN.
///
/// **Ownership:** nothing to free. **NULL:** `dist` and `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// rule, NaN bound, `lower > upper`).
/// **Thread safety:** may be called concurrently on a shared handle.
///
/// # Safety
/// `dist` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_distribution_share_in_band(
    dist: *const cpindex_distribution,
    lower: f64,
    upper: f64,
    rule: u32,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_distribution_share_in_band", || {
        let d = arc_ref::<cpindex_distribution>(dist, "dist")?;
        let out = out_ptr(out, "out")?;
        let r = match cpindex_band_rule::from_code(rule, "rule")? {
            cpindex_band_rule::HalfOpen => BandRule::HalfOpen,
            cpindex_band_rule::Closed => BandRule::Closed,
        };
        out.write(d.share_in_band(lower, upper, r)?);
        Ok(())
    })
}

/// Largest and smallest value, their positions in the input array and their ratio (the
/// plan's max/min ratio of county incomes).
///
/// **Ownership:** nothing to free. **NULL:** `dist` and `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_VALUE` (min ≤ 0).
/// **Thread safety:** may be called concurrently on a shared handle.
///
/// # Safety
/// `dist` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_distribution_max_min(
    dist: *const cpindex_distribution,
    out: *mut cpindex_max_min,
) -> cpindex_status {
    guard_status("cpindex_distribution_max_min", || {
        let d = arc_ref::<cpindex_distribution>(dist, "dist")?;
        let out = out_ptr(out, "out")?;
        let m = d.max_min_ratio()?;
        out.write(cpindex_max_min {
            max: m.max,
            max_position: m.max_position,
            min: m.min,
            min_position: m.min_position,
            ratio: m.ratio,
        });
        Ok(())
    })
}

/// The kept values in ascending order, into a caller array (size query with `(NULL, 0)`).
///
/// **Ownership:** the caller owns `buf`. **NULL:** `dist` and `out_len` must not be NULL;
/// `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared handle.
///
/// # Safety
/// `dist` a live handle; `buf` valid for `buf_len` writes; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_distribution_sorted_values(
    dist: *const cpindex_distribution,
    buf: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_distribution_sorted_values", || {
        let d = arc_ref::<cpindex_distribution>(dist, "dist")?;
        write_array(
            &d.sorted_values(),
            buf,
            buf_len,
            out_len,
            "the sorted values",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_min_is_five_words() {
        assert_eq!(std::mem::size_of::<cpindex_max_min>(), 40);
        assert_eq!(std::mem::align_of::<cpindex_max_min>(), 8);
    }
}
