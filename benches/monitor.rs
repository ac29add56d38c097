//! Bench: plan monitoring of the built-in Quzhou framework on a synthetic panel.

use std::hint::black_box;

use cpindex::data::Panel;
use cpindex::model::builtin;
use cpindex::monitor::{
    monitor, satisfaction_index, MonitorSpec, SatisfactionSpec, Survey, SurveyItem,
};
use criterion::{criterion_group, criterion_main, Criterion};

fn panel(n_units: usize) -> Panel {
    let fw = builtin::quzhou();
    let units: Vec<String> = (0..n_units).map(|u| format!("u{u}")).collect();
    let years: Vec<i32> = (2020..=2025).collect();
    let ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
    let mut p = Panel::new(units, years, ids).unwrap();
    for (i, ind) in fw.indicators.iter().enumerate() {
        let t = ind.target.unwrap_or(10.0).abs().max(1.0);
        for pi in 0..6 {
            for u in 0..n_units {
                let v = t * (0.7 + 0.05 * pi as f64 + 0.001 * (u % 17) as f64);
                p.set(u, pi, i, v).unwrap();
            }
        }
    }
    p
}

fn bench(c: &mut Criterion) {
    let fw = builtin::quzhou();
    let p = panel(100);
    let spec = MonitorSpec::default();
    c.bench_function("monitor_quzhou_100units_6years", |b| {
        b.iter(|| monitor(black_box(fw), black_box(&p), &spec).unwrap())
    });
    let n = 10_000;
    let survey = Survey {
        unit: (0..n).map(|r| format!("u{}", r % 10)).collect(),
        year: vec![2023; n],
        weight: (0..n).map(|r| 1.0 + (r % 7) as f64).collect(),
        items: (0..12)
            .map(|k| SurveyItem {
                id: format!("q{k}"),
                domain: ["gain", "happiness", "security", "identification"][k % 4].into(),
                scale_min: 1.0,
                scale_max: 5.0,
                reverse: k % 5 == 0,
                responses: (0..n).map(|r| ((r + k) % 5 + 1) as f64).collect(),
            })
            .collect(),
        nonresponse_codes: vec![9.0],
        ..Survey::default()
    };
    let ss = SatisfactionSpec::default();
    c.bench_function("satisfaction_10k_respondents_12_items", |b| {
        b.iter(|| satisfaction_index(black_box(&survey), &ss).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
