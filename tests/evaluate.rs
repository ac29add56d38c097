//! The core evaluation: unit roles and per-unit targets from the framework, derived
//! targets by hand, the reproducibility fingerprint, and unknown spec members.

use cpindex::data::Panel;
use cpindex::evaluate::{
    evaluate, fingerprint::fingerprint, DistributionDetail, EvaluationSpec, Households, Request,
    VERSION,
};
use cpindex::model::{Framework, TargetSource, UnitRole};

const COUNTY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/frameworks/example-county-2021-2025.json"
);

fn county() -> Framework {
    Framework::from_json_file(COUNTY).unwrap()
}

/// A small panel in the example county framework. `names` picks the unit keys: ids or
/// the Chinese display names (roles must come from the model either way).
fn panel(names: bool) -> Panel {
    let u = |id: &str, zh: &str| {
        if names {
            zh.to_string()
        } else {
            id.to_string()
        }
    };
    let units = vec![
        u("county", "示例县"),
        u("town_a", "甲镇"),
        u("town_b", "乙镇"),
        u("city_average", "示例市平均"),
    ];
    let inds = [
        "gdp",
        "per_capita_disposable_income",
        "urban_per_capita_disposable_income",
        "rural_per_capita_disposable_income",
        "forest_coverage",
    ]
    .map(String::from)
    .to_vec();
    let mut p = Panel::new(units.clone(), vec![2020, 2021], inds).unwrap();
    let rows: [(usize, &str, [f64; 2]); 12] = [
        (0, "gdp", [250.0, 270.0]),
        (1, "gdp", [100.0, 96.0]),
        (2, "gdp", [80.0, 90.0]),
        (3, "gdp", [2000.0, 2100.0]),
        (0, "per_capita_disposable_income", [4.0, 4.2]),
        (1, "per_capita_disposable_income", [4.6, 5.0]),
        (2, "per_capita_disposable_income", [3.8, 4.0]),
        (0, "urban_per_capita_disposable_income", [52000.0, 54000.0]),
        (0, "rural_per_capita_disposable_income", [30000.0, 32000.0]),
        (0, "forest_coverage", [68.0, 69.0]),
        (1, "forest_coverage", [70.0, 72.0]),
        (2, "forest_coverage", [66.0, 68.0]),
    ];
    for (k, ind, v) in rows {
        p.set_by_id(&units[k], 2020, ind, v[0]).unwrap();
        p.set_by_id(&units[k], 2021, ind, v[1]).unwrap();
    }
    p
}

fn households() -> Households {
    // incomes (yuan): 60 000 (w 1), 80 000 (w 2), 200 000 (w 3), 400 000 (w 4)
    Households {
        income: vec![60_000.0, 80_000.0, 200_000.0, 400_000.0],
        size: vec![1.0, 2.0, 2.0, 4.0],
        weight: vec![1.0, 2.0, 3.0, 4.0],
    }
}

fn run(
    fw: &Framework,
    p: &Panel,
    h: Option<&Households>,
    spec: &EvaluationSpec,
) -> cpindex::evaluate::Evaluation {
    evaluate(Request {
        framework: fw,
        panel: p,
        survey: None,
        households: h,
        spec,
    })
    .unwrap()
}

