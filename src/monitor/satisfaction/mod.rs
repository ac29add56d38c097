//! The satisfaction index (群众获得感幸福感安全感评价指数, plan item 45) from weighted
//! survey microdata drawn under a stratified multi-stage design.
//!
//! Each Likert item is rescaled to 0–100: s = 100·(x − min)/(max − min), reverse-coded
//! items s = 100·(max − x)/(max − min). A respondent's domain score (获得感 / 幸福感 /
//! 安全感 / 认同感, any domain names) is the mean of their answered items in the domain.
//! Scores of a unit × year are survey-weighted means ȳ = Σ w_i y_i / Σ w_i (Hájek / ratio
//! estimator). Non-response ("don't know", refusals: NaN or a declared code) is excluded
//! and counted.
//!
//! The overall index ([`OverallScore`]) is by default the weighted combination of the
//! domain indices O = Σ_k a_k ȳ_k (a_k = domain weight / Σ weights), or — the former rule —
//! the weighted mean of each respondent's domain-weighted mean over the domains they
//! answered.
//!
//! Variance by Taylor linearisation (Särndal, Swensson & Wretman 1992, §5.6; Wolter 2007,
//! ch. 6; Lumley 2010, §2.2–2.3) under the design of [`SurveyDesign`] (strata, PSUs,
//! finite-population correction; with-replacement PSUs), see [`mod@design`]. With no design
//! columns every respondent is its own PSU in one stratum, which gives the former
//! single-stage formula v(ȳ) = n/(n−1) · Σ w_i²(y_i − ȳ)² / (Σ w_i)². Each estimate
//! carries its SE, the design effect deff = v_design / v_SRS (design-based, Kish 1965 §8.2;
//! v_SRS the with-replacement simple-random-sampling variance s²_w/n with
//! s²_w = n/(n−1)·Σw(y−ȳ)²/Σw, as R's `svymean(..., deff = "replace")`), the effective
//! sample size n/deff, the Kish weighting effect n·Σw²/(Σw)², the design degrees of freedom
//! (#PSU − #strata, R's `degf`) and a normal or t interval ([`IntervalKind`]).
//!
//! Each unit × year is its own design (strata and PSUs are nested in it). By default
//! ([`ItemMissing::Subset`]) each unit × year × domain is analysed as its own sample: the
//! respondents with a score in that domain (R: `svydesign(ids = ~psu, strata = ~stratum,
//! weights = ~weight, fpc = ~fpc, nest = TRUE, data = subset(d, unit == u & year == t &
//! !is.na(y)))`); [`ItemMissing::Domain`] keeps all respondents of the unit × year in the
//! design and treats those with a score as a domain (R: `svymean(~y, design_ut,
//! na.rm = TRUE)`). Subpopulations (urban/rural, age groups: [`Survey::subpopulations`])
//! are always domains of that design — never separately drawn samples — so their
//! variance accounts for the whole design (R: `svyby(~y, ~area, design, svymean)`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub mod design;
pub mod dist;
pub mod targets;

use design::Design;
pub use design::{LonelyPsu, SurveyDesign};
pub use targets::*;

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
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
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
    /// Strata, PSUs and finite-population correction (all optional).
    #[serde(default, skip_serializing_if = "SurveyDesign::is_empty")]
    pub design: SurveyDesign,
    /// Subpopulation variables (e.g. `area` → `urban`/`rural` per respondent, `age` →
    /// age group), each estimated as a domain of the unit × year design. An empty string
    /// is "not recorded" (the respondent belongs to no category of that variable).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub subpopulations: BTreeMap<String, Vec<String>>,
}

/// How the overall index is formed from the domains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverallScore {
    /// O = Σ_k a_k ȳ_k, the weighted combination of the domain indices (a_k the normalised
    /// domain weights), linearised as z = Σ_k a_k z_k over the whole unit × year design.
    /// Absent when a weighted domain has no answer. Default: every domain index enters
    /// with its stated weight whatever the pattern of item non-response.
    #[default]
    DomainCombination,
    /// The weighted mean of each respondent's domain-weighted mean over the domains they
    /// answered (the rule before this option existed).
    RespondentMean,
}

