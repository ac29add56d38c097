//! Plan monitoring: run `crate::monitor::monitor` with a JSON spec, then read achievement
//! degrees (实现度), aggregated achievement, schedule and trend status codes, dashboard
//! colours and the dynamic monitoring index (动态监测指数) back (docs/monitoring.md).
//!
//! A `cpindex_monitor_result` is immutable and `Arc`-backed and owns copies of everything
//! it reports, so the framework and panel may be freed once `cpindex_monitor_run` returns.
//! Absent numbers (no target, no data …) read as NaN.

use std::os::raw::c_char;
use std::sync::Arc;

use super::error::{FfiError, FfiResult};
use super::framework::{cpindex_framework, framework_ref};
use super::guard::{guard_default, guard_status};
use super::handle::{arc_free, arc_into_ptr, arc_ref, ArcHandle};
use super::index::spec_text;
use super::panel::{cpindex_panel, panel_ref};
use super::slice::{out_ptr, try_slice, write_array};
use super::status::cpindex_status;
use super::string::{try_str, write_joined_to, write_text_to};
use crate::monitor::{
    monitor, monitor_with_detail, AchievementColumn, AchievementTable, Colour, MonitorDetail,
    MonitorResults, MonitorSpec, ScheduleStatus, TrendCategory,
};

/// The results of plan monitoring (`crate::monitor::MonitorResults`), immutable.
///
/// Create with `cpindex_monitor_run`; free with `cpindex_monitor_result_free`.
///
/// **Thread safety:** may be used from multiple threads simultaneously (every function
/// takes it as `const`; the Rust type is `Send + Sync`, asserted at compile time).
pub struct cpindex_monitor_result {
    _private: [u8; 0],
}

impl ArcHandle for cpindex_monitor_result {
    type Rust = MonitorResults;
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Arc<MonitorResults>>();
};

/// Numbers of one achievement record, for `cpindex_monitor_result_achievement`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_achievement_field {
    /// Ratio form x/T (T/x for lower-is-better), capped at 1.
    Capped = 0,
    /// Ratio form, uncapped.
    Uncapped = 1,
    /// Progress form (x_t − x_0)/(T − x_0) from the baseline.
    Progress = 2,
    /// The headline score used for aggregation (per the spec's `form`).
    Score = 3,
    /// The observed value.
    Observed = 4,
    /// The target used.
    Target = 5,
    /// The baseline used.
    Baseline = 6,
    /// The share of the plan period elapsed.
    ElapsedShare = 7,
}

/// Schedule status codes (时间过半、任务过半), from `cpindex_monitor_result_status`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_schedule_status {
    /// The target is met.
    Achieved = 0,
    /// Ahead of elapsed time by more than the tolerance.
    Ahead = 1,
    /// Within the tolerance of elapsed time.
    OnSchedule = 2,
    /// Behind elapsed time (or target year reached without the target).
    Lagging = 3,
    /// No data, no target or no usable progress measure.
    NotAssessable = 4,
}

/// Trend classes (Open SDG progress categories), from `cpindex_monitor_result_status`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_trend_class {
    /// Target achieved.
    TargetAchieved = 0,
    /// On track.
    OnTrack = 1,
    /// Progress made, acceleration needed.
    AccelerationNeeded = 2,
    /// Limited progress.
    LimitedProgress = 3,
    /// Deterioration.
    Deterioration = 4,
    /// Binary or annual target not achieved.
    NotAchieved = 5,
    /// Unable to assess.
    UnableToAssess = 6,
}

/// SDSN dashboard colours, from `cpindex_monitor_result_status`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_colour {
    /// Major challenges remain.
    Red = 0,
    /// Significant challenges remain.
    Orange = 1,
    /// Challenges remain.
    Yellow = 2,
    /// Target achieved.
    Green = 3,
    /// No data.
    Grey = 4,
}

