//! Compiles and runs the C and C++ programs against the header and the library built for
//! this test run (house style R22/R23):
//!
//! * the header alone compiles as C99 and as C++17 (`-Wall -Wextra -Werror -pedantic`);
//! * `bindings/c/test_*.c` (C99) and `bindings/cpp/test_*.cpp` (C++17) are linked
//!   dynamically (`-Wl,-rpath`) and statically (`libcpindex.a` + native-static-libs), run,
//!   and must print `N passed, 0 failed`;
//! * the dynamic builds also run under `valgrind --error-exitcode=1 --leak-check=full
//!   --errors-for-leak-kinds=definite,indirect` when valgrind exists
//!   (`CPINDEX_SKIP_VALGRIND=1` skips it); `CPINDEX_SANITIZE=address` adds an ASan/UBSan
//!   build of the C programs;
//! * `scripts/install.sh` installs into a temporary prefix and `pkg-config --cflags --libs
//!   cpindex` compiles and runs `bindings/c/example.c`.
//!
//! Missing tools (cc, c++, valgrind, pkg-config) skip the part with a printed message.
//! The library is found as described in `tests/common/mod.rs` (`CPINDEX_LIBRARY_DIR` or
//! the test executable's `deps/` directory).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{have, library_dir, root};

const C_FLAGS: &[&str] = &["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"];
const CXX_FLAGS: &[&str] = &["-std=c++17", "-Wall", "-Wextra", "-Werror", "-pedantic"];
/// The link line for static linking on Linux, as documented in docs/c-api.md (checked
/// against rustc's native-static-libs in `static_link_line_is_documented`).
const NATIVE_STATIC_LIBS: &str = "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc";

fn cc() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".into())
}

