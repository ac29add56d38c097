//! Distribution measures against independent reference values.
//!
//! Sources:
//! * hand computations, written out in the comments;
//! * an independent plain-Python implementation written for these tests from the textbook
//!   definitions (double sums over all pairs for the Gini and Dagum's components, direct
//!   sums for GE/Atkinson/CV/Hoover, Hyndman–Fan type 1/2 on the *replicated* records
//!   for weighted quantiles, `statistics.quantiles(method="inclusive")` for type 7, Lorenz
//!   ordinates by integrating unit-weight records), run with CPython 3.11.7 on 2026-11-28.
//!   The script is reproduced at the end of `docs/distribution.md`; values pasted here are
//!   its `repr()` output.
//! * data set A is the income vector of the R `ineq` package's documentation example
//!   (`x <- c(541, 1463, 2445, 3438, 4437, 5401, 6392, 8304, 11904, 22261)`).

use cpindex::distribution::*;
use cpindex::Error;

const A: [f64; 10] = [
    541.0, 1463.0, 2445.0, 3438.0, 4437.0, 5401.0, 6392.0, 8304.0, 11904.0, 22261.0,
];
// Data set B (weighted): values and integer weights (so replication can check them).
const B: [f64; 8] = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
const BW: [f64; 8] = [2.0, 1.0, 3.0, 1.0, 1.0, 2.0, 4.0, 1.0];

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300) || (a - b).abs() <= 1e-15
}
macro_rules! assert_close {
    ($a:expr, $b:expr) => {
        assert_close!($a, $b, 1e-12)
    };
    ($a:expr, $b:expr, $rel:expr) => {{
        let (a, b): (f64, f64) = ($a, $b);
        assert!(close(a, b, $rel), "{} = {a}, expected {b}", stringify!($a));
    }};
}

#[test]
fn hand_computed_one_to_four() {
    // x = 1,2,3,4, μ = 2.5. Pairs |xi−xj|: 1,2,3,1,2,1 → Σ over ordered pairs = 20.
    // G = 20 / (2·4²·2.5) = 20/80 = 0.25; corrected: 0.25·4/3 = 1/3.
    let x = [4.0, 1.0, 3.0, 2.0];
    let d = Distribution::new(&x, None).unwrap();
    assert_close!(d.gini().unwrap(), 0.25);
    assert_close!(d.gini_corrected().unwrap(), 1.0 / 3.0);
    // CV: σ² = (2.25+0.25+0.25+2.25)/4 = 1.25, CV = √1.25/2.5
    assert_close!(d.coefficient_of_variation().unwrap(), 1.25f64.sqrt() / 2.5);
    // GE(2) = CV²/2 = 1.25/6.25/2 = 0.1
    assert_close!(d.generalized_entropy(2.0).unwrap(), 0.1);
    // Hoover: Σ|x−μ|/(2nμ) = (1.5+0.5+0.5+1.5)/(2·4·2.5) = 4/20 = 0.2
    assert_close!(d.hoover().unwrap(), 0.2);
    // Lorenz: L(0.25) = 1/10, L(0.5) = 3/10, L(0.75) = 6/10; L(0.125) = half of record 1 = 0.05
    assert_close!(d.lorenz(0.25).unwrap(), 0.1);
    assert_close!(d.lorenz(0.5).unwrap(), 0.3);
    assert_close!(d.lorenz(0.125).unwrap(), 0.05);
    // Type 2 median: n·p = 2 integer → (x2 + x3)/2 = 2.5; type 1 → x2 = 2; type 7: h = 1.5 → 2.5
    assert_close!(d.median().unwrap(), 2.5);
    assert_close!(d.quantile(0.5, QuantileMethod::InvertedCdf).unwrap(), 2.0);
    assert_close!(d.quantile(0.5, QuantileMethod::Linear).unwrap(), 2.5);
    // type 7 at p = 0.1: h = 0.3 → 1 + 0.3·1 = 1.3
    assert_close!(d.quantile(0.1, QuantileMethod::Linear).unwrap(), 1.3);
    // Theil T = (1/4) Σ (x/μ) ln(x/μ) = (1/4)(0.4 ln .4 + 0.8 ln .8 + 1.2 ln 1.2 + 1.6 ln 1.6)
    let t = 0.25 * (0.4 * 0.4f64.ln() + 0.8 * 0.8f64.ln() + 1.2 * 1.2f64.ln() + 1.6 * 1.6f64.ln());
    assert_close!(d.theil_t().unwrap(), t);
    // Atkinson(1) = 1 − (1·2·3·4)^(1/4)/2.5 = 1 − 24^(1/4)/2.5
    assert_close!(d.atkinson(1.0).unwrap(), 1.0 - 24f64.powf(0.25) / 2.5);
    // max/min = 4/1 at input positions 0 and 1
    let mm = d.max_min_ratio().unwrap();
    assert_eq!((mm.max_position, mm.min_position), (0, 1));
    assert_close!(mm.ratio, 4.0);
    assert_close!(d.mean(), 2.5);
    assert_eq!(d.n(), 4);
    assert_close!(d.total_weight(), 4.0);
}

