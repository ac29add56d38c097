"""Panel.from_csv over a bureau's own files, through the library's one reader
(``cpindex_panel_read``): GB18030 bytes, Chinese headers and indicator names, values in
元 for an indicator in 万元, and an ``.xlsx`` workbook written by openpyxl. Each panel is
compared cell by cell with the one read from the shipped ``examples/data/quzhou.csv``.

The workbook test needs openpyxl: without it, it is skipped with the reason, and fails
instead when ``CPINDEX_REQUIRE_OPENPYXL=1`` (set by ``.ci/run``, which installs it)."""

from __future__ import annotations

import csv
import math
import os
import tempfile
import unittest
from typing import List

import cpindex
from cpindex import Framework, Panel

import support

SAMPLE_CSV = support.REPO / "examples" / "data" / "quzhou.csv"

try:
    import openpyxl  # noqa: F401

    HAVE_OPENPYXL = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_OPENPYXL = False
    if os.environ.get("CPINDEX_REQUIRE_OPENPYXL") == "1":
        raise RuntimeError("openpyxl is not installed — but CPINDEX_REQUIRE_OPENPYXL=1")
    print("\n[cpindex tests] SKIP reason: openpyxl is not installed: the .xlsx reader is not exercised", flush=True)


def sample_rows() -> List[List[str]]:
    with open(SAMPLE_CSV, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["unit", "period", "indicator", "value", "source", "illustrative"]
    return rows[1:]


def times_1e4(v: str) -> str:
    """The decimal text in a unit 10^4 times smaller, by moving the point (7.1936 -> 71936)."""
    whole, _, frac = v.partition(".")
    frac = frac.ljust(4, "0")
    digits = (whole + frac[:4]).lstrip("0") or "0"
    return digits + ("." + frac[4:] if frac[4:] else "")


class ReaderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.fw = Framework.builtin()
        cls.base = Panel.from_csv(SAMPLE_CSV, framework=cls.fw)
        cls.names = {i.id: i.name_zh for i in cls.fw.indicators}

    def assertSamePanel(self, p: Panel) -> None:
        self.assertEqual(p.units, self.base.units)
        self.assertEqual(p.periods, self.base.periods)
        self.assertEqual(p.indicators, self.base.indicators)
        for a, b in zip(p.values(), self.base.values()):
            self.assertTrue(a == b or (math.isnan(a) and math.isnan(b)), (a, b))

    def test_gb18030_chinese_headers_and_names(self) -> None:
        lines = ["地区,年份,指标,数值,来源,示意"]
        for u, y, i, v, s, ill in sample_rows():
            lines.append(",".join([u, y, self.names.get(i, i), v, s, ill]))
        raw = ("\r\n".join(lines) + "\r\n").encode("gb18030")
        self.assertSamePanel(Panel.from_csv(raw, framework=self.fw))
        self.assertSamePanel(Panel.from_csv(raw, framework=self.fw, encoding="gbk"))
        with self.assertRaises(cpindex.ParseError) as cm:
            Panel.from_csv(raw, framework=self.fw, encoding="utf-8")
        self.assertIn("gb18030", str(cm.exception))

    def test_yuan_for_wan_yuan(self) -> None:
        wan = next(i.id for i in self.fw.indicators if i.unit.label == "万元" and i.target is not None)
        declared = ["unit,period,indicator,value,source,illustrative,unit_of_measure"]
        undeclared = ["unit,period,indicator,value,source,illustrative"]
        for u, y, i, v, s, ill in sample_rows():
            v2, unit = (times_1e4(v), "元") if i == wan else (v, "")
            declared.append(",".join([u, y, i, v2, s, ill, unit]))
            undeclared.append(",".join([u, y, i, v2, s, ill]))
        self.assertSamePanel(Panel.from_csv("\n".join(declared) + "\n", framework=self.fw))
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "yuan.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(undeclared) + "\n")
            with self.assertRaises(cpindex.ParseError) as cm:
                Panel.from_csv(path, framework=self.fw)
            self.assertIn("yuan.csv, line", str(cm.exception))
            self.assertIn("元", str(cm.exception))
            p = Panel.from_csv(path, framework=self.fw, allow_unit_mismatch=True)
            self.assertEqual(p.shape, self.base.shape)

    @unittest.skipUnless(HAVE_OPENPYXL, "openpyxl is not installed")
    def test_xlsx_long_and_wide(self) -> None:
        import openpyxl

        rows = sample_rows()
        wb = openpyxl.Workbook()
        wb.active.title = "说明"
        wb.active.append(["数据在“数据”表"])
        ws = wb.create_sheet("数据")
        ws.append(["unit", "period", "indicator", "value", "source", "illustrative"])
        for u, y, i, v, s, ill in rows:
            ws.append([u, int(y), i, float(v), s, ill])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "data.xlsx")
            wb.save(path)
            self.assertSamePanel(Panel.from_csv(path, framework=self.fw, sheet="数据"))
            self.assertSamePanel(Panel.from_csv(path, framework=self.fw, sheet=1))
            with open(path, "rb") as f:
                self.assertSamePanel(Panel.from_csv(f.read(), framework=self.fw, sheet=1))
            with self.assertRaises(cpindex.InvalidArgument):
                Panel.from_csv(path, framework=self.fw, sheet="统计")
            ws.cell(row=5, column=4, value="n.a.")  # D5
            wb.save(path)
            with self.assertRaises(cpindex.ParseError) as cm:
                Panel.from_csv(path, framework=self.fw, sheet="数据")
            self.assertIn("数据!D5", str(cm.exception))
        # wide, Chinese headers and names, one sheet
        ids: List[str] = []
        cells = {}
        for u, y, i, v, _s, _ill in rows:
            if i not in ids:
                ids.append(i)
            cells[(u, int(y), i)] = float(v)
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["地区", "年份"] + [self.names.get(i, i) for i in ids])
        for u in self.base.units:
            for y in self.base.periods:
                ws.append([u, y] + [cells.get((u, y, i)) for i in ids])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "wide.xlsx")
            wb.save(path)
            p = Panel.from_csv(path, layout="wide", framework=self.fw)
        self.assertEqual(p.indicators, self.base.indicators)
        for a, b in zip(p.values(), self.base.values()):
            self.assertTrue(a == b or (math.isnan(a) and math.isnan(b)), (a, b))


if __name__ == "__main__":
    unittest.main()
