//! SDSN-style dashboard colours (Sustainable Development Report / SDG Index and
//! Dashboards, Sachs, Schmidt-Traub, Lafortune et al., methodology chapter
//! dashboards.sdgindex.org/chapters/methodology; Africa SDG Index FAQ Q8–Q14;
//! methods-reference b.8).
//!
//! Indicator colour from absolute thresholds (green = target met, then yellow, orange,
//! red). Dimension colour from the two worst indicators: red only when both worst are
//! red, green only when every indicator is green; otherwise the mean of the two worst
//! codes (red 0, orange 1, yellow 2, green 3) rounded down and kept within orange–yellow.

use serde::{Deserialize, Serialize};

use super::spec::{ColourThresholds, DashboardSpec};

/// Dashboard colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    /// Major challenges remain (far from the target).
    Red,
    /// Significant challenges remain.
    Orange,
    /// Challenges remain.
    Yellow,
    /// Target achieved.
    Green,
    /// No data.
    Grey,
}

impl Colour {
    /// Numeric code: red 0, orange 1, yellow 2, green 3; grey has none.
    pub fn code(self) -> Option<u8> {
        match self {
            Colour::Red => Some(0),
            Colour::Orange => Some(1),
            Colour::Yellow => Some(2),
            Colour::Green => Some(3),
            Colour::Grey => None,
        }
    }
}

/// Colour of value `x` against absolute thresholds (≥ for higher-is-better, ≤ for
/// lower-is-better); NaN is grey.
pub fn colour_absolute(x: f64, t: &ColourThresholds, higher: bool) -> Colour {
    if x.is_nan() {
        return Colour::Grey;
    }
    let ok = |th: f64| if higher { x >= th } else { x <= th };
    if ok(t.green) {
        Colour::Green
    } else if ok(t.yellow) {
        Colour::Yellow
    } else if ok(t.orange) {
        Colour::Orange
    } else {
        Colour::Red
    }
}

/// Fallback colour from the achievement score: green when met; yellow when the score ≥
/// `score_yellow`; orange when ≥ `score_orange`; red otherwise; grey without data.
pub fn colour_from_score(score: Option<f64>, met: Option<bool>, spec: &DashboardSpec) -> Colour {
    match (score, met) {
        (_, Some(true)) => Colour::Green,
        (Some(s), _) if s >= spec.score_yellow => Colour::Yellow,
        (Some(s), _) if s >= spec.score_orange => Colour::Orange,
        (Some(_), _) => Colour::Red,
        (None, _) => Colour::Grey,
    }
}

/// Dimension colour from its indicators' colours (grey ignored; all grey → grey): green
/// when every coloured indicator is green; else from the two worst colours (codes red 0,
/// orange 1, yellow 2, green 3): red when both (or the only one) are red, else the floor
/// of their mean, at least orange and at most yellow (the SDSN goal rule of the two
/// worst indicators, see the module docs; the SDR averages their rescaled scores, this
/// their colour codes: docs/monitoring.md). Counts the colours instead of sorting a copy
/// (no allocation: called for every dimension of every unit and year).
pub fn dimension_colour(colours: &[Colour]) -> Colour {
    let mut count = [0usize; 4];
    for c in colours {
        if let Some(code) = c.code() {
            count[usize::from(code)] += 1;
        }
    }
    let n: usize = count.iter().sum();
    if n == 0 {
        return Colour::Grey;
    }
    if count[3] == n {
        return Colour::Green;
    }
    // the two worst codes, or the only one
    let mut worst = [0u8; 2];
    let mut m = 0;
    for (code, &c) in (0u8..).zip(&count) {
        for _ in 0..c.min(2 - m) {
            worst[m] = code;
            m += 1;
        }
    }
    let worst = &worst[..m];
    if worst.iter().all(|&c| c == 0) {
        return Colour::Red;
    }
    let mean = worst.iter().map(|&c| f64::from(c)).sum::<f64>() / m as f64;
    match mean.floor().clamp(1.0, 2.0) as u8 {
        1 => Colour::Orange,
        _ => Colour::Yellow,
    }
}

/// One indicator on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorColour {
    /// Indicator id.
    pub indicator: super::Id,
    /// Colour.
    pub colour: Colour,
    /// `absolute_thresholds` or `achievement_score`.
    pub basis: std::borrow::Cow<'static, str>,
}

/// One top-level dimension on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionColour {
    /// Dimension id.
    pub dimension: super::Id,
    /// Colour.
    pub colour: Colour,
    /// The (up to) two worst indicators that set it (ids shared with the run's other
    /// records).
    pub worst: Vec<super::Id>,
}

/// The dashboard of one unit in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitDashboard {
    /// Unit id.
    pub unit: super::Id,
    /// Year.
    pub year: i32,
    /// Indicator colours, framework order.
    pub indicators: Vec<IndicatorColour>,
    /// Top-level dimension colours, framework order.
    pub dimensions: Vec<DimensionColour>,
}
