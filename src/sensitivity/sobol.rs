//! The Saltelli (2010) sample design and the variance-based estimators of first-order and
//! total Sobol indices, with bootstrap confidence intervals.
//!
//! Design (Saltelli, Annoni, Azzini, Campolongo, Ratto & Tarantola 2010, "Variance based
//! sensitivity analysis of model output. Design and estimator for the total sensitivity
//! index", Comput. Phys. Commun. 181, 259–270, §3): two independent `N × k` matrices `A`
//! and `B` of uniform variates, and for each factor `i` the matrix `A_B^(i)` — `A` with its
//! column `i` taken from `B`. The model is run on every row of `A`, `B` and the `k`
//! matrices `A_B^(i)`: `N(k + 2)` runs. The outputs are stored row by row as
//! `f(A)ⱼ, f(A_B^(1))ⱼ, …, f(A_B^(k))ⱼ, f(B)ⱼ` for `j = 1 … N` — the layout SALib's
//! `sobol.analyze(calc_second_order=False)` reads, so an exported design can be checked
//! against it.
//!
//! Estimators, with `V̂` the variance (divisor `2N`) of the `2N` outputs `f(A) ∪ f(B)`:
//!
//! * first order, Saltelli et al. 2010 Table 2 (b):
//!   `Sᵢ = (1/N) Σⱼ f(B)ⱼ·(f(A_B^(i))ⱼ − f(A)ⱼ) / V̂`;
//! * total, Jansen 1999 ("Analysis of variance designs for model output", Comput. Phys.
//!   Commun. 117, 35–43), Saltelli et al. 2010 Table 2 (f):
//!   `S_Tᵢ = (1/2N) Σⱼ (f(A)ⱼ − f(A_B^(i))ⱼ)² / V̂`.
//!
//! The first-order estimator is not invariant to a shift of the output at finite `N`
//! (its expectation is, since `E[f(A_B^(i)) − f(A)] = 0`); like SALib 1.4+ (`Y = (Y −
//! Y.mean())/Y.std()` before estimating) the outputs are first centred on the mean of all
//! `N(k + 2)` runs. With that, the indices equal SALib's to rounding (tests/reference).
//! A constant output (range of `f(A) ∪ f(B)` within machine epsilon of its scale) has no
//! variance to apportion: every index is 0 and [`SobolIndices::constant_output`] is set
//! (SALib returns 0 with a warning).
//!
//! Bootstrap (Efron & Tibshirani 1993; as SALib and COINr): `R` resamples of the `N` rows
//! with replacement, each drawn from its own stream of the seed; the indices are
//! re-estimated on each (the centring of the full sample kept, as SALib does). Reported:
//! the bootstrap standard error (divisor `R − 1`), SALib's normal half-width
//! `z₁₋α/₂ · se`, and the percentile interval.

use super::rng::Xoshiro256;
use crate::error::{Error, Result};

/// Smallest `N` for which a bootstrap is computed. A resample of fewer rows repeats rows so
/// often (with N = 5, a third of the resamples hold at most 3 distinct rows) that the
/// interval describes the resampling, not the estimator.
pub const MIN_BOOTSTRAP_N: usize = 10;

/// Stream key of the `A`/`B` matrices.
pub const STREAM_DESIGN: u64 = 1;
/// Stream key of the bootstrap resamples (`[STREAM_BOOTSTRAP, draw]`).
pub const STREAM_BOOTSTRAP: u64 = 2;

/// The two base matrices of the Saltelli design, row-major `N × k` uniform variates in
/// [0, 1).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Design {
    /// Base sample size `N`.
    pub n: usize,
    /// Number of factors `k`.
    pub k: usize,
    /// Matrix `A`, row-major.
    pub a: Vec<f64>,
    /// Matrix `B`, row-major.
    pub b: Vec<f64>,
}

/// Which matrix a run's row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// A row of `A`.
    A,
    /// A row of `A_B^(i)` (`A` with column `i` from `B`).
    AB(usize),
    /// A row of `B`.
    B,
}

