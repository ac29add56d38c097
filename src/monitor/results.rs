//! [`MonitorResults`] and the entry points [`monitor`] and [`monitor_with_survey`].

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::achievement::{achieve_series_into, Draft, IndicatorAchievement, SeriesInput};
use super::aggregate::{check_scores, like_for_like_in, Hierarchy, Scratch, UnitAchievement};
use super::aggregate_table::{AggregateBuilder, AggregateTable};
use super::dashboard::{colour_absolute, colour_from_score, dimension_colour, Colour};
use super::dashboard_table::{DashboardBuilder, DashboardTable};
use super::dynamic::{dynamic_into, rescaled_series_into};
use super::dynamic_table::{DynamicBuilder, DynamicTable};
use super::evaluation::{evaluate, OverallEvaluation};
use super::plain::{plain_series_into, PlainRule, PlainSeries};
use super::satisfaction::{satisfaction_index, SatisfactionGroup, SatisfactionSpec, Survey};
use super::schedule::schedule_fields;
use super::schedule_table::{ScheduleBuilder, ScheduleTable};
use super::spec::{AchievementForm, MonitorSpec};
use super::table::{AchievementTable, DenseColumns, DenseRows, TableBuilder};
use super::target_table::{TargetBuilder, TargetTable};
use super::trend::assess_trend_fields;
use super::trend_table::{TrendBuilder, TrendTable};
use super::Id;
use crate::data::Panel;
use crate::error::{Error, Result};
use crate::model::{Framework, Indicator, Polarity, Reference, TargetForm, TargetSource};

/// Everything plan monitoring produces for a framework and a panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorResults {
    /// Framework id.
    pub framework: String,
    /// Plan base year.
    pub base_year: i32,
    /// Plan target year.
    pub target_year: i32,
    /// Evaluation year (schedule, trend, dashboard, evaluation).
    pub year: i32,
    /// The headline achievement form used.
    pub form: AchievementForm,
    /// Units monitored.
    pub units: Vec<String>,
    /// Achievement per unit × indicator × year (unit-major, framework order, years
    /// ascending from the base year), held by column with the ids interned; serialised as
    /// the list of [`IndicatorAchievement`] records.
    pub achievements: AchievementTable,
    /// Aggregated achievement per unit × year, held by column ([`AggregateTable`]: a
    /// [`UnitAchievement`] per record on request; serialised as the list of them).
    pub aggregates: AggregateTable,
    /// Schedule check per unit × indicator in the evaluation year, held by column
    /// ([`ScheduleTable`]: a [`super::ScheduleCheck`] per record on request; serialised
    /// as the list of them).
    pub schedule: ScheduleTable,
    /// Trend per unit × indicator up to the evaluation year, held by column
    /// ([`TrendTable`]: a [`super::TrendAssessment`] per record on request; serialised as
    /// the list of them).
    pub trends: TrendTable,
    /// Dashboard per unit in the evaluation year, held by column ([`DashboardTable`]: a
    /// [`super::UnitDashboard`] per unit on request; serialised as the list of them).
    pub dashboards: DashboardTable,
    /// Dynamic monitoring index per unit, held by column ([`DynamicTable`]: a
    /// [`super::DynamicIndex`] per unit on request; serialised as the list of them).
    pub dynamic: DynamicTable,
    /// Satisfaction index by unit × year (empty without a survey).
    pub satisfaction: Vec<SatisfactionGroup>,
    /// Overall evaluation per unit in the evaluation year.
    pub evaluations: Vec<OverallEvaluation>,
    /// The target applied to each unit × indicator (unit-major, framework order) and
    /// where it comes from: the unit's own, the plan's, or not scored (a size indicator
    /// of a unit without a target of its own; see [`Framework::target_for`]); held by
    /// column ([`TargetTable`]: an [`AppliedTarget`] per record on request; serialised
    /// as the list of them).
    pub targets: TargetTable,
    /// Warnings (fallback baselines, indicators absent from the panel, …).
    pub warnings: Vec<String>,
}

/// The target applied to one unit × indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedTarget {
    /// Unit id.
    pub unit: Id,
    /// Indicator id.
    pub indicator: Id,
    /// The numeric target used (`None`: not scored against a number).
    pub target: Option<f64>,
    /// Where the target comes from.
    pub source: TargetSource,
}

