//! The JSON entry point through its C ABI (`cpindex_run_json`) on arbitrary bytes: a
//! status, never a panic crossing the boundary (that would be `CPINDEX_STATUS_PANIC`,
//! which this target treats as a finding) and never an abort.
#![no_main]

use cpindex::ffi::{cpindex_run_json, cpindex_status};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cpindex::data::set_max_panel_cells(1 << 20);
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0usize;
    let st = unsafe {
        cpindex_run_json(
            data.as_ptr().cast(),
            data.len(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut n,
        )
    };
    assert_ne!(st, cpindex_status::Panic, "a panic reached the C boundary");
    assert_ne!(st, cpindex_status::Internal, "an internal invariant failed");
});
