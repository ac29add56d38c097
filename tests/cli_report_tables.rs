//! `cpindex report --format xlsx` and `--format csv` (issue 14): every table of the report
//! in the workbook and in the CSV, with the same numbers as the JSON evaluation of the same
//! run (`--format evaluation`).
//!
//! The expected rows are derived here from the evaluation JSON alone (its documented
//! members, docs/json-api.md), not from the renderer: for each table the test lists the
//! columns (docs/report-formats.md) and where each value sits in the JSON. Numbers must be
//! equal as f64 (the CSV writes the shortest round-trip text, the workbook stores doubles).
//! The workbook is read back with calamine here and, for the cell fills, with openpyxl
//! (`python3`; SKIPPED with the reason when missing, a failure under
//! `CPINDEX_REQUIRE_OPENPYXL=1`, which `.ci/run` sets).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value as J;
mod common;
use common::cli::{cpindex, success};

fn tmp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cpindex-tables-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// An expected cell: a number (`None` = missing), a text, or not checked (display names,
/// free text composed for reading).
#[derive(Debug, Clone, PartialEq)]
enum E {
    N(Option<f64>),
    T(String),
    Any,
}

fn n(v: &J) -> E {
    E::N(v.as_f64())
}

fn t(v: &J) -> E {
    E::T(match v {
        J::String(s) => s.clone(),
        J::Null => String::new(),
        other => other.to_string(),
    })
}

/// The tables, their column keys and their expected rows, from the evaluation JSON.
/// One table: its key, its column keys, its rows.
type Expected = (&'static str, Vec<&'static str>, Vec<Vec<E>>);

