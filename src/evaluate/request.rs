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
/// the path, line and column), then decoded into `T` by [`from_value`].
///
/// Errors: [`Error::Json`] naming `what` for malformed JSON or duplicate keys;
/// [`Error::InvalidSpec`] naming the dotted path of the member at fault (`what` for the
/// document itself) for well-formed JSON that does not fit the type (an unknown member, a
/// member of the wrong type, a bad value).
pub fn decode<T: DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    let value: serde_json::Value = crate::json::decode(what, text)?;
    from_value(what, &value)
}

/// Decodes a JSON value into `T`, naming the member at fault by its dotted path
/// (`data.zz`, `spec.monitor.schedule_tolerence`, `measures[0]`; from
/// `serde_path_to_error`), and rejecting members that `T` would silently ignore (found
/// with `serde_ignored`), so a typo is an error at every level, as docs/json-api.md says.
/// Keys and values are quoted by at most [`crate::json::QUOTE_CHARS`] characters.
///
/// Errors: [`Error::InvalidSpec`] with the path as its field (`what` when the value
/// itself does not fit).
pub fn from_value<T: DeserializeOwned>(what: &str, value: &serde_json::Value) -> Result<T> {
    let mut ignored: Option<String> = None;
    let decoded: std::result::Result<T, _> = {
        let mut note = |p: serde_ignored::Path| {
            if ignored.is_none() {
                ignored = Some(crate::json::ignored_member(&p));
            }
        };
        serde_path_to_error::deserialize(serde_ignored::Deserializer::new(value, &mut note))
    };
    match decoded {
        Err(e) => {
            let path: Vec<String> = e.path().iter().filter_map(segment).collect();
            Err(member_error(what, path, &e.into_inner().to_string()))
        }
        Ok(_) if ignored.is_some() => {
            let field = match ignored {
                Some(p) if p != "(root)" => p,
                _ => what.to_string(),
            };
            Err(Error::invalid_spec(
                field,
                "unknown member (check its spelling)",
            ))
        }
        Ok(v) => Ok(v),
    }
}

/// One step of a `serde_path_to_error` path as the dotted path writes it (`None` for an
/// enum's variant, which is not a member of the document).
fn segment(s: &serde_path_to_error::Segment) -> Option<String> {
    match s {
        serde_path_to_error::Segment::Map { key } => Some(crate::json::quote(key)),
        serde_path_to_error::Segment::Seq { index } => Some(format!("[{index}]")),
        serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => None,
    }
}

/// The [`Error::InvalidSpec`] of a member that does not fit: the field is the dotted path
/// (with the unknown member's own name appended when serde reports it from its parent),
/// the message serde's, with a nested "spec field `…`: " prefix of an inner error removed
/// (the path already says where) and quotations bounded.
fn member_error(what: &str, path: Vec<String>, message: &str) -> Error {
    let mut message = message;
    // an inner error's own field, below the path (`index.normalisation.default.zz` of an
    // evaluation spec, which decodes its index spec by `Spec::from_json`): appended to the
    // path; `(root)` and a field the path already names add nothing
    let mut inner: Option<&str> = None;
    if let Some(rest) = message.strip_prefix("spec field `") {
        if let Some(end) = rest.find("`: ") {
            let f = &rest[..end];
            let first = f.split(['.', '[']).next().unwrap_or(f);
            if f != "(root)" && !path.iter().any(|p| p == first) {
                inner = Some(f);
            }
            message = &rest[end + 3..];
        }
    }
    let mut field = String::new();
    for step in &path {
        if !field.is_empty() && !step.starts_with('[') {
            field.push('.');
        }
        field.push_str(step);
    }
    if let Some(f) = inner {
        if !field.is_empty() {
            field.push('.');
        }
        field.push_str(f);
    } else if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some(end) = rest.find('`') {
            let name = crate::json::quote(&rest[..end]);
            if path.last() != Some(&name) {
                field = if field.is_empty() {
                    name
                } else {
                    format!("{field}.{name}")
                };
            }
        }
    }
    if field.is_empty() {
        field = what.to_string();
    }
    Error::invalid_spec(field, crate::json::bound_quoted(message))
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

