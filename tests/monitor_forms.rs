//! The plan's target forms (issue 17) and the aggregation conventions, each against
//! numbers worked out by hand from the definitions in `docs/monitoring.md`: "about"
//! targets (左右), multiples of the unit's own baseline (倍增, 十年倍增), period-average
//! growth against a reference (年均增幅高于全省平均1个百分点), zero targets (清零), the
//! minimum indicator coverage and the like-for-like year-on-year comparison.

use cpindex::data::Panel;
use cpindex::model::{Framework, Indicator};
use cpindex::monitor::*;

fn ind(json_extra: &str, polarity: &str, kind: &str) -> Indicator {
    serde_json::from_str(&format!(
        r#"{{"id":"x","dimension":"d","name_zh":"x","name_en":"x","unit":{{"label":"u"}},
            "polarity":{{"type":"{polarity}"}},"kind":"{kind}"{json_extra}}}"#
    ))
    .unwrap()
}

const YEARS: [i32; 6] = [2020, 2021, 2022, 2023, 2024, 2025];

fn run_spec(
    i: &Indicator,
    values: &[f64],
    reference: Option<&[f64]>,
    spec: &MonitorSpec,
) -> Vec<IndicatorAchievement> {
    let mut w = Vec::new();
    achieve_series(
        i,
        SeriesInput {
            unit: "u1",
            periods: &YEARS[..values.len()],
            values,
            reference,
            base_year: 2020,
            framework_target_year: 2025,
        },
        spec,
        &mut w,
    )
    .unwrap()
}

fn run(i: &Indicator, values: &[f64]) -> Vec<IndicatorAchievement> {
    run_spec(i, values, None, &MonitorSpec::default())
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

/// A one-dimension framework around the given indicators (JSON objects).
fn framework(indicators: &str) -> Result<Framework, cpindex::Error> {
    Framework::from_json(&format!(
        r#"{{"id":"t","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{{"id":"d","name_zh":"d","name_en":"d"}}],
        "indicators":[{indicators}]}}"#
    ))
}

fn field_of(e: cpindex::Error) -> String {
    e.to_string()
}

// ---------------------------------------------------------------- about (左右)

#[test]
fn about_target_band() {
    // 市区人口100万人左右 with a ±5 band: met inside [95, 105]. Baseline 80.
    let i = ind(
        r#","target":100,"target_form":{"type":"about","tolerance":5}"#,
        "higher_is_better",
        "level",
    );
    let r = run(&i, &[80.0, 90.0, 100.0, 110.0]);
    // 2021: 90 below the band → "at least 95": ratio 90/95 = 0.947368;
    // progress (90 − 80)/(95 − 80) = 10/15 = 0.6667; not met.
    assert_eq!(r[1].band, Some([95.0, 105.0]));
    assert_eq!(r[1].met, Some(false));
    close(r[1].ratio.unwrap(), 90.0 / 95.0);
    close(r[1].score.unwrap(), 90.0 / 95.0);
    close(r[1].progress.unwrap(), 10.0 / 15.0);
    // schedule: E = 0.2, P = 0.667 ≥ 0.2 + 0.05 → ahead
    assert_eq!(schedule_check(&r[1], 0.05).status, ScheduleStatus::Ahead);
    // 2022: 100 inside → met, score 1
    assert_eq!((r[2].met, r[2].score), (Some(true), Some(1.0)));
    // 2023: 110 overshoots → "at most 105": 105/110 = 0.954545, not met, no progress share
    assert_eq!(r[3].met, Some(false));
    close(r[3].score.unwrap(), 105.0 / 110.0);
    assert_eq!(r[3].progress, None);
    assert!(r[3].notes.iter().any(|n| n.contains("overshot")));
    assert_eq!(schedule_check(&r[3], 0.05).status, ScheduleStatus::Lagging);
    // with "at least 100" (threshold) the same 110 would be met: the form matters
    let t = ind(r#","target":100"#, "higher_is_better", "level");
    assert_eq!(run(&t, &[80.0, 110.0])[1].met, Some(true));

    // baseline inside the band (98): maintenance; 104 met, 108 → 105/108 = 0.972222
    let r = run(&i, &[98.0, 104.0, 108.0]);
    assert_eq!(r[1].score, Some(1.0));
    assert_eq!(r[2].met, Some(false));
    close(r[2].score.unwrap(), 105.0 / 108.0);

    // trend from 80 (2020) to 90 (2021) towards the lower edge 95:
    // CAGR_obs = 90/80 − 1 = 0.125; CAGR_req = (95/80)^{1/5} − 1 = 0.0349675;
    // R = 3.5747 → on track
    let v = [80.0, 90.0];
    let r = run(&i, &v);
    let tr = assess_trend(
        &i,
        "u1",
        &YEARS[..2],
        &v,
        2020,
        2025,
        2021,
        Some(&r[1]),
        &TrendThresholds::default(),
    );
    assert_eq!(tr.category, TrendCategory::OnTrack);
    close(
        tr.ratio.unwrap(),
        0.125 / ((95.0f64 / 80.0).powf(0.2) - 1.0),
    );
}

#[test]
fn about_target_validation() {
    let ok = r#"{"id":"p","dimension":"d","name_zh":"p","name_en":"p","unit":{"label":"万人"},
        "polarity":{"type":"higher_is_better"},"kind":"level","target":100,
        "target_form":{"type":"about","tolerance":5}}"#;
    framework(ok).unwrap();
    let e = field_of(framework(&ok.replace("\"tolerance\":5", "\"tolerance\":0")).unwrap_err());
    assert!(e.contains("target_form.tolerance"), "{e}");
    let e = field_of(framework(&ok.replace("\"level\"", "\"cumulative\"")).unwrap_err());
    assert!(e.contains("target_form"), "{e}");
}

