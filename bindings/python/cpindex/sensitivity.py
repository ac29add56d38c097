"""Uncertainty and sensitivity analysis of the index ranks (``cpindex_sensitivity_run``;
docs/sensitivity.md): each unit's rank interval over the uncertain assumptions and the Sobol
indices of each assumption (Saltelli 2010 design; first order Saltelli et al. 2010, total
Jansen 1999), with bootstrap intervals.

>>> r = cpindex.run_sensitivity(framework, panel, {"assumptions": [...]})   # doctest: +SKIP
>>> r.uncertainty()          # pandas.DataFrame, one row per unit            # doctest: +SKIP
>>> r.indices()              # pandas.DataFrame, one row per assumption      # doctest: +SKIP
"""

from __future__ import annotations

import json
from ctypes import byref, c_int32, c_size_t, c_uint64
from typing import Any, Dict, List, Mapping, Tuple, Union

from ._managed import Managed, borrow_all
from ._native import LIB, SENS_P, read_text
from ._results import read_doubles, spec_bytes
from .framework import Framework
from .panel import Panel

__all__ = ["run_sensitivity", "SensitivityResult"]

_UNIT_COLUMNS = (
    "nominal_rank",
    "median_rank",
    "rank_p05",
    "rank_p95",
    "mean_abs_rank_shift",
    "nominal_score",
    "median_score",
    "score_p05",
    "score_p95",
    "mean_abs_score_shift",
)
_INDEX_COLUMNS = ("S", "ST", "S_se", "ST_se", "S_low", "S_high", "ST_low", "ST_high")


def run_sensitivity(
    framework: Framework, panel: Panel, spec: Union[str, bytes, Mapping[str, Any]]
) -> "SensitivityResult":
    """Runs the uncertainty and sensitivity analysis of ``panel`` under ``framework`` with a
    sensitivity spec (a dict or JSON text with ``assumptions``; docs/sensitivity.md)."""
    fn = LIB.require("cpindex_sensitivity_run")
    raw = spec_bytes(spec)
    if raw is None:
        raise TypeError("a sensitivity spec is required (it lists the uncertain assumptions)")
    out = SENS_P()
    with borrow_all(shared=[framework, panel]):  # in one global order: no ABBA deadlock
        fn(framework._check(), panel._check(), raw, len(raw), byref(out))
    return SensitivityResult(out)


class SensitivityResult(Managed):
    """The result of :func:`run_sensitivity` (``cpindex_sensitivity_result *``), immutable."""

    _kind = "sensitivity result"

    def __init__(self, _ptr: Any) -> None:
        """Internal: use :func:`run_sensitivity`."""
        self._adopt(_ptr, LIB.cpindex_sensitivity_result_free)
        d = [c_size_t() for _ in range(4)]
        period, seed = c_int32(), c_uint64()
        with self._borrow() as r:
            LIB.cpindex_sensitivity_result_dims(r, *[byref(x) for x in d], byref(period), byref(seed))
            fn = LIB.cpindex_sensitivity_result_id
            self._units = tuple(read_text(fn, r, 0, k) for k in range(d[0].value))
            self._assumptions = tuple(read_text(fn, r, 1, k) for k in range(d[1].value))
        self._runs, self._n = d[2].value, d[3].value
        self._period, self._seed = period.value, seed.value

    @property
    def units(self) -> Tuple[str, ...]:
        """Unit ids, in the order of every per-unit column."""
        return self._units

    @property
    def assumptions(self) -> Tuple[str, ...]:
        """Assumption names (their ``kind``), in design-column order."""
        return self._assumptions

    @property
    def period(self) -> int:
        """The period analysed."""
        return self._period

    @property
    def seed(self) -> int:
        """The seed used (the spec's, or the printed default)."""
        return self._seed

    @property
    def runs(self) -> int:
        """Number of index regenerations, N(k + 2)."""
        return self._runs

    def unit_columns(self) -> Dict[str, List[float]]:
        """The uncertainty analysis as a dict of columns (``unit`` and one list per
        statistic), one entry per unit."""
        out: Dict[str, List[float]] = {"unit": list(self._units)}  # type: ignore[dict-item]
        with self._borrow() as r:
            for code, name in enumerate(_UNIT_COLUMNS):
                out[name] = list(read_doubles(LIB.cpindex_sensitivity_result_units, r, code))
        return out

    def index_columns(self) -> Dict[str, List[float]]:
        """The Sobol indices on the mean absolute rank shift as a dict of columns
        (``assumption``, ``S``, ``ST`` and, with a bootstrap, their standard errors and
        percentile intervals)."""
        boot = json.loads(self.to_json())["sobol"]["bootstrap"] is not None
        out: Dict[str, List[Any]] = {"assumption": list(self._assumptions)}
        with self._borrow() as r:
            for code, name in enumerate(_INDEX_COLUMNS):
                if code >= 2 and not boot:
                    break
                out[name] = list(read_doubles(LIB.cpindex_sensitivity_result_indices, r, code))
        return out

    def uncertainty(self) -> Any:
        """The uncertainty analysis as a ``pandas.DataFrame`` indexed by unit. Needs pandas."""
        import pandas as pd  # optional dependency

        return pd.DataFrame(self.unit_columns()).set_index("unit")

    def indices(self) -> Any:
        """The Sobol indices as a ``pandas.DataFrame`` indexed by assumption. Needs pandas."""
        import pandas as pd  # optional dependency

        return pd.DataFrame(self.index_columns()).set_index("assumption")

    def to_json(self) -> str:
        """The whole result as JSON text (spec with defaults, design, every run)."""
        with self._borrow() as r:
            return read_text(LIB.cpindex_sensitivity_result_json, r, initial=1 << 20)

    def to_dict(self) -> Dict[str, Any]:
        """The whole result as plain Python data."""
        return json.loads(self.to_json())

    def __repr__(self) -> str:
        if self.closed:
            return "<cpindex.SensitivityResult (closed)>"
        return (
            f"<cpindex.SensitivityResult units={len(self._units)} "
            f"assumptions={list(self._assumptions)} runs={self._runs} seed={self._seed}>"
        )
