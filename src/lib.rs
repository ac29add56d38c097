//! # cpindex — common-prosperity indices
//!
//! cpindex holds the indicator model of a development plan and computes what a statistics
//! office publishes about it: composite indices, target achievement (实现度) and
//! income-distribution measures.
//!
//! The crate is layered; data flows one way:
//!
//! * [`model`] — the plan's framework: dimensions, indicators, units, polarities, targets;
//!   the built-in `quzhou-2021-2025` framework.
//! * [`data`] — the [`data::Panel`] of observations (units × periods × indicators,
//!   column-major, NaN = missing) and its CSV readers.
//! * [`method`] — composite-index construction: screening, imputation, outlier treatment,
//!   normalisation, weighting, aggregation, driven by a serialisable spec.
//! * [`monitor`] — plan monitoring: achievement degree, schedule and on-track status,
//!   the dynamic monitoring index and the satisfaction index.
//! * [`distribution`] — income-distribution measures (Gini, generalised entropy, Atkinson,
//!   quantiles, Lorenz shares, band shares, decompositions).
//! * [`sensitivity`] — uncertainty and sensitivity analysis of the index ranks (Monte
//!   Carlo over uncertain assumptions, Sobol indices with the Saltelli 2010 design).
//! * [`io`] — output files written atomically (the CLI's `--out`,
//!   `cpindex_run_json_to_file`).
//! * `ffi` — the C ABI over the public Rust API (see `include/cpindex.h`).
//!
//! Everything but `ffi` is safe Rust and knows nothing of the C ABI.

#![warn(missing_docs)]
// The core is safe Rust; `ffi` (and one documented function each in `distribution::sort`
// and `method::ln`, the latter a run-time CPU-feature dispatch) opt out.
#![deny(unsafe_code)]

mod alloc;
pub mod data;
pub mod distribution;
pub mod error;
pub mod evaluate;
pub mod io;
pub mod json;
pub mod method;
pub mod model;
pub mod monitor;
pub mod sensitivity;
mod spawn;

pub mod ffi;

pub use error::{Error, Result};

/// The README's Rust example, compiled and run as a doctest so it cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
