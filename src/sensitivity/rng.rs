//! Seeded pseudo-random streams for the sensitivity analysis.
//!
//! Every random quantity of an analysis is drawn from a stream derived from the spec's seed
//! and a fixed stream key (the sample matrices, one stream per weight perturbation value,
//! one per bootstrap draw), never from a generator shared between threads, so the results
//! do not depend on the number of threads or the order in which replications finish.
//!
//! * [`split_mix64`] — SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom
//!   number generators", OOPSLA; constants of Vigna's reference `splitmix64.c`), used to
//!   hash a (seed, key) pair into a generator state.
//! * [`Xoshiro256`] — xoshiro256** 1.0 (Blackman & Vigna 2021, "Scrambled linear
//!   pseudorandom number generators", ACM TOMS 47(4) 36), the generator itself.

/// One step of SplitMix64: advances `state` by the golden-ratio increment and returns the
/// mixed output (Steele, Lea & Flood 2014; Vigna's `splitmix64.c`).
pub fn split_mix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The xoshiro256** generator (Blackman & Vigna 2021).
#[derive(Debug, Clone)]
pub struct Xoshiro256 {
    s: [u64; 4],
}

impl Xoshiro256 {
    /// The stream for `(seed, key)`: the state is four SplitMix64 outputs started from the
    /// seed mixed with the key (the seeding Blackman & Vigna recommend), so distinct keys
    /// give unrelated streams.
    pub fn stream(seed: u64, key: &[u64]) -> Xoshiro256 {
        let mut h = seed;
        let mut acc = split_mix64(&mut h);
        for &k in key {
            let mut t = acc ^ k.wrapping_mul(0xD6E8_FEB8_6659_FD93);
            acc = split_mix64(&mut t);
        }
        let mut st = acc;
        let s = [
            split_mix64(&mut st),
            split_mix64(&mut st),
            split_mix64(&mut st),
            split_mix64(&mut st),
        ];
        Xoshiro256 { s }
    }

    /// The next 64 random bits (xoshiro256** `next`).
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform double in [0, 1): the top 53 bits times 2⁻⁵³ (Vigna's recommended
    /// conversion).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform integer in `0..n` (`n > 0`) by Lemire's multiply-shift (Lemire 2019,
    /// "Fast random integer generation in an interval", ACM TOMCAT 29(1) 3), with its
    /// rejection step, so there is no modulo bias.
    pub fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = (self.next_u64() as u128) * (n as u128);
            if (m as u64) >= threshold {
                return (m >> 64) as usize;
            }
        }
    }

    /// A standard normal variate by Marsaglia's polar method (Marsaglia & Bray 1964).
    pub fn normal(&mut self) -> f64 {
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return u * (-2.0 * s.ln() / s).sqrt();
            }
        }
    }

    /// A Gamma(shape, 1) variate `G` (`shape > 0`) as [`Xoshiro256::gamma`] draws it (the
    /// same random numbers, so `.0` is bit for bit `gamma(shape)`), with its logarithm
    /// `ln G` computed without forming `G`: for `shape < 1`, `ln Gamma(shape + 1) +
    /// ln(U)/shape`. For a small shape `G = Gamma(shape + 1)·U^(1/shape)` underflows to 0
    /// (`U^(1/0.001)` is below 10⁻³⁰⁰ for most U) while `ln G` is an ordinary number:
    /// Dirichlet weights with a small concentration are normalised from the logarithms
    /// (log-sum-exp). `ln G = −∞` only for `U = 0` (probability 2⁻⁵³).
    pub fn gamma_with_ln(&mut self, shape: f64) -> (f64, f64) {
        if shape < 1.0 {
            let u = self.uniform();
            let g = self.gamma(shape + 1.0);
            return (g * u.powf(1.0 / shape), g.ln() + u.ln() / shape);
        }
        let g = self.gamma(shape);
        (g, g.ln())
    }

    /// A Gamma(shape, 1) variate (`shape > 0`) by Marsaglia & Tsang (2000, "A simple method
    /// for generating gamma variables", ACM TOMS 26(3)); for `shape < 1` their boost
    /// `Gamma(shape + 1)·U^(1/shape)` (which underflows for a small shape: see
    /// [`Xoshiro256::gamma_with_ln`]).
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let u = self.uniform();
            // u = 0 has probability 2⁻⁵³; it gives 0, a valid (if extreme) draw
            return self.gamma(shape + 1.0) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.uniform();
            if u < 1.0 - 0.0331 * x * x * x * x {
                return d * v;
            }
            if u > 0.0 && u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
                return d * v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_mix64_matches_the_reference_sequence() {
        // Vigna's splitmix64.c seeded with 0 yields 0xE220A8397B1DCDAF,
        // 0x6E789E6AA1B965F4, 0x06C45D188009454F (published test vector, also used by
        // the `rand_xoshiro` crate's tests).
        let mut s = 0u64;
        assert_eq!(split_mix64(&mut s), 0xE220_A839_7B1D_CDAF);
        assert_eq!(split_mix64(&mut s), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(split_mix64(&mut s), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn xoshiro256starstar_matches_the_reference_sequence() {
        // xoshiro256** from state [1, 2, 3, 4]: 11520, 0, 1509978240, 1215971899390074240
        // (the reference outputs used by the `rand_xoshiro` crate's tests).
        let mut g = Xoshiro256 { s: [1, 2, 3, 4] };
        assert_eq!(g.next_u64(), 11520);
        assert_eq!(g.next_u64(), 0);
        assert_eq!(g.next_u64(), 1509978240);
        assert_eq!(g.next_u64(), 1215971899390074240);
    }

    #[test]
    fn gamma_has_its_mean_and_variance() {
        // Gamma(k, 1): mean k, variance k. 200 000 draws: the standard error of the mean
        // is √(k/n) ≈ 0.0016 for k = 0.5, 0.0050 for k = 5; 5 SE bounds.
        for &k in &[0.5, 5.0] {
            let mut g = Xoshiro256::stream(7, &[1]);
            let n = 200_000;
            let x: Vec<f64> = (0..n).map(|_| g.gamma(k)).collect();
            let m = x.iter().sum::<f64>() / n as f64;
            let v = x.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / (n - 1) as f64;
            assert!(
                (m - k).abs() < 5.0 * (k / n as f64).sqrt(),
                "mean {m} for k {k}"
            );
            assert!((v - k).abs() < 0.05 * k, "variance {v} for k {k}");
        }
    }
}