// ---------------------------------------------------------------- multiples of the baseline

#[test]
fn baseline_multiple_doubling() {
    // 光伏装机容量实现倍增: k = 2 by 2025; the unit's 2020 capacity 50 → T = 100.
    let i = ind(
        r#","target_form":{"type":"baseline_multiple","multiple":2}"#,
        "higher_is_better",
        "level",
    );
    let r = run(&i, &[50.0, 60.0, 70.0, 80.0]);
    let y = &r[3];
    assert_eq!(y.target, Some(100.0));
    let h = y.horizon.unwrap();
    assert_eq!((h.multiple, h.year, h.value), (2.0, 2025, 100.0));
    // 2023: ratio 80/100 = 0.8; progress (80 − 50)/(100 − 50) = 0.6 = E → on schedule
    close(y.score.unwrap(), 0.8);
    close(y.progress.unwrap(), 0.6);
    assert_eq!(schedule_check(y, 0.05).status, ScheduleStatus::OnSchedule);
    // a second unit with its own baseline 10 → T = 20
    let r = run(&i, &[10.0, 20.0]);
    assert_eq!((r[1].target, r[1].met), (Some(20.0), Some(true)));
    // no positive baseline: no target, no score
    let r = run(&i, &[0.0, 5.0]);
    assert_eq!((r[1].target, r[1].score), (None, None));
}

#[test]
fn baseline_multiple_past_the_plan_horizon() {
    // 居民收入十年倍增: k = 2 by 2030 in a 2020–2025 plan. Scored against the compound
    // path at 2025: T = x₀·2^{(2025−2020)/(2030−2020)} = 4·√2 = 5.656854.
    let i = ind(
        r#","target_form":{"type":"baseline_multiple","multiple":2,"horizon_year":2030}"#,
        "higher_is_better",
        "level",
    );
    let v = [4.0, 4.3, 4.6];
    let r = run(&i, &v);
    let y = &r[2];
    close(y.target.unwrap(), 4.0 * 2f64.sqrt());
    let h = y.horizon.unwrap();
    assert_eq!((h.year, h.value), (2030, 8.0));
    // ratio 4.6/5.656854 = 0.813173; progress 0.6/1.656854 = 0.362132
    close(y.ratio.unwrap(), 0.8131727983645295);
    close(y.progress.unwrap(), 0.36213203435596414);
    // trend: CAGR_obs = (4.6/4)^{1/2} − 1 = 0.0723805; CAGR_req = (√2)^{1/5} − 1 =
    // 2^{0.1} − 1 = 0.0717735 (the doubling-in-ten-years rate); R = 1.008458 → on track
    let tr = assess_trend(
        &i,
        "u1",
        &YEARS[..3],
        &v,
        2020,
        2025,
        2022,
        Some(y),
        &TrendThresholds::default(),
    );
    close(tr.ratio.unwrap(), 1.008458097444592);
    assert_eq!(tr.category, TrendCategory::OnTrack);
    // the pure function
    close(
        baseline_multiple_target(4.0, 2020, 2.0, 2025, 2030).unwrap(),
        4.0 * 2f64.sqrt(),
    );
    assert_eq!(baseline_multiple_target(-1.0, 2020, 2.0, 2025, 2030), None);
}

