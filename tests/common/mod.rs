//! Helpers shared by the integration tests that look at the built library and header.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The crate root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The text of the committed header.
pub fn header_text() -> String {
    std::fs::read_to_string(root().join("include/cpindex.h")).expect("include/cpindex.h")
}

/// The function name declared on a header line, if the line starts a prototype.
pub fn prototype_name(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if t.is_empty() || t.starts_with(['*', '/', '#', '}', '{']) || t.starts_with("typedef") {
        return None;
    }
    let before_paren = t.split('(').next().filter(|_| t.contains('('))?;
    let name = before_paren
        .split_whitespace()
        .last()?
        .trim_start_matches('*');
    name.starts_with("cpindex_").then_some(name)
}

/// Every function the header declares, in order.
pub fn header_functions() -> Vec<String> {
    header_text()
        .lines()
        .filter_map(prototype_name)
        .map(str::to_owned)
        .collect()
}

/// The directory holding `libcpindex.so` / `libcpindex.a` built for this test run
/// (house style §12.1): `$CPINDEX_LIBRARY_DIR` if set, else the test executable's own
/// directory (`target/<profile>/deps`, where `cargo test` leaves the cdylib and the
/// staticlib), else its parent (`target/<profile>`, after `cargo build`).
pub fn library_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CPINDEX_LIBRARY_DIR") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("libcpindex.so").exists(),
            "CPINDEX_LIBRARY_DIR={} holds no libcpindex.so",
            dir.display()
        );
        return dir;
    }
    let exe = std::env::current_exe().expect("test executable path");
    let deps = exe.parent().expect("deps dir").to_path_buf();
    let candidates = [
        deps.clone(),
        deps.parent().map(Path::to_path_buf).unwrap_or_default(),
    ];
    for dir in &candidates {
        if dir.join("libcpindex.so").exists() && dir.join("libcpindex.a").exists() {
            return dir.clone();
        }
    }
    panic!(
        "libcpindex.so/libcpindex.a not found in {:?}; run `cargo build` or set CPINDEX_LIBRARY_DIR",
        candidates
    );
}

