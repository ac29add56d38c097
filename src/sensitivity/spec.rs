//! The sensitivity spec: the nominal methodology and the assumptions that are uncertain.
//!
//! JSON (every field but `assumptions` has a default; unknown fields are rejected):
//!
//! ```json
//! {
//!   "spec": { "normalisation": {"default": {"method": "min_max"}} },
//!   "assumptions": [
//!     {"kind": "normalisation", "alternatives": [{"default": {"method": "min_max"}},
//!                                                {"default": {"method": "z_score"}}]},
//!     {"kind": "aggregation", "alternatives": [{}, {"default": {"method": {"method": "geometric", "shift": 1}}}],
//!      "probabilities": [0.7, 0.3]},
//!     {"kind": "treatment", "alternatives": [{"enabled": true}, {"enabled": false}]},
//!     {"kind": "exclude_indicator"},
//!     {"kind": "weight_noise", "delta": 0.25}
//!   ],
//!   "n": 100, "bootstrap": 100, "seed": 20250101
//! }
//! ```

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::method::impute::ImputationSpec;
use crate::method::treat::TreatmentSpec;
use crate::method::weight::Weighting;
use crate::method::{AggregationSpec, NormalisationSpec, Spec};
use crate::model::Framework;

/// The default seed, printed in every result ([`SensitivitySpec::seed`]).
pub const DEFAULT_SEED: u64 = 20_250_101;

fn default_n() -> usize {
    100
}
fn default_bootstrap() -> usize {
    100
}
fn default_confidence() -> f64 {
    0.95
}
fn default_seed() -> u64 {
    DEFAULT_SEED
}
fn yes() -> bool {
    true
}

/// One uncertain assumption (JSON: an object with `kind`).
///
/// A discrete assumption lists `alternatives` with `probabilities` (default equal; written
/// out filled in). Each alternative of a section assumption (`normalisation`,
/// `aggregation`, `imputation`, `treatment`) **replaces that whole section** of the nominal
/// spec; the fields it omits take the section's defaults, not the nominal spec's. The
/// nominal value of the assumption is the nominal spec's section, which need not be among
/// the alternatives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Assumption {
    /// Alternative normalisation sections.
    Normalisation {
        /// The alternatives.
        alternatives: Vec<NormalisationSpec>,
        /// Their probabilities (default equal).
        #[serde(default)]
        probabilities: Vec<f64>,
    },
    /// Alternative aggregation sections.
    Aggregation {
        /// The alternatives.
        alternatives: Vec<AggregationSpec>,
        /// Their probabilities (default equal).
        #[serde(default)]
        probabilities: Vec<f64>,
    },
    /// Alternative imputation sections.
    Imputation {
        /// The alternatives.
        alternatives: Vec<ImputationSpec>,
        /// Their probabilities (default equal).
        #[serde(default)]
        probabilities: Vec<f64>,
    },
    /// Alternative outlier-treatment sections (`{"enabled": false}` = no treatment).
    Treatment {
        /// The alternatives.
        alternatives: Vec<TreatmentSpec>,
        /// Their probabilities (default equal).
        #[serde(default)]
        probabilities: Vec<f64>,
    },
    /// Leave one indicator out at a time (the OECD/JRC Handbook 2008 step 7 "inclusion /
    /// exclusion of individual indicators"); the left-out indicator's siblings share its
    /// weight. It is left out inside the pipeline as an indicator without data (the
    /// framework is not edited, so the references to it stay valid); a dimension whose only
    /// indicator it is goes with it (a warning names it). Alternatives: (none left out, if
    /// `include_none`), then each of `indicators`.
    ExcludeIndicator {
        /// The indicators that may be left out (default: every framework indicator).
        #[serde(default)]
        indicators: Vec<String>,
        /// Whether "none left out" is an alternative (default true).
        #[serde(default = "yes")]
        include_none: bool,
        /// Probabilities of the alternatives in the order above (default equal).
        #[serde(default)]
        probabilities: Vec<f64>,
    },
    /// Each indicator weight multiplied by an independent `U(1 − δ, 1 + δ)` factor, the
    /// weights then re-normalised within their dimension (COINr's weight noise,
    /// `get_sensitivity` with `Level`/`NoiseFactor`). Needs `weighting.indicators` =
    /// `manual` or `effective` in the nominal spec.
    WeightNoise {
        /// The half-width δ, 0 < δ < 1.
        delta: f64,
    },
    /// Indicator weights within each dimension drawn from a Dirichlet distribution centred
    /// on the nominal weights: `w ~ Dir(c·w̄)`, so `E[wⱼ] = w̄ⱼ` and `Var[wⱼ] =
    /// w̄ⱼ(1 − w̄ⱼ)/(c + 1)` (Kotz, Balakrishnan & Johnson 2000, ch. 49). Needs manual or
    /// effective indicator weights.
    WeightDirichlet {
        /// The concentration `c > 0` (larger = closer to the nominal weights).
        concentration: f64,
    },
}

