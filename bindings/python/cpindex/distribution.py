"""Income-distribution measures: one function per C entry point, named as in C without
the ``cpindex_`` prefix, parameters in the C order, ``weights`` as a keyword.

Each C function has the shape ``cpindex_<name>(const double *values, const double *weights
/* NULL = unweighted */, size_t n, <params…>, double *out)``. ``values`` and ``weights`` may
be lists (``None`` items = missing, NaN), ``array('d')`` or numpy arrays (passed without a
copy). A NaN/None value is an error (:class:`~cpindex.MissingValue`, naming its position)
unless ``na_rm=True`` (R's ``na.rm``, pandas' ``skipna``), which drops the records whose value
or weight is missing before measuring.

These entry points arrive with the distribution round of the C ABI; with an older library
each function raises :class:`~cpindex.NotAvailable`. :func:`available` lists those
present.
"""

from __future__ import annotations

import enum
import math
import re
from array import array
from ctypes import byref, c_double, c_size_t, c_uint32
from dataclasses import dataclass
from typing import Any, Dict, Hashable, List, Optional, Sequence, Tuple, Union

from ._buffers import doubles_in, doubles_out, is_missing
from ._errors import InvalidArgument, LengthMismatch, MissingValue
from ._managed import Managed
from ._native import DIST_P, LIB, CMaxMin

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
    "ge_decomposition",
    "gini_decomposition",
    "GeDecomposition",
    "GiniDecomposition",
    "Distribution",
    "DistributionCounts",
    "MaxMin",
    "Measure",
    "MissingPolicy",
    "QuantileMethod",
    "BandRule",
    "ShareRatioMethod",
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


def _m(name: str, values: Any, weights: Any, *params: float, na_rm: bool = False) -> float:
    if na_rm:
        # R's `na.rm = TRUE` / pandas' `skipna=True`: NaN/None values and their weights are
        # dropped in C (a NaN weight too), the measure is taken on the rest
        values, weights = _drop_missing(values, weights)
    try:
        return call_measure(LIB.require(MEASURES[name]), values, weights, *params)
    except MissingValue as e:
        raise _python_terms(e, name) from None


def _python_terms(e: MissingValue, name: str) -> MissingValue:
    """The library's missing-value error in Python terms: which item, and ``na_rm=True``."""
    where = re.search(r"(values|weights)\[(\d+)\]", str(e))
    item = f"`{where.group(1)}[{where.group(2)}]`" if where else "an item"
    return MissingValue(
        f"{name}(): {item} is missing (NaN or None); pass na_rm=True to leave missing values "
        "out (as R's na.rm=TRUE / pandas' skipna=True), or clean the data",
        e.code,
        e.function,
    )


def _doubles_view(obj: Any, name: str) -> Tuple[Any, Any]:
    """``obj`` as a float64 buffer (``doubles_in``) and a memoryview over it (no copy for
    arrays; lists are converted once, ``None`` as NaN)."""
    buf = doubles_in(obj, name)
    if buf.n == 0:
        return buf, memoryview(array("d"))
    return buf, memoryview((c_double * buf.n).from_address(buf.address)).cast("B").cast("d")


def _drop_missing(values: Any, weights: Any) -> Tuple[Any, Any]:
    """``values`` (and ``weights``) without the records where either is NaN/None."""
    vb, vs = _doubles_view(values, "values")
    if weights is None:
        return array("d", [x for x in vs if x == x]), None
    wb, ws = _doubles_view(weights, "weights")
    if wb.n != vb.n:
        raise LengthMismatch(f"`weights` has {wb.n} elements, `values` has {vb.n}", 103)
    keep = [k for k in range(vb.n) if vs[k] == vs[k] and ws[k] == ws[k]]
    out = array("d", [vs[k] for k in keep]), array("d", [ws[k] for k in keep])
    del vb, wb
    return out


def gini(values: Any, weights: Optional[Any] = None, *, na_rm: bool = False) -> float:
    """The Gini coefficient of ``values`` (optionally weighted)."""
    return _m("gini", values, weights, na_rm=na_rm)


def theil_t(values: Any, weights: Optional[Any] = None, *, na_rm: bool = False) -> float:
    """The Theil T index (GE(1))."""
    return _m("theil_t", values, weights, na_rm=na_rm)


def mean_log_deviation(values: Any, weights: Optional[Any] = None, *, na_rm: bool = False) -> float:
    """The mean log deviation (Theil L, GE(0))."""
    return _m("mean_log_deviation", values, weights, na_rm=na_rm)


