//! The report a bureau can publish (issue 14): the legend states every colour and mark the
//! page uses, the figure shown is the one judged (rounded toward "not met"), growth and
//! cumulative rows show the judged rate and running total, the schedule status is shown,
//! Chinese or English throughout, office/title/date from the spec or flags (never the
//! clock), methodology from the framework, charts for 1–12 dimensions, print CSS — and,
//! when Chromium is installed, the page printed to PDF with one page break per section.
//! Without Chromium the print check says SKIPPED, unless CPINDEX_REQUIRE_CHROMIUM=1 (CI),
//! which makes it fail.

use std::path::{Path, PathBuf};
use std::process::Command;
mod common;
use common::cli::{cpindex, ok};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cpindex-publish-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

const COUNTY_FW: &str = "examples/frameworks/example-county-2021-2025.json";

/// The `<tr>` of the dashboard row of an indicator (by its display name).
fn row<'a>(html: &'a str, name: &str) -> &'a str {
    let start = html
        .find(&format!("<td class=\"ind\">{name}"))
        .unwrap_or_else(|| panic!("row {name}"));
    &html[start..start + html[start..].find("</tr>").unwrap()]
}

/// Cell texts of a dashboard row: the text between `title="…">` and the first tag.
fn cell_figures(row: &str) -> Vec<String> {
    row.split("<td class=\"cell ")
        .skip(1)
        .map(|c| {
            let body = &c[c.find("\">").unwrap() + 2..];
            body[..body.find('<').unwrap_or(body.len())].to_string()
        })
        .collect()
}

#[test]
fn every_colour_and_mark_on_the_page_is_in_the_legend() {
    for lang in ["zh", "en"] {
        let html = ok(&[
            "report",
            "examples/data/quzhou.csv",
            "--format",
            "html",
            "--lang",
            lang,
        ]);
        for class in ["c-g", "c-y", "c-o", "c-r", "c-n"] {
            if html.contains(&format!("class=\"cell {class}\""))
                || html.contains(&format!("class=\"num {class}\""))
            {
                assert!(
                    html.contains(&format!("data-legend=\"{class}\"")),
                    "{lang}: {class} used, not in the legend"
                );
            }
        }
        // arrows used in cells, each with a legend entry
        for (arrow, name) in [
            ("↑", "on_track"),
            ("↗", "moderate"),
            ("→", "stagnating"),
            ("↘", "declining"),
            ("↓", "deteriorating"),
            ("·", "unknown"),
        ] {
            if html.contains(&format!("<span class=\"arr\">{arrow}</span>")) {
                assert!(
                    html.contains(&format!("data-legend=\"arrow-{name}\"")),
                    "{lang}: {arrow}"
                );
            }
        }
        // the sample is illustrative, has aspirational targets, schedule marks, survey
        // verdicts and annual records: each has its own legend entry, and the two marks
        // differ (* illustrative, △ aspirational)
        for key in [
            "illustrative",
            "aspirational",
            "schedule",
            "annual",
            "survey-not_met",
        ] {
            assert!(
                html.contains(&format!("data-legend=\"{key}\"")),
                "{lang}: {key}"
            );
        }
        assert!(html.contains("<sup class=\"ill\">*</sup>"));
        assert!(html.contains(" △</td>") && !html.contains("(2025) *"));
        assert!(html.contains("<span class=\"sch\">▼</span>"));
        // the dimension colour rule is stated where dimension colours are shown
        let rule = if lang == "zh" {
            "最差的两项指标"
        } else {
            "two worst"
        };
        assert!(html.contains(rule), "{lang}");
    }
}

/// A county panel where the figures sit just short of their targets.
fn near_miss_panel() -> PathBuf {
    let p = tmp("near-miss.csv");
    let mut csv = String::from("unit,period,indicator,value\n");
    for (u, gdp, fc) in [
        ("county", [250.0, 299.997], [68.0, 71.9996]),
        ("town_a", [100.0, 110.0], [70.0, 72.0]),
        ("town_b", [80.0, 90.0], [66.0, 68.0]),
    ] {
        for (k, y) in [2020, 2021].into_iter().enumerate() {
            csv.push_str(&format!("{u},{y},gdp,{}\n", gdp[k]));
            csv.push_str(&format!("{u},{y},forest_coverage,{}\n", fc[k]));
        }
    }
    std::fs::write(&p, csv).unwrap();
    p
}

