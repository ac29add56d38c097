//! Panels: observations (units × periods × indicators, column-major, NaN = missing) built
//! from C arrays, with dimension queries, cell access and caller-buffer array readers.
//!
//! A `cpindex_panel` is `Box`-backed with a single owner (house style R13). The array
//! readers here (`cpindex_panel_periods`, `cpindex_panel_values`) are the pattern every
//! later result handle follows: `(T *buf, size_t buf_len, size_t *out_len)` with a size
//! query.

use std::os::raw::c_char;

use super::error::{FfiError, FfiResult};
use super::framework::{cpindex_framework, framework_ref};
use super::guard::{guard_default, guard_status};
use super::handle::{box_free, box_into_ptr, box_mut, box_ref, BoxHandle};
use super::slice::{out_ptr, try_slice, write_array};
use super::status::cpindex_status;
use super::string::{cpindex_str, try_str, try_str_array, write_joined_to, write_text_to};
use crate::data::Panel;

/// A panel of observations: units (regions) × periods (years) × indicators, doubles,
/// NaN = missing. Periods are kept sorted ascending.
///
/// Create with `cpindex_panel_new`; free with `cpindex_panel_free`.
///
/// **Thread safety:** functions taking `const cpindex_panel *` may run concurrently on the
/// same panel (the Rust type is `Sync`, asserted at compile time); `cpindex_panel_set`
/// needs exclusive access.
pub struct cpindex_panel {
    _private: [u8; 0],
}

impl BoxHandle for cpindex_panel {
    type Rust = Panel;
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Panel>();
};

/// Borrows a panel handle (for the engine and monitoring entry points).
///
/// # Safety
/// `ptr` NULL or a live panel handle.
pub(crate) unsafe fn panel_ref<'a>(ptr: *const cpindex_panel, name: &str) -> FfiResult<&'a Panel> {
    box_ref(ptr, name)
}

/// CSV layouts, for `cpindex_panel_from_csv`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_csv_layout {
    /// One observation per row: `unit,period,indicator,value[,group][,source][,note][,illustrative]`.
    Long = 0,
    /// One unit-period per row: `unit,period[,group][,source][,note][,illustrative],<indicator ids…>`.
    Wide = 1,
}

impl cpindex_csv_layout {
    pub(crate) fn from_code(code: u32, name: &str) -> FfiResult<cpindex_csv_layout> {
        match code {
            0 => Ok(cpindex_csv_layout::Long),
            1 => Ok(cpindex_csv_layout::Wide),
            _ => Err(FfiError::invalid(
                name,
                format!("{code} is not a cpindex_csv_layout code (0 = LONG, 1 = WIDE)"),
            )),
        }
    }
}

/// Checks the (unit, period, indicator) positions of a cell against the panel's dimensions.
fn check_cell(p: &Panel, unit: usize, period: usize, indicator: usize) -> FfiResult<()> {
    check_index("unit", unit, p.n_units(), "unit")?;
    check_index("period", period, p.n_periods(), "period")?;
    check_index("indicator", indicator, p.n_indicators(), "indicator")
}

fn check_index(name: &str, index: usize, len: usize, what: &str) -> FfiResult<()> {
    if index < len {
        Ok(())
    } else {
        Err(FfiError::invalid(
            name,
            format!("{what} index {index} is past the end (the panel has {len} {what}s)"),
        ))
    }
}

/// Creates a panel from arrays.
///
/// `values` holds `n_units × n_periods × n_indicators` doubles in column-major order: the
/// value of unit `u`, period `p` (position in `periods` as given), indicator `i` is at
/// `values[(i * n_periods + p) * n_units + u]`. NaN marks a missing value; ±inf is
/// rejected. Periods may come in any order (they are sorted, values moving with them).
/// Ids are UTF-8 `cpindex_str` views; they and the values are copied.
///
/// **Ownership:** on success `*out` receives a new panel the caller frees with
/// `cpindex_panel_free`. The caller keeps its arrays.
/// **NULL:** each array may be NULL when its length is 0 (an empty dimension gives an
/// empty panel); `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_LENGTH_MISMATCH` (`n_values` is not the product),
/// `CPINDEX_STATUS_INVALID_ARGUMENT` (empty or duplicate ids, duplicate periods; a product
/// `n_units × n_periods × n_indicators` that overflows or exceeds the cell limit of
/// `cpindex_set_max_panel_cells`),
/// `CPINDEX_STATUS_INVALID_VALUE` (an infinite value, naming the cell).
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// Each array valid for reads of its length; `out` valid for a write.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)] // arrays with their lengths (R11), then the output
pub unsafe extern "C" fn cpindex_panel_new(
    unit_ids: *const cpindex_str,
    n_units: usize,
    periods: *const i32,
    n_periods: usize,
    indicator_ids: *const cpindex_str,
    n_indicators: usize,
    values: *const f64,
    n_values: usize,
    out: *mut *mut cpindex_panel,
) -> cpindex_status {
    guard_status("cpindex_panel_new", || {
        let out = out_ptr(out, "out")?;
        // the size product is checked (overflow and the cell limit) before anything is copied
        crate::data::checked_panel_cells(n_units, n_periods, n_indicators)?;
        let units = try_str_array(unit_ids, n_units, "unit_ids")?;
        let periods = try_slice(periods, n_periods, "periods")?.to_vec();
        let indicators = try_str_array(indicator_ids, n_indicators, "indicator_ids")?;
        let values = try_slice(values, n_values, "values")?.to_vec();
        let panel = Panel::from_values(units, periods, indicators, values)?;
        out.write(box_into_ptr(panel));
        Ok(())
    })
}

