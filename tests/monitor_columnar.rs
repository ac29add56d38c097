//! The columnar achievement table (issue 16): positions, O(1) lookups, the serde record
//! form, and agreement with the per-series function `achieve_series` (the record-per-cell
//! path the table replaced) on every record. Hand-computed values for the two cells below.

use cpindex::data::Panel;
use cpindex::model::Framework;
use cpindex::monitor::*;

fn fw() -> Framework {
    Framework::from_json(
        r#"{"id":"t","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{"id":"econ","name_zh":"e","name_en":"e"},{"id":"social","name_zh":"s","name_en":"s"}],
        "indicators":[
         {"id":"inc","dimension":"econ","name_zh":"i","name_en":"i","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":100,"stretch_target":120},
         {"id":"gap","dimension":"social","name_zh":"g","name_en":"g","unit":{"label":"u"},"polarity":{"type":"lower_is_better"},"kind":"level","target":2.0},
         {"id":"flow","dimension":"social","name_zh":"f","name_en":"f","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"cumulative","target":50}]}"#,
    )
    .unwrap()
}

fn panel() -> Panel {
    let units: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let mut p = Panel::new(
        units,
        vec![2020, 2021, 2022],
        vec!["inc".into(), "gap".into(), "flow".into()],
    )
    .unwrap();
    for (k, u) in ["a", "b", "c"].iter().enumerate() {
        let f = 1.0 + 0.1 * k as f64;
        for (y, inc, gap, flow) in [
            (2020, 80.0, 2.5, 0.0),
            (2021, 85.0, 2.4, 10.0),
            (2022, 90.0, 2.6, 12.0),
        ] {
            p.set_by_id(u, y, "inc", inc * f).unwrap();
            // unit b has no 2021 gap: a missing cell
            let g = if *u == "b" && y == 2021 {
                f64::NAN
            } else {
                gap
            };
            p.set_by_id(u, y, "gap", g).unwrap();
            p.set_by_id(u, y, "flow", flow * f).unwrap();
        }
    }
    p
}

#[test]
fn positions_lookups_and_hand_values() {
    let res = monitor(&fw(), &panel(), &MonitorSpec::default()).unwrap();
    let t = &res.achievements;
    // 3 units × 3 indicators × 3 years, unit-major, framework order, years ascending
    assert_eq!(t.len(), 27);
    assert_eq!(t.units(), ["a", "b", "c"]);
    assert_eq!(t.indicators(), ["inc", "gap", "flow"]);
    assert_eq!(t.years(), [2020, 2021, 2022]);
    // row = (u · 3 + j) · 3 + y
    assert_eq!(t.row(1, 2, 0), Some(15));
    assert_eq!(t.positions(15), (1, 2, 0));
    assert_eq!(t.find("b", "flow", 2020), Some(15));
    assert_eq!(t.row(3, 0, 0), None);
    assert_eq!(t.find("d", "inc", 2020), None);
    assert_eq!(t.find("a", "inc", 2019), None);
    assert_eq!(res.unit_position("c"), Some(2));
    for (j, id) in ["inc", "gap", "flow"].iter().enumerate() {
        assert_eq!(t.indicator_position(id), Some(j));
    }
    for absent in ["", "in", "incx", "Inc", "a"] {
        assert_eq!(t.indicator_position(absent), None);
    }
    // unit c, inc 2022: x = 90 · 1.2 = 108 ≥ 100: ratio 1.08, capped 1, met; stretch
    // 108/120 = 0.9, not met
    let r = t.find("c", "inc", 2022).unwrap();
    assert!((t.column(AchievementColumn::Ratio)[r] - 1.08).abs() < 1e-12);
    assert_eq!(t.score(r), Some(1.0));
    assert_eq!(t.met(r), Some(true));
    let rec = res.achievement("c", "inc", 2022).unwrap();
    let s = rec.stretch.unwrap();
    assert!((s.ratio.unwrap() - 0.9).abs() < 1e-12 && !s.met);
    // unit a, flow 2022: running sum 10 + 12 = 22 of 50: 0.44; elapsed (2022−2020)/5 = 0.4
    let r = t.find("a", "flow", 2022).unwrap();
    assert!((t.measured(r).unwrap() - 22.0).abs() < 1e-12);
    assert!((t.score(r).unwrap() - 0.44).abs() < 1e-12);
    assert!((t.elapsed_share(r) - 0.4).abs() < 1e-12);
    // unit b, gap 2021 is missing: no observation, no score, a note saying so
    let r = t.find("b", "gap", 2021).unwrap();
    assert!(t.column(AchievementColumn::Observed)[r].is_nan());
    assert_eq!(t.score(r), None);
    assert!(t
        .notes(r)
        .iter()
        .any(|n| n.contains("no observation in 2021")));
    // unit a, inc 2021: 85 between the baseline 80 and the target 100, regular progress
    // 5/20 = 0.25: no note (the notes are stored one per entry with their rows: the
    // neighbours' notes must not leak into it)
    let r = t.find("a", "inc", 2021).unwrap();
    assert!((t.column(AchievementColumn::Progress)[r] - 0.25).abs() < 1e-12);
    assert!(t.notes(r).is_empty(), "{:?}", t.notes(r));
    // aggregates and cells by position agree with a search
    for u in ["a", "b", "c"] {
        for y in [2020, 2021, 2022] {
            let by_pos = res.unit_achievement(u, y).unwrap();
            let searched = res
                .aggregates
                .records()
                .find(|a| a.unit == u && a.year == y)
                .unwrap();
            assert_eq!(by_pos, searched);
        }
        for i in ["inc", "gap", "flow"] {
            let k = res.cell_position(u, i).unwrap();
            assert!(res.trends.unit(k) == u && res.trends.indicator(k) == i);
            assert!(res.targets.unit(k) == u && res.targets.indicator(k) == i);
            assert!(res.schedule.unit(k) == u && res.schedule.indicator(k) == i);
        }
    }
}

#[test]
fn every_record_equals_the_per_series_function() {
    // achieve_series is the public per-series computation (ids owned per record); the
    // table must hold exactly what it gives, record by record
    let (fw, p, spec) = (fw(), panel(), MonitorSpec::default());
    let res = monitor(&fw, &p, &spec).unwrap();
    let mut warnings = Vec::new();
    let mut n = 0;
    for u in ["a", "b", "c"] {
        let ui = p.unit_index(u).unwrap();
        for ind in &fw.indicators {
            let values = p.series(ui, p.indicator_index(&ind.id).unwrap());
            let input = SeriesInput {
                unit: u,
                periods: p.periods(),
                values: &values,
                reference: None,
                base_year: 2020,
                framework_target_year: 2025,
            };
            for want in achieve_series(ind, input, &spec, &mut warnings).unwrap() {
                let got = res.achievement(u, &ind.id, want.year).unwrap();
                assert_eq!(got, want, "{u} {} {}", ind.id, want.year);
                n += 1;
            }
        }
    }
    assert_eq!(n, res.achievements.len());
}

#[test]
fn serde_keeps_the_record_form_and_rejects_a_broken_order() {
    let res = monitor(&fw(), &panel(), &MonitorSpec::default()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&res.to_json()).unwrap();
    let list = v["achievements"].as_array().unwrap();
    assert_eq!(list.len(), 27);
    // the record form: ids and year in every record, in row order
    assert_eq!(list[15]["unit"], "b");
    assert_eq!(list[15]["indicator"], "flow");
    assert_eq!(list[15]["year"], 2020);
    assert!(list[0]["score"].is_number());
    // round trip
    let back: MonitorResults = serde_json::from_str(&res.to_json()).unwrap();
    assert_eq!(back, res);
    // the read-back table finds ids by position as the computed one
    assert_eq!(back.achievements.indicator_position("flow"), Some(2));
    assert_eq!(back.achievements.unit_position("b"), Some(1));
    assert_eq!(back.achievements.indicator_position("x"), None);
    // two records of different indicators swapped: refused, naming the record
    let mut broken = v.clone();
    broken["achievements"].as_array_mut().unwrap().swap(3, 6);
    let err = serde_json::from_value::<MonitorResults>(broken)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("achievement record 4") && err.contains("out of order"),
        "{err}"
    );
    // two years swapped: refused
    let mut broken = v.clone();
    broken["achievements"].as_array_mut().unwrap().swap(0, 1);
    let err = serde_json::from_value::<MonitorResults>(broken)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not ascending"), "{err}");
}
