"""Panels of observations: units (regions) × periods (years) × indicators, float64,
NaN (or ``None``) = missing.

The library stores values column-major: the value of unit ``u``, period ``p``,
indicator ``i`` sits at flat position ``(i * n_periods + p) * n_units + u``. A flat
float64 buffer in that order (``array('d')``, a numpy array, a ``memoryview``) is handed to
the library without an intermediate copy; so is a numpy array of shape
``(n_units, n_periods, n_indicators)`` in Fortran order, and — with a library that has
``cpindex_panel_from_arrays`` — in C order (numpy's default; the library transposes while it
copies the values once). Anything else is converted once.
"""

from __future__ import annotations

import ctypes
import math
import os
import sys
from array import array
from itertools import accumulate
from ctypes import byref, c_double, c_int32, c_size_t
from typing import IO, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._buffers import NAN, DoubleBuffer, doubles_in, doubles_out, is_missing
from ._errors import InvalidArgument, LengthMismatch, UnknownId
from ._managed import Managed, borrow_all
from ._native import LIB, PANEL_P, CStr, read_ids, read_text
from .framework import Framework

__all__ = ["Panel"]


def _str_array(ids: Sequence[str], what: str) -> Tuple[Any, Any]:
    """The ids as a ``cpindex_str`` array for C, built in bulk: one joined UTF-8 buffer and
    an array of (address, length) pairs viewed as the struct array — no per-id ctypes
    object. The second item keeps the memory alive for the call."""
    raws: List[bytes] = []
    for k, s in enumerate(ids):
        if isinstance(s, str):
            raws.append(s.encode("utf-8"))
        elif isinstance(s, bytes):
            raws.append(s)
        else:
            raise TypeError(f"{what}[{k}] must be a str, not {type(s).__name__} {s!r}")
    n = len(raws)
    if not n:
        return None, raws
    joined = b"".join(raws)
    blob = ctypes.create_string_buffer(joined, len(joined) + 1)
    base = ctypes.addressof(blob)
    lens = [len(b) for b in raws]
    starts = [base + off for off in accumulate([0] + lens[:-1])]
    pairs = array(_SIZE_T_CODE, bytes(2 * n * ctypes.sizeof(ctypes.c_size_t)))
    pairs[0::2] = array(_SIZE_T_CODE, starts)
    pairs[1::2] = array(_SIZE_T_CODE, lens)
    arr = (CStr * n).from_buffer(pairs)
    return arr, (blob, pairs)


#: array typecode of a C size_t / pointer (CStr is {char *, size_t}: two such words)
_SIZE_T_CODE = next(c for c in "LQ" if array(c).itemsize == ctypes.sizeof(ctypes.c_size_t))
assert ctypes.sizeof(CStr) == 2 * ctypes.sizeof(ctypes.c_size_t) == 2 * ctypes.sizeof(ctypes.c_void_p)


def _shape(obj: Any) -> Optional[Tuple[int, ...]]:
    ai = getattr(obj, "__array_interface__", None)
    if isinstance(ai, dict):
        return tuple(int(d) for d in ai.get("shape", ()))
    try:
        return tuple(memoryview(obj).shape or ())
    except TypeError:
        return None


def _fortran_view(obj: Any, shape: Tuple[int, int, int]) -> Optional[DoubleBuffer]:
    """Zero-copy for a float64 array of shape (units, periods, indicators) in Fortran
    order: its memory is exactly the library's column-major layout."""
    ai = getattr(obj, "__array_interface__", None)
    if not isinstance(ai, dict) or ai.get("typestr") not in ("<f8", "=f8", ">f8"):
        return None
    if ai["typestr"] == ">f8" and __import__("sys").byteorder == "little":
        return None
    nu, np_, _ = shape
    if ai.get("strides") != (8, 8 * nu, 8 * nu * np_):
        return None
    t = getattr(obj, "T", None)  # numpy: .T of an F-ordered array is a C-ordered view
    return doubles_in(t, "values") if t is not None else None


def _joined(ids: Sequence[Any]) -> Optional[bytes]:
    """The ids as one UTF-8 buffer with a NUL after each, or None when one is not a
    ``str`` or holds a NUL itself (then the per-id ``cpindex_str`` path is used)."""
    if not ids:
        return b""
    try:
        text = "\0".join(ids)
    except TypeError:
        return None
    if text.count("\0") != len(ids) - 1:
        return None
    return (text + "\0").encode("utf-8")


