"""Every SQL example in docs/sql_cookbook.md and docs/marts.md runs against a published database,
in DuckDB and in the BI PostgreSQL (psycopg, as the analyst), with the same result."""

from __future__ import annotations

import collections
import re

import pytest

from orchestration.paths import PROJECT_DIR
from test_bi_support import bi_home, bi_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow


def examples() -> list[pytest.param]:
    params = []
    for doc in ("sql_cookbook.md", "marts.md"):
        text = (PROJECT_DIR / "docs" / doc).read_text(encoding="utf-8")
        for i, block in enumerate(re.findall(r"```sql\n(.*?)```", text, flags=re.S)):
            params.append(pytest.param(block, id=f"{doc}#{i + 1}"))
    return params


def _normalised(rows) -> collections.Counter:
    """Rows as comparable values: numbers as floats rounded to 9 digits (DuckDB and PostgreSQL
    pick different exact types for the same rounded figure: DOUBLE vs numeric), lists as tuples."""
    def value(v):
        if isinstance(v, list):
            return tuple(value(x) for x in v)
        if isinstance(v, (int, float)) and not isinstance(v, bool) or type(v).__name__ == "Decimal":
            return round(float(v), 9)
        return v
    return collections.Counter(tuple(value(v) for v in row) for row in rows)


@pytest.mark.parametrize("sql", examples())
def test_example_runs_in_duckdb_and_postgres(bi_server, sql):  # noqa: F811
    expected = bi_server.duck(sql)
    assert expected, "the example returns no rows on the sample data"
    with bi_server.connect() as conn:
        conn.execute("set timezone = 'UTC'")
        got = conn.execute(sql).fetchall()
    assert _normalised(got) == _normalised(expected)
