//! The report as an Excel workbook (`cpindex report --format xlsx --out report.xlsx`):
//! one sheet per table of [`crate::tables::report_tables`], written with rust_xlsxwriter.
//!
//! Every sheet has two header rows — Chinese above English — frozen with the unit (or
//! indicator) columns, an auto-filter on the English row, numbers stored as numbers with
//! the table's number format (missing = an empty cell, never text), column widths from
//! the content (CJK characters count two columns, as in the terminal table), and the
//! dashboard colours as cell fills in the HTML report's legend colours. Printed, every
//! sheet is A4 landscape, one page wide, with both header rows repeated on each page.
//!
//! Sheets are written row by row in rust_xlsxwriter's "low memory" mode: a finished row
//! goes to a temporary file (in the system's temporary directory) instead of staying in
//! memory as a cell map, with the strings still shared. At 2,844 units (9.4 million cells)
//! this took the workbook from 13.4 s and 3.0 GB to 9.0 s and 1.0 GB, same cells and
//! styles. The rows must therefore be written in order — both header rows first.
//! Text cells without a fill carry no style (Excel's default is the `General` format they
//! had), which spares the format lookup of a million cells.

use cpindex::monitor::Colour;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, XlsxError};

use crate::table::str_width;
use crate::tables::{fill_rgb, ReportTable, Value};
use crate::{CliResult, Failure};

/// The dashboard colours, in the order of [`colour_slot`].
const COLOURS: [Colour; 5] = [
    Colour::Green,
    Colour::Yellow,
    Colour::Orange,
    Colour::Red,
    Colour::Grey,
];

/// The position of a colour in [`COLOURS`].
fn colour_slot(c: Colour) -> usize {
    match c {
        Colour::Green => 0,
        Colour::Yellow => 1,
        Colour::Orange => 2,
        Colour::Red => 3,
        Colour::Grey => 4,
    }
}

fn fail(e: XlsxError) -> Failure {
    Failure(format!("writing the xlsx workbook: {e}"))
}

/// Excel's rows per sheet.
const EXCEL_MAX_ROWS: usize = 1_048_576;

/// Refuses a sheet of `n_rows` data rows (plus the two header rows) that Excel cannot
/// hold, naming the sheet and what to do instead.
fn check_rows(sheet: &str, n_rows: usize) -> CliResult {
    let rows = n_rows.saturating_add(2);
    if rows > EXCEL_MAX_ROWS {
        return Err(Failure(format!(
            "sheet `{sheet}` would have {rows} rows, more than Excel's {EXCEL_MAX_ROWS}: \
             use --format csv (no row limit), or report fewer units or years"
        )));
    }
    Ok(())
}

/// Checks that a file can be made in the system's temporary directory, where the
/// low-memory sheets keep their rows: rust_xlsxwriter 0.92 panics (unwraps) when it
/// cannot make its temporary file, so the reason is found and said here first.
fn check_tempdir() -> CliResult {
    let dir = std::env::temp_dir();
    let probe = dir.join(format!(".cpindex-xlsx-probe-{}", std::process::id()));
    let made = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe);
    match made {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(Failure(format!(
            "the xlsx workbook keeps its rows in temporary files in {}, which cannot be \
             written ({e}): set TMPDIR to a writable directory",
            dir.display()
        ))),
    }
}

/// The workbook of `tables`, as the bytes of an .xlsx file.
pub fn workbook(tables: &[ReportTable]) -> CliResult<Vec<u8>> {
    for t in tables {
        check_rows(&t.sheet_name(), t.n_rows())?;
    }
    check_tempdir()?;
    // a panic inside the writer (it unwraps some I/O results) becomes an error, not an
    // abort of the report with a backtrace
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| write_workbook(tables)))
        .unwrap_or_else(|_| {
            Err(Failure(
                "writing the xlsx workbook failed inside rust_xlsxwriter (see the message \
                 above)"
                    .into(),
            ))
        })
}

