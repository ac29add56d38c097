//! Uncertainty and sensitivity analysis (issue 18): the Sobol estimators against the
//! Ishigami function's analytic indices and against SALib on the same outputs, the
//! degenerate cases, thread-count invariance, the spec's validation, and replications
//! re-computed independently through `method::run`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use cpindex::data::Panel;
use cpindex::method::{self, Spec};
use cpindex::model::Framework;
use cpindex::sensitivity::{self, analyse, sobol_indices, Assumption, Design, SensitivitySpec};
use cpindex::Error;

/// Ishigami function (Ishigami & Homma 1990) with a = 7, b = 0.1 on x ∈ [−π, π]³, from
/// uniform variates in [0, 1).
fn ishigami(u: &[f64]) -> f64 {
    let x: Vec<f64> = u
        .iter()
        .map(|v| -std::f64::consts::PI + 2.0 * std::f64::consts::PI * v)
        .collect();
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

fn ishigami_outputs(n: usize, seed: u64) -> Vec<f64> {
    let d = Design::random(n, 3, seed);
    (0..d.runs()).map(|r| ishigami(&d.run_row(r))).collect()
}

#[test]
fn ishigami_indices_within_monte_carlo_error() {
    // Analytic values (Saltelli et al. 2010 §4; Sobol' & Levitan 1999), a = 7, b = 0.1:
    //   V₁ = ½(1 + bπ⁴/5)² = ½(1 + 1.948182)² = 4.345888
    //   V₂ = a²/8 = 6.125
    //   V₁₃ = b²π⁸(1/18 − 1/50) = 0.01 · 9488.531 · 0.0355556 = 3.373700
    //   V = V₁ + V₂ + V₁₃ = 13.844588
    //   S₁ = 0.3139, S₂ = 0.4424, S₃ = 0; S_T1 = (V₁ + V₁₃)/V = 0.5576, S_T2 = 0.4424,
    //   S_T3 = V₁₃/V = 0.2437.
    let n = 1 << 15;
    let y = ishigami_outputs(n, 11);
    let s = sobol_indices(&y, n, 3, 200, 0.95, 11).unwrap();
    let b = s.bootstrap.as_ref().unwrap();
    let first = [0.3139, 0.4424, 0.0];
    let total = [0.5576, 0.4424, 0.2437];
    for i in 0..3 {
        // within 4 bootstrap standard errors (+ the 4-decimal rounding of the truth)
        let tol_f = 4.0 * b.first_se[i] + 1e-4;
        let tol_t = 4.0 * b.total_se[i] + 1e-4;
        assert!(
            (s.first[i] - first[i]).abs() < tol_f,
            "S{} = {} (se {})",
            i + 1,
            s.first[i],
            b.first_se[i]
        );
        assert!(
            (s.total[i] - total[i]).abs() < tol_t,
            "ST{} = {} (se {})",
            i + 1,
            s.total[i],
            b.total_se[i]
        );
        // the Monte Carlo error at this N is small enough for the test to mean something
        assert!(b.first_se[i] < 0.02 && b.total_se[i] < 0.02);
        let (lo, hi) = b.total_interval[i];
        assert!(lo <= s.total[i] && s.total[i] <= hi);
    }
}

fn reference_dir() -> PathBuf {
    common::root().join("tests/reference/salib")
}

fn read_column(path: &Path) -> Vec<f64> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().parse().unwrap())
        .collect()
}

/// (S1, ST) per factor from a `factor,S1,ST` file.
fn read_indices(path: &Path) -> Vec<(f64, f64)> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1].parse().unwrap(), f[2].parse().unwrap())
        })
        .collect()
}

/// The committed output sets: (name, k). `ishigami` is the Ishigami function on the
/// design of seed 5 with N = 256; `rankshift` is the mean absolute rank shift of the
/// synthetic 3-assumption problem below (N = 64), full of ties.
const SETS: [(&str, usize); 2] = [("ishigami", 3), ("rankshift", 3)];

