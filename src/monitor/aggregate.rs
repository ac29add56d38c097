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

use std::collections::HashMap;

use super::Id;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Framework;

/// The achievement of one dimension of one unit in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionAchievement {
    /// Dimension id.
    pub dimension: super::Id,
    /// Parent dimension id (`None` = top level).
    pub parent: Option<super::Id>,
    /// Weighted mean of the available children (indicators or sub-dimensions), in [0, 1].
    pub score: Option<f64>,
    /// Number of indicators below the dimension.
    pub n_indicators: usize,
    /// Number of those available.
    pub n_available: usize,
    /// Ids of the missing ones (shared ids: no copy of the string per record).
    pub missing: Vec<super::Id>,
    /// Share of the dimension's nominal (framework) effective weight that is available.
    pub weight_covered: f64,
}

/// One indicator's share in a unit's shortfall from full achievement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shortfall {
    /// Indicator id.
    pub indicator: super::Id,
    /// Top-level dimension id.
    pub dimension: super::Id,
    /// Its achievement score.
    pub score: f64,
    /// Its effective weight in the overall score after re-normalisation.
    pub weight: f64,
    /// weight · (1 − score): the points of overall achievement it costs
    /// (overall = 1 − Σ shortfall).
    pub shortfall: f64,
    /// Obstacle degree O_j = w_j(1 − a_j)/Σ_k w_k(1 − a_k) (障碍度; e.g. the provincial
    /// common-prosperity studies cited in methods-reference b.7); 0 when nothing is short.
    pub obstacle_share: f64,
}

/// Achievement of one unit in one year: overall, by dimension, what is missing, and what
/// pulls it down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitAchievement {
    /// Unit id.
    pub unit: super::Id,
    /// Year.
    pub year: i32,
    /// Overall plan achievement in [0, 1] (`None` when no indicator is available).
    pub overall: Option<f64>,
    /// Every dimension, in framework order.
    pub dimensions: Vec<DimensionAchievement>,
    /// Indicators without a score (shared ids: no copy of the string per record).
    pub missing_indicators: Vec<super::Id>,
    /// Share of the nominal effective weight available (1 = complete).
    pub weight_covered: f64,
    /// Whether weights were re-normalised (some indicator missing).
    pub renormalised: bool,
    /// Effective weights actually used, aligned with `Framework::indicators` (0 when missing).
    pub weights_used: Vec<f64>,
    /// The indicators with the largest shortfall, largest first.
    pub pulling_down: Vec<Shortfall>,
    /// Share of the framework's indicators (those with a positive nominal weight) that
    /// have a score: the SDSN coverage rule counts indicators, not weight.
    pub indicator_coverage: f64,
    /// Why `overall` is absent although indicators are available (coverage below the
    /// spec's `min_indicator_coverage`); `None` when it is published.
    pub withheld: Option<String>,
    /// The overall score on the like-for-like indicator set (those available in both this
    /// and the previous year), beside the re-normalised scores of each year.
    pub like_for_like: Option<LikeForLike>,
}

/// A year-on-year comparison of the overall score on a like-for-like indicator set.
///
/// The re-normalised overall score of each year averages whatever indicators that year
/// has, so a change of the set moves it without any indicator moving. Here both years are
/// re-aggregated over the indicators available in both (hierarchical re-normalisation
/// over that common set, as [`renormalised_weights`]), so `change` is due to the values
/// alone (cf. the chained dynamic index, which uses the same common-set rule).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LikeForLike {
    /// The previous year.
    pub previous_year: i32,
    /// Number of indicators available in both years.
    pub n_common: usize,
    /// Overall score of the previous year on the common set.
    pub previous: f64,
    /// Overall score of this year on the common set.
    pub current: f64,
    /// `current − previous` (like for like).
    pub change: f64,
    /// The change of the published (re-normalised) overall scores, when both exist.
    pub renormalised_change: Option<f64>,
}