impl Assumption {
    /// The assumption's name in the results (its `kind`).
    pub fn name(&self) -> &'static str {
        match self {
            Assumption::Normalisation { .. } => "normalisation",
            Assumption::Aggregation { .. } => "aggregation",
            Assumption::Imputation { .. } => "imputation",
            Assumption::Treatment { .. } => "treatment",
            Assumption::ExcludeIndicator { .. } => "exclude_indicator",
            Assumption::WeightNoise { .. } => "weight_noise",
            Assumption::WeightDirichlet { .. } => "weight_dirichlet",
        }
    }

    /// Number of discrete alternatives (`None` for a continuous assumption).
    pub fn n_alternatives(&self) -> Option<usize> {
        match self {
            Assumption::Normalisation { alternatives, .. } => Some(alternatives.len()),
            Assumption::Aggregation { alternatives, .. } => Some(alternatives.len()),
            Assumption::Imputation { alternatives, .. } => Some(alternatives.len()),
            Assumption::Treatment { alternatives, .. } => Some(alternatives.len()),
            Assumption::ExcludeIndicator {
                indicators,
                include_none,
                ..
            } => Some(indicators.len() + usize::from(*include_none)),
            Assumption::WeightNoise { .. } | Assumption::WeightDirichlet { .. } => None,
        }
    }

    fn probabilities_mut(&mut self) -> Option<&mut Vec<f64>> {
        match self {
            Assumption::Normalisation { probabilities, .. }
            | Assumption::Aggregation { probabilities, .. }
            | Assumption::Imputation { probabilities, .. }
            | Assumption::Treatment { probabilities, .. }
            | Assumption::ExcludeIndicator { probabilities, .. } => Some(probabilities),
            Assumption::WeightNoise { .. } | Assumption::WeightDirichlet { .. } => None,
        }
    }

    /// The probabilities of a discrete assumption (empty for a continuous one).
    pub fn probabilities(&self) -> &[f64] {
        match self {
            Assumption::Normalisation { probabilities, .. }
            | Assumption::Aggregation { probabilities, .. }
            | Assumption::Imputation { probabilities, .. }
            | Assumption::Treatment { probabilities, .. }
            | Assumption::ExcludeIndicator { probabilities, .. } => probabilities,
            Assumption::WeightNoise { .. } | Assumption::WeightDirichlet { .. } => &[],
        }
    }

    /// The alternative a uniform variate `u ∈ [0, 1)` selects: the first `j` with
    /// `u < p₁ + … + pⱼ` (inverse-CDF mapping of a uniform variate onto a discrete
    /// distribution, as COINr maps its sample onto alternatives); the last alternative if
    /// rounding leaves `u` above the cumulative sum.
    pub fn pick(&self, u: f64) -> usize {
        let p = self.probabilities();
        let mut cum = 0.0;
        for (j, &pj) in p.iter().enumerate() {
            cum += pj;
            if u < cum {
                return j;
            }
        }
        p.len().saturating_sub(1)
    }
}

