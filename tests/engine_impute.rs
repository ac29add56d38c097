//! Imputation, each method, by hand.

use cpindex::data::Panel;
use cpindex::method::impute::{impute, Filled, ImputationSpec, ImputeMethod};
use cpindex::method::{run, Spec};
use cpindex::model::Framework;

fn spec(m: ImputeMethod) -> ImputationSpec {
    ImputationSpec {
        method: m,
        max_gap: None,
    }
}

/// One indicator, 4 units, 1 period: (1, NaN, 3, 8); groups g0 = {0, 1}, g1 = {2, 3}.
fn cross_section(m: ImputeMethod) -> (Vec<f64>, Vec<Filled>) {
    let mut v = vec![1.0, f64::NAN, 3.0, 8.0];
    let f = impute(
        &mut v,
        4,
        &[2021],
        &[0, 0, 1, 1],
        &[true; 4],
        &[0],
        &spec(m),
    );
    (v, f)
}

#[test]
fn mean_median_and_groups() {
    // mean of 1, 3, 8 = 4; median = 3
    assert_eq!(cross_section(ImputeMethod::Mean).0[1], 4.0);
    assert_eq!(cross_section(ImputeMethod::Median).0[1], 3.0);
    // unit 1 is in group 0 with unit 0 only → group mean = group median = 1
    let (v, f) = cross_section(ImputeMethod::GroupMean);
    assert_eq!(v[1], 1.0);
    assert_eq!(f, vec![(1, 0, 0, 1.0)]);
    assert_eq!(cross_section(ImputeMethod::GroupMedian).0[1], 1.0);
    // none changes nothing
    let (v, f) = cross_section(ImputeMethod::None);
    assert!(v[1].is_nan() && f.is_empty());
    // median of an even count: (1, 3, 8, 10) with a fifth unit missing → (3 + 8)/2 = 5.5
    let mut v = vec![1.0, 3.0, 8.0, 10.0, f64::NAN];
    impute(
        &mut v,
        5,
        &[2021],
        &[0; 5],
        &[true; 5],
        &[0],
        &spec(ImputeMethod::Median),
    );
    assert_eq!(v[4], 5.5);
    // a group with nothing observed stays missing
    let mut v = vec![1.0, 2.0, f64::NAN];
    let f = impute(
        &mut v,
        3,
        &[2021],
        &[0, 0, 1],
        &[true; 3],
        &[0],
        &spec(ImputeMethod::GroupMean),
    );
    assert!(v[2].is_nan() && f.is_empty());
}

/// One unit, one indicator over periods 2020, 2021, 2023, 2024, 2025 (2022 absent from the
/// panel): series (NaN, 10, NaN, 16, NaN).
fn series(m: ImputeMethod, max_gap: Option<usize>) -> Vec<f64> {
    let mut v = vec![f64::NAN, 10.0, f64::NAN, 16.0, f64::NAN];
    let periods = [2020, 2021, 2023, 2024, 2025];
    impute(
        &mut v,
        1,
        &periods,
        &[0],
        &[true; 5],
        &[0],
        &ImputationSpec { method: m, max_gap },
    );
    v
}

#[test]
fn linear_interpolates_in_time_and_carries_edges() {
    // 2023 between 2021 (10) and 2024 (16): 10 + 6·(2/3) = 14 (gap in years respected);
    // 2020 ← first observation 10; 2025 ← last observation 16 (approx rule = 2)
    assert_eq!(
        series(ImputeMethod::Linear, None),
        vec![10.0, 10.0, 14.0, 16.0, 16.0]
    );
}

#[test]
fn constant_and_locf() {
    // constant: step function — 2023 takes 10 (previous), edges as linear
    assert_eq!(
        series(ImputeMethod::Constant, None),
        vec![10.0, 10.0, 10.0, 16.0, 16.0]
    );
    // locf: leading gap stays missing
    let v = series(ImputeMethod::Locf, None);
    assert!(v[0].is_nan());
    assert_eq!(&v[1..], &[10.0, 10.0, 16.0, 16.0]);
    // locf with max_gap = 0 fills nothing
    let v = series(ImputeMethod::Locf, Some(0));
    assert!(v[2].is_nan() && v[4].is_nan());
}

#[test]
fn single_observation_is_carried_and_all_missing_stays() {
    let mut v = vec![f64::NAN, 5.0, f64::NAN];
    impute(
        &mut v,
        1,
        &[1, 2, 3],
        &[0],
        &[true; 3],
        &[0],
        &spec(ImputeMethod::Linear),
    );
    assert_eq!(v, vec![5.0, 5.0, 5.0]);
    let mut v = vec![f64::NAN; 3];
    let f = impute(
        &mut v,
        1,
        &[1, 2, 3],
        &[0],
        &[true; 3],
        &[0],
        &spec(ImputeMethod::Linear),
    );
    assert!(f.is_empty() && v.iter().all(|x| x.is_nan()));
}

