//! Issue 16, fourteenth pass: a run's schedule checks, trend assessments and applied
//! targets are columnar tables ([`ScheduleTable`], [`TrendTable`], [`TargetTable`]): ids
//! and note texts held once and referred to by code, a record built on request. Here, on a run of the built-in framework whose
//! units miss cells in different years (so that many notes and categories occur):
//!
//! * every record read back equals what the public per-record functions give for that
//!   unit and indicator — `Framework::target_for` for the applied target,
//!   [`assess_trend`] on the unit's series, the indicator with that target and its
//!   achievement record of the evaluation year, [`schedule_check_with`] on that record —
//!   so a code pointing at the wrong id or note, or a column shifted by a record, shows;
//! * the accessors equal the records; a record is found at its position in the run's
//!   layout and, out of place, by a search; an unknown pair is not found;
//! * the serde form is the list of records and reads back into an equal table, as does
//!   `from_records`; a changed record makes the tables differ.

mod common;

use std::collections::BTreeSet;

use cpindex::model::builtin;
use cpindex::monitor::*;

const UNITS: [&str; 3] = ["a", "b", "c"];

fn run() -> (MonitorResults, cpindex::data::Panel, MonitorSpec) {
    let fw = builtin::quzhou();
    let p = common::monitor::panel_2020_2025(fw, &UNITS, |u, i, ind, pi| {
        let t = ind.target.unwrap_or(10.0).abs().max(1.0);
        // each unit its own holes, some series empty, some values falling
        let missing = (i * 7 + pi * 3 + u * 5) % (5 + u) == 0 || (i + u) % 19 == 0;
        if missing {
            f64::NAN
        } else {
            let dir = if (i + u) % 4 == 0 { -1.0 } else { 1.0 };
            t * (0.7 + dir * 0.05 * pi as f64 + 0.03 * u as f64 + 0.004 * (i % 13) as f64)
        }
    });
    let spec = MonitorSpec {
        units: Some(UNITS.iter().map(|s| s.to_string()).collect()),
        ..MonitorSpec::default()
    };
    let r = monitor(fw, &p, &spec).unwrap();
    (r, p, spec)
}

#[test]
fn every_record_is_the_per_record_functions_result() {
    let fw = builtin::quzhou();
    let (r, p, spec) = run();
    let ni = fw.indicators.len();
    assert_eq!(r.trends.len(), UNITS.len() * ni);
    assert_eq!(r.schedule.len(), UNITS.len() * ni);
    let (mut notes, mut categories, mut statuses, mut sources) = (
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
    );
    for (u, unit) in UNITS.iter().enumerate() {
        let ui = p.unit_index(unit).unwrap();
        for (j, ind) in fw.indicators.iter().enumerate() {
            let k = u * ni + j;
            let rec = r.achievement(unit, &ind.id, r.year);
            let values = p.series(ui, p.indicator_index(&ind.id).unwrap());
            // the indicator as monitored for this unit: a unit's own target, or none for
            // a size indicator of a part without one (not scored), replaces the plan's
            // with its stretch and interim targets (Framework::target_for)
            let applied = r.targets.record(k);
            assert!(applied.unit == *unit && applied.indicator == ind.id);
            let (target, source) = fw.target_for(unit, ind);
            assert_eq!((applied.target, applied.source), (target, source));
            assert_eq!((r.targets.target(k), r.targets.source(k)), (target, source));
            assert_eq!(r.targets.get(k), Some(applied.clone()));
            sources.insert(format!("{source:?}"));
            let own;
            let ind = match applied.source {
                cpindex::model::TargetSource::Unit | cpindex::model::TargetSource::NotScored => {
                    own = cpindex::model::Indicator {
                        target: applied.target,
                        stretch_target: None,
                        interim_targets: Vec::new(),
                        ..ind.clone()
                    };
                    &own
                }
                _ => ind,
            };
            let want = assess_trend(
                ind,
                unit,
                p.periods(),
                &values,
                r.base_year,
                fw.target_year,
                r.year,
                rec.as_ref(),
                &spec.trend,
            );
            let got = r.trends.record(k);
            assert_eq!(got, want, "trend of {unit} {}", ind.id);
            assert_eq!(r.trends.get(k), Some(want.clone()));
            assert_eq!(r.trends.unit(k), *unit);
            assert_eq!(r.trends.indicator(k), ind.id);
            assert_eq!(r.trends.category(k), want.category);
            notes.insert(want.note.to_string());
            categories.insert(format!("{:?}", want.category));
            let rec = rec.expect("a record in the evaluation year");
            let want = schedule_check_with(&rec, spec.schedule_tolerance, spec.schedule_epsilon);
            assert_eq!(r.schedule.record(k), want, "schedule of {unit} {}", ind.id);
            assert_eq!(r.schedule.status(k), want.status);
            assert_eq!(r.schedule.indicator(k), ind.id);
            assert_eq!(r.schedule.unit(k), *unit);
            statuses.insert(format!("{:?}", want.status));
        }
    }
    // the fixture reaches many notes, categories and statuses
    assert!(notes.len() >= 5, "{notes:?}");
    assert!(categories.len() >= 4, "{categories:?}");
    assert!(statuses.len() >= 3, "{statuses:?}");
    // plan targets, size indicators not scored for a part, indicators without a target
    assert!(sources.len() >= 3, "{sources:?}");
    assert_eq!(r.targets.len(), UNITS.len() * ni);
    assert_eq!(r.targets.get(r.targets.len()), None);
    assert_eq!(r.trends.get(r.trends.len()), None);
    assert_eq!(r.schedule.get(r.schedule.len()), None);
}

