//! Outlier treatment: the JRC/COINr skewness–kurtosis rule, Winsorisation, log fallback.
//!
//! Rule (JRC COIN Tool; COINr 1.1.14 `Treat` defaults, `check_SkewKurt`, `winsorise`,
//! `log_CT`; see `methods-reference.md` b.3): an indicator column **fails** when
//! `|skew| ≥ skew_threshold` (default 2) **and** `kurtosis ≥ kurtosis_threshold` (default
//! 3.5), with skewness and excess kurtosis as in Excel / e1071 type 2 ([`skewness`],
//! [`kurtosis`]). A failing column is Winsorised: while it fails and fewer than
//! `max_winsorised` (default 5) distinct points have been changed, all points equal to the
//! extreme on the side of the skew (max if skew ≥ 0, else min) are set to the next value
//! inwards — ties move together. If the column still fails, the fallback transform is
//! applied to the **original** values (COINr `combine_treat = FALSE`), default
//! `log_CT`: `ln(x − min + 0.01·(max − min))`.
//!
//! Degenerate columns never crash (COINr issue #45): a constant column, or one with fewer
//! than 4 observations, has NaN skew/kurtosis, which counts as **pass** (not treated) and is
//! flagged in the statistics table.

use serde::{Deserialize, Serialize};

use super::normalise::MinMaxMap;

/// Moments of the observed (non-NaN) values of a column.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    /// Number of observed values.
    pub n: usize,
    /// Arithmetic mean (NaN when n = 0).
    pub mean: f64,
    /// Sample standard deviation, divisor n − 1 (NaN when n < 2).
    pub sd: f64,
    /// Smallest value (NaN when n = 0).
    pub min: f64,
    /// Largest value (NaN when n = 0).
    pub max: f64,
    /// Skewness, Excel/e1071 type 2 (NaN when n < 3 or the column is constant).
    pub skew: f64,
    /// Excess kurtosis, Excel/e1071 type 2 (NaN when n < 4 or the column is constant).
    pub kurt: f64,
}

/// Computes [`Moments`] in two passes over `x`, skipping NaN; allocation-free.
///
/// With `m2 = Σ(x−x̄)²`, `m3 = Σ(x−x̄)³`, `m4 = Σ(x−x̄)⁴` over the n observed values:
/// * skewness `g = √n·m3/m2^{3/2} · √(n(n−1))/(n−2)` (Excel `SKEW`, e1071 `skewness(type=2)`,
///   COINr `skew`), n ≥ 3;
/// * excess kurtosis: `r = n·m4/m2²`, `k = ((n+1)(r−3)+6)(n−1)/((n−2)(n−3))` (Excel `KURT`,
///   e1071 `kurtosis(type=2)`, COINr `kurt`), n ≥ 4.
///
/// A constant column (`m2 = 0`) gives NaN skewness and kurtosis.
pub fn moments(x: &[f64]) -> Moments {
    let p1 = first_pass(x, None);
    second_pass(x, &p1, None)
}

/// Count, sum, min and max of the observed values of a column (the first of the two
/// passes of [`moments`]). `min`/`max` are ±inf when nothing is observed; an infinite value
/// shows up as an infinite `min` or `max`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FirstPass {
    pub n: usize,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
}

