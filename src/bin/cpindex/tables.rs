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
use std::collections::HashMap;
use std::rc::Rc;

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
    /// Text (may be empty); shared, as most texts repeat down a column (unit and
    /// indicator names, colours), so a cell costs a reference count, not an allocation.
    Text(Rc<str>),
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

fn text(s: impl AsRef<str>) -> Cell {
    shared(&Rc::from(s.as_ref()))
}

/// A text cell sharing `s`.
fn shared(s: &Rc<str>) -> Cell {
    Cell {
        value: Value::Text(Rc::clone(s)),
        fill: None,
    }
}

/// A row: the unit's two cells, then the rest.
fn row<const N: usize>(unit: [Cell; 2], rest: [Cell; N]) -> impl Iterator<Item = Cell> {
    unit.into_iter().chain(rest)
}

/// The JSON names of the values of an enum, each computed once ([`json_name`] goes
/// through `serde_json`) and shared by every cell that shows it.
struct Names<T>(Vec<(T, Rc<str>)>);

impl<T: Serialize + PartialEq + Clone> Names<T> {
    fn new() -> Self {
        Names(Vec::new())
    }
    fn of(&mut self, v: &T) -> Cell {
        if let Some((_, s)) = self.0.iter().find(|(k, _)| k == v) {
            return shared(s);
        }
        let s: Rc<str> = Rc::from(json_name(v));
        self.0.push((v.clone(), Rc::clone(&s)));
        shared(&s)
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
    /// The cells row by row, one per column (flat: one allocation per table, not per
    /// row; [`ReportTable::rows`] reads them back as rows).
    cells: Vec<Cell>,
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
            cells: Vec::new(),
            in_csv: true,
            frozen_columns: 0,
        }
    }

    /// Appends a row: exactly one cell per column (a row of any other length is a bug
    /// in this file; debug builds catch it).
    fn push(&mut self, row: impl IntoIterator<Item = Cell>) {
        let before = self.cells.len();
        self.cells.extend(row);
        debug_assert_eq!(
            self.cells.len() - before,
            self.columns.len(),
            "table {}",
            self.key
        );
    }

    /// Room for `n` more rows (the large tables know their size: no copying as they grow).
    /// Only a hint: when the room cannot be had the table grows as it is filled.
    fn reserve_rows(&mut self, n: usize) {
        let _ = self.cells.try_reserve(n.saturating_mul(self.columns.len()));
    }

    /// The rows, each a slice of one cell per column.
    pub fn rows(&self) -> std::slice::ChunksExact<'_, Cell> {
        // a table without columns has no rows (and chunks of 0 are not allowed)
        let width = self.columns.len().max(1);
        let cells = if self.columns.is_empty() {
            &[][..]
        } else {
            &self.cells[..]
        };
        cells.chunks_exact(width)
    }

    /// The number of rows.
    pub fn n_rows(&self) -> usize {
        self.cells
            .len()
            .checked_div(self.columns.len())
            .unwrap_or(0)
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
    // every id and name once, shared by the cells that show it (a national-scale report
    // has a million rows, most of them naming a unit and an indicator or node)
    let units: Vec<[Rc<str>; 2]> = e
        .units
        .iter()
        .map(|u| [Rc::from(u.id.as_str()), Rc::from(u.name_zh.as_str())])
        .collect();
    let unit_cells = |u: usize| -> [Cell; 2] { [shared(&units[u][0]), shared(&units[u][1])] };
    // unit positions by id, indexed once (a search per row is quadratic in units)
    let positions: HashMap<&str, usize> = e
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    let unit_pos = |id: &str| positions.get(id).copied();
    let unit_cells_by_id = |id: &str| -> [Cell; 2] {
        match unit_pos(id) {
            Some(u) => unit_cells(u),
            None => [text(id), text(id)],
        }
    };
    // indicators by id: (id, Chinese name, unit of measure), and node names
    let empty: Rc<str> = Rc::from("");
    let indicators: HashMap<&str, [Rc<str>; 3]> = fw
        .indicators
        .iter()
        .map(|i| {
            (
                i.id.as_str(),
                [
                    Rc::from(i.id.as_str()),
                    Rc::from(i.name_zh.as_str()),
                    Rc::from(i.unit.label.as_str()),
                ],
            )
        })
        .collect();
    let ind_name = |id: &str| -> Rc<str> {
        indicators
            .get(id)
            .map(|i| Rc::clone(&i[1]))
            .unwrap_or_else(|| Rc::clone(&empty))
    };
    let ind_id = |id: &str| -> Cell {
        match indicators.get(id) {
            Some(i) => shared(&i[0]),
            None => text(id),
        }
    };
    let ind_label = |id: &str| -> Rc<str> {
        indicators
            .get(id)
            .map(|i| Rc::clone(&i[2]))
            .unwrap_or_else(|| Rc::clone(&empty))
    };
    let overall_name: Rc<str> = Rc::from("综合指数");
    let dimension_names: HashMap<&str, Rc<str>> = fw
        .dimensions
        .iter()
        .map(|d| (d.id.as_str(), Rc::from(d.name_zh.as_str())))
        .collect();
    let node_name = |id: &str| -> Rc<str> {
        if id == fw.id {
            Rc::clone(&overall_name)
        } else {
            dimension_names
                .get(id)
                .cloned()
                .unwrap_or_else(|| ind_name(id))
        }
    };
    let bools: [Rc<str>; 2] = [Rc::from("false"), Rc::from("true")];
    let (mut roles, mut colours, mut trends, mut sources, mut verdicts, mut statuses) = (
        Names::new(),
        Names::new(),
        Names::new(),
        Names::new(),
        Names::new(),
        Names::new(),
    );
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
                // the headline rank (`UnitSummary::rank`): among the parts only
                col(
                    "rank",
                    "排名(组成单位之间)",
                    "rank (among the parts)",
                    Fmt::Int,
                ),
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
        overall.push(row(
            unit_cells(u),
            [
                roles.of(&e.units[u].role),
                num(s.achievement),
                num(s.index),
                num(s.rank),
                text(lagging.join("; ")),
            ],
        ));
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
            dims.push(row(
                unit_cells(u),
                [
                    text(d),
                    shared(&node_name(d)),
                    filled(num(s.by_dimension.get(k).copied().flatten()), colour),
                    colours.of(&colour),
                ],
            ));
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
    let series = fw.series_index();
    let dims = fw.dimension_index();
    for (j, id) in e.indicators.iter().enumerate() {
        if at[j].iter().all(Option::is_none) {
            continue;
        }
        let ind = series.indicator(id);
        let dim = ind
            .and_then(|i| dims.top_dimension_of(i))
            .map(node_name)
            .unwrap_or_else(|| Rc::clone(&empty));
        let mut row = vec![
            shared(&dim),
            ind_id(id),
            shared(&ind_name(id)),
            shared(&ind_label(id)),
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
    cells.reserve_rows(c.len());
    for k in 0..c.len() {
        let id = &e.indicators[c.indicator[k] as usize];
        let survey = c.survey.get(k).and_then(|s| s.as_ref());
        cells.push(row(
            unit_cells(c.unit[k] as usize),
            [
                ind_id(id),
                shared(&ind_name(id)),
                n(e.year as f64),
                n(c.value[k]),
                shared(&ind_label(id)),
                num(c.target[k]),
                sources.of(&c.target_source[k]),
                filled(num(c.achievement[k]), c.colour[k]),
                colours.of(&c.colour[k]),
                trends.of(&c.trend[k]),
                shared(&bools[usize::from(c.illustrative[k])]),
                num(survey.map(|s| s.estimate)),
                num(survey.map(|s| s.se)),
                num(survey.map(|s| s.ci_lower)),
                num(survey.map(|s| s.ci_upper)),
                match survey {
                    Some(s) => verdicts.of(&s.verdict),
                    None => shared(&empty),
                },
            ],
        ));
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
                // the index result's ranks (`IndexResult::ranks`): among every unit the
                // index was computed over, the whole included — not the overall table's
                // `rank`, hence another column
                col(
                    "rank_all",
                    "排名(全部计算单位)",
                    "rank (all units computed)",
                    Fmt::Int,
                ),
            ],
        ]
        .concat(),
    );
    index.frozen_columns = 2;
    index.reserve_rows(r.periods.len() * r.nodes.len() * r.units.len());
    // ids sorted once: a search per node was quadratic in the number of dimensions
    let (score_index, rank_index) = (r.scores.index(), r.ranks.index());
    for (q, &period) in r.periods.iter().enumerate() {
        for node in &r.nodes {
            let (node_id, name): (Rc<str>, Rc<str>) =
                (Rc::from(node.id.as_str()), node_name(&node.id));
            let scores = score_index.get(&node.id, q);
            let ranks = rank_index.get(&node.id, q);
            for (u, unit) in r.units.iter().enumerate() {
                index.push(row(
                    unit_cells_by_id(unit),
                    [
                        n(period as f64),
                        shared(&node_id),
                        shared(&name),
                        num(scores.and_then(|s| s.get(u).copied())),
                        num(ranks.and_then(|s| s.get(u).copied())),
                    ],
                ));
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
            dynamic.push(row(
                unit_cells_by_id(d.unit(k)),
                [
                    n(d.base_year(k) as f64),
                    n(year as f64),
                    n(composite[r]),
                    n(fixed[r]),
                    n(chained[r]),
                ],
            ));
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
            sat.push(row(
                unit_cells_by_id(&g.unit),
                [
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
            ));
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
        comb.push(row(
            unit_cells_by_id(&v.unit),
            [
                n(v.year as f64),
                num(v.objective),
                num(v.subjective),
                num(v.subjective_se),
                n(v.objective_weight),
                num(v.combined),
                num(v.combined_se),
            ],
        ));
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
    sched.reserve_rows(e.monitor.schedule.len());
    for s in e.monitor.schedule.records() {
        sched.push(row(
            unit_cells_by_id(&s.unit),
            [
                ind_id(&s.indicator),
                shared(&ind_name(&s.indicator)),
                n(s.year as f64),
                n(s.elapsed_share),
                num(s.progress),
                statuses.of(&s.status),
                text(s.basis.as_ref()),
                match s.interim_met {
                    Some(b) => shared(&bools[usize::from(b)]),
                    None => shared(&empty),
                },
            ],
        ));
    }
    out.push(sched);
    out
}

/// The report as one tidy CSV (see [`write_csv`]), in memory.
#[cfg(test)]
pub fn to_csv(tables: &[ReportTable], excel: bool) -> String {
    let mut out = Vec::new();
    write_csv(tables, excel, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("the CSV of UTF-8 cells is UTF-8")
}

/// Appends `field` to `line` as a CSV field (RFC 4180): quoted, with quotes doubled, when
/// it holds the delimiter, a quote or a line break — the `csv` crate's `Necessary` style,
/// so the output is what that writer gave; otherwise as it is.
fn push_field(line: &mut Vec<u8>, field: &[u8]) {
    if field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        line.push(b'"');
        for &b in field {
            if b == b'"' {
                line.push(b'"');
            }
            line.push(b);
        }
        line.push(b'"');
    } else {
        line.extend_from_slice(field);
    }
}

/// Appends finite `x` as Rust's `Display` writes it (the shortest text that reads back
/// as the same `f64`). A whole number below 2^53 — years, ranks, counts: half the numbers
/// of the report — is written as an integer, which is the same text without the float
/// formatter; `-0` and everything else go through it.
fn push_shortest(out: &mut String, x: f64) {
    use std::fmt::Write as _;
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if x.fract() == 0.0 && x.abs() < EXACT && !(x == 0.0 && x.is_sign_negative()) {
        let _ = write!(out, "{}", x as i64);
    } else {
        let _ = write!(out, "{x}");
    }
}

/// Writes the report as one tidy CSV: a first column `table` naming the table of each
/// row, then the union of the tables' columns (by key, in order of first appearance); a
/// column a table does not have is empty in its rows. A number is the shortest text that
/// reads back as the same `f64` (Rust's `Display`), so the CSV carries the JSON's numbers
/// exactly; missing = empty. `excel`: a UTF-8 byte-order mark and CRLF line ends, which
/// Excel and WPS need to read UTF-8 Chinese text (RFC 4180 line ends).
///
/// Written a line at a time into `w` (one buffer for the line, one for a number): the
/// national-scale report is a million rows × 62 columns, and a record of owned strings
/// per row was most of its cost.
pub fn write_csv(
    tables: &[ReportTable],
    excel: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
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
    let eol: &[u8] = if excel { b"\r\n" } else { b"\n" };
    if excel {
        w.write_all("\u{feff}".as_bytes())?;
    }
    let mut line: Vec<u8> = Vec::with_capacity(1024);
    push_field(&mut line, b"table");
    for k in &keys {
        line.push(b',');
        push_field(&mut line, k.as_bytes());
    }
    line.extend_from_slice(eol);
    w.write_all(&line)?;
    let mut number = String::new();
    for t in &tables {
        // the table's column under each key (a later column of the same key wins)
        let mut slot: Vec<Option<usize>> = vec![None; keys.len()];
        for (i, c) in t.columns.iter().enumerate() {
            if let Some(p) = keys.iter().position(|k| *k == c.key) {
                slot[p] = Some(i);
            }
        }
        for row in t.rows() {
            line.clear();
            push_field(&mut line, t.key.as_bytes());
            for s in &slot {
                line.push(b',');
                match s.and_then(|i| row.get(i)).map(|c| &c.value) {
                    Some(Value::Num(Some(x))) if x.is_finite() => {
                        number.clear();
                        push_shortest(&mut number, *x);
                        line.extend_from_slice(number.as_bytes());
                    }
                    Some(Value::Text(text)) => push_field(&mut line, text.as_bytes()),
                    Some(Value::Num(_)) | None => {}
                }
            }
            line.extend_from_slice(eol);
            w.write_all(&line)?;
        }
    }
    Ok(())
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
    fn numbers_are_the_float_formatters_text() {
        // whole numbers near the 2^53 edge, signed zeros, halves, tiny and huge values,
        // and a million pseudo-random bit patterns (xorshift) against std's Display
        let mut xs = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            2025.0,
            0.5,
            -2.5,
            1e15,
            1e16,
            9_007_199_254_740_991.0,
            9_007_199_254_740_992.0,
            -9_007_199_254_740_993.0,
            1e300,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for k in 0..1_000_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = match k % 3 {
                0 => f64::from_bits(state),
                // whole numbers of every size
                1 => ((state >> 11) as f64) / 2f64.powi((state % 40) as i32),
                _ => (state % 100_000) as f64 - 50_000.0,
            };
            if x.is_finite() {
                xs.push(x);
            }
        }
        let mut s = String::new();
        for x in xs {
            s.clear();
            push_shortest(&mut s, x);
            assert_eq!(s, format!("{x}"), "bits {:#x}", x.to_bits());
        }
    }

    #[test]
    fn fields_are_quoted_as_the_csv_crate_quotes_them() {
        // an independent writer (the csv crate, QuoteStyle::Necessary) on awkward fields
        let fields = [
            "",
            "plain",
            "a,b",
            "say \"hi\"",
            "line\nbreak",
            "cr\rhere",
            "\"",
            ",",
            " lead",
            "衢州市,柯城区",
            "尾随\"",
            "#hash",
            "tab\tin",
            "1e-7",
        ];
        for f in fields {
            let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
            w.write_record([f, "x"]).unwrap();
            let want = String::from_utf8(w.into_inner().unwrap()).unwrap();
            let mut line = Vec::new();
            push_field(&mut line, f.as_bytes());
            line.extend_from_slice(b",x\n");
            assert_eq!(String::from_utf8(line).unwrap(), want, "field {f:?}");
        }
        // and the whole CSV, Excel form: byte-order mark, CRLF, a quoted multi-line cell
        let mut a = ReportTable::new("t", "甲", "A", vec![col("text", "文", "text", Fmt::Text)]);
        a.push(vec![text("a\nb")]);
        let t = to_csv(&[a], true);
        assert_eq!(t, "\u{feff}table,text\r\nt,\"a\nb\"\r\n");
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
