//! The `cpindex` binary: the `indicators` subcommand in every format, and usage/data errors
//! with their exit codes (0 success, 1 data error, 2 usage error).
//!
//! Expected values come from the plan text (《衢州高质量发展建设四省边际共同富裕示范区行动计划
//! (2021-2025年)》, 一、发展目标: "地区生产总值达到2500亿元", "城乡居民收入倍差缩小到1.8以内"),
//! not from the program's own output.

use std::process::Output;
mod common;
use common::cli::cpindex;

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

/// Display width per UAX #11 (CJK ideographs and fullwidth forms = 2), written
/// independently of the binary's own table code.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x2e80..=0x303e
            | 0x3041..=0x33ff
            | 0x3400..=0x4dbf
            | 0x4e00..=0x9fff
            | 0xff00..=0xff60
            | 0xffe0..=0xffe6 => 2,
            _ => 1,
        })
        .sum()
}

#[test]
fn table_lists_gdp_with_its_target_grouped_by_dimension() {
    let o = cpindex(&["indicators"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let gdp = out
        .lines()
        .find(|l| l.starts_with("gdp "))
        .expect("a gdp row");
    assert!(gdp.contains("地区生产总值") && gdp.contains("亿元") && gdp.contains("2500"));
    assert!(
        gdp.contains("地区生产总值达到2500亿元"),
        "plan phrase: {gdp}"
    );
    // the urban-rural ratio is lower-is-better with target 1.8
    let ur = out
        .lines()
        .find(|l| l.starts_with("urban_rural_income_ratio "))
        .unwrap();
    assert!(ur.contains("lower") && ur.contains("1.8"), "{ur}");
    // grouped: the economy heading comes before gdp, the ecology heading before pm25
    let pos = |needle: &str| {
        out.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    assert!(pos("[economy]") < pos("\ngdp "));
    assert!(pos("[ecology]") < pos("\npm25_concentration "));
    assert!(pos("\ngdp ") < pos("[ecology]"));
}

#[test]
fn table_columns_line_up_in_display_width() {
    let out = stdout(&cpindex(&["indicators"]));
    // The unit column starts at the same display column on every indicator row. The rows
    // are chosen so that their names have different numbers of CJK characters
    // (地区生产总值: 6; 城乡居民收入倍差: 8; 市区PM2.5平均浓度: 6 + 5 ASCII), so padding by
    // chars instead of display columns would misalign them.
    let row = |id: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("{id} row"))
            .to_string()
    };
    let offset = |row: &str, unit: &str| {
        let byte = row.find(&format!("  {unit} ")).unwrap() + 2;
        width(&row[..byte])
    };
    let a = offset(&row("gdp"), "亿元");
    let b = offset(&row("urban_rural_income_ratio"), "倍");
    let c = offset(&row("pm25_concentration"), "微克/立方米");
    assert_eq!(a, b, "{out}");
    assert_eq!(a, c, "{out}");
}

#[test]
fn csv_has_header_and_one_row_per_indicator() {
    let o = cpindex(&["indicators", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let mut lines = out.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("id,dimension,"), "{header}");
    let gdp = out.lines().find(|l| l.starts_with("gdp,")).unwrap();
    let cells: Vec<&str> = gdp.split(',').collect();
    assert_eq!(cells[1], "economy");
    assert_eq!(cells[5], "亿元");
    assert_eq!(cells[6], "higher");
    assert_eq!(cells[8], "2500");
    assert_eq!(cells[9], "2025");
    // every framework indicator appears once (count from the shipped JSON)
    let fw: serde_json::Value =
        serde_json::from_str(include_str!("../src/model/builtin/quzhou-2021-2025.json")).unwrap();
    let n = fw["indicators"].as_array().unwrap().len();
    assert_eq!(out.lines().count(), n + 1);
}

#[test]
fn json_round_trips_the_framework() {
    let o = cpindex(&["indicators", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["id"], "quzhou-2021-2025");
    let gdp = v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "gdp")
        .unwrap();
    assert_eq!(gdp["target"].as_f64(), Some(2500.0));
}

#[test]
fn framework_from_a_file_works_and_a_bad_file_is_a_data_error() {
    let dir = std::env::temp_dir().join(format!("cpindex-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("fw.json");
    std::fs::write(
        &good,
        include_str!("../src/model/builtin/quzhou-2021-2025.json"),
    )
    .unwrap();
    let o = cpindex(&[
        "indicators",
        "--framework",
        good.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\ngdp,"));

    let bad = dir.join("broken.json");
    std::fs::write(&bad, "{\n  \"id\": \"x\",\n  oops\n}").unwrap();
    let o = cpindex(&["indicators", "--framework", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("cpindex: error:"), "{err}");
    assert!(
        err.contains("broken.json") && err.contains("line 3"),
        "{err}"
    );

    let missing = dir.join("nope.json");
    let o = cpindex(&["indicators", "--framework", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nope.json"), "{}", stderr(&o));

    // structurally invalid framework (unknown dimension): names the file too
    let invalid = dir.join("invalid.json");
    let text = include_str!("../src/model/builtin/quzhou-2021-2025.json").replacen(
        "\"dimension\": \"economy\"",
        "\"dimension\": \"no_such_dimension\"",
        1,
    );
    std::fs::write(&invalid, text).unwrap();
    let o = cpindex(&["indicators", "--framework", invalid.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("invalid.json") && err.contains("no_such_dimension"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_builtin_framework_is_a_data_error_listing_known_ones() {
    let o = cpindex(&["indicators", "--framework", "hangzhou-2021"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("hangzhou-2021") && err.contains("quzhou-2021-2025"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["frobnicate"][..],
        &["indicators", "--no-such-flag"][..],
        &["indicators", "--format", "xml"][..],
        &["index", "examples/data/quzhou.csv", "--spec"][..], // --spec needs a value
        &["inequality", "x.csv", "--value", "x", "--na", "drop"][..], // skip or fail
        &["inequality", "examples/data/households.csv"][..],  // --value is required
        &[][..],
    ] {
        let o = cpindex(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        if !args.is_empty() {
            assert!(stderr(&o).starts_with("cpindex: error:"), "{}", stderr(&o));
        }
    }
    let o = cpindex(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("indicators") && stdout(&o).contains("report"));
    assert!(
        !stdout(&o).contains("demo-html"),
        "the demo subcommand is hidden"
    );
}
