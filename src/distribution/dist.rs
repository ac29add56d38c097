//! The [`Distribution`] value: a weighted income distribution sorted once, then queried.

use super::exact::{BlockSum, Nsum, BLOCK};
use super::near_limit;
use super::sort::{key_of, sort_into, value_of, Pair, Scratch};
use crate::error::{Error, Result};

/// What to do with a missing value (NaN) in `values`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingPolicy {
    /// A NaN is an error ([`Error::MissingValue`]) naming its position (default).
    #[default]
    Error,
    /// NaN values and their weights are dropped; the number dropped is reported by
    /// [`Distribution::n_missing`]. (A bad weight is still an error.)
    Skip,
}

/// Quantile convention (Hyndman & Fan 1996, "Sample quantiles in statistical packages",
/// *The American Statistician* 50(4), types 1, 2 and 7), generalised to weights by replacing
/// the count `n·p` with the cumulative weight `W·p`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuantileMethod {
    /// Type 2, "averaged inverted CDF" (default): the smallest value whose cumulative
    /// weight share reaches `p`; when the share equals `p` exactly, the average of that value
    /// and the next one. This is Eurostat's EU-SILC convention, laeken's
    /// `weightedQuantile` (Alfons & Templ 2013), Stata `_pctile`/`summarize, detail` and
    /// SAS `PCTLDEF=5`.
    #[default]
    AveragedInvertedCdf,
    /// Type 1, inverted CDF: the smallest value whose cumulative weight share is ≥ `p`.
    InvertedCdf,
    /// Type 7 (R's and numpy's default): `h = (n−1)p`, linear interpolation between the
    /// order statistics `x[⌊h⌋]` and `x[⌊h⌋+1]` (0-based). Defined for unweighted data only;
    /// an error when the weights are not all equal.
    Linear,
}

/// Which end points of an income band count as inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BandRule {
    /// `lower ≤ x < upper` (default), so adjacent bands partition the population.
    #[default]
    HalfOpen,
    /// `lower ≤ x ≤ upper`.
    Closed,
}

/// Which S80/S20 quintile share ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShareRatioMethod {
    /// From the Lorenz curve: `(1 − L(0.8)) / L(0.2)`, the income share of the richest 20 %
    /// of the population over that of the poorest 20 %, units straddling a quintile being
    /// split (default; World Bank PIP and OECD style).
    #[default]
    Lorenz,
    /// Eurostat EU-SILC / laeken `qsr`: with the weighted type-2 quintiles `q20`, `q80`, the
    /// total (weighted) income of the records with `x > q80` over the total income of those
    /// with `x ≤ q20` — "the ratio of total income received by the 20 % of the population with
    /// the highest income to that received by the 20 % with the lowest income" (Eurostat,
    /// EU-SILC 131-rev/04, indicator ilc_di11). This is laeken ≥ 0.5.0's `qsr`
    /// (`quintileRatio`: `sum(w[x > q80] * x[x > q80]) / sum(w[x <= q20] * x[x <= q20])`,
    /// checked against laeken 0.5.2 in `tests/distribution_laeken.rs`); laeken before 0.5.0
    /// divided the two groups' *mean* incomes instead, which differs when ties or weights
    /// leave the two groups with unequal population shares.
    Eurostat,
}

/// The largest and smallest value and where they were in the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MaxMin {
    /// Largest value.
    pub max: f64,
    /// Position of the (first) largest value in the caller's `values`.
    pub max_position: usize,
    /// Smallest value.
    pub min: f64,
    /// Position of the (first) smallest value in the caller's `values`.
    pub min_position: usize,
    /// `max / min` (requires `min > 0`).
    pub ratio: f64,
}

/// A weighted distribution of a non-missing, finite variable (typically income), sorted once.
///
/// Built from `values` and optional `weights` (`None` = every weight 1; weights need not
/// sum to 1). Records with weight 0 carry no population and are left out (counted by
/// [`n_zero_weight`](Self::n_zero_weight)). Construction validates the input and sorts it
/// once (a two-level radix partition on the `f64` bit pattern); the pass that emits the
/// sorted records also takes the totals, the Gini numerator and a checkpoint of the
/// cumulative weight and cumulative weighted value every 32 records — blocked sums: plain
/// inside each block of 32 records, compensated (Neumaier) across blocks, so their error
/// does not grow with n (see `docs/distribution.md`, "Accuracy of the sums"). Quantiles,
/// Lorenz ordinates, shares, the Gini, the Hoover index and band shares are then O(1) or
/// O(log n) (a binary search on the checkpoints, then at most 31 plain additions from the
/// checkpoint, the same in every query), and the GE/Atkinson family is one
/// allocation-free O(n) pass with the same blocked summation. When every kept
/// weight is equal (or `weights` is `None`) only the values are sorted and stored.
/// [`rebuild`](Self::rebuild) reuses the buffers of an existing value.
///
/// # Errors at construction
/// * `values` empty → [`Error::Empty`];
/// * `weights.len() != values.len()` → [`Error::LengthMismatch`];
/// * NaN in `values` → [`Error::MissingValue`] naming `values[i]` (unless
///   [`MissingPolicy::Skip`]); all values missing → [`Error::Empty`];
/// * ±inf in `values` → [`Error::InvalidValue`];
/// * a NaN, ±inf or negative weight → [`Error::InvalidValue`] naming `weights[i]`;
/// * total weight 0 → [`Error::InvalidValue`].
#[derive(Debug, Clone)]
pub struct Distribution {
    /// Values in ascending order, when every kept weight equals `w0`.
    xs: Vec<f64>,
    /// (value, weight) in ascending order of value, when the weights differ.
    pairs: Vec<Pair>,
    /// The common weight (equal-weights representation).
    w0: f64,
    /// `cp[j]` = (cumulative weight, cumulative weighted value) of the first `j·CP` records.
    cp: Vec<Pair>,
    total_w: f64,
    total_wx: f64,
    sum_w2: f64,
    gini_num: f64,
    /// [`Distribution::extreme_scales`], computed once per build.
    extreme: Option<(i32, i32)>,
    n: usize,
    n_input: usize,
    n_missing: usize,
    n_zero_weight: usize,
    equal_weights: bool,
    min_pos: usize,
    max_pos: usize,
    first_negative: Option<(usize, f64)>,
    first_nonpositive: Option<(usize, f64)>,
    /// The sort's working memory, kept for [`rebuild`](Self::rebuild).
    scratch: Scratch,
}

/// Checkpoint spacing of the cumulative sums (one block of the blocked summation).
const CP: usize = BLOCK;

fn bad_weight(i: usize, w: f64) -> Error {
    Error::invalid_value(
        format!("weights[{i}]"),
        w,
        "as a weight (weights must be finite and ≥ 0)",
    )
}

/// How one record enters a distribution. Every builder in this module ([`Distribution`], the
/// mergeable [`Summary`](super::Summary) and the [`RankPartition`](super::RankPartition))
/// applies the same rules through [`classify_record`], so they agree on every input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecordUse {
    /// The value is NaN and the policy is [`MissingPolicy::Skip`]: counted, not used.
    Missing,
    /// The weight is 0: counted, not used.
    ZeroWeight,
    /// A finite value with a positive weight.
    Kept,
}

