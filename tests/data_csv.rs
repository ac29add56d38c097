//! CSV readers: layouts, provenance, groups, and every error naming line and column.

use cpindex::data::{
    read_long_csv_path, read_long_csv_str, read_table_bytes, read_wide_csv_str, ReadOptions,
};
use cpindex::model::builtin;
use cpindex::Error;

fn parse_err(e: Error) -> (String, u64, String, String) {
    match e {
        Error::Parse {
            source_name,
            line,
            column,
            message,
        } => (source_name, line, column, message),
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn long_csv_with_provenance_groups_and_missing() {
    let text = "unit,period,indicator,value,group,source,note,illustrative\n\
                kecheng,2021,gdp,600.5,urban,yearbook 2022,,false\n\
                kecheng,2020,gdp,550,urban,,,\n\
                jiangshan,2021,gdp,NA,rural,,not yet published,\n\
                jiangshan,2020,gdp,,rural,,,1\n\
                jiangshan,2021,pm25_concentration,28,rural,,,true\n";
    let p = read_long_csv_str(text, Some(builtin::quzhou())).unwrap();
    assert_eq!(p.units(), &["kecheng".to_string(), "jiangshan".to_string()]);
    assert_eq!(p.periods(), &[2020, 2021]);
    // framework order: gdp before pm25_concentration
    assert_eq!(p.indicators()[0], "gdp");
    assert_eq!(p.get_by_id("kecheng", 2021, "gdp"), Some(600.5));
    assert!(p.get_by_id("jiangshan", 2021, "gdp").unwrap().is_nan());
    assert!(p.get_by_id("jiangshan", 2020, "gdp").unwrap().is_nan());
    assert!(p
        .get_by_id("kecheng", 2020, "pm25_concentration")
        .unwrap()
        .is_nan());
    assert_eq!(p.groups()[1].as_deref(), Some("rural"));
    let (u, q, i) = (0, 1, 0);
    assert_eq!(p.provenance(u, q, i).unwrap().source, "yearbook 2022");
    let pm = p.indicator_index("pm25_concentration").unwrap();
    assert_eq!(p.provenance(1, 1, pm).unwrap().note, "illustrative");
    assert_eq!(p.provenance(1, 0, 0).unwrap().note, "illustrative");
    assert_eq!(p.provenance(1, 1, 0).unwrap().note, "not yet published");
    assert!(p.provenance(0, 0, 0).is_none());
}

#[test]
fn wide_csv() {
    let text = "unit,period,gdp,pm25_concentration,illustrative\n\
                a,2021,1.5,30,true\n\
                a,2020,1.0,,false\n\
                b,2021,2.5,N/A,\n";
    let p = read_wide_csv_str(text, Some(builtin::quzhou())).unwrap();
    assert_eq!(p.n_units(), 2);
    assert_eq!(p.get_by_id("a", 2020, "gdp"), Some(1.0));
    assert!(p
        .get_by_id("b", 2021, "pm25_concentration")
        .unwrap()
        .is_nan());
    assert_eq!(p.provenance(0, 1, 0).unwrap().note, "illustrative");
    assert!(p.provenance(0, 0, 0).is_none());
    // without a framework any ids are accepted, header order kept
    let p = read_wide_csv_str("unit,period,zz,aa\nx,1,1,2\n", None).unwrap();
    assert_eq!(p.indicators(), &["zz".to_string(), "aa".to_string()]);
}

/// docs/data-input.md: "Missing values: an empty cell, `NA`, `N/A`, `NaN`, `-`, `—`, `…`"
/// — the not-a-number written by pandas or R (`NaN`, `nan`) is a missing value, in both
/// layouts; an infinite value stays an error whose message says so (tests review F1, CLI
/// review finding 8).
#[test]
fn nan_cells_are_missing_and_infinities_are_named() {
    let fw = builtin::quzhou();
    for marker in ["NaN", "nan", "NAN", "-nan"] {
        let text = format!(
            "unit,period,indicator,value
a,2020,gdp,1
a,2021,gdp,{marker}
"
        );
        let p = read_long_csv_str(&text, Some(fw)).unwrap_or_else(|e| panic!("{marker}: {e}"));
        assert_eq!(p.get_by_id("a", 2020, "gdp"), Some(1.0));
        assert!(p.get_by_id("a", 2021, "gdp").unwrap().is_nan(), "{marker}");
        let text = format!(
            "unit,period,gdp
a,2020,1
a,2021,{marker}
"
        );
        let p = read_wide_csv_str(&text, Some(fw)).unwrap_or_else(|e| panic!("{marker}: {e}"));
        assert!(p.get_by_id("a", 2021, "gdp").unwrap().is_nan(), "{marker}");
    }
    for inf in ["inf", "-inf", "Infinity"] {
        let text = format!(
            "unit,period,indicator,value
a,2021,gdp,{inf}
"
        );
        let e = read_long_csv_str(&text, Some(fw)).unwrap_err().to_string();
        assert!(e.contains("infinite") && !e.contains("NaN"), "{inf}: {e}");
    }
}

/// A percentage entered as a fraction (a cell typed `98.09%` stores 0.9809) is 1/100 of
/// its value, whether that value misses, meets or beats the target: the reader refuses it
/// on both sides (CLI review finding 2), naming the likely unit, while genuine values —
/// from a tenth of the target to five times it — are read as they are.
#[test]
fn a_percentage_given_as_a_fraction_is_refused_on_both_sides_of_its_target() {
    let fw = builtin::quzhou();
    let mut checked = 0;
    for ind in fw.indicators.iter().filter(|i| i.unit.label == "%") {
        let Some(target) = ind.target.filter(|t| *t > 0.0) else {
            continue;
        };
        let csv = |v: f64| format!("unit,period,indicator,value\nkecheng,2024,{},{v}\n", ind.id);
        // the true value at 0.5, 0.9, 1, 1.03, 1.5 and 3 times the target, typed as a fraction
        for k in [0.5, 0.9, 1.0, 1.03, 1.5, 3.0] {
            let fraction = k * target / 100.0;
            let e = read_long_csv_str(&csv(fraction), Some(fw))
                .expect_err(&format!("{} at {k} × target as a fraction", ind.id));
            let (_, line, column, message) = parse_err(e);
            assert_eq!((line, column.as_str()), (2, "value"));
            assert!(
                message.contains(&ind.id) && message.contains("looks like a value in ratio"),
                "{message}"
            );
        }
        // genuine values, far below the target or above it, are read
        for k in [0.1, 0.5, 1.0, 1.5, 5.0] {
            let p = read_long_csv_str(&csv(k * target), Some(fw))
                .unwrap_or_else(|e| panic!("{} at {k} × target: {e}", ind.id));
            assert_eq!(p.get_by_id("kecheng", 2024, &ind.id), Some(k * target));
        }
        checked += 1;
    }
    assert!(
        checked > 10,
        "the built-in framework has percentage targets"
    );
}

#[test]
fn every_error_names_line_and_column() {
    let fw = builtin::quzhou();
    let h = "unit,period,indicator,value\n";
    let cases: Vec<(String, u64, &str, &str)> = vec![
        (
            format!("{h}a,2021,gdp,1\na,2021,no_such,2\n"),
            3,
            "indicator",
            "unknown indicator",
        ),
        (
            format!("{h}a,2021,gdp,1\nb,2021,gdp,2\na,2021,gdp,3\n"),
            4,
            "indicator",
            "line 2",
        ),
        (format!("{h}a,2021,gdp,abc\n"), 2, "value", "not a number"),
        (format!("{h}a,2021,gdp,inf\n"), 2, "value", "infinite"),
        (format!("{h}a,2021,gdp,-Infinity\n"), 2, "value", "infinite"),
        (format!("{h}a,20x1,gdp,1\n"), 2, "period", "integer"),
        (format!("{h}a,2021,gdp\n"), 2, "value", "ragged"),
        (format!("{h}a,2021,gdp,1,9\n"), 2, "5", "ragged"),
        (
            "unit,period,value\na,2021,1\n".to_string(),
            1,
            "indicator",
            "missing",
        ),
        (
            "unit,period,indicator,value,colour\n".to_string(),
            1,
            "colour",
            "unknown column",
        ),
        (
            "unit,period,indicator,value,value\n".to_string(),
            1,
            "value",
            "duplicate column",
        ),
        (format!("{h},2021,gdp,1\n"), 2, "unit", "empty unit"),
        (
            "unit,period,indicator,value,group\na,2021,gdp,1,x\na,2020,gdp,1,y\n".to_string(),
            3,
            "group",
            "line 2",
        ),
        (
            "unit,period,indicator,value,illustrative\na,2021,gdp,1,maybe\n".to_string(),
            2,
            "illustrative",
            "flag",
        ),
    ];
    for (text, line, column, msg) in cases {
        let (src, l, c, m) = parse_err(read_long_csv_str(&text, Some(fw)).unwrap_err());
        assert_eq!(src, "<csv text>");
        assert_eq!((l, c.as_str()), (line, column), "{text}: {m}");
        assert!(m.contains(msg), "{text}: `{m}` lacks `{msg}`");
    }
    // wide: unknown indicator column in the header, duplicate row, bad cell
    let (_, l, c, _) = parse_err(read_wide_csv_str("unit,period,gdp,foo\n", Some(fw)).unwrap_err());
    assert_eq!((l, c.as_str()), (1, "foo"));
    let (_, l, c, m) = parse_err(
        read_wide_csv_str("unit,period,gdp\na,2021,1\na,2021,2\n", Some(fw)).unwrap_err(),
    );
    assert_eq!((l, c.as_str()), (3, "period"));
    assert!(m.contains("line 2"));
    let (_, l, c, _) =
        parse_err(read_wide_csv_str("unit,period,gdp\na,2021,x1\n", Some(fw)).unwrap_err());
    assert_eq!((l, c.as_str()), (2, "gdp"));
    let (_, l, c, _) = parse_err(read_wide_csv_str("unit,period\na,2021\n", None).unwrap_err());
    assert_eq!((l, c.as_str()), (1, "?"));
    // a quoted multi-line field keeps line numbers right: the bad value is on line 4
    let text = "unit,period,indicator,value,note\na,2021,gdp,1,\"two\nlines\"\nb,2021,gdp,zz,\n";
    let (_, l, _, _) = parse_err(read_long_csv_str(text, Some(fw)).unwrap_err());
    assert_eq!(l, 4);
    // header only
    assert!(matches!(
        read_long_csv_str(h, None),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn files_are_named_in_errors() {
    let dir = std::env::temp_dir().join(format!("cpindex-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.csv");
    std::fs::write(&path, "unit,period,indicator,value\na,2021,gdp,x\n").unwrap();
    let (src, l, c, _) = parse_err(read_long_csv_path(&path, None).unwrap_err());
    assert!(src.ends_with("bad.csv"));
    assert_eq!((l, c.as_str()), (2, "value"));
    let e = read_long_csv_path(dir.join("absent.csv"), None).unwrap_err();
    assert!(matches!(e, Error::Io { .. }));
    std::fs::remove_dir_all(&dir).ok();
}

/// Quotes: a quote never closed names the line where it opened, instead of swallowing the
/// rows after it; `"70"0` is an error, not 700; a quoted cell with `""` and a comma is one
/// cell.
#[test]
fn strict_quoting() {
    let fw = builtin::quzhou();
    let text = "unit,period,indicator,value,source\n\
                a,2020,gdp,1,\"yearbook, 2021 \"\"final\"\"\"\n\
                a,2021,gdp,2,\"open\n\
                b,2020,gdp,3,x\n\
                b,2021,gdp,4,y\n";
    let (src, l, _, m) = parse_err(read_long_csv_str(text, Some(fw)).unwrap_err());
    assert_eq!((src.as_str(), l), ("<csv text>", 3), "{m}");
    assert!(m.contains("opened on line 3"), "{m}");
    let text = "unit,period,indicator,value\na,2020,gdp,\"70\"0\n";
    let (_, l, _, m) = parse_err(read_long_csv_str(text, Some(fw)).unwrap_err());
    assert_eq!(l, 2);
    assert!(m.contains("after the closing quote"), "{m}");
    let text =
        "unit,period,indicator,value,source\na,2020,gdp,\"70\",\"yearbook, 2021 \"\"final\"\"\"\n";
    let p = read_long_csv_str(text, Some(fw)).unwrap();
    assert_eq!(p.get_by_id("a", 2020, "gdp"), Some(70.0));
    assert_eq!(
        p.provenance(0, 0, 0).unwrap().source,
        "yearbook, 2021 \"final\""
    );
}

/// Indicators by Chinese name and by a declared alias; a name two indicators share is
/// refused with a request for the id.
#[test]
fn names_and_aliases() {
    let mut fw = builtin::quzhou().clone();
    let k = fw.indicator_position("gdp").unwrap();
    let name = fw.indicators[k].name_zh.clone();
    fw.indicators[k].aliases = vec!["GDP总量".into(), "shared".into()];
    let k2 = fw.indicator_position("pm25_concentration").unwrap();
    fw.indicators[k2].aliases = vec!["shared".into()];
    let text = format!("地区,年份,指标,数值\na,2020,{name},1\na,2021,GDP总量,2\na,2022, gdp ,3\n");
    let p = read_long_csv_str(&text, Some(&fw)).unwrap();
    assert_eq!(p.indicators(), &["gdp".to_string()]);
    assert_eq!(p.get_by_id("a", 2021, "gdp"), Some(2.0));
    let (_, l, c, m) = parse_err(
        read_long_csv_str("地区,年份,指标,数值\na,2020,shared,1\n", Some(&fw)).unwrap_err(),
    );
    assert_eq!((l, c.as_str()), (2, "指标"));
    assert!(m.contains("more than one") && m.contains("id"), "{m}");
}

/// Wide: a unit row declares each column's unit; 56000 元 is 5.6 万元 and 0.62 (ratio) is
/// 62 %. A declared unit of another base is refused, naming the cell.
#[test]
fn wide_unit_row_and_header_suffix() {
    let fw = builtin::quzhou();
    let inc = fw.indicator("gdp_per_capita").unwrap().name_zh.clone();
    let urb = fw.indicator("urbanisation_rate").unwrap().name_zh.clone();
    let text = format!("地区,年份,{inc},{urb}\n单位,,元,ratio\n甲,2021,56000,0.62\n");
    let p = read_wide_csv_str(&text, Some(fw)).unwrap();
    assert_eq!(p.get_by_id("甲", 2021, "gdp_per_capita"), Some(5.6));
    assert_eq!(p.get_by_id("甲", 2021, "urbanisation_rate"), Some(62.0));
    let text = format!("地区,年份,{inc}(元),{urb}（%）\n甲,2021,56000,62\n");
    let p = read_wide_csv_str(&text, Some(fw)).unwrap();
    assert_eq!(p.get_by_id("甲", 2021, "gdp_per_capita"), Some(5.6));
    let text = format!("地区,年份,{inc}(人)\n甲,2021,56000\n");
    let (_, l, c, m) = parse_err(read_wide_csv_str(&text, Some(fw)).unwrap_err());
    assert_eq!(l, 2);
    assert!(c.contains(&inc), "{c}");
    assert!(m.contains("cannot be converted"), "{m}");
    // a percentage given as a ratio without a declaration: 1/100 of the target
    let text = format!("地区,年份,{urb}\n甲,2021,0.62\n");
    let (_, _, _, m) = parse_err(read_wide_csv_str(&text, Some(fw)).unwrap_err());
    assert!(m.contains("ratio"), "{m}");
}

/// Long format with a unit column: three money indicators (元 / 万元 / 亿元 in the
/// framework) given in 元, 亿元 and 万元 in interleaved rows; each (indicator, unit)
/// converted is counted once per value and the warnings come in the order each pair is
/// first met (counted here from the rows).
#[test]
fn unit_conversion_warnings_count_each_indicator_and_unit_in_first_met_order() {
    let fw = builtin::quzhou();
    // 元 per unit of each label
    let yuan = |l: &str| match l {
        "元" => 1.0,
        "万元" => 1e4,
        "亿元" => 1e8,
        _ => f64::NAN,
    };
    let money: Vec<(&str, &str, f64)> = fw
        .indicators
        .iter()
        .filter(|i| yuan(&i.unit.label).is_finite())
        .map(|i| {
            (
                i.id.as_str(),
                i.unit.label.as_str(),
                i.target.unwrap_or(10.0),
            )
        })
        .take(3)
        .collect();
    assert_eq!(
        money.len(),
        3,
        "the built-in framework has three money indicators"
    );
    let labels = ["元", "亿元", "万元", "元"];
    let mut text = String::from("unit,period,indicator,value,unit_of_measure\n");
    let mut want: Vec<((usize, &str), usize)> = Vec::new();
    for r in 0..240usize {
        let (j, l) = (r % 3, labels[(r / 3) % 4]);
        let (id, own, t) = money[j];
        let u = format!("u{}", r / 12);
        let year = 2015 + (r % 12) as i32;
        // the target, written in the row's unit
        let v = t * yuan(own) / yuan(l);
        text.push_str(&format!("{u},{year},{id},{v},{l}\n"));
        if l != own {
            match want.iter_mut().find(|(k, _)| *k == (j, l)) {
                Some(e) => e.1 += 1,
                None => want.push(((j, l), 1)),
            }
        }
    }
    let ing = read_table_bytes(
        text.as_bytes(),
        "bureau.csv",
        Some(fw),
        &ReadOptions::default(),
    )
    .unwrap();
    let got: Vec<&String> = ing
        .warnings
        .iter()
        .filter(|w| w.contains("converted to"))
        .collect();
    let want: Vec<String> = want
        .iter()
        .map(|((j, l), n)| {
            format!(
                "bureau.csv: {n} value(s) of `{}` given in {l} converted to {}",
                money[*j].0, money[*j].1
            )
        })
        .collect();
    assert_eq!(got, want.iter().collect::<Vec<_>>());
    assert!(want.len() >= 5, "{want:?}");
}