#[test]
fn roles_targets_and_derived_targets_by_hand() {
    let fw = county();
    for names in [false, true] {
        let p = panel(names);
        let h = households();
        let ev = run(&fw, &p, Some(&h), &EvaluationSpec::default());
        let roles: Vec<UnitRole> = ev.units.iter().map(|u| u.role).collect();
        assert_eq!(
            roles,
            [
                UnitRole::Whole,
                UnitRole::Part,
                UnitRole::Part,
                UnitRole::Reference
            ],
            "names = {names}"
        );
        assert_eq!(ev.units[1].name_zh, "甲镇");
        // the reference is neither scored nor summarised; the parts are compared
        assert_eq!(ev.compared, [1, 2]);
        assert_eq!(ev.summaries.len(), 3);
        assert!(ev.index.units.iter().all(|u| u != &p.units()[3]));

        let cell = |unit: usize, ind: &str| {
            let i = ev.indicators.iter().position(|x| x == ind).unwrap() as u32;
            (0..ev.cells.len())
                .find(|&k| ev.cells.unit[k] == unit as u32 && ev.cells.indicator[k] == i)
                .unwrap()
        };
        let c = &ev.cells;
        // gdp, the whole: plan target 300; 270/300 = 90 %
        let k = cell(0, "gdp");
        assert_eq!(
            (c.target[k], c.target_source[k]),
            (Some(300.0), TargetSource::Plan)
        );
        assert!((c.achievement[k].unwrap() - 90.0).abs() < 1e-9);
        // gdp, 甲镇: its own target 120; 96/120 = 80 %
        let k = cell(1, "gdp");
        assert_eq!(
            (c.target[k], c.target_source[k]),
            (Some(120.0), TargetSource::Unit)
        );
        assert!((c.achievement[k].unwrap() - 80.0).abs() < 1e-9);
        // gdp, 乙镇: a size indicator without a target of its own — not scored
        let k = cell(2, "gdp");
        assert_eq!(
            (c.target[k], c.target_source[k]),
            (None, TargetSource::NotScored)
        );
        assert_eq!(c.achievement[k], None);
        // forest coverage is scale-free: the plan's 72 applies to a part; 68/72
        let k = cell(2, "forest_coverage");
        assert_eq!(c.target_source[k], TargetSource::Plan);
        assert!((c.achievement[k].unwrap() - 100.0 * 68.0 / 72.0).abs() < 1e-9);

        // derived targets, 2021
        let d = &ev.distribution;
        // ratio: 54 000 / 32 000 = 1.6875 ≤ 1.7 → met, green
        assert_eq!(d[0].indicator.as_deref(), Some("urban_rural_income_ratio"));
        assert_eq!(d[0].value, Some(54_000.0 / 32_000.0));
        assert_eq!(d[0].colour, cpindex::monitor::Colour::Green);
        // max/min over the parts: 5.0 (甲镇) / 4.0 (乙镇) = 1.25
        assert_eq!(d[1].value, Some(1.25));
        match &d[1].detail {
            DistributionDetail::MaxMinRatio(m) => {
                assert_eq!(m.max_unit, p.units()[1]);
                assert_eq!(m.min_unit, p.units()[2]);
            }
            other => panic!("{other:?}"),
        }
        // band [80 000, 400 000): weights 2 + 3 of 10 = 50 %
        assert_eq!(d[2].value, Some(50.0));
        // Gini and Theil of per-capita income follow
        assert_eq!(d.len(), 5);
        assert!(matches!(d[3].detail, DistributionDetail::Measure { .. }));
    }
}

#[test]
fn fingerprint_changes_with_data_spec_and_version_only() {
    let fw = county();
    let p = panel(false);
    let h = households();
    let spec = EvaluationSpec::default();
    let f = |fw: &Framework, p: &Panel, h: &Households, s: &EvaluationSpec, v: &str| {
        fingerprint(v, fw, p, None, Some(h), s)
    };
    let base = f(&fw, &p, &h, &spec, VERSION);
    assert_eq!(base.len(), 64, "SHA-256 in hex");
    // the same inputs again (new values, same content): the same fingerprint
    assert_eq!(
        base,
        f(
            &county(),
            &panel(false),
            &households(),
            &EvaluationSpec::default(),
            VERSION
        )
    );
    // a spec written out with its defaults is the same spec
    let spelled: EvaluationSpec = serde_json::from_str(
        r#"{"monitor": {"schedule_tolerance": 0.05, "objective_weight": 0.7}}"#,
    )
    .unwrap();
    assert_eq!(base, f(&fw, &p, &h, &spelled, VERSION));
    // one data value
    let mut p2 = p.clone();
    p2.set_by_id("town_b", 2021, "forest_coverage", 68.5)
        .unwrap();
    assert_ne!(base, f(&fw, &p2, &h, &spec, VERSION));
    // one household value
    let mut h2 = h.clone();
    h2.weight[0] = 1.5;
    assert_ne!(base, f(&fw, &p, &h2, &spec, VERSION));
    // one spec field
    let mut s2 = spec.clone();
    s2.monitor.schedule_tolerance = 0.06;
    assert_ne!(base, f(&fw, &p, &h, &s2, VERSION));
    // the library version
    assert_ne!(base, f(&fw, &p, &h, &spec, "0.0.0-other"));
    // and the result carries it
    let ev = run(&fw, &p, Some(&h), &spec);
    assert_eq!(ev.fingerprint.algorithm, "sha256");
    assert_eq!(ev.fingerprint.version, VERSION);
    // deterministic (compared as JSON: the index's NaN cells are `null` there)
    assert_eq!(ev.to_json(), run(&fw, &p, Some(&h), &spec).to_json());
    // streamed, the same text; a failing writer's error comes back as it is
    let mut streamed = Vec::new();
    ev.write_json(&mut streamed).unwrap();
    assert_eq!(String::from_utf8(streamed).unwrap(), ev.to_json());
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let e = ev.write_json(Full).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::StorageFull);
}

