//! The composite-index engine: run a framework over a panel with a JSON spec, then read
//! scores, ranks, normalised values, contributions, obstacle degrees and weights back into
//! caller arrays (one value per unit, in the result's unit order).
//!
//! A `cpindex_index_result` is immutable and `Arc`-backed: it owns copies of everything it
//! reports (unit ids, periods, node ids), so the framework and panel may be freed as soon
//! as `cpindex_index_run` returns.

use std::os::raw::c_char;
use std::sync::{Arc, OnceLock};

use super::error::{FfiError, FfiResult};
use super::framework::{cpindex_framework, framework_ref};
use super::guard::{guard_default, guard_status};
use super::handle::{arc_into_ptr, arc_ref, ArcHandle};
use super::panel::{cpindex_panel, panel_ref};
use super::slice::{out_ptr, write_array};
use super::status::cpindex_status;
use super::string::{try_str, write_joined_to, write_text_to};
use crate::method::{run, IdOrder, Results, Spec};

/// The results of one composite-index run (`crate::method::Results`), immutable.
///
/// Create with `cpindex_index_run`; free with `cpindex_index_result_free`.
///
/// **Thread safety:** may be used from multiple threads simultaneously (every function
/// takes it as `const`; the Rust type is `Send + Sync`, asserted at compile time).
pub struct cpindex_index_result {
    _private: [u8; 0],
}

impl ArcHandle for cpindex_index_result {
    type Rust = IndexResult;
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Arc<IndexResult>>();
};

/// What a result handle holds: the results, and for each cube its ids sorted on the first
/// lookup by id, so a caller reading every column by id (Python reads a table so) makes
/// O(log n) comparisons per read, not a linear search each — quadratic in nodes or
/// indicators (50,000 dimensions: 1.25 billion string comparisons).
pub(crate) struct IndexResult {
    results: Results,
    // one per `CubeOf`, at its discriminant; immutable results, so an order never goes
    // stale
    orders: [OnceLock<IdOrder>; CubeOf::COUNT],
}

/// The cubes of a result that the column readers read by id.
#[derive(Clone, Copy)]
enum CubeOf {
    Scores,
    Ranks,
    Normalised,
    Contributions,
    Obstacles,
    DimensionObstacles,
}

impl CubeOf {
    const COUNT: usize = 6;

    fn of(self, r: &Results) -> &crate::method::Cube {
        match self {
            CubeOf::Scores => &r.scores,
            CubeOf::Ranks => &r.ranks,
            CubeOf::Normalised => &r.normalised,
            CubeOf::Contributions => &r.contributions,
            CubeOf::Obstacles => &r.obstacles,
            CubeOf::DimensionObstacles => &r.dimension_obstacles,
        }
    }
}

impl IndexResult {
    pub(crate) fn new(results: Results) -> IndexResult {
        IndexResult {
            results,
            orders: Default::default(),
        }
    }

    /// The column of `id` in cube `which`, period position `p`.
    fn column(&self, which: CubeOf, id: &str, p: usize) -> Option<&[f64]> {
        let cube = which.of(&self.results);
        let k = self.orders[which as usize]
            .get_or_init(|| IdOrder::new(&cube.ids))
            .find(&cube.ids, id)?;
        (p < cube.n_periods).then(|| cube.column(k, p))
    }
}

impl std::ops::Deref for IndexResult {
    type Target = Results;
    fn deref(&self) -> &Results {
        &self.results
    }
}

/// Which weight of a child within its parent, for `cpindex_index_result_weights`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_weight_kind {
    /// As given or computed, before normalisation.
    Raw = 0,
    /// Normalised within the parent (siblings sum to 1).
    Normalised = 1,
    /// Effective weight in the index (product of normalised weights down the tree).
    Effective = 2,
}

impl cpindex_weight_kind {
    fn from_code(code: u32, name: &str) -> FfiResult<cpindex_weight_kind> {
        match code {
            0 => Ok(cpindex_weight_kind::Raw),
            1 => Ok(cpindex_weight_kind::Normalised),
            2 => Ok(cpindex_weight_kind::Effective),
            _ => Err(FfiError::invalid(
                name,
                format!(
                    "{code} is not a cpindex_weight_kind code (0 RAW, 1 NORMALISED, 2 EFFECTIVE)"
                ),
            )),
        }
    }
}

