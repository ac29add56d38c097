//! Weighting: subjective (equal, manual, effective, AHP), data-driven (entropy, CRITIC,
//! coefficient of variation, standard deviation, PCA) and combined weights.
//!
//! Data-driven methods read a **column-major** matrix of *normalised* values
//! (`n_units × n_indicators`, each indicator's column contiguous: cell `(u, j)` is
//! `matrix[j * n_units + u]`), NaN = missing. Any number of rows is accepted, so pooled
//! ("全局") weights are obtained by stacking the periods' rows (units × periods) into one
//! matrix before calling.
//!
//! Missing values: entropy, coefficient of variation and standard deviation use each
//! column's observed values (column-wise / pairwise deletion); CRITIC and PCA need
//! correlations and drop every row with a missing value (listwise deletion, as COINr's
//! `get_PCA` and R's `cor(use = "complete.obs")`). The number of rows used is reported.
//!
//! Every function returns weights that are finite, non-negative and sum to 1.

// `!(x > 0.0)` is deliberate: it is also true for NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Framework;

/// The convention for `0·ln 0` in the entropy method.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "convention", rename_all = "snake_case")]
pub enum LnZero {
    /// `0·ln 0 := 0` (the limit; WtTopsis `Ejcaul` sets NA → 0). Default.
    #[default]
    ZeroTimesLnZeroIsZero,
    /// Shift every value by `epsilon` before computing the shares (平移法, common in Chinese
    /// papers with ε = 0.0001 or 0.01; CPP replaces zeros with 1e-10). Changes the weights.
    Shift {
        /// The shift ε > 0.
        epsilon: f64,
    },
}

/// How PCA loadings become weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PcaNormalisation {
    /// `w_j = l_j² / Σ l_k²` (Compind `ci_factor`: squared loadings, i.e. the share of the
    /// component's variance explained by each indicator). Default.
    #[default]
    SquaredLoading,
    /// `w_j = |l_j| / Σ |l_k|`.
    AbsoluteLoading,
}

/// How subjective and objective weights are combined (组合赋权).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Combination {
    /// `w = α·w_s + (1 − α)·w_o`, α ∈ [0, 1] (usually 0.5).
    Linear {
        /// Share of the subjective weights.
        alpha: f64,
    },
    /// `w = w_s·w_o / Σ w_s·w_o`.
    Multiplicative,
    /// Minimum relative information entropy (最小相对信息熵): `w_j = √(w_sj·w_oj) / Σ_k
    /// √(w_sk·w_ok)`, the minimiser of `Σ_j w_j ln(w_j/w_sj) + Σ_j w_j ln(w_j/w_oj)` (the sum
    /// of the Kullback–Leibler divergences from both inputs, Kullback & Leibler 1951)
    /// under `Σ w_j = 1`.
    MinRelativeEntropy,
    /// Game-theoretic combination (博弈论组合赋权): `w = α₁·w_s + α₂·w_o` with the
    /// coefficients that minimise `‖α₁w_s + α₂w_o − w_k‖₂` for both `k` at once — the
    /// first-order optimality condition `Σ_l α_l (w_k·w_l) = w_k·w_k` (k = 1, 2), a 2 × 2
    /// linear system — then normalised `α*_l = |α_l| / Σ|α|` so that `w` sums to 1.
    GameTheory,
}

/// A weighting method with its parameters (JSON: `{"method": "entropy", ...}`).
///
/// `Equal`, `Manual` and `Effective` are resolved by the caller from the framework; the
/// data-driven variants are computed by [`data_weights`]; `Ahp` by [`ahp`]; `Combined`
/// combines a subjective and an objective method with [`combine`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Weighting {
    /// Equal weights within each parent.
    Equal,
    /// The framework's weights per level (normalised within each parent).
    Manual,
    /// The framework's weights multiplied down the hierarchy (COINr `get_eff_weights`).
    Effective,
    /// Entropy weights (熵权法), see [`entropy`].
    Entropy {
        /// The `0·ln 0` convention (default `0·ln 0 = 0`).
        #[serde(default)]
        ln_zero: LnZero,
    },
    /// CRITIC (Diakoulaki, Mavrotas & Papayannakis 1995), see [`critic`].
    Critic,
    /// Coefficient of variation, see [`coefficient_of_variation`].
    CoefficientOfVariation,
    /// Standard deviation, see [`standard_deviation`].
    StandardDeviation,
    /// PCA first-component loadings, see [`pca`].
    Pca {
        /// Loading → weight rule (default squared loadings).
        #[serde(default)]
        normalisation: PcaNormalisation,
    },
    /// AHP from a pairwise comparison matrix, see [`ahp`].
    Ahp {
        /// Row-major `m × m` pairwise matrix (`a_ij` = importance of i over j, Saaty 1–9).
        matrix: Vec<Vec<f64>>,
        /// Accept CR > 0.10 (default false; CR ≤ 0.10 always passes).
        #[serde(default)]
        allow_inconsistent: bool,
    },
    /// Combined subjective + objective weights.
    Combined {
        /// The subjective method (equal, manual, effective or ahp).
        subjective: Box<Weighting>,
        /// The objective (data-driven) method.
        objective: Box<Weighting>,
        /// The combination rule.
        rule: Combination,
    },
}

