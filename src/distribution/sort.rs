//! Sorting (value, weight) records by value: an LSD radix sort on the order-preserving
//! bit pattern of an `f64`.
//!
//! The map `key(x) = if sign(x) { !bits(x) } else { bits(x) | 1 << 63 }` turns the IEEE-754
//! order of finite doubles into the unsigned order of `u64` (Herf, "Radix tricks", 2001;
//! the same idea as `f64::total_cmp`). `-0.0` is normalised to `+0.0` by the caller, NaN and
//! ±inf never reach this module. Keys are sorted with 11-bit digits (six passes at most);
//! a pass whose digit is the same for every key is skipped. Small inputs use
//! `sort_unstable_by` on the keys instead.

/// Order-preserving key of a finite `f64` (not NaN).
#[inline(always)]
pub(crate) fn key_of(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// Inverse of [`key_of`].
#[inline(always)]
pub(crate) fn value_of(k: u64) -> f64 {
    if k >> 63 == 1 {
        f64::from_bits(k & !(1 << 63))
    } else {
        f64::from_bits(!k)
    }
}

const BITS: u32 = 11;
const RADIX: usize = 1 << BITS;
const MASK: u64 = (RADIX - 1) as u64;
const PASSES: usize = 6; // 6 × 11 = 66 ≥ 64
const SMALL: usize = 256;

/// One record in the sort buffer.
#[derive(Clone, Copy, Default)]
#[repr(C)]
pub(crate) struct Rec {
    pub key: u64,
    pub w: f64,
}

/// Histograms of every digit of every key, filled while the buffer is built.
pub(crate) struct Histograms(pub Box<[[usize; RADIX]; PASSES]>);

impl Histograms {
    pub(crate) fn new() -> Self {
        Histograms(Box::new([[0usize; RADIX]; PASSES]))
    }
    #[inline(always)]
    pub(crate) fn add(&mut self, key: u64) {
        let h = &mut self.0;
        h[0][(key & MASK) as usize] += 1;
        h[1][((key >> 11) & MASK) as usize] += 1;
        h[2][((key >> 22) & MASK) as usize] += 1;
        h[3][((key >> 33) & MASK) as usize] += 1;
        h[4][((key >> 44) & MASK) as usize] += 1;
        h[5][(key >> 55) as usize] += 1;
    }
}

/// Sorts `recs` by key and writes the sorted values and weights to `xs` and `ws`
/// (which must have the same length as `recs`). `hist` must hold the digit histograms of
/// exactly the keys in `recs` when `recs.len() > SMALL` (it is ignored otherwise).
pub(crate) fn sort_records(recs: &mut Vec<Rec>, hist: &Histograms, xs: &mut [f64], ws: &mut [f64]) {
    let n = recs.len();
    debug_assert_eq!(xs.len(), n);
    debug_assert_eq!(ws.len(), n);
    if n <= SMALL {
        recs.sort_unstable_by_key(|r| r.key);
        for (i, r) in recs.iter().enumerate() {
            xs[i] = value_of(r.key);
            ws[i] = r.w;
        }
        return;
    }
    // Passes that actually move something.
    let live: Vec<usize> = (0..PASSES).filter(|&p| !hist.0[p].contains(&n)).collect();
    if live.is_empty() {
        for (i, r) in recs.iter().enumerate() {
            xs[i] = value_of(r.key);
            ws[i] = r.w;
        }
        return;
    }
    let mut tmp: Vec<Rec> = Vec::with_capacity(n);
    // SAFETY-free initialisation: every slot is written by the scatter below before it is
    // read; we fill with defaults to stay in safe Rust (one sequential write, cheap).
    tmp.resize(n, Rec::default());
    let mut src: &mut Vec<Rec> = recs;
    let mut dst: &mut Vec<Rec> = &mut tmp;
    let last = *live.last().expect("non-empty");
    for &p in &live {
        let shift = (p as u32) * BITS;
        let mut offs = [0usize; RADIX];
        let mut sum = 0usize;
        for (d, &c) in hist.0[p].iter().enumerate() {
            offs[d] = sum;
            sum += c;
        }
        if p == last {
            for r in src.iter() {
                let d = ((r.key >> shift) & MASK) as usize;
                let o = offs[d];
                offs[d] = o + 1;
                xs[o] = value_of(r.key);
                ws[o] = r.w;
            }
        } else {
            let out = &mut dst[..];
            for r in src.iter() {
                let d = ((r.key >> shift) & MASK) as usize;
                let o = offs[d];
                offs[d] = o + 1;
                out[o] = *r;
            }
            std::mem::swap(&mut src, &mut dst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_preserves_order() {
        let xs = [
            -1e300, -2.5, -1.0, -1e-300, 0.0, 1e-310, 1e-300, 0.5, 1.0, 2.0, 1e300,
        ];
        for w in xs.windows(2) {
            assert!(key_of(w[0]) < key_of(w[1]), "{} {}", w[0], w[1]);
        }
        for &x in &xs {
            assert_eq!(value_of(key_of(x)).to_bits(), x.to_bits());
        }
    }

    #[test]
    fn radix_matches_comparison_sort() {
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let n = 5000;
        let mut recs = Vec::new();
        let mut hist = Histograms::new();
        let mut plain = Vec::new();
        for i in 0..n {
            let r = next();
            let x = ((r >> 11) as f64 / (1u64 << 53) as f64 - 0.3) * 1e4 * (i % 7) as f64;
            let k = key_of(x + 0.0);
            hist.add(k);
            recs.push(Rec {
                key: k,
                w: i as f64,
            });
            plain.push(x + 0.0);
        }
        let mut xs = vec![0.0; n];
        let mut ws = vec![0.0; n];
        sort_records(&mut recs, &hist, &mut xs, &mut ws);
        plain.sort_by(f64::total_cmp);
        assert_eq!(xs, plain);
        // weights travelled with their values
        let mut ws_sorted = ws.clone();
        ws_sorted.sort_by(f64::total_cmp);
        let expect: Vec<f64> = (0..n).map(|i| i as f64).collect();
        assert_eq!(ws_sorted, expect);
    }
}
