//! Bytes to text (UTF-8, UTF-8 with a byte-order mark, GB18030/GBK) and a strict CSV
//! tokenizer over that text.
//!
//! The tokenizer follows RFC 4180 (<https://www.rfc-editor.org/rfc/rfc4180>) with the
//! leniencies spreadsheet programs need — `\n` or `\r\n` line ends, spaces around fields
//! (trimmed), a last line without a line end — and two strictnesses the `csv` crate does
//! not have: a quote still open at the end of the input is an error naming the line where
//! it opened (instead of swallowing every following row), and text after a closing quote
//! (`"70"0`) is an error (instead of being glued on, giving 700). Fields borrow from the
//! text; only a quoted field holding an escaped quote (`""`) is copied.

use std::borrow::Cow;

use crate::error::{Error, Result};

/// The text encoding of a CSV input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEncoding {
    /// UTF-8 (a byte-order mark is skipped) when the bytes are valid UTF-8, else GB18030
    /// (which covers GBK and GB2312, what Excel on Chinese Windows saves) when they decode
    /// as that; a warning says which was used.
    #[default]
    Auto,
    /// UTF-8, with or without a byte-order mark; other bytes are an error with a hint.
    Utf8,
    /// GB18030 (a superset of GBK and GB2312), decoded with the WHATWG decoder of
    /// `encoding_rs`.
    Gb18030,
}

impl TextEncoding {
    /// Parses `auto`, `utf-8`/`utf8`, `gb18030`/`gbk`/`gb2312` (any case).
    pub fn parse(name: &str) -> Option<TextEncoding> {
        match name.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(TextEncoding::Auto),
            "utf-8" | "utf8" | "utf-8-sig" => Some(TextEncoding::Utf8),
            "gb18030" | "gbk" | "gb2312" | "cp936" => Some(TextEncoding::Gb18030),
            _ => None,
        }
    }
}

/// The 1-based line of byte offset `pos` in `bytes`.
fn line_of(bytes: &[u8], pos: usize) -> u64 {
    1 + bytes[..pos.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

/// Decodes `bytes` as `encoding`. Returns the text (borrowed when it was UTF-8) and a
/// warning when the encoding was detected rather than chosen.
pub(crate) fn decode<'a>(
    bytes: &'a [u8],
    encoding: TextEncoding,
    source: &str,
) -> Result<(Cow<'a, str>, Option<String>)> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let gb = |bytes: &'a [u8]| -> Option<Cow<'a, str>> {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|c| Cow::Owned(c.into_owned()))
    };
    match encoding {
        TextEncoding::Utf8 | TextEncoding::Auto => {
            let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
            match std::str::from_utf8(body) {
                Ok(s) => Ok((Cow::Borrowed(s), None)),
                Err(e) => {
                    let at = (bytes.len() - body.len()) + e.valid_up_to();
                    if encoding == TextEncoding::Auto && !bytes.starts_with(BOM) {
                        if let Some(text) = gb(bytes) {
                            return Ok((
                                text,
                                Some(format!(
                                    "{source}: the bytes are not UTF-8; read as GB18030/GBK (pass the encoding explicitly to silence this)"
                                )),
                            ));
                        }
                    }
                    let hint = if gb(bytes).is_some() {
                        "; the file looks like GBK/GB18030 (as Excel on Chinese Windows saves CSV): choose encoding gb18030 (`--encoding gb18030`), or save it as \"CSV UTF-8\""
                    } else {
                        "; save the file as UTF-8 (\"CSV UTF-8\" in Excel) or choose its encoding (`--encoding gb18030`)"
                    };
                    Err(Error::Parse {
                        source_name: source.to_string(),
                        line: line_of(bytes, at),
                        column: "?".into(),
                        message: format!("invalid UTF-8 at byte {at}{hint}"),
                    })
                }
            }
        }
        TextEncoding::Gb18030 => match gb(bytes) {
            Some(text) => Ok((text, None)),
            None => {
                let valid_utf8 = std::str::from_utf8(bytes).is_ok();
                Err(Error::Parse {
                    source_name: source.to_string(),
                    line: 0,
                    column: "?".into(),
                    message: if valid_utf8 {
                        "the bytes are not GB18030 (they are valid UTF-8: choose encoding utf-8 or auto)".into()
                    } else {
                        "the bytes are not GB18030 (choose encoding auto or utf-8)".into()
                    },
                })
            }
        },
    }
}

