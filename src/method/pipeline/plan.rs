//! The plan of a run: everything the pipeline decides before it touches a value — the
//! periods and units, the framework's tree indexed once, and each indicator's and each
//! node's choices resolved once from the spec.

use std::borrow::Cow;
use std::collections::HashMap;

use super::super::normalise::{ColumnInfo, Normalisation};
use super::super::spec::{LevelAggregation, MissingIndicators, Spec, WeightScope};
use super::super::weight::Weighting;
use crate::data::Panel;
use crate::error::{Error, Result};
use crate::model::{DimensionIndex, Framework, Indicator, Polarity};

/// A node of the tree: the index (position 0), a dimension, or a dimension holding
/// indicators (`leaf`). Children are contiguous: a range into the node list (dimensions) or
/// into the indicator list (leaves); a node's children come after it.
#[derive(Debug, Clone)]
pub(super) struct TNode {
    pub id: String,
    pub parent: Option<usize>,
    /// Children: a range into `nodes` (dimensions) or into the indicator list.
    pub first: usize,
    pub count: usize,
    pub leaf: bool,
    /// 1 for a node holding indicators, 1 + the deepest child otherwise.
    pub level: usize,
    /// Framework weights of the children, in child order.
    pub fw_weights: Vec<f64>,
}

/// The framework's tree restricted to the indicators with data, indexed once.
#[derive(Debug, Clone)]
pub(super) struct Tree<'a> {
    /// Nodes in breadth-first order (the index first).
    pub nodes: Vec<TNode>,
    /// Indicators with data, in the order of their leaves (each leaf's children contiguous).
    pub inds: Vec<&'a Indicator>,
    /// The panel column of each indicator.
    pub pidx: Vec<usize>,
    /// Framework indicators without a panel column.
    pub missing: Vec<String>,
}

