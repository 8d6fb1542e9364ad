"""``voice-monitor rebuild``: recreate the build database from the archive alone.

For when ``state/`` is lost or damaged (or moved to a new machine with ``archive/``): the
accepted deliveries of the archive manifest are loaded again from their archived bytes, as the
current deliveries they were (same paths, partitions and content hashes; the registry of files
seen restored as it was), and the whole warehouse is built and published from them. With the
same pseudonym key the published tables are the same, pseudonyms included; without it the
rebuild stops before touching anything (orchestration.warehouse.keyguard). The landing zone is
not read: the next ``voice-monitor run`` takes whatever is new there.

The build database being replaced is kept aside until the rebuild has published, and put back
if it does not.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from orchestration.errors import UserError
from orchestration.paths import Home
from orchestration.warehouse import archive, state

NO_ROW_LIMIT = 10**12      # an archived file was accepted, so its bad rows were within the limit then


def rebuild(home: Home | None = None):
    from orchestration.pipeline import prepare_environment
    from orchestration.transform.dbt import ensure_manifest
    from orchestration.warehouse.children import reap_leftovers, stop_children
    from orchestration.warehouse.locking import writer_lock
    from orchestration.warehouse.permissions import private_umask

    home = prepare_environment(home or Home.from_env())
    ensure_manifest()
    with private_umask(), writer_lock(home, print):
        try:
            reap_leftovers(home, print)
            return _rebuild_locked(home)
        finally:
            stop_children(home)
            if home.work_db.exists():
                from orchestration.warehouse import ledger

                ledger.leave(home, print)   # the sensors' copy of whichever build database is in place


def _check_archive(home: Home) -> list[dict]:
    manifest = archive.read_manifest(home)
    if manifest is None:
        raise UserError(f"There is no archive manifest ({home.archive / archive.MANIFEST}): nothing to rebuild "
                        "from. (The archive is written by every publish.)")
    deliveries = manifest.get("deliveries", [])
    problems = []
    for d in deliveries:
        blob = home.archive / d["archived_as"] if d.get("archived_as") else None
        if blob is None or not blob.is_file():
            problems.append(f"{d['path']} (not in the archive)")
        elif state.sha256_file(blob) != d["content_hash"]:
            problems.append(f"{d['path']} (its archived copy {blob} is damaged)")
    if problems:
        raise UserError("The archive cannot restore every accepted delivery: " + "; ".join(problems)
                        + ". Nothing was changed.")
    return deliveries


def _rebuild_locked(home: Home):
    from orchestration.pipeline import RunSummary, build_and_publish
    from orchestration.warehouse.dagster_runs import fail_abandoned_cli_runs, open_instance

    deliveries = _check_archive(home)
    key = None
    if any(d["kind"] == "social" for d in deliveries):
        from orchestration import privacy

        key = privacy.load_or_create_key(home)       # refuses a missing or different key
    aside = _set_aside(home)
    try:
        con = state.connect(home)
        try:
            _restore(con, home, deliveries, archive.read_manifest(home).get("files", []), key)
        finally:
            con.close()
        summary = RunSummary(home, "success", notes=[
            f"Rebuilt the build database from the archive: {sum(d['kind'] == 'survey' for d in deliveries)} survey "
            f"wave(s), {sum(d['kind'] == 'social' for d in deliveries)} social export(s)."])
        with open_instance() as instance:     # recorded with every other run (voice-monitor dev shows it)
            fail_abandoned_cli_runs(instance)
            ok = build_and_publish(instance, home, summary)
    except BaseException:
        _put_back(home, aside)
        raise
    if not ok:
        _put_back(home, aside)
        summary.reason += "\nThe previous build database was put back."
    else:
        for path in aside:
            path.unlink(missing_ok=True)
    return summary


def _set_aside(home: Home) -> list[Path]:
    moved = []
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    for path in (home.work_db, home.work_db.with_name(home.work_db.name + ".wal")):
        if path.exists():
            target = path.with_name(f"{path.name}.before-rebuild-{stamp}")
            os.replace(path, target)
            moved.append(target)
    return moved


def _put_back(home: Home, aside: list[Path]) -> None:
    if not aside:
        return
    for path in (home.work_db, home.work_db.with_name(home.work_db.name + ".wal")):
        path.unlink(missing_ok=True)
    for path in aside:
        os.replace(path, path.with_name(path.name.split(".before-rebuild-")[0]))


def _restore(con, home: Home, deliveries: list[dict], files: list[dict], key: bytes | None) -> None:
    """Load every archived delivery as the current delivery it was; the registry as it was."""
    from orchestration.social import ingest as social_ingest
    from orchestration.survey import readers
    from orchestration.survey.ingest import SurveyCandidate, _load
    from orchestration.survey.validation import validate

    for d in deliveries:
        blob = home.archive / d["archived_as"]
        if d["kind"] == "survey":
            try:
                frame = readers.read_delivery(blob)
            except readers.UnreadableFile as exc:
                raise UserError(f"{d['path']} (archived as {blob}) cannot be read: {exc.message}") from None
            result = validate(frame, int(d["key"]), max_bad_rows=NO_ROW_LIMIT)
            if not result.ok:
                raise UserError(f"{d['path']} (archived as {blob}) no longer passes the survey file rules: "
                                + "; ".join(e.message for e in result.errors[:5]))
            _load(con, home, SurveyCandidate(int(d["key"]), home.root / d["path"], d["content_hash"]), result,
                  "rebuild")
        else:
            social_ingest._limit_memory(con)
            social_ingest._load_file(con, blob, d["path"], d["partition"], d["content_hash"], "rebuild", key)
    con.execute("begin")
    try:
        con.execute("update ops.deliveries set role = 'current' where role = 'pending'")
        con.execute("delete from ops.ingested_files")
        con.executemany(
            "insert into ops.ingested_files values (?, ?, ?, ?, ?, cast(? as timestamptz), ?)",
            [[f["path"], f["kind"], f["partition"], f["content_hash"], f["status"], f["loaded_at"], f["message"]]
             for f in files])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
