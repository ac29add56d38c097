//! Frameworks: the built-in frameworks by name, JSON in and out, and read-only
//! accessors for every dimension's and indicator's metadata.
//!
//! A `cpindex_framework` is immutable and `Arc`-backed (house style R13): handed out as
//! `const cpindex_framework *`, freed with `cpindex_framework_free`, and shareable across
//! threads. Objects created from a framework in later rounds (results, monitors) keep
//! their own reference, so freeing the framework early never leaves them dangling.

use std::collections::HashMap;
use std::os::raw::c_char;
use std::sync::{Arc, OnceLock};

use super::error::{FfiError, FfiResult};
use super::guard::{guard_default, guard_status};
use super::handle::{arc_clone, arc_free, arc_into_ptr, arc_ref, ArcHandle};
use super::slice::out_ptr;
use super::status::cpindex_status;
use super::string::{try_str, write_text_to};
use crate::model::{builtin, Dimension, Framework, Indicator, Kind, Polarity};

/// An indicator framework (a plan's dimensions and indicators), immutable.
///
/// Create with `cpindex_framework_builtin`, `cpindex_framework_from_json` or
/// `cpindex_framework_clone`; free each with `cpindex_framework_free`.
///
/// **Thread safety:** may be used from multiple threads simultaneously (every function
/// takes it as `const`; the Rust type is `Send + Sync`, asserted at compile time).
pub struct cpindex_framework {
    _private: [u8; 0],
}

impl ArcHandle for cpindex_framework {
    type Rust = FrameworkHandle;
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Arc<FrameworkHandle>>();
};

/// What a framework handle holds: the framework, and its indicator and dimension ids
/// indexed on the first lookup by id (`cpindex_framework_indicator_index`,
/// `cpindex_framework_dimension_index`, which Python's `Framework.indicator(id)` and
/// `.dimension(id)` call): a search per call was quadratic for a caller that maps every
/// id of a large framework.
pub(crate) struct FrameworkHandle {
    framework: Framework,
    // indicator id → position, dimension id → position (the first so named); the
    // framework is immutable behind the handle, so they never go stale
    positions: OnceLock<(HashMap<String, usize>, HashMap<String, usize>)>,
    // every indicator's effective weight, computed on the first request (computing them
    // all per `cpindex_framework_indicator_number` call made reading a framework's
    // indicators one by one quadratic: 7.7 s for 10,000 from Python)
    effective_weights: OnceLock<Vec<f64>>,
}

impl FrameworkHandle {
    fn new(framework: Framework) -> FrameworkHandle {
        FrameworkHandle {
            framework,
            positions: OnceLock::new(),
            effective_weights: OnceLock::new(),
        }
    }

    /// [`Framework::effective_weights`], computed on the first call.
    fn kept_effective_weights(&self) -> &[f64] {
        self.effective_weights
            .get_or_init(|| self.framework.effective_weights())
    }

    fn positions(&self) -> &(HashMap<String, usize>, HashMap<String, usize>) {
        self.positions.get_or_init(|| {
            let fw = &self.framework;
            (
                first_positions(fw.indicators.iter().map(|i| &i.id)),
                first_positions(fw.dimensions.iter().map(|d| &d.id)),
            )
        })
    }
}

/// Each id's first position in `ids`.
fn first_positions<'a>(ids: impl Iterator<Item = &'a String>) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for (k, id) in ids.enumerate() {
        m.entry(id.clone()).or_insert(k);
    }
    m
}

impl std::ops::Deref for FrameworkHandle {
    type Target = Framework;
    fn deref(&self) -> &Framework {
        &self.framework
    }
}

/// Polarity codes returned by `cpindex_framework_indicator_polarity`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_polarity {
    /// Larger values are better (正向指标).
    HigherIsBetter = 0,
    /// Smaller values are better (逆向指标).
    LowerIsBetter = 1,
    /// A target band (适度指标); bounds from `cpindex_framework_indicator_interval`.
    Interval = 2,
    /// A yes/no target (达到/未达到).
    Binary = 3,
}

