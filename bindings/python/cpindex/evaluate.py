"""The evaluation: everything the annual monitoring report shows, from Python.

:func:`evaluate` sends one ``evaluate`` request through the JSON entry point
(``cpindex_run_json``; docs/json-api.md) — the panel is read by the library's own CSV
reader — and returns an :class:`Evaluation` whose tables convert to pandas with
:meth:`Evaluation.to_pandas`. The numbers are the library's, identical to the command
line's report, the C functions (``cpindex_evaluate``) and the JSON entry point.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from .run import run_json

PathLike = Union[str, "os.PathLike[str]"]

TABLES = ("cells", "summaries", "distribution", "satisfaction", "evaluations", "achievements", "targets")


def _is_path(x: Any) -> bool:
    return isinstance(x, (str, os.PathLike))


def _read_text(path: PathLike) -> str:
    with open(path, encoding="utf-8-sig") as f:
        return f.read()


def _rows(table: Any) -> List[Dict[str, str]]:
    """Rows of a CSV path or a pandas DataFrame, as dicts of strings (``""`` = missing)."""
    if _is_path(table):
        return list(csv.DictReader(io.StringIO(_read_text(table))))
    if hasattr(table, "to_dict"):
        out = []
        for rec in table.to_dict(orient="records"):
            out.append({k: ("" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)) for k, v in rec.items()})
        return out
    raise TypeError(f"expected a CSV path or a pandas DataFrame, not {type(table).__name__}")


def _num(s: str) -> Optional[float]:
    s = s.strip()
    return None if s == "" else float(s)


def panel_data(panel: Any) -> Dict[str, Any]:
    """The ``data`` member for a long-layout panel given as a CSV path, CSV text in a
    DataFrame (written out with ``to_csv``), or a :class:`~cpindex.Panel` (arrays)."""
    from .panel import Panel

    if isinstance(panel, Panel):
        return {"units": list(panel.units), "periods": list(panel.periods), "indicators": list(panel.indicators),
                "values": [None if math.isnan(v) else v for v in panel.values()]}
    if _is_path(panel):
        return {"csv": _read_text(panel), "layout": "long"}
    if hasattr(panel, "to_csv"):
        return {"csv": panel.to_csv(index=False), "layout": "long"}
    raise TypeError(f"panel must be a CSV path, a DataFrame or a cpindex.Panel, not {type(panel).__name__}")


def survey_member(survey: Any, items: Union[PathLike, Mapping[str, Any]]) -> Dict[str, Any]:
    """The ``survey`` member: survey microdata (a CSV path or a DataFrame, one row per
    respondent) described by ``items`` (the ``survey_items.json`` format: ``scale``,
    ``dont_know_code``, ``weight_column``/``unit_column``/``year_column``, ``items``)."""
    desc = json.loads(_read_text(items)) if _is_path(items) else dict(items)
    rows = _rows(survey)
    wcol = desc.get("weight_column", "weight")
    ucol = desc.get("unit_column", "unit")
    ycol = desc.get("year_column", "year")
    lo, hi = float(desc["scale"]["min"]), float(desc["scale"]["max"])
    codes = [float(desc["dont_know_code"])] if desc.get("dont_know_code") is not None else []
    items_out = []
    for it in desc["items"]:
        items_out.append({
            "id": it["id"], "domain": it["dimension"], "scale_min": lo, "scale_max": hi,
            "reverse": bool(it.get("reverse", False)),
            "responses": [_num(r[it["id"]]) for r in rows],
        })
    out = {
        "unit": [r[ucol].strip() for r in rows],
        "year": [int(float(r[ycol])) for r in rows],
        "weight": [float(r[wcol]) for r in rows],
        "items": items_out,
        "nonresponse_codes": codes,
    }
    # design columns (as the command line reads them): named in the description, else the
    # columns stratum / psu / fpc when present; subpopulation_columns as domains
    present = set(rows[0].keys()) if rows else set()
    design = {}
    for key, default in (("stratum", "stratum"), ("psu", "psu"), ("fpc", "fpc")):
        c = desc.get(key + "_column", default if default in present else None)
        if c is not None:
            design[key] = [float(r[c]) if key == "fpc" else str(r[c]).strip() for r in rows]
    if design:
        out["design"] = design
    subs = desc.get("subpopulation_columns") or []
    if subs:
        out["subpopulations"] = {c: [str(r[c]).strip() for r in rows] for c in subs}
    return out


def households_member(households: Any, income: str = "disposable_income_yuan", size: str = "household_size",
                      weight: str = "weight") -> Dict[str, List[float]]:
    """The ``households`` member from a CSV path or a DataFrame (column names as given)."""
    rows = _rows(households)
    return {"income": [float(r[income]) for r in rows], "size": [float(r[size]) for r in rows],
            "weight": [float(r[weight]) for r in rows]}


class Evaluation:
    """One evaluation's result (``crate::evaluate::Evaluation``; docs/json-api.md).

    ``raw`` is the decoded JSON; ``fingerprint`` the reproducibility fingerprint
    (``sha256:…``). :meth:`to_pandas` gives one table (names in :data:`TABLES`)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw: Dict[str, Any] = dict(raw)
        fp = self.raw["fingerprint"]
        self.fingerprint: str = f"{fp['algorithm']}:{fp['hex']}"
        self.year: int = self.raw["year"]
        # (unit, year) -> satisfaction group, built on first use (the first of equal keys,
        # as a search finds); a search per call was quadratic over a loop of units
        self._groups: Optional[Dict[Tuple[str, int], Dict[str, Any]]] = None

    def satisfaction(self, unit: str, domain: Optional[str] = None) -> Optional[Dict[str, Any]]:
        """The satisfaction estimate of ``unit`` in the evaluation year (the overall index,
        or one domain): ``mean, se, ci_lower, ci_upper, n, sum_weights, deff_kish,
        n_effective`` plus ``nonresponse``; ``None`` when the unit has no respondents."""
        if self._groups is None:
            self._groups = {}
            for grp in self.raw["monitor"]["satisfaction"]:
                self._groups.setdefault((grp["unit"], grp["year"]), grp)
        g = self._groups.get((unit, self.year))
        if g is None:
            return None
        if domain is None:
            return None if g["overall"] is None else dict(g["overall"], nonresponse=g["overall_nonresponse"])
        for d in g["domains"]:
            if d["domain"] == domain:
                return None if d["estimate"] is None else dict(d["estimate"], nonresponse=d["nonresponse"])
        raise KeyError(f"no survey domain {domain!r}")

    @property
    def distribution(self) -> List[Dict[str, Any]]:
        """The distribution targets and measures (value, target, colour, detail)."""
        return list(self.raw["distribution"])

    def records(self, table: str) -> List[Dict[str, Any]]:
        """One table as a list of flat records (see :data:`TABLES`)."""
        r = self.raw
        units = [u["id"] for u in r["units"]]
        if table == "cells":
            c = r["cells"]
            surveys = c.get("survey") or [None] * len(c["unit"])
            out = []
            for k in range(len(c["unit"])):
                # a survey-measured cell: the estimate against the target with its standard
                # error and verdict (the same columns as the report CSV); None elsewhere
                sv = surveys[k] or {}
                out.append({"unit": units[c["unit"][k]], "indicator": r["indicators"][c["indicator"][k]],
                            "value": c["value"][k], "target": c["target"][k], "target_source": c["target_source"][k],
                            "achievement": c["achievement"][k], "colour": c["colour"][k], "trend": c["trend"][k],
                            "illustrative": c["illustrative"][k], "survey_estimate": sv.get("estimate"),
                            "survey_se": sv.get("se"), "survey_ci_lower": sv.get("ci_lower"),
                            "survey_ci_upper": sv.get("ci_upper"), "survey_verdict": sv.get("verdict")})
            return out
        if table == "summaries":
            out = []
            for s in r["summaries"]:
                rec = {"unit": units[s["unit"]], "achievement": s["achievement"], "index": s["index"], "rank": s["rank"]}
                for d, v in zip(r["dimensions"], s["by_dimension"]):
                    rec[f"achievement_{d}"] = v
                out.append(rec)
            return out
        if table == "distribution":
            return [{"indicator": d["indicator"], "label": d["label_zh"], "value": d["value"], "target": d["target"],
                     "colour": d["colour"], "kind": d["detail"]["type"]} for d in r["distribution"]]
        if table == "satisfaction":
            out = []
            for g in r["monitor"]["satisfaction"]:
                parts = [("overall", g["overall"], g["overall_nonresponse"])]
                parts += [(d["domain"], d["estimate"], d["nonresponse"]) for d in g["domains"]]
                for name, e, nr in parts:
                    rec = {"unit": g["unit"], "year": g["year"], "domain": name, "nonresponse": nr}
                    rec.update(e or {})
                    out.append(rec)
            return out
        if table == "evaluations":
            return list(r["monitor"]["evaluations"])
        if table == "achievements":
            keys = ("unit", "indicator", "year", "observed", "target", "ratio_capped", "progress", "score", "met")
            return [{k: a[k] for k in keys} for a in r["monitor"]["achievements"]]
        if table == "targets":
            return list(r["monitor"]["targets"])
        raise KeyError(f"unknown table {table!r} (tables: {', '.join(TABLES)})")

    def to_pandas(self, table: str = "cells") -> Any:
        """One table as a pandas DataFrame (``None`` becomes NaN). Needs pandas."""
        try:
            import pandas as pd  # type: ignore[import-not-found]
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("to_pandas needs pandas (pip install pandas)") from e
        return pd.DataFrame.from_records(self.records(table))


