//! [`DashboardTable`]: the dashboards of a monitoring run (one per unit), held by column.
//!
//! A [`UnitDashboard`] holds a list of indicator colours and a list of dimension colours,
//! each entry owning a shared id (a reference-count increment to write, a decrement to
//! free) — at national scale 2,844 dashboards with 290,000 indicator entries, two
//! allocations per dashboard and one per dimension. The table keeps the ids and the texts
//! once (an entry refers to its indicator or dimension by code) and the colours in
//! columns; a dashboard is built on request ([`DashboardTable::record`]) and the serde
//! form is the list of dashboards, unchanged. The layout follows the other columnar
//! tables ([`super::TargetTable`], [`super::ScheduleTable`]).

use std::borrow::Cow;

use super::aggregate::Hierarchy;
use super::dashboard::{Colour, DimensionColour, IndicatorColour, UnitDashboard};
use super::id::{IdCodes, TextCodes};
use super::Id;
use crate::alloc::try_reserve;
use crate::error::Result;

/// The dashboards of a monitoring run (see the module documentation), in the run's order
/// of units; within a dashboard the indicators and dimensions in framework order.
#[derive(Debug, Clone, Default)]
pub struct DashboardTable {
    // the ids (units, indicators, dimensions) and the bases' texts by code
    names: Vec<Id>,
    texts: Vec<Cow<'static, str>>,
    // per dashboard: its unit and year, and where its entries end
    unit: Vec<u32>,
    year: Vec<i32>,
    ind_end: Vec<u32>,
    dim_end: Vec<u32>,
    // per indicator entry
    ind: Vec<u32>,
    ind_colour: Vec<Colour>,
    ind_basis: Vec<u32>,
    // per dimension entry, with where its worst indicators end
    dim: Vec<u32>,
    dim_colour: Vec<Colour>,
    worst_end: Vec<u32>,
    // the worst indicators of every dimension entry in turn
    worst: Vec<u32>,
}

/// `start..end` of entry `k` of a list whose entries end at `ends`.
fn span(ends: &[u32], k: usize) -> std::ops::Range<usize> {
    let start = if k == 0 { 0 } else { ends[k - 1] as usize };
    start..ends[k] as usize
}

impl DashboardTable {
    /// Number of dashboards (units).
    pub fn len(&self) -> usize {
        self.unit.len()
    }

    /// Whether there is no dashboard.
    pub fn is_empty(&self) -> bool {
        self.unit.is_empty()
    }

    /// Unit id of dashboard `k` (panics when `k >= len()`, as do the other accessors).
    pub fn unit(&self, k: usize) -> &Id {
        &self.names[self.unit[k] as usize]
    }

    /// Year of dashboard `k`.
    pub fn year(&self, k: usize) -> i32 {
        self.year[k]
    }

    /// The position of the dashboard of `unit`: `at` when that dashboard is there (a
    /// run's dashboards are in its order of units), else found by a search.
    pub fn find_at(&self, at: usize, unit: &str) -> Option<usize> {
        if at < self.len() && *self.unit(at) == *unit {
            return Some(at);
        }
        (0..self.len()).find(|&k| *self.unit(k) == *unit)
    }

    /// The colour of indicator `indicator` on dashboard `k`: its entry at position `at`
    /// (framework order) when that is the indicator's, else found among the dashboard's
    /// entries; `None` when the dashboard has no such indicator.
    pub fn indicator_colour(&self, k: usize, at: usize, indicator: &str) -> Option<Colour> {
        let s = span(&self.ind_end, k);
        let is = |e: usize| self.names[self.ind[e] as usize] == *indicator;
        let e = s
            .start
            .checked_add(at)
            .filter(|&e| e < s.end && is(e))
            .or_else(|| s.clone().find(|&e| is(e)))?;
        Some(self.ind_colour[e])
    }

