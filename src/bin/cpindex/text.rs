//! The report as a terminal table, as CSV and as JSON, from the same view-model as the
//! HTML page ([`crate::view::ReportView`]).

use std::fmt::Write as _;

use crate::cells::achievement_text;
use crate::i18n::{fill, Lang, M};
use crate::table::{Align, Table};
use crate::view::{
    capped, fmt_value, schedule_key, schedule_mark, Colour, ReportView, Trend, MARK_ASPIRATIONAL,
    MARK_ILLUSTRATIVE, SCHEDULE_ALL,
};

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

/// A section heading with its sequential number (一、二、… or 1. 2. …).
fn heading(o: &mut String, n: &mut usize, lang: Lang, title: &str) {
    *n += 1;
    let number = match lang {
        Lang::Zh => format!("{}、", crate::html::chinese_numeral(*n)),
        Lang::En => format!("{n}. "),
    };
    o.push_str(&format!("\n{number}{title}\n"));
}

/// The report as plain-text tables: summary, schedule check, dashboard (achievement,
/// colour code, trend arrow, schedule mark), dynamic index, distribution targets,
/// satisfaction, and the methodology notes; in the view's language.
pub fn render_table(v: &ReportView, threads: usize) -> String {
    let vi = v.index();
    let lang = v.lang;
    let mut o = String::new();
    o.push_str(&format!("{}\n", crate::html::page_title(v)));
    if let Some(office) = &v.meta.office {
        o.push_str(&format!(
            "{}\n",
            fill(M::IssuedBy.text(lang), &[("office", office.clone())])
        ));
    }
    if let Some(date) = &v.meta.date {
        o.push_str(&format!(
            "{}\n",
            fill(
                M::IssuedOn.text(lang),
                &[("date", crate::html::date_text(date, lang))]
            )
        ));
    }
    o.push_str(&format!("{}\n", v.framework_line));
    for i in &v.inputs {
        o.push_str(&format!("  {i}\n"));
    }
    o.push_str(&format!(
        "  {} {}\n",
        lang.pick("指纹", "Fingerprint:"),
        v.fingerprint
    ));
    if v.illustrative {
        o.push_str(&format!("\n!! {}\n", v.illustrative_note));
    }
    let mut n = 0;

    heading(&mut o, &mut n, lang, M::SecSummary.text(lang));
    let mut head: Vec<String> = [M::ColUnit, M::ColAchievement, M::ColIndex, M::ColRank]
        .iter()
        .map(|m| m.text(lang).to_string())
        .collect();
    head.extend(v.dimensions.iter().map(|d| d.name.clone()));
    let head_ref: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut t = Table::new(&head_ref);
    for c in 1..head.len() {
        t = t.align(c, Align::Right);
    }
    for s in &v.summaries {
        let mut row = vec![
            v.unit_name(&s.unit).to_string(),
            achievement_text(s.achievement, &[]),
            fmt_value(s.index),
            s.rank.map(|r| r.to_string()).unwrap_or_else(|| "–".into()),
        ];
        row.extend(
            s.by_dimension
                .iter()
                .zip(&s.dimension_colours)
                .map(|(a, c)| format!("{} {}", achievement_text(*a, &[]), colour_code(*c))),
        );
        t.row(row);
    }
    o.push_str(&t.render());
    o.push_str(&legend_lines(v));
    o.push_str(&format!("{}\n", M::DimensionRule.text(lang)));
    let lagging: Vec<String> = v
        .summaries
        .iter()
        .filter(|s| !s.lagging.is_empty())
        .map(|s| {
            format!(
                "  {}: {}",
                v.unit_name(&s.unit),
                s.lagging.join(lang.pick("、", "; "))
            )
        })
        .collect();
    if !lagging.is_empty() {
        o.push_str(&format!("{}:\n", M::ColLagging.text(lang)));
        o.push_str(&lagging.join("\n"));
        o.push('\n');
    }

    if !v.schedule.is_empty() {
        heading(&mut o, &mut n, lang, M::SecSchedule.text(lang));
        o.push_str(&format!("{}\n", v.schedule_intro));
        let mut head = vec![M::ColUnit.text(lang).to_string()];
        head.extend(
            SCHEDULE_ALL
                .iter()
                .map(|s| format!("{}{}", schedule_mark(*s), schedule_key(*s).text(lang))),
        );
        let head_ref: Vec<&str> = head.iter().map(String::as_str).collect();
        let mut t = Table::new(&head_ref);
        for c in 1..head.len() {
            t = t.align(c, Align::Right);
        }
        for r in &v.schedule {
            let mut row = vec![v.unit_name(&r.unit).to_string()];
            row.extend(r.counts.iter().map(|c| c.to_string()));
            t.row(row);
        }
        o.push_str(&t.render());
        for r in v.schedule.iter().filter(|r| !r.lagging.is_empty()) {
            o.push_str(&format!(
                "  {} {}: {}\n",
                v.unit_name(&r.unit),
                M::SchedLagging.text(lang),
                capped(&r.lagging, 8, lang)
            ));
        }
    }

    heading(
        &mut o,
        &mut n,
        lang,
        &format!("{} ({})", M::SecDashboard.text(lang), v.year),
    );
    o.push_str(&format!(
        "{}\n",
        lang.pick(
            "每格:实现度、颜色(G 绿 Y 黄 O 橙 R 红 - 无数据)、趋势箭头、进度标记;(x) = 仅列数值,不评价",
            "each cell: achievement, colour (G green, Y yellow, O orange, R red, - no data), trend arrow, schedule mark; (x) = value only, not assessed"
        )
    ));
    let mut head = vec![
        M::ColIndicator.text(lang).to_string(),
        M::ColTarget.text(lang).to_string(),
    ];
    head.extend(v.units.iter().map(|u| u.name.clone()));
    let head_ref: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut t = Table::new(&head_ref).max_width(0, 30).max_width(1, 26);
    for c in 1..head.len() {
        t = t.align(c, Align::Right);
    }
    let by_dimension = v.indicators_by_dimension();
    for d in &v.dimensions {
        let Some(inds) = by_dimension.get(d.id.as_str()) else {
            continue;
        };
        t.group(d.name.clone());
        // the rows of the dimension's indicators, on the report's threads (the same rows)
        let rows = crate::par::map_range(inds.len(), threads, 4, |r| {
            let ind = inds[r];
            let name = if ind.basis_note.is_empty() {
                ind.name.clone()
            } else {
                format!("{} ({})", ind.name, ind.basis_note)
            };
            let mut row = vec![
                name,
                format!(
                    "{} {}{}",
                    ind.target,
                    ind.unit,
                    if ind.aspirational {
                        format!(" {MARK_ASPIRATIONAL}")
                    } else {
                        String::new()
                    }
                ),
            ];
            let cells = vi.indicator_cells(&ind.id);
            for k in 0..v.units.len() {
                row.push(match cells.and_then(|r| r[k]) {
                    Some(c) if !c.achievement.is_finite() && c.colour == Colour::Grey => {
                        // not assessed (e.g. a reference series): the value itself
                        format!("({})", c.figure_text)
                    }
                    Some(c) => {
                        // `[m/n] ` (annual record), achievement, colour, trend, schedule
                        let mut s = String::with_capacity(c.achievement_text.len() + 16);
                        if let Some(r) = &c.record {
                            let _ = write!(s, "[{r}] ");
                        }
                        let _ = write!(
                            s,
                            "{} {} {}{}",
                            c.achievement_text,
                            colour_code(c.colour),
                            c.trend.arrow(),
                            schedule_mark(c.schedule)
                        );
                        s
                    }
                    None => "–".into(),
                });
            }
            row
        });
        for row in rows {
            t.row(row);
        }
    }
    o.push_str(&t.render());

    if !v.index_series.is_empty() {
        let base = v.years.first().copied().unwrap_or_default();
        heading(
            &mut o,
            &mut n,
            lang,
            &fill(M::ChartDynamic.text(lang), &[("base", base.to_string())]),
        );
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
        heading(&mut o, &mut n, lang, M::SecDistribution.text(lang));
        let mut t = Table::new(&[
            M::ColIndicator.text(lang),
            M::ColValue.text(lang),
            M::ColTarget.text(lang),
            "",
            M::ColNote.text(lang),
        ])
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
        heading(&mut o, &mut n, lang, M::SecSatisfaction.text(lang));
        o.push_str(&format!(
            "{}\n",
            fill(
                M::MethodSatisfaction.text(lang),
                &[("a", fmt_value(a)), ("b", fmt_value(1.0 - a))]
            )
        ));
        let dnames: Vec<String> = v
            .evaluation
            .iter()
            .find(|e| !e.domains.is_empty())
            .map(|e| e.domains.iter().map(|d| d.0.clone()).collect())
            .unwrap_or_default();
        let mut head = vec![
            M::ColUnit.text(lang),
            M::ColObjective.text(lang),
            M::ColSatisfaction.text(lang),
            "SE",
            "95% CI",
            M::ColSample.text(lang),
            "deff",
            M::ColEffSample.text(lang),
            M::ColNonresponse.text(lang),
        ];
        head.extend(dnames.iter().map(String::as_str));
        head.push(M::ColChange.text(lang));
        head.push(M::ColCombined.text(lang));
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
            o.push_str(&format!("\n{}\n", M::ColGroup.text(lang)));
            let head = [
                M::ColUnit.text(lang),
                M::ColGroup.text(lang),
                M::ColSatisfaction.text(lang),
                "SE",
                "95% CI",
                "deff",
                M::ColSample.text(lang),
                M::ColNonresponse.text(lang),
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
    heading(&mut o, &mut n, lang, M::SecMethod.text(lang));
    for note in &m.notes {
        o.push_str(&format!("  - {note}\n"));
    }
    for s in &m.sources {
        o.push_str(&format!("  {}: {s}\n", M::Sources.text(lang)));
    }
    if !v.warnings.is_empty() {
        o.push_str(&format!("{}:\n", M::Warnings.text(lang)));
        for w in &v.warnings {
            o.push_str(&format!("  - {w}\n"));
        }
    }
    o
}

/// The legend in text: colour rules, trend arrows, schedule and other marks.
fn legend_lines(v: &ReportView) -> String {
    let lang = v.lang;
    let args = [
        ("yellow", fmt_value(v.legend.yellow_pct)),
        ("orange", fmt_value(v.legend.orange_pct)),
    ];
    let colours: Vec<String> = [
        Colour::Green,
        Colour::Yellow,
        Colour::Orange,
        Colour::Red,
        Colour::Grey,
    ]
    .iter()
    .map(|c| format!("{} {}", colour_code(*c), fill(c.key().text(lang), &args)))
    .collect();
    let arrows: Vec<String> = Trend::ALL
        .iter()
        .map(|t| format!("{} {}", t.arrow(), t.key().text(lang)))
        .collect();
    let mut marks = vec![M::ScheduleMark.text(lang).to_string()];
    if v.cells.iter().any(|c| c.illustrative) {
        marks.push(format!(
            "{MARK_ILLUSTRATIVE} {}",
            M::MarkIllustrative.text(lang)
        ));
    }
    if v.cells.iter().any(|c| c.record.is_some()) {
        marks.push(M::AnnualRecord.text(lang).to_string());
    }
    if v.indicators.iter().any(|i| i.aspirational) {
        marks.push(format!(
            "{MARK_ASPIRATIONAL} {}",
            M::MarkAspirational.text(lang)
        ));
    }
    format!(
        "{}: {}\n  {}\n  {}\n  {}\n",
        M::SecLegend.text(lang),
        colours.join("; "),
        arrows.join("; "),
        marks.join("; "),
        M::FigureRule.text(lang)
    )
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
        "figure",
        "figure_basis",
        "figure_from",
        "schedule",
    ]);
    let rows: Vec<_> = v
        .indicators
        .iter()
        .map(|i| vi.indicator_cells(&i.id))
        .collect();
    for (k, u) in v.units.iter().enumerate() {
        for (ind, cells) in v.indicators.iter().zip(&rows) {
            if let Some(c) = cells.and_then(|r| r[k]) {
                let _ = w.write_record([
                    u.id.clone(),
                    u.name.clone(),
                    ind.id.clone(),
                    ind.name.clone(),
                    ind.dimension.clone(),
                    v.year.to_string(),
                    num(c.value),
                    ind.unit.clone(),
                    c.target.to_string(),
                    num(c.achievement),
                    c.colour.name().to_string(),
                    c.trend.name().to_string(),
                    c.illustrative.to_string(),
                    c.target_source.to_string(),
                    num(c.figure),
                    serde_json::to_value(c.basis)
                        .ok()
                        .and_then(|x| x.as_str().map(String::from))
                        .unwrap_or_default(),
                    c.from.map(|y| y.to_string()).unwrap_or_default(),
                    serde_json::to_value(c.schedule)
                        .ok()
                        .and_then(|x| x.as_str().map(String::from))
                        .unwrap_or_default(),
                ]);
            }
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The whole view-model as pretty JSON (NaN becomes `null`).
#[cfg(test)]
pub fn render_json(v: &ReportView) -> String {
    let mut out = Vec::new();
    write_json(v, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Writes `v` (the view-model, or the evaluation behind it) as pretty JSON and a line end
/// into `w` (streamed: not held whole in memory first).
pub fn write_json<T: serde::Serialize + ?Sized>(
    v: &T,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    // serde_json writes token by token: a concrete buffer in front of the `dyn` writer
    // keeps those small writes inlined
    let mut b = std::io::BufWriter::with_capacity(1 << 16, w);
    serde_json::to_writer_pretty(&mut b, v)?;
    std::io::Write::write_all(&mut b, b"\n")?;
    std::io::Write::flush(&mut b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::demo_view;

    #[test]
    fn table_has_every_section_and_the_warning() {
        let t = render_table(&demo_view(), 1);
        assert!(t.contains("!! 演示页面"));
        for s in ["一、", "二、", "三、", "四、", "方法说明"] {
            assert!(t.contains(s), "{s}");
        }
        assert!(t.contains("地区生产总值") && t.contains("≥ 2500 (2025年) 亿元"));
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
