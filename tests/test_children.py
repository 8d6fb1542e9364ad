"""Stopping dbt (orchestration.warehouse.children) must leave its exit status to the code that
started it: a dbt killed by a time limit has to look killed, never successful."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from orchestration.paths import Home
from orchestration.warehouse.children import record, stop_children


def test_a_stopped_child_reports_that_it_was_killed_to_its_popen(tmp_path):
    home = Home.from_env(tmp_path).ensure()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    try:
        record(home, child.pid, os.getpid(), "dbt build")
        assert stop_children(home) == [child.pid]
        # subprocess turns a status someone else reaped into exit code 0: dagster-dbt would then
        # take the killed dbt for a successful build
        assert child.wait(timeout=10) == -signal.SIGKILL
        assert not list(home.children.glob("*.json"))
    finally:
        if child.poll() is None:
            child.kill()
