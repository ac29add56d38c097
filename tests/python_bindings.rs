//! Runs the Python ctypes suite (`bindings/python/tests`) against the cdylib that
//! `cargo test` has just built (house style R24; patterns: uniffi `python/test.rs`,
//! solar `ctest.rs`).
//!
//! `cargo test` leaves `libcpindex.so` in `target/<profile>/deps`, next to this test's
//! executable, not in `target/<profile>` (rust-lang/cargo#8311), so the library is looked
//! up beside the executable first. `CPINDEX_LIBRARY` overrides the search. The test is
//! skipped, with a message, when `python3` is not installed.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

fn lib_file_name() -> &'static str {
    if cfg!(target_os = "windows") {
        "cpindex.dll"
    } else if cfg!(target_os = "macos") {
        "libcpindex.dylib"
    } else {
        "libcpindex.so"
    }
}

/// The cdylib: `$CPINDEX_LIBRARY`, else beside the test executable (`deps/`), else the
/// profile directory above it.
fn locate_library() -> Option<PathBuf> {
    if let Some(p) = env::var_os("CPINDEX_LIBRARY") {
        return Some(PathBuf::from(p));
    }
    let exe = env::current_exe().ok()?;
    let deps = exe.parent()?;
    [deps.to_path_buf(), deps.parent()?.to_path_buf()]
        .into_iter()
        .map(|d| d.join(lib_file_name()))
        .find(|p| p.is_file())
}

fn python() -> Option<String> {
    let candidates = match env::var("PYTHON") {
        Ok(p) => vec![p],
        Err(_) => vec!["python3".to_string()],
    };
    candidates.into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    })
}

#[test]
fn python_unittest_suite() {
    let Some(py) = python() else {
        common::skip(
            "SKIPPED python_bindings: python3 not found (set PYTHON to an interpreter)",
            Some("CPINDEX_REQUIRE_PYTHON"),
        );
        return;
    };
    let lib = locate_library().expect(
        "libcpindex not found beside the test executable; run `cargo build` or set CPINDEX_LIBRARY",
    );
    assert!(
        lib.is_file(),
        "CPINDEX_LIBRARY={} is not a file",
        lib.display()
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pkg = root.join("bindings").join("python");
    let out = Command::new(&py)
        .args(["-m", "unittest", "discover", "-s"])
        .arg(pkg.join("tests"))
        .args(["-t"])
        .arg(pkg.join("tests"))
        .arg("-v")
        .current_dir(&pkg)
        .env("CPINDEX_LIBRARY", &lib)
        .env("PYTHONPATH", &pkg)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        // the deliberate-panic test prints through the default hook; keep it short
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("failed to start python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("library: {}\n{stdout}", lib.display());
    // Skip reasons (missing numpy, pandas, …) are printed by the suite: shown past the
    // test harness's capture (a passing test's own output is not shown)
    for line in stdout.lines().chain(stderr.lines()) {
        if line.contains("SKIP reason") || line.contains(" ... skipped ") {
            common::skip(line, None);
        }
    }
    assert!(
        out.status.success(),
        "Python binding tests failed ({}):\n{stderr}",
        out.status
    );
    eprintln!(
        "{}",
        stderr
            .lines()
            .rev()
            .find(|l| l.starts_with("Ran "))
            .unwrap_or("")
    );
}
