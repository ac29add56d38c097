"""ctypes releases the GIL: the same computation from 8 threads gives identical results."""

from __future__ import annotations

import sys
import threading
import unittest
from unittest import mock

import cpindex
from cpindex._native import LIB
from cpindex.summary import RankPartition, RankPlan, Summary, ge_decomposition, gini_decomposition

import support


def computation(fw: cpindex.Framework) -> tuple:
    """Touches every function group on a shared framework plus thread-local objects."""
    inds = fw._read_indicators()  # re-read through the C accessors each time
    weights = tuple(i.effective_weight for i in inds)
    text = fw.to_json()
    own = cpindex.Framework.from_json(text)
    panel = cpindex.Panel(["a", "b", "c"], [2020, 2021], ["gdp"], [1.0, 2.0, 3.0, 4.0, 5.0, None])
    panel.check_framework(own)
    vals = tuple(panel.values())
    desc = cpindex.run_json({"action": "describe", "framework": "quzhou-2021-2025"})
    try:
        fw.indicator("no_such")
    except cpindex.UnknownId as e:
        err = str(e)  # the last-error message must be this thread's
    own.close()
    panel.close()
    g = cpindex.gini([12.0, 15.5, 18.0, 22.0, 80.0]) if cpindex._native.LIB.has("cpindex_gini") else None
    return weights, len(text), repr(vals), desc["effective_weights"]["gdp"], err, g


class ThreadsTest(unittest.TestCase):
    def test_eight_threads_identical(self) -> None:
        fw = cpindex.Framework.builtin()
        expect = computation(fw)
        results: list = []
        errors: list = []
        barrier = threading.Barrier(8)

        def work() -> None:
            try:
                barrier.wait()
                for _ in range(5):
                    results.append(computation(fw))
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 40)
        for r in results:
            self.assertEqual(r, expect)
        self.assertIn("no_such", expect[-2])
        fw.close()

    def test_close_waits_for_readers(self) -> None:
        fw = cpindex.Framework.builtin()
        stop = threading.Event()
        seen: list = []

        def reader() -> None:
            while not stop.is_set():
                try:
                    seen.append(fw.id)
                except ValueError:  # closed: a clean error, never a use-after-free
                    return

        ts = [threading.Thread(target=reader) for _ in range(4)]
        for t in ts:
            t.start()
        while len(seen) < 50:
            pass
        fw.close()
        stop.set()
        for t in ts:
            t.join()
        self.assertTrue(all(s == "quzhou-2021-2025" for s in seen))


def _closes_wait_during(c_name: str, victims: list, testcase: unittest.TestCase):
    """A stand-in for the C function ``c_name``: while "inside the C call" it asks another
    thread to close each handle in ``victims`` and checks that every close() waits (the
    Managed contract: a handle borrowed for a call is not freed under it). Only then does it
    call the real function; if a close() got through, it fails instead of calling C with a
    freed pointer."""
    real = LIB.require(c_name)
    closers: list = []

    def fake(*args):
        for v in victims:
            t = threading.Thread(target=v.close, daemon=True)
            t.start()
            closers.append(t)
        for t in closers:
            t.join(0.3)
        freed = [v for v, t in zip(victims, closers) if not t.is_alive()]
        if freed:
            raise AssertionError(f"{c_name}: close() freed {len(freed)} handle(s) during the C call")
        return real(*args)

    return fake, closers