/// Which status `cpindex_monitor_result_status` reports.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_status_kind {
    /// A `cpindex_schedule_status` code for (unit, indicator) in the evaluation year.
    Schedule = 0,
    /// A `cpindex_trend_class` code for (unit, indicator) up to the evaluation year.
    Trend = 1,
    /// A `cpindex_colour` code for (unit, indicator or dimension id) in the evaluation year.
    Colour = 2,
}

/// Series of the dynamic index, for `cpindex_monitor_result_dynamic`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_dynamic_series {
    /// Fixed-base index 100·C_t/C_base.
    FixedBase = 0,
    /// Chained index (100 at the base, times each year's matched link).
    Chained = 1,
    /// The composite of the rescaled values.
    Composite = 2,
}

/// Runs plan monitoring (`crate::monitor::monitor`; docs/monitoring.md) with the spec as
/// JSON text (`(NULL, 0)` or blank = every default).
///
/// **Ownership:** on success `*out` receives a new result the caller frees with
/// `cpindex_monitor_result_free`; the framework and panel may be freed afterwards.
/// **NULL:** `framework`, `panel` and `out` must not be NULL; `spec_json` may be NULL when
/// `spec_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_JSON_ERROR` (malformed spec or a value of the wrong type, with line and
/// column),
/// `CPINDEX_STATUS_INVALID_SPEC` (impossible values), `CPINDEX_STATUS_UNKNOWN_ID` (unit or
/// year of the spec not in the panel), `CPINDEX_STATUS_MISSING_VALUE` (baseline policy
/// `error`), `CPINDEX_STATUS_INVALID_FRAMEWORK`, `CPINDEX_STATUS_EMPTY_INPUT`,
/// `CPINDEX_STATUS_INVALID_ARGUMENT` (more records — units × framework indicators ×
/// evaluated years — than the limit of `cpindex_set_max_panel_cells`, or memory the
/// machine cannot give: checked before allocating, never an abort).
/// **Thread safety:** may be called from any thread; the framework and panel are only read.
///
/// # Safety
/// `framework` and `panel` live handles; `spec_json` valid for `spec_len` bytes; `out`
/// valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_monitor_run(
    framework: *const cpindex_framework,
    panel: *const cpindex_panel,
    spec_json: *const c_char,
    spec_len: usize,
    out: *mut *const cpindex_monitor_result,
) -> cpindex_status {
    guard_status("cpindex_monitor_run", || {
        let out = out_ptr(out, "out")?;
        let fw = framework_ref(framework, "framework")?;
        let p = panel_ref(panel, "panel")?;
        let spec = MonitorSpec::from_json(spec_text(spec_json, spec_len)?)?;
        let results = monitor(fw, p, &spec)?;
        out.write(arc_into_ptr::<cpindex_monitor_result>(Arc::new(results)));
        Ok(())
    })
}

/// `cpindex_monitor_run` on `threads` threads: the units are monitored in consecutive
/// shares (at least 32 units each), one per thread, and joined in unit order
/// (`MonitorDetail::threads`, docs/monitoring.md). The result is the same as
/// `cpindex_monitor_run`'s for any number of threads. `threads` 0 = the machine's
/// available parallelism; 1 = the calling thread only (as `cpindex_monitor_run`).
///
/// **Ownership:** as `cpindex_monitor_run`. **NULL:** as `cpindex_monitor_run`.
/// **Errors:** as `cpindex_monitor_run`.
/// **Thread safety:** may be called from any thread; the threads it starts have ended
/// when it returns.
///
/// # Safety
/// As `cpindex_monitor_run`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_monitor_run_threads(
    framework: *const cpindex_framework,
    panel: *const cpindex_panel,
    spec_json: *const c_char,
    spec_len: usize,
    threads: usize,
    out: *mut *const cpindex_monitor_result,
) -> cpindex_status {
    guard_status("cpindex_monitor_run_threads", || {
        let out = out_ptr(out, "out")?;
        let fw = framework_ref(framework, "framework")?;
        let p = panel_ref(panel, "panel")?;
        let spec = MonitorSpec::from_json(spec_text(spec_json, spec_len)?)?;
        let threads = match threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let detail = MonitorDetail {
            threads,
            ..MonitorDetail::default()
        };
        let results = monitor_with_detail(fw, p, None, &spec, detail)?;
        out.write(arc_into_ptr::<cpindex_monitor_result>(Arc::new(results)));
        Ok(())
    })
}