/// Memory layouts of the values given to `cpindex_panel_from_arrays`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_values_layout {
    /// The library's own order (column-major, `values[(i * n_periods + p) * n_units + u]`):
    /// a Fortran-ordered `(units, periods, indicators)` array.
    ColumnMajor = 0,
    /// Row-major `values[(u * n_periods + p) * n_indicators + i]`: a C-ordered
    /// `(units, periods, indicators)` array (numpy's default), or a `(units, indicators)`
    /// table for one period.
    RowMajor = 1,
}

/// Splits `n` ids joined with a NUL after each (`"a\0b\0"`) into owned strings.
unsafe fn split_joined(
    ptr: *const c_char,
    len: usize,
    n: usize,
    name: &str,
) -> FfiResult<Vec<String>> {
    let text = try_str(ptr, len, name)?;
    let mut out = Vec::with_capacity(n);
    let mut rest = text;
    while !rest.is_empty() {
        let Some(end) = rest.find('\0') else {
            return Err(FfiError::invalid(
                name,
                format!(
                    "the last id (`{}`) is not followed by a NUL byte: join ids with a NUL after each",
                    crate::data::bounded(rest)
                ),
            ));
        };
        if out.len() == n {
            break;
        }
        out.push(rest[..end].to_owned());
        rest = &rest[end + 1..];
    }
    if out.len() != n || !rest.is_empty() {
        let found = out.len() + rest.matches('\0').count();
        return Err(crate::Error::length_mismatch(
            format!("`{name}` (ids each followed by a NUL byte)"),
            n,
            found,
        )
        .into());
    }
    Ok(out)
}

/// Transpose of row-major values (`src[(u * np + p) * ni + i]`) into the panel's
/// column-major order (`dst[(i * np + p) * nu + u]`). Returns whether every value is free
/// of ±inf (checked on the way, so the panel needs no separate scan).
///
/// Up to 2^20 cells (8 MiB: the data stays in the last-level cache) eight units at a time
/// (eight rows read, eight consecutive cells — one cache line — written per column); larger
/// arrays in 32 × 32 blocks, which measured faster once the writes go to memory
/// (3,000 × 60: 0.09 against 0.16 ms; 100,000 × 60: 13.1 against 11.4 ms).
fn transpose_into(src: &[f64], dst: &mut [f64], nu: usize, np: usize, ni: usize) -> bool {
    if src.len() <= 1 << 20 {
        transpose_rows8(src, dst, nu, np, ni)
    } else {
        transpose_blocked(src, dst, nu, np, ni)
    }
}

/// [`transpose_into`], eight units at a time.
fn transpose_rows8(src: &[f64], dst: &mut [f64], nu: usize, np: usize, ni: usize) -> bool {
    const R: usize = 8;
    let mut inf = [false; R];
    let row = |u: usize, p: usize| &src[(u * np + p) * ni..(u * np + p + 1) * ni];
    for p in 0..np {
        let mut u0 = 0;
        while u0 + R <= nu {
            let rows: [&[f64]; R] = std::array::from_fn(|k| row(u0 + k, p));
            for i in 0..ni {
                let d = &mut dst[(i * np + p) * nu + u0..(i * np + p) * nu + u0 + R];
                for k in 0..R {
                    let v = rows[k][i];
                    inf[k] |= v.abs() == f64::INFINITY;
                    d[k] = v;
                }
            }
            u0 += R;
        }
        for u in u0..nu {
            for (i, &v) in row(u, p).iter().enumerate() {
                inf[0] |= v.abs() == f64::INFINITY;
                dst[(i * np + p) * nu + u] = v;
            }
        }
    }
    !inf.iter().any(|&b| b)
}

/// [`transpose_into`] in cache blocks of 32 units × 32 indicators.
fn transpose_blocked(src: &[f64], dst: &mut [f64], nu: usize, np: usize, ni: usize) -> bool {
    const B: usize = 32;
    let mut inf = false;
    for p in 0..np {
        for u0 in (0..nu).step_by(B) {
            let u1 = (u0 + B).min(nu);
            for i0 in (0..ni).step_by(B) {
                let i1 = (i0 + B).min(ni);
                for u in u0..u1 {
                    let row = &src[(u * np + p) * ni..(u * np + p) * ni + ni];
                    for i in i0..i1 {
                        let v = row[i];
                        inf |= v.abs() == f64::INFINITY;
                        dst[(i * np + p) * nu + u] = v;
                    }
                }
            }
        }
    }
    !inf
}

