#!/usr/bin/env python3
"""Writes examples/data/survey.csv: ILLUSTRATIVE satisfaction-survey microdata.

NOT survey data. 1,200 synthetic respondents (100 per county and year, 2023 and 2024) answering
twelve 1-5 Likert items described in survey_items.json (获得感/幸福感/安全感/认同感; q4 and q10
are reverse-coded; 9 = "don't know"). Deterministic: `random.Random(SEED)`.

Design, as county satisfaction surveys are drawn: in each county and year two strata (urban /
rural); in each stratum 5 townships or villages (PSUs) drawn out of a population of N_h
(column `fpc`, the number of PSUs in the stratum), 10 respondents in each. Answers share a
PSU effect (intra-cluster correlation), so the design effect exceeds the weighting effect.
Weights = N_h/5 × (PSU size / 10) × a person factor, rescaled to average 1 in the county.
`area` repeats the stratum for domain estimation, `age_group` cuts across strata.

Re-run:  python3 examples/data/generate_survey.py
"""

import csv
import json
import os
import random

SEED = 45  # item 45 of the plan asks for the satisfaction index
COUNTIES = {"kecheng": 0.25, "qujiang": -0.05, "longyou": 0.05, "jiangshan": 0.10,
            "changshan": 0.0, "kaihua": -0.10}
YEARS = {2023: 0.0, 2024: 0.12}
PER_CELL = 100
DONT_KNOW_RATE = 0.04
STRATA = {"urban": (0.10, 12), "rural": (-0.10, 30)}  # stratum effect, PSUs in population
PSUS_PER_STRATUM = 5
PER_PSU = 10
AGE_GROUPS = ["18-34", "35-59", "60+"]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "survey_items.json"), encoding="utf-8") as f:
        spec = json.load(f)
    items = spec["items"]
    dk = spec["dont_know_code"]
    rng = random.Random(SEED)
    rows = []
    rid = 0
    for county, c_eff in COUNTIES.items():
        for year, y_eff in YEARS.items():
            cell = []
            for stratum, (s_eff, n_pop) in STRATA.items():
                for p in range(PSUS_PER_STRATUM):
                    psu_eff = rng.gauss(0.0, 0.25)
                    psu_size = rng.uniform(0.7, 1.3)
                    for _ in range(PER_PSU):
                        rid += 1
                        person = rng.gauss(0.0, 0.5)
                        weight = n_pop / PSUS_PER_STRATUM * psu_size * rng.uniform(0.8, 1.25)
                        age = rng.choice(AGE_GROUPS)
                        answers = []
                        for item in items:
                            if rng.random() < DONT_KNOW_RATE:
                                answers.append(dk)
                                continue
                            latent = (3.7 + c_eff + y_eff + s_eff + psu_eff + person
                                      + rng.gauss(0.0, 0.7))
                            if item.get("reverse", False):
                                latent = 6.0 - latent
                            answers.append(max(1, min(5, int(round(latent)))))
                        cell.append([f"R{rid:05d}", county, year, weight] + answers
                                    + [stratum, f"{stratum[0]}{p + 1}", n_pop, stratum, age])
            mean_w = sum(r[3] for r in cell) / len(cell)
            for r in cell:
                r[3] = round(r[3] / mean_w, 3)
            rows.extend(cell)
    path = os.path.join(here, "survey.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["respondent_id", "unit", "year", "weight"] + [i["id"] for i in items]
                   + ["stratum", "psu", "fpc", "area", "age_group"])
        w.writerows(rows)
    print("wrote", path, len(rows), "rows")


if __name__ == "__main__":
    main()
