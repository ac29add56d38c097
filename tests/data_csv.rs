//! CSV readers: layouts, provenance, groups, and every error naming line and column.

use cpindex::data::{read_long_csv_path, read_long_csv_str, read_wide_csv_str};
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
