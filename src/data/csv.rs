//! Readers that build a [`Panel`] from a table: CSV text (UTF-8, UTF-8 with a BOM,
//! GB18030/GBK) or an Excel workbook (`.xlsx`, see [`crate::data::xlsx`]).
//!
//! Two layouts are read:
//!
//! * **long** — one observation per row:
//!   `unit,period,indicator,value` plus the optional columns `group` (the unit's group),
//!   `source`, `note`, `illustrative` (`true`/`false`/`1`/`0`/empty), which are kept as
//!   the cell's [`CellProvenance`], and `unit_of_measure` (the unit the value is given
//!   in, see below). An illustrative value gets the note `illustrative` (prefixed to any
//!   other note, separated by `; `).
//! * **wide** — one unit-period per row: `unit,period` plus one column per indicator and
//!   the same optional `group`, `source`, `note`, `illustrative` columns, which then apply
//!   to every cell of the row that holds a value. An indicator header may carry its unit
//!   as a suffix in parentheses (`居民人均可支配收入(万元)`, full-width `（元）` too; the
//!   suffix is the text inside the parenthesis matching the final one, so a unit holding
//!   parentheses stays whole: `建设(筹集)政策性住房(万套(户))` is in `万套(户)`), or a
//!   first data row whose unit cell is `单位`/`计量单位`/`unit` gives every column's unit.
//!
//! **Column names** are matched case-insensitively after trimming, in English or Chinese:
//!
//! | role | accepted names |
//! |---|---|
//! | unit (region) | `unit`, `region`, `area`, `地区`, `区域`, `地区名称`, `行政区划`, `单位`¹ |
//! | period | `period`, `year`, `年份`, `年度`, `年`, `时间` |
//! | indicator | `indicator`, `indicator_id`, `指标`, `指标名称`, `指标代码` |
//! | value | `value`, `数值`, `值`, `指标值` |
//! | group | `group`, `分组`, `组别` |
//! | source | `source`, `来源`, `数据来源`, `资料来源` |
//! | note | `note`, `备注`, `说明` |
//! | illustrative | `illustrative`, `示意` |
//! | unit of measure | `unit_of_measure`, `measure_unit`, `uom`, `计量单位`, `单位`¹ |
//!
//! ¹ `单位` is the unit of measure when another column names the region, else the region.
//!
//! **Indicators** (with a framework) are named by id, Chinese name, English name or one of
//! the indicator's declared `aliases`, matched exactly, then case-insensitively without
//! white space and with full-width parentheses as ASCII ones; the panel holds the ids.
//!
//! **Units** (regions, with a framework): a unit cell holding a declared unit's
//! `name_zh` or `name_en` (`衢州市`, `Quzhou`; matched exactly after trimming) is read as
//! that unit's id, with a warning listing the names so read; ids win over names. The panel
//! holds the ids, which the targets relative to a reference series and the units' own
//! targets look up. A unit the framework does not declare keeps its text.
//!
//! **Units of measure** (with a framework): a value declared in another unit of the same
//! base is converted to the indicator's unit — 元/千元/万元/百万元/亿元, 人/万人, %/‰/ratio
//! (see [`convert_unit`]) — and each conversion is reported as a warning. A value too far
//! from the indicator's target is an error naming the cell and the unit it was probably
//! given in, unless [`ReadOptions::allow_unit_mismatch`] is set: above 100 × the target
//! for every indicator; below it, for ratios, whose size does not depend on the region's
//! size, under 1/100 of the target (倍, ratio) and, for percentages and per-mille, under
//! 10^-1.5 ≈ 1/31.6 of it, where multiplying the value by 100 brings it an order of
//! magnitude nearer the target: a percentage typed as a fraction (`98.09%` in a
//! spreadsheet is 0.9809) is refused whether it meets its target or not (true value up
//! to 3.16 × the target). This is the check that keeps incomes in 元 from scoring 100%
//! against a target in 万元, and 98 % stored as 0.98 from scoring 1 %.
//!
//! **Missing values**: an empty cell, `NA`, `N/A`, `NaN` (any case, as pandas and R write
//! it), `-`, `—` or `…` is missing (stored as NaN). Anything else must parse as a finite
//! decimal number (`inf` is an error saying it is infinite). Periods are integer years;
//! `2021年` and `2021.0` (a spreadsheet's number) are read as 2021, and a workbook's date
//! cell as its year (see the workbook reader, `src/data/xlsx.rs`).
//!
//! Errors are [`Error::Parse`] naming the source (the file name, or `<csv text>`), the
//! 1-based line (the header is line 1; for a workbook, the sheet row) and the column (for
//! a workbook, with the cell as `sheet!C7`): unknown indicators (when a framework is
//! given), duplicate observations (naming the first line too), non-numeric cells, ±inf, a
//! period that is not an integer year, missing required columns, unknown or duplicate
//! header columns, ragged rows, a unit given two different groups, a quote never closed
//! (naming the line where it opened), text after a closing quote (`"70"0`), bytes that are
//! not in the chosen encoding (with a hint). An input with a header and no data row is
//! [`Error::Empty`].
//!
//! Order of the resulting panel: units in order of first appearance; periods ascending;
//! indicators in framework order when a framework is given (auxiliary series after the
//! indicators, in order of first appearance), else in order of first appearance (long) or
//! of the header (wide).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::data::text::{decode, Abort, ChunkRows, CsvRows, TextEncoding, STREAM_CHUNK};
use crate::data::{bounded, CellProvenance, Panel};
use crate::error::{Error, Result};
use crate::model::{Framework, Unit};

/// The source name used for CSV given as text.
pub const CSV_TEXT_SOURCE: &str = "<csv text>";

/// The layout of a table: one observation per row, or one unit-period per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// `unit,period,indicator,value[,…]`.
    #[default]
    Long,
    /// `unit,period[,…],<one column per indicator>`.
    Wide,
}

/// Which sheet of a workbook to read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SheetRef {
    /// The first sheet.
    #[default]
    First,
    /// The sheet with this name.
    Name(String),
    /// The sheet at this 0-based position.
    Index(usize),
}

/// How to read a table (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadOptions {
    /// Long or wide.
    pub layout: Layout,
    /// The text encoding of CSV input (ignored for workbooks).
    pub encoding: TextEncoding,
    /// The sheet of a workbook (ignored for CSV).
    pub sheet: SheetRef,
    /// Accept values the plausibility check refuses: more than two orders of magnitude
    /// above their target, or below 1/100 of it (1/31.6 for a % or ‰ indicator, where a
    /// percentage typed as a fraction hides) — the check that catches a value given in 元
    /// for an indicator in 万元.
    pub allow_unit_mismatch: bool,
    /// Threads the reading may use (`0` and `1`, the default: the calling thread only).
    /// With two or more, [`read_table_path`] reads and tokenises a UTF-8 CSV file on a
    /// second thread while the calling thread interprets the records: the panel, the
    /// warnings and every error are the same. A thread the
    /// system refuses is not an error (the file is read on the calling thread).
    pub threads: usize,
}

/// A panel read from a table, with what the reader did that a user should know
/// (the encoding it detected, the unit conversions it applied).
#[derive(Debug, Clone, PartialEq)]
pub struct Ingest {
    /// The panel.
    pub panel: Panel,
    /// One line per fact worth reporting, naming the source.
    pub warnings: Vec<String>,
}

pub(crate) fn parse_err(
    source: &str,
    line: u64,
    column: &str,
    message: impl Into<String>,
) -> Error {
    Error::Parse {
        source_name: source.to_string(),
        line,
        column: column.to_string(),
        message: message.into(),
    }
}

/// A table read row by row: CSV records or workbook rows. Cells are trimmed.
pub(crate) trait Rows {
    /// Moves to the next row; `Ok(false)` at the end.
    fn advance(&mut self) -> Result<bool>;
    /// Number of cells in the current row.
    fn width(&self) -> usize;
    /// Cell `k` of the current row (`""` past the end).
    fn cell(&self, k: usize) -> &str;
    /// The 1-based line (or sheet row) of the current row.
    fn line(&self) -> u64;
    /// The line and the column text for an error at cell `k` whose header is `name`.
    fn at(&self, k: Option<usize>, name: &str) -> (u64, String);
    /// Whether every cell of the current row is empty.
    #[inline]
    fn is_blank(&self) -> bool {
        (0..self.width()).all(|k| self.cell(k).is_empty())
    }
    /// The year of cell `k` of the current row when the source stores it as a date (a
    /// workbook's date cell); `None` for text, numbers and every CSV cell.
    #[inline]
    fn date_year(&self, _k: usize) -> Option<i32> {
        None
    }
}

/// The period of cell `k`: an integer year (`2021`, `2021年`, `2021.0`), or the year of a
/// date the source stores as one (a workbook cell holding 2021-01-01, shown as `2021年`).
#[inline]
fn period_cell<R: Rows>(rows: &R, k: usize) -> std::result::Result<i32, String> {
    parse_period(rows.cell(k)).or_else(|m| rows.date_year(k).ok_or(m))
}

/// The value of cell `k` ([`parse_value`]); a date there is an error saying so.
#[inline]
fn value_cell<R: Rows>(rows: &R, k: usize) -> std::result::Result<f64, String> {
    parse_value(rows.cell(k)).map_err(|m| match rows.date_year(k) {
        Some(_) => format!(
            "`{}` is a date (the workbook formats the cell as a date), not an indicator value: format the cell as a number (常规/数值) and check its value",
            bounded(rows.cell(k))
        ),
        None => m,
    })
}

/// `a == b` for the short texts of cells, compared eight bytes at a time inline.
///
/// The per-row comparisons with the previous row (unit, indicator, source) are of a few
/// dozen bytes; a call to libc's `memcmp` for each was a quarter of the reading time in a
/// profile (its AVX-512 masked loads are slow on some machines), this is a few
/// instructions.
#[inline]
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let (mut ca, mut cb) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut ca).zip(&mut cb) {
        let x = u64::from_ne_bytes(x.try_into().expect("8 bytes"));
        let y = u64::from_ne_bytes(y.try_into().expect("8 bytes"));
        if x != y {
            return false;
        }
    }
    let (ra, rb) = (ca.remainder(), cb.remainder());
    let mut diff = 0u8;
    for k in 0..ra.len() {
        diff |= ra[k] ^ rb[k];
    }
    diff == 0
}