impl Weighting {
    /// The snake_case name used in JSON (`entropy`, `critic`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Weighting::Equal => "equal",
            Weighting::Manual => "manual",
            Weighting::Effective => "effective",
            Weighting::Entropy { .. } => "entropy",
            Weighting::Critic => "critic",
            Weighting::CoefficientOfVariation => "coefficient_of_variation",
            Weighting::StandardDeviation => "standard_deviation",
            Weighting::Pca { .. } => "pca",
            Weighting::Ahp { .. } => "ahp",
            Weighting::Combined { .. } => "combined",
        }
    }

    /// Whether the method computes the weights from the data by itself ([`data_weights`]:
    /// entropy, CRITIC, CV, SD, PCA). `combined` is not, though its objective part is.
    pub fn is_data_driven(&self) -> bool {
        match self {
            Weighting::Entropy { .. }
            | Weighting::Critic
            | Weighting::CoefficientOfVariation
            | Weighting::StandardDeviation
            | Weighting::Pca { .. } => true,
            Weighting::Equal
            | Weighting::Manual
            | Weighting::Effective
            | Weighting::Ahp { .. }
            | Weighting::Combined { .. } => false,
        }
    }

    /// Whether the weights never look at the data (equal, manual, effective, AHP, or a
    /// combination of two such), so they are known before normalisation.
    pub fn is_static(&self) -> bool {
        match self {
            Weighting::Equal | Weighting::Manual | Weighting::Effective | Weighting::Ahp { .. } => {
                true
            }
            Weighting::Combined {
                subjective,
                objective,
                ..
            } => subjective.is_static() && objective.is_static(),
            Weighting::Entropy { .. }
            | Weighting::Critic
            | Weighting::CoefficientOfVariation
            | Weighting::StandardDeviation
            | Weighting::Pca { .. } => false,
        }
    }
}

/// Weights computed from data, with the per-indicator criterion they came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// The weights, non-negative, summing to 1.
    pub weights: Vec<f64>,
    /// The per-indicator criterion: entropy `e_j` (entropy), information `C_j` (CRITIC),
    /// `V_j` (coefficient of variation), `σ_j` (standard deviation), loading (PCA).
    pub criterion: Vec<f64>,
    /// Rows (units × periods) that entered the computation (listwise methods) or the
    /// smallest number of observed values in a column (column-wise methods).
    pub n_rows_used: usize,
    /// Degenerate situations handled by a documented fallback, in words.
    pub notes: Vec<String>,
}

/// Result of [`ahp`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ahp {
    /// Principal eigenvector normalised to sum 1.
    pub weights: Vec<f64>,
    /// Principal eigenvalue λ_max.
    pub lambda_max: f64,
    /// Consistency index `CI = (λ_max − m)/(m − 1)` (0 for m ≤ 2).
    pub ci: f64,
    /// Saaty's random index for `m` (0 for m ≤ 2).
    pub ri: f64,
    /// Consistency ratio `CR = CI/RI` (0 for m ≤ 2).
    pub cr: f64,
    /// Power iterations used.
    pub iterations: usize,
}

/// Saaty's random consistency index RI for m = 1…15 (Saaty 1980, *The Analytic Hierarchy
/// Process*, table 1.7 extended; m = 1…10: 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45,
/// 1.49).
pub const SAATY_RI: [f64; 15] = [
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
];

/// Saaty's acceptance rule `CR ≤ 0.10` (Saaty 1980: a consistency ratio of 10 % or less is
/// acceptable). The comparison allows a relative 1e-9 for rounding, so a matrix whose CR is
/// 0.10 on paper passes. NaN (no tabulated RI) fails.
pub fn ahp_consistent(cr: f64) -> bool {
    cr <= 0.10 * (1.0 + 1e-9)
}

/// `n` equal weights `1/n`. `n = 0` is [`Error::Empty`].
pub fn equal(n: usize) -> Result<Vec<f64>> {
    if n == 0 {
        return Err(Error::Empty {
            context: "equal weights".into(),
        });
    }
    Ok(vec![1.0 / n as f64; n])
}

