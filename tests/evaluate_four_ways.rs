//! One request, four ways: the Rust core (and the command line's `report --format
//! evaluation`), the JSON entry point (`cpindex_run_json`), C (`cpindex_evaluate`,
//! `bindings/c/evaluate_sample.c`) and Python (`cpindex.evaluate`) give the same
//! satisfaction index and distribution targets of the shipped sample, bit for bit.
//!
//! The survey and household microdata are read here by plain loops (not by cpindex) and
//! handed to each interface in its own form. C and Python are skipped with a message when
//! no C compiler / python3 is found; with `CPINDEX_REQUIRE_C=1` / `CPINDEX_REQUIRE_PYTHON=1`
//! (set by CI) that is a failure instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use cpindex::evaluate::{evaluate, EvaluationSpec, Households, Request};
use cpindex::monitor::{Survey, SurveyDesign, SurveyItem};

mod common;

const UNITS: [&str; 6] = [
    "kecheng",
    "qujiang",
    "longyou",
    "jiangshan",
    "changshan",
    "kaihua",
];
const DOMAINS: [&str; 4] = ["gain", "happiness", "security", "identity"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap()
}

/// survey.csv with survey_items.json, by hand.
fn survey() -> Survey {
    let items: serde_json::Value =
        serde_json::from_str(&read("examples/data/survey_items.json")).unwrap();
    let text = read("examples/data/survey.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |c: &str| header.iter().position(|h| *h == c).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let (lo, hi) = (
        items["scale"]["min"].as_f64().unwrap(),
        items["scale"]["max"].as_f64().unwrap(),
    );
    Survey {
        unit: rows.iter().map(|r| r[col("unit")].to_string()).collect(),
        year: rows
            .iter()
            .map(|r| r[col("year")].parse().unwrap())
            .collect(),
        weight: rows
            .iter()
            .map(|r| r[col("weight")].parse().unwrap())
            .collect(),
        items: items["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|it| {
                let id = it["id"].as_str().unwrap();
                SurveyItem {
                    id: id.into(),
                    domain: it["dimension"].as_str().unwrap().into(),
                    scale_min: lo,
                    scale_max: hi,
                    reverse: it["reverse"].as_bool().unwrap_or(false),
                    responses: rows
                        .iter()
                        .map(|r| r[col(id)].trim().parse().unwrap_or(f64::NAN))
                        .collect(),
                }
            })
            .collect(),
        nonresponse_codes: vec![items["dont_know_code"].as_f64().unwrap()],
        // the design columns, as the command line reads them
        design: SurveyDesign {
            stratum: rows.iter().map(|r| r[col("stratum")].to_string()).collect(),
            psu: rows.iter().map(|r| r[col("psu")].to_string()).collect(),
            fpc: rows
                .iter()
                .map(|r| r[col("fpc")].parse().unwrap())
                .collect(),
        },
        subpopulations: ["area", "age_group"]
            .iter()
            .map(|v| {
                (
                    v.to_string(),
                    rows.iter().map(|r| r[col(v)].to_string()).collect(),
                )
            })
            .collect(),
    }
}

