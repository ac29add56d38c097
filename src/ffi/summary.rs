//! Distributed distribution measures: mergeable moment summaries (`cpindex_summary`) and
//! the two-pass rank measures over range partitions (`cpindex_rank_partition`,
//! `cpindex_rank_plan`), for engines such as Apache Spark that hold the records in
//! partitions. Layer over `crate::distribution::{Summary, RankPartition, RankPlan}`; the
//! design and the exactness guarantees are in `docs/distribution.md` ("Beyond one
//! machine").
//!
//! Serialised summaries are byte strings with a versioned envelope: magic `CPXD`, format
//! version, kind, payload length and a CRC-32, all little-endian; a truncated, corrupt or
//! foreign buffer is `CPINDEX_STATUS_INVALID_ARGUMENT`, never a crash.

use super::distribution::cpindex_missing_policy;
use super::error::{FfiError, FfiResult};
use super::guard::{guard_default, guard_status};
use super::handle::{box_free, box_into_ptr, box_mut, box_ref, BoxHandle};
use super::slice::{out_ptr, try_slice, try_slice_mut, write_array};
use super::status::cpindex_status;
use crate::distribution::{
    answer_probes, dagum_decomposition_from_plans, ge_decomposition_from_summaries, MissingPolicy,
    Probe, ProbeKind, QuantileMethod, RankPartition, RankPlan, RankQuery, Summary,
};

/// A mergeable summary of a chunk of weighted records for the moment measures (mean,
/// GE(α), Theil T, MLD, Atkinson, CV): exact sums, so merging in any order gives the same
/// bits.
///
/// Create with `cpindex_summary_new` or `cpindex_summary_from_bytes`; free with
/// `cpindex_summary_free`.
///
/// **Thread safety:** not safe for concurrent mutation (`cpindex_summary_merge` mutates its
/// first argument); const functions may run concurrently.
pub struct cpindex_summary {
    _private: [u8; 0],
}

impl BoxHandle for cpindex_summary {
    type Rust = Summary;
}

/// Pass-1 summary of one range partition for the rank measures (count, totals, own Gini
/// cross-term, first and last value).
///
/// Create with `cpindex_rank_partition_new` or `_from_bytes`; free with
/// `cpindex_rank_partition_free`. **Thread safety:** immutable; may be shared.
pub struct cpindex_rank_partition {
    _private: [u8; 0],
}

impl BoxHandle for cpindex_rank_partition {
    type Rust = RankPartition;
}

/// The driver's plan after pass 1: the partitions in range order with their offsets.
///
/// Create with `cpindex_rank_plan_new`; free with `cpindex_rank_plan_free`.
/// **Thread safety:** immutable; may be shared.
pub struct cpindex_rank_plan {
    _private: [u8; 0],
}

impl BoxHandle for cpindex_rank_plan {
    type Rust = RankPlan;
}

/// Measures finalised from a `cpindex_summary`, for `cpindex_summary_measure` (the measure codes).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_moment_measure {
    /// Weighted mean.
    Mean = 0,
    /// Total weight.
    TotalWeight = 1,
    /// Total weighted value.
    Total = 2,
    /// Theil T = GE(1).
    TheilT = 3,
    /// Mean log deviation = GE(0).
    MeanLogDeviation = 4,
    /// GE(alpha), alpha = `parameter` (must be in the summary's alpha list unless 0 or 1).
    GeneralizedEntropy = 5,
    /// Atkinson A(epsilon), epsilon = `parameter` (1 - epsilon in the alpha list unless 0 or 1).
    Atkinson = 6,
    /// Population coefficient of variation.
    CoefficientOfVariation = 7,
    /// Smallest value.
    Min = 8,
    /// Largest value.
    Max = 9,
}