#[test]
fn a_figure_just_short_of_its_target_never_prints_as_reaching_it() {
    let p = near_miss_panel();
    let args = [
        "report",
        p.to_str().unwrap(),
        "--framework",
        COUNTY_FW,
        "--no-auto",
    ];
    let html = ok(&[&args[..], &["--format", "html"]].concat());
    // gdp of the county: 299.997 against ≥ 300 — rounded to the nearest it would read
    // 300.0 in a non-green cell; toward "not met" (down, one decimal from 100) it is 299.9
    let gdp = row(&html, "地区生产总值");
    let figures = cell_figures(gdp);
    assert_eq!(figures[0], "299.9", "{gdp}");
    assert!(gdp.contains("class=\"cell c-y\""), "{gdp}");
    // forest coverage 71.9996 against ≥ 72 (two decimals from 10): 71.99, not 72
    let fc = row(&html, "森林覆盖率");
    assert_eq!(cell_figures(fc)[0], "71.99", "{fc}");
    // 72 exactly is met: green, printed 72
    assert_eq!(cell_figures(fc)[1], "72", "{fc}");
    assert!(fc.contains("class=\"cell c-g\""), "{fc}");
    // the text table shows achievement cut, not rounded: 299.997/300 = 99.999 % → 99.9 %
    let t = ok(&args);
    let line = t.lines().find(|l| l.starts_with("地区生产总值")).unwrap();
    assert!(
        line.contains("99.9% Y") && !line.contains("100.0% Y"),
        "{line}"
    );
}

#[test]
fn growth_rows_show_the_average_rate_and_totals_the_running_sum() {
    // built-in plan, 2020–2022: low-income farmers' income growth as yearly rates
    // 9, 12, 8 (target 年均增长10%) and fixed-asset investment flows 800, 900, 1100
    // (五年累计5000亿元)
    let p = tmp("growth.csv");
    let mut csv = String::from("unit,period,indicator,value\n");
    for u in ["quzhou", "kecheng", "qujiang"] {
        for (y, g, fai, pc) in [
            (2020, 9.0, 800.0, 8.0),
            (2021, 12.0, 900.0, 9.0),
            (2022, 8.0, 1100.0, 10.0),
        ] {
            csv.push_str(&format!("{u},{y},low_income_rural_income_growth,{g}\n"));
            csv.push_str(&format!("{u},{y},fixed_asset_investment_total,{fai}\n"));
            csv.push_str(&format!("{u},{y},gdp_per_capita,{pc}\n"));
        }
    }
    std::fs::write(&p, csv).unwrap();
    let html = ok(&[
        "report",
        p.to_str().unwrap(),
        "--no-auto",
        "--format",
        "html",
    ]);
    // √(1.12 · 1.08) − 1 = 9.98182 %: printed 9.981 (down), labelled as the average
    // since 2020, not the year's 8
    let g = row(&html, "低收入农户人均可支配收入年均增长");
    assert!(g.contains("2020年以来年均增速"), "{g}");
    let figures = cell_figures(g);
    assert_eq!(figures[0], "9.981", "{g}");
    assert!(!figures.contains(&"8".to_string()), "{g}");
    // the running sum 900 + 1100 = 2000 since 2021, against the five-year 5000
    let f = row(&html, "固定资产投资五年累计");
    assert!(f.contains("2021年起累计,对照五年目标"), "{f}");
    assert_eq!(cell_figures(f)[0], "2000", "{f}");
    // and the schedule section says 2000/5000 = 40 % = E(2022): on schedule
    assert!(html.contains("时间过半、任务过半"));
    let en = ok(&[
        "report",
        p.to_str().unwrap(),
        "--no-auto",
        "--lang",
        "en",
        "--format",
        "html",
    ]);
    assert!(en.contains("average annual growth since 2020"));
    assert!(en.contains("running total since 2021, against the five-year target"));
    let t = ok(&["report", p.to_str().unwrap(), "--no-auto", "--lang", "en"]);
    assert!(t.contains("Schedule check"), "{t}");
}

