//! Aggregation of normalised, oriented indicator values (higher = better) into a composite.
//!
//! Row-wise methods ([`aggregate_row`]): weighted arithmetic, geometric, harmonic,
//! generalised (power) mean, weighted median, and AMPI with fixed reference values.
//! Methods that need all units ([`aggregate_units`]): Mazziotta–Pareto MPI, AMPI with
//! data-derived goalposts, TOPSIS, Copeland; the row-wise methods also work there.
//!
//! Missing components (NaN): by default the weights of the available components are
//! re-normalised (COINr `a_amean`; OECD/JRC Handbook 2008 §6, which notes this equals
//! imputing the weighted mean of the available siblings). A [`MissingRule`] can require a
//! minimum availability share (by count or by weight); below it the score is NaN and the
//! unit is counted in [`AggregateNote::n_insufficient`]. A component with weight 0 is
//! ignored entirely (its value may be NaN or anything finite).
//!
//! Bad values are errors, never a silent NaN: ±inf anywhere, a negative or non-finite
//! weight, zeros or negatives in a geometric or harmonic mean ([`Error::InvalidValue`]
//! naming the component index).

// `!(x > 0.0)` is deliberate: it is also true for NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use serde::{Deserialize, Serialize};

use crate::distribution::near_limit::{self, Form};
use crate::error::{Error, Result};

/// The Mazziotta–Pareto penalty direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Penalty {
    /// `MPI⁻ = M − S·cv`: unbalanced profiles are penalised downwards; for composites where
    /// higher is better (Mazziotta & Pareto 2016). Default.
    #[default]
    Negative,
    /// `MPI⁺ = M + S·cv`: for composites where lower is better (e.g. a deprivation index).
    Positive,
}

/// Reference values for the adjusted Mazziotta–Pareto index (AMPI), per component, in the
/// units of the normalised input: goalposts `inf < sup` (min and max over all units and
/// **all periods**) and the reference `reference` (e.g. the base-year mean), which maps to
/// 100. Keep them fixed across periods to make the AMPI comparable over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmpiReference {
    /// Lower goalpost per component.
    pub inf: Vec<f64>,
    /// Upper goalpost per component.
    pub sup: Vec<f64>,
    /// Reference value per component (maps to 100).
    pub reference: Vec<f64>,
}

/// How TOPSIS makes its columns comparable before weighting (Hwang & Yoon 1981, §2.3.2,
/// list the vector and linear transformations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TopsisNormalisation {
    /// `r_ij = x_ij / √Σ_i x_ij²` (Hwang & Yoon 1981; the textbook TOPSIS). Default.
    #[default]
    Vector,
    /// `r_ij = x_ij`: the values as they come from the pipeline's normalisation — the
    /// 熵权-TOPSIS of Chinese practice (min–max → entropy weights → distances), where the
    /// min–max step is the only normalisation.
    None,
    /// `r_ij = x_ij / Σ_i x_ij` (linear sum normalisation).
    Sum,
}

impl TopsisNormalisation {
    /// The snake_case name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            TopsisNormalisation::Vector => "vector",
            TopsisNormalisation::None => "none",
            TopsisNormalisation::Sum => "sum",
        }
    }
}

/// An aggregation method with its parameters (JSON: `{"method": "geometric", ...}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Aggregation {
    /// Weighted arithmetic mean `Σ w x / Σ w` (OECD/JRC Handbook 2008 §6.2; COINr `a_amean`).
    Arithmetic,
    /// Weighted geometric mean `exp(Σ w ln(x + shift) / Σ w) − shift` (OECD/JRC Handbook
    /// 2008 §6.2; COINr `a_gmean`; UNDP HDI = geometric mean of the three dimension
    /// indices, HDR technical note 1). With `shift = 0` (default) every component must be
    /// positive; a zero or negative component is [`Error::InvalidValue`]. A positive shift
    /// admits `x + shift` positive; it is subtracted again so a constant row returns its value.
    Geometric {
        /// Shift added before taking logs (default 0 = none).
        #[serde(default)]
        shift: f64,
    },
    /// Weighted harmonic mean `Σ w / Σ (w / x)` (COINr `a_hmean`); components must be > 0.
    Harmonic,
    /// Generalised (power) mean `(Σ w x^r / Σ w)^(1/r)` (COINr `a_genmean`; OECD/JRC
    /// Handbook 2008 §6.2; Decancq & Lugo 2013). `r = 0` is the geometric mean, `r = 1`
    /// arithmetic, `r = −1` harmonic. `r > 0` needs `x ≥ 0`; `r ≤ 0` needs `x > 0`.
    /// For 0 < |r| ≤ 2⁻⁴ the mean is evaluated as `exp(log1p(Σ w expm1(r ln x)/Σ w)/r)`
    /// (and within 10⁻⁸ of 0 by its second-order expansion in r), which tends to the
    /// geometric mean as r → 0 (Hardy, Littlewood & Pólya 1952, §2.3) without the
    /// cancellation of the first form.
    Power {
        /// The exponent r (finite).
        r: f64,
    },
    /// Weighted median: the value `x_m` with `Σ_{x<x_m} w ≤ W/2` and `Σ_{x>x_m} w ≤ W/2`
    /// (COINr vignette "Aggregation", weighted median); when two values qualify (exact
    /// half split) their mean.
    WeightedMedian,
    /// Mazziotta–Pareto index (Mazziotta & Pareto 2016, Soc. Indic. Res. 127:983–1003):
    /// `z_ij = 100 + 10 (x_ij − μ_j)/σ_j` (population σ over units), `M_i`, `S_i` the
    /// weighted mean and weighted population SD of `z_i·`, `cv_i = S_i/M_i`,
    /// `MPI = M_i ∓ S_i cv_i`. With equal weights this is the published MPI.
    /// A constant component (σ_j = 0) gets `z = 100` for every unit. Needs [`aggregate_units`].
    Mpi {
        /// Penalty direction (default negative: higher composite = better).
        #[serde(default)]
        penalty: Penalty,
    },
    /// Adjusted MPI (Mazziotta & Pareto 2016 §4; 2018 "Measuring well-being over time",
    /// Soc. Indic. Res.; Compind `ci_ampi`): `r_ij = 70 + 60 (x_ij − (R_j − Δ_j))/(2Δ_j)`
    /// with `Δ_j = (sup_j − inf_j)/2` and reference `R_j` ↦ 100, then `M ∓ S·cv` as MPI.
    /// With `reference = None`, [`aggregate_units`] derives goalposts and reference from the
    /// given matrix ([`ampi_reference`] with the whole matrix as base) — pass fixed
    /// references for comparability over time.
    Ampi {
        /// Penalty direction (default negative).
        #[serde(default)]
        penalty: Penalty,
        /// Fixed goalposts and reference values (default: derived from the data).
        #[serde(default)]
        reference: Option<AmpiReference>,
    },
    /// TOPSIS relative closeness (Hwang & Yoon 1981, *Multiple Attribute Decision Making*,
    /// Springer, §2.3.2): normalisation `r_ij` (default vector `x_ij/√Σ_i x_ij²`, see
    /// [`TopsisNormalisation`]), `v = w r` (w normalised), ideal `A⁺_j = max_i v_ij`,
    /// anti-ideal `A⁻_j = min_i v_ij` — reversed (`A⁺_j = min`, `A⁻_j = max`) for a cost
    /// criterion passed to [`aggregate_units_with_cost`] — and `C_i = D⁻_i/(D⁺_i + D⁻_i)`.
    /// Needs [`aggregate_units`].
    Topsis {
        /// The column normalisation inside TOPSIS (default `vector`).
        #[serde(default)]
        normalisation: TopsisNormalisation,
    },
    /// Copeland outranking score (Munda & Nardo 2009, Applied Economics 41:1513–1523;
    /// COINr `a_copeland`): `e_pq = Σ_j w_j [x_pj > x_qj] + ½ Σ_j w_j [x_pj = x_qj]`
    /// (weights sum to 1), score `Σ_{q≠p} sgn(e_pq − ½)`. Needs [`aggregate_units`].
    Copeland,
}

