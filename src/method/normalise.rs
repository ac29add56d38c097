//! Normalisation of one indicator column (one indicator over units), polarity-aware.
//!
//! Every normaliser takes the raw values in their natural units and the indicator's
//! [`Polarity`]; parameters (targets, goalposts, satisfactory values) are always given in
//! natural units. Direction is handled by an explicit branch in each formula, never by
//! multiplying the data by −1 first (the COINr `Normalise.numeric` convention
//! `x <- x*direction`, which also flips targets and goalposts and is the root of COINr
//! issues #19, #46, #68; see `docs/methods.md`, "Direction").
//!
//! Conventions shared by all methods:
//! * The output is oriented: **higher is always better** after normalisation.
//! * NaN in → NaN out: a missing value stays missing (imputation is a separate step).
//! * ±inf in the input is an error ([`Error::InvalidValue`]), naming indicator and unit index.
//! * Degenerate columns (constant, a single observation, all missing) never produce NaN
//!   for observed cells: each method documents its policy and sets a flag in [`ColumnNote`].
//! * [`Polarity::Interval`] columns are first mapped to their interval score
//!   (1 inside `[lower, upper]`, linear to 0 at the tolerance bounds; NBS 2008 区间指标)
//!   and that score is normalised as higher-is-better, except for
//!   [`Normalisation::RatioToTarget`] where the interval score *is* the result, and for the
//!   methods whose parameters are in natural units ([`Normalisation::Goalposts`],
//!   [`Normalisation::EfficacyCoefficient`], [`Normalisation::DistanceToTarget`],
//!   [`Normalisation::DistanceToReference`]), which reject interval polarity with
//!   [`Error::InvalidSpec`].
//! * [`Polarity::Binary`] is treated as higher-is-better (1 = met).
//!
//! The hot path ([`normalise_column`]) does not allocate except for the rank methods, which
//! sort an index vector.

// `!(x > 0.0)` is deliberate: it is also true for NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Polarity;

fn zero() -> f64 {
    0.0
}
fn one() -> f64 {
    1.0
}
fn hundred() -> f64 {
    100.0
}
fn yes() -> bool {
    true
}

/// How tied values are ranked by [`Normalisation::Rank`] and [`Normalisation::PercentileRank`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ties {
    /// Tied units get the lowest rank of their group (R `rank(ties.method = "min")`,
    /// the COINr `n_rank` default).
    Min,
    /// Tied units get the mean rank of their group (R `rank(ties.method = "average")`).
    #[default]
    Average,
    /// Tied units get the highest rank of their group.
    Max,
}