/// Normalises manual weights to sum 1. Weights must be finite and non-negative with a
/// positive sum ([`Error::InvalidValue`] / [`Error::InvalidArgument`] otherwise).
/// `context` names what the weights belong to (e.g. ``dimension `economy` ``).
pub fn normalise_weights(w: &[f64], context: &str) -> Result<Vec<f64>> {
    if w.is_empty() {
        return Err(Error::Empty {
            context: format!("{context}: weights"),
        });
    }
    let mut s = 0.0;
    for (k, &v) in w.iter().enumerate() {
        if !v.is_finite() || v < 0.0 {
            return Err(Error::invalid_value(
                format!("{context}: weight #{k}"),
                v,
                "(weights must be finite and non-negative)",
            ));
        }
        s += v;
    }
    if !(s > 0.0) {
        return Err(Error::invalid_argument(
            "weights",
            format!("{context}: weights sum to 0"),
        ));
    }
    if !s.is_finite() {
        // weights near f64::MAX: each finite, their sum +inf; share = (w/max)/Σ(w/max)
        // (`model::scaled_share`), where w/s would be 0 for every weight
        let max = w.iter().fold(0.0f64, |m, &v| m.max(v));
        let scaled_sum: f64 = w.iter().map(|&v| crate::model::scaled(v, max)).sum();
        return Ok(w
            .iter()
            .map(|&v| crate::model::scaled_share(v, max, scaled_sum))
            .collect());
    }
    Ok(w.iter().map(|v| v / s).collect())
}

/// Effective (global) indicator weights of a framework, in `framework.indicators` order:
/// weights normalised within each parent and multiplied down the hierarchy
/// (COINr `get_eff_weights`; OECD/JRC Handbook 2008 §6). Delegates to
/// [`Framework::effective_weights`].
pub fn effective(framework: &Framework) -> Vec<f64> {
    framework.effective_weights()
}

fn check_matrix(matrix: &[f64], n_units: usize, what: &str) -> Result<usize> {
    if n_units == 0 || matrix.is_empty() {
        return Err(Error::Empty {
            context: format!("{what} weights: matrix"),
        });
    }
    if matrix.len() % n_units != 0 {
        return Err(Error::length_mismatch(
            format!("{what} weights: matrix length vs a multiple of n_units = {n_units}"),
            (matrix.len() / n_units + 1) * n_units,
            matrix.len(),
        ));
    }
    // branch-free test first (it vectorises); the cell is searched only when there is one
    if !matrix
        .iter()
        .fold(false, |b, v| b | (v.abs() == f64::INFINITY))
    {
        return Ok(matrix.len() / n_units);
    }
    for (k, &v) in matrix.iter().enumerate() {
        if v.is_infinite() {
            return Err(Error::invalid_value(
                format!(
                    "{what} weights: unit #{}, indicator #{}",
                    k % n_units,
                    k / n_units
                ),
                v,
                "(infinite)",
            ));
        }
    }
    Ok(matrix.len() / n_units)
}

fn finish(
    mut criterion_w: Vec<f64>,
    criterion: Vec<f64>,
    n: usize,
    mut notes: Vec<String>,
) -> Weights {
    let s: f64 = criterion_w.iter().sum();
    if !(s > 0.0) {
        let m = criterion_w.len();
        notes.push(format!(
            "every indicator has zero information (constant or degenerate columns): equal weights 1/{m} used"
        ));
        criterion_w.iter_mut().for_each(|w| *w = 1.0 / m as f64);
    } else {
        criterion_w.iter_mut().for_each(|w| *w /= s);
    }
    Weights {
        weights: criterion_w,
        criterion,
        n_rows_used: n,
        notes,
    }
}

