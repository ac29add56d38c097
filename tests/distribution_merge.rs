//! Mergeable summaries and two-pass rank measures over range partitions
//! (`distribution::{Summary, RankPartition, RankPlan}`), against hand computations and
//! against the single-machine `Distribution` (itself checked against R laeken/ineq).
//!
//! Exactness claims tested here:
//! * `Summary` (moment measures): merged from any split into 1, 2, 7, 64 chunks in any
//!   order = the one-shot summary **bit for bit** (exact accumulators), and = the
//!   single-machine `Distribution` to 1e-12 relative;
//! * `RankPlan` (rank measures): equal to the single-machine `Distribution` to 1e-12
//!   relative for every split into range partitions (including splits inside tie runs,
//!   single-record and empty partitions); quantiles, which select a record, are equal
//!   exactly.

use cpindex::distribution::{
    answer_probes, dagum_decomposition_from_plans, dagum_gini_decomposition, ge_decomposition,
    ge_decomposition_from_summaries, Distribution, MissingPolicy, ProbeAnswer, QuantileMethod,
    RankPartition, RankPlan, RankQuery, Summary,
};

const ALPHAS: [f64; 4] = [2.0, 0.5, -1.0, 3.0];

/// Deterministic generator (64-bit LCG, Knuth's MMIX constants).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 11
    }
    fn unif(&mut self) -> f64 {
        self.next() as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.unif() * n as f64) as usize
    }
}

/// Incomes with heavy ties (rounded to 100 yuan, so ~1 % distinct values), lognormal-ish,
/// survey-like decimal weights and some zero weights.
fn data(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    data_with(n, seed, [0.5, 1.0, 1.25, 2.0, 3.7])
}

/// As [`data`] with the weight set given (dyadic weights make every cumulative sum exact).
fn data_with(n: usize, seed: u64, weights: [f64; 5]) -> (Vec<f64>, Vec<f64>) {
    let mut g = Lcg(seed);
    let mut v = Vec::with_capacity(n);
    let mut w = Vec::with_capacity(n);
    for _ in 0..n {
        let z: f64 = (0..4).map(|_| g.unif()).sum::<f64>() - 2.0;
        let x = (30000.0 * (0.9 * z).exp() / 100.0).round() * 100.0 + 100.0;
        v.push(x);
        let wi = if g.below(50) == 0 {
            0.0
        } else {
            weights[g.below(5)]
        };
        w.push(wi);
    }
    (v, w)
}

/// Python's `math.fsum` (Shewchuk 1997, "Adaptive precision floating-point arithmetic",
/// *Discrete Comput. Geom.* 18; CPython `mathmodule.c` `math_fsum`): the correctly rounded
/// sum, computed independently of cpindex's fixed-point accumulator.
fn fsum(xs: impl IntoIterator<Item = f64>) -> f64 {
    let mut partials: Vec<f64> = Vec::new();
    for mut x in xs {
        let mut i = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        partials.push(x);
    }
    let mut n = partials.len();
    if n == 0 {
        return 0.0;
    }
    n -= 1;
    let mut hi = partials[n];
    let mut lo = 0.0;
    while n > 0 {
        let x = hi;
        n -= 1;
        let y = partials[n];
        hi = x + y;
        let yr = hi - x;
        lo = y - yr;
        if lo != 0.0 {
            break;
        }
    }
    // half-even correction as in CPython
    if n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)) {
        let y = lo * 2.0;
        let x = hi + y;
        let yr = x - hi;
        if y == yr {
            hi = x;
        }
    }
    hi
}

fn close(a: f64, b: f64, tol: f64, what: &str) {
    let d = (a - b).abs() / b.abs().max(1e-300);
    assert!(d <= tol, "{what}: {a} vs {b} (relative {d:e})");
}

fn moment_measures(s: &Summary) -> Vec<f64> {
    let mut m = vec![
        s.mean().unwrap(),
        s.total_weight(),
        s.total(),
        s.theil_t().unwrap(),
        s.mean_log_deviation().unwrap(),
        s.coefficient_of_variation().unwrap(),
        s.atkinson(1.0).unwrap(),
        s.atkinson(0.5).unwrap(),
        s.atkinson(2.0).unwrap(),
        s.min().unwrap(),
        s.max().unwrap(),
    ];
    for a in ALPHAS {
        m.push(s.generalized_entropy(a).unwrap());
    }
    m
}

