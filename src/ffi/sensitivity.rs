//! Uncertainty and sensitivity analysis of the index ranks (`crate::sensitivity`,
//! docs/sensitivity.md): run it with a JSON sensitivity spec, then read each unit's rank
//! and score statistics and each assumption's Sobol indices into caller arrays, or the
//! whole result (design, every run) as JSON for audit.
//!
//! A `cpindex_sensitivity_result` is immutable and `Arc`-backed and owns copies of
//! everything it reports: the framework and panel may be freed once the run returns.

use std::os::raw::c_char;
use std::sync::Arc;

use super::error::FfiError;
use super::framework::{cpindex_framework, framework_ref};
use super::guard::{guard_default, guard_status};
use super::handle::{arc_free, arc_into_ptr, arc_ref, ArcHandle};
use super::panel::{cpindex_panel, panel_ref};
use super::slice::{out_ptr, write_array};
use super::status::cpindex_status;
use super::string::{try_str, write_text_to};
use crate::sensitivity::{analyse, SensitivityResults, SensitivitySpec};

/// The result of one uncertainty and sensitivity analysis
/// (`crate::sensitivity::SensitivityResults`), immutable.
///
/// Create with `cpindex_sensitivity_run`; free with `cpindex_sensitivity_result_free`.
///
/// **Thread safety:** may be used from multiple threads simultaneously (every function
/// takes it as `const`; the Rust type is `Send + Sync`, asserted at compile time).
pub struct cpindex_sensitivity_result {
    _private: [u8; 0],
}

impl ArcHandle for cpindex_sensitivity_result {
    type Rust = SensitivityResults;
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Arc<SensitivityResults>>();
};

/// A per-unit column of the uncertainty analysis, for `cpindex_sensitivity_result_units`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_sensitivity_unit_column {
    /// Rank under the nominal spec.
    NominalRank = 0,
    /// Median rank over the runs.
    MedianRank = 1,
    /// 5th percentile of the ranks.
    RankP05 = 2,
    /// 95th percentile of the ranks.
    RankP95 = 3,
    /// Mean |rank − nominal rank|.
    MeanAbsRankShift = 4,
    /// Score under the nominal spec.
    NominalScore = 5,
    /// Median score.
    MedianScore = 6,
    /// 5th percentile of the scores.
    ScoreP05 = 7,
    /// 95th percentile of the scores.
    ScoreP95 = 8,
    /// Mean |score − nominal score|.
    MeanAbsScoreShift = 9,
}

/// A per-assumption column of the Sobol indices (target: the mean absolute rank shift), for
/// `cpindex_sensitivity_result_indices`. Columns 2–7 need a bootstrap (`bootstrap` > 0).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_sensitivity_index_column {
    /// First-order index Sᵢ (Saltelli et al. 2010).
    First = 0,
    /// Total index S_Tᵢ (Jansen 1999).
    Total = 1,
    /// Bootstrap standard error of Sᵢ.
    FirstSe = 2,
    /// Bootstrap standard error of S_Tᵢ.
    TotalSe = 3,
    /// Lower end of the bootstrap percentile interval of Sᵢ.
    FirstLow = 4,
    /// Upper end of the interval of Sᵢ.
    FirstHigh = 5,
    /// Lower end of the interval of S_Tᵢ.
    TotalLow = 6,
    /// Upper end of the interval of S_Tᵢ.
    TotalHigh = 7,
}

