//! Achievement rules, one hand-computed case each (arithmetic in the comments).

use cpindex::model::Indicator;
use cpindex::monitor::*;
use cpindex::Error;

fn ind(json: &str) -> Indicator {
    serde_json::from_str(json).unwrap()
}

fn level(id: &str, polarity: &str, kind: &str, target: f64) -> Indicator {
    ind(&format!(
        r#"{{"id":"{id}","dimension":"d","name_zh":"x","name_en":"x","unit":{{"label":"u"}},
            "polarity":{{"type":"{polarity}"}},"kind":"{kind}","target":{target}}}"#
    ))
}

const YEARS: [i32; 6] = [2020, 2021, 2022, 2023, 2024, 2025];

fn run(i: &Indicator, values: &[f64], spec: &MonitorSpec) -> Vec<IndicatorAchievement> {
    run_ref(i, values, None, spec).0
}

fn run_ref(
    i: &Indicator,
    values: &[f64],
    reference: Option<&[f64]>,
    spec: &MonitorSpec,
) -> (Vec<IndicatorAchievement>, Vec<String>) {
    let mut w = Vec::new();
    let r = achieve_series(
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
    .unwrap();
    (r, w)
}

/// Growth-rate indicators given as the level series they refer to (the default is yearly
/// rates, as bulletins publish them).
fn level_spec() -> MonitorSpec {
    MonitorSpec {
        growth_input: GrowthInput::Level,
        ..MonitorSpec::default()
    }
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

#[test]
fn ratio_form_rules() {
    // higher: 2000/2500 = 0.8; 3000/2500 = 1.2 uncapped, 1 capped
    assert_eq!(ratio_form(2000.0, 2500.0, true).capped, Some(0.8));
    let r = ratio_form(3000.0, 2500.0, true);
    assert_eq!((r.uncapped, r.capped), (Some(1.2), Some(1.0)));
    // higher, target ≤ 0: undefined
    assert_eq!(ratio_form(3.0, 0.0, true).capped, None);
    // higher, negative x: −1/4 uncapped, 0 capped
    assert_eq!(ratio_form(-1.0, 4.0, true).capped, Some(0.0));
    // lower: 1.8/2.0 = 0.9; 1.8/1.5 = 1.2 → capped 1
    close(ratio_form(2.0, 1.8, false).capped.unwrap(), 0.9);
    let r = ratio_form(1.5, 1.8, false);
    close(r.uncapped.unwrap(), 1.2);
    assert_eq!(r.capped, Some(1.0));
    // lower, x = 0 below a positive target: met, uncapped undefined
    let r = ratio_form(0.0, 26.0, false);
    assert_eq!((r.uncapped, r.capped), (None, Some(1.0)));
    // lower, target 0 (清零): 0 → 1, 3 → 0
    assert_eq!(ratio_form(0.0, 0.0, false).capped, Some(1.0));
    assert_eq!(ratio_form(3.0, 0.0, false).capped, Some(0.0));
    // lower, negative target: undefined; NaN: undefined
    assert_eq!(ratio_form(3.0, -1.0, false).capped, None);
    assert_eq!(ratio_form(f64::NAN, 1.0, true).capped, None);
}

#[test]
fn progress_form_cases() {
    // lower-is-better 1.95 → 1.8, at 1.86: (1.86−1.95)/(1.8−1.95) = −0.09/−0.15 = 0.6
    let (c, p, s) = progress_form(1.86, 1.95, 1.8, false, None);
    assert_eq!(c, ProgressCase::Regular);
    close(p.unwrap(), 0.6);
    close(s.unwrap(), 0.6);
    // moved the wrong way: 2.0 → (0.05)/(−0.15) = −1/3, score 0
    let (_, p, s) = progress_form(2.0, 1.95, 1.8, false, None);
    close(p.unwrap(), -1.0 / 3.0);
    assert_eq!(s, Some(0.0));
    // target equals baseline: met → 1, not met → 0
    assert_eq!(
        progress_form(25.0, 26.0, 26.0, false, None),
        (ProgressCase::TargetEqualsBaseline, None, Some(1.0))
    );
    assert_eq!(progress_form(27.0, 26.0, 26.0, false, None).2, Some(0.0));
    // baseline beyond target (higher, x0 = 10, T = 8): x = 9 met → 1; x = 7 → ratio 7/8
    assert_eq!(
        progress_form(9.0, 10.0, 8.0, true, Some(1.0)),
        (ProgressCase::BaselineBeyondTarget, None, Some(1.0))
    );
    assert_eq!(
        progress_form(7.0, 10.0, 8.0, true, Some(0.875)).2,
        Some(0.875)
    );
}

#[test]
fn interval_and_helpers() {
    // band [3, 6], tolerance [1, 8]
    assert_eq!(interval_score(4.0, 3.0, 6.0, 1.0, 8.0), 1.0);
    close(interval_score(2.0, 3.0, 6.0, 1.0, 8.0), 0.5); // (2−1)/(3−1)
    close(interval_score(7.0, 3.0, 6.0, 1.0, 8.0), 0.5); // (8−7)/(8−6)
    assert_eq!(interval_score(0.5, 3.0, 6.0, 1.0, 8.0), 0.0);
    assert_eq!(interval_score(9.0, 3.0, 6.0, 1.0, 8.0), 0.0);
    // hard edge: tolerance = band edge
    assert_eq!(interval_score(2.9, 3.0, 6.0, 3.0, 8.0), 0.0);
    assert!(interval_score(f64::NAN, 3.0, 6.0, 1.0, 8.0).is_nan());
    // CAGR 100 → 121 in 2 years: √1.21 − 1 = 0.1
    close(cagr(100.0, 121.0, 2.0).unwrap(), 0.1);
    assert!(matches!(
        cagr(0.0, 1.0, 2.0),
        Err(Error::InvalidValue { .. })
    ));
    assert!(matches!(
        cagr(-1.0, 1.0, 2.0),
        Err(Error::InvalidValue { .. })
    ));
    assert!(matches!(
        cagr(1.0, 1.0, 0.0),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        cagr(f64::NAN, 1.0, 1.0),
        Err(Error::MissingValue { .. })
    ));
    // 时间过半: (2023−2020)/(2025−2020) = 0.6
    close(elapsed_share(2023, 2020, 2025), 0.6);
    assert_eq!(elapsed_share(2027, 2020, 2025), 1.0);
}

#[test]
fn lower_is_better_target_crossed_mid_plan() {
    // urban–rural income ratio, target ≤ 1.8; 1.95, 1.90, 1.86, 1.79, 1.77
    let i = level("ur", "lower_is_better", "level", 1.8);
    let r = run(&i, &[1.95, 1.90, 1.86, 1.79, 1.77], &MonitorSpec::default());
    let y2022 = &r[2];
    // ratio 1.8/1.86 = 0.967742; progress 0.6 (see above); not met
    close(y2022.score.unwrap(), 1.8 / 1.86);
    close(y2022.progress.unwrap(), 0.6);
    assert_eq!(y2022.met, Some(false));
    // E_2022 = 0.4; 0.6 ≥ 0.4 + 0.05 → ahead
    assert_eq!(schedule_check(y2022, 0.05).status, ScheduleStatus::Ahead);
    // 2023: 1.79 < 1.8 → met; ratio 1.8/1.79 = 1.005587 uncapped, score 1;
    // progress −0.16/−0.15 = 1.066667
    let y2023 = &r[3];
    assert_eq!(y2023.met, Some(true));
    close(y2023.ratio.unwrap(), 1.8 / 1.79);
    assert_eq!(y2023.score, Some(1.0));
    close(y2023.progress.unwrap(), 0.16 / 0.15);
    assert_eq!(schedule_check(y2023, 0.05).status, ScheduleStatus::Achieved);
    // progress form as headline: 2022 score 0.6
    let spec = MonitorSpec {
        form: AchievementForm::Progress,
        ..MonitorSpec::default()
    };
    close(run(&i, &[1.95, 1.90, 1.86], &spec)[2].score.unwrap(), 0.6);
}

#[test]
fn cumulative_behind_pro_rata_path() {
    // five-year total 5000; flows 2020 (ignored) 700, 2021 800, 2022 900, 2023 950
    let i = level("fai", "higher_is_better", "cumulative", 5000.0);
    let r = run(&i, &[700.0, 800.0, 900.0, 950.0], &MonitorSpec::default());
    let y = &r[3];
    // S_2023 = 800+900+950 = 2650; 2650/5000 = 0.53; path 5000·0.6 = 3000;
    // 2650/3000 = 0.883333
    close(y.measured.unwrap(), 2650.0);
    close(y.score.unwrap(), 0.53);
    close(y.progress.unwrap(), 0.53);
    close(y.pro_rata_target.unwrap(), 3000.0);
    close(y.pro_rata_ratio.unwrap(), 2650.0 / 3000.0);
    assert_eq!(y.met, Some(false));
    // 0.53 < 0.6 − 0.05 → lagging
    assert_eq!(schedule_check(y, 0.05).status, ScheduleStatus::Lagging);
    // base year: sum 0, no pro-rata path
    assert_eq!(r[0].measured, Some(0.0));
    assert_eq!(r[0].pro_rata_target, None);
    // a missing flow leaves the sum undefined from that year on
    let r = run(
        &i,
        &[700.0, 800.0, f64::NAN, 950.0],
        &MonitorSpec::default(),
    );
    assert_eq!(r[1].measured, Some(800.0));
    assert_eq!(r[2].score, None);
    assert_eq!(r[3].score, None);
}

#[test]
fn missing_years_and_baseline_policies() {
    let i = level("gdp", "higher_is_better", "level", 2500.0);
    let n = f64::NAN;
    // missing 2021 and 2023: records exist with no score
    let r = run(&i, &[1600.0, n, 1900.0, n], &MonitorSpec::default());
    assert_eq!(r[1].score, None);
    assert!(r[1].notes.iter().any(|s| s.contains("no observation")));
    // 2022: 1900/2500 = 0.76; progress 300/900 = 0.333333
    close(r[2].score.unwrap(), 0.76);
    close(r[2].progress.unwrap(), 1.0 / 3.0);
    assert_eq!(r[3].score, None);

    // missing baseline → first observed year 2021 (1700), warning
    let (r, w) = run_ref(&i, &[n, 1700.0, 1900.0], None, &MonitorSpec::default());
    assert_eq!(r[2].baseline_year, Some(2021));
    close(r[2].progress.unwrap(), 200.0 / 800.0); // (1900−1700)/(2500−1700)
    assert!(w[0].contains("first observed year 2021"), "{w:?}");
    // … or an error naming unit and indicator
    let spec = MonitorSpec {
        baseline_policy: BaselinePolicy::Error,
        ..MonitorSpec::default()
    };
    let mut w = Vec::new();
    let e = achieve_series(
        &i,
        SeriesInput {
            unit: "u1",
            periods: &YEARS[..3],
            values: &[n, 1700.0, 1900.0],
            reference: None,
            base_year: 2020,
            framework_target_year: 2025,
        },
        &spec,
        &mut w,
    )
    .unwrap_err();
    assert!(matches!(e, Error::MissingValue { .. }));
    assert!(e.to_string().contains("unit `u1`") && e.to_string().contains("`gdp`"));
    // … or the framework's baseline 1500: (1900−1500)/(2500−1500) = 0.4
    let mut i2 = i.clone();
    i2.baseline = Some(1500.0);
    let spec = MonitorSpec {
        baseline_policy: BaselinePolicy::FrameworkThenFirstObserved,
        ..MonitorSpec::default()
    };
    close(
        run(&i2, &[n, 1700.0, 1900.0], &spec)[2].progress.unwrap(),
        0.4,
    );
}

#[test]
fn annual_targets() {
    // 每年 50,000 places: 52,000 met, 48,000 not, 51,000 met
    let i = level("train", "higher_is_better", "annual", 50000.0);
    let r = run(
        &i,
        &[45000.0, 52000.0, 48000.0, 51000.0],
        &MonitorSpec::default(),
    );
    let y = &r[3];
    assert_eq!((y.years_met, y.years_observed), (Some(2), Some(3)));
    close(y.share_years_met.unwrap(), 2.0 / 3.0);
    close(y.ratio.unwrap(), 1.02); // 51000/50000
    assert_eq!(y.score, Some(1.0));
    assert_eq!(y.met, Some(false)); // not every year
    assert_eq!(schedule_check(y, 0.05).status, ScheduleStatus::Lagging);
}

#[test]
fn growth_rate_targets() {
    // 年均增长 10%, level series 100 → 105 → 121
    let i = level("g", "higher_is_better", "growth_rate", 10.0);
    let r = run(&i, &[100.0, 105.0, 121.0], &level_spec());
    // 2021: CAGR 5% → ratio 0.5; 2022: √1.21 − 1 = 10% → met, ratio 1
    close(r[1].measured.unwrap(), 5.0);
    close(r[1].score.unwrap(), 0.5);
    close(r[2].measured.unwrap(), 10.0);
    assert_eq!(r[2].met, Some(true));
    // annual-rate input: 12%, 8% → √(1.12·1.08) − 1 = √1.2096 − 1 = 0.0998181… → 9.98181%
    let spec = MonitorSpec {
        growth_input: GrowthInput::AnnualRate,
        ..level_spec()
    };
    let r = run(&i, &[f64::NAN, 12.0, 8.0], &spec);
    close(r[2].measured.unwrap(), 100.0 * (1.2096f64.sqrt() - 1.0));
    close(r[2].ratio.unwrap(), (1.2096f64.sqrt() - 1.0) * 10.0);
    assert_eq!(r[2].met, Some(false));
    // non-positive level: CAGR undefined, noted
    let r = run(&i, &[100.0, -5.0], &level_spec());
    assert_eq!(r[1].score, None);
    assert!(r[1].notes.iter().any(|s| s.contains("CAGR undefined")));
}

#[test]
fn coverage_binary_stretch_aspirational() {
    // coverage 95 of 100: ratio 0.95, not met
    let i = level("cov", "higher_is_better", "coverage", 100.0);
    let r = run(&i, &[90.0, 95.0], &MonitorSpec::default());
    close(r[1].score.unwrap(), 0.95);
    assert_eq!(r[1].met, Some(false));
    // binary 1 of 1: met
    let b = level("bin", "binary", "level", 1.0);
    let r = run(&b, &[0.0, 1.0], &MonitorSpec::default());
    assert_eq!((r[1].met, r[1].score), (Some(true), Some(1.0)));
    assert_eq!(schedule_check(&r[0], 0.05).status, ScheduleStatus::Lagging);
    // stretch 2600 beside target 2500; x = 2550: main met, stretch 2550/2600 = 0.980769
    let mut s = level("gdp", "higher_is_better", "level", 2500.0);
    s.stretch_target = Some(2600.0);
    s.aspirational = true;
    let r = run(&s, &[2000.0, 2550.0], &MonitorSpec::default());
    assert_eq!(r[1].met, Some(true));
    let st = r[1].stretch.unwrap();
    close(st.ratio.unwrap(), 2550.0 / 2600.0);
    assert!(!st.met);
    assert!(r[1].aspirational);
}

#[test]
fn relative_targets() {
    // growth above the provincial average (own and reference held as growth %)
    let i = ind(
        r#"{"id":"lig","dimension":"d","name_zh":"x","name_en":"x","unit":{"label":"%"},
        "polarity":{"type":"higher_is_better"},"kind":"share",
        "relative_target":{"relation":"above","reference":{"type":"series","unit":"zhejiang","indicator":"g"}}}"#,
    );
    let (r, _) = run_ref(&i, &[7.0, 8.0, 6.0], Some(&[7.0, 7.5, 7.0]), &level_spec());
    // 2021: 8.0 > 7.5 → met, gap 0.5, score 1; 2022: 6.0 vs 7.0 → not met, score 0
    let rel = r[1].relative.as_ref().unwrap();
    assert!(rel.met);
    close(rel.gap, 0.5);
    assert_eq!(r[1].score, Some(1.0));
    assert_eq!(r[2].score, Some(0.0));
    // growth-rate indicator held as levels with a NotBelow reference, margin 1 point:
    // own 100 → 110 (10%), reference 200 → 216 (8%): 10 ≥ 8 + 1 → met, gap 1
    let g = ind(
        r#"{"id":"low_income","dimension":"d","name_zh":"x","name_en":"x","unit":{"label":"元"},
        "polarity":{"type":"higher_is_better"},"kind":"growth_rate","target":10,
        "relative_target":{"relation":"not_below","margin":1.0,"reference":{"type":"series","indicator":"income"}}}"#,
    );
    let (r, _) = run_ref(&g, &[100.0, 110.0], Some(&[200.0, 216.0]), &level_spec());
    let rel = r[1].relative.as_ref().unwrap();
    close(rel.value, 10.0);
    close(rel.reference, 8.0);
    close(rel.gap, 1.0);
    assert!(rel.met);
    // 逐年下降 (previous year): 5, 4, 4.5 → 2021 met (4 < 5), 2022 not
    let p = ind(
        r#"{"id":"acc","dimension":"d","name_zh":"x","name_en":"x","unit":{"label":"人"},
        "polarity":{"type":"lower_is_better"},"kind":"level",
        "relative_target":{"relation":"below","reference":{"type":"previous_year"}}}"#,
    );
    let r = run(&p, &[5.0, 4.0, 4.5], &level_spec());
    assert_eq!(r[1].met, Some(true));
    assert_eq!(r[2].met, Some(false));
}