/// First pass of [`moments`]: count, sum, min, max — four independent lanes so the loop
/// vectorises; `f64::min`/`max` ignore a NaN operand, and NaN cells add 0. With `counts`
/// (same length as `x`), every observed cell also adds 1 to its unit's count (the
/// availability screening), in the same pass.
pub(crate) fn first_pass(x: &[f64], counts: Option<&mut [u32]>) -> FirstPass {
    let mut cnt = [0usize; 4];
    let mut sum = [0.0f64; 4];
    let mut lo = [f64::INFINITY; 4];
    let mut hi = [f64::NEG_INFINITY; 4];
    macro_rules! lane {
        ($l:expr, $v:expr) => {{
            let v = $v;
            let ok = !v.is_nan();
            cnt[$l] += usize::from(ok);
            sum[$l] += if ok { v } else { 0.0 };
            lo[$l] = lo[$l].min(v);
            hi[$l] = hi[$l].max(v);
            ok
        }};
    }
    match counts {
        None => {
            let chunks = x.chunks_exact(4);
            let rest = chunks.remainder();
            for c in chunks {
                for l in 0..4 {
                    lane!(l, c[l]);
                }
            }
            for &v in rest {
                lane!(0, v);
            }
        }
        Some(counts) => {
            assert_eq!(counts.len(), x.len());
            let chunks = x.chunks_exact(4);
            let rest = chunks.remainder();
            let mut cc = counts.chunks_exact_mut(4);
            for (c, n) in chunks.zip(&mut cc) {
                for l in 0..4 {
                    n[l] += u32::from(lane!(l, c[l]));
                }
            }
            for (&v, n) in rest.iter().zip(cc.into_remainder()) {
                *n += u32::from(lane!(0, v));
            }
        }
    }
    FirstPass {
        n: cnt.iter().sum(),
        sum: (sum[0] + sum[1]) + (sum[2] + sum[3]),
        min: lo[0].min(lo[1]).min(lo[2].min(lo[3])),
        max: hi[0].max(hi[1]).max(hi[2].max(hi[3])),
    }
}

/// Second pass of [`moments`]: central moments (same four-lane layout) and the result.
/// With `write`, the min–max normalisation of every cell is written to the given slice in
/// the same pass.
pub(crate) fn second_pass(
    x: &[f64],
    p: &FirstPass,
    write: Option<(&mut [f64], MinMaxMap)>,
) -> Moments {
    let n = p.n;
    if n == 0 {
        if let Some((out, _)) = write {
            out.fill(f64::NAN);
        }
        return Moments {
            n,
            mean: f64::NAN,
            sd: f64::NAN,
            min: f64::NAN,
            max: f64::NAN,
            skew: f64::NAN,
            kurt: f64::NAN,
        };
    }
    let (lo, hi) = (p.min, p.max);
    let nf = n as f64;
    let mean = p.sum / nf;
    let mut a2 = [0.0f64; 4];
    let mut a3 = [0.0f64; 4];
    let mut a4 = [0.0f64; 4];
    macro_rules! lane {
        ($l:expr, $v:expr) => {{
            let v = $v;
            let d = if v.is_nan() { 0.0 } else { v - mean };
            let d2 = d * d;
            a2[$l] += d2;
            a3[$l] += d2 * d;
            a4[$l] += d2 * d2;
        }};
    }
    match write {
        None => {
            let chunks = x.chunks_exact(4);
            let rest = chunks.remainder();
            for c in chunks {
                for l in 0..4 {
                    lane!(l, c[l]);
                }
            }
            for &v in rest {
                lane!(0, v);
            }
        }
        Some((out, map)) => {
            assert_eq!(out.len(), x.len());
            // one loop per orientation so the formula is exactly `MinMaxMap::apply`'s
            macro_rules! fused {
                ($f:expr) => {{
                    let chunks = x.chunks_exact(4);
                    let rest = chunks.remainder();
                    let mut oc = out.chunks_exact_mut(4);
                    for (c, o) in chunks.zip(&mut oc) {
                        for l in 0..4 {
                            lane!(l, c[l]);
                            o[l] = $f(c[l]);
                        }
                    }
                    for (&v, o) in rest.iter().zip(oc.into_remainder()) {
                        lane!(0, v);
                        *o = $f(v);
                    }
                }};
            }
            let MinMaxMap { low, lo, hi, f, up } = map;
            if up {
                fused!(|v: f64| low + (v - lo) * f);
            } else {
                fused!(|v: f64| low + (hi - v) * f);
            }
        }
    }
    let m2 = (a2[0] + a2[1]) + (a2[2] + a2[3]);
    let m3 = (a3[0] + a3[1]) + (a3[2] + a3[3]);
    let m4 = (a4[0] + a4[1]) + (a4[2] + a4[3]);
    let sd = if n >= 2 {
        (m2 / (nf - 1.0)).sqrt()
    } else {
        f64::NAN
    };
    // A column is constant when every value equals the mean up to rounding.
    let constant = hi == lo || m2 <= f64::EPSILON * f64::EPSILON * nf * mean * mean;
    let skew = if n >= 3 && !constant {
        nf.sqrt() * m3 / m2.powf(1.5) * (nf * (nf - 1.0)).sqrt() / (nf - 2.0)
    } else {
        f64::NAN
    };
    let kurt = if n >= 4 && !constant {
        let r = nf * m4 / (m2 * m2);
        ((nf + 1.0) * (r - 3.0) + 6.0) * (nf - 1.0) / ((nf - 2.0) * (nf - 3.0))
    } else {
        f64::NAN
    };
    Moments {
        n,
        mean,
        sd,
        min: lo,
        max: hi,
        skew,
        kurt,
    }
}

