//! The methods as Chinese evaluation practice uses them (issue 18): 熵权-TOPSIS with the
//! TOPSIS normalisation a choice and cost criteria (Hwang & Yoon 1981), the global entropy
//! method over a panel (全局熵值法), the minimum-relative-entropy and game-theoretic
//! combinations of subjective and objective weights, AHP consistency in the results and
//! obstacle degrees of dimensions in percent. Every expected value is worked out from the
//! formula in the comments (and was re-checked with a separate numpy script of the same
//! formulas, not with this crate).

use cpindex::data::Panel;
use cpindex::method::aggregate::{
    aggregate_units, aggregate_units_with_cost, Aggregation, MissingRule, TopsisNormalisation,
};
use cpindex::method::weight::{
    ahp, ahp_consistent, combine, game_theory_coefficients, Combination,
};
use cpindex::method::{run, Spec};
use cpindex::model::Framework;
use cpindex::Error;

fn close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= tol, "{a:?} vs {b:?}");
    }
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// index `toy` = econ (w 1) + social (w 1); econ = a (higher, w 1) + b (lower, w 1) [+ e
/// (higher, w 1) when `three`]; social = c (higher, w 2) + d (higher, w 1).
fn framework(three: bool) -> Framework {
    let ind = |id: &str, dim: &str, pol: &str, w: f64| {
        format!(
            r#"{{"id":"{id}","dimension":"{dim}","name_zh":"{id}","name_en":"{id}",
            "unit":{{"label":"x"}},"polarity":{{"type":"{pol}"}},"kind":"level","target":1,"weight":{w}}}"#
        )
    };
    let mut inds = vec![
        ind("a", "econ", "higher_is_better", 1.0),
        ind("b", "econ", "lower_is_better", 1.0),
    ];
    if three {
        inds.push(ind("e", "econ", "higher_is_better", 1.0));
    }
    inds.push(ind("c", "social", "higher_is_better", 2.0));
    inds.push(ind("d", "social", "higher_is_better", 1.0));
    let json = format!(
        r#"{{"id":"toy","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{{"id":"econ","name_zh":"e","name_en":"e","weight":1}},
                      {{"id":"social","name_zh":"s","name_en":"s","weight":1}}],
        "indicators":[{}]}}"#,
        inds.join(",")
    );
    Framework::from_json(&json).unwrap()
}

/// 3 units X, Y, Z in 2021: a = (10, 20, 30), b = (5, 1, 3) [lower better],
/// c = (100, 200, 400), d = (7, 7, 8) (and e = (1, 2, 4) when `three`).
fn panel(three: bool) -> Panel {
    let mut v = Vec::new();
    let mut names = vec!["a", "b"];
    v.extend([10.0, 20.0, 30.0]);
    v.extend([5.0, 1.0, 3.0]);
    if three {
        names.push("e");
        v.extend([1.0, 2.0, 4.0]);
    }
    names.extend(["c", "d"]);
    v.extend([100.0, 200.0, 400.0]);
    v.extend([7.0, 7.0, 8.0]);
    Panel::from_values(ids(&["X", "Y", "Z"]), vec![2021], ids(&names), v).unwrap()
}

// ---- TOPSIS ------------------------------------------------------------------------------

/// Oriented values (as from min–max to [0, 1]) of 3 units on 2 components, weights 0.6/0.4:
/// col₁ = (0, 0.5, 1), col₂ = (1, 0, 0.25). Column-major.
const M: [f64; 6] = [0.0, 0.5, 1.0, 1.0, 0.0, 0.25];
const W: [f64; 2] = [0.6, 0.4];

