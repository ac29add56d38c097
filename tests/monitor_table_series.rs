//! Issue 16, sixth pass: the achievement table holds the baseline, its year and the target
//! once per series (unit × indicator) when every record of the series has the same ones,
//! and the per-record values of the other series in side columns. Here a run whose panel
//! gives both kinds of series (a missing base-year value makes a fallback baseline; a unit
//! has targets of its own, among them a size indicator and the multiple-of-baseline
//! indicator) is checked record by record against `achieve_series` on the same series, and
//! every accessor and dense column of the table against the record it returns; the serde
//! form and `from_records` must give back an equal table.

mod common;

use common::monitor::expected_series as expected;
use cpindex::data::Panel;
use cpindex::model::Framework;
use cpindex::monitor::*;

/// The built-in framework with targets of its own for `kecheng`.
fn framework() -> Framework {
    common::monitor::framework_with_own_targets(321.0, 6.5, 5, 17.0)
}

/// Units × 2020–2025: values around the targets, some cells missing, and for units 1
/// and 3 the base-year value missing (units 3: for every other indicator only).
fn panel(fw: &Framework, units: &[&str]) -> Panel {
    common::monitor::panel_2020_2025(fw, units, |u, i, ind, pi| {
        let t = ind.target.unwrap_or(10.0);
        let h = (u * 31 + i * 7 + pi * 13) % 13;
        let base_missing = pi == 0 && (u == 1 || (u == 3 && i % 2 == 0));
        if h == 0 || base_missing {
            f64::NAN
        } else {
            let drift = if u % 3 == 2 { -0.04 } else { 0.05 };
            t * (0.5 + drift * pi as f64 + 0.07 * (u % 9) as f64 + 0.002 * h as f64)
        }
    })
}

fn bits(v: Option<f64>) -> u64 {
    v.unwrap_or(f64::NAN).to_bits()
}

fn run() -> (Framework, Panel, MonitorResults) {
    let fw = framework();
    let units = ["kecheng", "u1", "jiangshan", "u3", "u4", "changshan", "u6"];
    let p = panel(&fw, &units);
    let r = monitor(&fw, &p, &MonitorSpec::default()).unwrap();
    (fw, p, r)
}

/// Every accessor and dense column equals the record of its row, and every record equals
/// `achieve_series`; the run has series whose baseline, baseline year or target differ
/// between years (the side columns) and series where they do not.
#[test]
fn every_accessor_and_column_equals_the_record_and_achieve_series() {
    let (fw, p, r) = run();
    let spec = MonitorSpec::default();
    let t = &r.achievements;
    assert_eq!(
        t.len(),
        r.units.len() * fw.indicators.len() * t.years().len()
    );
    let mut varying = 0;
    let mut constant = 0;
    for (u, unit) in r.units.iter().enumerate() {
        for (j, ind) in fw.indicators.iter().enumerate() {
            let want = expected(&fw, &p, &spec, unit, ind);
            assert_eq!(want.len(), t.years().len());
            let key =
                |a: &IndicatorAchievement| (bits(a.baseline), a.baseline_year, bits(a.target));
            if want.iter().all(|a| key(a) == key(&want[0])) {
                constant += 1;
            } else {
                varying += 1;
            }
            for (y, w) in want.iter().enumerate() {
                let row = t.row(u, j, y).unwrap();
                assert_eq!(
                    &t.record(row),
                    w,
                    "unit {unit}, indicator {}, year {}",
                    ind.id,
                    w.year
                );
            }
        }
    }
    assert!(varying > 0, "no series with differing baselines or targets");
    assert!(
        constant > varying,
        "{constant} constant, {varying} varying series"
    );

    let cols = [
        (
            AchievementColumn::Observed,
            (|a: &IndicatorAchievement| a.observed) as fn(&_) -> _,
        ),
        (AchievementColumn::Measured, |a| a.measured),
        (AchievementColumn::Baseline, |a| a.baseline),
        (AchievementColumn::Target, |a| a.target),
        (AchievementColumn::Ratio, |a| a.ratio),
        (AchievementColumn::RatioCapped, |a| a.ratio_capped),
        (AchievementColumn::Progress, |a| a.progress),
        (AchievementColumn::Score, |a| a.score),
    ];
    for (c, f) in cols {
        let col = t.column(c);
        assert_eq!(col.len(), t.len(), "{c:?}");
        for (row, a) in t.records().enumerate() {
            assert_eq!(col[row].to_bits(), bits(f(&a)), "{c:?} row {row}");
        }
        // a second request gives the same column
        assert_eq!(t.column(c).as_ptr(), col.as_ptr());
    }
    for (row, a) in t.records().enumerate() {
        assert_eq!(t.target(row).map(f64::to_bits), a.target.map(f64::to_bits));
        assert_eq!(t.baseline_year(row), a.baseline_year);
        assert_eq!(
            t.measured(row).map(f64::to_bits),
            a.measured.map(f64::to_bits)
        );
        assert_eq!(t.score(row).map(f64::to_bits), a.score.map(f64::to_bits));
        assert_eq!(t.met(row), a.met);
        assert_eq!(t.kind(row), a.kind);
        assert_eq!(t.elapsed_share(row).to_bits(), a.elapsed_share.to_bits());
        assert_eq!(t.notes(row).to_vec(), a.notes);
        assert_eq!(t.survey(row), a.survey.as_ref());
        let (m, o) = t.annual_counts(row);
        assert_eq!((m, o), (a.years_met, a.years_observed));
    }
}

