"""The Python binding against R's laeken 0.5.2 on the household sample: the weighted rows of
``tests/reference/laeken/laeken-0.5.2.csv`` (printed by R 4.2.2 + laeken 0.5.2, see
``tests/reference/laeken/README.md``) for all households and for each county — the figures a
statistics office publishes: Gini, Eurostat S80/S20, at-risk-of-poverty threshold and rate,
median and mean. The Rust test ``tests/distribution_laeken.rs`` covers every row; this one
checks that the same numbers come through ctypes."""

from __future__ import annotations

import csv
import math
import unittest

from cpindex import distribution
from cpindex.distribution import Distribution, ShareRatioMethod

import support

REFERENCE = support.REPO / "tests" / "reference" / "laeken" / "laeken-0.5.2.csv"
HOUSEHOLDS = support.REPO / "examples" / "data" / "households.csv"


def _read_reference():
    with open(REFERENCE, newline="", encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    rows = {}
    for r in csv.DictReader(lines):
        if r["dataset"] == "households" and r["weighted"] == "w" and r["p"] == "":
            rows[(r["subset"], r["measure"])] = float(r["value"])
    return rows


def _exact_hit(x, w, p):
    """True when the cumulative weight reaches p·W exactly between two different values —
    where laeken's quantile takes the upper value and cpindex (Eurostat type 2) averages
    (docs/distribution.md; tests/distribution_laeken.rs checks that relation)."""
    r = sorted(zip(x, w))
    total = math.fsum(w)
    c = 0.0
    for k in range(len(r) - 1):
        c += r[k][1]
        if abs(c - p * total) <= 1e-9 * total and r[k][0] != r[k + 1][0]:
            return True
    return False


# the quantile probabilities each compared measure depends on
DEPENDS = {"qsr": (0.2, 0.8), "arpt": (0.5,), "arpr": (0.5,), "median": (0.5,)}


def _read_households():
    with open(HOUSEHOLDS, newline="", encoding="utf-8") as f:
        return [
            (r["county"], float(r["disposable_income_yuan"]), float(r["weight"]))
            for r in csv.DictReader(f)
        ]


@unittest.skipUnless(REFERENCE.is_file() and HOUSEHOLDS.is_file(),
                     "the laeken reference needs the source checkout (tests/reference)")
class LaekenHouseholds(unittest.TestCase):
    def test_published_figures_by_county(self):
        ref = _read_reference()
        hh = _read_households()
        subsets = sorted({s for s, _ in ref})
        self.assertIn("all", subsets)
        self.assertEqual(len(subsets), 7)  # all + six counties
        checked = skipped = 0
        for subset in subsets:
            rows = [(x, w) for c, x, w in hh if subset in ("all", c)]
            x = [r[0] for r in rows]
            w = [r[1] for r in rows]
            with Distribution(x, w) as d:
                ours = {
                    "gini": 100 * d.gini(),
                    "qsr": d.quintile_share_ratio(ShareRatioMethod.EUROSTAT),
                    "arpt": d.at_risk_of_poverty_threshold(),
                    "arpr": 100 * d.at_risk_of_poverty_rate(),
                    "median": d.median(),
                    "mean": d.mean,
                }
            for measure, value in ours.items():
                if any(_exact_hit(x, w, p) for p in DEPENDS.get(measure, ())):
                    skipped += 1
                    continue
                want = ref[(subset, measure)]
                self.assertTrue(math.isclose(value, want, rel_tol=1e-12),
                                f"{subset} {measure}: cpindex {value!r}, laeken {want!r}")
                checked += 1
            # the one-shot function agrees with the handle
            self.assertTrue(math.isclose(100 * distribution.gini(x, w), ref[(subset, "gini")],
                                         rel_tol=1e-12))
        self.assertEqual(checked + skipped, 42)
        self.assertLessEqual(skipped, 6, "too many exact quantile hits to be a fair check")


if __name__ == "__main__":
    unittest.main()