/// The like-for-like comparison of two years' indicator scores (aligned with
/// `framework.indicators`, NaN = missing): `None` when no indicator is available in both.
pub fn like_for_like(
    h: &Hierarchy,
    previous_year: i32,
    previous: &[f64],
    current: &[f64],
    renormalised_change: Option<f64>,
) -> Option<LikeForLike> {
    like_for_like_in(
        h,
        previous_year,
        previous,
        current,
        renormalised_change,
        &mut Scratch::default(),
    )
}

/// [`like_for_like`] with the working buffers of `scratch` (reused across units × years:
/// nothing is allocated per call once they have grown).
pub(crate) fn like_for_like_in(
    h: &Hierarchy,
    previous_year: i32,
    previous: &[f64],
    current: &[f64],
    renormalised_change: Option<f64>,
    scratch: &mut Scratch,
) -> Option<LikeForLike> {
    let Scratch {
        available,
        w,
        weights,
        ..
    } = scratch;
    // the indicators available in both years
    available.clear();
    available.extend(
        previous
            .iter()
            .zip(current)
            .map(|(a, b)| !a.is_nan() && !b.is_nan()),
    );
    w.clear();
    w.resize(available.len(), 0.0);
    weights.weights_into(h, available, w);
    if !w.iter().any(|&x| x > 0.0) {
        return None;
    }
    let dot = |s: &[f64]| -> f64 {
        w.iter()
            .zip(s)
            .filter(|(x, _)| **x > 0.0)
            .map(|(x, v)| x * v)
            .sum()
    };
    let (p, c) = (dot(previous), dot(current));
    Some(LikeForLike {
        previous_year,
        n_common: w.iter().filter(|&&x| x > 0.0).count(),
        previous: p,
        current: c,
        change: c - p,
        renormalised_change,
    })
}

/// Working buffers of the aggregation ([`aggregate_in`], [`like_for_like`]), kept by a
/// caller that aggregates many units × years so that nothing but the results is
/// allocated per call. Every buffer is cleared and refilled before it is read: no value
/// of one call reaches the next.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    available: Vec<bool>,
    idx: Vec<usize>,
    w: Vec<f64>,
    /// The re-normalised weights of the availability patterns seen (shared with the
    /// dynamic index of the same hierarchy).
    pub(crate) weights: WeightCache,
}

/// The most availability patterns a [`WeightCache`] keeps (with 102 indicators, 0.8 MB
/// of weights); later patterns are computed every time.
pub(crate) const WEIGHT_CACHE_MAX_PATTERNS: usize = 1024;

/// Re-normalised weights ([`Hierarchy::weights_into`]) by availability pattern, for a
/// caller that re-weights many units × years of one hierarchy: the weights are a function
/// of the pattern alone, and a run has few patterns (an indicator not collected for a
/// county is missing in every year; the complete pattern is most units' in most years),
/// so each is computed once and copied afterwards — the same numbers, bit for bit. The
/// dynamic index re-weights twice per unit and year and the like-for-like change once:
/// at national scale (2,844 units × 10 years) the walks of the tree were ≈ 5 % of
/// monitoring. At most [`WEIGHT_CACHE_MAX_PATTERNS`] patterns are kept.
#[derive(Debug, Default)]
pub(crate) struct WeightCache {
    /// The pattern's bits (indicator `j` available: bit `j % 64` of word `j / 64`) → its
    /// slot in `weights`.
    index: std::collections::HashMap<Box<[u64]>, usize>,
    /// The weights of slot `s`: `weights[s * n..(s + 1) * n]`.
    weights: Vec<f64>,
    /// The number of indicators of the cached patterns.
    n: usize,
    key: Vec<u64>,
}

