//! The methodology spec: every choice of the composite-index pipeline as data.
//!
//! A result is reproducible from (framework, panel, spec); the spec actually used — with
//! every default filled in — is stored in each [`crate::method::Results`]. All fields have
//! defaults (`{}` is a valid spec) and unknown fields are rejected. The defaults follow the
//! JRC/COINr practice and are documented on each field; `docs/spec.md` shows examples.
//!
//! | section | default |
//! |---|---|
//! | `screening` | flag units with < 2/3 of indicators observed (COINr `dat_thresh`) |
//! | `imputation` | none |
//! | `treatment` | on: \|skew\| ≥ 2 and kurtosis ≥ 3.5 → Winsorise ≤ 5 points → `log_ct` |
//! | `normalisation` | min–max to [0, 100] for every indicator |
//! | `weighting` | the framework's weights (manual), per period |
//! | `aggregation` | weighted arithmetic at every level, missing components re-normalised |
//! | `missing_indicators` | `renormalise`: framework indicators absent from the panel are left out and the weights of their siblings re-normalised (with a warning) |
//! | `ranks` | 1 = highest score, ties `min` (1, 2, 2, 4) |
//! | `periods` | all periods of the panel |
//! | `units` | all units of the panel |
//! | `outputs` | everything (contributions, obstacle degrees as shares, statistics, correlations) |

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::aggregate::{Aggregation, MissingRule};
use super::impute::ImputationSpec;
use super::normalise::{Normalisation, Ties};
use super::screen::ScreeningSpec;
use super::treat::TreatmentSpec;
use super::weight::Weighting;
use crate::error::{Error, Result};
use crate::json::{bound_quoted, number, quote};
use crate::model::Framework;

/// Normalisation choices (spec field `normalisation`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NormalisationSpec {
    /// The method for every indicator (default min–max to [0, 100]).
    pub default: Normalisation,
    /// Per-indicator overrides (indicator id → method). Default none.
    pub indicators: BTreeMap<String, Normalisation>,
    /// Normalise each indicator once over all selected periods together (default false:
    /// each period on its own). With min–max this is the one min–max over every unit-year
    /// of the global entropy method (全局熵值法): the bounds, and so the scores, are
    /// comparable across years. Data-driven parameters (min, max, mean, SD, ranks) come
    /// from the stacked unit-years; `distance_to_reference` is refused (its reference unit
    /// is one row of one period).
    pub pooled: bool,
}

impl NormalisationSpec {
    /// The method for one indicator.
    pub fn for_indicator(&self, id: &str) -> &Normalisation {
        self.indicators.get(id).unwrap_or(&self.default)
    }
}

/// Where data-driven indicator weights are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightScope {
    /// Within each dimension that holds indicators (default): the indicators of a
    /// dimension share its weight; dimension weights come from `weighting.dimensions`.
    #[default]
    WithinDimension,
    /// Over all indicators at once (the common 熵权法 practice): the result is each
    /// indicator's effective weight in the index; a dimension's weight is the sum of its
    /// indicators' weights.
    Global,
}

fn manual() -> Weighting {
    Weighting::Manual
}

/// Weighting choices (spec field `weighting`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WeightingSpec {
    /// How indicators are weighted within their dimension (default `manual` = the
    /// framework's weights). Data-driven methods (entropy, CRITIC, CV, SD, PCA) are computed
    /// on the normalised values.
    #[serde(default = "manual")]
    pub indicators: Weighting,
    /// How sub-dimensions/dimensions are weighted within their parent (default `manual`);
    /// `equal`, `manual`, `effective` (= manual here) or `ahp` (only in `nodes`).
    #[serde(default = "manual")]
    pub dimensions: Weighting,
    /// Per-node overrides: node id (a dimension, or the framework id for the index) →
    /// weighting of its children. AHP is given here, with a matrix over the children in
    /// framework order.
    pub nodes: BTreeMap<String, Weighting>,
    /// Data-driven weights from all periods pooled ("全局" panel weights; default false:
    /// computed per period, so they may drift between years).
    pub pooled: bool,
    /// Scope of data-driven indicator weights (default within each dimension).
    pub scope: WeightScope,
}

