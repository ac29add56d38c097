"""Finding the library: the search order and the error listing every path tried.

Each case runs a fresh interpreter, because the library is loaded once per process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import cpindex

import support


def run(code: str, env_update: dict, pythonpath: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CPINDEX_LIBRARY", "CARGO_TARGET_DIR")}
    env.update(env_update)
    env["PYTHONPATH"] = pythonpath
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=pythonpath, capture_output=True, text=True, timeout=120
    )


class LoaderTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        # a copy of the package outside the source tree (no cargo target dir next to it)
        shutil.copytree(support.PACKAGE_ROOT / "cpindex", os.path.join(self.tmp, "cpindex"))

    def test_env_var_wins(self) -> None:
        r = run("import cpindex; print(cpindex.library_path())", {"CPINDEX_LIBRARY": cpindex.library_path()}, self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), os.path.realpath(cpindex.library_path()))

    def test_env_var_to_missing_file_is_an_error(self) -> None:
        r = run("import cpindex", {"CPINDEX_LIBRARY": "/nonexistent/libcpindex.so"}, self.tmp)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("LibraryError", r.stderr)
        self.assertIn("/nonexistent/libcpindex.so", r.stderr)

    def test_package_folder(self) -> None:
        dest = os.path.join(self.tmp, "cpindex", os.path.basename(cpindex.library_path()))
        shutil.copy(cpindex.library_path(), dest)
        r = run("import cpindex; print(cpindex.library_path())", {}, self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), dest)

    def test_not_found_lists_paths(self) -> None:
        code = (
            "import ctypes.util; ctypes.util.find_library = lambda name: None\n"
            "try:\n    import cpindex\nexcept ImportError as e:\n"
            "    print(type(e).__name__); print(e)\n"
        )
        r = run(code, {}, self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("LibraryError", r.stdout)
        self.assertIn(os.path.join(self.tmp, "cpindex"), r.stdout)  # the package folder was tried
        self.assertIn("find_library", r.stdout)
        self.assertIn("cargo build --release", r.stdout)

    def test_source_tree_target_dir(self) -> None:
        if not (support.REPO / "Cargo.toml").is_file():
            self.skipTest("not running from a cargo checkout")
        r = run("import cpindex; print(cpindex.library_path())", {}, str(support.PACKAGE_ROOT))
        if r.returncode != 0 and "LibraryError" in r.stderr:
            self.skipTest("no build in the checkout's target directory")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.strip().startswith(str(support.REPO / "target")), r.stdout)

    def test_abi_mismatch_message(self) -> None:
        code = (
            "import cpindex._native as n\n"
            "n.ABI_VERSION = 999\n"
            "try:\n    n._load()\nexcept ImportError as e:\n    print(e)\n"
        )
        r = run(code, {"CPINDEX_LIBRARY": cpindex.library_path()}, self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ABI version", r.stdout)
        self.assertIn("rebuild", r.stdout)


if __name__ == "__main__":
    unittest.main()
