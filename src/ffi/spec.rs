//! Parsed methodology specs: a spec validated once, inspected with every default written
//! out, and reused for many runs (`cpindex_index_run_spec`, `cpindex_monitor_run_spec`).
//! The runs that take JSON text directly (`cpindex_index_run`, `cpindex_monitor_run`) need
//! no spec handle; this one saves re-parsing and shows the defaults actually used.

use std::os::raw::c_char;
use std::sync::Arc;

use super::error::FfiError;
use super::framework::{cpindex_framework, framework_ref};
use super::guard::{guard_default, guard_status};
use super::handle::{arc_free, arc_into_ptr, arc_ref, ArcHandle};
use super::index::{cpindex_index_result, spec_text, IndexResult};
use super::monitor::cpindex_monitor_result;
use super::panel::{cpindex_panel, panel_ref};
use super::slice::out_ptr;
use super::status::cpindex_status;
use super::string::write_text_to;
use crate::method::Spec;
use crate::monitor::MonitorSpec;

/// Which computation a spec is for.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_spec_kind {
    /// The composite-index methodology (docs/spec.md).
    Index = 0,
    /// The plan-monitoring methodology (docs/monitoring.md).
    Monitor = 1,
}

/// The Rust value behind a spec handle.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one per handle, behind an Arc: size does not matter
pub(crate) enum SpecValue {
    /// A composite-index spec.
    Index(Spec),
    /// A monitoring spec.
    Monitor(MonitorSpec),
}

/// A validated methodology spec, immutable.
///
/// Create with `cpindex_spec_new`; free with `cpindex_spec_free`.
///
/// **Thread safety:** may be used from multiple threads simultaneously (every function
/// takes it as `const`; the Rust type is `Send + Sync`, asserted at compile time).
pub struct cpindex_spec {
    _private: [u8; 0],
}

impl ArcHandle for cpindex_spec {
    type Rust = SpecValue;
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Arc<SpecValue>>();
};

/// Parses and validates a spec of the given `kind` (a `cpindex_spec_kind` code) from JSON
/// text (`(NULL, 0)` or blank = every default).
///
/// **Ownership:** on success `*out` receives a new spec the caller frees with
/// `cpindex_spec_free`. **NULL:** `json` may be NULL when `len` is 0; `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// kind), `CPINDEX_STATUS_INVALID_UTF8`, `CPINDEX_STATUS_JSON_ERROR` (line and column),
/// `CPINDEX_STATUS_INVALID_SPEC` (the field named by its dotted path).
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `json` valid for `len` bytes; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_spec_new(
    kind: u32,
    json: *const c_char,
    len: usize,
    out: *mut *const cpindex_spec,
) -> cpindex_status {
    guard_status("cpindex_spec_new", || {
        let out = out_ptr(out, "out")?;
        let text = spec_text(json, len)?;
        let value = match kind {
            0 => SpecValue::Index(Spec::from_json(text)?),
            1 => SpecValue::Monitor(MonitorSpec::from_json(text)?),
            _ => {
                return Err(FfiError::invalid(
                    "kind",
                    format!("{kind} is not a cpindex_spec_kind code (0 INDEX, 1 MONITOR)"),
                ))
            }
        };
        out.write(arc_into_ptr::<cpindex_spec>(Arc::new(value)));
        Ok(())
    })
}

/// Frees a spec. NULL is a no-op; freeing twice is undefined behaviour.
///
/// **Ownership:** the spec is destroyed. **NULL:** allowed (no-op). **Errors:** none.
/// **Thread safety:** any thread, once no other call uses the spec.
///
/// # Safety
/// `spec` NULL or a live spec not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cpindex_spec_free(spec: *const cpindex_spec) {
    guard_default("cpindex_spec_free", || arc_free(spec))
}

