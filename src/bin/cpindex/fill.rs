//! Filling the report view-model from one [`Evaluation`]: display names, formatted
//! numbers, labels and notes. Nothing here computes a statistic; every number comes from
//! the library's evaluation ([`cpindex::evaluate`]). Unit roles and names come from the
//! framework, so another plan's framework renders with no code change.

use cpindex::evaluate::{DistributionDetail, Evaluation, UnitEntry};
use cpindex::method::aggregate::Aggregation;
use cpindex::method::normalise::Normalisation;
use cpindex::method::weight::Weighting;
use cpindex::model::{Framework, Indicator, Polarity, TargetForm, TargetSource, UnitRole};
use cpindex::monitor::{self, Id, ScheduleStatus, TrendCategory};

use crate::cells::{self, Basis};
use crate::i18n::{self, Lang, M};
use crate::view::{
    fmt_value, framework_views, CellView, Colour, DistributionRow, EvaluationRow, LegendView,
    LineSeries, Methodology, ReportMeta, ReportView, ScheduleRow, SurveyEstimateRow, Trend,
    UnitSummary, UnitView, SCHEDULE_ALL,
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

/// What the report shows besides the evaluation: display names of the survey domains,
/// the input lines under the title, the language and the issuing office, title and date.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Survey domain id → display name in the report language.
    pub domain_names: Vec<(String, String)>,
    /// The inputs read, one line each.
    pub input_notes: Vec<String>,
    /// Language of the report.
    pub lang: Lang,
    /// Office, title, date.
    pub meta: ReportMeta,
    /// Threads for filling the cells (0 and 1: the calling thread; the view is the same).
    pub threads: usize,
}

/// The text of a message in `lang` with its placeholders filled.
fn t(lang: Lang, m: M, args: &[(&str, String)]) -> String {
    i18n::fill(m.text(lang), args)
}

/// What the composite index was computed over and how it is ranked, in words, from the
/// evaluation itself: the units of the index result (`ev.index.units`, the bounds of the
/// normalisation come from all of them), the units ranked in the overall table (the parts
/// among those, as `evaluate` ranks them: `UnitSummary::rank`), the other units computed
/// (scored, not ranked there) and the units of the evaluation left out of the index.
fn index_scope(ev: &Evaluation, lang: Lang) -> String {
    let computed: std::collections::HashSet<&str> =
        ev.index.units.iter().map(String::as_str).collect();
    let name = |u: &UnitEntry| lang.pick(&u.name_zh, &u.name_en).to_string();
    let list = |f: &dyn Fn(&UnitEntry) -> bool| -> String {
        let n: Vec<String> = ev.units.iter().filter(|u| f(u)).map(name).collect();
        if n.is_empty() {
            M::None.text(lang).into()
        } else {
            n.join(lang.pick("、", ", "))
        }
    };
    let inside = |u: &UnitEntry| computed.contains(u.id.as_str());
    let ranked = |u: &UnitEntry| inside(u) && u.role == UnitRole::Part;
    let any = |f: &dyn Fn(&UnitEntry) -> bool| ev.units.iter().any(f);
    let mut scope = if any(&|u| inside(u) && !ranked(u)) {
        t(
            lang,
            M::IndexScopeWider,
            &[
                ("computed", list(&inside)),
                ("ranked", list(&ranked)),
                ("unranked", list(&|u| inside(u) && !ranked(u))),
            ],
        )
    } else {
        t(lang, M::IndexScopeSame, &[("computed", list(&inside))])
    };
    if any(&|u| !inside(u)) {
        scope.push_str(&t(
            lang,
            M::IndexScopeExcluded,
            &[("excluded", list(&|u| !inside(u)))],
        ));
    }
    scope
}

