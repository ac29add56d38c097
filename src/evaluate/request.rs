//! The typed JSON request and response of the JSON entry point (`cpindex_run_json`,
//! `docs/json-api.md`): a request is decoded by serde into [`JsonRequest`] (tagged by
//! `action`, unknown members rejected at every level), run by [`JsonRequest::run`] on
//! the core's own functions, and the [`JsonResponse`] is encoded by serde. The FFI layer
//! does nothing else.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{evaluate, Evaluation, EvaluationSpec, Households, Request};
use crate::data::Panel;
use crate::distribution::{inequality_report, InequalityReport, Measure, MissingPolicy};
use crate::error::{Error, Result};
use crate::model::{builtin, Framework};
use crate::monitor::{MonitorResults, MonitorSpec, Survey};

/// The version of the JSON request/response schema (the member `schema` of every
/// response).
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// Decodes JSON text into a typed value. Every JSON decoding of this module (and of the
/// C evaluation functions) goes through here.
///
/// The text is first checked by the strict decoder [`crate::json::decode`] (a BOM is
/// accepted; duplicate keys, over-long keys and malformed JSON are [`Error::Json`] with
/// the path, line and column), then decoded into `T`.
///
/// Errors: [`Error::Json`] naming `what` for malformed JSON or duplicate keys;
/// [`Error::InvalidSpec`] naming `what` for well-formed JSON that does not fit the type
/// (an unknown member, an unknown action, a member of the wrong type).
pub fn decode<T: DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    crate::json::decode::<serde_json::Value>(what, text)?;
    serde_json::from_str(crate::json::strip_bom(text)).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            Error::invalid_spec(what, crate::json::bound_message(&e.to_string()))
        }
        serde_json::error::Category::Io
        | serde_json::error::Category::Syntax
        | serde_json::error::Category::Eof => Error::from_json(what, &e),
    })
}

/// A framework in a request: a built-in id or an inline framework object (parsed and
/// validated by [`Framework::from_json`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum FrameworkRef {
    /// A built-in framework id.
    Builtin(String),
    /// An inline framework (kept as JSON until [`FrameworkRef::resolve`]).
    Inline(serde_json::Map<String, serde_json::Value>),
}

impl FrameworkRef {
    /// The framework. Errors: unknown built-in id; the framework's parse and validation
    /// errors.
    pub fn resolve(&self) -> Result<Framework> {
        match self {
            FrameworkRef::Builtin(id) => Ok(builtin::get(id)?.clone()),
            FrameworkRef::Inline(m) => {
                Framework::from_json(&serde_json::Value::Object(m.clone()).to_string())
            }
        }
    }
}

/// CSV layout of inline CSV data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// `unit,period,indicator,value[,source,note]`.
    #[default]
    Long,
    /// One column per indicator.
    Wide,
}

/// The data of a request: CSV text with its layout, or the panel as arrays.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum DataInput {
    /// CSV text read by the core CSV readers ([`crate::data::read_long_csv_str`],
    /// [`crate::data::read_wide_csv_str`]).
    Csv {
        /// The CSV text.
        csv: String,
        /// Its layout (default long).
        #[serde(default)]
        layout: Layout,
    },
    /// Arrays: values unit-fastest within period within indicator, as
    /// [`Panel::from_values`] documents; `null` = missing.
    Arrays {
        /// Unit ids.
        units: Vec<String>,
        /// Periods.
        periods: Vec<i32>,
        /// Indicator ids.
        indicators: Vec<String>,
        /// Values (`null` = missing).
        values: Vec<Option<f64>>,
    },
}

impl DataInput {
    /// The panel, checked against the framework.
    pub fn panel(&self, fw: &Framework) -> Result<Panel> {
        match self {
            DataInput::Csv { csv, layout } => match layout {
                Layout::Long => crate::data::read_long_csv_str(csv, Some(fw)),
                Layout::Wide => crate::data::read_wide_csv_str(csv, Some(fw)),
            },
            DataInput::Arrays {
                units,
                periods,
                indicators,
                values,
            } => {
                let panel = Panel::from_values(
                    units.clone(),
                    periods.clone(),
                    indicators.clone(),
                    values.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
                )?;
                panel.check_indicators(fw)?;
                Ok(panel)
            }
        }
    }
}

