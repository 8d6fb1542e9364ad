"""The sync of the published DuckDB file into the BI PostgreSQL: every table value for value with
faithful types, descriptions and keys; a re-publish swapped in while a reader is inside a long
query (no error for it, new figures for the next query, no waiting for the swap); nothing done
when PostgreSQL is current; an existing server given by VOICE_MONITOR_POSTGRES_URL."""

from __future__ import annotations

import collections
import datetime as dt
import os
import shutil
import subprocess
import threading

import duckdb
import pytest

from orchestration.bi.postgres.keys import declared_grains
from orchestration.bi.postgres.sync import MANIFEST, sync
from test_bi_support import bi_home, bi_server, cli_env, home_with_published_copy, voice_monitor  # noqa: F401

pytestmark = pytest.mark.slow


# the DuckDB types of the published tables, and the PostgreSQL type each must arrive as
PG_TYPES = {"BIGINT": "bigint", "BOOLEAN": "boolean", "DATE": "date", "DECIMAL(2,1)": "numeric(2,1)",
            "DOUBLE": "double precision", "DOUBLE[]": "double precision[]", "INTEGER": "integer",
            "VARCHAR": "text", "VARCHAR[]": "text[]",
            "TIMESTAMP WITH TIME ZONE": "timestamp with time zone"}


def _rows(rows) -> collections.Counter:
    return collections.Counter(tuple(tuple(v) if isinstance(v, list) else v for v in row) for row in rows)


def _tables(server) -> list[tuple[str, str]]:
    return [tuple(r) for r in server.duck("select schema_name, table_name from duckdb_tables() "
                                          "where schema_name in ('marts', 'audit') order by 1, 2")]


def test_every_table_value_for_value_with_its_types_and_descriptions(bi_server):  # noqa: F811
    tables = _tables(bi_server)
    assert len(tables) >= 25
    with bi_server.owner() as conn:
        conn.execute("set timezone = 'UTC'")
        assert sorted(conn.execute("select table_schema, table_name from information_schema.tables "
                                   "where table_schema in ('marts', 'audit')").fetchall()) == tables
        for schema, table in tables:
            columns = bi_server.duck("select column_name, data_type, comment from duckdb_columns() "
                                     "where schema_name = ? and table_name = ? order by column_index", [schema, table])
            pg_columns = conn.execute(
                """select a.attname, format_type(a.atttypid, a.atttypmod), col_description(a.attrelid, a.attnum)
                   from pg_attribute a where a.attrelid = %s::regclass and a.attnum > 0 and not a.attisdropped
                   order by a.attnum""", [f"{schema}.{table}"]).fetchall()
            assert [(n, PG_TYPES[t], c) for n, t, c in columns] == pg_columns, table
            expected = bi_server.duck(f'select * from {schema}."{table}"')
            got = conn.execute(f'select * from {schema}."{table}"').fetchall()
            assert _rows(got) == _rows(expected), table
            comment = bi_server.duck("select comment from duckdb_tables() where schema_name = ? and table_name = ?",
                                     [schema, table])[0][0]
            assert conn.execute("select obj_description(%s::regclass, 'pg_class')",
                                [f"{schema}.{table}"]).fetchone()[0] == comment, table
        types = dict(conn.execute("""select column_name, data_type from information_schema.columns
                                     where table_schema = 'marts' and table_name = 'fct_social_posts'""").fetchall())
        assert types["themes"] == "ARRAY" and types["created_at"] == "timestamp with time zone"
        assert types["month"] == "date" and types["rating"] == "integer"


def test_primary_keys_are_the_grains_dbt_tests(bi_server):  # noqa: F811
    grains = declared_grains(MANIFEST)
    with bi_server.owner() as conn:
        keys = {(s, t): cols for s, t, cols in conn.execute(
            """select n.nspname, c.relname, array_agg(a.attname order by k.i)
               from pg_constraint x join pg_class c on c.oid = x.conrelid join pg_namespace n on n.oid = c.relnamespace
               cross join lateral unnest(x.conkey) with ordinality k(attnum, i)
               join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
               where x.contype = 'p' and n.nspname in ('marts', 'audit') group by 1, 2""").fetchall()}
    survey_marts = [t for s, t in _tables(bi_server) if t.startswith("mart_") and not t.startswith("mart_social")]
    assert survey_marts and all(("marts", t) in keys for t in survey_marts)
    for table, columns in keys.items():
        assert tuple(columns) in grains[table], table      # every key is a tested grain
    assert keys[("marts", "mart_channel_preferences")] == ["wave", "contact_type", "channel"]
    assert keys[("marts", "dim_category")] == ["code_list", "code"]
    assert keys[("marts", "mart_social_themes")] == ["month", "platform", "sector", "theme"]
    assert keys[("audit", "survey_weighting")] == ["wave"]


