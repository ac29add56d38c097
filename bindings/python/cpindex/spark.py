"""Exact weighted distribution measures over data held by Apache Spark.

>>> import cpindex.spark
>>> cpindex.spark.inequality(df, value="income", weight="weight", by="county",
...                          measures=["gini", "theil_t", "median", "palma_ratio"])

returns a pandas DataFrame with one row per group (index: the group key as text, or
``None`` without ``by``) and one column per measure, equal to what
:class:`cpindex.Distribution` computes on one machine (see ``docs/distribution.md``,
"Beyond one machine", for the exactness guarantees). Spark is the engine; cpindex runs in
its Python workers through ``mapInArrow`` on zero-copy numpy views of the Arrow columns:

* **moment measures** (``mean``, ``theil_t``, ``mean_log_deviation``,
  ``coefficient_of_variation``, ``generalized_entropy:α``, ``atkinson:ε``, ``total_weight``,
  ``total``, ``min``, ``max``, ``n``): one pass; each partition returns one serialised
  :class:`~cpindex.summary.Summary` per group (a few hundred bytes), merged on the driver;
* **rank measures** (``gini``, ``gini_corrected``, ``median``, ``quantile:p[:type]``,
  ``lorenz:p``, ``income_share:p1:p2``, ``palma_ratio``, ``s80_s20``,
  ``quintile_share_ratio_eurostat``, ``hoover``, ``at_risk_of_poverty_threshold``,
  ``at_risk_of_poverty_rate``, ``max_min_ratio``, ``share_in_band:lo:hi``,
  ``share_below:t``): the data are range-partitioned by ``(group, value)`` and sorted
  inside each partition, persisted, then pass 1 returns a
  :class:`~cpindex.summary.RankPartition` per (partition, group) segment, the driver plans,
  and pass 2 answers a few probes in the partitions that hold them — one round, or two for
  the at-risk-of-poverty rate and the Eurostat quintile share ratio, whose thresholds are
  quantiles found in the first. No record is collected to the driver.

The names are those of :class:`cpindex.Distribution` and of the ``measures`` of the JSON
entry point (``docs/distribution.md``, "Measure names"), plus ``n``, ``quantile:p:type``,
``income_share:p1:p2`` and ``share_in_band:lo:hi``. :func:`decomposition` gives the
Shorrocks GE(α) and Dagum Gini decompositions by group.

pyspark (and pyarrow) are needed only when these functions run: ``import cpindex`` and
``import cpindex.spark`` work without them. The workers must be able to import
``cpindex`` and load ``libcpindex`` (set ``CPINDEX_LIBRARY`` in the executor environment,
e.g. ``spark.executorEnv.CPINDEX_LIBRARY``, or install the wheel on every node).
"""

from __future__ import annotations

import math
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

__all__ = ["inequality", "decomposition", "MOMENT_MEASURES", "RANK_MEASURES"]

#: Measure names computed from merged moment summaries (one pass).
MOMENT_MEASURES = (
    "n",
    "total_weight",
    "total",
    "min",
    "max",
    "mean",
    "theil_t",
    "mean_log_deviation",
    "coefficient_of_variation",
    "generalized_entropy",
    "atkinson",
)
#: Measure names computed by the two-pass rank plan.
RANK_MEASURES = (
    "gini",
    "gini_corrected",
    "median",
    "quantile",
    "lorenz",
    "income_share",
    "palma_ratio",
    "s80_s20",
    "quintile_share_ratio_eurostat",
    "hoover",
    "at_risk_of_poverty_threshold",
    "at_risk_of_poverty_rate",
    "max_min_ratio",
    "share_in_band",
    "share_below",
)

_QTYPE = {"2": 0, "1": 1, "7": 2}


def _require_spark() -> Any:
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "cpindex.spark needs pyspark and pyarrow (pip install pyspark pyarrow)"
        ) from e
    return pyspark