/// Kind codes returned by `cpindex_framework_indicator_kind`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_kind {
    /// A level to reach in the target year.
    Level = 0,
    /// A total over the plan period.
    Cumulative = 1,
    /// A target to meet every year.
    Annual = 2,
    /// A compound annual growth rate in percent.
    GrowthRate = 3,
    /// A share or proportion in percent.
    Share = 4,
    /// A count of things.
    Count = 5,
    /// Coverage of a population or territory in percent.
    Coverage = 6,
}

/// Text fields of a framework, for `cpindex_framework_text`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_framework_field {
    /// The framework id, e.g. the built-in framework's id.
    Id = 0,
    /// The title in Chinese.
    TitleZh = 1,
    /// The title in English.
    TitleEn = 2,
    /// Where the framework comes from.
    Source = 3,
}

/// Text fields of a dimension, for `cpindex_framework_dimension_text`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_dimension_field {
    /// The dimension id.
    Id = 0,
    /// The parent dimension's id; empty for a top-level dimension.
    Parent = 1,
    /// The name in Chinese.
    NameZh = 2,
    /// The name in English.
    NameEn = 3,
}

/// Text fields of an indicator, for `cpindex_framework_indicator_text`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_indicator_field {
    /// The indicator id.
    Id = 0,
    /// The id of the dimension the indicator belongs to.
    Dimension = 1,
    /// The name in Chinese.
    NameZh = 2,
    /// The name in English.
    NameEn = 3,
    /// The unit as the plan writes it (亿元, %, …).
    UnitLabel = 4,
    /// The base unit in English (yuan, ratio, …).
    UnitBase = 5,
    /// The plan section the target comes from.
    Section = 6,
    /// The exact phrase of the plan the target is taken from.
    Phrase = 7,
    /// The relative target in words; empty when there is none.
    RelativeTarget = 8,
}

/// Numeric fields of an indicator, for `cpindex_framework_indicator_number`. Absent
/// values are NaN (see `cpindex_framework_indicator_flags` to tell them apart).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_indicator_number {
    /// The target in the plan's unit; NaN when absent.
    Target = 0,
    /// The stretch target (力争); NaN when absent.
    StretchTarget = 1,
    /// The baseline value stated by the plan; NaN when absent.
    Baseline = 2,
    /// The weight within its dimension.
    Weight = 3,
    /// The multiplier from the plan's unit to the base unit.
    UnitScale = 4,
    /// The target year (the indicator's own, else the framework's).
    TargetYear = 5,
    /// The effective weight in the overall index (product of normalised weights down the
    /// hierarchy; JRC/OECD Handbook 2008 §6).
    EffectiveWeight = 6,
}

/// The band of an interval polarity (适度指标); all NaN for other polarities.
///
/// A small fixed POD (house style R16): four doubles, never to grow.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cpindex_interval {
    /// Lower end of the band (full score from here).
    pub lower: f64,
    /// Upper end of the band (full score up to here).
    pub upper: f64,
    /// At or below this the score is 0.
    pub tolerance_lower: f64,
    /// At or above this the score is 0.
    pub tolerance_upper: f64,
}

/// Flag: the indicator has a numeric target.
pub const CPINDEX_INDICATOR_HAS_TARGET: u32 = 1;
/// Flag: the indicator has a stretch target (力争).
pub const CPINDEX_INDICATOR_HAS_STRETCH_TARGET: u32 = 2;
/// Flag: the plan states a baseline value.
pub const CPINDEX_INDICATOR_HAS_BASELINE: u32 = 4;
/// Flag: the indicator has its own target year (else the framework's applies).
pub const CPINDEX_INDICATOR_HAS_TARGET_YEAR: u32 = 8;
/// Flag: the indicator has a relative target (高于全省平均 …).
pub const CPINDEX_INDICATOR_HAS_RELATIVE_TARGET: u32 = 16;
/// Flag: the plan words the target as an aspiration (力争, 努力, 左右).
pub const CPINDEX_INDICATOR_ASPIRATIONAL: u32 = 32;
/// Flag: the indicator has interim targets (milestones before the target year).
pub const CPINDEX_INDICATOR_HAS_INTERIM_TARGETS: u32 = 64;

