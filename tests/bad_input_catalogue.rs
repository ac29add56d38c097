//! The bad-input catalogue (`tests/catalogue/`, issue 13) through the CLI: each case's
//! exit code and the words its message must contain. The same cases run through C
//! (`bindings/c/test_catalogue.c`, from tests/c_api.rs) and Python
//! (`bindings/python/tests/test_catalogue.py`).

use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    name: String,
    dir: PathBuf,
    kind: String,
    exit: Option<i32>,
    words: Vec<String>,
    input: Vec<u8>,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn generate(spec: &str) -> Vec<u8> {
    let mut it = spec.split_whitespace();
    match (it.next(), it.next().and_then(|n| n.parse::<usize>().ok())) {
        (Some("panel_rows"), Some(n)) => {
            let mut s = String::from("unit,period,indicator,value\n");
            for k in 0..n {
                s.push_str(&format!("unit{k},{},gdp,1\n", 10_000 + k));
            }
            s.into_bytes()
        }
        _ => panic!("unknown generator `{spec}`"),
    }
}

fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("tests/catalogue"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.txt").is_file())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let text = std::fs::read_to_string(dir.join("case.txt")).unwrap();
            let get = |k: &str| {
                text.lines()
                    .find_map(|l| {
                        l.strip_prefix(&format!("{k}: "))
                            .or(l.strip_prefix(&format!("{k}:")))
                    })
                    .map(|v| v.trim().to_string())
            };
            let input = match (get("input"), get("generate")) {
                (Some(f), _) => std::fs::read(dir.join(f)).unwrap(),
                (None, Some(g)) => generate(&g),
                (None, None) => panic!("{}: no input", dir.display()),
            };
            Case {
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                kind: get("kind").unwrap(),
                exit: get("exit").unwrap().parse().ok(),
                words: get("words")
                    .unwrap_or_default()
                    .split('|')
                    .filter(|w| !w.is_empty())
                    .map(String::from)
                    .collect(),
                input,
                dir,
            }
        })
        .collect()
}

#[test]
fn every_catalogue_case_through_the_cli() {
    let all = cases();
    assert!(all.len() >= 15, "{} cases", all.len());
    let tmp = std::env::temp_dir().join(format!("cpindex-catalogue-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let good = root()
        .join("tests/catalogue/good.csv")
        .display()
        .to_string();
    let mut ran = 0;
    for c in &all {
        let Some(exit) = c.exit else { continue };
        let ext = match c.kind.as_str() {
            "framework" | "spec" | "monitor" => "json",
            _ => "csv",
        };
        let file = tmp.join(format!("{}.{ext}", c.name));
        std::fs::write(&file, &c.input).unwrap();
        let f = file.display().to_string();
        let args: Vec<String> = match c.kind.as_str() {
            "csv_long" => vec!["report".into(), f, "--no-auto".into()],
            "framework" => vec!["indicators".into(), "--framework".into(), f],
            "spec" => vec!["index".into(), good.clone(), "--spec".into(), f],
            "monitor" => {
                let mut wrapped = b"{\"monitor\": ".to_vec();
                wrapped.extend_from_slice(&c.input);
                wrapped.extend_from_slice(b"}");
                std::fs::write(&file, wrapped).unwrap();
                vec![
                    "report".into(),
                    good.clone(),
                    "--no-auto".into(),
                    "--spec".into(),
                    f,
                ]
            }
            "microdata" => vec![
                "inequality".into(),
                f,
                "--value".into(),
                "income".into(),
                "--weight".into(),
                "w".into(),
            ],
            "households" => vec![
                "report".into(),
                good.clone(),
                "--no-auto".into(),
                "--households".into(),
                f,
            ],
            "survey" => vec![
                "report".into(),
                good.clone(),
                "--no-auto".into(),
                "--survey".into(),
                f,
                "--survey-items".into(),
                root()
                    .join("examples/data/survey_items.json")
                    .display()
                    .to_string(),
            ],
            "report_out_self" => {
                vec![
                    "report".into(),
                    f.clone(),
                    "--no-auto".into(),
                    "--out".into(),
                    f,
                ]
            }
            other => panic!("{}: no CLI route for kind `{other}`", c.name),
        };
        let o = Command::new(env!("CARGO_BIN_EXE_cpindex"))
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            o.status.code(),
            Some(exit),
            "{} ({}): {err}",
            c.name,
            c.dir.display()
        );
        for w in &c.words {
            assert!(
                err.contains(w.as_str()),
                "{}: message lacks `{w}`: {err}",
                c.name
            );
        }
        if c.kind == "report_out_self" {
            assert_eq!(
                std::fs::read(&file).unwrap(),
                c.input,
                "{}: input intact",
                c.name
            );
        }
        ran += 1;
    }
    eprintln!("catalogue: {ran} CLI cases");
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn a_gb18030_households_file_gives_its_figures() {
    // tests/catalogue/20-households-gb18030: three households saved as GB18030 (Chinese
    // county and urban/rural names), incomes 257 760, 440 750, 120 000 yuan with weights
    // 566.67, 566.67, 500. Band 20–60万元: the first two, 1133.34 / 1633.34 = 69.39 %;
    // band 10–50万元: all three, 100 %.
    let hh = root().join("tests/catalogue/20-households-gb18030/households.csv");
    let o = Command::new(env!("CARGO_BIN_EXE_cpindex"))
        .args([
            "report",
            "tests/catalogue/good.csv",
            "--no-auto",
            "--households",
        ])
        .arg(&hh)
        .current_dir(root())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("read as GB18030"), "{err}");
    // shown against their ≥ targets, rounded toward "not met" (down) at two decimals:
    // 69.3878… % prints 69.38 %, 100 % prints 100 %
    let share = |band: &str| {
        out.lines()
            .find(|l| l.contains(band) && l.contains('%') && l.contains("住户样本"))
            .unwrap_or_else(|| panic!("no `{band}` row: {out}"))
            .to_string()
    };
    assert!(share("20-60万元的群体比例").contains("69.38%"), "{out}");
    assert!(share("10-50万元的群体比例").contains("100%"), "{out}");
}
