"""The operator's decisions on deliveries, taken at the start of a run under the writer lock.

* ``voice-monitor run --accept FILE``: a held delivery goes into this run's build; the change of
  published data it brings is consented (orchestration.warehouse.holds).
* ``voice-monitor run --drop FILE``: every delivery of that file (loaded, pending or held) is
  withdrawn and the run publishes without it. The file is recorded ``ignored`` ("dropped by the
  operator"), so while it lies unchanged in landing it is not read again.
* A pending delivery whose file was removed from landing before it was published is not
  resumed: the removal is the operator's way of saying "not this one" (e.g. a file that made
  every run hang). Loaded deliveries stay when their file is removed (landing is an inbox).

FILE is a path relative to the home (``landing/social/posts_2025-03.jsonl``), relative to the
landing zone (``social/posts_2025-03.jsonl``), absolute, or a bare file name when unambiguous.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.errors import UserError
from orchestration.paths import Home
from orchestration.warehouse import holds, state


def resolve(con, home: Home, name: str) -> str:
    """The recorded path (relative to the home) that ``name`` means."""
    known = {r[0] for r in con.execute("select distinct path from ops.deliveries").fetchall()}
    given = Path(name)
    candidates = [home.relative(given)] if given.is_absolute() else [
        given.as_posix(), (Path("landing") / given).as_posix()]
    for candidate in candidates:
        if candidate in known:
            return candidate
    by_name = sorted(p for p in known if Path(p).name == given.name)
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise UserError(f"{name} could mean {', '.join(by_name)}: give the path relative to the home.")
    raise UserError(f"No delivery comes from {name} (give a path relative to the home or to the landing zone, "
                    "e.g. landing/social/posts_2025-03.jsonl).")


def accept(con, home: Home, name: str) -> str:
    path = resolve(con, home, name)
    held = [d for d in state.held_deliveries(con) if d.path == path]
    if not held:
        waiting = ", ".join(d.path for d in state.held_deliveries(con)) or "nothing is held"
        raise UserError(f"{path} is not held, so there is nothing to accept (held now: {waiting}).")
    delivery = held[0]
    newer = [d for d in state.pending_deliveries(con) if (d.kind, d.key) == (delivery.kind, delivery.key)]
    if newer:
        raise UserError(f"{path} is superseded by {newer[0].path}, staged after it for the same "
                        f"{'wave' if delivery.kind == 'survey' else 'file'}; drop one of them first.")
    partitions = holds.held_partitions(con, delivery) or [delivery.partition or delivery.key]
    holds.consent(con, delivery, "accept", partitions)
    state.release(con, delivery)
    return f"Accepted {path}: it is built and published by this run ({', '.join(partitions)} may change)."


def drop(con, home: Home, name: str) -> str:
    path = resolve(con, home, name)
    deliveries = state.deliveries_of_path(con, path)
    if not deliveries:
        raise UserError(f"{path} has no delivery to withdraw (it was never loaded, or was dropped already).")
    for d in deliveries:
        if d.role != "current":
            continue
        if d.kind == "survey":
            partitions = [d.key]
        else:
            partitions = [w.partition for w in holds.social_withdrawals(con, home, d.key, None)]
        holds.consent(con, d, "drop", partitions)
    when = state.now().strftime("%Y-%m-%d %H:%M UTC")
    state.withdraw(con, deliveries, "ignored",
                   f"Dropped by the operator (voice-monitor run --drop) on {when}; not read again unless "
                   "the file changes.")
    roles = ", ".join(sorted({"loaded" if d.role == "current" else d.role for d in deliveries}))
    return f"Dropped {path} ({roles}): the published database is rebuilt without it."


def discard_vanished(con, home: Home) -> list[str]:
    """Pending deliveries whose file is gone from landing are not resumed; returns messages."""
    notes = []
    for d in state.pending_deliveries(con):
        if (home.root / d.path).exists():
            continue
        message = (f"{d.path} was removed from landing before it was published: its pending delivery is "
                   "not resumed. Put the file back (and run with --retry-failed) to load it after all.")
        state.withdraw(con, [d], "failed", message)
        notes.append(message)
    return notes