/// [`moment_measures`] by the single-machine formulas with exact sums.
fn fsum_measures(v: &[f64], w: &[f64]) -> Vec<f64> {
    let kept: Vec<(f64, f64)> = v
        .iter()
        .zip(w)
        .filter(|r| *r.1 > 0.0)
        .map(|(a, b)| (*a, *b))
        .collect();
    let sum = |f: &dyn Fn(f64, f64) -> f64| fsum(kept.iter().map(|&(x, w)| f(x, w)));
    let ww = sum(&|_, w| w);
    let t = sum(&|x, w| w * x);
    let mu = t / ww;
    let ge = |a: f64| (sum(&|x, w| w * (x / mu).powf(a)) / ww - 1.0) / (a * (a - 1.0));
    let atk = |e: f64| 1.0 - (sum(&|x, w| w * (x / mu).powf(1.0 - e)) / ww).powf(1.0 / (1.0 - e));
    let mut m = vec![
        mu,
        ww,
        t,
        sum(&|x, w| w * (x / mu) * (x / mu).ln()) / ww,
        -sum(&|x, w| w * (x / mu).ln()) / ww,
        (sum(&|x, w| w * (x - mu) * (x - mu)) / ww).sqrt() / mu,
        1.0 - (sum(&|x, w| w * (x / mu).ln()) / ww).exp(),
        atk(0.5),
        atk(2.0),
        kept.iter().map(|r| r.0).fold(f64::INFINITY, f64::min),
        kept.iter().map(|r| r.0).fold(f64::NEG_INFINITY, f64::max),
    ];
    for a in ALPHAS {
        m.push(ge(a));
    }
    m
}

fn dist_measures(d: &Distribution) -> Vec<f64> {
    let mut m = vec![
        d.mean(),
        d.total_weight(),
        d.total(),
        d.theil_t().unwrap(),
        d.mean_log_deviation().unwrap(),
        d.coefficient_of_variation().unwrap(),
        d.atkinson(1.0).unwrap(),
        d.atkinson(0.5).unwrap(),
        d.atkinson(2.0).unwrap(),
        d.min(),
        d.max(),
    ];
    for a in ALPHAS {
        m.push(d.generalized_entropy(a).unwrap());
    }
    m
}

/// Cut points of `n` records into `k` chunks at random positions (empty chunks allowed).
fn cuts(n: usize, k: usize, g: &mut Lcg) -> Vec<usize> {
    let mut c: Vec<usize> = (0..k - 1).map(|_| g.below(n + 1)).collect();
    c.push(0);
    c.push(n);
    c.sort_unstable();
    c
}

#[test]
fn hand_computed_small_example() {
    // {1, 2, 3, 4}, weight 1: μ = 2.5; σ² = (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25, CV² = 0.2,
    // GE(2) = CV²/2 = 0.1; MLD = ln 2.5 − ln(24)/4 = 0.916291 − 0.794513 = 0.1217774;
    // Theil = (1·0 + 2 ln 2 + 3 ln 3 + 4 ln 4)/10 − ln 2.5 = (1.386294 + 3.295837
    // + 5.545177)/10 − 0.916291 = 0.1061017.
    let a = Summary::from_records(&[1.0, 2.0], None, &[2.0], MissingPolicy::Error).unwrap();
    let b = Summary::from_records(&[4.0, 3.0], None, &[2.0], MissingPolicy::Error).unwrap();
    let mut m = a.clone();
    m.merge(&b).unwrap();
    assert_eq!(m.mean().unwrap(), 2.5);
    close(m.generalized_entropy(2.0).unwrap(), 0.1, 1e-14, "GE(2)");
    close(
        m.coefficient_of_variation().unwrap(),
        0.2f64.sqrt(),
        1e-14,
        "CV",
    );
    let mld = 2.5f64.ln() - 24f64.ln() / 4.0;
    close(m.mean_log_deviation().unwrap(), mld, 1e-14, "MLD");
    let theil = (2.0 * 2f64.ln() + 3.0 * 3f64.ln() + 4.0 * 4f64.ln()) / 10.0 - 2.5f64.ln();
    close(m.theil_t().unwrap(), theil, 1e-14, "Theil");
    // Rank side, partitions [1, 2] | [3, 4]: Gini = ΣΣ|xi − xj| / (2 n² μ) = 20/(2·16·2.5)
    // = 0.25; the type-2 median is the average (2 + 3)/2 across the boundary; type 1 is 2;
    // type 7 is 2.5; L(0.5) = 3/10; S80/S20 = 4/1; Palma = (1 − L(0.9))/L(0.4)
    // = (4·0.4)/(1 + 0.6·2) = 1.6/2.2.
    let parts = vec![
        RankPartition::from_records(&[2.0, 1.0], None, MissingPolicy::Error).unwrap(),
        RankPartition::from_records(&[3.0, 4.0], None, MissingPolicy::Error).unwrap(),
    ];
    let plan = RankPlan::new(parts).unwrap();
    assert_eq!(plan.gini().unwrap(), 0.25);
    let qs = [
        RankQuery::Quantile(0.5, QuantileMethod::AveragedInvertedCdf),
        RankQuery::Quantile(0.5, QuantileMethod::InvertedCdf),
        RankQuery::Quantile(0.5, QuantileMethod::Linear),
        RankQuery::Lorenz(0.5),
        RankQuery::S80S20,
        RankQuery::Palma,
        RankQuery::BandShare(2.0, 4.0),
    ];
    let got = run_plan(&plan, &qs, &[vec![2.0, 1.0], vec![3.0, 4.0]], None);
    assert_eq!(got[0], 2.5);
    assert_eq!(got[1], 2.0);
    assert_eq!(got[2], 2.5);
    close(got[3], 0.3, 1e-15, "L(0.5)");
    close(got[4], 4.0, 1e-15, "S80/S20");
    close(got[5], 1.6 / 2.2, 1e-15, "Palma");
    assert_eq!(got[6], 0.5); // {2, 3} of 4
}

