//! The plain threshold rule, series by series straight into the achievement table.
//!
//! Most indicators of a plan are plain targets: a level, share, count or coverage with
//! one numeric target T for the target year, higher or lower is better, and nothing else
//! (no stretch or interim target, no relative target, no band, no multiple of the
//! baseline, no sampling error). Their records hold only the headline numbers — the
//! observed value, measured = x, the ratio form (NBS 全面建设小康社会统计监测方案, 2008;
//! methods-reference b.2), the progress form P = (x − x₀)/(T − x₀) (规划目标完成进度,
//! methods-reference b.6), the headline score and met — and the series' baseline and
//! target, which are the same for every year. Monitoring computes such a series here as
//! a column of [`Headline`]s, with the very rules of the general engine
//! ([`level_numbers`], [`headline_score`]) in the same order, notes included, and writes
//! it to the achievement table without building a full record per year (the general
//! engine's [`Draft`] holds every optional part of every kind of target). The records
//! are the general engine's to the bit: `tests` below compare the two on series that
//! reach every case of the rule.

use super::achievement::{
    check_series_input, finite, headline_score, level_numbers, no_observation, resolve_baseline,
    Baseline, Draft, Headline, NoteSink, SeriesInput,
};
use super::spec::MonitorSpec;
use crate::error::Result;
use crate::model::{Indicator, Kind, Polarity, TargetForm};

/// What the plain rule needs of an indicator: its target and direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PlainRule {
    /// The numeric target T.
    pub(crate) target: f64,
    /// Higher is better (binary polarity is read as higher is better, as by the general
    /// engine); lower is better otherwise.
    pub(crate) higher: bool,
}

impl PlainRule {
    /// The rule of `ind` when its records are those of the plain threshold rule alone
    /// (see the module documentation), else `None` (the general engine's).
    pub(crate) fn of(ind: &Indicator) -> Option<PlainRule> {
        let plain_kind = match ind.kind {
            Kind::Level | Kind::Share | Kind::Count | Kind::Coverage => true,
            Kind::Cumulative | Kind::Annual | Kind::GrowthRate => false,
        };
        let plain_form = match ind.target_form {
            TargetForm::Threshold => true,
            TargetForm::About { .. } | TargetForm::BaselineMultiple { .. } => false,
        };
        let higher = match ind.polarity {
            Polarity::HigherIsBetter | Polarity::Binary => true,
            Polarity::LowerIsBetter => false,
            Polarity::Interval { .. } => return None,
        };
        let plain = plain_kind
            && plain_form
            && ind.stretch_target.is_none()
            && ind.interim_targets.is_empty()
            && ind.relative_target.is_none();
        match ind.target {
            Some(target) if plain => Some(PlainRule { target, higher }),
            _ => None,
        }
    }
}

/// One plain series: the headline numbers of its records (one per period from the base
/// year on, ascending) and what they share. Reused from series to series.
#[derive(Debug, Default)]
pub(crate) struct PlainSeries {
    /// The records' headline numbers.
    pub(crate) rows: Vec<Headline>,
    /// The series' baseline (`None`: no observation from the base year on).
    pub(crate) baseline: Option<Baseline>,
    /// The target of every record.
    pub(crate) target: f64,
}

impl PlainSeries {
    /// The full record of row `k` (of `year`), as the general engine builds it: for the
    /// steps that read one record of a series (the schedule, the trend, the dashboard).
    pub(crate) fn draft(
        &self,
        ind: &Indicator,
        k: usize,
        year: i32,
        span: (i32, i32),
    ) -> Option<Draft> {
        let h = *self.rows.get(k)?;
        let x = h.observed.unwrap_or(f64::NAN);
        let mut d = Draft::blank(
            ind,
            (year, x),
            self.baseline,
            (Some(self.target), None),
            span,
        );
        d.h = h;
        Some(d)
    }
}

