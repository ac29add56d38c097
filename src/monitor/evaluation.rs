//! The overall plan evaluation: objective achievement combined with the subjective
//! satisfaction index (plan item 45: 定量与定性、客观评价与主观评价相结合), both reported.
//!
//! E = α·A + (1 − α)·S on a 0–100 scale, where A = 100 × the overall achievement (see
//! [`mod@super::aggregate`]) and S the satisfaction index; α = `MonitorSpec::objective_weight`
//! (default 0.7, a convention of this crate). E is reported only when both parts exist
//! (or when α is 1 or 0 and the part it needs exists). The satisfaction SE carries over
//! as (1 − α)·SE(S) (A is treated as fixed: it is a census of administrative data).

use serde::{Deserialize, Serialize};

/// The combined evaluation of one unit and year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverallEvaluation {
    /// Unit id.
    pub unit: String,
    /// Year.
    pub year: i32,
    /// Objective achievement A, 0–100.
    pub objective: Option<f64>,
    /// Satisfaction index S, 0–100.
    pub subjective: Option<f64>,
    /// Standard error of S.
    pub subjective_se: Option<f64>,
    /// α.
    pub objective_weight: f64,
    /// E = αA + (1 − α)S.
    pub combined: Option<f64>,
    /// (1 − α)·SE(S).
    pub combined_se: Option<f64>,
}

/// E = αA + (1 − α)S with the availability rules of the module docs.
pub fn combine(objective: Option<f64>, subjective: Option<f64>, alpha: f64) -> Option<f64> {
    match (objective, subjective) {
        (Some(a), Some(s)) => Some(alpha * a + (1.0 - alpha) * s),
        (Some(a), None) if alpha == 1.0 => Some(a),
        (None, Some(s)) if alpha == 0.0 => Some(s),
        _ => None,
    }
}

/// Builds the evaluation record.
pub fn evaluate(
    unit: &str,
    year: i32,
    objective: Option<f64>,
    subjective: Option<f64>,
    subjective_se: Option<f64>,
    alpha: f64,
) -> OverallEvaluation {
    let combined = combine(objective, subjective, alpha);
    OverallEvaluation {
        unit: unit.to_string(),
        year,
        objective,
        subjective,
        subjective_se,
        objective_weight: alpha,
        combined,
        combined_se: if combined.is_some() {
            subjective_se.map(|s| (1.0 - alpha) * s)
        } else {
            None
        },
    }
}
