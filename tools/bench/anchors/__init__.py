"""Handwritten anchors: the floor for this stack (no dbt, no Dagster), on the same raw files."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd


@dataclass
class AnchorResult:
    frame: pd.DataFrame
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict = field(default_factory=dict)


def connect(threads: int = 0, memory_limit: str = "") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB session for an anchor (DuckDB's defaults unless told otherwise)."""
    con = duckdb.connect()
    if threads:
        con.execute(f"set threads = {int(threads)}")
    if memory_limit:
        con.execute(f"set memory_limit = '{memory_limit}'")
    return con