def _parse(measure: str) -> Tuple[str, List[float], str]:
    """``"quantile:0.9:1"`` -> ("quantile", [0.9, 1.0], "quantile:0.9:1")."""
    parts = measure.split(":")
    name = parts[0]
    if name not in MOMENT_MEASURES and name not in RANK_MEASURES:
        raise ValueError(
            f"unknown measure `{measure}` (known: {', '.join(MOMENT_MEASURES + RANK_MEASURES)})"
        )
    try:
        args = [float(a) for a in parts[1:]]
    except ValueError:
        raise ValueError(f"measure `{measure}`: arguments must be numbers") from None
    need = {
        "generalized_entropy": 1,
        "atkinson": 1,
        "lorenz": 1,
        "share_below": 1,
        "income_share": 2,
        "share_in_band": 2,
    }.get(name)
    if need is not None and len(args) != need:
        raise ValueError(f"measure `{measure}` needs {need} argument(s), e.g. `{name}:{':'.join(['0.5'] * need)}`")
    if name == "quantile" and len(args) not in (1, 2):
        raise ValueError(f"measure `{measure}`: use quantile:p or quantile:p:type (type 1, 2 or 7)")
    return name, args, measure


#: Rank measures without arguments -> ``RankQuery`` member name.
_PLAIN_RANK = {
    "gini": "GINI",
    "gini_corrected": "GINI_CORRECTED",
    "palma_ratio": "PALMA",
    "s80_s20": "S80S20",
    "quintile_share_ratio_eurostat": "QUINTILE_SHARE_RATIO_EUROSTAT",
    "hoover": "HOOVER",
    "at_risk_of_poverty_threshold": "AT_RISK_OF_POVERTY_THRESHOLD",
    "at_risk_of_poverty_rate": "AT_RISK_OF_POVERTY_RATE",
    "max_min_ratio": "MAX_MIN_RATIO",
}


def _rank_query(name: str, args: List[float]) -> Tuple[int, float, float]:
    from .summary import RankQuery as Q

    if name in _PLAIN_RANK:
        return (Q[_PLAIN_RANK[name]], 0.0, 0.0)
    if name == "median":
        return (Q.QUANTILE_TYPE2, 0.5, 0.0)
    if name == "quantile":
        t = str(int(args[1])) if len(args) > 1 else "2"
        if t not in _QTYPE:
            raise ValueError(f"quantile type {t}: use 1, 2 or 7")
        return (_QTYPE[t], args[0], 0.0)
    if name == "lorenz":
        return (Q.LORENZ, args[0], 0.0)
    if name == "income_share":
        return (Q.INCOME_SHARE, args[0], args[1])
    if name == "share_in_band":
        return (Q.BAND_SHARE, args[0], args[1])
    if name == "share_below":
        return (Q.SHARE_BELOW, args[0], 0.0)
    raise AssertionError(name)


def _columns(batch: Any, has_weight: bool, has_group: bool) -> Tuple[Any, Any, Any]:
    """numpy views of the value and weight columns of an Arrow batch (a float64 column
    without nulls is viewed without a copy; nulls become NaN), and the group column as
    ``(codes, keys)``: an int array of dictionary codes and the list of key texts (a null
    key is the text ``None``)."""
    import numpy as np

    def f64(col: Any) -> Any:
        if col.null_count == 0:
            return col.to_numpy(zero_copy_only=False)
        return np.asarray(col.to_numpy(zero_copy_only=False), dtype=np.float64)

    v = f64(batch.column(0))
    w = f64(batch.column(1)) if has_weight else None
    g = None
    if has_group:
        enc = batch.column(2 if has_weight else 1).dictionary_encode()
        keys = enc.dictionary.to_pylist()
        codes = enc.indices.to_numpy(zero_copy_only=False)
        if enc.indices.null_count:
            codes = np.where(np.isnan(codes.astype(np.float64)), len(keys), codes).astype(np.int64)
            keys = keys + [None]
        g = (np.asarray(codes, dtype=np.int64), keys)
    return v, w, g


