//! The satisfaction index under a stratified cluster design, lonely-PSU rules, domain
//! estimation, t intervals, survey-based target tests and year-on-year change — every
//! figure worked out by hand from the formulas in docs/monitoring.md (the larger
//! cross-check against R's survey package is tests/survey_reference.rs).

use cpindex::monitor::*;

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} vs {b}");
}

/// Five respondents of one unit × year, one item "x" (scale 1–5 → y = 25(x − 1)):
///
/// | row | stratum | PSU | w | x | y   | area  |
/// |-----|---------|-----|---|---|-----|-------|
/// | 0   | A       | 1   | 1 | 5 | 100 | rural |
/// | 1   | A       | 1   | 1 | 3 | 50  | urban |
/// | 2   | A       | 2   | 2 | 1 | 0   | rural |
/// | 3   | B       | 1   | 1 | 4 | 75  | urban |
/// | 4   | B       | 2   | 3 | 2 | 25  | rural |
fn design_survey() -> Survey {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut sv = Survey {
        unit: s(&["a"; 5]),
        year: vec![2023; 5],
        weight: vec![1.0, 1.0, 2.0, 1.0, 3.0],
        items: vec![SurveyItem {
            id: "x".into(),
            domain: "d".into(),
            scale_min: 1.0,
            scale_max: 5.0,
            reverse: false,
            responses: vec![5.0, 3.0, 1.0, 4.0, 2.0],
        }],
        design: SurveyDesign {
            stratum: s(&["A", "A", "A", "B", "B"]),
            psu: s(&["1", "1", "2", "1", "2"]),
            fpc: vec![],
        },
        ..Survey::default()
    };
    sv.subpopulations.insert(
        "area".into(),
        s(&["rural", "urban", "rural", "urban", "rural"]),
    );
    sv
}

#[test]
fn stratified_cluster_variance_by_hand() {
    let g = &satisfaction_index(&design_survey(), &SatisfactionSpec::default()).unwrap()[0];
    let e = g.domains[0].estimate.unwrap();
    // ȳ = (100 + 50 + 0 + 75 + 75)/8 = 37.5; z = w(y − ȳ)/8 = 7.8125, 1.5625, −9.375,
    // 4.6875, −4.6875; PSU totals A1 9.375, A2 −9.375, B1 4.6875, B2 −4.6875;
    // v = 2/1·(2·9.375²) + 2/1·(2·4.6875²) = 351.5625 + 87.890625 = 439.453125
    close(e.mean, 37.5, 1e-12);
    close(e.se.unwrap(), 439.453125f64.sqrt(), 1e-12);
    // v_SRS = s²_w/n: s²_w = 5/4·Σw(y−ȳ)²/Σw = 5/4·8750/8 = 1367.1875 → 273.4375;
    // deff = 439.453125/273.4375 = 45/28; n_eff = 5·28/45
    close(e.deff.unwrap(), 45.0 / 28.0, 1e-12);
    close(e.n_effective_design.unwrap(), 5.0 * 28.0 / 45.0, 1e-12);
    // Kish: 5·(1+1+4+1+9)/64 = 1.25
    close(e.deff_kish, 1.25, 1e-12);
    // df = 4 PSUs − 2 strata
    assert_eq!((e.df, e.n_psu, e.n_strata), (Some(2.0), 4, 2));
    // the overall index of one domain is that domain
    close(g.overall.unwrap().se.unwrap(), e.se.unwrap(), 1e-12);

    // fpc: stratum A N = 4 PSUs (1 − f = 1 − 2/4 = 0.5), stratum B fraction 0.25 (0.75):
    // v = 0.5·351.5625 + 0.75·87.890625 = 241.69921875
    let mut s = design_survey();
    s.design.fpc = vec![4.0, 4.0, 4.0, 0.25, 0.25];
    let e = satisfaction_index(&s, &SatisfactionSpec::default()).unwrap()[0].domains[0]
        .estimate
        .unwrap();
    close(e.se.unwrap(), 241.699_218_75f64.sqrt(), 1e-12);

    // t interval: 37.5 ± t_{0.975, 2}·SE, t_{0.975, 2} = 4.302652729749464 (A&S table 26.10)
    let spec = SatisfactionSpec {
        interval: IntervalKind::StudentT,
        ..SatisfactionSpec::default()
    };
    let e = satisfaction_index(&design_survey(), &spec).unwrap()[0].domains[0]
        .estimate
        .unwrap();
    close(
        e.ci_lower.unwrap(),
        37.5 - 4.302_652_729_749_464 * 439.453125f64.sqrt(),
        1e-9,
    );
}

