#!/usr/bin/env python3
"""Writes README.md from tools/readme_template.md, pasting the example programs verbatim
(tests check that README's code blocks equal these files)."""
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
t = (root / "tools/readme_template.md").read_text(encoding="utf-8")
c = (root / "bindings/c/example.c").read_text(encoding="utf-8")
cpp = (root / "bindings/cpp/example.cpp").read_text(encoding="utf-8")
py_readme = (root / "bindings/python/README.md").read_text(encoding="utf-8")
py = re.findall(r"```python\n(.*?)```", py_readme, flags=re.S)[0]
t = t.replace("@@C@@", c).replace("@@CPP@@", cpp).replace("@@PY@@", py)
(root / "README.md").write_text(t, encoding="utf-8")