class BorrowedArraysTest(unittest.TestCase):
    """Calls that take an array of other handles keep each of them borrowed for the call
    (the use-after-free the review found in ge_decomposition, RankPlan, gini_decomposition)."""

    def _run(self, c_name: str, victims: list, call) -> object:
        fake, closers = _closes_wait_during(c_name, victims, self)
        with mock.patch.dict(vars(LIB), {c_name: fake}):
            got = call()
        for t in closers:
            t.join(5)
            self.assertFalse(t.is_alive(), "close() still waiting after the call returned")
        for v in victims:
            self.assertTrue(v.closed)
        return got

    def test_summary_ge_decomposition_borrows_every_group(self) -> None:
        a = Summary([1.0, 2.0, 3.0], alphas=[2.0])
        b = Summary([10.0, 20.0], alphas=[2.0])
        t, w, btw = self._run(
            "cpindex_summary_ge_decomposition", [a, b], lambda: ge_decomposition([(0, a), (1, b)], 2.0)
        )
        # GE(2) = CV^2 / 2 (Cowell 2011, ch. 3), with the population variance
        x = [1.0, 2.0, 3.0, 10.0, 20.0]
        m = sum(x) / len(x)
        var = sum((v - m) ** 2 for v in x) / len(x)
        self.assertAlmostEqual(t, var / m**2 / 2, places=12)
        self.assertAlmostEqual(w + btw, t, places=12)
        with self.assertRaisesRegex(ValueError, "closed"):
            ge_decomposition([(0, a)], 2.0)

    def test_rank_plan_borrows_every_partition(self) -> None:
        parts = [RankPartition([1.0, 2.0]), RankPartition([3.0, 4.0])]
        plan = self._run("cpindex_rank_plan_new", parts, lambda: RankPlan(parts))
        self.assertFalse(plan.closed)
        plan.close()

    def test_gini_decomposition_borrows_every_group_plan(self) -> None:
        total = RankPlan([RankPartition([1.0, 2.0, 3.0, 4.0])])
        g0 = RankPlan([RankPartition([1.0, 2.0])])
        g1 = RankPlan([RankPartition([3.0, 4.0])])
        self._run(
            "cpindex_rank_plan_gini_decomposition",
            [g0, g1],
            lambda: gini_decomposition(total, [(0, g0), (1, g1)]),
        )
        total.close()

    def test_the_same_handle_twice_is_borrowed_once(self) -> None:
        # a second read lock on one handle would queue behind a waiting close(): deadlock
        a = Summary([1.0, 2.0, 3.0], alphas=[2.0])
        done: list = []
        fake, closers = _closes_wait_during("cpindex_summary_ge_decomposition", [a], self)
        with mock.patch.dict(vars(LIB), {"cpindex_summary_ge_decomposition": fake}):
            th = threading.Thread(target=lambda: done.append(ge_decomposition([(0, a), (1, a)], 2.0)), daemon=True)
            th.start()
            th.join(10)
        self.assertFalse(th.is_alive(), "ge_decomposition with one summary twice deadlocked")
        self.assertEqual(len(done), 1)


class MergeLockingTest(unittest.TestCase):
    def test_merge_into_itself_is_an_error_not_a_hang(self) -> None:
        s = Summary([1.0, 2.0, 3.0])
        got: list = []

        def merge_self() -> None:
            try:
                s.merge(s)
                got.append("merged")
            except Exception as e:  # noqa: BLE001 - inspected below
                got.append(e)

        th = threading.Thread(target=merge_self, daemon=True)
        th.start()
        th.join(5)
        self.assertFalse(th.is_alive(), "s.merge(s) hangs")
        self.assertIsInstance(got[0], cpindex.InvalidArgument)
        self.assertIn("itself", str(got[0]))
        self.assertEqual(s.counts(), (3, 0, 0))  # unchanged
        s.merge(Summary.from_bytes(s.to_bytes()))  # the documented way to double it
        self.assertEqual(s.counts(), (6, 0, 0))

    def test_opposite_merges_in_two_threads_do_not_deadlock(self) -> None:
        a, b = Summary([1.0, 2.0]), Summary([3.0, 4.0])
        n = 3000
        done = [0, 0]

        def loop(k: int, x: Summary, y: Summary) -> None:
            for _ in range(n):
                x.merge(y)
                done[k] += 1

        old = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)  # switch threads as often as possible
        try:
            ts = [
                threading.Thread(target=loop, args=(0, a, b), daemon=True),
                threading.Thread(target=loop, args=(1, b, a), daemon=True),
            ]
            for t in ts:
                t.start()
            for t in ts:
                t.join(60)
        finally:
            sys.setswitchinterval(old)
        self.assertEqual(done, [n, n], "a.merge(b) and b.merge(a) deadlocked")


_ = support
if __name__ == "__main__":
    unittest.main()