/// Rank queries, the `kind` of a `cpindex_rank_query`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_rank_query_kind {
    /// Quantile at p = `a`, Hyndman-Fan type 2 (Eurostat).
    QuantileType2 = 0,
    /// Quantile at p = `a`, type 1.
    QuantileType1 = 1,
    /// Quantile at p = `a`, type 7 (unweighted data only).
    QuantileType7 = 2,
    /// Lorenz ordinate L(`a`).
    Lorenz = 3,
    /// Income share L(`b`) - L(`a`) of the slice (a, b).
    IncomeShare = 4,
    /// Palma ratio.
    Palma = 5,
    /// S80/S20 from the Lorenz curve.
    S80S20 = 6,
    /// Population share with `a <= x < b`.
    BandShare = 7,
    /// Population share with x < `a`.
    ShareBelow = 8,
    /// Gini coefficient (needs no pass 2).
    Gini = 9,
    /// Corrected Gini (needs no pass 2).
    GiniCorrected = 10,
    /// Weighted mean (needs no pass 2).
    Mean = 11,
    /// Total weight (needs no pass 2).
    TotalWeight = 12,
    /// Total weighted value (needs no pass 2).
    Total = 13,
    /// Smallest value (needs no pass 2).
    Min = 14,
    /// Largest value (needs no pass 2).
    Max = 15,
    /// Largest over smallest value (needs no pass 2; the minimum must be > 0).
    MaxMinRatio = 16,
    /// Hoover index (one round of probes at the mean).
    Hoover = 17,
    /// S80/S20 by the Eurostat EU-SILC rule (laeken >= 0.5.0 `qsr`; two rounds).
    QuintileShareRatioEurostat = 18,
    /// At-risk-of-poverty threshold, 60% of the type-2 median (one round).
    AtRiskOfPovertyThreshold = 19,
    /// At-risk-of-poverty rate, a fraction (two rounds: the median, then the share below
    /// 60% of it).
    AtRiskOfPovertyRate = 20,
}

/// One rank query: a `cpindex_rank_query_kind` code and up to two arguments (unused ones
/// are ignored). A small fixed POD (house style R16).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cpindex_rank_query {
    /// A `cpindex_rank_query_kind` code.
    pub kind: u32,
    /// First argument (p, lower bound, threshold).
    pub a: f64,
    /// Second argument (upper p, upper bound).
    pub b: f64,
}

/// One pass-2 question for one partition, as produced by `cpindex_rank_plan_probes`; pass
/// it unchanged to `cpindex_rank_answer_probes` on the partition's records.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cpindex_probe {
    /// Index of the partition (order given to `cpindex_rank_plan_new`).
    pub partition: usize,
    /// 0 = cumulative weight, 1 = rank inside the partition, 2 = weight and weighted value
    /// below a threshold, 3 = at or below it.
    pub kind: u32,
    /// The target.
    pub arg: f64,
    /// Total weight of the partitions before this one.
    pub offset_w: f64,
    /// Total weighted value of the partitions before this one.
    pub offset_wx: f64,
}

/// Values per probe answer written by `cpindex_rank_answer_probes`.
pub const CPINDEX_PROBE_ANSWER_LEN: usize = 5;

fn policy_of(code: u32) -> FfiResult<MissingPolicy> {
    let p = cpindex_missing_policy::from_code(code, "missing_policy")?;
    Ok(match p {
        cpindex_missing_policy::Error => MissingPolicy::Error,
        cpindex_missing_policy::Skip => MissingPolicy::Skip,
    })
}

/// # Safety
/// `values` valid for `n` reads (or `n == 0`); `weights` NULL or valid for `n` reads.
unsafe fn records<'a>(
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

fn query_of(q: &cpindex_rank_query) -> FfiResult<RankQuery> {
    use cpindex_rank_query_kind as K;
    let kind = match q.kind {
        0 => K::QuantileType2,
        1 => K::QuantileType1,
        2 => K::QuantileType7,
        3 => K::Lorenz,
        4 => K::IncomeShare,
        5 => K::Palma,
        6 => K::S80S20,
        7 => K::BandShare,
        8 => K::ShareBelow,
        9 => K::Gini,
        10 => K::GiniCorrected,
        11 => K::Mean,
        12 => K::TotalWeight,
        13 => K::Total,
        14 => K::Min,
        15 => K::Max,
        16 => K::MaxMinRatio,
        17 => K::Hoover,
        18 => K::QuintileShareRatioEurostat,
        19 => K::AtRiskOfPovertyThreshold,
        20 => K::AtRiskOfPovertyRate,
        c => {
            return Err(FfiError::invalid(
                "queries",
                format!("{c} is not a cpindex_rank_query_kind code"),
            ))
        }
    };
    Ok(match kind {
        K::QuantileType2 => RankQuery::Quantile(q.a, QuantileMethod::AveragedInvertedCdf),
        K::QuantileType1 => RankQuery::Quantile(q.a, QuantileMethod::InvertedCdf),
        K::QuantileType7 => RankQuery::Quantile(q.a, QuantileMethod::Linear),
        K::Lorenz => RankQuery::Lorenz(q.a),
        K::IncomeShare => RankQuery::IncomeShare(q.a, q.b),
        K::Palma => RankQuery::Palma,
        K::S80S20 => RankQuery::S80S20,
        K::BandShare => RankQuery::BandShare(q.a, q.b),
        K::ShareBelow => RankQuery::ShareBelow(q.a),
        K::Gini => RankQuery::Gini,
        K::GiniCorrected => RankQuery::GiniCorrected,
        K::Mean => RankQuery::Mean,
        K::TotalWeight => RankQuery::TotalWeight,
        K::Total => RankQuery::Total,
        K::Min => RankQuery::Min,
        K::Max => RankQuery::Max,
        K::MaxMinRatio => RankQuery::MaxMinRatio,
        K::Hoover => RankQuery::Hoover,
        K::QuintileShareRatioEurostat => RankQuery::QuintileShareRatioEurostat,
        K::AtRiskOfPovertyThreshold => RankQuery::AtRiskOfPovertyThreshold,
        K::AtRiskOfPovertyRate => RankQuery::AtRiskOfPovertyRate,
    })
}

