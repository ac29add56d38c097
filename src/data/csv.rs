//! CSV readers that build a [`Panel`].
//!
//! Two layouts are read:
//!
//! * **long** — one observation per row:
//!   `unit,period,indicator,value` plus the optional columns `group` (the unit's group),
//!   `source`, `note` and `illustrative` (`true`/`false`/`1`/`0`/empty), which are kept as
//!   the cell's [`CellProvenance`]. An illustrative value gets the note `illustrative`
//!   (prefixed to any other note, separated by `; `).
//! * **wide** — one unit-period per row: `unit,period` plus one column per indicator id and
//!   the same optional `group`, `source`, `note`, `illustrative` columns, which then apply
//!   to every cell of the row that holds a value.
//!
//! Column names are matched case-insensitively after trimming; cells are trimmed.
//! **Missing values**: an empty cell, `NA`, `N/A` or `NaN` (any case) is missing (stored
//! as NaN). Anything else must parse as a finite decimal number.
//!
//! Errors are [`Error::Parse`] naming the source (the file name, or `<csv text>`), the
//! 1-based line (the header is line 1) and the column: unknown indicator ids (when a
//! framework is given), duplicate observations (naming the first line too), non-numeric
//! cells, ±inf, a period that is not an integer year, missing required columns, unknown
//! or duplicate header columns, ragged rows, a unit given two different groups. An input
//! with a header and no data row is [`Error::Empty`].
//!
//! Order of the resulting panel: units in order of first appearance; periods ascending;
//! indicators in framework order when a framework is given, else in order of first
//! appearance (long) or of the header (wide).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::data::{CellProvenance, Panel};
use crate::error::{Error, Result};
use crate::model::Framework;

/// The source name used for CSV given as text.
pub const CSV_TEXT_SOURCE: &str = "<csv text>";

fn parse_err(source: &str, line: u64, column: &str, message: impl Into<String>) -> Error {
    Error::Parse {
        source_name: source.to_string(),
        line,
        column: column.to_string(),
        message: message.into(),
    }
}

fn csv_err(source: &str, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("invalid UTF-8 in field {}", err.field() + 1)
        }
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    };
    let column = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => (err.field() + 1).to_string(),
        _ => "?".to_string(),
    };
    parse_err(source, line, &column, message)
}

/// Parses a value cell: empty / `NA` / `N/A` / `NaN` → NaN; ±inf and text are errors.
fn parse_value(cell: &str, source: &str, line: u64, column: &str) -> Result<f64> {
    let c = cell.trim();
    if c.is_empty()
        || c.eq_ignore_ascii_case("na")
        || c.eq_ignore_ascii_case("n/a")
        || c.eq_ignore_ascii_case("nan")
    {
        return Ok(f64::NAN);
    }
    match c.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(v) => Err(parse_err(
            source,
            line,
            column,
            format!("`{c}` is {v}; infinite values are not allowed (leave the cell empty or write NA for missing)"),
        )),
        Err(_) => Err(parse_err(
            source,
            line,
            column,
            format!("`{c}` is not a number (use an empty cell or NA for missing)"),
        )),
    }
}

fn parse_period(cell: &str, source: &str, line: u64, column: &str) -> Result<i32> {
    cell.trim().parse::<i32>().map_err(|_| {
        parse_err(
            source,
            line,
            column,
            format!("`{}` is not an integer period (year)", cell.trim()),
        )
    })
}

