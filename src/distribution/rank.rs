//! Rank-based measures (Gini, quantiles, Lorenz ordinates, Palma, S80/S20, band shares)
//! over data split into **range partitions**: partition `i` holds only values ≥ every value
//! of the non-empty partitions before it (ties may straddle a boundary — Spark's
//! `repartitionByRange` keeps equal values together, but nothing here relies on it).
//!
//! Two passes, and no record ever leaves its partition:
//! 1. each partition computes a [`RankPartition`] (count, Σw, Σwx, Σw², its own Gini
//!    cross-term `Σ wᵢxᵢ(2cᵢ₋₁ + wᵢ)` with the partition-local cumulative weight `c`, first
//!    and last value); the driver builds a [`RankPlan`] from them in partition order: the
//!    exact prefix sums of Σw give each partition its offset `O_p`, and the global Gini
//!    numerator is `Σ_p (g_p + 2·O_p·T_p) − W·T` (the sorted form of Cowell 2011 A.5 with
//!    `C_{i−1} = O_p + c_{i−1}`);
//! 2. for the quantiles and Lorenz ordinates, the driver turns the queries into
//!    [`Probe`]s addressed to the one partition whose cumulative-weight range holds `p·W`
//!    (or, for type 7, the order statistic); band shares probe every partition with an
//!    additive threshold sum. Each partition answers its probes with [`answer_probes`]
//!    (one sort of its own records, one scan) and the driver finishes with
//!    [`RankPlan::finish`].
//!
//! The definitions are those of [`Distribution`](super::Distribution), including its tie
//! conventions: the type-2 average takes the next record's value from the next non-empty
//! partition's first value when the hit is a partition's last record; type-1/2 hits are
//! tested with the tolerance `1e-12·W`; `p = 0` and `p = 1` give the minimum and maximum.
//! Inside a partition the running sums are compensated (Neumaier), and the partition
//! totals are merged with an exact accumulator, so the results carry an error of a few ε
//! whatever the number of records or partitions. The single-machine `Distribution` sums
//! plainly in sorted order; at 10⁶ records its Gini and Lorenz shares drift from the exact
//! value by up to ~1e-11 relative (measured in `tests/distribution_merge.rs`), which bounds
//! the agreement of the two. Quantiles select a record and agree exactly.

use super::dist::{classify_record, MissingPolicy, QuantileMethod, RecordUse};
use super::exact::{seal, unseal, ExactSum, Reader};
use crate::error::{Error, Result};

/// A running sum with Neumaier's compensation (Neumaier 1974, *ZAMM* 54; Higham 2002,
/// *Accuracy and Stability of Numerical Algorithms* §4.3): error ≤ 2ε|S| + O(nε²)Σ|x|,
/// i.e. independent of n to first order, where a plain running sum's bound is (n−1)ε Σ|x|.
#[derive(Debug, Clone, Copy, Default)]
struct Nsum {
    hi: f64,
    lo: f64,
}

impl Nsum {
    fn new(x: f64) -> Self {
        Nsum { hi: x, lo: 0.0 }
    }
    #[inline]
    fn add(&mut self, x: f64) {
        let t = self.hi + x;
        if self.hi.abs() >= x.abs() {
            self.lo += (self.hi - t) + x;
        } else {
            self.lo += (x - t) + self.hi;
        }
        self.hi = t;
    }
    #[inline]
    fn value(&self) -> f64 {
        self.hi + self.lo
    }
}

/// Serialisation kind of a [`RankPartition`].
pub(crate) const KIND_RANK_PARTITION: u16 = 2;

/// Pass-1 summary of one range partition (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct RankPartition {
    n: u64,
    n_missing: u64,
    n_zero_weight: u64,
    sw: f64,
    swx: f64,
    sw2: f64,
    /// `Σ wᵢxᵢ(2cᵢ₋₁ + wᵢ)` with the partition-local cumulative weight.
    gini_term: f64,
    first: f64,
    last: f64,
    w0: f64,
    equal_weights: bool,
}

/// Sorted kept records, number missing, number with weight 0.
type Kept = (Vec<(f64, f64)>, u64, u64);