#[test]
fn pipeline_lists_every_imputed_cell() {
    let fw = Framework::from_json(
        r#"{"id":"t","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{"id":"d","name_zh":"d","name_en":"d"}],
        "indicators":[{"id":"x","dimension":"d","name_zh":"x","name_en":"x","unit":{"label":"u"},
        "polarity":{"type":"higher_is_better"},"kind":"level","target":1}]}"#,
    )
    .unwrap();
    let units: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    // period 2021: (1, NaN, 7); 2022: (NaN, 4, 9)
    let p = Panel::from_values(
        units,
        vec![2021, 2022],
        vec!["x".into()],
        vec![1.0, f64::NAN, 7.0, f64::NAN, 4.0, 9.0],
    )
    .unwrap();
    let s = Spec::from_json(r#"{"imputation": {"method": "mean"}}"#).unwrap();
    let r = run(&fw, &p, &s).unwrap();
    // 2021 b ← (1 + 7)/2 = 4; 2022 a ← (4 + 9)/2 = 6.5
    assert_eq!(r.imputed.len(), 2);
    assert_eq!(
        (
            r.imputed[0].unit.as_str(),
            r.imputed[0].period,
            r.imputed[0].value
        ),
        ("b", 2021, 4.0)
    );
    assert_eq!(
        (
            r.imputed[1].unit.as_str(),
            r.imputed[1].period,
            r.imputed[1].value
        ),
        ("a", 2022, 6.5)
    );
    assert_eq!(r.imputed[0].method, ImputeMethod::Mean);
    // min–max after imputation in 2021: (1, 4, 7) → (0, 50, 100)
    assert_eq!(r.normalised_for("x", 2021).unwrap(), &[0.0, 50.0, 100.0]);
    // the statistics table describes the raw data: 2 of 3 observed
    let st = r.statistics.iter().find(|s| s.period == 2021).unwrap();
    assert_eq!(st.n, 2);
}

/// Linear and constant interpolation over 40 periods with runs of gaps of every length,
/// inactive (screened) cells and a leading and trailing gap, each filled cell checked
/// against the definition found here by a search per cell: the nearest observed active
/// period before and after (an inactive cell is neither filled nor used), interpolated in
/// time, the nearest one alone at either end; an inactive cell is left as it was.
#[test]
fn interpolation_over_long_gappy_series_equals_the_definition() {
    let periods: Vec<i32> = (0..40).map(|k| 1990 + k + k / 7).collect();
    let (nu, np) = (3usize, periods.len());
    let observed = |u: usize, p: usize| match u {
        0 => p % 9 == 4 || p % 13 == 0,
        1 => p == 17,
        _ => p % 2 == 1 && p > 3 && p < 35,
    };
    let active = |u: usize, p: usize| !(u == 2 && p % 5 == 0);
    let raw: Vec<f64> = (0..np)
        .flat_map(|p| {
            (0..nu).map(move |u| {
                if observed(u, p) {
                    (u * 100 + p * p) as f64 * 0.25
                } else {
                    f64::NAN
                }
            })
        })
        .collect();
    let act: Vec<bool> = (0..np)
        .flat_map(|p| (0..nu).map(move |u| active(u, p)))
        .collect();
    for method in [ImputeMethod::Linear, ImputeMethod::Constant] {
        let mut v = raw.clone();
        let f = impute(&mut v, nu, &periods, &[0; 3], &act, &[0], &spec(method));
        let mut n_filled = 0;
        for u in 0..nu {
            let obs = |p: usize| active(u, p) && observed(u, p);
            for p in 0..np {
                let got = v[p * nu + u];
                if obs(p) {
                    assert_eq!(got, raw[p * nu + u]);
                    continue;
                }
                if !active(u, p) {
                    // left as it was (a value or missing), never filled
                    assert_eq!(
                        got.to_bits(),
                        raw[p * nu + u].to_bits(),
                        "unit {u}, period {p}"
                    );
                    continue;
                }
                let a = (0..p).rev().find(|&q| obs(q));
                let b = (p + 1..np).find(|&q| obs(q));
                let x = |q: usize| raw[q * nu + u];
                let want = match (a, b, method) {
                    (None, None, _) => f64::NAN,
                    (Some(a), None, _) | (Some(a), Some(_), ImputeMethod::Constant) => x(a),
                    (None, Some(b), _) => x(b),
                    (Some(a), Some(b), _) => {
                        let (ta, tb, t) = (
                            f64::from(periods[a]),
                            f64::from(periods[b]),
                            f64::from(periods[p]),
                        );
                        x(a) + (x(b) - x(a)) * (t - ta) / (tb - ta)
                    }
                };
                if want.is_nan() {
                    assert!(got.is_nan());
                } else {
                    assert_eq!(got, want, "{method:?} unit {u}, period {p}");
                    n_filled += 1;
                }
            }
        }
        assert_eq!(f.len(), n_filled);
        assert!(n_filled > 60, "{n_filled}");
    }
}