impl WeightCache {
    /// [`Hierarchy::weights_into`] of `available` into `out` (`out.len() ==
    /// available.len()`), computed once per pattern.
    pub(crate) fn weights_into(&mut self, h: &Hierarchy, available: &[bool], out: &mut [f64]) {
        let n = available.len();
        if n != self.n {
            // another hierarchy's patterns (never within one run): start again
            self.index.clear();
            self.weights.clear();
            self.n = n;
        }
        self.key.clear();
        self.key.resize(n.div_ceil(64), 0);
        for (j, &a) in available.iter().enumerate() {
            if a {
                self.key[j / 64] |= 1 << (j % 64);
            }
        }
        if let Some(&s) = self.index.get(&self.key[..]) {
            out.copy_from_slice(&self.weights[s * n..(s + 1) * n]);
            return;
        }
        h.weights_into(available, out);
        if self.index.len() < WEIGHT_CACHE_MAX_PATTERNS {
            let s = self.index.len();
            self.weights.extend_from_slice(out);
            self.index.insert(self.key.clone().into_boxed_slice(), s);
        }
    }
}

/// Withholds the overall score of `ua` when fewer than `min_coverage` of the indicators
/// have a score (SDSN Sustainable Development Report: no index for a country missing more
/// than 20% of its indicators, i.e. `min_coverage = 0.8`). The dimension scores stay;
/// `withheld` says why the overall is absent.
pub fn apply_min_coverage(ua: &mut UnitAchievement, min_coverage: f64) {
    if ua.overall.is_some() && ua.indicator_coverage < min_coverage {
        ua.overall = None;
        ua.withheld = Some(withheld_text(ua.indicator_coverage, min_coverage));
    }
}

/// Why an overall score is withheld ([`apply_min_coverage`]).
pub(crate) fn withheld_text(indicator_coverage: f64, min_coverage: f64) -> String {
    format!(
        "indicator coverage {:.1}% is below the minimum {:.1}% (spec min_indicator_coverage): no overall score is published",
        100.0 * indicator_coverage,
        100.0 * min_coverage
    )
}

/// The framework's hierarchy, indexed once for repeated aggregation (per unit × year).
#[derive(Debug, Clone)]
pub struct Hierarchy {
    roots: Vec<usize>,
    children: Vec<Vec<usize>>,
    direct: Vec<Vec<usize>>,
    members: Vec<Vec<usize>>,
    top: Vec<usize>,
    dim_weight: Vec<f64>,
    ind_weight: Vec<f64>,
    nominal: Vec<f64>,
    ind_ids: Vec<Id>,
    dim_ids: Vec<Id>,
    dim_parent: Vec<Option<Id>>,
}

impl Hierarchy {
    /// Indexes `framework` (assumed valid).
    pub fn new(framework: &Framework) -> Hierarchy {
        let nd = framework.dimensions.len();
        // each dimension id → its first position, and each dimension's parent position,
        // found once (a search of the dimensions per indicator and per path step was
        // quadratic: 20 s for a report on a framework of 20,000 dimensions)
        let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(nd);
        for (k, d) in framework.dimensions.iter().enumerate() {
            by_id.entry(d.id.as_str()).or_insert(k);
        }
        let pos = |id: &str| by_id.get(id).copied();
        let parent: Vec<Option<usize>> = framework
            .dimensions
            .iter()
            .map(|d| d.parent.as_deref().and_then(pos))
            .collect();
        let mut roots = Vec::new();
        let mut children = vec![Vec::new(); nd];
        for (k, &p) in parent.iter().enumerate() {
            match p {
                Some(p) => children[p].push(k),
                None => roots.push(k),
            }
        }
        let mut direct = vec![Vec::new(); nd];
        let mut members = vec![Vec::new(); nd];
        let mut top = vec![usize::MAX; framework.indicators.len()];
        // the dimensions from the top level down to an indicator's own (as
        // `Framework::dimension_path`, by position; stops after `nd` steps on a cycle)
        let mut path: Vec<usize> = Vec::new();
        for (j, i) in framework.indicators.iter().enumerate() {
            let own = pos(&i.dimension);
            if let Some(k) = own {
                direct[k].push(j);
            }
            path.clear();
            let mut cur = own;
            while let Some(k) = cur {
                path.push(k);
                if path.len() > nd {
                    break;
                }
                cur = parent[k];
            }
            for (depth, &k) in path.iter().rev().enumerate() {
                members[k].push(j);
                if depth == 0 {
                    top[j] = k;
                }
            }
        }
        Hierarchy {
            roots,
            children,
            direct,
            members,
            top,
            dim_weight: framework.dimensions.iter().map(|d| d.weight).collect(),
            ind_weight: framework.indicators.iter().map(|i| i.weight).collect(),
            nominal: framework.effective_weights(),
            ind_ids: framework
                .indicators
                .iter()
                .map(|i| Id::new(&i.id))
                .collect(),
            dim_ids: framework
                .dimensions
                .iter()
                .map(|d| Id::new(&d.id))
                .collect(),
            dim_parent: framework
                .dimensions
                .iter()
                .map(|d| d.parent.as_deref().map(Id::new))
                .collect(),
        }
    }