fn expected(e: &J) -> Vec<Expected> {
    let units = e["units"].as_array().unwrap();
    let unit_at = |i: &J| -> Vec<E> {
        let u = &units[i.as_u64().unwrap() as usize];
        vec![t(&u["id"]), t(&u["name_zh"])]
    };
    let unit_by_id = |id: &J| -> Vec<E> {
        let u = units.iter().find(|u| u["id"] == *id).unwrap();
        vec![t(&u["id"]), t(&u["name_zh"])]
    };
    let cat = |a: Vec<E>, b: Vec<E>| -> Vec<E> { a.into_iter().chain(b).collect() };
    let mut out = Vec::new();

    let summaries = e["summaries"].as_array().unwrap();
    out.push((
        "overall",
        vec![
            "unit",
            "unit_name",
            "role",
            "achievement",
            "index",
            "rank",
            "lagging",
        ],
        summaries
            .iter()
            .map(|s| {
                let role = &units[s["unit"].as_u64().unwrap() as usize]["role"];
                cat(
                    unit_at(&s["unit"]),
                    vec![
                        t(role),
                        n(&s["achievement"]),
                        n(&s["index"]),
                        n(&s["rank"]),
                        E::Any,
                    ],
                )
            })
            .collect(),
    ));

    let dims = e["dimensions"].as_array().unwrap();
    let mut rows = Vec::new();
    for s in summaries {
        for (k, d) in dims.iter().enumerate() {
            rows.push(cat(
                unit_at(&s["unit"]),
                vec![
                    t(d),
                    E::Any,
                    n(&s["by_dimension"][k]),
                    t(&s["dimension_colours"][k]),
                ],
            ));
        }
    }
    out.push((
        "dimensions",
        vec![
            "unit",
            "unit_name",
            "dimension",
            "dimension_name",
            "achievement",
            "colour",
        ],
        rows,
    ));

    let c = &e["cells"];
    let inds = e["indicators"].as_array().unwrap();
    let rows = (0..c["unit"].as_array().unwrap().len())
        .map(|k| {
            let s = &c["survey"][k];
            cat(
                unit_at(&c["unit"][k]),
                vec![
                    t(&inds[c["indicator"][k].as_u64().unwrap() as usize]),
                    E::Any,
                    n(&e["year"]),
                    n(&c["value"][k]),
                    E::Any,
                    n(&c["target"][k]),
                    t(&c["target_source"][k]),
                    n(&c["achievement"][k]),
                    t(&c["colour"][k]),
                    t(&c["trend"][k]),
                    t(&c["illustrative"][k]),
                    n(&s["estimate"]),
                    n(&s["se"]),
                    n(&s["ci_lower"]),
                    n(&s["ci_upper"]),
                    t(&s["verdict"]),
                ],
            )
        })
        .collect();
    out.push((
        "cells",
        vec![
            "unit",
            "unit_name",
            "indicator",
            "indicator_name",
            "year",
            "value",
            "unit_label",
            "target",
            "target_source",
            "achievement",
            "colour",
            "trend",
            "illustrative",
            "survey_estimate",
            "survey_se",
            "survey_ci_lower",
            "survey_ci_upper",
            "survey_verdict",
        ],
        rows,
    ));

    let ix = &e["index"];
    let mut rows = Vec::new();
    for (p, period) in ix["periods"].as_array().unwrap().iter().enumerate() {
        for node in ix["nodes"].as_array().unwrap() {
            let id = node["id"].as_str().unwrap();
            for (u, unit) in ix["units"].as_array().unwrap().iter().enumerate() {
                rows.push(cat(
                    unit_by_id(unit),
                    vec![
                        n(period),
                        t(&node["id"]),
                        E::Any,
                        n(&ix["scores"][id][p][u]),
                        n(&ix["ranks"][id][p][u]),
                    ],
                ));
            }
        }
    }
    out.push((
        "index",
        vec![
            "unit",
            "unit_name",
            "year",
            "node",
            "node_name",
            "score",
            // the index result's ranks, among every unit computed: a column of its own,
            // not the overall table's `rank` (among the parts)
            "rank_all",
        ],
        rows,
    ));

    let mut rows = Vec::new();
    for d in e["monitor"]["dynamic"].as_array().unwrap() {
        for y in d["years"].as_array().unwrap() {
            rows.push(cat(
                unit_by_id(&d["unit"]),
                vec![
                    n(&d["base_year"]),
                    n(&y["year"]),
                    n(&y["composite"]),
                    n(&y["fixed_base_index"]),
                    n(&y["chained_index"]),
                ],
            ));
        }
    }
    out.push((
        "dynamic",
        vec![
            "unit",
            "unit_name",
            "base_year",
            "year",
            "composite",
            "fixed_base_index",
            "chained_index",
        ],
        rows,
    ));

    out.push((
        "weights",
        vec![
            "year",
            "node",
            "node_name",
            "child",
            "child_name",
            "raw",
            "normalised",
            "effective",
            "method",
        ],
        ix["weights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                vec![
                    n(&w["period"]),
                    t(&w["node"]),
                    E::Any,
                    t(&w["child"]),
                    E::Any,
                    n(&w["raw"]),
                    n(&w["normalised"]),
                    n(&w["effective"]),
                    t(&w["method"]),
                ]
            })
            .collect(),
    ));

    out.push((
        "distribution",
        vec![
            "indicator",
            "label",
            "value",
            "unit_label",
            "target",
            "colour",
            "detail",
        ],
        e["distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                vec![
                    t(&d["indicator"]),
                    t(&d["label_zh"]),
                    n(&d["value"]),
                    t(&d["unit_label"]),
                    n(&d["target"]),
                    t(&d["colour"]),
                    t(&d["detail"]["type"]),
                ]
            })
            .collect(),
    ));

    let mut rows = Vec::new();
    for g in e["monitor"]["satisfaction"].as_array().unwrap() {
        let row = |group: String, domain: &J, est: &J, resp: &J, nonresp: &J| -> Vec<E> {
            cat(
                unit_by_id(&g["unit"]),
                vec![
                    n(&g["year"]),
                    E::T(group),
                    t(domain),
                    E::N(Some(resp.as_f64().unwrap_or(0.0))),
                    n(nonresp),
                    n(&est["mean"]),
                    n(&est["se"]),
                    n(&est["ci_lower"]),
                    n(&est["ci_upper"]),
                    n(&est["deff"]),
                ],
            )
        };
        let overall = J::String("overall".into());
        rows.push(row(
            "all".into(),
            &overall,
            &g["overall"],
            &g["n_respondents"],
            &g["overall_nonresponse"],
        ));
        for d in g["domains"].as_array().unwrap() {
            rows.push(row(
                "all".into(),
                &d["domain"],
                &d["estimate"],
                &d["estimate"]["n"],
                &d["nonresponse"],
            ));
        }
        for s in g["subpopulations"].as_array().unwrap() {
            let group = format!(
                "{}={}",
                s["variable"].as_str().unwrap(),
                s["category"].as_str().unwrap()
            );
            rows.push(row(
                group,
                &overall,
                &s["overall"],
                &s["n_respondents"],
                &s["overall_nonresponse"],
            ));
        }
    }
    out.push((
        "satisfaction",
        vec![
            "unit",
            "unit_name",
            "year",
            "group",
            "domain",
            "n",
            "nonresponse",
            "mean",
            "se",
            "ci_lower",
            "ci_upper",
            "deff",
        ],
        rows,
    ));

    out.push((
        "evaluation",
        vec![
            "unit",
            "unit_name",
            "year",
            "objective",
            "subjective",
            "subjective_se",
            "objective_weight",
            "combined",
            "combined_se",
        ],
        e["monitor"]["evaluations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                cat(
                    unit_by_id(&v["unit"]),
                    vec![
                        n(&v["year"]),
                        n(&v["objective"]),
                        n(&v["subjective"]),
                        n(&v["subjective_se"]),
                        n(&v["objective_weight"]),
                        n(&v["combined"]),
                        n(&v["combined_se"]),
                    ],
                )
            })
            .collect(),
    ));

    out.push((
        "schedule",
        vec![
            "unit",
            "unit_name",
            "indicator",
            "indicator_name",
            "year",
            "elapsed_share",
            "progress",
            "status",
            "basis",
            "interim_met",
        ],
        e["monitor"]["schedule"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                cat(
                    unit_by_id(&s["unit"]),
                    vec![
                        t(&s["indicator"]),
                        E::Any,
                        n(&s["year"]),
                        n(&s["elapsed_share"]),
                        n(&s["progress"]),
                        t(&s["status"]),
                        t(&s["basis"]),
                        t(&s["interim_met"]),
                    ],
                )
            })
            .collect(),
    ));
    out
}

