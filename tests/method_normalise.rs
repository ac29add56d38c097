//! Tests for `cpindex::method::normalise`. Expected values are hand computations (shown
//! in comments) or published figures (UNDP HDR 2020 technical notes), never this code's
//! own output.

use cpindex::method::normalise::{
    interval_score, normalise_column, ColumnInfo, Normalisation, Ties,
};
use cpindex::model::Polarity;
use cpindex::Error;

const NAN: f64 = f64::NAN;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= tol
}

fn assert_all(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            close(*g, *w, tol),
            "cell {k}: got {g}, want {w} (all: {got:?})"
        );
    }
}

fn run(x: &[f64], info: &ColumnInfo, m: &Normalisation) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    normalise_column(x, info, m, &mut out, None).unwrap();
    out
}

fn hi() -> ColumnInfo<'static> {
    ColumnInfo::new("x", Polarity::HigherIsBetter)
}
fn lo() -> ColumnInfo<'static> {
    ColumnInfo::new("x", Polarity::LowerIsBetter)
}

#[test]
fn min_max_both_directions_and_missing() {
    // x = (10, 20, NaN, 30), [0, 100]: higher → (0, 50, NaN, 100); lower → (100, 50, NaN, 0)
    let x = [10.0, 20.0, NAN, 30.0];
    let m = Normalisation::MinMax {
        low: 0.0,
        high: 100.0,
    };
    assert_all(&run(&x, &hi(), &m), &[0.0, 50.0, NAN, 100.0], 1e-12);
    assert_all(&run(&x, &lo(), &m), &[100.0, 50.0, NAN, 0.0], 1e-12);
    // to [1, 100]: 1 + 99·(20−10)/20 = 50.5
    let m = Normalisation::MinMax {
        low: 1.0,
        high: 100.0,
    };
    assert_all(&run(&x, &hi(), &m), &[1.0, 50.5, NAN, 100.0], 1e-12);
}

#[test]
fn min_max_constant_column_gives_flagged_midpoint() {
    let x = [5.0, 5.0, NAN, 5.0];
    let mut out = [0.0; 4];
    let note = normalise_column(
        &x,
        &hi(),
        &Normalisation::MinMax {
            low: 0.0,
            high: 100.0,
        },
        &mut out,
        None,
    )
    .unwrap();
    assert!(note.constant);
    assert_eq!(note.n_observed, 3);
    assert_eq!(note.n_missing, 1);
    assert_all(&out, &[50.0, 50.0, NAN, 50.0], 0.0);
}

#[test]
fn all_missing_and_single_value() {
    let x = [NAN, NAN];
    let mut out = [0.0; 2];
    let note =
        normalise_column(&x, &hi(), &Normalisation::default_min_max(), &mut out, None).unwrap();
    assert_eq!(note.n_observed, 0);
    assert!(out.iter().all(|v| v.is_nan()));
    // n = 1: constant policy → midpoint
    let out = run(&[7.0], &hi(), &Normalisation::default_min_max());
    assert_eq!(out, vec![50.0]);
}

#[test]
fn z_score_sample_sd_and_polarity() {
    // x = (2, 4, 6): mean 4, sample sd = sqrt((4+0+4)/2) = 2 → z = (−1, 0, 1)
    let x = [2.0, 4.0, 6.0];
    let m = Normalisation::ZScore { mean: 0.0, sd: 1.0 };
    assert_all(&run(&x, &hi(), &m), &[-1.0, 0.0, 1.0], 1e-12);
    assert_all(&run(&x, &lo(), &m), &[1.0, 0.0, -1.0], 1e-12);
    let m = Normalisation::ZScore {
        mean: 100.0,
        sd: 10.0,
    };
    assert_all(&run(&x, &hi(), &m), &[90.0, 100.0, 110.0], 1e-12);
    // sd = 0 → mean, flagged
    let mut out = [0.0; 2];
    let note = normalise_column(&[3.0, 3.0], &hi(), &m, &mut out, None).unwrap();
    assert!(note.constant);
    assert_eq!(out, [100.0, 100.0]);
}

