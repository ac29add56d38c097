//! The calling thread's last error (house style R10): errno-like, set by every failing
//! call, valid until the next failing call on the same thread, and not consumed by
//! reading it.

use std::cell::RefCell;
use std::os::raw::c_char;

use super::slice::out_ptr;
use super::status::{cpindex_status, status_of};
use super::string::write_text;

/// A failure inside an FFI function: the status to return and the message to record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FfiError {
    pub(crate) status: cpindex_status,
    pub(crate) message: String,
}

impl FfiError {
    pub(crate) fn new(status: cpindex_status, message: impl Into<String>) -> Self {
        FfiError {
            status,
            message: message.into(),
        }
    }

    /// A NULL pointer where one is required.
    pub(crate) fn null(name: &str) -> Self {
        FfiError::new(
            cpindex_status::NullArgument,
            format!("argument `{name}` is NULL"),
        )
    }

    /// An argument out of range.
    pub(crate) fn invalid(name: &str, message: impl std::fmt::Display) -> Self {
        FfiError::new(
            cpindex_status::InvalidArgument,
            format!("invalid argument `{name}`: {message}"),
        )
    }
}

impl From<crate::Error> for FfiError {
    fn from(err: crate::Error) -> Self {
        FfiError::new(status_of(&err), err.to_string())
    }
}

/// Result type of FFI bodies.
pub(crate) type FfiResult<T> = Result<T, FfiError>;

thread_local! {
    /// cbindgen:ignore
    static LAST_ERROR: RefCell<Option<(cpindex_status, String)>> = const { RefCell::new(None) };
}

/// The size of the largest last-error message **including its NUL**, in bytes: a C caller
/// that sizes its buffer from the documented 4 KiB (`char msg[4096]`) always gets the whole
/// message. A longer one (an error quoting a huge input) is cut at a character boundary and
/// says how long it was.
pub(crate) const MAX_MESSAGE_BYTES: usize = 4096;

/// A message safe for a C string: NUL bytes escaped as `\0` (a NUL would end the C
/// string early and hide the rest), and at most [`MAX_MESSAGE_BYTES`] − 1 bytes (room for
/// the NUL), the suffix `… (message of N bytes cut)` included when it is cut.
pub(crate) fn c_safe_message(message: String) -> String {
    let limit = MAX_MESSAGE_BYTES - 1;
    if !message.contains('\0') && message.len() <= limit {
        return message;
    }
    let total = message.len();
    let escaped_len: usize = message
        .chars()
        .map(|c| if c == '\0' { 2 } else { c.len_utf8() })
        .sum();
    let suffix = if escaped_len <= limit {
        String::new()
    } else {
        format!("… (message of {total} bytes cut)")
    };
    let room = limit - suffix.len();
    let mut out = String::with_capacity(escaped_len.min(limit));
    for c in message.chars() {
        let (text, len) = if c == '\0' {
            ("\\0", 2)
        } else {
            ("", c.len_utf8())
        };
        if out.len() + len > room {
            break;
        }
        if text.is_empty() {
            out.push(c);
        } else {
            out.push_str(text);
        }
    }
    out.push_str(&suffix);
    out
}

/// Records the calling thread's last error (NUL-escaped and bounded, see
/// [`c_safe_message`]). Never panics (a re-entrant borrow or a destroyed thread-local is
/// silently skipped).
pub(crate) fn set_last_error(status: cpindex_status, message: String) {
    let message = c_safe_message(message);
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some((status, message));
        }
    });
}

/// The calling thread's last error, if any.
pub(crate) fn last_error() -> Option<(cpindex_status, String)> {
    LAST_ERROR
        .try_with(|slot| slot.try_borrow().ok().and_then(|s| s.clone()))
        .ok()
        .flatten()
}

