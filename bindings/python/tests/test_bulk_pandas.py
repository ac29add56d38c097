"""Bulk reads (one C call per id list / column) and the pandas-facing conveniences of
issues 14 and 16. Expected values are worked out by hand in the comments."""

from __future__ import annotations

import math
import unittest

import cpindex
from cpindex import distribution as dist
from cpindex.run import build_request
from support import HAVE_NUMPY, HAVE_PANDAS, NUMPY_SKIP, PANDAS_SKIP


def _framework(n_ind: int) -> "cpindex.Framework":
    inds = [
        {"id": f"i{j}", "dimension": "d0", "name_zh": "i", "name_en": "i", "unit": {"label": "x"},
         "polarity": {"type": "higher_is_better"}, "kind": "level", "target": 1.0, "weight": 1.0}
        for j in range(n_ind)
    ]
    return cpindex.Framework.from_json({
        "id": "t", "title_zh": "t", "title_en": "t", "base_year": 2020, "target_year": 2025,
        "dimensions": [{"id": "d0", "name_zh": "d", "name_en": "d", "weight": 1.0}],
        "indicators": inds,
    })


SPEC = {"treatment": {"enabled": False}, "screening": {"min_availability": 0.0}}


class BulkIds(unittest.TestCase):
    def test_many_units_round_trip(self) -> None:
        units = [f"县{k}" for k in range(2500)]
        p = cpindex.Panel(units, [2021], ["i0"])
        self.assertEqual(p.units, tuple(units))
        self.assertEqual(p.indicators, ("i0",))

    def test_id_holding_a_nul_falls_back_to_per_id_reads(self) -> None:
        # the joined buffer splits "a\0b" into two pieces: the count check catches it
        units = ["a\0b", "c"]
        p = cpindex.Panel(units, [2021], ["i0"], [1.0, 2.0])
        self.assertEqual(p.units, ("a\0b", "c"))

    def test_index_result_ids(self) -> None:
        fw = _framework(2)
        p = cpindex.Panel(["x", "y", "z"], [2021], ["i0", "i1"], [1.0, 2.0, 3.0, 6.0, 5.0, 4.0])
        r = cpindex.run_index(fw, p, SPEC)
        self.assertEqual(r.units, ("x", "y", "z"))
        self.assertEqual(r.indicators, ("i0", "i1"))
        self.assertEqual(r.nodes, ("t", "d0"))
        # min-max [0, 100]: i0 -> 0, 50, 100; i1 (6, 5, 4) -> 100, 50, 0; equal weights
        # (framework weight 1 each) -> every unit scores 50
        self.assertEqual(list(r.scores("t", 2021)), [50.0, 50.0, 50.0])
        self.assertEqual(list(r.normalised("i1", 2021)), [100.0, 50.0, 0.0])


@unittest.skipUnless(HAVE_NUMPY, NUMPY_SKIP)
class NumpyInput(unittest.TestCase):
    def test_c_ordered_array_is_laid_out_column_major(self) -> None:
        import numpy as np

        x = np.arange(2 * 3 * 4, dtype=np.float64).reshape(2, 3, 4)  # [unit][period][indicator]
        p = cpindex.Panel(["a", "b"], [2019, 2020, 2021], ["p", "q", "r", "s"], x)
        self.assertEqual(p.get("b", 2020, "r"), x[1, 1, 2])  # 12 + 4 + 2 = 18
        self.assertEqual(p.get("a", 2021, "s"), 11.0)  # 0 + 2·4 + 3


