//! Plan monitoring: achievement degree (实现度), schedule and on-track status, SDSN-style
//! dashboards, the dynamic monitoring index (动态监测指数), the satisfaction index
//! (获得感幸福感安全感评价指数) and the overall evaluation (plan item 45). See
//! `docs/monitoring.md` for every rule, formula, source and edge policy.

pub mod achievement;
pub mod aggregate;
pub mod aggregate_table;
pub mod spec;

pub use achievement::*;
pub use aggregate::*;
pub use spec::*;
pub mod dashboard;
pub mod schedule;
pub mod schedule_table;
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
pub mod results;
pub mod table;
pub use aggregate_table::AggregateTable;
pub use dynamic_table::DynamicTable;
pub use id::Id;
pub use results::*;
pub use schedule_table::ScheduleTable;
pub use table::{AchievementColumn, AchievementTable, Notes};
pub use trend_table::TrendTable;