/// Entropy weights (熵权法; Shannon entropy weighting, e.g. Zou, Yun & Sun 2006; formula
/// as in WtTopsis `Ejcaul`/`GetWeight`):
///
/// `p_ij = x_ij / Σ_i x_ij`, `e_j = −k Σ_i p_ij ln p_ij` with `k = 1/ln n_j` (`n_j` =
/// observed values of column j), `d_j = 1 − e_j`, `w_j = d_j / Σ_k d_k`.
///
/// Input: normalised, non-negative values (negative values are [`Error::InvalidValue`]).
/// `ln_zero` chooses `0·ln 0 = 0` or a shift by ε of every value.
/// Degenerate policies (each noted in [`Weights::notes`]): a column with fewer than 2
/// observed values, a zero sum, or constant values has `e_j = 1` (no information, `w_j = 0`);
/// if every column has `e_j = 1`, equal weights. `criterion` holds `e_j`.
pub fn entropy(matrix: &[f64], n_units: usize, ln_zero: LnZero) -> Result<Weights> {
    let m = check_matrix(matrix, n_units, "entropy")?;
    let eps = match ln_zero {
        LnZero::ZeroTimesLnZeroIsZero => 0.0,
        LnZero::Shift { epsilon } => {
            if !(epsilon > 0.0 && epsilon.is_finite()) {
                return Err(Error::invalid_spec(
                    "weighting.entropy.ln_zero.epsilon",
                    format!("must be a finite number > 0, found {epsilon}"),
                ));
            }
            epsilon
        }
    };
    let mut e = vec![1.0; m];
    let mut d = vec![0.0; m];
    let mut notes = Vec::new();
    let mut min_n = usize::MAX;
    let (mut xs, mut lns) = (Vec::with_capacity(n_units), Vec::with_capacity(n_units));
    for j in 0..m {
        let col = &matrix[j * n_units..(j + 1) * n_units];
        // One branch-free pass in four lanes (it vectorises): count, Σ (v + ε), min, max and
        // whether a value is negative, over the observed values; `v < lo` is false for NaN.
        let mut n4 = [0usize; 4];
        let mut s4 = [0.0f64; 4];
        let mut lo4 = [f64::INFINITY; 4];
        let mut hi4 = [f64::NEG_INFINITY; 4];
        let mut neg4 = [false; 4];
        let chunks = col.chunks_exact(4);
        let rest = chunks.remainder();
        let mut lane = |l: usize, v: f64| {
            let ok = !v.is_nan();
            n4[l] += usize::from(ok);
            s4[l] += if ok { v + eps } else { 0.0 };
            lo4[l] = if v < lo4[l] { v } else { lo4[l] };
            hi4[l] = if v > hi4[l] { v } else { hi4[l] };
            neg4[l] |= v < 0.0;
        };
        for c in chunks {
            for (l, &v) in c.iter().enumerate() {
                lane(l, v);
            }
        }
        for &v in rest {
            lane(0, v);
        }
        if neg4.iter().any(|&b| b) {
            let u = col.iter().position(|&v| v < 0.0).unwrap_or(0);
            return Err(Error::invalid_value(
                format!("entropy weights: unit #{u}, indicator #{j}"),
                col[u],
                "(entropy needs non-negative normalised values)",
            ));
        }
        let n: usize = n4.iter().sum();
        let s = (s4[0] + s4[1]) + (s4[2] + s4[3]);
        // every observed value equal (min = max)
        let constant = lo4.iter().fold(f64::INFINITY, |a, &b| a.min(b))
            == hi4.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        min_n = min_n.min(n);
        if n < 2 || !(s > 0.0) || constant {
            notes.push(format!(
                "indicator #{j}: {} — entropy set to 1 (weight 0)",
                if n < 2 {
                    "fewer than 2 observed values"
                } else if constant {
                    "constant column"
                } else {
                    "values sum to 0"
                }
            ));
            continue;
        }
        let k = 1.0 / (n as f64).ln();
        // Σ_i p ln p with p = x/s (x = v + ε): Σ (x/s)(ln x − ln s) = (Σ x ln x)/s − ln s,
        // since the x > 0 sum to s — one logarithm per cell and no division per cell; the
        // column's logarithms in one vectorised pass (`super::ln`, within 1 ulp of
        // `f64::ln`).
        // without ε the column itself is the argument (no copy)
        let xv: &[f64] = if eps == 0.0 {
            col
        } else {
            xs.clear();
            xs.extend(col.iter().map(|&v| v + eps));
            &xs
        };
        lns.resize(n_units, 0.0);
        super::ln::ln_into(xv, &mut lns);
        // Σ x ln x over x > 0 (false for NaN), in four lanes so the loop vectorises
        let mut h4 = [0.0f64; 4];
        let xc = xv.chunks_exact(4);
        let lc = lns.chunks_exact(4);
        let (xr, lr) = (xc.remainder(), lc.remainder());
        for (x, l) in xc.zip(lc) {
            for t in 0..4 {
                h4[t] += if x[t] > 0.0 { x[t] * l[t] } else { 0.0 };
            }
        }
        for (&x, &l) in xr.iter().zip(lr) {
            h4[0] += if x > 0.0 { x * l } else { 0.0 };
        }
        let h = (h4[0] + h4[1]) + (h4[2] + h4[3]);
        e[j] = -k * (h / s - s.ln());
        d[j] = (1.0 - e[j]).max(0.0);
    }
    Ok(finish(
        d,
        e,
        if min_n == usize::MAX { 0 } else { min_n },
        notes,
    ))
}

/// Complete rows (no NaN in any column): returns their indices.
fn complete_rows(matrix: &[f64], n_units: usize, m: usize) -> Vec<usize> {
    (0..n_units)
        .filter(|&u| (0..m).all(|j| !matrix[j * n_units + u].is_nan()))
        .collect()
}

