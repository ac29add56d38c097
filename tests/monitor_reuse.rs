//! Issue 16, fifth pass: monitoring reuses its working buffers across units and years
//! (the aggregation's scores and availability, the like-for-like weights, the reference
//! series of a relative target) and builds the indicator variant with a unit's own target
//! once per indicator, giving it each unit's target. Here a unit's results must not depend
//! on the units computed before it:
//!
//! * every unit × year aggregate equals an independent recomputation from the
//!   achievement table with the public `aggregate` and `like_for_like` (fresh buffers);
//! * every unit's results in a run of many units (which differ in availability and in
//!   their targets: the whole plan, a part with targets of its own, a part without,
//!   units unknown to the plan) equal a run of that unit alone, in two unit orders.

mod common;

use cpindex::data::Panel;
use cpindex::model::{Framework, TargetSource};
use cpindex::monitor::*;

/// The built-in framework with targets of its own for `kecheng` (among them a size
/// indicator and the multiple-of-baseline indicator).
fn framework() -> Framework {
    common::monitor::framework_with_own_targets(123.0, 7.5, 3, 42.0)
}

/// Units that differ in availability: complete, half the indicators missing throughout,
/// every indicator missing in some years, a missing base year.
fn panel(fw: &Framework, units: &[&str]) -> Panel {
    common::monitor::panel_2020_2025(fw, units, |u, i, ind, pi| {
        let t = ind.target.unwrap_or(10.0);
        // the pattern follows the unit's position in the panel (not in the run)
        let missing = match u {
            0 => false,
            1 => i % 2 == 0,
            2 => pi % 2 == 1,
            3 => pi == 0 || (i * 5 + pi) % 11 == 0,
            4 => i % 3 == 1 && pi > 2,
            _ => (i * 3 + pi * 7 + u) % 9 == 0,
        };
        if missing {
            f64::NAN
        } else {
            let drift = if u % 2 == 0 { 0.06 } else { -0.03 };
            t * (0.55 + drift * pi as f64 + 0.05 * u as f64 + 0.003 * (i % 13) as f64)
        }
    })
}

const UNITS: [&str; 7] = [
    "kecheng", "u_a", "quzhou", "qujiang", "u_bb", "u_ccc", "u_d",
];

#[test]
fn aggregates_equal_an_independent_recomputation() {
    let fw = framework();
    let p = panel(&fw, &UNITS);
    let spec = MonitorSpec {
        units: Some(UNITS.iter().map(|s| s.to_string()).collect()),
        ..MonitorSpec::default()
    };
    let r = monitor(&fw, &p, &spec).unwrap();
    let h = Hierarchy::new(&fw);
    let t = &r.achievements;
    let years = t.years().to_vec();
    assert_eq!(years.len(), 6);
    let nominal = fw.effective_weights();
    let mut n_missing = 0;
    let mut n_lfl = 0;
    for (u, unit) in r.units.iter().enumerate() {
        let by_design = (0..fw.indicators.len())
            .filter(|&j| nominal[j] > 0.0)
            .filter(|&j| fw.target_for(unit, &fw.indicators[j]).1 == TargetSource::NotScored)
            .count();
        let counted = nominal.iter().filter(|&&x| x > 0.0).count();
        let mut prev: Option<(Vec<f64>, Option<f64>)> = None;
        for (y, &year) in years.iter().enumerate() {
            let scores: Vec<f64> = (0..fw.indicators.len())
                .map(|j| t.score(t.row(u, j, y).unwrap()).unwrap_or(f64::NAN))
                .collect();
            n_missing += scores.iter().filter(|s| s.is_nan()).count();
            let mut want = aggregate(&fw, unit, year, &scores, spec.pull_down_count).unwrap();
            if by_design > 0 && counted > by_design {
                let avail = (0..fw.indicators.len())
                    .filter(|&j| nominal[j] > 0.0 && scores[j].is_finite())
                    .count();
                want.indicator_coverage = avail as f64 / (counted - by_design) as f64;
            }
            apply_min_coverage(&mut want, spec.min_indicator_coverage);
            if let Some((ps, po)) = &prev {
                let rc = match (po, want.overall) {
                    (Some(a), Some(b)) => Some(b - a),
                    _ => None,
                };
                want.like_for_like = like_for_like(&h, years[y - 1], ps, &scores, rc);
                n_lfl += usize::from(want.like_for_like.is_some());
            }
            let got = r.unit_achievement(unit, year).unwrap();
            assert_eq!(got, want, "unit {unit}, year {year}");
            prev = Some((scores, want.overall));
        }
    }
    // the panel does exercise missing scores and like-for-like comparisons
    assert!(n_missing > 500, "{n_missing}");
    assert!(n_lfl > 20, "{n_lfl}");
}

