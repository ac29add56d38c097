//! [`TrendTable`]: the trend assessment of every unit × indicator of a monitoring run,
//! held by column.
//!
//! A [`TrendAssessment`] owns two shared ids (a reference-count increment each to write,
//! a decrement each to free) and its note; at national scale (2,844 units × 102
//! indicators) the list was 290,000 records of 136 bytes — with the schedule's, a
//! quarter of a monitoring run's fresh pages. The table keeps the ids once (a record
//! refers to its unit and indicator by code), each distinct note once (a record holds
//! its code: the notes are a few dozen texts) and the numbers in columns; a record is
//! built on request ([`TrendTable::record`]) and the serde form is the list of records,
//! unchanged. The layout follows the aggregate and dynamic tables
//! ([`super::AggregateTable`], [`super::DynamicTable`]).

use std::borrow::Cow;

use super::aggregate::Hierarchy;
use super::id::{IdCodes, RecordIds, TextCodes};
use super::trend::{TrendAssessment, TrendCategory, TrendFields};
use super::Id;
use crate::alloc::try_reserve;
use crate::error::Result;

/// The trend assessments of a monitoring run (see the module documentation), in the
/// run's order: unit-major, framework order.
#[derive(Debug, Clone, Default)]
pub struct TrendTable {
    // the unit and indicator of each record (ids by code), and each distinct note
    ids: RecordIds,
    notes: Vec<Cow<'static, str>>,
    // per record
    from_year: Vec<Option<i32>>,
    to_year: Vec<Option<i32>>,
    cagr_observed: Vec<Option<f64>>,
    cagr_required: Vec<Option<f64>>,
    ratio: Vec<Option<f64>>,
    category: Vec<TrendCategory>,
    score: Vec<Option<f64>>,
    note: Vec<u32>,
}

impl TrendTable {
    /// Category of record `k`.
    pub fn category(&self, k: usize) -> TrendCategory {
        self.category[k]
    }

    /// Record `k` (built from the columns; panics when `k >= len()`).
    pub fn record(&self, k: usize) -> TrendAssessment {
        TrendFields {
            from_year: self.from_year[k],
            to_year: self.to_year[k],
            cagr_observed: self.cagr_observed[k],
            cagr_required: self.cagr_required[k],
            ratio: self.ratio[k],
            category: self.category[k],
            score: self.score[k],
            note: self.notes[self.note[k] as usize].clone(),
        }
        .with_ids(self.ids.indicator(k).clone(), self.ids.unit(k).clone())
    }

    /// A table of the given records, in their order.
    pub fn from_records(records: &[TrendAssessment]) -> TrendTable {
        let mut b = TrendBuilder::empty(IdCodes::default());
        for r in records {
            let (u, i) = (b.ids.code(&r.unit), b.ids.code(&r.indicator));
            b.push(
                u,
                i,
                TrendFields {
                    from_year: r.from_year,
                    to_year: r.to_year,
                    cagr_observed: r.cagr_observed,
                    cagr_required: r.cagr_required,
                    ratio: r.ratio,
                    category: r.category,
                    score: r.score,
                    note: r.note.clone(),
                },
            );
        }
        b.finish()
    }
}

unit_indicator_accessors!(TrendTable, TrendAssessment);
record_table_traits!(TrendTable, TrendAssessment);

/// Writes a [`TrendTable`] record by record (crate-private).
pub(crate) struct TrendBuilder {
    t: TrendTable,
    ids: IdCodes,
    notes: TextCodes,
}

impl TrendBuilder {
    fn empty(ids: IdCodes) -> TrendBuilder {
        TrendBuilder {
            t: TrendTable::default(),
            ids,
            notes: TextCodes::default(),
        }
    }

    /// A table whose indicator `j` has code `j` (`h`'s ids), with room for `records`.
    pub(crate) fn new(h: &Hierarchy, n_ind: usize, records: usize) -> Result<TrendBuilder> {
        const W: &str = "trend table";
        let mut b = TrendBuilder::empty(IdCodes::of_framework(h, n_ind, 0));
        let t = &mut b.t;
        t.ids.try_reserve(W, records)?;
        try_reserve(&mut t.from_year, W, records)?;
        try_reserve(&mut t.to_year, W, records)?;
        try_reserve(&mut t.cagr_observed, W, records)?;
        try_reserve(&mut t.cagr_required, W, records)?;
        try_reserve(&mut t.ratio, W, records)?;
        try_reserve(&mut t.category, W, records)?;
        try_reserve(&mut t.score, W, records)?;
        try_reserve(&mut t.note, W, records)?;
        Ok(b)
    }

    /// The code of a unit (numbered when new).
    pub(crate) fn unit(&mut self, id: &Id) -> u32 {
        self.ids.code(id)
    }

    /// Appends a record of unit `unit` and indicator `indicator` (codes).
    pub(crate) fn push(&mut self, unit: u32, indicator: u32, f: TrendFields) {
        let note = self.notes.code(&f.note);
        let t = &mut self.t;
        t.ids.push(unit, indicator);
        t.from_year.push(f.from_year);
        t.to_year.push(f.to_year);
        t.cagr_observed.push(f.cagr_observed);
        t.cagr_required.push(f.cagr_required);
        t.ratio.push(f.ratio);
        t.category.push(f.category);
        t.score.push(f.score);
        t.note.push(note);
    }

    /// Appends the records of `other`, a builder over the units that follow this one's
    /// (a run split over threads): the table is the one a single builder would have
    /// written for both in turn (ids and notes re-coded here).
    pub(crate) fn append(&mut self, other: TrendBuilder) {
        let TrendBuilder { t: o, ids, notes } = other;
        let codes = self.ids.recode(ids);
        let texts = self.notes.recode(notes);
        let t = &mut self.t;
        t.ids.extend_recoded(&o.ids, &codes);
        t.from_year.extend_from_slice(&o.from_year);
        t.to_year.extend_from_slice(&o.to_year);
        t.cagr_observed.extend_from_slice(&o.cagr_observed);
        t.cagr_required.extend_from_slice(&o.cagr_required);
        t.ratio.extend_from_slice(&o.ratio);
        t.category.extend_from_slice(&o.category);
        t.score.extend_from_slice(&o.score);
        t.note.extend(o.note.iter().map(|&c| texts[c as usize]));
    }

    /// The finished table.
    pub(crate) fn finish(self) -> TrendTable {
        let TrendBuilder { mut t, ids, notes } = self;
        t.ids.names = ids.into_names();
        t.notes = notes.into_texts();
        t
    }
}
