//! Ranking: the one place scores become ranks (the index and, unless `ranks.index_only`,
//! every dimension, in every period).

use super::super::normalise::Ties;
use super::plan::Plan;
use super::Work;

/// Order-preserving map of a non-NaN f64 to u64, **descending** (larger score → smaller key).
#[inline]
fn desc_key(v: f64) -> u64 {
    let b = (v + 0.0).to_bits(); // +0.0 folds −0 into +0 so they tie
    let asc = if b >> 63 == 1 { !b } else { b | (1 << 63) };
    !asc
}

/// Ranks `scores` into `out` (1 = highest), NaN → NaN, with the ties policy. Sorting is an
/// LSD radix sort on (key, unit) pairs (6 passes of 11 bits, stable), O(n) and
/// allocation-free once `keys`/`tmp` have grown.
pub(super) fn rank_into(
    scores: &[f64],
    ties: Ties,
    keys: &mut Vec<(u64, u32)>,
    tmp: &mut Vec<(u64, u32)>,
    out: &mut [f64],
) {
    keys.clear();
    keys.extend(
        scores
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_nan())
            .map(|(u, &v)| (desc_key(v), u as u32)),
    );
    let n = keys.len();
    if n > 64 {
        tmp.clear();
        tmp.resize(n, (0, 0));
        // the six digit histograms in one pass over the keys
        let mut hist = [[0u32; 2048]; 6];
        for &(k, _) in keys.iter() {
            for (pass, h) in hist.iter_mut().enumerate() {
                h[((k >> (pass * 11)) & 0x7ff) as usize] += 1;
            }
        }
        let mut start = [0usize; 2048];
        for (pass, h) in hist.iter().enumerate() {
            if h.contains(&(n as u32)) {
                continue; // all keys share this digit
            }
            let shift = pass * 11;
            let mut acc = 0usize;
            for (s, &c) in start.iter_mut().zip(h) {
                *s = acc;
                acc += c as usize;
            }
            for &e in keys.iter() {
                let d = ((e.0 >> shift) & 0x7ff) as usize;
                tmp[start[d]] = e;
                start[d] += 1;
            }
            std::mem::swap(keys, tmp);
        }
    } else {
        keys.sort_unstable();
    }
    out.iter_mut().for_each(|r| *r = f64::NAN);
    let mut s = 0;
    while s < n {
        let v = keys[s].0;
        let mut e = s + 1;
        while e < n && keys[e].0 == v {
            e += 1;
        }
        let r = match ties {
            Ties::Min => (s + 1) as f64,
            Ties::Max => e as f64,
            Ties::Average => (s + 1 + e) as f64 / 2.0,
        };
        for &(_, u) in &keys[s..e] {
            out[u as usize] = r;
        }
        s = e;
    }
}

/// Ranks scores, 1 = highest, NaN stays NaN, with the ties policy (`min`: 1, 2, 2, 4;
/// `average`: 1, 2.5, 2.5, 4; `max`: 1, 3, 3, 4) — R `rank(-x, ties.method = …,
/// na.last = "keep")`.
pub fn rank_descending(scores: &[f64], ties: Ties) -> Vec<f64> {
    let mut out = vec![f64::NAN; scores.len()];
    rank_into(scores, ties, &mut Vec::new(), &mut Vec::new(), &mut out);
    out
}

/// Stage: ranks of the index (and of every node unless `ranks.index_only`) in every period,
/// from the scores cube.
pub(super) fn rank(plan: &Plan, work: &mut Work) {
    let (npp, nu) = (plan.npp, plan.nu);
    let ranked = if plan.spec.ranks.index_only {
        1
    } else {
        plan.nn
    };
    let ids = work.scores.ids[..ranked].to_vec();
    work.ranks = super::super::results::Cube::new(ids, npp, nu);
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(nu);
    let mut tmp: Vec<(u64, u32)> = Vec::with_capacity(nu);
    for k in 0..ranked {
        for q in 0..npp {
            let s = work.scores.offset(k, q);
            let r = work.ranks.offset(k, q);
            rank_into(
                &work.scores.data[s..s + nu],
                plan.spec.ranks.ties,
                &mut keys,
                &mut tmp,
                &mut work.ranks.data[r..r + nu],
            );
        }
    }
}