/// Checks record `i` (value `v`, weight `w`; 1 when unweighted): a weight must be finite
/// and ≥ 0, a NaN value is an error under [`MissingPolicy::Error`] and skipped under
/// [`MissingPolicy::Skip`], an infinite value is an error, and a zero weight is skipped.
#[inline]
pub(crate) fn classify_record(
    i: usize,
    v: f64,
    w: f64,
    policy: MissingPolicy,
) -> Result<RecordUse> {
    if !(w.is_finite() && w >= 0.0) {
        return Err(bad_weight(i, w));
    }
    if v.is_nan() {
        return match policy {
            MissingPolicy::Error => Err(Error::MissingValue {
                context: format!("values[{i}]"),
                reason: "and the missing-value policy is Error \
                         (clean the data or ask for MissingPolicy::Skip)"
                    .into(),
            }),
            MissingPolicy::Skip => Ok(RecordUse::Missing),
        };
    }
    if v.is_infinite() {
        return Err(Error::invalid_value(
            format!("values[{i}]"),
            v,
            "(values must be finite)",
        ));
    }
    if w == 0.0 {
        return Ok(RecordUse::ZeroWeight);
    }
    Ok(RecordUse::Kept)
}

/// What the validation pass learns about the input.
struct Scan {
    n: usize,
    n_missing: usize,
    n_zero_weight: usize,
    min_v: f64,
    max_v: f64,
    min_pos: usize,
    max_pos: usize,
    first_negative: Option<(usize, f64)>,
    first_nonpositive: Option<(usize, f64)>,
    w0: f64,
    equal_weights: bool,
}

fn scan(values: &[f64], weights: Option<&[f64]>, policy: MissingPolicy) -> Result<Scan> {
    let n_input = values.len();
    if let Some(w) = weights {
        if w.len() != n_input {
            return Err(Error::length_mismatch(
                "weights vs values",
                n_input,
                w.len(),
            ));
        }
    }
    if n_input == 0 {
        return Err(Error::Empty {
            context: "values".into(),
        });
    }
    if let Some(sc) = scan_clean(values, weights) {
        return Ok(sc);
    }
    scan_general(values, weights, policy)
}

/// Records per block of [`scan_clean`]'s minimum/maximum search.
const SCAN_BLOCK: usize = 16;

/// The common case of [`scan`] without a branch per record: every value finite and every
/// weight finite and > 0 (so every record is kept). Returns `None` otherwise, and then
/// [`scan_general`] finds the first offending record (or skips NaN / zero weights). The
/// result is the one `scan_general` would return: the smallest and largest value are taken
/// per block of [`SCAN_BLOCK`] records, and the first position holding each is searched
/// in the first block that reached it (the running extreme changes only at that block).
fn scan_clean(values: &[f64], weights: Option<&[f64]>) -> Option<Scan> {
    const EXP: u64 = 0x7FF0_0000_0000_0000;
    let n = values.len();
    let mut bad = false;
    let (mut kmin, mut kmax) = (u64::MAX, 0u64);
    let (mut bmin, mut bmax) = (0usize, 0usize);
    for (b, vs) in values.chunks(SCAN_BLOCK).enumerate() {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut nonfinite = false;
        for &v in vs {
            nonfinite |= v.to_bits() & EXP == EXP;
            lo = if v < lo { v } else { lo };
            hi = if v > hi { v } else { hi };
        }
        bad |= nonfinite;
        let (lo, hi) = (key_of(lo + 0.0), key_of(hi + 0.0));
        if lo < kmin {
            kmin = lo;
            bmin = b;
        }
        if hi > kmax {
            kmax = hi;
            bmax = b;
        }
    }
    let mut w0 = 1.0;
    let mut equal_weights = true;
    if let Some(ws) = weights {
        w0 = ws[0];
        let w0b = w0.to_bits();
        let mut diff = 0u64;
        for &w in ws {
            let b = w.to_bits();
            // b − 1 < bits(f64::MAX) ⇔ 0 < w ≤ f64::MAX (so +0.0, −0.0, negatives, inf, NaN fail)
            bad |= b.wrapping_sub(1) >= f64::MAX.to_bits();
            diff |= b ^ w0b;
        }
        equal_weights = diff == 0;
    }
    if bad {
        return None;
    }
    let first = |from: usize, key: u64| {
        from + values[from..]
            .iter()
            .position(|&v| key_of(v + 0.0) == key)
            .expect("scan_clean: key seen in its block")
    };
    let (min_v, max_v) = (value_of(kmin), value_of(kmax));
    let first_nonpositive = if min_v <= 0.0 {
        values
            .iter()
            .position(|&v| v <= 0.0)
            .map(|i| (i, values[i] + 0.0))
    } else {
        None
    };
    let first_negative = if min_v < 0.0 {
        values
            .iter()
            .position(|&v| v < 0.0)
            .map(|i| (i, values[i] + 0.0))
    } else {
        None
    };
    Some(Scan {
        n,
        n_missing: 0,
        n_zero_weight: 0,
        min_v,
        max_v,
        min_pos: first(bmin * SCAN_BLOCK, kmin),
        max_pos: first(bmax * SCAN_BLOCK, kmax),
        first_negative,
        first_nonpositive,
        w0,
        equal_weights,
    })
}

/// [`scan`] record by record: finds errors, skips NaN (under [`MissingPolicy::Skip`]) and
/// zero weights.
fn scan_general(values: &[f64], weights: Option<&[f64]>, policy: MissingPolicy) -> Result<Scan> {
    let n_input = values.len();
    let mut n = 0usize;
    let mut n_missing = 0usize;
    let mut n_zero_weight = 0usize;
    let mut min_v = f64::INFINITY;
    let mut max_v = f64::NEG_INFINITY;
    let (mut min_pos, mut max_pos) = (0usize, 0usize);
    let mut first_negative = None;
    let mut first_nonpositive = None;
    let mut w0 = f64::NAN;
    let mut equal_weights = true;
    for (i, &v) in values.iter().enumerate() {
        let wi = weights.map_or(1.0, |w| w[i]);
        match classify_record(i, v, wi, policy)? {
            RecordUse::Missing => {
                n_missing += 1;
                continue;
            }
            RecordUse::ZeroWeight => {
                n_zero_weight += 1;
                continue;
            }
            RecordUse::Kept => {}
        }
        if wi != w0 {
            if w0.is_nan() {
                w0 = wi;
            } else {
                equal_weights = false;
            }
        }
        let v = v + 0.0; // -0.0 → +0.0
        if v < min_v {
            min_v = v;
            min_pos = i;
        }
        if v > max_v {
            max_v = v;
            max_pos = i;
        }
        if v <= 0.0 {
            if first_nonpositive.is_none() {
                first_nonpositive = Some((i, v));
            }
            if v < 0.0 && first_negative.is_none() {
                first_negative = Some((i, v));
            }
        }
        n += 1;
    }
    if n == 0 {
        if n_missing == n_input {
            return Err(Error::Empty {
                context: format!("values (all {n_input} values are missing)"),
            });
        }
        return Err(Error::invalid_value(
            "weights",
            0.0,
            "as the total weight (at least one record needs a positive weight)",
        ));
    }
    Ok(Scan {
        n,
        n_missing,
        n_zero_weight,
        min_v,
        max_v,
        min_pos,
        max_pos,
        first_negative,
        first_nonpositive,
        w0,
        equal_weights,
    })
}

/// Running sums of the emitting pass (in sorted order), blocked: plain sums inside each
/// block of `CP` records (the checkpoint spacing), compensated sums of the block totals
/// ([`Nsum`]; see [`BlockSum`] for the error bound, independent of n). The checkpoints are
/// the compensated cumulative sums at the block starts.
#[derive(Default)]
struct Acc {
    /// Inside the current block: cumulative weight, weighted value, Σw², and the Gini
    /// cross-term `Σ wx (2c + w)` with the block-local cumulative weight `c`.
    c: f64,
    s: f64,
    w2: f64,
    g: f64,
    i: usize,
    /// Compensated totals of the finished blocks.
    tc: Nsum,
    ts: Nsum,
    tw2: Nsum,
    tg: Nsum,
}

