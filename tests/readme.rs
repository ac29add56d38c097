//! README.md: its first lines are the two commands the brief asks for, and its Python example
//! is the one the Python suite runs (`bindings/python/README.md`, first block). The C and C++
//! blocks are checked against the compiled examples in `tests/c_api.rs`; the Rust block is a
//! doctest (`src/lib.rs`).

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn blocks<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    let open = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&open) {
        let body = &rest[start + open.len()..];
        let end = body.find("```").expect("unterminated code block");
        out.push(&body[..end]);
        rest = &body[end + 3..];
    }
    out
}

#[test]
fn readme_starts_with_the_two_commands() {
    let readme = read("README.md");
    let first = blocks(&readme, "sh")[0];
    let lines: Vec<&str> = first.lines().collect();
    assert_eq!(
        lines,
        [
            "cargo run --release -- report examples/data/quzhou.csv",
            "cargo test"
        ]
    );
    // the block is the first thing after the title
    let title_end = readme.find('\n').unwrap();
    assert!(readme[title_end..].trim_start().starts_with("```sh\n"));
}

#[test]
fn readme_python_example_is_the_tested_one() {
    let readme = read("README.md");
    let py_readme = read("bindings/python/README.md");
    assert_eq!(
        blocks(&readme, "python")[0],
        blocks(&py_readme, "python")[0],
        "README.md's Python block drifted from bindings/python/README.md; run tools/make_readme.py"
    );
}

#[test]
fn ci_runs_the_readme_test_command() {
    let ci = read(".ci/run");
    assert!(
        ci.lines().any(|l| l.trim() == "cargo test --locked"),
        "{ci}"
    );
}
