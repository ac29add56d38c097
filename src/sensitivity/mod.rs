//! Uncertainty and sensitivity analysis of the composite index (OECD/JRC Handbook 2008,
//! step 7 "Robustness and sensitivity"; Saisana, Saltelli & Tarantola 2005, "Uncertainty and
//! sensitivity analysis techniques as tools for the quality assessment of composite
//! indicators", J. R. Stat. Soc. A 168(2), 307–323; COINr `get_sensitivity`).
//!
//! A [`SensitivitySpec`] wraps the nominal [`crate::method::Spec`] with the uncertain
//! [`Assumption`]s. [`analyse`] draws a Saltelli (2010) design ([`sobol::Design`]) of `N`
//! rows over the `k` assumptions, maps each uniform variate onto its assumption (a
//! discrete alternative by its probabilities, or a seeded weight perturbation), re-runs
//! the index for each of the `N(k + 2)` rows in parallel, and returns:
//!
//! * the **uncertainty analysis** over all runs: per unit the nominal rank, the median rank,
//!   the 5th–95th percentile interval, the mean absolute rank shift, and the same for the
//!   scores;
//! * the **sensitivity analysis**: first-order and total Sobol indices of each assumption on
//!   the mean absolute rank shift over units `(1/M) Σᵤ |rankᵤ − nominal rankᵤ|` (COINr's
//!   target), optionally on each unit's rank, with bootstrap intervals ([`sobol`]);
//! * the design, each run's chosen alternatives, ranks, scores and target, for audit.
//!
//! Reproducibility: every random number comes from a stream keyed by the seed and a fixed
//! purpose ([`rng`]); each run writes only its own slot, so the results are identical
//! whatever the number of threads.
//!
//! A run re-runs only the pipeline stages downstream of the assumptions it changes
//! (`adapter`: a weight perturbation or an aggregation alternative re-aggregates, a
//! normalisation alternative re-normalises the kept treated columns), with the scores and
//! ranks of a whole run, bit for bit. When every assumption is discrete, a run depends only
//! on its alternatives, and the pipeline runs once per distinct combination (the others are
//! read from a cache).

pub(crate) mod adapter;
pub mod rng;
pub mod sobol;
pub mod spec;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;

use crate::data::Panel;
use crate::error::{Error, Result};
use crate::model::Framework;
pub use sobol::{sobol_indices, Bootstrap, Design, SobolIndices};
pub use spec::{Assumption, SensitivitySpec, DEFAULT_SEED};

/// Stream key of the weight perturbations (`[STREAM_WEIGHTS, assumption, bits of u]`).
pub const STREAM_WEIGHTS: u64 = 3;

/// The uncertainty of one unit's rank and score over all runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitUncertainty {
    /// Unit id.
    pub unit: String,
    /// Rank under the nominal spec.
    pub nominal_rank: f64,
    /// Median rank over the runs.
    pub median_rank: f64,
    /// 5th percentile of the ranks.
    pub rank_p05: f64,
    /// 95th percentile of the ranks.
    pub rank_p95: f64,
    /// Mean of |rank − nominal rank| over the runs.
    pub mean_abs_rank_shift: f64,
    /// Score under the nominal spec.
    pub nominal_score: f64,
    /// Median score.
    pub median_score: f64,
    /// 5th percentile of the scores.
    pub score_p05: f64,
    /// 95th percentile of the scores.
    pub score_p95: f64,
    /// Mean of |score − nominal score|.
    pub mean_abs_score_shift: f64,
    /// Runs in which the unit had no score (left out of its statistics).
    pub missing_runs: usize,
}

/// Everything [`analyse`] returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityResults {
    /// The spec used, every default filled in (seed, probabilities, indicators).
    pub spec: SensitivitySpec,
    /// The framework id.
    pub framework_id: String,
    /// The period analysed.
    pub period: i32,
    /// Unit ids (the order of every per-unit vector).
    pub units: Vec<String>,
    /// Assumption names, in the order of the design's columns.
    pub assumptions: Vec<String>,
    /// Uncertainty analysis, one entry per unit.
    pub uncertainty: Vec<UnitUncertainty>,
    /// Sobol indices on the mean absolute rank shift.
    pub sobol: SobolIndices,
    /// Sobol indices on each unit's rank (when `unit_ranks`), in unit order.
    pub unit_sobol: Vec<SobolIndices>,
    /// The sample matrices `A` and `B`.
    pub design: Design,
    /// Per run (layout of [`sobol`]), per assumption: the alternative chosen (`None` for a
    /// continuous assumption), run-major.
    pub choices: Vec<Option<usize>>,
    /// Per run: the target (mean absolute rank shift).
    pub target: Vec<f64>,
    /// Per run, per unit: the index rank, run-major.
    pub run_ranks: Vec<f64>,
    /// Per run, per unit: the index score, run-major.
    pub run_scores: Vec<f64>,
    /// What a statistician should look at.
    pub warnings: Vec<String>,
}

impl SensitivityResults {
    /// The whole result as pretty JSON (NaN as `null`).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("results always serialise")
    }
}

/// One run's index ranks and scores.
type RunOut = (Vec<f64>, Vec<f64>);
/// One run's outcome: (ranks, scores) and the alternatives chosen.
type RunResult = Result<(RunOut, Vec<Option<usize>>)>;

