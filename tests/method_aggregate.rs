//! Tests for `cpindex::method::aggregate`: hand computations, the UNDP HDI worked example,
//! and numpy (numpy 2.4.6, Python 3.11.7; the script is quoted in the comments).

use cpindex::method::aggregate::{
    aggregate_row, aggregate_units, ampi_reference, Aggregation, AmpiReference, MissingRule,
    Penalty,
};
use cpindex::Error;

const NAN: f64 = f64::NAN;

fn row(values: &[f64], weights: &[f64], m: &Aggregation) -> f64 {
    aggregate_row(values, weights, m, &MissingRule::default()).unwrap()
}

fn assert_close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        let ok = (g.is_nan() && w.is_nan()) || (g - w).abs() <= tol;
        assert!(ok, "#{k}: got {g}, want {w} (all {got:?})");
    }
}

/// Row-major rows → column-major.
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

#[test]
fn hdi_geometric_mean_published_example() {
    // UNDP HDR 2020 Technical notes, technical note 1 worked example (transcribed at
    // pdf4pro.com "Technical notes - United Nations Development Programme"):
    // HDI = (0.6971 · 0.3447 · 0.5506)^(1/3) = 0.510.
    let hdi = row(
        &[0.6971, 0.3447, 0.5506],
        &[1.0, 1.0, 1.0],
        &Aggregation::Geometric { shift: 0.0 },
    );
    assert!((hdi - 0.510).abs() < 5e-4, "{hdi}");
}

#[test]
fn weighted_means_match_numpy() {
    // x = (0.2, 0.5, 0.9), w = (0.5, 0.3, 0.2). numpy:
    //   arith w@x = 0.43 ; geo exp(w@log x) = 0.3556759506950463
    //   harm 1/(w@(1/x)) = 0.3010033444816053 ; power r=2 (w@x**2)**0.5 = 0.5069516742254631
    let x = [0.2, 0.5, 0.9];
    let w = [0.5, 0.3, 0.2];
    assert!((row(&x, &w, &Aggregation::Arithmetic) - 0.43).abs() < 1e-12);
    assert!(
        (row(&x, &w, &Aggregation::Geometric { shift: 0.0 }) - 0.3556759506950463).abs() < 1e-12
    );
    assert!((row(&x, &w, &Aggregation::Harmonic) - 0.3010033444816053).abs() < 1e-12);
    assert!((row(&x, &w, &Aggregation::Power { r: 2.0 }) - 0.5069516742254631).abs() < 1e-12);
    // power r = 1, 0, −1 reproduce arithmetic, geometric, harmonic
    assert!((row(&x, &w, &Aggregation::Power { r: 1.0 }) - 0.43).abs() < 1e-12);
    assert!((row(&x, &w, &Aggregation::Power { r: 0.0 }) - 0.3556759506950463).abs() < 1e-12);
    assert!((row(&x, &w, &Aggregation::Power { r: -1.0 }) - 0.3010033444816053).abs() < 1e-12);
    // weights on any scale: (5, 3, 2) gives the same
    assert!((row(&x, &[5.0, 3.0, 2.0], &Aggregation::Arithmetic) - 0.43).abs() < 1e-12);
}

#[test]
fn geometric_zero_negative_is_error_or_shift() {
    let e = aggregate_row(
        &[0.5, 0.0, 0.7],
        &[1.0, 1.0, 1.0],
        &Aggregation::Geometric { shift: 0.0 },
        &MissingRule::default(),
    )
    .unwrap_err();
    match &e {
        Error::InvalidValue { context, value, .. } => {
            assert!(context.contains("component #1"), "{e}");
            assert_eq!(*value, 0.0);
        }
        other => panic!("{other:?}"),
    }
    // shift 1: exp(mean ln(x+1)) − 1 for (0, 3): sqrt(1·4) − 1 = 1
    let y = row(
        &[0.0, 3.0],
        &[1.0, 1.0],
        &Aggregation::Geometric { shift: 1.0 },
    );
    assert!((y - 1.0).abs() < 1e-12);
    // harmonic rejects negatives and zeros
    assert!(matches!(
        aggregate_row(
            &[1.0, -2.0],
            &[1.0, 1.0],
            &Aggregation::Harmonic,
            &MissingRule::default()
        ),
        Err(Error::InvalidValue { .. })
    ));
    // power with r < 0 and a zero
    assert!(matches!(
        aggregate_row(
            &[1.0, 0.0],
            &[1.0, 1.0],
            &Aggregation::Power { r: -2.0 },
            &MissingRule::default()
        ),
        Err(Error::InvalidValue { .. })
    ));
}

