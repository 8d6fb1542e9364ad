"""Settings every layer of the runtime reads, from the environment with their defaults, in one
place (docs/configuration.md lists every variable the product reads and who reads it).

The Dagster resource (orchestration.resources.WarehouseResource) takes its values from here
unless a field of the resource is set, so `dagster dev`, `voice-monitor run` and the tests
configure the warehouse the same way."""

from __future__ import annotations

import os

ENGINES = ("duckdb", "spark")
ENGINE_ENV = "VOICE_MONITOR_ENGINE"
STORAGE_VERSION_ENV = "VOICE_MONITOR_STORAGE_VERSION"
DEFAULT_STORAGE_VERSION = "v1.0.0"
MAX_BAD_ROWS_ENV = "VOICE_MONITOR_MAX_BAD_ROWS"


def positive_number(env: str, default: float, parse=float, what: str = "number", unit: str = ""):
    """A positive number from the environment variable ``env`` (``default`` when unset or empty),
    read with ``parse`` (int or float); anything else is a UserError that names the variable and
    the value: "<env>='<raw>' is not a <what>." / "…: it must be more than 0 <unit>." """
    from orchestration.errors import UserError

    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    try:
        value = parse(raw)
    except ValueError:
        raise UserError(f"{env}={raw!r} is not a {what}.") from None
    if value <= 0:
        raise UserError(f"{env}={raw!r}: it must be more than 0 {unit}.".replace(" .", "."))
    return value


class EngineError(ValueError):
    """A wrong engine setting, said in plain words."""


def engine() -> str:
    """The engine of the social models: duckdb (default) or spark (docs/scale_out.md)."""
    value = os.environ.get(ENGINE_ENV, "duckdb").strip().lower() or "duckdb"
    if value not in ENGINES:
        raise EngineError(f"{ENGINE_ENV}={value!r} is not an engine of the warehouse "
                          f"(expected one of: {', '.join(ENGINES)})")
    return value


def is_spark() -> bool:
    return engine() == "spark"


SPARK_DATA_ENV = "VOICE_MONITOR_SPARK_DATA"
SPARK_RAW_POSTS = "raw/social_posts"       # under the Spark data folder: one Parquet folder per delivery


def spark_data_dir(home) -> str:
    """Where the Python steps write data for Spark (raw rows, ops tables):
    ``$VOICE_MONITOR_SPARK_DATA``, default ``state/spark/data`` of the home. Here, not in the
    Spark domain, because the warehouse's own bookkeeping reads the raw rows too (the hold
    measure, orchestration.warehouse.holds)."""
    return os.environ.get(SPARK_DATA_ENV) or str(home.state / "spark" / "data")


def spark_raw_posts_dir(home) -> str:
    """The Spark engine's raw social rows: one Parquet folder per delivery."""
    return f"{spark_data_dir(home)}/{SPARK_RAW_POSTS}"


def storage_version() -> str:
    """DuckDB storage version of the published file (readable by DuckDB 1.x clients by default)."""
    return os.environ.get(STORAGE_VERSION_ENV) or DEFAULT_STORAGE_VERSION


def max_bad_rows() -> int:
    """Survey rows a wave may lose to bad values before the whole file is rejected (default 0)."""
    return int(os.environ.get(MAX_BAD_ROWS_ENV, "0"))