/// The pipeline's upstream stages for one combination of the upstream assumptions, made
/// once by the first run that needs it (the error, if it failed, for every run that does).
type UpstreamCell<'a> = Arc<OnceLock<Result<adapter::Upstream<'a>>>>;

/// Precomputed per-assumption material: the indicator each alternative of the exclusion
/// assumption leaves out.
struct Prepared<'a> {
    framework: &'a Framework,
    panel: &'a Panel,
    spec: &'a SensitivitySpec,
    period: i32,
    /// The indicator left out by each alternative of `exclude_indicator` (`None`: none).
    excluded: &'a [Option<&'a str>],
    /// When every assumption is discrete, a run is a function of its alternatives alone:
    /// runs already computed, by alternatives (at most ∏ mᵢ distinct pipeline runs).
    cache: Option<Mutex<HashMap<Vec<usize>, RunOut>>>,
    /// The stages upstream of the normalisation, by the alternatives of the upstream
    /// assumptions (indicator left out, imputation, treatment; `usize::MAX` for the
    /// others): a run re-runs only the stages downstream of its other assumptions.
    upstream: Mutex<HashMap<Vec<usize>, UpstreamCell<'a>>>,
    /// Whole pipeline runs instead (the reference the staged runs are tested against).
    full_runs: bool,
}

/// One draw of the indicator weights for `weight_dirichlet`: within each dimension (its
/// indicators in framework order, dimensions in order of first appearance) a
/// Dirichlet(c·w̄) vector, w̄ the indicators' nominal weights normalised within the
/// dimension — Gamma(c·w̄ⱼ) variates divided by their sum (Devroye 1986, *Non-Uniform
/// Random Variate Generation*, XI.4.1), so each weight has mean w̄ⱼ and variance
/// w̄ⱼ(1 − w̄ⱼ)/(c + 1). An indicator of nominal weight 0 keeps 0. One pass over the
/// indicators (a search per indicator and a pass per dimension were quadratic).
///
/// Any concentration c > 0: when a dimension's largest Gamma variate is below 2⁻⁹⁰⁰ (a
/// small c·w̄ⱼ: the draws `Gamma(c·w̄ⱼ + 1)·U^(1/(c·w̄ⱼ))` underflow, to 0 for all of them
/// at c ≈ 0.001), its weights are normalised from the variates' logarithms instead
/// (`wⱼ = exp(ln Gⱼ − M) / Σₖ exp(ln Gₖ − M)`, `M = maxₖ ln Gₖ`: log-sum-exp), which are
/// drawn from the same random numbers ([`rng::Xoshiro256::gamma_with_ln`]). Otherwise the
/// weights are `Gⱼ / Σₖ Gₖ` as they always were, bit for bit.
fn dirichlet_weights(
    base: &[crate::model::Indicator],
    concentration: f64,
    g: &mut rng::Xoshiro256,
) -> Vec<f64> {
    let mut w = vec![0.0; base.len()];
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (j, ind) in base.iter().enumerate() {
        let next = groups.len();
        let k = *group_of.entry(ind.dimension.as_str()).or_insert(next);
        if k == next {
            groups.push(Vec::new());
        }
        groups[k].push(j);
    }
    /// Below this largest variate a dimension is normalised in log space.
    const SMALLEST_LINEAR: f64 = 1.2e-271; // ≈ 2^-900
    let mut ln_w = vec![f64::NEG_INFINITY; base.len()];
    for members in groups {
        let total: f64 = members.iter().map(|&j| base[j].weight).sum();
        let mut s = 0.0;
        let mut largest = 0.0f64;
        for &j in &members {
            let wbar = base[j].weight / total;
            if wbar > 0.0 {
                (w[j], ln_w[j]) = g.gamma_with_ln(concentration * wbar);
            }
            s += w[j];
            largest = largest.max(w[j]);
        }
        if largest >= SMALLEST_LINEAR {
            for &j in &members {
                w[j] /= s;
            }
            continue;
        }
        let m = members
            .iter()
            .fold(f64::NEG_INFINITY, |m, &j| m.max(ln_w[j]));
        if m == f64::NEG_INFINITY {
            continue; // every variate exactly 0 (U = 0 throughout: probability ≤ 2⁻⁵³)
        }
        let s: f64 = members.iter().map(|&j| (ln_w[j] - m).exp()).sum();
        for &j in &members {
            w[j] = (ln_w[j] - m).exp() / s;
        }
    }
    w
}

/// The indicator each alternative of the `exclude_indicator` assumption `a` leaves out, in
/// the order of its alternatives (`None`: "none left out"); empty for another kind.
fn exclusion_alternatives(a: &Assumption) -> Vec<Option<&str>> {
    match a {
        Assumption::ExcludeIndicator {
            indicators,
            include_none,
            ..
        } => (*include_none)
            .then_some(None)
            .into_iter()
            .chain(indicators.iter().map(|id| Some(id.as_str())))
            .collect(),
        Assumption::Normalisation { .. }
        | Assumption::Aggregation { .. }
        | Assumption::Imputation { .. }
        | Assumption::Treatment { .. }
        | Assumption::WeightNoise { .. }
        | Assumption::WeightDirichlet { .. } => Vec::new(),
    }
}

