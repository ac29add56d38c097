//! The sampling design of the satisfaction survey and the Taylor-linearised variance of a
//! statistic under it.
//!
//! Design: strata h = 1..H, in stratum h n_h primary sampling units (PSUs: townships,
//! villages) drawn, treated as drawn **with replacement** (the ultimate-cluster
//! approximation; Wolter 2007, *Introduction to Variance Estimation*, 2nd ed., §1.6 and
//! ch. 6; Lumley 2010, *Complex Surveys*, §2.2), with an optional finite-population
//! correction (1 − f_h). For a statistic θ̂ with linearised values z_i (for the ratio mean
//! ȳ = Σw y/Σw: z_i = w_i (y_i − ȳ)/Σw; Särndal, Swensson & Wretman 1992, §5.6),
//! the PSU totals z_hj = Σ_{i∈(h,j)} z_i give
//!
//! v(θ̂) = Σ_h (1 − f_h) · n_h/(n_h − 1) · Σ_j (z_hj − z̄_h)²,
//!
//! which is what R's `survey` package computes for
//! `svydesign(ids = ~psu, strata = ~stratum, weights = ~w, fpc = ~fpc, nest = TRUE)`
//! (`survey:::onestrat`, version 4.1). Domains (subpopulations, respondents with a score)
//! are estimated over the whole design: rows outside the domain have z_i = 0 and keep
//! their PSU and stratum counted (Lumley 2010, §2.3), as R's subsetting of a design does.
//!
//! Lonely PSUs (a stratum with a single PSU; `options(survey.lonely.psu)` in R) follow
//! [`LonelyPsu`]. Design degrees of freedom: #PSUs − #strata among the rows of the
//! estimate (R's `degf`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What to do with a stratum that has a single PSU (R: `options(survey.lonely.psu)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LonelyPsu {
    /// Stop with an error naming the stratum (R's default, `"fail"`). The default here
    /// too: a lonely PSU is a design question the statistician must answer.
    #[default]
    Fail,
    /// The single PSU was sampled with certainty: the stratum adds no variance
    /// (`"certainty"`).
    Certainty,
    /// The stratum is left out of the variance (`"remove"`; numerically the same as
    /// `certainty` for the variance in R's `survey` 4.1).
    Remove,
    /// The PSU total is centred at zero — the linearised statistic's overall mean —
    /// instead of the stratum mean, a conservative choice (`"adjust"`).
    Adjust,
    /// The stratum gets the average variance of the other strata: the total over the
    /// strata with ≥ 2 PSUs is scaled by #strata / #strata with ≥ 2 PSUs (`"average"`).
    Average,
}

impl LonelyPsu {
    /// The R option value.
    pub fn name(&self) -> &'static str {
        match self {
            LonelyPsu::Fail => "fail",
            LonelyPsu::Certainty => "certainty",
            LonelyPsu::Remove => "remove",
            LonelyPsu::Adjust => "adjust",
            LonelyPsu::Average => "average",
        }
    }
}

/// Design columns of the survey, one entry per respondent; an empty column means "not
/// given" (one stratum / each respondent its own PSU / no finite-population correction).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SurveyDesign {
    /// Stratum id of each respondent (strata are nested in unit × year).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stratum: Vec<String>,
    /// PSU (cluster) id of each respondent, nested in the stratum (the same id in two
    /// strata is two PSUs, R's `nest = TRUE`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub psu: Vec<String>,
    /// Finite-population correction as R's `fpc`: a value > 1 is the number of PSUs in
    /// the stratum's population N_h (f_h = n_h/N_h); a value in (0, 1] is the sampling
    /// fraction f_h itself. Constant within a stratum.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fpc: Vec<f64>,
}

impl SurveyDesign {
    /// Whether no design column is given (a single-stage with-replacement sample of
    /// respondents in each unit × year).
    pub fn is_empty(&self) -> bool {
        self.stratum.is_empty() && self.psu.is_empty() && self.fpc.is_empty()
    }

