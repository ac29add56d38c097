//! Natural logarithms of whole columns, for the per-cell `ln` of the entropy weights and
//! the geometric mean (issue 16: one libm call per cell was most of those pipelines'
//! time, where numpy evaluates a vectorised log).
//!
//! [`ln_into`] evaluates the fdlibm algorithm (Sun Microsystems, `e_log.c`, 1993; the same
//! reduction and minimax polynomial as musl's `log.c` before 2018) without branches for
//! positive normal arguments, so the loop vectorises: 2 lanes with the baseline x86-64
//! SSE2, 4 or 8 with the AVX2 or AVX-512 build of the same loop, chosen at run time when
//! the CPU has the feature (`is_x86_feature_detected!`; the `unsafe` calls are documented
//! in `kernel_best`; the builds give bit-identical results, tested):
//!
//! `x = 2^k (1 + f)` with `√2/2 ≤ 1 + f < √2`, `s = f / (2 + f)`, `z = s²`,
//! `R = Lg1 z + Lg2 z² + … + Lg7 z⁷` (minimax for `(ln(1+f) − f + f²/2) / s` …), and
//! `ln x = k·ln2_hi + (f − (f²/2 − (s(f²/2 + R) + k·ln2_lo)))`, `ln2 = ln2_hi + ln2_lo`.
//!
//! fdlibm documents the error as below 1 ulp; against the platform `f64::ln` the results
//! agree bit for bit on most arguments and otherwise differ by one unit in the last place
//! (checked over 10⁶ arguments spread over the exponent range in the tests below). Zero,
//! subnormal, negative, infinite and NaN arguments take `f64::ln` itself, so every special
//! value is exactly the platform's.
//!
//! The reduction, the split of `ln 2` and the coefficients are fdlibm's, which carries this
//! notice: "Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at
//! SunPro, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and
//! distribute this software is freely granted, provided that this notice is preserved."

// The constants are written as fdlibm publishes them (more digits than a double holds;
// each rounds to fdlibm's hex bit pattern, e.g. LN2_HI = 0x3fe62e42_fee00000, LG1 =
// 0x3fe55555_55555593), so they can be checked against the source.
#![allow(clippy::excessive_precision)]

/// `ln 2` split so that `k · LN2_HI` is exact for |k| < 2¹¹ (fdlibm `ln2_hi`, `ln2_lo`).
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
/// The minimax coefficients of fdlibm `e_log.c`.
const LG1: f64 = 6.666_666_666_666_735_130e-1;
const LG2: f64 = 3.999_999_999_940_941_908e-1;
const LG3: f64 = 2.857_142_874_366_239_149e-1;
const LG4: f64 = 2.222_219_843_214_978_396e-1;
const LG5: f64 = 1.818_357_216_161_805_012e-1;
const LG6: f64 = 1.531_383_769_920_937_332e-1;
const LG7: f64 = 1.479_819_860_511_658_591e-1;

/// The fdlibm logarithm of a positive normal finite `x` (any other argument gives an
/// unspecified value: callers select [`f64::ln`] for those).
#[inline(always)]
fn ln_normal(x: f64) -> f64 {
    let bits = x.to_bits();
    // high word, shifted so that the exponent counts from the √2/2 boundary
    let hx = (bits >> 32) as u32;
    let hx = hx.wrapping_add(0x3ff0_0000 - 0x3fe6_a09e);
    let k = ((hx >> 20) as i32 - 0x3ff) as f64;
    let hx = (hx & 0x000f_ffff) + 0x3fe6_a09e;
    let m = f64::from_bits((u64::from(hx) << 32) | (bits & 0xffff_ffff));
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    s * (hfsq + r) + k * LN2_LO - hfsq + f + k * LN2_HI
}

/// Whether `x` takes the polynomial path (positive, normal, finite).
#[inline(always)]
fn is_regular(x: f64) -> bool {
    (f64::MIN_POSITIVE..f64::INFINITY).contains(&x)
}