def generalized_entropy(values: Any, alpha: float, weights: Optional[Any] = None, *, na_rm: bool = False) -> float:
    """The generalized entropy index GE(``alpha``)."""
    return _m("generalized_entropy", values, weights, alpha, na_rm=na_rm)


def atkinson(values: Any, epsilon: float, weights: Optional[Any] = None, *, na_rm: bool = False) -> float:
    """The Atkinson index with inequality aversion ``epsilon``."""
    return _m("atkinson", values, weights, epsilon, na_rm=na_rm)


def coefficient_of_variation(values: Any, weights: Optional[Any] = None, *, na_rm: bool = False) -> float:
    """The coefficient of variation (standard deviation / mean)."""
    return _m("coefficient_of_variation", values, weights, na_rm=na_rm)


def palma_ratio(values: Any, weights: Optional[Any] = None, *, na_rm: bool = False) -> float:
    """The Palma ratio: income share of the top 10 % over that of the bottom 40 %."""
    return _m("palma_ratio", values, weights, na_rm=na_rm)


def quintile_share_ratio(values: Any, weights: Optional[Any] = None, *, na_rm: bool = False) -> float:
    """The quintile share ratio S80/S20."""
    return _m("quintile_share_ratio", values, weights, na_rm=na_rm)


def quantile(values: Any, p: Any, weights: Optional[Any] = None, *, na_rm: bool = False) -> Any:
    """The ``p``-quantile (``0 <= p <= 1``); ``p`` a list (or array) of probabilities gives
    a list of quantiles, in the same order (as ``numpy.quantile`` / R ``quantile(probs=)``)."""
    if isinstance(p, (int, float)) or getattr(p, "ndim", None) == 0:  # numpy scalars, 0-d arrays
        return _m("quantile", values, weights, float(p), na_rm=na_rm)
    probs = [float(q) for q in (p.tolist() if hasattr(p, "tolist") else p)]
    if na_rm:
        values, weights = _drop_missing(values, weights)
    return [_m("quantile", values, weights, q) for q in probs]


def share_in_band(
    values: Any,
    lower: float,
    upper: float,
    weights: Optional[Any] = None,
    *,
    rule: Union["BandRule", int, str] = 0,
    na_rm: bool = False,
) -> float:
    """The (weighted) population share with a value in the band (e.g. the middle-income
    group share, 中等收入群体比重): by default the half-open band ``[lower, upper)``
    (``lower <= x < upper``, as ``cpindex_share_in_band`` and docs/distribution.md), with
    ``rule=BandRule.CLOSED`` (or ``"closed"``) the closed band ``[lower, upper]``, as
    :meth:`Distribution.share_in_band`. Bounds may be ±inf, not NaN."""
    code = _band_rule(rule)
    if code == BandRule.HALF_OPEN:
        return _m("share_in_band", values, weights, lower, upper, na_rm=na_rm)
    # the closed band is a rule of the distribution handle (cpindex_distribution_share_in_band)
    policy = MissingPolicy.SKIP if na_rm else MissingPolicy.ERROR
    try:
        with Distribution(values, weights, policy) as d:
            return d.share_in_band(lower, upper, code)
    except MissingValue as e:
        raise _python_terms(e, "share_in_band") from None


def _band_rule(rule: Any) -> "BandRule":
    """A :class:`BandRule` from the enum, its code or its name (any case)."""
    try:
        if isinstance(rule, str):
            return BandRule[rule.strip().upper()]
        if isinstance(rule, bool):
            raise ValueError
        return BandRule(rule)
    except (KeyError, ValueError, TypeError):
        names = ", ".join(f"BandRule.{r.name} ({r.value}, {r.name.lower()!r})" for r in BandRule)
        raise InvalidArgument(f"rule must be one of {names}, not {rule!r}", 2) from None


# ----------------------------------------------------------------------------- decompositions


@dataclass(frozen=True)
class GeDecomposition:
    """GE(alpha) of the population split into within- and between-group parts
    (``total == within + between``; Shorrocks 1980)."""

    alpha: float
    total: float
    within: float
    between: float


@dataclass(frozen=True)
class GiniDecomposition:
    """Dagum's (1997) Gini decomposition:
    ``total == within + between_net + transvariation``."""

    total: float
    within: float
    between_net: float
    transvariation: float