/// Which respondents form the design an estimate's variance is computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemMissing {
    /// Each unit × year × domain is its own sample: the respondents with a score (the
    /// convention of earlier releases; n = respondents with a score). Default.
    #[default]
    Subset,
    /// All respondents of the unit × year form the design; those with a score are a domain
    /// (R's `svymean(..., na.rm = TRUE)` on the unit × year design).
    Domain,
}

/// Adjustment of the weights for item non-response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemNonresponse {
    /// Respondents without a score are left out; the others keep their weights. Default.
    #[default]
    Ignore,
    /// Weighting-class adjustment (Kalton & Flores-Cervantes 2003, §2; Särndal & Lundström
    /// 2005, ch. 7): within each stratum of the unit × year, the answering respondents'
    /// weights are multiplied by Σ w(all) / Σ w(answering), so the stratum keeps its
    /// weight share. Without strata the whole unit × year is one class (the mean is then
    /// unchanged). The adjusted weights are treated as fixed in the variance.
    ReweightWithinStrata,
}

/// The confidence interval's reference distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalKind {
    /// ȳ ± z·SE (large samples). Default.
    #[default]
    Normal,
    /// ȳ ± t_{df}·SE with the design degrees of freedom df = #PSU − #strata (R's
    /// `confint(..., df = degf(design))`), at the confidence level 2Φ(z) − 1 of `z`; no
    /// interval when df < 1. For small samples and few PSUs (Korn & Graubard 1999, §5.2).
    StudentT,
}

/// Satisfaction settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SatisfactionSpec {
    /// Domain weights for the overall score (a domain not listed weighs 1).
    pub domain_weights: BTreeMap<String, f64>,
    /// Normal quantile for the confidence interval. Default 1.959964 (95%).
    pub z: f64,
    /// How the overall index is formed (default: combination of the domain indices).
    pub overall: OverallScore,
    /// The sample of each estimate (default: respondents with a score, per domain).
    pub item_missing: ItemMissing,
    /// Weight adjustment for item non-response (default: none).
    pub item_nonresponse: ItemNonresponse,
    /// Normal or t interval (default: normal).
    pub interval: IntervalKind,
    /// Rule for strata with a single PSU (default: fail, as R).
    pub lonely_psu: LonelyPsu,
}

impl Default for SatisfactionSpec {
    fn default() -> Self {
        SatisfactionSpec {
            domain_weights: BTreeMap::new(),
            z: 1.959_963_984_540_054,
            overall: OverallScore::default(),
            item_missing: ItemMissing::default(),
            item_nonresponse: ItemNonresponse::default(),
            interval: IntervalKind::default(),
            lonely_psu: LonelyPsu::default(),
        }
    }
}

impl SatisfactionSpec {
    /// Checks `z` and the domain weights.
    pub fn validate(&self) -> Result<()> {
        if !(self.z.is_finite() && self.z > 0.0) {
            return Err(Error::invalid_spec(
                "z",
                format!("{} must be positive and finite", self.z),
            ));
        }
        for (d, &w) in &self.domain_weights {
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::invalid_spec(
                    format!("domain_weights.{d}"),
                    format!("{w} must be finite and non-negative"),
                ));
            }
        }
        Ok(())
    }

    /// The interval's quantile for `df` design degrees of freedom: `z` for the normal
    /// interval, t_{df} at probability Φ(z) for the t interval (`None` when df < 1).
    pub fn quantile(&self, df: Option<f64>) -> Option<f64> {
        match self.interval {
            IntervalKind::Normal => Some(self.z),
            IntervalKind::StudentT => df
                .filter(|&d| d >= 1.0)
                .map(|d| dist::t_quantile(dist::normal_cdf(self.z), d)),
        }
    }
}

/// A weighted mean (or a function of weighted means) with its design-based standard
/// error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Weighted mean.
    pub mean: f64,
    /// Linearised standard error (`None` with a single PSU).
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
    /// Effective sample size (Σw)²/Σw² (weighting only).
    pub n_effective: f64,
    /// Design effect v_design / v_SRS (clustering, stratification, fpc and weighting; see
    /// the module docs); `None` without a variance.
    #[serde(default)]
    pub deff: Option<f64>,
    /// Effective sample size of the design, n / deff.
    #[serde(default)]
    pub n_effective_design: Option<f64>,
    /// Design degrees of freedom, #PSUs − #strata among the respondents used.
    #[serde(default)]
    pub df: Option<f64>,
    /// PSUs among the respondents used.
    #[serde(default)]
    pub n_psu: usize,
    /// Strata among the respondents used.
    #[serde(default)]
    pub n_strata: usize,
}