/// households.csv, by hand.
fn households() -> Households {
    let text = read("examples/data/households.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |c: &str| header.iter().position(|h| *h == c).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let get = |c: &str| -> Vec<f64> { rows.iter().map(|r| r[col(c)].parse().unwrap()).collect() };
    Households {
        income: get("disposable_income_yuan"),
        size: get("household_size"),
        weight: get("weight"),
    }
}

/// The compared figures: `sat/unit/domain/field` and `dist/id` → value.
type Figures = BTreeMap<String, f64>;

fn from_evaluation_json(ev: &serde_json::Value) -> Figures {
    let mut f = Figures::new();
    let num = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
    let year = ev["year"].as_i64().unwrap();
    for g in ev["monitor"]["satisfaction"].as_array().unwrap() {
        let unit = g["unit"].as_str().unwrap();
        if g["year"].as_i64() != Some(year) {
            continue;
        }
        let mut put = |domain: &str, e: &serde_json::Value, nr: &serde_json::Value| {
            let k = |x: &str| format!("sat/{unit}/{domain}/{x}");
            f.insert(k("mean"), num(&e["mean"]));
            f.insert(k("se"), num(&e["se"]));
            f.insert(k("ci_lower"), num(&e["ci_lower"]));
            f.insert(k("ci_upper"), num(&e["ci_upper"]));
            f.insert(k("deff"), num(&e["deff_kish"]));
            f.insert(k("n_effective"), num(&e["n_effective"]));
            f.insert(k("n"), num(&e["n"]));
            f.insert(k("nonresponse"), num(nr));
        };
        put("overall", &g["overall"], &g["overall_nonresponse"]);
        for d in g["domains"].as_array().unwrap() {
            put(
                d["domain"].as_str().unwrap(),
                &d["estimate"],
                &d["nonresponse"],
            );
        }
    }
    for d in ev["distribution"].as_array().unwrap() {
        let id = d["indicator"]
            .as_str()
            .or_else(|| d["detail"]["measure"].as_str())
            .unwrap();
        f.insert(format!("dist/{id}"), num(&d["value"]));
    }
    f
}

fn from_c_output(text: &str) -> Figures {
    let mut f = Figures::new();
    let names = [
        "mean",
        "se",
        "ci_lower",
        "ci_upper",
        "deff",
        "n_effective",
        "n",
        "nonresponse",
    ];
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.first() {
            Some(&"sat") => {
                for (k, name) in names.iter().enumerate() {
                    f.insert(
                        format!("sat/{}/{}/{name}", w[1], w[2]),
                        w[3 + k].parse().unwrap(),
                    );
                }
            }
            Some(&"dist") => {
                f.insert(format!("dist/{}", w[1]), w[2].parse().unwrap());
            }
            _ => {}
        }
    }
    f
}

fn assert_same(what: &str, a: &Figures, b: &Figures) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: different figures"
    );
    for (k, x) in a {
        let y = b[k];
        assert!(
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
            "{what}: {k}: {x:e} vs {y:e} (not bit for bit)"
        );
    }
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cpindex-four-ways-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn required(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v == "1")
}

