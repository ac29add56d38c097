//! Downstream-only re-runs ([`Upstream::rerun`]) against whole runs ([`run`]) with the same
//! spec and weights: every cube bit for bit.

use std::collections::HashMap;

use super::{run, Upstream};
use crate::data::Panel;
use crate::method::{Results, Spec};
use crate::model::Framework;

/// index → 2 dimensions → 2 sub-dimensions each → 3 indicators (12 indicators); weights
/// 1, 2, 3; every third indicator lower-is-better.
fn framework() -> Framework {
    let mut dims = Vec::new();
    let mut inds = Vec::new();
    for d in 0..2 {
        dims.push(serde_json::json!({"id": format!("d{d}"), "name_zh": "d", "name_en": "d", "weight": 1.0 + d as f64}));
        for s in 0..2 {
            let sid = format!("d{d}_s{s}");
            dims.push(serde_json::json!({"id": sid, "parent": format!("d{d}"), "name_zh": "s", "name_en": "s"}));
            for k in 0..3 {
                let j = (d * 2 + s) * 3 + k;
                let pol = if j % 3 == 0 {
                    "lower_is_better"
                } else {
                    "higher_is_better"
                };
                inds.push(serde_json::json!({
                    "id": format!("i{j}"), "dimension": sid, "name_zh": "i", "name_en": "i",
                    "unit": {"label": "x"}, "polarity": {"type": pol}, "kind": "level",
                    "target": 50.0, "weight": 1.0 + k as f64
                }));
            }
        }
    }
    let fw = serde_json::json!({
        "id": "fx", "title_zh": "f", "title_en": "f", "base_year": 2020, "target_year": 2025,
        "dimensions": dims, "indicators": inds
    });
    Framework::from_json(&fw.to_string()).unwrap()
}