/// Frees a monitoring result. NULL is a no-op; freeing twice is undefined behaviour.
///
/// **Ownership:** the result is destroyed. **NULL:** allowed (no-op). **Errors:** none.
/// **Thread safety:** any thread, once no other call uses the result.
///
/// # Safety
/// `result` NULL or a live result not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cpindex_monitor_result_free(result: *const cpindex_monitor_result) {
    guard_default("cpindex_monitor_result_free", || arc_free(result))
}

/// The plan years and the number of units monitored: base year, target year, evaluation
/// year (schedule, trend, dashboard) and unit count.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; out-pointers valid for writes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_monitor_result_dims(
    result: *const cpindex_monitor_result,
    out_base_year: *mut i32,
    out_target_year: *mut i32,
    out_year: *mut i32,
    out_n_units: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_monitor_result_dims", || {
        let r = arc_ref::<cpindex_monitor_result>(result, "result")?;
        let a = out_ptr(out_base_year, "out_base_year")?;
        let b = out_ptr(out_target_year, "out_target_year")?;
        let c = out_ptr(out_year, "out_year")?;
        let d = out_ptr(out_n_units, "out_n_units")?;
        a.write(r.base_year);
        b.write(r.target_year);
        c.write(r.year);
        d.write(r.units.len());
        Ok(())
    })
}

/// Copies the id of monitored unit `index` into a caller buffer, NUL-terminated;
/// `*out_len` always receives its length (size query with `(NULL, 0)`).
///
/// **Ownership:** the caller owns `buf`. **NULL:** `result` and `out_len` must not be
/// NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index past
/// the end), `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; `buf` valid for `buf_len` bytes; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_monitor_result_unit_id(
    result: *const cpindex_monitor_result,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_monitor_result_unit_id", || {
        let r = arc_ref::<cpindex_monitor_result>(result, "result")?;
        let u = r.units.get(index).ok_or_else(|| {
            FfiError::invalid(
                "index",
                format!(
                    "unit index {index} is past the end ({} units)",
                    r.units.len()
                ),
            )
        })?;
        write_text_to(u, buf, buf_len, out_len)
    })
}

/// Which ids `cpindex_monitor_result_ids` copies.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_monitor_list {
    /// The monitored units, in result order (the order of every per-unit array).
    Unit = 0,
    /// The framework's indicators, in framework order.
    Indicator = 1,
}

/// Copies every monitored unit id (`list` 0, `CPINDEX_MONITOR_LIST_UNIT`) or every
/// indicator id (`list` 1) into one caller buffer in a single call: the ids in order, each
/// followed by a NUL byte. `*out_len` always receives the total size **including** every
/// NUL (size query with `(NULL, 0)`); split the buffer at the NULs (if an id itself holds a
/// NUL, read the units with `cpindex_monitor_result_unit_id` instead).
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
pub unsafe extern "C" fn cpindex_monitor_result_ids(
    result: *const cpindex_monitor_result,
    list: u32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_monitor_result_ids", || {
        let r = arc_ref::<cpindex_monitor_result>(result, "result")?;
        let ids = match list {
            0 => r.units.as_slice(),
            1 => r.achievements.indicators(),
            _ => {
                return Err(FfiError::invalid(
                    "list",
                    format!("{list} is not a cpindex_monitor_list code (0 UNIT, 1 INDICATOR)"),
                ))
            }
        };
        write_joined_to(ids.iter().map(String::as_str), buf, buf_len, out_len)
    })
}

