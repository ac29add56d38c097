"""Mergeable summaries and two-pass rank measures: the building blocks of distributed
distribution measures (``cpindex.spark`` runs them on Apache Spark; any engine that can
run Python over partitions can use them the same way).

* :class:`Summary` — moment measures (mean, GE(α), Theil T, MLD, Atkinson, CV): build one
  per chunk, ``merge`` them in any order (exact sums: the same bits whatever the split),
  ship them as ``bytes`` (versioned, little-endian, CRC-32 checked);
* :class:`RankPartition` / :class:`RankPlan` / :func:`answer_probes` — rank measures
  (Gini, quantiles, Lorenz ordinates, Palma, S80/S20, band shares) over range-partitioned
  data in two passes without moving a record.

The design and the exactness guarantees: ``docs/distribution.md``, "Beyond one machine".
"""

from __future__ import annotations

import ctypes
import enum
from ctypes import byref, c_double, c_size_t, c_uint32, c_uint64
from typing import Any, Iterable, List, Optional, Sequence, Tuple

from ._buffers import doubles_in
from ._errors import InvalidArgument, LengthMismatch
from ._managed import Managed, borrow_all
from ._native import (
    LIB,
    RANK_PART_P,
    RANK_PLAN_P,
    SUMMARY_P,
    U8_P,
    CProbe,
    CRankQuery,
)

__all__ = [
    "Summary",
    "RankPartition",
    "RankPlan",
    "RankQuery",
    "MomentMeasure",
    "answer_probes",
    "gini_decomposition",
    "PROBE_ANSWER_LEN",
]

#: Doubles per probe answer (``CPINDEX_PROBE_ANSWER_LEN``).
PROBE_ANSWER_LEN = 5


class MomentMeasure(enum.IntEnum):
    """``cpindex_moment_measure`` codes."""

    MEAN = 0
    TOTAL_WEIGHT = 1
    TOTAL = 2
    THEIL_T = 3
    MEAN_LOG_DEVIATION = 4
    GENERALIZED_ENTROPY = 5
    ATKINSON = 6
    COEFFICIENT_OF_VARIATION = 7
    MIN = 8
    MAX = 9


class RankQuery(enum.IntEnum):
    """``cpindex_rank_query_kind`` codes."""

    QUANTILE_TYPE2 = 0
    QUANTILE_TYPE1 = 1
    QUANTILE_TYPE7 = 2
    LORENZ = 3
    INCOME_SHARE = 4
    PALMA = 5
    S80S20 = 6
    BAND_SHARE = 7
    SHARE_BELOW = 8
    GINI = 9
    GINI_CORRECTED = 10
    MEAN = 11
    TOTAL_WEIGHT = 12
    TOTAL = 13
    MIN = 14
    MAX = 15
    MAX_MIN_RATIO = 16
    HOOVER = 17
    QUINTILE_SHARE_RATIO_EUROSTAT = 18
    AT_RISK_OF_POVERTY_THRESHOLD = 19
    AT_RISK_OF_POVERTY_RATE = 20


def _records(values: Any, weights: Any) -> Tuple[Any, Any]:
    v = doubles_in(values, "values")
    w = doubles_in(weights, "weights") if weights is not None else None
    if w is not None and w.n != v.n:
        raise LengthMismatch(f"`weights` has {w.n} elements, `values` has {v.n}", 103)
    return v, w


def _bytes_of(fn: Any, ptr: Any) -> bytes:
    n = c_size_t(0)
    fn(ptr, None, 0, byref(n))
    buf = (ctypes.c_uint8 * n.value)()
    fn(ptr, buf, n.value, byref(n))
    return bytes(buf)


def _u8(data: bytes) -> Tuple[Any, int]:
    b = bytes(data)
    buf = (ctypes.c_uint8 * len(b)).from_buffer_copy(b) if b else None
    return buf, len(b)


def _label(lab: Any, i: int) -> int:
    """A group label for C (``uint32_t``): an integer in [0, 2**32), never wrapped."""
    if isinstance(lab, float) and lab.is_integer():
        v = int(lab)
    elif isinstance(lab, bool) or not hasattr(lab, "__index__"):
        raise TypeError(f"groups[{i}]: the label must be an integer, not {type(lab).__name__} {lab!r}")
    else:
        v = int(lab)
    if not 0 <= v < 2**32:
        raise InvalidArgument(f"groups[{i}]: the label {v} is outside [0, 2**32) (a uint32_t)", 2)
    return v


