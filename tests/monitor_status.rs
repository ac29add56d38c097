//! Schedule, Open SDG trend, SDSN dashboard and aggregation rules, hand-computed.

use cpindex::model::{Framework, Indicator};
use cpindex::monitor::*;
use cpindex::Error;

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} vs {b}");
}

fn ind(id: &str, polarity: &str, kind: &str, target: f64) -> Indicator {
    serde_json::from_str(&format!(
        r#"{{"id":"{id}","dimension":"d","name_zh":"x","name_en":"x","unit":{{"label":"u"}},
            "polarity":{{"type":"{polarity}"}},"kind":"{kind}","target":{target}}}"#
    ))
    .unwrap()
}

#[test]
fn schedule_status_rules() {
    // E = 0.6, τ = 0.05: [0.55, 0.65) on schedule, ≥ 0.65 ahead, < 0.55 lagging
    assert_eq!(
        schedule_status(0.6, 0.6, false, 0.05, false),
        ScheduleStatus::OnSchedule
    );
    assert_eq!(
        schedule_status(0.66, 0.6, false, 0.05, false),
        ScheduleStatus::Ahead
    );
    assert_eq!(
        schedule_status(0.54, 0.6, false, 0.05, false),
        ScheduleStatus::Lagging
    );
    assert_eq!(
        schedule_status(0.1, 0.6, true, 0.05, false),
        ScheduleStatus::Achieved
    );
    // at the target year an unmet target lags even within the tolerance
    assert_eq!(
        schedule_status(0.97, 1.0, false, 0.05, true),
        ScheduleStatus::Lagging
    );
    assert_eq!(
        schedule_status(f64::NAN, 0.6, false, 0.05, false),
        ScheduleStatus::NotAssessable
    );
}

#[test]
fn open_sdg_progress_ratio() {
    let t = TrendThresholds::default();
    // higher: 100 (2020) → 121 (2022), target 161.051 in 2025 (= 100·1.1⁵):
    // CAGR_obs = √1.21 − 1 = 0.1, CAGR_req = 0.1, R = 1 → on track;
    // score = (1 − 0.6)/(1.3 − 0.6)·5 = 2.857143
    let (o, q, r) = progress_ratio(100.0, 2020, 121.0, 2022, 161.051, 2025, true, 0.001);
    close(o, 0.1, 1e-12);
    close(q, 0.1, 1e-9);
    close(r.unwrap(), 1.0, 1e-8);
    assert_eq!(classify_ratio(r.unwrap(), &t), TrendCategory::OnTrack);
    close(score_with_target(1.0), 2.857143, 1e-6);
    // lower: 2.0 → 1.9 (2 yrs), target 1.8 in 2025: obs = √0.95 − 1 = −0.0253206,
    // req = 0.9^(1/5) − 1 = −0.0208516, R = −(−0.0253206)/0.0208516 = 1.214320
    let (_, _, r) = progress_ratio(2.0, 2020, 1.9, 2022, 1.8, 2025, false, 0.001);
    close(r.unwrap(), 1.214320, 1e-6);
    // deterioration: 100 → 95 against the same higher target: R = −0.0253206/0.1 = −0.253206
    let (_, _, r) = progress_ratio(100.0, 2020, 95.0, 2022, 161.051, 2025, true, 0.001);
    close(r.unwrap(), -0.253206, 1e-6);
    assert_eq!(classify_ratio(r.unwrap(), &t), TrendCategory::Deterioration);
    // score −5 + (R + 0.6)/1.2·5 = −3.555024
    close(score_with_target(r.unwrap()), -3.555024, 1e-6);
    // thresholds 0.95 / 0.6 / 0
    assert_eq!(classify_ratio(0.95, &t), TrendCategory::OnTrack);
    assert_eq!(classify_ratio(0.7, &t), TrendCategory::AccelerationNeeded);
    assert_eq!(classify_ratio(0.0, &t), TrendCategory::LimitedProgress);
    // zero base replaced by 0.001: req = (2/0.001)^(1/5) − 1 = 2000^0.2 − 1 = 3.573051
    let (_, q, _) = progress_ratio(0.0, 2020, 1.0, 2021, 2.0, 2025, true, 0.001);
    close(q, 3.573051, 1e-6);
    // without target: 1% directed CAGR → acceleration needed, score 1.25
    assert_eq!(
        classify_no_target(0.01, &t),
        TrendCategory::AccelerationNeeded
    );
    close(score_no_target(0.01), 1.25, 1e-12);
    close(score_no_target(-0.01), -3.75, 1e-12);
    // a NaN ratio or rate has no category and no score (it compared false with every
    // threshold and fell through to deterioration with the score 5)
    assert_eq!(classify_ratio(f64::NAN, &t), TrendCategory::UnableToAssess);
    assert_eq!(
        classify_no_target(f64::NAN, &t),
        TrendCategory::UnableToAssess
    );
    assert!(score_with_target(f64::NAN).is_nan());
    assert!(score_no_target(f64::NAN).is_nan());
    // the ends still clamp
    assert_eq!(
        (score_with_target(-1e9), score_with_target(1e9)),
        (-5.0, 5.0)
    );
    assert_eq!((score_no_target(-1e9), score_no_target(1e9)), (-5.0, 5.0));
}

