#!/usr/bin/env python3
"""Writes examples/data/households.csv: ILLUSTRATIVE weighted household microdata.

NOT survey data. 2,000 synthetic households for the six county-level units of Quzhou,
generated deterministically (Python's `random.Random` with SEED below; no other input) to
exercise the income-band shares (10-50万元 and 20-60万元 annual household disposable income)
and the inequality measures of cpindex. Any resemblance to real distributions is by design
of the parameters only (log-normal incomes around plausible county levels).

Columns: household_id, county, urban_rural (urban|rural), weight (households represented),
disposable_income_yuan (annual, whole household), household_size (persons).

Re-run:  python3 examples/data/generate_households.py
"""

import csv
import math
import os
import random

SEED = 20210822  # the plan's date of issue
N = 2000

# county -> (share of sample, urban share of population, per-capita income 万元 ≈ panel 2024)
COUNTIES = {
    "kecheng": (0.22, 0.88, 6.8),
    "qujiang": (0.16, 0.49, 5.5),
    "longyou": (0.16, 0.54, 5.9),
    "jiangshan": (0.20, 0.56, 6.0),
    "changshan": (0.13, 0.52, 5.2),
    "kaihua": (0.13, 0.48, 4.7),
}
# population households per county (万户), illustrative, for the weights
HH_POP = {"kecheng": 17.0, "qujiang": 13.5, "longyou": 13.8, "jiangshan": 18.9,
          "changshan": 9.8, "kaihua": 10.3}
SIGMA = 0.55  # log-sd of household income


def main():
    rng = random.Random(SEED)
    rows = []
    hid = 0
    for county, (share, urban, pc) in COUNTIES.items():
        n = round(N * share)
        # urban households are over-sampled (60%), the weights undo it
        n_urban = round(n * 0.6)
        for k in range(n):
            hid += 1
            is_urban = k < n_urban
            size = max(1, min(7, int(round(rng.gauss(2.6 if is_urban else 2.9, 1.0)))))
            # urban per-capita income ≈ 1.3×, rural ≈ 0.72× the county's overall level
            level = pc * (1.3 if is_urban else 0.72) * 10000.0 * size
            mu = math.log(level) - SIGMA ** 2 / 2
            income = round(math.exp(rng.gauss(mu, SIGMA)), -1)
            pop_share = urban if is_urban else 1.0 - urban
            n_stratum = n_urban if is_urban else n - n_urban
            weight = HH_POP[county] * 10000.0 * pop_share / n_stratum
            rows.append([f"H{hid:05d}", county, "urban" if is_urban else "rural",
                         f"{weight:.2f}", f"{income:.0f}", size])
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "households.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["household_id", "county", "urban_rural", "weight",
                    "disposable_income_yuan", "household_size"])
        w.writerows(rows)
    print("wrote", path, len(rows), "rows")


if __name__ == "__main__":
    main()
