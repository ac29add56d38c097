"""float64 buffers for the C ABI without importing numpy.

:func:`doubles_in` turns the caller's values into ``(pointer, n, keepalive)`` for a
``(const double *, size_t)`` parameter:

* an object with ``__array_interface__`` (numpy arrays, also read-only ones) holding
  C-contiguous native float64: its data address is passed directly (**zero-copy**); the
  object itself is kept alive for the duration of the call;
* any other numpy array — another dtype (ints, bools, float32, float16, big-endian, long
  double), strided, or an ``object`` array (what ``Series.to_numpy()`` gives for a column
  holding ``None``) — is converted once to float64 by numpy; in an ``object`` array
  ``None``, NaN and pandas' ``pd.NA``/``pd.NaT`` become NaN. A dtype that does not hold
  numbers (strings, dates, complex) is a ``TypeError`` naming it;
* a numpy **masked array**: its masked-out elements are missing (NaN), never the
  numbers hidden under the mask; converted once;
* any other buffer-protocol object (``array('d')``, ``memoryview``, writable ``bytearray``
  views cast to ``'d'`` …) with native float64 items, C-contiguous and writable:
  ``(c_double * n).from_buffer`` (**zero-copy**); read-only ones are copied once;
* everything else (lists, tuples, generators, pandas Series, other buffer formats):
  converted once into an ``array('d')``; ``None``, NaN and ``pd.NA`` items become NaN
  (the library's missing-value marker).

``None`` as the whole argument means ``(NULL, 0)``; a single number (also a numpy scalar
or a 0-d array) is a ``TypeError``: the functions take sequences. Lengths are in elements.

``doubles_in(out, "out", writable=True)`` prepares an **output** buffer the library writes
into: only writable, C-contiguous native float64 memory is accepted (never a read-only
array, a memory map opened read-only, or an array viewing an immutable ``bytes``).
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
    object that owns the memory (kept alive by holding this tuple). ``zero_copy``: the
    caller's own memory is passed; ``writable``: that memory may be written through
    ``ptr`` (False for read-only arrays and for every converted copy)."""

    ptr: Any
    n: int
    keep: Any
    zero_copy: bool
    writable: bool = False

    @property
    def address(self) -> int:
        """The address passed to C (0 for NULL), for zero-copy checks."""
        return ctypes.cast(self.ptr, ctypes.c_void_p).value or 0 if self.ptr is not None else 0


def is_missing(v: Any) -> bool:
    """Whether one item is a missing value: ``None``, NaN (any float type) or pandas'
    ``pd.NA`` / ``pd.NaT`` (checked without importing pandas)."""
    if v is None:
        return True
    if isinstance(v, float):
        return v != v
    pd = sys.modules.get("pandas")
    if pd is not None and (v is getattr(pd, "NA", None) or v is getattr(pd, "NaT", None)):
        return True
    if isinstance(v, (int, str, bytes)):
        return False
    try:
        return bool(v != v)  # numpy float32/float16 NaN
    except (TypeError, ValueError):
        return False


def _masked_module(obj: Any) -> Any:
    """``numpy.ma`` if ``obj`` is a numpy masked array (only then is numpy.ma loaded)."""
    ma = sys.modules.get("numpy.ma")
    return ma if ma is not None and isinstance(obj, ma.MaskedArray) else None


def _numpy_module(obj: Any) -> Any:
    """``numpy`` if ``obj`` is a numpy array (checked without importing numpy)."""
    np = sys.modules.get("numpy")
    return np if np is not None and isinstance(obj, np.ndarray) else None


def _is_scalar(obj: Any) -> bool:
    """A single number: a Python or numpy scalar, or a 0-d array."""
    if isinstance(obj, (int, float)):
        return True
    ai = getattr(obj, "__array_interface__", None)
    if isinstance(ai, dict) and tuple(ai.get("shape", (0,))) == ():
        return True
    return False


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
    writable = not (len(data) > 1 and data[1])  # (address, read-only flag)
    if n == 0:
        return DoubleBuffer(None, 0, obj, True, writable)
    return DoubleBuffer(ctypes.cast(addr, _DOUBLE_P), n, obj, True, writable)


