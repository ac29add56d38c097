//! Mergeable partial summaries for the additive (moment-based) measures: build one
//! [`Summary`] per chunk of records (a Spark partition, a file, a thread's share), merge
//! them in any grouping and order, and finalise the mean, GE(α), Theil T, MLD, Atkinson,
//! CV and the GE between/within decomposition from the merged state.
//!
//! **Exactness.** Every additive term (`w`, `w·x`, `w·x²`, `w·ln x`, `w·x·ln x`, `w·x^α`)
//! is computed per record in `f64` exactly as written (one rounding per product or
//! elementary function) and then added to an exact accumulator (`exact::ExactSum`): the
//! sums carry no rounding error, merging is exact, and each sum is read as the correctly
//! rounded `f64` of the exact sum. Hence a summary built from the records in one chunk and
//! the merge of summaries of any split of them, merged in any order, give **bit-for-bit
//! the same** state and the same measures. Against the single-machine
//! [`Distribution`](super::Distribution), which sums `wᵢ(xᵢ/μ)^α` sequentially in sorted
//! order, the finalised measures agree to about 1e-13 relative on income-like data; the
//! finalising formulas subtract (`Σwx²/W − μ²`, `Σwx ln x/Σwx − ln μ`), so the relative
//! error of CV² and GE(2) is bounded by about `ε·(1 + 1/CV²)` (ε = 2⁻⁵²) and that of Theil
//! and MLD by about `ε·max|ln x|/GE` — harmless for incomes, not for data with a CV below 1e-3.
//!
//! `ln` and `powf` come from the platform's libm: bit-for-bit equality across machines
//! needs the same libm on every executor (glibc's `log` is correctly rounded in practice).

use super::decompose::{ge_between, ge_between_term, GeDecomposition, GroupSummary};
use super::dist::{classify_record, MissingPolicy, RecordUse};
use super::exact::{seal, unseal, ExactSum, Reader};
use super::near_limit::SERIES;
use crate::error::{Error, Result};

/// Serialisation kind of a [`Summary`].
pub(crate) const KIND_SUMMARY: u16 = 1;

/// A mergeable summary of a chunk of weighted records (see the module documentation).
///
/// Records with a NaN value are an error or counted and dropped (by the
/// [`MissingPolicy`]); records with weight 0 are counted and dropped, as in
/// [`Distribution`](super::Distribution). The α list is fixed at creation (GE(α) for those
/// α, Atkinson(ε) for ε = 1 − α); summaries merge only with the same α list.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    alphas: Vec<f64>,
    n: u64,
    n_missing: u64,
    n_zero_weight: u64,
    n_nonpositive: u64,
    n_negative: u64,
    min: f64,
    max: f64,
    /// The common weight while every kept weight is equal (NaN before the first record).
    w0: f64,
    equal_weights: bool,
    sw: ExactSum,
    swx: ExactSum,
    swx2: ExactSum,
    /// Σ w ln x over x > 0.
    swlnx: ExactSum,
    /// Σ w x ln x over x > 0.
    swxlnx: ExactSum,
    /// Σ w x^α over x > 0, one per α.
    swxa: Vec<ExactSum>,
}

fn check_alphas(alphas: &[f64]) -> Result<()> {
    for (i, a) in alphas.iter().enumerate() {
        if !a.is_finite() {
            return Err(Error::invalid_argument(
                format!("alphas[{i}]"),
                format!("must be finite, got {a}"),
            ));
        }
    }
    Ok(())
}

/// `x^α` as [`Distribution`](super::Distribution) evaluates `(x/μ)^α`: `x·x` for α = 2,
/// `powi` for other integers up to 64 in magnitude, `powf` otherwise.
#[inline]
fn pow_alpha(x: f64, alpha: f64) -> f64 {
    if alpha == 2.0 {
        x * x
    } else if alpha.fract() == 0.0 && alpha.abs() <= 64.0 {
        x.powi(alpha as i32)
    } else {
        x.powf(alpha)
    }
}

