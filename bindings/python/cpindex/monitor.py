"""Plan monitoring: target achievement (实现度), schedule and trend status, dashboards and
the dynamic index (``cpindex_monitor_run``; docs/monitoring.md)."""

from __future__ import annotations

import enum
from ctypes import byref, c_double, c_int32, c_size_t, c_uint32
from array import array
from typing import Any, List, Mapping, Optional, Tuple, Union

from ._managed import Managed, borrow_all
from ._native import LIB, MONITOR_P, read_ids, read_text
from ._results import json_result, read_doubles, spec_bytes
from .framework import Framework
from .panel import Panel
from .run import Result

__all__ = [
    "run_monitor",
    "MonitorResult",
    "AchievementField",
    "ScheduleStatus",
    "TrendClass",
    "Colour",
    "StatusKind",
    "DynamicSeries",
]


class AchievementField(enum.IntEnum):
    """Numbers of an achievement record (``cpindex_achievement_field``)."""

    CAPPED = 0
    UNCAPPED = 1
    PROGRESS = 2
    SCORE = 3
    OBSERVED = 4
    TARGET = 5
    BASELINE = 6
    ELAPSED_SHARE = 7


class ScheduleStatus(enum.IntEnum):
    """``cpindex_schedule_status``."""

    ACHIEVED = 0
    AHEAD = 1
    ON_SCHEDULE = 2
    LAGGING = 3
    NOT_ASSESSABLE = 4


class TrendClass(enum.IntEnum):
    """``cpindex_trend_class`` (SDSN-style trend arrows)."""

    TARGET_ACHIEVED = 0
    ON_TRACK = 1
    ACCELERATION_NEEDED = 2
    LIMITED_PROGRESS = 3
    DETERIORATION = 4
    NOT_ACHIEVED = 5
    UNABLE_TO_ASSESS = 6


class Colour(enum.IntEnum):
    """Dashboard colours (``cpindex_colour``)."""

    RED = 0
    ORANGE = 1
    YELLOW = 2
    GREEN = 3
    GREY = 4


class StatusKind(enum.IntEnum):
    """``cpindex_status_kind``."""

    SCHEDULE = 0
    TREND = 1
    COLOUR = 2


class DynamicSeries(enum.IntEnum):
    """``cpindex_dynamic_series``."""

    FIXED_BASE = 0
    CHAINED = 1
    COMPOSITE = 2


