//! Rust-level tests of the framework entry points: normal use and every error path (NULL,
//! empty, unknown enum codes, invalid UTF-8, buffer too small, index past the end).
//!
//! Expected values come from the plan text (docs/plan: "地区生产总值达到2500亿元",
//! "市区PM2.5平均浓度小于26微克/立方米") and from the hand-written toy framework below,
//! whose effective weights are computed by hand in the comments.

use std::os::raw::c_char;
use std::ptr::{null, null_mut};

use cpindex::ffi::*;

mod common;
use common::ffi::{last_message, quzhou, read_text};

/// Two dimensions: a (weight 1) with x, y (weights 1, 1) and b (weight 3) with z (weight 2).
/// Effective weights by hand: x = (1/4)·(1/2) = 0.125, y = 0.125, z = (3/4)·(2/2) = 0.75.
const TOY: &str = r#"{
  "id": "toy", "title_zh": "玩具框架", "title_en": "Toy framework",
  "base_year": 2020, "target_year": 2025, "source": "hand-written test",
  "dimensions": [
    {"id": "a", "name_zh": "甲", "name_en": "A", "weight": 1},
    {"id": "b", "name_zh": "乙", "name_en": "B", "weight": 3}
  ],
  "indicators": [
    {"id": "x", "dimension": "a", "name_zh": "指标x", "name_en": "X",
     "unit": {"label": "亿元", "scale": 1e8, "base": "yuan"},
     "polarity": {"type": "higher_is_better"}, "kind": "level",
     "target": 100, "stretch_target": 120, "baseline": 80, "target_year": 2024,
     "aspirational": true, "interim_targets": [{"year": 2022, "value": 90}],
     "weight": 1, "provenance": {"section": "一、发展目标", "phrase": "x达到100亿元，力争120亿元"}},
    {"id": "y", "dimension": "a", "name_zh": "指标y", "name_en": "Y",
     "unit": {"label": "%", "scale": 0.01, "base": "ratio"},
     "polarity": {"type": "interval", "lower": 2, "upper": 3, "tolerance_lower": 1, "tolerance_upper": 5},
     "kind": "share", "weight": 1},
    {"id": "z", "dimension": "b", "name_zh": "指标z", "name_en": "Z",
     "unit": {"label": "个", "scale": 1, "base": "count"},
     "polarity": {"type": "lower_is_better"}, "kind": "count", "target": 5, "weight": 2,
     "relative_target": {"relation": "below", "reference": {"type": "previous_year"},
                         "description": "falls every year"}}
  ]
}"#;

fn toy() -> *const cpindex_framework {
    let mut fw = null();
    let st = unsafe { cpindex_framework_from_json(TOY.as_ptr().cast(), TOY.len(), &mut fw) };
    assert_eq!(st, cpindex_status::Ok, "{}", last_message());
    fw
}

fn ind_text(fw: *const cpindex_framework, i: usize, field: cpindex_indicator_field) -> String {
    read_text(|b, n, o| unsafe { cpindex_framework_indicator_text(fw, i, field as u32, b, n, o) })
        .unwrap()
}

fn ind_number(fw: *const cpindex_framework, i: usize, field: cpindex_indicator_number) -> f64 {
    let mut v = 0.0;
    let st = unsafe { cpindex_framework_indicator_number(fw, i, field as u32, &mut v) };
    assert_eq!(st, cpindex_status::Ok, "{}", last_message());
    v
}

fn index_of(fw: *const cpindex_framework, id: &str) -> usize {
    let mut k = usize::MAX;
    let st = unsafe { cpindex_framework_indicator_index(fw, id.as_ptr().cast(), id.len(), &mut k) };
    assert_eq!(st, cpindex_status::Ok, "{}", last_message());
    k
}

