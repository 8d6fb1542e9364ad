"""The build database's own bookkeeping: which deliveries are live, which are pending.

Why a pending/current split: a run stages what it ingests as *pending*; the models are
built from "pending where there is one, else current" (``ops.active_deliveries``). Only a
run that passes every check commits pending → current and publishes. A run that fails in
a handled way sets the pending deliveries it can blame aside (status ``failed``,
orchestration.warehouse.blame) and keeps the others pending for the next run; a run killed
with -9 leaves them pending, and the next run simply builds them again. Nothing else is
needed for crash recovery: no half-registered partitions, no stale temp tables.

A third role, *held*, is a re-delivery that would withdraw too much published data
(orchestration.warehouse.holds): its rows are kept, but no build uses it until the operator
accepts it (``voice-monitor run --accept``) or drops it (``--drop``).

Raw rows carry ``_delivery_key`` and ``_content_hash``; rows no delivery points at are
garbage and are deleted on commit and rollback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb

from orchestration.paths import Home
from orchestration.warehouse.permissions import private_dir

# kind -> raw tables holding that kind's rows (each has _delivery_key and _content_hash)
RAW_TABLES: dict[str, tuple[str, ...]] = {
    "survey": ("raw.survey_responses",),
    "social": ("raw.social_posts", "raw.social_malformed_lines"),
}

_SCHEMA_SQL = """
create schema if not exists ops;
create schema if not exists raw;
create schema if not exists weights;
create table if not exists ops.ingested_files (
    path varchar not null,
    kind varchar not null,
    "partition" varchar,
    content_hash varchar not null,
    status varchar not null,
    loaded_at timestamptz not null,
    message varchar,
    primary key (path, content_hash)
);
create table if not exists ops.deliveries (
    kind varchar not null,
    key varchar not null,
    "partition" varchar,
    path varchar not null,
    content_hash varchar not null,
    role varchar not null,          -- 'current', 'pending' or 'held'
    run_id varchar,
    staged_at timestamptz not null,
    primary key (kind, key, role)
);
create or replace view ops.active_deliveries as
select d.kind, d.key, d."partition", d.path, d.content_hash, d.role
from ops.deliveries d
where d.role = 'pending'
   or (d.role = 'current'
       and not exists (select 1 from ops.deliveries p
                       where p.kind = d.kind and p.key = d.key and p.role = 'pending'));
create or replace view ops.active_survey_deliveries as
select * from ops.active_deliveries where kind = 'survey';
create or replace view ops.active_social_deliveries as
select * from ops.active_deliveries where kind = 'social';
create table if not exists ops.kv (key varchar primary key, value varchar);
create table if not exists ops.file_hashes (
    path varchar primary key, size bigint, mtime_ns bigint, content_hash varchar
);
create table if not exists ops.survey_weighting (
    wave integer primary key, n bigint, sum_w double, min_w double, max_w double, deff double,
    n_eff double, efficiency double, max_margin_deviation double, iterations bigint
);
create table if not exists weights.survey_weights (
    wave integer not null, respid varchar not null, weight double not null,
    primary key (wave, respid)
);
create table if not exists ops.quality_results (
    run_id varchar, suite varchar, expectation varchar, target varchar, success boolean,
    severity varchar, observed_value varchar, details varchar, run_time timestamptz
);
create table if not exists ops.population_targets (
    wave integer, variable varchar, code integer, share double, raking_share double
);
create table if not exists ops.holds (
    kind varchar not null, key varchar not null, "partition" varchar, path varchar not null,
    content_hash varchar not null, message varchar not null, details varchar, held_at timestamptz not null,
    primary key (kind, key)
);
create table if not exists ops.consents (
    kind varchar not null, key varchar not null, path varchar not null, content_hash varchar not null,
    action varchar not null,        -- accept | drop
    partitions varchar not null,    -- JSON list of the waves / months whose published totals may change
    given_at timestamptz not null
);
create table if not exists ops.published_totals (
    kind varchar not null, "partition" varchar not null, total bigint not null,
    primary key (kind, "partition")
);
"""


def first_row(result):
    """The first row of a result, fetching it to the end (DuckDB 2.0 keeps a half-read
    result open on the connection, which blocks e.g. ``register``)."""
    rows = result.fetchall()
    return rows[0] if rows else None


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def connect(home: Home, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the build database (never the published one) and make sure our tables exist."""
    private_dir(home.state)
    con = duckdb.connect(str(home.work_db), read_only=read_only)
    if not read_only:
        con.execute(_SCHEMA_SQL)
        from orchestration.warehouse import raw_schema

        raw_schema.ensure(con)
    return con


