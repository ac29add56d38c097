//! Imputation of missing values; every imputed cell is reported with its method.
//!
//! Methods (`methods-reference.md` b.4; COINr `Impute`, `i_mean`, `i_median`, `i_mean_grp`,
//! `i_median_grp`, `impute_panel`; OECD/JRC Handbook 2008 step 3 "imputation of missing
//! data", single imputation):
//!
//! * `mean` / `median` — the indicator's mean/median over the other units **in the same
//!   period** (cross-sectional, column-wise).
//! * `group_mean` / `group_median` — the same within the unit's group (units without a
//!   group form one group together); a group with no observation leaves the cell missing.
//! * `linear` — within the unit, linear interpolation in time between the nearest observed
//!   periods (x = the period value, so gaps between years are respected); before the first
//!   and after the last observation the nearest value is carried (R `approx(rule = 2)`,
//!   COINr `impute_panel(imp_type = "linear")`); a single observation is carried to every
//!   period (COINr "linear-constant", issue #63).
//! * `constant` — within the unit, the last observed value is carried forward and leading
//!   gaps take the first observed value (R `approx(method = "constant", rule = 2)`, COINr
//!   `impute_panel(imp_type = "constant")`).
//! * `locf` — last observation carried forward only, at most `max_gap` periods
//!   (COINr `impute_panel(imp_type = "latest", max_time)`); leading gaps stay missing.
//!
//! Cells that no method can fill stay NaN and are handled at aggregation by the missing
//! policy (re-normalised weights or a required share). Units dropped by screening are
//! neither used nor filled.

use serde::{Deserialize, Serialize};

/// Imputation method (spec field `imputation.method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImputeMethod {
    /// No imputation (default): missing cells go to aggregation as missing.
    #[default]
    None,
    /// Indicator mean in the period.
    Mean,
    /// Indicator median in the period.
    Median,
    /// Group mean in the period.
    GroupMean,
    /// Group median in the period.
    GroupMedian,
    /// Linear interpolation across periods within the unit.
    Linear,
    /// Step (constant) interpolation across periods within the unit.
    Constant,
    /// Last observation carried forward.
    Locf,
}

impl ImputeMethod {
    /// snake_case name.
    pub fn name(&self) -> &'static str {
        match self {
            ImputeMethod::None => "none",
            ImputeMethod::Mean => "mean",
            ImputeMethod::Median => "median",
            ImputeMethod::GroupMean => "group_mean",
            ImputeMethod::GroupMedian => "group_median",
            ImputeMethod::Linear => "linear",
            ImputeMethod::Constant => "constant",
            ImputeMethod::Locf => "locf",
        }
    }
}

/// Imputation parameters (spec field `imputation`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImputationSpec {
    /// The method (default `none`).
    pub method: ImputeMethod,
    /// For `locf`: the largest number of periods a value is carried (default `None` =
    /// unlimited).
    pub max_gap: Option<usize>,
}

/// One imputed cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImputedCell {
    /// Unit id.
    pub unit: String,
    /// Period.
    pub period: i32,
    /// Indicator id.
    pub indicator: String,
    /// The value filled in.
    pub value: f64,
    /// The method used.
    pub method: ImputeMethod,
}

/// Median of `v` (sorted in place); NaN when empty.
fn median_in_place(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        // (the halves added: a + b of two finite values near f64::MAX overflows)
        let (a, b) = (v[n / 2 - 1], v[n / 2]);
        let m = 0.5 * (a + b);
        if m.is_finite() {
            m
        } else {
            0.5 * a + 0.5 * b
        }
    }
}

/// A cell filled by [`impute`]: `(unit, period, indicator, value)` indices.
pub type Filled = (usize, usize, usize, f64);

