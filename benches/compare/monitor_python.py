#!/usr/bin/env python3
"""Plan monitoring through the Python package at national scale (issue 16): the panel of
``benches/monitor.rs`` (every indicator of the built-in framework, values scattered around
the target, one cell in 97 missing) for N units × 10 years, built from a numpy array; then
``run_monitor``, ``unit_achievements()`` and ``dynamic()`` of every unit, and freeing the
result. Prints the CPU time of each step (user + system of this process) and a checksum of
what was read back, so that two libraries can be compared on the same numbers:

    CPINDEX_LIBRARY=/path/to/old/libcpindex.so python3 benches/compare/monitor_python.py 2844
    CPINDEX_LIBRARY=/path/to/new/libcpindex.so python3 benches/compare/monitor_python.py 2844

A second argument runs the monitoring on that many threads (``run_monitor(...,
threads=T)``; 0 = the machine's): the checksums must not change.

Run each in a fresh process (a one-shot call pays for fresh memory, as a user's does).
Not part of CI; needs numpy.
"""

import os
import resource
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))

import numpy as np  # noqa: E402

from cpindex.framework import Framework  # noqa: E402
from cpindex.monitor import run_monitor  # noqa: E402
from cpindex.panel import Panel  # noqa: E402


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def panel(fw: Framework, n_units: int, n_years: int = 10) -> Panel:
    inds = fw.indicators
    years = list(range(2020, 2020 + n_years))
    v = np.empty((n_units, n_years, len(inds)))
    u = np.arange(n_units)
    for i, ind in enumerate(inds):
        t = max(abs(ind.target if ind.target is not None else 10.0), 1.0)
        for pi in range(n_years):
            h = (u * 31 + i * 7 + pi * 13) % 97
            col = t * (0.6 + 0.05 * pi + 0.004 * (u % 29) + 0.001 * h)
            v[:, pi, i] = np.where(h == 0, np.nan, col)
    return Panel([f"u{k}" for k in range(n_units)], years, [i.id for i in inds], v)


def main() -> None:
    n_units = int(sys.argv[1]) if len(sys.argv) > 1 else 2844
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    fw = Framework.builtin()
    p = panel(fw, n_units)
    units = list(p.units)
    c0, t0 = cpu(), time.perf_counter()
    r = run_monitor(fw, p) if threads == 1 else run_monitor(fw, p, threads=threads)
    c1, t1 = cpu(), time.perf_counter()
    agg = r.unit_achievements(year=2025)
    c2 = cpu()
    dyn = [r.dynamic(x) for x in units]
    c3 = cpu()
    del r
    c4 = cpu()
    print(
        f"units={n_units} threads={threads} run_monitor {c1 - c0:.3f} s CPU ({t1 - t0:.3f} s wall), "
        f"unit_achievements {1e3 * (c2 - c1):.1f} ms, dynamic of every unit "
        f"{1e3 * (c3 - c2):.1f} ms, free {1e3 * (c4 - c3):.1f} ms; "
        f"checksum {np.nansum(agg):.6f} {sum(d[-1][1] for d in dyn):.6f}"
    )


if __name__ == "__main__":
    main()