def _group_codes(groups: Any, n: int) -> Tuple[Any, Any]:
    """Group labels as a ``uint32`` array for C: non-negative ints below 2**32 are used as
    given; any other hashable labels (e.g. county names) are numbered in order of first
    appearance. A missing label (None, NaN, ``pd.NA``) is an error naming its position:
    it is not a group of its own (every NaN would otherwise be a different one-record
    group, changing the within/between split)."""
    labels = list(groups)
    if len(labels) != n:
        raise LengthMismatch(f"`groups` has {len(labels)} elements, `values` has {n}", 103)
    for k, g in enumerate(labels):
        if is_missing(g):
            raise MissingValue(
                f"`groups`[{k}] is missing ({g!r}): every record needs a group label; give "
                "the records without one a label of their own (e.g. 'unknown') or leave them out",
                102,
            )
    if all(isinstance(g, int) and not isinstance(g, bool) for g in labels):
        if any(g < 0 or g >= 2**32 for g in labels):
            raise InvalidArgument("integer group labels must be in [0, 2**32)", 2)
        codes = labels
    else:
        seen: Dict[Hashable, int] = {}
        codes = [seen.setdefault(g, len(seen)) for g in labels]
    arr = (c_uint32 * n)(*codes) if n else None
    return arr, codes


def _grouped_inputs(values: Any, groups: Any, weights: Any) -> Tuple[Any, Any, Any]:
    v = doubles_in(values, "values")
    w = doubles_in(weights, "weights") if weights is not None else None
    if w is not None and w.n != v.n:
        raise LengthMismatch(f"`weights` has {w.n} elements, `values` has {v.n}", 103)
    g, _ = _group_codes(groups, v.n)
    return v, w, g


def ge_decomposition(
    values: Any, groups: Sequence[Hashable], alpha: float, weights: Optional[Any] = None
) -> GeDecomposition:
    """Decomposes GE(``alpha``) by ``groups`` (one label per value) into within- and
    between-group inequality."""
    fn = LIB.require("cpindex_ge_decomposition")
    v, w, g = _grouped_inputs(values, groups, weights)
    t, wi, b = c_double(), c_double(), c_double()
    fn(v.ptr, w.ptr if w is not None else None, g, v.n, float(alpha), byref(t), byref(wi), byref(b))
    return GeDecomposition(float(alpha), t.value, wi.value, b.value)


def gini_decomposition(values: Any, groups: Sequence[Hashable], weights: Optional[Any] = None) -> GiniDecomposition:
    """Dagum's decomposition of the Gini coefficient by ``groups`` (values must be ≥ 0)."""
    fn = LIB.require("cpindex_gini_decomposition")
    v, w, g = _grouped_inputs(values, groups, weights)
    out = [c_double() for _ in range(4)]
    fn(v.ptr, w.ptr if w is not None else None, g, v.n, *[byref(o) for o in out])
    return GiniDecomposition(*(o.value for o in out))


# ----------------------------------------------------------------------------- the handle


class MissingPolicy(enum.IntEnum):
    """What :class:`Distribution` does with NaN/None values (``cpindex_missing_policy``)."""

    ERROR = 0  #: a NaN is MissingValue, naming its position
    SKIP = 1  #: NaN values and their weights are dropped (see ``counts``)


class QuantileMethod(enum.IntEnum):
    """Quantile conventions, Hyndman & Fan (1996) types (``cpindex_quantile_method``)."""

    AVERAGED_INVERTED_CDF = 0  #: type 2 (Eurostat EU-SILC, laeken, Stata); the default
    INVERTED_CDF = 1  #: type 1
    LINEAR = 2  #: type 7 (R and numpy default); unweighted data only


class BandRule(enum.IntEnum):
    """Which end points of a band count (``cpindex_band_rule``)."""

    HALF_OPEN = 0  #: lower <= x < upper; the default
    CLOSED = 1  #: lower <= x <= upper


class ShareRatioMethod(enum.IntEnum):
    """S80/S20 variants (``cpindex_share_ratio_method``)."""

    LORENZ = 0  #: (1 - L(0.8)) / L(0.2); the default
    EUROSTAT = 1  #: total income above the 80th percentile over that at or below the 20th (laeken >= 0.5.0)


