//! `cpindex report --threads N` (issue 16, tenth pass): the evaluation runs the monitoring
//! of the units on N threads and the composite index beside it; every output is the same
//! bytes whatever N. The data: the example file's seven Quzhou units and Zhejiang, plus
//! 90 county-level copies of the example counties with their values scaled (enough units
//! for the monitoring to be split: at least 32 a thread).

use std::path::PathBuf;
mod common;
use common::cli::{cpindex, success};

/// The example data with 90 more units: `c000`… copying a county's rows, each value
/// scaled by a factor in 0.85–1.15 that depends on the unit and the indicator.
fn data() -> PathBuf {
    let d = std::env::temp_dir().join(format!("cpindex-threads-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/quzhou.csv"),
    )
    .unwrap();
    let counties = [
        "kecheng",
        "qujiang",
        "jiangshan",
        "changshan",
        "kaihua",
        "longyou",
    ];
    let mut out = String::from("unit,period,indicator,value\n");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (cu, cp, ci, cv) = (col("unit"), col("period"), col("indicator"), col("value"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    for r in &rows {
        out.push_str(&format!("{},{},{},{}\n", r[cu], r[cp], r[ci], r[cv]));
    }
    for k in 0..90usize {
        let county = counties[k % counties.len()];
        for (j, r) in rows.iter().filter(|r| r[cu] == county).enumerate() {
            let Ok(v) = r[cv].parse::<f64>() else {
                continue;
            };
            let f = 0.85 + 0.3 * (((k * 7919 + j * 104_729) % 1000) as f64 / 999.0);
            out.push_str(&format!("c{k:03},{},{},{}\n", r[cp], r[ci], v * f));
        }
    }
    let path = d.join("panel.csv");
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn the_report_is_the_same_bytes_on_any_number_of_threads() {
    let data = data();
    let data = data.to_str().unwrap();
    let report = |format: &str, threads: &str| {
        success(cpindex(&[
            "report",
            data,
            "--no-auto",
            "--format",
            format,
            "--threads",
            threads,
        ]))
    };
    for format in ["evaluation", "table", "csv"] {
        let one = report(format, "1");
        assert!(one.len() > 10_000, "{format}: {} bytes", one.len());
        for t in ["0", "2", "3"] {
            let many = report(format, t);
            assert!(
                one == many,
                "{format}: --threads {t} differs from --threads 1"
            );
        }
    }
    // the default (the machine's threads) too
    let one = success(cpindex(&[
        "report",
        data,
        "--no-auto",
        "--format",
        "table",
        "--threads",
        "1",
    ]));
    let default = success(cpindex(&["report", data, "--no-auto", "--format", "table"]));
    assert!(one == default);
    // the evaluation names every unit: the 90 copies were monitored
    let ev = success(cpindex(&[
        "report",
        data,
        "--no-auto",
        "--format",
        "evaluation",
        "--threads",
        "2",
    ]));
    let ev: serde_json::Value = serde_json::from_slice(&ev).unwrap();
    let text = ev.to_string();
    assert!(text.contains("\"c089\""), "unit c089 missing");
}

#[test]
fn threads_must_be_a_number() {
    let o = cpindex(&["report", "examples/data/quzhou.csv", "--threads", "many"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--threads"), "{err}");
}
