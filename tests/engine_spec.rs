//! The spec: defaults, round trip, and errors that name the field.

use cpindex::method::aggregate::Aggregation;
use cpindex::method::impute::ImputeMethod;
use cpindex::method::normalise::Normalisation;
use cpindex::method::{Spec, WeightScope};
use cpindex::Error;

fn field_of(text: &str) -> String {
    match Spec::from_json(text).unwrap_err() {
        Error::InvalidSpec { field, .. } => field,
        other => panic!("expected InvalidSpec for {text}, got {other:?}"),
    }
}

#[test]
fn empty_spec_is_the_documented_defaults() {
    let s = Spec::from_json("{}").unwrap();
    assert_eq!(s, Spec::default());
    assert!((s.screening.min_availability - 2.0 / 3.0).abs() < 1e-15);
    assert_eq!(s.imputation.method, ImputeMethod::None);
    assert!(s.treatment.enabled);
    assert_eq!(
        (
            s.treatment.skew_threshold,
            s.treatment.kurtosis_threshold,
            s.treatment.max_winsorised
        ),
        (2.0, 3.5, 5)
    );
    assert_eq!(
        s.normalisation.default,
        Normalisation::MinMax {
            low: 0.0,
            high: 100.0
        }
    );
    assert_eq!(s.aggregation.default.method, Aggregation::Arithmetic);
    assert_eq!(s.aggregation.default.missing.min_share, 0.0);
    assert!(!s.weighting.pooled);
    assert_eq!(s.weighting.scope, WeightScope::WithinDimension);
    assert!(s.periods.is_none());
    // round trip through JSON with every default written out
    let json = s.to_json();
    assert!(json.contains("\"log_fallback\": \"log_ct\""));
    assert_eq!(Spec::from_json(&json).unwrap(), s);
}

#[test]
fn partial_sections_keep_other_defaults() {
    let s = Spec::from_json(
        r#"{"treatment": {"skew_threshold": 2.25},
            "imputation": {"method": "locf", "max_gap": 2},
            "aggregation": {"levels": [{"method": {"method": "geometric"}}]},
            "normalisation": {"indicators": {"gdp": {"method": "z_score"}}},
            "periods": [2021, 2022]}"#,
    )
    .unwrap();
    assert_eq!(s.treatment.skew_threshold, 2.25);
    assert_eq!(s.treatment.kurtosis_threshold, 3.5);
    assert_eq!(s.imputation.max_gap, Some(2));
    assert_eq!(
        s.aggregation.for_node("x", 1).method,
        Aggregation::Geometric { shift: 0.0 }
    );
    assert_eq!(
        s.aggregation.for_node("x", 2).method,
        Aggregation::Arithmetic
    );
    assert_eq!(s.normalisation.for_indicator("gdp").name(), "z_score");
    assert_eq!(
        s.normalisation.for_indicator("gdp_per_capita").name(),
        "min_max"
    );
}

#[test]
fn errors_name_the_field() {
    assert_eq!(field_of(r#"{"treatmnt": {}}"#), "treatmnt");
    assert_eq!(field_of(r#"{"treatment": {"skew": 2}}"#), "treatment.skew");
    assert_eq!(
        field_of(r#"{"treatment": {"skew_threshold": "high"}}"#),
        "treatment.skew_threshold"
    );
    assert_eq!(
        field_of(r#"{"normalisation": {"default": {"method": "min_max", "lw": 1}}}"#),
        "normalisation.default.lw"
    );
    assert_eq!(
        field_of(r#"{"aggregation": {"levels": [{}, {"method": {"method": "power", "r": "x"}}]}}"#),
        "aggregation.levels[1].method"
    );
    assert_eq!(
        field_of(r#"{"treatment": {"skew_threshold": -1}}"#),
        "treatment.skew_threshold"
    );
    assert_eq!(
        field_of(r#"{"imputation": {"method": "magic"}}"#),
        "imputation.method"
    );
    assert_eq!(
        field_of(r#"{"screening": {"min_availability": 1.5}}"#),
        "screening.min_availability"
    );
    assert_eq!(
        field_of(r#"{"aggregation": {"levels": [{}, {"missing": {"min_share": 2}}]}}"#),
        "aggregation.levels[1].missing.min_share"
    );
    assert_eq!(field_of(r#"{"periods": []}"#), "periods");
    assert_eq!(field_of("[1, 2]"), "(root)");
    // the message says what is wrong
    let e = Spec::from_json(r#"{"treatment": {"skew": 2}}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `skew`"), "{e}");
    // malformed JSON keeps line and column
    match Spec::from_json("{\n  \"treatment\": {,}\n}").unwrap_err() {
        Error::Json { what, line, .. } => {
            assert_eq!(what, "spec");
            assert_eq!(line, 2);
        }
        other => panic!("{other:?}"),
    }
}

/// docs/spec.md: "Messages quote at most 60 characters of an offending key or value".
#[test]
fn messages_quote_keys_and_values_by_at_most_60_characters() {
    let longest_run = |text: &str, c: char| {
        text.split(|x| x != c)
            .map(|r| r.chars().count())
            .max()
            .unwrap_or(0)
    };
    let key = "k".repeat(1000);
    let value = "y".repeat(100_000);
    for (text, c) in [
        (format!(r#"{{"treatment": {{"{key}": 1}}}}"#), 'k'),
        (format!(r#"{{"{key}": {{}}}}"#), 'k'),
        (
            format!(r#"{{"normalisation": {{"default": {{"method": "min_max", "{key}": 1}}}}}}"#),
            'k',
        ),
        (format!(r#"{{"imputation": {{"method": "{value}"}}}}"#), 'y'),
        (
            format!(r#"{{"treatment": {{"skew_threshold": "{value}"}}}}"#),
            'y',
        ),
    ] {
        let e = Spec::from_json(&text).unwrap_err().to_string();
        assert!(longest_run(&e, c) <= 60, "{}", &e[..e.len().min(300)]);
        assert!(e.len() < 1000, "{} bytes: {}", e.len(), &e[..300]);
        assert!(e.contains("bytes)"), "says it was cut: {e}");
    }
    // numbers in their shortest form, not 309 digits
    let e = Spec::from_json(r#"{"treatment": {"skew_threshold": -1e308}}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("found -1e308"), "{e}");
}

#[test]
fn ids_are_checked_against_the_framework() {
    let fw = cpindex::model::builtin::quzhou();
    let s = Spec::from_json(r#"{"normalisation": {"indicators": {"nope": {"method": "rank"}}}}"#)
        .unwrap();
    match s.validate_against(fw).unwrap_err() {
        Error::InvalidSpec { field, .. } => assert_eq!(field, "normalisation.indicators.nope"),
        other => panic!("{other:?}"),
    }
    let s = Spec::from_json(r#"{"aggregation": {"nodes": {"nowhere": {}}}}"#).unwrap();
    assert!(s.validate_against(fw).is_err());
    let s = Spec::from_json(r#"{"aggregation": {"nodes": {"economy": {}}}}"#).unwrap();
    assert!(s.validate_against(fw).is_ok());
}