impl Aggregation {
    /// The snake_case name used in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Aggregation::Arithmetic => "arithmetic",
            Aggregation::Geometric { .. } => "geometric",
            Aggregation::Harmonic => "harmonic",
            Aggregation::Power { .. } => "power",
            Aggregation::WeightedMedian => "weighted_median",
            Aggregation::Mpi { .. } => "mpi",
            Aggregation::Ampi { .. } => "ampi",
            Aggregation::Topsis { .. } => "topsis",
            Aggregation::Copeland => "copeland",
        }
    }

    /// Whether the method scores each unit from its own row alone (so [`aggregate_row`]
    /// applies).
    pub fn is_row_wise(&self) -> bool {
        match self {
            Aggregation::Mpi { .. } | Aggregation::Topsis { .. } | Aggregation::Copeland => false,
            Aggregation::Ampi { reference, .. } => reference.is_some(),
            Aggregation::Arithmetic
            | Aggregation::Geometric { .. }
            | Aggregation::Harmonic
            | Aggregation::Power { .. }
            | Aggregation::WeightedMedian => true,
        }
    }

    /// Whether the method distinguishes benefit and cost criteria itself (TOPSIS: the ideal
    /// of a cost criterion is its minimum, Hwang & Yoon 1981 step 4), so that an indicator
    /// left on its raw, lower-is-better scale can be handed over as a cost criterion.
    pub fn takes_cost_criteria(&self) -> bool {
        match self {
            Aggregation::Topsis { .. } => true,
            Aggregation::Arithmetic
            | Aggregation::Geometric { .. }
            | Aggregation::Harmonic
            | Aggregation::Power { .. }
            | Aggregation::WeightedMedian
            | Aggregation::Mpi { .. }
            | Aggregation::Ampi { .. }
            | Aggregation::Copeland => false,
        }
    }
}

/// The rule for units with missing components.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MissingRule {
    /// Minimum share of available components in [0, 1] (default 0: any one available
    /// component suffices). Below it the score is NaN.
    #[serde(default)]
    pub min_share: f64,
    /// Measure the share by weight (`Σ w_available / Σ w`) instead of by count of
    /// positively weighted components (default false).
    #[serde(default)]
    pub by_weight: bool,
}

impl Default for MissingRule {
    fn default() -> Self {
        MissingRule {
            min_share: 0.0,
            by_weight: false,
        }
    }
}

/// What happened while aggregating all units.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AggregateNote {
    /// Units below the availability rule (score NaN).
    pub n_insufficient: usize,
    /// Units scored with at least one component missing (weights re-normalised).
    pub n_partial: usize,
    /// Degenerate situations handled by a documented fallback, in words.
    pub notes: Vec<String>,
}

pub(crate) fn check_weights(weights: &[f64], n: usize, ctx: &str) -> Result<f64> {
    if weights.len() != n {
        return Err(Error::length_mismatch(
            format!("{ctx}: weights vs components"),
            n,
            weights.len(),
        ));
    }
    if n == 0 {
        return Err(Error::Empty {
            context: format!("{ctx}: components"),
        });
    }
    let mut s = 0.0;
    for (j, &w) in weights.iter().enumerate() {
        if !(w.is_finite() && w >= 0.0) {
            return Err(Error::invalid_value(
                format!("{ctx}: weight of component #{j}"),
                w,
                "(weights must be finite and non-negative)",
            ));
        }
        s += w;
    }
    if !(s > 0.0) {
        return Err(Error::invalid_argument(
            "weights",
            format!("{ctx}: all weights are 0"),
        ));
    }
    Ok(s)
}

/// Availability: (passes rule, Σw available, count available, count weighted).
fn availability(
    values: &[f64],
    weights: &[f64],
    total_w: f64,
    rule: &MissingRule,
) -> (bool, f64, usize, usize) {
    let mut wa = 0.0;
    let mut na = 0usize;
    let mut nw = 0usize;
    for (&x, &w) in values.iter().zip(weights) {
        if w > 0.0 {
            nw += 1;
            if !x.is_nan() {
                wa += w;
                na += 1;
            }
        }
    }
    let share = if rule.by_weight {
        wa / total_w
    } else if nw == 0 {
        0.0
    } else {
        na as f64 / nw as f64
    };
    (na > 0 && share + 1e-12 >= rule.min_share, wa, na, nw)
}

pub(crate) fn check_rule(rule: &MissingRule) -> Result<()> {
    if !(0.0..=1.0).contains(&rule.min_share) {
        return Err(Error::invalid_spec(
            "aggregation.missing.min_share",
            format!("must be in [0, 1], found {}", rule.min_share),
        ));
    }
    Ok(())
}

/// Aggregates one unit's components (`values`, NaN = missing) with `weights` (any
/// non-negative scale; re-normalised over the available components).
///
/// Returns NaN when the availability rule fails (no available component, or share below
/// `missing.min_share`). Unit-level methods (MPI, AMPI without reference, TOPSIS,
/// Copeland) are [`Error::InvalidSpec`]: use [`aggregate_units`].
pub fn aggregate_row(
    values: &[f64],
    weights: &[f64],
    method: &Aggregation,
    missing: &MissingRule,
) -> Result<f64> {
    check_rule(missing)?;
    check_weights(weights, values.len(), "aggregation")?;
    let weights = scale_safe_weights(weights);
    let total = check_weights(&weights, values.len(), "aggregation")?;
    if let Some(e) = value_rescale_exponent(values, method) {
        let scaled: Vec<f64> = values.iter().map(|&x| times_pow2(x, -e)).collect();
        let y = row_impl(&scaled, &weights, total, method, missing, None)?;
        return Ok(times_pow2(y, e));
    }
    row_impl(values, &weights, total, method, missing, None)
}

/// `x·2^e` for |e| ≤ 2046, in two steps by `2^(e/2)` and `2^(e − e/2)` (each within
/// [`pow2`]'s range), so that the rescalings below reach subnormal data: a largest
/// magnitude of 1e-310 has exponent −1030, and `pow2(1030)` does not exist (it wrapped into
/// the sign bit: a tiny negative factor, so every weighted median was −0). Exact, or
/// rounded once when the result is subnormal.
fn times_pow2(x: f64, e: i32) -> f64 {
    let half = e / 2;
    x * pow2(half) * pow2(e - half)
}

