//! Every fixed text of the report, keyed, in Chinese and English (`--lang zh|en`).
//!
//! One message table: a key per string, both languages beside each other, so that a
//! string cannot exist in one language only (the `match` in [`M::text`] is exhaustive
//! and [`M::ALL`] lets a test check that no text is empty). Placeholders are written
//! `{name}` and filled with [`fill`]. Names of the plan's things (units, dimensions,
//! indicators, the title) come from the framework's `name_zh` / `name_en` fields, not
//! from here.

use serde::Serialize;

/// Report language.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Chinese (简体中文), the default: the language of the plans and of the bureaus
    /// that publish the report.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The HTML `lang` attribute.
    pub fn html(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Picks the text of this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Fills `{name}` placeholders.
pub fn fill(text: &str, args: &[(&str, String)]) -> String {
    let mut s = text.to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

macro_rules! messages {
    ($($key:ident => $zh:expr, $en:expr;)*) => {
        /// A message key.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum M {
            $(
                #[allow(missing_docs)]
                $key,
            )*
        }

        impl M {
            /// Every key.
            #[cfg(test)]
            pub const ALL: &'static [M] = &[$(M::$key),*];

            /// The text in `lang`.
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(
                        (M::$key, Lang::Zh) => $zh,
                        (M::$key, Lang::En) => $en,
                    )*
                }
            }
        }
    };
}

