"""Benchmark (not a test, not in CI): cpindex on Spark vs Spark's percentile_approx and vs
collecting the records to one process, on records generated inside Spark (local[2]).

    CPINDEX_LIBRARY=target/release/libcpindex.so PYTHONPATH=bindings/python \
        python3 benches/spark/bench_spark.py MODE N [PARTITIONS]

MODE is one of
  cpindex      cpindex.spark.inequality(gini, median, theil_t) by nothing (one group)
  cpindex_by   the same per county (90 groups)
  approx       percentile_approx(income, 0.5) (Greenwald-Khanna, accuracy 10000) + a Spark
               weighted mean, as the closest Spark-only figure
  collect      toPandas() of (income, weight) to the driver, then cpindex.Distribution
  library      no Spark: the library's per-record cost of pass 1 (RankPartition) and of a
               Summary on 10^6 records in this process (the per-partition cost)
Each mode runs in its own process so that the driver's peak RSS (ru_maxrss) is that mode's.
Prints one line: mode, n, partitions, wall seconds (after the data are cached), driver
peak RSS MB, JVM heap used MB, the results.
"""

import os
import resource
import sys
import time


def main() -> None:
    mode, n = sys.argv[1], int(float(sys.argv[2]))
    parts = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    import numpy as np

    if mode == "library":
        from cpindex.summary import RankPartition, Summary

        rng = np.random.default_rng(1)
        v = np.round(np.exp(10 + 0.7 * rng.standard_normal(n)) / 10) * 10
        w = 0.5 + 3 * rng.random(n)
        v.sort()
        for label, f in [
            ("rank_partition", lambda: RankPartition(v, w)),
            ("summary(alpha=2)", lambda: Summary(v, w, [2.0])),
        ]:
            best = min(_timed(f) for _ in range(3))
            print(f"library {label} n={n}: {best:.3f} s = {best / n * 1e9:.1f} ns/record", flush=True)
        return

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("cpindex-bench")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", os.environ.get("DRIVER_MEMORY", "6g"))
        .config("spark.sql.shuffle.partitions", str(parts))
        # toPandas through Arrow (the fast path); without it `collect` pickles one Row per record
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.local.dir", os.environ.get("SPARK_LOCAL_DIR", "/tmp"))
        # collect of 10^8 (income, weight) is 1.6 GB of results: over Spark's default 1g limit
        .config("spark.driver.maxResultSize", os.environ.get("MAX_RESULT_SIZE", "1g"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    df = (
        spark.range(0, n, numPartitions=parts)
        .select(
            (F.round(F.exp(F.lit(10.0) + F.lit(0.7) * F.randn(7)) / 10) * 10).alias("income"),
            (F.lit(0.5) + F.lit(3.0) * F.rand(11)).alias("weight"),
            (F.col("id") % 90).cast("string").alias("county"),
        )
        .persist()
    )
    df.count()
    t0 = time.perf_counter()
    if mode in ("cpindex", "cpindex_by"):
        import cpindex.spark

        by = "county" if mode == "cpindex_by" else None
        res = cpindex.spark.inequality(
            df, value="income", weight="weight", by=by, measures=["gini", "median", "theil_t"], num_partitions=parts
        )
        out = res.iloc[0].to_dict() if by is None else f"{len(res)} groups, first {res.iloc[0].to_dict()}"
    elif mode == "approx":
        r = df.agg(
            F.percentile_approx("income", 0.5, 10000).alias("median"),
            (F.sum(F.col("income") * F.col("weight")) / F.sum("weight")).alias("mean"),
        ).collect()[0]
        out = r.asDict()
    elif mode == "collect":
        import cpindex

        pdf = df.select("income", "weight").toPandas()
        d = cpindex.Distribution(pdf["income"].to_numpy(), pdf["weight"].to_numpy())
        out = {"gini": d.gini(), "median": d.median(), "theil_t": d.theil_t()}
    else:
        raise SystemExit(f"unknown mode {mode}")
    wall = time.perf_counter() - t0
    rt = spark.sparkContext._jvm.java.lang.Runtime.getRuntime()
    heap = (rt.totalMemory() - rt.freeMemory()) / 2**20
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{mode} n={n:.0e} partitions={parts} wall={wall:.1f}s driver_python_peak_rss={rss:.0f}MB jvm_heap_used={heap:.0f}MB {out}", flush=True)
    spark.stop()


def _timed(f) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