impl<'a> Tree<'a> {
    /// The tree of `framework` over the indicators `panel` has a column for, less the
    /// indicator `left_out` (the sensitivity analysis's exclusion: left out exactly as an
    /// indicator without data — its siblings share its weight, and a dimension left with
    /// no indicator with data is left out — but not reported as missing); `warnings`
    /// receives the indicators and dimensions left out.
    fn build(
        framework: &'a Framework,
        panel: &Panel,
        policy: MissingIndicators,
        left_out: Option<&str>,
        warnings: &mut Vec<String>,
    ) -> Result<Tree<'a>> {
        let has_data = |i: &Indicator| {
            panel.indicator_index(&i.id).is_some() && Some(i.id.as_str()) != left_out
        };
        let missing: Vec<String> = framework
            .indicators
            .iter()
            .filter(|i| panel.indicator_index(&i.id).is_none())
            .map(|i| i.id.clone())
            .collect();
        if !missing.is_empty() {
            match policy {
                MissingIndicators::Error => {
                    return Err(Error::MissingValue {
                        context: format!("panel vs framework `{}`", framework.id),
                        reason: format!(
                            "for indicators {} (no column in the panel) and the spec sets missing_indicators = error",
                            missing.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                        ),
                    })
                }
                MissingIndicators::Renormalise => warnings.push(format!(
                    "{} framework indicator(s) have no data and are left out (siblings' weights re-normalised): {}",
                    missing.len(),
                    missing.join(", ")
                )),
            }
        }
        // each dimension's child dimensions and own indicators, grouped once (a scan of the
        // framework per dimension was quadratic in its size)
        let index = framework.dimension_index();
        // does a dimension have any indicator with data below it?
        let mut alive: HashMap<&str, bool> = HashMap::new();
        fn alive_of<'a>(
            index: &DimensionIndex<'a>,
            has_data: &dyn Fn(&Indicator) -> bool,
            id: &'a str,
            memo: &mut HashMap<&'a str, bool>,
        ) -> bool {
            if let Some(&a) = memo.get(id) {
                return a;
            }
            let a = index.indicators_in(id).iter().any(|i| has_data(i))
                || index
                    .child_dimensions(Some(id))
                    .iter()
                    .any(|d| alive_of(index, has_data, &d.id, memo));
            memo.insert(id, a);
            a
        }
        for d in &framework.dimensions {
            alive_of(&index, &has_data, &d.id, &mut alive);
        }
        for d in &framework.dimensions {
            if !alive[d.id.as_str()] && !d.id.is_empty() {
                let has_dead_parent = d.parent.as_deref().map(|p| !alive[p]).unwrap_or(false);
                if !has_dead_parent {
                    warnings.push(match left_out {
                        Some(id) => format!(
                            "dimension `{}` has no indicator with data once `{id}` is left out, and is left out",
                            d.id
                        ),
                        None => format!(
                            "dimension `{}` has no indicator with data and is left out",
                            d.id
                        ),
                    });
                }
            }
        }
        let mut nodes: Vec<TNode> = vec![TNode {
            id: framework.id.clone(),
            parent: None,
            first: 0,
            count: 0,
            leaf: false,
            level: 0,
            fw_weights: Vec::new(),
        }];
        let mut inds: Vec<&Indicator> = Vec::new();
        let mut k = 0;
        while k < nodes.len() {
            let parent_owned: Option<String> = if k == 0 {
                None
            } else {
                Some(nodes[k].id.clone())
            };
            let parent_dim: Option<&str> = parent_owned.as_deref();
            let dims: Vec<(String, f64)> = index
                .child_dimensions(parent_dim)
                .iter()
                .filter(|d| alive[d.id.as_str()])
                .map(|d| (d.id.clone(), d.weight))
                .collect();
            if !dims.is_empty() {
                let first = nodes.len();
                nodes[k].first = first;
                nodes[k].count = dims.len();
                nodes[k].fw_weights = dims.iter().map(|d| d.1).collect();
                for (id, _) in dims {
                    nodes.push(TNode {
                        id,
                        parent: Some(k),
                        first: 0,
                        count: 0,
                        leaf: false,
                        level: 0,
                        fw_weights: Vec::new(),
                    });
                }
            } else if let Some(dim) = parent_dim {
                let present: Vec<&Indicator> = index
                    .indicators_in(dim)
                    .iter()
                    .copied()
                    .filter(|i| has_data(i))
                    .collect();
                nodes[k].leaf = true;
                nodes[k].first = inds.len();
                nodes[k].count = present.len();
                nodes[k].fw_weights = present.iter().map(|i| i.weight).collect();
                inds.extend(present);
            }
            k += 1;
        }
        if nodes[0].count == 0 {
            return Err(Error::Empty {
                context: match left_out {
                    Some(id) => format!(
                        "panel: no indicator of framework `{}` other than `{id}` has a column",
                        framework.id
                    ),
                    None => format!(
                        "panel: no indicator of framework `{}` has a column",
                        framework.id
                    ),
                },
            });
        }
        for k in (0..nodes.len()).rev() {
            nodes[k].level = if nodes[k].leaf {
                1
            } else {
                1 + (nodes[k].first..nodes[k].first + nodes[k].count)
                    .map(|c| nodes[c].level)
                    .max()
                    .unwrap_or(0)
            };
        }
        let tree = Tree {
            pidx: inds
                .iter()
                .map(|i| panel.indicator_index(&i.id).expect("present"))
                .collect(),
            nodes,
            inds,
            missing,
        };
        tree.check_weights(framework)?;
        Ok(tree)
    }

    /// Every node needs a child with a positive framework weight.
    fn check_weights(&self, framework: &Framework) -> Result<()> {
        for nd in &self.nodes {
            let s: f64 = nd.fw_weights.iter().sum();
            if s.is_nan() || s <= 0.0 {
                return Err(Error::InvalidFramework {
                    framework: framework.id.clone(),
                    location: format!("dimension `{}`", nd.id),
                    message: "every child with data has weight 0".into(),
                });
            }
        }
        Ok(())
    }

    /// Indicator positions under node `k`.
    pub fn subtree_indicators(&self, k: usize) -> impl Iterator<Item = usize> {
        let mut out = Vec::new();
        let mut stack = vec![k];
        while let Some(n) = stack.pop() {
            let nd = &self.nodes[n];
            if nd.leaf {
                out.extend(nd.first..nd.first + nd.count);
            } else {
                stack.extend(nd.first..nd.first + nd.count);
            }
        }
        out.into_iter()
    }

    /// The id of child `c` of node `k` (an indicator's for a leaf).
    pub fn child_id(&self, k: usize, c: usize) -> &str {
        let nd = &self.nodes[k];
        if nd.leaf {
            &self.inds[nd.first + c].id
        } else {
            &self.nodes[nd.first + c].id
        }
    }
}