/// `2^e` exactly, for `e` in −1074 … 1023 (use [`times_pow2`] for a wider `e`).
fn pow2(e: i32) -> f64 {
    if e < -1022 {
        f64::from_bits(1u64 << (e + 1074))
    } else {
        f64::from_bits(((e + 1023) as u64) << 52)
    }
}

/// The binary exponent of a positive finite `m` (`m = f·2^e`, `1 ≤ f < 2`).
fn exponent_of(m: f64) -> i32 {
    m.log2().floor() as i32
}

/// Weights rescaled by an exact power of two when their largest is far from 1 (beyond
/// 2^±64), so that `w·x` neither underflows nor overflows and `Σw` stays finite (issue 13:
/// weights ×1e−300 multiplied by values ×1e−300 gave 0). Every method uses the weights
/// only relative to their sum, so a common power-of-two factor changes no result.
/// The weights must already be checked (finite, ≥ 0, not all 0).
fn scale_safe_weights(weights: &[f64]) -> std::borrow::Cow<'_, [f64]> {
    let wmax = weights.iter().fold(0.0f64, |a, &w| a.max(w));
    let e = exponent_of(wmax);
    if !(wmax > 0.0) || e.abs() <= 64 {
        return std::borrow::Cow::Borrowed(weights);
    }
    std::borrow::Cow::Owned(weights.iter().map(|&w| times_pow2(w, -e)).collect())
}

/// For the methods invariant to multiplying one component by a positive constant (MPI:
/// z-scores; AMPI with goalposts from the data; TOPSIS: column normalisation; Copeland:
/// comparisons), the matrix with every column whose largest magnitude is beyond 2^±64
/// divided by an exact power of two bringing it into [1, 2) — so that sums of squares
/// (σ, the vector norm) neither underflow nor overflow (issue 13: values ×1e−300 gave
/// σ = 0 and every MPI 100). `None` when nothing needs rescaling.
fn column_rescaled(matrix: &[f64], n_units: usize, method: &Aggregation) -> Option<Vec<f64>> {
    match method {
        Aggregation::Mpi { .. }
        | Aggregation::Ampi {
            reference: None, ..
        }
        | Aggregation::Topsis { .. }
        | Aggregation::Copeland => {}
        Aggregation::Arithmetic
        | Aggregation::Geometric { .. }
        | Aggregation::Harmonic
        | Aggregation::Power { .. }
        | Aggregation::WeightedMedian
        | Aggregation::Ampi {
            reference: Some(_), ..
        } => return None,
    }
    let exponents: Vec<i32> = matrix
        .chunks_exact(n_units)
        .map(|col| {
            let m = col
                .iter()
                .filter(|x| x.is_finite())
                .fold(0.0f64, |a, &x| a.max(x.abs()));
            if m > 0.0 {
                exponent_of(m)
            } else {
                0
            }
        })
        .collect();
    if exponents.iter().all(|e| e.abs() <= 64) {
        return None;
    }
    // TOPSIS without column normalisation is invariant only to one common factor: use the
    // exponent of the largest magnitude of the whole matrix for every column.
    let exponents = match method {
        Aggregation::Topsis {
            normalisation: TopsisNormalisation::None,
        } => {
            let m = matrix
                .iter()
                .filter(|x| x.is_finite())
                .fold(0.0f64, |a, &x| a.max(x.abs()));
            vec![exponent_of(m); exponents.len()]
        }
        Aggregation::Topsis {
            normalisation: TopsisNormalisation::Vector | TopsisNormalisation::Sum,
        }
        | Aggregation::Arithmetic
        | Aggregation::Geometric { .. }
        | Aggregation::Harmonic
        | Aggregation::Power { .. }
        | Aggregation::WeightedMedian
        | Aggregation::Mpi { .. }
        | Aggregation::Ampi { .. }
        | Aggregation::Copeland => exponents,
    };
    let mut out = matrix.to_vec();
    for (col, &e) in out.chunks_exact_mut(n_units).zip(&exponents) {
        if e.abs() > 64 {
            col.iter_mut().for_each(|x| *x = times_pow2(*x, -e));
        }
    }
    Some(out)
}

/// For the means homogeneous of degree 1 (arithmetic, geometric without shift, harmonic,
/// power, weighted median: `M(s·x) = s·M(x)`), the exponent `e` by which to divide the
/// values (by `2^e`, exact) so that their largest magnitude is in [1, 2) — when it is
/// far from 1 (beyond 2^±64) or `x^r` of a power mean could leave the double range. The
/// mean of the rescaled values is multiplied by `2^e` again (rescaling by the maximum;
/// the result lies between the smallest and largest value, so it cannot overflow).
/// `None` when no rescaling is needed or the method is not homogeneous.
fn value_rescale_exponent(values: &[f64], method: &Aggregation) -> Option<i32> {
    let r = match method {
        Aggregation::Arithmetic | Aggregation::WeightedMedian => 1.0,
        Aggregation::Geometric { shift } if *shift == 0.0 => 1.0,
        Aggregation::Harmonic => -1.0,
        Aggregation::Power { r } if r.is_finite() => *r,
        Aggregation::Geometric { .. }
        | Aggregation::Power { .. }
        | Aggregation::Mpi { .. }
        | Aggregation::Ampi { .. }
        | Aggregation::Topsis { .. }
        | Aggregation::Copeland => return None,
    };
    let m = max_abs_finite(values);
    if !(m > 0.0) {
        return None;
    }
    let e = exponent_of(m);
    let big = (e as f64 * r.abs().max(1.0)).abs() > 512.0;
    (e.abs() > 64 || big).then_some(e)
}

/// The largest `|x|` over the finite values (0 when none), in four interleaved lanes so
/// the scan vectorises (the maximum is exact: the same value as a sequential fold).
fn max_abs_finite(values: &[f64]) -> f64 {
    let mut m4 = [0.0f64; 4];
    let chunks = values.chunks_exact(4);
    let rest = chunks.remainder();
    let keep = |m: f64, x: f64| {
        let a = x.abs();
        // false for NaN and ±inf: those are skipped without a branch
        if a > m && a < f64::INFINITY {
            a
        } else {
            m
        }
    };
    for c in chunks {
        for k in 0..4 {
            m4[k] = keep(m4[k], c[k]);
        }
    }
    for &x in rest {
        m4[0] = keep(m4[0], x);
    }
    m4[0].max(m4[1]).max(m4[2].max(m4[3]))
}

/// The shift `s` of a geometric mean `exp(Σ w ln(x + s) / Σ w) − s`: the `Geometric`
/// method's own, 0 for the power mean with `r = 0` (its limit, the plain geometric mean;
/// Hardy, Littlewood & Pólya 1934, §2.3) and unused by every other method.
fn geometric_shift(method: &Aggregation) -> f64 {
    match method {
        Aggregation::Geometric { shift } => *shift,
        Aggregation::Arithmetic
        | Aggregation::Harmonic
        | Aggregation::Power { .. }
        | Aggregation::WeightedMedian
        | Aggregation::Mpi { .. }
        | Aggregation::Ampi { .. }
        | Aggregation::Topsis { .. }
        | Aggregation::Copeland => 0.0,
    }
}

fn comp_ctx(unit: Option<usize>, j: usize) -> String {
    match unit {
        Some(u) => format!("unit #{u}, component #{j}"),
        None => format!("component #{j}"),
    }
}