def run_monitor(
    framework: Framework,
    panel: Panel,
    spec: Union[None, str, bytes, Mapping[str, Any]] = None,
    *,
    threads: int = 1,
) -> "MonitorResult":
    """Monitors ``panel`` against the plan targets of ``framework`` with ``spec`` (a dict,
    JSON text, or ``None`` for the defaults) on ``threads`` threads (1: this thread only;
    0: the machine's; the result does not depend on it: ``cpindex_monitor_run_threads``).
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0:
        raise ValueError(f"threads must be a non-negative int, got {threads!r}")
    raw = spec_bytes(spec)
    out = MONITOR_P()
    with borrow_all(shared=[framework, panel]):  # in one global order: no ABBA deadlock
        f, p = framework._check(), panel._check()
        if threads == 1:
            LIB.require("cpindex_monitor_run")(f, p, raw, len(raw) if raw else 0, byref(out))
        else:
            fn = LIB.require("cpindex_monitor_run_threads")
            fn(f, p, raw, len(raw) if raw else 0, threads, byref(out))
    return MonitorResult(out)


def _b(s: Optional[str]) -> bytes:
    return b"" if s is None else s.encode("utf-8")


class MonitorResult(Managed):
    """The result of :func:`run_monitor` (``cpindex_monitor_result *``), immutable and
    shareable between threads; :meth:`to_dict` gives everything as plain Python data."""

    _kind = "monitor result"

    def __init__(self, _ptr: Any) -> None:
        """Internal: use :func:`run_monitor`."""
        self._adopt(_ptr, LIB.cpindex_monitor_result_free)
        b, t, y, n = c_int32(), c_int32(), c_int32(), c_size_t()
        with self._borrow() as r:
            LIB.cpindex_monitor_result_dims(r, byref(b), byref(t), byref(y), byref(n))
            # every id in one call (cpindex_monitor_result_ids), not one call per unit
            self._units = read_ids(
                "cpindex_monitor_result_ids", 0, r, n.value, LIB.cpindex_monitor_result_unit_id, r
            )
        self.base_year: int = b.value
        self.target_year: int = t.value
        self.year: int = y.value  #: the evaluation year (schedule, trend, dashboard)

    @property
    def units(self) -> Tuple[str, ...]:
        """Unit ids monitored."""
        return self._units

    def achievement(
        self,
        unit: str,
        indicator: str,
        year: Optional[int] = None,
        field: Union[AchievementField, int] = AchievementField.CAPPED,
    ) -> float:
        """One number of the achievement record of (unit, indicator, year) — by default the
        capped achievement (实现度) in the evaluation year; NaN when absent."""
        u, i = _b(unit), _b(indicator)
        out = c_double()
        with self._borrow() as r:
            LIB.cpindex_monitor_result_achievement(
                r, u, len(u), i, len(i), self.year if year is None else int(year), int(field), byref(out)
            )
        return out.value

    def achievements(
        self,
        indicator: str,
        year: Optional[int] = None,
        field: Union[AchievementField, int] = AchievementField.CAPPED,
    ) -> array:
        """:meth:`achievement` of one indicator for every unit (in :attr:`units` order) as an
        ``array('d')``; NaN where a unit has no record."""
        i = _b(indicator)
        with self._borrow() as r:
            return read_doubles(
                LIB.require("cpindex_monitor_result_achievements"),
                r,
                i,
                len(i),
                self.year if year is None else int(year),
                int(field),
            )

    def unit_achievements(self, dimension: Optional[str] = None, year: Optional[int] = None) -> array:
        """:meth:`unit_achievement` for every unit (in :attr:`units` order)."""
        d = _b(dimension)
        with self._borrow() as r:
            return read_doubles(
                LIB.require("cpindex_monitor_result_unit_achievements"),
                r,
                d or None,
                len(d),
                self.year if year is None else int(year),
            )

    def unit_achievement(self, unit: str, dimension: Optional[str] = None, year: Optional[int] = None) -> float:
        """Aggregated achievement of a unit for the whole plan (``dimension=None``) or one
        dimension; NaN when too little is observed."""
        u, d = _b(unit), _b(dimension)
        out = c_double()
        with self._borrow() as r:
            LIB.cpindex_monitor_result_unit_achievement(
                r, u, len(u), d or None, len(d), self.year if year is None else int(year), byref(out)
            )
        return out.value

    def status(self, unit: str, id: str, kind: Union[StatusKind, int] = StatusKind.SCHEDULE) -> enum.IntEnum:
        """The schedule status, trend class or dashboard colour of ``id`` for ``unit`` in
        the evaluation year."""
        u, i = _b(unit), _b(id)
        out = c_uint32()
        with self._borrow() as r:
            LIB.cpindex_monitor_result_status(r, u, len(u), i, len(i), int(kind), byref(out))
        cls = {StatusKind.SCHEDULE: ScheduleStatus, StatusKind.TREND: TrendClass, StatusKind.COLOUR: Colour}
        return cls[StatusKind(int(kind))](out.value)

    def dynamic(self, unit: str, series: Union[DynamicSeries, int] = DynamicSeries.FIXED_BASE) -> List[Tuple[int, float]]:
        """The dynamic monitoring index of ``unit``: ``(year, value)`` from the base year."""
        u = _b(unit)
        n = c_size_t()
        with self._borrow() as r:
            LIB.cpindex_monitor_result_dynamic(r, u, len(u), int(series), None, None, 0, byref(n))
            years = (c_int32 * max(n.value, 1))()
            values = (c_double * max(n.value, 1))()
            LIB.cpindex_monitor_result_dynamic(r, u, len(u), int(series), years, values, n.value, byref(n))
        return [(years[k], values[k]) for k in range(n.value)]

    def to_json(self) -> str:
        """The whole result as JSON text."""
        with self._borrow() as r:
            return read_text(LIB.cpindex_monitor_result_to_json, r, initial=1 << 16)

    def to_dict(self) -> Result:
        """The whole result as plain Python data (a dict with ``to_pandas(key)``)."""
        with self._borrow() as r:
            return json_result(LIB.cpindex_monitor_result_to_json, r)

    def __repr__(self) -> str:
        if self.closed:
            return "<cpindex.MonitorResult (closed)>"
        return f"<cpindex.MonitorResult units={len(self._units)} year={self.year}>"
