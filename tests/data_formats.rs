//! A bureau's own files through `cpindex report`: a GB18030 CSV with Chinese headers and
//! Chinese indicator names, an `.xlsx` workbook written by openpyxl (long, on a second
//! sheet; wide, with Chinese headers and units in the headers), and a file in 元 for an
//! indicator in 万元 (converted when declared; an error naming the cell when not). Each
//! is built here from the shipped `examples/data/quzhou.csv`, and each must give the same
//! report (`--format json`, minus the input notes that name the file) as that CSV.
//!
//! The workbook tests need `python3` with openpyxl; without it they print a SKIPPED
//! message, and fail instead when `CPINDEX_REQUIRE_OPENPYXL=1` (set by `.ci/run`, which
//! installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

use cpindex::model::builtin;
mod common;
use common::cli::cpindex;

/// The report's JSON without the `inputs` notes (they name the data file and what the
/// reader did), with the JSON evaluation of the same run under `evaluation` (complete:
/// fingerprint and provenance included; it is computed from the panel alone, so a file
/// of the same observations and sources gives the same one).
fn report(data: &Path, extra: &[&str]) -> (serde_json::Value, String) {
    let run = |format: &str| {
        let mut args = vec![
            "report",
            data.to_str().unwrap(),
            "--format",
            format,
            "--no-auto",
        ];
        args.extend_from_slice(extra);
        let o = cpindex(&args);
        let stderr = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(o.status.success(), "{args:?}: {stderr}");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (v, stderr)
    };
    let (mut v, stderr) = run("json");
    v.as_object_mut().unwrap().remove("inputs");
    v["evaluation_json"] = run("evaluation").0;
    (v, stderr)
}

fn fails(data: &Path, extra: &[&str]) -> String {
    let mut args = vec!["report", data.to_str().unwrap(), "--no-auto"];
    args.extend_from_slice(extra);
    let o = cpindex(&args);
    assert_eq!(o.status.code(), Some(1), "{args:?} should fail with exit 1");
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/quzhou.csv")
}

fn baseline() -> serde_json::Value {
    report(&shipped(), &[]).0
}

/// The shipped sample's rows: unit, period, indicator id, value text, source, illustrative.
/// (The file has no quoted fields, so a split is a faithful reading.)
fn rows() -> Vec<[String; 6]> {
    let text = std::fs::read_to_string(shipped()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "unit,period,indicator,value,source,illustrative"
    );
    lines
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            std::array::from_fn(|k| c[k].to_string())
        })
        .collect()
}

fn tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cpindex-formats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The Chinese name of an indicator id (from the built-in framework's data).
fn name_zh(id: &str) -> String {
    builtin::quzhou()
        .indicator(id)
        .map(|i| i.name_zh.clone())
        .unwrap_or_else(|| id.to_string()) // auxiliary series keep their id
}

/// A decimal written in a unit 10⁴ times smaller (万元 → 元), by moving the point in the
/// text, so `7.1936` becomes exactly `71936`.
fn times_1e4(v: &str) -> String {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    let mut frac = frac.to_string();
    while frac.len() < 4 {
        frac.push('0');
    }
    let (moved, rest) = frac.split_at(4);
    let digits = format!("{int}{moved}");
    let digits = digits.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    if rest.is_empty() {
        digits.to_string()
    } else {
        format!("{digits}.{rest}")
    }
}

/// The first indicator of the framework whose unit is 万元.
fn wan_yuan_indicator() -> String {
    builtin::quzhou()
        .indicators
        .iter()
        .find(|i| i.unit.label == "万元" && i.target.is_some())
        .expect("the built-in framework has an indicator in 万元")
        .id
        .clone()
}

#[test]
fn times_1e4_moves_the_point() {
    assert_eq!(times_1e4("7.1936"), "71936");
    assert_eq!(times_1e4("5.6"), "56000");
    assert_eq!(times_1e4("12.34567"), "123456.7");
    assert_eq!(times_1e4("0.0012"), "12");
}

#[test]
fn gb18030_csv_with_chinese_headers_and_names_gives_the_same_report() {
    let mut text = String::from("地区,年份,指标,数值,来源,示意\r\n");
    for r in rows() {
        text.push_str(&format!(
            "{},{},{},{},{},{}\r\n",
            r[0],
            r[1],
            name_zh(&r[2]),
            r[3],
            r[4],
            r[5]
        ));
    }
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let p = tmp("gbk.csv", &bytes);
    let (v, stderr) = report(&p, &[]);
    assert!(stderr.contains("GB18030"), "{stderr}");
    assert_eq!(v, baseline());
    let (v, stderr) = report(&p, &["--encoding", "gb18030"]);
    assert!(!stderr.contains("warning"), "{stderr}");
    assert_eq!(v, baseline());
    let e = fails(&p, &["--encoding", "utf-8"]);
    assert!(
        e.contains("gbk.csv") && e.contains("--encoding gb18030"),
        "{e}"
    );
}

#[test]
fn utf8_with_bom_gives_the_same_report() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(shipped()).unwrap());
    let p = tmp("bom.csv", &bytes);
    assert_eq!(report(&p, &["--encoding", "utf-8"]).0, baseline());
}