impl Prepared<'_> {
    /// Runs the index for one row of uniform variates; returns (ranks, scores) and the
    /// alternatives chosen.
    fn run(&self, row: &[f64]) -> RunResult {
        let mut spec = self.spec.spec.clone();
        let fw: &Framework = self.framework;
        let mut left_out: Option<&str> = None;
        let mut choices = Vec::with_capacity(row.len());
        // upstream alternatives: [exclusion, imputation, treatment]
        let mut upstream_key = vec![usize::MAX; 3];
        // exclusion first, so the weight perturbation acts on the remaining indicators
        for (i, a) in self.spec.assumptions.iter().enumerate() {
            let u = row[i];
            match a {
                Assumption::Normalisation { .. } | Assumption::Aggregation { .. } => {
                    let j = a.pick(u);
                    spec::section_alternatives(a)[j].apply(&mut spec);
                    choices.push(Some(j));
                }
                Assumption::Imputation { .. } => {
                    let j = a.pick(u);
                    spec::section_alternatives(a)[j].apply(&mut spec);
                    upstream_key[1] = j;
                    choices.push(Some(j));
                }
                Assumption::Treatment { .. } => {
                    let j = a.pick(u);
                    spec::section_alternatives(a)[j].apply(&mut spec);
                    upstream_key[2] = j;
                    choices.push(Some(j));
                }
                Assumption::ExcludeIndicator { .. } => {
                    let j = a.pick(u);
                    left_out = self.excluded[j];
                    upstream_key[0] = j;
                    choices.push(Some(j));
                }
                Assumption::WeightNoise { .. } | Assumption::WeightDirichlet { .. } => {
                    choices.push(None)
                }
            }
        }
        let key: Option<Vec<usize>> = self
            .cache
            .as_ref()
            .map(|_| choices.iter().map(|c| c.unwrap_or(usize::MAX)).collect());
        if let (Some(cache), Some(key)) = (&self.cache, &key) {
            let hit = cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(key)
                .cloned();
            if let Some(out) = hit {
                return Ok((out, choices));
            }
        }
        // perturbed indicator weights, by id (framework order, so an exclusion does not
        // shift the others' factors)
        let mut weights: Option<HashMap<&str, f64>> = None;
        for (i, a) in self.spec.assumptions.iter().enumerate() {
            let u = row[i];
            let mut g =
                rng::Xoshiro256::stream(self.spec.seed, &[STREAM_WEIGHTS, i as u64, u.to_bits()]);
            let base = &self.framework.indicators;
            match a {
                Assumption::WeightNoise { delta } => {
                    let w = weights.get_or_insert_with(HashMap::new);
                    // one factor per framework indicator, in framework order
                    let factors: Vec<f64> = (0..base.len())
                        .map(|_| 1.0 - delta + 2.0 * delta * g.uniform())
                        .collect();
                    for (ind, b) in base.iter().enumerate() {
                        w.insert(b.id.as_str(), b.weight * factors[ind]);
                    }
                }
                Assumption::WeightDirichlet { concentration } => {
                    let w = dirichlet_weights(base, *concentration, &mut g);
                    let map = weights.get_or_insert_with(HashMap::new);
                    for (j, b) in base.iter().enumerate() {
                        map.insert(b.id.as_str(), w[j]);
                    }
                }
                Assumption::Normalisation { .. }
                | Assumption::Aggregation { .. }
                | Assumption::Imputation { .. }
                | Assumption::Treatment { .. }
                | Assumption::ExcludeIndicator { .. } => {}
            }
        }
        // a whole pipeline run of this replication
        let whole_run = || {
            let mut f = fw.clone();
            if let Some(w) = &weights {
                for x in f.indicators.iter_mut() {
                    if let Some(&v) = w.get(x.id.as_str()) {
                        x.weight = v;
                    }
                }
            }
            adapter::index_scores(&f, self.panel, &spec, Some(self.period), left_out)
        };
        let out = if self.full_runs {
            whole_run()?
        } else {
            let cell = self
                .upstream
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(upstream_key)
                .or_default()
                .clone();
            match cell.get_or_init(|| adapter::prepare(fw, self.panel, &spec, left_out)) {
                Ok(up) => adapter::rerun_index(up, &spec, weights.as_ref(), self.period)?,
                // the upstream stages failed with the alternatives of the run that prepared
                // them (its normalisation, say): each run sharing them runs whole, so that it
                // fails, or not, exactly as a whole run would
                Err(_) => whole_run()?,
            }
        };
        let out = (out.ranks, out.scores);
        if let (Some(cache), Some(key)) = (&self.cache, key) {
            cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key, out.clone());
        }
        Ok((out, choices))
    }
}

/// Uncertainty and sensitivity analysis of the index ranks (module docs).
///
/// Errors: the spec's ([`Error::InvalidSpec`] naming the field); the pipeline's, for the
/// nominal run or for the first failing run (the message names the run and the
/// alternatives chosen); [`Error::InvalidValue`] when no unit has a rank in some run.
pub fn analyse(
    framework: &Framework,
    panel: &Panel,
    spec: &SensitivitySpec,
) -> Result<SensitivityResults> {
    analyse_with(framework, panel, spec, false)
}