def evaluate(panel: Any, *, framework: Union[str, Mapping[str, Any]] = "quzhou-2021-2025", survey: Any = None,
             survey_items: Union[None, PathLike, Mapping[str, Any]] = None, households: Any = None,
             spec: Optional[Mapping[str, Any]] = None) -> Evaluation:
    """Runs one evaluation: monitoring, composite index, satisfaction index (with a
    survey), distribution targets (band shares and inequality measures with households),
    and the fingerprint.

    ``panel``, ``survey`` and ``households`` are CSV paths or pandas DataFrames (the panel
    in the long layout ``unit,period,indicator,value[,source,…]``; the households with
    ``disposable_income_yuan``, ``household_size`` and ``weight``). ``survey_items``
    describes the survey (``examples/data/survey_items.json``); it is required with a
    survey. ``spec`` is the evaluation spec (``{"index": …, "monitor": …,
    "satisfaction": …}``); unknown members raise :class:`~cpindex.InvalidSpec`."""
    req: Dict[str, Any] = {"action": "evaluate", "framework": framework, "data": panel_data(panel)}
    if survey is not None:
        if survey_items is None:
            raise TypeError("survey_items is required with a survey")
        req["survey"] = survey_member(survey, survey_items)
    if households is not None:
        req["households"] = households_member(households)
    if spec is not None:
        req["spec"] = dict(spec)
    return Evaluation(run_json(req)["results"])