/// The sensitivity spec (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitivitySpec {
    /// The nominal methodology (default: the default [`Spec`]).
    #[serde(default)]
    pub spec: Spec,
    /// The uncertain assumptions (at least one; at most one of each kind, and not both
    /// weight kinds).
    pub assumptions: Vec<Assumption>,
    /// The period whose index ranks are analysed (default: the last computed period).
    #[serde(default)]
    pub period: Option<i32>,
    /// Base sample size `N` (default 100): `N(k + 2)` runs for `k` assumptions.
    #[serde(default = "default_n")]
    pub n: usize,
    /// Bootstrap draws for the Sobol intervals (default 100; 0 = none).
    #[serde(default = "default_bootstrap")]
    pub bootstrap: usize,
    /// Confidence level of the bootstrap intervals (default 0.95).
    #[serde(default = "default_confidence")]
    pub confidence: f64,
    /// The seed of every random stream (default [`DEFAULT_SEED`], printed in the result).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Also estimate the indices of each unit's rank (default false: only of the mean
    /// absolute rank shift, as COINr).
    #[serde(default)]
    pub unit_ranks: bool,
    /// Worker threads (default `None` = the machine's available parallelism), at most one
    /// per run and at most [`super::MAX_THREADS_PER_CORE`] × the available parallelism; a
    /// thread the system refuses is no error (the calling thread does its share). The
    /// results do not depend on it.
    #[serde(default)]
    pub threads: Option<usize>,
}

impl SensitivitySpec {
    /// A spec with these assumptions and every other field at its default.
    pub fn new(spec: Spec, assumptions: Vec<Assumption>) -> SensitivitySpec {
        SensitivitySpec {
            spec,
            assumptions,
            period: None,
            n: default_n(),
            bootstrap: default_bootstrap(),
            confidence: default_confidence(),
            seed: DEFAULT_SEED,
            unit_ranks: false,
            threads: None,
        }
    }