#[test]
fn hoover_qsr_arpr_by_hand() {
    // x = 1..10, weight 1: μ = 5.5, W = 10, T = 55.
    // Hoover = Σ|x − μ| / (2Wμ) = 2·(4.5 + 3.5 + 2.5 + 1.5 + 0.5)/(2·10·5.5) = 25/110 = 5/22.
    // Eurostat QSR: q20 (type 2) has C = 2 = 0.2·W exactly at x = 2 → (2 + 3)/2 = 2.5;
    // q80 has C = 8 at x = 8 → 8.5; records > 8.5 hold 9 + 10 = 19, records ≤ 2.5 hold
    // 1 + 2 = 3 → 19/3. Median (5 + 6)/2 = 5.5, ARPT = 3.3, ARPR = #{1, 2, 3}/10 = 0.3.
    // max/min = 10.
    let qs = [
        RankQuery::Hoover,
        RankQuery::QuintileShareRatioEurostat,
        RankQuery::AtRiskOfPovertyThreshold,
        RankQuery::AtRiskOfPovertyRate,
        RankQuery::MaxMinRatio,
        RankQuery::Total,
    ];
    let expect = [5.0 / 22.0, 19.0 / 3.0, 3.3, 0.3, 10.0, 55.0];
    // Two splits: in the first the ARPR threshold 3.3 falls between partitions (round 2
    // asks nothing), in the second it falls inside {3, 4, 5} and q20 averages 2 with the
    // next partition's first value 3.
    for (i, split) in [
        vec![
            vec![3.0, 1.0, 2.0],
            vec![7.0, 5.0, 4.0, 6.0],
            vec![],
            vec![10.0, 8.0, 9.0],
        ],
        vec![
            vec![2.0, 1.0],
            vec![5.0, 3.0, 4.0],
            vec![6.0],
            vec![9.0, 7.0, 10.0, 8.0],
        ],
    ]
    .into_iter()
    .enumerate()
    {
        let plan = RankPlan::new(
            split
                .iter()
                .map(|v| RankPartition::from_records(v, None, MissingPolicy::Error).unwrap())
                .collect(),
        )
        .unwrap();
        let got = run_plan(&plan, &qs, &split, None);
        for ((g, e), q) in got.iter().zip(&expect).zip(&qs) {
            close(*g, *e, 1e-15, &format!("{q:?}"));
        }
        // the second round: QSR's sums at q20 = 2.5 (inside the first partition) and
        // q80 = 8.5 (inside the last) in the first split; in the second q80 and ARPR's sum below
        // 3.3 (inside {3, 4, 5}). Finishing without it is an error that says what to do
        let first = answer_round(&plan.probes(&qs).unwrap(), &split, None);
        let second = plan.next_probes(&qs, &first).unwrap();
        assert_eq!(second.len(), 2, "split {i}: {second:?}");
        let e = plan.finish(&qs, &first).unwrap_err().to_string();
        assert!(e.contains("next_probes"), "{e}");
    }
}

/// Pass 2 as an engine would run it: each partition answers its own probes.
fn run_plan(
    plan: &RankPlan,
    queries: &[RankQuery],
    parts: &[Vec<f64>],
    weights: Option<&[Vec<f64>]>,
) -> Vec<f64> {
    let mut answers: Vec<ProbeAnswer> = Vec::new();
    let mut rounds = 0;
    loop {
        let probes = plan.next_probes(queries, &answers).unwrap();
        if probes.is_empty() {
            break;
        }
        rounds += 1;
        assert!(rounds <= 2, "at most two rounds of probes");
        answers.extend(answer_round(&probes, parts, weights));
    }
    plan.finish(queries, &answers).unwrap()
}

