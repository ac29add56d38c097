"""Frameworks: built-in, JSON round trip, every metadata field, lifetime."""

from __future__ import annotations

import gc
import json
import math
import os
import tempfile
import unittest

import cpindex
from cpindex import Framework, Kind, Polarity

import support


class BuiltinTest(unittest.TestCase):
    def setUp(self) -> None:
        self.fw = Framework.builtin("quzhou-2021-2025")
        self.addCleanup(self.fw.close)

    def test_scalar_fields(self) -> None:
        self.assertEqual(self.fw.id, "quzhou-2021-2025")
        self.assertEqual(self.fw.years, (2020, 2025))
        self.assertEqual(self.fw.base_year, 2020)
        self.assertEqual(self.fw.target_year, 2025)
        self.assertIn("衢州", self.fw.title_zh)
        self.assertIn("Quzhou", self.fw.title_en)

    def test_stable_ids(self) -> None:
        # ids promised stable by the model (COMMON.md)
        for iid in (
            "gdp",
            "gdp_per_capita",
            "urban_rural_income_ratio",
            "pm25_concentration",
            "per_capita_disposable_income",
        ):
            self.assertEqual(self.fw.indicator(iid).id, iid)
        self.assertEqual(self.fw.dimension("economy").parent, None)

    def test_gdp(self) -> None:
        gdp = self.fw.indicator("gdp")
        # plan text: 地区生产总值达到2500亿元
        self.assertEqual(gdp.target, 2500.0)
        self.assertEqual(gdp.unit.label, "亿元")
        self.assertEqual(gdp.unit.scale, 1e8)
        self.assertEqual(gdp.unit.base, "yuan")
        self.assertIs(gdp.polarity, Polarity.HIGHER_IS_BETTER)
        self.assertIs(gdp.kind, Kind.LEVEL)
        self.assertEqual(gdp.target_year, 2025)
        self.assertIn("2500", gdp.phrase)

    def test_matches_shipped_json(self) -> None:
        """Every field read through the C accessors equals the shipped JSON file read
        with the json module."""
        data = support.builtin_json()
        if data is None:
            self.skipTest("source tree not available (installed package)")
        self.assertEqual(len(self.fw.dimensions), len(data["dimensions"]))
        self.assertEqual(len(self.fw.indicators), len(data["indicators"]))
        self.assertEqual(len(self.fw), len(data["indicators"]))
        for d, j in zip(self.fw.dimensions, data["dimensions"]):
            self.assertEqual((d.id, d.parent, d.name_zh, d.name_en), (j["id"], j.get("parent"), j["name_zh"], j["name_en"]))
            self.assertEqual(d.weight, j.get("weight", 1.0))
        polarity = {"higher_is_better": 0, "lower_is_better": 1, "interval": 2, "binary": 3}
        for i, j in zip(self.fw.indicators, data["indicators"]):
            self.assertEqual(i.id, j["id"])
            self.assertEqual(i.dimension, j["dimension"])
            self.assertEqual(i.name_zh, j["name_zh"])
            self.assertEqual(i.name_en, j["name_en"])
            self.assertEqual(i.unit.label, j["unit"]["label"])
            self.assertEqual(i.unit.scale, j["unit"].get("scale", 1.0))
            self.assertEqual(int(i.polarity), polarity[j["polarity"]["type"]])
            self.assertEqual(i.kind.name.lower(), j["kind"])
            self.assertEqual(i.target, j.get("target"))
            self.assertEqual(i.stretch_target, j.get("stretch_target"))
            self.assertEqual(i.baseline, j.get("baseline"))
            self.assertEqual(i.target_year, j.get("target_year") or data["target_year"])
            self.assertEqual(i.weight, j.get("weight", 1.0))
            self.assertEqual(i.phrase, j.get("provenance", {}).get("phrase", ""))
            self.assertEqual(i.aspirational, j.get("aspirational", False))

    def test_effective_weights_agree(self) -> None:
        data = support.builtin_json()
        if data is None:
            self.skipTest("source tree not available (installed package)")
        expect = support.effective_weights(data)
        for ind in self.fw.indicators:
            self.assertAlmostEqual(ind.effective_weight, expect[ind.id], delta=1e-12)
        # and the JSON entry point reports the same numbers (Rust results, to 1e-12)
        described = self.fw.describe()["effective_weights"]
        for ind in self.fw.indicators:
            self.assertAlmostEqual(described[ind.id], ind.effective_weight, delta=1e-12)

    def test_unknown_ids(self) -> None:
        with self.assertRaises(cpindex.UnknownId) as cm:
            self.fw.indicator("no_such_indicator")
        self.assertIn("no_such_indicator", str(cm.exception))
        with self.assertRaises(LookupError):
            self.fw.dimension("nowhere")
        with self.assertRaises(cpindex.UnknownId) as cm:
            Framework.builtin("hangzhou")
        self.assertIn("quzhou-2021-2025", str(cm.exception))  # lists the known names

    def test_bad_types(self) -> None:
        with self.assertRaises(TypeError):
            Framework.builtin(42)  # type: ignore[arg-type]
        with self.assertRaises(cpindex.InvalidUtf8):
            Framework.builtin(b"\xffquzhou")
        with self.assertRaises(UnicodeError):
            Framework.from_json(b'{"id": "\xff"}')