/// One indicator's choices.
#[derive(Debug, Clone)]
pub(super) struct ColumnPlan {
    /// Its normalisation.
    pub method: Normalisation,
    /// The reference unit's position (distance to a reference unit), or the spec error
    /// naming the field when the unit is not in the panel (raised when the column is
    /// normalised, in the order of the columns).
    pub reference_unit: std::result::Result<Option<usize>, Error>,
    /// Whether the outlier treatment applies to it.
    pub treat_on: bool,
}

/// One node's choices.
#[derive(Debug, Clone)]
pub(super) struct NodePlan {
    /// The weighting of its children (unused under global data-driven indicator weights).
    pub weighting: Weighting,
    /// The spec field the weighting comes from (for messages and the AHP report).
    pub field: String,
    /// Its aggregation.
    pub aggregation: LevelAggregation,
    /// TOPSIS on a leaf: which children are cost criteria (lower-is-better indicators left
    /// on their raw scale by the `identity` normalisation).
    pub cost: Option<Vec<bool>>,
}

/// The plan of a run (module docs).
pub(crate) struct Plan<'a> {
    pub framework: &'a Framework,
    /// The panel the run reads: the caller's, or a copy of the units `spec.units` selects
    /// when they are not a run of consecutive units of the caller's panel in its order.
    source: Cow<'a, Panel>,
    /// The positions in `source` of the units of the run (consecutive): all of its units,
    /// or the run of them `spec.units` names. Every unit position of the run is relative
    /// to its start ([`Plan::units`], [`Plan::raw_col`]).
    unit_range: std::ops::Range<usize>,
    pub spec: Cow<'a, Spec>,
    /// Panel positions of the selected periods (ascending) and the periods themselves.
    pub sel: Vec<usize>,
    pub periods: Vec<i32>,
    pub tree: Tree<'a>,
    /// Per indicator of `tree.inds`.
    pub columns: Vec<ColumnPlan>,
    /// Per node of `tree.nodes`.
    pub node_plans: Vec<NodePlan>,
    /// Indicator weights computed once over all indicators (data-driven, `scope: global`).
    pub global_weights: bool,
    /// Warnings found while planning (indicators and dimensions left out).
    pub warnings: Vec<String>,
    pub nu: usize,
    pub npp: usize,
    pub nk: usize,
    pub nn: usize,
}

impl<'a> Plan<'a> {
    /// Validates the inputs and plans the run, with the indicator `left_out` (if any) left
    /// out of the tree as if it had no data ([`Tree::build`]).
    pub fn new(
        framework: &'a Framework,
        panel: &'a Panel,
        spec: Cow<'a, Spec>,
        left_out: Option<&str>,
    ) -> Result<Self> {
        framework.validate()?;
        spec.validate()?;
        spec.validate_against(framework)?;
        panel.check_indicators(framework)?;
        // units named in the panel's order, one after another (the panel's own units, or
        // all but reference units at either end, as an evaluation asks): read in place;
        // otherwise the selection is copied
        let (panel, unit_range) = match &spec.units {
            None => (Cow::Borrowed(panel), 0..panel.n_units()),
            Some(ids) => match consecutive_units(panel, ids) {
                Some(range) => (Cow::Borrowed(panel), range),
                None => (Cow::Owned(select_units(panel, ids)?), 0..ids.len()),
            },
        };
        let nu = unit_range.len();
        if nu == 0 {
            return Err(Error::Empty {
                context: "panel units".into(),
            });
        }
        let sel: Vec<usize> = match &spec.periods {
            None => (0..panel.n_periods()).collect(),
            Some(ps) => {
                let mut v = Vec::with_capacity(ps.len());
                for &p in ps {
                    match panel.period_index(p) {
                        Some(q) => v.push(q),
                        None => {
                            return Err(Error::invalid_spec(
                                "periods",
                                format!(
                                    "period {p} is not in the panel (periods: {:?})",
                                    panel.periods()
                                ),
                            ))
                        }
                    }
                }
                v.sort_unstable();
                v.dedup();
                v
            }
        };
        if sel.is_empty() {
            return Err(Error::Empty {
                context: "panel periods".into(),
            });
        }
        let periods: Vec<i32> = sel.iter().map(|&q| panel.periods()[q]).collect();
        let mut warnings = Vec::new();
        let tree = Tree::build(
            framework,
            &panel,
            spec.missing_indicators,
            left_out,
            &mut warnings,
        )?;
        Ok(Self::with(
            framework,
            (panel, unit_range),
            spec,
            sel,
            periods,
            tree,
            warnings,
        ))
    }