/// Means, sample SDs (n − 1) and the Pearson correlation matrix (row-major `m × m`) over
/// the given rows. The complete rows are first copied into a contiguous, standardised
/// column-major block so each correlation is one contiguous dot product.
///
/// The matrix's m² values are checked against the panel cell limit
/// ([`crate::data::max_panel_cells`]) before anything is allocated, and allocated
/// fallibly: `method` (CRITIC, PCA) over tens of thousands of indicators at once is an
/// error naming the sizes, not an abort (100,000 indicators would ask for 80 GB).
fn moments(
    matrix: &[f64],
    n_units: usize,
    m: usize,
    rows: &[usize],
    method: &str,
) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let cells = crate::alloc::checked_size(
        &format!("{method} weights"),
        &[(m, "indicators"), (m, "indicators")],
        crate::data::max_panel_cells(),
        "the correlation matrix of the indicators weighted together is too large; weight \
         them within smaller dimensions, by another method, or raise the limit \
         (cpindex_set_max_panel_cells)",
    )?;
    let nr = rows.len();
    let n = nr as f64;
    let mut mean = vec![0.0; m];
    let mut sd = vec![0.0; m];
    let mut z = crate::alloc::try_filled(&format!("{method} weights"), nr.saturating_mul(m), 0.0)?;
    let all_rows = nr == n_units;
    for j in 0..m {
        let col = &matrix[j * n_units..(j + 1) * n_units];
        let zc = &mut z[j * nr..(j + 1) * nr];
        if all_rows {
            zc.copy_from_slice(col);
        } else {
            for (t, &u) in zc.iter_mut().zip(rows) {
                *t = col[u];
            }
        }
        let mu = zc.iter().sum::<f64>() / n;
        let ss: f64 = zc.iter().map(|v| (v - mu) * (v - mu)).sum();
        mean[j] = mu;
        sd[j] = if nr > 1 { (ss / (n - 1.0)).sqrt() } else { 0.0 };
        let f = if sd[j] > 0.0 { 1.0 / sd[j] } else { 0.0 };
        zc.iter_mut().for_each(|v| *v = (*v - mu) * f);
    }
    let mut r = crate::alloc::try_filled(&format!("{method} weights"), cells, 0.0)?;
    for j in 0..m {
        r[j * m + j] = 1.0;
        for k in (j + 1)..m {
            let c = if sd[j] > 0.0 && sd[k] > 0.0 {
                let (zj, zk) = (&z[j * nr..(j + 1) * nr], &z[k * nr..(k + 1) * nr]);
                let dot = dot(zj, zk);
                (dot / (n - 1.0)).clamp(-1.0, 1.0)
            } else {
                0.0
            };
            r[j * m + k] = c;
            r[k * m + j] = c;
        }
    }
    Ok((mean, sd, r))
}

/// Dot product with 8 independent accumulators (lets the compiler use SIMD; float
/// addition is not reassociated otherwise).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s: f64 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995, *Computers & Operations
/// Research* 22(7):763–770): `C_j = σ_j Σ_k (1 − r_jk)`, `w_j = C_j / Σ C`, with `σ_j` the
/// sample standard deviation (n − 1) of the normalised column and `r_jk` Pearson's
/// correlation (signed, not |r|). Rows with a missing value are dropped (listwise).
///
/// Degenerate policies: `σ_j = 0` gives `C_j = 0` (its correlations are taken as 0 for the
/// other columns); fewer than 2 complete rows is [`Error::Empty`]; all `C_j = 0` gives equal
/// weights (noted). `criterion` holds `C_j`.
pub fn critic(matrix: &[f64], n_units: usize) -> Result<Weights> {
    let m = check_matrix(matrix, n_units, "CRITIC")?;
    let rows = complete_rows(matrix, n_units, m);
    if rows.len() < 2 {
        return Err(Error::Empty {
            context: format!(
                "CRITIC weights: {} complete row(s); at least 2 are needed",
                rows.len()
            ),
        });
    }
    let (_, sd, r) = moments(matrix, n_units, m, &rows, "CRITIC")?;
    let mut notes = Vec::new();
    let c: Vec<f64> = (0..m)
        .map(|j| {
            if sd[j] > 0.0 {
                sd[j] * (0..m).map(|k| 1.0 - r[j * m + k]).sum::<f64>()
            } else {
                notes.push(format!(
                    "indicator #{j}: constant column — C_j = 0 (weight 0)"
                ));
                0.0
            }
        })
        .collect();
    Ok(finish(c.clone(), c, rows.len(), notes))
}

/// Standard-deviation weights: `w_j = s_j / Σ s` with `s_j` the sample SD (n − 1) of the
/// observed values of column j (Chinese 标准离差法 / "mean standard deviation" method;
/// OECD/JRC Handbook 2008 §6 lists variance-based weighting). A column with fewer than 2
/// observations has `s_j = 0` (noted). `criterion` holds `s_j`.
pub fn standard_deviation(matrix: &[f64], n_units: usize) -> Result<Weights> {
    let m = check_matrix(matrix, n_units, "standard-deviation")?;
    let mut notes = Vec::new();
    let mut min_n = usize::MAX;
    let s: Vec<f64> = (0..m)
        .map(|j| {
            let col = &matrix[j * n_units..(j + 1) * n_units];
            let n = col.iter().filter(|v| !v.is_nan()).count();
            min_n = min_n.min(n);
            let (_, sd) = crate::method::normalise::mean_sd(col);
            if sd.is_nan() {
                notes.push(format!(
                    "indicator #{j}: fewer than 2 observed values — s_j = 0"
                ));
                0.0
            } else {
                sd
            }
        })
        .collect();
    Ok(finish(s.clone(), s, min_n, notes))
}

