//! [`AggregateTable`]: the aggregated achievement of every unit × year of a monitoring
//! run, held by column.
//!
//! A [`UnitAchievement`] is about 3.8 KB at the built-in framework's size (16 dimensions,
//! 102 indicators: each dimension's record with its lists, the weight vector, the
//! missing lists) and several allocations (the lists, each dimension's non-empty missing
//! list); at national scale (2,844 units × 10 years) that was 110 MB written once and
//! mostly never read. Most of it
//! depends only on which indicators have a score — the availability pattern: the
//! re-normalised weights, the missing indicators, the weight and indicator coverage
//! overall and per dimension (the coverage). The table keeps each distinct pattern once
//! and, per unit × year, only what depends on the scores: the overall and dimension
//! scores, the indicators pulling the unit down, the like-for-like change and a withheld
//! overall's reason — about 350 bytes. Ids are held once and referred to by code.
//!
//! A record is built on request ([`AggregateTable::record`], [`AggregateTable::records`])
//! and equals what [`super::aggregate_in`] returns for the same scores (with the
//! monitoring run's coverage rule and like-for-like change); the serde form is the list
//! of records, unchanged. The columnar layout follows the achievement table
//! ([`super::AchievementTable`]); the split of pattern-dependent from value-dependent
//! parts is the "cache of re-normalised weights by availability pattern" of
//! docs/benchmarks.md.

use std::collections::HashMap;

use super::aggregate::{
    obstacle_share, overall_score, pulling_down_into, withheld_text, Coverage, Hierarchy,
};
use super::id::IdCodes;
use super::{DimensionAchievement, Id, LikeForLike, Shortfall, UnitAchievement};
use crate::alloc::try_reserve;
use crate::error::Result;
use crate::model::Framework;

