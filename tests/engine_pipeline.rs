//! End-to-end pipeline tests on small hand-computed cases.

use cpindex::data::Panel;
use cpindex::method::{run, Spec};
use cpindex::model::Framework;
use cpindex::Error;

/// Toy framework: index `toy` = econ (w 1) + social (w 1);
/// econ = a (higher, w 1) + b (lower, w 1); social = c (higher, w 2) + d (higher, w 1).
fn toy_framework() -> Framework {
    let ind = |id: &str, dim: &str, pol: &str, w: f64| {
        format!(
            r#"{{"id":"{id}","dimension":"{dim}","name_zh":"{id}","name_en":"{id}",
            "unit":{{"label":"x"}},"polarity":{{"type":"{pol}"}},"kind":"level","target":1,"weight":{w}}}"#
        )
    };
    let json = format!(
        r#"{{"id":"toy","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{{"id":"econ","name_zh":"e","name_en":"e","weight":1}},
                      {{"id":"social","name_zh":"s","name_en":"s","weight":1}}],
        "indicators":[{},{},{},{}]}}"#,
        ind("a", "econ", "higher_is_better", 1.0),
        ind("b", "econ", "lower_is_better", 1.0),
        ind("c", "social", "higher_is_better", 2.0),
        ind("d", "social", "higher_is_better", 1.0)
    );
    Framework::from_json(&json).unwrap()
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// 3 units X, Y, Z in one period (2021):
///   a = (10, 20, 30), b = (5, 1, 3) [lower better], c = (100, 200, 400), d = (7, 7, 8).
fn toy_panel() -> Panel {
    let mut v = Vec::new();
    v.extend([10.0, 20.0, 30.0]);
    v.extend([5.0, 1.0, 3.0]);
    v.extend([100.0, 200.0, 400.0]);
    v.extend([7.0, 7.0, 8.0]);
    Panel::from_values(
        ids(&["X", "Y", "Z"]),
        vec![2021],
        ids(&["a", "b", "c", "d"]),
        v,
    )
    .unwrap()
}

fn close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!(
            (x - y).abs() <= tol || (x.is_nan() && y.is_nan()),
            "{a:?} vs {b:?}"
        );
    }
}

/// A unit scoring 0 on a whole dimension while its index is positive: the dimension's
/// indicators contribute exactly 0 (w_eff·y/I with y = 0, OECD/JRC Handbook 2008 step 8),
/// not 0/0 = NaN from dividing by the dimension's own zero score.
#[test]
fn contributions_of_a_dimension_scoring_zero_are_zero() {
    // min–max to [0, 100]:
    //   a: X 30, Y 20, Z 10           → X 100, Y 50,  Z 0
    //   b: X 3, Y 1, Z 5 (lower)      → X 50,  Y 100, Z 0
    //   c: X 100, Y 200, Z 400        → X 0,   Y 33.3333, Z 100
    //   d: X 7, Y 7, Z 8              → X 0,   Y 0,   Z 100
    //   econ = (a + b)/2: X 75, Z 0; social = (2c + d)/3: X 0, Z 100
    //   index: X 37.5, Z 50
    // X: a .25·100/37.5 = 2/3, b .25·50/37.5 = 1/3, c 0, d 0
    // Z: a 0, b 0, c (1/3)·100/50 = 2/3, d (1/6)·100/50 = 1/3
    let p = Panel::from_values(
        ids(&["X", "Y", "Z"]),
        vec![2021],
        ids(&["a", "b", "c", "d"]),
        vec![
            30.0, 20.0, 10.0, 3.0, 1.0, 5.0, 100.0, 200.0, 400.0, 7.0, 7.0, 8.0,
        ],
    )
    .unwrap();
    let r = run(&toy_framework(), &p, &Spec::default()).unwrap();
    close(
        r.scores_for("toy", 2021).unwrap()[..1].as_ref(),
        &[37.5],
        1e-9,
    );
    let of = |u: usize| -> Vec<f64> {
        ["a", "b", "c", "d"]
            .iter()
            .map(|i| r.contributions_for(i, 2021).unwrap()[u])
            .collect()
    };
    close(&of(0), &[2.0 / 3.0, 1.0 / 3.0, 0.0, 0.0], 1e-12);
    close(&of(2), &[0.0, 0.0, 2.0 / 3.0, 1.0 / 3.0], 1e-12);
    assert!(of(1).iter().all(|c| c.is_finite()));
}