def _moment_pass(alphas: List[float], skip: bool, has_weight: bool, has_group: bool) -> Any:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import numpy as np
        import pyarrow as pa

        from .summary import Summary

        acc: Dict[Optional[str], Summary] = {}
        for batch in batches:
            if batch.num_rows == 0:
                continue
            v, w, g = _columns(batch, has_weight, has_group)
            if g is None:
                keys = {None: slice(None)}
            else:
                codes, names = g
                order = np.argsort(codes, kind="stable")
                bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
                keys = {names[c]: order[bounds[c] : bounds[c + 1]] for c in range(len(names)) if bounds[c + 1] > bounds[c]}
            for k, sel in keys.items():
                vs = np.ascontiguousarray(v[sel])
                ws = np.ascontiguousarray(w[sel]) if w is not None else None
                s = Summary(vs, ws, alphas, skip_missing=skip)
                if k in acc:
                    acc[k].merge(s)
                else:
                    acc[k] = s
        keys_out = list(acc)
        yield pa.RecordBatch.from_arrays(
            [pa.array(keys_out, pa.string()), pa.array([acc[k].to_bytes() for k in keys_out], pa.binary())],
            names=["g", "summary"],
        )

    return run


def _segments(g: Any, n: int) -> List[Tuple[Optional[str], int, int]]:
    """Runs of equal group keys in a partition sorted by (group, value)."""
    import numpy as np

    if g is None:
        return [(None, 0, n)] if n else []
    codes, names = g
    if n == 0:
        return []
    starts = np.concatenate(([0], np.flatnonzero(np.diff(codes)) + 1))
    ends = np.concatenate((starts[1:], [n]))
    return [(names[int(codes[s])], int(s), int(e)) for s, e in zip(starts, ends)]


def _partition_arrays(batches: Iterator[Any], has_weight: bool, has_group: bool) -> Tuple[Any, Any, Any]:
    import numpy as np
    import pyarrow as pa

    bs = [b for b in batches if b.num_rows > 0]
    if not bs:
        return np.empty(0), None, (np.empty(0, dtype=np.int64), []) if has_group else None
    if len(bs) == 1:
        return _columns(bs[0], has_weight, has_group)
    table = pa.Table.from_batches(bs).combine_chunks()
    return _columns(table.to_batches()[0], has_weight, has_group)


def _rank_pass1(skip: bool, has_weight: bool, has_group: bool) -> Any:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import numpy as np
        import pyarrow as pa
        from pyspark import TaskContext

        from .summary import RankPartition

        pid = TaskContext.get().partitionId()
        v, w, g = _partition_arrays(batches, has_weight, has_group)
        keys, blobs = [], []
        for k, s, e in _segments(g, len(v)):
            ws = w[s:e] if w is not None else None
            keys.append(k)
            blobs.append(RankPartition(np.ascontiguousarray(v[s:e]), ws, skip_missing=skip).to_bytes())
        yield pa.RecordBatch.from_arrays(
            [pa.array([pid] * len(keys), pa.int64()), pa.array(keys, pa.string()), pa.array(blobs, pa.binary())],
            names=["pid", "g", "part"],
        )

    return run


def _rank_pass2(work: Any, skip: bool, has_weight: bool, has_group: bool) -> Any:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import numpy as np
        import pyarrow as pa
        from pyspark import TaskContext

        from .summary import answer_probes

        pid = TaskContext.get().partitionId()
        mine = work.value.get(pid)
        if not mine:
            for _ in batches:  # nothing asked of this partition
                pass
            return
        v, w, g = _partition_arrays(batches, has_weight, has_group)
        ids, rows = [], []
        segs = {k: (s, e) for k, s, e in _segments(g, len(v))}
        for key, probe_ids, probes in mine:
            s, e = segs[key]
            ws = w[s:e] if w is not None else None
            ans = answer_probes(np.ascontiguousarray(v[s:e]), ws, probes, skip_missing=skip)
            ids.extend(probe_ids)
            rows.extend(ans)
        cols = [pa.array(ids, pa.int64())] + [pa.array([r[k] for r in rows], pa.float64()) for k in range(5)]
        yield pa.RecordBatch.from_arrays(cols, names=["i", "a0", "a1", "a2", "a3", "a4"])

    return run