/// A normalisation method with its parameters (JSON: `{"method": "min_max", "low": 0, ...}`).
///
/// Formulas and sources are on each variant; defaults are given by `#[serde(default)]`
/// and repeated in the docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Normalisation {
    /// No transformation (values used as they are; lower-is-better columns are **not**
    /// reoriented, so use this only for already-oriented data).
    Identity,
    /// Min–max to `[low, high]`: `y = low + (high − low)·(x − min)/(max − min)` for
    /// higher-is-better, `y = low + (high − low)·(max − x)/(max − min)` for lower-is-better,
    /// min/max over the observed values (OECD/JRC Handbook 2008 §5, "min–max";
    /// COINr `n_minmax`; Compind `normalise_ci` method 2).
    ///
    /// Constant column (max = min): every observed unit gets the midpoint
    /// `(low + high)/2` and [`ColumnNote::constant`] is set (COINr returns NaN).
    /// Defaults: `low = 0`, `high = 100`.
    MinMax {
        /// Value of the worst unit (default 0).
        #[serde(default = "zero")]
        low: f64,
        /// Value of the best unit (default 100).
        #[serde(default = "hundred")]
        high: f64,
    },
    /// z-score: `y = mean + sd·(x − x̄)/s` (higher-is-better) or `y = mean − sd·(x − x̄)/s`
    /// (lower-is-better), with `s` the sample standard deviation (n − 1) over the observed
    /// values (OECD/JRC Handbook 2008 §5 "standardisation"; COINr `n_zscore`; Compind
    /// method 1 applies the NEG polarity the same way).
    ///
    /// `s = 0` or a single observation: every observed unit gets `mean`, flagged constant.
    /// Defaults: `mean = 0`, `sd = 1` (use `100`/`10` for the Mazziotta–Pareto scale).
    ZScore {
        /// Target mean (default 0).
        #[serde(default = "zero")]
        mean: f64,
        /// Target standard deviation (default 1).
        #[serde(default = "one")]
        sd: f64,
    },
    /// Rank among the observed units, 1 = worst … n = best (COINr `n_rank` ranks ascending
    /// after its sign flip, so higher rank = better). Ties: [`Ties`] (default `min`, as COINr).
    Rank {
        /// Ties policy (default `min`).
        #[serde(default = "ties_min")]
        ties: Ties,
    },
    /// Percentile rank `(r − 1)/(n − 1)` in `[0, 1]` with `r` the rank of [`Normalisation::Rank`]
    /// (COINr `n_prank`). Ties default `average`, so a constant column gives 0.5 for all.
    /// A single observation gets 0.5, flagged constant (COINr: 0/0).
    PercentileRank {
        /// Ties policy (default `average`).
        #[serde(default)]
        ties: Ties,
    },
    /// Goalposts: `y = scale·(x − lower)/(upper − lower)` for higher-is-better,
    /// `y = scale·(upper − x)/(upper − lower)` for lower-is-better, optionally truncated to
    /// `[0, scale]`; with `log = true` the logs of `x`, `lower`, `upper` are used:
    /// `(ln x − ln lower)/(ln upper − ln lower)` (UNDP HDR 2020/2023 Technical notes,
    /// technical note 1: dimension index `(actual − min)/(max − min)`, income index on
    /// `ln GNIpc` with goalposts 100 and 75 000 PPP$; SDSN SDR methodology: 100·clamp with
    /// lower bound = 2.5th percentile and upper = technical optimum; COINr `n_goalposts`).
    ///
    /// Requires `lower < upper` (and `lower > 0` with `log`); values ≤ 0 with `log` are an
    /// error. Defaults: `scale = 1`, `truncate = true`, `log = false`.
    Goalposts {
        /// Lower goalpost in natural units (the worst value for higher-is-better).
        lower: f64,
        /// Upper goalpost in natural units.
        upper: f64,
        /// Scale of the result (1 for HDI, 100 for SDSN). Default 1.
        #[serde(default = "one")]
        scale: f64,
        /// Truncate values outside the goalposts to `[0, scale]` (default true).
        #[serde(default = "yes")]
        truncate: bool,
        /// Use logarithms (HDI income index). Default false.
        #[serde(default)]
        log: bool,
    },
    /// Distance to target, anchored at the sample's worst value (COINr `n_dist2targ`):
    /// higher-is-better `y = (x − min x)/(T − min x)`, lower-is-better
    /// `y = (max x − x)/(max x − T)`; with `cap = true` the result is capped at 1.
    /// Needs the indicator's target `T`.
    ///
    /// If every unit already meets the target (`T ≤ min x`, resp. `T ≥ max x`), every
    /// unit scores 1, flagged constant. Default `cap = true`.
    DistanceToTarget {
        /// Cap at 1 (default true). Uncapped values are also written when requested.
        #[serde(default = "yes")]
        cap: bool,
    },
    /// Ratio to target, the Chinese achievement degree (实现度; NBS 全面建设小康社会统计监测
    /// 方案 2008): higher-is-better `a = x/T`, lower-is-better `a = T/x`, interval
    /// `a = 1` inside `[lower, upper]`, `(x − tl)/(lower − tl)` below, `(tu − x)/(tu − upper)`
    /// above, 0 beyond the tolerance bounds. The result is `min(a, 1)` when `cap`; the
    /// uncapped value is written to the optional `uncapped` output of [`normalise_column`].
    ///
    /// Policies: `T ≤ 0` is an error for higher-is-better; negative `x` is an error;
    /// lower-is-better with `x = 0` is achieved (`a = 1`, uncapped `+inf` is **not** written:
    /// the uncapped value is set to 1 and counted in [`ColumnNote::n_clamped`]); lower-is-better
    /// with `T = 0` gives `a = 1` if `x = 0` and 0 otherwise. Binary: `x/T` with `T` = 1
    /// when no target is given. Default `cap = true`.
    RatioToTarget {
        /// Cap at 1 (default true).
        #[serde(default = "yes")]
        cap: bool,
    },
    /// Distance to a reference unit (COINr `n_dist2ref`): higher-is-better
    /// `y = 1 − (x_ref − x)/(x_ref − min x)`, lower-is-better `y = 1 − (x − x_ref)/(max x − x_ref)`;
    /// the reference unit scores 1, the worst unit 0, units better than the reference above 1
    /// (capped at 1 with `cap`). The unit is resolved by the caller into
    /// [`ColumnInfo::reference_unit`].
    ///
    /// The reference missing is an error ([`Error::MissingValue`]; COINr returns all NA);
    /// reference equal to the worst value gives 1 for every unit, flagged constant.
    DistanceToReference {
        /// The reference unit's id (resolved by the caller).
        unit: String,
        /// Cap at 1 (default false).
        #[serde(default)]
        cap: bool,
    },
    /// Efficacy coefficient (功效系数法, Chinese evaluation practice):
    /// `y = 60 + 40·(x − x_s)/(x_h − x_s)` with `x_h` the satisfactory (满意) value and `x_s`
    /// the not-allowed (不允许) value, both in natural units. For lower-is-better indicators
    /// `x_h < x_s` and the same formula applies. When a value is not given it is taken from
    /// the data: `x_h` = best observed value, `x_s` = worst observed value.
    ///
    /// `clamp = true` (default) limits the result to `[60, 100]` (the practice of not
    /// rewarding beyond the satisfactory value nor punishing below the floor); clamped
    /// cells are counted. `x_h = x_s` (e.g. a constant column with data-driven values) gives
    /// 80 for every unit, flagged constant.
    EfficacyCoefficient {
        /// Satisfactory value `x_h` (default: best observed).
        #[serde(default)]
        satisfactory: Option<f64>,
        /// Not-allowed value `x_s` (default: worst observed).
        #[serde(default)]
        not_allowed: Option<f64>,
        /// Clamp to [60, 100] (default true).
        #[serde(default = "yes")]
        clamp: bool,
    },
}