fn opt(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

fn unknown_unit(r: &MonitorResults, unit: &str) -> FfiError {
    crate::Error::unknown_id(
        "unit",
        format!("{unit} (monitored units: {})", r.units.join(", ")),
    )
    .into()
}

/// The row of (unit, indicator, year) in the achievement table (O(1)).
fn record(r: &MonitorResults, unit: &str, indicator: &str, year: i32) -> FfiResult<usize> {
    let t = &r.achievements;
    if let Some(row) = t.find(unit, indicator, year) {
        return Ok(row);
    }
    if r.unit_position(unit).is_none() {
        return Err(unknown_unit(r, unit));
    }
    if t.indicator_position(indicator).is_none() {
        return Err(crate::Error::unknown_id("indicator", indicator).into());
    }
    Err(crate::Error::unknown_id(
        "year",
        format!("{year} (no achievement record for `{unit}`/`{indicator}` that year)"),
    )
    .into())
}

fn check_field(field: u32) -> FfiResult<()> {
    if field <= 7 {
        Ok(())
    } else {
        Err(FfiError::invalid(
            "field",
            format!("{field} is not a cpindex_achievement_field code (0–7)"),
        ))
    }
}

/// The column of a `cpindex_achievement_field` code (`None`: the elapsed share, which is
/// per indicator × year).
fn column_of(field: u32) -> Option<AchievementColumn> {
    Some(match field {
        0 => AchievementColumn::RatioCapped,
        1 => AchievementColumn::Ratio,
        2 => AchievementColumn::Progress,
        3 => AchievementColumn::Score,
        4 => AchievementColumn::Observed,
        5 => AchievementColumn::Target,
        6 => AchievementColumn::Baseline,
        _ => return None,
    })
}

fn field_of(t: &AchievementTable, row: usize, field: u32) -> f64 {
    match column_of(field) {
        Some(c) => t.column(c)[row],
        None => t.elapsed_share(row),
    }
}

/// One number of the achievement record of (unit, indicator, year), chosen by a
/// `cpindex_achievement_field` code; NaN when absent (no data, no target …).
///
/// **Ownership:** nothing to free. **NULL:** `result` and `out` must not be NULL; a text
/// may be NULL when its length is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown field code), `CPINDEX_STATUS_UNKNOWN_ID`
/// (unit, indicator or year).
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; texts valid for their lengths; `out` valid for a write.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)] // two texts, a year, a selector, the output
pub unsafe extern "C" fn cpindex_monitor_result_achievement(
    result: *const cpindex_monitor_result,
    unit: *const c_char,
    unit_len: usize,
    indicator: *const c_char,
    indicator_len: usize,
    year: i32,
    field: u32,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_monitor_result_achievement", || {
        let r = arc_ref::<cpindex_monitor_result>(result, "result")?;
        let out = out_ptr(out, "out")?;
        let unit = try_str(unit, unit_len, "unit")?;
        let indicator = try_str(indicator, indicator_len, "indicator")?;
        check_field(field)?;
        let row = record(r, unit, indicator, year)?;
        out.write(field_of(&r.achievements, row, field));
        Ok(())
    })
}

