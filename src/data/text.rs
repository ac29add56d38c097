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

/// What [`Scanner::scan`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// A record (its fields are in the scanner).
    Record,
    /// The end of the input.
    End,
    /// The text ends inside a record (or where a record might go on) and more input may
    /// follow: nothing was consumed.
    More,
}

/// The record tokenizer shared by [`CsvRows`] (a whole text) and [`ChunkRows`] (a window
/// of a stream): it reads one record of `text` from `pos`, keeping the fields as spans of
/// the text (or, for a quoted field holding an escaped quote, as an owned string), and
/// when `eof` is false stops with [`Step::More`] wherever the rest of the record, or
/// whether it ends, depends on bytes not read yet. The records, lines and errors are the
/// same whichever way the input is cut.
#[derive(Default)]
pub(super) struct Scanner {
    /// Byte offset of the next record in the text.
    pub(super) pos: usize,
    /// Line at `pos` (1-based; 0 before the first scan sets it).
    next_line: u64,
    /// Line where the current record starts.
    pub(super) line: u64,
    /// The current record's fields: `(start, end)` in the text, or `(usize::MAX, k)` for
    /// `owned[k]`.
    pub(super) fields: Vec<(usize, usize)>,
    /// Owned fields (reused between records; the first `n_owned` are current).
    pub(super) owned: Vec<String>,
    n_owned: usize,
}

