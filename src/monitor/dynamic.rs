//! The dynamic monitoring index (动态监测指数): one unit's composite over the years on
//! FIXED normalisation bounds, so that years are comparable, as a fixed-base index
//! (base year = 100) and a chained index, with the year-on-year change decomposed
//! exactly into indicator and dimension contributions.
//!
//! Normalisation is the AMPI rescaling of Mazziotta & Pareto (2016, Social Indicators
//! Research 127, doi:10.1007/s11205-015-0998-2; Compind `ci_ampi`):
//! r = 70 + 60·(x − (R − Δ))/(2Δ) = 100 + 30·(x − R)/Δ, here with the reference R = the
//! unit's baseline and the half-range Δ = |T − x₀| (the plan's own goalposts: baseline →
//! 100, target → 130), direction applied: r = 100 + 30·d·(x − x₀)/Δ, clipped to [70, 130]
//! by default. The bounds never change with the year, unlike min–max over each year's
//! sample. The composite is the weighted ARITHMETIC mean with the framework's
//! hierarchical weights, re-normalised over the available indicators (AMPI's
//! variability penalty is omitted so the change is additive).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::achievement::interval_score;
use super::aggregate::{Hierarchy, WeightCache};
use super::dynamic_table::{Change, DynamicBuilder};
use super::spec::GrowthInput;
use crate::error::{Error, Result};
use crate::model::{Framework, Indicator, Kind, Polarity};

/// AMPI-style rescaling on plan goalposts: 100 + 30·d·(x − x₀)/Δ with Δ = |T − x₀|
/// (Δ = |x₀|, or 1 when x₀ = 0, if the target equals the baseline), optionally clipped
/// to [70, 130]. NaN input gives NaN.
pub fn rescale_on_goalposts(x: f64, x0: f64, target: f64, higher: bool, clip: bool) -> f64 {
    if x.is_nan() || x0.is_nan() || target.is_nan() {
        return f64::NAN;
    }
    let mut delta = (target - x0).abs();
    if delta == 0.0 {
        delta = if x0 != 0.0 { x0.abs() } else { 1.0 };
    }
    let d = if higher { 1.0 } else { -1.0 };
    let r = 100.0 + 30.0 * d * (x - x0) / delta;
    if clip {
        r.clamp(70.0, 130.0)
    } else {
        r
    }
}

/// The rescaled series of one indicator of one unit (aligned with `periods`), and a note
/// when the indicator cannot enter the index.
///
/// What is rescaled, by kind: level-type and annual — x against x₀ → T; cumulative — the
/// running sum S_t (S = 0 at the base year) against 0 → T; growth rate held as levels —
/// the level against x₀ → x₀(1 + g)^{t_T − t₀}; growth rate held as annual rates — the
/// growth index Π(1 + g_k) against 1 → (1 + g)^{t_T − t₀}; interval — 100 + 30·(a_t − a₀)
/// with a the interval achievement. Indicators with no numeric target, or no baseline
/// value in the base year, are excluded (no fallback: the base must be the same year for
/// every indicator).
#[allow(clippy::too_many_arguments)]
pub fn rescaled_series(
    indicator: &Indicator,
    periods: &[i32],
    values: &[f64],
    base_year: i32,
    framework_target_year: i32,
    growth_input: GrowthInput,
    clip: bool,
) -> (Vec<f64>, Option<String>) {
    let mut out = Vec::with_capacity(periods.len());
    let note = rescaled_series_into(
        indicator,
        periods,
        values,
        base_year,
        framework_target_year,
        growth_input,
        clip,
        &mut out,
    );
    (out, note.map(Cow::into_owned))
}

