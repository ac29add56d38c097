//! The column stages: screening, imputation, and outlier treatment with normalisation
//! (column by column), with the leaf aggregation fused into the normalisation when it can
//! be ([`LeafFusion`]).

use std::collections::HashMap;

use super::super::aggregate::{
    check_rule, check_weights, finish_mean, AggregateNote, Aggregation, MissingRule, UnitSums,
};
use super::super::impute::{impute as impute_cells, ImputeMethod, ImputedCell};
use super::super::normalise::{min_max_map, normalise_column, ColumnInfo, Normalisation};
use super::super::results::{Cube, TreatedPoint, TreatmentSummary};
use super::super::screen::{ScreenAction, ScreenedUnit};
use super::super::stats::indicator_stats_from;
use super::super::treat::{
    first_pass, moments, second_pass, treat_column_inner, FirstPass, PointChange, TreatedRange,
};
use super::plan::{Plan, TNode};
use super::weigh::resolve_weights;
use super::{in_node, zeroed, Kept, Prepared, Work};
use crate::error::Result;

/// The values of indicator `k` in period `q` after screening and imputation: the working
/// copy when there is one, the panel column otherwise.
#[inline]
fn col_of<'p>(plan: &'p Plan, imputed: Option<&'p [f64]>, k: usize, q: usize) -> &'p [f64] {
    let (npp, nu) = (plan.npp, plan.nu);
    match imputed {
        Some(w) => &w[(k * npp + q) * nu..(k * npp + q + 1) * nu],
        None => plan.raw_col(k, q),
    }
}

/// Stage: screening of unit-periods by data availability (OECD/JRC Handbook 2008 step 3).
/// Flagging by overall availability changes nothing downstream: its counts are taken in the
/// column loop instead ([`Prepared::deferred`]).
pub(super) fn screen(plan: &Plan, work: &mut Work) {
    let (nu, npp, nk) = (plan.nu, plan.npp, plan.nk);
    let nodes = &plan.tree.nodes;
    let prep = work.prep.to_mut();
    prep.active = vec![true; npp * nu];
    let sc = &plan.spec.screening;
    let screening_on = sc.min_availability > 0.0 || sc.min_dimension_availability.is_some();
    prep.deferred =
        screening_on && sc.action == ScreenAction::Flag && sc.min_dimension_availability.is_none();
    if prep.deferred {
        prep.deferred_counts = vec![0; npp * nu];
    }
    if screening_on && !prep.deferred {
        // top-level dimension (child of the root) of each indicator
        let mut top_of = vec![0usize; nk];
        for t in 0..nodes[0].count {
            for i in plan.tree.subtree_indicators(nodes[0].first + t) {
                top_of[i] = t;
            }
        }
        let ntop = nodes[0].count;
        let mut top_n = vec![0usize; ntop];
        for &t in &top_of {
            top_n[t] += 1;
        }
        let by_dim = sc.min_dimension_availability.is_some();
        let mut cnt = vec![0u32; nu];
        let mut tcnt = vec![0u32; if by_dim { ntop * nu } else { 0 }];
        for q in 0..npp {
            cnt.iter_mut().for_each(|c| *c = 0);
            tcnt.iter_mut().for_each(|c| *c = 0);
            for (k, &t) in top_of.iter().enumerate() {
                let col = plan.raw_col(k, q);
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
                        prep.active[q * nu + u] = false;
                    }
                    prep.screened.push(ScreenedUnit {
                        unit: plan.units()[u].clone(),
                        period: plan.periods[q],
                        availability: avail,
                        dimension,
                        dropped,
                    });
                }
            }
        }
        work.log.push(format!(
            "screening: {} unit-period(s) below the availability threshold ({}): {}",
            prep.screened.len(),
            sc.min_availability,
            if sc.action == ScreenAction::Drop {
                "dropped"
            } else {
                "flagged"
            }
        ));
        if !prep.screened.is_empty() {
            work.warnings.push(format!(
                "{} unit-period(s) below the data-availability threshold (see `screened`)",
                prep.screened.len()
            ));
        }
    }
    prep.any_dropped = prep.active.iter().any(|a| !a);
}

