//! The CSV readers (long and wide, with and without a framework) on arbitrary bytes: any
//! input gives a panel or an error, never a panic, an abort or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // keep dense panels small enough for the fuzzer's memory limit; the limit itself is
    // what turns a huge panel into an error
    cpindex::data::set_max_panel_cells(1 << 20);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let fw = cpindex::model::builtin::quzhou();
    for framework in [None, Some(fw)] {
        if let Ok(p) = cpindex::data::read_long_csv_str(text, framework) {
            assert!(p.values().iter().all(|v| !v.is_infinite()));
        }
        if let Ok(p) = cpindex::data::read_wide_csv_str(text, framework) {
            assert!(p.values().iter().all(|v| !v.is_infinite()));
        }
    }
});
