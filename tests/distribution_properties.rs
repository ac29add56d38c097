//! Property tests of the distribution measures on deterministic pseudo-random data
//! (xorshift64, lognormal-ish incomes): scale invariance, population-replication invariance,
//! weight-scale invariance, permutation invariance, the transfer principle, decompositions
//! adding up, GE(2) = CV²/2, and the O(n log n) Gini against the O(n²) definition.

use cpindex::distribution::*;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unif(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        // Box–Muller
        let (u, v) = (self.unif(), self.unif());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    fn income(&mut self) -> f64 {
        (10.0 + 0.8 * self.normal()).exp().round()
    }
}

fn data(seed: u64, n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut r = Rng(seed);
    let x: Vec<f64> = (0..n).map(|_| r.income()).collect();
    let w: Vec<f64> = (0..n).map(|_| (1 + r.next() % 5) as f64).collect();
    (x, w)
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

fn summary(d: &Distribution) -> Vec<f64> {
    vec![
        d.gini().unwrap(),
        d.theil_t().unwrap(),
        d.mean_log_deviation().unwrap(),
        d.generalized_entropy(2.0).unwrap(),
        d.generalized_entropy(-1.0).unwrap(),
        d.atkinson(0.5).unwrap(),
        d.atkinson(1.0).unwrap(),
        d.atkinson(2.0).unwrap(),
        d.coefficient_of_variation().unwrap(),
        d.hoover().unwrap(),
        d.palma_ratio().unwrap(),
        d.s80_s20().unwrap(),
        d.quintile_share_ratio(ShareRatioMethod::Eurostat).unwrap(),
        d.lorenz(0.37).unwrap(),
        d.at_risk_of_poverty_rate().unwrap(),
    ]
}

#[test]
fn gini_matches_quadratic_definition() {
    for (seed, n) in [(1u64, 7usize), (2, 300), (3, 1200)] {
        let (x, w) = data(seed, n);
        let (mut num, mut sw, mut swx) = (0.0, 0.0, 0.0);
        for i in 0..n {
            sw += w[i];
            swx += w[i] * x[i];
            for j in 0..n {
                num += w[i] * w[j] * (x[i] - x[j]).abs();
            }
        }
        let g = num / (2.0 * sw * swx); // = Σ ww|.| / (2 W² μ)
        let fast = gini(&x, Some(&w)).unwrap();
        assert!(rel(fast, g) < 1e-11, "n={n}: {fast} vs {g}");
    }
}

#[test]
fn scale_invariance() {
    let (x, w) = data(11, 2000);
    let d = Distribution::new(&x, Some(&w)).unwrap();
    let xs: Vec<f64> = x.iter().map(|v| v * 3.7).collect();
    let ds = Distribution::new(&xs, Some(&w)).unwrap();
    for (a, b) in summary(&d).iter().zip(summary(&ds)) {
        assert!(rel(*a, b) < 1e-10, "{a} vs {b}");
    }
    assert!(rel(ds.median().unwrap(), 3.7 * d.median().unwrap()) < 1e-15);
}

#[test]
fn population_replication_invariance() {
    // integer weights ≡ duplicated records
    for (seed, n) in [(5u64, 40usize), (6, 700)] {
        let (x, w) = data(seed, n);
        let mut rep = Vec::new();
        for (v, k) in x.iter().zip(&w) {
            for _ in 0..(*k as usize) {
                rep.push(*v);
            }
        }
        let d = Distribution::new(&x, Some(&w)).unwrap();
        let r = Distribution::new(&rep, None).unwrap();
        for (a, b) in summary(&d).iter().zip(summary(&r)) {
            assert!(rel(*a, b) < 1e-10, "{a} vs {b}");
        }
        for p in [0.01, 0.1, 0.2, 0.25, 0.5, 0.8, 0.9, 0.99] {
            for m in [
                QuantileMethod::AveragedInvertedCdf,
                QuantileMethod::InvertedCdf,
            ] {
                assert_eq!(
                    d.quantile(p, m).unwrap(),
                    r.quantile(p, m).unwrap(),
                    "p={p} {m:?}"
                );
            }
        }
        let (lo, hi) = (
            r.quantile(0.3, QuantileMethod::InvertedCdf).unwrap(),
            40000.0,
        );
        assert!(
            (d.share_in_band(lo, hi, BandRule::HalfOpen).unwrap()
                - r.share_in_band(lo, hi, BandRule::HalfOpen).unwrap())
            .abs()
                < 1e-12
        );
    }
}

#[test]
fn weight_scale_and_permutation_invariance() {
    let (x, w) = data(21, 1500);
    let d = Distribution::new(&x, Some(&w)).unwrap();
    let w2: Vec<f64> = w.iter().map(|v| v * 0.1).collect();
    let d2 = Distribution::new(&x, Some(&w2)).unwrap();
    for (a, b) in summary(&d).iter().zip(summary(&d2)) {
        assert!(rel(*a, b) < 1e-10, "{a} vs {b}");
    }
    // 0.1-scaled weights: cumulative shares hit 0.2, 0.5 … only up to rounding; the
    // tolerance in the quantile search must make the type-2 quantiles agree exactly.
    for p in [0.1, 0.2, 0.5, 0.8] {
        assert_eq!(d.median().unwrap(), d2.median().unwrap());
        assert_eq!(
            d.quantile(p, QuantileMethod::AveragedInvertedCdf).unwrap(),
            d2.quantile(p, QuantileMethod::AveragedInvertedCdf).unwrap()
        );
    }
    let mut xr = x.clone();
    let mut wr = w.clone();
    xr.reverse();
    wr.reverse();
    let dr = Distribution::new(&xr, Some(&wr)).unwrap();
    for (a, b) in summary(&d).iter().zip(summary(&dr)) {
        assert!(rel(*a, b) < 1e-12, "{a} vs {b}");
    }
}

#[test]
fn transfer_principle() {
    // A small transfer from the richest to the poorest record that keeps their ranks
    // lowers every transfer-sensitive index (Pigou–Dalton; Cowell 2011 §3.1).
    let (mut x, w) = data(31, 500);
    let d0 = Distribution::new(&x, Some(&w)).unwrap();
    let (imin, _) = x
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .unwrap();
    let (imax, _) = x
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .unwrap();
    // move income, not per-record amounts: total wx stays the same
    let delta = 10.0;
    x[imax] -= delta / w[imax];
    x[imin] += delta / w[imin];
    let d1 = Distribution::new(&x, Some(&w)).unwrap();
    assert!((d1.mean() - d0.mean()).abs() < 1e-9 * d0.mean());
    assert!(d1.gini().unwrap() < d0.gini().unwrap());
    assert!(d1.theil_t().unwrap() < d0.theil_t().unwrap());
    assert!(d1.mean_log_deviation().unwrap() < d0.mean_log_deviation().unwrap());
    assert!(d1.generalized_entropy(2.0).unwrap() < d0.generalized_entropy(2.0).unwrap());
    assert!(d1.atkinson(1.0).unwrap() < d0.atkinson(1.0).unwrap());
    assert!(d1.coefficient_of_variation().unwrap() < d0.coefficient_of_variation().unwrap());
}

#[test]
fn ge2_is_half_cv_squared() {
    let (x, w) = data(41, 3000);
    let d = Distribution::new(&x, Some(&w)).unwrap();
    let cv = d.coefficient_of_variation().unwrap();
    assert!(rel(d.generalized_entropy(2.0).unwrap(), cv * cv / 2.0) < 1e-10);
    // non-integer α uses powf: GE(2.0000001) ≈ GE(2)
    assert!(rel(d.generalized_entropy(2.000_000_1).unwrap(), cv * cv / 2.0) < 1e-5);
    // continuity at 0 and 1
    assert!(
        rel(
            d.generalized_entropy(1e-7).unwrap(),
            d.mean_log_deviation().unwrap()
        ) < 1e-5
    );
    assert!(
        rel(
            d.generalized_entropy(1.0 + 1e-7).unwrap(),
            d.theil_t().unwrap()
        ) < 1e-5
    );
    // Atkinson(ε) = 1 − (1 + ε(ε−1)... : for ε = 2, A = 1 − (1 + 2·GE(−1))^(−1)
    let a2 = 1.0 - 1.0 / (1.0 + 2.0 * d.generalized_entropy(-1.0).unwrap());
    assert!(rel(d.atkinson(2.0).unwrap(), a2) < 1e-10);
    // Atkinson(1) = 1 − exp(−MLD)
    assert!(
        rel(
            d.atkinson(1.0).unwrap(),
            1.0 - (-d.mean_log_deviation().unwrap()).exp()
        ) < 1e-10
    );
}

#[test]
fn decompositions_add_up() {
    let (x, w) = data(51, 2500);
    let mut r = Rng(99);
    let groups: Vec<usize> = (0..x.len()).map(|_| (r.next() % 6) as usize * 10).collect();
    for alpha in [-1.0, 0.0, 0.5, 1.0, 2.0, 3.0] {
        let d = ge_decomposition(&x, Some(&w), &groups, alpha).unwrap();
        assert!(
            (d.within + d.between - d.total).abs() < 1e-12 * d.total.max(1.0),
            "α={alpha}: {} + {} vs {}",
            d.within,
            d.between,
            d.total
        );
        assert_eq!(d.groups.len(), 6);
        assert_eq!(d.groups[1].label, 10);
        let sv: f64 = d.groups.iter().map(|g| g.population_share).sum();
        let ss: f64 = d.groups.iter().map(|g| g.income_share).sum();
        assert!((sv - 1.0).abs() < 1e-12 && (ss - 1.0).abs() < 1e-12);
    }
    let g = dagum_gini_decomposition(&x, Some(&w), &groups).unwrap();
    assert!((g.within + g.between_net + g.transvariation - g.total).abs() < 1e-12);
    // one group: everything is within
    let one = vec![0usize; x.len()];
    let d = ge_decomposition(&x, Some(&w), &one, 1.0).unwrap();
    assert!(d.between.abs() < 1e-15 && rel(d.within, d.total) < 1e-12);
    // every record its own group: everything is between
    let own: Vec<usize> = (0..200).collect();
    let d = ge_decomposition(&x[..200], Some(&w[..200]), &own, 0.0).unwrap();
    assert!(d.within.abs() < 1e-15 && rel(d.between, d.total) < 1e-12);
    let gd = dagum_gini_decomposition(&x[..200], Some(&w[..200]), &own).unwrap();
    assert!(gd.within.abs() < 1e-15);
    // separated groups (no overlap): no transvariation
    let xs = [1.0, 2.0, 3.0, 10.0, 11.0, 12.0];
    let gd = dagum_gini_decomposition(&xs, None, &[0, 0, 0, 1, 1, 1]).unwrap();
    assert!(gd.transvariation.abs() < 1e-15);
}

#[test]
fn lorenz_is_monotone_and_consistent_with_ties() {
    let (mut x, w) = data(61, 1000);
    for v in x.iter_mut().step_by(3) {
        *v = 20000.0; // many ties
    }
    let d = Distribution::new(&x, Some(&w)).unwrap();
    let mut last = 0.0;
    for k in 0..=200 {
        let l = d.lorenz(k as f64 / 200.0).unwrap();
        assert!(l >= last - 1e-15);
        assert!(l <= k as f64 / 200.0 + 1e-12); // below the diagonal
        last = l;
    }
    assert!((d.lorenz(1.0).unwrap() - 1.0).abs() < 1e-15);
    // Hoover = max (p − L(p)), attained at p = F(μ⁻)
    let h = d.hoover().unwrap();
    let mut best: f64 = 0.0;
    for k in 0..=20000 {
        let p = k as f64 / 20000.0;
        best = best.max(p - d.lorenz(p).unwrap());
    }
    assert!(h >= best - 1e-12 && h - best < 1e-3, "{h} vs {best}");
    // Gini = 1 − 2∫L: trapezoid on a fine grid
    let m = 100_000;
    let mut area = 0.0;
    let mut prev = 0.0;
    for k in 1..=m {
        let l = d.lorenz(k as f64 / m as f64).unwrap();
        area += (l + prev) / (2.0 * m as f64);
        prev = l;
    }
    assert!((1.0 - 2.0 * area - d.gini().unwrap()).abs() < 1e-6);
}

#[test]
fn quantiles_match_sorted_copy_large() {
    // radix path (n > 256) vs a plain comparison sort of the same data
    let mut r = Rng(71);
    let x: Vec<f64> = (0..5001).map(|_| (r.unif() - 0.2) * 1e5).collect();
    let d = Distribution::new(&x, None).unwrap();
    let mut s = x.clone();
    s.sort_by(f64::total_cmp);
    assert_eq!(d.sorted_values(), s);
    // type 7 = numpy/R default: h = (n−1)p
    for p in [0.0, 0.1, 0.333, 0.5, 0.9, 1.0] {
        let h: f64 = 5000.0 * p;
        let j = h.floor() as usize;
        let e = if j + 1 < s.len() {
            s[j] + (h - j as f64) * (s[j + 1] - s[j])
        } else {
            s[j]
        };
        assert!((d.quantile(p, QuantileMethod::Linear).unwrap() - e).abs() < 1e-9);
    }
    // type 2, n odd: median = middle value
    assert_eq!(d.median().unwrap(), s[2500]);
}

#[test]
fn lognormal_sample_matches_closed_forms() {
    // For a lognormal with log-sd σ (Cowell 2011, Technical Appendix A.2 / Table A.1):
    // Gini = 2Φ(σ/√2) − 1, Theil T = MLD = σ²/2, GE(2) = (e^{σ²} − 1)/2, Atkinson(ε) = 1 − e^{−εσ²/2}.
    // σ = 0.8: Φ(0.565685…) = 0.714196… (erf table / Python 3.11 math.erf: 0.5·(1+erf(0.4)) =
    // 0.7141962), so Gini = 0.4283924; σ²/2 = 0.32.
    let mut r = Rng(12345);
    let n = 400_000;
    let x: Vec<f64> = (0..n).map(|_| (10.0 + 0.8 * r.normal()).exp()).collect();
    let d = Distribution::new(&x, None).unwrap();
    assert!(
        (d.gini().unwrap() - 0.4283924).abs() < 3e-3,
        "{}",
        d.gini().unwrap()
    );
    assert!((d.theil_t().unwrap() - 0.32).abs() < 6e-3);
    assert!((d.mean_log_deviation().unwrap() - 0.32).abs() < 6e-3);
    let ge2 = ((0.64f64).exp() - 1.0) / 2.0;
    assert!((d.generalized_entropy(2.0).unwrap() - ge2).abs() < 0.03);
    assert!((d.atkinson(1.0).unwrap() - (1.0 - (-0.32f64).exp())).abs() < 5e-3);
    // median of a lognormal = e^10
    assert!((d.median().unwrap() / 10f64.exp() - 1.0).abs() < 1e-2);
}

/// The O(n log n) Dagum decomposition against its definition evaluated pair by pair
/// (Dagum 1997: `G_jh = Δ_jh/(μ_j + μ_h)`, `D_jh = |μ_j − μ_h|/Δ_jh`, weights
/// `p_j s_h + p_h s_j`), written out here with a double loop over records.
#[test]
#[allow(clippy::needless_range_loop)] // the indices follow the formula's j, h, i, r
fn dagum_matches_the_pairwise_definition_with_many_groups() {
    let n = 300;
    let mut s = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut x = Vec::new();
    let mut w = Vec::new();
    let mut grp = Vec::new();
    for i in 0..n {
        let g = i % 37;
        x.push(1.0 + 10.0 * next() + g as f64);
        w.push(0.5 + next());
        grp.push(g);
    }
    let k = 37;
    let (wt, tt): (f64, f64) = (w.iter().sum(), x.iter().zip(&w).map(|(a, b)| a * b).sum());
    let mut wg = vec![0.0; k];
    let mut tg = vec![0.0; k];
    for i in 0..n {
        wg[grp[i]] += w[i];
        tg[grp[i]] += w[i] * x[i];
    }
    let mu: Vec<f64> = (0..k).map(|g| tg[g] / wg[g]).collect();
    let mut delta = vec![vec![0.0; k]; k];
    for i in 0..n {
        for r in 0..n {
            delta[grp[i]][grp[r]] += w[i] * w[r] * (x[i] - x[r]).abs();
        }
    }
    let (mut within, mut nb, mut tv) = (0.0, 0.0, 0.0);
    for j in 0..k {
        let (pj, sj) = (wg[j] / wt, tg[j] / tt);
        within += delta[j][j] / (wg[j] * wg[j]) / (2.0 * mu[j]) * pj * sj;
        for h in 0..j {
            let (ph, sh) = (wg[h] / wt, tg[h] / tt);
            let d = delta[j][h] / (wg[j] * wg[h]);
            let gjh = d / (mu[j] + mu[h]);
            let djh = (mu[j] - mu[h]).abs() / d;
            nb += gjh * (pj * sh + ph * sj) * djh;
            tv += gjh * (pj * sh + ph * sj) * (1.0 - djh);
        }
    }
    let got = cpindex::distribution::dagum_gini_decomposition(&x, Some(&w), &grp).unwrap();
    assert!(
        (got.within - within).abs() < 1e-12,
        "{} vs {within}",
        got.within
    );
    assert!(
        (got.between_net - nb).abs() < 1e-12,
        "{} vs {nb}",
        got.between_net
    );
    assert!(
        (got.transvariation - tv).abs() < 1e-12,
        "{} vs {tv}",
        got.transvariation
    );
}