impl Acc {
    #[inline(always)]
    fn push(&mut self, cp: &mut Vec<Pair>, xi: f64, wi: f64) {
        if self.i % CP == 0 {
            self.flush();
            cp.push([self.tc.value(), self.ts.value()]);
        }
        self.i += 1;
        let wx = wi * xi;
        // Σ w x (2 C_{i-1} + w): the W-independent part of the Gini numerator, here with
        // the block-local C; `flush` adds the block's 2·C₀·Σwx for the weight C₀ before it.
        self.g += wx * (2.0 * self.c + wi);
        self.c += wi;
        self.s += wx;
        self.w2 += wi * wi;
    }

    /// Adds the current block to the totals and starts a new one.
    #[inline]
    fn flush(&mut self) {
        let c0 = self.tc.value();
        self.tg.add(self.g);
        self.tg.add(2.0 * c0 * self.s);
        self.tc.add(self.c);
        self.ts.add(self.s);
        self.tw2.add(self.w2);
        (self.c, self.s, self.w2, self.g) = (0.0, 0.0, 0.0, 0.0);
    }
}

/// Key stream and record stream of the kept input records (same order), for the sort.
macro_rules! kept {
    ($values:expr, $weights:expr, $all_kept:expr, |$v:ident, $w:ident| $rec:expr, $sort:expr) => {{
        let values = $values;
        match ($weights, $all_kept) {
            (None, true) => {
                let keys = values.iter().map(|&$v| key_of($v + 0.0));
                let recs = values.iter().map(|&$v| {
                    let $w = 1.0f64;
                    let _ = $w;
                    $rec
                });
                $sort(keys, recs)
            }
            (None, false) => {
                let keys = values
                    .iter()
                    .filter(|v| !v.is_nan())
                    .map(|&$v| key_of($v + 0.0));
                let recs = values.iter().filter(|v| !v.is_nan()).map(|&$v| {
                    let $w = 1.0f64;
                    let _ = $w;
                    $rec
                });
                $sort(keys, recs)
            }
            (Some(ws), true) => {
                let keys = values.iter().map(|&$v| key_of($v + 0.0));
                let recs = values.iter().zip(ws).map(|(&$v, &$w)| {
                    let _ = $w;
                    $rec
                });
                $sort(keys, recs)
            }
            (Some(ws), false) => {
                let keep = |&(v, w): &(&f64, &f64)| !v.is_nan() && *w != 0.0;
                let keys = values
                    .iter()
                    .zip(ws)
                    .filter(keep)
                    .map(|(&$v, _)| key_of($v + 0.0));
                let recs = values.iter().zip(ws).filter(keep).map(|(&$v, &$w)| {
                    let _ = $w;
                    $rec
                });
                $sort(keys, recs)
            }
        }
    }};
}

impl Distribution {
    /// Builds the distribution with [`MissingPolicy::Error`]. See the type's documentation
    /// for the errors.
    pub fn new(values: &[f64], weights: Option<&[f64]>) -> Result<Self> {
        Self::with_policy(values, weights, MissingPolicy::Error)
    }

    /// Builds the distribution with an explicit missing-value policy.
    pub fn with_policy(
        values: &[f64],
        weights: Option<&[f64]>,
        policy: MissingPolicy,
    ) -> Result<Self> {
        let mut d = Distribution {
            xs: Vec::new(),
            pairs: Vec::new(),
            w0: f64::NAN,
            cp: Vec::new(),
            total_w: 0.0,
            total_wx: 0.0,
            sum_w2: 0.0,
            gini_num: 0.0,
            extreme: None,
            n: 0,
            n_input: 0,
            n_missing: 0,
            n_zero_weight: 0,
            equal_weights: false,
            min_pos: 0,
            max_pos: 0,
            first_negative: None,
            first_nonpositive: None,
            scratch: Scratch::default(),
        };
        // (never returned empty: a failed build returns the error instead)
        d.rebuild_with_policy(values, weights, policy)?;
        Ok(d)
    }

    /// Rebuilds `self` from new data with [`MissingPolicy::Error`], reusing its buffers (no
    /// allocation when the capacity suffices). Same results and errors as
    /// [`new`](Self::new); on error `self` is left unchanged.
    pub fn rebuild(&mut self, values: &[f64], weights: Option<&[f64]>) -> Result<()> {
        self.rebuild_with_policy(values, weights, MissingPolicy::Error)
    }

    /// [`rebuild`](Self::rebuild) with an explicit missing-value policy.
    pub fn rebuild_with_policy(
        &mut self,
        values: &[f64],
        weights: Option<&[f64]>,
        policy: MissingPolicy,
    ) -> Result<()> {
        let sc = scan(values, weights, policy)?;
        let n = sc.n;
        let all_kept = n == values.len();
        let (min_key, max_key) = (key_of(sc.min_v), key_of(sc.max_v));
        let mut acc = Acc::default();
        let cp = &mut self.cp;
        let scratch = &mut self.scratch;
        cp.clear();
        cp.reserve(n / CP + 1);
        if sc.equal_weights {
            // Only the values: the weight is `w0` throughout.
            let w0 = sc.w0;
            let out = &mut self.xs;
            self.pairs.clear();
            kept!(
                values,
                weights,
                all_kept,
                |v, w| f64::from_bits(key_of(v + 0.0)),
                |keys, recs| {
                    sort_into(
                        keys,
                        recs,
                        n,
                        min_key,
                        max_key,
                        out,
                        scratch,
                        |run: &mut [f64]| {
                            for r in run {
                                let xi = value_of(r.to_bits());
                                *r = xi;
                                acc.push(cp, xi, w0);
                            }
                        },
                    )
                }
            );
            self.w0 = w0;
        } else {
            let out = &mut self.pairs;
            self.xs.clear();
            kept!(
                values,
                weights,
                all_kept,
                |v, w| [f64::from_bits(key_of(v + 0.0)), w],
                |keys, recs| {
                    sort_into(
                        keys,
                        recs,
                        n,
                        min_key,
                        max_key,
                        out,
                        scratch,
                        |run: &mut [Pair]| {
                            for r in run {
                                let xi = value_of(r[0].to_bits());
                                r[0] = xi;
                                acc.push(cp, xi, r[1]);
                            }
                        },
                    )
                }
            );
            self.w0 = f64::NAN;
        }
        acc.flush();
        let (total_w, total_wx) = (acc.tc.value(), acc.ts.value());
        if n % CP == 0 {
            cp.push([total_w, total_wx]);
        }
        self.total_w = total_w;
        self.total_wx = total_wx;
        self.sum_w2 = acc.tw2.value();
        // − W·T exactly (the product and its rounding error, by a fused multiply-add)
        let wt = total_w * total_wx;
        acc.tg.add(-wt);
        acc.tg.add(-total_w.mul_add(total_wx, -wt));
        self.gini_num = acc.tg.value();
        self.n = n;
        self.n_input = values.len();
        self.n_missing = sc.n_missing;
        self.n_zero_weight = sc.n_zero_weight;
        self.equal_weights = sc.equal_weights;
        self.min_pos = sc.min_pos;
        self.max_pos = sc.max_pos;
        self.first_negative = sc.first_negative;
        self.first_nonpositive = sc.first_nonpositive;
        self.extreme = self.compute_extreme_scales();
        Ok(())
    }

