//! Status codes: the return value of every fallible C function (house style R8).
//!
//! Codes are never renumbered or reused. 0–99 are the fixed infrastructure codes, 100–199
//! the domain codes, one per [`crate::Error`] variant (mapped exhaustively in
//! [`status_of`], so a new core error forces an ABI decision). Retired codes stay listed
//! here as comments.

use std::os::raw::c_char;

use crate::error::Error;

/// The result of a cpindex C function. `CPINDEX_STATUS_OK` (0) is success; every other
/// value is a failure whose details are in `cpindex_last_error_message`.
///
/// In C the type is `uint32_t` (the enum constants name the values); a value received from
/// the library may be any `uint32_t`, so compare with the constants, do not `switch`
/// exhaustively.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum cpindex_status {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// An argument is out of its allowed range (unknown enum code, index past the end,
    /// unknown JSON action, p outside [0, 1] …).
    InvalidArgument = 2,
    /// Text input is not valid UTF-8.
    InvalidUtf8 = 3,
    /// The caller's buffer is too small; `*out_len` holds the size needed.
    BufferTooSmall = 4,
    /// A panic was caught inside the library (a bug in cpindex; please report it with the
    /// message from `cpindex_last_error_message`).
    Panic = 5,
    /// An internal invariant failed (a bug in cpindex).
    Internal = 6,
    /// A framework definition breaks a structural rule.
    InvalidFramework = 100,
    /// A value outside the domain of the method applied to it (±inf, a negative income …).
    InvalidValue = 101,
    /// A missing value (NaN) where the method cannot skip it.
    MissingValue = 102,
    /// Two inputs that must have the same length do not.
    LengthMismatch = 103,
    /// An input that must not be empty is empty.
    EmptyInput = 104,
    /// An unknown id (indicator, unit, dimension, period, built-in framework …).
    UnknownId = 105,
    /// Malformed tabular (CSV) input.
    ParseError = 106,
    /// Malformed JSON.
    JsonError = 107,
    /// A well-formed spec or request that asks for something impossible.
    InvalidSpec = 108,
    /// A file could not be read or written.
    IoError = 109,
}

/// The status code of a core error. Exhaustive on purpose: no `_ =>` arm.
pub(crate) fn status_of(err: &Error) -> cpindex_status {
    match err {
        Error::InvalidFramework { .. } => cpindex_status::InvalidFramework,
        Error::InvalidValue { .. } => cpindex_status::InvalidValue,
        Error::MissingValue { .. } => cpindex_status::MissingValue,
        Error::LengthMismatch { .. } => cpindex_status::LengthMismatch,
        Error::Empty { .. } => cpindex_status::EmptyInput,
        Error::UnknownId { .. } => cpindex_status::UnknownId,
        Error::Parse { .. } => cpindex_status::ParseError,
        Error::Json { .. } => cpindex_status::JsonError,
        Error::InvalidSpec { .. } => cpindex_status::InvalidSpec,
        Error::InvalidArgument { .. } => cpindex_status::InvalidArgument,
        Error::Io { .. } => cpindex_status::IoError,
    }
}

impl cpindex_status {
    /// Every status, in code order (a function, not an associated const, so cbindgen
    /// does not export it as a macro).
    pub fn all() -> [cpindex_status; 17] {
        [
            cpindex_status::Ok,
            cpindex_status::NullArgument,
            cpindex_status::InvalidArgument,
            cpindex_status::InvalidUtf8,
            cpindex_status::BufferTooSmall,
            cpindex_status::Panic,
            cpindex_status::Internal,
            cpindex_status::InvalidFramework,
            cpindex_status::InvalidValue,
            cpindex_status::MissingValue,
            cpindex_status::LengthMismatch,
            cpindex_status::EmptyInput,
            cpindex_status::UnknownId,
            cpindex_status::ParseError,
            cpindex_status::JsonError,
            cpindex_status::InvalidSpec,
            cpindex_status::IoError,
        ]
    }

    /// The status with this code, if any (never transmute a C integer into the enum).
    pub fn from_code(code: u32) -> Option<cpindex_status> {
        Self::all().into_iter().find(|s| *s as u32 == code)
    }

    /// The NUL-terminated static description of the status.
    fn text(self) -> &'static str {
        match self {
            cpindex_status::Ok => "CPINDEX_STATUS_OK: success\0",
            cpindex_status::NullArgument => {
                "CPINDEX_STATUS_NULL_ARGUMENT: a required pointer argument was NULL\0"
            }
            cpindex_status::InvalidArgument => {
                "CPINDEX_STATUS_INVALID_ARGUMENT: an argument is out of its allowed range\0"
            }
            cpindex_status::InvalidUtf8 => "CPINDEX_STATUS_INVALID_UTF8: text is not valid UTF-8\0",
            cpindex_status::BufferTooSmall => {
                "CPINDEX_STATUS_BUFFER_TOO_SMALL: the buffer is too small; *out_len holds the size needed\0"
            }
            cpindex_status::Panic => {
                "CPINDEX_STATUS_PANIC: a panic was caught inside cpindex (a bug; please report it)\0"
            }
            cpindex_status::Internal => {
                "CPINDEX_STATUS_INTERNAL: an internal invariant failed (a bug; please report it)\0"
            }
            cpindex_status::InvalidFramework => {
                "CPINDEX_STATUS_INVALID_FRAMEWORK: the framework breaks a structural rule\0"
            }
            cpindex_status::InvalidValue => {
                "CPINDEX_STATUS_INVALID_VALUE: a value is outside the domain of the method\0"
            }
            cpindex_status::MissingValue => {
                "CPINDEX_STATUS_MISSING_VALUE: a missing value (NaN) where none is allowed\0"
            }
            cpindex_status::LengthMismatch => {
                "CPINDEX_STATUS_LENGTH_MISMATCH: inputs that must have the same length do not\0"
            }
            cpindex_status::EmptyInput => "CPINDEX_STATUS_EMPTY_INPUT: an input is empty\0",
            cpindex_status::UnknownId => "CPINDEX_STATUS_UNKNOWN_ID: an id is not known\0",
            cpindex_status::ParseError => "CPINDEX_STATUS_PARSE_ERROR: malformed CSV input\0",
            cpindex_status::JsonError => "CPINDEX_STATUS_JSON_ERROR: malformed JSON\0",
            cpindex_status::InvalidSpec => {
                "CPINDEX_STATUS_INVALID_SPEC: the spec or request asks for something impossible\0"
            }
            cpindex_status::IoError => "CPINDEX_STATUS_IO_ERROR: a file could not be read or written\0",
        }
    }

    /// The description without its NUL terminator.
    pub fn description(self) -> &'static str {
        let t = self.text();
        &t[..t.len() - 1]
    }
}

