//! Rust-level tests of the distribution entry points: values against hand computation and
//! every error path (NULL, (NULL, 0), NaN, ±inf, bad weights, bad enum codes, buffer too
//! small, free(NULL)).
//!
//! Hand computations for x = {1, 2, 3, 4} (μ = 2.5), checked with Python 3.11.7 `math`:
//! * Gini: Σᵢⱼ|xᵢ−xⱼ| = 2·(1+2+3+1+2+1) = 20; G = 20/(2·4²·2.5) = 0.25; corrected ·4/3.
//! * Theil T = ¼ Σ (x/μ) ln(x/μ) = 0.10644013528622318.
//! * MLD = ¼ Σ ln(μ/x) = 0.12177727428716867.
//! * GE(2) = ½ σ²/μ² = ½ · 1.25/6.25 = 0.1; CV = √1.25/2.5 = 0.447213595499958.
//! * Atkinson(1) = 1 − 24^¼/2.5 = 0.11465446423974279; Atkinson(½) = 0.05558585736954513.
//! * median (type 2) = (2+3)/2 = 2.5; Q(0.25): cumulative share reaches 0.25 exactly at 1
//!   → (1+2)/2 = 1.5; share in [2, 4) = 2/4.
//! * Theil by groups {1,2 | 3,4}: between = ½·0.6 ln 0.6 + ½·1.4 ln 1.4 =
//!   0.08228287850505178; within = 0.3·T{1,2} + 0.7·T{3,4} = 0.024157256781171.
//!
//! x = 1..10 (total 55): Palma = top 10 % (10) / bottom 40 % (1+2+3+4) = 1; S80/S20 =
//! (9+10)/(1+2) = 19/3.

use std::ptr::{null, null_mut};

use cpindex::ffi::*;

mod common;
use common::ffi::last_message;

const X: [f64; 4] = [1.0, 2.0, 3.0, 4.0];

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} vs {b}");
}

type OneShot = unsafe extern "C" fn(*const f64, *const f64, usize, *mut f64) -> cpindex_status;

fn call(f: OneShot, v: &[f64], w: Option<&[f64]>) -> Result<f64, cpindex_status> {
    let mut out = -7.0;
    let st = unsafe {
        f(
            v.as_ptr(),
            w.map_or(null(), |w| w.as_ptr()),
            v.len(),
            &mut out,
        )
    };
    if st == cpindex_status::Ok {
        Ok(out)
    } else {
        assert_eq!(out, -7.0, "out written on failure");
        Err(st)
    }
}

const ONE_SHOTS: [(&str, OneShot); 7] = [
    ("cpindex_gini", cpindex_gini),
    ("cpindex_theil_t", cpindex_theil_t),
    ("cpindex_mean_log_deviation", cpindex_mean_log_deviation),
    (
        "cpindex_coefficient_of_variation",
        cpindex_coefficient_of_variation,
    ),
    ("cpindex_palma_ratio", cpindex_palma_ratio),
    ("cpindex_quintile_share_ratio", cpindex_quintile_share_ratio),
    ("gini again", cpindex_gini),
];

