//! Strict JSON decoding: the one entry point through which every framework, methodology
//! spec, monitoring spec and request document is read.
//!
//! [`decode`] is stricter than `serde_json::from_str` in four ways, each of which used to
//! let a wrong document through or make an unusable message:
//!
//! * **Duplicate keys** are rejected, naming the key's dotted path (RFC 8259 §4 leaves
//!   them undefined; serde keeps the last one silently).
//! * **Unknown members** are rejected with their dotted path, also inside types that do
//!   not say `deny_unknown_fields` (found with `serde_ignored`), so a typo such as
//!   `schedule_tolerence` is an error, never a default.
//! * **A UTF-8 byte-order mark** at the start is accepted, as the CSV readers accept it
//!   (RFC 8259 §8.1 lets a parser ignore it; Windows editors write it).
//! * **Messages are bounded**: an offending key or value is quoted by a prefix of at most
//!   [`QUOTE_CHARS`] characters, with control characters and NUL escaped, so a 100 MB key
//!   gives a one-line message that a C string can carry whole.
//!
//! Every error is [`Error::Json`] with the 1-based line and column *in the text given*
//! (callers that read a file name the file in `what`) and, for a typed error, the dotted
//! path of the member at fault (from `serde_path_to_error`).

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::error::{Error, Result};

/// At most this many characters of an offending key or value are quoted in a message.
pub const QUOTE_CHARS: usize = 60;

/// The longest object key accepted, in bytes. No cpindex document has keys longer than a
/// few dozen bytes; a longer one is refused before serde copies it into a message.
pub const MAX_KEY_BYTES: usize = 1024;