messages! {
    ReportTitle => "{title} · {year}年度监测报告", "{title} · monitoring report {year}";
    IssuedBy => "发布单位:{office}", "Issued by {office}";
    IssuedOn => "发布日期:{date}", "Date: {date}";
    ReportYear => "报告年度:{year}年", "Report year: {year}";
    Framework => "指标框架:{name}({indicators} 项指标,{dimensions} 个领域,基期 {base} 年,目标年 {target} 年)", "Framework: {name} ({indicators} indicators in {dimensions} dimensions; base year {base}, target year {target})";
    IllustrativeBanner => "本报告使用了示意数据:{year}年 {values} 个数值中有 {illustrative} 个为示意值,并非官方统计数据,表中以 * 标出。", "This report uses ILLUSTRATIVE data: {illustrative} of the {values} values of {year} are invented for demonstration and are not official statistics (marked *).";
    DemoBanner => "演示页面:以下全部数字均为虚构,仅用于检查版式。", "DEMO: every number on this page is FAKE, for layout checks only; not official statistics.";
    SecSummary => "总体实现度与综合指数", "Overall achievement and composite index";
    SecSchedule => "时间过半、任务过半:进度检查", "Schedule check (progress against time elapsed)";
    SecDashboard => "指标监测仪表盘", "Indicator dashboard";
    SecByDimension => "分领域实现度", "Achievement by dimension";
    SecCompare => "{parts}比较", "Comparison of the {parts}";
    SecDynamic => "动态监测指数", "Dynamic monitoring index";
    SecDistribution => "收入分配目标", "Distribution targets";
    SecSatisfaction => "群众获得感幸福感安全感评价", "Satisfaction and overall evaluation";
    SecMethod => "方法说明", "Methodology";
    SecAppendix => "附录:方法设定", "Appendix: the methodology settings";
    SecLegend => "图例", "Legend";
    Parts => "各单位", "units";
    ColUnit => "单位", "Unit";
    ColAchievement => "总体实现度", "Overall achievement";
    ColIndex => "综合指数", "Composite index";
    ColRank => "排名", "Rank";
    ColLagging => "主要短板", "Lagging indicators";
    ColIndicator => "指标", "Indicator";
    ColDimension => "领域", "Dimension";
    ColMeasure => "计量单位", "Unit of measure";
    ColTarget => "目标", "Target";
    ColValue => "数值", "Value";
    ColNote => "说明", "Note";
    ColWeight => "权重", "Weight";
    ColSetting => "设定", "Setting";
    ColObjective => "客观实现度", "Objective achievement";
    ColSatisfaction => "满意度指数", "Satisfaction index";
    ColSample => "样本", "Sample";
    ColEffSample => "有效样本", "Effective sample";
    ColNonresponse => "无回答", "Non-response";
    ColChange => "较上年变化 (标准误)", "Change on the previous year (SE)";
    ColCombined => "综合评价", "Combined evaluation";
    ColGroup => "分组", "Group";
    Green => "已实现目标", "target achieved";
    Yellow => "仍有挑战:实现度不低于 {yellow}%", "challenges remain: achievement at least {yellow}%";
    Orange => "重大挑战:实现度不低于 {orange}%", "significant challenges: achievement at least {orange}%";
    Red => "严峻挑战:实现度低于 {orange}%", "major challenges: achievement below {orange}%";
    Grey => "无数据或不评价", "no data, or not assessed";
    ColoursAbsolute => "另有 {n} 项指标按设定的绝对阈值着色(见附录)。", "{n} indicator(s) are coloured by absolute thresholds set in the spec (see the appendix).";
    DimensionRule => "领域颜色(SDSN 仪表盘规则):取该领域最差的两项指标;两项均为红色时为红色,全部指标为绿色时为绿色,否则取两项颜色代码(红 0、橙 1、黄 2、绿 3)的平均值向下取整,限于橙、黄之间。", "Dimension colours (SDSN dashboard rule): from the dimension's two worst indicators; red only when both are red, green only when every indicator is green, otherwise the mean of the two colour codes (red 0, orange 1, yellow 2, green 3) rounded down, kept between orange and yellow.";
    TrendOnTrack => "按进度或保持达标", "on track, or target maintained";
    TrendModerate => "有进展,需加速", "improving, acceleration needed";
    TrendStagnating => "进展有限", "limited progress";
    TrendDeclining => "略有下降", "slight decline";
    TrendDeteriorating => "恶化", "deteriorating";
    TrendUnknown => "数据不足,无法判断", "not enough data to assess";
    MarkIllustrative => "示意数据(非官方统计)", "illustrative value (not official)";
    MarkAspirational => "目标为努力方向(力争、左右)", "aspirational target (力争, 左右 in the plan)";
    MarkSurveyMet => "抽样调查:达标(考虑抽样误差)", "sample survey: met, allowing for sampling error";
    MarkSurveyNotMet => "抽样调查:未达标(考虑抽样误差)", "sample survey: not met, allowing for sampling error";
    MarkSurveyNs => "抽样调查:与目标无显著差异", "sample survey: not distinguishable from the target";
    SurveyMet => "达标", "met";
    SurveyNotMet => "未达标", "not met";
    SurveyNs => "无显著差异", "n.s.";
    FigureRule => "表中数值即评判所用数值,并按“不达标”方向取舍(正向指标向下、逆向指标向上),因此所示数值达到所示目标当且仅当该格为绿色;实现度截尾(不四舍五入)到一位小数。", "Each figure is the one the target judges, rounded toward \"not met\" (down for higher-is-better, up for lower-is-better): a figure shown meets the target shown exactly when its cell is green. Achievement is cut, not rounded, to one decimal.";
    AnnualRecord => "每年目标:格内 m/n 为达标年数/观测年数,须每年达标方为绿色", "annual targets: m/n in a cell is years met / years observed; green only when met every year";
    BasisRunningSum => "{from}年起累计,对照五年目标", "running total since {from}, against the five-year target";
    BasisAverageGrowth => "{from}年以来年均增速", "average annual growth since {from}";
    SchedAchieved => "已实现", "achieved";
    SchedAhead => "快于进度", "ahead of schedule";
    SchedOnSchedule => "符合进度", "on schedule";
    SchedLagging => "滞后于进度", "behind schedule";
    SchedNotAssessable => "无法评价", "not assessable";
    ScheduleIntro => "{year}年时间进度 E = {elapsed}%(基期 {base} 年至目标年 {target} 年)。指标进度 P 为已完成的目标进程:水平类 (x − x₀)/(T − x₀),累计类 累计值/五年目标,增速类 年均增速/目标增速(与 100% 比较),每年类 达标年份占比(与 100% 比较)。P ≥ E + {tol} 个百分点为快于进度,P ≥ E − {tol} 个百分点为符合进度,否则滞后;目标年仍未达标即为滞后。", "Time elapsed in {year}: E = {elapsed}% (base year {base} to target year {target}). An indicator's progress P is the share of the way to its target: (x − x₀)/(T − x₀) for levels, running total / five-year target for totals, average growth / target rate for growth targets (compared with 100%), share of years met for annual targets (compared with 100%). P ≥ E + {tol} points is ahead, P ≥ E − {tol} points on schedule, otherwise behind; in the target year an unmet target is behind.";
    ScheduleMark => "进度检查标记:▲ 快于进度,▼ 滞后于进度(已实现、符合进度不标)", "schedule marks: ▲ ahead of schedule, ▼ behind schedule (achieved and on schedule are not marked)";
    NotScored => "不评价(总量指标,无本单位目标)", "not scored (a size indicator without a target of the unit's own)";
    OwnTarget => "{target}(本单位目标)", "{target} (the unit's own target)";
    OfBase => "基期的 {k} 倍", "× {k} of base";
    OfBaseBy => "{h}年达到基期的 {k} 倍,按路径", "× {k} of base by {h}, on the path";
    Stretch => "力争 {t}", "stretch {t}";
    TargetYear => "({year}年)", "({year})";
    ChartByDimension => "{unit}分领域实现度(%)", "{unit}: achievement by dimension (%)";
    ChartCompare => "分领域实现度(%)", "Achievement by dimension (%)";
    ChartDynamic => "动态监测指数({base} = 100)", "Dynamic monitoring index ({base} = 100)";
    ChartNoRadar => "领域少于三个,雷达图无意义,以条形图代替。", "Fewer than three dimensions: a radar chart would be degenerate, bars are shown instead.";
    MethodFramework => "指标体系:{framework},共 {dimensions} 个一级领域、{indicators} 项指标;本次评价 {year} 年,有数据的指标 {present} 项。", "Indicator system: {framework}, {dimensions} top-level dimensions and {indicators} indicators; evaluation year {year}, {present} indicators with data.";
    MethodRatio => "实现度(比值形式):正向指标 x/T,逆向指标 T/x,上限 100%;累计、每年、增速、区间和相对目标按各自规则计算。", "Achievement (ratio form): x/T for higher-is-better and T/x for lower-is-better targets, capped at 100%; cumulative, annual, growth-rate, interval and relative targets by their own rules.";
    MethodProgress => "实现度(进程形式):(x − x₀)/(T − x₀),自基期起算,限于 0–100%。", "Achievement (progress form): (x − x₀)/(T − x₀) from the baseline, clamped to 0–100%.";
    MethodAggregate => "总体实现度:各指标实现度按框架权重加权平均,缺数据的指标不计入并重新归一化权重;指标覆盖率低于 {coverage}% 的单位不公布总体实现度(SDSN 规则)。", "Overall achievement: the mean of indicator achievement with the framework's weights, re-normalised over the indicators with data; a unit with data for fewer than {coverage}% of the indicators has no published overall figure (SDSN rule).";
    MethodIndex => "综合指数:标准化方法 {normalisation},权重 {weighting},汇总 {aggregation};{scope}。", "Composite index: normalisation {normalisation}, weighting {weighting}, aggregation {aggregation}; {scope}.";
    IndexScopeSame => "在 {computed} 之间计算并排名", "computed and ranked across {computed}";
    IndexScopeWider => "在 {computed} 之间计算(标准化的上下限取自全部这些单位);排名只在 {ranked} 之间,{unranked} 计分不排名(CSV 与工作簿“综合指数”表的“排名(全部计算单位)”列在全部计算单位之间排名)", "computed across {computed} (the normalisation bounds come from all of them); ranked among {ranked} only, {unranked} scored, not ranked (the column 'rank (all units computed)' of the composite-index table in the CSV and the workbook ranks all units computed)";
    IndexScopeExcluded => ";{excluded} 不参与计算", "; {excluded} not included";
    MethodTargets => "目标来源:{plan} 个单元格对照规划目标,{own} 个对照本单位目标,{ns} 个总量指标不评价(单位无本级目标时,总量类指标只对总体评价)。", "Targets: {plan} cells against the plan's target, {own} against a unit's own target, {ns} size indicators not scored (a size indicator is scored for a part only against a target of its own).";
    MethodDynamic => "动态监测指数:以 {base} 年为 100,各指标按固定端点(基期值 → 目标值)重新标度后汇总(AMPI 方法)。", "Dynamic monitoring index: base year {base} = 100, indicators rescaled on fixed goalposts (baseline → target) and aggregated (AMPI method).";
    MethodTrend => "趋势箭头(Open SDG 进度比):实际增长达到所需增长的 {on}% 以上为按进度,{acc}% 以上为需加速,以下为进展有限,反向变化为恶化。", "Trend arrows (Open SDG progress ratio): on track when growth reaches {on}% of the growth needed, acceleration needed from {acc}%, limited progress below, deterioration when moving away.";
    MethodWithheld => "以下单位指标覆盖率不足 {coverage}%,不公布总体实现度(–):{units}。", "Overall achievement not published (–) for units with data for fewer than {coverage}% of indicators: {units}.";
    MethodUnsourced => "{year}年 {values} 个数值中有 {n} 个在数据文件中未注明来源。", "{n} of the {values} values of {year} have no source in the data file.";
    MethodSatisfaction => "综合评价 = {a} × 客观实现度 + {b} × 满意度指数。满意度按抽样设计(分层、初级抽样单元、有限总体校正)线性化估计标准误,给出 95% 置信区间与设计效应;有效样本 = 样本 / 设计效应。", "Combined evaluation = {a} × objective achievement + {b} × satisfaction index. Satisfaction standard errors by linearisation under the survey design (strata, PSUs, finite-population correction), with 95% confidence intervals and design effects; effective sample = sample / design effect.";
    MethodFingerprint => "可复现指纹 {fp}:对框架、数据、方法设定(含默认值)与程序版本 {version} 的哈希;相同输入得到相同报告。", "Reproducibility fingerprint {fp}: a hash of the framework, the data, the methodology settings with their defaults and program version {version}; the same inputs give the same report.";
    MethodDate => "报告日期取自方法设定或命令行(--date),从不取自运行时钟,相同输入得到相同文件。", "The report date comes from the settings or the command line (--date), never from the clock, so the same inputs give the same file.";
    Sources => "数据来源", "Data sources";
    SourcesColumn => "数据来源见数据文件的来源列。", "Sources: the data file's source column.";
    Warnings => "提示", "Notes on the data";
    DimensionWeights => "领域权重", "Dimension weights";
    IndicatorWeights => "指标有效权重({n} 项指标)", "Effective indicator weights ({n} indicators)";
    AppendixNote => "完整的方法设定(含全部默认值),即可复现指纹所哈希的内容。", "The full methodology settings with every default, as hashed by the reproducibility fingerprint.";
    Footer => "由 {generator} 生成 · 指纹 {fp}", "Generated by {generator} · fingerprint {fp}";
    Inputs => "输入", "Inputs";
    None => "无", "none";
    Households => "住户样本 {n} 户,加权;区间为 [下限, 上限)", "{n} households in the sample, weighted; bands [lower, upper)";
    BandActual => "家庭实际年可支配收入", "actual household income";
    BandThree => "按三口之家折算(3 × 人均可支配收入)", "three-person equivalent (3 × per-capita income)";
    MeasureNote => "住户人均收入,按人口加权(户权数 × 户规模);{measure}", "per-capita household income, person-weighted (household weight × size); {measure}";
    MaxMin => "最高 {max} {maxv},最低 {min} {minv}", "highest {max} {maxv}, lowest {min} {minv}";
    Missing => "缺数据:{units}", "no data: {units}";
    ReportedAs => "数据文件所列 {x}", "as reported in the data file {x}";
    ChangeRise => "显著提升", "significant rise";
    ChangeFall => "显著下降", "significant fall";
    ChangeNone => "无显著变化", "no significant change";
    SurveyText => "{verdict}(目标 {target}):z = {z}(估计值 {estimate},标准误 {se},置信区间 {lo}–{hi})", "{verdict} (target {target}): z = {z} (estimate {estimate}, SE {se}, CI {lo}–{hi})";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages_and_the_same_placeholders() {
        for m in M::ALL {
            let (zh, en) = (m.text(Lang::Zh), m.text(Lang::En));
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{m:?}");
            let holes = |s: &str| {
                let mut v: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|x| x.0.to_string()))
                    .collect();
                v.sort();
                v.dedup();
                v
            };
            assert_eq!(holes(zh), holes(en), "{m:?}: placeholders differ");
        }
    }

    #[test]
    fn fill_replaces_placeholders() {
        assert_eq!(
            fill(
                M::ReportYear.text(Lang::En),
                &[("year", "2024".to_string())]
            ),
            "Report year: 2024"
        );
    }
}
