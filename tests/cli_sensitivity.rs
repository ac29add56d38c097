//! `cpindex sensitivity` and `cpindex report --sensitivity` on the shipped sample: the seed
//! is printed, the formats agree with each other and with `cpindex index`, bad specs are
//! data errors naming the field.

mod common;
use common::cli::cpindex;

const SPEC: &str = r#"{"spec": {"units": ["kecheng", "qujiang", "longyou", "jiangshan", "changshan", "kaihua"],
  "imputation": {"method": "linear"}},
  "assumptions": [{"kind": "normalisation", "alternatives": [{"default": {"method": "min_max"}}, {"default": {"method": "rank"}}]},
                  {"kind": "weight_noise", "delta": 0.3}], "n": 20, "bootstrap": 20, "seed": 7}"#;

fn spec_file(name: &str, text: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("cpindex-sens-{}-{name}.json", std::process::id()));
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn csv_json_and_table_agree_and_the_seed_is_printed() {
    let spec = spec_file("ok", SPEC);
    let s = spec.to_str().unwrap();
    let csv = cpindex(&[
        "sensitivity",
        "examples/data/quzhou.csv",
        "--spec",
        s,
        "--format",
        "csv",
    ]);
    assert!(
        csv.status.success(),
        "{}",
        String::from_utf8_lossy(&csv.stderr)
    );
    assert!(String::from_utf8_lossy(&csv.stderr).contains("seed 7"));
    let text = String::from_utf8(csv.stdout).unwrap();
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 6);
    let json = cpindex(&[
        "sensitivity",
        "examples/data/quzhou.csv",
        "--spec",
        s,
        "--format",
        "json",
        "--threads",
        "1",
    ]);
    assert!(json.status.success());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["spec"]["seed"], 7);
    assert_eq!(v["target"].as_array().unwrap().len(), 20 * 4);
    for (k, row) in rows.iter().enumerate() {
        let u = &v["uncertainty"][k];
        assert_eq!(row[0], u["unit"].as_str().unwrap());
        let med: f64 = row[2].parse().unwrap();
        assert_eq!(med, u["median_rank"].as_f64().unwrap());
    }
    let table = cpindex(&["sensitivity", "examples/data/quzhou.csv", "--spec", s]);
    let t = String::from_utf8(table.stdout).unwrap();
    assert!(t.contains("Sobol indices") && t.contains("weight_noise") && t.contains("seed 7"));
    let html = cpindex(&[
        "sensitivity",
        "examples/data/quzhou.csv",
        "--spec",
        s,
        "--format",
        "html",
    ]);
    let h = String::from_utf8(html.stdout).unwrap();
    assert!(h.contains("<svg") && h.contains("Robustness of the ranks"));
    let _ = std::fs::remove_file(spec);
}

#[test]
fn report_gets_the_section_in_html_only() {
    let spec = spec_file("report", SPEC);
    let s = spec.to_str().unwrap();
    let out = std::env::temp_dir().join(format!("cpindex-sens-{}.html", std::process::id()));
    let o = out.to_str().unwrap();
    let r = cpindex(&[
        "report",
        "examples/data/quzhou.csv",
        "--spec",
        "examples/spec.json",
        "--format",
        "html",
        "--out",
        o,
        "--sensitivity",
        s,
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let page = std::fs::read_to_string(&out).unwrap();
    let sec = page
        .find("Robustness of the ranks")
        .expect("the section is in the report");
    assert!(sec < page.rfind("</body>").unwrap());
    let t = cpindex(&["report", "examples/data/quzhou.csv", "--sensitivity", s]);
    assert_eq!(t.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&t.stderr).contains("--format html"));
    let _ = std::fs::remove_file(out);
    let _ = std::fs::remove_file(spec);
}

#[test]
fn a_bad_spec_is_a_data_error_naming_the_field() {
    let spec = spec_file(
        "bad",
        &SPEC.replace("\"delta\": 0.3", "\"delta\": 0.3, \"sigma\": 1"),
    );
    let r = cpindex(&[
        "sensitivity",
        "examples/data/quzhou.csv",
        "--spec",
        spec.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(1));
    let e = String::from_utf8_lossy(&r.stderr);
    assert!(
        e.starts_with("cpindex: error:") && e.contains("sigma"),
        "{e}"
    );
    let _ = std::fs::remove_file(spec);
}
