"""`voice-monitor serve` and the BI database as a security-minded user meets it: the settings it
prints, the generated analyst password (kept private), TLS from config/postgres.toml, psql
(`\\dt`, `\\d+`, `\\copy … to`), writes refused to the analyst, cancel requests, the analyst's
defaults, and reusing a running server."""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import threading
import time

import psycopg
import pytest

from test_bi_support import (  # noqa: F401 (fixture)
    bi_home, cli_env, free_port, home_with_published_copy, start_server, stop_server, voice_monitor,
)

pytestmark = pytest.mark.slow

PSQL = shutil.which("psql")


@pytest.fixture(scope="module")
def server(bi_home, tmp_path_factory):  # noqa: F811
    """serve with TLS configured and no VOICE_MONITOR_ANALYST_PASSWORD: it generates the password."""
    root = tmp_path_factory.mktemp("serve_tls")
    home = home_with_published_copy(bi_home, root / "home")
    cert, key = root / "server.crt", root / "server.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=120)
    (home.root / "config").mkdir()
    (home.root / "config" / "postgres.toml").write_text(f'ssl_cert_file = "{cert}"\nssl_key_file = "{key}"\n')
    running = start_server(home, free_port(), root / "serve.log")
    yield running
    stop_server(running)


def psql(server, *commands: str, check: bool = True, password: str | None = None,
         tuples_only: bool = True) -> subprocess.CompletedProcess:
    assert PSQL, "psql is not installed (Debian package postgresql-client)"
    argv = [PSQL, "-h", "127.0.0.1", "-p", str(server.port), "-U", "analyst", "-d", "voice_monitor",
            "-X", "-v", "ON_ERROR_STOP=1", "-A", "-F", "|"] + (["-t"] if tuples_only else [])
    for c in commands:
        argv += ["-c", c]
    env = dict(os.environ, PGCONNECT_TIMEOUT="10", PGPASSWORD=password or server.analyst_password)
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_serve_prints_the_settings_and_keeps_the_generated_password_private(server):
    out = server.log.read_text()
    password = server.analyst_password
    secret = server.home.state / "postgres" / "analyst.password"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE((server.home.state / "postgres" / "passwords.json").stat().st_mode) == 0o600
    for expected in ("host      127.0.0.1", f"port      {server.port}", "database  voice_monitor",
                     "user      analyst", f"password  {password}", str(secret),
                     f"psql -h 127.0.0.1 -p {server.port} -U analyst -d voice_monitor", "synced"):
        assert expected in out, expected
    assert len(password) >= 20
    # nowhere else: not in the server's log, the sync record, the settings the server reads
    folder = server.home.state / "postgres"
    others = [p for p in [*folder.glob("*"), *folder.glob("data/*.conf"), folder / "data" / "server.log"]
              if p.is_file() and p.name not in ("analyst.password", "passwords.json")]
    assert len(others) >= 4
    for path in others:
        assert password not in path.read_text(errors="replace"), path
    assert psql(server, "select current_user").stdout.strip() == "analyst"
    wrong = psql(server, "select 1", check=False, password="not-the-password")
    assert wrong.returncode != 0 and "password authentication failed" in wrong.stderr


def test_tls_from_config(server):
    with server.connect(sslmode="require") as conn:
        assert conn.execute("select ssl, version from pg_stat_ssl where pid = pg_backend_pid()").fetchone()[0] is True
        assert conn.execute("select count(*) from marts.dim_wave").fetchone()[0] == 4
    assert "SSL       on (sslmode=require" in server.log.read_text()