/// The serde form and `from_records` give back an equal table (with equal columns), and
/// equality sees a change in a series held in the side columns and in one held once.
#[test]
fn serde_and_from_records_round_trip() {
    let (_, _, r) = run();
    let t = &r.achievements;
    let json = serde_json::to_string(t).unwrap();
    let back: AchievementTable = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, t);
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    for c in [AchievementColumn::Baseline, AchievementColumn::Target] {
        let (a, b) = (t.column(c), back.column(c));
        assert!(a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()));
    }
    let records: Vec<IndicatorAchievement> = t.records().collect();
    let again = AchievementTable::from_records(records.clone()).unwrap();
    assert_eq!(&again, t);
    assert!(again.records().eq(records.iter().cloned()));

    // a row of a varying series, and one of a constant series with a baseline
    let ny = t.years().len();
    let series_varies = |row: usize| {
        let s = row / ny * ny;
        let k = |a: &IndicatorAchievement| (bits(a.baseline), a.baseline_year, bits(a.target));
        records[s..s + ny].iter().any(|a| k(a) != k(&records[s]))
    };
    let varying = (0..records.len()).find(|&r| series_varies(r) && records[r].baseline.is_some());
    let constant = (0..records.len()).find(|&r| !series_varies(r) && records[r].baseline.is_some());
    for row in [varying.unwrap(), constant.unwrap()] {
        let mut changed = records.clone();
        changed[row].baseline = Some(changed[row].baseline.unwrap() + 1.0);
        let c = AchievementTable::from_records(changed.clone()).unwrap();
        assert_ne!(&c, t, "row {row}");
        assert_eq!(c.record(row), changed[row]);
        assert_eq!(
            c.column(AchievementColumn::Baseline)[row],
            changed[row].baseline.unwrap()
        );
        let mut changed = records.clone();
        changed[row].baseline_year = changed[row].baseline_year.map(|y| y + 1).or(Some(2000));
        let c = AchievementTable::from_records(changed.clone()).unwrap();
        assert_ne!(&c, t, "row {row}");
        assert_eq!(c.baseline_year(row), changed[row].baseline_year);
    }
}

#[test]
fn the_table_is_send_and_sync() {
    fn check<T: Send + Sync + Clone + Default + std::fmt::Debug>() {}
    check::<AchievementTable>();
}
