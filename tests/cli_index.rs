//! `cpindex index` on the sample, and the engine's `units` spec option.

mod common;
use common::cli::cpindex;

#[test]
fn index_ranks_are_consistent_with_scores() {
    let o = cpindex(&[
        "index",
        "examples/data/quzhou.csv",
        "--spec",
        "examples/spec.json",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["year"], 2024);
    let units = j["units"].as_array().unwrap();
    assert_eq!(
        units.len(),
        7,
        "the example spec lists 7 units (no zhejiang)"
    );
    for node in j["nodes"].as_array().unwrap() {
        let s: Vec<Option<f64>> = node["scores"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64())
            .collect();
        let r: Vec<Option<f64>> = node["ranks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64())
            .collect();
        // competition ranking ("min" ties): rank = 1 + number of strictly higher scores
        for (a, sa) in s.iter().enumerate() {
            let Some(sa) = sa else {
                assert!(r[a].is_none());
                continue;
            };
            let higher = s.iter().flatten().filter(|&&b| b > *sa).count();
            assert_eq!(r[a], Some(1.0 + higher as f64), "node {}", node["id"]);
        }
    }
    // table and csv formats
    let t = cpindex(&[
        "index",
        "examples/data/quzhou.csv",
        "--spec",
        "examples/spec.json",
    ]);
    assert!(t.status.success());
    let t = String::from_utf8(t.stdout).unwrap();
    assert!(t.contains("综合指数") && t.contains("江山市"));
    let c = cpindex(&[
        "index",
        "examples/data/quzhou.csv",
        "--spec",
        "examples/spec.json",
        "--format",
        "csv",
    ]);
    let c = String::from_utf8(c.stdout).unwrap();
    assert!(c.starts_with("unit,node,node_name,year,score,rank"));
    // 7 units × (index + 8 dimensions) rows + header
    assert_eq!(c.lines().count(), 1 + 7 * 9);
}

#[test]
fn bare_engine_spec_without_units_leaves_the_reference_unit_out() {
    let dir = std::env::temp_dir().join(format!("cpindex-index-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("bare.json");
    std::fs::write(&spec, r#"{"ranks": {"ties": "min"}}"#).unwrap();
    let o = cpindex(&[
        "index",
        "examples/data/quzhou.csv",
        "--spec",
        spec.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!j["units"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u == "zhejiang"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn engine_units_option_selects_and_checks_units() {
    use cpindex::data::Panel;
    use cpindex::method::{run, Spec};
    let fw = cpindex::model::builtin::quzhou();
    let units: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
    let inds = vec!["gdp".to_string()];
    let mut p = Panel::new(units, vec![2024], inds).unwrap();
    // gdp 10, 30, 20: min-max over {a, b} alone gives a = 0, b = 100 (c left out);
    // over all three it would be a = 0, c = 50, b = 100.
    p.set_by_id("a", 2024, "gdp", 10.0).unwrap();
    p.set_by_id("b", 2024, "gdp", 30.0).unwrap();
    p.set_by_id("c", 2024, "gdp", 20.0).unwrap();
    let spec =
        Spec::from_json(r#"{"units": ["b", "a"], "treatment": {"enabled": false}}"#).unwrap();
    let r = run(fw, &p, &spec).unwrap();
    assert_eq!(r.units, ["b", "a"]);
    let n = r.normalised_for("gdp", 2024).unwrap();
    assert_eq!(n, [100.0, 0.0]);
    let bad = Spec::from_json(r#"{"units": ["zz"]}"#).unwrap();
    let e = run(fw, &p, &bad).unwrap_err().to_string();
    assert!(e.contains("units") && e.contains("zz"), "{e}");
    assert!(Spec::from_json(r#"{"units": []}"#).is_err());
    assert!(Spec::from_json(r#"{"units": ["a", "a"]}"#).is_err());
}
