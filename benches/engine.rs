//! The whole composite-index pipeline on synthetic data, beside a floor of "two plain passes
//! over the same data".
//!
//! Floor (`floor_two_passes_*`, the yardstick of issue 3's "within 3× of two plain passes"):
//! two sequential read-only passes over the panel's whole value array (every unit ×
//! indicator × period, the same `f64` cells the pipeline reads, 1 % NaN): pass 1 sums the
//! non-missing values, pass 2 sums their squared deviations from the resulting mean — the
//! textbook two-pass variance, plain scalar loops, nothing allocated or written. The
//! pipeline reads the same cells and, besides, writes the normalised cube and the scores.
//!
//! Framework: index → 5 dimensions → 2 sub-dimensions each → indicators (3 levels of
//! aggregation). Data: deterministic pseudo-random values; every 8th indicator is heavy-tailed
//! (a few huge values) so the outlier treatment actually Winsorises / log-transforms, every
//! 3rd indicator is lower-is-better, 1 % of cells are missing.
//!
//! Spec: default treatment (skew/kurtosis rule, Winsorise ≤ 5, log_CT), min–max [0, 100],
//! framework weights, arithmetic at every level. The `pipeline_*` runs rank the index only
//! and leave out the optional outputs (contributions, obstacle degrees, statistics,
//! correlations); `pipeline_full_outputs_*` uses the default spec (every node ranked, every
//! output computed).

use std::hint::black_box;

use cpindex::data::Panel;
use cpindex::method::{run, Spec};
use cpindex::model::Framework;
use criterion::{criterion_group, criterion_main, Criterion};

fn framework(n_ind: usize) -> Framework {
    let per_leaf = n_ind / 10;
    let mut dims = Vec::new();
    let mut inds = Vec::new();
    for d in 0..5 {
        dims.push(serde_json::json!({"id": format!("d{d}"), "name_zh": "d", "name_en": "d", "weight": 1.0 + d as f64}));
        for s in 0..2 {
            let sid = format!("d{d}_s{s}");
            dims.push(serde_json::json!({"id": sid, "parent": format!("d{d}"), "name_zh": "s", "name_en": "s"}));
            for k in 0..per_leaf {
                let j = (d * 2 + s) * per_leaf + k;
                let pol = if j % 3 == 0 {
                    "lower_is_better"
                } else {
                    "higher_is_better"
                };
                inds.push(serde_json::json!({
                    "id": format!("i{j}"), "dimension": sid, "name_zh": "i", "name_en": "i",
                    "unit": {"label": "x"}, "polarity": {"type": pol}, "kind": "level",
                    "target": 1.0, "weight": 1.0 + (k % 3) as f64
                }));
            }
        }
    }
    let fw = serde_json::json!({
        "id": "bench", "title_zh": "b", "title_en": "b", "base_year": 2020, "target_year": 2025,
        "dimensions": dims, "indicators": inds
    });
    Framework::from_json(&fw.to_string()).expect("valid synthetic framework")
}

fn panel(fw: &Framework, n_units: usize, n_periods: usize) -> Panel {
    let units: Vec<String> = (0..n_units).map(|u| format!("u{u}")).collect();
    let periods: Vec<i32> = (0..n_periods as i32).map(|p| 2016 + p).collect();
    let ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
    let n = n_units * n_periods * ids.len();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut v = Vec::with_capacity(n);
    for j in 0..ids.len() {
        for _ in 0..n_periods * n_units {
            let r = next();
            let x = if next() < 0.01 {
                f64::NAN
            } else if j % 8 == 0 {
                // heavy tail: mostly 1..2, occasionally up to ~1e4
                let t = next();
                if t < 0.002 {
                    1e4 * r
                } else {
                    1.0 + r
                }
            } else {
                10.0 + 90.0 * r
            };
            v.push(x);
        }
    }
    Panel::from_values(units, periods, ids, v).expect("synthetic panel")
}

fn core_spec() -> Spec {
    Spec::from_json(
        r#"{"outputs": {"contributions": false, "obstacles": false, "statistics": false, "correlations": false},
            "ranks": {"index_only": true}}"#,
    )
    .unwrap()
}

