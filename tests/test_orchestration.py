"""Event-driven orchestration (issue 4): definitions, sensors and their cursors, the dev server
end to end, readers during publishes, and kill -9 at several moments of a run."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from e2e_helpers import VOICE_MONITOR, file_identity, home_env, processes_mentioning as _processes_mentioning, query
from e2e_helpers import run_cli as _run_cli, run_env as _env
from orchestration.paths import Home
from survey_factory import make_wave, write_wave

# --- definitions and sensors (fast) -------------------------------------------------------

def test_definitions_load():
    from orchestration.definitions import defs

    jobs = {j.name for j in defs.resolve_all_job_defs()}
    assert {"ingest_survey_wave", "ingest_social_month", "build_and_publish"} <= jobs
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"raw/survey_responses", "raw/social_posts", "weights/survey_weights", "marts/mart_personas",
            "warehouse/voice_monitor"} <= keys
    checks = {c.name for c in defs.resolve_asset_graph().asset_check_keys}
    assert any(name.startswith("survey_mart_grain") for name in checks)   # dbt tests as checks
    sensors = {s.name: s for s in defs.sensors}
    assert set(sensors) >= {"survey_landing_sensor", "social_landing_sensor", "build_after_ingestion_sensor"}
    assert all(s.default_status == dg.DefaultSensorStatus.RUNNING for s in sensors.values())


def test_the_asset_graph_orders_staging_weights_marts():
    """Weighting reads the live survey rows dbt builds (stg_survey__responses) and the survey
    marts are built from the weights: two dbt steps with the weighting between them."""
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    key = dg.AssetKey.from_user_string
    assert graph.get(key("weights/survey_weights")).parent_keys == {key("staging/stg_survey__responses")}
    assert key("weights/survey_weights") in graph.get(key("intermediate/int_survey__respondents")).parent_keys
    job = defs.resolve_job_def("build_and_publish")
    steps = {n.name for n in job.graph.node_defs}
    assert {"survey_staging_dbt_models", "survey_weights", "warehouse_dbt_models"} <= steps
    staging = graph.assets_def_for_key(key("staging/stg_survey__responses"))
    assert staging.node_def.name == "survey_staging_dbt_models" and staging.keys == {key("staging/stg_survey__responses")}


def _evaluate(sensor, cursor, instance):
    from orchestration.definitions import defs

    ctx = dg.build_sensor_context(cursor=cursor, instance=instance, definitions=defs)
    return sensor(ctx)


def test_survey_sensor_runs_once_per_new_or_changed_delivery(tmp_path, monkeypatch):
    from orchestration.survey.sensors import survey_landing_sensor

    home = Home.from_env(tmp_path).ensure()
    monkeypatch.setenv("VOICE_MONITOR_HOME", str(home.root))
    instance = dg.DagsterInstance.ephemeral()
    result = _evaluate(survey_landing_sensor, None, instance)
    assert not result.run_requests
    path = write_wave(make_wave(2026, 30), home.landing_survey / "voice_monitor_2026.csv")
    result = _evaluate(survey_landing_sensor, result.cursor, instance)
    assert [r.partition_key for r in result.run_requests] == ["2026"]
    assert result.dynamic_partitions_requests[0].partition_keys == ["2026"]
    first_key = result.run_requests[0].run_key
    cursor = result.cursor
    # unchanged → nothing; a restart (a new context from the stored cursor) → nothing
    assert not _evaluate(survey_landing_sensor, cursor, instance).run_requests
    os.utime(path)   # touched, same content: no new delivery
    cursor = _evaluate(survey_landing_sensor, cursor, instance).cursor
    assert not _evaluate(survey_landing_sensor, cursor, instance).run_requests
    # changed content → a new run with a new run key
    write_wave(make_wave(2026, 31), path)
    result = _evaluate(survey_landing_sensor, cursor, instance)
    assert [r.partition_key for r in result.run_requests] == ["2026"] and result.run_requests[0].run_key != first_key
    # a newer file of another format for the same wave is the new delivery
    newer = write_wave(make_wave(2026, 32), home.landing_survey / "voice_monitor_2026.parquet")
    os.utime(newer, (time.time() + 60, time.time() + 60))
    result = _evaluate(survey_landing_sensor, result.cursor, instance)
    assert [r.partition_key for r in result.run_requests] == ["2026"]
    assert "voice_monitor_2026.parquet" in result.run_requests[0].tags["voice_monitor/file"]


def test_social_sensor_runs_per_month(tmp_path, monkeypatch):
    from orchestration.social.sensors import social_landing_sensor

    home = Home.from_env(tmp_path).ensure()
    monkeypatch.setenv("VOICE_MONITOR_HOME", str(home.root))
    instance = dg.DagsterInstance.ephemeral()
    (home.landing_social / "posts_2025-03.jsonl").write_text('{"id": "1"}\n', encoding="utf-8")
    (home.landing_social / "posts_2025-03_reexport.jsonl").write_text('{"id": "2"}\n', encoding="utf-8")
    (home.landing_social / "notes.txt").write_text("x", encoding="utf-8")
    result = _evaluate(social_landing_sensor, None, instance)
    assert [r.partition_key for r in result.run_requests] == ["2025-03"]
    assert not _evaluate(social_landing_sensor, result.cursor, instance).run_requests
    (home.landing_social / "posts_2025-04.jsonl").write_text('{"id": "3"}\n', encoding="utf-8")
    result = _evaluate(social_landing_sensor, result.cursor, instance)
    assert [r.partition_key for r in result.run_requests] == ["2025-04"]


def test_build_sensor_follows_staged_data_only(tmp_path):
    from orchestration.definitions import defs
    from orchestration.warehouse.sensors import build_after_ingestion_sensor

    with home_env(tmp_path) as home:
        home.ensure()
        instance = dg.DagsterInstance.ephemeral()
        assert not _evaluate(build_after_ingestion_sensor, None, instance).run_requests
        write_wave(make_wave(2026, 40), home.landing_survey / "voice_monitor_2026.csv")
        instance.add_dynamic_partitions("survey_waves", ["2026"])
        job = defs.resolve_job_def("ingest_survey_wave")
        assert job.execute_in_process(instance=instance, partition_key="2026").success
        # nothing published yet: the first build is a full one (every model exists afterwards)
        result = _evaluate(build_after_ingestion_sensor, None, instance)
        [request] = result.run_requests
        assert request.asset_selection is None
        assert not _evaluate(build_after_ingestion_sensor, result.cursor, instance).run_requests
        # once published (code and targets as now), a new survey delivery builds what depends on it
        from orchestration.publish.publish import _write_marker, project_code_hash
        from orchestration.survey.weighting import load_targets
        home.published_db.write_bytes(b"")
        _write_marker(home, load_targets(home.targets_override).content_hash, project_code_hash())
        write_wave(make_wave(2026, 41), home.landing_survey / "voice_monitor_2026.csv")
        assert job.execute_in_process(instance=instance, partition_key="2026").success
        result = _evaluate(build_after_ingestion_sensor, result.cursor, instance)
        [request] = result.run_requests
        selected = {k.to_user_string() for k in request.asset_selection}
        assert {"weights/survey_weights", "marts/mart_personas", "warehouse/voice_monitor"} <= selected
        assert "marts/fct_social_posts" not in selected              # social did not change
        assert not _evaluate(build_after_ingestion_sensor, result.cursor, instance).run_requests
        # a run that finds nothing new materializes nothing, so no build follows
        assert job.execute_in_process(instance=instance, partition_key="2026").success
        assert not _evaluate(build_after_ingestion_sensor, result.cursor, instance).run_requests
        # new population targets: a full rebuild, once
        home.targets_override.parent.mkdir(parents=True, exist_ok=True)
        from orchestration.paths import SEEDS_DIR
        home.targets_override.write_text((SEEDS_DIR / "population_targets.csv").read_text() + "\n")
        result = _evaluate(build_after_ingestion_sensor, result.cursor, instance)
        [request] = result.run_requests
        assert request.asset_selection is None and request.run_key.startswith("rebuild:")


# --- processes: dev server, readers, kill -9 ---------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_dev_server_processes_a_dropped_file(tmp_path):
    home = Home.from_env(tmp_path / "home").ensure()
    port = _free_port()
    log = open(tmp_path / "dev.log", "w")
    proc = subprocess.Popen([VOICE_MONITOR, "dev", "--port", str(port)], env=_env(home.root),
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(1)
        else:
            pytest.fail("the Dagster UI did not come up:\n" + (tmp_path / "dev.log").read_text()[-3000:])
        write_wave(make_wave(2026, 200), home.landing_survey / "voice_monitor_2026.csv")
        deadline = time.time() + 300
        while time.time() < deadline and not home.published_db.exists():
            time.sleep(2)
        assert home.published_db.exists(), (tmp_path / "dev.log").read_text()[-5000:]
        n = query(home.published_db, "select n from audit.survey_weighting where wave = 2026").n.iloc[0]
        assert n == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        left = _processes_mentioning(str(home.root))
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, "voice-monitor dev left processes behind after SIGTERM"


@pytest.fixture(scope="module")
def published_home(tmp_path_factory):
    root = tmp_path_factory.mktemp("orchestration")
    home = Home.from_env(root).ensure()
    for wave, ext in ((2024, ".parquet"), (2025, ".csv")):
        write_wave(make_wave(wave, 300, seed=wave), home.landing_survey / f"voice_monitor_{wave}{ext}")
    done = _run_cli(root, "run", "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    return home


_READER = r"""
import sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
con = duckdb.connect(path, read_only=True)     # held open across publishes
errors = queries = 0
import os
while not os.path.exists(stop):
    try:
        con.execute("select count(*), sum(share_pct) from marts.mart_personas").fetchall()
        queries += 1
    except Exception as exc:
        errors += 1
        print("ERROR", exc, file=sys.stderr)
    time.sleep(0.05)