    /// Number of records kept (non-missing, positive weight).
    pub fn n(&self) -> usize {
        self.n
    }
    /// Number of records given by the caller.
    pub fn n_input(&self) -> usize {
        self.n_input
    }
    /// Number of missing values dropped under [`MissingPolicy::Skip`].
    pub fn n_missing(&self) -> usize {
        self.n_missing
    }
    /// Number of records left out because their weight is 0.
    pub fn n_zero_weight(&self) -> usize {
        self.n_zero_weight
    }
    /// Total weight `W = Σ wᵢ` (the population represented).
    pub fn total_weight(&self) -> f64 {
        self.total_w
    }
    /// Total weighted value `Σ wᵢxᵢ` (total income).
    pub fn total(&self) -> f64 {
        self.total_wx
    }
    /// Weighted mean `μ = Σ wᵢxᵢ / Σ wᵢ`; for data beyond 2^±300 computed on values and
    /// weights rescaled by powers of two, so the mean of three values of 1e308 is 1e308
    /// (not +inf) and weights of 1e-300 give the same mean as weights of 1.
    pub fn mean(&self) -> f64 {
        if let Some((kx, kw)) = self.extreme_scales() {
            let (mut swx, mut sww) = (0.0, 0.0);
            self.for_each(|x, w| {
                let w = times_pow2(w, kw);
                swx += w * times_pow2(x, kx);
                sww += w;
            });
            return times_pow2(swx / sww, -kx);
        }
        self.total_wx / self.total_w
    }
    /// Whether every kept record has the same weight (then the data count as unweighted).
    pub fn has_equal_weights(&self) -> bool {
        self.equal_weights
    }
    /// The (value, weight) records in ascending order of value.
    pub fn records(&self) -> impl ExactSizeIterator<Item = (f64, f64)> + '_ {
        (0..self.n).map(move |i| (self.x(i), self.w(i)))
    }
    /// The values in ascending order (a copy).
    pub fn sorted_values(&self) -> Vec<f64> {
        if self.equal_weights {
            self.xs.clone()
        } else {
            self.pairs.iter().map(|p| p[0]).collect()
        }
    }
    /// Smallest value.
    pub fn min(&self) -> f64 {
        self.x(0)
    }
    /// Largest value.
    pub fn max(&self) -> f64 {
        self.x(self.n - 1)
    }

    /// The exponents `(kx, kw)` of the powers of two `2^kx`, `2^kw` that bring the largest
    /// |value| and the largest weight to [1, 2) (applied by [`times_pow2`], in two exact
    /// steps, so that subnormal data — `kx` up to 1074 — scale too), when the data are so large or so small (beyond 2^±300) that a sum
    /// or a product of two or three of them could overflow to ±inf or underflow to 0;
    /// `None` for ordinary data. Powers of two change no significant bit, so every
    /// scale-invariant measure computed on the rescaled data is exactly the one a
    /// wider-range arithmetic would give on the data as they are ("rescale by the
    /// maximum": Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed. 2002,
    /// §27.8 on avoiding overflow; the same device as LAPACK's `dnrm2`).
    fn extreme_scales(&self) -> Option<(i32, i32)> {
        self.extreme
    }

    fn compute_extreme_scales(&self) -> Option<(i32, i32)> {
        const LIMIT: f64 = 2.037035976334486e90; // 2^300
        if self.n == 0 {
            return None;
        }
        let xmax = self.min().abs().max(self.max().abs());
        let wmax = if self.equal_weights {
            self.w0
        } else {
            self.pairs.iter().fold(0.0f64, |m, p| m.max(p[1]))
        };
        let odd = |v: f64| v > LIMIT || (v > 0.0 && v < 1.0 / LIMIT);
        let sums_ok = self.total_w.is_finite() && self.total_wx.is_finite();
        if !(odd(xmax) || odd(wmax)) && sums_ok {
            return None;
        }
        let exponent = |v: f64| -> i32 {
            if v > 0.0 && v.is_finite() {
                -(v.log2().floor() as i32)
            } else {
                0
            }
        };
        Some((exponent(xmax), exponent(wmax)))
    }

    /// A copy of the distribution with values and weights rescaled by
    /// [`Distribution::extreme_scales`] (exact powers of two), or `None` when no rescaling
    /// is needed. Values scale by `2^kx` (returned), so level results (mean, quantiles) of
    /// the copy are `2^kx` times those of `self`; relative measures are the same.
    fn rescaled(&self) -> Option<(Distribution, i32)> {
        let (kx, kw) = self.extreme_scales()?;
        let (xs, ws): (Vec<f64>, Vec<f64>) = self
            .records()
            .map(|(x, w)| (times_pow2(x, kx), times_pow2(w, kw)))
            .unzip();
        Distribution::new(&xs, Some(&ws)).ok().map(|d| (d, kx))
    }

    #[inline]
    fn x(&self, i: usize) -> f64 {
        if self.equal_weights {
            self.xs[i]
        } else {
            self.pairs[i][0]
        }
    }
    #[inline]
    fn w(&self, i: usize) -> f64 {
        if self.equal_weights {
            self.w0
        } else {
            self.pairs[i][1]
        }
    }
    /// `Σ f(xᵢ, wᵢ)` style loops: calls `f(x, w)` for every record in ascending order.
    #[inline]
    fn for_each(&self, mut f: impl FnMut(f64, f64)) {
        if self.equal_weights {
            let w0 = self.w0;
            for &xi in &self.xs {
                f(xi, w0);
            }
        } else {
            for &[xi, wi] in &self.pairs {
                f(xi, wi);
            }
        }
    }
    /// Number of records with value `< t` (`strict`) or `≤ t`.
    #[inline]
    fn count_below(&self, t: f64, strict: bool) -> usize {
        match (self.equal_weights, strict) {
            (true, true) => self.xs.partition_point(|&x| x < t),
            (true, false) => self.xs.partition_point(|&x| x <= t),
            (false, true) => self.pairs.partition_point(|r| r[0] < t),
            (false, false) => self.pairs.partition_point(|r| r[0] <= t),
        }
    }
    /// (cumulative weight, cumulative weighted value) of the first `k` sorted records:
    /// the nearest checkpoint, then the build's own additions repeated.
    #[inline]
    fn cum_before(&self, k: usize) -> (f64, f64) {
        let j = k / CP;
        let [mut c, mut s] = self.cp[j];
        for i in j * CP..k {
            let (xi, wi) = (self.x(i), self.w(i));
            c += wi;
            s += wi * xi;
        }
        (c, s)
    }
    /// Cumulative weight of the first `k` sorted records.
    #[inline]
    fn cw_before(&self, k: usize) -> f64 {
        self.cum_before(k).0
    }
    /// Cumulative weighted value of the first `k` sorted records.
    #[inline]
    fn cwx_before(&self, k: usize) -> f64 {
        self.cum_before(k).1
    }
    /// The first record `k` whose cumulative weight (through `k`) is `≥ target`, or the
    /// last record if none is; returns `(k, cw_before(k), cwx_before(k), cumulative weight
    /// through k)`.
    #[inline]
    fn locate(&self, target: f64) -> (usize, f64, f64, f64) {
        let jstar = self.cp.partition_point(|c| c[0] < target);
        if jstar == 0 {
            return (0, 0.0, 0.0, 0.0 + self.w(0));
        }
        let j = (jstar - 1).min((self.n - 1) / CP);
        let [mut c, mut s] = self.cp[j];
        let mut i = j * CP;
        loop {
            let (xi, wi) = (self.x(i), self.w(i));
            let c2 = c + wi;
            if c2 >= target || i + 1 == self.n {
                return (i, c, s, c2);
            }
            c = c2;
            s += wi * xi;
            i += 1;
        }
    }

    fn require_positive_mean(&self, what: &str) -> Result<f64> {
        let mu = self.mean();
        if mu > 0.0 {
            Ok(mu)
        } else {
            Err(Error::invalid_value(
                "mean of values",
                mu,
                format!("for the {what} (it needs a positive mean)"),
            ))
        }
    }

    /// Checks the domain of the GE/Atkinson family: `strict` = every value > 0,
    /// otherwise every value ≥ 0.
    fn require_domain(&self, strict: bool, what: &str) -> Result<()> {
        let bad = if strict {
            self.first_nonpositive
        } else {
            self.first_negative
        };
        if let Some((i, v)) = bad {
            let need = if strict { "> 0" } else { "≥ 0" };
            return Err(Error::invalid_value(
                format!("values[{i}]"),
                v,
                format!("for the {what} (it needs every value {need})"),
            ));
        }
        Ok(())
    }

    /// Gini coefficient, the weighted mean-difference definition
    /// `G = Σᵢ Σⱼ wᵢwⱼ|xᵢ−xⱼ| / (2 W² μ)` (Cowell, *Measuring Inequality*, 3rd ed. 2011,
    /// §2.2 and Technical Appendix A.5), computed in the sorted cumulative form
    /// `G = Σᵢ wᵢxᵢ (2Cᵢ₋₁ + wᵢ − W) / (W · Σ wᵢxᵢ)` with `Cᵢ` the cumulative weight.
    /// Equals laeken's `gini` ÷ 100 (Alfons & Templ 2013, Eurostat EU-SILC definition)
    /// and R `ineq::Gini(x, corr = FALSE)` for equal weights.
    ///
    /// Negative values are allowed (the Gini may then exceed 1); the mean must be > 0.
    /// One record (or all values equal) gives 0.
    pub fn gini(&self) -> Result<f64> {
        self.require_positive_mean("Gini coefficient")?;
        if let Some((d, _)) = self.rescaled() {
            return d.gini();
        }
        Ok(self.gini_num / (self.total_w * self.total_wx))
    }

    /// Gini with the small-sample correction: `G · n/(n−1)` for equal weights
    /// (R `ineq::Gini(x, corr = TRUE)`), `G / (1 − Σ fᵢ²)` with `fᵢ = wᵢ/W` in general
    /// (which reduces to `n/(n−1)` for equal weights; Cowell 2011, A.5 on the
    /// finite-sample bias of the mean difference). Error with a single record.
    pub fn gini_corrected(&self) -> Result<f64> {
        let g = self.gini()?;
        if let Some((d, _)) = self.rescaled() {
            return d.gini_corrected();
        }
        let sf2 = self.sum_w2 / (self.total_w * self.total_w);
        if self.n() < 2 || 1.0 - sf2 <= 0.0 {
            return Err(Error::invalid_argument(
                "corrected",
                "the small-sample correction needs at least two records with positive weight",
            ));
        }
        let factor = if self.equal_weights {
            let n = self.n() as f64;
            n / (n - 1.0)
        } else {
            1.0 / (1.0 - sf2)
        };
        Ok(g * factor)
    }

    /// Generalised entropy index GE(α) for any real α (Cowell 2011, §3.3 and A.5;
    /// Shorrocks 1980, *Econometrica* 48(3)):
    /// * α ∉ {0, 1}: `GE(α) = [ (1/W) Σ wᵢ (xᵢ/μ)^α − 1 ] / (α(α−1))`;
    /// * α = 1 (Theil T): `(1/W) Σ wᵢ (xᵢ/μ) ln(xᵢ/μ)`, with `0·ln 0 = 0`;
    /// * α = 0 (mean log deviation, Theil L): `−(1/W) Σ wᵢ ln(xᵢ/μ)`.
    ///
    /// Within 2⁻⁴ of 0 or 1 the first form is evaluated without its cancellation (expm1,
    /// and a second-order expansion within 10⁻⁸; see `near_limit`), so GE is continuous in
    /// α through 0 and 1 to double precision (GE(10⁻¹⁵) is the MLD to 15 digits).
    ///
    /// Domain: for α ≤ 0 every value must be > 0; for α > 0 other than 2 every value must
    /// be ≥ 0; α = 2 accepts any real values, as the coefficient of variation does, since
    /// GE(2) = CV²/2 identically (half the squared CV: `(1/W)Σwᵢ(xᵢ/μ)² − 1 = σ²/μ²`;
    /// Cowell 2011 §3.3). The mean must be > 0. Otherwise [`Error::InvalidValue`] naming the
    /// first offending position.
    pub fn generalized_entropy(&self, alpha: f64) -> Result<f64> {
        if !alpha.is_finite() {
            return Err(Error::invalid_argument(
                "alpha",
                format!("must be finite, got {alpha}"),
            ));
        }
        let what = if alpha == 0.0 {
            "mean log deviation GE(0)".to_string()
        } else if alpha == 1.0 {
            "Theil index GE(1)".to_string()
        } else {
            format!("generalised entropy GE({alpha})")
        };
        if alpha != 2.0 {
            self.require_domain(alpha <= 0.0, &what)?;
        }
        let mu = self.require_positive_mean(&what)?;
        if let Some((d, _)) = self.rescaled() {
            return d.generalized_entropy(alpha);
        }
        let inv_mu = 1.0 / mu;
        // blocked, compensated sums (error independent of n; see `BlockSum`)
        let mut acc = BlockSum::default();
        let s = if alpha == 1.0 {
            self.for_each(|xi, wi| {
                if xi > 0.0 {
                    let r = xi * inv_mu;
                    acc.add(wi * r * r.ln());
                }
            });
            acc.value() / self.total_w
        } else if alpha == 0.0 {
            self.for_each(|xi, wi| {
                acc.add(wi * (xi * inv_mu).ln());
            });
            -acc.value() / self.total_w
        } else if let Some(s) = self.ge_near_limit(alpha, inv_mu) {
            s
        } else {
            if alpha == 2.0 {
                self.for_each(|xi, wi| {
                    let r = xi * inv_mu;
                    acc.add(wi * r * r);
                });
            } else if alpha.fract() == 0.0 && alpha.abs() <= 64.0 {
                let a = alpha as i32;
                self.for_each(|xi, wi| {
                    acc.add(wi * (xi * inv_mu).powi(a));
                });
            } else {
                self.for_each(|xi, wi| {
                    acc.add(wi * (xi * inv_mu).powf(alpha));
                });
            }
            (acc.value() / self.total_w - 1.0) / (alpha * (alpha - 1.0))
        };
        Ok(s)
    }

    /// GE(α) for α within [`near_limit::NEAR`] of 0 or 1 (but not 0 or 1), without the
    /// cancellation of `mean(r^α) − 1` (`near_limit`): with `rᵢ = xᵢ/μ`, `Lᵢ = ln rᵢ`,
    /// * near 0: `Σ wᵢ expm1(α Lᵢ) / (W α(α−1))`; below [`near_limit::SERIES`] (all values
    ///   > 0) `(m₁ + α m₂/2)/(α − 1)` with `m_k = (1/W) Σ wᵢ Lᵢ^k`;
    /// * near 1, `β = α − 1`: `Σ wᵢ rᵢ expm1(β Lᵢ) / (W αβ)` (as `Σ wᵢ rᵢ = W`); below
    ///   [`near_limit::SERIES`] `(n₁ + β n₂/2)/α` with `n_k = (1/W) Σ wᵢ rᵢ Lᵢ^k`; zero
    ///   values contribute 0 (`r·r^β → 0`).
    ///
    /// `None` outside the windows (the textbook form applies).
    fn ge_near_limit(&self, alpha: f64, inv_mu: f64) -> Option<f64> {
        use near_limit::Form;
        let w = self.total_w;
        let (mut a1, mut a2) = (BlockSum::default(), BlockSum::default());
        let beta = alpha - 1.0;
        if alpha.abs() <= near_limit::NEAR {
            if near_limit::form(alpha) == Form::Series && self.min() > 0.0 {
                self.for_each(|xi, wi| {
                    let l = (xi * inv_mu).ln();
                    a1.add(wi * l);
                    a2.add(wi * l * l);
                });
                let (m1, m2) = (a1.value() / w, a2.value() / w);
                return Some((m1 + alpha * m2 / 2.0) / beta);
            }
            self.for_each(|xi, wi| {
                a1.add(wi * (alpha * (xi * inv_mu).ln()).exp_m1());
            });
            return Some(a1.value() / w / (alpha * beta));
        }
        if beta.abs() <= near_limit::NEAR {
            let series = near_limit::form(beta) == Form::Series;
            self.for_each(|xi, wi| {
                if xi > 0.0 {
                    let r = xi * inv_mu;
                    let l = r.ln();
                    if series {
                        a1.add(wi * r * l);
                        a2.add(wi * r * l * l);
                    } else {
                        a1.add(wi * r * (beta * l).exp_m1());
                    }
                }
            });
            return Some(if series {
                (a1.value() / w + beta * a2.value() / w / 2.0) / alpha
            } else {
                a1.value() / w / (alpha * beta)
            });
        }
        None
    }

    /// Theil T index = GE(1) (Theil 1967; Cowell 2011 §3.3). Zeros contribute 0.
    pub fn theil_t(&self) -> Result<f64> {
        self.generalized_entropy(1.0)
    }

    /// Mean log deviation (Theil L) = GE(0) (Cowell 2011 §3.3). Every value must be > 0.
    pub fn mean_log_deviation(&self) -> Result<f64> {
        self.generalized_entropy(0.0)
    }

    /// Atkinson index (Atkinson 1970, *J. Econ. Theory* 2(3); Cowell 2011 §3.4) for ε ≥ 0:
    /// * ε ≠ 1: `A = 1 − [ (1/W) Σ wᵢ (xᵢ/μ)^(1−ε) ]^(1/(1−ε))`;
    /// * ε = 1: `A = 1 − exp((1/W) Σ wᵢ ln xᵢ) / μ` (geometric mean over mean).
    ///
    /// Within 2⁻⁴ of ε = 1 the first form is evaluated as `−expm1(log1p(s)/(1−ε))`,
    /// `s = (1/W) Σ wᵢ expm1((1−ε) ln(xᵢ/μ))` (a second-order expansion within 10⁻⁸; see
    /// `near_limit`): continuous in ε through 1 to double precision.
    ///
    /// Domain: ε ≥ 1 needs every value > 0; 0 ≤ ε < 1 needs every value ≥ 0; mean > 0.
    pub fn atkinson(&self, epsilon: f64) -> Result<f64> {
        if !(epsilon.is_finite() && epsilon >= 0.0) {
            return Err(Error::invalid_argument(
                "epsilon",
                format!("the inequality aversion must be finite and ≥ 0, got {epsilon}"),
            ));
        }
        let what = format!("Atkinson index A({epsilon})");
        self.require_domain(epsilon >= 1.0, &what)?;
        let mu = self.require_positive_mean(&what)?;
        if epsilon == 0.0 {
            return Ok(0.0);
        }
        if let Some((d, _)) = self.rescaled() {
            return d.atkinson(epsilon);
        }
        let inv_mu = 1.0 / mu;
        let mut acc = BlockSum::default();
        if epsilon == 1.0 {
            self.for_each(|xi, wi| {
                acc.add(wi * (xi * inv_mu).ln());
            });
            return Ok(1.0 - (acc.value() / self.total_w).exp());
        }
        let e = 1.0 - epsilon;
        if e.abs() <= near_limit::NEAR {
            // near ε = 1 (`near_limit`): with s = (1/W) Σ w expm1(e ln r), the mean of r^e is
            // 1 + s and A = 1 − (1 + s)^(1/e) = −expm1(log1p(s)/e); below SERIES (all values
            // > 0) ln of the power mean by its cumulant expansion m₁ + e(m₂ − m₁²)/2
            let w = self.total_w;
            if near_limit::form(e) == near_limit::Form::Series && self.min() > 0.0 {
                let mut a2 = BlockSum::default();
                self.for_each(|xi, wi| {
                    let l = (xi * inv_mu).ln();
                    acc.add(wi * l);
                    a2.add(wi * l * l);
                });
                let g = near_limit::log_power_mean_series(acc.value() / w, a2.value() / w, e);
                return Ok(-g.exp_m1());
            }
            self.for_each(|xi, wi| {
                acc.add(wi * (e * (xi * inv_mu).ln()).exp_m1());
            });
            return Ok(-((acc.value() / w).ln_1p() / e).exp_m1());
        }
        self.for_each(|xi, wi| {
            acc.add(wi * (xi * inv_mu).powf(e));
        });
        Ok(1.0 - (acc.value() / self.total_w).powf(1.0 / e))
    }

    /// Coefficient of variation, population form: `CV = σ/μ` with
    /// `σ² = (1/W) Σ wᵢ (xᵢ − μ)²` (Cowell 2011 §2.2; OECD/JRC Handbook 2008). Negative
    /// values are allowed; the mean must be > 0.
    pub fn coefficient_of_variation(&self) -> Result<f64> {
        let mu = self.require_positive_mean("coefficient of variation")?;
        if let Some((d, _)) = self.rescaled() {
            return d.coefficient_of_variation();
        }
        let mut acc = BlockSum::default();
        self.for_each(|xi, wi| {
            let d = xi - mu;
            acc.add(wi * d * d);
        });
        Ok((acc.value() / self.total_w).sqrt() / mu)
    }

    /// Hoover (Ricci–Schutz, Pietra, relative mean deviation / 2) index:
    /// `H = (1/(2μW)) Σ wᵢ |xᵢ − μ|`, the share of total income that would have to be
    /// moved to reach equality, equal to the maximum vertical distance `max_p (p − L(p))`
    /// (Cowell 2011 §2.2; R `ineq::RS`). Computed as `F(μ⁻) − L(F(μ⁻))` in O(log n).
    pub fn hoover(&self) -> Result<f64> {
        let mu = self.require_positive_mean("Hoover index")?;
        if let Some((d, _)) = self.rescaled() {
            return d.hoover();
        }
        let k = self.count_below(mu, true);
        Ok(self.cw_before(k) / self.total_w - self.cwx_before(k) / self.total_wx)
    }

    /// Largest over smallest value, with their input positions (the max/min ratio of
    /// county incomes in the plan). Needs `min > 0`.
    pub fn max_min_ratio(&self) -> Result<MaxMin> {
        let (min, max) = (self.min(), self.max());
        if min <= 0.0 {
            return Err(Error::invalid_value(
                format!("values[{}]", self.min_pos),
                min,
                "as the denominator of a max/min ratio (the minimum must be > 0)",
            ));
        }
        Ok(MaxMin {
            max,
            max_position: self.max_pos,
            min,
            min_position: self.min_pos,
            ratio: max / min,
        })
    }

    fn check_p(name: &str, p: f64) -> Result<()> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::invalid_argument(
                name,
                format!("a population fraction must be in [0, 1], got {p}"),
            ));
        }
        Ok(())
    }

    /// Quantile at `p ∈ [0, 1]` with the given convention (see [`QuantileMethod`]; Hyndman &
    /// Fan 1996). For the weighted types 1 and 2 the cumulative weight share is compared
    /// with `p` using a tolerance of `1e-12·W`, so that decimal weights such as 0.1 behave
    /// as their exact values (laeken compares exactly; the two differ only when a rounded
    /// cumulative sum lands within 1e-12 of `p`). `p = 0` gives the minimum, `p = 1` the
    /// maximum.
    pub fn quantile(&self, p: f64, method: QuantileMethod) -> Result<f64> {
        Self::check_p("p", p)?;
        let n = self.n;
        match method {
            QuantileMethod::Linear => {
                if !self.equal_weights {
                    return Err(Error::invalid_argument(
                        "method",
                        "the linear (type 7) quantile is defined for unweighted data only; \
                         use AveragedInvertedCdf or InvertedCdf with weights",
                    ));
                }
                let (j, frac) = linear_position(n as u64, p);
                let j = j as usize;
                Ok(linear_pick(self.x(j), frac, || self.x(j + 1)))
            }
            QuantileMethod::InvertedCdf | QuantileMethod::AveragedInvertedCdf => {
                if p == 0.0 {
                    return Ok(self.x(0));
                }
                if p == 1.0 {
                    return Ok(self.x(n - 1));
                }
                let (k, _, _, cum_k) = self.locate(weight_target(p, self.total_w));
                let next = (k + 1 < n).then(|| self.x(k + 1));
                Ok(weighted_pick(
                    method,
                    p,
                    self.total_w,
                    self.x(k),
                    cum_k,
                    next,
                ))
            }
        }
    }

    /// Weighted median (type 2, Eurostat convention).
    pub fn median(&self) -> Result<f64> {
        self.quantile(0.5, QuantileMethod::AveragedInvertedCdf)
    }

    /// Quantile ratio `Q(p_high) / Q(p_low)`, e.g. P90/P10 = `quantile_ratio(0.9, 0.1, …)`.
    /// Error when the denominator quantile is ≤ 0.
    pub fn quantile_ratio(&self, p_high: f64, p_low: f64, method: QuantileMethod) -> Result<f64> {
        let hi = self.quantile(p_high, method)?;
        let lo = self.quantile(p_low, method)?;
        if lo <= 0.0 {
            return Err(Error::invalid_value(
                format!("quantile at p = {p_low}"),
                lo,
                "as the denominator of a quantile ratio (must be > 0)",
            ));
        }
        Ok(hi / lo)
    }

    /// Lorenz ordinate `L(p)`: the share of the total held by the poorest fraction `p` of
    /// the population (by weight), the curve being linear inside each record, i.e. a record
    /// straddling `p` is split (Cowell 2011 §2.2; Lorenz 1905). `L(0) = 0`, `L(1) = 1`.
    /// Needs a positive total.
    pub fn lorenz(&self, p: f64) -> Result<f64> {
        Self::check_p("p", p)?;
        self.require_positive_mean("Lorenz curve")?;
        if let Some((d, _)) = self.rescaled() {
            return Ok(d.lorenz_unchecked(p));
        }
        Ok(self.lorenz_unchecked(p))
    }

    fn lorenz_unchecked(&self, p: f64) -> f64 {
        if p <= 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return 1.0;
        }
        let target = p * self.total_w;
        let (k, cw, cwx, _) = self.locate(target);
        let part = (target - cw).max(0.0);
        (cwx + part * self.x(k)) / self.total_wx
    }

    /// Share of the total held by the population slice between fractions `p_low` and
    /// `p_high` (ranked from the poorest): `L(p_high) − L(p_low)`.
    pub fn income_share(&self, p_low: f64, p_high: f64) -> Result<f64> {
        Self::check_p("p_low", p_low)?;
        Self::check_p("p_high", p_high)?;
        if p_low > p_high {
            return Err(Error::invalid_argument(
                "p_low",
                format!("must not exceed p_high ({p_low} > {p_high})"),
            ));
        }
        self.require_positive_mean("income share")?;
        if let Some((d, _)) = self.rescaled() {
            return Ok(d.lorenz_unchecked(p_high) - d.lorenz_unchecked(p_low));
        }
        Ok(self.lorenz_unchecked(p_high) - self.lorenz_unchecked(p_low))
    }

    fn share_ratio(&self, top: f64, bottom: f64, what: &str) -> Result<f64> {
        self.require_positive_mean(what)?;
        if let Some((d, _)) = self.rescaled() {
            return d.share_ratio(top, bottom, what);
        }
        let num = 1.0 - self.lorenz_unchecked(1.0 - top);
        let den = self.lorenz_unchecked(bottom);
        if den <= 0.0 {
            return Err(Error::invalid_value(
                format!("income share of the bottom {}%", bottom * 100.0),
                den,
                format!("as the denominator of the {what} (must be > 0)"),
            ));
        }
        Ok(num / den)
    }

    /// Palma ratio: income share of the top 10 % over that of the bottom 40 % (Palma 2011;
    /// Cobham & Sumner 2013), from the Lorenz curve.
    pub fn palma_ratio(&self) -> Result<f64> {
        self.share_ratio(0.1, 0.4, "Palma ratio")
    }

    /// S80/S20 from the Lorenz curve: `(1 − L(0.8)) / L(0.2)` (see [`ShareRatioMethod`]).
    pub fn s80_s20(&self) -> Result<f64> {
        self.share_ratio(0.2, 0.2, "S80/S20 ratio")
    }

    /// Quintile share ratio S80/S20 by the chosen method ([`ShareRatioMethod`]).
    pub fn quintile_share_ratio(&self, method: ShareRatioMethod) -> Result<f64> {
        match method {
            ShareRatioMethod::Lorenz => self.s80_s20(),
            ShareRatioMethod::Eurostat => {
                self.require_positive_mean("quintile share ratio")?;
                if let Some((d, _)) = self.rescaled() {
                    return d.quintile_share_ratio(method);
                }
                let q20 = self.quantile(0.2, QuantileMethod::AveragedInvertedCdf)?;
                let q80 = self.quantile(0.8, QuantileMethod::AveragedInvertedCdf)?;
                let k1 = self.count_below(q20, false);
                let k2 = self.count_below(q80, false);
                let sb = self.cwx_before(k1);
                let wt = self.total_w - self.cw_before(k2);
                let st = self.total_wx - self.cwx_before(k2);
                eurostat_qsr(sb, wt, st)
            }
        }
    }

    /// Weighted share of the population whose value lies in the band `[lower, upper)`
    /// ([`BandRule::HalfOpen`]) or `[lower, upper]` ([`BandRule::Closed`]). Bounds may be
    /// ±inf (a one-sided band) but not NaN, and `lower ≤ upper`.
    pub fn share_in_band(&self, lower: f64, upper: f64, rule: BandRule) -> Result<f64> {
        if lower.is_nan() || upper.is_nan() {
            return Err(Error::invalid_argument(
                "lower/upper",
                "band bounds must not be NaN",
            ));
        }
        if lower > upper {
            return Err(Error::invalid_argument(
                "lower",
                format!("the band's lower bound {lower} exceeds its upper bound {upper}"),
            ));
        }
        let a = self.count_below(lower, true);
        let b = match rule {
            BandRule::HalfOpen => self.count_below(upper, true),
            BandRule::Closed => self.count_below(upper, false),
        };
        Ok((self.cw_before(b) - self.cw_before(a)) / self.total_w)
    }

    /// Weighted share of the population strictly below `threshold`.
    pub fn share_below(&self, threshold: f64) -> Result<f64> {
        if threshold.is_nan() {
            return Err(Error::invalid_argument("threshold", "must not be NaN"));
        }
        let k = self.count_below(threshold, true);
        Ok(self.cw_before(k) / self.total_w)
    }

    /// At-risk-of-poverty threshold: 60 % of the weighted median (type 2) — Eurostat
    /// EU-SILC, laeken `arpt` (which reports the same number).
    pub fn at_risk_of_poverty_threshold(&self) -> Result<f64> {
        Ok(0.6 * self.median()?)
    }

    /// At-risk-of-poverty rate as a fraction: the weighted share of the population with
    /// a value strictly below [`at_risk_of_poverty_threshold`](Self::at_risk_of_poverty_threshold)
    /// (Eurostat ilc_li02; laeken `arpr` reports 100 × this).
    pub fn at_risk_of_poverty_rate(&self) -> Result<f64> {
        self.share_below(self.at_risk_of_poverty_threshold()?)
    }
}