/// [`analyse`]; `full_runs`: every replication a whole pipeline run (the reference the
/// downstream-only re-runs are tested against) instead of re-running only the stages
/// downstream of the assumptions that change.
pub(crate) fn analyse_with(
    framework: &Framework,
    panel: &Panel,
    spec: &SensitivitySpec,
    full_runs: bool,
) -> Result<SensitivityResults> {
    let mut spec = spec.clone();
    spec.validate()?;
    spec.resolve(framework);
    spec.validate()?;
    spec.validate_against(framework)?;
    let nominal = adapter::index_scores(framework, panel, &spec.spec, spec.period, None)?;
    spec.period = Some(nominal.period);
    let mut warnings = Vec::new();
    let excluded: Vec<Option<&str>> = match spec
        .assumptions
        .iter()
        .position(|a| matches!(a, Assumption::ExcludeIndicator { .. }))
    {
        Some(k) => {
            let excluded = exclusion_alternatives(&spec.assumptions[k]);
            check_exclusions(framework, panel, &spec.spec, k, &excluded, &mut warnings)?;
            excluded
        }
        None => Vec::new(),
    };
    let k = spec.assumptions.len();
    // what the analysis keeps, checked before anything is allocated for it (a spec asking
    // for 10^15 samples must be refused, not abort the host): each run's ranks and scores
    // of every unit, N(k + 2) runs; the bootstrap's draws of each index
    let remedy = "lower `n` or `bootstrap`, or raise the limit (cpindex_set_max_panel_cells, \
                  cpindex::data::set_max_panel_cells)";
    let limit = crate::data::max_panel_cells();
    crate::alloc::checked_size(
        "sensitivity size",
        &[
            (spec.n, "base samples (n)"),
            (k.saturating_add(2), "runs per sample"),
            (nominal.units.len().max(1), "units"),
        ],
        limit,
        remedy,
    )?;
    crate::alloc::checked_size(
        "sensitivity size",
        &[(spec.bootstrap, "bootstrap draws"), (k, "assumptions")],
        limit,
        remedy,
    )?;
    let design = Design::random(spec.n, k, spec.seed);
    let runs = design.runs();
    let kept = staged_cells(framework, panel, &spec);
    let full_runs = full_runs || kept > MAX_STAGED_CELLS;
    if kept > MAX_STAGED_CELLS {
        warnings.push(format!(
            "every run is a whole pipeline run: re-running only the changed stages would keep up to {:.1} GiB of prepared data (the limit is {} GiB)",
            kept as f64 * 8.0 / (1u64 << 30) as f64,
            (MAX_STAGED_CELLS * 8) >> 30
        ));
    }
    let prepared = Prepared {
        framework,
        panel,
        spec: &spec,
        period: nominal.period,
        excluded: &excluded,
        upstream: Mutex::new(HashMap::new()),
        full_runs,
        cache: spec
            .assumptions
            .iter()
            .all(|a| a.n_alternatives().is_some())
            .then(|| Mutex::new(HashMap::new())),
    };
    let threads = worker_threads(spec.threads, runs);
    let next = AtomicUsize::new(0);
    type Slot = Option<RunResult>;
    let mut slots: Vec<Slot> = (0..runs).map(|_| None).collect();
    let work = || {
        let mut mine: Vec<(usize, RunResult)> = Vec::new();
        loop {
            let r = next.fetch_add(1, Ordering::Relaxed);
            if r >= runs {
                break;
            }
            mine.push((r, prepared.run(&design.run_row(r))));
        }
        mine
    };
    if threads == 1 {
        for (r, out) in work() {
            slots[r] = Some(out);
        }
    } else {
        std::thread::scope(|s| {
            // a thread the system refuses is no error (crate::spawn): the runs are shared
            // through the run counter, so the calling thread takes the refused threads' part
            // by working too
            let handles: Vec<_> = (0..threads)
                .filter_map(|_| crate::spawn::scoped(s, "cpindex-sensitivity", work).ok())
                .collect();
            if handles.len() < threads {
                for (r, out) in work() {
                    slots[r] = Some(out);
                }
            }
            for h in handles {
                let part = match h.join() {
                    Ok(p) => p,
                    Err(e) => std::panic::resume_unwind(e),
                };
                for (r, out) in part {
                    slots[r] = Some(out);
                }
            }
        });
    }
    let m = nominal.units.len();
    let mut run_ranks = Vec::with_capacity(runs * m);
    let mut run_scores = Vec::with_capacity(runs * m);
    let mut choices = Vec::with_capacity(runs * k);
    let mut target = Vec::with_capacity(runs);
    for (r, slot) in slots.into_iter().enumerate() {
        let ((ranks, scores), ch) = match slot.expect("every run is evaluated") {
            Ok(v) => v,
            Err(e) => {
                return Err(Error::invalid_argument(
                    "sensitivity run",
                    format!(
                        "run {r} ({}) failed: {e}",
                        describe_run(&spec, &design.run_row(r))
                    ),
                ))
            }
        };
        let (mut s, mut c) = (0.0, 0usize);
        for (x, y) in ranks.iter().zip(&nominal.ranks) {
            if x.is_finite() && y.is_finite() {
                s += (x - y).abs();
                c += 1;
            }
        }
        if c == 0 {
            return Err(Error::MissingValue {
                context: format!(
                    "sensitivity run {r} ({})",
                    describe_run(&spec, &design.run_row(r))
                ),
                reason: "for every unit's index rank in this run or the nominal run".into(),
            });
        }
        target.push(s / c as f64);
        run_ranks.extend(ranks);
        run_scores.extend(scores);
        choices.extend(ch);
    }
    let uncertainty = (0..m)
        .map(|u| {
            let ranks: Vec<f64> = (0..runs).map(|r| run_ranks[r * m + u]).collect();
            let scores: Vec<f64> = (0..runs).map(|r| run_scores[r * m + u]).collect();
            let (median_rank, rank_p05, rank_p95, mean_abs_rank_shift, missing_runs) =
                summary(&ranks, nominal.ranks[u]);
            let (median_score, score_p05, score_p95, mean_abs_score_shift, _) =
                summary(&scores, nominal.scores[u]);
            UnitUncertainty {
                unit: nominal.units[u].clone(),
                nominal_rank: nominal.ranks[u],
                median_rank,
                rank_p05,
                rank_p95,
                mean_abs_rank_shift,
                nominal_score: nominal.scores[u],
                median_score,
                score_p05,
                score_p95,
                mean_abs_score_shift,
                missing_runs,
            }
        })
        .collect::<Vec<_>>();
    for u in &uncertainty {
        if u.missing_runs > 0 {
            warnings.push(format!(
                "unit `{}` has no index score in {} of {runs} runs (left out of its statistics and of the rank shift of those runs)",
                u.unit, u.missing_runs
            ));
        }
    }
    let sobol = sobol_indices(
        &target,
        spec.n,
        k,
        spec.bootstrap,
        spec.confidence,
        spec.seed,
    )?;
    if sobol.constant_output {
        warnings.push(
            "the mean absolute rank shift is the same in every run: the assumptions do not move the ranks, and every Sobol index is 0".into(),
        );
    }
    let mut unit_sobol = Vec::new();
    if spec.unit_ranks {
        for u in 0..m {
            let y: Vec<f64> = (0..runs).map(|r| run_ranks[r * m + u]).collect();
            if y.iter().any(|v| !v.is_finite()) {
                return Err(Error::MissingValue {
                    context: format!("unit_ranks, unit `{}`", nominal.units[u]),
                    reason: "for its index rank in some runs, so its Sobol indices are undefined; set unit_ranks = false".into(),
                });
            }
            unit_sobol.push(sobol_indices(
                &y,
                spec.n,
                k,
                spec.bootstrap,
                spec.confidence,
                spec.seed,
            )?);
        }
    }
    Ok(SensitivityResults {
        framework_id: framework.id.clone(),
        period: nominal.period,
        units: nominal.units,
        assumptions: spec
            .assumptions
            .iter()
            .map(|a| a.name().to_string())
            .collect(),
        spec,
        uncertainty,
        sobol,
        unit_sobol,
        design,
        choices,
        target,
        run_ranks,
        run_scores,
        warnings,
    })
}

