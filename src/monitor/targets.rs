//! Distribution targets computed from data: the urban–rural income ratio (城乡居民收入
//! 倍差) from the two per-capita disposable income series, and the max/min ratio of the
//! counties' per-capita disposable income (各县(市、区)人均可支配收入最高最低倍差) with the
//! counties at either end.
//!
//! Definitions follow NBS practice: 城乡居民收入比 = urban per-capita disposable income /
//! rural per-capita disposable income (NBS 全面建成小康社会统计监测指标体系: 城乡居民收入比
//! ≤ 2.8; methods-reference b.6). The shares of households in the 10–50万元 and 20–60万元
//! annual disposable-income bands are weighted population shares over `[lower, upper)`
//! ([`household_band_shares`], over
//! [`crate::distribution::Distribution::share_in_band`]).

use serde::{Deserialize, Serialize};

use crate::data::Panel;
use crate::distribution::{BandRule, Distribution};
use crate::error::{Error, Result};

/// The weighted share of households in each income band `[lower, upper)` (annual household
/// disposable income, in the unit of `incomes`; e.g. 10–50万元 = `(100_000.0, 500_000.0)`
/// in yuan), one share in [0, 1] per band: Σ_{lower ≤ xᵢ < upper} wᵢ / Σ wᵢ (plan 目标:
/// 家庭年可支配收入10万—50万元群体比例; half-open bands so that adjacent bands partition
/// the households, as [`BandRule::HalfOpen`] documents).
///
/// Errors (from [`Distribution::new`] and [`Distribution::share_in_band`]): empty input,
/// NaN/±inf incomes, bad or mismatched weights, a band with `lower > upper` or NaN ends.
pub fn household_band_shares(
    incomes: &[f64],
    weights: Option<&[f64]>,
    bands: &[(f64, f64)],
) -> Result<Vec<f64>> {
    let d = Distribution::new(incomes, weights)?;
    bands
        .iter()
        .map(|&(lo, hi)| d.share_in_band(lo, hi, BandRule::HalfOpen))
        .collect()
}

/// Which household income the middle-income band shares (10–50万元, 20–60万元) classify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BandIncome {
    /// The household's actual annual disposable income, whatever its size. Default.
    #[default]
    Actual,
    /// The income of a typical three-person household at the same per-capita income:
    /// 3 × income / household size (NBS's middle-income definition, 典型三口之家年收入
    /// 10–50万元, i.e. a per-capita income of 3.33–16.7万元). A one-person household with
    /// 5万元 counts as 15万元; a five-person household with 40万元 as 24万元.
    ThreePersonEquivalent,
}

/// The incomes classified by the band shares under `basis`: the actual incomes, or
/// 3·incomeᵢ/sizeᵢ ([`BandIncome::ThreePersonEquivalent`]).
///
/// Errors: sizes missing for the three-person basis, lengths differing, a size that is
/// not finite and ≥ 1 (naming the position).
pub fn band_incomes(incomes: &[f64], sizes: Option<&[f64]>, basis: BandIncome) -> Result<Vec<f64>> {
    match basis {
        BandIncome::Actual => Ok(incomes.to_vec()),
        BandIncome::ThreePersonEquivalent => {
            let Some(sizes) = sizes else {
                return Err(Error::invalid_argument(
                    "household sizes",
                    "the three-person-equivalent band income needs each household's size",
                ));
            };
            if sizes.len() != incomes.len() {
                return Err(Error::length_mismatch(
                    "household sizes vs incomes",
                    incomes.len(),
                    sizes.len(),
                ));
            }
            incomes
                .iter()
                .zip(sizes)
                .enumerate()
                .map(|(k, (&x, &n))| {
                    if !(n.is_finite() && n >= 1.0) {
                        return Err(Error::invalid_value(
                            format!("household size at position {k}"),
                            n,
                            "(must be a finite number ≥ 1)",
                        ));
                    }
                    Ok(3.0 * x / n)
                })
                .collect()
        }
    }
}