#[test]
fn sections_are_numbered_in_order_in_every_language_and_format() {
    for extra in [&[][..], &["--no-auto"][..]] {
        for lang in ["zh", "en"] {
            let base = [
                "report",
                "examples/data/quzhou.csv",
                "--lang",
                lang,
                "--format",
            ];
            let html = ok(&[&base[..], &["html"], extra].concat());
            let t = ok(&[&base[..], &["table"], extra].concat());
            let numbers = |text: &str, open: &str| -> Vec<String> {
                text.split(open)
                    .skip(1)
                    .map(|s| {
                        s.chars()
                            .take_while(|c| *c != '、' && *c != '.')
                            .collect::<String>()
                    })
                    .collect()
            };
            let expect = |n: usize| -> Vec<String> {
                (1..=n)
                    .map(|k| {
                        if lang == "zh" {
                            [
                                "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一",
                                "十二",
                            ][k - 1]
                                .to_string()
                        } else {
                            k.to_string()
                        }
                    })
                    .collect()
            };
            let h = numbers(&html, "<h2>");
            assert_eq!(h, expect(h.len()), "{lang} {extra:?} html");
            assert!(h.len() >= 8, "{h:?}");
            let tn: Vec<String> = numbers(&t, "\n")
                .into_iter()
                .filter(|s| expect(12).contains(s))
                .collect();
            assert_eq!(tn, expect(tn.len()), "{lang} {extra:?} table");
            assert!(tn.len() >= 5, "{tn:?}");
        }
    }
}

#[test]
fn english_report_has_no_chinese_fixed_text_and_chinese_none_of_the_english() {
    let en = ok(&[
        "report",
        "examples/data/quzhou.csv",
        "--format",
        "html",
        "--lang",
        "en",
    ]);
    for s in [
        "Overall achievement and composite index",
        "Schedule check",
        "Indicator dashboard",
        "Methodology",
        "Appendix: the methodology settings",
        "Qujiang District",
        "Sense of gain",
        "<html lang=\"en\">",
    ] {
        assert!(en.contains(s), "en: {s}");
    }
    for s in [
        "方法说明",
        "时间过半",
        "指标监测仪表盘",
        "总体实现度",
        "衢江区",
    ] {
        assert!(!en.contains(s), "en page has `{s}`");
    }
    let zh = ok(&["report", "examples/data/quzhou.csv", "--format", "html"]);
    for s in [
        "Methodology",
        "Dashboard",
        "ILLUSTRATIVE",
        "Lagging",
        "framework `",
        "docs/",
    ] {
        assert!(!zh.contains(s), "zh page has `{s}`");
    }
    // the page has no code-style identifiers: no backticks, warnings name indicators
    for page in [&en, &zh] {
        let body = &page[page.find("<body>").unwrap()..page.find("<section class=\"sec").unwrap()];
        assert!(!body.contains('`'));
        let methods = &page[page.rfind("<h3>").unwrap()..];
        assert!(!methods.contains('`'), "{methods}");
    }
}

