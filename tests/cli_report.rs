//! `cpindex report` on the shipped sample, in every format, with key figures checked
//! against values recomputed here from the CSV files by plain loops (not by cpindex).

use std::path::PathBuf;
mod common;
use common::cli::ok;

/// value of (unit, period, indicator) in examples/data/quzhou.csv, read by hand
fn sample(unit: &str, period: i32, ind: &str) -> f64 {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/quzhou.csv"
    ))
    .unwrap();
    for l in text.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        if c[0] == unit && c[1] == period.to_string() && c[2] == ind {
            return c[3].parse().unwrap();
        }
    }
    panic!("{unit} {period} {ind} not in the sample")
}

const COUNTIES: [&str; 6] = [
    "kecheng",
    "qujiang",
    "longyou",
    "jiangshan",
    "changshan",
    "kaihua",
];

#[test]
fn readme_command_prints_a_readable_table_with_every_section() {
    let t = ok(&["report", "examples/data/quzhou.csv"]);
    for s in [
        "2024年度监测报告",
        "示意数据",
        "一、总体实现度与综合指数",
        "主要短板",
        "二、时间过半、任务过半",
        "三、指标监测仪表盘",
        "四、动态监测指数",
        "五、收入分配目标",
        "六、群众获得感幸福感安全感评价",
        "七、方法说明",
        "households.csv (在数据文件旁找到并自动读取",
    ] {
        assert!(t.contains(s), "missing `{s}`");
    }
    assert!(!t.contains("NaN"));
    // ranks: the six counties get 1..=6 exactly once; the city row shows `–`
    let mut ranks = Vec::new();
    for l in t.lines() {
        for name in ["柯城区", "衢江区", "龙游县", "江山市", "常山县", "开化县"] {
            if l.starts_with(name) && l.contains('%') && ranks.len() < 6 {
                let cols: Vec<&str> = l.split_whitespace().collect();
                ranks.push(cols[3].parse::<usize>().unwrap());
            }
        }
    }
    ranks.sort();
    assert_eq!(ranks, [1, 2, 3, 4, 5, 6]);
    let city = t.lines().find(|l| l.starts_with("衢州市 ")).unwrap();
    assert_eq!(city.split_whitespace().nth(3), Some("–"), "{city}");
    // the plan's target forms are shown as such: 100万人左右 with its ±5 band, 倍增 as a
    // multiple of the unit's own baseline
    assert!(t.contains("≈ 100 ± 5 (2025年)"), "about target");
    assert!(t.contains("基期的 2 倍 (2025年)"), "baseline multiple");
    // the counties hold 75–77% of all indicators, but the plan's size indicators (亿元
    // totals, counts) are not scored for a county without a target of its own and leave
    // the coverage denominator: counted over what can be scored, a county's coverage is
    // above the SDSN 80%, so its overall achievement is published (a percentage)
    let k = t.lines().find(|l| l.starts_with("柯城区 ")).unwrap();
    assert!(k.split_whitespace().nth(1).unwrap().ends_with('%'), "{k}");
}