/// Is this cell a missing value?
fn is_missing(c: &str) -> bool {
    c.is_empty()
        || c.eq_ignore_ascii_case("na")
        || c.eq_ignore_ascii_case("n/a")
        || c.eq_ignore_ascii_case("nan")
        || matches!(c, "-" | "—" | "…" | "--")
}

/// Exact powers of ten as `f64`: 10^0 … 10^22 (10^22 < 2^53 · 2^22 is the largest power of
/// ten a double holds exactly).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The common cell `-?digits(.digits)?` with at most 19 digits whose digits, read as one
/// integer `m`, are at most 2^53 and whose fraction has at most 22 digits: `m / 10^f`.
/// Both operands are exact doubles and IEEE division rounds correctly, so the result is the
/// double nearest the decimal — exactly what `str::parse::<f64>` gives (Clinger's fast
/// path, W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990, which
/// std also takes first). `None` for anything else (exponents, `+`, `.5`, `5.`, long
/// mantissas, text), which the caller parses with std.
#[inline]
fn parse_decimal_fast(c: &str) -> Option<f64> {
    let b = c.as_bytes();
    let (neg, d) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let mut m: u64 = 0;
    let mut k = 0;
    while k < d.len() && d[k].is_ascii_digit() {
        if k == 19 {
            return None;
        }
        m = m * 10 + u64::from(d[k] - b'0');
        k += 1;
    }
    let n_int = k;
    if n_int == 0 {
        return None;
    }
    let mut frac = 0usize;
    if k < d.len() {
        if d[k] != b'.' {
            return None;
        }
        k += 1;
        while k < d.len() && d[k].is_ascii_digit() {
            if n_int + frac == 19 {
                return None;
            }
            m = m * 10 + u64::from(d[k] - b'0');
            frac += 1;
            k += 1;
        }
        if frac == 0 || k < d.len() {
            return None;
        }
    }
    if m > 1 << 53 || frac > 22 {
        return None;
    }
    let v = m as f64 / POW10[frac];
    Some(if neg { -v } else { v })
}

/// Parses a value cell: missing (an empty cell or one of the markers of [`is_missing`],
/// `NaN` among them, as the module docs say) → NaN; ±inf and text are errors.
fn parse_value(c: &str) -> std::result::Result<f64, String> {
    if let Some(v) = parse_decimal_fast(c) {
        return Ok(v);
    }
    // before the std parse, which reads `NaN`/`nan` as a number (the not-a-number)
    if is_missing(c) {
        return Ok(f64::NAN);
    }
    if let Ok(v) = c.parse::<f64>() {
        if v.is_finite() {
            return Ok(v);
        }
        if v.is_nan() {
            // a signed `-nan`/`+NaN`: the same missing marker
            return Ok(f64::NAN);
        }
        return Err(format!(
            "`{}` is an infinite value, which is not allowed (leave the cell empty or write NA for a missing value)",
            bounded(c)
        ));
    }
    Err(format!(
        "`{}` is not a number (use an empty cell or NA for missing)",
        bounded(c)
    ))
}

fn parse_period(c: &str) -> std::result::Result<i32, String> {
    if let Ok(p) = c.parse::<i32>() {
        return Ok(p);
    }
    let t = c.strip_suffix('年').unwrap_or(c).trim();
    let t = t.strip_suffix(".0").unwrap_or(t);
    t.parse::<i32>()
        .map_err(|_| format!("`{}` is not an integer period (year)", bounded(c)))
}

fn parse_flag(c: &str) -> std::result::Result<bool, String> {
    match c.to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" | "否" => Ok(false),
        "true" | "1" | "yes" | "是" => Ok(true),
        other => Err(format!(
            "`{}` is not a flag (use true/false/1/0)",
            bounded(other)
        )),
    }
}

fn provenance(source_cell: &str, note: &str, illustrative: bool) -> Option<CellProvenance> {
    let note = match (illustrative, note.is_empty()) {
        (true, true) => "illustrative".to_string(),
        (true, false) => format!("illustrative; {note}"),
        (false, _) => note.to_string(),
    };
    if source_cell.is_empty() && note.is_empty() {
        None
    } else {
        Some(CellProvenance {
            source: source_cell.to_string(),
            note,
        })
    }
}

/// What a header column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Unit,
    Period,
    Indicator,
    Value,
    Group,
    Source,
    Note,
    Illustrative,
    Measure,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Unit => "unit",
            Role::Period => "period",
            Role::Indicator => "indicator",
            Role::Value => "value",
            Role::Group => "group",
            Role::Source => "source",
            Role::Note => "note",
            Role::Illustrative => "illustrative",
            Role::Measure => "unit_of_measure",
        }
    }
}

/// The role a header names (`单位` is decided later: see the module docs).
fn role_of(name: &str) -> Option<Role> {
    let lower = name.to_lowercase();
    Some(match lower.as_str() {
        "unit" | "region" | "area" | "地区" | "区域" | "地区名称" | "行政区划" => {
            Role::Unit
        }
        "period" | "year" | "年份" | "年度" | "年" | "时间" => Role::Period,
        "indicator" | "indicator_id" | "指标" | "指标名称" | "指标代码" => {
            Role::Indicator
        }
        "value" | "数值" | "值" | "指标值" => Role::Value,
        "group" | "分组" | "组别" => Role::Group,
        "source" | "来源" | "数据来源" | "资料来源" => Role::Source,
        "note" | "备注" | "说明" => Role::Note,
        "illustrative" | "示意" => Role::Illustrative,
        "unit_of_measure" | "measure_unit" | "uom" | "计量单位" => Role::Measure,
        _ => return None,
    })
}

/// The header: the column of each role, and the other columns (position, name).
struct Header {
    names: Vec<String>,
    col: HashMap<&'static str, usize>,
    others: Vec<(usize, String)>,
}

impl Header {
    fn get(&self, r: Role) -> Option<usize> {
        self.col.get(r.name()).copied()
    }
}

fn read_header<R: Rows>(rows: &mut R, source: &str, layout: Layout) -> Result<Header> {
    // skip leading rows with fewer than two non-empty cells (a workbook's title row)
    loop {
        if !rows.advance()? {
            return Err(Error::Empty {
                context: format!("{source}: no header row"),
            });
        }
        let filled = (0..rows.width())
            .filter(|&k| !rows.cell(k).is_empty())
            .count();
        if filled >= 2 || (filled == 1 && rows.width() == 1) {
            break;
        }
    }
    let names: Vec<String> = (0..rows.width())
        .map(|k| {
            rows.cell(k)
                .trim_start_matches('\u{feff}')
                .trim()
                .to_string()
        })
        .collect();
    // trailing empty header cells of a workbook are not columns
    let mut width = names.len();
    while width > 0 && names[width - 1].is_empty() {
        width -= 1;
    }
    let names = names[..width].to_vec();
    let allowed: &[Role] = match layout {
        Layout::Long => &[
            Role::Unit,
            Role::Period,
            Role::Indicator,
            Role::Value,
            Role::Group,
            Role::Source,
            Role::Note,
            Role::Illustrative,
            Role::Measure,
        ],
        Layout::Wide => &[
            Role::Unit,
            Role::Period,
            Role::Group,
            Role::Source,
            Role::Note,
            Role::Illustrative,
        ],
    };
    let mut col: HashMap<&'static str, usize> = HashMap::new();
    let mut others = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut danwei = None;
    for (k, name) in names.iter().enumerate() {
        let (line, column) = rows.at(Some(k), name);
        if name.is_empty() {
            let (line, column) = rows.at(Some(k), &(k + 1).to_string());
            return Err(parse_err(
                source,
                line,
                &column,
                "empty column name in the header",
            ));
        }
        if let Some(prev) = seen.insert(name.to_lowercase(), k) {
            return Err(parse_err(
                source,
                line,
                &column,
                format!("duplicate column (also column {})", prev + 1),
            ));
        }
        if name == "单位" {
            danwei = Some(k);
            continue;
        }
        match role_of(name).filter(|r| allowed.contains(r)) {
            Some(r) => {
                if let Some(prev) = col.insert(r.name(), k) {
                    return Err(parse_err(
                        source,
                        line,
                        &column,
                        format!(
                            "columns `{}` and `{name}` both give the {}",
                            names[prev],
                            r.name()
                        ),
                    ));
                }
            }
            None if layout == Layout::Wide => others.push((k, name.clone())),
            None => {
                return Err(parse_err(
                    source,
                    line,
                    &column,
                    format!(
                        "unknown column (allowed: {}, or their Chinese names such as 地区, 年份, 指标, 数值, 单位)",
                        allowed.iter().map(|r| r.name()).collect::<Vec<_>>().join(", ")
                    ),
                ))
            }
        }
    }
    if let Some(k) = danwei {
        let role = if col.contains_key("unit") {
            Role::Measure
        } else {
            Role::Unit
        };
        if allowed.contains(&role) {
            col.insert(role.name(), k);
        } else {
            others.push((k, names[k].clone()));
        }
    }
    let required: &[Role] = match layout {
        Layout::Long => &[Role::Unit, Role::Period, Role::Indicator, Role::Value],
        Layout::Wide => &[Role::Unit, Role::Period],
    };
    for r in required {
        if !col.contains_key(r.name()) {
            let (line, column) = rows.at(None, r.name());
            return Err(parse_err(
                source,
                line,
                &column,
                format!(
                    "required column `{}` is missing from the header (has: {})",
                    r.name(),
                    names.join(", ")
                ),
            ));
        }
    }
    if layout == Layout::Wide && others.is_empty() {
        let (line, column) = rows.at(None, "?");
        return Err(parse_err(
            source,
            line,
            &column,
            "the header names no indicator column (wide layout: unit,period,<indicators…>)",
        ));
    }
    Ok(Header { names, col, others })
}

/// Known units of measure: label → (base, power of ten of the base unit).
const KNOWN_UNITS: &[(&str, &str, i32)] = &[
    ("元", "yuan", 0),
    ("yuan", "yuan", 0),
    ("千元", "yuan", 3),
    ("万元", "yuan", 4),
    ("百万元", "yuan", 6),
    ("亿元", "yuan", 8),
    ("人", "persons", 0),
    ("persons", "persons", 0),
    ("万人", "persons", 4),
    ("%", "ratio", -2),
    ("％", "ratio", -2),
    ("percent", "ratio", -2),
    ("‰", "ratio", -3),
    ("ratio", "ratio", 0),
    ("比值", "ratio", 0),
    ("倍", "ratio", 0),
];

