//! The JSON-in/JSON-out entry point: one call from any language that can pass bytes.
//!
//! Requests (UTF-8 JSON objects; schema in `docs/json-api.md`) are decoded by serde into
//! the core's [`crate::evaluate::request::JsonRequest`], run by the core, and the typed
//! response is encoded by serde. Nothing is computed or checked here.
//!
//! Large responses (issue 16: a monitor request on 10⁶ data rows answers with hundreds of
//! MB) are computed and serialised **once** whichever way they are read:
//! * `cpindex_run_json` keeps the response of a size query (`buf` too small) in a
//!   per-thread cache keyed by the exact request bytes, so the fill call that follows copies
//!   it instead of running the request again;
//! * `cpindex_json_call` returns the response in a handle (`_size`, `_data`, `_copy`,
//!   `_free`): one evaluation, then as many reads as the caller likes;
//! * `cpindex_run_json_to_file` streams the response into a file without holding it in
//!   memory as one string.

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::os::raw::c_char;
use std::sync::Arc;

use super::error::FfiError;
use super::guard::{guard_default, guard_status};
use super::handle::{arc_free, arc_into_ptr, arc_ref, ArcHandle};
use super::slice::out_ptr;
use super::status::cpindex_status;
use super::string::{try_str, write_text};
use crate::evaluate::request::JsonRequest;

/// The response of a size query, kept for the fill call that follows (per thread).
struct Cached {
    request: Box<[u8]>,
    response: String,
}

thread_local! {
    /// The last response `cpindex_run_json` could not deliver (buffer too small), with the
    /// request bytes it answers. Taken (and so dropped) by the next `cpindex_run_json` call
    /// of the thread, whatever its request: at most one response is held per thread.
    static LAST: RefCell<Option<Cached>> = const { RefCell::new(None) };
    /// How many requests this thread has evaluated (tests check the size query + fill
    /// pair evaluates once, without timing anything).
    static EVALUATIONS: Cell<u64> = const { Cell::new(0) };
}

/// Decodes and runs a request (counted for the tests).
fn evaluate(text: &str) -> crate::Result<crate::evaluate::request::JsonResponse> {
    EVALUATIONS.with(|c| c.set(c.get() + 1));
    JsonRequest::from_json(text)?.run()
}

/// Runs a request into its pretty JSON text (as [`crate::evaluate::request::run_json`],
/// counted).
fn evaluate_text(text: &str) -> crate::Result<String> {
    let response = evaluate(text)?;
    Ok(serde_json::to_string_pretty(&response).expect("a response always serialises"))
}

#[cfg(test)]
fn evaluations() -> u64 {
    EVALUATIONS.with(Cell::get)
}

/// The version of the JSON request/response schema of `cpindex_run_json` (the member
/// `"schema"` of every response).
pub const CPINDEX_JSON_SCHEMA_VERSION: u32 = 1;

/// Runs one JSON request (UTF-8, `request_len` bytes) and writes the JSON response,
/// NUL-terminated, into a caller buffer. Actions `describe`, `index`, `monitor`,
/// `evaluate`, `inequality`; request and response schemas in `docs/json-api.md`.
///
/// `*out_len` always receives the response length in bytes (excluding the NUL) once the
/// request has succeeded; if `buf_len <= *out_len` nothing is written to `buf` and the call
/// returns `CPINDEX_STATUS_BUFFER_TOO_SMALL`. The request is evaluated **once** for a size
/// query and its fill call: the response of a call that returns BUFFER_TOO_SMALL is kept
/// (per thread, with a copy of the request bytes) and the next call of the same thread
/// with byte-identical request text copies it instead of running the request again. The
/// next `cpindex_run_json` call of the thread drops it, whatever its request (so at most one
/// response is held per thread; `cpindex_run_json(NULL, 0, NULL, 0, &n)` releases it). To
/// read a large response without the size query, use `cpindex_json_call` (a handle) or
/// `cpindex_run_json_to_file`.
///
/// **Ownership:** the caller owns `buf`; the request is only read; a kept response is
/// owned by the library (per thread, freed at the next call or at thread exit).
/// **NULL:** `out_len` must not be NULL; `request` may be NULL only when `request_len` is 0
/// (which gives JSON_ERROR); `buf` may be NULL when `buf_len` is 0 (a NULL `buf` with
/// `buf_len` > 0 is NULL_ARGUMENT before the request is run; `*out_len` is not written).
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
        // whatever happens below, the kept response of an earlier size query is taken out
        let cached = LAST.with(|l| l.borrow_mut().take());
        let out_len = out_ptr(out_len, "out_len")?;
        // before anything is evaluated, kept or written (docs/c-api.md: out-pointers are
        // written only on success or BUFFER_TOO_SMALL)
        if buf.is_null() && buf_len > 0 {
            return Err(FfiError::null("buf"));
        }
        let text = try_str(request, request_len, "request")?;
        let response = match cached {
            Some(c) if *c.request == *text.as_bytes() => c.response,
            _ => evaluate_text(text)?,
        };
        if buf_len <= response.len() {
            // a size query (or a buffer too small): keep the response for the fill call
            out_len.write(response.len());
            let needed = response.len() + 1;
            LAST.with(|l| {
                *l.borrow_mut() = Some(Cached {
                    request: text.as_bytes().into(),
                    response,
                })
            });
            return Err(FfiError::new(
                cpindex_status::BufferTooSmall,
                format!("the response needs a buffer of {needed} bytes (text + NUL), {buf_len} given; the response is kept for the next call with the same request"),
            ));
        }
        write_text(&response, buf, buf_len, out_len)
    })
}

