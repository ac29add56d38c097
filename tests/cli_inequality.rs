//! `cpindex inequality` on hand-computed data and on the household sample.

use std::path::PathBuf;
mod common;
use common::cli::cpindex;

fn tmp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cpindex-ineq-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn gini_of_one_to_four_is_a_quarter() {
    // Gini = Σ_i Σ_j |x_i − x_j| / (2 n² μ); for {1,2,3,4}: Σ|diff| over ordered pairs
    // = 2·(1+2+3+1+2+1) = 20, n² = 16, μ = 2.5 → 20 / (2·16·2.5) = 0.25.
    // mean 2.5; median (type 2) = (2+3)/2 = 2.5.
    let p = tmp("four.csv", "id,x\na,1\nb,2\nc,3\nd,4\n");
    let o = cpindex(&[
        "inequality",
        p.to_str().unwrap(),
        "--value",
        "x",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let m = &j["measures"];
    assert!((m["gini"].as_f64().unwrap() - 0.25).abs() < 1e-12);
    assert!((m["mean"].as_f64().unwrap() - 2.5).abs() < 1e-12);
    assert!((m["median"].as_f64().unwrap() - 2.5).abs() < 1e-12);
    // corrected Gini = n/(n−1)·G = 4/3 · 0.25 = 1/3
    assert!((m["gini_corrected"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    for k in [
        "theil_t",
        "mean_log_deviation",
        "generalized_entropy:2",
        "atkinson:0.5",
        "atkinson:1",
        "atkinson:2",
        "coefficient_of_variation",
        "hoover",
        "palma_ratio",
        "s80_s20",
        "quintile_share_ratio_eurostat",
        "at_risk_of_poverty_rate",
        "quantile:0.1",
        "quantile:0.9",
    ] {
        assert!(m.get(k).is_some(), "measure {k} missing");
    }
    // table format names the measures
    let t = cpindex(&["inequality", p.to_str().unwrap(), "--value", "x"]);
    let t = String::from_utf8(t.stdout).unwrap();
    assert!(t.contains("gini") && t.contains("0.25"));
}

#[test]
fn decomposition_by_group_adds_up() {
    // two groups {1,2} and {3,4}: between-group GE(2) of the means 1.5, 3.5 (each weight 2)
    // around μ = 2.5: GE(2) = ½·mean((m/μ)² − 1) = ½·((0.36 + 1.96)/2 − 1) = 0.08.
    let p = tmp("groups.csv", "x,g\n1,a\n2,a\n3,b\n4,b\n");
    let o = cpindex(&[
        "inequality",
        p.to_str().unwrap(),
        "--value",
        "x",
        "--group",
        "g",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ge = j["decomposition"]["ge"].as_array().unwrap();
    let ge2 = ge.iter().find(|g| g["alpha"] == 2.0).unwrap();
    assert!((ge2["between"].as_f64().unwrap() - 0.08).abs() < 1e-12);
    for g in ge {
        let (t, w, b) = (
            g["total"].as_f64().unwrap(),
            g["within"].as_f64().unwrap(),
            g["between"].as_f64().unwrap(),
        );
        assert!((t - w - b).abs() < 1e-12);
    }
    let d = &j["decomposition"]["dagum_gini"];
    let total = d["total"].as_f64().unwrap();
    assert!((total - 0.25).abs() < 1e-12);
    let sum = d["within"].as_f64().unwrap()
        + d["between_net"].as_f64().unwrap()
        + d["transvariation"].as_f64().unwrap();
    assert!((sum - total).abs() < 1e-12);
}

#[test]
fn household_sample_weighted_with_groups() {
    let o = cpindex(&[
        "inequality",
        "examples/data/households.csv",
        "--value",
        "disposable_income_yuan",
        "--weight",
        "weight",
        "--group",
        "county",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(t.contains("(weighted)") && t.contains("Gini (Dagum)") && t.contains("kaihua"));
    let c = cpindex(&[
        "inequality",
        "examples/data/households.csv",
        "--value",
        "disposable_income_yuan",
        "--format",
        "csv",
    ]);
    let c = String::from_utf8(c.stdout).unwrap();
    assert!(c.starts_with("measure,value,description") && c.contains("\ngini,"));
}

#[test]
fn bad_values_name_file_line_and_column() {
    for (name, text, line) in [
        ("nan.csv", "id,x\na,1\nb,NaN\n", "line 3"),
        ("word.csv", "id,x\na,1\nb,2\nc,abc\n", "line 4"),
        ("inf.csv", "id,x\na,inf\n", "line 2"),
    ] {
        let p = tmp(name, text);
        let o = cpindex(&["inequality", p.to_str().unwrap(), "--value", "x"]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(
            e.contains(name) && e.contains(line) && e.contains('x'),
            "{e}"
        );
    }
    let p = tmp("ok.csv", "id,x\na,1\n");
    let o = cpindex(&["inequality", p.to_str().unwrap(), "--value", "y"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("`y`")
            || String::from_utf8_lossy(&o.stderr).contains("y")
    );
}

#[test]
fn a_negative_income_keeps_the_per_group_table() {
    // group a: 1, 3 (mean 2); group b: −1, 5 (mean 2). Dagum needs every value ≥ 0, so it
    // is reported n/a naming the value; the per-group table is still printed (n = 2 each,
    // population shares 0.5, income shares (1+3)/8 = 0.5 and (−1+5)/8 = 0.5, means 2).
    let p = tmp("neg.csv", "g,x\na,1\na,3\nb,-1\nb,5\n");
    let o = cpindex(&[
        "inequality",
        p.to_str().unwrap(),
        "--value",
        "x",
        "--group",
        "g",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.lines()
            .any(|l| l.contains("Dagum") && l.contains("n/a")),
        "the undefined decomposition is reported:\n{out}"
    );
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with("a ") || l.trim_start().starts_with("b "))
        .collect();
    assert_eq!(rows.len(), 2, "one row per group:\n{out}");
    for r in rows {
        let cells: Vec<&str> = r.split_whitespace().collect();
        assert_eq!(&cells[1..5], ["2", "0.5", "0.5", "2"], "{r}");
    }
}
