#!/usr/bin/env python3
"""Writes examples/data/quzhou.csv, the sample panel for `cpindex report`.

Long format: unit,period,indicator,value,source,illustrative

* Values with a `source` key other than `illustrative` are copied from the published
  document named in SOURCES.md under that key; they carry illustrative=false.
* Every other value is ILLUSTRATIVE: invented to be plausible and internally consistent
  (county incomes around the city's, the city's county max/min ratio computed from the
  county series, per-capita GDP = GDP / an assumed resident population), never official.

The script is deterministic (no randomness). To extend the sample when the framework grows,
add an entry to SERIES (illustrative) or to SOURCED (published, with a SOURCES.md key) and
re-run:  python3 examples/data/generate_panel.py
Only indicator ids that exist in src/model/builtin/quzhou-2021-2025.json may appear.
"""

import csv
import os

YEARS = [2020, 2021, 2022, 2023, 2024]
COUNTIES = ["kecheng", "qujiang", "longyou", "jiangshan", "changshan", "kaihua"]
UNITS = ["quzhou"] + COUNTIES + ["zhejiang"]

# Assumed resident population (万人), illustrative, used only to derive per-capita GDP.
POP = {
    "kecheng": 47.0, "qujiang": 38.0, "longyou": 38.0, "jiangshan": 51.0,
    "changshan": 26.2, "kaihua": 27.8,
}
POP["quzhou"] = sum(POP.values())  # 228.0

# County GDP in 2020 (亿元) and nominal growth per year, illustrative. The city total is the
# sum of its counties in this sample (in official accounts it also includes zones counted
# separately, so real county figures need not add up exactly).
GDP2020 = {"kecheng": 340.0, "qujiang": 275.0, "longyou": 305.0, "jiangshan": 365.0,
           "changshan": 160.149, "kaihua": 195.0}
GDP_GROWTH = {"kecheng": 0.078, "qujiang": 0.082, "longyou": 0.074, "jiangshan": 0.071,
              "changshan": 0.065, "kaihua": 0.069}
# One-off shock pattern (multiplier on growth) shared by all units: strong 2021, weak 2022.
YEAR_FACTOR = {2021: 1.6, 2022: 0.55, 2023: 0.9, 2024: 0.85}

# Per-capita disposable income 2020 (万元) and yearly growth, illustrative.
INC2020 = {"kecheng": 5.05, "qujiang": 3.78, "longyou": 4.18, "jiangshan": 4.31,
           "changshan": 3.66, "kaihua": 3.20}
INC_GROWTH = {"kecheng": 0.062, "qujiang": 0.078, "longyou": 0.072, "jiangshan": 0.070,
              "changshan": 0.076, "kaihua": 0.083}

# Published values: (unit, year, indicator) -> (value in the framework's unit, source key).
SOURCED = {
    # 2022年浙江省国民经济和社会发展统计公报: GDP 77715亿元, 人均GDP 118496元, 城镇化率 73.4%.
    ("zhejiang", 2022, "gdp"): (77715.0, "ZJ-2022"),
    ("zhejiang", 2022, "gdp_per_capita"): (11.8496, "ZJ-2022"),
    ("zhejiang", 2022, "urbanisation_rate"): (73.4, "ZJ-2022"),
    # 2023年浙江省国民经济和社会发展统计公报: GDP 82553亿元, 人均GDP 125043元, 城镇化率 74.2%.
    ("zhejiang", 2023, "gdp"): (82553.0, "ZJ-2023"),
    ("zhejiang", 2023, "gdp_per_capita"): (12.5043, "ZJ-2023"),
    ("zhejiang", 2023, "urbanisation_rate"): (74.2, "ZJ-2023"),
    # 2020年常山县国民经济和社会发展统计公报: GDP 1601490万元.
    ("changshan", 2020, "gdp"): (160.149, "CS-2020"),
    # 2022年常山县国民经济和社会发展统计公报: GDP 2006008万元, 人均GDP 76565元;
    # 2021 GDP after final verification (最终核实) 1898704万元.
    ("changshan", 2021, "gdp"): (189.8704, "CS-2022"),
    ("changshan", 2022, "gdp"): (200.6008, "CS-2022"),
    ("changshan", 2022, "gdp_per_capita"): (7.6565, "CS-2022"),
}


