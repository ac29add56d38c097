//! The pipeline: (framework, panel, spec) → [`Results`].
//!
//! Steps, in the order of the OECD/JRC Handbook (2008) ten steps 3–8:
//! validate → select periods and indicators → screening → imputation → outlier treatment →
//! normalisation → weighting → aggregation up the hierarchy (every level, unit and period)
//! → ranks → contributions → obstacle degrees → statistics, correlations, Cronbach's alpha.
//!
//! # Stages
//!
//! A run is a `Plan` (`plan.rs`) — everything decided before a value is read: the
//! periods and units, the framework's tree indexed once (nodes with their children as
//! contiguous ranges, the indicators with data), each indicator's choices (normalisation,
//! reference unit, whether it is treated) and each node's (weighting, aggregation, TOPSIS
//! cost criteria), resolved once from the spec — and a work area (`Work`) holding the data
//! cubes the stages fill in turn. Each stage is a function `stage(&plan, &mut work)`:
//!
//! | stage | reads | writes |
//! |---|---|---|
//! | `columns::screen` | panel | active unit-periods, screened units |
//! | `columns::impute` | panel, active | imputed working copy, imputed cells |
//! | `columns::treat_and_normalise` | imputed copy | statistics, treated points, normalised cube (leaf scores fused) |
//! | `weigh::weigh_and_aggregate` | normalised cube | weights, scores of every node |
//! | `weigh::effective_weights`, `weigh::ahp` | weights | effective weights, AHP report |
//! | `rank::rank` | scores | ranks |
//! | `outputs::{contributions, obstacles, diagnostics}` | cubes | optional outputs |
//!
//! The stages upstream of the normalisation (screening, imputation, treatment) are kept
//! apart in `Prepared`, so that `Upstream::rerun` can re-run only what is downstream of
//! a changed assumption (the sensitivity analysis): a new normalisation re-normalises from
//! the treated columns (`columns::renormalise`); new weights or a new aggregation
//! re-aggregate the same normalised cube. Either gives the cubes of a whole run with the
//! same spec, bit for bit.
//!
//! Data layout: indicator values are read column by column (one indicator, one period, all
//! units — contiguous in the [`Panel`]); normalised values and scores are stored
//! period-major with siblings contiguous, so every node's children form a column-major
//! matrix that is handed to [`aggregate_units`](super::aggregate::aggregate_units) without
//! copying. Per column, moments, treatment and normalisation run back to back while the
//! column is in cache; the only per-column allocation is a report entry when a column is
//! actually treated.
//!
//! Fused passes (performance; the results are bit-identical to running the steps one
//! after the other): the first moments pass also counts observed cells for the
//! availability screening; the second also writes the min–max normalisation (redone if
//! the treatment changes the column); a node holding indicators whose weights do not
//! depend on the data and that is aggregated arithmetically adds each normalised column to
//! its per-unit sums right after writing it (`LeafFusion`), instead of reading the column
//! back in the aggregation step.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::impute::ImputedCell;
use super::results::{AhpConsistency, Cube, Node, Results, TreatedPoint, TreatmentSummary};
use super::screen::ScreenedUnit;
use super::spec::{NormalisationSpec, Spec};
use super::stats::{CorrelationMatrix, CronbachAlpha, IndicatorStats, ParentCorrelation};
use super::treat::TreatedRange;
use crate::data::Panel;
use crate::error::{Error, Result};
use crate::model::Framework;

mod columns;
mod outputs;
mod plan;
mod rank;
mod weigh;

use columns::{Keep, LeafFusion};
use plan::Plan;
pub use rank::rank_descending;

