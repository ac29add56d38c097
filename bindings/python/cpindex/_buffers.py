"""float64 buffers for the C ABI without importing numpy.

:func:`doubles_in` turns the caller's values into ``(pointer, n, keepalive)`` for a
``(const double *, size_t)`` parameter:

* an object with ``__array_interface__`` (numpy arrays, also read-only ones) holding
  C-contiguous native float64: its data address is passed directly (**zero-copy**); the
  object itself is kept alive for the duration of the call;
* any other buffer-protocol object (``array('d')``, ``memoryview``, writable ``bytearray``
  views cast to ``'d'`` …) with native float64 items, C-contiguous and writable:
  ``(c_double * n).from_buffer`` (**zero-copy**); read-only ones are copied once;
* everything else (lists, tuples, generators, other dtypes): converted once into an
  ``array('d')``; ``None`` items become NaN (the library's missing-value marker).

``None`` as the whole argument means ``(NULL, 0)``. Lengths are in elements.
"""

from __future__ import annotations

import ctypes
import math
import sys
from array import array
from ctypes import POINTER, c_double
from typing import Any, Iterable, NamedTuple, Optional

__all__ = ["DoubleBuffer", "doubles_in", "doubles_out", "NAN"]

NAN = math.nan
_NATIVE_F8 = ("<f8" if sys.byteorder == "little" else ">f8", "=f8", "|f8")
_DOUBLE_P = POINTER(c_double)


class DoubleBuffer(NamedTuple):
    """A float64 input ready for C: ``ptr`` (``None`` = NULL), ``n`` elements, and the
    object that owns the memory (kept alive by holding this tuple)."""

    ptr: Any
    n: int
    keep: Any
    zero_copy: bool

    @property
    def address(self) -> int:
        """The address passed to C (0 for NULL), for zero-copy checks."""
        return ctypes.cast(self.ptr, ctypes.c_void_p).value or 0 if self.ptr is not None else 0


def _from_array_interface(obj: Any, name: str) -> Optional[DoubleBuffer]:
    try:
        ai = obj.__array_interface__
    except Exception:
        return None
    if not isinstance(ai, dict) or ai.get("typestr") not in _NATIVE_F8:
        return None
    shape = tuple(ai.get("shape", ()))
    strides = ai.get("strides")
    n = 1
    for d in shape:
        n *= int(d)
    if strides is not None:
        # C-contiguous check: strides equal to the packed C strides (size-1 axes are free)
        expect = 8
        for d, s in zip(reversed(shape), reversed(strides)):
            if d > 1 and s != expect:
                return None
            expect *= int(d)
    if ai.get("mask") is not None:
        return None
    data = ai.get("data")
    if not isinstance(data, tuple):
        return None
    addr = int(data[0])
    if n == 0:
        return DoubleBuffer(None, 0, obj, True)
    return DoubleBuffer(ctypes.cast(addr, _DOUBLE_P), n, obj, True)


def _from_buffer(obj: Any, name: str) -> Optional[DoubleBuffer]:
    try:
        mv = memoryview(obj)
    except TypeError:
        return None
    if mv.format not in ("d", "@d", "=d", "<d" if sys.byteorder == "little" else ">d"):
        if mv.format in ("c", "s") or isinstance(obj, (bytes, bytearray)):
            raise TypeError(f"`{name}` must hold numbers, not bytes ({type(obj).__name__})")
        # another numeric format (ints, float32 …): convert once, in C order
        return _convert(_flatten(mv.tolist()), name)
    if not mv.c_contiguous:
        return _convert(_flatten(mv.tolist()), name)
    n = mv.nbytes // 8
    if n == 0:
        return DoubleBuffer(None, 0, obj, True)
    if mv.readonly:
        arr = (c_double * n).from_buffer_copy(mv)
        return DoubleBuffer(arr, n, arr, False)
    flat: Any = mv if mv.ndim == 1 else mv.cast("B").cast("d")
    arr = (c_double * n).from_buffer(flat)
    return DoubleBuffer(arr, n, (arr, flat, obj), True)


def _flatten(x: Any) -> list:
    if isinstance(x, list):
        out: list = []
        for v in x:
            out.extend(_flatten(v)) if isinstance(v, list) else out.append(v)
        return out
    return [x]


def _convert(items: Iterable[Any], name: str) -> DoubleBuffer:
    if isinstance(items, (list, tuple)):
        try:  # fast path (C loop): only numbers
            arr = array("d", items)
        except TypeError:
            pass  # None or a bad item: the checked loop below
        else:
            n = len(arr)
            ptr = (c_double * n).from_buffer(arr) if n else None
            return DoubleBuffer(ptr, n, arr, False)
    arr = array("d")
    try:
        for k, v in enumerate(items):
            if v is None:
                arr.append(NAN)
            elif isinstance(v, (str, bytes)):
                raise TypeError(f"`{name}`[{k}] is {type(v).__name__} {v!r}, not a number")
            else:
                arr.append(float(v))
    except TypeError as e:
        if str(e).startswith(f"`{name}`"):
            raise
        raise TypeError(f"`{name}` must be a sequence of numbers (None = missing): {e}") from None
    n = len(arr)
    if n == 0:
        return DoubleBuffer(None, 0, arr, False)
    return DoubleBuffer((c_double * n).from_buffer(arr), n, arr, False)


def doubles_in(obj: Any, name: str = "values") -> DoubleBuffer:
    """Prepares ``obj`` as a read-only float64 input (see the module docs)."""
    if obj is None:
        return DoubleBuffer(None, 0, None, True)
    if isinstance(obj, (str, bytes, bytearray)):
        raise TypeError(f"`{name}` must be a sequence of numbers, not {type(obj).__name__}")
    if isinstance(obj, dict):
        raise TypeError(f"`{name}` must be a sequence of numbers, not a dict")
    got = _from_array_interface(obj, name)
    if got is None:
        got = _from_buffer(obj, name)
    if got is None:
        if isinstance(obj, (int, float)):
            raise TypeError(f"`{name}` must be a sequence of numbers, not a single {type(obj).__name__}")
        try:
            it = iter(obj)
        except TypeError:
            raise TypeError(
                f"`{name}` must be a sequence of numbers, not {type(obj).__name__}"
            ) from None
        got = _convert(obj if isinstance(obj, (list, tuple)) else it, name)
    return got


def doubles_out(n: int) -> "tuple[array, Any]":
    """A zero-filled ``array('d')`` of ``n`` elements and a pointer to it for C to fill."""
    arr = array("d", bytes(8 * n))
    if n == 0:
        return arr, None
    return arr, (c_double * n).from_buffer(arr)
