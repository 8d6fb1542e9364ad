"""One writer at a time.

DuckDB allows a single writing process per database file, so every process that writes
the build database (a CLI run, a run launched by the Dagster daemon) first takes an
exclusive ``flock`` on ``state/writer.lock``. The lock belongs to the open file and dies
with the process: a run killed with -9 never leaves a stale lock. Within one process the
lock is re-entrant (the CLI holds it around several in-process Dagster runs).
"""

from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from orchestration.paths import Home
from orchestration.warehouse.permissions import private_dir

_held: dict[str, int] = {}
_guard = threading.RLock()


@contextmanager
def writer_lock(home: Home, say: Callable[[str], None] | None = None) -> Iterator[None]:
    path = str(home.writer_lock)
    with _guard:
        if _held.get(path):
            _held[path] += 1
            try:
                yield
            finally:
                _held[path] -= 1
            return
        private_dir(home.state)
        fh = open(path, "a+")
        try:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if say:
                    say("Another warehouse run is writing; waiting for it to finish…")
                fcntl.flock(fh, fcntl.LOCK_EX)
            fh.seek(0)
            fh.truncate()
            fh.write(f"{os.getpid()}\n")
            fh.flush()
            _held[path] = 1
            try:
                yield
            finally:
                _held.pop(path, None)
                fcntl.flock(fh, fcntl.LOCK_UN)
        finally:
            fh.close()


@contextmanager
def writer_lock_if_free(home: Home) -> Iterator[bool]:
    """The writer lock if nobody holds it, without waiting: yields True while held, False (and
    holds nothing) when a run is writing. For the sensors, which must not wait for a run."""
    path = str(home.writer_lock)
    with _guard:
        mine = bool(_held.get(path))
    if mine:                       # this process is the writer
        yield False
        return
    if not home.state.exists():
        yield True
        return
    fh = open(path, "a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    finally:
        fh.close()