class Summary(Managed):
    """Mergeable moment summary of weighted records (``cpindex_summary``)."""

    __slots__ = ()
    _kind = "summary"

    def __init__(
        self,
        values: Any = (),
        weights: Any = None,
        alphas: Sequence[float] = (),
        skip_missing: bool = False,
    ) -> None:
        v, w = _records(values, weights)
        a = doubles_in(list(alphas), "alphas")
        out = SUMMARY_P()
        LIB.require("cpindex_summary_new")(
            v.ptr, w.ptr if w is not None else None, v.n, a.ptr, a.n, int(skip_missing), byref(out)
        )
        self._adopt(out, LIB.cpindex_summary_free)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Summary":
        """Reads :meth:`to_bytes` output; a corrupt or foreign buffer raises InvalidArgument."""
        buf, n = _u8(data)
        out = SUMMARY_P()
        LIB.require("cpindex_summary_from_bytes")(buf, n, byref(out))
        obj = cls.__new__(cls)
        obj._adopt(out, LIB.cpindex_summary_free)
        return obj

    def to_bytes(self) -> bytes:
        """The summary as bytes (the same on every platform)."""
        with self._borrow() as p:
            return _bytes_of(LIB.cpindex_summary_to_bytes, p)

    def __reduce__(self) -> Any:
        return (Summary.from_bytes, (self.to_bytes(),))

    def merge(self, other: "Summary") -> "Summary":
        """Adds ``other``'s records (exactly); returns ``self``.

        ``other`` must be another summary (merging one into itself would count its records
        twice: :class:`~cpindex.InvalidArgument`, as ``cpindex_summary_merge`` says). Merges
        running at the same time in other threads, also ``a.merge(b)`` against
        ``b.merge(a)``, wait for each other instead of deadlocking."""
        if other is self:
            raise InvalidArgument(
                "Summary.merge: a summary cannot be merged into itself (its records would be "
                "counted twice); to double it, merge a copy: s.merge(Summary.from_bytes(s.to_bytes()))",
                2,
                "cpindex_summary_merge",
            )
        if not isinstance(other, Summary):
            raise TypeError(f"Summary.merge: `other` must be a Summary, not {type(other).__name__}")
        with borrow_all(shared=[other], exclusive=[self]):
            LIB.cpindex_summary_merge(self._check(), other._check())
        return self

    def measure(self, code: int, parameter: float = 0.0) -> float:
        """A :class:`MomentMeasure` of the summarised records."""
        out = c_double()
        with self._borrow() as p:
            LIB.cpindex_summary_measure(p, int(code), float(parameter), byref(out))
        return out.value

    def counts(self) -> Tuple[int, int, int]:
        """(kept, missing dropped, zero-weight dropped)."""
        a, b, c = c_uint64(), c_uint64(), c_uint64()
        with self._borrow() as p:
            LIB.cpindex_summary_counts(p, byref(a), byref(b), byref(c))
        return a.value, b.value, c.value

    def mean(self) -> float:
        return self.measure(MomentMeasure.MEAN)

    def theil_t(self) -> float:
        return self.measure(MomentMeasure.THEIL_T)

    def mean_log_deviation(self) -> float:
        return self.measure(MomentMeasure.MEAN_LOG_DEVIATION)

    def generalized_entropy(self, alpha: float) -> float:
        return self.measure(MomentMeasure.GENERALIZED_ENTROPY, alpha)

    def atkinson(self, epsilon: float) -> float:
        return self.measure(MomentMeasure.ATKINSON, epsilon)

    def coefficient_of_variation(self) -> float:
        return self.measure(MomentMeasure.COEFFICIENT_OF_VARIATION)


def ge_decomposition(groups: Sequence[Tuple[int, Summary]], alpha: float) -> Tuple[float, float, float]:
    """(total, within, between) of GE(α) from one merged summary per integer label."""
    groups = list(groups)
    n = len(groups)
    ptrs = (SUMMARY_P * n)()
    labels = (c_uint32 * n)()
    fn = LIB.require("cpindex_summary_ge_decomposition")
    t, w, b = c_double(), c_double(), c_double()
    # every summary stays borrowed for the whole call: a close() in another thread waits
    with borrow_all(shared=[s for _, s in groups]):
        for i, (lab, s) in enumerate(groups):
            ptrs[i] = s._check()
            labels[i] = _label(lab, i)
        fn(ptrs, labels, n, float(alpha), byref(t), byref(w), byref(b))
    return t.value, w.value, b.value


class RankPartition(Managed):
    """Pass-1 summary of one range partition (``cpindex_rank_partition``)."""

    __slots__ = ()
    _kind = "rank partition"

    def __init__(self, values: Any = (), weights: Any = None, skip_missing: bool = False) -> None:
        v, w = _records(values, weights)
        out = RANK_PART_P()
        LIB.require("cpindex_rank_partition_new")(
            v.ptr, w.ptr if w is not None else None, v.n, int(skip_missing), byref(out)
        )
        self._adopt(out, LIB.cpindex_rank_partition_free)

    @classmethod
    def from_bytes(cls, data: bytes) -> "RankPartition":
        buf, n = _u8(data)
        out = RANK_PART_P()
        LIB.require("cpindex_rank_partition_from_bytes")(buf, n, byref(out))
        obj = cls.__new__(cls)
        obj._adopt(out, LIB.cpindex_rank_partition_free)
        return obj

    def to_bytes(self) -> bytes:
        with self._borrow() as p:
            return _bytes_of(LIB.cpindex_rank_partition_to_bytes, p)

    def __reduce__(self) -> Any:
        return (RankPartition.from_bytes, (self.to_bytes(),))