fn known_unit(label: &str) -> Option<(&'static str, i32)> {
    let l = label.trim();
    KNOWN_UNITS
        .iter()
        .find(|(k, _, _)| k.eq_ignore_ascii_case(l))
        .map(|&(_, b, e)| (b, e))
}

/// The power of ten of a framework unit's scale, when it is one.
fn scale_exponent(unit: &Unit) -> Option<i32> {
    if !(unit.scale > 0.0 && unit.scale.is_finite()) {
        return None;
    }
    let e = unit.scale.log10().round();
    ((10f64.powi(e as i32) - unit.scale).abs() <= 1e-12 * unit.scale).then_some(e as i32)
}

/// Whether two unit labels are the same, full-width parentheses `（）` counting as `()`
/// (`万套（户）` is the framework's `万套(户)`).
fn same_label(a: &str, b: &str) -> bool {
    let half = |c: char| match c {
        '（' => '(',
        '）' => ')',
        c => c,
    };
    a == b || a.chars().map(half).eq(b.chars().map(half))
}

/// Converts `value` given in the unit labelled `from` to the framework unit `to`.
///
/// Returns `Ok(None)` when no conversion is needed (the same label), `Ok(Some(v))` with
/// the converted value, and `Err` with a message when the units are not known to be of
/// the same base (元/千元/万元/百万元/亿元, 人/万人, %/‰/ratio/倍). The factor is an exact
/// power of ten applied by one multiplication or division, so `56000` 元 gives exactly
/// the double nearest to 5.6 万元.
pub fn convert_unit(value: f64, from: &str, to: &Unit) -> std::result::Result<Option<f64>, String> {
    let from = from.trim();
    if from.is_empty() || same_label(from, to.label.trim()) {
        return Ok(None);
    }
    let fail = || {
        format!(
            "the data's unit `{}` cannot be converted to the indicator's unit `{}` (known conversions: 元/千元/万元/百万元/亿元, 人/万人, %/‰/ratio)",
            bounded(from),
            to.label
        )
    };
    let (base, e_from) = known_unit(from).ok_or_else(fail)?;
    let e_to = scale_exponent(to).ok_or_else(fail)?;
    if base != to.base {
        return Err(fail());
    }
    let d = e_from - e_to;
    Ok(Some(if d >= 0 {
        value * 10f64.powi(d)
    } else {
        value / 10f64.powi(-d)
    }))
}

/// What the reader knows of one series of the framework.
struct SeriesInfo<'f> {
    id: &'f str,
    unit: &'f Unit,
    /// Indicator position (usize::MAX for auxiliary series).
    order: usize,
    /// The magnitude reference (target, else stretch target, else baseline), non-zero.
    reference: Option<f64>,
    /// The smallest plausible `|value / reference|` (`0`: no lower bound): see
    /// [`low_bound`].
    low_bound: f64,
}

/// Below this share of its target a percentage (or per-mille) value is taken for a
/// fraction typed in its place: `10^-1.5 ≈ 1/31.6`, where multiplying the value by 100
/// brings it an order of magnitude nearer the target than it is (`|log10(100·r)| ≤
/// |log10 r| − 1` ⇔ `r ≤ 10^-1.5`). A percentage stored as a fraction (a spreadsheet cell
/// typed `98.09%` holds 0.9809) is 1/100 of its true value, so its ratio to the target is
/// `achievement / 100`: caught for any value up to 3.16 × its target, whether it meets
/// the target or not. A genuine value under 1/31.6 of its plan target is a shortfall of
/// more than 96 %.
const FRACTION_BOUND: f64 = 0.031_622_776_601_683_79;

/// The smallest plausible `|value / target|` of an indicator in `unit`: [`FRACTION_BOUND`]
/// for percentages and per-mille (base `ratio`, scale below 1), 1/100 for other ratios
/// (倍), and no lower bound for units whose size depends on the region's (元, 人…).
fn low_bound(unit: &Unit) -> f64 {
    match (unit.base == "ratio", unit.scale < 1.0) {
        (true, true) => FRACTION_BOUND,
        (true, false) => 0.01,
        (false, _) => 0.0,
    }
}

/// The framework's series indexed by every name data may use for them, and its declared
/// units by theirs.
struct SeriesIndex<'f> {
    series: Vec<SeriesInfo<'f>>,
    exact: HashMap<&'f str, usize>,
    folded: HashMap<String, usize>,
    framework_id: &'f str,
    /// A declared unit's id, Chinese name or English name → its id (ids win over names;
    /// a name two units share names the first, as in [`Framework::unit_index`]).
    unit_ids: HashMap<&'f str, &'f str>,
}

const AMBIGUOUS: usize = usize::MAX;

/// A name as the second, lenient match compares it: without white space, lower case, and
/// full-width parentheses `（）` as `()` (a header typed with a Chinese input method).
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

impl<'f> SeriesIndex<'f> {
    fn new(fw: &'f Framework) -> SeriesIndex<'f> {
        let mut series = Vec::with_capacity(fw.indicators.len() + fw.auxiliary_series.len());
        let mut exact: HashMap<&'f str, usize> = HashMap::new();
        let mut folded: HashMap<String, usize> = HashMap::new();
        let mut add = |names: Vec<&'f str>, s: usize, exact: &mut HashMap<&'f str, usize>| {
            for n in names {
                let n = n.trim();
                if n.is_empty() {
                    continue;
                }
                let e = exact.entry(n).or_insert(s);
                if *e != s {
                    *e = AMBIGUOUS;
                }
                let f = folded.entry(fold(n)).or_insert(s);
                if *f != s {
                    *f = AMBIGUOUS;
                }
            }
        };
        for (k, ind) in fw.indicators.iter().enumerate() {
            let reference = ind
                .target
                .or(ind.stretch_target)
                .or(ind.baseline)
                .filter(|r| *r != 0.0 && r.is_finite());
            series.push(SeriesInfo {
                id: &ind.id,
                unit: &ind.unit,
                order: k,
                reference,
                low_bound: low_bound(&ind.unit),
            });
            let mut names = vec![ind.name_zh.as_str(), ind.name_en.as_str()];
            names.extend(ind.aliases.iter().map(String::as_str));
            add(names, k, &mut exact);
        }
        for a in &fw.auxiliary_series {
            let s = series.len();
            series.push(SeriesInfo {
                id: &a.id,
                unit: &a.unit,
                order: usize::MAX,
                reference: None,
                low_bound: 0.0,
            });
            add(vec![a.name_zh.as_str(), a.name_en.as_str()], s, &mut exact);
        }
        // ids win over names
        for (s, info) in series.iter().enumerate() {
            exact.insert(info.id, s);
            folded.insert(fold(info.id), s);
        }
        let mut unit_ids: HashMap<&'f str, &'f str> = HashMap::with_capacity(3 * fw.units.len());
        for u in &fw.units {
            for name in [u.name_zh.trim(), u.name_en.trim()] {
                if !name.is_empty() {
                    unit_ids.entry(name).or_insert(u.id.as_str());
                }
            }
        }
        for u in &fw.units {
            unit_ids.insert(u.id.as_str(), u.id.as_str());
        }
        SeriesIndex {
            series,
            exact,
            folded,
            framework_id: &fw.id,
            unit_ids,
        }
    }

    /// The series a name refers to: `Ok(None)` unknown, `Err` ambiguous.
    fn resolve(&self, name: &str) -> std::result::Result<Option<usize>, String> {
        let hit = match self.exact.get(name) {
            Some(&s) => Some(s),
            None => self.folded.get(&fold(name)).copied(),
        };
        match hit {
            Some(AMBIGUOUS) => Err(format!(
                "`{}` names more than one series of framework `{}`: use the indicator id",
                bounded(name),
                self.framework_id
            )),
            other => Ok(other),
        }
    }

    fn unknown(&self, name: &str) -> String {
        format!(
            "unknown indicator `{}` (not an id, Chinese or English name or alias in framework `{}`)",
            bounded(name),
            self.framework_id
        )
    }
}

/// The `(name, unit)` of a wide header such as `居民人均可支配收入(万元)`.
///
/// The unit is the text inside the parenthesis that closes the header and the one that
/// opens it, found by scanning back and balancing parentheses of both widths (`(`/`（`,
/// `)`/`）`), so that a unit label holding parentheses itself — the framework's `万套(户)`,
/// `倍(2020年=1)` — stays whole: `建设(筹集)政策性住房(万套(户))` is
/// (`建设(筹集)政策性住房`, `万套(户)`). Unbalanced parentheses: `None`.
fn split_unit_suffix(h: &str) -> Option<(&str, &str)> {
    let h = h.trim_end();
    let (close_at, last) = h.char_indices().next_back()?;
    if !matches!(last, ')' | '）') {
        return None;
    }
    let mut depth = 0usize;
    let mut open_at = None;
    for (at, ch) in h[..close_at].char_indices().rev() {
        match ch {
            ')' | '）' => depth += 1,
            '(' | '（' if depth == 0 => {
                open_at = Some((at, ch));
                break;
            }
            '(' | '（' => depth -= 1,
            _ => {}
        }
    }
    let (at, open) = open_at?;
    let name = h[..at].trim();
    let unit = h[at + open.len_utf8()..close_at].trim();
    (!name.is_empty() && !unit.is_empty()).then_some((name, unit))
}

/// Unit handling of one read: conversions (cached per series and label), their counts for
/// the warnings, and the magnitude check.
struct Units<'i, 'f> {
    index: Option<&'i SeriesIndex<'f>>,
    allow_mismatch: bool,
    /// (series, from label) → (count converted), in the order first met (the warnings').
    converted: Vec<(usize, String, usize)>,
    /// Per series: its entries' positions in `converted` (a series has a label or two,
    /// so a search there is short; one of all entries per converted cell was not).
    converted_of: Vec<Vec<usize>>,
    /// The unit cells holding a declared unit's name, read as its id: (cell, id).
    renamed: Vec<(String, String)>,
}

impl Units<'_, '_> {
    /// The value in the series' unit (converted from `declared` when given) after the
    /// magnitude check. `Err` holds the message.
    fn value(&mut self, s: usize, v: f64, declared: &str) -> std::result::Result<f64, String> {
        let Some(index) = self.index else {
            return Ok(v);
        };
        let info = &index.series[s];
        let mut v = v;
        if !declared.is_empty() && !v.is_nan() {
            if let Some(c) = convert_unit(v, declared, info.unit)? {
                v = c;
                if self.converted_of.len() <= s {
                    self.converted_of
                        .resize_with(index.series.len().max(s + 1), Vec::new);
                }
                let slots = &mut self.converted_of[s];
                match slots
                    .iter()
                    .copied()
                    .find(|&k| self.converted[k].1 == declared)
                {
                    Some(k) => self.converted[k].2 += 1,
                    None => {
                        slots.push(self.converted.len());
                        self.converted.push((s, declared.to_string(), 1));
                    }
                }
            }
        }
        if self.allow_mismatch || v.is_nan() || v == 0.0 {
            return Ok(v);
        }
        let Some(r) = info.reference else {
            return Ok(v);
        };
        let ratio = (v / r).abs();
        if ratio > 100.0 || ratio < info.low_bound {
            return Err(self.mismatch(s, v, r, ratio, declared));
        }
        Ok(v)
    }