    /// The top-level dimensions of dashboard `k` with their colours, in order (panics when
    /// `k >= len()`): for many look-ups, one pass instead of a search each.
    pub fn dimension_colours(&self, k: usize) -> impl Iterator<Item = (&str, Colour)> + '_ {
        span(&self.dim_end, k).map(|e| (&*self.names[self.dim[e] as usize], self.dim_colour[e]))
    }

    /// The colour of top-level dimension `dimension` on dashboard `k` (`None`: not on it).
    pub fn dimension_colour(&self, k: usize, dimension: &str) -> Option<Colour> {
        span(&self.dim_end, k)
            .find(|&e| self.names[self.dim[e] as usize] == *dimension)
            .map(|e| self.dim_colour[e])
    }

    /// Dashboard `k` (built from the columns; panics when `k >= len()`).
    pub fn record(&self, k: usize) -> UnitDashboard {
        let id = |c: u32| self.names[c as usize].clone();
        UnitDashboard {
            unit: self.unit(k).clone(),
            year: self.year[k],
            indicators: span(&self.ind_end, k)
                .map(|e| IndicatorColour {
                    indicator: id(self.ind[e]),
                    colour: self.ind_colour[e],
                    basis: self.texts[self.ind_basis[e] as usize].clone(),
                })
                .collect(),
            dimensions: span(&self.dim_end, k)
                .map(|e| DimensionColour {
                    dimension: id(self.dim[e]),
                    colour: self.dim_colour[e],
                    worst: self.worst[span(&self.worst_end, e)]
                        .iter()
                        .map(|&c| id(c))
                        .collect(),
                })
                .collect(),
        }
    }

    /// Dashboard `k`, `None` when `k >= len()`.
    pub fn get(&self, k: usize) -> Option<UnitDashboard> {
        (k < self.len()).then(|| self.record(k))
    }

    /// Every dashboard, in order (each built on request).
    pub fn records(&self) -> impl ExactSizeIterator<Item = UnitDashboard> + '_ {
        (0..self.len()).map(|k| self.record(k))
    }

    /// A table of the given dashboards, in their order.
    pub fn from_records(records: &[UnitDashboard]) -> DashboardTable {
        DashboardBuilder::of_records(records).finish()
    }
}

record_table_traits!(DashboardTable, UnitDashboard);

/// Writes a [`DashboardTable`] dashboard by dashboard (crate-private).
pub(crate) struct DashboardBuilder {
    t: DashboardTable,
    ids: IdCodes,
    texts: TextCodes,
}

impl DashboardBuilder {
    /// A table whose indicator `j` has code `j` and dimension `k` code `n_ind + k` (`h`'s
    /// ids), with room for `units` dashboards of `n_ind` indicators and `n_top` top-level
    /// dimensions.
    pub(crate) fn new(
        h: &Hierarchy,
        (n_ind, n_dim, n_top): (usize, usize, usize),
        units: usize,
    ) -> Result<DashboardBuilder> {
        const W: &str = "dashboard table";
        let mut t = DashboardTable::default();
        try_reserve(&mut t.unit, W, units)?;
        try_reserve(&mut t.year, W, units)?;
        try_reserve(&mut t.ind_end, W, units)?;
        try_reserve(&mut t.dim_end, W, units)?;
        let cells = units.saturating_mul(n_ind);
        try_reserve(&mut t.ind, W, cells)?;
        try_reserve(&mut t.ind_colour, W, cells)?;
        try_reserve(&mut t.ind_basis, W, cells)?;
        let dims = units.saturating_mul(n_top);
        try_reserve(&mut t.dim, W, dims)?;
        try_reserve(&mut t.dim_colour, W, dims)?;
        try_reserve(&mut t.worst_end, W, dims)?;
        try_reserve(&mut t.worst, W, dims.saturating_mul(2))?;
        Ok(DashboardBuilder {
            t,
            ids: IdCodes::of_framework(h, n_ind, n_dim),
            texts: TextCodes::default(),
        })
    }