    /// The interned id of indicator `j` (framework order).
    pub fn indicator_id(&self, j: usize) -> &Id {
        &self.ind_ids[j]
    }

    /// The interned id of dimension `k` (framework order).
    pub fn dimension_id(&self, k: usize) -> &Id {
        &self.dim_ids[k]
    }

    /// The nominal effective weights ([`Framework::effective_weights`]).
    pub fn nominal(&self) -> &[f64] {
        &self.nominal
    }

    /// Indicators below each dimension (framework order of dimensions).
    pub fn members(&self, dimension: usize) -> &[usize] {
        &self.members[dimension]
    }

    /// The top-level dimension (index into `Framework::dimensions`) of each indicator.
    pub fn top(&self) -> &[usize] {
        &self.top
    }

    fn node_available(&self, k: usize, available: &[bool]) -> bool {
        self.dim_weight[k] > 0.0
            && self.members[k]
                .iter()
                .any(|&j| available[j] && self.ind_weight[j] > 0.0)
    }

    /// Re-normalised effective weights into `out` (see [`renormalised_weights`]).
    pub fn weights_into(&self, available: &[bool], out: &mut [f64]) {
        out.iter_mut().for_each(|w| *w = 0.0);
        self.visit(&self.roots, 1.0, available, out);
    }

    fn visit(&self, nodes: &[usize], mult: f64, available: &[bool], out: &mut [f64]) {
        let s: f64 = nodes
            .iter()
            .filter(|&&k| self.node_available(k, available))
            .map(|&k| self.dim_weight[k])
            .sum();
        if s <= 0.0 {
            return;
        }
        for &k in nodes {
            if !self.node_available(k, available) {
                continue;
            }
            let m = mult * self.dim_weight[k] / s;
            if !self.children[k].is_empty() {
                self.visit(&self.children[k], m, available, out);
            } else {
                let si: f64 = self.direct[k]
                    .iter()
                    .filter(|&&j| available[j])
                    .map(|&j| self.ind_weight[j])
                    .sum();
                if si > 0.0 {
                    for &j in &self.direct[k] {
                        if available[j] {
                            out[j] = m * self.ind_weight[j] / si;
                        }
                    }
                }
            }
        }
    }
}

/// Effective weights of the indicators in the overall index after hierarchical
/// re-normalisation over the available ones (`available[j]` aligned with
/// `framework.indicators`): at each node, each available child's weight is divided by
/// the sum of its available siblings' weights, and the shares are multiplied down the
/// tree (COINr `get_eff_weights` with the missing children removed). Sums to 1 unless
/// nothing is available (then all 0). A child with weight 0 never counts as available.
pub fn renormalised_weights(framework: &Framework, available: &[bool]) -> Vec<f64> {
    let mut out = vec![0.0; framework.indicators.len()];
    Hierarchy::new(framework).weights_into(available, &mut out);
    out
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
    aggregate_in(
        &Hierarchy::new(framework),
        framework,
        &Id::new(unit),
        year,
        scores,
        top_k,
    )
}

/// [`aggregate`] with a pre-built [`Hierarchy`] of the same framework (for loops over
/// units and years).
pub fn aggregate_in(
    h: &Hierarchy,
    framework: &Framework,
    unit: &Id,
    year: i32,
    scores: &[f64],
    top_k: usize,
) -> Result<UnitAchievement> {
    aggregate_scratch(
        h,
        framework,
        unit,
        year,
        scores,
        top_k,
        &mut Scratch::default(),
    )
}

