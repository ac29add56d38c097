//! Tests for `cpindex::method::weight` against published examples and an independent
//! numpy implementation (numpy 2.4.6, Python 3.11.7; script in the comments).

use cpindex::method::weight::{
    ahp, coefficient_of_variation, combine, critic, data_weights, entropy, equal,
    normalise_weights, pca, standard_deviation, Combination, LnZero, PcaNormalisation, Weighting,
};
use cpindex::Error;

const NAN: f64 = f64::NAN;

/// Row-major rows → column-major flat matrix.
fn col_major(rows: &[&[f64]]) -> (Vec<f64>, usize) {
    let n = rows.len();
    let m = rows[0].len();
    let mut v = vec![0.0; n * m];
    for (u, r) in rows.iter().enumerate() {
        for j in 0..m {
            v[j * n + u] = r[j];
        }
    }
    (v, n)
}

fn assert_close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol,
            "#{k}: got {g}, want {w} (all {got:?})"
        );
    }
}

/// Min–max every column to [0, 1] (profit direction), column-major.
fn min_max(v: &mut [f64], n: usize) {
    for col in v.chunks_mut(n) {
        let lo = col.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = col.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        col.iter_mut().for_each(|x| *x = (*x - lo) / (hi - lo));
    }
}

#[test]
fn entropy_xu_2004_published_example() {
    // Xu, X. (2004), "A note on the subjective and objective integrated approach to
    // determine attribute weights", EJOR 156(2):530–532; weights as tabulated in the
    // pyrepo-mcda test suite: (0.4630, 0.3992, 0.1378, 0.0000), p_ij = x_ij/Σ x_ij on the
    // raw matrix. Also reproduced with numpy:
    //   P = X/X.sum(0); e = -(P*log P).sum(0)/log(n); d = 1-e; w = d/d.sum()
    let (m, n) = col_major(&[
        &[30.0, 30.0, 38.0, 29.0],
        &[19.0, 54.0, 86.0, 29.0],
        &[19.0, 15.0, 85.0, 28.9],
        &[68.0, 70.0, 60.0, 29.0],
    ]);
    let w = entropy(&m, n, LnZero::ZeroTimesLnZeroIsZero).unwrap();
    assert_close(&w.weights, &[0.4630, 0.3992, 0.1378, 0.0000], 5e-5);
    assert_eq!(w.n_rows_used, 4);
}

#[test]
fn entropy_zavadskas_podvezko_2016() {
    // Zavadskas & Podvezko (2016), IJITDM 15(02):267–283, as tabulated in pyrepo-mcda:
    // (0.1146, 0.1981, 0.4185, 0.2689); numpy script above gives the same.
    let (m, n) = col_major(&[
        &[3.0, 100.0, 10.0, 7.0],
        &[2.5, 80.0, 8.0, 5.0],
        &[1.8, 50.0, 20.0, 11.0],
        &[2.2, 70.0, 12.0, 9.0],
    ]);
    let w = data_weights(
        &m,
        n,
        &Weighting::Entropy {
            ln_zero: LnZero::default(),
        },
    )
    .unwrap();
    assert_close(&w.weights, &[0.1146, 0.1981, 0.4185, 0.2689], 5e-5);
}