/// [`rescaled_series`] into a reused buffer (monitoring keeps one per indicator for all
/// units); returns the note (a fixed text borrowed: no allocation per unit).
#[allow(clippy::too_many_arguments)]
pub(crate) fn rescaled_series_into(
    indicator: &Indicator,
    periods: &[i32],
    values: &[f64],
    base_year: i32,
    framework_target_year: i32,
    growth_input: GrowthInput,
    clip: bool,
    out: &mut Vec<f64>,
) -> Option<Cow<'static, str>> {
    out.clear();
    out.resize(periods.len(), f64::NAN);
    let higher = !matches!(indicator.polarity, Polarity::LowerIsBetter);
    let Some(bp) = periods.iter().position(|&y| y == base_year) else {
        return Some(format!("base year {base_year} not in the panel").into());
    };
    if let Polarity::Interval {
        lower,
        upper,
        tolerance_lower,
        tolerance_upper,
    } = indicator.polarity
    {
        let a = |x: f64| interval_score(x, lower, upper, tolerance_lower, tolerance_upper);
        let a0 = a(values[bp]);
        if a0.is_nan() {
            return Some(Cow::Borrowed("no base-year value"));
        }
        for (o, &x) in out.iter_mut().zip(values) {
            *o = 100.0 + 30.0 * (a(x) - a0);
        }
        return None;
    }
    let Some(target) = indicator.target else {
        return Some(Cow::Borrowed("no numeric target"));
    };
    let ty = indicator.target_year_or(framework_target_year);
    let n_years = f64::from(ty - base_year);
    if indicator.kind == Kind::GrowthRate && !higher && target > 0.0 {
        return Some(
            format!(
            "lower-is-better growth ceiling ({target}%): a ceiling has no baseline-to-target path"
        )
            .into(),
        );
    }
    match indicator.kind {
        Kind::Cumulative => {
            let mut sum = 0.0;
            let mut broken = false;
            for (k, &y) in periods.iter().enumerate() {
                if y < base_year {
                    continue;
                }
                if y > base_year {
                    if values[k].is_nan() || broken || periods[k - 1] != y - 1 {
                        broken = true;
                        continue;
                    }
                    sum += values[k];
                }
                out[k] = rescale_on_goalposts(sum, 0.0, target, higher, clip);
            }
            None
        }
        Kind::GrowthRate if growth_input == GrowthInput::AnnualRate => {
            let mut g = 1.0;
            let mut broken = false;
            let tgt = (1.0 + target / 100.0).powf(n_years);
            for (k, &y) in periods.iter().enumerate() {
                if y < base_year {
                    continue;
                }
                if y > base_year {
                    if values[k].is_nan() || broken || periods[k - 1] != y - 1 {
                        broken = true;
                        continue;
                    }
                    g *= 1.0 + values[k] / 100.0;
                }
                out[k] = rescale_on_goalposts(g, 1.0, tgt, higher, clip);
            }
            None
        }
        kind => {
            let x0 = values[bp];
            if x0.is_nan() {
                return Some(Cow::Borrowed("no base-year value"));
            }
            let t = if kind == Kind::GrowthRate {
                x0 * (1.0 + target / 100.0).powf(n_years)
            } else {
                target
            };
            let note = (t == x0).then_some(Cow::Borrowed("target equals baseline: Δ = |x₀| used"));
            for ((o, &y), &x) in out.iter_mut().zip(periods).zip(values) {
                if y >= base_year {
                    *o = rescale_on_goalposts(x, x0, t, higher, clip);
                }
            }
            note
        }
    }
}

/// One indicator's contribution to a year-on-year change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// Indicator or dimension id.
    pub id: super::Id,
    /// Weight in the matched composite (indicators only; for dimensions the sum).
    pub weight: f64,
    /// Points of composite change: w_j·(r_jt − r_j,t−1); these add up exactly to the
    /// matched composite change.
    pub points: f64,
    /// Percentage points of the chain link's growth: 100·points / C_{t−1}; these add up
    /// to 100·(link − 1).
    pub growth_pct: f64,
}

/// The decomposed change from the previous panel period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearChange {
    /// The previous period.
    pub from_year: i32,
    /// Composite of the previous year over the indicators available in both years.
    pub matched_from: f64,
    /// Composite of this year over the same indicators and weights.
    pub matched_to: f64,
    /// The chain link matched_to / matched_from.
    pub link: f64,
    /// Indicator contributions (matched indicators, framework order).
    pub indicators: Vec<Contribution>,
    /// Top-level dimension contributions (sums of their indicators').
    pub dimensions: Vec<Contribution>,
    /// Indicators left out of this link (missing in either year; shared ids).
    pub excluded: Vec<super::Id>,
}