#[test]
fn rank_and_percentile_rank_with_ties() {
    // x = (10, 30, 20, 30, NaN), higher better
    // sorted worst→best: 10, 20, 30, 30 → ranks min: 1, 2, 3, 3 ; average: 1, 2, 3.5, 3.5
    let x = [10.0, 30.0, 20.0, 30.0, NAN];
    let r = run(&x, &hi(), &Normalisation::Rank { ties: Ties::Min });
    assert_all(&r, &[1.0, 3.0, 2.0, 3.0, NAN], 0.0);
    let r = run(&x, &hi(), &Normalisation::Rank { ties: Ties::Max });
    assert_all(&r, &[1.0, 4.0, 2.0, 4.0, NAN], 0.0);
    // percentile (average ties): (r−1)/(n−1) with n = 4 → 0, 2.5/3, 1/3, 2.5/3
    let p = run(
        &x,
        &hi(),
        &Normalisation::PercentileRank {
            ties: Ties::Average,
        },
    );
    assert_all(&p, &[0.0, 2.5 / 3.0, 1.0 / 3.0, 2.5 / 3.0, NAN], 1e-12);
    // lower is better: 10 best → rank 4
    let r = run(&x, &lo(), &Normalisation::Rank { ties: Ties::Min });
    assert_all(&r, &[4.0, 1.0, 3.0, 1.0, NAN], 0.0);
    // constant column: average ranks all (1+3)/2 = 2 → percentile 0.5
    let p = run(
        &[4.0, 4.0, 4.0],
        &hi(),
        &Normalisation::PercentileRank {
            ties: Ties::Average,
        },
    );
    assert_all(&p, &[0.5, 0.5, 0.5], 0.0);
    // single value: 0.5 (flagged)
    let p = run(
        &[9.0],
        &hi(),
        &Normalisation::PercentileRank { ties: Ties::Min },
    );
    assert_eq!(p, vec![0.5]);
}

#[test]
fn goalposts_hdi_income_index_published_example() {
    // UNDP HDR 2020 Technical notes, technical note 1 worked example (transcribed at
    // pdf4pro.com "Technical notes - United Nations Development Programme"):
    // income index = (ln 3,829 − ln 100)/(ln 75,000 − ln 100) = 0.5506.
    let m = Normalisation::Goalposts {
        lower: 100.0,
        upper: 75_000.0,
        scale: 1.0,
        truncate: true,
        log: true,
    };
    let out = run(&[3829.0, 75_000.0, 120_000.0, 100.0], &hi(), &m);
    assert!(close(out[0], 0.5506, 5e-5), "{}", out[0]);
    assert_eq!(out[1], 1.0);
    assert_eq!(out[2], 1.0); // capped at the maximum goalpost
    assert_eq!(out[3], 0.0);
    // Health index with goalposts 20–85 (same notes): LE 52.5 → 32.5/65 = 0.5.
    let m = Normalisation::Goalposts {
        lower: 20.0,
        upper: 85.0,
        scale: 1.0,
        truncate: true,
        log: false,
    };
    assert_all(
        &run(&[52.5, 85.0, 90.0], &hi(), &m),
        &[0.5, 1.0, 1.0],
        1e-12,
    );
}

#[test]
fn goalposts_sdsn_lower_is_better_and_truncation() {
    // SDSN style: 100·clamp((U − x)/(U − L)) for a negative indicator with L = 0 (best)
    // and U = 40 (worst, in natural units the larger). x = 10 → 100·30/40 = 75.
    let m = Normalisation::Goalposts {
        lower: 0.0,
        upper: 40.0,
        scale: 100.0,
        truncate: true,
        log: false,
    };
    let mut out = [0.0; 3];
    let mut unc = [0.0; 3];
    let note = normalise_column(&[10.0, 50.0, -5.0], &lo(), &m, &mut out, Some(&mut unc)).unwrap();
    assert_all(&out, &[75.0, 0.0, 100.0], 1e-12);
    // uncapped: 100·(40−50)/40 = −25 ; 100·(40+5)/40 = 112.5
    assert_all(&unc, &[75.0, -25.0, 112.5], 1e-12);
    assert_eq!(note.n_clamped, 2);
    // bad goalposts / non-positive log value
    let bad = Normalisation::Goalposts {
        lower: 5.0,
        upper: 5.0,
        scale: 1.0,
        truncate: true,
        log: false,
    };
    let mut o = [0.0; 1];
    assert!(matches!(
        normalise_column(&[1.0], &hi(), &bad, &mut o, None),
        Err(Error::InvalidSpec { .. })
    ));
    let logm = Normalisation::Goalposts {
        lower: 100.0,
        upper: 75_000.0,
        scale: 1.0,
        truncate: true,
        log: true,
    };
    assert!(matches!(
        normalise_column(&[0.0], &hi(), &logm, &mut o, None),
        Err(Error::InvalidValue { .. })
    ));
}