#[test]
fn unknown_spec_members_are_errors() {
    for bad in [
        r#"{"monitor": {"schedule_tolerence": 0.5}}"#,
        r#"{"monitor": {"dashboard": {"score_yelow": 0.9}}}"#,
        r#"{"indx": {}}"#,
        r#"{"satisfaction": {"zz": 1}}"#,
        // inside a method of the index spec (serde's derive ignored these)
        r#"{"index": {"normalisation": {"default": {"method": "min_max", "zz": 1}}}}"#,
        r#"{"index": {"aggregation": {"default": {"missing": {"min_shar": 0.5}}}}}"#,
    ] {
        let e = serde_json::from_str::<EvaluationSpec>(bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field"), "{bad}: {e}");
    }
    // through the JSON entry point, the unknown key is named by its whole path
    let csv = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/quzhou.csv"
    ))
    .unwrap();
    let request = serde_json::json!({
        "action": "evaluate", "framework": "quzhou-2021-2025",
        "data": {"csv": csv, "layout": "long"},
        "spec": {"index": {"normalisation": {"default": {"method": "min_max", "zz": 1}}}}
    });
    let e = cpindex::evaluate::request::JsonRequest::from_json(&request.to_string())
        .and_then(|r| r.run().map(|_| ()))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`spec.index.normalisation.default.zz`") && e.contains("unknown field `zz`"),
        "{e}"
    );
    // the index spec as the index action reads it: its defaults written out read back
    let full = serde_json::to_string(&EvaluationSpec::default()).unwrap();
    assert_eq!(
        serde_json::from_str::<EvaluationSpec>(&full).unwrap(),
        EvaluationSpec::default()
    );
    let e = cpindex::monitor::MonitorSpec::from_json(r#"{"schedule_tolerence": 0.5}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("schedule_tolerence"), "{e}");
}

#[test]
fn framework_rejects_inconsistent_plan_facts() {
    let text = std::fs::read_to_string(COUNTY).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["units"][1]["targets"]["no_such"] = serde_json::json!(1.0);
    let e = Framework::from_json(&v.to_string())
        .unwrap_err()
        .to_string();
    assert!(e.contains("no_such"), "{e}");
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["units"][1]["role"] = serde_json::json!("whole");
    let e = Framework::from_json(&v.to_string())
        .unwrap_err()
        .to_string();
    assert!(e.contains("whole"), "{e}");
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["derived_targets"][2]["measure"]["upper"] = serde_json::json!(1.0);
    let e = Framework::from_json(&v.to_string())
        .unwrap_err()
        .to_string();
    assert!(e.contains("lower < upper"), "{e}");
}

