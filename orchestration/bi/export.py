"""``voice-monitor export --format parquet DIR``: every published table as a Parquet file.

Layout: ``DIR/<schema>/<table>.parquet`` (marts — survey, social and dimensions — and audit),
plus ``DIR/manifest.json`` with row counts, columns and the dbt descriptions, so tools that
prefer files get the same self-description as the database. Files are written to a temporary
folder and moved into place, so a reader never sees half an export.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

SCHEMAS = ("marts", "audit")


@dataclass(frozen=True)
class Exported:
    schema: str
    table: str
    path: Path
    rows: int


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def export_parquet(published_db: Path, out_dir: Path) -> list[Exported]:
    if not published_db.exists():
        raise FileNotFoundError(f"no published database at {published_db}: run `voice-monitor run` first")
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(published_db), read_only=True)
    staging = Path(tempfile.mkdtemp(prefix=".export.", dir=out_dir))
    exported: list[Exported] = []
    manifest: dict = {"source": str(published_db), "tables": []}
    try:
        tables = con.execute(
            """select schema_name, table_name, comment from duckdb_tables()
               where database_name = current_database() and schema_name in ('marts', 'audit')
               order by schema_name, table_name""").fetchall()
        for schema, table, comment in tables:
            target = staging / schema / f"{table}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            escaped = str(target).replace("'", "''")
            con.execute(f"copy (select * from {_ident(schema)}.{_ident(table)}) to '{escaped}' "
                        "(format parquet, compression zstd)")
            rows = con.execute(f"select count(*) from {_ident(schema)}.{_ident(table)}").fetchall()[0][0]
            columns = con.execute(
                """select column_name, data_type, comment from duckdb_columns()
                   where database_name = current_database() and schema_name = ? and table_name = ?
                   order by column_index""", [schema, table]).fetchall()
            manifest["tables"].append({
                "schema": schema, "table": table, "file": f"{schema}/{table}.parquet", "rows": rows,
                "description": (comment or "").strip(),
                "columns": [{"name": n, "type": t, "description": (c or "").strip()} for n, t, c in columns]})
            exported.append(Exported(schema, table, out_dir / schema / f"{table}.parquet", rows))
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                               encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        con.close()
    for schema in SCHEMAS:
        if (staging / schema).exists():
            if (out_dir / schema).exists():
                shutil.rmtree(out_dir / schema)
            (staging / schema).rename(out_dir / schema)
    (staging / "manifest.json").replace(out_dir / "manifest.json")
    shutil.rmtree(staging, ignore_errors=True)
    return exported