/// Linearised values of one statistic over the rows of a design.
struct Lin {
    mean: f64,
    /// z per design row (0 outside the domain).
    z: Vec<f64>,
    /// Rows of the domain.
    used: Vec<bool>,
    /// Weights per design row.
    w: Vec<f64>,
}

/// The ratio mean over the design rows with a finite `y` and its linearised values
/// z_i = w_i(y_i − ȳ)/Σw. `None` when no row has a value.
fn linearise(y: &[f64], w: &[f64]) -> Option<Lin> {
    let used: Vec<bool> = y
        .iter()
        .zip(w)
        .map(|(v, &wi)| !v.is_nan() && wi > 0.0)
        .collect();
    let sw: f64 = w.iter().zip(&used).filter(|p| *p.1).map(|p| p.0).sum();
    if sw <= 0.0 {
        return None;
    }
    let mean = y
        .iter()
        .zip(w)
        .zip(&used)
        .filter(|p| *p.1)
        .map(|((a, b), _)| a * b)
        .sum::<f64>()
        / sw;
    let z = y
        .iter()
        .zip(w)
        .zip(&used)
        .map(|((a, b), &u)| if u { b * (a - mean) / sw } else { 0.0 })
        .collect();
    Some(Lin {
        mean,
        z,
        used,
        w: w.to_vec(),
    })
}

/// Variance, design effect, df and interval of a linearised statistic.
fn finish(d: &Design, lin: &Lin, spec: &SatisfactionSpec) -> Result<Estimate> {
    let n = lin.used.iter().filter(|&&u| u).count();
    let (mut sw, mut sw2, mut zz) = (0.0, 0.0, 0.0);
    for k in 0..lin.used.len() {
        if lin.used[k] {
            sw += lin.w[k];
            sw2 += lin.w[k] * lin.w[k];
            zz += lin.z[k] * lin.z[k] / lin.w[k];
        }
    }
    let v = d.variance(&lin.z, &lin.used, spec.lonely_psu)?;
    let se = v.map(f64::sqrt);
    // v_SRS = s²_w/n with s²_w = n/(n−1)·Σw(y−ȳ)²/Σw = n/(n−1)·Σw·Σz²/w
    let vsrs = (n > 1).then(|| sw * zz / (n as f64 - 1.0));
    let deff = match (v, vsrs) {
        (Some(v), Some(s)) if s > 0.0 => Some(v / s),
        _ => None,
    };
    let (n_psu, n_strata) = d.counts(&lin.used);
    let df = Some(n_psu as f64 - n_strata as f64);
    let q = spec.quantile(df);
    let ci = |sign: f64| match (se, q) {
        (Some(s), Some(q)) => Some(lin.mean + sign * q * s),
        _ => None,
    };
    Ok(Estimate {
        mean: lin.mean,
        se,
        ci_lower: ci(-1.0),
        ci_upper: ci(1.0),
        n,
        sum_weights: sw,
        deff_kish: n as f64 * sw2 / (sw * sw),
        n_effective: sw * sw / sw2,
        deff,
        n_effective_design: deff.filter(|&x| x > 0.0).map(|x| n as f64 / x),
        df,
        n_psu,
        n_strata,
    })
}

/// Weighted mean with Taylor-linearised SE (see the module docs) and a `z` CI, for a
/// single-stage with-replacement sample (each respondent its own PSU, one stratum).
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
    let d = Design::build(
        &SurveyDesign::default(),
        (0..y.len()).collect(),
        "weighted mean".into(),
    )?;
    let lin = linearise(y, w).expect("positive weights and finite values");
    let spec = SatisfactionSpec {
        z,
        ..SatisfactionSpec::default()
    };
    finish(&d, &lin, &spec)
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

