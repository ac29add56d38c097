//! The long-CSV reader's fast paths (issue 16) against an independent reading of the same
//! rows: the previous-row caches (unit, indicator, source/note/illustrative), the guess of
//! the next indicator, the interned provenance. Random files mix sorted runs (where the
//! caches hit) with shuffled rows, aliases, quoted cells and CRLF line ends (where they
//! miss); every cell's value and provenance must be what the rules of the module docs give.

use std::collections::HashMap;

use cpindex::data::{read_table_bytes, CellProvenance, Panel, ReadOptions};
use cpindex::model::builtin;
use cpindex::sensitivity::rng::split_mix64;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        split_mix64(&mut self.0)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// One generated row: the cells as written and what they should give.
struct Row {
    unit: String,
    period: i32,
    /// The indicator as written in the file.
    indicator: String,
    /// The panel's id of that indicator.
    id: String,
    value: String,
    source: String,
    note: String,
    illustrative: String,
}

/// The value a cell should give: std's parse, or NaN for the missing markers.
fn expected_value(c: &str) -> f64 {
    match c {
        "" | "NA" | "-" => f64::NAN,
        _ => c.parse::<f64>().expect("the generator writes numbers"),
    }
}

/// The provenance rules of the module docs, written out again.
fn expected_provenance(r: &Row) -> Option<CellProvenance> {
    let ill = matches!(
        r.illustrative.to_lowercase().as_str(),
        "true" | "1" | "yes" | "是"
    );
    let note = match (ill, r.note.is_empty()) {
        (true, true) => "illustrative".to_string(),
        (true, false) => format!("illustrative; {}", r.note),
        (false, _) => r.note.clone(),
    };
    (!(r.source.is_empty() && note.is_empty())).then(|| CellProvenance {
        source: r.source.clone(),
        note,
    })
}

fn quote_if_needed(c: &str, rng: &mut Rng) -> String {
    if c.contains(',') || c.contains('"') || rng.below(10) == 0 {
        format!("\"{}\"", c.replace('"', "\"\""))
    } else {
        c.to_string()
    }
}

/// Generates rows over `units` × `periods` × `indicators` (each indicator given as one
/// of its names): mostly in file order (unit, period, indicator) with the sequence of
/// indicators changing between units, some rows moved elsewhere, some cells left out.
fn generate(rng: &mut Rng, indicators: &[(String, Vec<String>)], n_units: usize) -> Vec<Row> {
    let sources = [
        "统计年鉴",
        "statistical yearbook",
        "",
        "survey, 2021",
        "年鉴 \"修订\"",
    ];
    let notes = ["", "估算", "revised"];
    let flags = ["", "false", "true", "1", "0", "TRUE", "是"];
    let values = [
        "123.45", "-0.5", "1e3", "NA", "", "007", ".5", "5.", "0.1", "-", "2.5E-3",
    ];
    let (mut src, mut note, mut ill) = (sources[0], "", "");
    let mut rows = Vec::new();
    for u in 0..n_units {
        // each unit lists the indicators in its own order half the time
        let mut order: Vec<usize> = (0..indicators.len()).collect();
        if rng.below(2) == 0 {
            for k in (1..order.len()).rev() {
                order.swap(k, rng.below(k + 1));
            }
        }
        for period in [2024, 2020, 2021, 2022] {
            for &k in &order {
                if rng.below(8) == 0 {
                    continue;
                }
                let (id, names) = &indicators[k];
                match rng.below(40) {
                    0 => src = rng.pick(&sources),
                    1 => note = rng.pick(&notes),
                    2 => ill = rng.pick(&flags),
                    _ => {}
                }
                let value = if rng.below(3) == 0 {
                    rng.pick(&values).to_string()
                } else {
                    format!(
                        "{}",
                        (rng.next() % 100_000) as f64 / 10f64.powi(rng.below(6) as i32)
                    )
                };
                rows.push(Row {
                    unit: format!("county_{u}"),
                    period,
                    indicator: names[rng.below(names.len())].clone(),
                    id: id.clone(),
                    value,
                    source: src.to_string(),
                    note: note.to_string(),
                    illustrative: ill.to_string(),
                });
            }
        }
    }
    // move a few rows elsewhere (the caches then miss)
    for _ in 0..rows.len() / 20 {
        let (a, b) = (rng.below(rows.len()), rng.below(rows.len()));
        rows.swap(a, b);
    }
    rows
}

fn write(rows: &[Row], rng: &mut Rng) -> Vec<u8> {
    let mut s = String::from("unit,period,indicator,value,source,note,illustrative\n");
    for r in rows {
        let cells = [
            r.unit.clone(),
            r.period.to_string(),
            r.indicator.clone(),
            r.value.clone(),
            r.source.clone(),
            r.note.clone(),
            r.illustrative.clone(),
        ];
        let cells: Vec<String> = cells.iter().map(|c| quote_if_needed(c, rng)).collect();
        s.push_str(&cells.join(","));
        s.push_str(if rng.below(5) == 0 { "\r\n" } else { "\n" });
    }
    s.into_bytes()
}