/// Aggregated achievement of a unit in a year: the whole plan (`dimension` empty, i.e.
/// `(NULL, 0)`) or one dimension (its id); NaN when too little is observed.
///
/// **Ownership:** nothing to free. **NULL:** `result` and `out` must not be NULL; a text
/// may be NULL when its length is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_UNKNOWN_ID` (unit, dimension or year).
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; texts valid for their lengths; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_monitor_result_unit_achievement(
    result: *const cpindex_monitor_result,
    unit: *const c_char,
    unit_len: usize,
    dimension: *const c_char,
    dimension_len: usize,
    year: i32,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_monitor_result_unit_achievement", || {
        let r = arc_ref::<cpindex_monitor_result>(result, "result")?;
        let out = out_ptr(out, "out")?;
        let unit = try_str(unit, unit_len, "unit")?;
        let dimension = try_str(dimension, dimension_len, "dimension")?;
        let k = match r.aggregate_position(unit, year) {
            Some(k) => k,
            None if r.unit_position(unit).is_none() => return Err(unknown_unit(r, unit)),
            None => {
                return Err(crate::Error::unknown_id(
                    "year",
                    format!("{year} (no aggregate for `{unit}` that year)"),
                )
                .into())
            }
        };
        let a = &r.aggregates;
        let v = if dimension.is_empty() {
            opt(a.overall(k))
        } else {
            let d = a
                .dimension_score(k, dimension)
                .ok_or_else(|| FfiError::from(crate::Error::unknown_id("dimension", dimension)))?;
            opt(d)
        };
        out.write(v);
        Ok(())
    })
}

/// A status code of a unit in the evaluation year, by `kind` (`cpindex_status_kind`):
/// SCHEDULE gives a `cpindex_schedule_status`, TREND a `cpindex_trend_class` for an
/// indicator; COLOUR a `cpindex_colour` for an indicator or a dimension id.
///
/// **Ownership:** nothing to free. **NULL:** `result` and `out` must not be NULL; a text
/// may be NULL when its length is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown kind), `CPINDEX_STATUS_UNKNOWN_ID` (unit or
/// id).
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; texts valid for their lengths; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_monitor_result_status(
    result: *const cpindex_monitor_result,
    unit: *const c_char,
    unit_len: usize,
    id: *const c_char,
    id_len: usize,
    kind: u32,
    out: *mut u32,
) -> cpindex_status {
    guard_status("cpindex_monitor_result_status", || {
        let r = arc_ref::<cpindex_monitor_result>(result, "result")?;
        let out = out_ptr(out, "out")?;
        let unit = try_str(unit, unit_len, "unit")?;
        let id = try_str(id, id_len, "id")?;
        if kind > 2 {
            return Err(FfiError::invalid(
                "kind",
                format!("{kind} is not a cpindex_status_kind code (0 SCHEDULE, 1 TREND, 2 COLOUR)"),
            ));
        }
        let Some(upos) = r.unit_position(unit) else {
            return Err(unknown_unit(r, unit));
        };
        // the schedule, trends and dashboards are unit-major in framework order: found by
        // position, checked, else searched
        let cell = r.cell_position(unit, id);
        let not_found = || FfiError::from(crate::Error::unknown_id("indicator", id));
        let code = match kind {
            0 => {
                let k = r
                    .schedule
                    .find_at(cell.unwrap_or(usize::MAX), unit, id)
                    .ok_or_else(not_found)?;
                (match r.schedule.status(k) {
                    ScheduleStatus::Achieved => cpindex_schedule_status::Achieved,
                    ScheduleStatus::Ahead => cpindex_schedule_status::Ahead,
                    ScheduleStatus::OnSchedule => cpindex_schedule_status::OnSchedule,
                    ScheduleStatus::Lagging => cpindex_schedule_status::Lagging,
                    ScheduleStatus::NotAssessable => cpindex_schedule_status::NotAssessable,
                }) as u32
            }
            1 => {
                let k = r
                    .trends
                    .find_at(cell.unwrap_or(usize::MAX), unit, id)
                    .ok_or_else(not_found)?;
                (match r.trends.category(k) {
                    TrendCategory::TargetAchieved => cpindex_trend_class::TargetAchieved,
                    TrendCategory::OnTrack => cpindex_trend_class::OnTrack,
                    TrendCategory::AccelerationNeeded => cpindex_trend_class::AccelerationNeeded,
                    TrendCategory::LimitedProgress => cpindex_trend_class::LimitedProgress,
                    TrendCategory::Deterioration => cpindex_trend_class::Deterioration,
                    TrendCategory::NotAchieved => cpindex_trend_class::NotAchieved,
                    TrendCategory::UnableToAssess => cpindex_trend_class::UnableToAssess,
                }) as u32
            }
            _ => {
                let k = r.dashboards.find_at(upos, unit).ok_or_else(|| {
                    FfiError::from(crate::Error::unknown_id("dashboard unit", unit))
                })?;
                // an indicator at its framework position (checked, else searched), else a
                // top-level dimension
                let at = r.achievements.indicator_position(id).unwrap_or(usize::MAX);
                let c = r
                    .dashboards
                    .indicator_colour(k, at, id)
                    .or_else(|| r.dashboards.dimension_colour(k, id))
                    .ok_or_else(|| {
                        FfiError::from(crate::Error::unknown_id("indicator or dimension", id))
                    })?;
                (match c {
                    Colour::Red => cpindex_colour::Red,
                    Colour::Orange => cpindex_colour::Orange,
                    Colour::Yellow => cpindex_colour::Yellow,
                    Colour::Green => cpindex_colour::Green,
                    Colour::Grey => cpindex_colour::Grey,
                }) as u32
            }
        };
        out.write(code);
        Ok(())
    })
}