/// The data of a request: CSV text with its layout, or the panel as arrays. Decoded
/// through [`DataMembers`] (the members are told apart by name), so an unknown member or a
/// bad value is named with its path (`data.zz`, `data.layout`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "DataMembers")]
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

/// Every member `data` may have; which are given decides the form of [`DataInput`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataMembers {
    csv: Option<String>,
    layout: Option<Layout>,
    units: Option<Vec<String>>,
    periods: Option<Vec<i32>>,
    indicators: Option<Vec<String>>,
    values: Option<Vec<Option<f64>>>,
}

impl TryFrom<DataMembers> for DataInput {
    type Error = String;

    fn try_from(m: DataMembers) -> std::result::Result<DataInput, String> {
        const ARRAYS: &str = "`units`, `periods`, `indicators` and `values`";
        let arrays = [
            ("units", m.units.is_some()),
            ("periods", m.periods.is_some()),
            ("indicators", m.indicators.is_some()),
            ("values", m.values.is_some()),
        ];
        if let Some(csv) = m.csv {
            if let Some((name, _)) = arrays.iter().find(|(_, given)| *given) {
                return Err(format!(
                    "`{name}` cannot go with `csv`: give the data either as CSV text (`csv`, \
                     `layout`) or as the arrays {ARRAYS}"
                ));
            }
            return Ok(DataInput::Csv {
                csv,
                layout: m.layout.unwrap_or_default(),
            });
        }
        if m.layout.is_some() {
            return Err("`layout` is the layout of `csv`, which is missing".into());
        }
        match (m.units, m.periods, m.indicators, m.values) {
            (Some(units), Some(periods), Some(indicators), Some(values)) => Ok(DataInput::Arrays {
                units,
                periods,
                indicators,
                values,
            }),
            (None, None, None, None) => Err(format!(
                "give the data as CSV text (`csv`, optional `layout`) or as the arrays {ARRAYS}"
            )),
            _ => {
                let missing: Vec<&str> = arrays
                    .iter()
                    .filter(|(_, given)| !given)
                    .map(|(name, _)| *name)
                    .collect();
                Err(format!(
                    "missing member `{}` (data as arrays needs {ARRAYS})",
                    missing.join("`, `")
                ))
            }
        }
    }
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

/// A JSON request, tagged by `action` (`{"action": "index", "framework": …}`). Its
/// `Deserialize` reads the action, then the members of that action (unknown members are
/// rejected), so that [`from_value`] can name the member at fault by its path (serde's
/// internally tagged enums lose it).
#[derive(Debug, Clone, PartialEq)]
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
        survey: Option<Survey>,
        /// The monitoring spec (`{}` when absent).
        spec: Option<serde_json::Map<String, serde_json::Value>>,
    },
    /// The whole evaluation ([`evaluate`]): everything the annual report shows.
    Evaluate {
        /// Built-in id or inline framework.
        framework: FrameworkRef,
        /// The data.
        data: DataInput,
        /// Survey microdata (optional).
        survey: Option<Survey>,
        /// Household microdata (optional).
        households: Option<Households>,
        /// The evaluation spec (`{}` when absent).
        spec: Box<EvaluationSpec>,
    },
    /// The inequality report ([`inequality_report`]).
    Inequality {
        /// Values (`null` = missing).
        values: Vec<Option<f64>>,
        /// Weights (optional).
        weights: Option<Vec<f64>>,
        /// Group labels for the decompositions (optional).
        groups: Option<Vec<usize>>,
        /// Measures (default [`Measure::defaults`]).
        measures: Option<Vec<Measure>>,
        /// Missing-value policy.
        missing: Missing,
    },
}

