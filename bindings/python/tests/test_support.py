"""The test switches of support.py: CPINDEX_REQUIRE_NUMPY=1 / CPINDEX_REQUIRE_PANDAS=1
turn the "not installed" skip of the numpy/pandas tests into a failure (as
CPINDEX_REQUIRE_OPENPYXL=1 does for openpyxl in test_readers)."""

from __future__ import annotations

import os
import subprocess
import sys
import unittest

import support


class RequireSwitchesTest(unittest.TestCase):
    """CPINDEX_REQUIRE_NUMPY=1 / CPINDEX_REQUIRE_PANDAS=1 turn the "not installed" skip into
    a failure (as CPINDEX_REQUIRE_OPENPYXL=1 does for openpyxl)."""

    def _import_support_without(self, module: str, env: dict) -> subprocess.CompletedProcess:
        code = f"import sys; sys.modules[{module!r}] = None; import support; print(support.HAVE_{module.upper()})"
        full = dict(os.environ)
        full.pop("CPINDEX_REQUIRE_NUMPY", None)
        full.pop("CPINDEX_REQUIRE_PANDAS", None)
        full.update(env)
        full["PYTHONPATH"] = os.pathsep.join([str(support.HERE), str(support.PACKAGE_ROOT)])
        return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120)

    def test_switches(self) -> None:
        for module, var in (("numpy", "CPINDEX_REQUIRE_NUMPY"), ("pandas", "CPINDEX_REQUIRE_PANDAS")):
            r = self._import_support_without(module, {})
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("SKIP reason", r.stdout)
            self.assertEqual(r.stdout.split()[-1], "False")
            r = self._import_support_without(module, {var: "1"})
            self.assertNotEqual(r.returncode, 0, f"{var}=1 without {module} must fail")
            self.assertIn(f"{var}=1", r.stderr)


if __name__ == "__main__":
    unittest.main()
