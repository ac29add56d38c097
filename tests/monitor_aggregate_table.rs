//! Issue 16, seventh pass: the aggregates of a monitoring run are a columnar table
//! ([`AggregateTable`]) that keeps what depends only on the availability pattern (weights,
//! missing lists, coverage) once per distinct pattern and builds a [`UnitAchievement`] on
//! request. Here:
//!
//! * units with the same availability pattern but different scores share the weights and
//!   the missing lists yet keep their own scores, and a unit whose indicators not scored
//!   by design leave the coverage denominator gets its own indicator coverage for the
//!   same pattern (computed here from the definition, docs/monitoring.md);
//! * every accessor equals the field of the record it stands for, and the overall score
//!   is withheld exactly when the coverage is below the minimum;
//! * the serde form is the list of records (unchanged), and it reads back into an equal
//!   table; `from_records` of the records gives an equal table.
//!
//! That each record equals the public `aggregate` + `like_for_like` recomputation is
//! checked in tests/monitor_reuse.rs.

mod common;

use cpindex::data::Panel;
use cpindex::model::{Framework, TargetSource};
use cpindex::monitor::*;

fn framework() -> Framework {
    common::monitor::framework_with_own_targets(55.0, 4.0, 7, 12.0)
}

const UNITS: [&str; 5] = ["kecheng", "twin_a", "twin_b", "sparse", "longyou"];

/// `twin_a` and `twin_b` (units the plan does not list) have the same cells missing
/// (indicators 2, 9, 30 in every year; indicator 4 in 2022) and different values;
/// `kecheng` (a plan unit, with targets of its own) has those missing too and, in
/// addition, no value for the indicators the twins are not scored on by design, so its
/// availability pattern is theirs while its coverage denominator is not; `sparse` misses
/// two of three indicators in 2023 (below the coverage minimum); `longyou` is complete.
fn panel(fw: &Framework) -> Panel {
    common::monitor::panel_2020_2025(fw, &UNITS, |u, i, ind, pi| {
        let t = ind.target.unwrap_or(10.0).abs().max(1.0);
        let y = 2020 + pi as i32;
        let base = matches!(i, 2 | 9 | 30) || (i == 4 && y == 2022);
        let missing = match UNITS[u] {
            "twin_a" | "twin_b" => base,
            "kecheng" => base || fw.target_for("twin_a", ind).1 == TargetSource::NotScored,
            "sparse" => y == 2023 && i % 3 != 0,
            _ => false,
        };
        if missing {
            f64::NAN
        } else {
            t * (0.5 + 0.07 * pi as f64 + 0.045 * u as f64 + 0.002 * (i % 17) as f64)
        }
    })
}

fn run() -> (Framework, MonitorResults) {
    let fw = framework();
    let p = panel(&fw);
    let spec = MonitorSpec {
        units: Some(UNITS.iter().map(|s| s.to_string()).collect()),
        ..MonitorSpec::default()
    };
    let r = monitor(&fw, &p, &spec).unwrap();
    (fw, r)
}

#[test]
fn a_pattern_is_shared_but_scores_and_coverage_are_each_units_own() {
    let (fw, r) = run();
    let a = &r.aggregates;
    let nominal = fw.effective_weights();
    let counted: Vec<usize> = (0..fw.indicators.len())
        .filter(|&j| nominal[j] > 0.0)
        .collect();
    for year in 2020..=2025 {
        let rec = |u: &str| r.unit_achievement(u, year).unwrap();
        let (k, ta, tb) = (rec("kecheng"), rec("twin_a"), rec("twin_b"));
        // the same pattern: the same weights and missing lists
        assert_eq!(ta.weights_used, tb.weights_used);
        assert_eq!(k.weights_used, ta.weights_used);
        assert_eq!(ta.missing_indicators, tb.missing_indicators);
        assert_eq!(k.missing_indicators, ta.missing_indicators);
        assert_eq!(k.dimensions.len(), ta.dimensions.len());
        for (dk, da) in k.dimensions.iter().zip(&ta.dimensions) {
            assert_eq!(
                (&dk.missing, dk.n_available, dk.weight_covered),
                (&da.missing, da.n_available, da.weight_covered)
            );
        }
        // missing: exactly the indicators without a score in the achievement table, among
        // them the cells left empty and those not scored by design
        let t = &r.achievements;
        let (ua, yy) = (
            t.unit_position("twin_a").unwrap(),
            t.year_position(year).unwrap(),
        );
        let unscored: Vec<&str> = (0..fw.indicators.len())
            .filter(|&j| t.score(t.row(ua, j, yy).unwrap()).is_none())
            .map(|j| fw.indicators[j].id.as_str())
            .collect();
        assert_eq!(ta.missing_indicators, unscored, "{year}");
        let emptied = [2, 9, 30]
            .into_iter()
            .chain((year == 2022).then_some(4))
            .chain((0..fw.indicators.len()).filter(|&j| {
                fw.target_for("twin_a", &fw.indicators[j]).1 == TargetSource::NotScored
            }));
        for j in emptied {
            assert!(
                unscored.contains(&fw.indicators[j].id.as_str()),
                "{year} {j}"
            );
        }
        // different values: different scores
        assert_ne!(ta.overall, tb.overall, "{year}");
        assert_ne!(
            ta.dimensions.iter().map(|d| d.score).collect::<Vec<_>>(),
            tb.dimensions.iter().map(|d| d.score).collect::<Vec<_>>()
        );
        // indicator coverage from its definition: available counted indicators over the
        // counted ones less those not scored by design for the unit
        for (u, got) in [("kecheng", &k), ("twin_a", &ta)] {
            let by_design = counted
                .iter()
                .filter(|&&j| fw.target_for(u, &fw.indicators[j]).1 == TargetSource::NotScored)
                .count();
            let missing = got
                .missing_indicators
                .iter()
                .filter(|m| counted.iter().any(|&j| fw.indicators[j].id == ***m))
                .count();
            let want = if by_design > 0 && counted.len() > by_design {
                (counted.len() - missing) as f64 / (counted.len() - by_design) as f64
            } else {
                (counted.len() - missing) as f64 / counted.len() as f64
            };
            assert!((got.indicator_coverage - want).abs() < 1e-15, "{u} {year}");
        }
        // the same pattern, but kecheng is scored on indicators the twins are not: its
        // coverage denominator is larger, so its coverage smaller
        assert!(k.indicator_coverage < ta.indicator_coverage, "{year}");
        let kk = r.aggregate_position("kecheng", year).unwrap();
        assert_eq!(a.indicator_coverage(kk), k.indicator_coverage);
    }
}