#[test]
fn builtin_quzhou_metadata_matches_the_plan() {
    let fw = quzhou();
    let id = read_text(|b, n, o| unsafe {
        cpindex_framework_text(fw, cpindex_framework_field::Id as u32, b, n, o)
    });
    assert_eq!(id.unwrap(), "quzhou-2021-2025");
    let (mut base, mut target) = (0, 0);
    assert_eq!(
        unsafe { cpindex_framework_years(fw, &mut base, &mut target) },
        cpindex_status::Ok
    );
    assert_eq!((base, target), (2020, 2025));

    let gdp = index_of(fw, "gdp");
    assert_eq!(
        ind_number(fw, gdp, cpindex_indicator_number::Target),
        2500.0
    );
    assert_eq!(
        ind_number(fw, gdp, cpindex_indicator_number::UnitScale),
        1e8
    );
    assert_eq!(
        ind_text(fw, gdp, cpindex_indicator_field::UnitLabel),
        "亿元"
    );
    assert_eq!(
        ind_text(fw, gdp, cpindex_indicator_field::NameZh),
        "地区生产总值"
    );
    assert!(ind_text(fw, gdp, cpindex_indicator_field::Phrase).contains("2500亿元"));
    assert_eq!(
        ind_text(fw, gdp, cpindex_indicator_field::Dimension),
        "economy"
    );

    let pm = index_of(fw, "pm25_concentration");
    let mut pol = 99u32;
    assert_eq!(
        unsafe { cpindex_framework_indicator_polarity(fw, pm, &mut pol) },
        cpindex_status::Ok
    );
    assert_eq!(pol, cpindex_polarity::LowerIsBetter as u32);
    assert_eq!(ind_number(fw, pm, cpindex_indicator_number::Target), 26.0);

    // The dimension index of gdp names `economy`.
    let mut d = usize::MAX;
    assert_eq!(
        unsafe { cpindex_framework_indicator_dimension(fw, gdp, &mut d) },
        cpindex_status::Ok
    );
    let did = read_text(|b, n, o| unsafe {
        cpindex_framework_dimension_text(fw, d, cpindex_dimension_field::Id as u32, b, n, o)
    });
    assert_eq!(did.unwrap(), "economy");
    unsafe { cpindex_framework_free(fw) };
}