fn ties_min() -> Ties {
    Ties::Min
}

impl Normalisation {
    /// The snake_case name used in JSON (`min_max`, `z_score`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Normalisation::Identity => "identity",
            Normalisation::MinMax { .. } => "min_max",
            Normalisation::ZScore { .. } => "z_score",
            Normalisation::Rank { .. } => "rank",
            Normalisation::PercentileRank { .. } => "percentile_rank",
            Normalisation::Goalposts { .. } => "goalposts",
            Normalisation::DistanceToTarget { .. } => "distance_to_target",
            Normalisation::RatioToTarget { .. } => "ratio_to_target",
            Normalisation::DistanceToReference { .. } => "distance_to_reference",
            Normalisation::EfficacyCoefficient { .. } => "efficacy_coefficient",
        }
    }

    /// The range `[low, high]` the worst and best values are mapped to, when the method is
    /// bounded (obstacle degrees rescale normalised values to 0–1 with it): min–max
    /// `[low, high]`, percentile rank `[0, 1]`, truncated goalposts `[0, scale]`, capped
    /// distance/ratio to target `[0, 1]`, clamped efficacy coefficient `[60, 100]`; `None`
    /// for the unbounded ones.
    pub fn output_bounds(&self) -> Option<(f64, f64)> {
        match *self {
            Normalisation::MinMax { low, high } => Some((low, high)),
            Normalisation::PercentileRank { .. } => Some((0.0, 1.0)),
            Normalisation::Goalposts {
                scale, truncate, ..
            } => truncate.then_some((0.0, scale)),
            Normalisation::DistanceToTarget { cap } | Normalisation::RatioToTarget { cap } => {
                cap.then_some((0.0, 1.0))
            }
            Normalisation::EfficacyCoefficient { clamp, .. } => clamp.then_some((60.0, 100.0)),
            Normalisation::Identity
            | Normalisation::ZScore { .. }
            | Normalisation::Rank { .. }
            | Normalisation::DistanceToReference { .. } => None,
        }
    }

    /// The reference unit of [`Normalisation::DistanceToReference`], the one method that
    /// reads another unit's value; `None` for the others.
    pub fn reference_unit(&self) -> Option<&str> {
        match self {
            Normalisation::DistanceToReference { unit, .. } => Some(unit),
            Normalisation::MinMax { .. }
            | Normalisation::PercentileRank { .. }
            | Normalisation::Goalposts { .. }
            | Normalisation::DistanceToTarget { .. }
            | Normalisation::RatioToTarget { .. }
            | Normalisation::EfficacyCoefficient { .. }
            | Normalisation::Identity
            | Normalisation::ZScore { .. }
            | Normalisation::Rank { .. } => None,
        }
    }

    /// Whether the method turns a lower-is-better indicator around (higher normalised value
    /// = better): every method but `identity`, which leaves the raw scale (and orientation)
    /// as it is — TOPSIS then treats such an indicator as a cost criterion.
    pub fn orients(&self) -> bool {
        match self {
            Normalisation::Identity => false,
            Normalisation::MinMax { .. }
            | Normalisation::PercentileRank { .. }
            | Normalisation::Goalposts { .. }
            | Normalisation::DistanceToTarget { .. }
            | Normalisation::RatioToTarget { .. }
            | Normalisation::EfficacyCoefficient { .. }
            | Normalisation::ZScore { .. }
            | Normalisation::Rank { .. }
            | Normalisation::DistanceToReference { .. } => true,
        }
    }

    /// The default normalisation: min–max to [0, 100].
    pub fn default_min_max() -> Self {
        Normalisation::MinMax {
            low: 0.0,
            high: 100.0,
        }
    }
}

impl Default for Normalisation {
    fn default() -> Self {
        Normalisation::default_min_max()
    }
}

/// What a normaliser needs to know about a column besides its values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnInfo<'a> {
    /// Indicator id, used in error messages.
    pub id: &'a str,
    /// The indicator's polarity.
    pub polarity: Polarity,
    /// The indicator's target in natural units (needed by the target-based methods).
    pub target: Option<f64>,
    /// Index (into the column) of the reference unit for
    /// [`Normalisation::DistanceToReference`].
    pub reference_unit: Option<usize>,
}

impl<'a> ColumnInfo<'a> {
    /// A column with the given id and polarity, no target, no reference unit.
    pub fn new(id: &'a str, polarity: Polarity) -> Self {
        ColumnInfo {
            id,
            polarity,
            target: None,
            reference_unit: None,
        }
    }

    /// Sets the target.
    pub fn with_target(mut self, target: Option<f64>) -> Self {
        self.target = target;
        self
    }

    /// Sets the reference unit index.
    pub fn with_reference_unit(mut self, unit: Option<usize>) -> Self {
        self.reference_unit = unit;
        self
    }
}

