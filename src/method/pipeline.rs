//! The pipeline: (framework, panel, spec) → [`Results`].
//!
//! Steps, in the order of the OECD/JRC Handbook (2008) ten steps 3–8:
//! validate → select periods and indicators → screening → imputation → outlier treatment →
//! normalisation → weighting → aggregation up the hierarchy (every level, unit and period)
//! → ranks → contributions → obstacle degrees → statistics, correlations, Cronbach's alpha.
//!
//! Data layout: indicator values are read column by column (one indicator, one period, all
//! units — contiguous in the [`Panel`]); normalised values and scores are stored
//! period-major with siblings contiguous, so every node's children form a column-major
//! matrix that is handed to [`aggregate_units`] without copying. Per column, moments,
//! treatment and normalisation run back to back while the column is in cache; the only
//! per-column allocation is a report entry when a column is actually treated.
//!
//! Fused passes (performance; the results are bit-identical to running the steps one
//! after the other): the first moments pass also counts observed cells for the
//! availability screening; the second also writes the min–max normalisation (redone if
//! the treatment changes the column); a node holding indicators whose weights do not
//! depend on the data and that is aggregated arithmetically adds each normalised column to
//! its per-unit sums right after writing it (`LeafFusion`), instead of reading the column
//! back in the aggregation step.

use std::collections::HashMap;

use super::aggregate::{
    aggregate_units, aggregate_units_with_cost, check_rule, check_weights, finish_mean,
    AggregateNote, Aggregation, MissingRule, UnitSums,
};
use super::impute::{impute, ImputeMethod, ImputedCell};
use super::normalise::{min_max_map, normalise_column, ColumnInfo, Normalisation, Ties};
use super::results::{
    AhpConsistency, Cube, Node, Results, TreatedPoint, TreatmentSummary, WeightUsed,
};
use super::screen::{ScreenAction, ScreenedUnit};
use super::spec::{MissingIndicators, Spec, WeightScope};
use super::stats::{
    cronbach_alpha, indicator_stats_from, pearson, CorrelationMatrix, CronbachAlpha,
    ParentCorrelation,
};
use super::treat::{first_pass, moments, second_pass, treat_column_inner, PointChange};
use super::weight::{self, Weighting};
use crate::data::Panel;
use crate::error::{Error, Result};
use crate::model::{Framework, Indicator, Polarity};

/// Internal tree node.
struct TNode {
    id: String,
    parent: Option<usize>,
    /// Children: a range into `nodes` (dimensions) or into the indicator list.
    first: usize,
    count: usize,
    leaf: bool,
    level: usize,
    /// Framework weights of the children, in child order.
    fw_weights: Vec<f64>,
}

/// Adds the node and period to an error's context.
fn in_node(e: Error, node: &str, period: i32) -> Error {
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

/// Order-preserving map of a non-NaN f64 to u64, **descending** (larger score → smaller key).
#[inline]
fn desc_key(v: f64) -> u64 {
    let b = (v + 0.0).to_bits(); // +0.0 folds −0 into +0 so they tie
    let asc = if b >> 63 == 1 { !b } else { b | (1 << 63) };
    !asc
}

/// Ranks `scores` into `out` (1 = highest), NaN → NaN, with the ties policy. Sorting is an
/// LSD radix sort on (key, unit) pairs (6 passes of 11 bits, stable), O(n) and
/// allocation-free once `keys`/`tmp` have grown.
fn rank_into(
    scores: &[f64],
    ties: Ties,
    keys: &mut Vec<(u64, u32)>,
    tmp: &mut Vec<(u64, u32)>,
    out: &mut [f64],
) {
    keys.clear();
    keys.extend(
        scores
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_nan())
            .map(|(u, &v)| (desc_key(v), u as u32)),
    );
    let n = keys.len();
    if n > 64 {
        tmp.clear();
        tmp.resize(n, (0, 0));
        // the six digit histograms in one pass over the keys
        let mut hist = [[0u32; 2048]; 6];
        for &(k, _) in keys.iter() {
            for (pass, h) in hist.iter_mut().enumerate() {
                h[((k >> (pass * 11)) & 0x7ff) as usize] += 1;
            }
        }
        let mut start = [0usize; 2048];
        for (pass, h) in hist.iter().enumerate() {
            if h.contains(&(n as u32)) {
                continue; // all keys share this digit
            }
            let shift = pass * 11;
            let mut acc = 0usize;
            for (s, &c) in start.iter_mut().zip(h) {
                *s = acc;
                acc += c as usize;
            }
            for &e in keys.iter() {
                let d = ((e.0 >> shift) & 0x7ff) as usize;
                tmp[start[d]] = e;
                start[d] += 1;
            }
            std::mem::swap(keys, tmp);
        }
    } else {
        keys.sort_unstable();
    }
    out.iter_mut().for_each(|r| *r = f64::NAN);
    let mut s = 0;
    while s < n {
        let v = keys[s].0;
        let mut e = s + 1;
        while e < n && keys[e].0 == v {
            e += 1;
        }
        let r = match ties {
            Ties::Min => (s + 1) as f64,
            Ties::Max => e as f64,
            Ties::Average => (s + 1 + e) as f64 / 2.0,
        };
        for &(_, u) in &keys[s..e] {
            out[u as usize] = r;
        }
        s = e;
    }
}

