//! The satisfaction index (群众获得感幸福感安全感评价指数, plan item 45) from weighted
//! survey microdata.
//!
//! Each Likert item is rescaled to 0–100: s = 100·(x − min)/(max − min), reverse-coded
//! items s = 100·(max − x)/(max − min). A respondent's domain score (获得感 / 幸福感 /
//! 安全感 / 认同感, any domain names) is the mean of their answered items in the domain;
//! their overall score is the domain-weighted mean of the domains they answered. Scores
//! of a unit × year are survey-weighted means ȳ = Σ w_i y_i / Σ w_i (Hájek / ratio
//! estimator) over the respondents with a score. Non-response ("don't know", refusals:
//! NaN or a declared code) is excluded and counted.
//!
//! Variance by Taylor linearisation of the ratio estimator (Särndal, Swensson & Wretman
//! 1992, §5.6; Wolter 2007, ch. 6), treating respondents as a single-stage
//! with-replacement sample: v(ȳ) = n/(n−1) · Σ w_i²(y_i − ȳ)² / (Σ w_i)². The Kish (1965)
//! design effect due to unequal weights, deff = n·Σw²/(Σw)², and the effective sample size
//! n/deff are reported; clustering and stratification are not modelled (state this when
//! publishing). 95% CI: ȳ ± z·SE with z = 1.959964 (normal approximation).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One Likert item of the questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyItem {
    /// Item id.
    pub id: String,
    /// Domain id, e.g. `gain` (获得感), `happiness` (幸福感), `security` (安全感),
    /// `identification` (认同感).
    pub domain: String,
    /// Lowest scale point (e.g. 1).
    pub scale_min: f64,
    /// Highest scale point (e.g. 5).
    pub scale_max: f64,
    /// Whether a high answer is bad (reverse-coded).
    #[serde(default)]
    pub reverse: bool,
    /// One response per respondent; NaN = not answered (`null` in JSON).
    #[serde(deserialize_with = "nan_for_null")]
    pub responses: Vec<f64>,
}

fn nan_for_null<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Vec<f64>, D::Error> {
    let v: Vec<Option<f64>> = Deserialize::deserialize(d)?;
    Ok(v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
}

/// Survey microdata: one row per respondent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Survey {
    /// The respondent's unit (county).
    pub unit: Vec<String>,
    /// Survey year.
    pub year: Vec<i32>,
    /// Survey weight (positive, finite).
    pub weight: Vec<f64>,
    /// The items.
    pub items: Vec<SurveyItem>,
    /// Codes meaning non-response (e.g. 9 = "don't know", 99 = refused), excluded like NaN.
    #[serde(default)]
    pub nonresponse_codes: Vec<f64>,
}

/// Satisfaction settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SatisfactionSpec {
    /// Domain weights for the overall score (a domain not listed weighs 1).
    pub domain_weights: BTreeMap<String, f64>,
    /// Normal quantile for the confidence interval. Default 1.959964 (95%).
    pub z: f64,
}

impl Default for SatisfactionSpec {
    fn default() -> Self {
        SatisfactionSpec {
            domain_weights: BTreeMap::new(),
            z: 1.959_963_984_540_054,
        }
    }
}

/// A weighted mean with its linearised standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Weighted mean.
    pub mean: f64,
    /// Linearised standard error (`None` with one respondent).
    pub se: Option<f64>,
    /// Lower CI bound.
    pub ci_lower: Option<f64>,
    /// Upper CI bound.
    pub ci_upper: Option<f64>,
    /// Respondents used.
    pub n: usize,
    /// Σ w.
    pub sum_weights: f64,
    /// Kish design effect due to weighting n·Σw²/(Σw)².
    pub deff_kish: f64,
    /// Effective sample size (Σw)²/Σw².
    pub n_effective: f64,
}

