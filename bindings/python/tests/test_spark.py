"""Mergeable summaries through ctypes, and ``cpindex.spark`` on a local[2] Spark session.

The Spark part needs pyspark, pyarrow and a Java runtime. Without them it prints
``SKIPPED`` with the reason — unless ``CPINDEX_REQUIRE_SPARK=1`` (set by CI), in which case
it fails. Expected values: the single-machine :class:`cpindex.Distribution` (itself checked
against R laeken/ineq) on the same records, and hand computations.
"""

from __future__ import annotations

import math
import os
import pickle
import random
import shutil
import unittest

import cpindex
from cpindex.summary import RankPartition, RankPlan, RankQuery, Summary, answer_probes

REQUIRE = os.environ.get("CPINDEX_REQUIRE_SPARK") == "1"


def _spark_missing() -> str:
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as e:
        return f"pyspark/pyarrow not installed ({e}); pip install pyspark pyarrow"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (java not on PATH, JAVA_HOME unset)"
    return ""


SPARK_MISSING = _spark_missing()
if SPARK_MISSING:
    print(f"\n[cpindex tests] SKIPPED cpindex.spark tests: {SPARK_MISSING}", flush=True)


def close(a: float, b: float, tol: float = 1e-12) -> bool:
    return abs(a - b) <= tol * abs(b) + 1e-300


class SummaryCtypesTest(unittest.TestCase):
    def test_group_labels_are_uint32_never_wrapped(self) -> None:
        # a label outside [0, 2**32) used to wrap in the uint32_t array: -1 became 4294967295
        # silently, 2**32 became 0 (a clash with the real label 0)
        from cpindex.summary import ge_decomposition, gini_decomposition

        a, b = Summary([1.0, 2.0]), Summary([10.0, 20.0])
        for bad in (-1, 2**32):
            with self.assertRaisesRegex(cpindex.InvalidArgument, r"groups\[1\]: the label"):
                ge_decomposition([(0, a), (bad, b)], 0.0)
        with self.assertRaises(TypeError):
            ge_decomposition([(0, a), ("b", b)], 0.0)
        # 1 and 1.0 are the same label; the split does not depend on the label's value
        self.assertEqual(ge_decomposition([(0, a), (1.0, b)], 0.0), ge_decomposition([(7, a), (2**32 - 1, b)], 0.0))
        t = RankPlan([RankPartition([1.0, 2.0, 10.0, 20.0])])
        g = [RankPlan([RankPartition([1.0, 2.0])]), RankPlan([RankPartition([10.0, 20.0])])]
        with self.assertRaises(cpindex.InvalidArgument):
            gini_decomposition(t, [(0, g[0]), (-1, g[1])])

    def test_hand_computed_merge_and_bytes(self) -> None:
        # {1, 2 | 3, 4}: mean 2.5, GE(2) = CV^2/2 = 0.1, Gini 0.25, type-2 median 2.5
        a = Summary([1.0, 2.0], alphas=[2.0])
        b = pickle.loads(pickle.dumps(Summary([4.0, 3.0], alphas=[2.0])))
        a.merge(b)
        self.assertEqual(a.mean(), 2.5)
        self.assertTrue(close(a.generalized_entropy(2.0), 0.1, 1e-14))
        self.assertEqual(a.counts(), (4, 0, 0))
        data = a.to_bytes()
        self.assertEqual(data[:4], b"CPXD")
        with self.assertRaises(cpindex.InvalidArgument):
            Summary.from_bytes(data[:-1])
        bad = bytearray(data)
        bad[30] ^= 1
        with self.assertRaises(cpindex.InvalidArgument):
            Summary.from_bytes(bytes(bad))
        plan = RankPlan([RankPartition([2.0, 1.0]), RankPartition([3.0, 4.0])])
        q = [(RankQuery.GINI,), (RankQuery.QUANTILE_TYPE2, 0.5)]
        probes = plan.probes(q)
        parts = [[2.0, 1.0], [3.0, 4.0]]
        answers = [answer_probes(parts[p[0]], None, [p])[0] for p in probes]
        self.assertEqual(plan.finish(q, answers), [0.25, 2.5])
        # two rounds: the median 2.5, then the share below 0.6 x 2.5 = 1.5, i.e. {1} of 4
        q = [(RankQuery.AT_RISK_OF_POVERTY_RATE,), (RankQuery.HOOVER,)]
        answers = []
        for _ in range(3):
            probes = plan.next_probes(q, answers)
            if not probes:
                break
            answers += [answer_probes(parts[p[0]], None, [p])[0] for p in probes]
        # Hoover: F(2.5-) - L = 2/4 - 3/10 = 0.2
        self.assertEqual(plan.finish(q, answers), [0.25, 0.2])


