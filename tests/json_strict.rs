//! Strict JSON decoding through the public constructors (issue 13): BOM accepted,
//! duplicate keys and unknown members rejected with their dotted path and position.

use cpindex::method::Spec;
use cpindex::model::Framework;
use cpindex::monitor::MonitorSpec;
use cpindex::Error;

fn json_err<T: std::fmt::Debug>(r: Result<T, Error>) -> (usize, usize, String) {
    match r {
        Err(Error::Json {
            line,
            column,
            message,
            ..
        }) => (line, column, message),
        other => panic!("expected Error::Json, got {other:?}"),
    }
}

#[test]
fn the_monitor_spec_rejects_unknown_members_with_path_and_position() {
    // `schedule_tolerence` (sic) on line 3 used to be ignored, leaving the default 0.05
    let (line, _, m) = json_err(MonitorSpec::from_json(
        "{\n  \"form\": \"ratio\",\n  \"schedule_tolerence\": 0.1\n}",
    ));
    assert_eq!(line, 3);
    // the spec type denies unknown fields itself (so a monitor spec nested in an
    // evaluation request is strict too): serde's wording, with the path
    assert!(
        m.contains("unknown member `schedule_tolerence`")
            || m.contains("at `schedule_tolerence`: unknown field `schedule_tolerence`"),
        "{m}"
    );
    let (_, _, m) = json_err(MonitorSpec::from_json(r#"{"trend": {"on_trak": 1}}"#));
    assert!(m.contains("trend") && m.contains("on_trak"), "{m}");
}

#[test]
fn duplicate_keys_are_rejected_everywhere() {
    let (_, _, m) = json_err(MonitorSpec::from_json(
        r#"{"objective_weight": 0.7, "objective_weight": 0.2}"#,
    ));
    assert!(m.contains("duplicate key `objective_weight`"), "{m}");
    let (_, _, m) = json_err(Spec::from_json(
        r#"{"normalisation": {"method": "min_max", "method": "z_score"}}"#,
    ));
    assert!(m.contains("duplicate key `normalisation.method`"), "{m}");
    let fw = cpindex::model::builtin::quzhou().to_json();
    let dup = fw.replacen("\"id\":", "\"id\": \"x\", \"id\":", 1);
    let (_, _, m) = json_err(Framework::from_json(&dup));
    assert!(m.contains("duplicate key `id`"), "{m}");
}

#[test]
fn a_byte_order_mark_is_accepted_everywhere() {
    Spec::from_json("\u{feff}{}").unwrap();
    MonitorSpec::from_json("\u{feff}{}").unwrap();
    let fw = cpindex::model::builtin::quzhou().to_json();
    let again = Framework::from_json(&format!("\u{feff}{fw}")).unwrap();
    assert_eq!(
        again.indicators.len(),
        cpindex::model::builtin::quzhou().indicators.len()
    );
}