#[test]
fn office_title_and_date_from_flags_or_spec_never_the_clock() {
    let p = near_miss_panel();
    let data = p.to_str().unwrap();
    let base = [
        "report",
        data,
        "--framework",
        COUNTY_FW,
        "--no-auto",
        "--format",
        "html",
    ];
    // no date given: none shown, and two runs give the same bytes
    let a = ok(&base);
    assert_eq!(a, ok(&base));
    assert!(!a.contains("发布日期"));
    // flags
    let f = ok(&[
        &base[..],
        &[
            "--office",
            "示例县统计局",
            "--date",
            "2025-03-01",
            "--title",
            "示例县共同富裕监测(2021年度)",
        ],
    ]
    .concat());
    assert!(f.contains("发布单位:示例县统计局"));
    assert!(f.contains("发布日期:2025年3月1日"));
    assert!(f.contains("<h1>示例县共同富裕监测(2021年度)</h1>"));
    // the spec's report section; a flag overrides it
    let spec = tmp("report-spec.json");
    std::fs::write(
        &spec,
        r#"{"report": {"office": "Example County Statistics Bureau", "date": "2025-02-28", "lang": "en"}}"#,
    )
    .unwrap();
    let s = ok(&[&base[..], &["--spec", spec.to_str().unwrap()]].concat());
    assert!(s.contains("Issued by Example County Statistics Bureau"));
    assert!(s.contains("Date: 28 February 2025"));
    let s = ok(&[
        &base[..],
        &["--spec", spec.to_str().unwrap(), "--lang", "zh"],
    ]
    .concat());
    assert!(s.contains("发布单位:Example County Statistics Bureau"));
    // the report section is presentation: the fingerprint does not change
    let fp = |page: &str| {
        let k = page.find("sha256:").unwrap();
        page[k..k + 71].to_string()
    };
    assert_eq!(fp(&s), fp(&a));
    // a date that is not YYYY-MM-DD, or not a date, is refused with a hint
    for bad in ["2025-02-30", "1/3/2025", "2025-3-1"] {
        let o = cpindex(&[&base[..], &["--date", bad]].concat());
        assert!(!o.status.success(), "{bad}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains("YYYY-MM-DD") && e.contains(bad), "{e}");
    }
    std::fs::write(&spec, r#"{"report": {"office": "x", "issuer": "y"}}"#).unwrap();
    let o = cpindex(&[&base[..], &["--spec", spec.to_str().unwrap()]].concat());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && e.contains("report") && e.contains("issuer"),
        "{e}"
    );
}

#[test]
fn methodology_comes_from_the_framework_and_the_spec_in_an_appendix() {
    let html = ok(&[
        "report",
        "examples/county/panel.csv",
        "--framework",
        COUNTY_FW,
        "--format",
        "html",
    ]);
    // the example county's framework: 3 dimensions, 7 indicators, its own units
    assert!(
        html.contains("共 3 个一级领域、7 项指标"),
        "methodology counts"
    );
    assert!(
        html.contains("在 示例县、甲镇、乙镇、丙乡 之间计算")
            && html.contains("排名只在 甲镇、乙镇、丙乡 之间"),
        "units computed and parts ranked, by name"
    );
    assert!(!html.contains("衢州") && !html.contains("县(市、区)"));
    // the spec in a collapsed appendix, as a table of settings, not a JSON dump
    let app = &html[html.find("<details class=\"spec\">").expect("appendix")..];
    assert!(app.contains("<td>monitor.dashboard.score_yellow</td><td>0.9</td>"));
    assert!(!html.contains("<pre>"));
    // print CSS: A4, repeated table headers, a page break before each section, rows whole
    for css in [
        "@page{size:A4",
        "thead{display:table-header-group}",
        "section.sec{break-before:page",
        "tr,th,td,svg,.legend,.chart{break-inside:avoid",
    ] {
        assert!(html.contains(css), "{css}");
    }
    assert!(html.matches("<thead>").count() >= 5);
}

/// The example county framework with only its first `n` dimensions (and their indicators).
fn county_with_dimensions(n: usize) -> PathBuf {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(COUNTY_FW)).unwrap();
    let mut fw: serde_json::Value = serde_json::from_str(&text).unwrap();
    let dims: Vec<String> = fw["dimensions"].as_array().unwrap()[..n]
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    fw["dimensions"] = serde_json::Value::Array(fw["dimensions"].as_array().unwrap()[..n].to_vec());
    let keep: Vec<serde_json::Value> = fw["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| dims.contains(&i["dimension"].as_str().unwrap().to_string()))
        .cloned()
        .collect();
    let ids: Vec<String> = keep
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    fw["indicators"] = serde_json::Value::Array(keep);
    // derived targets of dropped indicators go too
    if let Some(d) = fw.get_mut("derived_targets").and_then(|d| d.as_array_mut()) {
        d.retain(|t| {
            t["indicator"]
                .as_str()
                .map_or(true, |i| ids.contains(&i.to_string()))
        });
    }
    let p = tmp(&format!("county-{n}dims.json"));
    std::fs::write(&p, serde_json::to_string(&fw).unwrap()).unwrap();
    // the sample panel without the dropped indicators (auxiliary series stay)
    let aux: Vec<String> = fw["auxiliary_series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/county/panel.csv"),
    )
    .unwrap();
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(k, l)| {
            let ind = l.split(',').nth(2).unwrap_or("");
            *k == 0 || ids.iter().any(|i| i == ind) || aux.iter().any(|a| a == ind)
        })
        .map(|(_, l)| l)
        .collect();
    std::fs::write(p.with_extension("csv"), kept.join("\n") + "\n").unwrap();
    p
}

