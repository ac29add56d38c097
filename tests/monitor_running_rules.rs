//! The rules that read every year before a record — a cumulative indicator's running sum,
//! an annual target's yearly count, a growth target from yearly rates, a relative target on
//! the period-average basis — on long series with gaps (years absent from the panel and
//! missing values), each record checked against its definition written out here, one
//! record at a time, with no state carried between records (issue 16: the library now
//! carries that state from record to record; these tests pin that it still equals the
//! definition over 60 periods, where the carried state has the most room to drift).
//!
//! Definitions: docs/monitoring.md and `achieve_series`'s rustdoc (methods-reference b.2,
//! c.1): S_t = Σ_{base < j ≤ t} x_j with every year required; an annual target counts the
//! observed years after the base year and those meeting T; the average growth from yearly
//! rates is 100·((Π(1 + g_j/100))^{1/n} − 1) over n = t − base years, every year required.

use cpindex::model::Indicator;
use cpindex::monitor::*;
use cpindex::Error;

const BASE: i32 = 2000;

fn ind(kind: &str, target: f64, extra: &str) -> Indicator {
    serde_json::from_str(&format!(
        r#"{{"id":"x","dimension":"d","name_zh":"x","name_en":"x","unit":{{"label":"u"}},
            "polarity":{{"type":"higher_is_better"}},"kind":"{kind}","target":{target}{extra}}}"#
    ))
    .unwrap()
}

/// 1995–2059 without the years 2011, 2030 and 2031 (absent from the panel), and a value
/// missing in 2042: 62 periods, with the base year 2000 among them.
fn periods() -> Vec<i32> {
    (1995..2060)
        .filter(|y| ![2011, 2030, 2031].contains(y))
        .collect()
}

/// A deterministic series: flows or rates in 0.5 … 6.5 with one missing value (2042).
fn series(periods: &[i32], seed: u64) -> Vec<f64> {
    periods
        .iter()
        .map(|&y| {
            if y == 2042 {
                f64::NAN
            } else {
                let h = (y as u64).wrapping_mul(2_654_435_761).wrapping_add(seed) % 1000;
                0.5 + 6.0 * h as f64 / 1000.0
            }
        })
        .collect()
}

fn run(
    i: &Indicator,
    periods: &[i32],
    values: &[f64],
    reference: Option<&[f64]>,
    spec: &MonitorSpec,
) -> Vec<IndicatorAchievement> {
    let mut w = Vec::new();
    achieve_series(
        i,
        SeriesInput {
            unit: "u1",
            periods,
            values,
            reference,
            base_year: BASE,
            framework_target_year: 2059,
        },
        spec,
        &mut w,
    )
    .unwrap()
}

/// The value of year `y`, if the panel has that year and the value is not missing.
fn value_of(periods: &[i32], values: &[f64], y: i32) -> Option<f64> {
    periods
        .iter()
        .position(|&p| p == y)
        .map(|j| values[j])
        .filter(|v| !v.is_nan())
}

/// The years after the base year up to `t` that have no value.
fn missing_years(periods: &[i32], values: &[f64], t: i32) -> Vec<i32> {
    ((BASE + 1)..=t)
        .filter(|&y| value_of(periods, values, y).is_none())
        .collect()
}

#[test]
fn running_sum_equals_its_definition_on_every_record() {
    let p = periods();
    let v = series(&p, 1);
    // gaps only from 2030 on: the records of 2000–2010 must have sums, 2011 on none
    let i = ind("cumulative", 100.0, "");
    let recs = run(&i, &p, &v, None, &MonitorSpec::default());
    assert_eq!(recs.len(), p.iter().filter(|&&y| y >= BASE).count());
    let mut with_sum = 0;
    for r in &recs {
        let miss = missing_years(&p, &v, r.year);
        if miss.is_empty() {
            // the definition's sum, in year order
            let s: f64 = ((BASE + 1)..=r.year)
                .map(|y| value_of(&p, &v, y).unwrap())
                .fold(0.0, |a, x| a + x);
            assert_eq!(r.measured, Some(s), "year {}", r.year);
            assert_eq!(r.ratio, Some(s / 100.0), "year {}", r.year);
            with_sum += 1;
        } else {
            assert_eq!(r.measured, None, "year {}", r.year);
            let note = format!("running sum undefined: yearly flow missing for {miss:?}");
            assert!(r.notes.contains(&note), "year {}: {:?}", r.year, r.notes);
        }
    }
    // 2000 (empty sum) to 2010
    assert_eq!(with_sum, 11);
}

