//! What [`crate::method::run`] returns: scores at every level, ranks, normalised values,
//! weights, contributions, obstacle degrees, the imputation and treatment reports,
//! diagnostics and the processing log — with the spec actually used.
//!
//! Large arrays are [`Cube`]s: one contiguous column of `n_units` values per (id, period),
//! so the C ABI can hand out `&[f64]` without copying ([`Results::scores_for`] …). In JSON
//! a cube is an object `id → [period][unit]` in the order of [`Results::periods`] and
//! [`Results::units`]; NaN is written as `null`.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::impute::ImputedCell;
use super::screen::ScreenedUnit;
use super::spec::Spec;
use super::stats::{CorrelationMatrix, CronbachAlpha, IndicatorStats, ParentCorrelation};
use super::treat::TreatKind;

/// Values per (id, period, unit), period-major: column `(period, id)` starts at
/// `(p · ids.len() + k) · n_units` and is contiguous.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cube {
    /// The ids (node ids or indicator ids).
    pub ids: Vec<String>,
    /// Number of periods.
    pub n_periods: usize,
    /// Number of units.
    pub n_units: usize,
    /// The values, NaN = missing / not defined.
    pub data: Vec<f64>,
}

impl Cube {
    /// A cube filled with NaN.
    pub fn new(ids: Vec<String>, n_periods: usize, n_units: usize) -> Cube {
        let n = ids.len() * n_periods * n_units;
        Cube {
            ids,
            n_periods,
            n_units,
            data: vec![f64::NAN; n],
        }
    }

    /// Position of an id (the first, should an id repeat): a linear search. For many
    /// lookups in one cube use [`Cube::index`].
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|x| x == id)
    }

    /// The cube's ids sorted once, for many lookups by id in O(log n) string comparisons
    /// each (a caller that reads every column by id with [`Cube::index_of`] is quadratic
    /// in the number of ids).
    pub fn index(&self) -> CubeIndex<'_> {
        CubeIndex {
            cube: self,
            order: IdOrder::new(&self.ids),
        }
    }

    /// The start of column `(k, p)` in [`Cube::data`].
    #[inline]
    pub fn offset(&self, k: usize, p: usize) -> usize {
        (p * self.ids.len() + k) * self.n_units
    }

    /// The column of id position `k` in period position `p`.
    #[inline]
    pub fn column(&self, k: usize, p: usize) -> &[f64] {
        let s = self.offset(k, p);
        &self.data[s..s + self.n_units]
    }

    /// The mutable column of id position `k` in period position `p`.
    #[inline]
    pub fn column_mut(&mut self, k: usize, p: usize) -> &mut [f64] {
        let s = self.offset(k, p);
        let n = self.n_units;
        &mut self.data[s..s + n]
    }

    /// The column of `id` in period position `p`.
    pub fn get(&self, id: &str, p: usize) -> Option<&[f64]> {
        let k = self.index_of(id)?;
        (p < self.n_periods).then(|| self.column(k, p))
    }
}

/// Positions of a list of ids sorted by id (4 bytes an id), to find an id in the list in
/// O(log n) comparisons: the owned form of [`CubeIndex`], for a holder of an immutable
/// list (the C ABI's result handle keeps one per cube, built on its first lookup).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdOrder {
    sorted: Vec<u32>,
}

/// Up to this many ids [`IdOrder`] sorts nothing and searches linearly.
const LINEAR_LOOKUP: usize = 16;

impl IdOrder {
    /// The order of `ids` (a list of more than `u32::MAX` ids is searched linearly).
    pub fn new(ids: &[String]) -> IdOrder {
        if ids.len() <= LINEAR_LOOKUP || ids.len() > u32::MAX as usize {
            return IdOrder::default();
        }
        let mut sorted: Vec<u32> = (0..ids.len() as u32).collect();
        // stable: of repeated ids the first position comes first
        sorted.sort_by(|&a, &b| ids[a as usize].cmp(&ids[b as usize]));
        IdOrder { sorted }
    }

    /// The first position of `id` in `ids`, the list this order was made from. A position
    /// returned always holds `id`; given another list, the answer may miss an id it holds.
    pub fn find(&self, ids: &[String], id: &str) -> Option<usize> {
        if self.sorted.is_empty() {
            return ids.iter().position(|x| x == id);
        }
        let key = |k: u32| ids.get(k as usize).map(String::as_str);
        // the first sorted position whose id is not below `id`
        let at = self
            .sorted
            .partition_point(|&k| key(k).is_some_and(|x| x < id));
        let k = *self.sorted.get(at)?;
        (key(k) == Some(id)).then_some(k as usize)
    }
}