/// The achievement of one indicator in one year for every monitored unit (result unit
/// order, see `cpindex_monitor_result_unit_id`), the number chosen by a
/// `cpindex_achievement_field` code; NaN where a unit has no record or the number is absent.
/// Caller array with the size query (`(NULL, 0)` gives the unit count).
///
/// **Ownership:** the caller owns `buf`. **NULL:** `result` and `out_len` must not be NULL;
/// `indicator` may be NULL when its length is 0; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown field), `CPINDEX_STATUS_UNKNOWN_ID` (an
/// indicator or year without any record), `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; `indicator` valid for its length; `buf` valid for `buf_len`
/// elements; `out_len` valid for a write.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)] // text, year, selector, caller array
pub unsafe extern "C" fn cpindex_monitor_result_achievements(
    result: *const cpindex_monitor_result,
    indicator: *const c_char,
    indicator_len: usize,
    year: i32,
    field: u32,
    buf: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_monitor_result_achievements", || {
        let r = arc_ref::<cpindex_monitor_result>(result, "result")?;
        let indicator = try_str(indicator, indicator_len, "indicator")?;
        check_field(field)?;
        let t = &r.achievements;
        let (Some(j), Some(y)) = (t.indicator_position(indicator), t.year_position(year)) else {
            return Err(crate::Error::unknown_id(
                "indicator/year",
                format!("{indicator} in {year} (no achievement record)"),
            )
            .into());
        };
        // one pass down the column: the rows of (·, j, y) are evenly spaced
        let v: Vec<f64> = (0..r.units.len())
            .map(|u| {
                t.row(u, j, y)
                    .map_or(f64::NAN, |row| field_of(t, row, field))
            })
            .collect();
        write_array(&v, buf, buf_len, out_len, "the achievements")
    })
}

