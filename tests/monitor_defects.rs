//! The three monitoring defects of issue 17, each against numbers worked out by hand from
//! the definitions in `docs/monitoring.md`: growth targets and their polarity, annual
//! targets in a year without data, and the schedule band edges.

use cpindex::data::Panel;
use cpindex::model::{Framework, Indicator};
use cpindex::monitor::*;

fn ind(id: &str, polarity: &str, kind: &str, target: f64) -> Indicator {
    serde_json::from_str(&format!(
        r#"{{"id":"{id}","dimension":"d","name_zh":"x","name_en":"x","unit":{{"label":"u"}},
            "polarity":{{"type":"{polarity}"}},"kind":"{kind}","target":{target}}}"#
    ))
    .unwrap()
}

const YEARS: [i32; 6] = [2020, 2021, 2022, 2023, 2024, 2025];

fn run_w(
    i: &Indicator,
    values: &[f64],
    spec: &MonitorSpec,
) -> (Vec<IndicatorAchievement>, Vec<String>) {
    let mut w = Vec::new();
    let r = achieve_series(
        i,
        SeriesInput {
            unit: "u1",
            periods: &YEARS[..values.len()],
            values,
            reference: None,
            base_year: 2020,
            framework_target_year: 2025,
        },
        spec,
        &mut w,
    )
    .unwrap();
    (r, w)
}

