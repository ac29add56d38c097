//! Monitoring rules checked against docs/monitoring.md and docs/indicator-model.md, with
//! numbers worked out by hand: the schedule status of relative-only targets, the elapsed
//! share of a fallback baseline, the sign of a zero score, the evaluation year outside the
//! plan period, the spec's indicator ids and the framework's targets that monitoring would
//! never read.

use cpindex::data::Panel;
use cpindex::model::Framework;
use cpindex::monitor::*;
use cpindex::Error;

/// A framework of one dimension with `indicators` (JSON objects without the common
/// fields), base year 2020, target year 2025.
fn fw(indicators: &[&str]) -> Framework {
    let inds: Vec<String> = indicators
        .iter()
        .map(|i| {
            format!(r#"{{"dimension":"d","name_zh":"x","name_en":"x","unit":{{"label":"%"}},{i}}}"#)
        })
        .collect();
    Framework::from_json(&format!(
        r#"{{"id":"t","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{{"id":"d","name_zh":"d","name_en":"d"}}],"indicators":[{}]}}"#,
        inds.join(",")
    ))
    .unwrap()
}

/// A panel of `units` × `years` × `ids`, filled with `(unit, year, id, value)`.
fn panel(units: &[&str], years: &[i32], ids: &[&str], values: &[(&str, i32, &str, f64)]) -> Panel {
    let mut p = Panel::new(
        units.iter().map(|s| s.to_string()).collect(),
        years.to_vec(),
        ids.iter().map(|s| s.to_string()).collect(),
    )
    .unwrap();
    for &(u, y, i, v) in values {
        p.set_by_id(u, y, i, v).unwrap();
    }
    p
}

fn spec_for(units: &[&str]) -> MonitorSpec {
    MonitorSpec {
        units: Some(units.iter().map(|s| s.to_string()).collect()),
        ..MonitorSpec::default()
    }
}

fn schedule_of(res: &MonitorResults, unit: &str, ind: &str) -> ScheduleCheck {
    res.schedule
        .records()
        .find(|s| &*s.unit == unit && &*s.indicator == ind)
        .unwrap_or_else(|| panic!("no schedule record for {unit} {ind}"))
}

// ------------------------------------------------ relative-only targets in the schedule

/// docs/monitoring.md, "Schedule check": "Binary, interval, maintenance … and
/// relative-only targets are achieved or lagging. With no data the status is not
/// assessable." A growth rate with only a relative target (GDP growth above the
/// province's) that is not met has data and is lagging, like a share with only a relative
/// target; met, both are achieved.
#[test]
fn unmet_relative_only_targets_are_lagging_whatever_the_kind() {
    let f = fw(&[
        r#""id":"g_rel","polarity":{"type":"higher_is_better"},"kind":"growth_rate",
           "relative_target":{"relation":"above","reference":{"type":"series","unit":"zj","indicator":"g_rel"}}"#,
        r#""id":"c_rel","polarity":{"type":"higher_is_better"},"kind":"cumulative",
           "relative_target":{"relation":"above","reference":{"type":"previous_year"}}"#,
        r#""id":"l_rel","polarity":{"type":"higher_is_better"},"kind":"share",
           "relative_target":{"relation":"above","reference":{"type":"series","unit":"zj","indicator":"l_rel"}}"#,
    ]);
    let ids = ["g_rel", "c_rel", "l_rel"];
    // 2023: growth 4 < 6 (province), flow 9 < 10 (last year), share 2 < 3: none met;
    // in `b` every relation holds
    let mut values = Vec::new();
    for (y, a, b, zj) in [
        (2020, 5.0, 5.0, 5.0),
        (2021, 5.0, 7.0, 5.0),
        (2022, 5.0, 7.0, 6.0),
        (2023, 4.0, 8.0, 6.0),
    ] {
        values.push(("a", y, "g_rel", a));
        values.push(("b", y, "g_rel", b));
        values.push(("zj", y, "g_rel", zj));
        values.push(("a", y, "l_rel", a - 2.0));
        values.push(("b", y, "l_rel", b));
        values.push(("zj", y, "l_rel", zj - 3.0));
    }
    for (y, a, b) in [
        (2020, 8.0, 8.0),
        (2021, 9.0, 9.0),
        (2022, 10.0, 10.0),
        (2023, 9.0, 11.0),
    ] {
        values.push(("a", y, "c_rel", a));
        values.push(("b", y, "c_rel", b));
    }
    let p = panel(&["a", "b", "zj"], &[2020, 2021, 2022, 2023], &ids, &values);
    let res = monitor(&f, &p, &spec_for(&["a", "b"])).unwrap();
    for id in ids {
        let rec = res.achievement("a", id, 2023).unwrap();
        assert_eq!((rec.met, rec.score), (Some(false), Some(0.0)), "{id}");
        let s = schedule_of(&res, "a", id);
        assert_eq!(s.status, ScheduleStatus::Lagging, "{id}: {s:?}");
        assert_eq!(s.progress, Some(0.0), "{id}");
        // the public function on the record says the same
        assert_eq!(
            schedule_check(&rec, 0.05).status,
            ScheduleStatus::Lagging,
            "{id}"
        );
        let s = schedule_of(&res, "b", id);
        assert_eq!(s.status, ScheduleStatus::Achieved, "{id}: {s:?}");
    }
}

/// docs/monitoring.md, "relative targets": a growth rate with only a same-year relative
/// target (增幅高于全省) is judged by the year's own rate; in a year the relation is not
/// assessed (the province's 2022 rate missing) nothing was judged, so `measured` is null —
/// not the average growth since 2020 (100·(√(1.08·1.06) − 1) = 6.996), which a report
/// would print under the year's label.
#[test]
fn a_relative_only_growth_rate_is_measured_by_the_years_rate_or_not_at_all() {
    let f = fw(&[
        r#""id":"inc_growth","polarity":{"type":"higher_is_better"},"kind":"growth_rate",
           "relative_target":{"relation":"above","reference":{"type":"series","unit":"zj","indicator":"inc_growth"}}"#,
    ]);
    let p = panel(
        &["a", "zj"],
        &[2020, 2021, 2022, 2023],
        &["inc_growth"],
        &[
            ("a", 2020, "inc_growth", 7.0),
            ("a", 2021, "inc_growth", 8.0),
            ("a", 2022, "inc_growth", 6.0),
            ("a", 2023, "inc_growth", 5.0),
            ("zj", 2020, "inc_growth", 7.0),
            ("zj", 2021, "inc_growth", 7.0),
            ("zj", 2023, "inc_growth", 6.0),
        ],
    );
    let res = monitor(&f, &p, &spec_for(&["a"])).unwrap();
    let at = |y| res.achievement("a", "inc_growth", y).unwrap();
    assert_eq!((at(2021).measured, at(2021).met), (Some(8.0), Some(true)));
    assert_eq!(
        (at(2022).measured, at(2022).score),
        (None, None),
        "{:?}",
        at(2022)
    );
    assert_eq!((at(2023).measured, at(2023).met), (Some(5.0), Some(false)));
    assert!(f.indicators[0].judged_by_year_value(None));
    assert!(!f.indicators[0].judged_by_year_value(Some(7.0)));
}

// ------------------------------------------------ the elapsed share of a fallback baseline

/// docs/monitoring.md, "Progress and time over the same span": with the base year missing,
/// the baseline falls back to 2021 and the progress P = (x − x₀)/(T − x₀) runs from 2021,
/// so it is compared with E = (2024 − 2021)/(2025 − 2021) = 0.75, not with
/// E_t = (2024 − 2020)/(2025 − 2020) = 0.8. P = (87.5 − 80.21)/(90 − 80.21) = 7.29/9.79
/// = 0.74464 ≥ 0.75 − 0.05: on schedule (against 0.8 it was lagging). A unit with its
/// 2020 value keeps E_t = 0.8.
#[test]
fn a_fallback_baseline_starts_the_clock_at_its_year() {
    let f =
        fw(&[r#""id":"habits","polarity":{"type":"higher_is_better"},"kind":"share","target":90"#]);
    let p = panel(
        &["late", "full"],
        &[2020, 2021, 2022, 2023, 2024],
        &["habits"],
        &[
            ("late", 2021, "habits", 80.21),
            ("late", 2024, "habits", 87.5),
            ("full", 2020, "habits", 80.21),
            ("full", 2024, "habits", 87.5),
        ],
    );
    let res = monitor(&f, &p, &MonitorSpec::default()).unwrap();
    let rec = res.achievement("late", "habits", 2024).unwrap();
    assert_eq!(rec.baseline_year, Some(2021));
    let p_hand = (87.5 - 80.21) / (90.0 - 80.21);
    assert!((rec.progress.unwrap() - p_hand).abs() < 1e-12);
    // the achievement record keeps the plan's clock
    assert!((rec.elapsed_share - 0.8).abs() < 1e-15);
    let s = schedule_of(&res, "late", "habits");
    assert!((s.elapsed_share - 0.75).abs() < 1e-15, "{s:?}");
    assert_eq!(s.status, ScheduleStatus::OnSchedule, "{s:?}");
    assert!(s.basis.contains("baseline year"), "{s:?}");
    assert_eq!(schedule_check(&rec, 0.05), s);
    // the same numbers from the base year: E_t = 0.8, P = 0.745 < 0.75 → lagging
    let s = schedule_of(&res, "full", "habits");
    assert!((s.elapsed_share - 0.8).abs() < 1e-15, "{s:?}");
    assert_eq!(s.status, ScheduleStatus::Lagging, "{s:?}");
    assert_eq!(&*s.basis, "(x − x₀)/(T − x₀)");
}

// ------------------------------------------------ no negative zero

/// A lower-is-better indicator at its baseline (零就业家庭 46 → 46, target 0): the
/// progress is (46 − 46)/(0 − 46), which IEEE arithmetic gives as −0; the published score
/// and progress are 0 (docs/monitoring.md: "clamp(P, 0, 1)"), never "-0.0%".
#[test]
fn a_score_or_progress_of_zero_is_never_negative_zero() {
    let (_, p, s) = progress_form(46.0, 46.0, 0.0, false, Some(0.0));
    assert!(p.unwrap() == 0.0 && p.unwrap().is_sign_positive(), "{p:?}");
    assert!(s.unwrap().is_sign_positive(), "{s:?}");
    // a required fall of 3% with no change at all: r = 0/(−3) = 0
    let g = growth_ratio(0.0, -3.0, false);
    assert!(
        g.ratio.unwrap().is_sign_positive() && g.capped.is_sign_positive(),
        "{g:?}"
    );
    let f = fw(&[
        r#""id":"zero_jobs","polarity":{"type":"lower_is_better"},"kind":"count","target":0"#,
        r#""id":"travel","polarity":{"type":"lower_is_better"},"kind":"level","target":0.5"#,
    ]);
    let p = panel(
        &["u"],
        &[2020, 2021],
        &["zero_jobs", "travel"],
        &[
            ("u", 2020, "zero_jobs", 46.0),
            ("u", 2021, "zero_jobs", 46.0),
            ("u", 2020, "travel", 1.0),
            ("u", 2021, "travel", 1.0),
        ],
    );
    for form in [AchievementForm::Ratio, AchievementForm::Progress] {
        let spec = MonitorSpec {
            form,
            ..MonitorSpec::default()
        };
        let res = monitor(&f, &p, &spec).unwrap();
        for id in ["zero_jobs", "travel"] {
            for y in [2020, 2021] {
                let rec = res.achievement("u", id, y).unwrap();
                let pr = rec.progress.unwrap();
                assert!(pr == 0.0 && pr.is_sign_positive(), "{id} {y} {rec:?}");
                if id == "zero_jobs" {
                    let sc = rec.score.unwrap();
                    assert!(sc == 0.0 && sc.is_sign_positive(), "{id} {y} {rec:?}");
                }
            }
            let s = schedule_of(&res, "u", id);
            assert!(s.progress.unwrap().is_sign_positive(), "{s:?}");
        }
        // no number of the serialised results is −0 ("-0.0" not followed by a digit)
        let json = serde_json::to_string(&res).unwrap();
        let negative_zero = json
            .match_indices("-0.0")
            .any(|(k, m)| !json[k + m.len()..].starts_with(|c: char| c.is_ascii_digit()));
        assert!(!negative_zero, "negative zero in the results: {json}");
    }
}

// ------------------------------------------------ the evaluation year and the plan period

/// docs/monitoring.md, "Evaluation year": a year before the base year is an error naming
/// the field; a year after the target year is monitored with E clamped to 1 and a warning.
#[test]
fn an_evaluation_year_outside_the_plan_period() {
    let f =
        fw(&[r#""id":"inc","polarity":{"type":"higher_is_better"},"kind":"level","target":100"#]);
    let years = [2019, 2020, 2021, 2026];
    let values: Vec<_> = years
        .iter()
        .map(|&y| ("u", y, "inc", 80.0 + f64::from(y - 2019)))
        .collect();
    let p = panel(&["u"], &years, &["inc"], &values);
    let spec = |y| MonitorSpec {
        year: Some(y),
        ..MonitorSpec::default()
    };
    match monitor(&f, &p, &spec(2019)) {
        Err(Error::InvalidSpec { field, message }) => {
            assert_eq!(field, "year");
            assert!(
                message.contains("2019") && message.contains("base year 2020"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    let res = monitor(&f, &p, &spec(2026)).unwrap();
    let s = schedule_of(&res, "u", "inc");
    assert_eq!((s.year, s.elapsed_share), (2026, 1.0));
    assert_eq!(s.status, ScheduleStatus::Lagging);
    assert!(
        res.warnings
            .iter()
            .any(|w| w.contains("2026") && w.contains("target year 2025")),
        "{:?}",
        res.warnings
    );
    // inside the plan period: no such warning
    let res = monitor(&f, &p, &spec(2021)).unwrap();
    assert!(!res
        .warnings
        .iter()
        .any(|w| w.contains("after the plan's target year")));
}

// ------------------------------------------------ the spec's indicator ids

fn pm25_framework() -> Framework {
    fw(&[
        r#""id":"pm25_concentration","polarity":{"type":"lower_is_better"},"kind":"level","target":26"#,
        r#""id":"forest_cover","polarity":{"type":"higher_is_better"},"kind":"share","target":70"#,
    ])
}

fn spec_error(f: &Framework, spec: &str) -> (String, String) {
    let spec = MonitorSpec::from_json(spec).unwrap();
    let p = panel(
        &["u"],
        &[2020, 2021],
        &["pm25_concentration", "forest_cover"],
        &[
            ("u", 2020, "pm25_concentration", 30.0),
            ("u", 2021, "pm25_concentration", 27.0),
        ],
    );
    match monitor(f, &p, &spec) {
        Err(Error::InvalidSpec { field, message }) => (field, message),
        other => panic!("{other:?}"),
    }
}

/// STANDARDS: unknown ids get a clear error. A misspelt key of `dashboard.thresholds` or
/// `sampling_errors` changed the colours (or dropped a survey verdict) without a word; it
/// is now an error naming the field and the nearest indicator id.
#[test]
fn unknown_indicator_ids_in_the_spec_are_errors_naming_the_nearest_id() {
    let f = pm25_framework();
    let (field, message) = spec_error(
        &f,
        r#"{"dashboard":{"thresholds":{"pm25":{"green":26,"yellow":30,"orange":35}}}}"#,
    );
    assert_eq!(field, "dashboard.thresholds.pm25");
    assert!(message.contains("unknown indicator `pm25`"), "{message}");
    assert!(message.contains("`pm25_concentration`"), "{message}");
    // a one-letter slip: the nearest by edit distance
    let (field, message) = spec_error(&f, r#"{"sampling_errors":{"forest_covr":"se"}}"#);
    assert_eq!(field, "sampling_errors.forest_covr");
    assert!(message.contains("`forest_cover`"), "{message}");
    // the right key is accepted
    let spec = MonitorSpec::from_json(
        r#"{"dashboard":{"thresholds":{"pm25_concentration":{"green":26,"yellow":30,"orange":35}}}}"#,
    )
    .unwrap();
    spec.validate_against(&f).unwrap();
}

/// docs/monitoring.md: a lower-is-better indicator is green at ≤ green, yellow at
/// ≤ yellow, orange at ≤ orange, so green ≤ yellow ≤ orange; higher is better the other
/// way. Thresholds out of order would make a colour unreachable.
#[test]
fn absolute_thresholds_are_ordered_by_polarity() {
    let f = pm25_framework();
    let (field, message) = spec_error(
        &f,
        r#"{"dashboard":{"thresholds":{"pm25_concentration":{"green":35,"yellow":30,"orange":26}}}}"#,
    );
    assert_eq!(field, "dashboard.thresholds.pm25_concentration");
    assert!(message.contains("green ≤ yellow ≤ orange"), "{message}");
    let (field, message) = spec_error(
        &f,
        r#"{"dashboard":{"thresholds":{"forest_cover":{"green":50,"yellow":60,"orange":40}}}}"#,
    );
    assert_eq!(field, "dashboard.thresholds.forest_cover");
    assert!(message.contains("green ≥ yellow ≥ orange"), "{message}");
    // equal thresholds are ordered
    let spec = MonitorSpec::from_json(
        r#"{"dashboard":{"thresholds":{"forest_cover":{"green":70,"yellow":70,"orange":60}}}}"#,
    )
    .unwrap();
    spec.validate_against(&f).unwrap();
}

// ------------------------------------------------ targets monitoring would never read

fn framework_error(indicator: &str) -> String {
    let text = format!(
        r#"{{"id":"t","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{{"id":"d","name_zh":"d","name_en":"d"}}],
        "indicators":[{{"dimension":"d","name_zh":"x","name_en":"x","unit":{{"label":"%"}},{indicator}}}]}}"#
    );
    match Framework::from_json(&text) {
        Err(e @ Error::InvalidFramework { .. }) => e.to_string(),
        other => panic!("{other:?}"),
    }
}

const BAND: &str = r#""polarity":{"type":"interval","lower":40,"upper":60,"tolerance_lower":20,"tolerance_upper":80}"#;

/// docs/indicator-model.md rule 5: an interval indicator is met inside its band and scored
/// by its interval score alone; a numeric, stretch, interim or relative target would be
/// carried on the records and never read ("target 50, met" at 48), so validation refuses
/// them. Rule 7: a binary indicator is read as higher-is-better, so its relative target
/// may not ask for `below`.
#[test]
fn targets_monitoring_would_ignore_are_refused() {
    for (extra, field) in [
        (r#""target":50"#, "target"),
        (
            r#""relative_target":{"relation":"above","reference":{"type":"previous_year"}}"#,
            "relative_target",
        ),
        (
            r#""interim_targets":[{"year":2023,"value":50}]"#,
            "interim_targets",
        ),
    ] {
        let m = framework_error(&format!(r#""id":"iv","kind":"share",{BAND},{extra}"#));
        assert!(m.contains(&format!("field `{field}`")), "{m}");
        assert!(
            m.contains("interval") && m.contains("[40, 60]") && m.contains("remove"),
            "{m}"
        );
    }
    for relation in ["below", "not_above"] {
        let m = framework_error(&format!(
            r#""id":"bn","kind":"level","target":1,"polarity":{{"type":"binary"}},
               "relative_target":{{"relation":"{relation}","reference":{{"type":"previous_year"}}}}"#
        ));
        assert!(
            m.contains("relative_target.relation") && m.contains("binary"),
            "{m}"
        );
        assert!(m.contains("`above`"), "{m}");
    }
    // the band alone, and a binary indicator asked to stay above last year, are fine
    fw(&[&format!(r#""id":"iv","kind":"share",{BAND}"#)]);
    fw(&[
        r#""id":"bn","kind":"level","target":1,"polarity":{"type":"binary"},
            "relative_target":{"relation":"not_below","reference":{"type":"previous_year"}}"#,
    ]);
    // a unit's own target on an interval indicator is refused as well
    let text = format!(
        r#"{{"id":"t","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{{"id":"d","name_zh":"d","name_en":"d"}}],
        "units":[{{"id":"c","role":"part","name_zh":"c","targets":{{"iv":50}}}}],
        "indicators":[{{"id":"iv","dimension":"d","name_zh":"x","name_en":"x","unit":{{"label":"%"}},"kind":"share",{BAND}}}]}}"#
    );
    let m = Framework::from_json(&text).unwrap_err().to_string();
    assert!(m.contains("targets.iv") && m.contains("interval"), "{m}");
}