/// Aggregated achievement in one year for every monitored unit (result unit order): the
/// whole plan (`dimension` `(NULL, 0)`) or one dimension; NaN where not defined. Caller
/// array with the size query.
///
/// **Ownership:** the caller owns `buf`. **NULL:** `result` and `out_len` must not be NULL;
/// `dimension` may be NULL when its length is 0; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_UNKNOWN_ID` (a year without aggregates, an unknown dimension),
/// `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; `dimension` valid for its length; `buf` valid for `buf_len`
/// elements; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_monitor_result_unit_achievements(
    result: *const cpindex_monitor_result,
    dimension: *const c_char,
    dimension_len: usize,
    year: i32,
    buf: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_monitor_result_unit_achievements", || {
        let r = arc_ref::<cpindex_monitor_result>(result, "result")?;
        let dimension = try_str(dimension, dimension_len, "dimension")?;
        let a = &r.aggregates;
        if !(0..a.len()).any(|k| a.year(k) == year) {
            return Err(crate::Error::unknown_id("year", format!("{year} (no aggregates)")).into());
        }
        if !dimension.is_empty() && !a.has_dimension(dimension) {
            return Err(crate::Error::unknown_id("dimension", dimension).into());
        }
        let v: Vec<f64> = r
            .units
            .iter()
            .map(|u| {
                r.aggregate_position(u, year).map_or(f64::NAN, |k| {
                    if dimension.is_empty() {
                        opt(a.overall(k))
                    } else {
                        a.dimension_score(k, dimension).map_or(f64::NAN, opt)
                    }
                })
            })
            .collect();
        write_array(&v, buf, buf_len, out_len, "the unit achievements")
    })
}

/// The dynamic monitoring index of a unit (docs/monitoring.md), `series` by a
/// `cpindex_dynamic_series` code: years from the base year into `years` and values into
/// `values` (two parallel caller arrays of `buf_len` elements; NaN where not defined).
/// `*out_len` always receives the number of years; when `buf_len` is smaller nothing is
/// written and the call returns `CPINDEX_STATUS_BUFFER_TOO_SMALL` (size query with
/// `(NULL, NULL, 0)`).
///
/// **Ownership:** the caller owns both arrays. **NULL:** `result` and `out_len` must not be
/// NULL; `unit` may be NULL when `unit_len` is 0; the arrays may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown series code), `CPINDEX_STATUS_UNKNOWN_ID`,
/// `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared result.
///
/// # Safety
/// `result` a live result; `unit` valid for `unit_len` bytes; arrays valid for `buf_len`
/// elements; `out_len` valid for a write.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)] // unit text, selector, two parallel arrays
pub unsafe extern "C" fn cpindex_monitor_result_dynamic(
    result: *const cpindex_monitor_result,
    unit: *const c_char,
    unit_len: usize,
    series: u32,
    years: *mut i32,
    values: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_monitor_result_dynamic", || {
        let r = arc_ref::<cpindex_monitor_result>(result, "result")?;
        let out_len = out_ptr(out_len, "out_len")?;
        let unit = try_str(unit, unit_len, "unit")?;
        if series > 2 {
            return Err(FfiError::invalid(
                "series",
                format!("{series} is not a cpindex_dynamic_series code (0 FIXED_BASE, 1 CHAINED, 2 COMPOSITE)"),
            ));
        }
        let e = r
            .dynamic_position(unit)
            .ok_or_else(|| unknown_unit(r, unit))?;
        let d = &r.dynamic;
        let ys: &[i32] = d.years(e);
        let vs: &[f64] = match series {
            0 => d.fixed_base_index(e),
            1 => d.chained_index(e),
            _ => d.composite(e),
        };
        let needed = ys.len();
        let mut n = 0usize;
        // Check both arrays before writing either (outputs only on success).
        if buf_len >= needed {
            let _ = try_slice(years.cast_const(), buf_len, "years")?;
            let _ = try_slice(values.cast_const(), buf_len, "values")?;
        }
        let r1 = write_array(ys, years, buf_len, &mut n, "the dynamic index years");
        out_len.write(needed);
        r1?;
        write_array(vs, values, buf_len, &mut n, "the dynamic index values")
    })
}

/// The whole monitoring result as pretty JSON (missing numbers as `null`; schema in
/// docs/monitoring.md), NUL-terminated into a caller buffer with the size-query convention.
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
pub unsafe extern "C" fn cpindex_monitor_result_to_json(
    result: *const cpindex_monitor_result,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_monitor_result_to_json", || {
        let r = arc_ref::<cpindex_monitor_result>(result, "result")?;
        write_text_to(&r.to_json(), buf, buf_len, out_len)
    })
}
