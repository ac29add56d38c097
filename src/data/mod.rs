//! Data: the [`Panel`] of observations (units × periods × indicators) and its readers.

mod csv;
mod panel;

pub use csv::{
    read_long_csv, read_long_csv_path, read_long_csv_str, read_wide_csv, read_wide_csv_path,
    read_wide_csv_str, CSV_TEXT_SOURCE,
};
pub use panel::{
    checked_panel_cells, max_panel_cells, set_max_panel_cells, CellProvenance, Panel,
    DEFAULT_MAX_PANEL_CELLS,
};