/// Adds the node and period to an error's context.
pub(super) fn in_node(e: Error, node: &str, period: i32) -> Error {
    let at = format!("node `{node}`, period {period}");
    match e {
        Error::InvalidValue {
            context,
            value,
            reason,
        } => Error::InvalidValue {
            context: format!("{at}: {context}"),
            value,
            reason,
        },
        Error::MissingValue { context, reason } => Error::MissingValue {
            context: format!("{at}: {context}"),
            reason,
        },
        Error::Empty { context } => Error::Empty {
            context: format!("{at}: {context}"),
        },
        Error::InvalidArgument { name, message } => Error::InvalidArgument {
            name,
            message: format!("{at}: {message}"),
        },
        Error::InvalidSpec { field, message } => Error::InvalidSpec {
            field,
            message: format!("{at}: {message}"),
        },
        other => other,
    }
}

/// What the stages upstream of the normalisation leave: screening, imputation, treatment.
#[derive(Debug, Clone, Default)]
pub(crate) struct Prepared {
    /// Per (period, unit): not dropped by the screening.
    active: Vec<bool>,
    any_dropped: bool,
    screened: Vec<ScreenedUnit>,
    /// Flagging by overall availability: counted in the column loop.
    deferred: bool,
    deferred_counts: Vec<u32>,
    /// The working copy after screening and imputation, `[(k * npp + q) * nu + u]`, when
    /// one was needed.
    imputed_cube: Option<Vec<f64>>,
    imputed: Vec<ImputedCell>,
    statistics: Vec<IndicatorStats>,
    treated: Vec<TreatedPoint>,
    treatment: Vec<TreatmentSummary>,
    /// The treated columns (`[k * npp + q]`, `None` when untreated), when kept for
    /// re-normalisation.
    kept: Option<Vec<Option<Kept>>>,
}

/// A treated column and the range the treatment reported.
#[derive(Debug, Clone)]
struct Kept {
    values: Vec<f64>,
    range: Option<TreatedRange>,
}

/// The work area of a run: the data cubes the stages fill in turn. Borrowed parts
/// (`prep`, `normalised`) are shared with an [`Upstream`] by its downstream re-runs.
pub(crate) struct Work<'w> {
    log: Vec<String>,
    warnings: Vec<String>,
    prep: Cow<'w, Prepared>,
    normalised: Cow<'w, Cube>,
    n_constant: usize,
    fusion: LeafFusion,
    scores: Cube,
    /// Per node: normalised child weights `[q * count + c]`, raw ones, the method's name.
    node_w: Vec<Vec<f64>>,
    node_raw: Vec<Vec<f64>>,
    node_method: Vec<&'static str>,
    /// Effective weight of each node, `[q * nn + k]`, and indicator, `[q * nk + k]`.
    node_eff: Vec<f64>,
    ind_eff: Vec<f64>,
    ahp: Vec<AhpConsistency>,
    ranks: Cube,
    contributions: Cube,
    obstacles: Cube,
    dimension_obstacles: Cube,
    correlations: Vec<CorrelationMatrix>,
    parent_correlations: Vec<ParentCorrelation>,
    cronbach: Vec<CronbachAlpha>,
}

impl<'w> Work<'w> {
    /// An empty work area for `plan`, with the scores cube allocated (the leaf fusion
    /// writes it during the normalisation).
    fn new(plan: &Plan, prep: Cow<'w, Prepared>, normalised: Cow<'w, Cube>) -> Self {
        Work {
            log: Vec::new(),
            warnings: plan.warnings.clone(),
            prep,
            normalised,
            n_constant: 0,
            fusion: LeafFusion::none(plan),
            // every column is written by the aggregation
            scores: Cube {
                ids: plan.tree.nodes.iter().map(|n| n.id.clone()).collect(),
                n_periods: plan.npp,
                n_units: plan.nu,
                data: zeroed(plan.nn * plan.npp * plan.nu),
            },
            node_w: Vec::new(),
            node_raw: Vec::new(),
            node_method: Vec::new(),
            node_eff: Vec::new(),
            ind_eff: Vec::new(),
            ahp: Vec::new(),
            ranks: Cube::default(),
            contributions: Cube::default(),
            obstacles: Cube::default(),
            dimension_obstacles: Cube::default(),
            correlations: Vec::new(),
            parent_correlations: Vec::new(),
            cronbach: Vec::new(),
        }
    }
}