impl Default for WeightingSpec {
    fn default() -> Self {
        WeightingSpec {
            indicators: Weighting::Manual,
            dimensions: Weighting::Manual,
            nodes: BTreeMap::new(),
            pooled: false,
            scope: WeightScope::WithinDimension,
        }
    }
}

fn arithmetic() -> Aggregation {
    Aggregation::Arithmetic
}

/// Aggregation of one node's children (one entry of spec field `aggregation`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LevelAggregation {
    /// The method (default weighted arithmetic).
    #[serde(default = "arithmetic")]
    pub method: Aggregation,
    /// Missing components: re-normalise the available weights (default, `min_share = 0`)
    /// or require an availability share.
    pub missing: MissingRule,
}

impl Default for LevelAggregation {
    fn default() -> Self {
        LevelAggregation {
            method: Aggregation::Arithmetic,
            missing: MissingRule::default(),
        }
    }
}

/// Aggregation choices (spec field `aggregation`).
///
/// A node's *level* is its height above the indicators: 1 for a dimension holding
/// indicators, 2 for its parent, …, the index being the highest. The method for a node is
/// looked up in `nodes` (by id), then `levels` (entry `level − 1`), then `default`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AggregationSpec {
    /// Default for every node (weighted arithmetic, re-normalised weights).
    pub default: LevelAggregation,
    /// Per level, from the bottom (`levels[0]` aggregates indicators into dimensions).
    pub levels: Vec<LevelAggregation>,
    /// Per node id (a dimension, or the framework id for the index).
    pub nodes: BTreeMap<String, LevelAggregation>,
}

impl AggregationSpec {
    /// The aggregation of a node at `level` (1 = above the indicators).
    pub fn for_node(&self, id: &str, level: usize) -> &LevelAggregation {
        self.nodes
            .get(id)
            .or_else(|| self.levels.get(level.saturating_sub(1)))
            .unwrap_or(&self.default)
    }
}

/// What to do with framework indicators that the panel does not contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingIndicators {
    /// Leave them out, re-normalise their siblings' weights and warn (default).
    #[default]
    Renormalise,
    /// Refuse to compute ([`Error::MissingValue`] naming the indicators).
    Error,
}

/// Ranking choices (spec field `ranks`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RankSpec {
    /// Ties policy (default `min`: 1, 2, 2, 4 — "competition" ranking).
    pub ties: Ties,
    /// Rank the index only (default false: every node is ranked); the other nodes' ranks
    /// are then NaN.
    pub index_only: bool,
}

impl Default for RankSpec {
    fn default() -> Self {
        RankSpec {
            ties: Ties::Min,
            index_only: false,
        }
    }
}

/// How obstacle degrees are expressed (spec field `outputs.obstacle_scale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObstacleScale {
    /// Shares in [0, 1] summing to 1 over a unit's indicators (default).
    #[default]
    Share,
    /// Percent (shares × 100, summing to 100), as the 障碍度 papers print them.
    Percent,
}

impl ObstacleScale {
    /// The factor applied to the shares (1 or 100).
    pub fn factor(self) -> f64 {
        match self {
            ObstacleScale::Share => 1.0,
            ObstacleScale::Percent => 100.0,
        }
    }
}

/// Which optional outputs to compute (spec field `outputs`); all default to true.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutputSpec {
    /// Each indicator's contribution share to the index score.
    pub contributions: bool,
    /// Obstacle degrees (障碍度) of indicators and of dimensions.
    pub obstacles: bool,
    /// Obstacle degrees as shares (default) or percent.
    pub obstacle_scale: ObstacleScale,
    /// Statistics table per indicator and period.
    pub statistics: bool,
    /// Correlation matrices and Cronbach's alpha.
    pub correlations: bool,
}

impl Default for OutputSpec {
    fn default() -> Self {
        OutputSpec {
            contributions: true,
            obstacles: true,
            obstacle_scale: ObstacleScale::Share,
            statistics: true,
            correlations: true,
        }
    }
}