    fn with(
        framework: &'a Framework,
        (source, unit_range): (Cow<'a, Panel>, std::ops::Range<usize>),
        spec: Cow<'a, Spec>,
        sel: Vec<usize>,
        periods: Vec<i32>,
        tree: Tree<'a>,
        warnings: Vec<String>,
    ) -> Self {
        // a set, not a search per indicator: a spec may exclude most of 100,000 indicators
        let excluded: std::collections::HashSet<&str> =
            spec.treatment.exclude.iter().map(String::as_str).collect();
        let columns = tree
            .inds
            .iter()
            .map(|ind| column_plan(&spec, &source, &unit_range, &excluded, ind))
            .collect();
        let node_plans = tree
            .nodes
            .iter()
            .map(|nd| node_plan(&spec, &tree, nd))
            .collect();
        Plan {
            framework,
            global_weights: spec.weighting.scope == WeightScope::Global
                && spec.weighting.indicators.is_data_driven(),
            nu: unit_range.len(),
            npp: sel.len(),
            nk: tree.inds.len(),
            nn: tree.nodes.len(),
            source,
            unit_range,
            spec,
            sel,
            periods,
            tree,
            columns,
            node_plans,
            warnings,
        }
    }

    /// The plan of the same framework, panel and upstream spec sections with `spec`'s
    /// normalisation, weighting, aggregation, ranks and outputs, and — when `weights` is
    /// given — the indicator weights of the framework replaced by `weights[id]` (an
    /// indicator not in the map keeps its weight). The tree is not rebuilt.
    pub fn derive<'b>(
        &'b self,
        spec: &'b Spec,
        weights: Option<&HashMap<&str, f64>>,
    ) -> Result<Plan<'b>> {
        spec.validate()?;
        spec.validate_against(self.framework)?;
        let mut tree = self.tree.clone();
        if let Some(w) = weights {
            // the checks of `Framework::validate` on an indicator weight
            for (id, &x) in w {
                if !x.is_finite() || x < 0.0 {
                    return Err(Error::InvalidFramework {
                        framework: self.framework.id.clone(),
                        location: format!("indicator `{id}`, field `weight`"),
                        message: format!("weight {x} must be finite and non-negative"),
                    });
                }
            }
            for nd in tree.nodes.iter_mut().filter(|n| n.leaf) {
                for (c, fw) in nd.fw_weights.iter_mut().enumerate() {
                    if let Some(&x) = w.get(self.tree.inds[nd.first + c].id.as_str()) {
                        *fw = x;
                    }
                }
            }
            tree.check_weights(self.framework)?;
        }
        Ok(Plan::with(
            self.framework,
            (Cow::Borrowed(&*self.source), self.unit_range.clone()),
            Cow::Borrowed(spec),
            self.sel.clone(),
            self.periods.clone(),
            tree,
            self.warnings.clone(),
        ))
    }

    /// The values of indicator `k` in selected period `q` (all units), as in the panel.
    #[inline]
    pub fn raw_col(&self, k: usize, q: usize) -> &[f64] {
        &self.source.column(self.sel[q], self.tree.pidx[k])[self.unit_range.clone()]
    }

    /// The ids of the run's units, in the run's order.
    pub fn units(&self) -> &[String] {
        &self.source.units()[self.unit_range.clone()]
    }

    /// The groups of the run's units (`None`: none), in the run's order.
    pub fn groups(&self) -> &[Option<String>] {
        &self.source.groups()[self.unit_range.clone()]
    }

    /// The normalisation inputs of indicator `k` (errors: the reference unit's).
    pub fn column_info(&self, k: usize) -> Result<ColumnInfo<'_>> {
        let ind = self.tree.inds[k];
        Ok(ColumnInfo::new(&ind.id, ind.polarity)
            .with_target(ind.target)
            .with_reference_unit(self.columns[k].reference_unit.clone()?))
    }
}

