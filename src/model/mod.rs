//! The indicator model: a plan's framework of dimensions and indicators, their units,
//! polarities, kinds and targets, with validation and JSON (de)serialisation.
//!
//! This module knows nothing of data or methods; [`crate::data`], [`crate::method`] and
//! [`crate::monitor`] consume it.

pub mod builtin;
mod framework;
mod indicator;
pub mod plan;

pub use framework::{
    is_snake_case_id, scaled, scaled_share, AuxiliarySeries, Dimension, DimensionIndex, Framework,
    PlanUnitIndex, SeriesIndex, MAX_DEPTH,
};
pub use indicator::{
    Indicator, InterimTarget, Kind, Polarity, Provenance, Reference, Relation, RelativeBasis,
    RelativeTarget, TargetForm, Unit,
};
pub use plan::{DerivedMeasure, DerivedTarget, PlanUnit, TargetSource, UnitRole};