/// What happened while normalising one column.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ColumnNote {
    /// Number of observed (non-NaN) values.
    pub n_observed: usize,
    /// Number of missing (NaN) values, passed through as NaN.
    pub n_missing: usize,
    /// The column was degenerate for the method (constant, single observation, zero
    /// denominator) and the documented fallback value was used.
    pub constant: bool,
    /// Number of cells changed by truncation/capping/clamping (their uncapped value is
    /// in the `uncapped` output when requested).
    pub n_clamped: usize,
    /// Smallest observed raw value (NaN when none; `null` in JSON).
    #[serde(deserialize_with = "nan_if_null")]
    pub min: f64,
    /// Largest observed raw value (NaN when none; `null` in JSON).
    #[serde(deserialize_with = "nan_if_null")]
    pub max: f64,
}

/// serde_json writes NaN as `null`; read it back as NaN.
fn nan_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// Interval score of the NBS 2008 区间指标 form (target interval with 允许下、上界限值;
/// methods-reference b.2): 1 inside `[lower, upper]`, falling linearly to 0 at
/// `tol_lower` / `tol_upper`, 0 beyond. A tolerance bound equal to its band end (zero
/// denominator) means a hard edge: 0 just outside the band. NaN gives NaN. Used both by
/// normalisation and by plan achievement (实现度) of interval indicators.
pub fn interval_score(x: f64, lower: f64, upper: f64, tol_lower: f64, tol_upper: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x >= lower && x <= upper {
        1.0
    } else if x < lower {
        if x <= tol_lower || lower <= tol_lower {
            0.0
        } else {
            (x - tol_lower) / (lower - tol_lower)
        }
    } else if x >= tol_upper || tol_upper <= upper {
        0.0
    } else {
        (tol_upper - x) / (tol_upper - upper)
    }
}

fn finite_check(x: &[f64], id: &str) -> Result<(usize, f64, f64)> {
    // Branch-light scan in 4 independent lanes (ILP / SIMD); `v < lo` is false for NaN,
    // so missing values are skipped without a branch.
    let mut n4 = [0usize; 4];
    let mut lo4 = [f64::INFINITY; 4];
    let mut hi4 = [f64::NEG_INFINITY; 4];
    let mut inf4 = [false; 4];
    let chunks = x.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for k in 0..4 {
            let v = c[k];
            n4[k] += usize::from(!v.is_nan());
            inf4[k] |= v.abs() == f64::INFINITY;
            lo4[k] = if v < lo4[k] { v } else { lo4[k] };
            hi4[k] = if v > hi4[k] { v } else { hi4[k] };
        }
    }
    for &v in rest {
        n4[0] += usize::from(!v.is_nan());
        inf4[0] |= v.abs() == f64::INFINITY;
        lo4[0] = if v < lo4[0] { v } else { lo4[0] };
        hi4[0] = if v > hi4[0] { v } else { hi4[0] };
    }
    let n: usize = n4.iter().sum();
    let inf = inf4.iter().any(|&b| b);
    let lo = lo4.iter().fold(f64::INFINITY, |a, &b| a.min(b));
    let hi = hi4.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    if inf {
        let u = x.iter().position(|v| v.is_infinite()).unwrap_or(0);
        return Err(Error::invalid_value(
            format!("indicator `{id}`, unit #{u}"),
            x[u],
            "in a normalisation (infinite)",
        ));
    }
    if n == 0 {
        Ok((0, f64::NAN, f64::NAN))
    } else {
        Ok((n, lo, hi))
    }
}

fn need_finite(name: &str, v: f64) -> Result<()> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(Error::invalid_spec(
            format!("normalisation.{name}"),
            format!("must be a finite number, found {v}"),
        ))
    }
}

/// Direction after mapping interval columns to their score: `true` = higher is better.
fn higher(p: &Polarity) -> bool {
    !matches!(p, Polarity::LowerIsBetter)
}

fn no_interval(info: &ColumnInfo, method: &Normalisation) -> Result<()> {
    if let Polarity::Interval { .. } = info.polarity {
        return Err(Error::invalid_spec(
            format!("normalisation.{}", method.name()),
            format!(
                "indicator `{}` has interval polarity; its band already fixes the scale — use ratio_to_target, min_max or rank",
                info.id
            ),
        ));
    }
    Ok(())
}

