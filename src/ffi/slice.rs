//! Slices in, caller buffers out (house style R11, R14, R15).
//!
//! * Input arrays arrive as `(const T *ptr, size_t len)`; `len == 0` is an empty slice
//!   whatever `ptr` is (NULL allowed); a NULL `ptr` with `len > 0` is
//!   `CPINDEX_STATUS_NULL_ARGUMENT`; misaligned pointers and byte sizes over `isize::MAX`
//!   are `CPINDEX_STATUS_INVALID_ARGUMENT`.
//! * Bulk output goes into caller buffers `(T *buf, size_t buf_len, size_t *out_len)`:
//!   `*out_len` always receives the number of elements needed; when `buf_len` is smaller,
//!   nothing is written to `buf` and the call returns `CPINDEX_STATUS_BUFFER_TOO_SMALL`,
//!   so `(NULL, 0, &n)` is a size query. Copies go through raw pointers, so the caller need
//!   not initialise the buffer.

use super::error::{FfiError, FfiResult};
use super::status::cpindex_status;

/// A checked, non-NULL out-pointer, written once on success.
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Writes the value (the pointer was checked non-NULL; alignment is the caller's
    /// contract for typed C pointers).
    pub(crate) fn write(self, value: T) {
        // SAFETY: checked non-NULL by `out_ptr`; validity is the function's contract.
        unsafe { self.0.write(value) }
    }
}

/// Checks an out-pointer for NULL and misalignment.
pub(crate) fn out_ptr<T>(ptr: *mut T, name: &str) -> FfiResult<Out<T>> {
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    if !ptr.is_aligned() {
        return Err(FfiError::invalid(name, "pointer is misaligned"));
    }
    Ok(Out(ptr))
}

/// Views a C array as a slice.
///
/// # Safety
/// When `len > 0` and `ptr` is not NULL, `ptr` must be valid for reads of `len` elements
/// for the lifetime `'a`.
pub(crate) unsafe fn try_slice<'a, T>(ptr: *const T, len: usize, name: &str) -> FfiResult<&'a [T]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    if !ptr.is_aligned() {
        return Err(FfiError::invalid(name, "pointer is misaligned"));
    }
    match len.checked_mul(std::mem::size_of::<T>()) {
        Some(bytes) if bytes <= isize::MAX as usize => Ok(std::slice::from_raw_parts(ptr, len)),
        _ => Err(FfiError::invalid(
            name,
            format!("length {len} is too large"),
        )),
    }
}

/// Views a caller's output array as a mutable slice, with the checks of [`try_slice`]:
/// `len == 0` is an empty slice whatever `ptr` is; a NULL `ptr` with `len > 0` is
/// `CPINDEX_STATUS_NULL_ARGUMENT`; a misaligned pointer or a byte size over `isize::MAX`
/// is `CPINDEX_STATUS_INVALID_ARGUMENT` (`slice::from_raw_parts_mut` requires both).
///
/// # Safety
/// When `len > 0` and `ptr` is not NULL, `ptr` must be valid for reads and writes of `len`
/// elements for the lifetime `'a`, and nothing else may access them meanwhile.
pub(crate) unsafe fn try_slice_mut<'a, T>(
    ptr: *mut T,
    len: usize,
    name: &str,
) -> FfiResult<&'a mut [T]> {
    if len == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    if !ptr.is_aligned() {
        return Err(FfiError::invalid(name, "pointer is misaligned"));
    }
    match len.checked_mul(std::mem::size_of::<T>()) {
        Some(bytes) if bytes <= isize::MAX as usize => Ok(std::slice::from_raw_parts_mut(ptr, len)),
        _ => Err(FfiError::invalid(
            name,
            format!("length {len} is too large"),
        )),
    }
}