/// The target of an indicator in words, in the report language: `≥ 2500 (2025)`,
/// `基期的 2 倍(2025年)`, the relative target's description; a stretch target follows.
/// The aspirational mark △ is added by the renderers (it has its own legend entry).
pub fn target_phrase(ind: &Indicator, fw_target_year: i32, lang: Lang) -> String {
    let year = ind.target_year_or(fw_target_year);
    let base = match (ind.target_form, ind.polarity, ind.target) {
        (TargetForm::About { tolerance }, _, Some(x)) => {
            format!("≈ {} ± {}", crate::num(x), crate::num(tolerance))
        }
        (
            TargetForm::BaselineMultiple {
                multiple,
                horizon_year,
            },
            _,
            _,
        ) => match horizon_year {
            Some(h) if h != year => t(
                lang,
                M::OfBaseBy,
                &[("k", crate::num(multiple)), ("h", h.to_string())],
            ),
            _ => t(lang, M::OfBase, &[("k", crate::num(multiple))]),
        },
        (_, Polarity::Interval { lower, upper, .. }, _) => {
            format!("[{}, {}]", crate::num(lower), crate::num(upper))
        }
        (_, Polarity::HigherIsBetter, Some(x)) => format!("≥ {}", crate::num(x)),
        (_, Polarity::LowerIsBetter, Some(x)) => format!("≤ {}", crate::num(x)),
        (_, Polarity::Binary, Some(x)) => format!("= {}", crate::num(x)),
        (_, _, None) => match &ind.relative_target {
            // the plan's own words in Chinese; the framework's description in English
            Some(_) if lang == Lang::Zh && !ind.provenance.phrase.is_empty() => {
                ind.provenance.phrase.clone()
            }
            Some(r) if !r.description.is_empty() => r.description.clone(),
            Some(r) => r.relation.name().replace('_', " "),
            None => "–".into(),
        },
    };
    let mut s = format!(
        "{base} {}",
        t(lang, M::TargetYear, &[("year", year.to_string())])
    );
    if let Some(st) = ind.stretch_target {
        s.push_str(&format!(
            ", {}",
            t(lang, M::Stretch, &[("t", crate::num(st))])
        ));
    }
    s
}

/// A normalisation method in words.
fn normalisation_name(n: &Normalisation, lang: Lang) -> &'static str {
    match n {
        Normalisation::Identity => lang.pick("不标准化", "none (raw values)"),
        Normalisation::MinMax { .. } => lang.pick("极差标准化(最小–最大)", "min–max"),
        Normalisation::ZScore { .. } => lang.pick("Z 分数标准化", "z-scores"),
        Normalisation::Rank { .. } => lang.pick("排序", "ranks"),
        Normalisation::PercentileRank { .. } => lang.pick("百分位排序", "percentile ranks"),
        Normalisation::Goalposts { .. } => lang.pick("固定端点(目标值法)", "fixed goalposts"),
        Normalisation::DistanceToTarget { .. } => lang.pick("与目标的距离", "distance to target"),
        Normalisation::RatioToTarget { .. } => lang.pick("与目标之比", "ratio to target"),
        Normalisation::DistanceToReference { .. } => {
            lang.pick("与参照单位的距离", "distance to a reference unit")
        }
        Normalisation::EfficacyCoefficient { .. } => {
            lang.pick("功效系数法", "efficacy coefficient")
        }
    }
}

/// A weighting method in words.
fn weighting_name(w: &Weighting, lang: Lang) -> &'static str {
    match w {
        Weighting::Equal => lang.pick("等权", "equal weights"),
        Weighting::Manual => lang.pick("框架设定权重", "the framework's weights"),
        Weighting::Effective => lang.pick("有效权重", "effective weights"),
        Weighting::Entropy { .. } => lang.pick("熵权法", "entropy weights"),
        Weighting::Critic => lang.pick("CRITIC 法", "CRITIC"),
        Weighting::CoefficientOfVariation => lang.pick("变异系数法", "coefficient of variation"),
        Weighting::StandardDeviation => lang.pick("标准差法", "standard deviation"),
        Weighting::Pca { .. } => lang.pick("主成分分析", "principal components"),
        Weighting::Ahp { .. } => lang.pick("层次分析法", "AHP"),
        Weighting::Combined { .. } => lang.pick("主客观组合赋权", "combined subjective–objective"),
    }
}