/// The text without a leading UTF-8 byte-order mark (U+FEFF), if it has one.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// A bounded, printable quotation of `s`: at most [`QUOTE_CHARS`] characters, control
/// characters (NUL included) escaped as `\u{…}`, and `… (N bytes)` when cut.
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n == QUOTE_CHARS {
            out.push_str(&format!("… ({} bytes)", s.len()));
            return out;
        }
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A message with every quoted run (between backticks or double quotes, as serde quotes an
/// offending key or value: ``unknown field `…` ``, `invalid type: string "…"`) cut to
/// [`quote`]'s [`QUOTE_CHARS`] characters; the rest of the message (serde's own words, the
/// list of expected names) is kept whole. An escaped `\"` inside a double-quoted run does
/// not end it; an unterminated run is quoted to the end.
pub fn bound_quoted(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len().min(1024));
    let mut rest = msg;
    while let Some(open) = rest.find(['`', '"']) {
        let delim = rest.as_bytes()[open];
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        let mut close = None;
        let mut escaped = false;
        for (i, b) in after.bytes().enumerate() {
            if b == delim && !escaped {
                close = Some(i);
                break;
            }
            escaped = delim == b'"' && b == b'\\' && !escaped;
        }
        match close {
            Some(c) => {
                out.push_str(&quote(&after[..c]));
                out.push(delim as char);
                rest = &after[c + 1..];
            }
            None => {
                out.push_str(&quote(after));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A number as a message quotes it: the shortest text that reads back as the same `f64`,
/// in scientific notation outside [1e-5, 1e16) (`1e308`, not its 309 digits), so that a
/// huge or tiny offending value stays short; `NaN`, `inf` and `-inf` as such.
pub fn number(x: f64) -> String {
    let a = x.abs();
    if !x.is_finite() || a == 0.0 || (1e-5..1e16).contains(&a) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// A message of at most a few hundred characters: a serde message quoting a huge key or
/// value is cut (the position and path still say where the problem is), with control
/// characters escaped.
pub fn bound_message(msg: &str) -> String {
    const MAX: usize = 300;
    let mut out = String::new();
    for (n, c) in msg.chars().enumerate() {
        if n == MAX {
            out.push_str(&format!("… (message of {} bytes cut)", msg.len()));
            break;
        }
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// One step of a path into a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A dotted path such as `dashboard.thresholds.gdp` or `indicators[3].target`.
fn dotted(path: &[Step]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&quote(k));
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        out.push_str("(root)");
    }
    out
}

/// The structural pass: walks any JSON value, rejecting duplicate and over-long keys, or
/// (with `target`) stopping with an error at the member with that path, so that serde_json
/// reports its line and column.
struct Scan<'p> {
    path: Vec<Step>,
    target: Option<&'p [Step]>,
}

impl<'p> Scan<'p> {
    fn child(&self, step: Step) -> Scan<'p> {
        let mut path = self.path.clone();
        path.push(step);
        Scan {
            path,
            target: self.target,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Scan<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while seq.next_element_seed(self.child(Step::Index(i)))?.is_some() {
            i += 1;
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: HashSet<String> = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let child = self.child(Step::Key(key.clone()));
            if self.target == Some(child.path.as_slice()) {
                return Err(de::Error::custom(LOCATED));
            }
            if key.len() > MAX_KEY_BYTES {
                return Err(de::Error::custom(format!(
                    "key `{}` at `{}` is longer than {MAX_KEY_BYTES} bytes",
                    quote(&key),
                    dotted(&self.path)
                )));
            }
            if !seen.insert(key) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{}` (each member may appear once)",
                    dotted(&child.path)
                )));
            }
            map.next_value_seed(child)?;
        }
        Ok(())
    }
}

const LOCATED: &str = "\u{0}located";

/// serde_json's message without its trailing ` at line L column C` (the position is
/// carried separately in [`Error::Json`]).
fn message_of(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let cut = match s.rfind(" at line ") {
        Some(p) if e.line() > 0 => &s[..p],
        _ => &s[..],
    };
    bound_message(cut)
}

fn json_error(what: &str, e: &serde_json::Error, message: String) -> Error {
    Error::Json {
        what: what.to_string(),
        line: e.line(),
        column: e.column(),
        message,
    }
}

/// Runs the structural pass over `text` (already without BOM).
fn scan(what: &str, text: &str, target: Option<&[Step]>) -> Result<()> {
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = Scan {
        path: Vec::new(),
        target,
    };
    seed.deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| json_error(what, &e, message_of(&e)))
}

/// The path of a member serde ignored, without serde_ignored's `?` steps for options and
/// newtypes.
fn ignored_path(p: &serde_ignored::Path) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut cur = p;
    loop {
        match cur {
            serde_ignored::Path::Root => break,
            serde_ignored::Path::Seq { parent, index } => {
                steps.push(Step::Index(*index));
                cur = parent;
            }
            serde_ignored::Path::Map { parent, key } => {
                steps.push(Step::Key(key.clone()));
                cur = parent;
            }
            serde_ignored::Path::Some { parent }
            | serde_ignored::Path::NewtypeStruct { parent }
            | serde_ignored::Path::NewtypeVariant { parent } => cur = parent,
        }
    }
    steps.reverse();
    steps
}

/// The dotted path (keys quoted by [`quote`]) of a member that serde ignored, as
/// reported by `serde_ignored`, without its `?` steps for options and newtypes.
pub(crate) fn ignored_member(p: &serde_ignored::Path) -> String {
    dotted(&ignored_path(p))
}

/// Decodes `text` strictly into `T`; `what` names the document in errors ("framework",
/// "monitor spec", "framework file quzhou.json" …).
///
/// Errors ([`Error::Json`], with line and column in `text` after an optional BOM):
/// malformed JSON; a duplicate key (its dotted path); a key over [`MAX_KEY_BYTES`]; a
/// member of the wrong type or a missing one (the dotted path of the member, from
/// `serde_path_to_error`); an unknown member (its dotted path, also where `T` does not
/// deny unknown fields); trailing characters. Quotations in messages are bounded.
pub fn decode<T: DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    let text = strip_bom(text);
    scan(what, text, None)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let mut unknown: Option<Vec<Step>> = None;
    let value: std::result::Result<T, _> = {
        let mut note = |p: serde_ignored::Path| {
            if unknown.is_none() {
                unknown = Some(ignored_path(&p));
            }
        };
        let ignoring = serde_ignored::Deserializer::new(&mut de, &mut note);
        serde_path_to_error::deserialize(ignoring)
    };
    let value = match value {
        Ok(v) => v,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let message = if path == "." || path.is_empty() {
                message_of(&inner)
            } else {
                format!("at `{}`: {}", bound_message(&path), message_of(&inner))
            };
            return Err(json_error(what, &inner, message));
        }
    };
    de.end().map_err(|e| json_error(what, &e, message_of(&e)))?;
    if let Some(path) = unknown {
        let (line, column) = match scan(what, text, Some(&path)) {
            Err(Error::Json { line, column, .. }) => (line, column),
            _ => (0, 0),
        };
        return Err(Error::Json {
            what: what.to_string(),
            line,
            column,
            message: format!("unknown member `{}`", dotted(&path)),
        });
    }
    Ok(value)
}

/// Decodes a fragment of a larger document: `fragment` must be a sub-slice of `whole`
/// (e.g. a `serde_json::value::RawValue` borrowed from it), and positions in errors are
/// given in `whole`, so a section of a combined spec file is reported at its real line and
/// column rather than in a re-serialised copy.
pub fn decode_fragment<T: DeserializeOwned>(what: &str, whole: &str, fragment: &str) -> Result<T> {
    let start = (fragment.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
    let inside = start <= whole.len() && start + fragment.len() <= whole.len();
    decode(what, fragment).map_err(|e| match e {
        Error::Json {
            what,
            line,
            column,
            message,
        } if inside && line > 0 => {
            let before = &whole[..start];
            let lines_before = before.matches('\n').count();
            let col0 = before.len() - before.rfind('\n').map_or(0, |p| p + 1);
            Error::Json {
                what,
                line: line + lines_before,
                column: if line == 1 { column + col0 } else { column },
                message,
            }
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Inner {
        #[serde(default)]
        x: f64,
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Doc {
        a: Inner,
        #[serde(default)]
        list: Vec<Inner>,
    }

    fn json_err(r: Result<Doc>) -> (usize, usize, String) {
        match r {
            Err(Error::Json {
                line,
                column,
                message,
                ..
            }) => (line, column, message),
            other => panic!("expected a JSON error, got {other:?}"),
        }
    }

    #[test]
    fn duplicates_are_rejected_with_their_path_and_position() {
        let (line, _, m) = json_err(decode("t", "{\"a\": {\"x\": 1,\n \"x\": 2}}"));
        assert_eq!(line, 2);
        assert!(m.contains("duplicate key `a.x`"), "{m}");
        let (_, _, m) = json_err(decode("t", r#"{"a": {}, "list": [{}, {"x": 1, "x": 1}]}"#));
        assert!(m.contains("duplicate key `list[1].x`"), "{m}");
    }

    #[test]
    fn unknown_members_are_rejected_even_without_deny_unknown_fields() {
        // `Inner` does not deny unknown fields; `"y"` on line 3 closes at column 6 (two
        // spaces, `{`, `"`, `y`, `"`), the column serde_json reports for a key
        let (line, column, m) = json_err(decode(
            "t",
            "{\"a\": {\"x\": 1},\n \"list\": [\n  {\"y\": 2}]}",
        ));
        assert!(m.contains("unknown member `list[0].y`"), "{m}");
        assert_eq!((line, column), (3, 6));
    }

    #[test]
    fn a_bom_is_accepted_and_types_name_their_path() {
        let d: Doc = decode("t", "\u{feff}{\"a\": {\"x\": 2}}").unwrap();
        assert_eq!(d.a.x, 2.0);
        let (line, _, m) = json_err(decode("t", "{\"a\": {\"x\": \"two\"}}"));
        assert_eq!(line, 1);
        assert!(m.contains("at `a.x`") && m.contains("invalid type"), "{m}");
    }

    #[test]
    fn huge_keys_and_nul_bytes_give_bounded_printable_messages() {
        let key = "k".repeat(5_000_000);
        let (_, _, m) = json_err(decode("t", &format!("{{\"{key}\": 1}}")));
        assert!(m.len() < 400, "{} bytes", m.len());
        assert!(
            m.contains("longer than 1024 bytes") && m.contains("(5000000 bytes)"),
            "{m}"
        );
        let (_, _, m) = json_err(decode("t", "{\"a\": {}, \"b\\u0000c\": 1}"));
        assert!(m.contains("b\\u{0}c") && !m.contains('\0'), "{m}");
    }

    #[test]
    fn quoted_runs_are_cut_and_the_rest_kept() {
        let long = "y".repeat(1000);
        let m = bound_quoted(&format!(
            "invalid type: string \"{long}\", expected `a`, `b` or `{long}`"
        ));
        let quoted = format!("{}… (1000 bytes)", "y".repeat(QUOTE_CHARS));
        assert_eq!(
            m,
            format!("invalid type: string \"{quoted}\", expected `a`, `b` or `{quoted}`")
        );
        // an escaped quote stays inside its run; an unterminated run is cut too
        let m = bound_quoted(&format!("string \"a\\\"{long}\" then `{long}"));
        assert!(m.starts_with("string \"a\\\"yyy") && m.len() < 200, "{m}");
        assert_eq!(bound_quoted("no quotes at all"), "no quotes at all");
    }

    #[test]
    fn numbers_are_quoted_in_their_shortest_round_trip_form() {
        assert_eq!(number(1e308), "1e308");
        assert_eq!(number(-2.5e-7), "-2.5e-7");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(12345.5), "12345.5");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::NEG_INFINITY), "-inf");
        for x in [
            1e308,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            0.1 + 0.2,
            1e16,
            9.9e15,
        ] {
            assert_eq!(number(x).parse::<f64>().unwrap(), x, "{x} round-trips");
        }
    }

    #[test]
    fn fragments_report_positions_in_the_whole_text() {
        let whole = "{\n  \"sec\": {\"a\": {\"x\": 1},\n          \"zz\": 1}\n}";
        let start = whole.find("{\"a\"").unwrap();
        let frag = &whole[start..whole.rfind('}').unwrap() - 1];
        let (line, column, m) = json_err(decode_fragment("t", whole, frag));
        assert!(m.contains("unknown member `zz`"), "{m}");
        // `"zz"` on line 3 of the whole text closes at column 14 (ten spaces, `"zz"`); the
        // fragment starts on line 2, so its own position would be line 2
        assert_eq!((line, column), (3, 14));
    }
}
