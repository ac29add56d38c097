// The cbindgen configuration of include/cpindex.h, shared by build.rs and
// tests/header_drift.rs through `include!` (this file is not a module of the library).
//
// `cbindgen.toml` holds the settings; `after_includes` there contains placeholders
// `@MAJOR@`, `@MINOR@`, `@PATCH@`, `@VERSION@` replaced here with the crate version, so the
// version macros always follow Cargo.toml.
//
// cbindgen parses `src/ffi/mod.rs` (and the modules it declares), not `src/lib.rs`: only
// that tree defines the ABI, and parsing the core would export its `pub const`s as C
// macros and make the header depend on work outside the FFI.

/// Generates the header text for the crate rooted at `crate_dir` with the given version.
#[allow(dead_code)]
fn cpindex_header(crate_dir: &std::path::Path, version: &str) -> Result<Vec<u8>, String> {
    let mut parts = version.split(['.', '-', '+']);
    let mut next = || parts.next().unwrap_or("0").to_string();
    let (major, minor, patch) = (next(), next(), next());
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .map_err(|e| format!("cbindgen.toml: {e}"))?;
    if let Some(text) = config.after_includes.as_mut() {
        *text = text
            .replace("@MAJOR@", &major)
            .replace("@MINOR@", &minor)
            .replace("@PATCH@", &patch)
            .replace("@VERSION@", version);
    }
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/ffi/mod.rs"))
        .generate()
        .map_err(|e| format!("cbindgen: {e}"))?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    Ok(out)
}
