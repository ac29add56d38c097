"""The JSON-in/JSON-out entry point (``cpindex_run_json``) and result helpers.

One request runs a whole computation: ``{"action": ..., "framework": <built-in name or
object>, ...}`` (schema: ``docs/c-api.md``, "JSON interface"). This build of the library
knows the action ``describe``; the engine and monitoring rounds add theirs (``index``,
``monitor``) with ``data`` and ``spec`` members, and :func:`run_json` passes them through
unchanged.
"""

from __future__ import annotations

import ctypes
import json
import os
from ctypes import byref, c_size_t, create_string_buffer
from typing import TYPE_CHECKING, Any, Dict, Mapping, Union

from . import _errors
from ._native import LIB

if TYPE_CHECKING:  # pragma: no cover
    from .framework import Framework
    from .panel import Panel

__all__ = ["run", "build_request", "run_json", "run_json_text", "run_json_to_file", "Result", "to_pandas"]


class Result(dict):  # type: ignore[type-arg]
    """A response of the library: a plain ``dict`` with a :meth:`to_pandas` helper."""

    def to_pandas(self, key: str) -> Any:
        """Member ``key`` as a ``pandas.DataFrame`` (needs pandas). The tables of an index
        result (``scores``, ``ranks``, ``normalised``, ``contributions``, ``obstacles``)
        come back tidy: one row per unit × period × node (or indicator), columns ``unit``,
        ``period``, ``node``/``indicator``, ``value``. Ranks keep their exact values: the
        nullable integer dtype ``Int64`` when every rank is a whole number (ties ``min`` or
        ``max``), else the nullable ``Float64`` (ties ``average`` give 1.5, 3.5 …); ``<NA>``
        where the score is missing. Otherwise a list of records becomes rows and a mapping
        one row per key."""
        data = self[key]
        col = _CUBES.get(key)
        if col is not None and isinstance(data, Mapping) and "units" in self and "periods" in self:
            return _tidy_cube(data, list(self["units"]), list(self["periods"]), col, key == "ranks")
        return to_pandas(data)


#: The cube-shaped members of an index result ({id: [[value per unit] per period]}) and
#: the name of their id column.
_CUBES = {
    "scores": "node",
    "ranks": "node",
    "normalised": "indicator",
    "contributions": "indicator",
    "obstacles": "indicator",
}


def _tidy_cube(data: Mapping[str, Any], units: list, periods: list, col: str, integer: bool) -> Any:
    """``{id: [[v per unit] per period]}`` as a long DataFrame (unit, period, col, value);
    ``integer`` (ranks): ``Int64`` when every value is whole, else ``Float64``."""
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas() needs pandas (pip install pandas)") from e
    u_col, p_col, i_col, v_col = [], [], [], []
    nu = len(units)
    for ident, per_period in data.items():
        for p, column in zip(periods, per_period):
            if len(column) != nu:
                raise ValueError(f"{ident}, period {p}: {len(column)} values for {nu} units")
            u_col.extend(units)
            p_col.extend([p] * nu)
            i_col.extend([ident] * nu)
            v_col.extend(column)
    present = [v for v in v_col if v is not None and v == v]
    if integer and all(float(v).is_integer() for v in present):
        values = pd.array([None if v is None or v != v else int(v) for v in v_col], dtype="Int64")
    elif integer:  # fractional ranks (average ties): never rounded
        values = pd.array([None if v is None or v != v else float(v) for v in v_col], dtype="Float64")
    else:
        values = pd.array([float("nan") if v is None else float(v) for v in v_col], dtype="float64")
    return pd.DataFrame(
        {"unit": u_col, "period": pd.array(p_col, dtype="int64"), col: i_col, "value": values}
    )


def to_pandas(data: Any) -> Any:
    """Plain data (records, or a mapping id -> value/record) as a ``pandas.DataFrame``."""
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas() needs pandas (pip install pandas)") from e
    if isinstance(data, Mapping):
        rows = [dict(v, id=k) if isinstance(v, Mapping) else {"id": k, "value": v} for k, v in data.items()]
        return pd.DataFrame(rows)
    return pd.DataFrame(list(data))


def _request_bytes(request: Union[str, bytes, Mapping[str, Any]]) -> bytes:
    if isinstance(request, Mapping):
        return json.dumps(request, ensure_ascii=False, allow_nan=False).encode("utf-8")
    if isinstance(request, str):
        return request.encode("utf-8")
    if isinstance(request, bytes):
        return request
    raise TypeError(f"request must be a dict, str or bytes, not {type(request).__name__}")


def run_json_text(request: Union[str, bytes, Mapping[str, Any]]) -> bytes:
    """Runs one JSON request and returns the response's UTF-8 bytes, unparsed: the request
    is evaluated once and the response copied once (``cpindex_json_call``)."""
    raw = _request_bytes(request)
    if not LIB.has("cpindex_json_call"):  # an older library: size query + fill
        return _run_json_sized(raw, 1 << 16)
    h = ctypes.c_void_p()
    LIB.cpindex_json_call(raw, len(raw), byref(h))
    try:
        p, n = ctypes.c_void_p(), c_size_t()
        LIB.cpindex_json_response_data(h, byref(p), byref(n))
        return ctypes.string_at(p.value, n.value) if n.value else b""
    finally:
        LIB.cpindex_json_response_free(h)