/// Coefficient-of-variation weights (变异系数法): `V_j = s_j / |x̄_j|`, `w_j = V_j / Σ V`
/// (s_j sample SD, n − 1; column-wise over observed values). Use on positive data (raw
/// values or a normalisation that keeps a ratio scale). `x̄_j = 0` with `s_j > 0` is
/// [`Error::InvalidValue`]; a constant or single-value column has `V_j = 0` (noted).
/// `criterion` holds `V_j`.
pub fn coefficient_of_variation(matrix: &[f64], n_units: usize) -> Result<Weights> {
    let m = check_matrix(matrix, n_units, "coefficient-of-variation")?;
    let mut notes = Vec::new();
    let mut min_n = usize::MAX;
    let mut v = vec![0.0; m];
    for j in 0..m {
        let col = &matrix[j * n_units..(j + 1) * n_units];
        min_n = min_n.min(col.iter().filter(|v| !v.is_nan()).count());
        let (mu, sd) = crate::method::normalise::mean_sd(col);
        if sd.is_nan() || sd == 0.0 {
            notes.push(format!(
                "indicator #{j}: constant or fewer than 2 values — V_j = 0"
            ));
            continue;
        }
        if mu == 0.0 {
            return Err(Error::invalid_value(
                format!("coefficient-of-variation weights: indicator #{j}: mean"),
                mu,
                "(the coefficient of variation needs a non-zero mean)",
            ));
        }
        v[j] = sd / mu.abs();
    }
    Ok(finish(v.clone(), v, min_n, notes))
}

/// PCA weights from the first principal component of the correlation matrix (COINr
/// `get_PCA` uses `prcomp(scale = TRUE)`; Compind `ci_factor` squares the loadings;
/// OECD/JRC Handbook 2008 §6.1 "weights from PCA/FA").
///
/// The leading eigenvector `v` of the correlation matrix of the complete rows is found by
/// power iteration (loading `l_j = v_j √λ₁`; the normalisations below are invariant to the
/// `√λ₁` factor). **Sign convention**: `v` is oriented so that `Σ_j v_j ≥ 0` (eigenvectors
/// are defined up to sign; COINr may return sign-flipped loadings). Weights:
/// `SquaredLoading` `v_j²` (sums to 1 already) or `AbsoluteLoading` `|v_j|/Σ|v|`.
/// `criterion` holds the signed loadings `l_j`.
///
/// Needs ≥ 2 complete rows ([`Error::Empty`]); constant columns get correlation 0 with
/// the others (and 1 with themselves).
pub fn pca(matrix: &[f64], n_units: usize, normalisation: PcaNormalisation) -> Result<Weights> {
    let m = check_matrix(matrix, n_units, "PCA")?;
    let rows = complete_rows(matrix, n_units, m);
    if rows.len() < 2 {
        return Err(Error::Empty {
            context: format!(
                "PCA weights: {} complete row(s); at least 2 are needed",
                rows.len()
            ),
        });
    }
    let (_, _, r) = moments(matrix, n_units, m, &rows, "PCA")?;
    let (lambda, mut v, _) = power_iteration(&r, m, 1e-12, 10_000);
    if v.iter().sum::<f64>() < 0.0 {
        v.iter_mut().for_each(|x| *x = -*x);
    }
    let loadings: Vec<f64> = v.iter().map(|x| x * lambda.max(0.0).sqrt()).collect();
    let raw: Vec<f64> = match normalisation {
        PcaNormalisation::SquaredLoading => v.iter().map(|x| x * x).collect(),
        PcaNormalisation::AbsoluteLoading => v.iter().map(|x| x.abs()).collect(),
    };
    Ok(finish(raw, loadings, rows.len(), Vec::new()))
}

/// Power iteration on a row-major `m × m` matrix from the uniform start vector.
/// Returns (eigenvalue estimate as the Rayleigh quotient, unit-norm vector, iterations).
fn power_iteration(a: &[f64], m: usize, tol: f64, max_iter: usize) -> (f64, Vec<f64>, usize) {
    let mut v = vec![1.0 / (m as f64).sqrt(); m];
    let mut w = vec![0.0; m];
    let mut it = 0;
    // Shift by +I keeps the dominant eigenvalue dominant for a correlation matrix
    // (eigenvalues ≥ 0 become ≥ 1) without changing eigenvectors.
    while it < max_iter {
        it += 1;
        for i in 0..m {
            w[i] = v[i] + (0..m).map(|k| a[i * m + k] * v[k]).sum::<f64>();
        }
        let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm == 0.0 {
            break;
        }
        let mut diff = 0.0f64;
        for i in 0..m {
            let nv = w[i] / norm;
            diff = diff.max((nv - v[i]).abs());
            v[i] = nv;
        }
        if diff < tol {
            break;
        }
    }
    let av: Vec<f64> = (0..m)
        .map(|i| (0..m).map(|k| a[i * m + k] * v[k]).sum::<f64>())
        .collect();
    let lambda = av.iter().zip(&v).map(|(x, y)| x * y).sum::<f64>();
    (lambda, v, it)
}

