"""The classification is built in batches of posts (macros/batched_table.sql) so memory stays
bounded at 10M posts: batches of any size give exactly the tables one statement gives (the
classifier's character n-gram weights are computed over each batch's vocabulary, one weight per
distinct word, so a post's scores do not depend on the batch it is in)."""

from __future__ import annotations

import shutil

import duckdb

from tools.classifier.production import build_social_models

from conftest import make_home  # noqa: E402  (tests/social on sys.path)

BATCHED = ["int_social__term_hits", "int_social__classified_posts"]


def _differences(con, table: str, other: str) -> tuple[int, int]:
    one = con.execute(f"select count(*) from (select * from {table} except all select * from {other})").fetchall()
    two = con.execute(f"select count(*) from (select * from {other} except all select * from {table})").fetchall()
    return one[0][0], two[0][0]


def test_batches_of_any_size_give_the_same_tables(sample_build, tmp_path):
    """The sample (≈2,000 Dutch posts) in batches of 97 posts and in one batch, against the
    session's build (default batch size, larger than the sample)."""
    results = {}
    for size in (97, 100_000_000):
        home = make_home(tmp_path / f"b{size}")
        shutil.copy(sample_build.home.work_db, home.work_db)
        out = build_social_models(home, select=" ".join(BATCHED), dbt_vars=f"{{social_batch_posts: {size}}}")
        results[size] = (home.work_db, out.stdout)
    assert results[97][1].count("OK created sql batched_table model") == len(BATCHED)

    con = duckdb.connect()
    con.execute(f"attach '{sample_build.home.work_db}' as base (read_only)")
    n_posts = con.execute("select count(*) from base.intermediate.int_social__posts where is_dutch").fetchall()[0][0]
    assert n_posts > 10 * 97                                   # really several batches
    for size, (work_db, _) in results.items():
        con.execute(f"attach '{work_db}' as b{size} (read_only)")
        for table in BATCHED:
            n = con.execute(f"select count(*) from b{size}.intermediate.{table}").fetchall()[0][0]
            assert n > 0
            assert _differences(con, f"b{size}.intermediate.{table}", f"base.intermediate.{table}") == (0, 0), \
                (size, table)
    assert con.execute("select count(*) from b97.intermediate.int_social__classified_posts").fetchall()[0][0] == n_posts
    con.close()


def test_the_batch_filter_is_in_the_compiled_sql_and_covers_everything(sample_build):
    """Outside the materialization (dbt compile, a plain table) the batch predicate spans every
    key, so the SQL alone is complete."""
    compiled = list((sample_build.home.state / "dbt_target" / "compiled").rglob("int_social__classified_posts.sql"))
    assert compiled
    sql = compiled[0].read_text(encoding="utf-8")
    assert "-9223372036854775807 /* batch_lo */" in sql and "9223372036854775807 /* batch_hi */" in sql
