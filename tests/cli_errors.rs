//! Malformed inputs to `report` and `index`: exit code 1 and a message naming the file,
//! line and column (or the spec field); usage errors exit 2.

use std::path::PathBuf;
mod common;
use common::cli::cpindex;

fn tmp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cpindex-err-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn fails(args: &[&str]) -> String {
    let o = cpindex(args);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let e = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(e.starts_with("cpindex: error:"), "{e}");
    e
}

const GOOD: &str = "unit,period,indicator,value\n\
quzhou,2020,gdp,1600\nquzhou,2021,gdp,1800\nkaihua,2020,gdp,150\nkaihua,2021,gdp,170\n";

#[test]
fn data_errors_name_file_line_and_column() {
    for sub in ["report", "index"] {
        let spec = tmp("empty-spec.json", "{}");
        let with_spec = |p: &PathBuf| -> Vec<String> {
            let mut a = vec![sub.to_string(), p.display().to_string()];
            if sub == "index" {
                a.extend(["--spec".to_string(), spec.display().to_string()]);
            }
            a
        };
        let run = |p: &PathBuf| {
            let a = with_spec(p);
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            fails(&a)
        };
        // missing column
        let p = tmp("nocol.csv", "unit,period,indicator\nquzhou,2020,gdp\n");
        let e = run(&p);
        assert!(
            e.contains("nocol.csv") && e.contains("line 1") && e.contains("value"),
            "{e}"
        );
        // bad number on line 3
        let p = tmp(
            "badnum.csv",
            "unit,period,indicator,value\nquzhou,2020,gdp,1600\nquzhou,2021,gdp,12x\n",
        );
        let e = run(&p);
        assert!(
            e.contains("badnum.csv")
                && e.contains("line 3")
                && e.contains("value")
                && e.contains("12x"),
            "{e}"
        );
        // unknown indicator on line 2
        let p = tmp(
            "unkind.csv",
            "unit,period,indicator,value\nquzhou,2020,gdp_typo,1600\n",
        );
        let e = run(&p);
        assert!(
            e.contains("unkind.csv") && e.contains("line 2") && e.contains("gdp_typo"),
            "{e}"
        );
        // bad period
        let p = tmp(
            "badyear.csv",
            "unit,period,indicator,value\nquzhou,20x0,gdp,1600\n",
        );
        let e = run(&p);
        assert!(
            e.contains("badyear.csv") && e.contains("line 2") && e.contains("period"),
            "{e}"
        );
    }
}

