//! [`TargetTable`]: the target applied to every unit × indicator of a monitoring run, held
//! by column.
//!
//! An [`AppliedTarget`] owns two shared ids (a reference-count increment each to write, a
//! decrement each to free); at national scale (2,844 units × 102 indicators) that was
//! 290,000 records of 56 bytes. The table keeps the ids once (a record refers to its unit
//! and indicator by code) and the target and its source in columns; a record is built on
//! request ([`TargetTable::record`]) and the serde form is the list of records, unchanged.
//! The layout follows the schedule and trend tables ([`super::ScheduleTable`],
//! [`super::TrendTable`]).

use super::aggregate::Hierarchy;
use super::id::{IdCodes, RecordIds};
use super::results::AppliedTarget;
use super::Id;
use crate::alloc::try_reserve;
use crate::error::Result;
use crate::model::TargetSource;

/// The targets applied in a monitoring run (see the module documentation), in the run's
/// order: unit-major, framework order.
#[derive(Debug, Clone, Default)]
pub struct TargetTable {
    // the unit and indicator of each record (ids by code)
    ids: RecordIds,
    // per record
    target: Vec<Option<f64>>,
    source: Vec<TargetSource>,
}

impl TargetTable {
    /// The numeric target of record `k` (`None`: not scored against a number).
    pub fn target(&self, k: usize) -> Option<f64> {
        self.target[k]
    }

    /// Where the target of record `k` comes from.
    pub fn source(&self, k: usize) -> TargetSource {
        self.source[k]
    }

    /// Record `k` (built from the columns; panics when `k >= len()`).
    pub fn record(&self, k: usize) -> AppliedTarget {
        AppliedTarget {
            unit: self.ids.unit(k).clone(),
            indicator: self.ids.indicator(k).clone(),
            target: self.target[k],
            source: self.source[k],
        }
    }

    /// A table of the given records, in their order.
    pub fn from_records(records: &[AppliedTarget]) -> TargetTable {
        let mut b = TargetBuilder {
            t: TargetTable::default(),
            ids: IdCodes::default(),
        };
        for r in records {
            let (u, i) = (b.ids.code(&r.unit), b.ids.code(&r.indicator));
            b.push(u, i, r.target, r.source);
        }
        b.finish()
    }
}

unit_indicator_accessors!(TargetTable, AppliedTarget);
record_table_traits!(TargetTable, AppliedTarget);

/// Writes a [`TargetTable`] record by record (crate-private).
pub(crate) struct TargetBuilder {
    t: TargetTable,
    ids: IdCodes,
}

impl TargetBuilder {
    /// A table whose indicator `j` has code `j` (`h`'s ids), with room for `records`.
    pub(crate) fn new(h: &Hierarchy, n_ind: usize, records: usize) -> Result<TargetBuilder> {
        const W: &str = "target table";
        let mut t = TargetTable::default();
        t.ids.try_reserve(W, records)?;
        try_reserve(&mut t.target, W, records)?;
        try_reserve(&mut t.source, W, records)?;
        Ok(TargetBuilder {
            t,
            ids: IdCodes::of_framework(h, n_ind, 0),
        })
    }

    /// The code of a unit (numbered when new).
    pub(crate) fn unit(&mut self, id: &Id) -> u32 {
        self.ids.code(id)
    }

    /// Appends the target of unit `unit` and indicator `indicator` (codes).
    pub(crate) fn push(
        &mut self,
        unit: u32,
        indicator: u32,
        target: Option<f64>,
        source: TargetSource,
    ) {
        self.t.ids.push(unit, indicator);
        self.t.target.push(target);
        self.t.source.push(source);
    }

    /// Appends the records of `other`, a builder over the units that follow this one's
    /// (a run split over threads): the table is the one a single builder would have
    /// written for both in turn (ids re-coded here).
    pub(crate) fn append(&mut self, other: TargetBuilder) {
        let TargetBuilder { t: o, ids } = other;
        let codes = self.ids.recode(ids);
        let t = &mut self.t;
        t.ids.extend_recoded(&o.ids, &codes);
        t.target.extend_from_slice(&o.target);
        t.source.extend_from_slice(&o.source);
    }

    /// The finished table.
    pub(crate) fn finish(self) -> TargetTable {
        let TargetBuilder { mut t, ids } = self;
        t.ids.names = ids.into_names();
        t
    }
}