/// A [`Cube`] with its ids sorted once ([`Cube::index`]): each lookup by id is a binary
/// search, and the borrow keeps the cube from changing meanwhile.
#[derive(Debug, Clone)]
pub struct CubeIndex<'a> {
    cube: &'a Cube,
    order: IdOrder,
}

impl<'a> CubeIndex<'a> {
    /// Position of an id in [`Cube::ids`] (the first, should an id repeat), as
    /// [`Cube::index_of`].
    pub fn position(&self, id: &str) -> Option<usize> {
        self.order.find(&self.cube.ids, id)
    }

    /// The column of `id` in period position `p`, as [`Cube::get`].
    pub fn get(&self, id: &str, p: usize) -> Option<&'a [f64]> {
        let k = self.position(id)?;
        let cube: &'a Cube = self.cube;
        (p < cube.n_periods).then(|| cube.column(k, p))
    }
}

impl Serialize for Cube {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.ids.len()))?;
        for (k, id) in self.ids.iter().enumerate() {
            let per: Vec<&[f64]> = (0..self.n_periods).map(|p| self.column(k, p)).collect();
            map.serialize_entry(id, &per)?;
        }
        map.end()
    }
}

/// A node of the aggregation tree (the index or a dimension).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// Node id: the framework id for the index, else the dimension id.
    pub id: String,
    /// Parent node id (`None` for the index).
    pub parent: Option<String>,
    /// Height above the indicators (1 = holds indicators).
    pub level: usize,
    /// Child ids (indicators when `holds_indicators`, else dimensions), in order.
    pub children: Vec<String>,
    /// Whether the children are indicators.
    pub holds_indicators: bool,
    /// The aggregation method used (snake_case name).
    pub aggregation: String,
}

/// The weight of one child within its parent in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightUsed {
    /// Parent node id.
    pub node: String,
    /// Child id (indicator or dimension).
    pub child: String,
    /// Period.
    pub period: i32,
    /// Weight as given or computed, before normalisation.
    pub raw: f64,
    /// Weight normalised within the parent (siblings sum to 1).
    pub normalised: f64,
    /// Effective weight in the index: the product of normalised weights from the index
    /// down to this child (COINr `get_eff_weights`).
    pub effective: f64,
    /// The weighting method (snake_case name).
    pub method: String,
}

/// One point changed by the outlier treatment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreatedPoint {
    /// Unit id.
    pub unit: String,
    /// Period.
    pub period: i32,
    /// Indicator id.
    pub indicator: String,
    /// What was done.
    pub kind: TreatKind,
    /// Value before.
    pub before: f64,
    /// Value after.
    pub after: f64,
}

/// Treatment summary of one treated column (COINr `Dets_Table`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreatmentSummary {
    /// Indicator id.
    pub indicator: String,
    /// Period.
    pub period: i32,
    /// Skewness before.
    pub skew_before: f64,
    /// Kurtosis before.
    pub kurtosis_before: f64,
    /// Skewness after.
    pub skew_after: f64,
    /// Kurtosis after.
    pub kurtosis_after: f64,
    /// Distinct points Winsorised.
    pub n_winsorised: usize,
    /// The log fallback was applied.
    pub log_applied: bool,
    /// Still fails the rule after treatment.
    pub still_fails: bool,
    /// When the log fallback was applied, every observed value `x` of the column became
    /// `log_sign · ln(log_sign · x + log_offset)` (COINr `log_CT`: sign 1, offset
    /// `0.01·(max − min) − min`); those points are not listed one by one in
    /// [`Results::treated`]. NaN when not applied.
    pub log_offset: f64,
    /// Sign of the log transform (1, or −1 for `log_ct_plus` on negative skew; 0 when not
    /// applied).
    pub log_sign: f64,
}

/// The consistency of one AHP pairwise matrix used by the run (Saaty 1980): a bureau
/// prints CR next to the weights.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AhpConsistency {
    /// The node whose children the matrix weights (a dimension id or the framework id).
    pub node: String,
    /// The spec field that holds the matrix.
    pub field: String,
    /// Order of the matrix (children with data).
    pub n: usize,
    /// Principal eigenvalue λ_max.
    pub lambda_max: f64,
    /// Consistency index `CI = (λ_max − n)/(n − 1)` (0 for n ≤ 2).
    pub ci: f64,
    /// Saaty's random index RI(n) (0 for n ≤ 2).
    pub ri: f64,
    /// Consistency ratio `CR = CI/RI` (0 for n ≤ 2; NaN for n > 15, no tabulated RI).
    pub cr: f64,
    /// `CR ≤ 0.10` (Saaty's acceptance rule; CR = 0.10 passes). False only when the spec
    /// set `allow_inconsistent`.
    pub consistent: bool,
}

