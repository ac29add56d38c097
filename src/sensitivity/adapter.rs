//! The one place the sensitivity analysis calls the composite-index pipeline.
//!
//! The nominal run is a whole [`method::run`]. A replication goes through an
//! [`Upstream`] — the pipeline's stages up to the normalisation, prepared once per
//! combination of the upstream assumptions (indicator left out, imputation, treatment) —
//! and re-runs only the stages downstream of what it changes ([`Upstream::rerun`]): a new
//! normalisation re-normalises the treated columns, new weights or a new aggregation
//! re-aggregate the same normalised values. The scores and ranks are those of a whole run
//! with the same assumptions, bit for bit (tested in `tests` below and in
//! tests/sensitivity.rs against [`method::run`]).

use std::collections::HashMap;

use crate::data::Panel;
use crate::error::{Error, Result};
use crate::method::pipeline::IndexCubes;
pub(crate) use crate::method::pipeline::Upstream;
use crate::method::{self, Spec};
use crate::model::Framework;

/// Index scores and ranks of one replication in one period.
#[derive(Debug, Clone)]
pub(crate) struct IndexRun {
    /// The period analysed.
    pub period: i32,
    /// Unit ids, in the pipeline's order (left empty by a re-run: the nominal run's apply).
    pub units: Vec<String>,
    /// Index scores, one per unit.
    pub scores: Vec<f64>,
    /// Index ranks (1 = best), one per unit.
    pub ranks: Vec<f64>,
}

/// `spec` with the optional outputs switched off and only the index ranked — neither
/// changes the index scores or ranks.
pub(crate) fn quiet(spec: &Spec) -> Spec {
    let mut spec = spec.clone();
    spec.outputs = method::OutputSpec {
        contributions: false,
        obstacles: false,
        statistics: false,
        correlations: false,
        ..method::OutputSpec::default()
    };
    spec.ranks.index_only = true;
    spec
}

/// Runs the whole pipeline with [`quiet`]`(spec)`, the indicator `left_out` (if any) left
/// out of the index ([`method::pipeline::run_leaving_out`]), and returns the index scores
/// and ranks in `period` (default: the last period computed).
pub(crate) fn index_scores(
    framework: &Framework,
    panel: &Panel,
    spec: &Spec,
    period: Option<i32>,
    left_out: Option<&str>,
) -> Result<IndexRun> {
    let r = method::pipeline::run_leaving_out(framework, panel, &quiet(spec), left_out)?;
    let period = pick_period(&r.periods, period)?;
    let scores = r
        .index_scores(period)
        .expect("the period was computed (checked above)");
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

/// The stages upstream of the normalisation for [`quiet`]`(spec)`, the indicator
/// `left_out` (if any) left out of the index.
pub(crate) fn prepare<'a>(
    framework: &'a Framework,
    panel: &'a Panel,
    spec: &Spec,
    left_out: Option<&str>,
) -> Result<Upstream<'a>> {
    Upstream::prepare(framework, panel, quiet(spec), left_out)
}

/// The index scores and ranks in `period` of [`quiet`]`(spec)` with the indicator weights
/// `weights` (by id; the framework's when `None`), re-running on `upstream` only the stages
/// downstream of what differs from it.
pub(crate) fn rerun_index(
    upstream: &Upstream,
    spec: &Spec,
    weights: Option<&HashMap<&str, f64>>,
    period: i32,
) -> Result<IndexRun> {
    let cubes = upstream.rerun(&quiet(spec), weights)?;
    index_of(cubes, period)
}

fn index_of(cubes: IndexCubes, period: i32) -> Result<IndexRun> {
    let period = pick_period(&cubes.periods, Some(period))?;
    let q = cubes
        .periods
        .iter()
        .position(|&p| p == period)
        .expect("checked");
    Ok(IndexRun {
        period,
        units: Vec::new(),
        scores: cubes.scores.column(0, q).to_vec(),
        ranks: cubes.ranks.column(0, q).to_vec(),
    })
}

/// `period` if it was computed (else the spec error naming `period`), or the last period.
fn pick_period(periods: &[i32], period: Option<i32>) -> Result<i32> {
    match period {
        Some(p) if periods.contains(&p) => Ok(p),
        Some(p) => Err(Error::invalid_spec(
            "period",
            format!("period {p} was not computed (periods: {periods:?})"),
        )),
        None => periods.last().copied().ok_or_else(|| Error::Empty {
            context: "periods computed".into(),
        }),
    }
}
