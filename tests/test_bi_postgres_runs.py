"""`voice-monitor run` and the BI PostgreSQL: a run that publishes while PostgreSQL is down still
publishes the DuckDB file and says the BI database is stale; the next run catches it up even
with nothing else to do; a run that publishes while PostgreSQL is up syncs it (the bi/postgres
asset after the publish)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from orchestration.bi.postgres import cluster
from orchestration.bi.postgres.cluster import Layout, Settings
from orchestration.paths import Home
from tools.sample.social import write_benchmark_export
from test_bi_support import bi_home, cli_env, free_port, start_server, stop_server, voice_monitor  # noqa: F401

pytestmark = pytest.mark.slow


def _run(home: Home) -> str:
    done = subprocess.run(voice_monitor("run", "--quiet"), env=cli_env(home), capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _posts(home: Home) -> int:
    import duckdb

    con = duckdb.connect(str(home.published_db), read_only=True)
    try:
        return con.execute("select count(*) from marts.fct_social_posts").fetchone()[0]
    finally:
        con.close()


def _pg_posts(home: Home, port: int) -> int:
    from orchestration.bi.postgres.access import local_target

    with local_target(Layout.of(home), port).connect() as conn:
        return conn.execute("select count(*) from marts.fct_social_posts").fetchone()[0]


def test_stale_while_down_caught_up_by_the_next_run_and_synced_by_a_publish(bi_home, tmp_path):  # noqa: F811
    home = Home.from_env(tmp_path / "home")
    shutil.copytree(bi_home.root, home.root, symlinks=True)
    port = free_port()
    stop_server(start_server(home, port, tmp_path / "serve.log"))      # set up and synced, then down
    layout = Layout.of(home)
    assert cluster.postmaster(layout) is None
    before = _posts(home)

    write_benchmark_export(home.landing_social / "posts_2026-02.jsonl", n_posts=40, seed=11)
    out = _run(home)
    assert f"Published: {home.published_db}" in out
    assert "BI database (PostgreSQL 127.0.0.1:" in out and "STALE" in out and "Connection refused" in out
    published = _posts(home)
    assert published > before

    cluster.start(layout, Settings(port=port))          # PostgreSQL back, still on the old publish
    try:
        assert _pg_posts(home, port) == before
        out = _run(home)                                   # nothing new in the landing zone …
        assert "Nothing to do" in out and "synced" in out  # … and yet it catches PostgreSQL up
        assert _pg_posts(home, port) == published

        write_benchmark_export(home.landing_social / "posts_2026-03.jsonl", n_posts=40, seed=12)
        out = _run(home)                                   # a publish while PostgreSQL is up syncs it
        assert f"Published: {home.published_db}" in out and "bi__postgres" in out and "synced" in out
        assert _posts(home) > published
        assert _pg_posts(home, port) == _posts(home)
        assert "up to date" in _run(home)
    finally:
        cluster.stop(layout)