unsafe fn queries_of(queries: *const cpindex_rank_query, n: usize) -> FfiResult<Vec<RankQuery>> {
    try_slice(queries, n, "queries")?
        .iter()
        .map(query_of)
        .collect()
}

fn probe_to_c(p: &Probe) -> cpindex_probe {
    cpindex_probe {
        partition: p.partition,
        kind: match p.kind {
            ProbeKind::Weight => 0,
            ProbeKind::Rank => 1,
            ProbeKind::Below => 2,
            ProbeKind::AtMost => 3,
        },
        arg: p.arg,
        offset_w: p.offset_w,
        offset_wx: p.offset_wx,
    }
}

fn probe_of(p: &cpindex_probe) -> FfiResult<Probe> {
    let kind = match p.kind {
        0 => ProbeKind::Weight,
        1 => ProbeKind::Rank,
        2 => ProbeKind::Below,
        3 => ProbeKind::AtMost,
        c => {
            return Err(FfiError::invalid(
                "probes",
                format!("{c} is not a probe kind"),
            ))
        }
    };
    Ok(Probe {
        partition: p.partition,
        kind,
        arg: p.arg,
        offset_w: p.offset_w,
        offset_wx: p.offset_wx,
    })
}

/// Summarises one chunk of records for the moment measures. `alphas` (`n_alphas` values,
/// NULL when 0) lists the α for which GE(α) — and Atkinson(1 − α) — will be asked; the mean,
/// Theil T, MLD, Atkinson(1), CV need none. Zero weights are left out; NaN per
/// `missing_policy` (a `cpindex_missing_policy` code). An empty chunk is allowed.
///
/// **Ownership:** the caller keeps its arrays; `*out` is freed with `cpindex_summary_free`.
/// **NULL:** `weights` NULL = unweighted; `values` only with `n` 0; `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (policy
/// code, non-finite α), `CPINDEX_STATUS_MISSING_VALUE`, `CPINDEX_STATUS_INVALID_VALUE`
/// (±inf, bad weight, an overflowing term). `*out` is written only on success.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `values` (and `weights` unless NULL) valid for `n` reads, `alphas` for `n_alphas`;
/// `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_summary_new(
    values: *const f64,
    weights: *const f64,
    n: usize,
    alphas: *const f64,
    n_alphas: usize,
    missing_policy: u32,
    out: *mut *mut cpindex_summary,
) -> cpindex_status {
    guard_status("cpindex_summary_new", || {
        let out = out_ptr(out, "out")?;
        let policy = policy_of(missing_policy)?;
        let (v, w) = records(values, weights, n)?;
        let a = try_slice(alphas, n_alphas, "alphas")?;
        let s = Summary::from_records(v, w, a, policy)?;
        out.write(box_into_ptr::<cpindex_summary>(s));
        Ok(())
    })
}

/// Merges `other` into `into` exactly (same α lists required); `other` is unchanged.
///
/// **Ownership:** nothing changes hands. **NULL:** neither may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (different
/// α lists, or `into == other`).
/// **Thread safety:** `into` must not be used concurrently.
///
/// # Safety
/// Both live handles.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_summary_merge(
    into: *mut cpindex_summary,
    other: *const cpindex_summary,
) -> cpindex_status {
    guard_status("cpindex_summary_merge", || {
        if std::ptr::eq(into.cast_const(), other) && !into.is_null() {
            return Err(FfiError::invalid(
                "other",
                "a summary cannot be merged into itself (it would count its records twice)",
            ));
        }
        let o = box_ref::<cpindex_summary>(other, "other")?.clone();
        let s = box_mut::<cpindex_summary>(into, "into")?;
        s.merge(&o)?;
        Ok(())
    })
}