#[test]
fn ineq_example_against_python_reference() {
    let d = Distribution::new(&A, None).unwrap();
    assert_close!(d.gini().unwrap(), 0.46209113026762383);
    assert_close!(gini(&A, None).unwrap(), 0.46209113026762383);
    assert_close!(
        d.gini_corrected().unwrap(),
        0.46209113026762383 * 10.0 / 9.0
    );
    assert_close!(d.generalized_entropy(-1.0).unwrap(), 0.8477490531206326);
    assert_close!(d.mean_log_deviation().unwrap(), 0.433594649520446);
    assert_close!(d.generalized_entropy(0.5).unwrap(), 0.37709309652338296);
    assert_close!(d.theil_t().unwrap(), 0.362341242343895);
    assert_close!(d.generalized_entropy(2.0).unwrap(), 0.42040615457742625);
    assert_close!(d.generalized_entropy(3.0).unwrap(), 0.6155449199884498);
    assert_close!(d.atkinson(0.5).unwrap(), 0.17965909804634195);
    assert_close!(d.atkinson(1.0).unwrap(), 0.35182505973507494);
    assert_close!(d.atkinson(2.0).unwrap(), 0.6290110545117581);
    assert_close!(d.coefficient_of_variation().unwrap(), 0.9169581828823237);
    assert_close!(d.hoover().unwrap(), 0.33780674616285705);
    // quantiles: (p, type 2, type 1, type 7)
    for (p, t2, t1, t7) in [
        (0.1, 1002.0, 541.0, 1370.8),
        (0.2, 1954.0, 1463.0, 2248.6),
        (0.25, 2445.0, 2445.0, 2693.25),
        (0.5, 4919.0, 4437.0, 4919.0),
        (0.8, 10104.0, 8304.0, 9024.0),
        (0.9, 17082.5, 11904.0, 12939.7),
    ] {
        assert_close!(
            d.quantile(p, QuantileMethod::AveragedInvertedCdf).unwrap(),
            t2
        );
        assert_close!(d.quantile(p, QuantileMethod::InvertedCdf).unwrap(), t1);
        assert_close!(d.quantile(p, QuantileMethod::Linear).unwrap(), t7, 1e-9);
    }
    for (p, l) in [
        (0.05, 0.004062415522782567),
        (0.2, 0.030096416664163638),
        (0.4, 0.11844832247018892),
        (0.8, 0.4869041540263719),
        (0.9, 0.665680473372781),
        (0.95, 0.8328402366863905),
    ] {
        assert_close!(d.lorenz(p).unwrap(), l);
    }
    assert_close!(d.palma_ratio().unwrap(), 2.8224927095219985);
    assert_close!(d.s80_s20().unwrap(), 17.048403193612774);
    // n = 10: quintiles hold exactly 2 records, so both S80/S20 definitions agree
    assert_close!(
        d.quintile_share_ratio(ShareRatioMethod::Eurostat).unwrap(),
        17.048403193612774
    );
    assert_close!(
        d.quantile_ratio(0.9, 0.1, QuantileMethod::AveragedInvertedCdf)
            .unwrap(),
        17082.5 / 1002.0
    );
}