#[test]
fn trend_edge_rules_on_series() {
    let t = TrendThresholds::default();
    let i = ind("x", "higher_is_better", "level", 200.0);
    let p = [2020, 2021, 2022];
    let a = |v: &[f64]| assess_trend(&i, "u", &p, v, 2020, 2025, 2022, None, &t);
    // one observation → unable
    assert_eq!(
        a(&[100.0, f64::NAN, f64::NAN]).category,
        TrendCategory::UnableToAssess
    );
    // sign change → unable
    assert_eq!(a(&[-1.0, 1.0, 2.0]).category, TrendCategory::UnableToAssess);
    // target reached → achieved, score 5
    let r = a(&[100.0, 150.0, 210.0]);
    assert_eq!(
        (r.category, r.score),
        (TrendCategory::TargetAchieved, Some(5.0))
    );
    // missing middle year is fine: 100 → 121 over 2020–2022
    let r = a(&[100.0, f64::NAN, 121.0]);
    assert_eq!((r.from_year, r.to_year), (Some(2020), Some(2022)));
    // req = 2^(1/5) − 1 = 0.148698; R = 0.1/0.148698 = 0.672502 → acceleration needed
    close(r.ratio.unwrap(), 0.1 / (2f64.powf(0.2) - 1.0), 1e-9);
    assert_eq!(r.category, TrendCategory::AccelerationNeeded);
    // binary → achieved / not achieved from the record
    let b = ind("b", "binary", "level", 1.0);
    let r = assess_trend(&b, "u", &p, &[0.0, 0.0, 0.0], 2020, 2025, 2022, None, &t);
    assert_eq!(r.category, TrendCategory::UnableToAssess);
}