/// A measure (`cpindex_moment_measure` code) of the summarised records; `parameter` is α
/// for GENERALIZED_ENTROPY and ε for ATKINSON, ignored otherwise.
///
/// **Ownership:** nothing to free. **NULL:** `summary`, `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// code, α not in the summary's list), `CPINDEX_STATUS_EMPTY_INPUT` (no record),
/// `CPINDEX_STATUS_INVALID_VALUE` (outside the measure's domain).
/// **Thread safety:** may be called concurrently.
///
/// # Safety
/// `summary` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_summary_measure(
    summary: *const cpindex_summary,
    measure: u32,
    parameter: f64,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_summary_measure", || {
        use cpindex_moment_measure as M;
        let s = box_ref::<cpindex_summary>(summary, "summary")?;
        let out = out_ptr(out, "out")?;
        let m = match measure {
            0 => M::Mean,
            1 => M::TotalWeight,
            2 => M::Total,
            3 => M::TheilT,
            4 => M::MeanLogDeviation,
            5 => M::GeneralizedEntropy,
            6 => M::Atkinson,
            7 => M::CoefficientOfVariation,
            8 => M::Min,
            9 => M::Max,
            c => {
                return Err(FfiError::invalid(
                    "measure",
                    format!("{c} is not a cpindex_moment_measure code"),
                ))
            }
        };
        let v = match m {
            M::Mean => s.mean()?,
            M::TotalWeight => s.total_weight(),
            M::Total => s.total(),
            M::TheilT => s.theil_t()?,
            M::MeanLogDeviation => s.mean_log_deviation()?,
            M::GeneralizedEntropy => s.generalized_entropy(parameter)?,
            M::Atkinson => s.atkinson(parameter)?,
            M::CoefficientOfVariation => s.coefficient_of_variation()?,
            M::Min => s.min()?,
            M::Max => s.max()?,
        };
        out.write(v);
        Ok(())
    })
}

/// Record counts of a summary: kept, missing dropped, zero weight dropped.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`. **Thread safety:** may be called concurrently.
///
/// # Safety
/// `summary` a live handle; out-pointers valid for writes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_summary_counts(
    summary: *const cpindex_summary,
    out_n: *mut u64,
    out_n_missing: *mut u64,
    out_n_zero_weight: *mut u64,
) -> cpindex_status {
    guard_status("cpindex_summary_counts", || {
        let s = box_ref::<cpindex_summary>(summary, "summary")?;
        let a = out_ptr(out_n, "out_n")?;
        let b = out_ptr(out_n_missing, "out_n_missing")?;
        let c = out_ptr(out_n_zero_weight, "out_n_zero_weight")?;
        a.write(s.n());
        b.write(s.n_missing());
        c.write(s.n_zero_weight());
        Ok(())
    })
}

/// Serialises a summary into a caller buffer (size query with `(NULL, 0)`: BUFFER_TOO_SMALL
/// and `*out_len` = the size needed). The bytes are the same on every platform.
///
/// **Ownership:** the caller owns `buf`. **NULL:** `summary`, `out_len` must not be NULL;
/// `buf` may be NULL when `buf_len` is 0. **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`,
/// `CPINDEX_STATUS_BUFFER_TOO_SMALL`. **Thread safety:** may be called concurrently.
///
/// # Safety
/// `summary` a live handle; `buf` valid for `buf_len` writes; `out_len` for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_summary_to_bytes(
    summary: *const cpindex_summary,
    buf: *mut u8,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_summary_to_bytes", || {
        let s = box_ref::<cpindex_summary>(summary, "summary")?;
        write_array(
            &s.to_bytes(),
            buf,
            buf_len,
            out_len,
            "the serialised summary",
        )
    })
}

/// Reads a summary serialised by `cpindex_summary_to_bytes` (on any platform).
///
/// **Ownership:** the caller keeps `bytes`; `*out` is freed with `cpindex_summary_free`.
/// **NULL:** `bytes` only with `len` 0; `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (truncated,
/// corrupt — CRC-32 mismatch —, foreign magic, other format version or kind, inconsistent
/// fields). **Thread safety:** may be called from any thread.
///
/// # Safety
/// `bytes` valid for `len` reads; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_summary_from_bytes(
    bytes: *const u8,
    len: usize,
    out: *mut *mut cpindex_summary,
) -> cpindex_status {
    guard_status("cpindex_summary_from_bytes", || {
        let out = out_ptr(out, "out")?;
        let b = try_slice(bytes, len, "bytes")?;
        let s = Summary::from_bytes(b)?;
        out.write(box_into_ptr::<cpindex_summary>(s));
        Ok(())
    })
}

/// Frees a summary. NULL is a no-op; freeing twice is undefined behaviour.
///
/// **Ownership:** released. **NULL:** allowed. **Errors:** none.
/// **Thread safety:** once no other call uses it.
///
/// # Safety
/// `summary` NULL or a live handle not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cpindex_summary_free(summary: *mut cpindex_summary) {
    guard_default("cpindex_summary_free", || box_free(summary))
}

