//! Bench: build a `Distribution` (validate + radix sort + cumulative sums) and query Gini,
//! Theil T, S80/S20 and the median, beside `sort_unstable_by` of the same values (the floor
//! the issue sets: within 1.2× of one sort; by `partial_cmp(..).unwrap()`, the faster and so
//! stricter floor, and by `f64::total_cmp`) and, as an informative second floor, the same
//! sort on (value, weight) pairs. 10⁶ and 10⁷ weighted lognormal-ish records.
//!
//! Both floors sort a copy made outside the timed region (`iter_batched`, so the copy's pages
//! are already mapped). `four_weighted_fresh` allocates a new `Distribution` each iteration
//! (its page faults are timed); `four_weighted_rebuild` reuses one value's buffers through
//! `Distribution::rebuild` (no page faults: the like-for-like comparison with the floor).
//! `four_unweighted_*` are the same with `weights = None` (values-only sort).
//!
//! `grouped_*`: the decompositions by group (Dagum Gini, GE(1)) with 10⁴ groups of two
//! records each (20,000 records, the `cpindex inequality` case of issue 16 that took 10.8 s
//! with a loop over pairs of groups), beside one `Distribution` of the same records.
//!
//! `cargo bench --bench distribution -- --warm-up-time 1 --measurement-time 3`
//! (`DIST_BENCH_MAX=1000000` to skip 10⁷.)
//!
//! `DIST_CPU=<n>[,<reps>]` instead times by thread CPU time (user + system, so the page
//! faults of a fresh build count; less sensitive to the machine's load than wall time),
//! round-robin over `reps` rounds (default 7), and prints the minimum and median of each of:
//! `sort_unstable_by(f64::total_cmp)` and `sort_unstable_by(partial_cmp)` of a copy made
//! outside the timed region, the copy + `total_cmp` sort, a fresh weighted build + the four
//! queries, and the same rebuilt into existing buffers; then exits. `DIST_CPU=<n>,<reps>,fresh`
//! runs only the fresh weighted builds (for a profiler: `perf record`).

use cpindex::distribution::{
    dagum_gini_decomposition, ge_decomposition, Distribution, MissingPolicy, RankPartition, Summary,
};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::hint::black_box;