macro_rules! from_code {
    ($t:ident { $($v:ident),+ $(,)? }) => {
        impl $t {
            /// The value with this code; unknown codes give `CPINDEX_STATUS_INVALID_ARGUMENT`.
            pub(crate) fn from_code(code: u32, name: &str) -> FfiResult<$t> {
                $( if code == $t::$v as u32 { return Ok($t::$v); } )+
                Err(FfiError::invalid(
                    name,
                    format!("{code} is not a {} code", stringify!($t)),
                ))
            }
        }
    };
}
from_code!(cpindex_framework_field {
    Id,
    TitleZh,
    TitleEn,
    Source
});
from_code!(cpindex_dimension_field {
    Id,
    Parent,
    NameZh,
    NameEn
});
from_code!(cpindex_indicator_field {
    Id,
    Dimension,
    NameZh,
    NameEn,
    UnitLabel,
    UnitBase,
    Section,
    Phrase,
    RelativeTarget
});
from_code!(cpindex_indicator_number {
    Target,
    StretchTarget,
    Baseline,
    Weight,
    UnitScale,
    TargetYear,
    EffectiveWeight
});

fn polarity_code(p: &Polarity) -> cpindex_polarity {
    match p {
        Polarity::HigherIsBetter => cpindex_polarity::HigherIsBetter,
        Polarity::LowerIsBetter => cpindex_polarity::LowerIsBetter,
        Polarity::Interval { .. } => cpindex_polarity::Interval,
        Polarity::Binary => cpindex_polarity::Binary,
    }
}

fn kind_code(k: Kind) -> cpindex_kind {
    match k {
        Kind::Level => cpindex_kind::Level,
        Kind::Cumulative => cpindex_kind::Cumulative,
        Kind::Annual => cpindex_kind::Annual,
        Kind::GrowthRate => cpindex_kind::GrowthRate,
        Kind::Share => cpindex_kind::Share,
        Kind::Count => cpindex_kind::Count,
        Kind::Coverage => cpindex_kind::Coverage,
    }
}

/// Item `index` of one of the framework's lists (`what`: "indicator" or "dimension"), or
/// INVALID_ARGUMENT naming the framework and the list's length.
fn item_at<'a, T>(fw: &Framework, items: &'a [T], index: usize, what: &str) -> FfiResult<&'a T> {
    items.get(index).ok_or_else(|| {
        FfiError::invalid(
            "index",
            format!(
                "{what} index {index} is past the end (framework `{}` has {} {what}s)",
                fw.id,
                items.len()
            ),
        )
    })
}

pub(crate) fn indicator_at(fw: &Framework, index: usize) -> FfiResult<&Indicator> {
    item_at(fw, &fw.indicators, index, "indicator")
}

fn dimension_at(fw: &Framework, index: usize) -> FfiResult<&Dimension> {
    item_at(fw, &fw.dimensions, index, "dimension")
}

/// The UNKNOWN_ID error for an id (`kind`: "indicator" or "dimension") not in `fw`.
fn unknown_in(fw: &Framework, kind: &str, id: &str) -> crate::Error {
    crate::Error::UnknownId {
        kind: kind.into(),
        id: id.into(),
        hint: format!(" in framework `{}`", fw.id),
    }
}

/// Borrows a framework handle (for other FFI modules).
///
/// # Safety
/// `ptr` NULL or a live framework handle.
pub(crate) unsafe fn framework_ref<'a>(
    ptr: *const cpindex_framework,
    name: &str,
) -> FfiResult<&'a Framework> {
    arc_ref::<cpindex_framework>(ptr, name).map(|h| &h.framework)
}

