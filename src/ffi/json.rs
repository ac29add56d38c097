//! The JSON-in/JSON-out entry point: one call from any language that can pass bytes.
//!
//! Requests (UTF-8 JSON objects; schema in `docs/json-api.md`):
//!
//! ```json
//! { "action": "describe", "framework": "quzhou-2021-2025" }
//! { "action": "index", "framework": "quzhou-2021-2025",
//!   "data": { "csv": "unit,period,indicator,value\n…", "layout": "long" }, "spec": { } }
//! { "action": "monitor", "framework": { … }, "data": { "units": [ … ], … }, "spec": { } }
//! { "action": "inequality", "values": [ … ], "weights": null, "groups": [ … ] }
//! ```
//!
//! `framework` is a built-in name or an inline framework object. [`run_request`] is pure
//! Rust and could move into the core unchanged.

use std::os::raw::c_char;

use serde_json::{json, Map, Value};

use super::guard::guard_status;
use super::slice::out_ptr;
use super::status::cpindex_status;
use super::string::{try_str, write_text};
use crate::data::Panel;
use crate::distribution::{Distribution, MissingPolicy};
use crate::error::{Error, Result};
use crate::model::{builtin, Framework};

/// The version of the JSON request/response schema of `cpindex_run_json` (the member
/// `"schema"` of every response).
pub const CPINDEX_JSON_SCHEMA_VERSION: u32 = 1;

const ACTIONS: &[&str] = &["describe", "index", "monitor", "inequality"];

fn framework_of(request: &Map<String, Value>) -> Result<Framework> {
    match request.get("framework") {
        None => Err(Error::invalid_spec(
            "framework",
            "missing: give a built-in name such as \"quzhou-2021-2025\" or a framework object",
        )),
        Some(Value::String(name)) => Ok(builtin::get(name)?.clone()),
        Some(v @ Value::Object(_)) => {
            let fw: Framework = serde_json::from_value(v.clone())
                .map_err(|e| json_err("request field `framework`", e))?;
            fw.validate()?;
            Ok(fw)
        }
        Some(other) => Err(Error::invalid_spec(
            "framework",
            format!("must be a built-in name (string) or a framework object, not {other}"),
        )),
    }
}

fn describe(fw: &Framework) -> Value {
    let weights = fw.effective_weights();
    let effective: Map<String, Value> = fw
        .indicators
        .iter()
        .zip(&weights)
        .map(|(i, w)| (i.id.clone(), json!(w)))
        .collect();
    json!({
        "schema": CPINDEX_JSON_SCHEMA_VERSION,
        "cpindex_version": env!("CARGO_PKG_VERSION"),
        "action": "describe",
        "summary": {
            "id": fw.id,
            "dimensions": fw.dimensions.len(),
            "indicators": fw.indicators.len(),
            "depth": fw.depth(),
            "base_year": fw.base_year,
            "target_year": fw.target_year,
        },
        "effective_weights": effective,
        "framework": fw,
    })
}

/// The members each action accepts.
fn members_of(action: &str) -> &'static [&'static str] {
    match action {
        "describe" => &["action", "framework"],
        "index" | "monitor" => &["action", "framework", "data", "spec"],
        "inequality" => &[
            "action", "values", "weights", "groups", "measures", "missing",
        ],
        _ => &["action"],
    }
}

fn json_err(what: &str, e: serde_json::Error) -> Error {
    Error::Json {
        what: what.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

fn numbers(v: &Value, field: &str, allow_null: bool) -> Result<Vec<f64>> {
    let Value::Array(items) = v else {
        return Err(Error::invalid_spec(field, "must be an array of numbers"));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, x)| match x {
            Value::Number(n) => n
                .as_f64()
                .ok_or_else(|| Error::invalid_spec(format!("{field}[{i}]"), "not a number")),
            Value::Null if allow_null => Ok(f64::NAN),
            other => Err(Error::invalid_spec(
                format!("{field}[{i}]"),
                format!(
                    "must be a number{}, not {other}",
                    if allow_null { " or null (missing)" } else { "" }
                ),
            )),
        })
        .collect()
}

fn strings(v: &Value, field: &str) -> Result<Vec<String>> {
    let Value::Array(items) = v else {
        return Err(Error::invalid_spec(field, "must be an array of strings"));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, x)| {
            x.as_str()
                .map(str::to_owned)
                .ok_or_else(|| Error::invalid_spec(format!("{field}[{i}]"), "must be a string"))
        })
        .collect()
}

