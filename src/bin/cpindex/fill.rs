//! Filling the report view-model from one [`Evaluation`]: display names, formatted
//! numbers, labels and notes. Nothing here computes a statistic; every number comes from
//! the library's evaluation ([`cpindex::evaluate`]). Unit roles and names come from the
//! framework, so another plan's framework renders with no code change.

use cpindex::evaluate::{DistributionDetail, Evaluation};
use cpindex::model::{Framework, TargetSource, UnitRole};
use cpindex::monitor::{self, TrendCategory};

use crate::view::{
    fmt_value, framework_views, CellView, Colour, DistributionRow, EvaluationRow, LineSeries,
    Methodology, ReportView, SurveyEstimateRow, Trend, UnitSummary, UnitView,
};

/// The view's colour of a monitoring colour.
pub fn colour_of(c: monitor::Colour) -> Colour {
    match c {
        monitor::Colour::Green => Colour::Green,
        monitor::Colour::Yellow => Colour::Yellow,
        monitor::Colour::Orange => Colour::Orange,
        monitor::Colour::Red => Colour::Red,
        monitor::Colour::Grey => Colour::Grey,
    }
}

fn trend_of(c: TrendCategory) -> Trend {
    match c {
        TrendCategory::TargetAchieved | TrendCategory::OnTrack => Trend::OnTrack,
        TrendCategory::AccelerationNeeded => Trend::Moderate,
        TrendCategory::LimitedProgress | TrendCategory::NotAchieved => Trend::Stagnating,
        TrendCategory::Deterioration => Trend::Deteriorating,
        TrendCategory::UnableToAssess => Trend::Unknown,
    }
}

fn nan(x: Option<f64>) -> f64 {
    x.unwrap_or(f64::NAN)
}

/// What the report shows besides the evaluation: display names of the survey domains
/// and the input lines under the title.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Survey domain id → Chinese display name.
    pub domain_names: Vec<(String, String)>,
    /// The inputs read, one line each.
    pub input_notes: Vec<String>,
}

/// The report view of an evaluation (a copy of it is kept in the view; [`view_shared`]
/// keeps the caller's without copying).
#[cfg_attr(not(test), allow(dead_code))]
pub fn view(fw: &Framework, ev: &Evaluation, extras: Extras) -> ReportView {
    view_shared(fw, std::sync::Arc::new(ev.clone()), extras)
}

