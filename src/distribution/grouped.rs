//! Inequality from grouped (published) data: quintile or decile income shares.

use crate::error::{Error, Result};

/// Gini from the income shares of equal-sized population groups, poorest first (e.g. the
/// five quintile shares or ten decile shares of a statistical yearbook, in percent or as
/// fractions).
///
/// The shares are divided by their sum (so 100.1 % from rounding is absorbed), turned into
/// Lorenz ordinates `L_k` at `p_k = k/K`, and the Lorenz curve is taken as linear between
/// them:
///
/// `G = 1 − Σ_k (p_k − p_{k−1}) (L_k + L_{k−1})`  (trapezoid rule).
///
/// This is a **lower bound** of the Gini of the underlying micro data: the true Lorenz
/// curve is convex and lies below its chords, so within-group inequality is ignored
/// (Cowell 2011 §5.4 and Technical Appendix on grouped data; World Bank PIP methodology
/// handbook, "Lorenz curves and grouped data", which fits parametric Lorenz curves instead
/// to recover the missing within-group part).
///
/// Errors: fewer than 2 groups; a NaN, infinite or negative share; shares that decrease
/// (not poorest first); a zero sum.
pub fn gini_from_shares(shares: &[f64]) -> Result<f64> {
    let k = shares.len();
    if k < 2 {
        return Err(Error::invalid_argument(
            "shares",
            format!("need at least 2 group shares, got {k}"),
        ));
    }
    let p: Vec<f64> = (1..=k).map(|i| i as f64 / k as f64).collect();
    let mut last = 0.0f64;
    for (i, &s) in shares.iter().enumerate() {
        if !(s.is_finite() && s >= 0.0) {
            return Err(Error::invalid_value(
                format!("shares[{i}]"),
                s,
                "as an income share (must be finite and ≥ 0)",
            ));
        }
        if s < last {
            return Err(Error::invalid_value(
                format!("shares[{i}]"),
                s,
                format!(
                    "after {last}: shares of equal-sized groups must be ordered poorest first \
                     (non-decreasing)"
                ),
            ));
        }
        last = s;
    }
    let total: f64 = shares.iter().sum();
    if total <= 0.0 {
        return Err(Error::invalid_value(
            "shares",
            total,
            "as the sum of the shares (must be > 0)",
        ));
    }
    let mut l = Vec::with_capacity(k);
    let mut c = 0.0;
    for &s in shares {
        c += s / total;
        l.push(c);
    }
    gini_from_lorenz(&p, &l)
}

/// Gini from Lorenz-curve points `(p_k, L_k)`, `k = 1..K`, by the trapezoid rule
/// `G = 1 − Σ_k (p_k − p_{k−1})(L_k + L_{k−1})` with `(p_0, L_0) = (0, 0)` implied
/// (a lower bound, see [`gini_from_shares`]). The last point should be `(1, 1)`.
///
/// Errors: mismatched lengths; empty input; non-finite points; `p` not strictly increasing
/// in (0, 1]; `L` outside [0, 1] or decreasing; last point not (1, 1) within 1e-9.
pub fn gini_from_lorenz(p: &[f64], l: &[f64]) -> Result<f64> {
    if p.len() != l.len() {
        return Err(Error::length_mismatch(
            "Lorenz ordinates vs population fractions",
            p.len(),
            l.len(),
        ));
    }
    if p.is_empty() {
        return Err(Error::Empty {
            context: "Lorenz points".into(),
        });
    }
    let (mut p0, mut l0) = (0.0f64, 0.0f64);
    let mut area2 = 0.0; // twice the area under the Lorenz curve
    for (i, (&pk, &lk)) in p.iter().zip(l).enumerate() {
        if !(pk.is_finite() && pk > p0 && pk <= 1.0 + 1e-12) {
            return Err(Error::invalid_value(
                format!("p[{i}]"),
                pk,
                "as a population fraction (must be finite, increasing, in (0, 1])",
            ));
        }
        if !(lk.is_finite() && lk >= l0 && lk <= 1.0 + 1e-12) {
            return Err(Error::invalid_value(
                format!("L[{i}]"),
                lk,
                "as a Lorenz ordinate (must be finite, non-decreasing, in [0, 1])",
            ));
        }
        area2 += (pk - p0) * (lk + l0);
        p0 = pk;
        l0 = lk;
    }
    if (p0 - 1.0).abs() > 1e-9 || (l0 - 1.0).abs() > 1e-9 {
        return Err(Error::invalid_argument(
            "p/L",
            format!("the last Lorenz point must be (1, 1), got ({p0}, {l0})"),
        ));
    }
    Ok(1.0 - area2)
}