fn topsis(normalisation: TopsisNormalisation) -> Vec<f64> {
    let mut out = vec![0.0; 3];
    aggregate_units(
        &M,
        3,
        &W,
        &Aggregation::Topsis { normalisation },
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    out
}

#[test]
fn topsis_without_vector_normalisation_is_entropy_topsis_practice() {
    // none: v = w·x: v₁ = (0, 0.3, 0.6), v₂ = (0.4, 0, 0.1); A⁺ = (0.6, 0.4), A⁻ = (0, 0).
    //   X: D⁺ = √(0.36 + 0) = 0.6, D⁻ = √(0 + 0.16) = 0.4          → C = 0.4/1.0 = 0.4
    //   Y: D⁺ = √(0.09 + 0.16) = 0.5, D⁻ = √0.09 = 0.3             → C = 0.3/0.8 = 0.375
    //   Z: D⁺ = √0.09 = 0.3, D⁻ = √(0.36 + 0.01) = 0.6082763        → C = 0.6082763/0.9082763
    close(
        &topsis(TopsisNormalisation::None),
        &[0.4, 0.375, 0.37f64.sqrt() / (0.3 + 0.37f64.sqrt())],
        1e-12,
    );
}

#[test]
fn topsis_vector_normalisation_stays_the_default_and_matches_hwang_yoon() {
    // vector: ‖col₁‖ = √1.25, ‖col₂‖ = √1.0625; a = 0.6/√1.25 = 0.5366563,
    // b = 0.4/√1.0625 = 0.3880570. v₁ = (0, 0.5a, a), v₂ = (b, 0, 0.25b); A⁺ = (a, b), A⁻ = 0.
    //   X: D⁺ = a, D⁻ = b                                → C = b/(a + b) = 0.4196511
    //   Y: D⁺ = √(0.25a² + b²) = 0.4717921, D⁻ = 0.5a    → C = 0.3625465
    //   Z: D⁺ = 0.75b, D⁻ = √(a² + 0.0625b²) = 0.5453553 → C = 0.6520282
    let a = 0.6 / 1.25f64.sqrt();
    let b = 0.4 / 1.0625f64.sqrt();
    let want = [
        b / (a + b),
        0.5 * a / ((0.25 * a * a + b * b).sqrt() + 0.5 * a),
        (a * a + 0.0625 * b * b).sqrt() / (0.75 * b + (a * a + 0.0625 * b * b).sqrt()),
    ];
    close(&topsis(TopsisNormalisation::Vector), &want, 1e-12);
    close(&want, &[0.4196511, 0.3625465, 0.6520282], 1e-7);
    // the JSON default is the vector form
    let agg: Aggregation = serde_json::from_str(r#"{"method": "topsis"}"#).unwrap();
    assert_eq!(
        agg,
        Aggregation::Topsis {
            normalisation: TopsisNormalisation::Vector
        }
    );
    // sum: v₁ = 0.6·col₁/1.5 = (0, 0.2, 0.4), v₂ = 0.4·col₂/1.25 = (0.32, 0, 0.08)
    //   X: D⁺ = 0.4, D⁻ = 0.32 → C = 0.32/0.72 = 0.4444444
    close(
        &topsis(TopsisNormalisation::Sum)[..1],
        &[0.32 / 0.72],
        1e-12,
    );
}

#[test]
fn topsis_cost_criteria_take_the_minimum_as_ideal() {
    // Hwang & Yoon (1981) step 4: for a cost criterion A⁺ = min v, A⁻ = max v.
    // Raw a = (10, 20, 30) benefit, b = (5, 1, 3) cost, weights ½, ½, vector normalisation:
    // v_a = 0.5·a/√1400 = (0.1336306, 0.2672612, 0.4008919),
    // v_b = 0.5·b/√35   = (0.4225771, 0.0845154, 0.2535463);
    // A⁺ = (0.4008919, 0.0845154), A⁻ = (0.1336306, 0.4225771).
    //   X: D⁻ = 0 → C = 0
    //   Y: D⁺ = 0.1336306, D⁻ = √(0.1336306² + 0.3380617²) = 0.3635146 → C = 0.7312040
    //   Z: D⁺ = 0.1690309, D⁻ = √(0.2672612² + 0.1690309²) = 0.3162278 → C = 0.6516685
    let raw = [10.0, 20.0, 30.0, 5.0, 1.0, 3.0];
    let mut out = vec![0.0; 3];
    aggregate_units_with_cost(
        &raw,
        3,
        &[1.0, 1.0],
        &Aggregation::Topsis {
            normalisation: TopsisNormalisation::Vector,
        },
        &MissingRule::default(),
        Some(&[false, true]),
        &mut out,
    )
    .unwrap();
    let (va, vb) = (0.5 / 1400f64.sqrt(), 0.5 / 35f64.sqrt());
    let y = {
        let dp = 10.0 * va;
        let dm = ((10.0 * va).powi(2) + (4.0 * vb).powi(2)).sqrt();
        dm / (dp + dm)
    };
    let z = {
        let dp = 2.0 * vb;
        let dm = ((20.0 * va).powi(2) + (2.0 * vb).powi(2)).sqrt();
        dm / (dp + dm)
    };
    close(&out, &[0.0, y, z], 1e-12);
    close(&out, &[0.0, 0.7312040, 0.6516685], 1e-7);
    // the flags must match the components
    assert!(matches!(
        aggregate_units_with_cost(
            &raw,
            3,
            &[1.0, 1.0],
            &Aggregation::Topsis {
                normalisation: TopsisNormalisation::Vector
            },
            &MissingRule::default(),
            Some(&[true]),
            &mut out,
        ),
        Err(Error::LengthMismatch { .. })
    ));

    // In the pipeline: `identity` keeps raw values, and TOPSIS reads b's polarity.
    let spec = Spec::from_json(
        r#"{"treatment": {"enabled": false},
            "normalisation": {"default": {"method": "identity"}},
            "aggregation": {"levels": [{"method": {"method": "topsis", "normalisation": "vector"}}]}}"#,
    )
    .unwrap();
    let r = run(&framework(false), &panel(false), &spec).unwrap();
    close(r.scores_for("econ", 2021).unwrap(), &[0.0, y, z], 1e-12);
}

#[test]
fn topsis_spec_members_are_checked() {
    let e = Spec::from_json(
        r#"{"aggregation": {"default": {"method": {"method": "topsis", "normalization": "none"}}}}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidSpec { field, .. } if field.contains("normalization")),
        "{e}"
    );
    let e = Spec::from_json(
        r#"{"aggregation": {"default": {"method": {"method": "topsis", "normalisation": "l2"}}}}"#,
    )
    .unwrap_err();
    assert!(matches!(e, Error::InvalidSpec { .. }), "{e}");
}

// ---- global entropy (全局熵值法) ------------------------------------------------------------

#[test]
fn global_entropy_one_min_max_over_all_years_then_entropy() {
    // Two periods, indicators a (higher) and b (lower) of dimension econ (c, d absent).
    //   a: 2021 (10, 20, 30), 2022 (20, 30, 40)   b: 2021 (5, 1, 3), 2022 (4, 2, 1)
    // One min–max over all six unit-years to [0, 1]:
    //   a' = (x − 10)/30 → 2021 (0, 1/3, 2/3), 2022 (1/3, 2/3, 1)
    //   b' = (5 − x)/4   → 2021 (0, 1, 1/2),   2022 (1/4, 3/4, 1)
    // Entropy over the 6 rows, k = 1/ln 6:
    //   a': Σ = 3, p = (0, 1/9, 2/9, 1/9, 2/9, 1/3); −Σ p ln p = 1.5229551 → e_a = 0.8499774
    //   b': Σ = 3.5, p = (0, 2/7, 1/7, 1/14, 3/14, 2/7); −Σ p ln p = 1.5124514 → e_b = 0.8441151
    //   w_a = (1 − e_a)/(2 − e_a − e_b) = 0.4904181, w_b = 0.5095819
    // econ = w_a a' + w_b b' (arithmetic): 2021 (0, w_a/3 + w_b, 2w_a/3 + w_b/2),
    // 2022 (w_a/3 + w_b/4, 2w_a/3 + 3w_b/4, 1).
    // flat index (indicator · n_periods + period) · n_units + unit
    let p = Panel::from_values(
        ids(&["X", "Y", "Z"]),
        vec![2021, 2022],
        ids(&["a", "b"]),
        vec![
            10.0, 20.0, 30.0, 20.0, 30.0, 40.0, // a
            5.0, 1.0, 3.0, 4.0, 2.0, 1.0, // b
        ],
    )
    .unwrap();
    let spec = Spec::from_json(
        r#"{"treatment": {"enabled": false},
            "normalisation": {"default": {"method": "min_max", "low": 0, "high": 1}, "pooled": true},
            "weighting": {"indicators": {"method": "entropy"}, "scope": "global", "pooled": true}}"#,
    )
    .unwrap();
    let r = run(&framework(false), &p, &spec).unwrap();
    close(
        r.normalised_for("a", 2022).unwrap(),
        &[1.0 / 3.0, 2.0 / 3.0, 1.0],
        1e-12,
    );
    close(
        r.normalised_for("b", 2021).unwrap(),
        &[0.0, 1.0, 0.5],
        1e-12,
    );
    let plogp = |ps: &[f64]| -> f64 { ps.iter().map(|p| p * p.ln()).sum::<f64>() };
    let k = 1.0 / 6f64.ln();
    let ea = -k * plogp(&[1.0 / 9.0, 2.0 / 9.0, 1.0 / 9.0, 2.0 / 9.0, 1.0 / 3.0]);
    let eb = -k * plogp(&[2.0 / 7.0, 1.0 / 7.0, 1.0 / 14.0, 3.0 / 14.0, 2.0 / 7.0]);
    close(&[ea, eb], &[0.8499774, 0.8441151], 1e-7);
    let wa = (1.0 - ea) / (2.0 - ea - eb);
    let wb = 1.0 - wa;
    let w: Vec<f64> = r
        .weights
        .iter()
        .filter(|x| x.node == "econ" && x.period == 2022)
        .map(|x| x.normalised)
        .collect();
    close(&w, &[wa, wb], 1e-12);
    close(
        r.scores_for("econ", 2021).unwrap(),
        &[0.0, wa / 3.0 + wb, 2.0 * wa / 3.0 + wb / 2.0],
        1e-12,
    );
    close(
        r.scores_for("econ", 2022).unwrap(),
        &[wa / 3.0 + wb / 4.0, 2.0 * wa / 3.0 + 0.75 * wb, 1.0],
        1e-12,
    );
    // Today's `weighting.pooled` alone stacks each year's own min–max: a different result
    // (per-year a' = (0, ½, 1) both years, b' = (0, 1, ½), (0, ⅔, 1)).
    let per_year = Spec::from_json(
        r#"{"treatment": {"enabled": false},
            "normalisation": {"default": {"method": "min_max", "low": 0, "high": 1}},
            "weighting": {"indicators": {"method": "entropy"}, "scope": "global", "pooled": true}}"#,
    )
    .unwrap();
    let r2 = run(&framework(false), &p, &per_year).unwrap();
    close(
        r2.normalised_for("a", 2022).unwrap(),
        &[0.0, 0.5, 1.0],
        1e-12,
    );
    // distance_to_reference cannot be pooled
    let e = Spec::from_json(
        r#"{"normalisation": {"default": {"method": "distance_to_reference", "unit": "X"}, "pooled": true}}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidSpec { field, .. } if field == "normalisation.default"),
        "{e}"
    );
}

