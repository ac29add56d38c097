//! Unweighted measures against R's `ineq` package (Zeileis & Kleiber).
//!
//! Two kinds of reference value:
//!
//! * **Published:** the output of ineq's own examples as saved on CRAN in
//!   `ineq/tests/Examples/ineq-Ex.Rout.save` (R 3.1.0, ineq 0.2-12, printed to 7 digits).
//! * **Computed:** ineq's measure functions (`Gini`, `RS`, `var.coeff`, `Theil`, `entropy`,
//!   `Atkinson` from `R/ineq.R` of ineq 0.2-12, read from the CRAN mirror `cran/ineq` at
//!   commit e71e0dc) run with R 4.2.2 on 2026-11-28 and printed with `sprintf("%.17g")`, on
//!   the ineq example vector, the household sample's incomes and the non-negative incomes of
//!   `tests/reference/laeken/stress.csv`. ineq is not packaged for Debian, so this run cannot
//!   be repeated by `cargo test`; the laeken values in `distribution_laeken.rs` are.
//!
//! ineq's names differ from the generalized-entropy convention: `Theil(x, 0)` is Theil T =
//! GE(1), `Theil(x, 1)` the mean log deviation GE(0), `entropy(x, a)` is GE(a).
//! Noticed on the way: ineq 0.2-12's `Gini` overflows R's integers on integer-typed input
//! (`x * 1:n` and `n * sum(x)` return NA for the household incomes read as integers); the
//! values below were computed on `as.numeric(x)`. And ineq's `Theil(x, 0)` takes the mean of
//! the non-zero values only (see `stress_incomes_with_zeros_and_ties`).

// the expected values are R's `sprintf("%.17g")` output, kept verbatim
#![allow(clippy::excessive_precision)]

mod common;

use cpindex::distribution::Distribution;

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs()
}

/// The income column of one of the shipped microdata files.
fn incomes(path: &str, value: &str, group: &str) -> Vec<f64> {
    common::Microdata::read(&common::root().join(path), value, "weight", group).x
}

/// (ineq call, cpindex value)
fn measures(d: &Distribution, positive: bool) -> Vec<(&'static str, f64)> {
    let mut m = vec![
        ("Gini", d.gini().unwrap()),
        ("RS", d.hoover().unwrap()),
        ("var.coeff", d.coefficient_of_variation().unwrap()),
        ("Theil(x, 0)", d.theil_t().unwrap()),
        ("entropy(x, 2)", d.generalized_entropy(2.0).unwrap()),
        ("entropy(x, 0.5)", d.generalized_entropy(0.5).unwrap()),
        ("Atkinson(x, 0.5)", d.atkinson(0.5).unwrap()),
    ];
    if positive {
        m.extend([
            ("Theil(x, 1)", d.mean_log_deviation().unwrap()),
            ("entropy(x, -1)", d.generalized_entropy(-1.0).unwrap()),
            ("Atkinson(x, 1)", d.atkinson(1.0).unwrap()),
            ("Atkinson(x, 2)", d.atkinson(2.0).unwrap()),
        ]);
    }
    m
}

fn check(name: &str, d: &Distribution, positive: bool, want: &[f64]) {
    compare(name, &measures(d, positive), want);
}

/// Each (ineq call, cpindex value) against ineq's value, to 1e-12 relative.
fn compare(name: &str, got: &[(&str, f64)], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for ((call, g), w) in got.iter().zip(want) {
        assert!(
            close(*g, *w, 1e-12),
            "{name}: ineq {call} = {w}, cpindex {g}"
        );
    }
}

const A: [f64; 10] = [
    541.0, 1463.0, 2445.0, 3438.0, 4437.0, 5401.0, 6392.0, 8304.0, 11904.0, 22261.0,
];

