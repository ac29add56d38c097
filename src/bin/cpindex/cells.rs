//! What a dashboard cell displays: the figure the target judges, written so that the
//! printed figure and the cell's colour never contradict each other. Shared by every
//! output that shows a cell (HTML, terminal table, CSV/xlsx): one rule, one place.
//!
//! **The figure judged.** A cell shows the quantity the library compares with the target
//! ([`cpindex::evaluate::CellTable::measured`]): the level for level-type targets, the
//! running sum since the base year for a five-year total (五年累计), the compound average
//! growth rate since the baseline for a growth target (年均增长), the year's value for an
//! annual target. It is labelled with what it is ([`Basis`]).
//!
//! **Rounding toward "not met".** A figure is rounded in the direction that does not
//! meet the target: down for higher-is-better, up for lower-is-better, away from a
//! target band when outside it and towards its inside when inside. The precision is the
//! usual one for the magnitude (as [`crate::view::fmt_value`]) refined to the target's
//! own decimals (at most two more). So a displayed figure meets the displayed target
//! exactly when the exact figure does, i.e. exactly when the cell is green: 2499.97 亿元
//! against ≥ 2500 prints `2499.9`, never `2500`. The achievement percentage is cut (not
//! rounded) to one decimal, so 99.997% prints `99.9%`, and it passes the yellow and
//! orange thresholds (SDSN dashboard thresholds, Sachs et al., *Sustainable Development
//! Report*, methodology: 90% / 75% of the target by default) exactly when the exact
//! figure does. Rounding is cpindex's rule (docs/monitoring.md, "What the report shows");
//! SDSN publishes its thresholds, not a display rule.

use cpindex::evaluate::Evaluation;
use cpindex::model::{Framework, Kind, Polarity, TargetForm};
use cpindex::monitor::ScheduleStatus;

use crate::view::Colour;

/// Direction of rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Towards −∞.
    Down,
    /// Towards +∞.
    Up,
    /// To the nearest.
    Nearest,
}

/// What the figure of a cell is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The level in the report year.
    Level,
    /// The running sum of yearly flows since `from` (a five-year total).
    RunningSum,
    /// The compound average growth rate in % since `from` (the baseline year).
    AverageGrowth,
    /// The value of the report year (an annual target, a growth rate or flow judged by a
    /// same-year relative target alone, or a cell not assessed).
    YearValue,
}

/// A dashboard cell as displayed.
#[derive(Debug, Clone, PartialEq)]
pub struct CellDisplay {
    /// The figure judged (the year's value when not assessed); NaN never: `None`.
    pub figure: Option<f64>,
    /// The figure as printed (rounded toward "not met"), `–` when none.
    pub figure_text: String,
    /// What the figure is.
    pub basis: Basis,
    /// The year the figure starts from (running sum, average growth).
    pub from: Option<i32>,
    /// Achievement (实现度) as printed: cut to one decimal, `–` when not assessed.
    pub achievement_text: String,
    /// Dashboard colour (the library's).
    pub colour: Colour,
    /// Schedule status 时间过半、任务过半 (the library's).
    pub schedule: ScheduleStatus,
    /// An annual target's record, `2/3` (years met / years observed): it is green only
    /// when met every year, whatever this year's figure.
    pub record_text: Option<String>,
}

/// The smallest number of decimals (≤ `cap`) at which `x` is exact up to 1e-9 of a unit
/// of its last digit.
pub fn decimals_of(x: f64, cap: usize) -> usize {
    if !x.is_finite() {
        return 0;
    }
    for d in 0..=cap {
        let s = x * 10f64.powi(d as i32);
        if (s - s.round()).abs() <= 1e-9 * s.abs().max(1.0) {
            return d;
        }
    }
    cap
}

/// The usual decimals for a magnitude: 0 from 1000, 1 from 100, 2 from 10, 3 below.
pub fn magnitude_decimals(v: f64) -> usize {
    let a = v.abs();
    if a >= 1000.0 {
        0
    } else if a >= 100.0 {
        1
    } else if a >= 10.0 {
        2
    } else {
        3
    }
}

/// `v` rounded to `d` decimals in direction `r`. A value within 1e-9 of a unit of the
/// last digit from a grid point is that grid point (binary floating point: 0.1 · 3).
pub fn round_to(v: f64, d: usize, r: Rounding) -> f64 {
    let p = 10f64.powi(d as i32);
    let s = v * p;
    let near = s.round();
    let s = if (s - near).abs() <= 1e-9 * s.abs().max(1.0) {
        near
    } else {
        match r {
            Rounding::Down => s.floor(),
            Rounding::Up => s.ceil(),
            Rounding::Nearest => near,
        }
    };
    s / p
}