#[test]
fn min_max_arithmetic_end_to_end_by_hand() {
    // Hand computation (min–max to [0, 100], polarity-aware):
    //   a: (x−10)/20·100            → X 0,  Y 50,       Z 100
    //   b: (5−x)/4·100 (lower)      → X 0,  Y 100,      Z 50
    //   c: (x−100)/300·100          → X 0,  Y 33.3333,  Z 100
    //   d: (x−7)/1·100              → X 0,  Y 0,        Z 100
    //   econ   = (a + b)/2          → X 0,  Y 75,       Z 75
    //   social = (2c + d)/3         → X 0,  Y 22.2222,  Z 100
    //   index  = (econ + social)/2  → X 0,  Y 48.6111,  Z 87.5
    // n = 3 < 4: kurtosis undefined → no treatment.
    let r = run(&toy_framework(), &toy_panel(), &Spec::default()).unwrap();
    close(
        r.normalised_for("a", 2021).unwrap(),
        &[0.0, 50.0, 100.0],
        1e-9,
    );
    close(
        r.normalised_for("b", 2021).unwrap(),
        &[0.0, 100.0, 50.0],
        1e-9,
    );
    close(
        r.scores_for("econ", 2021).unwrap(),
        &[0.0, 75.0, 75.0],
        1e-9,
    );
    close(
        r.scores_for("social", 2021).unwrap(),
        &[0.0, 200.0 / 9.0, 100.0],
        1e-9,
    );
    close(
        r.scores_for("toy", 2021).unwrap(),
        &[0.0, 48.611_111_111_111_11, 87.5],
        1e-9,
    );
    assert_eq!(r.index_scores(2021), r.scores_for("toy", 2021));
    // ranks: index Z 1, Y 2, X 3; econ Y = Z = 75 tie → min policy 1, 1, X 3
    close(r.ranks_for("toy", 2021).unwrap(), &[3.0, 2.0, 1.0], 0.0);
    close(r.ranks_for("econ", 2021).unwrap(), &[3.0, 1.0, 1.0], 0.0);

    // effective weights a .25, b .25, c 1/3, d 1/6
    let eff = |c: &str| r.weights.iter().find(|w| w.child == c).unwrap().effective;
    close(
        &[eff("a"), eff("b"), eff("c"), eff("d"), eff("econ")],
        &[0.25, 0.25, 1.0 / 3.0, 1.0 / 6.0, 0.5],
        1e-12,
    );

    // contributions of Y: w_eff·y / index = 12.5, 25, 11.1111, 0 over 48.6111
    //   → 0.257143, 0.514286, 0.228571, 0
    let y = 1;
    let contrib: Vec<f64> = ["a", "b", "c", "d"]
        .iter()
        .map(|i| r.contributions_for(i, 2021).unwrap()[y])
        .collect();
    close(
        &contrib,
        &[
            12.5 / 48.611_111_111_111_11,
            25.0 / 48.611_111_111_111_11,
            (100.0 / 9.0) / 48.611_111_111_111_11,
            0.0,
        ],
        1e-9,
    );
    // obstacle degrees of Y: y' = (.5, 1, 1/3, 0); gaps w(1−y') = .125, 0, 2/9, 1/6;
    // total 0.513889 → 0.243243, 0, 0.432432, 0.324324
    let obst: Vec<f64> = ["a", "b", "c", "d"]
        .iter()
        .map(|i| r.obstacles_for(i, 2021).unwrap()[y])
        .collect();
    let tot = 0.125 + 2.0 / 9.0 + 1.0 / 6.0;
    close(
        &obst,
        &[0.125 / tot, 0.0, (2.0 / 9.0) / tot, (1.0 / 6.0) / tot],
        1e-9,
    );
    // X scores 0 everywhere: obstacle degrees equal the effective weights
    let obst_x: Vec<f64> = ["a", "b", "c", "d"]
        .iter()
        .map(|i| r.obstacles_for(i, 2021).unwrap()[0])
        .collect();
    close(&obst_x, &[0.25, 0.25, 1.0 / 3.0, 1.0 / 6.0], 1e-12);

    // statistics of a: mean 20, sd 10, min 10, max 30
    let sa = r.statistics.iter().find(|s| s.indicator == "a").unwrap();
    close(
        &[sa.mean, sa.sd, sa.min, sa.max],
        &[20.0, 10.0, 10.0, 30.0],
        1e-12,
    );
    assert_eq!(sa.n, 3);
    assert!(sa.flags.contains(&"few_observations".to_string()));

    // correlation of a and b (normalised): deviations (−50,0,50), (−50,50,0) → r = 2500/5000 = .5
    let cm = r.correlations.iter().find(|c| c.node == "econ").unwrap();
    assert_eq!(cm.ids, ids(&["a", "b"]));
    close(&cm.values, &[1.0, 0.5, 0.5, 1.0], 1e-12);
    // Cronbach econ: var a = var b = 2500, var(a+b) = var(0,150,150) = 7500 → α = 2(1 − 5000/7500) = 2/3
    let al = r.cronbach.iter().find(|c| c.node == "econ").unwrap();
    assert!((al.alpha - 2.0 / 3.0).abs() < 1e-12);

    // the spec used is in the result, serialisable
    let json = r.to_json();
    assert!(
        json.contains("\"skew_threshold\": 2.0"),
        "spec defaults printed"
    );
    assert!(json.contains("\"toy\""));
    assert!(r.imputed.is_empty() && r.treated.is_empty());
}