/// One round of pass 2: each partition answers the probes addressed to it.
fn answer_round(
    probes: &[cpindex::distribution::Probe],
    parts: &[Vec<f64>],
    weights: Option<&[Vec<f64>]>,
) -> Vec<ProbeAnswer> {
    let mut round: Vec<ProbeAnswer> = vec![[0.0; 5]; probes.len()];
    for (p, vals) in parts.iter().enumerate() {
        let idx: Vec<usize> = (0..probes.len())
            .filter(|&i| probes[i].partition == p)
            .collect();
        let mine: Vec<_> = idx.iter().map(|&i| probes[i]).collect();
        let w = weights.map(|w| &w[p][..]);
        let a = answer_probes(vals, w, MissingPolicy::Error, &mine).unwrap();
        for (k, &i) in idx.iter().enumerate() {
            round[i] = a[k];
        }
    }
    round
}

fn merge_in_order(parts: &[Summary], order: &[usize]) -> Summary {
    let mut m = Summary::empty(&ALPHAS).unwrap();
    for &i in order {
        m.merge(&parts[i]).unwrap();
    }
    m
}

fn tree_merge(parts: &[Summary]) -> Summary {
    if parts.len() == 1 {
        return parts[0].clone();
    }
    let (a, b) = parts.split_at(parts.len() / 2);
    let mut m = tree_merge(a);
    m.merge(&tree_merge(b)).unwrap();
    m
}

fn check_moments(n: usize) {
    let (v, w) = data(n, 42);
    let one = Summary::from_records(&v, Some(&w), &ALPHAS, MissingPolicy::Error).unwrap();
    // The sums are the correctly rounded exact sums of the per-record terms: checked
    // against an independent exact summation (Shewchuk/fsum).
    assert_eq!(one.total_weight(), fsum(w.iter().copied()));
    assert_eq!(one.total(), fsum(v.iter().zip(&w).map(|(x, w)| w * x)));
    let d = Distribution::new(&v, Some(&w)).unwrap();
    let reference = moment_measures(&one);
    // An independent reference: the Distribution's own formulas (terms in x/μ) with every
    // sum exact (fsum). The summary agrees with it to 1e-12, and so does the single-machine
    // Distribution, whose sums are blocked and compensated (before, plain running sums
    // drifted up to 2.6e-11 relative for Theil/MLD at 10^6 and failed this bound).
    let exact = fsum_measures(&v, &w);
    for (i, ((a, b), c)) in reference
        .iter()
        .zip(&exact)
        .zip(dist_measures(&d))
        .enumerate()
    {
        close(
            *a,
            *b,
            1e-12,
            &format!("summary vs exact reference, measure {i}"),
        );
        close(
            c,
            *b,
            1e-12,
            &format!("Distribution vs exact reference, measure {i}"),
        );
        close(
            *a,
            c,
            1e-12,
            &format!("summary vs Distribution, measure {i}"),
        );
    }
    let mut g = Lcg(7);
    for k in [1usize, 2, 7, 64] {
        let c = cuts(n, k, &mut g);
        let parts: Vec<Summary> = c
            .windows(2)
            .map(|r| {
                Summary::from_records(
                    &v[r[0]..r[1]],
                    Some(&w[r[0]..r[1]]),
                    &ALPHAS,
                    MissingPolicy::Error,
                )
                .unwrap()
            })
            .collect();
        let fwd: Vec<usize> = (0..k).collect();
        let rev: Vec<usize> = (0..k).rev().collect();
        let mut shuf = fwd.clone();
        for i in (1..k).rev() {
            shuf.swap(i, g.below(i + 1));
        }
        let mut merged = vec![
            merge_in_order(&parts, &fwd),
            merge_in_order(&parts, &rev),
            merge_in_order(&parts, &shuf),
            tree_merge(&parts),
        ];
        // through the byte format, too
        let bytes: Vec<Summary> = parts
            .iter()
            .map(|p| Summary::from_bytes(&p.to_bytes()).unwrap())
            .collect();
        merged.push(merge_in_order(&bytes, &rev));
        for m in &merged {
            assert_eq!(m.n(), one.n());
            assert_eq!(m.n_zero_weight(), one.n_zero_weight());
            for (a, b) in moment_measures(m).iter().zip(&reference) {
                assert_eq!(a.to_bits(), b.to_bits(), "{k} chunks: {a} vs {b}");
            }
        }
    }
}

#[test]
fn moment_summaries_merge_bit_for_bit_1e6() {
    check_moments(1_000_000);
}

#[test]
#[ignore = "10^7 records: slow in a debug build; run with --release --ignored"]
fn moment_summaries_merge_bit_for_bit_1e7() {
    check_moments(10_000_000);
}