/// Deterministic lognormal-ish incomes and weights (xorshift64 + Box–Muller).
pub fn make_data(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut s = seed;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let mut x = Vec::with_capacity(n);
    let mut w = Vec::with_capacity(n);
    for _ in 0..n {
        let (u, v) = (next(), next());
        let z = (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos();
        x.push((10.0 + 0.7 * z).exp());
        w.push(0.5 + 2.5 * next());
    }
    (x, w)
}

fn four(x: &[f64], w: Option<&[f64]>) -> (f64, f64, f64, f64) {
    let d = Distribution::new(x, w).unwrap();
    queries(&d)
}

fn queries(d: &Distribution) -> (f64, f64, f64, f64) {
    (
        d.gini().unwrap(),
        d.theil_t().unwrap(),
        d.s80_s20().unwrap(),
        d.median().unwrap(),
    )
}

/// Thread CPU time in seconds (user + system).
fn thread_cpu() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec; the clock id is a constant of the platform.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime");
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// The `DIST_CPU` mode (see the module documentation).
fn cpu_mode(spec: &str) {
    let mut it = spec.split(',');
    let n: usize = it
        .next()
        .and_then(|v| v.parse().ok())
        .expect("DIST_CPU=<n>[,<reps>]");
    let reps: usize = it.next().and_then(|v| v.parse().ok()).unwrap_or(7);
    let (x, w) = make_data(n, 0x2545_F491_4F6C_DD1D);
    if it.next() == Some("fresh") {
        // for a profiler: only the fresh weighted builds
        let t0 = thread_cpu();
        for _ in 0..reps {
            black_box(four(black_box(&x), Some(black_box(&w))));
        }
        println!(
            "four_weighted_fresh: {:.2} ms per build",
            (thread_cpu() - t0) * 1e3 / reps as f64
        );
        return;
    }
    let names = [
        "sort_total_cmp",
        "sort_partial_cmp",
        "clone_sort_total_cmp",
        "four_weighted_fresh",
        "four_weighted_rebuild",
    ];
    let mut t = vec![Vec::new(); names.len()];
    let mut reused = Distribution::new(&x, Some(&w)).unwrap();
    let mut sink = 0.0;
    for _ in 0..reps {
        let mut v = x.clone();
        let t0 = thread_cpu();
        v.sort_unstable_by(f64::total_cmp);
        t[0].push(thread_cpu() - t0);
        sink += v[n / 2];
        let mut v = x.clone();
        let t0 = thread_cpu();
        v.sort_unstable_by(|a, b| a.partial_cmp(b).unwrap());
        t[1].push(thread_cpu() - t0);
        sink += v[n / 2];
        drop(v);
        let t0 = thread_cpu();
        let mut v = black_box(&x).clone();
        v.sort_unstable_by(f64::total_cmp);
        sink += v[n / 2];
        drop(v);
        t[2].push(thread_cpu() - t0);
        let t0 = thread_cpu();
        sink += four(black_box(&x), Some(black_box(&w))).0;
        t[3].push(thread_cpu() - t0);
        let t0 = thread_cpu();
        reused.rebuild(black_box(&x), Some(black_box(&w))).unwrap();
        sink += queries(&reused).0;
        t[4].push(thread_cpu() - t0);
    }
    black_box(sink);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("n={n} reps={reps} load {}", load.trim());
    let floor = {
        let mut f = t[0].clone();
        f.sort_by(f64::total_cmp);
        f[f.len() / 2]
    };
    for (name, mut ts) in names.iter().zip(t) {
        ts.sort_by(f64::total_cmp);
        let med = ts[ts.len() / 2];
        println!(
            "{name:24} min {:8.2} ms  median {:8.2} ms  ({:.3}x the total_cmp sort, medians)",
            ts[0] * 1e3,
            med * 1e3,
            med / floor
        );
    }
}

fn bench(c: &mut Criterion) {
    if let Ok(spec) = std::env::var("DIST_CPU") {
        cpu_mode(&spec);
        std::process::exit(0);
    }
    let max: usize = std::env::var("DIST_BENCH_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    for &n in &[1_000_000usize, 10_000_000] {
        if n > max {
            continue;
        }
        let (x, w) = make_data(n, 0x2545_F491_4F6C_DD1D);
        let mut g = c.benchmark_group(format!("distribution_n{n}"));
        g.sample_size(10);
        g.bench_function("sort_unstable_by_floor", |b| {
            b.iter_batched(
                || x.clone(),
                |mut v| {
                    v.sort_unstable_by(|a, b| a.partial_cmp(b).unwrap());
                    black_box(v)
                },
                BatchSize::LargeInput,
            )
        });
        // `f64::total_cmp` (the order the sort keys implement) is slower here than
        // `partial_cmp` on these data (it maps both operands' bits on every comparison): the
        // `partial_cmp` floor above is the stricter one.
        g.bench_function("sort_unstable_by_total_cmp", |b| {
            b.iter_batched(
                || x.clone(),
                |mut v| {
                    v.sort_unstable_by(f64::total_cmp);
                    black_box(v)
                },
                BatchSize::LargeInput,
            )
        });
        g.bench_function("clone_and_sort_unstable_by", |b| {
            b.iter(|| {
                let mut v = black_box(&x).clone();
                v.sort_unstable_by(|a, b| a.partial_cmp(b).unwrap());
                black_box(v)
            })
        });
        // A weighted distribution has to move the weights with the values: the same sort on
        // (value, weight) pairs, for context.
        let pairs: Vec<(f64, f64)> = x.iter().copied().zip(w.iter().copied()).collect();
        g.bench_function("sort_unstable_by_pairs", |b| {
            b.iter_batched(
                || pairs.clone(),
                |mut v| {
                    v.sort_unstable_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
                    black_box(v)
                },
                BatchSize::LargeInput,
            )
        });
        g.bench_function("build_only_weighted_fresh", |b| {
            b.iter(|| black_box(Distribution::new(black_box(&x), Some(&w)).unwrap().n()))
        });
        g.bench_function("four_weighted_fresh", |b| {
            b.iter(|| black_box(four(black_box(&x), Some(black_box(&w)))))
        });
        let mut reused = Distribution::new(&x, Some(&w)).unwrap();
        g.bench_function("four_weighted_rebuild", |b| {
            b.iter(|| {
                reused.rebuild(black_box(&x), Some(black_box(&w))).unwrap();
                black_box(queries(&reused))
            })
        });
        g.bench_function("four_unweighted_fresh", |b| {
            b.iter(|| black_box(four(black_box(&x), None)))
        });
        let mut reused_u = Distribution::new(&x, None).unwrap();
        g.bench_function("four_unweighted_rebuild", |b| {
            b.iter(|| {
                reused_u.rebuild(black_box(&x), None).unwrap();
                black_box(queries(&reused_u))
            })
        });
        g.finish();
    }
    // grouped: 10⁴ groups × 2 records
    let (x, w) = make_data(20_000, 0x9E37_79B9_7F4A_7C15);
    let groups: Vec<usize> = (0..x.len()).map(|i| i / 2).collect();
    let mut g = c.benchmark_group("grouped_20000_records_10000_groups");
    g.sample_size(10);
    g.bench_function("dagum_gini_decomposition", |b| {
        b.iter(|| dagum_gini_decomposition(black_box(&x), Some(&w), &groups).unwrap())
    });
    g.bench_function("ge1_decomposition", |b| {
        b.iter(|| ge_decomposition(black_box(&x), Some(&w), &groups, 1.0).unwrap())
    });
    g.bench_function("one_distribution_floor", |b| {
        b.iter(|| {
            Distribution::new(black_box(&x), Some(&w))
                .unwrap()
                .gini()
                .unwrap()
        })
    });
    g.finish();
}

/// Mergeable summaries (issue 15): building a moment summary and a rank partition from 10⁶
/// weighted records, merging 64 summaries, serialising and reading one back.
fn bench_summaries(c: &mut Criterion) {
    let n = 1_000_000;
    let mut s = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let v: Vec<f64> = (0..n)
        .map(|_| ((10.0 + 0.7 * (next() - 0.5) * 3.0).exp() / 10.0).round() * 10.0)
        .collect();
    let w: Vec<f64> = (0..n).map(|_| 0.5 + 3.0 * next()).collect();
    let mut g = c.benchmark_group("summary");
    g.sample_size(10);
    g.bench_function("build 1e6 (alpha 2)", |b| {
        b.iter(|| {
            black_box(Summary::from_records(&v, Some(&w), &[2.0], MissingPolicy::Error).unwrap())
        })
    });
    g.bench_function("rank partition 1e6", |b| {
        b.iter(|| {
            black_box(RankPartition::from_records(&v, Some(&w), MissingPolicy::Error).unwrap())
        })
    });
    let parts: Vec<Summary> = v
        .chunks(n / 64)
        .zip(w.chunks(n / 64))
        .map(|(a, b)| Summary::from_records(a, Some(b), &[2.0], MissingPolicy::Error).unwrap())
        .collect();
    g.bench_function("merge 64", |b| {
        b.iter(|| {
            let mut m = Summary::empty(&[2.0]).unwrap();
            for p in &parts {
                m.merge(p).unwrap();
            }
            black_box(m.theil_t().unwrap())
        })
    });
    let bytes = parts[0].to_bytes();
    g.bench_function("to_bytes", |b| b.iter(|| black_box(parts[0].to_bytes())));
    g.bench_function("from_bytes", |b| {
        b.iter(|| black_box(Summary::from_bytes(&bytes).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench, bench_summaries);
criterion_main!(benches);