    /// The code of a unit (numbered when new).
    pub(crate) fn unit(&mut self, id: &Id) -> u32 {
        self.ids.code(id)
    }

    /// Starts the dashboard of unit `unit` (a code) in `year`.
    pub(crate) fn begin(&mut self, unit: u32, year: i32) {
        let t = &mut self.t;
        t.unit.push(unit);
        t.year.push(year);
        t.ind_end.push(t.ind.len() as u32);
        t.dim_end.push(t.dim.len() as u32);
    }

    /// Appends an indicator (a code) with its colour and basis to the current dashboard
    /// (the basis as a `Cow`: a fixed text is coded by its address, see [`TextCodes`]).
    #[allow(clippy::ptr_arg)]
    pub(crate) fn indicator(&mut self, indicator: u32, colour: Colour, basis: &Cow<'static, str>) {
        let b = self.texts.code(basis);
        let t = &mut self.t;
        t.ind.push(indicator);
        t.ind_colour.push(colour);
        t.ind_basis.push(b);
        if let Some(e) = t.ind_end.last_mut() {
            *e = t.ind.len() as u32;
        }
    }

    /// Appends a dimension (a code) with its colour and worst indicators (codes) to the
    /// current dashboard.
    pub(crate) fn dimension(
        &mut self,
        dimension: u32,
        colour: Colour,
        worst: impl IntoIterator<Item = u32>,
    ) {
        let t = &mut self.t;
        t.dim.push(dimension);
        t.dim_colour.push(colour);
        t.worst.extend(worst);
        t.worst_end.push(t.worst.len() as u32);
        if let Some(e) = t.dim_end.last_mut() {
            *e = t.dim.len() as u32;
        }
    }

    /// A builder holding the given dashboards, in their order (ids numbered as met).
    fn of_records(records: &[UnitDashboard]) -> DashboardBuilder {
        let mut b = DashboardBuilder {
            t: DashboardTable::default(),
            ids: IdCodes::default(),
            texts: TextCodes::default(),
        };
        for d in records {
            b.push_record(d);
        }
        b
    }

    /// Appends a whole dashboard (its ids numbered when new).
    fn push_record(&mut self, d: &UnitDashboard) {
        let u = self.ids.code(&d.unit);
        self.begin(u, d.year);
        for c in &d.indicators {
            let i = self.ids.code(&c.indicator);
            self.indicator(i, c.colour, &c.basis);
        }
        for c in &d.dimensions {
            let dim = self.ids.code(&c.dimension);
            let worst: Vec<u32> = c.worst.iter().map(|w| self.ids.code(w)).collect();
            self.dimension(dim, c.colour, worst);
        }
    }

    /// Appends the dashboards of `other`, a builder over the units that follow this one's
    /// (a run split over threads): the table is the one a single builder would have
    /// written for both in turn (ids and texts re-coded here, entry ends moved on).
    pub(crate) fn append(&mut self, other: DashboardBuilder) {
        let DashboardBuilder { t: o, ids, texts } = other;
        let codes = self.ids.recode(ids);
        let text_codes = self.texts.recode(texts);
        let t = &mut self.t;
        let (ni, nd, nw) = (t.ind.len() as u32, t.dim.len() as u32, t.worst.len() as u32);
        let id = |c: &u32| codes[*c as usize];
        t.unit.extend(o.unit.iter().map(id));
        t.year.extend_from_slice(&o.year);
        t.ind_end.extend(o.ind_end.iter().map(|e| e + ni));
        t.dim_end.extend(o.dim_end.iter().map(|e| e + nd));
        t.ind.extend(o.ind.iter().map(id));
        t.ind_colour.extend_from_slice(&o.ind_colour);
        t.ind_basis
            .extend(o.ind_basis.iter().map(|c| text_codes[*c as usize]));
        t.dim.extend(o.dim.iter().map(id));
        t.dim_colour.extend_from_slice(&o.dim_colour);
        t.worst_end.extend(o.worst_end.iter().map(|e| e + nw));
        t.worst.extend(o.worst.iter().map(id));
    }