/// The methodology spec (see the module docs for the defaults).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Spec {
    /// Unit screening by data availability.
    pub screening: ScreeningSpec,
    /// Imputation of missing values.
    pub imputation: ImputationSpec,
    /// Outlier treatment.
    pub treatment: TreatmentSpec,
    /// Normalisation.
    pub normalisation: NormalisationSpec,
    /// Weighting.
    pub weighting: WeightingSpec,
    /// Aggregation.
    pub aggregation: AggregationSpec,
    /// Framework indicators absent from the panel.
    pub missing_indicators: MissingIndicators,
    /// Ranking.
    pub ranks: RankSpec,
    /// The periods to compute (default `None` = every period of the panel).
    pub periods: Option<Vec<i32>>,
    /// The units to compute, in this order (default `None` = every unit of the panel).
    /// Use it to leave reference series (a provincial average) out of the cross-unit
    /// normalisation, weights and ranks. Every id must be a panel unit.
    pub units: Option<Vec<String>>,
    /// Optional outputs.
    pub outputs: OutputSpec,
}

const SECTIONS: [&str; 11] = [
    "screening",
    "imputation",
    "treatment",
    "normalisation",
    "weighting",
    "aggregation",
    "missing_indicators",
    "ranks",
    "periods",
    "units",
    "outputs",
];

fn share(field: &str, v: f64) -> Result<()> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(Error::invalid_spec(
            field,
            format!("must be a share in [0, 1], found {}", number(v)),
        ))
    }
}

impl Spec {
    /// Parses a spec from JSON (missing fields take their defaults) and checks it with
    /// [`Spec::validate`].
    ///
    /// Errors: [`Error::Json`] (what = "spec") with line and column for malformed JSON, a
    /// duplicate key (its dotted path; see [`crate::json::decode`], which also accepts a
    /// leading BOM);
    /// [`Error::InvalidSpec`] naming the field for an unknown field, a value of the wrong
    /// type or an impossible value (e.g. `treatment.skew_threshold`).
    pub fn from_json(text: &str) -> Result<Spec> {
        // strict syntax first (BOM, duplicate keys, bounded messages), then the field checks
        let value: serde_json::Value = crate::json::decode("spec", text)?;
        let obj = value
            .as_object()
            .ok_or_else(|| Error::invalid_spec("(root)", "a spec is a JSON object"))?;
        for key in obj.keys() {
            if !SECTIONS.contains(&key.as_str()) {
                return Err(Error::invalid_spec(
                    quote(key),
                    format!("unknown field (known: {})", SECTIONS.join(", ")),
                ));
            }
        }
        if let Err(e) = serde_json::from_value::<Spec>(value.clone()) {
            let (path, message) = locate(value, Vec::new(), e.to_string());
            // keys and quoted values in the message at most QUOTE_CHARS characters each
            // (docs/spec.md): a 100,000-character value must not fill the message
            let mut field = String::new();
            for p in &path {
                match p {
                    Step::Key(k) => {
                        if !field.is_empty() {
                            field.push('.');
                        }
                        field.push_str(&quote(k));
                    }
                    Step::Index(i) => field.push_str(&format!("[{i}]")),
                }
            }
            if let Some(inner) = inner_field(&message) {
                let last_is_inner = matches!(path.last(), Some(Step::Key(k)) if *k == inner);
                if message.contains("unknown field") && !last_is_inner {
                    field = if field.is_empty() {
                        quote(&inner)
                    } else {
                        format!("{field}.{}", quote(&inner))
                    };
                }
            }
            if field.is_empty() {
                field = "(root)".into();
            }
            return Err(Error::invalid_spec(field, bound_quoted(&message)));
        }
        let spec: Spec = serde_json::from_value(value.clone())
            .map_err(|e| Error::invalid_spec("(root)", e.to_string()))?;
        // Nested method types (normalisation, weighting, aggregation) ignore unknown keys;
        // every field is serialised back, so a key absent from the round trip is unknown.
        let back = serde_json::to_value(&spec).expect("a spec always serialises");
        check_known(&value, &back, "")?;
        spec.validate()?;
        Ok(spec)
    }