/// Everything one run of the pipeline produces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    /// The spec used, every default filled in.
    pub spec: Spec,
    /// The framework id (also the id of the index node).
    pub framework_id: String,
    /// Unit ids (the order of every column).
    pub units: Vec<String>,
    /// Periods computed (the order of every cube's periods).
    pub periods: Vec<i32>,
    /// Indicators used, grouped by dimension (the order of indicator cubes).
    pub indicators: Vec<String>,
    /// Framework indicators absent from the panel (left out).
    pub missing_indicators: Vec<String>,
    /// The aggregation tree, index first, siblings contiguous (breadth-first).
    pub nodes: Vec<Node>,
    /// Scores of every node (index and dimensions).
    pub scores: Cube,
    /// Ranks of every node (1 = best; NaN where the score is NaN); only the index when
    /// `ranks.index_only`.
    pub ranks: Cube,
    /// Normalised indicator values (after imputation and treatment).
    pub normalised: Cube,
    /// Weights used, per node, child and period.
    pub weights: Vec<WeightUsed>,
    /// Each indicator's share of the index score (`w_eff·y / score`, arithmetic levels);
    /// empty when not requested.
    pub contributions: Cube,
    /// Obstacle degree (障碍度) of each indicator for each unit, as shares or percent
    /// (`spec.outputs.obstacle_scale`); empty when not requested.
    pub obstacles: Cube,
    /// Obstacle degree of each dimension (every node but the index): the sum of the
    /// obstacle degrees of the indicators below it; empty when not requested.
    pub dimension_obstacles: Cube,
    /// λ_max, CI, RI and CR of every AHP matrix used (weighting nodes with `ahp`, also
    /// inside `combined`).
    pub ahp: Vec<AhpConsistency>,
    /// Units below the screening threshold.
    pub screened: Vec<ScreenedUnit>,
    /// Every imputed cell with its method.
    pub imputed: Vec<ImputedCell>,
    /// Every point changed by Winsorisation (log-transformed columns are listed in
    /// `treatment` with the transform's parameters instead of point by point).
    pub treated: Vec<TreatedPoint>,
    /// Per treated column: skew/kurtosis before and after.
    pub treatment: Vec<TreatmentSummary>,
    /// Statistics table per indicator and period (raw data).
    pub statistics: Vec<IndicatorStats>,
    /// Correlations among the children of each node, per period.
    pub correlations: Vec<CorrelationMatrix>,
    /// Correlation of each child with its parent, per period.
    pub parent_correlations: Vec<ParentCorrelation>,
    /// Cronbach's alpha per node (≥ 2 children), per period.
    pub cronbach: Vec<CronbachAlpha>,
    /// What was done, step by step.
    pub log: Vec<String>,
    /// Things a statistician should look at (degenerate columns, dropped indicators …).
    pub warnings: Vec<String>,
}

impl Results {
    fn period_pos(&self, period: i32) -> Option<usize> {
        self.periods.iter().position(|&p| p == period)
    }

    /// Scores of a node (framework id for the index, or a dimension id) in a period, one
    /// per unit in [`Results::units`] order.
    pub fn scores_for(&self, node: &str, period: i32) -> Option<&[f64]> {
        self.scores.get(node, self.period_pos(period)?)
    }

    /// Ranks of a node in a period.
    pub fn ranks_for(&self, node: &str, period: i32) -> Option<&[f64]> {
        self.ranks.get(node, self.period_pos(period)?)
    }

    /// Normalised values of an indicator in a period.
    pub fn normalised_for(&self, indicator: &str, period: i32) -> Option<&[f64]> {
        self.normalised.get(indicator, self.period_pos(period)?)
    }

    /// Contribution shares of an indicator in a period.
    pub fn contributions_for(&self, indicator: &str, period: i32) -> Option<&[f64]> {
        self.contributions.get(indicator, self.period_pos(period)?)
    }

    /// Obstacle degrees of an indicator in a period.
    pub fn obstacles_for(&self, indicator: &str, period: i32) -> Option<&[f64]> {
        self.obstacles.get(indicator, self.period_pos(period)?)
    }

    /// Obstacle degrees of a dimension (sum over its indicators) in a period.
    pub fn dimension_obstacles_for(&self, node: &str, period: i32) -> Option<&[f64]> {
        self.dimension_obstacles.get(node, self.period_pos(period)?)
    }

    /// The index scores in a period.
    pub fn index_scores(&self, period: i32) -> Option<&[f64]> {
        self.scores_for(&self.framework_id, period)
    }

    /// The whole result as pretty JSON (NaN as `null`).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("results always serialise")
    }
}
