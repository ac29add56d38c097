//! Build script:
//!
//! * generates the C header with cbindgen (pinned =0.29.4, configuration in
//!   `cbindgen.toml`, shared code in `src/ffi/header_config.rs`) into `$OUT_DIR/cpindex.h`
//!   and prints `cargo:include=$OUT_DIR` (house style R3). It never writes into
//!   `include/` unless `CPINDEX_UPDATE_HEADER=1` is set: the committed
//!   `include/cpindex.h` is the reviewed ABI and `tests/header_drift.rs` compares it;
//! * on Linux, gives `libcpindex.so` the SONAME `libcpindex.so.<full version>` (R26: no ABI
//!   promise before 1.0, so the full version, as cargo-c's `version_suffix_components = 3`).

use std::path::PathBuf;

include!("src/ffi/header_config.rs");

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets it");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));

    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-env-changed=CPINDEX_UPDATE_HEADER");

    match cpindex_header(&crate_dir, &version) {
        Ok(header) => {
            std::fs::write(out_dir.join("cpindex.h"), &header).expect("write $OUT_DIR/cpindex.h");
            println!("cargo:include={}", out_dir.display());
            if std::env::var_os("CPINDEX_UPDATE_HEADER").is_some_and(|v| v == "1") {
                std::fs::write(crate_dir.join("include/cpindex.h"), &header)
                    .expect("write include/cpindex.h");
                println!("cargo:warning=include/cpindex.h regenerated (CPINDEX_UPDATE_HEADER=1)");
            }
        }
        // A parse failure must not stop the Rust build (the compiler reports real errors
        // better); the header drift test then fails with the same message.
        Err(e) => println!("cargo:warning=cpindex.h not generated: {e}"),
    }

    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libcpindex.so.{version}");
    }
}
