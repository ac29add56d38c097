//! The evaluation (`crate::evaluate::evaluate`): everything the annual report shows, as a
//! handle with typed readers for the satisfaction index (获得感幸福感安全感评价指数) and
//! the distribution targets, the fingerprint, and the full result as JSON.
//!
//! A `cpindex_evaluation` is immutable and `Arc`-backed and owns everything it reports,
//! so the framework and panel may be freed once `cpindex_evaluate` returns. Absent numbers
//! read as NaN.

use std::os::raw::c_char;
use std::sync::Arc;

use super::error::{FfiError, FfiResult};
use super::framework::{cpindex_framework, framework_ref};
use super::guard::{guard_default, guard_status};
use super::handle::{arc_free, arc_into_ptr, arc_ref, ArcHandle};
use super::index::spec_text;
use super::monitor::cpindex_colour;
use super::panel::{cpindex_panel, panel_ref};
use super::slice::{out_ptr, try_slice};
use super::status::cpindex_status;
use super::string::{try_str, write_text_to};
use crate::evaluate::request::decode;
use crate::evaluate::{
    evaluate, DistributionDetail, Evaluation, EvaluationSpec, Households, Request,
};
use crate::monitor::{Colour, Estimate, Survey};

/// The result of one evaluation (`crate::evaluate::Evaluation`), immutable.
///
/// Create with `cpindex_evaluate`; free with `cpindex_evaluation_free`.
///
/// **Thread safety:** may be used from multiple threads simultaneously (every function
/// takes it as `const`; the Rust type is `Send + Sync`, asserted at compile time).
pub struct cpindex_evaluation {
    _private: [u8; 0],
}

impl ArcHandle for cpindex_evaluation {
    type Rust = Evaluation;
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Arc<Evaluation>>();
};

/// A weighted survey estimate (a domain or the overall satisfaction index, 0–100), for
/// `cpindex_evaluation_satisfaction`.
///
/// A small fixed POD (house style R16). NaN where a number is undefined (no respondent,
/// one respondent for the SE and CI).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cpindex_estimate {
    /// Weighted mean, 0–100.
    pub mean: f64,
    /// Linearised standard error.
    pub se: f64,
    /// Lower confidence bound.
    pub ci_lower: f64,
    /// Upper confidence bound.
    pub ci_upper: f64,
    /// Kish design effect due to weighting.
    pub deff: f64,
    /// Effective sample size.
    pub n_effective: f64,
    /// Respondents used.
    pub n: usize,
    /// Respondents excluded for non-response (no answered item in the domain, or none at
    /// all for the overall index).
    pub nonresponse: usize,
}

/// How a distribution target's value was obtained, from `cpindex_evaluation_distribution`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_distribution_kind {
    /// Ratio of two series of the whole (urban / rural income).
    Ratio = 0,
    /// Highest over lowest value across the parts.
    MaxMinRatio = 1,
    /// Weighted share of households in an income band, percent.
    BandShare = 2,
    /// An inequality measure of per-capita household income (no target).
    Measure = 3,
}

/// One distribution target of an evaluation, for `cpindex_evaluation_distribution`.
///
/// A small fixed POD (house style R16). NaN where absent (no target, not computable).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cpindex_distribution_target {
    /// The value (ratio, percent, or coefficient).
    pub value: f64,
    /// The target applied (NaN: none).
    pub target: f64,
    /// A `cpindex_distribution_kind` code.
    pub kind: u32,
    /// A `cpindex_colour` code against the target.
    pub colour: u32,
}

fn colour_code(c: Colour) -> u32 {
    (match c {
        Colour::Red => cpindex_colour::Red,
        Colour::Orange => cpindex_colour::Orange,
        Colour::Yellow => cpindex_colour::Yellow,
        Colour::Green => cpindex_colour::Green,
        Colour::Grey => cpindex_colour::Grey,
    }) as u32
}