#[test]
fn missing_cells_renormalise_and_missing_indicators_are_reported() {
    // Y has no value for a: econ(Y) = b alone = 100 (weights re-normalised over b).
    let mut p = toy_panel();
    p.set_by_id("Y", 2021, "a", f64::NAN).unwrap();
    let r = run(&toy_framework(), &p, &Spec::default()).unwrap();
    // a over X, Z: 10 → 0, 30 → 100
    close(
        r.normalised_for("a", 2021).unwrap(),
        &[0.0, f64::NAN, 100.0],
        1e-9,
    );
    assert!((r.scores_for("econ", 2021).unwrap()[1] - 100.0).abs() < 1e-9);

    // drop indicator d from the panel: social = c only; warning names d
    let v: Vec<f64> = toy_panel().values()[..9].to_vec();
    let p3 =
        Panel::from_values(ids(&["X", "Y", "Z"]), vec![2021], ids(&["a", "b", "c"]), v).unwrap();
    let r = run(&toy_framework(), &p3, &Spec::default()).unwrap();
    assert_eq!(r.missing_indicators, ids(&["d"]));
    assert!(r.warnings.iter().any(|w| w.contains('d')));
    close(
        r.scores_for("social", 2021).unwrap(),
        &[0.0, 100.0 / 3.0, 100.0],
        1e-9,
    );

    let spec = Spec::from_json(r#"{"missing_indicators": "error"}"#).unwrap();
    let e = run(&toy_framework(), &p3, &spec).unwrap_err();
    assert!(matches!(e, Error::MissingValue { .. }), "{e}");
    assert!(e.to_string().contains("`d`"), "{e}");
}

#[test]
fn unknown_panel_indicator_and_period_are_errors() {
    let v = vec![1.0, 2.0, 3.0];
    let p = Panel::from_values(ids(&["X", "Y", "Z"]), vec![2021], ids(&["zzz"]), v).unwrap();
    let e = run(&toy_framework(), &p, &Spec::default()).unwrap_err();
    assert!(matches!(e, Error::UnknownId { .. }), "{e}");
    let spec = Spec::from_json(r#"{"periods": [2019]}"#).unwrap();
    let e = run(&toy_framework(), &toy_panel(), &spec).unwrap_err();
    match e {
        Error::InvalidSpec { field, .. } => assert_eq!(field, "periods"),
        other => panic!("{other}"),
    }
}

#[test]
fn degenerate_inputs_have_defined_results() {
    // constant column d = (7, 7, 7): min–max midpoint 50 for everyone, flagged
    let mut p = toy_panel();
    p.set_by_id("Z", 2021, "d", 7.0).unwrap();
    let r = run(&toy_framework(), &p, &Spec::default()).unwrap();
    close(
        r.normalised_for("d", 2021).unwrap(),
        &[50.0, 50.0, 50.0],
        1e-12,
    );
    assert!(r.warnings.iter().any(|w| w.contains("`d`")));
    let sd = r.statistics.iter().find(|s| s.indicator == "d").unwrap();
    assert!(sd.flags.contains(&"constant".to_string()));

    // a single unit: every column constant → 50; index 50
    let one = Panel::from_values(
        ids(&["X"]),
        vec![2021],
        ids(&["a", "b", "c", "d"]),
        vec![1.0, 2.0, 3.0, 4.0],
    )
    .unwrap();
    let r = run(&toy_framework(), &one, &Spec::default()).unwrap();
    close(r.scores_for("toy", 2021).unwrap(), &[50.0], 1e-12);
    close(r.ranks_for("toy", 2021).unwrap(), &[1.0], 0.0);

    // all missing: scores NaN, ranks NaN, no crash; unit flagged by screening
    let none = Panel::new(ids(&["X", "Y"]), vec![2021], ids(&["a", "b", "c", "d"])).unwrap();
    let r = run(&toy_framework(), &none, &Spec::default()).unwrap();
    assert!(r
        .scores_for("toy", 2021)
        .unwrap()
        .iter()
        .all(|v| v.is_nan()));
    assert!(r.ranks_for("toy", 2021).unwrap().iter().all(|v| v.is_nan()));
    assert_eq!(r.screened.len(), 2);
}

#[test]
fn screening_drop_excludes_the_unit() {
    // Z keeps only a (1 of 4 = 25 % < 2/3): dropped → all its scores NaN; X, Y renormalised
    let mut p = toy_panel();
    for i in ["b", "c", "d"] {
        p.set_by_id("Z", 2021, i, f64::NAN).unwrap();
    }
    let spec = Spec::from_json(r#"{"screening": {"action": "drop"}}"#).unwrap();
    let r = run(&toy_framework(), &p, &spec).unwrap();
    assert_eq!(r.screened.len(), 1);
    assert!(r.screened[0].dropped && r.screened[0].unit == "Z");
    assert!(r.scores_for("toy", 2021).unwrap()[2].is_nan());
    // a over X, Y only: 10 → 0, 20 → 100
    close(
        r.normalised_for("a", 2021).unwrap(),
        &[0.0, 100.0, f64::NAN],
        1e-9,
    );
}

#[test]
fn geometric_level_and_pooled_entropy_run() {
    // geometric at the index with min–max [1, 100] (no zeros); entropy pooled weights
    let spec = Spec::from_json(
        r#"{"normalisation": {"default": {"method": "min_max", "low": 1, "high": 100}},
            "aggregation": {"nodes": {"toy": {"method": {"method": "geometric"}}}},
            "weighting": {"indicators": {"method": "entropy"}, "pooled": true}}"#,
    )
    .unwrap();
    let r = run(&toy_framework(), &toy_panel(), &spec).unwrap();
    let econ = r.scores_for("econ", 2021).unwrap().to_vec();
    let soc = r.scores_for("social", 2021).unwrap().to_vec();
    let idx = r.scores_for("toy", 2021).unwrap();
    for u in 0..3 {
        // equal dimension weights → √(econ·social)
        assert!((idx[u] - (econ[u] * soc[u]).sqrt()).abs() < 1e-9);
    }
    assert!(r.weights.iter().any(|w| w.method == "entropy"));
    assert!(r.warnings.iter().any(|w| w.contains("contributions")));
}

#[test]
fn ranks_ties_and_nan_small_and_large() {
    use cpindex::method::normalise::Ties;
    use cpindex::method::pipeline::rank_descending;
    // by hand: scores (5, 7, 7, NaN, −1, 0, −0) → 7, 7 first; 5; 0 and −0 tie; −1 last
    let s = [5.0, 7.0, 7.0, f64::NAN, -1.0, 0.0, -0.0];
    let r = rank_descending(&s, Ties::Min);
    close(&r, &[3.0, 1.0, 1.0, f64::NAN, 6.0, 4.0, 4.0], 0.0);
    let r = rank_descending(&s, Ties::Average);
    close(&r, &[3.0, 1.5, 1.5, f64::NAN, 6.0, 4.5, 4.5], 0.0);
    let r = rank_descending(&s, Ties::Max);
    close(&r, &[3.0, 2.0, 2.0, f64::NAN, 6.0, 5.0, 5.0], 0.0);
    // 1000 units (radix path): score_u = (u mod 100) − 50.5 → each value 10 times;
    // value v = k − 50.5 (k = 0..99) has 10·(99 − k) larger values → min rank 10·(99 − k) + 1
    let s: Vec<f64> = (0..1000).map(|u| (u % 100) as f64 - 50.5).collect();
    let r = rank_descending(&s, Ties::Min);
    for (u, &rk) in r.iter().enumerate() {
        let k = (u % 100) as f64;
        assert_eq!(rk, 10.0 * (99.0 - k) + 1.0);
    }
    let r = rank_descending(&s, Ties::Average);
    assert_eq!(r[99], 5.5); // the 10 largest share ranks 1..10
}

#[test]
fn treatment_in_the_pipeline_reports_winsorised_points_and_log_columns() {
    let fw = Framework::from_json(
        r#"{"id":"t","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{"id":"d","name_zh":"d","name_en":"d"}],
        "indicators":[{"id":"x","dimension":"d","name_zh":"x","name_en":"x","unit":{"label":"u"},
        "polarity":{"type":"higher_is_better"},"kind":"level","target":1},
        {"id":"y","dimension":"d","name_zh":"y","name_en":"y","unit":{"label":"u"},
        "polarity":{"type":"higher_is_better"},"kind":"level","target":1}]}"#,
    )
    .unwrap();
    // x: fifty 1s and 2^1..2^11 → log_CT (see engine_treat.rs for the Python reference);
    // y: 1..10, 30, 100 padded with 49 copies of 5 → only checked to be reported if treated.
    let mut xs = vec![1.0; 50];
    xs.extend((1..12).map(|i| f64::from(1u32 << i)));
    let mut ys: Vec<f64> = (1..=10).map(f64::from).collect();
    ys.extend([30.0, 100.0]);
    ys.extend(std::iter::repeat(5.0).take(49));
    let units: Vec<String> = (0..61).map(|u| format!("u{u}")).collect();
    let mut v = xs.clone();
    v.extend(&ys);
    let p = Panel::from_values(units, vec![2021], ids(&["x", "y"]), v).unwrap();
    let r = run(&fw, &p, &Spec::default()).unwrap();
    let tx = r.treatment.iter().find(|t| t.indicator == "x").unwrap();
    assert!(tx.log_applied && tx.still_fails);
    assert!((tx.log_offset - 19.47).abs() < 1e-12);
    assert!(r.treated.iter().all(|t| t.indicator != "x"));
    // min–max of ln(x + 19.47): the 1s → 0, 2048 → 100
    let nx = r.normalised_for("x", 2021).unwrap();
    assert!(nx[0].abs() < 1e-12 && (nx[60] - 100.0).abs() < 1e-12);
    // value of 2^10 = 1024: 100·(ln(1043.47) − ln(20.47))/(ln(2067.47) − ln(20.47))
    let e = 100.0 * ((1043.47f64).ln() - 20.47f64.ln()) / (2067.47f64.ln() - 20.47f64.ln());
    assert!((nx[59] - e).abs() < 1e-9);
    // every winsorised point of y is listed with before/after
    for t in r.treated.iter() {
        assert_eq!(t.indicator, "y");
        assert!(t.after < t.before);
    }
}

#[test]
fn builtin_framework_from_long_csv_with_partial_data() {
    // Three counties, two years, three of the built-in indicators (illustrative values;
    // gdp_per_capita in 万元, the indicator's unit).
    let csv = "unit,period,indicator,value,illustrative\n\
               kecheng,2021,gdp_per_capita,9,true\n\
               qujiang,2021,gdp_per_capita,7,true\n\
               longyou,2021,gdp_per_capita,6,true\n\
               kecheng,2021,urban_rural_income_ratio,1.7,true\n\
               qujiang,2021,urban_rural_income_ratio,1.8,true\n\
               longyou,2021,urban_rural_income_ratio,1.9,true\n\
               kecheng,2021,pm25_concentration,25,true\n\
               qujiang,2021,pm25_concentration,30,true\n\
               longyou,2021,pm25_concentration,,true\n\
               kecheng,2022,gdp_per_capita,9.5,true\n";
    let fw = cpindex::model::builtin::quzhou();
    let p = cpindex::data::read_long_csv_str(csv, Some(fw)).unwrap();
    let r = run(fw, &p, &Spec::default()).unwrap();
    assert_eq!(r.framework_id, fw.id);
    assert!(!r.missing_indicators.is_empty());
    // urban_rural_income_ratio is lower-is-better: 1.7 → 100, 1.8 → 50, 1.9 → 0
    let n = r.normalised_for("urban_rural_income_ratio", 2021).unwrap();
    close(n, &[100.0, 50.0, 0.0], 1e-9);
    // every unit has an index score in 2021; ranks 1..3 are a permutation
    let s = r.index_scores(2021).unwrap();
    assert!(s.iter().all(|v| v.is_finite()));
    let mut rk = r.ranks_for(&fw.id, 2021).unwrap().to_vec();
    rk.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(rk, vec![1.0, 2.0, 3.0]);
    // 2022: only kecheng has data (1 of 3 indicators) → flagged by screening, still scored
    assert!(r
        .screened
        .iter()
        .any(|s| s.unit == "kecheng" && s.period == 2022));
    assert!(r.index_scores(2022).unwrap()[0].is_finite());
    assert!(r.index_scores(2022).unwrap()[1].is_nan());
    serde_json::to_string(&r).unwrap();
}

/// The same hand computation as `min_max_arithmetic_end_to_end_by_hand`, on the path where
/// the min–max map is written without the moments pass (treatment and statistics off), on
/// 300 units × 40 periods (the three-unit block repeated) so that the normalised cube
/// (384 KB) is one the library's buffer cache may hand out: every cell must be the hand
/// value; a cell the engine failed to write holds a stale value (release) or the debug
/// poison, and fails here (checked by skipping one cell of the min–max map: it fails).
#[test]
fn min_max_without_moments_writes_every_normalised_cell() {
    let spec = Spec::from_json(
        r#"{"treatment": {"enabled": false},
            "outputs": {"statistics": false, "correlations": false}}"#,
    )
    .unwrap();
    let fw = toy_framework();
    let (nu, np) = (300, 40);
    let units: Vec<String> = (0..nu).map(|u| format!("U{u:03}")).collect();
    let periods: Vec<i32> = (0..np).map(|p| 2000 + p as i32).collect();
    let base = [
        [10.0, 20.0, 30.0],
        [5.0, 1.0, 3.0],
        [100.0, 200.0, 400.0],
        [7.0, 7.0, 8.0],
    ];
    // hand values of the three-unit block (see the test above); the block repeated keeps
    // every column's min and max, so the same normalised values hold for every copy
    let want = [
        [0.0, 50.0, 100.0],
        [0.0, 100.0, 50.0],
        [0.0, 100.0 / 3.0, 100.0],
        [0.0, 0.0, 100.0],
    ];
    let mut v = Vec::with_capacity(4 * np * nu);
    for col in &base {
        for _ in 0..np {
            v.extend((0..nu).map(|u| col[u % 3]));
        }
    }
    let panel = Panel::from_values(units, periods.clone(), ids(&["a", "b", "c", "d"]), v).unwrap();
    // twice: the panel and the first results stay alive, so the second run's buffers are
    // fresh again; both must be written in full
    for _ in 0..2 {
        let r = run(&fw, &panel, &spec).unwrap();
        for (k, id) in ["a", "b", "c", "d"].iter().enumerate() {
            for &p in &periods {
                let got = r.normalised_for(id, p).unwrap();
                let exp: Vec<f64> = (0..nu).map(|u| want[k][u % 3]).collect();
                close(got, &exp, 1e-9);
            }
        }
    }
}