/// Weighted mean with Taylor-linearised SE (see the module docs) and a `z` CI.
///
/// Errors: length mismatch, empty input, NaN/±inf values, non-positive or non-finite
/// weights.
pub fn weighted_mean_linearised(y: &[f64], w: &[f64], z: f64) -> Result<Estimate> {
    if y.len() != w.len() {
        return Err(Error::length_mismatch(
            "weights vs values",
            y.len(),
            w.len(),
        ));
    }
    if y.is_empty() {
        return Err(Error::Empty {
            context: "weighted mean".into(),
        });
    }
    for (i, (&v, &wi)) in y.iter().zip(w).enumerate() {
        if !v.is_finite() {
            return Err(Error::invalid_value(
                format!("values[{i}]"),
                v,
                "in a weighted mean",
            ));
        }
        if !(wi.is_finite() && wi > 0.0) {
            return Err(Error::invalid_value(
                format!("weights[{i}]"),
                wi,
                "as a survey weight (must be positive and finite)",
            ));
        }
    }
    let n = y.len();
    let sw: f64 = w.iter().sum();
    let sw2: f64 = w.iter().map(|x| x * x).sum();
    let mean = y.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / sw;
    let se = (n > 1).then(|| {
        let s: f64 = y.iter().zip(w).map(|(a, b)| (b * (a - mean)).powi(2)).sum();
        (n as f64 / (n as f64 - 1.0) * s / (sw * sw)).sqrt()
    });
    Ok(Estimate {
        mean,
        se,
        ci_lower: se.map(|s| mean - z * s),
        ci_upper: se.map(|s| mean + z * s),
        n,
        sum_weights: sw,
        deff_kish: n as f64 * sw2 / (sw * sw),
        n_effective: sw * sw / sw2,
    })
}

/// One domain's estimate in one unit × year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainEstimate {
    /// Domain id.
    pub domain: String,
    /// The estimate (`None` when nobody answered).
    pub estimate: Option<Estimate>,
    /// Respondents with no answered item in the domain (excluded).
    pub nonresponse: usize,
}

/// Non-response count of one item in one unit × year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemResponse {
    /// Item id.
    pub item: String,
    /// Valid answers.
    pub answered: usize,
    /// Non-responses (NaN or a non-response code).
    pub nonresponse: usize,
}

/// The satisfaction index of one unit in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SatisfactionGroup {
    /// Unit id.
    pub unit: String,
    /// Year.
    pub year: i32,
    /// Respondents in the group.
    pub n_respondents: usize,
    /// Overall index 0–100.
    pub overall: Option<Estimate>,
    /// Respondents who answered no item at all (excluded from the overall score).
    pub overall_nonresponse: usize,
    /// Domain estimates, in order of first appearance among the items.
    pub domains: Vec<DomainEstimate>,
    /// Item response counts.
    pub items: Vec<ItemResponse>,
}