/// Runs one evaluation (`crate::evaluate::evaluate`; docs/c-api.md "Evaluation"):
/// monitoring, the composite index, the satisfaction index (with a survey), the
/// distribution targets (band shares and inequality measures with households), and the
/// fingerprint.
///
/// `survey_json` is the survey microdata as JSON (`docs/json-api.md`, member `survey` of
/// the `evaluate` action; `(NULL, 0)` = none). The households are three arrays of
/// `n_households` values — annual household disposable income (元), household size,
/// household weight — all NULL with `n_households` 0 for none. `spec_json` is the
/// evaluation spec (`{"index": …, "monitor": …, "satisfaction": …}`; `(NULL, 0)` or blank
/// = every default; unknown members are errors).
///
/// **Ownership:** on success `*out` receives a new evaluation the caller frees with
/// `cpindex_evaluation_free`; the framework and panel may be freed afterwards.
/// **NULL:** `framework`, `panel` and `out` must not be NULL; the JSON texts may be NULL
/// when their length is 0; the household arrays may be NULL when `n_households` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_JSON_ERROR` (malformed survey or spec), `CPINDEX_STATUS_INVALID_SPEC`
/// (an unknown member, a unit of the spec not in the panel, impossible values),
/// `CPINDEX_STATUS_INVALID_VALUE` (a bad household row or survey answer),
/// `CPINDEX_STATUS_LENGTH_MISMATCH`, `CPINDEX_STATUS_UNKNOWN_ID`,
/// `CPINDEX_STATUS_INVALID_FRAMEWORK`, `CPINDEX_STATUS_EMPTY_INPUT`,
/// `CPINDEX_STATUS_INVALID_ARGUMENT` (monitoring larger than the limit of
/// `cpindex_set_max_panel_cells`, or memory the machine cannot give: never an abort).
/// **Thread safety:** may be called from any thread; the framework and panel are only read.
///
/// # Safety
/// `framework` and `panel` live handles; each text valid for its length; each household
/// array valid for `n_households` values; `out` valid for a write.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cpindex_evaluate(
    framework: *const cpindex_framework,
    panel: *const cpindex_panel,
    survey_json: *const c_char,
    survey_len: usize,
    household_income: *const f64,
    household_size: *const f64,
    household_weight: *const f64,
    n_households: usize,
    spec_json: *const c_char,
    spec_len: usize,
    out: *mut *const cpindex_evaluation,
) -> cpindex_status {
    guard_status("cpindex_evaluate", || {
        let out = out_ptr(out, "out")?;
        let fw = framework_ref(framework, "framework")?;
        let p = panel_ref(panel, "panel")?;
        let survey_text = try_str(survey_json, survey_len, "survey_json")?;
        let survey: Option<Survey> = if survey_text.trim().is_empty() {
            None
        } else {
            Some(decode("survey_json", survey_text)?)
        };
        let households = if n_households == 0 {
            None
        } else {
            Some(Households {
                income: try_slice(household_income, n_households, "household_income")?.to_vec(),
                size: try_slice(household_size, n_households, "household_size")?.to_vec(),
                weight: try_slice(household_weight, n_households, "household_weight")?.to_vec(),
            })
        };
        let spec: EvaluationSpec = decode("spec_json", spec_text(spec_json, spec_len)?)?;
        let ev = evaluate(Request {
            framework: fw,
            panel: p,
            survey: survey.as_ref(),
            households: households.as_ref(),
            spec: &spec,
        })?;
        out.write(arc_into_ptr::<cpindex_evaluation>(Arc::new(ev)));
        Ok(())
    })
}

/// Frees an evaluation. NULL is a no-op; freeing twice is undefined behaviour.
///
/// **Ownership:** the evaluation is destroyed. **NULL:** allowed (no-op). **Errors:** none.
/// **Thread safety:** any thread, once no other call uses the evaluation.
///
/// # Safety
/// `evaluation` NULL or a live evaluation not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cpindex_evaluation_free(evaluation: *const cpindex_evaluation) {
    guard_default("cpindex_evaluation_free", || arc_free(evaluation))
}