/// The cell table carries the figure each cell is judged on and its schedule status, so
/// that a report shows what the colour judges: a level as such, a growth target's
/// compound average (not the last year's rate), a five-year total's running sum (not the
/// year's flow).
#[test]
fn cells_carry_the_judged_figure_and_the_schedule_status() {
    use cpindex::monitor::ScheduleStatus;
    // the example county, 2021: E = (2021 − 2020)/(2025 − 2020) = 0.2, tolerance 0.05
    let fw = county();
    let p = panel(false);
    let ev = run(&fw, &p, None, &EvaluationSpec::default());
    let cell = |unit: usize, ind: &str| {
        let i = ev.indicators.iter().position(|x| x == ind).unwrap() as u32;
        (0..ev.cells.len())
            .find(|&k| ev.cells.unit[k] == unit as u32 && ev.cells.indicator[k] == i)
            .unwrap()
    };
    let c = &ev.cells;
    // gdp of the whole: level 270 judged as such; progress (270 − 250)/(300 − 250) = 0.4
    // ≥ E + τ = 0.25 → ahead
    let k = cell(0, "gdp");
    assert_eq!(c.measured[k], Some(270.0));
    assert_eq!(c.schedule[k], ScheduleStatus::Ahead);
    // 甲镇's gdp against its own 120: (96 − 100)/(120 − 100) = −0.2 < E − τ → lagging
    assert_eq!(c.schedule[cell(1, "gdp")], ScheduleStatus::Lagging);
    // 乙镇's forest coverage: (68 − 66)/(72 − 66) = 1/3 ≥ 0.25 → ahead
    assert_eq!(
        c.schedule[cell(2, "forest_coverage")],
        ScheduleStatus::Ahead
    );
    // 乙镇's gdp is not scored (a size indicator without its own target)
    assert_eq!(c.schedule[cell(2, "gdp")], ScheduleStatus::NotAssessable);

    // the built-in plan, 2022: a growth target given as yearly rates (the default input)
    // and a five-year total given as yearly flows
    let fw = cpindex::model::builtin::default_framework();
    let ids: Vec<String> = fw.units.iter().map(|u| u.id.clone()).collect();
    let (whole, part, reference) = (ids[0].clone(), ids[1].clone(), ids.last().unwrap().clone());
    let inds = [
        "gdp_per_capita",
        "low_income_rural_income_growth",
        "fixed_asset_investment_total",
        "graduate_employment_rate",
    ]
    .map(String::from)
    .to_vec();
    let units = vec![whole.clone(), part.clone(), reference.clone()];
    let mut p = Panel::new(units.clone(), vec![2020, 2021, 2022], inds).unwrap();
    for u in &units {
        for (y, pc, g, fai) in [
            (2020, 8.0, 9.0, 800.0),
            (2021, 9.0, 12.0, 900.0),
            (2022, 10.0, 8.0, 1100.0),
        ] {
            p.set_by_id(u, y, "gdp_per_capita", pc).unwrap();
            p.set_by_id(u, y, "low_income_rural_income_growth", g)
                .unwrap();
            p.set_by_id(u, y, "fixed_asset_investment_total", fai)
                .unwrap();
            // 每年 ≥ 95 %: met in 2020 and 2022, missed in 2021
            let rate = if y == 2021 { 94.0 } else { 96.0 };
            p.set_by_id(u, y, "graduate_employment_rate", rate).unwrap();
        }
    }
    let ev = run(fw, &p, None, &EvaluationSpec::default());
    assert_eq!(ev.year, 2022);
    let cell = |unit: usize, ind: &str| {
        let i = ev.indicators.iter().position(|x| x == ind).unwrap() as u32;
        (0..ev.cells.len())
            .find(|&k| ev.cells.unit[k] == unit as u32 && ev.cells.indicator[k] == i)
            .unwrap()
    };
    let c = &ev.cells;
    // growth: the value of 2022 is the year's rate 8 %, but the target (年均增长10%) judges
    // the compound average of 2021–2022: √(1.12 · 1.08) − 1 = √1.2096 − 1 = 9.98182 %
    let k = cell(0, "low_income_rural_income_growth");
    assert_eq!(c.value[k], 8.0);
    let g = c.measured[k].unwrap();
    assert!((g - 100.0 * (1.2096f64.sqrt() - 1.0)).abs() < 1e-9, "{g}");
    assert_eq!(c.measured_from[k], Some(2020));
    // CAGR / target = 0.998 ≥ 1 − τ → on schedule (a rate is compared with 1)
    assert_eq!(c.schedule[k], ScheduleStatus::OnSchedule);
    // five-year total: the value is the year's flow 1100; judged is the running sum
    // 900 + 1100 = 2000 since 2021, against 5000; 2000/5000 = 0.4 = E_2022 → on schedule
    let k = cell(0, "fixed_asset_investment_total");
    assert_eq!(c.value[k], 1100.0);
    assert_eq!(c.measured[k], Some(2000.0));
    assert_eq!(c.measured_from[k], Some(2021));
    assert_eq!(c.schedule[k], ScheduleStatus::OnSchedule);
    assert_eq!(c.years_met[k], None);
    // annual: 96 ≥ 95 this year, but 2021's 94 missed it; the record counts the plan
    // years after the base year (2021, 2022) and keeps the cell from green: 1 of 2 met
    let k = cell(0, "graduate_employment_rate");
    assert_eq!(c.measured[k], Some(96.0));
    assert_eq!(c.years_met[k], Some([1, 2]));
    assert_ne!(c.colour[k], cpindex::monitor::Colour::Green);
}