impl MonitorResults {
    /// Pretty JSON (NaN never appears: missing numbers are `null`).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("monitor results always serialise")
    }

    /// The achievement record of one unit, indicator and year (built from the columns of
    /// [`MonitorResults::achievements`]; for numbers alone use the table's accessors by
    /// row, see [`AchievementTable::find`]).
    pub fn achievement(
        &self,
        unit: &str,
        indicator: &str,
        year: i32,
    ) -> Option<IndicatorAchievement> {
        self.achievements
            .find(unit, indicator, year)
            .map(|r| self.achievements.record(r))
    }

    /// The position of a unit in [`MonitorResults::units`] (O(1)).
    pub fn unit_position(&self, unit: &str) -> Option<usize> {
        self.achievements
            .unit_position(unit)
            .or_else(|| self.units.iter().position(|u| u == unit))
    }

    /// The aggregated achievement of one unit and year (found by position: the aggregates
    /// are unit-major with the years ascending).
    pub fn unit_achievement(&self, unit: &str, year: i32) -> Option<UnitAchievement> {
        self.aggregate_position(unit, year)
            .map(|k| self.aggregates.record(k))
    }

    /// The position in [`MonitorResults::aggregates`] of one unit and year (by position:
    /// the aggregates are unit-major with the years ascending; a search when that layout
    /// does not hold). A unit not monitored or a year not evaluated has none (found
    /// without a search: a search per unit left out of monitoring was quadratic).
    pub fn aggregate_position(&self, unit: &str, year: i32) -> Option<usize> {
        let a = &self.aggregates;
        let ny = self.achievements.years().len();
        let u = self.unit_position(unit)?;
        let y = self.achievements.year_position(year)?;
        let k = u * ny + y;
        if k < a.len() && a.unit(k) == unit && a.year(k) == year {
            return Some(k);
        }
        (0..a.len()).find(|&k| a.unit(k) == unit && a.year(k) == year)
    }

    /// The entry of a unit in [`MonitorResults::dynamic`] (by position: one entry per unit
    /// in order, unless a unit has none; a search when that layout does not hold). A unit
    /// not monitored has none (found without a search).
    pub fn dynamic_position(&self, unit: &str) -> Option<usize> {
        let d = &self.dynamic;
        let k = self.unit_position(unit)?;
        if k < d.len() && d.unit(k) == unit {
            return Some(k);
        }
        (0..d.len()).find(|&k| d.unit(k) == unit)
    }

    /// The satisfaction group of a unit and year, found by binary search: monitoring
    /// leaves [`MonitorResults::satisfaction`] sorted by unit, then year, one group each
    /// (as [`satisfaction_index`] returns them); a list reordered by the caller is not
    /// searched.
    pub fn satisfaction_group(&self, unit: &str, year: i32) -> Option<&SatisfactionGroup> {
        self.satisfaction
            .binary_search_by(|g| (g.unit.as_str(), g.year).cmp(&(unit, year)))
            .ok()
            .map(|k| &self.satisfaction[k])
    }

    /// The records of unit × indicator tables (schedule, trends, targets) are unit-major in
    /// framework order: the position of (unit, indicator) in them, if that layout holds.
    pub fn cell_position(&self, unit: &str, indicator: &str) -> Option<usize> {
        let u = self.unit_position(unit)?;
        let j = self.achievements.indicator_position(indicator)?;
        Some(u * self.achievements.indicators().len() + j)
    }
}

/// What monitoring builds beyond the numbers, and on how many threads (see
/// [`monitor_with_detail`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonitorDetail {
    /// The dynamic index's per-year breakdowns: each change's indicator and dimension
    /// contributions, the indicators excluded from each link and those missing in each
    /// year (`true` by default). Without them those lists are empty and every number is
    /// the same; a caller that shows only the index values (a report table) saves 2.6
    /// million contribution records at national scale.
    pub dynamic_breakdown: bool,
    /// Threads the units are monitored on (`1` by default: the calling thread only; `0`
    /// counts as 1). The units are split in consecutive shares of at least
    /// 32, one per thread, and the shares' results joined in unit order: every result —
    /// records, their order, the notes, the warnings, the first error — is the same for
    /// any number of threads. A caller that owns the machine (the `cpindex` command)
    /// passes its cores; a library linked into another program stays on the caller's
    /// thread unless asked.
    pub threads: usize,
}

impl Default for MonitorDetail {
    /// Everything.
    fn default() -> Self {
        MonitorDetail {
            dynamic_breakdown: true,
            threads: 1,
        }
    }
}

/// Where a relative target's reference series is in the panel (looked up once per
/// indicator, not per unit).
#[derive(Debug, Clone, Copy)]
struct RefPos<'a> {
    unit: RefUnit,
    /// The reference indicator's position (`None`: not in the panel).
    indicator: Option<usize>,
    /// The reference unit's id (`None`: the unit monitored) and indicator's, for the
    /// warning when one is not in the panel.
    ids: (Option<&'a str>, &'a str),
}

/// The unit of a reference series.
#[derive(Debug, Clone, Copy)]
enum RefUnit {
    /// The unit monitored.
    Same,
    /// A fixed unit (the province, the city): its position, `None` when not in the panel.
    Fixed(Option<usize>),
}

/// What the units of one part of a run (all of them, or one thread's share) read:
/// the inputs and what is looked up once per run.
struct Shared<'a> {
    framework: &'a Framework,
    panel: &'a Panel,
    spec: &'a MonitorSpec,
    detail: MonitorDetail,
    hier: &'a Hierarchy,
    plan_units: &'a crate::model::PlanUnitIndex<'a>,
    periods: &'a [i32],
    base_year: i32,
    year: i32,
    nan: &'a [f64],
    panel_pos: &'a [Option<usize>],
    ref_pos: &'a [Option<RefPos<'a>>],
    se_pos: &'a [Option<(&'a String, Option<usize>)>],
    counted: &'a [usize],
    top_dims: &'a [usize],
    eval_years: &'a [i32],
    year_pos: Option<usize>,
    /// Whether plain series are computed by the plain rule ([`super::plain`]; `false`
    /// only in the tests that compare it with the general engine).
    plain: bool,
}

/// The results of some consecutive units (one thread's share), joined in unit order
/// by [`Part::append`] into those of the run.
struct Part<'d> {
    table: TableBuilder<'d>,
    aggregates: AggregateBuilder,
    dynamic: DynamicBuilder,
    schedule: ScheduleBuilder,
    trends: TrendBuilder,
    dashboards: DashboardBuilder,
    targets: TargetBuilder,
    warnings: Vec<String>,
}

