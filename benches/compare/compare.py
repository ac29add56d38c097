#!/usr/bin/env python3
"""Side-by-side timings: cpindex through its Python package versus the numpy / pandas code a
user would write instead, on the same generated data. Outputs are checked to agree
(max |difference| ≤ 1e-9 relative) before anything is timed. Not part of CI's pass/fail.

Pipelines (one period; framework: one dimension holding every indicator, all
higher-is-better; treatment, screening and optional outputs off):
  mm_entropy_mean  min–max [0, 100], entropy weights (熵权法), weighted arithmetic mean
  z_mean           z-score (sample SD), equal weights, arithmetic mean
  mm1_geometric    min–max [1, 100], equal weights, geometric mean
at 3,000 × 60 and (mm_entropy_mean) 100,000 × 60. "cpindex" is the whole Python call:
numpy array in → Panel → run_index → index scores back as a numpy array; "library" is the
library call alone (run_index on a ready panel). Each figure is the median of `repeats`
paired runs (cpindex and numpy alternate, so a load spike hits both); the ratio is the
median of the per-pair ratios; "best" is the ratio of the fastest runs (on a shared,
overloaded machine the least disturbed run is the closest to the true cost).

Usage: python3 benches/compare/compare.py [--repeats N] [--write docs/benchmarks.md]
(the library from CPINDEX_LIBRARY or target/release; build it with cargo build --release).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, os.environ.get("CPINDEX_PYTHON_PATH", str(ROOT / "bindings" / "python")))
import cpindex  # noqa: E402

try:
    import pandas as pd
except ImportError:  # pandas is optional here
    pd = None


def framework(n_ind: int) -> "cpindex.Framework":
    inds = [
        {"id": f"i{j}", "dimension": "d0", "name_zh": "i", "name_en": "i", "unit": {"label": "x"},
         "polarity": {"type": "higher_is_better"}, "kind": "level", "target": 1.0, "weight": 1.0}
        for j in range(n_ind)
    ]
    return cpindex.Framework.from_json({
        "id": "cmp", "title_zh": "c", "title_en": "c", "base_year": 2020, "target_year": 2025,
        "dimensions": [{"id": "d0", "name_zh": "d", "name_en": "d", "weight": 1.0}],
        "indicators": inds,
    })


BASE = {"treatment": {"enabled": False},
        "screening": {"min_availability": 0.0},
        "outputs": {"contributions": False, "obstacles": False, "statistics": False, "correlations": False},
        "ranks": {"index_only": True}}

SPECS = {
    "mm_entropy_mean": {**BASE, "weighting": {"indicators": {"method": "entropy"}}},
    "z_mean": {**BASE, "normalisation": {"default": {"method": "z_score"}},
               "weighting": {"indicators": {"method": "equal"}}},
    "mm1_geometric": {**BASE, "normalisation": {"default": {"method": "min_max", "low": 1, "high": 100}},
                      "weighting": {"indicators": {"method": "equal"}},
                      "aggregation": {"default": {"method": {"method": "geometric"}}}},
}


def np_mm_entropy_mean(x):
    lo, hi = x.min(axis=0), x.max(axis=0)
    y = (x - lo) * (100.0 / (hi - lo))
    p = y / y.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(x.shape[0])
    d = 1.0 - e
    w = d / d.sum()
    return y @ w


def np_z_mean(x):
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    return z.mean(axis=1)


def np_mm1_geometric(x):
    lo, hi = x.min(axis=0), x.max(axis=0)
    y = 1.0 + (x - lo) * (99.0 / (hi - lo))
    return np.exp(np.log(y).mean(axis=1))


def pd_mm_entropy_mean(df):
    y = (df - df.min()) / (df.max() - df.min()) * 100.0
    p = y / y.sum()
    plogp = (p * np.log(p.where(p > 0, 1.0)))
    e = -plogp.sum() / np.log(len(df))
    w = (1 - e) / (1 - e).sum()
    return (y * w).sum(axis=1).to_numpy()


def pd_z_mean(df):
    return ((df - df.mean()) / df.std()).mean(axis=1).to_numpy()


def pd_mm1_geometric(df):
    y = 1.0 + (df - df.min()) / (df.max() - df.min()) * 99.0
    return np.exp(np.log(y).mean(axis=1)).to_numpy()


NUMPY = {"mm_entropy_mean": np_mm_entropy_mean, "z_mean": np_z_mean, "mm1_geometric": np_mm1_geometric}
PANDAS = {"mm_entropy_mean": pd_mm_entropy_mean, "z_mean": pd_z_mean, "mm1_geometric": pd_mm1_geometric}


def cp_pipeline(fw, units, inds, x, spec):
    """The whole user-facing call: a (units × indicators) float64 array in, scores out."""
    panel = cpindex.Panel(units, [2021], inds, x.reshape(x.shape[0], 1, x.shape[1]))
    res = cpindex.run_index(fw, panel, spec)
    return np.asarray(res.scores("cmp", 2021))


def timed(f, *a):
    t = time.perf_counter()
    out = f(*a)
    return time.perf_counter() - t, out


def case(name, n_units, n_ind, repeats, rng):
    x = 10.0 + 90.0 * rng.random((n_units, n_ind))
    units = [f"u{k}" for k in range(n_units)]
    inds = [f"i{j}" for j in range(n_ind)]
    fw = framework(n_ind)
    spec = SPECS[name]
    df = pd.DataFrame(x, columns=inds, index=units) if pd is not None else None
    # agreement first
    ours = cp_pipeline(fw, units, inds, x, spec)
    ref = NUMPY[name](x)
    scale = max(1.0, float(np.max(np.abs(ref))))
    diff = float(np.max(np.abs(ours - ref))) / scale
    if not diff <= 1e-9:
        raise SystemExit(f"{name} {n_units}x{n_ind}: cpindex and numpy disagree (max rel diff {diff:.3g})")
    if df is not None:
        d2 = float(np.max(np.abs(PANDAS[name](df) - ref))) / scale
        if not d2 <= 1e-9:
            raise SystemExit(f"{name}: pandas and numpy disagree ({d2:.3g})")
    panel = cpindex.Panel(units, [2021], inds, x.reshape(n_units, 1, n_ind))
    t_cp, t_lib, t_np, t_pd, r_np, r_pd = [], [], [], [], [], []
    for _ in range(repeats):
        a, _o = timed(cp_pipeline, fw, units, inds, x, spec)
        b, _o = timed(NUMPY[name], x)
        c, _o = timed(cpindex.run_index, fw, panel, spec)
        t_cp.append(a); t_np.append(b); t_lib.append(c); r_np.append(a / b)
        if df is not None:
            d, _o = timed(PANDAS[name], df)
            t_pd.append(d); r_pd.append(a / d)
    med = statistics.median
    row = {"case": f"{name} {n_units:,}×{n_ind}", "cpindex": med(t_cp), "library": med(t_lib),
           "numpy": med(t_np), "ratio_np": med(r_np), "diff": diff,
           "best": f"{ms(min(t_cp))} / {ms(min(t_np))} = {min(t_cp) / min(t_np):.2f}"}
    if t_pd:
        row["pandas"] = med(t_pd)
        row["ratio_pd"] = med(r_pd)
    return row


def ms(s):
    return f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.2f} s"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--write", help="write the markdown table to this file")
    a = ap.parse_args()
    rng = np.random.default_rng(20261204)
    load_before = os.getloadavg()
    rows = [case(n, 3000, 60, a.repeats, rng) for n in ("mm_entropy_mean", "z_mean", "mm1_geometric")]
    rows.append(case("mm_entropy_mean", 100_000, 60, max(3, a.repeats // 3), rng))
    load_after = os.getloadavg()
    lines = [
        "| pipeline (medians) | cpindex via Python | library call alone | numpy | pandas | "
        "cpindex / numpy (paired median) | cpindex / pandas (paired median) | "
        "best cpindex / best numpy | max rel. diff |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        pd_t = ms(r["pandas"]) if "pandas" in r else "—"
        pd_r = f"{r['ratio_pd']:.2f}" if "ratio_pd" in r else "—"
        lines.append(
            f"| {r['case']} | {ms(r['cpindex'])} | {ms(r['library'])} | {ms(r['numpy'])} | {pd_t} | "
            f"{r['ratio_np']:.2f} | {pd_r} | {r['best']} | {r['diff']:.1e} |"
        )
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown"
    meta = (
        f"Machine: {cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}; "
        f"load average (1/5/15 min) {load_before[0]:.1f}/{load_before[1]:.1f}/{load_before[2]:.1f} before, "
        f"{load_after[0]:.1f}/{load_after[1]:.1f}/{load_after[2]:.1f} after; Python {platform.python_version()}, "
        f"numpy {np.__version__}, pandas {pd.__version__ if pd else 'absent'}, cpindex {cpindex.library_version()}; "
        f"{a.repeats} paired repeats (100,000-unit case: {max(3, a.repeats // 3)})."
    )
    text = meta + "\n\n" + "\n".join(lines) + "\n"
    print(text)
    if a.write:
        write_section(Path(a.write), text)


BEGIN = "<!-- benches/compare/compare.py: begin (generated; rerun the script to refresh) -->"
END = "<!-- benches/compare/compare.py: end -->"
INTRO = """# Benchmarks

Figures measured on the machine named with each table; a heavily loaded or different
machine changes the absolute times, so compare the paired ratios.
"""
SECTION = """## Python end to end versus numpy and pandas

`python3 benches/compare/compare.py --write docs/benchmarks.md` (release library). Same
generated data (uniform 10–100, no missing cells) through cpindex's Python package and
through the numpy / pandas code a user would write; outputs checked to agree first.
"cpindex via Python" is the whole call a user makes (numpy array in → `Panel` →
`run_index` → index scores back); "library call alone" is `run_index` on a ready panel.
"""


def write_section(path: Path, text: str) -> None:
    """Replaces this script's section of ``path`` (between its markers), or appends it;
    the rest of the file (other benchmarks) is left as it is."""
    body = f"{BEGIN}\n{SECTION}\n{text}{END}\n"
    old = path.read_text(encoding="utf-8") if path.exists() else INTRO
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        new = head + body + "\n" + rest.split(END, 1)[1].lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + body
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
