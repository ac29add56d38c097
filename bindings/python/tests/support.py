"""Shared helpers for the cpindex Python tests (not a test module)."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any, Dict, Optional

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent  # bindings/python
REPO = PACKAGE_ROOT.parent.parent  # the cargo checkout (when the tests run from source)
BUILTIN_JSON = REPO / "src" / "model" / "builtin" / "quzhou-2021-2025.json"
HEADER = REPO / "include" / "cpindex.h"

# numpy and pandas are optional: without them their tests are skipped with a message —
# unless CPINDEX_REQUIRE_NUMPY=1 / CPINDEX_REQUIRE_PANDAS=1 (for CI, like
# CPINDEX_REQUIRE_OPENPYXL in test_readers), which turn the skip into a failure.
REQUIRE_NUMPY = os.environ.get("CPINDEX_REQUIRE_NUMPY") == "1"
REQUIRE_PANDAS = os.environ.get("CPINDEX_REQUIRE_PANDAS") == "1"

try:
    import numpy  # noqa: F401

    HAVE_NUMPY = True
    NUMPY_SKIP = ""
except ImportError:  # pragma: no cover - depends on the environment
    if REQUIRE_NUMPY:
        raise RuntimeError(
            "numpy is not installed — but CPINDEX_REQUIRE_NUMPY=1 (pip install numpy)"
        ) from None
    HAVE_NUMPY = False
    NUMPY_SKIP = "numpy is not installed: the numpy zero-copy paths are not exercised"
    print(f"\n[cpindex tests] SKIP reason: {NUMPY_SKIP}", flush=True)


try:
    import pandas  # noqa: F401

    HAVE_PANDAS = True
    PANDAS_SKIP = ""
except ImportError:  # pragma: no cover - depends on the environment
    if REQUIRE_PANDAS:
        raise RuntimeError(
            "pandas is not installed — but CPINDEX_REQUIRE_PANDAS=1 (pip install pandas)"
        ) from None
    HAVE_PANDAS = False
    PANDAS_SKIP = "pandas is not installed: to_pandas() is tested only for its ImportError"
    print(f"\n[cpindex tests] SKIP reason: {PANDAS_SKIP}", flush=True)


def builtin_json() -> Optional[Dict[str, Any]]:
    """The shipped framework file read with the json module (independent of the library)."""
    if not BUILTIN_JSON.is_file():
        return None
    return json.loads(BUILTIN_JSON.read_text(encoding="utf-8"))


# A small two-level framework exercising every metadata field the C ABI exposes.
_SAMPLE: Dict[str, Any] = {
    "id": "sample",
    "title_zh": "样例",
    "title_en": "Sample",
    "base_year": 2020,
    "target_year": 2025,
    "source": "unit test",
    "dimensions": [
        {"id": "econ", "parent": None, "name_zh": "经济", "name_en": "Economy", "weight": 3.0},
        {"id": "soc", "parent": None, "name_zh": "社会", "name_en": "Society", "weight": 1.0},
        {"id": "soc_a", "parent": "soc", "name_zh": "甲", "name_en": "A", "weight": 1.0},
        {"id": "soc_b", "parent": "soc", "name_zh": "乙", "name_en": "B", "weight": 3.0},
    ],
    "indicators": [
        {
            "id": "gdp",
            "dimension": "econ",
            "name_zh": "地区生产总值",
            "name_en": "GDP",
            "unit": {"label": "亿元", "scale": 1e8, "base": "yuan"},
            "polarity": {"type": "higher_is_better"},
            "kind": "level",
            "target": 2500,
            "stretch_target": 2600,
            "baseline": 1639.1,
            "interim_targets": [{"year": 2022, "value": 2000}],
            "aspirational": True,
            "weight": 2.0,
            "provenance": {"section": "一", "phrase": "达到2500亿元"},
        },
        {
            "id": "growth",
            "dimension": "econ",
            "name_zh": "增速",
            "name_en": "Growth",
            "unit": {"label": "%", "scale": 0.01, "base": "ratio"},
            "polarity": {"type": "higher_is_better"},
            "kind": "growth_rate",
            "relative_target": {
                "relation": "above",
                "reference": {"type": "series", "unit": "zhejiang", "indicator": "growth"},
                "margin": 1.0,
                "description": "1 point above the province",
            },
            "weight": 1.0,
            "provenance": {"section": "一", "phrase": "高于全省"},
        },
        {
            "id": "ratio",
            "dimension": "soc_a",
            "name_zh": "城乡收入比",
            "name_en": "Urban-rural income ratio",
            "unit": {"label": "", "scale": 1.0, "base": "ratio"},
            "polarity": {"type": "lower_is_better"},
            "kind": "level",
            "target": 1.65,
            "target_year": 2024,
            "provenance": {"section": "二", "phrase": "缩小到1.65"},
        },
        {
            "id": "band",
            "dimension": "soc_b",
            "name_zh": "适度",
            "name_en": "Band",
            "unit": {"label": "%", "scale": 0.01, "base": "ratio"},
            "polarity": {
                "type": "interval",
                "lower": 3.0,
                "upper": 5.0,
                "tolerance_lower": 1.0,
                "tolerance_upper": 8.0,
            },
            "kind": "share",
            "provenance": {"section": "三", "phrase": "3%-5%"},
        },
        {
            "id": "covered",
            "dimension": "soc_b",
            "name_zh": "全覆盖",
            "name_en": "Covered",
            "unit": {"label": "%", "scale": 0.01, "base": "ratio"},
            "polarity": {"type": "binary"},
            "kind": "coverage",
            "target": 100,
            "weight": 3.0,
            "provenance": {"section": "三", "phrase": "全覆盖"},
        },
    ],
}


def sample_framework() -> Dict[str, Any]:
    """A fresh copy of the sample framework dict."""
    return copy.deepcopy(_SAMPLE)


def effective_weights(fw: Dict[str, Any]) -> Dict[str, float]:
    """Effective weights computed here from the JSON (JRC/OECD Handbook 2008 §6: weights
    normalised among siblings, multiplied down the hierarchy), independently of the library."""
    dims = {d["id"]: d for d in fw["dimensions"]}

    def share_of_dim(did: str) -> float:
        d = dims[did]
        sib = sum(x.get("weight", 1.0) for x in fw["dimensions"] if x.get("parent") == d.get("parent"))
        return d.get("weight", 1.0) / sib

    out = {}
    for ind in fw["indicators"]:
        sib = sum(i.get("weight", 1.0) for i in fw["indicators"] if i["dimension"] == ind["dimension"])
        w = ind.get("weight", 1.0) / sib
        did: Optional[str] = ind["dimension"]
        while did is not None:
            w *= share_of_dim(did)
            did = dims[did].get("parent")
        out[ind["id"]] = w
    return out


def rss_bytes() -> int:
    """Resident set size of this process (Linux /proc/self/statm)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")
