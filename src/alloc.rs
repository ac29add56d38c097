//! Fallible allocation for the tables whose size the input decides.
//!
//! A library linked into another program may refuse a request, never abort it (issue 13):
//! the size of every table that grows with the input is checked against a documented
//! limit before anything is allocated for it ([`crate::data::max_panel_cells`]), and
//! the allocation itself is fallible, so that a machine with less memory than the limit
//! allows gives an [`Error::InvalidArgument`] naming what asked for it, not
//! `memory allocation failed` and `SIGABRT`.

use crate::error::{Error, Result};

/// The error of an allocation of `n` values for `what` that failed with `e`.
fn refused(what: &str, n: usize, e: std::collections::TryReserveError) -> Error {
    Error::invalid_argument(
        what,
        format!("cannot allocate {n} values ({e}); the input asks for too much memory"),
    )
}

/// Room for `n` more values in `v`, or an error naming `what`.
pub(crate) fn try_reserve<T>(v: &mut Vec<T>, what: &str, n: usize) -> Result<()> {
    v.try_reserve_exact(n).map_err(|e| refused(what, n, e))
}

/// An empty vector with room for `n` values, or an error naming `what`.
pub(crate) fn try_with_capacity<T>(what: &str, n: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    try_reserve(&mut v, what, n)?;
    Ok(v)
}

/// A vector of `n` copies of `fill`, or an error naming `what`.
pub(crate) fn try_filled<T: Clone>(what: &str, n: usize, fill: T) -> Result<Vec<T>> {
    let mut v = try_with_capacity(what, n)?;
    v.resize(n, fill);
    Ok(v)
}

/// `n` zeros, allocated fallibly as zeroed memory (`calloc`, as `vec![0.0; n]` does):
/// fresh pages are zero already, so nothing is written here and each page is first
/// touched by whoever fills it — on its own thread, for columns cut into shares.
#[allow(unsafe_code)]
pub(crate) fn try_zeroed(what: &str, n: usize) -> Result<Vec<f64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let layout = std::alloc::Layout::array::<f64>(n).map_err(|_| {
        Error::invalid_argument(
            what,
            format!("cannot allocate {n} values (more bytes than an address space holds)"),
        )
    })?;
    // SAFETY: the layout's size is not zero (n > 0 values of 8 bytes).
    let p = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<f64>();
    if p.is_null() {
        return Err(Error::invalid_argument(
            what,
            format!(
                "cannot allocate {n} values ({} bytes); the input asks for too much memory",
                layout.size()
            ),
        ));
    }
    // SAFETY: `p` comes from the global allocator with the layout of `n` f64 values (the
    // layout `Vec<f64>` uses for capacity `n`); every byte is zero, and all-zero bytes
    // are the f64 value 0.0, so all `n` values are initialised.
    Ok(unsafe { Vec::from_raw_parts(p, n, n) })
}

/// The product of `factors` (a table's size: units × indicators × years, say) when it is
/// at most `limit`; otherwise an error naming `what`, the factors with their `names`, and
/// the limit — checked before anything is allocated, with overflow-checked arithmetic.
pub(crate) fn checked_size(
    what: &str,
    factors: &[(usize, &str)],
    limit: usize,
    remedy: &str,
) -> Result<usize> {
    let n = factors
        .iter()
        .try_fold(1usize, |acc, &(f, _)| acc.checked_mul(f));
    match n {
        Some(n) if n <= limit => Ok(n),
        _ => {
            let product: Vec<String> = factors
                .iter()
                .map(|(f, name)| format!("{f} {name}"))
                .collect();
            let size = n.map_or_else(|| format!("more than {}", usize::MAX), |n| n.to_string());
            Err(Error::invalid_argument(
                what,
                format!(
                    "{} = {size} is more than the limit of {limit}; {remedy}",
                    product.join(" × ")
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_impossible_request_is_an_error_not_an_abort() {
        // more bytes than any address space: refused by the allocator's size check,
        // without touching memory
        let e = try_with_capacity::<f64>("test table", usize::MAX / 4).unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("test table") && m.contains("cannot allocate"),
            "{m}"
        );
        let mut v = vec![1u8; 3];
        assert!(try_reserve(&mut v, "x", usize::MAX).is_err());
        assert_eq!(
            v,
            [1, 1, 1],
            "a refused reservation leaves the vector as it was"
        );
        assert!(try_filled("x", usize::MAX / 2, 0u32).is_err());
        assert_eq!(try_filled("x", 3, 7u16).unwrap(), [7, 7, 7]);
        assert!(try_zeroed("zeros", usize::MAX / 4).is_err());
        assert!(try_zeroed("zeros", usize::MAX / 16).is_err());
        let z = try_zeroed("zeros", 1000).unwrap();
        assert_eq!(z.len(), 1000);
        assert!(z.iter().all(|x| x.to_bits() == 0));
        assert!(try_zeroed("zeros", 0).unwrap().is_empty());
    }

    #[test]
    fn sizes_are_checked_without_overflow() {
        let f = |a, b, c| [(a, "units"), (b, "indicators"), (c, "years")];
        assert_eq!(checked_size("t", &f(3, 4, 5), 60, "r").unwrap(), 60);
        let m = checked_size("t", &f(3, 4, 5), 59, "lower it")
            .unwrap_err()
            .to_string();
        assert!(
            m.contains(
                "3 units × 4 indicators × 5 years = 60 is more than the limit of 59; lower it"
            ),
            "{m}"
        );
        let m = checked_size("t", &f(usize::MAX, 2, 1), usize::MAX, "r")
            .unwrap_err()
            .to_string();
        assert!(m.contains(&format!("= more than {}", usize::MAX)), "{m}");
        assert_eq!(
            checked_size("t", &f(0, usize::MAX, usize::MAX), 0, "r").unwrap(),
            0
        );
    }
}