/// An aggregation method in words.
fn aggregation_name(a: &Aggregation, lang: Lang) -> &'static str {
    match a {
        Aggregation::Arithmetic => lang.pick("加权算术平均", "weighted arithmetic mean"),
        Aggregation::Geometric { .. } => lang.pick("加权几何平均", "weighted geometric mean"),
        Aggregation::Harmonic => lang.pick("加权调和平均", "weighted harmonic mean"),
        Aggregation::Power { .. } => lang.pick("幂平均", "power mean"),
        Aggregation::WeightedMedian => lang.pick("加权中位数", "weighted median"),
        Aggregation::Mpi { .. } => lang.pick("Mazziotta–Pareto 指数", "Mazziotta–Pareto index"),
        Aggregation::Ampi { .. } => lang.pick(
            "调整 Mazziotta–Pareto 指数",
            "adjusted Mazziotta–Pareto index",
        ),
        Aggregation::Topsis { .. } => lang.pick("TOPSIS 法", "TOPSIS"),
        Aggregation::Copeland => lang.pick("Copeland 排序法", "Copeland outranking"),
    }
}

/// A JSON value as (dotted path, text) rows: objects by key, lists of scalars joined
/// with commas, other lists by position; `null` as `–`.
pub fn flatten_spec(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                flatten_spec(&join(k), x, out);
            }
        }
        Value::Object(_) => out.push((prefix.to_string(), "–".into())),
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => out.push((
            prefix.to_string(),
            if a.is_empty() {
                "–".into()
            } else {
                a.iter().map(scalar).collect::<Vec<_>>().join(", ")
            },
        )),
        Value::Array(a) => {
            for (k, x) in a.iter().enumerate() {
                flatten_spec(&format!("{prefix}[{}]", k + 1), x, out);
            }
        }
        x => out.push((prefix.to_string(), scalar(x))),
    }
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "–".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), fmt_value),
        other => other.to_string(),
    }
}

