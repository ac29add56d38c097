//! Rust-level tests of the CSV panel, composite-index, monitoring and JSON entry points:
//! a small hand-checked case and every error path.
//!
//! Toy framework `toy` (base 2020, target 2025): dimensions econ (w 1), social (w 1);
//! indicators a (econ, higher, target 40), b (econ, lower, target 1), c (social, higher,
//! target 400), weights 1. Units X, Y, Z.
//!
//! Index in 2021, by hand (min–max to [0, 100], arithmetic, manual weights; n = 3 is too
//! small for outlier treatment):
//! * a = (10, 20, 30) → (0, 50, 100); b = (5, 1, 3), lower → (0, 100, 50);
//!   c = (100, 200, 400) → (0, 33.333, 100);
//! * econ = (a + b)/2 = (0, 75, 75); social = c; index = (econ + social)/2 =
//!   (0, 54.1667, 87.5); ranks (3, 2, 1);
//! * effective weights a ¼, b ¼, c ½; contributions of Y: 12.5, 25, 16.667 over 54.1667;
//! * obstacle degrees of X (all normalised 0): ¼, ¼, ½.
//!
//! Monitoring of X, 2020 → 2021 (evaluation year 2021, elapsed share (2021−2020)/5 = 0.2):
//! * a 10 → 20, target 40: ratio 0.5, progress (20−10)/(40−10) = ⅓ ≥ 0.2 + 0.05 → ahead;
//! * b 5 → 3, lower, target 1: ratio T/x = ⅓, progress (3−5)/(1−5) = ½ → ahead;
//! * c 100 → 400, target 400: met → achieved, ratio 1;
//! * econ = (0.5 + ⅓)/2 = 0.41667; overall = ½·0.41667 + ½·1 = 0.70833;
//! * colours: a score 0.5 < 0.75 → red, b red, c green; econ (both worst red) → red;
//! * dynamic index (AMPI r = 100 + 30·(x − x₀)/|T − x₀|, direction applied): 2021
//!   a 110, b 115, c 130 → composite ¼·110 + ¼·115 + ½·130 = 121.25 over 100 in 2020.

use std::os::raw::c_char;
use std::ptr::{null, null_mut};

use cpindex::ffi::*;

mod common;
use common::ffi::{last_message, read_text};

const TOY: &str = r#"{"id":"toy","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
 "dimensions":[{"id":"econ","name_zh":"e","name_en":"e","weight":1},
               {"id":"social","name_zh":"s","name_en":"s","weight":1}],
 "indicators":[
  {"id":"a","dimension":"econ","name_zh":"a","name_en":"a","unit":{"label":"x"},
   "polarity":{"type":"higher_is_better"},"kind":"level","target":40,"weight":1},
  {"id":"b","dimension":"econ","name_zh":"b","name_en":"b","unit":{"label":"x"},
   "polarity":{"type":"lower_is_better"},"kind":"level","target":1,"weight":1},
  {"id":"c","dimension":"social","name_zh":"c","name_en":"c","unit":{"label":"x"},
   "polarity":{"type":"higher_is_better"},"kind":"level","target":400,"weight":1}]}"#;

const INDEX_CSV: &str = "unit,period,indicator,value
X,2021,a,10
Y,2021,a,20
Z,2021,a,30
X,2021,b,5
Y,2021,b,1
Z,2021,b,3
X,2021,c,100
Y,2021,c,200
Z,2021,c,400
";

const MONITOR_CSV: &str = "unit,period,a,b,c
X,2020,10,5,100
X,2021,20,3,400
";

fn toy() -> *const cpindex_framework {
    let mut fw = null();
    let st = unsafe { cpindex_framework_from_json(TOY.as_ptr().cast(), TOY.len(), &mut fw) };
    assert_eq!(st, cpindex_status::Ok, "{}", last_message());
    fw
}

fn csv_panel(
    text: &str,
    layout: u32,
    fw: *const cpindex_framework,
) -> Result<*mut cpindex_panel, cpindex_status> {
    let mut p = null_mut();
    let st =
        unsafe { cpindex_panel_from_csv(text.as_ptr().cast(), text.len(), layout, fw, &mut p) };
    if st == cpindex_status::Ok {
        Ok(p)
    } else {
        assert!(p.is_null());
        Err(st)
    }
}

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!(
            (x - y).abs() < 1e-9 || (x.is_nan() && y.is_nan()),
            "{a:?} vs {b:?}"
        );
    }
}

fn t(s: &str) -> (*const c_char, usize) {
    (s.as_ptr().cast(), s.len())
}

type Column = unsafe extern "C" fn(
    *const cpindex_index_result,
    *const c_char,
    usize,
    i32,
    *mut f64,
    usize,
    *mut usize,
) -> cpindex_status;

fn col(
    f: Column,
    r: *const cpindex_index_result,
    id: &str,
    period: i32,
) -> Result<Vec<f64>, cpindex_status> {
    let mut n = 0;
    let (p, l) = t(id);
    let st = unsafe { f(r, p, l, period, null_mut(), 0, &mut n) };
    if st != cpindex_status::BufferTooSmall {
        return Err(st);
    }
    let mut v = vec![-1.0; n];
    let st = unsafe { f(r, p, l, period, v.as_mut_ptr(), n, &mut n) };
    assert_eq!(st, cpindex_status::Ok);
    Ok(v)
}

