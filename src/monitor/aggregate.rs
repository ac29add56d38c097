//! Aggregation of achievement to dimensions and to the whole plan, with re-normalisation
//! of the weights over the indicators that are available, and the indicators that pull
//! each unit down most (obstacle degree, 障碍度).
//!
//! Weighted arithmetic mean at every node of the framework's hierarchy (NBS 小康 monitoring
//! A = Σ w_j a_j; COINr `a_amean`: Σ w x / Σ w over the non-missing j; JRC/OECD Handbook
//! 2008 §6). A missing indicator drops out of its dimension and its siblings' weights are
//! re-normalised; a dimension with no available indicator drops out of its parent the
//! same way. Every result reports what was missing and the share of the nominal
//! effective weight that was covered.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Framework;

/// The achievement of one dimension of one unit in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionAchievement {
    /// Dimension id.
    pub dimension: String,
    /// Parent dimension id (`None` = top level).
    pub parent: Option<String>,
    /// Weighted mean of the available children (indicators or sub-dimensions), in [0, 1].
    pub score: Option<f64>,
    /// Number of indicators below the dimension.
    pub n_indicators: usize,
    /// Number of those available.
    pub n_available: usize,
    /// Ids of the missing ones.
    pub missing: Vec<String>,
    /// Share of the dimension's nominal (framework) effective weight that is available.
    pub weight_covered: f64,
}

/// One indicator's share in a unit's shortfall from full achievement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shortfall {
    /// Indicator id.
    pub indicator: String,
    /// Top-level dimension id.
    pub dimension: String,
    /// Its achievement score.
    pub score: f64,
    /// Its effective weight in the overall score after re-normalisation.
    pub weight: f64,
    /// weight · (1 − score): the points of overall achievement it costs
    /// (overall = 1 − Σ shortfall).
    pub shortfall: f64,
    /// Obstacle degree O_j = w_j(1 − a_j)/Σ_k w_k(1 − a_k) (障碍度; e.g. the Zhejiang
    /// common-prosperity studies cited in methods-reference b.7); 0 when nothing is short.
    pub obstacle_share: f64,
}

/// Achievement of one unit in one year: overall, by dimension, what is missing, and what
/// pulls it down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitAchievement {
    /// Unit id.
    pub unit: String,
    /// Year.
    pub year: i32,
    /// Overall plan achievement in [0, 1] (`None` when no indicator is available).
    pub overall: Option<f64>,
    /// Every dimension, in framework order.
    pub dimensions: Vec<DimensionAchievement>,
    /// Indicators without a score.
    pub missing_indicators: Vec<String>,
    /// Share of the nominal effective weight available (1 = complete).
    pub weight_covered: f64,
    /// Whether weights were re-normalised (some indicator missing).
    pub renormalised: bool,
    /// Effective weights actually used, aligned with `Framework::indicators` (0 when missing).
    pub weights_used: Vec<f64>,
    /// The indicators with the largest shortfall, largest first.
    pub pulling_down: Vec<Shortfall>,
}

/// Effective weights of the indicators in the overall index after hierarchical
/// re-normalisation over the available ones (`available[j]` aligned with
/// `framework.indicators`): at each node, each available child's weight is divided by
/// the sum of its available siblings' weights, and the shares are multiplied down the
/// tree (COINr `get_eff_weights` with the missing children removed). Sums to 1 unless
/// nothing is available (then all 0). A child with weight 0 never counts as available.
pub fn renormalised_weights(framework: &Framework, available: &[bool]) -> Vec<f64> {
    let mut out = vec![0.0; framework.indicators.len()];
    visit(framework, None, 1.0, available, &mut out);
    out
}

fn subtree_available(framework: &Framework, dim: &str, available: &[bool]) -> bool {
    framework.indicators.iter().enumerate().any(|(j, i)| {
        available[j] && i.weight > 0.0 && framework.dimension_path(&i.dimension).contains(&dim)
    })
}

fn visit(
    framework: &Framework,
    parent: Option<&str>,
    mult: f64,
    available: &[bool],
    out: &mut [f64],
) {
    let children: Vec<_> = framework
        .child_dimensions(parent)
        .filter(|d| d.weight > 0.0 && subtree_available(framework, &d.id, available))
        .collect();
    if !children.is_empty() {
        let s: f64 = children.iter().map(|d| d.weight).sum();
        for d in children {
            visit(framework, Some(&d.id), mult * d.weight / s, available, out);
        }
        return;
    }
    if let Some(p) = parent {
        let s: f64 = framework
            .indicators
            .iter()
            .enumerate()
            .filter(|(j, i)| i.dimension == p && available[*j])
            .map(|(_, i)| i.weight)
            .sum();
        if s > 0.0 {
            for (j, i) in framework.indicators.iter().enumerate() {
                if i.dimension == p && available[j] {
                    out[j] = mult * i.weight / s;
                }
            }
        }
    }
}

