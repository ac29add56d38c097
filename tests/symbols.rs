//! The shared library exports only `cpindex_*` symbols, and exactly the functions the
//! committed header declares (house style R26; replaces a linker version script, since
//! rustc cdylibs export only `#[no_mangle]` items). Also checks the SONAME (R26).

use std::collections::BTreeSet;
use std::process::Command;

mod common;

#[test]
fn exports_are_exactly_the_header_functions() {
    if !common::have("nm") {
        common::skip(
            "SKIPPED: `nm` not found (binutils); symbol test not run",
            None,
        );
        return;
    }
    let lib = common::library_dir().join("libcpindex.so");
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&lib)
        .output()
        .expect("run nm");
    assert!(
        out.status.success(),
        "nm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let exported: BTreeSet<String> = text
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (_addr, kind, name) = (f.next()?, f.next()?, f.next()?);
            // Only code and data symbols; absolute markers (`A`) belong to the linker.
            matches!(
                kind,
                "T" | "t" | "D" | "d" | "B" | "b" | "R" | "r" | "W" | "V"
            )
            .then(|| name.to_string())
        })
        .collect();
    let strays: Vec<&String> = exported
        .iter()
        .filter(|s| !s.starts_with("cpindex_"))
        .collect();
    assert!(
        strays.is_empty(),
        "{} exports non-cpindex symbols: {strays:?}",
        lib.display()
    );

    let declared: BTreeSet<String> = common::header_functions().into_iter().collect();
    let missing: Vec<_> = declared.difference(&exported).collect();
    let undeclared: Vec<_> = exported.difference(&declared).collect();
    assert!(
        missing.is_empty() && undeclared.is_empty(),
        "header and library disagree:\n  declared but not exported: {missing:?}\n  \
         exported but not declared: {undeclared:?}\n(regenerate the header with \
         `CPINDEX_UPDATE_HEADER=1 cargo build`)"
    );
    assert!(declared.len() >= 38, "{declared:?}");
}

#[test]
fn soname_carries_the_full_version() {
    if !common::have("readelf") {
        common::skip("SKIPPED: `readelf` not found; SONAME test not run", None);
        return;
    }
    let lib = common::library_dir().join("libcpindex.so");
    let out = Command::new("readelf")
        .arg("-d")
        .arg(&lib)
        .output()
        .expect("run readelf");
    let text = String::from_utf8_lossy(&out.stdout);
    let want = format!("[libcpindex.so.{}]", env!("CARGO_PKG_VERSION"));
    assert!(
        text.lines()
            .any(|l| l.contains("SONAME") && l.contains(&want)),
        "SONAME {want} not found in:\n{text}"
    );
}