/// Copies `src` into a caller buffer with the size-query convention (module docs).
///
/// # Safety
/// `buf` must be NULL or valid for writes of `buf_len` elements.
pub(crate) unsafe fn write_array<T: Copy>(
    src: &[T],
    buf: *mut T,
    buf_len: usize,
    out_len: *mut usize,
    what: &str,
) -> FfiResult<()> {
    let out_len = out_ptr(out_len, "out_len")?;
    if buf.is_null() && buf_len > 0 {
        return Err(FfiError::null("buf"));
    }
    if !buf.is_null() && !buf.is_aligned() {
        return Err(FfiError::invalid("buf", "pointer is misaligned"));
    }
    let needed = src.len();
    out_len.write(needed);
    if buf_len < needed {
        return Err(FfiError::new(
            cpindex_status::BufferTooSmall,
            format!("{what} needs a buffer of {needed} elements, {buf_len} given"),
        ));
    }
    if needed > 0 {
        std::ptr::copy_nonoverlapping(src.as_ptr(), buf, needed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_zero_is_empty() {
        let s: &[f64] = unsafe { try_slice(std::ptr::null(), 0, "x") }.unwrap();
        assert!(s.is_empty());
        let e = unsafe { try_slice::<f64>(std::ptr::null(), 3, "values") }.unwrap_err();
        assert_eq!(e.status, cpindex_status::NullArgument);
        assert!(e.message.contains("`values`"));
        let v = [1.0f64, 2.0];
        let e = unsafe { try_slice(v.as_ptr(), usize::MAX / 4, "values") }.unwrap_err();
        assert_eq!(e.status, cpindex_status::InvalidArgument);
        let bytes = [0u8; 16];
        let mis = unsafe { bytes.as_ptr().add(1) }.cast::<f64>();
        let e = unsafe { try_slice(mis, 1, "values") }.unwrap_err();
        assert_eq!(e.status, cpindex_status::InvalidArgument);
    }

    #[test]
    fn mutable_slices_are_checked_like_input_slices() {
        let s: &mut [f64] = unsafe { try_slice_mut(std::ptr::null_mut(), 0, "out") }.unwrap();
        assert!(s.is_empty());
        let e = unsafe { try_slice_mut::<f64>(std::ptr::null_mut(), 2, "out") }.unwrap_err();
        assert_eq!(e.status, cpindex_status::NullArgument);
        assert!(e.message.contains("`out`"));
        // an f64 needs 8-byte alignment; one byte into an aligned buffer is misaligned
        let mut bytes = [0u64; 3];
        let mis = unsafe { bytes.as_mut_ptr().cast::<u8>().add(1) }.cast::<f64>();
        let e = unsafe { try_slice_mut(mis, 1, "out") }.unwrap_err();
        assert_eq!(e.status, cpindex_status::InvalidArgument);
        assert!(e.message.contains("misaligned"), "{}", e.message);
        let mut v = [0.0f64; 2];
        let e = unsafe { try_slice_mut(v.as_mut_ptr(), usize::MAX / 4, "out") }.unwrap_err();
        assert_eq!(e.status, cpindex_status::InvalidArgument);
        let s = unsafe { try_slice_mut(v.as_mut_ptr(), 2, "out") }.unwrap();
        s[1] = 3.0;
        assert_eq!(v, [0.0, 3.0]);
    }

    #[test]
    fn write_array_size_query() {
        let src = [1.0f64, 2.0, 3.0];
        let mut n = 0usize;
        let e = unsafe { write_array(&src, std::ptr::null_mut(), 0, &mut n, "v") }.unwrap_err();
        assert_eq!((e.status, n), (cpindex_status::BufferTooSmall, 3));
        let mut buf = [9.0f64; 2];
        let e = unsafe { write_array(&src, buf.as_mut_ptr(), 2, &mut n, "v") }.unwrap_err();
        assert_eq!(e.status, cpindex_status::BufferTooSmall);
        assert_eq!(buf, [9.0, 9.0], "nothing written on failure");
        let mut buf = [0.0f64; 4];
        unsafe { write_array(&src, buf.as_mut_ptr(), 4, &mut n, "v") }.unwrap();
        assert_eq!(buf, [1.0, 2.0, 3.0, 0.0]);
        let e = unsafe { write_array(&src, std::ptr::null_mut(), 4, &mut n, "v") }.unwrap_err();
        assert_eq!(e.status, cpindex_status::NullArgument);
        let e = unsafe { write_array(&src, buf.as_mut_ptr(), 4, std::ptr::null_mut(), "v") }
            .unwrap_err();
        assert_eq!(e.status, cpindex_status::NullArgument);
        // an empty array fits in (NULL, 0)
        unsafe { write_array::<f64>(&[], std::ptr::null_mut(), 0, &mut n, "v") }.unwrap();
        assert_eq!(n, 0);
    }
}