/// Checks that `scores` has one entry per framework indicator, each NaN (missing) or in
/// [0, 1].
pub(crate) fn check_scores(
    framework: &Framework,
    unit: &str,
    year: i32,
    scores: &[f64],
) -> Result<()> {
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
    Ok(())
}

/// The part of a unit × year aggregate that depends only on which indicators have a
/// score (the availability pattern), not on the scores: the re-normalised weights, the
/// missing indicators and the weight covered, overall and per dimension. Units and years
/// with the same pattern share it (the aggregate table keeps each distinct one once).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Coverage {
    /// Re-normalised weights (0 for an unavailable indicator).
    pub(crate) weights: Vec<f64>,
    /// Share of the nominal effective weight on available indicators.
    pub(crate) weight_covered: f64,
    /// Positions of the missing indicators.
    pub(crate) missing: Vec<usize>,
    /// Available share of the indicators with a positive nominal weight.
    pub(crate) indicator_coverage: f64,
    /// Per dimension, in framework order.
    pub(crate) dims: Vec<DimCoverage>,
}

/// [`Coverage`] of one dimension.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DimCoverage {
    /// Σ of the re-normalised weights of its member indicators.
    pub(crate) wsum: f64,
    /// Member indicators available.
    pub(crate) n_available: usize,
    /// Positions of the missing member indicators.
    pub(crate) missing: Vec<usize>,
    /// Share of the members' nominal weight that is available.
    pub(crate) weight_covered: f64,
}

impl Hierarchy {
    /// The [`Coverage`] of an availability pattern (`available[j]`: indicator `j` has a
    /// score).
    pub(crate) fn coverage(&self, available: &[bool]) -> Coverage {
        let n = available.len();
        let nominal = &self.nominal;
        let mut w = vec![0.0; n];
        self.weights_into(available, &mut w);
        let weight_covered: f64 = nominal
            .iter()
            .zip(available)
            .filter(|(_, a)| **a)
            .map(|(x, _)| x)
            .sum();
        // exact capacities: a list grown by doubling leaves up to half of it unused
        let n_missing = available.iter().filter(|a| !**a).count();
        let mut missing = Vec::with_capacity(n_missing);
        missing.extend((0..n).filter(|&j| !available[j]));
        let dims = self
            .members
            .iter()
            .map(|members| {
                let wsum: f64 = members.iter().map(|&j| w[j]).sum();
                let nomsum: f64 = members.iter().map(|&j| nominal[j]).sum();
                let nomav: f64 = members
                    .iter()
                    .filter(|&&j| available[j])
                    .map(|&j| nominal[j])
                    .sum();
                let n_av = members.iter().filter(|&&j| available[j]).count();
                let mut missing = Vec::with_capacity(members.len() - n_av);
                missing.extend(members.iter().copied().filter(|&j| !available[j]));
                DimCoverage {
                    wsum,
                    n_available: n_av,
                    missing,
                    weight_covered: if nomsum > 0.0 { nomav / nomsum } else { 0.0 },
                }
            })
            .collect();
        let n_counted = nominal.iter().filter(|&&x| x > 0.0).count();
        let indicator_coverage = if n_counted == 0 {
            0.0
        } else {
            (0..n).filter(|&j| nominal[j] > 0.0 && available[j]).count() as f64 / n_counted as f64
        };
        Coverage {
            weights: w,
            weight_covered,
            missing,
            indicator_coverage,
            dims,
        }
    }

    /// The score of dimension `k`: the weighted mean Σ w_j a_j / Σ w_j over its available
    /// members (within a node, re-normalised shares are proportional to the global ones),
    /// `wsum` being that Σ w_j ([`DimCoverage::wsum`]); `None` when no weight is left.
    pub(crate) fn dimension_score(
        &self,
        k: usize,
        w: &[f64],
        wsum: f64,
        scores: &[f64],
    ) -> Option<f64> {
        (wsum > 0.0).then(|| {
            self.members[k]
                .iter()
                .filter(|&&j| w[j] > 0.0)
                .map(|&j| w[j] * scores[j])
                .sum::<f64>()
                / wsum
        })
    }