/// A series of negative values whose zeros (a zero target, a zero value) are replaced by
/// the zero replacement: the replacement takes the series' sign (−0.001), so the growth
/// factors stay positive. With +0.001 the factor was negative, its root NaN, and the NaN
/// ratio was classed as deterioration with the top score 5.
#[test]
fn zeros_in_a_negative_series_take_its_sign() {
    let t = TrendThresholds::default();
    let p = [2020, 2021, 2022];
    // higher is better, target 0 in 2025, −4 → −1 over 2020–2022 (the loss shrinking):
    // obs = (−1/−4)^(1/2) − 1 = −0.5; req = (−0.001/−4)^(1/5) − 1 = 0.00025^0.2 − 1
    // = −0.8096346; the series is negative, so the direction flips (d = −1):
    // R = 0.5/0.8096346 = 0.6175625 → acceleration needed (0.6 ≤ R < 0.95),
    // score (R − 0.6)/0.7·5 = 0.1254467
    let i = ind("x", "higher_is_better", "level", 0.0);
    let r = assess_trend(&i, "u", &p, &[-4.0, -2.5, -1.0], 2020, 2025, 2022, None, &t);
    close(r.cagr_observed.unwrap(), -0.5, 1e-12);
    close(r.cagr_required.unwrap(), 0.00025f64.powf(0.2) - 1.0, 1e-12);
    close(r.ratio.unwrap(), 0.6175625352663068, 1e-12);
    assert_eq!(r.category, TrendCategory::AccelerationNeeded);
    close(
        r.score.unwrap(),
        (0.6175625352663068 - 0.6) / 0.7 * 5.0,
        1e-9,
    );
    // the public ratio gives the same
    let (o, q, ratio) = progress_ratio(-4.0, 2020, -1.0, 2022, 0.0, 2025, false, 0.001);
    assert_eq!(
        (o, q, ratio),
        (r.cagr_observed.unwrap(), r.cagr_required.unwrap(), r.ratio)
    );
    // a zero value at the end of a negative series, no numeric target: the directed CAGR
    // −((−0.001/−2)^(1/2) − 1) = 1 − √0.0005 = 0.9776393 ≥ 1.5 % → on track, score 5
    let mut nt = ind("y", "higher_is_better", "level", 0.0);
    nt.target = None;
    let r = assess_trend(&nt, "u", &p, &[-2.0, -1.0, 0.0], 2020, 2025, 2022, None, &t);
    close(r.cagr_observed.unwrap(), 0.0005f64.sqrt() - 1.0, 1e-12);
    assert_eq!(r.category, TrendCategory::OnTrack);
    assert_eq!(r.score, Some(5.0));
    // no NaN in any record, whatever the signs, zeros and target
    for values in [
        [-4.0, -2.0, 0.0],
        [0.0, -2.0, -4.0],
        [0.0, 0.0, 0.0],
        [0.0, 2.0, 4.0],
        [4.0, 2.0, 0.0],
        [-3.0, -3.0, -3.0],
        // a growth factor that overflows: not assessed rather than infinite
        [1e-300, 1.0, 1e300],
    ] {
        for target in [Some(-3.0), Some(0.0), Some(3.0), None] {
            for polarity in ["higher_is_better", "lower_is_better"] {
                let mut i = ind("z", polarity, "level", 1.0);
                i.target = target;
                let r = assess_trend(&i, "u", &p, &values, 2020, 2025, 2022, None, &t);
                let numbers = [r.cagr_observed, r.cagr_required, r.ratio, r.score];
                assert!(
                    numbers.iter().flatten().all(|x| x.is_finite()),
                    "{values:?} target {target:?} {polarity}: {r:?}"
                );
            }
        }
    }
}

#[test]
fn dashboard_colours() {
    // PM2.5 lower-is-better: green ≤ 26, yellow ≤ 30, orange ≤ 35
    let th = ColourThresholds {
        green: 26.0,
        yellow: 30.0,
        orange: 35.0,
    };
    assert_eq!(colour_absolute(25.0, &th, false), Colour::Green);
    assert_eq!(colour_absolute(28.0, &th, false), Colour::Yellow);
    assert_eq!(colour_absolute(33.0, &th, false), Colour::Orange);
    assert_eq!(colour_absolute(40.0, &th, false), Colour::Red);
    assert_eq!(colour_absolute(f64::NAN, &th, false), Colour::Grey);
    use Colour::*;
    // all green → green; one yellow among greens: two worst (yellow 2, green 3) → 2.5 → yellow
    assert_eq!(dimension_colour(&[Green, Green]), Green);
    assert_eq!(dimension_colour(&[Green, Yellow, Green]), Yellow);
    // two worst red+yellow → mean 1 → orange; red+red → red; red+orange → 0.5 → orange
    assert_eq!(dimension_colour(&[Green, Yellow, Red]), Orange);
    assert_eq!(dimension_colour(&[Red, Red, Green]), Red);
    assert_eq!(dimension_colour(&[Red, Orange]), Orange);
    // single red indicator → red; grey ignored; all grey → grey
    assert_eq!(dimension_colour(&[Red, Grey]), Red);
    assert_eq!(dimension_colour(&[Grey]), Grey);
    // fallback from score: 0.92 yellow, 0.8 orange, 0.5 red, met green
    let d = DashboardSpec::default();
    assert_eq!(colour_from_score(Some(0.92), Some(false), &d), Yellow);
    assert_eq!(colour_from_score(Some(0.8), Some(false), &d), Orange);
    assert_eq!(colour_from_score(Some(0.5), Some(false), &d), Red);
    assert_eq!(colour_from_score(Some(1.0), Some(true), &d), Green);
}