#[test]
fn distance_to_target_coinr_anchor() {
    // methods-reference b.2: x = (10, 20, 30), T = 25 → (0, 10/15, 1 capped)
    let info = hi().with_target(Some(25.0));
    let out = run(
        &[10.0, 20.0, 30.0],
        &info,
        &Normalisation::DistanceToTarget { cap: true },
    );
    assert_all(&out, &[0.0, 2.0 / 3.0, 1.0], 1e-12);
    // lower is better, T = 15: (max − x)/(max − T) = (30 − x)/15 → (1.333→1, 0.667, 0)
    let info = lo().with_target(Some(15.0));
    let out = run(
        &[10.0, 20.0, 30.0],
        &info,
        &Normalisation::DistanceToTarget { cap: true },
    );
    assert_all(&out, &[1.0, 2.0 / 3.0, 0.0], 1e-12);
    // no target → spec error
    let mut o = [0.0; 1];
    assert!(matches!(
        normalise_column(
            &[1.0],
            &hi(),
            &Normalisation::DistanceToTarget { cap: true },
            &mut o,
            None
        ),
        Err(Error::InvalidSpec { .. })
    ));
}

#[test]
fn ratio_to_target_achievement_degree() {
    // 实现度 positive: GDP 2000 vs target 2500 → 0.8; 3000 → 1.2 uncapped, 1 capped.
    let info = hi().with_target(Some(2500.0));
    let mut out = [0.0; 3];
    let mut unc = [0.0; 3];
    let note = normalise_column(
        &[2000.0, 3000.0, NAN],
        &info,
        &Normalisation::RatioToTarget { cap: true },
        &mut out,
        Some(&mut unc),
    )
    .unwrap();
    assert_all(&out, &[0.8, 1.0, NAN], 1e-12);
    assert_all(&unc, &[0.8, 1.2, NAN], 1e-12);
    assert_eq!(note.n_clamped, 1);
    // negative: urban–rural income ratio target ≤ 1.9; observed 2.0 → 1.9/2.0 = 0.95;
    // 1.5 → 1.267 uncapped; 0 → achieved (1).
    let info = lo().with_target(Some(1.9));
    let mut unc = [0.0; 3];
    normalise_column(
        &[2.0, 1.5, 0.0],
        &info,
        &Normalisation::RatioToTarget { cap: true },
        &mut out,
        Some(&mut unc),
    )
    .unwrap();
    assert_all(&out, &[0.95, 1.0, 1.0], 1e-12);
    assert_all(&unc, &[0.95, 1.9 / 1.5, 1.0], 1e-12);
    // interval: band [3, 6] with tolerance [1, 8] (NBS 2008 style, unemployment)
    // x = 2 → (2−1)/(3−1) = 0.5 ; 4 → 1 ; 7 → (8−7)/(8−6) = 0.5 ; 9 → 0 ; 1 → 0
    let info = ColumnInfo::new(
        "unemployment",
        Polarity::Interval {
            lower: 3.0,
            upper: 6.0,
            tolerance_lower: 1.0,
            tolerance_upper: 8.0,
        },
    );
    let out = run(
        &[2.0, 4.0, 7.0, 9.0, 1.0],
        &info,
        &Normalisation::RatioToTarget { cap: true },
    );
    assert_all(&out, &[0.5, 1.0, 0.5, 0.0, 0.0], 1e-12);
    assert_eq!(interval_score(6.0, 3.0, 6.0, 1.0, 8.0), 1.0);
    // errors: target 0 for a positive indicator; negative value
    let mut o = [0.0; 1];
    let info = hi().with_target(Some(0.0));
    assert!(matches!(
        normalise_column(
            &[1.0],
            &info,
            &Normalisation::RatioToTarget { cap: true },
            &mut o,
            None
        ),
        Err(Error::InvalidValue { .. })
    ));
    let info = hi().with_target(Some(5.0));
    assert!(matches!(
        normalise_column(
            &[-1.0],
            &info,
            &Normalisation::RatioToTarget { cap: true },
            &mut o,
            None
        ),
        Err(Error::InvalidValue { .. })
    ));
}

