//! The report's tables, format-neutral: every table of the monitoring report built from
//! the library's typed [`Evaluation`] (the core computes; this only arranges), for the
//! xlsx workbook (`xlsx.rs`) and the report CSV ([`to_csv`]).
//!
//! Each table has bilingual column headers (Chinese and English), numbers kept as numbers
//! (`None` = missing, never NaN) with the number format they are shown in, and the
//! dashboard colour of the cells the report colours. The tables and their columns are
//! listed in docs/report-formats.md.

use cpindex::evaluate::Evaluation;
use cpindex::model::Framework;
use cpindex::monitor::Colour;
use serde::Serialize;

/// How a column's numbers are shown (an Excel number format in the workbook).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    /// Text.
    Text,
    /// A whole number (counts, ranks, years).
    Int,
    /// A number with this many decimals.
    Dec(u8),
    /// A number shown as Excel's `General` (observed values of any magnitude).
    General,
    /// An achievement in percent: one decimal, but three between 99.95 and 100 so that
    /// a value short of 100 (99.997, coloured as not met) never shows as `100.0`.
    Achievement,
}

impl Fmt {
    /// The Excel number format.
    pub fn excel(self) -> &'static str {
        match self {
            Fmt::Text | Fmt::General => "General",
            Fmt::Int => "0",
            Fmt::Dec(0) => "0",
            Fmt::Dec(1) => "0.0",
            Fmt::Dec(2) => "0.00",
            Fmt::Dec(3) => "0.000",
            Fmt::Dec(_) => "0.0000",
            Fmt::Achievement => "[>=100]0.0;[>=99.95]0.000;0.0",
        }
    }
}

/// A column: a stable key (the CSV header), Chinese and English headers, a format.
#[derive(Debug, Clone)]
pub struct Column {
    /// Stable snake_case key (CSV header; JSON member name where there is one).
    pub key: String,
    /// Chinese header.
    pub zh: String,
    /// English header.
    pub en: String,
    /// Number format.
    pub fmt: Fmt,
}

fn col(key: &str, zh: &str, en: &str, fmt: Fmt) -> Column {
    Column {
        key: key.into(),
        zh: zh.into(),
        en: en.into(),
        fmt,
    }
}

/// A cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A number; `None` = missing (an empty cell).
    Num(Option<f64>),
    /// Text (may be empty).
    Text(String),
}

/// A cell: its value and, where the report colours it, the dashboard colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The value.
    pub value: Value,
    /// The dashboard colour of the cell (fill), if coloured.
    pub fill: Option<Colour>,
}

fn num(v: Option<f64>) -> Cell {
    Cell {
        value: Value::Num(v.filter(|x| x.is_finite())),
        fill: None,
    }
}

fn n(v: f64) -> Cell {
    num(Some(v))
}

fn int(v: usize) -> Cell {
    num(Some(v as f64))
}

fn text(s: impl Into<String>) -> Cell {
    Cell {
        value: Value::Text(s.into()),
        fill: None,
    }
}

fn filled(mut c: Cell, colour: Colour) -> Cell {
    c.fill = Some(colour);
    c
}

/// The JSON name of a serialisable enum value (`green`, `on_track`, `not_met` …), so that
/// the tables use exactly the names of the JSON evaluation.
pub fn json_name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(o)) => o
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or_default()
            .to_string(),
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The fill of a dashboard colour in the workbook: the background colours of the HTML
/// report's legend (`td.c-g` … `td.c-n` in html.rs), and whether the text is white.
pub fn fill_rgb(c: Colour) -> (u32, bool) {
    match c {
        Colour::Green => (0x3f9b4f, true),
        Colour::Yellow => (0xf3d84a, false),
        Colour::Orange => (0xf5a14f, false),
        Colour::Red => (0xd63a2f, true),
        Colour::Grey => (0xd9d9d9, false),
    }
}

/// Chinese name of a dashboard colour, as the report's legend says it.
pub fn colour_zh(c: Colour) -> &'static str {
    match c {
        Colour::Green => "已实现",
        Colour::Yellow => "仍有挑战",
        Colour::Orange => "重大挑战",
        Colour::Red => "严峻挑战",
        Colour::Grey => "无数据",
    }
}