// ---- combined weights ----------------------------------------------------------------------

#[test]
fn minimum_relative_entropy_combination() {
    // w_j ∝ √(w_sj·w_oj): √0.12 = 0.3464102, √0.09 = 0.3, √0.05 = 0.2236068; Σ = 0.8700170
    // → (0.3981648, 0.3448209, 0.2570143)
    let w = combine(
        &[0.6, 0.3, 0.1],
        &[0.2, 0.3, 0.5],
        Combination::MinRelativeEntropy,
    )
    .unwrap();
    let s = 0.12f64.sqrt() + 0.3 + 0.05f64.sqrt();
    close(
        &w,
        &[0.12f64.sqrt() / s, 0.3 / s, 0.05f64.sqrt() / s],
        1e-15,
    );
    close(&w, &[0.3981648, 0.3448209, 0.2570143], 1e-7);
    assert!(matches!(
        combine(&[1.0, 0.0], &[0.0, 1.0], Combination::MinRelativeEntropy),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn game_theory_combination() {
    // u₁ = (0.6, 0.3, 0.1), u₂ = (0.2, 0.3, 0.5): u₁·u₁ = 0.46, u₁·u₂ = 0.26, u₂·u₂ = 0.38.
    // [0.46 0.26; 0.26 0.38] α = (0.46, 0.38): det = 0.1072,
    // α₁ = (0.46·0.38 − 0.26·0.38)/0.1072 = 0.076/0.1072, α₂ = (0.46·0.38 − 0.26·0.46)/0.1072
    // = 0.0552/0.1072; normalised α* = (0.076, 0.0552)/0.1312 = (0.5792683, 0.4207317);
    // w = α*₁u₁ + α*₂u₂ = (0.4317073, 0.3, 0.2682927).
    let (a1, a2) = game_theory_coefficients(&[0.6, 0.3, 0.1], &[0.2, 0.3, 0.5]);
    close(&[a1, a2], &[0.076 / 0.1312, 0.0552 / 0.1312], 1e-14);
    let w = combine(&[0.6, 0.3, 0.1], &[0.2, 0.3, 0.5], Combination::GameTheory).unwrap();
    close(&w, &[0.4317073, 0.3, 0.2682927], 1e-7);
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    // identical inputs: a singular system, and any combination is the input itself
    let w = combine(&[0.5, 0.5], &[1.0, 1.0], Combination::GameTheory).unwrap();
    close(&w, &[0.5, 0.5], 1e-15);
    // through the spec
    let spec = Spec::from_json(
        r#"{"weighting": {"indicators": {"method": "combined", "subjective": {"method": "manual"},
            "objective": {"method": "entropy"}, "rule": {"rule": "game_theory"}}}}"#,
    )
    .unwrap();
    assert!(spec.to_json().contains("game_theory"));
    let spec = Spec::from_json(
        r#"{"weighting": {"indicators": {"method": "combined", "subjective": {"method": "manual"},
            "objective": {"method": "entropy"}, "rule": {"rule": "min_relative_entropy"}}}}"#,
    )
    .unwrap();
    assert!(run(&framework(false), &panel(false), &spec).is_ok());
}

