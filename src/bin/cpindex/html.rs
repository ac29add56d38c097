//! The self-contained HTML report: one page with inline CSS and inline SVG, no scripts,
//! no external fonts, no network; in Chinese or English (`--lang`), every fixed text from
//! the message table ([`crate::i18n`]).
//!
//! [`render`] takes the plain view-model [`ReportView`] (see `view.rs`), which holds only
//! display-ready data. Filling it from the library's evaluation is the caller's job, so
//! this module knows nothing of the library's methods.
//!
//! The legend states every colour and mark the page uses and what each means (colour
//! thresholds from the spec, the SDSN two-worst rule of the dimension colours, trend
//! arrows, schedule marks, the illustrative and aspirational marks). Sections are
//! numbered in the order they appear. Printed (`@media print`), the page is A4
//! landscape, each section starts a page, table headers repeat and rows are not cut.

use std::fmt::Write as _;

use crate::i18n::{fill, Lang, M};
use crate::svg::{self, escape, Series};
use crate::view::{
    capped, fmt_value, schedule_key, schedule_mark, Colour, ReportView, Trend, MARK_ASPIRATIONAL,
    MARK_ILLUSTRATIVE, SCHEDULE_ALL,
};

const CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;color:#1d2733;background:#fff;
font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei","Hiragino Sans GB",system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
font-size:14px;line-height:1.45}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid #1d4f91;color:#1d4f91}
h3{font-size:15px;margin:16px 0 6px}
.meta{color:#334;margin:2px 0}
.sub{color:#556;margin:0 0 12px}
.warn{background:#fff4d6;border:1px solid #e0a800;border-left:6px solid #e0a800;padding:10px 14px;margin:12px 0;font-weight:600}
table{border-collapse:collapse;margin:6px 0}
th,td{border:1px solid #d5dbe3;padding:4px 7px;vertical-align:middle}
th{background:#eef2f7;font-weight:600;text-align:center}
td.lag{min-width:200px;max-width:320px;font-size:12px}
table.sum th{min-width:4.2em}
td.un{white-space:nowrap}td.ind{min-width:13em}td.tgt{max-width:15em;font-size:12px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.dim td{background:#f5f7fa;font-weight:700;color:#1d4f91}
.basis{display:block;font-size:11px;color:#556;font-weight:400}
.cell{white-space:nowrap;text-align:right;font-variant-numeric:tabular-nums}
.arr{display:inline-block;width:1.1em;text-align:center;font-weight:700;margin-left:3px}
.sch{display:inline-block;width:0.9em;font-size:10px;text-align:center}
.ill{font-size:10px;vertical-align:super;margin-left:1px}
.sv{font-size:10px;white-space:nowrap;font-weight:600}
.legend{margin:6px 0 10px;font-size:13px}
.legend div{margin:2px 0}
.legend span{display:inline-block;margin:2px 14px 2px 0}
.sw{display:inline-block;width:12px;height:12px;vertical-align:-1px;margin-right:4px;border:1px solid #999}
.grid{display:flex;flex-wrap:wrap;gap:10px 22px}
.chart{font-family:inherit;background:#fff}
.chart .ct{font-size:13px;font-weight:700;fill:#1d2733}
.chart .al{font-size:12px;fill:#333}.chart .vl{font-size:11px;fill:#333}
.chart .ax{font-size:11px;fill:#666}.chart .lg{font-size:12px;fill:#333}.chart .na{font-size:9px;fill:#999}
.chart .track{fill:#eef1f5}.chart .grid{stroke:#e3e7ec;stroke-width:1}
.chart .ring{fill:none;stroke:#dde2e8}.chart .ref{stroke:#888;stroke-dasharray:4 3}
table.spec td{font-size:12px}table.spec td:first-child{color:#445}
details summary{cursor:pointer;font-weight:600;margin:6px 0}
footer{margin-top:30px;color:#889;font-size:12px}
small{color:#667}
@page{size:A4 landscape;margin:12mm 10mm}
@media print{
body{padding:0;font-size:9pt}
h1{font-size:16pt}h2{font-size:12pt;margin-top:0}
section.sec{break-before:page;page-break-before:always}
section.sec.first{break-before:auto;page-break-before:auto}
thead{display:table-header-group}
tr,th,td,svg,.legend,.chart{break-inside:avoid;page-break-inside:avoid}
h2,h3{break-after:avoid;page-break-after:avoid}
td.ind{min-width:10em}th,td{padding:2px 4px}
details::details-content{content-visibility:visible;display:block}
details summary{list-style:none}
.grid{gap:6px 12px}
}
"#;

/// The colour classes, generated from the one definition of each colour
/// ([`Colour::hex`]) so that cells, swatches and chart bars agree.
fn colour_css() -> String {
    let mut s = String::new();
    for c in [
        Colour::Green,
        Colour::Yellow,
        Colour::Orange,
        Colour::Red,
        Colour::Grey,
    ] {
        let ink = match c {
            Colour::Green | Colour::Red => "#fff",
            Colour::Yellow | Colour::Orange | Colour::Grey => "#1d2733",
        };
        let _ = write!(s, ".{}{{background:{};color:{ink}}}", c.class(), c.hex());
    }
    s.push_str("\n@media print{*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n");
    s
}

/// Section numbers in the order the sections appear (一、二、… or 1. 2. …).
struct Sections {
    n: usize,
    lang: Lang,
}

impl Sections {
    fn open(&mut self, o: &mut String, title: &str) {
        self.n += 1;
        let number = match self.lang {
            Lang::Zh => format!("{}、", chinese_numeral(self.n)),
            Lang::En => format!("{}. ", self.n),
        };
        let _ = writeln!(
            o,
            "<section class=\"sec{}\">\n<h2>{number}{}</h2>",
            if self.n == 1 { " first" } else { "" },
            escape(title)
        );
    }
}

/// 1 → 一, 10 → 十, 12 → 十二 (up to 99).
pub fn chinese_numeral(n: usize) -> String {
    const D: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[n % 10]),
        _ if n % 10 == 0 => format!("{}十", D[(n / 10) % 10]),
        _ => format!("{}十{}", D[(n / 10) % 10], D[n % 10]),
    }
}

/// The page title: the spec's or flag's title, else the framework's with the year.
pub fn page_title(v: &ReportView) -> String {
    v.meta.title.clone().unwrap_or_else(|| {
        fill(
            M::ReportTitle.text(v.lang),
            &[("title", v.title.clone()), ("year", v.year.to_string())],
        )
    })
}

/// The issue date in the report language: `2025年3月1日` / `1 March 2025`; the text as
/// given when it is not `YYYY-MM-DD`.
pub fn date_text(date: &str, lang: Lang) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<&str> = date.split('-').collect();
    if let [y, m, d] = parts[..] {
        if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<usize>(), d.parse::<u32>()) {
            if (1..=12).contains(&m) {
                return match lang {
                    Lang::Zh => format!("{y}年{m}月{d}日"),
                    Lang::En => format!("{d} {} {y}", MONTHS[m - 1]),
                };
            }
        }
    }
    date.to_string()
}

/// Renders the report as one self-contained HTML document.
pub fn render(v: &ReportView) -> String {
    let lang = v.lang;
    let title = page_title(v);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>",
        lang.html(),
        escape(&title)
    );
    let _ = writeln!(o, "<style>{CSS}{}</style>\n</head>\n<body>", colour_css());
    let _ = writeln!(o, "<header>\n<h1>{}</h1>", escape(&title));
    if let Some(office) = &v.meta.office {
        let _ = writeln!(
            o,
            "<p class=\"meta\">{}</p>",
            escape(&fill(M::IssuedBy.text(lang), &[("office", office.clone())]))
        );
    }
    if let Some(date) = &v.meta.date {
        let _ = writeln!(
            o,
            "<p class=\"meta\">{}</p>",
            escape(&fill(
                M::IssuedOn.text(lang),
                &[("date", date_text(date, lang))]
            ))
        );
    }
    let _ = writeln!(
        o,
        "<p class=\"meta\">{}</p>\n<p class=\"sub\">{}</p>",
        escape(&fill(
            M::ReportYear.text(lang),
            &[("year", v.year.to_string())]
        )),
        escape(&v.framework_line)
    );
    if !v.inputs.is_empty() {
        let _ = writeln!(
            o,
            "<p class=\"sub\"><small>{}: {}</small></p>",
            M::Inputs.text(lang),
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
    o.push_str("</header>\n");
    let mut sec = Sections { n: 0, lang };
    summary(&mut o, v, &mut sec);
    schedule(&mut o, v, &mut sec);
    dashboard(&mut o, v, &mut sec);
    dimension_bars(&mut o, v, &mut sec);
    comparison(&mut o, v, &mut sec);
    dynamic_index(&mut o, v, &mut sec);
    distribution(&mut o, v, &mut sec);
    evaluation(&mut o, v, &mut sec);
    methodology(&mut o, v, &mut sec);
    appendix(&mut o, v, &mut sec);
    let _ = writeln!(
        o,
        "<footer>{}</footer>\n</body>\n</html>",
        escape(&fill(
            M::Footer.text(lang),
            &[
                ("generator", v.generator.clone()),
                ("fp", v.fingerprint.clone())
            ]
        ))
    );
    o
}

/// A header row in a `<thead>` (repeated on every printed page).
fn thead(o: &mut String, cells: &[String]) {
    o.push_str("<thead><tr>");
    for c in cells {
        let _ = write!(o, "<th>{c}</th>");
    }
    o.push_str("</tr></thead>\n<tbody>\n");
}

fn summary(o: &mut String, v: &ReportView, sec: &mut Sections) {
    let lang = v.lang;
    sec.open(o, M::SecSummary.text(lang));
    colour_legend(o, v, true);
    o.push_str("<table class=\"sum\">\n");
    let mut head: Vec<String> = [M::ColUnit, M::ColAchievement, M::ColIndex, M::ColRank]
        .iter()
        .map(|m| m.text(lang).to_string())
        .collect();
    head.extend(v.dimensions.iter().map(|d| escape(&d.name)));
    head.push(M::ColLagging.text(lang).into());
    thead(o, &head);
    for s in &v.summaries {
        let _ = write!(
            o,
            "<tr><td class=\"un\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            escape(v.unit_name(&s.unit)),
            crate::cells::achievement_text(s.achievement, &[]),
            fmt_value(s.index),
            s.rank.map(|r| r.to_string()).unwrap_or_else(|| "–".into())
        );
        for (k, a) in s.by_dimension.iter().enumerate() {
            let c = s.dimension_colours.get(k).copied().unwrap_or(Colour::Grey);
            let _ = write!(
                o,
                "<td class=\"num {}\">{}</td>",
                c.class(),
                crate::cells::achievement_text(*a, &[])
            );
        }
        let _ = writeln!(
            o,
            "<td class=\"lag\">{}</td></tr>",
            escape(&s.lagging.join(lang.pick("、", "; ")))
        );
    }
    o.push_str("</tbody></table>\n</section>\n");
}

/// The colour legend: every colour with its rule; with `dimensions`, the SDSN two-worst
/// rule of the dimension colours.
fn colour_legend(o: &mut String, v: &ReportView, dimensions: bool) {
    let lang = v.lang;
    let args = [
        ("yellow", fmt_value(v.legend.yellow_pct)),
        ("orange", fmt_value(v.legend.orange_pct)),
    ];
    o.push_str("<div class=\"legend\"><div>");
    for c in [
        Colour::Green,
        Colour::Yellow,
        Colour::Orange,
        Colour::Red,
        Colour::Grey,
    ] {
        let _ = write!(
            o,
            "<span data-legend=\"{}\"><i class=\"sw {}\"></i>{}</span>",
            c.class(),
            c.class(),
            escape(&fill(c.key().text(lang), &args))
        );
    }
    o.push_str("</div>");
    if v.legend.absolute > 0 {
        let _ = write!(
            o,
            "<div><small>{}</small></div>",
            escape(&fill(
                M::ColoursAbsolute.text(lang),
                &[("n", v.legend.absolute.to_string())]
            ))
        );
    }
    if dimensions {
        let _ = write!(
            o,
            "<div><small>{}</small></div>",
            escape(M::DimensionRule.text(lang))
        );
    }
    o.push_str("</div>\n");
}

fn schedule(o: &mut String, v: &ReportView, sec: &mut Sections) {
    if v.schedule.is_empty() {
        return;
    }
    let lang = v.lang;
    sec.open(o, M::SecSchedule.text(lang));
    let _ = writeln!(o, "<p><small>{}</small></p>", escape(&v.schedule_intro));
    o.push_str("<table>\n");
    let mut head = vec![M::ColUnit.text(lang).to_string()];
    head.extend(
        SCHEDULE_ALL
            .iter()
            .map(|s| format!("{} {}", schedule_mark(*s), schedule_key(*s).text(lang))),
    );
    head.push(M::SchedLagging.text(lang).to_string());
    thead(o, &head);
    for r in &v.schedule {
        let _ = write!(
            o,
            "<tr><td class=\"un\">{}</td>",
            escape(v.unit_name(&r.unit))
        );
        for n in r.counts {
            let _ = write!(o, "<td class=\"num\">{n}</td>");
        }
        let _ = writeln!(
            o,
            "<td class=\"lag\">{}</td></tr>",
            escape(&capped(&r.lagging, 8, lang))
        );
    }
    o.push_str("</tbody></table>\n</section>\n");
}

/// The dashboard legend: colours, trend arrows, schedule marks, the marks used.
fn dashboard_legend(o: &mut String, v: &ReportView) {
    let lang = v.lang;
    colour_legend(o, v, false);
    o.push_str("<div class=\"legend\"><div>");
    for t in Trend::ALL {
        let _ = write!(
            o,
            "<span data-legend=\"arrow-{}\"><b>{}</b> {}</span>",
            t.name(),
            t.arrow(),
            escape(t.key().text(lang))
        );
    }
    o.push_str("</div><div>");
    let _ = write!(
        o,
        "<span data-legend=\"schedule\">{}</span>",
        escape(M::ScheduleMark.text(lang))
    );
    if v.cells.iter().any(|c| c.illustrative) {
        let _ = write!(
            o,
            "<span data-legend=\"illustrative\"><sup>{MARK_ILLUSTRATIVE}</sup> {}</span>",
            escape(M::MarkIllustrative.text(lang))
        );
    }
    if v.cells.iter().any(|c| c.record.is_some()) {
        let _ = write!(
            o,
            "<span data-legend=\"annual\">{}</span>",
            escape(M::AnnualRecord.text(lang))
        );
    }
    if v.indicators.iter().any(|i| i.aspirational) {
        let _ = write!(
            o,
            "<span data-legend=\"aspirational\">{MARK_ASPIRATIONAL} {}</span>",
            escape(M::MarkAspirational.text(lang))
        );
    }
    o.push_str("</div>");
    let verdicts: Vec<&str> = v
        .cells
        .iter()
        .filter_map(|c| c.survey_verdict.as_deref())
        .collect();
    if !verdicts.is_empty() {
        o.push_str("<div>");
        for (key, label, meaning) in [
            ("met", M::SurveyMet, M::MarkSurveyMet),
            ("not_met", M::SurveyNotMet, M::MarkSurveyNotMet),
            ("not_distinguishable", M::SurveyNs, M::MarkSurveyNs),
        ] {
            if verdicts.contains(&key) {
                let _ = write!(
                    o,
                    "<span data-legend=\"survey-{key}\"><b class=\"sv\">{}</b> {}</span>",
                    escape(label.text(lang)),
                    escape(meaning.text(lang))
                );
            }
        }
        o.push_str("</div>");
    }
    let _ = writeln!(
        o,
        "<div><small>{}</small></div></div>",
        escape(M::FigureRule.text(lang))
    );
}

fn dashboard(o: &mut String, v: &ReportView, sec: &mut Sections) {
    let vi = v.index();
    let lang = v.lang;
    sec.open(o, &format!("{} ({})", M::SecDashboard.text(lang), v.year));
    dashboard_legend(o, v);
    o.push_str("<table class=\"dash\">\n");
    let mut head = vec![
        M::ColIndicator.text(lang).to_string(),
        M::ColMeasure.text(lang).to_string(),
        M::ColTarget.text(lang).to_string(),
    ];
    head.extend(v.units.iter().map(|u| escape(&u.name)));
    thead(o, &head);
    let ncols = 3 + v.units.len();
    // each unit's display name, looked up once (not once per cell)
    let unit_names: Vec<&str> = v.units.iter().map(|u| vi.unit_name(&u.id)).collect();
    let by_dimension = v.indicators_by_dimension();
    for d in &v.dimensions {
        let Some(inds) = by_dimension.get(d.id.as_str()) else {
            continue;
        };
        let _ = writeln!(
            o,
            "<tr class=\"dim\"><td colspan=\"{ncols}\">{}</td></tr>",
            escape(&d.name)
        );
        for ind in inds {
            let basis = if ind.basis_note.is_empty() {
                String::new()
            } else {
                format!("<span class=\"basis\">{}</span>", escape(&ind.basis_note))
            };
            let _ = write!(
                o,
                "<tr><td class=\"ind\">{}{basis}</td><td>{}</td><td class=\"tgt\">{}{}</td>",
                escape(&ind.name),
                escape(&ind.unit),
                escape(&ind.target),
                if ind.aspirational {
                    format!(" {MARK_ASPIRATIONAL}")
                } else {
                    String::new()
                }
            );
            let cells = vi.indicator_cells(&ind.id);
            for (k, unit_name) in unit_names.iter().enumerate() {
                match cells.and_then(|r| r[k]) {
                    Some(c) => {
                        // written straight into the page (290,000 cells at national
                        // scale): the tooltip escaped as it is formatted
                        let survey = match (c.survey_verdict.as_deref(), &c.survey_text) {
                            (Some(verdict), Some(text)) => Some((verdict, text)),
                            _ => None,
                        };
                        let _ = write!(o, "<td class=\"cell {}\" title=\"", c.colour.class());
                        {
                            let mut tip = crate::svg::Escaped(o);
                            let _ = write!(
                                tip,
                                "{} · {}: {} {}",
                                unit_name, ind.name, c.figure_text, ind.unit
                            );
                            match c.basis {
                                crate::cells::Basis::RunningSum
                                | crate::cells::Basis::AverageGrowth => {
                                    let _ = write!(tip, " ({})", ind.basis_note);
                                }
                                crate::cells::Basis::Level | crate::cells::Basis::YearValue => {}
                            }
                            let _ = write!(
                                tip,
                                " — {} {} — {}",
                                lang.pick("实现度", "achievement"),
                                c.achievement_text,
                                schedule_key(c.schedule).text(lang)
                            );
                            // survey-measured: the sampling error's verdict, in the tip too
                            if let Some((_, text)) = survey {
                                let _ = write!(tip, " — {text}");
                            }
                        }
                        o.push_str("\">");
                        crate::svg::push_escaped(o, &c.figure_text);
                        if c.illustrative {
                            let _ = write!(o, "<sup class=\"ill\">{MARK_ILLUSTRATIVE}</sup>");
                        }
                        let _ = write!(
                            o,
                            "<span class=\"arr\">{}</span><span class=\"sch\">{}</span>",
                            c.trend.arrow(),
                            schedule_mark(c.schedule)
                        );
                        // an annual target's record, then the survey verdict, under the value
                        if let Some(r) = &c.record {
                            o.push_str("<div class=\"sv\">");
                            crate::svg::push_escaped(o, r);
                            o.push_str("</div>");
                        }
                        if let Some((verdict, _)) = survey {
                            let label = match verdict {
                                "met" => M::SurveyMet,
                                "not_met" => M::SurveyNotMet,
                                _ => M::SurveyNs,
                            };
                            let _ = write!(o, "<div class=\"sv\">{}</div>", label.text(lang));
                        }
                        o.push_str("</td>");
                    }
                    None => o.push_str("<td class=\"cell c-n\">–</td>"),
                }
            }
            o.push_str("</tr>\n");
        }
    }
    o.push_str("</tbody></table>\n</section>\n");
}

/// The colour of a unit in every chart: the palette entry of its position among the
/// report's units (framework order), so a unit keeps its colour from chart to chart.
fn unit_colour(v: &ReportView, id: &str) -> String {
    let k = v.unit_position(id).unwrap_or(0);
    svg::palette(k).to_string()
}

fn dimension_bars(o: &mut String, v: &ReportView, sec: &mut Sections) {
    let lang = v.lang;
    sec.open(o, M::SecByDimension.text(lang));
    colour_legend(o, v, true);
    o.push_str("<div class=\"grid\">\n");
    let labels: Vec<String> = v.dimensions.iter().map(|d| d.name.clone()).collect();
    for s in &v.summaries {
        let colours: Vec<String> = s
            .dimension_colours
            .iter()
            .map(|c| c.hex().to_string())
            .collect();
        o.push_str(&svg::bar_chart_h(
            &fill(
                M::ChartByDimension.text(lang),
                &[("unit", v.unit_name(&s.unit).to_string())],
            ),
            &labels,
            &s.by_dimension,
            100.0,
            Some(&colours),
        ));
        o.push('\n');
    }
    o.push_str("</div>\n</section>\n");
}

fn comparison(o: &mut String, v: &ReportView, sec: &mut Sections) {
    let lang = v.lang;
    // each unit's summary indexed once (the first of an id, as a search finds)
    let mut summary_of: std::collections::HashMap<&str, &crate::view::UnitSummary> =
        std::collections::HashMap::with_capacity(v.summaries.len());
    for s in &v.summaries {
        summary_of.entry(s.unit.as_str()).or_insert(s);
    }
    let series: Vec<Series> = v
        .compare_units
        .iter()
        .filter_map(|id| summary_of.get(id.as_str()).copied())
        .map(|s| Series {
            name: v.unit_name(&s.unit).to_string(),
            values: s.by_dimension.clone(),
            colour: unit_colour(v, &s.unit),
        })
        .collect();
    if series.is_empty() {
        return;
    }
    sec.open(
        o,
        &fill(
            M::SecCompare.text(lang),
            &[("parts", M::Parts.text(lang).to_string())],
        ),
    );
    let axes: Vec<String> = v.dimensions.iter().map(|d| d.name.clone()).collect();
    let title = M::ChartCompare.text(lang);
    o.push_str("<div class=\"grid\">\n");
    if axes.len() >= 3 {
        o.push_str(&svg::radar(title, &axes, &series, 100.0));
        o.push('\n');
    }
    o.push_str(&svg::grouped_bars(title, &axes, &series, 100.0));
    o.push_str("\n</div>\n");
    if axes.len() < 3 {
        let _ = writeln!(o, "<p><small>{}</small></p>", M::ChartNoRadar.text(lang));
    }
    o.push_str("</section>\n");
}

fn dynamic_index(o: &mut String, v: &ReportView, sec: &mut Sections) {
    if v.index_series.is_empty() {
        return;
    }
    let lang = v.lang;
    sec.open(o, M::SecDynamic.text(lang));
    let x: Vec<String> = v.years.iter().map(|y| y.to_string()).collect();
    // each unit's position by display name (the first so named)
    let mut by_name: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(v.units.len());
    for (k, u) in v.units.iter().enumerate() {
        by_name.entry(u.name.as_str()).or_insert(k);
    }
    let series: Vec<Series> = v
        .index_series
        .iter()
        .map(|s| Series {
            name: s.name.clone(),
            values: s.values.clone(),
            colour: by_name.get(s.name.as_str()).copied().map_or_else(
                || svg::palette(0).to_string(),
                |k| svg::palette(k).to_string(),
            ),
        })
        .collect();
    let base = v.years.first().map(|y| y.to_string()).unwrap_or_default();
    o.push_str(&svg::line_chart(
        &fill(M::ChartDynamic.text(lang), &[("base", base)]),
        &x,
        &series,
        Some(100.0),
    ));
    o.push_str("\n</section>\n");
}

fn distribution(o: &mut String, v: &ReportView, sec: &mut Sections) {
    if v.distribution.is_empty() {
        return;
    }
    let lang = v.lang;
    sec.open(o, M::SecDistribution.text(lang));
    o.push_str("<table>\n");
    thead(
        o,
        &[M::ColIndicator, M::ColValue, M::ColTarget, M::ColNote].map(|m| m.text(lang).to_string()),
    );
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
    o.push_str("</tbody></table>\n</section>\n");
}

fn evaluation(o: &mut String, v: &ReportView, sec: &mut Sections) {
    if v.evaluation.is_empty() {
        return;
    }
    let lang = v.lang;
    let a = v.evaluation_weight;
    sec.open(o, M::SecSatisfaction.text(lang));
    let _ = writeln!(
        o,
        "<p><small>{}</small></p>\n<table>",
        escape(&fill(
            M::MethodSatisfaction.text(lang),
            &[("a", fmt_value(a)), ("b", fmt_value(1.0 - a))]
        ))
    );
    let dnames: Vec<&str> = v
        .evaluation
        .iter()
        .find(|e| !e.domains.is_empty())
        .map(|e| e.domains.iter().map(|d| d.0.as_str()).collect())
        .unwrap_or_default();
    let mut head: Vec<String> = [M::ColUnit, M::ColObjective, M::ColSatisfaction]
        .iter()
        .map(|m| m.text(lang).to_string())
        .collect();
    head.extend(["SE".to_string(), "95% CI".to_string()]);
    head.push(M::ColSample.text(lang).into());
    head.push("deff".into());
    head.push(M::ColEffSample.text(lang).into());
    head.push(M::ColNonresponse.text(lang).into());
    head.extend(dnames.iter().map(|d| escape(d)));
    head.push(M::ColChange.text(lang).into());
    head.push(M::ColCombined.text(lang).into());
    thead(o, &head);
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
    o.push_str("</tbody></table>\n");
    if v.evaluation.iter().any(|e| !e.subpopulations.is_empty()) {
        let _ = writeln!(o, "<h3>{}</h3>\n<table>", M::ColGroup.text(lang));
        let mut head: Vec<String> = vec![
            M::ColUnit.text(lang).into(),
            M::ColGroup.text(lang).into(),
            M::ColSatisfaction.text(lang).into(),
            "SE".into(),
            "95% CI".into(),
            "deff".into(),
        ];
        head.push(M::ColSample.text(lang).into());
        head.push(M::ColNonresponse.text(lang).into());
        thead(o, &head);
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
        o.push_str("</tbody></table>\n");
    }
    o.push_str("</section>\n");
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

fn methodology(o: &mut String, v: &ReportView, sec: &mut Sections) {
    let lang = v.lang;
    let m = &v.methodology;
    sec.open(o, M::SecMethod.text(lang));
    if !m.notes.is_empty() {
        o.push_str("<ul>\n");
        for n in &m.notes {
            let _ = writeln!(o, "<li>{}</li>", escape(n));
        }
        o.push_str("</ul>\n");
    }
    if !m.weights.is_empty() {
        let _ = writeln!(o, "<h3>{}</h3>\n<table>", M::DimensionWeights.text(lang));
        thead(
            o,
            &[M::ColDimension, M::ColWeight].map(|k| k.text(lang).to_string()),
        );
        for (n, w) in &m.weights {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(n),
                fmt_value(*w)
            );
        }
        o.push_str("</tbody></table>\n");
    }
    if !m.indicator_weights.is_empty() {
        let _ = writeln!(
            o,
            "<details><summary>{}</summary>\n<table>",
            escape(&fill(
                M::IndicatorWeights.text(lang),
                &[("n", m.indicator_weights.len().to_string())]
            ))
        );
        thead(
            o,
            &[M::ColIndicator, M::ColWeight].map(|k| k.text(lang).to_string()),
        );
        for (n, w) in &m.indicator_weights {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td class=\"num\">{:.4}</td></tr>",
                escape(n),
                w
            );
        }
        o.push_str("</tbody></table>\n</details>\n");
    }
    if !m.sources.is_empty() {
        let _ = writeln!(o, "<h3>{}</h3>\n<ul>", M::Sources.text(lang));
        for s in &m.sources {
            let _ = writeln!(o, "<li>{}</li>", escape(s));
        }
        o.push_str("</ul>\n");
    }
    if !v.warnings.is_empty() {
        let _ = writeln!(o, "<h3>{}</h3>\n<ul>", M::Warnings.text(lang));
        for w in &v.warnings {
            let _ = writeln!(o, "<li>{}</li>", escape(w));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</section>\n");
}

/// The methodology settings as a collapsed table of (setting, value) rows.
fn appendix(o: &mut String, v: &ReportView, sec: &mut Sections) {
    let lang = v.lang;
    let m = &v.methodology;
    if m.spec_rows.is_empty() {
        return;
    }
    sec.open(o, M::SecAppendix.text(lang));
    let _ = writeln!(
        o,
        "<details class=\"spec\"><summary>{} ({})</summary>\n<table class=\"spec\">",
        escape(M::AppendixNote.text(lang)),
        m.spec_rows.len()
    );
    thead(
        o,
        &[M::ColSetting, M::ColValue].map(|k| k.text(lang).to_string()),
    );
    for (k, x) in &m.spec_rows {
        let _ = writeln!(o, "<tr><td>{}</td><td>{}</td></tr>", escape(k), escape(x));
    }
    o.push_str("</tbody></table>\n</details>\n</section>\n");
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
