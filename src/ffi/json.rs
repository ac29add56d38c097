//! The JSON-in/JSON-out entry point: one call from any language that can pass bytes.
//!
//! Requests (UTF-8 JSON objects; schema in `docs/json-api.md`) are decoded by serde into
//! the core's [`crate::evaluate::request::JsonRequest`], run by the core, and the typed
//! response is encoded by serde. Nothing is computed or checked here.

use std::os::raw::c_char;

use super::guard::guard_status;
use super::slice::out_ptr;
use super::status::cpindex_status;
use super::string::{try_str, write_text};
use crate::evaluate::request::run_json;

/// The version of the JSON request/response schema of `cpindex_run_json` (the member
/// `"schema"` of every response).
pub const CPINDEX_JSON_SCHEMA_VERSION: u32 = 1;

/// Runs one JSON request (UTF-8, `request_len` bytes) and writes the JSON response,
/// NUL-terminated, into a caller buffer. Actions `describe`, `index`, `monitor`,
/// `evaluate`, `inequality`; request and response schemas in `docs/json-api.md`.
///
/// `*out_len` always receives the response length in bytes (excluding the NUL) once the
/// request has succeeded; if `buf_len <= *out_len` nothing is written to `buf` and the call
/// returns `CPINDEX_STATUS_BUFFER_TOO_SMALL`. A size query `(NULL, 0, &n)` runs the request;
/// the second call runs it again (the computation is deterministic), so pass a generous
/// buffer first when the request is expensive.
///
/// **Ownership:** the caller owns `buf`; the request is only read.
/// **NULL:** `out_len` must not be NULL; `request` may be NULL only when `request_len` is 0
/// (which gives JSON_ERROR); `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_JSON_ERROR`, `CPINDEX_STATUS_INVALID_SPEC` (unknown action or member, a
/// member of the wrong type, an unknown measure, a bad spec field),
/// `CPINDEX_STATUS_UNKNOWN_ID` (unknown built-in framework or indicator),
/// `CPINDEX_STATUS_INVALID_FRAMEWORK`, `CPINDEX_STATUS_PARSE_ERROR` (CSV data, with line
/// and column), the domain errors of the computation (`MISSING_VALUE`, `INVALID_VALUE`,
/// `LENGTH_MISMATCH`, `EMPTY_INPUT` …), `CPINDEX_STATUS_BUFFER_TOO_SMALL`. Errors are not
/// written into `buf`; read them with `cpindex_last_error_message`.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `request` valid for `request_len` bytes; `buf` valid for `buf_len` bytes; `out_len`
/// valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_run_json(
    request: *const c_char,
    request_len: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_run_json", || {
        let out_len = out_ptr(out_len, "out_len")?;
        let text = try_str(request, request_len, "request")?;
        let response = run_json(text)?;
        write_text(&response, buf, buf_len, out_len)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::model::builtin::DEFAULT;
    use serde_json::Value;

    fn run_request(text: &str) -> crate::Result<String> {
        run_json(text)
    }

    #[test]
    fn schema_version_is_the_core_one() {
        assert_eq!(
            CPINDEX_JSON_SCHEMA_VERSION,
            crate::evaluate::request::JSON_SCHEMA_VERSION
        );
    }

    #[test]
    fn describe_builtin() {
        let out = run_request(&format!(
            r#"{{"action":"describe","framework":"{DEFAULT}"}}"#
        ))
        .unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["summary"]["id"], DEFAULT);
        assert_eq!(v["summary"]["base_year"], 2020);
        assert_eq!(v["framework"]["target_year"], 2025);
        // effective weights sum to 1 (each top-level dimension has positive weight)
        let s: f64 = v["effective_weights"]
            .as_object()
            .unwrap()
            .values()
            .map(|w| w.as_f64().unwrap())
            .sum();
        assert!((s - 1.0).abs() < 1e-12, "{s}");
    }

    #[test]
    fn bad_requests_are_named() {
        let e = run_request("[1]").unwrap_err();
        assert!(matches!(e, Error::InvalidSpec { .. }), "{e}");
        let e =
            run_request(&format!(r#"{{"action":"rank","framework":"{DEFAULT}"}}"#)).unwrap_err();
        assert!(
            matches!(e, Error::InvalidSpec { .. }) && e.to_string().contains("`rank`"),
            "{e}"
        );
        let e = run_request(r#"{"action":"describe","framework":"x"}"#).unwrap_err();
        assert!(matches!(e, Error::UnknownId { .. }), "{e}");
        let e = run_request(&format!(
            r#"{{"action":"describe","framework":"{DEFAULT}","x":1}}"#
        ))
        .unwrap_err();
        assert!(e.to_string().contains("`x`"), "{e}");
        let e = run_request(r#"{"action":"describe","framework":{"id":"a"}}"#).unwrap_err();
        assert!(matches!(e, Error::Json { .. }), "{e}");
        let e = run_request("{").unwrap_err();
        assert!(matches!(e, Error::Json { .. }), "{e}");
        let e = run_request(&format!(r#"{{"framework":"{DEFAULT}"}}"#)).unwrap_err();
        assert!(e.to_string().contains("action"), "{e}");
    }
}
