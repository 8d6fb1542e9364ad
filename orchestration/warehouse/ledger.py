"""The ingestion bookkeeping as the sensors see it: a copy of the build database's ledger in a file.

Why a file: the sensors run in the Dagster daemon while a run may be writing the build
database, and DuckDB lets no other process open a file one process writes. So every run,
whatever launched it (``voice-monitor run``, a sensor, a rebuild), writes what it leaves in the
build database's ledger to ``state/ledger.json`` (atomically, while it still holds the writer
lock): per landing file and content hash the status it got, the live and pending deliveries,
the cached file hashes and the fingerprint of the last publish. "What changed" is then decided
by one function (orchestration.changes) over the landing zone and the bookkeeping:
the run holding the writer lock reads the build database itself (``DatabaseBooks``), the
sensors read this copy (``Ledger``). A run killed before it wrote the copy leaves it behind the
database; the sensors then ask for a run that finds the work already done, and that run writes
the copy again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.paths import Home
from orchestration.warehouse import state

VERSION = 1


def ledger_path(home: Home) -> Path:
    return home.state / "ledger.json"


class DatabaseBooks:
    """The bookkeeping read from the build database (for the process holding the writer lock);
    hashing goes through the database's hash cache."""

    def __init__(self, con, home: Home):
        self.con, self.home = con, home

    def hash(self, path: Path) -> str:
        return state.file_hash(self.con, self.home, path)

    def status(self, rel: str, digest: str) -> str | None:
        return state.file_status(self.con, rel, digest)

    def active_hash(self, kind: str, key: str) -> str | None:
        return state.active_hash(self.con, kind, key)


@dataclass
class Ledger:
    """The copy (see the module docstring); its methods answer what ``DatabaseBooks`` answers."""

    home: Home
    files: dict[str, dict[str, str]] = field(default_factory=dict)     # path -> {content hash: status}
    active: list[list[str]] = field(default_factory=list)              # [kind, key, hash] (pending wins)
    pending: list[list[str]] = field(default_factory=list)             # [kind, key, hash, run id]
    hashes: dict[str, list] = field(default_factory=dict)              # path -> [size, mtime_ns, hash]
    published_fingerprint: str | None = None
    written_at: str = ""                                               # '' when no run wrote one yet

    # --- the books -------------------------------------------------------------------------
    def hash(self, path: Path) -> str:
        """SHA-256 of the file, from the cache while its size and mtime are as recorded; new
        hashes are kept in ``hashes`` (the sensors carry them in their cursor)."""
        rel = self.home.relative(path)
        st = path.stat()
        cached = self.hashes.get(rel)
        if cached and cached[0] == st.st_size and cached[1] == st.st_mtime_ns:
            return cached[2]
        digest = state.sha256_file(path)
        self.hashes[rel] = [st.st_size, st.st_mtime_ns, digest]
        return digest

    def status(self, rel: str, digest: str) -> str | None:
        return self.files.get(rel, {}).get(digest)

    def active_hash(self, kind: str, key: str) -> str | None:
        return self._active_index.get((kind, key))

    def __post_init__(self):
        self._active_index = {(k, key): h for k, key, h in self.active}

    # --- what the build sensor asks ----------------------------------------------------------
    @property
    def exists(self) -> bool:
        return bool(self.written_at)

    def pending_kinds(self) -> set[str]:
        return {p[0] for p in self.pending}

    def fingerprint(self, targets_hash: str, code_hash: str) -> str:
        return state.fingerprint_of(self.active, targets_hash, code_hash)


def snapshot(con, home: Home) -> Ledger:
    """The build database's bookkeeping as a ``Ledger``."""

    files: dict[str, dict[str, str]] = {}
    for path, digest, status in con.execute(
            "select path, content_hash, status from ops.ingested_files order by path").fetchall():
        files.setdefault(path, {})[digest] = status
    active = [list(r) for r in con.execute(
        "select kind, key, content_hash from ops.active_deliveries order by kind, key").fetchall()]
    pending = [[d.kind, d.key, d.content_hash, d.run_id or ""] for d in state.pending_deliveries(con)]
    hashes = {p: [s, m, h] for p, s, m, h in con.execute(
        "select path, size, mtime_ns, content_hash from ops.file_hashes").fetchall()}
    return Ledger(home, files, active, pending, hashes, state.kv_get(con, state.FINGERPRINT_KEY),
                  dt.datetime.now(dt.timezone.utc).isoformat())


def save(ledger: Ledger) -> None:
    """Write the copy atomically (a reader sees the old one or the new one, never half)."""
    from orchestration.warehouse.permissions import PRIVATE_FILE

    path = ledger_path(ledger.home)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    payload = {"version": VERSION, "written_at": ledger.written_at, "files": ledger.files,
               "active": ledger.active, "pending": ledger.pending, "hashes": ledger.hashes,
               "published_fingerprint": ledger.published_fingerprint}
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE), "w",
                   encoding="utf-8") as out:
        json.dump(payload, out, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def load(home: Home) -> Ledger:
    """The copy the last run wrote; an empty ledger (``exists`` False) when there is none yet or
    it cannot be read (then everything in the landing zone looks new, as on a fresh home)."""
    try:
        payload = json.loads(ledger_path(home).read_text(encoding="utf-8"))
        if payload.get("version") != VERSION:
            raise ValueError("another version")
    except (OSError, ValueError):
        return Ledger(home)
    return Ledger(home, payload["files"], payload["active"], payload["pending"], payload["hashes"],
                  payload["published_fingerprint"], payload["written_at"])


def refresh(home: Home, con=None) -> Ledger:
    """Copy the build database's bookkeeping to the ledger file. Call only while holding the writer
    lock (every run does, at its end); opens the build database when ``con`` is not given."""
    if con is not None:
        ledger = snapshot(con, home)
    else:
        with state.session(home) as own:
            ledger = snapshot(own, home)
    save(ledger)
    return ledger


def leave(home: Home, warn=None) -> bool:
    """``refresh`` at the end of a run, where a copy that cannot be written (a full disk) must not
    change the run's outcome: the sensors then only ask for a run that finds the work done.
    ``warn`` gets the message; False when it was not written."""
    try:
        refresh(home)
    except Exception as exc:      # noqa: BLE001 - the run's own outcome stands
        if warn is not None:
            warn(f"Could not write {ledger_path(home)} for the sensors: {exc}")
        return False
    return True