/// Ranks scores, 1 = highest, NaN stays NaN, with the ties policy (`min`: 1, 2, 2, 4;
/// `average`: 1, 2.5, 2.5, 4; `max`: 1, 3, 3, 4) — R `rank(-x, ties.method = …,
/// na.last = "keep")`.
pub fn rank_descending(scores: &[f64], ties: Ties) -> Vec<f64> {
    let mut out = vec![f64::NAN; scores.len()];
    rank_into(scores, ties, &mut Vec::new(), &mut Vec::new(), &mut out);
    out
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
    framework.validate()?;
    spec.validate()?;
    spec.validate_against(framework)?;
    panel.check_indicators(framework)?;
    let selected;
    let panel = match &spec.units {
        None => panel,
        Some(ids) => {
            selected = select_units(panel, ids)?;
            &selected
        }
    };
    let mut log: Vec<String> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let nu = panel.n_units();
    if nu == 0 {
        return Err(Error::Empty {
            context: "panel units".into(),
        });
    }

    // ---- periods --------------------------------------------------------------------
    let sel: Vec<usize> = match &spec.periods {
        None => (0..panel.n_periods()).collect(),
        Some(ps) => {
            let mut v = Vec::with_capacity(ps.len());
            for &p in ps {
                match panel.period_index(p) {
                    Some(q) => v.push(q),
                    None => {
                        return Err(Error::invalid_spec(
                            "periods",
                            format!(
                                "period {p} is not in the panel (periods: {:?})",
                                panel.periods()
                            ),
                        ))
                    }
                }
            }
            v.sort_unstable();
            v.dedup();
            v
        }
    };
    if sel.is_empty() {
        return Err(Error::Empty {
            context: "panel periods".into(),
        });
    }
    let periods: Vec<i32> = sel.iter().map(|&q| panel.periods()[q]).collect();
    let npp = sel.len();

    // ---- indicators and the tree ----------------------------------------------------
    let missing: Vec<String> = framework
        .indicators
        .iter()
        .filter(|i| panel.indicator_index(&i.id).is_none())
        .map(|i| i.id.clone())
        .collect();
    if !missing.is_empty() {
        match spec.missing_indicators {
            MissingIndicators::Error => {
                return Err(Error::MissingValue {
                    context: format!("panel vs framework `{}`", framework.id),
                    reason: format!(
                        "for indicators {} (no column in the panel) and the spec sets missing_indicators = error",
                        missing.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                    ),
                })
            }
            MissingIndicators::Renormalise => warnings.push(format!(
                "{} framework indicator(s) have no data and are left out (siblings' weights re-normalised): {}",
                missing.len(),
                missing.join(", ")
            )),
        }
    }
    // does a dimension have any indicator with data below it?
    let mut alive: HashMap<&str, bool> = HashMap::new();
    fn alive_of<'a>(
        fw: &'a Framework,
        panel: &Panel,
        id: &'a str,
        memo: &mut HashMap<&'a str, bool>,
    ) -> bool {
        if let Some(&a) = memo.get(id) {
            return a;
        }
        let a = fw
            .indicators_in(id)
            .any(|i| panel.indicator_index(&i.id).is_some())
            || fw
                .child_dimensions(Some(id))
                .any(|d| alive_of(fw, panel, &d.id, memo));
        memo.insert(id, a);
        a
    }
    for d in &framework.dimensions {
        alive_of(framework, panel, &d.id, &mut alive);
    }
    for d in &framework.dimensions {
        if !alive[d.id.as_str()] && !d.id.is_empty() {
            let has_dead_parent = d.parent.as_deref().map(|p| !alive[p]).unwrap_or(false);
            if !has_dead_parent {
                warnings.push(format!(
                    "dimension `{}` has no indicator with data and is left out",
                    d.id
                ));
            }
        }
    }
    let mut nodes: Vec<TNode> = vec![TNode {
        id: framework.id.clone(),
        parent: None,
        first: 0,
        count: 0,
        leaf: false,
        level: 0,
        fw_weights: Vec::new(),
    }];
    let mut inds: Vec<&Indicator> = Vec::new();
    let mut k = 0;
    while k < nodes.len() {
        let parent_owned: Option<String> = if k == 0 {
            None
        } else {
            Some(nodes[k].id.clone())
        };
        let parent_dim: Option<&str> = parent_owned.as_deref();
        let dims: Vec<(String, f64)> = framework
            .child_dimensions(parent_dim)
            .filter(|d| alive[d.id.as_str()])
            .map(|d| (d.id.clone(), d.weight))
            .collect();
        if !dims.is_empty() {
            let first = nodes.len();
            nodes[k].first = first;
            nodes[k].count = dims.len();
            nodes[k].fw_weights = dims.iter().map(|d| d.1).collect();
            for (id, _) in dims {
                nodes.push(TNode {
                    id,
                    parent: Some(k),
                    first: 0,
                    count: 0,
                    leaf: false,
                    level: 0,
                    fw_weights: Vec::new(),
                });
            }
        } else if let Some(dim) = parent_dim {
            let present: Vec<&Indicator> = framework
                .indicators
                .iter()
                .filter(|i| i.dimension == dim && panel.indicator_index(&i.id).is_some())
                .collect();
            nodes[k].leaf = true;
            nodes[k].first = inds.len();
            nodes[k].count = present.len();
            nodes[k].fw_weights = present.iter().map(|i| i.weight).collect();
            inds.extend(present);
        }
        k += 1;
    }
    if nodes[0].count == 0 {
        return Err(Error::Empty {
            context: format!(
                "panel: no indicator of framework `{}` has a column",
                framework.id
            ),
        });
    }
    let nn = nodes.len();
    for k in (0..nn).rev() {
        nodes[k].level = if nodes[k].leaf {
            1
        } else {
            1 + (nodes[k].first..nodes[k].first + nodes[k].count)
                .map(|c| nodes[c].level)
                .max()
                .unwrap_or(0)
        };
    }
    for nd in &nodes {
        let s: f64 = nd.fw_weights.iter().sum();
        if s.is_nan() || s <= 0.0 {
            return Err(Error::InvalidFramework {
                framework: framework.id.clone(),
                location: format!("dimension `{}`", nd.id),
                message: "every child with data has weight 0".into(),
            });
        }
    }
    let nk = inds.len();
    let pidx: Vec<usize> = inds
        .iter()
        .map(|i| panel.indicator_index(&i.id).expect("present"))
        .collect();
    log.push(format!(
        "framework `{}`: {} indicators with data in {} nodes (depth {}); {} units × {} periods {:?}",
        framework.id,
        nk,
        nn,
        nodes[0].level,
        nu,
        npp,
        periods
    ));

    // ---- screening -------------------------------------------------------------------
    let raw_col = |k: usize, q: usize| panel.column(sel[q], pidx[k]);
    let mut active = vec![true; npp * nu];
    let mut screened: Vec<ScreenedUnit> = Vec::new();
    let sc = &spec.screening;
    let screening_on = sc.min_availability > 0.0 || sc.min_dimension_availability.is_some();
    // Flagging by overall availability changes nothing downstream, so its counts are taken
    // in the main column loop (while each column is in cache) instead of a separate pass.
    let deferred =
        screening_on && sc.action == ScreenAction::Flag && sc.min_dimension_availability.is_none();
    let mut deferred_counts: Vec<u32> = if deferred {
        vec![0; npp * nu]
    } else {
        Vec::new()
    };
    if screening_on && !deferred {
        // top-level dimension (child of the root) of each indicator
        let mut top_of = vec![0usize; nk];
        for t in 0..nodes[0].count {
            let mut stack = vec![nodes[0].first + t];
            while let Some(n) = stack.pop() {
                let nd = &nodes[n];
                if nd.leaf {
                    for x in &mut top_of[nd.first..nd.first + nd.count] {
                        *x = t;
                    }
                } else {
                    stack.extend(nd.first..nd.first + nd.count);
                }
            }
        }
        let ntop = nodes[0].count;
        let mut top_n = vec![0usize; ntop];
        for &t in &top_of {
            top_n[t] += 1;
        }
        let mut cnt = vec![0u32; nu];
        let mut tcnt = vec![
            0u32;
            if sc.min_dimension_availability.is_some() {
                ntop * nu
            } else {
                0
            }
        ];
        for q in 0..npp {
            cnt.iter_mut().for_each(|c| *c = 0);
            tcnt.iter_mut().for_each(|c| *c = 0);
            let by_dim = sc.min_dimension_availability.is_some();
            for (k, &t) in top_of.iter().enumerate() {
                let col = raw_col(k, q);
                if by_dim {
                    let tc = &mut tcnt[t * nu..(t + 1) * nu];
                    for ((c, d), &v) in cnt.iter_mut().zip(tc.iter_mut()).zip(col) {
                        let o = u32::from(!v.is_nan());
                        *c += o;
                        *d += o;
                    }
                } else {
                    for (c, &v) in cnt.iter_mut().zip(col) {
                        *c += u32::from(!v.is_nan());
                    }
                }
            }
            for u in 0..nu {
                let avail = f64::from(cnt[u]) / nk as f64;
                let mut failed: Option<Option<String>> = None;
                if avail + 1e-12 < sc.min_availability {
                    failed = Some(None);
                } else if let Some(md) = sc.min_dimension_availability {
                    for t in 0..ntop {
                        let a = f64::from(tcnt[t * nu + u]) / top_n[t] as f64;
                        if a + 1e-12 < md {
                            failed = Some(Some(nodes[nodes[0].first + t].id.clone()));
                            break;
                        }
                    }
                }
                if let Some(dimension) = failed {
                    let dropped = sc.action == ScreenAction::Drop;
                    if dropped {
                        active[q * nu + u] = false;
                    }
                    screened.push(ScreenedUnit {
                        unit: panel.units()[u].clone(),
                        period: periods[q],
                        availability: avail,
                        dimension,
                        dropped,
                    });
                }
            }
        }
        log.push(format!(
            "screening: {} unit-period(s) below the availability threshold ({}): {}",
            screened.len(),
            sc.min_availability,
            if sc.action == ScreenAction::Drop {
                "dropped"
            } else {
                "flagged"
            }
        ));
        if !screened.is_empty() {
            warnings.push(format!(
                "{} unit-period(s) below the data-availability threshold (see `screened`)",
                screened.len()
            ));
        }
    }
    let any_dropped = active.iter().any(|a| !a);

    // ---- imputation (on a working copy only when needed) ------------------------------
    let mut imputed: Vec<ImputedCell> = Vec::new();
    let need_copy = spec.imputation.method != ImputeMethod::None || any_dropped;
    let work: Option<Vec<f64>> = if need_copy {
        let mut w = vec![f64::NAN; nk * npp * nu];
        for k in 0..nk {
            for q in 0..npp {
                let dst = &mut w[(k * npp + q) * nu..(k * npp + q + 1) * nu];
                dst.copy_from_slice(raw_col(k, q));
                for (u, v) in dst.iter_mut().enumerate() {
                    if !active[q * nu + u] {
                        *v = f64::NAN;
                    }
                }
            }
        }
        if spec.imputation.method != ImputeMethod::None {
            let mut gid: HashMap<Option<&str>, usize> = HashMap::new();
            let groups: Vec<usize> = panel
                .groups()
                .iter()
                .map(|g| {
                    let n = gid.len();
                    *gid.entry(g.as_deref()).or_insert(n)
                })
                .collect();
            let cols: Vec<usize> = (0..nk).collect();
            let filled = impute(
                &mut w,
                nu,
                &periods,
                &groups,
                &active,
                &cols,
                &spec.imputation,
            );
            let m = spec.imputation.method;
            imputed = filled
                .into_iter()
                .map(|(u, q, k, value)| ImputedCell {
                    unit: panel.units()[u].clone(),
                    period: periods[q],
                    indicator: inds[k].id.clone(),
                    value,
                    method: m,
                })
                .collect();
            imputed.sort_by(|a, b| {
                (a.period, &a.indicator, &a.unit).cmp(&(b.period, &b.indicator, &b.unit))
            });
            log.push(format!(
                "imputation `{}`: {} cell(s) filled",
                m.name(),
                imputed.len()
            ));
        }
        Some(w)
    } else {
        log.push("imputation: none".into());
        None
    };
    let col_of = |k: usize, q: usize| -> &[f64] {
        match &work {
            Some(w) => &w[(k * npp + q) * nu..(k * npp + q + 1) * nu],
            None => raw_col(k, q),
        }
    };

    // ---- statistics, treatment, normalisation (column by column) ----------------------
    let ind_ids: Vec<String> = inds.iter().map(|i| i.id.clone()).collect();
    let node_ids: Vec<String> = nodes.iter().map(|n| n.id.clone()).collect();
    // every column is written by the aggregation below
    let mut scores = Cube {
        ids: node_ids.clone(),
        n_periods: npp,
        n_units: nu,
        data: zeroed(nn * npp * nu),
    };
    let mut fusion = LeafFusion::plan(&nodes, spec, npp, nu, any_dropped);
    // every cell is written by `normalise_column`: zero-initialised (calloc) memory saves
    // a NaN-filling pass
    let mut normalised = Cube {
        ids: ind_ids.clone(),
        n_periods: npp,
        n_units: nu,
        data: zeroed(nk * npp * nu),
    };
    let mut statistics = Vec::new();
    let mut treated: Vec<TreatedPoint> = Vec::new();
    let mut treatment = Vec::new();
    let mut tcol = vec![0.0; nu];
    let mut flags = vec![false; nu];
    let mut changes: Vec<PointChange> = Vec::new();
    let n_active: Vec<usize> = (0..npp)
        .map(|q| active[q * nu..(q + 1) * nu].iter().filter(|a| **a).count())
        .collect();
    let mut n_constant = 0usize;
    let pooled = spec.normalisation.pooled;
    let (mut pool, mut pool_out) = if pooled {
        (vec![f64::NAN; npp * nu], vec![f64::NAN; npp * nu])
    } else {
        (Vec::new(), Vec::new())
    };
    for (k, ind) in inds.iter().enumerate() {
        let method = spec.normalisation.for_indicator(&ind.id);
        let reference_unit = match method {
            Normalisation::DistanceToReference { unit, .. } => {
                Some(panel.unit_index(unit).ok_or_else(|| {
                    Error::invalid_spec(
                        if spec.normalisation.indicators.contains_key(&ind.id) {
                            format!("normalisation.indicators.{}.unit", ind.id)
                        } else {
                            "normalisation.default.unit".to_string()
                        },
                        format!("unit `{unit}` is not in the panel"),
                    )
                })?)
            }
            _ => None,
        };
        let info = ColumnInfo::new(&ind.id, ind.polarity)
            .with_target(ind.target)
            .with_reference_unit(reference_unit);
        let excluded = spec.treatment.exclude.iter().any(|e| e == &ind.id);
        let treat_on = spec.treatment.enabled && !excluded;
        for q in 0..npp {
            let col = col_of(k, q);
            // Pass 1 (count, sum, min, max), with the screening counts when `col` is raw.
            let p1 = if deferred {
                let c = &mut deferred_counts[q * nu..(q + 1) * nu];
                if need_copy {
                    for (n, &v) in c.iter_mut().zip(raw_col(k, q)) {
                        *n += u32::from(!v.is_nan());
                    }
                    first_pass(col, None)
                } else {
                    first_pass(col, Some(c))
                }
            } else {
                first_pass(col, None)
            };
            // Pass 2 (central moments) writes the min–max normalisation as it goes; it is
            // redone below if the treatment changes the column. (Pooled: normalised below,
            // once over every period.)
            let map = if pooled {
                None
            } else {
                min_max_map(&info, method, p1.n, p1.min, p1.max)
            };
            // The central moments (third and fourth included) only serve the treatment
            // rule and the statistics table: without them, just the min–max map is written.
            let m = if treat_on || (spec.outputs.statistics && !need_copy) {
                Some(match map {
                    Some(map) => second_pass(col, &p1, Some((normalised.column_mut(k, q), map))),
                    None => second_pass(col, &p1, None),
                })
            } else {
                if let Some(map) = map {
                    map.write(col, normalised.column_mut(k, q));
                }
                None
            };
            let mut done = map.is_some();
            if spec.outputs.statistics {
                let ms = match m {
                    Some(m) if !need_copy => m,
                    _ => moments(raw_col(k, q)),
                };
                statistics.push(indicator_stats_from(
                    &ind.id,
                    periods[q],
                    &ms,
                    n_active[q],
                    &spec.treatment,
                ));
            }
            let mut src = col;
            if let (true, Some(m)) = (treat_on, &m) {
                changes.clear();
                let (t, range) = treat_column_inner(
                    col,
                    m,
                    &spec.treatment,
                    &mut tcol,
                    &mut flags,
                    &mut changes,
                );
                if t.treated || t.still_fails {
                    treatment.push(TreatmentSummary {
                        indicator: ind.id.clone(),
                        period: periods[q],
                        skew_before: t.skew_before,
                        kurtosis_before: t.kurt_before,
                        skew_after: t.skew_after,
                        kurtosis_after: t.kurt_after,
                        n_winsorised: t.n_winsorised,
                        log_applied: t.log_applied,
                        still_fails: t.still_fails,
                        log_offset: t.log_offset,
                        log_sign: t.log_sign,
                    });
                    if t.still_fails {
                        warnings.push(format!(
                            "indicator `{}`, period {}: still fails the skew/kurtosis rule after treatment (skew {:.3}, kurtosis {:.3})",
                            ind.id, periods[q], t.skew_after, t.kurt_after
                        ));
                    }
                }
                if t.treated {
                    for c in &changes {
                        treated.push(TreatedPoint {
                            unit: panel.units()[c.unit].clone(),
                            period: periods[q],
                            indicator: ind.id.clone(),
                            kind: c.kind,
                            before: c.before,
                            after: c.after,
                        });
                    }
                    src = &tcol;
                    done = false;
                    if pooled {
                        // normalised below, over every period
                    } else if let Some(r) = range {
                        if let Some(map) = min_max_map(&info, method, r.n, r.min, r.max) {
                            map.write(src, normalised.column_mut(k, q));
                            done = true;
                        }
                    }
                }
            }
            if pooled {
                pool[q * nu..(q + 1) * nu].copy_from_slice(src);
                continue;
            }
            // (`done`: min–max fast path, observed values, not constant)
            if !done {
                let out = normalised.column_mut(k, q);
                let note = normalise_column(src, &info, method, out, None)
                    .map_err(|e| in_node(e, &ind.id, periods[q]))?;
                if note.constant {
                    n_constant += 1;
                    warnings.push(format!(
                        "indicator `{}`, period {}: degenerate column for {} ({} observed); the documented fallback value was used",
                        ind.id,
                        periods[q],
                        method.name(),
                        note.n_observed
                    ));
                }
                if note.n_observed == 0 {
                    warnings.push(format!(
                        "indicator `{}`, period {}: no observed value",
                        ind.id, periods[q]
                    ));
                }
            }
            fusion.add(&nodes, k, q, &normalised, &mut scores);
        }
        if pooled {
            // one normalisation over every unit-period (全局: comparable across periods)
            let note = normalise_column(&pool, &info, method, &mut pool_out, None)
                .map_err(|e| in_node(e, &ind.id, periods[0]))?;
            if note.constant {
                n_constant += 1;
                warnings.push(format!(
                    "indicator `{}`, all periods pooled: degenerate column for {} ({} observed); the documented fallback value was used",
                    ind.id,
                    method.name(),
                    note.n_observed
                ));
            }
            if note.n_observed == 0 {
                warnings.push(format!(
                    "indicator `{}`, all periods pooled: no observed value",
                    ind.id
                ));
            }
            for q in 0..npp {
                normalised
                    .column_mut(k, q)
                    .copy_from_slice(&pool_out[q * nu..(q + 1) * nu]);
                fusion.add(&nodes, k, q, &normalised, &mut scores);
            }
        }
    }
    if deferred {
        for (q, &period) in periods.iter().enumerate() {
            for u in 0..nu {
                let avail = f64::from(deferred_counts[q * nu + u]) / nk as f64;
                if avail + 1e-12 < sc.min_availability {
                    screened.push(ScreenedUnit {
                        unit: panel.units()[u].clone(),
                        period,
                        availability: avail,
                        dimension: None,
                        dropped: false,
                    });
                }
            }
        }
        log.push(format!(
            "screening: {} unit-period(s) below the availability threshold ({}): flagged",
            screened.len(),
            sc.min_availability
        ));
        if !screened.is_empty() {
            warnings.push(format!(
                "{} unit-period(s) below the data-availability threshold (see `screened`)",
                screened.len()
            ));
        }
    }
    log.push(format!(
        "treatment: {} column(s) treated, {} point(s) changed{}",
        treatment
            .iter()
            .filter(|t| t.n_winsorised > 0 || t.log_applied)
            .count(),
        treated.len(),
        if spec.treatment.enabled {
            ""
        } else {
            " (disabled)"
        }
    ));
    log.push(format!(
        "normalisation: {} column(s) ({} degenerate), default `{}`{}",
        if pooled { nk } else { nk * npp },
        n_constant,
        spec.normalisation.default.name(),
        if pooled {
            " (pooled: one normalisation per indicator over all periods)"
        } else {
            ""
        }
    ));

    // ---- weighting and aggregation (bottom-up) ---------------------------------------
    // normalised child weights per node per period: node_w[k][q * count + c]
    let mut node_w: Vec<Vec<f64>> = nodes.iter().map(|n| vec![0.0; npp * n.count]).collect();
    let mut node_raw: Vec<Vec<f64>> = node_w.clone();
    let mut node_method: Vec<&'static str> = vec![""; nn];
    // global data-driven indicator weights
    let global: Option<Vec<Vec<f64>>> = if spec.weighting.scope == WeightScope::Global
        && spec.weighting.indicators.is_data_driven()
    {
        let per = data_weights_for(
            &normalised,
            0,
            nk,
            npp,
            nu,
            spec.weighting.pooled,
            &spec.weighting.indicators,
        )
        .map_err(|e| in_node(e, &framework.id, periods[0]))?;
        log.push(format!(
            "weighting: global `{}` indicator weights{}",
            spec.weighting.indicators.name(),
            if spec.weighting.pooled {
                " (pooled over periods)"
            } else {
                ""
            }
        ));
        Some(per)
    } else {
        None
    };
    let mut agg_note_partial = 0usize;
    let mut agg_note_insufficient = 0usize;
    for k in (0..nn).rev() {
        let nd = &nodes[k];
        let (first, count) = (nd.first, nd.count);
        // weights
        if let Some(g) = &global {
            // sum of global weights over each child's subtree
            for q in 0..npp {
                let gq = &g[q];
                for c in 0..count {
                    let w = if nd.leaf {
                        gq[first + c]
                    } else {
                        subtree_indicators(&nodes, first + c)
                            .map(|i| gq[i])
                            .sum::<f64>()
                    };
                    node_raw[k][q * count + c] = w;
                }
            }
            node_method[k] = spec.weighting.indicators.name();
        } else {
            let method = spec.weighting.nodes.get(&nd.id).unwrap_or(if nd.leaf {
                &spec.weighting.indicators
            } else {
                &spec.weighting.dimensions
            });
            node_method[k] = method.name();
            let field = if spec.weighting.nodes.contains_key(&nd.id) {
                format!("weighting.nodes.{}", nd.id)
            } else if nd.leaf {
                "weighting.indicators".to_string()
            } else {
                "weighting.dimensions".to_string()
            };
            let per = resolve_weights(
                method,
                &field,
                nd,
                if nd.leaf { &normalised } else { &scores },
                npp,
                nu,
                spec.weighting.pooled,
            )
            .map_err(|e| in_node(e, &nd.id, periods[0]))?;
            for q in 0..npp {
                node_raw[k][q * count..(q + 1) * count].copy_from_slice(&per[q]);
            }
        }
        for q in 0..npp {
            let raw = &node_raw[k][q * count..(q + 1) * count];
            let s: f64 = raw.iter().sum();
            for c in 0..count {
                node_w[k][q * count + c] = if s > 0.0 { raw[c] / s } else { 0.0 };
            }
        }
        // aggregation
        let la = spec.aggregation.for_node(&nd.id, nd.level);
        // TOPSIS on raw values (`identity`): lower-is-better indicators are cost criteria
        let leaf_cost: Option<Vec<bool>> =
            (nd.leaf && matches!(la.method, Aggregation::Topsis { .. })).then(|| {
                inds[first..first + count]
                    .iter()
                    .map(|i| {
                        i.polarity == Polarity::LowerIsBetter
                            && matches!(
                                spec.normalisation.for_indicator(&i.id),
                                Normalisation::Identity
                            )
                    })
                    .collect()
            });
        for q in 0..npp {
            let w = &node_w[k][q * count..(q + 1) * count];
            let period = periods[q];
            let note = if let Some(note) = fusion.done(k, q, w) {
                Ok(note)
            } else if nd.leaf {
                let s = normalised.offset(first, q);
                let matrix = &normalised.data[s..s + count * nu];
                let out = scores.column_mut(k, q);
                let cost = leaf_cost.as_deref();
                aggregate_units_with_cost(matrix, nu, w, &la.method, &la.missing, cost, out)
            } else {
                let split = scores.offset(first, q);
                let (left, right) = scores.data.split_at_mut(split);
                let o = (q * nn + k) * nu;
                let out = &mut left[o..o + nu];
                let matrix = &right[..count * nu];
                aggregate_units(matrix, nu, w, &la.method, &la.missing, out)
            }
            .map_err(|e| in_node(e, &nd.id, period))?;
            agg_note_partial += note.n_partial;
            agg_note_insufficient += note.n_insufficient;
            for n in note.notes {
                warnings.push(format!("node `{}`, period {period}: {n}", nd.id));
            }
            if any_dropped {
                let out = scores.column_mut(k, q);
                for (u, v) in out.iter_mut().enumerate() {
                    if !active[q * nu + u] {
                        *v = f64::NAN;
                    }
                }
            }
        }
    }
    log.push(format!(
        "aggregation: {} node(s) × {} period(s); {} unit-node-period(s) with missing components re-weighted, {} below the availability rule (NaN)",
        nn, npp, agg_note_partial, agg_note_insufficient
    ));

    // effective weights: product of normalised weights from the root
    let mut node_eff = vec![1.0; nn * npp];
    let mut ind_eff = vec![0.0; nk * npp];
    for k in 0..nn {
        let nd = &nodes[k];
        for q in 0..npp {
            let base = node_eff[q * nn + k];
            for c in 0..nd.count {
                let e = base * node_w[k][q * nd.count + c];
                if nd.leaf {
                    ind_eff[q * nk + nd.first + c] = e;
                } else {
                    node_eff[q * nn + nd.first + c] = e;
                }
            }
        }
    }
    let mut weights_used = Vec::new();
    for (k, nd) in nodes.iter().enumerate() {
        for q in 0..npp {
            for c in 0..nd.count {
                let (child, eff) = if nd.leaf {
                    (
                        inds[nd.first + c].id.clone(),
                        ind_eff[q * nk + nd.first + c],
                    )
                } else {
                    (
                        nodes[nd.first + c].id.clone(),
                        node_eff[q * nn + nd.first + c],
                    )
                };
                weights_used.push(WeightUsed {
                    node: nd.id.clone(),
                    child,
                    period: periods[q],
                    raw: node_raw[k][q * nd.count + c],
                    normalised: node_w[k][q * nd.count + c],
                    effective: eff,
                    method: node_method[k].to_string(),
                });
            }
        }
    }

    // ---- AHP consistency (λ_max, CI, CR of every matrix used) ---------------------------
    let mut ahp_used = Vec::new();
    if global.is_none() {
        for nd in &nodes {
            let (method, field) = match spec.weighting.nodes.get(&nd.id) {
                Some(m) => (m, format!("weighting.nodes.{}", nd.id)),
                None if nd.leaf => (&spec.weighting.indicators, "weighting.indicators".into()),
                None => (&spec.weighting.dimensions, "weighting.dimensions".into()),
            };
            ahp_consistency(method, &field, nd, &mut ahp_used)?;
        }
    }

    // ---- ranks ------------------------------------------------------------------------
    // with `index_only` the ranks cube holds the index alone
    let ranked = if spec.ranks.index_only { 1 } else { nn };
    let mut ranks = Cube::new(node_ids[..ranked].to_vec(), npp, nu);
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(nu);
    let mut tmp: Vec<(u64, u32)> = Vec::with_capacity(nu);
    for k in 0..ranked {
        for q in 0..npp {
            let s = scores.offset(k, q);
            let r = ranks.offset(k, q);
            rank_into(
                &scores.data[s..s + nu],
                spec.ranks.ties,
                &mut keys,
                &mut tmp,
                &mut ranks.data[r..r + nu],
            );
        }
    }

    // ---- contributions ----------------------------------------------------------------
    let mut contributions = Cube::default();
    if spec.outputs.contributions {
        contributions = Cube::new(ind_ids.clone(), npp, nu);
        let all_arith = nodes.iter().all(|nd| {
            matches!(
                spec.aggregation.for_node(&nd.id, nd.level).method,
                Aggregation::Arithmetic
            )
        });
        if !all_arith {
            warnings.push(
                "contributions are defined for arithmetic aggregation only; nodes aggregated otherwise give NaN below them".into(),
            );
        }
        let mut share: Vec<f64> = vec![0.0; nn * nu];
        for q in 0..npp {
            share[..nu].iter_mut().for_each(|s| *s = 1.0);
            for k in 0..nn {
                let nd = &nodes[k];
                let arith = matches!(
                    spec.aggregation.for_node(&nd.id, nd.level).method,
                    Aggregation::Arithmetic
                );
                let w = &node_w[k][q * nd.count..(q + 1) * nd.count];
                let child_col = |c: usize| -> &[f64] {
                    if nd.leaf {
                        normalised.column(nd.first + c, q)
                    } else {
                        scores.column(nd.first + c, q)
                    }
                };
                for u in 0..nu {
                    let mut den = 0.0;
                    for (c, &wc) in w.iter().enumerate() {
                        let y = child_col(c)[u];
                        if !y.is_nan() && wc > 0.0 {
                            den += wc * y;
                        }
                    }
                    let base = share[k * nu + u];
                    for (c, &wc) in w.iter().enumerate() {
                        let y = child_col(c)[u];
                        let v = if !arith || y.is_nan() || den == 0.0 || base.is_nan() {
                            f64::NAN
                        } else {
                            base * wc * y / den
                        };
                        if nd.leaf {
                            contributions.column_mut(nd.first + c, q)[u] = v;
                        } else {
                            share[(nd.first + c) * nu + u] = v;
                        }
                    }
                }
            }
        }
        log.push("contributions: computed (share of each indicator in the index score)".into());
    }

    // ---- obstacle degrees --------------------------------------------------------------
    let mut obstacles = Cube::default();
    let mut dimension_obstacles = Cube::default();
    if spec.outputs.obstacles {
        obstacles = Cube::new(ind_ids.clone(), npp, nu);
        let ranges: Vec<Option<(f64, f64)>> = inds
            .iter()
            .map(|i| spec.normalisation.for_indicator(&i.id).output_bounds())
            .collect();
        let unbounded: Vec<&str> = inds
            .iter()
            .zip(&ranges)
            .filter(|(_, r)| r.is_none())
            .map(|(i, _)| i.id.as_str())
            .collect();
        if !unbounded.is_empty() {
            dimension_obstacles = Cube::new(node_ids[1..].to_vec(), npp, nu);
            warnings.push(format!(
                "obstacle degrees need a bounded normalisation; not computed (NaN) because of: {}",
                unbounded.join(", ")
            ));
        } else {
            let mut den = vec![0.0; nu];
            for q in 0..npp {
                den.iter_mut().for_each(|d| *d = 0.0);
                for k in 0..nk {
                    let (lo, hi) = ranges[k].expect("bounded");
                    let w = ind_eff[q * nk + k];
                    let s = normalised.offset(k, q);
                    let (ycol, ocol) =
                        (&normalised.data[s..s + nu], &mut obstacles.data[s..s + nu]);
                    for ((o, &y), d) in ocol.iter_mut().zip(ycol).zip(den.iter_mut()) {
                        if y.is_nan() {
                            *o = f64::NAN;
                        } else {
                            let gap = (w * (1.0 - (y - lo) / (hi - lo))).max(0.0);
                            *o = gap;
                            *d += gap;
                        }
                    }
                }
                for k in 0..nk {
                    let ocol = obstacles.column_mut(k, q);
                    for (o, &d) in ocol.iter_mut().zip(&den) {
                        if !o.is_nan() {
                            *o = if d > 0.0 { *o / d } else { 0.0 };
                        }
                    }
                }
            }
            // a dimension's obstacle degree: the sum over its indicators (children come
            // after their parent, so one backward sweep sums the subtrees)
            let scale = spec.outputs.obstacle_scale.factor();
            let mut dim = Cube::new(node_ids.clone(), npp, nu);
            for q in 0..npp {
                for k in (0..nn).rev() {
                    let nd = &nodes[k];
                    let mut acc = vec![f64::NAN; nu];
                    for c in nd.first..nd.first + nd.count {
                        let col = if nd.leaf {
                            obstacles.column(c, q)
                        } else {
                            dim.column(c, q)
                        };
                        for (a, &v) in acc.iter_mut().zip(col) {
                            if !v.is_nan() {
                                *a = if a.is_nan() { v } else { *a + v };
                            }
                        }
                    }
                    dim.column_mut(k, q).copy_from_slice(&acc);
                }
            }
            // the index itself (always 1 or 100) is not listed
            dimension_obstacles = Cube {
                ids: node_ids[1..].to_vec(),
                n_periods: npp,
                n_units: nu,
                data: (0..npp)
                    .flat_map(|q| {
                        let s = dim.offset(1, q);
                        dim.data[s..s + (nn - 1) * nu].to_vec()
                    })
                    .collect(),
            };
            if scale != 1.0 {
                obstacles.data.iter_mut().for_each(|v| *v *= scale);
                dimension_obstacles
                    .data
                    .iter_mut()
                    .for_each(|v| *v *= scale);
            }
            log.push(format!(
                "obstacle degrees: computed with effective weights, indicators and dimensions, as {}",
                if scale == 1.0 { "shares" } else { "percent" }
            ));
        }
    }

    // ---- correlations and Cronbach's alpha --------------------------------------------
    let mut correlations = Vec::new();
    let mut parent_correlations = Vec::new();
    let mut cronbach = Vec::new();
    if spec.outputs.correlations {
        for nd in &nodes {
            let child_ids: Vec<String> = (0..nd.count)
                .map(|c| {
                    if nd.leaf {
                        inds[nd.first + c].id.clone()
                    } else {
                        nodes[nd.first + c].id.clone()
                    }
                })
                .collect();
            let k = node_ids.iter().position(|x| *x == nd.id).expect("node");
            for (q, &period) in periods.iter().enumerate() {
                let cols: Vec<&[f64]> = (0..nd.count)
                    .map(|c| {
                        if nd.leaf {
                            normalised.column(nd.first + c, q)
                        } else {
                            scores.column(nd.first + c, q)
                        }
                    })
                    .collect();
                let m = cols.len();
                let mut values = vec![f64::NAN; m * m];
                for a in 0..m {
                    for b in a..m {
                        let r = if a == b {
                            1.0
                        } else {
                            pearson(cols[a], cols[b])
                        };
                        values[a * m + b] = r;
                        values[b * m + a] = r;
                    }
                }
                correlations.push(CorrelationMatrix {
                    node: nd.id.clone(),
                    period,
                    ids: child_ids.clone(),
                    values,
                });
                let parent_col = scores.column(k, q);
                for (c, col) in cols.iter().enumerate() {
                    parent_correlations.push(ParentCorrelation {
                        child: child_ids[c].clone(),
                        parent: nd.id.clone(),
                        period,
                        r: pearson(col, parent_col),
                    });
                }
                if m >= 2 {
                    cronbach.push(CronbachAlpha {
                        node: nd.id.clone(),
                        period,
                        k: m,
                        alpha: cronbach_alpha(&cols),
                    });
                }
            }
        }
        log.push("diagnostics: correlations within and between levels, Cronbach's alpha".into());
    }

    let out_nodes: Vec<Node> = nodes
        .iter()
        .map(|nd| Node {
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
            aggregation: spec
                .aggregation
                .for_node(&nd.id, nd.level)
                .method
                .name()
                .to_string(),
        })
        .collect();

    Ok(Results {
        spec: spec.clone(),
        framework_id: framework.id.clone(),
        units: panel.units().to_vec(),
        periods,
        indicators: ind_ids,
        missing_indicators: missing,
        nodes: out_nodes,
        scores,
        ranks,
        normalised,
        weights: weights_used,
        contributions,
        obstacles,
        dimension_obstacles,
        ahp: ahp_used,
        screened,
        imputed,
        treated,
        treatment,
        statistics,
        correlations,
        parent_correlations,
        cronbach,
        log,
        warnings,
    })
}

