"""Which deliveries a failed run sets aside, and which it keeps for the next run.

A run builds every pending delivery together, so one bad file must not take the others down
with it. When a run fails:

* the **environment** (the disk or quota is full, a file grew past the size limit) is nobody's
  file: nothing is set aside, every pending delivery is kept and the next run builds it again
  (no ``--retry-failed`` needed);
* a wave that **cannot be weighted** (a wave without population targets, say) blames that
  wave's pending delivery only;
* anything else (a failed dbt test or quality check, a step over its time limit, an error)
  blames the pending deliveries of the data the failing step is about: survey, social, or
  both when the step serves both (the dbt build, unless its failed tests or models say which).

Set-aside deliveries are recorded ``failed`` with the reason (skipped until the file changes or
``--retry-failed``); kept ones stay pending. ``settle`` is called by ``voice-monitor run`` with
everything the run's events say, and by the build job's failure hook for runs the sensors launch.
Which data a failed Dagster step is about comes from the code location's asset graph
(orchestration.failed_steps), above this layer.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass, field

from orchestration.warehouse import state

KINDS = frozenset({"survey", "social"})
# what the OS, DuckDB and dbt say when a write fails for lack of room (ENOSPC, EDQUOT, EFBIG)
# (SQLite, which keeps the Dagster instance, says "disk I/O error" when a write fails with EFBIG)
_ENVIRONMENT = re.compile(r"No space left on device|Disk quota exceeded|File too large|Disk is full"
                          r"|disk I/O error|database or disk is full"
                          r"|\[Errno (?:27|28|122)\]", re.IGNORECASE)
_ENVIRONMENT_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", 122)}
# a dbt model or test named in dbt's error messages, by its file
_DBT_PATH = re.compile(r"(?:models|tests)/[\w/.-]*")
# how every "cannot be weighted" message of orchestration.survey.weighting starts: a failed run
# blames that wave's delivery only
_WAVE_FAILURE = re.compile(r"\bWave (\d{4}) cannot be weighted")


def is_environment_error(error: BaseException | str | None) -> bool:
    """True when the failure is the machine's (no room to write), not a file's."""
    if error is None:
        return False
    if isinstance(error, str):
        return bool(_ENVIRONMENT.search(error))
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in _ENVIRONMENT_ERRNOS:
            return True
        if _ENVIRONMENT.search(str(error)):
            return True
        error = error.__cause__ or error.__context__
    return False


@dataclass(frozen=True)
class Failure:
    step: str                                   # the Dagster step that failed
    message: str                                # its error, causes included, in words
    kinds: frozenset[str] = KINDS               # the data the step (or its failed checks) is about
    timed_out: bool = False


@dataclass
class Settlement:
    set_aside: list[state.Delivery] = field(default_factory=list)
    kept: list[state.Delivery] = field(default_factory=list)
    environment: bool = False

    def lines(self) -> list[str]:
        out = []
        if self.environment:
            out.append("The machine ran out of room to write (disk, quota or file size limit): no file is to blame. "
                       "Free space and run again; nothing was set aside.")
        if self.set_aside:
            out.append("Set aside as failed (skipped until the file changes, or `voice-monitor run --retry-failed`): "
                       + ", ".join(d.path for d in self.set_aside))
        if self.kept:
            out.append("Kept pending, built again by the next run: " + ", ".join(d.path for d in self.kept))
        return out


def failing_waves(text: str) -> set[str]:
    """The waves a failure message says cannot be weighted."""
    return set(_WAVE_FAILURE.findall(text or ""))


def kinds_in_text(text: str) -> frozenset[str]:
    """survey / social as named by the dbt models and tests in an error message."""
    found = set()
    for path in _DBT_PATH.findall(text or ""):
        found |= {k for k in KINDS if f"/{k}/" in path or f"{k}_" in path}
    return frozenset(found)


def settle(con, failures: list[Failure], reason: str) -> Settlement:
    """Set aside the pending deliveries these failures blame (recorded failed with ``reason``);
    keep the rest pending."""
    pending = state.pending_deliveries(con)
    if not failures:
        return Settlement(kept=pending)
    if any(is_environment_error(f.message) for f in failures):
        return Settlement(kept=pending, environment=True)
    blamed: list[state.Delivery] = []
    for f in failures:
        waves = failing_waves(f.message)
        if waves:
            blamed += [d for d in pending if d.kind == "survey" and d.key in waves]
        else:
            blamed += [d for d in pending if d.kind in (f.kinds or KINDS)]
    unique = {(d.kind, d.key): d for d in blamed}
    set_aside = state.rollback_pending(con, reason, only=list(unique.values()))
    kept = [d for d in pending if (d.kind, d.key) not in unique]
    return Settlement(set_aside, kept)
