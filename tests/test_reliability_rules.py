"""Issue 17, the rules under the reliability scenarios, without whole pipeline runs: the
targets file's plain-words errors (item 9), the CLI never showing a traceback for them, which
deliveries a failure blames (item 5), the change guard's suite (item 2), file modes (item 1) and
the time limits' settings (item 4)."""

from __future__ import annotations

import errno
import os
import stat
import subprocess

import duckdb
import pandas as pd
import pytest

from e2e_helpers import run_cli
from orchestration.errors import UserError
from orchestration.paths import SEEDS_DIR, Home
from orchestration.survey.weighting import WeightingError, load_targets

SEED_LINES = (SEEDS_DIR / "population_targets.csv").read_text(encoding="utf-8").splitlines()


def _targets(tmp_path, lines) -> "os.PathLike":
    path = tmp_path / "population_targets.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- item 9: the targets file ------------------------------------------------------------------

def test_duplicate_category_row_is_rejected_with_file_and_lines(tmp_path):
    repeat = next(i for i, line in enumerate(SEED_LINES) if line.startswith("2026,REGIO,2,"))
    lines = SEED_LINES + [SEED_LINES[repeat]]
    path = _targets(tmp_path, lines)
    with pytest.raises(WeightingError) as caught:
        load_targets(path)
    text = str(caught.value)
    assert str(path) in text
    assert f"line {len(lines)}: wave 2026, REGIO code 2 is given twice (first on line {repeat + 1})" in text


def test_shares_typed_as_percentages_are_named_as_such(tmp_path):
    lines = [SEED_LINES[0]]
    for line in SEED_LINES[1:]:
        wave, variable, code, category, share = line.split(",")
        if wave == "2026" and variable == "OPLEIDING":
            share = f"{float(share) * 100:g}"                     # the whole margin in percent
        if wave == "2025" and variable == "REGIO" and code == "3":
            share = f"{float(share) * 100:g}"                     # one share in percent
        lines.append(",".join([wave, variable, code, category, share]))
    path = _targets(tmp_path, lines)
    with pytest.raises(WeightingError) as caught:
        load_targets(path)
    text = str(caught.value)
    opleiding = [i + 1 for i, line in enumerate(lines) if line.startswith("2026,OPLEIDING,")]
    regio = next(i + 1 for i, line in enumerate(lines) if line.startswith("2025,REGIO,3,"))
    assert f"lines {opleiding[0]}-{opleiding[-1]}: the shares of wave 2026, OPLEIDING sum to 100" in text
    assert "look like percentages" in text
    assert f"line {regio}: the share" in text and "is above 1: it looks like a percentage" in text
    assert "too far from the population" not in text


def test_the_bundled_targets_still_load():
    targets = load_targets()
    assert set(targets.shares) >= {2023, 2024, 2025, 2026}


def test_cli_prints_user_errors_without_a_traceback(tmp_path):
    home = Home.from_env(tmp_path / "home").ensure()
    home.targets_override.parent.mkdir(parents=True, exist_ok=True)
    home.targets_override.write_text("\n".join(SEED_LINES + [SEED_LINES[1]]) + "\n", encoding="utf-8")
    done = run_cli(home.root, "run", "--quiet")
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "population_targets.csv cannot be used as population targets" in done.stderr
    assert "is given twice" in done.stderr
    home.targets_override.unlink()
    done = run_cli(home.root, "run", "--accept", "landing/social/posts_2025-03.jsonl")
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert "No delivery comes from landing/social/posts_2025-03.jsonl" in done.stderr
    done = run_cli(home.root, "rebuild")
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert "There is no archive manifest" in done.stderr
    done = run_cli(home.root, "run", "--quiet", VOICE_MONITOR_DBT_TIME_LIMIT="soon")
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert "VOICE_MONITOR_DBT_TIME_LIMIT='soon' is not a number of minutes" in done.stderr