/// What to do with missing values in an `inequality` request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// A missing value is an error.
    #[default]
    Error,
    /// Missing values are left out (and counted).
    Skip,
}

/// A JSON request, tagged by `action`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum JsonRequest {
    /// The framework with its effective weights.
    Describe {
        /// Built-in id or inline framework.
        framework: FrameworkRef,
    },
    /// The composite index ([`crate::method::run`]).
    Index {
        /// Built-in id or inline framework.
        framework: FrameworkRef,
        /// The data.
        data: DataInput,
        /// The engine spec (`{}` when absent).
        #[serde(default)]
        spec: Option<serde_json::Map<String, serde_json::Value>>,
    },
    /// Plan monitoring ([`crate::monitor::monitor_with_survey`]); with `survey`, the
    /// satisfaction index and the combined evaluation too.
    Monitor {
        /// Built-in id or inline framework.
        framework: FrameworkRef,
        /// The data.
        data: DataInput,
        /// Survey microdata (optional).
        #[serde(default)]
        survey: Option<Survey>,
        /// The monitoring spec (`{}` when absent).
        #[serde(default)]
        spec: Option<serde_json::Map<String, serde_json::Value>>,
    },
    /// The whole evaluation ([`evaluate`]): everything the annual report shows.
    Evaluate {
        /// Built-in id or inline framework.
        framework: FrameworkRef,
        /// The data.
        data: DataInput,
        /// Survey microdata (optional).
        #[serde(default)]
        survey: Option<Survey>,
        /// Household microdata (optional).
        #[serde(default)]
        households: Option<Households>,
        /// The evaluation spec (`{}` when absent).
        #[serde(default)]
        spec: Box<EvaluationSpec>,
    },
    /// The inequality report ([`inequality_report`]).
    Inequality {
        /// Values (`null` = missing).
        values: Vec<Option<f64>>,
        /// Weights (optional).
        #[serde(default)]
        weights: Option<Vec<f64>>,
        /// Group labels for the decompositions (optional).
        #[serde(default)]
        groups: Option<Vec<usize>>,
        /// Measures (default [`Measure::defaults`]).
        #[serde(default)]
        measures: Option<Vec<Measure>>,
        /// Missing-value policy.
        #[serde(default)]
        missing: Missing,
    },
}

/// The framework summary of a `describe` response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Framework id.
    pub id: String,
    /// Number of dimensions.
    pub dimensions: usize,
    /// Number of indicators.
    pub indicators: usize,
    /// Depth of the hierarchy.
    pub depth: usize,
    /// Base year.
    pub base_year: i32,
    /// Target year.
    pub target_year: i32,
}

/// The body of a response.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Body {
    /// `describe`.
    Describe {
        /// Summary.
        summary: Summary,
        /// Indicator id → effective weight in the index.
        effective_weights: BTreeMap<String, f64>,
        /// The framework.
        framework: Box<Framework>,
    },
    /// `index`.
    Index {
        /// The engine results.
        results: Box<crate::method::Results>,
    },
    /// `monitor`.
    Monitor {
        /// The monitoring results.
        results: Box<MonitorResults>,
    },
    /// `evaluate`.
    Evaluate {
        /// The evaluation.
        results: Box<Evaluation>,
    },
    /// `inequality`.
    Inequality {
        /// The report.
        inequality: InequalityReport,
    },
}

/// A response: the schema version, the library version, the action, and its body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonResponse {
    /// [`JSON_SCHEMA_VERSION`].
    pub schema: u32,
    /// The library version.
    pub cpindex_version: &'static str,
    /// The action.
    pub action: &'static str,
    /// The body.
    #[serde(flatten)]
    pub body: Body,
}