#[test]
fn one_shots_against_hand_values() {
    close(call(cpindex_gini, &X, None).unwrap(), 0.25);
    close(
        call(cpindex_theil_t, &X, None).unwrap(),
        0.10644013528622318,
    );
    close(
        call(cpindex_mean_log_deviation, &X, None).unwrap(),
        0.12177727428716867,
    );
    close(
        call(cpindex_coefficient_of_variation, &X, None).unwrap(),
        0.447213595499958,
    );
    let ten: Vec<f64> = (1..=10).map(f64::from).collect();
    close(call(cpindex_palma_ratio, &ten, None).unwrap(), 1.0);
    close(
        call(cpindex_quintile_share_ratio, &ten, None).unwrap(),
        19.0 / 3.0,
    );
    let mut out = 0.0;
    unsafe {
        assert_eq!(
            cpindex_generalized_entropy(X.as_ptr(), null(), 4, 2.0, &mut out),
            cpindex_status::Ok
        );
        close(out, 0.1);
        assert_eq!(
            cpindex_atkinson(X.as_ptr(), null(), 4, 1.0, &mut out),
            cpindex_status::Ok
        );
        close(out, 0.11465446423974279);
        assert_eq!(
            cpindex_atkinson(X.as_ptr(), null(), 4, 0.5, &mut out),
            cpindex_status::Ok
        );
        close(out, 0.05558585736954513);
        assert_eq!(
            cpindex_quantile(X.as_ptr(), null(), 4, 0.5, &mut out),
            cpindex_status::Ok
        );
        close(out, 2.5);
        assert_eq!(
            cpindex_quantile(X.as_ptr(), null(), 4, 0.25, &mut out),
            cpindex_status::Ok
        );
        close(out, 1.5);
        assert_eq!(
            cpindex_share_in_band(X.as_ptr(), null(), 4, 2.0, 4.0, &mut out),
            cpindex_status::Ok
        );
        close(out, 0.5);
    }
    // weights {1, 3} on {1, 2} equal the unweighted {1, 2, 2, 2}:
    // Σ|xᵢ−xⱼ| = 2·3 = 6, μ = 1.75, G = 6/(2·16·1.75) = 3/28.
    close(
        call(cpindex_gini, &[1.0, 2.0], Some(&[1.0, 3.0])).unwrap(),
        3.0 / 28.0,
    );
    close(
        call(cpindex_gini, &[1.0, 2.0, 2.0, 2.0], None).unwrap(),
        3.0 / 28.0,
    );
}