def _row_major_view(obj: Any, shape: Tuple[int, int, int]) -> Optional[DoubleBuffer]:
    """Zero-copy for a C-ordered native float64 array of shape (units, periods,
    indicators) (numpy's default order): passed as row-major values."""
    ai = getattr(obj, "__array_interface__", None)
    if not isinstance(ai, dict) or ai.get("typestr") not in ("<f8", "=f8", "|f8") or ai.get("mask") is not None:
        return None
    if ai["typestr"] == "<f8" and __import__("sys").byteorder != "little":
        return None
    if tuple(int(d) for d in ai.get("shape", ())) != shape:
        return None
    strides = ai.get("strides")
    if strides is not None:
        expect = 8  # packed C strides (a size-1 axis may have any stride)
        for d, st in zip(reversed(shape), reversed(strides)):
            if d > 1 and st != expect:
                return None
            expect *= d
    return doubles_in(obj, "values")


def _values_for(values: Any, nu: int, np_: int, ni: int) -> DoubleBuffer:
    n = nu * np_ * ni
    if values is None:
        arr = array("d", [NAN]) * n
        return doubles_in(arr, "values")
    if isinstance(values, (list, tuple)) and values and isinstance(values[0], (list, tuple)):
        # nested lists [unit][period][indicator]
        return doubles_in(_reorder_nested(values, nu, np_, ni), "values")
    shape = _shape(values)
    if shape is not None and len(shape) not in (1, 3):
        # never flattened: a 2-D table read in C order as column-major puts values into
        # other units' and indicators' cells
        hint = (
            f"; for one period's (units, indicators) table pass values[:, None, :] "
            f"(shape {(nu, 1, ni)})"
            if np_ == 1 and shape == (nu, ni)
            else ""
        )
        raise LengthMismatch(
            f"values is a {len(shape)}-D array of shape {shape}; give a 3-D array indexed "
            f"[unit][period][indicator] of shape (n_units, n_periods, n_indicators) = "
            f"{(nu, np_, ni)} or a flat sequence of {n} values in column-major order{hint}",
            103,
        )
    if shape is not None and len(shape) == 3:
        if shape != (nu, np_, ni):
            raise LengthMismatch(
                f"values has shape {shape}; expected (n_units, n_periods, n_indicators) = "
                f"{(nu, np_, ni)}",
                103,
            )
        fv = _fortran_view(values, (nu, np_, ni))
        if fv is not None:
            return fv
        if _is_numpy(values):
            # a C-ordered (or strided, masked, object …) numpy array: one transposing copy
            # in numpy's C code into the library's column-major layout, not a Python loop
            # over the cells; doubles_in makes masked and missing items NaN
            return doubles_in(values.transpose(2, 1, 0), "values")
        nested: Any = values.tolist() if hasattr(values, "tolist") else memoryview(values).tolist()
        return doubles_in(_reorder_nested(nested, nu, np_, ni), "values")
    return doubles_in(values, "values")


_COLUMN_SYNONYMS = {
    "unit": ("unit", "region", "area", "地区", "单位", "区域"),
    "period": ("period", "year", "年份", "年度", "时期"),
    "indicator": ("indicator", "indicator_id", "指标", "指标代码"),
    "value": ("value", "数值", "值"),
}


def _is_dataframe(obj: Any) -> bool:
    """Whether ``obj`` looks like a pandas DataFrame (checked without importing pandas)."""
    return hasattr(obj, "columns") and hasattr(obj, "itertuples") and hasattr(obj, "reset_index")