/// The records of one unit × indicator under the plain rule into `out` (cleared first),
/// the notes written to `notes` record by record: the general engine's
/// ([`super::achievement::achieve_series_into`]) checks, baseline (with its warnings),
/// rules and notes, in the same order, for an indicator whose [`PlainRule::of`] is
/// `rule`.
pub(crate) fn plain_series_into<N: NoteSink>(
    ind: &Indicator,
    rule: PlainRule,
    input: SeriesInput<'_>,
    spec: &MonitorSpec,
    warnings: &mut Vec<String>,
    out: &mut PlainSeries,
    notes: &mut N,
) -> Result<()> {
    out.rows.clear();
    #[cfg(test)]
    tests::PLAIN_SERIES.with(|n| n.set(n.get() + 1));
    // (monitoring's series are the panel's: its periods strictly ascending — `Panel::new`
    // sorts them and refuses duplicates — and its values finite, checked at the start of
    // the run; the general engine's checks would never fail here)
    debug_assert!(check_series_input(ind, &input).is_ok());
    let SeriesInput {
        unit,
        periods,
        values,
        base_year,
        ..
    } = input;
    let baseline = resolve_baseline(
        &ind.id,
        unit,
        periods,
        values,
        base_year,
        ind.baseline,
        spec.baseline_policy,
        warnings,
    )?;
    out.baseline = baseline;
    out.target = rule.target;
    let facts = (Some(rule.target), ind.polarity, ind.kind);
    for (&year, &x) in periods.iter().zip(values) {
        if year < base_year {
            continue;
        }
        notes.record(out.rows.len());
        let mut h = Headline {
            observed: finite(x),
            ..Headline::default()
        };
        level_numbers(&mut h, notes, (year, x, rule.target), baseline, rule.higher);
        headline_score(&mut h, notes, facts, spec.form, spec.zero_target);
        if x.is_nan() {
            no_observation(notes, year);
        }
        out.rows.push(h);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The plain rule against the general engine: whole monitoring runs of the built-in
    //! framework, once with plain series by the plain rule and once with every series by
    //! the general engine ([`crate::monitor::results::monitor_general_only`]), must be
    //! equal in every table, note and warning — on series built to reach every case of
    //! the rule and every note it writes.

    use super::*;
    use crate::data::Panel;
    use crate::model::{builtin, Framework};
    use crate::monitor::results::monitor_general_only;
    use crate::monitor::spec::{AchievementForm, BaselinePolicy, ZeroTarget};
    use crate::monitor::{monitor_with_detail, MonitorDetail, MonitorResults};

    thread_local! {
        /// The series this thread computed by the plain rule (the tests' check that the
        /// two runs they compare took different paths).
        pub(super) static PLAIN_SERIES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// docs/monitoring.md: the plain targets (the plain rule, no sampling-error series)
    /// are "66 of the built-in framework's 102"; the two survey-measured indicators are
    /// plain but for their sampling-error series.
    #[test]
    fn the_documented_count_of_plain_targets() {
        let fw = builtin::quzhou();
        let rule = |i: &&Indicator| PlainRule::of(i).is_some();
        let plain = fw.indicators.iter().filter(rule);
        let with_se = plain.clone().filter(|i| i.sampling_error_series.is_some());
        assert_eq!(
            (
                plain.clone().count() - with_se.clone().count(),
                fw.indicators.len()
            ),
            (66, 102)
        );
        let ids: Vec<&str> = with_se.map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "eco_environment_satisfaction",
                "party_discipline_effectiveness"
            ]
        );
    }

    /// The built-in framework with some plain indicators changed to reach the rule's
    /// rarer cases: binary polarity, a zero and a negative target (lower is better), a
    /// zero target (higher is better), and a framework baseline.
    fn framework() -> Framework {
        let mut fw = builtin::quzhou().clone();
        let plain: Vec<usize> = (0..fw.indicators.len())
            .filter(|&j| PlainRule::of(&fw.indicators[j]).is_some())
            .collect();
        assert!(plain.len() >= 60, "{} plain indicators", plain.len());
        let edit = |fw: &mut Framework, n: usize, f: &dyn Fn(&mut Indicator)| {
            f(&mut fw.indicators[plain[n]]);
        };
        edit(&mut fw, 0, &|i| i.polarity = Polarity::Binary);
        edit(&mut fw, 1, &|i| {
            i.polarity = Polarity::LowerIsBetter;
            i.target = Some(0.0);
        });
        edit(&mut fw, 2, &|i| {
            i.polarity = Polarity::LowerIsBetter;
            i.target = Some(-1.0);
        });
        edit(&mut fw, 3, &|i| {
            i.polarity = Polarity::HigherIsBetter;
            i.target = Some(0.0);
        });
        edit(&mut fw, 4, &|i| i.baseline = Some(7.0));
        edit(&mut fw, 5, &|i| i.baseline = Some(-2.0));
        fw.validate().expect("the edited framework is valid");
        fw
    }

    /// Units (the first two plan units, whose own targets apply, then others) × 2016–2025,
    /// every indicator; series of many shapes around each indicator's target T.
    fn panel(fw: &Framework, n_units: usize) -> Panel {
        let mut units: Vec<String> = fw.units.iter().take(2).map(|u| u.id.clone()).collect();
        units.extend((units.len()..n_units).map(|u| format!("u{u}")));
        let years: Vec<i32> = (2016..=2025).collect();
        let ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
        let mut p = Panel::new(units, years.clone(), ids).unwrap();
        for (i, ind) in fw.indicators.iter().enumerate() {
            let t = ind.target.unwrap_or(10.0);
            let scale = t.abs().max(1.0);
            let lower = matches!(ind.polarity, Polarity::LowerIsBetter);
            for u in 0..n_units {
                let case = (u * 7 + i * 3) % 11;
                for (pi, &y) in years.iter().enumerate() {
                    let step = (y - 2020) as f64;
                    let toward = if lower { -1.0 } else { 1.0 };
                    let v = match case {
                        // regular progress from 0.7 T (or 1.3 T) through T and beyond
                        0 | 1 => t - toward * scale * (0.3 - 0.08 * step),
                        // moving away from the target
                        2 => t - toward * scale * (0.3 + 0.05 * step),
                        // the base year exactly at the target, then either side
                        3 => t + scale * 0.02 * step * if u % 2 == 0 { 1.0 } else { -1.0 },
                        // the baseline already beyond the target, falling back past it
                        4 => t + toward * scale * (0.3 - 0.1 * step),
                        // the base year missing: the first observed later year, and
                        // records before it
                        5 if y <= 2021 => f64::NAN,
                        5 => t - toward * scale * 0.1 * (5.0 - step),
                        // nothing from the base year on: no baseline
                        6 if y >= 2020 => f64::NAN,
                        // zero and negative values
                        7 => scale * (step - 2.0) * 0.5,
                        8 => 0.0,
                        // holes in the middle
                        _ if (pi + u) % 3 == 0 => f64::NAN,
                        _ => t * (0.8 + 0.03 * step) + (u % 5) as f64,
                    };
                    p.set(u, pi, i, v).unwrap();
                }
            }
        }
        p
    }

    fn both(
        fw: &Framework,
        p: &Panel,
        spec: &MonitorSpec,
        threads: usize,
    ) -> (
        crate::error::Result<MonitorResults>,
        crate::error::Result<MonitorResults>,
    ) {
        let detail = MonitorDetail {
            threads,
            ..MonitorDetail::default()
        };
        let counted = |run: &dyn Fn() -> crate::error::Result<MonitorResults>| {
            PLAIN_SERIES.with(|n| n.set(0));
            let r = run();
            (r, PLAIN_SERIES.with(|n| n.get()))
        };
        let (plain, n_plain) = counted(&|| monitor_with_detail(fw, p, None, spec, detail));
        let (general, n_general) = counted(&|| monitor_general_only(fw, p, None, spec, detail));
        // the runs took different paths (on one thread the calling thread computes every
        // series, and a run that fails stops at its first series' error at the latest)
        assert_eq!(n_general, 0, "the general engine's run used the plain rule");
        if threads == 1 && plain.is_ok() {
            assert!(n_plain >= p.units().len() * 50, "{n_plain} plain series");
        }
        (plain, general)
    }

    /// Equal results, table by table and record by record (the first that differs is
    /// named). Records are compared by their `Debug` text, which tells every bit of a
    /// number apart except NaN payloads (a record's `==` is IEEE's: NaN ≠ NaN).
    fn same(a: &MonitorResults, b: &MonitorResults, what: &str) {
        fn each<R: std::fmt::Debug>(
            a: impl Iterator<Item = R>,
            b: impl Iterator<Item = R>,
            what: &str,
        ) {
            let (a, b): (Vec<String>, Vec<String>) = (
                a.map(|r| format!("{r:?}")).collect(),
                b.map(|r| format!("{r:?}")).collect(),
            );
            assert_eq!(a.len(), b.len(), "{what}: number of records");
            for (k, (x, y)) in a.iter().zip(&b).enumerate() {
                assert_eq!(x, y, "{what}: record {k}");
            }
        }
        assert_eq!(a.warnings, b.warnings, "{what}: warnings");
        let t = (&a.achievements, &b.achievements);
        each(
            t.0.records(),
            t.1.records(),
            &format!("{what}: achievements"),
        );
        // (the table's own equality: every column bit for bit, the notes by text)
        assert!(t.0 == t.1, "{what}: achievement table");
        let (ag, dy) = ((&a.aggregates, &b.aggregates), (&a.dynamic, &b.dynamic));
        each(
            ag.0.records(),
            ag.1.records(),
            &format!("{what}: aggregates"),
        );
        each(dy.0.records(), dy.1.records(), &format!("{what}: dynamic"));
        let (sc, tr) = ((&a.schedule, &b.schedule), (&a.trends, &b.trends));
        each(sc.0.records(), sc.1.records(), &format!("{what}: schedule"));
        each(tr.0.records(), tr.1.records(), &format!("{what}: trends"));
        let ta = (&a.targets, &b.targets);
        each(ta.0.records(), ta.1.records(), &format!("{what}: targets"));
        each(
            a.dashboards.records(),
            b.dashboards.records(),
            &format!("{what}: dashboards"),
        );
        each(
            a.evaluations.iter(),
            b.evaluations.iter(),
            &format!("{what}: evaluations"),
        );
        assert_eq!(a.to_json(), b.to_json(), "{what}: JSON");
    }

    #[test]
    fn plain_series_equal_the_general_engine_in_every_table() {
        let fw = framework();
        // (22 units: each indicator meets every shape of series twice; 66 for a run
        // split over two threads, which needs 32 units per thread)
        let (p, p_split) = (panel(&fw, 22), panel(&fw, 66));
        let specs = [
            MonitorSpec::default(),
            MonitorSpec {
                form: AchievementForm::Progress,
                ..MonitorSpec::default()
            },
            MonitorSpec {
                zero_target: ZeroTarget::Ratio,
                baseline_policy: BaselinePolicy::FrameworkThenFirstObserved,
                ..MonitorSpec::default()
            },
            MonitorSpec {
                year: Some(2022),
                ..MonitorSpec::default()
            },
        ];
        let mut notes = std::collections::BTreeSet::new();
        let runs = specs
            .iter()
            .enumerate()
            .map(|(s, spec)| (s, spec, &p, 1))
            .chain(std::iter::once((0, &specs[0], &p_split, 2)));
        for (s, spec, p, threads) in runs {
            {
                let (plain, general) = both(&fw, p, spec, threads);
                let (plain, general) = (plain.unwrap(), general.unwrap());
                same(&plain, &general, &format!("spec {s}, {threads} thread(s)"));
                let t = &plain.achievements;
                for row in 0..t.len() {
                    let (_, j, _) = t.positions(row);
                    if PlainRule::of(&fw.indicators[j]).is_some() {
                        notes.extend(t.notes(row).iter().map(|n| {
                            n.split(|c: char| c.is_ascii_digit() || c == '-')
                                .next()
                                .unwrap_or("")
                                .to_string()
                        }));
                    }
                }
            }
        }
        // the series reached every note the plain rule can write (not "before the
        // baseline year" nor "no baseline": the baseline is the first observation from
        // the base year on, so no observed record precedes it or lacks it)
        for want in [
            "no observation in ",
            "ratio T/x undefined for x = ",
            "target equals baseline (",
            "baseline ",
            "moved away from the target since the baseline",
            "zero target (清零)",
            "ratio form undefined (target ≤ ",
        ] {
            assert!(
                notes.iter().any(|n| n.starts_with(want)),
                "no note `{want}…` in {notes:#?}"
            );
        }
    }

    #[test]
    fn errors_are_the_general_engines() {
        let fw = framework();
        let p = panel(&fw, 12);
        // a missing base year refused by the spec: the same first error, naming the same
        // unit and indicator
        let spec = MonitorSpec {
            baseline_policy: BaselinePolicy::Error,
            ..MonitorSpec::default()
        };
        let (plain, general) = both(&fw, &p, &spec, 1);
        let (plain, general) = (plain.unwrap_err(), general.unwrap_err());
        assert_eq!(plain.to_string(), general.to_string());
        assert!(plain.to_string().contains("base year 2020"), "{plain}");
    }

    #[test]
    fn the_rule_takes_exactly_the_plain_indicators() {
        let fw = builtin::quzhou();
        for ind in &fw.indicators {
            let plain = PlainRule::of(ind).is_some();
            let want = matches!(
                ind.kind,
                Kind::Level | Kind::Share | Kind::Count | Kind::Coverage
            ) && ind.target_form == TargetForm::Threshold
                && !matches!(ind.polarity, Polarity::Interval { .. })
                && ind.target.is_some()
                && ind.stretch_target.is_none()
                && ind.interim_targets.is_empty()
                && ind.relative_target.is_none();
            assert_eq!(plain, want, "{}", ind.id);
        }
        let mut ind = fw.indicators[0].clone();
        ind.kind = Kind::Level;
        ind.target_form = TargetForm::Threshold;
        ind.polarity = Polarity::LowerIsBetter;
        ind.target = Some(3.0);
        ind.stretch_target = None;
        ind.interim_targets.clear();
        ind.relative_target = None;
        assert_eq!(
            PlainRule::of(&ind),
            Some(PlainRule {
                target: 3.0,
                higher: false
            })
        );
        ind.stretch_target = Some(2.0);
        assert_eq!(PlainRule::of(&ind), None);
    }
}