fn rank_queries() -> Vec<RankQuery> {
    let mut q = vec![
        RankQuery::Palma,
        RankQuery::S80S20,
        RankQuery::IncomeShare(0.2, 0.8),
        RankQuery::BandShare(20000.0, 40000.0),
        RankQuery::BandShare(30000.0, 30000.0),
        RankQuery::BandShare(f64::NEG_INFINITY, 25000.0),
        RankQuery::ShareBelow(30000.0),
        RankQuery::Hoover,
        RankQuery::QuintileShareRatioEurostat,
        RankQuery::AtRiskOfPovertyThreshold,
        RankQuery::AtRiskOfPovertyRate,
        RankQuery::Mean,
        RankQuery::TotalWeight,
        RankQuery::Total,
        RankQuery::Min,
        RankQuery::Max,
        RankQuery::MaxMinRatio,
    ];
    for p in [0.0, 0.1, 0.2, 0.25, 0.5, 0.8, 0.9, 0.99, 1.0] {
        q.push(RankQuery::Quantile(p, QuantileMethod::AveragedInvertedCdf));
        q.push(RankQuery::Quantile(p, QuantileMethod::InvertedCdf));
        q.push(RankQuery::Lorenz(p));
    }
    q
}

fn single_machine(d: &Distribution, q: &RankQuery) -> f64 {
    use cpindex::distribution::BandRule;
    match *q {
        RankQuery::Quantile(p, m) => d.quantile(p, m).unwrap(),
        RankQuery::Lorenz(p) => d.lorenz(p).unwrap(),
        RankQuery::IncomeShare(a, b) => d.income_share(a, b).unwrap(),
        RankQuery::Palma => d.palma_ratio().unwrap(),
        RankQuery::S80S20 => d.s80_s20().unwrap(),
        RankQuery::BandShare(a, b) => d.share_in_band(a, b, BandRule::HalfOpen).unwrap(),
        RankQuery::ShareBelow(t) => d.share_below(t).unwrap(),
        RankQuery::Gini => d.gini().unwrap(),
        RankQuery::GiniCorrected => d.gini_corrected().unwrap(),
        RankQuery::Mean => d.mean(),
        RankQuery::TotalWeight => d.total_weight(),
        RankQuery::Total => d.total(),
        RankQuery::Min => d.min(),
        RankQuery::Max => d.max(),
        RankQuery::MaxMinRatio => d.max_min_ratio().unwrap().ratio,
        RankQuery::Hoover => d.hoover().unwrap(),
        RankQuery::QuintileShareRatioEurostat => d
            .quintile_share_ratio(cpindex::distribution::ShareRatioMethod::Eurostat)
            .unwrap(),
        RankQuery::AtRiskOfPovertyThreshold => d.at_risk_of_poverty_threshold().unwrap(),
        RankQuery::AtRiskOfPovertyRate => d.at_risk_of_poverty_rate().unwrap(),
    }
}

/// Range partitions of `(v, w)`: sort by value, cut at random positions (so that tie runs
/// straddle boundaries), force a single-record and an empty partition, shuffle inside each.
fn range_partitions(v: &[f64], w: &[f64], k: usize, g: &mut Lcg) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut c = cuts(v.len(), k, g);
    if k >= 4 {
        c[2] = c[1] + 1; // partition 1 holds one record
        c[3] = c[2]; // partition 2 is empty
        for i in 3..c.len() {
            c[i] = c[i].max(c[i - 1]);
        }
    }
    let mut pv = Vec::new();
    let mut pw = Vec::new();
    for r in c.windows(2) {
        let mut ids: Vec<usize> = idx[r[0]..r[1]].to_vec();
        for i in (1..ids.len()).rev() {
            ids.swap(i, g.below(i + 1));
        }
        pv.push(ids.iter().map(|&i| v[i]).collect::<Vec<_>>());
        pw.push(ids.iter().map(|&i| w[i]).collect::<Vec<_>>());
    }
    (pv, pw)
}

/// The weighted Gini `Σ wᵢxᵢ(2Cᵢ₋₁ + wᵢ − W)/(W T)` with exact cumulative weights (the
/// weights are dyadic, so the plain running sum is exact) and an exact outer sum (fsum).
fn reference_gini(v: &[f64], w: &[f64]) -> f64 {
    let mut r: Vec<(f64, f64)> = v
        .iter()
        .zip(w)
        .filter(|r| *r.1 > 0.0)
        .map(|(a, b)| (*a, *b))
        .collect();
    r.sort_by(|a, b| a.0.total_cmp(&b.0));
    let ww: f64 = r.iter().map(|r| r.1).sum();
    let t = fsum(r.iter().map(|r| r.0 * r.1));
    let mut c = 0.0;
    let terms: Vec<f64> = r
        .iter()
        .map(|&(x, wi)| {
            let term = wi * x * (2.0 * c + wi - ww);
            c += wi;
            term
        })
        .collect();
    fsum(terms) / (ww * t)
}

