//! Text across the boundary (house style R12).
//!
//! * Input text is UTF-8 as `(const char *s, size_t len)`, not NUL-terminated (a NUL
//!   inside is an ordinary character); validated, `CPINDEX_STATUS_INVALID_UTF8` otherwise.
//! * Arrays of texts (ids) are arrays of [`cpindex_str`] views.
//! * Output text goes into a caller buffer `(char *buf, size_t buf_len, size_t *out_len)`:
//!   `*out_len` always receives the length in bytes excluding the NUL; the text is copied
//!   and NUL-terminated when `buf_len > *out_len`, otherwise `buf` is untouched and the call
//!   returns `CPINDEX_STATUS_BUFFER_TOO_SMALL` (so `(NULL, 0, &n)` is a size query).
//!   Texts come from the framework or panel; if those contain a NUL character (possible
//!   only through a JSON `\u0000` escape) the length, not the terminator, is authoritative.

use std::os::raw::c_char;

use super::error::{FfiError, FfiResult};
use super::slice::{out_ptr, try_slice, Out};
use super::status::cpindex_status;

/// A borrowed UTF-8 text: `len` bytes at `data`, not necessarily NUL-terminated.
/// `{NULL, 0}` is the empty text.
///
/// A small fixed POD (house style R16): two machine words, and it will never grow.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cpindex_str {
    /// The first byte (may be NULL when `len` is 0).
    pub data: *const c_char,
    /// The length in bytes.
    pub len: usize,
}

/// Validates `(ptr, len)` as UTF-8 text.
///
/// # Safety
/// As [`try_slice`].
pub(crate) unsafe fn try_str<'a>(ptr: *const c_char, len: usize, name: &str) -> FfiResult<&'a str> {
    let bytes = try_slice(ptr.cast::<u8>(), len, name)?;
    std::str::from_utf8(bytes).map_err(|e| {
        FfiError::new(
            cpindex_status::InvalidUtf8,
            format!(
                "argument `{name}` is not valid UTF-8 (first bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Validates an array of [`cpindex_str`] and copies the texts.
///
/// # Safety
/// `ptr` valid for `n` elements (or `n == 0`); each element as [`try_str`].
pub(crate) unsafe fn try_str_array(
    ptr: *const cpindex_str,
    n: usize,
    name: &str,
) -> FfiResult<Vec<String>> {
    let views = try_slice(ptr, n, name)?;
    views
        .iter()
        .enumerate()
        .map(|(k, v)| try_str(v.data, v.len, &format!("{name}[{k}]")).map(str::to_owned))
        .collect()
}

/// Copies `text` into a caller buffer (module docs for the convention).
///
/// # Safety
/// `buf` must be NULL or valid for `buf_len` bytes of writes.
pub(crate) unsafe fn write_text(
    text: &str,
    buf: *mut c_char,
    buf_len: usize,
    out_len: Out<usize>,
) -> FfiResult<()> {
    if buf.is_null() && buf_len > 0 {
        return Err(FfiError::null("buf"));
    }
    let needed = text.len();
    out_len.write(needed);
    if buf_len <= needed {
        return Err(FfiError::new(
            cpindex_status::BufferTooSmall,
            format!(
                "the text needs a buffer of {} bytes ({needed} + NUL), {buf_len} given",
                needed + 1
            ),
        ));
    }
    std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), needed);
    *buf.add(needed) = 0;
    Ok(())
}

/// [`write_text`] with the out-length pointer still to check.
///
/// # Safety
/// As [`write_text`]; `out_len` valid for a write or NULL.
pub(crate) unsafe fn write_text_to(
    text: &str,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> FfiResult<()> {
    let out_len = out_ptr(out_len, "out_len")?;
    write_text(text, buf, buf_len, out_len)
}

/// Copies every text of `ids`, each followed by one NUL byte, back to back into a caller
/// buffer (one call for a whole id list instead of one per id). `*out_len` always receives
/// the total length **including** every NUL (the sum of `len + 1`); the texts are copied
/// only when `buf_len >= *out_len`, otherwise `buf` is untouched and the call returns
/// `CPINDEX_STATUS_BUFFER_TOO_SMALL` (so `(NULL, 0, &n)` is a size query). A text holding a
/// NUL itself (only through a JSON `\u0000` escape) makes the split ambiguous: callers
/// check that they got as many texts as the list's length and fall back to the per-id
/// reader otherwise.
///
/// # Safety
/// `buf` must be NULL or valid for `buf_len` bytes of writes; `out_len` valid for a write
/// or NULL.
pub(crate) unsafe fn write_joined_to<'a, I>(
    ids: I,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> FfiResult<()>
where
    I: Iterator<Item = &'a str> + Clone,
{
    let out_len = out_ptr(out_len, "out_len")?;
    if buf.is_null() && buf_len > 0 {
        return Err(FfiError::null("buf"));
    }
    let needed = ids.clone().map(|s| s.len() + 1).sum::<usize>();
    out_len.write(needed);
    if buf_len < needed {
        return Err(FfiError::new(
            cpindex_status::BufferTooSmall,
            format!("the ids need a buffer of {needed} bytes (each id + NUL), {buf_len} given"),
        ));
    }
    let mut at = buf.cast::<u8>();
    for s in ids {
        std::ptr::copy_nonoverlapping(s.as_ptr(), at, s.len());
        at = at.add(s.len());
        *at = 0;
        at = at.add(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_size_is_two_words() {
        // The C test checks the same sizes with a compile-time assertion.
        assert_eq!(
            std::mem::size_of::<cpindex_str>(),
            2 * std::mem::size_of::<usize>()
        );
        assert_eq!(
            std::mem::align_of::<cpindex_str>(),
            std::mem::align_of::<usize>()
        );
    }

    #[test]
    fn utf8_is_validated() {
        let bad = b"ab\xffcd";
        let e = unsafe { try_str(bad.as_ptr().cast(), 5, "name") }.unwrap_err();
        assert_eq!(e.status, cpindex_status::InvalidUtf8);
        assert!(e.message.contains("offset 2"), "{}", e.message);
        assert_eq!(unsafe { try_str(std::ptr::null(), 0, "name") }.unwrap(), "");
        let ids = [
            cpindex_str {
                data: b"a".as_ptr().cast(),
                len: 1,
            },
            cpindex_str {
                data: bad.as_ptr().cast(),
                len: 5,
            },
        ];
        let e = unsafe { try_str_array(ids.as_ptr(), 2, "unit_ids") }.unwrap_err();
        assert!(e.message.contains("`unit_ids[1]`"), "{}", e.message);
        assert_eq!(
            unsafe { try_str_array(ids.as_ptr(), 1, "u") }.unwrap(),
            vec!["a"]
        );
    }

    #[test]
    fn text_needs_room_for_nul() {
        let mut buf = [0x7fu8; 4];
        let mut n = 0usize;
        let e = unsafe { write_text_to("abcd", buf.as_mut_ptr().cast(), 4, &mut n) }.unwrap_err();
        assert_eq!((e.status, n), (cpindex_status::BufferTooSmall, 4));
        assert_eq!(buf, [0x7f; 4]);
        let mut buf = [0x7fu8; 5];
        unsafe { write_text_to("abcd", buf.as_mut_ptr().cast(), 5, &mut n) }.unwrap();
        assert_eq!(&buf, b"abcd\0");
    }
}
