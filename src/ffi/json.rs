//! The JSON-in/JSON-out entry point: one call from any language that can pass bytes.
//!
//! Request (UTF-8 JSON object; schema in `docs/c-api.md`):
//!
//! ```json
//! { "action": "describe", "framework": "quzhou-2021-2025" }
//! { "action": "describe", "framework": { "id": "…", "dimensions": [ … ], … } }
//! ```
//!
//! `framework` is a built-in name or an inline framework object. This round knows the
//! action `describe`; the engine, monitoring and distribution rounds add `index`,
//! `monitor` and `inequality` (with `data` and `spec` members) without changing the entry
//! point. [`run_request`] is pure Rust and could move into the core unchanged.

use std::os::raw::c_char;

use serde_json::{json, Map, Value};

use super::guard::guard_status;
use super::slice::out_ptr;
use super::status::cpindex_status;
use super::string::{try_str, write_text};
use crate::error::{Error, Result};
use crate::model::{builtin, Framework};

/// The version of the JSON request/response schema of `cpindex_run_json` (the member
/// `"schema"` of every response).
pub const CPINDEX_JSON_SCHEMA_VERSION: u32 = 1;

const ACTIONS: &[&str] = &["describe"];

fn framework_of(request: &Map<String, Value>) -> Result<Framework> {
    match request.get("framework") {
        None => Err(Error::invalid_spec(
            "framework",
            "missing: give a built-in name such as \"quzhou-2021-2025\" or a framework object",
        )),
        Some(Value::String(name)) => Ok(builtin::get(name)?.clone()),
        Some(v @ Value::Object(_)) => {
            let fw: Framework = serde_json::from_value(v.clone()).map_err(|e| Error::Json {
                what: "request field `framework`".into(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
            fw.validate()?;
            Ok(fw)
        }
        Some(other) => Err(Error::invalid_spec(
            "framework",
            format!("must be a built-in name (string) or a framework object, not {other}"),
        )),
    }
}

fn describe(fw: &Framework) -> Value {
    let weights = fw.effective_weights();
    let effective: Map<String, Value> = fw
        .indicators
        .iter()
        .zip(&weights)
        .map(|(i, w)| (i.id.clone(), json!(w)))
        .collect();
    json!({
        "schema": CPINDEX_JSON_SCHEMA_VERSION,
        "cpindex_version": env!("CARGO_PKG_VERSION"),
        "action": "describe",
        "summary": {
            "id": fw.id,
            "dimensions": fw.dimensions.len(),
            "indicators": fw.indicators.len(),
            "depth": fw.depth(),
            "base_year": fw.base_year,
            "target_year": fw.target_year,
        },
        "effective_weights": effective,
        "framework": fw,
    })
}

/// Runs one JSON request and returns the JSON response (pretty-printed).
///
/// Errors: [`Error::Json`] for malformed JSON; [`Error::InvalidSpec`] for a request that
/// is not an object, lacks or has an unknown `action`, or has unknown members; the
/// framework's own errors ([`Error::UnknownId`], [`Error::InvalidFramework`]).
pub fn run_request(text: &str) -> Result<String> {
    let value: Value = serde_json::from_str(text).map_err(|e| Error::from_json("request", &e))?;
    let Value::Object(request) = value else {
        return Err(Error::invalid_spec("", "the request must be a JSON object"));
    };
    for key in request.keys() {
        if !matches!(key.as_str(), "action" | "framework") {
            return Err(Error::invalid_spec(
                key.clone(),
                "unknown request member (this build knows: action, framework)",
            ));
        }
    }
    let action = match request.get("action") {
        Some(Value::String(a)) => a.as_str(),
        Some(_) => return Err(Error::invalid_spec("action", "must be a string")),
        None => {
            return Err(Error::invalid_spec(
                "action",
                format!("missing (known: {})", ACTIONS.join(", ")),
            ))
        }
    };
    let response = match action {
        "describe" => describe(&framework_of(&request)?),
        other => {
            return Err(Error::invalid_spec(
                "action",
                format!("unknown action `{other}` (known: {})", ACTIONS.join(", ")),
            ))
        }
    };
    Ok(serde_json::to_string_pretty(&response).expect("a JSON value always serialises"))
}

/// Runs one JSON request (UTF-8, `request_len` bytes) and writes the JSON response,
/// NUL-terminated, into a caller buffer. Schema: `docs/c-api.md` ("JSON interface").
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
/// `CPINDEX_STATUS_JSON_ERROR`, `CPINDEX_STATUS_INVALID_SPEC` (unknown action or member),
/// `CPINDEX_STATUS_UNKNOWN_ID` (unknown built-in framework),
/// `CPINDEX_STATUS_INVALID_FRAMEWORK`, `CPINDEX_STATUS_BUFFER_TOO_SMALL`. Errors are not
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
        let response = run_request(text)?;
        write_text(&response, buf, buf_len, out_len)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_builtin() {
        let out = run_request(r#"{"action":"describe","framework":"quzhou-2021-2025"}"#).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["summary"]["id"], "quzhou-2021-2025");
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
        let e = run_request(r#"{"action":"index","framework":"quzhou-2021-2025"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown action `index`"), "{e}");
        let e = run_request(r#"{"action":"describe","framework":"x"}"#).unwrap_err();
        assert!(matches!(e, Error::UnknownId { .. }), "{e}");
        let e = run_request(r#"{"action":"describe","framework":"quzhou-2021-2025","x":1}"#)
            .unwrap_err();
        assert!(e.to_string().contains("`x`"), "{e}");
        let e = run_request(r#"{"action":"describe","framework":{"id":"a"}}"#).unwrap_err();
        assert!(matches!(e, Error::Json { .. }), "{e}");
        let e = run_request("{").unwrap_err();
        assert!(matches!(e, Error::Json { .. }), "{e}");
        let e = run_request(r#"{"framework":"quzhou-2021-2025"}"#).unwrap_err();
        assert!(e.to_string().contains("action"), "{e}");
    }
}