/// Runs the uncertainty and sensitivity analysis (`crate::sensitivity::analyse`,
/// docs/sensitivity.md) with the sensitivity spec given as JSON text
/// (`{"spec": …, "assumptions": […], "n": …}`; `assumptions` is required).
///
/// **Ownership:** on success `*out` receives a new result the caller frees with
/// `cpindex_sensitivity_result_free`; the framework and panel may be freed afterwards.
/// **NULL:** `framework`, `panel`, `spec_json` and `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_JSON_ERROR`, `CPINDEX_STATUS_INVALID_SPEC` (unknown or impossible field,
/// named by its path, e.g. `assumptions[1].probabilities`; N too small for the bootstrap),
/// `CPINDEX_STATUS_INVALID_ARGUMENT` (a run failed: the message names it and its
/// alternatives; or the sample is larger than the limit of `cpindex_set_max_panel_cells`
/// — N(k + 2) runs × units ranks kept, bootstrap draws × k — checked before allocating,
/// never an abort), and the pipeline's errors for the nominal run.
/// **Thread safety:** may be called from any thread; it starts its own worker threads
/// (`threads` in the spec) and only reads the framework and panel.
///
/// # Safety
/// `framework` and `panel` live handles; `spec_json` valid for `spec_len` bytes; `out`
/// valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_sensitivity_run(
    framework: *const cpindex_framework,
    panel: *const cpindex_panel,
    spec_json: *const c_char,
    spec_len: usize,
    out: *mut *const cpindex_sensitivity_result,
) -> cpindex_status {
    guard_status("cpindex_sensitivity_run", || {
        let out = out_ptr(out, "out")?;
        let fw = framework_ref(framework, "framework")?;
        let p = panel_ref(panel, "panel")?;
        if spec_json.is_null() {
            return Err(FfiError::null("spec_json"));
        }
        let spec = SensitivitySpec::from_json(try_str(spec_json, spec_len, "spec_json")?)?;
        let results = analyse(fw, p, &spec)?;
        out.write(arc_into_ptr::<cpindex_sensitivity_result>(Arc::new(
            results,
        )));
        Ok(())
    })
}

/// Frees a result. NULL is a no-op; freeing twice is undefined behaviour.
///
/// **Ownership:** the result is destroyed. **NULL:** allowed (no-op). **Errors:** none.
/// **Thread safety:** any thread, once no other call uses the result.
///
/// # Safety
/// `result` NULL or a live result not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cpindex_sensitivity_result_free(
    result: *const cpindex_sensitivity_result,
) {
    guard_default("cpindex_sensitivity_result_free", || arc_free(result))
}

/// The result's dimensions: units, assumptions, runs (N(k + 2)), the base sample size N,
/// the period analysed and the seed used.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; out-pointers valid for writes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_sensitivity_result_dims(
    result: *const cpindex_sensitivity_result,
    out_n_units: *mut usize,
    out_n_assumptions: *mut usize,
    out_n_runs: *mut usize,
    out_n: *mut usize,
    out_period: *mut i32,
    out_seed: *mut u64,
) -> cpindex_status {
    guard_status("cpindex_sensitivity_result_dims", || {
        let r = arc_ref::<cpindex_sensitivity_result>(result, "result")?;
        let a = out_ptr(out_n_units, "out_n_units")?;
        let b = out_ptr(out_n_assumptions, "out_n_assumptions")?;
        let c = out_ptr(out_n_runs, "out_n_runs")?;
        let d = out_ptr(out_n, "out_n")?;
        let e = out_ptr(out_period, "out_period")?;
        let f = out_ptr(out_seed, "out_seed")?;
        a.write(r.units.len());
        b.write(r.assumptions.len());
        c.write(r.target.len());
        d.write(r.spec.n);
        e.write(r.period);
        f.write(r.spec.seed);
        Ok(())
    })
}

/// Copies id number `index` of a list — 0 units, 1 assumptions (their `kind`) — into a
/// caller buffer, NUL-terminated; `*out_len` always receives its length (size query with
/// `(NULL, 0)`).
///
/// **Ownership:** the caller owns `buf`. **NULL:** `result` and `out_len` must not be
/// NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// list code, index past the end), `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; `buf` valid for `buf_len` bytes; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_sensitivity_result_id(
    result: *const cpindex_sensitivity_result,
    list: u32,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_sensitivity_result_id", || {
        let r = arc_ref::<cpindex_sensitivity_result>(result, "result")?;
        let (ids, what) = match list {
            0 => (&r.units, "unit"),
            1 => (&r.assumptions, "assumption"),
            _ => {
                return Err(FfiError::invalid(
                    "list",
                    format!("{list} is not a list code (0 units, 1 assumptions)"),
                ))
            }
        };
        let id = ids.get(index).ok_or_else(|| {
            FfiError::invalid(
                "index",
                format!(
                    "{what} index {index} is past the end (the result has {} {what}s)",
                    ids.len()
                ),
            )
        })?;
        write_text_to(id, buf, buf_len, out_len)
    })
}