#[test]
fn satisfaction_and_distribution_targets_agree_bit_for_bit() {
    let fw = cpindex::model::builtin::default_framework();
    let csv = read("examples/data/quzhou.csv");
    let panel = cpindex::data::read_long_csv_str(&csv, Some(fw)).unwrap();
    let (sv, hh) = (survey(), households());

    // 1. the Rust core
    let ev = evaluate(Request {
        framework: fw,
        panel: &panel,
        survey: Some(&sv),
        households: Some(&hh),
        spec: &EvaluationSpec::default(),
    })
    .unwrap();
    let core_json: serde_json::Value = serde_json::from_str(&ev.to_json()).unwrap();
    let core = from_evaluation_json(&core_json);
    assert_eq!(
        core.keys().filter(|k| k.ends_with("/overall/mean")).count(),
        UNITS.len(),
        "every county has a satisfaction index"
    );
    assert!(core.contains_key("dist/household_income_10_50_share"));
    for k in core.keys().filter(|k| k.starts_with("sat/")) {
        assert!(
            UNITS.iter().any(|u| k.contains(u))
                && (k.contains("overall") || DOMAINS.iter().any(|d| k.contains(d)))
        );
    }

    // 1b. the command line's report, same inputs found beside the data file
    let out = Command::new(env!("CARGO_BIN_EXE_cpindex"))
        .current_dir(root())
        .args([
            "report",
            "examples/data/quzhou.csv",
            "--format",
            "evaluation",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_same("CLI report", &core, &from_evaluation_json(&cli));
    assert_eq!(
        cli["fingerprint"], core_json["fingerprint"],
        "same request, same fingerprint"
    );

    // 2. the JSON entry point
    let request = serde_json::json!({
        "action": "evaluate",
        "framework": fw.id,
        "data": {"csv": csv},
        "survey": sv,
        "households": hh,
    })
    .to_string();
    let mut n = 0usize;
    let mut buf = vec![0u8; 1 << 24];
    let st = unsafe {
        cpindex::ffi::cpindex_run_json(
            request.as_ptr().cast(),
            request.len(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut n,
        )
    };
    assert_eq!(st, cpindex::ffi::cpindex_status::Ok);
    let resp: serde_json::Value = serde_json::from_slice(&buf[..n]).unwrap();
    assert_same(
        "JSON entry point",
        &core,
        &from_evaluation_json(&resp["results"]),
    );

    let dir = scratch("inputs");
    let survey_path = dir.join("survey.json");
    std::fs::write(&survey_path, serde_json::to_string(&sv).unwrap()).unwrap();
    let hh_path = dir.join("households.txt");
    let mut text = String::new();
    for k in 0..hh.income.len() {
        // Rust's Display prints the shortest text that reads back as the same double
        text.push_str(&format!(
            "{} {} {}\n",
            hh.income[k], hh.size[k], hh.weight[k]
        ));
    }
    std::fs::write(&hh_path, text).unwrap();

    // 3. C
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    if Command::new(&cc).arg("--version").output().is_ok() {
        // the library under its SONAME too (as tests/c_api.rs does)
        let lib = dir.join("lib");
        std::fs::create_dir_all(&lib).unwrap();
        for name in [
            "libcpindex.so".to_string(),
            format!("libcpindex.so.{}", env!("CARGO_PKG_VERSION")),
        ] {
            let _ = std::fs::remove_file(lib.join(&name));
            std::os::unix::fs::symlink(common::library_dir().join("libcpindex.so"), lib.join(name))
                .unwrap();
        }
        let exe = dir.join("evaluate_sample");
        let st = Command::new(&cc)
            .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I"])
            .arg(root().join("include"))
            .arg(root().join("bindings/c/evaluate_sample.c"))
            .arg("-o")
            .arg(&exe)
            .arg(format!("-L{}", lib.display()))
            .arg("-lcpindex")
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .args(["-lm", "-pthread"])
            .status()
            .unwrap();
        assert!(st.success(), "compiling evaluate_sample.c");
        let out = Command::new(&exe)
            .arg(root().join("examples/data/quzhou.csv"))
            .arg(&survey_path)
            .arg(&hh_path)
            .args(UNITS)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert_same("C", &core, &from_c_output(&text));
        let fp = format!(
            "fingerprint {}:{}",
            ev.fingerprint.algorithm, ev.fingerprint.hex
        );
        assert!(text.contains(&fp), "C fingerprint: {text}");
    } else if required("CPINDEX_REQUIRE_C") {
        panic!("no C compiler ({cc}) and CPINDEX_REQUIRE_C=1");
    } else {
        common::skip(
            &format!("SKIPPED C route: no C compiler ({cc}); set CC"),
            None,
        );
    }

    // 4. Python
    let py = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    if Command::new(&py).arg("--version").output().is_ok() {
        let script = r#"
import json, sys, cpindex
ev = cpindex.evaluate(sys.argv[1], survey=sys.argv[2], survey_items=sys.argv[3], households=sys.argv[4])
print(json.dumps({"fingerprint": ev.raw["fingerprint"], "year": ev.year,
                  "monitor": {"satisfaction": ev.raw["monitor"]["satisfaction"]},
                  "distribution": ev.distribution}))
"#;
        let lib = common::library_dir().join("libcpindex.so");
        let out = Command::new(&py)
            .arg("-c")
            .arg(script)
            .arg(root().join("examples/data/quzhou.csv"))
            .arg(root().join("examples/data/survey.csv"))
            .arg(root().join("examples/data/survey_items.json"))
            .arg(root().join("examples/data/households.csv"))
            .env("CPINDEX_LIBRARY", lib)
            .env("PYTHONPATH", root().join("bindings/python"))
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_same("Python", &core, &from_evaluation_json(&v));
        assert_eq!(v["fingerprint"], core_json["fingerprint"]);
    } else if required("CPINDEX_REQUIRE_PYTHON") {
        panic!("no python3 and CPINDEX_REQUIRE_PYTHON=1");
    } else {
        common::skip("SKIPPED Python route: python3 not found (set PYTHON)", None);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