#[test]
fn yuan_for_a_wan_yuan_indicator_is_converted_when_declared_and_an_error_when_not() {
    let id = wan_yuan_indicator();
    let mut declared = String::from("unit,period,indicator,value,source,illustrative,单位\n");
    let mut undeclared = String::from("unit,period,indicator,value,source,illustrative\n");
    let mut first_line = 0;
    for (k, r) in rows().iter().enumerate() {
        let (v, u) = if r[2] == id {
            if first_line == 0 {
                first_line = k + 2; // the header is line 1
            }
            (times_1e4(&r[3]), "元")
        } else {
            (r[3].clone(), "")
        };
        declared.push_str(&format!(
            "{},{},{},{v},{},{},{u}\n",
            r[0], r[1], r[2], r[4], r[5]
        ));
        undeclared.push_str(&format!(
            "{},{},{},{v},{},{}\n",
            r[0], r[1], r[2], r[4], r[5]
        ));
    }
    let p = tmp("yuan_declared.csv", declared.as_bytes());
    let (v, stderr) = report(&p, &[]);
    assert!(
        stderr.contains(&id) && stderr.contains("元") && stderr.contains("converted"),
        "{stderr}"
    );
    assert_eq!(v, baseline());

    let p = tmp("yuan_undeclared.csv", undeclared.as_bytes());
    let e = fails(&p, &[]);
    assert!(
        e.contains(&format!(
            "yuan_undeclared.csv, line {first_line}, column `value`"
        )),
        "{e}"
    );
    assert!(
        e.contains(&id) && e.contains("looks like a value in 元"),
        "{e}"
    );
    // the documented escape hatch: the run goes through, with the wrong magnitude
    let o = cpindex(&[
        "report",
        p.to_str().unwrap(),
        "--format",
        "json",
        "--no-auto",
        "--allow-unit-mismatch",
    ]);
    assert!(o.status.success());
}

/// docs/data-input.md lists `地区` as the unit column and the framework declares each
/// unit's `name_zh`/`name_en`: a file naming its units 衢州市 … 浙江省 (or Quzhou …) is
/// the same data as one naming them quzhou … zhejiang, so it gives the same report — the
/// targets relative to the provincial reference series and the units' own targets found
/// as with ids — and says that it read the names as ids (CLI review finding 3).
#[test]
fn units_written_by_their_chinese_or_english_names_give_the_same_report() {
    let fw = builtin::quzhou();
    let base = baseline();
    for (label, pick) in [
        (
            "zh",
            (|u: &cpindex::model::PlanUnit| u.name_zh.clone()) as fn(&_) -> String,
        ),
        ("en", |u: &cpindex::model::PlanUnit| u.name_en.clone()),
    ] {
        let mut text = String::from("地区,period,indicator,value,source,illustrative\n");
        let mut renamed = 0;
        for r in rows() {
            let name = fw.unit(&r[0]).map(pick).filter(|n| !n.is_empty());
            renamed += usize::from(name.is_some());
            let unit = name.unwrap_or_else(|| r[0].clone());
            text.push_str(&format!(
                "{unit},{},{},{},{},{}\n",
                r[1], r[2], r[3], r[4], r[5]
            ));
        }
        assert!(renamed > 0, "{label}: the sample's units are declared");
        let p = tmp(&format!("unit_names_{label}.csv"), text.as_bytes());
        let (v, stderr) = report(&p, &[]);
        assert!(
            stderr.contains("written by name") && stderr.contains("→ zhejiang"),
            "{label}: {stderr}"
        );
        assert_eq!(v, base, "{label}");
    }
}