    fn mismatch(&self, s: usize, v: f64, r: f64, ratio: f64, declared: &str) -> String {
        let info = &self.index.expect("checked").series[s];
        let label = &info.unit.label;
        let how = if ratio > 1.0 {
            format!("{} times", crate::data::short(ratio))
        } else {
            format!("1/{} of", crate::data::short(1.0 / ratio))
        };
        // the known unit of the same base that brings the value nearest its reference
        let likely = scale_exponent(info.unit).and_then(|e_to| {
            KNOWN_UNITS
                .iter()
                .filter(|(_, b, _)| *b == info.unit.base)
                .map(|&(l, _, e)| (l, (v * 10f64.powi(e - e_to) / r).abs().log10().abs()))
                .filter(|&(l, d)| d < 2.0 && l != label.as_str())
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(l, _)| l)
        });
        let declared_txt = if declared.is_empty() {
            String::new()
        } else {
            format!(
                " (after converting from the declared `{}`)",
                bounded(declared)
            )
        };
        let guess = match likely {
            Some(l) => format!(
                "it looks like a value in {l}: declare the unit (a `unit_of_measure`/`单位` column, a unit row, or a header like `名称({l})`) so it is converted"
            ),
            None => "check the unit the data is given in".to_string(),
        };
        let far = if ratio > 1.0 || info.low_bound <= 0.01 {
            "more than two orders of magnitude away".to_string()
        } else {
            format!(
                "too far below it for a value in {label} (a percentage typed as a fraction, 98 % as 0.98, lands there)"
            )
        };
        format!(
            "`{}`{declared_txt} for `{}` is {how} its target {} {label}, {far}: {guess}; or allow it (allow_unit_mismatch, `--allow-unit-mismatch`)",
            crate::data::short(v),
            info.id,
            crate::data::short(r),
        )
    }

    fn warnings(&self, source: &str) -> Vec<String> {
        let Some(index) = self.index else {
            return Vec::new();
        };
        let mut w: Vec<String> = Vec::new();
        if !self.renamed.is_empty() {
            const SHOWN: usize = 8;
            let mut list = self
                .renamed
                .iter()
                .take(SHOWN)
                .map(|(name, id)| format!("{} → {id}", bounded(name)))
                .collect::<Vec<_>>()
                .join(", ");
            if self.renamed.len() > SHOWN {
                list.push_str(&format!(", … ({} more)", self.renamed.len() - SHOWN));
            }
            w.push(format!(
                "{source}: {} unit(s) written by name read as the framework's unit ids \
                 (targets and reference series are looked up by id): {list}",
                self.renamed.len()
            ));
        }
        w.extend(self.converted.iter().map(|(s, from, n)| {
            let info = &index.series[*s];
            format!(
                "{source}: {n} value(s) of `{}` given in {from} converted to {}",
                info.id, info.unit.label
            )
        }));
        w
    }
}

/// Per-unit bookkeeping shared by both layouts.
struct Builder<'a> {
    /// The framework's declared units by id and name (see [`SeriesIndex::unit_ids`]): a
    /// unit cell holding a declared unit's name is read as its id, as indicator names are
    /// (the panel holds the ids, which relative targets and unit targets look up).
    unit_ids: Option<&'a HashMap<&'a str, &'a str>>,
    /// The unit cells read as another unit's id: (cell, id), in order first met.
    renamed: Vec<(String, String)>,
    units: Vec<String>,
    unit_pos: HashMap<String, usize>,
    groups: Vec<Option<String>>,
    group_line: Vec<u64>,
    periods: Vec<i32>,
    /// After [`Builder::finish_periods`], when the periods span at most 4,096 years: the
    /// position of period `periods[0] + k` at `k`.
    period_index: Vec<u32>,
    /// The position of the last unit looked up (`usize::MAX`: none yet): the rows of a
    /// unit mostly come together, and comparing with it is cheaper than hashing the id.
    last: usize,
}

impl<'a> Builder<'a> {
    fn new(index: Option<&'a SeriesIndex<'a>>) -> Self {
        Builder {
            unit_ids: index.map(|ix| &ix.unit_ids),
            renamed: Vec::new(),
            units: Vec::new(),
            unit_pos: HashMap::new(),
            groups: Vec::new(),
            group_line: Vec::new(),
            periods: Vec::new(),
            period_index: Vec::new(),
            last: usize::MAX,
        }
    }

    fn unit(&mut self, id: &str) -> std::result::Result<usize, String> {
        if self.units.get(self.last).is_some_and(|l| same_text(l, id)) {
            return Ok(self.last);
        }
        if let Some(&u) = self.unit_pos.get(id) {
            self.last = u;
            return Ok(u);
        }
        if id.is_empty() {
            return Err("empty unit id".into());
        }
        // a declared unit written by name: the panel holds its id
        if let Some(&declared) = self.unit_ids.and_then(|m| m.get(id)) {
            if declared != id {
                self.renamed.push((id.to_string(), declared.to_string()));
                let u = match self.unit_pos.get(declared) {
                    Some(&u) => u,
                    None => self.push_unit(declared),
                };
                self.unit_pos.insert(id.to_string(), u);
                self.last = u;
                return Ok(u);
            }
        }
        Ok(self.push_unit(id))
    }

    /// A new unit `id`.
    fn push_unit(&mut self, id: &str) -> usize {
        let u = self.units.len();
        self.units.push(id.to_string());
        self.unit_pos.insert(id.to_string(), u);
        self.groups.push(None);
        self.group_line.push(0);
        self.last = u;
        u
    }

    fn group(&mut self, u: usize, group: &str, line: u64) -> std::result::Result<(), String> {
        if group.is_empty() {
            return Ok(());
        }
        match &self.groups[u] {
            None => {
                self.groups[u] = Some(group.to_string());
                self.group_line[u] = line;
                Ok(())
            }
            Some(g) if g == group => Ok(()),
            Some(g) => Err(format!(
                "unit `{}` is put in group `{}` but line {} put it in group `{g}`",
                self.units[u],
                bounded(group),
                self.group_line[u]
            )),
        }
    }

    /// Sorts and dedups the periods, and indexes them by year when they span at most
    /// 4,096 years (always, for real data).
    fn finish_periods(&mut self) {
        self.periods.sort_unstable();
        self.periods.dedup();
        self.period_index.clear();
        if let (Some(&lo), Some(&hi)) = (self.periods.first(), self.periods.last()) {
            let span = i64::from(hi) - i64::from(lo);
            if span < 4096 {
                self.period_index = vec![u32::MAX; span as usize + 1];
                for (k, &p) in self.periods.iter().enumerate() {
                    self.period_index[(p - lo) as usize] = k as u32;
                }
            }
        }
    }

    /// The position of a period after [`Builder::finish_periods`].
    fn period_pos(&self, p: i32) -> usize {
        if !self.period_index.is_empty() {
            let k = self.period_index[(i64::from(p) - i64::from(self.periods[0])) as usize];
            debug_assert!(k != u32::MAX, "every period was recorded");
            return k as usize;
        }
        self.periods
            .binary_search(&p)
            .expect("every period was recorded")
    }
}

/// The optional per-row columns.
#[derive(Clone, Copy)]
struct Optional {
    group: Option<usize>,
    source: Option<usize>,
    note: Option<usize>,
    illustrative: Option<usize>,
}

impl Optional {
    fn of(h: &Header) -> Optional {
        Optional {
            group: h.get(Role::Group),
            source: h.get(Role::Source),
            note: h.get(Role::Note),
            illustrative: h.get(Role::Illustrative),
        }
    }

    fn provenance<R: Rows>(&self, rows: &R) -> std::result::Result<Option<CellProvenance>, String> {
        let src = self.source.map(|k| rows.cell(k)).unwrap_or("");
        let note = self.note.map(|k| rows.cell(k)).unwrap_or("");
        let ill = match self.illustrative {
            Some(k) => parse_flag(rows.cell(k))?,
            None => false,
        };
        Ok(provenance(src, note, ill))
    }
}

/// The provenance of a read's rows, interned: each distinct source/note is built once
/// and a row gets its code (`0` = none, `c` = `texts[c - 1]`). A row whose source, note
/// and illustrative cells are those of the row before reuses its code without building
/// or hashing anything (real files repeat one source on every row).
#[derive(Default)]
struct ProvenanceCodes {
    texts: Vec<CellProvenance>,
    index: HashMap<CellProvenance, u32>,
    /// The previous row's source, note and illustrative cells and their code.
    last: Option<(String, String, String, u32)>,
}

impl ProvenanceCodes {
    /// The code of the current row's provenance; `Err` holds the message of an invalid
    /// illustrative flag.
    fn code<R: Rows>(&mut self, opt: &Optional, rows: &R) -> std::result::Result<u32, String> {
        if opt.source.is_none() && opt.note.is_none() && opt.illustrative.is_none() {
            return Ok(0);
        }
        let src = opt.source.map(|k| rows.cell(k)).unwrap_or("");
        let note = opt.note.map(|k| rows.cell(k)).unwrap_or("");
        let ill = opt.illustrative.map(|k| rows.cell(k)).unwrap_or("");
        if let Some((s, n, i, c)) = &self.last {
            if same_text(s, src) && same_text(n, note) && same_text(i, ill) {
                return Ok(*c);
            }
        }
        let c = match opt.provenance(rows)? {
            None => 0,
            Some(p) => match self.index.get(&p) {
                Some(&c) => c,
                None => {
                    let c = u32::try_from(self.texts.len() + 1)
                        .map_err(|_| "more than 2^32 distinct sources and notes".to_string())?;
                    self.texts.push(p.clone());
                    self.index.insert(p, c);
                    c
                }
            },
        };
        match &mut self.last {
            Some((s, n, i, lc)) => {
                for (dst, from) in [(s, src), (n, note), (i, ill)] {
                    dst.clear();
                    dst.push_str(from);
                }
                *lc = c;
            }
            None => self.last = Some((src.to_string(), note.to_string(), ill.to_string(), c)),
        }
        Ok(c)
    }