    /// The finished table.
    pub(crate) fn finish(self) -> DashboardTable {
        let DashboardBuilder { mut t, ids, texts } = self;
        t.names = ids.into_names();
        t.texts = texts.into_texts();
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dashboard(unit: &str, year: i32, colours: &[(&str, Colour)]) -> UnitDashboard {
        UnitDashboard {
            unit: Id::new(unit),
            year,
            indicators: colours
                .iter()
                .map(|&(i, c)| IndicatorColour {
                    indicator: Id::new(i),
                    colour: c,
                    basis: Cow::Borrowed(if i.starts_with('a') {
                        "absolute_thresholds"
                    } else {
                        "achievement_score"
                    }),
                })
                .collect(),
            dimensions: vec![
                DimensionColour {
                    dimension: Id::new("d1"),
                    colour: Colour::Orange,
                    worst: vec![Id::new(colours[0].0)],
                },
                DimensionColour {
                    dimension: Id::new("d2"),
                    colour: Colour::Grey,
                    worst: Vec::new(),
                },
            ],
        }
    }

    /// Dashboards of different shapes (another order of indicators, one missing, no
    /// dimension) read back as written, by record and by field.
    #[test]
    fn records_and_lookups_read_back() {
        let mut odd = dashboard("c", 2024, &[("b_x", Colour::Red), ("a_y", Colour::Green)]);
        odd.dimensions.clear();
        let records = vec![
            dashboard(
                "a",
                2025,
                &[("a_y", Colour::Green), ("b_x", Colour::Yellow)],
            ),
            dashboard("b", 2025, &[("a_y", Colour::Grey)]),
            odd,
        ];
        let t = DashboardTable::from_records(&records);
        assert_eq!(t.len(), 3);
        assert_eq!(t.records().collect::<Vec<_>>(), records);
        assert_eq!(t.get(1), Some(records[1].clone()));
        assert_eq!(t.get(3), None);
        assert_eq!((t.unit(2).as_str(), t.year(2)), ("c", 2024));
        // by position, out of position and absent
        assert_eq!(t.indicator_colour(0, 1, "b_x"), Some(Colour::Yellow));
        assert_eq!(t.indicator_colour(2, 1, "b_x"), Some(Colour::Red));
        assert_eq!(t.indicator_colour(1, 1, "b_x"), None);
        assert_eq!(t.indicator_colour(1, 0, "a_y"), Some(Colour::Grey));
        assert_eq!(t.dimension_colour(0, "d2"), Some(Colour::Grey));
        assert_eq!(t.dimension_colour(2, "d1"), None);
        assert_eq!(t.find_at(1, "b"), Some(1));
        assert_eq!(t.find_at(0, "c"), Some(2));
        assert_eq!(t.find_at(0, "z"), None);
        // the serde form is the list of dashboards
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, serde_json::to_string(&records).unwrap());
        let back: DashboardTable = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        // a changed colour makes the tables differ
        let mut changed = records.clone();
        changed[2].dimensions = records[0].dimensions.clone();
        assert_ne!(DashboardTable::from_records(&changed), t);
    }

    /// Two builders joined equal one builder over both unit lists.
    #[test]
    fn a_join_equals_one_builder() {
        let records = [
            dashboard(
                "a",
                2025,
                &[("a_y", Colour::Green), ("b_x", Colour::Yellow)],
            ),
            dashboard("b", 2025, &[("b_x", Colour::Red)]),
            dashboard(
                "c",
                2025,
                &[("c_z", Colour::Orange), ("a_y", Colour::Green)],
            ),
        ];
        let mut first = DashboardBuilder::of_records(&records[..1]);
        first.append(DashboardBuilder::of_records(&records[1..]));
        let joined = first.finish();
        assert_eq!(joined.records().collect::<Vec<_>>(), records);
        assert_eq!(joined, DashboardTable::from_records(&records));
    }
}