class Measure(enum.IntEnum):
    """Scalar measures of :meth:`Distribution.measure` (``cpindex_measure``)."""

    MEAN = 0
    TOTAL_WEIGHT = 1
    TOTAL = 2
    GINI = 3
    GINI_CORRECTED = 4
    THEIL_T = 5
    MEAN_LOG_DEVIATION = 6
    GENERALIZED_ENTROPY = 7  #: parameter = alpha
    ATKINSON = 8  #: parameter = epsilon
    COEFFICIENT_OF_VARIATION = 9
    HOOVER = 10
    PALMA_RATIO = 11
    S80_S20 = 12
    MEDIAN = 13
    AT_RISK_OF_POVERTY_THRESHOLD = 14
    AT_RISK_OF_POVERTY_RATE = 15
    MIN = 16
    MAX = 17
    MAX_MIN_RATIO = 18
    SHARE_BELOW = 19  #: parameter = the cut-off


def _missing_policy(missing: Any) -> MissingPolicy:
    """A :class:`MissingPolicy` from the enum, its code or its name (any case)."""
    try:
        if isinstance(missing, str):
            return MissingPolicy[missing.strip().upper()]
        if isinstance(missing, bool):
            raise ValueError
        return MissingPolicy(missing)
    except (KeyError, ValueError, TypeError):
        raise InvalidArgument(
            f"missing must be 'error' (MissingPolicy.ERROR, 0: a missing value is an error) or "
            f"'skip' (MissingPolicy.SKIP, 1: missing values and their weights are dropped), "
            f"not {missing!r}",
            2,
        ) from None


@dataclass(frozen=True)
class DistributionCounts:
    """Records kept (``n``), given (``n_input``), dropped as missing, and with zero weight."""

    n: int
    n_input: int
    n_missing: int
    n_zero_weight: int


@dataclass(frozen=True)
class MaxMin:
    """Largest and smallest value with their positions in the caller's ``values``."""

    max: float
    max_position: int
    min: float
    min_position: int
    ratio: float


