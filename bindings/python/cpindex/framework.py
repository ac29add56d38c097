"""Indicator frameworks: a plan's dimensions and indicators, immutable.

>>> fw = Framework.builtin("quzhou-2021-2025")
>>> fw.indicator("gdp").target
2500.0
"""

from __future__ import annotations

import enum
import json
import math
import os
from ctypes import byref, c_double, c_int32, c_size_t, c_uint32
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from ._managed import Managed
from ._native import LIB, CInterval, FRAMEWORK_P, read_text

__all__ = ["Framework", "Dimension", "Indicator", "InterimTarget", "Unit", "Interval", "Polarity", "Kind"]


class Polarity(enum.IntEnum):
    """Direction of an indicator (``enum cpindex_polarity``)."""

    HIGHER_IS_BETTER = 0
    LOWER_IS_BETTER = 1
    INTERVAL = 2
    BINARY = 3


class Kind(enum.IntEnum):
    """What the target measures (``enum cpindex_kind``)."""

    LEVEL = 0
    CUMULATIVE = 1
    ANNUAL = 2
    GROWTH_RATE = 3
    SHARE = 4
    COUNT = 5
    COVERAGE = 6


# field codes (include/cpindex.h)
_FW_ID, _FW_TITLE_ZH, _FW_TITLE_EN, _FW_SOURCE = 0, 1, 2, 3
_DIM_ID, _DIM_PARENT, _DIM_NAME_ZH, _DIM_NAME_EN = 0, 1, 2, 3
(
    _IND_ID,
    _IND_DIMENSION,
    _IND_NAME_ZH,
    _IND_NAME_EN,
    _IND_UNIT_LABEL,
    _IND_UNIT_BASE,
    _IND_SECTION,
    _IND_PHRASE,
    _IND_RELATIVE_TARGET,
) = range(9)
(
    _NUM_TARGET,
    _NUM_STRETCH,
    _NUM_BASELINE,
    _NUM_WEIGHT,
    _NUM_UNIT_SCALE,
    _NUM_TARGET_YEAR,
    _NUM_EFFECTIVE_WEIGHT,
) = range(7)
HAS_TARGET = 1
HAS_STRETCH_TARGET = 2
HAS_BASELINE = 4
HAS_TARGET_YEAR = 8
HAS_RELATIVE_TARGET = 16
ASPIRATIONAL = 32
HAS_INTERIM_TARGETS = 64


@dataclass(frozen=True)
class Unit:
    """The unit an indicator is stated in: ``label`` as the plan writes it (亿元, %),
    ``scale`` from that unit to ``base`` (e.g. 1e8 from 亿元 to yuan)."""

    label: str
    scale: float
    base: str


@dataclass(frozen=True)
class Interval:
    """The band of an interval polarity (适度指标): full score in ``[lower, upper]``,
    zero at or beyond the tolerances."""

    lower: float
    upper: float
    tolerance_lower: float
    tolerance_upper: float


@dataclass(frozen=True)
class InterimTarget:
    """A milestone before the target year (e.g. the value planned for 2022)."""

    year: int
    value: float


@dataclass(frozen=True)
class Dimension:
    """A dimension (领域) of the framework; ``parent`` is ``None`` at the top level."""

    index: int
    id: str
    parent: Optional[str]
    name_zh: str
    name_en: str
    weight: float


@dataclass(frozen=True)
class Indicator:
    """An indicator with its plan target and metadata. Absent numbers are ``None``."""

    index: int
    id: str
    dimension: str
    name_zh: str
    name_en: str
    unit: Unit
    polarity: Polarity
    interval: Optional[Interval]
    kind: Kind
    target: Optional[float]
    stretch_target: Optional[float]
    baseline: Optional[float]
    target_year: int
    weight: float
    effective_weight: float
    section: str
    phrase: str
    relative_target: Optional[str]
    aspirational: bool
    has_interim_targets: bool
    flags: int
    interim_targets: Tuple[InterimTarget, ...] = ()


def _utf8(text: Union[str, bytes], what: str) -> bytes:
    if isinstance(text, bytes):
        return text
    if isinstance(text, str):
        return text.encode("utf-8")
    raise TypeError(f"{what} must be str or bytes, not {type(text).__name__}")


