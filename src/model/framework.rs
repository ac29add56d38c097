//! The framework: a plan's hierarchy of dimensions and indicators with weights.
//!
//! A framework is a tree: the root is the overall index (the plan), below it dimensions,
//! optionally sub-dimensions to any depth, and indicators as leaves. It is stored flat —
//! dimensions name their parent, indicators name their dimension — which keeps the JSON
//! readable and lets validation report the exact id and field at fault (the JRC/OECD
//! Handbook, Step 1 "theoretical framework", asks for exactly this structure: a nested
//! hierarchy with weights at every level).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::indicator::{Indicator, Kind, Polarity, Reference, Relation, RelativeBasis, TargetForm};
use super::plan::{DerivedMeasure, DerivedTarget, PlanUnit, TargetSource, UnitRole};
use crate::error::{Error, Result};

/// A dimension (or sub-dimension) of the framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    /// Stable snake_case id, unique among dimensions and indicators.
    pub id: String,
    /// The parent dimension's id; `None` places the dimension directly under the index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Weight among its siblings (non-negative, finite).
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

/// A plan's indicator model.
///
/// Build one with [`Framework::from_json`], [`crate::model::builtin`], or by filling the
/// fields and calling [`Framework::validate`]. Every method that consumes a framework
/// validates it first, so an invalid framework is reported, never computed with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Stable id, e.g. `quzhou-2021-2025`.
    pub id: String,
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// The plan's baseline year (2020 for a 14th five-year plan).
    pub base_year: i32,
    /// The plan's target year (2025).
    pub target_year: i32,
    /// Where the framework comes from (document, issuing body, date).
    #[serde(default)]
    pub source: String,
    /// Dimensions in display order.
    pub dimensions: Vec<Dimension>,
    /// Indicators in display order.
    pub indicators: Vec<Indicator>,
    /// Series the data may carry that are not scored: references of relative targets
    /// (the provincial average's growth), inputs of derived measures (urban and rural
    /// income, population weights). Data readers accept these ids beside the indicators.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auxiliary_series: Vec<AuxiliarySeries>,
    /// The statistical units the plan covers, with their roles and display names, in
    /// display order (see [`super::plan`]). Empty: roles are unknown, every unit is
    /// treated as a part and the plan's targets apply to all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<PlanUnit>,
    /// Indicators whose value scales with the unit's size (totals in 亿元, counts,
    /// five-year sums): the plan's target applies to the whole only; other units are
    /// scored on them only against targets of their own ([`PlanUnit::targets`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub size_indicators: Vec<String>,
    /// Targets computed from other series or from household microdata (the urban–rural
    /// ratio, the max/min ratio over the parts, household income band shares).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived_targets: Vec<DerivedTarget>,
}

/// A data series that is not an indicator: a reference or an input of a derived measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuxiliarySeries {
    /// Stable snake_case id, unique among dimensions, indicators and series.
    pub id: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Unit and scale.
    pub unit: super::indicator::Unit,
    /// What the series is used for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub purpose: String,
}

/// The deepest hierarchy [`Framework::validate`] accepts: 100 levels of dimensions below
/// the index (the Quzhou plan has 2). Deeper frameworks are refused with a message naming
/// the dimension, so recursive consumers (aggregation, reports) never recurse further.
pub const MAX_DEPTH: usize = 100;

/// `w / max`, or 0 when `max` is 0: a weight rescaled by the largest of its siblings, so a
/// sum of rescaled weights never overflows (it is at most the number of siblings).
pub fn scaled(w: f64, max: f64) -> f64 {
    if max > 0.0 {
        w / max
    } else {
        0.0
    }
}

/// The share `w / Σ siblings` computed as `(w / max) / Σ (wᵢ / max)` from the largest
/// sibling weight `max` and the sum of rescaled weights `scaled_sum`: dividing before
/// summing keeps the share exact for weights near `f64::MAX` (where the plain sum is
/// +inf) and near the smallest normal numbers. 0 when every sibling weight is 0.
pub fn scaled_share(w: f64, max: f64, scaled_sum: f64) -> f64 {
    if scaled_sum > 0.0 {
        scaled(w, max) / scaled_sum
    } else {
        0.0
    }
}

/// Is `s` a stable snake_case id (`[a-z][a-z0-9_]*`)?
pub fn is_snake_case_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// The declared plan units of a framework by id, Chinese and English name
/// ([`Framework::unit_index`]): the same answers as [`Framework::unit`],
/// [`Framework::unit_role`] and [`Framework::unit_name_zh`], each in constant time.
#[derive(Debug, Clone)]
pub struct PlanUnitIndex<'a> {
    units: &'a [PlanUnit],
    // each key → the first unit so named
    by_key: HashMap<&'a str, usize>,
}

impl<'a> PlanUnitIndex<'a> {
    /// The plan unit a data unit key names (the key trimmed; an empty key names none).
    pub fn unit(&self, key: &str) -> Option<&'a PlanUnit> {
        let k = key.trim();
        if k.is_empty() {
            return None;
        }
        self.by_key.get(k).map(|&i| &self.units[i])
    }

    /// The role of a data unit (a part when undeclared).
    pub fn role(&self, key: &str) -> UnitRole {
        self.unit(key).map_or(UnitRole::Part, |u| u.role)
    }

    /// The Chinese display name of a data unit (the key itself when undeclared).
    pub fn name_zh(&self, key: &str) -> String {
        self.unit(key)
            .map_or_else(|| key.to_string(), |u| u.name_zh.clone())
    }
}