impl Part<'_> {
    /// Appends the results of the units that follow this part's. A large achievement
    /// table (≥ [`MIN_ROWS_TO_JOIN_BESIDE`] records in `other`) is joined on a thread of
    /// its own beside the other records (they share nothing; at national scale the two
    /// joins take 30–50 ms each, mostly fresh pages), or here after them when the system
    /// refuses the thread; the result is the same.
    fn append(&mut self, other: Part<'_>) {
        let Part {
            table,
            aggregates,
            dynamic,
            schedule,
            trends,
            dashboards,
            targets,
            warnings,
        } = other;
        let mut theirs = Some(table);
        std::thread::scope(|s| {
            let (mine, rest) = (&mut self.table, &mut theirs);
            let beside = if rest
                .as_ref()
                .is_some_and(|t| t.rows() >= MIN_ROWS_TO_JOIN_BESIDE)
            {
                // (the job takes the table only once started: a refused job leaves it)
                let job = move || mine.append(rest.take().expect("taken once"));
                crate::spawn::scoped(s, "cpindex-join", job).ok()
            } else {
                None
            };
            self.aggregates.append(aggregates);
            self.dynamic.append(dynamic);
            self.schedule.append(schedule);
            self.trends.append(trends);
            self.dashboards.append(dashboards);
            self.targets.append(targets);
            self.warnings.extend(warnings);
            if let Some(h) = beside {
                h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            }
        });
        // not joined beside (small, or the thread refused)
        if let Some(t) = theirs {
            self.table.append(t);
        }
    }
}

/// A share's achievement table is joined on a thread of its own from this many records
/// (below, a thread's start costs about what the join does).
pub(crate) const MIN_ROWS_TO_JOIN_BESIDE: usize = 1 << 16;

/// A run needs this many units per thread before it is split (a thread's start costs
/// about what a few units do).
const MIN_UNITS_PER_THREAD: usize = 32;