/// Names a status code in words.
///
/// Returns a static NUL-terminated string such as
/// `"CPINDEX_STATUS_NULL_ARGUMENT: a required pointer argument was NULL"`; an unknown code
/// gives `"CPINDEX_STATUS_UNKNOWN: not a cpindex status code"`.
///
/// **Ownership:** the string is static; never free it.
/// **NULL:** never returns NULL.
/// **Errors:** none (takes any `uint32_t`, not the enum, so no value is undefined).
/// **Thread safety:** may be called from any thread at any time.
#[no_mangle]
pub extern "C" fn cpindex_status_str(code: u32) -> *const c_char {
    const UNKNOWN: &str = "CPINDEX_STATUS_UNKNOWN: not a cpindex status code\0";
    // A lookup in a fixed table cannot panic, but every body is guarded all the same (R9);
    // the fallback is a static text too, so the result is never NULL. It does not touch
    // the last error, so it is safe inside error handlers.
    std::panic::catch_unwind(|| {
        cpindex_status::from_code(code).map_or(UNKNOWN, cpindex_status::text)
    })
    .unwrap_or(UNKNOWN)
    .as_ptr()
    .cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn codes_are_fixed() {
        // The ABI promise: these numbers never change (docs/c-api.md has the same table).
        let expected: [(cpindex_status, u32); 17] = [
            (cpindex_status::Ok, 0),
            (cpindex_status::NullArgument, 1),
            (cpindex_status::InvalidArgument, 2),
            (cpindex_status::InvalidUtf8, 3),
            (cpindex_status::BufferTooSmall, 4),
            (cpindex_status::Panic, 5),
            (cpindex_status::Internal, 6),
            (cpindex_status::InvalidFramework, 100),
            (cpindex_status::InvalidValue, 101),
            (cpindex_status::MissingValue, 102),
            (cpindex_status::LengthMismatch, 103),
            (cpindex_status::EmptyInput, 104),
            (cpindex_status::UnknownId, 105),
            (cpindex_status::ParseError, 106),
            (cpindex_status::JsonError, 107),
            (cpindex_status::InvalidSpec, 108),
            (cpindex_status::IoError, 109),
        ];
        for (s, c) in expected {
            assert_eq!(s as u32, c, "{s:?}");
            assert_eq!(cpindex_status::from_code(c), Some(s));
        }
        assert_eq!(cpindex_status::from_code(7), None);
        assert_eq!(std::mem::size_of::<cpindex_status>(), 4);
    }

    #[test]
    fn every_code_has_a_name() {
        for s in cpindex_status::all() {
            let text = unsafe { CStr::from_ptr(cpindex_status_str(s as u32)) }
                .to_str()
                .unwrap();
            assert!(text.starts_with("CPINDEX_STATUS_"), "{text}");
            assert_eq!(text, s.description());
        }
        for code in [7u32, 99, 110, 7000, u32::MAX] {
            let text = unsafe { CStr::from_ptr(cpindex_status_str(code)) };
            assert!(text.to_str().unwrap().starts_with("CPINDEX_STATUS_UNKNOWN"));
        }
    }

    #[test]
    fn every_error_variant_maps_to_a_domain_code() {
        let errors = [
            (
                Error::InvalidFramework {
                    framework: "f".into(),
                    location: "l".into(),
                    message: "m".into(),
                },
                100,
            ),
            (Error::invalid_value("c", 1.0, "r"), 101),
            (
                Error::MissingValue {
                    context: "c".into(),
                    reason: "r".into(),
                },
                102,
            ),
            (Error::length_mismatch("c", 1, 2), 103),
            (
                Error::Empty {
                    context: "c".into(),
                },
                104,
            ),
            (Error::unknown_id("unit", "x"), 105),
            (
                Error::Parse {
                    source_name: "s".into(),
                    line: 1,
                    column: "c".into(),
                    message: "m".into(),
                },
                106,
            ),
            (
                Error::Json {
                    what: "w".into(),
                    line: 1,
                    column: 1,
                    message: "m".into(),
                },
                107,
            ),
            (Error::invalid_spec("f", "m"), 108),
            (Error::invalid_argument("n", "m"), 2),
            (
                Error::Io {
                    path: "p".into(),
                    message: "m".into(),
                },
                109,
            ),
        ];
        for (e, code) in errors {
            assert_eq!(status_of(&e) as u32, code, "{e:?}");
        }
    }
}