    /// Moves the texts into `panel`; returns each local code's code in the panel
    /// (index `c`; index 0 stays 0).
    fn into_panel(self, panel: &mut Panel) -> Vec<u32> {
        let mut map = Vec::with_capacity(self.texts.len() + 1);
        map.push(0);
        for t in self.texts {
            map.push(panel.intern_provenance(t));
        }
        map
    }
}

/// Reads one table (any [`Rows`]) in `layout`.
pub(crate) fn read_rows<R: Rows>(
    rows: &mut R,
    source: &str,
    framework: Option<&Framework>,
    layout: Layout,
    allow_unit_mismatch: bool,
) -> Result<Ingest> {
    let index = framework.map(SeriesIndex::new);
    let header = read_header(rows, source, layout)?;
    let mut units = Units {
        index: index.as_ref(),
        allow_mismatch: allow_unit_mismatch,
        converted: Vec::new(),
        converted_of: Vec::new(),
        renamed: Vec::new(),
    };
    let panel = match layout {
        Layout::Long => read_long_rows(rows, source, index.as_ref(), &header, &mut units)?,
        Layout::Wide => read_wide_rows(rows, source, index.as_ref(), &header, &mut units)?,
    };
    Ok(Ingest {
        panel,
        warnings: units.warnings(source),
    })
}

fn check_width<R: Rows>(rows: &R, header: &Header, source: &str) -> Result<()> {
    let width = header.names.len();
    let w = rows.width();
    if w == width {
        return Ok(());
    }
    // a workbook row may be wider with empty cells, or shorter when trailing cells are empty
    let extra_empty = (width..w).all(|k| rows.cell(k).is_empty());
    if w > width && extra_empty {
        return Ok(());
    }
    let column = if w < width {
        header.names[w].clone()
    } else {
        (width + 1).to_string()
    };
    let (line, column) = rows.at(Some(w.min(width)), &column);
    Err(parse_err(
        source,
        line,
        &column,
        format!("ragged row: {w} fields where the header has {width}"),
    ))
}

#[inline]
fn is_blank_row<R: Rows>(rows: &R) -> bool {
    rows.is_blank()
}

/// Orders the panel's indicators: framework order (auxiliary series after, by first
/// appearance), else first appearance. Returns the ids and, for each local index, its
/// position in the panel.
fn order_indicators(local: &[String], order: &[usize]) -> (Vec<String>, Vec<usize>) {
    let mut idx: Vec<usize> = (0..local.len()).collect();
    idx.sort_by_key(|&k| order[k]); // stable: ties keep first appearance
    let mut remap = vec![0; local.len()];
    for (pos, &k) in idx.iter().enumerate() {
        remap[k] = pos;
    }
    (idx.iter().map(|&k| local[k].clone()).collect(), remap)
}

/// The periods of a long read, numbered in order of first appearance: a table indexed by
/// year while they span at most 4,096 years (always, for real data), else a hash map; the
/// last one looked up is remembered (rows of a year often come together).
#[derive(Default)]
struct PeriodMap {
    /// The distinct periods, in order of first appearance.
    list: Vec<i32>,
    /// `table[p - lo]`: the number of period `p` (`u32::MAX`: not seen); empty when the
    /// periods span more than 4,096 years.
    lo: i32,
    table: Vec<u32>,
    map: HashMap<i32, u32>,
    last: Option<(i32, u32)>,
}

impl PeriodMap {
    /// The number of period `p`, numbering it when new.
    #[inline]
    fn local(&mut self, p: i32) -> u32 {
        if let Some((lp, c)) = self.last {
            if lp == p {
                return c;
            }
        }
        let off = i64::from(p) - i64::from(self.lo);
        let c = match self.table.get(usize::try_from(off).unwrap_or(usize::MAX)) {
            Some(&c) if c != u32::MAX => c,
            _ => self.slow(p),
        };
        self.last = Some((p, c));
        c
    }

    fn slow(&mut self, p: i32) -> u32 {
        if let Some(&c) = self.map.get(&p) {
            return c;
        }
        // fewer periods than rows, and rows are counted in u32 by the caller's checks
        let c = self.list.len() as u32;
        self.list.push(p);
        self.map.insert(p, c);
        let lo = *self.list.iter().min().expect("one period");
        let hi = *self.list.iter().max().expect("one period");
        self.table.clear();
        if i64::from(hi) - i64::from(lo) < 4096 {
            self.lo = lo;
            self.table
                .resize((i64::from(hi) - i64::from(lo)) as usize + 1, u32::MAX);
            for (k, &q) in self.list.iter().enumerate() {
                self.table[(q - lo) as usize] = k as u32;
            }
        }
        c
    }
}

fn read_long_rows<R: Rows>(
    rows: &mut R,
    source: &str,
    index: Option<&SeriesIndex>,
    header: &Header,
    units: &mut Units,
) -> Result<Panel> {
    let cu = header.get(Role::Unit).expect("required");
    let cp = header.get(Role::Period).expect("required");
    let ci = header.get(Role::Indicator).expect("required");
    let cv = header.get(Role::Value).expect("required");
    let cm = header.get(Role::Measure);
    let opt = Optional::of(header);
    let name = |k: usize| header.names[k].as_str();

    // One observation in 16 bytes (issue 16: 2.9 M rows of 40 bytes were an eighth of a
    // large report's page faults): the unit, and the *slot* — the (indicator, period)
    // pair, numbered as pairs first appear. The line of an observation is not stored:
    // observation `n` is on line `lines[j].1 + (n - lines[j].0)` for the last break
    // `lines[j]` at or before it (a break is recorded where a row does not follow the
    // one before it: after blank lines or a record spanning lines). The provenance codes
    // are stored as runs (`prov_runs`: from observation `.0` on, code `.1`; real files
    // repeat one source on every row).
    struct Obs {
        v: f64,
        u: u32,
        slot: u32,
    }
    let too_many = |what: &str| {
        Error::invalid_argument(
            "long table",
            format!("more than 2^32 - 1 {what}; split the input"),
        )
    };
    let mut b = Builder::new(index);
    let mut prov_codes = ProvenanceCodes::default();
    // local indicator index → id / framework order; series → local index
    let mut local_ids: Vec<String> = Vec::new();
    let mut local_order: Vec<usize> = Vec::new();
    let mut local_series: Vec<usize> = Vec::new();
    let mut of_series: Vec<usize> = vec![usize::MAX; index.map_or(0, |x| x.series.len())];
    let mut of_name: HashMap<String, usize> = HashMap::new();
    let mut obs: Vec<Obs> = Vec::new();
    let mut periods = PeriodMap::default();
    // slot_of[local indicator][period number] → slot (u32::MAX: none yet); slots[slot] =
    // (local indicator, period number)
    let mut slot_of: Vec<Vec<u32>> = Vec::new();
    let mut slots: Vec<(u32, u32)> = Vec::new();
    let mut lines: Vec<(usize, u64)> = Vec::new();
    let mut next_line = 0u64;
    let mut prov_runs: Vec<(usize, u32)> = Vec::new();
    let mut last_prov = 0u32;
    let mut n_prov = 0usize;
    // the indicator id of the previous row and its local index (`usize::MAX`: none yet):
    // a long file lists a series' years together, so most rows repeat it (no hashing)
    let mut last_ind = (String::new(), usize::MAX);
    // per local indicator index: the indicator cell that followed it last time and its
    // local index — a file listing every indicator of a unit-year in turn repeats the
    // same sequence, so the guess replaces a hash lookup per row by one comparison
    let mut next_guess: Vec<Option<(String, usize)>> = Vec::new();
    while rows.advance()? {
        if is_blank_row(rows) {
            continue;
        }
        check_width(rows, header, source)?;
        let line = rows.line();
        let fail = |k: usize, m: String| {
            let (line, column) = rows.at(Some(k), name(k));
            parse_err(source, line, &column, m)
        };
        let u = b.unit(rows.cell(cu)).map_err(|m| fail(cu, m))?;
        if let Some(k) = opt.group {
            b.group(u, rows.cell(k), line).map_err(|m| fail(k, m))?;
        }
        let p = period_cell(rows, cp).map_err(|m| fail(cp, m))?;
        let ind = rows.cell(ci);
        let guess = next_guess
            .get(last_ind.1)
            .and_then(|g| g.as_ref())
            .filter(|g| same_text(&g.0, ind))
            .map(|g| g.1);
        let i = if last_ind.1 != usize::MAX && same_text(&last_ind.0, ind) {
            last_ind.1
        } else if let Some(i) = guess {
            last_ind.0.clear();
            last_ind.0.push_str(ind);
            last_ind.1 = i;
            i
        } else {
            let i = match index {
                Some(ix) => {
                    let s = match of_name.get(ind) {
                        Some(&i) => local_series[i],
                        None => ix.resolve(ind).map_err(|m| fail(ci, m))?.ok_or_else(|| {
                            if ind.is_empty() {
                                fail(ci, "empty indicator id".into())
                            } else {
                                fail(ci, ix.unknown(ind))
                            }
                        })?,
                    };
                    if of_series[s] == usize::MAX {
                        of_series[s] = local_ids.len();
                        local_ids.push(ix.series[s].id.to_string());
                        local_order.push(ix.series[s].order);
                        local_series.push(s);
                    }
                    if !of_name.contains_key(ind) {
                        of_name.insert(ind.to_string(), of_series[s]);
                    }
                    of_series[s]
                }
                None => match of_name.get(ind) {
                    Some(&i) => i,
                    None => {
                        if ind.is_empty() {
                            return Err(fail(ci, "empty indicator id".into()));
                        }
                        let i = local_ids.len();
                        local_ids.push(ind.to_string());
                        local_order.push(i);
                        of_name.insert(ind.to_string(), i);
                        i
                    }
                },
            };
            if last_ind.1 != usize::MAX {
                if next_guess.len() <= last_ind.1 {
                    next_guess.resize(last_ind.1 + 1, None);
                }
                next_guess[last_ind.1] = Some((ind.to_string(), i));
            }
            last_ind.0.clear();
            last_ind.0.push_str(ind);
            last_ind.1 = i;
            i
        };
        let mut v = value_cell(rows, cv).map_err(|m| fail(cv, m))?;
        if index.is_some() {
            let declared = cm.map(|k| rows.cell(k)).unwrap_or("");
            v = units
                .value(local_series[i], v, declared)
                .map_err(|m| fail(cv, m))?;
        }
        let prov = prov_codes
            .code(&opt, rows)
            .map_err(|m| fail(opt.illustrative.or(opt.source).unwrap_or(cv), m))?;
        n_prov += usize::from(prov != 0);
        let n = obs.len();
        if prov != last_prov {
            prov_runs.push((n, prov));
            last_prov = prov;
        }
        if n == 0 || line != next_line {
            lines.push((n, line));
        }
        next_line = line.wrapping_add(1);
        let pl = periods.local(p) as usize;
        if slot_of.len() <= i {
            slot_of.resize_with(i + 1, Vec::new);
        }
        let row = &mut slot_of[i];
        if row.len() <= pl {
            row.resize(pl + 1, u32::MAX);
        }
        if row[pl] == u32::MAX {
            row[pl] = u32::try_from(slots.len())
                .ok()
                .filter(|&s| s != u32::MAX)
                .ok_or_else(|| too_many("indicator-period pairs"))?;
            slots.push((i as u32, pl as u32));
        }
        obs.push(Obs {
            v,
            u: u32::try_from(u).map_err(|_| too_many("units"))?,
            slot: row[pl],
        });
    }
    if obs.is_empty() {
        return Err(Error::Empty {
            context: format!("{source}: long table has a header but no data row"),
        });
    }
    drop(slot_of);
    b.periods = periods.list.clone();
    b.finish_periods();
    let (ordered, remap) = order_indicators(&local_ids, &local_order);
    let (nu, np) = (b.units.len(), b.periods.len());
    let mut panel = Panel::new(b.units.clone(), b.periods.clone(), ordered.clone())?;
    panel.reserve_provenance(n_prov);
    let prov_map = prov_codes.into_panel(&mut panel);
    // per slot: the panel's indicator and period positions
    let slot_pos: Vec<(usize, usize)> = slots
        .iter()
        .map(|&(i, pl)| (remap[i as usize], b.period_pos(periods.list[pl as usize])))
        .collect();
    let line_of = |n: usize| {
        let j = lines.partition_point(|&(s, _)| s <= n) - 1;
        lines[j].1 + (n - lines[j].0) as u64
    };
    // one bit per cell: given already
    let mut seen = vec![0u64; (nu * np * ordered.len()).div_ceil(64)];
    let mut run = 0usize;
    let mut code = 0u32;
    for (n, o) in obs.iter().enumerate() {
        while run < prov_runs.len() && prov_runs[run].0 <= n {
            code = prov_runs[run].1;
            run += 1;
        }
        let (i, p) = slot_pos[o.slot as usize];
        let u = o.u as usize;
        let k = (i * np + p) * nu + u;
        if seen[k / 64] & (1 << (k % 64)) != 0 {
            let first = obs[..n]
                .iter()
                .position(|f| f.u == o.u && f.slot == o.slot)
                .expect("a cell seen before was given by an earlier observation");
            return Err(parse_err(
                source,
                line_of(n),
                name(ci),
                format!(
                    "duplicate observation for unit `{}`, period {}, indicator `{}` (first given on line {})",
                    b.units[u], b.periods[p], ordered[i], line_of(first)
                ),
            ));
        }
        seen[k / 64] |= 1 << (k % 64);
        panel.set(u, p, i, o.v)?;
        if code != 0 {
            panel.set_provenance_code(u, p, i, prov_map[code as usize]);
        }
    }
    units.renamed = std::mem::take(&mut b.renamed);
    if opt.group.is_some() {
        panel.set_groups(b.groups)?;
    }
    Ok(panel)
}

