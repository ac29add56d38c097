//! The report as a terminal table, as CSV and as JSON, from the same view-model as the
//! HTML page ([`crate::view::ReportView`]).

use crate::table::{Align, Table};
use crate::view::{fmt_value, pct, Colour, ReportView};

/// One-letter colour code for terminals without colour: G Y O R, `-` for grey.
fn colour_code(c: Colour) -> &'static str {
    match c {
        Colour::Green => "G",
        Colour::Yellow => "Y",
        Colour::Orange => "O",
        Colour::Red => "R",
        Colour::Grey => "-",
    }
}

/// The report as plain-text tables: summary, dashboard (achievement, colour code, trend
/// arrow), dynamic index, distribution targets, and the methodology notes.
pub fn render_table(v: &ReportView) -> String {
    let vi = v.index();
    let mut o = String::new();
    o.push_str(&format!(
        "{} · {}年度监测报告\n{}\n",
        v.title, v.year, v.subtitle
    ));
    for i in &v.inputs {
        o.push_str(&format!("  {i}\n"));
    }
    o.push_str(&format!("  指纹 Fingerprint: {}\n", v.fingerprint));
    if v.illustrative {
        o.push_str(&format!("\n!! {}\n", v.illustrative_note));
    }

    o.push_str("\n一、总体实现度与综合指数 Overall achievement and composite index\n");
    let mut head = vec!["单位", "实现度", "综合指数", "排名"];
    let dim_names: Vec<&str> = v.dimensions.iter().map(|d| d.name.as_str()).collect();
    head.extend(dim_names.iter());
    let mut t = Table::new(&head);
    for c in 1..head.len() {
        t = t.align(c, Align::Right);
    }
    for s in &v.summaries {
        let mut row = vec![
            v.unit_name(&s.unit).to_string(),
            pct(s.achievement),
            fmt_value(s.index),
            s.rank.map(|r| r.to_string()).unwrap_or_else(|| "–".into()),
        ];
        row.extend(s.by_dimension.iter().map(|a| pct(*a)));
        t.row(row);
    }
    o.push_str(&t.render());
    let lagging: Vec<String> = v
        .summaries
        .iter()
        .filter(|s| !s.lagging.is_empty())
        .map(|s| format!("  {}: {}", v.unit_name(&s.unit), s.lagging.join("、")))
        .collect();
    if !lagging.is_empty() {
        o.push_str("主要短板 Lagging indicators:\n");
        o.push_str(&lagging.join("\n"));
        o.push('\n');
    }

    o.push_str(&format!(
        "\n二、指标监测仪表盘 Dashboard ({}): achievement %, colour (G Y O R, - no data), trend (↑ ↗ → ↘ ↓); (x) = value, not assessed\n",
        v.year
    ));
    let mut head = vec!["指标", "目标"];
    let unit_names: Vec<&str> = v.units.iter().map(|u| u.name.as_str()).collect();
    head.extend(unit_names.iter());
    let mut t = Table::new(&head).max_width(0, 30).max_width(1, 26);
    for c in 1..head.len() {
        t = t.align(c, Align::Right);
    }
    for d in &v.dimensions {
        let inds: Vec<_> = v
            .indicators
            .iter()
            .filter(|i| i.dimension == d.id)
            .collect();
        if inds.is_empty() {
            continue;
        }
        t.group(d.name.clone());
        for ind in inds {
            let mut row = vec![ind.name.clone(), format!("{} {}", ind.target, ind.unit)];
            for u in &v.units {
                row.push(match vi.cell(&ind.id, &u.id) {
                    Some(c) if !c.achievement.is_finite() && c.colour == Colour::Grey => {
                        // not assessed (e.g. a reference series): the value itself
                        format!("({})", fmt_value(c.value))
                    }
                    Some(c) => format!(
                        "{} {} {}",
                        pct(c.achievement),
                        colour_code(c.colour),
                        c.trend.arrow()
                    ),
                    None => "–".into(),
                });
            }
            t.row(row);
        }
    }
    o.push_str(&t.render());

    if !v.index_series.is_empty() {
        let base = v.years.first().copied().unwrap_or_default();
        o.push_str(&format!(
            "\n三、动态监测指数 Dynamic monitoring index ({base} = 100)\n"
        ));
        let years: Vec<String> = v.years.iter().map(|y| y.to_string()).collect();
        let mut head = vec![""];
        head.extend(years.iter().map(String::as_str));
        let mut t = Table::new(&head);
        for c in 1..head.len() {
            t = t.align(c, Align::Right);
        }
        for s in &v.index_series {
            let mut row = vec![s.name.clone()];
            row.extend(s.values.iter().map(|x| {
                if x.is_finite() {
                    format!("{x:.1}")
                } else {
                    "–".into()
                }
            }));
            t.row(row);
        }
        o.push_str(&t.render());
    }

    if !v.distribution.is_empty() {
        o.push_str("\n四、收入分配目标 Distribution targets\n");
        let mut t = Table::new(&["指标", "数值", "目标", "", "说明"])
            .align(1, Align::Right)
            .align(2, Align::Right);
        for d in &v.distribution {
            t.row(vec![
                d.label.clone(),
                d.value.clone(),
                d.target.clone(),
                colour_code(d.colour).to_string(),
                d.note.clone(),
            ]);
        }
        o.push_str(&t.render());
    }

    if !v.evaluation.is_empty() {
        let a = v.evaluation_weight;
        o.push_str(&format!(
            "\n五、满意度与综合评价 Satisfaction index and overall evaluation (综合 = {a}·实现度 + {}·满意度)\n",
            fmt_value(1.0 - a)
        ));
        let dnames: Vec<String> = v
            .evaluation
            .iter()
            .find(|e| !e.domains.is_empty())
            .map(|e| e.domains.iter().map(|d| d.0.clone()).collect())
            .unwrap_or_default();
        let mut head = vec![
            "单位",
            "实现度",
            "满意度",
            "SE",
            "95% CI",
            "n",
            "deff",
            "n_eff",
            "无回答",
        ];
        head.extend(dnames.iter().map(String::as_str));
        head.push("较上年 Δ (SE)");
        head.push("综合评价");
        let mut t = Table::new(&head);
        for c in 1..head.len() {
            t = t.align(c, Align::Right);
        }
        for e in &v.evaluation {
            let mut row = vec![
                v.unit_name(&e.unit).to_string(),
                crate::html::fmt1(e.objective),
                crate::html::fmt1(e.satisfaction),
                if e.ci_lower.is_finite() {
                    format!("{:.1}–{:.1}", e.ci_lower, e.ci_upper)
                } else {
                    "–".into()
                },
                e.n.to_string(),
                crate::html::fmt2(e.deff),
                crate::html::fmt1(e.n_effective),
                e.nonresponse.to_string(),
            ];
            row.insert(3, crate::html::fmt2(e.se));
            for k in 0..dnames.len() {
                row.push(e.domain_estimates.get(k).map_or("–".to_string(), |d| {
                    format!(
                        "{} ({})",
                        crate::html::fmt1(d.mean),
                        crate::html::fmt2(d.se)
                    )
                }));
            }
            row.push(e.change.as_ref().map_or("–".to_string(), |c| {
                format!("{:+.1} ({:.2}) {}", c.0, c.1, c.2)
            }));
            row.push(crate::html::fmt1(e.combined));
            t.row(row);
        }
        o.push_str(&t.render());
        if v.evaluation.iter().any(|e| !e.subpopulations.is_empty()) {
            o.push_str("\n分组 Subpopulations (domains of the survey design)\n");
            let head = [
                "单位",
                "分组",
                "满意度",
                "SE",
                "95% CI",
                "deff",
                "n",
                "无回答",
            ];
            let mut t = Table::new(&head);
            for c in 2..head.len() {
                t = t.align(c, Align::Right);
            }
            for e in &v.evaluation {
                for p in &e.subpopulations {
                    t.row(vec![
                        v.unit_name(&e.unit).to_string(),
                        p.label.clone(),
                        crate::html::fmt1(p.mean),
                        crate::html::fmt2(p.se),
                        if p.ci_lower.is_finite() {
                            format!("{:.1}–{:.1}", p.ci_lower, p.ci_upper)
                        } else {
                            "–".into()
                        },
                        crate::html::fmt2(p.deff),
                        p.n.to_string(),
                        p.nonresponse.to_string(),
                    ]);
                }
            }
            o.push_str(&t.render());
        }
    }

    let m = &v.methodology;
    if !m.notes.is_empty() || !m.sources.is_empty() {
        o.push_str("\n方法说明 Methodology\n");
        for n in &m.notes {
            o.push_str(&format!("  - {n}\n"));
        }
        for s in &m.sources {
            o.push_str(&format!("  source: {s}\n"));
        }
    }
    o
}