#[test]
fn running_sum_with_a_first_gap_late_keeps_every_earlier_sum() {
    // no gap before 2042: every record of 2000–2041 has its sum; 2042 on lists 2042 and
    // every later year the panel lacks
    let p: Vec<i32> = (1995..2060).collect();
    let v = series(&p, 2);
    let recs = run(
        &ind("cumulative", 500.0, ""),
        &p,
        &v,
        None,
        &MonitorSpec::default(),
    );
    for r in &recs {
        if r.year < 2042 {
            let s: f64 = ((BASE + 1)..=r.year)
                .map(|y| value_of(&p, &v, y).unwrap())
                .fold(0.0, |a, x| a + x);
            assert_eq!(r.measured, Some(s), "year {}", r.year);
        } else {
            assert_eq!(r.measured, None);
            assert!(r
                .notes
                .contains(&"running sum undefined: yearly flow missing for [2042]".to_string()));
        }
    }
}

#[test]
fn annual_counts_and_latest_value_equal_their_definition() {
    let p = periods();
    let v = series(&p, 3);
    let t = 3.0;
    for missing in [AnnualMissing::NoData, AnnualMissing::CarryForward] {
        let spec = MonitorSpec {
            annual_missing: missing,
            ..MonitorSpec::default()
        };
        let recs = run(&ind("annual", t, ""), &p, &v, None, &spec);
        for r in &recs {
            // the observed periods after the base year up to this record
            let obs: Vec<(i32, f64)> = p
                .iter()
                .zip(&v)
                .filter(|(&y, x)| y > BASE && y <= r.year && !x.is_nan())
                .map(|(&y, &x)| (y, x))
                .collect();
            let met = obs.iter().filter(|o| o.1 >= t).count();
            if obs.is_empty() {
                assert_eq!(r.years_observed, Some(0), "year {}", r.year);
                assert_eq!(r.measured, None);
                continue;
            }
            assert_eq!(r.years_observed, Some(obs.len()), "year {}", r.year);
            assert_eq!(r.years_met, Some(met), "year {}", r.year);
            let own = value_of(&p, &v, r.year);
            let latest = obs.last().unwrap();
            match (own, missing) {
                (Some(x), _) => {
                    assert_eq!(r.measured, Some(x));
                    assert_eq!(r.met, Some(met == obs.len()));
                }
                (None, AnnualMissing::NoData) => {
                    assert_eq!(r.measured, None, "year {}", r.year);
                    let note = format!(
                        "annual target: no data in {} (not carried forward; the latest observation is {})",
                        r.year, latest.0
                    );
                    assert!(r.notes.contains(&note), "{:?}", r.notes);
                }
                (None, AnnualMissing::CarryForward) => {
                    assert_eq!(r.measured, Some(latest.1), "year {}", r.year);
                    let note = format!(
                        "annual target: value of {} carried forward to {} (spec annual_missing = carry_forward)",
                        latest.0, r.year
                    );
                    assert!(r.notes.contains(&note), "{:?}", r.notes);
                }
            }
        }
    }
}

/// The definition: 100·((Π_{base < y ≤ t}(1 + g_y/100))^{1/(t − base)} − 1), every year
/// required; `None` when a year is missing or the product is ≤ 0.
fn average_growth(p: &[i32], g: &[f64], t: i32) -> Option<f64> {
    let mut prod = 1.0;
    for y in (BASE + 1)..=t {
        prod *= 1.0 + value_of(p, g, y)? / 100.0;
    }
    (prod > 0.0).then(|| 100.0 * (prod.powf(1.0 / f64::from(t - BASE)) - 1.0))
}

#[test]
fn growth_from_yearly_rates_equals_its_definition() {
    let p: Vec<i32> = (1995..2060).filter(|&y| y != 2033).collect();
    let g = series(&p, 4);
    let spec = MonitorSpec {
        growth_input: GrowthInput::AnnualRate,
        ..MonitorSpec::default()
    };
    let recs = run(&ind("growth_rate", 4.0, ""), &p, &g, None, &spec);
    let mut defined = 0;
    for r in recs.iter().filter(|r| r.year > BASE) {
        match average_growth(&p, &g, r.year) {
            Some(a) => {
                assert_eq!(r.measured, Some(a), "year {}", r.year);
                assert_eq!(r.met, Some(a >= 4.0));
                defined += 1;
            }
            None => {
                assert_eq!(r.measured, None, "year {}", r.year);
                let miss = missing_years(&p, &g, r.year);
                let note = format!("average growth undefined: rate missing for {miss:?}");
                assert!(r.notes.contains(&note), "year {}: {:?}", r.year, r.notes);
            }
        }
    }
    // 2001–2032
    assert_eq!(defined, 32);
}

