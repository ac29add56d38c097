//! The size of a monitoring run is checked before anything is allocated for it (issue 13's
//! rule, for the tables whose size the framework multiplies): a record per unit ×
//! framework indicator × evaluated year, at most the panel cell limit — a small panel
//! under a framework of many indicators must be refused with a message, through Rust and
//! the C ABI alike, never abort the host at the allocation. The limit is process-wide,
//! so this test is alone in its own binary.

use cpindex::data::{set_max_panel_cells, Panel};
use cpindex::evaluate::{evaluate, EvaluationSpec, Request};
use cpindex::ffi::*;
use cpindex::model::builtin;
use cpindex::monitor::{monitor, MonitorSpec};

mod common;
use common::ffi::last_message;

#[test]
fn a_monitoring_run_larger_than_the_limit_is_refused_before_allocating() {
    let fw = builtin::quzhou();
    let ni = fw.indicators.len();
    // 3 units × 2 periods × 1 indicator: a 6-cell panel; monitoring it keeps a record per
    // unit × framework indicator × evaluated year (2020, 2021): 3 · ni · 2
    let one = fw.indicators[0].id.clone();
    let mut p = Panel::new(
        ["a", "b", "c"].map(String::from).to_vec(),
        vec![2020, 2021],
        vec![one],
    )
    .unwrap();
    for u in 0..3 {
        for q in 0..2 {
            p.set(u, q, 0, 100.0 + u as f64 + q as f64).unwrap();
        }
    }
    let records = 3 * ni * 2;
    let want = format!(
        "3 units × {ni} indicators × 2 evaluated years = {records} is more than the limit of {}",
        records - 1
    );

    // at the limit: monitored
    let default = set_max_panel_cells(records);
    let res = monitor(fw, &p, &MonitorSpec::default()).unwrap();
    assert_eq!(res.achievements.len(), records);

    // one below: refused, by monitoring and by the evaluation that runs it
    set_max_panel_cells(records - 1);
    let e = monitor(fw, &p, &MonitorSpec::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("monitoring size") && e.contains(&want), "{e}");
    assert!(e.contains("cpindex_set_max_panel_cells"), "{e}");
    let spec = EvaluationSpec::default();
    let e = evaluate(Request {
        framework: fw,
        panel: &p,
        survey: None,
        households: None,
        spec: &spec,
    })
    .unwrap_err()
    .to_string();
    assert!(e.contains(&want), "{e}");

    // through the C ABI: a status and the message, no result
    unsafe {
        let name = "quzhou-2021-2025";
        let mut f = std::ptr::null();
        assert_eq!(
            cpindex_framework_builtin(name.as_ptr().cast(), name.len(), &mut f),
            cpindex_status::Ok
        );
        let csv = format!(
            "unit,period,indicator,value\na,2020,{0},1\nb,2020,{0},2\nc,2021,{0},3\n",
            fw.indicators[0].id
        );
        let mut panel = std::ptr::null_mut();
        assert_eq!(
            cpindex_panel_from_csv(csv.as_ptr().cast(), csv.len(), 0, f, &mut panel),
            cpindex_status::Ok
        );
        let mut r = std::ptr::null();
        let st = cpindex_monitor_run(f, panel, std::ptr::null(), 0, &mut r);
        assert_eq!(st, cpindex_status::InvalidArgument);
        assert!(r.is_null());
        let m = last_message();
        assert!(m.contains(&want), "{m}");
        // at the limit again: the same call succeeds
        set_max_panel_cells(records);
        assert_eq!(
            cpindex_monitor_run(f, panel, std::ptr::null(), 0, &mut r),
            cpindex_status::Ok
        );
        cpindex_monitor_result_free(r);
        cpindex_panel_free(panel);
        cpindex_framework_free(f);
    }
    set_max_panel_cells(default);
}
