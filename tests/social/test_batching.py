"""On DuckDB the per-version social models compute their pending segments in batches
(macros/batched_incremental.sql) so memory stays bounded by the batch: batches of any size give
exactly the tables one statement gives (the classifier's character n-gram weights are computed
over each batch's vocabulary, one weight per distinct word, so a version's scores do not depend
on the batch it is in); the compiled SQL alone is complete."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from tools.classifier.production import build_social_models

from conftest import make_home  # noqa: E402  (tests/social on sys.path)

pytestmark = pytest.mark.slow       # dbt builds

BATCHED = ["int_social__term_hits", "int_social__classified_versions"]


def _differences(con, table: str, other: str) -> tuple[int, int]:
    one = con.execute(f"select count(*) from (select * exclude (built_at) from {table} "
                      f"except all select * exclude (built_at) from {other})").fetchall()
    two = con.execute(f"select count(*) from (select * exclude (built_at) from {other} "
                      f"except all select * exclude (built_at) from {table})").fetchall()
    return one[0][0], two[0][0]


def test_batches_of_any_size_give_the_same_tables(sample_build, tmp_path):
    """The sample (16 files, one segment each) with one segment per batch and in one batch, each
    a full refresh, against the session's build (default batch size, larger than the sample)."""
    logs = {}
    for size in (1, 100_000_000):
        home = make_home(tmp_path / f"b{size}")
        shutil.copy(sample_build.home.work_db, home.work_db)
        out = build_social_models(home, select=" ".join(BATCHED), dbt_vars=f"{{social_batch_lines: {size}}}",
                                  full_refresh=True)
        logs[size] = out.stdout
    assert "int_social__classified_versions: 16 pending segment(s) in 16 batch(es) (full refresh)" in logs[1]
    assert "int_social__classified_versions: 16 pending segment(s) in 1 batch(es) (full refresh)" in logs[100_000_000]

    con = duckdb.connect()
    con.execute(f"attach '{sample_build.home.work_db}' as base (read_only)")
    n_versions = con.execute("select count(*) from base.staging.stg_social__posts where lang = 'nl'").fetchall()[0][0]
    for size in logs:
        con.execute(f"attach '{tmp_path / f'b{size}' / 'state' / 'build.duckdb'}' as b{size} (read_only)")
        for table in BATCHED:
            n = con.execute(f"select count(*) from b{size}.intermediate.{table}").fetchall()[0][0]
            assert n > 0
            assert _differences(con, f"b{size}.intermediate.{table}", f"base.intermediate.{table}") == (0, 0), \
                (size, table)
        assert con.execute(f"select count(*) from b{size}.intermediate.int_social__classified_versions"
                           ).fetchall()[0][0] == n_versions
    con.close()


def test_the_compiled_sql_covers_every_pending_segment(sample_build):
    """Outside the materialization (dbt compile, dbt show) the SQL reads every pending segment,
    so the SQL alone is complete; the materialization puts one batch in that subquery's place."""
    compiled = list((sample_build.home.state / "dbt_target" / "compiled").rglob("int_social__classified_versions.sql"))
    assert compiled
    sql = compiled[0].read_text(encoding="utf-8")
    assert "/* social_pending_segments */" in sql
    assert '"int_social__segments"' in sql
