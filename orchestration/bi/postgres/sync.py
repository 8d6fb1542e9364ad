"""Copy the published DuckDB file into the BI PostgreSQL and swap it in atomically.

* Source: the published file, opened read-only (never the build database): the sync copies
  exactly the snapshot a publish made, and can run while the next build writes.
* Load, in one transaction: every table of ``marts`` and ``audit`` into ``marts__next`` /
  ``audit__next`` with COPY (CSV written by DuckDB and Arrow in batches, no per-row Python),
  types mapped faithfully (``typemap``), primary keys on the grains dbt tests (``keys``),
  descriptions as COMMENT ON, SELECT for the analyst role, ANALYZE.
* Swap, at the end of that transaction: ``marts`` is renamed ``marts__retired_<n>`` and
  ``marts__next`` ``marts`` (the same for audit). Renaming a schema locks none of its tables, so
  the swap never waits for readers and never stops them: a running query holds its tables by
  OID and finishes on the old set; the next query resolves ``marts.x`` to the new table;
  prepared statements are re-planned (any schema change resets PostgreSQL's plan caches).
  Readers see the old set or the new set, never a mix.
* Clean-up, after the commit: the retired schemas are dropped with a short ``lock_timeout``.
  A reader still inside a long query holds the old tables; then they stay until a later sync.

Whether PostgreSQL holds the current publish is read from its own ``audit.publish_info``
(fingerprint and time of the publish); ``state/postgres/sync.json`` records the last attempt,
so a run can say the BI database is stale without connecting to it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from orchestration.bi.postgres import access, keys
from orchestration.bi.postgres.cluster import Layout
from orchestration.bi.postgres.typemap import export_expr, ident, pg_type
from orchestration.paths import MANIFEST, Home
from orchestration.publish.publish import PUBLISHED_SCHEMAS

BATCH_ROWS = 100_000
SYNC_LOCK = 0x766D5359                  # advisory lock key: one sync at a time per database
RETIRED = "__retired_"
DROP_LOCK_TIMEOUT = "2s"


@dataclass
class SyncResult:
    status: str                  # synced | current | stale
    target: str
    message: str = ""
    version: list | None = None  # [fingerprint, published_at in µs since the epoch] of the published file
    seconds: float = 0.0
    tables: int = 0
    rows: int = 0
    attempted_at: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("synced", "current")

    def line(self) -> str:
        """One line for the end of a run or for ``serve``."""
        where = f"BI database (PostgreSQL {self.target})"
        if self.status == "synced":
            return f"{where}: synced, {self.tables} tables, {self.rows:,} rows in {self.seconds:.1f} s"
        if self.status == "current":
            return f"{where}: up to date"
        return (f"{where}: STALE, it does not hold this publish ({self.message}). The DuckDB file is "
                "published; the next `voice-monitor run` or `voice-monitor serve` catches PostgreSQL up.")


def _marker(home: Home) -> Path:
    return Layout.of(home).root / "sync.json"


def last_attempt(home: Home) -> SyncResult | None:
    try:
        return SyncResult(**json.loads(_marker(home).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _record(home: Home, result: SyncResult) -> SyncResult:
    path = _marker(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(asdict(result)), encoding="utf-8")
    tmp.replace(path)
    return result


def published_version(source) -> list:
    """[fingerprint, published_at (µs since the epoch)] of a published database."""
    row = source.execute("select fingerprint, epoch_us(published_at) from audit.publish_info").fetchone()
    return [row[0], int(row[1])]


def _synced_version(conn) -> list | None:
    if conn.execute("select to_regclass('audit.publish_info')").fetchone()[0] is None:
        return None
    row = conn.execute("select fingerprint, (extract(epoch from published_at) * 1000000)::bigint "
                       "from audit.publish_info").fetchone()
    return [row[0], int(row[1])] if row else None


def sync(home: Home, target: access.Target | None = None, force: bool = False) -> SyncResult | None:
    """Bring PostgreSQL to the published file. Never raises for an unreachable or failing
    server: the result says the BI database is stale and why. None when there is nothing to
    sync to (no BI database set up) or nothing to sync from (nothing published yet)."""
    import duckdb
    import psycopg

    try:
        target = target or access.target(home)
    except access.AccessError as e:
        return _record(home, SyncResult("stale", "?", str(e), attempted_at=_now()))
    if target is None or not home.published_db.exists():
        return None
    started = time.monotonic()
    result = SyncResult("stale", str(target), attempted_at=_now())
    source = conn = None
    try:
        source = duckdb.connect(str(home.published_db), read_only=True)
        source.execute("set TimeZone = 'UTC'")
        result.version = published_version(source)
        with target.connect(autocommit=True) as conn:
            conn.execute("set lock_timeout = '60s'")
            conn.execute("select pg_advisory_lock(%s)", [SYNC_LOCK])
            if not force and _synced_version(conn) == result.version:
                result.status = "current"
            else:
                result.tables, result.rows = _load_and_swap(source, conn)
                result.status = "synced"
            _drop_retired(conn)
    except psycopg.OperationalError as e:
        result.message = f"{'the sync failed' if conn is not None else 'not reachable'}: {_first_line(e)}"
    except Exception as e:      # never fail the run that published: say what went wrong instead
        result.message = f"the sync failed: {type(e).__name__}: {_first_line(e)}"
    finally:
        if source is not None:
            source.close()
    result.seconds = round(time.monotonic() - started, 3)
    return _record(home, result)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _load_and_swap(source, conn) -> tuple[int, int]:
    from psycopg import sql

    grains = keys.declared_grains(MANIFEST)
    tables = source.execute(
        """select schema_name, table_name, comment from duckdb_tables()
           where database_name = current_database() and schema_name in ?
           order by schema_name, table_name""", [list(PUBLISHED_SCHEMAS)]).fetchall()
    analyst = access.ANALYST
    rows = 0
    with conn.transaction():
        conn.execute("set local maintenance_work_mem = '256MB'")
        for schema in PUBLISHED_SCHEMAS:
            conn.execute(f"drop schema if exists {ident(schema + '__next')} cascade")
            conn.execute(f"create schema {ident(schema + '__next')}")
        for schema, table, comment in tables:
            rows += _load_table(source, conn, schema, table, comment, grains)
        suffix = f"{RETIRED}{time.time_ns() // 1000}"
        for schema in PUBLISHED_SCHEMAS:
            staged = schema + "__next"
            conn.execute(sql.SQL("grant usage on schema {} to {}").format(sql.Identifier(staged),
                                                                          sql.Identifier(analyst)))
            conn.execute(sql.SQL("grant select on all tables in schema {} to {}").format(
                sql.Identifier(staged), sql.Identifier(analyst)))
            if conn.execute("select 1 from pg_namespace where nspname = %s", [schema]).fetchone():
                conn.execute(f"alter schema {ident(schema)} rename to {ident(schema + suffix)}")
                # a reader in a long query keeps its tables; a new statement must not find them
                conn.execute(sql.SQL("revoke usage on schema {} from {}").format(
                    sql.Identifier(schema + suffix), sql.Identifier(analyst)))
            conn.execute(f"alter schema {ident(staged)} rename to {ident(schema)}")
    return len(tables), rows


def _load_table(source, conn, schema: str, table: str, comment: str | None, grains) -> int:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    from psycopg import sql

    columns = source.execute(
        """select column_name, data_type, comment from duckdb_columns()
           where database_name = current_database() and schema_name = ? and table_name = ?
           order by column_index""", [schema, table]).fetchall()
    target = f"{ident(schema + '__next')}.{ident(table)}"
    conn.execute(f"create table {target} ("
                 + ", ".join(f"{ident(name)} {pg_type(kind)}" for name, kind, _ in columns) + ")")
    select = ", ".join(export_expr(name, kind) for name, kind, _ in columns)
    reader = source.sql(f"select {select} from {ident(schema)}.{ident(table)}").to_arrow_reader(BATCH_ROWS)
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    rows = 0
    with conn.cursor().copy(f"copy {target} from stdin (format csv)") as copy:
        for batch in reader:
            sink = pa.BufferOutputStream()
            pacsv.write_csv(batch, sink, options)
            copy.write(memoryview(sink.getvalue()))
            rows += batch.num_rows
    key = keys.primary_key(source, schema, table, [c[0] for c in columns], grains)
    if key:
        conn.execute(f"alter table {target} add primary key ({', '.join(ident(c) for c in key)})")
    if comment:
        conn.execute(sql.SQL(f"comment on table {target} is {{}}").format(sql.Literal(comment)))
    for name, _, text in columns:
        if text:
            conn.execute(sql.SQL(f"comment on column {target}.{ident(name)} is {{}}").format(sql.Literal(text)))
    conn.execute(f"analyze {target}")
    return rows


def _drop_retired(conn) -> int:
    """Drop the schemas earlier swaps retired; those a reader still holds stay. Returns how many stay."""
    import psycopg

    kept = 0
    pattern = "^(" + "|".join(PUBLISHED_SCHEMAS) + ")" + RETIRED
    for (name,) in conn.execute("select nspname from pg_namespace where nspname ~ %s order by 1", [pattern]).fetchall():
        try:
            with conn.transaction():
                conn.execute(f"set local lock_timeout = '{DROP_LOCK_TIMEOUT}'")
                conn.execute(f"drop schema {ident(name)} cascade")
        except psycopg.errors.LockNotAvailable:
            kept += 1
    return kept


def catch_up(home: Home, published_this_run: bool) -> SyncResult | None:
    """What ``voice-monitor run`` reports at its end. A run that published has already synced
    (the ``bi/postgres`` asset after the publish): its outcome is read back. Any other run
    syncs now if PostgreSQL is behind the published file. None when no BI database is set up."""
    try:
        target = access.target(home)
    except access.AccessError as e:
        return SyncResult("stale", "?", str(e))
    if target is None or not home.published_db.exists():
        return None
    last = last_attempt(home)
    if published_this_run and last is not None:
        return last
    if last is not None and last.ok and last.target == str(target) and last.version == _file_version(home):
        return SyncResult("current", str(target))
    return sync(home, target)


def _file_version(home: Home) -> list | None:
    import duckdb

    source = duckdb.connect(str(home.published_db), read_only=True)
    try:
        return published_version(source)
    except duckdb.Error:
        return None
    finally:
        source.close()