/// Element-wise ratio `numerator / denominator` of two aligned series (urban / rural
/// income). A NaN on either side gives `None` for that element (missing stays missing,
/// never a number).
///
/// Errors: length mismatch; ±inf; a denominator ≤ 0 or a negative numerator (an income
/// ratio needs positive incomes), naming the position.
pub fn income_ratio(numerator: &[f64], denominator: &[f64]) -> Result<Vec<Option<f64>>> {
    if numerator.len() != denominator.len() {
        return Err(Error::length_mismatch(
            "numerator vs denominator series",
            numerator.len(),
            denominator.len(),
        ));
    }
    numerator
        .iter()
        .zip(denominator)
        .enumerate()
        .map(|(k, (&a, &b))| {
            if a.is_infinite() || b.is_infinite() {
                return Err(Error::invalid_value(
                    format!("income series position {k}"),
                    if a.is_infinite() { a } else { b },
                    "(infinite)",
                ));
            }
            if a.is_nan() || b.is_nan() {
                return Ok(None);
            }
            if b <= 0.0 {
                return Err(Error::invalid_value(
                    format!("denominator (rural income) at position {k}"),
                    b,
                    "as the denominator of an income ratio (must be positive)",
                ));
            }
            if a < 0.0 {
                return Err(Error::invalid_value(
                    format!("numerator (urban income) at position {k}"),
                    a,
                    "in an income ratio (must be non-negative)",
                ));
            }
            Ok(Some(a / b))
        })
        .collect()
}

/// The urban–rural income ratio of one unit for every panel period, from the panel's
/// urban and rural income indicators: `(year, ratio)` pairs.
pub fn urban_rural_income_ratio(
    panel: &Panel,
    unit: &str,
    urban_indicator: &str,
    rural_indicator: &str,
) -> Result<Vec<(i32, Option<f64>)>> {
    let u = panel.require_unit(unit)?;
    let a = panel.series(u, panel.require_indicator(urban_indicator)?);
    let b = panel.series(u, panel.require_indicator(rural_indicator)?);
    let r = income_ratio(&a, &b).map_err(|e| match e {
        Error::InvalidValue {
            context,
            value,
            reason,
        } => Error::InvalidValue {
            context: format!("unit `{unit}`, {context}"),
            value,
            reason,
        },
        other => other,
    })?;
    Ok(panel.periods().iter().copied().zip(r).collect())
}

/// The max/min ratio of a set of units' values, with which unit is max and min.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaxMinRatio {
    /// max / min.
    pub ratio: f64,
    /// Unit with the highest value (first in order on ties).
    pub max_unit: String,
    /// The highest value.
    pub max_value: f64,
    /// Unit with the lowest value (first in order on ties).
    pub min_unit: String,
    /// The lowest value.
    pub min_value: f64,
    /// Units used.
    pub n_used: usize,
    /// Units with a missing value (left out, listed).
    pub missing: Vec<String>,
}

/// Max/min ratio over `values` labelled by `units` (NaN = missing, left out and listed).
///
/// Errors: length mismatch; ±inf; a value ≤ 0 (incomes must be positive); fewer than two
/// non-missing values ([`Error::Empty`]).
pub fn max_min_ratio(units: &[String], values: &[f64]) -> Result<MaxMinRatio> {
    if units.len() != values.len() {
        return Err(Error::length_mismatch(
            "units vs values",
            units.len(),
            values.len(),
        ));
    }
    let mut used: Vec<(usize, f64)> = Vec::new();
    let mut missing = Vec::new();
    for (k, (&v, u)) in values.iter().zip(units).enumerate() {
        if v.is_nan() {
            missing.push(u.clone());
            continue;
        }
        if v.is_infinite() || v <= 0.0 {
            return Err(Error::invalid_value(
                format!("unit `{u}`"),
                v,
                "in a max/min income ratio (must be positive and finite)",
            ));
        }
        used.push((k, v));
    }
    if used.len() < 2 {
        return Err(Error::Empty {
            context: "max/min ratio (needs at least two units with data)".into(),
        });
    }
    let mut mx = used[0];
    let mut mn = used[0];
    for &(k, v) in &used[1..] {
        if v > mx.1 {
            mx = (k, v);
        }
        if v < mn.1 {
            mn = (k, v);
        }
    }
    Ok(MaxMinRatio {
        ratio: mx.1 / mn.1,
        max_unit: units[mx.0].clone(),
        max_value: mx.1,
        min_unit: units[mn.0].clone(),
        min_value: mn.1,
        n_used: used.len(),
        missing,
    })
}