#[test]
fn relative_period_average_equals_its_definition_for_both_series() {
    let p = periods();
    let own = series(&p, 5);
    let mut reference = series(&p, 6);
    // the reference lacks a year the unit has: its average breaks from 2005 on
    let k2005 = p.iter().position(|&y| y == 2005).unwrap();
    reference[k2005] = f64::NAN;
    let rel = r#","relative_target":{"relation":"above","reference":{"type":"series","unit":"prov","indicator":"x"},"margin":0.5,"basis":"period_average"}"#;
    let spec = MonitorSpec {
        growth_input: GrowthInput::AnnualRate,
        ..MonitorSpec::default()
    };
    let recs = run(
        &ind("growth_rate", 4.0, rel),
        &p,
        &own,
        Some(&reference),
        &spec,
    );
    let mut assessed = 0;
    for r in recs.iter().filter(|r| r.year > BASE) {
        let a = average_growth(&p, &own, r.year);
        let b = average_growth(&p, &reference, r.year);
        match (a, b) {
            (Some(a), Some(b)) => {
                let rel = r.relative.as_ref().expect("assessed");
                assert_eq!(rel.value, a, "year {}", r.year);
                assert_eq!(rel.reference, b, "year {}", r.year);
                assert_eq!(rel.met, a > b + 0.5);
                assessed += 1;
            }
            _ => assert!(r.relative.is_none(), "year {}", r.year),
        }
    }
    // 2001–2004
    assert_eq!(assessed, 4);
    // on levels: the compound growth from the base year's level to year t's
    let levels: Vec<f64> = p.iter().map(|&y| 100.0 + f64::from(y - 1990)).collect();
    let ref_levels: Vec<f64> = p
        .iter()
        .map(|&y| 50.0 + 0.3 * f64::from(y - 1990))
        .collect();
    let spec = MonitorSpec {
        growth_input: GrowthInput::Level,
        ..MonitorSpec::default()
    };
    let recs = run(
        &ind("growth_rate", 4.0, rel),
        &p,
        &levels,
        Some(&ref_levels),
        &spec,
    );
    let (x0, r0) = (110.0, 53.0);
    for r in recs.iter().filter(|r| r.year > BASE) {
        let n = f64::from(r.year - BASE);
        let (xt, rt) = (
            100.0 + f64::from(r.year - 1990),
            50.0 + 0.3 * f64::from(r.year - 1990),
        );
        let rel = r.relative.as_ref().expect("assessed");
        assert_eq!(rel.value, 100.0 * ((xt / x0).powf(1.0 / n) - 1.0));
        assert_eq!(rel.reference, 100.0 * ((rt / r0).powf(1.0 / n) - 1.0));
    }
}

#[test]
fn periods_out_of_order_or_repeated_are_refused_by_name() {
    let i = ind("cumulative", 10.0, "");
    for bad in [[2000, 2002, 2001], [2000, 2001, 2001]] {
        let mut w = Vec::new();
        let e = achieve_series(
            &i,
            SeriesInput {
                unit: "u1",
                periods: &bad,
                values: &[1.0, 2.0, 3.0],
                reference: None,
                base_year: BASE,
                framework_target_year: 2005,
            },
            &MonitorSpec::default(),
            &mut w,
        )
        .unwrap_err();
        assert!(matches!(e, Error::InvalidArgument { .. }), "{e}");
        let m = e.to_string();
        assert!(
            m.contains("strictly ascending") && m.contains("indicator `x`"),
            "{m}"
        );
    }
}

/// A period a thousand years and more after the base year (a period code such as 202101
/// read as a year) is refused by name for the rules that walk every year, not walked;
/// a level indicator, which reads no earlier year, is scored as before.
#[test]
fn periods_far_beyond_the_base_year_are_refused_for_running_rules() {
    let periods = [BASE, BASE + 1, 202_101];
    let values = [1.0, 2.0, 3.0];
    for kind in ["cumulative", "annual", "growth_rate"] {
        let mut w = Vec::new();
        let e = achieve_series(
            &ind(kind, 10.0, ""),
            SeriesInput {
                unit: "u1",
                periods: &periods,
                values: &values,
                reference: None,
                base_year: BASE,
                framework_target_year: 2005,
            },
            &MonitorSpec::default(),
            &mut w,
        )
        .unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("202101") && m.contains(&MAX_RUNNING_SPAN.to_string()),
            "{kind}: {m}"
        );
    }
    // exactly the limit is walked
    let at = [BASE, BASE + MAX_RUNNING_SPAN as i32];
    let r = run(
        &ind("cumulative", 10.0, ""),
        &at,
        &[0.0, 1.0],
        None,
        &MonitorSpec::default(),
    );
    assert_eq!(r[1].measured, None, "999 years missing in between");
    assert_eq!(
        run(
            &ind("level", 10.0, ""),
            &periods,
            &values,
            None,
            &MonitorSpec::default()
        )
        .len(),
        3
    );
}