/// The index of one subpopulation (a category of a subpopulation variable) in one
/// unit × year, estimated as a domain of the unit × year design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubpopulationEstimate {
    /// The subpopulation variable (e.g. `area`).
    pub variable: String,
    /// The category (e.g. `rural`).
    pub category: String,
    /// Respondents in the category.
    pub n_respondents: usize,
    /// Overall index of the category.
    pub overall: Option<Estimate>,
    /// Respondents of the category without an overall score.
    pub overall_nonresponse: usize,
    /// Domain indices of the category.
    pub domains: Vec<DomainEstimate>,
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
    /// Respondents without an overall score: who answered no (weighted) domain.
    pub overall_nonresponse: usize,
    /// Domain estimates, in order of first appearance among the items.
    pub domains: Vec<DomainEstimate>,
    /// Item response counts.
    pub items: Vec<ItemResponse>,
    /// Subpopulation estimates (variables in name order, categories sorted).
    #[serde(default)]
    pub subpopulations: Vec<SubpopulationEstimate>,
    /// Change of the overall index since the unit's previous survey year (independent
    /// samples; see [`index_change`]).
    #[serde(default)]
    pub change: Option<IndexChange>,
}

/// The per-respondent scores every estimate is built from.
struct Scores {
    domains: Vec<String>,
    /// dscore[k][r], NaN = no answer in domain k.
    dscore: Vec<Vec<f64>>,
    /// Respondent-mean overall score.
    overall: Vec<f64>,
    /// Normalised domain weights a_k.
    a: Vec<f64>,
}

/// One unit × year: its rows and its whole design.
struct Group<'a> {
    survey: &'a Survey,
    spec: &'a SatisfactionSpec,
    rows: Vec<usize>,
    whole: Design,
    context: String,
}

impl Group<'_> {
    /// Weights per row of `rows` for a variable answered where `answered(r)`.
    fn weights(&self, rows: &[usize], answered: &dyn Fn(usize) -> bool) -> Vec<f64> {
        let w = &self.survey.weight;
        match self.spec.item_nonresponse {
            ItemNonresponse::Ignore => rows.iter().map(|&r| w[r]).collect(),
            ItemNonresponse::ReweightWithinStrata => {
                let st = |r: usize| self.survey.design.stratum.get(r).map_or("", String::as_str);
                let mut all: BTreeMap<&str, f64> = BTreeMap::new();
                let mut ans: BTreeMap<&str, f64> = BTreeMap::new();
                for &r in &self.rows {
                    *all.entry(st(r)).or_default() += w[r];
                    if answered(r) {
                        *ans.entry(st(r)).or_default() += w[r];
                    }
                }
                rows.iter()
                    .map(|&r| {
                        let a = ans.get(st(r)).copied().unwrap_or(0.0);
                        if a > 0.0 {
                            w[r] * all[st(r)] / a
                        } else {
                            w[r]
                        }
                    })
                    .collect()
            }
        }
    }

    /// Estimate of the ratio mean of `y` over the respondents in `sub`.
    fn mean_of(&self, y: &[f64], sub: &dyn Fn(usize) -> bool) -> Result<(Option<Estimate>, usize)> {
        let answered = |r: usize| !y[r].is_nan();
        let members = self.rows.iter().filter(|&&r| sub(r)).count();
        let sub_design;
        let d = match self.spec.item_missing {
            ItemMissing::Domain => &self.whole,
            ItemMissing::Subset => {
                let rows: Vec<usize> = self.rows.iter().copied().filter(|&r| answered(r)).collect();
                if rows.is_empty() {
                    return Ok((None, members));
                }
                sub_design = Design::build(&self.survey.design, rows, self.context.clone())?;
                &sub_design
            }
        };
        let w = self.weights(&d.rows, &answered);
        let yy: Vec<f64> = d
            .rows
            .iter()
            .map(|&r| if sub(r) { y[r] } else { f64::NAN })
            .collect();
        match linearise(&yy, &w) {
            None => Ok((None, members)),
            Some(lin) => {
                let e = finish(d, &lin, self.spec)?;
                Ok((Some(e), members - e.n))
            }
        }
    }

    /// Overall index over the respondents in `sub` by [`OverallScore`].
    fn overall(
        &self,
        sc: &Scores,
        sub: &dyn Fn(usize) -> bool,
    ) -> Result<(Option<Estimate>, usize)> {
        match self.spec.overall {
            OverallScore::RespondentMean => self.mean_of(&sc.overall, sub),
            OverallScore::DomainCombination => {
                let d = &self.whole;
                let members = self.rows.iter().filter(|&&r| sub(r)).count();
                let base: Vec<f64> = d.rows.iter().map(|&r| self.survey.weight[r]).collect();
                let mut comb = Lin {
                    mean: 0.0,
                    z: vec![0.0; d.rows.len()],
                    used: vec![false; d.rows.len()],
                    w: base,
                };
                for (k, y) in sc.dscore.iter().enumerate() {
                    if sc.a[k] <= 0.0 {
                        continue;
                    }
                    let answered = |r: usize| !y[r].is_nan();
                    let w = self.weights(&d.rows, &answered);
                    let yy: Vec<f64> = d
                        .rows
                        .iter()
                        .map(|&r| if sub(r) { y[r] } else { f64::NAN })
                        .collect();
                    let Some(lin) = linearise(&yy, &w) else {
                        let answering = d
                            .rows
                            .iter()
                            .filter(|&&r| {
                                sub(r)
                                    && sc
                                        .dscore
                                        .iter()
                                        .zip(&sc.a)
                                        .any(|(v, &a)| a > 0.0 && !v[r].is_nan())
                            })
                            .count();
                        return Ok((None, members - answering));
                    };
                    comb.mean += sc.a[k] * lin.mean;
                    for i in 0..d.rows.len() {
                        comb.z[i] += sc.a[k] * lin.z[i];
                        comb.used[i] |= lin.used[i];
                    }
                }
                let e = finish(d, &comb, self.spec)?;
                Ok((Some(e), members - e.n))
            }
        }
    }
}