#[test]
fn baseline_multiple_validation() {
    let ok = r#"{"id":"pv","dimension":"d","name_zh":"p","name_en":"p","unit":{"label":"MW"},
        "polarity":{"type":"higher_is_better"},"kind":"level",
        "target_form":{"type":"baseline_multiple","multiple":2,"horizon_year":2030}}"#;
    framework(ok).unwrap();
    // a target beside the multiple is ambiguous
    let e = field_of(
        framework(&ok.replace("\"kind\":\"level\"", "\"kind\":\"level\",\"target\":2"))
            .unwrap_err(),
    );
    assert!(e.contains("target"), "{e}");
    // halving is not progress for a higher-is-better indicator
    let e = field_of(framework(&ok.replace("\"multiple\":2", "\"multiple\":0.5")).unwrap_err());
    assert!(e.contains("target_form.multiple"), "{e}");
    let e = field_of(framework(&ok.replace("\"level\"", "\"growth_rate\"")).unwrap_err());
    assert!(e.contains("target_form"), "{e}");
    let e = field_of(framework(&ok.replace("2030", "2024")).unwrap_err());
    assert!(e.contains("horizon_year"), "{e}");
}

// ---------------------------------------------------------------- period-average growth

#[test]
fn period_average_growth_against_the_province() {
    // 年均增幅高于全省平均1个百分点: own rates 12%, 5%; provincial 8%, 5%; margin 1.
    let rel = |basis: &str| {
        ind(
            &format!(
                r#","relative_target":{{"relation":"not_below","margin":1,{basis}
                   "reference":{{"type":"series","unit":"zhejiang","indicator":"x"}}}}"#
            ),
            "higher_is_better",
            "growth_rate",
        )
    };
    let own = [f64::NAN, 12.0, 5.0];
    let prov = [f64::NAN, 8.0, 5.0];
    // period average, 2022: own 100·(√(1.12·1.05) − 1) = 8.443534; province
    // 100·(√(1.08·1.05) − 1) = 6.489436; 8.443534 ≥ 6.489436 + 1 → met, gap 0.954098.
    let i = rel(r#""basis":"period_average","#);
    let r = run_spec(&i, &own, Some(&prov), &MonitorSpec::default());
    let a = r[2].relative.as_ref().unwrap();
    close(a.value, 8.44353369380768);
    close(a.reference, 6.4894360957930886);
    close(a.gap, 8.44353369380768 - 7.4894360957930886);
    assert!(a.met);
    assert_eq!(r[2].score, Some(1.0));
    // 2021 (one year): 12 ≥ 8 + 1 → met
    assert!(r[1].relative.as_ref().unwrap().met);
    // the single-year reading of 2022 compares 5 with 5 + 1 → not met
    let i1 = rel("");
    let r1 = run_spec(&i1, &own, Some(&prov), &MonitorSpec::default());
    assert!(!r1[2].relative.as_ref().unwrap().met);
    assert_eq!(r1[2].score, Some(0.0));
    // levels give the same averages: 100 → 112 → 117.6 and 200 → 216 → 226.8
    // (117.6/100 = 1.176 = 1.12·1.05; 226.8/200 = 1.134 = 1.08·1.05)
    let spec = MonitorSpec {
        growth_input: GrowthInput::Level,
        ..MonitorSpec::default()
    };
    let r = run_spec(
        &i,
        &[100.0, 112.0, 117.6],
        Some(&[200.0, 216.0, 226.8]),
        &spec,
    );
    let a = r[2].relative.as_ref().unwrap();
    close(a.value, 8.44353369380768);
    close(a.reference, 6.4894360957930886);
    // a missing provincial year leaves the average undefined (no relation assessed)
    let r = run_spec(
        &i,
        &own,
        Some(&[f64::NAN, f64::NAN, 5.0]),
        &MonitorSpec::default(),
    );
    assert!(r[2].relative.is_none());
    // only growth-rate indicators against a series
    let bad = r#"{"id":"s","dimension":"d","name_zh":"s","name_en":"s","unit":{"label":"%"},
        "polarity":{"type":"higher_is_better"},"kind":"share",
        "relative_target":{"relation":"above","basis":"period_average","reference":{"type":"previous_year"}}}"#;
    let e = field_of(framework(bad).unwrap_err());
    assert!(e.contains("relative_target.basis"), "{e}");
}

// ---------------------------------------------------------------- zero targets