#[test]
fn entropy_zero_convention_shift_and_degenerate_columns() {
    // Column A = (0, 1): p = (0, 1), 0·ln 0 := 0 → e = 0 → d = 1.
    // Column B = (1, 1): constant → e = 1, d = 0. So w = (1, 0).
    let m = [0.0, 1.0, 1.0, 1.0];
    let w = entropy(&m, 2, LnZero::ZeroTimesLnZeroIsZero).unwrap();
    assert_close(&w.weights, &[1.0, 0.0], 1e-12);
    assert_close(&w.criterion, &[0.0, 1.0], 1e-12);
    assert_eq!(w.notes.len(), 1);
    // Shift ε = 1: A = (1, 2)/3 → e = −(⅓ln⅓ + ⅔ln⅔)/ln 2 = 0.9182958340544896 (hand/numpy),
    // B constant → weight 0; so A still gets everything, but e changes.
    let w = entropy(&m, 2, LnZero::Shift { epsilon: 1.0 }).unwrap();
    assert!((w.criterion[0] - 0.918_295_834_054_489_6).abs() < 1e-12);
    assert_close(&w.weights, &[1.0, 0.0], 1e-12);
    // All columns constant → equal weights with a note.
    let w = entropy(&[2.0, 2.0, 5.0, 5.0], 2, LnZero::default()).unwrap();
    assert_close(&w.weights, &[0.5, 0.5], 1e-12);
    assert!(w.notes.iter().any(|s| s.contains("equal weights")));
    // n = 1 → every column "fewer than 2 values" → equal weights.
    let w = entropy(&[3.0, 4.0], 1, LnZero::default()).unwrap();
    assert_close(&w.weights, &[0.5, 0.5], 1e-12);
    // All-zero column (zero sum) → weight 0.
    let w = entropy(&[0.0, 0.0, 1.0, 3.0], 2, LnZero::default()).unwrap();
    assert_close(&w.weights, &[0.0, 1.0], 1e-12);
    // Missing values: column-wise (NaN skipped, k = 1/ln n_j).
    let w = entropy(&[0.0, 1.0, NAN, 3.0, 3.0, 3.0], 3, LnZero::default()).unwrap();
    assert_close(&w.weights, &[1.0, 0.0], 1e-12);
    // Errors: negative value, bad epsilon, ±inf, empty.
    assert!(matches!(
        entropy(&[-1.0, 1.0], 2, LnZero::default()),
        Err(Error::InvalidValue { .. })
    ));
    assert!(matches!(
        entropy(&[1.0, 1.0], 2, LnZero::Shift { epsilon: 0.0 }),
        Err(Error::InvalidSpec { .. })
    ));
    assert!(matches!(
        entropy(&[f64::INFINITY, 1.0], 2, LnZero::default()),
        Err(Error::InvalidValue { .. })
    ));
    assert!(matches!(
        entropy(&[], 2, LnZero::default()),
        Err(Error::Empty { .. })
    ));
    assert!(matches!(
        entropy(&[1.0, 2.0, 3.0], 2, LnZero::default()),
        Err(Error::LengthMismatch { .. })
    ));
}

#[test]
fn critic_tus_aytac_adali_2019() {
    // Tuş & Aytaç Adalı (2019), Opsearch 56(2):528–538, weights as tabulated in the
    // pyrepo-mcda test suite: (0.157, 0.249, 0.168, 0.121, 0.154, 0.151), computed on the
    // min–max normalised matrix (every column as profit). numpy check:
    //   N = (X-X.min(0))/(X.max(0)-X.min(0)); s = N.std(0, ddof=1)
    //   r = np.corrcoef(N, rowvar=False); C = s*(1-r).sum(0); w = C/C.sum()
    let (mut m, n) = col_major(&[
        &[5000.0, 3.0, 3.0, 4.0, 3.0, 2.0],
        &[680.0, 5.0, 3.0, 2.0, 2.0, 1.0],
        &[2000.0, 3.0, 2.0, 3.0, 4.0, 3.0],
        &[600.0, 4.0, 3.0, 1.0, 2.0, 2.0],
        &[800.0, 2.0, 4.0, 3.0, 3.0, 4.0],
    ]);
    min_max(&mut m, n);
    let w = critic(&m, n).unwrap();
    assert_close(
        &w.weights,
        &[0.157, 0.249, 0.168, 0.121, 0.154, 0.151],
        5e-4,
    );
    assert_eq!(w.n_rows_used, 5);
}