/// Gets a built-in framework by id (the ids are listed in `docs/indicator-model.md`;
/// an unknown id's error message lists them too).
///
/// `name` is UTF-8 of `name_len` bytes, not necessarily NUL-terminated.
///
/// **Ownership:** on success `*out` receives a new framework the caller frees with
/// `cpindex_framework_free`.
/// **NULL:** `name` may be NULL only when `name_len` is 0 (which gives UNKNOWN_ID);
/// `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_UNKNOWN_ID` (the message lists the known names),
/// `CPINDEX_STATUS_INVALID_FRAMEWORK` (only if the shipped data were broken).
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `name` valid for `name_len` bytes; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_builtin(
    name: *const c_char,
    name_len: usize,
    out: *mut *const cpindex_framework,
) -> cpindex_status {
    guard_status("cpindex_framework_builtin", || {
        let out = out_ptr(out, "out")?;
        let name = try_str(name, name_len, "name")?;
        let fw = builtin::get(name)?;
        out.write(arc_into_ptr(Arc::new(FrameworkHandle::new(fw.clone()))));
        Ok(())
    })
}

/// Parses and validates a framework from JSON text (the format of
/// the built-in frameworks in `src/model/builtin/` and of `cpindex_framework_to_json`).
///
/// **Ownership:** on success `*out` receives a new framework the caller frees with
/// `cpindex_framework_free`. The JSON is copied; the caller keeps its buffer.
/// **NULL:** `json` may be NULL only when `json_len` is 0 (which gives JSON_ERROR);
/// `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_JSON_ERROR` (with line and column), `CPINDEX_STATUS_INVALID_FRAMEWORK`
/// (naming the dimension or indicator and field).
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `json` valid for `json_len` bytes; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_from_json(
    json: *const c_char,
    json_len: usize,
    out: *mut *const cpindex_framework,
) -> cpindex_status {
    guard_status("cpindex_framework_from_json", || {
        let out = out_ptr(out, "out")?;
        let text = try_str(json, json_len, "json")?;
        let fw = Framework::from_json(text)?;
        out.write(arc_into_ptr(Arc::new(FrameworkHandle::new(fw))));
        Ok(())
    })
}

/// Writes the framework as pretty-printed JSON (readable by `cpindex_framework_from_json`)
/// into a caller buffer, NUL-terminated.
///
/// `*out_len` always receives the JSON length in bytes (excluding the NUL); if
/// `buf_len <= *out_len` nothing is written to `buf` and the call returns
/// `CPINDEX_STATUS_BUFFER_TOO_SMALL` (so `(NULL, 0, &n)` is a size query).
///
/// **Ownership:** the caller owns `buf`.
/// **NULL:** `framework` and `out_len` must not be NULL; `buf` may be NULL when
/// `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `buf` valid for `buf_len` bytes; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_to_json(
    framework: *const cpindex_framework,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_framework_to_json", || {
        let fw = arc_ref(framework, "framework")?;
        write_text_to(&fw.to_json(), buf, buf_len, out_len)
    })
}

/// Returns a new reference to the same framework (cheap: reference counted).
///
/// **Ownership:** `*out` must be freed with `cpindex_framework_free`, independently of
/// `framework`.
/// **NULL:** neither argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_clone(
    framework: *const cpindex_framework,
    out: *mut *const cpindex_framework,
) -> cpindex_status {
    guard_status("cpindex_framework_clone", || {
        let out = out_ptr(out, "out")?;
        let fw = arc_clone(framework, "framework")?;
        out.write(arc_into_ptr(fw));
        Ok(())
    })
}

