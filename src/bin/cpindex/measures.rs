//! Output of the `index` and `inequality` subcommands.

use std::path::Path;

use cpindex::distribution::{
    inequality_report, Distribution, GeDecomposition, GiniDecomposition, MissingPolicy,
};
use cpindex::method::{CubeIndex, Results};
use cpindex::model::Framework;
use serde_json::{json, Value};

use crate::table::{Align, Table};
use crate::{CliResult, Failure, ListFormat};

fn csv_text(rows: &[Vec<String>]) -> CliResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r)
            .map_err(|e| Failure(format!("writing CSV: {e}")))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Failure(format!("writing CSV: {e}")))?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8"))
}

fn num_or_empty(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

fn json_num(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

/// The composite index of one year: index and top-level dimension scores and ranks per unit.
pub fn index_output(
    fw: &Framework,
    res: &Results,
    year: Option<i32>,
    format: ListFormat,
) -> CliResult<String> {
    // the period position of the year shown
    let q = match year {
        Some(y) => res.periods.iter().position(|&p| p == y).ok_or_else(|| {
            Failure(format!(
                "--year {y}: not a computed period (periods: {:?})",
                res.periods
            ))
        })?,
        None => res
            .periods
            .len()
            .checked_sub(1)
            .ok_or_else(|| Failure("no period computed".into()))?,
    };
    let year = res.periods[q];
    // nodes shown: the index, then the top-level dimensions
    let dims = fw.dimension_index();
    let mut nodes: Vec<(String, String)> =
        vec![(res.framework_id.clone(), "综合指数 Index".into())];
    for n in &res.nodes {
        if n.parent.as_deref() == Some(res.framework_id.as_str()) {
            let name = dims
                .dimension(&n.id)
                .map_or(n.id.clone(), |d| d.name_zh.clone());
            nodes.push((n.id.clone(), name));
        }
    }
    // ids sorted once per cube
    let col = |index: &CubeIndex, id: &str| -> Vec<f64> {
        index
            .get(id, q)
            .map(<[f64]>::to_vec)
            .unwrap_or_else(|| vec![f64::NAN; res.units.len()])
    };
    let (score_index, rank_index) = (res.scores.index(), res.ranks.index());
    let scores: Vec<Vec<f64>> = nodes.iter().map(|(id, _)| col(&score_index, id)).collect();
    let ranks: Vec<Vec<f64>> = nodes.iter().map(|(id, _)| col(&rank_index, id)).collect();
    // units ordered by index rank (NaN last)
    let mut order: Vec<usize> = (0..res.units.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (ranks[0][a], ranks[0][b]);
        ra.is_nan()
            .cmp(&rb.is_nan())
            .then(ra.partial_cmp(&rb).unwrap_or(std::cmp::Ordering::Equal))
            .then(a.cmp(&b))
    });
    let rank_text = |r: f64| {
        if r.is_finite() {
            format!("{r}")
        } else {
            "–".into()
        }
    };
    match format {
        ListFormat::Table => {
            let mut head: Vec<String> = vec!["单位 Unit".into()];
            for (_, name) in &nodes {
                head.push(name.clone());
                head.push("排名".into());
            }
            let head_ref: Vec<&str> = head.iter().map(String::as_str).collect();
            let mut t = Table::new(&head_ref);
            for c in 1..head.len() {
                t = t.align(c, Align::Right);
            }
            let plan_units = fw.unit_index();
            for &u in &order {
                let mut row = vec![plan_units.name_zh(&res.units[u])];
                for k in 0..nodes.len() {
                    row.push(crate::view::fmt_value(scores[k][u]));
                    row.push(rank_text(ranks[k][u]));
                }
                t.row(row);
            }
            let mut o = format!(
                "综合指数 Composite index — framework `{}`, {year}; {} units; ranks 1 = highest (ties `{}`)\n\n",
                res.framework_id,
                res.units.len(),
                serde_json::to_value(res.spec.ranks.ties)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            );
            o.push_str(&t.render());
            let w: Vec<String> = res
                .weights
                .iter()
                .filter(|w| w.period == year && w.node == res.framework_id)
                .map(|w| {
                    let name = dims
                        .dimension(&w.child)
                        .map_or(w.child.clone(), |d| d.name_zh.clone());
                    format!("{name} {:.3}", w.normalised)
                })
                .collect();
            if !w.is_empty() {
                o.push_str(&format!("\n维度权重 Dimension weights: {}\n", w.join(", ")));
            }
            if !res.warnings.is_empty() {
                o.push_str(&format!(
                    "\n{} warning(s) from the engine (all of them in --format json); the first:\n",
                    res.warnings.len()
                ));
                for x in res.warnings.iter().take(3) {
                    o.push_str(&format!("  warning: {x}\n"));
                }
            }
            Ok(o)
        }
        ListFormat::Csv => {
            let mut rows = vec![vec![
                "unit".to_string(),
                "node".into(),
                "node_name".into(),
                "year".into(),
                "score".into(),
                "rank".into(),
            ]];
            for &u in &order {
                for (k, (id, name)) in nodes.iter().enumerate() {
                    rows.push(vec![
                        res.units[u].clone(),
                        id.clone(),
                        name.clone(),
                        year.to_string(),
                        num_or_empty(scores[k][u]),
                        num_or_empty(ranks[k][u]),
                    ]);
                }
            }
            csv_text(&rows)
        }
        ListFormat::Json => {
            let nodes_json: Vec<Value> = nodes
                .iter()
                .enumerate()
                .map(|(k, (id, name))| {
                    json!({
                        "id": id,
                        "name": name,
                        "scores": scores[k].iter().map(|x| json_num(*x)).collect::<Vec<_>>(),
                        "ranks": ranks[k].iter().map(|x| json_num(*x)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let weights: Vec<Value> = res
                .weights
                .iter()
                .filter(|w| w.period == year)
                .map(|w| json!({"node": w.node, "child": w.child, "normalised": w.normalised, "effective": w.effective}))
                .collect();
            let v = json!({
                "framework": res.framework_id,
                "year": year,
                "units": res.units,
                "nodes": nodes_json,
                "weights": weights,
                "spec": res.spec,
                "warnings": res.warnings,
            });
            Ok(serde_json::to_string_pretty(&v).expect("serialises") + "\n")
        }
    }
}

/// What `inequality` did to the records before measuring, reported with the measures.
#[derive(Debug, Clone, Default)]
pub struct InequalityNotes {
    /// The household-size column when the measures are per capita (value ÷ size, each
    /// household weighted by weight × size: person-weighted).
    pub per_capita: Option<String>,
    /// Records left out for a missing cell (`--na skip`), e.g. "line 7 (column `x`)".
    pub skipped: Vec<String>,
}

impl InequalityNotes {
    /// The notes as lines of text (empty when nothing was done).
    fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(size) = &self.per_capita {
            out.push(format!(
                "人均 Per capita: value ÷ `{size}`, each household weighted by weight × `{size}` \
                 (person-weighted; World Bank PIP / Eurostat EU-SILC convention)"
            ));
        }
        if !self.skipped.is_empty() {
            out.push(format!(
                "缺失 Missing: {} record(s) left out (--na skip): {}",
                self.skipped.len(),
                self.skipped.join(", ")
            ));
        }
        out
    }
}

/// Every distribution measure of `values` (and the decompositions by group). With
/// `notes.per_capita` the values and weights are already per capita and person-weighted.
#[allow(clippy::too_many_arguments)]
pub fn inequality_output(
    path: &Path,
    value_col: &str,
    values: &[f64],
    weights: Option<&[f64]>,
    groups: Option<&[String]>,
    group_col: Option<&str>,
    notes: &InequalityNotes,
    format: ListFormat,
) -> CliResult<String> {
    let d = Distribution::new(values, weights)
        .map_err(|e| Failure(format!("{}, column `{value_col}`: {e}", path.display())))?;
    // the one vocabulary of measures (cpindex::distribution::Measure; docs/distribution.md)
    use cpindex::distribution::Measure as M;
    let shown = [
        M::TotalWeight,
        M::Mean,
        M::Median,
        M::Quantile(0.1),
        M::Quantile(0.2),
        M::Quantile(0.5),
        M::Quantile(0.8),
        M::Quantile(0.9),
        M::Gini,
        M::GiniCorrected,
        M::TheilT,
        M::MeanLogDeviation,
        M::GeneralizedEntropy(2.0),
        M::Atkinson(0.5),
        M::Atkinson(1.0),
        M::Atkinson(2.0),
        M::CoefficientOfVariation,
        M::Hoover,
        M::PalmaRatio,
        M::S80S20,
        M::QuintileShareRatioEurostat,
        M::AtRiskOfPovertyThreshold,
        M::AtRiskOfPovertyRate,
        M::Min,
        M::Max,
    ];
    let mut measures: Vec<(String, &str, cpindex::Result<f64>)> =
        vec![("n".into(), "records", Ok(d.n() as f64))];
    measures.extend(
        shown
            .iter()
            .map(|m| (m.label(), m.description(), m.evaluate(&d))),
    );
    // decompositions
    let mut decomp: Option<(Vec<String>, Vec<usize>)> = None;
    if let Some(g) = groups {
        let mut labels: Vec<String> = g.to_vec();
        labels.sort();
        labels.dedup();
        let ids: Vec<usize> = g
            .iter()
            .map(|x| labels.binary_search(x).expect("label is in the list"))
            .collect();
        decomp = Some((labels, ids));
    }
    // the decompositions of the library's one inequality report
    let report = match &decomp {
        Some((_, ids)) => Some(
            inequality_report(values, weights, Some(ids), &[], MissingPolicy::Error)
                .map_err(|e| Failure(format!("{}, column `{value_col}`: {e}", path.display())))?,
        ),
        None => None,
    };
    let errors = |k: &str| -> String {
        report
            .as_ref()
            .and_then(|r| r.errors.get(k).cloned())
            .unwrap_or_default()
    };
    let ge: Vec<(f64, Result<GeDecomposition, String>)> = report
        .as_ref()
        .and_then(|r| r.decomposition.as_ref())
        .map(|d| {
            d.generalized_entropy
                .iter()
                .map(|g| {
                    let r = match (g.total, g.within, g.between) {
                        (Some(total), Some(within), Some(between)) => Ok(GeDecomposition {
                            alpha: g.alpha,
                            total,
                            within,
                            between,
                            groups: g.groups.clone(),
                        }),
                        _ => Err(errors(&format!("ge_decomposition:{}", g.alpha))),
                    };
                    (g.alpha, r)
                })
                .collect()
        })
        .unwrap_or_default();
    let dagum: Option<Result<GiniDecomposition, String>> = report
        .as_ref()
        .and_then(|r| r.decomposition.as_ref())
        .map(|d| d.gini.clone().ok_or_else(|| errors("gini_decomposition")));
    let fmt = |x: f64| {
        if x.is_finite() {
            format!("{x:.6}")
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string()
        } else {
            "–".into()
        }
    };
    let gname = group_col.unwrap_or("group");
    match format {
        ListFormat::Table => {
            let mut o = format!(
                "收入分配测度 Distribution measures — {} , column `{value_col}`{}\n",
                path.display(),
                weights.map_or(String::from(" (unweighted)"), |_| " (weighted)".into())
            );
            for line in notes.lines() {
                o.push_str(&line);
                o.push('\n');
            }
            o.push('\n');
            let mut t = Table::new(&["measure", "value", "description"]).align(1, Align::Right);
            for (id, desc, r) in &measures {
                let (val, note) = match r {
                    Ok(x) => (fmt(*x), desc.to_string()),
                    Err(e) => ("n/a".into(), format!("{desc}: {e}")),
                };
                t.row(vec![id.to_string(), val, note]);
            }
            o.push_str(&t.render());
            if let Some((labels, _)) = &decomp {
                o.push_str(&format!(
                    "\n按组分解 Decomposition by `{gname}` (GE: Shorrocks 1984; Gini: Dagum 1997)\n"
                ));
                let mut t = Table::new(&["index", "total", "within", "between", "between share"]);
                for c in 1..5 {
                    t = t.align(c, Align::Right);
                }
                for (a, r) in &ge {
                    match r {
                        Ok(g) => t.row(vec![
                            format!("GE({a})"),
                            fmt(g.total),
                            fmt(g.within),
                            fmt(g.between),
                            format!("{:.1}%", 100.0 * g.between / g.total),
                        ]),
                        Err(e) => t.row(vec![
                            format!("GE({a})"),
                            "n/a".into(),
                            e.to_string(),
                            String::new(),
                            String::new(),
                        ]),
                    }
                }
                match &dagum {
                    Some(Ok(g)) => {
                        t.row(vec![
                            "Gini (Dagum)".into(),
                            fmt(g.total),
                            fmt(g.within),
                            format!(
                                "{} (net {} + transvariation {})",
                                fmt(g.between_gross),
                                fmt(g.between_net),
                                fmt(g.transvariation)
                            ),
                            format!("{:.1}%", 100.0 * g.between_gross / g.total),
                        ]);
                    }
                    Some(Err(e)) => t.row(vec![
                        "Gini (Dagum)".into(),
                        "n/a".into(),
                        e.to_string(),
                        String::new(),
                        String::new(),
                    ]),
                    None => {}
                }
                o.push_str(&t.render());
                let mut t = Table::new(&[
                    gname,
                    "n",
                    "population share",
                    "income share",
                    "mean",
                    "Gini",
                    "Theil T",
                ]);
                for c in 1..7 {
                    t = t.align(c, Align::Right);
                }
                let ge1 = ge
                    .iter()
                    .find(|x| x.0 == 1.0)
                    .and_then(|x| x.1.as_ref().ok());
                // the per-group table survives an undefined Dagum decomposition (a
                // negative income, say: reported in the row above): the group counts,
                // shares and means then come from a GE decomposition that is defined,
                // and the Gini column shows "–"
                let rows: Option<(&[cpindex::distribution::GroupSummary], bool)> = match &dagum {
                    Some(Ok(g)) => Some((&g.groups[..], true)),
                    _ => ge
                        .iter()
                        .find_map(|x| x.1.as_ref().ok())
                        .map(|x| (&x.groups[..], false)),
                };
                if let Some((groups, have_gini)) = rows {
                    // Theil T by group label, indexed once (a search per group was
                    // quadratic in groups)
                    let mut theil_by_label = vec![f64::NAN; labels.len()];
                    for y in ge1.map_or(&[][..], |x| &x.groups[..]) {
                        if let (Some(slot), Some(v)) = (theil_by_label.get_mut(y.label), y.index) {
                            *slot = v;
                        }
                    }
                    for s in groups {
                        let th = theil_by_label.get(s.label).copied().unwrap_or(f64::NAN);
                        let gini = if have_gini { s.index } else { None };
                        t.row(vec![
                            labels[s.label].clone(),
                            s.n.to_string(),
                            fmt(s.population_share),
                            fmt(s.income_share),
                            fmt(s.mean),
                            fmt(gini.unwrap_or(f64::NAN)),
                            fmt(th),
                        ]);
                    }
                    o.push_str(&t.render());
                }
            }
            Ok(o)
        }
        ListFormat::Csv => {
            let mut rows = vec![vec![
                "measure".to_string(),
                "value".into(),
                "description".into(),
            ]];
            for (id, desc, r) in &measures {
                rows.push(vec![
                    id.to_string(),
                    r.as_ref().map(|x| num_or_empty(*x)).unwrap_or_default(),
                    desc.to_string(),
                ]);
            }
            if !notes.skipped.is_empty() {
                rows.push(vec![
                    "records_skipped".into(),
                    notes.skipped.len().to_string(),
                    format!("left out for a missing cell: {}", notes.skipped.join(", ")),
                ]);
            }
            for (a, r) in &ge {
                if let Ok(g) = r {
                    for (k, x) in [
                        ("total", g.total),
                        ("within", g.within),
                        ("between", g.between),
                    ] {
                        rows.push(vec![
                            format!("ge{a}_{k}"),
                            num_or_empty(x),
                            format!("GE({a}) {k}, by {gname}"),
                        ]);
                    }
                }
            }
            if let Some(Ok(g)) = &dagum {
                for (k, x) in [
                    ("total", g.total),
                    ("within", g.within),
                    ("between_net", g.between_net),
                    ("transvariation", g.transvariation),
                    ("between_gross", g.between_gross),
                ] {
                    rows.push(vec![
                        format!("dagum_gini_{k}"),
                        num_or_empty(x),
                        format!("Dagum Gini {k}, by {gname}"),
                    ]);
                }
            }
            csv_text(&rows)
        }
        ListFormat::Json => {
            let mut m = serde_json::Map::new();
            let mut errors = serde_json::Map::new();
            for (id, _, r) in &measures {
                match r {
                    Ok(x) => {
                        m.insert(id.to_string(), json_num(*x));
                    }
                    Err(e) => {
                        m.insert(id.to_string(), Value::Null);
                        errors.insert(id.to_string(), json!(e.to_string()));
                    }
                }
            }
            let mut v = json!({
                "file": path.display().to_string(),
                "value": value_col,
                "weighted": weights.is_some(),
                "per_capita": notes.per_capita,
                "skipped": notes.skipped,
                "measures": m,
                "errors": errors,
            });
            if let Some((labels, _)) = &decomp {
                let groups_json = |gs: &[cpindex::distribution::GroupSummary]| -> Vec<Value> {
                    gs.iter()
                        .map(|s| json!({"group": labels[s.label], "n": s.n, "population_share": s.population_share, "income_share": s.income_share, "mean": s.mean, "index": s.index}))
                        .collect()
                };
                let ge_json: Vec<Value> = ge
                    .iter()
                    .map(|(a, r)| match r {
                        Ok(g) => json!({"alpha": a, "total": g.total, "within": g.within, "between": g.between, "groups": groups_json(&g.groups)}),
                        Err(e) => json!({"alpha": a, "error": e.to_string()}),
                    })
                    .collect();
                let dagum_json = match &dagum {
                    Some(Ok(g)) => {
                        json!({"total": g.total, "within": g.within, "between_net": g.between_net, "transvariation": g.transvariation, "between_gross": g.between_gross, "groups": groups_json(&g.groups)})
                    }
                    Some(Err(e)) => json!({"error": e.to_string()}),
                    None => Value::Null,
                };
                v["decomposition"] =
                    json!({"group": gname, "ge": ge_json, "dagum_gini": dagum_json});
            }
            Ok(serde_json::to_string_pretty(&v).expect("serialises") + "\n")
        }
    }
}
