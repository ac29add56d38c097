"""Uncertainty and sensitivity analysis from Python (``cpindex_sensitivity_run``): results as
pandas DataFrames (skipped with a message without pandas), checked against the index the same
spec gives through ``run_index`` and against the JSON audit trail."""

from __future__ import annotations

import math
import unittest

import cpindex
from cpindex._native import LIB

import support

SAMPLE_CSV = support.REPO / "examples" / "data" / "quzhou.csv"
COUNTIES = ["kecheng", "qujiang", "longyou", "jiangshan", "changshan", "kaihua"]
SPEC = {
    "spec": {"units": COUNTIES, "imputation": {"method": "linear"}},
    "assumptions": [
        {"kind": "normalisation", "alternatives": [{"default": {"method": "min_max"}}, {"default": {"method": "rank"}}]},
        {"kind": "weight_noise", "delta": 0.3},
    ],
    "n": 20,
    "bootstrap": 20,
}

HAVE_PANDAS = support.HAVE_PANDAS  # CPINDEX_REQUIRE_PANDAS=1 makes its absence a failure


@unittest.skipUnless(SAMPLE_CSV.is_file(), "examples/data/quzhou.csv is not beside the tests")
@unittest.skipUnless(LIB.has("cpindex_sensitivity_run"), "cpindex_sensitivity_run is not exported by this library")
class SensitivityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.fw = cpindex.Framework.builtin("quzhou-2021-2025")
        cls.panel = cpindex.Panel.from_csv(SAMPLE_CSV, framework=cls.fw)
        cls.result = cpindex.run_sensitivity(cls.fw, cls.panel, SPEC)

    @classmethod
    def tearDownClass(cls) -> None:
        for obj in (cls.result, cls.panel, cls.fw):
            obj.close()

    def test_nominal_ranks_are_the_index_ranks(self) -> None:
        r = self.result
        self.assertEqual(r.units, tuple(COUNTIES))
        self.assertEqual(r.assumptions, ("normalisation", "weight_noise"))
        self.assertEqual(r.runs, 20 * 4)  # N(k + 2)
        self.assertEqual(r.seed, 20250101)  # the printed default
        with cpindex.run_index(self.fw, self.panel, SPEC["spec"]) as idx:
            ranks = idx.ranks(self.fw.id, r.period)
        cols = r.unit_columns()
        self.assertEqual(cols["nominal_rank"], list(ranks))
        for lo, med, hi in zip(cols["rank_p05"], cols["median_rank"], cols["rank_p95"]):
            self.assertTrue(1 <= lo <= med <= hi <= 6)

    def test_audit_trail_matches_the_summaries(self) -> None:
        d = self.result.to_dict()
        self.assertEqual(len(d["design"]["a"]), 20 * 2)
        # the mean absolute rank shift of each unit, from the stored runs
        m = len(d["units"])
        cols = self.result.unit_columns()
        for u in range(m):
            shifts = [abs(d["run_ranks"][q * m + u] - cols["nominal_rank"][u]) for q in range(len(d["target"]))]
            self.assertAlmostEqual(cols["mean_abs_rank_shift"][u], sum(shifts) / len(shifts), delta=1e-12)
        idx = self.result.index_columns()
        self.assertEqual(idx["S"], d["sobol"]["first"])
        self.assertTrue(all(math.isfinite(x) for x in idx["ST_high"]))

    @unittest.skipUnless(HAVE_PANDAS, "SKIPPED: pandas is not installed (pip install pandas)")
    def test_dataframes(self) -> None:
        u = self.result.uncertainty()
        self.assertEqual(list(u.index), COUNTIES)
        self.assertIn("median_rank", u.columns)
        s = self.result.indices()
        self.assertEqual(list(s.index), ["normalisation", "weight_noise"])
        self.assertEqual(list(s.columns[:2]), ["S", "ST"])

    def test_bad_spec_names_the_field(self) -> None:
        bad = dict(SPEC, n=5)
        with self.assertRaises(cpindex.InvalidSpec) as cm:
            cpindex.run_sensitivity(self.fw, self.panel, bad)
        self.assertIn("too small for the bootstrap", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