/// Stage: imputation of missing values (OECD/JRC Handbook 2008 step 4), on a working copy
/// made only when needed (imputation on, or unit-periods dropped by the screening).
pub(super) fn impute(plan: &Plan, work: &mut Work) {
    let (nu, npp, nk) = (plan.nu, plan.npp, plan.nk);
    let spec = &plan.spec;
    let prep = work.prep.to_mut();
    let need_copy = spec.imputation.method != ImputeMethod::None || prep.any_dropped;
    if !need_copy {
        work.log.push("imputation: none".into());
        return;
    }
    let mut w = vec![f64::NAN; nk * npp * nu];
    for k in 0..nk {
        for q in 0..npp {
            let dst = &mut w[(k * npp + q) * nu..(k * npp + q + 1) * nu];
            dst.copy_from_slice(plan.raw_col(k, q));
            for (u, v) in dst.iter_mut().enumerate() {
                if !prep.active[q * nu + u] {
                    *v = f64::NAN;
                }
            }
        }
    }
    if spec.imputation.method != ImputeMethod::None {
        let mut gid: HashMap<Option<&str>, usize> = HashMap::new();
        let groups: Vec<usize> = plan
            .groups()
            .iter()
            .map(|g| {
                let n = gid.len();
                *gid.entry(g.as_deref()).or_insert(n)
            })
            .collect();
        let cols: Vec<usize> = (0..nk).collect();
        let filled = impute_cells(
            &mut w,
            nu,
            &plan.periods,
            &groups,
            &prep.active,
            &cols,
            &spec.imputation,
        );
        let m = spec.imputation.method;
        // listed by period, then indicator id, then unit id (ids are unique): the filled
        // cells are marked in a bitmap of the cube and read back in that order, each id
        // list sorted once — sorting the cells on their id strings was most of a run at
        // national scale. The value is the cube's, which `impute_cells` wrote.
        let mut mark = vec![0u64; (nk * npp * nu).div_ceil(64)];
        for &(u, q, k, _) in &filled {
            let c = (k * npp + q) * nu + u;
            mark[c / 64] |= 1 << (c % 64);
        }
        let q_order = order_of(&plan.periods);
        let k_order = order_of(
            &plan
                .tree
                .inds
                .iter()
                .map(|i| i.id.as_str())
                .collect::<Vec<_>>(),
        );
        let u_order = order_of(plan.units());
        let mut imputed: Vec<ImputedCell> = Vec::with_capacity(filled.len());
        for &q in &q_order {
            for &k in &k_order {
                let base = (k * npp + q) * nu;
                for &u in &u_order {
                    let c = base + u;
                    if mark[c / 64] >> (c % 64) & 1 == 1 {
                        imputed.push(ImputedCell {
                            unit: plan.units()[u].clone(),
                            period: plan.periods[q],
                            indicator: plan.tree.inds[k].id.clone(),
                            value: w[c],
                            method: m,
                        });
                    }
                }
            }
        }
        debug_assert_eq!(imputed.len(), filled.len());
        work.log.push(format!(
            "imputation `{}`: {} cell(s) filled",
            m.name(),
            imputed.len()
        ));
        prep.imputed = imputed;
    }
    prep.imputed_cube = Some(w);
}

/// The positions of `xs` in ascending order of their values (equal values in position
/// order).
fn order_of<T: Ord>(xs: &[T]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| xs[a].cmp(&xs[b]));
    order
}

/// Whether the treatment-and-normalisation stage keeps the treated columns for a later
/// re-normalisation ([`renormalise`]) instead of aggregating the leaves on the fly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// A whole run: the leaves are aggregated as their columns are written.
    No,
    /// Upstream of downstream-only re-runs: the treated columns are kept.
    TreatedColumns,
}

