"""The engine (cpindex_index_run) and plan monitoring (cpindex_monitor_run) through
their result handles, checked against the result's own JSON and independent facts."""

from __future__ import annotations

import csv
import ctypes
import json
import math
import random
import unittest

import cpindex
from cpindex._native import LIB, read_text

import support

UNITS = ["kecheng", "qujiang", "jiangshan", "changshan"]


def panel_for(fw: cpindex.Framework, periods: list, seed: int = 7) -> cpindex.Panel:
    ids = [i.id for i in fw.indicators]
    rnd = random.Random(seed)
    vals = [rnd.uniform(1.0, 100.0) for _ in range(len(UNITS) * len(periods) * len(ids))]
    return cpindex.Panel(UNITS, periods, ids, vals)


@unittest.skipUnless(LIB.has("cpindex_index_run"), "cpindex_index_run is not exported by this library build yet")
class IndexTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.fw = cpindex.Framework.builtin()
        cls.panel = panel_for(cls.fw, [2021, 2022])
        cls.result = cpindex.run_index(cls.fw, cls.panel)

    def test_shape(self) -> None:
        r = self.result
        self.assertEqual(r.units, tuple(UNITS))
        self.assertEqual(r.periods, (2021, 2022))
        self.assertEqual(r.nodes[0], self.fw.id)
        self.assertEqual(set(r.nodes[1:]), {d.id for d in self.fw.dimensions})

    def test_columns_agree_with_json(self) -> None:
        r = self.result
        d = r.to_dict()
        json.dumps(d)  # plain data
        for node in r.nodes:
            for k, period in enumerate(r.periods):
                got = list(r.scores(node, period))
                want = d["scores"][node][k]
                for a, b in zip(got, want):
                    if b is None:
                        self.assertTrue(math.isnan(a))
                    else:
                        self.assertAlmostEqual(a, b, delta=1e-12)
                self.assertEqual(list(r.ranks(node, period)), d["ranks"][node][k])

    def test_ranks_follow_scores(self) -> None:
        # rank 1 = the highest score (independent of how scores are computed)
        for period in self.result.periods:
            s = list(self.result.scores(self.fw.id, period))
            rk = list(self.result.ranks(self.fw.id, period))
            order = sorted(range(len(s)), key=lambda k: -s[k])
            self.assertEqual([rk[k] for k in order], [1.0, 2.0, 3.0, 4.0])

    def test_weights_and_children(self) -> None:
        data = support.builtin_json()
        children = self.result.children(self.fw.id)
        self.assertEqual(set(children), {d.id for d in self.fw.dimensions if d.parent is None})
        w = list(self.result.weights(self.fw.id, 2022))
        self.assertAlmostEqual(sum(w), 1.0, delta=1e-12)
        if data is not None:  # normalised top-level weights from the shipped JSON
            raw = {d["id"]: d.get("weight", 1.0) for d in data["dimensions"] if d.get("parent") is None}
            total = sum(raw.values())
            for cid, wk in zip(children, w):
                self.assertAlmostEqual(wk, raw[cid] / total, delta=1e-12)

    def test_errors(self) -> None:
        with self.assertRaises(cpindex.UnknownId):
            self.result.scores("no_such_node", 2022)
        with self.assertRaises(cpindex.UnknownId):
            self.result.scores(self.fw.id, 1999)
        with self.assertRaises(cpindex.JsonError):
            cpindex.run_index(self.fw, self.panel, "{")
        with self.assertRaises(cpindex.InvalidSpec):
            cpindex.run_index(self.fw, self.panel, {"no_such_field": 1})
        with self.assertRaises(TypeError):
            cpindex.run_index(self.fw, self.panel, 42)  # type: ignore[arg-type]
        r = cpindex.run_index(self.fw, self.panel)
        r.close()
        with self.assertRaises(ValueError):
            r.scores(self.fw.id, 2022)