/// Parses a spec given as `(text, len)`; empty text means every default (`{}`).
pub(crate) unsafe fn spec_text<'a>(ptr: *const c_char, len: usize) -> FfiResult<&'a str> {
    let text = try_str(ptr, len, "spec_json")?;
    Ok(if text.trim().is_empty() { "{}" } else { text })
}

/// Runs the composite-index pipeline (`crate::method::run`, docs/methods.md and
/// docs/spec.md): screening, imputation, treatment, normalisation, weighting and
/// aggregation over the framework's hierarchy, with the spec given as JSON text
/// (`(NULL, 0)` or blank = every default).
///
/// **Ownership:** on success `*out` receives a new result the caller frees with
/// `cpindex_index_result_free`. It copies what it needs: the framework and panel may be
/// freed afterwards. **NULL:** `framework`, `panel` and `out` must not be NULL;
/// `spec_json` may be NULL when `spec_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_JSON_ERROR` (malformed spec, with line and column),
/// `CPINDEX_STATUS_INVALID_SPEC` (unknown or impossible spec field, named by its dotted
/// path), `CPINDEX_STATUS_UNKNOWN_ID` (a panel indicator not in the framework),
/// `CPINDEX_STATUS_INVALID_FRAMEWORK`, and the domain errors of the chosen methods.
/// **Thread safety:** may be called from any thread; the framework and panel are only read
/// (other `const` calls may run on them concurrently).
///
/// # Safety
/// `framework` and `panel` live handles; `spec_json` valid for `spec_len` bytes; `out`
/// valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_index_run(
    framework: *const cpindex_framework,
    panel: *const cpindex_panel,
    spec_json: *const c_char,
    spec_len: usize,
    out: *mut *const cpindex_index_result,
) -> cpindex_status {
    guard_status("cpindex_index_run", || {
        let out = out_ptr(out, "out")?;
        let fw = framework_ref(framework, "framework")?;
        let p = panel_ref(panel, "panel")?;
        let spec = Spec::from_json(spec_text(spec_json, spec_len)?)?;
        let results = run(fw, p, &spec)?;
        out.write(arc_into_ptr::<cpindex_index_result>(Arc::new(
            IndexResult::new(results),
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
pub unsafe extern "C" fn cpindex_index_result_free(result: *const cpindex_index_result) {
    guard_default("cpindex_index_result_free", || {
        if result.is_null() {
            return;
        }
        // SAFETY: `result` comes from `arc_into_ptr::<cpindex_index_result>` (the only way
        // a result handle is made) and the caller gives up its reference here, exactly as
        // `arc_free` does; the value is dropped once, by the last owner.
        let arc = unsafe { Arc::from_raw(result.cast::<IndexResult>()) };
        if let Some(mut r) = Arc::into_inner(arc) {
            // the largest buffer of a result: kept for the next run's normalised cube
            crate::data::recycle_buffer(std::mem::take(&mut r.results.normalised.data));
        }
    })
}

/// The result's dimensions: units, periods computed, indicators used and nodes of the
/// aggregation tree (node 0 is the index, then the dimensions breadth-first).
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; out-pointers valid for writes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_index_result_dims(
    result: *const cpindex_index_result,
    out_n_units: *mut usize,
    out_n_periods: *mut usize,
    out_n_indicators: *mut usize,
    out_n_nodes: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_index_result_dims", || {
        let r = arc_ref::<cpindex_index_result>(result, "result")?;
        let a = out_ptr(out_n_units, "out_n_units")?;
        let b = out_ptr(out_n_periods, "out_n_periods")?;
        let c = out_ptr(out_n_indicators, "out_n_indicators")?;
        let d = out_ptr(out_n_nodes, "out_n_nodes")?;
        a.write(r.units.len());
        b.write(r.periods.len());
        c.write(r.indicators.len());
        d.write(r.nodes.len());
        Ok(())
    })
}

/// Ids of the result, for `cpindex_index_result_id`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_index_list {
    /// Unit ids (the order of every array the readers return).
    Unit = 0,
    /// Indicator ids used (grouped by dimension).
    Indicator = 1,
    /// Node ids: 0 is the index (its id is the framework id), then the dimensions.
    Node = 2,
}

/// Copies id number `index` of a list (`cpindex_index_list` code) into a caller buffer,
/// NUL-terminated; `*out_len` always receives its length (size query with `(NULL, 0)`).
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
pub unsafe extern "C" fn cpindex_index_result_id(
    result: *const cpindex_index_result,
    list: u32,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_index_result_id", || {
        let r = arc_ref::<cpindex_index_result>(result, "result")?;
        let list = cpindex_index_list::from_code(list)?;
        // one id looked up by index: no list of every id is built (issue 16: reading all
        // unit ids one by one was quadratic)
        let (id, n, what) = match list {
            cpindex_index_list::Unit => (
                r.units.get(index).map(String::as_str),
                r.units.len(),
                "unit",
            ),
            cpindex_index_list::Indicator => (
                r.indicators.get(index).map(String::as_str),
                r.indicators.len(),
                "indicator",
            ),
            cpindex_index_list::Node => (
                r.nodes.get(index).map(|n| n.id.as_str()),
                r.nodes.len(),
                "node",
            ),
        };
        let id = id.ok_or_else(|| {
            FfiError::invalid(
                "index",
                format!("{what} index {index} is past the end (the result has {n} {what}s)"),
            )
        })?;
        write_text_to(id, buf, buf_len, out_len)
    })
}

impl cpindex_index_list {
    fn from_code(code: u32) -> FfiResult<cpindex_index_list> {
        match code {
            0 => Ok(cpindex_index_list::Unit),
            1 => Ok(cpindex_index_list::Indicator),
            2 => Ok(cpindex_index_list::Node),
            _ => Err(FfiError::invalid(
                "list",
                format!("{code} is not a cpindex_index_list code (0 UNIT, 1 INDICATOR, 2 NODE)"),
            )),
        }
    }
}

/// Copies every id of a list (`cpindex_index_list` code) into one caller buffer in a single
/// call: the ids in order, each followed by a NUL byte. `*out_len` always receives the total
/// size **including** every NUL (size query with `(NULL, 0)`); split the buffer at the NULs
/// (a result of n ids gives n texts — if an id itself holds a NUL, possible only through a
/// JSON `\u0000` escape, read it with `cpindex_index_result_id` instead).
///
/// **Ownership:** the caller owns `buf`. **NULL:** `result` and `out_len` must not be
/// NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// list code), `CPINDEX_STATUS_BUFFER_TOO_SMALL` (`buf_len < *out_len`).
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; `buf` valid for `buf_len` bytes; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_index_result_ids(
    result: *const cpindex_index_result,
    list: u32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_index_result_ids", || {
        let r = arc_ref::<cpindex_index_result>(result, "result")?;
        match cpindex_index_list::from_code(list)? {
            cpindex_index_list::Unit => {
                write_joined_to(r.units.iter().map(String::as_str), buf, buf_len, out_len)
            }
            cpindex_index_list::Indicator => write_joined_to(
                r.indicators.iter().map(String::as_str),
                buf,
                buf_len,
                out_len,
            ),
            cpindex_index_list::Node => {
                write_joined_to(r.nodes.iter().map(|n| n.id.as_str()), buf, buf_len, out_len)
            }
        }
    })
}