/// Shorrocks' GE(α) decomposition from one merged summary per group (`labels[i]` labels
/// `summaries[i]`; each label once): `total = within + between`.
///
/// **Ownership:** the caller keeps everything. **NULL:** arrays only with `n_groups` 0;
/// no summary pointer and no out-pointer may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_EMPTY_INPUT` (no group),
/// `CPINDEX_STATUS_INVALID_ARGUMENT` (repeated label, different α lists, α not held),
/// `CPINDEX_STATUS_INVALID_VALUE` (domain). Outputs are written only on success.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `summaries` and `labels` valid for `n_groups` reads, each summary a live handle;
/// out-pointers valid for writes.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)] // inputs, then three outputs
pub unsafe extern "C" fn cpindex_summary_ge_decomposition(
    summaries: *const *const cpindex_summary,
    labels: *const u32,
    n_groups: usize,
    alpha: f64,
    out_total: *mut f64,
    out_within: *mut f64,
    out_between: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_summary_ge_decomposition", || {
        let t = out_ptr(out_total, "out_total")?;
        let wi = out_ptr(out_within, "out_within")?;
        let b = out_ptr(out_between, "out_between")?;
        let ptrs = try_slice(summaries, n_groups, "summaries")?;
        let labs = try_slice(labels, n_groups, "labels")?;
        let mut groups = Vec::with_capacity(n_groups);
        for (i, (&p, &l)) in ptrs.iter().zip(labs).enumerate() {
            let s = box_ref::<cpindex_summary>(p, &format!("summaries[{i}]"))?;
            groups.push((l as usize, s.clone()));
        }
        let d = ge_decomposition_from_summaries(&groups, alpha)?;
        t.write(d.total);
        wi.write(d.within);
        b.write(d.between);
        Ok(())
    })
}

/// Pass 1 of the rank measures for one range partition's records (any order inside).
///
/// **Ownership:** the caller keeps its arrays; `*out` is freed with
/// `cpindex_rank_partition_free`. **NULL:** as `cpindex_summary_new`.
/// **Errors:** as `cpindex_summary_new`. An empty partition is allowed.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `values` (and `weights` unless NULL) valid for `n` reads; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_rank_partition_new(
    values: *const f64,
    weights: *const f64,
    n: usize,
    missing_policy: u32,
    out: *mut *mut cpindex_rank_partition,
) -> cpindex_status {
    guard_status("cpindex_rank_partition_new", || {
        let out = out_ptr(out, "out")?;
        let policy = policy_of(missing_policy)?;
        let (v, w) = records(values, weights, n)?;
        let p = RankPartition::from_records(v, w, policy)?;
        out.write(box_into_ptr::<cpindex_rank_partition>(p));
        Ok(())
    })
}

/// Serialises a partition summary (size query with `(NULL, 0)`), as
/// `cpindex_summary_to_bytes`.
///
/// **Ownership:** the caller owns `buf`. **NULL:** `part`, `out_len` must not be NULL;
/// `buf` may be NULL when `buf_len` is 0. **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`,
/// `CPINDEX_STATUS_BUFFER_TOO_SMALL`. **Thread safety:** may be called concurrently.
///
/// # Safety
/// `part` a live handle; `buf` valid for `buf_len` writes; `out_len` for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_rank_partition_to_bytes(
    part: *const cpindex_rank_partition,
    buf: *mut u8,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_rank_partition_to_bytes", || {
        let p = box_ref::<cpindex_rank_partition>(part, "part")?;
        write_array(
            &p.to_bytes(),
            buf,
            buf_len,
            out_len,
            "the serialised partition",
        )
    })
}

/// Reads a partition summary serialised by `cpindex_rank_partition_to_bytes`.
///
/// **Ownership:** the caller keeps `bytes`; `*out` is freed with
/// `cpindex_rank_partition_free`. **NULL:** `bytes` only with `len` 0; `out` must not be
/// NULL. **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT`
/// (truncated, corrupt, foreign or inconsistent bytes). **Thread safety:** any thread.
///
/// # Safety
/// `bytes` valid for `len` reads; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_rank_partition_from_bytes(
    bytes: *const u8,
    len: usize,
    out: *mut *mut cpindex_rank_partition,
) -> cpindex_status {
    guard_status("cpindex_rank_partition_from_bytes", || {
        let out = out_ptr(out, "out")?;
        let b = try_slice(bytes, len, "bytes")?;
        let p = RankPartition::from_bytes(b)?;
        out.write(box_into_ptr::<cpindex_rank_partition>(p));
        Ok(())
    })
}