// ---- AHP consistency ---------------------------------------------------------------------

#[test]
fn ahp_consistency_is_reported_and_cr_of_one_tenth_passes() {
    // For a 3 × 3 reciprocal matrix with a₁₂ = p, a₁₃ = q, a₂₃ = s, λ_max = 1 + t + 1/t with
    // t = (p·s/q)^(1/3), and the weights are the normalised row geometric means
    // (Crawford & Williams 1985). p = 2, q = 4, s = 3: t = 1.5^(1/3) = 1.1447142,
    // λ_max = 3.0182947, CI = (λ − 3)/2 = 0.0091474, CR = CI/0.58 = 0.0157713;
    // row GMs (2, 1.5^(1/3), (1/12)^(1/3)) → w = (0.5584245, 0.3196183, 0.1219572).
    let t = 1.5f64.cbrt();
    let lambda = 1.0 + t + 1.0 / t;
    let spec = Spec::from_json(
        r#"{"weighting": {"nodes": {"econ": {"method": "ahp",
            "matrix": [[1, 2, 4], [0.5, 1, 3], [0.25, 0.3333333333333333, 1]]}}}}"#,
    )
    .unwrap();
    let r = run(&framework(true), &panel(true), &spec).unwrap();
    assert_eq!(r.ahp.len(), 1);
    let a = &r.ahp[0];
    assert_eq!(
        (a.node.as_str(), a.field.as_str(), a.n),
        ("econ", "weighting.nodes.econ", 3)
    );
    close(
        &[a.lambda_max, a.ci, a.ri, a.cr],
        &[
            lambda,
            (lambda - 3.0) / 2.0,
            0.58,
            (lambda - 3.0) / 2.0 / 0.58,
        ],
        1e-9,
    );
    close(&[a.cr], &[0.0157713], 1e-7);
    assert!(a.consistent);
    let gm = [2.0, t, (1.0f64 / 12.0).cbrt()];
    let s: f64 = gm.iter().sum();
    let w: Vec<f64> = r
        .weights
        .iter()
        .filter(|x| x.node == "econ")
        .map(|x| x.normalised)
        .collect();
    close(&w, &[gm[0] / s, gm[1] / s, gm[2] / s], 1e-9);
    assert!(r.to_json().contains("\"lambda_max\""));

    // CR = 0.10 exactly: t + 1/t = 2 + 2·0.58·0.10 = 2.116 → t = 1.4034910; take
    // p = t³ = 2.7645780, q = s = 1.
    let t = (2.116 + (2.116f64 * 2.116 - 4.0).sqrt()) / 2.0;
    let p = t.powi(3);
    let m = [1.0, p, 1.0, 1.0 / p, 1.0, 1.0, 1.0, 1.0, 1.0];
    let a = ahp(&m, 3, false).expect("CR = 0.10 passes (Saaty: CR ≤ 0.10)");
    assert!((a.cr - 0.10).abs() < 1e-9, "{}", a.cr);
    assert!(ahp_consistent(0.10));
    assert!(!ahp_consistent(0.1001));
    // a little more inconsistency is refused
    let p = (t * 1.01).powi(3);
    let m = [1.0, p, 1.0, 1.0 / p, 1.0, 1.0, 1.0, 1.0, 1.0];
    assert!(matches!(ahp(&m, 3, false), Err(Error::InvalidSpec { .. })));
}

