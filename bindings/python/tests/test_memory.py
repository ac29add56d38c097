"""No RSS growth across 100,000 calls; each library object freed exactly once."""

from __future__ import annotations

import gc
import unittest
from array import array

import cpindex
from cpindex._native import LIB

import support

CALLS = 100_000


class MemoryTest(unittest.TestCase):
    @unittest.skipUnless(support.os.path.exists("/proc/self/statm"), "needs Linux /proc/self/statm")
    def test_rss_stable_over_100k_calls(self) -> None:
        fw = cpindex.Framework.builtin()
        vals = array("d", [1.0, 2.0, 3.0, 4.0])

        def round_(k: int) -> int:
            # 5 wrapper calls per round (about 11 C calls: new/free pairs, caller-buffer
            # texts, an error path with its last-error read)
            f = cpindex.Framework.builtin()  # builtin + free
            f.close()
            p = cpindex.Panel(["a", "b"], [2020, 2021], ["gdp"], vals)  # new, dims, ids x3, periods
            p.close()
            try:
                fw.indicator("missing_%d" % (k % 7))  # error path + last-error read
            except cpindex.UnknownId:
                pass
            return 5

        for k in range(2_000):  # warm up allocator pools and caches
            round_(k)
        gc.collect()
        before = support.rss_bytes()
        calls = 0
        k = 0
        while calls < CALLS:
            calls += round_(k)
            k += 1
        gc.collect()
        after = support.rss_bytes()
        growth = after - before
        # Slack: 4 MiB for allocator noise; a leak of 40 bytes per call would exceed it.
        self.assertLess(growth, 4 * 1024 * 1024, f"RSS grew by {growth} bytes over {calls} calls")
        fw.close()

    @unittest.skipUnless(support.os.path.exists("/proc/self/statm"), "needs Linux /proc/self/statm")
    def test_rss_probe_sees_a_leak(self) -> None:
        """The probe above can fail: 16 MiB kept alive shows up as RSS growth. The 16 MiB
        are a fresh anonymous mapping with every page written: heap allocations could be
        served from memory freed (but still resident) by earlier tests in the process —
        after a large library response is freed, malloc raises its mmap threshold and
        1 MiB buffers come from the heap — and then RSS would not grow."""
        import mmap

        before = support.rss_bytes()
        kept = mmap.mmap(-1, 16 << 20)
        for off in range(0, 16 << 20, mmap.PAGESIZE):
            kept[off] = 1
        self.assertGreater(support.rss_bytes() - before, 8 * 1024 * 1024)
        kept.close()

    def test_take_string_frees_once(self) -> None:
        """Library-owned strings come back as c_void_p and are freed after decoding
        (exercised with libc strdup/free, as no cpindex function returns one yet)."""
        import ctypes
        import ctypes.util

        from cpindex._native import take_string

        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.strdup.restype = ctypes.c_void_p
        libc.strdup.argtypes = [ctypes.c_char_p]
        libc.free.argtypes = [ctypes.c_void_p]
        freed: list = []
        ptr = libc.strdup("衢州".encode("utf-8"))
        self.assertEqual(take_string(ptr, 6, lambda p: (freed.append(p), libc.free(p))), "衢州")
        self.assertEqual(freed, [ptr])
        self.assertEqual(take_string(None, 0, freed.append), "")
        self.assertEqual(freed, [ptr])

    def test_exactly_once_free(self) -> None:
        freed: list = []
        real_free = LIB.cpindex_framework_free

        fw = cpindex.Framework.builtin()
        # swap the finalizer's free function for a counting wrapper around the real one
        fw._finalizer.detach()
        import weakref

        ptr = fw._ptr
        fw._finalizer = weakref.finalize(fw, lambda p: (freed.append(1), real_free(p)), ptr)
        fw.close()
        fw.close()
        del fw
        gc.collect()
        self.assertEqual(freed, [1])


class BufferCacheTest(unittest.TestCase):
    def test_freed_panel_values_are_kept_then_released(self) -> None:
        if not LIB.has("cpindex_release_cached_buffers"):
            self.skipTest("library without the buffer cache")
        cpindex.release_cached_buffers()
        nu, ni = 4_000, 20  # 80,000 values: 640,000 bytes, above the 256 KiB threshold
        units = [f"u{k}" for k in range(nu)]
        inds = [f"i{j}" for j in range(ni)]
        vals = array("d", [1.5]) * (nu * ni)
        p = cpindex.Panel(units, [2021], inds, vals)
        self.assertEqual(p.get("u7", 2021, "i3"), 1.5)
        p.close()  # its values buffer goes to the cache
        freed = cpindex.release_cached_buffers()
        self.assertGreaterEqual(freed, nu * ni * 8)
        self.assertEqual(cpindex.release_cached_buffers(), 0)
        # a reused buffer holds the new panel's values, not the old ones
        p1 = cpindex.Panel(units, [2021], inds, vals)
        p1.close()
        vals2 = array("d", [k * 0.25 for k in range(nu * ni)])
        p2 = cpindex.Panel(units, [2021], inds, vals2)
        self.assertEqual(p2.get("u3", 2021, "i2"), vals2[2 * nu + 3])
        p2.close()


if __name__ == "__main__":
    unittest.main()