def test_a_bug_still_shows_its_traceback(tmp_path):
    code = ("import sys; from orchestration import cli\n"
            "def boom(args): raise ZeroDivisionError('a bug')\n"
            "cli.cmd_sample = boom\n"
            "sys.exit(cli.main(['--home', sys.argv[1], 'sample']))")
    done = subprocess.run([os.sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert done.returncode != 0 and "Traceback" in done.stderr and "ZeroDivisionError: a bug" in done.stderr


# --- item 5: blame the right file --------------------------------------------------------------

def _pending_home(tmp_path):
    """A build database with a pending survey wave and a pending social export."""
    from orchestration.warehouse import state

    home = Home.from_env(tmp_path).ensure()
    con = state.connect(home)
    for kind, key, path in (("survey", "2031", "landing/survey/voice_monitor_2031.csv"),
                            ("social", "landing/social/posts_2025-07.jsonl", "landing/social/posts_2025-07.jsonl")):
        state.stage_delivery(con, kind, key, key if kind == "survey" else "2025-07", path, f"hash-{kind}", "run-1")
    return home, con


def test_a_wave_that_cannot_be_weighted_blames_only_its_delivery(tmp_path):
    from orchestration.warehouse import blame, state

    home, con = _pending_home(tmp_path)
    failure = blame.Failure("survey_weights", "WeightingError: Wave 2031 cannot be weighted: "
                            "seeds/population_targets.csv has no population targets for wave 2031",
                            frozenset({"survey"}))
    settled = blame.settle(con, [failure], "survey_weights: wave 2031 has no targets")
    assert [d.path for d in settled.set_aside] == ["landing/survey/voice_monitor_2031.csv"]
    assert [d.path for d in state.pending_deliveries(con)] == ["landing/social/posts_2025-07.jsonl"]
    assert state.file_status(con, "landing/survey/voice_monitor_2031.csv", "hash-survey") == "failed"
    assert state.file_status(con, "landing/social/posts_2025-07.jsonl", "hash-social") is None
    con.close()


@pytest.mark.parametrize("error", [
    OSError(errno.ENOSPC, "No space left on device"),
    OSError(errno.EFBIG, "File too large"),
    duckdb.IOException('Could not write file "state/build.duckdb.wal": No space left on device'),
    "DagsterDbtCliRuntimeError: ... IO Error: Could not write file: File too large",
])
def test_a_full_disk_blames_no_file(tmp_path, error):
    from orchestration.warehouse import blame, state

    home, con = _pending_home(tmp_path)
    assert blame.is_environment_error(error)
    settled = blame.settle(con, [blame.Failure("warehouse_dbt_models", error if isinstance(error, str) else
                                               f"{type(error).__name__}: {error}")], "disk full")
    assert settled.environment and not settled.set_aside
    assert len(state.pending_deliveries(con)) == 2
    con.close()


def test_a_failed_social_check_blames_the_social_deliveries(tmp_path):
    from orchestration.failed_steps import failure_kinds
    from orchestration.warehouse import blame, state

    home, con = _pending_home(tmp_path)
    kinds = failure_kinds("social_totals_guard", "1 blocking asset check failed",
                          [__import__("dagster").AssetKey(["marts", "fct_social_posts"])])
    assert kinds == {"social"}
    blame.settle(con, [blame.Failure("social_totals_guard", "check failed", kinds)], "social totals")
    assert [d.kind for d in state.pending_deliveries(con)] == ["survey"]
    assert not blame.is_environment_error(RuntimeError("disk full"))      # words of a test, not the OS's
    con.close()


# --- item 2: the change guard's suite ----------------------------------------------------------

def test_change_guard_fails_unconsented_loss_and_passes_consented(tmp_path):
    from expectations import publish_change
    from orchestration.quality.gx_runner import QualityRun

    before = pd.DataFrame({"kind": ["survey", "survey", "social", "social"],
                           "partition": ["2025", "2026", "2025-03", "2025-04"], "total": [1016, 300, 200, 100]})
    after = pd.DataFrame({"kind": ["survey", "survey", "social", "social"],
                          "partition": ["2025", "2026", "2025-03", "2025-04"], "total": [500, 310, 189, 50]})
    frame = publish_change.build_frame(before, after, {("social", "2025-04")})
    assert frame.set_index("partition").loc["2025-03", "decrease_pct"] == pytest.approx(5.5)
    outcome = QualityRun(Home.from_env(tmp_path).ensure(), "run-1").validate(publish_change, frame)
    failed = {(r.target, r.expectation): r for r in outcome.results if not r.success}
    assert set(failed) == {("survey totals", "wave_n_change_within_limit"),
                           ("social totals", "month_posts_decrease_within_limit")}
    assert "survey, 2025" in failed[("survey totals", "wave_n_change_within_limit")].observed_value
    social = failed[("social totals", "month_posts_decrease_within_limit")].observed_value
    assert "2025-03" in social and "2025-04" not in social        # the consented month passes


# --- item 1 and item 4: settings ---------------------------------------------------------------

def test_private_tree_and_published_mode(tmp_path, monkeypatch):
    from orchestration.warehouse.permissions import published_dir_mode, published_mode, secure_tree

    folder = tmp_path / "state"
    (folder / "dagster").mkdir(parents=True)
    (folder / "build.duckdb.wal").write_bytes(b"x")
    (folder / "dagster" / "run.log").write_bytes(b"x")
    for p in (folder, folder / "dagster"):
        p.chmod(0o755)
    for p in (folder / "build.duckdb.wal", folder / "dagster" / "run.log"):
        p.chmod(0o644)
    assert secure_tree(folder) == 4
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.rglob("*")]}
    assert modes == {"state": 0o700, "dagster": 0o700, "build.duckdb.wal": 0o600, "run.log": 0o600}
    assert published_mode() == 0o644 and published_dir_mode() == 0o755
    monkeypatch.setenv("VOICE_MONITOR_PUBLISHED_MODE", "0640")
    assert published_mode() == 0o640 and published_dir_mode() == 0o750
    monkeypatch.setenv("VOICE_MONITOR_PUBLISHED_MODE", "rw-r--r--")
    with pytest.raises(UserError, match="not an octal file mode"):
        published_mode()