/// Copies `src` into `dst` (same length) and returns whether no value is ±inf, in one pass
/// (four lanes, so the loop vectorises).
fn copy_checked(src: &[f64], dst: &mut [f64]) -> bool {
    let mut inf = [false; 4];
    let mut d4 = dst.chunks_exact_mut(4);
    let s4 = src.chunks_exact(4);
    let rest = s4.remainder();
    for (d, s) in (&mut d4).zip(s4) {
        for l in 0..4 {
            inf[l] |= s[l].abs() == f64::INFINITY;
        }
        d.copy_from_slice(s);
    }
    for (d, &s) in d4.into_remainder().iter_mut().zip(rest) {
        inf[0] |= s.abs() == f64::INFINITY;
        *d = s;
    }
    !(inf[0] | inf[1] | inf[2] | inf[3])
}

/// Creates a panel from arrays in one call, the fast path for bindings (issue 16): unit
/// and indicator ids as one UTF-8 buffer each, every id followed by a NUL byte
/// (`"u1\0u2\0"`, `*_len` bytes in all, `n_*` ids), and the values in a
/// `cpindex_values_layout` (`layout` 1 = row-major reads a C-ordered
/// `(units, periods, indicators)` array without a transposing copy on the caller's side;
/// the library copies the values once, in its own order). Otherwise as
/// `cpindex_panel_new`: NaN = missing, ±inf rejected, periods in any order, ids unique
/// and non-empty (an id cannot hold a NUL here; use `cpindex_panel_new` for such ids).
///
/// **Ownership:** on success `*out` receives a new panel the caller frees with
/// `cpindex_panel_free`. The caller keeps its arrays.
/// **NULL:** each array may be NULL when its length is 0; `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_LENGTH_MISMATCH` (`n_values` is not the product; a joined buffer does
/// not hold exactly `n_*` ids), `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown layout; empty or
/// duplicate ids, duplicate periods, a buffer not ending in NUL; a product over the cell
/// limit of `cpindex_set_max_panel_cells`), `CPINDEX_STATUS_INVALID_VALUE` (an infinite
/// value, naming the cell).
/// **Thread safety:** may be called from any thread.
///
/// # Safety
/// Each array valid for reads of its length; `out` valid for a write.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)] // arrays with their lengths (R11), then the output
pub unsafe extern "C" fn cpindex_panel_from_arrays(
    unit_ids: *const c_char,
    unit_ids_len: usize,
    n_units: usize,
    periods: *const i32,
    n_periods: usize,
    indicator_ids: *const c_char,
    indicator_ids_len: usize,
    n_indicators: usize,
    values: *const f64,
    n_values: usize,
    layout: u32,
    out: *mut *mut cpindex_panel,
) -> cpindex_status {
    guard_status("cpindex_panel_from_arrays", || {
        let out = out_ptr(out, "out")?;
        let layout = match layout {
            0 => cpindex_values_layout::ColumnMajor,
            1 => cpindex_values_layout::RowMajor,
            _ => {
                return Err(FfiError::invalid(
                    "layout",
                    format!("{layout} is not a cpindex_values_layout code (0 = COLUMN_MAJOR, 1 = ROW_MAJOR)"),
                ))
            }
        };
        let n = crate::data::checked_panel_cells(n_units, n_periods, n_indicators)?;
        let units = split_joined(unit_ids, unit_ids_len, n_units, "unit_ids")?;
        let indicators = split_joined(
            indicator_ids,
            indicator_ids_len,
            n_indicators,
            "indicator_ids",
        )?;
        let periods = try_slice(periods, n_periods, "periods")?.to_vec();
        let src = try_slice(values, n_values, "values")?;
        if n_values != n {
            return Err(crate::Error::length_mismatch(
                format!(
                    "values ({n_units} units × {n_periods} periods × {n_indicators} indicators)"
                ),
                n,
                n_values,
            )
            .into());
        }
        // every cell is overwritten below: a recycled buffer saves the page faults of
        // fresh memory
        let mut v = crate::data::take_buffer("values", n)?;
        let finite = match layout {
            cpindex_values_layout::ColumnMajor => copy_checked(src, &mut v),
            cpindex_values_layout::RowMajor => {
                transpose_into(src, &mut v, n_units, n_periods, n_indicators)
            }
        };
        let panel = Panel::from_checked_values(units, periods, indicators, v, finite)?;
        out.write(box_into_ptr(panel));
        Ok(())
    })
}

