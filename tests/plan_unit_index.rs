//! `Framework::unit_index` answers as `Framework::unit` (the definition: the first
//! declared unit whose id or display name equals the trimmed key) for every key a data
//! file may carry: ids, Chinese and English names, padded with spaces, unknown, empty.

use cpindex::model::{builtin, Framework, UnitRole};

fn check(fw: &Framework) -> usize {
    let index = fw.unit_index();
    let mut keys: Vec<String> = vec![
        String::new(),
        "   ".into(),
        "nowhere".into(),
        "不存在县".into(),
    ];
    for u in &fw.units {
        for k in [&u.id, &u.name_zh, &u.name_en] {
            keys.push(k.clone());
            keys.push(format!("  {k}\t"));
            keys.push(format!("{k}x"));
        }
    }
    let mut found = 0;
    for k in &keys {
        let want = fw.unit(k);
        let got = index.unit(k);
        assert_eq!(
            got.map(|u| u as *const _),
            want.map(|u| u as *const _),
            "key {k:?}"
        );
        assert_eq!(index.role(k), fw.unit_role(k), "key {k:?}");
        assert_eq!(index.name_zh(k), fw.unit_name_zh(k), "key {k:?}");
        found += usize::from(want.is_some());
    }
    found
}

#[test]
fn the_index_answers_as_the_search_on_the_shipped_frameworks() {
    let fw = builtin::quzhou();
    assert!(!fw.units.is_empty(), "the built-in plan declares its units");
    assert!(check(fw) >= 2 * fw.units.len());
    let county = Framework::from_json(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/frameworks/example-county-2021-2025.json"
        ))
        .unwrap(),
    )
    .unwrap();
    check(&county);
}

#[test]
fn the_first_declared_unit_wins_when_a_name_repeats_its_own_id() {
    // a unit whose Chinese name equals its id, and an English name left empty: the
    // empty name never matches, the shared text names that unit
    let mut fw = builtin::quzhou().clone();
    let k = fw
        .units
        .iter()
        .position(|u| u.role == UnitRole::Part)
        .expect("a part");
    fw.units[k].name_zh = fw.units[k].id.clone();
    fw.units[k].name_en = String::new();
    fw.validate().unwrap();
    check(&fw);
    assert_eq!(fw.unit_index().unit(""), None);
    let id = fw.units[k].id.clone();
    assert_eq!(fw.unit_index().unit(&id).map(|u| &u.id), Some(&id));
}
