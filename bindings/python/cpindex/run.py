"""The JSON-in/JSON-out entry point (``cpindex_run_json``) and result helpers.

One request runs a whole computation: ``{"action": ..., "framework": <built-in name or
object>, ...}`` (schema: ``docs/c-api.md``, "JSON interface"). This build of the library
knows the action ``describe``; the engine and monitoring rounds add theirs (``index``,
``monitor``) with ``data`` and ``spec`` members, and :func:`run_json` passes them through
unchanged.
"""

from __future__ import annotations

import json
from ctypes import byref, c_size_t, create_string_buffer
from typing import Any, Mapping, Union

from . import _errors
from ._native import LIB

__all__ = ["run_json", "Result", "to_pandas"]


class Result(dict):  # type: ignore[type-arg]
    """A response of the library: a plain ``dict`` with a :meth:`to_pandas` helper."""

    def to_pandas(self, key: str) -> Any:
        """Member ``key`` as a ``pandas.DataFrame`` (needs pandas): a list of records
        becomes rows; a mapping becomes one row per key."""
        return to_pandas(self[key])


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


def run_json(request: Union[str, bytes, Mapping[str, Any]], *, initial_buffer: int = 1 << 16) -> Result:
    """Runs one JSON request and returns the parsed response.

    ``request`` is a dict (serialised here) or JSON text. Errors raise the mapped
    exception (:class:`~cpindex.JsonError`, :class:`~cpindex.InvalidSpec`,
    :class:`~cpindex.UnknownId` …) with the library's message. A response larger than
    ``initial_buffer`` is fetched with a second call (the computation is re-run)."""
    if isinstance(request, Mapping):
        raw = json.dumps(request, ensure_ascii=False, allow_nan=False).encode("utf-8")
    elif isinstance(request, str):
        raw = request.encode("utf-8")
    elif isinstance(request, bytes):
        raw = request
    else:
        raise TypeError(f"request must be a dict, str or bytes, not {type(request).__name__}")
    n = c_size_t()
    size = initial_buffer
    for _ in range(3):
        buf = create_string_buffer(size)
        if LIB.cpindex_run_json(raw, len(raw), buf, size, byref(n)) == _errors.OK:
            return Result(json.loads(buf.raw[: n.value].decode("utf-8")))
        size = n.value + 1
    raise _errors.InternalError("cpindex_run_json: response size did not settle", 6, "cpindex_run_json")


