//! Sorting (value, weight) records by value: an LSD radix sort on the order-preserving
//! bit pattern of an `f64`.
//!
//! The map `key(x) = if sign(x) { !bits(x) } else { bits(x) | 1 << 63 }` turns the IEEE-754
//! order of finite doubles into the unsigned order of `u64` (Herf, "Radix tricks", 2001;
//! the same idea as `f64::total_cmp`). `-0.0` is normalised to `+0.0` by the caller, NaN and
//! ±inf never reach this module.
//!
//! The sort is a one-pass MSD radix partition on the top `b` bits of `key − min_key`
//! (`b` chosen for ≈8 records per bucket, 2⁸–2¹⁸ buckets), followed by an insertion sort
//! (or `sort_unstable` for large buckets) of each bucket, which fits in cache. An LSD radix
//! sort (6 passes of 11 bits, or 8 of 8) was measured first and lost to it on this machine:
//! every scatter pass over 16-byte records is memory-bound. Small inputs use
//! `sort_unstable_by_key` directly.

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

const SMALL: usize = 256;
const BUCKET: usize = 8;
const MAX_BITS: i32 = 18;
const INSERTION: usize = 64;

/// A pair of 8-byte fields: during the sort `[0]` holds the key bits (`f64::from_bits(key)`)
/// and `[1]` the weight; afterwards the same type holds (value, weight) and
/// (cumulative weight, cumulative weighted value). An array rather than a struct so that
/// `vec![[0.0; 2]; n]` is a zeroed allocation (no write pass).
pub(crate) type Pair = [f64; 2];

#[inline(always)]
fn k(p: &Pair) -> u64 {
    p[0].to_bits()
}

/// Whether input record `i` is kept (not missing, positive weight). The caller has
/// validated the input already (no ±inf, no bad weight; NaN only under the Skip policy).
#[inline(always)]
fn kept(values: &[f64], weights: Option<&[f64]>, i: usize) -> Option<Pair> {
    let v = values[i];
    let w = weights.map_or(1.0, |w| w[i]);
    if v.is_nan() || w == 0.0 {
        None
    } else {
        Some([f64::from_bits(key_of(v + 0.0)), w])
    }
}

/// Sorts the kept records of `(values, weights)` (`n` of them, keys between `min_key` and
/// `max_key`) by value, reading the caller's slices directly (no intermediate copy). Each
/// sorted run (a bucket, in ascending order, keys in `[0]`, weights in `[1]`) is handed to
/// `visit(run, scratch)` while it is still in cache, together with the aligned slice of a
/// second buffer of `n` pairs that the visitor fills (the distribution keeps its cumulative
/// sums there). Returns `(sorted, second buffer)`.
pub(crate) fn sort_input<F>(
    values: &[f64],
    weights: Option<&[f64]>,
    n: usize,
    min_key: u64,
    max_key: u64,
    mut visit: F,
) -> (Vec<Pair>, Vec<Pair>)
where
    F: FnMut(&mut [Pair], &mut [Pair]),
{
    if n <= SMALL || min_key == max_key {
        let mut recs: Vec<Pair> = Vec::with_capacity(n);
        recs.extend((0..values.len()).filter_map(|i| kept(values, weights, i)));
        recs.sort_unstable_by_key(k);
        let mut scratch = vec![[0.0; 2]; n];
        visit(&mut recs, &mut scratch);
        return (recs, scratch);
    }
    // about BUCKET records per bucket, between 2^8 and 2^MAX_BITS buckets
    let bits = ((usize::BITS - (n / BUCKET).leading_zeros()) as i32).clamp(8, MAX_BITS);
    // digit = (key − min_key) >> shift < 2^bits: the buckets cover exactly [min, max]
    let top = 64 - (max_key - min_key).leading_zeros() as i32;
    let shift = (top - bits).max(0) as u32;
    let nb = 1usize << bits;
    let digit = |v: f64| ((key_of(v + 0.0) - min_key) >> shift) as usize;
    let mut counts = vec![0usize; nb + 1];
    match weights {
        None => {
            for &v in values {
                if !v.is_nan() {
                    counts[digit(v) + 1] += 1;
                }
            }
        }
        Some(w) => {
            for (&v, &wi) in values.iter().zip(w) {
                if !v.is_nan() && wi != 0.0 {
                    counts[digit(v) + 1] += 1;
                }
            }
        }
    }
    for d in 0..nb {
        counts[d + 1] += counts[d];
    }
    let starts = counts.clone();
    let mut out = vec![[0.0; 2]; n];
    for i in 0..values.len() {
        if let Some(r) = kept(values, weights, i) {
            let d = ((k(&r) - min_key) >> shift) as usize;
            let o = counts[d];
            counts[d] = o + 1;
            out[o] = r;
        }
    }
    let mut scratch = vec![[0.0; 2]; n];
    for d in 0..nb {
        let (s, e) = (starts[d], starts[d + 1]);
        if s == e {
            continue;
        }
        let b = &mut out[s..e];
        if b.len() <= INSERTION {
            insertion_sort(b);
        } else {
            b.sort_unstable_by_key(k);
        }
        visit(b, &mut scratch[s..e]);
    }
    (out, scratch)
}

/// Insertion sort by key for the small buckets (cheaper than the general sort's set-up).
#[inline]
fn insertion_sort(b: &mut [Pair]) {
    for i in 1..b.len() {
        let r = b[i];
        let key = k(&r);
        let mut j = i;
        while j > 0 && k(&b[j - 1]) > key {
            b[j] = b[j - 1];
            j -= 1;
        }
        b[j] = r;
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
        assert!(key_of(f64::NEG_INFINITY) < key_of(-1e300));
        assert!(key_of(f64::INFINITY) > key_of(1e300));
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
        for n in [10usize, 300, 5000, 70_000] {
            let mut vals = Vec::new();
            let mut wts = Vec::new();
            let (mut lo, mut hi) = (u64::MAX, 0u64);
            for i in 0..n {
                let r = next();
                let x = ((r >> 11) as f64 / (1u64 << 53) as f64 - 0.3) * 1e4 * (i % 7) as f64;
                let key = key_of(x + 0.0);
                lo = lo.min(key);
                hi = hi.max(key);
                vals.push(x);
                wts.push(i as f64 + 1.0);
            }
            let mut plain: Vec<f64> = vals.iter().map(|v| v + 0.0).collect();
            let (sorted, _) = sort_input(&vals, Some(&wts), n, lo, hi, |_, _| {});
            let xs: Vec<f64> = sorted.iter().map(|p| value_of(p[0].to_bits())).collect();
            plain.sort_by(f64::total_cmp);
            assert_eq!(xs, plain);
            // weights travelled with their values
            let mut ws: Vec<f64> = sorted.iter().map(|p| p[1]).collect();
            ws.sort_by(f64::total_cmp);
            let expect: Vec<f64> = (0..n).map(|i| i as f64 + 1.0).collect();
            assert_eq!(ws, expect);
        }
    }
}