#[test]
fn toy_framework_every_accessor() {
    let fw = toy();
    let (mut nd, mut ni) = (0, 0);
    assert_eq!(
        unsafe { cpindex_framework_dimension_count(fw, &mut nd) },
        cpindex_status::Ok
    );
    assert_eq!(
        unsafe { cpindex_framework_indicator_count(fw, &mut ni) },
        cpindex_status::Ok
    );
    assert_eq!((nd, ni), (2, 3));
    let field = |f: cpindex_framework_field| {
        read_text(|b, n, o| unsafe { cpindex_framework_text(fw, f as u32, b, n, o) }).unwrap()
    };
    assert_eq!(field(cpindex_framework_field::TitleZh), "玩具框架");
    assert_eq!(field(cpindex_framework_field::TitleEn), "Toy framework");
    assert_eq!(field(cpindex_framework_field::Source), "hand-written test");

    // dimensions
    let dtext = |i: usize, f: cpindex_dimension_field| {
        read_text(|b, n, o| unsafe { cpindex_framework_dimension_text(fw, i, f as u32, b, n, o) })
            .unwrap()
    };
    assert_eq!(dtext(1, cpindex_dimension_field::Id), "b");
    assert_eq!(dtext(1, cpindex_dimension_field::NameZh), "乙");
    assert_eq!(dtext(1, cpindex_dimension_field::NameEn), "B");
    assert_eq!(
        dtext(1, cpindex_dimension_field::Parent),
        "",
        "top level: empty parent"
    );
    let mut w = 0.0;
    assert_eq!(
        unsafe { cpindex_framework_dimension_weight(fw, 1, &mut w) },
        cpindex_status::Ok
    );
    assert_eq!(w, 3.0);
    let mut k = 9;
    assert_eq!(
        unsafe { cpindex_framework_dimension_index(fw, "b".as_ptr().cast(), 1, &mut k) },
        cpindex_status::Ok
    );
    assert_eq!(k, 1);

    // indicator x: everything present
    use cpindex_indicator_number as N;
    assert_eq!(ind_number(fw, 0, N::Target), 100.0);
    assert_eq!(ind_number(fw, 0, N::StretchTarget), 120.0);
    assert_eq!(ind_number(fw, 0, N::Baseline), 80.0);
    assert_eq!(ind_number(fw, 0, N::Weight), 1.0);
    assert_eq!(ind_number(fw, 0, N::TargetYear), 2024.0);
    assert_eq!(ind_number(fw, 0, N::EffectiveWeight), 0.125);
    assert_eq!(ind_number(fw, 1, N::EffectiveWeight), 0.125);
    assert_eq!(ind_number(fw, 2, N::EffectiveWeight), 0.75);
    assert_eq!(
        ind_text(fw, 0, cpindex_indicator_field::Section),
        "一、发展目标"
    );
    assert_eq!(ind_text(fw, 0, cpindex_indicator_field::UnitBase), "yuan");
    assert_eq!(ind_text(fw, 0, cpindex_indicator_field::NameEn), "X");
    assert_eq!(ind_text(fw, 0, cpindex_indicator_field::Id), "x");
    let mut flags = 0u32;
    assert_eq!(
        unsafe { cpindex_framework_indicator_flags(fw, 0, &mut flags) },
        cpindex_status::Ok
    );
    assert_eq!(
        flags,
        CPINDEX_INDICATOR_HAS_TARGET
            | CPINDEX_INDICATOR_HAS_STRETCH_TARGET
            | CPINDEX_INDICATOR_HAS_BASELINE
            | CPINDEX_INDICATOR_HAS_TARGET_YEAR
            | CPINDEX_INDICATOR_ASPIRATIONAL
            | CPINDEX_INDICATOR_HAS_INTERIM_TARGETS
    );
    let mut kind = 99;
    assert_eq!(
        unsafe { cpindex_framework_indicator_kind(fw, 0, &mut kind) },
        cpindex_status::Ok
    );
    assert_eq!(kind, cpindex_kind::Level as u32);

    // indicator y: interval, no target → NaN, framework target year
    assert!(ind_number(fw, 1, N::Target).is_nan());
    assert!(ind_number(fw, 1, N::StretchTarget).is_nan());
    assert!(ind_number(fw, 1, N::Baseline).is_nan());
    assert_eq!(ind_number(fw, 1, N::TargetYear), 2025.0);
    assert_eq!(
        unsafe { cpindex_framework_indicator_flags(fw, 1, &mut flags) },
        cpindex_status::Ok
    );
    assert_eq!(flags, 0);
    let mut pol = 99;
    assert_eq!(
        unsafe { cpindex_framework_indicator_polarity(fw, 1, &mut pol) },
        cpindex_status::Ok
    );
    assert_eq!(pol, cpindex_polarity::Interval as u32);
    let mut iv = cpindex_interval {
        lower: 0.0,
        upper: 0.0,
        tolerance_lower: 0.0,
        tolerance_upper: 0.0,
    };
    assert_eq!(
        unsafe { cpindex_framework_indicator_interval(fw, 1, &mut iv) },
        cpindex_status::Ok
    );
    assert_eq!(
        (iv.lower, iv.upper, iv.tolerance_lower, iv.tolerance_upper),
        (2.0, 3.0, 1.0, 5.0)
    );
    assert_eq!(
        unsafe { cpindex_framework_indicator_interval(fw, 0, &mut iv) },
        cpindex_status::Ok
    );
    assert!(
        iv.lower.is_nan()
            && iv.upper.is_nan()
            && iv.tolerance_lower.is_nan()
            && iv.tolerance_upper.is_nan()
    );
    assert_eq!(
        unsafe { cpindex_framework_indicator_kind(fw, 1, &mut kind) },
        cpindex_status::Ok
    );
    assert_eq!(kind, cpindex_kind::Share as u32);

    // indicator z: relative target text and flag
    assert_eq!(
        ind_text(fw, 2, cpindex_indicator_field::RelativeTarget),
        "falls every year"
    );
    assert_eq!(ind_text(fw, 1, cpindex_indicator_field::RelativeTarget), "");
    assert_eq!(
        unsafe { cpindex_framework_indicator_flags(fw, 2, &mut flags) },
        cpindex_status::Ok
    );
    assert_eq!(
        flags,
        CPINDEX_INDICATOR_HAS_TARGET | CPINDEX_INDICATOR_HAS_RELATIVE_TARGET
    );
    let mut d = 9;
    assert_eq!(
        unsafe { cpindex_framework_indicator_dimension(fw, 2, &mut d) },
        cpindex_status::Ok
    );
    assert_eq!(d, 1);
    unsafe { cpindex_framework_free(fw) };
}

