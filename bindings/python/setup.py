"""Build hook: ship libcpindex inside the package when one has been built.

`pip install ./bindings/python` after `cargo build --release` copies the shared library
into the installed package folder (the loader's second search place), so the installed
package works without `CPINDEX_LIBRARY`. The library is taken from `$CPINDEX_LIBRARY`, else
`<repo>/target/release`, else `<repo>/target/debug`; without one the package is pure Python
and finds the library at run time. All metadata lives in pyproject.toml.
"""

import os
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
NAME = {"win32": "cpindex.dll", "darwin": "libcpindex.dylib"}.get(sys.platform, "libcpindex.so")


def _built_library():
    env = os.environ.get("CPINDEX_LIBRARY")
    if env and Path(env).is_file():
        return Path(env)
    target = Path(os.environ.get("CARGO_TARGET_DIR", HERE.parent.parent / "target"))
    for profile in ("release", "debug"):
        p = target / profile / NAME
        if p.is_file():
            return p
    return None


class BuildPyWithLibrary(build_py):
    def run(self):
        super().run()
        lib = _built_library()
        if lib is None:
            print("cpindex: no built libcpindex found; packaging pure Python", file=sys.stderr)
            return
        dest = Path(self.build_lib) / "cpindex" / NAME
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(lib, dest)
        os.chmod(dest, 0o755)
        print(f"cpindex: packaged {lib}", file=sys.stderr)


setup(cmdclass={"build_py": BuildPyWithLibrary})