fn cxx() -> String {
    std::env::var("CXX").unwrap_or_else(|_| "c++".into())
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("c_api")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A directory where the shared library is reachable under its SONAME
/// (`libcpindex.so.<version>`, recorded as DT_NEEDED by the linker) and as `libcpindex.so`.
fn soname_dir(scratch: &Path) -> PathBuf {
    let lib = library_dir().join("libcpindex.so");
    let dir = scratch.join("lib");
    std::fs::create_dir_all(&dir).unwrap();
    for name in [
        "libcpindex.so".to_string(),
        format!("libcpindex.so.{}", env!("CARGO_PKG_VERSION")),
    ] {
        std::os::unix::fs::symlink(&lib, dir.join(name)).unwrap();
    }
    dir
}

fn run_ok(cmd: &mut Command, what: &str) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs a test program and checks its final `N passed, 0 failed` line.
fn run_test_program(exe: &Path, wrapper: &[&str]) {
    let mut cmd = match wrapper.split_first() {
        Some((w, rest)) => {
            let mut c = Command::new(w);
            c.args(rest).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    let out = run_ok(&mut cmd, &format!("{}{}", wrapper.join(" "), exe.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or("");
    assert!(
        last.ends_with(" passed, 0 failed") && !last.starts_with("0 passed"),
        "{}: unexpected summary {last:?}",
        exe.display()
    );
    eprintln!(
        "{} {}: {last}",
        wrapper.join(" "),
        exe.file_name().unwrap().to_string_lossy()
    );
}

fn sources(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == ext)
                && p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("test_")
        })
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no test programs in {dir}");
    v
}

fn valgrind() -> Option<Vec<&'static str>> {
    if std::env::var_os("CPINDEX_SKIP_VALGRIND").is_some() {
        common::skip("SKIPPED valgrind: CPINDEX_SKIP_VALGRIND is set", None);
        return None;
    }
    if !have("valgrind") {
        common::skip(
            "SKIPPED valgrind: not installed (memory check not run)",
            Some("CPINDEX_REQUIRE_VALGRIND"),
        );
        return None;
    }
    Some(vec![
        "valgrind",
        "--error-exitcode=1",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite,indirect",
        "-q",
    ])
}

/// Compiles `src` with `compiler` and `flags`, linking dynamically or statically.
fn build(
    compiler: &str,
    flags: &[&str],
    src: &Path,
    out: &Path,
    lib_dir: &Path,
    dynamic: bool,
    extra: &[&str],
) {
    let mut cmd = Command::new(compiler);
    cmd.args(flags)
        .args(extra)
        .arg("-I")
        .arg(root().join("include"))
        .arg("-I")
        .arg(root().join("bindings/c"))
        .arg(src)
        .arg("-o")
        .arg(out);
    if dynamic {
        cmd.arg(format!("-L{}", lib_dir.display()))
            .arg("-lcpindex")
            .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
            .args(["-lm", "-pthread"]);
    } else {
        cmd.arg(library_dir().join("libcpindex.a"))
            .args(NATIVE_STATIC_LIBS.split_whitespace())
            .arg("-pthread");
    }
    run_ok(&mut cmd, &format!("compiling {}", src.display()));
}

#[test]
fn header_compiles_as_c99_and_cpp17() {
    if !have(&cc()) {
        common::skip(
            &format!("SKIPPED: no C compiler ({}); set CC", cc()),
            Some("CPINDEX_REQUIRE_C"),
        );
        return;
    }
    let dir = scratch("header");
    let tu = dir.join("only_header.c");
    std::fs::write(
        &tu,
        "#include \"cpindex.h\"\nint main(void) { return CPINDEX_STATUS_OK; }\n",
    )
    .unwrap();
    let mut c = Command::new(cc());
    c.args(C_FLAGS)
        .arg("-fsyntax-only")
        .arg("-I")
        .arg(root().join("include"))
        .arg(&tu);
    run_ok(&mut c, "header as C99");
    if have(&cxx()) {
        let mut cpp = Command::new(cxx());
        cpp.args(CXX_FLAGS)
            .args(["-x", "c++", "-fsyntax-only"])
            .arg("-I")
            .arg(root().join("include"))
            .arg(&tu);
        run_ok(&mut cpp, "header as C++17");
    } else {
        common::skip(
            &format!("SKIPPED: no C++ compiler ({}); set CXX", cxx()),
            Some("CPINDEX_REQUIRE_C"),
        );
    }
}

#[test]
fn c_programs_dynamic_with_valgrind() {
    if !have(&cc()) {
        common::skip(
            &format!("SKIPPED: no C compiler ({}); set CC", cc()),
            Some("CPINDEX_REQUIRE_C"),
        );
        return;
    }
    let dir = scratch("c_dynamic");
    let libs = soname_dir(&dir);
    let vg = valgrind();
    for src in sources("bindings/c", "c") {
        let exe = dir.join(src.file_stem().unwrap());
        build(&cc(), C_FLAGS, &src, &exe, &libs, true, &[]);
        run_test_program(&exe, &[]);
        if let Some(vg) = &vg {
            run_test_program(&exe, vg);
        }
    }
    if std::env::var("CPINDEX_SANITIZE").is_ok_and(|v| v == "address") {
        for src in sources("bindings/c", "c") {
            let exe = dir.join(format!(
                "{}_asan",
                src.file_stem().unwrap().to_string_lossy()
            ));
            let san = [
                "-fsanitize=address,undefined",
                "-fno-omit-frame-pointer",
                "-g",
            ];
            build(&cc(), C_FLAGS, &src, &exe, &libs, true, &san);
            run_test_program(&exe, &[]);
        }
    }
}

#[test]
fn c_programs_static() {
    if !have(&cc()) {
        common::skip(
            &format!("SKIPPED: no C compiler ({}); set CC", cc()),
            Some("CPINDEX_REQUIRE_C"),
        );
        return;
    }
    let dir = scratch("c_static");
    for src in sources("bindings/c", "c") {
        let exe = dir.join(src.file_stem().unwrap());
        build(&cc(), C_FLAGS, &src, &exe, &dir, false, &[]);
        // statically linked: no libcpindex.so dependency
        let ldd = Command::new("ldd").arg(&exe).output();
        if let Ok(o) = ldd {
            assert!(
                !String::from_utf8_lossy(&o.stdout).contains("libcpindex"),
                "{} links libcpindex.so",
                exe.display()
            );
        }
        run_test_program(&exe, &[]);
    }
}

#[test]
fn cpp_program_dynamic_static_valgrind() {
    if !have(&cxx()) {
        common::skip(
            &format!("SKIPPED: no C++ compiler ({}); set CXX", cxx()),
            Some("CPINDEX_REQUIRE_C"),
        );
        return;
    }
    let dir = scratch("cpp");
    let libs = soname_dir(&dir);
    let vg = valgrind();
    for src in sources("bindings/cpp", "cpp") {
        let stem = src.file_stem().unwrap().to_string_lossy().to_string();
        let exe = dir.join(&stem);
        build(&cxx(), CXX_FLAGS, &src, &exe, &libs, true, &[]);
        run_test_program(&exe, &[]);
        if let Some(vg) = &vg {
            run_test_program(&exe, vg);
        }
        let exe_static = dir.join(format!("{stem}_static"));
        build(&cxx(), CXX_FLAGS, &src, &exe_static, &libs, false, &[]);
        run_test_program(&exe_static, &[]);
    }
}

#[test]
fn static_link_line_is_documented() {
    // rustc's native-static-libs for a staticlib (cpindex adds no native dependency of its
    // own, so the standard library's list is the whole list).
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    if !have(&rustc) {
        common::skip("SKIPPED: rustc not found", None);
        return;
    }
    let dir = scratch("native_libs");
    std::fs::write(dir.join("empty.rs"), "").unwrap();
    let out = Command::new(&rustc)
        .args(["--crate-type", "staticlib", "--print", "native-static-libs"])
        .arg(dir.join("empty.rs"))
        .arg("-o")
        .arg(dir.join("libempty.a"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    let libs = text
        .lines()
        .find_map(|l| l.split("native-static-libs: ").nth(1))
        .expect("rustc prints native-static-libs")
        .trim()
        .to_string();
    assert_eq!(
        libs, NATIVE_STATIC_LIBS,
        "update NATIVE_STATIC_LIBS and docs/c-api.md"
    );
    let docs = std::fs::read_to_string(root().join("docs/c-api.md")).unwrap();
    assert!(
        docs.contains(NATIVE_STATIC_LIBS),
        "docs/c-api.md must show the static link line `{NATIVE_STATIC_LIBS}`"
    );
}

#[test]
fn install_script_and_pkg_config() {
    if !have(&cc()) {
        common::skip(
            &format!("SKIPPED: no C compiler ({}); set CC", cc()),
            Some("CPINDEX_REQUIRE_C"),
        );
        return;
    }
    if !have("sh") && !Path::new("/bin/sh").exists() {
        common::skip("SKIPPED: no /bin/sh", None);
        return;
    }
    let dir = scratch("install");
    let prefix = dir.join("prefix");
    let mut install = Command::new("sh");
    install
        .arg(root().join("scripts/install.sh"))
        .arg("--from")
        .arg(library_dir())
        .arg(&prefix);
    run_ok(&mut install, "scripts/install.sh");
    let version = env!("CARGO_PKG_VERSION");
    for f in [
        format!("lib/libcpindex.so.{version}"),
        "lib/libcpindex.so".into(),
        "lib/libcpindex.a".into(),
        "include/cpindex.h".into(),
        "lib/pkgconfig/cpindex.pc".into(),
    ] {
        assert!(prefix.join(&f).exists(), "{f} not installed");
    }
    let pc = std::fs::read_to_string(prefix.join("lib/pkgconfig/cpindex.pc")).unwrap();
    assert!(pc.contains(&format!("Version: {version}")), "{pc}");
    assert!(!pc.contains('@'), "unsubstituted placeholder in:\n{pc}");

    if !have("pkg-config") {
        common::skip(
            "SKIPPED: pkg-config not installed; the .pc file was generated but not exercised",
            Some("CPINDEX_REQUIRE_C"),
        );
        return;
    }
    let pkg = |args: &[&str]| -> String {
        let mut c = Command::new("pkg-config");
        c.args(args)
            .arg("cpindex")
            .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig"));
        String::from_utf8(run_ok(&mut c, "pkg-config").stdout)
            .unwrap()
            .trim()
            .to_string()
    };
    assert_eq!(pkg(&["--modversion"]), version);
    let flags = pkg(&["--cflags", "--libs"]);
    assert!(flags.contains("-lcpindex"), "{flags}");
    assert!(pkg(&["--static", "--libs"]).contains("-lpthread"));
    let exe = dir.join("example");
    let mut c = Command::new(cc());
    c.args(C_FLAGS)
        .arg(root().join("bindings/c/example.c"))
        .arg("-o")
        .arg(&exe)
        .args(flags.split_whitespace())
        .arg(format!("-Wl,-rpath,{}", prefix.join("lib").display()));
    run_ok(&mut c, "compiling example.c with pkg-config flags");
    let out = run_ok(&mut Command::new(&exe), "example");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("gdp") && stdout.contains("2500"),
        "{stdout}"
    );
}

/// The body of the first fenced block of `lang` (```` ```c ````, ```` ```cpp ````) in a
/// Markdown text, with the trailing newline of its last line.
fn fenced_block(markdown: &str, lang: &str) -> Option<String> {
    let mut lines = markdown.lines();
    let open = format!("```{lang}");
    lines.by_ref().find(|l| l.trim_end() == open)?;
    let mut body = String::new();
    for line in lines {
        if line.trim_end() == "```" {
            return Some(body);
        }
        body.push_str(line);
        body.push('\n');
    }
    None
}

#[test]
fn fenced_block_extraction() {
    let md = "text\n```sh\nls\n```\n```c\nint main(void) {\n  return 0;\n}\n```\n```cpp\nx\n```\n";
    assert_eq!(
        fenced_block(md, "c").unwrap(),
        "int main(void) {\n  return 0;\n}\n"
    );
    assert_eq!(fenced_block(md, "cpp").unwrap(), "x\n");
    assert_eq!(fenced_block(md, "rust"), None);
}

/// `bindings/c/example.c` and `bindings/cpp/example.cpp` (the README's usage snippets)
/// compile with the strict flags against the header, link dynamically and run.
#[test]
fn examples_compile_and_run() {
    let dir = scratch("examples");
    let libs = soname_dir(&dir);
    let mut programs = Vec::new();
    if have(&cc()) {
        programs.push((cc(), C_FLAGS, "bindings/c/example.c", "example_c"));
    } else {
        common::skip(
            &format!("SKIPPED example.c: no C compiler ({}); set CC", cc()),
            Some("CPINDEX_REQUIRE_C"),
        );
    }
    if have(&cxx()) {
        programs.push((cxx(), CXX_FLAGS, "bindings/cpp/example.cpp", "example_cpp"));
    } else {
        common::skip(
            &format!("SKIPPED example.cpp: no C++ compiler ({}); set CXX", cxx()),
            Some("CPINDEX_REQUIRE_C"),
        );
    }
    for (compiler, flags, src, exe) in programs {
        let exe = dir.join(exe);
        build(&compiler, flags, &root().join(src), &exe, &libs, true, &[]);
        let out = run_ok(&mut Command::new(&exe), src);
        let stdout = String::from_utf8_lossy(&out.stdout);
        // Gini of {21000, 35000, 48000, 62000, 150000}: mean 63200, Σ|xi−xj| over ordered
        // pairs = 2·(14+27+41+129+13+27+115+14+102+88)·1000 = 1 140 000, G = 1 140 000 /
        // (2·25·63200) = 0.36076 (hand computation).
        assert!(stdout.contains("0.3608"), "{src}: {stdout}");
        assert!(stdout.contains("100.00"), "{src}: {stdout}");
    }
}

/// README.md must show the C and C++ usage snippets verbatim: its first ```` ```c ````
/// block is `bindings/c/example.c` and its first ```` ```cpp ```` block is
/// `bindings/cpp/example.cpp` (compiled and run by `examples_compile_and_run`), so the
/// README can never show code that does not build. docs/c-api.md carries them too.
#[test]
fn readme_snippets_are_the_examples() {
    for doc in ["docs/c-api.md", "README.md"] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        for (lang, file) in [
            ("c", "bindings/c/example.c"),
            ("cpp", "bindings/cpp/example.cpp"),
        ] {
            let example = std::fs::read_to_string(root().join(file)).unwrap();
            let block = fenced_block(&text, lang).unwrap_or_else(|| {
                panic!("{doc} has no ```{lang} block: it must show {file} verbatim as its first ```{lang} block")
            });
            assert!(
                block == example,
                "the first ```{lang} block of {doc} differs from {file}: copy {file} into it verbatim"
            );
        }
    }
}