    /// The id of the top-level dimension of indicator `j`, or the indicator's own
    /// dimension id when it is not in the tree.
    pub(crate) fn top_dimension_id(&self, framework: &Framework, j: usize) -> Id {
        self.dim_ids
            .get(self.top[j])
            .cloned()
            .unwrap_or_else(|| Id::new(&framework.indicators[j].dimension))
    }

    /// Parent id of dimension `k`.
    pub(crate) fn dimension_parent(&self, k: usize) -> Option<&Id> {
        self.dim_parent[k].as_ref()
    }
}

/// The overall score: Σ w_j a_j over the indicators with a positive re-normalised weight
/// (the weights sum to 1); `None` when no weight is left.
pub(crate) fn overall_score(w: &[f64], scores: &[f64]) -> Option<f64> {
    w.iter().any(|&x| x > 0.0).then(|| {
        w.iter()
            .zip(scores)
            .filter(|(x, _)| **x > 0.0)
            .map(|(x, s)| x * s)
            .sum::<f64>()
    })
}

/// The indicators that pull the unit down most (障碍度): the `top_k` largest weighted
/// shortfalls w_j (1 − a_j) > 0 into `idx`, largest first, ties by id, then by position.
/// Returns the total shortfall Σ w_j (1 − a_j), the denominator of the obstacle share.
///
/// The order is total (the position breaks the last tie), so the list is the first
/// `top_k` of a full sort of the indicators falling short, whichever way it is found. For
/// a short list (`top_k` ≤ [`SHORT_PULL_LIST`], the monitoring default is 3) the list is
/// kept sorted while the indicators are read once: an indicator enters only when it
/// orders before the last one kept, which with a hundred indicators is rare after the
/// first few — about one comparison of two numbers per indicator, where selecting from
/// all of them cost a partition with comparisons of ids (≈ 6 % of a national monitoring
/// run's instructions). A longer list is selected and sorted.
pub(crate) fn pulling_down_into(
    framework: &Framework,
    w: &[f64],
    scores: &[f64],
    top_k: usize,
    idx: &mut Vec<usize>,
) -> f64 {
    let n = w.len();
    let total_short: f64 = (0..n)
        .filter(|&j| w[j] > 0.0)
        .map(|j| w[j] * (1.0 - scores[j]))
        .sum();
    let sf = |j: usize| w[j] * (1.0 - scores[j]);
    let short = |j: &usize| w[*j] > 0.0 && sf(*j) > 0.0;
    // largest shortfall first, ties by id, then by position: a total order
    let order = |a: &usize, b: &usize| {
        sf(*b)
            .total_cmp(&sf(*a))
            .then_with(|| {
                framework.indicators[*a]
                    .id
                    .cmp(&framework.indicators[*b].id)
            })
            .then(a.cmp(b))
    };
    idx.clear();
    if top_k <= SHORT_PULL_LIST {
        for j in (0..n).filter(short) {
            if idx.len() == top_k {
                match idx.last() {
                    Some(last) if order(&j, last).is_lt() => {
                        idx.pop();
                    }
                    // (nothing kept when `top_k` is 0)
                    _ => continue,
                }
            }
            let at = idx.partition_point(|k| order(k, &j).is_lt());
            idx.insert(at, j);
        }
        return total_short;
    }
    idx.extend((0..n).filter(short));
    // picking the `top_k` first and sorting only those gives the list a full sort gives
    if top_k < idx.len() {
        idx.select_nth_unstable_by(top_k, order);
        idx.truncate(top_k);
    }
    idx.sort_unstable_by(order);
    total_short
}

/// The longest list of indicators pulling a unit down that [`pulling_down_into`] keeps
/// sorted as it reads the indicators (longer lists are selected from all of them).
pub(crate) const SHORT_PULL_LIST: usize = 8;

