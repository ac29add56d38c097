//! Starting the library's helper threads (monitoring shares, the composite index beside
//! the monitoring, the CSV reading thread), in one place, so that what happens when the
//! system refuses a thread is tested: each caller then does the work on its own thread,
//! and the result is the same (a library linked into another program must not fail
//! because that program has used up its threads).

use std::thread::{Scope, ScopedJoinHandle};

#[cfg(test)]
thread_local! {
    /// Test hook: refuse the threads this thread starts, counting them.
    static REFUSE: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Starts `f` on a new thread of scope `s` named `name`; `Err` when the system refuses
/// the thread (the caller then runs the work itself).
pub(crate) fn scoped<'scope, F, T>(
    s: &'scope Scope<'scope, '_>,
    name: &str,
    f: F,
) -> std::io::Result<ScopedJoinHandle<'scope, T>>
where
    F: FnOnce() -> T + Send + 'scope,
    T: Send + 'scope,
{
    #[cfg(test)]
    if let Some(n) = REFUSE.get() {
        REFUSE.set(Some(n + 1));
        return Err(std::io::Error::other("thread refused (test)"));
    }
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn_scoped(s, f)
}

/// Runs `f` with every thread it starts from this thread refused; returns its result and
/// the number of threads refused.
#[cfg(test)]
pub(crate) fn refusing<R>(f: impl FnOnce() -> R) -> (R, usize) {
    REFUSE.set(Some(0));
    let r = f();
    let n = REFUSE.take().unwrap_or(0);
    (r, n)
}

#[cfg(test)]
mod tests {
    use super::refusing;
    use crate::data::{Layout, Panel, ReadOptions};
    use crate::evaluate::{evaluate_with_detail, EvaluationSpec, Request};
    use crate::model::builtin;
    use crate::monitor::{monitor_with_detail, MonitorDetail, MonitorSpec};

    /// `n_units` units × 6 years of the built-in framework, a cell in 37 missing.
    fn panel(n_units: usize) -> Panel {
        let fw = builtin::quzhou();
        let units: Vec<String> = (0..n_units).map(|u| format!("u{u}")).collect();
        let years: Vec<i32> = (fw.base_year..fw.base_year + 6).collect();
        let ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
        let mut p = Panel::new(units, years, ids).unwrap();
        for (i, ind) in fw.indicators.iter().enumerate() {
            let t = ind.target.unwrap_or(10.0).abs().max(1.0);
            for y in 0..6 {
                for u in 0..n_units {
                    let h = (u * 31 + i * 7 + y * 13) % 37;
                    let v = if h == 0 {
                        f64::NAN
                    } else {
                        t * (0.6 + 0.05 * y as f64 + 0.004 * (u % 29) as f64)
                    };
                    p.set(u, y, i, v).unwrap();
                }
            }
        }
        p
    }

    fn detail(threads: usize) -> MonitorDetail {
        MonitorDetail {
            threads,
            ..MonitorDetail::default()
        }
    }

    #[test]
    fn refused_monitoring_threads_give_the_one_thread_result() {
        let fw = builtin::quzhou();
        let spec = MonitorSpec::default();
        // 130 units on 4 threads: 4 shares of ≥ 32, three of them on threads; 220 units
        // on 2 threads: the second share's achievement table (110 units × the indicators
        // × 6 years) is large enough to be joined on a thread of its own, so the second
        // share's thread and the join's
        for (units, threads, threads_started) in [(130, 4, 3), (220, 2, 2)] {
            if threads_started == 2 {
                let rows = (units / 2) * fw.indicators.len() * 6;
                assert!(rows >= crate::monitor::results::MIN_ROWS_TO_JOIN_BESIDE);
            }
            let p = panel(units);
            let one = monitor_with_detail(fw, &p, None, &spec, detail(1)).unwrap();
            let (split, refused) =
                refusing(|| monitor_with_detail(fw, &p, None, &spec, detail(threads)).unwrap());
            assert_eq!(refused, threads_started, "{units} units");
            assert_eq!(one, split, "{units} units, threads refused");
            assert_eq!(
                one.to_json(),
                split.to_json(),
                "{units} units, threads refused"
            );
            let split = monitor_with_detail(fw, &p, None, &spec, detail(threads)).unwrap();
            assert_eq!(one, split, "{units} units, on threads");
            assert_eq!(one.to_json(), split.to_json(), "{units} units, on threads");
        }
    }

    #[test]
    fn refused_evaluation_threads_give_the_same_evaluation() {
        let fw = builtin::quzhou();
        let spec = EvaluationSpec::default();
        // 60 units: one share of monitoring (60 < 2 × 32), the index beside it; 130
        // units: a second share, the index and the second half of the report's cells,
        // each on a thread of its own
        for (units, threads_started) in [(60, 1), (130, 3)] {
            let p = panel(units);
            let req = || Request {
                framework: fw,
                panel: &p,
                survey: None,
                households: None,
                spec: &spec,
            };
            // (compared as JSON: the evaluation holds NaN for missing numbers)
            let one = evaluate_with_detail(req(), detail(1)).unwrap().to_json();
            let (two, refused) =
                refusing(|| evaluate_with_detail(req(), detail(2)).unwrap().to_json());
            assert_eq!(refused, threads_started, "{units} units");
            assert_eq!(one, two, "{units} units, threads refused");
            let two = evaluate_with_detail(req(), detail(2)).unwrap().to_json();
            assert_eq!(one, two, "{units} units, on threads");
        }
    }

    #[test]
    fn a_refused_reading_thread_reads_the_file_on_the_calling_thread() {
        let mut text = String::from("unit,period,indicator,value\n");
        for u in 0..300 {
            for y in 2020..2026 {
                text.push_str(&format!("u{u},{y},a,{}.5\n", u * y % 1000));
            }
        }
        let bad = format!("{text}u1,2020,a,1\n");
        let dir = std::env::temp_dir().join(format!("cpindex-spawn-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, body) in [("ok.csv", &text), ("dup.csv", &bad)] {
            let path = dir.join(name);
            std::fs::write(&path, body).unwrap();
            let read = |threads: usize| {
                let options = ReadOptions {
                    layout: Layout::Long,
                    threads,
                    ..ReadOptions::default()
                };
                crate::data::read_table_path(&path, None, &options)
            };
            let one = format!("{:?}", read(1));
            let (two, refused) = refusing(|| format!("{:?}", read(2)));
            assert_eq!(refused, 1, "{name}");
            assert_eq!(one, two, "{name}");
            // and with the thread
            assert_eq!(one, format!("{:?}", read(2)), "{name}");
            std::fs::remove_file(&path).unwrap();
        }
    }
}