fn row_impl(
    values: &[f64],
    weights: &[f64],
    total_w: f64,
    method: &Aggregation,
    missing: &MissingRule,
    unit: Option<usize>,
) -> Result<f64> {
    for (j, &x) in values.iter().enumerate() {
        if x.is_infinite() {
            return Err(Error::invalid_value(
                comp_ctx(unit, j),
                x,
                "in an aggregation (infinite)",
            ));
        }
    }
    match method {
        Aggregation::Geometric { shift } => check_shift(*shift)?,
        Aggregation::Power { r } if !r.is_finite() => {
            return Err(Error::invalid_spec(
                "aggregation.power.r",
                format!("must be finite, found {r}"),
            ))
        }
        Aggregation::Ampi {
            reference: Some(rf),
            ..
        } => check_ampi_reference(rf, values.len())?,
        Aggregation::Mpi { .. }
        | Aggregation::Ampi {
            reference: None, ..
        }
        | Aggregation::Topsis { .. }
        | Aggregation::Copeland => {
            return Err(Error::invalid_spec(
                "aggregation.method",
                format!(
                "`{}` compares units with each other and needs the whole matrix (aggregate_units)",
                method.name()
            ),
            ))
        }
        Aggregation::Arithmetic
        | Aggregation::Harmonic
        | Aggregation::Power { .. }
        | Aggregation::WeightedMedian => {}
    }
    let (ok, wa, _, _) = availability(values, weights, total_w, missing);
    if !ok {
        return Ok(f64::NAN);
    }
    let pairs = || {
        values
            .iter()
            .zip(weights)
            .enumerate()
            .filter(|(_, (x, w))| !x.is_nan() && **w > 0.0)
            .map(|(j, (x, w))| (j, *x, *w))
    };
    let sum = |f: &dyn Fn(usize, f64) -> Result<f64>| -> Result<(f64, f64)> {
        let (mut s1, mut s2) = (0.0, 0.0);
        for (j, x, w) in pairs() {
            let t = f(j, x)?;
            s1 += w * t;
            s2 += w * t * t;
        }
        Ok((s1, s2))
    };
    let y = match method {
        Aggregation::Arithmetic | Aggregation::Power { r: 1.0 } => sum(&|_, x| Ok(x))?.0 / wa,
        Aggregation::Geometric { .. } | Aggregation::Power { r: 0.0 } => {
            let shift = geometric_shift(method);
            (sum(&|j, x| geo_term(x, shift, unit, j))?.0 / wa).exp() - shift
        }
        Aggregation::Harmonic => wa / sum(&|j, x| harmonic_term(x, unit, j))?.0,
        Aggregation::Power { r } => {
            let r = *r;
            match near_limit::form(r) {
                Form::Plain => (sum(&|j, x| power_term(x, r, unit, j))?.0 / wa).powf(1.0 / r),
                Form::Expm1 => {
                    let s = sum(&|j, x| power_term_near_zero(x, r, unit, j))?.0 / wa;
                    near_limit::root_of_mean(s, r)
                }
                Form::Series => {
                    let (s1, s2) = sum(&|j, x| power_ln_term(x, r, unit, j))?;
                    power_mean_series(s1 / wa, s2 / wa, r)
                }
            }
        }
        Aggregation::WeightedMedian => {
            let mut v: Vec<(f64, f64)> = pairs().map(|(_, x, w)| (x, w)).collect();
            weighted_median(&mut v, wa)
        }
        Aggregation::Ampi {
            penalty,
            reference: Some(rf),
        } => {
            let (s1, s2) = sum(&|j, x| Ok(ampi_term(x, rf, j)))?;
            mp_from_sums(s1, s2, wa, *penalty)
        }
        Aggregation::Mpi { .. }
        | Aggregation::Ampi {
            reference: None, ..
        }
        | Aggregation::Topsis { .. }
        | Aggregation::Copeland => unreachable!("unit-level methods are rejected above"),
    };
    Ok(y)
}

fn check_shift(shift: f64) -> Result<()> {
    if shift.is_finite() && shift >= 0.0 {
        Ok(())
    } else {
        Err(Error::invalid_spec(
            "aggregation.geometric.shift",
            format!("must be a finite number ≥ 0, found {shift}"),
        ))
    }
}

fn check_ampi_reference(rf: &AmpiReference, m: usize) -> Result<()> {
    if rf.inf.len() != m || rf.sup.len() != m || rf.reference.len() != m {
        return Err(Error::length_mismatch(
            "AMPI reference (inf/sup/reference) vs components",
            m,
            rf.inf.len().min(rf.sup.len()).min(rf.reference.len()),
        ));
    }
    for j in 0..m {
        if !(rf.inf[j] < rf.sup[j])
            || !rf.sup[j].is_finite()
            || !rf.inf[j].is_finite()
            || !rf.reference[j].is_finite()
        {
            return Err(Error::invalid_spec(
                "aggregation.ampi.reference",
                format!(
                    "component #{j}: goalposts inf = {} and sup = {} must be finite with inf < sup, reference {} finite",
                    rf.inf[j], rf.sup[j], rf.reference[j]
                ),
            ));
        }
    }
    Ok(())
}

/// `ln(x + shift)`, rejecting `x + shift ≤ 0`.
#[inline]
fn geo_term(x: f64, shift: f64, unit: Option<usize>, j: usize) -> Result<f64> {
    let xs = x + shift;
    if xs <= 0.0 {
        return Err(Error::invalid_value(
            comp_ctx(unit, j),
            x,
            if shift > 0.0 {
                format!("for a geometric mean with shift {shift} (x + shift must be > 0)")
            } else {
                "for a geometric mean (components must be > 0; rescale, e.g. min-max to [1, 100], or set a shift)".to_string()
            },
        ));
    }
    Ok(xs.ln())
}

/// `1/x`, rejecting `x ≤ 0`.
#[inline]
fn harmonic_term(x: f64, unit: Option<usize>, j: usize) -> Result<f64> {
    if x <= 0.0 {
        return Err(Error::invalid_value(
            comp_ctx(unit, j),
            x,
            "for a harmonic mean (components must be > 0)",
        ));
    }
    Ok(1.0 / x)
}

/// `x^r`, rejecting negatives (and zero when r < 0).
#[inline]
fn power_term(x: f64, r: f64, unit: Option<usize>, j: usize) -> Result<f64> {
    power_domain(x, r, unit, j)?;
    Ok(x.powf(r))
}

/// The term `expm1(r ln x) = x^r − 1` of the power mean for r near 0 (|r| ≤ 2⁻⁴;
/// `near_limit`): `M_r = exp(log1p(Σ w (x^r − 1)/W)/r)` without the cancellation of
/// `(Σ w x^r/W)^(1/r)`, which tends to the geometric mean (Hardy, Littlewood & Pólya 1952,
/// §2.3) only in exact arithmetic (a constant row (3, 3, 3) gave 3.035 at r = 10⁻¹⁵).
fn power_term_near_zero(x: f64, r: f64, unit: Option<usize>, j: usize) -> Result<f64> {
    power_domain(x, r, unit, j)?;
    Ok((r * x.ln()).exp_m1())
}

