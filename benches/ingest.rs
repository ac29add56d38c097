//! Bench: long-format CSV ingest (issue 16 asks for ≥ 200 MB/s) against the built-in
//! framework, with and without a framework check, with and without a `source` column.
//! Throughput is reported in bytes, so criterion prints MB/s.
//!
//! On a shared machine wall time mostly measures the load, so each case also runs with
//! `iter_custom` timing the **thread CPU time** (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`),
//! the `…_cpu` rows: what one core spends, whatever else runs.

use std::hint::black_box;
use std::time::Duration;

use cpindex::data::{read_long_csv, read_table_path, ReadOptions};
use cpindex::model::builtin;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// A long CSV of `n_units` × 6 years × every indicator of the built-in framework, with a
/// `source` column as real files carry when `with_source` (about 55 bytes a row).
fn long_csv(n_units: usize, with_source: bool) -> String {
    let fw = builtin::quzhou();
    let mut s = String::from("unit,period,indicator,value");
    s.push_str(if with_source { ",source\n" } else { "\n" });
    for u in 0..n_units {
        for year in 2020..=2025 {
            for (k, ind) in fw.indicators.iter().enumerate() {
                // within a factor of two of the target, as real data is (the reader
                // refuses values two orders of magnitude away)
                let t = ind.target.unwrap_or(10.0).abs().max(0.5);
                let v = t * (0.6 + ((u * 7 + k * 13 + year as usize) % 97) as f64 / 100.0);
                s.push_str(&format!("county_{u},{year},{},{v:.2}", ind.id));
                s.push_str(if with_source {
                    ",statistical yearbook\n"
                } else {
                    "\n"
                });
            }
        }
    }
    s
}

/// This thread's CPU time.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid out-pointer; CLOCK_THREAD_CPUTIME_ID is supported on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn bench(c: &mut Criterion) {
    let fw = builtin::quzhou();
    for with_source in [true, false] {
        let text = long_csv(300, with_source);
        let tag = if with_source { "source" } else { "nosource" };
        let mut g = c.benchmark_group("ingest_long_csv");
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.sample_size(10);
        for (name, f) in [("framework", Some(fw)), ("no_framework", None)] {
            g.bench_function(format!("300units_6years_{tag}_{name}"), |b| {
                b.iter(|| read_long_csv(black_box(text.as_bytes()), "bench.csv", f).unwrap())
            });
            g.bench_function(format!("300units_6years_{tag}_{name}_cpu"), |b| {
                b.iter_custom(|iters| {
                    let t0 = thread_cpu();
                    for _ in 0..iters {
                        black_box(
                            read_long_csv(black_box(text.as_bytes()), "bench.csv", f).unwrap(),
                        );
                    }
                    thread_cpu() - t0
                })
            });
        }
        g.finish();
    }
    // a file read by path (the CLI's reader): chunked for UTF-8 CSV since issue 16's fifth
    // pass, whole before
    let text = long_csv(300, true);
    let path =
        std::env::temp_dir().join(format!("cpindex-bench-ingest-{}.csv", std::process::id()));
    std::fs::write(&path, &text).expect("a temporary file");
    let mut g = c.benchmark_group("ingest_long_csv");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    let options = ReadOptions::default();
    g.bench_function("300units_6years_source_framework_path_cpu", |b| {
        b.iter_custom(|iters| {
            let t0 = thread_cpu();
            for _ in 0..iters {
                black_box(read_table_path(black_box(&path), Some(fw), &options).unwrap());
            }
            thread_cpu() - t0
        })
    });
    // the same file, wall-clock, read on one thread and read and tokenised on a second
    // (`ReadOptions::threads`)
    for threads in [1usize, 2] {
        let options = ReadOptions {
            threads,
            ..ReadOptions::default()
        };
        g.bench_function(
            format!("300units_6years_source_framework_path_{threads}threads"),
            |b| {
                b.iter(|| black_box(read_table_path(black_box(&path), Some(fw), &options).unwrap()))
            },
        );
    }
    g.finish();
    let _ = std::fs::remove_file(&path);
}

criterion_group!(benches, bench);
criterion_main!(benches);
