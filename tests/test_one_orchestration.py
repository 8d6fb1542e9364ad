"""One orchestration (issue 16 item 5): ``voice-monitor run`` and the sensors decide "what changed"
with one function, and every run, CLI or sensor, is recorded in the home's persistent Dagster
instance (what ``voice-monitor dev`` shows).

The scenario of the issue, in order on one sample home: ``voice-monitor run`` (``make demo``), then
the sensors as ``voice-monitor dev`` would evaluate them, then a new export picked up by a sensor,
then ``voice-monitor run`` again."""

from __future__ import annotations

import json
import re
import subprocess

import dagster as dg
import pytest

from e2e_helpers import VOICE_MONITOR, home_env, query, run_cli
from orchestration.paths import Home

TRIGGER = "voice_monitor/trigger"
NEW_EXPORT = "posts_2026-01.jsonl"
NEW_POSTS = [  # three distinct Dutch posts of January 2026, nobody's personal data
    "De chatbot van de bank begreep mijn vraag over een nieuwe pas helemaal niet.",
    "Na drie kwartier wachten kreeg ik eindelijk een medewerker van de energieleverancier aan de lijn.",
    "De spraakassistent zette mijn verzoek om de bezorging te verplaatsen keurig door, dat ging snel.",
]


def _sensors():
    from orchestration.social.sensors import social_landing_sensor
    from orchestration.survey.sensors import survey_landing_sensor
    from orchestration.warehouse.sensors import build_after_ingestion_sensor

    return survey_landing_sensor, social_landing_sensor, build_after_ingestion_sensor


def _evaluate(sensor, cursor, instance):
    from orchestration.definitions import defs

    return sensor(dg.build_sensor_context(cursor=cursor, instance=instance, definitions=defs))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """``voice-monitor sample`` and ``voice-monitor run`` on a fresh home (what ``make demo`` does)."""
    root = tmp_path_factory.mktemp("one_orchestration")
    assert subprocess.run([VOICE_MONITOR, "--home", str(root), "sample"], capture_output=True).returncode == 0
    run = run_cli(root, "run", "--quiet")
    assert run.returncode == 0, run.stdout + run.stderr
    build_run = re.search(r"— run ([0-9a-f-]{36})\.", run.stdout).group(1)
    return {"home": Home.from_env(root), "build_run": build_run}


@pytest.mark.slow
def test_after_a_cli_run_the_sensors_ask_for_nothing(demo):
    """The issue's report: after ``make demo``, ``voice-monitor dev`` queued 14 runs re-reading
    every landed file. The sensors, evaluated as the daemon does on the home's instance, find
    nothing to ingest and nothing to build."""
    with home_env(demo["home"].root), dg.DagsterInstance.get() as instance:
        for sensor in _sensors():
            result = _evaluate(sensor, None, instance)
            assert not result.run_requests, (sensor.name, result.run_requests)