/// One year of the dynamic index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DynamicYear {
    /// Year.
    pub year: i32,
    /// Composite of the rescaled values (base year ≈ 100), over the indicators available
    /// that year with re-normalised weights.
    pub composite: Option<f64>,
    /// Fixed-base index 100·C_t/C_base.
    pub fixed_base_index: Option<f64>,
    /// Chained index: 100 at the base, times each year's matched link.
    pub chained_index: Option<f64>,
    /// Change from the previous period, decomposed.
    pub change: Option<YearChange>,
    /// Indicators missing this year (shared ids: no copy of the string per record).
    pub missing: Vec<super::Id>,
}

/// The dynamic monitoring index of one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DynamicIndex {
    /// Unit id.
    pub unit: super::Id,
    /// Base year (= 100).
    pub base_year: i32,
    /// From the base year on.
    pub years: Vec<DynamicYear>,
    /// Indicators excluded from the index, with the reason.
    pub excluded: Vec<(String, String)>,
}

/// The dynamic index of one unit from rescaled series (`rescaled[j][p]`, aligned with
/// `framework.indicators` and `periods`, NaN = missing or excluded).
///
/// Chain links: L_t = C^m_t / C^m_{t−1}, both over the indicators available in both
/// periods with the same re-normalised weights; chained I_t = I_{t−1}·L_t. With complete
/// data the chained and fixed-base indices coincide.
pub fn dynamic_index(
    framework: &Framework,
    unit: &str,
    periods: &[i32],
    rescaled: &[Vec<f64>],
    base_year: i32,
) -> Result<DynamicIndex> {
    dynamic_index_in(
        &Hierarchy::new(framework),
        framework,
        unit,
        periods,
        rescaled,
        base_year,
    )
}

/// [`dynamic_index`] with a pre-built [`Hierarchy`] of the same framework (monitoring
/// indexes the framework's tree once for all units).
pub fn dynamic_index_in(
    h: &Hierarchy,
    framework: &Framework,
    unit: &str,
    periods: &[i32],
    rescaled: &[Vec<f64>],
    base_year: i32,
) -> Result<DynamicIndex> {
    dynamic_index_detail(h, framework, unit, periods, rescaled, base_year, true)
}

/// [`dynamic_index_in`]; without `breakdown` the per-year lists are left empty (the
/// indicator and dimension contributions of each change, the indicators excluded from a
/// link, the indicators missing in a year) — every number is the same. At national scale
/// the contributions are 2.6 million records that a report table does not show.
pub(crate) fn dynamic_index_detail(
    h: &Hierarchy,
    framework: &Framework,
    unit: &str,
    periods: &[i32],
    rescaled: &[Vec<f64>],
    base_year: i32,
    breakdown: bool,
) -> Result<DynamicIndex> {
    let mut b = DynamicBuilder::new(h, framework.indicators.len(), framework.dimensions.len());
    let code = b.code(&super::Id::new(unit));
    dynamic_into(
        h,
        framework,
        code,
        periods,
        rescaled,
        base_year,
        breakdown,
        &mut WeightCache::default(),
        &mut b,
    )?;
    Ok(b.finish().record(0))
}

