"""The exception hierarchy: one class per ``cpindex_status`` code.

Every failing C call returns a status code; :func:`error_for` turns it, together with the
calling thread's last-error message, into an exception. Each class also derives from the
built-in exception a Python programmer would expect (``ValueError`` for bad values,
``LookupError`` for unknown ids, ``OSError`` for I/O, ``RuntimeError`` for a bug inside the
library), so ``except ValueError`` keeps working.

The codes mirror ``enum cpindex_status`` in ``include/cpindex.h``; they are never
renumbered (a test compares this table with ``cpindex_status_str``).
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple, Type

__all__ = [
    "CpindexError",
    "LibraryError",
    "NullArgument",
    "InvalidArgument",
    "InvalidUtf8",
    "BufferTooSmall",
    "InternalError",
    "InvalidFramework",
    "InvalidValue",
    "DomainError",
    "MissingValue",
    "LengthMismatch",
    "EmptyInput",
    "UnknownId",
    "ParseError",
    "JsonError",
    "InvalidSpec",
    "IoError",
    "NotAvailable",
    "error_for",
    "STATUS_NAMES",
]


class CpindexError(Exception):
    """Base class of every error raised by cpindex.

    Attributes:
        code: the ``cpindex_status`` code (an ``int``), or ``None`` for errors detected in
            Python before any C call was made (e.g. the library could not be loaded).
        status_name: the C constant name, e.g. ``"CPINDEX_STATUS_UNKNOWN_ID"``.
        function: the C function that failed, when known.
    """

    code: Optional[int]
    status_name: str
    function: Optional[str]

    def __init__(
        self, message: str, code: Optional[int] = None, function: Optional[str] = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status_name = STATUS_NAMES.get(code, "CPINDEX_STATUS_UNKNOWN") if code is not None else ""
        self.function = function

    def __str__(self) -> str:  # OSError/UnicodeError would otherwise format their own way
        return str(self.args[0]) if self.args else ""


class LibraryError(CpindexError, ImportError):
    """The shared library could not be found or loaded, or its ABI does not match."""


class NotAvailable(CpindexError, NotImplementedError):
    """The loaded library does not export this (later-round or optional) function."""


class NullArgument(CpindexError, ValueError):
    """A required pointer was NULL (``CPINDEX_STATUS_NULL_ARGUMENT``)."""


class InvalidArgument(CpindexError, ValueError):
    """An argument is outside its allowed range (``CPINDEX_STATUS_INVALID_ARGUMENT``)."""


class InvalidUtf8(CpindexError, UnicodeError):
    """Text passed to the library is not valid UTF-8 (``CPINDEX_STATUS_INVALID_UTF8``)."""


class BufferTooSmall(CpindexError):
    """A caller buffer was too small (``CPINDEX_STATUS_BUFFER_TOO_SMALL``).

    The wrapper retries with the size the library asks for, so user code rarely sees it.
    """


class InternalError(CpindexError, RuntimeError):
    """A bug inside cpindex: a caught panic (``CPINDEX_STATUS_PANIC``) or a failed
    internal invariant (``CPINDEX_STATUS_INTERNAL``). Please report it with the message."""


class InvalidFramework(CpindexError, ValueError):
    """A framework definition breaks a structural rule (``CPINDEX_STATUS_INVALID_FRAMEWORK``)."""


class InvalidValue(CpindexError, ValueError):
    """A value outside the domain of the method (±inf, a negative income …;
    ``CPINDEX_STATUS_INVALID_VALUE``)."""


DomainError = InvalidValue
"""Alias of :class:`InvalidValue`."""


class MissingValue(CpindexError, ValueError):
    """A missing value (NaN/None) where the method cannot skip it
    (``CPINDEX_STATUS_MISSING_VALUE``)."""


class LengthMismatch(CpindexError, ValueError):
    """Inputs that must have the same length do not (``CPINDEX_STATUS_LENGTH_MISMATCH``)."""


class EmptyInput(CpindexError, ValueError):
    """An input that must not be empty is empty (``CPINDEX_STATUS_EMPTY_INPUT``)."""


class UnknownId(CpindexError, LookupError):
    """An unknown indicator, unit, dimension, period or framework id
    (``CPINDEX_STATUS_UNKNOWN_ID``)."""


class ParseError(CpindexError, ValueError):
    """Malformed tabular (CSV) input (``CPINDEX_STATUS_PARSE_ERROR``)."""


class JsonError(CpindexError, ValueError):
    """Malformed JSON (``CPINDEX_STATUS_JSON_ERROR``)."""


class InvalidSpec(CpindexError, ValueError):
    """A well-formed spec or request asking for something impossible
    (``CPINDEX_STATUS_INVALID_SPEC``)."""


class IoError(CpindexError, OSError):
    """A file could not be read or written (``CPINDEX_STATUS_IO_ERROR``)."""


# code -> (C constant name, exception class). Codes never change (include/cpindex.h).
_STATUS: Dict[int, Tuple[str, Type[CpindexError]]] = {
    1: ("CPINDEX_STATUS_NULL_ARGUMENT", NullArgument),
    2: ("CPINDEX_STATUS_INVALID_ARGUMENT", InvalidArgument),
    3: ("CPINDEX_STATUS_INVALID_UTF8", InvalidUtf8),
    4: ("CPINDEX_STATUS_BUFFER_TOO_SMALL", BufferTooSmall),
    5: ("CPINDEX_STATUS_PANIC", InternalError),
    6: ("CPINDEX_STATUS_INTERNAL", InternalError),
    100: ("CPINDEX_STATUS_INVALID_FRAMEWORK", InvalidFramework),
    101: ("CPINDEX_STATUS_INVALID_VALUE", InvalidValue),
    102: ("CPINDEX_STATUS_MISSING_VALUE", MissingValue),
    103: ("CPINDEX_STATUS_LENGTH_MISMATCH", LengthMismatch),
    104: ("CPINDEX_STATUS_EMPTY_INPUT", EmptyInput),
    105: ("CPINDEX_STATUS_UNKNOWN_ID", UnknownId),
    106: ("CPINDEX_STATUS_PARSE_ERROR", ParseError),
    107: ("CPINDEX_STATUS_JSON_ERROR", JsonError),
    108: ("CPINDEX_STATUS_INVALID_SPEC", InvalidSpec),
    109: ("CPINDEX_STATUS_IO_ERROR", IoError),
}

STATUS_NAMES: Dict[Optional[int], str] = {0: "CPINDEX_STATUS_OK"}
STATUS_NAMES.update({code: name for code, (name, _) in _STATUS.items()})

# Named codes used by the wrapper itself.
OK = 0
BUFFER_TOO_SMALL = 4
LENGTH_MISMATCH = 103


def error_for(code: int, message: str, function: Optional[str] = None) -> CpindexError:
    """The exception for status ``code`` (unknown codes give the base class)."""
    cls = _STATUS.get(code, (None, CpindexError))[1]
    if not message:
        message = f"{function or 'cpindex'} failed with {STATUS_NAMES.get(code, f'status {code}')}"
    return cls(message, code, function)
