//! Rust-level tests of the panel entry points, normal use and error paths.
//!
//! Layout check by hand: 2 units (a, b) × periods given as [2021, 2020] × 2 indicators
//! (gdp, pm25_concentration); values column-major in the given period order:
//! (gdp, 2021) = [3, 4], (gdp, 2020) = [1, 2], (pm, 2021) = [7, 8], (pm, 2020) = [5, 6].
//! After sorting periods to [2020, 2021] the stored order is [1, 2, 3, 4, 5, 6, 7, 8].

use std::ptr::{null, null_mut};

use cpindex::ffi::*;

mod common;
use common::ffi::{last_message, quzhou, read_text, s};

fn make() -> *mut cpindex_panel {
    let units = [s("a"), s("b")];
    let periods = [2021, 2020];
    let inds = [s("gdp"), s("pm25_concentration")];
    let values = [3.0, 4.0, 1.0, 2.0, 7.0, 8.0, 5.0, 6.0];
    let mut p = null_mut();
    let st = unsafe {
        cpindex_panel_new(
            units.as_ptr(),
            2,
            periods.as_ptr(),
            2,
            inds.as_ptr(),
            2,
            values.as_ptr(),
            8,
            &mut p,
        )
    };
    assert_eq!(st, cpindex_status::Ok, "{}", last_message());
    p
}

#[test]
fn build_and_read() {
    let p = make();
    let (mut nu, mut np, mut ni) = (0, 0, 0);
    assert_eq!(
        unsafe { cpindex_panel_dims(p, &mut nu, &mut np, &mut ni) },
        cpindex_status::Ok
    );
    assert_eq!((nu, np, ni), (2, 2, 2));
    let mut v = 0.0;
    // unit b, period index 0 (= 2020), indicator gdp → 2
    assert_eq!(
        unsafe { cpindex_panel_get(p, 1, 0, 0, &mut v) },
        cpindex_status::Ok
    );
    assert_eq!(v, 2.0);
    let st = unsafe {
        cpindex_panel_get_by_id(
            p,
            "a".as_ptr().cast(),
            1,
            2021,
            "pm25_concentration".as_ptr().cast(),
            18,
            &mut v,
        )
    };
    assert_eq!(st, cpindex_status::Ok);
    assert_eq!(v, 7.0);

    let mut periods = [0i32; 2];
    let mut n = 0;
    assert_eq!(
        unsafe { cpindex_panel_periods(p, periods.as_mut_ptr(), 2, &mut n) },
        cpindex_status::Ok
    );
    assert_eq!((periods, n), ([2020, 2021], 2));
    let mut all = [0.0; 8];
    assert_eq!(
        unsafe { cpindex_panel_values(p, null_mut(), 0, &mut n) },
        cpindex_status::BufferTooSmall
    );
    assert_eq!(n, 8);
    assert_eq!(
        unsafe { cpindex_panel_values(p, all.as_mut_ptr(), 7, &mut n) },
        cpindex_status::BufferTooSmall
    );
    assert_eq!(all, [0.0; 8], "untouched");
    assert_eq!(
        unsafe { cpindex_panel_values(p, all.as_mut_ptr(), 8, &mut n) },
        cpindex_status::Ok
    );
    assert_eq!(all, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);

    assert_eq!(
        read_text(|b, l, o| unsafe { cpindex_panel_unit_id(p, 1, b, l, o) }).unwrap(),
        "b"
    );
    assert_eq!(
        read_text(|b, l, o| unsafe { cpindex_panel_indicator_id(p, 1, b, l, o) }).unwrap(),
        "pm25_concentration"
    );

    // set: NaN allowed (missing), ±inf rejected
    assert_eq!(
        unsafe { cpindex_panel_set(p, 0, 1, 1, f64::NAN) },
        cpindex_status::Ok
    );
    assert_eq!(
        unsafe { cpindex_panel_get(p, 0, 1, 1, &mut v) },
        cpindex_status::Ok
    );
    assert!(v.is_nan());
    assert_eq!(
        unsafe { cpindex_panel_set(p, 0, 1, 1, f64::INFINITY) },
        cpindex_status::InvalidValue
    );
    assert_eq!(
        unsafe { cpindex_panel_set(p, 2, 0, 0, 1.0) },
        cpindex_status::InvalidArgument
    );
    assert_eq!(
        unsafe { cpindex_panel_set(null_mut(), 0, 0, 0, 1.0) },
        cpindex_status::NullArgument
    );

    // framework check
    let fw = quzhou();
    assert_eq!(
        unsafe { cpindex_panel_check_framework(p, fw) },
        cpindex_status::Ok
    );
    assert_eq!(
        unsafe { cpindex_panel_check_framework(p, null()) },
        cpindex_status::NullArgument
    );
    assert_eq!(
        unsafe { cpindex_panel_check_framework(null(), fw) },
        cpindex_status::NullArgument
    );
    unsafe {
        cpindex_framework_free(fw);
        cpindex_panel_free(p);
        cpindex_panel_free(null_mut());
    }
}

