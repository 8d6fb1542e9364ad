"""What a ``voice-monitor run`` does besides ingesting and building, so that nothing is lost,
nothing stays stuck and the right file is blamed (issue 17). Kept apart from ``run_once``
(orchestration/pipeline.py), which calls these at fixed points:

* ``start_of_run`` — under the writer lock, before planning (after children a killed run left
  were stopped: orchestration.warehouse.children): private folders (permissions), a lost
  ``state/`` or a missing pseudonym key (keyguard), the operator's ``--accept``/``--drop`` and
  pending deliveries whose file was removed (operator);
* ``check_published_copy`` — a missing, truncated or changed published database;
* ``settle_ingestion_failure`` / ``settle_build_failure`` — which pending deliveries a failed
  run sets aside and which it keeps (orchestration.warehouse.blame).
"""

from __future__ import annotations

from typing import Sequence

from orchestration.paths import Home


def start_of_run(con, home: Home, accept: Sequence[str], drop: Sequence[str]) -> list[str]:
    """Under the writer lock, before planning: make the private folders private, refuse to run
    over a lost state or to mint a new pseudonym key over existing pseudonyms, take the
    operator's --accept/--drop, and stop resuming deliveries whose file was removed."""
    from orchestration.warehouse import keyguard, operator
    from orchestration.warehouse.permissions import secure_tree

    notes: list[str] = []
    for folder in (home.state, home.archive, home.quarantine):
        secure_tree(folder)
    _refuse_lost_state(con, home)
    keyguard.preflight(home, con)
    for name in drop:
        notes.append(operator.drop(con, home, name))
    for name in accept:
        notes.append(operator.accept(con, home, name))
    notes += operator.discard_vanished(con, home)
    return notes


def _refuse_lost_state(con, home: Home) -> None:
    """A build database without any delivery next to an archive that has some: ``state/`` was
    lost. Rebuilding from landing alone would silently drop every file no longer there."""
    from orchestration.errors import UserError
    from orchestration.warehouse import archive

    manifest = archive.read_manifest(home)
    if not manifest or not manifest.get("deliveries"):
        return
    if con.execute("select count(*) from ops.deliveries").fetchall()[0][0]:
        return
    raise UserError(
        f"The build database {home.work_db} holds no deliveries, but the archive ({home.archive}) holds "
        f"{len(manifest['deliveries'])} accepted ones: state/ was lost or replaced. Run `voice-monitor rebuild` "
        "to recreate it from the archive (restore state/pseudonym.key from your backup first).")


def check_published_copy(con, home: Home, targets_hash: str, notes: list[str]) -> str:
    """Item 8: a missing, truncated or changed published database is published again, or rebuilt
    first: "ok", "republished" or "rebuild"."""
    from orchestration.publish.publish import republish_if_damaged

    message, current = republish_if_damaged(con, home, targets_hash)
    if message is None:
        return "ok"
    notes.append(message)
    return "republished" if current else "rebuild"


def waiting_holds(home: Home) -> list[dict]:
    from orchestration.warehouse import holds, state

    with state.session(home) as con:
        return holds.waiting(con)


def settle_ingestion_failure(home: Home, paths: list[str], kind: str, reason: str, expired) -> str:
    """An ingestion run failed: on a time limit, the files it was reading are set aside (they
    would hang the next run too); on a full disk nothing is; pending deliveries stay."""
    from orchestration.warehouse import blame, state

    if blame.is_environment_error(reason):
        return "\n" + "\n".join(blame.Settlement(environment=True).lines())
    if expired is None:
        return ""
    folder = "landing/survey/" if kind == "survey" else "landing/social/"
    set_aside = []
    with state.session(home) as con:
        pending = {(d.path, d.content_hash) for d in state.pending_deliveries(con)}
        for rel in paths:
            path = home.root / rel
            if not rel.startswith(folder) or not path.exists():
                continue
            digest = state.file_hash(con, home, path)
            if (rel, digest) not in pending:
                state.record_file(con, rel, kind, None, digest, "failed", expired.message)
                set_aside.append(rel)
    return ("\nSet aside as failed (skipped until the file changes, or `voice-monitor run --retry-failed`): "
            + ", ".join(set_aside)) if set_aside else ""


def settle_build_failure(home: Home, result, expired, reason: str) -> str:
    """Item 5: set aside only what the failure blames; keep the rest pending for the next run."""
    from orchestration.warehouse import blame, state

    with state.session(home) as con:
        settlement = blame.settle(con, failures_of(result, expired), reason)
    lines = settlement.lines()
    return ("\nNot published. " + "\n".join(lines)) if lines else "\nNot published."


def _error_chain(err) -> str:
    """A serialised Dagster error and its causes, in words."""
    parts = []
    while err is not None:
        parts.append(f"{err.cls_name}: {err.message.strip()}")
        err = err.cause
    return "\n".join(parts)


def failures_of(result, expired=None) -> list:
    """What failed in a run, for orchestration.warehouse.blame."""
    from dagster import AssetCheckSeverity

    from orchestration.failed_steps import failure_kinds, step_kinds
    from orchestration.warehouse import blame

    checks: dict[str, list] = {}
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.severity == AssetCheckSeverity.ERROR:
                checks.setdefault(event.step_key, []).append(evaluation.asset_key)
    failures = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            text = _error_chain(event.step_failure_data.error)
            kinds = failure_kinds(event.step_key, text, checks.get(event.step_key, ()))
            failures.append(blame.Failure(event.step_key, text, kinds))
    if expired is not None:
        failures.append(blame.Failure(expired.step, expired.message, step_kinds(expired.step), True))
    if getattr(result, "error", ""):            # the run could not be recorded (pipeline._NoRun)
        failures.append(blame.Failure("run", result.error))
    return failures
