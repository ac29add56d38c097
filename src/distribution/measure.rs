//! The one vocabulary of distribution measures — name, parameter, evaluation — used by
//! the JSON entry point, the C enum `cpindex_measure`, the command line and Python, and
//! the one inequality report ([`inequality_report`]) they all return.
//!
//! A measure is written `name` or `name:parameter` (e.g. `atkinson:0.5`). The names are
//! the table in `docs/distribution.md` ("Measure names"); [`Measure::ALL`] lists them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::decompose::{
    dagum_gini_decomposition, ge_decomposition, GeDecomposition, GiniDecomposition, GroupSummary,
};
use super::dist::{Distribution, MissingPolicy, QuantileMethod, ShareRatioMethod};
use crate::error::{Error, Result};

/// A distribution measure with its parameter. Definitions and citations are on the
/// [`Distribution`] method each variant evaluates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// Weighted mean ([`Distribution::mean`]).
    Mean,
    /// Total weight, the population represented ([`Distribution::total_weight`]).
    TotalWeight,
    /// Total weighted value ([`Distribution::total`]).
    Total,
    /// Gini coefficient ([`Distribution::gini`]).
    Gini,
    /// Gini with the small-sample correction n/(n−1) ([`Distribution::gini_corrected`]).
    GiniCorrected,
    /// Theil T = GE(1) ([`Distribution::theil_t`]).
    TheilT,
    /// Mean log deviation = GE(0) ([`Distribution::mean_log_deviation`]).
    MeanLogDeviation,
    /// Generalised entropy GE(α) ([`Distribution::generalized_entropy`]).
    GeneralizedEntropy(f64),
    /// Atkinson index A(ε) ([`Distribution::atkinson`]).
    Atkinson(f64),
    /// Population coefficient of variation ([`Distribution::coefficient_of_variation`]).
    CoefficientOfVariation,
    /// Hoover (Robin Hood, Pietra) index ([`Distribution::hoover`]).
    Hoover,
    /// Palma ratio: top 10 % share over bottom 40 % share ([`Distribution::palma_ratio`]).
    PalmaRatio,
    /// S80/S20 from the Lorenz curve ([`Distribution::s80_s20`]).
    S80S20,
    /// S80/S20 by the Eurostat EU-SILC rule ([`Distribution::quintile_share_ratio`]).
    QuintileShareRatioEurostat,
    /// Weighted median, type 2 ([`Distribution::median`]).
    Median,
    /// Quantile at p, Hyndman–Fan type 2 ([`Distribution::quantile`]).
    Quantile(f64),
    /// Lorenz ordinate L(p) ([`Distribution::lorenz`]).
    Lorenz(f64),
    /// At-risk-of-poverty threshold, 60 % of the median
    /// ([`Distribution::at_risk_of_poverty_threshold`]).
    AtRiskOfPovertyThreshold,
    /// At-risk-of-poverty rate, a fraction ([`Distribution::at_risk_of_poverty_rate`]).
    AtRiskOfPovertyRate,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Largest over smallest value ([`Distribution::max_min_ratio`]).
    MaxMinRatio,
    /// Share of the population strictly below a threshold ([`Distribution::share_below`]).
    ShareBelow(f64),
}

