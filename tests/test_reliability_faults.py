"""Issue 17 with real processes and real faults: a run killed with -9 while dbt runs, and a
child of a killed run left holding the build database (item 4), a step over its time limit
(item 4), a disk that fills (RLIMIT_FSIZE on the run) and a wave without population targets
next to a valid social file (item 5). Scenarios run in order on one home."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time

import pytest

from e2e_helpers import VOICE_MONITOR, file_identity, processes_mentioning, query, run_cli, run_env, write_posts
from orchestration.paths import SEEDS_DIR, Home
from survey_factory import make_wave, write_wave

pytestmark = pytest.mark.slow


def _ok(done, code=0):
    assert done.returncode == code, f"exit {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


def _dbt_processes(home: Home) -> list[int]:
    """Live dbt processes working for this home (the launcher becomes dbt, same pid)."""
    found = []
    for pid in processes_mentioning(str(home.root)):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if any(part.endswith((b"/dbt", b"/voice-monitor-dbt")) for part in cmd[:2]):
            found.append(pid)
    return found


def _statuses(home: Home) -> dict[str, str]:
    con = __import__("duckdb").connect(str(home.work_db), read_only=True)
    try:
        return dict(con.execute("select path, status from ops.ingested_files "
                                "qualify row_number() over (partition by path order by loaded_at desc) = 1").fetchall())
    finally:
        con.close()


def _month_posts(home: Home, month: str) -> int:
    return int(query(home.published_db, "select count(*) as n from marts.fct_social_posts "
                                        "where strftime(month, '%Y-%m') = ?", [month]).n.iloc[0])


@pytest.fixture(scope="module")
def fault_home(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    home = Home.from_env(root).ensure()
    lines = (SEEDS_DIR / "population_targets.csv").read_text().splitlines()
    extra = [line.replace("2026,", f"{w},", 1) for w in (2027, 2028) for line in lines if line.startswith("2026,")]
    home.targets_override.parent.mkdir(parents=True, exist_ok=True)
    home.targets_override.write_text("\n".join(lines + extra) + "\n")          # no targets for 2031
    write_wave(make_wave(2025, 300, seed=1), home.landing_survey / "voice_monitor_2025.csv")
    write_posts(home.landing_social / "posts_2025-03.jsonl", [f"a{i}" for i in range(40)])
    _ok(run_cli(root, "run", "--quiet"))
    yield home
    for pid in _dbt_processes(home):                 # whatever a failed assertion left behind
        os.kill(pid, signal.SIGKILL)


def test_dbt_dies_with_a_killed_run_and_a_leftover_holding_the_database_is_stopped(fault_home):
    from orchestration.warehouse.children import record

    home = fault_home
    write_wave(make_wave(2026, 300, seed=2), home.landing_survey / "voice_monitor_2026.csv")
    run = subprocess.Popen([VOICE_MONITOR, "run", "--quiet"], env=run_env(home.root),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not _dbt_processes(home):
        assert run.poll() is None and time.time() < deadline, "dbt never started"
        time.sleep(0.1)
    time.sleep(1.0)
    os.kill(run.pid, signal.SIGKILL)                  # the run only, not its process group
    run.wait(timeout=30)
    deadline = time.time() + 10
    while _dbt_processes(home) and time.time() < deadline:
        time.sleep(0.1)
    assert not _dbt_processes(home), "dbt outlived the run that started it"
    # a child of a killed run that still holds the build database (as an orphaned dbt would)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('holding', flush=True); time.sleep(900)", str(home.work_db)],
        stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        record(home, holder.pid, run.pid, "dbt build")
        done = _ok(run_cli(home.root, "run", "--quiet"))
        assert f"Stopped dbt build (pid {holder.pid}) left running by an earlier run that was killed" in done.stdout
        assert holder.wait(timeout=10) == -signal.SIGKILL
        assert 2026 in set(query(home.published_db, "select wave from marts.dim_wave").wave), done.stdout[-2000:]
    finally:
        if holder.poll() is None:
            holder.kill()


def test_a_step_over_its_time_limit_is_stopped_and_its_files_set_aside(fault_home):
    home = fault_home
    before = file_identity(home.published_db)
    write_posts(home.landing_social / "posts_2025-05.jsonl", [f"c{i}" for i in range(10)],
                created_at="2025-05-10T12:00:00+02:00", collected_at="2025-06-02T06:00:00+02:00")
    started = time.monotonic()
    done = _ok(run_cli(home.root, "run", "--quiet", VOICE_MONITOR_DBT_TIME_LIMIT="0.02"), code=1)
    assert time.monotonic() - started < 240
    assert ("The step warehouse_dbt_models was stopped after its time limit of 0.02 minutes "
            "(VOICE_MONITOR_DBT_TIME_LIMIT") in done.stdout, done.stdout + done.stderr[-3000:]
    assert "Set aside as failed" in done.stdout and "landing/social/posts_2025-05.jsonl" in done.stdout
    assert not _dbt_processes(home)
    assert file_identity(home.published_db) == before
    assert _statuses(home)["landing/social/posts_2025-05.jsonl"] == "failed"
    # never stuck: the next run does not start on it again
    assert "Nothing to do" in _ok(run_cli(home.root, "run", "--quiet")).stdout


def _file_size_limit(limit: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_blames_no_file_and_the_next_run_publishes_them(fault_home):
    home = fault_home
    before = file_identity(home.published_db)
    write_wave(make_wave(2027, 300, seed=3), home.landing_survey / "voice_monitor_2027.csv")
    write_posts(home.landing_social / "posts_2025-06.jsonl", [f"d{i}" for i in range(10)],
                created_at="2025-06-10T12:00:00+02:00", collected_at="2025-07-02T06:00:00+02:00")
    # files may not grow past 2 MB: the build database (and the publish) cannot be written
    full = subprocess.run([VOICE_MONITOR, "run", "--quiet"], env=run_env(home.root), capture_output=True,
                          text=True, timeout=900, preexec_fn=_file_size_limit(2 << 20))
    _ok(full, code=1)
    assert "ran out of room to write" in full.stdout and "nothing was set aside" in full.stdout
    assert file_identity(home.published_db) == before
    statuses = _statuses(home)
    assert statuses.get("landing/survey/voice_monitor_2027.csv") != "failed"
    assert statuses.get("landing/social/posts_2025-06.jsonl") != "failed"
    done = _ok(run_cli(home.root, "run", "--quiet"))            # no --retry-failed needed
    assert 2027 in set(query(home.published_db, "select wave from marts.dim_wave").wave), done.stdout[-3000:]
    assert _month_posts(home, "2025-06") == 10


def test_a_wave_without_targets_blames_only_its_own_file(fault_home):
    home = fault_home
    write_wave(make_wave(2031, 300, seed=4), home.landing_survey / "voice_monitor_2031.csv")
    write_posts(home.landing_social / "posts_2025-07.jsonl", [f"e{i}" for i in range(10)],
                created_at="2025-07-10T12:00:00+02:00", collected_at="2025-08-02T06:00:00+02:00")
    done = _ok(run_cli(home.root, "run", "--quiet"), code=1)
    assert "Wave 2031 cannot be weighted" in done.stdout and "Traceback" not in done.stdout + done.stderr
    assert "Kept pending, built again by the next run: landing/social/posts_2025-07.jsonl" in done.stdout
    statuses = _statuses(home)
    assert statuses["landing/survey/voice_monitor_2031.csv"] == "failed"
    assert "landing/social/posts_2025-07.jsonl" not in statuses        # not failed: still pending
    done = _ok(run_cli(home.root, "run", "--quiet"))                   # no --retry-failed
    assert _month_posts(home, "2025-07") == 10
    assert _statuses(home)["landing/social/posts_2025-07.jsonl"] == "loaded"
    assert 2031 not in set(query(home.published_db, "select wave from marts.dim_wave").wave)
