//! `cpindex inequality` options of issue 14: missing cells (`--na fail|skip`, R's na.rm),
//! per-capita measures (`--size`, person-weighted), the per-group table surviving one bad
//! value, and `--excel`. Expected values are worked out by hand in the comments.

use std::path::PathBuf;
use std::process::Output;
mod common;
use common::cli::cpindex;

fn tmp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cpindex-ineqopt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn json(o: Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn close(a: &serde_json::Value, b: f64) {
    let a = a.as_f64().unwrap_or_else(|| panic!("a number, not {a}"));
    assert!((a - b).abs() < 1e-12, "{a} vs {b}");
}

#[test]
fn a_missing_cell_fails_naming_line_and_column_and_the_flag() {
    for (name, text, line) in [
        ("empty.csv", "id,x\na,1\nb,\nc,3\n", "line 3"),
        ("na.csv", "id,x\na,1\nb,2\nc,NA\n", "line 4"),
    ] {
        let p = tmp(name, text);
        let o = cpindex(&["inequality", p.to_str().unwrap(), "--value", "x"]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains(name) && e.contains(line), "{e}");
        assert!(e.contains("column `x`") && e.contains("missing"), "{e}");
        assert!(
            e.contains("--na skip"),
            "the message suggests the flag: {e}"
        );
    }
    // a word is not a missing value: still an error with --na skip
    let p = tmp("word.csv", "id,x\na,1\nb,abc\n");
    let o = cpindex(&[
        "inequality",
        p.to_str().unwrap(),
        "--value",
        "x",
        "--na",
        "skip",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 3"));
}

#[test]
fn na_skip_leaves_the_records_out_and_says_which() {
    // {1, 2, 3, 4} with an empty value (line 3), an NA weight (line 5) and an empty group
    // (line 7) in between: skipping them leaves {1, 2, 3, 4}, weights 1. Gini =
    // Σᵢⱼ|xᵢ−xⱼ| / (2n²μ) = 20 / (2·16·2.5) = 0.25 (as R: ineq::Gini(1:4, corr = FALSE)).
    let p = tmp(
        "gaps.csv",
        "g,x,w\na,1,1\na,,1\na,2,1\nb,9,NA\nb,3,1\n,7,1\nb,4,1\n",
    );
    let j = json(cpindex(&[
        "inequality",
        p.to_str().unwrap(),
        "--value",
        "x",
        "--weight",
        "w",
        "--group",
        "g",
        "--na",
        "skip",
        "--format",
        "json",
    ]));
    close(&j["measures"]["n"], 4.0);
    close(&j["measures"]["gini"], 0.25);
    close(&j["measures"]["mean"], 2.5);
    let skipped: Vec<&str> = j["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(
        skipped,
        [
            "line 3 (column `x`)",
            "line 5 (column `w`)",
            "line 7 (column `g`)"
        ]
    );
    // the table output says it too
    let o = cpindex(&[
        "inequality",
        p.to_str().unwrap(),
        "--value",
        "x",
        "--na",
        "skip",
        "--weight",
        "w",
        "--group",
        "g",
    ]);
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(
        t.contains("3 record(s) left out") && t.contains("line 5"),
        "{t}"
    );
}

#[test]
fn per_capita_divides_by_size_and_weights_by_persons() {
    // Household A: income 300, 3 persons, weight 1 → 100 per person, 3 persons.
    // Household B: income 400, 1 person, weight 1 → 400 per person, 1 person.
    // Persons: 100, 100, 100, 400. Mean = 700/4 = 175. Gini over persons =
    // Σᵢⱼ|xᵢ−xⱼ|/(2n²μ): 3 pairs of (100, 400) counted both ways, 2·3·300 = 1800;
    // 1800 / (2·16·175) = 1800/5600 = 0.32142857…
    let hh = tmp("hh.csv", "id,income,size,w\nA,300,3,1\nB,400,1,1\n");
    let j = json(cpindex(&[
        "inequality",
        hh.to_str().unwrap(),
        "--value",
        "income",
        "--size",
        "size",
        "--weight",
        "w",
        "--format",
        "json",
    ]));
    close(&j["measures"]["mean"], 175.0);
    close(&j["measures"]["gini"], 1800.0 / 5600.0);
    close(&j["measures"]["total_weight"], 4.0);
    assert_eq!(j["per_capita"], "size");
    // the same as the person-level file
    let persons = tmp("persons.csv", "x\n100\n100\n100\n400\n");
    let p = json(cpindex(&[
        "inequality",
        persons.to_str().unwrap(),
        "--value",
        "x",
        "--format",
        "json",
    ]));
    close(
        &j["measures"]["theil_t"],
        p["measures"]["theil_t"].as_f64().unwrap(),
    );
    close(
        &j["measures"]["median"],
        p["measures"]["median"].as_f64().unwrap(),
    );
    // without --weight each household weighs its size: the same persons
    let j2 = json(cpindex(&[
        "inequality",
        hh.to_str().unwrap(),
        "--value",
        "income",
        "--size",
        "size",
        "--format",
        "json",
    ]));
    close(&j2["measures"]["gini"], 1800.0 / 5600.0);
    // a size of 0 is an error naming the cell
    let bad = tmp("bad-size.csv", "id,income,size\nA,300,0\n");
    let o = cpindex(&[
        "inequality",
        bad.to_str().unwrap(),
        "--value",
        "income",
        "--size",
        "size",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("line 2") && e.contains("size"), "{e}");
}

#[test]
fn the_group_table_survives_one_empty_cell_and_one_negative_income() {
    // group a: 1, 3 and an empty cell (line 4, skipped); group b: −1, 5. The Dagum Gini
    // decomposition needs incomes ≥ 0: reported n/a; the per-group table stays: n = 2
    // each, population shares 0.5, income shares (1+3)/8 = 0.5 and (−1+5)/8 = 0.5,
    // means 2.
    let p = tmp("bad-one.csv", "g,x\na,1\na,3\na,\nb,-1\nb,5\n");
    let o = cpindex(&[
        "inequality",
        p.to_str().unwrap(),
        "--value",
        "x",
        "--group",
        "g",
        "--na",
        "skip",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("line 4 (column `x`)"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("Dagum") && l.contains("n/a")),
        "{out}"
    );
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("a ") || l.starts_with("b "))
        .collect();
    assert_eq!(rows.len(), 2, "one row per group:\n{out}");
    for r in rows {
        let cells: Vec<&str> = r.split_whitespace().collect();
        assert_eq!(&cells[1..5], ["2", "0.5", "0.5", "2"], "{r}");
    }
}

#[test]
fn excel_csv_of_the_measures() {
    let p = tmp("four.csv", "id,x\na,1\nb,2\nc,3\nd,4\n");
    let o = cpindex(&[
        "inequality",
        p.to_str().unwrap(),
        "--value",
        "x",
        "--format",
        "csv",
        "--excel",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o
        .stdout
        .starts_with(b"\xef\xbb\xbfmeasure,value,description\r\n"));
    let o = cpindex(&["inequality", p.to_str().unwrap(), "--value", "x", "--excel"]);
    assert_eq!(o.status.code(), Some(1));
    // and the other list outputs take it too
    let o = cpindex(&["indicators", "--format", "csv", "--bom"]);
    assert!(o.status.success());
    assert!(o.stdout.starts_with(b"\xef\xbb\xbfid,"));
}