fn write_workbook(tables: &[ReportTable]) -> CliResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let head_zh = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xdde4ee))
        .set_text_wrap();
    let head_en = Format::new()
        .set_italic()
        .set_background_color(Color::RGB(0xdde4ee))
        .set_border_bottom(FormatBorder::Thin)
        .set_text_wrap();
    for t in tables {
        let ws = wb.add_worksheet_with_low_memory();
        ws.set_name(t.sheet_name()).map_err(fail)?;
        let mut widths: Vec<usize> = vec![6; t.columns.len()];
        // row by row (the sheet is written as it goes: a row once left is final)
        for (c, column) in t.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, &column.zh, &head_zh)
                .map_err(fail)?;
            widths[c] = widths[c].max(str_width(&column.zh)).max(column.en.len());
        }
        for (c, column) in t.columns.iter().enumerate() {
            ws.write_string_with_format(1, c as u16, &column.en, &head_en)
                .map_err(fail)?;
        }
        // the formats, made once per column: the number format, and the same with each
        // dashboard colour's fill (a Format per cell would dominate on national data)
        let formats: Vec<(Format, Vec<Format>)> = t
            .columns
            .iter()
            .map(|column| {
                let base = Format::new().set_num_format(column.fmt.excel());
                let fills = COLOURS
                    .iter()
                    .map(|&colour| {
                        let (rgb, white) = fill_rgb(colour);
                        let f = base.clone().set_background_color(Color::RGB(rgb));
                        if white {
                            f.set_font_color(Color::White)
                        } else {
                            f
                        }
                    })
                    .collect();
                (base, fills)
            })
            .collect();
        for (r, row) in t.rows().enumerate() {
            let r32 = (r + 2) as u32;
            for (c, cell) in row.iter().enumerate() {
                let c16 = c as u16;
                let fmt = match cell.fill {
                    Some(colour) => &formats[c].1[colour_slot(colour)],
                    None => &formats[c].0,
                };
                match &cell.value {
                    Value::Num(Some(v)) => {
                        ws.write_number_with_format(r32, c16, *v, fmt)
                            .map_err(fail)?;
                        widths[c] = widths[c].max(10);
                    }
                    Value::Num(None) => {
                        if cell.fill.is_some() {
                            ws.write_blank(r32, c16, fmt).map_err(fail)?;
                        }
                    }
                    Value::Text(s) => {
                        if cell.fill.is_some() {
                            ws.write_string_with_format(r32, c16, &**s, fmt)
                                .map_err(fail)?;
                        } else if !s.is_empty() {
                            ws.write_string(r32, c16, &**s).map_err(fail)?;
                        }
                        widths[c] = widths[c].max(str_width(s));
                    }
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w).min(60) as f64 + 1.0)
                .map_err(fail)?;
        }
        ws.set_freeze_panes(2, t.frozen_columns).map_err(fail)?;
        // printed (or saved as PDF): A4 landscape, one page wide, both header rows
        // repeated on every page
        ws.set_paper_size(9)
            .set_landscape()
            .set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(0, 1).map_err(fail)?;
        if t.n_rows() > 0 && !t.columns.is_empty() {
            ws.autofilter(1, 0, (t.n_rows() + 1) as u32, (t.columns.len() - 1) as u16)
                .map_err(fail)?;
        }
    }
    wb.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_beyond_excels_rows_is_refused_by_name() {
        // 1,048,574 data rows + 2 header rows is exactly Excel's limit
        assert!(check_rows("综合指数 Composite index", 1_048_574).is_ok());
        let e = check_rows("综合指数 Composite index", 1_048_575)
            .unwrap_err()
            .0;
        assert!(
            e.contains("综合指数 Composite index") && e.contains("1048577") && e.contains("csv"),
            "{e}"
        );
        assert!(check_rows("x", usize::MAX).is_err());
    }
}