/// A strict CSV tokenizer over text (see the module docs). Call [`CsvRows::advance`] and
/// read the current record's fields with [`CsvRows::field`].
pub(crate) struct CsvRows<'a> {
    text: &'a str,
    pos: usize,
    /// Line at `pos`.
    next_line: u64,
    /// Line where the current record starts.
    line: u64,
    fields: Vec<Cow<'a, str>>,
    source: &'a str,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

impl<'a> CsvRows<'a> {
    pub(crate) fn new(text: &'a str, source: &'a str) -> CsvRows<'a> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        CsvRows {
            text,
            pos: 0,
            next_line: 1,
            line: 0,
            fields: Vec::new(),
            source,
        }
    }

    fn err(&self, line: u64, column: usize, message: String) -> Error {
        Error::Parse {
            source_name: self.source.to_string(),
            line,
            column: column.to_string(),
            message,
        }
    }

    /// Reads the next record. `Ok(false)` at the end of the input.
    pub(crate) fn advance(&mut self) -> Result<bool> {
        self.fields.clear();
        let bytes = self.text.as_bytes();
        let n = bytes.len();
        if self.pos >= n {
            return Ok(false);
        }
        self.line = self.next_line;
        let mut p = self.pos;
        loop {
            while p < n && is_blank(bytes[p]) {
                p += 1;
            }
            if p < n && bytes[p] == b'"' {
                let open_line = self.next_line;
                p += 1;
                let start = p;
                let mut owned: Option<String> = None;
                let mut seg = start;
                loop {
                    let Some(q) = bytes[p..].iter().position(|&b| b == b'"' || b == b'\n') else {
                        return Err(self.err(
                            open_line,
                            self.fields.len() + 1,
                            format!(
                                "a quote opened on line {open_line} is never closed (the rest of the file would be read as one cell); close it or remove the stray quote"
                            ),
                        ));
                    };
                    p += q;
                    if bytes[p] == b'\n' {
                        self.next_line += 1;
                        p += 1;
                        continue;
                    }
                    // a quote: escaped ("") or closing
                    if p + 1 < n && bytes[p + 1] == b'"' {
                        let o = owned.get_or_insert_with(String::new);
                        o.push_str(&self.text[seg..=p]);
                        p += 2;
                        seg = p;
                        continue;
                    }
                    let field = match owned.take() {
                        Some(mut o) => {
                            o.push_str(&self.text[seg..p]);
                            Cow::Owned(o.trim().to_string())
                        }
                        None => Cow::Borrowed(self.text[start..p].trim()),
                    };
                    p += 1;
                    self.fields.push(field);
                    break;
                }
                while p < n && is_blank(bytes[p]) {
                    p += 1;
                }
                if p < n && !matches!(bytes[p], b',' | b'\n' | b'\r') {
                    let end = self.text[p..]
                        .find([',', '\n', '\r'])
                        .map(|e| p + e)
                        .unwrap_or(n);
                    return Err(self.err(
                        self.next_line,
                        self.fields.len(),
                        format!(
                            "text `{}` after the closing quote of `\"{}\"`; quote the whole cell or remove the quotes",
                            crate::data::bounded(&self.text[p..end]),
                            crate::data::bounded(&self.fields[self.fields.len() - 1])
                        ),
                    ));
                }
            } else {
                let rest = &bytes[p..];
                let e = rest
                    .iter()
                    .position(|&b| matches!(b, b',' | b'\n' | b'\r'))
                    .unwrap_or(rest.len());
                let field = &self.text[p..p + e];
                // a field ending in a printable ASCII byte has no trailing white space
                // (every white-space character is either ≤ 0x20 or not ASCII): skip the
                // Unicode-aware trim for the common case
                let field = match field.as_bytes().last() {
                    Some(&b) if (0x21..0x80).contains(&b) => field,
                    _ => field.trim_end(),
                };
                self.fields.push(Cow::Borrowed(field));
                p += e;
            }
            // p at a delimiter, a line end or the end
            if p >= n {
                self.pos = n;
                return Ok(true);
            }
            match bytes[p] {
                b',' => p += 1,
                b'\r' => {
                    p += 1;
                    if p < n && bytes[p] == b'\n' {
                        p += 1;
                    }
                    self.next_line += 1;
                    self.pos = p;
                    return Ok(true);
                }
                _ => {
                    p += 1;
                    self.next_line += 1;
                    self.pos = p;
                    return Ok(true);
                }
            }
        }
    }
}