def _frame_records(df: Any) -> Iterable[Tuple[Any, Any, Any, Any]]:
    """The (unit, period, indicator, value) columns of a long DataFrame, by name or
    synonym; a MultiIndex holding some of them is moved into columns first."""
    if any(n is not None for n in getattr(df.index, "names", [None])):
        df = df.reset_index()
    by_lower = {str(c).strip().lower(): c for c in df.columns}
    cols = []
    for role, names in _COLUMN_SYNONYMS.items():
        col = next((by_lower[n] for n in names if n in by_lower), None)
        if col is None:
            raise InvalidArgument(
                f"the DataFrame has no `{role}` column (looked for {', '.join(names)}; it has "
                f"{', '.join(map(str, df.columns))})",
                2,
            )
        cols.append(col)
    rows = df.index.tolist()
    values = (None if is_missing(v) else v for v in df[cols[3]].tolist())
    return zip(
        (_frame_id(u, "unit", cols[0], rows, k) for k, u in enumerate(df[cols[0]].tolist())),
        df[cols[1]].tolist(),
        (_frame_id(i, "indicator", cols[2], rows, k) for k, i in enumerate(df[cols[2]].tolist())),
        values,
    )


def _frame_id(v: Any, role: str, column: Any, rows: List[Any], k: int) -> str:
    """A unit or indicator id from a DataFrame cell: a missing cell (NaN, None, ``pd.NA``)
    is an error naming the row — never a unit called ``"nan"`` — and a whole number read
    into a float column (``330802.0``, a code column with a gap) is its integer code."""
    if is_missing(v):
        raise InvalidArgument(
            f"DataFrame row {k} (index {rows[k]!r}): the {role} (column `{column}`) is missing; "
            f"fill in its {role} id or drop the row",
            2,
        )
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _is_numpy(obj: Any) -> bool:
    """Whether ``obj`` is a numpy array, masked arrays included (checked without
    importing numpy)."""
    np = sys.modules.get("numpy")
    return np is not None and isinstance(obj, np.ndarray)


def _reorder_nested(nested: Sequence[Sequence[Sequence[Any]]], nu: int, np_: int, ni: int) -> array:
    if len(nested) != nu:
        raise LengthMismatch(f"values has {len(nested)} units; expected {nu}", 103)
    out = array("d", [NAN]) * (nu * np_ * ni)
    for u, per_unit in enumerate(nested):
        if len(per_unit) != np_:
            raise LengthMismatch(f"values[{u}] has {len(per_unit)} periods; expected {np_}", 103)
        for p, row in enumerate(per_unit):
            if len(row) != ni:
                raise LengthMismatch(
                    f"values[{u}][{p}] has {len(row)} indicators; expected {ni}", 103
                )
            for i, v in enumerate(row):
                out[(i * np_ + p) * nu + u] = NAN if v is None else float(v)
    return out


_CSV_LAYOUTS = {"long": 0, "wide": 1}  # cpindex_csv_layout codes
_CSV_TEXT = "<csv text>"  # the source name the library gives CSV read from text
_ENCODINGS = {"auto": 0, "utf-8": 1, "utf8": 1, "gb18030": 2, "gbk": 2, "gb2312": 2}  # cpindex_text_encoding
_ALLOW_UNIT_MISMATCH = 1  # CPINDEX_READ_ALLOW_UNIT_MISMATCH


