"""The PostgreSQL JDBC driver (Debian `libpostgresql-jdbc-java`; the driver of Metabase, DBeaver and
Tableau) against the BI database: metadata sync, and prepared statements run 10 times with
``prepareThreshold=1`` (named statements and binary transfer from the second run) over date,
timestamptz, array, numeric and double columns, checked value by value against DuckDB."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.paths import PROJECT_DIR
from test_bi_support import bi_home, bi_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow

DRIVER = Path("/usr/share/java/postgresql.jar")
SOURCE = PROJECT_DIR / "tests" / "clients" / "JdbcProbe.java"


def _unescape(field: str) -> str | None:
    if field == "\\N":
        return None
    return field.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\")


@pytest.fixture(scope="module")
def probe(bi_server, tmp_path_factory):  # noqa: F811
    """Compile the probe with javac and run it once; its records by kind."""
    assert DRIVER.exists(), "the PostgreSQL JDBC driver is not installed (Debian package libpostgresql-jdbc-java)"
    javac, java = shutil.which("javac"), shutil.which("java")
    assert javac and java, "a JDK (javac, java) is needed"
    classes = tmp_path_factory.mktemp("jdbc")
    subprocess.run([javac, "-d", str(classes), "-cp", str(DRIVER), str(SOURCE)], check=True, timeout=300)
    url = f"jdbc:postgresql://127.0.0.1:{bi_server.port}/voice_monitor"
    done = subprocess.run([java, "-cp", f"{DRIVER}:{classes}", "JdbcProbe", url, "analyst"],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PGPASSWORD=bi_server.analyst_password))
    assert done.returncode == 0, done.stderr
    records: dict[str, list[list[str | None]]] = {}
    for line in done.stdout.splitlines():
        kind, *fields = line.split("\t")
        records.setdefault(kind, []).append([_unescape(f) for f in fields])
    return records


def test_metadata_lists_tables_columns_and_keys(probe, bi_server):  # noqa: F811
    assert probe["server"][0][0] == "PostgreSQL" and probe["server"][0][1].startswith("15.")
    tables = {t[1]: t[2] for t in probe["table"]}
    expected = dict(bi_server.duck("select table_name, comment from duckdb_tables() where schema_name = 'marts'"))
    assert set(tables) == set(expected)
    assert all(tables[name] == comment for name, comment in expected.items())
    columns = [(c[0], c[1], c[2]) for c in probe["column"]]
    duck = bi_server.duck("select column_name, comment from duckdb_columns() where schema_name = 'marts' "
                          "and table_name = 'fct_social_posts' order by column_index")
    assert [c[0] for c in columns] == [d[0] for d in duck]
    assert [c[2] for c in columns] == [d[1] for d in duck]
    types = {name: kind for name, kind, _ in columns}
    assert types["themes"] == "_text" and types["created_at"] == "timestamptz" and types["month"] == "date"
    keys = {}
    for table, column, seq in probe["pk"]:
        keys.setdefault(table, []).append((int(seq), column))
    # the grains the dbt tests prove (survey_mart_grain, social_unique_combination, unique)
    assert [c for _, c in sorted(keys["mart_personas"])] == ["wave", "persona"]
    assert [c for _, c in sorted(keys["fct_social_posts"])] == ["platform", "post_id"]
    assert [c for _, c in sorted(keys["dim_wave"])] == ["wave"]


def test_prepared_statement_with_a_date_parameter_ten_times(probe, bi_server):  # noqa: F811
    posts = probe["post"]
    expected = bi_server.duck(
        """select month, platform, post_id, epoch_ms(created_at), array_to_string(themes, '|'), rating
           from marts.fct_social_posts where month between date '2025-01-01' and date '2025-10-01'
           order by month, platform, post_id""")
    got = [(dt.date.fromisoformat(month), platform, post_id, int(created), themes or "",
            None if rating is None else int(rating))
           for run, month, platform, post_id, created, themes, rating in posts]
    assert len(expected) > 1000
    assert got == [(m, p, i, c, t, r) for m, p, i, c, t, r in expected]
    runs = [int(p[0]) for p in posts]
    assert sorted(set(runs)) == list(range(1, 11))      # every run returned rows


def test_prepared_statement_over_numeric_columns_ten_times(probe, bi_server):  # noqa: F811
    expected = bi_server.duck("""select figure, "where", tolerance_pp, warehouse from audit.reconciliation
                                 where wave = 2026 order by figure, "where" """)
    figures = probe["figure"]
    assert len(figures) == 10 * len(expected) and expected
    for run in range(1, 11):
        got = [(f, w, Decimal(t), float(v)) for r, f, w, t, v in figures if int(r) == run]
        assert got == [(f, w, Decimal(t), v) for f, w, t, v in expected], run