fn parse_flag(cell: &str, source: &str, line: u64, column: &str) -> Result<bool> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" => Ok(false),
        "true" | "1" | "yes" => Ok(true),
        other => Err(parse_err(
            source,
            line,
            column,
            format!("`{other}` is not a flag (use true/false/1/0)"),
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

/// Optional per-row columns shared by both layouts.
#[derive(Default, Clone, Copy)]
struct Optional {
    group: Option<usize>,
    source: Option<usize>,
    note: Option<usize>,
    illustrative: Option<usize>,
}

struct Builder<'a> {
    source: &'a str,
    units: Vec<String>,
    unit_pos: HashMap<String, usize>,
    groups: Vec<Option<String>>,
    group_line: Vec<u64>,
    periods: Vec<i32>,
}

impl<'a> Builder<'a> {
    fn new(source: &'a str) -> Self {
        Builder {
            source,
            units: Vec::new(),
            unit_pos: HashMap::new(),
            groups: Vec::new(),
            group_line: Vec::new(),
            periods: Vec::new(),
        }
    }

    fn unit(&mut self, id: &str, line: u64) -> Result<usize> {
        if id.is_empty() {
            return Err(parse_err(self.source, line, "unit", "empty unit id"));
        }
        if let Some(&u) = self.unit_pos.get(id) {
            return Ok(u);
        }
        let u = self.units.len();
        self.units.push(id.to_string());
        self.unit_pos.insert(id.to_string(), u);
        self.groups.push(None);
        self.group_line.push(0);
        Ok(u)
    }

    fn group(&mut self, u: usize, group: &str, line: u64, column: &str) -> Result<()> {
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
            Some(g) => Err(parse_err(
                self.source,
                line,
                column,
                format!(
                    "unit `{}` is put in group `{group}` but line {} put it in group `{g}`",
                    self.units[u], self.group_line[u]
                ),
            )),
        }
    }

    fn finish_periods(&mut self) -> HashMap<i32, usize> {
        self.periods.sort_unstable();
        self.periods.dedup();
        self.periods
            .iter()
            .enumerate()
            .map(|(k, &p)| (p, k))
            .collect()
    }
}

/// Named columns (lower-cased name → position) and the other columns (position, name).
type HeaderColumns = (HashMap<String, usize>, Vec<(usize, String)>);

fn header_index(
    headers: &csv::StringRecord,
    source: &str,
    allowed_fixed: &[&str],
    accept_other: bool,
) -> Result<HeaderColumns> {
    let mut fixed = HashMap::new();
    let mut others = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (k, h) in headers.iter().enumerate() {
        let name = h.trim().trim_start_matches('\u{feff}').to_string();
        let lower = name.to_ascii_lowercase();
        if name.is_empty() {
            return Err(parse_err(
                source,
                1,
                &(k + 1).to_string(),
                "empty column name in the header",
            ));
        }
        if let Some(prev) = seen.insert(lower.clone(), k) {
            return Err(parse_err(
                source,
                1,
                &name,
                format!("duplicate column (also column {})", prev + 1),
            ));
        }
        if allowed_fixed.contains(&lower.as_str()) {
            fixed.insert(lower, k);
        } else if accept_other {
            others.push((k, name));
        } else {
            return Err(parse_err(
                source,
                1,
                &name,
                format!("unknown column (allowed: {})", allowed_fixed.join(", ")),
            ));
        }
    }
    Ok((fixed, others))
}

fn require_columns(fixed: &HashMap<String, usize>, required: &[&str], source: &str) -> Result<()> {
    for r in required {
        if !fixed.contains_key(*r) {
            return Err(parse_err(
                source,
                1,
                r,
                format!("required column `{r}` is missing from the header"),
            ));
        }
    }
    Ok(())
}

fn reader<R: Read>(r: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(r)
}

fn check_width(
    rec: &csv::StringRecord,
    width: usize,
    headers: &csv::StringRecord,
    source: &str,
    line: u64,
) -> Result<()> {
    if rec.len() != width {
        let column = if rec.len() < width {
            headers.get(rec.len()).unwrap_or("?").trim().to_string()
        } else {
            (width + 1).to_string()
        };
        return Err(parse_err(
            source,
            line,
            &column,
            format!(
                "ragged row: {} fields where the header has {width}",
                rec.len()
            ),
        ));
    }
    Ok(())
}

fn optional_columns(fixed: &HashMap<String, usize>) -> Optional {
    Optional {
        group: fixed.get("group").copied(),
        source: fixed.get("source").copied(),
        note: fixed.get("note").copied(),
        illustrative: fixed.get("illustrative").copied(),
    }
}

fn row_provenance(
    rec: &csv::StringRecord,
    opt: Optional,
    source: &str,
    line: u64,
) -> Result<Option<CellProvenance>> {
    let src = opt.source.map(|k| &rec[k]).unwrap_or("");
    let note = opt.note.map(|k| &rec[k]).unwrap_or("");
    let ill = match opt.illustrative {
        Some(k) => parse_flag(&rec[k], source, line, "illustrative")?,
        None => false,
    };
    Ok(provenance(src, note, ill))
}

fn unknown_indicator(
    framework: &Framework,
    id: &str,
    source: &str,
    line: u64,
    column: &str,
) -> Error {
    parse_err(
        source,
        line,
        column,
        format!(
            "unknown indicator `{id}` (not in framework `{}`)",
            framework.id
        ),
    )
}