#[test]
fn spec_errors_name_the_file_and_field_or_position() {
    let data = tmp("good.csv", GOOD);
    let d = data.to_str().unwrap();
    // malformed JSON: line and column
    let s = tmp("broken.json", "{\n  \"index\": {,}\n}\n");
    for sub in ["report", "index"] {
        let e = fails(&[sub, d, "--spec", s.to_str().unwrap()]);
        assert!(
            e.contains("broken.json") && e.contains("line 2") && e.contains("column"),
            "{e}"
        );
    }
    // unknown unit in the spec (engine part and monitor part)
    let s = tmp(
        "unit.json",
        r#"{"index": {"units": ["quzhou", "nowhere"]}}"#,
    );
    let e = fails(&["report", d, "--spec", s.to_str().unwrap()]);
    assert!(
        e.contains("unit.json") && e.contains("index.units") && e.contains("nowhere"),
        "{e}"
    );
    let e = fails(&["index", d, "--spec", s.to_str().unwrap()]);
    assert!(e.contains("index.units") && e.contains("nowhere"), "{e}");
    let s = tmp("munit.json", r#"{"monitor": {"units": ["atlantis"]}}"#);
    let e = fails(&["report", d, "--spec", s.to_str().unwrap()]);
    assert!(e.contains("monitor.units") && e.contains("atlantis"), "{e}");
    // a bare engine spec with an unknown unit
    let s = tmp("bare-unit.json", r#"{"units": ["nowhere"]}"#);
    let e = fails(&["index", d, "--spec", s.to_str().unwrap()]);
    assert!(
        e.contains("bare-unit.json") && e.contains("`units`") && e.contains("nowhere"),
        "{e}"
    );
    // unknown field and bad value name the dotted field
    let s = tmp("field.json", r#"{"index": {"treatment": {"skew": 1}}}"#);
    let e = fails(&["index", d, "--spec", s.to_str().unwrap()]);
    assert!(e.contains("index.treatment") && e.contains("skew"), "{e}");
    let s = tmp("top.json", r#"{"index": {}, "extra": 1}"#);
    let e = fails(&["report", d, "--spec", s.to_str().unwrap()]);
    assert!(e.contains("`extra`"), "{e}");
    let s = tmp("mval.json", r#"{"monitor": {"objective_weight": 2}}"#);
    let e = fails(&["report", d, "--spec", s.to_str().unwrap()]);
    assert!(e.contains("monitor.") && e.contains("mval.json"), "{e}");
}

#[test]
fn household_and_survey_errors_name_file_line_and_column() {
    let data = tmp("good2.csv", GOOD);
    let d = data.to_str().unwrap();
    let h = tmp(
        "hh.csv",
        "household_id,county,urban_rural,weight,disposable_income_yuan,household_size\nH1,kaihua,urban,2,100000,3\nH2,kaihua,rural,1,abc,2\n",
    );
    let e = fails(&["report", d, "--households", h.to_str().unwrap()]);
    assert!(
        e.contains("hh.csv") && e.contains("line 3") && e.contains("disposable_income_yuan"),
        "{e}"
    );
    let h = tmp("hh2.csv", "household_id,weight,household_size\nH1,2,3\n");
    let e = fails(&["report", d, "--households", h.to_str().unwrap()]);
    assert!(
        e.contains("hh2.csv") && e.contains("disposable_income_yuan"),
        "{e}"
    );
    let s = tmp(
        "sv.csv",
        "respondent_id,unit,year,weight,q1\nR1,kaihua,2021,1,x\n",
    );
    let e = fails(&[
        "report",
        d,
        "--survey",
        s.to_str().unwrap(),
        "--survey-items",
        "examples/data/survey_items.json",
    ]);
    assert!(
        e.contains("sv.csv") && (e.contains("line 2") || e.contains("line 1")),
        "{e}"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["report"],
        vec!["report", "x.csv", "--format", "pdf"],
        vec!["index", "examples/data/quzhou.csv", "--spec"],
        vec!["inequality", "examples/data/households.csv"],
        vec!["frobnicate"],
        vec!["report", "x.csv", "--no-such-flag"],
    ] {
        let o = cpindex(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
    let o = cpindex(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
}

/// A framework of many indicators over a panel of many units — files of a few megabytes —
/// asks monitoring for 10¹⁰ records (40 GB for one column of the schedule table): the
/// report exits 1 with the sizes and the limit, before allocating, where it used to abort
/// (`memory allocation of 40000000000 bytes failed`, SIGABRT, which kills a host that
/// links the library).
#[test]
fn a_framework_that_multiplies_the_panel_past_the_limit_is_refused() {
    let n = 100_000;
    let mut fw = String::with_capacity(200 * n);
    fw.push_str(
        r#"{"id":"big","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{"id":"d","name_zh":"d","name_en":"d","weight":1.0}],"indicators":["#,
    );
    for k in 0..n {
        if k > 0 {
            fw.push(',');
        }
        fw.push_str(&format!(
            r#"{{"id":"i{k}","dimension":"d","name_zh":"x","name_en":"x","unit":{{"label":"x"}},"polarity":{{"type":"higher_is_better"}},"kind":"level","target":1.0,"weight":1.0}}"#
        ));
    }
    fw.push_str("]}");
    let mut data = String::from("unit,period,indicator,value\n");
    for u in 0..n {
        data.push_str(&format!("u{u},2021,i0,1.5\n"));
    }
    let fw = tmp("many-indicators.json", &fw);
    let data = tmp("many-units.csv", &data);
    let e = fails(&[
        "report",
        data.to_str().unwrap(),
        "--framework",
        fw.to_str().unwrap(),
        "--no-auto",
    ]);
    assert!(
        e.contains("monitoring size")
            && e.contains("100000 units × 100000 indicators × 1 evaluated years = 10000000000")
            && e.contains("cpindex_set_max_panel_cells"),
        "{e}"
    );
    let _ = std::fs::remove_file(fw);
    let _ = std::fs::remove_file(data);
}
