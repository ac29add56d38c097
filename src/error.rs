//! The one error type of the cpindex core.
//!
//! Every failure in the model, data, method, monitoring and distribution modules is an
//! [`enum@Error`]. Messages are written for a statistician: they name the framework, indicator,
//! unit, file, line, column or field concerned and say what was wrong, e.g.
//! ``indicator `gdp_per_capita`: value -3 is not allowed for a geometric mean``.
//!
//! The C ABI (`crate::ffi`) maps each variant to a stable status code with an exhaustive
//! `match`, so adding a variant forces an ABI decision.

use thiserror::Error;

/// Result alias used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in cpindex.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// A framework definition breaks a structural rule (duplicate id, unknown parent,
    /// negative weight, target missing for a target-based polarity, inverted interval …).
    #[error("framework `{framework}`: {location}: {message}")]
    InvalidFramework {
        /// The framework id (or `?` when it could not be read).
        framework: String,
        /// Where: e.g. ``indicator `gdp`, field `target` `` or ``dimension `economy` ``.
        location: String,
        /// What is wrong, in words.
        message: String,
    },

    /// A value is outside the domain of the method applied to it (a negative income for
    /// the mean log deviation, a zero where a ratio is taken, ±inf …).
    #[error("{context}: value {} is not allowed {reason}", crate::json::number(*value))]
    InvalidValue {
        /// What the value belongs to: ``indicator `gdp_per_capita` ``, ``values[17]`` …
        context: String,
        /// The offending value.
        value: f64,
        /// Why, phrased to follow "is not allowed", e.g. "for a geometric mean".
        reason: String,
    },

    /// A missing value (NaN) where the method cannot skip it.
    #[error("{context}: missing value (NaN) {reason}")]
    MissingValue {
        /// Where the missing value is.
        context: String,
        /// Why it cannot be handled, e.g. "and the spec asks for no imputation".
        reason: String,
    },

    /// Two inputs that must have the same length do not.
    #[error("{context}: length mismatch: expected {expected}, found {found}")]
    LengthMismatch {
        /// Which inputs, e.g. "weights vs values".
        context: String,
        /// The expected length.
        expected: usize,
        /// The length that was given.
        found: usize,
    },

    /// An input that must not be empty is empty (or has no usable observation).
    #[error("{context}: no data")]
    Empty {
        /// What was empty.
        context: String,
    },

    /// An identifier that is not known (indicator, unit, dimension, framework, period …).
    #[error("unknown {kind} `{id}`{hint}")]
    UnknownId {
        /// What kind of id: "indicator", "unit", "built-in framework" …
        kind: String,
        /// The id as given.
        id: String,
        /// Extra help, starting with a separator, e.g. " (known: a, b, c)"; may be empty.
        hint: String,
    },

    /// Malformed tabular input (CSV) or a bad cell in it.
    #[error("{source_name}, line {line}, column `{column}`: {message}")]
    Parse {
        /// File name, or a description such as `<csv text>`.
        source_name: String,
        /// 1-based line number (the header is line 1).
        line: u64,
        /// Column name (or 1-based number as text).
        column: String,
        /// What is wrong.
        message: String,
    },

    /// Malformed JSON (framework, spec, request).
    #[error("{what}: invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// What the JSON was meant to be: "framework", "spec" …
        what: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },

    /// A methodology spec that is well-formed JSON but asks for something impossible.
    #[error("spec field `{field}`: {message}")]
    InvalidSpec {
        /// Dotted path of the field, e.g. `weighting.ahp.matrix`.
        field: String,
        /// What is wrong.
        message: String,
    },

    /// An argument outside its allowed range (p outside [0, 1], ε < 0, an unknown option …).
    #[error("invalid argument `{name}`: {message}")]
    InvalidArgument {
        /// The parameter name.
        name: String,
        /// What is wrong.
        message: String,
    },

    /// A file could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid_argument(name: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name: name.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::InvalidValue`].
    pub fn invalid_value(
        context: impl Into<String>,
        value: f64,
        reason: impl Into<String>,
    ) -> Self {
        Error::InvalidValue {
            context: context.into(),
            value,
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::UnknownId`] without a hint.
    pub fn unknown_id(kind: impl Into<String>, id: impl Into<String>) -> Self {
        Error::UnknownId {
            kind: kind.into(),
            id: id.into(),
            hint: String::new(),
        }
    }

    /// Shorthand for [`Error::InvalidSpec`].
    pub fn invalid_spec(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidSpec {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::LengthMismatch`].
    pub fn length_mismatch(context: impl Into<String>, expected: usize, found: usize) -> Self {
        Error::LengthMismatch {
            context: context.into(),
            expected,
            found,
        }
    }

    /// Converts a `serde_json` error into [`Error::Json`], naming what was being read.
    pub fn from_json(what: impl Into<String>, err: &serde_json::Error) -> Self {
        Error::Json {
            what: what.into(),
            line: err.line(),
            column: err.column(),
            message: err.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_what_they_are_about() {
        let e = Error::invalid_value("indicator `gdp_per_capita`", -3.0, "for a geometric mean");
        assert_eq!(
            e.to_string(),
            "indicator `gdp_per_capita`: value -3 is not allowed for a geometric mean"
        );
        let e = Error::Parse {
            source_name: "data.csv".into(),
            line: 7,
            column: "value".into(),
            message: "`abc` is not a number".into(),
        };
        assert_eq!(
            e.to_string(),
            "data.csv, line 7, column `value`: `abc` is not a number"
        );
    }

    #[test]
    fn json_errors_keep_position() {
        let err = serde_json::from_str::<serde_json::Value>("{\n  \"a\": }").unwrap_err();
        match Error::from_json("spec", &err) {
            Error::Json { line, what, .. } => {
                assert_eq!(line, 2);
                assert_eq!(what, "spec");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
