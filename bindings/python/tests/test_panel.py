"""Panels: construction from every input kind, layout, cells, errors."""

from __future__ import annotations

import csv
import math
import os
import tempfile
import threading
import unittest
from array import array

import cpindex
from cpindex import Panel

import support

if support.HAVE_NUMPY:
    import numpy as np

UNITS = ["kecheng", "qujiang", "jiangshan"]
PERIODS = [2020, 2021]
INDS = ["gdp", "pm25_concentration"]


def flat_value(u: int, p: int, i: int) -> float:
    """A value that encodes its own position: 100·i + 10·p + u."""
    return 100.0 * i + 10.0 * p + u


def column_major() -> array:
    # flat position (i * n_periods + p) * n_units + u, as documented in include/cpindex.h
    out = array("d", [0.0]) * 12
    for i in range(2):
        for p in range(2):
            for u in range(3):
                out[(i * 2 + p) * 3 + u] = flat_value(u, p, i)
    return out


class ConstructionTest(unittest.TestCase):
    def check(self, panel: Panel) -> None:
        self.assertEqual(panel.shape, (3, 2, 2))
        self.assertEqual(panel.units, tuple(UNITS))
        self.assertEqual(panel.periods, (2020, 2021))
        self.assertEqual(panel.indicators, tuple(INDS))
        for u in range(3):
            for p in range(2):
                for i in range(2):
                    self.assertEqual(panel.get_at(u, p, i), flat_value(u, p, i))
                    self.assertEqual(panel[UNITS[u], PERIODS[p], INDS[i]], flat_value(u, p, i))

    def test_flat_array(self) -> None:
        self.check(Panel(UNITS, PERIODS, INDS, column_major()))

    def test_flat_list(self) -> None:
        self.check(Panel(UNITS, PERIODS, INDS, list(column_major())))

    def test_nested_lists(self) -> None:
        nested = [[[flat_value(u, p, i) for i in range(2)] for p in range(2)] for u in range(3)]
        self.check(Panel(UNITS, PERIODS, INDS, nested))

    def test_records_and_dict(self) -> None:
        recs = [(UNITS[u], PERIODS[p], INDS[i], flat_value(u, p, i)) for i in range(2) for p in range(2) for u in range(3)]
        self.check(Panel.from_records(recs))
        self.check(Panel.from_records({"unit": a, "period": b, "indicator": c, "value": d} for a, b, c, d in recs))
        d: dict = {}
        for u, p, i, v in recs:
            d.setdefault(i, {}).setdefault(u, {})[p] = v
        self.check(Panel.from_dict(d))

    def test_unsorted_periods_move_values(self) -> None:
        # periods given as [2021, 2020]: the library sorts them, values move with them
        vals = array("d", [1, 2, 3, 4, 5, 6])  # one indicator, p=0 is 2021
        panel = Panel(UNITS, [2021, 2020], ["gdp"], vals)
        self.assertEqual(panel.periods, (2020, 2021))
        self.assertEqual(panel["kecheng", 2021, "gdp"], 1.0)
        self.assertEqual(panel["kecheng", 2020, "gdp"], 4.0)
        self.assertEqual(list(panel.values()), [4, 5, 6, 1, 2, 3])

    def test_missing_values(self) -> None:
        panel = Panel(["a", "b"], [2020], ["x"], [None, 1.0])
        self.assertTrue(math.isnan(panel["a", 2020, "x"]))
        self.assertEqual(panel.missing_count(), 1)
        empty = Panel(["a"], [2020], ["x"])
        self.assertTrue(math.isnan(empty.get_at(0, 0, 0)))
        sparse = Panel.from_records([("a", 2020, "x", 1.0), ("b", 2021, "y", 2.0)])
        self.assertEqual(sparse.shape, (2, 2, 2))
        self.assertEqual(sparse.missing_count(), 6)

    def test_empty_panel(self) -> None:
        p = Panel([], [], [], [])
        self.assertEqual(p.shape, (0, 0, 0))
        self.assertEqual(list(p.values()), [])


SAMPLE_CSV = support.REPO / "examples" / "data" / "quzhou.csv"


def csv_module_cells(path: "os.PathLike[str]") -> dict:
    """The long-format sample read independently of cpindex with the csv module:
    {(unit, period, indicator): value}, missing (empty/NA/N/A/NaN) as None."""
    cells = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text = row["value"].strip()
            value = None if text.lower() in ("", "na", "n/a", "nan") else float(text)
            cells[(row["unit"].strip(), int(row["period"]), row["indicator"].strip())] = value
    return cells


