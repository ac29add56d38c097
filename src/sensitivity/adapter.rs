//! The one place the sensitivity analysis calls the composite-index pipeline.
//!
//! Every replication goes through [`index_scores`]; when the pipeline is split into stages
//! (issue 18, `method` side), a replication that only perturbs weights can re-enter it at
//! aggregation here without touching the rest of the module.

use crate::data::Panel;
use crate::error::{Error, Result};
use crate::method::{self, Spec};
use crate::model::Framework;

/// Index scores and ranks of one replication in one period.
#[derive(Debug, Clone)]
pub(crate) struct IndexRun {
    /// The period analysed.
    pub period: i32,
    /// Unit ids, in the pipeline's order.
    pub units: Vec<String>,
    /// Index scores, one per unit.
    pub scores: Vec<f64>,
    /// Index ranks (1 = best), one per unit.
    pub ranks: Vec<f64>,
}

/// Runs the pipeline with `spec` (optional outputs switched off, only the index ranked —
/// neither changes the index scores or ranks) and returns the index scores and ranks in
/// `period` (default: the last period computed).
pub(crate) fn index_scores(
    framework: &Framework,
    panel: &Panel,
    spec: &Spec,
    period: Option<i32>,
) -> Result<IndexRun> {
    let mut spec = spec.clone();
    spec.outputs = method::OutputSpec {
        contributions: false,
        obstacles: false,
        statistics: false,
        correlations: false,
        ..method::OutputSpec::default()
    };
    spec.ranks.index_only = true;
    let r = method::run(framework, panel, &spec)?;
    let period = match period {
        Some(p) => p,
        None => *r.periods.last().ok_or_else(|| Error::Empty {
            context: "periods computed".into(),
        })?,
    };
    let scores = r.index_scores(period).ok_or_else(|| {
        Error::invalid_spec(
            "period",
            format!(
                "period {period} was not computed (periods: {:?})",
                r.periods
            ),
        )
    })?;
    let ranks = r
        .ranks_for(&r.framework_id, period)
        .expect("the index is ranked in every computed period");
    Ok(IndexRun {
        period,
        units: r.units.clone(),
        scores: scores.to_vec(),
        ranks: ranks.to_vec(),
    })
}