/// One table of the report.
#[derive(Debug, Clone)]
pub struct ReportTable {
    /// Stable key: the `table` column of the CSV.
    pub key: &'static str,
    /// Chinese title (sheet name).
    pub zh: &'static str,
    /// English title (sheet name).
    pub en: &'static str,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Whether the table is in the CSV too (the dashboard grid is a pivot of `cells`
    /// and exists in the workbook only).
    pub in_csv: bool,
    /// Columns kept in view when scrolling right (unit or indicator names).
    pub frozen_columns: u16,
}

impl ReportTable {
    fn new(key: &'static str, zh: &'static str, en: &'static str, columns: Vec<Column>) -> Self {
        ReportTable {
            key,
            zh,
            en,
            columns,
            rows: Vec::new(),
            in_csv: true,
            frozen_columns: 0,
        }
    }

    fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "table {}", self.key);
        self.rows.push(row);
    }

    /// The sheet name: Chinese and English titles (at most 31 characters, Excel's limit).
    pub fn sheet_name(&self) -> String {
        format!("{} {}", self.zh, self.en)
            .chars()
            .take(31)
            .collect()
    }
}

fn unit_cols() -> Vec<Column> {
    vec![
        col("unit", "地区代码", "unit", Fmt::Text),
        col("unit_name", "地区", "unit name", Fmt::Text),
    ]
}