@unittest.skipUnless(LIB.has("cpindex_monitor_run"), "cpindex_monitor_run is not exported by this library build yet")
class MonitorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.fw = cpindex.Framework.builtin()
        cls.panel = panel_for(cls.fw, [2020, 2021, 2022])
        cls.result = cpindex.run_monitor(cls.fw, cls.panel)

    def test_years_and_units(self) -> None:
        r = self.result
        self.assertEqual((r.base_year, r.target_year), (2020, 2025))
        self.assertEqual(r.year, 2022)
        self.assertEqual(r.units, tuple(UNITS))

    def test_achievement_record(self) -> None:
        r = self.result
        obs = r.achievement("qujiang", "gdp_per_capita", 2021, cpindex.AchievementField.OBSERVED)
        self.assertEqual(obs, self.panel["qujiang", 2021, "gdp_per_capita"])  # the data given
        # a per-capita indicator: the plan's target applies to a county
        self.assertEqual(r.achievement("qujiang", "gdp_per_capita", 2021, cpindex.AchievementField.TARGET), 10.0)
        # GDP (亿元) is a size indicator of the framework: a county without a GDP target of
        # its own is not scored on it
        self.assertTrue(math.isnan(r.achievement("qujiang", "gdp", 2021, cpindex.AchievementField.TARGET)))
        self.assertTrue(math.isnan(r.achievement("qujiang", "gdp", 2021)))
        capped = r.achievement("qujiang", "gdp_per_capita", 2021)
        self.assertGreaterEqual(capped, 0.0)
        self.assertLessEqual(capped, 1.0 + 1e-12)
        self.assertFalse(math.isnan(r.unit_achievement("qujiang")))

    def test_columns_agree_with_single_reads(self) -> None:
        r = self.result
        if not LIB.has("cpindex_monitor_result_achievements"):
            self.skipTest("cpindex_monitor_result_achievements is not exported yet")
        col = list(r.achievements("gdp", 2021, cpindex.AchievementField.OBSERVED))
        self.assertEqual(col, [self.panel[u, 2021, "gdp"] for u in r.units])
        col = list(r.achievements("gdp_per_capita", 2021))
        for u, v in zip(r.units, col):
            self.assertEqual(v, r.achievement(u, "gdp_per_capita", 2021))
        agg = list(r.unit_achievements())
        for u, v in zip(r.units, agg):
            a = r.unit_achievement(u)
            self.assertTrue(a == v or (math.isnan(a) and math.isnan(v)))

    def test_bulk_ids_match_single_reads(self) -> None:
        # every id in one call (cpindex_monitor_result_ids) against one call per unit
        if not LIB.has("cpindex_monitor_result_ids"):
            self.skipTest("cpindex_monitor_result_ids is not exported by this library build")
        r = self.result
        with r._borrow() as h:
            one = tuple(read_text(LIB.cpindex_monitor_result_unit_id, h, k) for k in range(len(r.units)))
            size = ctypes.c_size_t(0)
            LIB.cpindex_monitor_result_ids(h, 1, None, 0, ctypes.byref(size))
            buf = ctypes.create_string_buffer(size.value)
            LIB.cpindex_monitor_result_ids(h, 1, buf, size.value, ctypes.byref(size))
            with self.assertRaises(cpindex.InvalidArgument):
                LIB.cpindex_monitor_result_ids(h, 7, None, 0, ctypes.byref(size))
        self.assertEqual(r.units, one)
        self.assertEqual(r.units, tuple(UNITS))
        # the indicators in framework order, as the framework's own JSON lists them
        want = [i["id"] for i in json.loads(self.fw.to_json())["indicators"]]
        self.assertEqual(buf.raw.decode("utf-8").split("\0")[:-1], want)

    def test_status_and_dynamic(self) -> None:
        r = self.result
        self.assertIsInstance(r.status("kecheng", "gdp"), cpindex.ScheduleStatus)
        self.assertIsInstance(r.status("kecheng", "gdp", cpindex.StatusKind.TREND), cpindex.TrendClass)
        self.assertIsInstance(r.status("kecheng", "economy", cpindex.StatusKind.COLOUR), cpindex.Colour)
        dyn = r.dynamic("kecheng")
        self.assertEqual([y for y, _ in dyn], [2020, 2021, 2022])
        self.assertAlmostEqual(dyn[0][1], 100.0, delta=1e-12)  # a fixed-base index is 100 in the base year

    def test_json(self) -> None:
        d = self.result.to_dict()
        self.assertEqual(d["base_year"], 2020)
        self.assertEqual(json.loads(self.result.to_json())["year"], 2022)

    @unittest.skipUnless(LIB.has("cpindex_monitor_run_threads"), "cpindex_monitor_run_threads not exported")
    def test_threads_give_the_same_result(self) -> None:
        # 100 units: enough for shares of at least 32 units on 2 or 3 threads; some cells
        # missing so that notes and availability patterns differ between the shares
        ids = [i.id for i in self.fw.indicators]
        units = [f"u{k:03d}" for k in range(100)]
        periods = [2020, 2021, 2022, 2023]
        rnd = random.Random(11)
        vals = [
            float("nan") if rnd.random() < 0.08 else rnd.uniform(1.0, 100.0)
            for _ in range(len(units) * len(periods) * len(ids))
        ]
        panel = cpindex.Panel(units, periods, ids, vals)
        one = cpindex.run_monitor(self.fw, panel).to_json()
        for t in (0, 2, 3):
            many = cpindex.run_monitor(self.fw, panel, threads=t)
            self.assertEqual(many.units, tuple(units))
            self.assertTrue(one == many.to_json(), f"{t} threads")
        for bad in (-1, 1.5, True, "2"):
            with self.assertRaises(ValueError):
                cpindex.run_monitor(self.fw, panel, threads=bad)

    def test_errors(self) -> None:
        with self.assertRaises(cpindex.UnknownId):
            self.result.achievement("atlantis", "gdp")
        with self.assertRaises(cpindex.InvalidArgument):
            self.result.achievement("kecheng", "gdp", 2021, 99)
        with self.assertRaises(cpindex.InvalidArgument):
            self.result.status("kecheng", "gdp", 9)


