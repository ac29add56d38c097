//! Cancellation-free forms of the measures that have a limit case: GE(α) near α = 0 (the
//! mean log deviation) and α = 1 (Theil T), the Atkinson index near ε = 1 (one minus the
//! geometric mean over the mean) and the power mean near r = 0 (the geometric mean).
//!
//! The textbook forms `[(1/W) Σ wᵢ rᵢ^α − 1] / (α(α−1))` (Shorrocks 1980; Cowell 2011 §3.3),
//! `1 − [(1/W) Σ wᵢ rᵢ^(1−ε)]^(1/(1−ε))` (Atkinson 1970) and `[(1/W) Σ wᵢ xᵢ^r]^(1/r)`
//! (Hardy, Littlewood & Pólya 1952, §2.2–2.3) subtract 1 from a mean that tends to 1, or
//! raise it to a power that tends to infinity: with the parameter `d` at a distance `|d|`
//! from its limit the rounding of each term (relative 2⁻⁵³) is amplified by `1/|d|`, so
//! GE(10⁻¹⁵) came out 0.333 instead of 0.2125 and GE(0.1 + 0.2 − 0.3) came out −0.
//!
//! Within [`NEAR`] of the limit the same definitions are evaluated without the
//! subtraction, from `rᵢ^α − 1 = expm1(α ln rᵢ)` (and, near α = 1, from
//! `rᵢ^α − rᵢ = rᵢ·expm1((α−1) ln rᵢ)` with `Σ wᵢ rᵢ = W`), and the power from
//! `m^(1/d) = exp(log1p(m − 1)/d)`: these are exact rearrangements, accurate to a few ulps
//! whatever `d` is. Within [`SERIES`] of the limit (where `d·ln rᵢ` could lose bits to
//! underflow for a subnormal `d`) the second-order Taylor expansion in `d` is used; its
//! truncation error is `O(d²)` relative, below 10⁻¹⁶. Every form tends to the limit case
//! itself as `d → 0`, so the measures are continuous in the parameter to double precision.
//! Outside [`NEAR`] the textbook forms are used unchanged (GE(2), GE(0.5), A(0.5), A(2),
//! power means with r = ±1, 2, 0.5 give the same bits as before).

/// Distance from the limit (|α|, |α − 1|, |1 − ε|, |r|) within which the expm1/log1p forms
/// are used: 2⁻⁴. Outside it the textbook form loses at most about 16 ulps to cancellation.
pub(crate) const NEAR: f64 = 0.0625;

/// Distance from the limit within which the second-order expansion is used: 10⁻⁸ (its
/// truncation error, about `d²·E|ln r|³/6`, is below 10⁻¹⁶ relative there).
pub(crate) const SERIES: f64 = 1e-8;

/// How a parameter at distance `d` from its limit is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// The textbook form (|d| > [`NEAR`]).
    Plain,
    /// expm1/log1p (|d| ≤ [`NEAR`]).
    Expm1,
    /// Second-order expansion in `d` (0 < |d| < [`SERIES`]).
    Series,
}

/// The form for a parameter at distance `d` (≠ 0) from its limit.
pub(crate) fn form(d: f64) -> Form {
    if d.abs() < SERIES {
        Form::Series
    } else if d.abs() <= NEAR {
        Form::Expm1
    } else {
        Form::Plain
    }
}

/// `(m^(1/d))` for a mean `m = 1 + s` of `x^d` given `s = mean(expm1(d ln x))`:
/// `exp(log1p(s)/d)` — the power mean `M_d` relative to the scale the `x` were taken on
/// (Hardy, Littlewood & Pólya §2.3: `M_d → exp(mean ln x)` as `d → 0`).
pub(crate) fn root_of_mean(s: f64, d: f64) -> f64 {
    (s.ln_1p() / d).exp()
}

/// `ln M_d` from the first two moments of `L = ln x` for |d| < [`SERIES`]:
/// `ln M_d = (1/d) ln E[e^(dL)] = m₁ + d(m₂ − m₁²)/2 + O(d²)` (the cumulant expansion).
pub(crate) fn log_power_mean_series(m1: f64, m2: f64, d: f64) -> f64 {
    m1 + d * (m2 - m1 * m1) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_by_distance() {
        assert_eq!(form(0.5), Form::Plain);
        assert_eq!(form(-0.0625), Form::Expm1);
        assert_eq!(form(1e-8), Form::Expm1);
        assert_eq!(form(9.9e-9), Form::Series);
        assert_eq!(form(5e-324), Form::Series);
    }
}