/// The consistency of the AHP matrices in `method` (also inside `combined`), for the
/// results (Saaty 1980; [`weight::ahp`]).
fn ahp_consistency(
    method: &Weighting,
    field: &str,
    nd: &TNode,
    out: &mut Vec<AhpConsistency>,
) -> Result<()> {
    match method {
        Weighting::Ahp {
            matrix,
            allow_inconsistent,
        } => {
            let m = nd.count;
            let flat: Vec<f64> = matrix.iter().flatten().copied().collect();
            let a = weight::ahp(&flat, m, *allow_inconsistent)?;
            out.push(AhpConsistency {
                node: nd.id.clone(),
                field: field.to_string(),
                n: m,
                lambda_max: a.lambda_max,
                ci: a.ci,
                ri: a.ri,
                cr: a.cr,
                consistent: weight::ahp_consistent(a.cr),
            });
        }
        Weighting::Combined {
            subjective,
            objective,
            ..
        } => {
            ahp_consistency(subjective, &format!("{field}.subjective"), nd, out)?;
            ahp_consistency(objective, &format!("{field}.objective"), nd, out)?;
        }
        Weighting::Equal
        | Weighting::Manual
        | Weighting::Effective
        | Weighting::Entropy { .. }
        | Weighting::Critic
        | Weighting::CoefficientOfVariation
        | Weighting::StandardDeviation
        | Weighting::Pca { .. } => {}
    }
    Ok(())
}