class Framework(Managed):
    """An indicator framework owned by the library (``cpindex_framework *``).

    Create with :meth:`builtin`, :meth:`from_json` or :meth:`from_file`. The object is
    immutable and may be shared between threads. Free it early with :meth:`close` or a
    ``with`` block; otherwise it is freed when garbage-collected.
    """

    _kind = "framework"

    def __init__(self, _ptr: Any) -> None:
        """Internal: use :meth:`builtin`, :meth:`from_json` or :meth:`from_file`."""
        self._adopt(_ptr, LIB.cpindex_framework_free)
        self._dims: Optional[Tuple[Dimension, ...]] = None
        self._inds: Optional[Tuple[Indicator, ...]] = None

    # ---------------------------------------------------------------- constructors
    @classmethod
    def builtin(cls, name: Union[str, bytes] = "quzhou-2021-2025") -> "Framework":
        """A built-in framework by id, e.g. ``"quzhou-2021-2025"``.

        Raises :class:`~cpindex.UnknownId` (the message lists the known names)."""
        raw = _utf8(name, "name")
        out = FRAMEWORK_P()
        LIB.cpindex_framework_builtin(raw, len(raw), byref(out))
        return cls(out)

    @classmethod
    def from_json(cls, text: Union[str, bytes, Mapping[str, Any]]) -> "Framework":
        """Parses and validates a framework from JSON text (or a dict of the same shape).

        Raises :class:`~cpindex.JsonError` (with line and column) or
        :class:`~cpindex.InvalidFramework` (naming the field)."""
        if isinstance(text, Mapping):
            text = json.dumps(text, ensure_ascii=False)
        raw = _utf8(text, "text")
        out = FRAMEWORK_P()
        LIB.cpindex_framework_from_json(raw, len(raw), byref(out))
        return cls(out)

    @classmethod
    def from_file(cls, path: Union[str, "os.PathLike[str]"]) -> "Framework":
        """Reads a framework JSON file."""
        with open(path, "rb") as f:
            return cls.from_json(f.read())

    def clone(self) -> "Framework":
        """A new, independently closable reference to the same framework (cheap)."""
        out = FRAMEWORK_P()
        with self._borrow() as p:
            LIB.cpindex_framework_clone(p, byref(out))
        return Framework(out)

    # ---------------------------------------------------------------- serialisation
    def to_json(self) -> str:
        """The framework as pretty-printed JSON (readable by :meth:`from_json`)."""
        with self._borrow() as p:
            return read_text(LIB.cpindex_framework_to_json, p, initial=1 << 16)

    def to_dict(self) -> Dict[str, Any]:
        """The framework as plain Python data (``json.loads(self.to_json())``)."""
        return json.loads(self.to_json())

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes :meth:`to_json` to a file (UTF-8)."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json())

    def describe(self) -> Dict[str, Any]:
        """The ``describe`` action of :func:`cpindex.run_json` on this framework: a summary,
        effective weights by indicator id, and the framework itself."""
        from .run import run_json

        return run_json({"action": "describe", "framework": self.to_dict()})

    # ---------------------------------------------------------------- scalar fields
    def _text(self, field: int) -> str:
        with self._borrow() as p:
            return read_text(LIB.cpindex_framework_text, p, field)

    @property
    def id(self) -> str:
        """The framework id, e.g. ``"quzhou-2021-2025"``."""
        return self._text(_FW_ID)

    @property
    def title_zh(self) -> str:
        """The title in Chinese."""
        return self._text(_FW_TITLE_ZH)

    @property
    def title_en(self) -> str:
        """The title in English."""
        return self._text(_FW_TITLE_EN)

    @property
    def source(self) -> str:
        """Where the framework comes from."""
        return self._text(_FW_SOURCE)

    @property
    def years(self) -> Tuple[int, int]:
        """``(base_year, target_year)``."""
        b, t = c_int32(), c_int32()
        with self._borrow() as p:
            LIB.cpindex_framework_years(p, byref(b), byref(t))
        return b.value, t.value

    @property
    def base_year(self) -> int:
        """The base year of the plan (e.g. 2020)."""
        return self.years[0]

    @property
    def target_year(self) -> int:
        """The target year of the plan (e.g. 2025)."""
        return self.years[1]

    # ---------------------------------------------------------------- collections
    @property
    def dimensions(self) -> Tuple[Dimension, ...]:
        """All dimensions (every level) in display order."""
        if self._dims is None:
            self._dims = self._read_dimensions()
        return self._dims

    @property
    def indicators(self) -> Tuple[Indicator, ...]:
        """All indicators in display order."""
        if self._inds is None:
            self._inds = self._read_indicators()
        return self._inds

    def dimension(self, id: str) -> Dimension:
        """The dimension with this id; :class:`~cpindex.UnknownId` otherwise."""
        raw = _utf8(id, "id")
        out = c_size_t()
        with self._borrow() as p:
            LIB.cpindex_framework_dimension_index(p, raw, len(raw), byref(out))
        return self.dimensions[out.value]

    def indicator(self, id: str) -> Indicator:
        """The indicator with this id; :class:`~cpindex.UnknownId` otherwise."""
        raw = _utf8(id, "id")
        out = c_size_t()
        with self._borrow() as p:
            LIB.cpindex_framework_indicator_index(p, raw, len(raw), byref(out))
        return self.indicators[out.value]

    def indicators_in(self, dimension: str) -> Tuple[Indicator, ...]:
        """The indicators directly in dimension ``dimension`` (which must exist)."""
        self.dimension(dimension)
        return tuple(i for i in self.indicators if i.dimension == dimension)

    def __reduce__(self) -> Tuple[Any, Tuple[str]]:
        """Pickles as its JSON (for multiprocessing); unpickling parses it again."""
        return (Framework.from_json, (self.to_json(),))

    def __len__(self) -> int:
        """The number of indicators."""
        n = c_size_t()
        with self._borrow() as p:
            LIB.cpindex_framework_indicator_count(p, byref(n))
        return n.value

    def __repr__(self) -> str:
        if self.closed:
            return "<cpindex.Framework (closed)>"
        return f"<cpindex.Framework {self.id!r}: {len(self.dimensions)} dimensions, {len(self)} indicators>"

    # ---------------------------------------------------------------- readers
    def _read_dimensions(self) -> Tuple[Dimension, ...]:
        n = c_size_t()
        w = c_double()
        out = []
        with self._borrow() as p:
            LIB.cpindex_framework_dimension_count(p, byref(n))
            for k in range(n.value):

                def t(field: int) -> str:
                    return read_text(LIB.cpindex_framework_dimension_text, p, k, field)

                LIB.cpindex_framework_dimension_weight(p, k, byref(w))
                parent = t(_DIM_PARENT)
                out.append(
                    Dimension(k, t(_DIM_ID), parent or None, t(_DIM_NAME_ZH), t(_DIM_NAME_EN), w.value)
                )
        return tuple(out)

    @staticmethod
    def _interims(p: Any, k: int) -> Tuple[InterimTarget, ...]:
        if not LIB.has("cpindex_framework_indicator_interim_targets"):
            return ()  # an older library: only `has_interim_targets` tells
        fn = LIB.cpindex_framework_indicator_interim_targets
        n = c_size_t()
        fn(p, k, None, None, 0, byref(n))  # size query
        years = (c_int32 * n.value)()
        values = (c_double * n.value)()
        fn(p, k, years, values, n.value, byref(n))
        return tuple(InterimTarget(years[j], values[j]) for j in range(n.value))

    def _read_indicators(self) -> Tuple[Indicator, ...]:
        n = c_size_t()
        x = c_double()
        u = c_uint32()
        iv = CInterval()
        out = []
        with self._borrow() as p:
            LIB.cpindex_framework_indicator_count(p, byref(n))
            for k in range(n.value):

                def t(field: int) -> str:
                    return read_text(LIB.cpindex_framework_indicator_text, p, k, field)

                def num(field: int) -> float:
                    LIB.cpindex_framework_indicator_number(p, k, field, byref(x))
                    return x.value

                def code(fn: Any) -> int:
                    fn(p, k, byref(u))
                    return u.value

                flags = code(LIB.cpindex_framework_indicator_flags)
                polarity = Polarity(code(LIB.cpindex_framework_indicator_polarity))
                interval = None
                if polarity == Polarity.INTERVAL:
                    LIB.cpindex_framework_indicator_interval(p, k, byref(iv))
                    interval = Interval(iv.lower, iv.upper, iv.tolerance_lower, iv.tolerance_upper)

                def opt(field: int, flag: int) -> Optional[float]:
                    v = num(field)
                    return v if flags & flag and not math.isnan(v) else None

                rel = t(_IND_RELATIVE_TARGET)
                out.append(
                    Indicator(
                        index=k,
                        id=t(_IND_ID),
                        dimension=t(_IND_DIMENSION),
                        name_zh=t(_IND_NAME_ZH),
                        name_en=t(_IND_NAME_EN),
                        unit=Unit(t(_IND_UNIT_LABEL), num(_NUM_UNIT_SCALE), t(_IND_UNIT_BASE)),
                        polarity=polarity,
                        interval=interval,
                        kind=Kind(code(LIB.cpindex_framework_indicator_kind)),
                        target=opt(_NUM_TARGET, HAS_TARGET),
                        stretch_target=opt(_NUM_STRETCH, HAS_STRETCH_TARGET),
                        baseline=opt(_NUM_BASELINE, HAS_BASELINE),
                        target_year=int(num(_NUM_TARGET_YEAR)),
                        weight=num(_NUM_WEIGHT),
                        effective_weight=num(_NUM_EFFECTIVE_WEIGHT),
                        section=t(_IND_SECTION),
                        phrase=t(_IND_PHRASE),
                        relative_target=rel if flags & HAS_RELATIVE_TARGET else None,
                        aspirational=bool(flags & ASPIRATIONAL),
                        has_interim_targets=bool(flags & HAS_INTERIM_TARGETS),
                        flags=flags,
                        interim_targets=self._interims(p, k) if flags & HAS_INTERIM_TARGETS else (),
                    )
                )
        return tuple(out)