impl Summary {
    /// An empty summary for the given α list (each finite).
    pub fn empty(alphas: &[f64]) -> Result<Self> {
        check_alphas(alphas)?;
        Ok(Summary {
            alphas: alphas.to_vec(),
            n: 0,
            n_missing: 0,
            n_zero_weight: 0,
            n_nonpositive: 0,
            n_negative: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            w0: f64::NAN,
            equal_weights: true,
            sw: ExactSum::default(),
            swx: ExactSum::default(),
            swx2: ExactSum::default(),
            swlnx: ExactSum::default(),
            swxlnx: ExactSum::default(),
            swxa: vec![ExactSum::default(); alphas.len()],
        })
    }

    /// Summarises one chunk of records. `weights = None` means every weight 1. Errors as
    /// [`Distribution::with_policy`](super::Distribution::with_policy) names them (positions
    /// are within this chunk), except that an empty chunk or a chunk whose records are all
    /// dropped is fine (it merges as nothing); and a term that overflows `f64` (e.g.
    /// `w·x²` above 1.8e308) is [`Error::InvalidValue`].
    pub fn from_records(
        values: &[f64],
        weights: Option<&[f64]>,
        alphas: &[f64],
        policy: MissingPolicy,
    ) -> Result<Self> {
        let mut s = Self::empty(alphas)?;
        s.add_records(values, weights, policy)?;
        Ok(s)
    }

    /// Adds the records of another chunk to this summary (same rules as
    /// [`from_records`](Self::from_records)). On error `self` is unchanged.
    pub fn add_records(
        &mut self,
        values: &[f64],
        weights: Option<&[f64]>,
        policy: MissingPolicy,
    ) -> Result<()> {
        if let Some(w) = weights {
            if w.len() != values.len() {
                return Err(Error::length_mismatch(
                    "weights vs values",
                    values.len(),
                    w.len(),
                ));
            }
        }
        let mut next = self.clone();
        for (i, &v) in values.iter().enumerate() {
            let w = weights.map_or(1.0, |w| w[i]);
            match classify_record(i, v, w, policy)? {
                RecordUse::Missing => {
                    next.n_missing += 1;
                    continue;
                }
                RecordUse::ZeroWeight => {
                    next.n_zero_weight += 1;
                    continue;
                }
                RecordUse::Kept => {}
            }
            next.push(i, v + 0.0, w)?;
        }
        *self = next;
        Ok(())
    }

    #[inline]
    fn push(&mut self, i: usize, x: f64, w: f64) -> Result<()> {
        let overflow = |what: &str| {
            Error::invalid_value(
                format!("values[{i}]"),
                x,
                format!("with weight {w}: the term {what} overflows the f64 range"),
            )
        };
        let wx = w * x;
        let wx2 = wx * x;
        if !wx2.is_finite() {
            return Err(overflow("w·x²"));
        }
        self.sw.add(w);
        self.swx.add(wx);
        self.swx2.add(wx2);
        if x > 0.0 {
            let l = x.ln();
            self.swlnx.add(w * l);
            self.swxlnx.add(wx * l);
            for (acc, &a) in self.swxa.iter_mut().zip(&self.alphas) {
                let t = w * pow_alpha(x, a);
                if !t.is_finite() {
                    return Err(overflow(&format!("w·x^{a}")));
                }
                acc.add(t);
            }
        } else {
            self.n_nonpositive += 1;
            if x < 0.0 {
                self.n_negative += 1;
            }
        }
        if self.w0.is_nan() {
            self.w0 = w;
        } else if w != self.w0 {
            self.equal_weights = false;
        }
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        self.n += 1;
        Ok(())
    }

