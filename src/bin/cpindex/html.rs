//! The self-contained HTML report: one page with inline CSS and inline SVG, no scripts,
//! no external fonts, no network.
//!
//! [`render`] takes the plain view-model [`ReportView`] (see `view.rs`), which holds only
//! display-ready data. Filling it from the engine / monitoring results is the caller's job,
//! so this module knows nothing of the library's methods.

use std::fmt::Write as _;

use crate::svg::{self, escape, Series};
use crate::view::{fmt_value, pct, Colour, IndicatorView, ReportView, Trend};

const CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;color:#1d2733;background:#fff;
font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei","Hiragino Sans GB",system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
font-size:14px;line-height:1.45}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid #1d4f91;color:#1d4f91}
.sub{color:#556;margin:0 0 12px}
.warn{background:#fff4d6;border:1px solid #e0a800;border-left:6px solid #e0a800;padding:10px 14px;margin:12px 0;font-weight:600}
table{border-collapse:collapse;margin:6px 0}
th,td{border:1px solid #d5dbe3;padding:4px 7px;vertical-align:middle}
th{background:#eef2f7;font-weight:600;text-align:center;white-space:nowrap}
td.lag{min-width:200px;max-width:300px;font-size:12px}
table.sum th{white-space:normal;min-width:4.2em}
td.un{white-space:nowrap}td.ind{min-width:13em}td.tgt{max-width:15em;font-size:12px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.dim td{background:#f5f7fa;font-weight:700;color:#1d4f91}
td.c-g{background:#3f9b4f;color:#fff}td.c-y{background:#f3d84a}td.c-o{background:#f5a14f}
td.c-r{background:#d63a2f;color:#fff}td.c-n{background:#d9d9d9;color:#555}
.cell{white-space:nowrap;text-align:right;font-variant-numeric:tabular-nums}
.arr{display:inline-block;width:1.1em;text-align:center;font-weight:700;margin-left:3px}
.ill{font-size:10px;vertical-align:super;margin-left:1px}
.sv{font-size:10px;white-space:nowrap;font-weight:600}
.legend span{display:inline-block;margin:2px 12px 2px 0}
.sw{display:inline-block;width:12px;height:12px;vertical-align:-1px;margin-right:4px;border:1px solid #999}
.grid{display:flex;flex-wrap:wrap;gap:10px 22px}
.chart{font-family:inherit;background:#fff}
.chart .ct{font-size:13px;font-weight:700;fill:#1d2733}
.chart .al{font-size:12px;fill:#333}.chart .vl{font-size:11px;fill:#333}
.chart .ax{font-size:11px;fill:#666}.chart .lg{font-size:12px;fill:#333}.chart .na{font-size:9px;fill:#999}
.chart .track{fill:#eef1f5}.chart .grid{stroke:#e3e7ec;stroke-width:1}
.chart .ring{fill:none;stroke:#dde2e8}.chart .ref{stroke:#888;stroke-dasharray:4 3}
pre{background:#f6f8fa;border:1px solid #d5dbe3;padding:8px;font-size:12px;white-space:pre-wrap;max-width:1100px}
footer{margin-top:30px;color:#889;font-size:12px}
small{color:#667}
"#;

/// Renders the report as one self-contained HTML document.
pub fn render(v: &ReportView) -> String {
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        o,
        "<title>{} — {} 监测报告</title>",
        escape(&v.title),
        v.year
    );
    let _ = writeln!(o, "<style>{CSS}</style>\n</head>\n<body>");
    let _ = writeln!(o, "<h1>{} · {}年度监测报告</h1>", escape(&v.title), v.year);
    let _ = writeln!(o, "<p class=\"sub\">{}</p>", escape(&v.subtitle));
    if !v.inputs.is_empty() {
        let _ = writeln!(
            o,
            "<p class=\"sub\"><small>{}</small></p>",
            v.inputs
                .iter()
                .map(|i| escape(i))
                .collect::<Vec<_>>()
                .join("<br>")
        );
    }
    if v.illustrative {
        let _ = writeln!(
            o,
            "<div class=\"warn\">⚠ {}</div>",
            escape(&v.illustrative_note)
        );
    }
    summary(&mut o, v);
    dashboard(&mut o, v);
    dimension_bars(&mut o, v);
    comparison(&mut o, v);
    dynamic_index(&mut o, v);
    distribution(&mut o, v);
    evaluation(&mut o, v);
    methodology(&mut o, v);
    let _ = writeln!(
        o,
        "<footer>{} · 指纹 fingerprint {}</footer>\n</body>\n</html>",
        escape(&v.generator),
        escape(&v.fingerprint)
    );
    o
}

fn summary(o: &mut String, v: &ReportView) {
    o.push_str("<h2>一、总体实现度与综合指数 Overall achievement and composite index</h2>\n<table class=\"sum\">\n<tr><th>单位<br>Unit</th><th>总体实现度<br>Achievement</th><th>综合指数<br>Index</th><th>排名<br>Rank</th>");
    for d in &v.dimensions {
        let _ = write!(o, "<th>{}</th>", escape(&d.name));
    }
    o.push_str("<th>主要短板<br>Lagging indicators</th></tr>\n");
    for s in &v.summaries {
        let _ = write!(
            o,
            "<tr><td class=\"un\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            escape(v.unit_name(&s.unit)),
            pct(s.achievement),
            fmt_value(s.index),
            s.rank.map(|r| r.to_string()).unwrap_or_else(|| "–".into())
        );
        for (k, a) in s.by_dimension.iter().enumerate() {
            let c = s.dimension_colours.get(k).copied().unwrap_or(Colour::Grey);
            let _ = write!(o, "<td class=\"num {}\">{}</td>", c.class(), pct(*a));
        }
        let _ = writeln!(
            o,
            "<td class=\"lag\">{}</td></tr>",
            escape(&s.lagging.join("、"))
        );
    }
    o.push_str("</table>\n");
}

fn legend(o: &mut String) {
    o.push_str("<p class=\"legend\">");
    for c in [
        Colour::Green,
        Colour::Yellow,
        Colour::Orange,
        Colour::Red,
        Colour::Grey,
    ] {
        let _ = write!(
            o,
            "<span><i class=\"sw\" style=\"background:{}\"></i>{}</span>",
            c.hex(),
            c.meaning()
        );
    }
    o.push_str("<br>");
    for t in [
        Trend::OnTrack,
        Trend::Moderate,
        Trend::Stagnating,
        Trend::Declining,
        Trend::Deteriorating,
        Trend::Unknown,
    ] {
        let _ = write!(o, "<span><b>{}</b> {}</span>", t.arrow(), t.meaning());
    }
    o.push_str("<span><sup>*</sup> 示意数据 illustrative value</span></p>\n");
}

fn dashboard(o: &mut String, v: &ReportView) {
    let vi = v.index();
    let _ = writeln!(o, "<h2>二、指标监测仪表盘 Dashboard ({})</h2>", v.year);
    legend(o);
    o.push_str(
        "<table>\n<tr><th>指标<br>Indicator</th><th>单位<br>Unit</th><th>目标<br>Target</th>",
    );
    for u in &v.units {
        let _ = write!(o, "<th>{}</th>", escape(&u.name));
    }
    o.push_str("</tr>\n");
    let ncols = 3 + v.units.len();
    for d in &v.dimensions {
        let inds: Vec<&IndicatorView> = v
            .indicators
            .iter()
            .filter(|i| i.dimension == d.id)
            .collect();
        if inds.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "<tr class=\"dim\"><td colspan=\"{ncols}\">{}</td></tr>",
            escape(&d.name)
        );
        for ind in inds {
            let _ = write!(
                o,
                "<tr><td class=\"ind\">{}</td><td>{}</td><td class=\"tgt\">{}</td>",
                escape(&ind.name),
                escape(&ind.unit),
                escape(&ind.target)
            );
            for u in &v.units {
                match vi.cell(&ind.id, &u.id) {
                    Some(c) => {
                        let mut tip = format!(
                            "{} · {}: {} {} — 实现度 {}",
                            vi.unit_name(&u.id),
                            ind.name,
                            fmt_value(c.value),
                            ind.unit,
                            pct(c.achievement)
                        );
                        // survey-measured: the verdict from the sampling error, under the value
                        let survey = match (c.survey_verdict.as_deref(), &c.survey_text) {
                            (Some(verdict), Some(text)) => {
                                tip.push_str(&format!(" — 抽样误差 {text}"));
                                let label = match verdict {
                                    "met" => "达标 met",
                                    "not_met" => "未达标 not met",
                                    _ => "无显著差异 n.s.",
                                };
                                format!("<div class=\"sv\">{label}</div>")
                            }
                            _ => String::new(),
                        };
                        let _ = write!(
                            o,
                            "<td class=\"cell {}\" title=\"{}\">{}{}<span class=\"arr\">{}</span>{}</td>",
                            c.colour.class(),
                            escape(&tip),
                            fmt_value(c.value),
                            if c.illustrative { "<sup class=\"ill\">*</sup>" } else { "" },
                            c.trend.arrow(),
                            survey
                        );
                    }
                    None => o.push_str("<td class=\"cell c-n\">–</td>"),
                }
            }
            o.push_str("</tr>\n");
        }
    }
    o.push_str("</table>\n");
}

fn dimension_bars(o: &mut String, v: &ReportView) {
    o.push_str("<h2>三、分领域实现度 Achievement by dimension</h2>\n<div class=\"grid\">\n");
    let labels: Vec<String> = v.dimensions.iter().map(|d| d.name.clone()).collect();
    for s in &v.summaries {
        let colours: Vec<String> = s
            .dimension_colours
            .iter()
            .map(|c| c.hex().to_string())
            .collect();
        o.push_str(&svg::bar_chart_h(
            &format!("{} (%)", v.unit_name(&s.unit)),
            &labels,
            &s.by_dimension,
            100.0,
            Some(&colours),
        ));
        o.push('\n');
    }
    o.push_str("</div>\n");
}

fn comparison(o: &mut String, v: &ReportView) {
    o.push_str("<h2>四、县(市、区)比较 County comparison</h2>\n<div class=\"grid\">\n");
    let axes: Vec<String> = v.dimensions.iter().map(|d| d.name.clone()).collect();
    let series: Vec<Series> = v
        .compare_units
        .iter()
        .filter_map(|id| v.summaries.iter().find(|s| &s.unit == id))
        .map(|s| Series {
            name: v.unit_name(&s.unit).to_string(),
            values: s.by_dimension.clone(),
        })
        .collect();
    o.push_str(&svg::radar("分领域实现度 (%)", &axes, &series, 100.0));
    o.push('\n');
    o.push_str(&svg::grouped_bars(
        "分领域实现度 (%)",
        &axes,
        &series,
        100.0,
    ));
    o.push_str("\n</div>\n");
}

fn dynamic_index(o: &mut String, v: &ReportView) {
    o.push_str("<h2>五、动态监测指数 Dynamic monitoring index</h2>\n");
    let x: Vec<String> = v.years.iter().map(|y| y.to_string()).collect();
    let series: Vec<Series> = v
        .index_series
        .iter()
        .map(|s| Series {
            name: s.name.clone(),
            values: s.values.clone(),
        })
        .collect();
    let base = v.years.first().map(|y| y.to_string()).unwrap_or_default();
    o.push_str(&svg::line_chart(
        &format!("动态监测指数 ({base} = 100)"),
        &x,
        &series,
        Some(100.0),
    ));
    o.push('\n');
}

fn distribution(o: &mut String, v: &ReportView) {
    if v.distribution.is_empty() {
        return;
    }
    o.push_str("<h2>六、收入分配目标 Distribution targets</h2>\n<table>\n<tr><th>指标</th><th>数值 Value</th><th>目标 Target</th><th>说明 Note</th></tr>\n");
    for d in &v.distribution {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num {}\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&d.label),
            d.colour.class(),
            escape(&d.value),
            escape(&d.target),
            escape(&d.note)
        );
    }
    o.push_str("</table>\n");
}

fn evaluation(o: &mut String, v: &ReportView) {
    if v.evaluation.is_empty() {
        return;
    }
    let a = v.evaluation_weight;
    let _ = write!(
        o,
        "<h2>群众获得感幸福感安全感评价 Satisfaction and overall evaluation</h2>\n\
         <p><small>综合评价 = {a} × 客观实现度 + {} × 满意度指数. 满意度: design-based SE by linearisation \
         (strata, PSUs, fpc when the survey gives them), 95% CI, design effect deff = v_design/v_SRS, \
         effective n = n/deff, 无回答 = respondents without a score; domains as mean (SE).</small></p>\n\
         <table>\n<tr><th>单位</th><th>客观实现度</th><th>满意度指数</th><th>SE</th><th>95% CI</th><th>样本</th>\
         <th>deff</th><th>有效样本</th><th>无回答</th>",
        fmt_value(1.0 - a)
    );
    let dnames: Vec<&str> = v
        .evaluation
        .iter()
        .find(|e| !e.domains.is_empty())
        .map(|e| e.domains.iter().map(|d| d.0.as_str()).collect())
        .unwrap_or_default();
    for d in &dnames {
        let _ = write!(o, "<th>{}</th>", escape(d));
    }
    o.push_str("<th>较上年 Δ (SE)</th><th>综合评价</th></tr>\n");
    for e in &v.evaluation {
        // a unit without survey respondents (the city in the sample: the survey is drawn by
        // county) shows "–", not a sample of 0 with 0 non-responses
        let (n, nonresponse) = if e.n == 0 {
            ("–".to_string(), "–".to_string())
        } else {
            (e.n.to_string(), e.nonresponse.to_string())
        };
        let ci = if e.ci_lower.is_finite() {
            format!("{:.1}–{:.1}", e.ci_lower, e.ci_upper)
        } else {
            "–".into()
        };
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            escape(v.unit_name(&e.unit)),
            fmt1(e.objective),
            fmt1(e.satisfaction),
            fmt2(e.se),
            ci,
            n,
            fmt2(e.deff),
            fmt1(e.n_effective),
            nonresponse
        );
        for k in 0..dnames.len() {
            let cell = e.domain_estimates.get(k).map_or("–".to_string(), |d| {
                format!("{} ({})", fmt1(d.mean), fmt2(d.se))
            });
            let _ = write!(o, "<td class=\"num\">{}</td>", escape(&cell));
        }
        let change = e.change.as_ref().map_or("–".to_string(), |c| {
            format!("{:+.1} ({:.2}) {}", c.0, c.1, c.2)
        });
        let _ = writeln!(
            o,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&change),
            fmt1(e.combined)
        );
    }
    o.push_str("</table>\n");
    if v.evaluation.iter().any(|e| !e.subpopulations.is_empty()) {
        o.push_str(
            "<h3>分组 Subpopulations (domains of the survey design)</h3>\n<table>\n\
             <tr><th>单位</th><th>分组</th><th>满意度指数</th><th>SE</th><th>95% CI</th><th>deff</th><th>样本</th><th>无回答</th></tr>\n",
        );
        for e in &v.evaluation {
            for p in &e.subpopulations {
                let ci = if p.ci_lower.is_finite() {
                    format!("{:.1}–{:.1}", p.ci_lower, p.ci_upper)
                } else {
                    "–".into()
                };
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    escape(v.unit_name(&e.unit)),
                    escape(&p.label),
                    fmt1(p.mean),
                    fmt2(p.se),
                    ci,
                    fmt2(p.deff),
                    p.n,
                    p.nonresponse
                );
            }
        }
        o.push_str("</table>\n");
    }
}

/// One decimal, NaN as an en dash.
pub fn fmt1(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.1}")
    } else {
        "–".into()
    }
}

/// Two decimals, NaN as an en dash.
pub fn fmt2(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2}")
    } else {
        "–".into()
    }
}

fn methodology(o: &mut String, v: &ReportView) {
    let m = &v.methodology;
    o.push_str("<h2>七、方法说明 Methodology</h2>\n");
    if !m.notes.is_empty() {
        o.push_str("<ul>\n");
        for n in &m.notes {
            let _ = writeln!(o, "<li>{}</li>", escape(n));
        }
        o.push_str("</ul>\n");
    }
    if !m.weights.is_empty() {
        o.push_str("<table>\n<tr><th>权重 Weight</th><th>值</th></tr>\n");
        for (n, w) in &m.weights {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(n),
                fmt_value(*w)
            );
        }
        o.push_str("</table>\n");
    }
    if !m.indicator_weights.is_empty() {
        let _ = writeln!(
            o,
            "<details><summary>指标有效权重 Effective indicator weights ({} indicators)</summary>\n<table>",
            m.indicator_weights.len()
        );
        for (n, w) in &m.indicator_weights {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"num\">{:.4}</td></tr>",
                escape(n),
                w
            );
        }
        o.push_str("</table>\n</details>\n");
    }
    if !m.sources.is_empty() {
        o.push_str("<p><b>数据来源 Data sources</b></p>\n<ul>\n");
        for s in &m.sources {
            let _ = writeln!(o, "<li>{}</li>", escape(s));
        }
        o.push_str("</ul>\n");
    }
    let _ = writeln!(
        o,
        "<p><b>方法设定 Spec</b></p>\n<pre>{}</pre>",
        escape(&m.spec_json)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::demo_view;

    #[test]
    fn escapes_everything_from_the_view_model() {
        let mut v = demo_view();
        v.title = "<script>alert('x')</script> & co".into();
        v.units[1].name = "A\"B<".into();
        v.methodology.notes.push("1 < 2 & 3 > 2".into());
        let html = render(&v);
        assert!(!html.contains("<script>"), "raw script tag leaked");
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
        assert!(html.contains("A&quot;B&lt;"));
        assert!(html.contains("1 &lt; 2 &amp; 3 &gt; 2"));
    }

    #[test]
    fn page_is_self_contained_and_deterministic() {
        let a = render(&demo_view());
        let b = render(&demo_view());
        assert_eq!(a, b);
        assert!(!a.contains("<script"));
        assert!(
            !a.contains("http://")
                || a.matches("http://").count() == a.matches("http://www.w3.org/2000/svg").count()
        );
        assert!(!a.contains("https://"));
        assert!(!a.contains("@import") && !a.contains("url("));
        assert!(a.contains("class=\"warn\""));
        assert!(a.contains("<svg"));
    }

    #[test]
    fn banner_only_when_illustrative() {
        let mut v = demo_view();
        v.illustrative = false;
        assert!(!render(&v).contains("class=\"warn\""));
    }

    #[test]
    fn value_format() {
        assert_eq!(fmt_value(2500.0), "2500");
        assert_eq!(fmt_value(5.6), "5.6");
        assert_eq!(fmt_value(1.755), "1.755");
        assert_eq!(fmt_value(123.46), "123.5"); // one decimal from 100 up
        assert_eq!(fmt_value(f64::NAN), "–");
    }
}
