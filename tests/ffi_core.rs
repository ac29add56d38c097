//! Rust-level tests of the infrastructure entry points: status names, the last-error
//! channel, versions, the JSON entry point and the panic boundary.

use std::ffi::CStr;
use std::ptr::{null, null_mut};

use cpindex::ffi::*;

mod common;
use common::ffi::{last_message, read_text};

fn run(req: &str) -> Result<String, cpindex_status> {
    read_text(|b, n, o| unsafe { cpindex_run_json(req.as_ptr().cast(), req.len(), b, n, o) })
}

#[test]
fn status_names() {
    let name = |c: u32| {
        unsafe { CStr::from_ptr(cpindex_status_str(c)) }
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert!(name(0).starts_with("CPINDEX_STATUS_OK"));
    assert!(name(4).starts_with("CPINDEX_STATUS_BUFFER_TOO_SMALL"));
    assert!(name(105).starts_with("CPINDEX_STATUS_UNKNOWN_ID"));
    assert!(name(12345).starts_with("CPINDEX_STATUS_UNKNOWN"));
}

#[test]
fn versions() {
    let v = unsafe { CStr::from_ptr(cpindex_version_string()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    assert_eq!(cpindex_abi_version(), CPINDEX_ABI_VERSION);
}

#[test]
fn panic_is_caught_and_described() {
    assert_eq!(cpindex_debug_panic(), cpindex_status::Panic);
    let msg = last_message();
    assert!(
        msg.contains("cpindex_debug_panic") && msg.contains("deliberate panic"),
        "{msg}"
    );
    // the library still works afterwards
    assert_eq!(cpindex_abi_version(), CPINDEX_ABI_VERSION);
    // and a success does not clear the error (errno semantics)
    let q = "quzhou-2021-2025";
    let mut fw = null();
    assert_eq!(
        unsafe { cpindex_framework_builtin(q.as_ptr().cast(), q.len(), &mut fw) },
        cpindex_status::Ok
    );
    unsafe { cpindex_framework_free(fw) };
    assert!(last_message().contains("deliberate panic"));
    cpindex_last_error_clear();
    assert_eq!(last_message(), "");
}

#[test]
fn json_describe() {
    let out = run(r#"{"action": "describe", "framework": "quzhou-2021-2025"}"#).unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema"], CPINDEX_JSON_SCHEMA_VERSION);
    assert_eq!(v["action"], "describe");
    assert_eq!(v["framework"]["id"], "quzhou-2021-2025");
    assert_eq!(v["summary"]["target_year"], 2025);
    // an inline framework object
    let fw = cpindex::model::builtin::quzhou().to_json();
    let req = format!(r#"{{"action":"describe","framework":{fw}}}"#);
    let out2 = run(&req).unwrap();
    assert_eq!(out, out2, "inline and built-in give the same description");
}

#[test]
fn json_errors() {
    assert_eq!(run("{").unwrap_err(), cpindex_status::JsonError);
    assert!(
        last_message().starts_with("cpindex_run_json: request: invalid JSON"),
        "{}",
        last_message()
    );
    assert_eq!(
        run(r#"{"action":"frobnicate","framework":"quzhou-2021-2025"}"#).unwrap_err(),
        cpindex_status::InvalidSpec
    );
    assert!(last_message().contains("frobnicate"));
    assert_eq!(
        run(r#"{"action":"describe","framework":"nowhere"}"#).unwrap_err(),
        cpindex_status::UnknownId
    );
    assert_eq!(
        run(r#"{"action":"describe","framework":7}"#).unwrap_err(),
        cpindex_status::InvalidSpec
    );
    let mut n = 0;
    unsafe {
        assert_eq!(
            cpindex_run_json(null(), 0, null_mut(), 0, &mut n),
            cpindex_status::JsonError
        );
        assert_eq!(
            cpindex_run_json(null(), 5, null_mut(), 0, &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_run_json("{}".as_ptr().cast(), 2, null_mut(), 0, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_run_json(b"\"\xff\"".as_ptr().cast(), 3, null_mut(), 0, &mut n),
            cpindex_status::InvalidUtf8
        );
    }
}

#[test]
fn last_error_is_per_thread_under_concurrency() {
    // 8 threads each fail with their own id and must read back their own message.
    let handles: Vec<_> = (0..8)
        .map(|t| {
            std::thread::spawn(move || {
                for k in 0..200 {
                    let name = format!("missing-{t}-{k}");
                    let mut fw = null();
                    let st = unsafe {
                        cpindex_framework_builtin(name.as_ptr().cast(), name.len(), &mut fw)
                    };
                    assert_eq!(st, cpindex_status::UnknownId);
                    assert!(last_message().contains(&name));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn every_exported_body_is_guarded() {
    // R9: a source scan; every `extern "C" fn` body must run under a guard.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ffi");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (pos, _) in text.match_indices("extern \"C\" fn ") {
            let rest = &text[pos..];
            let name: String = rest["extern \"C\" fn ".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let body = &rest[..rest.find("\n}\n").expect("function end")];
            assert!(
                body.contains("guard_status(")
                    || body.contains("guard_default(")
                    || body.contains("catch_unwind("),
                "{}: `{name}` has no panic guard",
                path.display()
            );
            n += 1;
        }
    }
    assert_eq!(
        n,
        common::header_functions().len(),
        "every header function was scanned"
    );
}