class Panel(Managed):
    """A panel owned by the library (``cpindex_panel *``).

    Args:
        units: unit (region) ids, unique.
        periods: periods (years), unique; any order (the library sorts them, values move
            with them).
        indicators: indicator ids, unique.
        values: ``None`` (all missing), a flat float64 sequence/buffer in column-major
            order ``[(i * n_periods + p) * n_units + u]`` (periods in the order given), a
            3-D array/nested list indexed ``[unit][period][indicator]``. ``None`` and NaN
            items mean missing; ±inf is rejected (:class:`~cpindex.InvalidValue`).

    Reads may run from several threads at once; :meth:`set` takes exclusive access.
    """

    _kind = "panel"

    def __init__(
        self,
        units: Sequence[str],
        periods: Sequence[int],
        indicators: Sequence[str],
        values: Any = None,
    ) -> None:
        units = list(units)
        periods = [_period(p) for p in periods]
        indicators = list(indicators)
        nu, np_, ni = len(units), len(periods), len(indicators)
        if LIB.has("cpindex_panel_from_arrays") and self._init_fast(units, periods, indicators, values):
            return
        buf = _values_for(values, nu, np_, ni)
        ucs, ukeep = _str_array(units, "units")
        ics, ikeep = _str_array(indicators, "indicators")
        pers = (c_int32 * np_)(*periods) if np_ else None
        out = PANEL_P()
        LIB.cpindex_panel_new(ucs, nu, pers, np_, ics, ni, buf.ptr, buf.n, byref(out))
        del ukeep, ikeep, buf
        self._adopt(out, LIB.cpindex_panel_free)
        self._read_ids()

    def _init_fast(self, units: List[Any], periods: List[int], indicators: List[Any], values: Any) -> bool:
        """One call (``cpindex_panel_from_arrays``): ids as one NUL-joined buffer each, a
        C-ordered numpy array passed as it is (row-major; the library transposes while
        copying once). The ids and periods are known here, so nothing is read back.
        Returns False (nothing done) when an id is not a ``str`` or holds a NUL."""
        uj, ij = _joined(units), _joined(indicators)
        if uj is None or ij is None:
            return False
        nu, np_, ni = len(units), len(periods), len(indicators)
        rm = _row_major_view(values, (nu, np_, ni))
        buf, layout = (rm, 1) if rm is not None else (_values_for(values, nu, np_, ni), 0)
        pers = (c_int32 * np_)(*periods) if np_ else None
        out = PANEL_P()
        LIB.cpindex_panel_from_arrays(uj, len(uj), nu, pers, np_, ij, len(ij), ni, buf.ptr, buf.n, layout, byref(out))
        del buf
        self._adopt(out, LIB.cpindex_panel_free)
        self._units = tuple(units)
        self._indicators = tuple(indicators)
        self._periods = tuple(sorted(periods))
        self._positions = None
        return True

    # ---------------------------------------------------------------- constructors
    @classmethod
    def from_records(cls, records: Iterable[Any]) -> "Panel":
        """A panel from long-format records ``(unit, period, indicator, value)`` (tuples
        or mappings with those keys), or a long ``pandas.DataFrame`` with those columns
        (also ``地区``/``region``, ``年份``/``year``, ``指标``, ``数值``; any case). Units and
        indicators keep their order of first appearance; cells not given are missing; a
        repeated cell is an error."""
        if _is_dataframe(records):
            records = _frame_records(records)
        units: Dict[str, int] = {}
        periods: Dict[int, int] = {}
        inds: Dict[str, int] = {}
        cells: Dict[Tuple[int, int, int], float] = {}
        for k, r in enumerate(records):
            if isinstance(r, Mapping):
                u, p, i, v = r["unit"], r["period"], r["indicator"], r.get("value")
            else:
                u, p, i, v = r
            try:
                year = _period(p)
            except (TypeError, InvalidArgument) as e:
                raise type(e)(f"record {k} ({u!r}, {p!r}, {i!r}): {e}", *e.args[1:]) from None
            uk = units.setdefault(u, len(units))
            pk = periods.setdefault(year, len(periods))
            ik = inds.setdefault(i, len(inds))
            if (uk, pk, ik) in cells:
                raise InvalidArgument(f"record {k}: duplicate cell ({u!r}, {p}, {i!r})", 2)
            try:
                cells[(uk, pk, ik)] = NAN if is_missing(v) else float(v)
            except (TypeError, ValueError):
                raise TypeError(
                    f"record {k} ({u!r}, {p!r}, {i!r}): the value {v!r} is not a number "
                    "(None, NaN or pd.NA = missing)"
                ) from None
        nu, np_ = len(units), len(periods)
        values = array("d", [NAN]) * (nu * np_ * len(inds))
        for (u, p, i), v in cells.items():
            values[(i * np_ + p) * nu + u] = v
        return cls(list(units), list(periods), list(inds), values)

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Mapping[int, Any]]]) -> "Panel":
        """A panel from ``{indicator: {unit: {period: value}}}``."""
        return cls.from_records(
            (u, p, i, v) for i, by_unit in data.items() for u, by_p in by_unit.items() for p, v in by_p.items()
        )

    @classmethod
    def from_csv(
        cls,
        source: Union[str, bytes, "os.PathLike[str]", IO[Any]],
        layout: str = "long",
        framework: Optional[Framework] = None,
        *,
        encoding: str = "auto",
        sheet: Union[str, int, None] = None,
        allow_unit_mismatch: bool = False,
    ) -> "Panel":
        """A panel from a data file — CSV or an ``.xlsx`` workbook — read by the library's
        own reader (``cpindex_panel_read``; the same reader as the ``cpindex`` CLI).

        Args:
            source: a path, a file object (text or binary), CSV text (a ``str`` holding a
                newline) or the bytes of a CSV file or a workbook (recognised by its
                signature).
            layout: ``"long"`` — columns ``unit, period, indicator, value`` (optional
                ``group, source, note, illustrative, unit_of_measure``) — or ``"wide"`` —
                ``unit, period`` (same optional columns) then one column per indicator.
                Chinese headers are accepted too (``地区, 年份, 指标, 数值, 单位, 来源`` …).
            framework: when given, every indicator must be in it (by id, Chinese or English
                name, or alias; the panel holds the ids) and indicators follow its order;
                values declared in another unit are converted (元/万元/亿元, 人/万人,
                %/ratio) and a value implausibly far from its target (more than two orders
                of magnitude above it, below 1/100 of it, below 1/31.6 for % and ‰: a
                percentage typed as a fraction) is a :class:`~cpindex.ParseError` naming
                the cell. Without one any ids are
                accepted in order of appearance.
            encoding: of CSV bytes: ``"auto"`` (UTF-8, else GB18030), ``"utf-8"`` or
                ``"gb18030"`` (also ``"gbk"``).
            sheet: a workbook's sheet, by name or 0-based position (default: the first).
            allow_unit_mismatch: accept values far from their target (see ``framework``).

        Column names are matched case-insensitively; cells are trimmed. An empty cell,
        ``NA``, ``N/A`` or ``NaN`` is missing. Errors are the library's:
        :class:`~cpindex.ParseError` naming the line and column (for a workbook, the cell
        as ``sheet!C7``; the source is the file's path when a path or a named file is given,
        else ``<csv text>``), including bytes that are not in the encoding (with a hint),
        :class:`~cpindex.EmptyInput` for a header without data rows,
        :class:`~cpindex.InvalidArgument` for an unknown layout, encoding or sheet; a file
        that cannot be opened raises the built-in ``OSError``."""
        code = _CSV_LAYOUTS.get(layout.lower()) if isinstance(layout, str) else None
        if code is None:
            raise InvalidArgument(f"layout must be 'long' or 'wide', not {layout!r}", 2)
        enc = _ENCODINGS.get(encoding.lower()) if isinstance(encoding, str) else None
        if enc is None:
            raise InvalidArgument(f"encoding must be 'auto', 'utf-8' or 'gb18030', not {encoding!r}", 2)
        if framework is not None and not isinstance(framework, Framework):
            raise TypeError(f"framework must be a cpindex.Framework or None, not {type(framework).__name__}")
        sheet_name, sheet_index = b"", 0
        if isinstance(sheet, bool) or not (sheet is None or isinstance(sheet, (str, int))):
            raise TypeError(f"sheet must be a name, a 0-based position or None, not {type(sheet).__name__}")
        if isinstance(sheet, str):
            sheet_name = sheet.encode("utf-8")
        elif isinstance(sheet, int):
            if sheet < 0:
                raise InvalidArgument(f"sheet position must be 0 or more, not {sheet}", 2)
            sheet_index = sheet
        name: Optional[str] = None
        if isinstance(source, bytes):
            raw = source
        elif isinstance(source, str) and "\n" in source:
            raw = source.encode("utf-8")
        elif isinstance(source, (str, os.PathLike)):
            name = os.fspath(source)
            with open(source, "rb") as f:
                raw = f.read()
        elif hasattr(source, "read"):
            text = source.read()
            raw = text.encode("utf-8") if isinstance(text, str) else bytes(text)
            fname = getattr(source, "name", None)
            name = fname if isinstance(fname, str) else None
        else:
            raise TypeError(
                f"source must be a path, a file object, CSV text or bytes, not {type(source).__name__}"
            )
        name_raw = (name if name is not None else _CSV_TEXT).encode("utf-8")
        flags = _ALLOW_UNIT_MISMATCH if allow_unit_mismatch else 0
        out = PANEL_P()
        args = (
            raw,
            len(raw),
            CStr(name_raw, len(name_raw)),
            code,
            enc,
            CStr(sheet_name, len(sheet_name)),
            sheet_index,
            flags,
        )
        if framework is None:
            LIB.cpindex_panel_read(*args, None, byref(out))
        else:
            with framework._borrow() as f:
                LIB.cpindex_panel_read(*args, f, byref(out))
        panel = cls.__new__(cls)
        panel._adopt(out, LIB.cpindex_panel_free)
        panel._read_ids()
        return panel

    # ---------------------------------------------------------------- ids and shape
    def _read_ids(self) -> None:
        nu, np_, ni = c_size_t(), c_size_t(), c_size_t()
        with self._borrow() as p:
            LIB.cpindex_panel_dims(p, byref(nu), byref(np_), byref(ni))
            # every id in one call each (not one call per id)
            self._units = read_ids("cpindex_panel_ids", 0, p, nu.value, LIB.cpindex_panel_unit_id, p)
            self._indicators = read_ids(
                "cpindex_panel_ids", 1, p, ni.value, LIB.cpindex_panel_indicator_id, p
            )
            n = c_size_t()
            per = (c_int32 * max(np_.value, 1))()
            LIB.cpindex_panel_periods(p, per, np_.value, byref(n))
            self._periods = tuple(per[k] for k in range(n.value))
        self._positions: Optional[Tuple[Dict[str, int], Dict[int, int], Dict[str, int]]] = None

    def _pos(self) -> Tuple[Dict[str, int], Dict[int, int], Dict[str, int]]:
        """id -> position maps, built on first use (a pipeline never needs them)."""
        if self._positions is None:
            self._positions = (
                {u: k for k, u in enumerate(self._units)},
                {q: k for k, q in enumerate(self._periods)},
                {i: k for k, i in enumerate(self._indicators)},
            )
        return self._positions

    @property
    def units(self) -> Tuple[str, ...]:
        """Unit ids in panel order."""
        return self._units

    @property
    def periods(self) -> Tuple[int, ...]:
        """Periods, sorted ascending."""
        return self._periods

    @property
    def indicators(self) -> Tuple[str, ...]:
        """Indicator ids in panel order."""
        return self._indicators

    @property
    def shape(self) -> Tuple[int, int, int]:
        """``(n_units, n_periods, n_indicators)``."""
        return len(self._units), len(self._periods), len(self._indicators)

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        """Pickles as ids and values (for multiprocessing)."""
        return (Panel, (self._units, self._periods, self._indicators, self.values()))

    def __len__(self) -> int:
        """The number of cells."""
        nu, np_, ni = self.shape
        return nu * np_ * ni

    def __repr__(self) -> str:
        if self.closed:
            return "<cpindex.Panel (closed)>"
        return "<cpindex.Panel units={} periods={} indicators={}>".format(*self.shape)

    # ---------------------------------------------------------------- cells
    def get(self, unit: str, period: int, indicator: str) -> float:
        """The value for ids (NaN = missing); :class:`~cpindex.UnknownId` otherwise."""
        ub, ib = _id_bytes(unit, "unit"), _id_bytes(indicator, "indicator")
        out = c_double()
        with self._borrow() as p:
            LIB.cpindex_panel_get_by_id(p, ub, len(ub), _period(period), ib, len(ib), byref(out))
        return out.value

    def __getitem__(self, key: Tuple[str, int, str]) -> float:
        """``panel[unit, period, indicator]`` is :meth:`get`."""
        unit, period, indicator = key
        return self.get(unit, period, indicator)

    def get_at(self, unit: int, period: int, indicator: int) -> float:
        """The value at positions (periods sorted); :class:`~cpindex.InvalidArgument`
        past the end."""
        out = c_double()
        with self._borrow() as p:
            LIB.cpindex_panel_get(p, _index(unit), _index(period), _index(indicator), byref(out))
        return out.value

    def set_at(self, unit: int, period: int, indicator: int, value: Optional[float]) -> None:
        """Sets the value at positions; ``None``/NaN marks it missing."""
        v = NAN if value is None else float(value)
        with self._borrow_mut() as p:
            LIB.cpindex_panel_set(p, _index(unit), _index(period), _index(indicator), v)

    def set(self, unit: str, period: int, indicator: str, value: Optional[float]) -> None:
        """Sets the value for ids; ``None``/NaN marks it missing."""
        try:
            up, pp, ip = self._pos()
            pos = (up[unit], pp[_period(period)], ip[indicator])
        except KeyError as e:
            raise UnknownId(f"Panel.set: {e.args[0]!r} is not in the panel", 105) from None
        self.set_at(*pos, value)

    def __setitem__(self, key: Tuple[str, int, str], value: Optional[float]) -> None:
        """``panel[unit, period, indicator] = value`` is :meth:`set`."""
        self.set(key[0], key[1], key[2], value)

    # ---------------------------------------------------------------- bulk
    def values(self, out: Any = None) -> Any:
        """All values, column-major with periods sorted, as a new ``array('d')`` — or
        written into ``out`` (a writable, C-contiguous float64 buffer of ``len(self)``
        elements, e.g. a numpy array; zero-copy), which is then returned."""
        n = len(self)
        got = c_size_t()
        if out is None:
            arr, ptr = doubles_out(n)
            with self._borrow() as p:
                LIB.cpindex_panel_values(p, ptr, n, byref(got))
            return arr
        buf = doubles_in(out, "out", writable=True)  # never a read-only array or memory map
        if buf.n != n:
            raise LengthMismatch(f"`out` has {buf.n} elements; the panel has {n}", 103)
        with self._borrow() as p:
            LIB.cpindex_panel_values(p, buf.ptr, n, byref(got))
        return out

    def to_numpy(self) -> Any:
        """The values as a numpy array of shape ``(n_units, n_periods, n_indicators)``
        (Fortran order; filled by the library without a copy). Needs numpy."""
        import numpy as np  # optional dependency

        nu, np_, ni = self.shape
        a = np.empty((ni, np_, nu), dtype=np.float64)
        self.values(out=a)
        return a.T

    def to_records(self) -> List[Tuple[str, int, str, float]]:
        """Long-format records ``(unit, period, indicator, value)``, missing cells included
        as NaN."""
        v = self.values()
        nu, np_, _ = self.shape
        return [
            (u, q, ind, v[(i * np_ + p) * nu + k])
            for i, ind in enumerate(self._indicators)
            for p, q in enumerate(self._periods)
            for k, u in enumerate(self._units)
        ]

    def to_data(self) -> Dict[str, Any]:
        """The panel as the ``data`` member of a JSON request
        (``{"units", "periods", "indicators", "values"}``, values column-major with periods
        sorted, missing as ``None``)."""
        return {
            "units": list(self._units),
            "periods": list(self._periods),
            "indicators": list(self._indicators),
            "values": [None if math.isnan(x) else x for x in self.values()],
        }

    def to_pandas(self) -> Any:
        """A long-format ``pandas.DataFrame`` (unit, period, indicator, value). Needs pandas."""
        import pandas as pd  # optional dependency

        return pd.DataFrame(self.to_records(), columns=["unit", "period", "indicator", "value"])

    def missing_count(self) -> int:
        """The number of missing (NaN) cells."""
        return sum(1 for x in self.values() if math.isnan(x))

    def check_framework(self, framework: Framework) -> None:
        """Raises :class:`~cpindex.UnknownId` if an indicator of the panel is not in
        ``framework``."""
        with borrow_all(shared=[self, framework]):  # in one global order: no ABBA deadlock
            LIB.cpindex_panel_check_framework(self._check(), framework._check())


def _period(p: Any) -> int:
    if isinstance(p, bool) or not isinstance(p, (int, float, str)) and not hasattr(p, "__index__"):
        raise TypeError(f"a period must be an integer year, not {type(p).__name__} {p!r}")
    try:
        v = int(p)
    except (ValueError, OverflowError):  # NaN, inf, "20x1"
        raise TypeError(f"a period must be an integer year, not {p!r}") from None
    if v != p and not isinstance(p, str):
        raise TypeError(f"a period must be an integer year, not {p!r}")
    if not -(2**31) <= v < 2**31:
        raise InvalidArgument(f"period {v} does not fit in a 32-bit year", 2)
    return v


def _id_bytes(s: Any, what: str) -> bytes:
    if isinstance(s, str):
        return s.encode("utf-8")
    if isinstance(s, bytes):
        return s
    raise TypeError(f"{what} must be a str, not {type(s).__name__} {s!r}")


def _index(k: int) -> int:
    k = int(k)
    if k < 0:
        raise InvalidArgument(f"position {k} is negative", 2)
    return k
