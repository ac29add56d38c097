//! Sorting records by value: a two-level MSD radix partition on the order-preserving bit
//! pattern of an `f64`, finished by insertion sorts.
//!
//! The map `key(x) = if sign(x) { !bits(x) } else { bits(x) | 1 << 63 }` turns the IEEE-754
//! order of finite doubles into the unsigned order of `u64` (Herf, "Radix tricks", 2001;
//! the same idea as `f64::total_cmp`). `-0.0` is normalised to `+0.0` by the caller, NaN and
//! ±inf never reach this module.
//!
//! Level 1 partitions the input, read straight from the caller's slices, into `2^b₁` buckets
//! on the top bits of `key − min_key` (`b₁ ≤ 12`, about 2 000 records per bucket), so that the
//! scatter has few enough write streams for the TLB and the write-combining buffers. Level 2
//! works on one bucket at a time while it sits in cache: the bucket's own key range is split
//! into about `m/2` sub-buckets through a small scratch buffer, then one insertion sort over
//! the bucket puts each sub-bucket in order (per sub-bucket, with `sort_unstable` for large
//! ones, when ties or skew crowd a sub-bucket), and the sorted run is handed to the caller's
//! visitor while it is still in cache. Records are either the key alone (an `f64`
//! holding the key bits: equal weights) or `[key bits, weight]` pairs.
//!
//! Measured on this project's 2-core machine (see `benches/distribution.rs`): an LSD radix
//! sort (6 passes of 11 bits, or 8 of 8) and a one-level partition into 2¹⁸ buckets both
//! lost to this scheme (the single wide scatter is TLB-bound); at 10⁶ weighted records
//! the level-2 work with 4 records per sub-bucket and per-sub-bucket insertion sorts took
//! ≈15 ms against ≈12 ms for the scheme above (thread CPU time, loaded machine).

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

/// A pair of 8-byte fields: during the sort `[0]` holds the key bits (`f64::from_bits(key)`)
/// and `[1]` the weight; afterwards (value, weight).
pub(crate) type Pair = [f64; 2];

/// A sortable record: its key is the bit pattern of its first field.
pub(crate) trait Rec: Copy + Default {
    /// The `u64` sort key.
    fn key(&self) -> u64;
}

impl Rec for f64 {
    #[inline(always)]
    fn key(&self) -> u64 {
        self.to_bits()
    }
}

impl Rec for Pair {
    #[inline(always)]
    fn key(&self) -> u64 {
        self[0].to_bits()
    }
}

/// Largest number of level-1 buckets (2^12 = 4096 write streams).
const MAX_B1: u32 = 12;
/// Target records per level-1 bucket (fits L1/L2 for 16-byte records).
const L1_BUCKET: usize = 2048;
/// Target records per level-2 sub-bucket.
const L2_BUCKET: usize = 2;
/// Runs up to this length are insertion-sorted.
const INSERTION: usize = 32;

#[inline(always)]
fn log2_ceil(x: usize) -> u32 {
    usize::BITS - x.saturating_sub(1).leading_zeros()
}

/// Sorts the `n` records yielded by `records` (whose keys, yielded in the same order by
/// `keys`, lie in `[min_key, max_key]`) into `out` (cleared; its capacity is reused).
/// Each sorted run is passed to `visit` in ascending order, while still in cache; the
/// visitor may rewrite the records in place (e.g. keys into values).
///
/// Panics if the two iterators do not yield `n` records with the same keys (a bug in the
/// caller), before any uninitialised memory could be exposed.
///
/// This is the one place outside `ffi` that uses `unsafe` (a `set_len` after every slot was
/// written through `spare_capacity_mut`): initialising the buffer first would add a full
/// write pass over n records to a build whose budget is 1.2× one sort.
#[allow(unsafe_code)]
pub(crate) fn sort_into<R, K, I, F>(
    keys: K,
    records: I,
    n: usize,
    min_key: u64,
    max_key: u64,
    out: &mut Vec<R>,
    mut visit: F,
) where
    R: Rec,
    K: Iterator<Item = u64>,
    I: Iterator<Item = R>,
    F: FnMut(&mut [R]),
{
    out.clear();
    out.reserve(n);
    if min_key == max_key {
        // all keys equal: nothing to sort
        out.extend(records);
        assert_eq!(out.len(), n, "sort_into: record count");
        visit(out);
        return;
    }
    // Level 1: digit = (key − min_key) >> shift < 2^b1.
    let b1 = log2_ceil(n / L1_BUCKET).clamp(1, MAX_B1);
    let top = 64 - (max_key - min_key).leading_zeros();
    let shift = top.saturating_sub(b1);
    let nb = (((max_key - min_key) >> shift) + 1) as usize;
    let mut counts = vec![0usize; nb + 1];
    for k in keys {
        counts[((k - min_key) >> shift) as usize + 1] += 1;
    }
    for d in 0..nb {
        counts[d + 1] += counts[d];
    }
    assert_eq!(counts[nb], n, "sort_into: record count");
    let starts = counts.clone();
    {
        let spare = &mut out.spare_capacity_mut()[..n];
        for r in records {
            let d = ((r.key() - min_key) >> shift) as usize;
            let o = counts[d];
            assert!(o < starts[d + 1], "sort_into: keys changed between passes");
            counts[d] = o + 1;
            spare[o].write(r);
        }
    }
    for d in 0..nb {
        assert_eq!(counts[d], starts[d + 1], "sort_into: record count");
    }
    // SAFETY: every slot of 0..n was written exactly once: each bucket's cursor ran from
    // its start to exactly the next bucket's start (checked above), and the buckets tile 0..n.
    unsafe { out.set_len(n) };
    // Level 2, bucket by bucket.
    let max_m = (0..nb)
        .map(|d| starts[d + 1] - starts[d])
        .max()
        .unwrap_or(0);
    let mut tmp: Vec<R> = vec![R::default(); if max_m > INSERTION { max_m } else { 0 }];
    let mut sub: Vec<usize> = Vec::new();
    for d in 0..nb {
        let (s, e) = (starts[d], starts[d + 1]);
        if s == e {
            continue;
        }
        let b = &mut out[s..e];
        sort_bucket(b, &mut tmp, &mut sub);
        visit(b);
    }
}