/// The obstacle share of a shortfall: its part of the total (0 when nothing falls short).
pub(crate) fn obstacle_share(shortfall: f64, total: f64) -> f64 {
    if total > 0.0 {
        shortfall / total
    } else {
        0.0
    }
}

/// [`aggregate_in`] with the working buffers of `scratch` (see [`Scratch`]).
pub(crate) fn aggregate_scratch(
    h: &Hierarchy,
    framework: &Framework,
    unit: &Id,
    year: i32,
    scores: &[f64],
    top_k: usize,
    scratch: &mut Scratch,
) -> Result<UnitAchievement> {
    check_scores(framework, unit, year, scores)?;
    let Scratch { available, idx, .. } = scratch;
    available.clear();
    available.extend(scores.iter().map(|s| !s.is_nan()));
    let cov = h.coverage(available);
    let w = &cov.weights;
    let overall = overall_score(w, scores);
    let missing_indicators: Vec<Id> = cov.missing.iter().map(|&j| h.ind_ids[j].clone()).collect();
    let dimensions = cov
        .dims
        .iter()
        .enumerate()
        .map(|(k, d)| DimensionAchievement {
            dimension: h.dim_ids[k].clone(),
            parent: h.dim_parent[k].clone(),
            score: h.dimension_score(k, w, d.wsum, scores),
            n_indicators: h.members(k).len(),
            n_available: d.n_available,
            missing: d.missing.iter().map(|&j| h.ind_ids[j].clone()).collect(),
            weight_covered: d.weight_covered,
        })
        .collect();
    let total_short = pulling_down_into(framework, w, scores, top_k, idx);
    let short: Vec<Shortfall> = idx
        .iter()
        .map(|&j| {
            let sf = w[j] * (1.0 - scores[j]);
            Shortfall {
                indicator: h.ind_ids[j].clone(),
                dimension: h.top_dimension_id(framework, j),
                score: scores[j],
                weight: w[j],
                shortfall: sf,
                obstacle_share: obstacle_share(sf, total_short),
            }
        })
        .collect();
    Ok(UnitAchievement {
        unit: unit.clone(),
        year,
        overall,
        dimensions,
        renormalised: !missing_indicators.is_empty(),
        missing_indicators,
        weight_covered: cov.weight_covered,
        weights_used: cov.weights,
        pulling_down: short,
        indicator_coverage: cov.indicator_coverage,
        withheld: None,
        like_for_like: None,
    })
}

#[cfg(test)]
mod tests {
    use super::{Hierarchy, WeightCache, WEIGHT_CACHE_MAX_PATTERNS};
    use crate::model::builtin;