/// The satisfaction index by unit and year (groups sorted by unit, then year).
///
/// Errors: ragged columns (naming the item), empty survey, an empty item or domain id,
/// scale_min ≥ scale_max or non-finite, an answer outside the scale that is not a
/// non-response code (naming item and row), bad weights (naming the row), a negative or
/// non-finite domain weight.
pub fn satisfaction_index(
    survey: &Survey,
    spec: &SatisfactionSpec,
) -> Result<Vec<SatisfactionGroup>> {
    let n = survey.weight.len();
    if n == 0 {
        return Err(Error::Empty {
            context: "survey".into(),
        });
    }
    if survey.unit.len() != n {
        return Err(Error::length_mismatch(
            "survey unit column vs weight column",
            n,
            survey.unit.len(),
        ));
    }
    if survey.year.len() != n {
        return Err(Error::length_mismatch(
            "survey year column vs weight column",
            n,
            survey.year.len(),
        ));
    }
    if survey.items.is_empty() {
        return Err(Error::Empty {
            context: "survey items".into(),
        });
    }
    for (i, &w) in survey.weight.iter().enumerate() {
        if !(w.is_finite() && w > 0.0) {
            return Err(Error::invalid_value(
                format!("survey row {i}, column `weight`"),
                w,
                "as a survey weight (must be positive and finite)",
            ));
        }
    }
    if !(spec.z.is_finite() && spec.z > 0.0) {
        return Err(Error::invalid_spec(
            "z",
            format!("{} must be positive and finite", spec.z),
        ));
    }
    for (d, &w) in &spec.domain_weights {
        if !(w.is_finite() && w >= 0.0) {
            return Err(Error::invalid_spec(
                format!("domain_weights.{d}"),
                format!("{w} must be finite and non-negative"),
            ));
        }
    }
    let mut domains: Vec<String> = Vec::new();
    // rescaled[item][row], NaN = non-response
    let mut rescaled: Vec<Vec<f64>> = Vec::with_capacity(survey.items.len());
    for it in &survey.items {
        if it.id.trim().is_empty() || it.domain.trim().is_empty() {
            return Err(Error::invalid_argument(
                "items",
                "item and domain ids must not be empty",
            ));
        }
        if it.responses.len() != n {
            return Err(Error::length_mismatch(
                format!("survey item `{}` responses vs respondents", it.id),
                n,
                it.responses.len(),
            ));
        }
        if !(it.scale_min.is_finite() && it.scale_max.is_finite() && it.scale_min < it.scale_max) {
            return Err(Error::invalid_argument(
                format!("items.{}.scale", it.id),
                format!(
                    "scale [{}, {}] must be finite with min < max",
                    it.scale_min, it.scale_max
                ),
            ));
        }
        if !domains.contains(&it.domain) {
            domains.push(it.domain.clone());
        }
        let range = it.scale_max - it.scale_min;
        let mut col = Vec::with_capacity(n);
        for (r, &x) in it.responses.iter().enumerate() {
            if x.is_nan() || survey.nonresponse_codes.contains(&x) {
                col.push(f64::NAN);
            } else if x < it.scale_min || x > it.scale_max || !x.is_finite() {
                return Err(Error::invalid_value(
                    format!("survey item `{}`, row {r}", it.id),
                    x,
                    format!(
                        "(outside the scale [{}, {}] and not a non-response code)",
                        it.scale_min, it.scale_max
                    ),
                ));
            } else if it.reverse {
                col.push(100.0 * (it.scale_max - x) / range);
            } else {
                col.push(100.0 * (x - it.scale_min) / range);
            }
        }
        rescaled.push(col);
    }
    let dw = |d: &str| spec.domain_weights.get(d).copied().unwrap_or(1.0);
    // respondent domain scores
    let nd = domains.len();
    let mut dscore = vec![f64::NAN; nd * n];
    // column-wise: accumulate each domain's item columns, then divide
    let mut counts = vec![0u32; nd * n];
    let mut sums = vec![0.0f64; nd * n];
    for (it, col) in survey.items.iter().zip(&rescaled) {
        let k = domains.iter().position(|d| d == &it.domain).unwrap_or(0);
        let (s, c) = (
            &mut sums[k * n..(k + 1) * n],
            &mut counts[k * n..(k + 1) * n],
        );
        for r in 0..n {
            if !col[r].is_nan() {
                s[r] += col[r];
                c[r] += 1;
            }
        }
    }
    for ((d, s), &c) in dscore.iter_mut().zip(&sums).zip(&counts) {
        if c > 0 {
            *d = s / f64::from(c);
        }
    }
    let overall: Vec<f64> = (0..n)
        .map(|r| {
            let (mut s, mut ws) = (0.0, 0.0);
            for (k, d) in domains.iter().enumerate() {
                let v = dscore[k * n + r];
                if !v.is_nan() && dw(d) > 0.0 {
                    s += dw(d) * v;
                    ws += dw(d);
                }
            }
            if ws > 0.0 {
                s / ws
            } else {
                f64::NAN
            }
        })
        .collect();
    let mut groups: BTreeMap<(String, i32), Vec<usize>> = BTreeMap::new();
    for r in 0..n {
        groups
            .entry((survey.unit[r].clone(), survey.year[r]))
            .or_default()
            .push(r);
    }
    let est = |rows: &[usize], vals: &dyn Fn(usize) -> f64| -> Result<(Option<Estimate>, usize)> {
        let used: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&r| !vals(r).is_nan())
            .collect();
        let miss = rows.len() - used.len();
        if used.is_empty() {
            return Ok((None, miss));
        }
        let y: Vec<f64> = used.iter().map(|&r| vals(r)).collect();
        let w: Vec<f64> = used.iter().map(|&r| survey.weight[r]).collect();
        Ok((Some(weighted_mean_linearised(&y, &w, spec.z)?), miss))
    };
    let mut out = Vec::with_capacity(groups.len());
    for ((unit, year), rows) in groups {
        let (ov, ovm) = est(&rows, &|r| overall[r])?;
        let mut des = Vec::with_capacity(nd);
        for (k, d) in domains.iter().enumerate() {
            let (e, m) = est(&rows, &|r| dscore[k * n + r])?;
            des.push(DomainEstimate {
                domain: d.clone(),
                estimate: e,
                nonresponse: m,
            });
        }
        let items = survey
            .items
            .iter()
            .zip(&rescaled)
            .map(|(it, col)| {
                let answered = rows.iter().filter(|&&r| !col[r].is_nan()).count();
                ItemResponse {
                    item: it.id.clone(),
                    answered,
                    nonresponse: rows.len() - answered,
                }
            })
            .collect();
        out.push(SatisfactionGroup {
            unit,
            year,
            n_respondents: rows.len(),
            overall: ov,
            overall_nonresponse: ovm,
            domains: des,
            items,
        });
    }
    Ok(out)
}