/// The dimension colour of every list of up to five colours against the rule written out
/// (SDSN dashboards: grey ignored; all green → green; else the mean of the two worst codes
/// — red 0, orange 1, yellow 2, green 3 — red when they are all red, else floored into
/// orange..yellow), and the same for any order of the list.
#[test]
fn dimension_colour_of_every_short_list() {
    use Colour::*;
    let all = [Red, Orange, Yellow, Green, Grey];
    let code = |c: Colour| match c {
        Red => 0.0,
        Orange => 1.0,
        Yellow => 2.0,
        Green => 3.0,
        Grey => f64::NAN,
    };
    let rule = |list: &[Colour]| -> Colour {
        let mut codes: Vec<f64> = list
            .iter()
            .map(|&c| code(c))
            .filter(|c| !c.is_nan())
            .collect();
        codes.sort_by(f64::total_cmp);
        match codes.len() {
            0 => Grey,
            _ if codes.iter().all(|&c| c == 3.0) => Green,
            n => {
                let two = &codes[..n.min(2)];
                let mean = two.iter().sum::<f64>() / two.len() as f64;
                if two.iter().all(|&c| c == 0.0) {
                    Red
                } else if mean < 2.0 {
                    Orange
                } else {
                    Yellow
                }
            }
        }
    };
    let mut checked = 0;
    for len in 0..=5u32 {
        for mut k in 0..5usize.pow(len) {
            let mut list = Vec::new();
            for _ in 0..len {
                list.push(all[k % 5]);
                k /= 5;
            }
            let want = rule(&list);
            assert_eq!(dimension_colour(&list), want, "{list:?}");
            list.reverse();
            assert_eq!(dimension_colour(&list), want, "{list:?} reversed");
            checked += 1;
        }
    }
    assert_eq!(checked, 1 + 5 + 25 + 125 + 625 + 3125);
}

fn two_dim_framework() -> Framework {
    Framework::from_json(
        r#"{"id":"t","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{"id":"a","name_zh":"a","name_en":"a","weight":2},{"id":"b","name_zh":"b","name_en":"b","weight":1}],
        "indicators":[
         {"id":"a1","dimension":"a","name_zh":"x","name_en":"x","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":1,"weight":1},
         {"id":"a2","dimension":"a","name_zh":"x","name_en":"x","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":1,"weight":1},
         {"id":"b1","dimension":"b","name_zh":"x","name_en":"x","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":1,"weight":1},
         {"id":"b2","dimension":"b","name_zh":"x","name_en":"x","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":1,"weight":3}]}"#,
    )
    .unwrap()
}

#[test]
fn aggregation_with_renormalisation_and_pull_down() {
    let fw = two_dim_framework();
    // A = (0.8 + 0.6)/2 = 0.7; B = (1·1.0 + 3·0.5)/4 = 0.625; overall = (2·0.7 + 0.625)/3 = 0.675
    let r = aggregate(&fw, "u", 2023, &[0.8, 0.6, 1.0, 0.5], 3).unwrap();
    close(r.overall.unwrap(), 0.675, 1e-12);
    close(r.dimensions[0].score.unwrap(), 0.7, 1e-12);
    close(r.dimensions[1].score.unwrap(), 0.625, 1e-12);
    // effective weights 1/3, 1/3, 1/12, 1/4; shortfalls a1 1/3·0.2 = 0.066667,
    // a2 1/3·0.4 = 0.133333, b2 1/4·0.5 = 0.125 (sum 0.325 = 1 − 0.675); b1 none.
    let ids: Vec<&str> = r
        .pulling_down
        .iter()
        .map(|s| s.indicator.as_str())
        .collect();
    assert_eq!(ids, ["a2", "b2", "a1"]);
    close(r.pulling_down[0].obstacle_share, 0.133333333 / 0.325, 1e-6);
    assert!(!r.renormalised);
    close(r.weight_covered, 1.0, 1e-12);
    // a2 missing: A = 0.8, overall = (1.6 + 0.625)/3 = 0.741667; covered 2/3
    let r = aggregate(&fw, "u", 2023, &[0.8, f64::NAN, 1.0, 0.5], 3).unwrap();
    close(r.overall.unwrap(), 2.225 / 3.0, 1e-12);
    close(r.weight_covered, 2.0 / 3.0, 1e-12);
    close(r.weights_used[0], 2.0 / 3.0, 1e-12);
    assert_eq!(r.missing_indicators, vec!["a2"]);
    assert_eq!(r.dimensions[0].missing, vec!["a2"]);
    // all of B missing: overall = A
    let r = aggregate(&fw, "u", 2023, &[0.8, 0.6, f64::NAN, f64::NAN], 3).unwrap();
    close(r.overall.unwrap(), 0.7, 1e-12);
    assert_eq!(r.dimensions[1].score, None);
    // nothing available
    let r = aggregate(&fw, "u", 2023, &[f64::NAN; 4], 3).unwrap();
    assert_eq!(r.overall, None);
    // bad input
    assert!(matches!(
        aggregate(&fw, "u", 2023, &[1.2, 0.5, 0.5, 0.5], 3),
        Err(Error::InvalidValue { .. })
    ));
    assert!(matches!(
        aggregate(&fw, "u", 2023, &[0.5], 3),
        Err(Error::LengthMismatch { .. })
    ));
}