/// One dimension of `n` indicators over 3 units in one period (values differ by unit and
/// indicator).
fn wide(n: usize) -> (Framework, Panel) {
    let inds: Vec<serde_json::Value> = (0..n)
        .map(|k| {
            serde_json::json!({
                "id": format!("i{k}"), "dimension": "d", "name_zh": "x", "name_en": "x",
                "unit": {"label": "x"}, "polarity": {"type": "higher_is_better"},
                "kind": "level", "target": 1.0, "weight": 1.0
            })
        })
        .collect();
    let fw = serde_json::json!({
        "id": "wide", "title_zh": "t", "title_en": "t", "base_year": 2020, "target_year": 2025,
        "dimensions": [{"id": "d", "name_zh": "d", "name_en": "d", "weight": 1.0}],
        "indicators": inds
    });
    let fw = Framework::from_json(&fw.to_string()).unwrap();
    let ind_ids: Vec<String> = (0..n).map(|k| format!("i{k}")).collect();
    let mut v = Vec::with_capacity(3 * n);
    for k in 0..n {
        for u in 0..3 {
            v.push(1.0 + u as f64 * (1 + k % 5) as f64 + (k % 7) as f64);
        }
    }
    let p = Panel::from_values(ids(&["a", "b", "c"]), vec![2021], ind_ids, v).unwrap();
    (fw, p)
}