/// Copies the calling thread's last error message into a caller buffer.
///
/// The message names the function that failed and what was wrong, e.g.
/// ``cpindex_framework_builtin: unknown built-in framework `hangzhou` (known: …)``. It is empty (`*out_len == 0`) when no call on this thread has
/// failed yet or after `cpindex_last_error_clear`. Reading does not clear it; it stays
/// until the next failing call on the same thread (successful calls leave it alone).
///
/// A message is at most 4095 bytes, so a buffer of 4096 bytes always holds it with its
/// NUL; a longer one (quoting a huge input) is cut and ends with
/// `… (message of N bytes cut)`.
///
/// Always writes the message length in bytes, excluding the NUL, to `*out_len`. When
/// `len > *out_len` the message is copied to `buf` and NUL-terminated; otherwise nothing
/// is written to `buf` and `CPINDEX_STATUS_BUFFER_TOO_SMALL` is returned, so a call with
/// `(NULL, 0)` is a size query. This call never changes the recorded error, not even when
/// it fails itself.
///
/// **Ownership:** the caller owns `buf`.
/// **NULL:** `buf` may be NULL only when `len` is 0; `out_len` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** each thread has its own last error; call it on the thread whose call
/// failed.
///
/// # Safety
/// `buf` must be valid for `len` bytes of writes; `out_len` must be valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_last_error_message(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    // Not through `guard_status`: a failure here must not overwrite the message the caller
    // is trying to read. Panics are still caught.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let out_len = match out_ptr(out_len, "out_len") {
            Ok(p) => p,
            Err(e) => return e.status,
        };
        let message = last_error().map(|(_, m)| m).unwrap_or_default();
        match write_text(&message, buf, len, out_len) {
            Ok(()) => cpindex_status::Ok,
            Err(e) => e.status,
        }
    }));
    result.unwrap_or(cpindex_status::Panic)
}

/// Clears the calling thread's last error (the next `cpindex_last_error_message` on this
/// thread returns an empty message until a call fails again).
///
/// **Ownership:** nothing to free. **NULL:** no pointers. **Errors:** none.
/// **Thread safety:** affects the calling thread only.
#[no_mangle]
pub extern "C" fn cpindex_last_error_clear() {
    let _ = std::panic::catch_unwind(|| {
        let _ = LAST_ERROR.try_with(|slot| {
            if let Ok(mut slot) = slot.try_borrow_mut() {
                *slot = None;
            }
        });
    });
}