/// Monitors `units` (in order) into a [`Part`]: achievement, aggregation, schedule,
/// trend, dashboard and dynamic index of each unit, with room reserved for `room` units
/// (the first part of a split run reserves for every unit: the later parts are appended
/// to it without growing it). With `dense`, the achievement table's dense columns are
/// written there, in place (a split run's rows of columns shared by its parts).
fn monitor_part<'d>(
    c: &Shared<'_>,
    units: &[String],
    room: usize,
    dense: Option<DenseRows<'d>>,
) -> Result<Part<'d>> {
    let Shared {
        framework,
        panel,
        spec,
        detail,
        hier,
        plan_units,
        periods,
        base_year,
        year,
        nan,
        panel_pos,
        ref_pos,
        se_pos,
        counted,
        top_dims,
        eval_years,
        year_pos,
        plain,
    } = *c;
    let np = periods.len();
    let mut warnings = Vec::new();
    let n_cells = room.saturating_mul(framework.indicators.len());
    let n_years_eval = periods.iter().filter(|&&y| y >= base_year).count();
    let mut aggregates = AggregateBuilder::new(
        hier,
        framework,
        room.saturating_mul(n_years_eval),
        spec.pull_down_count,
    )?;
    let mut schedule = ScheduleBuilder::new(hier, framework.indicators.len(), n_cells)?;
    let mut trends = TrendBuilder::new(hier, framework.indicators.len(), n_cells)?;
    let n_ind_dim_top = (
        framework.indicators.len(),
        framework.dimensions.len(),
        top_dims.len(),
    );
    let mut dashboards = DashboardBuilder::new(hier, n_ind_dim_top, room)?;
    let mut dynamic =
        DynamicBuilder::new(hier, framework.indicators.len(), framework.dimensions.len());
    dynamic.reserve(
        room,
        periods.len(),
        framework.indicators.len(),
        top_dims.len(),
        detail.dynamic_breakdown,
    );
    let mut targets = TargetBuilder::new(hier, framework.indicators.len(), n_cells)?;
    // the size indicators, looked up once (not by id per unit × indicator)
    let is_size: Vec<bool> = framework
        .indicators
        .iter()
        .map(|i| framework.is_size_indicator(&i.id))
        .collect();
    // the sources of the unit's targets, framework order (reused for every unit)
    let mut unit_sources: Vec<TargetSource> = Vec::with_capacity(framework.indicators.len());
    let mut table = TableBuilder::new(
        units,
        room,
        &framework.indicators,
        framework.target_year,
        base_year,
        eval_years,
        dense,
    )?;
    let ni = framework.indicators.len();
    // one series' records, reused for every unit × indicator: what later steps read of
    // them is copied out below (the scores, the record of the evaluation year), so the
    // buffer stays in the first-level cache (a buffer per indicator held 102 × 10 records
    // of 640 bytes per unit at national scale, larger than that cache)
    let mut series: Vec<Draft> = Vec::with_capacity(np);
    // the same for a series of the plain rule (its headline numbers)
    let mut plain_series = PlainSeries::default();
    // the unit's headline scores, year-major (`unit_scores[k * ni + j]`: year `k` of
    // `eval_years`, indicator `j`; NaN when none)
    let n_eval = eval_years.len();
    let mut unit_scores: Vec<f64> = vec![f64::NAN; n_eval * ni];
    // the unit's series, indicator-major (`unit_values[j * np..(j + 1) * np]`), and per
    // indicator what the later steps read of its achievement: its record of the
    // evaluation year, whether the unit's own target applies, and a multiple of the
    // baseline's resolved target. The unit's indicators go through achievement, then
    // schedule, trend and dashboard, then the dynamic index's rescaling, one step at a
    // time (each step's code stays in the instruction cache for all the indicators).
    let mut unit_values: Vec<f64> = vec![f64::NAN; ni * np];
    let mut at_years: Vec<Option<Draft>> = vec![None; ni];
    let mut own_target: Vec<bool> = vec![false; ni];
    let mut resolved_target: Vec<Option<f64>> = vec![None; ni];
    // the rescaled series of the dynamic index, one buffer per indicator for every unit
    let mut rescaled: Vec<Vec<f64>> = vec![Vec::with_capacity(np); ni];
    // the aggregation's working buffers, reused for every unit × year (each is refilled
    // before it is read: see tests/monitor_reuse.rs)
    let mut scratch = Scratch::default();
    // per indicator: the variant with a unit's own target (or none), and the resolved
    // variant of a multiple of the baseline (of the plan's indicator, of the unit's)
    let mut own: Vec<Option<Indicator>> = vec![None; ni];
    let mut resolved: Vec<[Option<Indicator>; 2]> = vec![[None, None]; ni];
    // a relative target's reference series
    let mut ref_buf: Vec<f64> = Vec::with_capacity(np);
    // the indicators a unit's dynamic index excludes and why, reused for every unit
    let mut excluded: Vec<(u32, Cow<'static, str>)> = Vec::new();
    // a dimension's indicator colours, and those not grey with their positions (the
    // dashboard's worst indicators)
    let mut colours: Vec<Colour> = Vec::new();
    // the unit's indicator colours, framework order
    let mut icol: Vec<Colour> = vec![Colour::Grey; ni];
    let mut members: Vec<(Colour, usize)> = Vec::new();
    for unit in units {
        let u = panel.require_unit(unit)?;
        // the unit's id, shared by all its records
        let uid = Id::new(unit);
        let unit_code = aggregates.unit(&uid);
        // the unit's codes in the schedule, trend and target tables
        let unit_codes = (schedule.unit(&uid), trends.unit(&uid), targets.unit(&uid));
        excluded.clear();
        unit_sources.clear();
        let plan_unit = plan_units.unit(unit);
        // the unit's dashboard: its indicators' colours as their records are read, its
        // dimensions' after them (indicator `j` has code `j` in the dashboard table,
        // dimension `k` code `ni + k`)
        let dash_unit = dashboards.unit(&uid);
        dashboards.begin(dash_unit, year);
        // the unit's series of every indicator first, in one tight loop: the loads (a
        // cache line each, the panel being unit-minor) are independent and overlap, where
        // gathered amid the rules each was waited on
        for (j, pos) in panel_pos.iter().enumerate() {
            let values = &mut unit_values[j * np..(j + 1) * np];
            match *pos {
                Some(i) => {
                    for (p, v) in values.iter_mut().enumerate() {
                        *v = panel.get(u, p, i);
                    }
                }
                None => values.copy_from_slice(nan),
            }
        }
        for (j, ind) in framework.indicators.iter().enumerate() {
            let (target, source) = framework.target_given_size(plan_unit, ind, || is_size[j]);
            // (indicator `j` has code `j` in the target table)
            targets.push(unit_codes.2, j as u32, target, source);
            unit_sources.push(source);
            // A unit's own target replaces the plan's (with its stretch and interim
            // targets); a size indicator without one is not scored for this unit.
            // The variant is built once per indicator and given each unit's target (all
            // its other fields are the same for every unit): no clone per unit.
            let is_own = matches!(source, TargetSource::Unit | TargetSource::NotScored);
            let ind = if is_own {
                let v = own[j].get_or_insert_with(|| Indicator {
                    target,
                    stretch_target: None,
                    interim_targets: Vec::new(),
                    ..ind.clone()
                });
                v.target = target;
                &*v
            } else {
                ind
            };
            own_target[j] = is_own;
            let values = &unit_values[j * np..(j + 1) * np];
            // (the positions were looked up once per indicator)
            let reference: Option<&[f64]> = match ref_pos[j] {
                Some(RefPos {
                    unit: ru,
                    indicator: ri,
                    ids: (ru_id, ri_id),
                }) => {
                    let a = match ru {
                        RefUnit::Same => Some(u),
                        RefUnit::Fixed(a) => a,
                    };
                    match (a, ri) {
                        (Some(a), Some(b)) => {
                            // the panel's series (`Panel::series`) into a reused buffer
                            ref_buf.clear();
                            ref_buf.extend((0..np).map(|p| panel.get(a, p, b)));
                            Some(&ref_buf[..])
                        }
                        _ => {
                            let ru = ru_id.unwrap_or(unit);
                            warnings.push(format!(
                                "indicator `{}`: reference series unit `{ru}`, indicator `{ri_id}` not in the panel",
                                ind.id
                            ));
                            None
                        }
                    }
                }
                None => None,
            };
            let input = SeriesInput {
                unit,
                periods,
                values,
                reference,
                base_year,
                framework_target_year: framework.target_year,
            };
            // a plain series (most of a plan's) straight into the table; any other by the
            // general engine, its records then written to the table
            let rule = PlainRule::of(ind).filter(|_| plain && se_pos[j].is_none());
            if let Some(rule) = rule {
                let ps = &mut plain_series;
                plain_series_into(ind, rule, input, spec, &mut warnings, ps, &mut table)?;
                table.push_plain_series(ps);
                for k in 0..n_eval {
                    unit_scores[k * ni + j] =
                        ps.rows.get(k).and_then(|h| h.score).unwrap_or(f64::NAN);
                }
                let span = (base_year, ind.target_year_or(framework.target_year));
                at_years[j] = year_pos.and_then(|k| ps.draft(ind, k, eval_years[k], span));
                resolved_target[j] = (!ps.rows.is_empty()).then_some(rule.target);
            } else {
                let r = &mut series;
                achieve_series_into(ind, input, spec, &mut warnings, r, &mut table)?;
                if let Some((se_id, se_i)) = se_pos[j] {
                    match se_i {
                        Some(i) => super::satisfaction::targets::assess_survey_drafts(
                            r,
                            unit,
                            ind,
                            periods,
                            values,
                            &panel.series(u, i),
                            spec,
                            &mut table,
                        )?,
                        None => warnings.push(format!(
                            "indicator `{}`: standard-error series `{se_id}` not in the panel; no survey verdict",
                            ind.id
                        )),
                    }
                }
                // every note of the series is written: the series goes into the table
                table.push_series(r);
                // (the records of a series are those of `eval_years`, in order: year `k`
                // is record `k`)
                for k in 0..n_eval {
                    unit_scores[k * ni + j] = r.get(k).and_then(|a| a.h.score).unwrap_or(f64::NAN);
                }
                // the record of the evaluation year: schedule, trend and dashboard
                at_years[j] = year_pos.and_then(|k| r.get(k)).cloned();
                resolved_target[j] = r.iter().find_map(|a| a.target);
            }
        }
        // schedule, trend and dashboard colour of each indicator
        for (j, plan_ind) in framework.indicators.iter().enumerate() {
            let ind = match &own[j] {
                Some(v) if own_target[j] => v,
                _ => plan_ind,
            };
            let values = &unit_values[j * np..(j + 1) * np];
            let at_year = at_years[j].as_ref();
            let (colour, basis) = indicator_colour(ind, at_year, &spec.dashboard);
            icol[j] = colour;
            dashboards.indicator(j as u32, colour, &Cow::Borrowed(basis));
            // (indicator `j` has code `j` in the schedule and trend tables)
            if let Some(a) = at_year {
                schedule.push(
                    unit_codes.0,
                    j as u32,
                    schedule_fields(a, spec.schedule_tolerance, spec.schedule_epsilon),
                );
            }
            trends.push(
                unit_codes.1,
                j as u32,
                assess_trend_fields(
                    ind,
                    periods,
                    values,
                    (base_year, framework.target_year, year),
                    at_year,
                    &spec.trend,
                ),
            );
        }
        // the dynamic index's rescaled series of each indicator
        for (j, plan_ind) in framework.indicators.iter().enumerate() {
            let is_own = own_target[j];
            let ind = match &own[j] {
                Some(v) if is_own => v,
                _ => plan_ind,
            };
            let values = &unit_values[j * np..(j + 1) * np];
            // a multiple of the baseline enters the dynamic index with the unit's resolved
            // target (the same for every record)
            // (built once per indicator and form of target — the plan's or the unit's —
            // and given each unit's resolved target)
            let ind_dyn = match ind.target_form {
                TargetForm::BaselineMultiple { .. } => {
                    let v = resolved[j][usize::from(is_own)].get_or_insert_with(|| Indicator {
                        target_form: TargetForm::Threshold,
                        ..ind.clone()
                    });
                    v.target = resolved_target[j];
                    &*v
                }
                TargetForm::Threshold | TargetForm::About { .. } => ind,
            };
            let rs = &mut rescaled[j];
            let note = rescaled_series_into(
                ind_dyn,
                periods,
                values,
                spec.dynamic.base_year.unwrap_or(base_year),
                framework.target_year,
                spec.growth_input,
                spec.dynamic.clip,
                rs,
            );
            if let Some(n) = note {
                if rs.iter().all(|v| v.is_nan()) {
                    // (indicator `j` has code `j` in the dynamic table)
                    excluded.push((j as u32, n));
                }
            }
        }
        // aggregation per year, with the coverage rule and the like-for-like change
        // Indicators not scored by design (a part's size indicators without a target
        // of its own) are not missing data: they leave the coverage denominator.
        let by_design = counted
            .iter()
            .filter(|&&j| unit_sources[j] == TargetSource::NotScored)
            .count();
        // the previous year (its scores are the row before this year's) and its overall
        // score
        let mut prev: Option<(i32, Option<f64>)> = None;
        for (k, &y) in eval_years.iter().enumerate() {
            let scores = &unit_scores[k * ni..(k + 1) * ni];
            check_scores(framework, &uid, y, scores)?;
            let coverage = (by_design > 0 && counted.len() > by_design).then(|| {
                let avail = counted.iter().filter(|&&j| scores[j].is_finite()).count();
                avail as f64 / (counted.len() - by_design) as f64
            });
            let overall = aggregates.push(
                hier,
                framework,
                unit_code,
                y,
                scores,
                coverage,
                spec.min_indicator_coverage,
                spec.pull_down_count,
            );
            if let Some((py, po)) = prev {
                let rc = match (po, overall) {
                    (Some(a), Some(b)) => Some(b - a),
                    _ => None,
                };
                aggregates.set_like_for_like(like_for_like_in(
                    hier,
                    py,
                    &unit_scores[(k - 1) * ni..k * ni],
                    scores,
                    rc,
                    &mut scratch,
                ));
            }
            prev = Some((y, overall));
        }
        // the dashboard's dimensions (the indicators' colours were taken with the schedule
        // and trends)
        for &k in top_dims {
            // (the two buffers reused for every dimension and unit)
            colours.clear();
            colours.extend(hier.members(k).iter().map(|&j| icol[j]));
            members.clear();
            members.extend(
                hier.members(k)
                    .iter()
                    .map(|&j| (icol[j], j))
                    .filter(|m| m.0 != Colour::Grey),
            );
            // (stable: members of the same colour stay in framework order)
            members.sort_by_key(|m| m.0);
            let worst = members.iter().take(2).map(|m| m.1 as u32);
            dashboards.dimension((ni + k) as u32, dimension_colour(&colours), worst);
        }
        let dyn_base = spec.dynamic.base_year.unwrap_or(base_year);
        if periods.contains(&dyn_base) {
            let code = dynamic.code(&uid);
            dynamic_into(
                hier,
                framework,
                code,
                periods,
                &rescaled,
                dyn_base,
                detail.dynamic_breakdown,
                &mut scratch.weights,
                &mut dynamic,
            )?;
            for (code, why) in &excluded {
                dynamic.excluded(*code, why);
            }
        } else {
            warnings.push(format!(
                "dynamic index of unit `{unit}`: base year {dyn_base} not in the panel"
            ));
        }
    }
    Ok(Part {
        table,
        aggregates,
        dynamic,
        schedule,
        trends,
        dashboards,
        targets,
        warnings,
    })
}