/// The first `,`, `\n` or `\r` of `bytes`, eight bytes at a time: for each of the three
/// bytes, `(x - 0x01…01) & !x & 0x80…80` of the word XOR the byte repeated flags the
/// zero bytes of that XOR, exactly from the lowest one on (a borrow only flags bytes
/// above a true zero), so the lowest flag of the three masks is the first delimiter
/// (the classic "has zero byte" test, S. E. Anderson, *Bit Twiddling Hacks*). Fields are
/// a few dozen bytes; a byte-at-a-time search was most of the tokenizer's time.
#[inline]
fn find_delimiter(bytes: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let x = u64::from_le_bytes(w.try_into().expect("8 bytes"));
        let m = zero(x ^ (LO * u64::from(b',')))
            | zero(x ^ (LO * u64::from(b'\n')))
            | zero(x ^ (LO * u64::from(b'\r')));
        if m != 0 {
            return Some(at + (m.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| matches!(b, b',' | b'\n' | b'\r'))
        .map(|k| at + k)
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

impl Scanner {
    fn new() -> Scanner {
        Scanner {
            next_line: 1,
            ..Scanner::default()
        }
    }

    /// Whether every field of the current record is empty.
    #[inline]
    fn is_blank(&self) -> bool {
        self.fields.iter().all(|&(s, e)| {
            if s == usize::MAX {
                self.owned[e].is_empty()
            } else {
                s == e
            }
        })
    }

    /// Field `k` of the current record (`text` is the one scanned).
    #[inline]
    fn field<'t>(&'t self, text: &'t str, k: usize) -> Option<&'t str> {
        let &(s, e) = self.fields.get(k)?;
        Some(if s == usize::MAX {
            &self.owned[e]
        } else {
            &text[s..e]
        })
    }

    fn err(source: &str, line: u64, column: usize, message: String) -> Error {
        Error::Parse {
            source_name: source.to_string(),
            line,
            column: column.to_string(),
            message,
        }
    }

    /// Reads the next record of `text` (see the type's docs).
    fn scan(&mut self, text: &str, eof: bool, source: &str) -> Result<Step> {
        self.fields.clear();
        self.n_owned = 0;
        let bytes = text.as_bytes();
        let n = bytes.len();
        if self.pos >= n {
            return Ok(if eof { Step::End } else { Step::More });
        }
        let line = self.next_line;
        let mut next_line = self.next_line;
        let mut p = self.pos;
        loop {
            while p < n && is_blank(bytes[p]) {
                p += 1;
            }
            if p < n && bytes[p] == b'"' {
                let open_line = next_line;
                p += 1;
                let start = p;
                let mut owned: Option<usize> = None;
                let mut seg = start;
                loop {
                    let Some(q) = bytes[p..].iter().position(|&b| b == b'"' || b == b'\n') else {
                        if !eof {
                            return Ok(Step::More);
                        }
                        return Err(Scanner::err(
                            source,
                            open_line,
                            self.fields.len() + 1,
                            format!(
                                "a quote opened on line {open_line} is never closed (the rest of the file would be read as one cell); close it or remove the stray quote"
                            ),
                        ));
                    };
                    p += q;
                    if bytes[p] == b'\n' {
                        next_line += 1;
                        p += 1;
                        continue;
                    }
                    // a quote: escaped ("") or closing
                    if p + 1 == n && !eof {
                        return Ok(Step::More);
                    }
                    if p + 1 < n && bytes[p + 1] == b'"' {
                        let k = *owned.get_or_insert_with(|| {
                            if self.owned.len() <= self.n_owned {
                                self.owned.push(String::new());
                            }
                            self.owned[self.n_owned].clear();
                            self.n_owned += 1;
                            self.n_owned - 1
                        });
                        self.owned[k].push_str(&text[seg..=p]);
                        p += 2;
                        seg = p;
                        continue;
                    }
                    let field = match owned {
                        Some(k) => {
                            let o = &mut self.owned[k];
                            o.push_str(&text[seg..p]);
                            let t = o.trim();
                            if t.len() != o.len() {
                                *o = t.to_string();
                            }
                            (usize::MAX, k)
                        }
                        None => {
                            let raw = &text[start..p];
                            let t = raw.trim_start();
                            let s = start + (raw.len() - t.len());
                            (s, s + t.trim_end().len())
                        }
                    };
                    p += 1;
                    self.fields.push(field);
                    break;
                }
                while p < n && is_blank(bytes[p]) {
                    p += 1;
                }
                if p >= n && !eof {
                    return Ok(Step::More);
                }
                if p < n && !matches!(bytes[p], b',' | b'\n' | b'\r') {
                    let end = match text[p..].find([',', '\n', '\r']) {
                        Some(e) => p + e,
                        None if !eof => return Ok(Step::More),
                        None => n,
                    };
                    let last = self
                        .field(text, self.fields.len() - 1)
                        .expect("a field was just pushed");
                    return Err(Scanner::err(
                        source,
                        next_line,
                        self.fields.len(),
                        format!(
                            "text `{}` after the closing quote of `\"{}\"`; quote the whole cell or remove the quotes",
                            crate::data::bounded(&text[p..end]),
                            crate::data::bounded(last)
                        ),
                    ));
                }
            } else {
                let rest = &bytes[p..];
                let e = match find_delimiter(rest) {
                    Some(e) => e,
                    None if !eof => return Ok(Step::More),
                    None => rest.len(),
                };
                let field = &text[p..p + e];
                // a field ending in a printable ASCII byte has no trailing white space
                // (every white-space character is either ≤ 0x20 or not ASCII): skip the
                // Unicode-aware trim for the common case
                let len = match field.as_bytes().last() {
                    Some(&b) if (0x21..0x80).contains(&b) => e,
                    _ => field.trim_end().len(),
                };
                self.fields.push((p, p + len));
                p += e;
            }
            // p at a delimiter, a line end or the end (of the input: `eof` holds here)
            if p >= n {
                self.line = line;
                self.next_line = next_line;
                self.pos = n;
                return Ok(Step::Record);
            }
            match bytes[p] {
                b',' => p += 1,
                b'\r' => {
                    p += 1;
                    if p >= n && !eof {
                        return Ok(Step::More);
                    }
                    if p < n && bytes[p] == b'\n' {
                        p += 1;
                    }
                    self.line = line;
                    self.next_line = next_line + 1;
                    self.pos = p;
                    return Ok(Step::Record);
                }
                _ => {
                    p += 1;
                    self.line = line;
                    self.next_line = next_line + 1;
                    self.pos = p;
                    return Ok(Step::Record);
                }
            }
        }
    }
}

/// A strict CSV tokenizer over text (see the module docs). Call [`CsvRows::advance`] and
/// read the current record's fields with [`CsvRows::field`].
pub(crate) struct CsvRows<'a> {
    text: &'a str,
    scanner: Scanner,
    source: &'a str,
}

impl<'a> CsvRows<'a> {
    pub(crate) fn new(text: &'a str, source: &'a str) -> CsvRows<'a> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        CsvRows {
            text,
            scanner: Scanner::new(),
            source,
        }
    }

    fn err(&self, line: u64, column: usize, message: String) -> Error {
        Scanner::err(self.source, line, column, message)
    }

    /// Reads the next record. `Ok(false)` at the end of the input.
    pub(crate) fn advance(&mut self) -> Result<bool> {
        Ok(self.scanner.scan(self.text, true, self.source)? == Step::Record)
    }

    /// The number of fields of the current record.
    pub(crate) fn n_fields(&self) -> usize {
        self.scanner.fields.len()
    }

    /// Field `k` of the current record.
    pub(crate) fn field(&self, k: usize) -> Option<&str> {
        self.scanner.field(self.text, k)
    }

    /// The line where the current record starts.
    pub(crate) fn line(&self) -> u64 {
        self.scanner.line
    }
}