@contextmanager
def session(home: Home) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(home)
    try:
        yield con
    finally:
        con.close()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fsync(path: Path) -> None:
    """Flush a file's (or a folder's entries') data to disk."""
    import os

    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_hash(con: duckdb.DuckDBPyConnection, home: Home, path: Path) -> str:
    """SHA-256 of a file's bytes, cached by (size, mtime) so big exports are read once."""
    st = path.stat()
    rel = home.relative(path)
    row = first_row(con.execute("select size, mtime_ns, content_hash from ops.file_hashes where path = ?", [rel]))
    if row and row[0] == st.st_size and row[1] == st.st_mtime_ns:
        return row[2]
    digest = sha256_file(path)
    con.execute("insert or replace into ops.file_hashes values (?, ?, ?, ?)",
                [rel, st.st_size, st.st_mtime_ns, digest])
    return digest


# --- the registry of files seen (audit.ingested_files) ---------------------------------

def record_file(con, path: str, kind: str, partition: str | None, content_hash: str,
                status: str, message: str | None = None) -> None:
    con.execute(
        """insert into ops.ingested_files values (?, ?, ?, ?, ?, ?, ?)
           on conflict (path, content_hash) do update set
             status = excluded.status, loaded_at = excluded.loaded_at, message = excluded.message,
             kind = excluded.kind, "partition" = excluded."partition" """,
        [path, kind, partition, content_hash, status, now(), message],
    )


def file_status(con, path: str, content_hash: str) -> str | None:
    row = first_row(con.execute("select status from ops.ingested_files where path = ? and content_hash = ?",
                      [path, content_hash]))
    return row[0] if row else None


# --- deliveries ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Delivery:
    kind: str
    key: str
    partition: str | None
    path: str
    content_hash: str
    role: str
    run_id: str | None


def _deliveries(con, where: str = "", params: list | None = None) -> list[Delivery]:
    rows = con.execute(
        f'select kind, key, "partition", path, content_hash, role, run_id from ops.deliveries {where} order by kind, key',
        params or []).fetchall()
    return [Delivery(*r) for r in rows]


def active_deliveries(con, kind: str | None = None) -> list[Delivery]:
    rows = con.execute(
        'select kind, key, "partition", path, content_hash, role from ops.active_deliveries '
        + ("where kind = ? " if kind else "") + "order by kind, key",
        [kind] if kind else []).fetchall()
    return [Delivery(*r, None) for r in rows]


def pending_deliveries(con) -> list[Delivery]:
    return _deliveries(con, "where role = 'pending'")


def active_hash(con, kind: str, key: str) -> str | None:
    row = first_row(con.execute("select content_hash from ops.active_deliveries where kind = ? and key = ?",
                      [kind, key]))
    return row[0] if row else None


def has_rows(con, kind: str, key: str, content_hash: str) -> bool:
    """The raw rows of this exact content are loaded and kept (e.g. a file put back as it was):
    a delivery, pending or current, points at them. Asked of the deliveries, not of the raw
    tables: rows no delivery points at may be the committed blocks of a load that was killed
    (social exports commit block by block), and garbage collection keeps only rows a delivery
    points at."""
    return first_row(con.execute(
        "select count(*) from (select 1 from ops.deliveries where kind = ? and key = ? and content_hash = ? limit 1)",
        [kind, key, content_hash]))[0] > 0


def stage_delivery(con, kind: str, key: str, partition: str | None, path: str,
                   content_hash: str, run_id: str | None) -> None:
    """Make (kind, key) point at this content as *pending*. Call inside the transaction that
    inserted the raw rows, so the rows and their delivery appear together or not at all."""
    con.execute("delete from ops.deliveries where kind = ? and key = ? and role = 'pending'", [kind, key])
    con.execute("insert into ops.deliveries values (?, ?, ?, ?, ?, 'pending', ?, ?)",
                [kind, key, partition, path, content_hash, run_id, now()])
    _collect_garbage(con, kind)


def _collect_garbage(con, kind: str) -> None:
    for table in RAW_TABLES[kind]:
        con.execute(
            f"""delete from {table} r where not exists (
                    select 1 from ops.deliveries d
                    where d.kind = ? and d.key = r._delivery_key and d.content_hash = r._content_hash)""",
            [kind])


def commit_pending(con) -> list[Delivery]:
    """pending → current for every pending delivery; returns what was committed."""
    pending = pending_deliveries(con)
    if not pending:
        return []
    con.execute("begin")
    try:
        con.execute("""delete from ops.deliveries c where c.role in ('current', 'held') and exists (
                         select 1 from ops.deliveries p
                         where p.role = 'pending' and p.kind = c.kind and p.key = c.key)""")
        con.execute("""delete from ops.holds h where exists (
                         select 1 from ops.deliveries p
                         where p.role = 'pending' and p.kind = h.kind and p.key = h.key)""")
        con.execute("update ops.deliveries set role = 'current' where role = 'pending'")
        for d in pending:
            record_file(con, d.path, d.kind, d.partition, d.content_hash, "loaded")
        for kind in RAW_TABLES:
            _collect_garbage(con, kind)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return pending