#[test]
fn weighted_median_definition() {
    // values (1, 2, 3, 10), weights (0.1, 0.2, 0.3, 0.4): cumulative 0.1, 0.3, 0.6 → the
    // first to pass ½ is 3 (below: 0.3 ≤ ½, above: 0.4 ≤ ½) → 3.
    let y = row(
        &[10.0, 1.0, 3.0, 2.0],
        &[0.4, 0.1, 0.3, 0.2],
        &Aggregation::WeightedMedian,
    );
    assert_eq!(y, 3.0);
    // equal weights, even count (1, 2, 3, 4): exact split → (2 + 3)/2 = 2.5
    let y = row(
        &[4.0, 1.0, 3.0, 2.0],
        &[1.0; 4],
        &Aggregation::WeightedMedian,
    );
    assert_eq!(y, 2.5);
    // a dominant weight wins
    let y = row(&[1.0, 100.0], &[0.9, 0.1], &Aggregation::WeightedMedian);
    assert_eq!(y, 1.0);
}

#[test]
fn missing_components_renormalise_or_fail_the_share() {
    // (0.2, NaN, 0.9) with w (0.5, 0.3, 0.2): (0.5·0.2 + 0.2·0.9)/0.7 = 0.28/0.7 = 0.4
    let x = [0.2, NAN, 0.9];
    let w = [0.5, 0.3, 0.2];
    assert!((row(&x, &w, &Aggregation::Arithmetic) - 0.4).abs() < 1e-12);
    // count share 2/3 < 0.75 → NaN
    let rule = MissingRule {
        min_share: 0.75,
        by_weight: false,
    };
    assert!(aggregate_row(&x, &w, &Aggregation::Arithmetic, &rule)
        .unwrap()
        .is_nan());
    // weight share 0.7 ≥ 0.7 → scored
    let rule = MissingRule {
        min_share: 0.7,
        by_weight: true,
    };
    assert!((aggregate_row(&x, &w, &Aggregation::Arithmetic, &rule).unwrap() - 0.4).abs() < 1e-12);
    // all missing → NaN (not an error)
    assert!(row(&[NAN, NAN], &[1.0, 1.0], &Aggregation::Arithmetic).is_nan());
    // a zero-weight component may be missing without lowering the share
    let rule = MissingRule {
        min_share: 1.0,
        by_weight: false,
    };
    assert_eq!(
        aggregate_row(&[2.0, NAN], &[1.0, 0.0], &Aggregation::Arithmetic, &rule).unwrap(),
        2.0
    );
    // bad rule
    assert!(matches!(
        aggregate_row(
            &[1.0],
            &[1.0],
            &Aggregation::Arithmetic,
            &MissingRule {
                min_share: 2.0,
                by_weight: false
            }
        ),
        Err(Error::InvalidSpec { .. })
    ));
}