/// Every table of the report of `e` (indicator and dimension names from `fw`), in the
/// order of the workbook's sheets.
pub fn report_tables(e: &Evaluation, fw: &Framework) -> Vec<ReportTable> {
    let unit_cells = |u: usize| -> Vec<Cell> {
        let entry = &e.units[u];
        vec![text(&entry.id), text(&entry.name_zh)]
    };
    // unit positions by id, indexed once (a search per row is quadratic in units)
    let positions: std::collections::HashMap<&str, usize> = e
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    let unit_pos = |id: &str| positions.get(id).copied();
    let unit_cells_by_id = |id: &str| -> Vec<Cell> {
        match unit_pos(id) {
            Some(u) => unit_cells(u),
            None => vec![text(id), text(id)],
        }
    };
    let ind_name = |id: &str| {
        fw.indicator(id)
            .map(|i| i.name_zh.clone())
            .unwrap_or_default()
    };
    let node_name = |id: &str| -> String {
        if id == fw.id {
            "综合指数".into()
        } else {
            fw.dimension(id)
                .map(|d| d.name_zh.clone())
                .unwrap_or_else(|| ind_name(id))
        }
    };
    let mut out = Vec::new();

    // 0. about: what the workbook is
    let mut about = ReportTable::new(
        "about",
        "说明",
        "About",
        vec![
            col("item", "项目", "item", Fmt::Text),
            col("text", "内容", "content", Fmt::Text),
        ],
    );
    let mut kv = |k: &str, v: String| about.push(vec![text(k), text(v)]);
    kv("title", format!("{} {}", fw.title_zh, fw.title_en));
    kv("framework", e.framework.clone());
    kv("year", e.year.to_string());
    kv(
        "fingerprint",
        format!("{}:{}", e.fingerprint.algorithm, e.fingerprint.hex),
    );
    kv("version", format!("cpindex {}", e.fingerprint.version));
    let p = &e.provenance;
    kv(
        "provenance",
        format!(
            "{} values: {} sourced, {} illustrative, {} without a source",
            p.values, p.sourced, p.illustrative, p.unsourced
        ),
    );
    if p.illustrative > 0 {
        kv(
            "illustrative",
            "演示数据：部分数值为示例，不是官方统计 Illustrative data: some values are \
             examples, not official statistics"
                .into(),
        );
    }
    for s in &p.sources {
        kv("source", s.clone());
    }
    for c in [
        Colour::Green,
        Colour::Yellow,
        Colour::Orange,
        Colour::Red,
        Colour::Grey,
    ] {
        kv(
            "legend",
            format!(
                "{} {} (fill #{:06x})",
                json_name(&c),
                colour_zh(c),
                fill_rgb(c).0
            ),
        );
    }
    for w in &e.warnings {
        kv("warning", w.clone());
    }
    out.push(about);

    // 1. overall: achievement, composite index and rank per unit
    let mut overall = ReportTable::new(
        "overall",
        "总体",
        "Overall",
        [
            unit_cols(),
            vec![
                col("role", "角色", "role", Fmt::Text),
                col(
                    "achievement",
                    "总体实现度(%)",
                    "achievement (%)",
                    Fmt::Dec(1),
                ),
                col("index", "综合指数", "composite index", Fmt::Dec(2)),
                col("rank", "排名", "rank", Fmt::Int),
                col("lagging", "拖后指标", "lagging indicators", Fmt::Text),
            ],
        ]
        .concat(),
    );
    overall.frozen_columns = 2;
    for s in &e.summaries {
        let u = s.unit as usize;
        let lagging: Vec<String> = s
            .lagging
            .iter()
            .map(|(id, score)| format!("{} {id} ({:.3})", ind_name(id), score))
            .collect();
        overall.push(
            [
                unit_cells(u),
                vec![
                    text(json_name(&e.units[u].role)),
                    num(s.achievement),
                    num(s.index),
                    num(s.rank),
                    text(lagging.join("; ")),
                ],
            ]
            .concat(),
        );
    }
    out.push(overall);

    // 2. by dimension: achievement and colour per unit × top-level dimension
    let mut dims = ReportTable::new(
        "dimensions",
        "分领域",
        "By dimension",
        [
            unit_cols(),
            vec![
                col("dimension", "领域代码", "dimension", Fmt::Text),
                col("dimension_name", "领域", "dimension name", Fmt::Text),
                col(
                    "achievement",
                    "实现度(%)",
                    "achievement (%)",
                    Fmt::Achievement,
                ),
                col("colour", "颜色", "colour", Fmt::Text),
            ],
        ]
        .concat(),
    );
    dims.frozen_columns = 2;
    for s in &e.summaries {
        let u = s.unit as usize;
        for (k, d) in e.dimensions.iter().enumerate() {
            let colour = s.dimension_colours.get(k).copied().unwrap_or(Colour::Grey);
            dims.push(
                [
                    unit_cells(u),
                    vec![
                        text(d),
                        text(node_name(d)),
                        filled(num(s.by_dimension.get(k).copied().flatten()), colour),
                        text(json_name(&colour)),
                    ],
                ]
                .concat(),
            );
        }
    }
    out.push(dims);

    // 3. the dashboard grid (workbook only): indicators × units, achievement with fills
    let c = &e.cells;
    let mut grid_cols = vec![
        col("dimension", "领域", "dimension", Fmt::Text),
        col("indicator", "指标代码", "indicator", Fmt::Text),
        col("indicator_name", "指标", "indicator name", Fmt::Text),
        col("unit_label", "计量单位", "unit of measure", Fmt::Text),
    ];
    for u in &e.units {
        grid_cols.push(Column {
            key: u.id.clone(),
            zh: u.name_zh.clone(),
            en: format!("{} (%)", u.name_en),
            fmt: Fmt::Achievement,
        });
    }
    let mut grid = ReportTable::new("dashboard", "仪表盘", "Dashboard", grid_cols);
    grid.in_csv = false;
    grid.frozen_columns = 3;
    let mut at: Vec<Vec<Option<usize>>> = vec![vec![None; e.units.len()]; e.indicators.len()];
    for k in 0..c.len() {
        at[c.indicator[k] as usize][c.unit[k] as usize] = Some(k);
    }
    for (j, id) in e.indicators.iter().enumerate() {
        if at[j].iter().all(Option::is_none) {
            continue;
        }
        let ind = fw.indicator(id);
        let dim = ind
            .and_then(|i| fw.top_dimension_of(i))
            .map(node_name)
            .unwrap_or_default();
        let mut row = vec![
            text(dim),
            text(id),
            text(ind_name(id)),
            text(ind.map(|i| i.unit.label.clone()).unwrap_or_default()),
        ];
        for k in &at[j] {
            row.push(match *k {
                Some(k) => filled(num(c.achievement[k]), c.colour[k]),
                None => num(None),
            });
        }
        grid.push(row);
    }
    out.push(grid);

    // 4. the report year's cells (the dashboard as a list), with the survey verdicts
    let mut cells = ReportTable::new(
        "cells",
        "指标",
        "Indicators",
        [
            unit_cols(),
            vec![
                col("indicator", "指标代码", "indicator", Fmt::Text),
                col("indicator_name", "指标", "indicator name", Fmt::Text),
                col("year", "年份", "year", Fmt::Int),
                col("value", "数值", "value", Fmt::General),
                col("unit_label", "计量单位", "unit of measure", Fmt::Text),
                col("target", "目标值", "target", Fmt::General),
                col("target_source", "目标来源", "target source", Fmt::Text),
                col(
                    "achievement",
                    "实现度(%)",
                    "achievement (%)",
                    Fmt::Achievement,
                ),
                col("colour", "颜色", "colour", Fmt::Text),
                col("trend", "趋势", "trend", Fmt::Text),
                col("illustrative", "示例数据", "illustrative", Fmt::Text),
                col(
                    "survey_estimate",
                    "调查估计值",
                    "survey estimate",
                    Fmt::General,
                ),
                col("survey_se", "标准误", "standard error", Fmt::Dec(3)),
                col("survey_ci_lower", "置信下限", "CI lower", Fmt::Dec(2)),
                col("survey_ci_upper", "置信上限", "CI upper", Fmt::Dec(2)),
                col("survey_verdict", "调查判定", "survey verdict", Fmt::Text),
            ],
        ]
        .concat(),
    );
    cells.frozen_columns = 2;
    for k in 0..c.len() {
        let id = &e.indicators[c.indicator[k] as usize];
        let survey = c.survey.get(k).and_then(|s| s.as_ref());
        cells.push(
            [
                unit_cells(c.unit[k] as usize),
                vec![
                    text(id),
                    text(ind_name(id)),
                    n(e.year as f64),
                    n(c.value[k]),
                    text(
                        fw.indicator(id)
                            .map(|i| i.unit.label.clone())
                            .unwrap_or_default(),
                    ),
                    num(c.target[k]),
                    text(json_name(&c.target_source[k])),
                    filled(num(c.achievement[k]), c.colour[k]),
                    text(json_name(&c.colour[k])),
                    text(json_name(&c.trend[k])),
                    text(if c.illustrative[k] { "true" } else { "false" }),
                    num(survey.map(|s| s.estimate)),
                    num(survey.map(|s| s.se)),
                    num(survey.map(|s| s.ci_lower)),
                    num(survey.map(|s| s.ci_upper)),
                    text(survey.map(|s| json_name(&s.verdict)).unwrap_or_default()),
                ],
            ]
            .concat(),
        );
    }
    out.push(cells);

    // 5. the composite index: score and rank of every node, unit and period
    let r = &e.index;
    let mut index = ReportTable::new(
        "index",
        "综合指数",
        "Composite index",
        [
            unit_cols(),
            vec![
                col("year", "年份", "year", Fmt::Int),
                col("node", "指数/领域代码", "node", Fmt::Text),
                col("node_name", "指数/领域", "node name", Fmt::Text),
                col("score", "得分", "score", Fmt::Dec(2)),
                col("rank", "排名", "rank", Fmt::Int),
            ],
        ]
        .concat(),
    );
    index.frozen_columns = 2;
    for &period in &r.periods {
        for node in &r.nodes {
            let scores = r.scores_for(&node.id, period);
            let ranks = r.ranks_for(&node.id, period);
            for (u, unit) in r.units.iter().enumerate() {
                index.push(
                    [
                        unit_cells_by_id(unit),
                        vec![
                            n(period as f64),
                            text(&node.id),
                            text(node_name(&node.id)),
                            num(scores.and_then(|s| s.get(u).copied())),
                            num(ranks.and_then(|s| s.get(u).copied())),
                        ],
                    ]
                    .concat(),
                );
            }
        }
    }
    out.push(index);

    // 6. the dynamic monitoring index (base year = 100)
    let mut dynamic = ReportTable::new(
        "dynamic",
        "动态监测指数",
        "Dynamic index",
        [
            unit_cols(),
            vec![
                col("base_year", "基期", "base year", Fmt::Int),
                col("year", "年份", "year", Fmt::Int),
                col("composite", "合成值", "composite", Fmt::Dec(2)),
                col(
                    "fixed_base_index",
                    "定基指数",
                    "fixed-base index",
                    Fmt::Dec(2),
                ),
                col("chained_index", "链式指数", "chained index", Fmt::Dec(2)),
            ],
        ]
        .concat(),
    );
    dynamic.frozen_columns = 2;
    let d = &e.monitor.dynamic;
    for k in 0..d.len() {
        let (composite, fixed, chained) =
            (d.composite(k), d.fixed_base_index(k), d.chained_index(k));
        for (r, &year) in d.years(k).iter().enumerate() {
            dynamic.push(
                [
                    unit_cells_by_id(d.unit(k)),
                    vec![
                        n(d.base_year(k) as f64),
                        n(year as f64),
                        n(composite[r]),
                        n(fixed[r]),
                        n(chained[r]),
                    ],
                ]
                .concat(),
            );
        }
    }
    out.push(dynamic);

    // 7. the weights of the composite index
    let mut weights = ReportTable::new(
        "weights",
        "权重",
        "Weights",
        vec![
            col("year", "年份", "year", Fmt::Int),
            col("node", "上级代码", "node", Fmt::Text),
            col("node_name", "上级", "node name", Fmt::Text),
            col("child", "下级代码", "child", Fmt::Text),
            col("child_name", "下级", "child name", Fmt::Text),
            col("raw", "原始权重", "raw weight", Fmt::Dec(4)),
            col("normalised", "归一化权重", "normalised weight", Fmt::Dec(4)),
            col("effective", "有效权重", "effective weight", Fmt::Dec(4)),
            col("method", "赋权方法", "method", Fmt::Text),
        ],
    );
    for w in &r.weights {
        weights.push(vec![
            n(w.period as f64),
            text(&w.node),
            text(node_name(&w.node)),
            text(&w.child),
            text(node_name(&w.child)),
            n(w.raw),
            n(w.normalised),
            n(w.effective),
            text(&w.method),
        ]);
    }
    out.push(weights);

    // 8. distribution targets
    let mut dist = ReportTable::new(
        "distribution",
        "分配目标",
        "Distribution",
        vec![
            col("indicator", "指标代码", "indicator", Fmt::Text),
            col("label", "项目", "measure", Fmt::Text),
            col("value", "数值", "value", Fmt::Dec(4)),
            col("unit_label", "单位", "unit", Fmt::Text),
            col("target", "目标值", "target", Fmt::General),
            col("colour", "颜色", "colour", Fmt::Text),
            col("detail", "计算方式", "computed as", Fmt::Text),
        ],
    );
    for d in &e.distribution {
        dist.push(vec![
            text(d.indicator.clone().unwrap_or_default()),
            text(&d.label_zh),
            filled(num(d.value), d.colour),
            text(&d.unit_label),
            num(d.target),
            text(json_name(&d.colour)),
            text(json_name(&d.detail)),
        ]);
    }
    out.push(dist);

    // 9. satisfaction: overall, domain and subpopulation estimates with SE and CI
    let mut sat = ReportTable::new(
        "satisfaction",
        "满意度",
        "Satisfaction",
        [
            unit_cols(),
            vec![
                col("year", "年份", "year", Fmt::Int),
                col("group", "分组", "group", Fmt::Text),
                col("domain", "领域", "domain", Fmt::Text),
                col("n", "样本量", "respondents", Fmt::Int),
                col("nonresponse", "未作答", "nonresponse", Fmt::Int),
                col("mean", "指数", "index", Fmt::Dec(2)),
                col("se", "标准误", "standard error", Fmt::Dec(3)),
                col("ci_lower", "置信下限", "CI lower", Fmt::Dec(2)),
                col("ci_upper", "置信上限", "CI upper", Fmt::Dec(2)),
                col("deff", "设计效应", "design effect", Fmt::Dec(3)),
            ],
        ]
        .concat(),
    );
    sat.frozen_columns = 2;
    for g in &e.monitor.satisfaction {
        let mut row = |group: String,
                       domain: &str,
                       est: Option<&cpindex::monitor::satisfaction::Estimate>,
                       respondents: usize,
                       nonresponse: usize| {
            sat.push(
                [
                    unit_cells_by_id(&g.unit),
                    vec![
                        n(g.year as f64),
                        text(group),
                        text(domain),
                        int(respondents),
                        int(nonresponse),
                        num(est.map(|x| x.mean)),
                        num(est.and_then(|x| x.se)),
                        num(est.and_then(|x| x.ci_lower)),
                        num(est.and_then(|x| x.ci_upper)),
                        num(est.and_then(|x| x.deff)),
                    ],
                ]
                .concat(),
            );
        };
        row(
            "all".into(),
            "overall",
            g.overall.as_ref(),
            g.n_respondents,
            g.overall_nonresponse,
        );
        for d in &g.domains {
            let resp = d.estimate.as_ref().map(|x| x.n).unwrap_or(0);
            row(
                "all".into(),
                &d.domain,
                d.estimate.as_ref(),
                resp,
                d.nonresponse,
            );
        }
        for s in &g.subpopulations {
            row(
                format!("{}={}", s.variable, s.category),
                "overall",
                s.overall.as_ref(),
                s.n_respondents,
                s.overall_nonresponse,
            );
        }
    }
    out.push(sat);

    // 10. the combined (objective + satisfaction) evaluation
    let mut comb = ReportTable::new(
        "evaluation",
        "综合评价",
        "Combined evaluation",
        [
            unit_cols(),
            vec![
                col("year", "年份", "year", Fmt::Int),
                col("objective", "客观实现度", "objective", Fmt::Dec(1)),
                col("subjective", "主观满意度", "satisfaction", Fmt::Dec(1)),
                col(
                    "subjective_se",
                    "满意度标准误",
                    "satisfaction SE",
                    Fmt::Dec(3),
                ),
                col(
                    "objective_weight",
                    "客观权重",
                    "objective weight",
                    Fmt::Dec(2),
                ),
                col("combined", "综合评价", "combined", Fmt::Dec(1)),
                col("combined_se", "综合评价标准误", "combined SE", Fmt::Dec(3)),
            ],
        ]
        .concat(),
    );
    comb.frozen_columns = 2;
    for v in &e.monitor.evaluations {
        comb.push(
            [
                unit_cells_by_id(&v.unit),
                vec![
                    n(v.year as f64),
                    num(v.objective),
                    num(v.subjective),
                    num(v.subjective_se),
                    n(v.objective_weight),
                    num(v.combined),
                    num(v.combined_se),
                ],
            ]
            .concat(),
        );
    }
    out.push(comb);

    // 11. schedule status (时间过半任务过半)
    let mut sched = ReportTable::new(
        "schedule",
        "进度",
        "Schedule",
        [
            unit_cols(),
            vec![
                col("indicator", "指标代码", "indicator", Fmt::Text),
                col("indicator_name", "指标", "indicator name", Fmt::Text),
                col("year", "年份", "year", Fmt::Int),
                col("elapsed_share", "时间进度", "time elapsed", Fmt::Dec(3)),
                col("progress", "任务进度", "progress", Fmt::Dec(3)),
                col("status", "进度状态", "status", Fmt::Text),
                col("basis", "计算口径", "basis", Fmt::Text),
                col("interim_met", "阶段目标", "milestone met", Fmt::Text),
            ],
        ]
        .concat(),
    );
    sched.frozen_columns = 2;
    for s in &e.monitor.schedule {
        sched.push(
            [
                unit_cells_by_id(&s.unit),
                vec![
                    text(&s.indicator),
                    text(ind_name(&s.indicator)),
                    n(s.year as f64),
                    n(s.elapsed_share),
                    num(s.progress),
                    text(json_name(&s.status)),
                    text(s.basis.as_ref()),
                    text(s.interim_met.map(|b| b.to_string()).unwrap_or_default()),
                ],
            ]
            .concat(),
        );
    }
    out.push(sched);
    out
}

