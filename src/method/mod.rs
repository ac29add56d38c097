//! Composite-index construction (see issue: engine).