print(queries, errors)
"""


@pytest.mark.slow
def test_reader_holding_the_database_sees_no_error_across_two_publishes(published_home, tmp_path):
    home = published_home
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", _READER, str(home.published_db), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1)
        for wave in (2026, 2023):
            write_wave(make_wave(wave, 250, seed=wave), home.landing_survey / f"voice_monitor_{wave}.csv")
            done = _run_cli(home.root, "run", "--quiet")
            assert done.returncode == 0, done.stdout + done.stderr
            # a new connection (a new process, as a BI tool) sees the new wave
            assert wave in set(query(home.published_db, "select wave from marts.dim_wave").wave)
    finally:
        stop.write_text("stop")
        out, err = reader.communicate(timeout=60)
    queries, errors = map(int, out.split())
    assert errors == 0, err
    assert queries > 20


def _kill_at(home: Path, point: str, mode: str = "pause", delay: float = 0.0) -> None:
    marker = home / f"fault-{point}"
    marker.unlink(missing_ok=True)
    proc = subprocess.Popen([VOICE_MONITOR, "run", "--quiet"], start_new_session=True,
                            env=_env(home, VOICE_MONITOR_FAULT_POINT=point, VOICE_MONITOR_FAULT_MARKER=str(marker),
                                     VOICE_MONITOR_FAULT_MODE=mode),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 300
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"the run ended before reaching {point}:\n{proc.stdout.read()[-4000:]}")
        if time.time() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"{point} was never reached")
        time.sleep(0.1)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.parametrize("point,mode,delay", [("ingest", "pause", 0.0), ("dbt", "mark", 4.0),
                                              ("publish", "pause", 0.0)])
def test_kill_9_leaves_old_or_new_and_the_next_run_recovers(published_home, point, mode, delay):
    home = published_home
    before = file_identity(home.published_db)
    wave = {"ingest": 2027, "dbt": 2028, "publish": 2029}[point]
    targets = home.root / "config" / "population_targets.csv"
    if not targets.exists():   # targets for the extra test waves: the 2026 shares again
        from orchestration.paths import SEEDS_DIR
        lines = (SEEDS_DIR / "population_targets.csv").read_text().splitlines()
        extra = [line.replace("2026,", f"{w},", 1) for w in (2027, 2028, 2029) for line in lines if line.startswith("2026,")]
        targets.parent.mkdir(parents=True, exist_ok=True)
        targets.write_text("\n".join(lines + extra) + "\n")
    write_wave(make_wave(wave, 150, seed=wave), home.landing_survey / f"voice_monitor_{wave}.csv")
    _kill_at(home.root, point, mode, delay)
    # old or new, never broken: the published file opens and is the old one (the swap never happened)
    assert file_identity(home.published_db) == before
    con = duckdb.connect(str(home.published_db), read_only=True)
    assert con.execute("select count(*) from marts.mart_personas").fetchall()[0][0] > 0
    con.close()
    # the next run recovers by itself: no stale lock, temp file or half-registered delivery
    done = _run_cli(home.root, "run", "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    assert wave in set(query(home.published_db, "select wave from marts.dim_wave").wave)
    assert not list(home.warehouse_dir.glob(".voice_monitor.*"))
    files = query(home.published_db, "select path, status from audit.ingested_files")
    assert (f"landing/survey/voice_monitor_{wave}.csv", "loaded") in set(map(tuple, files.values))