/// The dashboard cells as long CSV, one row per unit and indicator:
/// `unit,unit_name,indicator,indicator_name,dimension,year,value,unit_label,target,achievement_pct,colour,trend,illustrative`.
/// Missing numbers are empty cells.
pub fn render_csv(v: &ReportView) -> String {
    let vi = v.index();
    let mut w = csv::Writer::from_writer(Vec::new());
    let num = |x: f64| {
        if x.is_finite() {
            format!("{x}")
        } else {
            String::new()
        }
    };
    let _ = w.write_record([
        "unit",
        "unit_name",
        "indicator",
        "indicator_name",
        "dimension",
        "year",
        "value",
        "unit_label",
        "target",
        "achievement_pct",
        "colour",
        "trend",
        "illustrative",
        "target_source",
    ]);
    for u in &v.units {
        for ind in &v.indicators {
            if let Some(c) = vi.cell(&ind.id, &u.id) {
                let _ = w.write_record([
                    u.id.clone(),
                    u.name.clone(),
                    ind.id.clone(),
                    ind.name.clone(),
                    ind.dimension.clone(),
                    v.year.to_string(),
                    num(c.value),
                    ind.unit.clone(),
                    c.target.clone(),
                    num(c.achievement),
                    c.colour.name().to_string(),
                    c.trend.name().to_string(),
                    c.illustrative.to_string(),
                    c.target_source.clone(),
                ]);
            }
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The whole view-model as pretty JSON (NaN becomes `null`).
pub fn render_json(v: &ReportView) -> String {
    serde_json::to_string_pretty(v).expect("the view-model always serialises") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::demo_view;

    #[test]
    fn table_has_every_section_and_the_warning() {
        let t = render_table(&demo_view());
        assert!(t.contains("!! 演示页面"));
        for s in ["一、", "二、", "三、", "四、", "方法说明"] {
            assert!(t.contains(s), "{s}");
        }
        assert!(t.contains("地区生产总值") && t.contains("≥ 2500 (2025) 亿元"));
    }

    #[test]
    fn csv_rows_match_cells_and_nan_is_empty() {
        let v = demo_view();
        let text = render_csv(&v);
        assert_eq!(text.lines().count(), 1 + v.cells.len());
        // the demo blanks the value where (indicator position + unit position) % 13 == 12;
        // take the first such cell from the view and find its CSV row.
        let blank = v
            .cells
            .iter()
            .find(|c| c.value.is_nan())
            .expect("demo has a blank cell");
        let row = text
            .lines()
            .find(|l| {
                l.starts_with(&format!("{},", blank.unit))
                    && l.contains(&format!(",{},", blank.indicator))
            })
            .unwrap();
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[6], "", "{row}");
        assert_eq!(cells[10], "grey");
    }

    #[test]
    fn json_is_valid_and_nan_is_null() {
        let v = demo_view();
        let j: serde_json::Value = serde_json::from_str(&render_json(&v)).unwrap();
        assert_eq!(j["year"], 2024);
        let cells = j["cells"].as_array().unwrap();
        assert!(cells.iter().any(|c| c["value"].is_null()));
        assert!(cells.iter().all(|c| c["colour"].is_string()));
    }
}