/// Appends `v` with exactly `d` decimals, the same text as `format!("{v:.d$}")`.
///
/// The figures printed here are grid points (what [`round_to`] returns): when v·10^d is
/// within 1e-6 of an integer k with |k| < 2^50, the exact binary value of `v` times
/// 10^d rounds to k as well, so the text is k with the decimal point set — written
/// directly, without the float formatter (two such texts per dashboard cell, 290,000
/// cells at national scale). Anything else goes through `format!`.
pub fn push_fixed(out: &mut String, v: f64, d: usize) {
    use std::fmt::Write as _;
    const LIMIT: f64 = (1u64 << 50) as f64;
    if d <= 9 && v.is_finite() {
        let scaled = v * 10f64.powi(d as i32);
        let k = scaled.round();
        if k.abs() < LIMIT && (scaled - k).abs() <= 1e-6 {
            let a = k.abs() as u64;
            if v.is_sign_negative() {
                out.push('-');
            }
            let p = 10u64.pow(d as u32);
            let _ = write!(out, "{}", a / p);
            if d > 0 {
                let _ = write!(out, ".{:0d$}", a % p);
            }
            return;
        }
    }
    let _ = write!(out, "{v:.d$}");
}

/// `v` with exactly `d` decimals, trailing zeros (and a bare point) removed.
pub fn fixed(v: f64, d: usize) -> String {
    let mut s = String::with_capacity(24);
    push_fixed(&mut s, v, d);
    if s.contains('.') {
        let kept = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(kept);
    }
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// The rounding direction that does not meet the target: down for higher-is-better, up
/// for lower-is-better; for a band `[lo, hi]` (an interval polarity or an "about"
/// target) away from the band outside it and towards its inside within it.
pub fn direction(v: f64, polarity: &Polarity, band: Option<(f64, f64)>) -> Rounding {
    let band = match polarity {
        Polarity::Interval { lower, upper, .. } => Some((*lower, *upper)),
        _ => band,
    };
    if let Some((lo, hi)) = band {
        // down below the band, and inside it when nearer the upper edge; up otherwise
        let down = v < lo || (v <= hi && v - lo >= hi - v);
        return if down { Rounding::Down } else { Rounding::Up };
    }
    match polarity {
        Polarity::HigherIsBetter => Rounding::Down,
        Polarity::LowerIsBetter => Rounding::Up,
        Polarity::Interval { .. } | Polarity::Binary => Rounding::Nearest,
    }
}

/// A judged figure as printed: the magnitude's decimals refined to the target's (at most
/// two more), rounded toward "not met" ([`direction`]). NaN prints `–`.
pub fn judged_text(v: f64, polarity: &Polarity, form: &TargetForm, target: Option<f64>) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let base = magnitude_decimals(v);
    let mut d = base;
    let band = match (form, target) {
        (TargetForm::About { tolerance }, Some(t)) => Some((t - tolerance, t + tolerance)),
        _ => None,
    };
    // the target, the band's edges and the interval's edges (no list: one per cell)
    let interval = match polarity {
        Polarity::Interval { lower, upper, .. } => Some((*lower, *upper)),
        _ => None,
    };
    let marks = [target, band.map(|b| b.0), band.map(|b| b.1)]
        .into_iter()
        .chain([interval.map(|b| b.0), interval.map(|b| b.1)])
        .flatten();
    for m in marks {
        d = d.max(decimals_of(m, base + 2));
    }
    fixed(round_to(v, d, direction(v, polarity, band)), d)
}

/// An achievement percentage as printed: cut (rounded down) to one decimal — or to the
/// decimals of the colour thresholds given in percent, when they need more — with `%`;
/// NaN prints `–`.
pub fn achievement_text(pct: f64, thresholds_pct: &[f64]) -> String {
    if !pct.is_finite() {
        return "–".into();
    }
    let d = thresholds_pct
        .iter()
        .map(|t| decimals_of(*t, 4))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut s = String::with_capacity(16);
    push_fixed(&mut s, round_to(pct, d, Rounding::Down), d);
    s.push('%');
    s
}

