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
//! into about `m/2` sub-buckets through a scratch buffer; when no sub-bucket holds more than
//! 32 records, an insertion sort from that buffer back into place puts each sub-bucket in
//! order — branch-free, with the last three records of the sorted prefix kept in registers —
//! and hands every record to the caller's visitor as soon as it is final (32 places behind,
//! while still in L1). When ties or skew crowd a sub-bucket, the sub-buckets are sorted one by
//! one (`sort_unstable` for those over 32 records) and the bucket is visited afterwards.
//! Records are either the key alone (an `f64` holding the key bits: equal weights) or
//! `[key bits, weight]` pairs. Equal keys keep their input order except inside a crowded
//! sub-bucket; the order of tied records matters to the last bit of the cumulative sums, so
//! any change to the partition rules changes results on tied data.
//!
//! Measured on this project's 2-core machine (see `benches/distribution.rs`): an LSD radix
//! sort (6 passes of 11 bits, or 8 of 8) and a one-level partition into 2¹⁸ buckets both
//! lost to this scheme (the single wide scatter is TLB-bound); at 10⁶ weighted records
//! the level-2 work with 4 records per sub-bucket and per-sub-bucket insertion sorts took
//! ≈15 ms against ≈12 ms for the scheme above (thread CPU time, loaded machine). At 10⁶
//! weighted records (thread CPU time, best of 11): the branchy insertion sort plus a copy
//! back and a separate visiting pass took ≈9.4 ms, the window sort with the visitor folded
//! in ≈7.6 ms. Tried and dropped: sub-buckets of one record on average (the larger count
//! array cost more than the insertion sort saved), each bucket's key range tracked during
//! the level-1 scatter (+2.9 ms there, −2.4 ms in level 2) and touching the next bucket ahead
//! of level 2 (the scheme is bandwidth-bound: the fetch only moved). What remains is mostly
//! memory traffic: validation (16 B per record read), histogram (8 B), scatter (16 B read,
//! 16 B written), level 2 (16 B read back), then the Theil pass (16 B and one `ln`).

/// Buffers smaller than this are left to the allocator's pages.
const HUGE_MIN_BYTES: usize = 8 << 20;