/// One row of the names table: name, parameter (if any), description.
pub type MeasureName = (&'static str, Option<&'static str>, &'static str);

impl Measure {
    /// Every measure name with its parameter and a description, in table order.
    pub const ALL: &'static [MeasureName] = &[
        ("mean", None, "weighted mean"),
        ("total_weight", None, "Σ weights (population represented)"),
        ("total", None, "Σ wᵢxᵢ"),
        ("gini", None, "Gini coefficient"),
        (
            "gini_corrected",
            None,
            "Gini, small-sample corrected n/(n−1)",
        ),
        ("theil_t", None, "Theil T = GE(1)"),
        ("mean_log_deviation", None, "mean log deviation = GE(0)"),
        ("generalized_entropy", Some("alpha"), "GE(α)"),
        ("atkinson", Some("epsilon"), "Atkinson A(ε)"),
        ("coefficient_of_variation", None, "coefficient of variation"),
        ("hoover", None, "Hoover (Robin Hood) index"),
        ("palma_ratio", None, "Palma ratio (top 10% / bottom 40%)"),
        ("s80_s20", None, "S80/S20 (Lorenz shares)"),
        (
            "quintile_share_ratio_eurostat",
            None,
            "S80/S20 (Eurostat EU-SILC)",
        ),
        ("median", None, "median (type 2)"),
        ("quantile", Some("p"), "quantile at p (type 2)"),
        ("lorenz", Some("p"), "Lorenz ordinate L(p)"),
        (
            "at_risk_of_poverty_threshold",
            None,
            "at-risk-of-poverty threshold (60% of median)",
        ),
        ("at_risk_of_poverty_rate", None, "at-risk-of-poverty rate"),
        ("min", None, "smallest value"),
        ("max", None, "largest value"),
        ("max_min_ratio", None, "largest / smallest value"),
        (
            "share_below",
            Some("threshold"),
            "population share strictly below the threshold",
        ),
    ];

    /// The measures a report computes when none are named.
    pub fn defaults() -> Vec<Measure> {
        use Measure::*;
        vec![
            Mean,
            TotalWeight,
            Gini,
            GiniCorrected,
            TheilT,
            MeanLogDeviation,
            GeneralizedEntropy(2.0),
            Atkinson(0.5),
            Atkinson(1.0),
            Atkinson(2.0),
            CoefficientOfVariation,
            Hoover,
            PalmaRatio,
            S80S20,
            QuintileShareRatioEurostat,
            Median,
            Quantile(0.1),
            Quantile(0.9),
            AtRiskOfPovertyThreshold,
            AtRiskOfPovertyRate,
            Min,
            Max,
            MaxMinRatio,
        ]
    }

    /// The measure's name (without parameter).
    pub fn name(&self) -> &'static str {
        match self {
            Measure::Mean => "mean",
            Measure::TotalWeight => "total_weight",
            Measure::Total => "total",
            Measure::Gini => "gini",
            Measure::GiniCorrected => "gini_corrected",
            Measure::TheilT => "theil_t",
            Measure::MeanLogDeviation => "mean_log_deviation",
            Measure::GeneralizedEntropy(_) => "generalized_entropy",
            Measure::Atkinson(_) => "atkinson",
            Measure::CoefficientOfVariation => "coefficient_of_variation",
            Measure::Hoover => "hoover",
            Measure::PalmaRatio => "palma_ratio",
            Measure::S80S20 => "s80_s20",
            Measure::QuintileShareRatioEurostat => "quintile_share_ratio_eurostat",
            Measure::Median => "median",
            Measure::Quantile(_) => "quantile",
            Measure::Lorenz(_) => "lorenz",
            Measure::AtRiskOfPovertyThreshold => "at_risk_of_poverty_threshold",
            Measure::AtRiskOfPovertyRate => "at_risk_of_poverty_rate",
            Measure::Min => "min",
            Measure::Max => "max",
            Measure::MaxMinRatio => "max_min_ratio",
            Measure::ShareBelow(_) => "share_below",
        }
    }

    /// The parameter, if the measure has one.
    pub fn parameter(&self) -> Option<f64> {
        match *self {
            Measure::GeneralizedEntropy(x)
            | Measure::Atkinson(x)
            | Measure::Quantile(x)
            | Measure::Lorenz(x)
            | Measure::ShareBelow(x) => Some(x),
            Measure::Mean
            | Measure::TotalWeight
            | Measure::Total
            | Measure::Gini
            | Measure::GiniCorrected
            | Measure::TheilT
            | Measure::MeanLogDeviation
            | Measure::CoefficientOfVariation
            | Measure::Hoover
            | Measure::PalmaRatio
            | Measure::S80S20
            | Measure::QuintileShareRatioEurostat
            | Measure::Median
            | Measure::AtRiskOfPovertyThreshold
            | Measure::AtRiskOfPovertyRate
            | Measure::Min
            | Measure::Max
            | Measure::MaxMinRatio => None,
        }
    }

    /// `name` or `name:parameter` (the parameter as Rust prints an f64: `0.5`, `1`).
    pub fn label(&self) -> String {
        match self.parameter() {
            Some(p) => format!("{}:{p}", self.name()),
            None => self.name().to_string(),
        }
    }

    /// A measure by name and parameter (the parameter is ignored by measures without
    /// one). Errors: [`Error::InvalidSpec`] naming `measures` for an unknown name (listing
    /// the known ones) or a missing or non-finite parameter.
    pub fn from_name(name: &str, parameter: Option<f64>) -> Result<Measure> {
        let need = |what: &str| -> Result<f64> {
            match parameter {
                Some(p) if p.is_finite() => Ok(p),
                Some(p) => Err(Error::invalid_spec(
                    "measures",
                    format!("`{name}`: parameter {p} must be finite"),
                )),
                None => Err(Error::invalid_spec(
                    "measures",
                    format!("`{name}` needs a parameter ({what}), e.g. `{name}:0.5`"),
                )),
            }
        };
        Ok(match name {
            "mean" => Measure::Mean,
            "total_weight" => Measure::TotalWeight,
            "total" => Measure::Total,
            "gini" => Measure::Gini,
            "gini_corrected" => Measure::GiniCorrected,
            "theil_t" => Measure::TheilT,
            "mean_log_deviation" => Measure::MeanLogDeviation,
            "generalized_entropy" => Measure::GeneralizedEntropy(need("alpha")?),
            "atkinson" => Measure::Atkinson(need("epsilon")?),
            "coefficient_of_variation" => Measure::CoefficientOfVariation,
            "hoover" => Measure::Hoover,
            "palma_ratio" => Measure::PalmaRatio,
            "s80_s20" => Measure::S80S20,
            "quintile_share_ratio_eurostat" => Measure::QuintileShareRatioEurostat,
            "median" => Measure::Median,
            "quantile" => Measure::Quantile(need("p")?),
            "lorenz" => Measure::Lorenz(need("p")?),
            "at_risk_of_poverty_threshold" => Measure::AtRiskOfPovertyThreshold,
            "at_risk_of_poverty_rate" => Measure::AtRiskOfPovertyRate,
            "min" => Measure::Min,
            "max" => Measure::Max,
            "max_min_ratio" => Measure::MaxMinRatio,
            "share_below" => Measure::ShareBelow(need("threshold")?),
            _ => {
                return Err(Error::invalid_spec(
                    "measures",
                    format!(
                        "unknown measure `{name}` (known: {})",
                        Measure::ALL
                            .iter()
                            .map(|(n, p, _)| match p {
                                Some(p) => format!("{n}:{p}"),
                                None => n.to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ))
            }
        })
    }

    /// Parses `name` or `name:parameter`.
    pub fn parse(text: &str) -> Result<Measure> {
        match text.split_once(':') {
            Some((n, p)) => {
                let v: f64 = p.trim().parse().map_err(|_| {
                    Error::invalid_spec(
                        format!("measures[{text}]"),
                        format!("`{p}` is not a number"),
                    )
                })?;
                Measure::from_name(n.trim(), Some(v))
            }
            None => Measure::from_name(text.trim(), None),
        }
    }

    /// The description from the names table.
    pub fn description(&self) -> &'static str {
        Measure::ALL
            .iter()
            .find(|(n, _, _)| *n == self.name())
            .map_or("", |x| x.2)
    }

    /// Evaluates the measure on a distribution.
    pub fn evaluate(&self, d: &Distribution) -> Result<f64> {
        match *self {
            Measure::Mean => Ok(d.mean()),
            Measure::TotalWeight => Ok(d.total_weight()),
            Measure::Total => Ok(d.total()),
            Measure::Gini => d.gini(),
            Measure::GiniCorrected => d.gini_corrected(),
            Measure::TheilT => d.theil_t(),
            Measure::MeanLogDeviation => d.mean_log_deviation(),
            Measure::GeneralizedEntropy(a) => d.generalized_entropy(a),
            Measure::Atkinson(e) => d.atkinson(e),
            Measure::CoefficientOfVariation => d.coefficient_of_variation(),
            Measure::Hoover => d.hoover(),
            Measure::PalmaRatio => d.palma_ratio(),
            Measure::S80S20 => d.s80_s20(),
            Measure::QuintileShareRatioEurostat => {
                d.quintile_share_ratio(ShareRatioMethod::Eurostat)
            }
            Measure::Median => d.median(),
            Measure::Quantile(p) => d.quantile(p, QuantileMethod::AveragedInvertedCdf),
            Measure::Lorenz(p) => d.lorenz(p),
            Measure::AtRiskOfPovertyThreshold => d.at_risk_of_poverty_threshold(),
            Measure::AtRiskOfPovertyRate => d.at_risk_of_poverty_rate(),
            Measure::Min => Ok(d.min()),
            Measure::Max => Ok(d.max()),
            Measure::MaxMinRatio => d.max_min_ratio().map(|m| m.ratio),
            Measure::ShareBelow(t) => d.share_below(t),
        }
    }
}

impl Serialize for Measure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.label())
    }
}

