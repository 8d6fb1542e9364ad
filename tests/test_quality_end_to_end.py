"""The GX guards inside whole runs (`run_once` / the CLI): results recorded and published,
Data Docs written, a warning that does not block, and blocking failures — a weighting
efficiency below the floor, and a tampered build database caught by the totals guard —
that fail the run with a plain-words message and leave the published file as it was.

The scenarios run in order on one home (each starts from the previous state).
"""

from __future__ import annotations

import os
import time

import duckdb
import pytest

from e2e_helpers import file_identity, home_env, query
from expectations import weighting
from orchestration.cli import main as cli_main
from orchestration.pipeline import format_summary, run_once
from survey_factory import make_wave, write_wave

pytestmark = pytest.mark.slow

SUITES = ("weighting", "survey_totals", "social_totals")


@pytest.fixture(scope="module")
def qhome(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality_e2e")
    with home_env(root) as home:
        home.ensure()
        for wave, seed in ((2024, 1), (2025, 2), (2026, 3)):
            write_wave(make_wave(wave, 500, seed=seed), home.landing_survey / f"voice_monitor_{wave}.csv")
        summary = run_once(home)
        yield {"home": home, "summary": summary}


def _redeliver(home, wave: int, seed: int, n: int = 480, bump: int = 10, **changes):
    frame = make_wave(wave, n, seed=seed)
    for column, value in changes.items():
        frame[column] = value
    path = write_wave(frame, home.landing_survey / f"voice_monitor_{wave}.csv")
    os.utime(path, (time.time() + bump, time.time() + bump))
    return path


def test_a_run_records_its_quality_results_publishes_them_and_writes_data_docs(qhome):
    home, summary = qhome["home"], qhome["summary"]
    assert summary.status == "success", summary.reason
    text = format_summary(summary)
    assert "Quality checks (Great Expectations" in text and "weighting passed" in text
    assert f"Data Docs: {(home.quality / 'index.html').as_uri()}" in text
    index = (home.quality / "index.html").read_text(encoding="utf-8")
    for suite in SUITES:
        assert suite in index
    published = query(home.published_db, "select * from audit.quality_results")
    assert list(published.columns) == ["suite", "expectation", "target", "success", "severity", "observed_value",
                                       "details", "run_time"]
    assert {"weighting", "survey_totals"} <= set(published.suite) and published.success.all()
    assert {"wave 2024", "wave 2025", "wave 2026"} <= set(published.target)
    assert "marts.mart_personas" in set(published.target)
    recorded = query(home.work_db, "select distinct run_id from ops.quality_results")
    assert list(recorded.run_id) == [summary.run_id]


def test_a_weighting_warning_is_shown_and_recorded_but_does_not_block(qhome, monkeypatch):
    home = qhome["home"]
    before = file_identity(home.published_db)
    monkeypatch.setenv(weighting.WARN_BELOW_ENV, "0.99")          # every wave is "inefficient" now
    _redeliver(home, 2024, seed=11)
    summary = run_once(home)
    assert summary.status == "success", summary.reason
    assert summary.published and file_identity(home.published_db) != before
    text = format_summary(summary)
    assert "weighting passed with 3 warning(s)" in text
    assert "WARNING weighting / efficiency_above_warning_level on wave 2024" in text and "efficiency = 0." in text
    published = query(home.published_db, "select * from audit.quality_results "
                                         "where expectation = 'efficiency_above_warning_level'")
    assert len(published) == 3 and not published.success.any() and set(published.severity) == {"warning"}


def test_an_efficiency_below_the_floor_fails_the_run_and_publishes_nothing(qhome, monkeypatch):
    home = qhome["home"]
    before = file_identity(home.published_db)
    monkeypatch.setenv(weighting.FAIL_BELOW_ENV, "0.99")
    _redeliver(home, 2025, seed=12, bump=20)
    summary = run_once(home)
    assert summary.status == "failed" and summary.exit_code == 1
    reason = summary.reason
    assert "Quality check weighting" in reason and "efficiency_above_floor" in reason
    assert "wave 2025: observed efficiency = 0." in reason and "expected at least 0.99" in reason
    assert file_identity(home.published_db) == before
    rows = query(home.work_db, "select * from ops.quality_results where run_id = ? and not success "
                               "and severity = 'error'", [summary.run_id])
    assert set(rows.expectation) == {"efficiency_above_floor"}
    index = (home.quality / "index.html").read_text(encoding="utf-8")
    assert "efficiency_above_floor (error)" in index                  # Data Docs show the latest result


def test_a_tampered_build_database_fails_the_totals_guard_and_publishes_nothing(qhome):
    """An S1_ERVARING answer slipped into the build database for a respondent not routed to it
    (no chatbot or voice contact with sector 1): the next build's totals guard stops the run."""
    home = qhome["home"]
    before = file_identity(home.published_db)
    con = duckdb.connect(str(home.work_db))
    try:
        respid = con.execute(
            """select r.RESPID from raw.survey_responses r
               join ops.active_deliveries d on d.kind = 'survey' and d.key = r._delivery_key
                                          and d.content_hash = r._content_hash
               where r.wave = 2026 and r.S1_ERVARING is null
                 and coalesce(r.S1_CHATBOT, 0) <> 1 and coalesce(r.S1_SPRAAK, 0) <> 1
               limit 1""").fetchone()[0]
        con.execute("update raw.survey_responses set S1_ERVARING = 2 where wave = 2026 and RESPID = ?", [respid])
    finally:
        con.close()
    _redeliver(home, 2024, seed=13, bump=30)                         # a new valid file makes the next run rebuild
    try:
        summary = run_once(home)
        assert summary.status == "failed" and summary.exit_code == 1
        reason = summary.reason
        assert "Quality check survey_totals on marts.mart_sector_kpis failed" in reason
        assert "routed_base_equals_routed_respondents" in reason
        assert "question S1_ERVARING (sector banken_verzekeraars; group ervaring), wave 2026" in reason
        assert "routed_respondents =" in reason
        assert file_identity(home.published_db) == before
    finally:
        con = duckdb.connect(str(home.work_db))
        try:
            con.execute("update raw.survey_responses set S1_ERVARING = null where wave = 2026 and RESPID = ?",
                        [respid])
        finally:
            con.close()


def test_a_wave_that_cannot_be_weighted_stops_the_cli_run(qhome, capsys):
    home = qhome["home"]
    before = file_identity(home.published_db)
    _redeliver(home, 2026, seed=14, bump=40, REGIO=4.0)        # nobody outside the West (n within 10 %: not held)
    assert cli_main(["run", "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "Run FAILED" in out and "Wave 2026 cannot be weighted" in out and "REGIO" in out
    assert f"The published database was left as it was: {home.published_db}" in out
    assert file_identity(home.published_db) == before