/// Skewness and excess kurtosis (type 2, as [`moments`]) from the power sums
/// `s_k = Σ(x − c)^k` about any centre `c` of `n` values.
fn shape_from_sums(n: f64, s1: f64, s2: f64, s3: f64, s4: f64) -> (f64, f64) {
    let mu = s1 / n; // mean − c
    let m2 = s2 - n * mu * mu;
    let m3 = s3 - 3.0 * mu * s2 + 3.0 * mu * mu * s1 - n * mu.powi(3);
    let m4 = s4 - 4.0 * mu * s3 + 6.0 * mu * mu * s2 - 4.0 * mu.powi(3) * s1 + n * mu.powi(4);
    if m2 <= f64::EPSILON * s2.abs() || m2 <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let skew = if n >= 3.0 {
        n.sqrt() * m3 / m2.powf(1.5) * (n * (n - 1.0)).sqrt() / (n - 2.0)
    } else {
        f64::NAN
    };
    let kurt = if n >= 4.0 {
        let r = n * m4 / (m2 * m2);
        ((n + 1.0) * (r - 3.0) + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))
    } else {
        f64::NAN
    };
    (skew, kurt)
}

/// Skewness (Excel/e1071 type 2) of the observed values; NaN when n < 3 or constant.
/// See [`moments`].
pub fn skewness(x: &[f64]) -> f64 {
    moments(x).skew
}

/// Excess kurtosis (Excel/e1071 type 2) of the observed values; NaN when n < 4 or
/// constant. See [`moments`].
pub fn kurtosis(x: &[f64]) -> f64 {
    moments(x).kurt
}

/// The transform applied when Winsorisation does not bring a column within the
/// thresholds (COINr `Treat` `f2`), always to the original values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFallback {
    /// `ln(x − min + 0.01·(max − min))` (COINr `log_CT`, the default).
    #[default]
    LogCt,
    /// `log_CT` when skew > 0, else `−ln(max + a − x)` with `a = 0.01·(max − min)`
    /// (COINr `log_CT_plus`).
    LogCtPlus,
    /// `ln(x − min + 1)` (COINr `log_CT_orig`).
    LogCtOrig,
    /// Keep the Winsorised values (no transform); the column is flagged as still failing.
    None,
}

/// Parameters of the outlier treatment (part of the spec, `treatment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TreatmentSpec {
    /// Apply treatment at all (default true).
    pub enabled: bool,
    /// `|skew|` threshold (default 2).
    pub skew_threshold: f64,
    /// Excess-kurtosis threshold (default 3.5).
    pub kurtosis_threshold: f64,
    /// Largest number of distinct points Winsorised per column (default 5).
    pub max_winsorised: usize,
    /// Transform when Winsorisation is not enough (default `log_ct`).
    pub log_fallback: LogFallback,
    /// Indicator ids never treated (e.g. shares bounded by design). Default empty.
    pub exclude: Vec<String>,
}

