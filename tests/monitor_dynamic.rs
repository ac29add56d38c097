//! Dynamic monitoring index: fixed goalposts, fixed base and chained index, additive
//! decomposition; hand-computed.

use cpindex::model::Framework;
use cpindex::monitor::*;
use cpindex::Error;

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

fn fw() -> Framework {
    Framework::from_json(
        r#"{"id":"t","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{"id":"a","name_zh":"a","name_en":"a"},{"id":"b","name_zh":"b","name_en":"b"}],
        "indicators":[
         {"id":"x","dimension":"a","name_zh":"x","name_en":"x","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":200},
         {"id":"y","dimension":"b","name_zh":"y","name_en":"y","unit":{"label":"u"},"polarity":{"type":"lower_is_better"},"kind":"level","target":1.8}]}"#,
    )
    .unwrap()
}

#[test]
fn goalpost_rescaling() {
    // 100 + 30·(150 − 100)/(200 − 100) = 115
    close(rescale_on_goalposts(150.0, 100.0, 200.0, true, true), 115.0);
    // lower: 100 + 30·(−1)(1.9 − 2.0)/0.2 = 115
    close(rescale_on_goalposts(1.9, 2.0, 1.8, false, true), 115.0);
    // 250 → 145, clipped to 130; unclipped kept
    close(rescale_on_goalposts(250.0, 100.0, 200.0, true, true), 130.0);
    close(
        rescale_on_goalposts(250.0, 100.0, 200.0, true, false),
        145.0,
    );
    // target = baseline: Δ = |x₀| = 10 → 100 + 30·1/10 = 103
    close(rescale_on_goalposts(11.0, 10.0, 10.0, true, false), 103.0);
}

#[test]
fn fixed_base_chained_and_decomposition() {
    let f = fw();
    let years = [2020, 2021, 2022];
    // x: 100, 120, 150 → r = 100, 106, 115
    // y: 2.0, 1.95, 1.9 → r = 100, 107.5, 115
    let rx: Vec<f64> = [100.0, 120.0, 150.0]
        .iter()
        .map(|&v| rescale_on_goalposts(v, 100.0, 200.0, true, true))
        .collect();
    let ry: Vec<f64> = [2.0, 1.95, 1.9]
        .iter()
        .map(|&v| rescale_on_goalposts(v, 2.0, 1.8, false, true))
        .collect();
    let d = dynamic_index(&f, "u", &years, &[rx.clone(), ry.clone()], 2020).unwrap();
    // composite 2021 = (106 + 107.5)/2 = 106.75; 2022 = 115
    close(d.years[1].composite.unwrap(), 106.75);
    close(d.years[1].fixed_base_index.unwrap(), 106.75);
    close(d.years[2].chained_index.unwrap(), 115.0);
    let c = d.years[2].change.as_ref().unwrap();
    // contributions 0.5·9 = 4.5 and 0.5·7.5 = 3.75; sum 8.25 = 115 − 106.75
    close(c.indicators[0].points, 4.5);
    close(c.indicators[1].points, 3.75);
    close(c.dimensions.iter().map(|x| x.points).sum::<f64>(), 8.25);
    // growth shares 4.5/106.75 = 4.215457%, 3.75/106.75 = 3.512881%; sum = 100·(115/106.75 − 1)
    close(c.indicators[0].growth_pct, 450.0 / 106.75);
    close(
        c.indicators.iter().map(|x| x.growth_pct).sum::<f64>(),
        100.0 * (115.0 / 106.75 - 1.0),
    );
    // y missing in 2022: fixed-base composite = x alone = 115; chain link over x only
    // 115/106 → chained = 106.75·115/106 = 115.813679
    let ry2 = vec![ry[0], ry[1], f64::NAN];
    let d = dynamic_index(&f, "u", &years, &[rx, ry2], 2020).unwrap();
    close(d.years[2].fixed_base_index.unwrap(), 115.0);
    close(d.years[2].chained_index.unwrap(), 106.75 * 115.0 / 106.0);
    let c = d.years[2].change.as_ref().unwrap();
    assert_eq!(c.excluded, vec!["y"]);
    close(c.indicators[0].points, 9.0); // weight 1 over the matched set
    assert_eq!(d.years[2].missing, vec!["y"]);
    // errors
    assert!(matches!(
        dynamic_index(&f, "u", &years, &[vec![1.0; 3]], 2020),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(matches!(
        dynamic_index(&f, "u", &years, &[vec![1.0; 3], vec![1.0; 3]], 2019),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn rescaled_series_by_kind() {
    let cum: cpindex::model::Indicator = serde_json::from_str(
        r#"{"id":"c","dimension":"a","name_zh":"c","name_en":"c","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"cumulative","target":5000}"#,
    )
    .unwrap();
    // running sums 0, 1000, 2000 → 100, 106, 112
    let (r, note) = rescaled_series(
        &cum,
        &[2020, 2021, 2022],
        &[700.0, 1000.0, 1000.0],
        2020,
        2025,
        GrowthInput::Level,
        true,
    );
    assert!(note.is_none());
    close(r[1], 106.0);
    close(r[2], 112.0);
    let g: cpindex::model::Indicator = serde_json::from_str(
        r#"{"id":"g","dimension":"a","name_zh":"g","name_en":"g","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"growth_rate","target":10}"#,
    )
    .unwrap();
    // level 100 → target level 100·1.1⁵ = 161.051; 121 → 100 + 30·21/61.051 = 110.319241
    let (r, _) = rescaled_series(
        &g,
        &[2020, 2022],
        &[100.0, 121.0],
        2020,
        2025,
        GrowthInput::Level,
        true,
    );
    close(r[1], 100.0 + 30.0 * 21.0 / (100.0 * 1.1f64.powi(5) - 100.0));
    // no base-year value → excluded with a note
    let (r, note) = rescaled_series(
        &g,
        &[2020, 2022],
        &[f64::NAN, 121.0],
        2020,
        2025,
        GrowthInput::Level,
        true,
    );
    assert!(r.iter().all(|v| v.is_nan()) && note.is_some());
}
