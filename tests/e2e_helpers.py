"""Helpers for tests that run the whole pipeline in a temporary home."""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path

import duckdb

from orchestration.paths import Home


@contextmanager
def home_env(root: Path):
    """Point VOICE_MONITOR_HOME and DAGSTER_HOME at a temporary home for the duration."""
    saved = {k: os.environ.get(k) for k in ("VOICE_MONITOR_HOME", "DAGSTER_HOME", "VOICE_MONITOR_WORK_DB")}
    os.environ["VOICE_MONITOR_HOME"] = str(root)
    os.environ["DAGSTER_HOME"] = str(root / "state" / "dagster")
    try:
        yield Home.from_env(root)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def file_identity(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_ino


def query(path: Path, sql: str, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()