/// `EvaluationDetail::index_outputs = false` (what `cpindex report` asks for every format
/// but `evaluation`): the composite index's optional outputs — contributions, obstacle
/// degrees, statistics, correlations, Cronbach's alpha — and the warnings about them are
/// left out; every other part of the evaluation is the same, and the spec and fingerprint
/// stay the caller's (outputs on).
#[test]
fn without_the_index_outputs_only_they_and_their_warnings_are_left_out() {
    use cpindex::evaluate::{evaluate_with_detail, EvaluationDetail};
    let fw = county();
    let p = panel(false);
    let h = households();
    // geometric aggregation: the engine warns that contributions are arithmetic-only
    let spec: EvaluationSpec = serde_json::from_str(
        r#"{"index": {"aggregation": {"default": {"method": {"method": "geometric"}}},
             "normalisation": {"default": {"method": "min_max", "low": 1, "high": 100}}}}"#,
    )
    .unwrap();
    let req = || Request {
        framework: &fw,
        panel: &p,
        survey: None,
        households: Some(&h),
        spec: &spec,
    };
    let full = evaluate(req()).unwrap();
    let detail = EvaluationDetail {
        index_outputs: false,
        ..EvaluationDetail::default()
    };
    let lean = evaluate_with_detail(req(), detail).unwrap();
    // everything outside the index is the same
    assert_eq!(json(&full.cells), json(&lean.cells));
    assert_eq!(json(&full.summaries), json(&lean.summaries));
    assert_eq!(json(&full.distribution), json(&lean.distribution));
    assert_eq!(json(&full.monitor), json(&lean.monitor));
    assert_eq!(full.fingerprint, lean.fingerprint);
    assert_eq!(full.spec, lean.spec);
    assert!(lean.spec.index.outputs.contributions && lean.spec.index.outputs.correlations);
    // the index's numbers are the same
    let (a, b) = (&full.index, &lean.index);
    assert_eq!(format!("{:?}", a.scores), format!("{:?}", b.scores));
    assert_eq!(format!("{:?}", a.ranks), format!("{:?}", b.ranks));
    assert_eq!(format!("{:?}", a.normalised), format!("{:?}", b.normalised));
    assert_eq!(format!("{:?}", a.weights), format!("{:?}", b.weights));
    // the optional outputs: there in the full run, absent in the lean one, which says so
    assert!(!a.contributions.data.is_empty() && !a.obstacles.data.is_empty());
    assert!(!a.statistics.is_empty() && !a.correlations.is_empty() && !a.cronbach.is_empty());
    assert!(b.contributions.data.is_empty() && b.obstacles.data.is_empty());
    assert!(b.dimension_obstacles.data.is_empty());
    assert!(b.statistics.is_empty() && b.correlations.is_empty() && b.cronbach.is_empty());
    assert!(b.parent_correlations.is_empty());
    let o = &b.spec.outputs;
    assert!(!o.contributions && !o.obstacles && !o.statistics && !o.correlations);
    // the warnings: the full run's, less those about the outputs left out
    let about_contributions = |w: &String| w.starts_with("contributions are defined");
    assert!(full.warnings.iter().any(about_contributions));
    let kept: Vec<&String> = full
        .warnings
        .iter()
        .filter(|w| !about_contributions(w))
        .collect();
    assert_eq!(kept, lean.warnings.iter().collect::<Vec<_>>());
}

/// JSON of a part of an evaluation (equality of parts that hold NaN).
fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap()
}

/// The spec-field error of a JSON request: `(field, message, whole text)`.
fn request_error(req: &str) -> (String, String, String) {
    match cpindex::evaluate::request::run_json(req) {
        Err(e @ cpindex::Error::InvalidSpec { .. }) => {
            let text = e.to_string();
            let cpindex::Error::InvalidSpec { field, message } = e else {
                unreachable!()
            };
            (field, message, text)
        }
        other => panic!(
            "{}: expected a spec-field error, got {other:?}",
            &req[..req.len().min(300)]
        ),
    }
}

