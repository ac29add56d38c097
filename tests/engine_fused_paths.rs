//! The pipeline's fused fast paths against the step functions they stand in for.
//!
//! `run` normalises each column in the pass that computes its moments (min–max) and adds it
//! to its leaf dimension's sums while it is in cache (weighted arithmetic mean with weights
//! that do not depend on the data). These tests recompute the same quantities with the
//! public step functions — `normalise_column`, `aggregate_units` — and with the textbook
//! formulas written out here, on random data with missing values and heavy tails.

use cpindex::data::Panel;
use cpindex::method::aggregate::{aggregate_units, Aggregation, MissingRule};
use cpindex::method::{run, Spec};
use cpindex::model::Framework;

/// index → 2 dimensions → 2 sub-dimensions each → 3 indicators each (12 indicators);
/// indicator weights 1, 2, 3; every third indicator lower-is-better.
fn framework() -> Framework {
    let mut dims = Vec::new();
    let mut inds = Vec::new();
    for d in 0..2 {
        dims.push(serde_json::json!({"id": format!("d{d}"), "name_zh": "d", "name_en": "d", "weight": 1.0 + d as f64}));
        for s in 0..2 {
            let sid = format!("d{d}_s{s}");
            dims.push(serde_json::json!({"id": sid, "parent": format!("d{d}"), "name_zh": "s", "name_en": "s"}));
            for k in 0..3 {
                let j = (d * 2 + s) * 3 + k;
                let pol = if j % 3 == 0 {
                    "lower_is_better"
                } else {
                    "higher_is_better"
                };
                inds.push(serde_json::json!({
                    "id": format!("i{j}"), "dimension": sid, "name_zh": "i", "name_en": "i",
                    "unit": {"label": "x"}, "polarity": {"type": pol}, "kind": "level",
                    "target": 1.0, "weight": 1.0 + k as f64
                }));
            }
        }
    }
    let fw = serde_json::json!({
        "id": "fx", "title_zh": "f", "title_en": "f", "base_year": 2020, "target_year": 2025,
        "dimensions": dims, "indicators": inds
    });
    Framework::from_json(&fw.to_string()).unwrap()
}

