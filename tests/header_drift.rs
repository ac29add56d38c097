//! The committed `include/cpindex.h` is the reviewed ABI (house style R3/R4): regenerate it
//! in memory with the pinned cbindgen and the same configuration as `build.rs`, and fail
//! when the two differ. Also checks the header's version macros against Cargo.toml and the
//! runtime values (R7).

use std::ffi::CStr;
use std::path::Path;

mod common;

include!("../src/ffi/header_config.rs");

const REGENERATE: &str = "regenerate it with `CPINDEX_UPDATE_HEADER=1 cargo build`, \
     review the diff (`git diff include/cpindex.h`) and commit it";

fn committed() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/cpindex.h");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; {REGENERATE}", path.display()))
}

#[test]
fn committed_header_matches_the_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fresh = cpindex_header(dir, env!("CARGO_PKG_VERSION")).expect("cbindgen runs");
    let fresh = String::from_utf8(fresh).expect("UTF-8 header");
    let old = committed();
    if fresh != old {
        let first = fresh
            .lines()
            .zip(old.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| fresh.lines().count().min(old.lines().count()));
        panic!(
            "include/cpindex.h is out of date with src/ffi (first difference at line {}:\n  \
             generated: {:?}\n  committed: {:?});\n{REGENERATE}",
            first + 1,
            fresh.lines().nth(first).unwrap_or("<end>"),
            old.lines().nth(first).unwrap_or("<end>"),
        );
    }
}

fn define(header: &str, name: &str) -> String {
    let prefix = format!("#define {name} ");
    header
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no #define {name} in include/cpindex.h"))
        .trim()
        .to_string()
}

/// The `version = "…"` of `[package]`, read from Cargo.toml text (independent of the
/// `CARGO_PKG_VERSION` that cargo passes to the compiler).
fn cargo_toml_version() -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let package = text.split("[package]").nth(1).unwrap();
    let line = package
        .lines()
        .find(|l| l.trim_start().starts_with("version"))
        .expect("package version");
    line.split('"').nth(1).unwrap().to_string()
}

#[test]
fn version_macros_match_cargo_toml_and_runtime() {
    let h = committed();
    let v = cargo_toml_version();
    assert_eq!(v, env!("CARGO_PKG_VERSION"));
    let parts: Vec<&str> = v.split(['.', '-', '+']).collect();
    assert_eq!(define(&h, "CPINDEX_VERSION_MAJOR"), parts[0]);
    assert_eq!(define(&h, "CPINDEX_VERSION_MINOR"), parts[1]);
    assert_eq!(define(&h, "CPINDEX_VERSION_PATCH"), parts[2]);
    assert_eq!(define(&h, "CPINDEX_VERSION_STRING"), format!("\"{v}\""));
    let runtime = unsafe { CStr::from_ptr(cpindex::ffi::cpindex_version_string()) };
    assert_eq!(runtime.to_str().unwrap(), v);
    assert_eq!(
        define(&h, "CPINDEX_ABI_VERSION"),
        cpindex::ffi::cpindex_abi_version().to_string()
    );
    assert_eq!(
        define(&h, "CPINDEX_JSON_SCHEMA_VERSION"),
        cpindex::ffi::CPINDEX_JSON_SCHEMA_VERSION.to_string()
    );
}

#[test]
fn every_function_is_documented_with_the_four_headings() {
    // R20: each prototype's Doxygen block states Ownership, NULL, Errors, Thread safety.
    let h = committed();
    let mut block = String::new();
    let mut checked = 0;
    for line in h.lines() {
        if line.trim_start().starts_with("/**") {
            block.clear();
        }
        block.push_str(line);
        block.push('\n');
        if let Some(name) = common::prototype_name(line) {
            for heading in [
                "**Ownership:**",
                "**NULL:**",
                "**Errors:**",
                "**Thread safety:**",
            ] {
                assert!(
                    block.contains(heading),
                    "{name}: doc comment lacks {heading}"
                );
            }
            checked += 1;
            block.clear();
        }
    }
    assert_eq!(checked, common::header_functions().len());
    assert!(checked >= 38, "only {checked} prototypes found");
}