/// The most worker threads per available core ([`worker_threads`]).
pub const MAX_THREADS_PER_CORE: usize = 4;

/// The worker threads of an analysis of `runs` runs: `requested` (default the machine's
/// available parallelism), at most one per run and at most [`MAX_THREADS_PER_CORE`] × the
/// available parallelism (more threads than that only cost memory: the runs are CPU-bound;
/// a spec's `threads: 100000` must not ask the host for 100,000 threads). The results do
/// not depend on it.
fn worker_threads(requested: Option<usize>, runs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    requested
        .unwrap_or(cores)
        .min(cores.saturating_mul(MAX_THREADS_PER_CORE))
        .clamp(1, runs.max(1))
}

/// The most `f64` cells the staged re-runs may keep (1 GiB); beyond it every run is whole.
const MAX_STAGED_CELLS: u128 = 1 << 27;

/// An upper bound on the cells the staged re-runs keep: per combination of the upstream
/// assumptions (indicator left out, imputation, treatment), the imputed copy, the treated
/// columns and one normalised cube per normalisation alternative (and the prepared one).
fn staged_cells(framework: &Framework, panel: &Panel, spec: &SensitivitySpec) -> u128 {
    let cells = panel.n_units() as u128
        * panel.n_periods() as u128
        * framework.indicators.len().max(panel.n_indicators()) as u128;
    let (mut upstreams, mut normalisations) = (1u128, 1u128);
    for a in &spec.assumptions {
        let m = a.n_alternatives().unwrap_or(1) as u128;
        match a {
            Assumption::Imputation { .. }
            | Assumption::Treatment { .. }
            | Assumption::ExcludeIndicator { .. } => upstreams *= m,
            Assumption::Normalisation { .. } => normalisations = m,
            Assumption::Aggregation { .. }
            | Assumption::WeightNoise { .. }
            | Assumption::WeightDirichlet { .. } => {}
        }
    }
    upstreams.saturating_mul((3 + normalisations).saturating_mul(cells))
}

/// Plans, before the first run, the index without each indicator the exclusion
/// assumption (`assumptions[k]`, alternatives `excluded`) may leave out, with the nominal
/// spec: an indicator whose absence leaves the index without an indicator with data, or
/// leaves a dimension whose other children all have weight 0, is [`Error::InvalidSpec`]
/// naming `assumptions[k].indicators` and the indicator. A dimension left without an
/// indicator with data (the left-out indicator was its only one) is left out with it, its
/// parent's other children sharing its weight: `warnings` says so.
fn check_exclusions(
    framework: &Framework,
    panel: &Panel,
    spec: &crate::method::Spec,
    k: usize,
    excluded: &[Option<&str>],
    warnings: &mut Vec<String>,
) -> Result<()> {
    let spec = adapter::quiet(spec);
    for id in excluded.iter().flatten() {
        let notes = crate::method::pipeline::plan_warnings(framework, panel, &spec, Some(id))
            .map_err(|e| {
                Error::invalid_spec(
                    format!("assumptions[{k}].indicators"),
                    format!(
                        "indicator `{id}` cannot be left out: {e}; remove it from `indicators` (or list the indicators that may be left out)"
                    ),
                )
            })?;
        let marker = format!("once `{id}` is left out");
        for note in notes.iter().filter(|n| n.contains(&marker)) {
            warnings.push(format!("exclude_indicator: {note} of the runs leaving it out; its parent's other children share its weight"));
        }
    }
    Ok(())
}

