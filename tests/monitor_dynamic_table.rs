//! Issue 16, seventh pass: the dynamic monitoring index of a run is a columnar table
//! ([`DynamicTable`]): per-year numbers in columns, every list's entries in one flat
//! column, a unit's [`DynamicIndex`] built on request. Here, on a run whose units miss
//! cells in different years:
//!
//! * each entry's lists are its own (a list sliced at the wrong place breaks these
//!   identities of the definition, docs/monitoring.md): the indicator contributions add
//!   up to the matched change and their growth shares to 100·(link − 1), the dimension
//!   contributions add up to the same change, the indicators excluded from a link are
//!   those missing in either of its two years, the fixed-base index is 100·C_t / C_base
//!   and the chained index the product of the links;
//! * the column accessors equal the records;
//! * the serde form is the list of entries and reads back into an equal table, as does
//!   `from_records`.

mod common;

use std::collections::BTreeSet;

use cpindex::model::Framework;
use cpindex::monitor::*;

const UNITS: [&str; 4] = ["kecheng", "a", "b", "c"];

fn run() -> MonitorResults {
    let fw: Framework = common::monitor::framework_with_own_targets(55.0, 4.0, 7, 12.0);
    let p = common::monitor::panel_2020_2025(&fw, &UNITS, |u, i, ind, pi| {
        let t = ind.target.unwrap_or(10.0).abs().max(1.0);
        // each unit its own holes, in some years only
        let missing = pi > 0 && (i * 7 + pi * 3 + u * 5) % (11 + u) == 0;
        if missing {
            f64::NAN
        } else {
            t * (0.6 + 0.06 * pi as f64 + 0.03 * u as f64 + 0.004 * (i % 13) as f64)
        }
    });
    let spec = MonitorSpec {
        units: Some(names_of()),
        ..MonitorSpec::default()
    };
    monitor(&fw, &p, &spec).unwrap()
}

fn names_of() -> Vec<String> {
    UNITS.iter().map(|s| s.to_string()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn every_entry_satisfies_the_definition() {
    let r = run();
    let d = &r.dynamic;
    assert_eq!(d.len(), UNITS.len());
    let (mut n_missing, mut n_changes) = (0, 0);
    for (e, unit) in UNITS.iter().enumerate() {
        let x = d.record(e);
        assert_eq!(&*x.unit, *unit);
        let base = x.years[0].composite.unwrap();
        let mut chained = 100.0;
        for (r, y) in x.years.iter().enumerate() {
            let c = y.composite.unwrap();
            assert!(close(y.fixed_base_index.unwrap(), 100.0 * c / base));
            n_missing += y.missing.len();
            let Some(ch) = &y.change else {
                assert_eq!(r, 0);
                continue;
            };
            n_changes += 1;
            chained *= ch.link;
            assert!(close(y.chained_index.unwrap(), chained));
            let change = ch.matched_to - ch.matched_from;
            let pts: f64 = ch.indicators.iter().map(|c| c.points).sum();
            let dim_pts: f64 = ch.dimensions.iter().map(|c| c.points).sum();
            let growth: f64 = ch.indicators.iter().map(|c| c.growth_pct).sum();
            assert!(
                close(pts, change),
                "{} {}: {pts} vs {change}",
                x.unit,
                y.year
            );
            assert!(close(dim_pts, change));
            assert!(close(growth, 100.0 * (ch.link - 1.0)));
            let weights: f64 = ch.indicators.iter().map(|c| c.weight).sum();
            assert!(close(weights, 1.0));
            // excluded from the link = missing in this year or the previous one
            let prev = &x.years[r - 1];
            let want: BTreeSet<&str> = y
                .missing
                .iter()
                .chain(&prev.missing)
                .map(|m| &**m)
                .collect();
            let got: BTreeSet<&str> = ch.excluded.iter().map(|m| &**m).collect();
            assert_eq!(got, want, "{} {}", x.unit, y.year);
            // and the contributions are the others
            assert!(ch.indicators.iter().all(|c| !want.contains(&*c.id)));
        }
    }
    assert!(n_missing > 20, "{n_missing}");
    assert_eq!(n_changes, UNITS.len() * 5);
}

#[test]
fn columns_equal_the_records_and_serde_reads_back() {
    let r = run();
    let d = &r.dynamic;
    let opt = |v: f64| (!v.is_nan()).then_some(v);
    for e in 0..d.len() {
        let x = d.record(e);
        assert_eq!(d.unit(e), &*x.unit);
        assert_eq!(d.base_year(e), x.base_year);
        assert_eq!(r.dynamic_position(&x.unit), Some(e));
        let years: Vec<i32> = x.years.iter().map(|y| y.year).collect();
        assert_eq!(d.years(e), &years[..]);
        for (k, y) in x.years.iter().enumerate() {
            assert_eq!(opt(d.composite(e)[k]), y.composite);
            assert_eq!(opt(d.fixed_base_index(e)[k]), y.fixed_base_index);
            assert_eq!(opt(d.chained_index(e)[k]), y.chained_index);
        }
    }
    assert_eq!(r.dynamic_position("no_such_unit"), None);
    let records: Vec<DynamicIndex> = d.records().collect();
    common::monitor::assert_table_round_trip(d, &records, DynamicTable::from_records, |t| {
        t.records().collect()
    });
    // a list entry less makes the tables differ
    let mut changed = records.clone();
    let y = changed
        .iter_mut()
        .flat_map(|x| x.years.iter_mut())
        .find(|y| !y.missing.is_empty())
        .expect("a year with a missing indicator");
    y.missing.pop();
    assert_ne!(&DynamicTable::from_records(&changed), d);
    let whole: MonitorResults = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(whole, r);
}