/// Aggregation of the nodes holding indicators, fused into the column loop.
///
/// When a leaf node's weights do not depend on the data and it is aggregated by the
/// weighted arithmetic mean, each normalised column is added to the node's per-unit sums
/// ([`UnitSums`], the accumulation `aggregate_units` itself uses) right after it is
/// written, while it is still in cache, instead of being read back from memory in the
/// aggregation step. The arithmetic, its order and the notes are those of
/// `aggregate_units`; anything unusual (invalid weights or rule, an infinite value) leaves
/// the node to `aggregate_units`, which reports it.
struct LeafFusion {
    /// Per indicator: its leaf node and position among the node's children, if fused.
    of_ind: Vec<Option<(usize, usize)>>,
    /// Per node: normalised weights `[q * count + c]`, their total per period, and the
    /// availability rule.
    weights: Vec<Option<FusedLeaf>>,
    /// Per period: the sums of the leaf being accumulated; `failed` when it fell back.
    sums: Vec<UnitSums>,
    failed: Vec<bool>,
    ok: Vec<bool>,
    /// Per (node, period): the aggregation note when the scores are written.
    done: Vec<Option<(usize, usize)>>,
    npp: usize,
}

/// A fused leaf: normalised weights `[q * count + c]`, their total per period, the rule.
struct FusedLeaf {
    w: Vec<f64>,
    totals: Vec<f64>,
    rule: MissingRule,
}