#[test]
fn ahp_errors_name_the_matrix_by_its_path_in_the_spec() {
    // a₁₂ = 9, a₁₃ = 1/9, a₂₃ = 9: t = (9·9·9)^(1/3) = 9, λ_max = 1 + 9 + 1/9, CR ≈ 6.1 > 0.10
    // (formula of the test above); then a matrix that is not reciprocal (a₂₁ ≠ 1/a₁₂)
    for (matrix, words) in [
        (
            "[[1, 9, 0.1111111111111111], [0.1111111111111111, 1, 9], [9, 0.1111111111111111, 1]]",
            "consistency ratio",
        ),
        (
            "[[1, 2, 4], [2, 1, 3], [0.25, 0.3333333333333333, 1]]",
            "not reciprocal",
        ),
    ] {
        let spec = Spec::from_json(&format!(
            r#"{{"weighting": {{"nodes": {{"econ": {{"method": "ahp", "matrix": {matrix}}}}}}}}}"#
        ))
        .unwrap();
        match run(&framework(true), &panel(true), &spec) {
            Err(Error::InvalidSpec { field, message }) => {
                assert_eq!(field, "weighting.nodes.econ.matrix", "{message}");
                assert!(message.contains(words), "{message}");
            }
            other => panic!("expected an AHP error, got {:?}", other.map(|_| ())),
        }
    }
}