def _pass1(data: Any, has_weight: bool, has_group: bool, skip: bool, num_partitions: Optional[int], repartition: bool) -> Tuple[Any, Dict[Optional[str], Tuple[Any, List[int]]]]:
    """Range-partitions ``data`` by ``(g, v)`` (or ``v``), sorts inside the partitions,
    persists (the caller unpersists) and runs pass 1: ``(persisted frame, {group: (RankPlan,
    partition ids in range order)})``."""
    from .summary import RankPartition, RankPlan

    nparts = num_partitions or max(1, data.rdd.getNumPartitions())
    keys = ["g", "v"] if has_group else ["v"]
    ranged = data.repartitionByRange(nparts, *keys) if repartition else data
    part = ranged.sortWithinPartitions(*keys).persist()
    try:
        part.count()  # materialise once: every pass must see the same partitions
        p1 = part.mapInArrow(_rank_pass1(skip, has_weight, has_group), "pid long, g string, part binary").collect()
        by_group: Dict[Optional[str], List[Tuple[int, Any]]] = {}
        for r in p1:
            by_group.setdefault(r["g"], []).append((r["pid"], RankPartition.from_bytes(bytes(r["part"]))))
        plans: Dict[Optional[str], Tuple[Any, List[int]]] = {}
        for k, segs in by_group.items():
            segs.sort(key=lambda t: t[0])
            plans[k] = (RankPlan([p for _, p in segs]), [pid for pid, _ in segs])
    except BaseException:
        part.unpersist()
        raise
    return part, plans


def _moments(data: Any, alphas: List[float], skip: bool, has_weight: bool, has_group: bool) -> Dict[Optional[str], Any]:
    """The moment pass: one merged :class:`~cpindex.summary.Summary` per group."""
    from .summary import Summary

    rows = data.mapInArrow(_moment_pass(alphas, skip, has_weight, has_group), "g string, summary binary").collect()
    merged: Dict[Optional[str], Summary] = {}
    for r in rows:
        s = Summary.from_bytes(bytes(r["summary"]))
        if r["g"] in merged:
            merged[r["g"]].merge(s)
        else:
            merged[r["g"]] = s
    return merged


def _select(df: Any, value: str, weight: Optional[str], by: Optional[str]) -> Any:
    from pyspark.sql import functions as F

    cols = [F.col(value).cast("double").alias("v")]
    if weight is not None:
        cols.append(F.col(weight).cast("double").alias("w"))
    if by is not None:
        cols.append(F.col(by).cast("string").alias("g"))
    return df.select(*cols)


def decomposition(
    df: Any,
    value: str,
    by: str,
    weight: Optional[str] = None,
    skip_missing: bool = False,
    num_partitions: Optional[int] = None,
) -> Dict[str, Any]:
    """Decompositions of inequality by the groups of ``df[by]`` (as text), exact and
    without collecting records: Shorrocks' GE(α) for α = 0, 1, 2 from merged moment
    summaries (one pass), and Dagum's Gini decomposition from the rank plans of each group
    and of all records (pass 1 over two range partitionings: by ``(group, value)`` and by
    value). Returns ``{"generalized_entropy": {α: {"total", "within", "between"}}, "gini":
    {"total", "within", "between_net", "transvariation", "between_gross"}, "groups": [keys
    in label order]}`` — the figures of the single-machine report (the JSON action
    ``cpindex.run("inequality", values=…, weights=…, groups=…)``, the ``cpindex inequality``
    command) on the same records, to 1e-12 relative.
    """
    _require_spark()
    from .summary import ge_decomposition, gini_decomposition

    has_weight = weight is not None
    data = _select(df, value, weight, by)
    merged = _moments(data, [2.0], skip_missing, has_weight, True)
    keys = sorted(merged, key=lambda k: (k is None, "" if k is None else k))
    label = {k: i for i, k in enumerate(keys)}
    ge = {}
    for alpha in (0.0, 1.0, 2.0):
        t, w, b = ge_decomposition([(label[k], merged[k]) for k in keys], alpha)
        ge[alpha] = {"total": t, "within": w, "between": b}
    part_g, plans_g = _pass1(data, has_weight, True, skip_missing, num_partitions, True)
    part_g.unpersist()
    part_all, plans_all = _pass1(data.drop("g"), has_weight, False, skip_missing, num_partitions, True)
    part_all.unpersist()
    t, w, nb, tv = gini_decomposition(plans_all[None][0], [(label[k], plans_g[k][0]) for k in keys])
    return {
        "generalized_entropy": ge,
        "gini": {"total": t, "within": w, "between_net": nb, "transvariation": tv, "between_gross": nb + tv},
        "groups": keys,
    }


