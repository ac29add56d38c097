//! The optional outputs: contributions, obstacle degrees, and the diagnostics
//! (correlations within and between levels, Cronbach's alpha).

use super::super::aggregate::Aggregation;
use super::super::results::Cube;
use super::super::stats::{
    cronbach_alpha, pearson, CorrelationMatrix, CronbachAlpha, ParentCorrelation,
};
use super::plan::Plan;
use super::Work;

/// Stage: contributions of the indicators to the index score (arithmetic levels only; OECD/JRC
/// Handbook 2008 step 8 "decomposition"), when `outputs.contributions`.
pub(super) fn contributions(plan: &Plan, work: &mut Work) {
    let (nu, npp, nn) = (plan.nu, plan.npp, plan.nn);
    let spec = &plan.spec;
    let nodes = &plan.tree.nodes;
    let inds = &plan.tree.inds;
    let ind_ids: Vec<String> = inds.iter().map(|i| i.id.clone()).collect();
    let Work {
        normalised,
        scores,
        warnings,
        log,
        node_w,
        contributions,
        ..
    } = work;
    let normalised: &Cube = normalised;
    *contributions = Cube::default();
    if spec.outputs.contributions {
        *contributions = Cube::new(ind_ids.clone(), npp, nu);
        let all_arith = plan
            .node_plans
            .iter()
            .all(|np| matches!(np.aggregation.method, Aggregation::Arithmetic));
        if !all_arith {
            warnings.push(
                "contributions are defined for arithmetic aggregation only; nodes aggregated otherwise give NaN below them".into(),
            );
        }
        // Per unit, each node's multiplier m = ∂I/∂score (the product of the normalised
        // weights on its path from the index: m_root = 1, m_child = m_node·w_c/Σw over the
        // node's available children, as the arithmetic mean renormalises them), so that an
        // indicator's contribution is m·y/I = w_eff·y/I (Handbook 2008 step 8) whatever the
        // scores in between: a dimension scoring 0 gives its indicators 0, not 0/0.
        let mut mult: Vec<f64> = vec![0.0; nn * nu];
        let mut index: Vec<f64> = vec![f64::NAN; nu];
        for q in 0..npp {
            mult[..nu].iter_mut().for_each(|m| *m = 1.0);
            for k in 0..nn {
                let nd = &nodes[k];
                let arith = matches!(
                    plan.node_plans[k].aggregation.method,
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
                    let (mut den, mut wsum) = (0.0, 0.0);
                    for (c, &wc) in w.iter().enumerate() {
                        let y = child_col(c)[u];
                        if !y.is_nan() && wc > 0.0 {
                            den += wc * y;
                            wsum += wc;
                        }
                    }
                    if k == 0 {
                        // the index as the root's weighted mean; undefined (NaN) where the
                        // engine withheld the index score
                        let withheld = scores.column(0, q)[u].is_nan();
                        index[u] = if withheld || wsum == 0.0 {
                            f64::NAN
                        } else {
                            den / wsum
                        };
                    }
                    let m = mult[k * nu + u];
                    let i_u = index[u];
                    for (c, &wc) in w.iter().enumerate() {
                        let y = child_col(c)[u];
                        let defined = arith && !y.is_nan() && !m.is_nan() && wsum > 0.0;
                        let m_c = if defined { m * wc / wsum } else { f64::NAN };
                        if nd.leaf {
                            let v = if m_c.is_nan() || i_u == 0.0 || i_u.is_nan() {
                                f64::NAN
                            } else {
                                m_c * y / i_u
                            };
                            contributions.column_mut(nd.first + c, q)[u] = v;
                        } else {
                            mult[(nd.first + c) * nu + u] = m_c;
                        }
                    }
                }
            }
        }
        log.push("contributions: computed (share of each indicator in the index score)".into());
    }
}

/// Stage: obstacle degrees (障碍度) of indicators and dimensions, when `outputs.obstacles`.
pub(super) fn obstacles(plan: &Plan, work: &mut Work) {
    let (nu, npp, nk, nn) = (plan.nu, plan.npp, plan.nk, plan.nn);
    let spec = &plan.spec;
    let nodes = &plan.tree.nodes;
    let inds = &plan.tree.inds;
    let node_ids: Vec<String> = nodes.iter().map(|n| n.id.clone()).collect();
    let ind_ids: Vec<String> = inds.iter().map(|i| i.id.clone()).collect();
    let Work {
        normalised,
        warnings,
        log,
        ind_eff,
        obstacles,
        dimension_obstacles,
        ..
    } = work;
    let normalised: &Cube = normalised;
    *obstacles = Cube::default();
    *dimension_obstacles = Cube::default();
    if spec.outputs.obstacles {
        *obstacles = Cube::new(ind_ids.clone(), npp, nu);
        let ranges: Vec<Option<(f64, f64)>> = plan
            .columns
            .iter()
            .map(|c| c.method.output_bounds())
            .collect();
        let unbounded: Vec<&str> = inds
            .iter()
            .zip(&ranges)
            .filter(|(_, r)| r.is_none())
            .map(|(i, _)| i.id.as_str())
            .collect();
        if !unbounded.is_empty() {
            *dimension_obstacles = Cube::new(node_ids[1..].to_vec(), npp, nu);
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
            *dimension_obstacles = Cube {
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
}

/// Stage: correlations within and between levels and Cronbach's alpha, when
/// `outputs.correlations`. A node's correlation matrix holds children² values per period:
/// one larger than the panel cell limit ([`crate::data::max_panel_cells`]; a dimension of
/// tens of thousands of indicators) is not computed, with a warning — it is an optional
/// output, and 100,000 children would ask for 80 GB — while its children's correlations
/// with it and its Cronbach's alpha still are.
pub(super) fn diagnostics(plan: &Plan, work: &mut Work) {
    let spec = &plan.spec;
    let nodes = &plan.tree.nodes;
    let inds = &plan.tree.inds;
    let periods = &plan.periods;
    let Work {
        normalised,
        scores,
        log,
        correlations,
        parent_correlations,
        cronbach,
        warnings,
        ..
    } = work;
    let normalised: &Cube = normalised;
    correlations.clear();
    parent_correlations.clear();
    cronbach.clear();
    if spec.outputs.correlations {
        let limit = crate::data::max_panel_cells();
        for (k, nd) in nodes.iter().enumerate() {
            let matrix_values = nd
                .count
                .checked_mul(nd.count)
                .and_then(|c| c.checked_mul(periods.len()));
            let with_matrix = matrix_values.is_some_and(|c| c <= limit);
            if !with_matrix {
                warnings.push(format!(
                    "node `{}`: the correlations among its {} children are not computed \
                     ({}² values × {} periods is more than the limit of {limit} values, \
                     cpindex_set_max_panel_cells); their correlations with the node and \
                     Cronbach's alpha are",
                    nd.id,
                    nd.count,
                    nd.count,
                    periods.len()
                ));
            }
            let child_ids: Vec<String> = (0..nd.count)
                .map(|c| {
                    if nd.leaf {
                        inds[nd.first + c].id.clone()
                    } else {
                        nodes[nd.first + c].id.clone()
                    }
                })
                .collect();
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
                if with_matrix {
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
                }
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
}
