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

    def test_a_single_number_is_not_a_sequence(self) -> None:
        for one in (3, 3.0):
            with self.assertRaisesRegex(TypeError, "single"):
                doubles_in(one, "values")

    def test_writable_out_buffers(self) -> None:
        a = array("d", bytes(16))
        b = doubles_in(a, "out", writable=True)
        self.assertTrue(b.writable)
        self.assertEqual(b.address, a.buffer_info()[0])
        for ro in (memoryview(bytes(16)).cast("d"), [0.0, 0.0], (0.0, 0.0), bytearray(16), None, 2.0):
            with self.assertRaisesRegex(TypeError, "`out` must be a writable", msg=repr(ro)):
                doubles_in(ro, "out", writable=True)

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

    def test_other_float_formats_converted(self) -> None:
        # the module doc: "other dtypes … converted once" (memoryview.tolist() cannot
        # unpack these: it raised NotImplementedError)
        for dt in (np.float16, ">f8", np.longdouble, np.int8, np.uint64, np.bool_):
            a = np.array([1, 0, 1], dtype=dt)
            b = doubles_in(a, "values")
            self.assertEqual(list(b.ptr[: b.n]), [1.0, 0.0, 1.0], dt)
            self.assertFalse(b.zero_copy)

    def test_object_arrays_none_and_pd_na_are_missing(self) -> None:
        items = [21.0, None, 35.5, float("nan"), 4]
        if support.HAVE_PANDAS:
            import pandas as pd

            items.append(pd.NA)
        b = doubles_in(np.array(items, dtype=object), "values")
        got = list(b.ptr[: b.n])
        self.assertEqual([got[0], got[2], got[4]], [21.0, 35.5, 4.0])
        self.assertTrue(all(math.isnan(got[k]) for k in [1, 3] + list(range(5, len(items)))))
        with self.assertRaisesRegex(TypeError, r"`values`\[1\] is str 'x'"):
            doubles_in(np.array([1.0, "x"], dtype=object), "values")

    def test_non_numeric_dtypes_are_type_errors_naming_the_dtype(self) -> None:
        for a in (np.array(["2020-01-01"], "datetime64[D]"), np.array(["a"]), np.array([1j])):
            with self.assertRaises(TypeError, msg=str(a.dtype)) as cm:
                doubles_in(a, "values")
            self.assertIn(str(a.dtype), str(cm.exception))

    def test_masked_elements_are_missing(self) -> None:
        data = np.array([1.0, 2.0, 1000.0, 4.0])
        m = np.ma.masked_array(data, mask=[0, 0, 1, 0])
        got = list(doubles_in(m, "values").ptr[:4])
        self.assertEqual([got[0], got[1], got[3]], [1.0, 2.0, 4.0])
        self.assertTrue(math.isnan(got[2]))  # never the 1000 under the mask
        self.assertEqual(data[2], 1000.0)  # the caller's data untouched
        # an int masked array, and one with nothing masked
        got = list(doubles_in(np.ma.masked_array([1, 2], mask=[1, 0]), "values").ptr[:2])
        self.assertTrue(math.isnan(got[0]))
        self.assertEqual(got[1], 2.0)
        self.assertEqual(list(doubles_in(np.ma.masked_array([1.0, 2.0]), "values").ptr[:2]), [1.0, 2.0])

    def test_numpy_scalars_and_0d_arrays_are_not_sequences(self) -> None:
        for one in (np.float64(3.0), np.float32(3.0), np.int64(3), np.array(3.0)):
            with self.assertRaisesRegex(TypeError, "single", msg=repr(one)):
                doubles_in(one, "values")

    def test_read_only_memory_is_never_an_output(self) -> None:
        ro = np.zeros(2)
        ro.flags.writeable = False
        over_bytes = np.frombuffer(bytes(16), dtype=np.float64)
        for a in (ro, over_bytes, np.zeros(4)[::2], np.zeros(2, np.float32), np.ma.zeros(2)):
            with self.assertRaisesRegex(TypeError, "`out` must be a writable", msg=repr(a)):
                doubles_in(a, "out", writable=True)
        w = np.zeros(2)
        self.assertEqual(doubles_in(w, "out", writable=True).address, w.ctypes.data)


if __name__ == "__main__":
    unittest.main()