/// The kept records of a partition in ascending order of value, with the partition's
/// missing and zero-weight counts. Validation as [`Distribution`](super::Distribution).
fn sorted_records(values: &[f64], weights: Option<&[f64]>, policy: MissingPolicy) -> Result<Kept> {
    if let Some(w) = weights {
        if w.len() != values.len() {
            return Err(Error::length_mismatch(
                "weights vs values",
                values.len(),
                w.len(),
            ));
        }
    }
    let mut recs = Vec::with_capacity(values.len());
    let (mut n_missing, mut n_zero) = (0u64, 0u64);
    for (i, &v) in values.iter().enumerate() {
        let w = weights.map_or(1.0, |w| w[i]);
        match classify_record(i, v, w, policy)? {
            RecordUse::Missing => {
                n_missing += 1;
                continue;
            }
            RecordUse::ZeroWeight => {
                n_zero += 1;
                continue;
            }
            RecordUse::Kept => {}
        }
        recs.push((v + 0.0, w));
    }
    // Already sorted in the Spark pipeline (sortWithinPartitions): the stable sort detects the
    // sorted run in O(n).
    recs.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok((recs, n_missing, n_zero))
}

impl RankPartition {
    /// Pass 1 for one partition's records (any order inside the partition; `weights =
    /// None` = every weight 1). Validation and the missing-value policy as
    /// [`Distribution::with_policy`](super::Distribution::with_policy), except that a
    /// partition without kept records is fine (an empty partition).
    pub fn from_records(
        values: &[f64],
        weights: Option<&[f64]>,
        policy: MissingPolicy,
    ) -> Result<Self> {
        let (recs, n_missing, n_zero_weight) = sorted_records(values, weights, policy)?;
        let (mut c, mut s, mut w2, mut g) =
            (Nsum::default(), Nsum::default(), 0.0f64, Nsum::default());
        let mut w0 = f64::NAN;
        let mut equal = true;
        for &(x, w) in &recs {
            let wx = w * x;
            // wx (2 c + w) with the compensated c = hi + lo
            g.add(wx * (2.0 * c.hi + w));
            g.add(wx * (2.0 * c.lo));
            c.add(w);
            s.add(wx);
            w2 += w * w;
            if w0.is_nan() {
                w0 = w;
            } else if w != w0 {
                equal = false;
            }
        }
        let (c, s, g) = (c.value(), s.value(), g.value());
        if !(c.is_finite() && s.is_finite() && g.is_finite()) {
            return Err(Error::invalid_value(
                "values",
                s,
                "as a partition's weighted total (the sums overflow the f64 range)",
            ));
        }
        Ok(RankPartition {
            n: recs.len() as u64,
            n_missing,
            n_zero_weight,
            sw: c,
            swx: s,
            sw2: w2,
            gini_term: g,
            first: recs.first().map_or(f64::NAN, |r| r.0),
            last: recs.last().map_or(f64::NAN, |r| r.0),
            w0,
            equal_weights: equal,
        })
    }

    /// Number of kept records.
    pub fn n(&self) -> u64 {
        self.n
    }
    /// Total weight of the partition.
    pub fn total_weight(&self) -> f64 {
        self.sw
    }
    /// Smallest kept value (NaN when the partition is empty).
    pub fn first(&self) -> f64 {
        self.first
    }
    /// Largest kept value (NaN when the partition is empty).
    pub fn last(&self) -> f64 {
        self.last
    }

    /// Serialises the partition summary in the `CPXD` envelope (little-endian, CRC-32).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(96);
        for c in [self.n, self.n_missing, self.n_zero_weight] {
            p.extend_from_slice(&c.to_le_bytes());
        }
        for f in [
            self.sw,
            self.swx,
            self.sw2,
            self.gini_term,
            self.first,
            self.last,
            self.w0,
        ] {
            p.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        p.push(self.equal_weights as u8);
        seal(KIND_RANK_PARTITION, &p)
    }

