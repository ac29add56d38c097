//! [`ScheduleTable`]: the schedule check of every unit × indicator of a monitoring run in
//! the evaluation year, held by column.
//!
//! A [`ScheduleCheck`] owns two shared ids (a reference-count increment each to write, a
//! decrement each to free) and its basis text; at national scale (2,844 units × 102
//! indicators) that was 290,000 records of about 100 bytes. The table keeps the ids once
//! (a record refers to its unit and indicator by code), each distinct basis once (five
//! fixed texts in a monitoring run) and the numbers in columns; a record is built on
//! request ([`ScheduleTable::record`]) and the serde form is the list of records,
//! unchanged. The layout follows the trend table ([`super::TrendTable`]).

use std::borrow::Cow;

use super::aggregate::Hierarchy;
use super::id::{IdCodes, RecordIds, TextCodes};
use super::schedule::{ScheduleCheck, ScheduleFields, ScheduleStatus};
use super::Id;
use crate::alloc::try_reserve;
use crate::error::Result;

/// The schedule checks of a monitoring run (see the module documentation), in the run's
/// order: unit-major, framework order.
#[derive(Debug, Clone, Default)]
pub struct ScheduleTable {
    // the unit and indicator of each record (ids by code), and each distinct basis
    ids: RecordIds,
    bases: Vec<Cow<'static, str>>,
    // per record
    year: Vec<i32>,
    elapsed_share: Vec<f64>,
    progress: Vec<Option<f64>>,
    status: Vec<ScheduleStatus>,
    basis: Vec<u32>,
    interim_met: Vec<Option<bool>>,
}

impl ScheduleTable {
    /// Status of record `k`.
    pub fn status(&self, k: usize) -> ScheduleStatus {
        self.status[k]
    }

    /// Record `k` (built from the columns; panics when `k >= len()`).
    pub fn record(&self, k: usize) -> ScheduleCheck {
        ScheduleCheck {
            indicator: self.ids.indicator(k).clone(),
            unit: self.ids.unit(k).clone(),
            year: self.year[k],
            elapsed_share: self.elapsed_share[k],
            progress: self.progress[k],
            status: self.status[k],
            basis: self.bases[self.basis[k] as usize].clone(),
            interim_met: self.interim_met[k],
        }
    }

    /// A table of the given records, in their order.
    pub fn from_records(records: &[ScheduleCheck]) -> ScheduleTable {
        let mut b = ScheduleBuilder::empty(IdCodes::default());
        for r in records {
            let (u, i) = (b.ids.code(&r.unit), b.ids.code(&r.indicator));
            let basis = b.bases.code(&r.basis);
            b.push_coded(
                u,
                i,
                r.year,
                r.elapsed_share,
                r.progress,
                r.status,
                basis,
                r.interim_met,
            );
        }
        b.finish()
    }
}

unit_indicator_accessors!(ScheduleTable, ScheduleCheck);
record_table_traits!(ScheduleTable, ScheduleCheck);

/// Writes a [`ScheduleTable`] record by record (crate-private).
pub(crate) struct ScheduleBuilder {
    t: ScheduleTable,
    ids: IdCodes,
    bases: TextCodes,
}

impl ScheduleBuilder {
    fn empty(ids: IdCodes) -> ScheduleBuilder {
        ScheduleBuilder {
            t: ScheduleTable::default(),
            ids,
            bases: TextCodes::default(),
        }
    }

    /// A table whose indicator `j` has code `j` (`h`'s ids), with room for `records`.
    pub(crate) fn new(h: &Hierarchy, n_ind: usize, records: usize) -> Result<ScheduleBuilder> {
        const W: &str = "schedule table";
        let mut b = ScheduleBuilder::empty(IdCodes::of_framework(h, n_ind, 0));
        let t = &mut b.t;
        t.ids.try_reserve(W, records)?;
        try_reserve(&mut t.year, W, records)?;
        try_reserve(&mut t.elapsed_share, W, records)?;
        try_reserve(&mut t.progress, W, records)?;
        try_reserve(&mut t.status, W, records)?;
        try_reserve(&mut t.basis, W, records)?;
        try_reserve(&mut t.interim_met, W, records)?;
        Ok(b)
    }

    /// The code of a unit (numbered when new).
    pub(crate) fn unit(&mut self, id: &Id) -> u32 {
        self.ids.code(id)
    }

    /// Appends the check of unit `unit` and indicator `indicator` (codes).
    pub(crate) fn push(&mut self, unit: u32, indicator: u32, f: ScheduleFields) {
        let basis = self.bases.code(&Cow::Borrowed(f.basis));
        self.push_coded(
            unit,
            indicator,
            f.year,
            f.elapsed_share,
            f.progress,
            f.status,
            basis,
            f.interim_met,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn push_coded(
        &mut self,
        unit: u32,
        indicator: u32,
        year: i32,
        elapsed_share: f64,
        progress: Option<f64>,
        status: ScheduleStatus,
        basis: u32,
        interim_met: Option<bool>,
    ) {
        let t = &mut self.t;
        t.ids.push(unit, indicator);
        t.year.push(year);
        t.elapsed_share.push(elapsed_share);
        t.progress.push(progress);
        t.status.push(status);
        t.basis.push(basis);
        t.interim_met.push(interim_met);
    }

    /// Appends the records of `other`, a builder over the units that follow this one's
    /// (a run split over threads): the table is the one a single builder would have
    /// written for both in turn (ids and bases re-coded here).
    pub(crate) fn append(&mut self, other: ScheduleBuilder) {
        let ScheduleBuilder { t: o, ids, bases } = other;
        let codes = self.ids.recode(ids);
        let texts = self.bases.recode(bases);
        let t = &mut self.t;
        t.ids.extend_recoded(&o.ids, &codes);
        t.year.extend_from_slice(&o.year);
        t.elapsed_share.extend_from_slice(&o.elapsed_share);
        t.progress.extend_from_slice(&o.progress);
        t.status.extend_from_slice(&o.status);
        t.basis.extend(o.basis.iter().map(|&c| texts[c as usize]));
        t.interim_met.extend_from_slice(&o.interim_met);
    }

    /// The finished table.
    pub(crate) fn finish(self) -> ScheduleTable {
        let ScheduleBuilder { mut t, ids, bases } = self;
        t.ids.names = ids.into_names();
        t.bases = bases.into_texts();
        t
    }
}