def _numpy_float64(np: Any, obj: Any, name: str) -> DoubleBuffer:
    """A numpy array (masked, another dtype, strided, ``object``) converted once to a
    C-contiguous float64 array, in C order; masked and missing items become NaN."""
    ma = _masked_module(obj)
    mask = None
    if ma is not None:
        mask = ma.getmaskarray(obj)
        obj = ma.getdata(obj)
    kind = obj.dtype.kind
    if kind in "fiub":  # floats of any width and byte order, ints, bools
        out = np.asarray(obj, dtype=np.float64)
    elif kind == "O":  # Python objects: None / NaN / pd.NA are missing
        out = np.frombuffer(_items_to_doubles(obj.ravel(order="C").tolist(), name), dtype=np.float64)
        out = out.reshape(obj.shape)
    else:
        hint = {
            "c": "complex numbers are not values of a measure",
            "M": "dates are not values of a measure",
            "m": "durations are not values of a measure",
        }.get(kind, "convert the values to numbers first, e.g. with pandas.to_numeric")
        raise TypeError(f"`{name}` must hold numbers, not a numpy array of dtype {obj.dtype} ({hint})")
    if mask is not None and mask.any():
        out = np.where(mask, np.nan, out)  # a new array: the caller's data is not touched
    out = np.ascontiguousarray(out, dtype=np.float64)
    got = _from_array_interface(out, name)
    assert got is not None
    return DoubleBuffer(got.ptr, got.n, out, False, False)


def _from_buffer(obj: Any, name: str) -> Optional[DoubleBuffer]:
    try:
        mv = memoryview(obj)
    except (TypeError, ValueError):
        return None
    if mv.format not in ("d", "@d", "=d", "<d" if sys.byteorder == "little" else ">d"):
        if mv.format in ("c", "s") or isinstance(obj, (bytes, bytearray)):
            raise TypeError(f"`{name}` must hold numbers, not bytes ({type(obj).__name__})")
        # another numeric format (ints, float32 …): convert once, in C order
        return _convert(_flatten(_tolist(mv, obj, name)), name)
    if not mv.c_contiguous:
        return _convert(_flatten(_tolist(mv, obj, name)), name)
    n = mv.nbytes // 8
    if n == 0:
        return DoubleBuffer(None, 0, obj, True, not mv.readonly)
    if mv.readonly:
        arr = (c_double * n).from_buffer_copy(mv)
        return DoubleBuffer(arr, n, arr, False, False)
    flat: Any = mv if mv.ndim == 1 else mv.cast("B").cast("d")
    arr = (c_double * n).from_buffer(flat)
    return DoubleBuffer(arr, n, (arr, flat, obj), True, True)


def _tolist(mv: memoryview, obj: Any, name: str) -> Any:
    """``mv.tolist()``, or a ``TypeError`` naming the format Python cannot unpack."""
    try:
        return mv.tolist()
    except (NotImplementedError, ValueError, TypeError):
        raise TypeError(
            f"`{name}` holds items of buffer format {mv.format!r} ({type(obj).__name__}), which "
            "cannot be read as numbers here; pass a list, an array('d') or a float64 array"
        ) from None


def _flatten(x: Any) -> list:
    if isinstance(x, list):
        out: list = []
        for v in x:
            out.extend(_flatten(v)) if isinstance(v, list) else out.append(v)
        return out
    return [x]


def _items_to_doubles(items: Iterable[Any], name: str) -> array:
    """Items as an ``array('d')``: missing items (``None``, NaN, ``pd.NA``) as NaN, any
    other non-number a ``TypeError`` naming its position."""
    arr = array("d")
    for k, v in enumerate(items):
        if isinstance(v, (str, bytes)):
            raise TypeError(f"`{name}`[{k}] is {type(v).__name__} {v!r}, not a number")
        if is_missing(v):
            arr.append(NAN)
            continue
        try:
            arr.append(float(v))
        except (TypeError, ValueError) as e:
            raise TypeError(
                f"`{name}` must be a sequence of numbers (None = missing): "
                f"`{name}`[{k}] is {type(v).__name__} {v!r} ({e})"
            ) from None
    return arr