/// A warning in plain language: the identifiers of indicators, units and dimensions
/// replaced by their display names (one pass over the warning's words, so a name is
/// never replaced again), code quotes (backticks) removed.
pub fn plain_warning(w: &str, names: &std::collections::HashMap<String, String>) -> String {
    let w = w.replace('`', "");
    let mut out = String::with_capacity(w.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match names.get(word.as_str()) {
            Some(name) => out.push_str(name),
            None => out.push_str(word),
        }
        word.clear();
    };
    for ch in w.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
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
    let lang = extras.lang;
    let year = ev.year;
    let units: Vec<UnitView> = ev
        .units
        .iter()
        .map(|u| UnitView {
            id: u.id.clone(),
            name: lang.pick(&u.name_zh, &u.name_en).to_string(),
        })
        .collect();
    // unit position by id, indexed once (the first of equal ids, as a search would find);
    // a search per call was quadratic in units (one call per unit in several sections)
    let mut unit_pos: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(ev.units.len());
    for (k, u) in ev.units.iter().enumerate() {
        unit_pos.entry(u.id.as_str()).or_insert(k);
    }
    let plan_units = fw.unit_index();
    let unit_name = |id: &str| -> String {
        unit_pos
            .get(id)
            .map(|&k| &ev.units[k])
            .map(|u| lang.pick(&u.name_zh, &u.name_en).to_string())
            .or_else(|| {
                plan_units
                    .unit(id)
                    .map(|u| lang.pick(&u.name_zh, &u.name_en).to_string())
            })
            .unwrap_or_else(|| id.to_string())
    };
    // indicators by id, indexed once (a search of the framework per lookup was quadratic
    // in indicators)
    let series = fw.series_index();
    let ind_name = |id: &str| -> String {
        series.indicator(id).map_or(id.to_string(), |i| {
            lang.pick(&i.name_zh, &i.name_en).to_string()
        })
    };
    let (dimensions, mut indicators) = framework_views(fw, lang);

    // ---- cells ---------------------------------------------------------------------------
    let c = &ev.cells;
    // the plan's target phrase depends on the indicator only: formatted once per indicator
    let plan_phrases: Vec<Id> = fw
        .indicators
        .iter()
        .map(|i| Id::from(target_phrase(i, fw.target_year, lang)))
        .collect();
    // the ids and names a cell shares with others, allocated once (a copy per cell was
    // four strings × 290,000 cells at 2,844 units)
    let ind_ids: Vec<Id> = fw.indicators.iter().map(|i| Id::new(&i.id)).collect();
    let unit_ids: Vec<Id> = ev.units.iter().map(|u| Id::new(&u.id)).collect();
    let source_names: [Id; 4] = [
        TargetSource::Plan,
        TargetSource::Unit,
        TargetSource::NotScored,
        TargetSource::None,
    ]
    .map(|s| Id::new(s.name()));
    let source_name = |s: TargetSource| match s {
        TargetSource::Plan => source_names[0].clone(),
        TargetSource::Unit => source_names[1].clone(),
        TargetSource::NotScored => source_names[2].clone(),
        TargetSource::None => source_names[3].clone(),
    };
    // (a cell at a time, on the report's threads: the same cells in the same order)
    let cells: Vec<CellView> = crate::par::map_range(c.len(), extras.threads, 4096, |k| {
        let d = cells::cell_display(fw, ev, k);
        let target = match c.target_source[k] {
            TargetSource::Plan | TargetSource::None => {
                plan_phrases[c.indicator[k] as usize].clone()
            }
            TargetSource::Unit => Id::from(t(
                lang,
                M::OwnTarget,
                &[("target", fmt_value(nan(c.target[k])))],
            )),
            TargetSource::NotScored => Id::new(M::NotScored.text(lang)),
        };
        CellView {
            indicator: ind_ids[c.indicator[k] as usize].clone(),
            unit: unit_ids[c.unit[k] as usize].clone(),
            value: c.value[k],
            achievement: nan(c.achievement[k]),
            colour: d.colour,
            trend: trend_of(c.trend[k]),
            illustrative: c.illustrative[k],
            target,
            target_source: source_name(c.target_source[k]),
            survey_verdict: c
                .survey
                .get(k)
                .and_then(Option::as_deref)
                .map(|t| t.verdict.name().to_string()),
            survey_text: c
                .survey
                .get(k)
                .and_then(Option::as_deref)
                .map(|s| survey_text(s, lang)),
            figure: d.figure.unwrap_or(f64::NAN),
            figure_text: d.figure_text,
            basis: d.basis,
            from: d.from,
            achievement_text: d.achievement_text,
            schedule: d.schedule,
            record: d.record_text,
        }
    });
    // a row's figures are running sums or average growth rates: say so under its name
    // (the first such cell of each indicator, found in one pass over the cells: a scan of
    // every cell per indicator was 102 × 290,000 string compares at 2,844 units)
    let mut first_basis: std::collections::HashMap<&str, &CellView> =
        std::collections::HashMap::new();
    for x in cells
        .iter()
        .filter(|x| matches!(x.basis, Basis::RunningSum | Basis::AverageGrowth))
    {
        first_basis.entry(x.indicator.as_str()).or_insert(x);
    }
    for iv in &mut indicators {
        if let Some(cv) = first_basis.get(iv.id.as_str()).copied() {
            let from = cv.from.map(|y| y.to_string()).unwrap_or_default();
            iv.basis_note = match cv.basis {
                Basis::RunningSum => t(lang, M::BasisRunningSum, &[("from", from)]),
                Basis::AverageGrowth => t(lang, M::BasisAverageGrowth, &[("from", from)]),
                Basis::Level | Basis::YearValue => String::new(),
            };
        }
    }

    // ---- schedule ------------------------------------------------------------------------
    // the cells of each unit, grouped once by the unit's position in the evaluation (the
    // ids are distinct; a scan of every cell per unit was quadratic, and a map by id text
    // hashed 290,000 ids at national scale)
    let mut cells_of: Vec<Vec<u32>> = vec![Vec::new(); ev.units.len()];
    for (k, &u) in c.unit.iter().enumerate() {
        if let Some(v) = cells_of.get_mut(u as usize) {
            v.push(k as u32);
        }
    }
    // each indicator's display name once (a search of the framework per lagging cell
    // was a tenth of the view at national scale)
    let names: Vec<String> = fw
        .indicators
        .iter()
        .map(|i| lang.pick(&i.name_zh, &i.name_en).to_string())
        .collect();
    let name_of = |k: usize| match fw.indicators.get(c.indicator[k] as usize) {
        Some(i) if i.id == *cells[k].indicator => names[c.indicator[k] as usize].clone(),
        _ => ind_name(&cells[k].indicator),
    };
    let schedule: Vec<ScheduleRow> = ev
        .summaries
        .iter()
        .map(|s| {
            let uid = &ev.units[s.unit as usize].id;
            let mut counts = [0usize; 5];
            let mut lagging = Vec::new();
            for &k in cells_of.get(s.unit as usize).into_iter().flatten() {
                let cv = &cells[k as usize];
                let j = SCHEDULE_ALL
                    .iter()
                    .position(|x| *x == cv.schedule)
                    .expect("every status is listed");
                counts[j] += 1;
                if cv.schedule == ScheduleStatus::Lagging {
                    lagging.push(name_of(k as usize));
                }
            }
            ScheduleRow {
                unit: uid.clone(),
                counts,
                lagging,
            }
        })
        .collect();
    let mspec = &ev.spec.monitor;
    // the core's E_t, clamped to [0, 1] (a report year after the target year is 100%)
    let elapsed = monitor::elapsed_share(year, fw.base_year, fw.target_year);
    let schedule_intro = t(
        lang,
        M::ScheduleIntro,
        &[
            ("year", year.to_string()),
            ("elapsed", fmt_value(100.0 * elapsed)),
            ("base", fw.base_year.to_string()),
            ("target", fw.target_year.to_string()),
            ("tol", fmt_value(100.0 * mspec.schedule_tolerance)),
        ],
    );

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
                    format!(
                        "{} ({})",
                        ind_name(id),
                        cells::achievement_text(100.0 * score, &[])
                    )
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
            let e = ev.monitor.dynamic_position(&u.id)?;
            let d = &ev.monitor.dynamic;
            let (years, index) = (d.years(e), d.fixed_base_index(e));
            Some(LineSeries {
                name: unit_name(d.unit(e)),
                values: ev
                    .years
                    .iter()
                    .map(|y| {
                        years
                            .iter()
                            .position(|x| x == y)
                            .map_or(f64::NAN, |r| index[r])
                    })
                    .collect(),
            })
        })
        .collect();

    // ---- distribution targets ------------------------------------------------------------
    let distribution: Vec<DistributionRow> = ev
        .distribution
        .iter()
        .map(|d| {
            let ind = d.indicator.as_deref().and_then(|i| series.indicator(i));
            // against a target: the rule of the dashboard (rounded toward "not met")
            let judged = |x: f64, nearest: String| match ind {
                Some(i) => cells::judged_text(x, &i.polarity, &i.target_form, d.target),
                None => nearest,
            };
            let value = match (&d.detail, d.value) {
                (_, None) => "–".to_string(),
                (DistributionDetail::BandShare { .. }, Some(x)) => {
                    format!("{}%", judged(x, format!("{x:.1}")))
                }
                (DistributionDetail::Measure { .. }, Some(x)) => format!("{x:.3}"),
                (_, Some(x)) => judged(x, format!("{x:.2}")),
            };
            let label_of = |ind: Option<&Indicator>| {
                ind.map_or(d.label_zh.clone(), |i| {
                    lang.pick(&i.name_zh, &i.name_en).to_string()
                })
            };
            let (label, note) = match &d.detail {
                DistributionDetail::Ratio {
                    unit,
                    numerator,
                    denominator,
                    reported,
                } => (
                    format!("{} {}", unit_name(unit), label_of(ind)),
                    format!(
                        "{} / {}{}",
                        fmt_value(*numerator),
                        fmt_value(*denominator),
                        reported
                            .map(|x| format!(
                                "; {}",
                                t(lang, M::ReportedAs, &[("x", fmt_value(x))])
                            ))
                            .unwrap_or_default()
                    ),
                ),
                DistributionDetail::MaxMinRatio(m) => (
                    label_of(ind),
                    format!(
                        "{}{}",
                        t(
                            lang,
                            M::MaxMin,
                            &[
                                ("max", unit_name(&m.max_unit)),
                                ("maxv", fmt_value(m.max_value)),
                                ("min", unit_name(&m.min_unit)),
                                ("minv", fmt_value(m.min_value)),
                            ]
                        ),
                        if m.missing.is_empty() {
                            String::new()
                        } else {
                            format!(
                                "; {}",
                                t(
                                    lang,
                                    M::Missing,
                                    &[(
                                        "units",
                                        m.missing
                                            .iter()
                                            .map(|u| unit_name(u))
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    )]
                                )
                            )
                        }
                    ),
                ),
                DistributionDetail::BandShare {
                    households, basis, ..
                } => (
                    label_of(ind),
                    format!(
                        "{}; {}",
                        t(lang, M::Households, &[("n", households.to_string())]),
                        match basis {
                            monitor::BandIncome::Actual => M::BandActual.text(lang),
                            monitor::BandIncome::ThreePersonEquivalent => M::BandThree.text(lang),
                        }
                    ),
                ),
                DistributionDetail::Measure { measure, .. } => (
                    measure_label(measure, lang),
                    t(
                        lang,
                        M::MeasureNote,
                        &[("measure", measure_source(measure))],
                    ),
                ),
            };
            DistributionRow {
                label,
                value,
                target: ind.map_or("–".into(), |i| target_phrase(i, fw.target_year, lang)),
                colour: colour_of(d.colour),
                note,
            }
        })
        .collect();

    // ---- satisfaction and overall evaluation -------------------------------------------------
    let mres = &ev.monitor;
    let mut evaluation = Vec::new();
    if !mres.satisfaction.is_empty() {
        // each unit × year's group indexed once (the first of equal keys, as a search
        // finds; a search per evaluation row was quadratic in units)
        let mut group_of: std::collections::HashMap<
            (&str, i32),
            &cpindex::monitor::SatisfactionGroup,
        > = std::collections::HashMap::with_capacity(mres.satisfaction.len());
        for g in &mres.satisfaction {
            group_of.entry((g.unit.as_str(), g.year)).or_insert(g);
        }
        for e in &mres.evaluations {
            let g = group_of.get(&(e.unit.as_str(), e.year)).copied();
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
                    monitor::ChangeVerdict::Rise => M::ChangeRise.text(lang),
                    monitor::ChangeVerdict::Fall => M::ChangeFall.text(lang),
                    monitor::ChangeVerdict::NoSignificantChange => M::ChangeNone.text(lang),
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
    let eres = &ev.index;
    // the spec the fingerprint hashes (the caller's; the engine's copy in `ev.index` has
    // the optional outputs off when the report shows none of them)
    let spec_value = serde_json::json!({
        "index": ev.spec.index,
        "monitor": mspec,
        "satisfaction": ev.spec.satisfaction,
    });
    let mut spec_rows = Vec::new();
    flatten_spec("", &spec_value, &mut spec_rows);
    let dims = fw.dimension_index();
    let dim_name = |id: &str| {
        dims.dimension(id).map_or(id.to_string(), |d| {
            lang.pick(&d.name_zh, &d.name_en).to_string()
        })
    };
    let mut weights: Vec<(String, f64)> = eres
        .weights
        .iter()
        .filter(|w| w.period == year && w.node == eres.framework_id)
        .map(|w| (dim_name(&w.child), w.normalised))
        .collect();
    if weights.is_empty() {
        weights = fw
            .child_dimensions(None)
            .map(|d| (dim_name(&d.id), d.weight))
            .collect();
    }
    let indicator_weights = eres
        .weights
        .iter()
        .filter(|w| w.period == year && series.indicator(&w.child).is_some())
        .map(|w| (ind_name(&w.child), w.effective))
        .collect();
    let count = |s: TargetSource| c.target_source.iter().filter(|x| **x == s).count();
    // the framework's indicators with a cell, marked in one pass over the cells (a scan
    // of every cell per indicator was quadratic)
    let mut has_cell = vec![false; fw.indicators.len()];
    for &x in &c.indicator {
        if let Some(h) = has_cell.get_mut(x as usize) {
            *h = true;
        }
    }
    let present = has_cell.iter().filter(|&&h| h).count();
    let fw_title = lang.pick(&fw.title_zh, &fw.title_en).to_string();
    let mut notes = vec![t(
        lang,
        M::MethodFramework,
        &[
            ("framework", fw_title.clone()),
            ("dimensions", dimensions.len().to_string()),
            ("indicators", fw.indicators.len().to_string()),
            ("year", year.to_string()),
            ("present", present.to_string()),
        ],
    )];
    notes.push(
        match mspec.form {
            monitor::AchievementForm::Ratio => M::MethodRatio,
            monitor::AchievementForm::Progress => M::MethodProgress,
        }
        .text(lang)
        .to_string(),
    );
    notes.push(t(
        lang,
        M::MethodAggregate,
        &[("coverage", fmt_value(100.0 * mspec.min_indicator_coverage))],
    ));
    let ispec = &ev.spec.index;
    notes.push(t(
        lang,
        M::MethodIndex,
        &[
            (
                "normalisation",
                normalisation_name(&ispec.normalisation.default, lang).into(),
            ),
            (
                "weighting",
                format!(
                    "{} / {}",
                    weighting_name(&ispec.weighting.indicators, lang),
                    weighting_name(&ispec.weighting.dimensions, lang)
                ),
            ),
            (
                "aggregation",
                aggregation_name(&ispec.aggregation.default.method, lang).into(),
            ),
            ("scope", index_scope(ev, lang)),
        ],
    ));
    notes.push(t(
        lang,
        M::MethodTargets,
        &[
            ("plan", count(TargetSource::Plan).to_string()),
            ("own", count(TargetSource::Unit).to_string()),
            ("ns", count(TargetSource::NotScored).to_string()),
        ],
    ));
    notes.push(t(
        lang,
        M::MethodTrend,
        &[
            ("on", fmt_value(100.0 * mspec.trend.on_track)),
            ("acc", fmt_value(100.0 * mspec.trend.acceleration_needed)),
        ],
    ));
    notes.push(t(
        lang,
        M::MethodDynamic,
        &[(
            "base",
            mspec.dynamic.base_year.unwrap_or(fw.base_year).to_string(),
        )],
    ));
    let aggs = &ev.monitor.aggregates;
    let withheld: Vec<String> = (0..aggs.len())
        .filter(|&k| aggs.year(k) == year && aggs.withheld(k).is_some())
        .map(|k| {
            format!(
                "{} ({:.0}%)",
                unit_name(aggs.unit(k)),
                100.0 * aggs.indicator_coverage(k)
            )
        })
        .collect();
    if !withheld.is_empty() {
        notes.push(t(
            lang,
            M::MethodWithheld,
            &[
                ("coverage", fmt_value(100.0 * mspec.min_indicator_coverage)),
                ("units", withheld.join(lang.pick("、", ", "))),
            ],
        ));
    }
    let p = &ev.provenance;
    if p.unsourced > 0 {
        notes.push(t(
            lang,
            M::MethodUnsourced,
            &[
                ("year", year.to_string()),
                ("values", p.values.to_string()),
                ("n", p.unsourced.to_string()),
            ],
        ));
    }
    notes.push(M::FigureRule.text(lang).to_string());
    notes.push(M::MethodDate.text(lang).to_string());
    notes.push(t(
        lang,
        M::MethodFingerprint,
        &[
            (
                "fp",
                format!("{}:{}", ev.fingerprint.algorithm, ev.fingerprint.hex),
            ),
            ("version", ev.fingerprint.version.clone()),
        ],
    ));
    let illustrative = p.illustrative > 0;
    let illustrative_note = t(
        lang,
        M::IllustrativeBanner,
        &[
            ("year", year.to_string()),
            ("values", p.values.to_string()),
            ("illustrative", p.illustrative.to_string()),
        ],
    );
    let mut sources = p.sources.clone();
    sources.push(M::SourcesColumn.text(lang).into());
    // warnings in plain words: ids of indicators and units by their names
    let names: std::collections::HashMap<String, String> = fw
        .indicators
        .iter()
        .map(|i| (i.id.clone(), lang.pick(&i.name_zh, &i.name_en).to_string()))
        .chain(
            ev.units
                .iter()
                .map(|u| (u.id.clone(), lang.pick(&u.name_zh, &u.name_en).to_string())),
        )
        .chain(
            // a dimension id that is a plain word (`health`) stays: it may be prose
            fw.dimensions
                .iter()
                .filter(|d| d.id.contains('_'))
                .map(|d| (d.id.clone(), lang.pick(&d.name_zh, &d.name_en).to_string())),
        )
        .filter(|(id, name)| id != name)
        .collect();
    let warnings: Vec<String> = ev
        .warnings
        .iter()
        .map(|w| plain_warning(w, &names))
        .collect();
    let absolute = fw
        .indicators
        .iter()
        .filter(|i| mspec.dashboard.thresholds.contains_key(&i.id))
        .count();
    ReportView {
        lang,
        framework_line: t(
            lang,
            M::Framework,
            &[
                ("name", fw_title.clone()),
                ("indicators", fw.indicators.len().to_string()),
                ("dimensions", dimensions.len().to_string()),
                ("base", fw.base_year.to_string()),
                ("target", fw.target_year.to_string()),
            ],
        ),
        meta: extras.meta,
        schedule,
        schedule_intro,
        legend: LegendView {
            yellow_pct: 100.0 * mspec.dashboard.score_yellow,
            orange_pct: 100.0 * mspec.dashboard.score_orange,
            absolute,
        },
        title: fw_title,
        subtitle: fw.id.clone(),
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
            spec_json: serde_json::to_string_pretty(&spec_value).expect("specs always serialise"),
            spec_rows,
            weights,
            indicator_weights,
            sources,
            notes,
        },
        warnings,
        inputs: extras.input_notes,
        generator: format!("cpindex {}", ev.fingerprint.version),
        fingerprint: format!("{}:{}", ev.fingerprint.algorithm, ev.fingerprint.hex),
        result: Some(shared.clone()),
        unit_index: Default::default(),
    }
}