fn estimate(e: Option<&Estimate>, nonresponse: usize) -> cpindex_estimate {
    let f = |x: Option<f64>| x.unwrap_or(f64::NAN);
    cpindex_estimate {
        mean: f(e.map(|e| e.mean)),
        se: f(e.and_then(|e| e.se)),
        ci_lower: f(e.and_then(|e| e.ci_lower)),
        ci_upper: f(e.and_then(|e| e.ci_upper)),
        deff: f(e.map(|e| e.deff_kish)),
        n_effective: f(e.map(|e| e.n_effective)),
        n: e.map_or(0, |e| e.n),
        nonresponse,
    }
}

/// The satisfaction index of one unit in the evaluation year: the overall score
/// (`domain` NULL with `domain_len` 0) or one domain's (e.g. `security`), with SE, CI,
/// design effect, effective n and non-response count.
///
/// **Ownership:** nothing to free. **NULL:** `evaluation`, `unit` and `out` must not be
/// NULL; `domain` may be NULL when `domain_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_UNKNOWN_ID` (no survey group for this unit and year, or no such
/// domain).
/// **Thread safety:** may be called concurrently on a shared evaluation.
///
/// # Safety
/// `evaluation` a live evaluation; `unit` valid for `unit_len` bytes; `domain` valid for
/// `domain_len` bytes; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_evaluation_satisfaction(
    evaluation: *const cpindex_evaluation,
    unit: *const c_char,
    unit_len: usize,
    domain: *const c_char,
    domain_len: usize,
    out: *mut cpindex_estimate,
) -> cpindex_status {
    guard_status("cpindex_evaluation_satisfaction", || {
        let ev = arc_ref::<cpindex_evaluation>(evaluation, "evaluation")?;
        let out = out_ptr(out, "out")?;
        let unit = try_str(unit, unit_len, "unit")?;
        let domain = try_str(domain, domain_len, "domain")?;
        let g = ev
            .monitor
            .satisfaction_group(unit, ev.year)
            .ok_or_else(|| {
                FfiError::from(crate::Error::UnknownId {
                    kind: "satisfaction group".into(),
                    id: format!("{unit} {}", ev.year),
                    hint: " (no survey respondents for this unit in the evaluation year)".into(),
                })
            })?;
        let e = if domain.is_empty() {
            estimate(g.overall.as_ref(), g.overall_nonresponse)
        } else {
            let d = g
                .domains
                .iter()
                .find(|d| d.domain == domain)
                .ok_or_else(|| {
                    FfiError::from(crate::Error::UnknownId {
                        kind: "survey domain".into(),
                        id: domain.into(),
                        hint: format!(
                            " (domains: {})",
                            g.domains
                                .iter()
                                .map(|d| d.domain.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    })
                })?;
            estimate(d.estimate.as_ref(), d.nonresponse)
        };
        out.write(e);
        Ok(())
    })
}

/// The number of distribution targets (and measures) of an evaluation.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may be called concurrently on a shared evaluation.
///
/// # Safety
/// `evaluation` a live evaluation; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_evaluation_distribution_count(
    evaluation: *const cpindex_evaluation,
    out: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_evaluation_distribution_count", || {
        let ev = arc_ref::<cpindex_evaluation>(evaluation, "evaluation")?;
        out_ptr(out, "out")?.write(ev.distribution.len());
        Ok(())
    })
}

fn distribution_at(
    ev: &Evaluation,
    index: usize,
) -> FfiResult<&crate::evaluate::DistributionTarget> {
    ev.distribution.get(index).ok_or_else(|| {
        FfiError::invalid(
            "index",
            format!(
                "distribution index {index} is past the end ({} targets)",
                ev.distribution.len()
            ),
        )
    })
}