    /// Parses a sensitivity spec from JSON and checks it with [`SensitivitySpec::validate`];
    /// the nominal `spec` member goes through [`Spec::from_json`] (its errors name the field
    /// as `spec.…`). Unknown fields anywhere are [`Error::InvalidSpec`] naming them.
    pub fn from_json(text: &str) -> Result<SensitivitySpec> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::from_json("sensitivity spec", &e))?;
        let mut obj = value
            .as_object()
            .cloned()
            .ok_or_else(|| Error::invalid_spec("(root)", "a sensitivity spec is a JSON object"))?;
        let nominal = match obj.remove("spec") {
            None => Spec::default(),
            Some(v) => Spec::from_json(&v.to_string()).map_err(|e| match e {
                Error::InvalidSpec { field, message } => {
                    Error::invalid_spec(format!("spec.{field}"), message)
                }
                other => other,
            })?,
        };
        obj.insert(
            "spec".into(),
            serde_json::to_value(&nominal).expect("a spec always serialises"),
        );
        let rest = serde_json::Value::Object(obj);
        let mut s: SensitivitySpec = serde_json::from_value(rest.clone())
            .map_err(|e| Error::invalid_spec("(sensitivity spec)", e.to_string()))?;
        // nested method types ignore unknown keys: a key missing from the round trip is
        // unknown (the same check as the nominal spec's)
        let back = serde_json::to_value(&s).expect("a sensitivity spec always serialises");
        crate::method::spec::check_known(&rest, &back, "")?;
        s.spec = nominal;
        s.validate()?;
        Ok(s)
    }

    /// The spec as pretty JSON, every default written out.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a sensitivity spec always serialises")
    }

    /// Fills in the defaults that depend on the framework: the indicators of
    /// `exclude_indicator` (every framework indicator when empty) and equal probabilities.
    pub fn resolve(&mut self, framework: &Framework) {
        for a in &mut self.assumptions {
            if let Assumption::ExcludeIndicator { indicators, .. } = a {
                if indicators.is_empty() {
                    *indicators = framework.indicators.iter().map(|i| i.id.clone()).collect();
                }
            }
            let m = a.n_alternatives();
            if let (Some(m), Some(p)) = (m, a.probabilities_mut()) {
                if p.is_empty() && m > 0 {
                    *p = vec![1.0 / m as f64; m];
                }
            }
        }
    }

    /// Checks what serde cannot: sizes, probabilities, parameter ranges, one assumption per
    /// kind, and the nominal spec. Errors name the field (`assumptions[1].probabilities`).
    pub fn validate(&self) -> Result<()> {
        self.spec.validate().map_err(|e| match e {
            Error::InvalidSpec { field, message } => {
                Error::invalid_spec(format!("spec.{field}"), message)
            }
            other => other,
        })?;
        if self.assumptions.is_empty() {
            return Err(Error::invalid_spec(
                "assumptions",
                "list at least one uncertain assumption",
            ));
        }
        if self.n < 2 {
            return Err(Error::invalid_spec(
                "n",
                format!("the base sample needs at least 2 rows, found {}", self.n),
            ));
        }
        if self.bootstrap > 0 && self.n < super::sobol::MIN_BOOTSTRAP_N {
            return Err(Error::invalid_spec(
                "n",
                format!(
                    "N = {} is too small for the bootstrap (needs n ≥ {}); raise n or set bootstrap = 0",
                    self.n,
                    super::sobol::MIN_BOOTSTRAP_N
                ),
            ));
        }
        if self.bootstrap == 1 {
            return Err(Error::invalid_spec(
                "bootstrap",
                "a bootstrap standard error needs at least 2 draws (or 0 for none)",
            ));
        }
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(Error::invalid_spec(
                "confidence",
                format!(
                    "must lie strictly between 0 and 1, found {}",
                    self.confidence
                ),
            ));
        }
        if self.threads == Some(0) {
            return Err(Error::invalid_spec(
                "threads",
                "at least 1 (omit the field for the machine's parallelism)",
            ));
        }
        let mut kinds: Vec<&str> = Vec::new();
        for (k, a) in self.assumptions.iter().enumerate() {
            let field = |f: &str| format!("assumptions[{k}].{f}");
            let weight_kind = matches!(
                a,
                Assumption::WeightNoise { .. } | Assumption::WeightDirichlet { .. }
            );
            let name = if weight_kind { "weights" } else { a.name() };
            if kinds.contains(&name) {
                return Err(Error::invalid_spec(
                    format!("assumptions[{k}]"),
                    format!(
                        "a second `{}` assumption: list the alternatives in one (weight_noise and weight_dirichlet exclude each other)",
                        a.name()
                    ),
                ));
            }
            kinds.push(name);
            match a {
                Assumption::WeightNoise { delta } => {
                    if !(delta.is_finite() && *delta > 0.0 && *delta < 1.0) {
                        return Err(Error::invalid_spec(
                            field("delta"),
                            format!("must lie strictly between 0 and 1, found {delta}"),
                        ));
                    }
                }
                Assumption::WeightDirichlet { concentration } => {
                    if !(concentration.is_finite() && *concentration > 0.0) {
                        return Err(Error::invalid_spec(
                            field("concentration"),
                            format!("must be positive and finite, found {concentration}"),
                        ));
                    }
                }
                Assumption::Normalisation { .. }
                | Assumption::Aggregation { .. }
                | Assumption::Imputation { .. }
                | Assumption::Treatment { .. }
                | Assumption::ExcludeIndicator { .. } => {}
            }
            if weight_kind
                && !matches!(
                    self.spec.weighting.indicators,
                    Weighting::Manual | Weighting::Effective
                )
            {
                return Err(Error::invalid_spec(
                    field("kind"),
                    "perturbs the framework's indicator weights, but spec.weighting.indicators is data-driven or equal; use manual or effective",
                ));
            }
            if let Some(m) = a.n_alternatives() {
                let exclusion_default = matches!(a, Assumption::ExcludeIndicator { indicators, .. } if indicators.is_empty());
                if m == 0 && !exclusion_default {
                    return Err(Error::invalid_spec(
                        field("alternatives"),
                        "list at least one alternative",
                    ));
                }
                let p = a.probabilities();
                if !p.is_empty() {
                    if !exclusion_default && p.len() != m {
                        return Err(Error::invalid_spec(
                            field("probabilities"),
                            format!("{} probabilities for {m} alternatives", p.len()),
                        ));
                    }
                    if let Some(x) = p.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
                        return Err(Error::invalid_spec(
                            field("probabilities"),
                            format!("must be non-negative and finite, found {x}"),
                        ));
                    }
                    let s: f64 = p.iter().sum();
                    if (s - 1.0).abs() > 1e-9 {
                        return Err(Error::invalid_spec(
                            field("probabilities"),
                            format!("must sum to 1, found {s}"),
                        ));
                    }
                }
            }
            for (j, alt) in section_alternatives(a).into_iter().enumerate() {
                let mut spec = self.spec.clone();
                alt.apply(&mut spec);
                spec.validate().map_err(|e| match e {
                    Error::InvalidSpec { field: f, message } => Error::invalid_spec(
                        format!("assumptions[{k}].alternatives[{j}] ({f})"),
                        message,
                    ),
                    other => other,
                })?;
            }
        }
        Ok(())
    }

    /// Checks the ids the spec names against a framework: the nominal spec's, every
    /// alternative's, and the excluded indicators (each must be a framework indicator
    /// whose removal leaves at least one indicator).
    pub fn validate_against(&self, framework: &Framework) -> Result<()> {
        self.spec.validate_against(framework)?;
        for (k, a) in self.assumptions.iter().enumerate() {
            for (j, alt) in section_alternatives(a).into_iter().enumerate() {
                let mut spec = self.spec.clone();
                alt.apply(&mut spec);
                spec.validate_against(framework).map_err(|e| match e {
                    Error::InvalidSpec { field: f, message } => Error::invalid_spec(
                        format!("assumptions[{k}].alternatives[{j}] ({f})"),
                        message,
                    ),
                    other => other,
                })?;
            }
            if let Assumption::ExcludeIndicator { indicators, .. } = a {
                for id in indicators {
                    if framework.indicator(id).is_none() {
                        return Err(Error::invalid_spec(
                            format!("assumptions[{k}].indicators"),
                            format!(
                                "unknown indicator `{id}` (not in framework `{}`)",
                                framework.id
                            ),
                        ));
                    }
                }
                if framework.indicators.len() < 2 {
                    return Err(Error::invalid_spec(
                        format!("assumptions[{k}]"),
                        "leaving an indicator out of a one-indicator framework leaves nothing",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A spec section an alternative replaces.
#[derive(Debug, Clone)]
pub(crate) enum SectionAlternative<'a> {
    Normalisation(&'a NormalisationSpec),
    Aggregation(&'a AggregationSpec),
    Imputation(&'a ImputationSpec),
    Treatment(&'a TreatmentSpec),
}

impl SectionAlternative<'_> {
    /// Replaces the section in `spec`.
    pub(crate) fn apply(&self, spec: &mut Spec) {
        match self {
            SectionAlternative::Normalisation(s) => spec.normalisation = (*s).clone(),
            SectionAlternative::Aggregation(s) => spec.aggregation = (*s).clone(),
            SectionAlternative::Imputation(s) => spec.imputation = (*s).clone(),
            SectionAlternative::Treatment(s) => spec.treatment = (*s).clone(),
        }
    }
}

/// The section alternatives of an assumption (empty for exclusion and weights).
pub(crate) fn section_alternatives(a: &Assumption) -> Vec<SectionAlternative<'_>> {
    match a {
        Assumption::Normalisation { alternatives, .. } => alternatives
            .iter()
            .map(SectionAlternative::Normalisation)
            .collect(),
        Assumption::Aggregation { alternatives, .. } => alternatives
            .iter()
            .map(SectionAlternative::Aggregation)
            .collect(),
        Assumption::Imputation { alternatives, .. } => alternatives
            .iter()
            .map(SectionAlternative::Imputation)
            .collect(),
        Assumption::Treatment { alternatives, .. } => alternatives
            .iter()
            .map(SectionAlternative::Treatment)
            .collect(),
        Assumption::ExcludeIndicator { .. }
        | Assumption::WeightNoise { .. }
        | Assumption::WeightDirichlet { .. } => Vec::new(),
    }
}