    /// Reads what [`to_bytes`](Self::to_bytes) wrote; a truncated, corrupt, foreign or
    /// inconsistent buffer is [`Error::InvalidArgument`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let payload = unseal(bytes, KIND_RANK_PARTITION, "rank partition summary")?;
        let mut r = Reader::new(payload, "rank partition summary");
        let (n, n_missing, n_zero_weight) = (r.u64()?, r.u64()?, r.u64()?);
        let mut f = [0.0; 7];
        for v in f.iter_mut() {
            *v = r.f64()?;
        }
        let equal_weights = match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err(r.corrupt("the equal-weights flag is not 0 or 1")),
        };
        if !r.done() {
            return Err(r.corrupt("bytes left over after the last field"));
        }
        let [sw, swx, sw2, gini_term, first, last, w0] = f;
        let ok = if n == 0 {
            sw == 0.0 && swx == 0.0 && first.is_nan() && last.is_nan()
        } else {
            sw > 0.0
                && [sw, swx, sw2, gini_term, first, last, w0]
                    .iter()
                    .all(|v| v.is_finite())
                && first <= last
                && w0 > 0.0
        };
        if !ok {
            return Err(r.corrupt("the sums and extremes are inconsistent"));
        }
        Ok(RankPartition {
            n,
            n_missing,
            n_zero_weight,
            sw,
            swx,
            sw2,
            gini_term,
            first,
            last,
            w0,
            equal_weights,
        })
    }
}

/// A rank-based query, finished by [`RankPlan::finish`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RankQuery {
    /// Quantile at `p` with the given Hyndman–Fan type.
    Quantile(f64, QuantileMethod),
    /// Lorenz ordinate `L(p)`.
    Lorenz(f64),
    /// Income share of the population slice `(p_low, p_high)`: `L(p_high) − L(p_low)`.
    IncomeShare(f64, f64),
    /// Palma ratio `(1 − L(0.9)) / L(0.4)`.
    Palma,
    /// S80/S20 from the Lorenz curve, `(1 − L(0.8)) / L(0.2)`.
    S80S20,
    /// Weighted share of the population with `lower ≤ x < upper` (half-open band; ±inf
    /// allowed).
    BandShare(f64, f64),
    /// Weighted share of the population strictly below the threshold.
    ShareBelow(f64),
    /// Gini coefficient (pass 1 alone; no probe).
    Gini,
    /// Corrected Gini (pass 1 alone; no probe).
    GiniCorrected,
    /// Weighted mean (pass 1 alone; no probe).
    Mean,
}

/// What a [`Probe`] asks of its partition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ProbeKind {
    /// The first record whose global cumulative weight (through it) is ≥ the argument, or
    /// the partition's last record.
    Weight,
    /// The record with the given 0-based rank inside the partition.
    Rank,
    /// The partition's total weight of records strictly below the argument.
    Below,
}

/// One question for one partition in pass 2 (see [`RankPlan::probes`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probe {
    /// Index of the partition (in the order given to [`RankPlan::new`]).
    pub partition: usize,
    /// What is asked.
    pub kind: ProbeKind,
    /// The target: a global cumulative weight, a rank inside the partition, or a threshold.
    pub arg: f64,
    /// The partition's offset: the total weight of the partitions before it.
    pub offset_w: f64,
    /// The total weighted value of the partitions before it.
    pub offset_wx: f64,
}

/// The answer to a [`Probe`]: `[x_k, x_{k+1} (NaN if k is the partition's last record),
/// C_{k−1}, S_{k−1}, C_k]` for `Weight`/`Rank` (global cumulative weight and weighted value
/// before and through the record `k`), `[Σw below, 0, 0, 0, 0]` for `Below`.
pub type ProbeAnswer = [f64; 5];

/// Pass 2 inside one partition: answers every probe addressed to it (the caller passes only
/// those). Reads the partition's records exactly as [`RankPartition::from_records`] does.
pub fn answer_probes(
    values: &[f64],
    weights: Option<&[f64]>,
    policy: MissingPolicy,
    probes: &[Probe],
) -> Result<Vec<ProbeAnswer>> {
    let (recs, _, _) = sorted_records(values, weights, policy)?;
    let mut out = Vec::with_capacity(probes.len());
    for pr in probes {
        let ans = match pr.kind {
            ProbeKind::Below => {
                let k = recs.partition_point(|r| r.0 < pr.arg);
                let mut below = Nsum::default();
                for r in &recs[..k] {
                    below.add(r.1);
                }
                let below = below.value();
                [below, 0.0, 0.0, 0.0, 0.0]
            }
            ProbeKind::Weight | ProbeKind::Rank => {
                if recs.is_empty() {
                    return Err(Error::invalid_argument(
                        "probes",
                        "a probe addressed an empty partition (the partitions changed between \
                         the two passes: persist the partitioned data before pass 1)",
                    ));
                }
                let (mut c, mut s) = (Nsum::new(pr.offset_w), Nsum::new(pr.offset_wx));
                let mut k = 0usize;
                let rank = pr.arg as usize;
                if pr.kind == ProbeKind::Rank && (pr.arg < 0.0 || rank >= recs.len()) {
                    return Err(Error::invalid_argument(
                        "probes",
                        format!(
                            "rank {} is outside the partition's {} records (the partitions \
                             changed between the two passes)",
                            pr.arg,
                            recs.len()
                        ),
                    ));
                }
                loop {
                    let (x, w) = recs[k];
                    let mut c2 = c;
                    c2.add(w);
                    let stop = match pr.kind {
                        ProbeKind::Rank => k == rank,
                        _ => c2.value() >= pr.arg,
                    };
                    if stop || k + 1 == recs.len() {
                        let next = recs.get(k + 1).map_or(f64::NAN, |r| r.0);
                        break [x, next, c.value(), s.value(), c2.value()];
                    }
                    c = c2;
                    s.add(w * x);
                    k += 1;
                }
            }
        };
        out.push(ans);
    }
    Ok(out)
}