def inequality(
    df: Any,
    value: str,
    weight: Optional[str] = None,
    by: Optional[str] = None,
    measures: Sequence[str] = ("mean", "gini", "theil_t", "median"),
    skip_missing: bool = False,
    num_partitions: Optional[int] = None,
    repartition: bool = True,
    on_error: str = "raise",
) -> Any:
    """Exact weighted distribution measures of ``df[value]`` (weights ``df[weight]``, or 1),
    per group of ``df[by]`` (as text) or overall; returns a pandas DataFrame.

    ``measures`` are names with ``:``-separated arguments: ``generalized_entropy:2``,
    ``atkinson:0.5``, ``quantile:0.9`` (type 2) or ``quantile:0.9:1``, ``lorenz:0.4``,
    ``income_share:0.9:1``, ``share_in_band:20000:60000`` (``lo <= x < hi``),
    ``share_below:15000``, and the plain names of :data:`MOMENT_MEASURES` and
    :data:`RANK_MEASURES`. Missing values (null or NaN) are an error unless
    ``skip_missing``; zero weights are left out. ``num_partitions`` sets the range
    partitioning of the rank passes (default: the DataFrame's partition count).
    ``repartition=False`` keeps the DataFrame's own partitions, which must then already be
    range-ordered by ``(by, value)`` in partition order (e.g. a table bucketed and sorted
    that way; equal values may straddle partitions) — checked, an error otherwise.

    Errors of the library in the records (a negative weight, a missing value …) surface as
    Spark task failures carrying cpindex's message. A measure undefined for a group's data
    (a zero income for the MLD, no record above q80 for the Eurostat QSR …) raises a
    cpindex exception on the driver with ``on_error="raise"`` (default); with
    ``on_error="nan"`` its cell is NaN and the message is in
    ``frame.attrs["errors"][(group, measure)]``, the other groups and measures unaffected.
    """
    if on_error not in ("raise", "nan"):
        raise ValueError(f"on_error must be 'raise' or 'nan', got {on_error!r}")
    _require_spark()
    import pandas as pd

    from ._errors import CpindexError
    from .summary import MomentMeasure as M

    parsed = [_parse(m) for m in measures]
    alphas = sorted(
        {a[0] for n, a, _ in parsed if n == "generalized_entropy" and a[0] not in (0.0, 1.0)}
        | {1.0 - a[0] for n, a, _ in parsed if n == "atkinson" and a[0] not in (0.0, 1.0)}
    )
    has_weight = weight is not None
    has_group = by is not None
    data = _select(df, value, weight, by)
    results: Dict[Optional[str], Dict[str, float]] = {}
    errors: Dict[Tuple[Optional[str], str], str] = {}

    def failed(key: Optional[str], label: str, e: Exception) -> float:
        if on_error == "raise":
            raise e
        errors[(key, label)] = str(e)
        return math.nan

    if any(n in MOMENT_MEASURES for n, _, _ in parsed):
        merged = _moments(data, alphas, skip_missing, has_weight, has_group)
        for k, s in merged.items():
            out = results.setdefault(k, {})
            for n, a, label in parsed:
                if n not in MOMENT_MEASURES:
                    continue
                try:
                    out[label] = _moment_value(s, n, a, M)
                except CpindexError as e:
                    out[label] = failed(k, label, e)

    rank = [(label, _rank_query(n, a)) for n, a, label in parsed if n in RANK_MEASURES]
    if rank:
        part, plans = _pass1(data, has_weight, has_group, skip_missing, num_partitions, repartition)
        try:
            queries = [q for _, q in rank]
            answers: Dict[Optional[str], List[Any]] = {k: [] for k in plans}
            # rounds of pass 2 (one, or two when a threshold is itself a quantile)
            for _round in range(4):
                work: Dict[int, List[Tuple[Optional[str], List[int], List[Any]]]] = {}
                all_probes: List[Tuple[Optional[str], int]] = []  # global probe id -> (group, local index)
                for k, (plan, pids) in plans.items():
                    probes = plan.next_probes(queries, answers[k])
                    per_pid: Dict[int, Tuple[List[int], List[Any]]] = {}
                    for local, pr in enumerate(probes):
                        gid = len(all_probes)
                        all_probes.append((k, local))
                        ids, lst = per_pid.setdefault(pids[pr[0]], ([], []))
                        ids.append(gid)
                        lst.append(pr)
                    for pid, (ids, lst) in per_pid.items():
                        work.setdefault(pid, []).append((k, ids, lst))
                if not all_probes:
                    break
                bc = part.sparkSession.sparkContext.broadcast(work)
                try:
                    p2 = part.mapInArrow(
                        _rank_pass2(bc, skip_missing, has_weight, has_group),
                        "i long, a0 double, a1 double, a2 double, a3 double, a4 double",
                    ).collect()
                finally:
                    bc.unpersist()
                got = {r["i"]: (r["a0"], r["a1"], r["a2"], r["a3"], r["a4"]) for r in p2}
                for gid, (k, _local) in enumerate(all_probes):
                    answers[k].append(got[gid])
            for k, (plan, _) in plans.items():
                out = results.setdefault(k, {})
                try:
                    vals = plan.finish(queries, answers[k])
                except CpindexError as e:
                    if on_error == "raise":
                        raise
                    vals = []
                    for (label, _), r in zip(rank, _finish_each(plan, queries, answers[k])):
                        vals.append(r if isinstance(r, float) else failed(k, label, r))
                for (label, _), x in zip(rank, vals):
                    out[label] = x
        finally:
            part.unpersist()

    labels = [label for _, _, label in parsed]
    index = sorted(results, key=lambda k: (k is None, "" if k is None else k))
    frame = pd.DataFrame(
        [[results[k].get(label, math.nan) for label in labels] for k in index],
        columns=labels,
        index=pd.Index(index, name=by),
    )
    frame.attrs["errors"] = errors
    return frame