/// A plain CSV table of text cells — a header and records, each with the line it starts
/// on — read with the same decoding (UTF-8, BOM, GB18030) and the same strict tokenizer as
/// the panel readers. For microdata (households, survey responses, incomes) whose columns
/// are found by name and parsed by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct TextTable {
    /// The name of the input in messages (the file's path).
    pub source: String,
    /// The header cells, trimmed.
    pub header: Vec<String>,
    /// The records below the header (blank lines skipped).
    pub rows: Vec<TextRow>,
    /// A note when the encoding was detected rather than chosen (GB18030 read as such).
    pub warning: Option<String>,
}

/// One record of a [`TextTable`].
#[derive(Debug, Clone, PartialEq)]
pub struct TextRow {
    /// The 1-based line where the record starts.
    pub line: u64,
    /// The cells, trimmed; as many as the header has.
    pub cells: Vec<String>,
}

impl TextRow {
    /// Cell `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.cells.get(i).map(String::as_str)
    }
}

impl TextTable {
    /// The index of the column named exactly `name`, or a parse error on line 1 that lists
    /// the header.
    pub fn column(&self, name: &str) -> Result<usize> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::Parse {
                source_name: self.source.clone(),
                line: 1,
                column: name.to_string(),
                message: format!("missing column (header has: {})", self.header.join(", ")),
            })
    }

    /// The index of the column named exactly `name`, if present.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

/// Reads a [`TextTable`] from CSV bytes in `encoding`. Errors ([`Error::Parse`]) name
/// `source` and the line: a quote never closed (the line where it opened), text after a
/// closing quote (`"70"0`), a record with more or fewer cells than the header, invalid
/// bytes for the encoding; an input without a header is [`Error::Empty`].
pub fn read_text_table_bytes(
    bytes: &[u8],
    source: &str,
    encoding: TextEncoding,
) -> Result<TextTable> {
    let (text, warning) = decode(bytes, encoding, source)?;
    let mut rows = CsvRows::new(&text, source);
    let blank = |r: &CsvRows| r.fields.len() == 1 && r.fields[0].is_empty();
    let mut header = None;
    while rows.advance()? {
        if !blank(&rows) {
            header = Some(
                rows.fields
                    .iter()
                    .map(|f| f.to_string())
                    .collect::<Vec<_>>(),
            );
            break;
        }
    }
    let header = header.ok_or_else(|| Error::Empty {
        context: format!("{source}: header"),
    })?;
    let mut out = Vec::new();
    while rows.advance()? {
        if blank(&rows) {
            continue;
        }
        if rows.fields.len() != header.len() {
            return Err(rows.err(
                rows.line,
                rows.fields.len().min(header.len()) + 1,
                format!(
                    "{} cells where the header has {}",
                    rows.fields.len(),
                    header.len()
                ),
            ));
        }
        out.push(TextRow {
            line: rows.line,
            cells: rows.fields.iter().map(|f| f.to_string()).collect(),
        });
    }
    Ok(TextTable {
        source: source.to_string(),
        header,
        rows: out,
        warning,
    })
}

/// [`read_text_table_bytes`] from a file; errors name the file's path. A file that cannot
/// be read is [`Error::Io`].
pub fn read_text_table_path(
    path: impl AsRef<std::path::Path>,
    encoding: TextEncoding,
) -> Result<TextTable> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    read_text_table_bytes(&bytes, &path.display().to_string(), encoding)
}