/// The first log line: what the plan covers.
fn plan_log(plan: &Plan) -> String {
    format!(
        "framework `{}`: {} indicators with data in {} nodes (depth {}); {} units × {} periods {:?}",
        plan.framework.id,
        plan.nk,
        plan.nn,
        plan.tree.nodes[0].level,
        plan.nu,
        plan.npp,
        plan.periods
    )
}

/// The stages downstream of the normalisation, in order.
fn downstream(plan: &Plan, work: &mut Work) -> Result<()> {
    weigh::weigh_and_aggregate(plan, work)?;
    weigh::effective_weights(plan, work);
    weigh::ahp(plan, work)?;
    rank::rank(plan, work);
    outputs::contributions(plan, work);
    outputs::obstacles(plan, work);
    outputs::diagnostics(plan, work);
    Ok(())
}

/// Runs the whole composite-index pipeline.
///
/// * `framework` — validated first ([`Framework::validate`]);
/// * `panel` — every panel indicator must be in the framework ([`Error::UnknownId`]);
///   framework indicators absent from the panel are left out with a warning (their
///   siblings' weights re-normalised) or refused, per `spec.missing_indicators`;
/// * `spec` — validated ([`Spec::validate`], [`Spec::validate_against`]).
///
/// Returns [`Results`] holding the spec used, scores of every node for every unit and
/// period, ranks, normalised values, weights (raw, normalised, effective), contributions,
/// obstacle degrees, imputed cells, treated points, statistics, correlations, Cronbach's
/// alphas, a processing log and warnings.
///
/// Contributions (arithmetic levels only): the share of indicator j in unit i's index
/// score, `c_ij = Π_path w_c·s_c / Σ_{available} w·s` — for complete data with arithmetic
/// aggregation this is `w_eff,j·y_ij / I_i` (OECD/JRC Handbook 2008 step 8
/// "decomposition"). A node aggregated otherwise, or with a zero denominator, gives NaN.
///
/// Obstacle degree (障碍度; e.g. Li et al., *Economic Geography* 2025, the Zhejiang
/// common-prosperity study): `O_ij = w_j(1 − y'_ij) / Σ_k w_k(1 − y'_ik)` with `w` the
/// effective weights, `y'` the normalised value rescaled to 0–1 by the normalisation's
/// bounds (`(y − low)/(high − low)` for min–max), over the indicators available for the
/// unit. Needs a bounded normalisation (min–max, percentile rank, truncated goalposts,
/// capped distance/ratio to target, clamped efficacy coefficient); otherwise NaN with a
/// warning. A unit with no shortfall at all gets 0 everywhere.
///
/// With `spec.units` set, only those units (in that order) enter the run.
pub fn run(framework: &Framework, panel: &Panel, spec: &Spec) -> Result<Results> {
    run_leaving_out(framework, panel, spec, None)
}

/// [`run`] with the framework indicator `left_out` (if any) left out of the index as if the
/// panel had no data for it — its siblings share its weight, and a dimension left without
/// an indicator with data is left out with its parent's other children sharing its weight
/// (a warning says so) — without editing the framework, so that every other reference to
/// the indicator (unit targets, size indicators, derived targets, spec overrides) stays
/// valid. The sensitivity analysis's `exclude_indicator` (OECD/JRC Handbook 2008, step 7,
/// "inclusion / exclusion of individual indicators").
pub(crate) fn run_leaving_out(
    framework: &Framework,
    panel: &Panel,
    spec: &Spec,
    left_out: Option<&str>,
) -> Result<Results> {
    let plan = Plan::new(framework, panel, Cow::Borrowed(spec), left_out)?;
    let mut work = Work::new(
        &plan,
        Cow::Owned(Prepared::default()),
        Cow::Owned(Cube::default()),
    );
    work.log.push(plan_log(&plan));
    columns::screen(&plan, &mut work);
    columns::impute(&plan, &mut work);
    columns::treat_and_normalise(&plan, &mut work, Keep::No)?;
    downstream(&plan, &mut work)?;
    Ok(finish(plan, work))
}