@pytest.mark.slow
def test_a_cli_run_is_in_the_home_instance_with_its_steps(demo):
    """``voice-monitor dev`` shows the runs of its DAGSTER_HOME: the CLI's are there, tagged, with
    their steps and checks."""
    home = demo["home"]
    with home_env(home.root), dg.DagsterInstance.get() as instance:
        assert instance.root_directory == str(home.dagster_home)
        records = instance.get_run_records(filters=dg.RunsFilter(tags={TRIGGER: "cli"}))
        runs = {r.dagster_run.job_name: r.dagster_run for r in records}
        assert set(runs) == {"ingest_survey_wave", "ingest_social_month", "build_and_publish"}
        assert all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs.values())
        assert runs["build_and_publish"].run_id == demo["build_run"]      # the run the CLI's summary names
        steps = {e.step_key for e in instance.all_logs(demo["build_run"], of_type=dg.DagsterEventType.STEP_SUCCESS)}
        assert {"survey_weights", "warehouse_dbt_models", "warehouse__voice_monitor"} <= steps
        checks = instance.all_logs(demo["build_run"], of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        assert len(checks) > 50                                           # dbt tests and quality checks
        # the ingestion runs ran over the partitions the CLI loaded, added to the instance
        assert instance.get_dynamic_partitions("survey_waves") == ["2023", "2024", "2025", "2026"]


@pytest.mark.slow
def test_a_file_added_later_is_picked_up_by_its_sensor_then_the_cli_does_nothing_twice(demo):
    """A new export: the social sensor asks for exactly its month; the run it launches stages it;
    the build sensor asks for a build; ``voice-monitor run`` then builds without reading the file
    again, and afterwards no sensor asks for anything."""
    from orchestration.definitions import defs

    home, cursors = demo["home"], {}
    before = query(home.published_db, "select lines_read, published_posts from audit.social_load_totals").iloc[0]
    lines = [{"id": f"9100{i}", "platform": "reddit", "created_at": f"2026-01-1{i}T10:00:00Z",
              "collected_at": "2026-02-01T09:00:00Z", "author": f"tester_{i}", "title": None, "text": text,
              "rating": None, "company": None, "url": None} for i, text in enumerate(NEW_POSTS)]
    (home.landing_social / NEW_EXPORT).write_text("".join(json.dumps(p) + "\n" for p in lines), encoding="utf-8")
    survey, social, build = _sensors()
    with home_env(home.root), dg.DagsterInstance.get() as instance:
        for sensor in (survey, build):          # a daemon started after the CLI run
            first = _evaluate(sensor, None, instance)
            assert not first.run_requests, sensor.name
            cursors[sensor.name] = first.cursor
        result = _evaluate(social, None, instance)
        [request] = result.run_requests
        assert request.partition_key == "2026-01"
        assert not _evaluate(social, result.cursor, instance).run_requests        # asked for once
        # the run the daemon would launch for it
        instance.add_dynamic_partitions("social_months", ["2026-01"])
        ingested = defs.resolve_job_def("ingest_social_month").execute_in_process(
            instance=instance, partition_key=request.partition_key, tags=request.tags)
        assert ingested.success
        assert not _evaluate(social, result.cursor, instance).run_requests
        [build_request] = _evaluate(build, cursors[build.name], instance).run_requests
        selected = {k.to_user_string() for k in build_request.asset_selection}
        assert "marts/fct_social_posts" in selected and "weights/survey_weights" not in selected
        cursors[social.name] = result.cursor

    run = run_cli(home.root, "run", "--quiet")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "New or changed" not in run.stdout                  # nothing to ingest: the sensor's run did it
    after = query(home.published_db, "select lines_read, published_posts from audit.social_load_totals").iloc[0]
    assert after.lines_read - before.lines_read == len(NEW_POSTS)
    assert after.published_posts - before.published_posts == len(NEW_POSTS)
    with home_env(home.root), dg.DagsterInstance.get() as instance:
        social_runs = instance.get_run_records(filters=dg.RunsFilter(
            job_name="ingest_social_month", tags={"dagster/partition": "2026-01"}))
        assert [r.dagster_run.tags[TRIGGER] for r in social_runs] == ["sensor"]     # read once, by the sensor
        cli_builds = instance.get_run_records(filters=dg.RunsFilter(job_name="build_and_publish", tags={TRIGGER: "cli"}))
        assert len(cli_builds) == 2
        for sensor in (survey, social, build):
            assert not _evaluate(sensor, cursors[sensor.name], instance).run_requests, sensor.name
            assert not _evaluate(sensor, None, instance).run_requests, sensor.name   # nor a fresh daemon


@pytest.mark.slow
def test_a_cli_run_with_nothing_to_do_does_not_start_dagster(demo):
    """The no-op fast path stays: nothing new means no Dagster run recorded."""
    home = demo["home"]
    with home_env(home.root), dg.DagsterInstance.get() as instance:
        count = len(instance.get_run_records())
    run = run_cli(home.root, "run", "--quiet")
    assert run.returncode == 0 and run.stdout.startswith("Nothing to do"), run.stdout
    with home_env(home.root), dg.DagsterInstance.get() as instance:
        assert len(instance.get_run_records()) == count


# --- the parts (fast) ----------------------------------------------------------------------------

def test_cli_partitions_run_in_ranges_the_instance_knows():
    """A range runs over the instance's keys in the order they were added: keys added out of order
    by earlier runs split the CLI's partitions into ranges of adjacent keys, never more."""
    from orchestration.pipeline import _partition_runs

    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions("survey_waves", ["2024", "2026", "2023"])
        runs = _partition_runs(instance, "survey_waves", ["2023", "2024", "2025", "2026"])
        assert [keys for keys, _ in runs] == [["2024", "2026", "2023", "2025"]]
        assert instance.get_dynamic_partitions("survey_waves") == ["2024", "2026", "2023", "2025"]
        runs = _partition_runs(instance, "survey_waves", ["2024", "2023"])
        assert [keys for keys, _ in runs] == [["2024"], ["2023"]]
        assert [arguments for _, arguments in runs] == [{"partition_key": "2024"}, {"partition_key": "2023"}]


def test_a_killed_cli_run_is_marked_failed_once_nobody_writes(tmp_path):
    """A CLI run killed with -9 stays "started" in the instance (and the daemon's queue of one run
    at a time would wait for it for ever): with the writer lock free it is marked failed; while a
    process holds the lock (a live run) it is left alone."""
    import sys
    import time

    from orchestration.warehouse.dagster_runs import writer_free

    home = Home.from_env(tmp_path).ensure()
    with dg.DagsterInstance.ephemeral() as instance:
        for run_id, trigger in (("a" * 8 + "-0000-4000-8000-000000000001", "cli"),
                                ("b" * 8 + "-0000-4000-8000-000000000002", "sensor")):
            instance.add_run(dg.DagsterRun(job_name="build_and_publish", run_id=run_id,
                                           status=dg.DagsterRunStatus.STARTED, tags={TRIGGER: trigger}))
        holder = subprocess.Popen([sys.executable, "-c", (
            "import sys, time; from orchestration.paths import Home; "
            "from orchestration.warehouse.locking import writer_lock\n"
            f"with writer_lock(Home.from_env({str(tmp_path)!r})):\n"
            "    print('held', flush=True); time.sleep(60)")], stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "held"
            assert not writer_free(home, instance)
            assert instance.get_run_by_id("a" * 8 + "-0000-4000-8000-000000000001").status == dg.DagsterRunStatus.STARTED
        finally:
            holder.kill()
            holder.wait()
        time.sleep(0.1)
        assert writer_free(home, instance)
        assert instance.get_run_by_id("a" * 8 + "-0000-4000-8000-000000000001").status == dg.DagsterRunStatus.FAILURE
        # a sensor's run is the daemon's to watch
        assert instance.get_run_by_id("b" * 8 + "-0000-4000-8000-000000000002").status == dg.DagsterRunStatus.STARTED


def test_the_sensors_do_not_decide_while_a_run_writes(tmp_path):
    """While a run holds the writer lock the copy of the bookkeeping is about to change: the
    landing sensors wait (no request, cursor kept) and ask once the lock is free."""
    from survey_factory import make_wave, write_wave

    from orchestration.survey.sensors import survey_landing_sensor
    from orchestration.warehouse.locking import writer_lock

    with home_env(tmp_path) as home, dg.DagsterInstance.ephemeral() as instance:
        home.ensure()
        write_wave(make_wave(2026, 30), home.landing_survey / "voice_monitor_2026.csv")
        with writer_lock(home):
            result = _evaluate(survey_landing_sensor, None, instance)
        assert not result.run_requests and "writing" in result.skip_reason.skip_message
        assert [r.partition_key for r in _evaluate(survey_landing_sensor, result.cursor, instance).run_requests] \
            == ["2026"]