/// The branch-free loop (vectorised by the compiler for the target's vector width);
/// returns whether every argument was regular (then no cell needs [`f64::ln`]).
#[inline(always)]
fn kernel(src: &[f64], dst: &mut [f64]) -> bool {
    let mut regular = true;
    for (d, &x) in dst.iter_mut().zip(src) {
        regular &= is_regular(x);
        *d = ln_normal(x);
    }
    regular
}

/// [`kernel`] compiled for AVX2 (4 lanes instead of SSE2's 2): the same scalar IEEE
/// operations in the same order (no FMA contraction: Rust never contracts `a * b + c`), so
/// its results are bit-identical to [`kernel`]'s.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn kernel_avx2(src: &[f64], dst: &mut [f64]) -> bool {
    kernel(src, dst)
}

/// [`kernel`] compiled for AVX-512 (8 lanes), likewise bit-identical.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn kernel_avx512(src: &[f64], dst: &mut [f64]) -> bool {
    kernel(src, dst)
}

/// [`kernel`], in its AVX-512 or AVX2 build when the CPU has the feature (detected at run
/// time; the result is cached by the standard library).
#[inline]
#[allow(unsafe_code)]
fn kernel_best(src: &[f64], dst: &mut [f64]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the only requirement of `kernel_avx512` is a CPU with AVX-512F, checked
        // just above; it reads `src` and writes `dst` through safe slices.
        return unsafe { kernel_avx512(src, dst) };
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the only requirement of `kernel_avx2` is a CPU with AVX2, checked just
        // above; it reads `src` and writes `dst` through safe slices.
        return unsafe { kernel_avx2(src, dst) };
    }
    kernel(src, dst)
}