/// Sorts one bucket (in cache) by a radix partition on its own key range into `tmp`,
/// then insertion sorts.
fn sort_bucket<R: Rec>(b: &mut [R], tmp: &mut [R], sub: &mut Vec<usize>) {
    let m = b.len();
    if m <= INSERTION {
        insertion_sort(b);
        return;
    }
    let (mut lo, mut hi) = (u64::MAX, 0u64);
    for r in b.iter() {
        let k = r.key();
        lo = lo.min(k);
        hi = hi.max(k);
    }
    if lo == hi {
        return;
    }
    let b2 = log2_ceil(m / L2_BUCKET).clamp(1, 20);
    let top = 64 - (hi - lo).leading_zeros();
    let shift = top.saturating_sub(b2);
    let ns = (((hi - lo) >> shift) + 1) as usize;
    sub.clear();
    sub.resize(ns + 1, 0);
    for r in b.iter() {
        sub[((r.key() - lo) >> shift) as usize + 1] += 1;
    }
    let mut largest = 0;
    for d in 0..ns {
        largest = largest.max(sub[d + 1]);
        sub[d + 1] += sub[d];
    }
    let tmp = &mut tmp[..m];
    for r in b.iter() {
        let d = ((r.key() - lo) >> shift) as usize;
        tmp[sub[d]] = *r;
        sub[d] += 1;
    }
    if largest <= INSERTION {
        // Sub-buckets are in order and small: one insertion sort over the whole bucket
        // only moves records within their sub-bucket.
        insertion_sort(tmp);
        b.copy_from_slice(tmp);
        return;
    }
    // now sub[d] is the end of sub-bucket d (= start of d + 1)
    let mut s = 0;
    for &e in &sub[..ns] {
        let run = &mut tmp[s..e];
        if run.len() > INSERTION {
            run.sort_unstable_by_key(|r| r.key());
        } else if run.len() > 1 {
            insertion_sort(run);
        }
        s = e;
    }
    b.copy_from_slice(tmp);
}

/// Insertion sort by key for the small runs.
#[inline]
fn insertion_sort<R: Rec>(b: &mut [R]) {
    for i in 1..b.len() {
        let r = b[i];
        let key = r.key();
        let mut j = i;
        while j > 0 && b[j - 1].key() > key {
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

    fn check(vals: &[f64]) {
        let n = vals.len();
        let keys: Vec<u64> = vals.iter().map(|&v| key_of(v + 0.0)).collect();
        let (lo, hi) = (*keys.iter().min().unwrap(), *keys.iter().max().unwrap());
        let mut plain: Vec<f64> = vals.iter().map(|v| v + 0.0).collect();
        plain.sort_by(f64::total_cmp);
        // pairs: weights travel with their values
        let mut out: Vec<Pair> = Vec::new();
        let mut runs = 0usize;
        sort_into(
            keys.iter().copied(),
            keys.iter()
                .enumerate()
                .map(|(i, &k)| [f64::from_bits(k), i as f64]),
            n,
            lo,
            hi,
            &mut out,
            |_| runs += 1,
        );
        let xs: Vec<f64> = out.iter().map(|p| value_of(p[0].to_bits())).collect();
        assert_eq!(xs, plain);
        for p in &out {
            assert_eq!(value_of(p[0].to_bits()), vals[p[1] as usize] + 0.0);
        }
        let mut idx: Vec<usize> = out.iter().map(|p| p[1] as usize).collect();
        idx.sort_unstable();
        assert!(idx.iter().enumerate().all(|(i, &j)| i == j));
        assert!(runs >= 1);
        // keys only, with the visitor turning keys into values in place
        let mut out1: Vec<f64> = vec![1.0; 3]; // capacity reused, contents replaced
        sort_into(
            keys.iter().copied(),
            keys.iter().map(|&k| f64::from_bits(k)),
            n,
            lo,
            hi,
            &mut out1,
            |run| {
                for r in run {
                    *r = value_of(r.to_bits());
                }
            },
        );
        assert_eq!(out1, plain);
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
        for n in [1usize, 2, 10, 33, 300, 5000, 70_000, 300_000] {
            let mut vals = Vec::new();
            for i in 0..n {
                let r = next();
                let x = ((r >> 11) as f64 / (1u64 << 53) as f64 - 0.3) * 1e4 * (i % 7) as f64;
                vals.push(x);
            }
            check(&vals);
            // heavy ties and a few extremes
            let tied: Vec<f64> = (0..n)
                .map(|i| match i % 11 {
                    0 => -0.0,
                    1 => 1e300,
                    2 => -1e-300,
                    _ => ((next() % 5) as f64) * 0.25,
                })
                .collect();
            check(&tied);
        }
        check(&[3.0; 100]);
        check(&[-0.0, 0.0, 0.0, -0.0]);
    }
}