/// The driver's view after pass 1: the partitions in range order with their offsets.
#[derive(Debug, Clone)]
pub struct RankPlan {
    parts: Vec<RankPartition>,
    /// Exact prefix sums: `offsets[p]` = (Σw, Σwx, Σn) of the partitions before `p`.
    offsets: Vec<(f64, f64, u64)>,
    total_w: f64,
    total_wx: f64,
    sum_w2: f64,
    gini_num: f64,
    n: u64,
    n_missing: u64,
    n_zero_weight: u64,
    equal_weights: bool,
    min: f64,
    max: f64,
}

impl RankPlan {
    /// Builds the plan from the pass-1 summaries **in range order**. Error when a
    /// non-empty partition starts below the previous non-empty one's last value (the data
    /// were not range-partitioned), or when no partition has a record.
    pub fn new(parts: Vec<RankPartition>) -> Result<Self> {
        let mut offsets = Vec::with_capacity(parts.len());
        let (mut sw, mut swx, mut sw2, mut g) = (
            ExactSum::default(),
            ExactSum::default(),
            ExactSum::default(),
            ExactSum::default(),
        );
        let (mut n, mut n_missing, mut n_zero) = (0u64, 0u64, 0u64);
        let mut prev_last = f64::NEG_INFINITY;
        let mut w0 = f64::NAN;
        let mut equal = true;
        for (i, p) in parts.iter().enumerate() {
            let (ow, owx) = (sw.value(), swx.value());
            offsets.push((ow, owx, n));
            n_missing += p.n_missing;
            n_zero += p.n_zero_weight;
            if p.n == 0 {
                continue;
            }
            if p.first < prev_last {
                return Err(Error::invalid_argument(
                    "partitions",
                    format!(
                        "partition {i} starts at {} below the previous partition's last value \
                         {prev_last}: the data are not range-partitioned by value \
                         (repartitionByRange, then keep the partition order)",
                        p.first
                    ),
                ));
            }
            prev_last = p.last;
            // Gini numerator: Σ wx (2C_{i−1} + w) with C_{i−1} = O_p + c_{i−1}
            g.add(p.gini_term);
            let cross = 2.0 * ow * p.swx;
            g.add(cross);
            sw.add(p.sw);
            swx.add(p.swx);
            sw2.add(p.sw2);
            n += p.n;
            if w0.is_nan() {
                w0 = p.w0;
                equal = p.equal_weights;
            } else {
                equal &= p.equal_weights && p.w0 == w0;
            }
        }
        if n == 0 {
            return Err(Error::Empty {
                context: format!(
                    "values (no record with a value and a positive weight in {} partitions)",
                    parts.len()
                ),
            });
        }
        let (total_w, total_wx) = (sw.value(), swx.value());
        // − W·T, added exactly as the product's rounded value
        g.add(-(total_w * total_wx));
        let min = parts.iter().find(|p| p.n > 0).map_or(f64::NAN, |p| p.first);
        let max = parts
            .iter()
            .rev()
            .find(|p| p.n > 0)
            .map_or(f64::NAN, |p| p.last);
        Ok(RankPlan {
            parts,
            offsets,
            total_w,
            total_wx,
            sum_w2: sw2.value(),
            gini_num: g.value(),
            n,
            n_missing,
            n_zero_weight: n_zero,
            equal_weights: equal,
            min,
            max,
        })
    }