def test_non_loopback_without_tls_is_refused(tmp_path, bi_home):  # noqa: F811
    home = home_with_published_copy(bi_home, tmp_path / "home")
    (home.root / "config").mkdir()
    (home.root / "config" / "postgres.toml").write_text('listen_addresses = "*"\n')
    done = subprocess.run(voice_monitor("serve", "--port", str(free_port())), env=cli_env(home),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "needs TLS" in done.stderr and "Traceback" not in done.stderr
    assert not (home.state / "postgres" / "data").exists()


def test_serve_refuses_to_start_without_a_published_database(tmp_path):
    from orchestration.paths import Home

    done = subprocess.run(voice_monitor("serve", "--port", str(free_port())), env=cli_env(Home.from_env(tmp_path)),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "voice-monitor run" in done.stderr


def test_psql_lists_and_describes_the_marts(server):
    listed = [line.split("|")[1] for line in psql(server, r"\dt marts.*").stdout.strip().splitlines()]
    assert listed == [r[0] for r in server.duck("select table_name from duckdb_tables() "
                                                "where schema_name = 'marts' order by 1")]
    described = psql(server, r"\d+ marts.mart_personas", tuples_only=False).stdout
    for column, comment in server.duck("select column_name, comment from duckdb_columns() "
                                       "where schema_name = 'marts' and table_name = 'mart_personas'"):
        assert re.search(rf"^{column}\|", described, flags=re.M), column
        assert comment.strip() in described, column
    assert "PRIMARY KEY, btree (wave, persona)" in described
    assert {"marts", "audit"} <= {line.split("|")[0] for line in psql(server, r"\dn").stdout.split()}


def test_psql_copy_to_a_client_file(server, tmp_path):
    target = tmp_path / "personas.csv"
    psql(server, rf"\copy (select wave, persona, share_pct, significant_vs_prev from marts.mart_personas "
                 rf"order by wave, persona) to '{target}' with (format csv)")
    rows = [line.split(",") for line in target.read_text().splitlines()]
    expected = server.duck("select wave, persona, share_pct, significant_vs_prev from marts.mart_personas "
                           "order by wave, persona")
    assert len(rows) == len(expected) == 16
    for got, (wave, persona, share, significant) in zip(rows, expected):
        assert (int(got[0]), got[1], float(got[2])) == (wave, persona, share)      # doubles read back exactly
        assert got[3] == {True: "t", False: "f", None: ""}[significant]


def test_writes_as_analyst_are_refused(server, tmp_path):
    before = psql(server, "select count(*) from marts.mart_personas").stdout.strip()
    target = tmp_path / "server_side.csv"
    with server.connect(autocommit=True) as conn:
        for statement in ("insert into marts.mart_personas select * from marts.mart_personas",
                          "delete from marts.mart_personas", "drop table marts.mart_personas",
                          "create table public.x (a int)", "create temp table x (a int)"):
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                conn.execute(statement)
        # the read-only default is only the first fence: a read-write transaction still has no rights
        for statement, error in (("insert into marts.mart_personas select * from marts.mart_personas",
                                  psycopg.errors.InsufficientPrivilege),
                                 ("truncate marts.mart_personas", psycopg.errors.InsufficientPrivilege),
                                 ("create table public.x (a int)", psycopg.errors.InsufficientPrivilege),
                                 ("create temp table x (a int)", psycopg.errors.InsufficientPrivilege),
                                 (f"copy marts.mart_personas to '{target}'", psycopg.errors.InsufficientPrivilege),
                                 ("alter role analyst superuser", psycopg.errors.InsufficientPrivilege)):
            with pytest.raises(error):
                with conn.transaction():
                    conn.execute("set transaction read write")
                    conn.execute(statement)
    assert not target.exists()
    assert psql(server, "select count(*) from marts.mart_personas").stdout.strip() == before == "16"


def test_analyst_defaults(server):
    with server.connect() as conn:
        assert conn.execute("show default_transaction_read_only").fetchone()[0] == "on"
        assert conn.execute("show statement_timeout").fetchone()[0] == "15min"
        conn.execute("set statement_timeout = '300ms'")
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute("select pg_sleep(5)")


def _wait_until_sleeping(server, application_name: str) -> None:
    with server.connect(autocommit=True) as watcher:
        for _ in range(200):
            if watcher.execute("select count(*) from pg_stat_activity where application_name = %s "
                               "and state = 'active' and query like '%%pg_sleep%%'", [application_name]).fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the long query never started")


def test_cancel_request_stops_a_long_query(server):
    conn = server.connect(autocommit=True, application_name="cancel-test")
    outcome: dict = {}

    def long_query():
        started = time.monotonic()
        try:
            conn.execute("select pg_sleep(60)")
        except psycopg.Error as e:
            outcome["error"] = e
        outcome["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=long_query)
    worker.start()
    _wait_until_sleeping(server, "cancel-test")
    conn.cancel_safe()
    worker.join(30)
    assert not worker.is_alive()
    assert isinstance(outcome.get("error"), psycopg.errors.QueryCanceled) and outcome["seconds"] < 30
    assert conn.execute("select 1").fetchone() == (1,)      # the session goes on
    conn.close()


def test_psql_interrupt_sends_a_cancel_request(server):
    env = dict(os.environ, PGPASSWORD=server.analyst_password, PGAPPNAME="psql-cancel")
    proc = subprocess.Popen([PSQL, "-h", "127.0.0.1", "-p", str(server.port), "-U", "analyst", "-d", "voice_monitor",
                             "-X", "-c", "select pg_sleep(60)"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    _wait_until_sleeping(server, "psql-cancel")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert "canceling statement due to user request" in err


def test_a_second_serve_reuses_the_running_server(server, tmp_path):
    second = start_server(server.home, server.port, tmp_path / "second.log")
    out = second.log.read_text()
    stop_server(second)
    assert "already running" in out and "up to date" in out
    assert psql(server, "select count(*) from marts.dim_wave").stdout.strip() == "4"   # still serving