/// `dst[i] = ln(src[i])` for every `i` (the slices have equal lengths): the vectorised
/// fdlibm logarithm for positive normal values, [`f64::ln`] for the rest (0 → −∞,
/// negative → NaN, NaN → NaN, +∞ → +∞, subnormals exactly).
pub(crate) fn ln_into(src: &[f64], dst: &mut [f64]) {
    assert_eq!(src.len(), dst.len(), "ln_into: slices of different lengths");
    // Blocks of 256 (2 KiB, in L1): a block with a special argument (zero, NaN …; a min–max
    // column has one zero) is fixed up right away, while it is in cache, cell by cell
    // among 16-cell groups tested branch-free first — no second pass over the column.
    for (db, sb) in dst.chunks_mut(256).zip(src.chunks(256)) {
        if kernel_best(sb, db) {
            continue;
        }
        for (dc, sc) in db.chunks_mut(16).zip(sb.chunks(16)) {
            if !sc.iter().fold(true, |a, &x| a & is_regular(x)) {
                for (d, &x) in dc.iter_mut().zip(sc) {
                    if !is_regular(x) {
                        *d = x.ln();
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn within_one_ulp_of_the_platform_log_over_the_exponent_range() {
        // 10⁶ arguments: a xorshift mantissa with exponents from 2⁻¹⁰²² to 2¹⁰²³, plus the
        // neighbourhood of 1 (where ln is small and relative error matters most)
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        let mut xs = Vec::with_capacity(1_000_000);
        for k in 0..1_000_000u64 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let x = if k % 4 == 0 {
                1.0 + ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 1e-3
            } else {
                let e = (s >> 53) % 2046 + 1; // biased exponent 1..=2046 (normal)
                f64::from_bits((e << 52) | (s & ((1u64 << 52) - 1)))
            };
            xs.push(x);
        }
        let mut out = vec![0.0; xs.len()];
        ln_into(&xs, &mut out);
        let mut worst = 0;
        let mut differ = 0usize;
        for (&x, &l) in xs.iter().zip(&out) {
            let d = ulps(l, x.ln());
            worst = worst.max(d);
            differ += usize::from(d != 0);
        }
        assert!(worst <= 1, "worst difference {worst} ulp");
        // the two agree on the great majority of arguments
        assert!(differ < xs.len() / 20, "{differ} of {} differ", xs.len());
    }

    #[test]
    fn the_vector_build_is_bit_identical_to_the_portable_one() {
        let mut s = 0x2545_F491_4F6C_DD1Du64;
        let xs: Vec<f64> = (0..10_007)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let e = (s >> 53) % 2046 + 1;
                f64::from_bits((e << 52) | (s & ((1u64 << 52) - 1)))
            })
            .collect();
        let mut a = vec![0.0; xs.len()];
        let mut b = vec![1.0; xs.len()];
        assert!(kernel(&xs, &mut a));
        assert!(kernel_best(&xs, &mut b));
        for (k, (x, y)) in a.iter().zip(&b).enumerate() {
            assert_eq!(x.to_bits(), y.to_bits(), "ln({}) differs", xs[k]);
        }
        // each vector build on its own, where the CPU has it
        #[cfg(target_arch = "x86_64")]
        #[allow(unsafe_code)]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                b.fill(1.0);
                // SAFETY: AVX2 checked just above
                assert!(unsafe { kernel_avx2(&xs, &mut b) });
                assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
            }
            if std::arch::is_x86_feature_detected!("avx512f") {
                b.fill(1.0);
                // SAFETY: AVX-512F checked just above
                assert!(unsafe { kernel_avx512(&xs, &mut b) });
                assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
            }
        }
    }

    #[test]
    fn special_arguments_anywhere_in_a_long_column() {
        // specials at block (256) and group (16) edges and inside; the rest regular
        let mut xs: Vec<f64> = (0..1000).map(|k| 0.5 + k as f64 * 0.37).collect();
        let specials = [
            (0, 0.0),
            (15, f64::NAN),
            (16, -1.0),
            (255, 0.0),
            (256, 5e-324),
            (511, f64::INFINITY),
            (700, -0.0),
            (999, f64::NAN),
        ];
        for &(k, v) in &specials {
            xs[k] = v;
        }
        let mut out = vec![7.0; xs.len()];
        ln_into(&xs, &mut out);
        for (k, (&x, &l)) in xs.iter().zip(&out).enumerate() {
            let want = x.ln();
            if is_regular(x) {
                assert!(ulps(l, want) <= 1, "ln({x}) at {k}: {l} vs {want}");
            } else {
                assert!(
                    l.to_bits() == want.to_bits() || (l.is_nan() && want.is_nan()),
                    "ln({x}) at {k}: {l} vs {want}"
                );
            }
        }
    }

    #[test]
    fn exact_values_and_special_arguments() {
        let xs = [
            1.0,
            2.0,
            std::f64::consts::E,
            0.5,
            0.0,
            -0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            5e-324, // subnormal
            f64::MIN_POSITIVE,
            f64::MAX,
        ];
        let mut out = vec![7.0; xs.len()];
        ln_into(&xs, &mut out);
        // ln 1 = 0 exactly; ln 2 = ln2_hi + ln2_lo rounded; ln e = 1 within an ulp
        assert_eq!(out[0], 0.0);
        assert_eq!(out[1], std::f64::consts::LN_2);
        assert!(ulps(out[2], 1.0) <= 1, "{}", out[2]);
        assert_eq!(out[3], -std::f64::consts::LN_2);
        assert_eq!(out[4], f64::NEG_INFINITY);
        assert_eq!(out[5], f64::NEG_INFINITY);
        assert!(out[6].is_nan() && out[7].is_nan() && out[9].is_nan());
        assert_eq!(out[8], f64::INFINITY);
        // the smallest subnormal: −1074 ln 2 = −744.44007192138126…
        assert_eq!(out[10], 5e-324f64.ln());
        assert!((out[10] + 744.440_071_921_381_3).abs() < 1e-12);
        // 2⁻¹⁰²²: −1022 ln 2 = −708.39641853226410…; MAX: 709.78271289338399…
        assert!(
            (out[11] + 708.396_418_532_264_1).abs() < 1e-12,
            "{}",
            out[11]
        );
        assert!((out[12] - 709.782_712_893_384).abs() < 1e-12, "{}", out[12]);
    }
}