/// Every cell of `p` against the rows: value (bit for bit), provenance, and cells no row
/// gave are missing without provenance.
fn check(p: &Panel, rows: &[Row]) {
    let mut given: HashMap<(String, i32, String), &Row> = HashMap::new();
    for r in rows {
        assert!(given
            .insert((r.unit.clone(), r.period, r.id.clone()), r)
            .is_none());
    }
    let mut n_prov = 0;
    for (u, unit) in p.units().iter().enumerate() {
        for (t, &period) in p.periods().iter().enumerate() {
            for (i, id) in p.indicators().iter().enumerate() {
                let got = p.get(u, t, i);
                match given.get(&(unit.clone(), period, id.clone())) {
                    Some(r) => {
                        let want = expected_value(&r.value);
                        assert!(
                            got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                            "{unit} {period} {id}: {got} vs {want} from `{}`",
                            r.value
                        );
                        let prov = expected_provenance(r);
                        n_prov += usize::from(prov.is_some());
                        assert_eq!(p.provenance(u, t, i), prov.as_ref(), "{unit} {period} {id}");
                    }
                    None => {
                        assert!(got.is_nan());
                        assert!(p.provenance(u, t, i).is_none());
                    }
                }
            }
        }
    }
    assert_eq!(p.provenance_count(), n_prov);
    assert_eq!(p.provenance_iter().count(), n_prov);
}

fn options() -> ReadOptions {
    ReadOptions {
        allow_unit_mismatch: true,
        ..ReadOptions::default()
    }
}

#[test]
fn random_long_files_without_a_framework() {
    for seed in 0..20u64 {
        let mut rng = Rng(seed);
        let indicators: Vec<(String, Vec<String>)> = (0..7)
            .map(|k| (format!("ind_{k}"), vec![format!("ind_{k}")]))
            .collect();
        let n_units = 1 + rng.below(12);
        let rows = generate(&mut rng, &indicators, n_units);
        if rows.is_empty() {
            continue;
        }
        let bytes = write(&rows, &mut rng);
        let p = read_table_bytes(&bytes, "t.csv", None, &options())
            .unwrap()
            .panel;
        // units and indicators in order of first appearance
        let mut units: Vec<&str> = Vec::new();
        let mut inds: Vec<&str> = Vec::new();
        for r in &rows {
            if !units.contains(&r.unit.as_str()) {
                units.push(&r.unit);
            }
            if !inds.contains(&r.id.as_str()) {
                inds.push(&r.id);
            }
        }
        assert_eq!(p.units(), units.as_slice(), "seed {seed}");
        assert_eq!(p.indicators(), inds.as_slice(), "seed {seed}");
        check(&p, &rows);
    }
}

#[test]
fn random_long_files_with_names_and_aliases_of_the_framework() {
    let fw = builtin::quzhou();
    // indicators named by id, Chinese name or English name, mixed within a file
    let indicators: Vec<(String, Vec<String>)> = fw
        .indicators
        .iter()
        .take(12)
        .map(|ind| {
            (
                ind.id.clone(),
                vec![ind.id.clone(), ind.name_zh.clone(), ind.name_en.clone()],
            )
        })
        .collect();
    for seed in 100..115u64 {
        let mut rng = Rng(seed);
        let n_units = 1 + rng.below(10);
        let rows = generate(&mut rng, &indicators, n_units);
        let bytes = write(&rows, &mut rng);
        let p = read_table_bytes(&bytes, "t.csv", Some(fw), &options())
            .unwrap()
            .panel;
        // framework order
        let want: Vec<&str> = fw
            .indicators
            .iter()
            .map(|i| i.id.as_str())
            .filter(|id| rows.iter().any(|r| r.id == *id))
            .collect();
        assert_eq!(p.indicators(), want.as_slice(), "seed {seed}");
        check(&p, &rows);
    }
}

/// An error after the caches are warm still names its own line and cell: an unknown
/// indicator where the guess expected a known one, a bad flag where the previous row's
/// source/note were reused.
#[test]
fn errors_after_warm_caches_name_their_line() {
    let mut text = String::from("unit,period,indicator,value,source,illustrative\n");
    for u in 0..3 {
        for i in 0..4 {
            text.push_str(&format!("u{u},2020,ind_{i},1,yearbook,false\n"));
        }
    }
    // line 14: the same source as every row before, the flag is new and invalid
    let bad_flag = format!("{text}u3,2020,ind_0,1,yearbook,maybe\n");
    let e = read_table_bytes(bad_flag.as_bytes(), "t.csv", None, &options()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "t.csv, line 14, column `illustrative`: `maybe` is not a flag (use true/false/1/0)"
    );
    let fw = builtin::quzhou();
    let (first, second) = (&fw.indicators[0], &fw.indicators[1]);
    let mut text = String::from("unit,period,indicator,value,source\n");
    for u in 0..3 {
        text.push_str(&format!("u{u},2020,{},2000,yearbook\n", first.id));
        text.push_str(&format!("u{u},2020,{},5,yearbook\n", second.name_zh));
    }
    let unknown = format!(
        "{text}u3,2020,{},2000,yearbook\nu3,2020,no_such,5,yearbook\n",
        first.id
    );
    let e = read_table_bytes(unknown.as_bytes(), "t.csv", Some(fw), &options()).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("t.csv, line 9, column `indicator`: unknown indicator `no_such`"),
        "{msg}"
    );
}