class OneCallPanel(unittest.TestCase):
    """``Panel(...)`` through ``cpindex_panel_from_arrays`` (NUL-joined ids) and its
    fallback to ``cpindex_panel_new`` for ids the joined form cannot carry."""

    def test_joined_and_per_id_paths_agree(self) -> None:
        from cpindex import panel as P

        self.assertEqual(P._joined(["a", "bé"]), "a\0bé\0".encode())
        self.assertIsNone(P._joined(["a", "b\0c"]))  # a NUL inside an id
        self.assertIsNone(P._joined([b"a", b"b"]))  # bytes ids
        flat = [1.0, 2.0, 3.0, 4.0]  # column-major: (a, x), (b, x), (a, y), (b, y)
        p = cpindex.Panel(["a", "bé"], [2020], ["x", "y"], flat)
        self.assertEqual((p.units, p.indicators, p.periods), (("a", "bé"), ("x", "y"), (2020,)))
        self.assertEqual((p.get("bé", 2020, "x"), p.get("a", 2020, "y")), (2.0, 3.0))
        q = cpindex.Panel(["a", "b\0c"], [2020], ["x", "y"], flat)  # the per-id path
        self.assertEqual(q.units, ("a", "b\0c"))
        self.assertEqual(q.get_at(1, 0, 1), 4.0)
        with self.assertRaises(cpindex.InvalidArgument):
            cpindex.Panel(["a", "a"], [2020], ["x", "y"], flat)  # duplicate, named by the library

    @unittest.skipUnless(HAVE_NUMPY, NUMPY_SKIP)
    def test_row_major_array_is_passed_without_a_copy(self) -> None:
        import numpy as np

        from cpindex import panel as P

        x = np.arange(2 * 3 * 4, dtype=np.float64).reshape(2, 3, 4)
        v = P._row_major_view(x, (2, 3, 4))
        self.assertIsNotNone(v)
        self.assertEqual(v.address, x.__array_interface__["data"][0])  # the caller's memory
        self.assertIsNone(P._row_major_view(np.asfortranarray(x), (2, 3, 4)))
        self.assertIsNone(P._row_major_view(x[:, ::2, :], (2, 2, 4)))  # strided
        # periods given unsorted: values move with them
        p = cpindex.Panel(["a", "b"], [2021, 2019, 2020], ["p", "q", "r", "s"], x)
        self.assertEqual(p.periods, (2019, 2020, 2021))
        self.assertEqual(p.get("b", 2021, "r"), x[1, 0, 2])
        self.assertEqual(p.get("a", 2020, "q"), x[0, 2, 1])


@unittest.skipUnless(HAVE_PANDAS, PANDAS_SKIP)
class PandasFriction(unittest.TestCase):
    def _df(self):
        import pandas as pd

        return pd.DataFrame({
            "地区": ["甲", "甲", "乙", "乙"],
            "年份": [2020, 2021, 2020, 2021],
            "指标": ["i0"] * 4,
            "数值": [1.0, 2.0, 3.0, float("nan")],
        })

    def test_from_records_takes_a_dataframe_with_chinese_headers(self) -> None:
        p = cpindex.Panel.from_records(self._df())
        self.assertEqual(p.units, ("甲", "乙"))
        self.assertEqual(p.periods, (2020, 2021))
        self.assertEqual(p.get("乙", 2020, "i0"), 3.0)
        self.assertTrue(math.isnan(p.get("乙", 2021, "i0")))

    def test_dataframe_without_the_columns_names_them(self) -> None:
        import pandas as pd

        with self.assertRaisesRegex(cpindex.CpindexError, "no `indicator` column"):
            cpindex.Panel.from_records(pd.DataFrame({"unit": ["a"], "year": [2020], "v": [1.0]}))

    def test_run_accepts_a_dataframe_and_a_series(self) -> None:
        df = self._df()
        want = cpindex.Panel.from_records(df).to_data()
        self.assertEqual(build_request("monitor", "quzhou-2021-2025", df)["data"], want)
        series = df.set_index(["地区", "年份", "指标"])["数值"]
        self.assertEqual(build_request("monitor", "quzhou-2021-2025", series)["data"], want)

    def test_scores_and_ranks_are_tidy(self) -> None:
        fw = _framework(1)
        p = cpindex.Panel(["x", "y", "z"], [2021], ["i0"], [1.0, 3.0, float("nan")])
        res = cpindex.run_index(fw, p, SPEC).to_dict()
        scores = res.to_pandas("scores")
        self.assertEqual(list(scores.columns), ["unit", "period", "node", "value"])
        # nodes t and d0, one period, three units: 6 rows
        self.assertEqual(len(scores), 6)
        t = scores[scores["node"] == "t"].set_index("unit")["value"]
        self.assertEqual(t["x"], 0.0)  # min-max: the minimum -> 0
        self.assertEqual(t["y"], 100.0)  # the maximum -> 100
        self.assertTrue(math.isnan(t["z"]))
        ranks = res.to_pandas("ranks")
        self.assertEqual(str(ranks["value"].dtype), "Int64")
        r = ranks[ranks["node"] == "t"].set_index("unit")["value"]
        self.assertEqual(int(r["y"]), 1)
        self.assertEqual(int(r["x"]), 2)
        self.assertTrue(r.isna()["z"])
        norm = res.to_pandas("normalised")
        self.assertEqual(list(norm.columns), ["unit", "period", "indicator", "value"])

    def test_fractional_ranks_are_not_rounded(self) -> None:
        # ties "average" (docs/spec.md): w, x tie for places 1-2 -> 1.5 each; y, z tie for
        # 3-4 -> 3.5 each (rounding gave 2 and 4, Python's round-half-even even 2 and 4)
        fw = _framework(1)
        p = cpindex.Panel(["w", "x", "y", "z", "v"], [2021], ["i0"], [9.0, 9.0, 2.0, 2.0, float("nan")])
        res = cpindex.run_index(fw, p, dict(SPEC, ranks={"ties": "average"})).to_dict()
        ranks = res.to_pandas("ranks")
        self.assertEqual(str(ranks["value"].dtype), "Float64")
        r = ranks[ranks["node"] == "t"].set_index("unit")["value"]
        self.assertEqual([float(r[u]) for u in "wxyz"], [1.5, 1.5, 3.5, 3.5])
        self.assertTrue(r.isna()["v"])
        self.assertEqual(res["ranks"]["t"], [[1.5, 1.5, 3.5, 3.5, None]])  # the JSON's numbers
        # ties "min": whole ranks stay Int64
        res = cpindex.run_index(fw, p, dict(SPEC, ranks={"ties": "min"})).to_dict()
        ranks = res.to_pandas("ranks")
        self.assertEqual(str(ranks["value"].dtype), "Int64")
        r = ranks[ranks["node"] == "t"].set_index("unit")["value"]
        self.assertEqual([int(r[u]) for u in "wxyz"], [1, 1, 3, 3])


