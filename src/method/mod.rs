//! Composite-index construction: screening, imputation, outlier treatment, normalisation,
//! weighting and aggregation over a framework's hierarchy, driven by a serialisable
//! [`Spec`]; [`run`] returns [`Results`].
//!
//! One file per step: [`screen`], [`impute`], [`treat`], [`normalise`], [`weight`],
//! [`aggregate`]; [`stats`] holds the diagnostics, [`spec`] the methodology as data,
//! [`pipeline`] runs the steps and [`results`] is what comes back.

pub mod aggregate;
pub mod impute;
mod ln;
pub mod normalise;
pub mod pipeline;
pub mod results;
pub mod screen;
pub mod spec;
pub mod stats;
pub mod treat;
pub mod weight;

pub use pipeline::run;
pub use results::{
    AhpConsistency, Cube, CubeIndex, IdOrder, Node, Results, TreatedPoint, TreatmentSummary,
    WeightUsed,
};
pub use spec::{
    AggregationSpec, LevelAggregation, MissingIndicators, NormalisationSpec, ObstacleScale,
    OutputSpec, RankSpec, Spec, WeightScope, WeightingSpec,
};
