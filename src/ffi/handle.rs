//! Opaque handles (house style R13): typed casts between the C-visible marker types and
//! the Rust values behind them, in two ownership kinds (rustls' `Castable`):
//!
//! * [`ArcHandle`]: immutable, shareable, `Arc`-backed, handed out as `const T *`
//!   (frameworks; next round: specs and results that other handles may outlive);
//! * [`BoxHandle`]: single owner, handed out as `T *` (panels).
//!
//! Every accessor checks NULL and names the argument in the error.

use std::sync::Arc;

use super::error::{FfiError, FfiResult};

/// A C marker type backed by `Arc<Self::Rust>`.
pub(crate) trait ArcHandle: Sized {
    /// The Rust value behind the handle.
    type Rust: Send + Sync;
}

/// A C marker type backed by `Box<Self::Rust>`.
pub(crate) trait BoxHandle: Sized {
    /// The Rust value behind the handle.
    type Rust;
}

/// Leaks an `Arc` into a `const` handle pointer (one strong count owned by C).
pub(crate) fn arc_into_ptr<H: ArcHandle>(value: Arc<H::Rust>) -> *const H {
    Arc::into_raw(value).cast()
}

/// Borrows the value behind an `Arc` handle.
///
/// # Safety
/// `ptr` must be NULL or come from [`arc_into_ptr`] for the same `H` and not be freed.
pub(crate) unsafe fn arc_ref<'a, H: ArcHandle>(
    ptr: *const H,
    name: &str,
) -> FfiResult<&'a H::Rust> {
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    Ok(&*ptr.cast::<H::Rust>())
}

/// A new strong reference to the value behind an `Arc` handle.
///
/// # Safety
/// As [`arc_ref`].
pub(crate) unsafe fn arc_clone<H: ArcHandle>(ptr: *const H, name: &str) -> FfiResult<Arc<H::Rust>> {
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    let raw = ptr.cast::<H::Rust>();
    Arc::increment_strong_count(raw);
    Ok(Arc::from_raw(raw))
}

/// Releases C's strong reference; NULL is a no-op.
///
/// # Safety
/// As [`arc_ref`]; the pointer must not be used afterwards.
pub(crate) unsafe fn arc_free<H: ArcHandle>(ptr: *const H) {
    if !ptr.is_null() {
        drop(Arc::from_raw(ptr.cast::<H::Rust>()));
    }
}

/// Leaks a `Box` into a mutable handle pointer owned by C.
pub(crate) fn box_into_ptr<H: BoxHandle>(value: H::Rust) -> *mut H {
    Box::into_raw(Box::new(value)).cast()
}

/// Borrows the value behind a `Box` handle.
///
/// # Safety
/// `ptr` must be NULL or come from [`box_into_ptr`] for the same `H` and not be freed.
pub(crate) unsafe fn box_ref<'a, H: BoxHandle>(
    ptr: *const H,
    name: &str,
) -> FfiResult<&'a H::Rust> {
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    Ok(&*ptr.cast::<H::Rust>())
}

/// Mutably borrows the value behind a `Box` handle.
///
/// # Safety
/// As [`box_ref`], and no other reference to the value may be live.
pub(crate) unsafe fn box_mut<'a, H: BoxHandle>(
    ptr: *mut H,
    name: &str,
) -> FfiResult<&'a mut H::Rust> {
    if ptr.is_null() {
        return Err(FfiError::null(name));
    }
    Ok(&mut *ptr.cast::<H::Rust>())
}

/// Frees a `Box` handle; NULL is a no-op.
///
/// # Safety
/// As [`box_ref`]; the pointer must not be used afterwards.
pub(crate) unsafe fn box_free<H: BoxHandle>(ptr: *mut H) {
    if !ptr.is_null() {
        drop(Box::from_raw(ptr.cast::<H::Rust>()));
    }
}