impl LeafFusion {
    fn plan(nodes: &[TNode], spec: &Spec, npp: usize, nu: usize, any_dropped: bool) -> Self {
        let nk: usize = nodes.iter().filter(|n| n.leaf).map(|n| n.count).sum();
        let mut f = LeafFusion {
            of_ind: vec![None; nk],
            weights: (0..nodes.len()).map(|_| None).collect(),
            sums: Vec::new(),
            failed: vec![false; npp],
            ok: Vec::new(),
            done: vec![None; nodes.len() * npp],
            npp,
        };
        let global = spec.weighting.scope == WeightScope::Global
            && spec.weighting.indicators.is_data_driven();
        if global || any_dropped {
            return f;
        }
        let empty = Cube::default();
        for (k, nd) in nodes.iter().enumerate() {
            if !nd.leaf || nd.count == 0 {
                continue;
            }
            let method = spec
                .weighting
                .nodes
                .get(&nd.id)
                .unwrap_or(&spec.weighting.indicators);
            let la = spec.aggregation.for_node(&nd.id, nd.level);
            if !method.is_static()
                || !matches!(
                    la.method,
                    Aggregation::Arithmetic | Aggregation::Power { r: 1.0 }
                )
                || check_rule(&la.missing).is_err()
            {
                continue;
            }
            let Ok(per) = resolve_weights(method, "", nd, &empty, npp, nu, spec.weighting.pooled)
            else {
                continue;
            };
            let count = nd.count;
            let mut w = vec![0.0; npp * count];
            let mut totals = vec![0.0; npp];
            let mut valid = per.len() == npp;
            for q in 0..npp.min(per.len()) {
                let raw = &per[q];
                if raw.len() != count {
                    valid = false;
                    break;
                }
                // exactly the normalisation of the aggregation step
                let s: f64 = raw.iter().sum();
                for c in 0..count {
                    w[q * count + c] = if s > 0.0 { raw[c] / s } else { 0.0 };
                }
                match check_weights(&w[q * count..(q + 1) * count], count, "aggregation") {
                    Ok(t) => totals[q] = t,
                    Err(_) => {
                        valid = false;
                        break;
                    }
                }
            }
            if valid {
                for c in 0..count {
                    f.of_ind[nd.first + c] = Some((k, c));
                }
                f.weights[k] = Some(FusedLeaf {
                    w,
                    totals,
                    rule: la.missing,
                });
            }
        }
        if f.of_ind.iter().any(|x| x.is_some()) {
            f.sums = (0..npp).map(|_| UnitSums::default()).collect();
            f.ok = vec![false; nu];
        }
        f
    }

