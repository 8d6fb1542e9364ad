"""`voice-monitor export --format parquet DIR`: every published table as Parquet, row counts round-trip."""

from __future__ import annotations

import json
import subprocess

import duckdb
import pyarrow.parquet as pq
import pytest

from orchestration.paths import PROJECT_DIR
from test_bi_support import bi_home, cli_env, voice_monitor  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


def test_export_parquet_round_trips_every_table(bi_home, tmp_path):  # noqa: F811
    out = tmp_path / "export"
    done = subprocess.run(voice_monitor("export", "--format", "parquet", str(out)), cwd=PROJECT_DIR,
                          env=cli_env(bi_home), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    con = duckdb.connect(str(bi_home.published_db), read_only=True)
    try:
        tables = con.execute("select schema_name, table_name from duckdb_tables() "
                             "where schema_name in ('marts', 'audit') order by 1, 2").fetchall()
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert {(t["schema"], t["table"]) for t in manifest["tables"]} == set(tables)
        for schema, table in tables:
            path = out / schema / f"{table}.parquet"
            assert path.exists(), path
            expected = con.execute(f'select count(*) from "{schema}"."{table}"').fetchall()[0][0]
            assert pq.ParquetFile(path).metadata.num_rows == expected, f"{schema}.{table}"
            columns = [r[0] for r in con.execute(
                "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
                "order by column_index", [schema, table]).fetchall()]
            assert pq.read_schema(path).names == columns
        # numbers survive exactly
        original = con.execute("select * from marts.mart_personas order by wave, persona").fetchall()
        exported = con.execute(f"select * from read_parquet('{out}/marts/mart_personas.parquet') "
                               "order by wave, persona").fetchall()
        assert exported == original
    finally:
        con.close()
    assert {"dim_channel", "mart_frustrations"} <= {t["table"] for t in manifest["tables"]}
    assert "marts" in done.stdout and str(out) in done.stdout
    assert not list(out.glob(".export.*")), "staging folder left behind"


def test_export_refuses_unknown_format(bi_home, tmp_path):  # noqa: F811
    done = subprocess.run(voice_monitor("export", "--format", "xlsx", str(tmp_path)), cwd=PROJECT_DIR,
                          env=cli_env(bi_home), capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
