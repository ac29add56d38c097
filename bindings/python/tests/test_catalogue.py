"""The bad-input catalogue (tests/catalogue, see its README.md) through the Python binding:
each case's expected status code and the words the error message must contain."""

from __future__ import annotations

import unittest
from ctypes import byref
from pathlib import Path
from typing import Dict, Optional

import cpindex
from cpindex import Framework, Panel, run_json
from cpindex._native import LIB, SPEC_P

import support

CATALOGUE = support.REPO / "tests" / "catalogue"


def _meta(case: Path) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for line in (case / "case.txt").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        out[key.strip()] = value.strip()
    return out


def _input(case: Path, meta: Dict[str, str]) -> bytes:
    if "input" in meta:
        return (case / meta["input"]).read_bytes()
    kind, rows = meta["generate"].split()
    assert kind == "panel_rows", kind
    lines = ["unit,period,indicator,value"]
    lines += [f"unit{k},{10000 + k},gdp,1" for k in range(int(rows))]
    return ("\n".join(lines) + "\n").encode()


def _spec(kind: int, data: bytes) -> None:
    out = SPEC_P()
    LIB.cpindex_spec_new(kind, data, len(data), byref(out))
    LIB.cpindex_spec_free(out)


def _run(kind: str, data: bytes) -> Optional[object]:
    if kind == "csv_long":
        return Panel.from_csv(data)
    if kind == "framework":
        return Framework.from_json(data)
    if kind == "spec":
        return _spec(0, data)
    if kind == "monitor":
        return _spec(1, data)
    if kind == "request":
        return run_json(data)
    raise AssertionError(f"no Python route for {kind}")


@unittest.skipUnless(CATALOGUE.is_dir(), "the catalogue is only in a source checkout")
class CatalogueTest(unittest.TestCase):
    def test_every_case_with_a_status(self) -> None:
        ran = 0
        for case in sorted(p for p in CATALOGUE.iterdir() if (p / "case.txt").is_file()):
            meta = _meta(case)
            if meta["status"] == "-":
                continue
            expected = int(meta["status"])
            words = [w for w in meta.get("words", "").split("|") if w]
            with self.subTest(case=case.name):
                try:
                    _run(meta["kind"], _input(case, meta))
                    code, message = 0, ""
                except cpindex.CpindexError as e:
                    code, message = e.code, str(e)
                self.assertEqual(code, expected, message)
                self.assertNotIn("\0", message)
                for w in words:
                    self.assertIn(w, message)
                ran += 1
        self.assertGreaterEqual(ran, 10)


if __name__ == "__main__":
    unittest.main()