fn nan(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

fn some(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

/// One distinct coverage (see the module documentation), ids as codes into
/// `AggregateTable::names`.
#[derive(Debug, Clone, PartialEq)]
struct CoverageEntry {
    missing_indicators: Vec<u32>,
    weight_covered: f64,
    renormalised: bool,
    weights_used: Vec<f64>,
    indicator_coverage: f64,
    dims: Vec<DimEntry>,
}

#[derive(Debug, Clone, PartialEq)]
struct DimEntry {
    dimension: u32,
    parent: Option<u32>,
    n_indicators: usize,
    n_available: usize,
    missing: Vec<u32>,
    weight_covered: f64,
    // Σ of the members' re-normalised weights (a monitoring run's coverage only; not part
    // of the record)
    wsum: f64,
}

/// One indicator pulling a unit down ([`Shortfall`] with codes).
#[derive(Debug, Clone, Copy, PartialEq)]
struct PullSlot {
    indicator: u32,
    dimension: u32,
    score: f64,
    weight: f64,
    shortfall: f64,
    obstacle_share: f64,
}

/// The aggregated achievement of every unit × year of a monitoring run (see the module
/// documentation). Records are in the run's order: unit-major, years ascending.
#[derive(Debug, Clone, Default)]
pub struct AggregateTable {
    // the ids (units, indicators, dimensions), each once
    names: Vec<Id>,
    coverages: Vec<CoverageEntry>,
    // per record
    unit: Vec<u32>,
    year: Vec<i32>,
    // NaN = none (scores are in [0, 1], so a weighted mean is never NaN)
    overall: Vec<f64>,
    coverage: Vec<u32>,
    // the record's dimension scores start here in `dim_score` (one per dimension of its
    // coverage); its pulling-down entries are `pulls[pull_start[k]..pull_start[k + 1]]`
    dim_start: Vec<usize>,
    dim_score: Vec<f64>,
    pull_start: Vec<usize>,
    pulls: Vec<PullSlot>,
    like_for_like: Vec<Option<LikeForLike>>,
    // sparse, sorted by record
    withheld: Vec<(u32, String)>,
}

impl AggregateTable {
    /// Number of records (unit × year).
    pub fn len(&self) -> usize {
        self.unit.len()
    }

    /// Whether there is no record.
    pub fn is_empty(&self) -> bool {
        self.unit.is_empty()
    }

    /// Unit id of record `k` (panics when `k >= len()`, as do the other accessors).
    pub fn unit(&self, k: usize) -> &str {
        &self.names[self.unit[k] as usize]
    }

    /// Year of record `k`.
    pub fn year(&self, k: usize) -> i32 {
        self.year[k]
    }

    /// Overall score of record `k` ([`UnitAchievement::overall`]).
    pub fn overall(&self, k: usize) -> Option<f64> {
        some(self.overall[k])
    }

    /// Indicator coverage of record `k` ([`UnitAchievement::indicator_coverage`]).
    pub fn indicator_coverage(&self, k: usize) -> f64 {
        self.coverages[self.coverage[k] as usize].indicator_coverage
    }

    /// Why the overall score of record `k` is withheld, if it is.
    pub fn withheld(&self, k: usize) -> Option<&str> {
        self.withheld
            .binary_search_by_key(&(k as u32), |w| w.0)
            .ok()
            .map(|i| self.withheld[i].1.as_str())
    }

    /// The score of `dimension` in record `k`: `None` when the record has no such
    /// dimension, `Some(None)` when the dimension has no score.
    pub fn dimension_score(&self, k: usize, dimension: &str) -> Option<Option<f64>> {
        let c = &self.coverages[self.coverage[k] as usize];
        c.dims
            .iter()
            .position(|d| &*self.names[d.dimension as usize] == dimension)
            .map(|i| some(self.dim_score[self.dim_start[k] + i]))
    }

    /// Whether any record has `dimension`.
    pub fn has_dimension(&self, dimension: &str) -> bool {
        self.coverages.iter().any(|c| {
            c.dims
                .iter()
                .any(|d| &*self.names[d.dimension as usize] == dimension)
        })
    }

    /// Record `k` as a [`UnitAchievement`] (built on the fly; ids shared, not copied).
    pub fn record(&self, k: usize) -> UnitAchievement {
        let c = &self.coverages[self.coverage[k] as usize];
        let name = |code: u32| self.names[code as usize].clone();
        let ds = self.dim_start[k];
        UnitAchievement {
            unit: name(self.unit[k]),
            year: self.year[k],
            overall: some(self.overall[k]),
            dimensions: c
                .dims
                .iter()
                .enumerate()
                .map(|(i, d)| DimensionAchievement {
                    dimension: name(d.dimension),
                    parent: d.parent.map(name),
                    score: some(self.dim_score[ds + i]),
                    n_indicators: d.n_indicators,
                    n_available: d.n_available,
                    missing: d.missing.iter().map(|&m| name(m)).collect(),
                    weight_covered: d.weight_covered,
                })
                .collect(),
            missing_indicators: c.missing_indicators.iter().map(|&m| name(m)).collect(),
            weight_covered: c.weight_covered,
            renormalised: c.renormalised,
            weights_used: c.weights_used.clone(),
            pulling_down: self.pulls[self.pull_start[k]..self.pull_start[k + 1]]
                .iter()
                .map(|p| Shortfall {
                    indicator: name(p.indicator),
                    dimension: name(p.dimension),
                    score: p.score,
                    weight: p.weight,
                    shortfall: p.shortfall,
                    obstacle_share: p.obstacle_share,
                })
                .collect(),
            indicator_coverage: c.indicator_coverage,
            withheld: self.withheld(k).map(str::to_string),
            like_for_like: self.like_for_like[k].clone(),
        }
    }

    /// Every record in order (each built on the fly).
    pub fn records(&self) -> impl ExactSizeIterator<Item = UnitAchievement> + '_ {
        (0..self.len()).map(|k| self.record(k))
    }

    /// A table of the given records, in their order. Each record keeps its own coverage
    /// (no sharing is looked for); an overall or dimension score of `Some(NaN)` reads
    /// back as `None` (a NaN is not a score).
    pub fn from_records(records: &[UnitAchievement]) -> AggregateTable {
        let mut t = AggregateTable::default();
        let mut ids = IdCodes::default();
        t.pull_start.push(0);
        for (k, r) in records.iter().enumerate() {
            let c = CoverageEntry {
                missing_indicators: r.missing_indicators.iter().map(|m| ids.code(m)).collect(),
                weight_covered: r.weight_covered,
                renormalised: r.renormalised,
                weights_used: r.weights_used.clone(),
                indicator_coverage: r.indicator_coverage,
                dims: r
                    .dimensions
                    .iter()
                    .map(|d| DimEntry {
                        dimension: ids.code(&d.dimension),
                        parent: d.parent.as_ref().map(|p| ids.code(p)),
                        n_indicators: d.n_indicators,
                        n_available: d.n_available,
                        missing: d.missing.iter().map(|m| ids.code(m)).collect(),
                        weight_covered: d.weight_covered,
                        wsum: f64::NAN,
                    })
                    .collect(),
            };
            t.coverages.push(c);
            let unit = ids.code(&r.unit);
            t.unit.push(unit);
            t.year.push(r.year);
            t.overall.push(nan(r.overall));
            t.coverage.push((t.coverages.len() - 1) as u32);
            t.dim_start.push(t.dim_score.len());
            t.dim_score
                .extend(r.dimensions.iter().map(|d| nan(d.score)));
            for s in &r.pulling_down {
                let slot = PullSlot {
                    indicator: ids.code(&s.indicator),
                    dimension: ids.code(&s.dimension),
                    score: s.score,
                    weight: s.weight,
                    shortfall: s.shortfall,
                    obstacle_share: s.obstacle_share,
                };
                t.pulls.push(slot);
            }
            t.pull_start.push(t.pulls.len());
            t.like_for_like.push(r.like_for_like.clone());
            if let Some(w) = &r.withheld {
                t.withheld.push((k as u32, w.clone()));
            }
        }
        t.names = ids.into_names();
        t
    }
}

record_table_traits!(AggregateTable, UnitAchievement);

/// Builds the table of a monitoring run unit by unit (crate-private): each distinct
/// coverage is computed once, found again by its availability pattern and indicator
/// coverage; nothing is allocated per record once the columns have grown.
pub(crate) struct AggregateBuilder {
    t: AggregateTable,
    // the table's names, moved into it when finished
    ids: IdCodes,
    // (availability bits, indicator coverage bits) → coverage
    index: HashMap<Box<[u64]>, u32>,
    key: Vec<u64>,
    idx: Vec<usize>,
    // code of framework indicator j is `j`, of dimension k `n_ind + k`; the code of each
    // dimension's parent and of each indicator's top-level dimension
    n_ind: usize,
    parent: Vec<Option<u32>>,
    top: Vec<u32>,
}

impl AggregateBuilder {
    /// An empty table for `framework` (indexed by `h`), sized for `records` records with
    /// at most `top_k` indicators pulling each down (that list reserved at its upper
    /// bound, which costs no memory where it is not written; skipped when it cannot be had).
    pub(crate) fn new(
        h: &Hierarchy,
        framework: &Framework,
        records: usize,
        top_k: usize,
    ) -> Result<AggregateBuilder> {
        const W: &str = "aggregate table";
        let n_ind = framework.indicators.len();
        let n_dim = framework.dimensions.len();
        let mut t = AggregateTable::default();
        try_reserve(&mut t.unit, W, records)?;
        try_reserve(&mut t.year, W, records)?;
        try_reserve(&mut t.overall, W, records)?;
        try_reserve(&mut t.coverage, W, records)?;
        try_reserve(&mut t.dim_start, W, records)?;
        try_reserve(&mut t.dim_score, W, records.saturating_mul(n_dim))?;
        try_reserve(&mut t.pull_start, W, records.saturating_add(1))?;
        t.pull_start.push(0);
        try_reserve(&mut t.like_for_like, W, records)?;
        let _ = t
            .pulls
            .try_reserve(records.saturating_mul(top_k.min(n_ind)));
        // a parent, or a dimension outside the tree (never in a validated framework), by name
        let mut ids = IdCodes::of_framework(h, n_ind, n_dim);
        let parent = (0..n_dim)
            .map(|k| h.dimension_parent(k).map(|p| ids.code(p)))
            .collect();
        let top = (0..n_ind)
            .map(|j| match h.top()[j] {
                k if k < n_dim => (n_ind + k) as u32,
                _ => ids.code(&h.top_dimension_id(framework, j)),
            })
            .collect();
        Ok(AggregateBuilder {
            t,
            ids,
            index: HashMap::new(),
            key: Vec::new(),
            idx: Vec::new(),
            n_ind,
            parent,
            top,
        })
    }

    /// The code of a unit.
    pub(crate) fn unit(&mut self, id: &Id) -> u32 {
        self.ids.code(id)
    }

    /// Appends the aggregate of `unit` in `year` from `scores` (checked by the caller,
    /// NaN = missing): its coverage (with `indicator_coverage` replacing the pattern's own
    /// share when given: a unit's indicators not scored by design leave the denominator),
    /// the overall score withheld below `min_coverage`, the dimension scores and the
    /// `top_k` indicators pulling it down. Returns the overall score as published.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push(
        &mut self,
        h: &Hierarchy,
        framework: &Framework,
        unit: u32,
        year: i32,
        scores: &[f64],
        indicator_coverage: Option<f64>,
        min_coverage: f64,
        top_k: usize,
    ) -> Option<f64> {
        let k = self.t.unit.len();
        // the coverage, found by its pattern
        self.key.clear();
        let words = scores.len().div_ceil(64);
        self.key.resize(words + 2, 0);
        for (j, s) in scores.iter().enumerate() {
            if !s.is_nan() {
                self.key[j / 64] |= 1 << (j % 64);
            }
        }
        self.key[words] = indicator_coverage.map_or(0, f64::to_bits);
        self.key[words + 1] = u64::from(indicator_coverage.is_some());
        let ci = match self.index.get(&self.key[..]) {
            Some(&c) => c,
            None => {
                let available: Vec<bool> = scores.iter().map(|s| !s.is_nan()).collect();
                let mut cov = h.coverage(&available);
                if let Some(ic) = indicator_coverage {
                    cov.indicator_coverage = ic;
                }
                let entry = self.entry(h, cov);
                self.t.coverages.push(entry);
                let c = (self.t.coverages.len() - 1) as u32;
                self.index.insert(self.key.clone().into_boxed_slice(), c);
                c
            }
        };
        let c = &self.t.coverages[ci as usize];
        let w = &c.weights_used;
        let mut overall = overall_score(w, scores);
        if overall.is_some() && c.indicator_coverage < min_coverage {
            overall = None;
            self.t
                .withheld
                .push((k as u32, withheld_text(c.indicator_coverage, min_coverage)));
        }
        self.t.dim_start.push(self.t.dim_score.len());
        // a coverage computed here has one entry per framework dimension, in order
        for (i, d) in c.dims.iter().enumerate() {
            debug_assert_eq!(d.dimension as usize, self.n_ind + i);
            self.t
                .dim_score
                .push(nan(h.dimension_score(i, w, d.wsum, scores)));
        }
        let total = pulling_down_into(framework, w, scores, top_k, &mut self.idx);
        for &j in &self.idx {
            let sf = w[j] * (1.0 - scores[j]);
            self.t.pulls.push(PullSlot {
                indicator: j as u32,
                dimension: self.top[j],
                score: scores[j],
                weight: w[j],
                shortfall: sf,
                obstacle_share: obstacle_share(sf, total),
            });
        }
        self.t.pull_start.push(self.t.pulls.len());
        self.t.unit.push(unit);
        self.t.year.push(year);
        self.t.overall.push(nan(overall));
        self.t.coverage.push(ci);
        self.t.like_for_like.push(None);
        overall
    }

    /// Sets the like-for-like change of the last record pushed.
    pub(crate) fn set_like_for_like(&mut self, lfl: Option<LikeForLike>) {
        if let Some(last) = self.t.like_for_like.last_mut() {
            *last = lfl;
        }
    }

    fn entry(&self, h: &Hierarchy, cov: Coverage) -> CoverageEntry {
        let dims = cov
            .dims
            .into_iter()
            .enumerate()
            .map(|(k, d)| DimEntry {
                dimension: (self.n_ind + k) as u32,
                parent: self.parent[k],
                n_indicators: h.members(k).len(),
                n_available: d.n_available,
                missing: d.missing.iter().map(|&j| j as u32).collect(),
                weight_covered: d.weight_covered,
                wsum: d.wsum,
            })
            .collect();
        CoverageEntry {
            renormalised: !cov.missing.is_empty(),
            missing_indicators: cov.missing.iter().map(|&j| j as u32).collect(),
            weight_covered: cov.weight_covered,
            weights_used: cov.weights,
            indicator_coverage: cov.indicator_coverage,
            dims,
        }
    }

    /// The finished table (room reserved and not used given back: a shrink in place).
    /// Appends the records of `other`, a builder of the same framework over the units
    /// that follow this one's (a run split over threads by units): the table is the one
    /// a single builder would have written for both in turn. A unit keeps its id and a
    /// coverage its availability pattern; those new here are numbered in `other`'s order
    /// of first use, as when written here; record positions move on by this table's.
    pub(crate) fn append(&mut self, other: AggregateBuilder) {
        let records = self.t.unit.len() as u32;
        let dims = self.t.dim_score.len();
        let pulls = self.t.pulls.len();
        let AggregateBuilder {
            t: mut o,
            ids,
            index,
            ..
        } = other;
        let units = self.ids.recode(ids);
        // `other`'s patterns by code, each found here or added in its order
        let mut keys: Vec<&[u64]> = vec![&[]; o.coverages.len()];
        for (k, &c) in &index {
            keys[c as usize] = k;
        }
        let mut coverages = Vec::with_capacity(keys.len());
        for (entry, key) in std::mem::take(&mut o.coverages).into_iter().zip(keys) {
            let c = match self.index.get(key) {
                Some(&c) => c,
                None => {
                    self.t.coverages.push(entry);
                    let c = (self.t.coverages.len() - 1) as u32;
                    self.index.insert(key.into(), c);
                    c
                }
            };
            coverages.push(c);
        }
        let t = &mut self.t;
        t.unit.extend(o.unit.iter().map(|&u| units[u as usize]));
        t.year.extend_from_slice(&o.year);
        t.overall.extend_from_slice(&o.overall);
        t.coverage
            .extend(o.coverage.iter().map(|&c| coverages[c as usize]));
        t.dim_start.extend(o.dim_start.iter().map(|&s| s + dims));
        t.dim_score.extend_from_slice(&o.dim_score);
        t.pull_start
            .extend(o.pull_start.iter().skip(1).map(|&s| s + pulls));
        t.pulls.extend_from_slice(&o.pulls);
        t.like_for_like.extend(o.like_for_like);
        t.withheld
            .extend(o.withheld.into_iter().map(|(k, s)| (k + records, s)));
    }

    pub(crate) fn finish(mut self) -> AggregateTable {
        self.t.pulls.shrink_to_fit();
        self.t.names = self.ids.into_names();
        self.t
    }
}