/// Type 7 (Hyndman & Fan 1996): `h = (n−1)p` as the 0-based order statistic `⌊h⌋`
/// (at most `n − 1`) and the fraction `h − ⌊h⌋`. Shared by [`Distribution::quantile`] and
/// the partitioned plan (`rank.rs`), so both interpolate between the same records.
pub(crate) fn linear_position(n: u64, p: f64) -> (u64, f64) {
    let h = (n - 1) as f64 * p;
    let j = (h.floor() as u64).min(n - 1);
    (j, h - j as f64)
}

/// Type 7 value from `x_j`, the fraction, and `x_{j+1}` (asked for only when needed: the
/// fraction is > 0, which implies `j + 1 < n`).
///
/// `x_j + h(x_{j+1} − x_j)`, or `(1 − h)x_j + h·x_{j+1}` when the difference overflows
/// (finite values of opposite signs beyond ±9e307): a quantile of finite data lies
/// between them and is finite.
pub(crate) fn linear_pick(xj: f64, frac: f64, next: impl FnOnce() -> f64) -> f64 {
    if frac > 0.0 {
        let y = next();
        let d = y - xj;
        if d.is_finite() {
            xj + frac * d
        } else {
            (1.0 - frac) * xj + frac * y
        }
    } else {
        xj
    }
}

