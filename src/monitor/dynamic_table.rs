//! [`DynamicTable`]: the dynamic monitoring index of every unit of a monitoring run, held
//! by column.
//!
//! A [`DynamicIndex`] per unit holds, per year, four lists (the indicator and dimension
//! contributions of the change, the indicators excluded from the link, those missing that
//! year), each an allocation, and every entry a shared id (a reference-count increment to
//! write, a decrement to free). At national scale (2,844 units × 10 years × the built-in
//! framework) that was 2.6 million contributions, 110,000 allocations and as many
//! reference-count updates as entries — a fifth of a monitoring run and a good part of
//! freeing its result. The table keeps the per-year numbers in columns and every list's
//! entries in one flat column each, ids by code (indicator `j` has code `j`, dimension `k`
//! code `n + k`); a unit's [`DynamicIndex`] is built on request ([`DynamicTable::record`])
//! and the serde form is the list of those, unchanged. The layout follows the achievement
//! and aggregate tables ([`super::AchievementTable`], [`super::AggregateTable`]).
//!
//! The index itself is defined in [`super::dynamic`] (AMPI rescaling, Mazziotta & Pareto
//! 2016; chained and fixed-base indices with an exact additive decomposition); the single
//! computation there writes into this table, and [`super::dynamic_index`] reads the one
//! unit back.

use std::borrow::Cow;

use super::aggregate::Hierarchy;
use super::dynamic::{Contribution, DynamicIndex, DynamicYear, YearChange};
use super::id::{IdCodes, TextCodes};
use super::Id;

fn nan(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

fn some(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

/// A [`Contribution`] with its id as a code.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Slot {
    code: u32,
    weight: f64,
    points: f64,
    growth_pct: f64,
}

/// The numbers of a [`YearChange`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Change {
    pub(crate) from_year: i32,
    pub(crate) matched_from: f64,
    pub(crate) matched_to: f64,
    pub(crate) link: f64,
}

/// The dynamic index of every unit of a monitoring run (see the module documentation),
/// one entry per unit in the run's order (a unit whose base year is not in the panel has
/// none: see the run's warnings).
#[derive(Debug, Clone, Default)]
pub struct DynamicTable {
    // ids by code
    names: Vec<Id>,
    // per entry (unit)
    unit: Vec<u32>,
    base_year: Vec<i32>,
    // the indicators excluded from the entry's index and why: the entry's are
    // `reason_start[e]..reason_start[e + 1]` of `reason_id` (a code) and `reason_code`
    // (into `reason_text`, the run's distinct reasons: a handful of texts for every unit)
    reason_start: Vec<usize>,
    reason_id: Vec<u32>,
    reason_code: Vec<u32>,
    reason_text: Vec<Cow<'static, str>>,
    // the entry's years are `year_start[e]..year_start[e + 1]`
    year_start: Vec<usize>,
    // per year (NaN = none)
    year: Vec<i32>,
    composite: Vec<f64>,
    fixed_base: Vec<f64>,
    chained: Vec<f64>,
    change: Vec<Option<Change>>,
    // a year's entries of each list are `list[start[r]..start[r + 1]]`
    ind_start: Vec<usize>,
    ind: Vec<Slot>,
    dim_start: Vec<usize>,
    dim: Vec<Slot>,
    excl_start: Vec<usize>,
    excl: Vec<u32>,
    miss_start: Vec<usize>,
    miss: Vec<u32>,
}

impl DynamicTable {
    /// Number of entries (units with a dynamic index).
    pub fn len(&self) -> usize {
        self.unit.len()
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.unit.is_empty()
    }

    /// Unit id of entry `e` (panics when `e >= len()`, as do the other accessors).
    pub fn unit(&self, e: usize) -> &str {
        &self.names[self.unit[e] as usize]
    }

    /// Base year (= 100) of entry `e`.
    pub fn base_year(&self, e: usize) -> i32 {
        self.base_year[e]
    }

    fn years_of(&self, e: usize) -> std::ops::Range<usize> {
        self.year_start[e]..self.year_start[e + 1]
    }

    /// The years of entry `e`, from the base year on.
    pub fn years(&self, e: usize) -> &[i32] {
        &self.year[self.years_of(e)]
    }

    /// The composite of each year of entry `e` (NaN where there is none).
    pub fn composite(&self, e: usize) -> &[f64] {
        &self.composite[self.years_of(e)]
    }

    /// The fixed-base index of each year of entry `e` (NaN where there is none).
    pub fn fixed_base_index(&self, e: usize) -> &[f64] {
        &self.fixed_base[self.years_of(e)]
    }

    /// The chained index of each year of entry `e` (NaN where there is none).
    pub fn chained_index(&self, e: usize) -> &[f64] {
        &self.chained[self.years_of(e)]
    }

