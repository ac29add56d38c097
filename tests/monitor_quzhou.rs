//! The built-in Quzhou framework (restricted to the 10 stable seed indicators) run end to
//! end on a small two-unit panel, 2020–2023. Expected numbers were worked out by hand and
//! cross-checked with an independent script (python 3 stdlib, written and run for this
//! test, not calling the crate); the arithmetic is in the comments.

use cpindex::data::Panel;
use cpindex::model::{builtin, Framework, Polarity};
use cpindex::monitor::*;

const SEED: [&str; 10] = [
    "gdp",
    "gdp_per_capita",
    "fixed_asset_investment_total",
    "urbanisation_rate",
    "per_capita_disposable_income",
    "urban_rural_income_ratio",
    "county_income_max_min_ratio",
    "cultural_facility_coverage",
    "pm25_concentration",
    "party_discipline_effectiveness",
];

/// The built-in framework restricted to the seed indicators (the shipped file is being
/// expanded; the ten seed ids are stable). Dimensions without a kept indicator are dropped.
fn seed_framework() -> Framework {
    let mut fw = builtin::quzhou().clone();
    fw.indicators.retain(|i| SEED.contains(&i.id.as_str()));
    fw.size_indicators.retain(|i| SEED.contains(&i.as_str()));
    fw.derived_targets
        .retain(|d| SEED.contains(&d.indicator.as_str()));
    // GDP is a size indicator: a county is scored on it only against a target of its own.
    // kecheng gets one equal to the city's, so that the hand computation below
    // (600/2500) is about the achievement arithmetic.
    fw.units
        .iter_mut()
        .find(|u| u.id == "kecheng")
        .unwrap()
        .targets
        .insert("gdp".into(), 2500.0);
    let keep: Vec<String> = fw
        .dimensions
        .iter()
        .filter(|d| {
            fw.indicators
                .iter()
                .any(|i| fw.dimension_path(&i.dimension).contains(&d.id.as_str()))
        })
        .map(|d| d.id.clone())
        .collect();
    fw.dimensions.retain(|d| keep.contains(&d.id));
    fw.validate().unwrap();
    fw
}

fn check_assumptions(fw: &Framework) {
    // The hand computation assumes: 7 equally weighted top-level dimensions, each seed
    // indicator directly in its dimension with weight 1, and these targets.
    let expect = [
        ("gdp", "economy", 2500.0),
        ("gdp_per_capita", "economy", 10.0),
        ("fixed_asset_investment_total", "economy", 5000.0),
        ("urbanisation_rate", "central_city", 66.0),
        ("per_capita_disposable_income", "income_distribution", 5.6),
        ("urban_rural_income_ratio", "urban_rural", 1.8),
        ("county_income_max_min_ratio", "urban_rural", 1.55),
        ("cultural_facility_coverage", "culture", 100.0),
        ("pm25_concentration", "ecology", 26.0),
        ("party_discipline_effectiveness", "governance", 98.0),
    ];
    for (id, dim, t) in expect {
        let i = fw.indicator(id).unwrap();
        assert_eq!(i.dimension, dim, "{id}");
        assert_eq!(i.target, Some(t), "{id}");
        assert_eq!(i.weight, 1.0, "{id}");
    }
    assert_eq!(fw.dimensions.len(), 7);
    assert!(fw
        .dimensions
        .iter()
        .all(|d| d.weight == 1.0 && d.parent.is_none()));
    assert!(matches!(
        fw.indicator("pm25_concentration").unwrap().polarity,
        Polarity::LowerIsBetter
    ));
}

fn panel() -> Panel {
    let n = f64::NAN;
    let units = vec!["quzhou".to_string(), "kecheng".to_string()];
    let years = vec![2020, 2021, 2022, 2023];
    let ids: Vec<String> = SEED.iter().map(|s| s.to_string()).collect();
    let mut p = Panel::new(units, years.clone(), ids).unwrap();
    let qz: [(&str, [f64; 4]); 10] = [
        ("gdp", [1639.0, 1876.0, 2003.0, 2125.0]),
        ("gdp_per_capita", [7.2, 7.9, 8.4, 9.0]),
        (
            "fixed_asset_investment_total",
            [850.0, 900.0, 950.0, 1000.0],
        ),
        ("urbanisation_rate", [57.0, 58.0, 59.0, 60.0]),
        ("per_capita_disposable_income", [4.2, 4.5, 4.8, 5.04]),
        ("urban_rural_income_ratio", [1.86, 1.85, 1.83, 1.82]),
        ("county_income_max_min_ratio", [1.70, 1.68, 1.65, 1.62]),
        ("cultural_facility_coverage", [90.0, 92.0, 94.0, 96.0]),
        ("pm25_concentration", [28.0, 27.0, 26.5, 25.0]),
        ("party_discipline_effectiveness", [95.0, 96.0, 96.5, n]),
    ];
    for (id, v) in qz {
        for (k, y) in years.iter().enumerate() {
            p.set_by_id("quzhou", *y, id, v[k]).unwrap();
        }
    }
    // kecheng: only GDP, with 2021 missing.
    for (y, v) in [(2020, 500.0), (2022, 560.0), (2023, 600.0)] {
        p.set_by_id("kecheng", y, "gdp", v).unwrap();
    }
    p
}

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} vs {b}");
}