#[test]
fn edge_cases_zero_negative_and_bad_input() {
    // higher-is-better with target 0 (e.g. a deficit to close, x0 = −5): ratio undefined,
    // the score falls back to progress (−2+5)/(0+5) = 0.6
    let i = level("deficit", "higher_is_better", "level", 0.0);
    let r = run(&i, &[-5.0, -2.0], &MonitorSpec::default());
    assert_eq!(r[1].ratio_capped, None);
    close(r[1].score.unwrap(), 0.6);
    // already beyond the target at baseline: PM2.5 24 < 26 in 2020, 25 in 2021 → still met
    let p = level("pm", "lower_is_better", "level", 26.0);
    let r = run(&p, &[24.0, 25.0, 27.0], &MonitorSpec::default());
    assert_eq!(r[1].progress_case, Some(ProgressCase::BaselineBeyondTarget));
    assert_eq!(r[1].score, Some(1.0));
    // 2022 slips to 27: ratio 26/27 = 0.962963, not met → lagging
    close(r[2].score.unwrap(), 26.0 / 27.0);
    assert_eq!(schedule_check(&r[2], 0.05).status, ScheduleStatus::Lagging);
    // infinities and ragged input are errors
    let mut w = Vec::new();
    let bad = |v: &[f64], per: &[i32], w: &mut Vec<String>| {
        achieve_series(
            &p,
            SeriesInput {
                unit: "u",
                periods: per,
                values: v,
                reference: None,
                base_year: 2020,
                framework_target_year: 2025,
            },
            &MonitorSpec::default(),
            w,
        )
    };
    assert!(matches!(
        bad(&[1.0, f64::INFINITY], &[2020, 2021], &mut w),
        Err(Error::InvalidValue { .. })
    ));
    assert!(matches!(
        bad(&[1.0], &[2020, 2021], &mut w),
        Err(Error::LengthMismatch { .. })
    ));
}