/// Computes the dynamic index of one unit (`unit`: its code in `out`) into `out` (see
/// [`dynamic_index_detail`]); on error nothing is written.
#[allow(clippy::too_many_arguments)]
pub(crate) fn dynamic_into(
    h: &Hierarchy,
    framework: &Framework,
    unit: u32,
    periods: &[i32],
    rescaled: &[Vec<f64>],
    base_year: i32,
    breakdown: bool,
    weights: &mut WeightCache,
    out: &mut DynamicBuilder,
) -> Result<()> {
    let n = framework.indicators.len();
    if rescaled.len() != n {
        return Err(Error::length_mismatch(
            "rescaled series vs framework indicators",
            n,
            rescaled.len(),
        ));
    }
    for (j, s) in rescaled.iter().enumerate() {
        if s.len() != periods.len() {
            return Err(Error::length_mismatch(
                format!(
                    "rescaled series of `{}` vs periods",
                    framework.indicators[j].id
                ),
                periods.len(),
                s.len(),
            ));
        }
    }
    let bp = periods
        .iter()
        .position(|&y| y == base_year)
        .ok_or_else(|| {
            Error::invalid_argument("base_year", format!("{base_year} is not a panel period"))
        })?;
    // top-level dimensions (positions in `framework.dimensions`) with their indicators
    let tops: Vec<usize> = framework
        .dimensions
        .iter()
        .enumerate()
        .filter(|(_, d)| d.parent.is_none())
        .map(|(k, _)| k)
        .collect();
    // one availability and one weight buffer for every year
    let mut avail = vec![false; n];
    let mut w = vec![0.0; n];
    // the indicators with a positive weight, ascending: found once per weighting and
    // summed over in that order (the same sums, term by term, as filtering every time)
    let mut active: Vec<usize> = Vec::with_capacity(n);
    let composite = |p: usize,
                     avail: &mut [bool],
                     w: &mut [f64],
                     active: &mut Vec<usize>,
                     weights: &mut WeightCache|
     -> Option<f64> {
        for (a, s) in avail.iter_mut().zip(rescaled) {
            *a = !s[p].is_nan();
        }
        weights.weights_into(h, avail, w);
        active.clear();
        active.extend((0..n).filter(|&j| w[j] > 0.0));
        (!active.is_empty()).then(|| active.iter().map(|&j| w[j] * rescaled[j][p]).sum())
    };
    let c_base = composite(bp, &mut avail, &mut w, &mut active, weights);
    out.begin(unit, base_year);
    let mut chained = Some(100.0);
    for p in bp..periods.len() {
        // the base year's composite is `c_base` (computed once)
        let c = if p == bp {
            for (a, s) in avail.iter_mut().zip(rescaled) {
                *a = !s[p].is_nan();
            }
            c_base
        } else {
            composite(p, &mut avail, &mut w, &mut active, weights)
        };
        if breakdown {
            (0..n).filter(|&j| !avail[j]).for_each(|j| out.missing(j));
        }
        let mut change = None;
        if p > bp {
            for (j, a) in avail.iter_mut().enumerate() {
                *a = !rescaled[j][p].is_nan() && !rescaled[j][p - 1].is_nan();
            }
            weights.weights_into(h, &avail, &mut w);
            active.clear();
            active.extend((0..n).filter(|&j| w[j] > 0.0));
            if !active.is_empty() {
                let from: f64 = active.iter().map(|&j| w[j] * rescaled[j][p - 1]).sum();
                let to: f64 = active.iter().map(|&j| w[j] * rescaled[j][p]).sum();
                if breakdown {
                    for &j in &active {
                        let pts = w[j] * (rescaled[j][p] - rescaled[j][p - 1]);
                        out.contribution(j, w[j], pts, 100.0 * pts / from);
                    }
                    for &k in &tops {
                        let members = || h.members(k).iter().copied().filter(|&j| w[j] > 0.0);
                        if members().next().is_none() {
                            continue;
                        }
                        let pts: f64 = members()
                            .map(|j| w[j] * (rescaled[j][p] - rescaled[j][p - 1]))
                            .sum();
                        out.dimension_contribution(
                            n + k,
                            members().map(|j| w[j]).sum(),
                            pts,
                            100.0 * pts / from,
                        );
                    }
                    (0..n)
                        .filter(|&j| !avail[j])
                        .for_each(|j| out.excluded_from_link(j));
                }
                let link = to / from;
                chained = chained.map(|c| c * link);
                change = Some(Change {
                    from_year: periods[p - 1],
                    matched_from: from,
                    matched_to: to,
                    link,
                });
            } else {
                chained = None;
            }
        }
        let fixed = match (c, c_base) {
            (Some(_), Some(_)) if p == bp => Some(100.0),
            (Some(c), Some(b)) if b != 0.0 => Some(100.0 * c / b),
            _ => None,
        };
        out.end_year(periods[p], c, fixed, chained, change);
    }
    Ok(())
}
