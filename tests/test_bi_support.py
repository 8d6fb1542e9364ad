"""Shared by the analyst/BI tests: one sample home run once per test session, and helpers.

The BI tests (pgwire, export, DuckDB 1.x, comments, docs, report) all read a real published
database. Building one takes a full pipeline run (~1 min), so it is made once per pytest
session here and reused (read-only) by every test module that asks for it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
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
        with home_env(root) as home:
            from orchestration.cli import main as cli_main
            from orchestration.pipeline import run_once

            assert cli_main(["sample"]) == 0
            summary = run_once(home, say=lambda _m: None)
            assert summary.status in ("success", "rejected"), summary.reason
            assert home.published_db.exists()
        _HOME = home
    return _HOME


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_env(home: Home) -> dict[str, str]:
    env = dict(os.environ)
    env["VOICE_MONITOR_HOME"] = str(home.root)
    env["DAGSTER_HOME"] = str(home.root / "state" / "dagster")
    return env


def voice_monitor(*args: str) -> list[str]:
    """argv for the CLI in this interpreter (the installed script may not be on PATH)."""
    return [sys.executable, "-c", "import sys; from orchestration.cli import main; sys.exit(main(sys.argv[1:]))",
            *args]


def start_server(home: Home, port: int, log: Path) -> subprocess.Popen:
    """`voice-monitor serve --port P` in a subprocess, waiting until it accepts connections."""
    out = open(log, "w")
    proc = subprocess.Popen(voice_monitor("serve", "--port", str(port)), cwd=PROJECT_DIR, env=cli_env(home),
                            stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}: {log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"serve did not listen on {port}: {log.read_text()}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def bi_home() -> Home:
    return published_home()
