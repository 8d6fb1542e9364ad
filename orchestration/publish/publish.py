"""Atomic publish of the BI database.

The published file is never opened for writing: a fresh file is built next to it from the
build database (marts, audit tables, comments), synced to disk, and renamed over the old
one. A reader that has the old file open keeps its snapshot (the old inode), new
connections see the new file, and a crash at any moment leaves either the old or the new
file in place — never a half-written one.

The file gets the published mode (orchestration.warehouse.permissions; it is the one file meant
for other accounts), and its SHA-256, size, mtime and inode are recorded: a run that finds it
missing, truncated or changed publishes it again (``published_problem``,
``republish_if_damaged``). Each publish also records the totals the next change check compares
with (expectations/publish_change.py) and rewrites the archive manifest
(orchestration.warehouse.archive).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from orchestration import settings
from orchestration.paths import PROJECT_DIR, Home
from orchestration.warehouse import faults, state

PUBLISHED_SCHEMAS = ("marts", "audit")
FINGERPRINT_KEY = state.FINGERPRINT_KEY
CHECKSUM_KEY = "published_checksum"        # JSON: sha256, size, mtime_ns, ino of the published file
# Tables the build database keeps in ops that the published copy shows under audit.
AUDIT_FROM_OPS = {
    "ingested_files": 'select path, kind, "partition", content_hash, status, loaded_at, message '
                      "from ops.ingested_files order by loaded_at, path",
    # the latest result of every expectation (GX guards), for BI
    "quality_results": "select suite, expectation, target, success, severity, observed_value, details, run_time "
                       "from ops.quality_results qualify row_number() over "
                       "(partition by suite, expectation, target order by run_time desc) = 1",
}

# Descriptions of the tables the publisher writes itself (dbt's persist_docs covers the rest).
PUBLISHER_DOCS = {
    "ingested_files": ("One row per (path, content hash) the warehouse has seen, with its outcome.", {
        "path": "File path relative to $VOICE_MONITOR_HOME.",
        "kind": "survey or social.",
        "partition": "Wave (survey) or month YYYY-MM (social); NULL for files with other names.",
        "content_hash": "SHA-256 of the file's bytes.",
        "status": "loaded, rejected (quarantined), ignored (not the delivery / other name) or failed "
                  "(passed validation but its run failed; set aside until the file changes).",
        "loaded_at": "When this outcome was recorded.",
        "message": "Plain-words reason for rejected, ignored and failed files.",
    }),
    "quality_results": ("Latest result of every Great Expectations expectation guarding weighting and totals.", {
        "suite": "Expectation suite (weighting, survey_totals, social_totals).",
        "expectation": "The expectation.",
        "target": "What it was checked on (wave, mart, question).",
        "success": "Whether it passed.",
        "severity": "error (blocks publishing) or warning (recorded only).",
        "observed_value": "The observed value.",
        "details": "More detail on a failure.",
        "run_time": "When it ran.",
    }),
    "publish_info": ("When and from what this database was published.", {
        "fingerprint": "Hash of the live deliveries, population targets and project code it was built from.",
        "published_at": "When it was published (UTC).",
        "storage_version": "DuckDB storage version of this file (readable by DuckDB clients of that version and newer).",
    }),
}


def _document(con, alias: str, table: str) -> None:
    description, columns = PUBLISHER_DOCS[table]
    con.execute(f"comment on table {alias}.audit.{table} is {_sql_str(description)}")
    for column, text in columns.items():
        con.execute(f'comment on column {alias}.audit.{table}."{column}" is {_sql_str(text)}')


@dataclass(frozen=True)
class PublishResult:
    path: Path
    tables: int
    size_bytes: int
    fingerprint: str
    unarchived: tuple[str, ...] = ()     # accepted deliveries a rebuild could not restore


def project_code_hash() -> str:
    """Hash of everything that shapes the published numbers besides the data: models,
    macros, seeds, dbt_project.yml and the Python package. A change means a rebuild."""
    h = hashlib.sha256()
    roots = [PROJECT_DIR / d for d in ("models", "macros", "seeds", "orchestration", "expectations")]
    files = [PROJECT_DIR / "dbt_project.yml"]
    for root in roots:
        if root.exists():
            files.extend(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(files):
        h.update(path.relative_to(PROJECT_DIR).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def current_fingerprint(con, targets_hash: str) -> str:
    return state.active_fingerprint(con, targets_hash, project_code_hash())


def marker_path(home: Home) -> Path:
    return home.state / "published.json"


def published_inputs(home: Home) -> dict:
    """What the last publish was built from besides the data (code and targets hashes), as a
    plain file: the build sensor reads it without opening the build database."""
    try:
        return json.loads(marker_path(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_marker(home: Home, targets_hash: str, code_hash: str, checksum: dict | None = None) -> None:
    tmp = marker_path(home).with_suffix(".tmp")
    tmp.write_text(json.dumps({"code_hash": code_hash, "targets_hash": targets_hash,
                               "published_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                               "checksum": checksum}), encoding="utf-8")
    tmp.replace(marker_path(home))


def is_published(con, home: Home, fingerprint: str) -> bool:
    return home.published_db.exists() and state.kv_get(con, FINGERPRINT_KEY) == fingerprint


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def remove_stale_temp_files(home: Home) -> None:
    """Temp files of a publish that was killed before its rename (we hold the writer lock)."""
    for stale in home.warehouse_dir.glob(".voice_monitor.*.tmp*"):
        stale.unlink(missing_ok=True)


def publish(con, home: Home, fingerprint: str, storage_version: str = settings.DEFAULT_STORAGE_VERSION,
            targets_hash: str = "") -> PublishResult:
    """Copy marts and audit tables from the build database into a new file and swap it in."""
    from expectations.publish_change import record_totals
    from orchestration.warehouse import archive
    from orchestration.warehouse.permissions import published_dir, published_mode

    published_dir(home.warehouse_dir)
    remove_stale_temp_files(home)
    tmp = home.warehouse_dir / f".voice_monitor.{uuid.uuid4().hex}.tmp"
    alias = "publish_target"
    options = f" (STORAGE_VERSION {_sql_str(storage_version)})" if storage_version else ""
    con.execute(f"attach {_sql_str(str(tmp))} as {alias}{options}")
    tables = 0
    try:
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"create schema {alias}.{schema}")
        rows = con.execute(
            """select schema_name, table_name, comment from duckdb_tables()
               where database_name = current_database() and schema_name in ('marts', 'audit')
               order by schema_name, table_name""").fetchall()
        overridden = {("audit", name) for name in AUDIT_FROM_OPS}
        for schema, table, comment in rows:
            if (schema, table) in overridden:
                continue
            con.execute(f"create table {alias}.{schema}.{table} as select * from {schema}.{table}")
            tables += 1
            if comment:
                con.execute(f"comment on table {alias}.{schema}.{table} is {_sql_str(comment)}")
        for name, query in AUDIT_FROM_OPS.items():
            con.execute(f"create table {alias}.audit.{name} as {query}")
            _document(con, alias, name)
            tables += 1
        con.execute(f"""create table {alias}.audit.publish_info as
                        select {_sql_str(fingerprint)} as fingerprint,
                               cast({_sql_str(dt.datetime.now(dt.timezone.utc).isoformat())} as timestamptz) as published_at,
                               {_sql_str(storage_version)} as storage_version""")
        _document(con, alias, "publish_info")
        tables += 1
        columns = con.execute(
            """select schema_name, table_name, column_name, comment from duckdb_columns()
               where database_name = current_database() and schema_name in ('marts', 'audit')
                 and comment is not null and comment <> ''""").fetchall()
        for schema, table, column, comment in columns:
            if (schema, table) in overridden:
                continue
            con.execute(f'comment on column {alias}.{schema}.{table}."{column}" is {_sql_str(comment)}')
        con.execute(f"checkpoint {alias}")
    finally:
        con.execute(f"detach {alias}")
    os.chmod(tmp, published_mode())
    state.fsync(tmp)
    digest = state.sha256_file(tmp)
    faults.reached("publish")      # the new file is complete but not yet swapped in
    os.replace(tmp, home.published_db)
    state.fsync(home.warehouse_dir)
    checksum = _checksum_record(home.published_db, digest)
    state.kv_set(con, FINGERPRINT_KEY, fingerprint)
    state.kv_set(con, CHECKSUM_KEY, json.dumps(checksum))
    state.kv_set(con, state.BUILD_DIRTY_KEY, "0")
    record_totals(con)
    _write_marker(home, targets_hash, project_code_hash(), checksum)
    unarchived = archive.write_manifest(con, home)
    return PublishResult(home.published_db, tables, checksum["size"], fingerprint, tuple(unarchived))


def _checksum_record(path: Path, digest: str) -> dict:
    st = path.stat()
    return {"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "ino": st.st_ino}


def published_problem(con, home: Home) -> str | None:
    """None when ``warehouse/voice_monitor.duckdb`` is the file the last publish wrote (or nothing
    was published from this build database); else what is wrong with it, in words. Hashing is
    skipped while size, mtime and inode are as recorded."""
    fingerprint = state.kv_get(con, FINGERPRINT_KEY)
    if fingerprint is None:
        return None
    path, name = home.published_db, home.relative(home.published_db)
    if not path.exists():
        return f"The published database {name} is missing"
    st = path.stat()
    raw = state.kv_get(con, CHECKSUM_KEY)
    if raw is None:              # published before checksums were recorded: trust it if it opens as that publish
        if _published_fingerprint(path) != fingerprint:
            return f"The published database {name} cannot be read or is not the last publish"
        state.kv_set(con, CHECKSUM_KEY, json.dumps(_checksum_record(path, state.sha256_file(path))))
        return None
    record = json.loads(raw)
    if st.st_size != record["size"]:
        return (f"The published database {name} is {st.st_size:,} bytes, but the last publish wrote "
                f"{record['size']:,} (truncated or changed)")
    if (st.st_mtime_ns, st.st_ino) == (record["mtime_ns"], record["ino"]):
        return None
    if state.sha256_file(path) != record["sha256"]:
        return f"The published database {name} was changed after it was published (its checksum differs)"
    state.kv_set(con, CHECKSUM_KEY, json.dumps(_checksum_record(path, record["sha256"])))   # touched only
    return None


def _published_fingerprint(path: Path) -> str | None:
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = state.first_row(con.execute("select fingerprint from audit.publish_info"))
        return row[0] if row else None
    except duckdb.Error:
        return None
    finally:
        con.close()


def republish_if_damaged(con, home: Home, targets_hash: str) -> tuple[str | None, bool]:
    """(what was wrong and what was done, whether the published database is now current).
    A damaged file is published again straight from the build database when that still holds
    exactly what was published; otherwise (a failed build since) the run rebuilds first."""
    problem = published_problem(con, home)
    if problem is None:
        return None, True
    fingerprint = current_fingerprint(con, targets_hash)
    if state.kv_get(con, FINGERPRINT_KEY) == fingerprint and state.kv_get(con, state.BUILD_DIRTY_KEY) != "1":
        publish(con, home, fingerprint, settings.storage_version(), targets_hash)
        return f"{problem}: published it again from the build database.", True
    return f"{problem}: it is rebuilt and published again by this run.", False
