"""Python clients against the BI database: psycopg (binary cursor over numeric and array columns,
a named server-side cursor, a bound date), SQLAlchemy 2.x reflection and pandas.read_sql_table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
import sqlalchemy as sa

from test_bi_support import bi_home, bi_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow


def test_psycopg_binary_cursor_over_numeric_and_array_columns(bi_server):  # noqa: F811
    with bi_server.connect() as conn:
        with conn.cursor(binary=True) as cur:
            rows = cur.execute("""select figure, "where", tolerance_pp, warehouse from audit.reconciliation
                                  order by wave, figure, "where" """).fetchall()
            assert cur.pgresult.fformat(2) == 1           # the numeric column came in binary
            posts = cur.execute("select platform, post_id, themes, channels, created_at from marts.fct_social_posts "
                                "order by platform, post_id").fetchall()
            assert cur.pgresult.fformat(2) == 1
    expected = bi_server.duck("""select figure, "where", tolerance_pp, warehouse from audit.reconciliation
                                 order by wave, figure, "where" """)
    assert rows == expected and len(rows) == 66
    assert all(isinstance(r[2], Decimal) for r in rows)
    duck_posts = bi_server.duck("select platform, post_id, themes, channels, created_at from marts.fct_social_posts "
                                "order by platform, post_id")
    assert len(posts) == len(duck_posts) == 2200
    for got, want in zip(posts, duck_posts):
        assert got[:4] == want[:4]
        assert got[4] == want[4]                            # timestamptz: the same instant


def test_psycopg_named_cursor_and_bound_date(bi_server):  # noqa: F811
    month = dt.date(2025, 12, 1)
    expected = bi_server.duck("select platform, post_id, created_at from marts.fct_social_posts where month = ? "
                              "order by platform, post_id", [month])
    with bi_server.connect() as conn:
        with conn.cursor(name="posts_of_month") as cur:             # DECLARE … CURSOR on the server
            cur.itersize = 50
            cur.execute("select platform, post_id, created_at from marts.fct_social_posts where month = %s "
                        "order by platform, post_id", [month])
            first = cur.fetchmany(10)
            rest = cur.fetchall()
        cursors = conn.execute("select count(*) from pg_cursors").fetchone()[0]
    assert first + rest == expected and len(expected) == 285
    assert cursors == 0                                             # closed with the block
    with bi_server.connect() as conn:
        with conn.cursor(name="binary_named", binary=True) as cur:
            cur.execute("select themes from marts.fct_social_posts where month = %b order by platform, post_id",
                        [month])
            assert [r[0] for r in cur.fetchall()] == [
                r[0] for r in bi_server.duck("select themes from marts.fct_social_posts where month = ? "
                                             "order by platform, post_id", [month])]


def _engine(bi_server):  # noqa: F811
    url = sa.URL.create("postgresql+psycopg", username="analyst", password=bi_server.analyst_password,
                        host="127.0.0.1", port=bi_server.port, database="voice_monitor")
    return sa.create_engine(url)


def test_sqlalchemy_reflects_tables_with_types_keys_and_comments(bi_server):  # noqa: F811
    engine = _engine(bi_server)
    try:
        metadata = sa.MetaData()
        personas = sa.Table("mart_personas", metadata, schema="marts", autoload_with=engine)
        posts = sa.Table("fct_social_posts", metadata, schema="marts", autoload_with=engine)
        reconciliation = sa.Table("reconciliation", metadata, schema="audit", autoload_with=engine)
        assert [c.name for c in personas.primary_key.columns] == ["wave", "persona"]
        assert isinstance(personas.c.share_pct.type, sa.Double)
        assert isinstance(personas.c.wave.type, sa.Integer) and isinstance(personas.c.n_unweighted.type, sa.BigInteger)
        assert isinstance(posts.c.themes.type, sa.ARRAY) and isinstance(posts.c.themes.type.item_type, sa.Text)
        assert isinstance(posts.c.created_at.type, sa.DateTime) and posts.c.created_at.type.timezone
        assert isinstance(reconciliation.c.tolerance_pp.type, sa.Numeric)
        assert (reconciliation.c.tolerance_pp.type.precision, reconciliation.c.tolerance_pp.type.scale) == (2, 1)
        comment = bi_server.duck("select comment from duckdb_tables() where table_name = 'mart_personas'")[0][0]
        assert personas.comment == comment
        assert personas.c.share_pct.comment == bi_server.duck(
            "select comment from duckdb_columns() where table_name = 'mart_personas' and column_name = 'share_pct'")[0][0]
        inspector = sa.inspect(engine)
        assert {"marts", "audit"} <= set(inspector.get_schema_names())
        marts = bi_server.duck("select table_name from duckdb_tables() where schema_name = 'marts' order by 1")
        assert sorted(inspector.get_table_names(schema="marts")) == [m[0] for m in marts]
        with engine.connect() as conn:           # a query built from the reflected table
            rows = conn.execute(sa.select(personas.c.persona, personas.c.share_pct)
                                .where(personas.c.wave == 2026).order_by(personas.c.persona)).all()
        assert rows == bi_server.duck("select persona, share_pct from marts.mart_personas where wave = 2026 "
                                      "order by persona")
    finally:
        engine.dispose()


def test_pandas_read_sql_table(bi_server):  # noqa: F811
    engine = _engine(bi_server)
    try:
        frame = pd.read_sql_table("mart_channel_preferences", engine, schema="marts")
    finally:
        engine.dispose()
    keys = ["wave", "contact_type", "channel"]
    frame = frame.sort_values(keys).reset_index(drop=True)
    expected = pd.DataFrame(bi_server.duck("select * from marts.mart_channel_preferences order by wave, contact_type, "
                                           "channel"), columns=list(frame.columns))
    assert len(frame) == len(expected) == 212
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False, check_exact=True)
