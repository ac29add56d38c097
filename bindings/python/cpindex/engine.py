"""The composite-index engine: screening, imputation, treatment, normalisation, weighting
and aggregation over a framework's hierarchy (``cpindex_index_run``; spec: docs/spec.md).

>>> result = cpindex.run_index(framework, panel, {"normalise": ...})   # doctest: +SKIP
>>> result.scores(framework.id, 2021)                                   # doctest: +SKIP
"""

from __future__ import annotations

import enum
from array import array
from ctypes import byref, c_size_t
from typing import Any, Mapping, Optional, Tuple, Union

from ._managed import Managed, borrow_all
from ._native import INDEX_P, LIB, read_ids, read_text
from ._results import json_result, read_doubles, spec_bytes
from .framework import Framework
from .panel import Panel
from .run import Result

__all__ = ["run_index", "IndexResult", "WeightKind"]


class WeightKind(enum.IntEnum):
    """Which weights :meth:`IndexResult.weights` reads (``cpindex_weight_kind``)."""

    RAW = 0
    NORMALISED = 1
    EFFECTIVE = 2


_LIST_UNIT, _LIST_INDICATOR, _LIST_NODE = 0, 1, 2


def run_index(
    framework: Framework, panel: Panel, spec: Union[None, str, bytes, Mapping[str, Any]] = None
) -> "IndexResult":
    """Computes the composite index of ``panel`` under ``framework`` with ``spec`` (a dict,
    JSON text, or ``None`` for the defaults). Errors name the spec field or the data cell."""
    fn = LIB.require("cpindex_index_run")
    raw = spec_bytes(spec)
    out = INDEX_P()
    with borrow_all(shared=[framework, panel]):  # in one global order: no ABBA deadlock
        fn(framework._check(), panel._check(), raw, len(raw) if raw else 0, byref(out))
    return IndexResult(out)


class IndexResult(Managed):
    """The result of :func:`run_index` (``cpindex_index_result *``), immutable and shareable
    between threads. Columns come back as ``array('d')`` with one value per unit (in
    :attr:`units` order); :meth:`to_dict` gives everything as plain Python data."""

    _kind = "index result"

    def __init__(self, _ptr: Any) -> None:
        """Internal: use :func:`run_index`."""
        self._adopt(_ptr, LIB.cpindex_index_result_free)
        dims = [c_size_t() for _ in range(4)]
        with self._borrow() as r:
            LIB.cpindex_index_result_dims(r, *[byref(d) for d in dims])
        self._dims = tuple(d.value for d in dims)
        # ids and periods are read on first use (reading a column needs none of them)
        self._ids: dict = {}
        self._periods_cache: Optional[Tuple[int, ...]] = None

    def _id_list(self, code: int) -> Tuple[str, ...]:
        got = self._ids.get(code)
        if got is None:
            n = self._dims[(0, 2, 3)[code]]
            with self._borrow() as r:
                # every id of the list in one call (not one call per id)
                got = read_ids("cpindex_index_result_ids", code, r, n, LIB.cpindex_index_result_id, r, code)
            self._ids[code] = got
        return got

    @property
    def units(self) -> Tuple[str, ...]:
        """Unit ids, in the order of every column."""
        return self._id_list(_LIST_UNIT)

    @property
    def periods(self) -> Tuple[int, ...]:
        """Periods computed."""
        return self._periods

    @property
    def _periods(self) -> Tuple[int, ...]:
        if self._periods_cache is None:
            from ctypes import c_int32

            n = c_size_t()
            with self._borrow() as r:
                per = (c_int32 * max(self._dims[1], 1))()
                LIB.cpindex_index_result_periods(r, per, self._dims[1], byref(n))
            self._periods_cache = tuple(per[k] for k in range(n.value))
        return self._periods_cache

    @property
    def _units(self) -> Tuple[str, ...]:
        return self._id_list(_LIST_UNIT)

    @property
    def _nodes(self) -> Tuple[str, ...]:
        return self._id_list(_LIST_NODE)

    @property
    def indicators(self) -> Tuple[str, ...]:
        """Indicators used."""
        return self._id_list(_LIST_INDICATOR)

    @property
    def nodes(self) -> Tuple[str, ...]:
        """Nodes of the aggregation tree: the index (the framework id), then the dimensions
        breadth-first."""
        return self._id_list(_LIST_NODE)

    def _column(self, fn_name: str, id: str, period: int) -> array:
        b = id.encode("utf-8")
        with self._borrow() as r:
            # one call: the column has one value per unit, so no size query is needed
            return read_doubles(getattr(LIB, fn_name), r, b, len(b), int(period), size_hint=self._dims[0])

    def scores(self, node: str, period: int) -> array:
        """Scores of a node (the index or a dimension; an indicator gives its normalised
        value) in ``period``, one per unit; NaN where not defined."""
        return self._column("cpindex_index_result_scores", node, period)

    def ranks(self, node: str, period: int) -> array:
        """Ranks of a node in ``period`` (1 = best), one per unit."""
        return self._column("cpindex_index_result_ranks", node, period)

    def normalised(self, indicator: str, period: int) -> array:
        """Normalised values of an indicator in ``period``, one per unit."""
        return self._column("cpindex_index_result_normalised", indicator, period)

    def contributions(self, node: str, period: int) -> array:
        """Contributions to a node's score in ``period``."""
        return self._column("cpindex_index_result_contributions", node, period)

    def obstacles(self, node: str, period: int) -> array:
        """Obstacle degrees (障碍度) of an indicator, or of a dimension (the sum over its
        indicators), in ``period``; shares, or percent with the spec's
        ``outputs.obstacle_scale = "percent"``."""
        return self._column("cpindex_index_result_obstacles", node, period)

    def weights(self, node: str, period: int, kind: Union[WeightKind, int] = WeightKind.NORMALISED) -> array:
        """Weights of the children of ``node`` in ``period`` (see :meth:`children`)."""
        b = node.encode("utf-8")
        with self._borrow() as r:
            return read_doubles(LIB.cpindex_index_result_weights, r, b, len(b), int(period), int(kind))

    def children(self, node: str, period: Optional[int] = None) -> Tuple[str, ...]:
        """Ids of the children of ``node`` (indicators or dimensions), in weight order."""
        per = self._periods[0] if period is None else period
        n = len(self.weights(node, per, WeightKind.RAW))
        b = node.encode("utf-8")
        with self._borrow() as r:
            return tuple(read_text(LIB.cpindex_index_result_child_id, r, b, len(b), k) for k in range(n))

    def to_json(self) -> str:
        """The whole result as JSON text."""
        with self._borrow() as r:
            return read_text(LIB.cpindex_index_result_to_json, r, initial=1 << 16)

    def to_dict(self) -> Result:
        """The whole result as plain Python data (a dict with ``to_pandas(key)``)."""
        with self._borrow() as r:
            return json_result(LIB.cpindex_index_result_to_json, r)

    def __repr__(self) -> str:
        if self.closed:
            return "<cpindex.IndexResult (closed)>"
        return f"<cpindex.IndexResult units={len(self._units)} periods={list(self._periods)} nodes={len(self._nodes)}>"