/// Normalises one column (one indicator over units) into `out`.
///
/// * `x` — raw values in natural units, NaN = missing; ±inf is an error.
/// * `info` — indicator id, polarity, target and reference unit.
/// * `method` — the normalisation and its parameters.
/// * `out` — same length as `x`; receives the normalised values (higher = better; NaN
///   where `x` is NaN).
/// * `uncapped` — optional, same length; receives the value before any cap/truncation/clamp
///   (for [`Normalisation::RatioToTarget`] the 超额 achievement; for other methods the
///   unclamped formula value).
///
/// Returns a [`ColumnNote`] with counts and flags. An all-missing column returns all NaN
/// and `n_observed = 0` (not an error). Allocation-free except for the rank methods.
pub fn normalise_column(
    x: &[f64],
    info: &ColumnInfo,
    method: &Normalisation,
    out: &mut [f64],
    mut uncapped: Option<&mut [f64]>,
) -> Result<ColumnNote> {
    let id = info.id;
    if out.len() != x.len() {
        return Err(Error::length_mismatch(
            format!("indicator `{id}`: normalised output vs values"),
            x.len(),
            out.len(),
        ));
    }
    if let Some(u) = uncapped.as_deref() {
        if u.len() != x.len() {
            return Err(Error::length_mismatch(
                format!("indicator `{id}`: uncapped output vs values"),
                x.len(),
                u.len(),
            ));
        }
    }
    let (n, lo, hi) = finite_check(x, id)?;
    let note = ColumnNote {
        n_observed: n,
        n_missing: x.len() - n,
        constant: false,
        n_clamped: 0,
        min: lo,
        max: hi,
    };
    if let Polarity::Interval {
        lower,
        upper,
        tolerance_lower,
        tolerance_upper,
    } = info.polarity
    {
        // Map to the interval score, then normalise it as higher-is-better.
        match method {
            Normalisation::Goalposts { .. }
            | Normalisation::EfficacyCoefficient { .. }
            | Normalisation::DistanceToTarget { .. }
            | Normalisation::DistanceToReference { .. } => no_interval(info, method)?,
            Normalisation::Identity
            | Normalisation::MinMax { .. }
            | Normalisation::ZScore { .. }
            | Normalisation::Rank { .. }
            | Normalisation::PercentileRank { .. }
            | Normalisation::RatioToTarget { .. } => {}
        }
        for (o, &v) in out.iter_mut().zip(x) {
            *o = interval_score(v, lower, upper, tolerance_lower, tolerance_upper);
        }
        if let Normalisation::RatioToTarget { .. } = method {
            if let Some(u) = uncapped.as_deref_mut() {
                u.copy_from_slice(out);
            }
            return Ok(note);
        }
        // Re-run on the score (no allocation: normalise in place via a copy-free pass).
        let scored_info = ColumnInfo {
            polarity: Polarity::HigherIsBetter,
            ..*info
        };
        let stats = finite_check(out, id)?;
        return normalise_in_place(out, stats, &scored_info, method, uncapped, note);
    }
    // Fast path for the z-score: the moments read `x` itself and the map writes `out`
    // straight away (no copy of the column, no separate max |x| pass: it is max(|lo|,
    // |hi|)); the same operations as `normalise_in_place` on a copy, so the same results.
    if let Normalisation::ZScore { mean, sd } = *method {
        need_finite("z_score.mean", mean)?;
        need_finite("z_score.sd", sd)?;
        let big = if n > 0 { lo.abs().max(hi.abs()) } else { 0.0 };
        let (m, s) = mean_sd_given_max(x, big);
        let mut note = note;
        if n > 0 && !(s > 0.0) {
            note.constant = true;
            for (o, &v) in out.iter_mut().zip(x) {
                *o = if v.is_nan() { v } else { mean };
            }
        } else {
            let f = if higher(&info.polarity) {
                sd / s
            } else {
                -sd / s
            };
            for (o, &v) in out.iter_mut().zip(x) {
                *o = mean + (v - m) * f;
            }
        }
        if let Some(u) = uncapped.as_deref_mut() {
            u.copy_from_slice(out);
        }
        return Ok(note);
    }
    // Fast path for the default method: one fused read-transform-write pass.
    if let Some(map) = min_max_map(info, method, n, lo, hi) {
        map.write(x, out);
        if let Some(u) = uncapped.as_deref_mut() {
            u.copy_from_slice(out);
        }
        return Ok(note);
    }
    out.copy_from_slice(x);
    normalise_in_place(out, (n, lo, hi), info, method, uncapped, note)
}

/// The min–max normalisation of a column as a map `x ↦ low + (x − lo)·f` (higher is
/// better) or `x ↦ low + (hi − x)·f` (lower is better), `f = (high − low)/(hi − lo)` —
/// the fast path of [`normalise_column`], also fused into the pipeline's moments pass.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MinMaxMap {
    pub low: f64,
    pub lo: f64,
    pub hi: f64,
    pub f: f64,
    pub up: bool,
}

impl MinMaxMap {
    /// Writes the map of every cell of `x` (NaN stays NaN) to `out` (same length).
    pub(crate) fn write(&self, x: &[f64], out: &mut [f64]) {
        let MinMaxMap { low, lo, hi, f, up } = *self;
        if up {
            for (o, &v) in out.iter_mut().zip(x) {
                *o = low + (v - lo) * f;
            }
        } else {
            for (o, &v) in out.iter_mut().zip(x) {
                *o = low + (hi - v) * f;
            }
        }
    }
}

/// The [`MinMaxMap`] of a column with `n` observed values between `lo` and `hi`, when
/// [`normalise_column`] takes its fast path: min–max with finite bounds, a polarity that is
/// not interval, finite and distinct `lo < hi`. `None` otherwise (use
/// [`normalise_column`]).
pub(crate) fn min_max_map(
    info: &ColumnInfo,
    method: &Normalisation,
    n: usize,
    lo: f64,
    hi: f64,
) -> Option<MinMaxMap> {
    if let Polarity::Interval { .. } = info.polarity {
        return None;
    }
    match *method {
        Normalisation::MinMax { low, high }
            if n > 0
                && lo.is_finite()
                && hi.is_finite()
                && hi > lo
                && (hi - lo).is_finite()
                && low.is_finite()
                && high.is_finite() =>
        {
            Some(MinMaxMap {
                low,
                lo,
                hi,
                f: (high - low) / (hi - lo),
                up: higher(&info.polarity),
            })
        }
        _ => None,
    }
}