fn is_unit_row_label(s: &str) -> bool {
    matches!(
        s.to_lowercase().as_str(),
        "单位" | "计量单位" | "unit" | "units" | "unit of measure" | "unit_of_measure"
    )
}

fn read_wide_rows<R: Rows>(
    rows: &mut R,
    source: &str,
    index: Option<&SeriesIndex>,
    header: &Header,
    units: &mut Units,
) -> Result<Panel> {
    let cu = header.get(Role::Unit).expect("required");
    let cp = header.get(Role::Period).expect("required");
    let opt = Optional::of(header);
    // each indicator column: (column, local id, framework order, series, declared unit)
    struct Col {
        k: usize,
        id: String,
        order: usize,
        series: usize,
        unit: String,
    }
    let mut cols: Vec<Col> = Vec::new();
    let mut seen: HashMap<usize, usize> = HashMap::new();
    for (n, (k, h)) in header.others.iter().enumerate() {
        let (line, column) = rows.at(Some(*k), h);
        let (id, order, series, unit) = match index {
            Some(ix) => {
                let found = match ix
                    .resolve(h)
                    .map_err(|m| parse_err(source, line, &column, m))?
                {
                    Some(s) => Some((s, "")),
                    None => match split_unit_suffix(h) {
                        Some((nm, u)) => ix
                            .resolve(nm)
                            .map_err(|m| parse_err(source, line, &column, m))?
                            .map(|s| (s, u)),
                        None => None,
                    },
                };
                let (s, u) =
                    found.ok_or_else(|| parse_err(source, line, &column, ix.unknown(h)))?;
                if let Some(prev) = seen.insert(s, *k) {
                    return Err(parse_err(
                        source,
                        line,
                        &column,
                        format!(
                            "column `{h}` gives indicator `{}` already given by column `{}`",
                            ix.series[s].id, header.names[prev]
                        ),
                    ));
                }
                let info = &ix.series[s];
                (info.id.to_string(), info.order, s, u.to_string())
            }
            None => (h.clone(), n, usize::MAX, String::new()),
        };
        cols.push(Col {
            k: *k,
            id,
            order,
            series,
            unit,
        });
    }
    let ids: Vec<String> = cols.iter().map(|c| c.id.clone()).collect();
    let orders: Vec<usize> = cols.iter().map(|c| c.order).collect();
    let (ordered, remap) = order_indicators(&ids, &orders);

    struct Row {
        u: usize,
        p: i32,
        line: u64,
        values: Vec<f64>,
        prov: u32,
    }
    let mut b = Builder::new(index);
    let mut prov_codes = ProvenanceCodes::default();
    let mut out: Vec<Row> = Vec::new();
    let mut first = true;
    while rows.advance()? {
        if is_blank_row(rows) {
            continue;
        }
        check_width(rows, header, source)?;
        let line = rows.line();
        let fail = |k: usize, name: &str, m: String| {
            let (line, column) = rows.at(Some(k), name);
            parse_err(source, line, &column, m)
        };
        if first && is_unit_row_label(rows.cell(cu)) && rows.cell(cp).is_empty() {
            // a unit row: each column's unit of measure
            for c in cols.iter_mut() {
                let u = rows.cell(c.k);
                if u.is_empty() {
                    continue;
                }
                if index.is_none() {
                    return Err(fail(
                        c.k,
                        &c.id,
                        "a unit row needs a framework to convert to".into(),
                    ));
                }
                if !c.unit.is_empty() && c.unit != u {
                    return Err(fail(
                        c.k,
                        &c.id,
                        format!(
                            "the unit row says `{}` but the header says `{}`",
                            bounded(u),
                            c.unit
                        ),
                    ));
                }
                c.unit = u.to_string();
            }
            first = false;
            continue;
        }
        first = false;
        let u = b
            .unit(rows.cell(cu))
            .map_err(|m| fail(cu, &header.names[cu], m))?;
        if let Some(k) = opt.group {
            b.group(u, rows.cell(k), line)
                .map_err(|m| fail(k, &header.names[k], m))?;
        }
        let p = period_cell(rows, cp).map_err(|m| fail(cp, &header.names[cp], m))?;
        let mut values = vec![f64::NAN; cols.len()];
        for (n, c) in cols.iter().enumerate() {
            let name = &header.names[c.k];
            let mut v = value_cell(rows, c.k).map_err(|m| fail(c.k, name, m))?;
            if index.is_some() {
                v = units
                    .value(c.series, v, &c.unit)
                    .map_err(|m| fail(c.k, name, m))?;
            }
            values[remap[n]] = v;
        }
        let prov = prov_codes.code(&opt, rows).map_err(|m| {
            let k = opt.illustrative.or(opt.source).unwrap_or(cu);
            fail(k, &header.names[k], m)
        })?;
        b.periods.push(p);
        out.push(Row {
            u,
            p,
            line,
            values,
            prov,
        });
    }
    if out.is_empty() {
        return Err(Error::Empty {
            context: format!("{source}: wide table has a header but no data row"),
        });
    }
    b.finish_periods();
    let (nu, np) = (b.units.len(), b.periods.len());
    let mut panel = Panel::new(b.units.clone(), b.periods.clone(), ordered.clone())?;
    let prov_map = prov_codes.into_panel(&mut panel);
    let mut first_line = vec![0u64; nu * np];
    for r in out {
        let p = b.period_pos(r.p);
        let k = p * nu + r.u;
        if first_line[k] != 0 {
            return Err(parse_err(
                source,
                r.line,
                &header.names[cp],
                format!(
                    "duplicate row for unit `{}`, period {} (first given on line {})",
                    b.units[r.u], r.p, first_line[k]
                ),
            ));
        }
        first_line[k] = r.line;
        for (i, &v) in r.values.iter().enumerate() {
            panel.set(r.u, p, i, v)?;
            if r.prov != 0 && !v.is_nan() {
                panel.set_provenance_code(r.u, p, i, prov_map[r.prov as usize]);
            }
        }
    }
    units.renamed = std::mem::take(&mut b.renamed);
    if opt.group.is_some() {
        panel.set_groups(b.groups)?;
    }
    Ok(panel)
}

/// Is this the start of a zip archive (an `.xlsx` workbook)?
fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads a table from bytes: an `.xlsx` workbook (recognised by its zip signature) or CSV
/// in [`ReadOptions::encoding`]. `source` names the input in errors.
///
/// See the module docs for the layouts, column names, units and every error.
pub fn read_table_bytes(
    bytes: &[u8],
    source: &str,
    framework: Option<&Framework>,
    options: &ReadOptions,
) -> Result<Ingest> {
    if is_zip(bytes) {
        return crate::data::xlsx::read_xlsx_bytes(bytes, source, framework, options);
    }
    let (text, warning) = decode(bytes, options.encoding, source)?;
    let mut rows = CsvRows::new(&text, source);
    let mut ingest = read_rows(
        &mut rows,
        source,
        framework,
        options.layout,
        options.allow_unit_mismatch,
    )?;
    if let Some(w) = warning {
        ingest.warnings.insert(0, w);
    }
    Ok(ingest)
}