/// Copies the periods computed (ascending) into a caller array (size query with
/// `(NULL, 0)`).
///
/// **Ownership:** the caller owns `buf`. **NULL:** `result` and `out_len` must not be
/// NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; `buf` valid for `buf_len` elements; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_index_result_periods(
    result: *const cpindex_index_result,
    buf: *mut i32,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_index_result_periods", || {
        let r = arc_ref::<cpindex_index_result>(result, "result")?;
        write_array(&r.periods, buf, buf_len, out_len, "the periods")
    })
}

/// Which table a column reader reads.
#[derive(Clone, Copy)]
enum Table {
    Scores,
    Ranks,
    Normalised,
    Contributions,
    Obstacles,
}

fn column<'a>(r: &'a IndexResult, table: Table, id: &str, period: i32) -> FfiResult<&'a [f64]> {
    let Some(p) = r.periods.iter().position(|&x| x == period) else {
        return Err(crate::Error::unknown_id(
            "period",
            format!("{period} (the result has {:?})", r.periods),
        )
        .into());
    };
    let (found, cube, what) = match table {
        Table::Scores => match r.column(CubeOf::Scores, id, p) {
            Some(c) => (Some(c), "scores", "node"),
            // An indicator's score is its normalised value.
            None => (
                r.column(CubeOf::Normalised, id, p),
                "scores",
                "node or indicator",
            ),
        },
        Table::Ranks => (r.column(CubeOf::Ranks, id, p), "ranks", "node"),
        Table::Normalised => (
            r.column(CubeOf::Normalised, id, p),
            "normalised values",
            "indicator",
        ),
        Table::Contributions => (
            r.column(CubeOf::Contributions, id, p),
            "contributions",
            "indicator",
        ),
        Table::Obstacles => match r.column(CubeOf::Obstacles, id, p) {
            Some(c) => (Some(c), "obstacle degrees", "indicator"),
            // a dimension's obstacle degree: the sum over its indicators
            None => (
                r.column(CubeOf::DimensionObstacles, id, p),
                "obstacle degrees",
                "indicator or dimension",
            ),
        },
    };
    if let Some(c) = found {
        return Ok(c);
    }
    let empty = match table {
        Table::Contributions => r.contributions.ids.is_empty(),
        Table::Obstacles => r.obstacles.ids.is_empty(),
        _ => false,
    };
    if empty {
        return Err(FfiError::invalid(
            "result",
            format!("{cube} were not computed (switched off in the spec's `outputs`)"),
        ));
    }
    Err(crate::Error::unknown_id(what, format!("{id} (no {cube} for it in this result)")).into())
}