impl Design {
    /// `A` and `B` filled from the stream `(seed, STREAM_DESIGN)`: row `j` of `A`, then row
    /// `j` of `B`, for `j = 0 … N − 1` (so a larger `N` extends a smaller design).
    pub fn random(n: usize, k: usize, seed: u64) -> Design {
        let mut g = Xoshiro256::stream(seed, &[STREAM_DESIGN]);
        let mut a = Vec::with_capacity(n * k);
        let mut b = Vec::with_capacity(n * k);
        for _ in 0..n {
            for _ in 0..k {
                a.push(g.uniform());
            }
            for _ in 0..k {
                b.push(g.uniform());
            }
        }
        Design { n, k, a, b }
    }

    /// Number of model runs, `N(k + 2)`.
    pub fn runs(&self) -> usize {
        self.n * (self.k + 2)
    }

    /// Which row of which matrix run `r` evaluates (layout in the module docs).
    pub fn run_block(&self, r: usize) -> (usize, Block) {
        let step = self.k + 2;
        let (j, pos) = (r / step, r % step);
        let block = if pos == 0 {
            Block::A
        } else if pos == step - 1 {
            Block::B
        } else {
            Block::AB(pos - 1)
        };
        (j, block)
    }

    /// The `k` variates of run `r`.
    pub fn run_row(&self, r: usize) -> Vec<f64> {
        let (j, block) = self.run_block(r);
        let k = self.k;
        let a = &self.a[j * k..(j + 1) * k];
        let b = &self.b[j * k..(j + 1) * k];
        match block {
            Block::A => a.to_vec(),
            Block::B => b.to_vec(),
            Block::AB(i) => {
                let mut row = a.to_vec();
                row[i] = b[i];
                row
            }
        }
    }
}

/// First-order and total indices of each factor, with bootstrap intervals.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SobolIndices {
    /// First-order indices `Sᵢ` (Saltelli et al. 2010).
    pub first: Vec<f64>,
    /// Total indices `S_Tᵢ` (Jansen 1999).
    pub total: Vec<f64>,
    /// The output variance `V̂` over `f(A) ∪ f(B)` (divisor 2N).
    pub variance: f64,
    /// The output did not vary: every index is 0.
    pub constant_output: bool,
    /// Bootstrap results (absent when no bootstrap was asked for).
    pub bootstrap: Option<Bootstrap>,
}

/// Bootstrap summaries of the indices.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Bootstrap {
    /// Number of resamples `R`.
    pub draws: usize,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Standard error of each `Sᵢ` (standard deviation of the resampled estimates, divisor
    /// R − 1).
    pub first_se: Vec<f64>,
    /// Standard error of each `S_Tᵢ`.
    pub total_se: Vec<f64>,
    /// SALib's `S1_conf`: `z₁₋α/₂ · se`.
    pub first_half_width: Vec<f64>,
    /// SALib's `ST_conf`.
    pub total_half_width: Vec<f64>,
    /// Percentile interval of each `Sᵢ` (lower, upper).
    pub first_interval: Vec<(f64, f64)>,
    /// Percentile interval of each `S_Tᵢ`.
    pub total_interval: Vec<(f64, f64)>,
    /// Every resampled estimate, draw-major (`draws × k`), for audit.
    pub first_draws: Vec<f64>,
    /// Every resampled `S_Tᵢ`, draw-major.
    pub total_draws: Vec<f64>,
}

