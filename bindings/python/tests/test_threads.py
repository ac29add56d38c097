"""ctypes releases the GIL: the same computation from 8 threads gives identical results."""

from __future__ import annotations

import threading
import unittest

import cpindex

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


_ = support
if __name__ == "__main__":
    unittest.main()