fn check_rows(what: &str, expected: &[Vec<E>], got: &[Vec<E>]) {
    assert_eq!(expected.len(), got.len(), "{what}: number of rows");
    let mut numbers = 0;
    for (r, (e, g)) in expected.iter().zip(got).enumerate() {
        assert_eq!(e.len(), g.len(), "{what} row {r}: number of cells");
        for (c, (ec, gc)) in e.iter().zip(g).enumerate() {
            if *ec != E::Any {
                assert_eq!(ec, gc, "{what} row {r} column {c}");
            }
            numbers += usize::from(matches!(ec, E::N(Some(_))));
        }
    }
    // not vacuous: every table of the sample has numbers to compare
    assert!(numbers > 0, "{what}: no number compared");
}

/// The evaluation JSON, the CSV and the workbook of one run on the shipped sample (with
/// the households and survey files beside it, so that every table has rows).
struct Run {
    eval: J,
    csv: String,
    xlsx: PathBuf,
    dir: PathBuf,
}

fn run(tag: &str, extra: &[&str]) -> Run {
    let dir = tmp_dir(tag);
    let xlsx = dir.join("report.xlsx");
    let data = "examples/data/quzhou.csv";
    let with = |fmt: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = ["report", data].map(String::from).to_vec();
        a.extend(fmt.iter().map(|s| s.to_string()));
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    fn args(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let e = with(&["--format", "evaluation"]);
    let eval: J = serde_json::from_slice(&success(cpindex(&args(&e)))).unwrap();
    let c = with(&["--format", "csv"]);
    let csv = String::from_utf8(success(cpindex(&args(&c)))).unwrap();
    let x = with(&["--format", "xlsx", "-o", xlsx.to_str().unwrap()]);
    success(cpindex(&args(&x)));
    Run {
        eval,
        csv,
        xlsx,
        dir,
    }
}

/// CSV rows by table, each as a map from column key to text.
fn csv_tables(text: &str) -> (Vec<String>, BTreeMap<String, Vec<Vec<String>>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let mut by: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let row: Vec<String> = rec.iter().map(String::from).collect();
        by.entry(row[0].clone()).or_default().push(row);
    }
    (header, by)
}

#[test]
fn every_table_of_the_evaluation_is_in_the_csv_with_the_same_numbers() {
    let r = run("csv", &[]);
    let (header, by) = csv_tables(&r.csv);
    assert_eq!(header[0], "table");
    let expected = expected(&r.eval);
    for (table, keys, rows) in &expected {
        let got_rows = by
            .get(*table)
            .unwrap_or_else(|| panic!("table {table} in CSV"));
        let pos: Vec<usize> = keys
            .iter()
            .map(|k| {
                header
                    .iter()
                    .position(|h| h == k)
                    .unwrap_or_else(|| panic!("{table}: column {k} in the CSV header"))
            })
            .collect();
        let got: Vec<Vec<E>> = got_rows
            .iter()
            .map(|row| {
                pos.iter()
                    .zip(
                        rows.first()
                            .into_iter()
                            .flatten()
                            .chain(std::iter::repeat(&E::Any)),
                    )
                    .map(|(&p, proto)| match proto {
                        E::N(_) => E::N(if row[p].is_empty() {
                            None
                        } else {
                            Some(row[p].parse::<f64>().unwrap())
                        }),
                        _ => E::T(row[p].clone()),
                    })
                    .collect()
            })
            .collect();
        check_rows(&format!("CSV table {table}"), rows, &got);
    }
    // the rows of every table are non-empty on the sample with its survey and households
    for (table, _, rows) in &expected {
        assert!(!rows.is_empty(), "{table} has rows on the sample");
    }
    // the notes close the CSV: fingerprint and warnings are there too
    let about = &by["about"];
    let fp = format!("sha256:{}", r.eval["fingerprint"]["hex"].as_str().unwrap());
    assert!(about.iter().any(|row| row.contains(&fp)), "{fp}");
    assert!(r.eval["warnings"].as_array().unwrap().iter().all(|w| about
        .iter()
        .any(|row| row.iter().any(|c| c == w.as_str().unwrap()))));
    let _ = std::fs::remove_dir_all(&r.dir);
}