SAMPLE_CSV = support.REPO / "examples" / "data" / "quzhou.csv"
COUNTIES = ["kecheng", "qujiang", "longyou", "jiangshan", "changshan", "kaihua"]


@unittest.skipUnless(SAMPLE_CSV.is_file(), "examples/data/quzhou.csv is not beside the tests")
@unittest.skipUnless(
    LIB.has("cpindex_index_run") and LIB.has("cpindex_monitor_run"), "engine/monitor not exported yet"
)
class QuzhouSampleTest(unittest.TestCase):
    """The computation the CLI runs on the sample (`cpindex index` / `cpindex report`), from
    Python: CSV through the library's reader with the built-in framework, then the engine
    and plan monitoring. Checked against facts derived independently in the test."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.fw = cpindex.Framework.builtin("quzhou-2021-2025")
        cls.panel = cpindex.Panel.from_csv(SAMPLE_CSV, framework=cls.fw)
        cls.index = cpindex.run_index(cls.fw, cls.panel, {"units": COUNTIES})
        cls.monitor = cpindex.run_monitor(cls.fw, cls.panel)

    @classmethod
    def tearDownClass(cls) -> None:
        for obj in (cls.monitor, cls.index, cls.panel, cls.fw):
            obj.close()

    def test_index_ranks_follow_scores(self) -> None:
        r = self.index
        self.assertEqual(r.units, tuple(COUNTIES))
        year = max(r.periods)
        self.assertEqual(year, 2024)  # the sample's last year, inside the plan period
        for node in r.nodes:
            scores, ranks = r.scores(node, year), r.ranks(node, year)
            self.assertEqual(len(scores), 6)
            self.assertTrue(all(math.isfinite(s) for s in scores), (node, list(scores)))
            # competition ranking: rank = 1 + the number of strictly higher scores
            for a, sa in enumerate(scores):
                self.assertEqual(ranks[a], 1 + sum(1 for sb in scores if sb > sa), node)
        scores, ranks = r.scores(self.fw.id, year), r.ranks(self.fw.id, year)
        self.assertEqual(len(set(scores)), 6, "distinct index scores on the sample")
        self.assertEqual(sorted(ranks), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
        best = max(range(6), key=lambda k: scores[k])
        self.assertEqual(ranks[best], 1.0)

    def test_city_gdp_achievement(self) -> None:
        # x = the city's 2024 GDP read with the csv module (亿元); the plan's 2025 target
        # is 2500 亿元 (README), so the capped ratio form is min(1, x / 2500).
        with open(SAMPLE_CSV, newline="", encoding="utf-8") as f:
            (x,) = [
                float(row["value"])
                for row in csv.DictReader(f)
                if (row["unit"], row["period"], row["indicator"]) == ("quzhou", "2024", "gdp")
            ]
        m = self.monitor
        self.assertEqual(m.year, 2024)
        self.assertIn("quzhou", m.units)
        self.assertNotIn("zhejiang", m.units)  # the reference unit is not monitored
        got = m.achievement("quzhou", "gdp", 2024)
        self.assertAlmostEqual(got, min(1.0, x / 2500.0), delta=1e-12)
        self.assertEqual(m.achievement("quzhou", "gdp", 2024, cpindex.AchievementField.OBSERVED), x)
        self.assertEqual(m.achievement("quzhou", "gdp", 2024, cpindex.AchievementField.TARGET), 2500.0)


if __name__ == "__main__":
    unittest.main()


@unittest.skipUnless(LIB.has("cpindex_monitor_run"), "cpindex_monitor_run is not exported by this library build yet")
class MonitorSizeTest(unittest.TestCase):
    def test_a_framework_that_multiplies_the_panel_past_the_limit_is_refused(self) -> None:
        # 100,000 indicators over 100,000 units × one year: 10^10 records, which used to
        # abort the Python process (a failed 40 GB allocation); now InvalidArgument with
        # the sizes, before anything is allocated, and the process goes on
        n = 100_000
        inds = ",".join(
            '{"id":"i%d","dimension":"d","name_zh":"x","name_en":"x","unit":{"label":"x"},'
            '"polarity":{"type":"higher_is_better"},"kind":"level","target":1.0,"weight":1.0}' % k
            for k in range(n)
        )
        fw = cpindex.Framework.from_json(
            '{"id":"big","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,'
            '"dimensions":[{"id":"d","name_zh":"d","name_en":"d","weight":1.0}],"indicators":[' + inds + "]}"
        )
        panel = cpindex.Panel(["u%d" % u for u in range(n)], [2021], ["i0"], [1.5] * n)
        with self.assertRaises(cpindex.InvalidArgument) as ctx:
            cpindex.run_monitor(fw, panel)
        message = str(ctx.exception)
        self.assertIn("100000 units × 100000 indicators × 1 evaluated years = 10000000000", message)
        self.assertIn("cpindex_set_max_panel_cells", message)
        # the library still works
        small = cpindex.Framework.builtin()
        self.assertEqual(cpindex.run_monitor(small, panel_for(small, [2020, 2021])).units, tuple(UNITS))