def run_json_to_file(request: Union[str, bytes, Mapping[str, Any]], path: Union[str, "os.PathLike[str]"]) -> int:
    """Runs one JSON request and streams the response into the file ``path`` without holding
    it in memory; returns the number of bytes written (``cpindex_run_json_to_file``). The
    file is replaced atomically (a failed write leaves the old one whole); a symbolic
    link's target is written, and a device or FIFO is written in place."""
    raw = _request_bytes(request)
    p = os.fsencode(path)
    n = c_size_t()
    LIB.require("cpindex_run_json_to_file")(raw, len(raw), p, len(p), byref(n))
    return n.value


def run_json(request: Union[str, bytes, Mapping[str, Any]], *, initial_buffer: int = 1 << 16) -> Result:
    """Runs one JSON request and returns the parsed response.

    ``request`` is a dict (serialised here) or JSON text. Errors raise the mapped
    exception (:class:`~cpindex.JsonError`, :class:`~cpindex.InvalidSpec`,
    :class:`~cpindex.UnknownId` …) with the library's message. The request is evaluated
    once (``cpindex_json_call``; with an older library, a response larger than
    ``initial_buffer`` is fetched by a second call)."""
    raw = _request_bytes(request)
    if LIB.has("cpindex_json_call"):
        return Result(json.loads(run_json_text(raw).decode("utf-8")))
    return Result(json.loads(_run_json_sized(raw, initial_buffer).decode("utf-8")))


def _run_json_sized(raw: bytes, initial_buffer: int) -> bytes:
    n = c_size_t()
    size = initial_buffer
    for _ in range(3):
        buf = create_string_buffer(size)
        if LIB.cpindex_run_json(raw, len(raw), buf, size, byref(n)) == _errors.OK:
            return buf.raw[: n.value]
        size = n.value + 1
    raise _errors.InternalError("cpindex_run_json: response size did not settle", 6, "cpindex_run_json")




def build_request(
    action: str,
    framework: Union[None, str, "Framework", Mapping[str, Any]] = None,
    data: Union[None, "Panel", Mapping[str, Any]] = None,
    spec: Union[None, str, Mapping[str, Any]] = None,
    **members: Any,
) -> Dict[str, Any]:
    """The request object of :func:`run` (members given as ``None`` are left out; other
    keyword arguments become members as given, e.g. ``values=…, groups=…`` for the
    ``inequality`` action; sequences are sent as JSON arrays, NaN as ``null``).

    ``framework`` is a built-in name, a :class:`~cpindex.Framework` or a framework dict;
    ``data`` a :class:`~cpindex.Panel` (sent as ``{"units", "periods", "indicators",
    "values"}``, ``null`` = missing), a dict in that shape (or ``{"csv": text}``), or a
    long pandas DataFrame / a Series indexed by (unit, period, indicator) (read with
    :meth:`Panel.from_records`);
    ``spec`` a dict or JSON text."""
    from .framework import Framework
    from .panel import Panel

    req: Dict[str, Any] = {"action": action}
    if framework is None:
        pass
    elif isinstance(framework, Framework):
        req["framework"] = framework.to_dict()
    elif isinstance(framework, (str, Mapping)):
        req["framework"] = framework
    else:
        raise TypeError(f"framework must be a name, a Framework or a dict, not {type(framework).__name__}")
    if data is not None:
        if _is_pandas(data):
            # a long DataFrame, or a Series indexed by (unit, period, indicator)
            frame = data.reset_index() if not hasattr(data, "columns") else data
            if not hasattr(data, "columns") and "value" not in frame.columns:
                frame = frame.rename(columns={frame.columns[-1]: "value"})
            data = Panel.from_records(frame)
        req["data"] = data.to_data() if isinstance(data, Panel) else dict(data)
    if spec is not None:
        req["spec"] = json.loads(spec) if isinstance(spec, (str, bytes)) else dict(spec)
    for key, value in members.items():
        if value is not None:
            req[key] = _plain(value)
    return req


def _is_pandas(obj: Any) -> bool:
    """A pandas Series or DataFrame (checked without importing pandas)."""
    return type(obj).__module__.startswith("pandas") and hasattr(obj, "reset_index")


def _plain(value: Any) -> Any:
    """Buffers/arrays/tuples as lists with NaN -> None, so they serialise as JSON."""
    if isinstance(value, (str, bytes, int, float, bool, Mapping)) or value is None:
        return None if isinstance(value, float) and value != value else value
    try:
        items = value.tolist() if hasattr(value, "tolist") else list(value)
    except TypeError:
        return value
    return [None if isinstance(v, float) and v != v else v for v in items]


def run(
    action: str,
    framework: Union[None, str, "Framework", Mapping[str, Any]] = None,
    data: Union[None, "Panel", Mapping[str, Any]] = None,
    spec: Union[None, str, Mapping[str, Any]] = None,
    **members: Any,
) -> Result:
    """Runs ``action`` (``"describe"`` now; ``"index"``, ``"monitor"``, ``"inequality"``
    with the engine, monitoring and distribution rounds) on a framework, optional data
    and an optional spec; returns the response as plain Python data
    (:class:`Result`, with ``to_pandas``). See :func:`build_request`."""
    return run_json(build_request(action, framework, data, spec, **members))