    /// A deterministic availability pattern of `n` indicators: pattern `k` misses about
    /// one indicator in `2 + k % 7` (none when `k % 7 == 6`; all when `k == 1`; none
    /// when `k == 0`).
    fn pattern(n: usize, k: u64) -> Vec<bool> {
        let mut x = k.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                match k {
                    0 => true,
                    1 => false,
                    _ => x % (2 + k % 7) != 0 || k % 7 == 6,
                }
            })
            .collect()
    }

    fn bits(w: &[f64]) -> Vec<u64> {
        w.iter().map(|x| x.to_bits()).collect()
    }

    /// The indicators pulling a unit down are, for every list length, the first of all
    /// those falling short sorted by the definition — shortfall w_j (1 − a_j) descending,
    /// then id, then position — with many equal shortfalls (a few weights and scores
    /// repeated over the built-in framework's 102 indicators, whose ids are not in
    /// position order), on both paths (kept sorted while reading for short lists,
    /// selected for long ones).
    #[test]
    fn pulling_down_is_the_head_of_the_full_sort() {
        let fw = builtin::quzhou();
        let n = fw.indicators.len();
        let mut idx = Vec::new();
        for case in 0..300u64 {
            let mut x = case.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut next = |m: u64| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % m
            };
            let w: Vec<f64> = (0..n)
                .map(|_| [0.0, 0.01, 0.02][next(3) as usize])
                .collect();
            let a: Vec<f64> = (0..n)
                .map(|_| [0.5, 0.75, 1.0, 1.2, 0.0][next(5) as usize])
                .collect();
            let mut want: Vec<(f64, &str, usize)> = (0..n)
                .filter(|&j| w[j] > 0.0 && w[j] * (1.0 - a[j]) > 0.0)
                .map(|j| (w[j] * (1.0 - a[j]), fw.indicators[j].id.as_str(), j))
                .collect();
            want.sort_by(|p, q| {
                q.0.partial_cmp(&p.0)
                    .unwrap()
                    .then(p.1.cmp(q.1))
                    .then(p.2.cmp(&q.2))
            });
            let total: f64 = (0..n)
                .filter(|&j| w[j] > 0.0)
                .map(|j| w[j] * (1.0 - a[j]))
                .sum();
            for top_k in (0..=super::SHORT_PULL_LIST + 3).chain([60, n, n + 5]) {
                let got = super::pulling_down_into(fw, &w, &a, top_k, &mut idx);
                assert_eq!(got.to_bits(), total.to_bits(), "case {case}");
                let head: Vec<usize> = want.iter().take(top_k).map(|t| t.2).collect();
                assert_eq!(idx, head, "case {case}, top {top_k}");
            }
        }
    }

    /// Every pattern's cached weights are the tree walk's, bit for bit: on first sight, when
    /// seen again (copied), past the cap (computed every time) and after another
    /// hierarchy's patterns went through the same cache.
    #[test]
    fn cached_weights_are_the_walks_bit_for_bit() {
        let fw = builtin::quzhou();
        let h = Hierarchy::new(fw);
        let n = fw.indicators.len();
        let mut cache = WeightCache::default();
        let n_patterns = WEIGHT_CACHE_MAX_PATTERNS as u64 + 600;
        let distinct: std::collections::HashSet<Vec<bool>> =
            (0..n_patterns).map(|k| pattern(n, k)).collect();
        assert!(distinct.len() > WEIGHT_CACHE_MAX_PATTERNS + 100);
        let mut out = vec![f64::NAN; n];
        let mut walked = vec![0.0; n];
        for round in 0..2 {
            for k in 0..n_patterns {
                let a = pattern(n, k);
                out.fill(-1.0);
                cache.weights_into(&h, &a, &mut out);
                h.weights_into(&a, &mut walked);
                assert_eq!(bits(&out), bits(&walked), "pattern {k}, round {round}");
            }
        }
        assert_eq!(cache.index.len(), WEIGHT_CACHE_MAX_PATTERNS);
        // the definition: all available gives the nominal effective weights; any
        // pattern with an available indicator sums to 1; none gives zeros
        cache.weights_into(&h, &pattern(n, 0), &mut out);
        for (x, y) in out.iter().zip(h.nominal()) {
            assert!((x - y).abs() < 1e-15, "{x} vs {y}");
        }
        cache.weights_into(&h, &pattern(n, 1), &mut out);
        assert!(out.iter().all(|&x| x == 0.0));
        for k in 2..40 {
            let a = pattern(n, k);
            cache.weights_into(&h, &a, &mut out);
            let s: f64 = out.iter().sum();
            assert!((s - 1.0).abs() < 1e-12, "pattern {k}: Σw = {s}");
            assert!(out.iter().zip(&a).all(|(&x, &av)| av || x == 0.0));
        }
        // a smaller hierarchy through the same cache: its own weights, not the slots of
        // the first one's
        let mut small = fw.clone();
        small.indicators.truncate(10);
        let hs = Hierarchy::new(&small);
        let mut out_s = vec![f64::NAN; 10];
        let mut walked_s = vec![0.0; 10];
        for k in 0..50 {
            let a = pattern(10, k);
            cache.weights_into(&hs, &a, &mut out_s);
            hs.weights_into(&a, &mut walked_s);
            assert_eq!(bits(&out_s), bits(&walked_s), "small pattern {k}");
        }
    }
}