/// [`read_table_bytes`] from a file; errors name the file's path. A file that cannot be
/// read is [`Error::Io`].
///
/// A regular UTF-8 CSV file (encoding `Auto` or `Utf8`) is read 256 KiB at a time rather
/// than whole; the result, every warning and every error are those of
/// [`read_table_bytes`] on the file's bytes. A workbook, a file that is not UTF-8 (so
/// GB18030 with encoding `Auto`, or an invalid byte to report), encoding `Gb18030` and
/// anything that is not a regular file (a pipe, `/dev/stdin`) are read whole.
pub fn read_table_path(
    path: impl AsRef<Path>,
    framework: Option<&Framework>,
    options: &ReadOptions,
) -> Result<Ingest> {
    read_table_path_chunked(path.as_ref(), framework, options, STREAM_CHUNK)
}

/// [`read_table_path`] reading `chunk` bytes at a time, for the fuzz target `csv_chunked`
/// (compiled only with `--cfg fuzzing`, as cargo-fuzz builds; not part of the API).
#[cfg(fuzzing)]
#[doc(hidden)]
pub fn read_table_path_chunked_for_fuzzing(
    path: &Path,
    framework: Option<&Framework>,
    options: &ReadOptions,
    chunk: usize,
) -> Result<Ingest> {
    read_table_path_chunked(path, framework, options, chunk)
}

/// [`read_table_path`] reading `chunk` bytes at a time (tests cut records anywhere with
/// tiny chunks).
pub(crate) fn read_table_path_chunked(
    path: &Path,
    framework: Option<&Framework>,
    options: &ReadOptions,
    chunk: usize,
) -> Result<Ingest> {
    let name = path.display().to_string();
    let io = |e: std::io::Error| Error::Io {
        path: name.clone(),
        message: e.to_string(),
    };
    let whole = || {
        let bytes = std::fs::read(path).map_err(io)?;
        read_table_bytes(&bytes, &name, framework, options)
    };
    // only a regular file is streamed: the whole-file path may need to read it again
    // (a pipe or `/dev/stdin` cannot be)
    let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
    if options.encoding == TextEncoding::Gb18030 || !regular {
        return whole();
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut rows = match ChunkRows::new(file, &name, chunk) {
        Ok(rows) => rows,
        Err(Abort::NotUtf8) => return whole(),
        Err(Abort::Io(e)) => return Err(io(e)),
    };
    if rows.starts_with(b"PK\x03\x04") {
        return whole();
    }
    let (read, finish) = if options.threads > 1 {
        let piped = super::piped::interpret_piped(rows, |piped| {
            read_rows(
                piped,
                &name,
                framework,
                options.layout,
                options.allow_unit_mismatch,
            )
        });
        match piped {
            Some(r) => r,
            // no second thread: read again on this one
            None => {
                let one = ReadOptions {
                    threads: 1,
                    ..options.clone()
                };
                return read_table_path_chunked(path, framework, &one, chunk);
            }
        }
    } else {
        let read = read_rows(
            &mut rows,
            &name,
            framework,
            options.layout,
            options.allow_unit_mismatch,
        );
        (read, rows.finish())
    };
    // the result stands when every byte was UTF-8 (then the whole text is what was read)
    match finish {
        Ok(()) => read,
        Err(Abort::NotUtf8) => whole(),
        Err(Abort::Io(e)) => Err(io(e)),
    }
}

fn read_csv_utf8<R: Read>(
    mut input: R,
    source: &str,
    framework: Option<&Framework>,
    layout: Layout,
) -> Result<Panel> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(|e| Error::Io {
        path: source.to_string(),
        message: e.to_string(),
    })?;
    let options = ReadOptions {
        layout,
        encoding: TextEncoding::Utf8,
        ..ReadOptions::default()
    };
    let (text, _) = decode(&bytes, options.encoding, source)?;
    let mut rows = CsvRows::new(&text, source);
    Ok(read_rows(&mut rows, source, framework, layout, false)?.panel)
}

/// Reads a **long** UTF-8 CSV (`unit,period,indicator,value[,group][,source][,note][,illustrative][,unit_of_measure]`)
/// into a [`Panel`]. `source_name` names the input in errors (a file name, or
/// [`CSV_TEXT_SOURCE`]). When `framework` is given, every indicator must be in it, and
/// units of measure are checked (see the module docs; [`read_table_bytes`] returns the
/// warnings and takes every option).
pub fn read_long_csv<R: Read>(
    input: R,
    source_name: &str,
    framework: Option<&Framework>,
) -> Result<Panel> {
    read_csv_utf8(input, source_name, framework, Layout::Long)
}

/// Reads a **wide** UTF-8 CSV (`unit,period[,group][,source][,note][,illustrative],<indicators…>`)
/// into a [`Panel`]: every column that is not one of the named ones is an indicator.
/// When `framework` is given, every indicator column must be in it.
///
/// See the module docs for missing-value conventions, units and every error.
pub fn read_wide_csv<R: Read>(
    input: R,
    source_name: &str,
    framework: Option<&Framework>,
) -> Result<Panel> {
    read_csv_utf8(input, source_name, framework, Layout::Wide)
}

/// [`read_long_csv`] over text; errors name the source `<csv text>`.
pub fn read_long_csv_str(text: &str, framework: Option<&Framework>) -> Result<Panel> {
    read_long_csv(text.as_bytes(), CSV_TEXT_SOURCE, framework)
}

/// [`read_wide_csv`] over text; errors name the source `<csv text>`.
pub fn read_wide_csv_str(text: &str, framework: Option<&Framework>) -> Result<Panel> {
    read_wide_csv(text.as_bytes(), CSV_TEXT_SOURCE, framework)
}

fn open(path: &Path) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// [`read_long_csv`] from a file; errors name the file's path. A file that cannot be
/// opened is [`Error::Io`].
pub fn read_long_csv_path(path: impl AsRef<Path>, framework: Option<&Framework>) -> Result<Panel> {
    let path = path.as_ref();
    read_long_csv(open(path)?, &path.display().to_string(), framework)
}

