"""Income-distribution measures: one function per C entry point, named as in C without
the ``cpindex_`` prefix, parameters in the C order, ``weights`` as a keyword.

Each C function has the shape ``cpindex_<name>(const double *values, const double *weights
/* NULL = unweighted */, size_t n, <params…>, double *out)``. ``values`` and ``weights`` may
be lists (``None`` items = missing, NaN), ``array('d')`` or numpy arrays (passed without a
copy). The library's missing-value policy applies (NaN is skipped or rejected with
:class:`~cpindex.MissingValue`, as each measure documents).

These entry points arrive with the distribution round of the C ABI; with an older library
each function raises :class:`~cpindex.NotAvailable`. :func:`available` lists those
present.
"""

from __future__ import annotations

from ctypes import byref, c_double
from typing import Any, List, Optional

from ._buffers import doubles_in
from ._errors import LengthMismatch
from ._native import LIB

__all__ = [
    "gini",
    "theil_t",
    "mean_log_deviation",
    "generalized_entropy",
    "atkinson",
    "coefficient_of_variation",
    "palma_ratio",
    "quintile_share_ratio",
    "quantile",
    "share_in_band",
    "available",
    "MEASURES",
]

#: Python name -> C name of every distribution measure.
MEASURES = {
    name: "cpindex_" + name
    for name in (
        "gini",
        "theil_t",
        "mean_log_deviation",
        "generalized_entropy",
        "atkinson",
        "coefficient_of_variation",
        "palma_ratio",
        "quintile_share_ratio",
        "quantile",
        "share_in_band",
    )
}


def available() -> List[str]:
    """The measures the loaded library exports."""
    return [py for py, c in MEASURES.items() if LIB.has(c)]


def call_measure(fn: Any, values: Any, weights: Any, *params: float) -> float:
    """Calls a ``(values, weights|NULL, n, params…, double *out)`` C function.

    ``weights=None`` passes NULL (unweighted); otherwise its length must equal that of
    ``values`` (checked here, because the C function takes one ``n``)."""
    v = doubles_in(values, "values")
    w = doubles_in(weights, "weights") if weights is not None else None
    if w is not None and w.n != v.n:
        raise LengthMismatch(
            f"{getattr(fn, '__name__', 'measure')}: `weights` has {w.n} elements, `values` has {v.n}",
            103,
        )
    out = c_double()
    fn(v.ptr, w.ptr if w is not None else None, v.n, *[float(p) for p in params], byref(out))
    return out.value


def _m(name: str, values: Any, weights: Any, *params: float) -> float:
    return call_measure(LIB.require(MEASURES[name]), values, weights, *params)


def gini(values: Any, weights: Optional[Any] = None) -> float:
    """The Gini coefficient of ``values`` (optionally weighted)."""
    return _m("gini", values, weights)


def theil_t(values: Any, weights: Optional[Any] = None) -> float:
    """The Theil T index (GE(1))."""
    return _m("theil_t", values, weights)


def mean_log_deviation(values: Any, weights: Optional[Any] = None) -> float:
    """The mean log deviation (Theil L, GE(0))."""
    return _m("mean_log_deviation", values, weights)


def generalized_entropy(values: Any, alpha: float, weights: Optional[Any] = None) -> float:
    """The generalized entropy index GE(``alpha``)."""
    return _m("generalized_entropy", values, weights, alpha)


def atkinson(values: Any, epsilon: float, weights: Optional[Any] = None) -> float:
    """The Atkinson index with inequality aversion ``epsilon``."""
    return _m("atkinson", values, weights, epsilon)


def coefficient_of_variation(values: Any, weights: Optional[Any] = None) -> float:
    """The coefficient of variation (standard deviation / mean)."""
    return _m("coefficient_of_variation", values, weights)


def palma_ratio(values: Any, weights: Optional[Any] = None) -> float:
    """The Palma ratio: income share of the top 10 % over that of the bottom 40 %."""
    return _m("palma_ratio", values, weights)


def quintile_share_ratio(values: Any, weights: Optional[Any] = None) -> float:
    """The quintile share ratio S80/S20."""
    return _m("quintile_share_ratio", values, weights)


def quantile(values: Any, p: float, weights: Optional[Any] = None) -> float:
    """The ``p``-quantile (``0 <= p <= 1``)."""
    return _m("quantile", values, weights, p)


def share_in_band(values: Any, lower: float, upper: float, weights: Optional[Any] = None) -> float:
    """The (weighted) share of observations in the band ``[lower, upper]`` (e.g. the
    middle-income group share)."""
    return _m("share_in_band", values, weights, lower, upper)