class DistributionOptions(unittest.TestCase):
    def test_share_in_band_is_half_open_by_default(self) -> None:
        # [2, 4) of 1..5 holds 2 and 3: 2/5; the closed band [2, 4] holds 2, 3, 4: 3/5
        self.assertAlmostEqual(dist.share_in_band([1, 2, 3, 4, 5], 2, 4), 0.4, delta=1e-15)
        self.assertAlmostEqual(dist.share_in_band([1, 2, 3, 4, 5], 2, 4, rule=dist.BandRule.CLOSED), 0.6, delta=1e-15)
        self.assertIn("[lower, upper)", dist.share_in_band.__doc__ or "")

    def test_quantile_takes_a_list(self) -> None:
        # type 2 on 1..5: p = 0.1 -> np = 0.5 -> x(1) = 1; 0.5 -> 2.5 -> x(3) = 3; 0.9 -> x(5) = 5
        self.assertEqual(dist.quantile([1, 2, 3, 4, 5], [0.1, 0.5, 0.9]), [1.0, 3.0, 5.0])
        self.assertEqual(dist.quantile([1, 2, 3, 4, 5], 0.5), 3.0)

    def test_na_rm(self) -> None:
        # Gini of (1, 2, 4): Σ_ij |xi − xj| = 2(1 + 3 + 2) = 12; G = 12 / (2 · 3² · 7/3) = 2/7
        self.assertAlmostEqual(dist.gini([1, 2, float("nan"), 4], na_rm=True), 2 / 7, places=15)
        self.assertAlmostEqual(dist.gini([1, 2, None, 4], [1, 1, 1, 1], na_rm=True), 2 / 7, places=15)
        # a record whose weight is missing is dropped too
        self.assertAlmostEqual(dist.gini([1, 2, 9, 4], [1, 1, float("nan"), 1], na_rm=True), 2 / 7, places=15)
        # median-type quantile of (1, 2, 4) ignoring the NaN: 2
        self.assertEqual(dist.quantile([1, float("nan"), 2, 4], [0.5], na_rm=True), [2.0])

    def test_missing_value_message_is_in_python_terms(self) -> None:
        with self.assertRaises(cpindex.MissingValue) as cm:
            dist.gini([1.0, 2.0, float("nan")])
        msg = str(cm.exception)
        self.assertIn("values[2]", msg)
        self.assertIn("na_rm=True", msg)
        self.assertNotIn("MissingPolicy::", msg)


if __name__ == "__main__":
    unittest.main()