/// [`read_wide_csv`] from a file; errors name the file's path. A file that cannot be
/// opened is [`Error::Io`].
pub fn read_wide_csv_path(path: impl AsRef<Path>, framework: Option<&Framework>) -> Result<Panel> {
    let path = path.as_ref();
    read_wide_csv(open(path)?, &path.display().to_string(), framework)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `bytes` written to a fresh file of this test process.
    fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("cpindex-csv-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Everything of an ingest, comparable (values bit for bit: `NaN != NaN`).
    #[allow(clippy::type_complexity)]
    fn ingest_key(
        g: &Ingest,
    ) -> (
        Vec<String>,
        Vec<i32>,
        Vec<String>,
        Vec<Option<String>>,
        Vec<u64>,
        Vec<(usize, usize, usize, CellProvenance)>,
        Vec<String>,
    ) {
        let p = &g.panel;
        let mut prov: Vec<_> = p
            .provenance_iter()
            .map(|(u, t, i, c)| (u, t, i, c.clone()))
            .collect();
        prov.sort_by_key(|&(u, t, i, _)| (u, t, i));
        (
            p.units().to_vec(),
            p.periods().to_vec(),
            p.indicators().to_vec(),
            p.groups().to_vec(),
            p.values().iter().map(|v| v.to_bits()).collect(),
            prov,
            g.warnings.clone(),
        )
    }

    /// The file read in chunks of every size from one byte up gives exactly what
    /// [`read_table_bytes`] gives on its bytes: the panel (values, provenance, groups),
    /// the warnings, or the error (message, source, line, column).
    fn same_as_whole(
        name: &str,
        bytes: &[u8],
        framework: Option<&Framework>,
        options: &ReadOptions,
    ) {
        let path = temp_file(name, bytes);
        let source = path.display().to_string();
        let whole = read_table_bytes(bytes, &source, framework, options);
        // one thread, and the records tokenised on a second (`ReadOptions::threads`)
        for threads in [1, 2] {
            let options = &ReadOptions {
                threads,
                ..options.clone()
            };
            for chunk in [1, 2, 3, 4, 5, 7, 13, 64, 4096, STREAM_CHUNK] {
                let got = read_table_path_chunked(&path, framework, options, chunk);
                match (&whole, &got) {
                    (Ok(a), Ok(b)) => assert_eq!(
                        ingest_key(a),
                        ingest_key(b),
                        "{name} in chunks of {chunk}, {threads} thread(s)"
                    ),
                    (Err(a), Err(b)) => assert_eq!(
                        format!("{a:?}"),
                        format!("{b:?}"),
                        "{name} in chunks of {chunk}, {threads} thread(s)"
                    ),
                    _ => panic!(
                        "{name} in chunks of {chunk}, {threads} thread(s): {whole:?} vs {got:?}"
                    ),
                }
            }
        }
        std::fs::remove_file(&path).unwrap();
    }

    fn opts(layout: Layout, encoding: TextEncoding) -> ReadOptions {
        ReadOptions {
            layout,
            encoding,
            ..ReadOptions::default()
        }
    }

    /// Chunked reading of a file equals the whole-buffer reader on long and wide files
    /// with quoted cells spanning lines (so straddling chunk boundaries), escaped quotes,
    /// CRLF, byte-order marks, blank lines, provenance and groups; on every kind of
    /// error, including a duplicate found after multi-line records and an error early in
    /// a file whose bytes turn out not to be UTF-8 later; on GB18030 files (detected or
    /// chosen), empty files and a missing file.
    #[test]
    fn chunked_file_reading_equals_whole_bytes() {
        let long = opts(Layout::Long, TextEncoding::Auto);
        let utf8 = opts(Layout::Long, TextEncoding::Utf8);
        let wide = opts(Layout::Wide, TextEncoding::Auto);
        let body = "unit,period,indicator,value,group,source,note,illustrative\r\n\
            衢州,2021,a,1.5,市,\"统计年鉴\",\"first\nsecond line\",true\r\n\
            衢州,2022,a,NA,市,统计年鉴,,false\r\n\
            \r\n\
            \"柯城\",2021,a, 2 ,区,\"公报 \"\"2021\"\"\",\"x,y\",0\n\
            柯城,2021,b,3e2,区,,,\n\
            柯城,2020,b,-4.25,区,统计年鉴,\"multi\r\nline\r\nnote\",1\n\
            江山,2021,a,5,,,,\n";
        same_as_whole("long.csv", body.as_bytes(), None, &long);
        same_as_whole(
            "long_bom.csv",
            format!("\u{feff}{body}").as_bytes(),
            None,
            &long,
        );
        same_as_whole(
            "long_bom2.csv",
            format!("\u{feff}\u{feff}{body}").as_bytes(),
            None,
            &utf8,
        );
        same_as_whole("long_no_end.csv", body.trim_end().as_bytes(), None, &long);
        // errors: duplicate after multi-line records and blank lines, ragged, unclosed
        // quote, text after a quote, a bad value, a group clash, header only, empty
        let dup = format!("{body}\n\n\"衢州\",2022,a,7,市,,\"n\n\",\n");
        same_as_whole("dup.csv", dup.as_bytes(), None, &long);
        let dup2 = format!("{body}柯城,2020,b,1,区,,,\n");
        same_as_whole("dup2.csv", dup2.as_bytes(), None, &long);
        same_as_whole(
            "ragged.csv",
            format!("{body}a,2021\n").as_bytes(),
            None,
            &long,
        );
        same_as_whole(
            "open.csv",
            format!("{body}a,2021,\"b,1,,,,\nc,2021,b,1\n").as_bytes(),
            None,
            &long,
        );
        same_as_whole(
            "after.csv",
            format!("{body}a,2021,b,\"1\"0,,,,\n").as_bytes(),
            None,
            &long,
        );
        same_as_whole(
            "value.csv",
            format!("{body}a,2021,b,1x,,,,\n").as_bytes(),
            None,
            &long,
        );
        same_as_whole(
            "group.csv",
            format!("{body}衢州,2023,a,1,县,,,\n").as_bytes(),
            None,
            &long,
        );
        same_as_whole("header.csv", b"unit,period,indicator,value\n", None, &long);
        same_as_whole("empty.csv", b"", None, &long);
        same_as_whole("bom_only.csv", "\u{feff}".as_bytes(), None, &long);
        // an error early, then bytes that are not UTF-8: the whole-file answer (the
        // encoding's error or the GB18030 reading) wins
        let mut late = format!("{body}a,2021,b,1x,,,,\n").into_bytes();
        late.extend_from_slice(b"b,2021,c,1,,,,\n\xFF\xFE\n");
        same_as_whole("late_utf8.csv", &late, None, &utf8);
        same_as_whole("late_auto.csv", &late, None, &long);
        let (gbk, _, _) = encoding_rs::GB18030.encode(body);
        // characters of 2 and 4 bytes cut by the reads at every position; a file ending
        // in a cut character; a byte that starts no character
        let mixed = body.replace("江山", "江山é𠀀");
        same_as_whole("mixed.csv", mixed.as_bytes(), None, &long);
        let mut cut_end = mixed.clone().into_bytes();
        cut_end.extend_from_slice(&"𠀀".as_bytes()[..2]);
        same_as_whole("cut_end.csv", &cut_end, None, &utf8);
        same_as_whole("cut_end_auto.csv", &cut_end, None, &long);
        let mut f5 = mixed.into_bytes();
        f5.extend_from_slice(b"a,2021,b,1,,,,\xF5\x80\n");
        same_as_whole("f5.csv", &f5, None, &utf8);
        same_as_whole("gbk.csv", &gbk, None, &long);
        same_as_whole("gbk_utf8.csv", &gbk, None, &utf8);
        same_as_whole(
            "gbk_gb.csv",
            &gbk,
            None,
            &opts(Layout::Long, TextEncoding::Gb18030),
        );
        same_as_whole(
            "utf8_gb.csv",
            body.as_bytes(),
            None,
            &opts(Layout::Long, TextEncoding::Gb18030),
        );
        // wide, with a unit row and a framework
        let fw = crate::model::builtin::quzhou();
        let ids: Vec<&str> = fw
            .indicators
            .iter()
            .take(3)
            .map(|i| i.id.as_str())
            .collect();
        let targets: Vec<f64> = fw
            .indicators
            .iter()
            .take(3)
            .map(|i| i.target.unwrap_or(1.0))
            .collect();
        let mut w = format!("地区,年份,分组,来源,{},{},{}\n", ids[0], ids[1], ids[2]);
        for (u, unit) in ["衢州", "柯城", "\"衢江\"", "龙游"].iter().enumerate() {
            for year in 2020..2023 {
                w.push_str(&format!(
                    "{unit},{year},g{},\"来源\n{year}\",{},{},\n",
                    u % 2,
                    targets[0] * 0.9,
                    targets[1] * 1.1
                ));
            }
        }
        same_as_whole("wide.csv", w.as_bytes(), Some(fw), &wide);
        same_as_whole("wide_none.csv", w.as_bytes(), None, &wide);
        same_as_whole(
            "wide_dup.csv",
            format!("{w}龙游,2021,g1,,1,2,3\n").as_bytes(),
            Some(fw),
            &wide,
        );
        // long with a framework: unknown indicator, unit conversions (warnings)
        let mut l = String::from("地区,年份,指标,数值,计量单位\n");
        for unit in ["衢州", "柯城"] {
            for (k, id) in ids.iter().enumerate() {
                l.push_str(&format!("{unit},2021,{id},{},\n", targets[k]));
            }
        }
        same_as_whole("fw.csv", l.as_bytes(), Some(fw), &long);
        same_as_whole(
            "fw_unknown.csv",
            format!("{l}衢州,2022,no_such,1,\n").as_bytes(),
            Some(fw),
            &long,
        );
        // not a regular file: read whole, as before
        if std::path::Path::new("/dev/null").exists() {
            let null = std::path::Path::new("/dev/null");
            let a = read_table_path_chunked(null, None, &long, 3).unwrap_err();
            let b = read_table_bytes(b"", "/dev/null", None, &long).unwrap_err();
            assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }
        // a missing file
        let gone = std::env::temp_dir().join("cpindex-csv-stream-no-such-file.csv");
        let e1 = read_table_path_chunked(&gone, None, &long, 3).unwrap_err();
        let e2 = std::fs::read(&gone).unwrap_err();
        assert_eq!(
            format!("{e1:?}"),
            format!(
                "{:?}",
                Error::Io {
                    path: gone.display().to_string(),
                    message: e2.to_string()
                }
            )
        );
    }

    /// The fast decimal parse gives exactly std's double (bit for bit, sign of zero
    /// included) for every string it accepts, and `parse_value` agrees with std on every
    /// string std reads as finite: random decimal strings of 0–21 integer and 0–25
    /// fraction digits (leading zeros, signs, boundaries around 2^53 and 10^22), plus
    /// malformed ones.
    #[test]
    fn fast_decimal_parse_equals_std() {
        use crate::sensitivity::rng::split_mix64;
        let mut state = 2026u64;
        let mut rnd = |n: u64| split_mix64(&mut state) % n;
        let mut cases: Vec<String> = vec![
            "0".into(),
            "-0".into(),
            "-0.0".into(),
            "0.0".into(),
            "9007199254740992".into(),
            "9007199254740993".into(),
            "9007199254740991.5".into(),
            "900719925474099.3".into(),
            "1.0000000000000000000000001".into(),
            "0.0000000000000000000001".into(),
            "0.00000000000000000000001".into(),
            "9999999999999999999".into(),
            "18446744073709551616".into(),
            "1e3".into(),
            "+1".into(),
            ".5".into(),
            "5.".into(),
            "-".into(),
            "".into(),
            "1.2.3".into(),
            "1,5".into(),
            "--1".into(),
            "１".into(),
            " 1".into(),
            "0x10".into(),
            "1_000".into(),
            "123456789012345678.9".into(),
        ];
        for _ in 0..200_000 {
            let mut s = String::new();
            match rnd(4) {
                0 => s.push('-'),
                1 if rnd(10) == 0 => s.push('+'),
                _ => {}
            }
            let n_int = rnd(22);
            for k in 0..n_int {
                // leading zeros now and then
                let d = if k == 0 && rnd(5) != 0 {
                    1 + rnd(9)
                } else {
                    rnd(10)
                };
                s.push(char::from(b'0' + d as u8));
            }
            if rnd(3) != 0 {
                s.push('.');
                for _ in 0..rnd(26) {
                    s.push(char::from(b'0' + rnd(10) as u8));
                }
            }
            if rnd(50) == 0 {
                s.push(['e', 'x', ' ', '.'][rnd(4) as usize]);
            }
            cases.push(s);
        }
        let mut fast = 0;
        for s in &cases {
            let std = s.parse::<f64>().ok();
            if let Some(v) = parse_decimal_fast(s) {
                fast += 1;
                let w = std.unwrap_or_else(|| panic!("fast path accepted `{s}`, std did not"));
                assert_eq!(v.to_bits(), w.to_bits(), "`{s}`: {v:e} vs std {w:e}");
            }
            match std {
                Some(w) if w.is_finite() => {
                    let v = parse_value(s).unwrap();
                    assert_eq!(v.to_bits(), w.to_bits(), "`{s}`");
                }
                _ => {}
            }
        }
        // the fast path is taken for most of them (the test exercises it)
        assert!(fast > cases.len() / 3, "{fast} of {}", cases.len());
    }

    /// `same_text` agrees with `==` on pairs of every length up to 40 bytes that are
    /// equal, differ in one byte (at every position), or differ in length.
    #[test]
    fn same_text_is_string_equality() {
        let base: String = "统计年鉴 yearbook 2021; 公报 bulletin".chars().collect();
        let bytes = base.as_bytes();
        for n in 0..=bytes.len() {
            let Ok(a) = std::str::from_utf8(&bytes[..n]) else {
                continue;
            };
            let b = a.to_string();
            assert_eq!(same_text(a, &b), a == b);
            for k in 0..a.len() {
                if !a.is_char_boundary(k) || !a[k..].starts_with(|c: char| c.is_ascii()) {
                    continue;
                }
                let mut c = a.as_bytes().to_vec();
                c[k] = if c[k] == b'x' { b'y' } else { b'x' };
                let c = String::from_utf8(c).unwrap();
                assert_eq!(same_text(a, &c), a == c, "{a:?} vs {c:?}");
                assert!(!same_text(a, &c));
            }
            if n > 0 && a.is_char_boundary(n - 1) {
                assert!(!same_text(a, &a[..n - 1]));
            }
        }
        assert!(same_text("", ""));
        assert!(!same_text("a", ""));
    }
}
