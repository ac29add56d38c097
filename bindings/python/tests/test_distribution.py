"""Distribution measures: the generic (values, weights|NULL, n, params…, *out) caller,
and — once the library exports them — the measures against independent computations."""

from __future__ import annotations

import ctypes
import math
import unittest
from array import array
from ctypes import POINTER, c_double, c_size_t, c_uint32

import cpindex
from cpindex import distribution
from cpindex._native import LIB, declared_functions

import support

if support.HAVE_NUMPY:
    import numpy as np

# ----------------------------------------------------------------------------- references
# Independent pure-Python implementations of the textbook formulas (Cowell, *Measuring
# Inequality*, 3rd ed., ch. 3 and Technical Appendix; R package ineq: Gini(corr=FALSE),
# Theil(parameter=0/1), Atkinson, entropy). Weights are frequency weights.


def _norm(values, weights):
    w = [1.0] * len(values) if weights is None else list(weights)
    return list(values), w, sum(w)


def ref_gini(x, w=None):
    x, w, W = _norm(x, w)
    mu = sum(a * b for a, b in zip(x, w)) / W
    s = sum(wi * wj * abs(xi - xj) for xi, wi in zip(x, w) for xj, wj in zip(x, w))
    return s / (2 * W * W * mu)


def ref_ge(x, alpha, w=None):
    x, w, W = _norm(x, w)
    mu = sum(a * b for a, b in zip(x, w)) / W
    if alpha == 0:
        return -sum(wi * math.log(xi / mu) for xi, wi in zip(x, w)) / W
    if alpha == 1:
        return sum(wi * (xi / mu) * math.log(xi / mu) for xi, wi in zip(x, w)) / W
    return sum(wi * ((xi / mu) ** alpha - 1) for xi, wi in zip(x, w)) / (W * alpha * (alpha - 1))


def ref_atkinson(x, eps, w=None):
    x, w, W = _norm(x, w)
    mu = sum(a * b for a, b in zip(x, w)) / W
    if eps == 1:
        ede = math.exp(sum(wi * math.log(xi) for xi, wi in zip(x, w)) / W)
    else:
        ede = (sum(wi * xi ** (1 - eps) for xi, wi in zip(x, w)) / W) ** (1 / (1 - eps))
    return 1 - ede / mu


DATA = [1.0, 2.0, 3.0, 4.0]
# By hand: mean 2.5; Σ|xi−xj| over ordered pairs = 2·(1+2+3+1+2+1) = 20;
# Gini = 20 / (2·4²·2.5) = 0.25.
GINI_HAND = 0.25


class ReferenceSelfCheck(unittest.TestCase):
    def test_reference_formulas_by_hand(self) -> None:
        self.assertAlmostEqual(ref_gini(DATA), GINI_HAND, delta=1e-15)
        # weight 2 on a value equals repeating it
        self.assertAlmostEqual(ref_gini([1, 2, 3], [1, 2, 1]), ref_gini([1, 2, 2, 3]), delta=1e-15)
        # Theil T of (1, 3): mean 2; ½(½·ln½ + 3/2·ln 3/2) = 0.130812035941137 (by hand)
        self.assertAlmostEqual(ref_ge([1, 3], 1), 0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5)), delta=1e-15)
        # Atkinson(1) of (1, 4): 1 − geometric mean/mean = 1 − 2/2.5 = 0.2
        self.assertAlmostEqual(ref_atkinson([1, 4], 1), 0.2, delta=1e-15)


# ----------------------------------------------------------------------------- machinery
MEASURE_T = ctypes.CFUNCTYPE(c_uint32, POINTER(c_double), POINTER(c_double), c_size_t, POINTER(c_double))
MEASURE_P_T = ctypes.CFUNCTYPE(c_uint32, POINTER(c_double), POINTER(c_double), c_size_t, c_double, POINTER(c_double))