#[test]
fn accessors_equal_the_records_and_coverage_withholds() {
    let (fw, r) = run();
    let a = &r.aggregates;
    assert_eq!(a.len(), UNITS.len() * 6);
    assert!(!a.is_empty());
    let mut n_withheld = 0;
    let mut n_lfl = 0;
    for k in 0..a.len() {
        let rec = a.record(k);
        assert_eq!(a.unit(k), &*rec.unit);
        assert_eq!(a.year(k), rec.year);
        assert_eq!(a.overall(k), rec.overall);
        assert_eq!(a.indicator_coverage(k), rec.indicator_coverage);
        assert_eq!(a.withheld(k), rec.withheld.as_deref());
        assert_eq!(r.aggregate_position(&rec.unit, rec.year), Some(k));
        assert_eq!(r.unit_achievement(&rec.unit, rec.year).as_ref(), Some(&rec));
        for d in &rec.dimensions {
            assert_eq!(a.dimension_score(k, &d.dimension), Some(d.score));
        }
        assert_eq!(a.dimension_score(k, "no_such_dimension"), None);
        // withheld exactly when there is a weighted mean and the coverage is short
        let short = rec.indicator_coverage < MonitorSpec::default().min_indicator_coverage;
        assert_eq!(rec.withheld.is_some(), short, "{} {}", rec.unit, rec.year);
        if short {
            assert_eq!(rec.overall, None);
            n_withheld += 1;
        }
        n_lfl += usize::from(rec.like_for_like.is_some());
    }
    assert!(n_withheld >= 1, "the panel withholds sparse's 2023 overall");
    assert!(n_lfl >= 20);
    for d in &fw.dimensions {
        assert!(a.has_dimension(&d.id));
    }
    assert!(!a.has_dimension("no_such_dimension"));
    assert_eq!(r.aggregate_position("no_such_unit", 2023), None);
    assert_eq!(r.aggregate_position("kecheng", 1999), None);
}

#[test]
fn serde_is_the_list_of_records_and_reads_back() {
    let (_, r) = run();
    let a = &r.aggregates;
    let records: Vec<UnitAchievement> = a.records().collect();
    assert_eq!(records.len(), a.len());
    common::monitor::assert_table_round_trip(a, &records, AggregateTable::from_records, |t| {
        t.records().collect()
    });
    // a changed record makes the tables differ
    let mut changed = records.clone();
    changed[3].weights_used[0] += 1e-9;
    assert_ne!(&AggregateTable::from_records(&changed), a);
    // the whole result reads back equal
    let whole: MonitorResults = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(whole, r);
}

/// A panel unit left out by `monitor.units` has no aggregate and no dynamic entry (found
/// without searching the rows); the monitored units keep theirs, at their positions.
#[test]
fn units_left_out_of_monitoring_have_no_aggregates() {
    let fw = framework();
    let p = panel(&fw);
    let spec = MonitorSpec {
        units: Some(vec!["twin_b".into(), "kecheng".into()]),
        ..MonitorSpec::default()
    };
    let r = monitor(&fw, &p, &spec).unwrap();
    for u in ["twin_a", "sparse", "longyou", "no_such_unit"] {
        assert_eq!(r.unit_position(u), None, "{u}");
        assert_eq!(r.aggregate_position(u, 2023), None, "{u}");
        assert_eq!(r.dynamic_position(u), None, "{u}");
        assert!(r.unit_achievement(u, 2023).is_none(), "{u}");
    }
    let ny = r.achievements.years().len();
    for (k, u) in ["twin_b", "kecheng"].iter().enumerate() {
        assert_eq!(r.unit_position(u), Some(k));
        assert_eq!(r.dynamic_position(u), Some(k));
        for (y, year) in r.achievements.years().iter().enumerate() {
            let pos = r.aggregate_position(u, *year).unwrap();
            assert_eq!(pos, k * ny + y);
            assert_eq!(r.aggregates.unit(pos), *u);
            assert_eq!(r.aggregates.year(pos), *year);
        }
        assert_eq!(r.aggregate_position(u, 1999), None);
    }
}