#[test]
fn subpopulations_are_domains_of_the_whole_design() {
    let g = &satisfaction_index(&design_survey(), &SatisfactionSpec::default()).unwrap()[0];
    let rural = g
        .subpopulations
        .iter()
        .find(|p| p.variable == "area" && p.category == "rural")
        .unwrap();
    assert_eq!(rural.n_respondents, 3);
    let e = rural.domains[0].estimate.unwrap();
    // rows 0, 2, 4: Σw = 6, ȳ = (100 + 0 + 75)/6 = 29.1667; z = 11.8056, 0, −9.7222, 0,
    // −2.0833 (rows outside the domain keep their PSU with z = 0);
    // A: totals 11.8056, −9.7222, mean 1.0417 → 2·(2·10.7639²) = 463.4452;
    // B: totals 0, −2.0833, mean −1.0417 → 2·(2·1.0417²) = 4.3403; v = 467.7855
    close(e.mean, 175.0 / 6.0, 1e-12);
    close(e.se.unwrap().powi(2), 467.785_493_827_160_5, 1e-9);
    assert_eq!((e.n, e.df), (3, Some(1.0))); // rural PSUs A1, A2, B2 − 2 strata
                                             // analysing the rural respondents as a sample of their own would give another SE:
                                             // y = 100, 0, 25 in PSUs A1, A2, B2 → stratum B has one PSU and the rule fails
    let mut s = design_survey();
    s.weight = vec![1.0, 2.0, 3.0];
    s.unit.truncate(3);
    s.year.truncate(3);
    s.items[0].responses = vec![5.0, 1.0, 2.0];
    s.design.stratum = vec!["A".into(), "A".into(), "B".into()];
    s.design.psu = vec!["1".into(), "2".into(), "2".into()];
    s.subpopulations.clear();
    assert!(satisfaction_index(&s, &SatisfactionSpec::default()).is_err());
}

#[test]
fn lonely_psu_rules_by_hand() {
    // rows 3 and 4 in one PSU: stratum B has a single PSU (total z = 4.6875 − 4.6875 = 0)
    let mut s = design_survey();
    s.design.psu[4] = "1".into();
    let mut spec = SatisfactionSpec::default();
    let err = satisfaction_index(&s, &spec).unwrap_err().to_string();
    assert!(err.contains("stratum `B` has only one PSU"), "{err}");
    let rural = |spec: &SatisfactionSpec| {
        let g = &satisfaction_index(&s, spec).unwrap()[0];
        let all = g.domains[0].estimate.unwrap().se.unwrap().powi(2);
        let r = g
            .subpopulations
            .iter()
            .find(|p| p.category == "rural")
            .unwrap()
            .domains[0]
            .estimate
            .unwrap()
            .se
            .unwrap()
            .powi(2);
        (all, r)
    };
    // certainty / remove: B adds nothing: v = 351.5625 (whole), rural: A only 463.4452
    for rule in [LonelyPsu::Certainty, LonelyPsu::Remove] {
        spec.lonely_psu = rule;
        let (a, r) = rural(&spec);
        close(a, 351.5625, 1e-9);
        close(r, 463.445_216_049_382_7, 1e-9);
    }
    // adjust: B's PSU total centred at 0: whole (0)² → 351.5625; rural total −2.0833 →
    // 463.4452 + 2.0833² = 467.7855
    spec.lonely_psu = LonelyPsu::Adjust;
    let (a, r) = rural(&spec);
    close(a, 351.5625, 1e-9);
    close(r, 467.785_493_827_160_5, 1e-9);
    // average: 2 strata, 1 with a variance → ×2
    spec.lonely_psu = LonelyPsu::Average;
    let (a, r) = rural(&spec);
    close(a, 2.0 * 351.5625, 1e-9);
    close(r, 2.0 * 463.445_216_049_382_7, 1e-9);
}