class CallerTest(unittest.TestCase):
    """call_measure against a C-callable fake with the issue-6 signature, so the
    pointer/NULL/length handling is exercised before the real functions exist."""

    def setUp(self) -> None:
        self.seen: list = []

        def fake(values, weights, n, out):
            x = [values[k] for k in range(n)] if n else []
            w = None if not weights else [weights[k] for k in range(n)]
            self.seen.append((x, w, ctypes.cast(values, ctypes.c_void_p).value))
            out[0] = ref_gini(x, w)
            return 0

        def fake_p(values, weights, n, p, out):
            out[0] = p * n
            return 0

        self.fn = MEASURE_T(fake)
        self.fn_p = MEASURE_P_T(fake_p)

    def test_unweighted_passes_null(self) -> None:
        self.assertEqual(distribution.call_measure(self.fn, DATA, None), GINI_HAND)
        self.assertEqual(self.seen[-1][1], None)

    def test_weighted(self) -> None:
        got = distribution.call_measure(self.fn, [1, 2, 3], [1, 2, 1])
        self.assertAlmostEqual(got, ref_gini([1, 2, 2, 3]), delta=1e-15)

    def test_zero_copy_address(self) -> None:
        a = array("d", DATA)
        distribution.call_measure(self.fn, a, None)
        self.assertEqual(self.seen[-1][2], a.buffer_info()[0])

    def test_none_becomes_nan(self) -> None:
        fn = MEASURE_T(lambda v, w, n, out: (out.__setitem__(0, sum(1 for k in range(n) if math.isnan(v[k]))), 0)[1])
        self.assertEqual(distribution.call_measure(fn, [1.0, None, float("nan")], None), 2.0)

    def test_params_in_order(self) -> None:
        self.assertEqual(distribution.call_measure(self.fn_p, [1, 2, 3], None, 0.5), 1.5)

    def test_length_mismatch_never_reaches_c(self) -> None:
        with self.assertRaises(cpindex.LengthMismatch) as cm:
            distribution.call_measure(self.fn, [1, 2, 3], [1, 1])
        self.assertIn("3", str(cm.exception))
        self.assertEqual(self.seen, [])

    def test_bad_types(self) -> None:
        with self.assertRaises(TypeError):
            distribution.call_measure(self.fn, "1,2,3", None)
        with self.assertRaises(TypeError):
            distribution.call_measure(self.fn, [1, 2], ["a", "b"])

    def test_table_rows(self) -> None:
        rows = declared_functions()
        for py, c in distribution.MEASURES.items():
            self.assertIn(c, rows)
            self.assertTrue(callable(getattr(cpindex, py)))
            self.assertEqual(rows[c].argtypes[:3], rows["cpindex_gini"].argtypes[:3])
        self.assertEqual(len(rows["cpindex_share_in_band"].argtypes), 6)

    def test_absent_functions_raise_not_available(self) -> None:
        absent = [py for py, c in distribution.MEASURES.items() if not LIB.has(c)]
        if not absent:
            self.skipTest("the library exports every distribution measure")
        with self.assertRaises(cpindex.NotAvailable):
            getattr(cpindex, absent[0])(*([DATA] + [0.5] * (len(declared_functions()["cpindex_" + absent[0]].argtypes) - 4)))


# ----------------------------------------------------------------------------- real library
_ABSENT = [py for py, c in distribution.MEASURES.items() if not LIB.has(c)]
if _ABSENT:
    print(
        f"\n[cpindex tests] SKIP reason: the library does not export {', '.join(_ABSENT)} yet "
        "(distribution round of the C ABI); their value tests are skipped",
        flush=True,
    )


def needs(name: str):
    ok = LIB.has("cpindex_" + name)
    return unittest.skipUnless(ok, f"cpindex_{name} is not exported by this library build yet")


INCOMES = [12.0, 15.5, 18.0, 22.0, 25.0, 31.0, 40.0, 55.0, 80.0, 120.0]
WEIGHTS = [1.0, 2.0, 1.0, 3.0, 1.0, 1.0, 2.0, 1.0, 1.0, 0.5]