    fn contributions(&self, start: &[usize], list: &[Slot], r: usize) -> Vec<Contribution> {
        list[start[r]..start[r + 1]]
            .iter()
            .map(|s| Contribution {
                id: self.names[s.code as usize].clone(),
                weight: s.weight,
                points: s.points,
                growth_pct: s.growth_pct,
            })
            .collect()
    }

    fn ids(&self, start: &[usize], list: &[u32], r: usize) -> Vec<Id> {
        list[start[r]..start[r + 1]]
            .iter()
            .map(|&c| self.names[c as usize].clone())
            .collect()
    }

    /// Entry `e` as a [`DynamicIndex`] (built on the fly; ids shared, not copied).
    pub fn record(&self, e: usize) -> DynamicIndex {
        DynamicIndex {
            unit: self.names[self.unit[e] as usize].clone(),
            base_year: self.base_year[e],
            years: self
                .years_of(e)
                .map(|r| DynamicYear {
                    year: self.year[r],
                    composite: some(self.composite[r]),
                    fixed_base_index: some(self.fixed_base[r]),
                    chained_index: some(self.chained[r]),
                    change: self.change[r].map(|c| YearChange {
                        from_year: c.from_year,
                        matched_from: c.matched_from,
                        matched_to: c.matched_to,
                        link: c.link,
                        indicators: self.contributions(&self.ind_start, &self.ind, r),
                        dimensions: self.contributions(&self.dim_start, &self.dim, r),
                        excluded: self.ids(&self.excl_start, &self.excl, r),
                    }),
                    missing: self.ids(&self.miss_start, &self.miss, r),
                })
                .collect(),
            excluded: (self.reason_start[e]..self.reason_start[e + 1])
                .map(|i| {
                    (
                        self.names[self.reason_id[i] as usize].to_string(),
                        self.reason_text[self.reason_code[i] as usize].to_string(),
                    )
                })
                .collect(),
        }
    }

    /// Every entry in order (each built on the fly).
    pub fn records(&self) -> impl ExactSizeIterator<Item = DynamicIndex> + '_ {
        (0..self.len()).map(|e| self.record(e))
    }

    /// A table of the given indices, in their order. A composite or index of `Some(NaN)`
    /// reads back as `None` (a NaN is not a value).
    pub fn from_records(records: &[DynamicIndex]) -> DynamicTable {
        let mut b = DynamicBuilder::empty(IdCodes::default());
        for d in records {
            let unit = b.code(&d.unit);
            b.begin(unit, d.base_year);
            for y in &d.years {
                for id in &y.missing {
                    let c = b.code(id);
                    b.t.miss.push(c);
                }
                let change = y.change.as_ref().map(|c| {
                    for x in &c.indicators {
                        let code = b.code(&x.id);
                        b.t.ind.push(slot(code, x));
                    }
                    for x in &c.dimensions {
                        let code = b.code(&x.id);
                        b.t.dim.push(slot(code, x));
                    }
                    for id in &c.excluded {
                        let code = b.code(id);
                        b.t.excl.push(code);
                    }
                    Change {
                        from_year: c.from_year,
                        matched_from: c.matched_from,
                        matched_to: c.matched_to,
                        link: c.link,
                    }
                });
                b.end_year(
                    y.year,
                    y.composite,
                    y.fixed_base_index,
                    y.chained_index,
                    change,
                );
            }
            for (id, why) in &d.excluded {
                let code = b.code(&Id::new(id));
                b.excluded(code, &Cow::Owned(why.clone()));
            }
        }
        b.finish()
    }
}

fn slot(code: u32, c: &Contribution) -> Slot {
    Slot {
        code,
        weight: c.weight,
        points: c.points,
        growth_pct: c.growth_pct,
    }
}

record_table_traits!(DynamicTable, DynamicIndex);

/// Writes a [`DynamicTable`] entry by entry (crate-private): `begin` a unit, then per year
/// its list entries followed by `end_year`.
pub(crate) struct DynamicBuilder {
    t: DynamicTable,
    // the table's names, moved into it when finished
    ids: IdCodes,
    // the distinct reasons, moved into `t.reason_text` when finished
    reasons: TextCodes,
}

impl DynamicBuilder {
    fn empty(ids: IdCodes) -> DynamicBuilder {
        let t = DynamicTable {
            year_start: vec![0],
            reason_start: vec![0],
            ind_start: vec![0],
            dim_start: vec![0],
            excl_start: vec![0],
            miss_start: vec![0],
            ..DynamicTable::default()
        };
        DynamicBuilder {
            t,
            ids,
            reasons: TextCodes::default(),
        }
    }