/// A dimension of 12,000 indicators: its correlation matrix would hold 144 million values
/// (more than the panel cell limit, 2^27; at 100,000 indicators, 80 GB and an aborted
/// host). The optional matrix is left out with a warning naming the node and the sizes;
/// the children's correlations with the node and Cronbach's alpha are still there. PCA or
/// CRITIC weights over those indicators need the matrix: an error, before allocating.
#[test]
fn a_correlation_matrix_past_the_limit_is_left_out_or_refused() {
    let n = 12_000;
    let (fw, p) = wide(n);
    let res = run(&fw, &p, &Spec::default()).unwrap();
    assert!(res.correlations.iter().all(|c| c.node != "d"));
    // the index node's own matrix (one child) is still computed
    assert!(res.correlations.iter().any(|c| c.node == fw.id));
    let w = res
        .warnings
        .iter()
        .find(|w| w.starts_with("node `d`"))
        .expect("a warning about node d");
    assert!(
        w.contains("12000 children are not computed") && w.contains("12000² values × 1 periods"),
        "{w}"
    );
    assert_eq!(
        res.parent_correlations
            .iter()
            .filter(|c| c.parent == "d")
            .count(),
        n
    );
    assert!(res.cronbach.iter().any(|c| c.node == "d" && c.k == n));
    for method in ["pca", "critic"] {
        let spec = Spec::from_json(&format!(
            r#"{{"weighting": {{"indicators": {{"method": "{method}"}}}}}}"#
        ))
        .unwrap();
        let e = run(&fw, &p, &spec).unwrap_err().to_string();
        assert!(
            e.contains("weights")
                && e.contains(
                    "12000 indicators × 12000 indicators = 144000000 is more than the limit"
                ),
            "{method}: {e}"
        );
    }
    // a dimension of 100 indicators keeps its matrix
    let (fw, p) = wide(100);
    let res = run(&fw, &p, &Spec::default()).unwrap();
    let m = res.correlations.iter().find(|c| c.node == "d").unwrap();
    assert_eq!(m.values.len(), 100 * 100);
    assert!(res.warnings.iter().all(|w| !w.starts_with("node `d`")));
}