/// Creates a panel from CSV text (UTF-8, `len` bytes) in the `layout` given by a
/// `cpindex_csv_layout` code. Missing values: an empty cell, `NA`, `N/A` or `NaN`. With a
/// framework, every indicator id must be in it (or be one of its auxiliary series) and
/// indicators follow the framework's order; without one (`framework` NULL) any ids are
/// accepted in order of appearance. Format details: `docs/c-api.md` and the
/// `crate::data` readers.
///
/// **Ownership:** on success `*out` receives a new panel the caller frees with
/// `cpindex_panel_free`; the caller keeps the text and the framework.
/// **NULL:** `csv` may be NULL only when `len` is 0 (then EMPTY_INPUT or PARSE_ERROR);
/// `framework` may be NULL (no check); `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// layout), `CPINDEX_STATUS_INVALID_UTF8`, `CPINDEX_STATUS_PARSE_ERROR` (the message names
/// `<csv text>`, the 1-based line and the column: bad numbers, ±inf, unknown indicators,
/// duplicates, ragged rows, missing columns), `CPINDEX_STATUS_EMPTY_INPUT` (a header and
/// no data row), `CPINDEX_STATUS_INVALID_ARGUMENT` (the units × periods × indicators of the
/// text exceed the cell limit of `cpindex_set_max_panel_cells`: never an abort).
/// **Thread safety:** may be called from any thread; `framework` may be shared.
///
/// # Safety
/// `csv` valid for `len` bytes; `framework` NULL or a live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_panel_from_csv(
    csv: *const c_char,
    len: usize,
    layout: u32,
    framework: *const cpindex_framework,
    out: *mut *mut cpindex_panel,
) -> cpindex_status {
    guard_status("cpindex_panel_from_csv", || {
        let out = out_ptr(out, "out")?;
        let layout = cpindex_csv_layout::from_code(layout, "layout")?;
        let text = try_str(csv, len, "csv")?;
        let fw = if framework.is_null() {
            None
        } else {
            Some(framework_ref(framework, "framework")?)
        };
        let panel = match layout {
            cpindex_csv_layout::Long => crate::data::read_long_csv_str(text, fw)?,
            cpindex_csv_layout::Wide => crate::data::read_wide_csv_str(text, fw)?,
        };
        out.write(box_into_ptr(panel));
        Ok(())
    })
}

/// Text encodings of CSV input, for `cpindex_panel_read`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_text_encoding {
    /// UTF-8 when the bytes are valid UTF-8 (a byte-order mark is skipped), else GB18030.
    Auto = 0,
    /// UTF-8, with or without a byte-order mark.
    Utf8 = 1,
    /// GB18030, which covers GBK and GB2312 (CSV saved by Excel on Chinese Windows).
    Gb18030 = 2,
}

impl cpindex_text_encoding {
    pub(crate) fn from_code(code: u32, name: &str) -> FfiResult<crate::data::TextEncoding> {
        match code {
            0 => Ok(crate::data::TextEncoding::Auto),
            1 => Ok(crate::data::TextEncoding::Utf8),
            2 => Ok(crate::data::TextEncoding::Gb18030),
            _ => Err(FfiError::invalid(
                name,
                format!(
                    "{code} is not a cpindex_text_encoding code (0 = AUTO, 1 = UTF8, 2 = GB18030)"
                ),
            )),
        }
    }
}

/// `cpindex_panel_read` flag: accept values the plausibility check refuses — more than two
/// orders of magnitude above their indicator's target, or below 1/100 of it (1/31.6 for a
/// % or ‰ indicator, catching a percentage typed as a fraction); by default such a value
/// is a parse error naming the cell and the unit it was probably given in, e.g. 元 for an
/// indicator in 万元.
pub const CPINDEX_READ_ALLOW_UNIT_MISMATCH: u32 = 1;

