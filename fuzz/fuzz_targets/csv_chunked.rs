//! The file reader in windows (`read_table_path`, on one thread and with the records
//! tokenised on a second) against the reader of the whole file's bytes, on arbitrary
//! input: the same panel, warnings or error (line, column, message) whatever the window
//! size and the number of threads — never a panic, a hang or a different answer.
//!
//! The first input byte chooses the window (bits 0–2: 1 to 4,096 bytes, so that small
//! inputs are cut into many windows), the layout (bit 3: long or wide) and whether the
//! built-in framework is given (bit 5); the rest is the file.
#![no_main]

use cpindex::data::{
    read_table_bytes, read_table_path_chunked_for_fuzzing, Ingest, Layout, ReadOptions,
};
use cpindex::Result;
use libfuzzer_sys::fuzz_target;

/// What a read gave, in a form that compares: the panel's ids, groups, values (bits),
/// provenance (sorted by cell) and the warnings, or the error.
fn key(r: &Result<Ingest>) -> String {
    match r {
        Err(e) => format!("error {e:?}"),
        Ok(g) => {
            let p = &g.panel;
            let mut prov: Vec<_> = p.provenance_iter().collect();
            prov.sort_by_key(|&(u, t, i, _)| (u, t, i));
            let bits: Vec<u64> = p.values().iter().map(|v| v.to_bits()).collect();
            format!(
                "{:?} {:?} {:?} {:?} {bits:?} {prov:?} {:?}",
                p.units(),
                p.periods(),
                p.indicators(),
                p.groups(),
                g.warnings
            )
        }
    }
}

fuzz_target!(|data: &[u8]| {
    cpindex::data::set_max_panel_cells(1 << 20);
    let Some((&control, body)) = data.split_first() else {
        return;
    };
    let chunk = [1usize, 2, 3, 5, 7, 13, 64, 4096][usize::from(control & 7)];
    let layout = if control & 8 == 0 {
        Layout::Long
    } else {
        Layout::Wide
    };
    let framework = (control & 0x20 != 0).then(cpindex::model::builtin::quzhou);
    let path =
        std::env::temp_dir().join(format!("cpindex-fuzz-chunked-{}.csv", std::process::id()));
    std::fs::write(&path, body).expect("the temporary file is written");
    let source = path.display().to_string();
    for threads in [1, 2] {
        let options = ReadOptions {
            layout,
            threads,
            ..ReadOptions::default()
        };
        let whole = key(&read_table_bytes(body, &source, framework, &options));
        let chunked = key(&read_table_path_chunked_for_fuzzing(
            &path, framework, &options, chunk,
        ));
        assert_eq!(whole, chunked, "window {chunk}, {threads} thread(s)");
    }
    let _ = std::fs::remove_file(&path);
});