/// The plan of indicator `ind`'s column; a reference unit is looked up among the run's
/// units (`units`, positions in `panel`) and given as a position in the run.
fn column_plan(
    spec: &Spec,
    panel: &Panel,
    units: &std::ops::Range<usize>,
    excluded: &std::collections::HashSet<&str>,
    ind: &Indicator,
) -> ColumnPlan {
    let method = spec.normalisation.for_indicator(&ind.id).clone();
    let reference_unit = match method.reference_unit() {
        None => Ok(None),
        Some(unit) => panel
            .unit_index(unit)
            .filter(|u| units.contains(u))
            .map(|u| Some(u - units.start))
            .ok_or_else(|| {
                Error::invalid_spec(
                    if spec.normalisation.indicators.contains_key(&ind.id) {
                        format!("normalisation.indicators.{}.unit", ind.id)
                    } else {
                        "normalisation.default.unit".to_string()
                    },
                    format!("unit `{unit}` is not in the panel"),
                )
            }),
    };
    ColumnPlan {
        method,
        reference_unit,
        treat_on: spec.treatment.enabled && !excluded.contains(ind.id.as_str()),
    }
}

fn node_plan(spec: &Spec, tree: &Tree, nd: &TNode) -> NodePlan {
    let (weighting, field) = match spec.weighting.nodes.get(&nd.id) {
        Some(m) => (m, format!("weighting.nodes.{}", nd.id)),
        None if nd.leaf => (&spec.weighting.indicators, "weighting.indicators".into()),
        None => (&spec.weighting.dimensions, "weighting.dimensions".into()),
    };
    let aggregation = spec.aggregation.for_node(&nd.id, nd.level).clone();
    let cost = (nd.leaf && aggregation.method.takes_cost_criteria()).then(|| {
        tree.inds[nd.first..nd.first + nd.count]
            .iter()
            .map(|i| {
                i.polarity == Polarity::LowerIsBetter
                    && !spec.normalisation.for_indicator(&i.id).orients()
            })
            .collect()
    });
    NodePlan {
        weighting: weighting.clone(),
        field,
        aggregation,
        cost,
    }
}

/// The positions of `ids` in `panel` when they are consecutive units of it in its order
/// (the run then reads the panel in place); `None` otherwise, and for an empty or unknown
/// list ([`select_units`] copies the units, or says which is unknown).
fn consecutive_units(panel: &Panel, ids: &[String]) -> Option<std::ops::Range<usize>> {
    let start = panel.unit_index(ids.first()?)?;
    let range = start..start.checked_add(ids.len())?;
    (panel.units().get(range.clone())? == ids).then_some(range)
}

/// The sub-panel of `ids` (in that order), with groups and provenance (spec field `units`).
fn select_units(panel: &Panel, ids: &[String]) -> Result<Panel> {
    let mut pos = Vec::with_capacity(ids.len());
    for id in ids {
        pos.push(panel.unit_index(id).ok_or_else(|| {
            Error::invalid_spec(
                "units",
                format!(
                    "unknown unit `{id}` (panel units: {})",
                    panel.units().join(", ")
                ),
            )
        })?);
    }
    let mut out = Panel::new(
        ids.to_vec(),
        panel.periods().to_vec(),
        panel.indicators().to_vec(),
    )?;
    for i in 0..panel.n_indicators() {
        for p in 0..panel.n_periods() {
            let src = panel.column(p, i);
            for (dst, &u) in out.column_mut(p, i).iter_mut().zip(&pos) {
                *dst = src[u];
            }
        }
    }
    if panel.groups().iter().any(|g| g.is_some()) {
        out.set_groups(pos.iter().map(|&u| panel.groups()[u].clone()).collect())?;
    }
    // panel unit → position in the selection (ids are unique: `Spec::validate`)
    let mut new_pos = vec![usize::MAX; panel.n_units()];
    for (k, &u) in pos.iter().enumerate() {
        new_pos[u] = k;
    }
    for (u, p, i, prov) in panel.provenance_iter() {
        if new_pos[u] != usize::MAX {
            out.set_provenance(new_pos[u], p, i, prov.clone());
        }
    }
    Ok(out)
}