    /// Adds the normalised column of indicator `i` in period `q` to its leaf's sums; after
    /// the leaf's last child, writes the leaf's scores.
    fn add(&mut self, nodes: &[TNode], i: usize, q: usize, normalised: &Cube, scores: &mut Cube) {
        let Some((k, c)) = self.of_ind[i] else {
            return;
        };
        let count = nodes[k].count;
        let FusedLeaf { w, totals, rule } = self.weights[k].as_ref().expect("planned");
        let sums = &mut self.sums[q];
        if c == 0 {
            sums.start(normalised.n_units);
            self.failed[q] = false;
        }
        if self.failed[q] {
            return;
        }
        if sums
            .add(normalised.column(i, q), w[q * count + c], true)
            .is_some()
        {
            self.failed[q] = true;
            return;
        }
        if c + 1 == count {
            sums.close();
            let (insufficient, partial) = sums.mask(totals[q], rule, &mut self.ok);
            finish_mean(scores.column_mut(k, q), &self.ok, &sums.s1, &sums.wa);
            self.done[k * self.npp + q] = Some((insufficient, partial));
        }
    }

    /// The note of node `k` in period `q` if its scores are already written (with
    /// weights `w`, checked to be the planned ones).
    fn done(&self, k: usize, q: usize, w: &[f64]) -> Option<AggregateNote> {
        let (insufficient, partial) = self.done[k * self.npp + q]?;
        let pw = &self.weights[k].as_ref()?.w;
        if pw[q * w.len()..(q + 1) * w.len()] != *w {
            return None;
        }
        Some(AggregateNote {
            n_insufficient: insufficient,
            n_partial: partial,
            notes: Vec::new(),
        })
    }
}