/// Is `program` runnable (`program --version` succeeds)?
pub fn have(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// `Rscript` with the R package `package` loadable, or None after printing why the calling
/// test `test` is skipped (with the Debian package that provides it). Under
/// `CPINDEX_REQUIRE_R=1` (set by `.ci/run`) a missing R or package is a failure instead.
/// `RSCRIPT=` names another Rscript.
pub fn rscript_with(package: &str, test: &str) -> Option<String> {
    let r = std::env::var("RSCRIPT").unwrap_or_else(|_| "Rscript".into());
    let ok = std::process::Command::new(&r)
        .args([
            "-e",
            &format!("suppressPackageStartupMessages(library({package}))"),
        ])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if ok {
        return Some(r);
    }
    let msg = format!(
        "SKIPPED {test}: `{r}` with the {package} package not found \
         (apt install r-base-core r-cran-{package}; RSCRIPT= names another Rscript)"
    );
    skip(&msg, Some("CPINDEX_REQUIRE_R"));
    None
}

/// Runs the committed R script `script` (relative to the crate root) with `Rscript` `r`,
/// passing the crate root as its argument, and returns what it printed; panics with R's
/// stderr when the script fails.
pub fn run_r_reference(r: &str, script: &str) -> String {
    let out = std::process::Command::new(r)
        .arg(root().join(script))
        .arg(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {r}: {e}"));
    assert!(
        out.status.success(),
        "{script} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("R prints UTF-8")
}

pub mod cli;
pub mod monitor;

/// FFI helpers for the Rust-level tests of the extern functions.
pub mod ffi {
    use cpindex::ffi::*;
    use std::os::raw::c_char;

    /// The calling thread's last error message.
    pub fn last_message() -> String {
        let mut n = 0usize;
        let st = unsafe { cpindex_last_error_message(std::ptr::null_mut(), 0, &mut n) };
        assert_eq!(st, cpindex_status::BufferTooSmall);
        let mut buf = vec![0u8; n + 1];
        let st = unsafe { cpindex_last_error_message(buf.as_mut_ptr().cast(), n + 1, &mut n) };
        assert_eq!(st, cpindex_status::Ok);
        buf.truncate(n);
        String::from_utf8(buf).unwrap()
    }

    /// Reads a text through the caller-buffer convention: a size query, then a fill; also
    /// checks that a buffer one byte short is refused and left untouched.
    pub fn read_text(
        f: impl Fn(*mut c_char, usize, *mut usize) -> cpindex_status,
    ) -> Result<String, cpindex_status> {
        let mut n = usize::MAX;
        match f(std::ptr::null_mut(), 0, &mut n) {
            cpindex_status::BufferTooSmall => {}
            other => return Err(other),
        }
        assert_ne!(n, usize::MAX, "size query must write *out_len");
        let mut short = vec![0xAAu8; n];
        let mut m = 0usize;
        assert_eq!(
            f(short.as_mut_ptr().cast(), n, &mut m),
            cpindex_status::BufferTooSmall
        );
        assert_eq!(m, n);
        assert!(
            short.iter().all(|&b| b == 0xAA),
            "nothing written on BUFFER_TOO_SMALL"
        );
        let mut buf = vec![0xAAu8; n + 1];
        assert_eq!(
            f(buf.as_mut_ptr().cast(), n + 1, &mut m),
            cpindex_status::Ok
        );
        assert_eq!(m, n);
        assert_eq!(buf[n], 0, "NUL-terminated");
        buf.truncate(n);
        Ok(String::from_utf8(buf).expect("UTF-8 output"))
    }

    /// A `cpindex_str` view of a Rust string.
    pub fn s(text: &str) -> cpindex_str {
        cpindex_str {
            data: text.as_ptr().cast(),
            len: text.len(),
        }
    }

    /// The built-in Quzhou framework handle.
    pub fn quzhou() -> *const cpindex_framework {
        let name = "quzhou-2021-2025";
        let mut fw = std::ptr::null();
        let st = unsafe { cpindex_framework_builtin(name.as_ptr().cast(), name.len(), &mut fw) };
        assert_eq!(st, cpindex_status::Ok);
        assert!(!fw.is_null());
        fw
    }
}

/// A microdata file's value, weight and group columns, in file order (for the tests that
/// compare with R packages).
pub struct Microdata {
    /// values
    pub x: Vec<f64>,
    /// weights
    pub w: Vec<f64>,
    /// group labels
    pub group: Vec<String>,
}

impl Microdata {
    /// Reads the named columns of a CSV file (panics with the file and column on error).
    pub fn read(path: &Path, value: &str, weight: &str, group: &str) -> Microdata {
        let mut r = csv::Reader::from_path(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let h = r.headers().unwrap().clone();
        let col = |name: &str| {
            h.iter()
                .position(|c| c == name)
                .unwrap_or_else(|| panic!("{}: no column `{name}`", path.display()))
        };
        let (cx, cw, cg) = (col(value), col(weight), col(group));
        let mut d = Microdata {
            x: vec![],
            w: vec![],
            group: vec![],
        };
        for rec in r.records() {
            let rec = rec.unwrap();
            d.x.push(rec[cx].parse().unwrap());
            d.w.push(rec[cw].parse().unwrap());
            d.group.push(rec[cg].to_string());
        }
        d
    }

    /// Values and weights (None = unweighted) of `subset` ("all" or a group label).
    pub fn subset(&self, subset: &str, weighted: bool) -> (Vec<f64>, Option<Vec<f64>>) {
        let keep: Vec<usize> = (0..self.x.len())
            .filter(|&i| subset == "all" || self.group[i] == subset)
            .collect();
        assert!(!keep.is_empty(), "no records in subset `{subset}`");
        let x = keep.iter().map(|&i| self.x[i]).collect();
        let w = weighted.then(|| keep.iter().map(|&i| self.w[i]).collect());
        (x, w)
    }
}

/// Reports that (part of) a test did not run, and why, where a plain `cargo test` shows it.
///
/// libtest captures what a passing test prints with `println!`/`eprintln!` (it shows it only
/// for failures or with `--nocapture`), so a skip written that way reads as an ordinary `ok`.
/// This writes the line to the process's standard error directly, which libtest does not
/// capture. When `require` names an environment switch set to `1` — `.ci/run` sets one for
/// each tool it installs — the skip is a failure instead: there, the tool must be present.
pub fn skip(message: &str, require: Option<&str>) {
    use std::io::Write;
    if let Some(var) = require {
        if std::env::var(var).as_deref() == Ok("1") {
            panic!("{message} — but {var}=1 requires it");
        }
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{message}");
}