#[test]
fn zero_target_progress_credit() {
    // 零就业家庭动态清零: lower is better, T = 0. 5 → 4 → 3 families.
    let i = ind(r#","target":0"#, "lower_is_better", "count");
    let v = [5.0, 4.0, 3.0, 0.0];
    let r = run(&i, &v);
    // default: progress (3 − 5)/(0 − 5) = 0.4 under the ratio form
    close(r[2].score.unwrap(), 0.4);
    assert!(r[2].notes.iter().any(|n| n.contains("zero target")));
    close(r[1].score.unwrap(), 0.2); // (4 − 5)/(0 − 5)
    assert_eq!((r[3].score, r[3].met), (Some(1.0), Some(true)));
    // the ratio rule: 0 until cleared
    let spec = MonitorSpec {
        zero_target: ZeroTarget::Ratio,
        ..MonitorSpec::default()
    };
    let r = run_spec(&i, &v, None, &spec);
    assert_eq!((r[2].score, r[3].score), (Some(0.0), Some(1.0)));
    // a zero baseline (target = baseline): the ratio rule, 1 → 0
    let r = run(&i, &[0.0, 1.0]);
    assert_eq!(r[1].score, Some(0.0));
}

// ---------------------------------------------------------------- coverage, like for like

fn level_indicators(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| {
            format!(
                r#"{{"id":"{id}","dimension":"d","name_zh":"{id}","name_en":"{id}","unit":{{"label":"u"}},
                "polarity":{{"type":"higher_is_better"}},"kind":"level","target":100}}"#
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn panel(ids: &[&str], years: &[i32], rows: &[&[f64]]) -> Panel {
    let mut p = Panel::new(
        vec!["c".into()],
        years.to_vec(),
        ids.iter().map(|s| s.to_string()).collect(),
    )
    .unwrap();
    for (k, &y) in years.iter().enumerate() {
        for (j, id) in ids.iter().enumerate() {
            p.set_by_id("c", y, id, rows[k][j]).unwrap();
        }
    }
    p
}

#[test]
fn minimum_indicator_coverage() {
    // five equally weighted level indicators (T = 100); values = 100 × score.
    let ids = ["a", "b", "i3", "i4", "i5"];
    let fw = framework(&level_indicators(&ids)).unwrap();
    let n = f64::NAN;
    // 2020: 4 of 5 (80% ≥ 80%) → published, mean of 50, 60, 70, 80 = 0.65
    // 2021: 3 of 5 (60% < 80%) → withheld, with the reason
    let p = panel(
        &ids,
        &[2020, 2021],
        &[&[50.0, 60.0, 70.0, 80.0, n], &[50.0, 60.0, 70.0, n, n]],
    );
    let r = monitor(&fw, &p, &MonitorSpec::default()).unwrap();
    let u0 = r.unit_achievement("c", 2020).unwrap();
    close(u0.overall.unwrap(), 0.65);
    close(u0.indicator_coverage, 0.8);
    assert_eq!(u0.withheld, None);
    let u1 = r.unit_achievement("c", 2021).unwrap();
    assert_eq!(u1.overall, None);
    close(u1.indicator_coverage, 0.6);
    assert!(
        u1.withheld.as_ref().unwrap().contains("60.0%"),
        "{:?}",
        u1.withheld
    );
    // the dimension score stays: (50 + 60 + 70)/300 = 0.6
    close(u1.dimensions[0].score.unwrap(), 0.6);
    // min 0 publishes whatever is there
    let spec = MonitorSpec {
        min_indicator_coverage: 0.0,
        ..MonitorSpec::default()
    };
    let r = monitor(&fw, &p, &spec).unwrap();
    close(r.unit_achievement("c", 2021).unwrap().overall.unwrap(), 0.6);
    assert!(MonitorSpec::from_json(r#"{"min_indicator_coverage":1.5}"#).is_err());
}

#[test]
fn like_for_like_change() {
    // a and b equally weighted. 2020: a = 50, b missing; 2021: a = 70, b = 100.
    // Re-normalised: 0.50 → (0.7 + 1.0)/2 = 0.85, change 0.35 — half of it is b
    // entering. Like for like (only a in both): 0.5 → 0.7, change 0.2.
    let ids = ["a", "b"];
    let fw = framework(&level_indicators(&ids)).unwrap();
    let p = panel(&ids, &[2020, 2021], &[&[50.0, f64::NAN], &[70.0, 100.0]]);
    let spec = MonitorSpec {
        min_indicator_coverage: 0.0,
        ..MonitorSpec::default()
    };
    let r = monitor(&fw, &p, &spec).unwrap();
    assert!(r
        .unit_achievement("c", 2020)
        .unwrap()
        .like_for_like
        .is_none());
    let l = r
        .unit_achievement("c", 2021)
        .unwrap()
        .like_for_like
        .clone()
        .unwrap();
    assert_eq!((l.previous_year, l.n_common), (2020, 1));
    close(l.previous, 0.5);
    close(l.current, 0.7);
    close(l.change, 0.2);
    close(l.renormalised_change.unwrap(), 0.35);
}
