"""Shared helpers for library-owned result handles (index and monitoring results)."""

from __future__ import annotations

import json
from array import array
from ctypes import byref, c_size_t
from typing import Any, Callable, Mapping, Optional, Union

from . import _errors
from ._buffers import doubles_out
from ._native import read_text
from .run import Result

__all__ = ["spec_bytes", "read_doubles", "json_result"]


def spec_bytes(spec: Union[None, str, bytes, Mapping[str, Any]]) -> Optional[bytes]:
    """A spec (dict, JSON text or ``None`` for the defaults) as UTF-8 JSON bytes."""
    if spec is None:
        return None
    if isinstance(spec, Mapping):
        return json.dumps(spec, ensure_ascii=False, allow_nan=False).encode("utf-8")
    if isinstance(spec, str):
        return spec.encode("utf-8")
    if isinstance(spec, bytes):
        return spec
    raise TypeError(f"spec must be a dict, JSON text or None, not {type(spec).__name__}")


def read_doubles(fn: Callable[..., int], *args: Any, size_hint: Optional[int] = None) -> array:
    """Calls a ``(…, double *buf, size_t len, size_t *out_len)`` reader and returns a new
    ``array('d')`` filled by the library: one call when ``size_hint`` is the right length,
    else a size query first."""
    n = c_size_t()
    if size_hint is not None:
        arr, ptr = doubles_out(size_hint)
        if fn(*args, ptr, size_hint, byref(n)) == _errors.OK and n.value == size_hint:
            return arr
    else:
        fn(*args, None, 0, byref(n))
    for _ in range(3):
        arr, ptr = doubles_out(n.value)
        if fn(*args, ptr, n.value, byref(n)) == _errors.OK:
            return arr
    raise _errors.InternalError(f"{fn.__name__}: size did not settle", 6, fn.__name__)


def json_result(fn: Callable[..., int], ptr: Any) -> Result:
    """A result handle's ``*_to_json`` parsed into a :class:`~cpindex.Result` dict."""
    return Result(json.loads(read_text(fn, ptr, initial=1 << 16)))