/// The cumulative weight to locate for the weighted types 1 and 2 at `0 < p < 1`: the
/// first record whose cumulative weight reaches `pW − 1e-12·W` (the tolerance under which
/// a cumulative share counts as equal to p; see [`Distribution::quantile`]).
pub(crate) fn weight_target(p: f64, total_w: f64) -> f64 {
    p * total_w - 1e-12 * total_w
}

/// The mean of two values, `(x + y)/2`, or `x/2 + y/2` when the sum overflows (two
/// finite values of the same sign beyond 9e307: their mean is finite).
pub(crate) fn midpoint(x: f64, y: f64) -> f64 {
    let s = x + y;
    if s.is_finite() {
        0.5 * s
    } else {
        0.5 * x + 0.5 * y
    }
}

/// Types 1 and 2 from the located record `x` with cumulative weight `cum` through it and
/// the next record's value (`None` for the last record): type 2 averages `x` and the next
/// value when `cum` equals `pW` within `1e-12·W`, type 1 (and type 2 otherwise) is `x`.
pub(crate) fn weighted_pick(
    method: QuantileMethod,
    p: f64,
    total_w: f64,
    x: f64,
    cum: f64,
    next: Option<f64>,
) -> f64 {
    let tol = 1e-12 * total_w;
    match (method, next) {
        (QuantileMethod::AveragedInvertedCdf, Some(y)) if (cum - p * total_w).abs() <= tol => {
            midpoint(x, y)
        }
        (
            QuantileMethod::AveragedInvertedCdf
            | QuantileMethod::InvertedCdf
            | QuantileMethod::Linear,
            _,
        ) => x,
    }
}