#[test]
fn csv_panels_and_errors() {
    let fw = toy();
    let p = csv_panel(INDEX_CSV, cpindex_csv_layout::Long as u32, fw).unwrap();
    let (mut nu, mut np, mut ni) = (0, 0, 0);
    unsafe {
        assert_eq!(
            cpindex_panel_dims(p, &mut nu, &mut np, &mut ni),
            cpindex_status::Ok
        );
        assert_eq!((nu, np, ni), (3, 1, 3));
        let mut v = 0.0;
        assert_eq!(
            cpindex_panel_get_by_id(
                p,
                "Y".as_ptr().cast(),
                1,
                2021,
                "b".as_ptr().cast(),
                1,
                &mut v
            ),
            cpindex_status::Ok
        );
        assert_eq!(v, 1.0);
        cpindex_panel_free(p);
    }
    let p = csv_panel(MONITOR_CSV, cpindex_csv_layout::Wide as u32, null()).unwrap();
    unsafe {
        let mut v = 0.0;
        assert_eq!(cpindex_panel_get(p, 0, 1, 2, &mut v), cpindex_status::Ok);
        assert_eq!(v, 400.0);
        cpindex_panel_free(p);
    }
    // malformed: the message names the source, line and column
    let bad = "unit,period,indicator,value\nX,2021,a,10\nX,2021,b,abc\n";
    assert_eq!(csv_panel(bad, 0, fw), Err(cpindex_status::ParseError));
    let m = last_message();
    assert!(
        m.contains("line 3") && m.contains("value") && m.contains("<csv text>"),
        "{m}"
    );
    // unknown indicator when a framework is given, accepted without
    let unknown = "unit,period,indicator,value\nX,2021,zz,1\n";
    assert_eq!(csv_panel(unknown, 0, fw), Err(cpindex_status::ParseError));
    assert!(last_message().contains("zz"));
    unsafe { cpindex_panel_free(csv_panel(unknown, 0, null()).unwrap()) };
    assert_eq!(
        csv_panel(INDEX_CSV, 2, fw),
        Err(cpindex_status::InvalidArgument)
    );
    assert!(last_message().contains("layout"));
    assert_eq!(
        csv_panel("unit,period,indicator,value\n", 0, null()),
        Err(cpindex_status::EmptyInput)
    );
    let mut p = null_mut();
    unsafe {
        assert_eq!(
            cpindex_panel_from_csv(null(), 5, 0, null(), &mut p),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_panel_from_csv(b"\xff\xfe".as_ptr().cast(), 2, 0, null(), &mut p),
            cpindex_status::InvalidUtf8
        );
        assert_eq!(
            cpindex_panel_from_csv(
                INDEX_CSV.as_ptr().cast(),
                INDEX_CSV.len(),
                0,
                fw,
                null_mut()
            ),
            cpindex_status::NullArgument
        );
        assert!(cpindex_panel_from_csv(null(), 0, 0, null(), &mut p) != cpindex_status::Ok);
        assert!(p.is_null());
        cpindex_framework_free(fw);
    }
}

fn run_index(
    fw: *const cpindex_framework,
    p: *const cpindex_panel,
    spec: &str,
) -> Result<*const cpindex_index_result, cpindex_status> {
    let mut r = null();
    let st = unsafe { cpindex_index_run(fw, p, spec.as_ptr().cast(), spec.len(), &mut r) };
    if st == cpindex_status::Ok {
        Ok(r)
    } else {
        assert!(r.is_null());
        Err(st)
    }
}