def test_time_limits_are_configurable_and_checked(monkeypatch):
    from orchestration.warehouse.time_limits import limit_minutes

    assert limit_minutes("warehouse_dbt_models") == (360.0, "VOICE_MONITOR_DBT_TIME_LIMIT")
    assert limit_minutes("social_posts") == (240.0, "VOICE_MONITOR_INGEST_TIME_LIMIT")
    assert limit_minutes("survey_totals_guard") == (120.0, "VOICE_MONITOR_STEP_TIME_LIMIT")
    monkeypatch.setenv("VOICE_MONITOR_DBT_TIME_LIMIT", "0.5")
    assert limit_minutes("warehouse_dbt_models")[0] == 0.5
    monkeypatch.setenv("VOICE_MONITOR_DBT_TIME_LIMIT", "0")
    with pytest.raises(UserError, match="more than 0 minutes"):
        limit_minutes("warehouse_dbt_models")


def test_a_step_in_this_process_is_interrupted_at_its_time_limit(tmp_path, monkeypatch):
    """The watchdog stops a Python/DuckDB step (ingestion, weighting, checks, publish) that runs
    past its limit: DuckDB's query is interrupted and the run fails at once."""
    import time

    import dagster as dg

    from orchestration.warehouse.time_limits import Watchdog

    @dg.asset
    def slow_query():
        duckdb.connect().execute("select count(*) from range(100000000000)").fetchall()

    job = dg.Definitions(assets=[slow_query], jobs=[dg.define_asset_job("slow", [slow_query])]).resolve_job_def("slow")
    monkeypatch.setenv("VOICE_MONITOR_STEP_TIME_LIMIT", "0.02")               # 1.2 s
    instance = dg.DagsterInstance.ephemeral()
    started = time.monotonic()
    run_id = "00000000-0000-4000-8000-000000000017"
    watchdog = Watchdog(instance, run_id, Home.from_env(tmp_path).ensure())
    with watchdog:
        result = job.execute_in_process(instance=instance, run_id=run_id, raise_on_error=False)
    assert not result.success and time.monotonic() - started < 60
    assert watchdog.expired is not None and watchdog.expired.step == "slow_query"
    assert watchdog.expired.message == ("The step slow_query was stopped after its time limit of 0.02 minutes "
                                        "(VOICE_MONITOR_STEP_TIME_LIMIT; raise it if the data really needs longer).")