    /// Merges another summary into this one (exact: see the module documentation). Both
    /// must have been created with the same α list, else [`Error::InvalidArgument`].
    pub fn merge(&mut self, other: &Summary) -> Result<()> {
        if self.alphas.len() != other.alphas.len()
            || self
                .alphas
                .iter()
                .zip(&other.alphas)
                .any(|(a, b)| a.to_bits() != b.to_bits())
        {
            return Err(Error::invalid_argument(
                "other",
                format!(
                    "summaries with different α lists cannot be merged ({:?} vs {:?})",
                    self.alphas, other.alphas
                ),
            ));
        }
        self.n += other.n;
        self.n_missing += other.n_missing;
        self.n_zero_weight += other.n_zero_weight;
        self.n_nonpositive += other.n_nonpositive;
        self.n_negative += other.n_negative;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        if other.n > 0 {
            if self.w0.is_nan() {
                self.w0 = other.w0;
                self.equal_weights = other.equal_weights;
            } else {
                self.equal_weights &= other.equal_weights && other.w0 == self.w0;
            }
        }
        self.sw.merge(&other.sw);
        self.swx.merge(&other.swx);
        self.swx2.merge(&other.swx2);
        self.swlnx.merge(&other.swlnx);
        self.swxlnx.merge(&other.swxlnx);
        for (a, b) in self.swxa.iter_mut().zip(&other.swxa) {
            a.merge(b);
        }
        Ok(())
    }

    /// The α list given at creation.
    pub fn alphas(&self) -> &[f64] {
        &self.alphas
    }
    /// Number of records kept (non-missing, positive weight).
    pub fn n(&self) -> u64 {
        self.n
    }
    /// Number of missing values dropped under [`MissingPolicy::Skip`].
    pub fn n_missing(&self) -> u64 {
        self.n_missing
    }
    /// Number of records dropped because their weight is 0.
    pub fn n_zero_weight(&self) -> u64 {
        self.n_zero_weight
    }
    /// Number of kept records with a value ≤ 0.
    pub fn n_nonpositive(&self) -> u64 {
        self.n_nonpositive
    }
    /// Number of kept records with a value < 0.
    pub fn n_negative(&self) -> u64 {
        self.n_negative
    }
    /// Whether every kept weight is the same.
    pub fn has_equal_weights(&self) -> bool {
        self.equal_weights
    }
    /// Total weight `W` (correctly rounded exact sum).
    pub fn total_weight(&self) -> f64 {
        self.sw.value()
    }
    /// Total weighted value `Σ wᵢxᵢ` (correctly rounded exact sum).
    pub fn total(&self) -> f64 {
        self.swx.value()
    }

    fn require_records(&self) -> Result<()> {
        if self.n == 0 {
            return Err(Error::Empty {
                context: format!(
                    "values (no record with a value and a positive weight; {} missing, {} with weight 0)",
                    self.n_missing, self.n_zero_weight
                ),
            });
        }
        Ok(())
    }

    /// Smallest kept value.
    pub fn min(&self) -> Result<f64> {
        self.require_records()?;
        Ok(self.min)
    }
    /// Largest kept value.
    pub fn max(&self) -> Result<f64> {
        self.require_records()?;
        Ok(self.max)
    }

    /// Weighted mean `μ = Σwx / Σw`.
    pub fn mean(&self) -> Result<f64> {
        self.require_records()?;
        Ok(self.total() / self.total_weight())
    }

    fn positive_mean(&self, what: &str) -> Result<f64> {
        let mu = self.mean()?;
        if mu > 0.0 {
            Ok(mu)
        } else {
            Err(Error::invalid_value(
                "mean of values",
                mu,
                format!("for the {what} (it needs a positive mean)"),
            ))
        }
    }

    fn require_domain(&self, strict: bool, what: &str) -> Result<()> {
        let (count, need) = if strict {
            (self.n_nonpositive, "> 0")
        } else {
            (self.n_negative, "≥ 0")
        };
        if count > 0 {
            return Err(Error::invalid_value(
                format!("values ({count} records, the smallest being)"),
                self.min,
                format!("for the {what} (it needs every value {need})"),
            ));
        }
        Ok(())
    }