/// The members of each action: [`JsonRequest`] as an externally tagged enum
/// (`{"index": {…members…}}`), which serde decodes with the path of every member.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum ByAction {
    Describe {
        framework: FrameworkRef,
    },
    Index {
        framework: FrameworkRef,
        data: DataInput,
        #[serde(default)]
        spec: Option<serde_json::Map<String, serde_json::Value>>,
    },
    Monitor {
        framework: FrameworkRef,
        data: DataInput,
        #[serde(default)]
        survey: Option<Survey>,
        #[serde(default)]
        spec: Option<serde_json::Map<String, serde_json::Value>>,
    },
    Evaluate {
        framework: FrameworkRef,
        data: DataInput,
        #[serde(default)]
        survey: Option<Survey>,
        #[serde(default)]
        households: Option<Households>,
        #[serde(default)]
        spec: Box<EvaluationSpec>,
    },
    Inequality {
        values: Vec<Option<f64>>,
        #[serde(default)]
        weights: Option<Vec<f64>>,
        #[serde(default)]
        groups: Option<Vec<usize>>,
        #[serde(default)]
        measures: Option<Vec<Measure>>,
        #[serde(default)]
        missing: Missing,
    },
}

impl From<ByAction> for JsonRequest {
    fn from(b: ByAction) -> JsonRequest {
        match b {
            ByAction::Describe { framework } => JsonRequest::Describe { framework },
            ByAction::Index {
                framework,
                data,
                spec,
            } => JsonRequest::Index {
                framework,
                data,
                spec,
            },
            ByAction::Monitor {
                framework,
                data,
                survey,
                spec,
            } => JsonRequest::Monitor {
                framework,
                data,
                survey,
                spec,
            },
            ByAction::Evaluate {
                framework,
                data,
                survey,
                households,
                spec,
            } => JsonRequest::Evaluate {
                framework,
                data,
                survey,
                households,
                spec,
            },
            ByAction::Inequality {
                values,
                weights,
                groups,
                measures,
                missing,
            } => JsonRequest::Inequality {
                values,
                weights,
                groups,
                measures,
                missing,
            },
        }
    }
}

/// The action names, as the error for a missing or unknown action lists them.
const ACTIONS: &str = "`describe`, `index`, `monitor`, `evaluate`, `inequality`";

/// Moves `action` out of a request object and wraps the other members under it
/// (`{"action": "index", …}` → `{"index": {…}}`), the form [`ByAction`] reads.
fn by_action(value: serde_json::Value) -> Result<serde_json::Value> {
    let serde_json::Value::Object(mut members) = value else {
        return Err(Error::invalid_spec(
            "request",
            "a request is a JSON object with an `action` member",
        ));
    };
    let action = match members.remove("action") {
        Some(serde_json::Value::String(a)) => a,
        Some(other) => {
            return Err(Error::invalid_spec(
                "action",
                format!(
                    "must be a string, one of {ACTIONS}; found {}",
                    crate::json::quote(&other.to_string())
                ),
            ))
        }
        None => {
            return Err(Error::invalid_spec(
                "action",
                format!("missing (one of {ACTIONS})"),
            ))
        }
    };
    let mut tagged = serde_json::Map::new();
    tagged.insert(action, serde_json::Value::Object(members));
    Ok(serde_json::Value::Object(tagged))
}

/// A request decoded from a JSON value: the action, then its members with their paths.
fn request_of(value: serde_json::Value) -> Result<JsonRequest> {
    let tagged = by_action(value)?;
    match from_value::<ByAction>("request", &tagged) {
        Ok(b) => Ok(b.into()),
        // the action is the variant: at the root, an unknown variant is an unknown action
        Err(Error::InvalidSpec { field, message })
            if field == "request" && message.starts_with("unknown variant") =>
        {
            Err(Error::InvalidSpec {
                field: "action".into(),
                message: message.replacen("unknown variant", "unknown action", 1),
            })
        }
        Err(e) => Err(e),
    }
}

impl<'de> Deserialize<'de> for JsonRequest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        request_of(value).map_err(serde::de::Error::custom)
    }
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
    ///
    /// Errors: [`Error::Json`] for malformed JSON (line and column) or a duplicate key;
    /// [`Error::InvalidSpec`] naming the member's dotted path (`data.zz`,
    /// `spec.monitor.schedule_tolerence`, `measures[0]`) for an unknown member or a bad
    /// value, and `action` for a missing or unknown action.
    pub fn from_json(text: &str) -> Result<JsonRequest> {
        let value: serde_json::Value = crate::json::decode("request", text)?;
        request_of(value)
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