/// AHP weights from a pairwise comparison matrix (Saaty 1980, *The Analytic Hierarchy
/// Process*; Saaty 1977 J. Math. Psychol. 15:234–281).
///
/// `matrix` is row-major `m × m` with `a_ij > 0` the importance of criterion i over j and
/// reciprocity `a_ji = 1/a_ij` (checked to a relative tolerance of 1e-6, diagonal 1).
/// Weights = the principal right eigenvector (power iteration, tolerance 1e-12), normalised
/// to sum 1; `λ_max = mean_i (A w)_i / w_i`; `CI = (λ_max − m)/(m − 1)`; `CR = CI/RI(m)`
/// ([`SAATY_RI`]). `CR > 0.10` is [`Error::InvalidSpec`] unless `allow_inconsistent`;
/// `CR = 0.10` passes (Saaty's rule is `CR ≤ 0.10`; see [`ahp_consistent`]).
/// m = 1 or 2 is always consistent (CI = CR = 0); m > 15 has no tabulated RI, so CR is
/// reported as NaN and accepted only with `allow_inconsistent`.
pub fn ahp(matrix: &[f64], m: usize, allow_inconsistent: bool) -> Result<Ahp> {
    if m == 0 {
        return Err(Error::Empty {
            context: "AHP pairwise matrix".into(),
        });
    }
    if matrix.len() != m * m {
        return Err(Error::length_mismatch(
            format!("AHP pairwise matrix ({m} × {m})"),
            m * m,
            matrix.len(),
        ));
    }
    for i in 0..m {
        for j in 0..m {
            let a = matrix[i * m + j];
            if !(a.is_finite() && a > 0.0) {
                return Err(Error::invalid_value(
                    format!("AHP pairwise matrix, row {}, column {}", i + 1, j + 1),
                    a,
                    "(entries must be finite and > 0)",
                ));
            }
            let b = matrix[j * m + i];
            if ((a * b) - 1.0).abs() > 1e-6 {
                return Err(Error::invalid_spec(
                    "weighting.ahp.matrix",
                    format!(
                        "not reciprocal: a[{}][{}] = {a} but a[{}][{}] = {b} (expected {})",
                        i + 1,
                        j + 1,
                        j + 1,
                        i + 1,
                        1.0 / a
                    ),
                ));
            }
        }
    }
    // Power iteration on A (positive matrix: Perron vector is dominant).
    let mut w = vec![1.0 / m as f64; m];
    let mut next = vec![0.0; m];
    let mut iterations = 0;
    while iterations < 10_000 {
        iterations += 1;
        for i in 0..m {
            next[i] = (0..m).map(|k| matrix[i * m + k] * w[k]).sum::<f64>();
        }
        let s: f64 = next.iter().sum();
        let mut diff = 0.0f64;
        for i in 0..m {
            let nv = next[i] / s;
            diff = diff.max((nv - w[i]).abs());
            w[i] = nv;
        }
        if diff < 1e-12 {
            break;
        }
    }
    let lambda_max = (0..m)
        .map(|i| (0..m).map(|k| matrix[i * m + k] * w[k]).sum::<f64>() / w[i])
        .sum::<f64>()
        / m as f64;
    let (ci, ri, cr) = if m <= 2 {
        (0.0, 0.0, 0.0)
    } else {
        let ci = (lambda_max - m as f64) / (m as f64 - 1.0);
        let ri = SAATY_RI.get(m - 1).copied().unwrap_or(f64::NAN);
        (ci, ri, ci / ri)
    };
    if !allow_inconsistent && !ahp_consistent(cr) {
        return Err(Error::invalid_spec(
            "weighting.ahp.matrix",
            format!(
                "consistency ratio CR = {cr:.4} (CI = {ci:.4}, λ_max = {lambda_max:.4}, RI = {ri}) is above 0.10; revise the judgements or set allow_inconsistent"
            ),
        ));
    }
    Ok(Ahp {
        weights: w,
        lambda_max,
        ci,
        ri,
        cr,
        iterations,
    })
}

