"""SALib's Sobol indices on outputs exported by cpindex (tests/sensitivity.rs).

Usage: python3 salib_sobol.py OUTPUTS.csv K OUT.csv

OUTPUTS.csv holds one model output per line, N(K + 2) lines in SALib's layout for
calc_second_order=False (per base row j: f(A)_j, f(A_B^(1))_j, ..., f(A_B^(K))_j, f(B)_j),
written with 17 significant digits. OUT.csv gets one line per factor: i,S1,ST with
repr() precision. SALib >= 1.4 standardises Y over all runs before estimating; see
docs/sensitivity.md for why cpindex centres the same way.
"""
import sys

import numpy as np
from SALib.analyze import sobol


def main():
    path, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    y = np.loadtxt(path, dtype=np.float64, ndmin=1)
    problem = {"num_vars": k, "names": [f"x{i}" for i in range(k)],
               "bounds": [[0.0, 1.0]] * k}
    s = sobol.analyze(problem, y, calc_second_order=False, num_resamples=2,
                      conf_level=0.95, print_to_console=False, seed=1)
    with open(out, "w") as f:
        f.write("factor,S1,ST\n")
        for i in range(k):
            f.write(f"{i},{float(s['S1'][i])!r},{float(s['ST'][i])!r}\n")


if __name__ == "__main__":
    main()