/// The term `ln x` of the power mean for 0 < |r| < 10⁻⁸ ([`power_mean_series`]).
fn power_ln_term(x: f64, r: f64, unit: Option<usize>, j: usize) -> Result<f64> {
    power_domain(x, r, unit, j)?;
    Ok(x.ln())
}

/// The power mean for 0 < |r| < 10⁻⁸ from the weighted means `m1`, `m2` of `ln x` and
/// `ln² x`: `exp(m₁ + r(m₂ − m₁²)/2)` (the cumulant expansion of `ln M_r`; `near_limit`);
/// 0 when a component is 0 (r > 0: `M_r → 0` as `r → 0⁺`).
fn power_mean_series(m1: f64, m2: f64, r: f64) -> f64 {
    if m1 == f64::NEG_INFINITY {
        return 0.0;
    }
    near_limit::log_power_mean_series(m1, m2, r).exp()
}

/// The domain of the power mean with exponent `r`: components ≥ 0, and > 0 for r < 0.
fn power_domain(x: f64, r: f64, unit: Option<usize>, j: usize) -> Result<()> {
    if x < 0.0 || (r < 0.0 && x == 0.0) {
        return Err(Error::invalid_value(
            comp_ctx(unit, j),
            x,
            format!(
                "for a power mean with r = {r} (components must be {})",
                if r < 0.0 { "> 0" } else { "≥ 0" }
            ),
        ));
    }
    Ok(())
}

/// AMPI rescaling `70 + 60 (x − (R − Δ))/(2Δ)`, `Δ = (sup − inf)/2`.
#[inline]
fn ampi_term(x: f64, rf: &AmpiReference, j: usize) -> f64 {
    let d = (rf.sup[j] - rf.inf[j]) / 2.0;
    70.0 + 60.0 * (x - (rf.reference[j] - d)) / (2.0 * d)
}

/// Weighted median of (value, weight) pairs with total weight `wa` (sorts `v`).
fn weighted_median(v: &mut [(f64, f64)], wa: f64) -> f64 {
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = wa / 2.0;
    let tol = 1e-12 * wa;
    let mut cum = 0.0;
    for k in 0..v.len() {
        cum += v[k].1;
        if cum > half + tol {
            return v[k].0;
        }
        if (cum - half).abs() <= tol {
            // Exact split: every value between v[k] and the next one qualifies; take the mean.
            return match v.get(k + 1) {
                Some(next) => 0.5 * (v[k].0 + next.0),
                None => v[k].0,
            };
        }
    }
    v[v.len() - 1].0
}

/// `M ∓ S·cv` with `cv = S/M` (Mazziotta & Pareto 2016, eq. for MPI±). `M = 0` (only
/// possible with non-standard inputs) gives `M`.
fn mp_combine(m: f64, s: f64, penalty: Penalty) -> f64 {
    if m == 0.0 {
        return m;
    }
    let pen = s * (s / m);
    match penalty {
        Penalty::Negative => m - pen,
        Penalty::Positive => m + pen,
    }
}

/// Goalposts and reference for the AMPI: `inf_j`/`sup_j` = min/max of column j over all rows
/// of `all` (stack every period's units: `n_rows` rows), `reference_j` = mean of column j over
/// the rows of `base` (`n_base` rows, e.g. the base year; Mazziotta & Pareto 2016 suggest the
/// base-year average). Column-major; NaN ignored. A column with no data, or constant over all
/// rows, is [`Error::Empty`] / [`Error::InvalidValue`].
pub fn ampi_reference(
    all: &[f64],
    n_rows: usize,
    base: &[f64],
    n_base: usize,
) -> Result<AmpiReference> {
    if n_rows == 0 || n_base == 0 || all.is_empty() {
        return Err(Error::Empty {
            context: "AMPI reference: matrix".into(),
        });
    }
    if all.len() % n_rows != 0 {
        return Err(Error::length_mismatch(
            "AMPI reference: matrix length vs n_rows × components",
            (all.len() / n_rows + 1) * n_rows,
            all.len(),
        ));
    }
    let m = all.len() / n_rows;
    if base.len() != m * n_base {
        return Err(Error::length_mismatch(
            "AMPI reference: base matrix vs n_base × components",
            m * n_base,
            base.len(),
        ));
    }
    let mut rf = AmpiReference {
        inf: vec![0.0; m],
        sup: vec![0.0; m],
        reference: vec![0.0; m],
    };
    for j in 0..m {
        let col = &all[j * n_rows..(j + 1) * n_rows];
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &x in col.iter().filter(|x| !x.is_nan()) {
            lo = lo.min(x);
            hi = hi.max(x);
        }
        let b = &base[j * n_base..(j + 1) * n_base];
        let (mut s, mut n) = (0.0, 0usize);
        for &x in b.iter().filter(|x| !x.is_nan()) {
            s += x;
            n += 1;
        }
        if n == 0 || lo > hi {
            return Err(Error::Empty {
                context: format!("AMPI reference: component #{j} has no observed value"),
            });
        }
        if !lo.is_finite() || !hi.is_finite() || lo == hi {
            return Err(Error::invalid_value(
                format!("AMPI reference: component #{j}: range"),
                hi - lo,
                "(goalposts need min < max over all periods)",
            ));
        }
        rf.inf[j] = lo;
        rf.sup[j] = hi;
        rf.reference[j] = s / n as f64;
    }
    Ok(rf)
}

/// Aggregates every unit of a column-major matrix (`n_units` rows, one contiguous column
/// per component: cell `(u, j)` at `matrix[j * n_units + u]`) into `out` (length `n_units`).
///
/// Works for all methods; the row-wise ones apply [`aggregate_row`] to each unit (the
/// matrix is read by stride, no allocation except the weighted median). Unit-level methods:
/// * MPI: column means/population SDs over the observed values; a unit's `M`, `S` over its
///   available components (weights re-normalised).
/// * AMPI without a reference: goalposts and reference from this matrix (see
///   [`ampi_reference`], base = the same matrix).
/// * TOPSIS: units failing the availability rule are excluded from the ideal points; a
///   missing component is left out of that unit's distances; a column with `Σx² = 0`
///   (vector) or `Σx = 0` (sum) has `r = 0`; `D⁺ + D⁻ = 0` (all units identical) gives 0.5
///   (noted). Every component is a benefit criterion here; see
///   [`aggregate_units_with_cost`] for cost criteria.
/// * Copeland: for each pair, only components observed for both count, with weights
///   re-normalised over them (symmetric `e_qp = 1 − e_pq`, unlike COINr which absorbs the
///   missing mass in `e_qp`); a pair with no common component counts as a tie. O(n² m).
pub fn aggregate_units(
    matrix: &[f64],
    n_units: usize,
    weights: &[f64],
    method: &Aggregation,
    missing: &MissingRule,
    out: &mut [f64],
) -> Result<AggregateNote> {
    aggregate_units_with_cost(matrix, n_units, weights, method, missing, None, out)
}