impl Default for TreatmentSpec {
    fn default() -> Self {
        TreatmentSpec {
            enabled: true,
            skew_threshold: 2.0,
            kurtosis_threshold: 3.5,
            max_winsorised: 5,
            log_fallback: LogFallback::LogCt,
            exclude: Vec::new(),
        }
    }
}

impl TreatmentSpec {
    /// Does a column with these moments fail the rule (needs treatment)? NaN skewness or
    /// kurtosis (constant column, n < 4) passes.
    pub fn fails(&self, skew: f64, kurt: f64) -> bool {
        skew.abs() >= self.skew_threshold && kurt >= self.kurtosis_threshold
    }
}

/// How one point was treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TreatKind {
    /// Winsorised down to the next value (COINr `winhi`).
    WinsorisedHigh,
    /// Winsorised up to the next value (COINr `winlo`).
    WinsorisedLow,
    /// Log-transformed. A log-transformed column is reported once, in
    /// [`ColumnTreatment`] (`log_applied`, `log_sign`, `log_offset`), not point by point.
    Log,
}

/// One point changed by the treatment (unit index into the column).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointChange {
    /// Unit index.
    pub unit: usize,
    /// What was done.
    pub kind: TreatKind,
    /// Value before.
    pub before: f64,
    /// Value after.
    pub after: f64,
}

/// Outcome of treating one column.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ColumnTreatment {
    /// Skewness before treatment.
    pub skew_before: f64,
    /// Kurtosis before treatment.
    pub kurt_before: f64,
    /// Skewness after treatment (equal to before when untreated).
    pub skew_after: f64,
    /// Kurtosis after treatment.
    pub kurt_after: f64,
    /// Distinct points Winsorised (0 when the log fallback replaced them).
    pub n_winsorised: usize,
    /// The log fallback was applied.
    pub log_applied: bool,
    /// The column was changed at all (the treated values are in `out`).
    pub treated: bool,
    /// The column still fails the rule after treatment.
    pub still_fails: bool,
    /// When the log fallback was applied: the transform as `sign·ln(sign·x + offset)`
    /// (`sign` = +1 except for `log_ct_plus` on negative skew); NaN otherwise.
    pub log_offset: f64,
    /// The sign of the log transform (see `log_offset`); 0 when not applied.
    pub log_sign: f64,
}

/// Treats one column by the JRC/COINr rule (see the module docs).
///
/// `x` holds the values (NaN = missing). When the column fails, the treated values are
/// written to `out` (same length) and `changes` receives every changed point; otherwise
/// `out` is left untouched and `treated = false`. `flags` is scratch of the same length
/// (reused across calls to stay allocation-free; only the step-by-step Winsorisation, used
/// for columns with few distinct values or `max_winsorised` above 16, writes it — the usual
/// path finds the cut points from one scan, see `winsorise_plan`). Winsorised points are pushed to
/// `changes`; when the log fallback replaces them, `changes` receives nothing more and the
/// whole column is described by `log_sign`/`log_offset` (every observed `x` becomes
/// `log_sign·ln(log_sign·x + log_offset)`).
pub fn treat_column(
    x: &[f64],
    spec: &TreatmentSpec,
    out: &mut [f64],
    flags: &mut [bool],
    changes: &mut Vec<PointChange>,
) -> ColumnTreatment {
    let m = moments(x);
    treat_column_with(x, &m, spec, out, flags, changes)
}

/// [`treat_column`] with the column's [`Moments`] already computed.
pub fn treat_column_with(
    x: &[f64],
    m: &Moments,
    spec: &TreatmentSpec,
    out: &mut [f64],
    flags: &mut [bool],
    changes: &mut Vec<PointChange>,
) -> ColumnTreatment {
    treat_column_inner(x, m, spec, out, flags, changes).0
}

/// Largest `max_winsorised` handled by the one-scan Winsorisation ([`winsorise_plan`]);
/// larger values use the step-by-step scans.
const FAST_WINSORISE_MAX: usize = 16;