    /// Checks the column lengths and fpc values against `n` respondents.
    pub fn validate(&self, n: usize) -> Result<()> {
        for (name, len) in [
            ("stratum", self.stratum.len()),
            ("psu", self.psu.len()),
            ("fpc", self.fpc.len()),
        ] {
            if len != 0 && len != n {
                return Err(Error::length_mismatch(
                    format!("survey design column `{name}` vs respondents"),
                    n,
                    len,
                ));
            }
        }
        for (i, &f) in self.fpc.iter().enumerate() {
            if !(f.is_finite() && f > 0.0) {
                return Err(Error::invalid_value(
                    format!("survey row {i}, column `fpc`"),
                    f,
                    "as a finite-population correction (a population count of PSUs > 1 or a sampling fraction in (0, 1])",
                ));
            }
        }
        Ok(())
    }
}

/// One design population: the respondents an estimate is computed over (a unit × year, or
/// its respondents with a score), with their strata and PSUs.
#[derive(Debug, Clone)]
pub(crate) struct Design {
    /// Respondent indices (rows of the survey).
    pub rows: Vec<usize>,
    /// PSU (local index) of each design row.
    psu_of: Vec<usize>,
    /// Stratum (local index) of each PSU.
    psu_stratum: Vec<usize>,
    /// Stratum names (for messages).
    strata: Vec<String>,
    /// PSUs per stratum.
    n_psu: Vec<usize>,
    /// 1 − f_h per stratum.
    fcorr: Vec<f64>,
    /// "unit `u`, year y" (for messages).
    context: String,
}

