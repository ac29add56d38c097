"""The JSON-in/JSON-out entry point."""

from __future__ import annotations

import json
import unittest

import cpindex
from cpindex import run_json

import support


class RunJsonTest(unittest.TestCase):
    def test_describe_builtin(self) -> None:
        r = run_json({"action": "describe", "framework": "quzhou-2021-2025"})
        self.assertIsInstance(r, dict)
        self.assertEqual(r["schema"], 1)
        self.assertEqual(r["summary"]["id"], "quzhou-2021-2025")
        self.assertEqual((r["summary"]["base_year"], r["summary"]["target_year"]), (2020, 2025))
        self.assertAlmostEqual(sum(r["effective_weights"].values()), 1.0, delta=1e-12)
        self.assertEqual(r["cpindex_version"], cpindex.library_version())

    def test_text_and_bytes_requests(self) -> None:
        req = '{"action": "describe", "framework": "quzhou-2021-2025"}'
        self.assertEqual(run_json(req), run_json(req.encode()))

    def test_inline_framework_and_small_buffer(self) -> None:
        data = support.sample_framework()
        # a 16-byte first buffer forces the BUFFER_TOO_SMALL size query and the retry
        r = run_json({"action": "describe", "framework": data}, initial_buffer=16)
        hand = {"gdp": 0.5, "growth": 0.25, "ratio": 0.0625, "band": 0.046875, "covered": 0.140625}
        for k, v in hand.items():
            self.assertAlmostEqual(r["effective_weights"][k], v, delta=1e-15)
        self.assertEqual(r["summary"]["depth"], 2)

    def test_text_handle_and_file_give_the_sized_call_bytes(self) -> None:
        import ctypes
        import os
        import tempfile
        from ctypes import byref, c_size_t

        from cpindex._native import LIB
        from cpindex.run import _run_json_sized

        req = {"action": "describe", "framework": support.sample_framework()}
        raw = json.dumps(req).encode()
        # the C size-query convention: a 1-byte buffer, then the exact size
        sized = _run_json_sized(raw, 1)
        self.assertEqual(cpindex.run_json_text(raw), sized)
        self.assertEqual(json.loads(sized), run_json(req))
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "out.json")
            n = cpindex.run_json_to_file(raw, path)
            with open(path, "rb") as f:
                self.assertEqual(f.read(), sized)
            self.assertEqual(n, len(sized))
            with self.assertRaises(cpindex.IoError):
                cpindex.run_json_to_file(raw, os.path.join(d, "no", "such", "dir.json"))
        with self.assertRaises(cpindex.JsonError):
            cpindex.run_json_text("{")
        # the raw C pair: the size query keeps the response, the fill call copies it
        n = c_size_t()
        LIB.cpindex_run_json(raw, len(raw), None, 0, byref(n))
        self.assertEqual(n.value, len(sized))
        buf = ctypes.create_string_buffer(n.value + 1)
        self.assertEqual(LIB.cpindex_run_json(raw, len(raw), buf, n.value + 1, byref(n)), 0)
        self.assertEqual(buf.raw[: n.value], sized)

    def test_errors(self) -> None:
        with self.assertRaises(cpindex.JsonError):
            run_json("{")
        with self.assertRaises(cpindex.InvalidSpec) as cm:
            run_json({"action": "fly", "framework": "quzhou-2021-2025"})
        self.assertIn("fly", str(cm.exception))
        with self.assertRaises(cpindex.InvalidSpec):
            run_json({"framework": "quzhou-2021-2025"})
        with self.assertRaises(cpindex.UnknownId):
            run_json({"action": "describe", "framework": "atlantis"})
        bad = support.sample_framework()
        bad["dimensions"][2]["parent"] = "nowhere"
        with self.assertRaises(cpindex.InvalidFramework):
            run_json({"action": "describe", "framework": bad})
        with self.assertRaises(cpindex.InvalidUtf8):
            run_json(b'{"action": "\xff"}')
        with self.assertRaises(TypeError):
            run_json(42)  # type: ignore[arg-type]
        with self.assertRaises(ValueError):
            run_json({"action": "describe", "x": float("nan")})  # not JSON

    def test_to_pandas_without_pandas(self) -> None:
        r = run_json({"action": "describe", "framework": "quzhou-2021-2025"})
        try:
            import pandas  # noqa: F401
        except ImportError:
            with self.assertRaises(ImportError) as cm:
                r.to_pandas("effective_weights")
            self.assertIn("pandas", str(cm.exception))
        else:  # pragma: no cover - pandas not installed here
            df = r.to_pandas("effective_weights")
            self.assertEqual(len(df), len(r["effective_weights"]))
        json.dumps(r)  # plain data