#[test]
fn overall_as_combination_of_domains_and_item_nonresponse() {
    // two domains, no design: respondent 2 answered only g
    //   row w  g    h
    //   0   1  100  50
    //   1   1  50   0
    //   2   2  0    –
    let n = f64::NAN;
    let item = |id: &str, d: &str, r: Vec<f64>| SurveyItem {
        id: id.into(),
        domain: d.into(),
        scale_min: 1.0,
        scale_max: 5.0,
        reverse: false,
        responses: r,
    };
    let s = Survey {
        unit: vec!["a".into(); 3],
        year: vec![2023; 3],
        weight: vec![1.0, 1.0, 2.0],
        items: vec![
            item("g1", "g", vec![5.0, 3.0, 1.0]),
            item("h1", "h", vec![3.0, 1.0, n]),
        ],
        design: SurveyDesign {
            stratum: vec!["s1".into(), "s2".into(), "s2".into()],
            psu: vec![],
            fpc: vec![],
        },
        ..Survey::default()
    };
    // default: O = (ȳ_g + ȳ_h)/2 = ((100 + 50 + 0)/4 + (50 + 0)/2)/2 = (37.5 + 25)/2 = 31.25
    // (the respondent-mean rule: (75 + 25 + 0·2)/4 = 25); stratum s1 has a single
    // respondent (PSU): certainty
    let mut spec = SatisfactionSpec {
        lonely_psu: LonelyPsu::Certainty,
        ..SatisfactionSpec::default()
    };
    let g = &satisfaction_index(&s, &spec).unwrap()[0];
    close(g.overall.unwrap().mean, 31.25, 1e-12);
    spec.overall = OverallScore::RespondentMean;
    close(
        satisfaction_index(&s, &spec).unwrap()[0]
            .overall
            .unwrap()
            .mean,
        25.0,
        1e-12,
    );
    // re-weighting within strata for item non-response: h is missing for row 2 in
    // stratum s2 (weights 1 + 2): row 1 gets 1·3/1 = 3; ȳ_h = (50·1 + 0·3)/4 = 12.5
    spec.item_nonresponse = ItemNonresponse::ReweightWithinStrata;
    let g = &satisfaction_index(&s, &spec).unwrap()[0];
    let h = g.domains.iter().find(|d| d.domain == "h").unwrap();
    close(h.estimate.unwrap().mean, 12.5, 1e-12);
    assert_eq!(h.nonresponse, 1);
}