    fn alpha_sum(&self, alpha: f64, what: &str) -> Result<f64> {
        let k = self
            .alphas
            .iter()
            .position(|a| a.to_bits() == alpha.to_bits())
            .ok_or_else(|| {
                Error::invalid_argument(
                    "alpha",
                    format!(
                        "the {what} needs Σw·x^{alpha}, which this summary does not hold \
                         (create the summaries with {alpha} in the α list; it has {:?})",
                        self.alphas
                    ),
                )
            })?;
        Ok(self.swxa[k].value())
    }

    /// Generalised entropy GE(α) from the moments (Shorrocks 1980; Cowell 2011 §3.3):
    /// * α ∉ {0, 1}: `[Σw x^α / (W μ^α) − 1] / (α(α−1))` — α must be in the α list, except
    ///   α = 2, taken from `Σwx²` over every record (negative values allowed, as GE(2) = CV²/2);
    /// * α = 1 (Theil T): `Σ w x ln x / Σ w x − ln μ` (0·ln 0 = 0);
    /// * α = 0 (MLD): `ln μ − Σ w ln x / W`.
    ///
    /// Near α = 0 or 1 the summary can do no better than its stored sums: `Σw·x^α` holds
    /// each `x^α` rounded, and the first form subtracts 1 from a ratio that tends to 1, so
    /// its absolute error is about 2⁻⁵²/|α| (or /|α − 1|) — 2·10⁻⁸ at the worst point,
    /// where within 10⁻⁸ (`near_limit::SERIES`) of 0 or 1 the limit form (MLD, Theil T) is
    /// returned instead (its distance from GE(α) is about |α|·E[ln²(x/μ)]/2). For GE near
    /// 0 or 1 to double precision use [`Distribution`](super::Distribution) on the
    /// records.
    ///
    /// Same domain rules and errors as
    /// [`Distribution::generalized_entropy`](super::Distribution::generalized_entropy).
    pub fn generalized_entropy(&self, alpha: f64) -> Result<f64> {
        if !alpha.is_finite() {
            return Err(Error::invalid_argument(
                "alpha",
                format!("must be finite, got {alpha}"),
            ));
        }
        let what = if alpha == 0.0 {
            "mean log deviation GE(0)".to_string()
        } else if alpha == 1.0 {
            "Theil index GE(1)".to_string()
        } else {
            format!("generalised entropy GE({alpha})")
        };
        self.require_records()?;
        // GE(2) = CV²/2 is defined for negative values too, as in `Distribution`
        if alpha != 2.0 {
            self.require_domain(alpha <= 0.0, &what)?;
        }
        let mu = self.positive_mean(&what)?;
        let w = self.total_weight();
        if alpha == 2.0 {
            // from Σwx² over every record (the α list is not needed)
            return Ok((self.swx2.value() / (w * mu * mu) - 1.0) / 2.0);
        }
        // within SERIES of 0 or 1 the stored Σw·x^α has lost the digits of the difference
        // (see the doc above): the limit itself is the closer value
        if alpha == 1.0 || (alpha - 1.0).abs() < SERIES {
            Ok(self.swxlnx.value() / self.total() - mu.ln())
        } else if alpha == 0.0 || alpha.abs() < SERIES {
            Ok(mu.ln() - self.swlnx.value() / w)
        } else {
            let m = self.alpha_sum(alpha, &what)?;
            Ok((m / (w * pow_alpha(mu, alpha)) - 1.0) / (alpha * (alpha - 1.0)))
        }
    }

    /// Theil T = GE(1).
    pub fn theil_t(&self) -> Result<f64> {
        self.generalized_entropy(1.0)
    }

    /// Mean log deviation = GE(0).
    pub fn mean_log_deviation(&self) -> Result<f64> {
        self.generalized_entropy(0.0)
    }

