//! The C ABI. Everything here is a thin wrapper over the public Rust API.
#![allow(unsafe_code)]