/// Why a [`ChunkRows`] stopped reading before the end of its input.
#[derive(Debug)]
pub(crate) enum Abort {
    /// The bytes are not UTF-8 (the caller reads the whole input the other way, which
    /// decodes it as the encoding says or reports the invalid byte).
    NotUtf8,
    /// Reading failed.
    Io(std::io::Error),
}

/// The bytes read at a time by [`ChunkRows`] for a file (the window grows to hold a
/// longer record).
pub(crate) const STREAM_CHUNK: usize = 256 << 10;

/// The tokenizer of [`CsvRows`] over a UTF-8 stream read `chunk` bytes at a time: the
/// records, their lines and every error are those of [`CsvRows`] over the whole text
/// (issue 16: holding a 140 MB file whole was an eighth of a large report's page faults).
/// The text kept is the window from the current record on; a record longer than the
/// window is read by growing it (doubling, so a cell of any length costs linear time).
///
/// Bytes that are not UTF-8, or a failed read, stop it: [`ChunkRows::advance`] then
/// returns an error to unwind the reader, and [`ChunkRows::finish`] says why.
pub(crate) struct ChunkRows<'s, R> {
    input: R,
    chunk: usize,
    /// Bytes read but not yet in `text`: the start of a character cut by a read.
    raw: Vec<u8>,
    /// The window: valid text, the current record from `scanner.pos`.
    pub(super) text: String,
    eof: bool,
    pub(super) scanner: Scanner,
    source: &'s str,
    pub(super) abort: Option<Abort>,
}

impl<'s, R: std::io::Read> ChunkRows<'s, R> {
    /// Reads the start of `input`. `Err` when it is not UTF-8 or cannot be read.
    pub(crate) fn new(input: R, source: &'s str, chunk: usize) -> std::result::Result<Self, Abort> {
        let mut rows = ChunkRows {
            input,
            chunk: chunk.max(1),
            raw: Vec::new(),
            text: String::new(),
            eof: false,
            scanner: Scanner::new(),
            source,
            abort: None,
        };
        // enough for two byte-order marks (UTF-8 decoding skips one, the tokenizer one)
        while rows.text.len() < 6 && !rows.eof {
            rows.fill()?;
        }
        for _ in 0..2 {
            if rows.text.starts_with('\u{feff}') {
                rows.text.drain(..'\u{feff}'.len_utf8());
            }
        }
        Ok(rows)
    }

    /// Whether the input starts with `prefix` (checked after [`ChunkRows::new`], before
    /// any record is read; `prefix` at most 6 bytes, not a byte-order mark).
    pub(crate) fn starts_with(&self, prefix: &[u8]) -> bool {
        self.text.as_bytes().starts_with(prefix)
    }

    /// Appends the next `chunk` bytes (or as many as the window holds, when more) to the
    /// window. The bytes are read straight into the window's buffer and checked there
    /// (one UTF-8 check, no zero-filling, no copy: the read of a national-scale file
    /// copied every byte once more, issue 16); a character cut by the read is held back
    /// for the next one.
    pub(super) fn fill(&mut self) -> std::result::Result<(), Abort> {
        if self.eof {
            return Ok(());
        }
        let want = self.chunk.max(self.text.len() - self.scanner.pos);
        let mut buf = std::mem::take(&mut self.text).into_bytes();
        buf.append(&mut self.raw);
        buf.reserve(want);
        // (`read_to_end` retries an interrupted read and fills the spare capacity)
        let got = std::io::Read::read_to_end(
            &mut std::io::Read::take(&mut self.input, want as u64),
            &mut buf,
        )
        .map_err(Abort::Io)?;
        if got < want {
            self.eof = true;
        }
        let cut = cut_character(&buf);
        if cut > 0 {
            if self.eof {
                return Err(Abort::NotUtf8);
            }
            self.raw.extend_from_slice(&buf[buf.len() - cut..]);
            buf.truncate(buf.len() - cut);
        }
        self.text = String::from_utf8(buf).map_err(|_| Abort::NotUtf8)?;
        Ok(())
    }