impl<'de> Deserialize<'de> for Measure {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Measure::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// One GE(α) decomposition (Shorrocks 1984) as reported; components `None` when it
/// failed (the reason is in [`InequalityReport::errors`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeRow {
    /// α.
    pub alpha: f64,
    /// GE(α) total.
    pub total: Option<f64>,
    /// Within-group component.
    pub within: Option<f64>,
    /// Between-group component.
    pub between: Option<f64>,
    /// The groups.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupSummary>,
}

/// Decompositions by group: GE(0), GE(1), GE(2) and the Dagum Gini.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecompositionReport {
    /// GE(α) for α = 0, 1, 2.
    pub generalized_entropy: Vec<GeRow>,
    /// The Dagum Gini decomposition (`None` when it failed).
    pub gini: Option<GiniDecomposition>,
}

/// The inequality report of one set of values: counts, the requested measures (a value
/// or, when a measure is undefined for these data, `null` with the reason in `errors`),
/// and the decompositions by group when groups are given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InequalityReport {
    /// Records used.
    pub n: usize,
    /// Records given.
    pub n_input: usize,
    /// Records with a missing value (left out under [`MissingPolicy::Skip`]).
    pub n_missing: usize,
    /// Records with zero weight.
    pub n_zero_weight: usize,
    /// Measure label → value.
    pub measures: BTreeMap<String, Option<f64>>,
    /// The measures in request order (labels).
    #[serde(skip)]
    pub order: Vec<Measure>,
    /// Decompositions by group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decomposition: Option<DecompositionReport>,
    /// Measure (or decomposition) label → why it is undefined.
    pub errors: BTreeMap<String, String>,
}

