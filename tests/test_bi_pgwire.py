"""`voice-monitor serve`: the PostgreSQL-wire endpoint, tested with the real psql client and psycopg.

The server runs as a subprocess (the CLI) over a copy of a published database, so a simulated
re-publish (the same atomic rename the publisher does) cannot disturb the other BI tests.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import psycopg
import pytest

from orchestration.paths import Home
from test_bi_support import bi_home, free_port, start_server, stop_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow

PSQL = shutil.which("psql")


@pytest.fixture(scope="module")
def server(bi_home, tmp_path_factory):  # noqa: F811
    root = tmp_path_factory.mktemp("serve_home")
    home = Home.from_env(root)
    home.warehouse_dir.mkdir(parents=True)
    shutil.copy2(bi_home.published_db, home.published_db)
    port = free_port()
    proc = start_server(home, port, root / "serve.log")
    yield {"home": home, "port": port, "proc": proc, "log": root / "serve.log"}
    stop_server(proc)


def psql(server, *commands: str, check: bool = True) -> subprocess.CompletedProcess:
    assert PSQL, "psql is not installed (Debian package postgresql-client)"
    argv = [PSQL, "-h", "127.0.0.1", "-p", str(server["port"]), "-U", "analyst", "-d", "voice_monitor",
            "-X", "-v", "ON_ERROR_STOP=1", "-A", "-F", "|", "-t"]
    for c in commands:
        argv += ["-c", c]
    env = dict(os.environ, PGCONNECT_TIMEOUT="10", PGSSLMODE="prefer")
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def connect(server, **kw) -> psycopg.Connection:
    return psycopg.connect(host="127.0.0.1", port=server["port"], user="analyst", dbname="voice_monitor",
                           connect_timeout=10, **kw)


def duck(server, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(server["home"].published_db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- psql -------------------------------------------------------------------------------------

def test_psql_select_returns_the_rows_duckdb_returns(server):
    sql = ("select wave, persona, share_pct, n_unweighted, base_effective, ci_low_pct, prev_share_pct, "
           "significant_vs_prev from marts.mart_personas order by wave, persona")
    out = psql(server, sql).stdout.strip().splitlines()
    expected = duck(server, sql)
    assert len(out) == len(expected) == 16
    for line, row in zip(out, expected):
        cells = line.split("|")
        assert int(cells[0]) == row[0] and cells[1] == row[1]
        assert float(cells[2]) == row[2]  # shortest round-trip text: exact
        assert int(cells[3]) == row[3] and float(cells[4]) == row[4] and float(cells[5]) == row[5]
        assert (cells[6] == "" and row[6] is None) or float(cells[6]) == row[6]
        assert cells[7] == {True: "t", False: "f", None: ""}[row[7]]


def test_psql_lists_the_marts_and_describes_them(server):
    listed = [line.split("|")[1] for line in psql(server, r"\dt marts.*").stdout.strip().splitlines()]
    marts = [r[0] for r in duck(server, "select table_name from duckdb_tables() where schema_name = 'marts' "
                                        "order by 1")]
    assert listed == marts
    assert "mart_personas" in listed and "dim_sector" in listed
    described = psql(server, r"\d+ marts.mart_personas").stdout
    for column, comment in duck(server, "select column_name, comment from duckdb_columns() "
                                        "where schema_name = 'marts' and table_name = 'mart_personas'"):
        assert column in described
        assert comment.strip().splitlines()[0][:40] in described
    assert "voice_monitor" in psql(server, r"\l").stdout
    assert {"marts", "audit"} <= {line.split("|")[0] for line in psql(server, r"\dn").stdout.split()}


def test_writes_fail_and_change_nothing(server, tmp_path):
    db = server["home"].published_db
    before = sha(db)
    target = tmp_path / "x.csv"
    for statement in ("drop table marts.mart_personas",
                      f"copy (select * from marts.mart_personas) to '{target}'",
                      "create table marts.x as select 1",
                      "insert into marts.mart_personas select * from marts.mart_personas",
                      "delete from marts.mart_personas",
                      f"attach '{tmp_path / 'other.duckdb'}' as other",
                      "set enable_external_access = true",
                      f"select * from read_csv('{db}')"):
        result = psql(server, statement, check=False)
        assert result.returncode != 0, statement
        assert "ERROR" in result.stderr, (statement, result.stderr)
    assert not target.exists() and not (tmp_path / "other.duckdb").exists()
    assert sha(db) == before
    assert psql(server, "select count(*) from marts.mart_personas").stdout.strip() == "16"


# -- psycopg ----------------------------------------------------------------------------------

def test_psycopg_bound_parameters(server):
    expected = duck(server, "select persona, share_pct, significant_vs_prev from marts.mart_personas "
                            "where wave = ? and persona = ?", [2026, "janny"])
    with connect(server, autocommit=True) as conn:
        got = conn.execute("select persona, share_pct, significant_vs_prev from marts.mart_personas "
                           "where wave = %s and persona = %s", [2026, "janny"]).fetchall()
        assert got == expected
        # NULL, text, numbers, dates and lists as parameters
        row = conn.execute("select %s::int is null, %s, %s, %s, %s, %s",
                           [None, "tekst met 'quote'", 1.5, decimal.Decimal("-12.340"), dt.date(2026, 1, 2),
                            True]).fetchone()
        assert row == (True, "tekst met 'quote'", 1.5, decimal.Decimal("-12.340"), dt.date(2026, 1, 2), True)
        assert conn.execute("select count(*) from marts.mart_personas where persona = any(%s)",
                            [["janny", "juna"]]).fetchone()[0] == 8
        assert conn.execute("select count(*) from marts.mart_personas where wave = any(%s)",
                            [[2025, 2026]]).fetchone()[0] == 8
        # binary parameters and binary results (psycopg's binary protocol)
        with conn.cursor(binary=True) as cur:
            got = cur.execute("select persona, share_pct, significant_vs_prev from marts.mart_personas "
                              "where wave = %b and persona = %b", [2026, "janny"]).fetchall()
            assert got == expected
        # a parameter that is a list of rows' keys in a server-side cursor
    with connect(server) as conn:
        with conn.cursor(name="chunks") as cur:
            cur.execute("select * from marts.mart_sector_channels where wave = %s order by sector, channel", [2026])
            first = cur.fetchmany(10)
            rest = cur.fetchall()
        assert len(first) + len(rest) == duck(server, "select count(*) from marts.mart_sector_channels "
                                                      "where wave = 2026")[0][0]


def test_psycopg_errors_and_transactions(server):
    with connect(server) as conn:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("drop table marts.mart_personas")
        conn.rollback()
        with pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("select * from marts.no_such_mart")
        conn.rollback()
        assert conn.execute("select count(*) from marts.dim_sector").fetchone()[0] == 7
        conn.commit()
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            try:
                conn.execute("select 1/0::int from marts.no_such_mart")
            except psycopg.errors.UndefinedTable:
                pass
            conn.execute("select 1")
        conn.rollback()
        assert conn.info.server_version >= 150000
        assert conn.execute("show transaction isolation level").fetchone()[0] == "read committed"


# What BI tools send when they connect and sync metadata (PostgreSQL JDBC driver, used by Metabase,
# DBeaver and Tableau; SQLAlchemy's inspector, used by Superset and pandas).
JDBC_QUERIES = [
    """SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, c.relname AS TABLE_NAME, CASE n.nspname ~ '^pg_'
       OR n.nspname = 'information_schema' WHEN true THEN 'SYSTEM TABLE' WHEN false THEN CASE c.relkind
       WHEN 'r' THEN 'TABLE' WHEN 'v' THEN 'VIEW' ELSE NULL END ELSE NULL END AS TABLE_TYPE,
       d.description AS REMARKS, '' as TYPE_CAT FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c
       LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0
       and d.classoid = 'pg_class'::regclass) WHERE c.relnamespace = n.oid AND n.nspname LIKE 'marts'
       AND c.relname LIKE '%' AND (false OR ( c.relkind = 'r' AND n.nspname !~ '^pg_'
       AND n.nspname <> 'information_schema' ) ) ORDER BY TABLE_TYPE,TABLE_SCHEM,TABLE_NAME""",
    """SELECT * FROM (SELECT n.nspname,c.relname,a.attname,a.atttypid,a.attnotnull OR (t.typtype = 'd'
       AND t.typnotnull) AS attnotnull,a.atttypmod,a.attlen,t.typtypmod,row_number() OVER (PARTITION BY
       a.attrelid ORDER BY a.attnum) AS attnum, nullif(a.attidentity, '') as attidentity,
       pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS adsrc,dsc.description,t.typbasetype,t.typtype
       FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_class c ON (c.relnamespace = n.oid)
       JOIN pg_catalog.pg_attribute a ON (a.attrelid=c.oid) JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid)
       LEFT JOIN pg_catalog.pg_attrdef def ON (a.attrelid=def.adrelid AND a.attnum = def.adnum)
       LEFT JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)
       LEFT JOIN pg_catalog.pg_class dc ON (dc.oid=dsc.classoid AND dc.relname='pg_class')
       LEFT JOIN pg_catalog.pg_namespace dn ON (dc.relnamespace=dn.oid AND dn.nspname='pg_catalog')
       WHERE c.relkind in ('r','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped
       AND n.nspname LIKE 'marts' AND c.relname LIKE 'mart_personas') c WHERE true
       ORDER BY nspname,c.relname,attnum""",
    """SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid
       FROM pg_catalog.pg_type LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r from pg_namespace as ns
       join ( select s.r, (current_schemas(false))[s.r] as nspname from generate_series(1,
       array_upper(current_schemas(false), 1)) as s(r) ) as r using ( nspname ) ) as sp
       ON sp.nspoid = typnamespace WHERE pg_type.oid = 23 ORDER BY sp.r, pg_type.oid DESC""",
    """SELECT nspname AS TABLE_SCHEM, NULL AS TABLE_CATALOG FROM pg_catalog.pg_namespace
       WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_' OR nspname = (pg_catalog.current_schemas(true))[1])
       ORDER BY TABLE_SCHEM""",
    "select current_schema(), session_user, current_database(), pg_catalog.version()",
    """SELECT n.nspname AS schema, c.relname AS name, d.description AS description,
       stat.n_live_tup AS estimated_row_count FROM pg_catalog.pg_class c INNER JOIN pg_catalog.pg_namespace n
       ON c.relnamespace = n.oid LEFT JOIN pg_catalog.pg_description d ON c.oid = d.objoid AND d.objsubid = 0
       LEFT JOIN pg_stat_user_tables stat ON n.nspname = stat.schemaname AND c.relname = stat.relname
       WHERE c.relkind IN ('r', 'p', 'v', 'f', 'm') AND n.nspname <> 'information_schema'
       AND has_schema_privilege(n.nspname, 'USAGE')""",
    "select table_name, column_name, data_type from information_schema.columns where table_schema = 'marts'",
]


def test_catalogue_queries_bi_tools_send(server):
    with connect(server, autocommit=True) as conn:
        for statement in ("SET extra_float_digits = 3", "SET application_name = 'PostgreSQL JDBC Driver'",
                          "SET search_path TO marts, public"):
            conn.execute(statement)
        assert conn.execute("select count(*) from mart_personas").fetchone()[0] == 16  # search_path applied
        results = [conn.execute(q).fetchall() for q in JDBC_QUERIES]
    tables = [r[2] for r in results[0]]
    assert "mart_personas" in tables and all(r[3] == "TABLE" for r in results[0])
    assert any(r[4] and "Persona" in r[4] for r in results[0] if r[2] == "mart_personas")
    assert [r[2] for r in results[1]][:2] == ["wave", "persona"] and results[1][0][11]  # column comment
    assert "PostgreSQL" in results[4][0][3]
    assert any(r[0] == "marts" for r in results[5])

    import sqlalchemy as sa

    engine = sa.create_engine(f"postgresql+psycopg://analyst@127.0.0.1:{server['port']}/voice_monitor")
    try:
        inspector = sa.inspect(engine)
        assert {"marts", "audit"} <= set(inspector.get_schema_names())
        assert "mart_frustrations" in inspector.get_table_names(schema="marts")
        columns = {c["name"]: c for c in inspector.get_columns("mart_personas", schema="marts")}
        assert isinstance(columns["share_pct"]["type"], sa.Float)
        assert columns["wave"]["comment"]
        assert "Persona" in inspector.get_table_comment("mart_personas", schema="marts")["text"]
    finally:
        engine.dispose()


# -- re-publish -------------------------------------------------------------------------------

def _deleted_snapshots(pid: int) -> list[str]:
    fd_dir = Path(f"/proc/{pid}/fd")
    links = []
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if "voice_monitor.duckdb" in target and target.endswith("(deleted)"):
            links.append(target)
    return links


def test_republish_is_seen_by_new_connections_and_old_snapshots_are_released(server, tmp_path):
    db = server["home"].published_db
    old = connect(server)
    old_count = old.execute("select count(*) from marts.dim_wave").fetchone()[0]
    old.rollback()
    # the publisher's way: a complete new file next to the old one, renamed over it
    fresh = db.parent / ".voice_monitor.test.tmp"
    shutil.copy2(db, fresh)
    con = duckdb.connect(str(fresh))
    con.execute("insert into marts.dim_wave select wave + 10, respondents, fieldwork_month, source_file, "
                "weighting_efficiency from marts.dim_wave where wave = (select max(wave) from marts.dim_wave)")
    con.close()
    os.replace(fresh, db)
    try:
        with connect(server) as new:
            assert new.execute("select count(*) from marts.dim_wave").fetchone()[0] == old_count + 1
        assert psql(server, "select count(*) from marts.dim_wave").stdout.strip() == str(old_count + 1)
        # the connection opened before the publish keeps its snapshot until it closes …
        assert old.execute("select count(*) from marts.dim_wave").fetchone()[0] == old_count
        assert _deleted_snapshots(server["proc"].pid)
    finally:
        old.close()
    # … and then the replaced file is released
    for _ in range(50):
        if not _deleted_snapshots(server["proc"].pid):
            break
        import time
        time.sleep(0.1)
    assert _deleted_snapshots(server["proc"].pid) == []


def test_serve_refuses_to_start_without_a_published_database(tmp_path):
    from test_bi_support import cli_env, voice_monitor

    result = subprocess.run(voice_monitor("serve", "--port", str(free_port())), env=cli_env(Home.from_env(tmp_path)),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "voice-monitor run" in result.stderr
