"""Shared by the analyst/BI tests: one sample home run once per test session, and helpers.

The BI tests (PostgreSQL and its clients, export, DuckDB 1.x, comments, docs, report) all read a
real published database. Building one takes a full pipeline run (~1 min), so it is made once
per pytest session here and reused (read-only) by every test module that asks for it. A module
that needs the BI PostgreSQL asks for ``bi_server``: one `voice-monitor serve` per module, over a
copy of that database in a home of its own.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from e2e_helpers import home_env
from orchestration.paths import PROJECT_DIR, Home

_HOME: Home | None = None


def published_home() -> Home:
    """A home with the sample landing zone run once (survey and, when present, social)."""
    global _HOME
    if _HOME is None:
        root = Path(tempfile.mkdtemp(prefix="vm_bi_"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        # the home's own key file, whatever key an earlier test module left in os.environ: the
        # CLI runs on copies of this home (cli_env) use that file too
        saved_key = os.environ.pop("VOICE_MONITOR_PSEUDONYM_KEY", None)
        try:
            with home_env(root) as home:
                from orchestration.cli import main as cli_main
                from orchestration.pipeline import run_once

                assert cli_main(["sample"]) == 0
                summary = run_once(home, say=lambda _m: None)
                assert summary.status in ("success", "rejected"), summary.reason
                assert home.published_db.exists()
        finally:
            if saved_key is not None:
                os.environ["VOICE_MONITOR_PSEUDONYM_KEY"] = saved_key
        _HOME = home
    return _HOME


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_env(home: Home) -> dict[str, str]:
    env = dict(os.environ)
    env["VOICE_MONITOR_HOME"] = str(home.root)
    env.pop("VOICE_MONITOR_PSEUDONYM_KEY", None)     # the home's key file (published_home)
    env["DAGSTER_HOME"] = str(home.root / "state" / "dagster")
    return env


def voice_monitor(*args: str) -> list[str]:
    """argv for the CLI in this interpreter (the installed script may not be on PATH)."""
    return [sys.executable, "-c", "import sys; from orchestration.cli import main; sys.exit(main(sys.argv[1:]))",
            *args]


@dataclass
class Server:
    """A running `voice-monitor serve` (its own home, port and analyst password)."""

    home: Home
    port: int
    password: str | None
    proc: subprocess.Popen
    log: Path

    @property
    def analyst_password(self) -> str:
        """The env password, else the one serve generated and keeps under state/."""
        if self.password:
            return self.password
        return (self.home.state / "postgres" / "analyst.password").read_text().strip()

    def connect(self, **kw):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user="analyst", dbname="voice_monitor",
                               password=self.analyst_password, connect_timeout=10, **kw)

    def owner(self, **kw):
        """The role the warehouse writes with (tests only: to look at what a sync left)."""
        from orchestration.bi.postgres.access import local_target
        from orchestration.bi.postgres.cluster import Layout

        return local_target(Layout.of(self.home), self.port).connect(**kw)

    def duck(self, sql: str, params=None) -> list[tuple]:
        import duckdb

        con = duckdb.connect(str(self.home.published_db), read_only=True)
        try:
            con.execute("set TimeZone = 'UTC'")
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


def home_with_published_copy(source: Home, root: Path) -> Home:
    """A fresh home holding only a copy of ``source``'s published database: what a BI test does to
    it (serve, a simulated re-publish) cannot disturb the other tests."""
    home = Home.from_env(root)
    home.warehouse_dir.mkdir(parents=True)
    shutil.copy2(source.published_db, home.published_db)
    return home


def start_server(home: Home, port: int, log: Path, password: str | None = None,
                 extra_env: dict[str, str] | None = None) -> Server:
    """`voice-monitor serve --port P` in a subprocess, waiting until it says it serves (synced)."""
    from orchestration.bi.postgres.serve import READY

    env = cli_env(home)
    env.pop("VOICE_MONITOR_ANALYST_PASSWORD", None)
    env.pop("VOICE_MONITOR_POSTGRES_URL", None)
    if password:
        env["VOICE_MONITOR_ANALYST_PASSWORD"] = password
    env.update(extra_env or {})
    out = open(log, "w")
    proc = subprocess.Popen(voice_monitor("serve", "--port", str(port)), cwd=PROJECT_DIR, env=env,
                            stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}: {log.read_text()}")
        if READY in log.read_text():
            return Server(home, port, password, proc, log)
        time.sleep(0.1)
    stop_server(proc)
    raise AssertionError(f"serve did not get ready on {port}: {log.read_text()}")


def stop_server(proc: subprocess.Popen | Server) -> None:
    """SIGTERM: serve stops the PostgreSQL it started, then exits."""
    proc = proc.proc if isinstance(proc, Server) else proc
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def bi_home() -> Home:
    return published_home()


@pytest.fixture(scope="module")
def bi_server(bi_home, tmp_path_factory) -> Server:  # noqa: F811
    """One PostgreSQL per test module: `voice-monitor serve` over a copy of the published database."""
    root = tmp_path_factory.mktemp("bi_server")
    home = home_with_published_copy(bi_home, root / "home")
    server = start_server(home, free_port(), root / "serve.log", password=secrets.token_urlsafe(16))
    yield server
    stop_server(server)
