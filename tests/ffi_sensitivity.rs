//! The C ABI of the uncertainty and sensitivity analysis, called from Rust: a run on a toy
//! index, every reader checked against the Rust API's result, and the error paths (NULL,
//! bad codes, no bootstrap, N too small, buffer too small).
//!
//! Toy: indicators a, b (dimension econ) and c (social), units X–F (6 units), one period;
//! one assumption (normalisation: min–max or rank) plus weight noise.

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
   "polarity":{"type":"lower_is_better"},"kind":"level","target":1,"weight":2},
  {"id":"c","dimension":"social","name_zh":"c","name_en":"c","unit":{"label":"x"},
   "polarity":{"type":"higher_is_better"},"kind":"level","target":400,"weight":1}]}"#;

const CSV: &str = "unit,period,a,b,c
u1,2021,10,5,100
u2,2021,20,1,200
u3,2021,30,3,400
u4,2021,12,2,50
u5,2021,25,4,300
u6,2021,18,6,250
";

const SPEC: &str = r#"{"assumptions": [
  {"kind": "normalisation", "alternatives": [{"default": {"method": "min_max"}}, {"default": {"method": "rank"}}]},
  {"kind": "weight_noise", "delta": 0.4}], "n": 16, "bootstrap": 10, "threads": 2}"#;

fn setup() -> (*const cpindex_framework, *mut cpindex_panel) {
    let mut fw = null();
    assert_eq!(
        unsafe { cpindex_framework_from_json(TOY.as_ptr().cast(), TOY.len(), &mut fw) },
        cpindex_status::Ok
    );
    let mut p = null_mut();
    let st = unsafe {
        cpindex_panel_from_csv(
            CSV.as_ptr().cast(),
            CSV.len(),
            cpindex_csv_layout::Wide as u32,
            fw,
            &mut p,
        )
    };
    assert_eq!(st, cpindex_status::Ok, "{}", last_message());
    (fw, p)
}

fn column(
    f: unsafe extern "C" fn(
        *const cpindex_sensitivity_result,
        u32,
        *mut f64,
        usize,
        *mut usize,
    ) -> cpindex_status,
    r: *const cpindex_sensitivity_result,
    code: u32,
) -> Result<Vec<f64>, cpindex_status> {
    let mut n = 0;
    let st = unsafe { f(r, code, null_mut(), 0, &mut n) };
    if st != cpindex_status::BufferTooSmall {
        return Err(st);
    }
    let mut v = vec![-1.0; n];
    assert_eq!(
        unsafe { f(r, code, v.as_mut_ptr(), n, &mut n) },
        cpindex_status::Ok
    );
    Ok(v)
}

#[test]
fn run_and_read_back() {
    let (fw, p) = setup();
    let mut r = null();
    let st = unsafe { cpindex_sensitivity_run(fw, p, SPEC.as_ptr().cast(), SPEC.len(), &mut r) };
    assert_eq!(st, cpindex_status::Ok, "{}", last_message());
    // the same analysis through the Rust API
    let rust = {
        let fwr = cpindex::model::Framework::from_json(TOY).unwrap();
        let panel = cpindex::data::read_wide_csv_str(CSV, Some(&fwr)).unwrap();
        let spec = cpindex::sensitivity::SensitivitySpec::from_json(SPEC).unwrap();
        cpindex::sensitivity::analyse(&fwr, &panel, &spec).unwrap()
    };
    let (mut nu, mut na, mut nr, mut n, mut period, mut seed) = (0, 0, 0, 0, 0, 0);
    assert_eq!(
        unsafe {
            cpindex_sensitivity_result_dims(
                r,
                &mut nu,
                &mut na,
                &mut nr,
                &mut n,
                &mut period,
                &mut seed,
            )
        },
        cpindex_status::Ok
    );
    assert_eq!((nu, na, nr, n, period), (6, 2, 16 * 4, 16, 2021));
    assert_eq!(seed, cpindex::sensitivity::DEFAULT_SEED);
    let name = read_text(|b, l, o| unsafe { cpindex_sensitivity_result_id(r, 1, 1, b, l, o) });
    assert_eq!(name.unwrap(), "weight_noise");
    let unit = read_text(|b, l, o| unsafe { cpindex_sensitivity_result_id(r, 0, 2, b, l, o) });
    assert_eq!(unit.unwrap(), "u3");
    let med = column(cpindex_sensitivity_result_units, r, 1).unwrap();
    let want: Vec<f64> = rust.uncertainty.iter().map(|u| u.median_rank).collect();
    assert_eq!(med, want);
    let st_hi = column(cpindex_sensitivity_result_indices, r, 7).unwrap();
    let b = rust.sobol.bootstrap.as_ref().unwrap();
    assert_eq!(
        st_hi,
        b.total_interval.iter().map(|x| x.1).collect::<Vec<_>>()
    );
    assert_eq!(
        column(cpindex_sensitivity_result_indices, r, 0).unwrap(),
        rust.sobol.first
    );
    let json = read_text(|b, l, o| unsafe { cpindex_sensitivity_result_json(r, b, l, o) }).unwrap();
    assert!(json.contains("\"design\""));
    // bad codes
    assert_eq!(
        column(cpindex_sensitivity_result_units, r, 10),
        Err(cpindex_status::InvalidArgument)
    );
    assert_eq!(
        column(cpindex_sensitivity_result_indices, r, 8),
        Err(cpindex_status::InvalidArgument)
    );
    let mut len = 0;
    assert_eq!(
        unsafe { cpindex_sensitivity_result_id(r, 2, 0, null_mut(), 0, &mut len) },
        cpindex_status::InvalidArgument
    );
    unsafe { cpindex_sensitivity_result_free(r) };
    unsafe { cpindex_sensitivity_result_free(null()) };
    unsafe { cpindex_panel_free(p) };
    unsafe { cpindex_framework_free(fw) };
}

#[test]
fn errors() {
    let (fw, p) = setup();
    let mut r = null();
    // NULL spec
    assert_eq!(
        unsafe { cpindex_sensitivity_run(fw, p, null(), 0, &mut r) },
        cpindex_status::NullArgument
    );
    assert_eq!(
        unsafe { cpindex_sensitivity_run(fw, p, SPEC.as_ptr().cast(), SPEC.len(), null_mut()) },
        cpindex_status::NullArgument
    );
    // N too small for the bootstrap
    let small = SPEC.replace("\"n\": 16", "\"n\": 4");
    assert_eq!(
        unsafe { cpindex_sensitivity_run(fw, p, small.as_ptr().cast(), small.len(), &mut r) },
        cpindex_status::InvalidSpec
    );
    assert!(last_message().contains("too small for the bootstrap"));
    assert!(r.is_null());
    // no bootstrap: the interval columns are refused, the indices are there
    let none = SPEC.replace("\"bootstrap\": 10", "\"bootstrap\": 0");
    assert_eq!(
        unsafe { cpindex_sensitivity_run(fw, p, none.as_ptr().cast(), none.len(), &mut r) },
        cpindex_status::Ok
    );
    assert_eq!(
        column(cpindex_sensitivity_result_indices, r, 2),
        Err(cpindex_status::InvalidArgument)
    );
    assert!(last_message().contains("bootstrap"));
    assert_eq!(
        column(cpindex_sensitivity_result_indices, r, 1)
            .unwrap()
            .len(),
        2
    );
    unsafe { cpindex_sensitivity_result_free(r) };
    unsafe { cpindex_panel_free(p) };
    unsafe { cpindex_framework_free(fw) };
}