/// Frees a partition summary. NULL is a no-op.
///
/// **Ownership:** released. **NULL:** allowed. **Errors:** none.
/// **Thread safety:** once no other call uses it.
///
/// # Safety
/// `part` NULL or a live handle not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cpindex_rank_partition_free(part: *mut cpindex_rank_partition) {
    guard_default("cpindex_rank_partition_free", || box_free(part))
}

/// Builds the driver's plan from the pass-1 summaries **in range order** (copied).
///
/// **Ownership:** the caller keeps the partitions; `*out` is freed with
/// `cpindex_rank_plan_free`. **NULL:** `parts` only with `n_parts` 0; no element and not
/// `out`. **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT`
/// (the partitions are not range-ordered), `CPINDEX_STATUS_EMPTY_INPUT` (no record).
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `parts` valid for `n_parts` reads, each a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_rank_plan_new(
    parts: *const *const cpindex_rank_partition,
    n_parts: usize,
    out: *mut *mut cpindex_rank_plan,
) -> cpindex_status {
    guard_status("cpindex_rank_plan_new", || {
        let out = out_ptr(out, "out")?;
        let ptrs = try_slice(parts, n_parts, "parts")?;
        let mut v = Vec::with_capacity(n_parts);
        for (i, &p) in ptrs.iter().enumerate() {
            v.push(box_ref::<cpindex_rank_partition>(p, &format!("parts[{i}]"))?.clone());
        }
        let plan = RankPlan::new(v)?;
        out.write(box_into_ptr::<cpindex_rank_plan>(plan));
        Ok(())
    })
}

/// Frees a plan. NULL is a no-op.
///
/// **Ownership:** released. **NULL:** allowed. **Errors:** none.
/// **Thread safety:** once no other call uses it.
///
/// # Safety
/// `plan` NULL or a live handle not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cpindex_rank_plan_free(plan: *mut cpindex_rank_plan) {
    guard_default("cpindex_rank_plan_free", || box_free(plan))
}

/// The pass-2 probes for `queries` into a caller array (size query with `(NULL, 0)`). Send
/// each partition the probes whose `partition` is its index, in order.
///
/// **Ownership:** the caller owns `buf`. **NULL:** `plan`, `out_len` not NULL; `queries`
/// only with `n_queries` 0; `buf` only with `buf_len` 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (a bad
/// query: p outside [0, 1], NaN bound, type 7 with weights), `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently.
///
/// # Safety
/// `plan` a live handle; `queries` valid for `n_queries` reads; `buf` for `buf_len` writes;
/// `out_len` for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_rank_plan_probes(
    plan: *const cpindex_rank_plan,
    queries: *const cpindex_rank_query,
    n_queries: usize,
    buf: *mut cpindex_probe,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_rank_plan_probes", || {
        let p = box_ref::<cpindex_rank_plan>(plan, "plan")?;
        let q = queries_of(queries, n_queries)?;
        let probes: Vec<cpindex_probe> = p.probes(&q)?.iter().map(probe_to_c).collect();
        write_array(&probes, buf, buf_len, out_len, "the probes")
    })
}

/// The next round of probes for `queries`, given the answers to every earlier round
/// (`n_answers` × 5 doubles, concatenated in probe order; `n_answers` 0 gives the first
/// round, as `cpindex_rank_plan_probes`). `*out_len` = 0 means the answers suffice for
/// `cpindex_rank_plan_finish`. Most queries need one round; the at-risk-of-poverty rate and
/// the Eurostat quintile share ratio need two (their thresholds are quantiles). Size query
/// with `(NULL, 0)`.
///
/// **Ownership:** the caller owns every array. **NULL:** `plan`, `out_len` not NULL;
/// `queries`, `answers`, `buf` only when their length is 0.
/// **Errors:** as `cpindex_rank_plan_probes`; `CPINDEX_STATUS_LENGTH_MISMATCH` when
/// `n_answers` is not a whole number of rounds; `CPINDEX_STATUS_INVALID_ARGUMENT` naming
/// `answers[k]` for an answer that `cpindex_rank_answer_probes` cannot have written (±inf,
/// NaN other than the second of an answer, a negative cumulative weight).
/// **Thread safety:** may be called concurrently.
///
/// # Safety
/// `plan` a live handle; `queries` valid for `n_queries` reads; `answers` for
/// `5 * n_answers` reads; `buf` for `buf_len` writes; `out_len` for a write.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)] // plan, queries, answers, output
pub unsafe extern "C" fn cpindex_rank_plan_next_probes(
    plan: *const cpindex_rank_plan,
    queries: *const cpindex_rank_query,
    n_queries: usize,
    answers: *const f64,
    n_answers: usize,
    buf: *mut cpindex_probe,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_rank_plan_next_probes", || {
        let p = box_ref::<cpindex_rank_plan>(plan, "plan")?;
        let q = queries_of(queries, n_queries)?;
        let ans = answers_of(answers, n_answers, "n_answers")?;
        let probes: Vec<cpindex_probe> = p.next_probes(&q, &ans)?.iter().map(probe_to_c).collect();
        write_array(&probes, buf, buf_len, out_len, "the probes")
    })
}