#[test]
fn evaluation_combination() {
    // 0.7·91.92 + 0.3·80 = 64.344 + 24 = 88.344
    close(combine(Some(91.92), Some(80.0), 0.7).unwrap(), 88.344, 1e-9);
    assert_eq!(combine(Some(91.92), None, 0.7), None);
    assert_eq!(combine(Some(91.92), None, 1.0), Some(91.92));
    let e = evaluate("u", 2023, Some(90.0), Some(80.0), Some(2.0), 0.5);
    assert_eq!(e.combined, Some(85.0));
    assert_eq!(e.combined_se, Some(1.0)); // 0.5·2
}

#[test]
fn hierarchical_renormalisation_with_sub_dimensions() {
    // A (w1) → A1 (w1) {i1}, A2 (w3) {i2, i3}; B (w1) {i4}
    let fw = Framework::from_json(
        r#"{"id":"h","title_zh":"h","title_en":"h","base_year":2020,"target_year":2025,
        "dimensions":[{"id":"a","name_zh":"a","name_en":"a"},{"id":"b","name_zh":"b","name_en":"b"},
          {"id":"a1","parent":"a","name_zh":"a1","name_en":"a1","weight":1},{"id":"a2","parent":"a","name_zh":"a2","name_en":"a2","weight":3}],
        "indicators":[
         {"id":"i1","dimension":"a1","name_zh":"x","name_en":"x","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":1},
         {"id":"i2","dimension":"a2","name_zh":"x","name_en":"x","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":1},
         {"id":"i3","dimension":"a2","name_zh":"x","name_en":"x","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":1},
         {"id":"i4","dimension":"b","name_zh":"x","name_en":"x","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":1}]}"#,
    )
    .unwrap();
    // complete: i1 = ½·¼ = 0.125, i2 = i3 = ½·¾·½ = 0.1875, i4 = 0.5 (= effective_weights)
    let w = renormalised_weights(&fw, &[true; 4]);
    for (a, b) in w.iter().zip(fw.effective_weights()) {
        close(*a, b, 1e-15);
    }
    close(w[0], 0.125, 1e-15);
    close(w[1], 0.1875, 1e-15);
    // i1 missing: A2 takes all of A: i2 = i3 = 0.25, i4 = 0.5
    let w = renormalised_weights(&fw, &[false, true, true, true]);
    assert_eq!(w, vec![0.0, 0.25, 0.25, 0.5]);
    // i2, i3 missing: i1 = 0.5
    let w = renormalised_weights(&fw, &[true, false, false, true]);
    assert_eq!(w, vec![0.5, 0.0, 0.0, 0.5]);
    // scores 1, 0.5, 0.5, 0 with i1 missing: A2 = 0.5, A = 0.5, B = 0, overall 0.25;
    // dimension a scores 0.5, sub-dimension a1 has none
    let r = aggregate(&fw, "u", 2023, &[f64::NAN, 0.5, 0.5, 0.0], 5).unwrap();
    close(r.overall.unwrap(), 0.25, 1e-15);
    let d = |id: &str| {
        r.dimensions
            .iter()
            .find(|d| d.dimension == id)
            .unwrap()
            .clone()
    };
    close(d("a").score.unwrap(), 0.5, 1e-15);
    assert_eq!(d("a1").score, None);
    close(d("a").weight_covered, 0.75, 1e-15); // (0.1875·2)/0.5
                                               // pull-down dimension is the top-level one
    assert_eq!(r.pulling_down[0].indicator, "i4");
    assert_eq!(r.pulling_down[1].dimension, "a");
}