    /// Number of kept records over all partitions.
    pub fn n(&self) -> u64 {
        self.n
    }
    /// Missing values dropped (under [`MissingPolicy::Skip`]).
    pub fn n_missing(&self) -> u64 {
        self.n_missing
    }
    /// Records dropped for weight 0.
    pub fn n_zero_weight(&self) -> u64 {
        self.n_zero_weight
    }
    /// Total weight.
    pub fn total_weight(&self) -> f64 {
        self.total_w
    }
    /// Total weighted value.
    pub fn total(&self) -> f64 {
        self.total_wx
    }
    /// Weighted mean.
    pub fn mean(&self) -> f64 {
        self.total_wx / self.total_w
    }
    /// Smallest value.
    pub fn min(&self) -> f64 {
        self.min
    }
    /// Largest value.
    pub fn max(&self) -> f64 {
        self.max
    }

    fn positive_mean(&self, what: &str) -> Result<f64> {
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

    /// Gini coefficient, as [`Distribution::gini`](super::Distribution::gini), from pass 1
    /// alone.
    pub fn gini(&self) -> Result<f64> {
        self.positive_mean("Gini coefficient")?;
        Ok(self.gini_num / (self.total_w * self.total_wx))
    }

    /// Corrected Gini, as [`Distribution::gini_corrected`](super::Distribution::gini_corrected).
    pub fn gini_corrected(&self) -> Result<f64> {
        let g = self.gini()?;
        let sf2 = self.sum_w2 / (self.total_w * self.total_w);
        if self.n < 2 || 1.0 - sf2 <= 0.0 {
            return Err(Error::invalid_argument(
                "corrected",
                "the small-sample correction needs at least two records with positive weight",
            ));
        }
        let factor = if self.equal_weights {
            let n = self.n as f64;
            n / (n - 1.0)
        } else {
            1.0 / (1.0 - sf2)
        };
        Ok(g * factor)
    }

    /// The partition holding global cumulative weight `target`: the first non-empty one
    /// whose cumulative range reaches it, else the last non-empty one.
    fn partition_for_weight(&self, target: f64) -> usize {
        let mut last = 0;
        for (i, p) in self.parts.iter().enumerate() {
            if p.n == 0 {
                continue;
            }
            last = i;
            if self.offsets[i].0 + p.sw >= target {
                return i;
            }
        }
        last
    }

    fn partition_for_rank(&self, rank: u64) -> (usize, u64) {
        let mut last = (0, 0);
        for (i, p) in self.parts.iter().enumerate() {
            if p.n == 0 {
                continue;
            }
            let o = self.offsets[i].2;
            last = (i, rank.saturating_sub(o).min(p.n - 1));
            if rank < o + p.n {
                return (i, rank - o);
            }
        }
        last
    }

    /// The first value of the first non-empty partition after `p`.
    fn next_first(&self, p: usize) -> Option<f64> {
        self.parts[p + 1..]
            .iter()
            .find(|q| q.n > 0)
            .map(|q| q.first)
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

    fn validate(&self, q: &RankQuery) -> Result<()> {
        match *q {
            RankQuery::Quantile(p, m) => {
                Self::check_p("p", p)?;
                if m == QuantileMethod::Linear && !self.equal_weights {
                    return Err(Error::invalid_argument(
                        "method",
                        "the linear (type 7) quantile is defined for unweighted data only; \
                         use AveragedInvertedCdf or InvertedCdf with weights",
                    ));
                }
            }
            RankQuery::Lorenz(p) => Self::check_p("p", p)?,
            RankQuery::IncomeShare(a, b) => {
                Self::check_p("p_low", a)?;
                Self::check_p("p_high", b)?;
                if a > b {
                    return Err(Error::invalid_argument(
                        "p_low",
                        format!("must not exceed p_high ({a} > {b})"),
                    ));
                }
            }
            RankQuery::Palma
            | RankQuery::S80S20
            | RankQuery::Gini
            | RankQuery::GiniCorrected
            | RankQuery::Mean => {}
            RankQuery::BandShare(lo, hi) => {
                if lo.is_nan() || hi.is_nan() {
                    return Err(Error::invalid_argument(
                        "lower/upper",
                        "band bounds must not be NaN",
                    ));
                }
                if lo > hi {
                    return Err(Error::invalid_argument(
                        "lower",
                        format!("the band's lower bound {lo} exceeds its upper bound {hi}"),
                    ));
                }
            }
            RankQuery::ShareBelow(t) => {
                if t.is_nan() {
                    return Err(Error::invalid_argument("threshold", "must not be NaN"));
                }
            }
        }
        Ok(())
    }

    fn weight_probe(&self, target: f64, out: &mut Vec<Probe>) {
        let p = self.partition_for_weight(target);
        out.push(Probe {
            partition: p,
            kind: ProbeKind::Weight,
            arg: target,
            offset_w: self.offsets[p].0,
            offset_wx: self.offsets[p].1,
        });
    }

    fn below_probes(&self, t: f64, out: &mut Vec<Probe>) {
        for (i, p) in self.parts.iter().enumerate() {
            // a partition entirely below or entirely at/above t needs no visit
            if p.n > 0 && p.first < t && p.last >= t {
                out.push(Probe {
                    partition: i,
                    kind: ProbeKind::Below,
                    arg: t,
                    offset_w: self.offsets[i].0,
                    offset_wx: self.offsets[i].1,
                });
            }
        }
    }

    fn lorenz_probe(&self, p: f64, out: &mut Vec<Probe>) {
        if p > 0.0 && p < 1.0 {
            self.weight_probe(p * self.total_w, out);
        }
    }

    fn expand(&self, q: &RankQuery, out: &mut Vec<Probe>) {
        match *q {
            RankQuery::Quantile(p, m) => match m {
                QuantileMethod::Linear => {
                    let h = (self.n - 1) as f64 * p;
                    let j = (h.floor() as u64).min(self.n - 1);
                    let (part, local) = self.partition_for_rank(j);
                    out.push(Probe {
                        partition: part,
                        kind: ProbeKind::Rank,
                        arg: local as f64,
                        offset_w: self.offsets[part].0,
                        offset_wx: self.offsets[part].1,
                    });
                }
                QuantileMethod::InvertedCdf | QuantileMethod::AveragedInvertedCdf => {
                    if p > 0.0 && p < 1.0 {
                        self.weight_probe(p * self.total_w - 1e-12 * self.total_w, out);
                    }
                }
            },
            RankQuery::Lorenz(p) => self.lorenz_probe(p, out),
            RankQuery::IncomeShare(a, b) => {
                self.lorenz_probe(b, out);
                self.lorenz_probe(a, out);
            }
            RankQuery::Palma => {
                self.lorenz_probe(0.9, out);
                self.lorenz_probe(0.4, out);
            }
            RankQuery::S80S20 => {
                self.lorenz_probe(0.8, out);
                self.lorenz_probe(0.2, out);
            }
            RankQuery::BandShare(lo, hi) => {
                self.below_probes(hi, out);
                self.below_probes(lo, out);
            }
            RankQuery::ShareBelow(t) => self.below_probes(t, out),
            RankQuery::Gini | RankQuery::GiniCorrected | RankQuery::Mean => {}
        }
    }

    /// Pass 2's questions for `queries`, each addressed to one partition. Send each
    /// partition the probes with its index, answer them with [`answer_probes`], and give
    /// all the answers back, in the order of this list, to [`finish`](Self::finish).
    pub fn probes(&self, queries: &[RankQuery]) -> Result<Vec<Probe>> {
        let mut out = Vec::new();
        for q in queries {
            self.validate(q)?;
            self.expand(q, &mut out);
        }
        Ok(out)
    }

    /// Finishes the queries from the answers to [`probes`](Self::probes) (same `queries`,
    /// answers in the order of the probes).
    pub fn finish(&self, queries: &[RankQuery], answers: &[ProbeAnswer]) -> Result<Vec<f64>> {
        let probes = self.probes(queries)?;
        if answers.len() != probes.len() {
            return Err(Error::length_mismatch(
                "answers vs probes",
                probes.len(),
                answers.len(),
            ));
        }
        let mut cur = 0usize;
        let mut out = Vec::with_capacity(queries.len());
        for q in queries {
            let mut mine = Vec::new();
            self.expand(q, &mut mine);
            let ans = &answers[cur..cur + mine.len()];
            cur += mine.len();
            out.push(self.finish_one(q, &mine, ans)?);
        }
        Ok(out)
    }

    fn lorenz_from(&self, p: f64, probes: &[Probe], ans: &[ProbeAnswer], i: &mut usize) -> f64 {
        if p <= 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return 1.0;
        }
        let target = probes[*i].arg;
        let [x, _, cw, cwx, _] = ans[*i];
        *i += 1;
        let part = (target - cw).max(0.0);
        (cwx + part * x) / self.total_wx
    }

    fn below_from(&self, t: f64, probes: &[Probe], ans: &[ProbeAnswer], i: &mut usize) -> f64 {
        // whole partitions below t, plus the probed partitions' partial sums
        let mut acc = ExactSum::default();
        for p in self.parts.iter().filter(|p| p.n > 0 && p.last < t) {
            acc.add(p.sw);
        }
        let mut expected = Vec::new();
        self.below_probes(t, &mut expected);
        for _ in 0..expected.len() {
            debug_assert!(probes[*i].kind == ProbeKind::Below && probes[*i].arg == t);
            acc.add(ans[*i][0]);
            *i += 1;
        }
        acc.value()
    }

    fn finish_one(&self, q: &RankQuery, probes: &[Probe], ans: &[ProbeAnswer]) -> Result<f64> {
        let mut i = 0usize;
        match *q {
            RankQuery::Quantile(p, m) => match m {
                QuantileMethod::Linear => {
                    let n = self.n;
                    let h = (n - 1) as f64 * p;
                    let j = (h.floor() as u64).min(n - 1);
                    let frac = h - j as f64;
                    let [xj, next, ..] = ans[0];
                    if j + 1 < n && frac > 0.0 {
                        let next = if next.is_nan() {
                            self.next_first(probes[0].partition)
                                .expect("a later record exists")
                        } else {
                            next
                        };
                        Ok(xj + frac * (next - xj))
                    } else {
                        Ok(xj)
                    }
                }
                QuantileMethod::InvertedCdf | QuantileMethod::AveragedInvertedCdf => {
                    if p == 0.0 {
                        return Ok(self.min);
                    }
                    if p == 1.0 {
                        return Ok(self.max);
                    }
                    let target = p * self.total_w;
                    let tol = 1e-12 * self.total_w;
                    let [x, next, _, _, cum_k] = ans[0];
                    let next = if next.is_nan() {
                        self.next_first(probes[0].partition)
                    } else {
                        Some(next)
                    };
                    match (m, next) {
                        (QuantileMethod::AveragedInvertedCdf, Some(y))
                            if (cum_k - target).abs() <= tol =>
                        {
                            Ok(0.5 * (x + y))
                        }
                        _ => Ok(x),
                    }
                }
            },
            RankQuery::Lorenz(p) => {
                self.positive_mean("Lorenz curve")?;
                Ok(self.lorenz_from(p, probes, ans, &mut i))
            }
            RankQuery::IncomeShare(a, b) => {
                self.positive_mean("income share")?;
                let hi = self.lorenz_from(b, probes, ans, &mut i);
                let lo = self.lorenz_from(a, probes, ans, &mut i);
                Ok(hi - lo)
            }
            RankQuery::Palma | RankQuery::S80S20 => {
                let (top, bottom, what) = if *q == RankQuery::Palma {
                    (0.1, 0.4, "Palma ratio")
                } else {
                    (0.2, 0.2, "S80/S20 ratio")
                };
                self.positive_mean(what)?;
                let num = 1.0 - self.lorenz_from(1.0 - top, probes, ans, &mut i);
                let den = self.lorenz_from(bottom, probes, ans, &mut i);
                if den <= 0.0 {
                    return Err(Error::invalid_value(
                        format!("income share of the bottom {}%", bottom * 100.0),
                        den,
                        format!("as the denominator of the {what} (must be > 0)"),
                    ));
                }
                Ok(num / den)
            }
            RankQuery::BandShare(lo, hi) => {
                let b = self.below_from(hi, probes, ans, &mut i);
                let a = self.below_from(lo, probes, ans, &mut i);
                Ok((b - a) / self.total_w)
            }
            RankQuery::ShareBelow(t) => Ok(self.below_from(t, probes, ans, &mut i) / self.total_w),
            RankQuery::Gini => self.gini(),
            RankQuery::GiniCorrected => self.gini_corrected(),
            RankQuery::Mean => Ok(self.mean()),
        }
    }
}
