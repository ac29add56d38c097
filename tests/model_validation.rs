//! One test per rule of `Framework::validate`, plus JSON parsing errors and round trips.
//!
//! Every broken framework is a small valid one (`base()`) with exactly one mistake; each
//! test asserts that the error is `Error::InvalidFramework` naming the framework (`t`), the
//! dimension or indicator and the field at fault.

use cpindex::model::builtin;
use cpindex::model::{
    Dimension, Framework, Indicator, InterimTarget, Kind, Polarity, Provenance, Reference,
    Relation, RelativeBasis, RelativeTarget, TargetForm, Unit,
};
use cpindex::Error;

fn indicator(id: &str, dimension: &str) -> Indicator {
    Indicator {
        id: id.into(),
        dimension: dimension.into(),
        name_zh: "指标".into(),
        name_en: "indicator".into(),
        aliases: vec![],
        unit: Unit::new("%", 0.01, "ratio"),
        polarity: Polarity::HigherIsBetter,
        kind: Kind::Share,
        target: Some(50.0),
        target_form: TargetForm::Threshold,
        target_year: None,
        stretch_target: None,
        interim_targets: vec![],
        relative_target: None,
        aspirational: false,
        baseline: None,
        sampling_error_series: None,
        weight: 1.0,
        provenance: Provenance::default(),
    }
}

fn dimension(id: &str, parent: Option<&str>) -> Dimension {
    Dimension {
        id: id.into(),
        parent: parent.map(Into::into),
        name_zh: "维度".into(),
        name_en: "dimension".into(),
        weight: 1.0,
    }
}

/// A valid framework: economy → {growth, jobs}, society; one indicator in each leaf.
fn base() -> Framework {
    Framework {
        id: "t".into(),
        title_zh: "测试".into(),
        title_en: "test".into(),
        base_year: 2020,
        target_year: 2025,
        source: String::new(),
        dimensions: vec![
            dimension("economy", None),
            dimension("growth", Some("economy")),
            dimension("jobs", Some("economy")),
            dimension("society", None),
        ],
        indicators: vec![
            indicator("gdp", "growth"),
            indicator("employment", "jobs"),
            indicator("health", "society"),
        ],
        auxiliary_series: vec![],
        units: vec![],
        size_indicators: vec![],
        derived_targets: vec![],
    }
}

/// Asserts `fw` is rejected with an error naming the framework, `item` and `field`
/// (empty `field` for dimension-level rules), and returns the message.
#[track_caller]
fn rejected(fw: &Framework, item: &str, field: &str) -> String {
    match fw.validate() {
        Err(Error::InvalidFramework {
            framework,
            location,
            message,
        }) => {
            assert_eq!(framework, fw.id, "framework named");
            assert!(
                location.contains(&format!("`{item}`")),
                "{location}: {message}"
            );
            if !field.is_empty() {
                assert!(
                    location.contains(&format!("field `{field}`")),
                    "{location}: {message}"
                );
            }
            let text = Error::InvalidFramework {
                framework: framework.clone(),
                location: location.clone(),
                message: message.clone(),
            }
            .to_string();
            assert!(
                text.starts_with(&format!("framework `{framework}`: ")),
                "{text}"
            );
            message
        }
        other => panic!("expected InvalidFramework about `{item}`/`{field}`, got {other:?}"),
    }
}

fn ind_mut<'a>(fw: &'a mut Framework, id: &str) -> &'a mut Indicator {
    fw.indicators.iter_mut().find(|i| i.id == id).unwrap()
}

#[test]
fn the_base_framework_is_valid() {
    let fw = base();
    fw.validate().unwrap();
    // equal weights: gdp = 1/2 (economy) × 1/2 (growth) × 1 = 0.25; health = 1/2.
    assert_eq!(fw.effective_weights(), vec![0.25, 0.25, 0.5]);
}

// ------------------------------------------------------------------ framework fields