/// The panel of a request's `data` member: CSV text with a layout, or arrays.
fn panel_of(request: &Map<String, Value>, fw: &Framework) -> Result<Panel> {
    let data = match request.get("data") {
        Some(Value::Object(d)) => d,
        Some(_) => return Err(Error::invalid_spec("data", "must be an object")),
        None => {
            return Err(Error::invalid_spec(
                "data",
                "missing: give {\"csv\": \"...\", \"layout\": \"long\"} or {\"units\", \"periods\", \"indicators\", \"values\"}",
            ))
        }
    };
    if let Some(csv) = data.get("csv") {
        for key in data.keys() {
            if !matches!(key.as_str(), "csv" | "layout") {
                return Err(Error::invalid_spec(
                    format!("data.{key}"),
                    "unknown member (with `csv`: csv, layout)",
                ));
            }
        }
        let text = csv
            .as_str()
            .ok_or_else(|| Error::invalid_spec("data.csv", "must be a string (the CSV text)"))?;
        return match data.get("layout").map(|l| l.as_str()) {
            None | Some(Some("long")) => crate::data::read_long_csv_str(text, Some(fw)),
            Some(Some("wide")) => crate::data::read_wide_csv_str(text, Some(fw)),
            Some(other) => Err(Error::invalid_spec(
                "data.layout",
                format!("must be \"long\" or \"wide\", not {other:?}"),
            )),
        };
    }
    for key in data.keys() {
        if !matches!(key.as_str(), "units" | "periods" | "indicators" | "values") {
            return Err(Error::invalid_spec(
                format!("data.{key}"),
                "unknown member (known: csv, layout, units, periods, indicators, values)",
            ));
        }
    }
    let get = |k: &str| {
        data.get(k)
            .ok_or_else(|| Error::invalid_spec(format!("data.{k}"), "missing"))
    };
    let units = strings(get("units")?, "data.units")?;
    let indicators = strings(get("indicators")?, "data.indicators")?;
    let periods = numbers(get("periods")?, "data.periods", false)?
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            if p.fract() == 0.0 && p.abs() < 1e6 {
                Ok(p as i32)
            } else {
                Err(Error::invalid_spec(
                    format!("data.periods[{i}]"),
                    format!("{p} is not an integer year"),
                ))
            }
        })
        .collect::<Result<Vec<i32>>>()?;
    let values = numbers(get("values")?, "data.values", true)?;
    let panel = Panel::from_values(units, periods, indicators, values)?;
    panel.check_indicators(fw)?;
    Ok(panel)
}

/// The spec member as JSON text (`{}` when absent).
fn spec_of(request: &Map<String, Value>) -> Result<String> {
    match request.get("spec") {
        None | Some(Value::Null) => Ok("{}".to_string()),
        Some(v @ Value::Object(_)) => Ok(v.to_string()),
        Some(_) => Err(Error::invalid_spec("spec", "must be an object")),
    }
}

fn envelope(action: &str, key: &str, body: Value) -> Value {
    let mut m = Map::new();
    m.insert("schema".into(), json!(CPINDEX_JSON_SCHEMA_VERSION));
    m.insert("cpindex_version".into(), json!(env!("CARGO_PKG_VERSION")));
    m.insert("action".into(), json!(action));
    m.insert(key.into(), body);
    Value::Object(m)
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("results always serialise")
}

fn index_action(request: &Map<String, Value>) -> Result<Value> {
    let fw = framework_of(request)?;
    let panel = panel_of(request, &fw)?;
    let spec = crate::method::Spec::from_json(&spec_of(request)?)?;
    let results = crate::method::run(&fw, &panel, &spec)?;
    Ok(envelope("index", "results", to_value(&results)))
}

fn monitor_action(request: &Map<String, Value>) -> Result<Value> {
    let fw = framework_of(request)?;
    let panel = panel_of(request, &fw)?;
    let spec = crate::monitor::MonitorSpec::from_json(&spec_of(request)?)?;
    let results = crate::monitor::monitor(&fw, &panel, &spec)?;
    Ok(envelope("monitor", "results", to_value(&results)))
}