/// The Eurostat S80/S20 (laeken ≥ 0.5.0 `qsr`) from the income of the records at or below
/// q20 (`bottom_total`) and the weight and income of those above q80; the errors when a
/// group is empty or the bottom income is not positive. Shared by
/// [`Distribution::quintile_share_ratio`] and the partitioned plan.
pub(crate) fn eurostat_qsr(bottom_total: f64, top_weight: f64, top_total: f64) -> Result<f64> {
    if top_weight <= 0.0 {
        return Err(Error::Empty {
            context: "records above the 80th percentile (quintile share ratio)".into(),
        });
    }
    if bottom_total <= 0.0 {
        return Err(Error::invalid_value(
            "income of the records at or below the 20th percentile",
            bottom_total,
            "as the denominator of the quintile share ratio (must be > 0)",
        ));
    }
    Ok(top_total / bottom_total)
}

/// `x·2^k` for |k| ≤ 2046, in two steps by `2^(k/2)` and `2^(k − k/2)` (each a normal
/// number), so that scaling a subnormal value up by up to 2^1074, or a value near 1 down
/// into the subnormal range, is exact or rounded once (2^1074 itself is not a double; one
/// factor `2^k` overflowed to +inf for k > 1023, so the mean of subnormal data was NaN).
pub(crate) fn times_pow2(x: f64, k: i32) -> f64 {
    let half = k / 2;
    x * 2f64.powi(half) * 2f64.powi(k - half)
}