def rollback_pending(con, reason: str, only: list[Delivery] | None = None) -> list[Delivery]:
    """Drop the pending deliveries of a run that failed (``only`` those, when given); their files
    are recorded as failed with ``reason``."""
    pending = pending_deliveries(con)
    if only is not None:
        wanted = {(d.kind, d.key, d.content_hash) for d in only}
        pending = [d for d in pending if (d.kind, d.key, d.content_hash) in wanted]
    withdraw(con, pending, "failed", reason)
    return pending


def withdraw(con, deliveries: list[Delivery], status: str, message: str) -> None:
    """Remove these deliveries (any role) in one transaction, record their files with
    ``status`` and ``message``, and collect the rows nothing points at any more."""
    if not deliveries:
        return
    con.execute("begin")
    try:
        for d in deliveries:
            con.execute("delete from ops.deliveries where kind = ? and key = ? and role = ? and content_hash = ?",
                        [d.kind, d.key, d.role, d.content_hash])
            if d.role == "held":
                con.execute("delete from ops.holds where kind = ? and key = ?", [d.kind, d.key])
            record_file(con, d.path, d.kind, d.partition, d.content_hash, status, message[:2000])
        for kind in {d.kind for d in deliveries}:
            _collect_garbage(con, kind)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def deliveries_of_path(con, path: str) -> list[Delivery]:
    """Every delivery (current, pending, held) that came from this file."""
    return _deliveries(con, "where path = ?", [path])


def held_deliveries(con) -> list[Delivery]:
    return _deliveries(con, "where role = 'held'")


def current_delivery(con, kind: str, key: str) -> Delivery | None:
    found = _deliveries(con, "where kind = ? and key = ? and role = 'current'", [kind, key])
    return found[0] if found else None


def hold(con, delivery: Delivery, message: str, details: str) -> None:
    """pending → held: kept, with its rows, out of every build until accepted or dropped; the
    file is recorded ``failed`` with the reason (the contract's statuses) so it is not staged
    again while it waits."""
    con.execute("begin")
    try:
        con.execute("delete from ops.deliveries where kind = ? and key = ? and role = 'held'",
                    [delivery.kind, delivery.key])
        con.execute("update ops.deliveries set role = 'held' where kind = ? and key = ? and role = 'pending'",
                    [delivery.kind, delivery.key])
        con.execute("insert or replace into ops.holds values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [delivery.kind, delivery.key, delivery.partition, delivery.path, delivery.content_hash,
                     message, details, now()])
        record_file(con, delivery.path, delivery.kind, delivery.partition, delivery.content_hash, "failed",
                    message[:2000])
        _collect_garbage(con, delivery.kind)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def release(con, delivery: Delivery) -> None:
    """held → pending (the operator accepted it)."""
    con.execute("begin")
    try:
        con.execute("delete from ops.deliveries where kind = ? and key = ? and role = 'pending'",
                    [delivery.kind, delivery.key])
        con.execute("update ops.deliveries set role = 'pending', staged_at = ? where kind = ? and key = ? "
                    "and role = 'held'", [now(), delivery.kind, delivery.key])
        con.execute("delete from ops.holds where kind = ? and key = ?", [delivery.kind, delivery.key])
        _collect_garbage(con, delivery.kind)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


# --- key/value state ----------------------------------------------------------------------

# '1' while the build database's marts may differ from the publish (set when a build starts or
# fails, cleared by a publish; orchestration.publish.publish rebuilds rather than copies then)
BUILD_DIRTY_KEY = "build_dirty"
FINGERPRINT_KEY = "published_fingerprint"   # ops.kv: what the published database was built from


def kv_get(con, key: str) -> str | None:
    row = first_row(con.execute("select value from ops.kv where key = ?", [key]))
    return row[0] if row else None


def kv_set(con, key: str, value: str) -> None:
    con.execute("insert or replace into ops.kv values (?, ?)", [key, value])


def active_fingerprint(con, *parts: str) -> str:
    """What the published database would be built from: live deliveries plus ``parts``
    (targets hash, project code hash). Equal fingerprints mean nothing to rebuild."""
    rows = con.execute(
        "select kind, key, content_hash from ops.active_deliveries order by kind, key").fetchall()
    return fingerprint_of(rows, *parts)


def fingerprint_of(rows, *parts: str) -> str:
    """``active_fingerprint`` of given (kind, key, content hash) rows (the sensors' copy of them)."""
    payload = json.dumps({"deliveries": [list(r) for r in rows], "parts": list(parts)}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()