#[test]
fn json_request_errors_name_the_member_by_its_path() {
    let fw = cpindex::model::builtin::DEFAULT;
    let csv = r#""csv": "unit,period,indicator,value\nquzhou,2020,gdp,1\n""#;
    // docs/json-api.md: unknown members of `data` are named (it was "data did not match
    // any variant of untagged enum DataInput")
    let (field, m, _) = request_error(&format!(
        r#"{{"action": "index", "framework": "{fw}", "data": {{{csv}, "layout": "long", "zz": 1}}}}"#
    ));
    assert_eq!(field, "data.zz", "{m}");
    assert!(
        m.contains("unknown field `zz`") && !m.contains("DataInput"),
        "{m}"
    );
    // a bad layout names `data.layout` and the values allowed
    let (field, m, _) = request_error(&format!(
        r#"{{"action": "index", "framework": "{fw}", "data": {{{csv}, "layout": "Long"}}}}"#
    ));
    assert_eq!(field, "data.layout", "{m}");
    assert!(
        m.contains("`Long`") && m.contains("`long`") && m.contains("`wide`"),
        "{m}"
    );
    // CSV and arrays at once, or neither
    let (field, m, _) = request_error(&format!(
        r#"{{"action": "index", "framework": "{fw}", "data": {{{csv}, "units": ["a"]}}}}"#
    ));
    assert_eq!(field, "data", "{m}");
    assert!(m.contains("`units`") && m.contains("`csv`"), "{m}");
    let (field, m, _) = request_error(&format!(
        r#"{{"action": "index", "framework": "{fw}", "data": {{"units": ["a"], "periods": [2020]}}}}"#
    ));
    assert_eq!(field, "data", "{m}");
    assert!(m.contains("`indicators`") && m.contains("`values`"), "{m}");
    // tests.md F7: a typo inside spec.monitor is named there, not as "request"
    let (field, m, _) = request_error(&format!(
        r#"{{"action": "evaluate", "framework": "{fw}", "data": {{{csv}}},
            "spec": {{"monitor": {{"schedule_tolerence": 0.5}}}}}}"#
    ));
    assert_eq!(field, "spec.monitor.schedule_tolerence", "{m}");
    // an unknown measure: one "spec field" prefix, naming the list element
    let (field, m, text) =
        request_error(r#"{"action": "inequality", "values": [1, 2], "measures": ["palma"]}"#);
    assert_eq!(field, "measures[0]", "{m}");
    assert_eq!(text.matches("spec field").count(), 1, "{text}");
    assert!(m.contains("palma"), "{m}");
    // the request's own members and its action
    let (field, m, _) = request_error(&format!(
        r#"{{"action": "describe", "framework": "{fw}", "bogus": 1}}"#
    ));
    assert_eq!(field, "bogus", "{m}");
    let (field, m, _) = request_error(&format!(r#"{{"action": "rank", "framework": "{fw}"}}"#));
    assert_eq!(field, "action", "{m}");
    assert!(
        m.contains("unknown action `rank`") && m.contains("`describe`"),
        "{m}"
    );
    let (field, _, _) = request_error(&format!(r#"{{"framework": "{fw}"}}"#));
    assert_eq!(field, "action");
    // a 1,000-character key is quoted by 60 characters (docs/c-api.md)
    let key = "k".repeat(1000);
    let (field, m, text) = request_error(&format!(
        r#"{{"action": "describe", "framework": "{fw}", "{key}": 1}}"#
    ));
    assert!(text.len() < 1000, "{} bytes: {text}", text.len());
    assert!(
        field.contains("(1000 bytes)") && m.contains("(1000 bytes)"),
        "{text}"
    );
}

#[test]
fn a_negative_household_income_is_named_by_its_row() {
    // ffi.md #9: it was reported as "values[1]: value -2.5 … Theil index" (income ÷ size)
    let h = Households {
        income: vec![30_000.0, -5.0, 80_000.0, 120_000.0],
        size: vec![1.0, 2.0, 3.0, 4.0],
        weight: vec![1.0; 4],
    };
    let check = |e: cpindex::Error| {
        let text = e.to_string();
        assert!(
            matches!(&e, cpindex::Error::InvalidValue { context, value, .. }
                if context == "households row 1, income" && *value == -5.0),
            "{text}"
        );
        assert!(
            text.contains("value -5 ") && !text.contains("values["),
            "{text}"
        );
    };
    check(h.validate().unwrap_err());
    let fw = county();
    let e = evaluate(Request {
        framework: &fw,
        panel: &panel(false),
        survey: None,
        households: Some(&h),
        spec: &EvaluationSpec::default(),
    })
    .unwrap_err();
    check(e);
    // zero is a valid income (Theil T takes 0 · ln 0 = 0)
    let mut ok = households();
    ok.income[0] = 0.0;
    assert!(ok.validate().is_ok());
}