/// A number in the CSV: the shortest text that reads back as the same `f64` (Rust's
/// `Display`), so the CSV carries the JSON's numbers exactly; missing = empty.
fn csv_num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x}"),
        _ => String::new(),
    }
}

/// The report as one tidy CSV: a first column `table` naming the table of each row, then
/// the union of the tables' columns (by key, in order of first appearance); a column a
/// table does not have is empty in its rows. `excel`: a UTF-8 byte-order mark and CRLF
/// line ends, which Excel and WPS need to read UTF-8 Chinese text (RFC 4180 line ends).
pub fn to_csv(tables: &[ReportTable], excel: bool) -> String {
    // the data tables first, the `about` notes (item, text) last: the CSV opens on data
    let tables: Vec<&ReportTable> = tables
        .iter()
        .filter(|t| t.in_csv && t.key != "about")
        .chain(tables.iter().filter(|t| t.in_csv && t.key == "about"))
        .collect();
    let mut keys: Vec<&str> = Vec::new();
    for t in &tables {
        for c in &t.columns {
            if !keys.contains(&c.key.as_str()) {
                keys.push(&c.key);
            }
        }
    }
    let terminator = if excel {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(terminator)
        .from_writer(Vec::new());
    let mut header = vec!["table"];
    header.extend(keys.iter().copied());
    let _ = w.write_record(&header);
    for t in &tables {
        let pos: Vec<usize> = t
            .columns
            .iter()
            .map(|c| keys.iter().position(|k| *k == c.key).unwrap_or(0))
            .collect();
        for row in &t.rows {
            let mut rec = vec![String::new(); keys.len() + 1];
            rec[0] = t.key.to_string();
            for (i, cell) in row.iter().enumerate() {
                rec[pos[i] + 1] = match &cell.value {
                    Value::Num(v) => csv_num(*v),
                    Value::Text(s) => s.clone(),
                };
            }
            let _ = w.write_record(&rec);
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    let body = String::from_utf8(bytes).unwrap_or_default();
    if excel {
        format!("\u{feff}{body}")
    } else {
        body
    }
}

/// Text output of another subcommand made Excel-ready: a UTF-8 byte-order mark and CRLF
/// line ends (`--excel`); line ends inside quoted cells are left alone.
pub fn excel_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16 + 3);
    out.push('\u{feff}');
    let mut quoted = false;
    let mut prev = '\0';
    for ch in text.chars() {
        if ch == '"' {
            quoted = !quoted;
        }
        if ch == '\n' && !quoted && prev != '\r' {
            out.push('\r');
        }
        out.push(ch);
        prev = ch;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_text_adds_bom_and_crlf_outside_quotes() {
        // "a\nb" inside quotes is one cell with a line break: it keeps its bare LF
        let t = excel_text("x,y\n1,\"a\nb\"\n");
        assert_eq!(t, "\u{feff}x,y\r\n1,\"a\nb\"\r\n");
        assert_eq!(excel_text("a\r\n"), "\u{feff}a\r\n");
    }

    #[test]
    fn csv_unions_columns_and_leaves_missing_empty() {
        let mut a = ReportTable::new(
            "a",
            "甲",
            "A",
            vec![
                col("unit", "地区", "unit", Fmt::Text),
                col("x", "x", "x", Fmt::Dec(2)),
            ],
        );
        a.push(vec![text("u1"), num(Some(0.1 + 0.2))]);
        a.push(vec![text("u2"), num(Some(f64::NAN))]);
        let mut b = ReportTable::new(
            "b",
            "乙",
            "B",
            vec![
                col("y", "y", "y", Fmt::Int),
                col("unit", "地区", "unit", Fmt::Text),
            ],
        );
        b.push(vec![int(3), text("u3")]);
        let mut hidden = b.clone();
        hidden.key = "hidden";
        hidden.in_csv = false;
        let t = to_csv(&[a, b, hidden], false);
        // 0.1 + 0.2 = 0.30000000000000004 exactly as f64 prints it; NaN is empty
        assert_eq!(
            t,
            "table,unit,x,y\na,u1,0.30000000000000004,\na,u2,,\nb,u3,,3\n"
        );
    }

    #[test]
    fn fills_are_the_html_legend_colours() {
        // the workbook's fills must stay the HTML report's legend backgrounds
        let page = crate::html::render(&crate::view::demo_view());
        for c in [
            Colour::Green,
            Colour::Yellow,
            Colour::Orange,
            Colour::Red,
            Colour::Grey,
        ] {
            let css = format!("background:#{:06x}", fill_rgb(c).0);
            assert!(page.contains(&css), "{c:?}: {css} not in the HTML legend");
        }
    }

    #[test]
    fn sheet_names_fit_excel() {
        let t = ReportTable::new("x", "综合评价", "Combined evaluation of everything", vec![]);
        assert!(t.sheet_name().chars().count() <= 31);
    }
}