impl super::csv::Rows for CsvRows<'_> {
    fn advance(&mut self) -> Result<bool> {
        CsvRows::advance(self)
    }
    fn width(&self) -> usize {
        self.fields.len()
    }
    fn cell(&self, k: usize) -> &str {
        self.fields.get(k).map(|c| c.as_ref()).unwrap_or("")
    }
    fn line(&self) -> u64 {
        self.line
    }
    fn at(&self, _k: Option<usize>, name: &str) -> (u64, String) {
        (self.line, name.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Result<Vec<(u64, Vec<String>)>> {
        let mut r = CsvRows::new(text, "t.csv");
        let mut out = Vec::new();
        while r.advance()? {
            out.push((r.line, r.fields.iter().map(|f| f.to_string()).collect()));
        }
        Ok(out)
    }

    #[test]
    fn fields_quotes_and_lines() {
        let rows = all("a, b ,\"c,d\"\r\n\"x\"\"y\",\"multi\nline\",3\n\nlast").unwrap();
        assert_eq!(rows[0], (1, vec!["a".into(), "b".into(), "c,d".into()]));
        assert_eq!(
            rows[1],
            (2, vec!["x\"y".into(), "multi\nline".into(), "3".into()])
        );
        // the blank line 4 is a record with one empty field; `last` is on line 5
        assert_eq!(rows[2], (4, vec!["".into()]));
        assert_eq!(rows[3], (5, vec!["last".into()]));
    }

    /// Unquoted fields lose trailing white space of every kind (ASCII, vertical tab,
    /// ideographic space, NBSP), whatever the fast path for printable endings does.
    #[test]
    fn unquoted_fields_trim_any_trailing_white_space() {
        let cells = [
            "a",
            "b \t",
            "c\u{b}",
            "d\u{3000}",
            "e\u{a0}",
            "年",
            "f~",
            "",
            " g h ",
        ];
        let rows = all(&cells.join(",")).unwrap();
        let want: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
        assert_eq!(rows[0].1, want);
    }

    #[test]
    fn text_table_reads_header_and_rows() {
        // BOM, a blank line, a quoted comma, CRLF: two records on lines 2 and 4
        let t = read_text_table_bytes(
            b"\xEF\xBB\xBFa, b\r\n1,\"x,y\"\r\n\r\n3,z\r\n",
            "t.csv",
            TextEncoding::Auto,
        )
        .unwrap();
        assert_eq!(t.header, ["a", "b"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!((t.rows[0].line, t.rows[0].get(1)), (2, Some("x,y")));
        assert_eq!((t.rows[1].line, t.rows[1].get(0)), (4, Some("3")));
        assert_eq!(t.column("b").unwrap(), 1);
        let e = t.column("c").unwrap_err().to_string();
        assert!(e.contains("missing column") && e.contains("a, b"), "{e}");
        // a short record is an error naming its line
        let e = read_text_table_bytes(b"a,b\n1,2\n3\n", "t.csv", TextEncoding::Auto)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 3") && e.contains("1 cells where the header has 2"),
            "{e}"
        );
    }

    #[test]
    fn unterminated_quote_names_its_line() {
        let e = all("u,v\na,1\nb,\"2\nc,3\nd,4\n").unwrap_err().to_string();
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("opened on line 3"), "{e}");
    }

    #[test]
    fn text_after_closing_quote_is_an_error() {
        let e = all("u,v\na,\"70\"0\n").unwrap_err().to_string();
        assert!(
            e.contains("line 2") && e.contains("after the closing quote"),
            "{e}"
        );
    }

    #[test]
    fn gb18030_detected_and_hinted() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("地区,年份\n衢州,2021\n");
        let (t, w) = decode(&bytes, TextEncoding::Auto, "f.csv").unwrap();
        assert!(t.starts_with("地区,年份"));
        assert!(w.unwrap().contains("GB18030"));
        let e = decode(&bytes, TextEncoding::Utf8, "f.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("--encoding gb18030"), "{e}");
        let (t, w) = decode("\u{feff}a,b".as_bytes(), TextEncoding::Utf8, "f").unwrap();
        assert_eq!((t.as_ref(), w), ("a,b", None));
    }
}