    /// The name of the input in messages.
    pub(super) fn source(&self) -> &str {
        self.source
    }

    /// Scans the next record of the window (see [`Scanner::scan`]).
    pub(super) fn scan(&mut self) -> Result<Step> {
        self.scanner.scan(&self.text, self.eof, self.source)
    }

    /// Reads the next record. `Ok(false)` at the end of the input.
    pub(crate) fn advance(&mut self) -> Result<bool> {
        loop {
            match self.scan()? {
                Step::Record => return Ok(true),
                Step::End => return Ok(false),
                Step::More => {
                    self.text.drain(..self.scanner.pos);
                    self.scanner.pos = 0;
                    if let Err(a) = self.fill() {
                        self.abort = Some(a);
                        return Err(Error::Empty {
                            context: format!("{}: reading stopped", self.source),
                        });
                    }
                }
            }
        }
    }

    /// Reads (and checks) the rest of the input after the caller stopped: `Ok` when every
    /// byte was UTF-8 and could be read, so what the reader returned is what it would have
    /// returned on the whole text; else why not.
    pub(crate) fn finish(mut self) -> std::result::Result<(), Abort> {
        if let Some(a) = self.abort.take() {
            return Err(a);
        }
        while !self.eof {
            self.text.clear();
            self.scanner.pos = 0;
            self.fill()?;
        }
        Ok(())
    }
}

/// The length of an unfinished UTF-8 sequence at the end of `bytes` (0 when the last
/// character is complete, or when the end is not the start of a valid sequence: the UTF-8
/// check then refuses it). A lead byte `C2..=DF` starts 2 bytes, `E0..=EF` 3 and
/// `F0..=F4` 4 (RFC 3629, section 4); it is cut when fewer follow it.
fn cut_character(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let b = bytes[bytes.len() - back];
        if b & 0xC0 != 0x80 {
            let need = match b {
                0xC2..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF4 => 4,
                _ => return 0,
            };
            return if need > back { back } else { 0 };
        }
    }
    0
}

