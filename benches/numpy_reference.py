#!/usr/bin/env python3
"""numpy implementation of the formulas benchmarked in benches/distribution.rs, for the
comparison figures only (nothing in the test suite needs numpy).

Same formulas as cpindex::distribution (see docs/distribution.md):
  Gini    = sum w x (2 C_{i-1} + w - W) / (W * sum w x)     (sorted cumulative form)
  Theil T = (1/W) sum w (x/mu) ln(x/mu)
  S80/S20 = (1 - L(0.8)) / L(0.2), Lorenz linear inside a record
  median  = weighted Hyndman-Fan type 2 (averaged inverted CDF)

Data: lognormal(10, 0.7) incomes and uniform(0.5, 3) weights, like the Rust bench
(which uses its own xorshift generator: same distribution, not the same numbers).

Usage: python3 benches/numpy_reference.py [n] [repeats]
"""
import sys
import time

import numpy as np


def lorenz(xs, cw, cwx, W, T, p):
    t = p * W
    k = min(int(np.searchsorted(cw, t, side="left")), len(xs) - 1)
    cb = cw[k - 1] if k > 0 else 0.0
    sb = cwx[k - 1] if k > 0 else 0.0
    return (sb + (t - cb) * xs[k]) / T


def median_type2(xs, cw, W):
    t = 0.5 * W
    tol = 1e-12 * W
    k = min(int(np.searchsorted(cw, t - tol, side="left")), len(xs) - 1)
    if abs(cw[k] - t) <= tol and k + 1 < len(xs):
        return 0.5 * (xs[k] + xs[k + 1])
    return xs[k]


def four(x, w):
    order = np.argsort(x, kind="quicksort")
    xs = x[order]
    ws = w[order]
    wx = ws * xs
    cw = np.cumsum(ws)
    cwx = np.cumsum(wx)
    W = cw[-1]
    T = cwx[-1]
    gini = float(np.sum(wx * (2.0 * (cw - ws) + ws - W)) / (W * T))
    mu = T / W
    r = xs / mu
    theil = float(np.sum(ws * r * np.log(r)) / W)
    s80s20 = (1.0 - lorenz(xs, cw, cwx, W, T, 0.8)) / lorenz(xs, cw, cwx, W, T, 0.2)
    med = median_type2(xs, cw, W)
    return gini, theil, s80s20, med


def main():
    n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10_000_000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rng = np.random.default_rng(0x2545F4914F6CDD1D)
    x = np.exp(10.0 + 0.7 * rng.standard_normal(n))
    w = 0.5 + 2.5 * rng.random(n)
    best_four = best_sort = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        res = four(x, w)
        best_four = min(best_four, time.perf_counter() - t)
        y = x.copy()
        t = time.perf_counter()
        y.sort(kind="quicksort")
        best_sort = min(best_sort, time.perf_counter() - t)
    print(f"numpy {np.__version__}, n = {n}, best of {reps}")
    print(f"  gini+theil+s80s20+median: {best_four * 1e3:.1f} ms  -> {res}")
    print(f"  np.sort (in place, values only): {best_sort * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