/// The measures computed by default by the `inequality` action, in response order.
pub const DEFAULT_MEASURES: &[&str] = &[
    "mean",
    "total_weight",
    "gini",
    "gini_corrected",
    "theil_t",
    "mean_log_deviation",
    "generalized_entropy:2",
    "atkinson:0.5",
    "atkinson:1",
    "atkinson:2",
    "coefficient_of_variation",
    "hoover",
    "palma_ratio",
    "s80_s20",
    "quintile_share_ratio_eurostat",
    "median",
    "quantile:0.1",
    "quantile:0.9",
    "at_risk_of_poverty_threshold",
    "at_risk_of_poverty_rate",
    "min",
    "max",
    "max_min_ratio",
];

/// Evaluates a measure by its request name (`name` or `name:parameter`).
fn named_measure(d: &Distribution, name: &str) -> Result<Option<Result<f64>>> {
    use super::distribution::{cpindex_measure as M, measure_of};
    let (base, param) = match name.split_once(':') {
        Some((b, p)) => {
            let v: f64 = p.trim().parse().map_err(|_| {
                Error::invalid_spec(
                    format!("measures[{name}]"),
                    format!("`{p}` is not a number"),
                )
            })?;
            (b, Some(v))
        }
        None => (name, None),
    };
    let simple = |m: M| -> Option<Result<f64>> { Some(measure_of(d, m, f64::NAN)) };
    let need = |what: &str| -> Result<f64> {
        param.ok_or_else(|| {
            Error::invalid_spec(
                "measures",
                format!("`{base}` needs a parameter ({what}), e.g. `{base}:0.5`"),
            )
        })
    };
    let r = match base {
        "mean" => simple(M::Mean),
        "total_weight" => simple(M::TotalWeight),
        "total" => simple(M::Total),
        "gini" => simple(M::Gini),
        "gini_corrected" => simple(M::GiniCorrected),
        "theil_t" => simple(M::TheilT),
        "mean_log_deviation" => simple(M::MeanLogDeviation),
        "coefficient_of_variation" => simple(M::CoefficientOfVariation),
        "hoover" => simple(M::Hoover),
        "palma_ratio" => simple(M::PalmaRatio),
        "s80_s20" => simple(M::S80S20),
        "median" => simple(M::Median),
        "at_risk_of_poverty_threshold" => simple(M::AtRiskOfPovertyThreshold),
        "at_risk_of_poverty_rate" => simple(M::AtRiskOfPovertyRate),
        "min" => simple(M::Min),
        "max" => simple(M::Max),
        "max_min_ratio" => simple(M::MaxMinRatio),
        "quintile_share_ratio_eurostat" => {
            Some(d.quintile_share_ratio(crate::distribution::ShareRatioMethod::Eurostat))
        }
        "generalized_entropy" => Some(d.generalized_entropy(need("alpha")?)),
        "atkinson" => Some(d.atkinson(need("epsilon")?)),
        "share_below" => Some(d.share_below(need("threshold")?)),
        "quantile" => Some(d.quantile(
            need("p")?,
            crate::distribution::QuantileMethod::AveragedInvertedCdf,
        )),
        "lorenz" => Some(d.lorenz(need("p")?)),
        _ => None,
    };
    Ok(r)
}