#[test]
fn published_ineq_examples() {
    // ineq-Ex.Rout.save: `ineq(x)` [1] 0.4620911; `ineq(x, parameter=0.5, type="Atkinson")`
    // [1] 0.1796591 (x = A).
    let d = Distribution::new(&A, None).unwrap();
    assert!((d.gini().unwrap() - 0.4620911).abs() < 5e-8);
    assert!((d.atkinson(0.5).unwrap() - 0.1796591).abs() < 5e-8);
    // Lasym example (Damgaard & Weiner 2000, figure 2): x <- rep(c(50/9, 50), c(9, 1)) and
    // y <- rep(c(2, 18), c(5, 5)) both print `Gini(x, corr = TRUE)` [1] 0.4444444.
    let mut x = vec![50.0 / 9.0; 9];
    x.push(50.0);
    let y: Vec<f64> = [2.0; 5].into_iter().chain([18.0; 5]).collect();
    for v in [x, y] {
        let g = Distribution::new(&v, None)
            .unwrap()
            .gini_corrected()
            .unwrap();
        assert!((g - 0.4444444).abs() < 5e-8, "{g}");
    }
}

#[test]
fn ineq_example_vector() {
    let d = Distribution::new(&A, None).unwrap();
    check(
        "A",
        &d,
        true,
        &[
            0.46209113026762394,
            0.33780674616285705,
            0.91695818288232367,
            0.36234124234389498,
            0.42040615457742636,
            0.37709309652338269,
            0.17965909804634173,
            0.43359464952044685,
            0.84774905312063253,
            0.35182505973507616,
            0.62901105451175809,
        ],
    );
}

#[test]
fn household_sample_incomes() {
    let x = incomes(
        "examples/data/households.csv",
        "disposable_income_yuan",
        "county",
    );
    assert_eq!(x.len(), 2000);
    let d = Distribution::new(&x, None).unwrap();
    check(
        "households",
        &d,
        true,
        &[
            0.38886384643544053,
            0.28106685508578599,
            0.80597202583214089,
            0.25556966479430493,
            0.32479545321198272,
            0.24946148679117394,
            0.12084130380858293,
            0.2590463431624897,
            0.34075379787149412,
            0.22821274484726173,
            0.40529557967405938,
        ],
    );
}

#[test]
fn stress_incomes_with_zeros_and_ties() {
    // R: st$income[st$income >= 0] — 597 values with 11 zeros (ineq's Theil drops zeros,
    // i.e. 0·ln 0 = 0, as cpindex does)
    let x: Vec<f64> = incomes("tests/reference/laeken/stress.csv", "income", "region")
        .into_iter()
        .filter(|&v| v >= 0.0)
        .collect();
    assert_eq!(x.len(), 597);
    assert_eq!(x.iter().filter(|&&v| v == 0.0).count(), 11);
    let d = Distribution::new(&x, None).unwrap();
    // ineq `Theil(x, 0)` = 0.33820774867636438 on these 597 values. ineq drops the zeros
    // *before* taking the mean, whereas cpindex (as the issue and Cowell 2011 define Theil T)
    // keeps μ over all units and lets 0·ln 0 = 0. The two are related exactly: with n₊ positive
    // values, x/μ = (x/μ₊)(n/n₊), so T = T₊ + ln(n/n₊), where T₊ is Theil T of the positive
    // values alone — which is what ineq returns.
    let ineq_theil = 0.33820774867636438;
    let positive: Vec<f64> = x.iter().copied().filter(|&v| v > 0.0).collect();
    let t_pos = Distribution::new(&positive, None)
        .unwrap()
        .theil_t()
        .unwrap();
    assert!(close(t_pos, ineq_theil, 1e-12), "{t_pos}");
    let t_all = d.theil_t().unwrap();
    assert!(
        close(t_all, ineq_theil + (597.0f64 / 586.0).ln(), 1e-12),
        "{t_all}"
    );
    let mut got = measures(&d, false);
    got.retain(|(call, _)| *call != "Theil(x, 0)");
    let want = [
        0.44300201656363442,
        0.32014180328691905,
        1.0264187448976625,
        0.52676771993864657,
        0.35088970094638289,
        0.16774962658380121,
    ];
    compare("stress (non-negative)", &got, &want);
}