    /// A table whose indicator `j` has code `j` and dimension `k` code `n + k` (`h`'s ids).
    pub(crate) fn new(h: &Hierarchy, n_ind: usize, n_dim: usize) -> DynamicBuilder {
        DynamicBuilder::empty(IdCodes::of_framework(h, n_ind, n_dim))
    }

    /// Reserves room for `units` entries of at most `years` years each, with the lists of
    /// a breakdown over `n_ind` indicators and `n_top` top-level dimensions when
    /// `breakdown`. The lists are reserved at their upper bound (every indicator missing
    /// or contributing every year): grown by doubling they were copied and faulted in
    /// again at every step, while room reserved and never written costs no memory (the
    /// pages are not touched). A reservation that cannot be had is skipped: the columns
    /// then grow as they are written.
    pub(crate) fn reserve(
        &mut self,
        units: usize,
        years: usize,
        n_ind: usize,
        n_top: usize,
        breakdown: bool,
    ) {
        let t = &mut self.t;
        let ny = units.saturating_mul(years);
        let _ = t.unit.try_reserve(units);
        let _ = t.year_start.try_reserve(units);
        let _ = t.base_year.try_reserve(units);
        let _ = t.reason_start.try_reserve(units);
        let _ = t.year.try_reserve(ny);
        for v in [&mut t.composite, &mut t.fixed_base, &mut t.chained] {
            let _ = v.try_reserve(ny);
        }
        let _ = t.change.try_reserve(ny);
        for v in [
            &mut t.ind_start,
            &mut t.dim_start,
            &mut t.excl_start,
            &mut t.miss_start,
        ] {
            let _ = v.try_reserve(ny);
        }
        if breakdown {
            let _ = t.ind.try_reserve(ny.saturating_mul(n_ind));
            let _ = t.dim.try_reserve(ny.saturating_mul(n_top));
            let _ = t.excl.try_reserve(ny.saturating_mul(n_ind));
            let _ = t.miss.try_reserve(ny.saturating_mul(n_ind));
        }
    }

    /// The code of a name (added when new).
    pub(crate) fn code(&mut self, id: &Id) -> u32 {
        self.ids.code(id)
    }

    /// Starts the entry of a unit (`unit` a code).
    pub(crate) fn begin(&mut self, unit: u32, base_year: i32) {
        self.t.unit.push(unit);
        self.t.base_year.push(base_year);
        self.t.reason_start.push(self.t.reason_id.len());
        self.t.year_start.push(self.t.year.len());
    }

    /// An indicator contribution of the year being written.
    pub(crate) fn contribution(&mut self, j: usize, weight: f64, points: f64, growth_pct: f64) {
        self.t.ind.push(Slot {
            code: j as u32,
            weight,
            points,
            growth_pct,
        });
    }

    /// A dimension contribution (`code`: `n + k`) of the year being written.
    pub(crate) fn dimension_contribution(
        &mut self,
        code: usize,
        weight: f64,
        points: f64,
        growth_pct: f64,
    ) {
        self.t.dim.push(Slot {
            code: code as u32,
            weight,
            points,
            growth_pct,
        });
    }

    /// An indicator excluded from the year's link.
    pub(crate) fn excluded_from_link(&mut self, j: usize) {
        self.t.excl.push(j as u32);
    }

    /// An indicator missing in the year.
    pub(crate) fn missing(&mut self, j: usize) {
        self.t.miss.push(j as u32);
    }

    /// Ends the year being written (its list entries are those written since the previous
    /// year) and the unit's entry with it.
    pub(crate) fn end_year(
        &mut self,
        year: i32,
        composite: Option<f64>,
        fixed_base: Option<f64>,
        chained: Option<f64>,
        change: Option<Change>,
    ) {
        let t = &mut self.t;
        t.year.push(year);
        t.composite.push(nan(composite));
        t.fixed_base.push(nan(fixed_base));
        t.chained.push(nan(chained));
        t.change.push(change);
        t.ind_start.push(t.ind.len());
        t.dim_start.push(t.dim.len());
        t.excl_start.push(t.excl.len());
        t.miss_start.push(t.miss.len());
        // the entry's years end here (moved on by each year)
        if let Some(last) = t.year_start.last_mut() {
            *last = t.year.len();
        }
    }

    /// An indicator or other id (`code`) excluded from the last entry's index, and why
    /// (the text kept once per run: a fixed text seen before is found by its address).
    // (the `Cow` itself: whether the text is borrowed is what `TextCodes` reads)
    #[allow(clippy::ptr_arg)]
    pub(crate) fn excluded(&mut self, code: u32, why: &Cow<'static, str>) {
        let rc = self.reasons.code(why);
        let t = &mut self.t;
        t.reason_id.push(code);
        t.reason_code.push(rc);
        // the entry's reasons end here (moved on by each one)
        if let Some(last) = t.reason_start.last_mut() {
            *last = t.reason_id.len();
        }
    }

