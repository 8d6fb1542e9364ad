"""Every accepted delivery, kept immutably under ``archive/``, so the build database can always
be rebuilt (``voice-monitor rebuild``) — even after ``state/`` is lost or the landing zone was
emptied (landing is an inbox: data stays in the warehouse when its file is removed).

* ``archive/<sha256[:2]>/<sha256><ext>``: the delivered bytes, content-addressed, read-only
  (0400). A delivery is copied here when it is staged, and the copy is what a social export is
  read from, so the rows loaded are exactly the bytes archived. A file that changes while it is
  copied is not taken (``FileChanged``): it is read again on the next run.
* ``archive/manifest.json``: rewritten atomically after every publish from the build database —
  the accepted (current) deliveries with the path, kind, partition, content hash and loaded_at
  each came with, and the registry of files seen (``audit.ingested_files``), so a rebuild
  publishes the same tables. Blobs no delivery points at any more (withdrawn, set aside) are
  deleted then: the archive keeps what the warehouse holds, no more.
* ``archive/key.id``: a check value of the pseudonym key (orchestration.warehouse.keyguard).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from orchestration.errors import UserError
from orchestration.paths import Home
from orchestration.warehouse.permissions import PRIVATE_FILE, READ_ONLY_FILE, private_dir
from orchestration.warehouse.state import fsync

MANIFEST = "manifest.json"
FORMAT = 1


class FileChanged(UserError):
    """The landing file changed while it was being read: it is taken on the next run."""


def blob_path(home: Home, content_hash: str, suffix: str) -> Path:
    return home.archive / content_hash[:2] / f"{content_hash}{suffix.lower()}"


def find_blob(home: Home, content_hash: str) -> Path | None:
    folder = home.archive / content_hash[:2]
    if not folder.is_dir():
        return None
    return next((p for p in folder.glob(f"{content_hash}.*") if not p.name.endswith(".tmp")), None)


def store(home: Home, source: Path, content_hash: str, label: str | None = None) -> Path:
    """Copy ``source`` into the archive (once per content) and return the archived file; raises
    ``FileChanged`` when the bytes copied do not have ``content_hash``."""
    dest = blob_path(home, content_hash, source.suffix)
    if dest.exists():
        return dest
    private_dir(dest.parent)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with open(source, "rb") as src, os.fdopen(fd, "wb") as out:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != content_hash:
            raise FileChanged(f"{label or source.name} changed while it was being read; "
                              "it is left for the next run.")
        os.chmod(tmp, READ_ONLY_FILE)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    fsync(dest.parent)
    return dest


# --- the manifest ----------------------------------------------------------------------------

def read_manifest(home: Home) -> dict | None:
    try:
        return json.loads((home.archive / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise UserError(f"The archive manifest {home.archive / MANIFEST} cannot be read ({exc}).") from None


def _backfill(con, home: Home, path: str, content_hash: str) -> Path | None:
    """A current delivery loaded before archiving existed: archive it from landing if the file
    there still has its content."""
    from orchestration.warehouse import state

    source = home.root / path
    try:
        if source.is_file() and state.file_hash(con, home, source) == content_hash:
            return store(home, source, content_hash)
    except (OSError, FileChanged):
        return None
    return None


def write_manifest(con, home: Home) -> list[str]:
    """Rewrite the manifest from the build database and prune unreferenced blobs; returns the
    paths of accepted deliveries that are not in the archive (a rebuild cannot restore them)."""
    rows = con.execute(
        """select d.kind, d.key, d."partition", d.path, d.content_hash,
                  coalesce(f.loaded_at, d.staged_at) as loaded_at
           from ops.deliveries d
           left join ops.ingested_files f on f.path = d.path and f.content_hash = d.content_hash
           where d.role = 'current' order by d.kind, d.key""").fetchall()
    deliveries, missing = [], []
    for kind, key, partition, path, content_hash, loaded_at in rows:
        blob = find_blob(home, content_hash) or _backfill(con, home, path, content_hash)
        if blob is None:
            missing.append(path)
        deliveries.append({"kind": kind, "key": key, "partition": partition, "path": path,
                           "content_hash": content_hash, "loaded_at": loaded_at.isoformat(),
                           "archived_as": blob.relative_to(home.archive).as_posix() if blob else None})
    files = [{"path": p, "kind": k, "partition": part, "content_hash": h, "status": s,
              "loaded_at": at.isoformat(), "message": m}
             for p, k, part, h, s, at, m in con.execute(
                 'select path, kind, "partition", content_hash, status, loaded_at, message '
                 "from ops.ingested_files order by loaded_at, path").fetchall()]
    payload = {"format": FORMAT, "written_at": dt.datetime.now(dt.timezone.utc).isoformat(),
               "deliveries": deliveries, "files": files}
    private_dir(home.archive)
    target = home.archive / MANIFEST
    tmp = target.with_name(f".{MANIFEST}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(payload, out, indent=1)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)
    fsync(home.archive)
    _prune(con, home)
    return missing


def _prune(con, home: Home) -> None:
    """Delete blobs no delivery (current, pending or held) points at."""
    keep = {r[0] for r in con.execute("select distinct content_hash from ops.deliveries").fetchall()}
    for folder in home.archive.iterdir():
        if not folder.is_dir() or len(folder.name) != 2:
            continue
        for blob in folder.iterdir():     # (copies a killed run left half-done start with '.')
            if blob.name.startswith(".") or blob.name.split(".")[0] not in keep:
                blob.unlink(missing_ok=True)


def has_social_deliveries(home: Home) -> bool:
    manifest = read_manifest(home)
    return bool(manifest) and any(d["kind"] == "social" for d in manifest.get("deliveries", []))