/// Up to `cap` distinct values of a column with their multiplicities, sorted from the
/// most extreme inwards (descending for the high side, ascending for the low side).
struct Extremes {
    vals: [f64; FAST_WINSORISE_MAX + 1],
    mult: [usize; FAST_WINSORISE_MAX + 1],
    len: usize,
    cap: usize,
}

impl Extremes {
    fn new(cap: usize) -> Extremes {
        Extremes {
            vals: [0.0; FAST_WINSORISE_MAX + 1],
            mult: [0; FAST_WINSORISE_MAX + 1],
            len: 0,
            cap,
        }
    }

    /// Could `v` enter the list? (`outer(a, b)`: a is more extreme than b.)
    #[inline(always)]
    fn admits(&self, v: f64, outer: impl Fn(f64, f64) -> bool) -> bool {
        self.len < self.cap || !outer(self.vals[self.len - 1], v)
    }

    #[inline(never)]
    fn insert(&mut self, v: f64, outer: impl Fn(f64, f64) -> bool) {
        let mut i = 0;
        while i < self.len && outer(self.vals[i], v) {
            i += 1;
        }
        if i < self.len && self.vals[i] == v {
            self.mult[i] += 1;
            return;
        }
        if i == self.cap {
            return;
        }
        let end = if self.len < self.cap {
            self.len += 1;
            self.len - 1
        } else {
            self.cap - 1
        };
        let mut j = end;
        while j > i {
            self.vals[j] = self.vals[j - 1];
            self.mult[j] = self.mult[j - 1];
            j -= 1;
        }
        self.vals[i] = v;
        self.mult[i] = 1;
    }
}

/// Outcome of [`winsorise_plan`]: every observed value above `high_cut` becomes `high_cut`
/// (below `low_cut`: `low_cut`); the shape after those moves.
struct WinsorisePlan {
    high_cut: f64,
    low_cut: f64,
    n_changed: usize,
    skew: f64,
    kurt: f64,
}

/// The Winsorisation loop of [`treat_column_with`] computed from one scan of `x`.
///
/// Each step moves every point equal to the current extreme (on the side of the skew) to
/// the next distinct value inwards, so after any sequence of steps the column is `x`
/// clamped to `[low_cut, high_cut]`, both cuts being among the `max_winsorised + 1` most
/// extreme distinct values on their side. One scan collects those values with their
/// multiplicities and the power sums about the mean; the steps are then replayed on them
/// with exactly the arithmetic of the step-by-step version (same power-sum updates, same
/// order), so the results are identical. Returns `None` (use the step-by-step scans) when
/// the two lists could meet — fewer than `2(max_winsorised + 1)` distinct values — or
/// `max_winsorised` is above [`FAST_WINSORISE_MAX`].
fn winsorise_plan(x: &[f64], m: &Moments, spec: &TreatmentSpec) -> Option<WinsorisePlan> {
    let kmax = spec.max_winsorised;
    if kmax == 0 || kmax > FAST_WINSORISE_MAX {
        return None;
    }
    let cap = kmax + 1;
    let above = |a: f64, b: f64| a > b;
    let below = |a: f64, b: f64| a < b;
    let mut top = Extremes::new(cap);
    let mut bot = Extremes::new(cap);
    let c = m.mean;
    let (mut s1, mut s2, mut s3, mut s4) = (0.0, 0.0, 0.0, 0.0);
    for &v in x {
        if !v.is_nan() {
            let d = v - c;
            let d2 = d * d;
            s1 += d;
            s2 += d2;
            s3 += d2 * d;
            s4 += d2 * d2;
            if top.admits(v, above) {
                top.insert(v, above);
            }
            if bot.admits(v, below) {
                bot.insert(v, below);
            }
        }
    }
    if top.len < cap || bot.len < cap || top.vals[cap - 1] <= bot.vals[cap - 1] {
        return None;
    }
    let nf = m.n as f64;
    let (mut skew, mut kurt) = (m.skew, m.kurt);
    let (mut hi_i, mut lo_i) = (0usize, 0usize);
    // points at or beyond the current extreme on each side
    let (mut hi_at, mut lo_at) = (top.mult[0], bot.mult[0]);
    let mut n_changed = 0usize;
    while spec.fails(skew, kurt) && n_changed < kmax {
        let (ext, next, moved) = if skew >= 0.0 {
            let r = (top.vals[hi_i], top.vals[hi_i + 1], hi_at);
            n_changed += top.mult[hi_i];
            hi_i += 1;
            hi_at += top.mult[hi_i];
            r
        } else {
            let r = (bot.vals[lo_i], bot.vals[lo_i + 1], lo_at);
            n_changed += bot.mult[lo_i];
            lo_i += 1;
            lo_at += bot.mult[lo_i];
            r
        };
        let (da, db) = (ext - c, next - c);
        let k = moved as f64;
        s1 += k * (db - da);
        s2 += k * (db * db - da * da);
        s3 += k * (db * db * db - da * da * da);
        s4 += k * (db.powi(4) - da.powi(4));
        let (g, kk) = shape_from_sums(nf, s1, s2, s3, s4);
        skew = g;
        kurt = kk;
    }
    Some(WinsorisePlan {
        high_cut: top.vals[hi_i],
        low_cut: bot.vals[lo_i],
        n_changed,
        skew,
        kurt,
    })
}