/// Creates a panel from a data file's bytes: CSV in any `cpindex_text_encoding`, or an
/// `.xlsx` workbook (recognised by its signature), in the `layout` given by a
/// `cpindex_csv_layout` code. Headers may be English or Chinese (地区, 年份, 指标, 数值,
/// 单位 …); with a framework, indicators may be named by id, Chinese or English name or
/// alias, values declared in another unit (a `unit_of_measure`/`单位` column, a unit row
/// or a header suffix such as `居民人均可支配收入(元)`) are converted (元/万元/亿元,
/// 人/万人, %/ratio), and a value implausibly far from its target (more than two orders of
/// magnitude above it, below 1/100 of it, below 1/31.6 for % and ‰) is an error unless
/// `flags` has `CPINDEX_READ_ALLOW_UNIT_MISMATCH`. Format details:
/// `docs/c-api.md` and the `crate::data` readers.
///
/// `name` names the input in error messages (a file name; empty gives `<data>`). `sheet`
/// chooses a workbook's sheet by name; when it is empty, `sheet_index` chooses it by
/// 0-based position (0 = the first sheet). Both are ignored for CSV.
///
/// **Ownership:** on success `*out` receives a new panel the caller frees with
/// `cpindex_panel_free`; the caller keeps the bytes, the texts and the framework.
/// **NULL:** `data` may be NULL only when `len` is 0; `framework` may be NULL (no check,
/// no unit handling); `out` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// layout, encoding or flag, no such sheet), `CPINDEX_STATUS_INVALID_UTF8` (`name` or
/// `sheet`), `CPINDEX_STATUS_PARSE_ERROR` (the message names `name`, the line and the
/// column — for a workbook the cell, `数据!C7`: bytes not in the encoding, with a hint;
/// bad numbers, unknown indicators, units that cannot be converted or implausible
/// magnitudes, duplicates, ragged rows, missing columns, unclosed quotes),
/// `CPINDEX_STATUS_EMPTY_INPUT` (no data row).
/// **Thread safety:** may be called from any thread; `framework` may be shared.
///
/// # Safety
/// `data` valid for `len` bytes; `name` and `sheet` valid views; `framework` NULL or a
/// live handle; `out` valid for a write.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cpindex_panel_read(
    data: *const u8,
    len: usize,
    name: cpindex_str,
    layout: u32,
    encoding: u32,
    sheet: cpindex_str,
    sheet_index: usize,
    flags: u32,
    framework: *const cpindex_framework,
    out: *mut *mut cpindex_panel,
) -> cpindex_status {
    guard_status("cpindex_panel_read", || {
        let out = out_ptr(out, "out")?;
        let layout = match cpindex_csv_layout::from_code(layout, "layout")? {
            cpindex_csv_layout::Long => crate::data::Layout::Long,
            cpindex_csv_layout::Wide => crate::data::Layout::Wide,
        };
        let encoding = cpindex_text_encoding::from_code(encoding, "encoding")?;
        if flags & !CPINDEX_READ_ALLOW_UNIT_MISMATCH != 0 {
            return Err(FfiError::invalid(
                "flags",
                format!(
                    "unknown flag bits {:#x}",
                    flags & !CPINDEX_READ_ALLOW_UNIT_MISMATCH
                ),
            ));
        }
        let bytes = try_slice(data, len, "data")?;
        let name = try_str(name.data, name.len, "name")?;
        let sheet = try_str(sheet.data, sheet.len, "sheet")?;
        let fw = if framework.is_null() {
            None
        } else {
            Some(framework_ref(framework, "framework")?)
        };
        let options = crate::data::ReadOptions {
            layout,
            encoding,
            sheet: if sheet.is_empty() {
                crate::data::SheetRef::Index(sheet_index)
            } else {
                crate::data::SheetRef::Name(sheet.to_string())
            },
            allow_unit_mismatch: flags & CPINDEX_READ_ALLOW_UNIT_MISMATCH != 0,
            threads: 1,
        };
        let name = if name.is_empty() { "<data>" } else { name };
        let ingest = crate::data::read_table_bytes(bytes, name, fw, &options)?;
        out.write(box_into_ptr(ingest.panel));
        Ok(())
    })
}

/// Sets the process-wide limit on the number of cells (units × periods × indicators) of
/// one panel and returns the previous limit; `0` restores the default, 2^27 cells (1 GiB
/// of doubles).
///
/// Every panel constructor (`cpindex_panel_new`, `cpindex_panel_from_csv`, the JSON entry
/// point) checks the product, with overflow-checked arithmetic, against this limit before
/// allocating and then allocates fallibly: a small CSV asking for a huge dense panel gets
/// `CPINDEX_STATUS_INVALID_ARGUMENT`, never an abort of the host. Monitoring
/// (`cpindex_monitor_run`, the evaluation) keeps at most as many records (units ×
/// framework indicators × evaluated years, and units × dimensions × evaluated years),
/// checked the same way: a framework of many indicators over a panel of many units gets
/// the same status.
///
/// **Ownership:** nothing. **NULL:** no pointer. **Errors:** none.
/// **Thread safety:** may be called from any thread; the limit is read atomically by
/// each later panel construction.
#[no_mangle]
pub extern "C" fn cpindex_set_max_panel_cells(limit: usize) -> usize {
    guard_default("cpindex_set_max_panel_cells", || {
        crate::data::set_max_panel_cells(limit)
    })
}

/// Frees the large value buffers the library keeps for reuse and returns the number of
/// bytes released.
///
/// When a panel or an index result is freed, its largest buffers (256 KiB or more; at most
/// 8 buffers and 192 MiB in all, the oldest dropped first) are kept and handed to the next
/// panel or run that needs one of about the same size, so repeated runs do not pay the
/// page faults of fresh memory. Call this to give that memory back (e.g. after a batch of
/// runs); panels and results alive keep working.
///
/// **Ownership:** nothing. **NULL:** no pointer. **Errors:** none.
/// **Thread safety:** may be called from any thread.
#[no_mangle]
pub extern "C" fn cpindex_release_cached_buffers() -> usize {
    guard_default(
        "cpindex_release_cached_buffers",
        crate::data::release_cached_buffers,
    )
}

/// The current limit on the number of cells of one panel (see
/// `cpindex_set_max_panel_cells`).
///
/// **Ownership:** nothing. **NULL:** no pointer. **Errors:** none.
/// **Thread safety:** may be called from any thread.
#[no_mangle]
pub extern "C" fn cpindex_max_panel_cells() -> usize {
    guard_default("cpindex_max_panel_cells", crate::data::max_panel_cells)
}

/// Frees a panel. `NULL` is a no-op; freeing twice is undefined behaviour.
///
/// **Ownership:** the panel is destroyed. **NULL:** allowed (no-op). **Errors:** none.
/// **Thread safety:** no other call may use the panel concurrently.
///
/// # Safety
/// `panel` NULL or a live panel not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cpindex_panel_free(panel: *mut cpindex_panel) {
    guard_default("cpindex_panel_free", || box_free(panel))
}