/// Stage: per column (indicator × period), the statistics, the outlier treatment
/// (OECD/JRC Handbook 2008 step 4) and the normalisation (step 5), back to back while the
/// column is in cache; the leaves are aggregated on the fly where [`LeafFusion`] can.
///
/// Fused passes (the results are bit-identical to the steps one after the other): the first
/// moments pass also takes the deferred screening counts; the second also writes the
/// min–max normalisation (redone if the treatment changes the column).
pub(super) fn treat_and_normalise(plan: &Plan, work: &mut Work, keep: Keep) -> Result<()> {
    let (nu, npp, nk) = (plan.nu, plan.npp, plan.nk);
    let spec = &plan.spec;
    let inds = &plan.tree.inds;
    let periods = &plan.periods;
    let Work {
        prep,
        normalised,
        scores,
        fusion,
        log,
        warnings,
        n_constant,
        ..
    } = work;
    let Prepared {
        imputed_cube,
        deferred,
        deferred_counts,
        active,
        any_dropped,
        statistics,
        treated,
        treatment,
        kept,
        screened,
        ..
    } = prep.to_mut();
    let (deferred, any_dropped) = (*deferred, *any_dropped);
    let imputed = imputed_cube.as_deref();
    let need_copy = imputed.is_some();
    *fusion = match keep {
        Keep::No => LeafFusion::plan(plan, any_dropped),
        Keep::TreatedColumns => LeafFusion::none(plan),
    };
    *kept = match keep {
        Keep::No => None,
        Keep::TreatedColumns => Some((0..nk * npp).map(|_| None).collect()),
    };
    let normalised = normalised.to_mut();
    *normalised = Cube {
        ids: inds.iter().map(|i| i.id.clone()).collect(),
        n_periods: npp,
        n_units: nu,
        // every cell is written by `normalise_column` (or the min–max map): a recycled
        // buffer (stale values; no page faults) or zeroed memory saves a NaN-filling pass
        data: crate::data::take_buffer_or_zeroed(nk * npp * nu),
    };
    let mut tcol = vec![0.0; nu];
    let mut flags = vec![false; nu];
    let mut changes: Vec<PointChange> = Vec::new();
    let n_active: Vec<usize> = (0..npp)
        .map(|q| active[q * nu..(q + 1) * nu].iter().filter(|a| **a).count())
        .collect();
    let pooled = spec.normalisation.pooled;
    let mut pool = Pool::new(pooled, npp * nu);
    for (k, ind) in inds.iter().enumerate() {
        let method = &plan.columns[k].method;
        let info = plan.column_info(k)?;
        let treat_on = plan.columns[k].treat_on;
        for q in 0..npp {
            let col = col_of(plan, imputed, k, q);
            // Pass 1 (count, sum, min, max), with the screening counts when `col` is raw.
            let p1 = if deferred {
                let c = &mut deferred_counts[q * nu..(q + 1) * nu];
                if need_copy {
                    for (n, &v) in c.iter_mut().zip(plan.raw_col(k, q)) {
                        *n += u32::from(!v.is_nan());
                    }
                    first_pass(col, None)
                } else {
                    first_pass(col, Some(c))
                }
            } else if treat_on
                || spec.outputs.statistics
                || matches!(method, Normalisation::MinMax { .. })
            {
                first_pass(col, None)
            } else {
                // nothing reads it: no min–max map (another method), no central moments
                // (no treatment, no statistics), no screening counts
                FirstPass {
                    n: 0,
                    sum: 0.0,
                    min: f64::NAN,
                    max: f64::NAN,
                }
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
                    _ => moments(plan.raw_col(k, q)),
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
                            unit: plan.units()[c.unit].clone(),
                            period: periods[q],
                            indicator: ind.id.clone(),
                            kind: c.kind,
                            before: c.before,
                            after: c.after,
                        });
                    }
                    if let Some(kept) = kept.as_mut() {
                        kept[k * npp + q] = Some(Kept {
                            values: tcol.clone(),
                            range,
                        });
                    }
                    src = &tcol;
                    done = written_from_range(&info, method, pooled, range, src, normalised, k, q);
                }
            }
            if pooled {
                pool.put(q, nu, src);
                continue;
            }
            normalise_rest(
                plan, k, q, &info, src, done, normalised, warnings, n_constant,
            )?;
            fusion.add(plan, k, q, normalised, scores);
        }
        if pooled {
            pool.normalise(plan, k, &info, normalised, warnings, n_constant)?;
            for q in 0..npp {
                fusion.add(plan, k, q, normalised, scores);
            }
        }
    }
    if deferred {
        let sc = &spec.screening;
        for (q, &period) in periods.iter().enumerate() {
            for u in 0..nu {
                let avail = f64::from(deferred_counts[q * nu + u]) / nk as f64;
                if avail + 1e-12 < sc.min_availability {
                    screened.push(ScreenedUnit {
                        unit: plan.units()[u].clone(),
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
    log.push(normalisation_log(plan, *n_constant));
    Ok(())
}

/// Stage (downstream-only re-runs): the normalisation alone, from the columns an upstream
/// [`treat_and_normalise`] left (treated columns kept, the others read from the imputed copy
/// or the panel). Bit-identical to the normalisation of a whole run with the same spec:
/// the same min–max map from the same count, minimum and maximum, or the same
/// `normalise_column` on the same values.
pub(super) fn renormalise(plan: &Plan, work: &mut Work) -> Result<()> {
    let (nu, npp, nk) = (plan.nu, plan.npp, plan.nk);
    let Work {
        prep,
        normalised,
        scores,
        fusion,
        log,
        warnings,
        n_constant,
        ..
    } = work;
    let prep: &Prepared = prep;
    let kept = prep
        .kept
        .as_deref()
        .expect("re-normalisation needs the treated columns kept upstream");
    let imputed = prep.imputed_cube.as_deref();
    *fusion = LeafFusion::plan(plan, prep.any_dropped);
    *n_constant = 0;
    let mut cube = Cube {
        ids: plan.tree.inds.iter().map(|i| i.id.clone()).collect(),
        n_periods: npp,
        n_units: nu,
        data: zeroed(nk * npp * nu),
    };
    let pooled = plan.spec.normalisation.pooled;
    let mut pool = Pool::new(pooled, npp * nu);
    for k in 0..nk {
        let method = &plan.columns[k].method;
        let info = plan.column_info(k)?;
        for q in 0..npp {
            let (src, done) = match &kept[k * npp + q] {
                Some(t) => {
                    let done = written_from_range(
                        &info, method, pooled, t.range, &t.values, &mut cube, k, q,
                    );
                    (&t.values[..], done)
                }
                None => {
                    let col = col_of(plan, imputed, k, q);
                    let map = if pooled {
                        None
                    } else {
                        let p1 = first_pass(col, None);
                        min_max_map(&info, method, p1.n, p1.min, p1.max)
                    };
                    if let Some(map) = map {
                        map.write(col, cube.column_mut(k, q));
                    }
                    (col, map.is_some())
                }
            };
            if pooled {
                pool.put(q, nu, src);
                continue;
            }
            normalise_rest(
                plan, k, q, &info, src, done, &mut cube, warnings, n_constant,
            )?;
            fusion.add(plan, k, q, &cube, scores);
        }
        if pooled {
            pool.normalise(plan, k, &info, &mut cube, warnings, n_constant)?;
            for q in 0..npp {
                fusion.add(plan, k, q, &cube, scores);
            }
        }
    }
    log.push(normalisation_log(plan, *n_constant));
    *normalised = std::borrow::Cow::Owned(cube);
    Ok(())
}

/// A treated column normalised min–max from the range the treatment reported (no other
/// scan); false when it was not (pooled, another method, no range, degenerate).
#[allow(clippy::too_many_arguments)]
fn written_from_range(
    info: &ColumnInfo,
    method: &Normalisation,
    pooled: bool,
    range: Option<TreatedRange>,
    src: &[f64],
    out: &mut Cube,
    k: usize,
    q: usize,
) -> bool {
    if pooled {
        // normalised later, over every period
        return false;
    }
    match range.and_then(|r| min_max_map(info, method, r.n, r.min, r.max)) {
        Some(map) => {
            map.write(src, out.column_mut(k, q));
            true
        }
        None => false,
    }
}

/// The normalisation of a column the min–max fast path did not write (`done` false), with
/// the warnings of a degenerate or empty column.
#[allow(clippy::too_many_arguments)]
fn normalise_rest(
    plan: &Plan,
    k: usize,
    q: usize,
    info: &ColumnInfo,
    src: &[f64],
    done: bool,
    out: &mut Cube,
    warnings: &mut Vec<String>,
    n_constant: &mut usize,
) -> Result<()> {
    if done {
        return Ok(());
    }
    let (id, period, method) = (info.id, plan.periods[q], &plan.columns[k].method);
    let note = normalise_column(src, info, method, out.column_mut(k, q), None)
        .map_err(|e| in_node(e, id, period))?;
    if note.constant {
        *n_constant += 1;
        warnings.push(format!(
            "indicator `{id}`, period {period}: degenerate column for {} ({} observed); the documented fallback value was used",
            method.name(),
            note.n_observed
        ));
    }
    if note.n_observed == 0 {
        warnings.push(format!(
            "indicator `{id}`, period {period}: no observed value"
        ));
    }
    Ok(())
}

/// The stacked periods of one indicator for the pooled normalisation (全局: one
/// normalisation over every unit-period, comparable across periods).
struct Pool {
    values: Vec<f64>,
    out: Vec<f64>,
}

impl Pool {
    fn new(pooled: bool, n: usize) -> Self {
        if pooled {
            Pool {
                values: vec![f64::NAN; n],
                out: vec![f64::NAN; n],
            }
        } else {
            Pool {
                values: Vec::new(),
                out: Vec::new(),
            }
        }
    }

    fn put(&mut self, q: usize, nu: usize, src: &[f64]) {
        self.values[q * nu..(q + 1) * nu].copy_from_slice(src);
    }

    fn normalise(
        &mut self,
        plan: &Plan,
        k: usize,
        info: &ColumnInfo,
        out: &mut Cube,
        warnings: &mut Vec<String>,
        n_constant: &mut usize,
    ) -> Result<()> {
        let method = &plan.columns[k].method;
        let note = normalise_column(&self.values, info, method, &mut self.out, None)
            .map_err(|e| in_node(e, info.id, plan.periods[0]))?;
        if note.constant {
            *n_constant += 1;
            warnings.push(format!(
                "indicator `{}`, all periods pooled: degenerate column for {} ({} observed); the documented fallback value was used",
                info.id,
                method.name(),
                note.n_observed
            ));
        }
        if note.n_observed == 0 {
            warnings.push(format!(
                "indicator `{}`, all periods pooled: no observed value",
                info.id
            ));
        }
        let nu = plan.nu;
        for q in 0..plan.npp {
            out.column_mut(k, q)
                .copy_from_slice(&self.out[q * nu..(q + 1) * nu]);
        }
        Ok(())
    }
}

fn normalisation_log(plan: &Plan, n_constant: usize) -> String {
    let pooled = plan.spec.normalisation.pooled;
    format!(
        "normalisation: {} column(s) ({} degenerate), default `{}`{}",
        if pooled { plan.nk } else { plan.nk * plan.npp },
        n_constant,
        plan.spec.normalisation.default.name(),
        if pooled {
            " (pooled: one normalisation per indicator over all periods)"
        } else {
            ""
        }
    )
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
#[derive(Default)]
pub(super) struct LeafFusion {
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
    /// No leaf fused.
    pub(super) fn none(plan: &Plan) -> Self {
        LeafFusion {
            of_ind: vec![None; plan.nk],
            weights: (0..plan.nn).map(|_| None).collect(),
            sums: Vec::new(),
            failed: vec![false; plan.npp],
            ok: Vec::new(),
            done: vec![None; plan.nn * plan.npp],
            npp: plan.npp,
        }
    }

    /// Fuses every leaf whose weights are static and whose aggregation is arithmetic.
    fn plan(plan: &Plan, any_dropped: bool) -> Self {
        let mut f = LeafFusion::none(plan);
        if plan.global_weights || any_dropped {
            return f;
        }
        let (npp, nu) = (plan.npp, plan.nu);
        let empty = Cube::default();
        for (k, nd) in plan.tree.nodes.iter().enumerate() {
            if !nd.leaf || nd.count == 0 {
                continue;
            }
            let np = &plan.node_plans[k];
            let la = &np.aggregation;
            if !np.weighting.is_static()
                || !matches!(
                    la.method,
                    Aggregation::Arithmetic | Aggregation::Power { r: 1.0 }
                )
                || check_rule(&la.missing).is_err()
            {
                continue;
            }
            let Ok(per) = resolve_weights(
                &np.weighting,
                "",
                nd,
                &empty,
                npp,
                nu,
                plan.spec.weighting.pooled,
            ) else {
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
    fn add(&mut self, plan: &Plan, i: usize, q: usize, normalised: &Cube, scores: &mut Cube) {
        let Some((k, c)) = self.of_ind[i] else {
            return;
        };
        let nodes: &[TNode] = &plan.tree.nodes;
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
    pub(super) fn done(&self, k: usize, q: usize, w: &[f64]) -> Option<AggregateNote> {
        let (insufficient, partial) = self.done.get(k * self.npp + q).copied().flatten()?;
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