/// Orders indicator ids: framework order when given, else first-appearance order.
fn order_indicators(ids: Vec<String>, framework: Option<&Framework>) -> Vec<String> {
    match framework {
        Some(fw) => {
            let mut v = ids;
            v.sort_by_key(|id| fw.indicator_position(id).unwrap_or(usize::MAX));
            v
        }
        None => ids,
    }
}

/// Reads a **long** CSV (`unit,period,indicator,value[,group][,source][,note][,illustrative]`)
/// into a [`Panel`]. `source_name` names the input in errors (a file name, or
/// [`CSV_TEXT_SOURCE`]). When `framework` is given, every indicator id must be in it.
///
/// See the module docs for missing-value conventions and every error.
pub fn read_long_csv<R: Read>(
    input: R,
    source_name: &str,
    framework: Option<&Framework>,
) -> Result<Panel> {
    let source = source_name;
    let mut rdr = reader(input);
    let headers = rdr.headers().map_err(|e| csv_err(source, e))?.clone();
    let (fixed, _) = header_index(
        &headers,
        source,
        &[
            "unit",
            "period",
            "indicator",
            "value",
            "group",
            "source",
            "note",
            "illustrative",
        ],
        false,
    )?;
    require_columns(&fixed, &["unit", "period", "indicator", "value"], source)?;
    let (cu, cp, ci, cv) = (
        fixed["unit"],
        fixed["period"],
        fixed["indicator"],
        fixed["value"],
    );
    let opt = optional_columns(&fixed);
    let width = headers.len();

    struct Obs {
        u: usize,
        p: i32,
        i: usize,
        v: f64,
        line: u64,
        prov: Option<CellProvenance>,
    }
    let mut b = Builder::new(source);
    let mut ind_ids: Vec<String> = Vec::new();
    let mut ind_pos: HashMap<String, usize> = HashMap::new();
    let mut obs: Vec<Obs> = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_err(source, e)),
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.len() == 1 && rec[0].is_empty() {
            continue; // blank line
        }
        check_width(&rec, width, &headers, source, line)?;
        let u = b.unit(&rec[cu], line)?;
        if let Some(k) = opt.group {
            b.group(u, &rec[k], line, "group")?;
        }
        let p = parse_period(&rec[cp], source, line, "period")?;
        let ind = &rec[ci];
        if ind.is_empty() {
            return Err(parse_err(source, line, "indicator", "empty indicator id"));
        }
        if let Some(fw) = framework {
            if !fw.knows_series(ind) {
                return Err(unknown_indicator(fw, ind, source, line, "indicator"));
            }
        }
        let i = match ind_pos.get(ind) {
            Some(&i) => i,
            None => {
                ind_ids.push(ind.to_string());
                ind_pos.insert(ind.to_string(), ind_ids.len() - 1);
                ind_ids.len() - 1
            }
        };
        let v = parse_value(&rec[cv], source, line, "value")?;
        let prov = row_provenance(&rec, opt, source, line)?;
        b.periods.push(p);
        obs.push(Obs {
            u,
            p,
            i,
            v,
            line,
            prov,
        });
    }
    if obs.is_empty() {
        return Err(Error::Empty {
            context: format!("{source}: long CSV has a header but no data row"),
        });
    }
    let period_pos = b.finish_periods();
    let ordered = order_indicators(ind_ids.clone(), framework);
    let remap: Vec<usize> = ind_ids
        .iter()
        .map(|id| ordered.iter().position(|o| o == id).expect("same set"))
        .collect();
    let (nu, np) = (b.units.len(), b.periods.len());
    let mut panel = Panel::new(b.units.clone(), b.periods.clone(), ordered.clone())?;
    let mut first_line = vec![0u64; nu * np * ordered.len()];
    for o in obs {
        let (u, p, i) = (o.u, period_pos[&o.p], remap[o.i]);
        let k = (i * np + p) * nu + u;
        if first_line[k] != 0 {
            return Err(parse_err(
                source,
                o.line,
                "indicator",
                format!(
                    "duplicate observation for unit `{}`, period {}, indicator `{}` (first given on line {})",
                    b.units[u], o.p, ordered[i], first_line[k]
                ),
            ));
        }
        first_line[k] = o.line;
        panel.set(u, p, i, o.v)?;
        if let Some(pr) = o.prov {
            panel.set_provenance(u, p, i, pr);
        }
    }
    if opt.group.is_some() {
        panel.set_groups(b.groups)?;
    }
    Ok(panel)
}