fn inequality_action(request: &Map<String, Value>) -> Result<Value> {
    let values = numbers(
        request
            .get("values")
            .ok_or_else(|| Error::invalid_spec("values", "missing: an array of numbers"))?,
        "values",
        true,
    )?;
    let weights = match request.get("weights") {
        None | Some(Value::Null) => None,
        Some(w) => Some(numbers(w, "weights", false)?),
    };
    let skip = match request.get("missing").map(|m| m.as_str()) {
        None | Some(Some("error")) => false,
        Some(Some("skip")) => true,
        Some(other) => {
            return Err(Error::invalid_spec(
                "missing",
                format!("must be \"error\" or \"skip\", not {other:?}"),
            ))
        }
    };
    let groups: Option<Vec<usize>> = match request.get("groups") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    g.as_u64().map(|g| g as usize).ok_or_else(|| {
                        Error::invalid_spec(
                            format!("groups[{i}]"),
                            "a group label is a non-negative integer",
                        )
                    })
                })
                .collect::<Result<_>>()?,
        ),
        Some(_) => {
            return Err(Error::invalid_spec(
                "groups",
                "must be an array of integers",
            ))
        }
    };
    let measures: Vec<String> = match request.get("measures") {
        None | Some(Value::Null) => DEFAULT_MEASURES.iter().map(|s| s.to_string()).collect(),
        Some(v) => strings(v, "measures")?,
    };
    let policy = if skip {
        MissingPolicy::Skip
    } else {
        MissingPolicy::Error
    };
    let d = Distribution::with_policy(&values, weights.as_deref(), policy)?;
    let mut out = Map::new();
    let mut errors = Map::new();
    for name in &measures {
        match named_measure(&d, name)? {
            None => {
                return Err(Error::invalid_spec(
                    "measures",
                    format!(
                        "unknown measure `{name}` (known: {}, share_below:t, lorenz:p)",
                        DEFAULT_MEASURES.join(", ")
                    ),
                ))
            }
            Some(Ok(v)) => {
                out.insert(name.clone(), json!(v));
            }
            Some(Err(e)) => {
                out.insert(name.clone(), Value::Null);
                errors.insert(name.clone(), json!(e.to_string()));
            }
        }
    }
    let mut body = Map::new();
    body.insert("n".into(), json!(d.n()));
    body.insert("n_input".into(), json!(d.n_input()));
    body.insert("n_missing".into(), json!(d.n_missing()));
    body.insert("n_zero_weight".into(), json!(d.n_zero_weight()));
    body.insert("measures".into(), Value::Object(out));
    if let Some(groups) = groups {
        if groups.len() != values.len() {
            return Err(Error::length_mismatch(
                "groups vs values",
                values.len(),
                groups.len(),
            ));
        }
        // Records with a missing value are left out of the decomposition under `skip`.
        let keep: Vec<usize> = (0..values.len())
            .filter(|&i| !(skip && values[i].is_nan()))
            .collect();
        let v: Vec<f64> = keep.iter().map(|&i| values[i]).collect();
        let w: Option<Vec<f64>> = weights
            .as_ref()
            .map(|w| keep.iter().map(|&i| w[i]).collect());
        let g: Vec<usize> = keep.iter().map(|&i| groups[i]).collect();
        let summary = |s: &crate::distribution::GroupSummary| {
            json!({ "label": s.label, "n": s.n, "population_share": s.population_share,
                    "income_share": s.income_share, "mean": s.mean, "index": s.index })
        };
        let mut ge = Vec::new();
        for alpha in [0.0, 1.0, 2.0] {
            match crate::distribution::ge_decomposition(&v, w.as_deref(), &g, alpha) {
                Ok(x) => ge.push(json!({
                    "alpha": alpha, "total": x.total, "within": x.within, "between": x.between,
                    "groups": x.groups.iter().map(summary).collect::<Vec<_>>(),
                })),
                Err(e) => {
                    errors.insert(format!("ge_decomposition:{alpha}"), json!(e.to_string()));
                    ge.push(
                        json!({ "alpha": alpha, "total": null, "within": null, "between": null }),
                    );
                }
            }
        }
        let gini = match crate::distribution::dagum_gini_decomposition(&v, w.as_deref(), &g) {
            Ok(x) => json!({
                "total": x.total, "within": x.within, "between_net": x.between_net,
                "transvariation": x.transvariation, "between_gross": x.between_gross,
                "groups": x.groups.iter().map(summary).collect::<Vec<_>>(),
            }),
            Err(e) => {
                errors.insert("gini_decomposition".into(), json!(e.to_string()));
                Value::Null
            }
        };
        body.insert(
            "decomposition".into(),
            json!({ "generalized_entropy": ge, "gini": gini }),
        );
    }
    body.insert("errors".into(), Value::Object(errors));
    Ok(envelope("inequality", "inequality", Value::Object(body)))
}

/// Runs one JSON request and returns the JSON response (pretty-printed). Schema:
/// `docs/json-api.md`.
///
/// Errors: [`Error::Json`] for malformed JSON; [`Error::InvalidSpec`] for a request that
/// is not an object, lacks or has an unknown `action`, has unknown members or members of
/// the wrong type; then the errors of the framework, the data (CSV: [`Error::Parse`] with
/// line and column), the spec and the computation.
pub fn run_request(text: &str) -> Result<String> {
    // strict syntax (BOM, duplicate keys, bounded messages): the core's one JSON decoder
    let value: Value = crate::json::decode("request", text)?;
    let Value::Object(request) = value else {
        return Err(Error::invalid_spec("", "the request must be a JSON object"));
    };
    let action = match request.get("action") {
        Some(Value::String(a)) => a.as_str(),
        Some(_) => return Err(Error::invalid_spec("action", "must be a string")),
        None => {
            return Err(Error::invalid_spec(
                "action",
                format!("missing (known: {})", ACTIONS.join(", ")),
            ))
        }
    };
    if !ACTIONS.contains(&action) {
        return Err(Error::invalid_spec(
            "action",
            format!("unknown action `{action}` (known: {})", ACTIONS.join(", ")),
        ));
    }
    let known = members_of(action);
    for key in request.keys() {
        if !known.contains(&key.as_str()) {
            return Err(Error::invalid_spec(
                key.clone(),
                format!(
                    "unknown request member for action `{action}` (known: {})",
                    known.join(", ")
                ),
            ));
        }
    }
    let response = match action {
        "describe" => describe(&framework_of(&request)?),
        "index" => index_action(&request)?,
        "monitor" => monitor_action(&request)?,
        _ => inequality_action(&request)?,
    };
    Ok(serde_json::to_string_pretty(&response).expect("a JSON value always serialises"))
}