/// The county max/min ratio of a panel indicator in one year, over `units` (`None` = all
/// panel units).
pub fn county_max_min_ratio(
    panel: &Panel,
    indicator: &str,
    year: i32,
    units: Option<&[String]>,
) -> Result<MaxMinRatio> {
    let i = panel.require_indicator(indicator)?;
    let p = panel.require_period(year)?;
    let ids: Vec<String> = match units {
        Some(u) => u.to_vec(),
        None => panel.units().to_vec(),
    };
    let mut vals = Vec::with_capacity(ids.len());
    for u in &ids {
        vals.push(panel.get(panel.require_unit(u)?, p, i));
    }
    max_min_ratio(&ids, &vals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_person_equivalent_band_income() {
        // 5万 for one person → 15万 (in 10–50万); 40万 for five → 24万 (in both bands);
        // 12万 for three → 12万; 60万 for two → 90万 (in neither).
        // Actual: 5万 none, 40万 both, 12万 10–50 only, 60万 none → shares 2/4, 1/4.
        // Three-person: 15万 10–50, 24万 both, 12万 10–50, 90万 none → 3/4, 1/4.
        let x = [50_000.0, 400_000.0, 120_000.0, 600_000.0];
        let n = [1.0, 5.0, 3.0, 2.0];
        let bands = [(100_000.0, 500_000.0), (200_000.0, 600_000.0)];
        let e = band_incomes(&x, Some(&n), BandIncome::ThreePersonEquivalent).unwrap();
        assert_eq!(e, vec![150_000.0, 240_000.0, 120_000.0, 900_000.0]);
        let s = household_band_shares(&e, None, &bands).unwrap();
        assert_eq!(s, vec![0.75, 0.25]);
        let a = band_incomes(&x, Some(&n), BandIncome::Actual).unwrap();
        assert_eq!(
            household_band_shares(&a, None, &bands).unwrap(),
            vec![0.5, 0.25]
        );
        assert!(band_incomes(&x, None, BandIncome::ThreePersonEquivalent).is_err());
        assert!(band_incomes(
            &x,
            Some(&[1.0, 0.0, 3.0, 2.0]),
            BandIncome::ThreePersonEquivalent
        )
        .is_err());
    }

    #[test]
    fn band_shares_by_hand() {
        // incomes (yuan) and weights; bands 10–50万 and 20–60万, [lower, upper):
        //  80_000 w1: neither; 100_000 w2: 10–50 only (lower end included);
        //  200_000 w3: both; 500_000 w4: 20–60 only (50万 excluded from 10–50);
        //  600_000 w10: neither (60万 excluded). Σw = 20.
        //  10–50: (2 + 3)/20 = 0.25; 20–60: (3 + 4)/20 = 0.35.
        let x = [80_000.0, 100_000.0, 200_000.0, 500_000.0, 600_000.0];
        let w = [1.0, 2.0, 3.0, 4.0, 10.0];
        let bands = [(100_000.0, 500_000.0), (200_000.0, 600_000.0)];
        let s = household_band_shares(&x, Some(&w), &bands).unwrap();
        assert!(
            (s[0] - 0.25).abs() < 1e-12 && (s[1] - 0.35).abs() < 1e-12,
            "{s:?}"
        );
        // unweighted: 2/5 and 2/5
        let s = household_band_shares(&x, None, &bands).unwrap();
        assert!((s[0] - 0.4).abs() < 1e-12 && (s[1] - 0.4).abs() < 1e-12);
        assert!(household_band_shares(&[f64::NAN], None, &bands).is_err());
        assert!(household_band_shares(&[], None, &bands).is_err());
        assert!(household_band_shares(&x, Some(&w[..2]), &bands).is_err());
    }
}