/// The dashboard colour of one indicator of a unit from its record of the evaluation year
/// (`None`: no record that year): against the spec's absolute thresholds for the
/// indicator when it has them, else from the achievement score (SDSN dashboards, see
/// [`colour_from_score`]).
fn indicator_colour(
    ind: &Indicator,
    rec: Option<&Draft>,
    dashboard: &super::spec::DashboardSpec,
) -> (Colour, &'static str) {
    let higher = !matches!(ind.polarity, Polarity::LowerIsBetter);
    let (colour, basis) = match (dashboard.thresholds.get(&ind.id), rec) {
        (Some(t), Some(r)) => (
            colour_absolute(r.h.measured.unwrap_or(f64::NAN), t, higher),
            "absolute_thresholds",
        ),
        (Some(_), None) => (Colour::Grey, "absolute_thresholds"),
        (None, r) => (
            colour_from_score(
                r.and_then(|r| r.h.score),
                r.and_then(|r| r.h.met),
                dashboard,
            ),
            "achievement_score",
        ),
    };
    (colour, basis)
}

/// Runs plan monitoring without survey data (see [`monitor_with_survey`]).
pub fn monitor(framework: &Framework, panel: &Panel, spec: &MonitorSpec) -> Result<MonitorResults> {
    monitor_with_survey(framework, panel, None, spec)
}