class Distribution(Managed):
    """A weighted distribution (typically of incomes), validated and sorted once by the
    library, then queried many times (``cpindex_distribution *``). Immutable; may be shared
    between threads.

    Args:
        values: the values (lists with ``None``, ``array('d')``, numpy — zero-copy).
        weights: frequency/sampling weights, or ``None`` for unweighted.
        missing: :class:`MissingPolicy` (or ``"error"``/``"skip"``) for NaN/None values.
    """

    _kind = "distribution"

    def __init__(
        self,
        values: Any,
        weights: Optional[Any] = None,
        missing: Union[MissingPolicy, str, int] = MissingPolicy.ERROR,
    ) -> None:
        fn = LIB.require("cpindex_distribution_new")
        policy = _missing_policy(missing)
        v = doubles_in(values, "values")
        w = doubles_in(weights, "weights") if weights is not None else None
        if w is not None and w.n != v.n:
            raise LengthMismatch(f"`weights` has {w.n} elements, `values` has {v.n}", 103)
        out = DIST_P()
        fn(v.ptr, w.ptr if w is not None else None, v.n, int(policy), byref(out))
        self._adopt(out, LIB.cpindex_distribution_free)

    @classmethod
    def _from_ptr(cls, ptr: Any) -> "Distribution":
        obj = cls.__new__(cls)
        obj._adopt(ptr, LIB.cpindex_distribution_free)
        return obj

    def clone(self) -> "Distribution":
        """A new, independently closable reference to the same distribution (cheap)."""
        out = DIST_P()
        with self._borrow() as p:
            LIB.cpindex_distribution_clone(p, byref(out))
        return Distribution._from_ptr(out)

    @property
    def counts(self) -> DistributionCounts:
        """How many records were kept, given, dropped as missing, and had zero weight."""
        c = [c_size_t() for _ in range(4)]
        with self._borrow() as p:
            LIB.cpindex_distribution_counts(p, *[byref(x) for x in c])
        return DistributionCounts(*(x.value for x in c))

    def __len__(self) -> int:
        """The number of records kept."""
        return self.counts.n

    def measure(self, measure: Union[Measure, int], parameter: float = math.nan) -> float:
        """A scalar :class:`Measure` (``parameter`` where the measure takes one)."""
        out = c_double()
        with self._borrow() as p:
            LIB.cpindex_distribution_measure(p, int(measure), float(parameter), byref(out))
        return out.value

    # convenience names for the measures
    @property
    def mean(self) -> float:
        """Weighted mean."""
        return self.measure(Measure.MEAN)

    @property
    def total_weight(self) -> float:
        """Total weight (the population represented)."""
        return self.measure(Measure.TOTAL_WEIGHT)

    @property
    def total(self) -> float:
        """Total weighted value."""
        return self.measure(Measure.TOTAL)

    def gini(self, corrected: bool = False) -> float:
        """Gini coefficient (``corrected=True``: with the small-sample correction)."""
        return self.measure(Measure.GINI_CORRECTED if corrected else Measure.GINI)

    def theil_t(self) -> float:
        """Theil T = GE(1)."""
        return self.measure(Measure.THEIL_T)

    def mean_log_deviation(self) -> float:
        """Mean log deviation = GE(0)."""
        return self.measure(Measure.MEAN_LOG_DEVIATION)

    def generalized_entropy(self, alpha: float) -> float:
        """GE(alpha)."""
        return self.measure(Measure.GENERALIZED_ENTROPY, alpha)

    def atkinson(self, epsilon: float) -> float:
        """Atkinson index A(epsilon)."""
        return self.measure(Measure.ATKINSON, epsilon)

    def coefficient_of_variation(self) -> float:
        """Population coefficient of variation."""
        return self.measure(Measure.COEFFICIENT_OF_VARIATION)

    def hoover(self) -> float:
        """Hoover (Robin Hood, Pietra) index."""
        return self.measure(Measure.HOOVER)

    def palma_ratio(self) -> float:
        """Top 10 % share over bottom 40 % share."""
        return self.measure(Measure.PALMA_RATIO)

    def median(self) -> float:
        """Weighted median (type 2)."""
        return self.measure(Measure.MEDIAN)

    def at_risk_of_poverty_threshold(self) -> float:
        """60 % of the median."""
        return self.measure(Measure.AT_RISK_OF_POVERTY_THRESHOLD)

    def at_risk_of_poverty_rate(self) -> float:
        """Share strictly below 60 % of the median (a fraction)."""
        return self.measure(Measure.AT_RISK_OF_POVERTY_RATE)

    def share_below(self, cutoff: float) -> float:
        """Share of the population strictly below ``cutoff``."""
        return self.measure(Measure.SHARE_BELOW, cutoff)

    def quantile(self, p: float, method: Union[QuantileMethod, int] = QuantileMethod.AVERAGED_INVERTED_CDF) -> float:
        """The ``p``-quantile (0 <= p <= 1) by ``method``."""
        out = c_double()
        with self._borrow() as ptr:
            LIB.cpindex_distribution_quantile(ptr, float(p), int(method), byref(out))
        return out.value

    def lorenz(self, p: float) -> float:
        """The Lorenz curve at population share ``p``: the income share of the poorest ``p``."""
        out = c_double()
        with self._borrow() as ptr:
            LIB.cpindex_distribution_lorenz(ptr, float(p), byref(out))
        return out.value

    def income_share(self, p_low: float, p_high: float) -> float:
        """The income share of the population between shares ``p_low`` and ``p_high``."""
        out = c_double()
        with self._borrow() as ptr:
            LIB.cpindex_distribution_income_share(ptr, float(p_low), float(p_high), byref(out))
        return out.value

    def quintile_share_ratio(self, method: Union[ShareRatioMethod, int] = ShareRatioMethod.LORENZ) -> float:
        """S80/S20 by ``method``."""
        out = c_double()
        with self._borrow() as ptr:
            LIB.cpindex_distribution_quintile_share_ratio(ptr, int(method), byref(out))
        return out.value

    def share_in_band(
        self, lower: float, upper: float, rule: Union[BandRule, int] = BandRule.HALF_OPEN
    ) -> float:
        """The (weighted) population share with values in the band (e.g. the middle-income
        group)."""
        out = c_double()
        with self._borrow() as ptr:
            LIB.cpindex_distribution_share_in_band(ptr, float(lower), float(upper), int(rule), byref(out))
        return out.value

    def max_min(self) -> MaxMin:
        """Largest and smallest values, their positions in the input, and their ratio."""
        m = CMaxMin()
        with self._borrow() as ptr:
            LIB.cpindex_distribution_max_min(ptr, byref(m))
        return MaxMin(m.max, m.max_position, m.min, m.min_position, m.ratio)

    def sorted_values(self) -> array:
        """The kept values in ascending order, as a new ``array('d')``."""
        n = c_size_t()
        with self._borrow() as ptr:
            LIB.cpindex_distribution_sorted_values(ptr, None, 0, byref(n))  # size query
            arr, buf = doubles_out(n.value)
            LIB.cpindex_distribution_sorted_values(ptr, buf, n.value, byref(n))
        return arr

    def __repr__(self) -> str:
        if self.closed:
            return "<cpindex.Distribution (closed)>"
        return f"<cpindex.Distribution n={len(self)}>"