#[test]
fn indices_equal_salibs_on_the_committed_outputs() {
    // tests/reference/salib/<set>_salib.csv was written by salib_sobol.py (SALib 1.6.0)
    // from <set>_y.csv; the same outputs must give the same indices to 1e-12.
    for (name, k) in SETS {
        let dir = reference_dir();
        let y = read_column(&dir.join(format!("{name}_y.csv")));
        let n = y.len() / (k + 2);
        let ours = sobol_indices(&y, n, k, 0, 0.95, 1).unwrap();
        let theirs = read_indices(&dir.join(format!("{name}_salib.csv")));
        assert_eq!(theirs.len(), k);
        for (i, th) in theirs.iter().enumerate() {
            assert!(
                (ours.first[i] - th.0).abs() < 1e-12,
                "{name} S{i}: {} vs SALib {}",
                ours.first[i],
                th.0
            );
            assert!(
                (ours.total[i] - th.1).abs() < 1e-12,
                "{name} ST{i}: {} vs SALib {}",
                ours.total[i],
                th.1
            );
        }
    }
}

#[test]
fn committed_outputs_are_the_ones_this_code_produces() {
    // the committed Ishigami outputs come from this design (so the SALib check covers the
    // layout too); exact to the 17 digits written
    let y = read_column(&reference_dir().join("ishigami_y.csv"));
    let fresh = ishigami_outputs(256, 5);
    assert_eq!(y.len(), fresh.len());
    for (a, b) in y.iter().zip(&fresh) {
        assert!((a - b).abs() <= 1e-15 * b.abs().max(1.0));
    }
    let r = analyse(&framework(), &panel(), &rankshift_spec(64)).unwrap();
    let y = read_column(&reference_dir().join("rankshift_y.csv"));
    assert_eq!(y, r.target);
}

