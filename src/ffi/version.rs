//! Library version and ABI version (house style R7).

use std::os::raw::c_char;

/// The ABI version of this header. Incremented whenever a released function changes its
/// signature or meaning, or a status code changes; compare it with `cpindex_abi_version()`
/// at start-up.
pub const CPINDEX_ABI_VERSION: u32 = 1;

/// The cpindex version as a static NUL-terminated string, e.g. `"0.1.0"`
/// (equals `CPINDEX_VERSION_STRING` of the header the library was built with).
///
/// **Ownership:** static; never free it.
/// **NULL:** never returns NULL.
/// **Errors:** none.
/// **Thread safety:** may be called from any thread.
#[no_mangle]
pub extern "C" fn cpindex_version_string() -> *const c_char {
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    // Cannot panic; guarded anyway (R9), with the same static text as the fallback.
    std::panic::catch_unwind(|| VERSION)
        .unwrap_or(VERSION)
        .as_ptr()
        .cast()
}

/// The ABI version of the loaded library. A program compiled against a header whose
/// `CPINDEX_ABI_VERSION` differs must not use the library.
///
/// **Ownership:** nothing to free. **NULL:** no pointers. **Errors:** none.
/// **Thread safety:** may be called from any thread.
#[no_mangle]
pub extern "C" fn cpindex_abi_version() -> u32 {
    // Cannot panic; guarded anyway (R9).
    std::panic::catch_unwind(|| CPINDEX_ABI_VERSION).unwrap_or(CPINDEX_ABI_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_matches_cargo() {
        let v = unsafe { std::ffi::CStr::from_ptr(cpindex_version_string()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        assert_eq!(cpindex_abi_version(), 1);
    }
}