def _republish(home, new_wave: int) -> None:
    """What a publish does, by hand: a complete new file (one more wave, a later publish time)
    renamed over the old one."""
    fresh = home.warehouse_dir / ".voice_monitor.test.tmp"
    shutil.copy2(home.published_db, fresh)
    con = duckdb.connect(str(fresh))
    try:
        con.execute("""insert into marts.dim_wave select ?, respondents, fieldwork_month, source_file,
                       weighting_efficiency from marts.dim_wave where wave = (select max(wave) from marts.dim_wave)""",
                    [new_wave])
        con.execute("update audit.publish_info set published_at = ?",
                    [dt.datetime.now(dt.timezone.utc)])
    finally:
        con.close()
    os.replace(fresh, home.published_db)


def test_republish_during_a_long_reader(bi_server):  # noqa: F811
    home = bi_server.home
    reader = bi_server.connect()                       # a transaction holding a half-read cursor
    cursor = reader.cursor(name="long_read")
    cursor.execute("select wave, respondents from marts.dim_wave order by wave")
    first = cursor.fetchmany(2)
    before = bi_server.duck("select wave, respondents from marts.dim_wave order by wave")
    _republish(home, 2099)
    outcome = {}
    swap = threading.Thread(target=lambda: outcome.setdefault("result", sync(home)))
    swap.start()
    swap.join(120)
    assert not swap.is_alive(), "the swap waited for the reader"
    assert outcome["result"].status == "synced"
    rest = cursor.fetchall()                           # the reader finishes, on the old set, without error
    assert first + rest == before
    cursor.close()
    # the same session's next query, and a new session, see the new figures
    assert reader.execute("select max(wave), count(*) from marts.dim_wave").fetchone() == (2099, len(before) + 1)
    reader.rollback()
    with bi_server.connect() as other:
        assert other.execute("select max(wave) from marts.dim_wave").fetchone()[0] == 2099
    with bi_server.owner() as conn:
        retired = conn.execute("select nspname from pg_namespace where nspname like '%%__retired_%%'").fetchall()
    assert retired                                     # the reader held the old tables: kept for now
    reader.close()
    again = sync(home)                                 # nothing new: PostgreSQL is current …
    assert again.status == "current"
    with bi_server.owner() as conn:                    # … and the old tables are gone once unused
        assert conn.execute("select count(*) from pg_namespace where nspname like '%%__retired_%%'").fetchone()[0] == 0


def test_a_prepared_statement_sees_the_new_figures_after_a_swap(bi_server):  # noqa: F811
    with bi_server.connect(autocommit=True) as conn:
        conn.execute("prepare waves as select count(*) from marts.dim_wave")
        before = conn.execute("execute waves").fetchone()[0]
        _republish(bi_server.home, 2100)
        assert sync(bi_server.home).status == "synced"
        assert conn.execute("execute waves").fetchone()[0] == before + 1


def test_an_existing_server_from_the_url(bi_server, tmp_path):  # noqa: F811
    """VOICE_MONITOR_POSTGRES_URL: serve syncs that server (here: the module's, with the owner's
    login) and starts no cluster of its own."""
    from orchestration.bi.postgres.access import OWNER, local_passwords
    from orchestration.bi.postgres.cluster import Layout

    other = home_with_published_copy(bi_server.home, tmp_path / "other")
    _republish(other, 2200)
    password = local_passwords(Layout.of(bi_server.home))[OWNER]
    env = dict(cli_env(other), VOICE_MONITOR_POSTGRES_URL=f"postgresql://{OWNER}:{password}@127.0.0.1:"
                                                          f"{bi_server.port}/voice_monitor?sslmode=disable")
    done = subprocess.run(voice_monitor("serve"), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "synced" in done.stdout and password not in done.stdout + done.stderr
    assert not (other.state / "postgres" / "data").exists()
    with bi_server.connect() as conn:
        assert conn.execute("select max(wave) from marts.dim_wave").fetchone()[0] == 2200