/// `Cube::index` (ids sorted once, a binary search per lookup) answers as the linear search
/// `ids.iter().position` does — the first position of an id — for cubes below and above
/// the size where it starts sorting (16), with repeated ids, ids that are prefixes of
/// others, non-ASCII ids and absent ids; and an `IdOrder` asked about another list than
/// its own never returns a position that does not hold the id.
#[test]
fn a_cube_index_finds_every_id_where_a_linear_search_does() {
    use cpindex::method::{Cube, IdOrder};
    for n in [0usize, 1, 2, 15, 16, 17, 40, 1_000] {
        // a scrambled order (multiplicative step coprime to n), some ids repeated
        let ids: Vec<String> = (0..n)
            .map(|k| {
                let j = (k * 7919 + 13) % n.max(1);
                match j % 5 {
                    0 => format!("d{}", j / 3), // repeats: d0 d0 d0 d1 …
                    1 => format!("指标{j}"),
                    2 => "a".repeat(1 + j % 4), // a, aa, aaa, aaaa: prefixes
                    _ => format!("i{j}"),
                }
            })
            .collect();
        let mut absent: Vec<String> = ["", "zz", "a0", "i", "指标", "d", "aaaaa"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        absent.retain(|a| !ids.contains(a));
        let cube = Cube::new(ids.clone(), 2, 3);
        let index = cube.index();
        for id in ids.iter().chain(&absent) {
            let linear = ids.iter().position(|x| x == id);
            assert_eq!(index.position(id), linear, "n = {n}, `{id}`");
            assert_eq!(cube.index_of(id), linear, "n = {n}, `{id}`");
            assert_eq!(
                index.get(id, 1).map(<[f64]>::as_ptr),
                linear.map(|k| cube.column(k, 1).as_ptr())
            );
            assert!(index.get(id, 2).is_none(), "period position past the cube");
        }
        // another list: a moved, a renamed and an added id
        let order = IdOrder::new(&ids);
        let mut other = ids.clone();
        if n >= 2 {
            other.swap(0, n - 1);
            other[n / 2] = "renamed".into();
        }
        other.push("added".into());
        for id in other.iter().chain(&absent) {
            if let Some(k) = order.find(&other, id) {
                assert_eq!(&other[k], id, "n = {n}");
            }
        }
    }
}

/// Every node's and indicator's column read by id — by a search (`scores_for` …) and by
/// the ids sorted once (`Cube::index`, as the CLI's tables read them) — is the column at
/// its position in the cube, in a framework of 300 dimensions.
#[test]
fn columns_read_by_id_are_the_columns_at_their_positions() {
    let n_dims = 300;
    let dims: Vec<serde_json::Value> = (0..n_dims)
        .map(|k| serde_json::json!({"id": format!("d{k}"), "name_zh": "d", "name_en": "d", "weight": 1.0 + (k % 3) as f64}))
        .collect();
    let inds: Vec<serde_json::Value> = (0..2 * n_dims)
        .map(|k| {
            serde_json::json!({
                "id": format!("i{k}"), "dimension": format!("d{}", k / 2), "name_zh": "x",
                "name_en": "x", "unit": {"label": "x"}, "polarity": {"type": "higher_is_better"},
                "kind": "level", "target": 1.0, "weight": 1.0
            })
        })
        .collect();
    let fw = serde_json::json!({
        "id": "many", "title_zh": "t", "title_en": "t", "base_year": 2020, "target_year": 2025,
        "dimensions": dims, "indicators": inds
    });
    let fw = Framework::from_json(&fw.to_string()).unwrap();
    let ind_ids: Vec<String> = (0..2 * n_dims).map(|k| format!("i{k}")).collect();
    let mut v = Vec::new();
    for p in 0..2 {
        for k in 0..2 * n_dims {
            for u in 0..4 {
                v.push(1.0 + ((u * 31 + k * 17 + p * 5) % 23) as f64);
            }
        }
    }
    let p = Panel::from_values(ids(&["a", "b", "c", "d"]), vec![2021, 2022], ind_ids, v).unwrap();
    let res = run(&fw, &p, &Spec::default()).unwrap();
    assert_eq!(res.nodes.len(), n_dims + 1);
    let (scores, ranks, normalised) = (
        res.scores.index(),
        res.ranks.index(),
        res.normalised.index(),
    );
    for (q, &period) in res.periods.iter().enumerate() {
        // nodes: the scores and ranks cubes hold them in `Results::nodes` order
        for (k, node) in res.nodes.iter().enumerate() {
            for (cube, index, by_id) in [
                (&res.scores, &scores, res.scores_for(&node.id, period)),
                (&res.ranks, &ranks, res.ranks_for(&node.id, period)),
            ] {
                assert_eq!(cube.ids[k], node.id);
                let at = cube.column(k, q).as_ptr();
                assert_eq!(by_id.map(<[f64]>::as_ptr), Some(at), "{}", node.id);
                assert_eq!(index.get(&node.id, q).map(<[f64]>::as_ptr), Some(at));
            }
        }
        for id in &res.indicators {
            let at = res.normalised.index_of(id).unwrap();
            assert_eq!(&res.normalised.ids[at], id);
            assert_eq!(normalised.position(id), Some(at));
            assert_eq!(
                res.normalised_for(id, period).unwrap().as_ptr(),
                res.normalised.column(at, q).as_ptr()
            );
        }
        assert!(res.scores_for("d300", period).is_none());
        assert!(res.scores_for("i0", period).is_none());
    }
}

/// Framework weights near f64::MAX (accepted by the framework's validation) weigh as their
/// ratios: every weight 1e308 is the equal-weight index, not "all weights are 0" (their
/// sum is +inf; review methods, minor).
#[test]
fn framework_weights_near_the_largest_double_weigh_as_their_ratios() {
    let fw = toy_framework();
    let mut big = fw.clone();
    for d in big.dimensions.iter_mut() {
        d.weight = 1.5e308;
    }
    for (i, w) in big.indicators.iter_mut().zip([1.0, 1.0, 2.0, 1.0]) {
        i.weight = w * 0.6e308;
    }
    let spec = Spec::default();
    let want = run(&fw, &toy_panel(), &spec).unwrap();
    let got = run(&big, &toy_panel(), &spec).unwrap();
    close(
        got.index_scores(2021).unwrap(),
        want.index_scores(2021).unwrap(),
        1e-12,
    );
}