/// Everything monitoring reports about `unit` in `r`.
fn of_unit(r: &MonitorResults, unit: &str) -> String {
    let t = &r.achievements;
    let u = r.unit_position(unit).unwrap();
    let ni = t.indicators().len();
    let records: Vec<IndicatorAchievement> = (0..ni)
        .flat_map(|j| (0..t.years().len()).map(move |y| (j, y)))
        .map(|(j, y)| t.record(t.row(u, j, y).unwrap()))
        .collect();
    let aggregates: Vec<UnitAchievement> =
        r.aggregates.records().filter(|a| a.unit == unit).collect();
    let schedule: Vec<ScheduleCheck> = r.schedule.records().filter(|a| a.unit == unit).collect();
    let trends: Vec<TrendAssessment> = r.trends.records().filter(|a| a.unit == unit).collect();
    let targets: Vec<_> = r.targets.records().filter(|a| a.unit == unit).collect();
    let dashboards: Vec<_> = r.dashboards.records().filter(|a| a.unit == unit).collect();
    let dynamic: Vec<DynamicIndex> = r.dynamic.records().filter(|a| a.unit == unit).collect();
    let evaluations: Vec<_> = r.evaluations.iter().filter(|a| a.unit == unit).collect();
    assert_eq!(aggregates.len(), t.years().len());
    assert_eq!(targets.len(), ni);
    assert_eq!(dynamic.len(), 1);
    serde_json::to_string(&(
        records,
        aggregates,
        schedule,
        trends,
        targets,
        dashboards,
        dynamic,
        evaluations,
    ))
    .unwrap()
}

#[test]
fn a_unit_alone_equals_the_unit_among_others() {
    let fw = framework();
    let p = panel(&fw, &UNITS);
    let run = |units: Vec<&str>| {
        let spec = MonitorSpec {
            units: Some(units.iter().map(|s| s.to_string()).collect()),
            ..MonitorSpec::default()
        };
        monitor(&fw, &p, &spec).unwrap()
    };
    let all = run(UNITS.to_vec());
    let reversed = run(UNITS.iter().rev().copied().collect());
    // the units differ: their own target, not scored, the plan's
    let sources = |unit: &str| -> Vec<TargetSource> {
        all.targets
            .records()
            .filter(|a| a.unit == unit)
            .map(|a| a.source)
            .collect()
    };
    assert!(sources("kecheng").contains(&TargetSource::Unit));
    assert!(sources("qujiang").contains(&TargetSource::NotScored));
    assert!(!sources("quzhou").contains(&TargetSource::NotScored));
    let mut distinct = std::collections::BTreeSet::new();
    for unit in UNITS {
        let alone = of_unit(&run(vec![unit]), unit);
        assert_eq!(of_unit(&all, unit), alone, "unit {unit} among others");
        assert_eq!(
            of_unit(&reversed, unit),
            alone,
            "unit {unit}, reversed order"
        );
        // no two units report the same (the comparison could not see a leak otherwise)
        let body = alone.replace(&format!("\"{unit}\""), "\"\"");
        assert!(distinct.insert(body), "unit {unit} reports as another");
    }
}