impl<R: std::io::Read> super::csv::Rows for ChunkRows<'_, R> {
    fn advance(&mut self) -> Result<bool> {
        ChunkRows::advance(self)
    }
    #[inline]
    fn width(&self) -> usize {
        self.scanner.fields.len()
    }
    #[inline]
    fn cell(&self, k: usize) -> &str {
        self.scanner.field(&self.text, k).unwrap_or("")
    }
    #[inline]
    fn is_blank(&self) -> bool {
        self.scanner.is_blank()
    }
    fn line(&self) -> u64 {
        self.scanner.line
    }
    fn at(&self, _k: Option<usize>, name: &str) -> (u64, String) {
        (self.scanner.line, name.to_string())
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
    let blank = |r: &CsvRows| r.n_fields() == 1 && r.field(0) == Some("");
    let mut header = None;
    while rows.advance()? {
        if !blank(&rows) {
            header = Some(
                (0..rows.n_fields())
                    .map(|k| rows.field(k).unwrap_or("").to_string())
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
        if rows.n_fields() != header.len() {
            return Err(rows.err(
                rows.line(),
                rows.n_fields().min(header.len()) + 1,
                format!(
                    "{} cells where the header has {}",
                    rows.n_fields(),
                    header.len()
                ),
            ));
        }
        out.push(TextRow {
            line: rows.line(),
            cells: (0..rows.n_fields())
                .map(|k| rows.field(k).unwrap_or("").to_string())
                .collect(),
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
    #[inline]
    fn width(&self) -> usize {
        self.scanner.fields.len()
    }
    #[inline]
    fn cell(&self, k: usize) -> &str {
        self.scanner.field(self.text, k).unwrap_or("")
    }
    #[inline]
    fn is_blank(&self) -> bool {
        self.scanner.is_blank()
    }
    fn line(&self) -> u64 {
        self.scanner.line
    }
    fn at(&self, _k: Option<usize>, name: &str) -> (u64, String) {
        (self.scanner.line, name.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cut_character` against the standard library's UTF-8 check (an independent
    /// oracle): for every prefix of text holding characters of 1 to 4 bytes (each lead
    /// byte class of RFC 3629), the bytes it holds back are exactly the unfinished
    /// character `from_utf8` reports (`error_len() == None`), and none when the prefix
    /// is valid; a byte that starts no character is never held back.
    #[test]
    fn a_cut_character_is_what_the_utf8_check_calls_unfinished() {
        let text = "a\u{80}\u{7ff}\u{800}衢\u{d7ff}\u{e000}\u{ffff}\u{10000}𠀀\u{10ffff}z";
        let bytes = text.as_bytes();
        let mut cut = 0;
        for end in 0..=bytes.len() {
            let prefix = &bytes[..end];
            let expected = match std::str::from_utf8(prefix) {
                Ok(_) => 0,
                Err(e) => {
                    assert!(e.error_len().is_none(), "a prefix of valid text");
                    end - e.valid_up_to()
                }
            };
            assert_eq!(cut_character(prefix), expected, "prefix of {end} bytes");
            cut += usize::from(expected > 0);
        }
        assert_eq!(
            cut,
            2 + 5 * 2 + 3 * 3,
            "every cut of every multi-byte character"
        );
        for bad in [
            &b"x\xff"[..],
            b"x\xc0",
            b"x\xc1",
            b"x\xf5",
            b"x\xf8\x80",
            b"\x80\x80\x80\x80",
        ] {
            assert_eq!(cut_character(bad), 0, "{bad:?}");
            assert!(std::str::from_utf8(bad).is_err());
        }
    }

    fn all(text: &str) -> Result<Vec<(u64, Vec<String>)>> {
        let mut r = CsvRows::new(text, "t.csv");
        let mut out = Vec::new();
        while r.advance()? {
            out.push((
                r.line(),
                (0..r.n_fields())
                    .map(|k| r.field(k).unwrap().to_string())
                    .collect(),
            ));
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

    /// A reader handing out at most `max` bytes a call (a short read each time it can).
    struct Dribble<'b> {
        bytes: &'b [u8],
        max: usize,
    }

    impl std::io::Read for Dribble<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let k = buf.len().min(self.max).min(self.bytes.len());
            buf[..k].copy_from_slice(&self.bytes[..k]);
            self.bytes = &self.bytes[k..];
            Ok(k)
        }
    }

    type Records = std::result::Result<Vec<(u64, Vec<String>)>, String>;

    /// The records of `bytes` the whole-text way: decoded as UTF-8, then tokenized.
    fn whole_records(bytes: &[u8]) -> Option<Records> {
        let (text, _) = decode(bytes, TextEncoding::Utf8, "t.csv").ok()?;
        let mut r = CsvRows::new(&text, "t.csv");
        let mut out = Vec::new();
        loop {
            match r.advance() {
                Ok(true) => out.push((
                    r.line(),
                    (0..r.n_fields())
                        .map(|k| r.field(k).unwrap().to_string())
                        .collect(),
                )),
                Ok(false) => return Some(Ok(out)),
                Err(e) => return Some(Err(e.to_string())),
            }
        }
    }

    /// The records of `bytes` read `chunk` bytes at a time through reads of at most `max`
    /// bytes; `None` when the stream stopped as not UTF-8.
    fn chunk_records(bytes: &[u8], chunk: usize, max: usize) -> Option<Records> {
        use crate::data::csv::Rows;
        let input = Dribble { bytes, max };
        let mut r = match ChunkRows::new(input, "t.csv", chunk) {
            Ok(r) => r,
            Err(Abort::NotUtf8) => return None,
            Err(Abort::Io(e)) => panic!("{e}"),
        };
        let mut out = Vec::new();
        let res = loop {
            match r.advance() {
                Ok(true) => out.push((
                    r.line(),
                    (0..r.width()).map(|k| r.cell(k).to_string()).collect(),
                )),
                Ok(false) => break Ok(out),
                Err(e) => break Err(e.to_string()),
            }
        };
        match r.finish() {
            Ok(()) => Some(res),
            Err(Abort::NotUtf8) => None,
            Err(Abort::Io(e)) => panic!("{e}"),
        }
    }

    /// Read in chunks of 1 to 9 bytes (and larger), through short reads, random texts of
    /// quotes, escaped quotes, commas, line ends of every kind, blanks, byte-order marks
    /// and multi-byte characters give exactly the records, lines and errors of the whole
    /// text; and a stream stops as not UTF-8 exactly when the whole bytes do not decode.
    #[test]
    fn chunked_reading_equals_whole_text() {
        use crate::sensitivity::rng::split_mix64;
        let pieces: [&[u8]; 24] = [
            b"a",
            b"bc",
            b"12.5",
            b",",
            b",",
            b"\"",
            b"\"\"",
            b"\"q,\nr\"",
            b"\"x\"\"y\"",
            b"\n",
            b"\n",
            b"\r\n",
            b"\r",
            b" ",
            b"\t",
            "年".as_bytes(),
            "\u{3000}".as_bytes(),
            "\u{feff}".as_bytes(),
            "地区".as_bytes(),
            b"\"70\"0",
            b"\" p \"",
            b"x\"y",
            b"\xFF",
            b"\xE5\xB9",
        ];
        let mut state = 16u64;
        let mut rnd = |n: u64| split_mix64(&mut state) % n;
        let mut checked = 0;
        let mut errors = 0;
        for case in 0..3000 {
            let mut bytes = Vec::new();
            if case % 7 == 0 {
                bytes.extend_from_slice("\u{feff}".as_bytes());
            }
            let len = 1 + rnd(40);
            for _ in 0..len {
                // invalid bytes now and then only
                let n = if rnd(8) == 0 { 24 } else { 22 };
                let k = rnd(n) as usize;
                bytes.extend_from_slice(pieces[k]);
            }
            let whole = whole_records(&bytes);
            for chunk in (1..=9).chain([16, 64, 1 << 20]) {
                let max = 1 + rnd(12) as usize;
                let got = chunk_records(&bytes, chunk, max);
                assert_eq!(
                    got,
                    whole,
                    "{:?} in chunks of {chunk}, reads of {max}",
                    String::from_utf8_lossy(&bytes)
                );
                checked += 1;
            }
            errors += usize::from(matches!(whole, Some(Err(_))));
        }
        // the cases reach the errors too
        assert!(errors > 100 && errors < 2500, "{errors} of 3000");
        assert!(checked > 0);
    }

    /// The word-at-a-time delimiter search finds what a byte-at-a-time search finds, for
    /// random bytes biased to delimiters, bytes one off them (0x2B, 0x2D, 0x0C, 0x0E,
    /// 0x01, 0x00) and high bytes, at every length up to 40.
    #[test]
    fn find_delimiter_is_the_first_delimiter() {
        use crate::sensitivity::rng::split_mix64;
        let alphabet = [
            b',', b'\n', b'\r', 0x2B, 0x2D, 0x0C, 0x0E, 0x0D, 0x01, 0x00, 0x80, 0xFF, b'a', b'"',
        ];
        let mut state = 3u64;
        let mut found = 0;
        for _ in 0..100_000 {
            let n = (split_mix64(&mut state) % 41) as usize;
            let bias = split_mix64(&mut state) % 4;
            let bytes: Vec<u8> = (0..n)
                .map(|_| {
                    let r = split_mix64(&mut state);
                    // fewer delimiters in some cases, so that long runs without one occur
                    let k = (r % alphabet.len() as u64) as usize;
                    if bias == 0 && k < 3 {
                        b'x'
                    } else {
                        alphabet[k]
                    }
                })
                .collect();
            let want = bytes
                .iter()
                .position(|&b| matches!(b, b',' | b'\n' | b'\r'));
            assert_eq!(find_delimiter(&bytes), want, "{bytes:?}");
            found += usize::from(want.is_some_and(|k| k >= 8));
        }
        assert!(found > 1000, "{found}");
    }
}