/// The dimensions of a framework by id ([`Framework::dimension_index`]).
#[derive(Debug, Clone)]
pub struct DimensionIndex<'a> {
    framework: &'a Framework,
    by_id: HashMap<&'a str, &'a Dimension>,
    // the top-level dimensions, and each parent's child dimensions, framework order
    top: Vec<&'a Dimension>,
    children: HashMap<&'a str, Vec<&'a Dimension>>,
    // each dimension id → its own indicators, framework order
    indicators: HashMap<&'a str, Vec<&'a Indicator>>,
}

impl<'a> DimensionIndex<'a> {
    /// The dimension with this id ([`Framework::dimension`]).
    pub fn dimension(&self, id: &str) -> Option<&'a Dimension> {
        self.by_id.get(id).copied()
    }

    /// The chain of dimension ids from the top level down to `id`
    /// ([`Framework::dimension_path`]).
    pub fn path(&self, id: &str) -> Vec<&'a str> {
        self.framework.path_in(&self.by_id, id)
    }

    /// The top-level dimension an indicator belongs to ([`Framework::top_dimension_of`]).
    pub fn top_dimension_of(&self, indicator: &Indicator) -> Option<&'a str> {
        self.path(&indicator.dimension).first().copied()
    }

    /// The dimensions whose parent is `parent` (`None`: the top level), in order
    /// ([`Framework::child_dimensions`]).
    pub fn child_dimensions(&self, parent: Option<&str>) -> &[&'a Dimension] {
        match parent {
            None => &self.top,
            Some(p) => self.children.get(p).map_or(&[], Vec::as_slice),
        }
    }

    /// The indicators directly in dimension `id`, in order ([`Framework::indicators_in`]).
    pub fn indicators_in(&self, id: &str) -> &[&'a Indicator] {
        self.indicators.get(id).map_or(&[], Vec::as_slice)
    }
}

/// The indicators and auxiliary series of a framework by id ([`Framework::series_index`]):
/// the same answers as [`Framework::indicator`] and [`Framework::knows_series`], each in
/// constant time (a search per indicator of the data was quadratic in indicators: 80 s
/// for a report on a framework of 100,000).
#[derive(Debug, Clone)]
pub struct SeriesIndex<'a> {
    indicators: &'a [Indicator],
    // each indicator id → the first indicator so named
    by_id: HashMap<&'a str, usize>,
    auxiliary: std::collections::HashSet<&'a str>,
}

impl<'a> SeriesIndex<'a> {
    /// The indicator with this id ([`Framework::indicator`]).
    pub fn indicator(&self, id: &str) -> Option<&'a Indicator> {
        self.by_id.get(id).map(|&k| &self.indicators[k])
    }

    /// The position of the indicator with this id in the framework's list.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Whether data may carry a series with this id ([`Framework::knows_series`]).
    pub fn knows_series(&self, id: &str) -> bool {
        self.by_id.contains_key(id) || self.auxiliary.contains(id)
    }
}