/// Plans the run of [`run_leaving_out`] without reading a value — the inputs validated,
/// the framework's tree over the indicators with data built and its weights checked — and
/// returns the plan's warnings (the indicators and dimensions left out). The sensitivity
/// analysis checks each indicator it may leave out with it before the first run.
pub(crate) fn plan_warnings(
    framework: &Framework,
    panel: &Panel,
    spec: &Spec,
    left_out: Option<&str>,
) -> Result<Vec<String>> {
    Ok(Plan::new(framework, panel, Cow::Borrowed(spec), left_out)?.warnings)
}

/// The results of a run from its plan and work area.
fn finish(plan: Plan, work: Work) -> Results {
    let nodes = &plan.tree.nodes;
    let inds = &plan.tree.inds;
    let spec = &plan.spec;
    let weights = weigh::weights_table(&plan, &work);
    let prep = work.prep.into_owned();
    let out_nodes: Vec<Node> = nodes
        .iter()
        .zip(&plan.node_plans)
        .map(|(nd, np)| Node {
            id: nd.id.clone(),
            parent: nd.parent.map(|p| nodes[p].id.clone()),
            level: nd.level,
            children: (0..nd.count)
                .map(|c| {
                    if nd.leaf {
                        inds[nd.first + c].id.clone()
                    } else {
                        nodes[nd.first + c].id.clone()
                    }
                })
                .collect(),
            holds_indicators: nd.leaf,
            aggregation: np.aggregation.method.name().to_string(),
        })
        .collect();

    Results {
        spec: spec.clone().into_owned(),
        framework_id: plan.framework.id.clone(),
        units: plan.units().to_vec(),
        indicators: inds.iter().map(|i| i.id.clone()).collect(),
        periods: plan.periods.clone(),
        missing_indicators: plan.tree.missing.clone(),
        nodes: out_nodes,
        scores: work.scores,
        ranks: work.ranks,
        normalised: work.normalised.into_owned(),
        weights,
        contributions: work.contributions,
        obstacles: work.obstacles,
        dimension_obstacles: work.dimension_obstacles,
        ahp: work.ahp,
        screened: prep.screened,
        imputed: prep.imputed,
        treated: prep.treated,
        treatment: prep.treatment,
        statistics: prep.statistics,
        correlations: work.correlations,
        parent_correlations: work.parent_correlations,
        cronbach: work.cronbach,
        log: work.log,
        warnings: work.warnings,
    }
}

/// A zero-filled buffer of `n` cells for a results cube that the pipeline then writes in
/// full. `vec![0.0; n]` is a `calloc`: large buffers are fresh pages from the kernel, so the
/// cost is the page faults of the first write, one per 4 KiB page. (Advising transparent
/// huge pages cut those faults about sevenfold at 100k × 60, but needs `unsafe` and `libc`
/// in the core, which stays safe Rust; hosts with THP `always` get the benefit anyway.)
pub(super) fn zeroed(n: usize) -> Vec<f64> {
    vec![0.0; n]
}

/// The stages of a run up to the normalisation, kept so that runs differing only
/// downstream (normalisation, weights, aggregation, ranks, outputs) re-run only what they
/// change — the sensitivity analysis's replications ([`crate::sensitivity`]).
pub(crate) struct Upstream<'a> {
    plan: Plan<'a>,
    work: Work<'static>,
    /// Normalised cubes of other normalisations, made by the first re-run needing each.
    renormalised: Mutex<Vec<(NormalisationSpec, Arc<Cube>)>>,
}

/// The scores and ranks of a downstream re-run, every computed period.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IndexCubes {
    /// The computed periods.
    pub periods: Vec<i32>,
    /// Scores of every node (`Results::scores`).
    pub scores: Cube,
    /// Ranks (`Results::ranks`).
    pub ranks: Cube,
}

