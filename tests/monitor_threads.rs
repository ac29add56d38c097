//! Issue 16, tenth pass: monitoring on several threads (`MonitorDetail::threads`). The
//! units are split in consecutive shares and the shares' tables joined; the results must
//! be those of one pass over the units — every record in the same place, the notes and
//! the availability patterns shared across shares, the warnings in unit order, and the
//! first error the one of the first failing unit — whatever the number of threads.

use cpindex::data::Panel;
use cpindex::evaluate::{evaluate_with_detail, EvaluationSpec, Request};
use cpindex::model::builtin;
use cpindex::monitor::*;

/// `n_units` units × 2020–2025 of the built-in framework (plus one standard-error series
/// when `with_se`), values around the targets. Missing cells follow a pattern that changes with the unit
/// (so the later shares meet availability patterns and note texts the first one has not
/// seen, and some units have no base-year value: a warning each); every 7th unit has
/// many cells missing (its overall score withheld under the coverage rule).
fn panel(n_units: usize, with_se: bool) -> (Panel, String) {
    let fw = builtin::quzhou();
    let units: Vec<String> = (0..n_units).map(|u| format!("u{u:03}")).collect();
    let years: Vec<i32> = (2020..=2025).collect();
    let mut ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
    let se_id = "se_of_first".to_string();
    if with_se {
        ids.push(se_id.clone());
    }
    let ni = fw.indicators.len();
    let mut p = Panel::new(units, years.clone(), ids).unwrap();
    for (i, ind) in fw.indicators.iter().enumerate() {
        let t = ind.target.unwrap_or(10.0).abs().max(1.0);
        for (pi, _) in years.iter().enumerate() {
            for u in 0..n_units {
                let h = (u * 31 + i * 7 + pi * 13 + u / 40) % 17;
                let sparse = u % 7 == 3 && (i + pi) % 3 != 0;
                let v = if h == 0 || sparse {
                    f64::NAN
                } else {
                    t * (0.55 + 0.06 * pi as f64 + 0.002 * u as f64 + 0.004 * h as f64)
                };
                p.set(u, pi, i, v).unwrap();
            }
        }
    }
    for (pi, _) in years.iter().enumerate().filter(|_| with_se) {
        for u in 0..n_units {
            p.set(u, pi, ni, 0.01 + 0.001 * (u % 5) as f64).unwrap();
        }
    }
    (p, se_id)
}

fn detail(threads: usize) -> MonitorDetail {
    MonitorDetail {
        threads,
        ..MonitorDetail::default()
    }
}

fn spec_with_se(se_id: &str) -> MonitorSpec {
    let mut spec = MonitorSpec {
        min_indicator_coverage: 0.7,
        ..MonitorSpec::default()
    };
    let first = &builtin::quzhou().indicators[0].id;
    spec.sampling_errors
        .insert(first.clone(), se_id.to_string());
    spec
}

#[test]
fn any_number_of_threads_gives_the_results_of_one_pass() {
    let fw = builtin::quzhou();
    let (p, se) = panel(230, true);
    let spec = spec_with_se(&se);
    let one = monitor_with_detail(fw, &p, None, &spec, detail(1)).unwrap();
    // the fixture exercises what the join must carry across shares
    assert!(!one.warnings.is_empty());
    assert!((0..one.aggregates.len()).any(|k| one.aggregates.withheld(k).is_some()));
    let noted = (0..one.achievements.len())
        .filter(|&r| !one.achievements.notes(r).is_empty())
        .count();
    assert!(noted > 1000, "{noted} noted records");
    let json = one.to_json();
    // 230 units: up to 7 shares of at least 32 units; 0 counts as 1; 64 asks for more
    // threads than there are shares
    for t in [0, 2, 3, 4, 7, 64] {
        let many = monitor_with_detail(fw, &p, None, &spec, detail(t)).unwrap();
        assert_eq!(one, many, "{t} threads");
        assert_eq!(one.units, many.units, "{t} threads");
        assert_eq!(one.warnings, many.warnings, "{t} threads");
        // record by record, each unit found at its own position
        for (k, u) in one.units.iter().enumerate() {
            assert_eq!(many.unit_position(u), Some(k), "{t} threads, unit {u}");
            assert_eq!(
                many.aggregate_position(u, one.year),
                one.aggregate_position(u, one.year)
            );
            assert_eq!(many.dynamic_position(u), one.dynamic_position(u));
        }
        for r in (0..one.achievements.len()).step_by(97) {
            assert_eq!(one.achievements.record(r), many.achievements.record(r));
        }
        assert!(json == many.to_json(), "{t} threads: the JSON differs");
    }
}

#[test]
fn the_first_error_is_the_first_failing_units_whatever_the_threads() {
    let fw = builtin::quzhou();
    let (mut p, se) = panel(200, true);
    let spec = spec_with_se(&se);
    let se_i = p.indicator_index(&se).unwrap();
    // two bad standard errors, in units that fall in the third and fourth of four shares
    p.set(120, 3, se_i, -1.0).unwrap();
    p.set(170, 2, se_i, -2.0).unwrap();
    let one = monitor_with_detail(fw, &p, None, &spec, detail(1))
        .unwrap_err()
        .to_string();
    assert!(one.contains("unit `u120`"), "{one}");
    for t in [2, 4, 6] {
        let many = monitor_with_detail(fw, &p, None, &spec, detail(t))
            .unwrap_err()
            .to_string();
        assert_eq!(one, many, "{t} threads");
    }
}

#[test]
fn the_evaluation_is_the_same_with_the_index_computed_beside_the_monitoring() {
    let fw = builtin::quzhou();
    let (p, _) = panel(100, false);
    let spec = EvaluationSpec::default();
    let req = || Request {
        framework: fw,
        panel: &p,
        survey: None,
        households: None,
        spec: &spec,
    };
    let one = evaluate_with_detail(req(), detail(1)).unwrap();
    for t in [2, 3] {
        let many = evaluate_with_detail(req(), detail(t)).unwrap();
        assert!(one.to_json() == many.to_json(), "{t} threads");
    }
}
