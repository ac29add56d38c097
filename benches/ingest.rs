//! Bench: long-format CSV ingest (issue 16 asks for ≥ 200 MB/s) against the built-in
//! framework, with and without a framework check. Throughput is reported in bytes, so
//! criterion prints MB/s.

use std::hint::black_box;

use cpindex::data::read_long_csv;
use cpindex::model::builtin;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// A long CSV of `n_units` × 6 years × every indicator of the built-in framework, with a
/// `source` column as real files carry (about 55 bytes a row).
fn long_csv(n_units: usize) -> String {
    let fw = builtin::quzhou();
    let mut s = String::from("unit,period,indicator,value,source\n");
    for u in 0..n_units {
        for year in 2020..=2025 {
            for (k, ind) in fw.indicators.iter().enumerate() {
                // within a factor of two of the target, as real data is (the reader
                // refuses values two orders of magnitude away)
                let t = ind.target.unwrap_or(10.0).abs().max(0.5);
                let v = t * (0.6 + ((u * 7 + k * 13 + year as usize) % 97) as f64 / 100.0);
                s.push_str(&format!(
                    "county_{u},{year},{},{v:.2},statistical yearbook\n",
                    ind.id
                ));
            }
        }
    }
    s
}

fn bench(c: &mut Criterion) {
    let fw = builtin::quzhou();
    let text = long_csv(300);
    let mut g = c.benchmark_group("ingest_long_csv");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(20);
    g.bench_function("300units_6years_framework", |b| {
        b.iter(|| read_long_csv(black_box(text.as_bytes()), "bench.csv", Some(fw)).unwrap())
    });
    g.bench_function("300units_6years_no_framework", |b| {
        b.iter(|| read_long_csv(black_box(text.as_bytes()), "bench.csv", None).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