/// Frees a framework reference. `NULL` is a no-op; freeing the same pointer twice is
/// undefined behaviour.
///
/// **Ownership:** releases the caller's reference; objects that share the framework
/// (clones) stay valid.
/// **NULL:** allowed (no-op). **Errors:** none.
/// **Thread safety:** must not race with other uses of the same pointer; other
/// references (clones) may be used concurrently.
///
/// # Safety
/// `framework` NULL or a live handle not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cpindex_framework_free(framework: *const cpindex_framework) {
    guard_default("cpindex_framework_free", || arc_free(framework))
}

/// Copies a text field of the framework (`cpindex_framework_field`: id, titles, source)
/// into a caller buffer, NUL-terminated, with the size-query convention of
/// `cpindex_framework_to_json`.
///
/// **Ownership:** the caller owns `buf`.
/// **NULL:** `framework` and `out_len` must not be NULL; `buf` may be NULL when
/// `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// field code), `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `buf` valid for `buf_len` bytes; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_text(
    framework: *const cpindex_framework,
    field: u32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_framework_text", || {
        let fw = arc_ref(framework, "framework")?;
        let text = match cpindex_framework_field::from_code(field, "field")? {
            cpindex_framework_field::Id => &fw.id,
            cpindex_framework_field::TitleZh => &fw.title_zh,
            cpindex_framework_field::TitleEn => &fw.title_en,
            cpindex_framework_field::Source => &fw.source,
        };
        write_text_to(text, buf, buf_len, out_len)
    })
}

/// The framework's base year (e.g. 2020) and target year (e.g. 2025).
///
/// **Ownership:** nothing to free.
/// **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; the out-pointers valid for writes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_years(
    framework: *const cpindex_framework,
    out_base_year: *mut i32,
    out_target_year: *mut i32,
) -> cpindex_status {
    guard_status("cpindex_framework_years", || {
        let fw = arc_ref(framework, "framework")?;
        let base = out_ptr(out_base_year, "out_base_year")?;
        let target = out_ptr(out_target_year, "out_target_year")?;
        base.write(fw.base_year);
        target.write(fw.target_year);
        Ok(())
    })
}

/// The number of dimensions (all levels, in display order; indices `0 .. n-1` address
/// them in the `cpindex_framework_dimension_*` functions).
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_dimension_count(
    framework: *const cpindex_framework,
    out: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_framework_dimension_count", || {
        let fw = arc_ref(framework, "framework")?;
        out_ptr(out, "out")?.write(fw.dimensions.len());
        Ok(())
    })
}

/// The number of indicators (in display order; indices `0 .. n-1` address them in the
/// `cpindex_framework_indicator_*` functions).
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_indicator_count(
    framework: *const cpindex_framework,
    out: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_framework_indicator_count", || {
        let fw = arc_ref(framework, "framework")?;
        out_ptr(out, "out")?.write(fw.indicators.len());
        Ok(())
    })
}

/// The index of the dimension with this id (UTF-8, `id_len` bytes).
///
/// **Ownership:** nothing to free.
/// **NULL:** `framework` and `out` must not be NULL; `id` may be NULL when `id_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_UNKNOWN_ID`.
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `id` valid for `id_len` bytes; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_dimension_index(
    framework: *const cpindex_framework,
    id: *const c_char,
    id_len: usize,
    out: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_framework_dimension_index", || {
        let fw = arc_ref(framework, "framework")?;
        let out = out_ptr(out, "out")?;
        let id = try_str(id, id_len, "id")?;
        let pos = *fw
            .positions()
            .1
            .get(id)
            .ok_or_else(|| unknown_in(fw, "dimension", id))?;
        out.write(pos);
        Ok(())
    })
}

/// The index of the indicator with this id (UTF-8, `id_len` bytes).
///
/// **Ownership:** nothing to free.
/// **NULL:** `framework` and `out` must not be NULL; `id` may be NULL when `id_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_UNKNOWN_ID`.
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `id` valid for `id_len` bytes; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_indicator_index(
    framework: *const cpindex_framework,
    id: *const c_char,
    id_len: usize,
    out: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_framework_indicator_index", || {
        let fw = arc_ref(framework, "framework")?;
        let out = out_ptr(out, "out")?;
        let id = try_str(id, id_len, "id")?;
        let pos = *fw
            .positions()
            .0
            .get(id)
            .ok_or_else(|| unknown_in(fw, "indicator", id))?;
        out.write(pos);
        Ok(())
    })
}