#[test]
fn records_are_found_in_place_or_by_search() {
    let fw = builtin::quzhou();
    let (r, _, _) = run();
    let ni = fw.indicators.len();
    let id = |j: usize| fw.indicators[j].id.as_str();
    // in place
    assert_eq!(r.trends.find_at(ni + 3, "b", id(3)), Some(ni + 3));
    assert_eq!(r.schedule.find_at(2 * ni, "c", id(0)), Some(2 * ni));
    // a wrong or impossible position: searched
    assert_eq!(r.trends.find_at(0, "c", id(5)), Some(2 * ni + 5));
    assert_eq!(r.schedule.find_at(usize::MAX, "a", id(7)), Some(7));
    // not there
    assert_eq!(r.trends.find_at(0, "no_such_unit", id(0)), None);
    assert_eq!(r.schedule.find_at(0, "a", "no_such_indicator"), None);
    assert_eq!(r.targets.find_at(ni + 4, "b", id(4)), Some(ni + 4));
    assert_eq!(r.targets.find_at(3, "c", id(9)), Some(2 * ni + 9));
    assert_eq!(r.targets.find_at(0, "no_such_unit", id(0)), None);
}

#[test]
fn the_serde_form_is_the_list_of_records() {
    let (r, _, _) = run();
    let trends: Vec<TrendAssessment> = r.trends.records().collect();
    common::monitor::assert_table_round_trip(&r.trends, &trends, TrendTable::from_records, |t| {
        t.records().collect()
    });
    let schedule: Vec<ScheduleCheck> = r.schedule.records().collect();
    common::monitor::assert_table_round_trip(
        &r.schedule,
        &schedule,
        ScheduleTable::from_records,
        |t| t.records().collect(),
    );
    let targets: Vec<AppliedTarget> = r.targets.records().collect();
    common::monitor::assert_table_round_trip(
        &r.targets,
        &targets,
        TargetTable::from_records,
        |t| t.records().collect(),
    );
    // a changed record makes the tables differ
    let mut changed = targets.clone();
    changed[2].target = Some(1.5);
    assert_ne!(&TargetTable::from_records(&changed), &r.targets);
    let mut changed = trends.clone();
    changed[5].note = "another note".into();
    assert_ne!(&TrendTable::from_records(&changed), &r.trends);
    let mut changed = schedule.clone();
    changed[9].unit = "c".into();
    assert_ne!(&ScheduleTable::from_records(&changed), &r.schedule);
    // the whole result reads back equal
    let whole: MonitorResults = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(whole.trends, r.trends);
    assert_eq!(whole.schedule, r.schedule);
    assert_eq!(whole.targets, r.targets);
}
