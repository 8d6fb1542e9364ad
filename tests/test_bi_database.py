"""The published database opens in DuckDB 1.x clients and describes itself.

DuckDB 1.x runs in its own virtual environment (created with uv from PyPI, cached under
``$XDG_CACHE_HOME/voice-monitor``), in a subprocess: the test's own DuckDB is 2.0. If that
environment cannot be created the test fails — it never skips.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from test_bi_support import bi_home  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow

# BI drivers and editors bundle older DuckDB releases: the newest 1.x and an older one.
DUCKDB_1X = ["1.4.5", "1.1.3"]

COUNT_SCRIPT = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.execute("select schema_name, table_name from duckdb_tables() "
                     "where schema_name in ('marts', 'audit') order by 1, 2").fetchall()
counts = {f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchall()[0][0] for s, t in tables}
print(json.dumps({"version": duckdb.__version__, "counts": counts}))
"""


def _uv() -> str:
    found = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    assert Path(found).exists(), "uv is needed to create the DuckDB 1.x environment (make setup installs it)"
    return found


def duckdb_1x_python(version: str) -> Path:
    """A cached venv with duckdb==<version>; created on first use (about a second with uv's cache)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "voice-monitor"
    venv = cache / f"duckdb-{version}-py{sys.version_info.major}{sys.version_info.minor}"
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import duckdb; print(duckdb.__version__)"]
    if python.exists():
        done = subprocess.run(probe, capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.strip() == version:
            return python
        shutil.rmtree(venv, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run([_uv(), "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    subprocess.run([_uv(), "pip", "install", "--quiet", "--python", str(python), f"duckdb=={version}"], check=True)
    done = subprocess.run(probe, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == version
    return python


def counts_in_this_duckdb(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute("select schema_name, table_name from duckdb_tables() "
                             "where schema_name in ('marts', 'audit') order by 1, 2").fetchall()
        return {f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchall()[0][0] for s, t in tables}
    finally:
        con.close()


@pytest.mark.parametrize("version", DUCKDB_1X)
def test_duckdb_1x_reads_every_mart(bi_home, version):  # noqa: F811
    python = duckdb_1x_python(version)
    done = subprocess.run([str(python), "-c", COUNT_SCRIPT, str(bi_home.published_db)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["version"] == version
    expected = counts_in_this_duckdb(bi_home.published_db)
    assert duckdb.__version__.startswith("2.")
    assert result["counts"] == expected
    marts = [t for t in expected if t.startswith("marts.mart_")]
    assert len(marts) >= 13 and all(expected[t] > 0 for t in marts)


# -- self-describing ----------------------------------------------------------------------------

def _published_tables() -> list[str]:
    from test_bi_support import published_home

    con = duckdb.connect(str(published_home().published_db), read_only=True)
    try:
        return [f"{s}.{t}" for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in ('marts', 'audit') "
            "order by 1, 2").fetchall()]
    finally:
        con.close()


def _comment_params():
    params = []
    for name in ["marts.mart_personas", "marts.mart_channel_preferences", "marts.mart_frustrations",
                 "marts.mart_sector_kpis", "marts.mart_sector_channels", "marts.mart_channel_top3",
                 "marts.mart_attitudes", "marts.mart_ai_use_cases", "marts.mart_disadvantages", "marts.mart_values",
                 "marts.mart_assistant_outcomes", "marts.mart_trust_by_usage", "marts.mart_persona_profiles",
                 "marts.dim_channel", "marts.dim_sector", "marts.dim_persona", "marts.dim_question",
                 "marts.dim_category", "marts.dim_wave", "marts.fct_social_posts", "audit.reconciliation",
                 "audit.survey_weighting", "audit.survey_bases", "audit.ingested_files", "audit.publish_info",
                 "audit.quality_results", "marts.mart_social_quotes", "marts.mart_social_themes",
                 "marts.mart_social_volume", "audit.social_load_totals", "audit.social_quarantine"]:
        params.append(pytest.param(name, id=name))
    return params


@pytest.mark.parametrize("table", _comment_params())
def test_table_and_every_column_carry_a_comment(bi_home, table):  # noqa: F811
    schema, name = table.split(".")
    con = duckdb.connect(str(bi_home.published_db), read_only=True)
    try:
        found = con.execute("select comment from duckdb_tables() where schema_name = ? and table_name = ?",
                            [schema, name]).fetchall()
        if not found and name.startswith(("fct_social", "mart_social")):
            pytest.fail(f"{table} is not published")
        assert found, f"{table} is not published"
        assert (found[0][0] or "").strip(), f"{table} has no comment"
        missing = [c for c, comment in con.execute(
            "select column_name, comment from duckdb_columns() where schema_name = ? and table_name = ?",
            [schema, name]).fetchall() if not (comment or "").strip()]
        assert missing == [], f"{table}: columns without a comment: {missing}"
    finally:
        con.close()


def test_every_mart_is_covered_by_the_comment_test(bi_home):  # noqa: F811
    covered = {p.values[0] for p in _comment_params()}
    marts = {t for t in _published_tables() if t.startswith("marts.")}
    assert marts <= covered, f"published marts not checked for comments: {sorted(marts - covered)}"


def test_dimensions_give_dutch_and_english_labels(bi_home):  # noqa: F811
    con = duckdb.connect(str(bi_home.published_db), read_only=True)
    try:
        for dim in ("dim_channel", "dim_sector", "dim_persona", "dim_category"):
            nl, en, total = con.execute(f"select count(label_nl), count(label_en), count(*) from marts.{dim}"
                                        ).fetchall()[0]
            assert nl == en == total > 0, dim
        assert con.execute("select label_nl, label_en from marts.dim_sector where sector = 'zorg'"
                           ).fetchall() == [("Zorg", "Healthcare")]
    finally:
        con.close()


def test_storage_version_is_readable_by_1x(bi_home):  # noqa: F811
    con = duckdb.connect(str(bi_home.published_db), read_only=True)
    try:
        assert con.execute("select storage_version from audit.publish_info").fetchall()[0][0].startswith("v1.")
    finally:
        con.close()