#[test]
fn spec_json_defaults_and_validation() {
    let s = MonitorSpec::from_json("{}").unwrap();
    assert_eq!(s, MonitorSpec::default());
    assert_eq!(s.trend.on_track, 0.95);
    let s = MonitorSpec::from_json(r#"{"form":"progress","trend":{"on_track":0.9}}"#).unwrap();
    assert_eq!(s.form, AchievementForm::Progress);
    assert_eq!(s.trend.acceleration_needed, 0.6);
    assert!(matches!(
        MonitorSpec::from_json(r#"{"objective_weight":1.5}"#),
        Err(Error::InvalidSpec { .. })
    ));
    assert!(matches!(
        MonitorSpec::from_json(r#"{"trend":{"on_track":0.5}}"#),
        Err(Error::InvalidSpec { .. })
    ));
    assert!(matches!(
        MonitorSpec::from_json(r#"{"form":"x"}"#),
        Err(Error::Json { .. })
    ));
}

#[test]
fn interim_targets_are_checked_in_their_year() {
    // milestone 2022: 2100 (GDP); x_2022 = 2050 → 2050/2100 = 0.976190, not met
    let mut i = level("gdp", "higher_is_better", "level", 2500.0);
    i.interim_targets = vec![cpindex::model::InterimTarget {
        year: 2022,
        value: 2100.0,
    }];
    let r = run(&i, &[1600.0, 1900.0, 2050.0], &MonitorSpec::default());
    assert_eq!(r[1].interim, None);
    let it = r[2].interim.unwrap();
    close(it.ratio.unwrap(), 2050.0 / 2100.0);
    assert!(!it.met);
    assert_eq!(schedule_check(&r[2], 0.05).interim_met, Some(false));
}