/// A zero-filled buffer of `n` cells for a results cube that the pipeline then writes in
/// full. `vec![0.0; n]` is a `calloc`: large buffers are fresh pages from the kernel, so the
/// cost is the page faults of the first write, one per 4 KiB page. (Advising transparent
/// huge pages cut those faults about sevenfold at 100k × 60, but needs `unsafe` and `libc`
/// in the core, which stays safe Rust; hosts with THP `always` get the benefit anyway.)
fn zeroed(n: usize) -> Vec<f64> {
    vec![0.0; n]
}

/// Indicator positions under node `k`.
fn subtree_indicators(nodes: &[TNode], k: usize) -> impl Iterator<Item = usize> {
    let mut out = Vec::new();
    let mut stack = vec![k];
    while let Some(n) = stack.pop() {
        let nd = &nodes[n];
        if nd.leaf {
            out.extend(nd.first..nd.first + nd.count);
        } else {
            stack.extend(nd.first..nd.first + nd.count);
        }
    }
    out.into_iter()
}

/// Data-driven weights over the `count` columns starting at `first` of `cube`, per period
/// (or pooled: the same weights repeated for every period).
fn data_weights_for(
    cube: &Cube,
    first: usize,
    count: usize,
    npp: usize,
    nu: usize,
    pooled: bool,
    method: &Weighting,
) -> Result<Vec<Vec<f64>>> {
    if pooled {
        let mut m = vec![0.0; count * npp * nu];
        for c in 0..count {
            for q in 0..npp {
                m[(c * npp + q) * nu..(c * npp + q + 1) * nu]
                    .copy_from_slice(cube.column(first + c, q));
            }
        }
        let w = weight::data_weights(&m, npp * nu, method)?.weights;
        Ok(vec![w; npp])
    } else {
        (0..npp)
            .map(|q| {
                let s = cube.offset(first, q);
                Ok(weight::data_weights(&cube.data[s..s + count * nu], nu, method)?.weights)
            })
            .collect()
    }
}