/// The floor: two plain passes over the panel's values (see the module docs) — a sum of
/// the non-missing cells, then the sum of their squared deviations from the mean.
fn floor(values: &[f64]) -> f64 {
    let mut s = 0.0;
    for &x in values {
        if !x.is_nan() {
            s += x;
        }
    }
    let m = s / values.len() as f64;
    let mut ss = 0.0;
    for &x in values {
        if !x.is_nan() {
            ss += (x - m) * (x - m);
        }
    }
    ss
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    let spec = core_spec();
    let full = Spec::default();

    let fw50 = framework(50);
    let p = panel(&fw50, 10_000, 1);
    // sanity: the treatment is exercised
    let r = run(&fw50, &p, &spec).unwrap();
    assert!(r
        .treatment
        .iter()
        .any(|t| t.log_applied || t.n_winsorised > 0));
    g.bench_function("pipeline_10k_units_50_ind", |b| {
        b.iter(|| run(black_box(&fw50), black_box(&p), &spec).unwrap())
    });
    g.bench_function("pipeline_full_outputs_10k_units_50_ind", |b| {
        b.iter(|| run(black_box(&fw50), black_box(&p), &full).unwrap())
    });
    // floor for the case above: two passes over its 10,000 × 50 cells
    g.bench_function("floor_two_passes_10k_units_50_ind", |b| {
        b.iter(|| floor(black_box(p.values())))
    });

    let fw60 = framework(60);
    let p = panel(&fw60, 3_000, 10);
    g.bench_function("pipeline_3k_units_60_ind_10_periods", |b| {
        b.iter(|| run(black_box(&fw60), black_box(&p), &spec).unwrap())
    });
    // floor: two passes over the same 3,000 × 60 × 10 cells (target: pipeline ≤ 3× this)
    g.bench_function("floor_two_passes_3k_units_60_ind_10_periods", |b| {
        b.iter(|| floor(black_box(p.values())))
    });

    let p = panel(&fw60, 100_000, 1);
    g.bench_function("pipeline_100k_units_60_ind", |b| {
        b.iter(|| run(black_box(&fw60), black_box(&p), &spec).unwrap())
    });
    // floor: two passes over the same 100,000 × 60 cells (target: pipeline ≤ 3× this)
    g.bench_function("floor_two_passes_100k_units_60_ind", |b| {
        b.iter(|| floor(black_box(p.values())))
    });
    // The pipelines of issue 16 (treatment off, index only, no optional outputs): min–max +
    // global entropy + arithmetic; z-score + arithmetic; min–max [1, 100] + geometric.
    // Target: within 5× of the floor above.
    for (name, json) in [
        (
            "pipeline_100k_60_minmax_entropy_mean",
            r#"{"normalisation": {"default": {"method": "min_max", "low": 0, "high": 1}},
                "weighting": {"indicators": {"method": "entropy"}, "scope": "global"}}"#,
        ),
        (
            "pipeline_100k_60_zscore_mean",
            r#"{"normalisation": {"default": {"method": "z_score"}}}"#,
        ),
        (
            "pipeline_100k_60_minmax_geometric",
            r#"{"normalisation": {"default": {"method": "min_max", "low": 1, "high": 100}},
                "aggregation": {"default": {"method": {"method": "geometric"}}}}"#,
        ),
    ] {
        let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["treatment"] = serde_json::json!({"enabled": false});
        v["ranks"] = serde_json::json!({"index_only": true});
        v["outputs"] = serde_json::json!({"contributions": false, "obstacles": false,
            "statistics": false, "correlations": false});
        let s = Spec::from_json(&v.to_string()).unwrap();
        g.bench_function(name, |b| {
            b.iter(|| run(black_box(&fw60), black_box(&p), &s).unwrap())
        });
    }
    // spec validation with 20,000 units selected by id (the CLI's duplicate check; 20k so
    // that the quadratic form it replaced could be measured at all)
    let units: Vec<String> = p.units()[..20_000].to_vec();
    let sel = Spec {
        units: Some(units),
        ..Spec::default()
    };
    g.bench_function("spec_validate_20k_units_selected", |b| {
        b.iter(|| black_box(&sel).validate().unwrap())
    });
    g.finish();
    cube_lookup(c);
}

/// Reading every column of a cube by id, as the C ABI's and Python's column readers and
/// the CLI's tables do: a linear search per id (`Cube::index_of`, quadratic over the
/// cube) against the ids sorted once (`Cube::index`, then a binary search per id), at
/// 5,000 ids (a framework of 5,000 dimensions; one unit, one period).
fn cube_lookup(c: &mut Criterion) {
    use cpindex::method::Cube;
    let n = 5_000;
    let ids: Vec<String> = (0..n)
        .map(|k| format!("dimension_{}", (k * 7919) % n))
        .collect();
    let cube = Cube::new(ids.clone(), 1, 1);
    let mut g = c.benchmark_group("cube_lookup");
    g.sample_size(10);
    g.bench_function("every_id_linear_search_5k", |b| {
        b.iter(|| {
            ids.iter()
                .map(|id| black_box(&cube).index_of(id).unwrap())
                .sum::<usize>()
        })
    });
    g.bench_function("every_id_sorted_once_5k", |b| {
        b.iter(|| {
            let index = black_box(&cube).index();
            ids.iter()
                .map(|id| index.position(id).unwrap())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