/// The imputed cells are listed by period, then indicator id, then unit id (string
/// order), whatever the panel's and the framework's order: units and indicators here are
/// declared in an order unlike their ids' (`u10` before `u9`, Chinese ids, `z_` before
/// `a_`), every cell of two periods missing except one per indicator and period.
#[test]
fn imputed_cells_are_listed_by_period_indicator_and_unit_id() {
    let fw = Framework::from_json(
        r#"{"id":"t","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
        "dimensions":[{"id":"d","name_zh":"d","name_en":"d"}],
        "indicators":[
         {"id":"z_last","dimension":"d","name_zh":"z","name_en":"z","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":1},
         {"id":"a_first","dimension":"d","name_zh":"a","name_en":"a","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":1},
         {"id":"m_mid","dimension":"d","name_zh":"m","name_en":"m","unit":{"label":"u"},"polarity":{"type":"higher_is_better"},"kind":"level","target":1}]}"#,
    )
    .unwrap();
    let units: Vec<String> = ["u9", "县乙", "u10", "B", "县甲", "a"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let inds: Vec<String> = ["z_last", "a_first", "m_mid"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let periods = vec![2022, 2021];
    let (nu, np, ni) = (units.len(), periods.len(), inds.len());
    let mut p = Panel::new(units.clone(), periods.clone(), inds.clone()).unwrap();
    for (i, ind) in inds.iter().enumerate() {
        for &y in &periods {
            // one observed unit per indicator × period
            let u = &units[(i + y as usize) % nu];
            p.set_by_id(u, y, ind, 10.0 * (i + 1) as f64).unwrap();
        }
    }
    let s = Spec::from_json(r#"{"imputation": {"method": "mean"}}"#).unwrap();
    let r = run(&fw, &p, &s).unwrap();
    assert_eq!(r.imputed.len(), ni * np * (nu - 1));
    let keys: Vec<(i32, &str, &str)> = r
        .imputed
        .iter()
        .map(|c| (c.period, c.indicator.as_str(), c.unit.as_str()))
        .collect();
    let mut want = keys.clone();
    want.sort();
    assert_eq!(keys, want);
    assert_eq!(keys[0], (2021, "a_first", "B"));
    assert_eq!(keys.last().copied(), Some((2022, "z_last", "县甲")));
}

/// Group median with many small groups (200 units in 60 groups, listed out of order):
/// every missing active cell gets the median of its group's observed active cells in the
/// same period (the definition, computed here group by group), or stays missing.
#[test]
fn group_median_with_many_groups_equals_the_definition() {
    let (nu, np) = (200usize, 3usize);
    let groups: Vec<usize> = (0..nu).map(|u| (u * 37) % 60).collect();
    let active: Vec<bool> = (0..np * nu).map(|c| c % 11 != 3).collect();
    let raw: Vec<f64> = (0..np * nu)
        .map(|c| {
            if c % 4 == 1 || c % 7 == 2 {
                f64::NAN
            } else {
                ((c * 7919) % 1000) as f64 / 10.0
            }
        })
        .collect();
    let mut v = raw.clone();
    let f = impute(
        &mut v,
        nu,
        &[2021, 2022, 2023],
        &groups,
        &active,
        &[0],
        &spec(ImputeMethod::GroupMedian),
    );
    let mut n = 0;
    for p in 0..np {
        for u in 0..nu {
            let c = p * nu + u;
            if !raw[c].is_nan() || !active[c] {
                assert_eq!(v[c].to_bits(), raw[c].to_bits());
                continue;
            }
            let mut xs: Vec<f64> = (0..nu)
                .filter(|&w| groups[w] == groups[u])
                .map(|w| p * nu + w)
                .filter(|&d| active[d] && !raw[d].is_nan())
                .map(|d| raw[d])
                .collect();
            xs.sort_by(f64::total_cmp);
            let want = match xs.len() {
                0 => f64::NAN,
                m if m % 2 == 1 => xs[m / 2],
                m => 0.5 * (xs[m / 2 - 1] + xs[m / 2]),
            };
            if want.is_nan() {
                assert!(v[c].is_nan(), "unit {u}, period {p}");
            } else {
                assert_eq!(v[c], want, "unit {u}, period {p}");
                n += 1;
            }
        }
    }
    assert_eq!(f.len(), n);
    assert!(n > 40, "{n}");
}
