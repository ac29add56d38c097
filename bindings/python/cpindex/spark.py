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
  ``n``): one pass; each partition returns one serialised :class:`~cpindex.summary.Summary`
  per group (a few hundred bytes), merged on the driver;
* **rank measures** (``gini``, ``gini_corrected``, ``median``, ``quantile:p[:type]``,
  ``lorenz:p``, ``income_share:p1:p2``, ``palma_ratio``, ``quintile_share_ratio``,
  ``share_in_band:lo:hi``, ``share_below:t``): the data are range-partitioned by
  ``(group, value)`` and sorted inside each partition, persisted, then two passes — pass 1
  returns a :class:`~cpindex.summary.RankPartition` per (partition, group) segment, the
  driver plans, pass 2 answers a few probes in the partitions that hold them. No record is
  collected to the driver.

pyspark (and pyarrow) are needed only when these functions run: ``import cpindex`` and
``import cpindex.spark`` work without them. The workers must be able to import
``cpindex`` and load ``libcpindex`` (set ``CPINDEX_LIBRARY`` in the executor environment,
e.g. ``spark.executorEnv.CPINDEX_LIBRARY``, or install the wheel on every node).
"""

from __future__ import annotations

import math
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

__all__ = ["inequality", "MOMENT_MEASURES", "RANK_MEASURES"]

#: Measure names computed from merged moment summaries (one pass).
MOMENT_MEASURES = (
    "n",
    "total_weight",
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
    "quintile_share_ratio",
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


def _rank_query(name: str, args: List[float]) -> Tuple[int, float, float]:
    from .summary import RankQuery as Q

    if name == "gini":
        return (Q.GINI, 0.0, 0.0)
    if name == "gini_corrected":
        return (Q.GINI_CORRECTED, 0.0, 0.0)
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
    if name == "palma_ratio":
        return (Q.PALMA, 0.0, 0.0)
    if name == "quintile_share_ratio":
        return (Q.S80S20, 0.0, 0.0)
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


def inequality(
    df: Any,
    value: str,
    weight: Optional[str] = None,
    by: Optional[str] = None,
    measures: Sequence[str] = ("mean", "gini", "theil_t", "median"),
    skip_missing: bool = False,
    num_partitions: Optional[int] = None,
    repartition: bool = True,
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

    Errors of the library (a negative weight, a zero income for the MLD …) surface as
    Spark task failures carrying cpindex's message, or as cpindex exceptions on the driver.
    """
    _require_spark()
    import pandas as pd
    from pyspark.sql import functions as F

    from .summary import MomentMeasure as M
    from .summary import RankPartition, RankPlan, Summary, ge_decomposition  # noqa: F401

    parsed = [_parse(m) for m in measures]
    alphas = sorted(
        {a[0] for n, a, _ in parsed if n == "generalized_entropy" and a[0] not in (0.0, 1.0)}
        | {1.0 - a[0] for n, a, _ in parsed if n == "atkinson" and a[0] not in (0.0, 1.0)}
    )
    has_weight = weight is not None
    has_group = by is not None
    cols = [F.col(value).cast("double").alias("v")]
    if has_weight:
        cols.append(F.col(weight).cast("double").alias("w"))
    if has_group:
        cols.append(F.col(by).cast("string").alias("g"))
    data = df.select(*cols)
    results: Dict[Optional[str], Dict[str, float]] = {}

    if any(n in MOMENT_MEASURES for n, _, _ in parsed):
        rows = data.mapInArrow(_moment_pass(alphas, skip_missing, has_weight, has_group), "g string, summary binary").collect()
        merged: Dict[Optional[str], Summary] = {}
        for r in rows:
            s = Summary.from_bytes(bytes(r["summary"]))
            if r["g"] in merged:
                merged[r["g"]].merge(s)
            else:
                merged[r["g"]] = s
        for k, s in merged.items():
            out = results.setdefault(k, {})
            for n, a, label in parsed:
                if n == "n":
                    out[label] = float(s.counts()[0])
                elif n == "total_weight":
                    out[label] = s.measure(M.TOTAL_WEIGHT)
                elif n == "mean":
                    out[label] = s.mean()
                elif n == "theil_t":
                    out[label] = s.theil_t()
                elif n == "mean_log_deviation":
                    out[label] = s.mean_log_deviation()
                elif n == "coefficient_of_variation":
                    out[label] = s.coefficient_of_variation()
                elif n == "generalized_entropy":
                    out[label] = s.generalized_entropy(a[0])
                elif n == "atkinson":
                    out[label] = s.atkinson(a[0])

    rank = [(label, _rank_query(n, a)) for n, a, label in parsed if n in RANK_MEASURES]
    if rank:
        nparts = num_partitions or max(1, data.rdd.getNumPartitions())
        keys = ["g", "v"] if has_group else ["v"]
        ranged = data.repartitionByRange(nparts, *keys) if repartition else data
        part = ranged.sortWithinPartitions(*keys).persist()
        try:
            part.count()  # materialise once: both passes must see the same partitions
            p1 = part.mapInArrow(_rank_pass1(skip_missing, has_weight, has_group), "pid long, g string, part binary").collect()
            by_group: Dict[Optional[str], List[Tuple[int, Any]]] = {}
            for r in p1:
                by_group.setdefault(r["g"], []).append((r["pid"], RankPartition.from_bytes(bytes(r["part"]))))
            queries = [q for _, q in rank]
            plans = {}
            work: Dict[int, List[Tuple[Optional[str], List[int], List[Any]]]] = {}
            all_probes: List[Tuple[Optional[str], int]] = []  # global probe id -> (group, local index)
            for k, segs in by_group.items():
                segs.sort(key=lambda t: t[0])
                plan = RankPlan([p for _, p in segs])
                plans[k] = (plan, [pid for pid, _ in segs])
                probes = plan.probes(queries)
                per_pid: Dict[int, Tuple[List[int], List[Any]]] = {}
                for local, pr in enumerate(probes):
                    pid = segs[pr[0]][0]
                    gid = len(all_probes)
                    all_probes.append((k, local))
                    ids, lst = per_pid.setdefault(pid, ([], []))
                    ids.append(gid)
                    lst.append(pr)
                for pid, (ids, lst) in per_pid.items():
                    work.setdefault(pid, []).append((k, ids, lst))
            answers: Dict[int, Tuple[float, ...]] = {}
            if all_probes:
                bc = part.sparkSession.sparkContext.broadcast(work)
                try:
                    p2 = part.mapInArrow(
                        _rank_pass2(bc, skip_missing, has_weight, has_group),
                        "i long, a0 double, a1 double, a2 double, a3 double, a4 double",
                    ).collect()
                finally:
                    bc.unpersist()
                for r in p2:
                    answers[r["i"]] = (r["a0"], r["a1"], r["a2"], r["a3"], r["a4"])
            per_group_answers: Dict[Optional[str], List[Any]] = {}
            for gid, (k, _local) in enumerate(all_probes):
                per_group_answers.setdefault(k, []).append(answers[gid])
            for k, (plan, _) in plans.items():
                vals = plan.finish(queries, per_group_answers.get(k, []))
                out = results.setdefault(k, {})
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
    return frame