impl Design {
    /// Builds the design population of `rows` (already validated columns).
    pub fn build(design: &SurveyDesign, rows: Vec<usize>, context: String) -> Result<Design> {
        let mut strata: Vec<String> = Vec::new();
        // stratum and (stratum, PSU) positions by label, indexed as they appear (a search
        // of the labels seen so far per row was quadratic: a design without a PSU column
        // has one PSU per respondent)
        let mut stratum_pos: HashMap<&str, usize> = HashMap::new();
        let mut psu_pos: HashMap<(usize, &str), usize> = HashMap::new();
        let mut psu_stratum: Vec<usize> = Vec::new();
        let mut psu_of = Vec::with_capacity(rows.len());
        let mut fpc_h: Vec<Option<f64>> = Vec::new();
        let mut row_stratum = Vec::with_capacity(rows.len());
        for &r in &rows {
            let s = design.stratum.get(r).map_or("", String::as_str);
            let h = *stratum_pos.entry(s).or_insert_with(|| {
                strata.push(s.to_string());
                fpc_h.push(None);
                strata.len() - 1
            });
            row_stratum.push(h);
            // without a PSU column every respondent is a PSU of its own
            let j = match design.psu.get(r) {
                Some(p) => *psu_pos.entry((h, p.as_str())).or_insert_with(|| {
                    psu_stratum.push(h);
                    psu_stratum.len() - 1
                }),
                None => {
                    psu_stratum.push(h);
                    psu_stratum.len() - 1
                }
            };
            psu_of.push(j);
            if let Some(&f) = design.fpc.get(r) {
                match fpc_h[h] {
                    None => fpc_h[h] = Some(f),
                    Some(g) if g != f => {
                        return Err(Error::invalid_argument(
                            "survey design column `fpc`",
                            format!(
                                "{context}, stratum `{}`: fpc is not constant within the stratum ({g} and {f}, row {r})",
                                strata[h]
                            ),
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
        let mut n_psu = vec![0usize; strata.len()];
        for &h in &psu_stratum {
            n_psu[h] += 1;
        }
        let mut fcorr = Vec::with_capacity(strata.len());
        for (h, f) in fpc_h.iter().enumerate() {
            fcorr.push(match *f {
                None => 1.0,
                Some(f) if f <= 1.0 => 1.0 - f,
                Some(pop) => {
                    if pop < n_psu[h] as f64 {
                        return Err(Error::invalid_argument(
                            "survey design column `fpc`",
                            format!(
                                "{context}, stratum `{}`: population of {pop} PSUs is smaller than the {} PSUs sampled",
                                strata[h], n_psu[h]
                            ),
                        ));
                    }
                    (pop - n_psu[h] as f64) / pop
                }
            });
        }
        Ok(Design {
            rows,
            psu_of,
            psu_stratum,
            strata,
            n_psu,
            fcorr,
            context,
        })
    }

    /// Total number of PSUs.
    pub fn n_psu_total(&self) -> usize {
        self.psu_stratum.len()
    }

    /// (#PSUs, #strata) among the design rows with `used[k]`.
    pub fn counts(&self, used: &[bool]) -> (usize, usize) {
        let mut p = vec![false; self.psu_stratum.len()];
        let mut s = vec![false; self.strata.len()];
        for (k, &u) in used.iter().enumerate() {
            if u {
                p[self.psu_of[k]] = true;
                s[self.psu_stratum[self.psu_of[k]]] = true;
            }
        }
        (
            p.iter().filter(|&&x| x).count(),
            s.iter().filter(|&&x| x).count(),
        )
    }

    /// v(θ̂) from the linearised values `z` (one per design row, 0 outside the domain)
    /// under the with-replacement stratified cluster design (module docs); `used` marks the
    /// rows of the domain (for the strata counted by [`LonelyPsu::Average`]). `None` when
    /// the design has a single PSU in all (no variance can be estimated).
    pub fn variance(&self, z: &[f64], used: &[bool], lonely: LonelyPsu) -> Result<Option<f64>> {
        if self.n_psu_total() < 2 {
            return Ok(None);
        }
        let mut tot = vec![0.0; self.psu_stratum.len()];
        for (k, &zk) in z.iter().enumerate() {
            tot[self.psu_of[k]] += zk;
        }
        let nh = self.strata.len();
        let mut sum = vec![0.0; nh];
        for (j, &t) in tot.iter().enumerate() {
            sum[self.psu_stratum[j]] += t;
        }
        let mut present = vec![false; nh];
        for (k, &u) in used.iter().enumerate() {
            if u {
                present[self.psu_stratum[self.psu_of[k]]] = true;
            }
        }
        let mut v = 0.0;
        let (mut n_ok, mut n_present) = (0usize, 0usize);
        let mut dev = vec![0.0; nh];
        for (j, &t) in tot.iter().enumerate() {
            let h = self.psu_stratum[j];
            let mean = sum[h] / self.n_psu[h] as f64;
            dev[h] += (t - mean).powi(2);
        }
        for h in 0..nh {
            if present[h] {
                n_present += 1;
            }
            let f = self.fcorr[h];
            if f < 1e-7 {
                // a census stratum: no sampling variance (checked before the lonely rule, as R)
                if present[h] {
                    n_ok += 1;
                }
                continue;
            }
            let n = self.n_psu[h];
            if n > 1 {
                v += f * n as f64 / (n as f64 - 1.0) * dev[h];
                if present[h] {
                    n_ok += 1;
                }
                continue;
            }
            match lonely {
                LonelyPsu::Fail => {
                    return Err(Error::invalid_argument(
                        "survey design",
                        format!(
                            "{}: stratum `{}` has only one PSU; choose a lonely-PSU rule (`lonely_psu`: certainty, remove, adjust or average) or merge the stratum with a neighbour",
                            self.context, self.strata[h]
                        ),
                    ))
                }
                LonelyPsu::Certainty | LonelyPsu::Remove => {
                    if present[h] {
                        n_ok += 1;
                    }
                }
                LonelyPsu::Adjust => {
                    v += f * sum[h] * sum[h];
                    if present[h] {
                        n_ok += 1;
                    }
                }
                LonelyPsu::Average => {}
            }
        }
        if lonely == LonelyPsu::Average && n_ok < n_present {
            if n_ok == 0 {
                return Ok(None);
            }
            v *= n_present as f64 / n_ok as f64;
        }
        Ok(Some(v))
    }
}