fn check_rank(n: usize, weighted: bool) {
    // dyadic survey-like weights: every cumulative weight and weighted total below is exact
    // in f64, so Lorenz ordinates, shares and quantiles have one exact answer.
    let (v, mut w) = data_with(n, 99, [0.5, 1.0, 1.25, 2.0, 3.75]);
    if !weighted {
        w.iter_mut().for_each(|x| *x = 1.0);
    }
    let d = Distribution::new(&v, Some(&w)).unwrap();
    let mut queries = rank_queries();
    if !weighted {
        for p in [0.0, 0.3, 0.5, 0.77, 1.0] {
            queries.push(RankQuery::Quantile(p, QuantileMethod::Linear));
        }
    }
    let expected: Vec<f64> = queries.iter().map(|q| single_machine(&d, q)).collect();
    let mut g = Lcg(3);
    for k in [1usize, 2, 7, 64] {
        let (pv, pw) = range_partitions(&v, &w, k, &mut g);
        let parts: Vec<RankPartition> = pv
            .iter()
            .zip(&pw)
            .map(|(a, b)| {
                let p = RankPartition::from_records(a, Some(b), MissingPolicy::Error).unwrap();
                RankPartition::from_bytes(&p.to_bytes()).unwrap()
            })
            .collect();
        let plan = RankPlan::new(parts).unwrap();
        assert_eq!(plan.n() as usize, d.n());
        let tol = 1e-12;
        assert_eq!(plan.total(), fsum(v.iter().zip(&w).map(|(x, w)| w * x)));
        // Gini: both against the exact reference to 1e-12 (the single-machine sums are
        // blocked and compensated; plain ones drifted 3e-12 at 10^6)
        let g_ref = reference_gini(&v, &w);
        close(plan.gini().unwrap(), g_ref, tol, "Gini vs reference");
        close(
            d.gini().unwrap(),
            g_ref,
            tol,
            "Distribution Gini vs reference",
        );
        close(
            d.total(),
            fsum(v.iter().zip(&w).map(|(x, w)| w * x)),
            1e-15,
            "Distribution total vs fsum",
        );
        close(
            plan.gini_corrected().unwrap(),
            d.gini_corrected().unwrap(),
            tol,
            "corrected Gini",
        );
        let got = run_plan(&plan, &queries, &pv, Some(&pw));
        for ((q, a), b) in queries.iter().zip(&got).zip(&expected) {
            match q {
                // a selected record (or the same average of two): the same bits
                RankQuery::Quantile(..)
                | RankQuery::AtRiskOfPovertyThreshold
                | RankQuery::Min
                | RankQuery::Max
                | RankQuery::MaxMinRatio => {
                    assert_eq!(a, b, "{k} partitions, {q:?}");
                }
                _ => {
                    let d = (a - b).abs() / b.abs().max(1e-300);
                    assert!(
                        d <= tol || (a - b).abs() <= 1e-15,
                        "{k} partitions, {q:?}: {a} vs {b}"
                    );
                }
            }
        }
    }
}

#[test]
fn rank_measures_over_range_partitions_weighted_1e6() {
    check_rank(1_000_000, true);
}

#[test]
fn rank_measures_over_range_partitions_unweighted() {
    check_rank(200_000, false);
}

#[test]
fn type2_average_across_a_partition_boundary_with_weights() {
    // Weights 1, 1, 2 | 4: W = 8, p = 0.5 → pW = 4 = C through the third record exactly,
    // so type 2 averages 30 and the next partition's first value 40 → 35 (Distribution
    // agrees); type 1 gives 30. Ties 30 | 30 straddle a second boundary in the other split.
    let plan_and_run = |parts: Vec<(Vec<f64>, Vec<f64>)>| {
        let rp: Vec<RankPartition> = parts
            .iter()
            .map(|(v, w)| RankPartition::from_records(v, Some(w), MissingPolicy::Error).unwrap())
            .collect();
        let plan = RankPlan::new(rp).unwrap();
        let pv: Vec<Vec<f64>> = parts.iter().map(|p| p.0.clone()).collect();
        let pw: Vec<Vec<f64>> = parts.iter().map(|p| p.1.clone()).collect();
        run_plan(
            &plan,
            &[
                RankQuery::Quantile(0.5, QuantileMethod::AveragedInvertedCdf),
                RankQuery::Quantile(0.5, QuantileMethod::InvertedCdf),
            ],
            &pv,
            Some(&pw),
        )
    };
    let a = plan_and_run(vec![
        (vec![10.0, 20.0, 30.0], vec![1.0, 1.0, 2.0]),
        (vec![40.0], vec![4.0]),
    ]);
    assert_eq!(a, vec![35.0, 30.0]);
    let d = Distribution::new(&[10.0, 20.0, 30.0, 40.0], Some(&[1.0, 1.0, 2.0, 4.0])).unwrap();
    assert_eq!(d.median().unwrap(), 35.0);
    // ties 30 | 30 straddling the boundary: W = 1 + 1 + 2 + 4 = 8, p = 0.25 hits C = 2
    // after the first 30; the next value is the other 30 → 30 either way.
    let plan = RankPlan::new(vec![
        RankPartition::from_records(&[30.0, 10.0], Some(&[1.0, 1.0]), MissingPolicy::Error)
            .unwrap(),
        RankPartition::from_records(&[40.0, 30.0], Some(&[4.0, 2.0]), MissingPolicy::Error)
            .unwrap(),
    ])
    .unwrap();
    let got = run_plan(
        &plan,
        &[RankQuery::Quantile(
            0.25,
            QuantileMethod::AveragedInvertedCdf,
        )],
        &[vec![30.0, 10.0], vec![40.0, 30.0]],
        Some(&[vec![1.0, 1.0], vec![4.0, 2.0]]),
    );
    assert_eq!(got, vec![30.0]);
}

