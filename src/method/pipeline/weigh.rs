//! The weighting-and-aggregation stage (OECD/JRC Handbook 2008 steps 6–7), bottom-up over
//! the tree, then the effective weights and the AHP consistency report.

use super::super::aggregate::{aggregate_units, aggregate_units_with_cost};
use super::super::results::{AhpConsistency, Cube, WeightUsed};
use super::super::weight::{self, Weighting};
use super::plan::{Plan, TNode};
use super::{in_node, zeroed, Work};
use crate::error::{Error, Result};

/// Stage: the weights of every node's children and the node's scores, from the leaves up
/// (a dimension's data-driven weights are computed on its children's scores), in every
/// period; unit-periods dropped by the screening get NaN.
pub(super) fn weigh_and_aggregate(plan: &Plan, work: &mut Work) -> Result<()> {
    let (nu, npp, nk, nn) = (plan.nu, plan.npp, plan.nk, plan.nn);
    let spec = &plan.spec;
    let nodes = &plan.tree.nodes;
    let periods = &plan.periods;
    let Work {
        prep,
        normalised,
        scores,
        fusion,
        log,
        warnings,
        node_w,
        node_raw,
        node_method,
        ..
    } = work;
    let normalised: &Cube = normalised;
    if scores.data.len() != nn * npp * nu {
        // every column is written below (or by the leaf fusion)
        *scores = Cube {
            ids: nodes.iter().map(|n| n.id.clone()).collect(),
            n_periods: npp,
            n_units: nu,
            data: zeroed(nn * npp * nu),
        };
    }
    // normalised child weights per node per period: node_w[k][q * count + c]
    *node_w = nodes.iter().map(|n| vec![0.0; npp * n.count]).collect();
    *node_raw = node_w.clone();
    *node_method = vec![""; nn];
    // global data-driven indicator weights
    let global: Option<Vec<Vec<f64>>> = if plan.global_weights {
        let per = data_weights_for(
            normalised,
            0,
            nk,
            npp,
            nu,
            spec.weighting.pooled,
            &spec.weighting.indicators,
        )
        .map_err(|e| in_node(e, &plan.framework.id, periods[0]))?;
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
        let np = &plan.node_plans[k];
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
                        plan.tree
                            .subtree_indicators(first + c)
                            .map(|i| gq[i])
                            .sum::<f64>()
                    };
                    node_raw[k][q * count + c] = w;
                }
            }
            node_method[k] = spec.weighting.indicators.name();
        } else {
            node_method[k] = np.weighting.name();
            let per = resolve_weights(
                &np.weighting,
                &np.field,
                nd,
                if nd.leaf { normalised } else { scores },
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
            if s.is_finite() {
                for c in 0..count {
                    node_w[k][q * count + c] = if s > 0.0 { raw[c] / s } else { 0.0 };
                }
            } else {
                // weights near f64::MAX (each finite, their sum +inf): each share as
                // (w/max)/Σ(w/max), the sum of rescaled weights (the framework's own
                // rule, `model::scaled_share`); dividing by +inf gave every weight 0
                let max = raw.iter().fold(0.0f64, |m, &w| m.max(w));
                let scaled_sum: f64 = raw.iter().map(|&w| crate::model::scaled(w, max)).sum();
                for c in 0..count {
                    node_w[k][q * count + c] = crate::model::scaled_share(raw[c], max, scaled_sum);
                }
            }
        }
        // aggregation
        let la = &np.aggregation;
        for q in 0..npp {
            let w = &node_w[k][q * count..(q + 1) * count];
            let period = periods[q];
            let note = if let Some(note) = fusion.done(k, q, w) {
                Ok(note)
            } else if nd.leaf {
                let s = normalised.offset(first, q);
                let matrix = &normalised.data[s..s + count * nu];
                let out = scores.column_mut(k, q);
                let cost = np.cost.as_deref();
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
            if prep.any_dropped {
                let out = scores.column_mut(k, q);
                for (u, v) in out.iter_mut().enumerate() {
                    if !prep.active[q * nu + u] {
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
    Ok(())
}

/// Stage: effective weights (the product of the normalised weights from the root) of
/// every node and indicator.
pub(super) fn effective_weights(plan: &Plan, work: &mut Work) {
    let (npp, nk, nn) = (plan.npp, plan.nk, plan.nn);
    let nodes = &plan.tree.nodes;
    let mut node_eff = vec![1.0; nn * npp];
    let mut ind_eff = vec![0.0; nk * npp];
    for k in 0..nn {
        let nd = &nodes[k];
        for q in 0..npp {
            let base = node_eff[q * nn + k];
            for c in 0..nd.count {
                let e = base * work.node_w[k][q * nd.count + c];
                if nd.leaf {
                    ind_eff[q * nk + nd.first + c] = e;
                } else {
                    node_eff[q * nn + nd.first + c] = e;
                }
            }
        }
    }
    work.node_eff = node_eff;
    work.ind_eff = ind_eff;
}

/// The weights table of the results: per node, period and child, the raw, normalised and
/// effective weights and the method.
pub(super) fn weights_table(plan: &Plan, work: &Work) -> Vec<WeightUsed> {
    let (npp, nk, nn) = (plan.npp, plan.nk, plan.nn);
    let mut weights_used = Vec::new();
    for (k, nd) in plan.tree.nodes.iter().enumerate() {
        for q in 0..npp {
            for c in 0..nd.count {
                let eff = if nd.leaf {
                    work.ind_eff[q * nk + nd.first + c]
                } else {
                    work.node_eff[q * nn + nd.first + c]
                };
                weights_used.push(WeightUsed {
                    node: nd.id.clone(),
                    child: plan.tree.child_id(k, c).to_string(),
                    period: plan.periods[q],
                    raw: work.node_raw[k][q * nd.count + c],
                    normalised: work.node_w[k][q * nd.count + c],
                    effective: eff,
                    method: work.node_method[k].to_string(),
                });
            }
        }
    }
    weights_used
}

/// Stage: the consistency (λ_max, CI, CR) of every AHP matrix used (Saaty 1980;
/// [`weight::ahp`]).
pub(super) fn ahp(plan: &Plan, work: &mut Work) -> Result<()> {
    work.ahp.clear();
    if plan.global_weights {
        return Ok(());
    }
    for (nd, np) in plan.tree.nodes.iter().zip(&plan.node_plans) {
        ahp_consistency(&np.weighting, &np.field, nd, &mut work.ahp)?;
    }
    Ok(())
}

/// [`weight::ahp`] on the matrix of the spec field `field` (`weighting.nodes.<node>`,
/// `weighting.default`, `….subjective`): its errors name `<field>.matrix`, the path in the
/// user's spec, instead of the generic `weighting.ahp.matrix`.
fn ahp_at(field: &str, flat: &[f64], m: usize, allow_inconsistent: bool) -> Result<weight::Ahp> {
    weight::ahp(flat, m, allow_inconsistent).map_err(|e| match e {
        Error::InvalidSpec { field: f, message } if f == "weighting.ahp.matrix" => {
            Error::InvalidSpec {
                field: format!("{field}.matrix"),
                message,
            }
        }
        other => other,
    })
}

/// The consistency of the AHP matrices in `method` (also inside `combined`).
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
            let a = ahp_at(field, &flat, m, *allow_inconsistent)?;
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
pub(super) fn resolve_weights(
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
            let a = ahp_at(field, &flat, m, *allow_inconsistent)?;
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
        Weighting::Entropy { .. }
        | Weighting::Critic
        | Weighting::CoefficientOfVariation
        | Weighting::StandardDeviation
        | Weighting::Pca { .. } => data_weights_for(cube, nd.first, m, npp, nu, pooled, method)?,
    })
}
