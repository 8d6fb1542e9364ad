"""Which engine builds the social models, and where the Spark warehouse lives.

Every value comes from an environment variable with a default, like profiles.yml (whose
``spark`` target reads the same variables): ``export_env`` sets the paths to absolute ones under
``$VOICE_MONITOR_HOME/state/spark`` unless they are set already (a cluster's own paths).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from orchestration.paths import Home
from orchestration.settings import SPARK_RAW_POSTS, EngineError, spark_data_dir

DBT_TARGET = "spark"                     # the profiles.yml output of the social models on Spark
# fct_social_posts is copied into the build (and so the published) database up to this many rows;
# above it, it stays in the Spark warehouse as Parquet and the build database gets a view on it
FACT_COPY_LIMIT_ENV = "VOICE_MONITOR_SPARK_FACT_COPY_LIMIT"
FACT_COPY_LIMIT_DEFAULT = 5_000_000


@dataclass(frozen=True)
class SparkPaths:
    """The Spark side of a home: the warehouse (dbt's tables), the metastore (Derby, for the
    ``session`` method) and the data the Python steps write for Spark (raw rows, ops tables)."""

    root: Path
    warehouse: str
    metastore: str
    data: str

    @property
    def raw_posts(self) -> str:
        return f"{self.data}/{SPARK_RAW_POSTS}"

    @property
    def raw_malformed(self) -> str:
        return f"{self.data}/raw/social_malformed_lines"

    @property
    def ops(self) -> str:
        return f"{self.data}/ops"

    def table_dir(self, schema: str, table: str) -> str:
        """Where Spark keeps a managed table of the warehouse (``<warehouse>/<schema>.db/<table>``)."""
        return f"{self.warehouse}/{schema}.db/{table}"


def paths(home: Home) -> SparkPaths:
    root = home.state / "spark"
    return SparkPaths(
        root=root,
        warehouse=os.environ.get("VOICE_MONITOR_SPARK_WAREHOUSE") or str(root / "warehouse"),
        metastore=os.environ.get("VOICE_MONITOR_SPARK_METASTORE") or str(root / "metastore"),
        data=spark_data_dir(home),
    )


def export_env(home: Home) -> SparkPaths:
    """Absolute Spark paths for dbt (profiles.yml) and child processes."""
    p = paths(home)
    os.environ["VOICE_MONITOR_SPARK_WAREHOUSE"] = p.warehouse
    os.environ["VOICE_MONITOR_SPARK_METASTORE"] = p.metastore
    os.environ["VOICE_MONITOR_SPARK_DATA"] = p.data
    for d in (p.warehouse, p.metastore, p.data):
        if "://" not in d:
            Path(d).mkdir(parents=True, exist_ok=True)
    return p


def dbt_target() -> str:
    """The profiles.yml output the social models build with (``VOICE_MONITOR_SPARK_DBT_TARGET``,
    default ``spark``; e.g. a ``databricks`` output, docs/scale_out.md)."""
    return os.environ.get("VOICE_MONITOR_SPARK_DBT_TARGET", "").strip() or DBT_TARGET


def fact_copy_limit() -> int:
    raw = os.environ.get(FACT_COPY_LIMIT_ENV, "").strip()
    try:
        return int(raw) if raw else FACT_COPY_LIMIT_DEFAULT
    except ValueError:
        raise EngineError(f"{FACT_COPY_LIMIT_ENV}={raw!r} is not a whole number of rows") from None


def paths_from_env() -> SparkPaths:
    """The Spark paths of the home in ``VOICE_MONITOR_HOME`` (the steps run with it exported)."""
    return paths(Home.from_env())
