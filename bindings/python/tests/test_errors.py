"""Status codes → exceptions, last-error messages, the panic boundary, the table."""

from __future__ import annotations

import ctypes
import re
import threading
import unittest

import cpindex
from cpindex import _errors, _native
from cpindex._native import LIB

import support

# The C names and codes as written in include/cpindex.h (copied by hand from the header,
# so a renumbering on either side fails here).
HEADER_CODES = {
    0: "CPINDEX_STATUS_OK",
    1: "CPINDEX_STATUS_NULL_ARGUMENT",
    2: "CPINDEX_STATUS_INVALID_ARGUMENT",
    3: "CPINDEX_STATUS_INVALID_UTF8",
    4: "CPINDEX_STATUS_BUFFER_TOO_SMALL",
    5: "CPINDEX_STATUS_PANIC",
    6: "CPINDEX_STATUS_INTERNAL",
    100: "CPINDEX_STATUS_INVALID_FRAMEWORK",
    101: "CPINDEX_STATUS_INVALID_VALUE",
    102: "CPINDEX_STATUS_MISSING_VALUE",
    103: "CPINDEX_STATUS_LENGTH_MISMATCH",
    104: "CPINDEX_STATUS_EMPTY_INPUT",
    105: "CPINDEX_STATUS_UNKNOWN_ID",
    106: "CPINDEX_STATUS_PARSE_ERROR",
    107: "CPINDEX_STATUS_JSON_ERROR",
    108: "CPINDEX_STATUS_INVALID_SPEC",
    109: "CPINDEX_STATUS_IO_ERROR",
}


class StatusTableTest(unittest.TestCase):
    def test_names_match_library_and_header(self) -> None:
        self.assertEqual(_errors.STATUS_NAMES, HEADER_CODES)
        for code, name in HEADER_CODES.items():
            self.assertTrue(_native.status_str(code).startswith(name + ":"), (code, _native.status_str(code)))
        self.assertTrue(_native.status_str(9999).startswith("CPINDEX_STATUS_UNKNOWN"))

    def test_header_enum_matches(self) -> None:
        if not support.HEADER.is_file():
            self.skipTest("include/cpindex.h not available (installed package)")
        text = support.HEADER.read_text(encoding="utf-8")
        block = text[text.index("enum cpindex_status\n") :]
        block = block[: block.index("};")]
        found = {int(v): k for k, v in re.findall(r"(CPINDEX_STATUS_[A-Z0-9_]+) = (\d+)", block)}
        self.assertEqual(found, HEADER_CODES)

    def test_classes(self) -> None:
        expect = {
            1: (cpindex.NullArgument, ValueError),
            2: (cpindex.InvalidArgument, ValueError),
            3: (cpindex.InvalidUtf8, UnicodeError),
            4: (cpindex.BufferTooSmall, cpindex.CpindexError),
            5: (cpindex.InternalError, RuntimeError),
            6: (cpindex.InternalError, RuntimeError),
            100: (cpindex.InvalidFramework, ValueError),
            101: (cpindex.InvalidValue, ValueError),
            102: (cpindex.MissingValue, ValueError),
            103: (cpindex.LengthMismatch, ValueError),
            104: (cpindex.EmptyInput, ValueError),
            105: (cpindex.UnknownId, LookupError),
            106: (cpindex.ParseError, ValueError),
            107: (cpindex.JsonError, ValueError),
            108: (cpindex.InvalidSpec, ValueError),
            109: (cpindex.IoError, OSError),
        }
        for code, (cls, builtin) in expect.items():
            e = _errors.error_for(code, "msg", "cpindex_x")
            self.assertIs(type(e), cls)
            self.assertIsInstance(e, builtin)
            self.assertIsInstance(e, cpindex.CpindexError)
            self.assertEqual(e.code, code)
            self.assertEqual(e.status_name, HEADER_CODES[code])
            self.assertEqual(str(e), "msg")
            self.assertEqual(e.function, "cpindex_x")
        unknown = _errors.error_for(777, "")
        self.assertIs(type(unknown), cpindex.CpindexError)
        self.assertIn("777", str(unknown))
        self.assertIs(cpindex.DomainError, cpindex.InvalidValue)