def _convert(items: Iterable[Any], name: str) -> DoubleBuffer:
    if isinstance(items, (list, tuple)):
        try:  # fast path (C loop): only numbers
            arr = array("d", items)
        except TypeError:
            pass  # None or a bad item: the checked loop below
        else:
            n = len(arr)
            ptr = (c_double * n).from_buffer(arr) if n else None
            return DoubleBuffer(ptr, n, arr, False, False)
    arr = _items_to_doubles(items, name)
    n = len(arr)
    if n == 0:
        return DoubleBuffer(None, 0, arr, False, False)
    return DoubleBuffer((c_double * n).from_buffer(arr), n, arr, False, False)


def doubles_in(obj: Any, name: str = "values", *, writable: bool = False) -> DoubleBuffer:
    """Prepares ``obj`` as a float64 input (see the module docs), or — ``writable=True`` —
    as an output buffer the library writes into (``TypeError`` unless ``obj`` is writable,
    C-contiguous native float64 memory)."""
    if writable:
        return _writable(obj, name)
    if obj is None:
        return DoubleBuffer(None, 0, None, True)
    if isinstance(obj, (str, bytes, bytearray)):
        raise TypeError(f"`{name}` must be a sequence of numbers, not {type(obj).__name__}")
    if isinstance(obj, dict):
        raise TypeError(f"`{name}` must be a sequence of numbers, not a dict")
    if _is_scalar(obj):
        raise TypeError(
            f"`{name}` must be a sequence of numbers, not a single {type(obj).__name__} "
            f"({obj!r}); wrap it in a list"
        )
    np = _numpy_module(obj)
    got = None if _masked_module(obj) is not None else _from_array_interface(obj, name)
    if got is None and np is not None:
        got = _numpy_float64(np, obj, name)
    if got is None:
        got = _from_buffer(obj, name)
    if got is None:
        try:
            it = iter(obj)
        except TypeError:
            raise TypeError(
                f"`{name}` must be a sequence of numbers, not {type(obj).__name__}"
            ) from None
        got = _convert(obj if isinstance(obj, (list, tuple)) else it, name)
    return got


def _writable(obj: Any, name: str) -> DoubleBuffer:
    what = f"`{name}` must be a writable, C-contiguous float64 buffer"
    if obj is None or isinstance(obj, (str, bytes)) or _is_scalar(obj):
        raise TypeError(f"{what}, not {type(obj).__name__}")
    if _masked_module(obj) is not None:
        raise TypeError(f"{what}, not a masked array (write into its .data, then set the mask)")
    got = _from_array_interface(obj, name)
    if got is None and not hasattr(obj, "__array_interface__"):
        try:
            mv = memoryview(obj)
        except (TypeError, ValueError):
            mv = None
        if mv is not None and mv.readonly:
            raise TypeError(f"{what}; this {type(obj).__name__} is read-only")
        if mv is not None and mv.format in ("d", "@d", "=d", "<d" if sys.byteorder == "little" else ">d"):
            got = _from_buffer(obj, name)
    if got is None or not got.zero_copy:
        raise TypeError(f"{what} (e.g. numpy.empty(n) or array('d', bytes(8 * n))), not this {type(obj).__name__}")
    if not got.writable:
        raise TypeError(
            f"{what}; this {type(obj).__name__} is read-only (a read-only memory map, an array "
            "over immutable bytes, or one with writeable=False): pass a writable copy"
        )
    return got
def doubles_out(n: int) -> "tuple[array, Any]":
    """A zero-filled ``array('d')`` of ``n`` elements and a pointer to it for C to fill."""
    arr = array("d", bytes(8 * n))
    if n == 0:
        return arr, None
    return arr, (c_double * n).from_buffer(arr)