/// Computes the inequality report: every measure of `measures` on the (weighted)
/// values, and with `groups` (one non-negative integer label per value) the Shorrocks
/// GE(0), GE(1), GE(2) and the Dagum Gini decompositions (records with a missing value
/// are left out of them under [`MissingPolicy::Skip`]).
///
/// Errors: those of [`Distribution::with_policy`] (empty input, NaN under `Error`,
/// bad weights) and a `groups` length that differs from `values`. A measure or a
/// decomposition undefined for these data is not an error: its value is `None` and the
/// reason is in [`InequalityReport::errors`].
pub fn inequality_report(
    values: &[f64],
    weights: Option<&[f64]>,
    groups: Option<&[usize]>,
    measures: &[Measure],
    policy: MissingPolicy,
) -> Result<InequalityReport> {
    let d = Distribution::with_policy(values, weights, policy)?;
    let mut out = BTreeMap::new();
    let mut errors = BTreeMap::new();
    for m in measures {
        match m.evaluate(&d) {
            Ok(v) if v.is_finite() => {
                out.insert(m.label(), Some(v));
            }
            Ok(v) => {
                // never a silent `null` (JSON has no ±inf): say why it is missing
                out.insert(m.label(), None);
                errors.insert(m.label(), beyond_range(v));
            }
            Err(e) => {
                out.insert(m.label(), None);
                errors.insert(m.label(), e.to_string());
            }
        }
    }
    let decomposition = match groups {
        None => None,
        Some(groups) => {
            if groups.len() != values.len() {
                return Err(Error::length_mismatch(
                    "groups vs values",
                    values.len(),
                    groups.len(),
                ));
            }
            let skip = matches!(policy, MissingPolicy::Skip);
            let keep: Vec<usize> = (0..values.len())
                .filter(|&i| !(skip && values[i].is_nan()))
                .collect();
            let v: Vec<f64> = keep.iter().map(|&i| values[i]).collect();
            let w: Option<Vec<f64>> = weights.map(|w| keep.iter().map(|&i| w[i]).collect());
            let g: Vec<usize> = keep.iter().map(|&i| groups[i]).collect();
            let ge = [0.0, 1.0, 2.0]
                .iter()
                .map(
                    |&alpha| match ge_decomposition(&v, w.as_deref(), &g, alpha) {
                        Ok(GeDecomposition {
                            total,
                            within,
                            between,
                            groups,
                            ..
                        }) => {
                            if let Some(v) = [total, within, between]
                                .into_iter()
                                .find(|v| !v.is_finite())
                            {
                                errors.insert(format!("ge_decomposition:{alpha}"), beyond_range(v));
                            }
                            let finite = |v: f64| v.is_finite().then_some(v);
                            GeRow {
                                alpha,
                                total: finite(total),
                                within: finite(within),
                                between: finite(between),
                                groups,
                            }
                        }
                        Err(e) => {
                            errors.insert(format!("ge_decomposition:{alpha}"), e.to_string());
                            GeRow {
                                alpha,
                                total: None,
                                within: None,
                                between: None,
                                groups: Vec::new(),
                            }
                        }
                    },
                )
                .collect();
            let gini = match dagum_gini_decomposition(&v, w.as_deref(), &g) {
                Ok(d) => {
                    let parts = [
                        d.total,
                        d.within,
                        d.between_net,
                        d.transvariation,
                        d.between_gross,
                    ];
                    match parts.into_iter().find(|v| !v.is_finite()) {
                        Some(v) => {
                            errors.insert("gini_decomposition".into(), beyond_range(v));
                            None
                        }
                        None => Some(d),
                    }
                }
                Err(e) => {
                    errors.insert("gini_decomposition".into(), e.to_string());
                    None
                }
            };
            Some(DecompositionReport {
                generalized_entropy: ge,
                gini,
            })
        }
    };
    Ok(InequalityReport {
        n: d.n(),
        n_input: d.n_input(),
        n_missing: d.n_missing(),
        n_zero_weight: d.n_zero_weight(),
        measures: out,
        order: measures.to_vec(),
        decomposition,
        errors,
    })
}

