//! Property test of the fast build (two-level radix partition, values-only storage for
//! equal weights, checkpointed cumulative sums, buffer reuse) against a straightforward
//! reference build written here: keep the valid records, sort the (value, weight) pairs with
//! the standard library's comparison sort, take full cumulative-weight and
//! cumulative-weighted-value arrays, and evaluate each formula from the type's
//! documentation directly on those arrays.

use super::{BandRule, Distribution, MissingPolicy, QuantileMethod, ShareRatioMethod};

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
}

/// The reference: sorted pairs and full cumulative arrays.
struct Reference {
    x: Vec<f64>,
    w: Vec<f64>,
    cw: Vec<f64>,
    cwx: Vec<f64>,
}

impl Reference {
    fn new(values: &[f64], weights: Option<&[f64]>) -> Self {
        let mut recs: Vec<(f64, f64)> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| (v + 0.0, weights.map_or(1.0, |w| w[i])))
            .filter(|&(v, w)| !v.is_nan() && w != 0.0)
            .collect();
        recs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (mut c, mut s) = (0.0, 0.0);
        let (mut cw, mut cwx) = (Vec::new(), Vec::new());
        for &(x, w) in &recs {
            c += w;
            s += w * x;
            cw.push(c);
            cwx.push(s);
        }
        Reference {
            x: recs.iter().map(|r| r.0).collect(),
            w: recs.iter().map(|r| r.1).collect(),
            cw,
            cwx,
        }
    }
    fn n(&self) -> usize {
        self.x.len()
    }
    fn tw(&self) -> f64 {
        self.cw[self.n() - 1]
    }
    fn twx(&self) -> f64 {
        self.cwx[self.n() - 1]
    }
    fn before(&self, k: usize) -> (f64, f64) {
        if k == 0 {
            (0.0, 0.0)
        } else {
            (self.cw[k - 1], self.cwx[k - 1])
        }
    }
    /// G = Σ wᵢxᵢ (2Cᵢ₋₁ + wᵢ − W) / (W Σ wᵢxᵢ)
    fn gini(&self) -> f64 {
        let (w, t) = (self.tw(), self.twx());
        let mut num = 0.0;
        for i in 0..self.n() {
            num += self.w[i] * self.x[i] * (2.0 * self.before(i).0 + self.w[i] - w);
        }
        num / (w * t)
    }
    /// Theil T = (1/W) Σ w r ln r, r = x/μ, 0 ln 0 = 0.
    fn theil(&self) -> f64 {
        let mu = self.twx() / self.tw();
        let mut acc = 0.0;
        for i in 0..self.n() {
            let r = self.x[i] / mu;
            if r > 0.0 {
                acc += self.w[i] * r * r.ln();
            }
        }
        acc / self.tw()
    }
    /// Type 2 quantile on the cumulative weights (tolerance 1e-12 W, as documented).
    fn quantile2(&self, p: f64) -> f64 {
        let n = self.n();
        if p == 0.0 {
            return self.x[0];
        }
        if p == 1.0 {
            return self.x[n - 1];
        }
        let t = p * self.tw();
        let tol = 1e-12 * self.tw();
        let k = (0..n).find(|&i| self.cw[i] >= t - tol).unwrap_or(n - 1);
        if (self.cw[k] - t).abs() <= tol && k + 1 < n {
            0.5 * (self.x[k] + self.x[k + 1])
        } else {
            self.x[k]
        }
    }
    /// Lorenz ordinate, linear inside a record.
    fn lorenz(&self, p: f64) -> f64 {
        if p <= 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return 1.0;
        }
        let n = self.n();
        let t = p * self.tw();
        let k = (0..n).find(|&i| self.cw[i] >= t).unwrap_or(n - 1);
        let (cb, sb) = self.before(k);
        (sb + (t - cb).max(0.0) * self.x[k]) / self.twx()
    }
    /// Weighted share with lower ≤ x < upper.
    fn band(&self, lo: f64, hi: f64) -> f64 {
        let mut s = 0.0;
        for i in 0..self.n() {
            if self.x[i] >= lo && self.x[i] < hi {
                s += self.w[i];
            }
        }
        s / self.tw()
    }
    /// Hoover: (1/(2μW)) Σ w |x − μ|.
    fn hoover(&self) -> f64 {
        let mu = self.twx() / self.tw();
        let mut s = 0.0;
        for i in 0..self.n() {
            s += self.w[i] * (self.x[i] - mu).abs();
        }
        s / (2.0 * mu * self.tw())
    }
    /// Eurostat S80/S20: total income of x > q80 over total income of x ≤ q20.
    fn qsr_eurostat(&self) -> f64 {
        let (q20, q80) = (self.quantile2(0.2), self.quantile2(0.8));
        let (mut sb, mut st) = (0.0, 0.0);
        for i in 0..self.n() {
            if self.x[i] <= q20 {
                sb += self.w[i] * self.x[i];
            }
            if self.x[i] > q80 {
                st += self.w[i] * self.x[i];
            }
        }
        st / sb
    }
}

fn close(a: f64, b: f64, what: &str, case: &str) {
    let tol = 1e-11 * b.abs().max(1.0);
    assert!((a - b).abs() <= tol, "{case}: {what} {a} vs reference {b}");
}

