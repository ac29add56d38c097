//! `cpindex index` without `--spec` (issue 14): it runs with the documented defaults, and
//! reads wide data (`--layout wide`) to the same result as the shipped long CSV.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Output;
mod common;
use common::cli::cpindex;

fn ok_json(o: Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON output")
}

fn tmp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cpindex-idxdef-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn index_without_spec_uses_the_defaults() {
    let bare = ok_json(cpindex(&[
        "index",
        "examples/data/quzhou.csv",
        "--format",
        "json",
    ]));
    // The default scope is every unit of the data except the framework's reference unit
    // (the province, `zhejiang`, which the sample carries for the distribution targets).
    let units: Vec<&str> = bare["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert_eq!(units.len(), 7, "{units:?}");
    assert!(!units.contains(&"zhejiang"));
    // An empty spec file means "every field at its default": the same result.
    let dir = tmp_dir("empty");
    let empty = dir.join("empty.json");
    std::fs::write(&empty, "{}").unwrap();
    let with_empty = ok_json(cpindex(&[
        "index",
        "examples/data/quzhou.csv",
        "--spec",
        empty.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(bare, with_empty);
    // and the example spec (linear imputation, other aggregation rules) gives another one:
    // the flag is really optional, not ignored.
    let example = ok_json(cpindex(&[
        "index",
        "examples/data/quzhou.csv",
        "--spec",
        "examples/spec.json",
        "--format",
        "json",
    ]));
    assert_ne!(bare["nodes"], example["nodes"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn index_reads_wide_data_without_spec() {
    // Re-shape the shipped long CSV into one row per unit × year, one column per indicator.
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/quzhou.csv"),
    )
    .unwrap();
    // keys in order of first appearance, so the units keep the long file's order
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut rows: BTreeMap<(String, String), BTreeMap<String, String>> = BTreeMap::new();
    let mut indicators: Vec<String> = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if !indicators.iter().any(|i| i == f[2]) {
            indicators.push(f[2].to_string());
        }
        let key = (f[0].to_string(), f[1].to_string());
        if !rows.contains_key(&key) {
            keys.push(key.clone());
        }
        rows.entry(key)
            .or_default()
            .insert(f[2].to_string(), f[3].to_string());
    }
    let mut wide = format!("unit,period,{}\n", indicators.join(","));
    for key in &keys {
        let ((u, p), vals) = (key, &rows[key]);
        let cells: Vec<&str> = indicators
            .iter()
            .map(|i| vals.get(i).map(String::as_str).unwrap_or(""))
            .collect();
        wide.push_str(&format!("{u},{p},{}\n", cells.join(",")));
    }
    let dir = tmp_dir("wide");
    let path = dir.join("wide.csv");
    std::fs::write(&path, wide).unwrap();
    let long = ok_json(cpindex(&[
        "index",
        "examples/data/quzhou.csv",
        "--format",
        "json",
    ]));
    let from_wide = ok_json(cpindex(&[
        "index",
        path.to_str().unwrap(),
        "--layout",
        "wide",
        "--format",
        "json",
    ]));
    // compared member by member so that a failure prints one part, not the whole result
    for k in ["units", "year", "nodes", "weights", "warnings", "spec"] {
        assert_eq!(long[k], from_wide[k], "member `{k}`");
    }
    assert_eq!(long, from_wide);
    let _ = std::fs::remove_dir_all(&dir);
}
