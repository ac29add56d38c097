//! Reading the data file of `report` and `index`: every format and option goes through
//! the library's one reader ([`cpindex::data::read_table_path`]) — CSV in UTF-8 or
//! GB18030/GBK, `.xlsx` workbooks, long or wide, English or Chinese headers, units of
//! measure converted or refused.

use std::path::Path;

use clap::{Args, ValueEnum};
use cpindex::data::{Ingest, Layout, ReadOptions, SheetRef, TextEncoding};
use cpindex::model::Framework;

use crate::{CliResult, Failure};

/// `--layout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// One observation per row: unit, period, indicator, value (地区, 年份, 指标, 数值).
    Long,
    /// One unit-period per row, one column per indicator (id, Chinese name or alias,
    /// optionally with its unit: `居民人均可支配收入(万元)`).
    Wide,
}

/// `--encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    /// UTF-8 when the bytes are UTF-8, else GB18030/GBK (with a warning).
    Auto,
    /// UTF-8 (a byte-order mark is skipped).
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GB18030, which covers GBK and GB2312 (Excel on Chinese Windows).
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
}

/// The options of the data file, shared by `report` and `index`.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// The layout of the data file.
    #[arg(long, value_enum, default_value_t = LayoutArg::Long)]
    pub layout: LayoutArg,
    /// The text encoding of a CSV data file.
    #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
    pub encoding: EncodingArg,
    /// The sheet of an .xlsx data file: its name, or its 1-based number (default: the
    /// first sheet).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Accept values implausibly far from their indicator's target: more than two orders
    /// of magnitude above it, below 1/100 of it, below 1/31.6 for % and ‰ (by default an
    /// error: usually a value in 元 for an indicator in 万元, or a percentage typed as a
    /// fraction).
    #[arg(long)]
    pub allow_unit_mismatch: bool,
}

impl InputArgs {
    fn options(&self, threads: usize) -> ReadOptions {
        ReadOptions {
            layout: match self.layout {
                LayoutArg::Long => Layout::Long,
                LayoutArg::Wide => Layout::Wide,
            },
            encoding: match self.encoding {
                EncodingArg::Auto => TextEncoding::Auto,
                EncodingArg::Utf8 => TextEncoding::Utf8,
                EncodingArg::Gb18030 => TextEncoding::Gb18030,
            },
            sheet: match &self.sheet {
                None => SheetRef::First,
                Some(s) => match s.trim().parse::<usize>() {
                    Ok(n) if n >= 1 => SheetRef::Index(n - 1),
                    _ => SheetRef::Name(s.clone()),
                },
            },
            allow_unit_mismatch: self.allow_unit_mismatch,
            threads,
        }
    }
}

/// Reads the data file on up to `threads` threads ([`ReadOptions::threads`]); the
/// reader's warnings (detected encoding, unit conversions) go to stderr and are returned
/// for the report's input notes.
pub fn read_data(
    path: &Path,
    fw: &Framework,
    args: &InputArgs,
    threads: usize,
) -> CliResult<Ingest> {
    if args.sheet.is_some() && !is_workbook(path) {
        return Err(Failure(format!(
            "{}: --sheet applies to .xlsx workbooks only",
            path.display()
        )));
    }
    let ingest = cpindex::data::read_table_path(path, Some(fw), &args.options(threads))?;
    for w in &ingest.warnings {
        eprintln!("cpindex: warning: {w}");
    }
    Ok(ingest)
}

fn is_workbook(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(
        ext.as_deref(),
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
    ) || std::fs::File::open(path)
        .and_then(|mut f| {
            let mut magic = [0u8; 4];
            std::io::Read::read_exact(&mut f, &mut magic).map(|_| magic == *b"PK\x03\x04")
        })
        .unwrap_or(false)
}