def _moment_value(s: Any, n: str, a: List[float], M: Any) -> float:
    if n == "n":
        return float(s.counts()[0])
    if n == "total_weight":
        return s.measure(M.TOTAL_WEIGHT)
    if n == "total":
        return s.measure(M.TOTAL)
    if n == "min":
        return s.measure(M.MIN)
    if n == "max":
        return s.measure(M.MAX)
    if n == "mean":
        return s.mean()
    if n == "theil_t":
        return s.theil_t()
    if n == "mean_log_deviation":
        return s.mean_log_deviation()
    if n == "coefficient_of_variation":
        return s.coefficient_of_variation()
    if n == "generalized_entropy":
        return s.generalized_entropy(a[0])
    if n == "atkinson":
        return s.atkinson(a[0])
    raise AssertionError(n)


def _finish_each(plan: Any, queries: List[Any], answers: List[Any]) -> List[Any]:
    """Each query finished on its own (a float, or the exception): the answers of every
    round are the concatenation, query by query, of each query's own probes' answers, so
    replaying the rounds one query at a time splits them."""
    from ._errors import CpindexError

    own: List[List[Any]] = [[] for _ in queries]
    pos = 0
    while pos < len(answers):
        step = 0
        for i, q in enumerate(queries):
            c = len(plan.next_probes([q], own[i]))
            own[i].extend(answers[pos : pos + c])
            pos += c
            step += c
        if step == 0:
            break
    out: List[Any] = []
    for i, q in enumerate(queries):
        try:
            out.append(plan.finish([q], own[i])[0])
        except CpindexError as e:
            out.append(e)
    return out