#[test]
fn the_workbook_holds_every_table_with_two_header_rows_and_numbers() {
    let r = run("xlsx", &[]);
    let mut wb: Xlsx<_> = open_workbook(&r.xlsx).expect("a workbook calamine reads");
    let names = wb.sheet_names();
    let want = [
        ("about", "说明 About"),
        ("overall", "总体 Overall"),
        ("dimensions", "分领域 By dimension"),
        ("dashboard", "仪表盘 Dashboard"),
        ("cells", "指标 Indicators"),
        ("index", "综合指数 Composite index"),
        ("dynamic", "动态监测指数 Dynamic index"),
        ("weights", "权重 Weights"),
        ("distribution", "分配目标 Distribution"),
        ("satisfaction", "满意度 Satisfaction"),
        ("evaluation", "综合评价 Combined evaluation"),
        ("schedule", "进度 Schedule"),
    ];
    assert_eq!(names, want.map(|(_, s)| s.to_string()).to_vec());
    let sheet_of: BTreeMap<&str, &str> = want.into_iter().collect();
    for (table, keys, rows) in expected(&r.eval) {
        let range = wb.worksheet_range(sheet_of[table]).unwrap();
        let all: Vec<&[Data]> = range.rows().collect();
        // two header rows: Chinese (CJK text in the first column's header), then English
        let zh = all[0][0].to_string();
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{table}: {zh}"
        );
        assert!(all[1][0].to_string().is_ascii(), "{table}");
        assert_eq!(all[0].len(), keys.len(), "{table}: columns");
        let got: Vec<Vec<E>> = all[2..]
            .iter()
            .map(|row| {
                row.iter()
                    .zip(
                        rows.first()
                            .into_iter()
                            .flatten()
                            .chain(std::iter::repeat(&E::Any)),
                    )
                    .map(|(d, proto)| match (d, proto) {
                        (Data::Float(f), E::N(_)) => E::N(Some(*f)),
                        (Data::Int(i), E::N(_)) => E::N(Some(*i as f64)),
                        (Data::Empty, E::N(_)) => E::N(None),
                        (Data::String(s), E::N(_)) => {
                            panic!("{table}: number stored as text `{s}`")
                        }
                        (Data::Empty, _) => E::T(String::new()),
                        (other, _) => E::T(other.to_string()),
                    })
                    .collect()
            })
            .collect();
        check_rows(&format!("sheet {table}"), &rows, &got);
    }
    // the dashboard grid: one column per unit, the achievement of the cell table
    let e = &r.eval;
    let grid = wb.worksheet_range("仪表盘 Dashboard").unwrap();
    let grid: Vec<&[Data]> = grid.rows().collect();
    let units = e["units"].as_array().unwrap();
    assert_eq!(grid[0].len(), 4 + units.len());
    assert_eq!(
        grid[0][4].to_string(),
        units[0]["name_zh"].as_str().unwrap()
    );
    let c = &e["cells"];
    let gdp = e["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .position(|i| i == "gdp")
        .unwrap();
    let k = (0..c["unit"].as_array().unwrap().len())
        .find(|&k| c["indicator"][k] == gdp && c["unit"][k] == 0)
        .unwrap();
    let row = grid
        .iter()
        .find(|r| r[1] == Data::String("gdp".into()))
        .unwrap();
    assert_eq!(row[4], Data::Float(c["achievement"][k].as_f64().unwrap()));
    let _ = std::fs::remove_dir_all(&r.dir);
}