/// [`aggregate_units`] with some components marked as **cost criteria** (`cost[j]` true:
/// smaller is better). Only TOPSIS reads the marks: its ideal point takes the minimum of a
/// cost column and the anti-ideal the maximum (Hwang & Yoon 1981, §2.3.2, step 4), so raw
/// values in natural units can enter TOPSIS without reorienting them first. Every other
/// method expects oriented input (higher = better) and ignores `cost`. `cost`, when given,
/// has one entry per component ([`Error::LengthMismatch`] otherwise).
pub fn aggregate_units_with_cost(
    matrix: &[f64],
    n_units: usize,
    weights: &[f64],
    method: &Aggregation,
    missing: &MissingRule,
    cost: Option<&[bool]>,
    out: &mut [f64],
) -> Result<AggregateNote> {
    check_rule(missing)?;
    if let Some(c) = cost {
        if c.len() != weights.len() {
            return Err(Error::length_mismatch(
                "aggregation: cost flags vs components",
                weights.len(),
                c.len(),
            ));
        }
    }
    if n_units == 0 {
        return Err(Error::Empty {
            context: "aggregation: units".into(),
        });
    }
    if out.len() != n_units {
        return Err(Error::length_mismatch(
            "aggregation: output vs units",
            n_units,
            out.len(),
        ));
    }
    let m = weights.len();
    if matrix.len() != m * n_units {
        return Err(Error::length_mismatch(
            "aggregation: matrix vs units × weights",
            m * n_units,
            matrix.len(),
        ));
    }
    check_weights(weights, m, "aggregation")?;
    let scaled_weights = scale_safe_weights(weights);
    let weights: &[f64] = &scaled_weights;
    let total = check_weights(weights, m, "aggregation")?;
    if let Some(e) = value_rescale_exponent(matrix, method) {
        let scaled: Vec<f64> = matrix.iter().map(|&x| times_pow2(x, -e)).collect();
        let note =
            aggregate_units_with_cost(&scaled, n_units, weights, method, missing, cost, out)?;
        for y in out.iter_mut() {
            *y = times_pow2(*y, e);
        }
        return Ok(note);
    }
    if let Some(scaled) = column_rescaled(matrix, n_units, method) {
        return aggregate_units_with_cost(&scaled, n_units, weights, method, missing, cost, out);
    }
    if let Aggregation::Geometric { shift } = method {
        check_shift(*shift)?;
    }
    if let Aggregation::Power { r } = method {
        if !r.is_finite() {
            return Err(Error::invalid_spec(
                "aggregation.power.r",
                format!("must be finite, found {r}"),
            ));
        }
    }
    let mut note = AggregateNote::default();
    // Availability per unit, accumulated column by column (memory order). The arithmetic
    // mean (no domain restriction) is accumulated in the same pass.
    let arith = matches!(
        method,
        Aggregation::Arithmetic | Aggregation::Power { r: 1.0 }
    );
    let mut sums = UnitSums::default();
    sums.start(n_units);
    for (j, col) in matrix.chunks_exact(n_units).enumerate() {
        if let Some(u) = sums.add(col, weights[j], arith) {
            return Err(Error::invalid_value(
                comp_ctx(Some(u), j),
                col[u],
                "in an aggregation (infinite)",
            ));
        }
    }
    sums.close();
    let mut ok = vec![false; n_units];
    (note.n_insufficient, note.n_partial) = sums.mask(total, missing, &mut ok);
    let UnitSums {
        wa, na: _, mut s1, ..
    } = sums;
    match method {
        Aggregation::Arithmetic | Aggregation::Power { r: 1.0 } => {
            finish_mean(out, &ok, &s1, &wa);
        }
        Aggregation::Geometric { .. } | Aggregation::Power { r: 0.0 } => {
            let shift = geometric_shift(method);
            accumulate_ln(matrix, n_units, weights, &ok, &mut s1, shift)?;
            finish(out, &ok, |u| (s1[u] / wa[u]).exp() - shift);
        }
        Aggregation::Harmonic => {
            accumulate(matrix, n_units, weights, &ok, &mut s1, None, |u, j, x| {
                harmonic_term(x, Some(u), j)
            })?;
            finish(out, &ok, |u| wa[u] / s1[u]);
        }
        Aggregation::Power { r } => {
            let r = *r;
            match near_limit::form(r) {
                Form::Plain => {
                    accumulate(matrix, n_units, weights, &ok, &mut s1, None, |u, j, x| {
                        power_term(x, r, Some(u), j)
                    })?;
                    finish(out, &ok, |u| (s1[u] / wa[u]).powf(1.0 / r));
                }
                Form::Expm1 => {
                    accumulate(matrix, n_units, weights, &ok, &mut s1, None, |u, j, x| {
                        power_term_near_zero(x, r, Some(u), j)
                    })?;
                    finish(out, &ok, |u| near_limit::root_of_mean(s1[u] / wa[u], r));
                }
                Form::Series => {
                    let mut s2 = vec![0.0; n_units];
                    accumulate(
                        matrix,
                        n_units,
                        weights,
                        &ok,
                        &mut s1,
                        Some(&mut s2),
                        |u, j, x| power_ln_term(x, r, Some(u), j),
                    )?;
                    finish(out, &ok, |u| {
                        power_mean_series(s1[u] / wa[u], s2[u] / wa[u], r)
                    });
                }
            }
        }
        Aggregation::WeightedMedian => {
            let mut row = vec![0.0; m];
            let mut pairs: Vec<(f64, f64)> = Vec::with_capacity(m);
            for u in 0..n_units {
                if !ok[u] {
                    out[u] = f64::NAN;
                    continue;
                }
                for (j, r) in row.iter_mut().enumerate() {
                    *r = matrix[j * n_units + u];
                }
                pairs.clear();
                pairs.extend(
                    row.iter()
                        .zip(weights)
                        .filter(|(x, w)| !x.is_nan() && **w > 0.0)
                        .map(|(x, w)| (*x, *w)),
                );
                out[u] = weighted_median(&mut pairs, wa[u]);
            }
        }
        Aggregation::Mpi { penalty } => {
            let mut mu = vec![0.0; m];
            let mut sd = vec![0.0; m];
            for (j, col) in matrix.chunks_exact(n_units).enumerate() {
                let (mut s, mut n) = (0.0, 0usize);
                for &x in col.iter().filter(|x| !x.is_nan()) {
                    s += x;
                    n += 1;
                }
                if n == 0 {
                    continue;
                }
                mu[j] = s / n as f64;
                let ss: f64 = col
                    .iter()
                    .filter(|x| !x.is_nan())
                    .map(|x| (x - mu[j]).powi(2))
                    .sum();
                sd[j] = (ss / n as f64).sqrt();
                if !(sd[j] > 0.0) && weights[j] > 0.0 {
                    note.notes
                        .push(format!("component #{j}: constant — z = 100 for every unit"));
                }
            }
            let mut s2 = vec![0.0; n_units];
            accumulate(
                matrix,
                n_units,
                weights,
                &ok,
                &mut s1,
                Some(&mut s2),
                |_, j, x| {
                    Ok(if sd[j] > 0.0 {
                        100.0 + 10.0 * (x - mu[j]) / sd[j]
                    } else {
                        100.0
                    })
                },
            )?;
            finish(out, &ok, |u| mp_from_sums(s1[u], s2[u], wa[u], *penalty));
        }
        Aggregation::Ampi { penalty, reference } => {
            let derived;
            let rf = match reference {
                Some(rf) => rf,
                None => {
                    derived = ampi_reference(matrix, n_units, matrix, n_units)?;
                    note.notes.push(
                        "AMPI goalposts and reference derived from this matrix (not fixed across periods)"
                            .into(),
                    );
                    &derived
                }
            };
            check_ampi_reference(rf, m)?;
            let mut s2 = vec![0.0; n_units];
            accumulate(
                matrix,
                n_units,
                weights,
                &ok,
                &mut s1,
                Some(&mut s2),
                |_, j, x| Ok(ampi_term(x, rf, j)),
            )?;
            finish(out, &ok, |u| mp_from_sums(s1[u], s2[u], wa[u], *penalty));
        }
        Aggregation::Topsis { normalisation } => topsis(
            matrix,
            n_units,
            weights,
            *normalisation,
            cost,
            &ok,
            out,
            &mut note,
        ),
        Aggregation::Copeland => copeland(matrix, n_units, weights, &ok, out),
    }
    Ok(note)
}

