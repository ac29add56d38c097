//! The satisfaction index under the survey design against R's `survey` package (Lumley
//! 2010, *Complex Surveys*; `svydesign`, `svymean`, `svycontrast`, `confint`, `degf`).
//!
//! `tests/reference/survey/survey-4.1.1.csv` was printed by
//! `Rscript tests/reference/survey/reference.R` with R 4.2.2 and survey 4.1.1 (Debian
//! bookworm packages `r-base-core`, `r-cran-survey`) on 2026-12-04, from the shipped design
//! sample `examples/data/survey.csv` (two strata × 5 PSUs × 10 respondents per county and
//! year, fpc = PSUs in the stratum's population). The R script rescales the items and
//! builds the designs itself. Two tests:
//!
//! * `committed_survey_values` recomputes every row with cpindex (no R needed): mean, SE,
//!   design effect (`deff = "replace"`), design df, CI and n, to 1e-10;
//! * `r_reproduces_the_committed_values` re-runs the R script and checks that R still prints
//!   the committed numbers, so they are R's and not ours. Without `Rscript` and the survey
//!   package it prints SKIPPED; with `CPINDEX_REQUIRE_R=1` (set by `.ci/run`) it fails.
//!
//! Variants: `subset_normal` (the defaults: each unit × year × domain its own sample,
//! overall = combination of the domain indices, normal CI), `domain_t` (respondents with a
//! score as a domain of the unit × year design, t interval), `lonely_<rule>` (the urban
//! stratum collapsed into one PSU, each lonely-PSU rule). Where R prints NaN or an SE below
//! 1e-6 (a variance that is 0 in exact arithmetic under `adjust` — the urban domain is the
//! lonely stratum itself, whose linearised total is 0 — or no stratum left under `average`),
//! cpindex must give no SE or an SE below 1e-6.

mod common;

use cpindex::monitor::*;
use std::collections::BTreeMap;

const REFERENCE: &str = "tests/reference/survey/survey-4.1.1.csv";

/// examples/data/survey.csv with the item description of survey_items.json (q4 and q10
/// reverse-coded, 9 = don't know), design columns and the two subpopulation variables.
fn shipped_survey() -> Survey {
    let path = common::root().join("examples/data/survey.csv");
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let col = |c: &str| header.iter().position(|h| h == c).unwrap();
    let domains = [
        "gain",
        "gain",
        "gain",
        "happiness",
        "happiness",
        "happiness",
        "security",
        "security",
        "security",
        "identity",
        "identity",
        "identity",
    ];
    let mut s = Survey {
        items: (1..=12)
            .map(|k| SurveyItem {
                id: format!("q{k}"),
                domain: domains[k - 1].into(),
                scale_min: 1.0,
                scale_max: 5.0,
                reverse: k == 4 || k == 10,
                responses: vec![],
            })
            .collect(),
        nonresponse_codes: vec![9.0],
        ..Survey::default()
    };
    for rec in rdr.records() {
        let rec = rec.unwrap();
        s.unit.push(rec[col("unit")].to_string());
        s.year.push(rec[col("year")].parse().unwrap());
        s.weight.push(rec[col("weight")].parse().unwrap());
        for (k, it) in s.items.iter_mut().enumerate() {
            it.responses
                .push(rec[col(&format!("q{}", k + 1))].parse().unwrap());
        }
        s.design.stratum.push(rec[col("stratum")].to_string());
        s.design.psu.push(rec[col("psu")].to_string());
        s.design.fpc.push(rec[col("fpc")].parse().unwrap());
        for v in ["area", "age_group"] {
            s.subpopulations
                .entry(v.to_string())
                .or_default()
                .push(rec[col(v)].to_string());
        }
    }
    s
}

/// One R row: variant, unit, year, variable, subpop → (mean, se, deff, df, lo, hi, n).
type Key = (String, String, i32, String, String);
type Val = (f64, f64, Option<f64>, f64, f64, f64, usize);

fn parse(text: &str) -> (String, BTreeMap<Key, Val>) {
    let mut version = String::new();
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("# ") {
            version = v.to_string();
            continue;
        }
        if line.starts_with("variant,") || line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 12, "{line}");
        let num = |s: &str| -> f64 {
            match s {
                "NaN" | "NA" => f64::NAN,
                _ => s.parse().unwrap_or_else(|_| panic!("`{s}` in {line}")),
            }
        };
        rows.insert(
            (
                f[0].into(),
                f[1].into(),
                f[2].parse().unwrap(),
                f[3].into(),
                f[4].into(),
            ),
            (
                num(f[5]),
                num(f[6]),
                (!f[7].is_empty()).then(|| num(f[7])),
                num(f[8]),
                num(f[9]),
                num(f[10]),
                f[11].parse().unwrap(),
            ),
        );
    }
    (version, rows)
}

fn spec_and_survey(variant: &str) -> (SatisfactionSpec, Survey) {
    let mut s = shipped_survey();
    let mut spec = SatisfactionSpec::default();
    match variant {
        "subset_normal" => {}
        "domain_t" => {
            spec.item_missing = ItemMissing::Domain;
            spec.interval = IntervalKind::StudentT;
        }
        v => {
            spec.lonely_psu = match v {
                "lonely_certainty" => LonelyPsu::Certainty,
                "lonely_remove" => LonelyPsu::Remove,
                "lonely_adjust" => LonelyPsu::Adjust,
                "lonely_average" => LonelyPsu::Average,
                _ => panic!("unknown variant {v}"),
            };
            for (p, st) in s.design.psu.iter_mut().zip(&s.design.stratum) {
                if st == "urban" {
                    *p = "u1".into();
                }
            }
        }
    }
    (spec, s)
}