/// Runs plan monitoring: achievement, aggregation, schedule, trend, dashboard, dynamic
/// index, and — with a survey — the satisfaction index and the overall evaluation.
///
/// Units: `spec.units`, or every panel unit except those named as relative-target
/// reference units and those the framework declares as references. Framework indicators absent from the panel are treated as missing
/// everywhere (warning); panel indicators absent from the framework are ignored (they
/// may be reference series). Errors: invalid framework or spec (including a
/// `dashboard.thresholds` or `sampling_errors` key that is not an indicator of the
/// framework: [`MonitorSpec::validate_against`]), unknown unit or year in the spec, an
/// evaluation year before the base year (one after the target year is monitored with the
/// elapsed share clamped to 1, and a warning), no panel period in the plan period, the
/// baseline policy `error` with a missing base-year value, ±inf in the panel.
pub fn monitor_with_survey(
    framework: &Framework,
    panel: &Panel,
    survey: Option<(&Survey, &SatisfactionSpec)>,
    spec: &MonitorSpec,
) -> Result<MonitorResults> {
    monitor_with_detail(framework, panel, survey, spec, MonitorDetail::default())
}

/// [`monitor_with_survey`], building the optional breakdowns only as `detail` asks and on
/// `detail.threads` threads ([`MonitorDetail`]; the results do not depend on the number
/// of threads); with the default it is [`monitor_with_survey`].
pub fn monitor_with_detail(
    framework: &Framework,
    panel: &Panel,
    survey: Option<(&Survey, &SatisfactionSpec)>,
    spec: &MonitorSpec,
    detail: MonitorDetail,
) -> Result<MonitorResults> {
    monitor_run(framework, panel, survey, spec, detail, true)
}

/// [`monitor_with_detail`] with every series computed by the general engine (none by
/// the plain rule): the reference the plain rule's tests compare with.
#[cfg(test)]
pub(crate) fn monitor_general_only(
    framework: &Framework,
    panel: &Panel,
    survey: Option<(&Survey, &SatisfactionSpec)>,
    spec: &MonitorSpec,
    detail: MonitorDetail,
) -> Result<MonitorResults> {
    monitor_run(framework, panel, survey, spec, detail, false)
}