/// The display of cell `k` of an evaluation.
pub fn cell_display(fw: &Framework, ev: &Evaluation, k: usize) -> CellDisplay {
    let c = &ev.cells;
    let ind = &fw.indicators[c.indicator[k] as usize];
    let measured = c.measured.get(k).copied().flatten();
    let value = Some(c.value[k]).filter(|x| x.is_finite());
    let (figure, basis) = match measured {
        Some(m) => (
            Some(m),
            match ind.kind {
                // a same-year relative target alone judges the year's own value
                Kind::Cumulative | Kind::GrowthRate if ind.judged_by_year_value(c.target[k]) => {
                    Basis::YearValue
                }
                Kind::Cumulative => Basis::RunningSum,
                Kind::GrowthRate => Basis::AverageGrowth,
                Kind::Annual => Basis::YearValue,
                Kind::Level | Kind::Share | Kind::Count | Kind::Coverage => Basis::Level,
            },
        ),
        None => (value, Basis::YearValue),
    };
    let from = match basis {
        Basis::RunningSum | Basis::AverageGrowth => c.measured_from.get(k).copied().flatten(),
        Basis::Level | Basis::YearValue => None,
    };
    let ms = &ev.spec.monitor.dashboard;
    CellDisplay {
        figure,
        figure_text: judged_text(
            figure.unwrap_or(f64::NAN),
            &ind.polarity,
            &ind.target_form,
            c.target[k],
        ),
        basis,
        from,
        achievement_text: achievement_text(
            c.achievement[k].unwrap_or(f64::NAN),
            &[100.0 * ms.score_yellow, 100.0 * ms.score_orange],
        ),
        colour: crate::fill::colour_of(c.colour[k]),
        schedule: c
            .schedule
            .get(k)
            .copied()
            .unwrap_or(ScheduleStatus::NotAssessable),
        record_text: c
            .years_met
            .get(k)
            .copied()
            .flatten()
            .map(|[m, n]| format!("{m}/{n}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HI: Polarity = Polarity::HigherIsBetter;
    const LO: Polarity = Polarity::LowerIsBetter;
    const T: TargetForm = TargetForm::Threshold;

    #[test]
    fn a_figure_never_prints_as_meeting_a_target_it_misses() {
        // 2499.97 < 2500: down at 0 decimals gives 2499, not the nearest 2500
        assert_eq!(judged_text(2499.97, &HI, &T, Some(2500.0)), "2499");
        assert_eq!(judged_text(2500.0, &HI, &T, Some(2500.0)), "2500");
        // lower is better: 1.7004 > 1.7 rounds up to 1.701 (3 decimals below 10)
        assert_eq!(judged_text(1.7004, &LO, &T, Some(1.7)), "1.701");
        assert_eq!(judged_text(1.6999, &LO, &T, Some(1.7)), "1.7");
        // the target's decimals refine the grid: 1234.56 vs ≥ 1234.6 needs one decimal
        assert_eq!(judged_text(1234.56, &HI, &T, Some(1234.6)), "1234.5");
        // 9.98182 % average growth against 10 %: 9.981, not 9.982 nor 10
        assert_eq!(judged_text(9.981_82, &HI, &T, Some(10.0)), "9.981");
        // binary floating point on the grid is the grid point: 0.1·3 prints 0.3
        assert_eq!(judged_text(0.1 * 3.0, &HI, &T, Some(0.3)), "0.3");
        assert_eq!(judged_text(f64::NAN, &HI, &T, None), "–");
    }

    #[test]
    fn bands_round_away_outside_and_inward_inside() {
        // about 100 ± 5: 94.9996 is outside (below 95) → down to 94.99 (2 decimals)
        let about = TargetForm::About { tolerance: 5.0 };
        assert_eq!(judged_text(94.9996, &HI, &about, Some(100.0)), "94.99");
        // 105.0004 is above 105 → up: 105.1 at one decimal
        assert_eq!(judged_text(105.0004, &HI, &about, Some(100.0)), "105.1");
        // inside near the lower edge → up, stays inside
        assert_eq!(judged_text(95.0004, &HI, &about, Some(100.0)), "95.01");
        let band = Polarity::Interval {
            lower: 2.0,
            upper: 3.0,
            tolerance_lower: 1.0,
            tolerance_upper: 4.0,
        };
        assert_eq!(judged_text(3.0004, &band, &T, None), "3.001");
        assert_eq!(judged_text(2.9996, &band, &T, None), "2.999");
    }

    #[test]
    fn fixed_text_is_the_float_formatters() {
        // independent reference: std's formatter, on grid points and on arbitrary values
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut checked = 0;
        for i in 0..200_000 {
            let bits = next();
            let d = (bits % 6) as usize;
            let mag = 10f64.powi((bits >> 8) as i32 % 12 - 3);
            let x = ((bits >> 20) as f64 / (1u64 << 44) as f64 - 0.5) * mag;
            // half the cases on the grid, as the report passes them
            let v = if i % 2 == 0 {
                round_to(x, d, Rounding::Down)
            } else {
                x
            };
            let mut got = String::new();
            push_fixed(&mut got, v, d);
            assert_eq!(got, format!("{v:.d$}"), "{v:e} at {d} decimals");
            checked += 1;
        }
        for v in [
            0.0,
            -0.0,
            0.05,
            -0.05,
            0.15,
            2.5,
            -2.5,
            1e15,
            99.95,
            1e-7,
            f64::NAN,
        ] {
            for d in 0..=4 {
                let mut got = String::new();
                push_fixed(&mut got, v, d);
                assert_eq!(got, format!("{v:.d$}"), "{v:e} at {d} decimals");
            }
        }
        assert_eq!(checked, 200_000);
    }

    #[test]
    fn achievement_is_cut_not_rounded() {
        // the case: 99.997 % is not met and must not print as 100.0 %
        assert_eq!(achievement_text(99.997, &[90.0, 75.0]), "99.9%");
        assert_eq!(achievement_text(100.0, &[90.0, 75.0]), "100.0%");
        // 89.96 % is below the 90 % yellow threshold: it prints 89.9 %, not 90.0 %
        assert_eq!(achievement_text(89.96, &[90.0, 75.0]), "89.9%");
        // thresholds with two decimals in percent (0.9025) refine the grid
        assert_eq!(achievement_text(90.249, &[90.25]), "90.24%");
        assert_eq!(achievement_text(f64::NAN, &[]), "–");
    }
}