/// The estimates on rows `rows` (all rows when `None`) of outputs `y` (layout in the module
/// docs), centred on `centre`. Returns (first, total, variance, constant).
fn estimate(
    y: &[f64],
    n: usize,
    k: usize,
    rows: Option<&[usize]>,
    centre: f64,
) -> (Vec<f64>, Vec<f64>, f64, bool) {
    let step = k + 2;
    let m = rows.map_or(n, |r| r.len());
    let row = |t: usize| rows.map_or(t, |r| r[t]);
    let (mut lo, mut hi, mut s, mut scale) = (f64::INFINITY, f64::NEG_INFINITY, 0.0, 0.0f64);
    for t in 0..m {
        let j = row(t);
        for v in [y[j * step], y[j * step + step - 1]] {
            lo = lo.min(v);
            hi = hi.max(v);
            s += v - centre;
            scale = scale.max(v.abs());
        }
    }
    let mean = s / (2 * m) as f64;
    let mut var = 0.0;
    for t in 0..m {
        let j = row(t);
        for v in [y[j * step], y[j * step + step - 1]] {
            let d = v - centre - mean;
            var += d * d;
        }
    }
    var /= (2 * m) as f64;
    if hi - lo <= f64::EPSILON * scale.max(1.0) {
        return (vec![0.0; k], vec![0.0; k], 0.0, true);
    }
    let mut first = vec![0.0; k];
    let mut total = vec![0.0; k];
    for i in 0..k {
        let (mut f, mut tt) = (0.0, 0.0);
        for t in 0..m {
            let j = row(t);
            let fa = y[j * step] - centre;
            let fb = y[j * step + step - 1] - centre;
            let fab = y[j * step + 1 + i] - centre;
            f += fb * (fab - fa);
            tt += (fa - fab) * (fa - fab);
        }
        first[i] = f / m as f64 / var;
        total[i] = 0.5 * tt / m as f64 / var;
    }
    (first, total, var, false)
}

/// Sobol indices from the outputs `y` of a Saltelli design of base size `n` over `k`
/// factors (`y.len() = n(k + 2)`, layout in the module docs), with `bootstrap` resamples
/// (0 = none) at `confidence`, resamples drawn from streams of `seed`.
///
/// Errors: [`Error::LengthMismatch`] for a wrong `y` length; [`Error::InvalidValue`] for a
/// non-finite output; [`Error::InvalidArgument`] for `n < 2`, a bootstrap with
/// `n <` [`MIN_BOOTSTRAP_N`] or a single draw, or a confidence outside (0, 1).
pub fn sobol_indices(
    y: &[f64],
    n: usize,
    k: usize,
    bootstrap: usize,
    confidence: f64,
    seed: u64,
) -> Result<SobolIndices> {
    if y.len() != n * (k + 2) {
        return Err(Error::length_mismatch(
            "Sobol outputs (N(k + 2) runs)",
            n * (k + 2),
            y.len(),
        ));
    }
    if n < 2 {
        return Err(Error::invalid_argument(
            "n",
            format!("the Sobol estimators need a base sample of at least 2 rows, found {n}"),
        ));
    }
    if let Some(p) = y.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid_value(
            format!("Sobol outputs, run {p}"),
            y[p],
            "(every model output must be finite)",
        ));
    }
    if bootstrap > 0 {
        if n < MIN_BOOTSTRAP_N {
            return Err(Error::invalid_argument(
                "n",
                format!(
                    "N = {n} is too small for the bootstrap: resamples of fewer than \
                     {MIN_BOOTSTRAP_N} rows repeat rows so often that the intervals say \
                     nothing; use n ≥ {MIN_BOOTSTRAP_N} or bootstrap = 0"
                ),
            ));
        }
        if bootstrap < 2 {
            return Err(Error::invalid_argument(
                "bootstrap",
                "a bootstrap standard error needs at least 2 draws (or 0 for none)",
            ));
        }
        if !(confidence > 0.0 && confidence < 1.0) {
            return Err(Error::invalid_argument(
                "confidence",
                format!("must lie strictly between 0 and 1, found {confidence}"),
            ));
        }
    }
    let centre = y.iter().sum::<f64>() / y.len() as f64;
    let (first, total, variance, constant_output) = estimate(y, n, k, None, centre);
    let boot = if bootstrap > 0 {
        let mut first_draws = Vec::with_capacity(bootstrap * k);
        let mut total_draws = Vec::with_capacity(bootstrap * k);
        let mut rows = vec![0usize; n];
        for d in 0..bootstrap {
            let mut g = Xoshiro256::stream(seed, &[STREAM_BOOTSTRAP, d as u64]);
            for r in rows.iter_mut() {
                *r = g.below(n);
            }
            let (f, t, _, _) = estimate(y, n, k, Some(&rows), centre);
            first_draws.extend(f);
            total_draws.extend(t);
        }
        let z = normal_quantile(0.5 + confidence / 2.0);
        let alpha = 1.0 - confidence;
        let summarise = |draws: &[f64]| {
            let mut se = Vec::with_capacity(k);
            let mut half = Vec::with_capacity(k);
            let mut interval = Vec::with_capacity(k);
            for i in 0..k {
                let mut col: Vec<f64> = (0..bootstrap).map(|d| draws[d * k + i]).collect();
                let m = col.iter().sum::<f64>() / bootstrap as f64;
                let v = col.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (bootstrap - 1) as f64;
                se.push(v.sqrt());
                half.push(z * v.sqrt());
                col.sort_by(f64::total_cmp);
                interval.push((
                    quantile_sorted(&col, alpha / 2.0),
                    quantile_sorted(&col, 1.0 - alpha / 2.0),
                ));
            }
            (se, half, interval)
        };
        let (first_se, first_half_width, first_interval) = summarise(&first_draws);
        let (total_se, total_half_width, total_interval) = summarise(&total_draws);
        Some(Bootstrap {
            draws: bootstrap,
            confidence,
            first_se,
            total_se,
            first_half_width,
            total_half_width,
            first_interval,
            total_interval,
            first_draws,
            total_draws,
        })
    } else {
        None
    };
    Ok(SobolIndices {
        first,
        total,
        variance,
        constant_output,
        bootstrap: boot,
    })
}