class MappingFromRealCallsTest(unittest.TestCase):
    """Each reachable status produced by the real library, never a crash."""

    def test_null_argument(self) -> None:
        with self.assertRaises(cpindex.NullArgument) as cm:
            LIB.cpindex_framework_builtin(b"quzhou-2021-2025", 16, None)
        self.assertEqual(cm.exception.code, 1)
        self.assertIn("out", str(cm.exception))
        self.assertEqual(cm.exception.function, "cpindex_framework_builtin")

    def test_invalid_argument(self) -> None:
        fw = cpindex.Framework.builtin()
        out = ctypes.c_size_t()
        with self.assertRaises(cpindex.InvalidArgument):
            with fw._borrow() as p:
                LIB.cpindex_framework_dimension_text(p, 0, 99, None, 0, ctypes.byref(out))
        with self.assertRaises(cpindex.InvalidArgument):
            with fw._borrow() as p:
                LIB.cpindex_framework_indicator_kind(p, 10_000, ctypes.byref(ctypes.c_uint32()))

    def test_buffer_too_small_is_returned_for_sized_functions(self) -> None:
        fw = cpindex.Framework.builtin()
        n = ctypes.c_size_t()
        buf = ctypes.create_string_buffer(4)
        with fw._borrow() as p:
            st = LIB.cpindex_framework_to_json(p, buf, 4, ctypes.byref(n))
        self.assertEqual(st, 4)
        self.assertGreater(n.value, 100)
        self.assertEqual(len(fw.to_json().encode("utf-8")), n.value)

    def test_message_is_per_thread_and_not_consumed(self) -> None:
        LIB.cpindex_last_error_clear()
        self.assertEqual(_native.last_error_message(), "")
        with self.assertRaises(cpindex.UnknownId):
            cpindex.Framework.builtin("nope")
        first = _native.last_error_message()
        self.assertIn("nope", first)
        self.assertEqual(_native.last_error_message(), first)  # reading does not clear
        seen = []
        t = threading.Thread(target=lambda: seen.append(_native.last_error_message()))
        t.start()
        t.join()
        self.assertEqual(seen, [""])  # another thread has its own (empty) last error
        LIB.cpindex_last_error_clear()

    def test_panic_becomes_internal_error(self) -> None:
        if not LIB.has("cpindex_debug_panic"):
            self.skipTest("this library build has no cpindex_debug_panic export")
        for _ in range(3):  # the process survives repeated panics
            with self.assertRaises(cpindex.InternalError) as cm:
                LIB.cpindex_debug_panic()
            self.assertEqual(cm.exception.code, 5)
            self.assertEqual(cm.exception.status_name, "CPINDEX_STATUS_PANIC")
            self.assertIn("deliberate panic", str(cm.exception))
        self.assertEqual(cpindex.Framework.builtin().id, "quzhou-2021-2025")


class DeclarationTableTest(unittest.TestCase):
    def test_every_required_row_is_bound(self) -> None:
        for name, row in _native.declared_functions().items():
            if not row.optional:
                self.assertTrue(LIB.has(name), name)
                fn = getattr(LIB, name)
                self.assertEqual(list(fn.argtypes), list(row.argtypes), name)

    def test_table_covers_the_header(self) -> None:
        """Every function the header declares has a row, with the same number of
        parameters (header drift check on the Python side)."""
        if not support.HEADER.is_file():
            self.skipTest("include/cpindex.h not available (installed package)")
        text = support.HEADER.read_text(encoding="utf-8")
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        decls = re.findall(r"\b(cpindex_[a-z0-9_]+)\s*\(([^)]*)\)\s*;", text)
        self.assertGreater(len(decls), 30)
        table = _native.declared_functions()
        for name, params in decls:
            self.assertTrue(name in table, f"{name} is in include/cpindex.h but not in _native._TABLE")
            n = 0 if params.strip() in ("", "void") else params.count(",") + 1
            self.assertEqual(len(table[name].argtypes), n, name)

    def test_abi(self) -> None:
        self.assertEqual(cpindex.abi_version(), cpindex.ABI_VERSION)
        self.assertRegex(cpindex.library_version(), r"^\d+\.\d+\.\d+")
        if support.HEADER.is_file():
            text = support.HEADER.read_text(encoding="utf-8")
            m = re.search(r"#define CPINDEX_ABI_VERSION (\d+)", text)
            self.assertEqual(int(m.group(1)), cpindex.ABI_VERSION)
            m = re.search(r'#define CPINDEX_VERSION_STRING "([^"]+)"', text)
            self.assertEqual(m.group(1), cpindex.library_version())

    def test_missing_optional_function(self) -> None:
        class Fake(_native._Lib):
            pass

        fake = Fake()
        fake.path = "/nowhere/libcpindex.so"
        with self.assertRaises(cpindex.NotAvailable) as cm:
            fake.require("cpindex_gini")
        self.assertIsInstance(cm.exception, NotImplementedError)
        self.assertIn("/nowhere/libcpindex.so", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