#[test]
fn distribution_targets_match_values_recomputed_from_the_csv() {
    let j: serde_json::Value = serde_json::from_str(&ok(&[
        "report",
        "examples/data/quzhou.csv",
        "--format",
        "json",
    ]))
    .unwrap();
    let rows = j["distribution"].as_array().unwrap();
    let find = |needle: &str| {
        rows.iter()
            .find(|r| r["label"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no row `{needle}`"))
    };
    // urban–rural ratio = urban / rural per-capita disposable income of the city, 2024
    let ur = sample("quzhou", 2024, "urban_per_capita_disposable_income")
        / sample("quzhou", 2024, "rural_per_capita_disposable_income");
    // figures against a target are rounded toward "not met" (docs/monitoring.md, "What
    // the report shows"): a ratio with a ≤ target up, at 3 decimals below 10; a share
    // with a ≥ target down, at 2 decimals from 10
    let shown = |row: &serde_json::Value| -> f64 {
        row["value"]
            .as_str()
            .unwrap()
            .trim_end_matches('%')
            .parse()
            .unwrap()
    };
    let up = |shown: f64, exact: f64, step: f64| {
        assert!(shown >= exact && shown - exact < step, "{shown} vs {exact}")
    };
    let down = |shown: f64, exact: f64, step: f64| {
        assert!(shown <= exact && exact - shown < step, "{shown} vs {exact}")
    };
    let row = find("城乡居民收入倍差");
    up(shown(row), ur, 1e-3);
    // county max/min of per-capita disposable income, 2024, over the six counties
    let v: Vec<(&str, f64)> = COUNTIES
        .iter()
        .map(|c| (*c, sample(c, 2024, "per_capita_disposable_income")))
        .collect();
    let mx = v
        .iter()
        .cloned()
        .fold(("", f64::MIN), |a, b| if b.1 > a.1 { b } else { a });
    let mn = v
        .iter()
        .cloned()
        .fold(("", f64::MAX), |a, b| if b.1 < a.1 { b } else { a });
    let row = find("最高最低倍差");
    up(shown(row), mx.1 / mn.1, 1e-3);
    let names = [
        ("kecheng", "柯城区"),
        ("qujiang", "衢江区"),
        ("longyou", "龙游县"),
        ("jiangshan", "江山市"),
        ("changshan", "常山县"),
        ("kaihua", "开化县"),
    ];
    let name = |id: &str| names.iter().find(|n| n.0 == id).unwrap().1;
    let note = row["note"].as_str().unwrap();
    assert!(
        note.contains(&format!("最高 {}", name(mx.0)))
            && note.contains(&format!("最低 {}", name(mn.0))),
        "{note}"
    );
    // household band share 10–50万元: plain weighted loop over households.csv, [lo, hi)
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/households.csv"
    ))
    .unwrap();
    let (mut inside, mut inside2, mut total) = (0.0, 0.0, 0.0);
    for l in text.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        let (w, x): (f64, f64) = (c[3].parse().unwrap(), c[4].parse().unwrap());
        total += w;
        if (100_000.0..500_000.0).contains(&x) {
            inside += w;
        }
        if (200_000.0..600_000.0).contains(&x) {
            inside2 += w;
        }
    }
    let row = find("10-50万元");
    down(shown(row), 100.0 * inside / total, 1e-2);
    let row = find("20-60万元");
    down(shown(row), 100.0 * inside2 / total, 1e-2);
    // the JSON carries the spec actually used, with the reference unit left out
    let spec: serde_json::Value =
        serde_json::from_str(j["methodology"]["spec_json"].as_str().unwrap()).unwrap();
    let units = spec["index"]["units"].as_array().unwrap();
    assert!(!units.iter().any(|u| u == "zhejiang"));
    assert_eq!(units.len(), 7);
    // effective indicator weights: products of normalised weights down the tree, so they
    // add up to 1 over the indicators with data
    let w = j["methodology"]["indicator_weights"].as_array().unwrap();
    let sum: f64 = w.iter().map(|x| x[1].as_f64().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-9, "{sum}");
}

#[test]
fn three_person_equivalent_band_shares() {
    // spec band_income = three_person_equivalent: each household's income becomes
    // 3 × income / size before the [10万, 50万) test; plain weighted loop here
    let spec = std::env::temp_dir().join(format!("cpindex_band_{}.json", std::process::id()));
    std::fs::write(
        &spec,
        r#"{"monitor":{"band_income":"three_person_equivalent"}}"#,
    )
    .unwrap();
    let t = ok(&[
        "report",
        "examples/data/quzhou.csv",
        "--spec",
        spec.to_str().unwrap(),
    ]);
    std::fs::remove_file(&spec).ok();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/households.csv"
    ))
    .unwrap();
    let (mut inside, mut total) = (0.0, 0.0);
    for l in text.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        let (w, x, n): (f64, f64, f64) = (
            c[3].parse().unwrap(),
            c[4].parse().unwrap(),
            c[5].parse().unwrap(),
        );
        total += w;
        if (100_000.0..500_000.0).contains(&(3.0 * x / n)) {
            inside += w;
        }
    }
    let line = t
        .lines()
        .find(|l| l.contains("10-50万元的群体比例") && l.contains("按三口之家折算"))
        .unwrap();
    // a share against ≥ 60 %: cut to two decimals
    let cut = (100.0 * inside / total * 100.0).floor() / 100.0;
    assert!(line.contains(&format!("{cut}%")), "{line}");
    assert!(line.contains("按三口之家折算"), "{line}");
}