fn spec_text(spec: &Option<serde_json::Map<String, serde_json::Value>>) -> String {
    spec.as_ref().map_or_else(
        || "{}".to_string(),
        |m| serde_json::Value::Object(m.clone()).to_string(),
    )
}

impl JsonRequest {
    /// Decodes a request ([`decode`]); an unknown `action` is reported as such.
    pub fn from_json(text: &str) -> Result<JsonRequest> {
        decode("request", text).map_err(|e| match e {
            Error::InvalidSpec { field, message } => Error::InvalidSpec {
                field,
                message: message.replacen("unknown variant", "unknown action", 1),
            },
            other => other,
        })
    }

    /// Runs the request on the core's functions.
    pub fn run(&self) -> Result<JsonResponse> {
        let (action, body) = match self {
            JsonRequest::Describe { framework } => {
                let fw = framework.resolve()?;
                let w = fw.effective_weights();
                let body = Body::Describe {
                    summary: Summary {
                        id: fw.id.clone(),
                        dimensions: fw.dimensions.len(),
                        indicators: fw.indicators.len(),
                        depth: fw.depth(),
                        base_year: fw.base_year,
                        target_year: fw.target_year,
                    },
                    effective_weights: fw
                        .indicators
                        .iter()
                        .zip(w)
                        .map(|(i, w)| (i.id.clone(), w))
                        .collect(),
                    framework: Box::new(fw),
                };
                ("describe", body)
            }
            JsonRequest::Index {
                framework,
                data,
                spec,
            } => {
                let fw = framework.resolve()?;
                let panel = data.panel(&fw)?;
                let spec = crate::method::Spec::from_json(&spec_text(spec))?;
                let results = crate::method::run(&fw, &panel, &spec)?;
                (
                    "index",
                    Body::Index {
                        results: Box::new(results),
                    },
                )
            }
            JsonRequest::Monitor {
                framework,
                data,
                survey,
                spec,
            } => {
                let fw = framework.resolve()?;
                let panel = data.panel(&fw)?;
                let spec = MonitorSpec::from_json(&spec_text(spec))?;
                let sat = crate::monitor::SatisfactionSpec::default();
                let results = crate::monitor::monitor_with_survey(
                    &fw,
                    &panel,
                    survey.as_ref().map(|s| (s, &sat)),
                    &spec,
                )?;
                (
                    "monitor",
                    Body::Monitor {
                        results: Box::new(results),
                    },
                )
            }
            JsonRequest::Evaluate {
                framework,
                data,
                survey,
                households,
                spec,
            } => {
                let fw = framework.resolve()?;
                let panel = data.panel(&fw)?;
                spec.monitor.validate()?;
                let ev = evaluate(Request {
                    framework: &fw,
                    panel: &panel,
                    survey: survey.as_ref(),
                    households: households.as_ref(),
                    spec,
                })?;
                (
                    "evaluate",
                    Body::Evaluate {
                        results: Box::new(ev),
                    },
                )
            }
            JsonRequest::Inequality {
                values,
                weights,
                groups,
                measures,
                missing,
            } => {
                let v: Vec<f64> = values.iter().map(|x| x.unwrap_or(f64::NAN)).collect();
                let policy = match missing {
                    Missing::Error => MissingPolicy::Error,
                    Missing::Skip => MissingPolicy::Skip,
                };
                let ms = measures.clone().unwrap_or_else(Measure::defaults);
                let r = inequality_report(&v, weights.as_deref(), groups.as_deref(), &ms, policy)?;
                ("inequality", Body::Inequality { inequality: r })
            }
        };
        Ok(JsonResponse {
            schema: JSON_SCHEMA_VERSION,
            cpindex_version: super::VERSION,
            action,
            body,
        })
    }
}

/// Decodes, runs and encodes one JSON request (pretty-printed response; missing numbers
/// are `null`).
pub fn run_json(text: &str) -> Result<String> {
    let response = JsonRequest::from_json(text)?.run()?;
    Ok(serde_json::to_string_pretty(&response).expect("a response always serialises"))
}