/// Copies a text field of dimension `index` (`cpindex_dimension_field`: id, parent id,
/// names) into a caller buffer, NUL-terminated, with the size-query convention of
/// `cpindex_framework_to_json`. The parent of a top-level dimension is the empty text.
///
/// **Ownership:** the caller owns `buf`.
/// **NULL:** `framework` and `out_len` must not be NULL; `buf` may be NULL when
/// `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index
/// past the end, unknown field code), `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `buf` valid for `buf_len` bytes; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_dimension_text(
    framework: *const cpindex_framework,
    index: usize,
    field: u32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_framework_dimension_text", || {
        let fw = arc_ref(framework, "framework")?;
        let d = dimension_at(fw, index)?;
        let text = match cpindex_dimension_field::from_code(field, "field")? {
            cpindex_dimension_field::Id => d.id.as_str(),
            cpindex_dimension_field::Parent => d.parent.as_deref().unwrap_or(""),
            cpindex_dimension_field::NameZh => &d.name_zh,
            cpindex_dimension_field::NameEn => &d.name_en,
        };
        write_text_to(text, buf, buf_len, out_len)
    })
}

/// The weight of dimension `index` among its siblings (as given, not normalised).
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index
/// past the end).
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_dimension_weight(
    framework: *const cpindex_framework,
    index: usize,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_framework_dimension_weight", || {
        let fw = arc_ref(framework, "framework")?;
        let out = out_ptr(out, "out")?;
        out.write(dimension_at(fw, index)?.weight);
        Ok(())
    })
}

/// Copies a text field of indicator `index` (`cpindex_indicator_field`: id, dimension id,
/// names, unit label and base, plan section, plan phrase, relative target) into a caller
/// buffer, NUL-terminated, with the size-query convention of `cpindex_framework_to_json`.
/// Absent texts (no relative target) are empty.
///
/// **Ownership:** the caller owns `buf`.
/// **NULL:** `framework` and `out_len` must not be NULL; `buf` may be NULL when
/// `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index
/// past the end, unknown field code), `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `buf` valid for `buf_len` bytes; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_indicator_text(
    framework: *const cpindex_framework,
    index: usize,
    field: u32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_framework_indicator_text", || {
        let fw = arc_ref(framework, "framework")?;
        let ind = indicator_at(fw, index)?;
        let text = match cpindex_indicator_field::from_code(field, "field")? {
            cpindex_indicator_field::Id => ind.id.as_str(),
            cpindex_indicator_field::Dimension => &ind.dimension,
            cpindex_indicator_field::NameZh => &ind.name_zh,
            cpindex_indicator_field::NameEn => &ind.name_en,
            cpindex_indicator_field::UnitLabel => &ind.unit.label,
            cpindex_indicator_field::UnitBase => &ind.unit.base,
            cpindex_indicator_field::Section => &ind.provenance.section,
            cpindex_indicator_field::Phrase => &ind.provenance.phrase,
            cpindex_indicator_field::RelativeTarget => ind
                .relative_target
                .as_ref()
                .map_or("", |r| r.description.as_str()),
        };
        write_text_to(text, buf, buf_len, out_len)
    })
}