def r(x, nd):
    return float(round(x, nd))


def build():
    rows = {}  # (unit, year, indicator) -> value

    def put(u, y, ind, v):
        rows[(u, y, ind)] = v

    # GDP, GDP per capita.
    for c in COUNTIES:
        g = GDP2020[c]
        for y in YEARS:
            if y > 2020:
                g *= 1.0 + GDP_GROWTH[c] * YEAR_FACTOR[y]
            if (c, y, "gdp") in SOURCED:  # chain illustrative years on published ones
                g = SOURCED[(c, y, "gdp")][0]
            put(c, y, "gdp", r(g, 2))
    for y in YEARS:
        put("quzhou", y, "gdp", r(sum(rows[(c, y, "gdp")] for c in COUNTIES), 2))
    for u in ["quzhou"] + COUNTIES:
        for y in YEARS:
            put(u, y, "gdp_per_capita", r(rows[(u, y, "gdp")] / POP[u], 4))
    for y, v in zip(YEARS, [64613.0, 73516.0, 77715.0, 82553.0, 90131.0]):
        put("zhejiang", y, "gdp", v)
    for y, v in zip(YEARS, [10.06, 11.30, 11.85, 12.5043, 13.43]):
        put("zhejiang", y, "gdp_per_capita", v)

    # Fixed-asset investment: ANNUAL flow (亿元) per year; the indicator's target is the
    # five-year total 2021-2025, so monitoring sums the flows from 2021 on.
    fai_share = {"kecheng": 0.20, "qujiang": 0.17, "longyou": 0.18, "jiangshan": 0.20,
                 "changshan": 0.13, "kaihua": 0.12}
    city_fai = dict(zip(YEARS, [880.0, 955.0, 1010.0, 1068.0, 1040.0]))
    for y in YEARS:
        put("quzhou", y, "fixed_asset_investment_total", city_fai[y])
        for c in COUNTIES:
            put(c, y, "fixed_asset_investment_total", r(city_fai[y] * fai_share[c], 1))

    # Urbanisation rate (%).
    urb2020 = {"kecheng": 84.5, "qujiang": 44.8, "longyou": 50.2, "jiangshan": 52.6,
               "changshan": 48.0, "kaihua": 43.6}
    urb_step = {"kecheng": 0.6, "qujiang": 1.1, "longyou": 0.9, "jiangshan": 0.9,
                "changshan": 0.9, "kaihua": 1.0}
    for c in COUNTIES:
        for k, y in enumerate(YEARS):
            put(c, y, "urbanisation_rate", r(urb2020[c] + urb_step[c] * k, 1))
    for y in YEARS:
        w = sum(POP[c] * rows[(c, y, "urbanisation_rate")] for c in COUNTIES) / POP["quzhou"]
        put("quzhou", y, "urbanisation_rate", r(w, 1))
    for y, v in zip(YEARS, [72.2, 72.7, 73.4, 74.2, 75.0]):
        put("zhejiang", y, "urbanisation_rate", v)

    # Income, urban-rural ratio, county max/min ratio.
    ratio2020 = {"kecheng": 1.72, "qujiang": 1.86, "longyou": 1.83, "jiangshan": 1.79,
                 "changshan": 1.88, "kaihua": 1.95}
    for c in COUNTIES:
        inc = INC2020[c]
        for k, y in enumerate(YEARS):
            if y > 2020:
                inc *= 1.0 + INC_GROWTH[c]
            put(c, y, "per_capita_disposable_income", r(inc, 4))
            put(c, y, "urban_rural_income_ratio", r(ratio2020[c] - 0.025 * k, 2))
    for y in YEARS:
        inc = sum(POP[c] * rows[(c, y, "per_capita_disposable_income")] for c in COUNTIES)
        put("quzhou", y, "per_capita_disposable_income", r(inc / POP["quzhou"], 4))
        rat = sum(POP[c] * rows[(c, y, "urban_rural_income_ratio")] for c in COUNTIES)
        put("quzhou", y, "urban_rural_income_ratio", r(rat / POP["quzhou"], 2))
        incs = [rows[(c, y, "per_capita_disposable_income")] for c in COUNTIES]
        put("quzhou", y, "county_income_max_min_ratio", r(max(incs) / min(incs), 3))
    for y, v in zip(YEARS, [5.2397, 5.7541, 6.0302, 6.3830, 6.7013]):
        put("zhejiang", y, "per_capita_disposable_income", v)
    for y, v in zip(YEARS, [1.96, 1.94, 1.90, 1.86, 1.83]):
        put("zhejiang", y, "urban_rural_income_ratio", v)

    # Cultural facilities coverage (%), PM2.5 (ug/m3), Party discipline effectiveness (%).
    cov2020 = {"quzhou": 91.0, "kecheng": 96.0, "qujiang": 88.0, "longyou": 90.0,
               "jiangshan": 93.0, "changshan": 89.0, "kaihua": 87.0}
    for u, c0 in cov2020.items():
        for k, y in enumerate(YEARS):
            put(u, y, "cultural_facility_coverage", r(min(100.0, c0 + 2.6 * k), 1))
    pm = {"quzhou": [27.0, 26.0, 25.0, 27.0, 25.0],
          "kecheng": [28.0, 27.0, 26.0, 28.0, 26.0],
          "qujiang": [29.0, 28.0, 27.0, 28.0, 27.0],
          "longyou": [30.0, 29.0, 27.0, 29.0, 27.0],
          "jiangshan": [26.0, 25.0, 24.0, 25.0, 24.0],
          "changshan": [27.0, 26.0, 25.0, 26.0, 24.0],
          "kaihua": [22.0, 21.0, 20.0, 21.0, 20.0],
          "zhejiang": [25.0, 24.0, 24.0, 27.0, 26.0]}
    for u, vs in pm.items():
        for y, v in zip(YEARS, vs):
            put(u, y, "pm25_concentration", v)
    pd2020 = {"quzhou": 95.4, "kecheng": 95.9, "qujiang": 95.0, "longyou": 95.2,
              "jiangshan": 95.6, "changshan": 94.9, "kaihua": 95.1}
    for u, p0 in pd2020.items():
        for k, y in enumerate(YEARS):
            put(u, y, "party_discipline_effectiveness", r(p0 + 0.55 * k, 1))

    # Overlay the published values.
    for key, (v, _src) in SOURCED.items():
        rows[key] = v
    return rows


INDICATOR_ORDER = [
    "gdp", "gdp_per_capita", "fixed_asset_investment_total", "urbanisation_rate",
    "per_capita_disposable_income", "urban_rural_income_ratio",
    "county_income_max_min_ratio", "cultural_facility_coverage", "pm25_concentration",
    "party_discipline_effectiveness",
]


def fmt(v):
    s = repr(float(v))
    return s[:-2] if s.endswith(".0") else s


def main():
    rows = build()
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "quzhou.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit", "period", "indicator", "value", "source", "illustrative"])
        for u in UNITS:
            for ind in INDICATOR_ORDER:
                for y in YEARS:
                    if (u, y, ind) not in rows:
                        continue
                    src = SOURCED.get((u, y, ind))
                    w.writerow([u, y, ind, fmt(rows[(u, y, ind)]),
                                src[1] if src else "illustrative",
                                "false" if src else "true"])
    print("wrote", path, len(rows), "rows")


if __name__ == "__main__":
    main()
