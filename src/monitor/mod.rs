//! Plan monitoring: achievement degree (实现度), schedule and on-track status, SDSN-style
//! dashboards, the dynamic monitoring index (动态监测指数), the satisfaction index
//! (获得感幸福感安全感评价指数) and the overall evaluation (plan item 45). See
//! `docs/monitoring.md` for every rule, formula, source and edge policy.

/// Equality, and the serde form, of a columnar result table through its records: two
/// tables are equal when their records are (however the table shares what they hold), and
/// the table is written as the list of its records (`records()`) — the form it had before
/// it was columnar — and read back through `from_records`.
macro_rules! record_table_traits {
    ($table:ty, $record:ty) => {
        impl PartialEq for $table {
            fn eq(&self, other: &Self) -> bool {
                self.len() == other.len()
                    && (0..self.len()).all(|k| self.record(k) == other.record(k))
            }
        }

        impl serde::Serialize for $table {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.records())
            }
        }

        impl<'de> serde::Deserialize<'de> for $table {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let records = <Vec<$record> as serde::Deserialize>::deserialize(d)?;
                Ok(<$table>::from_records(&records))
            }
        }
    };
}

/// The accessors every unit × indicator table shares (the schedule, trend and target
/// tables): its records' ids are a `RecordIds` in field `ids`, and `record(k)` builds
/// record `k`.
macro_rules! unit_indicator_accessors {
    ($table:ty, $record:ty) => {
        impl $table {
            /// Number of records (unit × indicator).
            pub fn len(&self) -> usize {
                self.ids.len()
            }

            /// Whether there is no record.
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// Unit id of record `k` (panics when `k >= len()`, as do the other
            /// accessors).
            pub fn unit(&self, k: usize) -> &str {
                self.ids.unit(k)
            }

            /// Indicator id of record `k`.
            pub fn indicator(&self, k: usize) -> &str {
                self.ids.indicator(k)
            }

            /// Record `k` (built from the columns); `None` past the end.
            pub fn get(&self, k: usize) -> Option<$record> {
                (k < self.len()).then(|| self.record(k))
            }

            /// Every record in order (each built on the fly).
            pub fn records(&self) -> impl ExactSizeIterator<Item = $record> + '_ {
                (0..self.len()).map(|k| self.record(k))
            }

            /// The position of the record of `unit` and `indicator`: `at` when that
            /// record is there (monitoring writes it at `unit position × indicators +
            /// indicator position`), else found by a search.
            pub fn find_at(&self, at: usize, unit: &str, indicator: &str) -> Option<usize> {
                self.ids.find_at(at, unit, indicator)
            }
        }
    };
}

pub mod achievement;
pub mod aggregate;
pub mod aggregate_table;
pub mod spec;

pub use achievement::*;
pub use aggregate::*;
pub use spec::*;
pub mod dashboard;
pub mod dashboard_table;
pub mod schedule;
pub mod schedule_table;
pub mod target_table;
pub mod trend;
pub mod trend_table;
pub use dashboard::*;
pub use schedule::*;
pub use trend::*;
pub mod dynamic;
pub mod dynamic_table;
pub use dynamic::*;
pub mod satisfaction;
pub use satisfaction::*;
pub mod evaluation;
pub mod targets;
pub use evaluation::*;
pub use targets::*;
pub mod id;
pub(crate) mod plain;
pub mod results;
pub mod table;
pub use aggregate_table::AggregateTable;
pub use dashboard_table::DashboardTable;
pub use dynamic_table::DynamicTable;
pub use id::Id;
pub use results::*;
pub use schedule_table::ScheduleTable;
pub use table::{AchievementColumn, AchievementTable, Notes};
pub use target_table::TargetTable;
pub use trend_table::TrendTable;