/// The response of one JSON request, held by the library (`cpindex_json_call`), immutable.
///
/// Read its size with `cpindex_json_response_size`, its bytes with
/// `cpindex_json_response_data` (borrowed) or `cpindex_json_response_copy` (into a caller
/// buffer); free it with `cpindex_json_response_free`.
///
/// **Thread safety:** may be used from multiple threads simultaneously (every reader takes
/// it as `const`; the Rust type is `Send + Sync`, asserted at compile time).
pub struct cpindex_json_response {
    _private: [u8; 0],
}

impl ArcHandle for cpindex_json_response {
    type Rust = String;
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Arc<String>>();
};

/// Runs one JSON request (as `cpindex_run_json`: same actions, schemas and errors) and
/// returns the response in a handle: the request is evaluated and serialised once, and the
/// response is read with `cpindex_json_response_size` / `_data` / `_copy` as often as
/// needed.
///
/// **Ownership:** on success `*out` receives a new response the caller frees with
/// `cpindex_json_response_free`; the request is only read.
/// **NULL:** `out` must not be NULL; `request` may be NULL only when `request_len` is 0
/// (which gives JSON_ERROR).
/// **Errors:** those of `cpindex_run_json` except `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `request` valid for `request_len` bytes; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_json_call(
    request: *const c_char,
    request_len: usize,
    out: *mut *const cpindex_json_response,
) -> cpindex_status {
    guard_status("cpindex_json_call", || {
        let out = out_ptr(out, "out")?;
        let text = try_str(request, request_len, "request")?;
        let response = evaluate_text(text)?;
        out.write(arc_into_ptr::<cpindex_json_response>(Arc::new(response)));
        Ok(())
    })
}

/// The response's length in bytes (UTF-8, excluding any NUL).
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may be called concurrently on a shared response.
///
/// # Safety
/// `response` a live response; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_json_response_size(
    response: *const cpindex_json_response,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_json_response_size", || {
        let r = arc_ref::<cpindex_json_response>(response, "response")?;
        out_ptr(out_len, "out_len")?.write(r.len());
        Ok(())
    })
}

/// Borrows the response's bytes: `*out_data` receives a pointer to its UTF-8 text (not
/// NUL-terminated) and `*out_len` its length; nothing is copied.
///
/// **Ownership:** the bytes belong to the response: valid until
/// `cpindex_json_response_free`; never write through the pointer or free it.
/// **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may be called concurrently on a shared response.
///
/// # Safety
/// `response` a live response; the out-pointers valid for writes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_json_response_data(
    response: *const cpindex_json_response,
    out_data: *mut *const c_char,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_json_response_data", || {
        let r = arc_ref::<cpindex_json_response>(response, "response")?;
        let d = out_ptr(out_data, "out_data")?;
        let n = out_ptr(out_len, "out_len")?;
        d.write(r.as_ptr().cast());
        n.write(r.len());
        Ok(())
    })
}

/// Copies the response, NUL-terminated, into a caller buffer; `*out_len` always receives
/// its length (excluding the NUL; size query with `(NULL, 0)` — nothing is recomputed).
///
/// **Ownership:** the caller owns `buf`. **NULL:** `response` and `out_len` must not be
/// NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_BUFFER_TOO_SMALL`
/// (`buf_len <= *out_len`; nothing written).
/// **Thread safety:** may be called concurrently on a shared response.
///
/// # Safety
/// `response` a live response; `buf` valid for `buf_len` bytes; `out_len` valid for a
/// write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_json_response_copy(
    response: *const cpindex_json_response,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_json_response_copy", || {
        let r = arc_ref::<cpindex_json_response>(response, "response")?;
        let out_len = out_ptr(out_len, "out_len")?;
        write_text(r, buf, buf_len, out_len)
    })
}