/// Runs one JSON request (UTF-8, `request_len` bytes) and writes the JSON response,
/// NUL-terminated, into a caller buffer. Actions `describe`, `index`, `monitor`,
/// `inequality`; request and response schemas in `docs/json-api.md`.
///
/// `*out_len` always receives the response length in bytes (excluding the NUL) once the
/// request has succeeded; if `buf_len <= *out_len` nothing is written to `buf` and the call
/// returns `CPINDEX_STATUS_BUFFER_TOO_SMALL`. A size query `(NULL, 0, &n)` runs the request;
/// the second call runs it again (the computation is deterministic), so pass a generous
/// buffer first when the request is expensive.
///
/// **Ownership:** the caller owns `buf`; the request is only read.
/// **NULL:** `out_len` must not be NULL; `request` may be NULL only when `request_len` is 0
/// (which gives JSON_ERROR); `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_JSON_ERROR`, `CPINDEX_STATUS_INVALID_SPEC` (unknown action or member, a
/// member of the wrong type, an unknown measure, a bad spec field),
/// `CPINDEX_STATUS_UNKNOWN_ID` (unknown built-in framework or indicator),
/// `CPINDEX_STATUS_INVALID_FRAMEWORK`, `CPINDEX_STATUS_PARSE_ERROR` (CSV data, with line
/// and column), the domain errors of the computation (`MISSING_VALUE`, `INVALID_VALUE`,
/// `LENGTH_MISMATCH`, `EMPTY_INPUT` …), `CPINDEX_STATUS_BUFFER_TOO_SMALL`. Errors are not
/// written into `buf`; read them with `cpindex_last_error_message`.
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// `request` valid for `request_len` bytes; `buf` valid for `buf_len` bytes; `out_len`
/// valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_run_json(
    request: *const c_char,
    request_len: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_run_json", || {
        let out_len = out_ptr(out_len, "out_len")?;
        let text = try_str(request, request_len, "request")?;
        let response = run_request(text)?;
        write_text(&response, buf, buf_len, out_len)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_builtin() {
        let out = run_request(r#"{"action":"describe","framework":"quzhou-2021-2025"}"#).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["summary"]["id"], "quzhou-2021-2025");
        assert_eq!(v["summary"]["base_year"], 2020);
        assert_eq!(v["framework"]["target_year"], 2025);
        // effective weights sum to 1 (each top-level dimension has positive weight)
        let s: f64 = v["effective_weights"]
            .as_object()
            .unwrap()
            .values()
            .map(|w| w.as_f64().unwrap())
            .sum();
        assert!((s - 1.0).abs() < 1e-12, "{s}");
    }

    #[test]
    fn bad_requests_are_named() {
        let e = run_request("[1]").unwrap_err();
        assert!(matches!(e, Error::InvalidSpec { .. }), "{e}");
        let e = run_request(r#"{"action":"rank","framework":"quzhou-2021-2025"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown action `rank`"), "{e}");
        let e = run_request(r#"{"action":"describe","framework":"x"}"#).unwrap_err();
        assert!(matches!(e, Error::UnknownId { .. }), "{e}");
        let e = run_request(r#"{"action":"describe","framework":"quzhou-2021-2025","x":1}"#)
            .unwrap_err();
        assert!(e.to_string().contains("`x`"), "{e}");
        let e = run_request(r#"{"action":"describe","framework":{"id":"a"}}"#).unwrap_err();
        assert!(matches!(e, Error::Json { .. }), "{e}");
        let e = run_request("{").unwrap_err();
        assert!(matches!(e, Error::Json { .. }), "{e}");
        let e = run_request(r#"{"framework":"quzhou-2021-2025"}"#).unwrap_err();
        assert!(e.to_string().contains("action"), "{e}");
    }
}