class SampleTest(unittest.TestCase):
    """A hand-written two-level framework covering every metadata field."""

    def setUp(self) -> None:
        self.data = support.sample_framework()
        self.fw = Framework.from_json(self.data)
        self.addCleanup(self.fw.close)

    def test_dimensions(self) -> None:
        ids = [d.id for d in self.fw.dimensions]
        self.assertEqual(ids, ["econ", "soc", "soc_a", "soc_b"])
        self.assertEqual(self.fw.dimension("soc_b").parent, "soc")
        self.assertEqual(self.fw.dimension("soc_b").weight, 3.0)
        self.assertEqual(self.fw.source, "unit test")

    def test_every_field(self) -> None:
        gdp = self.fw.indicator("gdp")
        self.assertEqual((gdp.target, gdp.stretch_target, gdp.baseline), (2500.0, 2600.0, 1639.1))
        self.assertTrue(gdp.aspirational)
        self.assertTrue(gdp.has_interim_targets)
        if cpindex._native.LIB.has("cpindex_framework_indicator_interim_targets"):
            self.assertEqual(gdp.interim_targets, (cpindex.InterimTarget(2022, 2000.0),))
        self.assertEqual(gdp.section, "一")
        growth = self.fw.indicator("growth")
        self.assertIsNone(growth.target)
        self.assertIs(growth.kind, Kind.GROWTH_RATE)
        self.assertIsNotNone(growth.relative_target)
        self.assertFalse(growth.has_interim_targets)
        self.assertEqual(growth.interim_targets, ())
        ratio = self.fw.indicator("ratio")
        self.assertIs(ratio.polarity, Polarity.LOWER_IS_BETTER)
        self.assertEqual(ratio.target_year, 2024)
        self.assertIsNone(ratio.relative_target)
        band = self.fw.indicator("band")
        self.assertIs(band.polarity, Polarity.INTERVAL)
        self.assertEqual(
            (band.interval.lower, band.interval.upper, band.interval.tolerance_lower, band.interval.tolerance_upper),
            (3.0, 5.0, 1.0, 8.0),
        )
        self.assertIsNone(gdp.interval)
        covered = self.fw.indicator("covered")
        self.assertIs(covered.polarity, Polarity.BINARY)
        self.assertIs(covered.kind, Kind.COVERAGE)
        self.assertEqual([i.id for i in self.fw.indicators_in("soc_b")], ["band", "covered"])

    def test_effective_weights(self) -> None:
        # by hand: econ 3/4, soc 1/4; soc_a 1/4 and soc_b 3/4 of soc;
        # gdp 2/3·3/4 = 0.5, growth 1/3·3/4 = 0.25, ratio 1·1/4·1/4 = 0.0625,
        # band 1/4·3/4·1/4 = 0.046875, covered 3/4·3/4·1/4 = 0.140625
        hand = {"gdp": 0.5, "growth": 0.25, "ratio": 0.0625, "band": 0.046875, "covered": 0.140625}
        self.assertEqual(support.effective_weights(self.data), hand)
        for k, v in hand.items():
            self.assertAlmostEqual(self.fw.indicator(k).effective_weight, v, delta=1e-15)

    def test_round_trip(self) -> None:
        text = self.fw.to_json()
        again = Framework.from_json(text)
        self.assertEqual(again.to_dict(), self.fw.to_dict())
        self.assertEqual(again.indicators, self.fw.indicators)
        self.assertEqual(json.loads(text)["indicators"][0]["interim_targets"], [{"year": 2022, "value": 2000.0}])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "fw.json")
            self.fw.save(path)
            self.assertEqual(Framework.from_file(path).dimensions, self.fw.dimensions)

    def test_pickle(self) -> None:
        import pickle

        again = pickle.loads(pickle.dumps(self.fw))
        self.assertIsNot(again, self.fw)
        self.assertEqual(again.indicators, self.fw.indicators)
        self.assertEqual(again.dimensions, self.fw.dimensions)

    def test_invalid(self) -> None:
        bad = support.sample_framework()
        bad["indicators"][0]["dimension"] = "nowhere"
        with self.assertRaises(cpindex.InvalidFramework) as cm:
            Framework.from_json(bad)
        self.assertIn("nowhere", str(cm.exception))
        bad = support.sample_framework()
        bad["indicators"][1]["id"] = "gdp"
        with self.assertRaises(cpindex.InvalidFramework):
            Framework.from_json(bad)
        with self.assertRaises(cpindex.JsonError) as cm:
            Framework.from_json('{"id": "x",\n "dimensions": [}')
        self.assertIn("line", str(cm.exception))
        with self.assertRaises(cpindex.JsonError):
            Framework.from_json("")


class LifetimeTest(unittest.TestCase):
    def test_close_idempotent_and_use_after_close(self) -> None:
        fw = Framework.builtin()
        self.assertFalse(fw.closed)
        fw.close()
        fw.close()
        self.assertTrue(fw.closed)
        with self.assertRaises(ValueError):
            fw.indicator("gdp")
        with self.assertRaises(ValueError):
            fw.to_json()
        self.assertIn("closed", repr(fw))

    def test_context_manager(self) -> None:
        with Framework.builtin() as fw:
            self.assertEqual(fw.id, "quzhou-2021-2025")
        self.assertTrue(fw.closed)

    def test_clone_is_independent(self) -> None:
        fw = Framework.builtin()
        c = fw.clone()
        fw.close()
        self.assertEqual(c.indicator("gdp").target, 2500.0)
        c.close()

    def test_finalizer_frees(self) -> None:
        fw = Framework.builtin()
        fin = fw._finalizer
        self.assertTrue(fin.alive)
        del fw
        gc.collect()
        self.assertFalse(fin.alive)

    def test_nan_is_absent(self) -> None:
        data = support.sample_framework()
        fw = Framework.from_json(data)
        self.assertTrue(all(i.target is None or not math.isnan(i.target) for i in fw.indicators))
        fw.close()


if __name__ == "__main__":
    unittest.main()
