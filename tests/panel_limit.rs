//! The configurable panel cell limit (a process-wide setting, so alone in its own test
//! binary: no other test can observe the lowered limit).

use cpindex::data::{read_long_csv_str, set_max_panel_cells, Panel, DEFAULT_MAX_PANEL_CELLS};

#[test]
fn the_cell_limit_is_configurable_and_checked_before_allocating() {
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // 2 units × 3 periods × 2 indicators = 12 cells
    assert_eq!(set_max_panel_cells(12), DEFAULT_MAX_PANEL_CELLS);
    Panel::new(ids(&["a", "b"]), vec![1, 2, 3], ids(&["x", "y"])).unwrap();
    assert_eq!(set_max_panel_cells(11), 12);
    let e = Panel::new(ids(&["a", "b"]), vec![1, 2, 3], ids(&["x", "y"]))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("2 units × 3 periods × 2 indicators") && e.contains("11 cells"),
        "{e}"
    );
    // every reader goes through the same check
    let e = read_long_csv_str(
        "unit,period,indicator,value\na,1,x,1\nb,2,x,1\nc,3,x,1\nd,4,x,1\n",
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("4 units × 4 periods × 1 indicators"), "{e}");
    // 0 restores the default
    assert_eq!(set_max_panel_cells(0), 11);
    assert_eq!(cpindex::data::max_panel_cells(), DEFAULT_MAX_PANEL_CELLS);
}