/// Imputes in place over a column-major buffer `(i · n_periods + p) · n_units + u`.
///
/// * `periods` — the period values (for linear interpolation in time);
/// * `groups` — a group index per unit (for group methods);
/// * `active` — `p · n_units + u`: false for units dropped by screening;
/// * `cols` — the indicator indices to impute.
///
/// Returns every filled cell.
#[allow(clippy::too_many_arguments)]
pub fn impute(
    values: &mut [f64],
    n_units: usize,
    periods: &[i32],
    groups: &[usize],
    active: &[bool],
    cols: &[usize],
    spec: &ImputationSpec,
) -> Vec<Filled> {
    let nu = n_units;
    let np = periods.len();
    let mut filled = Vec::new();
    let n_groups = groups.iter().copied().max().map_or(0, |g| g + 1);
    let mut scratch: Vec<f64> = Vec::with_capacity(nu);
    let mut gsum = vec![0.0; n_groups];
    let mut gcnt = vec![0usize; n_groups];
    let mut gval = vec![f64::NAN; n_groups];
    // each group's units, ascending (group g: members[member_start[g]..member_start[g + 1]]),
    // listed once: a scan of every unit per group was quadratic with many small groups
    let mut member_start = vec![0usize; n_groups + 1];
    for &g in groups {
        member_start[g + 1] += 1;
    }
    for g in 0..n_groups {
        member_start[g + 1] += member_start[g];
    }
    let mut members = vec![0usize; groups.len()];
    let mut next = member_start.clone();
    for (u, &g) in groups.iter().enumerate() {
        members[next[g]] = u;
        next[g] += 1;
    }
    for &i in cols {
        match spec.method {
            ImputeMethod::None => {}
            ImputeMethod::Mean | ImputeMethod::Median => {
                for p in 0..np {
                    let s = (i * np + p) * nu;
                    let act = &active[p * nu..(p + 1) * nu];
                    let col = &mut values[s..s + nu];
                    scratch.clear();
                    scratch.extend(
                        col.iter()
                            .zip(act)
                            .filter(|(v, a)| **a && !v.is_nan())
                            .map(|(v, _)| *v),
                    );
                    if scratch.is_empty() || scratch.len() == nu {
                        continue;
                    }
                    let fill = if spec.method == ImputeMethod::Mean {
                        scratch.iter().sum::<f64>() / scratch.len() as f64
                    } else {
                        median_in_place(&mut scratch)
                    };
                    for (u, v) in col.iter_mut().enumerate() {
                        if v.is_nan() && act[u] {
                            *v = fill;
                            filled.push((u, p, i, fill));
                        }
                    }
                }
            }
            ImputeMethod::GroupMean | ImputeMethod::GroupMedian => {
                for p in 0..np {
                    let s = (i * np + p) * nu;
                    let act = &active[p * nu..(p + 1) * nu];
                    let col = &mut values[s..s + nu];
                    if spec.method == ImputeMethod::GroupMean {
                        gsum.iter_mut().for_each(|x| *x = 0.0);
                        gcnt.iter_mut().for_each(|x| *x = 0);
                        for u in 0..nu {
                            if act[u] && !col[u].is_nan() {
                                gsum[groups[u]] += col[u];
                                gcnt[groups[u]] += 1;
                            }
                        }
                        for g in 0..n_groups {
                            gval[g] = if gcnt[g] > 0 {
                                gsum[g] / gcnt[g] as f64
                            } else {
                                f64::NAN
                            };
                        }
                    } else {
                        for (g, gv) in gval.iter_mut().enumerate() {
                            scratch.clear();
                            scratch.extend(
                                members[member_start[g]..member_start[g + 1]]
                                    .iter()
                                    .filter(|&&u| act[u] && !col[u].is_nan())
                                    .map(|&u| col[u]),
                            );
                            *gv = median_in_place(&mut scratch);
                        }
                    }
                    for u in 0..nu {
                        if act[u] && col[u].is_nan() && !gval[groups[u]].is_nan() {
                            col[u] = gval[groups[u]];
                            filled.push((u, p, i, col[u]));
                        }
                    }
                }
            }
            ImputeMethod::Linear | ImputeMethod::Constant | ImputeMethod::Locf => {
                for u in 0..nu {
                    impute_series(values, nu, np, periods, active, i, u, spec, &mut filled);
                }
            }
        }
    }
    filled
}

#[allow(clippy::too_many_arguments)]
fn impute_series(
    values: &mut [f64],
    nu: usize,
    np: usize,
    periods: &[i32],
    active: &[bool],
    i: usize,
    u: usize,
    spec: &ImputationSpec,
    filled: &mut Vec<Filled>,
) {
    let idx = |p: usize| (i * np + p) * nu + u;
    let obs = |p: usize, values: &[f64]| active[p * nu + u] && !values[idx(p)].is_nan();
    let mut prev: Option<usize> = None; // last observed period index
                                        // the result of the last search for the next observed period: still the answer for
                                        // every gap before it (and `None` stays `None`), so each period is scanned once per
                                        // series (a search per missing cell was quadratic in periods)
    let mut ahead: Option<Option<usize>> = None;
    for p in 0..np {
        if obs(p, values) {
            prev = Some(p);
            continue;
        }
        if !active[p * nu + u] {
            continue;
        }
        let next = match ahead {
            Some(Some(b)) if b > p => Some(b),
            Some(None) => None,
            _ => {
                let b = (p + 1..np).find(|&q| obs(q, values));
                ahead = Some(b);
                b
            }
        };
        let fill = match (spec.method, prev, next) {
            (ImputeMethod::Locf, Some(a), _) => {
                if spec.max_gap.map_or(true, |g| p - a <= g) {
                    values[idx(a)]
                } else {
                    f64::NAN
                }
            }
            (ImputeMethod::Locf, None, _) => f64::NAN,
            (_, None, None) => f64::NAN,
            (_, Some(a), None) => values[idx(a)],
            (_, None, Some(b)) => values[idx(b)],
            (ImputeMethod::Constant, Some(a), Some(_)) => values[idx(a)],
            (_, Some(a), Some(b)) => {
                let (xa, xb) = (values[idx(a)], values[idx(b)]);
                let (ta, tb, t) = (
                    f64::from(periods[a]),
                    f64::from(periods[b]),
                    f64::from(periods[p]),
                );
                xa + (xb - xa) * (t - ta) / (tb - ta)
            }
        };
        if !fill.is_nan() {
            // write after computing so that filled cells are not used as observations
            filled.push((u, p, i, fill));
        }
    }
    for &(fu, p, fi, v) in filled.iter().rev() {
        if fu != u || fi != i {
            break;
        }
        values[idx(p)] = v;
    }
}

#[cfg(test)]
mod tests {
    use super::median_in_place;

    /// The median of an even count is the mean of the middle two (Hyndman & Fan 1996,
    /// type 2), finite for finite values however large.
    #[test]
    fn the_median_of_huge_finite_values_is_finite() {
        assert_eq!(median_in_place(&mut [1.0, 4.0, 2.0, 3.0]), 2.5);
        assert_eq!(median_in_place(&mut [1e308, 1.7e308]), 1.35e308);
        assert_eq!(median_in_place(&mut [-1e308, -1.7e308]), -1.35e308);
        assert_eq!(median_in_place(&mut [3.0, 1.0, 2.0]), 2.0);
        assert!(median_in_place(&mut []).is_nan());
    }
}