#[test]
fn comparison_charts_work_for_one_two_and_three_dimensions_with_one_colour_per_unit() {
    for n in [1usize, 2, 3] {
        let fw = county_with_dimensions(n);
        let data = fw.with_extension("csv");
        let html = ok(&[
            "report",
            data.to_str().unwrap(),
            "--framework",
            fw.to_str().unwrap(),
            "--format",
            "html",
            "--no-auto",
        ]);
        let cmp = &html[html.find("各单位比较</h2>").expect("comparison")..];
        let cmp = &cmp[..cmp.find("</section>").unwrap()];
        let polygons = cmp.matches("<polygon").count();
        if n < 3 {
            assert_eq!(polygons, 0, "{n} dims: no degenerate radar");
            assert!(cmp.contains("雷达图无意义"), "{n}");
        } else {
            assert!(polygons > 0, "{n}");
        }
        assert!(!html.contains("NaN"));
        // 甲镇 has the same colour in the comparison and in the dynamic index: the
        // legend swatch of its name carries the colour
        let colour_of = |chart: &str, name: &str| -> String {
            let k = chart
                .find(&format!("class=\"lg\">{name}</text>"))
                .unwrap_or_else(|| panic!("{name} in legend"));
            let before = &chart[..k];
            let f = before.rfind("fill=\"").unwrap();
            before[f + 6..f + 13].to_string()
        };
        let dynamic = &html[html.find("动态监测指数</h2>").expect("dynamic")..];
        for name in ["甲镇", "乙镇"] {
            assert_eq!(
                colour_of(cmp, name),
                colour_of(dynamic, name),
                "{n}: {name}"
            );
        }
    }
}

fn find_browser() -> Option<String> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in ["/usr/bin", "/usr/local/bin", "/snap/bin"] {
            let p = format!("{dir}/{name}");
            if Path::new(&p).exists() {
                return Some(p);
            }
        }
    }
    None
}

/// Prints the built-in report and the example county's to PDF in headless Chromium:
/// the PDF is A4 landscape and has at least one page per section (each section starts
/// a page). Pages are counted from the PDF's page objects (`/Type /Page`, ISO 32000-1
/// §7.7.3.3).
#[test]
fn printed_reports_start_each_section_on_a_new_a4_page() {
    let Some(browser) = find_browser() else {
        common::skip(
            "cli_publish: print check SKIPPED: chromium is not installed (apt install chromium)",
            Some("CPINDEX_REQUIRE_CHROMIUM"),
        );
        return;
    };
    for (tag, args) in [
        ("builtin", vec!["report", "examples/data/quzhou.csv"]),
        (
            "county",
            vec![
                "report",
                "examples/county/panel.csv",
                "--framework",
                COUNTY_FW,
            ],
        ),
    ] {
        let html = tmp(&format!("{tag}.html"));
        ok(&[
            &args[..],
            &["--format", "html", "--out", html.to_str().unwrap()],
        ]
        .concat());
        let page = std::fs::read_to_string(&html).unwrap();
        let sections = page.matches("<section class=\"sec").count();
        let pdf = tmp(&format!("{tag}.pdf"));
        let profile = tmp(&format!("profile-{tag}"));
        let o = Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
                &format!("--user-data-dir={}", profile.display()),
                &format!("--print-to-pdf={}", pdf.display()),
                &format!("file://{}", html.display()),
            ])
            .output()
            .expect("chromium runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let bytes = std::fs::read(&pdf).expect("a PDF was written");
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
        assert!(
            pages >= sections && sections >= 8,
            "{tag}: {pages} pages for {sections} sections"
        );
        // A4 landscape: MediaBox 841.92 × 594.96 points (297 × 210 mm)
        assert!(
            text.contains("/MediaBox [0 0 841.91998 594.95996]")
                || text.contains("/MediaBox [0 0 842 595]")
                || text.contains("/MediaBox [0 0 841.92 594.96]"),
            "{tag}: not A4 landscape"
        );
    }
}