#[test]
fn not_range_partitioned_is_an_error() {
    let parts = vec![
        RankPartition::from_records(&[10.0, 30.0], None, MissingPolicy::Error).unwrap(),
        RankPartition::from_records(&[20.0], None, MissingPolicy::Error).unwrap(),
    ];
    let e = RankPlan::new(parts).unwrap_err().to_string();
    assert!(e.contains("not range-partitioned"), "{e}");
}

#[test]
fn decomposition_from_summaries_matches_records() {
    let (v, w) = data(50_000, 5);
    let groups: Vec<usize> = (0..v.len()).map(|i| (i * 7919) % 5).collect();
    for alpha in [0.0, 1.0, 2.0] {
        let direct = ge_decomposition(&v, Some(&w), &groups, alpha).unwrap();
        let mut per: Vec<(usize, Summary)> = Vec::new();
        for gl in 0..5 {
            // each group in two chunks, merged
            let ids: Vec<usize> = (0..v.len()).filter(|&i| groups[i] == gl).collect();
            let half = ids.len() / 3;
            let mut s = Summary::empty(&ALPHAS).unwrap();
            for part in [&ids[..half], &ids[half..]] {
                let pv: Vec<f64> = part.iter().map(|&i| v[i]).collect();
                let pw: Vec<f64> = part.iter().map(|&i| w[i]).collect();
                s.add_records(&pv, Some(&pw), MissingPolicy::Error).unwrap();
            }
            per.push((gl, s));
        }
        per.reverse();
        let m = ge_decomposition_from_summaries(&per, alpha).unwrap();
        close(m.total, direct.total, 1e-12, "total");
        close(m.within, direct.within, 1e-12, "within");
        // between is tiny (≈1.6e-5) and a difference of terms ≈1: compare absolutely
        assert!((m.between - direct.between).abs() <= 1e-12 * m.total);
        close(m.within + m.between, m.total, 1e-12, "adds up");
        assert_eq!(m.groups.len(), 5);
        for (a, b) in m.groups.iter().zip(&direct.groups) {
            assert_eq!(a.label, b.label);
            close(a.index.unwrap(), b.index.unwrap(), 1e-11, "group index");
        }
    }
}

#[test]
fn dagum_decomposition_from_plans_matches_records() {
    // 5 groups of 40 000 heavy-tied records; the overall plan over 7 range partitions of
    // all records, each group's plan over its own 1, 2, 7 or 64 range partitions. Every
    // component equals the single-machine decomposition (itself checked by hand in
    // src/distribution/measure.rs and against the pairwise definition in
    // tests/distribution_reference.rs) to 1e-12 relative.
    let (v, w) = data_with(200_000, 17, [0.5, 1.0, 1.25, 2.0, 3.75]);
    let groups: Vec<usize> = (0..v.len()).map(|i| (i * 7919 + i / 3) % 5 * 10).collect();
    let direct = dagum_gini_decomposition(&v, Some(&w), &groups).unwrap();
    let mut g = Lcg(11);
    let plan_of = |v: &[f64], w: &[f64], k: usize, g: &mut Lcg| {
        let (pv, pw) = range_partitions(v, w, k, g);
        RankPlan::new(
            pv.iter()
                .zip(&pw)
                .map(|(a, b)| {
                    RankPartition::from_records(a, Some(b), MissingPolicy::Error).unwrap()
                })
                .collect(),
        )
        .unwrap()
    };
    let total = plan_of(&v, &w, 7, &mut g);
    let mut per = Vec::new();
    for (i, label) in [40usize, 0, 30, 10, 20].into_iter().enumerate() {
        let ids: Vec<usize> = (0..v.len()).filter(|&j| groups[j] == label).collect();
        let gv: Vec<f64> = ids.iter().map(|&j| v[j]).collect();
        let gw: Vec<f64> = ids.iter().map(|&j| w[j]).collect();
        per.push((label, plan_of(&gv, &gw, [1, 2, 7, 64, 7][i], &mut g)));
    }
    let d = dagum_decomposition_from_plans(&total, &per).unwrap();
    close(d.total, direct.total, 1e-12, "total");
    close(d.within, direct.within, 1e-12, "within");
    close(d.between_net, direct.between_net, 1e-12, "between_net");
    close(
        d.transvariation,
        direct.transvariation,
        1e-12,
        "transvariation",
    );
    close(
        d.within + d.between_net + d.transvariation,
        d.total,
        1e-12,
        "adds up",
    );
    for (a, b) in d.groups.iter().zip(&direct.groups) {
        assert_eq!(a.label, b.label);
        assert_eq!(a.n, b.n);
        close(a.index.unwrap(), b.index.unwrap(), 1e-12, "group Gini");
        close(
            a.population_share,
            b.population_share,
            1e-12,
            "population share",
        );
    }
    // the group plans must cover the overall plan's records
    let e = dagum_decomposition_from_plans(&total, &per[..4])
        .unwrap_err()
        .to_string();
    assert!(e.contains("same records"), "{e}");
}