/// A household inequality measure's label.
fn measure_label(measure: &str, lang: Lang) -> String {
    match measure {
        "gini" => lang.pick(
            "居民人均可支配收入基尼系数",
            "Gini coefficient of per-capita disposable income",
        ),
        "theil_t" => lang.pick("泰尔指数(Theil T)", "Theil index (T)"),
        other => other,
    }
    .to_string()
}

/// Where a household inequality measure is defined.
fn measure_source(measure: &str) -> String {
    match measure {
        "gini" => "Gini (1912), weighted: Lerman & Yitzhaki (1989)",
        "theil_t" => "Theil (1967), GE(1): Cowell (2011)",
        other => other,
    }
    .to_string()
}

/// One line on a survey verdict: `not distinguishable (target 92): z = -1.61 (estimate 90.65, SE 0.84,
/// CI 89–92.3)`.
fn survey_text(st: &cpindex::monitor::satisfaction::SurveyTargetTest, lang: Lang) -> String {
    use cpindex::monitor::satisfaction::SurveyVerdict;
    let verdict = match st.verdict {
        SurveyVerdict::Met => M::SurveyMet,
        SurveyVerdict::NotMet => M::SurveyNotMet,
        SurveyVerdict::NotDistinguishable => M::SurveyNs,
    };
    t(
        lang,
        M::SurveyText,
        &[
            ("verdict", verdict.text(lang).to_string()),
            ("target", fmt_value(st.target)),
            (
                "z",
                st.statistic
                    .map_or_else(|| "–".to_string(), |z| format!("{z:.2}")),
            ),
            ("estimate", fmt_value(st.estimate)),
            ("se", fmt_value(st.se)),
            ("lo", fmt_value(st.ci_lower)),
            ("hi", fmt_value(st.ci_upper)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_name_things_once_and_lose_code_quotes() {
        let names: std::collections::HashMap<String, String> = [
            ("gdp", "地区生产总值"),
            ("county_a", "甲县"),
            ("education_years", "Education"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .into_iter()
        .collect();
        assert_eq!(
            plain_warning("indicator `gdp` of county_a: gdp_growth, gdp.", &names),
            "indicator 地区生产总值 of 甲县: gdp_growth, 地区生产总值."
        );
        // a replaced name is not searched again
        let names: std::collections::HashMap<String, String> = [("a_b", "x a_b y")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .into_iter()
            .collect();
        assert_eq!(plain_warning("a_b", &names), "x a_b y");
    }
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
            ("table", crate::text::render_table(&v, 1)),
            ("csv", crate::text::render_csv(&v)),
        ] {
            assert!(!text.contains("NaN"), "{name} shows NaN");
            assert!(text.contains("not_scored") || name != "csv", "{name}");
        }
    }
}