/// The panel's dimensions.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`.
/// **Thread safety:** may run concurrently with other `const` calls on the same panel.
///
/// # Safety
/// `panel` a live panel; the out-pointers valid for writes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_panel_dims(
    panel: *const cpindex_panel,
    out_n_units: *mut usize,
    out_n_periods: *mut usize,
    out_n_indicators: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_panel_dims", || {
        let p = box_ref(panel, "panel")?;
        let nu = out_ptr(out_n_units, "out_n_units")?;
        let np = out_ptr(out_n_periods, "out_n_periods")?;
        let ni = out_ptr(out_n_indicators, "out_n_indicators")?;
        nu.write(p.n_units());
        np.write(p.n_periods());
        ni.write(p.n_indicators());
        Ok(())
    })
}

/// The value at (unit, period, indicator) positions; periods are in sorted order (see
/// `cpindex_panel_periods`). NaN means missing.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (a
/// position past the end).
/// **Thread safety:** may run concurrently with other `const` calls on the same panel.
///
/// # Safety
/// `panel` a live panel; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_panel_get(
    panel: *const cpindex_panel,
    unit: usize,
    period: usize,
    indicator: usize,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_panel_get", || {
        let p = box_ref(panel, "panel")?;
        let out = out_ptr(out, "out")?;
        check_cell(p, unit, period, indicator)?;
        out.write(p.get(unit, period, indicator));
        Ok(())
    })
}

/// The value for a unit id, a period (year) and an indicator id (UTF-8 texts). NaN means
/// missing.
///
/// **Ownership:** nothing to free.
/// **NULL:** `panel` and `out` must not be NULL; a text may be NULL when its length is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_UTF8`,
/// `CPINDEX_STATUS_UNKNOWN_ID` (unit, period or indicator not in the panel).
/// **Thread safety:** may run concurrently with other `const` calls on the same panel.
///
/// # Safety
/// `panel` a live panel; texts valid for their lengths; `out` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_panel_get_by_id(
    panel: *const cpindex_panel,
    unit: *const c_char,
    unit_len: usize,
    period: i32,
    indicator: *const c_char,
    indicator_len: usize,
    out: *mut f64,
) -> cpindex_status {
    guard_status("cpindex_panel_get_by_id", || {
        let p = box_ref(panel, "panel")?;
        let out = out_ptr(out, "out")?;
        let unit = try_str(unit, unit_len, "unit")?;
        let indicator = try_str(indicator, indicator_len, "indicator")?;
        let u = p.require_unit(unit)?;
        let t = p.require_period(period)?;
        let i = p.require_indicator(indicator)?;
        out.write(p.get(u, t, i));
        Ok(())
    })
}

/// Sets the value at (unit, period, indicator) positions; NaN marks it missing.
///
/// **Ownership:** nothing to free. **NULL:** `panel` must not be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (a
/// position past the end), `CPINDEX_STATUS_INVALID_VALUE` (±inf).
/// **Thread safety:** needs exclusive access to the panel.
///
/// # Safety
/// `panel` a live panel not used by another thread during the call.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_panel_set(
    panel: *mut cpindex_panel,
    unit: usize,
    period: usize,
    indicator: usize,
    value: f64,
) -> cpindex_status {
    guard_status("cpindex_panel_set", || {
        let p = box_mut(panel, "panel")?;
        check_cell(p, unit, period, indicator)?;
        p.set(unit, period, indicator, value)?;
        Ok(())
    })
}

/// Copies the id of unit `index` into a caller buffer, NUL-terminated; `*out_len` always
/// receives its length in bytes (size query with `(NULL, 0)`).
///
/// **Ownership:** the caller owns `buf`.
/// **NULL:** `panel` and `out_len` must not be NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index
/// past the end), `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may run concurrently with other `const` calls on the same panel.
///
/// # Safety
/// `panel` a live panel; `buf` valid for `buf_len` bytes; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_panel_unit_id(
    panel: *const cpindex_panel,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_panel_unit_id", || {
        let p = box_ref(panel, "panel")?;
        check_index("index", index, p.n_units(), "unit")?;
        write_text_to(&p.units()[index], buf, buf_len, out_len)
    })
}

/// Which ids `cpindex_panel_ids` copies.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cpindex_panel_list {
    /// Unit ids, in panel order.
    Unit = 0,
    /// Indicator ids, in panel order.
    Indicator = 1,
}