/// The reason given for a measure whose value is not a finite double (a total beyond
/// 1.8e308, say): JSON cannot carry ±inf or NaN, and the measure must not vanish silently.
fn beyond_range(v: f64) -> String {
    format!(
        "its value ({v}) is beyond the range of a double for these data; rescale the values (e.g. to 万元 or 亿元) and compute it again"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_every_table_name_parses() {
        for (n, p, _) in Measure::ALL {
            let text = if p.is_some() {
                format!("{n}:0.5")
            } else {
                n.to_string()
            };
            let m = Measure::parse(&text).unwrap();
            assert_eq!(m.name(), *n);
            assert_eq!(Measure::parse(&m.label()).unwrap(), m);
        }
        assert!(
            Measure::parse("palma").is_err(),
            "one set of names: palma_ratio"
        );
        assert!(
            Measure::parse("mld").is_err(),
            "one set of names: mean_log_deviation"
        );
        assert!(Measure::parse("atkinson")
            .unwrap_err()
            .to_string()
            .contains("epsilon"));
    }

    #[test]
    fn report_by_hand() {
        // x = 1, 2, 3, 4 unweighted: mean 2.5; Gini = Σ|xi−xj|/(2n²μ) = 20/(2·16·2.5) = 0.25
        let r = inequality_report(
            &[1.0, 2.0, 3.0, 4.0],
            None,
            Some(&[0, 0, 1, 1]),
            &[Measure::Mean, Measure::Gini],
            MissingPolicy::Error,
        )
        .unwrap();
        assert_eq!(r.measures["mean"], Some(2.5));
        assert!((r.measures["gini"].unwrap() - 0.25).abs() < 1e-12);
        // Dagum: groups {1,2} and {3,4}; within = Σ G_jj p_j s_j with G_jj = 1/(2·4·μ_j):
        // G_11 = 2/(8·1.5) = 1/6, p = 1/2, s = 3/10; G_22 = 2/(8·3.5) = 1/14, s = 7/10
        // within = 1/6·1/2·3/10 + 1/14·1/2·7/10 = 0.025 + 0.025 = 0.05
        let g = r.decomposition.unwrap().gini.unwrap();
        assert!((g.within - 0.05).abs() < 1e-12, "{}", g.within);
        assert!((g.total - 0.25).abs() < 1e-12);
    }
}
