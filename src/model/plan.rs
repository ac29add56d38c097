//! The plan's facts beyond its indicators: the statistical units it covers and their
//! roles, targets of individual units, and the targets that are derived from other
//! series or from household microdata.
//!
//! A monitoring report needs to know which unit is the whole (the city), which are its
//! parts (the counties, compared and ranked), and which are reference series (the
//! provincial average, shown but never ranked). Those facts belong to the plan, not to
//! the software: they are declared in the framework JSON (`units`), so another city's
//! plan or a county's own plan runs with no code change. Units are found by id or by
//! either display name, so a data file that writes `衢州市` instead of `quzhou` gets the
//! same role.
//!
//! Target applicability follows the practice of Chinese plan evaluation (实现度 of a
//! city plan is measured for the city; county plans set their own targets): the plan's
//! target of a *size* indicator (a total in 亿元, a count) applies to the whole only; a
//! part is scored on it only against a target of its own. Rates, shares and per-capita
//! indicators are scale-free and the plan's target applies to every unit.

use serde::{Deserialize, Serialize};

/// The role of a unit in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitRole {
    /// The unit the plan is for (the city of a city plan): scored, not ranked.
    Whole,
    /// A part of the whole (a county): scored, compared and ranked with the other parts.
    Part,
    /// A reference series (the provincial average): shown, used by relative targets,
    /// never scored as a unit of the plan nor ranked.
    Reference,
}

impl UnitRole {
    /// The snake_case name used in JSON (`whole`, `part`, `reference`).
    pub fn name(self) -> &'static str {
        match self {
            UnitRole::Whole => "whole",
            UnitRole::Part => "part",
            UnitRole::Reference => "reference",
        }
    }
}

/// A statistical unit the plan covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanUnit {
    /// Stable id as data files write it (e.g. a pinyin id); data may also use either name.
    pub id: String,
    /// Role in the plan.
    pub role: UnitRole,
    /// Display name in Chinese.
    pub name_zh: String,
    /// Display name in English.
    #[serde(default)]
    pub name_en: String,
    /// Targets of this unit's own (indicator id → target in the indicator's unit), e.g.
    /// a county plan's GDP target. They replace the plan's target for this unit.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub targets: std::collections::BTreeMap<String, f64>,
}

impl PlanUnit {
    /// Whether `key` names this unit: its id or either display name (exact match after
    /// trimming).
    pub fn is_named(&self, key: &str) -> bool {
        let k = key.trim();
        !k.is_empty() && (self.id == k || self.name_zh == k || (self.name_en == k))
    }
}

/// How a derived target's value is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum DerivedMeasure {
    /// The ratio of two series of the whole, numerator / denominator, in the same year
    /// (e.g. urban / rural per-capita disposable income: 城乡居民收入倍差).
    Ratio {
        /// Series id of the numerator.
        numerator: String,
        /// Series id of the denominator.
        denominator: String,
    },
    /// The highest over the lowest value of one series across the parts in the same year
    /// (e.g. the county max/min ratio of per-capita disposable income).
    MaxMinRatio {
        /// Series id compared across the parts.
        series: String,
    },
    /// The weighted share of households whose annual income lies in `[lower, upper)`, in
    /// percent, from household microdata (e.g. 家庭年可支配收入10-50万元群体比例).
    BandShare {
        /// Lower bound of the band (inclusive), yuan per household per year.
        lower: f64,
        /// Upper bound of the band (exclusive), yuan per household per year.
        upper: f64,
    },
}

/// A target indicator whose value is computed from other data rather than read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DerivedTarget {
    /// The indicator the derived value is compared with (its target, polarity, unit).
    pub indicator: String,
    /// How the value is computed.
    pub measure: DerivedMeasure,
}

/// Where the target used for one unit × indicator comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetSource {
    /// The unit's own target ([`PlanUnit::targets`]).
    Unit,
    /// The plan's target (the whole, or a scale-free indicator for any unit).
    Plan,
    /// Not scored: a size indicator of a unit that has no target of its own.
    NotScored,
    /// The indicator has no numeric target.
    None,
}

impl TargetSource {
    /// The snake_case name (`unit`, `plan`, `not_scored`, `none`).
    pub fn name(self) -> &'static str {
        match self {
            TargetSource::Unit => "unit",
            TargetSource::Plan => "plan",
            TargetSource::NotScored => "not_scored",
            TargetSource::None => "none",
        }
    }
}