/// A numeric field of indicator `index` (`cpindex_indicator_number`: target, stretch
/// target, baseline, weight, unit scale, target year, effective weight). Absent values
/// (no target, no stretch target, no baseline) are NaN; use
/// `cpindex_framework_indicator_flags` to tell "absent" from a value.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index
/// past the end, unknown field code).
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_indicator_number(
    framework: *const cpindex_framework,
    index: usize,
    field: u32,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_framework_indicator_number", || {
        let fw = arc_ref(framework, "framework")?;
        let out = out_ptr(out, "out")?;
        let ind = indicator_at(fw, index)?;
        let value = match cpindex_indicator_number::from_code(field, "field")? {
            cpindex_indicator_number::Target => ind.target.unwrap_or(f64::NAN),
            cpindex_indicator_number::StretchTarget => ind.stretch_target.unwrap_or(f64::NAN),
            cpindex_indicator_number::Baseline => ind.baseline.unwrap_or(f64::NAN),
            cpindex_indicator_number::Weight => ind.weight,
            cpindex_indicator_number::UnitScale => ind.unit.scale,
            cpindex_indicator_number::TargetYear => f64::from(ind.target_year_or(fw.target_year)),
            cpindex_indicator_number::EffectiveWeight => fw.kept_effective_weights()[index],
        };
        out.write(value);
        Ok(())
    })
}

/// The flags of indicator `index`: a bit-or of `CPINDEX_INDICATOR_HAS_TARGET`,
/// `CPINDEX_INDICATOR_HAS_STRETCH_TARGET`, `CPINDEX_INDICATOR_HAS_BASELINE`,
/// `CPINDEX_INDICATOR_HAS_TARGET_YEAR`, `CPINDEX_INDICATOR_HAS_RELATIVE_TARGET`,
/// `CPINDEX_INDICATOR_ASPIRATIONAL`, `CPINDEX_INDICATOR_HAS_INTERIM_TARGETS`.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index
/// past the end).
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_indicator_flags(
    framework: *const cpindex_framework,
    index: usize,
    out: *mut u32,
) -> cpindex_status {
    guard_status("cpindex_framework_indicator_flags", || {
        let fw = arc_ref(framework, "framework")?;
        let out = out_ptr(out, "out")?;
        let ind = indicator_at(fw, index)?;
        let bit = |b: bool, flag: u32| if b { flag } else { 0 };
        out.write(
            bit(ind.target.is_some(), CPINDEX_INDICATOR_HAS_TARGET)
                | bit(
                    ind.stretch_target.is_some(),
                    CPINDEX_INDICATOR_HAS_STRETCH_TARGET,
                )
                | bit(ind.baseline.is_some(), CPINDEX_INDICATOR_HAS_BASELINE)
                | bit(ind.target_year.is_some(), CPINDEX_INDICATOR_HAS_TARGET_YEAR)
                | bit(
                    ind.relative_target.is_some(),
                    CPINDEX_INDICATOR_HAS_RELATIVE_TARGET,
                )
                | bit(ind.aspirational, CPINDEX_INDICATOR_ASPIRATIONAL)
                | bit(
                    !ind.interim_targets.is_empty(),
                    CPINDEX_INDICATOR_HAS_INTERIM_TARGETS,
                ),
        );
        Ok(())
    })
}

/// The polarity code (`cpindex_polarity`) of indicator `index`.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index
/// past the end).
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_indicator_polarity(
    framework: *const cpindex_framework,
    index: usize,
    out: *mut u32,
) -> cpindex_status {
    guard_status("cpindex_framework_indicator_polarity", || {
        let fw = arc_ref(framework, "framework")?;
        let out = out_ptr(out, "out")?;
        out.write(polarity_code(&indicator_at(fw, index)?.polarity) as u32);
        Ok(())
    })
}

/// The band of indicator `index` when its polarity is `CPINDEX_POLARITY_INTERVAL`; all
/// four fields NaN for other polarities.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index
/// past the end).
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_indicator_interval(
    framework: *const cpindex_framework,
    index: usize,
    out: *mut cpindex_interval,
) -> cpindex_status {
    guard_status("cpindex_framework_indicator_interval", || {
        let fw = arc_ref(framework, "framework")?;
        let out = out_ptr(out, "out")?;
        let interval = match indicator_at(fw, index)?.polarity {
            Polarity::Interval {
                lower,
                upper,
                tolerance_lower,
                tolerance_upper,
            } => cpindex_interval {
                lower,
                upper,
                tolerance_lower,
                tolerance_upper,
            },
            Polarity::HigherIsBetter | Polarity::LowerIsBetter | Polarity::Binary => {
                cpindex_interval {
                    lower: f64::NAN,
                    upper: f64::NAN,
                    tolerance_lower: f64::NAN,
                    tolerance_upper: f64::NAN,
                }
            }
        };
        out.write(interval);
        Ok(())
    })
}