#[test]
fn json_round_trip_and_clone() {
    let fw = toy();
    let json = read_text(|b, n, o| unsafe { cpindex_framework_to_json(fw, b, n, o) }).unwrap();
    let mut again = null();
    let st = unsafe { cpindex_framework_from_json(json.as_ptr().cast(), json.len(), &mut again) };
    assert_eq!(st, cpindex_status::Ok);
    let json2 = read_text(|b, n, o| unsafe { cpindex_framework_to_json(again, b, n, o) }).unwrap();
    assert_eq!(json, json2);
    let mut c = null();
    assert_eq!(
        unsafe { cpindex_framework_clone(fw, &mut c) },
        cpindex_status::Ok
    );
    unsafe { cpindex_framework_free(fw) }; // the clone outlives the original
    let mut n = 0;
    assert_eq!(
        unsafe { cpindex_framework_indicator_count(c, &mut n) },
        cpindex_status::Ok
    );
    assert_eq!(n, 3);
    unsafe {
        cpindex_framework_free(c);
        cpindex_framework_free(again);
        cpindex_framework_free(null()); // no-op
    }
}

#[test]
fn builtin_errors() {
    let mut fw = 0x1 as *const cpindex_framework; // must stay untouched on failure
    let sentinel = fw;
    let name = "hangzhou";
    let st = unsafe { cpindex_framework_builtin(name.as_ptr().cast(), name.len(), &mut fw) };
    assert_eq!(st, cpindex_status::UnknownId);
    assert_eq!(fw, sentinel, "out written only on success");
    let msg = last_message();
    assert!(msg.starts_with("cpindex_framework_builtin: "), "{msg}");
    assert!(
        msg.contains("hangzhou") && msg.contains("quzhou-2021-2025"),
        "{msg}"
    );
    // (NULL, 0) is the empty name: unknown
    assert_eq!(
        unsafe { cpindex_framework_builtin(null(), 0, &mut fw) },
        cpindex_status::UnknownId
    );
    assert_eq!(
        unsafe { cpindex_framework_builtin(null(), 3, &mut fw) },
        cpindex_status::NullArgument
    );
    assert!(last_message().contains("`name`"));
    let q = "quzhou-2021-2025";
    assert_eq!(
        unsafe { cpindex_framework_builtin(q.as_ptr().cast(), q.len(), null_mut()) },
        cpindex_status::NullArgument
    );
    assert!(last_message().contains("`out`"));
    let bad = b"quzhou\xff";
    assert_eq!(
        unsafe { cpindex_framework_builtin(bad.as_ptr().cast(), bad.len(), &mut fw) },
        cpindex_status::InvalidUtf8
    );
    // Not NUL-terminated: the length rules, so a prefix of a longer buffer works.
    let longer = "quzhou-2021-2025XYZ";
    let mut ok = null();
    assert_eq!(
        unsafe { cpindex_framework_builtin(longer.as_ptr().cast(), q.len(), &mut ok) },
        cpindex_status::Ok
    );
    unsafe { cpindex_framework_free(ok) };
    assert_eq!(fw, sentinel);
}