class CsvTest(unittest.TestCase):
    """Panel.from_csv goes through the library's parser (cpindex_panel_from_csv)."""

    def test_long(self) -> None:
        text = "unit,period,indicator,value\nkecheng,2020,gdp,1.5\nkecheng,2021,gdp,\nqujiang,2020,gdp,NA\n"
        p = Panel.from_csv(text)
        self.assertEqual(p.shape, (2, 2, 1))
        self.assertEqual(p["kecheng", 2020, "gdp"], 1.5)
        self.assertTrue(math.isnan(p["kecheng", 2021, "gdp"]))
        self.assertTrue(math.isnan(p["qujiang", 2020, "gdp"]))  # NA
        self.assertTrue(math.isnan(p["qujiang", 2021, "gdp"]))  # not given
        same = Panel.from_csv(text.encode("utf-8"), layout="LONG")  # bytes, layout any case
        self.assertEqual(same.shape, (2, 2, 1))
        self.assertEqual(same["kecheng", 2020, "gdp"], 1.5)

    def test_wide_file(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "p.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("unit,period,GDP,pm25\nkecheng,2020,10,30\nkecheng,2021,11,28\n")
            p = Panel.from_csv(path, layout="wide")
            with open(path, encoding="utf-8") as f:
                q = Panel.from_csv(f, layout="wide")
            with open(path, "rb") as f:
                r = Panel.from_csv(f, layout="wide")
        self.assertEqual(p.indicators, ("GDP", "pm25"))
        self.assertEqual(p["kecheng", 2021, "pm25"], 28.0)
        for other in (q, r):
            self.assertEqual(other.indicators, p.indicators)
            self.assertEqual(list(other.values()), [10.0, 11.0, 30.0, 28.0])

    def test_errors_name_line_and_column(self) -> None:
        # line 3 (the header is line 1), the `value` column holds `abc`
        with self.assertRaises(cpindex.ParseError) as cm:
            Panel.from_csv("unit,period,indicator,value\na,2020,gdp,1\na,2021,gdp,abc\n")
        self.assertIn("line 3, column `value`", str(cm.exception))
        self.assertIn("`abc` is not a number", str(cm.exception))
        self.assertEqual(cm.exception.code, 106)
        with self.assertRaises(cpindex.ParseError) as cm:
            Panel.from_csv("unit,period,gdp\na,2020,1\na,2021,abc\n", layout="wide")
        self.assertIn("line 3, column `gdp`", str(cm.exception))
        with self.assertRaises(cpindex.ParseError) as cm:  # ragged row: the `gdp` field is absent
            Panel.from_csv("unit,period,gdp\na,2020\n", layout="wide")
        self.assertIn("line 2, column `gdp`", str(cm.exception))
        with self.assertRaises(cpindex.ParseError):  # no unit/period columns
            Panel.from_csv("foo,bar\n1,2\n", layout="wide")
        with self.assertRaises(cpindex.ParseError) as cm:
            Panel.from_csv("unit,period,gdp\na,twenty,1\n", layout="wide")
        self.assertIn("line 2, column `period`", str(cm.exception))
        with self.assertRaises(cpindex.ParseError):  # a wide file read as long
            Panel.from_csv("unit,period,gdp\na,2020,1\n")
        with self.assertRaises(cpindex.ParseError):  # +inf is not a value
            Panel.from_csv("unit,period,indicator,value\na,2020,gdp,inf\n")
        with self.assertRaises(cpindex.EmptyInput):
            Panel.from_csv("unit,period,indicator,value\n")
        with self.assertRaises(cpindex.ParseError) as cm:  # neither UTF-8 nor GB18030
            Panel.from_csv(b"unit,period,indicator,value\na,2020,g\xffdp,1\n")
        self.assertIn("invalid UTF-8", str(cm.exception))
        with self.assertRaises(cpindex.InvalidArgument):
            Panel.from_csv("unit,period,indicator,value\na,2020,gdp,1\n", encoding="latin-1")
        with self.assertRaises(cpindex.InvalidArgument):
            Panel.from_csv("unit,period,indicator,value\na,2020,gdp,1\n", layout="tall")
        with self.assertRaises(TypeError):
            Panel.from_csv(42)  # type: ignore[arg-type]
        with self.assertRaises(OSError):
            Panel.from_csv("/nonexistent/file.csv")

    def test_error_from_a_file_names_the_file(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bad.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("unit,period,indicator,value\na,2020,gdp,1\na,2021,gdp,x1\n")
            with self.assertRaises(cpindex.ParseError) as cm:
                Panel.from_csv(path)
        self.assertIn(f"{path}, line 3, column `value`", str(cm.exception))
        self.assertNotIn("<csv text>", str(cm.exception))

    def test_framework_checks_ids_and_orders_indicators(self) -> None:
        with cpindex.Framework.builtin() as fw:
            with self.assertRaises(cpindex.ParseError) as cm:
                Panel.from_csv("unit,period,indicator,value\na,2020,gdp,1\na,2020,atlantis,2\n", framework=fw)
            self.assertIn("line 3, column `indicator`", str(cm.exception))
            self.assertIn("atlantis", str(cm.exception))
            # pm25_concentration comes after gdp in the framework, before it in the file
            p = Panel.from_csv(
                "unit,period,indicator,value\na,2020,pm25_concentration,30\na,2020,gdp,1\n", framework=fw
            )
            order = [i.id for i in fw.indicators]
            self.assertLess(order.index("gdp"), order.index("pm25_concentration"))
            self.assertEqual(p.indicators, ("gdp", "pm25_concentration"))
            with self.assertRaises(TypeError):
                Panel.from_csv("unit,period,indicator,value\na,2020,gdp,1\n", framework="quzhou")  # type: ignore[arg-type]

    @unittest.skipUnless(SAMPLE_CSV.is_file(), "examples/data/quzhou.csv is not beside the tests")
    def test_sample_values_equal_the_csv_module(self) -> None:
        cells = csv_module_cells(SAMPLE_CSV)
        p = Panel.from_csv(SAMPLE_CSV)
        self.assertEqual(set(p.units), {u for u, _, _ in cells})
        self.assertEqual(p.periods, tuple(sorted({q for _, q, _ in cells})))
        self.assertEqual(set(p.indicators), {i for _, _, i in cells})
        present = 0
        for u, q, i, v in p.to_records():
            expected = cells.get((u, q, i))
            if expected is None:  # absent from the file or written as missing
                self.assertTrue(math.isnan(v), (u, q, i, v))
            else:
                present += 1
                self.assertEqual(v, expected, (u, q, i))
        self.assertEqual(present, sum(1 for v in cells.values() if v is not None))


class ErrorTest(unittest.TestCase):
    def test_wrong_lengths(self) -> None:
        with self.assertRaises(cpindex.LengthMismatch) as cm:
            Panel(UNITS, PERIODS, INDS, [1.0] * 11)
        self.assertEqual(cm.exception.code, 103)
        with self.assertRaises(cpindex.LengthMismatch):
            Panel(UNITS, PERIODS, INDS, array("d", [1.0] * 13))
        with self.assertRaises(cpindex.LengthMismatch):
            Panel(UNITS, PERIODS, INDS, [[[1.0, 2.0]] * 2] * 2)  # 2 units, not 3
        with self.assertRaises(cpindex.LengthMismatch):
            Panel(UNITS, PERIODS, INDS, [[[1.0]] * 2] * 3)  # 1 indicator, not 2

    def test_infinite_value(self) -> None:
        with self.assertRaises(cpindex.InvalidValue) as cm:
            Panel(["a"], [2020], ["x"], [math.inf])
        self.assertIn("a", str(cm.exception))
        p = Panel(["a"], [2020], ["x"], [1.0])
        with self.assertRaises(cpindex.InvalidValue):
            p.set_at(0, 0, 0, -math.inf)

    def test_duplicate_and_bad_ids(self) -> None:
        with self.assertRaises(cpindex.InvalidArgument):
            Panel(["a", "a"], [2020], ["x"], [1.0, 2.0])
        with self.assertRaises(cpindex.InvalidArgument):
            Panel(["a"], [2020, 2020], ["x"], [1.0, 2.0])
        with self.assertRaises(cpindex.InvalidArgument):
            Panel.from_records([("a", 2020, "x", 1), ("a", 2020, "x", 2)])
        with self.assertRaises(TypeError):
            Panel([1], [2020], ["x"], [1.0])  # type: ignore[list-item]
        with self.assertRaises(cpindex.InvalidUtf8):
            Panel([b"\xff"], [2020], ["x"], [1.0])  # type: ignore[list-item]
        with self.assertRaises(TypeError):
            Panel(["a"], [2020], ["x"], ["1.0"])
        with self.assertRaises(TypeError):
            Panel(["a"], [2020.5], ["x"], [1.0])
        with self.assertRaises(TypeError):
            Panel(["a"], [None], ["x"], [1.0])  # type: ignore[list-item]
        with self.assertRaises(cpindex.InvalidArgument):
            Panel(["a"], [2**40], ["x"], [1.0])  # would wrap around in a C int32

    def test_fractional_and_missing_years_are_errors_everywhere(self) -> None:
        # the same rule as Panel(periods=…) and get(): a period is an integer year; 2020.0 is
        # 2020, but 2020.6 is not truncated into 2020 (the review's finding 8)
        self.assertEqual(Panel.from_records([("a", 2020.0, "x", 1.0)]).periods, (2020,))
        for bad in (2021.9, float("nan"), float("inf"), None):
            with self.assertRaises(TypeError, msg=repr(bad)) as cm:
                Panel.from_records([("a", 2020, "x", 1.0), ("a", bad, "y", 2.0)])
            self.assertIn("record 1", str(cm.exception))
            self.assertIn("integer year", str(cm.exception))
        p = Panel(["a"], [2020, 2021], ["x"], [1.0, 2.0])
        with self.assertRaisesRegex(TypeError, "integer year"):
            p.set("a", 2020.9, "x", 99.0)
        self.assertEqual(p.values(), array("d", [1.0, 2.0]))  # nothing written
        p.set("a", 2021.0, "x", 5.0)
        self.assertEqual(p.values(), array("d", [1.0, 5.0]))

    def test_a_2d_table_is_rejected_not_scattered(self) -> None:
        # (units, indicators) of one period — the shape of DataFrame.to_numpy() for a year —
        # is neither the flat column-major buffer nor the 3-D [unit][period][indicator] array
        table = memoryview(array("d", [700.0, 80.0, 5.1, 400.0, 60.0, 4.2])).cast("B").cast("d", (2, 3))
        with self.assertRaises(cpindex.LengthMismatch) as cm:
            Panel(["kecheng", "qujiang"], [2021], ["gdp", "pop", "income"], table)
        self.assertIn("2-D", str(cm.exception))
        self.assertIn("[unit][period][indicator]", str(cm.exception))

    def test_positions_and_ids(self) -> None:
        p = Panel(UNITS, PERIODS, INDS, column_major())
        with self.assertRaises(cpindex.InvalidArgument):
            p.get_at(3, 0, 0)
        with self.assertRaises(cpindex.InvalidArgument):
            p.get_at(-1, 0, 0)
        with self.assertRaises(cpindex.UnknownId):
            p["nowhere", 2020, "gdp"]
        with self.assertRaises(cpindex.UnknownId):
            p.get("kecheng", 1999, "gdp")
        with self.assertRaises(cpindex.UnknownId):
            p.set("kecheng", 2020, "nothing", 1.0)
        with self.assertRaises(TypeError):
            p.get(1, 2020, "gdp")  # type: ignore[arg-type]

    def test_check_framework(self) -> None:
        fw = cpindex.Framework.builtin()
        Panel(UNITS, PERIODS, INDS, column_major()).check_framework(fw)
        with self.assertRaises(cpindex.UnknownId) as cm:
            Panel(["a"], [2020], ["made_up"], [1.0]).check_framework(fw)
        self.assertIn("made_up", str(cm.exception))


class CellsTest(unittest.TestCase):
    def test_set_and_values(self) -> None:
        p = Panel(UNITS, PERIODS, INDS, column_major())
        p["qujiang", 2021, "pm25_concentration"] = 42.0
        p.set_at(0, 0, 0, None)
        v = p.values()
        self.assertEqual(v[(1 * 2 + 1) * 3 + 1], 42.0)
        self.assertTrue(math.isnan(v[0]))
        rec = p.to_records()
        self.assertEqual(len(rec), 12)
        self.assertEqual(rec[-1], ("jiangshan", 2021, "pm25_concentration", flat_value(2, 1, 1)))

    def test_values_into_buffer(self) -> None:
        p = Panel(UNITS, PERIODS, INDS, column_major())
        out = array("d", [0.0]) * 12
        self.assertIs(p.values(out=out), out)
        self.assertEqual(out, column_major())
        with self.assertRaises(cpindex.LengthMismatch):
            p.values(out=array("d", [0.0]) * 11)
        with self.assertRaises(TypeError):
            p.values(out=[0.0] * 12)

    def test_pickle(self) -> None:
        import pickle

        p = Panel(UNITS, [2021, 2020], INDS, column_major())
        q = pickle.loads(pickle.dumps(p))
        self.assertEqual((q.units, q.periods, q.indicators), (p.units, p.periods, p.indicators))
        self.assertEqual(q.values(), p.values())

    def test_close(self) -> None:
        with Panel(UNITS, PERIODS, INDS, column_major()) as p:
            pass
        self.assertTrue(p.closed)
        with self.assertRaises(ValueError):
            p.values()

    def test_concurrent_reads_and_writes(self) -> None:
        p = Panel(["a"], list(range(2000, 2050)), ["x"], [0.0] * 50)
        errors: list = []

        def writer() -> None:
            for k in range(2000):
                p.set_at(0, k % 50, 0, float(k))

        def reader() -> None:
            for _ in range(200):
                if len(p.values()) != 50:
                    errors.append("bad length")

        ts = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(3)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(p.get_at(0, 49, 0), 1999.0)


class PandasTest(unittest.TestCase):
    @unittest.skipUnless(support.HAVE_PANDAS, support.PANDAS_SKIP)
    def test_to_pandas(self) -> None:  # pragma: no cover - pandas not installed here
        df = Panel(UNITS, PERIODS, INDS, column_major()).to_pandas()
        self.assertEqual(list(df.columns), ["unit", "period", "indicator", "value"])
        self.assertEqual(len(df), 12)

    @unittest.skipUnless(support.HAVE_PANDAS, support.PANDAS_SKIP)
    def test_frame_rows_without_a_unit_or_indicator_are_errors(self) -> None:
        import pandas as pd

        for col, cell in (("地区", None), ("地区", float("nan")), ("指标", None), ("指标", pd.NA)):
            df = pd.DataFrame({"地区": ["kecheng", "qujiang", "longyou"], "年份": [2021] * 3,
                               "指标": ["gdp"] * 3, "数值": [700.0, 400.0, 9999.0]},
                              index=[10, 11, 12]).astype({"指标": object})
            df.loc[12, col] = cell
            with self.assertRaises(cpindex.InvalidArgument, msg=f"{col}={cell!r}") as cm:
                Panel.from_records(df)
            msg = str(cm.exception)
            self.assertIn("row 2 (index 12)", msg)  # never a unit called "nan"
            self.assertIn(f"`{col}`", msg)

    @unittest.skipUnless(support.HAVE_PANDAS, support.PANDAS_SKIP)
    def test_frame_float_codes_and_years(self) -> None:
        import pandas as pd

        # a code column read as float (a gap elsewhere turns ints into floats): 330802, not
        # "330802.0"; fractional years are errors, whole float years are years
        df = pd.DataFrame({"unit": [330802.0, 330803.0], "year": [2021.0, 2021.0],
                           "indicator": ["gdp", "gdp"], "value": [1.0, 2.0]})
        p = Panel.from_records(df)
        self.assertEqual(p.units, ("330802", "330803"))
        self.assertEqual(p.periods, (2021,))
        df.loc[1, "year"] = 2020.6
        with self.assertRaisesRegex(TypeError, "record 1 .*integer year"):
            Panel.from_records(df)

    @unittest.skipUnless(support.HAVE_PANDAS, support.PANDAS_SKIP)
    def test_frame_nullable_values_pd_na_is_missing(self) -> None:
        import pandas as pd

        df = pd.DataFrame({"unit": ["a", "b"], "year": [2021, 2021], "indicator": ["x", "x"],
                           "value": pd.array([1.0, None], dtype="Float64")})
        p = Panel.from_records(df)
        self.assertEqual(p.get("a", 2021, "x"), 1.0)
        self.assertTrue(math.isnan(p.get("b", 2021, "x")))

    @unittest.skipIf(support.HAVE_PANDAS, "pandas is installed")
    def test_to_pandas_needs_pandas(self) -> None:
        with self.assertRaises(ImportError):
            Panel(UNITS, PERIODS, INDS, column_major()).to_pandas()


@unittest.skipUnless(support.HAVE_NUMPY, support.NUMPY_SKIP)
class NumpyPanelTest(unittest.TestCase):
    def reference(self) -> "np.ndarray":
        a = np.empty((3, 2, 2))
        for u in range(3):
            for p in range(2):
                for i in range(2):
                    a[u, p, i] = flat_value(u, p, i)
        return a

    def test_flat_numpy(self) -> None:
        ConstructionTest().check(Panel(UNITS, PERIODS, INDS, np.frombuffer(column_major(), dtype=np.float64)))

    def test_3d_fortran_is_zero_copy(self) -> None:
        from cpindex import panel as panel_mod

        a = np.asfortranarray(self.reference())
        buf = panel_mod._values_for(a, 3, 2, 2)
        self.assertTrue(buf.zero_copy)
        self.assertEqual(buf.address, a.ctypes.data)
        ConstructionTest().check(Panel(UNITS, PERIODS, INDS, a))

    def test_3d_c_order_is_reordered(self) -> None:
        ConstructionTest().check(Panel(UNITS, PERIODS, INDS, np.ascontiguousarray(self.reference())))
        with self.assertRaises(cpindex.LengthMismatch):
            Panel(UNITS, PERIODS, INDS, np.zeros((2, 2, 3)))

    def test_to_numpy(self) -> None:
        p = Panel(UNITS, PERIODS, INDS, column_major())
        a = p.to_numpy()
        self.assertEqual(a.shape, (3, 2, 2))
        self.assertTrue(np.array_equal(a, self.reference()))
        out = np.zeros(12)
        p.values(out=out)
        self.assertTrue(np.array_equal(out, np.asarray(column_major())))

    def test_2d_numpy_is_rejected_not_scattered(self) -> None:
        units, inds = ["kecheng", "qujiang"], ["gdp", "population", "income"]
        table = np.array([[700.0, 80.0, 5.1], [400.0, 60.0, 4.2]])  # (units, indicators)
        for t in (table, np.asfortranarray(table)):
            with self.assertRaises(cpindex.LengthMismatch) as cm:
                Panel(units, [2021], inds, t)
            self.assertIn("values[:, None, :]", str(cm.exception))  # the one-period hint
        # the hint's shape gives every cell its own value
        p = Panel(units, [2021], inds, table[:, None, :])
        for u, unit in enumerate(units):
            for i, ind in enumerate(inds):
                self.assertEqual(p.get(unit, 2021, ind), table[u, i])
        with self.assertRaises(cpindex.LengthMismatch):
            Panel(units, [2021], inds, np.zeros((2, 1, 3, 1)))

    def test_masked_cells_are_missing(self) -> None:
        ref = self.reference()
        hidden = ref == flat_value(1, 1, 0)  # one cell masked out
        want = np.where(hidden, np.nan, ref)
        masked = np.ma.masked_array(ref, mask=hidden)
        for values in (
            masked,  # C order
            np.ma.masked_array(np.asfortranarray(ref), mask=np.asfortranarray(hidden)),
            np.ma.masked_array(ref.transpose(2, 1, 0).ravel(), mask=hidden.transpose(2, 1, 0).ravel()),  # flat
        ):
            got = Panel(UNITS, PERIODS, INDS, values).to_numpy()
            self.assertTrue(np.array_equal(got, want, equal_nan=True))

    def test_object_arrays_with_none(self) -> None:
        ref = self.reference()
        obj = ref.astype(object)
        obj[2, 0, 1] = None
        got = Panel(UNITS, PERIODS, INDS, obj).to_numpy()
        self.assertTrue(math.isnan(got[2, 0, 1]))
        got[2, 0, 1] = ref[2, 0, 1]
        self.assertTrue(np.array_equal(got, ref))
        flat = np.array([1.0, None], dtype=object)
        self.assertTrue(math.isnan(Panel(["a", "b"], [2020], ["x"], flat).get("b", 2020, "x")))

    def test_values_out_never_writes_read_only_memory(self) -> None:
        p = Panel(["a", "b"], [2020], ["x"], [1.5, 2.5])
        ro = np.zeros(2)
        ro.flags.writeable = False
        immutable = bytes(16)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "zeros.bin")
            with open(path, "wb") as f:
                f.write(bytes(16))
            mm = np.memmap(path, dtype=np.float64, mode="r", shape=(2,))  # writing it segfaulted
            for out in (ro, np.frombuffer(immutable, dtype=np.float64), mm):
                with self.assertRaisesRegex(TypeError, "read-only"):
                    p.values(out=out)
            del mm
            rw = np.memmap(path, dtype=np.float64, mode="r+", shape=(2,))
            self.assertIs(p.values(out=rw), rw)
            self.assertEqual(list(rw), [1.5, 2.5])
            del rw
        self.assertEqual(immutable, bytes(16))
        self.assertEqual(list(ro), [0.0, 0.0])

    def test_nan_in_numpy(self) -> None:
        p = Panel(["a", "b"], [2020], ["x"], np.array([np.nan, 2.0]))
        self.assertTrue(math.isnan(p.get_at(0, 0, 0)))


if __name__ == "__main__":
    unittest.main()