    /// Atkinson index (Atkinson 1970; Cowell 2011 §3.4): ε = 1 `1 − exp(Σw ln x / W)/μ`,
    /// otherwise `1 − (Σw x^(1−ε) / W)^(1/(1−ε)) / μ` — 1 − ε must be in the α list. Within
    /// 10⁻⁸ of ε = 1 the ε = 1 form (the moment form loses digits there; see
    /// [`Summary::generalized_entropy`]).
    /// Domain as [`Distribution::atkinson`](super::Distribution::atkinson).
    pub fn atkinson(&self, epsilon: f64) -> Result<f64> {
        if !(epsilon.is_finite() && epsilon >= 0.0) {
            return Err(Error::invalid_argument(
                "epsilon",
                format!("the inequality aversion must be finite and ≥ 0, got {epsilon}"),
            ));
        }
        let what = format!("Atkinson index A({epsilon})");
        self.require_records()?;
        self.require_domain(epsilon >= 1.0, &what)?;
        let mu = self.positive_mean(&what)?;
        if epsilon == 0.0 {
            return Ok(0.0);
        }
        let w = self.total_weight();
        if epsilon == 1.0 || (1.0 - epsilon).abs() < SERIES {
            return Ok(1.0 - (self.swlnx.value() / w).exp() / mu);
        }
        let e = 1.0 - epsilon;
        let m = self.alpha_sum(e, &what)?;
        Ok(1.0 - (m / w).powf(1.0 / e) / mu)
    }

    /// Population coefficient of variation `√(Σwx²/W − μ²)/μ` (Cowell 2011 §2.2); see the
    /// module documentation for its rounding bound. Needs a positive mean.
    pub fn coefficient_of_variation(&self) -> Result<f64> {
        self.require_records()?;
        let mu = self.positive_mean("coefficient of variation")?;
        let var = (self.swx2.value() / self.total_weight() - mu * mu).max(0.0);
        Ok(var.sqrt() / mu)
    }

    /// Serialises the summary: the `CPXD` envelope (magic, format version, kind, length,
    /// CRC-32; all little-endian) around the counts, extremes, α list and exact sums.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(256 + 600 * (5 + self.alphas.len()));
        for c in [
            self.n,
            self.n_missing,
            self.n_zero_weight,
            self.n_nonpositive,
            self.n_negative,
        ] {
            p.extend_from_slice(&c.to_le_bytes());
        }
        for f in [self.min, self.max, self.w0] {
            p.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        p.push(self.equal_weights as u8);
        p.extend_from_slice(&(self.alphas.len() as u32).to_le_bytes());
        for a in &self.alphas {
            p.extend_from_slice(&a.to_bits().to_le_bytes());
        }
        for s in [&self.sw, &self.swx, &self.swx2, &self.swlnx, &self.swxlnx] {
            s.write_to(&mut p);
        }
        for s in &self.swxa {
            s.write_to(&mut p);
        }
        seal(KIND_SUMMARY, &p)
    }