/// Frees a response. NULL is a no-op; freeing twice is undefined behaviour.
///
/// **Ownership:** the response (and the bytes `cpindex_json_response_data` lent) is
/// destroyed. **NULL:** allowed (no-op). **Errors:** none.
/// **Thread safety:** any thread, once no other call uses the response.
///
/// # Safety
/// `response` NULL or a live response not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cpindex_json_response_free(response: *const cpindex_json_response) {
    guard_default("cpindex_json_response_free", || arc_free(response))
}

/// A writer that counts the bytes it passes on.
struct Counting<W> {
    inner: W,
    n: usize,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        let k = self.inner.write(b)?;
        self.n += k;
        Ok(k)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Runs one JSON request (as `cpindex_run_json`) and streams the response into the file at
/// `path` (UTF-8, `path_len` bytes), without a NUL and without holding the whole text in
/// memory. `*out_len` receives the number of bytes written.
///
/// The file is written atomically, as the CLI's `--out`: the response goes to a temporary
/// file in the same directory, is flushed to disk and renamed over `path`, so a reader
/// sees the old file or the new one, never a partial one. Nothing is written when the
/// request fails, and a failure while writing (disk full, quota, file-size limit) leaves
/// the previous file unchanged and no temporary file behind, and returns
/// `CPINDEX_STATUS_IO_ERROR` naming the path. A symbolic link is followed (its target is
/// replaced, the link stays); an existing device, FIFO or socket (`/dev/stdout`, a named
/// pipe) is opened and written directly, never replaced.
///
/// **Ownership:** the caller owns the file. **NULL:** `out_len` must not be NULL;
/// `request` / `path` may be NULL only when their length is 0 (JSON_ERROR / IO_ERROR).
/// **Errors:** those of `cpindex_run_json` except `CPINDEX_STATUS_BUFFER_TOO_SMALL`, and
/// `CPINDEX_STATUS_IO_ERROR` (the file cannot be created or written).
/// **Thread safety:** may be called from any thread (two calls writing the same path race
/// as any two writers of one file do).
///
/// # Safety
/// `request` valid for `request_len` bytes; `path` valid for `path_len` bytes; `out_len`
/// valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_run_json_to_file(
    request: *const c_char,
    request_len: usize,
    path: *const c_char,
    path_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_run_json_to_file", || {
        let out_len = out_ptr(out_len, "out_len")?;
        let text = try_str(request, request_len, "request")?;
        let path = try_str(path, path_len, "path")?;
        let response = evaluate(text)?;
        let io = |e: std::io::Error| crate::Error::Io {
            path: path.to_string(),
            message: e.to_string(),
        };
        let mut n = 0usize;
        crate::io::write_atomically(std::path::Path::new(path), |w| {
            let mut w = Counting { inner: w, n: 0 };
            serde_json::to_writer_pretty(&mut w, &response).map_err(std::io::Error::from)?;
            n = w.n;
            Ok(())
        })
        .map_err(io)?;
        out_len.write(n);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::evaluate::request::run_json;
    use crate::model::builtin::DEFAULT;
    use serde_json::Value;