/// Combines subjective weights `w_s` and objective weights `w_o` (组合赋权):
/// linear `α w_s + (1 − α) w_o`, multiplicative `w_s w_o / Σ w_s w_o`, minimum relative
/// information entropy `√(w_s w_o) / Σ √(w_s w_o)` or the game-theoretic combination (see
/// [`Combination`] and [`game_theory_coefficients`]). Both inputs are normalised to sum 1
/// first. A zero multiplicative or relative-entropy sum (no indicator has both weights
/// positive) is [`Error::InvalidArgument`]; α outside [0, 1] is [`Error::InvalidSpec`].
pub fn combine(subjective: &[f64], objective: &[f64], rule: Combination) -> Result<Vec<f64>> {
    if subjective.len() != objective.len() {
        return Err(Error::length_mismatch(
            "combined weights: objective vs subjective",
            subjective.len(),
            objective.len(),
        ));
    }
    let s = normalise_weights(subjective, "combined weights, subjective")?;
    let o = normalise_weights(objective, "combined weights, objective")?;
    match rule {
        Combination::Linear { alpha } => {
            if !(0.0..=1.0).contains(&alpha) {
                return Err(Error::invalid_spec(
                    "weighting.combined.rule.alpha",
                    format!("must be in [0, 1], found {alpha}"),
                ));
            }
            Ok(s.iter()
                .zip(&o)
                .map(|(a, b)| alpha * a + (1.0 - alpha) * b)
                .collect())
        }
        Combination::Multiplicative => {
            let p: Vec<f64> = s.iter().zip(&o).map(|(a, b)| a * b).collect();
            let t: f64 = p.iter().sum();
            if !(t > 0.0) {
                return Err(Error::invalid_argument(
                    "weights",
                    "multiplicative combination: no indicator has both a positive subjective and a positive objective weight",
                ));
            }
            Ok(p.iter().map(|x| x / t).collect())
        }
        Combination::MinRelativeEntropy => {
            let p: Vec<f64> = s.iter().zip(&o).map(|(a, b)| (a * b).sqrt()).collect();
            let t: f64 = p.iter().sum();
            if !(t > 0.0) {
                return Err(Error::invalid_argument(
                    "weights",
                    "minimum relative entropy combination: no indicator has both a positive subjective and a positive objective weight",
                ));
            }
            Ok(p.iter().map(|x| x / t).collect())
        }
        Combination::GameTheory => {
            let (a1, a2) = game_theory_coefficients(&s, &o);
            Ok(s.iter().zip(&o).map(|(a, b)| a1 * a + a2 * b).collect())
        }
    }
}

/// The normalised coefficients `(α*₁, α*₂)` of the game-theoretic combination of two
/// weight vectors `u₁`, `u₂` (each summing to 1; 博弈论组合赋权, the Nash-equilibrium
/// formulation common in Chinese evaluation practice).
///
/// The coefficients minimise the deviation of `α₁u₁ + α₂u₂` from each input; the
/// optimality condition is the linear system
/// `[u₁·u₁ u₁·u₂; u₂·u₁ u₂·u₂] [α₁ α₂]ᵀ = [u₁·u₁ u₂·u₂]ᵀ`, solved by Cramer's rule, and
/// the result is normalised `α*_l = |α_l| / (|α₁| + |α₂|)`. When the system is singular
/// (`u₁ = u₂`, every combination is the same vector) the coefficients are ½, ½.
pub fn game_theory_coefficients(u1: &[f64], u2: &[f64]) -> (f64, f64) {
    let d11: f64 = u1.iter().map(|x| x * x).sum();
    let d22: f64 = u2.iter().map(|x| x * x).sum();
    let d12: f64 = u1.iter().zip(u2).map(|(x, y)| x * y).sum();
    let det = d11 * d22 - d12 * d12;
    if !(det.abs() > 1e-14 * d11 * d22) {
        return (0.5, 0.5);
    }
    let a1 = (d11 * d22 - d12 * d22) / det;
    let a2 = (d11 * d22 - d12 * d11) / det;
    let t = a1.abs() + a2.abs();
    (a1.abs() / t, a2.abs() / t)
}

/// Computes the data-driven weights named by `method` (entropy, CRITIC, CV, SD, PCA) on a
/// column-major matrix of normalised values. Other variants are
/// [`Error::InvalidSpec`] (they are resolved from the framework or by [`ahp`]).
pub fn data_weights(matrix: &[f64], n_units: usize, method: &Weighting) -> Result<Weights> {
    match method {
        Weighting::Entropy { ln_zero } => entropy(matrix, n_units, *ln_zero),
        Weighting::Critic => critic(matrix, n_units),
        Weighting::CoefficientOfVariation => coefficient_of_variation(matrix, n_units),
        Weighting::StandardDeviation => standard_deviation(matrix, n_units),
        Weighting::Pca { normalisation } => pca(matrix, n_units, *normalisation),
        other @ (Weighting::Equal
        | Weighting::Manual
        | Weighting::Effective
        | Weighting::Ahp { .. }
        | Weighting::Combined { .. }) => Err(Error::invalid_spec(
            "weighting.method",
            format!("`{}` is not a data-driven weighting method", other.name()),
        )),
    }
}