impl Framework {
    /// The indicators and auxiliary series indexed by id once, for many lookups: each
    /// answers as [`Framework::indicator`] / [`Framework::knows_series`] do, in constant
    /// time.
    pub fn series_index(&self) -> SeriesIndex<'_> {
        let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(self.indicators.len());
        for (k, i) in self.indicators.iter().enumerate() {
            by_id.entry(i.id.as_str()).or_insert(k);
        }
        SeriesIndex {
            indicators: &self.indicators,
            by_id,
            auxiliary: self
                .auxiliary_series
                .iter()
                .map(|s| s.id.as_str())
                .collect(),
        }
    }

    /// Parses a framework from JSON and validates it.
    ///
    /// Decoding is strict ([`crate::json::decode`]): a leading BOM is accepted; duplicate
    /// keys and unknown members are rejected with their dotted path.
    ///
    /// Errors: [`Error::Json`] with line and column for malformed JSON or a missing field;
    /// [`Error::InvalidFramework`] naming the framework, the dimension or indicator and
    /// the field for a rule that is broken (see [`Framework::validate`]).
    pub fn from_json(text: &str) -> Result<Framework> {
        let framework: Framework = crate::json::decode("framework", text)?;
        framework.validate()?;
        Ok(framework)
    }

    /// Reads and validates a framework JSON file.
    pub fn from_json_file(path: impl AsRef<std::path::Path>) -> Result<Framework> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Framework::from_json(&text).map_err(|e| match e {
            Error::Json {
                line,
                column,
                message,
                ..
            } => Error::Json {
                what: format!("framework file {}", path.display()),
                line,
                column,
                message,
            },
            other => other,
        })
    }

    /// Writes the framework as pretty JSON (the same format [`Framework::from_json`] reads).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a framework always serialises")
    }

    /// The indicator with this id.
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// The indicator a key that is not an indicator id most likely means, for an error
    /// message ("did you mean …"): the indicator whose Chinese or English name or alias is
    /// the key; else, among the ids containing the key or contained in it (`pm25` →
    /// `pm25_concentration`) if there are any, otherwise among all, the id nearest by
    /// edit distance (Levenshtein 1966: insertions, deletions and substitutions of
    /// characters), the first in framework order on ties. `None` only for a framework
    /// without indicators. A search of every indicator: for error messages, not lookups.
    pub fn nearest_indicator(&self, key: &str) -> Option<&Indicator> {
        let folded = key.trim().to_lowercase();
        if let Some(i) = self.indicators.iter().find(|i| {
            i.name_zh == key.trim()
                || i.name_en.to_lowercase() == folded
                || i.aliases.iter().any(|a| a.to_lowercase() == folded)
        }) {
            return Some(i);
        }
        let contains = |i: &&Indicator| {
            !folded.is_empty() && (i.id.contains(folded.as_str()) || folded.contains(i.id.as_str()))
        };
        let pool = if self.indicators.iter().any(|i| contains(&i)) {
            self.indicators.iter().filter(contains).collect::<Vec<_>>()
        } else {
            self.indicators.iter().collect()
        };
        pool.into_iter()
            .min_by_key(|i| edit_distance(&folded, &i.id))
    }

    /// Whether data may carry a series with this id: an indicator or an auxiliary series.
    pub fn knows_series(&self, id: &str) -> bool {
        self.indicator(id).is_some() || self.auxiliary_series.iter().any(|s| s.id == id)
    }

    /// The plan unit a data unit key names (its id or either display name; the first
    /// declared unit so named). A search of the declared units: a caller looking up
    /// every unit of a panel uses [`Framework::unit_index`].
    pub fn unit(&self, key: &str) -> Option<&PlanUnit> {
        self.units.iter().find(|u| u.is_named(key))
    }

    /// The declared units indexed by key once, for many lookups: each answers as
    /// [`Framework::unit`] does, in constant time (a search per unit of the data was
    /// quadratic when a framework declares every county).
    pub fn unit_index(&self) -> PlanUnitIndex<'_> {
        let mut by_key: HashMap<&str, usize> = HashMap::with_capacity(3 * self.units.len());
        for (k, u) in self.units.iter().enumerate() {
            for name in [u.id.as_str(), u.name_zh.as_str(), u.name_en.as_str()] {
                if !name.is_empty() {
                    by_key.entry(name).or_insert(k);
                }
            }
        }
        PlanUnitIndex {
            units: &self.units,
            by_key,
        }
    }

    /// The role of a data unit: declared in [`Framework::units`]; a unit the framework
    /// does not declare is a part.
    pub fn unit_role(&self, key: &str) -> UnitRole {
        self.unit(key).map_or(UnitRole::Part, |u| u.role)
    }

    /// The Chinese display name of a data unit (the key itself when undeclared).
    pub fn unit_name_zh(&self, key: &str) -> String {
        self.unit(key)
            .map_or_else(|| key.to_string(), |u| u.name_zh.clone())
    }

    /// Whether the indicator is a size indicator ([`Framework::size_indicators`]).
    pub fn is_size_indicator(&self, id: &str) -> bool {
        self.size_indicators.iter().any(|s| s == id)
    }

    /// The target that applies to one data unit for one indicator, and where it comes
    /// from: the unit's own target; else the plan's target, except for a size indicator
    /// of a unit that is not the whole (not scored) when the framework declares units.
    pub fn target_for(&self, unit: &str, indicator: &Indicator) -> (Option<f64>, TargetSource) {
        self.target_for_plan_unit(self.unit(unit), indicator)
    }

    /// [`Framework::target_for`] for a data unit already looked up with
    /// [`Framework::unit`] (`None`: a unit the framework does not declare), so that a
    /// caller going through every indicator of one unit finds the unit once.
    pub fn target_for_plan_unit(
        &self,
        pu: Option<&PlanUnit>,
        indicator: &Indicator,
    ) -> (Option<f64>, TargetSource) {
        self.target_given_size(pu, indicator, || self.is_size_indicator(&indicator.id))
    }

    /// [`Framework::target_for_plan_unit`] with whether the indicator is a size indicator
    /// given by `is_size` (asked only when it matters), for a caller that looked the size
    /// indicators up once per run rather than by id per unit × indicator.
    pub(crate) fn target_given_size(
        &self,
        pu: Option<&PlanUnit>,
        indicator: &Indicator,
        is_size: impl FnOnce() -> bool,
    ) -> (Option<f64>, TargetSource) {
        if let Some(t) = pu.and_then(|u| u.targets.get(&indicator.id)) {
            return (Some(*t), TargetSource::Unit);
        }
        let Some(t) = indicator.target else {
            return (None, TargetSource::None);
        };
        let whole = pu.is_some_and(|u| u.role == UnitRole::Whole);
        if !self.units.is_empty() && !whole && is_size() {
            return (None, TargetSource::NotScored);
        }
        (Some(t), TargetSource::Plan)
    }

    /// The derived target of an indicator, if it has one.
    pub fn derived_target(&self, indicator: &str) -> Option<&DerivedTarget> {
        self.derived_targets
            .iter()
            .find(|d| d.indicator == indicator)
    }

    /// The auxiliary series with this id.
    pub fn auxiliary(&self, id: &str) -> Option<&AuxiliarySeries> {
        self.auxiliary_series.iter().find(|s| s.id == id)
    }

    /// The position of the indicator with this id in [`Framework::indicators`].
    pub fn indicator_position(&self, id: &str) -> Option<usize> {
        self.indicators.iter().position(|i| i.id == id)
    }

    /// The indicator with this id, or [`Error::UnknownId`] naming the framework.
    pub fn require_indicator(&self, id: &str) -> Result<&Indicator> {
        self.indicator(id).ok_or_else(|| Error::UnknownId {
            kind: "indicator".into(),
            id: id.into(),
            hint: format!(" in framework `{}`", self.id),
        })
    }

    /// The dimension with this id.
    pub fn dimension(&self, id: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.id == id)
    }

    /// The dimensions directly under `parent` (`None` = under the index), in order.
    pub fn child_dimensions<'a>(
        &'a self,
        parent: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Dimension> + 'a {
        self.dimensions
            .iter()
            .filter(move |d| d.parent.as_deref() == parent)
    }

    /// The indicators directly in dimension `id`, in order.
    pub fn indicators_in<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Indicator> + 'a {
        self.indicators.iter().filter(move |i| i.dimension == id)
    }

    /// The chain of dimension ids from the top level down to `id` (inclusive).
    ///
    /// Linear in the depth (one hash look-up per level, after building an index of the
    /// dimensions once per call); stops at a cycle, which [`Framework::validate`] reports.
    pub fn dimension_path(&self, id: &str) -> Vec<&str> {
        let index = self.dimensions_by_id();
        self.path_in(&index, id)
    }

    /// The dimensions indexed by id, and grouped by parent with their own indicators, once,
    /// for many lookups: each answers as [`Framework::dimension`],
    /// [`Framework::child_dimensions`], [`Framework::indicators_in`],
    /// [`Framework::dimension_path`] and [`Framework::top_dimension_of`] do, the first
    /// three in constant time and the others in time linear in the depth (the
    /// framework's own methods scan it, or build the index, per call: a call per
    /// indicator or dimension was quadratic in the size of the framework).
    pub fn dimension_index(&self) -> DimensionIndex<'_> {
        let mut top = Vec::new();
        let mut children: HashMap<&str, Vec<&Dimension>> = HashMap::new();
        for d in &self.dimensions {
            match d.parent.as_deref() {
                None => top.push(d),
                Some(p) => children.entry(p).or_default().push(d),
            }
        }
        let mut indicators: HashMap<&str, Vec<&Indicator>> = HashMap::new();
        for i in &self.indicators {
            indicators.entry(i.dimension.as_str()).or_default().push(i);
        }
        DimensionIndex {
            framework: self,
            by_id: self.dimensions_by_id(),
            top,
            children,
            indicators,
        }
    }

    /// The dimensions by id (the first one with an id, like [`Framework::dimension`]).
    fn dimensions_by_id(&self) -> HashMap<&str, &Dimension> {
        let mut index = HashMap::with_capacity(self.dimensions.len());
        for d in &self.dimensions {
            index.entry(d.id.as_str()).or_insert(d);
        }
        index
    }

    fn path_in<'a>(&'a self, index: &HashMap<&str, &'a Dimension>, id: &str) -> Vec<&'a str> {
        let mut path = Vec::new();
        let mut cur = index.get(id).copied();
        while let Some(d) = cur {
            path.push(d.id.as_str());
            if path.len() > self.dimensions.len() {
                break; // a cycle; validate() reports it
            }
            cur = d.parent.as_deref().and_then(|p| index.get(p).copied());
        }
        path.reverse();
        path
    }

    /// The top-level dimension an indicator belongs to.
    pub fn top_dimension_of(&self, indicator: &Indicator) -> Option<&str> {
        self.dimension_path(&indicator.dimension).first().copied()
    }

    /// The depth of each dimension (1 for a top-level one), computed once per dimension
    /// with memoisation: linear in the number of dimensions. `None` for a dimension on or
    /// below a parent cycle or an unknown parent.
    fn dimension_depths(&self) -> HashMap<&str, Option<usize>> {
        let index = self.dimensions_by_id();
        let mut depth: HashMap<&str, Option<usize>> = HashMap::with_capacity(index.len());
        for d in &self.dimensions {
            if depth.contains_key(d.id.as_str()) {
                continue;
            }
            // walk up until a known depth, the top, an unknown parent or a repeat
            let mut chain: Vec<&str> = Vec::new();
            let mut on_chain: HashSet<&str> = HashSet::new();
            let mut cur = Some(d);
            let base: Option<usize> = loop {
                let Some(x) = cur else { break Some(0) };
                if let Some(&known) = depth.get(x.id.as_str()) {
                    break known;
                }
                if !on_chain.insert(x.id.as_str()) {
                    break None; // a cycle
                }
                chain.push(x.id.as_str());
                cur = match x.parent.as_deref() {
                    None => None,
                    Some(p) => match index.get(p) {
                        Some(&pd) => Some(pd),
                        None => break None, // unknown parent
                    },
                };
            };
            let mut level = base;
            for id in chain.into_iter().rev() {
                level = level.map(|l| l + 1);
                depth.insert(id, level);
            }
        }
        depth
    }

    /// The depth of the hierarchy below the index: 1 when indicators sit directly in
    /// top-level dimensions, 2 with one level of sub-dimensions, … (linear time).
    pub fn depth(&self) -> usize {
        self.dimension_depths()
            .values()
            .filter_map(|d| *d)
            .max()
            .unwrap_or(0)
    }

    /// The effective weight of each indicator in the overall index: the product, down the
    /// hierarchy, of each node's weight divided by the sum of its siblings' weights
    /// (JRC/OECD Handbook §6; COINr `get_eff_weights`). The result sums to 1 when every
    /// dimension has some positive weight. Order follows [`Framework::indicators`].
    ///
    /// Each share is computed scale-safely (every sibling weight divided by the largest
    /// before summing, see [`scaled_share`]), so weights of 1e308 give the same shares as
    /// weights of 1. Linear in the size of the framework.
    pub fn effective_weights(&self) -> Vec<f64> {
        let index = self.dimensions_by_id();
        let mut dim_max: HashMap<Option<&str>, f64> = HashMap::new();
        for d in &self.dimensions {
            let m = dim_max.entry(d.parent.as_deref()).or_insert(0.0);
            *m = m.max(d.weight);
        }
        let mut dim_sum: HashMap<Option<&str>, f64> = HashMap::new();
        for d in &self.dimensions {
            let m = dim_max[&d.parent.as_deref()];
            *dim_sum.entry(d.parent.as_deref()).or_insert(0.0) += scaled(d.weight, m);
        }
        let dim_share = |d: &Dimension| -> f64 {
            let k = d.parent.as_deref();
            scaled_share(d.weight, dim_max[&k], dim_sum[&k])
        };
        // the product of shares from the top down to each dimension, memoised
        let mut eff: HashMap<&str, f64> = HashMap::with_capacity(self.dimensions.len());
        for d in &self.dimensions {
            if eff.contains_key(d.id.as_str()) {
                continue;
            }
            let path = self.path_in(&index, &d.id);
            let mut w = 1.0;
            for id in path {
                if let Some(&known) = eff.get(id) {
                    w = known;
                    continue;
                }
                w *= index.get(id).map(|x| dim_share(x)).unwrap_or(0.0);
                eff.insert(id, w);
            }
        }
        let mut ind_max: HashMap<&str, f64> = HashMap::new();
        for i in &self.indicators {
            let m = ind_max.entry(i.dimension.as_str()).or_insert(0.0);
            *m = m.max(i.weight);
        }
        let mut ind_sum: HashMap<&str, f64> = HashMap::new();
        for i in &self.indicators {
            let m = ind_max[i.dimension.as_str()];
            *ind_sum.entry(i.dimension.as_str()).or_insert(0.0) += scaled(i.weight, m);
        }
        self.indicators
            .iter()
            .map(|ind| {
                let k = ind.dimension.as_str();
                let w = scaled_share(ind.weight, ind_max[k], ind_sum[k]);
                w * eff.get(k).copied().unwrap_or(0.0)
            })
            .collect()
    }

    /// Checks every structural rule and returns the first violation as
    /// [`Error::InvalidFramework`] naming the framework, the item and the field.
    ///
    /// Rules: non-empty id; `base_year < target_year`; snake_case ids unique across
    /// dimensions and indicators; every parent and every indicator's dimension exists; no
    /// cycles; a dimension holds either sub-dimensions or indicators, and at least one;
    /// weights finite and non-negative, with some positive weight among siblings; unit
    /// scale positive and finite; a higher/lower-is-better indicator has a target or a
    /// relative target, a binary one a target; targets finite; a stretch target lies
    /// beyond the target in the good direction; an interval has
    /// `tolerance_lower ≤ lower ≤ upper ≤ tolerance_upper`, all finite, and no other
    /// target (numeric, stretch, interim, relative or a unit's own: it is met inside its
    /// band, and monitoring would never read them); a relative target
    /// names its reference series and points the same way as the polarity (a
    /// higher-is-better or binary indicator may only be asked to be above / not below its
    /// reference, a lower-is-better one below / not above); a stretch target needs a target; an
    /// indicator has a name; target and interim years lie after the base year and not
    /// after the target year, interim years before the indicator's target year and each
    /// at most once.
    ///
    /// Unknown JSON fields are rejected when parsing (`deny_unknown_fields`), so a typo
    /// such as `stretch_targt` is an [`Error::Json`] rather than a silently ignored key.
    pub fn validate(&self) -> Result<()> {
        let fw = if self.id.is_empty() { "?" } else { &self.id };
        let err = |location: String, message: String| Error::InvalidFramework {
            framework: fw.to_string(),
            location,
            message,
        };
        if self.id.trim().is_empty() {
            return Err(err("field `id`".into(), "must not be empty".into()));
        }
        if self.base_year >= self.target_year {
            return Err(err(
                "field `target_year`".into(),
                format!(
                    "target year {} must come after base year {}",
                    self.target_year, self.base_year
                ),
            ));
        }
        if self.indicators.is_empty() {
            return Err(err(
                "field `indicators`".into(),
                "a framework needs at least one indicator".into(),
            ));
        }
        let mut seen: HashSet<&str> = HashSet::new();
        for d in &self.dimensions {
            let loc = format!("dimension `{}`, field `id`", d.id);
            if !is_snake_case_id(&d.id) {
                return Err(err(loc, "ids must be snake_case ([a-z][a-z0-9_]*)".into()));
            }
            if !seen.insert(&d.id) {
                return Err(err(loc, "duplicate id".into()));
            }
        }
        for i in &self.indicators {
            let loc = format!("indicator `{}`, field `id`", i.id);
            if !is_snake_case_id(&i.id) {
                return Err(err(loc, "ids must be snake_case ([a-z][a-z0-9_]*)".into()));
            }
            if !seen.insert(&i.id) {
                return Err(err(loc, "duplicate id".into()));
            }
        }
        for a in &self.auxiliary_series {
            let loc = format!("auxiliary series `{}`, field `id`", a.id);
            if !is_snake_case_id(&a.id) {
                return Err(err(loc, "ids must be snake_case ([a-z][a-z0-9_]*)".into()));
            }
            if !seen.insert(&a.id) {
                return Err(err(loc, "duplicate id".into()));
            }
            if !(a.unit.scale.is_finite() && a.unit.scale > 0.0) {
                return Err(err(
                    format!("auxiliary series `{}`, field `unit.scale`", a.id),
                    format!("scale {} must be positive and finite", a.unit.scale),
                ));
            }
        }
        self.validate_plan_units(&err)?;
        let dim_ids: HashSet<&str> = self.dimensions.iter().map(|d| d.id.as_str()).collect();
        for d in &self.dimensions {
            let loc = |f: &str| format!("dimension `{}`, field `{f}`", d.id);
            if let Some(p) = &d.parent {
                if !dim_ids.contains(p.as_str()) {
                    return Err(err(loc("parent"), format!("unknown parent `{p}`")));
                }
            }
            if !d.weight.is_finite() || d.weight < 0.0 {
                return Err(err(
                    loc("weight"),
                    format!("weight {} must be finite and non-negative", d.weight),
                ));
            }
        }
        // cycles and depth: every dimension's depth once, memoised (linear time)
        let depths = self.dimension_depths();
        for d in &self.dimensions {
            match depths.get(d.id.as_str()).copied().flatten() {
                None => {
                    return Err(err(
                        format!("dimension `{}`, field `parent`", d.id),
                        "the parent chain forms a cycle".into(),
                    ))
                }
                Some(level) if level > MAX_DEPTH => {
                    return Err(err(
                        format!("dimension `{}`, field `parent`", d.id),
                        format!(
                            "the hierarchy is {level} levels deep here; at most {MAX_DEPTH} \
                             levels of dimensions are allowed"
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
        // indicators' own fields first, so that a bad weight or an unknown dimension is
        // reported on the indicator rather than as an empty or zero-weight dimension
        for i in &self.indicators {
            self.validate_indicator(i, &dim_ids)
                .map_err(|(field, message)| {
                    err(format!("indicator `{}`, field `{field}`", i.id), message)
                })?;
        }
        // children per dimension, gathered once (linear time)
        let mut child_dims: HashMap<Option<&str>, Vec<f64>> = HashMap::new();
        for d in &self.dimensions {
            child_dims
                .entry(d.parent.as_deref())
                .or_default()
                .push(d.weight);
        }
        let mut child_inds: HashMap<&str, Vec<f64>> = HashMap::new();
        for i in &self.indicators {
            child_inds
                .entry(i.dimension.as_str())
                .or_default()
                .push(i.weight);
        }
        let no_weights: Vec<f64> = Vec::new();
        for d in &self.dimensions {
            let dims = child_dims.get(&Some(d.id.as_str())).unwrap_or(&no_weights);
            let inds = child_inds.get(d.id.as_str()).unwrap_or(&no_weights);
            let (has_dims, has_inds) = (!dims.is_empty(), !inds.is_empty());
            let loc = format!("dimension `{}`", d.id);
            if has_dims && has_inds {
                return Err(err(
                    loc,
                    "holds both sub-dimensions and indicators; put the indicators in a sub-dimension".into(),
                ));
            }
            if !has_dims && !has_inds {
                return Err(err(loc, "has no indicators and no sub-dimensions".into()));
            }
            // weights are finite and non-negative here, so the largest is positive exactly
            // when some weight is (a sum could overflow to +inf; the maximum cannot)
            if has_dims {
                if dims.iter().fold(0.0f64, |m, &w| m.max(w)) <= 0.0 {
                    return Err(err(loc, "all sub-dimension weights are zero".into()));
                }
            } else if inds.iter().fold(0.0f64, |m, &w| m.max(w)) <= 0.0 {
                return Err(err(loc, "all indicator weights are zero".into()));
            }
        }
        if !self.dimensions.is_empty() {
            let Some(top) = child_dims.get(&None) else {
                return Err(err(
                    "field `dimensions`".into(),
                    "no top-level dimension (every dimension has a parent)".into(),
                ));
            };
            if top.iter().fold(0.0f64, |m, &w| m.max(w)) <= 0.0 {
                return Err(err(
                    "field `dimensions`".into(),
                    "all top-level dimension weights are zero".into(),
                ));
            }
        }
        Ok(())
    }

    /// Checks `units`, `size_indicators` and `derived_targets`: unit ids and names
    /// unique, at most one whole, unit targets finite and naming indicators, size
    /// indicators and derived targets naming indicators, derived inputs naming series,
    /// band bounds finite and ordered.
    fn validate_plan_units(&self, err: &dyn Fn(String, String) -> Error) -> Result<()> {
        let mut keys: HashSet<&str> = HashSet::new();
        // the indicator ids as a set (unit targets name them: up to units × indicators)
        let indicator_ids: HashMap<&str, &Indicator> =
            self.indicators.iter().map(|i| (i.id.as_str(), i)).collect();
        for u in &self.units {
            let loc = format!("unit `{}`", u.id);
            if u.id.trim().is_empty() || u.name_zh.trim().is_empty() {
                return Err(err(loc, "`id` and `name_zh` must not be empty".into()));
            }
            for k in [u.id.as_str(), u.name_zh.as_str(), u.name_en.as_str()] {
                if !k.is_empty() && !keys.insert(k) && k != u.id && k != u.name_zh {
                    return Err(err(loc.clone(), format!("name `{k}` is used twice")));
                }
            }
            for (ind, t) in &u.targets {
                let Some(indicator) = indicator_ids.get(ind.as_str()) else {
                    return Err(err(
                        format!("{loc}, field `targets`"),
                        format!("`{ind}` is not an indicator of the framework"),
                    ));
                };
                if let Polarity::Interval { lower, upper, .. } = indicator.polarity {
                    return Err(err(
                        format!("{loc}, field `targets.{ind}`"),
                        format!(
                            "`{ind}` is an interval (适度) indicator, met inside its band [{lower}, {upper}] and scored by its interval score alone: a unit target would never be read; remove it"
                        ),
                    ));
                }
                if !t.is_finite() {
                    return Err(err(
                        format!("{loc}, field `targets.{ind}`"),
                        format!("target {t} must be finite"),
                    ));
                }
            }
        }
        if self
            .units
            .iter()
            .filter(|u| u.role == UnitRole::Whole)
            .count()
            > 1
        {
            return Err(err(
                "field `units`".into(),
                "at most one unit may have the role `whole`".into(),
            ));
        }
        for s in &self.size_indicators {
            if self.indicator(s).is_none() {
                return Err(err(
                    "field `size_indicators`".into(),
                    format!("`{s}` is not an indicator of the framework"),
                ));
            }
        }
        for d in &self.derived_targets {
            let loc = format!("derived target `{}`", d.indicator);
            if self.indicator(&d.indicator).is_none() {
                return Err(err(loc, "not an indicator of the framework".into()));
            }
            let series: Vec<&str> = match &d.measure {
                DerivedMeasure::Ratio {
                    numerator,
                    denominator,
                } => vec![numerator, denominator],
                DerivedMeasure::MaxMinRatio { series } => vec![series],
                DerivedMeasure::BandShare { lower, upper } => {
                    if !(lower.is_finite() && upper.is_finite() && lower < upper) {
                        return Err(err(
                            format!("{loc}, field `measure`"),
                            format!("band [{lower}, {upper}) must be finite with lower < upper"),
                        ));
                    }
                    vec![]
                }
            };
            for s in series {
                if !self.knows_series(s) {
                    return Err(err(
                        format!("{loc}, field `measure`"),
                        format!("`{s}` is neither an indicator nor an auxiliary series"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn validate_indicator(
        &self,
        i: &Indicator,
        dim_ids: &HashSet<&str>,
    ) -> std::result::Result<(), (&'static str, String)> {
        if i.name_zh.trim().is_empty() && i.name_en.trim().is_empty() {
            return Err((
                "name_zh",
                "an indicator needs a name (name_zh or name_en)".into(),
            ));
        }
        if !dim_ids.contains(i.dimension.as_str()) {
            return Err(("dimension", format!("unknown dimension `{}`", i.dimension)));
        }
        if !i.weight.is_finite() || i.weight < 0.0 {
            return Err((
                "weight",
                format!("weight {} must be finite and non-negative", i.weight),
            ));
        }
        if !(i.unit.scale.is_finite() && i.unit.scale > 0.0) {
            return Err((
                "unit.scale",
                format!("scale {} must be positive and finite", i.unit.scale),
            ));
        }
        for (field, v) in [
            ("target", i.target),
            ("stretch_target", i.stretch_target),
            ("baseline", i.baseline),
        ] {
            if let Some(v) = v {
                if !v.is_finite() {
                    return Err((field, format!("{v} is not a finite number")));
                }
            }
        }
        if let Some(se) = &i.sampling_error_series {
            if self.auxiliary(se).is_none() {
                return Err((
                    "sampling_error_series",
                    format!(
                        "`{se}` is not an auxiliary series of the framework (declare the series holding the standard error under `auxiliary_series`)"
                    ),
                ));
            }
        }
        match i.polarity {
            Polarity::HigherIsBetter | Polarity::LowerIsBetter => {
                if i.target.is_none()
                    && i.relative_target.is_none()
                    && !matches!(i.target_form, TargetForm::BaselineMultiple { .. })
                {
                    return Err((
                        "target",
                        format!(
                            "a {}-is-better indicator needs a target or a relative_target",
                            i.polarity.name()
                        ),
                    ));
                }
            }
            Polarity::Binary => {
                if i.target.is_none() {
                    return Err(("target", "a binary indicator needs a target".into()));
                }
            }
            Polarity::Interval {
                lower,
                upper,
                tolerance_lower,
                tolerance_upper,
            } => {
                if ![lower, upper, tolerance_lower, tolerance_upper]
                    .iter()
                    .all(|v| v.is_finite())
                {
                    return Err(("polarity", "interval bounds must be finite".into()));
                }
                if lower > upper {
                    return Err((
                        "polarity",
                        format!("interval bounds are inverted: lower {lower} > upper {upper}"),
                    ));
                }
                if tolerance_lower > lower || tolerance_upper < upper {
                    return Err((
                        "polarity",
                        format!(
                            "tolerance bounds [{tolerance_lower}, {tolerance_upper}] must enclose the band [{lower}, {upper}]"
                        ),
                    ));
                }
                // an interval indicator is met inside its band and scored by its interval
                // score alone (monitoring and the index): any other target would be carried
                // on the records and never read (a record said "target 50, met" at 48)
                let ignored = [
                    ("target", i.target.is_some(), "a numeric `target`"),
                    (
                        "stretch_target",
                        i.stretch_target.is_some(),
                        "a `stretch_target`",
                    ),
                    (
                        "interim_targets",
                        !i.interim_targets.is_empty(),
                        "`interim_targets`",
                    ),
                    (
                        "relative_target",
                        i.relative_target.is_some(),
                        "a `relative_target`",
                    ),
                ];
                if let Some((field, _, what)) = ignored.into_iter().find(|f| f.1) {
                    return Err((
                        field,
                        format!(
                            "an interval (适度) indicator is met inside its band [{lower}, {upper}] and scored by its interval score alone, so {what} would never be read: remove it (the band is the target), or make the indicator higher- or lower-is-better to use it"
                        ),
                    ));
                }
            }
        }
        let level_type = match i.kind {
            Kind::Level | Kind::Share | Kind::Count | Kind::Coverage => true,
            Kind::Cumulative | Kind::Annual | Kind::GrowthRate => false,
        };
        let directed = matches!(
            i.polarity,
            Polarity::HigherIsBetter | Polarity::LowerIsBetter
        );
        match i.target_form {
            TargetForm::Threshold => {}
            TargetForm::About { tolerance } => {
                if !(level_type && directed) {
                    return Err((
                        "target_form",
                        format!(
                            "an `about` target needs a level-type kind (level, share, count, coverage) and a higher- or lower-is-better polarity, not {} / {}",
                            i.kind.name(),
                            i.polarity.name()
                        ),
                    ));
                }
                if !(tolerance.is_finite() && tolerance > 0.0) {
                    return Err((
                        "target_form.tolerance",
                        format!("{tolerance} must be positive and finite"),
                    ));
                }
                if i.target.is_none() {
                    return Err((
                        "target",
                        "an `about` target needs the central value in `target`".into(),
                    ));
                }
            }
            TargetForm::BaselineMultiple {
                multiple,
                horizon_year,
            } => {
                if !(level_type && directed) {
                    return Err((
                        "target_form",
                        format!(
                            "a baseline-multiple target needs a level-type kind (level, share, count, coverage) and a higher- or lower-is-better polarity, not {} / {}",
                            i.kind.name(),
                            i.polarity.name()
                        ),
                    ));
                }
                if !(multiple.is_finite() && multiple > 0.0) {
                    return Err((
                        "target_form.multiple",
                        format!("{multiple} must be positive and finite"),
                    ));
                }
                let wrong_way = match i.polarity {
                    Polarity::HigherIsBetter => multiple < 1.0,
                    _ => multiple > 1.0,
                };
                if wrong_way {
                    return Err((
                        "target_form.multiple",
                        format!(
                            "a multiple of {multiple} points the wrong way for a {}-is-better indicator",
                            i.polarity.name()
                        ),
                    ));
                }
                if i.target.is_some() {
                    return Err((
                        "target",
                        "a baseline-multiple target is k × the unit's own baseline: leave `target` unset".into(),
                    ));
                }
                let ty = i.target_year_or(self.target_year);
                if let Some(h) = horizon_year {
                    if h < ty {
                        return Err((
                            "target_form.horizon_year",
                            format!("{h} is before the indicator's target year {ty}"),
                        ));
                    }
                }
            }
        }
        if let Some(rel) = &i.relative_target {
            if rel.basis == RelativeBasis::PeriodAverage
                && (i.kind != Kind::GrowthRate
                    || !matches!(rel.reference, Reference::Series { .. }))
            {
                return Err((
                    "relative_target.basis",
                    format!(
                        "`period_average` compares average growth: it needs a growth_rate indicator and a reference series, not {} against {}",
                        i.kind.name(),
                        match rel.reference {
                            Reference::PreviousYear => "the previous year",
                            Reference::Series { .. } => "a series",
                        }
                    ),
                ));
            }
        }
        if i.stretch_target.is_some() && i.target.is_none() {
            return Err((
                "stretch_target",
                "a stretch target needs a target to stretch beyond".into(),
            ));
        }
        if let (Some(t), Some(s)) = (i.target, i.stretch_target) {
            let wrong = match i.polarity {
                Polarity::HigherIsBetter => s < t,
                Polarity::LowerIsBetter => s > t,
                _ => false,
            };
            if wrong {
                return Err((
                    "stretch_target",
                    format!(
                        "stretch target {s} is less ambitious than the target {t} for a {}-is-better indicator",
                        i.polarity.name()
                    ),
                ));
            }
        }
        if let Some(rel) = &i.relative_target {
            if let Reference::Series { indicator, unit } = &rel.reference {
                if indicator.trim().is_empty() {
                    return Err((
                        "relative_target.reference",
                        "a relative target needs a reference indicator".into(),
                    ));
                }
                if !self.knows_series(indicator) {
                    return Err((
                        "relative_target.reference",
                        format!(
                            "reference series `{indicator}` is neither an indicator nor an auxiliary series of the framework"
                        ),
                    ));
                }
                if unit.as_deref().is_some_and(|u| u.trim().is_empty()) {
                    return Err((
                        "relative_target.reference",
                        "the reference unit is empty; omit it to mean the same unit".into(),
                    ));
                }
            }
            if !rel.margin.is_finite() {
                return Err(("relative_target.margin", "must be finite".into()));
            }
            let upward = matches!(rel.relation, Relation::Above | Relation::NotBelow);
            let clash = match i.polarity {
                // a binary indicator is read as higher-is-better (1 = met)
                Polarity::HigherIsBetter | Polarity::Binary => !upward,
                Polarity::LowerIsBetter => upward,
                Polarity::Interval { .. } => false,
            };
            if clash {
                let reading = match i.polarity {
                    Polarity::Binary => {
                        "a binary indicator (read as higher-is-better: 1 = met; use `above` or `not_below`)"
                            .to_string()
                    }
                    p => format!("a {}-is-better indicator", p.name()),
                };
                return Err((
                    "relative_target.relation",
                    format!(
                        "relation `{}` points the wrong way for {reading}",
                        rel.relation.name(),
                    ),
                ));
            }
        }
        let ty = i.target_year_or(self.target_year);
        if ty <= self.base_year || ty > self.target_year {
            return Err((
                "target_year",
                format!(
                    "{ty} is outside the plan period {}–{}",
                    self.base_year + 1,
                    self.target_year
                ),
            ));
        }
        let mut years = HashSet::new();
        for m in &i.interim_targets {
            if !years.insert(m.year) {
                return Err((
                    "interim_targets",
                    format!("milestone year {} appears twice", m.year),
                ));
            }
            if m.year <= self.base_year || m.year >= ty || !m.value.is_finite() {
                return Err((
                    "interim_targets",
                    format!(
                        "milestone {} = {} must be finite and lie between the base year {} and the target year {ty}",
                        m.year, m.value, self.base_year
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The Levenshtein distance between two strings, counted in characters (the classic
/// dynamic programme over one row; Wagner & Fischer 1974).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}