    fn describe() -> String {
        format!(r#"{{"action":"describe","framework":"{DEFAULT}"}}"#)
    }

    #[test]
    fn size_query_then_fill_evaluates_once_and_gives_the_same_bytes() {
        let req = describe();
        let expected = run_json(&req).unwrap();
        let before = evaluations();
        let mut n = 0usize;
        let st = unsafe {
            cpindex_run_json(
                req.as_ptr().cast(),
                req.len(),
                std::ptr::null_mut(),
                0,
                &mut n,
            )
        };
        assert_eq!(st, cpindex_status::BufferTooSmall);
        assert_eq!(n, expected.len());
        let mut buf = vec![0x7fu8; n + 1];
        let st = unsafe {
            cpindex_run_json(
                req.as_ptr().cast(),
                req.len(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut n,
            )
        };
        assert_eq!(st, cpindex_status::Ok);
        assert_eq!(&buf[..n], expected.as_bytes());
        assert_eq!(buf[n], 0);
        // one evaluation for the pair (the evaluation counter is per thread)
        assert_eq!(evaluations() - before, 1);
        // the kept response was consumed: a new pair evaluates again, once
        let st = unsafe {
            cpindex_run_json(
                req.as_ptr().cast(),
                req.len(),
                std::ptr::null_mut(),
                0,
                &mut n,
            )
        };
        assert_eq!(st, cpindex_status::BufferTooSmall);
        let st = unsafe {
            cpindex_run_json(
                req.as_ptr().cast(),
                req.len(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut n,
            )
        };
        assert_eq!(st, cpindex_status::Ok);
        assert_eq!(evaluations() - before, 2);
    }

    #[test]
    fn a_different_request_is_not_answered_from_the_kept_response() {
        let a = describe();
        // same framework, one byte different (whitespace): evaluated on its own
        let b = format!(r#"{{"action": "describe","framework":"{DEFAULT}"}}"#);
        let before = evaluations();
        let mut n = 0usize;
        let st = unsafe {
            cpindex_run_json(a.as_ptr().cast(), a.len(), std::ptr::null_mut(), 0, &mut n)
        };
        assert_eq!(st, cpindex_status::BufferTooSmall);
        let mut buf = vec![0u8; n + 1];
        let st = unsafe {
            cpindex_run_json(
                b.as_ptr().cast(),
                b.len(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut n,
            )
        };
        assert_eq!(st, cpindex_status::Ok);
        assert_eq!(evaluations() - before, 2);
        // and a failing request after a size query drops the kept response
        let st = unsafe {
            cpindex_run_json(a.as_ptr().cast(), a.len(), std::ptr::null_mut(), 0, &mut n)
        };
        assert_eq!(st, cpindex_status::BufferTooSmall);
        let bad = b"{";
        let st = unsafe {
            cpindex_run_json(
                bad.as_ptr().cast(),
                1,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut n,
            )
        };
        assert_eq!(st, cpindex_status::JsonError);
        assert!(LAST.with(|l| l.borrow().is_none()));
    }

    #[test]
    fn the_response_handle_evaluates_once_and_reads_back_the_same_bytes() {
        let req = describe();
        let expected = run_json(&req).unwrap();
        let before = evaluations();
        let mut h: *const cpindex_json_response = std::ptr::null();
        assert_eq!(
            unsafe { cpindex_json_call(req.as_ptr().cast(), req.len(), &mut h) },
            cpindex_status::Ok
        );
        let mut n = 0usize;
        assert_eq!(
            unsafe { cpindex_json_response_size(h, &mut n) },
            cpindex_status::Ok
        );
        assert_eq!(n, expected.len());
        // size query, then fill, then a borrowed view: all the same bytes, no re-evaluation
        let mut m = 0usize;
        assert_eq!(
            unsafe { cpindex_json_response_copy(h, std::ptr::null_mut(), 0, &mut m) },
            cpindex_status::BufferTooSmall
        );
        assert_eq!(m, n);
        let mut buf = vec![0x7fu8; n + 1];
        assert_eq!(
            unsafe { cpindex_json_response_copy(h, buf.as_mut_ptr().cast(), buf.len(), &mut m) },
            cpindex_status::Ok
        );
        assert_eq!(&buf[..n], expected.as_bytes());
        let mut p: *const c_char = std::ptr::null();
        assert_eq!(
            unsafe { cpindex_json_response_data(h, &mut p, &mut m) },
            cpindex_status::Ok
        );
        let view = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), m) };
        assert_eq!(view, expected.as_bytes());
        assert_eq!(evaluations() - before, 1);
        unsafe { cpindex_json_response_free(h) };
        unsafe { cpindex_json_response_free(std::ptr::null()) };
        // errors come back as a status, no handle
        let mut h2: *const cpindex_json_response = std::ptr::null();
        assert_eq!(
            unsafe { cpindex_json_call(b"{".as_ptr().cast(), 1, &mut h2) },
            cpindex_status::JsonError
        );
        assert!(h2.is_null());
    }

    #[test]
    fn the_response_streams_into_a_file() {
        let req = describe();
        let expected = run_json(&req).unwrap();
        let dir = std::env::temp_dir().join(format!("cpindex-json-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("describe.json");
        let ps = path.to_str().unwrap();
        let mut n = 0usize;
        let st = unsafe {
            cpindex_run_json_to_file(
                req.as_ptr().cast(),
                req.len(),
                ps.as_ptr().cast(),
                ps.len(),
                &mut n,
            )
        };
        assert_eq!(st, cpindex_status::Ok);
        let written = std::fs::read(&path).unwrap();
        assert_eq!(n, written.len());
        assert_eq!(written, expected.as_bytes());
        // a directory that does not exist: IO_ERROR naming the path
        let bad = dir.join("no/such/dir/x.json");
        let bs = bad.to_str().unwrap();
        let st = unsafe {
            cpindex_run_json_to_file(
                req.as_ptr().cast(),
                req.len(),
                bs.as_ptr().cast(),
                bs.len(),
                &mut n,
            )
        };
        assert_eq!(st, cpindex_status::IoError);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// `cpindex_run_json_to_file(req, path)`: the status and `*out_len`.
    fn to_file(req: &str, path: &std::path::Path) -> (cpindex_status, usize) {
        let ps = path.to_str().unwrap();
        let mut n = usize::MAX;
        let st = unsafe {
            cpindex_run_json_to_file(
                req.as_ptr().cast(),
                req.len(),
                ps.as_ptr().cast(),
                ps.len(),
                &mut n,
            )
        };
        (st, n)
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_replaced_atomically_through_links_and_devices_are_written_in_place() {
        use std::os::unix::fs::{symlink, FileTypeExt};
        let req = describe();
        let expected = run_json(&req).unwrap();
        let dir = std::env::temp_dir().join(format!("cpindex-json-link-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let real = dir.join("real.json");
        std::fs::write(&real, "old").unwrap();
        let link = dir.join("latest.json");
        symlink("real.json", &link).unwrap();
        assert_eq!(to_file(&req, &link), (cpindex_status::Ok, expected.len()));
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), expected);
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["latest.json", "real.json"]);
        let null = std::path::Path::new("/dev/null");
        assert_eq!(to_file(&req, null), (cpindex_status::Ok, expected.len()));
        assert!(std::fs::metadata(null)
            .unwrap()
            .file_type()
            .is_char_device());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The child half of the next test: runs only in the child process it starts (with
    /// `CPINDEX_TEST_FSIZE_TARGET` set and a file-size limit), a no-op otherwise.
    #[test]
    fn fsize_child_writes_the_response() {
        let Some(path) = std::env::var_os("CPINDEX_TEST_FSIZE_TARGET") else {
            return;
        };
        let (st, n) = to_file(&describe(), std::path::Path::new(&path));
        let m = super::super::error::last_error()
            .map(|e| e.1)
            .unwrap_or_default();
        println!("CHILD status={} out_len={n} message={m}", st as u32);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_write_cut_by_a_file_size_limit_leaves_the_old_file_whole() {
        use std::os::unix::process::CommandExt;
        let dir = std::env::temp_dir().join(format!("cpindex-json-fsize-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("results.json");
        std::fs::write(&path, "earlier results").unwrap();
        assert!(
            run_json(&describe()).unwrap().len() > 1000,
            "the response outgrows the limit"
        );
        let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
        cmd.args([
            "--exact",
            "ffi::json::tests::fsize_child_writes_the_response",
        ])
        .args(["--nocapture", "--test-threads=1"])
        .env("CPINDEX_TEST_FSIZE_TARGET", &path);
        // in the child only: files may grow to 1000 bytes, and a write past that fails
        // with EFBIG instead of killing the process with SIGXFSZ
        unsafe {
            cmd.pre_exec(|| {
                let lim = libc::rlimit {
                    rlim_cur: 1000,
                    rlim_max: 1000,
                };
                if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0
                    || libc::signal(libc::SIGXFSZ, libc::SIG_IGN) == libc::SIG_ERR
                {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let o = cmd.output().unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        // libtest may print the test's name on the same line
        let line = out
            .lines()
            .find_map(|l| l.find("CHILD ").map(|k| &l[k..]))
            .unwrap_or_else(|| panic!("no child report: {out}"));
        let io = cpindex_status::IoError as u32;
        assert!(line.starts_with(&format!("CHILD status={io} ")), "{line}");
        assert!(
            line.contains("results.json") && line.contains("too large"),
            "{line}"
        );
        assert!(
            line.contains(&format!("out_len={}", usize::MAX)),
            "out_len untouched: {line}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "earlier results");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_null_buffer_with_a_length_is_refused_before_anything_is_run_or_written() {
        let req = describe();
        for buf_len in [5usize, 1_000_000] {
            let before = evaluations();
            let mut n = 777usize;
            let st = unsafe {
                cpindex_run_json(
                    req.as_ptr().cast(),
                    req.len(),
                    std::ptr::null_mut(),
                    buf_len,
                    &mut n,
                )
            };
            assert_eq!(st, cpindex_status::NullArgument, "buf_len {buf_len}");
            assert_eq!(n, 777, "*out_len untouched (buf_len {buf_len})");
            assert_eq!(evaluations(), before, "not evaluated (buf_len {buf_len})");
            assert!(LAST.with(|l| l.borrow().is_none()), "nothing kept");
            let m = super::super::error::last_error().unwrap().1;
            assert!(m.contains("`buf`"), "{m}");
        }
    }

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