/// Asks the kernel to back the 2 MiB-aligned part of `v`'s allocated capacity with
/// transparent huge pages (`madvise(MADV_HUGEPAGE)`; Linux only, a no-op elsewhere, and
/// for buffers under [`HUGE_MIN_BYTES`]).
///
/// The sort scatters the records of a fresh build into 2⁸–2¹² write streams over the whole
/// output buffer: with 4 KiB pages every page is first touched there (one page fault per
/// 4 KiB, 40 000 at 10⁷ weighted records, about a third of that build's time) and the
/// streams miss the TLB. Huge pages take one fault per 2 MiB (the kernel still zeroes the
/// memory) and 512× fewer TLB entries. With the system setting
/// `/sys/kernel/mm/transparent_hugepage/enabled` at `madvise` (the usual default) nothing
/// happens without this call; at `never` the call changes nothing; an error is ignored (the
/// pages stay small). The advice only changes how the memory is backed, never its contents.
/// It stays on the address range after the buffer is freed (an allocator that reuses that
/// range for something else gets huge pages there too, which is harmless).
pub(crate) fn advise_huge_pages<T>(v: &mut Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let bytes = v.capacity() * std::mem::size_of::<T>();
        if bytes < HUGE_MIN_BYTES {
            return;
        }
        let start = v.as_mut_ptr() as usize;
        let (lo, hi) = (start.next_multiple_of(HUGE), (start + bytes) / HUGE * HUGE);
        if hi > lo {
            // SAFETY: `lo..hi` lies inside the allocation owned by `v` (its capacity), and
            // MADV_HUGEPAGE does not change the contents or the validity of any memory: it
            // only marks the range as eligible for huge pages. No reference is created.
            #[allow(unsafe_code)]
            unsafe {
                libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}

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
    /// `if mask == !0 { a } else { b }` (`mask` is all ones or all zeros), by bit masks so
    /// that the compiler emits no branch.
    fn select(mask: u64, a: Self, b: Self) -> Self;
    /// The level-2 buffer of this record type.
    fn tmp(bufs: &mut TmpBufs) -> &mut Vec<Self>;
}

/// `mask & a | !mask & b` on the bits of two `f64`s.
#[inline(always)]
fn sel(mask: u64, a: f64, b: f64) -> f64 {
    f64::from_bits((a.to_bits() & mask) | (b.to_bits() & !mask))
}

impl Rec for f64 {
    #[inline(always)]
    fn key(&self) -> u64 {
        self.to_bits()
    }
    #[inline(always)]
    fn select(mask: u64, a: Self, b: Self) -> Self {
        sel(mask, a, b)
    }
    fn tmp(bufs: &mut TmpBufs) -> &mut Vec<Self> {
        &mut bufs.values
    }
}

impl Rec for Pair {
    #[inline(always)]
    fn key(&self) -> u64 {
        self[0].to_bits()
    }
    #[inline(always)]
    fn select(mask: u64, a: Self, b: Self) -> Self {
        [sel(mask, a[0], b[0]), sel(mask, a[1], b[1])]
    }
    fn tmp(bufs: &mut TmpBufs) -> &mut Vec<Self> {
        &mut bufs.pairs
    }
}

/// The working memory of [`sort_into`] (bucket counts and offsets, the level-2 buffer),
/// kept by the caller so that sorting again into the same buffers does not allocate.
/// Cloning gives an empty one (it holds no result).
#[derive(Default)]
pub(crate) struct Scratch {
    counts: Vec<usize>,
    starts: Vec<usize>,
    sub: Vec<usize>,
    tmp: TmpBufs,
}

/// The level-2 buffers, one per record type.
#[derive(Default)]
pub(crate) struct TmpBufs {
    values: Vec<f64>,
    pairs: Vec<Pair>,
}

impl Clone for Scratch {
    fn clone(&self) -> Self {
        Scratch::default()
    }
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scratch").finish_non_exhaustive()
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
/// `keys`, lie in `[min_key, max_key]`; every key is > 0, as [`key_of`] of a finite value
/// is) into `out` (cleared; its capacity is reused), with `scratch` as working memory.
/// Each sorted run is passed to `visit` in ascending order, while still in cache; the
/// visitor may rewrite the records in place (e.g. keys into values). Records of equal key
/// come out in input order, except inside a level-2 sub-bucket of more than
/// [`INSERTION`] records, which `sort_unstable` orders.
///
/// Panics if the two iterators do not yield `n` records with the same keys (a bug in the
/// caller), before any uninitialised memory could be exposed.
///
/// Besides [`advise_huge_pages`], this is the one place outside `ffi` that uses `unsafe` (a
/// `set_len` after every slot was written through `spare_capacity_mut`): initialising the buffer first would add a full
/// write pass over n records to a build whose budget is 1.2× one sort.
#[allow(unsafe_code)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn sort_into<R, K, I, F>(
    keys: K,
    records: I,
    n: usize,
    min_key: u64,
    max_key: u64,
    out: &mut Vec<R>,
    scratch: &mut Scratch,
    mut visit: F,
) where
    R: Rec,
    K: Iterator<Item = u64>,
    I: Iterator<Item = R>,
    F: FnMut(&mut [R]),
{
    out.clear();
    out.reserve(n);
    advise_huge_pages(out);
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
    let Scratch {
        counts,
        starts,
        sub,
        tmp,
    } = scratch;
    counts.clear();
    counts.resize(nb + 1, 0);
    for k in keys {
        counts[((k - min_key) >> shift) as usize + 1] += 1;
    }
    for d in 0..nb {
        counts[d + 1] += counts[d];
    }
    assert_eq!(counts[nb], n, "sort_into: record count");
    starts.clear();
    starts.extend_from_slice(counts);
    {
        // A cursor running past its bucket (keys changed between the passes) writes into
        // the next bucket and is caught by the check below, before `set_len`.
        let spare = &mut out.spare_capacity_mut()[..n];
        for r in records {
            let d = ((r.key() - min_key) >> shift) as usize;
            let o = counts[d];
            counts[d] = o + 1;
            spare[o].write(r);
        }
    }
    for d in 0..nb {
        assert_eq!(
            counts[d],
            starts[d + 1],
            "sort_into: keys changed between passes"
        );
    }
    // SAFETY: every slot of 0..n was written: bucket d's cursor started at starts[d],
    // advanced by one per record written at its position, and ended at exactly
    // starts[d + 1] (checked above), so it wrote every slot of starts[d]..starts[d + 1];
    // the buckets tile 0..n.
    unsafe { out.set_len(n) };
    // Level 2, bucket by bucket.
    let max_m = (0..nb)
        .map(|d| starts[d + 1] - starts[d])
        .max()
        .unwrap_or(0);
    // (contents need not be cleared: a bucket's part is written before it is read)
    let tmp = R::tmp(tmp);
    if max_m > INSERTION && tmp.len() < max_m {
        tmp.resize(max_m, R::default());
    }
    for d in 0..nb {
        let (s, e) = (starts[d], starts[d + 1]);
        if s == e {
            continue;
        }
        sort_bucket(&mut out[s..e], tmp, sub, &mut visit);
    }
}

/// Sorts one bucket (in cache) by a radix partition on its own key range into `tmp`,
/// then insertion sorts, and hands the sorted bucket to `visit` (in one or more runs).
fn sort_bucket<R: Rec, F: FnMut(&mut [R])>(
    b: &mut [R],
    tmp: &mut [R],
    sub: &mut Vec<usize>,
    visit: &mut F,
) {
    let m = b.len();
    if m <= INSERTION {
        insertion_sort(b);
        visit(b);
        return;
    }
    let (lo, hi) = key_range(b);
    if lo == hi {
        visit(b);
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
    let mut acc = 0;
    for c in &mut sub[1..=ns] {
        largest = largest.max(*c);
        acc += *c;
        *c = acc;
    }
    let tmp = &mut tmp[..m];
    for r in b.iter() {
        let d = ((r.key() - lo) >> shift) as usize;
        tmp[sub[d]] = *r;
        sub[d] += 1;
    }
    if largest <= INSERTION {
        // Sub-buckets are in order and small: one insertion sort over the whole bucket
        // only moves records within their sub-bucket (so ties keep their input order).
        window_insertion_sort(tmp, b, visit);
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
    visit(b);
}

/// Writes the stable sort of `src` into `dst` (same length) and hands it to `visit`.
/// `src` (more than [`INSERTION`] records) is a sequence of sub-buckets in key order, each
/// of at most [`INSERTION`] records.
///
/// An insertion sort that keeps the last three records of the sorted prefix in registers
/// and places each new record among them with comparisons and bit masks instead of
/// branches (whose outcome is data-dependent and mispredicted about one time in four with
/// sub-buckets of two records); a record that belongs further back (rare) is inserted into
/// the written part of `dst` by the usual loop. The result is the one of [`insertion_sort`]:
/// strict comparisons, so ties keep their input order.
///
/// A record never ends before the start of its sub-bucket, so fewer than [`INSERTION`]
/// places before its place in `src`: once record `i` is placed, `dst[i − INSERTION]` is
/// final and is visited then, while the insertion sort goes on (the two dependency chains
/// overlap instead of running one after the other).
#[inline]
fn window_insertion_sort<R: Rec, F: FnMut(&mut [R])>(src: &[R], dst: &mut [R], visit: &mut F) {
    let m = src.len();
    debug_assert!(m > INSERTION && dst.len() == m);
    let mask = |c: bool| 0u64.wrapping_sub(c as u64);
    // the window: w0 ≤ w1 ≤ w2, the last three records of the sorted prefix src[..i]
    let mut head = [src[0], src[1], src[2]];
    insertion_sort(&mut head);
    let [mut w0, mut w1, mut w2] = head;
    // key of dst[i − 4], the last record written (none yet: 0 makes `last > k` false)
    let mut last = 0u64;
    for i in 3..m {
        let r = src[i];
        let k = r.key();
        let c0 = w0.key() > k;
        if c0 && last > k {
            // r belongs before w0: insert it into dst[..=i − 4] (slot i − 3 is free, and
            // the window keeps its three records)
            let mut j = i - 3;
            while j > 0 && dst[j - 1].key() > k {
                dst[j] = dst[j - 1];
                j -= 1;
            }
            dst[j] = r;
            if i >= INSERTION {
                let p = i - INSERTION;
                visit(&mut dst[p..p + 1]);
            }
            continue;
        }
        let c1 = w1.key() > k;
        let c2 = w2.key() > k;
        let (m0, m1, m2) = (mask(c0), mask(c1), mask(c2));
        // insert r into [w0, w1, w2] (c0 ⇒ c1 ⇒ c2) and write out the smallest
        let x0 = R::select(m0, r, w0);
        let x1 = R::select(m0, w0, R::select(m1, r, w1));
        let x2 = R::select(m1, w1, R::select(m2, r, w2));
        let x3 = R::select(m2, w2, r);
        dst[i - 3] = x0;
        last = x0.key();
        (w0, w1, w2) = (x1, x2, x3);
        if i >= INSERTION {
            let p = i - INSERTION;
            visit(&mut dst[p..p + 1]);
        }
    }
    dst[m - 3] = w0;
    dst[m - 2] = w1;
    dst[m - 1] = w2;
    visit(&mut dst[m - INSERTION..]);
}

/// Smallest and largest key of `b` (four independent running minima and maxima, so
/// that the loop is not bound by one compare-and-select chain).
#[inline]
fn key_range<R: Rec>(b: &[R]) -> (u64, u64) {
    let mut lo = [u64::MAX; 4];
    let mut hi = [0u64; 4];
    let mut chunks = b.chunks_exact(4);
    for c in &mut chunks {
        for j in 0..4 {
            let k = c[j].key();
            lo[j] = lo[j].min(k);
            hi[j] = hi[j].max(k);
        }
    }
    for r in chunks.remainder() {
        let k = r.key();
        lo[0] = lo[0].min(k);
        hi[0] = hi[0].max(k);
    }
    (
        lo[0].min(lo[1]).min(lo[2].min(lo[3])),
        hi[0].max(hi[1]).max(hi[2].max(hi[3])),
    )
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

    /// The huge-page advice leaves the contents alone, on a buffer above the threshold
    /// (whose start is not 2 MiB-aligned in general), below it and unallocated.
    #[test]
    fn huge_page_advice_keeps_contents() {
        let n = 3 * (HUGE_MIN_BYTES / 16) + 7;
        let mut big: Vec<Pair> = (0..n).map(|i| [i as f64, -(i as f64)]).collect();
        advise_huge_pages(&mut big);
        assert!(big
            .iter()
            .enumerate()
            .all(|(i, p)| p[0] == i as f64 && p[1] == -(i as f64)));
        let mut small = vec![1.5f64; 1000];
        advise_huge_pages(&mut small);
        assert!(small.iter().all(|&v| v == 1.5));
        let mut empty: Vec<f64> = Vec::new();
        advise_huge_pages(&mut empty);
        assert!(empty.is_empty());
    }

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
        let mut scratch = Scratch::default();
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
            &mut scratch,
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
            &mut scratch,
            |run| {
                for r in run {
                    *r = value_of(r.to_bits());
                }
            },
        );
        assert_eq!(out1, plain);
    }

    /// Equal keys keep their input order when no sub-bucket is crowded, also when records
    /// have to move back past the three-record window: 10 000 pairs of adjacent doubles
    /// `(v, v + 1 ulp)` spread evenly over [1, 2) (so the sub-buckets hold a few records
    /// each), four copies of `v + 1 ulp` then four of `v`, the weight being the input
    /// position.
    #[test]
    fn ties_keep_input_order() {
        let k = 10_000;
        let vals: Vec<f64> = (0..8 * k)
            .map(|i| {
                let v = 1.0 + (i / 8) as f64 / k as f64;
                if i % 8 < 4 {
                    f64::from_bits(v.to_bits() + 1)
                } else {
                    v
                }
            })
            .collect();
        let keys: Vec<u64> = vals.iter().map(|&v| key_of(v)).collect();
        let (lo, hi) = (*keys.iter().min().unwrap(), *keys.iter().max().unwrap());
        let mut out: Vec<Pair> = Vec::new();
        let mut visited = 0;
        sort_into(
            keys.iter().copied(),
            keys.iter()
                .enumerate()
                .map(|(i, &k)| [f64::from_bits(k), i as f64]),
            vals.len(),
            lo,
            hi,
            &mut out,
            &mut Scratch::default(),
            |run| visited += run.len(),
        );
        assert_eq!(visited, vals.len());
        for w in out.windows(2) {
            let (a, b) = (w[0][0].to_bits(), w[1][0].to_bits());
            assert!(a < b || (a == b && w[0][1] < w[1][1]), "{w:?}");
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