#[test]
fn weighted_example_against_python_reference() {
    let d = Distribution::new(&B, Some(&BW)).unwrap();
    assert_close!(d.gini().unwrap(), 0.34385964912280703);
    assert_close!(d.theil_t().unwrap(), 0.1934230083469176);
    assert_close!(d.mean_log_deviation().unwrap(), 0.20671153878098902);
    assert_close!(d.generalized_entropy(2.0).unwrap(), 0.20867959372114508);
    assert_close!(d.generalized_entropy(-1.0).unwrap(), 0.26070370370370377);
    assert_close!(d.atkinson(0.5).unwrap(), 0.09566994415443664);
    assert_close!(d.atkinson(1.0).unwrap(), 0.1867457915442292);
    assert_close!(d.atkinson(2.0).unwrap(), 0.34271386143434446);
    assert_close!(d.coefficient_of_variation().unwrap(), 0.6460334259481394);
    assert_close!(d.hoover().unwrap(), 0.2526315789473684);
    for (p, t2, t1) in [
        (0.1, 1.0, 1.0),
        (0.2, 2.0, 2.0),
        (0.25, 2.0, 2.0),
        (0.5, 3.0, 3.0),
        (0.6, 4.0, 4.0),
        (0.8, 5.5, 5.0),
        (0.9, 9.0, 9.0),
    ] {
        assert_close!(
            d.quantile(p, QuantileMethod::AveragedInvertedCdf).unwrap(),
            t2
        );
        assert_close!(d.quantile(p, QuantileMethod::InvertedCdf).unwrap(), t1);
    }
    for (p, l) in [
        (0.1, 0.02631578947368421),
        (0.2, 0.07017543859649122),
        (0.4, 0.17543859649122806),
        (0.8, 0.5789473684210527),
        (0.9, 0.7631578947368421),
    ] {
        assert_close!(d.lorenz(p).unwrap(), l);
    }
    assert_close!(d.palma_ratio().unwrap(), 1.35);
    assert_close!(d.s80_s20().unwrap(), 6.0);
    // Eurostat/laeken ≥ 0.5.0 QSR by hand: sorted (x, w) = (1,1) (1,1) (2,4) (3,2) (4,3) (5,1)
    // (6,1) (9,2), W = 15. q20: 0.2·W = 3 first reached inside the 2s (C = 6) → 2; q80:
    // 0.8·W = 12 = C after the 5 exactly → (5 + 6)/2 = 5.5. Income at or below 2:
    // 1 + 1 + 8 = 10; above 5.5: 6 + 18 = 24 → 24/10 = 2.4. (The pre-0.5.0 laeken ratio of
    // means, (24/3)/(10/6) = 4.8, is not what Eurostat defines.)
    assert_close!(
        d.quintile_share_ratio(ShareRatioMethod::Eurostat).unwrap(),
        2.4
    );
    // ARPR: median 3 → threshold 1.8; records below: the two 1s (weight 2 of 15)
    assert_close!(d.at_risk_of_poverty_threshold().unwrap(), 1.8);
    assert_close!(d.at_risk_of_poverty_rate().unwrap(), 2.0 / 15.0);
    // band [2,5): weights of 2,3,4 = 4+2+3 = 9 of 15 = 0.6; closed [2,5] adds the 5 (w 1)
    assert_close!(d.share_in_band(2.0, 5.0, BandRule::HalfOpen).unwrap(), 0.6);
    assert_close!(
        d.share_in_band(2.0, 5.0, BandRule::Closed).unwrap(),
        10.0 / 15.0
    );
    assert_close!(share_in_band(&B, Some(&BW), 2.0, 5.0).unwrap(), 0.6);
    // linear quantile refuses weights
    assert!(matches!(
        d.quantile(0.5, QuantileMethod::Linear),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn free_functions_agree_with_distribution() {
    let d = Distribution::new(&B, Some(&BW)).unwrap();
    let w = Some(&BW[..]);
    assert_eq!(theil_t(&B, w).unwrap(), d.theil_t().unwrap());
    assert_eq!(
        mean_log_deviation(&B, w).unwrap(),
        d.mean_log_deviation().unwrap()
    );
    assert_eq!(
        generalized_entropy(&B, w, 0.5).unwrap(),
        d.generalized_entropy(0.5).unwrap()
    );
    assert_eq!(atkinson(&B, w, 2.0).unwrap(), d.atkinson(2.0).unwrap());
    assert_eq!(
        coefficient_of_variation(&B, w).unwrap(),
        d.coefficient_of_variation().unwrap()
    );
    assert_eq!(palma_ratio(&B, w).unwrap(), d.palma_ratio().unwrap());
    assert_eq!(quintile_share_ratio(&B, w).unwrap(), 6.0);
    assert_eq!(quantile(&B, w, 0.8).unwrap(), 5.5);
}

#[test]
fn ge_decomposition_against_python_reference() {
    let x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0];
    let w = [2.0, 1.0, 3.0, 1.0, 1.0, 2.0, 4.0, 1.0, 2.0, 3.0];
    let g = [0, 0, 1, 1, 0, 2, 2, 1, 2, 0];
    for (alpha, total, within, between) in [
        (
            0.0,
            0.1630482862252003,
            0.14794274592029324,
            0.015105540304906994,
        ),
        (
            1.0,
            0.1531839596080768,
            0.13841312352606638,
            0.014770836082010397,
        ),
        (
            2.0,
            0.16481994459833804,
            0.15027700831024926,
            0.01454293628808867,
        ),
        (
            0.5,
            0.15516644376743383,
            0.14024208732555576,
            0.014924356441878395,
        ),
    ] {
        let d = ge_decomposition(&x, Some(&w), &g, alpha).unwrap();
        assert_close!(d.total, total);
        assert_close!(d.within, within);
        assert_close!(d.between, between);
        assert_close!(d.within + d.between, d.total);
        assert_eq!(d.groups.len(), 3);
    }
}

#[test]
fn dagum_decomposition_against_python_reference() {
    let x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0];
    let w = [2.0, 1.0, 3.0, 1.0, 1.0, 2.0, 4.0, 1.0, 2.0, 3.0];
    let g = [0, 0, 1, 1, 0, 2, 2, 1, 2, 0];
    let d = dagum_gini_decomposition(&x, Some(&w), &g).unwrap();
    assert_close!(d.total, 0.30394736842105263);
    assert_close!(d.within, 0.09210526315789475);
    assert_close!(d.between_net, 0.09210526315789475);
    assert_close!(d.transvariation, 0.11973684210526316);
    assert_close!(d.within + d.between_net + d.transvariation, d.total);
    assert_close!(d.between_gross, d.between_net + d.transvariation);
}

#[test]
fn grouped_gini_hand_computed() {
    // Quintile shares 5,10,15,25,45 (%). L = .05,.15,.30,.55,1.
    // Σ (Δp)(L_k + L_{k−1}) = 0.2·(.05 + .20 + .45 + .85 + 1.55) = 0.2·3.1 = 0.62 → G = 0.38.
    assert_close!(
        gini_from_shares(&[5.0, 10.0, 15.0, 25.0, 45.0]).unwrap(),
        0.38
    );
    // same as fractions
    assert_close!(
        gini_from_shares(&[0.05, 0.10, 0.15, 0.25, 0.45]).unwrap(),
        0.38
    );
    // equal shares → 0
    assert_close!(gini_from_shares(&[20.0; 5]).unwrap(), 0.0);
    // With one record per group, the trapezoid Lorenz curve is exactly the micro-data
    // Lorenz curve (linear inside each record), so the grouped Gini equals the micro Gini.
    let total: f64 = A.iter().sum();
    let shares: Vec<f64> = A.iter().map(|v| v / total).collect();
    assert_close!(gini_from_shares(&shares).unwrap(), 0.46209113026762383);
    // quintiles of A: bottom-up pair sums — a lower bound of the micro Gini
    let q: Vec<f64> = A.chunks(2).map(|c| c[0] + c[1]).collect();
    assert!(gini_from_shares(&q).unwrap() < 0.46209113026762383);
    assert!(gini_from_shares(&[10.0, 5.0]).is_err());
    assert!(gini_from_shares(&[10.0]).is_err());
    assert!(gini_from_shares(&[1.0, f64::NAN]).is_err());
    assert!(gini_from_lorenz(&[0.5, 1.0], &[0.2]).is_err());
    assert_close!(
        gini_from_lorenz(&[0.5, 1.0], &[0.25, 1.0]).unwrap(),
        1.0 - (0.5 * 0.25 + 0.5 * 1.25)
    );
}

#[test]
fn ratios_and_regional_disparity() {
    // urban 3 records mean 60, rural weighted mean (20·1 + 40·3)/4 = 35 → 60/35
    let r = mean_ratio(&[50.0, 60.0, 70.0], None, &[20.0, 40.0], Some(&[1.0, 3.0])).unwrap();
    assert_close!(r, 60.0 / 35.0);
    assert_eq!(
        series_ratio(&[3.0, 5.0], &[1.5, 2.0]).unwrap(),
        vec![2.0, 2.5]
    );
    assert!(matches!(
        series_ratio(&[3.0], &[0.0]),
        Err(Error::InvalidValue { .. })
    ));
    assert!(matches!(
        series_ratio(&[f64::NAN], &[1.0]),
        Err(Error::MissingValue { .. })
    ));
    assert!(matches!(
        series_ratio(&[1.0], &[]),
        Err(Error::LengthMismatch { .. })
    ));
    // regional: the weighted measures of data set B
    let rd = regional_disparity(&B, Some(&BW)).unwrap();
    assert_close!(rd.gini, 0.34385964912280703);
    assert_close!(rd.theil_t, 0.1934230083469176);
    assert_close!(rd.cv, 0.6460334259481394);
    assert_close!(rd.max_min.ratio, 9.0);
    assert_eq!(rd.max_min.max_position, 5);
    assert_eq!(rd.max_min.min_position, 1);
}