/// Distribution target `index` (in `cpindex_evaluation_distribution_count` order): value,
/// target, kind and colour.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index past
/// the end).
/// **Thread safety:** may be called concurrently on a shared evaluation.
///
/// # Safety
/// `evaluation` a live evaluation; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_evaluation_distribution(
    evaluation: *const cpindex_evaluation,
    index: usize,
    out: *mut cpindex_distribution_target,
) -> cpindex_status {
    guard_status("cpindex_evaluation_distribution", || {
        let ev = arc_ref::<cpindex_evaluation>(evaluation, "evaluation")?;
        let out = out_ptr(out, "out")?;
        let d = distribution_at(ev, index)?;
        let kind = match d.detail {
            DistributionDetail::Ratio { .. } => cpindex_distribution_kind::Ratio,
            DistributionDetail::MaxMinRatio(_) => cpindex_distribution_kind::MaxMinRatio,
            DistributionDetail::BandShare { .. } => cpindex_distribution_kind::BandShare,
            DistributionDetail::Measure { .. } => cpindex_distribution_kind::Measure,
        };
        out.write(cpindex_distribution_target {
            value: d.value.unwrap_or(f64::NAN),
            target: d.target.unwrap_or(f64::NAN),
            kind: kind as u32,
            colour: colour_code(d.colour),
        });
        Ok(())
    })
}

/// The id of distribution target `index`: its indicator id, or the measure name (`gini`,
/// `theil_t`) for a measure without a target; NUL-terminated into a caller buffer, with
/// the size-query convention.
///
/// **Ownership:** the caller owns `buf`. **NULL:** `evaluation` and `out_len` must not be
/// NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index past
/// the end), `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared evaluation.
///
/// # Safety
/// `evaluation` a live evaluation; `buf` valid for `buf_len` bytes; `out_len` valid for a
/// write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_evaluation_distribution_id(
    evaluation: *const cpindex_evaluation,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_evaluation_distribution_id", || {
        let ev = arc_ref::<cpindex_evaluation>(evaluation, "evaluation")?;
        let d = distribution_at(ev, index)?;
        let id = match (&d.indicator, &d.detail) {
            (Some(i), _) => i.as_str(),
            (None, DistributionDetail::Measure { measure, .. }) => measure.as_str(),
            (None, _) => "",
        };
        write_text_to(id, buf, buf_len, out_len)
    })
}

/// The reproducibility fingerprint (`sha256:` and 64 hex digits; docs/json-api.md
/// "Fingerprint"), NUL-terminated into a caller buffer with the size-query convention.
///
/// **Ownership:** the caller owns `buf`. **NULL:** `evaluation` and `out_len` must not be
/// NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared evaluation.
///
/// # Safety
/// `evaluation` a live evaluation; `buf` valid for `buf_len` bytes; `out_len` valid for a
/// write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_evaluation_fingerprint(
    evaluation: *const cpindex_evaluation,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_evaluation_fingerprint", || {
        let ev = arc_ref::<cpindex_evaluation>(evaluation, "evaluation")?;
        let text = format!("{}:{}", ev.fingerprint.algorithm, ev.fingerprint.hex);
        write_text_to(&text, buf, buf_len, out_len)
    })
}

/// The whole evaluation as pretty JSON (the `results` member of the JSON `evaluate`
/// action), NUL-terminated into a caller buffer with the size-query convention.
///
/// **Ownership:** the caller owns `buf`. **NULL:** `evaluation` and `out_len` must not be
/// NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may be called concurrently on a shared evaluation.
///
/// # Safety
/// `evaluation` a live evaluation; `buf` valid for `buf_len` bytes; `out_len` valid for a
/// write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_evaluation_to_json(
    evaluation: *const cpindex_evaluation,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_evaluation_to_json", || {
        let ev = arc_ref::<cpindex_evaluation>(evaluation, "evaluation")?;
        write_text_to(&ev.to_json(), buf, buf_len, out_len)
    })
}