/// python3 with SALib, or None (and a message; a panic under `CPINDEX_REQUIRE_SALIB=1`).
fn python_with_salib(test: &str) -> Option<String> {
    let py = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&py)
        .args(["-c", "import SALib.analyze.sobol"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if ok {
        return Some(py);
    }
    let msg = format!(
        "SKIPPED {test}: `{py}` with SALib not found (python3 -m pip install SALib; \
         PYTHON= names another interpreter)"
    );
    common::skip(&msg, Some("CPINDEX_REQUIRE_SALIB"));
    None
}

#[test]
fn salib_reproduces_the_committed_values() {
    let Some(py) = python_with_salib("salib_reproduces_the_committed_values") else {
        return;
    };
    let dir = reference_dir();
    let tmp = std::env::temp_dir().join(format!("cpindex-salib-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    for (name, k) in SETS {
        let out = tmp.join(format!("{name}.csv"));
        let st = Command::new(&py)
            .arg(dir.join("salib_sobol.py"))
            .arg(dir.join(format!("{name}_y.csv")))
            .arg(k.to_string())
            .arg(&out)
            .status()
            .unwrap();
        assert!(st.success(), "salib_sobol.py failed on {name}");
        let fresh = read_indices(&out);
        let committed = read_indices(&dir.join(format!("{name}_salib.csv")));
        assert_eq!(fresh.len(), committed.len());
        for (a, b) in fresh.iter().zip(&committed) {
            assert!((a.0 - b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12);
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn regenerate_salib_inputs_on_request() {
    // CPINDEX_REGENERATE_SALIB=1 rewrites the <set>_y.csv files (then run salib_sobol.py)
    if std::env::var("CPINDEX_REGENERATE_SALIB").as_deref() != Ok("1") {
        return;
    }
    let dir = reference_dir();
    let write = |name: &str, y: &[f64]| {
        let text: String = y.iter().map(|v| format!("{v:.17e}\n")).collect();
        std::fs::write(dir.join(format!("{name}_y.csv")), text).unwrap();
    };
    write("ishigami", &ishigami_outputs(256, 5));
    let r = analyse(&framework(), &panel(), &rankshift_spec(64)).unwrap();
    write("rankshift", &r.target);
}

// ---- a small synthetic index ------------------------------------------------------------

/// Index → 2 dimensions (weights 1, 2) → 3 indicators each (weights 1, 2, 3; the third of
/// each dimension lower-is-better).
fn framework() -> Framework {
    let mut inds = Vec::new();
    for d in 0..2 {
        for k in 0..3 {
            let pol = if k == 2 {
                "lower_is_better"
            } else {
                "higher_is_better"
            };
            inds.push(serde_json::json!({
                "id": format!("i{d}{k}"), "dimension": format!("d{d}"), "name_zh": "i",
                "name_en": "i", "unit": {"label": "x"}, "polarity": {"type": pol},
                "kind": "level", "target": 1.0, "weight": 1.0 + k as f64
            }));
        }
    }
    let fw = serde_json::json!({
        "id": "synthetic", "title_zh": "s", "title_en": "s", "base_year": 2020,
        "target_year": 2025,
        "dimensions": [
            {"id": "d0", "name_zh": "a", "name_en": "a", "weight": 1.0},
            {"id": "d1", "name_zh": "b", "name_en": "b", "weight": 2.0}
        ],
        "indicators": inds
    });
    Framework::from_json(&fw.to_string()).unwrap()
}

/// 12 units, one period, positive values with a spread that changes ranks between
/// normalisations (one skewed column).
fn panel() -> Panel {
    let units: Vec<String> = (0..12).map(|u| format!("u{u:02}")).collect();
    let ids: Vec<String> = ["i00", "i01", "i02", "i10", "i11", "i12"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut v = Vec::new();
    for j in 0..6 {
        for u in 0..12 {
            let x = 10.0 + ((u * 7 + j * 5) % 12) as f64 + ((u * j) % 5) as f64 * 0.7;
            v.push(if j == 1 { x * x * x / 50.0 } else { x });
        }
    }
    Panel::from_values(units, vec![2023], ids, v).unwrap()
}

fn assumption(json: serde_json::Value) -> Assumption {
    serde_json::from_value(json).unwrap()
}

fn rankshift_spec(n: usize) -> SensitivitySpec {
    let mut s = SensitivitySpec::new(
        Spec::default(),
        vec![
            // z-scores on the Mazziotta–Pareto scale (100, 10) stay positive for the
            // geometric alternative
            assumption(
                serde_json::json!({"kind": "normalisation", "alternatives": [
                {"default": {"method": "min_max"}},
                {"default": {"method": "z_score", "mean": 100.0, "sd": 10.0}},
                {"default": {"method": "rank"}}]}),
            ),
            assumption(serde_json::json!({"kind": "aggregation", "alternatives": [
                {}, {"default": {"method": {"method": "geometric", "shift": 1.0}}}],
                "probabilities": [0.6, 0.4]})),
            assumption(serde_json::json!({"kind": "weight_noise", "delta": 0.5})),
        ],
    );
    s.n = n;
    s.bootstrap = 0;
    s
}

#[test]
fn one_alternative_has_indices_zero() {
    // An assumption with a single alternative never changes the run: f(A_B^(i)) = f(A)
    // row by row, so Σ f(B)(f(A_B^(i)) − f(A)) = 0 and Σ (f(A) − f(A_B^(i)))² = 0 exactly.
    let mut s = rankshift_spec(32);
    s.assumptions
        .push(assumption(serde_json::json!({"kind": "treatment",
        "alternatives": [{"enabled": false}]})));
    let r = analyse(&framework(), &panel(), &s).unwrap();
    assert_eq!(r.assumptions[3], "treatment");
    assert_eq!(r.sobol.first[3], 0.0);
    assert_eq!(r.sobol.total[3], 0.0);
    assert!(r.sobol.total[0] > 0.0);
}

#[test]
fn a_single_assumption_explains_everything() {
    // k = 1: A_B^(1) = B, so S_T = ½E[(f(A) − f(B))²]/V → 1 and S → 1 as N grows. With
    // N = 400 both lie within 4 bootstrap standard errors of 1.
    let mut s = SensitivitySpec::new(
        Spec::default(),
        vec![assumption(
            serde_json::json!({"kind": "normalisation", "alternatives": [
            {"default": {"method": "min_max"}}, {"default": {"method": "z_score"}},
            {"default": {"method": "rank"}}]}),
        )],
    );
    s.n = 400;
    s.bootstrap = 200;
    let r = analyse(&framework(), &panel(), &s).unwrap();
    let b = r.sobol.bootstrap.as_ref().unwrap();
    assert!(
        (r.sobol.first[0] - 1.0).abs() < 4.0 * b.first_se[0] + 1e-9,
        "{:?}",
        r.sobol
    );
    assert!(
        (r.sobol.total[0] - 1.0).abs() < 4.0 * b.total_se[0] + 1e-9,
        "{:?}",
        r.sobol
    );
}

#[test]
fn n_too_small_for_the_bootstrap_is_a_clear_error() {
    let mut s = rankshift_spec(5);
    s.bootstrap = 100;
    match analyse(&framework(), &panel(), &s) {
        Err(Error::InvalidSpec { field, message }) => {
            assert_eq!(field, "n");
            assert!(message.contains("too small for the bootstrap"), "{message}");
        }
        other => panic!("expected an invalid spec, got {other:?}"),
    }
    let y = ishigami_outputs(5, 1);
    let e = sobol_indices(&y, 5, 3, 100, 0.95, 1).unwrap_err();
    assert!(e.to_string().contains("too small for the bootstrap"), "{e}");
    // without a bootstrap N = 5 is fine
    s.bootstrap = 0;
    analyse(&framework(), &panel(), &s).unwrap();
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let mut s = rankshift_spec(40);
    s.bootstrap = 50;
    s.unit_ranks = true;
    s.assumptions
        .push(assumption(serde_json::json!({"kind": "exclude_indicator"})));
    let mut outs = Vec::new();
    for t in [1, 2, 3, 8] {
        s.threads = Some(t);
        let mut r = analyse(&framework(), &panel(), &s).unwrap();
        r.spec.threads = None;
        outs.push(r);
    }
    for r in &outs[1..] {
        assert_eq!(r, &outs[0]);
    }
    // all-discrete assumptions: runs come from the cache of distinct combinations, which
    // threads fill in any order
    s.assumptions.remove(2); // weight noise
    let mut outs = Vec::new();
    for t in [1, 2, 5] {
        s.threads = Some(t);
        let mut r = analyse(&framework(), &panel(), &s).unwrap();
        r.spec.threads = None;
        outs.push(r);
    }
    for r in &outs[1..] {
        assert_eq!(r, &outs[0]);
    }
}

#[test]
fn a_replication_is_the_pipeline_run_with_its_alternatives() {
    // Re-compute some runs independently: take the alternatives the analysis reports for
    // the run, build that spec by hand and call method::run.
    let s = rankshift_spec(8);
    let mut s2 = s.clone();
    s2.assumptions.pop(); // no weight noise: runs are fully determined by the choices
    let r = analyse(&framework(), &panel(), &s2).unwrap();
    let k = 2;
    let m = r.units.len();
    let norm = [
        serde_json::json!({"method": "min_max"}),
        serde_json::json!({"method": "z_score", "mean": 100.0, "sd": 10.0}),
        serde_json::json!({"method": "rank"}),
    ];
    for run in 0..r.target.len() {
        let ch = &r.choices[run * k..(run + 1) * k];
        let mut spec = Spec {
            normalisation: serde_json::from_value(
                serde_json::json!({"default": norm[ch[0].unwrap()]}),
            )
            .unwrap(),
            ..Spec::default()
        };
        if ch[1] == Some(1) {
            spec.aggregation = serde_json::from_value(
                serde_json::json!({"default": {"method": {"method": "geometric", "shift": 1.0}}}),
            )
            .unwrap();
        }
        let res = method::run(&framework(), &panel(), &spec).unwrap();
        let ranks = res.ranks_for("synthetic", 2023).unwrap();
        assert_eq!(&r.run_ranks[run * m..(run + 1) * m], ranks, "run {run}");
        // the target: mean |rank − nominal rank|
        let nominal = method::run(&framework(), &panel(), &Spec::default()).unwrap();
        let nr = nominal.ranks_for("synthetic", 2023).unwrap();
        let shift: f64 = ranks
            .iter()
            .zip(nr)
            .map(|(a, b)| (a - b).abs())
            .sum::<f64>()
            / m as f64;
        assert!((r.target[run] - shift).abs() < 1e-12);
    }
    // the choices follow the uniform variates: u < 1/3 → min-max, < 2/3 → z-score, else rank;
    // u < 0.6 → arithmetic (run 0 is row 0 of A)
    let a0 = &r.design.a[0..2];
    let expect0 = if a0[0] < 1.0 / 3.0 {
        0
    } else if a0[0] < 2.0 / 3.0 {
        1
    } else {
        2
    };
    assert_eq!(r.choices[0], Some(expect0));
    assert_eq!(r.choices[1], Some(usize::from(a0[1] >= 0.6)));
}

#[test]
fn uncertainty_statistics_follow_their_definitions() {
    let s = rankshift_spec(30);
    let r = analyse(&framework(), &panel(), &s).unwrap();
    let m = r.units.len();
    let runs = r.target.len();
    assert_eq!(runs, 30 * 5);
    for (u, st) in r.uncertainty.iter().enumerate() {
        let mut x: Vec<f64> = (0..runs).map(|q| r.run_ranks[q * m + u]).collect();
        x.sort_by(f64::total_cmp);
        // type-7 median of an even count: the mean of the two middle order statistics
        assert_eq!(st.median_rank, 0.5 * (x[runs / 2 - 1] + x[runs / 2]));
        // 5th percentile: h = 149·0.05 = 7.45 → x₇ + 0.45(x₈ − x₇) (0-based)
        assert!((st.rank_p05 - (x[7] + 0.45 * (x[8] - x[7]))).abs() < 1e-12);
        let shift = x.iter().map(|v| (v - st.nominal_rank).abs()).sum::<f64>() / runs as f64;
        assert!((st.mean_abs_rank_shift - shift).abs() < 1e-12);
        assert!(st.rank_p05 <= st.median_rank && st.median_rank <= st.rank_p95);
    }
}

#[test]
fn spec_rejects_unknown_members_and_writes_defaults_out() {
    let ok = r#"{"assumptions": [{"kind": "treatment", "alternatives": [{"enabled": true}, {"enabled": false}]}]}"#;
    let s = SensitivitySpec::from_json(ok).unwrap();
    assert_eq!(s.seed, sensitivity::DEFAULT_SEED);
    assert_eq!((s.n, s.bootstrap), (100, 100));
    let written = s.to_json();
    assert!(written.contains(&format!("\"seed\": {}", sensitivity::DEFAULT_SEED)));
    assert!(written.contains("\"skew_threshold\""));
    let mut resolved = s.clone();
    resolved.resolve(&framework());
    assert_eq!(resolved.assumptions[0].probabilities(), &[0.5, 0.5]);
    for (bad, field) in [
        (r#"{"assumptions": [], "nn": 3}"#, "nn"),
        (
            r#"{"assumptions": [{"kind": "weight_noise", "delta": 0.2, "sigma": 1}]}"#,
            "sigma",
        ),
        (
            r#"{"assumptions": [{"kind": "normalisation", "alternatives": [{"default": {"method": "min_max", "lo": 1}}]}]}"#,
            "lo",
        ),
        (
            r#"{"spec": {"normalisaton": {}}, "assumptions": []}"#,
            "spec.normalisaton",
        ),
        (
            r#"{"assumptions": [{"kind": "treatment", "alternatives": [{}, {}], "probabilities": [0.5, 0.6]}]}"#,
            "assumptions[0].probabilities",
        ),
        (
            r#"{"assumptions": [{"kind": "weight_noise", "delta": 1.5}]}"#,
            "assumptions[0].delta",
        ),
        (r#"{"assumptions": []}"#, "assumptions"),
    ] {
        match SensitivitySpec::from_json(bad) {
            Err(e @ Error::InvalidSpec { .. }) => {
                assert!(e.to_string().contains(field), "{bad}: {e}")
            }
            other => panic!("{bad}: expected an invalid spec, got {other:?}"),
        }
    }
    // weights of a data-driven weighting cannot be perturbed
    let e = SensitivitySpec::from_json(
        r#"{"spec": {"weighting": {"indicators": {"method": "entropy"}}},
            "assumptions": [{"kind": "weight_dirichlet", "concentration": 50}]}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("data-driven"), "{e}");
    // an excluded indicator must exist
    let mut s = rankshift_spec(10);
    s.assumptions = vec![assumption(
        serde_json::json!({"kind": "exclude_indicator", "indicators": ["nope"]}),
    )];
    let e = analyse(&framework(), &panel(), &s).unwrap_err();
    assert!(e.to_string().contains("nope"), "{e}");
}

#[test]
fn dirichlet_weights_centre_on_the_nominal_weights() {
    // With a large concentration the runs stay close to the nominal ranks; with a small one
    // they move more: the mean rank shift falls as c grows.
    let mut shifts = Vec::new();
    for c in [2.0, 2000.0] {
        let mut s = SensitivitySpec::new(
            Spec::default(),
            vec![Assumption::WeightDirichlet { concentration: c }],
        );
        s.n = 40;
        s.bootstrap = 0;
        let r = analyse(&framework(), &panel(), &s).unwrap();
        shifts.push(r.target.iter().sum::<f64>() / r.target.len() as f64);
    }
    assert!(shifts[1] < shifts[0], "{shifts:?}");
}

/// A spec asking for more than the analysis can keep — 10^15 base samples, or 10^15
/// bootstrap draws — is refused with the sizes and the limit before anything is allocated
/// for it (it used to abort: `memory allocation of 32000000000000000 bytes failed`).
#[test]
fn a_sample_larger_than_the_limit_is_refused_not_an_abort() {
    let fw = framework();
    let p = panel();
    let mut s = rankshift_spec(64);
    s.n = 1_000_000_000_000_000;
    let e = analyse(&fw, &p, &s).unwrap_err().to_string();
    assert!(
        e.contains("sensitivity size")
            && e.contains("1000000000000000 base samples (n) × 5 runs per sample")
            && e.contains("more than the limit"),
        "{e}"
    );
    let mut s = rankshift_spec(64);
    s.bootstrap = 1_000_000_000_000_000;
    let e = analyse(&fw, &p, &s).unwrap_err().to_string();
    assert!(
        e.contains("1000000000000000 bootstrap draws × 3 assumptions"),
        "{e}"
    );
    // an ordinary sample still runs
    assert!(analyse(&fw, &p, &rankshift_spec(8)).is_ok());
}

// ---- exclude_indicator on real frameworks ------------------------------------------------

/// `panel` without indicator `id`'s column.
fn without_column(panel: &Panel, id: &str) -> Panel {
    let keep: Vec<usize> = (0..panel.n_indicators())
        .filter(|&i| panel.indicators()[i] != id)
        .collect();
    let mut out = Panel::new(
        panel.units().to_vec(),
        panel.periods().to_vec(),
        keep.iter()
            .map(|&i| panel.indicators()[i].clone())
            .collect(),
    )
    .unwrap();
    for (k, &i) in keep.iter().enumerate() {
        for p in 0..panel.n_periods() {
            for u in 0..panel.n_units() {
                out.set(u, p, k, panel.get(u, p, i)).unwrap();
            }
        }
    }
    out
}

fn same_numbers(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

/// Leaves each framework indicator out in turn and checks each run against the documented
/// rule (docs/sensitivity.md: "the indicator's siblings share its weight"; a dimension whose
/// only indicator is left out is left out, its parent's other children sharing its weight):
/// the index of a panel without the indicator's column, which `method::run` documents as
/// exactly that. Returns the warnings of the default analysis (every indicator).
fn exclusion_matches_a_panel_without_the_column(fw: &Framework, panel: &Panel) -> Vec<String> {
    // the default: every framework indicator, and "none left out"
    let mut s = SensitivitySpec::new(
        Spec::default(),
        vec![assumption(serde_json::json!({"kind": "exclude_indicator"}))],
    );
    s.n = 4;
    s.bootstrap = 0;
    let all = analyse(fw, panel, &s)
        .unwrap_or_else(|e| panic!("{}: default exclude_indicator: {e}", fw.id));
    let period = all.period;
    for ind in &fw.indicators {
        let mut s = SensitivitySpec::new(
            Spec::default(),
            vec![assumption(serde_json::json!({"kind": "exclude_indicator",
                "indicators": [ind.id], "include_none": false}))],
        );
        s.n = 2;
        s.bootstrap = 0;
        s.threads = Some(1);
        s.period = Some(period);
        let r = analyse(fw, panel, &s)
            .unwrap_or_else(|e| panic!("{}: leaving out `{}`: {e}", fw.id, ind.id));
        let reference = method::run(fw, &without_column(panel, &ind.id), &Spec::default())
            .unwrap_or_else(|e| panic!("{}: without the column `{}`: {e}", fw.id, ind.id));
        let want = reference.index_scores(period).unwrap();
        let m = r.units.len();
        assert_eq!(r.units, reference.units);
        for run in 0..r.target.len() {
            assert!(
                same_numbers(&r.run_scores[run * m..(run + 1) * m], want),
                "{}: `{}` left out, run {run}: {:?} vs {want:?}",
                fw.id,
                ind.id,
                &r.run_scores[run * m..(run + 1) * m]
            );
        }
    }
    all.warnings
}

/// The default `exclude_indicator` and every single indicator, on the built-in framework
/// (unit targets, size indicators, derived targets and relative targets all name its
/// indicators: review methods #2, tests F2).
#[test]
fn exclude_indicator_runs_on_the_builtin_framework_for_every_indicator() {
    let fw = cpindex::model::builtin::quzhou();
    let panel = cpindex::data::read_long_csv_path(
        common::root().join("examples/data/quzhou.csv"),
        Some(fw),
    )
    .unwrap();
    assert!(!fw.size_indicators.is_empty() && !fw.derived_targets.is_empty());
    exclusion_matches_a_panel_without_the_column(fw, &panel);
}

/// The same on the example county framework, where `forest_coverage` is the only indicator
/// of `ecology`: leaving it out leaves the dimension out, with a note.
#[test]
fn exclude_indicator_runs_on_the_example_county_framework() {
    let root = common::root();
    let fw = Framework::from_json(
        &std::fs::read_to_string(root.join("examples/frameworks/example-county-2021-2025.json"))
            .unwrap(),
    )
    .unwrap();
    let panel =
        cpindex::data::read_long_csv_path(root.join("examples/county/panel.csv"), Some(&fw))
            .unwrap();
    let warnings = exclusion_matches_a_panel_without_the_column(&fw, &panel);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("dimension `ecology`")
                && w.contains("`forest_coverage` is left out")),
        "{warnings:?}"
    );
}

/// An indicator whose absence leaves its dimension with weight 0 only is refused when the
/// spec is checked, naming the indicator and the field, not at run 7 of N(k + 2).
#[test]
fn an_indicator_that_cannot_be_left_out_is_named_before_the_runs() {
    let mut fw = framework();
    // d0: i00 weight 1, i01 and i02 weight 0 — without i00 nothing of d0 has weight
    fw.indicators[1].weight = 0.0;
    fw.indicators[2].weight = 0.0;
    let mut s = SensitivitySpec::new(
        Spec::default(),
        vec![assumption(serde_json::json!({"kind": "exclude_indicator"}))],
    );
    s.n = 4;
    s.bootstrap = 0;
    match analyse(&fw, &panel(), &s).unwrap_err() {
        Error::InvalidSpec { field, message } => {
            assert_eq!(field, "assumptions[0].indicators");
            assert!(message.contains("`i00` cannot be left out"), "{message}");
            assert!(!message.contains("run "), "{message}");
        }
        other => panic!("expected an invalid spec, got {other:?}"),
    }
}

/// The first JSON block of docs/sensitivity.md ("The spec") parses and runs on the built-in
/// framework and its example data (tests F5: it had a `"...": …` key and both weight kinds).
#[test]
fn the_documented_spec_example_runs_on_the_builtin_framework() {
    let doc = std::fs::read_to_string(common::root().join("docs/sensitivity.md")).unwrap();
    let start = doc.find("```json\n").expect("a json block") + "```json\n".len();
    let end = start + doc[start..].find("```").unwrap();
    let s = SensitivitySpec::from_json(&doc[start..end]).unwrap();
    assert_eq!(s.assumptions.len(), 6);
    let fw = cpindex::model::builtin::quzhou();
    let panel = cpindex::data::read_long_csv_path(
        common::root().join("examples/data/quzhou.csv"),
        Some(fw),
    )
    .unwrap();
    let r = analyse(fw, &panel, &s).unwrap_or_else(|e| panic!("the documented spec: {e}"));
    assert_eq!(r.target.len(), s.n * (6 + 2));
    assert!(r.target.iter().all(|t| t.is_finite()));
}
