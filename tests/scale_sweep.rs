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

/// Normalises with natural-unit parameters (goalposts, target, satisfactory value) given
/// at scale 1 and multiplied by `s` together with the data.
fn normalised_at(json: &str, s: f64, polarity: Polarity, x: &[f64]) -> Result<Vec<f64>, String> {
    let mut m: serde_json::Value = serde_json::from_str(json).unwrap();
    for key in ["lower", "upper", "satisfactory", "not_allowed"] {
        if let Some(v) = m.get(key).and_then(|v| v.as_f64()) {
            m[key] = serde_json::json!(v * s);
        }
    }
    let m: Normalisation = serde_json::from_value(m).unwrap();
    let x: Vec<f64> = x.iter().map(|v| v * s).collect();
    // target 7 (inside the data's range) and reference unit 4 (value 5)
    let info = ColumnInfo::new("gdp", polarity)
        .with_target(Some(7.0 * s))
        .with_reference_unit(Some(4));
    let mut out = vec![0.0; x.len()];
    let mut unc = vec![0.0; x.len()];
    normalise_column(&x, &info, &m, &mut out, Some(&mut unc)).map_err(|e| e.to_string())?;
    Ok(out)
}

#[test]
fn target_normalisations_are_scale_safe() {
    // Every remaining normalisation (goalposts, log goalposts, distance to target, ratio to
    // target, distance to reference, efficacy coefficient with given and data-driven values)
    // is homogeneous of degree 0 when its natural-unit parameters scale with the data:
    // x/T, (x − a)/(b − a), ln(x/a)/ln(b/a) do not change when x, a, b, T are multiplied by
    // the same s. So every value at scale s must equal the value at scale 1.
    for json in [
        r#"{"method": "goalposts", "lower": 0.5, "upper": 10, "scale": 100}"#,
        r#"{"method": "goalposts", "lower": -2, "upper": 8, "truncate": false}"#,
        r#"{"method": "goalposts", "lower": 0.5, "upper": 10, "log": true}"#,
        r#"{"method": "distance_to_target"}"#,
        r#"{"method": "distance_to_target", "cap": false}"#,
        r#"{"method": "ratio_to_target"}"#,
        r#"{"method": "ratio_to_target", "cap": false}"#,
        r#"{"method": "distance_to_reference", "unit": "e"}"#,
        r#"{"method": "efficacy_coefficient", "satisfactory": 8, "not_allowed": 0.5}"#,
        r#"{"method": "efficacy_coefficient"}"#,
        r#"{"method": "identity"}"#,
    ] {
        for polarity in [Polarity::HigherIsBetter, Polarity::LowerIsBetter] {
            if json.contains("efficacy_coefficient\", \"sat") && polarity == Polarity::LowerIsBetter
            {
                continue; // x_h < x_s is required for lower-is-better
            }
            let want = normalised_at(json, 1.0, polarity, &VALUES).unwrap();
            for s in SCALES {
                let got = normalised_at(json, s, polarity, &VALUES);
                let got = got.unwrap_or_else(|e| panic!("{json} {polarity:?} ×{s:e}: {e}"));
                for (g, e) in got.iter().zip(&want) {
                    let e = if json.contains("identity") { e * s } else { *e };
                    assert!(
                        g.is_finite() && (g - e).abs() <= 1e-9 * e.abs().max(1.0),
                        "{json} {polarity:?} ×{s:e}: {got:?} ≠ {want:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn target_normalisations_across_the_whole_double_range() {
    // goalposts −1e308 … 1e308: upper − lower = +inf; x = 0 sits in the middle,
    // (0 + 1e308)/(2e308) = 0.5
    let got = normalised_at(
        r#"{"method": "goalposts", "lower": -1e308, "upper": 1e308}"#,
        1.0,
        Polarity::HigherIsBetter,
        &[-1e308, 0.0, 1e308],
    )
    .unwrap();
    assert_eq!(got, vec![0.0, 0.5, 1.0]);
    // efficacy coefficient with x_s = −1e308, x_h = 1e308: 60 + 40·½ = 80 in the middle
    let got = normalised_at(
        r#"{"method": "efficacy_coefficient", "satisfactory": 1e308, "not_allowed": -1e308}"#,
        1.0,
        Polarity::HigherIsBetter,
        &[-1e308, 0.0, 1e308],
    )
    .unwrap();
    assert_eq!(got, vec![60.0, 80.0, 100.0]);
    // distance to target T = 7·1.0 from min −1e308: (x − min)/(T − min) ≈ ½ for x = 0... use a
    // data range spanning the doubles: x = −1e308, 0, 1e308 with T = 7 (higher is better):
    // (0 + 1e308)/(7 + 1e308) = 1 (to double precision), −1e308 → 0, 1e308 → capped 1
    let got = normalised_at(
        r#"{"method": "distance_to_target"}"#,
        1.0,
        Polarity::HigherIsBetter,
        &[-1e308, 0.0, 1e308],
    )
    .unwrap();
    assert_eq!(got, vec![0.0, 1.0, 1.0]);
}

use cpindex::method::aggregate::{aggregate_units, Aggregation, MissingRule};

const N_UNITS: usize = 5;
/// Five units × three components (column-major), all positive, no ties in a column.
const MATRIX: [f64; 15] = [
    3.0, 1.0, 4.0, 1.5, 5.0, // component 1
    9.0, 2.0, 6.0, 5.5, 3.5, // component 2
    2.5, 8.0, 7.0, 1.2, 4.5, // component 3
];
const AGG_WEIGHTS: [f64; 3] = [1.0, 2.0, 1.5];

fn aggregated(json: &str, sx: f64, sw: f64) -> Result<Vec<f64>, String> {
    let m: Aggregation = serde_json::from_str(json).unwrap();
    let x: Vec<f64> = MATRIX.iter().map(|v| v * sx).collect();
    let w: Vec<f64> = AGG_WEIGHTS.iter().map(|v| v * sw).collect();
    let mut out = vec![0.0; N_UNITS];
    aggregate_units(&x, N_UNITS, &w, &m, &MissingRule::default(), &mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

#[test]
fn every_aggregation_is_scale_safe() {
    // Means (arithmetic, geometric, harmonic, power, weighted median) are homogeneous of
    // degree 1 in the values and of degree 0 in the weights: at values ×sx they must be
    // sx × the scale-1 result. MPI (z-scores), AMPI (goalposts from the data), TOPSIS
    // (column-normalised) and Copeland (comparisons) are scale-invariant in both.
    let levels = [
        r#"{"method": "arithmetic"}"#,
        r#"{"method": "geometric"}"#,
        r#"{"method": "harmonic"}"#,
        r#"{"method": "power", "r": 2}"#,
        r#"{"method": "power", "r": 0.5}"#,
        r#"{"method": "power", "r": -2}"#,
        r#"{"method": "weighted_median"}"#,
    ];
    let invariant = [
        r#"{"method": "mpi"}"#,
        r#"{"method": "mpi", "penalty": "positive"}"#,
        r#"{"method": "ampi"}"#,
        r#"{"method": "topsis"}"#,
        r#"{"method": "topsis", "normalisation": "sum"}"#,
        r#"{"method": "topsis", "normalisation": "none"}"#,
        r#"{"method": "copeland"}"#,
    ];
    for json in levels.iter().chain(&invariant) {
        let level = levels.contains(json);
        let want = aggregated(json, 1.0, 1.0).unwrap();
        for sx in SCALES {
            for sw in SCALES {
                let got = aggregated(json, sx, sw)
                    .unwrap_or_else(|e| panic!("{json} ×{sx:e} w×{sw:e}: {e}"));
                for (g, e) in got.iter().zip(&want) {
                    let g = if level { g / sx } else { *g };
                    assert!(
                        g.is_finite() && (g - e).abs() <= 1e-9 * e.abs().max(1.0),
                        "{json} values×{sx:e} weights×{sw:e}: {got:?} ≠ {want:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn aggregation_at_the_edges_of_the_double_range() {
    use cpindex::method::aggregate::aggregate_row;
    let rule = MissingRule::default();
    let arith: Aggregation = serde_json::from_str(r#"{"method": "arithmetic"}"#).unwrap();
    // two components of 1e308: Σ w x = 2e308 overflowed (mean +inf with Ok); the mean of
    // equal values is the value
    let y = aggregate_row(&[1e308, 1e308], &[1.0, 1.0], &arith, &rule).unwrap();
    assert_eq!(y, 1e308);
    // weights f64::MAX each: Σw = +inf gave NaN; equal weights, mean of 1 and 3 = 2
    let y = aggregate_row(&[1.0, 3.0], &[f64::MAX, f64::MAX], &arith, &rule).unwrap();
    assert_eq!(y, 2.0);
    // harmonic mean of 1e−300 and 1e−300·(1/3)... values 1e−300, 3e−300 with equal weights:
    // H = 2/(1/1e−300 + 1/3e−300) = 2/(4/3 · 1e300) = 1.5e−300
    let h: Aggregation = serde_json::from_str(r#"{"method": "harmonic"}"#).unwrap();
    let y = aggregate_row(&[1e-300, 3e-300], &[1e-300, 1e-300], &h, &rule).unwrap();
    assert!((y / 1.5e-300 - 1.0).abs() < 1e-12, "{y}");
    // power mean r = 2 of 3e200 and 4e200: √((9 + 16)/2)·1e200, x² = 9e400 overflowed
    let p: Aggregation = serde_json::from_str(r#"{"method": "power", "r": 2}"#).unwrap();
    let y = aggregate_row(&[3e200, 4e200], &[1.0, 1.0], &p, &rule).unwrap();
    assert!((y / (12.5f64.sqrt() * 1e200) - 1.0).abs() < 1e-12, "{y}");
}

/// A two-dimension framework: index `toy` = econ (a higher, b lower) + social (c, d higher).
fn toy_framework() -> cpindex::model::Framework {
    let ind = |id: &str, dim: &str, pol: &str, w: f64| {
        format!(
            r#"{{"id":"{id}","dimension":"{dim}","name_zh":"{id}","name_en":"{id}",
            "unit":{{"label":"x"}},"polarity":{{"type":"{pol}"}},"kind":"level","target":1,"weight":{w}}}"#
        )
    };
    let json = format!(
        r#"{{"id":"toy","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{{"id":"econ","name_zh":"e","name_en":"e","weight":1}},
                      {{"id":"social","name_zh":"s","name_en":"s","weight":1}}],
        "indicators":[{},{},{},{}]}}"#,
        ind("a", "econ", "higher_is_better", 1.0),
        ind("b", "econ", "lower_is_better", 1.0),
        ind("c", "social", "higher_is_better", 2.0),
        ind("d", "social", "higher_is_better", 1.0)
    );
    cpindex::model::Framework::from_json(&json).unwrap()
}

#[test]
fn the_whole_pipeline_is_scale_safe() {
    // Through method::run: raw data in natural units ×1e−300 … 1e300 with scale-free
    // normalisations (min–max to [1, 100], rank) and every aggregation method at every
    // level. Every index score must equal the one at scale 1 (the normalised values do not
    // depend on the scale, so nothing after them may).
    let fw = toy_framework();
    let raw: Vec<f64> = vec![
        10.0, 20.0, 30.0, 25.0, // a
        5.0, 1.0, 3.0, 2.0, // b (lower is better)
        100.0, 200.0, 400.0, 150.0, // c
        7.0, 7.5, 8.0, 6.0, // d
    ];
    let panel = |s: f64| {
        cpindex::data::Panel::from_values(
            ["W", "X", "Y", "Z"].map(String::from).to_vec(),
            vec![2021],
            ["a", "b", "c", "d"].map(String::from).to_vec(),
            raw.iter().map(|v| v * s).collect(),
        )
        .unwrap()
    };
    let methods = [
        r#"{"method": "arithmetic"}"#,
        r#"{"method": "geometric"}"#,
        r#"{"method": "harmonic"}"#,
        r#"{"method": "power", "r": 2}"#,
        r#"{"method": "weighted_median"}"#,
        r#"{"method": "mpi"}"#,
        r#"{"method": "ampi"}"#,
        r#"{"method": "topsis"}"#,
        r#"{"method": "copeland"}"#,
    ];
    for norm in [
        r#"{"method": "min_max", "low": 1, "high": 100}"#,
        r#"{"method": "rank"}"#,
    ] {
        for agg in methods {
            let spec = cpindex::method::Spec::from_json(&format!(
                r#"{{"normalisation": {{"default": {norm}}},
                    "aggregation": {{"default": {{"method": {agg}}}}}}}"#
            ))
            .unwrap();
            let want = cpindex::method::run(&fw, &panel(1.0), &spec)
                .unwrap_or_else(|e| panic!("{norm} {agg}: {e}"));
            let want = want.index_scores(2021).unwrap().to_vec();
            for s in SCALES {
                let got = cpindex::method::run(&fw, &panel(s), &spec)
                    .unwrap_or_else(|e| panic!("{norm} {agg} ×{s:e}: {e}"));
                let got = got.index_scores(2021).unwrap();
                for (g, e) in got.iter().zip(&want) {
                    assert!(
                        g.is_finite() && (g - e).abs() <= 1e-9 * e.abs().max(1.0),
                        "{norm} {agg} ×{s:e}: {got:?} ≠ {want:?}"
                    );
                }
            }
        }
    }
}