/// The report view of an evaluation, which the view keeps (no deep copy: at 2,844 units
/// the copy of the monitoring results was a large share of the report's time).
pub fn view_shared(
    fw: &Framework,
    shared: std::sync::Arc<Evaluation>,
    extras: Extras,
) -> ReportView {
    let ev: &Evaluation = &shared;
    let year = ev.year;
    let units: Vec<UnitView> = ev
        .units
        .iter()
        .map(|u| UnitView {
            id: u.id.clone(),
            name: u.name_zh.clone(),
        })
        .collect();
    let (dimensions, indicators) = framework_views(fw);

    // ---- cells ---------------------------------------------------------------------------
    let c = &ev.cells;
    let cells: Vec<CellView> = (0..c.len())
        .map(|k| {
            let ind = &fw.indicators[c.indicator[k] as usize];
            let target = match c.target_source[k] {
                TargetSource::Plan => crate::target_text(ind, fw.target_year),
                TargetSource::Unit => format!("{} (own target)", fmt_value(nan(c.target[k]))),
                TargetSource::NotScored => {
                    "not scored (size indicator, no target of its own)".into()
                }
                TargetSource::None => crate::target_text(ind, fw.target_year),
            };
            CellView {
                indicator: ind.id.clone(),
                unit: ev.units[c.unit[k] as usize].id.clone(),
                value: c.value[k],
                achievement: nan(c.achievement[k]),
                colour: colour_of(c.colour[k]),
                trend: trend_of(c.trend[k]),
                illustrative: c.illustrative[k],
                target,
                target_source: c.target_source[k].name().to_string(),
                survey_verdict: c
                    .survey
                    .get(k)
                    .copied()
                    .flatten()
                    .map(|t| t.verdict.name().to_string()),
                survey_text: c.survey.get(k).copied().flatten().map(|t| survey_text(&t)),
            }
        })
        .collect();

    // ---- summaries -----------------------------------------------------------------------
    let summaries: Vec<UnitSummary> = ev
        .summaries
        .iter()
        .map(|s| UnitSummary {
            unit: ev.units[s.unit as usize].id.clone(),
            achievement: nan(s.achievement),
            index: nan(s.index),
            rank: s.rank.map(|r| r as usize),
            by_dimension: s.by_dimension.iter().map(|x| nan(*x)).collect(),
            dimension_colours: s.dimension_colours.iter().map(|c| colour_of(*c)).collect(),
            lagging: s
                .lagging
                .iter()
                .map(|(id, score)| {
                    let n = fw.indicator(id).map_or(id.clone(), |i| i.name_zh.clone());
                    format!("{n} ({:.0}%)", 100.0 * score)
                })
                .collect(),
        })
        .collect();
    let compare_units: Vec<String> = ev
        .compared
        .iter()
        .map(|&k| ev.units[k as usize].id.clone())
        .collect();

    // ---- dynamic index -------------------------------------------------------------------
    let index_series: Vec<LineSeries> = ev
        .units
        .iter()
        .filter_map(|u| {
            let k = ev.monitor.unit_position(&u.id)?;
            ev.monitor
                .dynamic
                .get(k)
                .filter(|d| d.unit == u.id)
                .or_else(|| ev.monitor.dynamic.iter().find(|d| d.unit == u.id))
        })
        .map(|d| LineSeries {
            name: fw.unit_name_zh(&d.unit),
            values: ev
                .years
                .iter()
                .map(|y| {
                    d.years
                        .iter()
                        .find(|x| x.year == *y)
                        .and_then(|x| x.fixed_base_index)
                        .unwrap_or(f64::NAN)
                })
                .collect(),
        })
        .collect();

    // ---- distribution targets ------------------------------------------------------------
    let unit_zh = |id: &str| fw.unit_name_zh(id);
    let distribution: Vec<DistributionRow> = ev
        .distribution
        .iter()
        .map(|d| {
            let ind = d.indicator.as_deref().and_then(|i| fw.indicator(i));
            let value = match (&d.detail, d.value) {
                (_, None) => "–".to_string(),
                (DistributionDetail::BandShare { .. }, Some(x)) => format!("{x:.1}%"),
                (DistributionDetail::Measure { .. }, Some(x)) => format!("{x:.3}"),
                (_, Some(x)) => format!("{x:.2}"),
            };
            let (label, note) = match &d.detail {
                DistributionDetail::Ratio {
                    unit,
                    numerator,
                    denominator,
                    reported,
                } => (
                    format!("{}{}", unit_zh(unit), d.label_zh),
                    format!(
                        "{} / {}{}",
                        fmt_value(*numerator),
                        fmt_value(*denominator),
                        reported
                            .map(|x| format!("; 数据文件所列 {}", fmt_value(x)))
                            .unwrap_or_default()
                    ),
                ),
                DistributionDetail::MaxMinRatio(m) => (
                    d.label_zh.clone(),
                    format!(
                        "最高 {} {}, 最低 {} {}{}",
                        unit_zh(&m.max_unit),
                        fmt_value(m.max_value),
                        unit_zh(&m.min_unit),
                        fmt_value(m.min_value),
                        if m.missing.is_empty() {
                            String::new()
                        } else {
                            format!("; 缺数据: {}", m.missing.join(", "))
                        }
                    ),
                ),
                DistributionDetail::BandShare {
                    households, basis, ..
                } => (
                    d.label_zh.clone(),
                    format!(
                        "住户样本 {households} 户, 加权; 区间 [下限, 上限); {}",
                        match basis {
                            monitor::BandIncome::Actual => "家庭实际年可支配收入",
                            monitor::BandIncome::ThreePersonEquivalent =>
                                "按三口之家折算 (3 × 人均可支配收入)",
                        }
                    ),
                ),
                DistributionDetail::Measure { measure, .. } => (
                    d.label_zh.clone(),
                    format!("住户人均收入, 按人口加权 (户权数 × 户规模); {measure}"),
                ),
            };
            DistributionRow {
                label,
                value,
                target: ind.map_or("–".into(), |i| crate::target_text(i, fw.target_year)),
                colour: colour_of(d.colour),
                note,
            }
        })
        .collect();

    // ---- satisfaction and overall evaluation -------------------------------------------------
    let mres = &ev.monitor;
    let mut evaluation = Vec::new();
    if !mres.satisfaction.is_empty() {
        for e in &mres.evaluations {
            let g = mres
                .satisfaction
                .iter()
                .find(|g| g.unit == e.unit && g.year == e.year);
            let domains = g
                .map(|g| {
                    g.domains
                        .iter()
                        .map(|d| {
                            let name = extras
                                .domain_names
                                .iter()
                                .find(|(id, _)| *id == d.domain)
                                .map_or(d.domain.clone(), |x| x.1.clone());
                            (name, d.estimate.map_or(f64::NAN, |x| x.mean))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let ov = g.and_then(|g| g.overall);
            let row = |label: String, e: Option<monitor::Estimate>, nonresponse: usize| {
                SurveyEstimateRow {
                    label,
                    mean: e.map_or(f64::NAN, |x| x.mean),
                    se: nan(e.and_then(|x| x.se)),
                    ci_lower: nan(e.and_then(|x| x.ci_lower)),
                    ci_upper: nan(e.and_then(|x| x.ci_upper)),
                    deff: nan(e.and_then(|x| x.deff)),
                    n: e.map_or(0, |x| x.n),
                    nonresponse,
                }
            };
            let domain_estimates = g
                .map(|g| {
                    g.domains
                        .iter()
                        .zip(&domains)
                        .map(|(d, nm): (&monitor::DomainEstimate, &(String, f64))| {
                            row(nm.0.clone(), d.estimate, d.nonresponse)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let subpopulations = g
                .map(|g| {
                    g.subpopulations
                        .iter()
                        .map(|p| {
                            row(
                                format!("{}={}", p.variable, p.category),
                                p.overall,
                                p.overall_nonresponse,
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let change = g.and_then(|g| g.change).map(|c| {
                let verdict = match c.verdict {
                    monitor::ChangeVerdict::Rise => "显著提升 significant rise",
                    monitor::ChangeVerdict::Fall => "显著下降 significant fall",
                    monitor::ChangeVerdict::NoSignificantChange => "无显著变化 not significant",
                };
                (c.difference, c.se, verdict.to_string())
            });
            evaluation.push(EvaluationRow {
                unit: e.unit.clone(),
                objective: nan(e.objective),
                satisfaction: nan(e.subjective),
                ci_lower: nan(ov.and_then(|o| o.ci_lower)),
                ci_upper: nan(ov.and_then(|o| o.ci_upper)),
                n: ov.map_or(0, |o| o.n),
                domains,
                combined: nan(e.combined),
                se: nan(ov.and_then(|o| o.se)),
                deff: nan(ov.and_then(|o| o.deff)),
                n_effective: nan(ov.and_then(|o| o.n_effective_design)),
                nonresponse: g.map_or(0, |g| g.overall_nonresponse),
                domain_estimates,
                subpopulations,
                change,
            });
        }
    }

    // ---- methodology ---------------------------------------------------------------------
    let mspec = &ev.spec.monitor;
    let eres = &ev.index;
    let spec_json = serde_json::json!({
        "index": eres.spec,
        "monitor": mspec,
        "satisfaction": ev.spec.satisfaction,
    });
    let mut weights: Vec<(String, f64)> = eres
        .weights
        .iter()
        .filter(|w| w.period == year && w.node == eres.framework_id)
        .map(|w| {
            let name = fw
                .dimension(&w.child)
                .map_or(w.child.clone(), |d| d.name_zh.clone());
            (name, w.normalised)
        })
        .collect();
    if weights.is_empty() {
        weights = fw
            .child_dimensions(None)
            .map(|d| (d.name_zh.clone(), d.weight))
            .collect();
    }
    let indicator_weights = eres
        .weights
        .iter()
        .filter(|w| w.period == year && fw.indicator(&w.child).is_some())
        .map(|w| {
            let name = fw
                .indicator(&w.child)
                .map_or(w.child.clone(), |i| i.name_zh.clone());
            (name, w.effective)
        })
        .collect();
    let form = match mspec.form {
        monitor::AchievementForm::Ratio => {
            "实现度 (ratio form): x/T for higher-is-better, T/x for lower-is-better targets, capped at 100%; \
             cumulative, annual, growth-rate, interval and relative targets by their own rules (docs/monitoring.md)"
        }
        monitor::AchievementForm::Progress => {
            "实现度 (progress form): (x_t − x_0)/(T − x_0) from the baseline, clamped to [0, 100%] (docs/monitoring.md)"
        }
    };
    let names_of = |role: UnitRole| -> String {
        let n: Vec<String> = ev
            .units
            .iter()
            .filter(|u| u.role == role)
            .map(|u| u.name_zh.clone())
            .collect();
        if n.is_empty() {
            "none".into()
        } else {
            n.join("、")
        }
    };
    let count = |s: TargetSource| c.target_source.iter().filter(|x| **x == s).count();
    let mut notes = Vec::new();
    let p = &ev.provenance;
    if p.unsourced > 0 {
        notes.push(format!(
            "{} of {} values of {year} have no source in the data file",
            p.unsourced, p.values
        ));
    }
    notes.extend([
        form.to_string(),
        format!(
            "Plan achievement: weighted mean of indicator achievement with the framework's weights, \
             re-normalised over the available indicators; evaluation year {year}."
        ),
        format!(
            "Colours (SDSN dashboard): green = target met; yellow ≥ {:.0}% achievement; orange ≥ {:.0}%; red below; grey = no data. \
             Trend arrows (Open SDG progress ratio): ↑ on track (≥ {:.0}% of the growth needed), ↗ acceleration needed (≥ {:.0}%), \
             → limited progress, ↓ deterioration, · not assessable.",
            100.0 * mspec.dashboard.score_yellow,
            100.0 * mspec.dashboard.score_orange,
            100.0 * mspec.trend.on_track,
            100.0 * mspec.trend.acceleration_needed,
        ),
        format!(
            "Composite index (cpindex::method): computed across {} (reference series {} excluded); \
             ranks among the parts only ({} is the whole and is scored, not ranked).",
            eres.units
                .iter()
                .map(|u| fw.unit_name_zh(u))
                .collect::<Vec<_>>()
                .join("、"),
            names_of(UnitRole::Reference),
            names_of(UnitRole::Whole),
        ),
        format!(
            "Targets by cell (CSV/JSON column target_source): {} cells against the plan's target, {} against a unit's own target, \
             {} not scored — a size indicator (totals in 亿元, counts, five-year sums) is scored for a unit other than the whole \
             only against a target of its own. Read parts on rates, shares and per-capita indicators, and compare them through \
             the composite index.",
            count(TargetSource::Plan),
            count(TargetSource::Unit),
            count(TargetSource::NotScored),
        ),
        format!(
            "Dynamic monitoring index: fixed base {} = 100, indicators rescaled on fixed goalposts (baseline → target), AMPI-style.",
            mspec.dynamic.base_year.unwrap_or(fw.base_year)
        ),
    ]);
    let withheld: Vec<String> = ev
        .monitor
        .aggregates
        .iter()
        .filter(|a| a.year == year && a.withheld.is_some())
        .map(|a| {
            format!(
                "{} ({:.0}%)",
                fw.unit_name_zh(&a.unit),
                100.0 * a.indicator_coverage
            )
        })
        .collect();
    if !withheld.is_empty() {
        notes.push(format!(
            "实现度 not published (–) for {}: fewer than {:.0}% of the framework's indicators have data (coverage in brackets; SDSN rule, spec `min_indicator_coverage`; the dimension scores are shown).",
            withheld.join("、"),
            100.0 * mspec.min_indicator_coverage
        ));
    }
    if !ev.warnings.is_empty() {
        notes.push(format!(
            "{} warning(s) from monitoring and the engine (full list in --format json), e.g.: {}",
            ev.warnings.len(),
            ev.warnings
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    notes.push(format!(
        "Reproducibility fingerprint ({}): {} — a hash of the framework, the data, the spec with its defaults \
         and the library version {} (docs/json-api.md, \"Fingerprint\").",
        ev.fingerprint.algorithm, ev.fingerprint.hex, ev.fingerprint.version
    ));
    let illustrative = p.illustrative > 0;
    let illustrative_note = format!(
        "本报告使用了示意数据:{year}年 {} 个数值中有 {} 个为示意值(illustrative),\
         并非官方统计数据,表中以 * 标出。This report uses ILLUSTRATIVE data: \
         {} of the {} values of {year} are invented for demonstration \
         and are not official statistics (marked *).",
        p.values, p.illustrative, p.illustrative, p.values
    );
    let mut sources = p.sources.clone();
    if illustrative {
        sources.push(illustrative_note.clone());
    }
    sources.push(
        "数据来源见数据文件的 source 列 (published values name their document; see examples/data/SOURCES.md for the sample) — Sources: the data file's `source` column."
            .into(),
    );
    ReportView {
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
        years: ev.years.clone(),
        index_series,
        distribution,
        evaluation,
        evaluation_weight: mspec.objective_weight,
        methodology: Methodology {
            spec_json: serde_json::to_string_pretty(&spec_json).expect("specs always serialise"),
            weights,
            indicator_weights,
            sources,
            notes,
        },
        warnings: ev.warnings.clone(),
        inputs: extras.input_notes,
        generator: format!("cpindex {}", ev.fingerprint.version),
        fingerprint: format!("{}:{}", ev.fingerprint.algorithm, ev.fingerprint.hex),
        result: Some(shared.clone()),
    }
}

/// One line on a survey verdict: `not distinguishable (target 92): z = -1.61 (estimate 90.65, SE 0.84,
/// CI 89–92.3)`.
fn survey_text(t: &cpindex::monitor::satisfaction::SurveyTargetTest) -> String {
    use cpindex::monitor::satisfaction::SurveyVerdict;
    let verdict = match t.verdict {
        SurveyVerdict::Met => "met",
        SurveyVerdict::NotMet => "not met",
        SurveyVerdict::NotDistinguishable => "not distinguishable",
    };
    let z = t
        .statistic
        .map_or_else(|| "SE 0".to_string(), |z| format!("z = {z:.2}"));
    format!(
        "{verdict} (target {}): {z} (estimate {}, SE {}, CI {}–{})",
        fmt_value(t.target),
        fmt_value(t.estimate),
        fmt_value(t.se),
        fmt_value(t.ci_lower),
        fmt_value(t.ci_upper)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use cpindex::data::Panel;
    use cpindex::evaluate::{evaluate, EvaluationSpec, Request};

    /// A small panel of the default framework: the whole, one part, the reference; one
    /// size indicator and one per-capita indicator.
    fn evaluation() -> (&'static Framework, Evaluation) {
        let fw = cpindex::model::builtin::default_framework();
        let ids: Vec<String> = fw.units.iter().map(|u| u.id.clone()).collect();
        let (whole, part, reference) =
            (ids[0].clone(), ids[1].clone(), ids.last().unwrap().clone());
        let inds = ["gdp", "gdp_per_capita"].map(String::from).to_vec();
        let mut p = Panel::new(
            vec![whole.clone(), part.clone(), reference.clone()],
            vec![2020, 2021],
            inds,
        )
        .unwrap();
        for (u, g, pc) in [
            (&whole, 1800.0, 8.0),
            (&part, 400.0, 9.0),
            (&reference, 70000.0, 11.0),
        ] {
            for (k, y) in [2020, 2021].into_iter().enumerate() {
                p.set_by_id(u, y, "gdp", g * (1.0 + 0.1 * k as f64))
                    .unwrap();
                p.set_by_id(u, y, "gdp_per_capita", pc + k as f64).unwrap();
            }
        }
        let ev = evaluate(Request {
            framework: fw,
            panel: &p,
            survey: None,
            households: None,
            spec: &EvaluationSpec::default(),
        })
        .unwrap();
        (fw, ev)
    }

    #[test]
    fn view_takes_roles_names_and_targets_from_the_evaluation() {
        let (fw, ev) = evaluation();
        let v = view(fw, &ev, Extras::default());
        // names from the framework; the reference has no summary; the part is compared
        assert_eq!(v.units[0].name, fw.units[0].name_zh);
        assert_eq!(v.summaries.len(), 2);
        assert_eq!(v.compare_units, [fw.units[1].id.clone()]);
        // the part's GDP (a size indicator) is not scored; its per-capita GDP is
        let cell = |u: &str, i: &str| {
            v.cells
                .iter()
                .find(|c| c.unit == u && c.indicator == i)
                .unwrap()
        };
        let part = fw.units[1].id.as_str();
        assert_eq!(cell(part, "gdp").target_source, "not_scored");
        assert!(cell(part, "gdp").achievement.is_nan());
        // 10/10 = 100 %
        assert_eq!(cell(part, "gdp_per_capita").achievement, 100.0);
        assert!(v.fingerprint.starts_with("sha256:"));
    }

    #[test]
    fn not_assessed_values_never_print_as_nan() {
        let (fw, ev) = evaluation();
        let v = view(fw, &ev, Extras::default());
        for (name, text) in [
            ("html", crate::html::render(&v)),
            ("table", crate::text::render_table(&v)),
            ("csv", crate::text::render_csv(&v)),
        ] {
            assert!(!text.contains("NaN"), "{name} shows NaN");
            assert!(text.contains("not_scored") || name != "csv", "{name}");
        }
    }
}