/// Aggregates indicator scores (aligned with `framework.indicators`, NaN = missing, each
/// in [0, 1]) of one unit and year. `top_k` shortfalls are listed.
///
/// Errors: length mismatch; a score that is ±inf or outside [0, 1] (naming the indicator).
pub fn aggregate(
    framework: &Framework,
    unit: &str,
    year: i32,
    scores: &[f64],
    top_k: usize,
) -> Result<UnitAchievement> {
    let n = framework.indicators.len();
    if scores.len() != n {
        return Err(Error::length_mismatch(
            "scores vs framework indicators",
            n,
            scores.len(),
        ));
    }
    for (j, &s) in scores.iter().enumerate() {
        if !s.is_nan() && !(0.0..=1.0).contains(&s) {
            return Err(Error::invalid_value(
                format!(
                    "unit `{unit}`, year {year}, indicator `{}`",
                    framework.indicators[j].id
                ),
                s,
                "as an achievement score (must lie in [0, 1])",
            ));
        }
    }
    let available: Vec<bool> = scores.iter().map(|s| !s.is_nan()).collect();
    let nominal = framework.effective_weights();
    let w = renormalised_weights(framework, &available);
    let any = w.iter().any(|&x| x > 0.0);
    let overall = any.then(|| {
        w.iter()
            .zip(scores)
            .filter(|(x, _)| **x > 0.0)
            .map(|(x, s)| x * s)
            .sum::<f64>()
    });
    let weight_covered: f64 = nominal
        .iter()
        .zip(&available)
        .filter(|(_, a)| **a)
        .map(|(x, _)| x)
        .sum();
    let missing_indicators: Vec<String> = framework
        .indicators
        .iter()
        .zip(&available)
        .filter(|(_, a)| !**a)
        .map(|(i, _)| i.id.clone())
        .collect();
    let dimensions = framework
        .dimensions
        .iter()
        .map(|d| {
            let members: Vec<usize> = (0..n)
                .filter(|&j| {
                    framework
                        .dimension_path(&framework.indicators[j].dimension)
                        .contains(&d.id.as_str())
                })
                .collect();
            let wsum: f64 = members.iter().map(|&j| w[j]).sum();
            let nomsum: f64 = members.iter().map(|&j| nominal[j]).sum();
            let nomav: f64 = members
                .iter()
                .filter(|&&j| available[j])
                .map(|&j| nominal[j])
                .sum();
            // Within a node, re-normalised shares are proportional to the global ones, so
            // the dimension's weighted mean is Σ w_j a_j / Σ w_j over its members.
            let score = (wsum > 0.0).then(|| {
                members
                    .iter()
                    .filter(|&&j| w[j] > 0.0)
                    .map(|&j| w[j] * scores[j])
                    .sum::<f64>()
                    / wsum
            });
            DimensionAchievement {
                dimension: d.id.clone(),
                parent: d.parent.clone(),
                score,
                n_indicators: members.len(),
                n_available: members.iter().filter(|&&j| available[j]).count(),
                missing: members
                    .iter()
                    .filter(|&&j| !available[j])
                    .map(|&j| framework.indicators[j].id.clone())
                    .collect(),
                weight_covered: if nomsum > 0.0 { nomav / nomsum } else { 0.0 },
            }
        })
        .collect();
    let total_short: f64 = (0..n)
        .filter(|&j| w[j] > 0.0)
        .map(|j| w[j] * (1.0 - scores[j]))
        .sum();
    let mut short: Vec<Shortfall> = (0..n)
        .filter(|&j| w[j] > 0.0)
        .map(|j| {
            let sf = w[j] * (1.0 - scores[j]);
            let ind = &framework.indicators[j];
            Shortfall {
                indicator: ind.id.clone(),
                dimension: framework
                    .top_dimension_of(ind)
                    .unwrap_or(&ind.dimension)
                    .to_string(),
                score: scores[j],
                weight: w[j],
                shortfall: sf,
                obstacle_share: if total_short > 0.0 {
                    sf / total_short
                } else {
                    0.0
                },
            }
        })
        .filter(|s| s.shortfall > 0.0)
        .collect();
    short.sort_by(|a, b| {
        b.shortfall
            .total_cmp(&a.shortfall)
            .then_with(|| a.indicator.cmp(&b.indicator))
    });
    short.truncate(top_k);
    Ok(UnitAchievement {
        unit: unit.to_string(),
        year,
        overall,
        dimensions,
        renormalised: !missing_indicators.is_empty(),
        missing_indicators,
        weight_covered,
        weights_used: w,
        pulling_down: short,
    })
}