#[test]
fn from_json_errors() {
    let mut fw = null();
    assert_eq!(
        unsafe { cpindex_framework_from_json(null(), 0, &mut fw) },
        cpindex_status::JsonError
    );
    let broken = "{\n \"id\": }";
    assert_eq!(
        unsafe { cpindex_framework_from_json(broken.as_ptr().cast(), broken.len(), &mut fw) },
        cpindex_status::JsonError
    );
    assert!(last_message().contains("line 2"), "{}", last_message());
    let invalid = TOY.replace("\"weight\": 3", "\"weight\": -3");
    assert_eq!(
        unsafe { cpindex_framework_from_json(invalid.as_ptr().cast(), invalid.len(), &mut fw) },
        cpindex_status::InvalidFramework
    );
    assert!(last_message().contains("toy"), "{}", last_message());
    let bad = b"{\"id\": \"\xc3\x28\"}";
    assert_eq!(
        unsafe { cpindex_framework_from_json(bad.as_ptr().cast(), bad.len(), &mut fw) },
        cpindex_status::InvalidUtf8
    );
    assert_eq!(
        unsafe { cpindex_framework_from_json(TOY.as_ptr().cast(), TOY.len(), null_mut()) },
        cpindex_status::NullArgument
    );
    assert!(fw.is_null());
}

