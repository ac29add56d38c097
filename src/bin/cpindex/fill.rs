//! Filling the report view-model from what the library already has: the framework and the
//! panel. [`skeleton`] sets everything that does not need a method (units, dimensions,
//! indicators with their targets, the observed values of the report year, which values
//! are illustrative, the data sources, the distribution-target values read from the
//! panel); achievement, colours, trends, composite scores, ranks and the dynamic index are
//! left as "not assessed" (NaN, grey, `·`) for the monitoring and engine results to fill.

use std::collections::BTreeSet;

use cpindex::data::{CellProvenance, Panel};
use cpindex::model::Framework;
use cpindex::Result;

use crate::view::{
    framework_views, CellView, Colour, DistributionRow, Methodology, ReportView, Trend,
    UnitSummary, UnitView,
};

/// Known unit ids of the Quzhou sample and their display names, in display order.
pub const KNOWN_UNITS: [(&str, &str); 8] = [
    ("quzhou", "衢州市"),
    ("kecheng", "柯城区"),
    ("qujiang", "衢江区"),
    ("longyou", "龙游县"),
    ("jiangshan", "江山市"),
    ("changshan", "常山县"),
    ("kaihua", "开化县"),
    ("zhejiang", "浙江省"),
];

/// Units that are reference series (provincial averages), shown but never ranked or
/// compared with the counties.
pub const REFERENCE_UNITS: [&str; 1] = ["zhejiang"];

/// Units that are the whole (the city) rather than one of the compared parts.
pub const WHOLE_UNITS: [&str; 1] = ["quzhou"];

/// Display name of a unit id (the id itself when unknown).
pub fn unit_name(id: &str) -> String {
    KNOWN_UNITS
        .iter()
        .find(|(k, _)| *k == id)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| id.to_string())
}

/// Whether an observation is illustrative: its source is `illustrative` (as in the
/// shipped sample, whose rows say `source=illustrative, illustrative=true`) or its note
/// says so. Values without any provenance are not assumed official either; they count as
/// unsourced (see [`skeleton`]).
pub fn is_illustrative(p: Option<&CellProvenance>) -> bool {
    p.is_some_and(|p| {
        p.source.trim().eq_ignore_ascii_case("illustrative")
            || p.note.to_ascii_lowercase().contains("illustrative")
    })
}

/// The view-model with everything that needs no method filled in, for `year` (default:
/// the panel's latest period).
///
/// Errors: [`cpindex::Error::UnknownId`] when `year` is not a period of the panel;
/// [`cpindex::Error::Empty`] when the panel has no periods.
pub fn skeleton(fw: &Framework, panel: &Panel, year: Option<i32>) -> Result<ReportView> {
    let year = match year {
        Some(y) => {
            panel.require_period(y)?;
            y
        }
        None => *panel
            .periods()
            .last()
            .ok_or_else(|| cpindex::Error::Empty {
                context: "panel periods".into(),
            })?,
    };
    let p = panel.require_period(year)?;

    // Units: the known ones in their order, then the others as they come.
    let mut unit_ids: Vec<&str> = KNOWN_UNITS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| panel.unit_index(k).is_some())
        .collect();
    for u in panel.units() {
        if !unit_ids.contains(&u.as_str()) {
            unit_ids.push(u);
        }
    }
    let units: Vec<UnitView> = unit_ids
        .iter()
        .map(|id| UnitView {
            id: id.to_string(),
            name: unit_name(id),
        })
        .collect();
    let (dimensions, indicators) = framework_views(fw);

    let mut cells = Vec::new();
    let (mut n_values, mut n_illustrative, mut n_unsourced) = (0usize, 0usize, 0usize);
    let mut sources = BTreeSet::new();
    for ind in &fw.indicators {
        let Some(i) = panel.indicator_index(&ind.id) else {
            continue;
        };
        for id in &unit_ids {
            let u = panel.unit_index(id).expect("unit ids come from the panel");
            let value = panel.get(u, p, i);
            if value.is_nan() {
                continue;
            }
            let prov = panel.provenance(u, p, i);
            let illustrative = is_illustrative(prov);
            n_values += 1;
            match prov {
                _ if illustrative => n_illustrative += 1,
                Some(pv) if !pv.source.trim().is_empty() => {
                    sources.insert(pv.source.trim().to_string());
                }
                _ => n_unsourced += 1,
            }
            cells.push(CellView {
                indicator: ind.id.clone(),
                unit: id.to_string(),
                value,
                achievement: f64::NAN,
                colour: Colour::Grey,
                trend: Trend::Unknown,
                illustrative,
            });
        }
    }

    let summaries: Vec<UnitSummary> = unit_ids
        .iter()
        .filter(|id| !REFERENCE_UNITS.contains(id))
        .map(|id| UnitSummary {
            unit: id.to_string(),
            achievement: f64::NAN,
            index: f64::NAN,
            rank: None,
            by_dimension: vec![f64::NAN; dimensions.len()],
            dimension_colours: vec![Colour::Grey; dimensions.len()],
            lagging: Vec::new(),
        })
        .collect();
    let compare_units: Vec<String> = unit_ids
        .iter()
        .filter(|id| !REFERENCE_UNITS.contains(id) && !WHOLE_UNITS.contains(id))
        .map(|id| id.to_string())
        .collect();

    let distribution = distribution_rows(fw, panel, p, &compare_units);

    let mut notes = Vec::new();
    if n_unsourced > 0 {
        notes.push(format!(
            "{n_unsourced} of {n_values} values of {year} have no source in the data file"
        ));
    }
    let illustrative = n_illustrative > 0;
    let illustrative_note = format!(
        "本报告使用了示意数据:{year}年 {n_values} 个数值中有 {n_illustrative} 个为示意值(illustrative),\
         并非官方统计数据,表中以 * 标出。This report uses ILLUSTRATIVE data: \
         {n_illustrative} of the {n_values} values of {year} are invented for demonstration \
         and are not official statistics (marked *)."
    );
    Ok(ReportView {
        title: fw.title_zh.clone(),
        subtitle: format!("{} — framework `{}`", fw.title_en, fw.id),
        year,
        illustrative,
        illustrative_note,
        units,
        dimensions,
        indicators,
        cells,
        summaries,
        compare_units,
        years: panel.periods().to_vec(),
        index_series: Vec::new(),
        distribution,
        methodology: Methodology {
            spec_json: String::new(),
            weights: fw
                .child_dimensions(None)
                .map(|d| (d.name_zh.clone(), d.weight))
                .collect(),
            indicator_weights: Vec::new(),
            sources: sources.into_iter().collect(),
            notes,
        },
        evaluation: Vec::new(),
        evaluation_weight: 0.7,
        warnings: Vec::new(),
        inputs: Vec::new(),
        generator: format!("cpindex {}", env!("CARGO_PKG_VERSION")),
    })
}