#[allow(clippy::too_many_arguments)] // the C signature's arguments, passed through
unsafe fn read_column(
    result: *const cpindex_index_result,
    table: Table,
    id: *const c_char,
    id_len: usize,
    period: i32,
    buf: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> FfiResult<()> {
    let r = arc_ref::<cpindex_index_result>(result, "result")?;
    let id = try_str(id, id_len, "id")?;
    let c = column(r, table, id, period)?;
    write_array(c, buf, buf_len, out_len, "the column")
}

/// Scores of a node (the index — its id is the framework id — or a dimension; an indicator
/// id gives its normalised value) in `period`, one per unit in result order; NaN where not
/// defined. Caller array with size query (`(NULL, 0)` gives the unit count).
///
/// **Ownership:** the caller owns `buf`. **NULL:** `result` and `out_len` must not be
/// NULL; `id` may be NULL when `id_len` is 0; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_UNKNOWN_ID` (id or period), `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; `id` valid for `id_len` bytes; `buf` valid for `buf_len`
/// elements; `out_len` valid for a write.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)] // handle, id text, period, caller array
pub unsafe extern "C" fn cpindex_index_result_scores(
    result: *const cpindex_index_result,
    id: *const c_char,
    id_len: usize,
    period: i32,
    buf: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_index_result_scores", || {
        read_column(
            result,
            Table::Scores,
            id,
            id_len,
            period,
            buf,
            buf_len,
            out_len,
        )
    })
}

/// Ranks (1 = highest score; ties by the spec's rule; NaN where the score is NaN) of a node
/// in `period`, one per unit. With `ranks.index_only` only the index has ranks.
///
/// **Ownership:** the caller owns `buf`. **NULL:** as `cpindex_index_result_scores`.
/// **Errors:** as `cpindex_index_result_scores`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// As `cpindex_index_result_scores`.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cpindex_index_result_ranks(
    result: *const cpindex_index_result,
    id: *const c_char,
    id_len: usize,
    period: i32,
    buf: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_index_result_ranks", || {
        read_column(
            result,
            Table::Ranks,
            id,
            id_len,
            period,
            buf,
            buf_len,
            out_len,
        )
    })
}

/// Normalised values of an indicator in `period` (after imputation and treatment), one per
/// unit.
///
/// **Ownership:** the caller owns `buf`. **NULL:** as `cpindex_index_result_scores`.
/// **Errors:** as `cpindex_index_result_scores`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// As `cpindex_index_result_scores`.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cpindex_index_result_normalised(
    result: *const cpindex_index_result,
    id: *const c_char,
    id_len: usize,
    period: i32,
    buf: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_index_result_normalised", || {
        read_column(
            result,
            Table::Normalised,
            id,
            id_len,
            period,
            buf,
            buf_len,
            out_len,
        )
    })
}

/// Contribution shares of an indicator to each unit's index score in `period`
/// (`w_eff·y / score` for arithmetic aggregation; OECD/JRC Handbook 2008 step 8).
///
/// **Ownership:** the caller owns `buf`. **NULL:** as `cpindex_index_result_scores`.
/// **Errors:** as `cpindex_index_result_scores`, plus `CPINDEX_STATUS_INVALID_ARGUMENT`
/// when the spec switched contributions off.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// As `cpindex_index_result_scores`.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cpindex_index_result_contributions(
    result: *const cpindex_index_result,
    id: *const c_char,
    id_len: usize,
    period: i32,
    buf: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_index_result_contributions", || {
        read_column(
            result,
            Table::Contributions,
            id,
            id_len,
            period,
            buf,
            buf_len,
            out_len,
        )
    })
}

