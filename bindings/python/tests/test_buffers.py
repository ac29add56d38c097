"""float64 inputs: zero-copy with and without numpy, one conversion otherwise."""

from __future__ import annotations

import math
import unittest
from array import array

from cpindex._buffers import doubles_in, doubles_out

import support

if support.HAVE_NUMPY:
    import numpy as np


class WithoutNumpyTest(unittest.TestCase):
    def test_array_d_is_zero_copy(self) -> None:
        a = array("d", [1.0, 2.0, 3.0])
        b = doubles_in(a)
        self.assertTrue(b.zero_copy)
        self.assertEqual(b.n, 3)
        self.assertEqual(b.address, a.buffer_info()[0])

    def test_memoryview_is_zero_copy(self) -> None:
        a = array("d", [1.0, 2.0, 3.0, 4.0])
        mv = memoryview(a)[1:]
        b = doubles_in(mv)
        self.assertTrue(b.zero_copy)
        self.assertEqual(b.n, 3)
        self.assertEqual(b.address, a.buffer_info()[0] + 8)

    def test_bytearray_cast_is_zero_copy(self) -> None:
        raw = bytearray(array("d", [0.5, 1.5]).tobytes())
        mv = memoryview(raw).cast("d")
        b = doubles_in(mv)
        self.assertTrue(b.zero_copy)
        self.assertEqual(list(b.ptr[:2]), [0.5, 1.5])

    def test_readonly_buffer_is_copied_once(self) -> None:
        ro = memoryview(array("d", [1.0, 2.0]).tobytes()).cast("d")
        b = doubles_in(ro)
        self.assertFalse(b.zero_copy)
        self.assertEqual(list(b.ptr[:2]), [1.0, 2.0])

    def test_lists_none_and_nan(self) -> None:
        b = doubles_in([1, None, 2.5, float("nan"), True])
        self.assertFalse(b.zero_copy)
        vals = list(b.ptr[: b.n])
        self.assertEqual(vals[0], 1.0)
        self.assertTrue(math.isnan(vals[1]))  # None -> NaN (missing)
        self.assertEqual(vals[2], 2.5)
        self.assertTrue(math.isnan(vals[3]))
        self.assertEqual(vals[4], 1.0)
        self.assertEqual(doubles_in((x / 2 for x in range(4))).n, 4)

    def test_other_formats_converted(self) -> None:
        b = doubles_in(array("i", [1, 2, 3]))
        self.assertEqual(list(b.ptr[:3]), [1.0, 2.0, 3.0])
        b = doubles_in(array("f", [0.5]))
        self.assertEqual(b.ptr[0], 0.5)

    def test_empty_and_none(self) -> None:
        self.assertEqual(doubles_in(None)[:2], (None, 0))
        self.assertEqual(doubles_in([])[:2], (None, 0))
        self.assertEqual(doubles_in(array("d"))[:2], (None, 0))

    def test_bad_types(self) -> None:
        for bad in ("123", b"abc", 3.0, {"a": 1}, object(), ["1", 2], [1, [2]]):
            with self.assertRaises(TypeError, msg=repr(bad)) as cm:
                doubles_in(bad, "values")
            self.assertIn("values", str(cm.exception))

    def test_out(self) -> None:
        arr, ptr = doubles_out(3)
        ptr[1] = 7.0
        self.assertEqual(list(arr), [0.0, 7.0, 0.0])


@unittest.skipUnless(support.HAVE_NUMPY, support.NUMPY_SKIP)
class NumpyTest(unittest.TestCase):
    def test_contiguous_float64_zero_copy(self) -> None:
        a = np.arange(5, dtype=np.float64)
        b = doubles_in(a)
        self.assertTrue(b.zero_copy)
        self.assertEqual(b.address, a.ctypes.data)

    def test_readonly_zero_copy(self) -> None:
        a = np.arange(5, dtype=np.float64)
        a.flags.writeable = False
        b = doubles_in(a)
        self.assertTrue(b.zero_copy)
        self.assertEqual(b.address, a.ctypes.data)

    def test_2d_c_order_zero_copy(self) -> None:
        a = np.ones((3, 4))
        b = doubles_in(a)
        self.assertEqual((b.n, b.address, b.zero_copy), (12, a.ctypes.data, True))

    def test_strided_and_other_dtypes_converted(self) -> None:
        a = np.arange(10, dtype=np.float64)[::2]
        b = doubles_in(a)
        self.assertFalse(b.zero_copy)
        self.assertEqual(list(b.ptr[: b.n]), [0.0, 2.0, 4.0, 6.0, 8.0])
        b = doubles_in(np.array([1, 2], dtype=np.int64))
        self.assertEqual(list(b.ptr[:2]), [1.0, 2.0])
        b = doubles_in(np.array([0.25], dtype=np.float32))
        self.assertEqual(b.ptr[0], 0.25)
        b = doubles_in(np.arange(6.0).reshape(2, 3).T)  # F-ordered 2-D: copied in C order
        self.assertEqual(list(b.ptr[:6]), [0.0, 3.0, 1.0, 4.0, 2.0, 5.0])


if __name__ == "__main__":
    unittest.main()
