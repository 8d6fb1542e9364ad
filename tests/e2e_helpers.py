"""Helpers for tests that run the whole pipeline in a temporary home."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
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


VOICE_MONITOR = str(Path(sys.executable).parent / "voice-monitor")


def run_env(home: Path, **extra) -> dict:
    """The environment of a CLI run in ``home`` (extra variables set, None ones removed)."""
    env = dict(os.environ, VOICE_MONITOR_HOME=str(home), DAGSTER_HOME=str(home / "state" / "dagster"))
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_cli(home: Path, *args, **env) -> subprocess.CompletedProcess:
    return subprocess.run([VOICE_MONITOR, *args], env=run_env(home, **env), capture_output=True, text=True,
                          timeout=900)


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line or environment names ``text`` (e.g. the test's home)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            blob = (entry / "cmdline").read_bytes() + (entry / "environ").read_bytes()
            state = (entry / "stat").read_bytes()
        except OSError:
            continue
        if text.encode() in blob and state[state.rfind(b")") + 2:][:1] not in (b"Z", b"X"):
            found.append(int(entry.name))
    return found


DUTCH_TEXT = "De chatbot begrijpt mijn vraag niet en ik kan geen medewerker bereiken, dus ik bel maar weer."


def write_posts(path: Path, ids, created_at: str = "2025-03-10T12:00:00+01:00",
                collected_at: str = "2025-04-02T06:00:00+02:00") -> Path:
    """A social export of Dutch posts, one per id (authors are personal data: pseudonymised)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"id": str(i), "platform": "reddit", "created_at": created_at, "collected_at": collected_at,
                         "author": f"auteur_{i}", "text": f"{DUTCH_TEXT} (bericht {i})"}) for i in ids]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def published_tables(path: Path, skip=("audit.publish_info", "audit.quality_results")) -> dict[str, list]:
    """Every published table's rows, sorted, by schema.table (the ones that differ per publish left out)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [f"{s}.{t}" for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() order by 1, 2").fetchall()]
        return {n: con.execute(f"select * from {n} order by all").fetchall() for n in names if n not in skip}
    finally:
        con.close()