/// Copies every unit id (`list` 0, `CPINDEX_PANEL_LIST_UNIT`) or indicator id (`list` 1)
/// into one caller buffer in a single call: the ids in panel order, each followed by a NUL
/// byte. `*out_len` always receives the total size **including** every NUL (size query with
/// `(NULL, 0)`); split the buffer at the NULs (n ids give n texts — if an id itself holds a
/// NUL, read it with `cpindex_panel_unit_id` / `cpindex_panel_indicator_id` instead).
///
/// **Ownership:** the caller owns `buf`.
/// **NULL:** `panel` and `out_len` must not be NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (unknown
/// list code), `CPINDEX_STATUS_BUFFER_TOO_SMALL` (`buf_len < *out_len`).
/// **Thread safety:** may run concurrently with other `const` calls on the same panel.
///
/// # Safety
/// `panel` a live panel; `buf` valid for `buf_len` bytes; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_panel_ids(
    panel: *const cpindex_panel,
    list: u32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_panel_ids", || {
        let p = box_ref(panel, "panel")?;
        let ids = match list {
            0 => p.units(),
            1 => p.indicators(),
            _ => {
                return Err(FfiError::invalid(
                    "list",
                    format!("{list} is not a cpindex_panel_list code (0 UNIT, 1 INDICATOR)"),
                ))
            }
        };
        write_joined_to(ids.iter().map(String::as_str), buf, buf_len, out_len)
    })
}

/// Copies the id of indicator `index` into a caller buffer, NUL-terminated; `*out_len`
/// always receives its length in bytes (size query with `(NULL, 0)`).
///
/// **Ownership:** the caller owns `buf`.
/// **NULL:** `panel` and `out_len` must not be NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_INVALID_ARGUMENT` (index
/// past the end), `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may run concurrently with other `const` calls on the same panel.
///
/// # Safety
/// `panel` a live panel; `buf` valid for `buf_len` bytes; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_panel_indicator_id(
    panel: *const cpindex_panel,
    index: usize,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_panel_indicator_id", || {
        let p = box_ref(panel, "panel")?;
        check_index("index", index, p.n_indicators(), "indicator")?;
        write_text_to(&p.indicators()[index], buf, buf_len, out_len)
    })
}

/// Copies the periods (sorted ascending) into a caller array. `*out_len` always receives
/// the number of periods; if `buf_len` is smaller nothing is written to `buf` and the call
/// returns `CPINDEX_STATUS_BUFFER_TOO_SMALL` (size query with `(NULL, 0)`).
///
/// **Ownership:** the caller owns `buf`.
/// **NULL:** `panel` and `out_len` must not be NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may run concurrently with other `const` calls on the same panel.
///
/// # Safety
/// `panel` a live panel; `buf` valid for `buf_len` elements; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_panel_periods(
    panel: *const cpindex_panel,
    buf: *mut i32,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_panel_periods", || {
        let p = box_ref(panel, "panel")?;
        write_array(p.periods(), buf, buf_len, out_len, "the periods")
    })
}

/// Copies all values, column-major with periods sorted
/// (`values[(i * n_periods + p) * n_units + u]`), into a caller array. `*out_len` always
/// receives the number of values; if `buf_len` is smaller nothing is written to `buf` and
/// the call returns `CPINDEX_STATUS_BUFFER_TOO_SMALL` (size query with `(NULL, 0)`).
///
/// **Ownership:** the caller owns `buf`.
/// **NULL:** `panel` and `out_len` must not be NULL; `buf` may be NULL when `buf_len` is 0.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_BUFFER_TOO_SMALL`.
/// **Thread safety:** may run concurrently with other `const` calls on the same panel.
///
/// # Safety
/// `panel` a live panel; `buf` valid for `buf_len` elements; `out_len` valid for a write.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_panel_values(
    panel: *const cpindex_panel,
    buf: *mut f64,
    buf_len: usize,
    out_len: *mut usize,
) -> cpindex_status {
    guard_status("cpindex_panel_values", || {
        let p = box_ref(panel, "panel")?;
        write_array(p.values(), buf, buf_len, out_len, "the panel values")
    })
}

