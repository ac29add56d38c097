//! Uncertainty and sensitivity analysis (issue 18) on a 51-unit × 49-indicator index with
//! 4 uncertain assumptions — normalisation (min–max, z-score on the 100/10 scale, rank),
//! aggregation (arithmetic, geometric), treatment (on, off) and weight noise (±25 %) —
//! with N = 100 (600 index regenerations) and 100 bootstrap draws: COINr's ASEM example
//! size, which takes about a minute in R. Target < 60 ms on a 2-core machine.
//!
//! `ua_sa_n*` runs the whole analysis at N = 50, 100, 200 to show it is linear in N;
//! `pipeline_one_run` is one regeneration (the floor: the analysis is ~N(k + 2) of them).
//!
//! Framework: index → 7 dimensions → 7 indicators each (weights 1–3, every 3rd indicator
//! lower-is-better); data: one period, deterministic pseudo-random positive values, every
//! 8th indicator heavy-tailed so the treatment alternative matters.

use std::hint::black_box;

use cpindex::data::Panel;
use cpindex::method::{run, Spec};
use cpindex::model::Framework;
use cpindex::sensitivity::{analyse, Assumption, SensitivitySpec};
use criterion::{criterion_group, criterion_main, Criterion};

fn framework() -> Framework {
    let mut dims = Vec::new();
    let mut inds = Vec::new();
    for d in 0..7 {
        dims.push(serde_json::json!({"id": format!("d{d}"), "name_zh": "d", "name_en": "d", "weight": 1.0 + (d % 2) as f64}));
        for k in 0..7 {
            let j = d * 7 + k;
            let pol = if j % 3 == 0 {
                "lower_is_better"
            } else {
                "higher_is_better"
            };
            inds.push(serde_json::json!({
                "id": format!("i{j}"), "dimension": format!("d{d}"), "name_zh": "i",
                "name_en": "i", "unit": {"label": "x"}, "polarity": {"type": pol},
                "kind": "level", "target": 1.0, "weight": 1.0 + (k % 3) as f64
            }));
        }
    }
    let fw = serde_json::json!({
        "id": "bench", "title_zh": "b", "title_en": "b", "base_year": 2020, "target_year": 2025,
        "dimensions": dims, "indicators": inds
    });
    Framework::from_json(&fw.to_string()).expect("valid synthetic framework")
}

fn panel(fw: &Framework) -> Panel {
    let units: Vec<String> = (0..51).map(|u| format!("u{u}")).collect();
    let ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut v = Vec::new();
    for j in 0..ids.len() {
        for _ in 0..51 {
            let r = next();
            v.push(if j % 8 == 0 {
                1.0 + r + if next() < 0.05 { 1e3 * next() } else { 0.0 }
            } else {
                10.0 + 90.0 * r
            });
        }
    }
    Panel::from_values(units, vec![2024], ids, v).expect("synthetic panel")
}

fn spec(n: usize) -> SensitivitySpec {
    let a = |j: serde_json::Value| -> Assumption { serde_json::from_value(j).unwrap() };
    let mut s = SensitivitySpec::new(
        Spec::default(),
        vec![
            a(
                serde_json::json!({"kind": "normalisation", "alternatives": [
                {"default": {"method": "min_max"}},
                {"default": {"method": "z_score", "mean": 100.0, "sd": 10.0}},
                {"default": {"method": "rank"}}]}),
            ),
            a(serde_json::json!({"kind": "aggregation", "alternatives": [
                {}, {"default": {"method": {"method": "geometric", "shift": 1.0}}}]})),
            a(serde_json::json!({"kind": "treatment", "alternatives": [
                {"enabled": true}, {"enabled": false}]})),
            Assumption::WeightNoise { delta: 0.25 },
        ],
    );
    s.n = n;
    s.bootstrap = 100;
    s
}

fn bench(c: &mut Criterion) {
    let fw = framework();
    let p = panel(&fw);
    let mut g = c.benchmark_group("sensitivity");
    g.sample_size(10);
    g.bench_function("pipeline_one_run_51_units_49_ind", |b| {
        b.iter(|| run(black_box(&fw), black_box(&p), &Spec::default()).unwrap())
    });
    for n in [50, 100, 200] {
        let s = spec(n);
        g.bench_function(format!("ua_sa_n{n}_51_units_49_ind_4_assumptions"), |b| {
            b.iter(|| analyse(black_box(&fw), black_box(&p), &s).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