/// Reads `n` probe answers (`5 * n` doubles) and checks each against the answer layout of
/// `cpindex_rank_answer_probes` (`[x_k, x_{k+1}, C_{k−1}, S_{k−1}, C_k]` or
/// `[Σw, Σwx, 0, 0, 0]`): every double finite, except the second of an answer, which is NaN
/// when the probed record is its partition's last; the third and fifth (cumulative weights
/// or 0) not negative. Answers come from other processes and serialisation round trips, so
/// a corrupted one is refused here, naming `answers[k]` (the index into the C array), rather
/// than turned into a NaN result. `count` names the length parameter in the overflow message.
///
/// # Safety
/// `answers` valid for `5 * n` reads (or `n == 0`).
unsafe fn answers_of(answers: *const f64, n: usize, count: &str) -> FfiResult<Vec<[f64; 5]>> {
    let len = n
        .checked_mul(CPINDEX_PROBE_ANSWER_LEN)
        .ok_or_else(|| FfiError::invalid(count, "too large"))?;
    let a = try_slice(answers, len, "answers")?;
    for (k, &x) in a.iter().enumerate() {
        let slot = k % CPINDEX_PROBE_ANSWER_LEN;
        let bad = if x.is_nan() {
            (slot != 1).then_some("only element 1 of an answer (the next value) may be NaN")
        } else if x.is_infinite() {
            Some("answers are finite")
        } else if (slot == 2 || slot == 4) && x < 0.0 {
            Some("this element is a cumulative weight, at least 0")
        } else {
            None
        };
        if let Some(why) = bad {
            return Err(FfiError::invalid(
                &format!("answers[{k}]"),
                format!(
                    "value {} is not allowed ({why}; answer {} of {n}, element {slot}); pass \
                     the answers exactly as cpindex_rank_answer_probes wrote them",
                    crate::json::number(x),
                    k / CPINDEX_PROBE_ANSWER_LEN
                ),
            ));
        }
    }
    Ok(a.chunks_exact(CPINDEX_PROBE_ANSWER_LEN)
        .map(|c| [c[0], c[1], c[2], c[3], c[4]])
        .collect())
}

/// Pass 2 inside one partition: answers `probes` (those addressed to this partition) over
/// its records, writing `CPINDEX_PROBE_ANSWER_LEN` (5) doubles per probe into `out`.
///
/// **Ownership:** the caller keeps its arrays. **NULL:** as `cpindex_summary_new`; `probes`
/// and `out` only with `n_probes` 0.
/// **Errors:** as `cpindex_rank_partition_new`; INVALID_ARGUMENT for a bad probe kind, a
/// probe that does not fit the partition (the data changed between the passes), or a
/// misaligned `out`.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `values` (and `weights` unless NULL) valid for `n` reads; `probes` for `n_probes` reads;
/// `out` for `5 * n_probes` writes.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)] // records, probes, output
pub unsafe extern "C" fn cpindex_rank_answer_probes(
    values: *const f64,
    weights: *const f64,
    n: usize,
    missing_policy: u32,
    probes: *const cpindex_probe,
    n_probes: usize,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_rank_answer_probes", || {
        let policy = policy_of(missing_policy)?;
        let (v, w) = records(values, weights, n)?;
        let pr: Vec<Probe> = try_slice(probes, n_probes, "probes")?
            .iter()
            .map(probe_of)
            .collect::<FfiResult<_>>()?;
        let len = n_probes
            .checked_mul(CPINDEX_PROBE_ANSWER_LEN)
            .ok_or_else(|| FfiError::invalid("n_probes", "too large"))?;
        let dst = try_slice_mut(out, len, "out")?;
        let answers = answer_probes(v, w, policy, &pr)?;
        for (d, a) in dst.chunks_exact_mut(CPINDEX_PROBE_ANSWER_LEN).zip(&answers) {
            d.copy_from_slice(a);
        }
        Ok(())
    })
}

