//! Composite-index construction (see issue: engine).
pub mod aggregate;
pub mod normalise;
pub mod weight;
