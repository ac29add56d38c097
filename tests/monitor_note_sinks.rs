//! Issue 16, round 5: monitoring computes the achievement rules straight into the table's
//! columns and codes each note by what its text depends on (formatted once per run). The
//! public `achieve_series` runs the same rules with every note formatted as a string.
//! Here every record of a monitoring run (numbers and notes) is checked against
//! `achieve_series` on the same unit × indicator series: a wrong note key (two texts
//! sharing a code) or a note landing on the wrong record would show as a difference.

mod common;

use common::monitor::expected_series;
use cpindex::data::Panel;
use cpindex::model::builtin;
use cpindex::monitor::*;

/// `n_units` units × 2020–2025 of the built-in framework: values scattered around the
/// targets (met, not met, moved away, before and beyond the target), some cells missing,
/// a unit with a missing base year (fallback baselines and "before the baseline" notes).
fn panel(n_units: usize) -> Panel {
    let fw = builtin::quzhou();
    let units: Vec<String> = (0..n_units).map(|u| format!("u{u}")).collect();
    let years: Vec<i32> = (2020..=2025).collect();
    let ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
    let mut p = Panel::new(units, years.clone(), ids).unwrap();
    for (i, ind) in fw.indicators.iter().enumerate() {
        let t = ind.target.unwrap_or(10.0);
        for (pi, _) in years.iter().enumerate() {
            for u in 0..n_units {
                let h = (u * 31 + i * 7 + pi * 13) % 13;
                let v = if h == 0 || (u == 1 && pi == 0) {
                    f64::NAN
                } else {
                    // units below, around and above the target; some moving away
                    let drift = if u % 3 == 2 { -0.04 } else { 0.05 };
                    t * (0.5 + drift * pi as f64 + 0.07 * (u % 9) as f64 + 0.002 * h as f64)
                };
                p.set(u, pi, i, v).unwrap();
            }
        }
    }
    p
}

/// Every record of `monitor` equals `achieve_series` on its series (with the target the
/// run applied to the unit); returns the number of notes compared.
fn check(spec: &MonitorSpec, p: &Panel) -> usize {
    let fw = builtin::quzhou();
    let r = monitor(fw, p, spec).unwrap();
    let t = &r.achievements;
    let mut n_notes = 0;
    for (u, unit) in r.units.iter().enumerate() {
        for (j, ind) in fw.indicators.iter().enumerate() {
            // the target monitoring applied (a unit's own one replaces the plan's)
            let want = expected_series(fw, p, spec, unit, ind);
            assert_eq!(want.len(), t.years().len());
            for (y, w) in want.iter().enumerate() {
                let row = t.row(u, j, y).unwrap();
                let got = t.record(row);
                // the table keeps the framework's indicator id; numbers and notes as computed
                assert_eq!(got.indicator, w.indicator);
                assert_eq!(
                    &got, w,
                    "unit {unit}, indicator {}, year {}",
                    ind.id, w.year
                );
                n_notes += w.notes.len();
            }
        }
    }
    assert_eq!(t.note_counts().0, n_notes);
    n_notes
}

#[test]
fn every_record_and_note_equals_achieve_series() {
    let p = panel(12);
    let n = check(&MonitorSpec::default(), &p);
    assert!(n > 100, "{n} notes: the panel should give many");
}

#[test]
fn the_same_with_the_progress_form_and_carried_annual_values() {
    let p = panel(7);
    let spec = MonitorSpec {
        form: AchievementForm::Progress,
        annual_missing: AnnualMissing::CarryForward,
        zero_target: ZeroTarget::Progress,
        ..MonitorSpec::default()
    };
    let n = check(&spec, &p);
    assert!(n > 50, "{n} notes");
}

/// The pulling-down list (top k by shortfall, picked then sorted) equals the definition:
/// every indicator with a positive shortfall w·(1 − a), largest first, ties by id, cut
/// at k — checked with many ties (scores on a coarse grid) and every k.
#[test]
fn pulling_down_is_the_top_k_of_the_full_order() {
    let fw = builtin::quzhou();
    let n = fw.indicators.len();
    for seed in 0..6usize {
        let scores: Vec<f64> = (0..n)
            .map(|j| {
                let h = (j * 7 + seed * 13) % 5;
                if h == 4 && seed % 2 == 0 {
                    f64::NAN
                } else {
                    h as f64 / 4.0
                }
            })
            .collect();
        for k in [0, 1, 2, 5, 17, n, n + 3] {
            let ua = aggregate(fw, "u", 2023, &scores, k).unwrap();
            let w = &ua.weights_used;
            let mut all: Vec<usize> = (0..n)
                .filter(|&j| w[j] > 0.0 && w[j] * (1.0 - scores[j]) > 0.0)
                .collect();
            // a stable sort by the definition
            all.sort_by(|&a, &b| {
                let (sa, sb) = (w[a] * (1.0 - scores[a]), w[b] * (1.0 - scores[b]));
                sb.total_cmp(&sa)
                    .then_with(|| fw.indicators[a].id.cmp(&fw.indicators[b].id))
            });
            all.truncate(k);
            let got: Vec<&str> = ua
                .pulling_down
                .iter()
                .map(|s| s.indicator.as_str())
                .collect();
            let want: Vec<&str> = all.iter().map(|&j| fw.indicators[j].id.as_str()).collect();
            assert_eq!(got, want, "seed {seed}, k {k}");
        }
    }
}
