//! The `monitor_with_survey` entry point on a small custom framework: a relative target
//! against a provincial reference unit, absolute dashboard thresholds, the satisfaction
//! index and the combined evaluation; hand-computed.

use cpindex::data::Panel;
use cpindex::model::Framework;
use cpindex::monitor::*;
use cpindex::Error;

fn fw() -> Framework {
    Framework::from_json(
        r#"{"id":"t","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{"id":"econ","name_zh":"e","name_en":"e"},{"id":"income","name_zh":"i","name_en":"i"}],
        "indicators":[
         {"id":"gdp_growth","dimension":"econ","name_zh":"g","name_en":"g","unit":{"label":"%"},"polarity":{"type":"higher_is_better"},"kind":"share",
          "relative_target":{"relation":"above","reference":{"type":"series","unit":"zhejiang","indicator":"gdp_growth"}}},
         {"id":"inc","dimension":"income","name_zh":"i","name_en":"i","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":100}]}"#,
    )
    .unwrap()
}

fn panel() -> Panel {
    let mut p = Panel::new(
        vec!["county1".into(), "zhejiang".into()],
        vec![2020, 2021, 2022],
        vec!["gdp_growth".into(), "inc".into()],
    )
    .unwrap();
    for (y, g, i, z) in [
        (2020, 6.0, 80.0, 6.0),
        (2021, 8.0, 85.0, 7.5),
        (2022, 5.0, 90.0, 6.0),
    ] {
        p.set_by_id("county1", y, "gdp_growth", g).unwrap();
        p.set_by_id("county1", y, "inc", i).unwrap();
        p.set_by_id("zhejiang", y, "gdp_growth", z).unwrap();
    }
    p
}

fn survey() -> Survey {
    Survey {
        unit: vec!["county1".into(), "county1".into()],
        year: vec![2022, 2022],
        weight: vec![1.0, 1.0],
        items: vec![SurveyItem {
            id: "q1".into(),
            domain: "gain".into(),
            scale_min: 1.0,
            scale_max: 5.0,
            reverse: false,
            responses: vec![5.0, 3.0],
        }],
        nonresponse_codes: vec![],
        ..Survey::default()
    }
}

#[test]
fn entry_point_end_to_end() {
    let mut spec = MonitorSpec::default();
    spec.dashboard.thresholds.insert(
        "inc".into(),
        ColourThresholds {
            green: 100.0,
            yellow: 90.0,
            orange: 80.0,
        },
    );
    let s = survey();
    let res = monitor_with_survey(
        &fw(),
        &panel(),
        Some((&s, &SatisfactionSpec::default())),
        &spec,
    )
    .unwrap();
    // the reference unit is not monitored
    assert_eq!(res.units, vec!["county1"]);
    assert_eq!(res.year, 2022);
    // gdp_growth 2022: 5 vs 6 → relation fails, score 0; 2021: 8 > 7.5 → 1
    assert_eq!(
        res.achievement("county1", "gdp_growth", 2022)
            .unwrap()
            .score,
        Some(0.0)
    );
    assert_eq!(
        res.achievement("county1", "gdp_growth", 2021)
            .unwrap()
            .score,
        Some(1.0)
    );
    // inc 90/100 = 0.9; overall (0 + 0.9)/2 = 0.45
    let ua = res.unit_achievement("county1", 2022).unwrap();
    assert!((ua.overall.unwrap() - 0.45).abs() < 1e-12);
    // dashboard: inc 90 ≥ yellow 90 → yellow (absolute thresholds)
    let db = res.dashboards.record(0);
    assert_eq!(db.indicators[1].colour, Colour::Yellow);
    assert_eq!(db.indicators[1].basis, "absolute_thresholds");
    // trend of gdp_growth (no numeric target): (5/6)^(1/2) − 1 = −0.087129 → deterioration
    let tr = res
        .trends
        .records()
        .find(|t| t.indicator == "gdp_growth")
        .unwrap();
    assert!((tr.cagr_observed.unwrap() - ((5.0f64 / 6.0).sqrt() - 1.0)).abs() < 1e-12);
    assert_eq!(tr.category, TrendCategory::Deterioration);
    // satisfaction: (100 + 50)/2 = 75; z = ±25, Σz² = 1250, v = 2·1250/4 = 625 → SE 25
    let g = &res.satisfaction[0];
    assert_eq!(g.overall.unwrap().mean, 75.0);
    assert!((g.overall.unwrap().se.unwrap() - 25.0).abs() < 1e-12);
    // evaluation: 0.7·45 + 0.3·75 = 54; combined SE 0.3·25 = 7.5
    let e = &res.evaluations[0];
    assert!((e.objective.unwrap() - 45.0).abs() < 1e-9);
    assert!((e.combined.unwrap() - 54.0).abs() < 1e-9);
    assert!((e.combined_se.unwrap() - 7.5).abs() < 1e-12);
    // without a survey: no combined score, both parts reported
    let res = monitor(&fw(), &panel(), &spec).unwrap();
    assert_eq!(res.evaluations[0].combined, None);
    assert!(res.evaluations[0].objective.is_some());
}