/// Raw weights of a node's children for every period.
fn resolve_weights(
    method: &Weighting,
    field: &str,
    nd: &TNode,
    cube: &Cube,
    npp: usize,
    nu: usize,
    pooled: bool,
) -> Result<Vec<Vec<f64>>> {
    let m = nd.count;
    Ok(match method {
        Weighting::Equal => vec![vec![1.0 / m as f64; m]; npp],
        Weighting::Manual | Weighting::Effective => vec![nd.fw_weights.clone(); npp],
        Weighting::Ahp {
            matrix,
            allow_inconsistent,
        } => {
            if matrix.len() != m || matrix.iter().any(|r| r.len() != m) {
                return Err(Error::invalid_spec(
                    format!("{field}.matrix"),
                    format!(
                        "node `{}` has {m} children with data; the pairwise matrix must be {m} × {m}",
                        nd.id
                    ),
                ));
            }
            let flat: Vec<f64> = matrix.iter().flatten().copied().collect();
            let a = weight::ahp(&flat, m, *allow_inconsistent)?;
            vec![a.weights; npp]
        }
        Weighting::Combined {
            subjective,
            objective,
            rule,
        } => {
            let s = resolve_weights(
                subjective,
                &format!("{field}.subjective"),
                nd,
                cube,
                npp,
                nu,
                pooled,
            )?;
            let o = resolve_weights(
                objective,
                &format!("{field}.objective"),
                nd,
                cube,
                npp,
                nu,
                pooled,
            )?;
            s.iter()
                .zip(&o)
                .map(|(a, b)| weight::combine(a, b, *rule))
                .collect::<Result<_>>()?
        }
        dd => data_weights_for(cube, nd.first, m, npp, nu, pooled, dd)?,
    })
}

/// The sub-panel of `ids` (in that order), with groups and provenance (spec field `units`).
fn select_units(panel: &Panel, ids: &[String]) -> Result<Panel> {
    let mut pos = Vec::with_capacity(ids.len());
    for id in ids {
        pos.push(panel.unit_index(id).ok_or_else(|| {
            Error::invalid_spec(
                "units",
                format!(
                    "unknown unit `{id}` (panel units: {})",
                    panel.units().join(", ")
                ),
            )
        })?);
    }
    let mut out = Panel::new(
        ids.to_vec(),
        panel.periods().to_vec(),
        panel.indicators().to_vec(),
    )?;
    for i in 0..panel.n_indicators() {
        for p in 0..panel.n_periods() {
            let src = panel.column(p, i);
            for (dst, &u) in out.column_mut(p, i).iter_mut().zip(&pos) {
                *dst = src[u];
            }
        }
    }
    if panel.groups().iter().any(|g| g.is_some()) {
        out.set_groups(pos.iter().map(|&u| panel.groups()[u].clone()).collect())?;
    }
    // panel unit → position in the selection (ids are unique: `Spec::validate`)
    let mut new_pos = vec![usize::MAX; panel.n_units()];
    for (k, &u) in pos.iter().enumerate() {
        new_pos[u] = k;
    }
    for (u, p, i, prov) in panel.provenance_iter() {
        if new_pos[u] != usize::MAX {
            out.set_provenance(new_pos[u], p, i, prov.clone());
        }
    }
    Ok(out)
}