class LibraryMeasuresTest(unittest.TestCase):
    @needs("gini")
    def test_gini(self) -> None:
        self.assertAlmostEqual(cpindex.gini(DATA), GINI_HAND, delta=1e-12)
        self.assertAlmostEqual(cpindex.gini(INCOMES), ref_gini(INCOMES), delta=1e-12)
        self.assertAlmostEqual(cpindex.gini(INCOMES, weights=WEIGHTS), ref_gini(INCOMES, WEIGHTS), delta=1e-12)
        with self.assertRaises(cpindex.LengthMismatch):
            cpindex.gini(INCOMES, weights=WEIGHTS[:-1])
        with self.assertRaises(cpindex.CpindexError):
            cpindex.gini([])
        with self.assertRaises(cpindex.CpindexError):
            cpindex.gini([1.0, math.inf])

    @needs("theil_t")
    def test_theil_t(self) -> None:
        self.assertAlmostEqual(cpindex.theil_t(INCOMES), ref_ge(INCOMES, 1), delta=1e-12)
        self.assertAlmostEqual(cpindex.theil_t(INCOMES, weights=WEIGHTS), ref_ge(INCOMES, 1, WEIGHTS), delta=1e-12)

    @needs("mean_log_deviation")
    def test_mld(self) -> None:
        self.assertAlmostEqual(cpindex.mean_log_deviation(INCOMES), ref_ge(INCOMES, 0), delta=1e-12)

    @needs("generalized_entropy")
    def test_ge(self) -> None:
        for a in (-1.0, 0.0, 0.5, 1.0, 2.0):
            self.assertAlmostEqual(cpindex.generalized_entropy(INCOMES, a), ref_ge(INCOMES, a), delta=1e-12)
        self.assertAlmostEqual(
            cpindex.generalized_entropy(INCOMES, 2.0, weights=WEIGHTS), ref_ge(INCOMES, 2.0, WEIGHTS), delta=1e-12
        )

    @needs("atkinson")
    def test_atkinson(self) -> None:
        for e in (0.5, 1.0, 2.0):
            self.assertAlmostEqual(cpindex.atkinson(INCOMES, e), ref_atkinson(INCOMES, e), delta=1e-12)
        with self.assertRaises(cpindex.CpindexError):
            cpindex.atkinson(INCOMES, -1.0)

    @needs("coefficient_of_variation")
    def test_cv(self) -> None:
        mu = sum(INCOMES) / 10
        pop = math.sqrt(sum((x - mu) ** 2 for x in INCOMES) / 10) / mu
        sample = math.sqrt(sum((x - mu) ** 2 for x in INCOMES) / 9) / mu
        got = cpindex.coefficient_of_variation(INCOMES)
        # the population and the sample (n−1) conventions are both in use; accept either
        self.assertTrue(abs(got - pop) < 1e-12 or abs(got - sample) < 1e-12, (got, pop, sample))

    @needs("palma_ratio")
    def test_palma(self) -> None:
        # 1..10: top 10 % = 10, bottom 40 % = 1+2+3+4 = 10 → 1.0 (exact cut points)
        self.assertAlmostEqual(cpindex.palma_ratio([float(k) for k in range(1, 11)]), 1.0, delta=1e-12)

    @needs("quintile_share_ratio")
    def test_qsr(self) -> None:
        # 1..10: top 20 % = 9+10 = 19, bottom 20 % = 1+2 = 3 → 19/3
        self.assertAlmostEqual(cpindex.quintile_share_ratio([float(k) for k in range(1, 11)]), 19 / 3, delta=1e-12)

    @needs("quantile")
    def test_quantile(self) -> None:
        self.assertEqual(cpindex.quantile(INCOMES, 0.0), 12.0)
        self.assertEqual(cpindex.quantile(INCOMES, 1.0), 120.0)
        self.assertEqual(cpindex.quantile([3.0, 1.0, 2.0], 0.5), 2.0)
        with self.assertRaises(cpindex.InvalidArgument):
            cpindex.quantile(INCOMES, 1.5)

    @needs("share_in_band")
    def test_share_in_band(self) -> None:
        # 1..10 in (2.5, 6.5): 3, 4, 5, 6 → 4/10
        self.assertAlmostEqual(cpindex.share_in_band([float(k) for k in range(1, 11)], 2.5, 6.5), 0.4, delta=1e-12)
        self.assertAlmostEqual(
            cpindex.share_in_band([1.0, 5.0], 2.5, 6.5, weights=[3.0, 1.0]), 0.25, delta=1e-12
        )

    @needs("gini")
    def test_missing_value_policy(self) -> None:
        # None is NaN; the library either skips it or raises MissingValue — never a crash
        try:
            got = cpindex.gini([1.0, None, 2.0, 3.0, 4.0])
        except cpindex.MissingValue as e:
            self.assertEqual(e.code, 102)
        else:
            self.assertAlmostEqual(got, GINI_HAND, delta=1e-12)

    @unittest.skipUnless(support.HAVE_NUMPY and LIB.has("cpindex_gini"), "needs numpy and cpindex_gini")
    def test_numpy_input(self) -> None:
        self.assertAlmostEqual(cpindex.gini(np.array(INCOMES)), ref_gini(INCOMES), delta=1e-12)