#[test]
fn quzhou_seed_framework_end_to_end() {
    let fw = seed_framework();
    check_assumptions(&fw);
    let res = monitor(&fw, &panel(), &MonitorSpec::default()).unwrap();
    assert_eq!(res.year, 2023);
    assert_eq!(res.units, vec!["quzhou", "kecheng"]);

    // --- indicator achievement, quzhou 2023, ratio form ---
    // gdp 2125/2500 = 0.85; per-capita GDP 9.0/10 = 0.9;
    // FAI running sum 900+950+1000 = 2850 (2020 flow excluded), 2850/5000 = 0.57;
    // urbanisation 60/66 = 0.909091; income 5.04/5.6 = 0.9;
    // urban–rural ratio 1.8/1.82 = 0.989011; county ratio 1.55/1.62 = 0.956790;
    // culture 96/100; PM2.5 25 ≤ 26 → T/x = 1.04 uncapped, 1 capped.
    let a = |id: &str| res.achievement("quzhou", id, 2023).unwrap().clone();
    close(a("gdp").score.unwrap(), 0.85, 1e-12);
    close(
        a("fixed_asset_investment_total").measured.unwrap(),
        2850.0,
        1e-9,
    );
    close(
        a("fixed_asset_investment_total").score.unwrap(),
        0.57,
        1e-12,
    );
    close(a("urbanisation_rate").score.unwrap(), 60.0 / 66.0, 1e-12);
    close(a("urban_rural_income_ratio").score.unwrap(), 0.989011, 1e-6);
    close(
        a("county_income_max_min_ratio").score.unwrap(),
        0.956790,
        1e-6,
    );
    close(a("pm25_concentration").ratio.unwrap(), 1.04, 1e-12);
    assert_eq!(a("pm25_concentration").score, Some(1.0));
    assert_eq!(a("party_discipline_effectiveness").score, None);
    // progress form: gdp (2125−1639)/(2500−1639) = 486/861 = 0.564460
    close(a("gdp").progress.unwrap(), 486.0 / 861.0, 1e-12);
    // FAI pro-rata path 5000·0.6 = 3000; 2850/3000 = 0.95
    close(
        a("fixed_asset_investment_total").pro_rata_ratio.unwrap(),
        0.95,
        1e-12,
    );

    // --- aggregation ---
    // economy (0.85+0.9+0.57)/3 = 0.773333; central_city 0.909091; income 0.9;
    // urban_rural (0.989011+0.956790)/2 = 0.972901; culture 0.96; ecology 1.0;
    // governance missing → dropped, 6 dimensions re-normalised:
    // overall = 5.515325/6 = 0.919221; weight covered 6/7 = 0.857143.
    let ua = res.unit_achievement("quzhou", 2023).unwrap();
    close(ua.overall.unwrap(), 0.919221, 1e-6);
    close(ua.weight_covered, 6.0 / 7.0, 1e-12);
    assert!(ua.renormalised);
    assert_eq!(
        ua.missing_indicators,
        vec!["party_discipline_effectiveness"]
    );
    let dim = |id: &str| {
        ua.dimensions
            .iter()
            .find(|d| d.dimension == id)
            .unwrap()
            .clone()
    };
    close(dim("economy").score.unwrap(), 0.773333, 1e-6);
    close(dim("urban_rural").score.unwrap(), 0.972901, 1e-6);
    assert_eq!(dim("governance").score, None);
    // 2020 with governance present: 7 dims, overall 0.829983 (script).
    close(
        res.unit_achievement("quzhou", 2020)
            .unwrap()
            .overall
            .unwrap(),
        0.829983,
        1e-6,
    );
    // pulling down: renormalised weights 1/18 (economy), 1/6 (single-indicator dims):
    // FAI (1/18)(0.43) = 0.023889, income (1/6)(0.1) = 0.016667, urbanisation
    // (1/6)(1−0.909091) = 0.015152; total shortfall 0.080779 = 1 − overall.
    let pd: Vec<&str> = ua
        .pulling_down
        .iter()
        .map(|s| s.indicator.as_str())
        .collect();
    assert_eq!(
        pd,
        [
            "fixed_asset_investment_total",
            "per_capita_disposable_income",
            "urbanisation_rate"
        ]
    );
    close(ua.pulling_down[0].shortfall, 0.023889, 1e-6);
    close(ua.pulling_down[0].obstacle_share, 0.295731, 1e-6);

    // kecheng: only gdp, 1 of 9 scorable indicators = 11.1% coverage, below the SDSN minimum of
    // 80%: no overall score is published, and the record says why.
    let k = res.unit_achievement("kecheng", 2023).unwrap();
    assert_eq!(k.overall, None);
    // coverage: 1 scored of 9 — fixed_asset_investment_total, a size indicator without a
    // kecheng target of its own, is not scored by design and leaves the denominator
    close(k.indicator_coverage, 1.0 / 9.0, 1e-12);
    assert!(k.withheld.as_ref().unwrap().contains("11.1%"));
    // Without the minimum, 2023 600/2500 = 0.24 is the whole index; weight covered 1/21.
    let spec0 = MonitorSpec {
        min_indicator_coverage: 0.0,
        ..MonitorSpec::default()
    };
    let res0 = monitor(&fw, &panel(), &spec0).unwrap();
    let k = res0.unit_achievement("kecheng", 2023).unwrap();
    close(k.overall.unwrap(), 0.24, 1e-12);
    close(k.weight_covered, 1.0 / 21.0, 1e-12);
    let applied = |u: &str, i: &str| {
        res.targets
            .records()
            .find(|t| t.unit == u && t.indicator == i)
            .map(|t| t.source)
            .unwrap()
    };
    assert_eq!(
        applied("kecheng", "gdp"),
        cpindex::model::TargetSource::Unit
    );
    assert_eq!(applied("quzhou", "gdp"), cpindex::model::TargetSource::Plan);
    // 2021 missing for kecheng: no score at all that year.
    assert_eq!(res.unit_achievement("kecheng", 2021).unwrap().overall, None);
    // kecheng progress 2023: (600−500)/(2500−500) = 0.05
    close(
        res.achievement("kecheng", "gdp", 2023)
            .unwrap()
            .progress
            .unwrap(),
        0.05,
        1e-12,
    );

    // --- schedule, E_2023 = 0.6, tolerance 0.05 ---
    // gdp 0.564 ∈ [0.55, 0.65) on schedule; urbanisation 3/9 = 0.333 lagging;
    // urban–rural (1.82−1.86)/(1.8−1.86) = 0.6667 ≥ 0.65 ahead; PM2.5 met → achieved;
    // FAI 0.57 on schedule.
    let st = |id: &str| {
        res.schedule
            .records()
            .find(|s| s.unit == "quzhou" && s.indicator == id)
            .unwrap()
            .status
    };
    assert_eq!(st("gdp"), ScheduleStatus::OnSchedule);
    assert_eq!(st("urbanisation_rate"), ScheduleStatus::Lagging);
    assert_eq!(st("urban_rural_income_ratio"), ScheduleStatus::Ahead);
    assert_eq!(st("pm25_concentration"), ScheduleStatus::Achieved);
    assert_eq!(
        st("fixed_asset_investment_total"),
        ScheduleStatus::OnSchedule
    );
    assert_eq!(
        st("party_discipline_effectiveness"),
        ScheduleStatus::NotAssessable
    );

    // --- Open SDG trend, 2020 → 2023 against the 2025 target ---
    // gdp: obs = (2125/1639)^(1/3) − 1 = 0.090419, req = (2500/1639)^(1/5) − 1 = 0.088109,
    //   R = 1.026221 → on track
    // urban–rural ratio (lower): obs = (1.82/1.86)^(1/3) − 1 = −0.0072205,
    //   req = (1.8/1.86)^(1/5) − 1 = −0.0065365, R = 0.0072205/0.0065365 = 1.104637 → on track
    // urbanisation: obs = (60/57)^(1/3) − 1 = 0.017245, req = (66/57)^(1/5) − 1 = 0.029755,
    //   R = 0.579563 → limited progress (< 0.60)
    // PM2.5 25 ≤ 26 → target achieved; FAI cumulative: (2850/3)/(5000/5) = 0.95 → on track
    let tr = |id: &str| {
        res.trends
            .records()
            .find(|t| t.unit == "quzhou" && t.indicator == id)
            .unwrap()
    };
    close(tr("gdp").ratio.unwrap(), 1.026221, 1e-6);
    assert_eq!(tr("gdp").category, TrendCategory::OnTrack);
    close(
        tr("urban_rural_income_ratio").ratio.unwrap(),
        1.104637,
        1e-6,
    );
    close(tr("urbanisation_rate").ratio.unwrap(), 0.579563, 1e-6);
    assert_eq!(
        tr("urbanisation_rate").category,
        TrendCategory::LimitedProgress
    );
    assert_eq!(
        tr("pm25_concentration").category,
        TrendCategory::TargetAchieved
    );
    close(
        tr("fixed_asset_investment_total").ratio.unwrap(),
        0.95,
        1e-12,
    );
    assert_eq!(
        tr("fixed_asset_investment_total").category,
        TrendCategory::OnTrack
    );
    // party discipline: observations 2020–2022 only; latest 96.5 → still assessed
    assert_eq!(tr("party_discipline_effectiveness").to_year, Some(2022));

    // --- dynamic index (goalposts baseline → target, r = 100 + 30·d·(x − x₀)/|T − x₀|) ---
    // e.g. gdp 2023: 100 + 30·486/861 = 116.933798; PM2.5 2023: 100 + 30·3/2 = 145 → 130.
    // composite (dimension means, then mean of dimensions): 2021 107.473503,
    // 2022 113.391024, 2023 118.628862 (6 dims); chained 2023: link over indicators
    // present in 2022 and 2023 = 118.628862/113.122861, chained = 113.391024 × link
    // = 118.910077.
    let d = res.dynamic.records().find(|d| d.unit == "quzhou").unwrap();
    assert_eq!(d.years[0].fixed_base_index, Some(100.0));
    close(d.years[1].fixed_base_index.unwrap(), 107.473503, 1e-6);
    close(d.years[2].chained_index.unwrap(), 113.391024, 1e-6);
    close(d.years[3].fixed_base_index.unwrap(), 118.628862, 1e-6);
    close(d.years[3].chained_index.unwrap(), 118.910077, 1e-6);
    let ch = d.years[3].change.as_ref().unwrap();
    close(ch.matched_from, 113.122861, 1e-6);
    assert_eq!(ch.excluded, vec!["party_discipline_effectiveness"]);
    let sum: f64 = ch.dimensions.iter().map(|c| c.points).sum();
    close(sum, ch.matched_to - ch.matched_from, 1e-9);

    // --- dashboard (fallback thresholds: met green, ≥0.9 yellow, ≥0.75 orange) ---
    // economy: gdp 0.85 orange, per-capita 0.9 yellow, FAI 0.57 red → two worst red +
    // orange → mean 0.5 → orange. ecology: PM2.5 met → green. governance: grey.
    let db = res
        .dashboards
        .records()
        .find(|d| d.unit == "quzhou")
        .unwrap();
    let dc = |id: &str| {
        db.dimensions
            .iter()
            .find(|d| d.dimension == id)
            .unwrap()
            .colour
    };
    assert_eq!(dc("economy"), Colour::Orange);
    assert_eq!(dc("ecology"), Colour::Green);
    assert_eq!(dc("governance"), Colour::Grey);
    // the two worst that set economy's colour, worst first: FAI (red), then gdp (orange);
    // none for a dimension all grey
    let worst = |id: &str| {
        let d = db.dimensions.iter().find(|d| d.dimension == id).unwrap();
        d.worst.iter().map(|w| w.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(worst("economy"), ["fixed_asset_investment_total", "gdp"]);
    assert!(worst("governance").is_empty());
    // the table's lookups read the same colours
    let k = res.dashboards.find_at(0, "quzhou").unwrap();
    assert_eq!(
        res.dashboards.dimension_colour(k, "economy"),
        Some(Colour::Orange)
    );
    let fw = cpindex::model::builtin::quzhou();
    for (j, ind) in fw.indicators.iter().enumerate() {
        let want = db
            .indicators
            .iter()
            .find(|c| c.indicator == ind.id)
            .map(|c| c.colour);
        assert_eq!(
            res.dashboards.indicator_colour(k, j, &ind.id),
            want,
            "{}",
            ind.id
        );
    }

    // JSON round trip of the whole result.
    let js = res.to_json();
    let back: MonitorResults = serde_json::from_str(&js).unwrap();
    assert_eq!(back.units, res.units);
}