#[test]
fn one_shot_errors() {
    for (name, f) in ONE_SHOTS {
        // (NULL, 0) is an empty input, refused as EMPTY_INPUT
        let mut out = 0.0;
        assert_eq!(
            unsafe { f(null(), null(), 0, &mut out) },
            cpindex_status::EmptyInput,
            "{name}"
        );
        // NULL values with n > 0
        assert_eq!(
            unsafe { f(null(), null(), 3, &mut out) },
            cpindex_status::NullArgument,
            "{name}"
        );
        assert!(last_message().contains("`values`"), "{name}");
        // NULL out
        assert_eq!(
            unsafe { f(X.as_ptr(), null(), 4, null_mut()) },
            cpindex_status::NullArgument
        );
        assert!(last_message().contains("`out`"));
        // NaN, inf, bad weights
        assert_eq!(
            call(f, &[1.0, f64::NAN], None),
            Err(cpindex_status::MissingValue),
            "{name}"
        );
        assert!(last_message().contains("values[1]"), "{}", last_message());
        assert_eq!(
            call(f, &[1.0, f64::INFINITY], None),
            Err(cpindex_status::InvalidValue)
        );
        assert_eq!(
            call(f, &[1.0, 2.0], Some(&[1.0, -1.0])),
            Err(cpindex_status::InvalidValue)
        );
        assert!(last_message().contains("weights[1]"), "{}", last_message());
        assert_eq!(
            call(f, &[1.0, 2.0], Some(&[0.0, 0.0])),
            Err(cpindex_status::InvalidValue)
        );
        // mean ≤ 0
        assert_eq!(
            call(f, &[-1.0, -2.0], None),
            Err(cpindex_status::InvalidValue),
            "{name}"
        );
    }
    let mut out = 0.0;
    unsafe {
        assert_eq!(
            cpindex_quantile(X.as_ptr(), null(), 4, 1.5, &mut out),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_quantile(X.as_ptr(), null(), 4, f64::NAN, &mut out),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_share_in_band(X.as_ptr(), null(), 4, 3.0, 2.0, &mut out),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_share_in_band(X.as_ptr(), null(), 4, f64::NAN, 2.0, &mut out),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_atkinson(X.as_ptr(), null(), 4, -1.0, &mut out),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_mean_log_deviation([0.0, 1.0].as_ptr(), null(), 2, &mut out),
            cpindex_status::InvalidValue
        );
        assert_eq!(
            cpindex_generalized_entropy(X.as_ptr(), null(), 4, f64::NAN, &mut out),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_generalized_entropy(null(), null(), 0, 2.0, &mut out),
            cpindex_status::EmptyInput
        );
        assert_eq!(
            cpindex_atkinson(X.as_ptr(), null(), 4, 0.5, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_quantile(X.as_ptr(), null(), 4, 0.5, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_share_in_band(null(), null(), 2, 0.0, 1.0, &mut out),
            cpindex_status::NullArgument
        );
    }
    assert_eq!(out, 0.0, "never written on failure");
}

#[test]
fn decompositions() {
    let g = [0u32, 0, 1, 1];
    let (mut t, mut w, mut b) = (0.0, 0.0, 0.0);
    unsafe {
        assert_eq!(
            cpindex_ge_decomposition(
                X.as_ptr(),
                null(),
                g.as_ptr(),
                4,
                1.0,
                &mut t,
                &mut w,
                &mut b
            ),
            cpindex_status::Ok
        );
    }
    close(t, 0.10644013528622318);
    close(b, 0.08228287850505178);
    close(w, 0.024157256781171248);
    // Dagum: total = within + between_net + transvariation = Gini 0.25
    let (mut gt, mut gw, mut gb, mut gtv) = (0.0, 0.0, 0.0, 0.0);
    unsafe {
        assert_eq!(
            cpindex_gini_decomposition(
                X.as_ptr(),
                null(),
                g.as_ptr(),
                4,
                &mut gt,
                &mut gw,
                &mut gb,
                &mut gtv
            ),
            cpindex_status::Ok
        );
    }
    close(gt, 0.25);
    close(gw + gb + gtv, 0.25);
    // Groups separate completely (max of group 0 < min of group 1): no transvariation.
    close(gtv, 0.0);
    unsafe {
        let mut x = -1.0;
        assert_eq!(
            cpindex_ge_decomposition(X.as_ptr(), null(), null(), 4, 1.0, &mut x, &mut w, &mut b),
            cpindex_status::NullArgument
        );
        assert!(last_message().contains("`groups`"));
        assert_eq!(
            cpindex_ge_decomposition(
                X.as_ptr(),
                null(),
                g.as_ptr(),
                4,
                1.0,
                null_mut(),
                &mut w,
                &mut b
            ),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_ge_decomposition(null(), null(), null(), 0, 1.0, &mut x, &mut w, &mut b),
            cpindex_status::EmptyInput
        );
        assert_eq!(
            cpindex_gini_decomposition(
                [-1.0, 2.0].as_ptr(),
                null(),
                g.as_ptr(),
                2,
                &mut x,
                &mut w,
                &mut b,
                &mut gtv
            ),
            cpindex_status::InvalidValue
        );
        assert_eq!(
            cpindex_gini_decomposition(
                X.as_ptr(),
                null(),
                g.as_ptr(),
                4,
                &mut x,
                &mut w,
                &mut b,
                null_mut()
            ),
            cpindex_status::NullArgument
        );
        assert_eq!(x, -1.0);
    }
}

fn dist(
    v: &[f64],
    w: Option<&[f64]>,
    policy: u32,
) -> Result<*const cpindex_distribution, cpindex_status> {
    let mut d = null();
    let st = unsafe {
        cpindex_distribution_new(
            v.as_ptr(),
            w.map_or(null(), |w| w.as_ptr()),
            v.len(),
            policy,
            &mut d,
        )
    };
    if st == cpindex_status::Ok {
        assert!(!d.is_null());
        Ok(d)
    } else {
        assert!(d.is_null());
        Err(st)
    }
}

#[test]
fn handle_queries() {
    let d = dist(
        &[4.0, f64::NAN, 1.0, 3.0, 2.0],
        None,
        cpindex_missing_policy::Skip as u32,
    )
    .unwrap();
    let (mut n, mut ni, mut nm, mut nz) = (0, 0, 0, 0);
    unsafe {
        assert_eq!(
            cpindex_distribution_counts(d, &mut n, &mut ni, &mut nm, &mut nz),
            cpindex_status::Ok
        );
    }
    assert_eq!((n, ni, nm, nz), (4, 5, 1, 0));
    let m = |code: cpindex_measure, p: f64| {
        let mut out = 0.0;
        let st = unsafe { cpindex_distribution_measure(d, code as u32, p, &mut out) };
        assert_eq!(st, cpindex_status::Ok, "{code:?}: {}", last_message());
        out
    };
    close(m(cpindex_measure::Gini, 0.0), 0.25);
    close(m(cpindex_measure::GiniCorrected, 0.0), 1.0 / 3.0);
    close(m(cpindex_measure::TheilT, 0.0), 0.10644013528622318);
    close(m(cpindex_measure::GeneralizedEntropy, 2.0), 0.1);
    close(m(cpindex_measure::Atkinson, 1.0), 0.11465446423974279);
    close(m(cpindex_measure::Mean, 0.0), 2.5);
    close(m(cpindex_measure::TotalWeight, 0.0), 4.0);
    close(m(cpindex_measure::Total, 0.0), 10.0);
    close(m(cpindex_measure::Median, 0.0), 2.5);
    // 60 % of the median = 1.5; share strictly below: {1} → 1/4
    close(m(cpindex_measure::AtRiskOfPovertyThreshold, 0.0), 1.5);
    close(m(cpindex_measure::AtRiskOfPovertyRate, 0.0), 0.25);
    close(m(cpindex_measure::Min, 0.0), 1.0);
    close(m(cpindex_measure::Max, 0.0), 4.0);
    close(m(cpindex_measure::MaxMinRatio, 0.0), 4.0);
    close(m(cpindex_measure::ShareBelow, 3.0), 0.5);
    // Hoover: ½ Σ|x−μ|/(nμ) = ½·(1.5+0.5+0.5+1.5)/10 = 0.2
    close(m(cpindex_measure::Hoover, 0.0), 0.2);
    let mut out = 0.0;
    unsafe {
        // Type 7 median of 1..4: h = 1.5 → 2.5; type 1 Q(0.5) = 2
        assert_eq!(
            cpindex_distribution_quantile(d, 0.5, cpindex_quantile_method::Linear as u32, &mut out),
            cpindex_status::Ok
        );
        close(out, 2.5);
        assert_eq!(
            cpindex_distribution_quantile(
                d,
                0.5,
                cpindex_quantile_method::InvertedCdf as u32,
                &mut out
            ),
            cpindex_status::Ok
        );
        close(out, 2.0);
        // L(0.5) = (1+2)/10
        assert_eq!(
            cpindex_distribution_lorenz(d, 0.5, &mut out),
            cpindex_status::Ok
        );
        close(out, 0.3);
        // top half's share = 0.7
        assert_eq!(
            cpindex_distribution_income_share(d, 0.5, 1.0, &mut out),
            cpindex_status::Ok
        );
        close(out, 0.7);
        // S80/S20 Lorenz: top 20 % = 0.8 records of 4 → 0.8·4 = 3.2/10, bottom 0.8·1 = 0.8/10 → 4
        assert_eq!(
            cpindex_distribution_quintile_share_ratio(
                d,
                cpindex_share_ratio_method::Lorenz as u32,
                &mut out
            ),
            cpindex_status::Ok
        );
        close(out, 4.0);
        // Eurostat: q20 = 1, q80 = 4 (type 2); mean above q80: none → EMPTY_INPUT
        assert_eq!(
            cpindex_distribution_quintile_share_ratio(
                d,
                cpindex_share_ratio_method::Eurostat as u32,
                &mut out
            ),
            cpindex_status::EmptyInput
        );
        // closed band [2, 4] holds 3 of 4
        assert_eq!(
            cpindex_distribution_share_in_band(
                d,
                2.0,
                4.0,
                cpindex_band_rule::Closed as u32,
                &mut out
            ),
            cpindex_status::Ok
        );
        close(out, 0.75);
        assert_eq!(
            cpindex_distribution_share_in_band(
                d,
                2.0,
                4.0,
                cpindex_band_rule::HalfOpen as u32,
                &mut out
            ),
            cpindex_status::Ok
        );
        close(out, 0.5);
        let mut mm = cpindex_max_min {
            max: 0.0,
            max_position: 9,
            min: 0.0,
            min_position: 9,
            ratio: 0.0,
        };
        assert_eq!(cpindex_distribution_max_min(d, &mut mm), cpindex_status::Ok);
        // positions in the caller's array (the NaN at 1 counts)
        assert_eq!(
            (mm.max, mm.max_position, mm.min, mm.min_position, mm.ratio),
            (4.0, 0, 1.0, 2, 4.0)
        );
        let mut buf = [0.0; 4];
        let mut len = 0;
        assert_eq!(
            cpindex_distribution_sorted_values(d, null_mut(), 0, &mut len),
            cpindex_status::BufferTooSmall
        );
        assert_eq!(len, 4);
        assert_eq!(
            cpindex_distribution_sorted_values(d, buf.as_mut_ptr(), 3, &mut len),
            cpindex_status::BufferTooSmall
        );
        assert_eq!(buf, [0.0; 4]);
        assert_eq!(
            cpindex_distribution_sorted_values(d, buf.as_mut_ptr(), 4, &mut len),
            cpindex_status::Ok
        );
        assert_eq!(buf, [1.0, 2.0, 3.0, 4.0]);

        // bad codes and NULLs
        out = -3.0;
        assert_eq!(
            cpindex_distribution_measure(d, 999, 0.0, &mut out),
            cpindex_status::InvalidArgument
        );
        assert!(last_message().contains("cpindex_measure"));
        assert_eq!(
            cpindex_distribution_quantile(d, 0.5, 3, &mut out),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_distribution_share_in_band(d, 0.0, 1.0, 2, &mut out),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_distribution_quintile_share_ratio(d, 2, &mut out),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_distribution_lorenz(d, 2.0, &mut out),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_distribution_income_share(d, 0.6, 0.5, &mut out),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_distribution_measure(null(), 0, 0.0, &mut out),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_distribution_measure(d, 0, 0.0, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_distribution_quantile(null(), 0.5, 0, &mut out),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_distribution_lorenz(null(), 0.5, &mut out),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_distribution_income_share(null(), 0.0, 0.5, &mut out),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_distribution_share_in_band(null(), 0.0, 1.0, 0, &mut out),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_distribution_quintile_share_ratio(null(), 0, &mut out),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_distribution_max_min(null(), &mut mm),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_distribution_max_min(d, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_distribution_counts(d, &mut n, &mut ni, &mut nm, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_distribution_sorted_values(null(), null_mut(), 0, &mut len),
            cpindex_status::NullArgument
        );
        assert_eq!(out, -3.0);

        let mut c = null();
        assert_eq!(cpindex_distribution_clone(d, &mut c), cpindex_status::Ok);
        cpindex_distribution_free(d);
        assert_eq!(
            cpindex_distribution_measure(c, cpindex_measure::Gini as u32, 0.0, &mut out),
            cpindex_status::Ok
        );
        close(out, 0.25);
        assert_eq!(
            cpindex_distribution_clone(null(), &mut c),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_distribution_clone(c, null_mut()),
            cpindex_status::NullArgument
        );
        cpindex_distribution_free(c);
        cpindex_distribution_free(null());
    }
}

#[test]
fn handle_errors() {
    assert_eq!(
        dist(&[1.0, f64::NAN], None, 0),
        Err(cpindex_status::MissingValue)
    );
    assert_eq!(
        dist(&[1.0, 2.0], None, 2),
        Err(cpindex_status::InvalidArgument)
    );
    assert!(last_message().contains("missing_policy"));
    assert_eq!(dist(&[f64::NAN], None, 1), Err(cpindex_status::EmptyInput));
    assert_eq!(dist(&[], None, 0), Err(cpindex_status::EmptyInput));
    assert_eq!(
        dist(&[1.0, 2.0], Some(&[1.0, f64::NAN]), 0),
        Err(cpindex_status::InvalidValue)
    );
    let mut d = null();
    unsafe {
        assert_eq!(
            cpindex_distribution_new(null(), null(), 2, 0, &mut d),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_distribution_new(X.as_ptr(), null(), 4, 0, null_mut()),
            cpindex_status::NullArgument
        );
    }
    assert!(d.is_null());
    // weighted: LINEAR quantile refused; max/min needs min > 0
    let d = dist(&[0.0, 2.0], Some(&[1.0, 2.0]), 0).unwrap();
    let mut out = 0.0;
    unsafe {
        assert_eq!(
            cpindex_distribution_quantile(d, 0.5, 2, &mut out),
            cpindex_status::InvalidArgument
        );
        let mut mm = cpindex_max_min {
            max: 0.0,
            max_position: 0,
            min: 0.0,
            min_position: 0,
            ratio: 0.0,
        };
        assert_eq!(
            cpindex_distribution_max_min(d, &mut mm),
            cpindex_status::InvalidValue
        );
        assert_eq!(
            cpindex_distribution_measure(
                d,
                cpindex_measure::MeanLogDeviation as u32,
                0.0,
                &mut out
            ),
            cpindex_status::InvalidValue
        );
        cpindex_distribution_free(d);
    }
}

#[test]
fn panic_boundary_still_reports() {
    assert_eq!(cpindex_debug_panic(), cpindex_status::Panic);
    assert!(last_message().contains("deliberate panic"));
}

/// The two-pass rank protocol over two partitions A = {1..5}, B = {6, 7, 8, 9, 100}:
/// returns the plan, the partitions' values, the first-round probes and their answers.
/// Over the 10 values: type-2 median = (5 + 6)/2 = 5.5 (Hyndman & Fan type 2, the average
/// of the 5th and 6th order statistics); Palma = top 10 % (100) / bottom 40 % (1+2+3+4 =
/// 10) = 10.
const PART_A: [f64; 5] = [1.0, 2.0, 3.0, 4.0, 5.0];
const PART_B: [f64; 5] = [6.0, 7.0, 8.0, 9.0, 100.0];
const RANK_QUERIES: [cpindex_rank_query; 2] = [
    cpindex_rank_query {
        kind: cpindex_rank_query_kind::QuantileType2 as u32,
        a: 0.5,
        b: 0.0,
    },
    cpindex_rank_query {
        kind: cpindex_rank_query_kind::Palma as u32,
        a: 0.0,
        b: 0.0,
    },
];

struct TwoPass {
    plan: *mut cpindex_rank_plan,
    parts: [*mut cpindex_rank_partition; 2],
    probes: Vec<cpindex_probe>,
    answers: Vec<f64>,
}

impl Drop for TwoPass {
    fn drop(&mut self) {
        unsafe {
            cpindex_rank_plan_free(self.plan);
            cpindex_rank_partition_free(self.parts[0]);
            cpindex_rank_partition_free(self.parts[1]);
        }
    }
}

fn two_pass() -> TwoPass {
    let mut parts = [null_mut(); 2];
    for (p, v) in parts.iter_mut().zip([&PART_A, &PART_B]) {
        let st = unsafe { cpindex_rank_partition_new(v.as_ptr(), null(), v.len(), 0, p) };
        assert_eq!(st, cpindex_status::Ok);
    }
    let mut plan = null_mut();
    let ptrs = [parts[0].cast_const(), parts[1].cast_const()];
    assert_eq!(
        unsafe { cpindex_rank_plan_new(ptrs.as_ptr(), 2, &mut plan) },
        cpindex_status::Ok
    );
    let mut probes = vec![
        cpindex_probe {
            partition: 0,
            kind: 0,
            arg: 0.0,
            offset_w: 0.0,
            offset_wx: 0.0
        };
        64
    ];
    let mut n = 0usize;
    let st = unsafe {
        cpindex_rank_plan_probes(
            plan,
            RANK_QUERIES.as_ptr(),
            2,
            probes.as_mut_ptr(),
            64,
            &mut n,
        )
    };
    assert_eq!(st, cpindex_status::Ok);
    probes.truncate(n);
    let mut answers = vec![0.0; 5 * n];
    for (k, pr) in probes.iter().enumerate() {
        let v = if pr.partition == 0 { &PART_A } else { &PART_B };
        let st = unsafe {
            cpindex_rank_answer_probes(
                v.as_ptr(),
                null(),
                5,
                0,
                pr,
                1,
                answers[5 * k..].as_mut_ptr(),
            )
        };
        assert_eq!(st, cpindex_status::Ok);
    }
    TwoPass {
        plan,
        parts,
        probes,
        answers,
    }
}

fn finish(
    t: &TwoPass,
    answers: &[f64],
    n_probes: usize,
) -> Result<[f64; 2], (cpindex_status, String)> {
    let mut out = [-7.0; 2];
    let st = unsafe {
        cpindex_rank_plan_finish(
            t.plan,
            RANK_QUERIES.as_ptr(),
            2,
            answers.as_ptr(),
            n_probes,
            out.as_mut_ptr(),
        )
    };
    if st == cpindex_status::Ok {
        Ok(out)
    } else {
        assert_eq!(out, [-7.0; 2], "out is written only on success");
        Err((st, last_message()))
    }
}

#[test]
fn rank_plan_finish_refuses_answers_it_cannot_have_been_given() {
    let t = two_pass();
    let n = t.probes.len();
    let ok = finish(&t, &t.answers, n).unwrap();
    close(ok[0], 5.5);
    close(ok[1], 10.0);
    // every double NaN (a lost serialisation): refused, naming the first, not NaN with OK
    let nan = vec![f64::NAN; t.answers.len()];
    let (st, m) = finish(&t, &nan, n).unwrap_err();
    assert_eq!(st, cpindex_status::InvalidArgument, "{m}");
    assert!(m.contains("`answers[0]`") && m.contains("NaN"), "{m}");
    // +inf in the cumulative value S_{k−1} of the second answer (doubles 5..10): answers[8]
    assert!(n >= 2, "{n} probes");
    let mut inf = t.answers.clone();
    inf[8] = f64::INFINITY;
    let (st, m) = finish(&t, &inf, n).unwrap_err();
    assert_eq!(st, cpindex_status::InvalidArgument, "{m}");
    assert!(m.contains("`answers[8]`") && m.contains("inf"), "{m}");
    // a negative cumulative weight C_k
    let mut neg = t.answers.clone();
    neg[4] = -1.0;
    let (st, m) = finish(&t, &neg, n).unwrap_err();
    assert_eq!(st, cpindex_status::InvalidArgument, "{m}");
    assert!(m.contains("`answers[4]`"), "{m}");
    // next_probes reads the answers the same way
    let mut buf_len = 0usize;
    let st = unsafe {
        cpindex_rank_plan_next_probes(
            t.plan,
            RANK_QUERIES.as_ptr(),
            2,
            nan.as_ptr(),
            n,
            null_mut(),
            0,
            &mut buf_len,
        )
    };
    assert_eq!(st, cpindex_status::InvalidArgument);
    assert!(last_message().contains("`answers[0]`"));
}

#[test]
fn rank_outputs_refuse_misaligned_pointers_and_name_n_probes() {
    let t = two_pass();
    let n = t.probes.len();
    // doubles one byte into an 8-aligned buffer
    let mut raw = vec![0u64; 6 * n + 1];
    let mis = unsafe { raw.as_mut_ptr().cast::<u8>().add(1) }.cast::<f64>();
    let pr = &t.probes[0];
    let v = if pr.partition == 0 { &PART_A } else { &PART_B };
    let st = unsafe { cpindex_rank_answer_probes(v.as_ptr(), null(), 5, 0, pr, 1, mis) };
    assert_eq!(st, cpindex_status::InvalidArgument);
    let m = last_message();
    assert!(m.contains("`out`") && m.contains("misaligned"), "{m}");
    let st = unsafe {
        cpindex_rank_plan_finish(t.plan, RANK_QUERIES.as_ptr(), 2, t.answers.as_ptr(), n, mis)
    };
    assert_eq!(st, cpindex_status::InvalidArgument);
    let m = last_message();
    assert!(m.contains("`out`") && m.contains("misaligned"), "{m}");
    assert!(raw.iter().all(|&b| b == 0), "nothing written");
    // 5 × n_probes overflows: the parameter is `n_probes`
    let (st, m) = finish(&t, &t.answers, usize::MAX / 2).unwrap_err();
    assert_eq!(st, cpindex_status::InvalidArgument);
    assert!(m.contains("`n_probes`"), "{m}");
}