// ---- obstacle degrees of dimensions ----------------------------------------------------------

#[test]
fn dimension_obstacle_degrees_in_percent() {
    // Default min–max to [0, 100]: a' = (0, 50, 100), b' = (0, 100, 50), c' = (0, 33.3, 100),
    // d' = (0, 0, 100); effective weights a ¼, b ¼, c ⅓, d ⅙. Gaps w(1 − y/100):
    //   X: (¼, ¼, ⅓, ⅙), Σ = 1 → econ 50 %, social 50 %
    //   Y: (⅛, 0, 2/9, ⅙), Σ = 37/72 → a 9/37, c 16/37, d 12/37 → econ 9/37, social 28/37
    //   Z: (0, ⅛, 0, 0) → b 100 %, econ 100 %, social 0
    let spec = Spec::from_json(r#"{"outputs": {"obstacle_scale": "percent"}}"#).unwrap();
    let r = run(&framework(false), &panel(false), &spec).unwrap();
    close(
        r.obstacles_for("c", 2021).unwrap(),
        &[100.0 / 3.0, 1600.0 / 37.0, 0.0],
        1e-9,
    );
    close(
        r.dimension_obstacles_for("econ", 2021).unwrap(),
        &[50.0, 900.0 / 37.0, 100.0],
        1e-9,
    );
    close(
        r.dimension_obstacles_for("social", 2021).unwrap(),
        &[50.0, 2800.0 / 37.0, 0.0],
        1e-9,
    );
    assert!(r.dimension_obstacles_for("toy", 2021).is_none());
    // shares by default
    let r = run(&framework(false), &panel(false), &Spec::default()).unwrap();
    close(
        r.dimension_obstacles_for("econ", 2021).unwrap(),
        &[0.5, 9.0 / 37.0, 1.0],
        1e-12,
    );
    let e = Spec::from_json(r#"{"outputs": {"obstacle_scale": "per_mille"}}"#).unwrap_err();
    assert!(matches!(e, Error::InvalidSpec { .. }), "{e}");
}
