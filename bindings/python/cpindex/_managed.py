"""Owned library handles: freed exactly once (``close()``, ``with``, or a finalizer).

The pattern follows wasmtime-py's ``Managed`` with ``weakref.finalize`` instead of
``__del__`` (it runs at most once, also at interpreter shutdown). ctypes releases the GIL
during every call, so a handle may be used by several Python threads at once; a small
readers-writer lock lets any number of ``const`` calls share the handle while ``close()``
(and mutating calls such as ``Panel.set``) wait for exclusive access. That keeps the
library's rule "no other call may use the handle concurrently" for free and for mutation.
"""

from __future__ import annotations

import threading
import weakref
from contextlib import ExitStack, contextmanager
from typing import Any, Callable, Dict, Iterable, Iterator, Optional, TypeVar

__all__ = ["Managed", "borrow_all"]

T = TypeVar("T", bound="Managed")


class _RWLock:
    """Many readers or one writer (writers are not starved: new readers wait for them)."""

    __slots__ = ("_cond", "_readers", "_writer", "_waiting_writers")

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._waiting_writers += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class Managed:
    """Base class of Python objects owning one library pointer.

    Subclasses call :meth:`_adopt` with the pointer and the C free function. Use
    :meth:`_borrow` (shared) or :meth:`_borrow_mut` (exclusive) around every C call.
    """

    __slots__ = ("_ptr", "_finalizer", "_lock", "__weakref__")
    _kind = "handle"

    def _adopt(self, ptr: Any, free: Callable[[Any], None]) -> None:
        if not ptr:
            raise ValueError(f"cannot adopt a NULL {self._kind}")
        self._ptr = ptr
        self._lock = _RWLock()
        # The finalizer holds the pointer and the free function, never `self`.
        self._finalizer = weakref.finalize(self, free, ptr)

    @property
    def closed(self) -> bool:
        """Whether the library object has been freed."""
        return getattr(self, "_ptr", None) is None

    def close(self) -> None:
        """Frees the library object now. Idempotent; later use raises ``ValueError``."""
        fin: Optional[weakref.finalize] = getattr(self, "_finalizer", None)
        if fin is None:
            return
        with self._lock.write():
            if self._ptr is None:
                return
            self._ptr = None
            fin()  # runs the free function exactly once (finalize is at-most-once)

    def _check(self) -> Any:
        ptr = getattr(self, "_ptr", None)
        if ptr is None:
            raise ValueError(f"this {self._kind} is closed")
        return ptr

    @contextmanager
    def _borrow(self) -> Iterator[Any]:
        """The pointer, for a call that only reads the object (shared access)."""
        self._check()
        with self._lock.read():
            yield self._check()

    @contextmanager
    def _borrow_mut(self) -> Iterator[Any]:
        """The pointer, for a call that modifies the object (exclusive access)."""
        self._check()
        with self._lock.write():
            yield self._check()

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


@contextmanager
def borrow_all(shared: Iterable[Managed] = (), exclusive: Iterable[Managed] = ()) -> Iterator[None]:
    """Holds several handles for one C call that receives all their pointers (an array of
    summaries, a framework and a panel …): ``shared`` ones for reading, ``exclusive`` ones
    for writing. Inside the block read each pointer with ``_check()``; no ``close()`` can
    free it until the block ends.

    Every distinct handle is locked once, even if it is listed several times (a second
    read lock on the same handle would wait behind a ``close()`` already waiting for the
    first one: a deadlock), and the locks are taken in one global order (by ``id()``), so
    two calls naming the same handles in opposite orders (``a.merge(b)`` and
    ``b.merge(a)``) cannot deadlock each other. A handle both shared and exclusive is a
    ``ValueError`` (the library rejects such aliasing too); a closed one raises
    ``ValueError("this … is closed")`` before anything is locked."""
    want: Dict[int, "tuple[Managed, bool]"] = {}
    for h in shared:
        want.setdefault(id(h), (h, False))
    for h in exclusive:
        prev = want.get(id(h))
        if prev is not None:
            if not prev[1]:
                raise ValueError(f"the same {h._kind} is passed both as input and as output")
            continue
        want[id(h)] = (h, True)
    for h, _ in want.values():
        h._check()
    with ExitStack() as stack:
        for key in sorted(want):
            h, mut = want[key]
            stack.enter_context(h._lock.write() if mut else h._lock.read())
            h._check()  # closed while we waited for the lock
        yield