/// Normalises `y` in place (it holds oriented-or-raw values; `info.polarity` is not
/// interval here).
fn normalise_in_place(
    y: &mut [f64],
    (n, lo, hi): (usize, f64, f64),
    info: &ColumnInfo,
    method: &Normalisation,
    mut uncapped: Option<&mut [f64]>,
    mut note: ColumnNote,
) -> Result<ColumnNote> {
    let id = info.id;
    let up = higher(&info.polarity);
    // (n, lo, hi): count and min/max of the values actually normalised (the interval
    // score when interval).
    macro_rules! set_uncapped {
        () => {
            if let Some(u) = uncapped.as_deref_mut() {
                u.copy_from_slice(y);
            }
        };
    }
    match *method {
        Normalisation::Identity => {
            set_uncapped!();
        }
        Normalisation::MinMax { low, high } => {
            need_finite("min_max.low", low)?;
            need_finite("min_max.high", high)?;
            let range = hi - lo;
            if n > 0 && range <= 0.0 {
                note.constant = true;
                let mid = 0.5 * (low + high);
                for v in y.iter_mut().filter(|v| !v.is_nan()) {
                    *v = mid;
                }
            } else if range.is_finite() {
                let f = (high - low) / range;
                if up {
                    for v in y.iter_mut() {
                        *v = low + (*v - lo) * f;
                    }
                } else {
                    for v in y.iter_mut() {
                        *v = low + (hi - *v) * f;
                    }
                }
            } else {
                // `hi − lo` overflows (e.g. 1e308 and −1e308): halve before subtracting,
                // which is exact, so 1e308, 0, −1e308 map to 100, 50, 0
                let f = (high - low) / (0.5 * hi - 0.5 * lo);
                if up {
                    for v in y.iter_mut() {
                        *v = low + (0.5 * *v - 0.5 * lo) * f;
                    }
                } else {
                    for v in y.iter_mut() {
                        *v = low + (0.5 * hi - 0.5 * *v) * f;
                    }
                }
            }
            set_uncapped!();
        }
        Normalisation::ZScore { mean, sd } => {
            need_finite("z_score.mean", mean)?;
            need_finite("z_score.sd", sd)?;
            let (m, s) = mean_sd(y);
            if n > 0 && !(s > 0.0) {
                note.constant = true;
                for v in y.iter_mut().filter(|v| !v.is_nan()) {
                    *v = mean;
                }
            } else {
                let f = if up { sd / s } else { -sd / s };
                for v in y.iter_mut() {
                    *v = mean + (*v - m) * f;
                }
            }
            set_uncapped!();
        }
        Normalisation::Rank { ties } => {
            rank_in_place(y, up, ties);
            if n == 1 || (n > 0 && lo == hi) {
                note.constant = true;
            }
            set_uncapped!();
        }
        Normalisation::PercentileRank { ties } => {
            rank_in_place(y, up, ties);
            if n <= 1 {
                note.constant = n == 1;
                for v in y.iter_mut().filter(|v| !v.is_nan()) {
                    *v = 0.5;
                }
            } else {
                if lo == hi {
                    note.constant = true;
                }
                let d = (n - 1) as f64;
                for v in y.iter_mut() {
                    *v = (*v - 1.0) / d;
                }
            }
            set_uncapped!();
        }
        Normalisation::Goalposts {
            lower,
            upper,
            scale,
            truncate,
            log,
        } => {
            need_finite("goalposts.lower", lower)?;
            need_finite("goalposts.upper", upper)?;
            need_finite("goalposts.scale", scale)?;
            if !(lower < upper) {
                return Err(Error::invalid_spec(
                    "normalisation.goalposts",
                    format!("indicator `{id}`: lower goalpost {lower} must be below upper {upper}"),
                ));
            }
            if log && lower <= 0.0 {
                return Err(Error::invalid_spec(
                    "normalisation.goalposts.lower",
                    format!("indicator `{id}`: log goalposts need lower > 0, found {lower}"),
                ));
            }
            let (l, u) = if log {
                (lower.ln(), upper.ln())
            } else {
                (lower, upper)
            };
            for (k, v) in y.iter_mut().enumerate() {
                if v.is_nan() {
                    continue;
                }
                let t = if log {
                    if *v <= 0.0 {
                        return Err(Error::invalid_value(
                            format!("indicator `{id}`, unit #{k}"),
                            *v,
                            "for log goalposts (must be > 0)",
                        ));
                    }
                    v.ln()
                } else {
                    *v
                };
                let r = if up {
                    diff_ratio(t, l, u, l)
                } else {
                    diff_ratio(u, t, u, l)
                };
                *v = scale * r;
            }
            set_uncapped!();
            if truncate {
                clamp_col(y, 0.0f64.min(scale), 0.0f64.max(scale), &mut note);
            }
        }
        Normalisation::DistanceToTarget { cap } => {
            let t = require_target(info, method)?;
            for v in y.iter_mut() {
                if v.is_nan() {
                    continue;
                }
                let (a, b, c, d) = if up { (*v, lo, t, lo) } else { (hi, *v, hi, t) };
                *v = if c <= d { 1.0 } else { diff_ratio(a, b, c, d) };
            }
            if n > 0 && (if up { t <= lo } else { t >= hi }) {
                note.constant = true;
            }
            set_uncapped!();
            if cap {
                clamp_col(y, f64::NEG_INFINITY, 1.0, &mut note);
            }
        }
        Normalisation::RatioToTarget { cap } => {
            let t = match info.target {
                Some(t) => t,
                None if matches!(info.polarity, Polarity::Binary) => 1.0,
                None => require_target(info, method)?,
            };
            need_finite("ratio_to_target.target", t)?;
            if up && t <= 0.0 {
                return Err(Error::invalid_value(
                    format!("indicator `{id}`: target"),
                    t,
                    "for a ratio to target x/T (T must be > 0; use progress for growth-rate targets)",
                ));
            }
            if !up && t < 0.0 {
                return Err(Error::invalid_value(
                    format!("indicator `{id}`: target"),
                    t,
                    "for a ratio to target T/x (T must be ≥ 0)",
                ));
            }
            for (k, v) in y.iter_mut().enumerate() {
                if v.is_nan() {
                    continue;
                }
                if *v < 0.0 {
                    return Err(Error::invalid_value(
                        format!("indicator `{id}`, unit #{k}"),
                        *v,
                        "for a ratio to target (negative)",
                    ));
                }
                *v = if up {
                    *v / t
                } else if *v == 0.0 {
                    1.0
                } else {
                    t / *v
                };
            }
            set_uncapped!();
            if cap {
                clamp_col(y, f64::NEG_INFINITY, 1.0, &mut note);
            }
        }
        Normalisation::DistanceToReference { ref unit, cap } => {
            let r = info.reference_unit.ok_or_else(|| {
                Error::invalid_spec(
                    "normalisation.distance_to_reference.unit",
                    format!("indicator `{id}`: reference unit `{unit}` was not resolved to a unit index"),
                )
            })?;
            let xr = *y.get(r).ok_or_else(|| {
                Error::invalid_argument(
                    "reference_unit",
                    format!("index {r} outside the column of {} units", y.len()),
                )
            })?;
            if xr.is_nan() {
                return Err(Error::MissingValue {
                    context: format!("indicator `{id}`, reference unit `{unit}`"),
                    reason: "for distance to a reference unit".into(),
                });
            }
            let (c, d) = if up { (xr, lo) } else { (hi, xr) };
            let degenerate = c <= d;
            if degenerate {
                note.constant = true;
            }
            for v in y.iter_mut() {
                if v.is_nan() {
                    continue;
                }
                *v = if degenerate {
                    1.0
                } else if up {
                    1.0 - diff_ratio(xr, *v, c, d)
                } else {
                    1.0 - diff_ratio(*v, xr, c, d)
                };
            }
            set_uncapped!();
            if cap {
                clamp_col(y, f64::NEG_INFINITY, 1.0, &mut note);
            }
        }
        Normalisation::EfficacyCoefficient {
            satisfactory,
            not_allowed,
            clamp,
        } => {
            let best = if up { hi } else { lo };
            let worst = if up { lo } else { hi };
            let xh = satisfactory.unwrap_or(best);
            let xs = not_allowed.unwrap_or(worst);
            if n > 0 {
                need_finite("efficacy_coefficient.satisfactory", xh)?;
                need_finite("efficacy_coefficient.not_allowed", xs)?;
                if satisfactory.is_some() && not_allowed.is_some() {
                    let wrong = if up { xh < xs } else { xh > xs };
                    if wrong {
                        return Err(Error::invalid_spec(
                            "normalisation.efficacy_coefficient",
                            format!(
                                "indicator `{id}`: satisfactory value {xh} is on the wrong side of the not-allowed value {xs} for a {} indicator",
                                info.polarity.name()
                            ),
                        ));
                    }
                }
            }
            let same = xh == xs;
            if n > 0 && same {
                note.constant = true;
            }
            for v in y.iter_mut() {
                if v.is_nan() {
                    continue;
                }
                *v = if same {
                    80.0
                } else {
                    60.0 + 40.0 * diff_ratio(*v, xs, xh, xs)
                };
            }
            set_uncapped!();
            if clamp {
                clamp_col(y, 60.0, 100.0, &mut note);
            }
        }
    }
    Ok(note)
}