/// Reads a **wide** CSV (`unit,period[,group][,source][,note][,illustrative],<indicator ids…>`)
/// into a [`Panel`]: every column that is not one of the named ones is an indicator id.
/// When `framework` is given, every indicator column must be in it.
///
/// See the module docs for missing-value conventions and every error.
pub fn read_wide_csv<R: Read>(
    input: R,
    source_name: &str,
    framework: Option<&Framework>,
) -> Result<Panel> {
    let source = source_name;
    let mut rdr = reader(input);
    let headers = rdr.headers().map_err(|e| csv_err(source, e))?.clone();
    let (fixed, others) = header_index(
        &headers,
        source,
        &["unit", "period", "group", "source", "note", "illustrative"],
        true,
    )?;
    require_columns(&fixed, &["unit", "period"], source)?;
    if others.is_empty() {
        return Err(parse_err(
            source,
            1,
            "?",
            "the header names no indicator column (wide CSV: unit,period,<indicator ids…>)",
        ));
    }
    if let Some(fw) = framework {
        for (_, id) in &others {
            if !fw.knows_series(id) {
                return Err(unknown_indicator(fw, id, source, 1, id));
            }
        }
    }
    let (cu, cp) = (fixed["unit"], fixed["period"]);
    let opt = optional_columns(&fixed);
    let width = headers.len();
    let ids: Vec<String> = others.iter().map(|(_, id)| id.clone()).collect();
    let ordered = order_indicators(ids.clone(), framework);
    let col_of: Vec<usize> = ordered
        .iter()
        .map(|id| others[ids.iter().position(|x| x == id).expect("same set")].0)
        .collect();

    struct Row {
        u: usize,
        p: i32,
        line: u64,
        values: Vec<f64>,
        prov: Option<CellProvenance>,
    }
    let mut b = Builder::new(source);
    let mut rows: Vec<Row> = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_err(source, e)),
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.len() == 1 && rec[0].is_empty() {
            continue;
        }
        check_width(&rec, width, &headers, source, line)?;
        let u = b.unit(&rec[cu], line)?;
        if let Some(k) = opt.group {
            b.group(u, &rec[k], line, "group")?;
        }
        let p = parse_period(&rec[cp], source, line, "period")?;
        let mut values = Vec::with_capacity(ordered.len());
        for (id, &c) in ordered.iter().zip(&col_of) {
            values.push(parse_value(&rec[c], source, line, id)?);
        }
        let prov = row_provenance(&rec, opt, source, line)?;
        b.periods.push(p);
        rows.push(Row {
            u,
            p,
            line,
            values,
            prov,
        });
    }
    if rows.is_empty() {
        return Err(Error::Empty {
            context: format!("{source}: wide CSV has a header but no data row"),
        });
    }
    let period_pos = b.finish_periods();
    let (nu, np) = (b.units.len(), b.periods.len());
    let mut panel = Panel::new(b.units.clone(), b.periods.clone(), ordered.clone())?;
    let mut first_line = vec![0u64; nu * np];
    for r in rows {
        let p = period_pos[&r.p];
        let k = p * nu + r.u;
        if first_line[k] != 0 {
            return Err(parse_err(
                source,
                r.line,
                "period",
                format!(
                    "duplicate row for unit `{}`, period {} (first given on line {})",
                    b.units[r.u], r.p, first_line[k]
                ),
            ));
        }
        first_line[k] = r.line;
        for (i, &v) in r.values.iter().enumerate() {
            panel.set(r.u, p, i, v)?;
            if let (Some(pr), false) = (&r.prov, v.is_nan()) {
                panel.set_provenance(r.u, p, i, pr.clone());
            }
        }
    }
    if opt.group.is_some() {
        panel.set_groups(b.groups)?;
    }
    Ok(panel)
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
    let f = std::io::BufReader::new(open(path)?);
    read_long_csv(f, &path.display().to_string(), framework)
}

/// [`read_wide_csv`] from a file; errors name the file's path. A file that cannot be
/// opened is [`Error::Io`].
pub fn read_wide_csv_path(path: impl AsRef<Path>, framework: Option<&Framework>) -> Result<Panel> {
    let path = path.as_ref();
    let f = std::io::BufReader::new(open(path)?);
    read_wide_csv(f, &path.display().to_string(), framework)
}