#[test]
fn distance_to_reference_unit() {
    // x = (10, 20, 30), reference unit #1 (x_ref = 20), higher better:
    // 1 − (20 − x)/(20 − 10) → (0, 1, 2) ; capped → (0, 1, 1)
    let info = hi().with_reference_unit(Some(1));
    let m = Normalisation::DistanceToReference {
        unit: "b".into(),
        cap: false,
    };
    assert_all(
        &run(&[10.0, 20.0, 30.0], &info, &m),
        &[0.0, 1.0, 2.0],
        1e-12,
    );
    // lower better: 1 − (x − 20)/(30 − 20) → (2, 1, 0)
    let info = lo().with_reference_unit(Some(1));
    assert_all(
        &run(&[10.0, 20.0, 30.0], &info, &m),
        &[2.0, 1.0, 0.0],
        1e-12,
    );
    // reference missing → MissingValue
    let mut o = [0.0; 3];
    assert!(matches!(
        normalise_column(&[10.0, NAN, 30.0], &info, &m, &mut o, None),
        Err(Error::MissingValue { .. })
    ));
}

#[test]
fn efficacy_coefficient() {
    // x_h = 100 (satisfactory), x_s = 50 (not allowed): x = 75 → 60 + 40·25/50 = 80;
    // x = 120 → 60 + 40·70/50 = 116 → clamped 100 ; x = 40 → 52 → clamped 60.
    let m = Normalisation::EfficacyCoefficient {
        satisfactory: Some(100.0),
        not_allowed: Some(50.0),
        clamp: true,
    };
    let mut out = [0.0; 3];
    let mut unc = [0.0; 3];
    let note = normalise_column(&[75.0, 120.0, 40.0], &hi(), &m, &mut out, Some(&mut unc)).unwrap();
    assert_all(&out, &[80.0, 100.0, 60.0], 1e-12);
    assert_all(&unc, &[80.0, 116.0, 52.0], 1e-12);
    assert_eq!(note.n_clamped, 2);
    // lower is better: PM2.5 satisfactory 25, not allowed 75: x = 35 → 60 + 40·(35−75)/(25−75) = 92
    let m = Normalisation::EfficacyCoefficient {
        satisfactory: Some(25.0),
        not_allowed: Some(75.0),
        clamp: true,
    };
    assert_all(&run(&[35.0], &lo(), &m), &[92.0], 1e-12);
    // data-driven defaults: best → 100, worst → 60
    let m = Normalisation::EfficacyCoefficient {
        satisfactory: None,
        not_allowed: None,
        clamp: true,
    };
    assert_all(
        &run(&[1.0, 2.0, 3.0], &lo(), &m),
        &[100.0, 80.0, 60.0],
        1e-12,
    );
    // wrong side → spec error
    let bad = Normalisation::EfficacyCoefficient {
        satisfactory: Some(50.0),
        not_allowed: Some(100.0),
        clamp: true,
    };
    let mut o = [0.0; 1];
    assert!(matches!(
        normalise_column(&[60.0], &hi(), &bad, &mut o, None),
        Err(Error::InvalidSpec { .. })
    ));
    // constant column with data-driven values: 80, flagged
    let mut o = [0.0; 2];
    let note = normalise_column(&[4.0, 4.0], &hi(), &m, &mut o, None).unwrap();
    assert!(note.constant);
    assert_eq!(o, [80.0, 80.0]);
}

