//! Excel workbooks (`.xlsx`, also `.xlsm`/`.xlsb`/`.xls`/`.ods` as far as the
//! [calamine](https://docs.rs/calamine) crate reads them) read as tables: the chosen sheet's
//! used range, rows from the first with at least two filled cells (a title row above the
//! header is skipped). Numbers are read as the workbook stores them (an f64, written back
//! in the shortest form that round-trips); text cells are trimmed; error cells (`#DIV/0!`)
//! are reported as not a number. Errors name the sheet and the cell: `数据!C7`.
//!
//! * A **date** cell (a number the workbook formats as a date, such as 2024-01-01 shown as
//!   `2024年`) in the period column is read as the date's year; in any other column it is
//!   an error naming the cell (a date is not an indicator value).
//! * A **formula** cell without a stored result (a workbook written by a program that does
//!   not calculate, such as openpyxl or pandas, and never opened in Excel/WPS) is an error
//!   naming the first such cell: its value is not in the file, and reading it as missing
//!   would drop it silently. Opening and saving the workbook in Excel or WPS stores the
//!   results.
//! * Number **formats** other than dates are not read (the calamine crate does not expose
//!   them): a cell typed `98.09%` is the fraction 0.9809 the workbook stores. For a
//!   percentage indicator that is far below any plausible value and is refused by the
//!   magnitude check of [`crate::data::csv`] with the hint to declare the unit `ratio`.

use std::collections::HashMap;
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

/// The text of a cell, and its year when the workbook stores it as a date.
fn cell_text(d: &Data) -> (String, Option<i32>) {
    let text = match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Error(e) => format!("#{e:?}"),
        Data::DateTime(dt) if dt.is_datetime() => {
            // the date as the workbook shows it (1900 and 1904 date systems, Excel's
            // 1900 leap-year bug included), never its serial number
            let (y, m, day, h, min, sec, _) = dt.to_ymd_hms_milli();
            let text = if (h, min, sec) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{sec:02}")
            };
            return (text, Some(i32::from(y)));
        }
        Data::DateTime(dt) => format!("{}", dt.as_f64()),
        Data::DateTimeIso(s) => {
            // an ISO 8601 date cell (`t="d"`): its year is the leading digits
            let year = s
                .get(..4)
                .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|y| y.parse().ok());
            return (s.trim().to_string(), year);
        }
        Data::DurationIso(s) => s.clone(),
    };
    (text, None)
}

/// The rows of one sheet.
struct SheetRows {
    sheet: String,
    rows: Vec<Vec<String>>,
    /// The cells stored as dates: (row in `rows`, column) → the date's year.
    dates: HashMap<(usize, usize), i32>,
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
    fn date_year(&self, k: usize) -> Option<i32> {
        if self.dates.is_empty() {
            return None;
        }
        self.dates.get(&(self.next - 1, k)).copied()
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
            // counted as a person counts (`--sheet 3`), with the 0-based position the
            // library's `SheetRef::Index` and the C and Python interfaces take
            SheetRef::Index(i) => format!(
                "sheet number {} (position {i} counting from 0)",
                i.saturating_add(1)
            ),
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
    // a formula without its stored result (calamine reads its value as empty)
    // (a format whose formulas calamine cannot read has its values only: nothing to check)
    if let Ok(formulas) = wb.worksheet_formula(&sheet) {
        refuse_uncalculated(&range, &formulas, &sheet, source)?;
    }
    let mut dates = HashMap::new();
    let rows: Vec<Vec<String>> = range
        .rows()
        .enumerate()
        .map(|(n, r)| {
            r.iter()
                .enumerate()
                .map(|(k, d)| {
                    let (text, year) = cell_text(d);
                    if let Some(y) = year {
                        dates.insert((n, k), y);
                    }
                    text
                })
                .collect()
        })
        .collect();
    let mut sr = SheetRows {
        sheet,
        rows,
        dates,
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

/// An error naming the first cell (in sheet order) that holds a formula but no stored
/// result, with how many there are and what to do.
///
/// calamine reads a formula cell without a `<v>` as empty, and one with an empty `<v/>`
/// (how openpyxl writes every formula) as the empty text — which is also what a
/// calculated `=IF(…,"",…)` stores. So a formula cell with no value at all is refused,
/// and formula cells holding the empty text are refused when no formula cell of the
/// sheet holds anything else (a workbook nobody calculated); in a calculated workbook
/// they are genuine empty results, read as missing.
fn refuse_uncalculated(
    values: &calamine::Range<Data>,
    formulas: &calamine::Range<String>,
    sheet: &str,
    source: &str,
) -> Result<()> {
    let Some((r0, c0)) = formulas.start() else {
        return Ok(());
    };
    // (row, column, formula) of the cells without a value and of those with empty text
    let mut none: Vec<(u32, u32, &str)> = Vec::new();
    let mut empty_text: Vec<(u32, u32, &str)> = Vec::new();
    let mut calculated = false;
    for (r, c, f) in formulas.used_cells() {
        if f.trim().is_empty() {
            continue;
        }
        let (row, col) = (r0 + r as u32, c0 + c as u32);
        match values.get_value((row, col)) {
            None | Some(Data::Empty) => none.push((row, col, f)),
            Some(Data::String(t)) if t.trim().is_empty() => empty_text.push((row, col, f)),
            Some(_) => calculated = true,
        }
    }
    if calculated {
        empty_text.clear();
    }
    none.extend(empty_text);
    let n = none.len();
    let Some(&(row, col, f)) = none.iter().min_by_key(|(r, c, _)| (*r, *c)) else {
        return Ok(());
    };
    let more = match n {
        1 => String::new(),
        n => format!(" ({n} such cells in the sheet)"),
    };
    let letter = column_name(col);
    let line = u64::from(row) + 1;
    Err(parse_err(
        source,
        line,
        &format!("{letter}` at `{sheet}!{letter}{line}"),
        format!(
            "a formula (={}) with no stored value{more}: the workbook was saved by a program that does not calculate formulas; open it in Excel or WPS and save it (that stores the results), then read it again",
            bounded(f.trim().trim_start_matches('='))
        ),
    ))
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