#[test]
fn unknown_indicator_against_framework() {
    let units = [s("a")];
    let inds = [s("not_in_plan")];
    let mut p = null_mut();
    let st = unsafe {
        cpindex_panel_new(
            units.as_ptr(),
            1,
            [2020].as_ptr(),
            1,
            inds.as_ptr(),
            1,
            [1.0].as_ptr(),
            1,
            &mut p,
        )
    };
    assert_eq!(st, cpindex_status::Ok);
    let fw = quzhou();
    assert_eq!(
        unsafe { cpindex_panel_check_framework(p, fw) },
        cpindex_status::UnknownId
    );
    assert!(last_message().contains("not_in_plan"));
    unsafe {
        cpindex_framework_free(fw);
        cpindex_panel_free(p);
    }
}

#[test]
fn new_errors() {
    let units = [s("a"), s("b")];
    let inds = [s("x")];
    let periods = [2020];
    let values = [1.0, 2.0];
    let mut p = 0x8 as *mut cpindex_panel;
    let sentinel = p;
    unsafe {
        // empty everywhere: an empty panel is fine
        let mut e = null_mut();
        assert_eq!(
            cpindex_panel_new(null(), 0, null(), 0, null(), 0, null(), 0, &mut e),
            cpindex_status::Ok
        );
        let (mut a, mut b, mut c) = (9, 9, 9);
        assert_eq!(
            cpindex_panel_dims(e, &mut a, &mut b, &mut c),
            cpindex_status::Ok
        );
        assert_eq!((a, b, c), (0, 0, 0));
        let mut n = 9;
        assert_eq!(
            cpindex_panel_values(e, null_mut(), 0, &mut n),
            cpindex_status::Ok
        );
        assert_eq!(n, 0);
        cpindex_panel_free(e);
        // length mismatch
        assert_eq!(
            cpindex_panel_new(
                units.as_ptr(),
                2,
                periods.as_ptr(),
                1,
                inds.as_ptr(),
                1,
                values.as_ptr(),
                1,
                &mut p
            ),
            cpindex_status::LengthMismatch
        );
        assert!(
            last_message().contains("expected 2, found 1"),
            "{}",
            last_message()
        );
        // NULL arrays with lengths
        assert_eq!(
            cpindex_panel_new(
                null(),
                2,
                periods.as_ptr(),
                1,
                inds.as_ptr(),
                1,
                values.as_ptr(),
                2,
                &mut p
            ),
            cpindex_status::NullArgument
        );
        assert!(last_message().contains("`unit_ids`"));
        assert_eq!(
            cpindex_panel_new(
                units.as_ptr(),
                2,
                null(),
                1,
                inds.as_ptr(),
                1,
                values.as_ptr(),
                2,
                &mut p
            ),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_panel_new(
                units.as_ptr(),
                2,
                periods.as_ptr(),
                1,
                inds.as_ptr(),
                1,
                null(),
                2,
                &mut p
            ),
            cpindex_status::NullArgument
        );
        let nul_view = [cpindex_str {
            data: null(),
            len: 2,
        }];
        assert_eq!(
            cpindex_panel_new(
                nul_view.as_ptr(),
                1,
                periods.as_ptr(),
                1,
                inds.as_ptr(),
                1,
                values.as_ptr(),
                1,
                &mut p
            ),
            cpindex_status::NullArgument
        );
        assert!(
            last_message().contains("`unit_ids[0]`"),
            "{}",
            last_message()
        );
        assert_eq!(
            cpindex_panel_new(
                units.as_ptr(),
                2,
                periods.as_ptr(),
                1,
                inds.as_ptr(),
                1,
                values.as_ptr(),
                2,
                null_mut()
            ),
            cpindex_status::NullArgument
        );
        // invalid UTF-8 in an id
        let bad = [cpindex_str {
            data: b"\xfe".as_ptr().cast(),
            len: 1,
        }];
        assert_eq!(
            cpindex_panel_new(
                units.as_ptr(),
                2,
                periods.as_ptr(),
                1,
                bad.as_ptr(),
                1,
                values.as_ptr(),
                2,
                &mut p
            ),
            cpindex_status::InvalidUtf8
        );
        assert!(last_message().contains("`indicator_ids[0]`"));
        // duplicate ids, duplicate periods, empty id
        let dup = [s("a"), s("a")];
        assert_eq!(
            cpindex_panel_new(
                dup.as_ptr(),
                2,
                periods.as_ptr(),
                1,
                inds.as_ptr(),
                1,
                values.as_ptr(),
                2,
                &mut p
            ),
            cpindex_status::InvalidArgument
        );
        let empty = [s(""), s("b")];
        assert_eq!(
            cpindex_panel_new(
                empty.as_ptr(),
                2,
                periods.as_ptr(),
                1,
                inds.as_ptr(),
                1,
                values.as_ptr(),
                2,
                &mut p
            ),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_panel_new(
                units.as_ptr(),
                1,
                [2020, 2020].as_ptr(),
                2,
                inds.as_ptr(),
                1,
                values.as_ptr(),
                2,
                &mut p
            ),
            cpindex_status::InvalidArgument
        );
        // infinity rejected, naming the cell
        assert_eq!(
            cpindex_panel_new(
                units.as_ptr(),
                2,
                periods.as_ptr(),
                1,
                inds.as_ptr(),
                1,
                [1.0, f64::NEG_INFINITY].as_ptr(),
                2,
                &mut p
            ),
            cpindex_status::InvalidValue
        );
        assert!(last_message().contains("unit `b`"), "{}", last_message());
    }
    assert_eq!(p, sentinel, "out written only on success");
}