#[test]
fn errors_and_corrupt_buffers() {
    let s = Summary::from_records(
        &[1.0, 2.0, 3.0],
        Some(&[1.0, 2.0, 0.5]),
        &[0.5],
        MissingPolicy::Error,
    )
    .unwrap();
    let bytes = s.to_bytes();
    assert_eq!(&bytes[..4], b"CPXD");
    assert_eq!(Summary::from_bytes(&bytes).unwrap(), s);
    // every truncation, and every single-bit flip, is an error (never a panic)
    for cut in 0..bytes.len() {
        assert!(
            Summary::from_bytes(&bytes[..cut]).is_err(),
            "truncated at {cut}"
        );
    }
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            assert!(Summary::from_bytes(&b).is_err(), "flip byte {i} bit {bit}");
        }
    }
    // a rank partition buffer is not a summary (kind), and vice versa
    let rp = RankPartition::from_records(&[1.0], None, MissingPolicy::Error).unwrap();
    assert!(Summary::from_bytes(&rp.to_bytes()).is_err());
    assert!(RankPartition::from_bytes(&bytes).is_err());
    assert!(Summary::from_bytes(b"PK\x03\x04 a zip file, not a summary").is_err());

    // α lists must agree
    let other = Summary::empty(&[2.0]).unwrap();
    assert!(s.clone().merge(&other).is_err());
    // GE(α) for an α not held is a clear error
    let e = s.generalized_entropy(3.0).unwrap_err().to_string();
    assert!(e.contains("α list"), "{e}");
    // GE(2) allows negative values (= CV²/2), as the single-machine Distribution does:
    // {−1, 1, 3}: μ = 1, σ² = (4 + 0 + 4)/3 = 8/3, GE(2) = σ²/(2μ²) = 4/3
    let neg = Summary::from_records(&[-1.0, 1.0, 3.0], None, &[], MissingPolicy::Error).unwrap();
    let ge2 = neg.generalized_entropy(2.0).unwrap();
    assert!((ge2 - 4.0 / 3.0).abs() < 1e-15, "{ge2}");
    let d = Distribution::new(&[-1.0, 1.0, 3.0], None).unwrap();
    assert!((d.generalized_entropy(2.0).unwrap() - ge2).abs() < 1e-15);
    assert!(neg.theil_t().is_err());
    // domain: zeros refused for MLD, negatives for Theil; empty summary
    let z = Summary::from_records(&[0.0, 1.0], None, &[], MissingPolicy::Error).unwrap();
    assert!(z.mean_log_deviation().is_err());
    assert!(z.theil_t().is_ok());
    assert!(Summary::empty(&[]).unwrap().mean().is_err());
    // NaN: error, or counted under Skip
    assert!(Summary::from_records(&[f64::NAN], None, &[], MissingPolicy::Error).is_err());
    let k = Summary::from_records(&[f64::NAN, 2.0], None, &[], MissingPolicy::Skip).unwrap();
    assert_eq!((k.n(), k.n_missing()), (1, 1));
    assert!(Summary::from_records(&[1.0], Some(&[-1.0]), &[], MissingPolicy::Error).is_err());
    assert!(Summary::from_records(&[f64::INFINITY], None, &[], MissingPolicy::Error).is_err());
    assert!(Summary::from_records(&[1e200], Some(&[1e200]), &[], MissingPolicy::Error).is_err());
    assert!(Summary::empty(&[f64::NAN]).is_err());
}
