//! `(0..n).map(f).collect()` on several threads, for the report's per-cell work (issue 16:
//! the view's 290,000 cells and the dashboard's rows at 2,844 units were the largest
//! steps left on one thread after the evaluation).

#[cfg(test)]
thread_local! {
    /// Test hook: refuse the threads this thread starts.
    static REFUSE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `(0..n).map(f).collect()` computed on up to `threads` threads: consecutive ranges of at
/// least `min_per_thread` items, the first on the calling thread, appended in order — the
/// same vector as on one thread. A thread the system refuses is not an error (its range
/// is mapped on the calling thread); a panic in `f` is resumed on the calling thread.
pub fn map_range<T, F>(n: usize, threads: usize, min_per_thread: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let t = threads.min(n / min_per_thread.max(1)).max(1);
    if t == 1 {
        return (0..n).map(f).collect();
    }
    // range k: [k·n/t, (k+1)·n/t)
    let bound = |k: usize| k * n / t;
    std::thread::scope(|s| {
        let f = &f;
        let others: Vec<_> = (1..t)
            .map(|k| {
                #[cfg(test)]
                if REFUSE.get() {
                    return Err(std::io::Error::other("refused (test)"));
                }
                std::thread::Builder::new().spawn_scoped(s, move || {
                    (bound(k)..bound(k + 1)).map(f).collect::<Vec<T>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(n);
        out.extend((0..bound(1)).map(f));
        for (k, h) in (1..t).zip(others) {
            match h {
                Ok(h) => out.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))),
                Err(_) => out.extend((bound(k)..bound(k + 1)).map(f)),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::{map_range, REFUSE};

    #[test]
    fn the_same_vector_as_one_thread() {
        for n in [0usize, 1, 5, 31, 32, 33, 64, 100, 1_000] {
            let one: Vec<String> = (0..n).map(|k| format!("{}", k * k)).collect();
            for threads in [0, 1, 2, 3, 7, 64] {
                for min in [0, 1, 10, 32] {
                    let got = map_range(n, threads, min, |k| format!("{}", k * k));
                    assert_eq!(got, one, "n {n}, {threads} threads, min {min}");
                }
            }
        }
    }

    #[test]
    fn refused_threads_give_the_same_vector() {
        REFUSE.set(true);
        let got = map_range(1_000, 4, 10, |k| k * 3);
        REFUSE.set(false);
        assert_eq!(got, (0..1_000).map(|k| k * 3).collect::<Vec<_>>());
    }

    #[test]
    fn a_panic_reaches_the_caller() {
        let r = std::panic::catch_unwind(|| {
            map_range(100, 2, 1, |k| {
                assert!(k != 77, "item 77");
                k
            })
        });
        assert!(r.is_err());
    }
}