/// Observed count, min and max of a treated column.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TreatedRange {
    pub n: usize,
    pub min: f64,
    pub max: f64,
}

/// [`treat_column_with`], also returning the count, min and max of the treated column
/// when it was treated (so the caller can normalise it without another scan).
pub(crate) fn treat_column_inner(
    x: &[f64],
    m: &Moments,
    spec: &TreatmentSpec,
    out: &mut [f64],
    flags: &mut [bool],
    changes: &mut Vec<PointChange>,
) -> (ColumnTreatment, Option<TreatedRange>) {
    treat_impl(x, m, spec, out, flags, changes, true)
}

/// [`treat_column_inner`]; `fast = false` forces the step-by-step Winsorisation (tests).
fn treat_impl(
    x: &[f64],
    m: &Moments,
    spec: &TreatmentSpec,
    out: &mut [f64],
    flags: &mut [bool],
    changes: &mut Vec<PointChange>,
    fast: bool,
) -> (ColumnTreatment, Option<TreatedRange>) {
    let mut res = ColumnTreatment {
        skew_before: m.skew,
        kurt_before: m.kurt,
        skew_after: m.skew,
        kurt_after: m.kurt,
        n_winsorised: 0,
        log_applied: false,
        treated: false,
        still_fails: false,
        log_offset: f64::NAN,
        log_sign: 0.0,
    };
    if !spec.enabled || !spec.fails(m.skew, m.kurt) {
        return (res, None);
    }
    debug_assert_eq!(out.len(), x.len());
    if let Some(plan) = winsorise_plan(x, m, spec).filter(|_| fast) {
        res.treated = plan.n_changed > 0;
        res.n_winsorised = plan.n_changed;
        if spec.fails(plan.skew, plan.kurt) && spec.log_fallback != LogFallback::None {
            return log_fallback(x, m, spec, out, res);
        }
        let (hc, lc) = (plan.high_cut, plan.low_cut);
        for (u, (o, &v)) in out.iter_mut().zip(x).enumerate() {
            *o = if v > hc {
                hc
            } else if v < lc {
                lc
            } else {
                v
            };
            if v > hc || v < lc {
                changes.push(PointChange {
                    unit: u,
                    kind: if v > hc {
                        TreatKind::WinsorisedHigh
                    } else {
                        TreatKind::WinsorisedLow
                    },
                    before: v,
                    after: *o,
                });
            }
        }
        res.skew_after = plan.skew;
        res.kurt_after = plan.kurt;
        res.still_fails = spec.fails(plan.skew, plan.kurt);
        let range = TreatedRange {
            n: m.n,
            min: m.min.max(lc),
            max: m.max.min(hc),
        };
        return (res, Some(range));
    }
    out.copy_from_slice(x);
    flags.iter_mut().for_each(|f| *f = false);
    let mut skew = m.skew;
    let mut kurt = m.kurt;
    let mut n_changed = 0usize;
    // Power sums of d = x − c about the original mean c, updated point by point as values
    // move, so each step costs one scan to find the extremes and one to move them.
    let c = m.mean;
    let nf = m.n as f64;
    let (mut s1, mut s2, mut s3, mut s4) = (0.0, 0.0, 0.0, 0.0);
    if spec.fails(skew, kurt) && spec.max_winsorised > 0 {
        for &v in x {
            if !v.is_nan() {
                let d = v - c;
                let d2 = d * d;
                s1 += d;
                s2 += d2;
                s3 += d2 * d;
                s4 += d2 * d2;
            }
        }
    }
    while spec.fails(skew, kurt) && n_changed < spec.max_winsorised {
        let high = skew >= 0.0;
        // the extreme and the next distinct value inwards, in one scan
        let (mut ext, mut next) = if high {
            (f64::NEG_INFINITY, f64::NEG_INFINITY)
        } else {
            (f64::INFINITY, f64::INFINITY)
        };
        for &v in out.iter() {
            if v.is_nan() {
                continue;
            }
            if high {
                if v > ext {
                    next = ext;
                    ext = v;
                } else if v < ext && v > next {
                    next = v;
                }
            } else if v < ext {
                next = ext;
                ext = v;
            } else if v > ext && v < next {
                next = v;
            }
        }
        if next.is_infinite() {
            break; // every value equal: nothing left to move
        }
        let (da, db) = (ext - c, next - c);
        let mut moved = 0usize;
        for (u, v) in out.iter_mut().enumerate() {
            if *v == ext {
                *v = next;
                moved += 1;
                if !flags[u] {
                    flags[u] = true;
                    n_changed += 1;
                }
            }
        }
        let k = moved as f64;
        s1 += k * (db - da);
        s2 += k * (db * db - da * da);
        s3 += k * (db * db * db - da * da * da);
        s4 += k * (db.powi(4) - da.powi(4));
        let (g, kk) = shape_from_sums(nf, s1, s2, s3, s4);
        skew = g;
        kurt = kk;
    }
    res.treated = n_changed > 0;
    res.n_winsorised = n_changed;
    if spec.fails(skew, kurt) && spec.log_fallback != LogFallback::None {
        return log_fallback(x, m, spec, out, res);
    }
    for (u, (&o, &v)) in out.iter().zip(x).enumerate() {
        if flags[u] {
            changes.push(PointChange {
                unit: u,
                kind: if o < v {
                    TreatKind::WinsorisedHigh
                } else {
                    TreatKind::WinsorisedLow
                },
                before: v,
                after: o,
            });
        }
    }
    res.skew_after = skew;
    res.kurt_after = kurt;
    res.still_fails = spec.fails(skew, kurt);
    (res, None)
}