/// The satisfaction index by unit and year (groups sorted by unit, then year), with the
/// design-based variance of the module docs, subpopulation estimates and the change of
/// the overall index since the unit's previous survey year.
///
/// Errors: ragged columns (naming the item or design column), empty survey, an empty item
/// or domain id, scale_min ≥ scale_max or non-finite, an answer outside the scale that is
/// not a non-response code (naming item and row), bad weights (naming the row), a negative
/// or non-finite domain weight, all domain weights zero with the combination rule, a bad
/// or non-constant fpc, a stratum with a single PSU under [`LonelyPsu::Fail`].
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
    survey.design.validate(n)?;
    for (v, col) in &survey.subpopulations {
        if col.len() != n {
            return Err(Error::length_mismatch(
                format!("survey subpopulation column `{v}` vs respondents"),
                n,
                col.len(),
            ));
        }
    }
    spec.validate()?;
    let sc = scores(survey, spec)?;
    let mut groups: BTreeMap<(String, i32), Vec<usize>> = BTreeMap::new();
    for r in 0..n {
        groups
            .entry((survey.unit[r].clone(), survey.year[r]))
            .or_default()
            .push(r);
    }
    let mut out: Vec<SatisfactionGroup> = Vec::with_capacity(groups.len());
    for ((unit, year), rows) in groups {
        let context = format!("survey of unit `{unit}`, year {year}");
        let whole = Design::build(&survey.design, rows.clone(), context.clone())?;
        let g = Group {
            survey,
            spec,
            rows,
            whole,
            context,
        };
        let all = |_: usize| true;
        let (ov, ovm) = g.overall(&sc, &all)?;
        let mut des = Vec::with_capacity(sc.domains.len());
        for (k, d) in sc.domains.iter().enumerate() {
            let (e, m) = g.mean_of(&sc.dscore[k], &all)?;
            des.push(DomainEstimate {
                domain: d.clone(),
                estimate: e,
                nonresponse: m,
            });
        }
        let items = survey
            .items
            .iter()
            .map(|it| {
                let answered = g
                    .rows
                    .iter()
                    .filter(|&&r| !nonresponse(survey, it.responses[r]))
                    .count();
                ItemResponse {
                    item: it.id.clone(),
                    answered,
                    nonresponse: g.rows.len() - answered,
                }
            })
            .collect();
        let mut subs = Vec::new();
        for (var, col) in &survey.subpopulations {
            let mut cats: Vec<&str> = g
                .rows
                .iter()
                .map(|&r| col[r].as_str())
                .filter(|c| !c.trim().is_empty())
                .collect();
            cats.sort_unstable();
            cats.dedup();
            for cat in cats {
                let sub = |r: usize| col[r] == cat;
                let (o, om) = g.overall(&sc, &sub)?;
                let mut sd = Vec::with_capacity(sc.domains.len());
                for (k, d) in sc.domains.iter().enumerate() {
                    let (e, m) = g.mean_of(&sc.dscore[k], &sub)?;
                    sd.push(DomainEstimate {
                        domain: d.clone(),
                        estimate: e,
                        nonresponse: m,
                    });
                }
                subs.push(SubpopulationEstimate {
                    variable: var.clone(),
                    category: cat.to_string(),
                    n_respondents: g.rows.iter().filter(|&&r| sub(r)).count(),
                    overall: o,
                    overall_nonresponse: om,
                    domains: sd,
                });
            }
        }
        let change = match (out.last(), ov) {
            (Some(prev), Some(now)) if prev.unit == unit => match prev.overall {
                Some(before) => index_change(prev.year, &before, year, &now, spec).ok(),
                None => None,
            },
            _ => None,
        };
        out.push(SatisfactionGroup {
            unit,
            year,
            n_respondents: g.rows.len(),
            overall: ov,
            overall_nonresponse: ovm,
            domains: des,
            items,
            subpopulations: subs,
            change,
        });
    }
    Ok(out)
}

