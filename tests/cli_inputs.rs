//! Input checks of `report`, `index` and `inequality` that hold whatever the engine does:
//! unreadable files, missing columns, bad numbers and malformed spec JSON are data errors
//! (exit 1) whose message names the file, the line and the column.

use std::path::PathBuf;
use std::process::{Command, Output};

fn cpindex(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cpindex"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the cpindex binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn tmp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cpindex-inputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn report_data_without_value_column_names_file_line_and_column() {
    let p = tmp("novalue.csv", "unit,period,indicator\nquzhou,2020,gdp\n");
    let o = cpindex(&["report", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.starts_with("cpindex: error:"), "{e}");
    assert!(
        e.contains("novalue.csv") && e.contains("line 1") && e.contains("`value`"),
        "{e}"
    );
}

#[test]
fn missing_data_file_is_a_data_error() {
    let o = cpindex(&["report", "examples/data/does-not-exist.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("does-not-exist.csv"), "{}", stderr(&o));
}

#[test]
fn malformed_spec_json_names_file_and_position() {
    let spec = tmp("bad-spec.json", "{\n  \"weighting\": ,\n}");
    let o = cpindex(&[
        "index",
        "examples/data/quzhou.csv",
        "--spec",
        spec.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("bad-spec.json") && e.contains("line 2"), "{e}");
}

#[test]
fn inequality_checks_columns_and_numbers() {
    let o = cpindex(&[
        "inequality",
        "examples/data/households.csv",
        "--value",
        "income",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("households.csv") && e.contains("`income`") && e.contains("missing column"),
        "{e}"
    );

    // line 3 (header is line 1) has a non-number in the weight column
    let p = tmp("hh.csv", "id,w,y\na,1.5,100\nb,abc,200\n");
    let o = cpindex(&[
        "inequality",
        p.to_str().unwrap(),
        "--value",
        "y",
        "--weight",
        "w",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("hh.csv, line 3, column `w`") && e.contains("abc"),
        "{e}"
    );

    let p = tmp("inf.csv", "y\n1\ninf\n");
    let o = cpindex(&["inequality", p.to_str().unwrap(), "--value", "y"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("inf.csv, line 3, column `y`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn shipped_sample_files_have_the_documented_columns() {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |p: &str| std::fs::read_to_string(format!("{root}/{p}")).unwrap();
    let panel = read("examples/data/quzhou.csv");
    assert_eq!(
        panel.lines().next().unwrap(),
        "unit,period,indicator,value,source,illustrative"
    );
    // every row says whether it is illustrative; sourced rows name a SOURCES.md key
    let sources = read("examples/data/SOURCES.md");
    let fw: serde_json::Value =
        serde_json::from_str(include_str!("../src/model/builtin/quzhou-2021-2025.json")).unwrap();
    let ids: Vec<&str> = fw["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    let units = [
        "quzhou",
        "kecheng",
        "qujiang",
        "longyou",
        "jiangshan",
        "changshan",
        "kaihua",
        "zhejiang",
    ];
    let mut sourced = 0;
    for (n, line) in panel.lines().enumerate().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        assert_eq!(c.len(), 6, "line {}", n + 1);
        assert!(units.contains(&c[0]), "line {}: unit {}", n + 1, c[0]);
        assert!((2020..=2024).contains(&c[1].parse::<i32>().unwrap()));
        assert!(
            ids.contains(&c[2]),
            "line {}: unknown indicator {}",
            n + 1,
            c[2]
        );
        assert!(c[3].parse::<f64>().unwrap().is_finite());
        match c[5] {
            "true" => assert_eq!(c[4], "illustrative", "line {}", n + 1),
            "false" => {
                sourced += 1;
                assert!(
                    sources.contains(&format!("`{}`", c[4])),
                    "line {}: key {}",
                    n + 1,
                    c[4]
                );
            }
            other => panic!("line {}: illustrative = {other}", n + 1),
        }
    }
    assert!(sourced >= 1);
    // the ten seed indicators are covered for the city in every year 2020-2024
    for id in &ids {
        for y in 2020..=2024 {
            assert!(
                panel.contains(&format!("\nquzhou,{y},{id},")),
                "quzhou {y} {id}"
            );
        }
    }
    let hh = read("examples/data/households.csv");
    assert_eq!(hh.lines().count(), 2001);
    let sv = read("examples/data/survey.csv");
    assert!(sv.starts_with("respondent_id,unit,year,weight,q1,"));
}