/// Copies one per-unit column of the uncertainty analysis (`cpindex_sensitivity_unit_column`
/// code) into a caller array, one value per unit in result order (size query with
/// `(NULL, 0)`). A unit without a score in every run has NaN statistics; nothing else is NaN.
///
/// **Ownership:** the caller owns `buf`. **NULL:** `result` and `out_len` must not be
/// NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// column code), `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; `buf` valid for `buf_len` elements; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_sensitivity_result_units(
    result: *const cpindex_sensitivity_result,
    column: u32,
    buf: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_sensitivity_result_units", || {
        let r = arc_ref::<cpindex_sensitivity_result>(result, "result")?;
        let pick: fn(&crate::sensitivity::UnitUncertainty) -> f64 = match column {
            0 => |u| u.nominal_rank,
            1 => |u| u.median_rank,
            2 => |u| u.rank_p05,
            3 => |u| u.rank_p95,
            4 => |u| u.mean_abs_rank_shift,
            5 => |u| u.nominal_score,
            6 => |u| u.median_score,
            7 => |u| u.score_p05,
            8 => |u| u.score_p95,
            9 => |u| u.mean_abs_score_shift,
            _ => {
                return Err(FfiError::invalid(
                    "column",
                    format!("{column} is not a cpindex_sensitivity_unit_column code (0–9)"),
                ))
            }
        };
        let v: Vec<f64> = r.uncertainty.iter().map(pick).collect();
        write_array(&v, buf, buf_len, out_len, "the unit column")
    })
}

/// Copies one per-assumption column of the Sobol indices on the mean absolute rank shift
/// (`cpindex_sensitivity_index_column` code) into a caller array, one value per assumption
/// (size query with `(NULL, 0)`).
///
/// **Ownership:** the caller owns `buf`. **NULL:** `result` and `out_len` must not be
/// NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// column code; a bootstrap column when the spec asked for no bootstrap),
/// `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; `buf` valid for `buf_len` elements; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_sensitivity_result_indices(
    result: *const cpindex_sensitivity_result,
    column: u32,
    buf: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_sensitivity_result_indices", || {
        let r = arc_ref::<cpindex_sensitivity_result>(result, "result")?;
        let s = &r.sobol;
        let boot = || {
            s.bootstrap.as_ref().ok_or_else(|| {
                FfiError::invalid(
                    "column",
                    format!(
                        "column {column} needs a bootstrap, and the spec asked for none (bootstrap = 0)"
                    ),
                )
            })
        };
        let v: Vec<f64> = match column {
            0 => s.first.clone(),
            1 => s.total.clone(),
            2 => boot()?.first_se.clone(),
            3 => boot()?.total_se.clone(),
            4 => boot()?.first_interval.iter().map(|x| x.0).collect(),
            5 => boot()?.first_interval.iter().map(|x| x.1).collect(),
            6 => boot()?.total_interval.iter().map(|x| x.0).collect(),
            7 => boot()?.total_interval.iter().map(|x| x.1).collect(),
            _ => {
                return Err(FfiError::invalid(
                    "column",
                    format!("{column} is not a cpindex_sensitivity_index_column code (0–7)"),
                ))
            }
        };
        write_array(&v, buf, buf_len, out_len, "the index column")
    })
}

/// The whole result as JSON text — the spec with its defaults, the sample matrices `A` and
/// `B`, each run's alternatives, target, ranks and scores — for audit (NaN as `null`).
/// Caller buffer with size query (`(NULL, 0)`), NUL-terminated.
///
/// **Ownership:** the caller owns `buf`. **NULL:** `result` and `out_len` must not be
/// NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; `buf` valid for `buf_len` bytes; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_sensitivity_result_json(
    result: *const cpindex_sensitivity_result,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_sensitivity_result_json", || {
        let r = arc_ref::<cpindex_sensitivity_result>(result, "result")?;
        write_text_to(&r.to_json(), buf, buf_len, out_len)
    })
}