fn nonresponse(survey: &Survey, x: f64) -> bool {
    x.is_nan() || survey.nonresponse_codes.contains(&x)
}

/// Rescales the items and forms each respondent's domain and overall scores.
fn scores(survey: &Survey, spec: &SatisfactionSpec) -> Result<Scores> {
    let n = survey.weight.len();
    let mut domains: Vec<String> = Vec::new();
    let mut sums: Vec<Vec<f64>> = Vec::new();
    let mut counts: Vec<Vec<u32>> = Vec::new();
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
        let k = match domains.iter().position(|d| d == &it.domain) {
            Some(k) => k,
            None => {
                domains.push(it.domain.clone());
                sums.push(vec![0.0; n]);
                counts.push(vec![0; n]);
                domains.len() - 1
            }
        };
        let range = it.scale_max - it.scale_min;
        for (r, &x) in it.responses.iter().enumerate() {
            if nonresponse(survey, x) {
                continue;
            }
            if x < it.scale_min || x > it.scale_max || !x.is_finite() {
                return Err(Error::invalid_value(
                    format!("survey item `{}`, row {r}", it.id),
                    x,
                    format!(
                        "(outside the scale [{}, {}] and not a non-response code)",
                        it.scale_min, it.scale_max
                    ),
                ));
            }
            sums[k][r] += if it.reverse {
                100.0 * (it.scale_max - x) / range
            } else {
                100.0 * (x - it.scale_min) / range
            };
            counts[k][r] += 1;
        }
    }
    let dscore: Vec<Vec<f64>> = sums
        .iter()
        .zip(&counts)
        .map(|(s, c)| {
            s.iter()
                .zip(c)
                .map(|(&s, &c)| if c > 0 { s / f64::from(c) } else { f64::NAN })
                .collect()
        })
        .collect();
    let dw: Vec<f64> = domains
        .iter()
        .map(|d| spec.domain_weights.get(d).copied().unwrap_or(1.0))
        .collect();
    let total: f64 = dw.iter().sum();
    if total <= 0.0 {
        return Err(Error::invalid_spec(
            "domain_weights",
            "every domain weighs 0: at least one domain must have a positive weight",
        ));
    }
    let overall = (0..n)
        .map(|r| {
            let (mut s, mut ws) = (0.0, 0.0);
            for (k, &w) in dw.iter().enumerate() {
                let v = dscore[k][r];
                if !v.is_nan() && w > 0.0 {
                    s += w * v;
                    ws += w;
                }
            }
            if ws > 0.0 {
                s / ws
            } else {
                f64::NAN
            }
        })
        .collect();
    Ok(Scores {
        domains,
        dscore,
        overall,
        a: dw.iter().map(|w| w / total).collect(),
    })
}
