//! Running the `cpindex` binary from the CLI tests.

use std::process::{Command, Output};

/// Runs the built `cpindex` binary with `args` in the crate root (where the tests'
/// relative paths point) and returns what it did.
pub fn cpindex(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cpindex"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("the cpindex binary runs")
}

/// The standard output of a run that must succeed (its standard error in the message
/// otherwise).
pub fn success(o: Output) -> Vec<u8> {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

/// The standard output (UTF-8) of `cpindex args`, which must succeed.
pub fn ok(args: &[&str]) -> String {
    let o = cpindex(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("cpindex prints UTF-8")
}
