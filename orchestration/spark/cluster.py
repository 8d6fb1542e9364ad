"""A local Spark standalone cluster (master, worker, Thrift server) from pyspark's own
``spark-class``: what the cluster test, the bench and ``voice-monitor spark-cluster`` use to run
the social models through dbt-spark's ``thrift`` method on one machine (docs/scale_out.md).

Everything listens on 127.0.0.1. The Thrift server is a Spark application of the cluster (its
executors run on the worker) with the warehouse's metastore and warehouse folder, so the tables
it builds are the same files the ``session`` method would write.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.spark.session import driver_memory

HOST = "127.0.0.1"


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, what: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} stopped (exit {proc.returncode}); see {log}")
        with socket.socket() as s:
            s.settimeout(1)
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(1)
    raise RuntimeError(f"{what} did not listen on {HOST}:{port} within {timeout:.0f} s; see {log}")


@dataclass
class LocalCluster:
    """Master + one worker + a Thrift server, started by ``start()``. The Thrift server's
    application gets ``cores`` cores; the worker offers twice that, so the warehouse's ingestion
    (another application of the same cluster, ``VOICE_MONITOR_SPARK_CORES_MAX``) gets as many
    while the Thrift server holds its own (a standalone cluster gives an application its cores
    for its lifetime)."""

    work_dir: Path
    warehouse: str
    metastore: str
    cores: int = 2
    worker_memory: str = "2g"
    executor_memory: str = "1g"
    # the Thrift server is the driver of the SQL the models run: it builds the broadcast side of
    # the joins, so it gets the memory the in-process session gets (Spark's default, 1g, failed
    # int_social__classified_versions at 100k posts: "Not enough memory to build and broadcast")
    driver_memory: str = field(default_factory=driver_memory)
    master_port: int = field(default_factory=free_port)
    thrift_port: int = field(default_factory=free_port)
    processes: list = field(default_factory=list)

    @property
    def master_url(self) -> str:
        return f"spark://{HOST}:{self.master_port}"

    def _env(self) -> dict:
        env = dict(os.environ)
        env.update({"SPARK_HOME": str(spark_home()), "SPARK_LOCAL_IP": HOST, "SPARK_MASTER_HOST": HOST,
                    "PYSPARK_PYTHON": sys.executable, "SPARK_LOG_DIR": str(self.work_dir / "logs"),
                    "SPARK_WORKER_DIR": str(self.work_dir / "worker")})
        return env

    def _spawn(self, name: str, args: list[str]) -> tuple[subprocess.Popen, Path]:
        log = self.work_dir / f"{name}.log"
        out = open(log, "ab")
        proc = subprocess.Popen([str(spark_home() / "bin" / "spark-class"), *args], env=self._env(),
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=self.work_dir, start_new_session=True)
        out.close()
        self.processes.append(proc)
        return proc, log

    def start(self, timeout: float = 240) -> "LocalCluster":
        self.work_dir.mkdir(parents=True, exist_ok=True)
        try:
            master, log = self._spawn("master", [
                "org.apache.spark.deploy.master.Master", "--host", HOST, "--port", str(self.master_port),
                "--webui-port", str(free_port())])
            _wait_port(self.master_port, master, "Spark master", log, timeout)
            worker_port = free_port()
            worker, log = self._spawn("worker", [
                "org.apache.spark.deploy.worker.Worker", "--host", HOST, "--port", str(worker_port),
                "--webui-port", str(free_port()), "--cores", str(2 * self.cores), "--memory", self.worker_memory,
                "--work-dir", str(self.work_dir / "worker"), self.master_url])
            _wait_port(worker_port, worker, "Spark worker", log, timeout)
            thrift, log = self._spawn("thriftserver", [
                "org.apache.spark.deploy.SparkSubmit",
                "--class", "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
                "--master", self.master_url, "--name", "voice-monitor-thrift",
                "--driver-memory", self.driver_memory,
                "--conf", f"spark.executor.memory={self.executor_memory}",
                "--conf", f"spark.cores.max={self.cores}",
                "--conf", f"spark.sql.warehouse.dir={self.warehouse}",
                "--conf", f"spark.driver.extraJavaOptions=-Dderby.system.home={self.metastore}",
                "--conf", f"spark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName={self.metastore}/metastore_db;create=true",
                "--conf", f"spark.driver.host={HOST}", "--conf", f"spark.driver.bindAddress={HOST}",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.sql.session.timeZone=UTC",
                "--conf", "spark.sql.parquet.outputTimestampType=TIMESTAMP_MICROS",
                "--conf", "spark.sql.sources.partitionOverwriteMode=dynamic",
                "--conf", "spark.sql.shuffle.partitions=8",
                "--hiveconf", f"hive.server2.thrift.port={self.thrift_port}",
                "--hiveconf", f"hive.server2.thrift.bind.host={HOST}",
                "spark-internal"])
            _wait_port(self.thrift_port, thrift, "Spark Thrift server", log, timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def dbt_env(self) -> dict:
        """The environment that points profiles.yml's ``spark`` target at this cluster."""
        return {"VOICE_MONITOR_SPARK_METHOD": "thrift", "VOICE_MONITOR_SPARK_HOST": HOST,
                "VOICE_MONITOR_SPARK_PORT": str(self.thrift_port), "VOICE_MONITOR_SPARK_MASTER": self.master_url,
                "VOICE_MONITOR_SPARK_CORES_MAX": str(self.cores),
                "VOICE_MONITOR_SPARK_WAREHOUSE": self.warehouse, "VOICE_MONITOR_SPARK_METASTORE": self.metastore}

    def stop(self) -> None:
        """Stop the Thrift server, the worker and the master (in that order), each by its own
        process group."""
        import signal

        for proc in reversed(self.processes):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        self.processes.clear()

    def __enter__(self) -> "LocalCluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
