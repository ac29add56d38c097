//! Edge cases of the distribution measures: each behaviour from the issue, defined and tested.

use cpindex::distribution::*;
use cpindex::Error;

#[test]
fn empty_is_an_error() {
    assert!(matches!(
        Distribution::new(&[], None),
        Err(Error::Empty { .. })
    ));
    assert!(matches!(gini(&[], None), Err(Error::Empty { .. })));
    assert!(matches!(
        Distribution::new(&[], Some(&[])),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn single_record() {
    let d = Distribution::new(&[42.0], Some(&[3.0])).unwrap();
    assert_eq!(d.gini().unwrap(), 0.0);
    assert_eq!(d.theil_t().unwrap(), 0.0);
    assert_eq!(d.mean_log_deviation().unwrap(), 0.0);
    assert_eq!(d.atkinson(2.0).unwrap(), 0.0);
    assert_eq!(d.coefficient_of_variation().unwrap(), 0.0);
    assert_eq!(d.hoover().unwrap(), 0.0);
    for p in [0.0, 0.3, 0.5, 1.0] {
        assert_eq!(
            d.quantile(p, QuantileMethod::AveragedInvertedCdf).unwrap(),
            42.0
        );
        assert_eq!(d.quantile(p, QuantileMethod::InvertedCdf).unwrap(), 42.0);
        assert_eq!(d.quantile(p, QuantileMethod::Linear).unwrap(), 42.0);
    }
    assert_eq!(d.lorenz(0.3).unwrap(), 0.3);
    // small-sample correction undefined with one record
    assert!(matches!(
        d.gini_corrected(),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn all_equal_gives_zero_inequality() {
    let x = [7.5; 9];
    let w = [1.0, 2.0, 3.0, 1.0, 1.0, 5.0, 1.0, 1.0, 2.0];
    let d = Distribution::new(&x, Some(&w)).unwrap();
    assert_eq!(d.gini().unwrap(), 0.0);
    assert!(d.theil_t().unwrap().abs() < 1e-15);
    assert!(d.mean_log_deviation().unwrap().abs() < 1e-15);
    assert!(d.generalized_entropy(2.0).unwrap().abs() < 1e-15);
    assert!(d.atkinson(1.0).unwrap().abs() < 1e-15);
    assert_eq!(d.coefficient_of_variation().unwrap(), 0.0);
    assert_eq!(d.hoover().unwrap(), 0.0);
    assert_eq!(d.median().unwrap(), 7.5);
    assert!((d.s80_s20().unwrap() - 1.0).abs() < 1e-12);
    assert!((d.palma_ratio().unwrap() - 0.25).abs() < 1e-12); // 10% / 40%
    assert_eq!(d.max_min_ratio().unwrap().ratio, 1.0);
    // nobody is above the 80th percentile: the Eurostat QSR is undefined → error
    assert!(matches!(
        d.quintile_share_ratio(ShareRatioMethod::Eurostat),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn zeros() {
    // x = 0, 0, 3, 5 (n = 4, μ = 2). Gini: Σ|xi−xj| ordered pairs = 2(0+3+5+3+5+2) = 36,
    // G = 36 / (2·16·2) = 0.5625
    let x = [0.0, 3.0, 0.0, 5.0];
    let d = Distribution::new(&x, None).unwrap();
    assert!((d.gini().unwrap() - 0.5625).abs() < 1e-15);
    // Theil T: zeros contribute 0: (1/4)(1.5 ln 1.5 + 2.5 ln 2.5)
    let t = 0.25 * (1.5 * 1.5f64.ln() + 2.5 * 2.5f64.ln());
    assert!((d.theil_t().unwrap() - t).abs() < 1e-15);
    // GE(0.5) allowed: ((1/4)(√1.5 + √2.5) − 1)/(0.5·(−0.5))
    let ge = (0.25 * (1.5f64.sqrt() + 2.5f64.sqrt()) - 1.0) / (-0.25);
    assert!((d.generalized_entropy(0.5).unwrap() - ge).abs() < 1e-15);
    // GE(0), GE(−1), Atkinson(ε ≥ 1) refuse zeros, naming the first zero (position 0)
    for r in [
        d.mean_log_deviation(),
        d.generalized_entropy(-1.0),
        d.atkinson(1.0),
        d.atkinson(2.0),
    ] {
        match r {
            Err(Error::InvalidValue { context, value, .. }) => {
                assert_eq!(context, "values[0]");
                assert_eq!(value, 0.0);
            }
            other => panic!("expected InvalidValue, got {other:?}"),
        }
    }
    assert!(d.atkinson(0.5).is_ok());
    assert!(matches!(d.max_min_ratio(), Err(Error::InvalidValue { .. })));
    // all zeros: mean 0 → every relative measure errors
    let z = Distribution::new(&[0.0, 0.0], None).unwrap();
    assert!(matches!(z.gini(), Err(Error::InvalidValue { .. })));
    assert!(matches!(z.theil_t(), Err(Error::InvalidValue { .. })));
    assert!(matches!(z.lorenz(0.5), Err(Error::InvalidValue { .. })));
    assert_eq!(z.median().unwrap(), 0.0);
}

#[test]
fn negatives() {
    // x = −4, 1, 5 (μ = 2/3). Ordered-pair Σ|xi−xj| = 2(5 + 9 + 4) = 36,
    // G = 36 / (2·9·(2/3)) = 36/12 = 3 — the Gini exceeds 1 with negative incomes.
    let d = Distribution::new(&[1.0, -4.0, 5.0], None).unwrap();
    assert!((d.gini().unwrap() - 3.0).abs() < 1e-12);
    assert!(d.coefficient_of_variation().is_ok());
    assert_eq!(d.median().unwrap(), 1.0);
    match d.theil_t() {
        Err(Error::InvalidValue {
            context,
            value,
            reason,
        }) => {
            assert_eq!(context, "values[1]");
            assert_eq!(value, -4.0);
            assert!(reason.contains("Theil"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // GE(2) = CV²/2 is defined wherever the CV is: {1, −4, 5}, μ = 2/3,
    // (1/n)Σ(x/μ)² = (1 + 16 + 25)/3 · 9/4 = 31.5, GE(2) = (31.5 − 1)/2 = 15.25;
    // CV² = σ²/μ² = (14 − 4/9)/(4/9) = 30.5 → CV²/2 = 15.25.
    let ge2 = d.generalized_entropy(2.0).unwrap();
    assert!((ge2 - 15.25).abs() < 1e-12, "{ge2}");
    let cv = d.coefficient_of_variation().unwrap();
    assert!((cv * cv / 2.0 - 15.25).abs() < 1e-12);
    // every other α > 0 still needs x ≥ 0 (x^α of a negative x is not real for α = 0.5,
    // and an odd α can give a negative index)
    assert!(d.generalized_entropy(0.5).is_err());
    assert!(d.generalized_entropy(3.0).is_err());
    assert!(d.atkinson(0.5).is_err());
    let g = [0usize, 1, 1];
    assert!(dagum_gini_decomposition(&[1.0, -4.0, 5.0], None, &g).is_err());
    // negative mean → error for relative measures
    let n = Distribution::new(&[-1.0, -2.0], None).unwrap();
    assert!(matches!(n.gini(), Err(Error::InvalidValue { .. })));
    assert!(matches!(
        n.coefficient_of_variation(),
        Err(Error::InvalidValue { .. })
    ));
}

#[test]
fn nan_policy() {
    let x = [1.0, f64::NAN, 3.0, f64::NAN];
    match Distribution::new(&x, None) {
        Err(Error::MissingValue { context, .. }) => assert_eq!(context, "values[1]"),
        other => panic!("{other:?}"),
    }
    let w = [1.0, 100.0, 1.0, 5.0];
    let d = Distribution::with_policy(&x, Some(&w), MissingPolicy::Skip).unwrap();
    assert_eq!(d.n(), 2);
    assert_eq!(d.n_missing(), 2);
    assert_eq!(d.n_input(), 4);
    assert_eq!(d.total_weight(), 2.0); // the missing records' weights were dropped
    assert_eq!(d.mean(), 2.0);
    // G of {1, 3}: Σ|.| = 4, /(2·4·2) = 0.25
    assert_eq!(d.gini().unwrap(), 0.25);
    // positions still refer to the caller's input
    let mm = d.max_min_ratio().unwrap();
    assert_eq!((mm.min_position, mm.max_position), (0, 2));
    // all missing
    assert!(matches!(
        Distribution::with_policy(&[f64::NAN; 3], None, MissingPolicy::Skip),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn infinities_are_errors() {
    for v in [f64::INFINITY, f64::NEG_INFINITY] {
        match Distribution::with_policy(&[1.0, 2.0, v], None, MissingPolicy::Skip) {
            Err(Error::InvalidValue { context, .. }) => assert_eq!(context, "values[2]"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn weights_edges() {
    // zero total weight
    assert!(matches!(
        Distribution::new(&[1.0, 2.0], Some(&[0.0, 0.0])),
        Err(Error::InvalidValue { .. })
    ));
    // negative / NaN / inf weight, named by position
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        match Distribution::new(&[1.0, 2.0, 3.0], Some(&[1.0, 1.0, bad])) {
            Err(Error::InvalidValue { context, .. }) => assert_eq!(context, "weights[2]"),
            other => panic!("{other:?}"),
        }
    }
    // mismatched lengths
    assert!(matches!(
        Distribution::new(&[1.0, 2.0], Some(&[1.0])),
        Err(Error::LengthMismatch {
            expected: 2,
            found: 1,
            ..
        })
    ));
    assert!(matches!(
        ge_decomposition(&[1.0, 2.0], None, &[0], 1.0),
        Err(Error::LengthMismatch { .. })
    ));
    // zero weights are left out and counted: same as dropping the record
    let d = Distribution::new(&[1.0, 100.0, 3.0], Some(&[1.0, 0.0, 1.0])).unwrap();
    assert_eq!(d.n(), 2);
    assert_eq!(d.n_zero_weight(), 1);
    assert_eq!(d.gini().unwrap(), 0.25);
    // a group whose weights are all zero
    assert!(matches!(
        ge_decomposition(&[1.0, 2.0, 3.0], Some(&[1.0, 1.0, 0.0]), &[0, 0, 1], 1.0),
        Err(Error::InvalidValue { .. })
    ));
}

#[test]
fn argument_checks() {
    let d = Distribution::new(&[1.0, 2.0, 3.0], None).unwrap();
    for p in [-0.1, 1.1, f64::NAN] {
        assert!(matches!(
            d.quantile(p, QuantileMethod::default()),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(d.lorenz(p), Err(Error::InvalidArgument { .. })));
    }
    assert!(d.income_share(0.6, 0.4).is_err());
    assert!(d.generalized_entropy(f64::NAN).is_err());
    assert!(d.atkinson(-0.5).is_err());
    assert!(d.share_in_band(5.0, 1.0, BandRule::HalfOpen).is_err());
    assert!(d.share_in_band(f64::NAN, 1.0, BandRule::HalfOpen).is_err());
    // one-sided bands with infinite bounds
    assert_eq!(
        d.share_in_band(f64::NEG_INFINITY, 2.0, BandRule::HalfOpen)
            .unwrap(),
        1.0 / 3.0
    );
    assert_eq!(
        d.share_in_band(2.0, f64::INFINITY, BandRule::Closed)
            .unwrap(),
        2.0 / 3.0
    );
    // Quantile ratio with a non-positive denominator
    let z = Distribution::new(&[0.0, 1.0, 2.0], None).unwrap();
    assert!(z
        .quantile_ratio(0.9, 0.1, QuantileMethod::InvertedCdf)
        .is_err());
}

#[test]
fn band_boundary_rule_matters() {
    // Household incomes (万元): 10 and 50 sit on the bounds of the plan's 10–50万 band.
    let x = [5.0, 10.0, 20.0, 35.0, 50.0, 80.0];
    let d = Distribution::new(&x, None).unwrap();
    // [10, 50): 10, 20, 35 → 3/6; [10, 50]: adds 50 → 4/6
    assert_eq!(
        d.share_in_band(10.0, 50.0, BandRule::HalfOpen).unwrap(),
        0.5
    );
    assert_eq!(
        d.share_in_band(10.0, 50.0, BandRule::Closed).unwrap(),
        4.0 / 6.0
    );
    // adjacent half-open bands partition the population
    let a = d.share_in_band(0.0, 20.0, BandRule::HalfOpen).unwrap();
    let b = d.share_in_band(20.0, 60.0, BandRule::HalfOpen).unwrap();
    let c = d
        .share_in_band(60.0, f64::INFINITY, BandRule::HalfOpen)
        .unwrap();
    assert!((a + b + c - 1.0).abs() < 1e-15);
}

#[test]
fn negative_zero_is_zero() {
    let d = Distribution::new(&[-0.0, 1.0], None).unwrap();
    assert_eq!(d.min().to_bits(), 0.0f64.to_bits());
    assert!(d.theil_t().is_ok());
}

/// Quantiles of finite data near f64::MAX lie between the data (Hyndman & Fan 1996: type 2
/// averages two order statistics, type 7 interpolates `x_j + h(x_{j+1} − x_j)`); the plain
/// forms overflowed to +inf with an OK status (review ffi #2).
#[test]
fn quantiles_of_huge_finite_values_do_not_overflow() {
    let d = Distribution::new(&[1e308, 1.7e308], None).unwrap();
    assert_eq!(d.median().unwrap(), 1.35e308);
    assert_eq!(
        d.quantile(0.5, QuantileMethod::AveragedInvertedCdf)
            .unwrap(),
        1.35e308
    );
    assert_eq!(d.quantile(0.5, QuantileMethod::Linear).unwrap(), 1.35e308);
    assert_eq!(quantile(&[1e308, 1.7e308], None, 0.5).unwrap(), 1.35e308);
    let d = Distribution::new(&[-1e308, 1e308], None).unwrap();
    assert_eq!(d.quantile(0.25, QuantileMethod::Linear).unwrap(), -5e307);
    assert_eq!(d.quantile(0.5, QuantileMethod::Linear).unwrap(), 0.0);
    assert_eq!(d.quantile(0.75, QuantileMethod::Linear).unwrap(), 5e307);
    // weighted: an exact half split averages the two values
    let d = Distribution::new(&[1.7e308, 1e308], Some(&[2.0, 2.0])).unwrap();
    assert_eq!(d.median().unwrap(), 1.35e308);
}

/// The inequality report never drops a measure silently: each requested measure has a
/// finite value or an entry in `errors` saying why (a non-finite value was written as
/// `null` with no reason). The total of 1e308 + 1.7e308 is beyond the double range.
#[test]
fn the_inequality_report_names_every_measure_it_cannot_give() {
    let measures = [
        Measure::Median,
        Measure::Mean,
        Measure::Total,
        Measure::Quantile(0.5),
        Measure::Gini,
    ];
    let r = inequality_report(
        &[1e308, 1.7e308],
        None,
        None,
        &measures,
        MissingPolicy::Error,
    )
    .unwrap();
    for m in &measures {
        let label = m.label();
        match r.measures[&label] {
            Some(v) => assert!(v.is_finite(), "{label} = {v}"),
            None => assert!(
                r.errors.contains_key(&label),
                "{label}: null without a reason"
            ),
        }
    }
    assert_eq!(r.measures["median"], Some(1.35e308));
    assert_eq!(r.measures["total"], None);
    assert!(
        r.errors["total"].contains("double"),
        "{}",
        r.errors["total"]
    );
}

/// Subnormal data (below 2⁻¹⁰²²): the rescaling by a power of two reaches them (review
/// methods #5: `2^1030` overflowed, the mean was NaN and the Gini an error). Level
/// measures scale, relative ones do not change; 1e-310 keeps about 44 significant bits.
#[test]
fn subnormal_values_give_the_scaled_measures() {
    let x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0];
    let c = 1e-310;
    let tiny: Vec<f64> = x.iter().map(|v| v * c).collect();
    let one = Distribution::new(&x, None).unwrap();
    let small = Distribution::new(&tiny, None).unwrap();
    let rel = |a: f64, b: f64| (a - b).abs() / b.abs();
    assert!(rel(small.mean() / c, one.mean()) < 1e-9, "{}", small.mean());
    assert!(rel(small.median().unwrap() / c, one.median().unwrap()) < 1e-9);
    for (name, a, b) in [
        ("gini", small.gini().unwrap(), one.gini().unwrap()),
        ("theil", small.theil_t().unwrap(), one.theil_t().unwrap()),
        (
            "mld",
            small.mean_log_deviation().unwrap(),
            one.mean_log_deviation().unwrap(),
        ),
        (
            "atkinson",
            small.atkinson(0.5).unwrap(),
            one.atkinson(0.5).unwrap(),
        ),
        (
            "cv",
            small.coefficient_of_variation().unwrap(),
            one.coefficient_of_variation().unwrap(),
        ),
    ] {
        assert!(rel(a, b) < 1e-9, "{name}: {a} vs {b}");
    }
}
