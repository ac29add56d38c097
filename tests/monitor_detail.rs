//! Issue 16, third pass: the notes of the achievement table held as codes, the missing
//! lists as shared ids, and `monitor_with_detail` leaving out the dynamic index's
//! breakdowns. Checked against the full run and against definitions (contributions add up
//! to the matched change; the notes say which year has no observation).

use std::collections::HashSet;

use cpindex::data::Panel;
use cpindex::model::builtin;
use cpindex::monitor::*;

/// `n_units` units × 2020–2023 of the built-in framework, values around the targets, some
/// cells missing (so that notes and missing lists occur).
fn panel(n_units: usize) -> Panel {
    let fw = builtin::quzhou();
    let units: Vec<String> = (0..n_units).map(|u| format!("u{u}")).collect();
    let years: Vec<i32> = (2020..=2023).collect();
    let ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
    let mut p = Panel::new(units, years.clone(), ids).unwrap();
    for (i, ind) in fw.indicators.iter().enumerate() {
        let t = ind.target.unwrap_or(10.0).abs().max(1.0);
        for (pi, _) in years.iter().enumerate() {
            for u in 0..n_units {
                let h = (u * 31 + i * 7 + pi * 13) % 11;
                let v = if h == 0 {
                    f64::NAN
                } else {
                    t * (0.6 + 0.05 * pi as f64 + 0.01 * u as f64 + 0.003 * h as f64)
                };
                p.set(u, pi, i, v).unwrap();
            }
        }
    }
    p
}

#[test]
fn default_detail_is_monitor_with_survey() {
    let fw = builtin::quzhou();
    let p = panel(4);
    let spec = MonitorSpec::default();
    let a = monitor_with_survey(fw, &p, None, &spec).unwrap();
    let b = monitor_with_detail(fw, &p, None, &spec, MonitorDetail::default()).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.to_json(), b.to_json());
}

#[test]
fn without_dynamic_breakdown_the_numbers_are_the_same_and_the_lists_empty() {
    let fw = builtin::quzhou();
    let p = panel(4);
    let spec = MonitorSpec::default();
    let full = monitor(fw, &p, &spec).unwrap();
    let lean = monitor_with_detail(
        fw,
        &p,
        None,
        &spec,
        MonitorDetail {
            dynamic_breakdown: false,
            ..MonitorDetail::default()
        },
    )
    .unwrap();
    // everything but the dynamic index is the same
    assert_eq!(full.achievements, lean.achievements);
    assert_eq!(full.aggregates, lean.aggregates);
    assert_eq!(full.schedule, lean.schedule);
    assert_eq!(full.trends, lean.trends);
    assert_eq!(full.dashboards, lean.dashboards);
    assert_eq!(full.evaluations, lean.evaluations);
    assert_eq!(full.warnings, lean.warnings);
    assert_eq!(full.dynamic.len(), lean.dynamic.len());
    let mut lists_seen = 0;
    for (f, l) in full.dynamic.records().zip(lean.dynamic.records()) {
        assert_eq!(f.unit, l.unit);
        assert_eq!(f.excluded, l.excluded);
        assert_eq!(f.years.len(), l.years.len());
        for (fy, ly) in f.years.iter().zip(&l.years) {
            assert_eq!(fy.year, ly.year);
            assert_eq!(fy.composite, ly.composite);
            assert_eq!(fy.fixed_base_index, ly.fixed_base_index);
            assert_eq!(fy.chained_index, ly.chained_index);
            assert!(ly.missing.is_empty());
            lists_seen += fy.missing.len();
            assert_eq!(fy.change.is_some(), ly.change.is_some());
            if let (Some(fc), Some(lc)) = (&fy.change, &ly.change) {
                assert_eq!(fc.from_year, lc.from_year);
                assert_eq!(fc.matched_from, lc.matched_from);
                assert_eq!(fc.matched_to, lc.matched_to);
                assert_eq!(fc.link, lc.link);
                assert!(lc.indicators.is_empty() && lc.dimensions.is_empty());
                assert!(lc.excluded.is_empty());
                // the full run's contributions add up to the matched change
                assert!(!fc.indicators.is_empty());
                let pts: f64 = fc.indicators.iter().map(|c| c.points).sum();
                assert!(
                    (pts - (fc.matched_to - fc.matched_from)).abs() < 1e-9,
                    "{pts} vs {}",
                    fc.matched_to - fc.matched_from
                );
                lists_seen += fc.excluded.len();
            }
        }
    }
    // the panel has missing cells: the full run lists them
    assert!(lists_seen > 0);
}

#[test]
fn notes_held_as_codes_read_back_as_the_records_notes() {
    let fw = builtin::quzhou();
    let p = panel(6);
    let res = monitor(fw, &p, &MonitorSpec::default()).unwrap();
    let t = &res.achievements;
    let mut n_notes = 0;
    let mut texts: HashSet<String> = HashSet::new();
    let mut no_obs = 0;
    for row in 0..t.len() {
        let notes = t.notes(row);
        let rec = t.record(row);
        assert_eq!(notes.to_vec(), rec.notes);
        assert_eq!(notes.len(), rec.notes.len());
        assert_eq!(notes.iter().count(), notes.len());
        for (k, n) in notes.iter().enumerate() {
            assert_eq!(notes.get(k), Some(n));
            texts.insert(n.to_string());
        }
        n_notes += notes.len();
        // a record without an observation says which year
        if t.column(AchievementColumn::Observed)[row].is_nan() {
            let want = format!("no observation in {}", rec.year);
            assert!(notes.iter().any(|n| n == want), "{notes:?}");
            no_obs += 1;
        }
    }
    assert!(no_obs > 0);
    assert_eq!(t.note_counts(), (n_notes, texts.len()));
    assert!(texts.len() < n_notes);
    // the record form round-trips through the codes
    let back = AchievementTable::from_records(t.records().collect()).unwrap();
    assert_eq!(&back, t);
    for row in 0..t.len() {
        assert_eq!(back.notes(row).to_vec(), t.notes(row).to_vec());
    }
}

#[test]
fn missing_lists_name_the_unscored_indicators() {
    let fw = builtin::quzhou();
    let p = panel(3);
    let res = monitor(fw, &p, &MonitorSpec::default()).unwrap();
    let t = &res.achievements;
    let ny = t.years().len();
    let ni = t.indicators().len();
    for (k, ua) in res.aggregates.records().enumerate() {
        let (u, y) = (k / ny, k % ny);
        let want: Vec<&str> = (0..ni)
            .filter(|&j| t.score(t.row(u, j, y).unwrap()).is_none())
            .map(|j| t.indicators()[j].as_str())
            .collect();
        assert_eq!(ua.missing_indicators, want);
        let total: usize = ua
            .dimensions
            .iter()
            .filter(|d| d.parent.is_none())
            .map(|d| d.missing.len())
            .sum();
        assert_eq!(total, want.len());
    }
}