/// Random panel: 5 % missing; indicators 0 and 6 heavy-tailed (treated by the default
/// rule); indicator 4 complete (no missing value).
fn panel(fw: &Framework, n_units: usize, n_periods: usize, seed: u64) -> Panel {
    let mut s = seed | 1;
    let mut r = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
    let mut v = Vec::new();
    for j in 0..ids.len() {
        for _ in 0..n_units * n_periods {
            let (a, b, c) = (r(), r(), r());
            v.push(if j != 4 && a < 0.05 {
                f64::NAN
            } else if (j == 0 || j == 6) && b < 0.01 {
                1e3 * c
            } else {
                1.0 + 9.0 * c
            });
        }
    }
    Panel::from_values(
        (0..n_units).map(|u| format!("u{u}")).collect(),
        (0..n_periods as i32).map(|p| 2020 + p).collect(),
        ids,
        v,
    )
    .unwrap()
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn leaf_scores_equal_aggregate_units_on_the_normalised_values() {
    let fw = framework();
    for (n_units, n_periods, seed) in [(200, 3, 7), (1000, 1, 11), (5, 2, 3)] {
        let p = panel(&fw, n_units, n_periods, seed);
        for spec_json in [
            "{}",
            r#"{"aggregation": {"default": {"method": {"method": "arithmetic"}, "missing": {"min_share": 0.7}}}}"#,
            r#"{"aggregation": {"default": {"method": {"method": "arithmetic"}, "missing": {"min_share": 0.5, "by_weight": true}}}}"#,
            r#"{"weighting": {"indicators": {"method": "equal"}}}"#,
        ] {
            let spec = Spec::from_json(spec_json).unwrap();
            let res = run(&fw, &p, &spec).unwrap();
            let la = spec.aggregation.for_node("d0_s0", 1);
            assert_eq!(la.method, Aggregation::Arithmetic);
            for node in res.nodes.iter().filter(|n| n.holds_indicators) {
                for (q, &period) in res.periods.iter().enumerate() {
                    // normalised weights of the node's children as reported
                    let w: Vec<f64> = node
                        .children
                        .iter()
                        .map(|c| {
                            res.weights
                                .iter()
                                .find(|x| x.node == node.id && &x.child == c && x.period == period)
                                .unwrap()
                                .normalised
                        })
                        .collect();
                    let mut matrix = Vec::new();
                    for c in &node.children {
                        matrix.extend_from_slice(res.normalised_for(c, period).unwrap());
                    }
                    let mut want = vec![0.0; n_units];
                    aggregate_units(&matrix, n_units, &w, &la.method, &la.missing, &mut want)
                        .unwrap();
                    let got = res.scores_for(&node.id, period).unwrap();
                    assert_eq!(
                        bits(got),
                        bits(&want),
                        "{spec_json}: node {} q {q}",
                        node.id
                    );
                    // and the formula written out: Σ w·y / Σ w over the available children,
                    // NaN below the availability rule
                    let rule: MissingRule = la.missing;
                    for u in 0..n_units {
                        let (mut sw, mut swy, mut na) = (0.0, 0.0, 0);
                        for (c, &wc) in w.iter().enumerate() {
                            let y = matrix[c * n_units + u];
                            if !y.is_nan() && wc > 0.0 {
                                sw += wc;
                                swy += wc * y;
                                na += 1;
                            }
                        }
                        let nw = w.iter().filter(|&&x| x > 0.0).count();
                        let share = if rule.by_weight {
                            sw / w.iter().sum::<f64>()
                        } else {
                            na as f64 / nw as f64
                        };
                        if na == 0 || share + 1e-12 < rule.min_share {
                            assert!(got[u].is_nan(), "unit {u}");
                        } else {
                            assert!(
                                (got[u] - swy / sw).abs() <= 1e-12 * (swy / sw).abs().max(1.0),
                                "unit {u}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn min_max_columns_follow_the_formula() {
    // y = 100·(x − min)/(max − min) (higher is better), 100·(max − x)/(max − min) (lower),
    // on the values after treatment; with treatment disabled these are the raw values.
    let fw = framework();
    let p = panel(&fw, 300, 2, 5);
    let spec = Spec::from_json(r#"{"treatment": {"enabled": false}}"#).unwrap();
    let res = run(&fw, &p, &spec).unwrap();
    for (j, ind) in fw.indicators.iter().enumerate() {
        for (q, &period) in res.periods.iter().enumerate() {
            let x = p.column(q, p.indicator_index(&ind.id).unwrap());
            let obs = x.iter().copied().filter(|v| !v.is_nan());
            let (lo, hi) = obs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
            let y = res.normalised_for(&ind.id, period).unwrap();
            for (u, (&xv, &yv)) in x.iter().zip(y).enumerate() {
                if xv.is_nan() {
                    assert!(yv.is_nan());
                    continue;
                }
                let want = if j % 3 == 0 {
                    100.0 * (hi - xv) / (hi - lo)
                } else {
                    100.0 * (xv - lo) / (hi - lo)
                };
                assert!((yv - want).abs() < 1e-9, "{} u{u}: {yv} vs {want}", ind.id);
            }
        }
    }
}

/// Spec field `units` naming units of the panel one after another in its order (all of
/// them, all but the first or last — an evaluation leaves out reference units so — or a
/// run in the middle) is read from the panel in place: the results equal, to the last
/// digit, those of a run without the field on a panel built by hand of just those units;
/// the same in another order (copied) gives each unit the same scores within the rounding
/// of order-dependent sums; a reference unit outside the run is refused as when the
/// units were copied.
#[test]
fn units_named_one_after_another_are_read_in_place() {
    let fw = framework();
    let p = panel(&fw, 60, 2, 5);
    let all: Vec<String> = p.units().to_vec();
    // the panel of units `r` alone, built by hand from the panel's cells
    let sub = |r: std::ops::Range<usize>| {
        let mut v = Vec::new();
        for i in 0..p.n_indicators() {
            for q in 0..p.n_periods() {
                v.extend((r.clone()).map(|u| p.get(u, q, i)));
            }
        }
        Panel::from_values(
            all[r.clone()].to_vec(),
            p.periods().to_vec(),
            p.indicators().to_vec(),
            v,
        )
        .unwrap()
    };
    let with_units = |ids: &[String]| Spec {
        units: Some(ids.to_vec()),
        ..Spec::default()
    };
    for r in [0..60, 0..59, 1..60, 10..40] {
        let mut listed = run(&fw, &p, &with_units(&all[r.clone()])).unwrap();
        let alone = run(&fw, &sub(r.clone()), &Spec::default()).unwrap();
        assert_eq!(listed.spec.units.as_deref(), Some(&all[r.clone()]));
        listed.spec.units = None;
        // (compared through `Debug`, which writes every number exactly: NaN ≠ NaN under `==`)
        assert_eq!(format!("{listed:?}"), format!("{alone:?}"), "units {r:?}");
    }
    // the same units in reverse order: copied, each unit scored alike
    let plain = run(&fw, &p, &Spec::default()).unwrap();
    let mut reversed_ids = all.clone();
    reversed_ids.reverse();
    let reversed = run(&fw, &p, &with_units(&reversed_ids)).unwrap();
    assert_eq!(reversed.units, reversed_ids);
    for &period in &plain.periods {
        let a = plain.index_scores(period).unwrap();
        let b = reversed.index_scores(period).unwrap();
        for (u, &x) in a.iter().enumerate() {
            let y = b[a.len() - 1 - u];
            assert!(
                (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-12 * x.abs().max(1.0),
                "unit {u} period {period}: {x} vs {y}"
            );
        }
    }
    // a distance-to-reference normalisation: the reference unit must be among the units
    // of the run, in place or copied alike
    let to_ref = |ids: &[String], unit: &str| {
        let mut spec = with_units(ids);
        // (on indicator i4, the one without missing values: a missing reference is an error)
        spec.normalisation = serde_json::from_value(serde_json::json!({
            "indicators": {"i4": {"method": "distance_to_reference", "unit": unit}}
        }))
        .unwrap();
        run(&fw, &p, &spec)
    };
    let shuffled: Vec<String> = all[10..40].iter().rev().cloned().collect();
    for ids in [&all[10..40], shuffled.as_slice()] {
        let e = to_ref(ids, "u5").unwrap_err().to_string();
        assert!(e.contains("unit `u5` is not in the panel"), "{e}");
        let ok = to_ref(ids, "u20").unwrap();
        let u = ok.units.iter().position(|x| x == "u20").unwrap();
        // the reference unit scores exactly the reference level
        for &period in &ok.periods {
            let s = ok.normalised_for("i4", period).unwrap()[u];
            assert!((s - 1.0).abs() < 1e-12, "{s}");
        }
    }
}
