//! The panic boundary (house style R9): every exported function runs its body inside
//! [`guard_status`] or [`guard_default`], so no panic crosses into C. A caught panic
//! becomes `CPINDEX_STATUS_PANIC` (or the function's documented default) and its message
//! is stored as the thread's last error. The message is formatted inside a second
//! `catch_unwind` (uniffi's pattern), so a panicking `Display` cannot escape either.
//!
//! The library installs no panic hook (it is process-global): the default hook still
//! prints the panic message to stderr, as documented in `docs/c-api.md`.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::error::{set_last_error, FfiResult};
use super::status::cpindex_status;

/// What a non-status function returns when its body panics (rustls' `PanicOrDefault`).
pub(crate) trait PanicOrDefault {
    /// The fallback value.
    fn panic_value() -> Self;
}

impl PanicOrDefault for () {
    fn panic_value() -> Self {}
}

impl PanicOrDefault for usize {
    fn panic_value() -> Self {
        0
    }
}

impl PanicOrDefault for u32 {
    fn panic_value() -> Self {
        0
    }
}

impl<T> PanicOrDefault for *const T {
    fn panic_value() -> Self {
        std::ptr::null()
    }
}

impl PanicOrDefault for cpindex_status {
    fn panic_value() -> Self {
        cpindex_status::Panic
    }
}

/// Turns a panic payload into words, itself guarded; drops the payload under a guard too.
fn panic_message(payload: Box<dyn Any + Send>) -> String {
    let text = catch_unwind(AssertUnwindSafe(|| {
        if let Some(s) = payload.downcast_ref::<&'static str>() {
            (*s).to_string()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "a panic with a non-text payload".to_string()
        }
    }))
    .unwrap_or_else(|_| "a panic whose message could not be formatted".to_string());
    // A payload's Drop may itself panic; never let that escape. If it does, leak it.
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(again);
    }
    text
}

fn record_panic(function: &str, payload: Box<dyn Any + Send>) {
    let message = panic_message(payload);
    let _ = catch_unwind(AssertUnwindSafe(|| {
        set_last_error(
            cpindex_status::Panic,
            format!("{function}: internal panic (a bug in cpindex, please report it): {message}"),
        );
    }));
}

/// Runs the body of a status-returning function: `Ok(())` → `CPINDEX_STATUS_OK`;
/// `Err(e)` → `e.status` with `"<function>: <message>"` recorded as the last error;
/// a panic → `CPINDEX_STATUS_PANIC` with its message recorded.
pub(crate) fn guard_status(function: &str, body: impl FnOnce() -> FfiResult<()>) -> cpindex_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => cpindex_status::Ok,
        Ok(Err(e)) => {
            let status = e.status;
            let _ = catch_unwind(AssertUnwindSafe(|| {
                set_last_error(status, format!("{function}: {}", e.message));
            }));
            status
        }
        Err(payload) => {
            record_panic(function, payload);
            cpindex_status::Panic
        }
    }
}

/// Runs the body of a function that does not return a status; a panic gives
/// `R::panic_value()` (documented per function) and records the message.
pub(crate) fn guard_default<R: PanicOrDefault>(function: &str, body: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(v) => v,
        Err(payload) => {
            record_panic(function, payload);
            R::panic_value()
        }
    }
}

/// **For tests only**: panics inside the library on purpose, to exercise the panic
/// boundary from C, C++ and Python. Not part of the stable API; do not call it in
/// production code.
///
/// Returns `CPINDEX_STATUS_PANIC` and records a last-error message containing
/// `"cpindex_debug_panic: deliberate panic"`. The default Rust panic hook prints the
/// message to stderr.
///
/// **Ownership:** nothing to free. **NULL:** no pointers.
/// **Errors:** always `CPINDEX_STATUS_PANIC`.
/// **Thread safety:** may be called from any thread; affects only that thread's last error.
#[no_mangle]
#[must_use]
pub extern "C" fn cpindex_debug_panic() -> cpindex_status {
    guard_status("cpindex_debug_panic", || {
        panic!("cpindex_debug_panic: deliberate panic for testing the FFI boundary")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::error::last_error;

    #[test]
    fn panic_becomes_status_and_message() {
        assert_eq!(cpindex_debug_panic(), cpindex_status::Panic);
        let (st, msg) = last_error().unwrap();
        assert_eq!(st, cpindex_status::Panic);
        assert!(msg.contains("deliberate panic"), "{msg}");
        assert!(
            msg.starts_with("cpindex_debug_panic: internal panic"),
            "{msg}"
        );
    }

    #[test]
    fn defaults_on_panic() {
        let p: *const u8 = guard_default("f", || panic!("boom {}", 1));
        assert!(p.is_null());
        assert!(last_error().unwrap().1.contains("f: internal panic"));
        assert!(last_error().unwrap().1.contains("boom 1"));
        assert_eq!(guard_default::<u32>("f", || panic!("x")), 0);
    }

    struct PanickyDisplay;
    impl Drop for PanickyDisplay {
        fn drop(&mut self) {
            panic!("drop panics too");
        }
    }

    #[test]
    fn non_text_payload_is_described() {
        let st = guard_status("g", || std::panic::panic_any(42u8));
        assert_eq!(st, cpindex_status::Panic);
        assert!(last_error().unwrap().1.contains("non-text payload"));
        // A payload whose Drop panics is leaked, not propagated.
        let st = guard_status("g", || std::panic::panic_any(PanickyDisplay));
        assert_eq!(st, cpindex_status::Panic);
    }
}
