#!/usr/bin/env python3
"""Writes stress.csv: 600 synthetic weighted records that exercise the corners the
household sample does not (ties, zeros, three negative incomes, decimal weights, three
regions). Deterministic: CPython's `random.Random(20211122)`; the CSV is committed, so the
R reference values in laeken-0.5.2.csv always refer to the same numbers.

Usage: python3 tests/reference/laeken/make_stress.py > tests/reference/laeken/stress.csv
"""
import random

rng = random.Random(20211122)
print("id,region,income,weight")
for i in range(600):
    region = "abc"[i % 3]
    u = rng.random()
    if u < 0.10:
        income = 20000.0  # a heavy tie
    elif u < 0.12:
        income = 0.0
    else:
        income = round(rng.lognormvariate(10.0 + 0.1 * (i % 3), 0.8), -1)
    if i in (17, 311, 502):
        income = -float(rng.choice([50, 500, 1200]))
    weight = round(rng.uniform(0.5, 4.0), 3)
    print(f"r{i + 1:03d},{region},{income:.2f},{weight:.3f}")