Probe = Tuple[int, int, float, float, float]  # partition, kind, arg, offset_w, offset_wx


def _c_queries(queries: Sequence[Tuple[int, float, float]]) -> Any:
    arr = (CRankQuery * len(queries))()
    for i, q in enumerate(queries):
        kind, a, b = (tuple(q) + (0.0, 0.0))[:3]
        arr[i].kind, arr[i].a, arr[i].b = int(kind), float(a), float(b)
    return arr


def _flat_answers(answers: Sequence[Sequence[float]]) -> Any:
    flat = (c_double * (PROBE_ANSWER_LEN * len(answers)))()
    for i, a in enumerate(answers):
        for k in range(PROBE_ANSWER_LEN):
            flat[i * PROBE_ANSWER_LEN + k] = float(a[k])
    return flat


class RankPlan(Managed):
    """The driver's plan from the pass-1 partitions in range order (``cpindex_rank_plan``).

    ``queries`` are ``(RankQuery, a, b)`` tuples (unused arguments may be left out)."""

    __slots__ = ()
    _kind = "rank plan"

    def __init__(self, parts: Sequence[RankPartition]) -> None:
        parts = list(parts)
        n = len(parts)
        arr = (RANK_PART_P * n)()
        out = RANK_PLAN_P()
        fn = LIB.require("cpindex_rank_plan_new")
        with borrow_all(shared=parts):  # a close() in another thread waits for the call
            for i, p in enumerate(parts):
                arr[i] = p._check()
            fn(arr, n, byref(out))
        self._adopt(out, LIB.cpindex_rank_plan_free)

    def probes(self, queries: Sequence[Tuple[int, float, float]]) -> List[Probe]:
        """Pass-2 probes (first round): ``(partition, kind, arg, offset_w, offset_wx)`` tuples."""
        return self.next_probes(queries, [])

    def next_probes(self, queries: Sequence[Tuple[int, float, float]], answers: Sequence[Sequence[float]]) -> List[Probe]:
        """The next round of probes given the answers to every earlier round (concatenated in
        probe order); ``[]`` when :meth:`finish` can finish. The at-risk-of-poverty rate and
        the Eurostat quintile share ratio need two rounds, the other queries one or none."""
        q = _c_queries(queries)
        flat = _flat_answers(answers)
        n = c_size_t(0)
        with self._borrow() as p:
            fn = LIB.require("cpindex_rank_plan_next_probes")
            fn(p, q, len(queries), flat, len(answers), None, 0, byref(n))
            buf = (CProbe * n.value)()
            fn(p, q, len(queries), flat, len(answers), buf, n.value, byref(n))
        return [(b.partition, b.kind, b.arg, b.offset_w, b.offset_wx) for b in buf]

    def finish(self, queries: Sequence[Tuple[int, float, float]], answers: Sequence[Sequence[float]]) -> List[float]:
        """The queries' values from the answers to every round of :meth:`next_probes` (in
        probe order)."""
        q = _c_queries(queries)
        flat = _flat_answers(answers)
        out = (c_double * len(queries))()
        with self._borrow() as p:
            LIB.cpindex_rank_plan_finish(p, q, len(queries), flat, len(answers), out)
        return list(out)


def gini_decomposition(total: RankPlan, groups: Sequence[Tuple[int, RankPlan]]) -> Tuple[float, float, float, float]:
    """Dagum's Gini decomposition ``(total, within, between_net, transvariation)`` from the
    plan of all records ranked by value and one plan per integer group label."""
    groups = list(groups)
    n = len(groups)
    ptrs = (RANK_PLAN_P * n)()
    labels = (c_uint32 * n)()
    out = [c_double() for _ in range(4)]
    fn = LIB.require("cpindex_rank_plan_gini_decomposition")
    # the total and every group plan stay borrowed for the whole call
    with borrow_all(shared=[total] + [p for _, p in groups]):
        for i, (lab, p) in enumerate(groups):
            ptrs[i] = p._check()
            labels[i] = _label(lab, i)
        fn(total._check(), ptrs, labels, n, *[byref(o) for o in out])
    return tuple(o.value for o in out)  # type: ignore[return-value]


def answer_probes(values: Any, weights: Any, probes: Sequence[Probe], skip_missing: bool = False) -> List[Tuple[float, ...]]:
    """Pass 2 inside one partition: the answers (5 doubles each) to its probes."""
    v, w = _records(values, weights)
    n = len(probes)
    arr = (CProbe * n)()
    for i, (part, kind, arg, ow, owx) in enumerate(probes):
        arr[i].partition, arr[i].kind, arr[i].arg = int(part), int(kind), float(arg)
        arr[i].offset_w, arr[i].offset_wx = float(ow), float(owx)
    out = (c_double * (PROBE_ANSWER_LEN * n))()
    LIB.require("cpindex_rank_answer_probes")(
        v.ptr, w.ptr if w is not None else None, v.n, int(skip_missing), arr, n, out
    )
    return [tuple(out[i * PROBE_ANSWER_LEN : (i + 1) * PROBE_ANSWER_LEN]) for i in range(n)]
