"""What passes between the build database (DuckDB) and the Spark warehouse around a Spark build.

Before dbt runs on Spark: the build database's bookkeeping the social models read
(``ops.active_social_deliveries``: which delivery of every file is live) is written as one
Parquet file, which ``register_social_sources()`` (macros/spark_sources.sql) puts behind a Spark
table. After it: the social marts and audit tables Spark built are read from their Parquet files
into the build database under the same names, cast to the types the dbt contracts declare, with
dbt's descriptions as comments, so the quality guards, the survey models that read social marts
(audit.reconciliation) and the publisher see the same tables as with the DuckDB engine.
``fct_social_posts`` above ``fact_copy_limit()`` rows stays in the Spark warehouse: the build
database gets a view on its Parquet files instead (docs/scale_out.md).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from orchestration.spark import settings

# The Spark-built social tables that come back, and are published like the DuckDB engine's.
MIRRORED = (
    ("marts", "fct_social_posts"),
    ("marts", "mart_social_themes"),
    ("marts", "mart_social_volume"),
    ("marts", "mart_social_quotes"),
    ("audit", "social_load_totals"),
    ("audit", "social_quarantine"),
)
FACT = ("marts", "fct_social_posts")
# The per-version table whose new rows the run reports (orchestration/transform/assets.py).
CLASSIFIED = ("intermediate", "int_social__classified_versions")


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def push_ops(con, paths: settings.SparkPaths) -> None:
    """Write ops.active_social_deliveries for Spark (replacing the previous run's file)."""
    target = Path(paths.ops) / "active_social_deliveries"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    con.execute(f"""copy (select kind, key, "partition", path, content_hash, role
                          from ops.active_social_deliveries order by key)
                    to {_sql_str(str(target / 'part-0.parquet'))} (format parquet)""")


def parquet_scan(paths: settings.SparkPaths, schema: str, table: str) -> str:
    """A DuckDB table function reading a Spark table's Parquet files (partition folders
    ``name=value`` become columns)."""
    folder = paths.table_dir(schema, table)
    return (f"read_parquet({_sql_str(folder + '/**/*.parquet')}, hive_partitioning = true, "
            "union_by_name = true)")


@dataclass
class MirrorResult:
    copied: list[str]
    fact_rows: int
    fact_in_spark: bool      # True: the build database has a view on the Spark table


def _contracts(manifest_path: Path) -> dict[tuple[str, str], dict]:
    """Per (schema, model): its description and columns (name → (data type, description))."""
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    out = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model":
            out[(node["schema"], node["name"])] = {
                "description": node.get("description") or "",
                "columns": {c: (v.get("data_type"), v.get("description") or "")
                            for c, v in node.get("columns", {}).items()},
            }
    return out


def _select_list(con, scan: str, declared: dict) -> str:
    """The Spark table's columns, in the declared order where there is one, cast to the
    declared DuckDB types (Spark's TIMESTAMP is read as an instant, arrays as lists)."""
    present = [r[0] for r in con.execute(f"describe select * from {scan}").fetchall()]
    order = [c for c in declared if c in present] + [c for c in present if c not in declared]
    parts = []
    for column in order:
        data_type = declared.get(column, (None, ""))[0]
        quoted = '"' + column.replace('"', '""') + '"'
        parts.append(f"cast({quoted} as {data_type}) as {quoted}" if data_type else quoted)
    return ", ".join(parts)


def mirror_social(con, paths: settings.SparkPaths, manifest_path: Path, copy_limit: int | None = None,
                  log=None) -> MirrorResult:
    """Bring the Spark-built social marts and audit tables into the build database (module
    docstring), each replaced in one transaction."""
    limit = settings.fact_copy_limit() if copy_limit is None else copy_limit
    contracts = _contracts(manifest_path)
    copied, fact_rows, fact_in_spark = [], 0, False
    for schema, table in MIRRORED:
        scan = parquet_scan(paths, schema, table)
        contract = contracts.get((schema, table), {"description": "", "columns": {}})
        select = _select_list(con, scan, contract["columns"])
        con.execute(f"create schema if not exists {schema}")
        con.execute("begin")
        try:
            if (schema, table) == FACT:
                fact_rows = con.execute(f"select count(*) from {scan}").fetchone()[0]
                fact_in_spark = fact_rows > limit
            kind = "view" if (schema, table) == FACT and fact_in_spark else "table"
            existing = con.execute("select table_type from information_schema.tables where table_schema = ? "
                                   "and table_name = ?", [schema, table]).fetchone()
            if existing:
                con.execute(f"drop {'view' if existing[0] == 'VIEW' else 'table'} {schema}.{table}")
            con.execute(f"create {kind} {schema}.{table} as select {select} from {scan}")
            if contract["description"]:
                con.execute(f"comment on {kind} {schema}.{table} is {_sql_str(contract['description'])}")
            for column, (_, text) in contract["columns"].items():
                if text:
                    con.execute(f'comment on column {schema}.{table}."{column}" is {_sql_str(text)}')
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        copied.append(f"{schema}.{table}")
    if log is not None:
        where = (f"left in the Spark warehouse ({fact_rows:,} rows > {limit:,}; the build database has a view on "
                 f"{paths.table_dir(*FACT)})") if fact_in_spark else f"copied ({fact_rows:,} rows)"
        log.info(f"Social marts built on Spark brought into the build database; fct_social_posts {where}.")
    return MirrorResult(copied, fact_rows, fact_in_spark)


def classified_counts(con, paths: settings.SparkPaths, since) -> tuple[int, int]:
    """(post versions of the Spark per-version table built at or after ``since``, all of them)."""
    scan = parquet_scan(paths, *CLASSIFIED)
    return con.execute(f"select count(*) filter (where built_at >= ?), count(*) from {scan}", [since]).fetchone()