fn check(variant: &str, rows: &BTreeMap<Key, Val>) -> usize {
    let (spec, s) = spec_and_survey(variant);
    let groups = satisfaction_index(&s, &spec).unwrap();
    let mut checked = 0;
    for ((v, unit, year, var, sub), want) in rows {
        if v != variant {
            continue;
        }
        let g = groups
            .iter()
            .find(|g| &g.unit == unit && g.year == *year)
            .unwrap();
        let (overall, domains) = if sub.is_empty() {
            (g.overall, &g.domains)
        } else {
            let (vn, cat) = sub.split_once('=').unwrap();
            let sp = g
                .subpopulations
                .iter()
                .find(|p| p.variable == vn && p.category == cat)
                .unwrap_or_else(|| panic!("no subpopulation {sub}"));
            (sp.overall, &sp.domains)
        };
        let e = if var == "overall" {
            overall
        } else {
            domains.iter().find(|d| &d.domain == var).unwrap().estimate
        }
        .unwrap_or_else(|| panic!("{variant} {unit} {year} {var} {sub}: no estimate"));
        let ctx = format!("{variant} {unit} {year} {var} {sub}");
        let near = |a: f64, b: f64, what: &str| {
            assert!(
                (a - b).abs() <= 1e-10 * b.abs().max(1.0),
                "{ctx} {what}: cpindex {a} vs R {b}"
            )
        };
        near(e.mean, want.0, "mean");
        assert_eq!(e.n, want.6, "{ctx} n");
        near(e.df.unwrap(), want.3, "df");
        if want.1.is_nan() || want.1 < 1e-6 {
            // the variance is 0 in exact arithmetic; R's delta method on totals leaves
            // rounding noise (up to 4e-7 in the SE) or the square root of a negative
            assert!(
                e.se.map_or(true, |s| s < 1e-6),
                "{ctx}: R {}, cpindex {e:?}",
                want.1
            );
        } else {
            near(e.se.unwrap(), want.1, "se");
            near(e.ci_lower.unwrap(), want.4, "ci_lower");
            near(e.ci_upper.unwrap(), want.5, "ci_upper");
            if let Some(d) = want.2 {
                near(e.deff.unwrap(), d, "deff");
                // deff = 0 (a lonely stratum removed leaves no variance): n/deff undefined;
                // deff ≈ 1e-30 (a variance 0 up to rounding under `adjust`): n/deff is noise
                match e.n_effective_design {
                    Some(ne) if d > 1e-8 => near(ne, e.n as f64 / d, "n_effective"),
                    Some(_) => {}
                    None => assert_eq!(d, 0.0, "{ctx}: no effective n"),
                }
            }
        }
        checked += 1;
    }
    checked
}

const VARIANTS: [&str; 6] = [
    "subset_normal",
    "domain_t",
    "lonely_certainty",
    "lonely_remove",
    "lonely_adjust",
    "lonely_average",
];

#[test]
fn committed_survey_values() {
    let text = std::fs::read_to_string(common::root().join(REFERENCE)).unwrap();
    let (version, rows) = parse(&text);
    assert_eq!(version, "R 4.2.2 survey 4.1.1");
    // 6 units × 2 years × 6 subsets (all, 2 areas, 3 age groups) × 5 variables
    assert_eq!(rows.len(), VARIANTS.len() * 6 * 2 * 6 * 5);
    let n: usize = VARIANTS.iter().map(|v| check(v, &rows)).sum();
    assert_eq!(n, rows.len());
}

#[test]
fn lonely_psu_fail_is_the_default_and_names_the_stratum() {
    let (mut spec, s) = spec_and_survey("lonely_adjust");
    spec.lonely_psu = LonelyPsu::default();
    let e = satisfaction_index(&s, &spec).unwrap_err().to_string();
    assert!(
        e.contains("stratum `urban` has only one PSU") && e.contains("lonely_psu"),
        "{e}"
    );
}

#[test]
fn r_reproduces_the_committed_values() {
    let Some(r) = common::rscript_with("survey", "r_reproduces_the_committed_values") else {
        return;
    };
    let root = common::root();
    let fresh = common::run_r_reference(&r, "tests/reference/survey/reference.R");
    let (fresh_version, fresh) = parse(&fresh);
    let (version, committed) = parse(&std::fs::read_to_string(root.join(REFERENCE)).unwrap());
    if fresh_version != version {
        eprintln!(
            "R reports `{fresh_version}`, the committed file `{version}`: comparing values anyway"
        );
    }
    assert_eq!(fresh.len(), committed.len());
    for (k, a) in &committed {
        let b = &fresh[k];
        let same = |x: f64, y: f64| {
            (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-12 * y.abs().max(1.0)
        };
        assert!(
            same(a.0, b.0)
                && same(a.1, b.1)
                && same(a.3, b.3)
                && same(a.4, b.4)
                && same(a.5, b.5)
                && a.6 == b.6,
            "{k:?}: committed {a:?}, R now {b:?}"
        );
    }
}
