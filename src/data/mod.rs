//! Data: the [`Panel`] of observations (units × periods × indicators) and its readers.

mod panel;

pub use panel::{CellProvenance, Panel};