#[cfg(test)]
mod scan_tests {
    use super::*;

    /// The branch-free scan gives the record-by-record scan's answer (first positions of
    /// the extremes across blocks, −0.0 against +0.0, first non-positive and negative
    /// values, equal and unequal weights), and declines inputs it does not handle.
    #[test]
    fn clean_scan_matches_general_scan() {
        let n = 5 * SCAN_BLOCK + 3;
        let mut cases: Vec<Vec<f64>> = Vec::new();
        let base: Vec<f64> = (0..n).map(|i| ((i * 37) % 11) as f64 + 1.0).collect();
        cases.push(base.clone());
        let mut c = base.clone();
        c[3 * SCAN_BLOCK + 2] = -0.0; // minimum, as −0.0 …
        c[4 * SCAN_BLOCK + 1] = 0.0; // … and again as +0.0 in a later block
        c[n - 1] = -0.0;
        cases.push(c);
        let mut c = base.clone();
        c[SCAN_BLOCK + 5] = -3.0;
        c[2] = 0.0; // first non-positive before the first negative
        c[4 * SCAN_BLOCK] = -3.0;
        c[7] = 12.0;
        c[n - 2] = 12.0;
        cases.push(c);
        cases.push(vec![2.5; n]);
        cases.push(vec![-1.0]);
        for vals in &cases {
            let ws: Vec<f64> = (0..vals.len()).map(|i| 1.0 + (i % 3) as f64).collect();
            let eq = vec![0.25; vals.len()];
            for w in [None, Some(&ws[..]), Some(&eq[..])] {
                let a = scan_clean(vals, w).expect("clean input");
                let b = scan_general(vals, w, MissingPolicy::Error).unwrap();
                assert_eq!(
                    (a.n, a.n_missing, a.n_zero_weight, a.min_pos, a.max_pos),
                    (b.n, b.n_missing, b.n_zero_weight, b.min_pos, b.max_pos)
                );
                assert_eq!(a.min_v.to_bits(), b.min_v.to_bits());
                assert_eq!(a.max_v.to_bits(), b.max_v.to_bits());
                let bits = |o: Option<(usize, f64)>| o.map(|(i, v)| (i, v.to_bits()));
                assert_eq!(bits(a.first_negative), bits(b.first_negative));
                assert_eq!(bits(a.first_nonpositive), bits(b.first_nonpositive));
                assert_eq!(a.w0.to_bits(), b.w0.to_bits());
                assert_eq!(a.equal_weights, b.equal_weights);
            }
        }
        let ws = vec![1.0; n];
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut v = base.clone();
            v[n - 1] = bad;
            assert!(scan_clean(&v, None).is_none());
        }
        for bad in [0.0, -0.0, -1.0, f64::NAN, f64::INFINITY] {
            let mut w = ws.clone();
            w[n - 1] = bad;
            assert!(scan_clean(&base, Some(&w)).is_none());
        }
        assert!(scan_clean(&base, Some(&ws)).is_some());
    }
}
