"""The README's Python example runs as written."""

from __future__ import annotations

import contextlib
import io
import re
import unittest

import support

README = support.PACKAGE_ROOT / "README.md"


class ReadmeTest(unittest.TestCase):
    def test_example_runs(self) -> None:
        if not README.is_file():
            self.skipTest("README.md not available (installed package)")
        blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
        self.assertEqual(len(blocks), 2, "the README has two Python examples")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(blocks[0], str(README), "exec"), {"__name__": "__readme__"})
        text = out.getvalue()
        self.assertIn("地区生产总值 2500.0 亿元 HIGHER_IS_BETTER", text)
        self.assertIn("760.0", text)
        self.assertIn("CPINDEX_STATUS_UNKNOWN_ID", text)
        self.assertIn("'indicators':", text)

    def test_distribution_example_runs(self) -> None:
        if not README.is_file():
            self.skipTest("README.md not available (installed package)")
        import cpindex

        if len(cpindex.distribution.available()) < len(cpindex.distribution.MEASURES) or not cpindex._native.LIB.has(
            "cpindex_distribution_new"
        ):
            self.skipTest("the library does not export the distribution functions yet")
        block = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)[1]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, str(README), "exec"), {"__name__": "__readme__"})
        lines = out.getvalue().splitlines()
        self.assertIn("n=5", lines[0])
        self.assertIn("n_missing=1", lines[0])
        self.assertEqual(lines[-1], "True")


if __name__ == "__main__":
    unittest.main()