/// Runs `f` under the standard guard and returns the status; used by tests of the error
/// channel itself.
#[cfg(test)]
pub(crate) fn fail_with(status: cpindex_status, message: &str) -> cpindex_status {
    super::guard::guard_status("test", || Err(FfiError::new(status, message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read() -> (cpindex_status, String) {
        let mut n = 0usize;
        let st = unsafe { cpindex_last_error_message(std::ptr::null_mut(), 0, &mut n) };
        assert_eq!(
            st,
            cpindex_status::BufferTooSmall,
            "a size query never fits"
        );
        let mut buf = vec![0u8; n + 1];
        let mut m = 0usize;
        let st = unsafe { cpindex_last_error_message(buf.as_mut_ptr().cast(), buf.len(), &mut m) };
        assert_eq!(m, n);
        assert_eq!(buf[n], 0, "NUL-terminated");
        (st, String::from_utf8(buf[..n].to_vec()).unwrap())
    }

    #[test]
    fn message_is_not_consumed_and_is_per_thread() {
        cpindex_last_error_clear();
        assert_eq!(read(), (cpindex_status::Ok, String::new()));
        assert_eq!(
            fail_with(cpindex_status::UnknownId, "no such unit"),
            cpindex_status::UnknownId
        );
        assert_eq!(read().1, "test: no such unit");
        assert_eq!(read().1, "test: no such unit", "second read gives the same");
        std::thread::spawn(|| assert_eq!(read().1, "", "other threads see nothing"))
            .join()
            .unwrap();
        cpindex_last_error_clear();
        assert_eq!(read().1, "");
    }

    #[test]
    fn too_small_buffer_reports_size_and_keeps_message() {
        fail_with(cpindex_status::InvalidArgument, "abc");
        let mut buf = [0x55u8; 4];
        let mut n = 0usize;
        // "test: abc" is 9 bytes; a 4-byte buffer is too small and untouched.
        let st = unsafe { cpindex_last_error_message(buf.as_mut_ptr().cast(), 4, &mut n) };
        assert_eq!(st, cpindex_status::BufferTooSmall);
        assert_eq!(n, 9);
        assert_eq!(buf, [0x55; 4]);
        // exactly 9 bytes is still too small (no room for the NUL)
        let mut buf = [0u8; 9];
        let st = unsafe { cpindex_last_error_message(buf.as_mut_ptr().cast(), 9, &mut n) };
        assert_eq!(st, cpindex_status::BufferTooSmall);
        assert_eq!(
            read().1,
            "test: abc",
            "the failed read did not overwrite it"
        );
        let st =
            unsafe { cpindex_last_error_message(std::ptr::null_mut(), 0, std::ptr::null_mut()) };
        assert_eq!(st, cpindex_status::NullArgument);
        assert_eq!(read().1, "test: abc");
        let st = unsafe { cpindex_last_error_message(std::ptr::null_mut(), 5, &mut n) };
        assert_eq!(
            st,
            cpindex_status::NullArgument,
            "NULL buffer with a length"
        );
    }

    #[test]
    fn nul_bytes_are_escaped_and_huge_messages_bounded() {
        // a NUL inside an id used to end the C string early: "unknown unit `a" + hidden rest
        let m = c_safe_message("unknown unit `a\0b` in data".into());
        assert_eq!(m, "unknown unit `a\\0b` in data");
        // 12 bytes of "unknown id `" + 10^6 two-byte "é" + 1 closing backtick = 2,000,013
        let huge = format!("unknown id `{}`", "é".repeat(1_000_000));
        let m = c_safe_message(huge);
        // docs/c-api.md: at most 4 KiB with the NUL, so `char msg[4096]` always holds it
        assert!(m.len() < MAX_MESSAGE_BYTES, "{}", m.len());
        assert!(
            m.len() > MAX_MESSAGE_BYTES - 40,
            "cut no more than needed: {}",
            m.len()
        );
        assert!(
            m.ends_with("é… (message of 2000013 bytes cut)"),
            "cut at a character boundary: {}",
            &m[m.len() - 60..]
        );
        // at the edge: 4095 bytes stay whole, 4096 are cut; escaping a NUL can push a
        // message over the limit
        assert_eq!(c_safe_message("a".repeat(4095)).len(), 4095);
        let m = c_safe_message("a".repeat(4096));
        assert!(
            m.len() <= 4095 && m.ends_with("(message of 4096 bytes cut)"),
            "{m}"
        );
        let m = c_safe_message(format!("{}\0", "a".repeat(4093)));
        assert_eq!(m.len(), 4095);
        assert!(m.ends_with("a\\0"), "escaped whole: {}", &m[4080..]);
        let m = c_safe_message(format!("{}\0", "a".repeat(4094)));
        assert!(
            m.len() <= 4095 && m.ends_with("(message of 4095 bytes cut)"),
            "{m}"
        );
    }

    #[test]
    fn a_long_last_error_fits_a_documented_4096_byte_buffer() {
        fail_with(cpindex_status::InvalidArgument, &"x".repeat(100_000));
        let mut buf = [0u8; 4096];
        let mut n = 0usize;
        let st = unsafe { cpindex_last_error_message(buf.as_mut_ptr().cast(), 4096, &mut n) };
        assert_eq!(st, cpindex_status::Ok, "needed {n} bytes + NUL");
        assert_eq!(buf[n], 0);
        assert!(std::str::from_utf8(&buf[..n])
            .unwrap()
            .ends_with("bytes cut)"));
    }
}
