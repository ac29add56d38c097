//! GE(α), the Atkinson index, the between-group GE and the power mean near their limit
//! cases (α → 0, α → 1, ε → 1, r → 0; review methods #3) against references evaluated at
//! 60 digits by mpmath from the textbook definitions
//! (`tests/reference/near_limit/near_limit.py`, committed output `near_limit.csv`).
//!
//! Before the fix the textbook forms cancelled: GE(10⁻¹⁵) was 0.333 instead of the MLD
//! 0.2125, GE(0.1 + 0.2 − 0.3) was −0, A(1.0000000000000002) was 0, and the power mean of
//! a constant row at r = 10⁻¹⁷ was 1.

mod common;

use cpindex::distribution::{ge_decomposition, Distribution, MissingPolicy, Summary};
use cpindex::method::aggregate::{aggregate_row, aggregate_units, Aggregation, MissingRule};

const X: [f64; 10] = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0];
const WX: [f64; 10] = [0.5, 1.5, 2.0, 1.0, 0.25, 3.0, 1.0, 0.75, 2.5, 1.25];
const GROUPS: [usize; 10] = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2];
const ROW: [f64; 4] = [2.0, 7.0, 0.5, 3.0];
const ROW_W: [f64; 4] = [1.0, 2.0, 3.0, 0.5];

/// Relative agreement required: a few ulps of the result, with room for the sums' rounding.
const TOL: f64 = 2e-14;

fn references() -> Vec<(String, f64, f64)> {
    let path = common::root().join("tests/reference/near_limit/near_limit.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<(String, f64, f64)> = text
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect();
    assert!(rows.len() > 150, "{} reference rows", rows.len());
    rows
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= TOL * want.abs().max(1e-300)
}

#[test]
fn measures_near_their_limits_match_high_precision_references() {
    let plain = Distribution::new(&X, None).unwrap();
    let weighted = Distribution::new(&X, Some(&WX)).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (site, p, want) in references() {
        let got = match site.as_str() {
            "ge" => plain.generalized_entropy(p).unwrap(),
            "ge_weighted" => weighted.generalized_entropy(p).unwrap(),
            "ge_between" => ge_decomposition(&X, None, &GROUPS, p).unwrap().between,
            "atkinson" => plain.atkinson(p).unwrap(),
            "atkinson_weighted" => weighted.atkinson(p).unwrap(),
            "power" => {
                let method = Aggregation::Power { r: p };
                let row = aggregate_row(&ROW, &ROW_W, &method, &MissingRule::default()).unwrap();
                // the whole-matrix path: the row and a constant row (its mean is its value)
                let mut out = [0.0; 2];
                let matrix: Vec<f64> = ROW.iter().flat_map(|&x| [x, 3.0]).collect();
                aggregate_units(
                    &matrix,
                    2,
                    &ROW_W,
                    &method,
                    &MissingRule::default(),
                    &mut out,
                )
                .unwrap();
                if !close(out[0], row) || !close(out[1], 3.0) {
                    failures.push(format!("power r = {p:e}: matrix path {out:?}, row {row}"));
                }
                let constant =
                    aggregate_row(&[3.0; 4], &ROW_W, &method, &MissingRule::default()).unwrap();
                if !close(constant, 3.0) {
                    failures.push(format!("power r = {p:e}: constant row 3 gives {constant}"));
                }
                row
            }
            other => panic!("unknown site {other}"),
        };
        checked += 1;
        if !close(got, want) {
            failures.push(format!(
                "{site}({p:e}) = {got:e}, reference {want:e} (relative error {:.1e})",
                (got - want).abs() / want.abs()
            ));
        }
    }
    assert!(checked > 150);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Continuity through the limit: the measure at the limit and at the nearest doubles on
/// either side agree to a few ulps (the reference differences there are below 1e-15).
#[test]
fn measures_are_continuous_through_their_limits() {
    let d = Distribution::new(&X, Some(&WX)).unwrap();
    let next_up = |x: f64| f64::from_bits(x.to_bits() + 1);
    let next_down = |x: f64| f64::from_bits(x.to_bits() - 1);
    for (limit, near) in [
        (0.0, [5e-324, -5e-324, 1e-300, -1e-300]),
        (
            1.0,
            [next_up(1.0), next_down(1.0), 1.0 + 1e-12, 1.0 - 1e-12],
        ),
    ] {
        let at = d.generalized_entropy(limit).unwrap();
        for a in near {
            let g = d.generalized_entropy(a).unwrap();
            assert!(
                (g - at).abs() <= 1e-11 * at,
                "GE({a:e}) = {g} vs GE({limit}) = {at}"
            );
        }
    }
    let at = d.atkinson(1.0).unwrap();
    for e in [next_up(1.0), next_down(1.0), 1.0 + 1e-12, 1.0 - 1e-12] {
        let a = d.atkinson(e).unwrap();
        assert!(
            (a - at).abs() <= 1e-11 * at,
            "A({e:e}) = {a} vs A(1) = {at}"
        );
    }
}

/// The mergeable summary holds each `x^α` rounded, so near the limit it can do no better
/// than about 2⁻⁵²/|α| absolute (documented); within 1e-8 of the limit it returns the
/// limit. Either way no longer −0 or 0.333 for 0.2125. Compared with the records' GE.
#[test]
fn the_summary_near_the_limit_is_within_its_documented_bound() {
    let alphas = [1e-15, 0.1 + 0.2 - 0.3, 1e-6, 1.0 + 1e-12, 1.0 - 1e-7, -1e-9];
    let s = Summary::from_records(&X, None, &alphas, MissingPolicy::Error).unwrap();
    // the records' GE (checked against the references above)
    let records = Distribution::new(&X, None).unwrap();
    for a in alphas {
        let got = s.generalized_entropy(a).unwrap();
        let exact = records.generalized_entropy(a).unwrap();
        let d = a.abs().min((a - 1.0).abs());
        let bound = (4.5e-16 / d).min(1e-8) + 1e-12;
        assert!(
            (got - exact).abs() <= bound,
            "summary GE({a:e}) = {got} vs {exact} (bound {bound:e})"
        );
    }
}
