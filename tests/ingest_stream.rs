//! Reading a CSV file in chunks (`read_table_path`, issue 16) against reading its bytes
//! whole (`read_table_bytes`) and against what was written: files of several megabytes
//! (many chunks) with quoted notes spanning lines, escaped quotes, CRLF and LF line ends,
//! blank lines and provenance give the same panel and warnings, every value and note as
//! written; a duplicate far into such a file names the lines (counted while writing) of
//! both observations; an error before bytes that are not UTF-8 gives the whole-file answer.

use std::collections::HashMap;
use std::path::PathBuf;

use cpindex::data::{
    read_table_bytes, read_table_path, CellProvenance, Ingest, Layout, ReadOptions, TextEncoding,
};
use cpindex::error::Error;
use cpindex::sensitivity::rng::split_mix64;

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cpindex-ingest-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A long file of `n_units` × 6 years × 8 indicators; returns the text, each cell's
/// written value and note, and the line each observation starts on.
struct Written {
    text: String,
    cells: HashMap<(String, i32, String), (String, String)>,
    lines: HashMap<(String, i32, String), u64>,
    /// The line the next row would start on.
    next_line: u64,
}

fn write_long(n_units: usize, seed: u64) -> Written {
    let mut state = seed;
    let mut rnd = |n: u64| split_mix64(&mut state) % n;
    let mut w = Written {
        text: String::from("unit,period,indicator,value,source,note\n"),
        cells: HashMap::new(),
        lines: HashMap::new(),
        next_line: 2,
    };
    for u in 0..n_units {
        let unit = format!("县{u}");
        for year in 2018..2024 {
            for k in 0..8 {
                if rnd(50) == 0 {
                    w.text.push('\n');
                    w.next_line += 1;
                }
                let ind = format!("ind_{k}");
                let value = match rnd(20) {
                    0 => String::new(),
                    1 => "NA".to_string(),
                    _ => format!("{}.{:02}", rnd(10_000), rnd(100)),
                };
                let (note, written_note, extra_lines) = match rnd(10) {
                    0 => (
                        "第一行\n第二行".to_string(),
                        "\"第一行\n第二行\"".to_string(),
                        1,
                    ),
                    1 => (
                        "说 \"引号\"".to_string(),
                        "\"说 \"\"引号\"\"\"".to_string(),
                        0,
                    ),
                    2 => ("a,b".to_string(), "\"a,b\"".to_string(), 0),
                    _ => (String::new(), String::new(), 0),
                };
                let end = if rnd(3) == 0 { "\r\n" } else { "\n" };
                w.text.push_str(&format!(
                    "{unit},{year},{ind},{value},统计年鉴{},{written_note}{end}",
                    year % 2
                ));
                let key = (unit.clone(), year, ind);
                w.lines.insert(key.clone(), w.next_line);
                w.cells.insert(key, (value, note));
                w.next_line += 1 + extra_lines;
            }
        }
    }
    w
}