#[test]
fn entry_point_errors() {
    let spec = MonitorSpec {
        year: Some(2030),
        ..MonitorSpec::default()
    };
    assert!(matches!(
        monitor(&fw(), &panel(), &spec),
        Err(Error::UnknownId { .. })
    ));
    let spec = MonitorSpec {
        units: Some(vec!["nope".into()]),
        ..MonitorSpec::default()
    };
    assert!(matches!(
        monitor(&fw(), &panel(), &spec),
        Err(Error::UnknownId { .. })
    ));
    let spec = MonitorSpec {
        schedule_tolerance: 2.0,
        ..MonitorSpec::default()
    };
    assert!(matches!(
        monitor(&fw(), &panel(), &spec),
        Err(Error::InvalidSpec { .. })
    ));
    // baseline policy `error` with a missing 2020 value
    let mut p = panel();
    p.set_by_id("county1", 2020, "inc", f64::NAN).unwrap();
    let spec = MonitorSpec {
        baseline_policy: BaselinePolicy::Error,
        ..MonitorSpec::default()
    };
    let e = monitor(&fw(), &p, &spec).unwrap_err().to_string();
    assert!(e.contains("county1") && e.contains("inc"), "{e}");
    // with the default policy: first observed year 2021 with a warning
    let res = monitor(&fw(), &p, &MonitorSpec::default()).unwrap();
    assert!(res
        .warnings
        .iter()
        .any(|w| w.contains("first observed year 2021")));
    // no period inside the plan period
    let p = Panel::new(vec!["county1".into()], vec![2010], vec!["inc".into()]).unwrap();
    assert!(monitor(&fw(), &p, &MonitorSpec::default()).is_err());
}

#[test]
fn survey_based_indicator_through_the_entry_point() {
    // `inc` read as a survey estimate whose SE is held in the `gdp_growth` series (5 in 2022,
    // 8 in 2021): 2022: 90 ± 1.959964·5 = [80.2, 99.8], all below 100 → not met;
    // change since 2021: Δ = 90 − 85 = 5, SE = √(8² + 5²) = √89 → not significant
    let mut spec = MonitorSpec::default();
    spec.sampling_errors
        .insert("inc".into(), "gdp_growth".into());
    let res = monitor(&fw(), &panel(), &spec).unwrap();
    let s = res
        .achievement("county1", "inc", 2022)
        .unwrap()
        .survey
        .unwrap();
    assert_eq!(s.test.unwrap().verdict, SurveyVerdict::NotMet);
    let c = s.change.unwrap();
    assert!((c.se - 89f64.sqrt()).abs() < 1e-12);
    assert_eq!(c.verdict, ChangeVerdict::NoSignificantChange);
    // a missing SE series is a warning, not a silent pass
    spec.sampling_errors.insert("inc".into(), "no_such".into());
    let res = monitor(&fw(), &panel(), &spec).unwrap();
    assert!(res
        .achievement("county1", "inc", 2022)
        .unwrap()
        .survey
        .is_none());
    assert!(res.warnings.iter().any(|w| w.contains("`no_such`")));
}

/// Many units (ids that sort in byte order unlike their numbers, Chinese ids) and survey
/// years, some units without respondents in the evaluation year: every unit's
/// `satisfaction_group` and the subjective part of its evaluation equal the group a
/// search of the whole list finds (the definition).
#[test]
fn satisfaction_group_and_evaluation_by_unit_equal_a_search() {
    let units: Vec<String> = (0..40)
        .map(|k| match k % 3 {
            0 => format!("u{k}"),
            1 => format!("县{k}"),
            _ => format!("U-{}", 100 - k),
        })
        .collect();
    let mut p = Panel::new(units.clone(), vec![2020, 2021, 2022], vec!["inc".into()]).unwrap();
    for (k, u) in units.iter().enumerate() {
        for y in [2020, 2021, 2022] {
            p.set_by_id(u, y, "inc", 60.0 + (k * 3 + (y - 2020) as usize) as f64)
                .unwrap();
        }
    }
    // respondents: every unit in 2021; units k % 4 != 0 also in 2022 (2 or 3 each)
    let mut s = Survey {
        items: vec![SurveyItem {
            id: "q1".into(),
            domain: "gain".into(),
            scale_min: 1.0,
            scale_max: 5.0,
            reverse: false,
            responses: vec![],
        }],
        ..Survey::default()
    };
    for (k, u) in units.iter().enumerate() {
        for y in [2021, 2022] {
            if y == 2022 && k % 4 == 0 {
                continue;
            }
            for r in 0..(2 + k % 2) {
                s.unit.push(u.clone());
                s.year.push(y);
                s.weight.push(1.0 + r as f64);
                s.items[0].responses.push(((k + r) % 5 + 1) as f64);
            }
        }
    }
    let res = monitor_with_survey(
        &fw(),
        &p,
        Some((&s, &SatisfactionSpec::default())),
        &MonitorSpec::default(),
    )
    .unwrap();
    assert_eq!(res.year, 2022);
    assert_eq!(res.satisfaction.len(), 40 + 30);
    let mut with = 0;
    for u in &units {
        for y in [2020, 2021, 2022] {
            let want = res
                .satisfaction
                .iter()
                .find(|g| &g.unit == u && g.year == y);
            assert_eq!(res.satisfaction_group(u, y), want, "{u} {y}");
        }
        let want = res
            .satisfaction
            .iter()
            .find(|g| &g.unit == u && g.year == 2022)
            .and_then(|g| g.overall)
            .map(|e| e.mean);
        let e = res.evaluations.iter().find(|e| &e.unit == u).unwrap();
        assert_eq!(e.subjective, want, "{u}");
        with += usize::from(want.is_some());
    }
    assert_eq!(with, 30);
    assert_eq!(res.satisfaction_group("nobody", 2022), None);
}