/// Adds `w_j · f(x_uj)` (and `w_j · f²` into `s2`) over the observed cells of the units
/// that pass the availability rule, walking the matrix column by column.
#[allow(clippy::too_many_arguments)]
fn accumulate(
    matrix: &[f64],
    n_units: usize,
    weights: &[f64],
    ok: &[bool],
    s1: &mut [f64],
    mut s2: Option<&mut [f64]>,
    f: impl Fn(usize, usize, f64) -> Result<f64>,
) -> Result<()> {
    for (j, col) in matrix.chunks_exact(n_units).enumerate() {
        let w = weights[j];
        if w == 0.0 {
            continue;
        }
        match s2.as_deref_mut() {
            None => {
                for (u, (s, &x)) in s1.iter_mut().zip(col).enumerate() {
                    if !x.is_nan() && ok[u] {
                        *s += w * f(u, j, x)?;
                    }
                }
            }
            Some(s2) => {
                for (u, ((s, q), &x)) in s1.iter_mut().zip(s2.iter_mut()).zip(col).enumerate() {
                    if !x.is_nan() && ok[u] {
                        let t = f(u, j, x)?;
                        *s += w * t;
                        *q += w * t * t;
                    }
                }
            }
        }
    }
    Ok(())
}

/// [`accumulate`] for the geometric mean: `s1[u] += w_j · ln(x_uj + shift)` over the
/// available cells of the units in `ok`, with each column's logarithms taken in one
/// vectorised pass (`super::ln::ln_into`, within 1 ulp of `f64::ln`) instead of one libm
/// call per cell. The sums run in the same order as [`accumulate`]'s, and a cell with
/// `x + shift ≤ 0` is the same error ([`geo_term`]'s, the first such unit of the column).
// indexed loop over slices of one length: no bounds checks, and it vectorises (a zip of
// five iterators did not)
#[allow(clippy::needless_range_loop)]
fn accumulate_ln(
    matrix: &[f64],
    n_units: usize,
    weights: &[f64],
    ok: &[bool],
    s1: &mut [f64],
    shift: f64,
) -> Result<()> {
    let mut xs = vec![0.0; n_units];
    let mut lns = vec![0.0; n_units];
    for (j, col) in matrix.chunks_exact(n_units).enumerate() {
        let w = weights[j];
        if w == 0.0 {
            continue;
        }
        // without a shift the column itself is the argument (no copy)
        let arg: &[f64] = if shift == 0.0 {
            col
        } else {
            for (d, &x) in xs.iter_mut().zip(col) {
                *d = x + shift;
            }
            &xs
        };
        super::ln::ln_into(arg, &mut lns);
        // branch-free (vectorised): a cell left out adds nothing; the check of the arguments
        // runs in the same pass, and the first offending unit is searched only on error
        // (the sums are then discarded with the error)
        let n = n_units;
        let (col, arg, lns, ok, s1) = (&col[..n], &arg[..n], &lns[..n], &ok[..n], &mut s1[..n]);
        let mut bad = false;
        for u in 0..n {
            let take = !col[u].is_nan() & ok[u];
            bad |= take & !(arg[u] > 0.0);
            s1[u] += if take { w * lns[u] } else { 0.0 };
        }
        if bad {
            if let Some(u) = (0..n_units).find(|&u| !col[u].is_nan() && ok[u] && !(arg[u] > 0.0)) {
                geo_term(col[u], shift, Some(u), j)?;
            }
        }
    }
    Ok(())
}

/// Per-unit sums of [`aggregate_units`], accumulated column by column (memory order):
/// available weight `wa`, available count `na` (as f64, exact, so the loops vectorise) and,
/// for the arithmetic mean, the weighted sum `s1`. Columns without a missing value add to
/// scalar totals instead of the per-unit arrays. The arrays are reused across
/// [`UnitSums::start`]s without clearing: the first column written sets `0.0 + term`
/// (exactly what adding to a cleared array gives).
#[derive(Debug, Default)]
pub(crate) struct UnitSums {
    pub wa: Vec<f64>,
    pub na: Vec<f64>,
    pub s1: Vec<f64>,
    w_full: f64,
    n_full: usize,
    nw: usize,
    wn_fresh: bool,
    s1_fresh: bool,
}

impl UnitSums {
    /// Starts a new aggregation over `n_units` units.
    pub(crate) fn start(&mut self, n_units: usize) {
        for v in [&mut self.wa, &mut self.na, &mut self.s1] {
            v.resize(n_units, 0.0);
        }
        self.w_full = 0.0;
        self.n_full = 0;
        self.nw = 0;
        self.wn_fresh = true;
        self.s1_fresh = true;
    }

    /// Adds component column `col` (one value per unit) with weight `w`; `arith` also
    /// accumulates the weighted sum. Returns the first unit with an infinite value, if
    /// any (nothing is added then).
    pub(crate) fn add(&mut self, col: &[f64], w: f64, arith: bool) -> Option<usize> {
        let (any_inf, any_nan) = col.iter().fold((false, false), |(i, n), x| {
            (i | x.is_infinite(), n | x.is_nan())
        });
        if any_inf {
            return Some(col.iter().position(|x| x.is_infinite()).unwrap_or(0));
        }
        if w == 0.0 {
            return None;
        }
        self.nw += 1;
        let n = self.wa.len();
        let col = &col[..n];
        let (wa, na, s1) = (&mut self.wa[..n], &mut self.na[..n], &mut self.s1[..n]);
        // `$set`: the arrays are stale, start from 0.0
        macro_rules! kernel {
            (full, $set:expr) => {
                for u in 0..n {
                    let b = if $set { 0.0 } else { s1[u] };
                    s1[u] = b + w * col[u];
                }
            };
            (partial_arith, $set:expr, $set1:expr) => {
                for u in 0..n {
                    let x = col[u];
                    let p = !x.is_nan();
                    let (a, c, s) = if $set {
                        (0.0, 0.0, if $set1 { 0.0 } else { s1[u] })
                    } else {
                        (wa[u], na[u], if $set1 { 0.0 } else { s1[u] })
                    };
                    wa[u] = a + if p { w } else { 0.0 };
                    na[u] = c + if p { 1.0 } else { 0.0 };
                    s1[u] = s + if p { w * x } else { 0.0 };
                }
            };
            (partial, $set:expr) => {
                for u in 0..n {
                    let p = !col[u].is_nan();
                    let (a, c) = if $set { (0.0, 0.0) } else { (wa[u], na[u]) };
                    wa[u] = a + if p { w } else { 0.0 };
                    na[u] = c + if p { 1.0 } else { 0.0 };
                }
            };
        }
        if !any_nan {
            self.w_full += w;
            self.n_full += 1;
            if arith {
                if self.s1_fresh {
                    kernel!(full, true);
                } else {
                    kernel!(full, false);
                }
                self.s1_fresh = false;
            }
        } else if arith {
            match (self.wn_fresh, self.s1_fresh) {
                (true, true) => kernel!(partial_arith, true, true),
                (true, false) => kernel!(partial_arith, true, false),
                (false, true) => kernel!(partial_arith, false, true),
                (false, false) => kernel!(partial_arith, false, false),
            }
            self.wn_fresh = false;
            self.s1_fresh = false;
        } else {
            if self.wn_fresh {
                kernel!(partial, true);
            } else {
                kernel!(partial, false);
            }
            self.wn_fresh = false;
        }
        None
    }