/// The alternatives of a run, for error messages (the indicator an exclusion leaves out
/// named).
fn describe_run(spec: &SensitivitySpec, row: &[f64]) -> String {
    spec.assumptions
        .iter()
        .zip(row)
        .map(|(a, &u)| match a.n_alternatives() {
            Some(_) => {
                let j = a.pick(u);
                match exclusion_alternatives(a).get(j) {
                    Some(Some(id)) => format!("{} alternative {j}, `{id}` left out", a.name()),
                    Some(None) => format!("{} alternative {j}, none left out", a.name()),
                    None => format!("{} alternative {j}", a.name()),
                }
            }
            None => format!("{} u = {u:.6}", a.name()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Median, 5th and 95th percentiles (Hyndman & Fan type 7) and mean |x − nominal| of the
/// finite values of `x`, and the number of non-finite ones; NaN statistics when none is
/// finite.
fn summary(x: &[f64], nominal: f64) -> (f64, f64, f64, f64, usize) {
    let mut v: Vec<f64> = x.iter().copied().filter(|a| a.is_finite()).collect();
    let missing = x.len() - v.len();
    if v.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN, f64::NAN, missing);
    }
    v.sort_by(f64::total_cmp);
    let shift = v.iter().map(|a| (a - nominal).abs()).sum::<f64>() / v.len() as f64;
    (
        sobol::quantile_sorted(&v, 0.5),
        sobol::quantile_sorted(&v, 0.05),
        sobol::quantile_sorted(&v, 0.95),
        shift,
        missing,
    )
}

#[cfg(test)]
mod tests {
    //! The staged replications (downstream-only re-runs) against whole pipeline runs.

    use super::*;
    use crate::method::Spec;

    /// 2 dimensions × 3 indicators (weights 1, 2, 3; the third lower-is-better).
    fn framework() -> Framework {
        let mut inds = Vec::new();
        for d in 0..2 {
            for k in 0..3 {
                let pol = if k == 2 {
                    "lower_is_better"
                } else {
                    "higher_is_better"
                };
                inds.push(serde_json::json!({
                    "id": format!("i{d}{k}"), "dimension": format!("d{d}"), "name_zh": "i",
                    "name_en": "i", "unit": {"label": "x"}, "polarity": {"type": pol},
                    "kind": "level", "target": 1.0, "weight": 1.0 + k as f64
                }));
            }
        }
        let fw = serde_json::json!({
            "id": "synthetic", "title_zh": "s", "title_en": "s", "base_year": 2020,
            "target_year": 2025,
            "dimensions": [
                {"id": "d0", "name_zh": "a", "name_en": "a", "weight": 1.0},
                {"id": "d1", "name_zh": "b", "name_en": "b", "weight": 2.0}
            ],
            "indicators": inds
        });
        Framework::from_json(&fw.to_string()).unwrap()
    }

    /// `weight_dirichlet` draws, from the Dirichlet's definition: each dimension's weights
    /// sum to 1 in every draw (dimensions grouped by id, also when their indicators
    /// alternate), and over 20,000 draws each weight has mean w̄ and variance
    /// w̄(1 − w̄)/(c + 1), w̄ its nominal weight within its dimension (1/6, 2/6, 3/6 here);
    /// a weight of 0 stays 0.
    /// The sample moments of `n` draws of Dir(c·w̄) (sums of the weights and of their
    /// squares, six indicators of nominal weight w/6 in two dimensions) against the
    /// Dirichlet's: E[wⱼ] = w̄ⱼ within 4 standard errors, Var[wⱼ] = w̄ⱼ(1 − w̄ⱼ)/(c + 1)
    /// within the relative tolerance `var_tol`.
    fn assert_dirichlet_moments(
        inds: &[crate::model::Indicator],
        (sum, sum2): (&[f64; 6], &[f64; 6]),
        n: usize,
        c: f64,
        var_tol: f64,
    ) {
        for j in 0..6 {
            let wbar = inds[j].weight / 6.0;
            let mean = sum[j] / n as f64;
            let var = sum2[j] / n as f64 - mean * mean;
            let want_var = wbar * (1.0 - wbar) / (c + 1.0);
            assert!(
                (mean - wbar).abs() < 4.0 * (want_var / n as f64).sqrt(),
                "c = {c}, {}: mean {mean} vs {wbar}",
                inds[j].id
            );
            assert!(
                (var / want_var - 1.0).abs() < var_tol,
                "c = {c}, {}: variance {var} vs {want_var}",
                inds[j].id
            );
        }
    }

    #[test]
    fn dirichlet_weights_have_the_dirichlet_moments_within_each_dimension() {
        let fw = framework();
        let mut inds = fw.indicators.clone();
        // i00 i10 i01 i11 i02 i12: the two dimensions alternate
        inds.swap(1, 3);
        inds.swap(2, 3);
        inds.swap(3, 4);
        let dims: Vec<&str> = inds.iter().map(|i| i.dimension.as_str()).collect();
        assert_eq!(dims, ["d0", "d1", "d0", "d1", "d0", "d1"]);
        let c = 10.0;
        let n = 20_000;
        let mut g = rng::Xoshiro256::stream(7, &[1]);
        let (mut sum, mut sum2) = ([0.0f64; 6], [0.0f64; 6]);
        for _ in 0..n {
            let w = dirichlet_weights(&inds, c, &mut g);
            for d in ["d0", "d1"] {
                let total: f64 = (0..6).filter(|&j| dims[j] == d).map(|j| w[j]).sum();
                assert!((total - 1.0).abs() < 1e-12, "{d}: {total}");
            }
            for j in 0..6 {
                sum[j] += w[j];
                sum2[j] += w[j] * w[j];
            }
        }
        // the variance within 6 % (its relative standard error here is about 1.5 %)
        assert_dirichlet_moments(&inds, (&sum, &sum2), n, c, 0.06);
        // a nominal weight of 0 keeps 0; the others of its dimension still sum to 1
        inds[0].weight = 0.0;
        let w = dirichlet_weights(&inds, c, &mut g);
        assert_eq!(w[0], 0.0);
        assert!((w[2] + w[4] - 1.0).abs() < 1e-12);
    }

    /// Small concentrations (review methods #4: at c = 0.001 every Gamma variate
    /// underflowed to 0 and every run failed): each dimension's weights still sum to 1 and,
    /// from the Dirichlet's definition, E[wⱼ] = w̄ⱼ and Var[wⱼ] = w̄ⱼ(1 − w̄ⱼ)/(c + 1) —
    /// nearly all the weight on one indicator per dimension.
    #[test]
    fn small_dirichlet_concentrations_still_give_dirichlet_weights() {
        let inds = framework().indicators;
        for c in [1e-3, 1e-6, 1e-12] {
            let n = 20_000;
            let mut g = rng::Xoshiro256::stream(11, &[1]);
            let (mut sum, mut sum2) = ([0.0f64; 6], [0.0f64; 6]);
            for _ in 0..n {
                let w = dirichlet_weights(&inds, c, &mut g);
                for d in 0..2 {
                    let total: f64 = w[3 * d..3 * d + 3].iter().sum();
                    assert!((total - 1.0).abs() < 1e-12, "c = {c}: {w:?}");
                }
                for j in 0..6 {
                    assert!(w[j].is_finite() && w[j] >= 0.0);
                    sum[j] += w[j];
                    sum2[j] += w[j] * w[j];
                }
            }
            assert_dirichlet_moments(&inds, (&sum, &sum2), n, c, 0.05);
        }
        // and the analysis runs (it failed in run 0 before)
        let mut s = SensitivitySpec::new(
            Spec::default(),
            vec![assumption(
                serde_json::json!({"kind": "weight_dirichlet", "concentration": 0.001}),
            )],
        );
        s.n = 8;
        s.bootstrap = 0;
        analyse(&framework(), &panel(), &s).unwrap();
    }

    /// Ordinary concentrations keep their draws bit for bit (published outputs): the
    /// weights are the Gamma(c·w̄ⱼ) variates of `Xoshiro256::gamma` over their sum, as
    /// before the log-space normalisation was added.
    #[test]
    fn ordinary_dirichlet_draws_are_unchanged() {
        let inds = framework().indicators;
        for c in [0.5, 2.0, 50.0] {
            let mut g = rng::Xoshiro256::stream(5, &[2]);
            let mut h = rng::Xoshiro256::stream(5, &[2]);
            for _ in 0..200 {
                let w = dirichlet_weights(&inds, c, &mut g);
                for d in 0..2 {
                    let v: Vec<f64> = (0..3)
                        .map(|k| h.gamma(c * ((1.0 + k as f64) / 6.0)))
                        .collect();
                    let s: f64 = v.iter().sum();
                    for k in 0..3 {
                        assert_eq!(w[3 * d + k].to_bits(), (v[k] / s).to_bits(), "c = {c}");
                    }
                }
            }
        }
    }

    /// 15 units × 2 periods, positive values, a few missing, one outlier (treated).
    fn panel() -> Panel {
        let units: Vec<String> = (0..15).map(|u| format!("u{u:02}")).collect();
        let ids: Vec<String> = ["i00", "i01", "i02", "i10", "i11", "i12"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut v = Vec::new();
        for j in 0..6 {
            for p in 0..2 {
                for u in 0..15 {
                    let x =
                        10.0 + ((u * 7 + j * 5 + p * 3) % 15) as f64 + ((u * j) % 5) as f64 * 0.7;
                    v.push(if (u + j + p) % 13 == 0 {
                        f64::NAN
                    } else if j == 1 && u == 3 {
                        x * 1e3
                    } else {
                        x
                    });
                }
            }
        }
        Panel::from_values(units, vec![2023, 2024], ids, v).unwrap()
    }

    fn assumption(json: serde_json::Value) -> Assumption {
        serde_json::from_value(json).unwrap()
    }

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
    }

    #[test]
    fn the_memory_bound_of_the_staged_runs_counts_every_kept_cube() {
        // 15 units × 2 periods × 6 indicators = 180 cells; upstream combinations: exclusion
        // (6 indicators + none = 7) × treatment (2) = 14; per combination the imputed copy,
        // the treated columns, the prepared cube and 3 normalisations' cubes ≤ (3 + 3) × 180;
        // 14 × 6 × 180 = 15,120 cells. Aggregation and weight noise keep nothing.
        let s = SensitivitySpec::new(
            Spec::default(),
            vec![
                assumption(
                    serde_json::json!({"kind": "normalisation", "alternatives": [
                    {"default": {"method": "min_max"}}, {"default": {"method": "rank"}},
                    {"default": {"method": "z_score"}}]}),
                ),
                assumption(serde_json::json!({"kind": "treatment", "alternatives": [
                    {"enabled": true}, {"enabled": false}]})),
                assumption(serde_json::json!({"kind": "exclude_indicator",
                    "indicators": ["i00", "i01", "i02", "i10", "i11", "i12"]})),
                assumption(serde_json::json!({"kind": "aggregation", "alternatives": [{}, {}]})),
                assumption(serde_json::json!({"kind": "weight_noise", "delta": 0.1})),
            ],
        );
        assert_eq!(staged_cells(&framework(), &panel(), &s), 15_120);
        assert!(staged_cells(&framework(), &panel(), &s) < MAX_STAGED_CELLS);
    }

    /// Worker threads the system refuses (crate::spawn) are no error: the calling thread
    /// does their runs, and the results are those of one thread (review ffi #1: a raw
    /// `Scope::spawn` panicked, which the C ABI reported as a bug in cpindex).
    #[test]
    fn refused_worker_threads_give_the_one_thread_result() {
        let mut s = SensitivitySpec::new(
            Spec::default(),
            vec![
                assumption(serde_json::json!({"kind": "exclude_indicator"})),
                assumption(serde_json::json!({"kind": "weight_noise", "delta": 0.3})),
            ],
        );
        s.n = 10;
        s.bootstrap = 0;
        s.threads = Some(1);
        let one = analyse(&framework(), &panel(), &s).unwrap();
        s.threads = Some(3);
        let (refused, n) = crate::spawn::refusing(|| analyse(&framework(), &panel(), &s));
        let mut refused = refused.unwrap();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(n, 3.min(cores * MAX_THREADS_PER_CORE), "threads asked for");
        refused.spec.threads = Some(1);
        assert_eq!(one, refused);
    }

    /// `threads` is capped at the runs and at MAX_THREADS_PER_CORE × the available cores.
    #[test]
    fn worker_threads_are_capped() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(
            worker_threads(Some(1_000_000), 10),
            10.min(cores * MAX_THREADS_PER_CORE)
        );
        assert_eq!(
            worker_threads(Some(1_000_000), usize::MAX),
            cores * MAX_THREADS_PER_CORE
        );
        assert_eq!(worker_threads(None, 1_000), cores.min(1_000));
        assert_eq!(worker_threads(Some(2), 0), 1);
    }

    /// Every assumption kind, alone and together: the staged analysis equals the one
    /// made of whole pipeline runs, bit for bit.
    #[test]
    fn staged_replications_equal_whole_runs_for_every_assumption_kind() {
        let kinds = [
            serde_json::json!({"kind": "normalisation", "alternatives": [
                {"default": {"method": "min_max", "low": 1, "high": 100}},
                {"default": {"method": "z_score", "mean": 100.0, "sd": 10.0}},
                {"default": {"method": "rank"}}]}),
            serde_json::json!({"kind": "aggregation", "alternatives": [
                {}, {"default": {"method": {"method": "geometric", "shift": 1.0}}}]}),
            serde_json::json!({"kind": "imputation", "alternatives": [
                {"method": "none"}, {"method": "linear"}]}),
            serde_json::json!({"kind": "treatment", "alternatives": [
                {"enabled": true}, {"enabled": false}]}),
            serde_json::json!({"kind": "exclude_indicator"}),
            serde_json::json!({"kind": "weight_noise", "delta": 0.4}),
            serde_json::json!({"kind": "weight_dirichlet", "concentration": 20}),
        ];
        let mut sets: Vec<Vec<serde_json::Value>> = kinds.iter().map(|k| vec![k.clone()]).collect();
        // all together (weight_noise and weight_dirichlet exclude each other)
        sets.push(kinds[..6].to_vec());
        for set in sets {
            let mut s = SensitivitySpec::new(
                Spec::default(),
                set.iter().map(|a| assumption(a.clone())).collect(),
            );
            s.n = 12;
            s.bootstrap = 0;
            s.threads = Some(2);
            let staged = analyse_with(&framework(), &panel(), &s, false).unwrap();
            let whole = analyse_with(&framework(), &panel(), &s, true).unwrap();
            let label = format!("{set:?}");
            assert!(same(&staged.run_ranks, &whole.run_ranks), "{label}: ranks");
            assert!(
                same(&staged.run_scores, &whole.run_scores),
                "{label}: scores"
            );
            assert!(same(&staged.target, &whole.target), "{label}: target");
            assert_eq!(staged.choices, whole.choices, "{label}");
            // and the runs are not all alike (the assumption moves the scores)
            let m = staged.units.len();
            assert!(
                staged
                    .run_scores
                    .chunks(m)
                    .any(|r| !same(r, &staged.run_scores[..m])),
                "{label}: every run gave the same scores"
            );
        }
    }
}
