//! Relative targets against a reference series (a fixed unit's, or the monitored unit's
//! own other indicator), whose panel positions monitoring looks up once per indicator:
//! every unit must still be compared with its own reference, and a reference missing from
//! the panel must still give each unit its warning, naming the unit the reference was
//! sought for. Expected values are worked out by hand from the relation's definition
//! (高于: value > reference + margin; with no numeric target the score is 1 if it holds,
//! else 0).

use cpindex::data::Panel;
use cpindex::model::Framework;
use cpindex::monitor::*;

/// Three indicators with relative targets and no numeric target: `own` against the same
/// unit's `ref_own`; `prov` against the province's `ref_prov`; `lost` against a unit
/// that is not in the panel, `lost_ind` against an indicator that is not (one of the
/// framework's, not collected).
fn fw() -> Framework {
    let rel = |id: &str, reference: &str| {
        format!(
            r#"{{"id":"{id}","dimension":"d","name_zh":"x","name_en":"x","unit":{{"label":"%"}},
              "polarity":{{"type":"higher_is_better"}},"kind":"share",
              "relative_target":{{"relation":"above","reference":{reference}}}}}"#
        )
    };
    let level = |id: &str| {
        format!(
            r#"{{"id":"{id}","dimension":"d","name_zh":"x","name_en":"x","unit":{{"label":"u"}},
              "polarity":{{"type":"higher_is_better"}},"kind":"level","target":100}}"#
        )
    };
    let inds = [
        rel("own", r#"{"type":"series","indicator":"ref_own"}"#),
        rel(
            "prov",
            r#"{"type":"series","unit":"province","indicator":"ref_prov"}"#,
        ),
        rel(
            "lost",
            r#"{"type":"series","unit":"nowhere","indicator":"ref_prov"}"#,
        ),
        rel(
            "lost_ind",
            r#"{"type":"series","indicator":"not_collected"}"#,
        ),
        level("ref_own"),
        level("ref_prov"),
        // an indicator of the framework the panel does not have
        level("not_collected"),
    ];
    Framework::from_json(&format!(
        r#"{{"id":"t","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{{"id":"d","name_zh":"d","name_en":"d"}}],
        "indicators":[{}]}}"#,
        inds.join(",")
    ))
    .unwrap()
}

const UNITS: [&str; 3] = ["a", "b", "province"];
const INDS: [&str; 6] = ["own", "prov", "lost", "lost_ind", "ref_own", "ref_prov"];

/// Values by (unit, indicator) for 2020 and 2021.
fn value(unit: &str, ind: &str, year: i32) -> f64 {
    let k = f64::from(year - 2020);
    match (unit, ind) {
        // a: own 5 / 7 against its ref_own 6 / 6 → not above, then above
        ("a", "own") => 5.0 + 2.0 * k,
        ("a", "ref_own") => 6.0,
        // b: own 5 / 7 against its ref_own 4 / 8 → above, then not
        ("b", "own") => 5.0 + 2.0 * k,
        ("b", "ref_own") => 4.0 + 4.0 * k,
        // every unit's `prov`, `lost`, `lost_ind` is 6 / 6; the province's ref_prov 5 / 6
        (_, "prov" | "lost" | "lost_ind") => 6.0,
        ("province", "ref_prov") => 5.0 + k,
        (_, "ref_prov") => 1000.0,
        ("province", _) => 0.0,
        _ => unreachable!(),
    }
}

fn panel() -> Panel {
    let mut p = Panel::new(
        UNITS.iter().map(|s| s.to_string()).collect(),
        vec![2020, 2021],
        INDS.iter().map(|s| s.to_string()).collect(),
    )
    .unwrap();
    for u in UNITS {
        for i in INDS {
            for y in [2020, 2021] {
                p.set_by_id(u, y, i, value(u, i, y)).unwrap();
            }
        }
    }
    p
}

fn score(r: &MonitorResults, unit: &str, ind: &str, year: i32) -> Option<f64> {
    let row = r.achievements.find(unit, ind, year).expect("record");
    r.achievements.score(row)
}

#[test]
fn each_unit_is_compared_with_its_own_reference() {
    let spec = MonitorSpec {
        units: Some(vec!["a".into(), "b".into()]),
        ..MonitorSpec::default()
    };
    let r = monitor(&fw(), &panel(), &spec).unwrap();
    // the same unit's other indicator
    assert_eq!(score(&r, "a", "own", 2020), Some(0.0)); // 5 > 6 fails
    assert_eq!(score(&r, "a", "own", 2021), Some(1.0)); // 7 > 6
    assert_eq!(score(&r, "b", "own", 2020), Some(1.0)); // 5 > 4
    assert_eq!(score(&r, "b", "own", 2021), Some(0.0)); // 7 > 8 fails
                                                        // the province's series, for both units
    for u in ["a", "b"] {
        assert_eq!(score(&r, u, "prov", 2020), Some(1.0)); // 6 > 5
        assert_eq!(score(&r, u, "prov", 2021), Some(0.0)); // 6 > 6 fails
        let row = r.achievements.find(u, "prov", 2020).unwrap();
        let rel = r.achievements.record(row).relative.expect("assessed");
        assert_eq!((rel.value, rel.reference, rel.gap), (6.0, 5.0, 1.0));
    }
    // references not in the panel: not assessed, no score
    for u in ["a", "b"] {
        for i in ["lost", "lost_ind"] {
            for y in [2020, 2021] {
                assert_eq!(score(&r, u, i, y), None, "{u} {i} {y}");
            }
        }
    }
}

#[test]
fn a_reference_not_in_the_panel_warns_for_every_unit() {
    let spec = MonitorSpec {
        units: Some(vec!["a".into(), "b".into()]),
        ..MonitorSpec::default()
    };
    let r = monitor(&fw(), &panel(), &spec).unwrap();
    let with = |needle: &str| r.warnings.iter().filter(|w| w.contains(needle)).count();
    // the fixed unit that is not in the panel: one warning per monitored unit
    assert_eq!(
        with("indicator `lost`: reference series unit `nowhere`, indicator `ref_prov` not in the panel"),
        2,
        "{:#?}",
        r.warnings
    );
    // the indicator that is not in the panel, sought for each unit itself
    for u in ["a", "b"] {
        assert_eq!(
            with(&format!(
                "indicator `lost_ind`: reference series unit `{u}`, indicator `not_collected` not in the panel"
            )),
            1,
            "{:#?}",
            r.warnings
        );
    }
    // the references that are there give none
    assert_eq!(with("indicator `own`"), 0);
    assert_eq!(with("indicator `prov`"), 0);
}
