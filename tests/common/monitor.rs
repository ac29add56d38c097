//! A monitoring series computed the public way, for tests that check what `monitor` wrote
//! into its achievement table.

use cpindex::data::Panel;
use cpindex::model::{builtin, Framework, Indicator, Reference, TargetSource};
use cpindex::monitor::{achieve_series, IndicatorAchievement, MonitorSpec, SeriesInput};

/// `achieve_series` on the series of (`unit`, `ind`) in `p`, with the target a monitoring
/// run applies to the unit: a unit's own target (or none, for a size indicator it has no
/// target for) replaces the plan's, without the plan's stretch and interim targets; a
/// relative target's reference series is read from the panel.
pub fn expected_series(
    fw: &Framework,
    p: &Panel,
    spec: &MonitorSpec,
    unit: &str,
    ind: &Indicator,
) -> Vec<IndicatorAchievement> {
    let (target, source) = fw.target_for(unit, ind);
    let own = Indicator {
        target,
        stretch_target: None,
        interim_targets: Vec::new(),
        ..ind.clone()
    };
    let ind = match source {
        TargetSource::Unit | TargetSource::NotScored => &own,
        TargetSource::Plan | TargetSource::None => ind,
    };
    let ui = p.unit_index(unit).expect("the unit is in the panel");
    let values: Vec<f64> = match p.indicator_index(&ind.id) {
        Some(i) => p.series(ui, i),
        None => vec![f64::NAN; p.periods().len()],
    };
    let reference = match ind.relative_target.as_ref().map(|x| &x.reference) {
        Some(Reference::Series {
            unit: ru,
            indicator: ri,
        }) => {
            let ru = ru.as_deref().unwrap_or(unit);
            match (p.unit_index(ru), p.indicator_index(ri)) {
                (Some(a), Some(b)) => Some(p.series(a, b)),
                _ => None,
            }
        }
        _ => None,
    };
    let input = SeriesInput {
        unit,
        periods: p.periods(),
        values: &values,
        reference: reference.as_deref(),
        base_year: fw.base_year,
        framework_target_year: fw.target_year,
    };
    achieve_series(ind, input, spec, &mut Vec::new()).expect("achieve_series")
}

/// The built-in framework with targets of its own for `kecheng`: `size` for the first
/// size indicator (a part's size indicator the plan gives no target), `multiple` for the
/// multiple-of-baseline indicator `pv_capacity_multiple`, and `value` for the indicator at
/// position `k`.
pub fn framework_with_own_targets(size: f64, multiple: f64, k: usize, value: f64) -> Framework {
    let mut fw = builtin::quzhou().clone();
    let id_k = fw.indicators[k].id.clone();
    let size_id = fw.size_indicators[0].clone();
    let u = fw.units.iter_mut().find(|u| u.id == "kecheng").unwrap();
    u.targets.insert(size_id, size);
    u.targets.insert("pv_capacity_multiple".into(), multiple);
    u.targets.insert(id_k, value);
    fw
}

/// The serde form of a columnar monitoring table is the JSON list of its records, and that
/// JSON and `from_records` of the records both give back an equal table with the same
/// records.
pub fn assert_table_round_trip<T, R>(
    table: &T,
    records: &[R],
    from_records: fn(&[R]) -> T,
    records_of: fn(&T) -> Vec<R>,
) where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    R: serde::Serialize + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_string(table).unwrap();
    assert_eq!(json, serde_json::to_string(records).unwrap());
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, table);
    assert_eq!(records_of(&back), records);
    assert_eq!(&from_records(records), table);
}

/// A panel of `units` × 2020–2025 over every indicator of `fw`, the cell of unit `u`,
/// indicator `i` (`ind`), period `pi` (0 = 2020) being `value(u, i, ind, pi)` (NaN =
/// missing).
pub fn panel_2020_2025(
    fw: &Framework,
    units: &[&str],
    value: impl Fn(usize, usize, &Indicator, usize) -> f64,
) -> Panel {
    let years: Vec<i32> = (2020..=2025).collect();
    let ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
    let names: Vec<String> = units.iter().map(|s| s.to_string()).collect();
    let mut p = Panel::new(names, years.clone(), ids).unwrap();
    for (i, ind) in fw.indicators.iter().enumerate() {
        for pi in 0..years.len() {
            for u in 0..units.len() {
                p.set(u, pi, i, value(u, i, ind, pi)).unwrap();
            }
        }
    }
    p
}