/// 40 units × 3 periods, positive values, 4 % missing, indicators 0 and 6 heavy-tailed
/// (treated by the default rule).
fn panel(fw: &Framework) -> Panel {
    let (nu, np) = (40usize, 3i32);
    let mut s = 0x2545_F491_4F6C_DD1Du64;
    let mut r = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
    let mut v = Vec::new();
    for j in 0..ids.len() {
        for _ in 0..nu * np as usize {
            let (a, b) = (r(), r());
            v.push(if b < 0.04 {
                f64::NAN
            } else if j % 6 == 0 {
                1.0 + a.powi(12) * 1e4
            } else {
                1.0 + 99.0 * a
            });
        }
    }
    Panel::from_values(
        (0..nu).map(|u| format!("u{u:02}")).collect(),
        (0..np).map(|p| 2021 + p).collect(),
        ids,
        v,
    )
    .unwrap()
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

fn spec(json: &str) -> Spec {
    Spec::from_json(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

/// The framework with indicator weights replaced.
fn reweighted(fw: &Framework, w: &HashMap<&str, f64>) -> Framework {
    let mut f = fw.clone();
    for i in f.indicators.iter_mut() {
        if let Some(&x) = w.get(i.id.as_str()) {
            i.weight = x;
        }
    }
    f
}

fn check(label: &str, full: &Results, up: &Upstream, s: &Spec, w: Option<&HashMap<&str, f64>>) {
    let cubes = up.rerun(s, w).unwrap_or_else(|e| panic!("{label}: {e}"));
    assert_eq!(cubes.periods, full.periods, "{label}");
    let plan = up.plan.derive(s, w).unwrap();
    let re = up.downstream_of(&plan).unwrap();
    for (cube, whole, what) in [
        (&cubes.scores, &full.scores, "scores"),
        (&cubes.ranks, &full.ranks, "ranks"),
        (&re.scores, &full.scores, "scores"),
        (&re.ranks, &full.ranks, "ranks"),
        (&*re.normalised, &full.normalised, "normalised"),
        (&re.contributions, &full.contributions, "contributions"),
        (&re.obstacles, &full.obstacles, "obstacles"),
        (
            &re.dimension_obstacles,
            &full.dimension_obstacles,
            "dimension obstacles",
        ),
    ] {
        assert_eq!(cube.ids, whole.ids, "{label}: {what}");
        assert!(same(&cube.data, &whole.data), "{label}: {what}");
    }
    assert_eq!(re.correlations.len(), full.correlations.len(), "{label}");
    for (a, b) in re.correlations.iter().zip(&full.correlations) {
        assert_eq!((&a.node, a.period, &a.ids), (&b.node, b.period, &b.ids));
        assert!(same(&a.values, &b.values), "{label}: correlations");
    }
    assert_eq!(re.parent_correlations.len(), full.parent_correlations.len());
    for (a, b) in re.parent_correlations.iter().zip(&full.parent_correlations) {
        assert_eq!(
            (&a.child, &a.parent, a.period),
            (&b.child, &b.parent, b.period)
        );
        assert!(same(&[a.r], &[b.r]), "{label}: parent correlations");
    }
    assert_eq!(re.cronbach.len(), full.cronbach.len(), "{label}");
    for (a, b) in re.cronbach.iter().zip(&full.cronbach) {
        assert_eq!((&a.node, a.period, a.k), (&b.node, b.period, b.k));
        assert!(same(&[a.alpha], &[b.alpha]), "{label}: Cronbach's alpha");
    }
    assert_eq!(re.ahp, full.ahp, "{label}");
    let table = super::weigh::weights_table(&plan, &re);
    assert_eq!(table.len(), full.weights.len(), "{label}");
    for (a, b) in table.iter().zip(&full.weights) {
        assert_eq!((&a.node, &a.child, a.period), (&b.node, &b.child, b.period));
        assert!(
            same(
                &[a.raw, a.normalised, a.effective],
                &[b.raw, b.normalised, b.effective]
            ),
            "{label}: weight {} / {}",
            a.node,
            a.child
        );
    }
}

/// Upstream settings (screening, imputation, treatment) × downstream variants
/// (normalisation, weighting, aggregation, weights): the re-run equals the whole run.
#[test]
fn downstream_reruns_equal_whole_runs_bit_for_bit() {
    let fw = framework();
    let p = panel(&fw);
    let upstreams = [
        r#"{}"#,
        r#"{"treatment": {"enabled": false}}"#,
        r#"{"imputation": {"method": "linear"}}"#,
        r#"{"screening": {"min_availability": 0.95, "action": "drop"}}"#,
        r#"{"screening": {"min_availability": 0.95, "action": "flag"}, "outputs": {"statistics": true}}"#,
    ];
    let downstreams = [
        r#""ranks": {"index_only": false}"#,
        r#""normalisation": {"default": {"method": "z_score"}}"#,
        r#""normalisation": {"default": {"method": "rank"}}"#,
        r#""normalisation": {"default": {"method": "min_max", "low": 1, "high": 100}}, "aggregation": {"default": {"method": {"method": "geometric"}}}"#,
        r#""normalisation": {"default": {"method": "percentile_rank"}, "indicators": {"i3": {"method": "min_max"}}}"#,
        r#""normalisation": {"default": {"method": "min_max"}, "pooled": true}"#,
        r#""normalisation": {"default": {"method": "distance_to_reference", "unit": "u03"}}"#,
        r#""weighting": {"indicators": {"method": "entropy"}}"#,
        r#""weighting": {"indicators": {"method": "equal"}, "dimensions": {"method": "critic"}}"#,
        r#""weighting": {"indicators": {"method": "entropy"}, "scope": "global"}"#,
        r#""aggregation": {"default": {"method": {"method": "topsis"}}}"#,
        r#""normalisation": {"default": {"method": "identity"}}, "aggregation": {"default": {"method": {"method": "topsis", "normalisation": "none"}}}"#,
        r#""aggregation": {"default": {"method": {"method": "arithmetic"}, "missing": {"min_share": 0.9, "by_weight": false}}}"#,
        r#""outputs": {"contributions": true, "obstacles": true, "correlations": true}"#,
    ];
    let weights: HashMap<&str, f64> = fw
        .indicators
        .iter()
        .enumerate()
        .map(|(j, i)| (i.id.as_str(), 0.5 + (j * 7 % 5) as f64 * 0.3))
        .collect();
    let fw_w = reweighted(&fw, &weights);
    let mut checked = 0;
    for up_json in upstreams {
        let s0 = spec(up_json);
        let up = Upstream::prepare(&fw, &p, s0.clone(), None).unwrap();
        if s0.treatment.enabled {
            // the heavy-tailed columns were treated: re-normalising reads them back
            let kept = up.work.prep.kept.as_ref().unwrap();
            assert!(kept.iter().any(|k| k.is_some()), "{up_json}");
        }
        // the prepared spec itself, and with new weights
        check(up_json, &run(&fw, &p, &s0).unwrap(), &up, &s0, None);
        check(
            up_json,
            &run(&fw_w, &p, &s0).unwrap(),
            &up,
            &s0,
            Some(&weights),
        );
        for down in downstreams {
            // the upstream sections of s0 with the downstream sections of `down`
            let mut v: serde_json::Value = serde_json::from_str(up_json).unwrap();
            let d: serde_json::Value = serde_json::from_str(&format!("{{{down}}}")).unwrap();
            for (k, x) in d.as_object().unwrap() {
                v[k] = x.clone();
            }
            let s1 = spec(&v.to_string());
            let label = format!("{up_json} + {down}");
            check(&label, &run(&fw, &p, &s1).unwrap(), &up, &s1, None);
            check(
                &label,
                &run(&fw_w, &p, &s1).unwrap(),
                &up,
                &s1,
                Some(&weights),
            );
            checked += 2;
        }
    }
    assert_eq!(checked, 5 * 14 * 2);
}

#[test]
fn a_rerun_refuses_a_different_upstream_and_reports_the_spec_errors() {
    let fw = framework();
    let p = panel(&fw);
    let up = Upstream::prepare(&fw, &p, Spec::default(), None).unwrap();
    let other = spec(r#"{"treatment": {"enabled": false}}"#);
    assert!(up.rerun(&other, None).is_err());
    // the whole run's error for a reference unit not in the panel
    let bad = spec(
        r#"{"normalisation": {"default": {"method": "distance_to_reference", "unit": "nope"}}}"#,
    );
    let whole = run(&fw, &p, &bad).unwrap_err();
    assert_eq!(up.rerun(&bad, None).unwrap_err(), whole);
    // a negative weight is refused as by the framework's validation
    let w: HashMap<&str, f64> = [("i1", -1.0)].into_iter().collect();
    assert!(up.rerun(&Spec::default(), Some(&w)).is_err());
}