def records(n: int, seed: int):
    """Heavy ties (incomes rounded to 500), groups A/B/C plus a one-record group Z, zero
    weights, dyadic survey weights."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        x = round(math.exp(rnd.gauss(10.0, 0.7)) / 500.0) * 500.0 + 500.0
        w = 0.0 if i % 37 == 0 else rnd.choice([0.5, 1.0, 1.25, 2.0, 3.75])
        rows.append((rnd.choice("ABC"), x, w))
    rows.append(("Z", 12345.0, 2.0))
    return rows


MEASURES = [
    "n",
    "mean",
    "theil_t",
    "mean_log_deviation",
    "coefficient_of_variation",
    "generalized_entropy:2",
    "atkinson:0.5",
    "gini",
    "median",
    "quantile:0.1:1",
    "quantile:0.9",
    "palma_ratio",
    "s80_s20",
    "quintile_share_ratio_eurostat",
    "hoover",
    "at_risk_of_poverty_threshold",
    "at_risk_of_poverty_rate",
    "max_min_ratio",
    "total",
    "min",
    "max",
    "lorenz:0.4",
    "share_in_band:10000:30000",
]


def single_machine(values, weights, label):
    d = cpindex.Distribution(values, weights)
    name, *args = label.split(":")
    a = [float(x) for x in args]
    if name == "n":
        return float(len(d))
    if name == "quantile":
        m = {1: cpindex.QuantileMethod.INVERTED_CDF, 2: cpindex.QuantileMethod.AVERAGED_INVERTED_CDF}[
            int(a[1]) if len(a) > 1 else 2
        ]
        return d.quantile(a[0], m)
    if name == "lorenz":
        return d.lorenz(a[0])
    if name == "share_in_band":
        return d.share_in_band(a[0], a[1])
    if name == "s80_s20":
        return d.quintile_share_ratio(cpindex.ShareRatioMethod.LORENZ)
    if name == "quintile_share_ratio_eurostat":
        return d.quintile_share_ratio(cpindex.ShareRatioMethod.EUROSTAT)
    if name in ("max_min_ratio", "min", "max"):
        m = d.max_min()
        return {"max_min_ratio": m.ratio, "min": m.min, "max": m.max}[name]
    if name == "generalized_entropy":
        return d.generalized_entropy(a[0])
    if name == "atkinson":
        return d.atkinson(a[0])
    attr = getattr(d, name)
    return attr() if callable(attr) else attr


@unittest.skipIf(SPARK_MISSING and not REQUIRE, f"SKIPPED: {SPARK_MISSING}")
class SparkTest(unittest.TestCase):
    spark = None

    @classmethod
    def setUpClass(cls) -> None:
        if SPARK_MISSING:
            raise AssertionError(f"CPINDEX_REQUIRE_SPARK=1 but {SPARK_MISSING}")
        from pyspark.sql import SparkSession

        cls.spark = (
            SparkSession.builder.master("local[2]")
            .appName("cpindex-test")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.memory", "1g")
            .getOrCreate()
        )
        cls.spark.sparkContext.setLogLevel("ERROR")

    @classmethod
    def tearDownClass(cls) -> None:
        if cls.spark is not None:
            cls.spark.stop()

    def check(self, frame, rows, groups) -> None:
        for g in groups:
            vals = [x for k, x, _ in rows if g is None or k == g]
            wts = [w for k, _, w in rows if g is None or k == g]
            for label in MEASURES:
                got = frame.loc[g, label]
                try:
                    want = single_machine(vals, wts, label)
                except cpindex.CpindexError as e:
                    # undefined for this group (on_error="nan"): NaN and the same message
                    self.assertTrue(math.isnan(got), f"{g} {label}: {got}, single machine: {e}")
                    # the same message, prefixed by the C function that raised it
                    got_msg = frame.attrs["errors"][(g, label)]
                    self.assertEqual(got_msg.split(": ", 1)[1], str(e).split(": ", 1)[1])
                    continue
                exact = ("quantile", "median", "n", "min", "max", "max_min_ratio", "at_risk_of_poverty_threshold")
                tol = 0.0 if label.startswith(exact) else 1e-12
                self.assertTrue(close(got, want, tol) or (abs(got - want) <= 1e-15), f"{g} {label}: {got} vs {want}")

    def test_by_group_with_range_repartition(self) -> None:
        rows = records(1200, 1)
        df = self.spark.createDataFrame(rows, "county string, income double, weight double").repartition(3)
        frame = cpindex.spark.inequality(
            df, value="income", weight="weight", by="county", measures=MEASURES, num_partitions=5, on_error="nan"
        )
        self.assertEqual(list(frame.index), ["A", "B", "C", "Z"])
        self.check(frame, rows, ["A", "B", "C", "Z"])
        # the one-record group Z has no record above its q80: the Eurostat QSR is undefined
        self.assertIn(("Z", "quintile_share_ratio_eurostat"), frame.attrs["errors"])
        self.assertEqual(len(frame.attrs["errors"]), 1, frame.attrs["errors"])

    def test_given_partitions_ties_across_boundaries(self) -> None:
        # Keep our own range partitions: sorted records cut inside runs of equal incomes,
        # with a one-record partition and an empty one.
        rows = sorted(records(900, 2), key=lambda r: r[1])
        rows = [("all", x, w) for _, x, w in rows]
        xs = [r[1] for r in rows]
        cut = next(i for i in range(1, len(xs)) if xs[i] == xs[i - 1] and i > 200)
        cut2 = next(i for i in range(cut + 30, len(xs)) if xs[i] == xs[i - 1])
        slices = [rows[:cut], rows[cut : cut + 1], [], rows[cut + 1 : cut2], rows[cut2:]]
        self.assertEqual(slices[0][-1][1], slices[1][0][1])  # a tie straddles the boundary
        sc = self.spark.sparkContext
        rdd = sc.parallelize(slices, len(slices)).flatMap(lambda s: s)
        self.assertEqual(rdd.getNumPartitions(), 5)
        df = self.spark.createDataFrame(rdd, "county string, income double, weight double")
        frame = cpindex.spark.inequality(
            df, value="income", weight="weight", by="county", measures=MEASURES, repartition=False
        )
        self.check(frame, rows, ["all"])
        # unweighted, no groups, type 7 quantile across the boundaries
        f2 = cpindex.spark.inequality(df, value="income", measures=["quantile:0.37:7", "gini"], repartition=False)
        d = cpindex.Distribution(xs)
        self.assertEqual(f2.iloc[0]["quantile:0.37:7"], d.quantile(0.37, cpindex.QuantileMethod.LINEAR))
        self.assertTrue(close(f2.iloc[0]["gini"], d.gini()))

    def test_decomposition_by_group(self) -> None:
        rows = [r for r in records(1500, 3) if r[0] != "Z"]
        df = self.spark.createDataFrame(rows, "county string, income double, weight double").repartition(3)
        got = cpindex.spark.decomposition(df, value="income", weight="weight", by="county", num_partitions=4)
        self.assertEqual(got["groups"], ["A", "B", "C"])
        # the single-machine decompositions of the same records
        xs, ws, gs = [x for _, x, _ in rows], [w for _, _, w in rows], [k for k, _, _ in rows]
        dec = cpindex.gini_decomposition(xs, gs, ws)
        for key in ("total", "within", "between_net", "transvariation"):
            want = getattr(dec, key)
            self.assertTrue(close(got["gini"][key], want), f"gini {key}: {got['gini'][key]} vs {want}")
        for alpha in (0.0, 1.0, 2.0):
            ge = cpindex.ge_decomposition(xs, gs, alpha, ws)
            mine = got["generalized_entropy"][alpha]
            for key in ("total", "within"):
                self.assertTrue(close(mine[key], getattr(ge, key), 1e-11), f"GE({alpha}) {key}")
            # between is small and a difference of terms near 1: compared absolutely
            self.assertLessEqual(abs(mine["between"] - ge.between), 1e-11 * ge.total)

    def test_errors_surface(self) -> None:
        df = self.spark.createDataFrame([(1.0, 1.0), (0.0, 1.0)], "income double, weight double")
        with self.assertRaises(Exception) as cm:
            cpindex.spark.inequality(df, value="income", weight="weight", measures=["mean_log_deviation"])
        self.assertIn("> 0", str(cm.exception))
        with self.assertRaises(ValueError):
            cpindex.spark.inequality(df, value="income", measures=["no_such_measure"])


import cpindex.spark  # noqa: E402  (importable without pyspark)

if __name__ == "__main__":
    unittest.main()