/// The distribution targets as read from the panel for the whole (city) unit: the
/// urban–rural income ratio and the county max/min income ratio (with the max and min
/// county from the compared units' per-capita disposable income, when present).
fn distribution_rows(
    fw: &Framework,
    panel: &Panel,
    p: usize,
    compare_units: &[String],
) -> Vec<DistributionRow> {
    let whole = WHOLE_UNITS.iter().find_map(|id| panel.unit_index(id));
    let mut rows = Vec::new();
    for id in ["urban_rural_income_ratio", "county_income_max_min_ratio"] {
        let (Some(ind), Some(i), Some(u)) = (fw.indicator(id), panel.indicator_index(id), whole)
        else {
            continue;
        };
        let v = panel.get(u, p, i);
        let mut note = String::new();
        if id == "county_income_max_min_ratio" {
            if let Some(inc) = panel.indicator_index("per_capita_disposable_income") {
                let vals: Vec<(&String, f64)> = compare_units
                    .iter()
                    .filter_map(|c| panel.unit_index(c).map(|k| (c, panel.get(k, p, inc))))
                    .filter(|(_, x)| x.is_finite())
                    .collect();
                let max = vals.iter().max_by(|a, b| a.1.total_cmp(&b.1));
                let min = vals.iter().min_by(|a, b| a.1.total_cmp(&b.1));
                if let (Some(max), Some(min)) = (max, min) {
                    note = format!(
                        "最高 {} {}, 最低 {} {} ({})",
                        unit_name(max.0),
                        crate::view::fmt_value(max.1),
                        unit_name(min.0),
                        crate::view::fmt_value(min.1),
                        fw.indicator("per_capita_disposable_income")
                            .map(|x| x.unit.label.as_str())
                            .unwrap_or("")
                    );
                }
            }
        }
        rows.push(DistributionRow {
            label: ind.name_zh.clone(),
            value: format!("{} {}", crate::view::fmt_value(v), ind.unit.label),
            target: crate::target_text(ind, fw.target_year),
            colour: Colour::Grey,
            note,
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_panel() -> Panel {
        let units = ["zhejiang", "kaihua", "quzhou", "kecheng"]
            .map(String::from)
            .to_vec();
        let inds = [
            "gdp",
            "per_capita_disposable_income",
            "county_income_max_min_ratio",
        ]
        .map(String::from)
        .to_vec();
        let mut p = Panel::new(units, vec![2020, 2021], inds).unwrap();
        p.set_by_id("quzhou", 2021, "gdp", 1800.0).unwrap();
        p.set_by_id("kecheng", 2021, "gdp", 400.0).unwrap();
        p.set_by_id("kecheng", 2021, "per_capita_disposable_income", 5.0)
            .unwrap();
        p.set_by_id("kaihua", 2021, "per_capita_disposable_income", 3.2)
            .unwrap();
        p.set_by_id("quzhou", 2021, "county_income_max_min_ratio", 1.5625)
            .unwrap();
        let (u, per, i) = (
            p.unit_index("quzhou").unwrap(),
            p.period_index(2021).unwrap(),
            p.indicator_index("gdp").unwrap(),
        );
        p.set_provenance(
            u,
            per,
            i,
            CellProvenance {
                source: "illustrative".into(),
                note: String::new(),
            },
        );
        let k = p.unit_index("kecheng").unwrap();
        p.set_provenance(
            k,
            per,
            i,
            CellProvenance {
                source: "ZJ-2023".into(),
                note: String::new(),
            },
        );
        p
    }

    #[test]
    fn skeleton_orders_units_and_flags_illustrative_values() {
        let fw = cpindex::model::builtin::quzhou();
        let v = skeleton(fw, &sample_panel(), None).unwrap();
        assert_eq!(v.year, 2021, "latest period by default");
        let ids: Vec<&str> = v.units.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids, ["quzhou", "kecheng", "kaihua", "zhejiang"]);
        assert_eq!(v.units[0].name, "衢州市");
        // zhejiang is a reference: no summary; quzhou is the whole: not compared
        assert!(v.summaries.iter().all(|s| s.unit != "zhejiang"));
        assert_eq!(v.compare_units, ["kecheng", "kaihua"]);
        // five non-missing values in 2021; one illustrative, one sourced, three unsourced
        assert_eq!(v.cells.len(), 5);
        assert!(v.illustrative);
        assert!(
            v.illustrative_note.contains("1 of the 5 values"),
            "{}",
            v.illustrative_note
        );
        let gdp_q = v
            .cells
            .iter()
            .find(|c| c.unit == "quzhou" && c.indicator == "gdp")
            .unwrap();
        assert!(gdp_q.illustrative && gdp_q.value == 1800.0);
        assert!(gdp_q.achievement.is_nan() && gdp_q.colour == Colour::Grey);
        assert_eq!(v.methodology.sources, ["ZJ-2023"]);
        assert!(v.methodology.notes[0].starts_with("3 of 5 values"));
    }

    #[test]
    fn distribution_names_max_and_min_county() {
        let fw = cpindex::model::builtin::quzhou();
        let v = skeleton(fw, &sample_panel(), Some(2021)).unwrap();
        let row = v
            .distribution
            .iter()
            .find(|d| d.label.contains("最高最低"))
            .unwrap();
        assert_eq!(row.value, "1.562 倍"); // fmt_value keeps 3 decimals below 10
        assert!(
            row.note.contains("最高 柯城区 5") && row.note.contains("最低 开化县 3.2"),
            "{}",
            row.note
        );
    }

    #[test]
    fn not_assessed_values_never_print_as_nan() {
        let fw = cpindex::model::builtin::quzhou();
        let v = skeleton(fw, &sample_panel(), None).unwrap();
        let page = crate::html::render(&v);
        let table = crate::text::render_table(&v);
        let csv = crate::text::render_csv(&v);
        for (name, text) in [("html", &page), ("table", &table), ("csv", &csv)] {
            assert!(!text.contains("NaN"), "{name} shows NaN");
        }
        assert!(page.contains(">n/a<"), "NaN bars are labelled n/a");
        if let Ok(dir) = std::env::var("CPINDEX_SKELETON_HTML") {
            std::fs::write(dir, &page).unwrap();
        }
    }

    #[test]
    fn unknown_year_is_an_error() {
        let fw = cpindex::model::builtin::quzhou();
        let e = skeleton(fw, &sample_panel(), Some(2030))
            .unwrap_err()
            .to_string();
        assert!(e.contains("2030"), "{e}");
    }

    #[test]
    fn illustrative_detection() {
        assert!(!is_illustrative(None));
        let p = |s: &str, n: &str| CellProvenance {
            source: s.into(),
            note: n.into(),
        };
        assert!(is_illustrative(Some(&p("Illustrative", ""))));
        assert!(is_illustrative(Some(&p("", "illustrative value"))));
        assert!(!is_illustrative(Some(&p("ZJ-2023", ""))));
    }
}
