//! Excel workbooks (`.xlsx`, also `.xlsm`/`.xlsb`/`.xls`/`.ods` as far as the
//! [calamine](https://docs.rs/calamine) crate reads them) read as tables: the chosen sheet's
//! used range, rows from the first with at least two filled cells (a title row above the
//! header is skipped). Numbers are read as the workbook stores them (an f64, written back
//! in the shortest form that round-trips); text cells are trimmed; error cells (`#DIV/0!`)
//! are reported as not a number. Errors name the sheet and the cell: `数据!C7`.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};

use crate::data::bounded;
use crate::data::csv::{parse_err, read_rows, Ingest, ReadOptions, Rows, SheetRef};
use crate::error::{Error, Result};
use crate::model::Framework;

/// The spreadsheet name of a 0-based column: 0 → `A`, 26 → `AA`.
pub(crate) fn column_name(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Error(e) => format!("#{e:?}"),
        Data::DateTime(dt) => format!("{}", dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

/// The rows of one sheet.
struct SheetRows {
    sheet: String,
    rows: Vec<Vec<String>>,
    /// Sheet row (0-based) and column of the range's first cell.
    origin: (u32, u32),
    next: usize,
}

impl Rows for SheetRows {
    fn advance(&mut self) -> Result<bool> {
        if self.next >= self.rows.len() {
            return Ok(false);
        }
        self.next += 1;
        Ok(true)
    }
    fn width(&self) -> usize {
        self.rows[self.next - 1].len()
    }
    fn cell(&self, k: usize) -> &str {
        self.rows[self.next - 1]
            .get(k)
            .map(String::as_str)
            .unwrap_or("")
    }
    fn line(&self) -> u64 {
        u64::from(self.origin.0) + self.next as u64
    }
    fn at(&self, k: Option<usize>, name: &str) -> (u64, String) {
        let line = self.line();
        match k {
            Some(k) => (
                line,
                format!(
                    "{name}` at `{}!{}{line}",
                    self.sheet,
                    column_name(self.origin.1 + k as u32)
                ),
            ),
            None => (line, format!("{name}` in sheet `{}", self.sheet)),
        }
    }
}

/// Reads a workbook from bytes (see the module docs and [`crate::data`]'s readers).
pub(crate) fn read_xlsx_bytes(
    bytes: &[u8],
    source: &str,
    framework: Option<&Framework>,
    options: &ReadOptions,
) -> Result<Ingest> {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|e| {
        parse_err(
            source,
            0,
            "?",
            format!("not a readable workbook: {}", bounded(&e.to_string())),
        )
    })?;
    let names = wb.sheet_names();
    let sheet = match &options.sheet {
        SheetRef::First => names.first().cloned(),
        SheetRef::Name(n) => names.iter().find(|s| s.trim() == n.trim()).cloned(),
        SheetRef::Index(i) => names.get(*i).cloned(),
    }
    .ok_or_else(|| {
        let wanted = match &options.sheet {
            SheetRef::First => "a first sheet".to_string(),
            SheetRef::Name(n) => format!("sheet `{}`", bounded(n)),
            SheetRef::Index(i) => format!("sheet number {i} (0-based)"),
        };
        Error::invalid_argument(
            "sheet",
            format!(
                "{source} has no {wanted}; its sheets are: {}",
                names.join(", ")
            ),
        )
    })?;
    let range = wb.worksheet_range(&sheet).map_err(|e| {
        parse_err(
            source,
            0,
            &sheet,
            format!("cannot read the sheet: {}", bounded(&e.to_string())),
        )
    })?;
    let origin = range.start().unwrap_or((0, 0));
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    let mut sr = SheetRows {
        sheet,
        rows,
        origin,
        next: 0,
    };
    read_rows(
        &mut sr,
        source,
        framework,
        options.layout,
        options.allow_unit_mismatch,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_names() {
        assert_eq!(super::column_name(0), "A");
        assert_eq!(super::column_name(2), "C");
        assert_eq!(super::column_name(25), "Z");
        assert_eq!(super::column_name(26), "AA");
        assert_eq!(super::column_name(27), "AB");
        assert_eq!(super::column_name(26 * 27), "AAA");
    }
}