/// Obstacle degrees (障碍度) of an indicator for each unit in `period`:
/// `w_j(1 − y'_ij) / Σ_k w_k(1 − y'_ik)`; for a dimension id, the sum over the indicators
/// below it. Shares, or percent with the spec's `outputs.obstacle_scale = "percent"`.
///
/// **Ownership:** the caller owns `buf`. **NULL:** as `cpindex_index_result_scores`.
/// **Errors:** as `cpindex_index_result_contributions`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// As `cpindex_index_result_scores`.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cpindex_index_result_obstacles(
    result: *const cpindex_index_result,
    id: *const c_char,
    id_len: usize,
    period: i32,
    buf: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_index_result_obstacles", || {
        read_column(
            result,
            Table::Obstacles,
            id,
            id_len,
            period,
            buf,
            buf_len,
            out_len,
        )
    })
}

/// Weights of the children of `node` (index or dimension id) in `period`, in the order of
/// the node's children (read their ids with `cpindex_index_result_child_id`), of the kind
/// given by a `cpindex_weight_kind` code.
///
/// **Ownership:** the caller owns `buf`. **NULL:** as `cpindex_index_result_scores`.
/// **Errors:** as `cpindex_index_result_scores`, plus `CPINDEX_STATUS_INVALID_ARGUMENT`
/// for an unknown kind code.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// As `cpindex_index_result_scores`.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cpindex_index_result_weights(
    result: *const cpindex_index_result,
    node: *const c_char,
    node_len: usize,
    period: i32,
    kind: u32,
    buf: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_index_result_weights", || {
        let r = arc_ref::<cpindex_index_result>(result, "result")?;
        let kind = cpindex_weight_kind::from_code(kind, "kind")?;
        let node = try_str(node, node_len, "node")?;
        let n = r
            .nodes
            .iter()
            .find(|n| n.id == node)
            .ok_or_else(|| FfiError::from(crate::Error::unknown_id("node", node)))?;
        if !r.periods.contains(&period) {
            return Err(crate::Error::unknown_id("period", period.to_string()).into());
        }
        let values: Vec<f64> = n
            .children
            .iter()
            .map(|c| {
                r.weights
                    .iter()
                    .find(|w| w.node == n.id && &w.child == c && w.period == period)
                    .map_or(f64::NAN, |w| match kind {
                        cpindex_weight_kind::Raw => w.raw,
                        cpindex_weight_kind::Normalised => w.normalised,
                        cpindex_weight_kind::Effective => w.effective,
                    })
            })
            .collect();
        write_array(&values, buf, buf_len, out_len, "the weights")
    })
}

/// Copies the id of child `index` of `node` (an indicator for a dimension holding
/// indicators, else a dimension) into a caller buffer; `*out_len` receives its length.
/// The number of children is the length `cpindex_index_result_weights` reports.
///
/// **Ownership:** the caller owns `buf`. **NULL:** `result` and `out_len` must not be
/// NULL; `node` may be NULL when `node_len` is 0; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_UNKNOWN_ID`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index past the end),
/// `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; texts and buffers valid for their lengths; `out_len` valid for
/// a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_index_result_child_id(
    result: *const cpindex_index_result,
    node: *const c_char,
    node_len: usize,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_index_result_child_id", || {
        let r = arc_ref::<cpindex_index_result>(result, "result")?;
        let node = try_str(node, node_len, "node")?;
        let n = r
            .nodes
            .iter()
            .find(|n| n.id == node)
            .ok_or_else(|| FfiError::from(crate::Error::unknown_id("node", node)))?;
        let c = n.children.get(index).ok_or_else(|| {
            FfiError::invalid(
                "index",
                format!(
                    "child index {index} is past the end (`{node}` has {} children)",
                    n.children.len()
                ),
            )
        })?;
        write_text_to(c, buf, buf_len, out_len)
    })
}

/// The whole result as pretty JSON (NaN as `null`; schema in docs/spec.md "Results"),
/// NUL-terminated into a caller buffer with the size-query convention.
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
pub unsafe extern "C" fn cpindex_index_result_to_json(
    result: *const cpindex_index_result,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_index_result_to_json", || {
        let r = arc_ref::<cpindex_index_result>(result, "result")?;
        write_text_to(&r.to_json(), buf, buf_len, out_len)
    })
}