/// `(a − b)/(c − d)` for finite operands, safe over the whole double range: when a
/// difference overflows (e.g. goalposts −1e308 and 1e308) both are taken of the halved
/// operands, `(a/2 − b/2)/(c/2 − d/2)`, which cannot overflow and has the same ratio
/// ("divide before subtracting"; issue 13). Ordinary data take the direct form, unchanged.
fn diff_ratio(a: f64, b: f64, c: f64, d: f64) -> f64 {
    let (num, den) = (a - b, c - d);
    if num.is_finite() && den.is_finite() {
        num / den
    } else {
        (a * 0.5 - b * 0.5) / (c * 0.5 - d * 0.5)
    }
}

fn require_target(info: &ColumnInfo, method: &Normalisation) -> Result<f64> {
    match info.target {
        Some(t) if t.is_finite() => Ok(t),
        Some(t) => Err(Error::invalid_value(
            format!("indicator `{}`: target", info.id),
            t,
            format!("for {} (not finite)", method.name()),
        )),
        None => Err(Error::invalid_spec(
            format!("normalisation.{}", method.name()),
            format!("indicator `{}` has no target", info.id),
        )),
    }
}

fn clamp_col(y: &mut [f64], lo: f64, hi: f64, note: &mut ColumnNote) {
    for v in y.iter_mut() {
        if *v < lo {
            *v = lo;
            note.n_clamped += 1;
        } else if *v > hi {
            *v = hi;
            note.n_clamped += 1;
        }
    }
}