#[test]
fn reader_errors() {
    let p = make();
    let mut v = 0.0;
    let mut n = 0;
    let mut buf = [0i8; 8];
    unsafe {
        assert_eq!(
            cpindex_panel_get(p, 2, 0, 0, &mut v),
            cpindex_status::InvalidArgument
        );
        assert!(
            last_message().contains("unit index 2"),
            "{}",
            last_message()
        );
        assert_eq!(
            cpindex_panel_get(p, 0, 2, 0, &mut v),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_panel_get(p, 0, 0, 2, &mut v),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_panel_get(p, 0, 0, 0, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_panel_get(null(), 0, 0, 0, &mut v),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_panel_get_by_id(
                p,
                "c".as_ptr().cast(),
                1,
                2020,
                "gdp".as_ptr().cast(),
                3,
                &mut v
            ),
            cpindex_status::UnknownId
        );
        assert_eq!(
            cpindex_panel_get_by_id(
                p,
                "a".as_ptr().cast(),
                1,
                1999,
                "gdp".as_ptr().cast(),
                3,
                &mut v
            ),
            cpindex_status::UnknownId
        );
        assert!(last_message().contains("1999"));
        assert_eq!(
            cpindex_panel_get_by_id(
                p,
                "a".as_ptr().cast(),
                1,
                2020,
                b"\xff".as_ptr().cast(),
                1,
                &mut v
            ),
            cpindex_status::InvalidUtf8
        );
        assert_eq!(
            cpindex_panel_get_by_id(p, null(), 1, 2020, "gdp".as_ptr().cast(), 3, &mut v),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_panel_dims(p, &mut n, null_mut(), &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_panel_dims(null(), &mut n, &mut n, &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_panel_unit_id(p, 2, buf.as_mut_ptr(), 8, &mut n),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_panel_indicator_id(p, 2, buf.as_mut_ptr(), 8, &mut n),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_panel_unit_id(p, 0, buf.as_mut_ptr(), 8, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_panel_periods(p, null_mut(), 0, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_panel_periods(null(), null_mut(), 0, &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_panel_periods(p, null_mut(), 5, &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_panel_values(null(), null_mut(), 0, &mut n),
            cpindex_status::NullArgument
        );
        cpindex_panel_free(p);
    }
}

/// `cpindex_panel_read`: GB18030 bytes with Chinese headers and an indicator's Chinese name
/// and a value in 元 for an indicator in 万元 declared in a `单位` column. By hand:
/// 56000 元 = 5.6 万元; 人均生产总值 is `gdp_per_capita`'s Chinese name in the built-in
/// framework (its unit is 万元).
#[test]
fn read_bytes_in_gb18030_with_units() {
    let fw = quzhou();
    let text = "地区,年份,指标,数值,单位\n甲县,2021,人均生产总值,56000,元\n甲县,2022,gdp_per_capita,6.1,\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    let read = |bytes: &[u8], enc: u32, flags: u32, p: &mut *mut cpindex_panel| unsafe {
        cpindex_panel_read(
            bytes.as_ptr(),
            bytes.len(),
            s("county.csv"),
            0,
            enc,
            s(""),
            0,
            flags,
            fw,
            p,
        )
    };
    let mut p = null_mut();
    assert_eq!(
        read(&bytes, 0, 0, &mut p),
        cpindex_status::Ok,
        "{}",
        last_message()
    );
    let mut v = f64::NAN;
    assert_eq!(
        unsafe {
            let (u, i) = ("甲县", "gdp_per_capita");
            cpindex_panel_get_by_id(
                p,
                u.as_ptr().cast(),
                u.len(),
                2021,
                i.as_ptr().cast(),
                i.len(),
                &mut v,
            )
        },
        cpindex_status::Ok,
        "{}",
        last_message()
    );
    assert_eq!(v, 5.6);
    unsafe { cpindex_panel_free(p) };
    // the same bytes declared UTF-8: a parse error with the hint
    let mut p = null_mut();
    assert_eq!(read(&bytes, 1, 0, &mut p), cpindex_status::ParseError);
    let m = last_message();
    assert!(m.contains("county.csv") && m.contains("gb18030"), "{m}");
    assert!(p.is_null());
    // undeclared 元: an error naming the line and the likely unit, unless allowed
    let text = "地区,年份,指标,数值\n甲县,2021,人均生产总值,56000\n";
    assert_eq!(
        read(text.as_bytes(), 0, 0, &mut p),
        cpindex_status::ParseError
    );
    let m = last_message();
    assert!(m.contains("line 2") && m.contains("元"), "{m}");
    assert_eq!(
        read(text.as_bytes(), 0, CPINDEX_READ_ALLOW_UNIT_MISMATCH, &mut p),
        cpindex_status::Ok
    );
    unsafe { cpindex_panel_free(p) };
    // bad codes and pointers
    let mut p = null_mut();
    assert_eq!(read(&bytes, 7, 0, &mut p), cpindex_status::InvalidArgument);
    assert_eq!(read(&bytes, 0, 8, &mut p), cpindex_status::InvalidArgument);
    assert_eq!(
        unsafe { cpindex_panel_read(null(), 3, s(""), 0, 0, s(""), 0, 0, fw, &mut p) },
        cpindex_status::NullArgument
    );
    assert_eq!(
        unsafe {
            cpindex_panel_read(
                bytes.as_ptr(),
                bytes.len(),
                s(""),
                0,
                0,
                s(""),
                0,
                0,
                fw,
                null_mut(),
            )
        },
        cpindex_status::NullArgument
    );
}

#[test]
fn size_products_that_wrap_are_refused_before_reading() {
    // 2^22 × 2^22 × 2^20 = 2^64 wraps to 0 in usize arithmetic: it used to return OK with
    // an empty value buffer. The product is checked before any array is read, so the
    // (deliberately short) arrays below are never touched.
    let units = [s("a")];
    let periods = [2020];
    let inds = [s("x")];
    let mut p = null_mut();
    let st = unsafe {
        cpindex_panel_new(
            units.as_ptr(),
            1 << 22,
            periods.as_ptr(),
            1 << 22,
            inds.as_ptr(),
            1 << 20,
            null(),
            0,
            &mut p,
        )
    };
    assert_eq!(st, cpindex_status::InvalidArgument);
    assert!(p.is_null());
    let m = last_message();
    assert!(m.contains("4194304 units") && m.contains("limit"), "{m}");
}

#[test]
fn a_small_csv_asking_for_a_huge_panel_gets_a_status() {
    // 20,000 rows, each a new unit and a new period (about 400 KB): a dense panel of
    // 20,000 × 20,000 × 1 = 4·10^8 cells (3.2 GB) — it used to abort the host with
    // "memory allocation failed". The default limit is 2^27 cells.
    let mut csv = String::from("unit,period,indicator,value\n");
    for k in 0..20_000 {
        csv.push_str(&format!("unit{k},{},gdp,1\n", 10_000 + k));
    }
    assert!(csv.len() > 380_000, "{}", csv.len());
    let mut p = null_mut();
    let st = unsafe { cpindex_panel_from_csv(csv.as_ptr().cast(), csv.len(), 0, null(), &mut p) };
    assert_eq!(st, cpindex_status::InvalidArgument, "{}", last_message());
    assert!(p.is_null());
    let m = last_message();
    assert!(
        m.contains("20000 units × 20000 periods × 1 indicators") && m.contains("134217728"),
        "{m}"
    );
    assert_eq!(cpindex_max_panel_cells(), 1 << 27);
}