if __name__ == "__main__":
    unittest.main()


# ----------------------------------------------------------------------------- handle and decompositions
HAVE_HANDLE = LIB.has("cpindex_distribution_new")
HANDLE_SKIP = "cpindex_distribution_* is not exported by this library build yet"
ONE_TO_TEN = [float(k) for k in range(1, 11)]


@unittest.skipUnless(HAVE_HANDLE, HANDLE_SKIP)
class DistributionHandleTest(unittest.TestCase):
    def test_measures_against_references(self) -> None:
        with cpindex.Distribution(INCOMES, weights=WEIGHTS) as d:
            W = sum(WEIGHTS)
            self.assertAlmostEqual(d.mean, sum(x * w for x, w in zip(INCOMES, WEIGHTS)) / W, delta=1e-12)
            self.assertAlmostEqual(d.total_weight, W, delta=1e-12)
            self.assertAlmostEqual(d.gini(), ref_gini(INCOMES, WEIGHTS), delta=1e-12)
            self.assertAlmostEqual(d.theil_t(), ref_ge(INCOMES, 1, WEIGHTS), delta=1e-12)
            self.assertAlmostEqual(d.mean_log_deviation(), ref_ge(INCOMES, 0, WEIGHTS), delta=1e-12)
            self.assertAlmostEqual(d.generalized_entropy(2.0), ref_ge(INCOMES, 2.0, WEIGHTS), delta=1e-12)
            self.assertAlmostEqual(d.atkinson(0.5), ref_atkinson(INCOMES, 0.5, WEIGHTS), delta=1e-12)
            self.assertAlmostEqual(d.measure(cpindex.Measure.GINI), d.gini(), delta=0)

    def test_one_to_ten_by_hand(self) -> None:
        d = cpindex.Distribution(ONE_TO_TEN)
        # Gini of 1..n: E|X−Y| = (n²−1)/(3n), μ = (n+1)/2, so G = (n−1)/(3n) = 9/30 = 0.3
        self.assertAlmostEqual(d.gini(), 0.3, delta=1e-12)
        # small-sample correction n/(n−1): 0.3·10/9
        self.assertAlmostEqual(d.gini(corrected=True), 0.3 * 10 / 9, delta=1e-12)
        self.assertAlmostEqual(d.median(), 5.5, delta=1e-12)  # type 2: mean of x5, x6
        self.assertAlmostEqual(d.lorenz(0.4), 10 / 55, delta=1e-12)  # (1+2+3+4)/55
        self.assertAlmostEqual(d.income_share(0.9, 1.0), 10 / 55, delta=1e-12)
        self.assertAlmostEqual(d.palma_ratio(), 1.0, delta=1e-12)
        self.assertAlmostEqual(d.quintile_share_ratio(), 19 / 3, delta=1e-12)  # (9+10)/(1+2)
        self.assertAlmostEqual(d.share_in_band(3, 6), 0.3, delta=1e-12)  # 3,4,5
        self.assertAlmostEqual(d.share_in_band(3, 6, cpindex.BandRule.CLOSED), 0.4, delta=1e-12)
        self.assertAlmostEqual(d.share_below(4.0), 0.3, delta=1e-12)
        self.assertAlmostEqual(d.at_risk_of_poverty_threshold(), 0.6 * 5.5, delta=1e-12)
        self.assertAlmostEqual(d.at_risk_of_poverty_rate(), 0.3, delta=1e-12)  # 1,2,3 < 3.3
        # type 7 (linear) at p = 0.25: 1 + 0.25·9 = 3.25 (numpy.quantile default gives the same)
        self.assertAlmostEqual(d.quantile(0.25, cpindex.QuantileMethod.LINEAR), 3.25, delta=1e-12)
        self.assertEqual(list(d.sorted_values()), ONE_TO_TEN)
        self.assertEqual(len(d), 10)

    def test_max_min_positions(self) -> None:
        d = cpindex.Distribution([4.0, 1.0, 9.0, 2.0])
        m = d.max_min()
        self.assertEqual((m.max, m.max_position, m.min, m.min_position), (9.0, 2, 1.0, 1))
        self.assertAlmostEqual(m.ratio, 9.0, delta=0)

    def test_missing_policy(self) -> None:
        with self.assertRaises(cpindex.MissingValue):
            cpindex.Distribution([1.0, None, 3.0])
        d = cpindex.Distribution([1.0, None, 3.0, float("nan")], missing="skip")
        self.assertEqual(d.counts, cpindex.DistributionCounts(2, 4, 2, 0))
        self.assertAlmostEqual(d.mean, 2.0, delta=1e-15)

    def test_errors(self) -> None:
        with self.assertRaises(cpindex.EmptyInput):
            cpindex.Distribution([])
        with self.assertRaises(cpindex.InvalidValue):
            cpindex.Distribution([1.0, math.inf])
        with self.assertRaises(cpindex.LengthMismatch):
            cpindex.Distribution([1.0, 2.0], weights=[1.0])
        d = cpindex.Distribution(ONE_TO_TEN)
        with self.assertRaises(cpindex.InvalidArgument):
            d.measure(999)
        with self.assertRaises(cpindex.InvalidArgument):
            d.quantile(0.5, 7)
        with self.assertRaises(cpindex.InvalidArgument):
            d.quantile(-0.1)
        for bad in ("ignore", "bogus", 7, True):
            with self.assertRaises(cpindex.InvalidArgument, msg=repr(bad)) as cm:
                cpindex.Distribution([1.0], missing=bad)
            self.assertIn("'error'", str(cm.exception))  # the valid policies are listed
            self.assertIn("'skip'", str(cm.exception))
        self.assertEqual(len(cpindex.Distribution([1.0, None], missing="Skip")), 1)

    def test_clone_and_threads(self) -> None:
        import threading

        d = cpindex.Distribution(INCOMES)
        c = d.clone()
        d.close()
        expect = c.gini()
        got: list = []

        def work() -> None:
            for _ in range(50):
                got.append(c.gini())

        ts = [threading.Thread(target=work) for _ in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(set(got), {expect})
        self.assertAlmostEqual(expect, ref_gini(INCOMES), delta=1e-12)


@unittest.skipUnless(LIB.has("cpindex_ge_decomposition"), "cpindex_ge_decomposition is not exported yet")
class DecompositionTest(unittest.TestCase):
    GROUPS = ["urban"] * 5 + ["rural"] * 5

    def test_ge(self) -> None:
        r = cpindex.ge_decomposition(INCOMES, self.GROUPS, 2.0)
        self.assertAlmostEqual(r.total, ref_ge(INCOMES, 2.0), delta=1e-12)
        self.assertAlmostEqual(r.total, r.within + r.between, delta=1e-12)
        # between = GE(2) of every record replaced by its group mean (Shorrocks 1980)
        m1, m2 = sum(INCOMES[:5]) / 5, sum(INCOMES[5:]) / 5
        self.assertAlmostEqual(r.between, ref_ge([m1] * 5 + [m2] * 5, 2.0), delta=1e-12)
        same = cpindex.ge_decomposition(INCOMES, [0] * 5 + [1] * 5, 2.0)
        self.assertAlmostEqual(same.between, r.between, delta=1e-15)

    def test_gini(self) -> None:
        r = cpindex.gini_decomposition(INCOMES, self.GROUPS, weights=WEIGHTS)
        self.assertAlmostEqual(r.total, ref_gini(INCOMES, WEIGHTS), delta=1e-12)
        self.assertAlmostEqual(r.total, r.within + r.between_net + r.transvariation, delta=1e-12)
        # the groups do not overlap (all urban incomes < all rural): no transvariation
        self.assertAlmostEqual(r.transvariation, 0.0, delta=1e-12)

    def test_missing_group_labels_are_errors_not_groups(self) -> None:
        # a record without a label is not a group of its own (each NaN was a separate
        # one-record group, changing the within/between split)
        labels: list = [["a", "a", None, "b", "b"] * 2, [0.0, 0.0, float("nan"), 1.0, float("nan")] * 2]
        if support.HAVE_NUMPY:
            labels.append(np.array([0.0, 0.0, np.nan, 1.0, np.nan] * 2))
        if support.HAVE_PANDAS:
            import pandas as pd

            labels.append(pd.array(["a", "a", pd.NA, "b", "b"] * 2, dtype="string"))
        for g in labels:
            for call in (
                lambda: cpindex.ge_decomposition(INCOMES, g, 1.0),
                lambda: cpindex.gini_decomposition(INCOMES, g),
            ):
                with self.assertRaises(cpindex.MissingValue, msg=repr(g)) as cm:
                    call()
                self.assertIn("`groups`[2]", str(cm.exception))

    def test_errors(self) -> None:
        with self.assertRaises(cpindex.LengthMismatch):
            cpindex.ge_decomposition(INCOMES, [0, 1], 1.0)
        with self.assertRaises(cpindex.InvalidArgument):
            cpindex.gini_decomposition(INCOMES, [-1] * 10)
        with self.assertRaises(cpindex.InvalidValue):
            cpindex.gini_decomposition([-1.0, 2.0], [0, 1])


class BandAndScalarsTest(unittest.TestCase):
    """The free ``share_in_band`` (half-open by default, ``rule=`` as the handle's), numpy
    scalars for ``p``, and a single number where a sequence is needed."""

    @unittest.skipUnless(HAVE_HANDLE and LIB.has("cpindex_share_in_band"), HANDLE_SKIP)
    def test_share_in_band_rules(self) -> None:
        # 1..10: [3, 6) holds 3, 4, 5 -> 0.3; [3, 6] holds 3, 4, 5, 6 -> 0.4
        self.assertAlmostEqual(cpindex.share_in_band(ONE_TO_TEN, 3, 6), 0.3, delta=1e-15)
        self.assertAlmostEqual(
            cpindex.share_in_band(ONE_TO_TEN, 3, 6, rule=cpindex.BandRule.HALF_OPEN), 0.3, delta=1e-15
        )
        for closed in (cpindex.BandRule.CLOSED, 1, "closed", "CLOSED"):
            self.assertAlmostEqual(cpindex.share_in_band(ONE_TO_TEN, 3, 6, rule=closed), 0.4, delta=1e-15)
        # weighted: weight k on value k; [3, 6] has 3+4+5+6 = 18 of 55
        w = ONE_TO_TEN
        self.assertAlmostEqual(cpindex.share_in_band(ONE_TO_TEN, 3, 6, w, rule="closed"), 18 / 55, delta=1e-15)
        self.assertAlmostEqual(cpindex.share_in_band(ONE_TO_TEN, 3, 6, w), 12 / 55, delta=1e-15)
        # na_rm drops the missing record under either rule: 1, 2, 3 -> [2, 3] holds 2 of 3
        self.assertAlmostEqual(cpindex.share_in_band([1, None, 2, 3], 2, 3, rule="closed", na_rm=True), 2 / 3, delta=1e-15)
        with self.assertRaisesRegex(cpindex.MissingValue, r"share_in_band\(\): `values\[1\]`"):
            cpindex.share_in_band([1, None, 2, 3], 2, 3, rule="closed")
        for bad in (2, "open", None):
            with self.assertRaisesRegex(cpindex.InvalidArgument, "rule must be one of", msg=repr(bad)):
                cpindex.share_in_band(ONE_TO_TEN, 3, 6, rule=bad)

    @unittest.skipUnless(support.HAVE_NUMPY and LIB.has("cpindex_quantile"), "needs numpy and cpindex_quantile")
    def test_quantile_takes_numpy_scalars(self) -> None:
        # type 2 on 1..10 at p = 0.5: mean of x5 and x6 = 5.5
        for p in (np.float32(0.5), np.float64(0.5), np.array(0.5), np.int64(1)):
            got = cpindex.quantile(ONE_TO_TEN, p)
            self.assertIsInstance(got, float)
            self.assertAlmostEqual(got, 10.0 if p == 1 else 5.5, delta=1e-15)
        self.assertEqual(cpindex.quantile(ONE_TO_TEN, np.array([0.5, 1.0])), [5.5, 10.0])

    @unittest.skipUnless(support.HAVE_NUMPY and LIB.has("cpindex_gini"), "needs numpy and cpindex_gini")
    def test_a_numpy_scalar_is_not_a_sequence(self) -> None:
        for one in (3.0, np.float64(3.0), np.float32(3.0), np.array(3.0)):
            with self.assertRaisesRegex(TypeError, "single", msg=repr(one)):
                cpindex.gini(one)

    @unittest.skipUnless(support.HAVE_NUMPY and LIB.has("cpindex_gini"), "needs numpy and cpindex_gini")
    def test_masked_values_are_missing(self) -> None:
        x = np.array([1.0, 2.0, 3.0, 1000.0, 4.0])
        m = np.ma.masked_array(x, mask=[0, 0, 0, 1, 0])
        with self.assertRaisesRegex(cpindex.MissingValue, r"`values\[3\]`"):
            cpindex.gini(m)
        # the masked 1000 is left out: the Gini of 1, 2, 3, 4 (0.25, by the reference formula)
        self.assertAlmostEqual(cpindex.gini(m, na_rm=True), ref_gini([1.0, 2.0, 3.0, 4.0]), delta=1e-15)
        if HAVE_HANDLE:
            self.assertAlmostEqual(cpindex.Distribution(m, missing="skip").mean, 2.5, delta=1e-15)

    @unittest.skipUnless(support.HAVE_PANDAS and LIB.has("cpindex_gini"), "needs pandas and cpindex_gini")
    def test_pandas_na_is_missing(self) -> None:
        import pandas as pd

        s = pd.Series([21.0, None, 35.5, 28.0], dtype="Float64")
        want = ref_gini([21.0, 35.5, 28.0])
        self.assertAlmostEqual(cpindex.gini(s, na_rm=True), want, delta=1e-15)
        with self.assertRaisesRegex(cpindex.MissingValue, r"`values\[1\]`"):
            cpindex.gini(s)
        if HAVE_HANDLE:
            self.assertAlmostEqual(cpindex.Distribution(s, missing="skip").gini(), want, delta=1e-15)
            obj = pd.Series([21.0, None, 35.5, 28.0], dtype=object).to_numpy()
            self.assertAlmostEqual(cpindex.Distribution(obj, missing="skip").gini(), want, delta=1e-15)

