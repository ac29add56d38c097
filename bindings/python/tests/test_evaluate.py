"""cpindex.evaluate: the whole evaluation from Python (paths or DataFrames)."""

from __future__ import annotations

import unittest

import cpindex
from cpindex._native import LIB

import support

DATA = support.REPO / "examples" / "data"


@unittest.skipUnless((DATA / "quzhou.csv").is_file(), "the shipped sample is not available (installed package)")
class EvaluateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.ev = cpindex.evaluate(
            DATA / "quzhou.csv",
            survey=DATA / "survey.csv",
            survey_items=DATA / "survey_items.json",
            households=DATA / "households.csv",
        )

    def test_fingerprint_and_tables(self) -> None:
        ev = self.ev
        self.assertRegex(ev.fingerprint, r"^sha256:[0-9a-f]{64}$")
        self.assertEqual(ev.year, 2024)
        rows = ev.records("distribution")
        ids = [r["indicator"] for r in rows]
        self.assertIn("household_income_10_50_share", ids)
        self.assertIn("county_income_max_min_ratio", ids)
        # the overall satisfaction index of a county: a mean on 0-100 inside its CI
        s = ev.satisfaction("kecheng")
        self.assertIsNotNone(s)
        assert s is not None
        self.assertTrue(s["ci_lower"] < s["mean"] < s["ci_upper"])
        self.assertEqual(s["n"], 100)
        self.assertGreaterEqual(s["deff_kish"], 1.0)  # Kish deff ≥ 1 for unequal weights
        self.assertIsNone(ev.satisfaction("quzhou"), "the city has no respondents")
        with self.assertRaises(KeyError):
            ev.records("no_such_table")
        from cpindex.evaluate import TABLES

        for t in TABLES:
            self.assertIsInstance(ev.records(t), list)

    def test_satisfaction_of_every_unit_and_domain_equals_a_search(self) -> None:
        # the definition: the first group of (unit, evaluation year) in the raw list
        ev = self.ev
        groups = ev.raw["monitor"]["satisfaction"]
        seen = 0
        for u in [x["id"] for x in ev.raw["units"]] + ["nobody"]:
            g = next((g for g in groups if g["unit"] == u and g["year"] == ev.year), None)
            got = ev.satisfaction(u)
            if g is None or g["overall"] is None:
                self.assertIsNone(got, u)
                continue
            self.assertEqual(got, dict(g["overall"], nonresponse=g["overall_nonresponse"]))
            for d in g["domains"]:
                want = None if d["estimate"] is None else dict(d["estimate"], nonresponse=d["nonresponse"])
                self.assertEqual(ev.satisfaction(u, d["domain"]), want, (u, d["domain"]))
            with self.assertRaises(KeyError):
                ev.satisfaction(u, "no_such_domain")
            seen += 1
        self.assertEqual(seen, 6, "the six counties have respondents")

    def test_cell_records_carry_the_survey_verdict(self) -> None:
        # the sample's survey-measured indicators with a published standard error carry
        # the verdict of the estimate against the target; the raw evaluation is the source
        raw = self.ev.raw["cells"]
        recs = self.ev.records("cells")
        self.assertEqual(len(recs), len(raw["unit"]))
        with_survey = [k for k, s in enumerate(raw["survey"]) if s is not None]
        self.assertTrue(with_survey, "the sample has survey-tested cells")
        for k, rec in enumerate(recs):
            s = raw["survey"][k]
            if s is None:
                self.assertIsNone(rec["survey_verdict"])
                self.assertIsNone(rec["survey_se"])
            else:
                self.assertEqual(rec["survey_verdict"], s["verdict"])
                self.assertIn(rec["survey_verdict"], ("met", "not_met", "not_distinguishable"))
                self.assertEqual(rec["survey_se"], s["se"])
                self.assertTrue(rec["survey_ci_lower"] <= rec["survey_estimate"] <= rec["survey_ci_upper"])

    def test_unknown_spec_member_is_an_error(self) -> None:
        with self.assertRaises(cpindex.InvalidSpec) as cm:
            cpindex.evaluate(DATA / "quzhou.csv", spec={"monitor": {"schedule_tolerence": 0.5}})
        self.assertIn("schedule_tolerence", str(cm.exception))

    @unittest.skipUnless(support.HAVE_PANDAS, "pandas is not installed")
    def test_dataframes_give_the_same_evaluation(self) -> None:
        import pandas as pd

        panel = pd.read_csv(DATA / "quzhou.csv", dtype=str, keep_default_na=False)
        hh = pd.read_csv(DATA / "households.csv", dtype=str)
        sv = pd.read_csv(DATA / "survey.csv", dtype=str, keep_default_na=False)
        ev = cpindex.evaluate(panel, survey=sv, survey_items=DATA / "survey_items.json", households=hh)
        # the same inputs (as text) make the same evaluation: the same fingerprint
        self.assertEqual(ev.fingerprint, self.ev.fingerprint)
        df = ev.to_pandas("distribution")
        self.assertEqual(list(df["indicator"][:2]), ["urban_rural_income_ratio", "county_income_max_min_ratio"])
        cells = ev.to_pandas("cells")
        self.assertIn("target_source", cells.columns)
        self.assertIn("not_scored", set(cells["target_source"]))
        self.assertIn("survey_verdict", cells.columns)


if __name__ == "__main__":
    unittest.main()