#[test]
fn index_by_hand() {
    let fw = toy();
    let p = csv_panel(INDEX_CSV, 0, fw).unwrap();
    let r = run_index(fw, p, "").unwrap();
    // the result outlives its inputs
    unsafe {
        cpindex_panel_free(p);
        cpindex_framework_free(fw);
    }
    let (mut nu, mut np, mut ni, mut nn) = (0, 0, 0, 0);
    unsafe {
        assert_eq!(
            cpindex_index_result_dims(r, &mut nu, &mut np, &mut ni, &mut nn),
            cpindex_status::Ok
        );
    }
    assert_eq!((nu, np, ni, nn), (3, 1, 3, 3));
    let id = |list: u32, k: usize| {
        read_text(|b, l, o| unsafe { cpindex_index_result_id(r, list, k, b, l, o) })
    };
    assert_eq!(id(0, 2).unwrap(), "Z");
    assert_eq!(id(1, 1).unwrap(), "b");
    assert_eq!(id(2, 0).unwrap(), "toy");
    assert_eq!(id(2, 3), Err(cpindex_status::InvalidArgument));
    assert_eq!(id(3, 0), Err(cpindex_status::InvalidArgument));
    let mut years = [0i32; 1];
    let mut n = 0;
    unsafe {
        assert_eq!(
            cpindex_index_result_periods(r, years.as_mut_ptr(), 1, &mut n),
            cpindex_status::Ok
        );
    }
    assert_eq!((years, n), ([2021], 1));

    let y = 54.0 + 1.0 / 6.0;
    close(
        &col(cpindex_index_result_scores, r, "toy", 2021).unwrap(),
        &[0.0, y, 87.5],
    );
    close(
        &col(cpindex_index_result_scores, r, "econ", 2021).unwrap(),
        &[0.0, 75.0, 75.0],
    );
    close(
        &col(cpindex_index_result_scores, r, "c", 2021).unwrap(),
        &[0.0, 100.0 / 3.0, 100.0],
    );
    close(
        &col(cpindex_index_result_ranks, r, "toy", 2021).unwrap(),
        &[3.0, 2.0, 1.0],
    );
    close(
        &col(cpindex_index_result_normalised, r, "b", 2021).unwrap(),
        &[0.0, 100.0, 50.0],
    );
    let cy: Vec<f64> = ["a", "b", "c"]
        .iter()
        .map(|i| col(cpindex_index_result_contributions, r, i, 2021).unwrap()[1])
        .collect();
    close(&cy, &[12.5 / y, 25.0 / y, (50.0 / 3.0) / y]);
    let ox: Vec<f64> = ["a", "b", "c"]
        .iter()
        .map(|i| col(cpindex_index_result_obstacles, r, i, 2021).unwrap()[0])
        .collect();
    close(&ox, &[0.25, 0.25, 0.5]);
    // a dimension id gives the sum over its indicators (econ = a + b)
    close(
        &col(cpindex_index_result_obstacles, r, "econ", 2021).unwrap()[..1],
        &[0.5],
    );

    // weights of the index's children and of econ's
    let weights = |node: &str, kind: u32| {
        let mut buf = [0.0; 4];
        let mut n = 0;
        let st = unsafe {
            cpindex_index_result_weights(
                r,
                node.as_ptr().cast(),
                node.len(),
                2021,
                kind,
                buf.as_mut_ptr(),
                4,
                &mut n,
            )
        };
        (st, buf[..n.min(4)].to_vec())
    };
    assert_eq!(weights("toy", 0), (cpindex_status::Ok, vec![1.0, 1.0]));
    assert_eq!(weights("toy", 1), (cpindex_status::Ok, vec![0.5, 0.5]));
    assert_eq!(weights("econ", 2), (cpindex_status::Ok, vec![0.25, 0.25]));
    assert_eq!(weights("toy", 3).0, cpindex_status::InvalidArgument);
    assert_eq!(weights("nope", 0).0, cpindex_status::UnknownId);
    let child = |node: &str, k: usize| {
        read_text(|b, l, o| unsafe {
            cpindex_index_result_child_id(r, node.as_ptr().cast(), node.len(), k, b, l, o)
        })
    };
    assert_eq!(child("toy", 1).unwrap(), "social");
    assert_eq!(child("econ", 0).unwrap(), "a");
    assert_eq!(child("econ", 2), Err(cpindex_status::InvalidArgument));
    assert_eq!(child("zz", 0), Err(cpindex_status::UnknownId));

    // JSON
    let json = read_text(|b, l, o| unsafe { cpindex_index_result_to_json(r, b, l, o) }).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["framework_id"], "toy");
    assert_eq!(v["scores"]["toy"][0][2], 87.5);

    // errors
    assert_eq!(
        col(cpindex_index_result_scores, r, "toy", 1999),
        Err(cpindex_status::UnknownId)
    );
    assert!(last_message().contains("1999"));
    assert_eq!(
        col(cpindex_index_result_scores, r, "zz", 2021),
        Err(cpindex_status::UnknownId)
    );
    assert_eq!(
        col(cpindex_index_result_normalised, r, "econ", 2021),
        Err(cpindex_status::UnknownId)
    );
    let mut buf = [7.0; 2];
    unsafe {
        let (p, l) = t("toy");
        assert_eq!(
            cpindex_index_result_scores(r, p, l, 2021, buf.as_mut_ptr(), 2, &mut n),
            cpindex_status::BufferTooSmall
        );
        assert_eq!((buf, n), ([7.0; 2], 3));
        assert_eq!(
            cpindex_index_result_scores(null(), p, l, 2021, buf.as_mut_ptr(), 2, &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_result_scores(r, p, l, 2021, buf.as_mut_ptr(), 2, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_result_scores(r, b"\xff".as_ptr().cast(), 1, 2021, null_mut(), 0, &mut n),
            cpindex_status::InvalidUtf8
        );
        assert_eq!(
            cpindex_index_result_ranks(r, null(), 3, 2021, null_mut(), 0, &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_result_dims(null(), &mut nu, &mut np, &mut ni, &mut nn),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_result_dims(r, &mut nu, &mut np, &mut ni, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_result_periods(r, null_mut(), 0, &mut n),
            cpindex_status::BufferTooSmall
        );
        assert_eq!(
            cpindex_index_result_periods(null(), null_mut(), 0, &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_result_to_json(null(), null_mut(), 0, &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_result_weights(r, p, l, 2021, 0, null_mut(), 0, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_result_weights(r, p, l, 1999, 0, null_mut(), 0, &mut n),
            cpindex_status::UnknownId
        );
        assert_eq!(
            cpindex_index_result_child_id(null(), p, l, 0, null_mut(), 0, &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_result_id(null(), 0, 0, null_mut(), 0, &mut n),
            cpindex_status::NullArgument
        );
        cpindex_index_result_free(r);
        cpindex_index_result_free(null());
    }
}

#[test]
fn every_column_reader_checks_its_arguments() {
    let fw = toy();
    let p = csv_panel(INDEX_CSV, 0, fw).unwrap();
    let r = run_index(fw, p, "").unwrap();
    let readers: [(&str, Column, &str); 5] = [
        ("scores", cpindex_index_result_scores, "econ"),
        ("ranks", cpindex_index_result_ranks, "econ"),
        ("normalised", cpindex_index_result_normalised, "a"),
        ("contributions", cpindex_index_result_contributions, "a"),
        ("obstacles", cpindex_index_result_obstacles, "a"),
    ];
    for (name, f, id) in readers {
        let mut n = 0;
        let mut buf = [9.0; 3];
        let (ip, il) = t(id);
        unsafe {
            assert_eq!(
                f(null(), ip, il, 2021, buf.as_mut_ptr(), 3, &mut n),
                cpindex_status::NullArgument,
                "{name}"
            );
            assert_eq!(
                f(r, null(), 2, 2021, buf.as_mut_ptr(), 3, &mut n),
                cpindex_status::NullArgument,
                "{name}"
            );
            assert_eq!(
                f(r, ip, il, 2021, buf.as_mut_ptr(), 3, null_mut()),
                cpindex_status::NullArgument,
                "{name}"
            );
            assert_eq!(
                f(r, ip, il, 2021, null_mut(), 3, &mut n),
                cpindex_status::NullArgument,
                "{name}"
            );
            assert_eq!(
                f(
                    r,
                    b"\xff".as_ptr().cast(),
                    1,
                    2021,
                    buf.as_mut_ptr(),
                    3,
                    &mut n
                ),
                cpindex_status::InvalidUtf8,
                "{name}"
            );
            assert_eq!(
                f(r, ip, il, 2030, buf.as_mut_ptr(), 3, &mut n),
                cpindex_status::UnknownId,
                "{name}"
            );
            assert_eq!(
                f(
                    r,
                    "zz".as_ptr().cast(),
                    2,
                    2021,
                    buf.as_mut_ptr(),
                    3,
                    &mut n
                ),
                cpindex_status::UnknownId,
                "{name}"
            );
            assert_eq!(
                f(r, ip, il, 2021, buf.as_mut_ptr(), 2, &mut n),
                cpindex_status::BufferTooSmall,
                "{name}"
            );
            assert_eq!((buf, n), ([9.0; 3], 3), "{name}: nothing written");
            assert_eq!(
                f(r, ip, il, 2021, buf.as_mut_ptr(), 3, &mut n),
                cpindex_status::Ok,
                "{name}"
            );
        }
    }
    unsafe {
        cpindex_index_result_free(r);
        cpindex_panel_free(p);
        cpindex_framework_free(fw);
    }
}

#[test]
fn index_errors() {
    let fw = toy();
    let p = csv_panel(INDEX_CSV, 0, fw).unwrap();
    // outputs switched off → INVALID_ARGUMENT when read
    let r = run_index(
        fw,
        p,
        r#"{"outputs": {"contributions": false, "obstacles": false}}"#,
    )
    .unwrap();
    assert_eq!(
        col(cpindex_index_result_contributions, r, "a", 2021),
        Err(cpindex_status::InvalidArgument)
    );
    assert!(last_message().contains("not computed"));
    assert_eq!(
        col(cpindex_index_result_obstacles, r, "a", 2021),
        Err(cpindex_status::InvalidArgument)
    );
    unsafe { cpindex_index_result_free(r) };
    assert_eq!(run_index(fw, p, "{"), Err(cpindex_status::JsonError));
    assert_eq!(
        run_index(fw, p, r#"{"treatment": {"skew": 1}}"#),
        Err(cpindex_status::InvalidSpec)
    );
    assert!(last_message().contains("treatment"), "{}", last_message());
    assert_eq!(run_index(fw, p, "\u{0}"), Err(cpindex_status::JsonError));
    let mut r = null();
    unsafe {
        assert_eq!(
            cpindex_index_run(null(), p, null(), 0, &mut r),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_run(fw, null(), null(), 0, &mut r),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_run(fw, p, null(), 0, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_run(fw, p, null(), 4, &mut r),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_run(fw, p, b"\xff".as_ptr().cast(), 1, &mut r),
            cpindex_status::InvalidUtf8
        );
        assert!(r.is_null());
        // a panel indicator the framework lacks
        let q = csv_panel("unit,period,indicator,value\nX,2021,zz,1\n", 0, null()).unwrap();
        assert_eq!(
            cpindex_index_run(fw, q, null(), 0, &mut r),
            cpindex_status::UnknownId
        );
        cpindex_panel_free(q);
        cpindex_panel_free(p);
        cpindex_framework_free(fw);
    }
}

fn run_monitor(
    fw: *const cpindex_framework,
    p: *const cpindex_panel,
    spec: &str,
) -> Result<*const cpindex_monitor_result, cpindex_status> {
    let mut r = null();
    let st = unsafe { cpindex_monitor_run(fw, p, spec.as_ptr().cast(), spec.len(), &mut r) };
    if st == cpindex_status::Ok {
        Ok(r)
    } else {
        assert!(r.is_null());
        Err(st)
    }
}

#[test]
fn monitor_by_hand() {
    let fw = toy();
    let p = csv_panel(MONITOR_CSV, 1, fw).unwrap();
    let r = run_monitor(fw, p, "{}").unwrap();
    unsafe {
        cpindex_panel_free(p);
        cpindex_framework_free(fw);
    }
    let (mut by, mut ty, mut y, mut nu) = (0, 0, 0, 0);
    unsafe {
        assert_eq!(
            cpindex_monitor_result_dims(r, &mut by, &mut ty, &mut y, &mut nu),
            cpindex_status::Ok
        );
    }
    assert_eq!((by, ty, y, nu), (2020, 2025, 2021, 1));
    assert_eq!(
        read_text(|b, l, o| unsafe { cpindex_monitor_result_unit_id(r, 0, b, l, o) }).unwrap(),
        "X"
    );
    assert_eq!(
        read_text(|b, l, o| unsafe { cpindex_monitor_result_unit_id(r, 1, b, l, o) }),
        Err(cpindex_status::InvalidArgument)
    );
    let ach = |ind: &str, year: i32, field: cpindex_achievement_field| {
        let mut v = -1.0;
        let st = unsafe {
            cpindex_monitor_result_achievement(
                r,
                "X".as_ptr().cast(),
                1,
                ind.as_ptr().cast(),
                ind.len(),
                year,
                field as u32,
                &mut v,
            )
        };
        (st, v)
    };
    use cpindex_achievement_field as F;
    let ok = |x: (cpindex_status, f64)| {
        assert_eq!(x.0, cpindex_status::Ok, "{}", last_message());
        x.1
    };
    close(
        &[
            ok(ach("a", 2021, F::Capped)),
            ok(ach("a", 2021, F::Uncapped)),
            ok(ach("a", 2021, F::Progress)),
        ],
        &[0.5, 0.5, 1.0 / 3.0],
    );
    close(
        &[
            ok(ach("b", 2021, F::Capped)),
            ok(ach("b", 2021, F::Progress)),
        ],
        &[1.0 / 3.0, 0.5],
    );
    close(
        &[
            ok(ach("c", 2021, F::Capped)),
            ok(ach("c", 2021, F::Uncapped)),
        ],
        &[1.0, 1.0],
    );
    close(
        &[
            ok(ach("a", 2021, F::Observed)),
            ok(ach("a", 2021, F::Target)),
            ok(ach("a", 2021, F::Baseline)),
        ],
        &[20.0, 40.0, 10.0],
    );
    close(
        &[
            ok(ach("a", 2021, F::ElapsedShare)),
            ok(ach("a", 2021, F::Score)),
        ],
        &[0.2, 0.5],
    );
    assert_eq!(ach("zz", 2021, F::Capped).0, cpindex_status::UnknownId);
    assert_eq!(ach("a", 1990, F::Capped).0, cpindex_status::UnknownId);
    let mut v = -1.0;
    unsafe {
        assert_eq!(
            cpindex_monitor_result_achievement(
                r,
                "X".as_ptr().cast(),
                1,
                "a".as_ptr().cast(),
                1,
                2021,
                99,
                &mut v
            ),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_monitor_result_achievement(
                r,
                "Q".as_ptr().cast(),
                1,
                "a".as_ptr().cast(),
                1,
                2021,
                0,
                &mut v
            ),
            cpindex_status::UnknownId
        );
        assert_eq!(
            cpindex_monitor_result_achievement(
                r,
                "X".as_ptr().cast(),
                1,
                "a".as_ptr().cast(),
                1,
                2021,
                0,
                null_mut()
            ),
            cpindex_status::NullArgument
        );
        assert_eq!(v, -1.0);
    }
    let unit_ach = |dim: &str| {
        let mut v = -1.0;
        let (p, l) = if dim.is_empty() { (null(), 0) } else { t(dim) };
        let st = unsafe {
            cpindex_monitor_result_unit_achievement(r, "X".as_ptr().cast(), 1, p, l, 2021, &mut v)
        };
        (st, v)
    };
    close(
        &[
            ok(unit_ach("")),
            ok(unit_ach("econ")),
            ok(unit_ach("social")),
        ],
        &[0.5 * (5.0 / 12.0) + 0.5, 5.0 / 12.0, 1.0],
    );
    assert_eq!(unit_ach("zz").0, cpindex_status::UnknownId);

    let status = |id: &str, kind: u32| {
        let mut c = 99u32;
        let st = unsafe {
            cpindex_monitor_result_status(
                r,
                "X".as_ptr().cast(),
                1,
                id.as_ptr().cast(),
                id.len(),
                kind,
                &mut c,
            )
        };
        (st, c)
    };
    assert_eq!(
        status("a", 0),
        (cpindex_status::Ok, cpindex_schedule_status::Ahead as u32)
    );
    assert_eq!(
        status("b", 0),
        (cpindex_status::Ok, cpindex_schedule_status::Ahead as u32)
    );
    assert_eq!(
        status("c", 0),
        (cpindex_status::Ok, cpindex_schedule_status::Achieved as u32)
    );
    assert_eq!(
        status("c", 1),
        (
            cpindex_status::Ok,
            cpindex_trend_class::TargetAchieved as u32
        )
    );
    assert_eq!(
        status("a", 2),
        (cpindex_status::Ok, cpindex_colour::Red as u32)
    );
    assert_eq!(
        status("c", 2),
        (cpindex_status::Ok, cpindex_colour::Green as u32)
    );
    assert_eq!(
        status("econ", 2),
        (cpindex_status::Ok, cpindex_colour::Red as u32)
    );
    assert_eq!(status("a", 3).0, cpindex_status::InvalidArgument);
    assert_eq!(status("zz", 0).0, cpindex_status::UnknownId);
    assert_eq!(status("zz", 2).0, cpindex_status::UnknownId);

    let dynamic = |series: u32| {
        let mut n = 0;
        let st = unsafe {
            cpindex_monitor_result_dynamic(
                r,
                "X".as_ptr().cast(),
                1,
                series,
                null_mut(),
                null_mut(),
                0,
                &mut n,
            )
        };
        assert_eq!(st, cpindex_status::BufferTooSmall);
        let mut ys = vec![0i32; n];
        let mut vs = vec![0.0; n];
        let st = unsafe {
            cpindex_monitor_result_dynamic(
                r,
                "X".as_ptr().cast(),
                1,
                series,
                ys.as_mut_ptr(),
                vs.as_mut_ptr(),
                n,
                &mut n,
            )
        };
        assert_eq!(st, cpindex_status::Ok);
        (ys, vs)
    };
    let (ys, fixed) = dynamic(0);
    assert_eq!(ys, vec![2020, 2021]);
    close(&fixed, &[100.0, 121.25]);
    close(&dynamic(1).1, &[100.0, 121.25]);
    close(&dynamic(2).1, &[100.0, 121.25]);
    unsafe {
        let mut n = 0;
        let mut ys = [0i32; 1];
        let mut vs = [0.0; 1];
        assert_eq!(
            cpindex_monitor_result_dynamic(
                r,
                "X".as_ptr().cast(),
                1,
                3,
                null_mut(),
                null_mut(),
                0,
                &mut n
            ),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_monitor_result_dynamic(
                r,
                "Q".as_ptr().cast(),
                1,
                0,
                null_mut(),
                null_mut(),
                0,
                &mut n
            ),
            cpindex_status::UnknownId
        );
        assert_eq!(
            cpindex_monitor_result_dynamic(
                r,
                "X".as_ptr().cast(),
                1,
                0,
                ys.as_mut_ptr(),
                vs.as_mut_ptr(),
                1,
                &mut n
            ),
            cpindex_status::BufferTooSmall
        );
        assert_eq!((ys, vs, n), ([0], [0.0], 2));
        assert_eq!(
            cpindex_monitor_result_dynamic(
                r,
                "X".as_ptr().cast(),
                1,
                0,
                null_mut(),
                vs.as_mut_ptr(),
                2,
                &mut n
            ),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_monitor_result_dynamic(
                r,
                "X".as_ptr().cast(),
                1,
                0,
                null_mut(),
                null_mut(),
                0,
                null_mut()
            ),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_monitor_result_dims(null(), &mut by, &mut ty, &mut y, &mut nu),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_monitor_result_unit_achievement(null(), null(), 0, null(), 0, 2021, &mut v),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_monitor_result_status(null(), null(), 0, null(), 0, 0, &mut 0),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_monitor_result_to_json(null(), null_mut(), 0, &mut n),
            cpindex_status::NullArgument
        );
    }
    // array readers over units (one unit here)
    unsafe {
        let mut buf = [0.0; 2];
        let mut n = 0;
        assert_eq!(
            cpindex_monitor_result_achievements(
                r,
                "b".as_ptr().cast(),
                1,
                2021,
                F::Progress as u32,
                null_mut(),
                0,
                &mut n
            ),
            cpindex_status::BufferTooSmall
        );
        assert_eq!(n, 1);
        assert_eq!(
            cpindex_monitor_result_achievements(
                r,
                "b".as_ptr().cast(),
                1,
                2021,
                F::Progress as u32,
                buf.as_mut_ptr(),
                2,
                &mut n
            ),
            cpindex_status::Ok
        );
        close(&buf[..1], &[0.5]);
        assert_eq!(
            cpindex_monitor_result_achievements(
                r,
                "b".as_ptr().cast(),
                1,
                2021,
                8,
                buf.as_mut_ptr(),
                2,
                &mut n
            ),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_monitor_result_achievements(
                r,
                "q".as_ptr().cast(),
                1,
                2021,
                0,
                buf.as_mut_ptr(),
                2,
                &mut n
            ),
            cpindex_status::UnknownId
        );
        assert_eq!(
            cpindex_monitor_result_achievements(
                null(),
                null(),
                0,
                2021,
                0,
                buf.as_mut_ptr(),
                2,
                &mut n
            ),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_monitor_result_unit_achievements(
                r,
                null(),
                0,
                2021,
                buf.as_mut_ptr(),
                2,
                &mut n
            ),
            cpindex_status::Ok
        );
        close(&buf[..1], &[0.5 * (5.0 / 12.0) + 0.5]);
        assert_eq!(
            cpindex_monitor_result_unit_achievements(
                r,
                "econ".as_ptr().cast(),
                4,
                2021,
                buf.as_mut_ptr(),
                2,
                &mut n
            ),
            cpindex_status::Ok
        );
        close(&buf[..1], &[5.0 / 12.0]);
        assert_eq!(
            cpindex_monitor_result_unit_achievements(
                r,
                "zz".as_ptr().cast(),
                2,
                2021,
                buf.as_mut_ptr(),
                2,
                &mut n
            ),
            cpindex_status::UnknownId
        );
        assert_eq!(
            cpindex_monitor_result_unit_achievements(
                r,
                null(),
                0,
                1990,
                buf.as_mut_ptr(),
                2,
                &mut n
            ),
            cpindex_status::UnknownId
        );
        assert_eq!(
            cpindex_monitor_result_unit_achievements(
                r,
                null(),
                0,
                2021,
                buf.as_mut_ptr(),
                2,
                null_mut()
            ),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_monitor_result_unit_id(null(), 0, null_mut(), 0, &mut n),
            cpindex_status::NullArgument
        );
    }
    let json = read_text(|b, l, o| unsafe { cpindex_monitor_result_to_json(r, b, l, o) }).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["framework"], "toy");
    unsafe {
        cpindex_monitor_result_free(r);
        cpindex_monitor_result_free(null());
    }
}

#[test]
fn monitor_errors() {
    let fw = toy();
    let p = csv_panel(MONITOR_CSV, 1, fw).unwrap();
    assert_eq!(run_monitor(fw, p, "{"), Err(cpindex_status::JsonError));
    assert_eq!(
        run_monitor(fw, p, r#"{"schedule_tolerance": 2}"#),
        Err(cpindex_status::InvalidSpec)
    );
    assert_eq!(
        run_monitor(fw, p, r#"{"units": ["Q"]}"#),
        Err(cpindex_status::UnknownId)
    );
    let mut r = null();
    unsafe {
        assert_eq!(
            cpindex_monitor_run(null(), p, null(), 0, &mut r),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_monitor_run(fw, null(), null(), 0, &mut r),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_monitor_run(fw, p, null(), 0, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_monitor_run(fw, p, b"\xc3".as_ptr().cast(), 1, &mut r),
            cpindex_status::InvalidUtf8
        );
        assert!(r.is_null());
        cpindex_panel_free(p);
        cpindex_framework_free(fw);
    }
}

fn json(req: &str) -> Result<serde_json::Value, cpindex_status> {
    read_text(|b, l, o| unsafe { cpindex_run_json(req.as_ptr().cast(), req.len(), b, l, o) })
        .map(|s| serde_json::from_str(&s).unwrap())
}

#[test]
fn json_actions() {
    let csv = serde_json::to_string(INDEX_CSV).unwrap();
    let req = format!(
        r#"{{"action":"index","framework":{TOY},"data":{{"csv":{csv},"layout":"long"}},"spec":{{}}}}"#
    );
    let v = json(&req).unwrap();
    assert_eq!(v["action"], "index");
    assert_eq!(v["schema"], 1);
    assert_eq!(v["results"]["scores"]["toy"][0][2], 87.5);
    assert_eq!(v["results"]["units"][1], "Y");
    // arrays instead of CSV: the same panel (values column-major by unit, period, indicator)
    let req = format!(
        r#"{{"action":"index","framework":{TOY},"data":{{"units":["X","Y","Z"],"periods":[2021],
           "indicators":["a","b","c"],"values":[10,20,30,5,1,3,100,200,400]}}}}"#
    );
    assert_eq!(json(&req).unwrap()["results"]["scores"]["econ"][0][1], 75.0);
    let mcsv = serde_json::to_string(MONITOR_CSV).unwrap();
    let req = format!(
        r#"{{"action":"monitor","framework":{TOY},"data":{{"csv":{mcsv},"layout":"wide"}}}}"#
    );
    let v = json(&req).unwrap();
    assert_eq!(v["action"], "monitor");
    assert_eq!(v["results"]["year"], 2021);

    let v = json(r#"{"action":"inequality","values":[1,2,3,4],"groups":[0,0,1,1]}"#).unwrap();
    let ineq = &v["inequality"];
    assert_eq!(ineq["measures"]["gini"], 0.25);
    assert_eq!(ineq["measures"]["median"], 2.5);
    assert!((ineq["measures"]["theil_t"].as_f64().unwrap() - 0.10644013528622318).abs() < 1e-12);
    let ge1 = &ineq["decomposition"]["generalized_entropy"][1];
    assert_eq!(ge1["alpha"], 1.0);
    assert!((ge1["between"].as_f64().unwrap() - 0.08228287850505178).abs() < 1e-12);
    assert_eq!(ineq["decomposition"]["gini"]["total"], 0.25);
    // zeros: undefined measures are null with the reason in `errors`
    let v = json(r#"{"action":"inequality","values":[0,2,null],"missing":"skip","measures":["gini","mean_log_deviation","atkinson:0.5"]}"#).unwrap();
    assert_eq!(v["inequality"]["measures"]["gini"], 0.5);
    assert!(v["inequality"]["measures"]["mean_log_deviation"].is_null());
    assert!(v["inequality"]["errors"]["mean_log_deviation"].is_string());
    assert_eq!(v["inequality"]["n_missing"], 1);

    // errors
    assert_eq!(
        json(r#"{"action":"inequality","values":[1,null]}"#),
        Err(cpindex_status::MissingValue)
    );
    assert_eq!(
        json(r#"{"action":"inequality","values":[1,2],"measures":["nope"]}"#),
        Err(cpindex_status::InvalidSpec)
    );
    assert!(last_message().contains("nope"));
    assert_eq!(
        json(r#"{"action":"inequality","values":[1,2],"measures":["atkinson"]}"#),
        Err(cpindex_status::InvalidSpec)
    );
    assert_eq!(
        json(r#"{"action":"inequality","values":[1,2],"groups":[0]}"#),
        Err(cpindex_status::LengthMismatch)
    );
    assert_eq!(
        json(r#"{"action":"inequality","values":[1,2],"framework":"x"}"#),
        Err(cpindex_status::InvalidSpec)
    );
    assert_eq!(
        json(r#"{"action":"inequality"}"#),
        Err(cpindex_status::InvalidSpec)
    );
    assert_eq!(
        json(r#"{"action":"index","framework":"quzhou-2021-2025"}"#),
        Err(cpindex_status::InvalidSpec)
    );
    assert!(last_message().contains("data"));
    let bad = serde_json::to_string("unit,period,indicator,value\nX,2021,a,x1\n").unwrap();
    let req = format!(r#"{{"action":"index","framework":{TOY},"data":{{"csv":{bad}}}}}"#);
    assert_eq!(json(&req), Err(cpindex_status::ParseError));
    assert!(last_message().contains("line 2"));
    let req =
        format!(r#"{{"action":"index","framework":{TOY},"data":{{"csv":{csv},"layout":"tall"}}}}"#);
    assert_eq!(json(&req), Err(cpindex_status::InvalidSpec));
    let req = format!(
        r#"{{"action":"index","framework":{TOY},"data":{{"csv":{csv}}},"spec":{{"x":1}}}}"#
    );
    assert_eq!(json(&req), Err(cpindex_status::InvalidSpec));
    let req = format!(
        r#"{{"action":"monitor","framework":{TOY},"data":{{"csv":{mcsv},"layout":"wide"}},"spec":[]}}"#
    );
    assert_eq!(json(&req), Err(cpindex_status::InvalidSpec));
}

#[test]
fn parsed_specs() {
    let fw = toy();
    let p = csv_panel(INDEX_CSV, 0, fw).unwrap();
    let mp = csv_panel(MONITOR_CSV, 1, fw).unwrap();
    let text = r#"{"normalisation": {"default": {"method": "min_max", "low": 1, "high": 100}}}"#;
    let mut spec = null();
    let mut mspec = null();
    unsafe {
        assert_eq!(
            cpindex_spec_new(0, text.as_ptr().cast(), text.len(), &mut spec),
            cpindex_status::Ok
        );
        assert_eq!(
            cpindex_spec_new(1, null(), 0, &mut mspec),
            cpindex_status::Ok
        );
        let mut kind = 9;
        assert_eq!(cpindex_spec_get_kind(mspec, &mut kind), cpindex_status::Ok);
        assert_eq!(kind, cpindex_spec_kind::Monitor as u32);
        // every default written out
        let json = read_text(|b, l, o| cpindex_spec_to_json(spec, b, l, o)).unwrap();
        assert!(json.contains("\"missing_indicators\""), "{json}");
        assert!(json.contains("\"low\": 1.0"), "{json}");
        let mjson = read_text(|b, l, o| cpindex_spec_to_json(mspec, b, l, o)).unwrap();
        assert!(mjson.contains("\"schedule_tolerance\": 0.05"), "{mjson}");
        // min–max to [1, 100]: a = (10, 20, 30) → 1 + 99·(0, ½, 1) = (1, 50.5, 100)
        let mut r = null();
        assert_eq!(
            cpindex_index_run_spec(fw, p, spec, &mut r),
            cpindex_status::Ok
        );
        close(
            &col(cpindex_index_result_normalised, r, "a", 2021).unwrap(),
            &[1.0, 50.5, 100.0],
        );
        cpindex_index_result_free(r);
        let mut m = null();
        assert_eq!(
            cpindex_monitor_run_spec(fw, mp, mspec, &mut m),
            cpindex_status::Ok
        );
        cpindex_monitor_result_free(m);
        // wrong kinds, NULLs, bad JSON, bad kind code
        let mut r = null();
        let mut m = null();
        assert_eq!(
            cpindex_index_run_spec(fw, p, mspec, &mut r),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_monitor_run_spec(fw, mp, spec, &mut m),
            cpindex_status::InvalidArgument
        );
        assert!(last_message().contains("MONITOR"));
        assert_eq!(
            cpindex_index_run_spec(fw, p, null(), &mut r),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_index_run_spec(fw, p, spec, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_monitor_run_spec(null(), mp, mspec, &mut m),
            cpindex_status::NullArgument
        );
        assert!(r.is_null() && m.is_null());
        let mut none = null();
        assert_eq!(
            cpindex_spec_new(2, null(), 0, &mut none),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_spec_new(0, "{".as_ptr().cast(), 1, &mut none),
            cpindex_status::JsonError
        );
        assert_eq!(
            cpindex_spec_new(0, r#"{"zz":1}"#.as_ptr().cast(), 8, &mut none),
            cpindex_status::InvalidSpec
        );
        assert_eq!(
            cpindex_spec_new(0, b"\xff".as_ptr().cast(), 1, &mut none),
            cpindex_status::InvalidUtf8
        );
        assert_eq!(
            cpindex_spec_new(0, null(), 3, &mut none),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_spec_new(0, null(), 0, null_mut()),
            cpindex_status::NullArgument
        );
        assert!(none.is_null());
        assert_eq!(
            cpindex_spec_get_kind(null(), &mut kind),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_spec_get_kind(spec, null_mut()),
            cpindex_status::NullArgument
        );
        let mut n = 0;
        assert_eq!(
            cpindex_spec_to_json(null(), null_mut(), 0, &mut n),
            cpindex_status::NullArgument
        );
        cpindex_spec_free(spec);
        cpindex_spec_free(mspec);
        cpindex_spec_free(null());
        cpindex_panel_free(p);
        cpindex_panel_free(mp);
        cpindex_framework_free(fw);
    }
}

/// Every column of a result of 40 dimensions and 80 indicators, read by id through each
/// column reader, is the column the result's JSON holds under that id — including the
/// readers' second cubes (an indicator's `scores` are its normalised values, a dimension's
/// `obstacles` its dimension obstacle degrees) — and an unknown id is `UNKNOWN_ID`. (The
/// handle sorts each cube's ids on its first lookup; past 16 ids a lookup is a binary
/// search, so this checks that search against the JSON's own keys.)
#[test]
fn every_column_of_a_result_of_many_dimensions_is_found_by_id() {
    let n_dims = 40;
    let dims: Vec<String> = (0..n_dims)
        .map(|k| {
            format!(
                r#"{{"id":"dim{k}","name_zh":"d","name_en":"d","weight":{}}}"#,
                1 + k % 3
            )
        })
        .collect();
    // ids in no sorted order, some a prefix of another (ind1, ind10 …)
    let ind_id = |k: usize| format!("ind{}", (k * 37) % (2 * n_dims));
    let inds: Vec<String> = (0..2 * n_dims)
        .map(|k| {
            format!(
                r#"{{"id":"{}","dimension":"dim{}","name_zh":"x","name_en":"x","unit":{{"label":"x"}},"polarity":{{"type":"higher_is_better"}},"kind":"level","target":1.0,"weight":1.0}}"#,
                ind_id(k),
                k / 2
            )
        })
        .collect();
    let fw_json = format!(
        r#"{{"id":"many","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,"dimensions":[{}],"indicators":[{}]}}"#,
        dims.join(","),
        inds.join(",")
    );
    let mut fw = null();
    let st =
        unsafe { cpindex_framework_from_json(fw_json.as_ptr().cast(), fw_json.len(), &mut fw) };
    assert_eq!(st, cpindex_status::Ok, "{}", last_message());
    let mut csv = String::from("unit,period,indicator,value\n");
    for u in 0..5 {
        for year in [2021, 2022] {
            for k in 0..2 * n_dims {
                let v = 1 + (u * 31 + k * 17 + year as usize * 5) % 23;
                csv.push_str(&format!("U{u},{year},{},{v}\n", ind_id(k)));
            }
        }
    }
    let p = csv_panel(&csv, 0, fw).unwrap();
    let r = run_index(fw, p, "{}").unwrap();
    let json = read_text(|b, l, o| unsafe { cpindex_index_result_to_json(r, b, l, o) }).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let periods: Vec<i64> = v["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_i64().unwrap())
        .collect();
    assert_eq!(periods, [2021, 2022]);
    // the column of `id` in period position q of a JSON cube (null = NaN)
    let from_json = |cube: &str, id: &str, q: usize| -> Vec<f64> {
        v[cube][id][q]
            .as_array()
            .unwrap_or_else(|| panic!("{cube}.{id} in the JSON"))
            .iter()
            .map(|x| x.as_f64().unwrap_or(f64::NAN))
            .collect()
    };
    let node_ids: Vec<String> = v["scores"].as_object().unwrap().keys().cloned().collect();
    let ind_ids: Vec<String> = v["normalised"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!((node_ids.len(), ind_ids.len()), (n_dims + 1, 2 * n_dims));
    let dim_ids: Vec<String> = node_ids
        .iter()
        .filter(|id| *id != "many")
        .cloned()
        .collect();
    let readers: [(&str, Column, &str, &[String]); 7] = [
        ("scores", cpindex_index_result_scores, "scores", &node_ids),
        ("ranks", cpindex_index_result_ranks, "ranks", &node_ids),
        (
            "scores",
            cpindex_index_result_scores,
            "normalised",
            &ind_ids,
        ),
        (
            "normalised",
            cpindex_index_result_normalised,
            "normalised",
            &ind_ids,
        ),
        (
            "contributions",
            cpindex_index_result_contributions,
            "contributions",
            &ind_ids,
        ),
        (
            "obstacles",
            cpindex_index_result_obstacles,
            "obstacles",
            &ind_ids,
        ),
        (
            "obstacles",
            cpindex_index_result_obstacles,
            "dimension_obstacles",
            &dim_ids,
        ),
    ];
    for (reader, f, cube, ids) in readers {
        for (q, &year) in periods.iter().enumerate() {
            for id in ids {
                let got = col(f, r, id, year as i32)
                    .unwrap_or_else(|st| panic!("{reader}({id}): {st:?} {}", last_message()));
                close(&got, &from_json(cube, id, q));
            }
        }
        for unknown in ["", "dim", "ind", "ind800", "zzz", "dim40"] {
            assert_eq!(
                col(f, r, unknown, 2021),
                Err(cpindex_status::UnknownId),
                "{reader}({unknown})"
            );
        }
    }
    unsafe {
        cpindex_index_result_free(r);
        cpindex_panel_free(p);
        cpindex_framework_free(fw);
    }
}