#[test]
fn survey_targets_and_change_by_hand() {
    let spec = SatisfactionSpec::default();
    let z = 1.959_963_984_540_054;
    // 达到92%: 93 ± 1.96·0.4 = [92.216, 93.784] → met; 92.5 → [91.716, 93.284] contains 92;
    // 91 → [90.216, 91.784] → not met
    let t = survey_target_test(93.0, 0.4, None, 92.0, true, &spec).unwrap();
    assert_eq!(t.verdict, SurveyVerdict::Met);
    close(t.ci_lower, 93.0 - z * 0.4, 1e-12);
    close(t.statistic.unwrap(), 2.5, 1e-12);
    let t = survey_target_test(92.5, 0.4, None, 92.0, true, &spec).unwrap();
    assert_eq!(t.verdict, SurveyVerdict::NotDistinguishable);
    assert!(t.met_point);
    let t = survey_target_test(91.0, 0.4, None, 92.0, true, &spec).unwrap();
    assert_eq!(t.verdict, SurveyVerdict::NotMet);
    // lower is better: 91 with upper bound 91.784 ≤ 92 → met
    let t = survey_target_test(91.0, 0.4, None, 92.0, false, &spec).unwrap();
    assert_eq!(t.verdict, SurveyVerdict::Met);
    // t interval with 2 df: 93 − 4.302653·0.4 = 91.279 < 92 → not distinguishable
    let ts = SatisfactionSpec {
        interval: IntervalKind::StudentT,
        ..SatisfactionSpec::default()
    };
    let t = survey_target_test(93.0, 0.4, Some(2.0), 92.0, true, &ts).unwrap();
    assert_eq!(t.verdict, SurveyVerdict::NotDistinguishable);
    assert!(survey_target_test(93.0, 0.4, Some(0.0), 92.0, true, &ts).is_err());
    assert!(survey_target_test(93.0, -1.0, None, 92.0, true, &spec).is_err());

    // 满意度全面提升: 80 (SE 1.2) → 85 (SE 1.6): Δ = 5, SE = √(1.44 + 2.56) = 2, z = 2.5,
    // p = 2(1 − Φ(2.5)) = 0.0124193306515523 → significant rise; 80 → 83: z = 1.5,
    // p = 0.133614402537716 → no significant change
    let est = |m: f64, se: f64| Estimate {
        mean: m,
        se: Some(se),
        ci_lower: None,
        ci_upper: None,
        n: 100,
        sum_weights: 100.0,
        deff_kish: 1.0,
        n_effective: 100.0,
        deff: None,
        n_effective_design: None,
        df: Some(8.0),
        n_psu: 10,
        n_strata: 2,
    };
    let c = index_change(2023, &est(80.0, 1.2), 2024, &est(85.0, 1.6), &spec).unwrap();
    close(c.difference, 5.0, 1e-12);
    close(c.se, 2.0, 1e-12);
    close(c.p_value.unwrap(), 0.012_419_330_651_552_3, 1e-12);
    assert_eq!(c.verdict, ChangeVerdict::Rise);
    let c = index_change(2023, &est(80.0, 1.2), 2024, &est(83.0, 1.6), &spec).unwrap();
    close(c.p_value.unwrap(), 0.133_614_402_537_716, 1e-12);
    assert_eq!(c.verdict, ChangeVerdict::NoSignificantChange);
    // t: Satterthwaite df = (1.44 + 2.56)²/(1.44²/8 + 2.56²/8) = 16/1.0784 = 14.836795
    let c = index_change(2023, &est(80.0, 1.2), 2024, &est(85.0, 1.6), &ts).unwrap();
    close(c.df.unwrap(), 16.0 / 1.0784, 1e-12);

    // the change is carried on the later year's group: two years of the same unit
    let mut s = design_survey();
    let mut s2 = design_survey();
    s2.year = vec![2024; 5];
    s2.items[0].responses = vec![5.0, 5.0, 4.0, 5.0, 4.0];
    s.unit.extend(s2.unit);
    s.year.extend(s2.year);
    s.weight.extend(s2.weight);
    s.items[0].responses.extend(s2.items[0].responses.clone());
    s.design.stratum.extend(s2.design.stratum);
    s.design.psu.extend(s2.design.psu);
    s.subpopulations.clear();
    let g = satisfaction_index(&s, &spec).unwrap();
    assert!(g[0].change.is_none());
    let c = g[1].change.unwrap();
    let (a, b) = (g[0].overall.unwrap(), g[1].overall.unwrap());
    close(c.difference, b.mean - a.mean, 1e-12);
    close(
        c.se,
        (a.se.unwrap().powi(2) + b.se.unwrap().powi(2)).sqrt(),
        1e-12,
    );
}

/// 生态环境满意度达到92%: a survey estimate with its SE in the panel.
fn eco_sat() -> cpindex::model::Indicator {
    serde_json::from_value(serde_json::json!({
        "id": "eco_sat", "dimension": "d", "name_zh": "生态环境满意度", "name_en": "eco",
        "unit": {"label": "%", "scale": 0.01, "base": "ratio"},
        "polarity": {"type": "higher_is_better"}, "kind": "share", "target": 92.0
    }))
    .unwrap()
}