/// The kind of a spec (a `cpindex_spec_kind` code).
///
/// **Ownership:** nothing to free. **NULL:** neither argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may be called concurrently on a shared spec.
///
/// # Safety
/// `spec` a live spec; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_spec_get_kind(
    spec: *const cpindex_spec,
    out: *mut u32,
) -> cpindex_status {
    guard_status("cpindex_spec_get_kind", || {
        let s = arc_ref::<cpindex_spec>(spec, "spec")?;
        let out = out_ptr(out, "out")?;
        out.write(match s {
            SpecValue::Index(_) => cpindex_spec_kind::Index as u32,
            SpecValue::Monitor(_) => cpindex_spec_kind::Monitor as u32,
        });
        Ok(())
    })
}

/// The spec as pretty JSON with every default written out, NUL-terminated into a caller
/// buffer with the size-query convention.
///
/// **Ownership:** the caller owns `buf`. **NULL:** `spec` and `out_len` must not be NULL;
/// `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared spec.
///
/// # Safety
/// `spec` a live spec; `buf` valid for `buf_len` bytes; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_spec_to_json(
    spec: *const cpindex_spec,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_spec_to_json", || {
        let s = arc_ref::<cpindex_spec>(spec, "spec")?;
        let text = match s {
            SpecValue::Index(x) => x.to_json(),
            SpecValue::Monitor(x) => {
                serde_json::to_string_pretty(x).expect("a monitor spec always serialises")
            }
        };
        write_text_to(&text, buf, buf_len, out_len)
    })
}

fn wrong_kind(expected: &str) -> FfiError {
    FfiError::invalid("spec", format!("this spec is not a {expected} spec"))
}

/// `cpindex_index_run` with a parsed spec of kind INDEX.
///
/// **Ownership:** as `cpindex_index_run`; the spec stays the caller's.
/// **NULL:** no argument may be NULL.
/// **Errors:** as `cpindex_index_run`, plus `CPINDEX_STATUS_INVALID_ARGUMENT` for a spec of
/// another kind.
/// **Thread safety:** may be called from any thread; the framework, panel and spec are only
/// read.
///
/// # Safety
/// Live handles; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_index_run_spec(
    framework: *const cpindex_framework,
    panel: *const cpindex_panel,
    spec: *const cpindex_spec,
    out: *mut *const cpindex_index_result,
) -> cpindex_status {
    guard_status("cpindex_index_run_spec", || {
        let out = out_ptr(out, "out")?;
        let fw = framework_ref(framework, "framework")?;
        let p = panel_ref(panel, "panel")?;
        let SpecValue::Index(s) = arc_ref::<cpindex_spec>(spec, "spec")? else {
            return Err(wrong_kind("INDEX"));
        };
        let results = crate::method::run(fw, p, s)?;
        out.write(arc_into_ptr::<cpindex_index_result>(Arc::new(
            IndexResult::new(results),
        )));
        Ok(())
    })
}

/// `cpindex_monitor_run` with a parsed spec of kind MONITOR.
///
/// **Ownership:** as `cpindex_monitor_run`; the spec stays the caller's.
/// **NULL:** no argument may be NULL.
/// **Errors:** as `cpindex_monitor_run`, plus `CPINDEX_STATUS_INVALID_ARGUMENT` for a spec
/// of another kind.
/// **Thread safety:** may be called from any thread; the framework, panel and spec are only
/// read.
///
/// # Safety
/// Live handles; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_monitor_run_spec(
    framework: *const cpindex_framework,
    panel: *const cpindex_panel,
    spec: *const cpindex_spec,
    out: *mut *const cpindex_monitor_result,
) -> cpindex_status {
    guard_status("cpindex_monitor_run_spec", || {
        let out = out_ptr(out, "out")?;
        let fw = framework_ref(framework, "framework")?;
        let p = panel_ref(panel, "panel")?;
        let SpecValue::Monitor(s) = arc_ref::<cpindex_spec>(spec, "spec")? else {
            return Err(wrong_kind("MONITOR"));
        };
        let results = crate::monitor::monitor(fw, p, s)?;
        out.write(arc_into_ptr::<cpindex_monitor_result>(Arc::new(results)));
        Ok(())
    })
}
