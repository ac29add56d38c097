//! Generates the C header into OUT_DIR (the committed include/cpindex.h is the reviewed ABI).
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
}