#[test]
fn survey_based_indicator_in_achievement_scoring() {
    // 生态环境满意度达到92% as a survey estimate with its SE in the panel
    let ind = eco_sat();
    let periods = [2020, 2021, 2022];
    let values = [90.0, 93.0, 92.5];
    let se = [0.5, 0.4, 0.4];
    let mut spec = MonitorSpec::default();
    let input = SeriesInput {
        unit: "a",
        periods: &periods,
        values: &values,
        reference: None,
        base_year: 2020,
        framework_target_year: 2025,
    };
    let mut w = vec![];
    let mut recs = achieve_series(&ind, input, &spec, &mut w).unwrap();
    assess_survey_series(&mut recs, &ind, &periods, &values, &se, &spec).unwrap();
    let r21 = recs.iter().find(|r| r.year == 2021).unwrap();
    let s = r21.survey.unwrap();
    // 2021: 93 − 1.959964·0.4 = 92.216 ≥ 92 → met; change from 2020: Δ = 3,
    // SE = √(0.25 + 0.16) = 0.640312, z = 4.685 → significant rise
    assert_eq!(s.test.unwrap().verdict, SurveyVerdict::Met);
    let c = s.change.unwrap();
    close(c.se, 0.41f64.sqrt(), 1e-12);
    assert_eq!((c.from_year, c.verdict), (2020, ChangeVerdict::Rise));
    // 2022: 92.5 ± 0.784 contains 92 → not distinguishable; point met
    let r22 = recs.iter().find(|r| r.year == 2022).unwrap();
    assert_eq!(
        r22.survey.unwrap().test.unwrap().verdict,
        SurveyVerdict::NotDistinguishable
    );
    assert_eq!(r22.met, Some(true));
    // requiring significance turns 2022's met off
    spec.survey_met = SurveyMetRule::Significant;
    let mut recs = achieve_series(&ind, input, &spec, &mut w).unwrap();
    assess_survey_series(&mut recs, &ind, &periods, &values, &se, &spec).unwrap();
    assert_eq!(
        recs.iter().find(|r| r.year == 2022).unwrap().met,
        Some(false)
    );
    // a negative SE is an error naming the year
    let bad = [0.5, -0.4, 0.4];
    let e = assess_survey_series(&mut recs, &ind, &periods, &values, &bad, &spec).unwrap_err();
    assert!(e.to_string().contains("year 2021"), "{e}");
}

/// The change of each year is measured from the latest earlier year with both an
/// estimate and a standard error (the definition, found here by a search per record):
/// over 30 years with gaps in either series, and with years before the base year.
#[test]
fn survey_change_is_from_the_latest_earlier_year_with_estimate_and_se() {
    let ind = eco_sat();
    let periods: Vec<i32> = (2015..2045).filter(|&y| y != 2024).collect();
    let values: Vec<f64> = periods
        .iter()
        .map(|&y| {
            if y % 7 == 3 {
                f64::NAN
            } else {
                85.0 + f64::from(y % 11)
            }
        })
        .collect();
    let se: Vec<f64> = periods
        .iter()
        .map(|&y| {
            if y % 5 == 1 {
                f64::NAN
            } else {
                0.3 + 0.01 * f64::from(y % 4)
            }
        })
        .collect();
    let spec = MonitorSpec::default();
    let input = SeriesInput {
        unit: "a",
        periods: &periods,
        values: &values,
        reference: None,
        base_year: 2020,
        framework_target_year: 2045,
    };
    let mut w = vec![];
    let mut recs = achieve_series(&ind, input, &spec, &mut w).unwrap();
    assess_survey_series(&mut recs, &ind, &periods, &values, &se, &spec).unwrap();
    let both = |j: usize| !values[j].is_nan() && !se[j].is_nan();
    let mut changes = 0;
    for r in &recs {
        let k = periods.iter().position(|&p| p == r.year).unwrap();
        if !both(k) {
            assert!(r.survey.is_none(), "year {}", r.year);
            continue;
        }
        let s = r.survey.expect("assessed");
        assert_eq!(s.se, se[k]);
        match (0..k).rev().find(|&j| both(j)) {
            Some(j) => {
                let c = s.change.expect("a change");
                assert_eq!(c.from_year, periods[j], "year {}", r.year);
                close(c.se, (se[j].powi(2) + se[k].powi(2)).sqrt(), 1e-12);
                changes += 1;
            }
            None => assert!(s.change.is_none()),
        }
    }
    assert!(changes > 15, "{changes}");
    // mismatched lengths and periods out of order are refused by name
    let e = assess_survey_series(&mut recs, &ind, &periods, &values, &se[1..], &spec).unwrap_err();
    assert!(e.to_string().contains("standard errors vs periods"), "{e}");
    let mut shuffled = periods.clone();
    shuffled.swap(3, 4);
    let e = assess_survey_series(&mut recs, &ind, &shuffled, &values, &se, &spec).unwrap_err();
    assert!(e.to_string().contains("strictly ascending"), "{e}");
}