/// Everything of an ingest, comparable (values bit for bit: `NaN != NaN`).
#[allow(clippy::type_complexity)]
fn key(
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

fn options() -> ReadOptions {
    ReadOptions {
        layout: Layout::Long,
        encoding: TextEncoding::Auto,
        ..ReadOptions::default()
    }
}

#[test]
fn a_file_of_many_chunks_reads_as_its_bytes_and_as_written() {
    let w = write_long(700, 7);
    assert!(w.text.len() > 1 << 20, "{} bytes", w.text.len());
    let path = temp_file("many.csv", w.text.as_bytes());
    let streamed = read_table_path(&path, None, &options()).unwrap();
    let whole = read_table_bytes(
        w.text.as_bytes(),
        &path.display().to_string(),
        None,
        &options(),
    )
    .unwrap();
    assert_eq!(key(&streamed), key(&whole));
    let p = &streamed.panel;
    assert_eq!(
        p.n_units() * p.n_periods() * p.n_indicators(),
        w.cells.len()
    );
    for ((unit, year, ind), (value, note)) in &w.cells {
        let got = p.get_by_id(unit, *year, ind).unwrap();
        match value.as_str() {
            "" | "NA" => assert!(got.is_nan(), "{unit} {year} {ind}: {got}"),
            v => assert_eq!(got, v.parse::<f64>().unwrap(), "{unit} {year} {ind}"),
        }
        let (uu, pp, ii) = (
            p.unit_index(unit).unwrap(),
            p.period_index(*year).unwrap(),
            p.indicator_index(ind).unwrap(),
        );
        let prov = p.provenance(uu, pp, ii).expect("every row has a source");
        assert_eq!(prov.source, format!("统计年鉴{}", year % 2));
        assert_eq!(&prov.note, note);
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_duplicate_far_into_the_file_names_both_lines() {
    let mut w = write_long(400, 11);
    // repeat an observation given early, after many chunks
    let key = ("县3".to_string(), 2020, "ind_5".to_string());
    let first = w.lines[&key];
    let dup_line = w.next_line + 2;
    w.text.push_str("\n\n县3 , 2020,ind_5,1,,\n");
    let path = temp_file("dup.csv", w.text.as_bytes());
    let source = path.display().to_string();
    let e = read_table_path(&path, None, &options()).unwrap_err();
    match &e {
        Error::Parse {
            source_name,
            line,
            column,
            message,
        } => {
            assert_eq!(source_name, &source);
            assert_eq!(*line, dup_line);
            assert_eq!(column, "indicator");
            assert_eq!(
                message,
                &format!(
                    "duplicate observation for unit `县3`, period 2020, indicator `ind_5` (first given on line {first})"
                )
            );
        }
        other => panic!("{other:?}"),
    }
    let whole = read_table_bytes(w.text.as_bytes(), &source, None, &options()).unwrap_err();
    assert_eq!(format!("{e:?}"), format!("{whole:?}"));
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn an_error_before_bytes_that_are_not_utf8_gives_the_whole_file_answer() {
    let mut w = write_long(300, 5);
    // a bad value early (line 2 is the first row), invalid UTF-8 at the end
    let bad = w.text.replacen(",ind_0,", ",ind_0,1x", 1);
    w.text = bad;
    let mut bytes = w.text.clone().into_bytes();
    bytes.extend_from_slice(b"x,2021,ind_0,1,\xFF,\n");
    for encoding in [TextEncoding::Auto, TextEncoding::Utf8] {
        let options = ReadOptions {
            encoding,
            ..options()
        };
        let path = temp_file("late.csv", &bytes);
        let source = path.display().to_string();
        let streamed = read_table_path(&path, None, &options);
        let whole = read_table_bytes(&bytes, &source, None, &options);
        let (streamed, whole) = (streamed.unwrap_err(), whole.unwrap_err());
        assert_eq!(
            format!("{streamed:?}"),
            format!("{whole:?}"),
            "{encoding:?}"
        );
        // the encoding's error, not the bad value read first
        let e = streamed.to_string();
        assert!(e.contains("at byte"), "{e}");
        std::fs::remove_file(&path).unwrap();
    }
}

/// Reading on two threads (`ReadOptions::threads`: the file read and tokenised on a second
/// thread, issue 16) gives what one thread gives on a file of many
/// windows — the panel, the warnings, and each error: a bad value, an unclosed quote, a
/// duplicate and text after a closing quote far into the file (the reading thread is then
/// windows ahead and must stop), and an error before bytes that are not UTF-8 (the
/// encoding's answer). Each error's line is the one counted while writing.
#[test]
fn two_threads_read_what_one_reads() {
    // more windows (256 KiB) than the reading thread may hold ahead (8)
    let w = write_long(2_500, 23);
    assert!(w.text.len() > 4 << 20, "{} bytes", w.text.len());
    let read = |name: &str, bytes: &[u8], threads: usize, encoding: TextEncoding| {
        let path = temp_file(name, bytes);
        let options = ReadOptions {
            threads,
            encoding,
            ..options()
        };
        let got = read_table_path(&path, None, &options);
        std::fs::remove_file(&path).unwrap();
        got
    };
    let one = read("t1.csv", w.text.as_bytes(), 1, TextEncoding::Auto).unwrap();
    for threads in [0, 2, 3] {
        let two = read("t2.csv", w.text.as_bytes(), threads, TextEncoding::Auto).unwrap();
        // (compared without printing a panel of megabytes on failure)
        assert!(key(&one) == key(&two), "{threads} threads read otherwise");
    }
    // every cell as written
    for ((unit, year, ind), (value, _)) in &w.cells {
        let got = one.panel.get_by_id(unit, *year, ind).unwrap();
        match value.as_str() {
            "" | "NA" => assert!(got.is_nan()),
            v => assert_eq!(got, v.parse::<f64>().unwrap()),
        }
    }
    // errors far into the file, after many windows
    let at = w.next_line;
    let cases = [
        ("value", "县1,2099,ind_0,12x,,\n", "not a number"),
        ("quote", "县1,2099,ind_0,\"12,,\n", "never closed"),
        (
            "after",
            "县1,2099,ind_0,\"12\"3,,\n",
            "after the closing quote",
        ),
        ("dup", "县3,2018,ind_0,1,,\n", "duplicate observation"),
    ];
    for (name, row, what) in cases {
        let mut text = w.text.clone();
        text.push_str(row);
        // rows after the error: the reading thread runs on while it is interpreted
        for k in 0..20_000 {
            text.push_str(&format!("后{k},2020,ind_1,{k},,\n"));
        }
        let a = read(name, text.as_bytes(), 1, TextEncoding::Auto).unwrap_err();
        let b = read(name, text.as_bytes(), 2, TextEncoding::Auto).unwrap_err();
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "{name}");
        match &b {
            Error::Parse { line, message, .. } => {
                if name != "dup" {
                    assert_eq!(*line, at, "{name}: {message}");
                }
                assert!(message.contains(what), "{name}: {message}");
            }
            other => panic!("{name}: {other:?}"),
        }
        // the same error, then bytes that are not UTF-8 at the very end: the encoding's
        // answer, as on one thread
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"x,2021,ind_0,1,\xFF,\n");
        let a = read(name, &bytes, 1, TextEncoding::Utf8).unwrap_err();
        let b = read(name, &bytes, 2, TextEncoding::Utf8).unwrap_err();
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "{name} then not UTF-8");
        assert!(b.to_string().contains("at byte"), "{name}: {b}");
    }
}