/// The log fallback of [`treat_column_with`], applied to the original values `x`.
fn log_fallback(
    x: &[f64],
    m: &Moments,
    spec: &TreatmentSpec,
    out: &mut [f64],
    mut res: ColumnTreatment,
) -> (ColumnTreatment, Option<TreatedRange>) {
    let (lo, hi) = (m.min, m.max);
    let a = 0.01 * (hi - lo);
    for (o, &v) in out.iter_mut().zip(x) {
        *o = if v.is_nan() {
            f64::NAN
        } else {
            match spec.log_fallback {
                LogFallback::LogCt => (v - lo + a).ln(),
                LogFallback::LogCtPlus if m.skew > 0.0 => (v - lo + a).ln(),
                LogFallback::LogCtPlus => -(hi + a - v).ln(),
                LogFallback::LogCtOrig => (v - lo + 1.0).ln(),
                LogFallback::None => v,
            }
        };
    }
    let mm = moments(out);
    res.skew_after = mm.skew;
    res.kurt_after = mm.kurt;
    res.n_winsorised = 0;
    res.log_applied = true;
    (res.log_sign, res.log_offset) = match spec.log_fallback {
        LogFallback::LogCtPlus if m.skew <= 0.0 => (-1.0, hi + a),
        LogFallback::LogCtOrig => (1.0, 1.0 - lo),
        LogFallback::LogCt | LogFallback::LogCtPlus | LogFallback::None => (1.0, a - lo),
    };
    res.treated = true;
    res.still_fails = spec.fails(mm.skew, mm.kurt);
    let range = TreatedRange {
        n: mm.n,
        min: mm.min,
        max: mm.max,
    };
    (res, Some(range))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64 in [0, 1).
    fn rng(seed: u64) -> impl FnMut() -> f64 {
        let mut s = seed | 1;
        move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// The one-scan Winsorisation (`winsorise_plan`) against the step-by-step scans it
    /// replaces, on random heavy-tailed columns: same values, points, moments, bit for bit.
    #[test]
    fn one_scan_winsorisation_matches_step_by_step() {
        let mut r = rng(0x5EED);
        let mut fast_used = 0;
        for case in 0..400 {
            let n = 8 + (r() * 300.0) as usize;
            let tail = if case % 2 == 0 { 1.0 } else { -1.0 };
            let x: Vec<f64> = (0..n)
                .map(|_| {
                    let (a, b, c) = (r(), r(), r());
                    if a < 0.03 {
                        f64::NAN
                    } else if b < 0.05 {
                        tail * (20.0 + 500.0 * c) // outliers on one side
                    } else if b > 0.99 {
                        -tail * 15.0 * c // a few on the other side
                    } else if case % 5 == 0 {
                        (c * 12.0).floor() // many ties
                    } else {
                        c
                    }
                })
                .collect();
            let spec = TreatmentSpec {
                max_winsorised: 1 + case % 17,
                skew_threshold: if case % 3 == 0 { 0.5 } else { 2.0 },
                kurtosis_threshold: if case % 3 == 0 { 0.5 } else { 3.5 },
                log_fallback: match case % 4 {
                    0 => LogFallback::LogCt,
                    1 => LogFallback::LogCtPlus,
                    2 => LogFallback::LogCtOrig,
                    _ => LogFallback::None,
                },
                ..TreatmentSpec::default()
            };
            let m = moments(&x);
            fast_used +=
                usize::from(spec.fails(m.skew, m.kurt) && winsorise_plan(&x, &m, &spec).is_some());
            let run = |fast: bool| {
                let mut out = vec![0.0; n];
                let mut flags = vec![false; n];
                let mut ch = Vec::new();
                let (t, range) = treat_impl(&x, &m, &spec, &mut out, &mut flags, &mut ch, fast);
                (t, range.map(|r| (r.n, r.min, r.max)), out, ch)
            };
            let (ta, ra, oa, ca) = run(true);
            let (tb, _, ob, cb) = run(false);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(format!("{ta:?}"), format!("{tb:?}"), "case {case}");
            if ta.treated {
                assert_eq!(bits(&oa), bits(&ob), "case {case}");
                let obs: Vec<f64> = ob.iter().copied().filter(|v| !v.is_nan()).collect();
                let (lo, hi) = obs
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                        (a.min(v), b.max(v))
                    });
                if let Some((rn, rmin, rmax)) = ra {
                    assert_eq!((rn, rmin, rmax), (obs.len(), lo, hi), "case {case}");
                }
            }
            assert_eq!(format!("{ca:?}"), format!("{cb:?}"), "case {case}");
        }
        assert!(fast_used > 100, "the one-scan path ran {fast_used} times");
    }
}