    /// Reads a summary written by [`to_bytes`](Self::to_bytes). A truncated, corrupt
    /// (checksum), foreign (magic), other-version or inconsistent buffer is
    /// [`Error::InvalidArgument`], never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let payload = unseal(bytes, KIND_SUMMARY, "distribution summary")?;
        let mut r = Reader::new(payload, "distribution summary");
        let n = r.u64()?;
        let n_missing = r.u64()?;
        let n_zero_weight = r.u64()?;
        let n_nonpositive = r.u64()?;
        let n_negative = r.u64()?;
        let (min, max, w0) = (r.f64()?, r.f64()?, r.f64()?);
        let equal_weights = match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err(r.corrupt("the equal-weights flag is not 0 or 1")),
        };
        let k = r.u32()? as usize;
        if k > payload.len() / 8 {
            return Err(r.corrupt("the α count exceeds the buffer"));
        }
        let mut alphas = Vec::with_capacity(k);
        for _ in 0..k {
            let a = r.f64()?;
            if !a.is_finite() {
                return Err(r.corrupt("an α is not finite"));
            }
            alphas.push(a);
        }
        let sw = ExactSum::read_from(&mut r)?;
        let swx = ExactSum::read_from(&mut r)?;
        let swx2 = ExactSum::read_from(&mut r)?;
        let swlnx = ExactSum::read_from(&mut r)?;
        let swxlnx = ExactSum::read_from(&mut r)?;
        let mut swxa = Vec::with_capacity(k);
        for _ in 0..k {
            swxa.push(ExactSum::read_from(&mut r)?);
        }
        if !r.done() {
            return Err(r.corrupt("bytes left over after the last field"));
        }
        let consistent = n_nonpositive <= n
            && n_negative <= n_nonpositive
            && if n == 0 {
                min == f64::INFINITY && max == f64::NEG_INFINITY && w0.is_nan()
            } else {
                min.is_finite() && max.is_finite() && min <= max && w0 > 0.0 && w0.is_finite()
            };
        if !consistent {
            return Err(r.corrupt("the counts and extremes are inconsistent"));
        }
        Ok(Summary {
            alphas,
            n,
            n_missing,
            n_zero_weight,
            n_nonpositive,
            n_negative,
            min,
            max,
            w0,
            equal_weights,
            sw,
            swx,
            swx2,
            swlnx,
            swxlnx,
            swxa,
        })
    }
}

/// Shorrocks' GE(α) decomposition (Shorrocks 1980, 1984; Cowell 2011 §4.5) from one
/// merged [`Summary`] per group, as [`ge_decomposition`](super::ge_decomposition) computes
/// it from records: `total = Σ_g v_g^(1−α) s_g^α GE_g + GE_B`, `GE_B` the GE(α) of the
/// group means weighted by the group populations. `groups` pairs each caller label with its
/// summary (labels need not be sorted; the result lists the groups in ascending label order).
/// Groups with no kept record are left out; a group whose mean is 0 has `index = None`.
pub fn ge_decomposition_from_summaries(
    groups: &[(usize, Summary)],
    alpha: f64,
) -> Result<GeDecomposition> {
    let first = groups.first().ok_or_else(|| Error::Empty {
        context: "groups".into(),
    })?;
    let mut all = Summary::empty(first.1.alphas())?;
    let mut sorted: Vec<&(usize, Summary)> = groups.iter().filter(|g| g.1.n() > 0).collect();
    sorted.sort_by_key(|g| g.0);
    for w in sorted.windows(2) {
        if w[0].0 == w[1].0 {
            return Err(Error::invalid_argument(
                "groups",
                format!(
                    "the label {} appears twice (merge its summaries first)",
                    w[0].0
                ),
            ));
        }
    }
    for g in &sorted {
        all.merge(&g.1)?;
    }
    let total = all.generalized_entropy(alpha)?;
    let (w_all, t_all) = (all.total_weight(), all.total());
    let mu = all.mean()?;
    let mut within = 0.0;
    let mut between_acc = 0.0;
    let mut out = Vec::with_capacity(sorted.len());
    for (label, s) in sorted.iter().map(|g| (g.0, &g.1)) {
        let v = s.total_weight() / w_all;
        let sh = s.total() / t_all;
        let mu_g = s.mean()?;
        let index = if mu_g > 0.0 {
            Some(s.generalized_entropy(alpha)?)
        } else {
            None
        };
        if let Some(ge) = index {
            within += v.powf(1.0 - alpha) * sh.powf(alpha) * ge;
        }
        let r = mu_g / mu;
        between_acc += ge_between_term(v, r, alpha);
        out.push(GroupSummary {
            label,
            n: s.n() as usize,
            population_share: v,
            income_share: sh,
            mean: mu_g,
            index,
        });
    }
    let between = ge_between(between_acc, alpha);
    Ok(GeDecomposition {
        alpha,
        total,
        within,
        between,
        groups: out,
    })
}
