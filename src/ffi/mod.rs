//! The C ABI of cpindex (`include/cpindex.h`).
//!
//! Everything here is a thin layer over the public Rust API (house style R1): it checks
//! what arrives from C, calls the core, maps [`crate::Error`] to a [`cpindex_status`] and
//! writes results through out-pointers. The conventions (see `docs/c-api.md`):
//!
//! * every exported symbol starts with `cpindex_`; every fallible function returns a
//!   [`cpindex_status`] (`uint32_t`, 0 = OK) and writes its out-pointers only on success
//!   (the one exception: `*out_len` of a caller buffer is also written on
//!   `CPINDEX_STATUS_BUFFER_TOO_SMALL`, which is the size query);
//! * the calling thread's last error, in words, is read with
//!   [`cpindex_last_error_message`] (not consumed by reading);
//! * a panic never crosses the boundary: every body runs inside the `guard` module's `catch_unwind` wrappers;
//! * every pointer is checked for NULL; `(NULL, 0)` is an empty slice; enum-like inputs
//!   arrive as `uint32_t` and are validated; text is UTF-8 as `(const char *, size_t)`;
//! * opaque handles come with `_new`/`_free` pairs (`_free(NULL)` is a no-op); bulk output
//!   goes into caller buffers with a size query.
//!
//! Departures from the house style, with reasons:
//! * R5 asks for `#[unsafe(no_mangle)]` (edition 2024); the crate is edition 2021 with
//!   `rust-version = 1.80`, where that syntax does not exist yet (1.82), so the functions
//!   use `#[no_mangle]`. cbindgen reads both.
//! * cbindgen is pointed at `src/ffi/mod.rs` rather than `src/lib.rs` (see
//!   `src/ffi/header_config.rs`): only this module tree defines the ABI, and parsing the
//!   core would export its `pub const`s (e.g. the built-in framework ids) as C macros.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

mod distribution;
mod error;
mod evaluate;
mod framework;
mod guard;
mod handle;
mod index;
mod json;
mod monitor;
mod panel;
mod sensitivity;
mod slice;
mod spec;
mod status;
mod string;
mod summary;
mod version;

pub use distribution::*;
pub use error::{cpindex_last_error_clear, cpindex_last_error_message};
pub use evaluate::*;
pub use framework::*;
pub use guard::cpindex_debug_panic;
pub use index::*;
pub use json::{cpindex_run_json, CPINDEX_JSON_SCHEMA_VERSION};
pub use monitor::*;
pub use panel::*;
pub use sensitivity::*;
pub use spec::*;
pub use status::{cpindex_status, cpindex_status_str};
pub use string::cpindex_str;
pub use summary::*;
pub use version::{cpindex_abi_version, cpindex_version_string, CPINDEX_ABI_VERSION};