impl<'a> Upstream<'a> {
    /// Plans the run of `spec` and runs screening, imputation, treatment and normalisation,
    /// keeping the treated columns.
    /// `left_out`: an indicator left out of the index ([`run_leaving_out`]).
    pub(crate) fn prepare(
        framework: &'a Framework,
        panel: &'a Panel,
        spec: Spec,
        left_out: Option<&str>,
    ) -> Result<Self> {
        let plan = Plan::new(framework, panel, Cow::Owned(spec), left_out)?;
        let mut work = Work::new(
            &plan,
            Cow::Owned(Prepared::default()),
            Cow::Owned(Cube::default()),
        );
        columns::screen(&plan, &mut work);
        columns::impute(&plan, &mut work);
        columns::treat_and_normalise(&plan, &mut work, Keep::TreatedColumns)?;
        Ok(Upstream {
            plan,
            work,
            renormalised: Mutex::new(Vec::new()),
        })
    }

    /// The cubes of a whole run with `spec` and, when `weights` is given, the framework's
    /// indicator weights replaced by `weights[id]`, re-running only the stages downstream of
    /// what differs: the normalisation when `spec.normalisation` differs from the prepared
    /// one, then weighting, aggregation and ranks. `spec` must agree with the prepared spec
    /// upstream (screening, imputation, treatment, periods, units, missing indicators).
    pub(crate) fn rerun(
        &self,
        spec: &Spec,
        weights: Option<&HashMap<&str, f64>>,
    ) -> Result<IndexCubes> {
        let up = &self.plan.spec;
        if spec.screening != up.screening
            || spec.imputation != up.imputation
            || spec.treatment != up.treatment
            || spec.periods != up.periods
            || spec.units != up.units
            || spec.missing_indicators != up.missing_indicators
        {
            return Err(Error::invalid_argument(
                "spec",
                "a downstream re-run must share screening, imputation, treatment, periods, units and missing_indicators with the prepared run",
            ));
        }
        let plan = self.plan.derive(spec, weights)?;
        let norm = &plan.spec.normalisation;
        let same = *norm == self.plan.spec.normalisation;
        let cached: Option<Arc<Cube>> = if same {
            None
        } else {
            let done = self.renormalised.lock().unwrap_or_else(|e| e.into_inner());
            done.iter().find(|(n, _)| n == norm).map(|(_, c)| c.clone())
        };
        let work = match (same, &cached) {
            (true, _) => self.downstream_with(&plan, Cow::Borrowed(&*self.work.normalised))?,
            (false, Some(c)) => self.downstream_with(&plan, Cow::Borrowed(&**c))?,
            (false, None) => {
                let work = self.downstream_of(&plan)?;
                self.renormalised
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((norm.clone(), Arc::new(work.normalised.clone().into_owned())));
                work
            }
        };
        Ok(IndexCubes {
            periods: plan.periods.clone(),
            scores: work.scores,
            ranks: work.ranks,
        })
    }

    /// The work area of the stages downstream of what `plan` changes (re-normalising when
    /// its normalisation differs from the prepared one).
    fn downstream_of<'s>(&'s self, plan: &Plan<'s>) -> Result<Work<'s>> {
        if plan.spec.normalisation == self.plan.spec.normalisation {
            return self.downstream_with(plan, Cow::Borrowed(&*self.work.normalised));
        }
        let mut work = Work::new(
            plan,
            Cow::Borrowed(&*self.work.prep),
            Cow::Owned(Cube::default()),
        );
        columns::renormalise(plan, &mut work)?;
        downstream(plan, &mut work)?;
        Ok(work)
    }

    /// The work area of the stages downstream of the normalisation, on `normalised` (the
    /// cube of `plan`'s normalisation).
    fn downstream_with<'s>(
        &'s self,
        plan: &Plan<'s>,
        normalised: Cow<'s, Cube>,
    ) -> Result<Work<'s>> {
        let mut work = Work::new(plan, Cow::Borrowed(&*self.work.prep), normalised);
        downstream(plan, &mut work)?;
        Ok(work)
    }
}

#[cfg(test)]
mod tests;