/// The framework's own unit labels may hold parentheses (`万套(户)`, `倍(2020年=1)`), and
/// `cpindex indicators` prints them so: a wide header `名称(万套(户))` is that indicator in
/// that unit, in ASCII or full-width parentheses (CLI review finding 9).
#[test]
fn a_wide_header_unit_with_parentheses_is_split_at_the_matching_one() {
    let fw = builtin::quzhou();
    let ind = fw
        .indicators
        .iter()
        .find(|i| i.unit.label.contains('(') && i.name_zh.contains('('))
        .expect("the built-in framework has a unit label with parentheses");
    let full = |t: &str| t.replace('(', "（").replace(')', "）");
    for header in [
        format!("{}({})", ind.name_zh, ind.unit.label),
        format!("{}（{}）", ind.name_zh, full(&ind.unit.label)),
        full(&format!("{}({})", ind.name_zh, ind.unit.label)),
    ] {
        let text = format!("地区,年份,{header}\nquzhou,2024,1.2\n");
        let p = tmp("nested_unit.csv", text.as_bytes());
        let o = cpindex(&[
            "index",
            p.to_str().unwrap(),
            "--layout",
            "wide",
            "--format",
            "json",
        ]);
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{header}: {e}");
        assert!(!e.contains("converted"), "{header}: the same unit: {e}");
    }
}

#[test]
fn bad_csv_quoting_is_an_error_in_the_cli_too() {
    let text = std::fs::read_to_string(shipped()).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // line 3 of the file: an unclosed quote in the last column
    lines[2] = lines[2].replace(",true", ",\"true");
    let p = tmp("unclosed.csv", lines.join("\n").as_bytes());
    let e = fails(&p, &[]);
    assert!(e.contains("line 3") && e.contains("never closed"), "{e}");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let c: Vec<&str> = lines[3].split(',').collect();
    lines[3] = format!("{},{},{},\"70\"0,{},{}", c[0], c[1], c[2], c[4], c[5]);
    let p = tmp("glued.csv", lines.join("\n").as_bytes());
    let e = fails(&p, &[]);
    assert!(
        e.contains("line 4") && e.contains("after the closing quote"),
        "{e}"
    );
    // header names in any case, as the library reads them
    let upper = text.replacen(
        "unit,period,indicator,value",
        "Unit,Period,Indicator,VALUE",
        1,
    );
    let p = tmp("upper.csv", upper.as_bytes());
    assert_eq!(report(&p, &[]).0, baseline());
}

/// `python3` with openpyxl, or None (and a message; a panic under
/// `CPINDEX_REQUIRE_OPENPYXL=1`).
fn openpyxl(test: &str) -> Option<()> {
    let ok = Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if ok {
        return Some(());
    }
    let msg = format!(
        "SKIPPED {test}: python3 with openpyxl not found (python3 -m pip install openpyxl)"
    );
    common::skip(&msg, Some("CPINDEX_REQUIRE_OPENPYXL"));
    None
}