/// Mean and sample standard deviation (n − 1) of the non-NaN values; `(NaN, NaN)` when
/// empty, sd NaN when a single value. Two-pass for accuracy (the textbook two-pass
/// variance, e.g. Chan, Golub & LeVeque 1983: `m = Σx/n`, `s² = Σ(x − m)²/(n − 1)`).
///
/// Each pass sums in four interleaved lanes (element `i` into lane `i mod 4`, the lanes
/// added pairwise at the end), so the loops vectorise instead of waiting on one chain of
/// additions (issue 16: this was most of a z-score pipeline's time). The sums differ from
/// a left-to-right sum by rounding only (both are within `(n−1)·ε·Σ|x|` of the exact sum;
/// the lanes' bound is about 4× smaller).
pub fn mean_sd(x: &[f64]) -> (f64, f64) {
    mean_sd_given_max(x, max_abs(x))
}

/// [`mean_sd`] with `big` = the largest `|x|` over the non-NaN values (0 when there are
/// none), already known to the caller.
fn mean_sd_given_max(x: &[f64], big: f64) -> (f64, f64) {
    // Values beyond 2^±300 are rescaled by a power of two first (exact), so squares and
    // sums neither overflow nor underflow: values ×1e−300 keep their z-scores.
    const LIMIT: f64 = 2.037035976334486e90; // 2^300
    if big.is_finite() && (big > LIMIT || (big > 0.0 && big < 1.0 / LIMIT)) {
        let e = big.log2().floor() as i32;
        let k = 2f64.powi(-e / 2) * 2f64.powi(-e - (-e / 2));
        let scaled: Vec<f64> = x.iter().map(|v| v * k).collect();
        let (m, sd) = mean_sd_plain(&scaled);
        return (m / k, sd / k);
    }
    mean_sd_plain(x)
}

/// The largest `|x|` over the non-NaN values (0 when there are none), in four lanes.
fn max_abs(x: &[f64]) -> f64 {
    let mut m4 = [0.0f64; 4];
    let chunks = x.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for k in 0..4 {
            let a = c[k].abs();
            // `a > m` is false for NaN: missing values are skipped without a branch
            m4[k] = if a > m4[k] { a } else { m4[k] };
        }
    }
    for &v in rest {
        let a = v.abs();
        m4[0] = if a > m4[0] { a } else { m4[0] };
    }
    m4[0].max(m4[1]).max(m4[2].max(m4[3]))
}

/// Σ f(v) and the count over the non-NaN `v` of `x`, in four interleaved lanes.
#[inline(always)]
fn lane_sum(x: &[f64], f: impl Fn(f64) -> f64) -> (usize, f64) {
    let mut n4 = [0usize; 4];
    let mut s4 = [0.0f64; 4];
    let chunks = x.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for k in 0..4 {
            let v = c[k];
            let ok = !v.is_nan();
            n4[k] += usize::from(ok);
            s4[k] += if ok { f(v) } else { 0.0 };
        }
    }
    for &v in rest {
        if !v.is_nan() {
            n4[0] += 1;
            s4[0] += f(v);
        }
    }
    (n4.iter().sum(), (s4[0] + s4[1]) + (s4[2] + s4[3]))
}

fn mean_sd_plain(x: &[f64]) -> (f64, f64) {
    let (n, s) = lane_sum(x, |v| v);
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let m = s / n as f64;
    if n == 1 {
        return (m, f64::NAN);
    }
    let (_, ss) = lane_sum(x, |v| (v - m) * (v - m));
    (m, (ss / (n - 1) as f64).sqrt())
}

/// Replaces observed values by their rank (1 = worst … n = best); NaN stays NaN.
fn rank_in_place(y: &mut [f64], up: bool, ties: Ties) {
    let mut idx: Vec<usize> = (0..y.len()).filter(|&k| !y[k].is_nan()).collect();
    // Sort from worst to best.
    if up {
        idx.sort_by(|&a, &b| y[a].total_cmp(&y[b]));
    } else {
        idx.sort_by(|&a, &b| y[b].total_cmp(&y[a]));
    }
    let mut ranks = vec![0.0; idx.len()];
    let mut start = 0;
    while start < idx.len() {
        let mut end = start + 1;
        while end < idx.len() && y[idx[end]] == y[idx[start]] {
            end += 1;
        }
        // positions start..end (0-based) are tied: ranks start+1 ..= end
        let r = match ties {
            Ties::Min => (start + 1) as f64,
            Ties::Max => end as f64,
            Ties::Average => (start + 1 + end) as f64 / 2.0,
        };
        for rk in ranks.iter_mut().take(end).skip(start) {
            *rk = r;
        }
        start = end;
    }
    for (k, &i) in idx.iter().enumerate() {
        y[i] = ranks[k];
    }
}
