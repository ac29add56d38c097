//! Bench: plan monitoring of the built-in Quzhou framework on a synthetic panel, at
//! national scale (2,844 county-level units × 10 years) and below, to show the slope
//! (the time should grow linearly in units × years × indicators).
//!
//! The panel is generated here (no data files): every framework indicator, values
//! scattered around its target so that every achievement case occurs (met, not met,
//! moved away from the target), a few cells missing.

use std::hint::black_box;
use std::time::Duration;

use cpindex::data::Panel;
use cpindex::model::builtin;
use cpindex::monitor::{
    monitor, satisfaction_index, MonitorSpec, SatisfactionSpec, Survey, SurveyItem,
};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// `n_units` synthetic units over `n_years` years from the framework's base year.
fn panel(n_units: usize, n_years: usize) -> Panel {
    let fw = builtin::quzhou();
    let units: Vec<String> = (0..n_units).map(|u| format!("u{u}")).collect();
    let years: Vec<i32> = (0..n_years as i32).map(|k| fw.base_year + k).collect();
    let ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
    let mut p = Panel::new(units, years, ids).unwrap();
    for (i, ind) in fw.indicators.iter().enumerate() {
        let t = ind.target.unwrap_or(10.0).abs().max(1.0);
        for pi in 0..n_years {
            for u in 0..n_units {
                // a deterministic scatter: 0.6..1.2 of the target, 1 cell in 97 missing
                let h = (u * 31 + i * 7 + pi * 13) % 97;
                let v = if h == 0 {
                    f64::NAN
                } else {
                    t * (0.6 + 0.05 * pi as f64 + 0.004 * (u % 29) as f64 + 0.001 * h as f64)
                };
                p.set(u, pi, i, v).unwrap();
            }
        }
    }
    p
}

fn bench(c: &mut Criterion) {
    let fw = builtin::quzhou();
    let spec = MonitorSpec::default();
    let mut g = c.benchmark_group("monitor_quzhou_10years");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(3));
    for n in [100usize, 1_000, 2_844] {
        let p = panel(n, 10);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &p, |b, p| {
            b.iter(|| monitor(black_box(fw), black_box(p), &spec).unwrap())
        });
    }
    g.finish();
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