#[test]
fn interval_polarity_min_max_uses_interval_score() {
    // scores (0.5, 1, 0.5, 0) → min–max [0,1] → (0.5, 1, 0.5, 0)
    let info = ColumnInfo::new(
        "u",
        Polarity::Interval {
            lower: 3.0,
            upper: 6.0,
            tolerance_lower: 1.0,
            tolerance_upper: 8.0,
        },
    );
    let m = Normalisation::MinMax {
        low: 0.0,
        high: 1.0,
    };
    assert_all(
        &run(&[2.0, 4.0, 7.0, 9.0], &info, &m),
        &[0.5, 1.0, 0.5, 0.0],
        1e-12,
    );
    // goalposts in natural units are rejected for interval indicators
    let g = Normalisation::Goalposts {
        lower: 0.0,
        upper: 1.0,
        scale: 1.0,
        truncate: true,
        log: false,
    };
    let mut o = [0.0; 1];
    assert!(matches!(
        normalise_column(&[1.0], &info, &g, &mut o, None),
        Err(Error::InvalidSpec { .. })
    ));
}

#[test]
fn bad_input_is_an_error() {
    let mut o = [0.0; 2];
    let m = Normalisation::default_min_max();
    assert!(matches!(
        normalise_column(&[1.0, f64::INFINITY], &hi(), &m, &mut o, None),
        Err(Error::InvalidValue { .. })
    ));
    let mut short = [0.0; 1];
    assert!(matches!(
        normalise_column(&[1.0, 2.0], &hi(), &m, &mut short, None),
        Err(Error::LengthMismatch { .. })
    ));
    let e = normalise_column(
        &[1.0, f64::NEG_INFINITY],
        &ColumnInfo::new("gdp", Polarity::HigherIsBetter),
        &m,
        &mut o,
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("`gdp`"), "{e}");
}

#[test]
fn spec_json_round_trip_and_defaults() {
    let m: Normalisation = serde_json::from_str(r#"{"method":"min_max"}"#).unwrap();
    assert_eq!(
        m,
        Normalisation::MinMax {
            low: 0.0,
            high: 100.0
        }
    );
    let g: Normalisation =
        serde_json::from_str(r#"{"method":"goalposts","lower":100,"upper":75000,"log":true}"#)
            .unwrap();
    assert_eq!(
        g,
        Normalisation::Goalposts {
            lower: 100.0,
            upper: 75000.0,
            scale: 1.0,
            truncate: true,
            log: true
        }
    );
    let r: Normalisation = serde_json::from_str(r#"{"method":"ratio_to_target"}"#).unwrap();
    assert_eq!(r, Normalisation::RatioToTarget { cap: true });
    let s = serde_json::to_string(&Normalisation::PercentileRank { ties: Ties::Min }).unwrap();
    assert_eq!(s, r#"{"method":"percentile_rank","ties":"min"}"#);
}

#[test]
fn column_note_json_round_trip_with_nan() {
    let mut out = [0.0; 2];
    let note = normalise_column(
        &[NAN, NAN],
        &hi(),
        &Normalisation::default_min_max(),
        &mut out,
        None,
    )
    .unwrap();
    let s = serde_json::to_string(&note).unwrap();
    assert!(s.contains(r#""min":null"#), "{s}");
    let back: cpindex::method::normalise::ColumnNote = serde_json::from_str(&s).unwrap();
    assert!(back.min.is_nan() && back.max.is_nan());
    assert_eq!(back.n_missing, 2);
}

#[test]
fn a_normalisation_knows_its_output_bounds() {
    use cpindex::method::normalise::Normalisation;
    // what obstacle degrees rescale with; unbounded methods have none
    let mm: Normalisation =
        serde_json::from_str(r#"{"method": "min_max", "low": 1, "high": 100}"#).unwrap();
    assert_eq!(mm.output_bounds(), Some((1.0, 100.0)));
    let ec: Normalisation = serde_json::from_str(
        r#"{"method": "efficacy_coefficient", "satisfactory": 10, "not_allowed": 0}"#,
    )
    .unwrap();
    assert_eq!(ec.output_bounds(), Some((60.0, 100.0)));
    let z: Normalisation = serde_json::from_str(r#"{"method": "z_score"}"#).unwrap();
    assert_eq!(z.output_bounds(), None);
    let rt: Normalisation =
        serde_json::from_str(r#"{"method": "ratio_to_target", "cap": false}"#).unwrap();
    assert_eq!(rt.output_bounds(), None);
}