#[test]
fn empty_framework_id() {
    let mut fw = base();
    fw.id = " ".into();
    match fw.validate() {
        Err(Error::InvalidFramework { location, .. }) => assert_eq!(location, "field `id`"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn target_year_not_after_base_year() {
    let mut fw = base();
    fw.target_year = 2020;
    match fw.validate() {
        Err(Error::InvalidFramework {
            framework,
            location,
            message,
        }) => {
            assert_eq!(framework, "t");
            assert_eq!(location, "field `target_year`");
            assert!(message.contains("2020"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn no_indicators() {
    let mut fw = base();
    fw.indicators.clear();
    match fw.validate() {
        Err(Error::InvalidFramework { location, .. }) => {
            assert_eq!(location, "field `indicators`")
        }
        other => panic!("{other:?}"),
    }
}

// ------------------------------------------------------------------ ids and hierarchy

#[test]
fn duplicate_indicator_id() {
    let mut fw = base();
    fw.indicators.push(indicator("gdp", "society"));
    let m = rejected(&fw, "gdp", "id");
    assert!(m.contains("duplicate"), "{m}");
}

#[test]
fn duplicate_dimension_id() {
    let mut fw = base();
    fw.dimensions.push(dimension("society", None));
    let m = rejected(&fw, "society", "id");
    assert!(m.contains("duplicate"), "{m}");
}

#[test]
fn indicator_id_clashing_with_a_dimension_id() {
    let mut fw = base();
    fw.indicators.push(indicator("jobs", "society"));
    rejected(&fw, "jobs", "id");
}

#[test]
fn ids_must_be_snake_case() {
    let mut fw = base();
    ind_mut(&mut fw, "gdp").id = "GDP".into();
    rejected(&fw, "GDP", "id");
    let mut fw = base();
    fw.dimensions[3].id = "social-dev".into();
    rejected(&fw, "social-dev", "id");
}

#[test]
fn unknown_parent() {
    let mut fw = base();
    fw.dimensions[1].parent = Some("econ".into());
    let m = rejected(&fw, "growth", "parent");
    assert!(m.contains("econ"), "{m}");
}

#[test]
fn parent_cycle() {
    let mut fw = base();
    // economy → growth → economy
    fw.dimensions[0].parent = Some("growth".into());
    let m = rejected(&fw, "economy", "parent");
    assert!(m.contains("cycle"), "{m}");
    // a dimension that is its own parent
    let mut fw = base();
    fw.dimensions[3].parent = Some("society".into());
    rejected(&fw, "society", "parent");
}

#[test]
fn unknown_dimension_of_an_indicator() {
    let mut fw = base();
    ind_mut(&mut fw, "health").dimension = "welfare".into();
    let m = rejected(&fw, "health", "dimension");
    assert!(m.contains("welfare"), "{m}");
}

#[test]
fn dimension_with_both_sub_dimensions_and_indicators() {
    let mut fw = base();
    fw.indicators.push(indicator("investment", "economy"));
    let m = rejected(&fw, "economy", "");
    assert!(m.contains("both"), "{m}");
}

#[test]
fn empty_dimension() {
    let mut fw = base();
    fw.dimensions.push(dimension("culture", None));
    let m = rejected(&fw, "culture", "");
    assert!(m.contains("no indicators"), "{m}");
}

// ------------------------------------------------------------------ weights

#[test]
fn negative_or_non_finite_dimension_weight() {
    for w in [-1.0, f64::NAN, f64::INFINITY] {
        let mut fw = base();
        fw.dimensions[3].weight = w;
        let m = rejected(&fw, "society", "weight");
        assert!(m.contains("finite and non-negative"), "{m}");
    }
}

#[test]
fn negative_or_non_finite_indicator_weight() {
    for w in [-0.5, f64::NAN, f64::NEG_INFINITY] {
        let mut fw = base();
        ind_mut(&mut fw, "gdp").weight = w;
        rejected(&fw, "gdp", "weight");
    }
}

#[test]
fn all_zero_weights() {
    // indicators of a dimension
    let mut fw = base();
    ind_mut(&mut fw, "health").weight = 0.0;
    let m = rejected(&fw, "society", "");
    assert!(m.contains("indicator weights are zero"), "{m}");
    // sub-dimensions of a dimension
    let mut fw = base();
    fw.dimensions[1].weight = 0.0;
    fw.dimensions[2].weight = 0.0;
    let m = rejected(&fw, "economy", "");
    assert!(m.contains("sub-dimension weights are zero"), "{m}");
    // top-level dimensions
    let mut fw = base();
    fw.dimensions[0].weight = 0.0;
    fw.dimensions[3].weight = 0.0;
    match fw.validate() {
        Err(Error::InvalidFramework {
            location, message, ..
        }) => {
            assert_eq!(location, "field `dimensions`");
            assert!(message.contains("top-level"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // a zero weight among positive ones is allowed (it switches an indicator off)
    let mut fw = base();
    fw.indicators.push(indicator("education", "society"));
    ind_mut(&mut fw, "education").weight = 0.0;
    fw.validate().unwrap();
    // health 1/2, education 0
    assert_eq!(fw.effective_weights(), vec![0.25, 0.25, 0.5, 0.0]);
}

// ------------------------------------------------------------------ indicator fields

#[test]
fn indicator_without_a_name() {
    let mut fw = base();
    let i = ind_mut(&mut fw, "gdp");
    i.name_zh.clear();
    i.name_en = " ".into();
    rejected(&fw, "gdp", "name_zh");
}

#[test]
fn bad_unit_scale() {
    for s in [0.0, -1e8, f64::NAN, f64::INFINITY] {
        let mut fw = base();
        ind_mut(&mut fw, "gdp").unit.scale = s;
        rejected(&fw, "gdp", "unit.scale");
    }
}

#[test]
fn non_finite_target_stretch_or_baseline() {
    let mut fw = base();
    ind_mut(&mut fw, "gdp").target = Some(f64::NAN);
    rejected(&fw, "gdp", "target");
    let mut fw = base();
    ind_mut(&mut fw, "gdp").stretch_target = Some(f64::INFINITY);
    rejected(&fw, "gdp", "stretch_target");
    let mut fw = base();
    ind_mut(&mut fw, "gdp").baseline = Some(f64::NAN);
    rejected(&fw, "gdp", "baseline");
}

#[test]
fn target_based_polarity_without_target() {
    for p in [Polarity::HigherIsBetter, Polarity::LowerIsBetter] {
        let mut fw = base();
        let i = ind_mut(&mut fw, "health");
        i.polarity = p;
        i.target = None;
        let m = rejected(&fw, "health", "target");
        assert!(m.contains("relative_target"), "{m}");
    }
    // a relative target alone is enough
    let mut fw = base();
    let i = ind_mut(&mut fw, "health");
    i.target = None;
    i.relative_target = Some(RelativeTarget {
        relation: Relation::Above,
        reference: Reference::PreviousYear,
        margin: 0.0,
        basis: RelativeBasis::SameYear,
        description: String::new(),
    });
    fw.validate().unwrap();
}

#[test]
fn binary_without_target() {
    let mut fw = base();
    let i = ind_mut(&mut fw, "health");
    i.polarity = Polarity::Binary;
    i.target = None;
    let m = rejected(&fw, "health", "target");
    assert!(m.contains("binary"), "{m}");
}

fn interval(lower: f64, upper: f64, tl: f64, tu: f64) -> Polarity {
    Polarity::Interval {
        lower,
        upper,
        tolerance_lower: tl,
        tolerance_upper: tu,
    }
}

#[test]
fn interval_bounds() {
    // valid band: 2–3 % with tolerance 0–6 % (the band is the target: no `target`)
    let mut fw = base();
    ind_mut(&mut fw, "gdp").polarity = interval(2.0, 3.0, 0.0, 6.0);
    ind_mut(&mut fw, "gdp").target = None;
    fw.validate().unwrap();
    // inverted
    let mut fw = base();
    ind_mut(&mut fw, "gdp").polarity = interval(3.0, 2.0, 0.0, 6.0);
    let m = rejected(&fw, "gdp", "polarity");
    assert!(m.contains("inverted"), "{m}");
    // tolerance does not enclose the band (below, then above)
    for p in [interval(2.0, 3.0, 2.5, 6.0), interval(2.0, 3.0, 0.0, 2.9)] {
        let mut fw = base();
        ind_mut(&mut fw, "gdp").polarity = p;
        let m = rejected(&fw, "gdp", "polarity");
        assert!(m.contains("enclose"), "{m}");
    }
    // non-finite bound
    let mut fw = base();
    ind_mut(&mut fw, "gdp").polarity = interval(2.0, 3.0, f64::NEG_INFINITY, 6.0);
    let m = rejected(&fw, "gdp", "polarity");
    assert!(m.contains("finite"), "{m}");
}

#[test]
fn stretch_target_on_the_wrong_side() {
    // higher is better: target 50, stretch 40 is less ambitious
    let mut fw = base();
    ind_mut(&mut fw, "gdp").stretch_target = Some(40.0);
    let m = rejected(&fw, "gdp", "stretch_target");
    assert!(m.contains("less ambitious"), "{m}");
    // lower is better: target 50, stretch 60 is less ambitious
    let mut fw = base();
    let i = ind_mut(&mut fw, "gdp");
    i.polarity = Polarity::LowerIsBetter;
    i.stretch_target = Some(60.0);
    rejected(&fw, "gdp", "stretch_target");
    // …and the right sides pass
    let mut fw = base();
    ind_mut(&mut fw, "gdp").stretch_target = Some(56.0);
    fw.validate().unwrap();
}

#[test]
fn stretch_target_without_target() {
    let mut fw = base();
    let i = ind_mut(&mut fw, "gdp");
    i.target = None;
    i.stretch_target = Some(60.0);
    i.relative_target = Some(RelativeTarget {
        relation: Relation::Above,
        reference: Reference::PreviousYear,
        margin: 0.0,
        basis: RelativeBasis::SameYear,
        description: String::new(),
    });
    rejected(&fw, "gdp", "stretch_target");
}

fn relative(relation: Relation, unit: Option<&str>, indicator: &str) -> RelativeTarget {
    RelativeTarget {
        relation,
        reference: Reference::Series {
            unit: unit.map(Into::into),
            indicator: indicator.into(),
        },
        margin: 0.0,
        basis: RelativeBasis::SameYear,
        description: String::new(),
    }
}

#[test]
fn relative_target_with_empty_reference() {
    let mut fw = base();
    ind_mut(&mut fw, "gdp").relative_target = Some(relative(Relation::Above, None, " "));
    let m = rejected(&fw, "gdp", "relative_target.reference");
    assert!(m.contains("reference indicator"), "{m}");
    let mut fw = base();
    ind_mut(&mut fw, "gdp").relative_target = Some(relative(Relation::Above, Some(""), "gdp"));
    let m = rejected(&fw, "gdp", "relative_target.reference");
    assert!(m.contains("unit"), "{m}");
}

#[test]
fn relative_target_with_non_finite_margin() {
    let mut fw = base();
    let mut r = relative(Relation::NotBelow, Some("zhejiang"), "gdp");
    r.margin = f64::NAN;
    ind_mut(&mut fw, "gdp").relative_target = Some(r);
    rejected(&fw, "gdp", "relative_target.margin");
}

#[test]
fn relative_target_pointing_against_the_polarity() {
    // higher is better, but asked to stay below the province
    for rel in [Relation::Below, Relation::NotAbove] {
        let mut fw = base();
        ind_mut(&mut fw, "gdp").relative_target = Some(relative(rel, Some("zhejiang"), "gdp"));
        let m = rejected(&fw, "gdp", "relative_target.relation");
        assert!(m.contains("wrong way"), "{m}");
    }
    // lower is better (逐年下降) with `above`
    let mut fw = base();
    let i = ind_mut(&mut fw, "gdp");
    i.polarity = Polarity::LowerIsBetter;
    i.relative_target = Some(RelativeTarget {
        relation: Relation::Above,
        reference: Reference::PreviousYear,
        margin: 0.0,
        basis: RelativeBasis::SameYear,
        description: String::new(),
    });
    rejected(&fw, "gdp", "relative_target.relation");
    // lower is better with `below` passes
    let mut fw = base();
    let i = ind_mut(&mut fw, "gdp");
    i.polarity = Polarity::LowerIsBetter;
    i.relative_target = Some(RelativeTarget {
        relation: Relation::Below,
        reference: Reference::PreviousYear,
        margin: 0.0,
        basis: RelativeBasis::SameYear,
        description: String::new(),
    });
    fw.validate().unwrap();
}

#[test]
fn target_year_out_of_period() {
    for y in [2019, 2020, 2026] {
        let mut fw = base();
        ind_mut(&mut fw, "gdp").target_year = Some(y);
        let m = rejected(&fw, "gdp", "target_year");
        assert!(m.contains("2021–2025"), "{m}");
    }
    let mut fw = base();
    ind_mut(&mut fw, "gdp").target_year = Some(2022);
    fw.validate().unwrap();
}

#[test]
fn interim_target_out_of_range() {
    // at or before the base year, at or after the target year (2025, or the indicator's own)
    for (ty, year) in [(None, 2020), (None, 2025), (None, 2027), (Some(2023), 2023)] {
        let mut fw = base();
        let i = ind_mut(&mut fw, "gdp");
        i.target_year = ty;
        i.interim_targets = vec![InterimTarget { year, value: 40.0 }];
        rejected(&fw, "gdp", "interim_targets");
    }
    // non-finite value
    let mut fw = base();
    ind_mut(&mut fw, "gdp").interim_targets = vec![InterimTarget {
        year: 2022,
        value: f64::NAN,
    }];
    rejected(&fw, "gdp", "interim_targets");
    // the same year twice
    let mut fw = base();
    ind_mut(&mut fw, "gdp").interim_targets = vec![
        InterimTarget {
            year: 2022,
            value: 40.0,
        },
        InterimTarget {
            year: 2022,
            value: 42.0,
        },
    ];
    let m = rejected(&fw, "gdp", "interim_targets");
    assert!(m.contains("twice"), "{m}");
    // a valid milestone
    let mut fw = base();
    ind_mut(&mut fw, "gdp").interim_targets = vec![InterimTarget {
        year: 2022,
        value: 40.0,
    }];
    fw.validate().unwrap();
}

// ------------------------------------------------------------------ JSON

const MINIMAL: &str = r#"{
  "id": "city",
  "title_zh": "某市",
  "title_en": "A city",
  "base_year": 2020,
  "target_year": 2025,
  "dimensions": [ { "id": "economy", "name_zh": "经济", "name_en": "Economy" } ],
  "indicators": [
    {
      "id": "gdp",
      "dimension": "economy",
      "name_zh": "地区生产总值",
      "name_en": "GDP",
      "unit": { "label": "亿元", "scale": 1e8, "base": "yuan" },
      "polarity": { "type": "higher_is_better" },
      "kind": "level",
      "target": 2500
    }
  ]
}"#;

#[test]
fn minimal_json_gets_the_defaults() {
    let fw = Framework::from_json(MINIMAL).unwrap();
    let i = &fw.indicators[0];
    assert_eq!(fw.dimensions[0].weight, 1.0);
    assert_eq!(fw.dimensions[0].parent, None);
    assert_eq!(i.weight, 1.0);
    assert_eq!(i.target_year, None);
    assert!(!i.aspirational);
    assert!(i.interim_targets.is_empty());
    assert_eq!(i.provenance, Provenance::default());
    assert_eq!(i.unit.to_base(2500.0), 2.5e11);
    // and it writes back to the same framework
    assert_eq!(Framework::from_json(&fw.to_json()).unwrap(), fw);
}

#[track_caller]
fn json_error(text: &str) -> (usize, usize, String) {
    match Framework::from_json(text) {
        Err(Error::Json {
            what,
            line,
            column,
            message,
        }) => {
            assert_eq!(what, "framework");
            (line, column, message)
        }
        other => panic!("expected Error::Json, got {other:?}"),
    }
}

#[test]
fn malformed_json_reports_line_and_column() {
    // the value of "kind" is cut off: line 16 of MINIMAL (counted by hand: `{` is line 1,
    // the indicator's `{` line 9, "kind" line 16) becomes `"kind": ,`
    let broken = MINIMAL.replace("\"kind\": \"level\"", "\"kind\": ");
    let (line, column, _) = json_error(&broken);
    assert_eq!(line, 16);
    assert!(column > 10, "column {column}");
    // trailing garbage on line 1
    let (line, _, _) = json_error("{} x");
    assert_eq!(line, 1);
}

#[test]
fn missing_field_is_named() {
    let broken = MINIMAL.replace("\"kind\": \"level\",\n", "");
    let (_, _, m) = json_error(&broken);
    assert!(m.contains("missing field `kind`"), "{m}");
}

#[test]
fn unknown_polarity_type_is_named() {
    let broken = MINIMAL.replace("higher_is_better", "bigger_is_better");
    let (line, _, m) = json_error(&broken);
    assert!(m.contains("bigger_is_better"), "{m}");
    // "polarity" is line 15 of MINIMAL
    assert_eq!(line, 15);
}

#[test]
fn unknown_kind_is_named() {
    let broken = MINIMAL.replace("\"level\"", "\"stock\"");
    let (_, _, m) = json_error(&broken);
    assert!(m.contains("stock"), "{m}");
}

#[test]
fn unknown_fields_are_rejected() {
    // a typo at indicator level
    let broken = MINIMAL.replace(
        "\"target\": 2500",
        "\"target\": 2500, \"stretch_targt\": 2800",
    );
    let (_, _, m) = json_error(&broken);
    assert!(m.contains("unknown field `stretch_targt`"), "{m}");
    // inside an interval polarity
    let broken = MINIMAL.replace(
        "{ \"type\": \"higher_is_better\" }",
        "{ \"type\": \"interval\", \"lower\": 1, \"upper\": 2, \"tolerance_lower\": 0, \"tolerance_upper\": 3, \"tolerance\": 1 }",
    );
    let (_, _, m) = json_error(&broken);
    assert!(m.contains("unknown field `tolerance`"), "{m}");
    // known limit (serde, internally tagged unit variants): extra keys beside
    // `"type": "higher_is_better"` are ignored, not rejected
    let lenient = MINIMAL.replace(
        "{ \"type\": \"higher_is_better\" }",
        "{ \"type\": \"higher_is_better\", \"note\": 1 }",
    );
    assert!(Framework::from_json(&lenient).is_ok());
    // at framework level
    let broken = MINIMAL.replace("\"base_year\"", "\"year\": 2021, \"base_year\"");
    let (_, _, m) = json_error(&broken);
    assert!(m.contains("unknown field `year`"), "{m}");
    // inside the unit
    let broken = MINIMAL.replace("\"base\": \"yuan\"", "\"base\": \"yuan\", \"sclae\": 1");
    let (_, _, m) = json_error(&broken);
    assert!(m.contains("sclae"), "{m}");
}

#[test]
fn json_that_parses_but_breaks_a_rule_names_the_indicator_and_field() {
    let broken = MINIMAL.replace("\"scale\": 1e8", "\"scale\": -1");
    match Framework::from_json(&broken) {
        Err(Error::InvalidFramework {
            framework,
            location,
            ..
        }) => {
            assert_eq!(framework, "city");
            assert_eq!(location, "indicator `gdp`, field `unit.scale`");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn file_errors_name_the_file() {
    let dir = std::env::temp_dir().join(format!("cpindex-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.json");
    std::fs::write(&path, "{\n  \"id\": 1\n}").unwrap();
    match Framework::from_json_file(&path) {
        Err(Error::Json { what, line, .. }) => {
            assert!(what.contains("broken.json"), "{what}");
            assert_eq!(line, 2);
        }
        other => panic!("{other:?}"),
    }
    match Framework::from_json_file(dir.join("absent.json")) {
        Err(Error::Io { path, .. }) => assert!(path.contains("absent.json")),
        other => panic!("{other:?}"),
    }
    let good = dir.join("good.json");
    std::fs::write(&good, MINIMAL).unwrap();
    assert_eq!(Framework::from_json_file(&good).unwrap().id, "city");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn builtin_round_trips_through_json() {
    let fw = builtin::quzhou();
    let text = fw.to_json();
    let back = Framework::from_json(&text).unwrap();
    assert_eq!(&back, fw);
    // a hand-built framework with every optional field set also round-trips
    let mut fw = base();
    let i = ind_mut(&mut fw, "gdp");
    i.stretch_target = Some(60.0);
    i.target_year = Some(2024);
    i.baseline = Some(30.0);
    i.interim_targets = vec![InterimTarget {
        year: 2022,
        value: 40.0,
    }];
    i.relative_target = Some(RelativeTarget {
        relation: Relation::NotBelow,
        reference: Reference::Series {
            unit: Some("zhejiang".into()),
            indicator: "gdp".into(),
        },
        margin: 1.0,
        basis: RelativeBasis::SameYear,
        description: "1 pp above the province".into(),
    });
    i.aspirational = true;
    ind_mut(&mut fw, "health").polarity = interval(2.0, 3.0, 0.0, 6.0);
    ind_mut(&mut fw, "health").target = None;
    fw.validate().unwrap();
    assert_eq!(Framework::from_json(&fw.to_json()).unwrap(), fw);
}

fn aux(id: &str) -> cpindex::model::AuxiliarySeries {
    cpindex::model::AuxiliarySeries {
        id: id.into(),
        name_zh: "辅助".into(),
        name_en: "auxiliary".into(),
        unit: cpindex::model::Unit::new("元", 1.0, "yuan"),
        purpose: String::new(),
    }
}

#[test]
fn relative_target_referring_to_an_unknown_series() {
    let mut fw = base();
    ind_mut(&mut fw, "gdp").relative_target =
        Some(relative(Relation::Above, Some("zhejiang"), "income_growth"));
    let m = rejected(&fw, "gdp", "relative_target.reference");
    assert!(m.contains("`income_growth`"), "{m}");
    // declaring the series as auxiliary makes the same reference valid
    fw.auxiliary_series.push(aux("income_growth"));
    fw.validate().unwrap();
    assert!(fw.knows_series("income_growth") && fw.knows_series("gdp"));
    assert!(!fw.knows_series("unknown"));
}

#[test]
fn sampling_error_series_must_be_an_auxiliary_series() {
    let mut fw = base();
    ind_mut(&mut fw, "health").sampling_error_series = Some("health_se".into());
    let m = rejected(&fw, "health", "sampling_error_series");
    assert!(
        m.contains("`health_se`") && m.contains("auxiliary_series"),
        "{m}"
    );
    // an indicator is not a standard-error series either
    ind_mut(&mut fw, "health").sampling_error_series = Some("gdp".into());
    rejected(&fw, "health", "sampling_error_series");
    fw.auxiliary_series.push(aux("health_se"));
    ind_mut(&mut fw, "health").sampling_error_series = Some("health_se".into());
    fw.validate().unwrap();
    assert_eq!(Framework::from_json(&fw.to_json()).unwrap(), fw);
}

#[test]
fn auxiliary_series_ids_are_unique_snake_case_with_a_valid_scale() {
    let mut fw = base();
    fw.auxiliary_series.push(aux("gdp"));
    rejected(&fw, "gdp", "id");
    let mut fw = base();
    fw.auxiliary_series.push(aux("Urban-Income"));
    rejected(&fw, "Urban-Income", "id");
    let mut fw = base();
    let mut a = aux("urban_income");
    a.unit.scale = 0.0;
    fw.auxiliary_series.push(a);
    rejected(&fw, "urban_income", "unit.scale");
}

// ------------------------------------------------------------------ hardening (issue 13)

/// A chain of `levels` nested dimensions `d0 → d1 → … ` with one indicator in the last.
fn chain(levels: usize) -> Framework {
    let mut fw = base();
    fw.dimensions = (0..levels)
        .map(|k| {
            let parent = (k > 0).then(|| format!("d{}", k - 1));
            dimension(&format!("d{k}"), parent.as_deref())
        })
        .collect();
    fw.indicators = vec![indicator("gdp", &format!("d{}", levels - 1))];
    fw
}

#[test]
fn deep_hierarchies_are_linear_and_limited() {
    // 100 levels is the documented limit: accepted, depth 100, the single indicator
    // carries the whole weight (every share along the chain is 1/1).
    let fw = chain(cpindex::model::MAX_DEPTH);
    fw.validate().unwrap();
    assert_eq!(fw.depth(), 100);
    assert_eq!(fw.effective_weights(), vec![1.0]);
    // 1,000 and 3,000 levels are refused, naming the first dimension past the limit
    // (validation used to be cubic in the depth: 12 s for 1,000 levels)
    for levels in [1_000, 3_000] {
        let m = rejected(&chain(levels), "d100", "parent");
        assert!(
            m.contains("101 levels deep") && m.contains("at most 100"),
            "{m}"
        );
    }
    // a cycle deep inside a long chain is still found
    let mut fw = chain(3_000);
    fw.dimensions[0].parent = Some("d2999".into());
    let m = rejected(&fw, "d0", "parent");
    assert!(m.contains("cycle"), "{m}");
}

#[test]
fn huge_weights_give_the_same_shares_as_small_ones() {
    // economy 1e308 vs society 1e308: the plain sum is +inf (it used to give shares of 0
    // and "all weights are 0" later); rescaled by the largest, each share is 1/2.
    let mut fw = base();
    for d in &mut fw.dimensions {
        d.weight = 1e308;
    }
    for i in &mut fw.indicators {
        i.weight = f64::MAX;
    }
    fw.validate().unwrap();
    assert_eq!(fw.effective_weights(), vec![0.25, 0.25, 0.5]);
    // 3:1 at the top level with tiny subnormal-range weights: 3e-320 / 4e-320 = 0.75
    let mut fw = base();
    fw.dimensions[0].weight = 3e-320;
    fw.dimensions[3].weight = 1e-320;
    fw.validate().unwrap();
    let w = fw.effective_weights();
    // gdp = 0.75 × 1/2, health = 0.25
    assert!(
        (w[0] - 0.375).abs() < 1e-12 && (w[2] - 0.25).abs() < 1e-12,
        "{w:?}"
    );
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

/// The indexes for many look-ups answer as the linear look-ups do, for every indicator,
/// dimension and auxiliary series of the built-in framework and the example county's,
/// and for ids they do not hold.
#[test]
fn series_and_dimension_indexes_answer_as_the_searches() {
    let county = cpindex::model::Framework::from_json_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/frameworks/example-county-2021-2025.json"
    ))
    .unwrap();
    for fw in [cpindex::model::builtin::quzhou().clone(), county] {
        let series = fw.series_index();
        let dims = fw.dimension_index();
        let mut ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
        ids.extend(fw.auxiliary_series.iter().map(|s| s.id.clone()));
        ids.extend(fw.dimensions.iter().map(|d| d.id.clone()));
        ids.extend(["", "no_such_id", "GDP"].map(String::from));
        for id in &ids {
            assert_eq!(
                series.indicator(id).map(|i| &i.id),
                fw.indicator(id).map(|i| &i.id)
            );
            assert_eq!(
                series.position(id),
                fw.indicators.iter().position(|i| &i.id == id)
            );
            assert_eq!(series.knows_series(id), fw.knows_series(id), "{id}");
            assert_eq!(
                dims.dimension(id).map(|d| &d.id),
                fw.dimension(id).map(|d| &d.id)
            );
            assert_eq!(dims.path(id), fw.dimension_path(id), "{id}");
            let own: Vec<&str> = dims
                .indicators_in(id)
                .iter()
                .map(|i| i.id.as_str())
                .collect();
            let scan: Vec<&str> = fw.indicators_in(id).map(|i| i.id.as_str()).collect();
            assert_eq!(own, scan, "{id}");
            let kids: Vec<&str> = dims
                .child_dimensions(Some(id))
                .iter()
                .map(|d| d.id.as_str())
                .collect();
            let scan: Vec<&str> = fw
                .child_dimensions(Some(id))
                .map(|d| d.id.as_str())
                .collect();
            assert_eq!(kids, scan, "{id}");
        }
        let top: Vec<&str> = dims
            .child_dimensions(None)
            .iter()
            .map(|d| d.id.as_str())
            .collect();
        let scan: Vec<&str> = fw.child_dimensions(None).map(|d| d.id.as_str()).collect();
        assert!(!top.is_empty());
        assert_eq!(top, scan);
        for i in &fw.indicators {
            assert_eq!(dims.top_dimension_of(i), fw.top_dimension_of(i));
        }
    }
}
