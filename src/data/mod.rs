//! Data: the [`Panel`] of observations (units × periods × indicators) and its readers
//! (CSV in UTF-8 or GB18030, Excel workbooks; long or wide; see [`read_table_bytes`]).

mod csv;
mod panel;
mod piped;
mod text;
mod xlsx;

#[cfg(fuzzing)]
#[doc(hidden)]
pub use csv::read_table_path_chunked_for_fuzzing;
pub use csv::{
    convert_unit, read_long_csv, read_long_csv_path, read_long_csv_str, read_table_bytes,
    read_table_path, read_wide_csv, read_wide_csv_path, read_wide_csv_str, Ingest, Layout,
    ReadOptions, SheetRef, CSV_TEXT_SOURCE,
};
pub use panel::{
    checked_panel_cells, max_panel_cells, release_cached_buffers, set_max_panel_cells,
    CellProvenance, Panel, BUFFER_CACHE_MAX_BUFFERS, BUFFER_CACHE_MAX_BYTES,
    BUFFER_CACHE_MIN_BYTES, DEFAULT_MAX_PANEL_CELLS,
};
pub(crate) use panel::{recycle_buffer, take_buffer, take_buffer_or_zeroed};
pub use text::{read_text_table_bytes, read_text_table_path, TextEncoding, TextRow, TextTable};

/// At most 80 characters of `s` (then `…`), for quoting input in messages.
pub(crate) fn bounded(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &s[..at]).into(),
        None => s.into(),
    }
}

/// A number in short form for messages: up to 6 significant digits.
pub(crate) fn short(v: f64) -> String {
    let s = format!("{v:.6}");
    if v.abs() >= 1e15 || (v != 0.0 && v.abs() < 1e-4) {
        return format!("{v:e}");
    }
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    s
}