    /// Adds the totals of the complete columns to every unit; call once after the last
    /// [`UnitSums::add`].
    pub(crate) fn close(&mut self) {
        if self.wn_fresh {
            self.wa.fill(0.0);
            self.na.fill(0.0);
            self.wn_fresh = false;
        }
        if self.s1_fresh {
            self.s1.fill(0.0);
            self.s1_fresh = false;
        }
        if self.n_full > 0 {
            let (w_full, n_full) = (self.w_full, self.n_full as f64);
            self.wa.iter_mut().for_each(|a| *a += w_full);
            self.na.iter_mut().for_each(|c| *c += n_full);
        }
    }

    /// The availability rule per unit into `ok`; returns (units below the rule, units
    /// scored with a component missing). `total` is the sum of all weights.
    pub(crate) fn mask(
        &self,
        total: f64,
        missing: &MissingRule,
        ok: &mut [bool],
    ) -> (usize, usize) {
        let (mut insufficient, mut partial) = (0usize, 0usize);
        let nwf = self.nw as f64;
        let n = self.wa.len();
        let (wa, na, ok) = (&self.wa[..n], &self.na[..n], &mut ok[..n]);
        for u in 0..n {
            let share = if missing.by_weight {
                wa[u] / total
            } else {
                na[u] / nwf
            };
            ok[u] = na[u] > 0.0 && share + 1e-12 >= missing.min_share;
            insufficient += usize::from(!ok[u]);
            partial += usize::from(ok[u] && na[u] < nwf);
        }
        (insufficient, partial)
    }
}

/// `out = s1 / wa` where `ok`, else NaN (the weighted arithmetic mean).
pub(crate) fn finish_mean(out: &mut [f64], ok: &[bool], s1: &[f64], wa: &[f64]) {
    for (((o, &k), &s), &a) in out.iter_mut().zip(ok).zip(s1).zip(wa) {
        let m = s / a;
        *o = if k { m } else { f64::NAN };
    }
}

fn finish(out: &mut [f64], ok: &[bool], f: impl Fn(usize) -> f64) {
    for (u, o) in out.iter_mut().enumerate() {
        *o = if ok[u] { f(u) } else { f64::NAN };
    }
}

fn mp_from_sums(s1: f64, s2: f64, sw: f64, penalty: Penalty) -> f64 {
    let mean = s1 / sw;
    mp_combine(mean, (s2 / sw - mean * mean).max(0.0).sqrt(), penalty)
}

#[allow(clippy::too_many_arguments)]
fn topsis(
    matrix: &[f64],
    n_units: usize,
    weights: &[f64],
    normalisation: TopsisNormalisation,
    cost: Option<&[bool]>,
    ok: &[bool],
    out: &mut [f64],
    note: &mut AggregateNote,
) {
    let m = weights.len();
    let total: f64 = weights.iter().sum();
    let mut norm = vec![0.0; m];
    let mut best = vec![f64::NEG_INFINITY; m];
    let mut worst = vec![f64::INFINITY; m];
    for j in 0..m {
        let col = &matrix[j * n_units..(j + 1) * n_units];
        let observed = || col.iter().zip(ok).filter(|(x, &k)| k && !x.is_nan());
        let scale = match normalisation {
            TopsisNormalisation::Vector => observed().map(|(x, _)| x * x).sum::<f64>().sqrt(),
            TopsisNormalisation::Sum => observed().map(|(x, _)| *x).sum::<f64>(),
            TopsisNormalisation::None => 1.0,
        };
        norm[j] = if scale != 0.0 && scale.is_finite() {
            (weights[j] / total) / scale
        } else {
            0.0
        };
        for (&x, &k) in col.iter().zip(ok) {
            if k && !x.is_nan() {
                let v = x * norm[j];
                best[j] = best[j].max(v);
                worst[j] = worst[j].min(v);
            }
        }
        // a cost criterion: the ideal is the smallest weighted value (Hwang & Yoon 1981)
        if cost.is_some_and(|c| c[j]) && best[j] >= worst[j] {
            std::mem::swap(&mut best[j], &mut worst[j]);
        }
    }
    let mut dp = vec![0.0; n_units];
    let mut dm = vec![0.0; n_units];
    for j in 0..m {
        if weights[j] == 0.0 || best[j].is_infinite() || worst[j].is_infinite() {
            continue;
        }
        let col = &matrix[j * n_units..(j + 1) * n_units];
        for u in 0..n_units {
            let x = col[u];
            if !ok[u] || x.is_nan() {
                continue;
            }
            let v = x * norm[j];
            dp[u] += (v - best[j]).powi(2);
            dm[u] += (v - worst[j]).powi(2);
        }
    }
    let mut ties = 0usize;
    for u in 0..n_units {
        out[u] = if !ok[u] {
            f64::NAN
        } else {
            let (p, q) = (dp[u].sqrt(), dm[u].sqrt());
            if p + q > 0.0 {
                q / (p + q)
            } else {
                ties += 1;
                0.5
            }
        };
    }
    if ties > 0 {
        note.notes.push(format!(
            "{ties} unit(s) coincide with both the ideal and the anti-ideal point (D⁺ + D⁻ = 0): closeness 0.5"
        ));
    }
}

fn copeland(matrix: &[f64], n_units: usize, weights: &[f64], ok: &[bool], out: &mut [f64]) {
    let m = weights.len();
    for o in out.iter_mut() {
        *o = 0.0;
    }
    for p in 0..n_units {
        if !ok[p] {
            continue;
        }
        for q in (p + 1)..n_units {
            if !ok[q] {
                continue;
            }
            let (mut win, mut tie, mut wt) = (0.0, 0.0, 0.0);
            for j in 0..m {
                let w = weights[j];
                let (a, b) = (matrix[j * n_units + p], matrix[j * n_units + q]);
                if w == 0.0 || a.is_nan() || b.is_nan() {
                    continue;
                }
                wt += w;
                if a > b {
                    win += w;
                } else if a == b {
                    tie += w;
                }
            }
            if wt == 0.0 {
                continue;
            }
            let e = (win + 0.5 * tie) / wt;
            let d = e - 0.5;
            if d.abs() > 1e-12 {
                let s = d.signum();
                out[p] += s;
                out[q] -= s;
            }
        }
    }
    for (o, &k) in out.iter_mut().zip(ok) {
        if !k {
            *o = f64::NAN;
        }
    }
}