    /// Appends the entries of `other`, a builder of the same framework over the units that
    /// follow this one's (a run split over threads by units): the table is the one a
    /// single builder would have written for both in turn. A unit keeps its id (one new
    /// here is numbered in `other`'s order, as when written here); the list starts move
    /// on by this table's lengths.
    pub(crate) fn append(&mut self, other: DynamicBuilder) {
        let DynamicBuilder { t: o, ids, reasons } = other;
        let units = self.ids.recode(ids);
        let texts = self.reasons.recode(reasons);
        let t = &mut self.t;
        let (years, ind, dim, excl, miss) = (
            t.year.len(),
            t.ind.len(),
            t.dim.len(),
            t.excl.len(),
            t.miss.len(),
        );
        t.unit.extend(o.unit.iter().map(|&u| units[u as usize]));
        t.base_year.extend_from_slice(&o.base_year);
        // each start list begins with 0, the start of the first entry (or year)
        let moved = |to: &mut Vec<usize>, from: &[usize], by: usize| {
            to.extend(from.iter().skip(1).map(|&s| s + by));
        };
        moved(&mut t.year_start, &o.year_start, years);
        let reasons = t.reason_id.len();
        moved(&mut t.reason_start, &o.reason_start, reasons);
        t.reason_id
            .extend(o.reason_id.iter().map(|&c| units[c as usize]));
        t.reason_code
            .extend(o.reason_code.iter().map(|&c| texts[c as usize]));
        t.year.extend_from_slice(&o.year);
        t.composite.extend_from_slice(&o.composite);
        t.fixed_base.extend_from_slice(&o.fixed_base);
        t.chained.extend_from_slice(&o.chained);
        t.change.extend_from_slice(&o.change);
        moved(&mut t.ind_start, &o.ind_start, ind);
        t.ind.extend_from_slice(&o.ind);
        moved(&mut t.dim_start, &o.dim_start, dim);
        t.dim.extend_from_slice(&o.dim);
        moved(&mut t.excl_start, &o.excl_start, excl);
        t.excl.extend_from_slice(&o.excl);
        moved(&mut t.miss_start, &o.miss_start, miss);
        t.miss.extend_from_slice(&o.miss);
    }

    /// The finished table (room reserved and not used given back: a shrink in place).
    pub(crate) fn finish(mut self) -> DynamicTable {
        let t = &mut self.t;
        t.names = self.ids.into_names();
        t.reason_text = self.reasons.into_texts();
        t.ind.shrink_to_fit();
        t.dim.shrink_to_fit();
        t.excl.shrink_to_fit();
        t.miss.shrink_to_fit();
        self.t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One entry of unit `unit` (one year) excluding `excluded` (id, reason) in order.
    fn entry(b: &mut DynamicBuilder, unit: &str, excluded: &[(&str, &'static str)]) {
        let u = b.code(&Id::new(unit));
        b.begin(u, 2020);
        b.end_year(2020, Some(50.0), Some(100.0), Some(100.0), None);
        for (id, why) in excluded {
            let c = b.code(&Id::new(id));
            b.excluded(c, &Cow::Borrowed(*why));
        }
    }

    fn excluded(t: &DynamicTable, e: usize) -> Vec<(String, String)> {
        t.record(e).excluded
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn exclusion_reasons_are_kept_once_and_read_back_per_unit_across_a_join() {
        let (nt, nb) = ("no numeric target", "no base-year value");
        let mut first = DynamicBuilder::empty(IdCodes::default());
        entry(&mut first, "u1", &[("x", nt)]);
        entry(&mut first, "u2", &[]);
        // a later share: a reason the first has not seen, one it has, and ids new to it
        let mut second = DynamicBuilder::empty(IdCodes::default());
        entry(&mut second, "u3", &[("y", nb), ("x", nt)]);
        entry(&mut second, "u4", &[]);
        entry(&mut second, "u5", &[("x", nb)]);
        first.append(second);
        let t = first.finish();
        assert_eq!(t.len(), 5);
        let want = [
            pairs(&[("x", nt)]),
            vec![],
            pairs(&[("y", nb), ("x", nt)]),
            vec![],
            pairs(&[("x", nb)]),
        ];
        for (e, w) in want.iter().enumerate() {
            assert_eq!(&excluded(&t, e), w, "entry {e}");
        }
        assert_eq!(t.unit(2), "u3");
        // each distinct reason held once
        assert_eq!(t.reason_text.len(), 2);
        // and the same through the serde form's records
        let back = DynamicTable::from_records(&t.records().collect::<Vec<_>>());
        assert_eq!(back, t);
        for (e, w) in want.iter().enumerate() {
            assert_eq!(&excluded(&back, e), w, "entry {e} read back");
        }
    }
}
