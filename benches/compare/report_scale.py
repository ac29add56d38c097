#!/usr/bin/env python3
"""End-to-end timing of ``cpindex report`` at 100 / 1,000 / 2,844 units (issue 16).

Generates a long CSV (unit,period,indicator,value) of N synthetic county-level units from
the shipped example ``examples/data/quzhou.csv``: every synthetic unit takes the rows of
one example county (each value scaled by a deterministic factor in 0.85..1.15), the
reference series (``zhejiang``) are kept, and years after the last example year are
extrapolated at 3 % a year up to ``--years`` years from the first. Then it runs the
report (read, compute, render) with each ``--format`` and prints wall-clock medians.
The time should grow linearly in units.

Not part of CI. Usage:
    python3 benches/compare/report_scale.py [--bin target/release/cpindex]
        [--units 100,1000,2844] [--years 10] [--formats table,html,evaluation] [--repeat 3]
"""

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_template(path, county):
    series = defaultdict(dict)  # (unit, indicator) -> {period: value}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["value"] == "":
                continue
            series[(r["unit"], r["indicator"])][int(r["period"])] = float(r["value"])
    tmpl = {i: s for (u, i), s in series.items() if u == county}
    refs = {(u, i): s for (u, i), s in series.items() if u == "zhejiang"}
    return tmpl, refs


def extend(s, years):
    last = max(s)
    out = dict(s)
    for y in years:
        if y > last:
            out[y] = s[last] * 1.03 ** (y - last)
    return {y: out[y] for y in years if y in out}


def generate(path, n_units, n_years, tmpl, refs):
    first = min(min(s) for s in tmpl.values())
    years = list(range(first, first + n_years))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["unit", "period", "indicator", "value"])
        for (u, i), s in sorted(refs.items()):
            for y, v in extend(s, years).items():
                w.writerow([u, y, i, repr(v)])
        for k in range(n_units):
            unit = f"c{k:04d}"
            for j, (ind, s) in enumerate(sorted(tmpl.items())):
                factor = 0.85 + 0.3 * (((k * 7919 + j * 104729) % 1000) / 999.0)
                for y, v in extend(s, years).items():
                    w.writerow([unit, y, ind, repr(v * factor)])
    return os.path.getsize(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "cpindex"))
    ap.add_argument("--units", default="100,1000,2844")
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--formats", default="table,html,evaluation")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--county", default="kecheng")
    a = ap.parse_args()
    tmpl, refs = read_template(os.path.join(ROOT, "examples", "data", "quzhou.csv"), a.county)
    print(f"# {a.bin}; load average {os.getloadavg()}")
    print("| units | years | CSV MB | format | median wall s | median CPU s (user+sys) | wall runs |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="cpindex-report-scale-") as d:
        for n in [int(x) for x in a.units.split(",")]:
            data = os.path.join(d, f"panel-{n}.csv")
            size = generate(data, n, a.years, tmpl, refs)
            for fmt in a.formats.split(","):
                runs, cpus = [], []
                for _ in range(a.repeat):
                    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                    t0 = time.perf_counter()
                    p = subprocess.run(
                        [a.bin, "report", data, "--no-auto", "--format", fmt],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE,
                    )
                    runs.append(time.perf_counter() - t0)
                    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
                    if p.returncode != 0:
                        sys.exit(f"report failed ({n} units, {fmt}): {p.stderr.decode()[-2000:]}")
                print(
                    f"| {n} | {a.years} | {size / 1e6:.1f} | {fmt} | {statistics.median(runs):.3f} | "
                    f"{statistics.median(cpus):.3f} | "
                    + ", ".join(f"{r:.3f}" for r in runs)
                    + " |",
                    flush=True,
                )
    print(f"# load average after {os.getloadavg()}")


if __name__ == "__main__":
    main()