#[test]
fn bad_weights_and_values() {
    let r = MissingRule::default();
    assert!(matches!(
        aggregate_row(&[1.0, 2.0], &[1.0], &Aggregation::Arithmetic, &r),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(matches!(
        aggregate_row(&[1.0, 2.0], &[1.0, -1.0], &Aggregation::Arithmetic, &r),
        Err(Error::InvalidValue { .. })
    ));
    assert!(matches!(
        aggregate_row(&[1.0, 2.0], &[0.0, 0.0], &Aggregation::Arithmetic, &r),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        aggregate_row(
            &[1.0, f64::INFINITY],
            &[1.0, 1.0],
            &Aggregation::Arithmetic,
            &r
        ),
        Err(Error::InvalidValue { .. })
    ));
    assert!(matches!(
        aggregate_row(&[], &[], &Aggregation::Arithmetic, &r),
        Err(Error::Empty { .. })
    ));
    // unit-level method through the row API
    assert!(matches!(
        aggregate_row(
            &[1.0],
            &[1.0],
            &Aggregation::Topsis {
                normalisation: Default::default()
            },
            &r
        ),
        Err(Error::InvalidSpec { .. })
    ));
}

/// The 4 × 3 matrix used for MPI, AMPI and TOPSIS (rows = units).
fn m4() -> (Vec<f64>, usize) {
    col_major(&[
        &[0.2, 0.5, 0.9],
        &[0.4, 0.4, 0.4],
        &[0.9, 0.1, 0.6],
        &[0.5, 0.8, 0.7],
    ])
}

#[test]
fn mpi_matches_numpy() {
    // numpy: Z = 100 + 10*(M - M.mean(0))/M.std(0)   (population sd)
    //        Mi = Z.mean(1); Si = Z.std(1); MPI- = Mi - Si*Si/Mi ; MPI+ = Mi + Si*Si/Mi
    // MPI- = (100.284425839, 93.1137990666, 98.1349814384, 105.2442034305)
    // MPI+ = (102.4492653592, 93.6929825279, 101.1422117816, 105.9381305569)
    let (m, n) = m4();
    let mut out = vec![0.0; n];
    let w = [1.0, 1.0, 1.0];
    aggregate_units(
        &m,
        n,
        &w,
        &Aggregation::Mpi {
            penalty: Penalty::Negative,
        },
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_close(
        &out,
        &[100.284425839, 93.1137990666, 98.1349814384, 105.2442034305],
        1e-8,
    );
    aggregate_units(
        &m,
        n,
        &w,
        &Aggregation::Mpi {
            penalty: Penalty::Positive,
        },
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_close(
        &out,
        &[
            102.4492653592,
            93.6929825279,
            101.1422117816,
            105.9381305569,
        ],
        1e-8,
    );
}

#[test]
fn mpi_constant_component_and_single_unit() {
    // one unit: every σ_j = 0 → z = 100 → M = 100, S = 0 → MPI = 100 (noted)
    let mut out = [0.0];
    let note = aggregate_units(
        &[0.3, 0.7],
        1,
        &[1.0, 1.0],
        &Aggregation::Mpi {
            penalty: Penalty::Negative,
        },
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_eq!(out[0], 100.0);
    assert_eq!(note.notes.len(), 2);
}

#[test]
fn ampi_fixed_reference_matches_numpy_and_is_row_wise() {
    // inf = 0, sup = 1, reference R = (0.5, 0.4, 0.6): Δ = 0.5,
    // r = 70 + 60·(x − (R − Δ))/(2Δ); numpy AMPI- = M − S²/M (population sd):
    // (99.8039215686, 93.7446808511, 99.0980392157, 109.0545454545)
    // Hand check unit 2 (0.4, 0.4, 0.4): r = (94, 100, 88) → M = 94, S² = 24 → 94 − 24/94 = 93.7447.
    let (m, n) = m4();
    let rf = AmpiReference {
        inf: vec![0.0; 3],
        sup: vec![1.0; 3],
        reference: vec![0.5, 0.4, 0.6],
    };
    let method = Aggregation::Ampi {
        penalty: Penalty::Negative,
        reference: Some(rf),
    };
    assert!(method.is_row_wise());
    let mut out = vec![0.0; n];
    aggregate_units(&m, n, &[1.0; 3], &method, &MissingRule::default(), &mut out).unwrap();
    assert_close(
        &out,
        &[99.8039215686, 93.7446808511, 99.0980392157, 109.0545454545],
        1e-8,
    );
    let y = aggregate_row(
        &[0.4, 0.4, 0.4],
        &[1.0; 3],
        &method,
        &MissingRule::default(),
    )
    .unwrap();
    assert!((y - 93.7446808511).abs() < 1e-8);
}

#[test]
fn ampi_reference_from_pooled_periods() {
    // all periods (4 rows) of one component: (1, 3, 2, 5) → inf 1, sup 5;
    // base period (2 rows): (1, 3) → reference 2.
    let rf = ampi_reference(&[1.0, 3.0, 2.0, 5.0], 4, &[1.0, 3.0], 2).unwrap();
    assert_eq!(rf.inf, vec![1.0]);
    assert_eq!(rf.sup, vec![5.0]);
    assert_eq!(rf.reference, vec![2.0]);
    assert!(matches!(
        ampi_reference(&[1.0, 1.0], 2, &[1.0], 1),
        Err(Error::InvalidValue { .. })
    ));
    assert!(matches!(
        ampi_reference(&[NAN, NAN], 2, &[NAN], 1),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn topsis_matches_numpy() {
    // numpy: R = M/sqrt((M**2).sum(0)); V = R*w; A+ = V.max(0); A- = V.min(0)
    //        D± = sqrt(((V-A±)**2).sum(1)); C = D-/(D+ + D-)
    // w = (0.5, 0.3, 0.2) → C = (0.29900804, 0.3226068446, 0.6000517562, 0.578466195)
    let (m, n) = m4();
    let mut out = vec![0.0; n];
    aggregate_units(
        &m,
        n,
        &[0.5, 0.3, 0.2],
        &Aggregation::Topsis {
            normalisation: Default::default(),
        },
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_close(
        &out,
        &[0.29900804, 0.3226068446, 0.6000517562, 0.578466195],
        1e-8,
    );
    // identical units → 0.5 with a note
    let mut out = vec![0.0; 2];
    let note = aggregate_units(
        &[1.0, 1.0, 2.0, 2.0],
        2,
        &[1.0, 1.0],
        &Aggregation::Topsis {
            normalisation: Default::default(),
        },
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_eq!(out, vec![0.5, 0.5]);
    assert_eq!(note.notes.len(), 1);
}

#[test]
fn copeland_hand_computed() {
    // Units A, B, C on 3 components, w = (0.5, 0.3, 0.2):
    // A = (3, 1, 2), B = (2, 2, 2), C = (1, 3, 1)
    // e_AB = 0.5 (c1) + 0.5·0.2 (tie c3) = 0.6 → A beats B
    // e_AC = 0.5 + 0.2 = 0.7 → A beats C
    // e_BC = 0.5 + 0.2 = 0.7 → B beats C
    // scores: A = +2, B = 0, C = −2
    let (m, n) = col_major(&[&[3.0, 1.0, 2.0], &[2.0, 2.0, 2.0], &[1.0, 3.0, 1.0]]);
    let mut out = vec![0.0; n];
    aggregate_units(
        &m,
        n,
        &[0.5, 0.3, 0.2],
        &Aggregation::Copeland,
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_eq!(out, vec![2.0, 0.0, -2.0]);
    // Exact tie: e = ½ → contributes 0. With w = (0.5, 0.5) and A = (1, 0), B = (0, 1): 0, 0.
    let mut out = vec![0.0; 2];
    aggregate_units(
        &[1.0, 0.0, 0.0, 1.0],
        2,
        &[0.5, 0.5],
        &Aggregation::Copeland,
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_eq!(out, vec![0.0, 0.0]);
    // Missing: A = (3, NaN), B = (2, 5): only component 1 is common → A beats B: (1, −1)
    let mut out = vec![0.0; 2];
    aggregate_units(
        &[3.0, 2.0, NAN, 5.0],
        2,
        &[0.5, 0.5],
        &Aggregation::Copeland,
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_eq!(out, vec![1.0, -1.0]);
}

#[test]
fn units_api_row_wise_methods_and_availability() {
    // arithmetic over a 3×2 matrix with one missing cell and a 100 % share rule:
    // u0 = (1, 3) → 2 ; u1 = (NaN, 4) → NaN (insufficient) ; u2 = (5, 5) → 5
    let m = [1.0, NAN, 5.0, 3.0, 4.0, 5.0];
    let mut out = vec![0.0; 3];
    let note = aggregate_units(
        &m,
        3,
        &[1.0, 1.0],
        &Aggregation::Arithmetic,
        &MissingRule {
            min_share: 1.0,
            by_weight: false,
        },
        &mut out,
    )
    .unwrap();
    assert_close(&out, &[2.0, NAN, 5.0], 1e-12);
    assert_eq!(note.n_insufficient, 1);
    // default rule: u1 → 4, counted partial
    let note = aggregate_units(
        &m,
        3,
        &[1.0, 1.0],
        &Aggregation::Arithmetic,
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_close(&out, &[2.0, 4.0, 5.0], 1e-12);
    assert_eq!(note.n_partial, 1);
    // complete-data fast path: (1,2) and (3,4) with w (1, 3) → (0.25+1.5, 0.75+3)=... :
    // u0 = 0.25·1 + 0.75·3 = 2.5 ; u1 = 0.25·2 + 0.75·4 = 3.5
    let mut out = vec![0.0; 2];
    aggregate_units(
        &[1.0, 2.0, 3.0, 4.0],
        2,
        &[1.0, 3.0],
        &Aggregation::Arithmetic,
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_close(&out, &[2.5, 3.5], 1e-12);
    // geometric error names the unit and component
    let e = aggregate_units(
        &[1.0, 2.0, 3.0, -4.0],
        2,
        &[1.0, 1.0],
        &Aggregation::Geometric { shift: 0.0 },
        &MissingRule::default(),
        &mut out,
    )
    .unwrap_err();
    assert!(e.to_string().contains("unit #1, component #1"), "{e}");
    // shape errors
    assert!(matches!(
        aggregate_units(
            &[1.0, 2.0, 3.0],
            2,
            &[1.0, 1.0],
            &Aggregation::Arithmetic,
            &MissingRule::default(),
            &mut out
        ),
        Err(Error::LengthMismatch { .. })
    ));
}

#[test]
fn aggregation_spec_json() {
    let a: Aggregation = serde_json::from_str(r#"{"method":"geometric"}"#).unwrap();
    assert_eq!(a, Aggregation::Geometric { shift: 0.0 });
    let a: Aggregation = serde_json::from_str(r#"{"method":"mpi"}"#).unwrap();
    assert_eq!(
        a,
        Aggregation::Mpi {
            penalty: Penalty::Negative
        }
    );
    let a: Aggregation = serde_json::from_str(r#"{"method":"power","r":0.5}"#).unwrap();
    assert_eq!(a, Aggregation::Power { r: 0.5 });
    let r: MissingRule = serde_json::from_str(r#"{"min_share":0.66}"#).unwrap();
    assert_eq!(
        r,
        MissingRule {
            min_share: 0.66,
            by_weight: false
        }
    );
}

#[test]
fn units_api_agrees_with_row_api_under_missing_data() {
    // Consistency (not an independent value): the column-wise whole-matrix path must give
    // the same result as the row path for every row-wise method, with NaNs and a zero weight.
    let rows: [[f64; 4]; 5] = [
        [0.3, 0.8, NAN, 0.5],
        [0.9, 0.1, 0.4, 0.2],
        [NAN, NAN, 0.7, 0.9],
        [0.5, 0.5, 0.5, 0.5],
        [NAN, NAN, NAN, 0.6],
    ];
    let refs: Vec<&[f64]> = rows.iter().map(|r| &r[..]).collect();
    let (m, n) = col_major(&refs);
    let w = [0.4, 0.3, 0.2, 0.0];
    let rf = AmpiReference {
        inf: vec![0.0; 4],
        sup: vec![1.0; 4],
        reference: vec![0.5; 4],
    };
    let methods = [
        Aggregation::Arithmetic,
        Aggregation::Geometric { shift: 0.0 },
        Aggregation::Geometric { shift: 0.5 },
        Aggregation::Harmonic,
        Aggregation::Power { r: 2.0 },
        Aggregation::Power { r: -0.5 },
        Aggregation::Power { r: 0.0 },
        Aggregation::WeightedMedian,
        Aggregation::Ampi {
            penalty: Penalty::Negative,
            reference: Some(rf),
        },
    ];
    for rule in [
        MissingRule::default(),
        MissingRule {
            min_share: 0.6,
            by_weight: true,
        },
    ] {
        for method in &methods {
            let mut out = vec![0.0; n];
            aggregate_units(&m, n, &w, method, &rule, &mut out).unwrap();
            let want: Vec<f64> = rows
                .iter()
                .map(|r| aggregate_row(r, &w, method, &rule).unwrap())
                .collect();
            assert_close(&out, &want, 1e-12);
        }
    }
    // unit 4 has only the zero-weight component → NaN under every rule
    let mut out = vec![0.0; n];
    let note = aggregate_units(
        &m,
        n,
        &w,
        &Aggregation::Arithmetic,
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert!(out[4].is_nan());
    assert_eq!(note.n_insufficient, 1);
}

#[test]
fn degenerate_inputs_every_method() {
    // All missing: every unit NaN and counted insufficient, for every method (no error).
    let methods = [
        Aggregation::Arithmetic,
        Aggregation::Geometric { shift: 0.0 },
        Aggregation::Harmonic,
        Aggregation::Power { r: 2.0 },
        Aggregation::WeightedMedian,
        Aggregation::Mpi {
            penalty: Penalty::Negative,
        },
        Aggregation::Topsis {
            normalisation: Default::default(),
        },
        Aggregation::Copeland,
    ];
    for method in &methods {
        let mut out = vec![0.0; 2];
        let note = aggregate_units(
            &[NAN; 4],
            2,
            &[1.0, 1.0],
            method,
            &MissingRule::default(),
            &mut out,
        )
        .unwrap();
        assert!(out.iter().all(|v| v.is_nan()), "{method:?}: {out:?}");
        assert_eq!(note.n_insufficient, 2, "{method:?}");
    }
    // n = 1: TOPSIS → ideal = anti-ideal → 0.5 (noted); Copeland → 0 (no opponent);
    // arithmetic → the weighted mean (1·0.2 + 3·0.6)/4 … with w (1, 3): (0.2 + 1.8)/4 = 0.5.
    let mut out = [0.0];
    aggregate_units(
        &[0.2, 0.6],
        1,
        &[1.0, 3.0],
        &Aggregation::Topsis {
            normalisation: Default::default(),
        },
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_eq!(out[0], 0.5);
    aggregate_units(
        &[0.2, 0.6],
        1,
        &[1.0, 3.0],
        &Aggregation::Copeland,
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_eq!(out[0], 0.0);
    aggregate_units(
        &[0.2, 0.6],
        1,
        &[1.0, 3.0],
        &Aggregation::Arithmetic,
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert!((out[0] - 0.5).abs() < 1e-15);
    // AMPI without a reference on a constant component: goalposts need min < max → error.
    let mut out = vec![0.0; 2];
    assert!(matches!(
        aggregate_units(
            &[1.0, 1.0, 0.0, 1.0],
            2,
            &[1.0, 1.0],
            &Aggregation::Ampi {
                penalty: Penalty::Negative,
                reference: None
            },
            &MissingRule::default(),
            &mut out,
        ),
        Err(Error::InvalidValue { .. })
    ));
    // Zero units → Empty.
    assert!(matches!(
        aggregate_units(
            &[],
            0,
            &[1.0],
            &Aggregation::Arithmetic,
            &MissingRule::default(),
            &mut []
        ),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn topsis_papathanasiou_ploskas_2018_published_example() {
    // Papathanasiou & Ploskas (2018), "TOPSIS", in *Multiple Criteria Decision Aid*,
    // Springer, pp. 1–30: 6 alternatives × 4 benefit criteria, w = (0.4, 0.3, 0.1, 0.2),
    // vector normalisation; closeness (0.387, 0.327, 0.391, 0.615, 0.868, 0.493) (as
    // tabulated in the distance-metrics-mcda test suite; numpy reproduces it).
    let (m, n) = col_major(&[
        &[8.0, 7.0, 2.0, 1.0],
        &[5.0, 3.0, 7.0, 5.0],
        &[7.0, 5.0, 6.0, 4.0],
        &[9.0, 9.0, 7.0, 3.0],
        &[11.0, 10.0, 3.0, 7.0],
        &[6.0, 9.0, 5.0, 4.0],
    ]);
    let mut out = vec![0.0; n];
    aggregate_units(
        &m,
        n,
        &[0.4, 0.3, 0.1, 0.2],
        &Aggregation::Topsis {
            normalisation: Default::default(),
        },
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_close(&out, &[0.387, 0.327, 0.391, 0.615, 0.868, 0.493], 5e-4);
}

/// Subnormal inputs (review methods #5): the power-of-two rescaling that makes the methods
/// scale-invariant (issue 13) must reach values below 2⁻¹⁰²² — a largest magnitude of
/// 1e-310 needs 2^1030, which is not a double. Each method on X and on X × 1e-310: the
/// homogeneous means (M(c·x) = c·M(x)) give the ×1 results scaled, the per-column
/// invariant ones (TOPSIS, Copeland, MPI, AMPI from the data) the ×1 results. Tolerance:
/// a subnormal 1e-310 keeps about 44 significant bits.
#[test]
fn subnormal_inputs_give_the_scaled_results() {
    let (x, n) = col_major(&[
        &[1.0, 2.0, 3.0],
        &[4.0, 5.0, 6.0],
        &[7.0, 1.0, 2.0],
        &[3.0, 3.0, 3.0],
        &[4.0, 2.0, 9.0],
    ]);
    let w = [1.0, 2.0, 1.5];
    let c = 1e-310;
    let tiny: Vec<f64> = x.iter().map(|v| v * c).collect();
    let methods = [
        (serde_json::json!({"method": "arithmetic"}), true),
        (serde_json::json!({"method": "weighted_median"}), true),
        (serde_json::json!({"method": "power", "r": 2}), true),
        (serde_json::json!({"method": "power", "r": -3}), true),
        (serde_json::json!({"method": "geometric"}), true),
        (serde_json::json!({"method": "harmonic"}), true),
        (serde_json::json!({"method": "topsis"}), false),
        (serde_json::json!({"method": "copeland"}), false),
        (serde_json::json!({"method": "mpi"}), false),
    ];
    for (json, homogeneous) in methods {
        let m: Aggregation = serde_json::from_value(json.clone()).unwrap();
        let mut one = vec![0.0; n];
        let mut small = vec![0.0; n];
        aggregate_units(&x, n, &w, &m, &MissingRule::default(), &mut one).unwrap();
        aggregate_units(&tiny, n, &w, &m, &MissingRule::default(), &mut small)
            .unwrap_or_else(|e| panic!("{json}: {e}"));
        for u in 0..n {
            let (want, got) = if homogeneous {
                (one[u], small[u] / c)
            } else {
                (one[u], small[u])
            };
            assert!(
                (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{json}, unit {u}: ×1e-310 gives {} (scaled back {got}), ×1 gives {want}",
                small[u]
            );
            if homogeneous && !matches!(m, Aggregation::Arithmetic) {
                // the row path too
                let r: Vec<f64> = (0..3).map(|j| tiny[j * n + u]).collect();
                let got = aggregate_row(&r, &w, &m, &MissingRule::default()).unwrap() / c;
                assert!(
                    (got - want).abs() <= 1e-9 * want.abs(),
                    "{json}, row {u}: {got}"
                );
            }
        }
    }
    // subnormal weights alone (every weight below 2⁻¹⁰²²) weigh as their ratios
    let ws: Vec<f64> = w.iter().map(|v| v * c).collect();
    let m = Aggregation::Arithmetic;
    let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
    aggregate_units(&x, n, &w, &m, &MissingRule::default(), &mut a).unwrap();
    aggregate_units(&x, n, &ws, &m, &MissingRule::default(), &mut b).unwrap();
    assert_close(&b, &a, 1e-9);
}

/// Weights near f64::MAX sum to +inf; the aggregation must weigh them by their ratios
/// (review methods, minor: "all weights are 0"). Equal weights of 1e308 = the plain mean.
#[test]
fn weights_near_the_largest_double_weigh_as_their_ratios() {
    let (x, n) = col_major(&[&[1.0, 2.0, 3.0], &[4.0, 5.0, 9.0]]);
    let m = Aggregation::Arithmetic;
    let mut out = vec![0.0; n];
    aggregate_units(&x, n, &[1e308; 3], &m, &MissingRule::default(), &mut out).unwrap();
    assert_close(&out, &[2.0, 6.0], 1e-12);
    aggregate_units(
        &x,
        n,
        &[1e308, 1e308, 0.5e308],
        &m,
        &MissingRule::default(),
        &mut out,
    )
    .unwrap();
    assert_close(
        &out,
        &[(1.0 + 2.0 + 1.5) / 2.5, (4.0 + 5.0 + 4.5) / 2.5],
        1e-12,
    );
    assert!((row(&[1.0, 2.0, 3.0], &[1e308; 3], &m) - 2.0).abs() < 1e-12);
}