fn run(i: &Indicator, values: &[f64]) -> Vec<IndicatorAchievement> {
    run_w(i, values, &MonitorSpec::default()).0
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

fn trend(i: &Indicator, values: &[f64], rec: &IndicatorAchievement) -> TrendAssessment {
    assert!(rec.year > 2020);
    assess_trend(
        i,
        "u1",
        &YEARS[..values.len()],
        values,
        2020,
        2025,
        rec.year,
        Some(rec),
        &TrendThresholds::default(),
    )
}

// ---------------------------------------------------------------- defect 1: growth polarity

#[test]
fn growth_ceiling_lower_is_better() {
    // 涨幅控制在3%以内: a price index whose yearly rise must stay ≤ 3% (lower is better,
    // T = 3). Annual rates (the default input) 4% then 5%.
    let i = ind("cpi", "lower_is_better", "growth_rate", 3.0);
    let v = [f64::NAN, 4.0, 5.0];
    let r = run(&i, &v);
    // 2021: g = 4 > 3 → not met; ratio T/g = 3/4 = 0.75 = score.
    assert_eq!(r[1].met, Some(false));
    close(r[1].ratio.unwrap(), 0.75);
    close(r[1].score.unwrap(), 0.75);
    // 2022: g = 100·(√(1.04·1.05) − 1) = 100·(√1.092 − 1) = 4.4988038…;
    // ratio = 3/4.4988038 = 0.6668439…, not met. (Scored as higher-is-better it was
    // 4.4988/3 = 1.4996, "met".)
    close(r[2].measured.unwrap(), 4.498803820905062);
    close(r[2].ratio.unwrap(), 0.6668439255029496);
    assert_eq!(r[2].met, Some(false));
    // schedule: a rate target compares the ratio with 1: 0.667 < 1 − 0.05 → lagging
    assert_eq!(schedule_check(&r[2], 0.05).status, ScheduleStatus::Lagging);
    // trend: R = 0.6668 ∈ [0.60, 0.95) → acceleration needed;
    // score = lerp(0.6668; 0.6 ↦ 0, 1.3 ↦ 5) = 5·0.0668439/0.7 = 0.477456…
    let t = trend(&i, &v, &r[2]);
    assert_eq!(t.category, TrendCategory::AccelerationNeeded);
    close(t.ratio.unwrap(), 0.6668439255029496);
    close(t.score.unwrap(), 5.0 * (0.6668439255029496 - 0.6) / 0.7);

    // rises of 2% then 4%: g = 100·(√(1.02·1.04) − 1) = 2.9951455… ≤ 3 → met, ratio
    // 3/2.9951455 = 1.0016208…, score 1.
    let r = run(&i, &[f64::NAN, 2.0, 4.0]);
    assert_eq!(r[2].met, Some(true));
    close(r[2].ratio.unwrap(), 3.0 / 2.9951455166698615);
    assert_eq!(r[2].score, Some(1.0));
    // a fall (g = −1 ≤ 3) is met; T/g is undefined for g ≤ 0 and the score is 1 by rule
    let r = run(&i, &[f64::NAN, -1.0]);
    assert_eq!(
        (r[1].met, r[1].ratio, r[1].score),
        (Some(true), None, Some(1.0))
    );
}

#[test]
fn growth_ceiling_leaves_the_dynamic_index() {
    // a ceiling (lower is better, T = 3) has no baseline → target path: excluded, with the
    // reason; a higher-is-better 3% target is rescaled: 2021 rate 3% → index 1.03 against
    // 1 → 1.03^5 = 1.159274; r = 100 + 30·0.03/0.159274 = 105.6506
    let c = ind("cpi", "lower_is_better", "growth_rate", 3.0);
    let v = [f64::NAN, 3.0];
    let (r, note) = rescaled_series(
        &c,
        &YEARS[..2],
        &v,
        2020,
        2025,
        GrowthInput::AnnualRate,
        true,
    );
    assert!(r.iter().all(|x| x.is_nan()));
    assert!(note.unwrap().contains("ceiling"));
    let h = ind("inc", "higher_is_better", "growth_rate", 3.0);
    let (r, note) = rescaled_series(
        &h,
        &YEARS[..2],
        &v,
        2020,
        2025,
        GrowthInput::AnnualRate,
        true,
    );
    assert_eq!(note, None);
    assert_eq!(r[0], 100.0);
    close(r[1], 100.0 + 30.0 * 0.03 / (1.03f64.powi(5) - 1.0));
}

#[test]
fn growth_required_fall_lower_is_better() {
    // 能耗强度年均下降3%: growth ≤ −3 (lower is better, T = −3); ratio = g/T, the fall
    // achieved over the fall required.
    let i = ind("energy", "lower_is_better", "growth_rate", -3.0);
    // g = −2: 2/3 of the required fall, not met, score 0.666…
    let r = run(&i, &[f64::NAN, -2.0]);
    assert_eq!(r[1].met, Some(false));
    close(r[1].score.unwrap(), 2.0 / 3.0);
    // g = −4: met, ratio 4/3, score 1
    let r = run(&i, &[f64::NAN, -4.0]);
    assert_eq!(r[1].met, Some(true));
    close(r[1].ratio.unwrap(), 4.0 / 3.0);
    assert_eq!(r[1].score, Some(1.0));
    // a rise of 1%: ratio −1/3, score 0; trend R = −1/3 < 0 → deterioration
    let v = [f64::NAN, 1.0];
    let r = run(&i, &v);
    close(r[1].ratio.unwrap(), -1.0 / 3.0);
    assert_eq!(r[1].score, Some(0.0));
    assert_eq!(trend(&i, &v, &r[1]).category, TrendCategory::Deterioration);
}

#[test]
fn growth_higher_is_better_unchanged() {
    // 年均增长3%以上 with the same data as the ceiling test: 4%, 5%
    // 2022: g = 4.4988038 ≥ 3 → met, ratio 4.4988038/3 = 1.4996013, score 1.
    let i = ind("inc", "higher_is_better", "growth_rate", 3.0);
    let v = [f64::NAN, 4.0, 5.0];
    let r = run(&i, &v);
    assert_eq!(r[2].met, Some(true));
    close(r[2].ratio.unwrap(), 4.498803820905062 / 3.0);
    assert_eq!(r[2].score, Some(1.0));
    // trend before the target year: R = 1.4996 ≥ 0.95 → on track
    assert_eq!(trend(&i, &v, &r[2]).category, TrendCategory::OnTrack);
    // 2%: ratio 2/3, not met
    let r = run(&i, &[f64::NAN, 2.0]);
    assert_eq!(r[1].met, Some(false));
    close(r[1].score.unwrap(), 2.0 / 3.0);
}

#[test]
fn growth_ratio_rules() {
    // the pure function, both polarities
    let g = growth_ratio(6.0, 3.0, true); // 6/3 = 2, met
    assert_eq!((g.ratio, g.capped, g.met), (Some(2.0), 1.0, true));
    let g = growth_ratio(6.0, 3.0, false); // 3/6 = 0.5, not met
    assert_eq!((g.ratio, g.capped, g.met), (Some(0.5), 0.5, false));
    let g = growth_ratio(-1.0, 0.0, false); // no rise allowed; a fall is met
    assert_eq!((g.ratio, g.capped, g.met), (None, 1.0, true));
    let g = growth_ratio(0.5, 0.0, false); // a rise is not
    assert_eq!((g.ratio, g.capped, g.met), (None, 0.0, false));
    let g = growth_ratio(-1.0, -2.0, true); // "fall no more than 2%": −1 ≥ −2 met
    assert_eq!((g.ratio, g.capped, g.met), (None, 1.0, true));
}

// ---------------------------------------------------------------- defect 2: annual, no data

#[test]
fn annual_missing_year_is_no_data_by_default() {
    // 每年 50,000: 2021 52,000 (met), 2022 missing.
    let i = ind("train", "higher_is_better", "annual", 50000.0);
    let (r, w) = run_w(&i, &[45000.0, 52000.0, f64::NAN], &MonitorSpec::default());
    let y = &r[2];
    assert_eq!((y.measured, y.score, y.met), (None, None, None));
    assert!(
        y.notes.iter().any(|n| n.contains("no data in 2022")),
        "{:?}",
        y.notes
    );
    // the years so far are still counted: 1 of 1 observed years met
    assert_eq!((y.years_met, y.years_observed), (Some(1), Some(1)));
    assert_eq!(
        schedule_check(y, 0.05).status,
        ScheduleStatus::NotAssessable
    );
    assert!(w.is_empty());
    // carry-forward only when the spec says so, and reported
    let spec = MonitorSpec {
        annual_missing: AnnualMissing::CarryForward,
        ..MonitorSpec::default()
    };
    let (r, w) = run_w(&i, &[45000.0, 52000.0, f64::NAN], &spec);
    // 52,000/50,000 = 1.04 → score 1, met
    close(r[2].ratio.unwrap(), 1.04);
    assert_eq!((r[2].score, r[2].met), (Some(1.0), Some(true)));
    assert!(r[2]
        .notes
        .iter()
        .any(|n| n.contains("2021 carried forward")));
    assert_eq!(w.len(), 1);
    assert!(w[0].contains("carried forward"), "{w:?}");
    // JSON spelling of the option
    let s = MonitorSpec::from_json(r#"{"annual_missing":"carry_forward"}"#).unwrap();
    assert_eq!(s.annual_missing, AnnualMissing::CarryForward);
}

#[test]
fn annual_missing_year_leaves_the_aggregate() {
    // two indicators, equal weights: an annual target (每年 ≥ 10) and a level (T = 100).
    // 2022: annual missing, level 80 → score 0.8. No carry-forward: the aggregate is the
    // level alone, 0.8, re-normalised, with the annual indicator listed as missing.
    // (Carried forward, 2021's 12 ≥ 10 would score 1 and the aggregate would be
    // (1 + 0.8)/2 = 0.9.)
    let fw = Framework::from_json(
        r#"{"id":"t","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{"id":"d","name_zh":"d","name_en":"d"}],
        "indicators":[
         {"id":"a","dimension":"d","name_zh":"a","name_en":"a","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"annual","target":10},
         {"id":"l","dimension":"d","name_zh":"l","name_en":"l","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":100}]}"#,
    )
    .unwrap();
    let mut p = Panel::new(
        vec!["c".into()],
        vec![2020, 2021, 2022],
        vec!["a".into(), "l".into()],
    )
    .unwrap();
    for (y, a, l) in [
        (2020, 9.0, 60.0),
        (2021, 12.0, 70.0),
        (2022, f64::NAN, 80.0),
    ] {
        p.set_by_id("c", y, "a", a).unwrap();
        p.set_by_id("c", y, "l", l).unwrap();
    }
    // (one indicator of two is 50% coverage: the SDSN minimum of 80% is turned off here)
    let base = MonitorSpec {
        min_indicator_coverage: 0.0,
        ..MonitorSpec::default()
    };
    let r = monitor(&fw, &p, &base).unwrap();
    let u = r.unit_achievement("c", 2022).unwrap();
    close(u.overall.unwrap(), 0.8);
    assert_eq!(u.missing_indicators, vec!["a".to_string()]);
    let spec = MonitorSpec {
        annual_missing: AnnualMissing::CarryForward,
        ..base
    };
    let r = monitor(&fw, &p, &spec).unwrap();
    close(r.unit_achievement("c", 2022).unwrap().overall.unwrap(), 0.9);
    assert!(r.warnings.iter().any(|w| w.contains("carried forward")));
}

// ---------------------------------------------------------------- defect 3: band edges

#[test]
fn schedule_band_edges() {
    // 时间过半、任务过半 with τ = 0.05 at E = 0.40 (2022 of 2020→2025): the bands are
    // ahead ≥ 0.45, on schedule ≥ 0.35, lagging below. In binary floating point
    // 0.40 − 0.05 = 0.35000000000000003 and 0.40 + 0.05 = 0.45000000000000007, so the
    // round shares sat on the wrong side of the edges before the slack.
    let e = 0.4;
    assert_eq!(
        schedule_status(0.35, e, false, 0.05, false),
        ScheduleStatus::OnSchedule
    );
    assert_eq!(
        schedule_status(0.45, e, false, 0.05, false),
        ScheduleStatus::Ahead
    );
    // just inside / outside by more than the slack
    assert_eq!(
        schedule_status(0.3499, e, false, 0.05, false),
        ScheduleStatus::Lagging
    );
    assert_eq!(
        schedule_status(0.4499, e, false, 0.05, false),
        ScheduleStatus::OnSchedule
    );
    // E = 0.6 (2023), τ = 0.1: edges 0.5 and 0.7 (both exact in binary here)
    assert_eq!(
        schedule_status(0.5, 0.6, false, 0.1, false),
        ScheduleStatus::OnSchedule
    );
    assert_eq!(
        schedule_status(0.7, 0.6, false, 0.1, false),
        ScheduleStatus::Ahead
    );
    // zero slack: the raw comparison, which puts 0.35 in "lagging"
    assert_eq!(
        schedule_status_with(0.35, e, false, 0.05, 0.0, false),
        ScheduleStatus::Lagging
    );
}

#[test]
fn schedule_band_edge_from_data() {
    // level target 2.1 from a 2020 baseline 1.1; 2022 value 1.45:
    // P = (1.45 − 1.1)/(2.1 − 1.1) = 0.35 (computed as 0.34999999999999987),
    // E = 2/5 = 0.4, τ = 0.05: exactly on the lower edge → on schedule.
    let i = ind("x", "higher_is_better", "level", 2.1);
    let r = run(&i, &[1.1, 1.3, 1.45]);
    close(r[2].progress.unwrap(), 0.35);
    close(r[2].elapsed_share, 0.4);
    assert_eq!(
        schedule_check(&r[2], 0.05).status,
        ScheduleStatus::OnSchedule
    );
    assert_eq!(
        schedule_check_with(&r[2], 0.05, 0.0).status,
        ScheduleStatus::Lagging
    );
    // a spec slack outside [0, 0.001] is refused, naming the field
    let e = MonitorSpec::from_json(r#"{"schedule_epsilon":0.01}"#).unwrap_err();
    assert!(e.to_string().contains("schedule_epsilon"), "{e}");
}