/// Finishes `queries` (the same list given to `cpindex_rank_plan_probes`) from the answers
/// to its probes (`n_probes` × 5 doubles, in probe order, every round of
/// `cpindex_rank_plan_next_probes` concatenated), writing one value per query.
///
/// **Ownership:** the caller keeps its arrays. **NULL:** `plan` not NULL; the arrays only
/// when their length is 0. **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`,
/// `CPINDEX_STATUS_INVALID_ARGUMENT` (a misaligned array; an answer naming `answers[k]`
/// that `cpindex_rank_answer_probes` cannot have written: ±inf, NaN other than the second
/// of an answer, a negative cumulative weight), `CPINDEX_STATUS_LENGTH_MISMATCH` (answers
/// vs probes), `CPINDEX_STATUS_INVALID_VALUE` (a measure undefined for the data, e.g. mean
/// ≤ 0; never a non-finite value with `CPINDEX_STATUS_OK`).
/// `out` is written only on success. **Thread safety:** may be called concurrently.
///
/// # Safety
/// `plan` a live handle; `queries` valid for `n_queries` reads; `answers` for
/// `5 * n_probes` reads; `out` for `n_queries` writes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_rank_plan_finish(
    plan: *const cpindex_rank_plan,
    queries: *const cpindex_rank_query,
    n_queries: usize,
    answers: *const f64,
    n_probes: usize,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_rank_plan_finish", || {
        let p = box_ref::<cpindex_rank_plan>(plan, "plan")?;
        let q = queries_of(queries, n_queries)?;
        let ans = answers_of(answers, n_probes, "n_probes")?;
        let dst = try_slice_mut(out, n_queries, "out")?;
        let res = p.finish(&q, &ans)?;
        // A safety net behind the answer checks: never a non-finite value with an OK status.
        if let Some(k) = res.iter().position(|r| !r.is_finite()) {
            return Err(FfiError::new(
                cpindex_status::InvalidValue,
                format!(
                    "query {k}: the answers give the non-finite value {} (check that every \
                     partition answered its own probes from the same data as pass 1)",
                    crate::json::number(res[k])
                ),
            ));
        }
        dst.copy_from_slice(&res);
        Ok(())
    })
}

/// Dagum (1997) decomposition of the Gini by group from rank plans:
/// `total = within + between_net + transvariation`. `total_plan` ranks all records by value
/// alone; `group_plans[i]` (labelled `labels[i]`, each label once) ranks group i's records.
/// Values must be >= 0. The same decomposition as `cpindex_gini_decomposition` on the
/// records.
///
/// **Ownership:** the caller keeps the plans. **NULL:** arrays only with `n_groups` 0 (then
/// EMPTY_INPUT); no plan pointer and no out-pointer may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_EMPTY_INPUT` (no group),
/// `CPINDEX_STATUS_INVALID_ARGUMENT` (repeated label; group plans whose record counts do not
/// add up to the overall plan's), `CPINDEX_STATUS_INVALID_VALUE` (a negative value, mean
/// <= 0). Outputs are written only on success. **Thread safety:** may be called from any
/// thread.
///
/// # Safety
/// `total_plan` a live handle; `group_plans` and `labels` valid for `n_groups` reads, each
/// plan a live handle; out-pointers valid for writes.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)] // inputs, then four outputs
pub unsafe extern "C" fn cpindex_rank_plan_gini_decomposition(
    total_plan: *const cpindex_rank_plan,
    group_plans: *const *const cpindex_rank_plan,
    labels: *const u32,
    n_groups: usize,
    out_total: *mut f64,
    out_within: *mut f64,
    out_between_net: *mut f64,
    out_transvariation: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_rank_plan_gini_decomposition", || {
        let t = out_ptr(out_total, "out_total")?;
        let wi = out_ptr(out_within, "out_within")?;
        let b = out_ptr(out_between_net, "out_between_net")?;
        let tv = out_ptr(out_transvariation, "out_transvariation")?;
        let all = box_ref::<cpindex_rank_plan>(total_plan, "total_plan")?;
        let ptrs = try_slice(group_plans, n_groups, "group_plans")?;
        let labs = try_slice(labels, n_groups, "labels")?;
        let mut groups = Vec::with_capacity(n_groups);
        for (i, (&p, &l)) in ptrs.iter().zip(labs).enumerate() {
            let plan = box_ref::<cpindex_rank_plan>(p, &format!("group_plans[{i}]"))?;
            groups.push((l as usize, plan.clone()));
        }
        let d = dagum_decomposition_from_plans(all, &groups)?;
        t.write(d.total);
        wi.write(d.within);
        b.write(d.between_net);
        tv.write(d.transvariation);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_have_fixed_layouts() {
        assert_eq!(std::mem::size_of::<cpindex_rank_query>(), 24);
        assert_eq!(std::mem::size_of::<cpindex_probe>(), 40);
    }
}
