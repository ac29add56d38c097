//! Scale safety (issue 13): every distribution measure and the scale-free normalisations
//! over values and weights multiplied by 1e−300 … 1e300. A measure that is scale-invariant
//! must give the result it gives at scale 1; a level (mean, quantile) must scale with the
//! values; nothing may be NaN or ±inf with an OK status.
//!
//! The expected values are those at scale 1 (themselves checked against laeken/ineq in
//! the distribution suites) and the closed forms of the issue's cases, worked out below.

use cpindex::distribution::{Distribution, QuantileMethod, ShareRatioMethod};
use cpindex::method::normalise::{normalise_column, ColumnInfo, Normalisation};
use cpindex::model::Polarity;

const SCALES: [f64; 9] = [
    1e-300, 1e-250, 1e-200, 1e-100, 1.0, 1e100, 1e200, 1e250, 1e300,
];
const VALUES: [f64; 8] = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
const WEIGHTS: [f64; 8] = [1.0, 2.0, 1.0, 3.0, 1.0, 1.0, 2.0, 1.5];

/// Every relative (scale-invariant) measure, by name.
fn relative(d: &Distribution) -> Vec<(&'static str, Result<f64, cpindex::Error>)> {
    vec![
        ("gini", d.gini()),
        ("gini_corrected", d.gini_corrected()),
        ("ge(-1)", d.generalized_entropy(-1.0)),
        ("ge(0)", d.generalized_entropy(0.0)),
        ("ge(0.5)", d.generalized_entropy(0.5)),
        ("ge(1)", d.generalized_entropy(1.0)),
        ("ge(2)", d.generalized_entropy(2.0)),
        ("ge(3)", d.generalized_entropy(3.0)),
        ("atkinson(0.5)", d.atkinson(0.5)),
        ("atkinson(1)", d.atkinson(1.0)),
        ("atkinson(2)", d.atkinson(2.0)),
        ("cv", d.coefficient_of_variation()),
        ("hoover", d.hoover()),
        ("lorenz(0.3)", d.lorenz(0.3)),
        ("share(0.2,0.6)", d.income_share(0.2, 0.6)),
        ("palma", d.palma_ratio()),
        ("s80_s20", d.s80_s20()),
        (
            "qsr_eurostat",
            d.quintile_share_ratio(ShareRatioMethod::Eurostat),
        ),
        ("max_min", d.max_min_ratio().map(|m| m.ratio)),
    ]
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1e-300)
}

#[test]
fn every_distribution_measure_is_scale_safe() {
    let base = Distribution::new(&VALUES, Some(&WEIGHTS)).unwrap();
    let want = relative(&base);
    for sx in SCALES {
        for sw in SCALES {
            let x: Vec<f64> = VALUES.iter().map(|v| v * sx).collect();
            let w: Vec<f64> = WEIGHTS.iter().map(|v| v * sw).collect();
            let d = Distribution::new(&x, Some(&w)).unwrap();
            for ((name, got), (_, exp)) in relative(&d).into_iter().zip(&want) {
                let (got, exp) = (got.unwrap(), *exp.as_ref().unwrap());
                assert!(
                    got.is_finite() && close(got, exp),
                    "{name} at values×{sx:e}, weights×{sw:e}: {got} ≠ {exp}"
                );
            }
            // levels scale with the values
            let mean = d.mean();
            assert!(
                mean.is_finite() && close(mean / sx, base.mean()),
                "mean ×{sx:e} ×{sw:e}: {mean}"
            );
            for q in [
                QuantileMethod::AveragedInvertedCdf,
                QuantileMethod::InvertedCdf,
            ] {
                let v = d.quantile(0.5, q).unwrap();
                assert!(
                    close(v / sx, base.quantile(0.5, q).unwrap()),
                    "median ×{sx:e}: {v}"
                );
            }
            let share = d.share_below(3.5 * sx).unwrap();
            assert!(
                close(share, base.share_below(3.5).unwrap()),
                "share_below ×{sx:e} ×{sw:e}"
            );
        }
    }
}

#[test]
fn the_issue_cases() {
    // three equal incomes of 1e308: no inequality, GE(2) = 0 and A(ε) = 0 (they used to
    // be −0.5 and 1, from μ = +inf)
    let d = Distribution::new(&[1e308, 1e308, 1e308], None).unwrap();
    assert_eq!(d.mean(), 1e308);
    assert_eq!(d.generalized_entropy(2.0).unwrap(), 0.0);
    for e in [0.5, 1.0, 2.0] {
        assert_eq!(d.atkinson(e).unwrap(), 0.0, "A({e})");
    }
    assert_eq!(d.gini().unwrap(), 0.0);
    // weights ×1e−300 keep the Gini: values 1, 2, 3 with equal weights,
    // G = Σᵢⱼ|xᵢ−xⱼ| / (2 n² μ) = (2·(1+2+1)) / (2·9·2) = 8/36 = 2/9
    let d = Distribution::new(&[1.0, 2.0, 3.0], Some(&[1e-300, 1e-300, 1e-300])).unwrap();
    assert!(close(d.gini().unwrap(), 2.0 / 9.0), "{}", d.gini().unwrap());
    // values ×1e−300 keep the CV: 1, 2, 3 → μ = 2, σ² = (1+0+1)/3, CV = √(2/3)/2
    let d = Distribution::new(&[1e-300, 2e-300, 3e-300], None).unwrap();
    let cv = d.coefficient_of_variation().unwrap();
    assert!(close(cv, (2.0f64 / 3.0).sqrt() / 2.0), "{cv}");
}

fn normalised(method: &Normalisation, x: &[f64]) -> Vec<f64> {
    let info = ColumnInfo::new("gdp", Polarity::HigherIsBetter);
    let mut out = vec![0.0; x.len()];
    normalise_column(x, &info, method, &mut out, None).unwrap();
    out
}

#[test]
fn min_max_spans_the_whole_double_range() {
    // 1e308, 0, −1e308: (x − lo)/(hi − lo) with hi − lo = +inf used to give null, 0, 0;
    // halving first: (x/2 + 5e307)/1e308 · 100 = 100, 50, 0
    let m: Normalisation = serde_json::from_str(r#"{"method": "min_max"}"#).unwrap();
    assert_eq!(
        normalised(&m, &[1e308, 0.0, -1e308]),
        vec![100.0, 50.0, 0.0]
    );
    let m: Normalisation =
        serde_json::from_str(r#"{"method": "min_max", "low": 1, "high": 2}"#).unwrap();
    assert_eq!(normalised(&m, &[f64::MAX, -f64::MAX]), vec![2.0, 1.0]);
}

#[test]
fn scale_free_normalisations_are_scale_safe() {
    for json in [
        r#"{"method": "min_max"}"#,
        r#"{"method": "z_score"}"#,
        r#"{"method": "rank"}"#,
        r#"{"method": "percentile_rank"}"#,
    ] {
        let m: Normalisation = serde_json::from_str(json).unwrap();
        let want = normalised(&m, &VALUES);
        for s in SCALES {
            let x: Vec<f64> = VALUES.iter().map(|v| v * s).collect();
            let got = normalised(&m, &x);
            for (g, e) in got.iter().zip(&want) {
                assert!(
                    g.is_finite() && (g - e).abs() <= 1e-9 * e.abs().max(1.0),
                    "{json} ×{s:e}: {got:?} ≠ {want:?}"
                );
            }
        }
    }
}
