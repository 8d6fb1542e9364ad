"""Every SQL example in docs/sql_cookbook.md and docs/marts.md runs against a published database,
in DuckDB and through the PostgreSQL endpoint (psycopg), and returns rows."""

from __future__ import annotations

import re

import duckdb
import psycopg
import pytest

from orchestration.paths import PROJECT_DIR
from test_bi_support import bi_home, free_port, start_server, stop_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


def examples() -> list[pytest.param]:
    params = []
    for doc in ("sql_cookbook.md", "marts.md"):
        text = (PROJECT_DIR / "docs" / doc).read_text(encoding="utf-8")
        for i, block in enumerate(re.findall(r"```sql\n(.*?)```", text, flags=re.S)):
            params.append(pytest.param(block, id=f"{doc}#{i + 1}"))
    return params


@pytest.fixture(scope="module")
def endpoint(bi_home, tmp_path_factory):  # noqa: F811
    port = free_port()
    proc = start_server(bi_home, port, tmp_path_factory.mktemp("cookbook") / "serve.log")
    yield port
    stop_server(proc)


@pytest.mark.parametrize("sql", examples())
def test_example_runs_in_duckdb_and_over_postgres(bi_home, endpoint, sql):  # noqa: F811
    con = duckdb.connect(str(bi_home.published_db), read_only=True)
    try:
        expected = con.execute(sql).fetchall()
    finally:
        con.close()
    assert expected, "the example returns no rows on the sample data"
    with psycopg.connect(host="127.0.0.1", port=endpoint, user="analyst", dbname="voice_monitor",
                         connect_timeout=10) as conn:
        got = conn.execute(sql).fetchall()
    assert len(got) == len(expected)