/// Writes a workbook with openpyxl: `sheets` is a list of (name, rows); numbers that
/// parse are written as numbers, the rest as text.
fn write_xlsx(name: &str, sheets: &[(&str, Vec<Vec<String>>)]) -> PathBuf {
    let json = serde_json::to_string(&sheets).unwrap();
    let spec = tmp(&format!("{name}.json"), json.as_bytes());
    let out = std::env::temp_dir()
        .join(format!("cpindex-formats-{}", std::process::id()))
        .join(name);
    let script = r#"
import json, sys, openpyxl
sheets = json.load(open(sys.argv[1], encoding="utf-8"))
wb = openpyxl.Workbook()
wb.remove(wb.active)
for name, rows in sheets:
    ws = wb.create_sheet(name)
    for row in rows:
        cells = []
        for c in row:
            try:
                cells.append(int(c) if c.lstrip("-").isdigit() else float(c))
            except ValueError:
                cells.append(c if c != "" else None)
        ws.append(cells)
wb.save(sys.argv[2])
"#;
    let o = Command::new("python3")
        .args(["-c", script, spec.to_str().unwrap(), out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn xlsx_long_on_a_named_sheet_gives_the_same_report() {
    let Some(()) = openpyxl("xlsx_long_on_a_named_sheet_gives_the_same_report") else {
        return;
    };
    let mut data = vec![
        strings(&["衢州市共同富裕监测数据"]), // a title row above the header
        strings(&[
            "unit",
            "period",
            "indicator",
            "value",
            "source",
            "illustrative",
        ]),
    ];
    data.extend(rows().into_iter().map(|r| r.to_vec()));
    let readme = vec![strings(&["本工作簿的数据在“数据”表"])];
    let p = write_xlsx(
        "long.xlsx",
        &[("说明", readme.clone()), ("数据", data.clone())],
    );
    assert_eq!(report(&p, &["--sheet", "数据"]).0, baseline());
    assert_eq!(report(&p, &["--sheet", "2"]).0, baseline());
    let e = fails(&p, &["--sheet", "统计"]);
    assert!(e.contains("统计") && e.contains("说明, 数据"), "{e}");
    // a bad cell is named by sheet and cell: row 7 of the sheet, column D
    data[6][3] = "六十二".into();
    let p = write_xlsx("long_bad.xlsx", &[("说明", readme), ("数据", data)]);
    let e = fails(&p, &["--sheet", "数据"]);
    assert!(e.contains("数据!D7") && e.contains("六十二"), "{e}");
}

#[test]
fn xlsx_wide_with_chinese_headers_names_and_units_gives_the_same_report() {
    let Some(()) = openpyxl("xlsx_wide_with_chinese_headers_names_and_units_gives_the_same_report")
    else {
        return;
    };
    let fw = builtin::quzhou();
    let wan = wan_yuan_indicator();
    // one row per unit-year; indicators in order of first appearance in the sample
    let rows = rows();
    let mut ids: Vec<String> = Vec::new();
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut cell = std::collections::HashMap::new();
    let mut prov = std::collections::HashMap::new();
    for r in &rows {
        if !ids.contains(&r[2]) {
            ids.push(r[2].clone());
        }
        let key = (r[0].clone(), r[1].clone());
        if !keys.contains(&key) {
            keys.push(key.clone());
        }
        cell.insert((key.clone(), r[2].clone()), r[3].clone());
        prov.entry(key)
            .or_insert_with(Vec::new)
            .push((r[4].clone(), r[5].clone()));
    }
    // the wide layout keeps provenance per row: the sample's rows whose cells all share
    // one source are written as they are; the comparison below is over those years
    let mut header = strings(&["地区", "年份", "来源", "示意"]);
    for id in &ids {
        header.push(match fw.indicator(id) {
            // the income indicator in 元, declared in its header
            Some(i) if *id == wan => format!("{}(元)", i.name_zh),
            Some(i) => format!("{}（{}）", i.name_zh, i.unit.label),
            None => id.clone(),
        });
    }
    let mut data = vec![header];
    for key in &keys {
        let p = &prov[key];
        let (src, ill) = p[0].clone();
        let mut row = vec![key.0.clone(), key.1.clone(), src, ill];
        for id in &ids {
            let v = cell
                .get(&(key.clone(), id.clone()))
                .cloned()
                .unwrap_or_default();
            row.push(if *id == wan && !v.is_empty() {
                times_1e4(&v)
            } else {
                v
            });
        }
        data.push(row);
    }
    let p = write_xlsx("wide.xlsx", &[("指标", data)]);
    let (v, stderr) = report(&p, &["--layout", "wide"]);
    assert!(stderr.contains("converted"), "{stderr}");
    // every number of the report is the same; only the per-cell provenance of the few
    // cells whose source differs from their row's can differ
    let mut base = baseline();
    let mut v = v;
    for r in [&mut base, &mut v] {
        let o = r.as_object_mut().unwrap();
        o.remove("methodology");
    }
    // the JSON evaluation: equal, `provenance` counts included, but for the fingerprint,
    // which hashes the panel with its per-cell sources (those few cells' differ)
    let (mut ev, mut eb) = (
        v["evaluation_json"].clone(),
        base["evaluation_json"].clone(),
    );
    for e in [&mut ev, &mut eb] {
        e.as_object_mut().unwrap().remove("fingerprint");
    }
    for k in eb.as_object().unwrap().keys() {
        assert_eq!(ev[k], eb[k], "evaluation member `{k}`");
    }
    assert_eq!(ev, eb);
    assert_eq!(v["cells"], base["cells"]);
    assert_eq!(v["summaries"], base["summaries"]);
    assert_eq!(v["index_series"], base["index_series"]);
    assert_eq!(v["distribution"], base["distribution"]);
    assert_eq!(v["evaluation"], base["evaluation"]);
    assert_eq!(v["warnings"], base["warnings"]);
    assert_eq!(v["indicators"], base["indicators"]);
}

/// Writes a one-sheet workbook with openpyxl whose cells may be special: a JSON string
/// is written as [`write_xlsx`] does (a number when it parses, a formula when it starts
/// with `=`: openpyxl stores no result for it, as pandas and report generators do not);
/// `{"date": "2020-01-01", "format": "yyyy\"年\""}` is a date cell shown in that format;
/// `{"number": 0.9809, "format": "0.00%"}` a number with that number format.
fn write_xlsx_cells(name: &str, sheet: &str, rows: &[Vec<serde_json::Value>]) -> PathBuf {
    let json = serde_json::to_string(&(sheet, rows)).unwrap();
    let spec = tmp(&format!("{name}.json"), json.as_bytes());
    let out = std::env::temp_dir()
        .join(format!("cpindex-formats-{}", std::process::id()))
        .join(name);
    let script = r#"
import datetime, json, sys, openpyxl
sheet, rows = json.load(open(sys.argv[1], encoding="utf-8"))
wb = openpyxl.Workbook()
ws = wb.active
ws.title = sheet
for r, row in enumerate(rows, start=1):
    for c, v in enumerate(row, start=1):
        cell = ws.cell(r, c)
        if isinstance(v, dict):
            if "date" in v:
                cell.value = datetime.datetime.fromisoformat(v["date"])
            else:
                cell.value = v["number"]
            cell.number_format = v["format"]
        elif v == "":
            cell.value = None
        else:
            try:
                cell.value = int(v) if v.lstrip("-").isdigit() else float(v)
            except ValueError:
                cell.value = v
wb.save(sys.argv[2])
"#;
    let o = Command::new("python3")
        .args(["-c", script, spec.to_str().unwrap(), out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// The sample as long rows of JSON cells under the header `地区,年份,指标,数值,来源,示意`.
fn json_rows() -> Vec<Vec<serde_json::Value>> {
    let mut out = vec![["地区", "年份", "指标", "数值", "来源", "示意"]
        .iter()
        .map(|h| serde_json::json!(h))
        .collect::<Vec<_>>()];
    out.extend(
        rows()
            .into_iter()
            .map(|r| r.iter().map(|c| serde_json::json!(c)).collect()),
    );
    out
}

/// A formula cell without a stored result (openpyxl, pandas and many exporters write
/// none) is an error naming the cell and telling the user to open and save the workbook
/// in Excel/WPS, never a missing value (CLI review finding 4).
#[test]
fn xlsx_formula_without_a_stored_value_is_an_error_naming_the_cell() {
    let Some(()) = openpyxl("xlsx_formula_without_a_stored_value_is_an_error_naming_the_cell")
    else {
        return;
    };
    let mut data = json_rows();
    // row 5 of the sheet (the header is row 1): its value as a formula of itself
    let v = data[4][3].as_str().unwrap().to_string();
    data[4][3] = serde_json::json!(format!("={v}*1"));
    let p = write_xlsx_cells("formula.xlsx", "数据", &data);
    let e = fails(&p, &[]);
    assert!(
        e.contains("数据!D5") && e.contains(&format!("={v}*1")) && e.contains("no stored value"),
        "{e}"
    );
    assert!(e.contains("Excel") && e.contains("WPS"), "{e}");
}

/// Years kept as dates (2020-01-01 formatted `yyyy"年"`, which Excel/WPS shows as 2020年)
/// are read as the date's year, giving the same report as the CSV; a date in the value
/// column is an error naming the cell (CLI review finding 7).
#[test]
fn xlsx_date_cells_give_their_year_as_the_period_and_are_refused_as_values() {
    let Some(()) =
        openpyxl("xlsx_date_cells_give_their_year_as_the_period_and_are_refused_as_values")
    else {
        return;
    };
    let mut data = json_rows();
    for row in data.iter_mut().skip(1) {
        let year = row[1].as_str().unwrap().to_string();
        row[1] = serde_json::json!({"date": format!("{year}-01-01"), "format": "yyyy\"年\""});
    }
    let p = write_xlsx_cells("dates.xlsx", "数据", &data);
    assert_eq!(report(&p, &[]).0, baseline());
    // the same years as dates in the middle of the year: still that year
    for row in data.iter_mut().skip(1) {
        let date = row[1]["date"].as_str().unwrap().replace("-01-01", "-06-30");
        row[1] = serde_json::json!({"date": date, "format": "yyyy-mm-dd"});
    }
    let p = write_xlsx_cells("dates_mid.xlsx", "数据", &data);
    assert_eq!(report(&p, &[]).0, baseline());
    // a date where a value belongs: sheet row 7, column D
    data[6][3] = serde_json::json!({"date": "2024-03-01", "format": "yyyy-mm-dd"});
    let p = write_xlsx_cells("date_value.xlsx", "数据", &data);
    let e = fails(&p, &[]);
    assert!(
        e.contains("数据!D7") && e.contains("2024-03-01") && e.contains("is a date"),
        "{e}"
    );
}

/// A cell typed `98.09%` stores the fraction 0.9809 (calamine does not expose number
/// formats, docs/data-input.md): for a percentage indicator it is refused as a fraction,
/// naming the cell, though its value beats the target (CLI review finding 2).
#[test]
fn xlsx_percent_formatted_cell_is_refused_as_a_fraction() {
    let Some(()) = openpyxl("xlsx_percent_formatted_cell_is_refused_as_a_fraction") else {
        return;
    };
    let fw = builtin::quzhou();
    let mut data = json_rows();
    let (k, ind, v) = data
        .iter()
        .enumerate()
        .skip(1)
        .find_map(|(k, r)| {
            let ind = fw.indicator(r[2].as_str()?)?;
            let v: f64 = r[3].as_str()?.parse().ok()?;
            (ind.unit.label == "%" && ind.target.is_some_and(|t| v >= t && v < 100.0))
                .then(|| (k, ind.id.clone(), v))
        })
        .expect("a percentage at or above its target in the sample");
    data[k][3] = serde_json::json!({"number": v / 100.0, "format": "0.00%"});
    let p = write_xlsx_cells("percent.xlsx", "数据", &data);
    let e = fails(&p, &[]);
    assert!(
        e.contains(&format!("数据!D{}", k + 1)) && e.contains(&ind) && e.contains("ratio"),
        "{e}"
    );
}

/// `--sheet N` counts from 1 and its error counts as the user does (CLI review finding
/// 10): `--sheet 3` of a two-sheet book is "sheet number 3".
#[test]
fn sheet_number_errors_count_from_one() {
    let Some(()) = openpyxl("sheet_number_errors_count_from_one") else {
        return;
    };
    let data = vec![strings(&["unit", "period", "indicator", "value"])];
    let p = write_xlsx("two_sheets.xlsx", &[("数据", data.clone()), ("说明", data)]);
    let e = fails(&p, &["--sheet", "3"]);
    assert!(
        e.contains("no sheet number 3") && e.contains("数据, 说明"),
        "{e}"
    );
}
