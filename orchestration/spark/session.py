"""The SparkSession of the warehouse's own Python steps (the Spark ingestion).

Not the one dbt uses: dbt-spark opens its own (``session`` method, in the dbt process, with the
Hive metastore) or talks to a Thrift server. This one has no metastore (it writes Parquet folders
by path; the dbt run registers them as tables), so the two never contend for the metastore.
Created once per process, on first use, on ``VOICE_MONITOR_SPARK_MASTER`` (default ``local[2]``).
Everything binds to 127.0.0.1 unless ``SPARK_LOCAL_IP`` says otherwise.
"""

from __future__ import annotations

import os
import sys
import threading

_lock = threading.Lock()
_session = None


def local_ip_env() -> None:
    """Spark binds to the loopback address, not to the machine's network interface."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # executors' Python workers run the interpreter of this process (the project's venv)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)


def driver_memory() -> str:
    """``VOICE_MONITOR_SPARK_DRIVER_MEMORY`` (default 2g): the memory of every Spark driver the
    warehouse starts — this session, and the Thrift server of a local cluster (cluster.py)."""
    return os.environ.get("VOICE_MONITOR_SPARK_DRIVER_MEMORY", "2g")


def spark_session():
    global _session
    with _lock:
        if _session is None:
            local_ip_env()
            import warnings

            # pyspark 4.3 warns on import that it was not tested with pandas 3; the ingestion
            # uses Arrow batches (mapInArrow), not pandas
            warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
            from pyspark.sql import SparkSession

            builder = (SparkSession.builder.appName("voice-monitor-ingest")
                       .master(os.environ.get("VOICE_MONITOR_SPARK_MASTER", "local[2]"))
                       .config("spark.ui.enabled", "false")
                       .config("spark.ui.showConsoleProgress", "false")
                       .config("spark.driver.host", os.environ["SPARK_LOCAL_IP"])
                       .config("spark.driver.bindAddress", os.environ["SPARK_LOCAL_IP"])
                       .config("spark.driver.memory", driver_memory())
                       .config("spark.sql.session.timeZone", "UTC")
                       .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
                       .config("spark.sql.execution.arrow.maxRecordsPerBatch", "100000"))
            cores = os.environ.get("VOICE_MONITOR_SPARK_CORES_MAX", "").strip()
            if cores:                # on a cluster: this application's share of its cores
                builder = builder.config("spark.cores.max", cores)
            _session = builder.getOrCreate()
            _session.sparkContext.setLogLevel("ERROR")
        return _session


def stop() -> None:
    global _session
    with _lock:
        if _session is not None:
            _session.stop()
            _session = None