/// [`monitor_with_detail`]; `plain`: whether plain series are computed by the plain rule.
fn monitor_run(
    framework: &Framework,
    panel: &Panel,
    survey: Option<(&Survey, &SatisfactionSpec)>,
    spec: &MonitorSpec,
    detail: MonitorDetail,
    plain: bool,
) -> Result<MonitorResults> {
    framework.validate()?;
    spec.validate()?;
    spec.validate_against(framework)?;
    panel.check_finite()?;
    let periods = panel.periods();
    let base_year = framework.base_year;
    let ref_units: Vec<&str> = framework
        .indicators
        .iter()
        .filter_map(|i| match i.relative_target.as_ref().map(|r| &r.reference) {
            Some(Reference::Series { unit: Some(u), .. }) => Some(u.as_str()),
            _ => None,
        })
        .collect();
    // the declared units indexed once (a search per unit was quadratic in units when the
    // framework declares every county)
    let plan_units = framework.unit_index();
    let units: Vec<String> = match &spec.units {
        Some(u) => {
            for id in u {
                panel.require_unit(id)?;
            }
            u.clone()
        }
        None => panel
            .units()
            .iter()
            .filter(|u| {
                !ref_units.contains(&u.as_str())
                    && plan_units.role(u) != crate::model::UnitRole::Reference
            })
            .cloned()
            .collect(),
    };
    if units.is_empty() {
        return Err(Error::Empty {
            context: "units to monitor".into(),
        });
    }
    let year = match spec.year {
        Some(y) => {
            panel.require_period(y)?;
            if y < base_year {
                return Err(Error::invalid_spec(
                    "year",
                    format!(
                        "the evaluation year {y} is before the plan's base year {base_year}: monitoring measures progress from the base year, so there is nothing to assess; choose a year in {base_year}–{} (or leave `year` out for the latest one)",
                        framework.target_year
                    ),
                ));
            }
            y
        }
        None => *periods
            .iter()
            .rev()
            .find(|&&y| y <= framework.target_year && y >= base_year)
            .ok_or_else(|| {
                Error::invalid_argument(
                    "panel periods",
                    format!(
                        "no period within the plan period {base_year}–{}",
                        framework.target_year
                    ),
                )
            })?,
    };
    let mut warnings = Vec::new();
    if year > framework.target_year {
        warnings.push(format!(
            "evaluation year {year} is after the plan's target year {}: the elapsed share is 1 (clamped) and every target not met is lagging",
            framework.target_year
        ));
    }
    // the framework's tree, indexed once
    let hier = Hierarchy::new(framework);
    let top_dims: Vec<usize> = framework
        .dimensions
        .iter()
        .enumerate()
        .filter(|(_, d)| d.parent.is_none())
        .map(|(k, _)| k)
        .collect();
    for ind in &framework.indicators {
        if panel.indicator_index(&ind.id).is_none() {
            warnings.push(format!(
                "indicator `{}` is not in the panel: missing everywhere",
                ind.id
            ));
        }
    }
    let np = periods.len();
    let nan = vec![f64::NAN; np];
    // looked up once, not per unit: each indicator's panel position and its standard-error
    // series (the spec's mapping overrides the framework's declaration) with its position
    let panel_pos: Vec<Option<usize>> = framework
        .indicators
        .iter()
        .map(|i| panel.indicator_index(&i.id))
        .collect();
    let ref_pos: Vec<Option<RefPos<'_>>> = framework
        .indicators
        .iter()
        .map(|i| match i.relative_target.as_ref().map(|r| &r.reference) {
            Some(Reference::Series { unit, indicator }) => Some(RefPos {
                unit: match unit {
                    Some(ru) => RefUnit::Fixed(panel.unit_index(ru)),
                    None => RefUnit::Same,
                },
                indicator: panel.indicator_index(indicator),
                ids: (unit.as_deref(), indicator.as_str()),
            }),
            _ => None,
        })
        .collect();
    let se_pos: Vec<Option<(&String, Option<usize>)>> = framework
        .indicators
        .iter()
        .map(|i| {
            spec.sampling_errors
                .get(&i.id)
                .or(i.sampling_error_series.as_ref())
                .map(|se| (se, panel.indicator_index(se)))
        })
        .collect();
    // the indicators the coverage rule counts (positive nominal weight)
    let nominal = hier.nominal();
    let counted: Vec<usize> = (0..framework.indicators.len())
        .filter(|&j| nominal[j] > 0.0)
        .collect();
    let eval_years: Vec<i32> = periods
        .iter()
        .copied()
        .filter(|&y| y >= base_year)
        .collect();
    let year_pos = eval_years.iter().position(|&y| y == year);
    // the size of the tables, checked before anything is allocated for them: a record per
    // unit × indicator × evaluated year (the framework's indicators, the panel's or not),
    // at most the panel cell limit; a framework of many indicators over a panel of many
    // units must be refused here, not abort the host at the allocation
    // (and a dimension score per unit × dimension × evaluated year)
    let remedy = "monitoring keeps a record for each; check the units and the framework, \
                  or raise the limit (cpindex_set_max_panel_cells, \
                  cpindex::data::set_max_panel_cells)";
    for (items, name) in [
        (framework.indicators.len(), "indicators"),
        (framework.dimensions.len(), "dimensions"),
    ] {
        crate::alloc::checked_size(
            "monitoring size",
            &[
                (units.len(), "units"),
                (items, name),
                (eval_years.len().max(1), "evaluated years"),
            ],
            crate::data::max_panel_cells(),
            remedy,
        )?;
    }
    let shared = Shared {
        framework,
        panel,
        spec,
        detail,
        hier: &hier,
        plan_units: &plan_units,
        periods,
        base_year,
        year,
        nan: &nan,
        panel_pos: &panel_pos,
        ref_pos: &ref_pos,
        se_pos: &se_pos,
        counted: &counted,
        top_dims: &top_dims,
        eval_years: &eval_years,
        year_pos,
        plain,
    };
    // the units split in consecutive shares, one per thread, joined in unit order: the
    // same results as one pass over them (tests/monitor_threads.rs)
    let threads = detail
        .threads
        .clamp(1, (units.len() / MIN_UNITS_PER_THREAD).max(1));
    // a split run's dense achievement columns, written in place by the shares
    let mut dense_cols: Option<DenseColumns> = None;
    let Part {
        table,
        aggregates,
        dynamic,
        schedule,
        trends,
        dashboards,
        targets,
        warnings: unit_warnings,
    } = if threads == 1 {
        monitor_part(&shared, &units, units.len(), None)?
    } else {
        let shared = &shared;
        // balanced: share k is units[k·n/t .. (k+1)·n/t], each ≥ n/t ≥ 32 units
        let n = units.len();
        let chunks: Vec<&[String]> = (0..threads)
            .map(|k| &units[k * n / threads..(k + 1) * n / threads])
            .collect();
        // the achievement table's dense columns allocated once and cut into the shares'
        // rows (a series is one record per evaluated year): each share writes its rows
        // in place, on its thread, and the join copies none of them
        let per_unit = framework.indicators.len() * eval_years.len();
        let n_rows = n.checked_mul(per_unit).ok_or_else(|| {
            Error::invalid_argument("monitoring", "units × indicators × years overflow")
        })?;
        let lens: Vec<usize> = chunks.iter().map(|ch| ch.len() * per_unit).collect();
        let slots: Vec<std::sync::Mutex<Option<DenseRows<'_>>>> = dense_cols
            .insert(DenseColumns::new(n_rows)?)
            .split(&lens)
            .into_iter()
            .map(|d| std::sync::Mutex::new(Some(d)))
            .collect();
        let rows_of = |k: usize| {
            slots[k]
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take()
        };
        let rows_of = &rows_of;
        let parts: Vec<Result<Part<'_>>> = std::thread::scope(|s| {
            // a share whose thread cannot be started (the system's limit) is monitored
            // on this thread after the first: refused threads never fail the run
            let handles: Vec<_> = (1..threads)
                .map(|k| {
                    let ch = chunks[k];
                    let job = move || monitor_part(shared, ch, ch.len(), rows_of(k));
                    crate::spawn::scoped(s, "cpindex-monitor", job).map_err(|_| k)
                })
                .collect();
            let first = monitor_part(shared, chunks[0], units.len(), rows_of(0));
            std::iter::once(first)
                .chain(handles.into_iter().map(|h| match h {
                    Ok(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
                    Err(k) => monitor_part(shared, chunks[k], chunks[k].len(), rows_of(k)),
                }))
                .collect()
        });
        // the first error in unit order, as one pass would have stopped at; a share that
        // wrote other than its rows of the dense columns is refused (never a table with
        // rows left unwritten)
        let whole = |p: &Part<'_>| {
            if p.table.written_in_place() {
                Ok(())
            } else {
                Err(Error::invalid_argument(
                    "monitoring",
                    "a share of the units wrote other than one record per unit, indicator and year (a defect: please report it)",
                ))
            }
        };
        let mut parts = parts.into_iter();
        let mut all = parts.next().expect("one share at least")?;
        whole(&all)?;
        for p in parts {
            let p = p?;
            whole(&p)?;
            all.append(p);
        }
        all
    };
    warnings.extend(unit_warnings);
    let satisfaction = match survey {
        Some((s, ss)) => satisfaction_index(s, ss)?,
        None => Vec::new(),
    };
    let n_years = eval_years.len();
    let aggregates = aggregates.finish();
    // each unit's satisfaction group of the evaluation year, indexed once (the first of
    // equal keys, as a search finds): a search of every group per unit was quadratic in
    // units with a survey of every unit
    let mut sat_of: HashMap<&str, &SatisfactionGroup> = HashMap::with_capacity(units.len());
    for g in satisfaction.iter().filter(|g| g.year == year) {
        sat_of.entry(g.unit.as_str()).or_insert(g);
    }
    let evaluations = units
        .iter()
        .enumerate()
        .map(|(k, unit)| {
            let obj = year_pos
                .map(|y| k * n_years + y)
                .filter(|&r| r < aggregates.len())
                .and_then(|r| aggregates.overall(r))
                .map(|v| 100.0 * v);
            let sat = sat_of.get(unit.as_str()).and_then(|g| g.overall);
            evaluate(
                unit,
                year,
                obj,
                sat.map(|e| e.mean),
                sat.and_then(|e| e.se),
                spec.objective_weight,
            )
        })
        .collect();
    let mut achievements = table.finish();
    if let Some(d) = dense_cols {
        achievements.set_dense(d);
    }
    Ok(MonitorResults {
        framework: framework.id.clone(),
        base_year,
        target_year: framework.target_year,
        year,
        form: spec.form,
        units,
        achievements,
        aggregates,
        dynamic: dynamic.finish(),
        schedule: schedule.finish(),
        trends: trends.finish(),
        dashboards: dashboards.finish(),
        satisfaction,
        evaluations,
        targets: targets.finish(),
        warnings,
    })
}