#[test]
fn csv_and_html_formats() {
    let csv = ok(&["report", "examples/data/quzhou.csv", "--format", "csv"]);
    // one tidy CSV: `table` first, then the union of the tables' columns (by name)
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[..4], ["table", "unit", "unit_name", "role"]);
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    // gdp of the city in 2024 appears with the value from the data file
    let gdp = sample("quzhou", 2024, "gdp");
    let row: Vec<&str> = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<&str>>())
        .find(|c| c[0] == "cells" && c[col("unit")] == "quzhou" && c[col("indicator")] == "gdp")
        .unwrap();
    assert_eq!(row[col("value")].parse::<f64>().unwrap(), gdp);
    // achievement = x / T (ratio form, T = 2500 亿元), capped at 100
    let ach: f64 = row[col("achievement")].parse().unwrap();
    assert!(
        (ach - (100.0 * gdp / 2500.0).min(100.0)).abs() < 1e-9,
        "{ach}"
    );

    let dir = std::env::temp_dir().join(format!("cpindex-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out: PathBuf = dir.join("r.html");
    ok(&[
        "report",
        "examples/data/quzhou.csv",
        "--format",
        "html",
        "--out",
        out.to_str().unwrap(),
    ]);
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("class=\"warn\""));
    assert!(page.contains("<svg") && !page.contains("<script") && !page.contains("NaN"));
    // without --out, html goes to stdout
    let page2 = ok(&["report", "examples/data/quzhou.csv", "--format", "html"]);
    assert_eq!(page, page2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn example_spec_is_accepted_and_used() {
    let j: serde_json::Value = serde_json::from_str(&ok(&[
        "report",
        "examples/data/quzhou.csv",
        "--spec",
        "examples/spec.json",
        "--format",
        "json",
    ]))
    .unwrap();
    let spec: serde_json::Value =
        serde_json::from_str(j["methodology"]["spec_json"].as_str().unwrap()).unwrap();
    assert_eq!(spec["index"]["imputation"]["method"], "linear");
    assert_eq!(
        spec["monitor"]["dashboard"]["thresholds"]["pm25_concentration"]["green"],
        26.0
    );
    // --no-auto: no household rows and no survey section
    let t = ok(&["report", "examples/data/quzhou.csv", "--no-auto"]);
    assert!(!t.contains("10—50万元") && !t.contains("群众获得感幸福感安全感评价"));
}

/// A second plan — the invented example county framework — runs through `report` with no
/// code change: its own units, roles, names, unit target and derived targets.
#[test]
fn example_county_framework_runs_with_no_code_change() {
    let fw = "examples/frameworks/example-county-2021-2025.json";
    let t = ok(&["report", "examples/county/panel.csv", "--framework", fw]);
    assert!(
        t.contains("示例县") && t.contains("甲镇") && t.contains("丙乡"),
        "{t}"
    );
    assert!(t.contains("示例市平均"), "the reference is shown");
    assert!(t.contains("指纹 sha256:"), "{t}");
    let j: serde_json::Value = serde_json::from_str(&ok(&[
        "report",
        "examples/county/panel.csv",
        "--framework",
        fw,
        "--format",
        "json",
    ]))
    .unwrap();
    // ranks among the three parts only: the whole and the reference are not ranked
    let ranked: Vec<&str> = j["summaries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["rank"].is_null())
        .map(|s| s["unit"].as_str().unwrap())
        .collect();
    assert_eq!(ranked.len(), 3, "{ranked:?}");
    assert!(!ranked.contains(&"county") && !ranked.contains(&"city_average"));
    // the max/min ratio over the townships, 2024, recomputed from the CSV by hand
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/county/panel.csv"
    ))
    .unwrap();
    let v: Vec<f64> = ["town_a", "town_b", "township_c"]
        .iter()
        .map(|u| {
            text.lines()
                .map(|l| l.split(',').collect::<Vec<_>>())
                .find(|c| c[0] == *u && c[1] == "2024" && c[2] == "per_capita_disposable_income")
                .unwrap()[3]
                .parse::<f64>()
                .unwrap()
        })
        .collect();
    let ratio =
        v.iter().cloned().fold(f64::MIN, f64::max) / v.iter().cloned().fold(f64::MAX, f64::min);
    let row = j["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"].as_str().unwrap().contains("乡镇"))
        .unwrap();
    // against ≤ 1.4: rounded up (toward "not met") at 3 decimals
    let shown: f64 = row["value"].as_str().unwrap().parse().unwrap();
    assert!(shown >= ratio && shown - ratio < 1e-3, "{shown} vs {ratio}");
    // 甲镇's GDP against its own target; 乙镇's GDP not scored (size indicator)
    let cell = |u: &str| {
        j["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["unit"] == u && c["indicator"] == "gdp")
            .unwrap()
            .clone()
    };
    assert_eq!(cell("town_a")["target_source"], "unit");
    assert_eq!(cell("town_b")["target_source"], "not_scored");
    assert!(cell("town_b")["achievement"].is_null());
}

/// The report's note on the composite index describes what the evaluation computed (CLI
/// review finding 6): the units of the index result (`index.units` of the evaluation
/// JSON) are the ones "computed across", the units with a headline rank
/// (`summaries[].rank`, the same numbers as the JSON) the ones "ranked among", and a
/// unit of the evaluation outside the index is named as not included. With the default
/// spec the whole is computed with the parts; with `index.units` set to the parts only,
/// the index is computed and ranked across them and the whole is left out.
#[test]
fn the_index_note_describes_the_units_computed_and_ranked() {
    let dir = std::env::temp_dir().join(format!("cpindex-index-note-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let parts_only = dir.join("parts_only.json");
    let units: Vec<String> = COUNTIES.iter().map(|c| format!("\"{c}\"")).collect();
    std::fs::write(
        &parts_only,
        format!("{{\"index\": {{\"units\": [{}]}}}}", units.join(", ")),
    )
    .unwrap();
    let data = "examples/data/quzhou.csv";
    let spec = parts_only.to_str().unwrap();
    for extra in [vec![], vec!["--spec", spec]] {
        let run = |format: &str| -> serde_json::Value {
            let mut args = vec!["report", data, "--no-auto", "--format", format];
            args.extend(extra.iter().copied());
            serde_json::from_str(&ok(&args)).unwrap()
        };
        let (ev, rep) = (run("evaluation"), run("json"));
        let units = ev["units"].as_array().unwrap();
        let name = |id: &str| {
            units.iter().find(|u| u["id"] == id).unwrap()["name_zh"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let computed: Vec<String> = ev["index"]["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| name(u.as_str().unwrap()))
            .collect();
        let ranked: Vec<String> = ev["summaries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| !s["rank"].is_null())
            .map(|s| {
                units[s["unit"].as_u64().unwrap() as usize]["name_zh"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let outside: Vec<String> = units
            .iter()
            .map(|u| u["name_zh"].as_str().unwrap().to_string())
            .filter(|n| !computed.contains(n))
            .collect();
        let notes = rep["methodology"]["notes"].as_array().unwrap();
        let note = notes
            .iter()
            .map(|n| n.as_str().unwrap())
            .find(|n| n.starts_with("综合指数:"))
            .expect("a note on the composite index");
        assert!(
            note.contains(&format!("在 {} 之间计算", computed.join("、"))),
            "{extra:?}: computed {computed:?}: {note}"
        );
        if ranked == computed {
            assert!(note.contains("之间计算并排名"), "{extra:?}: {note}");
        } else {
            assert!(
                note.contains(&format!("排名只在 {} 之间", ranked.join("、"))),
                "{extra:?}: ranked {ranked:?}: {note}"
            );
        }
        assert!(
            note.contains(&format!("{} 不参与计算", outside.join("、"))),
            "{extra:?}: outside {outside:?}: {note}"
        );
        // the whole (quzhou) is computed by default and not with the parts-only spec
        assert_eq!(
            computed.contains(&name("quzhou")),
            extra.is_empty(),
            "{computed:?}"
        );
    }
}

/// The report leaves out the composite index's outputs no format but `evaluation` shows
/// (contributions, obstacle degrees, statistics, correlations): not their warnings either
/// — geometric aggregation makes contributions undefined, which the table must not warn
/// about since it has none — while `--format evaluation` has both; the methodology and
/// the fingerprint are the spec's as given (outputs on) in both.
#[test]
fn the_report_leaves_out_index_outputs_it_does_not_show() {
    let dir = std::env::temp_dir().join(format!("cpindex-report-outputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("geometric.json");
    std::fs::write(
        &spec,
        r#"{"index": {"aggregation": {"default": {"method": {"method": "geometric"}}},
             "normalisation": {"default": {"method": "min_max", "low": 1, "high": 100}}}}"#,
    )
    .unwrap();
    let spec = spec.to_str().unwrap();
    let args = |format: &'static str| {
        [
            "report",
            "examples/data/quzhou.csv",
            "--spec",
            spec,
            "--format",
            format,
        ]
    };
    let warning = "contributions are defined for arithmetic aggregation only";
    let table = ok(&args("table"));
    assert!(table.contains("提示:") && table.contains("degenerate column"));
    assert!(!table.contains(warning));
    let report: serde_json::Value = serde_json::from_str(&ok(&args("json"))).unwrap();
    let whole: serde_json::Value = serde_json::from_str(&ok(&args("evaluation"))).unwrap();
    let warnings = |v: &serde_json::Value| v["warnings"].as_array().unwrap().clone();
    assert!(!warnings(&report).is_empty());
    assert!(!warnings(&report)
        .iter()
        .any(|w| w.as_str().unwrap().starts_with(warning)));
    assert!(warnings(&whole)
        .iter()
        .any(|w| w.as_str().unwrap().starts_with(warning)));
    assert!(!whole["index"]["contributions"]
        .as_object()
        .unwrap()
        .is_empty());
    // the methodology shown is the spec as given, and so is the fingerprint
    let shown: serde_json::Value =
        serde_json::from_str(report["methodology"]["spec_json"].as_str().unwrap()).unwrap();
    assert_eq!(shown["index"]["outputs"]["contributions"], true);
    assert_eq!(shown["index"]["outputs"], whole["spec"]["index"]["outputs"]);
    let hex = whole["fingerprint"]["hex"].as_str().unwrap();
    assert_eq!(report["fingerprint"], format!("sha256:{hex}"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// docs/monitoring.md, "What the report shows" and "Schedule check", on the shipped
/// sample: a growth rate judged only by a same-year relative target (制造业投资增速快于
/// 固定资产投资增速) shows the year's rate, labelled as the year's value (not "2020年以来
/// 年均增速"); an unmet relative-only growth target is lagging and in the unit's lagging
/// list.
#[test]
fn relative_only_growth_rows_show_the_years_rate_and_lag_when_unmet() {
    let r: serde_json::Value = serde_json::from_str(&ok(&[
        "report",
        "examples/data/quzhou.csv",
        "--format",
        "json",
    ]))
    .unwrap();
    let year = r["year"].as_i64().unwrap() as i32;
    for id in [
        "manufacturing_investment_growth",
        "urban_income_growth",
        "rural_income_growth",
        "minimum_living_allowance_growth",
    ] {
        let row = r["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap();
        assert_eq!(row["basis_note"], "", "{id}");
        let c = r["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["unit"] == "quzhou" && c["indicator"] == id)
            .unwrap();
        assert_eq!(c["basis"], "year_value", "{id}: {c}");
        assert!(c.get("from").is_none_or(|f| f.is_null()), "{id}: {c}");
        assert_eq!(
            c["figure"].as_f64().unwrap(),
            sample("quzhou", year, id),
            "{id}"
        );
    }
    // 固定资产投资年均增幅 (only "higher than the province") at 0%: lagging, and listed
    let mut lagging_cells = 0;
    for c in r["cells"].as_array().unwrap() {
        if c["indicator"] == "fixed_asset_investment_growth" && c["achievement"] == 0.0 {
            assert_eq!(c["schedule"], "lagging", "{c}");
            lagging_cells += 1;
        }
    }
    assert!(lagging_cells > 0);
    let q = r["schedule"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["unit"] == "quzhou")
        .unwrap();
    let cell = r["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit"] == "quzhou" && c["indicator"] == "fixed_asset_investment_growth")
        .unwrap();
    assert_eq!(cell["achievement"], 0.0, "{cell}");
    assert_eq!(cell["schedule"], "lagging", "{cell}");
    let listed = q["lagging"].as_array().unwrap();
    assert!(
        listed
            .iter()
            .any(|x| x.as_str().unwrap().contains("固定资产投资年均增幅")),
        "{listed:?}"
    );
    // every status but "not assessable" has data: no cell with an achievement is n/a
    for c in r["cells"].as_array().unwrap() {
        if c["achievement"].is_number() {
            assert_ne!(c["schedule"], "not_assessable", "{c}");
        }
    }
}

/// docs/monitoring.md, "Evaluation year": a report year before the base year is refused
/// with a message naming the year and the plan period; one after the target year is
/// reported with the core's clamped elapsed share (100%, not 120%) and a warning.
#[test]
fn a_report_year_outside_the_plan_period() {
    let mut text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/quzhou.csv"
    ))
    .unwrap();
    text.push_str(
        "quzhou,2019,gdp,1600,illustrative,true\nquzhou,2026,gdp,2600,illustrative,true\n",
    );
    let dir = std::env::temp_dir().join(format!("cpindex-report-years-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("with2019_2026.csv");
    std::fs::write(&data, text).unwrap();
    let data = data.to_str().unwrap();
    let o = common::cli::cpindex(&["report", data, "--year", "2019", "--format", "json"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("2019") && err.contains("base year 2020"),
        "{err}"
    );
    let r: serde_json::Value =
        serde_json::from_str(&ok(&["report", data, "--year", "2026", "--format", "json"])).unwrap();
    let intro = r["schedule_intro"].as_str().unwrap();
    assert!(intro.contains("E = 100%"), "{intro}");
    let warnings = r["warnings"].to_string();
    assert!(warnings.contains("target year 2025"), "{warnings}");
    std::fs::remove_dir_all(&dir).ok();
}
