"""Who may read what under the home.

``state/`` (build database and its WAL, Dagster's instance, dbt's target folder and logs, GX
results, the pseudonym key, child records), ``archive/`` (every accepted delivery, raw) and
``quarantine/`` (rejected files, raw) hold personal data or what unlocks it: they are private to
the user who runs the warehouse (directories 0700, files 0600, archived deliveries 0400).

Why a umask rather than chmod after the fact: DuckDB creates ``build.duckdb.wal`` and dbt its
logs whenever they like, in this process and in children; a file created under umask 077 is
private from its first byte, and children inherit the umask. The published database is the one
file meant for other accounts (analysts, BI tools): it is given ``VOICE_MONITOR_PUBLISHED_MODE``
(default 0644; it holds no personal data) explicitly before it is swapped in, and ``warehouse/``
is made traversable to match.
"""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from orchestration.errors import UserError

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
READ_ONLY_FILE = 0o400            # archived deliveries: immutable
PRIVATE_UMASK = 0o077
PUBLISHED_MODE_ENV = "VOICE_MONITOR_PUBLISHED_MODE"
DEFAULT_PUBLISHED_MODE = 0o644


def published_mode() -> int:
    """The mode of ``warehouse/voice_monitor.duckdb`` (octal in the environment, e.g. 0640 to
    share it with a group only)."""
    value = os.environ.get(PUBLISHED_MODE_ENV, "").strip()
    if not value:
        return DEFAULT_PUBLISHED_MODE
    try:
        mode = int(value, 8)
    except ValueError:
        raise UserError(f"{PUBLISHED_MODE_ENV}={value!r} is not an octal file mode such as 0644 or 0640.") from None
    if mode & ~0o777 or not mode & stat.S_IRUSR:
        raise UserError(f"{PUBLISHED_MODE_ENV}={value!r}: the published database must stay readable by its owner "
                        "and the mode must be within 0777.")
    return mode & ~(stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def published_dir_mode() -> int:
    """``warehouse/``: the owner's full access, plus traversal for whoever may read the file."""
    mode = published_mode()
    extra = 0
    if mode & stat.S_IRGRP:
        extra |= stat.S_IRGRP | stat.S_IXGRP
    if mode & stat.S_IROTH:
        extra |= stat.S_IROTH | stat.S_IXOTH
    return PRIVATE_DIR | extra


@contextmanager
def private_umask() -> Iterator[None]:
    """Everything this process (and its children) creates meanwhile is private to the user."""
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


_SEARCH = stat.S_IXGRP | stat.S_IXOTH


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) private (0700). A folder that is exactly 0711 is a passage
    ``secure_tree`` made to a service account's files and keeps it (only ``secure_tree`` decides
    that); any other mode, e.g. 0755 from a ``mkdir`` under the usual umask, becomes 0700."""
    path.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    want = mode if mode == PRIVATE_DIR | _SEARCH else PRIVATE_DIR
    if mode != want:
        os.chmod(path, want)
    return path


def published_dir(path: Path) -> Path:
    """Create ``warehouse/`` readable as the published file's mode says (only when creating it:
    an operator's own choice of mode for an existing folder is kept)."""
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, published_dir_mode())
    return path


def secure_tree(root: Path) -> int:
    """Make a private tree private again (e.g. one written before these rules, or a WAL left by a
    killed run): directories 0700, files 0600, read-only files 0400. Returns how many entries
    were changed. Symbolic links are not followed.

    Entries owned by another user are a service account's and are left alone: the BI database's
    PostgreSQL cluster under ``state/postgres`` runs as its own user when the warehouse runs as
    root (orchestration/bi/postgres/cluster.py). The folders on the way to them keep the search
    bit for others (enter by exact name; no listing, and every file of ours stays 0600)."""
    if not root.exists():
        return 0
    uid = os.geteuid()
    entries: list[tuple[Path, bool]] = []
    passage: set[Path] = set()
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        entries.append((here, True))
        for name in list(dirs) + files:
            try:
                st = (here / name).lstat()
            except FileNotFoundError:          # a WAL removed meanwhile
                continue
            if st.st_uid != uid:
                passage.update(p for p in (here / name).parents if p == root or root in p.parents)
                if name in dirs:
                    dirs.remove(name)
            elif name in files:
                entries.append((here / name, False))
    changed = 0
    for path, is_dir in entries:
        try:
            st = path.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(st.st_mode):
            continue
        mode = stat.S_IMODE(st.st_mode)
        if is_dir:
            want = PRIVATE_DIR | (_SEARCH & mode if path in passage else 0)
        else:
            want = READ_ONLY_FILE if not mode & stat.S_IWUSR else PRIVATE_FILE
        if mode != want:
            try:
                os.chmod(path, want)
                changed += 1
            except FileNotFoundError:
                pass
    return changed
