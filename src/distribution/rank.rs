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
//! whatever the number of records or partitions. The single-machine `Distribution` uses
//! blocked compensated sums (plain inside blocks of 32 records), also independent of n:
//! the two agree to 1e-12 relative (tested in `tests/distribution_merge.rs` at 10⁶
//! records, with an exact Shewchuk sum as the referee). Quantiles select a record and
//! agree exactly.

use super::decompose::{dagum_from_groups, DagumGroup, GiniDecomposition};
use super::dist::{
    classify_record, eurostat_qsr, linear_pick, linear_position, weight_target, weighted_pick,
    MissingPolicy, QuantileMethod, RecordUse,
};
use super::exact::{seal, unseal, ExactSum, Nsum, Reader};
use crate::error::{Error, Result};

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
    /// Total weight `W` (pass 1 alone).
    TotalWeight,
    /// Total weighted value `Σ wᵢxᵢ` (pass 1 alone).
    Total,
    /// Smallest value (pass 1 alone).
    Min,
    /// Largest value (pass 1 alone).
    Max,
    /// Largest over smallest value (pass 1 alone; needs the minimum > 0).
    MaxMinRatio,
    /// Hoover index `F(μ⁻) − L(F(μ⁻))`: one round of [`ProbeKind::Below`] probes at the
    /// mean, which pass 1 already gives.
    Hoover,
    /// S80/S20 by the Eurostat EU-SILC rule (laeken ≥ 0.5.0 `qsr`): total income of the
    /// records above the type-2 `q80` over that of the records at or below `q20`. Two rounds:
    /// the two quintiles, then [`ProbeKind::AtMost`] sums at each of them.
    QuintileShareRatioEurostat,
    /// At-risk-of-poverty threshold, 60 % of the type-2 median (one round).
    AtRiskOfPovertyThreshold,
    /// At-risk-of-poverty rate: the population share strictly below the threshold. Two
    /// rounds: the median, then [`ProbeKind::Below`] sums at 0.6 × the median.
    AtRiskOfPovertyRate,
}