/// The `p`-quantile of sorted, non-empty `x` by linear interpolation between order
/// statistics (Hyndman & Fan 1996 type 7, R's and numpy's default).
pub fn quantile_sorted(x: &[f64], p: f64) -> f64 {
    let h = (x.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(x.len() - 1);
    x[lo] + (h - lo as f64) * (x[hi] - x[lo])
}

/// The standard normal quantile Φ⁻¹(p), 0 < p < 1, by P. J. Acklam's rational
/// approximation (2003, "An algorithm for computing the inverse normal cumulative
/// distribution function"; relative error < 1.15e-9) — ample for the bootstrap half-width
/// `z·se`, itself a Monte Carlo estimate.
// Acklam's published coefficients, kept digit for digit
#[allow(clippy::excessive_precision)]
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.383577518672690e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-03,
        3.224671290700398e-01,
        2.445134137142996e+00,
        3.754408661907416e+00,
    ];
    let pl = 0.02425;
    if p < pl {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - pl {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_matches_tables() {
        // Φ⁻¹(0.975) = 1.959963984540054, Φ⁻¹(0.95) = 1.6448536269514722,
        // Φ⁻¹(0.005) = −2.5758293035489004 (scipy.stats.norm.ppf).
        assert!((normal_quantile(0.975) - 1.959963984540054).abs() < 1e-8);
        assert!((normal_quantile(0.95) - 1.6448536269514722).abs() < 1e-8);
        assert!((normal_quantile(0.005) + 2.5758293035489004).abs() < 1e-8);
    }

    #[test]
    fn run_layout_is_salibs() {
        // k = 2: runs per row = 4: A, A_B^(1), A_B^(2), B
        let d = Design::random(3, 2, 1);
        assert_eq!(d.runs(), 12);
        assert_eq!(d.run_block(4), (1, Block::A));
        assert_eq!(d.run_block(6), (1, Block::AB(1)));
        assert_eq!(d.run_block(7), (1, Block::B));
        let r = d.run_row(5); // row 1 of A_B^(1): A's row 1 with column 0 from B
        assert_eq!(r, vec![d.b[2], d.a[3]]);
    }
}