    /// The spec as pretty JSON, every default written out.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a spec always serialises")
    }

    /// Checks value ranges that serde cannot; errors name the field.
    pub fn validate(&self) -> Result<()> {
        share(
            "screening.min_availability",
            self.screening.min_availability,
        )?;
        if let Some(v) = self.screening.min_dimension_availability {
            share("screening.min_dimension_availability", v)?;
        }
        let t = &self.treatment;
        if !(t.skew_threshold.is_finite() && t.skew_threshold > 0.0) {
            return Err(Error::invalid_spec(
                "treatment.skew_threshold",
                format!(
                    "must be positive and finite, found {}",
                    number(t.skew_threshold)
                ),
            ));
        }
        if !t.kurtosis_threshold.is_finite() {
            return Err(Error::invalid_spec(
                "treatment.kurtosis_threshold",
                format!("must be finite, found {}", number(t.kurtosis_threshold)),
            ));
        }
        let mut levels: Vec<(String, &LevelAggregation)> =
            vec![("aggregation.default".to_string(), &self.aggregation.default)];
        for (k, l) in self.aggregation.levels.iter().enumerate() {
            levels.push((format!("aggregation.levels[{k}]"), l));
        }
        for (id, l) in &self.aggregation.nodes {
            levels.push((format!("aggregation.nodes.{id}"), l));
        }
        for (field, l) in levels {
            share(&format!("{field}.missing.min_share"), l.missing.min_share)?;
            match l.method {
                Aggregation::Power { r } if !r.is_finite() => {
                    return Err(Error::invalid_spec(
                        format!("{field}.method.r"),
                        format!("must be finite, found {}", number(r)),
                    ))
                }
                Aggregation::Geometric { shift } if !(shift.is_finite() && shift >= 0.0) => {
                    return Err(Error::invalid_spec(
                        format!("{field}.method.shift"),
                        format!("must be finite and non-negative, found {}", number(shift)),
                    ))
                }
                Aggregation::Arithmetic
                | Aggregation::Geometric { .. }
                | Aggregation::Harmonic
                | Aggregation::Power { .. }
                | Aggregation::WeightedMedian
                | Aggregation::Mpi { .. }
                | Aggregation::Ampi { .. }
                | Aggregation::Topsis { .. }
                | Aggregation::Copeland => {}
            }
        }
        if self.normalisation.pooled {
            let by_ref = |n: &Normalisation| matches!(n, Normalisation::DistanceToReference { .. });
            let field = if by_ref(&self.normalisation.default) {
                Some("normalisation.default".to_string())
            } else {
                self.normalisation
                    .indicators
                    .iter()
                    .find(|(_, n)| by_ref(n))
                    .map(|(id, _)| format!("normalisation.indicators.{id}"))
            };
            if let Some(field) = field {
                return Err(Error::invalid_spec(
                    field,
                    "distance_to_reference cannot be pooled over periods (its reference unit is one row of one period); set normalisation.pooled to false or choose another method",
                ));
            }
        }
        if let Some(p) = &self.periods {
            if p.is_empty() {
                return Err(Error::invalid_spec(
                    "periods",
                    "an empty list selects nothing; omit the field to use every period",
                ));
            }
        }
        if let Some(u) = &self.units {
            if u.is_empty() {
                return Err(Error::invalid_spec(
                    "units",
                    "an empty list selects nothing; omit the field to use every unit",
                ));
            }
            // one hash-set pass (a quadratic scan took most of a 100,000-unit run)
            let mut seen = std::collections::HashSet::with_capacity(u.len());
            for id in u {
                if !seen.insert(id.as_str()) {
                    return Err(Error::invalid_spec(
                        "units",
                        format!("unit `{id}` is listed twice"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Checks the ids the spec names against a framework (normalisation overrides,
    /// weighting and aggregation nodes, treatment exclusions).
    pub fn validate_against(&self, framework: &Framework) -> Result<()> {
        // indexed once, when first needed: a spec may name every indicator and node of a
        // large framework (a search per name was quadratic)
        let (series, dims) = (std::cell::OnceCell::new(), std::cell::OnceCell::new());
        let indicator = |id: &str| {
            series
                .get_or_init(|| framework.series_index())
                .indicator(id)
        };
        let is_node = |id: &str| {
            id == framework.id
                || dims
                    .get_or_init(|| framework.dimension_index())
                    .dimension(id)
                    .is_some()
        };
        for id in self.normalisation.indicators.keys() {
            if indicator(id).is_none() {
                return Err(Error::invalid_spec(
                    format!("normalisation.indicators.{id}"),
                    format!("unknown indicator (not in framework `{}`)", framework.id),
                ));
            }
        }
        for id in &self.treatment.exclude {
            if indicator(id).is_none() {
                return Err(Error::invalid_spec(
                    "treatment.exclude",
                    format!(
                        "unknown indicator `{id}` (not in framework `{}`)",
                        framework.id
                    ),
                ));
            }
        }
        for id in self.weighting.nodes.keys() {
            if !is_node(id) {
                return Err(Error::invalid_spec(
                    format!("weighting.nodes.{id}"),
                    format!(
                        "unknown node (a dimension id or the framework id `{}`)",
                        framework.id
                    ),
                ));
            }
        }
        for id in self.aggregation.nodes.keys() {
            if !is_node(id) {
                return Err(Error::invalid_spec(
                    format!("aggregation.nodes.{id}"),
                    format!(
                        "unknown node (a dimension id or the framework id `{}`)",
                        framework.id
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Every key of `input` must appear in `back` (the parsed spec serialised again).
pub(crate) fn check_known(
    input: &serde_json::Value,
    back: &serde_json::Value,
    path: &str,
) -> Result<()> {
    use serde_json::Value;
    match (input, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let p = if path.is_empty() {
                    quote(k)
                } else {
                    format!("{path}.{}", quote(k))
                };
                match b.get(k) {
                    None => {
                        return Err(Error::invalid_spec(
                            p,
                            format!(
                                "unknown field `{}` (known here: {})",
                                quote(k),
                                b.keys().cloned().collect::<Vec<_>>().join(", ")
                            ),
                        ))
                    }
                    Some(w) => check_known(v, w, &p)?,
                }
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                check_known(v, w, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// One step of a path into the spec JSON.
enum Step {
    Key(String),
    Index(usize),
}

fn at_mut<'v>(v: &'v mut serde_json::Value, path: &[Step]) -> &'v mut serde_json::Value {
    let mut cur = v;
    for s in path {
        cur = match s {
            Step::Key(k) => &mut cur[k.as_str()],
            // after pruning, an array holds only the element followed (see `locate`)
            Step::Index(_) => &mut cur[0],
        };
    }
    cur
}

/// Narrows a deserialisation error down to the deepest field that still fails on its own:
/// the object (or array) at `path` is pruned to one member at a time; a member that fails
/// alone (other than for a missing required sibling) is followed. Returns the path and the
/// message of the narrowest failure.
fn locate(doc: serde_json::Value, path: Vec<Step>, message: String) -> (Vec<Step>, String) {
    let mut doc = doc;
    let node = at_mut(&mut doc, &path).clone();
    let members: Vec<(Step, serde_json::Value)> = match node {
        serde_json::Value::Object(m) => m.into_iter().map(|(k, v)| (Step::Key(k), v)).collect(),
        serde_json::Value::Array(a) => a
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Step::Index(i), v))
            .collect(),
        _ => return (path, message),
    };
    for (step, v) in members {
        let mut pruned = doc.clone();
        let (single, next_step) = match &step {
            Step::Key(k) => {
                let mut m = serde_json::Map::new();
                m.insert(k.clone(), v.clone());
                (serde_json::Value::Object(m), Step::Key(k.clone()))
            }
            // the array is pruned to this one element; the step keeps its real index
            Step::Index(i) => (serde_json::Value::Array(vec![v.clone()]), Step::Index(*i)),
        };
        *at_mut(&mut pruned, &path) = single;
        if let Err(e) = serde_json::from_value::<Spec>(pruned.clone()) {
            let msg = e.to_string();
            if msg.contains("missing field") {
                continue;
            }
            let mut p = path;
            p.push(next_step);
            return locate(pruned, p, msg);
        }
    }
    (path, message)
}

/// Pulls the inner field name out of a serde message such as "unknown field `x`, expected
/// …" or "missing field `y`" (other messages, e.g. an unknown variant, name their value
/// themselves and the error names the section).
fn inner_field(msg: &str) -> Option<String> {
    for pat in ["unknown field `", "missing field `"] {
        if let Some(pos) = msg.find(pat) {
            let rest = &msg[pos + pat.len()..];
            let end = rest.find('`')?;
            return Some(rest[..end].to_string());
        }
    }
    None
}