/// What a [`Probe`] asks of its partition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ProbeKind {
    /// The first record whose global cumulative weight (through it) is ≥ the argument, or
    /// the partition's last record.
    Weight,
    /// The record with the given 0-based rank inside the partition.
    Rank,
    /// The partition's total weight and weighted value of the records strictly below the
    /// argument.
    Below,
    /// The partition's total weight and weighted value of the records at or below the
    /// argument.
    AtMost,
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
/// before and through the record `k`), `[Σw, Σwx, 0, 0, 0]` of the partition's records
/// below (`Below`) or at or below (`AtMost`) the threshold.
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
            ProbeKind::Below | ProbeKind::AtMost => {
                let k = if pr.kind == ProbeKind::Below {
                    recs.partition_point(|r| r.0 < pr.arg)
                } else {
                    recs.partition_point(|r| r.0 <= pr.arg)
                };
                let (mut w, mut wx) = (Nsum::default(), Nsum::default());
                for &(x, wi) in &recs[..k] {
                    w.add(wi);
                    wx.add(wi * x);
                }
                [w.value(), wx.value(), 0.0, 0.0, 0.0]
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
            | RankQuery::Mean
            | RankQuery::TotalWeight
            | RankQuery::Total
            | RankQuery::Min
            | RankQuery::Max
            | RankQuery::MaxMinRatio
            | RankQuery::Hoover
            | RankQuery::QuintileShareRatioEurostat
            | RankQuery::AtRiskOfPovertyThreshold
            | RankQuery::AtRiskOfPovertyRate => {}
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

    /// Whether a partition lies wholly inside the threshold sum: every record `< t`
    /// (`Below`) or `≤ t` (`AtMost`).
    fn wholly_below(p: &RankPartition, kind: ProbeKind, t: f64) -> bool {
        p.n > 0
            && match kind {
                ProbeKind::AtMost => p.last <= t,
                ProbeKind::Below | ProbeKind::Weight | ProbeKind::Rank => p.last < t,
            }
    }

    /// Threshold probes (`kind` is `Below` or `AtMost`) for the partitions that straddle `t`.
    fn below_probes(&self, kind: ProbeKind, t: f64, out: &mut Vec<Probe>) {
        for (i, p) in self.parts.iter().enumerate() {
            // a partition entirely inside or entirely outside the sum needs no visit
            let starts_inside = match kind {
                ProbeKind::AtMost => p.first <= t,
                ProbeKind::Below | ProbeKind::Weight | ProbeKind::Rank => p.first < t,
            };
            if p.n > 0 && starts_inside && !Self::wholly_below(p, kind, t) {
                out.push(Probe {
                    partition: i,
                    kind,
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

    fn quantile_probe(&self, p: f64, m: QuantileMethod, out: &mut Vec<Probe>) {
        match m {
            QuantileMethod::Linear => {
                let (j, _) = linear_position(self.n, p);
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
                    self.weight_probe(weight_target(p, self.total_w), out);
                }
            }
        }
    }

    /// The probes of query `q` in round `round`, given its answers of the earlier rounds
    /// (`hist`). Round 0 needs only pass 1; a query whose thresholds are themselves
    /// quantiles (ARPR, the Eurostat QSR) asks a second round at the thresholds found.
    fn expand(
        &self,
        q: &RankQuery,
        round: usize,
        hist: &[(Probe, ProbeAnswer)],
        out: &mut Vec<Probe>,
    ) {
        const MEDIAN: QuantileMethod = QuantileMethod::AveragedInvertedCdf;
        match (round, *q) {
            (0, RankQuery::Quantile(p, m)) => self.quantile_probe(p, m, out),
            (0, RankQuery::Lorenz(p)) => self.lorenz_probe(p, out),
            (0, RankQuery::IncomeShare(a, b)) => {
                self.lorenz_probe(b, out);
                self.lorenz_probe(a, out);
            }
            (0, RankQuery::Palma) => {
                self.lorenz_probe(0.9, out);
                self.lorenz_probe(0.4, out);
            }
            (0, RankQuery::S80S20) => {
                self.lorenz_probe(0.8, out);
                self.lorenz_probe(0.2, out);
            }
            (0, RankQuery::BandShare(lo, hi)) => {
                self.below_probes(ProbeKind::Below, hi, out);
                self.below_probes(ProbeKind::Below, lo, out);
            }
            (0, RankQuery::ShareBelow(t)) => self.below_probes(ProbeKind::Below, t, out),
            (0, RankQuery::Hoover) => self.below_probes(ProbeKind::Below, self.mean(), out),
            (0, RankQuery::QuintileShareRatioEurostat) => {
                self.quantile_probe(0.2, MEDIAN, out);
                self.quantile_probe(0.8, MEDIAN, out);
            }
            (0, RankQuery::AtRiskOfPovertyThreshold | RankQuery::AtRiskOfPovertyRate) => {
                self.quantile_probe(0.5, MEDIAN, out)
            }
            (1, RankQuery::QuintileShareRatioEurostat) => {
                let q20 = self.quantile_value(0.2, MEDIAN, &hist[..1]);
                let q80 = self.quantile_value(0.8, MEDIAN, &hist[1..2]);
                self.below_probes(ProbeKind::AtMost, q20, out);
                self.below_probes(ProbeKind::AtMost, q80, out);
            }
            (1, RankQuery::AtRiskOfPovertyRate) => {
                let t = 0.6 * self.quantile_value(0.5, MEDIAN, &hist[..1]);
                self.below_probes(ProbeKind::Below, t, out);
            }
            (
                _,
                RankQuery::Quantile(..)
                | RankQuery::Lorenz(_)
                | RankQuery::IncomeShare(..)
                | RankQuery::Palma
                | RankQuery::S80S20
                | RankQuery::BandShare(..)
                | RankQuery::ShareBelow(_)
                | RankQuery::Hoover
                | RankQuery::QuintileShareRatioEurostat
                | RankQuery::AtRiskOfPovertyThreshold
                | RankQuery::AtRiskOfPovertyRate
                | RankQuery::Gini
                | RankQuery::GiniCorrected
                | RankQuery::Mean
                | RankQuery::TotalWeight
                | RankQuery::Total
                | RankQuery::Min
                | RankQuery::Max
                | RankQuery::MaxMinRatio,
            ) => {}
        }
    }

    /// Replays the rounds: hands `answers` (all rounds, concatenated) to the queries whose
    /// probes they answer, and returns each query's (probe, answer) history with the next
    /// round's probes (empty when every query has all it needs).
    fn schedule(&self, queries: &[RankQuery], answers: &[ProbeAnswer]) -> Result<Schedule> {
        for q in queries {
            self.validate(q)?;
        }
        let mut hist: Vec<Vec<(Probe, ProbeAnswer)>> = vec![Vec::new(); queries.len()];
        let mut used = 0usize;
        for round in 0.. {
            let mut batch: Vec<(usize, Probe)> = Vec::new();
            let mut mine = Vec::new();
            for (i, q) in queries.iter().enumerate() {
                mine.clear();
                self.expand(q, round, &hist[i], &mut mine);
                batch.extend(mine.iter().map(|&p| (i, p)));
            }
            let rest = answers.len() - used;
            if batch.is_empty() || rest == 0 {
                if rest > 0 {
                    return Err(Error::length_mismatch(
                        "answers vs probes",
                        used,
                        answers.len(),
                    ));
                }
                return Ok(Schedule {
                    hist,
                    next: batch.into_iter().map(|(_, p)| p).collect(),
                });
            }
            if rest < batch.len() {
                return Err(Error::length_mismatch(
                    "answers vs probes",
                    used + batch.len(),
                    answers.len(),
                ));
            }
            for (k, (i, p)) in batch.iter().enumerate() {
                hist[*i].push((*p, answers[used + k]));
            }
            used += batch.len();
        }
        unreachable!("the loop returns once a round asks nothing")
    }

    /// Pass 2's first round of questions for `queries`, each addressed to one partition:
    /// `next_probes(queries, &[])`.
    pub fn probes(&self, queries: &[RankQuery]) -> Result<Vec<Probe>> {
        self.next_probes(queries, &[])
    }

    /// The next round of questions for `queries`, given the answers of all earlier rounds
    /// (concatenated in the order of the probes); empty when the answers suffice for
    /// [`finish`](Self::finish). Send each partition the probes with its index, answer them
    /// with [`answer_probes`], append the answers, repeat. Most queries need one round;
    /// the at-risk-of-poverty rate and the Eurostat QSR need two (their thresholds are
    /// quantiles), pass 1's own measures none.
    pub fn next_probes(
        &self,
        queries: &[RankQuery],
        answers: &[ProbeAnswer],
    ) -> Result<Vec<Probe>> {
        Ok(self.schedule(queries, answers)?.next)
    }

    /// Finishes the queries from the answers to all the rounds of
    /// [`next_probes`](Self::next_probes) (same `queries`, answers in probe order).
    pub fn finish(&self, queries: &[RankQuery], answers: &[ProbeAnswer]) -> Result<Vec<f64>> {
        let s = self.schedule(queries, answers)?;
        if !s.next.is_empty() {
            return Err(Error::invalid_argument(
                "answers",
                format!(
                    "{} answers do not finish the queries: another round of {} probes is \
                     needed (RankPlan::next_probes with the answers so far)",
                    answers.len(),
                    s.next.len()
                ),
            ));
        }
        queries
            .iter()
            .zip(&s.hist)
            .map(|(q, h)| self.finish_one(q, h))
            .collect()
    }

    /// The quantile from its probe's answer (`h` holds that one probe, or nothing for
    /// `p = 0` or `1` of types 1 and 2).
    fn quantile_value(&self, p: f64, m: QuantileMethod, h: &[(Probe, ProbeAnswer)]) -> f64 {
        match m {
            QuantileMethod::Linear => {
                let (_, frac) = linear_position(self.n, p);
                let (probe, [xj, next, ..]) = h[0];
                linear_pick(xj, frac, || {
                    if next.is_nan() {
                        self.next_first(probe.partition)
                            .expect("a later record exists")
                    } else {
                        next
                    }
                })
            }
            QuantileMethod::InvertedCdf | QuantileMethod::AveragedInvertedCdf => {
                if p == 0.0 {
                    return self.min;
                }
                if p == 1.0 {
                    return self.max;
                }
                let (probe, [x, next, _, _, cum_k]) = h[0];
                let next = if next.is_nan() {
                    self.next_first(probe.partition)
                } else {
                    Some(next)
                };
                weighted_pick(m, p, self.total_w, x, cum_k, next)
            }
        }
    }

    fn lorenz_from(&self, p: f64, h: &[(Probe, ProbeAnswer)], i: &mut usize) -> f64 {
        if p <= 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return 1.0;
        }
        let (probe, [x, _, cw, cwx, _]) = h[*i];
        *i += 1;
        let part = (probe.arg - cw).max(0.0);
        (cwx + part * x) / self.total_wx
    }

    /// `(Σw, Σwx)` of the records below (`Below`) or at or below (`AtMost`) `t`, plus
    /// `extra` (exactly): the whole partitions inside, plus the probed partitions' partial
    /// sums, which are the next answers in `h` from `*i` on.
    fn below_from(
        &self,
        kind: ProbeKind,
        t: f64,
        h: &[(Probe, ProbeAnswer)],
        i: &mut usize,
    ) -> (f64, f64) {
        let (mut w, mut wx) = (ExactSum::default(), ExactSum::default());
        for p in self.parts.iter().filter(|p| Self::wholly_below(p, kind, t)) {
            w.add(p.sw);
            wx.add(p.swx);
        }
        let mut expected = Vec::new();
        self.below_probes(kind, t, &mut expected);
        for _ in 0..expected.len() {
            debug_assert!(h[*i].0.kind == kind && h[*i].0.arg == t);
            w.add(h[*i].1[0]);
            wx.add(h[*i].1[1]);
            *i += 1;
        }
        (w.value(), wx.value())
    }

    fn finish_one(&self, q: &RankQuery, h: &[(Probe, ProbeAnswer)]) -> Result<f64> {
        const MEDIAN: QuantileMethod = QuantileMethod::AveragedInvertedCdf;
        let mut i = 0usize;
        match *q {
            RankQuery::Quantile(p, m) => Ok(self.quantile_value(p, m, h)),
            RankQuery::Lorenz(p) => {
                self.positive_mean("Lorenz curve")?;
                Ok(self.lorenz_from(p, h, &mut i))
            }
            RankQuery::IncomeShare(a, b) => {
                self.positive_mean("income share")?;
                let hi = self.lorenz_from(b, h, &mut i);
                let lo = self.lorenz_from(a, h, &mut i);
                Ok(hi - lo)
            }
            RankQuery::Palma | RankQuery::S80S20 => {
                let (top, bottom, what) = if *q == RankQuery::Palma {
                    (0.1, 0.4, "Palma ratio")
                } else {
                    (0.2, 0.2, "S80/S20 ratio")
                };
                self.positive_mean(what)?;
                let num = 1.0 - self.lorenz_from(1.0 - top, h, &mut i);
                let den = self.lorenz_from(bottom, h, &mut i);
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
                let b = self.below_from(ProbeKind::Below, hi, h, &mut i).0;
                let a = self.below_from(ProbeKind::Below, lo, h, &mut i).0;
                Ok((b - a) / self.total_w)
            }
            RankQuery::ShareBelow(t) => {
                Ok(self.below_from(ProbeKind::Below, t, h, &mut i).0 / self.total_w)
            }
            RankQuery::Hoover => {
                // Cowell 2011 §2.2: H = max_p (p − L(p)), reached at F(μ⁻)
                let mu = self.positive_mean("Hoover index")?;
                let (w, wx) = self.below_from(ProbeKind::Below, mu, h, &mut i);
                Ok(w / self.total_w - wx / self.total_wx)
            }
            RankQuery::QuintileShareRatioEurostat => {
                self.positive_mean("quintile share ratio")?;
                let q20 = self.quantile_value(0.2, MEDIAN, &h[..1]);
                let q80 = self.quantile_value(0.8, MEDIAN, &h[1..2]);
                i = 2;
                let (_, sb) = self.below_from(ProbeKind::AtMost, q20, h, &mut i);
                let (w80, wx80) = self.below_from(ProbeKind::AtMost, q80, h, &mut i);
                // the top group's totals: W − W(≤ q80), rounded once
                let top = |all: f64, below: f64| {
                    let mut d = ExactSum::default();
                    d.add(all);
                    d.add(-below);
                    d.value()
                };
                eurostat_qsr(sb, top(self.total_w, w80), top(self.total_wx, wx80))
            }
            RankQuery::AtRiskOfPovertyThreshold => Ok(0.6 * self.quantile_value(0.5, MEDIAN, h)),
            RankQuery::AtRiskOfPovertyRate => {
                let t = 0.6 * self.quantile_value(0.5, MEDIAN, &h[..1]);
                i = 1;
                Ok(self.below_from(ProbeKind::Below, t, h, &mut i).0 / self.total_w)
            }
            RankQuery::Gini => self.gini(),
            RankQuery::GiniCorrected => self.gini_corrected(),
            RankQuery::Mean => Ok(self.mean()),
            RankQuery::TotalWeight => Ok(self.total_w),
            RankQuery::Total => Ok(self.total_wx),
            RankQuery::Min => Ok(self.min),
            RankQuery::Max => Ok(self.max),
            RankQuery::MaxMinRatio => {
                if self.min <= 0.0 {
                    return Err(Error::invalid_value(
                        "minimum of values",
                        self.min,
                        "as the denominator of a max/min ratio (the minimum must be > 0)",
                    ));
                }
                Ok(self.max / self.min)
            }
        }
    }
}

/// The replayed rounds of a [`RankPlan`]: each query's (probe, answer) history and the
/// next round's probes.
struct Schedule {
    hist: Vec<Vec<(Probe, ProbeAnswer)>>,
    next: Vec<Probe>,
}

/// Dagum's (1997) Gini decomposition by group (see
/// [`dagum_gini_decomposition`](super::dagum_gini_decomposition) for the definitions) from
/// rank plans, so from data that never leave their partitions: `total` is the plan of all
/// records ranked by value alone (its Gini is the overall Gini), `groups` one plan per
/// group label over that group's records ranked by value (their Ginis, weights and totals).
/// Every term of the decomposition needs only these: the net between-group term is the
/// Gini of the group means, and the transvariation the remainder (Dagum 1997, eq. 2–3).
/// Groups come back in ascending label order.
///
/// Errors: no group ([`Error::Empty`]); a repeated label, or group plans whose record
/// counts do not add up to the overall plan's ([`Error::InvalidArgument`]); a negative
/// value or a mean ≤ 0 ([`Error::InvalidValue`]).
pub fn dagum_decomposition_from_plans(
    total: &RankPlan,
    groups: &[(usize, RankPlan)],
) -> Result<GiniDecomposition> {
    if groups.is_empty() {
        return Err(Error::Empty {
            context: "groups (the Dagum decomposition needs at least one group)".into(),
        });
    }
    if total.min < 0.0 {
        return Err(Error::invalid_value(
            "minimum of values",
            total.min,
            "for the Dagum Gini decomposition (it needs every value ≥ 0)",
        ));
    }
    let mut order: Vec<&(usize, RankPlan)> = groups.iter().collect();
    order.sort_by_key(|g| g.0);
    if let Some(w) = order.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Error::invalid_argument(
            "labels",
            format!("group label {} appears twice", w[0].0),
        ));
    }
    let n: u64 = groups.iter().map(|g| g.1.n).sum();
    if n != total.n {
        return Err(Error::invalid_argument(
            "groups",
            format!(
                "the group plans hold {n} records, the overall plan {}: they must cover the \
                 same records",
                total.n
            ),
        ));
    }
    let g = total.gini()?;
    let parts: Vec<DagumGroup> = order
        .iter()
        .map(|(label, p)| {
            Ok(DagumGroup {
                label: *label,
                n: p.n as usize,
                weight: p.total_w,
                total: p.total_wx,
                mean: p.mean(),
                gini: if p.mean() > 0.0 {
                    Some(p.gini()?)
                } else {
                    None
                },
            })
        })
        .collect::<Result<_>>()?;
    Ok(dagum_from_groups(g, total.total_w, total.total_wx, &parts))
}