if __name__ == "__main__":
    unittest.main()


class RunTest(unittest.TestCase):
    def test_run_describe_with_framework_object(self) -> None:
        fw = cpindex.Framework.from_json(support.sample_framework())
        r = cpindex.run("describe", fw)
        self.assertEqual(r["summary"]["id"], "sample")
        self.assertEqual(cpindex.run("describe", "quzhou-2021-2025")["summary"]["indicators"], len(cpindex.Framework.builtin()))

    def test_build_request(self) -> None:
        p = cpindex.Panel(["a", "b"], [2021, 2020], ["gdp"], [1.0, None, 3.0, 4.0])
        req = cpindex.build_request("index", "quzhou-2021-2025", p, '{"normalise": "min_max"}')
        self.assertEqual(req["action"], "index")
        self.assertEqual(req["framework"], "quzhou-2021-2025")
        # periods sorted: 2020 first, values moved with them; None for missing
        self.assertEqual(req["data"], {"units": ["a", "b"], "periods": [2020, 2021], "indicators": ["gdp"], "values": [3.0, 4.0, 1.0, None]})
        self.assertEqual(req["spec"], {"normalise": "min_max"})
        self.assertNotIn("spec", cpindex.build_request("describe", "x"))
        from array import array

        req = cpindex.build_request("inequality", values=array("d", [1.0, float("nan")]), groups=(0, 1), weights=None)
        self.assertEqual(req, {"action": "inequality", "values": [1.0, None], "groups": [0, 1]})
        with self.assertRaises(TypeError):
            cpindex.build_request("describe", 42)  # type: ignore[arg-type]

    def test_unknown_action_reaches_library(self) -> None:
        # the library names what it does not know (an action or a member) — a clear error
        with self.assertRaises(cpindex.InvalidSpec):
            cpindex.run("no_such_action", "quzhou-2021-2025")


class JsonActionsTest(unittest.TestCase):
    """The JSON actions of the later rounds agree with the handle API to 1e-12."""

    def test_inequality(self) -> None:
        try:
            r = cpindex.run("inequality", values=[1, 2, 3, 4], groups=[0, 0, 1, 1])
        except cpindex.InvalidSpec:
            self.skipTest("this library build has no `inequality` action")
        self.assertEqual(r["action"], "inequality")
        m = r["inequality"]["measures"]
        self.assertAlmostEqual(m["gini"], 0.25, delta=1e-12)  # by hand: 20 / (2·4²·2.5)
        # population CV of 1..4: sd = sqrt(1.25), mean 2.5 -> sqrt(0.2)
        self.assertAlmostEqual(m["coefficient_of_variation"], 0.2 ** 0.5, delta=1e-12)
        if cpindex._native.LIB.has("cpindex_atkinson"):
            self.assertAlmostEqual(m["atkinson:1"], cpindex.atkinson([1, 2, 3, 4], 1.0), delta=1e-12)

    def test_index_agrees_with_handle(self) -> None:
        fw = cpindex.Framework.builtin()
        ids = [i.id for i in fw.indicators]
        vals = [float((k * 37) % 101 + 1) for k in range(3 * 2 * len(ids))]
        panel = cpindex.Panel(["a", "b", "c"], [2021, 2022], ids, vals)
        try:
            r = cpindex.run("index", fw.id, panel, {})
        except cpindex.InvalidSpec:
            self.skipTest("this library build has no `index` action")
        if not cpindex._native.LIB.has("cpindex_index_run"):
            self.skipTest("no cpindex_index_run to compare with")
        h = cpindex.run_index(fw, panel, {})
        want = list(h.scores(fw.id, 2022))
        got = r["results"]["scores"][fw.id][1]
        for a, b in zip(got, want):
            self.assertAlmostEqual(a, b, delta=1e-12)