/// Checks that every indicator of the panel exists in the framework.
///
/// **Ownership:** nothing to free. **NULL:** no argument may be NULL.
/// **Errors:** `CPINDEX_STATUS_NULL_ARGUMENT`, `CPINDEX_STATUS_UNKNOWN_ID` (naming the
/// first unknown indicator and the framework).
/// **Thread safety:** may run concurrently with other `const` calls on both handles.
///
/// # Safety
/// `panel` and `framework` live handles.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn cpindex_panel_check_framework(
    panel: *const cpindex_panel,
    framework: *const cpindex_framework,
) -> cpindex_status {
    guard_status("cpindex_panel_check_framework", || {
        let p = box_ref(panel, "panel")?;
        let fw = framework_ref(framework, "framework")?;
        p.check_indicators(fw)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    unsafe fn from_arrays(
        units: &str,
        nu: usize,
        periods: &[i32],
        inds: &str,
        ni: usize,
        values: &[f64],
        layout: u32,
    ) -> (cpindex_status, *mut cpindex_panel) {
        let mut out: *mut cpindex_panel = std::ptr::null_mut();
        let st = cpindex_panel_from_arrays(
            units.as_ptr().cast(),
            units.len(),
            nu,
            periods.as_ptr(),
            periods.len(),
            inds.as_ptr().cast(),
            inds.len(),
            ni,
            values.as_ptr(),
            values.len(),
            layout,
            &mut out,
        );
        (st, out)
    }

    #[test]
    fn row_major_values_land_where_the_column_major_formula_says() {
        // 2 units × 3 periods (given unsorted: 2021, 2019, 2020) × 4 indicators; row-major
        // value of (u, p, i) = 100u + 10p + i with p the position as given.
        let (nu, np, ni) = (2, 3, 4);
        let periods = [2021, 2019, 2020];
        let mut rm = vec![0.0; nu * np * ni];
        let mut cm = vec![0.0; nu * np * ni];
        for u in 0..nu {
            for p in 0..np {
                for i in 0..ni {
                    let v = (100 * u + 10 * p + i) as f64;
                    rm[(u * np + p) * ni + i] = v;
                    cm[(i * np + p) * nu + u] = v;
                }
            }
        }
        unsafe {
            let (st, a) = from_arrays("a\0b\0", 2, &periods, "p\0q\0r\0s\0", 4, &rm, 1);
            assert_eq!(st, cpindex_status::Ok);
            let (st, b) = from_arrays("a\0b\0", 2, &periods, "p\0q\0r\0s\0", 4, &cm, 0);
            assert_eq!(st, cpindex_status::Ok);
            let (pa, pb) = (box_ref(a, "a").unwrap(), box_ref(b, "b").unwrap());
            assert_eq!(pa.units(), ["a", "b"]);
            assert_eq!(pa.indicators(), ["p", "q", "r", "s"]);
            assert_eq!(pa.periods(), [2019, 2020, 2021]);
            assert_eq!(pa.values(), pb.values());
            // unit b (1), period 2020 (given at position 2, sorted position 1), indicator
            // r (2): 100 + 20 + 2
            assert_eq!(pa.get(1, 1, 2), 122.0);
            // unit a, 2021 (given first, sorted last), indicator s: 0 + 0 + 3
            assert_eq!(pa.get(0, 2, 3), 3.0);
            cpindex_panel_free(a);
            cpindex_panel_free(b);
        }
    }

    #[test]
    fn joined_ids_and_layouts_are_checked() {
        let v = [1.0, 2.0];
        unsafe {
            // one id too few, one too many, no trailing NUL, an empty and a duplicate id
            assert_eq!(
                from_arrays("a\0", 2, &[2020], "x\0", 1, &v, 0).0,
                cpindex_status::LengthMismatch
            );
            assert_eq!(
                from_arrays("a\0b\0c\0", 2, &[2020], "x\0", 1, &v, 0).0,
                cpindex_status::LengthMismatch
            );
            assert_eq!(
                from_arrays("a\0b", 2, &[2020], "x\0", 1, &v, 0).0,
                cpindex_status::InvalidArgument
            );
            assert_eq!(
                from_arrays("a\0\0", 2, &[2020], "x\0", 1, &v, 0).0,
                cpindex_status::InvalidArgument
            );
            assert_eq!(
                from_arrays("a\0a\0", 2, &[2020], "x\0", 1, &v, 0).0,
                cpindex_status::InvalidArgument
            );
            assert_eq!(
                from_arrays("a\0b\0", 2, &[2020], "x\0", 1, &v, 2).0,
                cpindex_status::InvalidArgument
            );
            assert_eq!(
                from_arrays("a\0b\0", 2, &[2020], "x\0", 1, &v[..1], 1).0,
                cpindex_status::LengthMismatch
            );
            assert_eq!(
                from_arrays("a\0b\0", 2, &[2020], "x\0", 1, &[1.0, f64::INFINITY], 1).0,
                cpindex_status::InvalidValue
            );
            let (st, p) = from_arrays("a\0\u{ff}\0", 2, &[2020], "x\0", 1, &v, 1);
            assert_eq!(st, cpindex_status::Ok);
            assert_eq!(box_ref(p, "p").unwrap().units()[1], "\u{ff}");
            cpindex_panel_free(p);
        }
    }

    #[test]
    fn both_transposes_give_the_column_major_layout_and_see_inf() {
        for &(nu, np, ni) in &[(1, 1, 1), (13, 3, 5), (8, 2, 7), (3001, 1, 60), (37, 4, 33)] {
            let n = nu * np * ni;
            let src: Vec<f64> = (0..n).map(|k| k as f64 * 0.5 - 7.0).collect();
            let mut a = vec![f64::NAN; n];
            let mut b = vec![f64::NAN; n];
            assert!(transpose_rows8(&src, &mut a, nu, np, ni));
            assert!(transpose_blocked(&src, &mut b, nu, np, ni));
            for u in 0..nu {
                for p in 0..np {
                    for i in 0..ni {
                        let want = src[(u * np + p) * ni + i];
                        assert_eq!(a[(i * np + p) * nu + u], want);
                        assert_eq!(b[(i * np + p) * nu + u], want);
                    }
                }
            }
            let mut bad = src.clone();
            bad[n / 2] = f64::NEG_INFINITY;
            assert!(!transpose_rows8(&bad, &mut a, nu, np, ni));
            assert!(!transpose_blocked(&bad, &mut b, nu, np, ni));
            let mut c = vec![0.0; n];
            assert!(!copy_checked(&bad, &mut c));
            assert_eq!(c, bad);
            assert!(copy_checked(&src, &mut c));
            assert_eq!(c, src);
        }
    }
}