#[test]
fn accessor_errors() {
    let fw = toy();
    let mut n = 0usize;
    let mut v = 0.0;
    let mut u = 0u32;
    let mut buf = [0 as c_char; 64];
    // NULL framework everywhere
    unsafe {
        assert_eq!(
            cpindex_framework_indicator_count(null(), &mut n),
            cpindex_status::NullArgument
        );
        assert!(last_message().contains("`framework`"));
        assert_eq!(
            cpindex_framework_dimension_count(null(), &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_to_json(null(), buf.as_mut_ptr(), 64, &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_text(null(), 0, buf.as_mut_ptr(), 64, &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_indicator_number(null(), 0, 0, &mut v),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_indicator_flags(null(), 0, &mut u),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_indicator_polarity(null(), 0, &mut u),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_indicator_kind(null(), 0, &mut u),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_dimension_weight(null(), 0, &mut v),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_indicator_dimension(null(), 0, &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_clone(null(), &mut null()),
            cpindex_status::NullArgument
        );
        let (mut a, mut b) = (0, 0);
        assert_eq!(
            cpindex_framework_years(null(), &mut a, &mut b),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_years(fw, &mut a, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!((a, b), (0, 0), "nothing written when any output is NULL");
        // NULL outputs
        assert_eq!(
            cpindex_framework_indicator_count(fw, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_dimension_count(fw, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_indicator_number(fw, 0, 0, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_indicator_interval(fw, 0, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_to_json(fw, buf.as_mut_ptr(), 64, null_mut()),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_to_json(fw, null_mut(), 64, &mut n),
            cpindex_status::NullArgument
        );
        // bad enum codes
        assert_eq!(
            cpindex_framework_text(fw, 4, buf.as_mut_ptr(), 64, &mut n),
            cpindex_status::InvalidArgument
        );
        assert!(
            last_message().contains("cpindex_framework_field"),
            "{}",
            last_message()
        );
        assert_eq!(
            cpindex_framework_dimension_text(fw, 0, 4, buf.as_mut_ptr(), 64, &mut n),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_framework_indicator_text(fw, 0, 9, buf.as_mut_ptr(), 64, &mut n),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_framework_indicator_number(fw, 0, 7, &mut v),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_framework_indicator_number(fw, 0, u32::MAX, &mut v),
            cpindex_status::InvalidArgument
        );
        // index past the end
        assert_eq!(
            cpindex_framework_indicator_number(fw, 3, 0, &mut v),
            cpindex_status::InvalidArgument
        );
        assert!(
            last_message().contains("index 3 is past the end"),
            "{}",
            last_message()
        );
        assert_eq!(
            cpindex_framework_indicator_text(fw, 3, 0, buf.as_mut_ptr(), 64, &mut n),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_framework_indicator_flags(fw, 3, &mut u),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_framework_indicator_polarity(fw, 3, &mut u),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_framework_indicator_kind(fw, 3, &mut u),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_framework_indicator_dimension(fw, 3, &mut n),
            cpindex_status::InvalidArgument
        );
        let mut iv = std::mem::zeroed::<cpindex_interval>();
        assert_eq!(
            cpindex_framework_indicator_interval(fw, 3, &mut iv),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_framework_dimension_text(fw, 2, 0, buf.as_mut_ptr(), 64, &mut n),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_framework_dimension_weight(fw, 2, &mut v),
            cpindex_status::InvalidArgument
        );
        // unknown ids, bad UTF-8, empty id
        assert_eq!(
            cpindex_framework_indicator_index(fw, "gdp".as_ptr().cast(), 3, &mut n),
            cpindex_status::UnknownId
        );
        assert!(last_message().contains("`gdp`") && last_message().contains("`toy`"));
        assert_eq!(
            cpindex_framework_dimension_index(fw, "zz".as_ptr().cast(), 2, &mut n),
            cpindex_status::UnknownId
        );
        assert_eq!(
            cpindex_framework_indicator_index(fw, null(), 0, &mut n),
            cpindex_status::UnknownId
        );
        assert_eq!(
            cpindex_framework_indicator_index(fw, b"\xff".as_ptr().cast(), 1, &mut n),
            cpindex_status::InvalidUtf8
        );
        assert_eq!(
            cpindex_framework_indicator_index(fw, null(), 1, &mut n),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_dimension_index(fw, "a".as_ptr().cast(), 1, null_mut()),
            cpindex_status::NullArgument
        );
        // buffer too small reports the size
        let id_len = "toy".len();
        assert_eq!(
            cpindex_framework_text(fw, 0, buf.as_mut_ptr(), 3, &mut n),
            cpindex_status::BufferTooSmall
        );
        assert_eq!(n, id_len);
        assert!(last_message().contains("4 bytes"), "{}", last_message());
        cpindex_framework_free(fw);
    }
}

#[test]
fn interim_targets() {
    let fw = toy();
    let mut n = 9usize;
    let (mut ys, mut vs) = ([0i32; 2], [0.0f64; 2]);
    unsafe {
        // x has one milestone: 2022 → 90 (from TOY)
        assert_eq!(
            cpindex_framework_indicator_interim_targets(fw, 0, null_mut(), null_mut(), 0, &mut n),
            cpindex_status::BufferTooSmall
        );
        assert_eq!(n, 1);
        assert_eq!(
            cpindex_framework_indicator_interim_targets(
                fw,
                0,
                ys.as_mut_ptr(),
                vs.as_mut_ptr(),
                2,
                &mut n
            ),
            cpindex_status::Ok
        );
        assert_eq!((n, ys[0], vs[0]), (1, 2022, 90.0));
        // y has none: (NULL, NULL, 0) succeeds with 0
        assert_eq!(
            cpindex_framework_indicator_interim_targets(fw, 1, null_mut(), null_mut(), 0, &mut n),
            cpindex_status::Ok
        );
        assert_eq!(n, 0);
        assert_eq!(
            cpindex_framework_indicator_interim_targets(
                fw,
                0,
                ys.as_mut_ptr(),
                null_mut(),
                2,
                &mut n
            ),
            cpindex_status::NullArgument
        );
        assert!(last_message().contains("`values`"));
        assert_eq!(
            cpindex_framework_indicator_interim_targets(
                fw,
                0,
                ys.as_mut_ptr(),
                vs.as_mut_ptr(),
                2,
                null_mut()
            ),
            cpindex_status::NullArgument
        );
        assert_eq!(
            cpindex_framework_indicator_interim_targets(
                fw,
                3,
                ys.as_mut_ptr(),
                vs.as_mut_ptr(),
                2,
                &mut n
            ),
            cpindex_status::InvalidArgument
        );
        assert_eq!(
            cpindex_framework_indicator_interim_targets(
                null(),
                0,
                ys.as_mut_ptr(),
                vs.as_mut_ptr(),
                2,
                &mut n
            ),
            cpindex_status::NullArgument
        );
        cpindex_framework_free(fw);
    }
}

#[test]
fn interior_nul_keeps_its_length() {
    // docs: texts from JSON may contain U+0000; the length, not the terminator, rules.
    let json = TOY.replace("\"name_en\": \"X\"", "\"name_en\": \"X\\u0000Y\"");
    let mut fw = null();
    let st = unsafe { cpindex_framework_from_json(json.as_ptr().cast(), json.len(), &mut fw) };
    assert_eq!(st, cpindex_status::Ok, "{}", last_message());
    assert_eq!(ind_text(fw, 0, cpindex_indicator_field::NameEn), "X\0Y");
    unsafe { cpindex_framework_free(fw) };
}

/// Every indicator and dimension id of the built-in framework (102 indicators) and of a
/// clone of it is found at its position in the framework's own lists — the handle indexes
/// the ids on its first lookup, so each lookup here is a hash lookup — and ids that are
/// prefixes, extensions or other-case forms of real ones are `UNKNOWN_ID`; each
/// indicator's dimension position and effective weight (kept after the first request)
/// are the framework's own.
#[test]
fn every_id_is_found_at_its_position() {
    let fw_rust = cpindex::model::builtin::get("quzhou-2021-2025").unwrap();
    let mut fw = null();
    let name = "quzhou-2021-2025";
    let st = unsafe { cpindex_framework_builtin(name.as_ptr().cast(), name.len(), &mut fw) };
    assert_eq!(st, cpindex_status::Ok, "{}", last_message());
    let mut clone = null();
    assert_eq!(
        unsafe { cpindex_framework_clone(fw, &mut clone) },
        cpindex_status::Ok
    );
    let dim_index = |h: *const cpindex_framework, id: &str| {
        let mut k = usize::MAX;
        let st =
            unsafe { cpindex_framework_dimension_index(h, id.as_ptr().cast(), id.len(), &mut k) };
        (st, k)
    };
    let weights = fw_rust.effective_weights();
    for h in [fw, clone] {
        for (k, ind) in fw_rust.indicators.iter().enumerate() {
            assert_eq!(index_of(h, &ind.id), k, "{}", ind.id);
            // its dimension's position, and its effective weight (computed for all on the
            // first request, then read back)
            let mut d = usize::MAX;
            assert_eq!(
                unsafe { cpindex_framework_indicator_dimension(h, k, &mut d) },
                cpindex_status::Ok
            );
            assert_eq!(fw_rust.dimensions[d].id, ind.dimension);
            let w = ind_number(h, k, cpindex_indicator_number::EffectiveWeight);
            assert_eq!(w.to_bits(), weights[k].to_bits(), "{}", ind.id);
        }
        for (k, d) in fw_rust.dimensions.iter().enumerate() {
            assert_eq!(dim_index(h, &d.id), (cpindex_status::Ok, k), "{}", d.id);
        }
        let first = &fw_rust.indicators[0].id;
        for absent in [
            String::new(),
            first[..first.len() - 1].to_string(),
            format!("{first}_"),
            first.to_uppercase(),
        ] {
            let mut k = 7;
            let st = unsafe {
                cpindex_framework_indicator_index(h, absent.as_ptr().cast(), absent.len(), &mut k)
            };
            assert_eq!((st, k), (cpindex_status::UnknownId, 7), "`{absent}`");
            assert_eq!(dim_index(h, &absent).0, cpindex_status::UnknownId);
        }
    }
    unsafe {
        cpindex_framework_free(fw);
        cpindex_framework_free(clone);
    }
}