/// The kind code (`cpindex_kind`) of indicator `index`.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index
/// past the end).
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_indicator_kind(
    framework: *const cpindex_framework,
    index: usize,
    out: *mut u32,
) -> cpindex_status {
    guard_status("cpindex_framework_indicator_kind", || {
        let fw = arc_ref(framework, "framework")?;
        let out = out_ptr(out, "out")?;
        out.write(kind_code(indicator_at(fw, index)?.kind) as u32);
        Ok(())
    })
}

/// The index (as in the `cpindex_framework_dimension_*` functions) of the dimension that
/// indicator `index` belongs to.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index
/// past the end), `CPINDEX_STATUS_INTERNAL` (a validated framework always has it).
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_indicator_dimension(
    framework: *const cpindex_framework,
    index: usize,
    out: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_framework_indicator_dimension", || {
        let fw = arc_ref(framework, "framework")?;
        let out = out_ptr(out, "out")?;
        let ind = indicator_at(fw, index)?;
        let pos = *fw.positions().1.get(&ind.dimension).ok_or_else(|| {
            FfiError::new(
                cpindex_status::Internal,
                format!("indicator `{}` names no existing dimension", ind.id),
            )
        })?;
        out.write(pos);
        Ok(())
    })
}

/// The interim targets (milestones before the target year) of indicator `index`, as two
/// parallel caller arrays: `years[k]` and `values[k]`. `*out_len` always receives the
/// number of milestones; if `buf_len` is smaller, nothing is written and the call returns
/// `CPINDEX_STATUS_BUFFER_TOO_SMALL` (size query with `(NULL, NULL, 0)`).
///
/// **Ownership:** the caller owns both arrays.
/// **NULL:** `framework` and `out_len` must not be NULL; `years` and `values` may be NULL
/// when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index
/// past the end), `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on the same framework.
///
/// # Safety
/// `framework` a live handle; `years` and `values` valid for `buf_len` elements;
/// `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_framework_indicator_interim_targets(
    framework: *const cpindex_framework,
    index: usize,
    years: *mut i32,
    values: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_framework_indicator_interim_targets", || {
        let fw = arc_ref(framework, "framework")?;
        let ind = indicator_at(fw, index)?;
        let out_len = out_ptr(out_len, "out_len")?;
        if buf_len > 0 && years.is_null() {
            return Err(FfiError::null("years"));
        }
        if buf_len > 0 && values.is_null() {
            return Err(FfiError::null("values"));
        }
        let needed = ind.interim_targets.len();
        out_len.write(needed);
        if buf_len < needed {
            return Err(FfiError::new(
                cpindex_status::BufferTooSmall,
                format!(
                    "indicator `{}` has {needed} interim targets, buffers of {buf_len} given",
                    ind.id
                ),
            ));
        }
        let ys: Vec<i32> = ind.interim_targets.iter().map(|t| t.year).collect();
        let vs: Vec<f64> = ind.interim_targets.iter().map(|t| t.value).collect();
        // Both checked non-NULL when needed > 0 (needed ≤ buf_len).
        if needed > 0 {
            if !years.is_aligned() || !values.is_aligned() {
                return Err(FfiError::invalid("years/values", "pointer is misaligned"));
            }
            std::ptr::copy_nonoverlapping(ys.as_ptr(), years, needed);
            std::ptr::copy_nonoverlapping(vs.as_ptr(), values, needed);
        }
        Ok(())
    })
}