#[test]
fn critic_listwise_constant_and_too_few_rows() {
    // A constant column gets C = 0. Two other columns perfectly correlated (r = 1):
    // C_j = σ_j·((1−1) + (1−0)) = σ_j (the constant column contributes r = 0).
    // a = (0, 1, 2), b = (0, 2, 4) → σ_a = 1, σ_b = 2 → w = (1/3, 2/3, 0).
    let m = [0.0, 1.0, 2.0, 0.0, 2.0, 4.0, 5.0, 5.0, 5.0];
    let w = critic(&m, 3).unwrap();
    assert_close(&w.weights, &[1.0 / 3.0, 2.0 / 3.0, 0.0], 1e-12);
    // A NaN drops its whole row (listwise): add a 4th row with NaN → same answer.
    let m = [0.0, 1.0, 2.0, 9.0, 0.0, 2.0, 4.0, NAN, 5.0, 5.0, 5.0, 1.0];
    let w = critic(&m, 4).unwrap();
    assert_close(&w.weights, &[1.0 / 3.0, 2.0 / 3.0, 0.0], 1e-12);
    assert_eq!(w.n_rows_used, 3);
    // Fewer than 2 complete rows → Empty.
    assert!(matches!(
        critic(&[1.0, NAN, 2.0, 3.0], 2),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn sd_and_cv_weights() {
    // a = (1, 2, 3): s = 1, mean 2 → V = 0.5 ; b = (2, 4, 6): s = 2, mean 4 → V = 0.5
    // SD weights: (1/3, 2/3); CV weights: (0.5, 0.5).
    let m = [1.0, 2.0, 3.0, 2.0, 4.0, 6.0];
    let w = standard_deviation(&m, 3).unwrap();
    assert_close(&w.weights, &[1.0 / 3.0, 2.0 / 3.0], 1e-12);
    let w = coefficient_of_variation(&m, 3).unwrap();
    assert_close(&w.weights, &[0.5, 0.5], 1e-12);
    // zero mean with spread → error
    assert!(matches!(
        coefficient_of_variation(&[-1.0, 1.0, 1.0, 2.0], 2),
        Err(Error::InvalidValue { .. })
    ));
}

#[test]
fn ahp_textbook_matrix_matches_numpy_eigenvector() {
    // A = [[1,3,5],[1/3,1,3],[1/5,1/3,1]]; numpy.linalg.eig principal eigenvector
    // normalised to sum 1: (0.6369855717, 0.2582849944, 0.1047294339), λ = 3.0385110906,
    // CI = 0.0192555453, CR = CI/0.58 = 0.0331992160.
    let a = [1.0, 3.0, 5.0, 1.0 / 3.0, 1.0, 3.0, 0.2, 1.0 / 3.0, 1.0];
    let r = ahp(&a, 3, false).unwrap();
    assert_close(
        &r.weights,
        &[0.6369855717, 0.2582849944, 0.1047294339],
        1e-9,
    );
    assert!((r.lambda_max - 3.0385110906).abs() < 1e-9);
    assert!((r.ci - 0.0192555453).abs() < 1e-9);
    assert!((r.cr - 0.0331992160).abs() < 1e-9);
    assert_eq!(r.ri, 0.58);
}

#[test]
fn ahp_inconsistent_rejected_unless_allowed() {
    // B = [[1,5,6,7],[1/5,1,4,6],[1/6,1/4,1,4],[1/7,1/6,1/4,1]]: numpy gives λ = 4.3907302186,
    // CI = 0.1302434062, CR = 0.1447148958 ≥ 0.10; weights
    // (0.6186687796, 0.2353228216, 0.1009339729, 0.0450744258).
    let b = [
        1.0,
        5.0,
        6.0,
        7.0,
        0.2,
        1.0,
        4.0,
        6.0,
        1.0 / 6.0,
        0.25,
        1.0,
        4.0,
        1.0 / 7.0,
        1.0 / 6.0,
        0.25,
        1.0,
    ];
    let e = ahp(&b, 4, false).unwrap_err();
    assert!(matches!(e, Error::InvalidSpec { .. }));
    assert!(e.to_string().contains("CR = 0.1447"), "{e}");
    let r = ahp(&b, 4, true).unwrap();
    assert!((r.cr - 0.1447148958).abs() < 1e-9);
    assert_close(
        &r.weights,
        &[0.6186687796, 0.2353228216, 0.1009339729, 0.0450744258],
        1e-9,
    );
}

#[test]
fn ahp_validation_and_small_orders() {
    // Non-reciprocal
    let bad = [1.0, 2.0, 2.0, 1.0];
    assert!(matches!(
        ahp(&bad, 2, false),
        Err(Error::InvalidSpec { .. })
    ));
    // Non-positive
    assert!(matches!(
        ahp(&[1.0, 0.0, 0.0, 1.0], 2, false),
        Err(Error::InvalidValue { .. })
    ));
    // Wrong size
    assert!(matches!(
        ahp(&[1.0, 2.0], 2, false),
        Err(Error::LengthMismatch { .. })
    ));
    // m = 2: a12 = 3 → w = (0.75, 0.25), CR = 0
    let r = ahp(&[1.0, 3.0, 1.0 / 3.0, 1.0], 2, false).unwrap();
    assert_close(&r.weights, &[0.75, 0.25], 1e-12);
    assert_eq!(r.cr, 0.0);
    // m = 1
    let r = ahp(&[1.0], 1, false).unwrap();
    assert_eq!(r.weights, vec![1.0]);
}

#[test]
fn pca_first_component_matches_numpy() {
    // X (5×3) below; numpy: R = corrcoef(X); eigh → λ1 = 2.0364851742,
    // v = (0.7001311709, 0.6474586228, −0.3010210546) (sign: Σv ≥ 0);
    // squared: (0.4901836565, 0.4192026682, 0.0906136753);
    // absolute: (0.4246794637, 0.3927298085, 0.1825907278).
    let (m, n) = col_major(&[
        &[1.0, 2.0, 3.5],
        &[2.0, 2.5, 2.0],
        &[3.0, 4.5, 4.0],
        &[4.0, 4.0, 1.0],
        &[5.0, 6.0, 2.5],
    ]);
    let w = pca(&m, n, PcaNormalisation::SquaredLoading).unwrap();
    assert_close(
        &w.weights,
        &[0.4901836565, 0.4192026682, 0.0906136753],
        1e-8,
    );
    let s = 2.0364851742f64.sqrt();
    assert_close(
        &w.criterion,
        &[0.7001311709 * s, 0.6474586228 * s, -0.3010210546 * s],
        1e-8,
    );
    let w = pca(&m, n, PcaNormalisation::AbsoluteLoading).unwrap();
    assert_close(
        &w.weights,
        &[0.4246794637, 0.3927298085, 0.1825907278],
        1e-8,
    );
    assert!(matches!(
        pca(&[1.0, 2.0], 1, PcaNormalisation::default()),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn equal_manual_and_combined() {
    assert_eq!(equal(4).unwrap(), vec![0.25; 4]);
    assert!(matches!(equal(0), Err(Error::Empty { .. })));
    assert_close(
        &normalise_weights(&[2.0, 6.0], "dim").unwrap(),
        &[0.25, 0.75],
        1e-15,
    );
    assert!(matches!(
        normalise_weights(&[1.0, -1.0], "dim"),
        Err(Error::InvalidValue { .. })
    ));
    assert!(matches!(
        normalise_weights(&[0.0, 0.0], "dim"),
        Err(Error::InvalidArgument { .. })
    ));
    // linear α = 0.5 of (0.2, 0.8) and (0.6, 0.4) → (0.4, 0.6)
    let w = combine(&[0.2, 0.8], &[0.6, 0.4], Combination::Linear { alpha: 0.5 }).unwrap();
    assert_close(&w, &[0.4, 0.6], 1e-12);
    // multiplicative: (0.12, 0.32)/0.44 → (0.272727…, 0.727272…)
    let w = combine(&[0.2, 0.8], &[0.6, 0.4], Combination::Multiplicative).unwrap();
    assert_close(&w, &[0.12 / 0.44, 0.32 / 0.44], 1e-12);
    assert!(matches!(
        combine(&[1.0, 0.0], &[0.0, 1.0], Combination::Multiplicative),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        combine(&[1.0], &[1.0], Combination::Linear { alpha: 1.5 }),
        Err(Error::InvalidSpec { .. })
    ));
    assert!(matches!(
        combine(&[1.0], &[1.0, 2.0], Combination::Multiplicative),
        Err(Error::LengthMismatch { .. })
    ));
}

#[test]
fn pooled_weights_accept_stacked_periods() {
    // Stacking two periods of 2 units = 4 rows; entropy over all rows equals entropy of
    // the 4-row matrix (no per-period drift). Column A = (0,1,0,1), B = (1,1,1,1):
    // A: p = (0, ½, 0, ½) → e = ln2/ln4 = 0.5; B constant → e = 1 → w = (1, 0).
    let m = [0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    let w = entropy(&m, 4, LnZero::default()).unwrap();
    assert!((w.criterion[0] - 0.5).abs() < 1e-12);
    assert_close(&w.weights, &[1.0, 0.0], 1e-12);
}

#[test]
fn weighting_spec_json() {
    let w: Weighting = serde_json::from_str(
        r#"{"method":"entropy","ln_zero":{"convention":"shift","epsilon":0.0001}}"#,
    )
    .unwrap();
    assert_eq!(
        w,
        Weighting::Entropy {
            ln_zero: LnZero::Shift { epsilon: 0.0001 }
        }
    );
    let w: Weighting = serde_json::from_str(r#"{"method":"entropy"}"#).unwrap();
    assert_eq!(
        w,
        Weighting::Entropy {
            ln_zero: LnZero::ZeroTimesLnZeroIsZero
        }
    );
    let w: Weighting = serde_json::from_str(
        r#"{"method":"combined","subjective":{"method":"manual"},"objective":{"method":"critic"},"rule":{"rule":"linear","alpha":0.5}}"#,
    )
    .unwrap();
    assert!(matches!(w, Weighting::Combined { .. }));
    assert!(matches!(
        data_weights(&[1.0, 2.0], 2, &Weighting::Equal),
        Err(Error::InvalidSpec { .. })
    ));
}

#[test]
fn effective_weights_multiply_down_the_hierarchy() {
    // Hand computation: dimensions a (weight 3) and b (weight 1) under the root → 0.75, 0.25.
    // a holds x (1) and y (1) → 0.5 each → effective 0.375, 0.375; b holds z → 0.25.
    let json = r#"{
      "id": "t", "title_zh": "t", "title_en": "t", "base_year": 2020, "target_year": 2025,
      "dimensions": [
        {"id": "a", "name_zh": "a", "name_en": "a", "weight": 3},
        {"id": "b", "name_zh": "b", "name_en": "b", "weight": 1}
      ],
      "indicators": [
        {"id": "x", "dimension": "a", "name_zh": "x", "name_en": "x", "unit": {"label": "%"},
         "polarity": {"type": "higher_is_better"}, "kind": "share", "target": 50, "weight": 1,
         "provenance": {"section": "s", "phrase": "p"}},
        {"id": "y", "dimension": "a", "name_zh": "y", "name_en": "y", "unit": {"label": "%"},
         "polarity": {"type": "higher_is_better"}, "kind": "share", "target": 50, "weight": 1,
         "provenance": {"section": "s", "phrase": "p"}},
        {"id": "z", "dimension": "b", "name_zh": "z", "name_en": "z", "unit": {"label": "%"},
         "polarity": {"type": "lower_is_better"}, "kind": "share", "target": 5, "weight": 2,
         "provenance": {"section": "s", "phrase": "p"}}
      ]
    }"#;
    let f = cpindex::model::Framework::from_json(json).unwrap();
    assert_close(
        &cpindex::method::weight::effective(&f),
        &[0.375, 0.375, 0.25],
        1e-15,
    );
}

#[test]
fn pca_uncorrelated_columns_give_equal_weights() {
    // Columns a = (1, −1, 1, −1)·, b = (1, 1, −1, −1): r = 0 → R = I; every unit vector is
    // an eigenvector; from the uniform start the iteration stays uniform → equal weights.
    let m = [1.0, -1.0, 1.0, -1.0, 1.0, 1.0, -1.0, -1.0];
    let w = pca(&m, 4, PcaNormalisation::SquaredLoading).unwrap();
    assert_close(&w.weights, &[0.5, 0.5], 1e-12);
}

#[test]
fn a_weighting_knows_its_name_and_whether_it_reads_the_data() {
    let entropy = Weighting::Entropy {
        ln_zero: LnZero::default(),
    };
    assert_eq!(entropy.name(), "entropy");
    assert!(entropy.is_data_driven() && !entropy.is_static());
    assert!(Weighting::Manual.is_static() && !Weighting::Manual.is_data_driven());
    // combined: static only when both parts are; never data-driven by itself
    let mixed = Weighting::Combined {
        subjective: Box::new(Weighting::Equal),
        objective: Box::new(entropy),
        rule: Combination::GameTheory,
    };
    assert!(!mixed.is_static() && !mixed.is_data_driven());
    assert_eq!(mixed.name(), "combined");
    // the name is the JSON tag
    let json = serde_json::to_value(&mixed).unwrap();
    assert_eq!(json["method"], "combined");
}

/// Manual weights near f64::MAX (sum +inf) normalise to their ratios, not to 0.
#[test]
fn manual_weights_near_the_largest_double_normalise_to_their_ratios() {
    assert_close(
        &normalise_weights(&[1e308, 1e308, 0.5e308], "dim").unwrap(),
        &[0.4, 0.4, 0.2],
        1e-15,
    );
}
