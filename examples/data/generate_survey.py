#!/usr/bin/env python3
"""Writes examples/data/survey.csv: ILLUSTRATIVE satisfaction-survey microdata.

NOT survey data. 1,200 synthetic respondents (100 per county and year, 2023 and 2024) answering
twelve 1-5 Likert items described in survey_items.json (获得感/幸福感/安全感/认同感; q4 and q10
are reverse-coded; 9 = "don't know"). Deterministic: `random.Random(SEED)`.

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
            for _ in range(PER_CELL):
                rid += 1
                person = rng.gauss(0.0, 0.5)
                weight = round(rng.uniform(0.6, 1.6), 3)
                answers = []
                for item in items:
                    if rng.random() < DONT_KNOW_RATE:
                        answers.append(dk)
                        continue
                    latent = 3.7 + c_eff + y_eff + person + rng.gauss(0.0, 0.7)
                    if item.get("reverse", False):
                        latent = 6.0 - latent
                    answers.append(max(1, min(5, int(round(latent)))))
                rows.append([f"R{rid:05d}", county, year, weight] + answers)
    path = os.path.join(here, "survey.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["respondent_id", "unit", "year", "weight"] + [i["id"] for i in items])
        w.writerows(rows)
    print("wrote", path, len(rows), "rows")


if __name__ == "__main__":
    main()