#[test]
fn excel_csv_has_a_bom_and_crlf_and_the_same_rows() {
    let plain = success(cpindex(&[
        "report",
        "examples/data/quzhou.csv",
        "--format",
        "csv",
    ]));
    let excel = success(cpindex(&[
        "report",
        "examples/data/quzhou.csv",
        "--format",
        "csv",
        "--excel",
    ]));
    assert_eq!(&excel[..3], b"\xef\xbb\xbf", "UTF-8 byte-order mark");
    let excel = String::from_utf8(excel[3..].to_vec()).unwrap();
    assert!(excel.contains("\r\n"));
    assert!(!excel.replace("\r\n", "").contains('\n') || excel.contains('"'));
    let plain = String::from_utf8(plain).unwrap();
    assert_eq!(excel.replace("\r\n", "\n"), plain);
    // --bom is the same flag
    let bom = success(cpindex(&[
        "report",
        "examples/data/quzhou.csv",
        "--format",
        "csv",
        "--bom",
    ]));
    assert_eq!(&bom[..3], b"\xef\xbb\xbf");
    // and it refuses formats it does not apply to
    let o = cpindex(&["report", "examples/data/quzhou.csv", "--excel"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--format csv"));
}

#[test]
fn xlsx_needs_an_output_file_and_never_replaces_an_input() {
    let o = cpindex(&["report", "examples/data/quzhou.csv", "--format", "xlsx"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out"));
    let dir = tmp_dir("refuse");
    let data = dir.join("data.csv");
    std::fs::copy(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/quzhou.csv"),
        &data,
    )
    .unwrap();
    let before = std::fs::read(&data).unwrap();
    let o = cpindex(&[
        "report",
        data.to_str().unwrap(),
        "--format",
        "xlsx",
        "-o",
        data.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(&data).unwrap(), before);
    let _ = std::fs::remove_dir_all(&dir);
}

/// openpyxl available, or SKIPPED (a failure under `CPINDEX_REQUIRE_OPENPYXL=1`).
fn openpyxl(test: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if ok {
        return true;
    }
    let msg = format!(
        "SKIPPED {test}: python3 with openpyxl not found (python3 -m pip install openpyxl)"
    );
    common::skip(&msg, Some("CPINDEX_REQUIRE_OPENPYXL"));
    false
}

#[test]
fn openpyxl_reads_the_fills_headers_and_formats() {
    if !openpyxl("openpyxl_reads_the_fills_headers_and_formats") {
        return;
    }
    let r = run("openpyxl", &[]);
    // The fills are the HTML legend's background colours (html.rs: td.c-g #3f9b4f,
    // td.c-y #f3d84a, td.c-o #f5a14f, td.c-r #d63a2f, td.c-n #d9d9d9); every coloured
    // achievement cell must carry the fill of the colour named beside it.
    let script = r#"
import json, sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
legend = {"green": "3F9B4F", "yellow": "F3D84A", "orange": "F5A14F", "red": "D63A2F", "grey": "D9D9D9"}
out = {}
for name, ach, col in [("分领域 By dimension", 5, 6), ("指标 Indicators", 10, 11)]:
    ws = wb[name]
    seen = {}
    for row in ws.iter_rows(min_row=3):
        cell, colour = row[ach - 1], row[col - 1].value
        rgb = cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type else None
        assert rgb == legend[colour], (name, cell.coordinate, colour, rgb)
        if cell.value is not None:
            assert isinstance(cell.value, (int, float)), (name, cell.coordinate, cell.value)
        seen[colour] = seen.get(colour, 0) + 1
    out[name] = {"freeze": ws.freeze_panes, "print_rows": ws.print_title_rows,
                 "landscape": ws.page_setup.orientation, "zh": ws.cell(1, ach).value,
                 "en": ws.cell(2, ach).value, "format": ws.cell(3, ach).number_format,
                 "colours": seen}
print(json.dumps(out, ensure_ascii=False))
"#;
    let o = Command::new("python3")
        .args(["-c", script, r.xlsx.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: J = serde_json::from_slice(&o.stdout).unwrap();
    let dims = &j["分领域 By dimension"];
    assert_eq!(
        dims["freeze"], "C3",
        "two header rows and the unit columns frozen"
    );
    assert_eq!(
        dims["print_rows"], "$1:$2",
        "both header rows repeat on every printed page"
    );
    assert_eq!(dims["landscape"], "landscape");
    assert_eq!(dims["zh"], "实现度(%)");
    assert_eq!(dims["en"], "achievement (%)");
    // one decimal, three just below 100 (99.997 is not 100.0)
    assert_eq!(dims["format"], "[>=100]0.0;[>=99.95]0.000;0.0");
    // the sample has cells of several colours: the check above is not vacuous
    let cells = j["指标 Indicators"]["colours"].as_object().unwrap();
    assert!(cells.len() >= 3, "{cells:?}");
    let _ = std::fs::remove_dir_all(&r.dir);
}