fn compare(d: &Distribution, r: &Reference, case: &str) {
    assert_eq!(d.n(), r.n(), "{case}: n");
    // the same records in the same value order (ties may come in another order)
    let got: Vec<(f64, f64)> = d.records().collect();
    let xs: Vec<f64> = got.iter().map(|g| g.0).collect();
    assert_eq!(xs, r.x, "{case}: sorted values");
    assert_eq!(d.sorted_values(), r.x, "{case}: sorted_values");
    let mut gw: Vec<(u64, u64)> = got.iter().map(|g| (g.0.to_bits(), g.1.to_bits())).collect();
    let mut rw: Vec<(u64, u64)> =
        r.x.iter()
            .zip(&r.w)
            .map(|(x, w)| (x.to_bits(), w.to_bits()))
            .collect();
    gw.sort_unstable();
    rw.sort_unstable();
    assert_eq!(gw, rw, "{case}: (value, weight) records");
    close(d.total_weight(), r.tw(), "total weight", case);
    close(d.total(), r.twx(), "total", case);
    close(d.gini().unwrap(), r.gini(), "gini", case);
    close(d.hoover().unwrap(), r.hoover(), "hoover", case);
    if r.x[0] >= 0.0 {
        close(d.theil_t().unwrap(), r.theil(), "theil", case);
    }
    for p in [
        0.0,
        0.01,
        0.1,
        0.2,
        0.25,
        0.5,
        0.5 + 1e-9,
        0.8,
        0.9,
        0.999,
        1.0,
    ] {
        let q = d.quantile(p, QuantileMethod::AveragedInvertedCdf).unwrap();
        close(q, r.quantile2(p), &format!("quantile({p})"), case);
        close(
            d.lorenz(p).unwrap(),
            r.lorenz(p),
            &format!("lorenz({p})"),
            case,
        );
    }
    let m = r.x[r.n() / 2];
    for (lo, hi) in [
        (f64::NEG_INFINITY, m),
        (m, f64::INFINITY),
        (0.0, 1.0),
        (r.x[0], r.x[r.n() - 1]),
    ] {
        close(
            d.share_in_band(lo, hi, BandRule::HalfOpen).unwrap(),
            r.band(lo, hi),
            &format!("band [{lo}, {hi})"),
            case,
        );
    }
    if r.n() >= 10 && r.lorenz(0.2) > 0.0 && r.x[0] >= 0.0 {
        close(
            d.s80_s20().unwrap(),
            (1.0 - r.lorenz(0.8)) / r.lorenz(0.2),
            "s80/s20",
            case,
        );
        if let Ok(q) = d.quintile_share_ratio(ShareRatioMethod::Eurostat) {
            close(q, r.qsr_eurostat(), "qsr eurostat", case);
        }
    }
}

/// Data with ties, zeros, negatives, zero weights, NaN (skipped) and equal or unequal
/// weights; `kind` picks the mix.
fn data(rng: &mut Rng, n: usize, kind: usize) -> (Vec<f64>, Option<Vec<f64>>) {
    let x: Vec<f64> = (0..n)
        .map(|i| match kind % 4 {
            0 => (10.0 + 0.8 * (rng.unif() - 0.5) * 6.0).exp(),
            1 => (rng.next() % 7) as f64 * 1000.0, // heavy ties and zeros
            2 => {
                if i % 13 == 0 {
                    f64::NAN
                } else if i % 17 == 0 {
                    -0.0
                } else {
                    (rng.unif() * 50.0).round() - 5.0 // ties, a few negatives
                }
            }
            _ => 1e-3 + rng.unif() * 1e9,
        })
        .collect();
    let w = match kind / 4 {
        0 => None,
        1 => Some(vec![2.5; n]), // equal weights
        2 => Some(
            (0..n)
                .map(|i| {
                    if i % 11 == 3 {
                        0.0
                    } else {
                        0.1 + rng.unif() * 3.0
                    }
                })
                .collect(),
        ),
        _ => Some((0..n).map(|i| if i % 5 == 0 { 0.0 } else { 1.5 }).collect()), // equal after dropping zeros
    };
    (x, w)
}

#[test]
fn fast_build_matches_reference_build() {
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    let mut reused = Distribution::new(&[1.0], None).unwrap();
    for n in [
        1usize, 2, 3, 31, 32, 33, 64, 65, 100, 1000, 4097, 9000, 70_000,
    ] {
        for kind in 0..16 {
            let (x, w) = data(&mut rng, n, kind);
            let w = w.as_deref();
            let case = format!("n={n} kind={kind}");
            let fresh = match Distribution::with_policy(&x, w, MissingPolicy::Skip) {
                Ok(d) => d,
                Err(_) => {
                    // only when nothing valid is left (all missing / all zero weight)
                    let r = Reference::new(&x, w);
                    assert_eq!(r.n(), 0, "{case}: unexpected error");
                    continue;
                }
            };
            let r = Reference::new(&x, w);
            if r.twx() <= 0.0 {
                continue;
            }
            compare(&fresh, &r, &case);
            reused
                .rebuild_with_policy(&x, w, MissingPolicy::Skip)
                .unwrap();
            compare(&reused, &r, &format!("{case} (rebuild)"));
            assert_eq!(
                reused.gini().unwrap().to_bits(),
                fresh.gini().unwrap().to_bits(),
                "{case}: rebuild vs new"
            );
        }
    }
}

#[test]
fn rebuild_error_leaves_value_unchanged() {
    let mut d = Distribution::new(&[1.0, 2.0, 3.0], None).unwrap();
    assert!(d.rebuild(&[1.0, f64::NAN], None).is_err());
    assert!(d.rebuild(&[1.0, 2.0], Some(&[1.0, -1.0])).is_err());
    assert!(d.rebuild(&[], None).is_err());
    assert_eq!(d.n(), 3);
    // mean 2, Σ|xi−xj| over ordered pairs = 8 → G = 8 / (2·9·2) = 2/9
    assert!((d.gini().unwrap() - 2.0 / 9.0).abs() < 1e-15);
    assert_eq!(d.median().unwrap(), 2.0);
}
