"""The Spark scenarios of ``voice-monitor bench`` (issue 13): the social scale export run by the
Spark engine, on ``local[2]`` (dbt-spark's ``session`` method) and on a local standalone cluster
(master + worker + Thrift server from pyspark's ``spark-class``; dbt-spark's ``thrift`` method)
with 1 and 2 cores for the Thrift server's executors, beside the DuckDB engine's ``social``
scenario. Each run's published social tables are compared with the DuckDB engine's when that
scenario ran in the same work folder (row counts and row-hash checksums).
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager

from tools.bench import data

CLUSTER_CORES = (1, 2)


@contextmanager
def _env(bench, extra: dict):
    saved = dict(bench.env)
    bench.env.update(extra)
    try:
        yield
    finally:
        bench.env.clear()
        bench.env.update(saved)


def _compare_with_duckdb(bench, scenario: str, home) -> None:
    from tools.bench.harness import SOCIAL_TABLES, compare_published_tables

    duck = bench.workdir / "homes" / "social" / "warehouse" / "voice_monitor.duckdb"
    spark = home / "warehouse" / "voice_monitor.duckdb"
    if duck.exists() and spark.exists():
        bench.extra[f"{scenario}_equals_duckdb"] = compare_published_tables(duck, spark, SOCIAL_TABLES)


def social_spark(bench) -> None:
    n = bench.sizes.posts
    bench.say(f"social_spark: {n:,} posts (one export) from an empty home, Spark engine on local[2]")
    files = data.social_files(bench.inputs, n)
    detail = {"posts": n, "file_bytes": sum(f.stat().st_size for f in files), "master": "local[2]"}
    with _env(bench, {"VOICE_MONITOR_ENGINE": "spark", "VOICE_MONITOR_SPARK_MASTER": "local[2]",
                      "VOICE_MONITOR_SPARK_METHOD": "session"}):
        for rep in range(1, bench.sizes.repeat + 1):
            home = data.fresh_home(bench.workdir / "homes" / "social_spark")
            data.link_into(files, home / "landing" / "social")
            m = bench._product_run("social_spark", rep, home, timeout=bench.sizes.social_timeout)
            m.detail.update(detail)
            bench._record(m)
    _compare_with_duckdb(bench, "social_spark", home)
    if not bench.keep_homes:
        shutil.rmtree(home, ignore_errors=True)


def social_spark_cluster(bench) -> None:
    from orchestration.spark.cluster import LocalCluster

    n = bench.sizes.posts
    files = data.social_files(bench.inputs, n)
    for cores in CLUSTER_CORES:
        scenario = f"social_spark_cluster_{cores}"
        bench.say(f"{scenario}: {n:,} posts, Spark engine on a standalone cluster (Thrift server with {cores} core(s))")
        detail = {"posts": n, "file_bytes": sum(f.stat().st_size for f in files), "cores": cores}
        for rep in range(1, bench.sizes.repeat + 1):
            home = data.fresh_home(bench.workdir / "homes" / scenario)
            data.link_into(files, home / "landing" / "social")
            spark_dir = home / "state" / "spark"
            cluster = LocalCluster(bench.workdir / "cluster" / scenario, str(spark_dir / "warehouse"),
                                   str(spark_dir / "metastore"), cores=cores)
            with cluster, _env(bench, {"VOICE_MONITOR_ENGINE": "spark", **cluster.dbt_env()}):
                m = bench._product_run(scenario, rep, home, timeout=bench.sizes.social_timeout)
            m.detail.update(detail)
            bench._record(m)
        _compare_with_duckdb(bench, scenario, home)
        if not bench.keep_homes:
            shutil.rmtree(home, ignore_errors=True)
