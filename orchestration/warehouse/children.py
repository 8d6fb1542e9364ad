"""Child processes (dbt) die with the run that started them.

dbt runs as a subprocess of the run (dagster-dbt starts it). If the run were killed with -9,
an orphaned dbt would go on for minutes holding DuckDB's lock on the build database, and every
later run would fail at once. So dbt is started through ``voice-monitor-dbt`` (``launch``), which

* puts itself in its own process group (dbt and anything it starts can be killed together),
* asks the kernel to kill it when its parent dies (Linux ``PR_SET_PDEATHSIG``),
* records itself in ``state/children/<pid>.json`` (pid, group, parent, start time), and
* replaces itself with dbt (same pid).

A run kills its children's groups when it ends, however it ends (``stop_children``; also the
time limits' way of stopping a step), and a run that starts first kills any recorded child of
an earlier run that is still alive (``reap_leftovers``; under the writer lock no other run can
legitimately have one). A record is trusted only while the process's start time still matches,
so a recycled pid is never killed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Callable

from orchestration.paths import Home

LAUNCHER = "voice-monitor-dbt"


def dbt_executable() -> str:
    """The dbt installed next to this interpreter (a venv's bin/ is not always on PATH)."""
    sibling = Path(sys.executable).parent / "dbt"
    return str(sibling) if sibling.exists() else (shutil.which("dbt") or "dbt")


def launcher_executable() -> str:
    """``voice-monitor-dbt`` next to this interpreter; plain dbt when it is not installed."""
    sibling = Path(sys.executable).parent / LAUNCHER
    return str(sibling) if sibling.exists() else dbt_executable()


def _start_ticks(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (/proc/<pid>/stat field 22)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    fields = raw[raw.rfind(b")") + 2:].split()
    return int(fields[19])


def _set_parent_death_signal() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):      # not Linux: the records and reap_leftovers still apply
        pass


def launch() -> None:
    """Entry point of ``voice-monitor-dbt``: become dbt, tied to the run (see module doc)."""
    parent = os.getppid()
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    _set_parent_death_signal()
    if os.getppid() != parent:          # the run died before we were tied to it
        sys.exit(1)
    home = os.environ.get("VOICE_MONITOR_HOME")
    if home:
        record(Home.from_env(home), os.getpid(), parent, "dbt " + " ".join(sys.argv[1:3]))
    dbt = dbt_executable()
    os.execv(dbt, [dbt, *sys.argv[1:]])


def record(home: Home, pid: int, parent: int, command: str) -> Path:
    folder = home.children
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / f"{pid}.json"
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump({"pid": pid, "pgid": os.getpgid(pid), "parent": parent, "start": _start_ticks(pid),
                   "parent_start": _start_ticks(parent), "command": command}, out)
    os.replace(tmp, path)
    return path


def _records(home: Home) -> list[tuple[Path, dict]]:
    if not home.children.is_dir():
        return []
    out = []
    for path in sorted(home.children.glob("*.json")):
        try:
            out.append((path, json.loads(path.read_text())))
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
    return out


def _alive(rec: dict) -> bool:
    return rec.get("start") is not None and _start_ticks(rec["pid"]) == rec["start"]


def _kill_group(rec: dict, grace: float = 10.0) -> None:
    """SIGKILL the child's process group and wait until the child is gone."""
    try:
        os.killpg(rec["pgid"], signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(rec["pid"], signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            return
    # Gone means dead: a zombie counts. Never reap it here (waitpid): our own child belongs to the
    # subprocess.Popen that started it, and a status reaped behind its back reads as exit code 0,
    # so a dbt killed by a time limit would look like a successful build (tests/test_children.py)
    deadline = time.monotonic() + grace
    while _alive(rec) and not _zombie(rec["pid"]) and time.monotonic() < deadline:
        time.sleep(0.05)


def _zombie(pid: int) -> bool:
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return True
    return raw[raw.rfind(b")") + 2:].split()[0] in (b"Z", b"X")


def stop_children(home: Home, say: Callable[[str], None] | None = None) -> list[int]:
    """Kill the live children this process started (their whole groups); forget the dead ones."""
    killed = []
    for path, rec in _records(home):
        if rec.get("parent") != os.getpid():
            continue
        if _alive(rec) and not _zombie(rec["pid"]):
            _kill_group(rec)
            killed.append(rec["pid"])
            if say:
                say(f"Stopped {rec.get('command', 'a child process')} (pid {rec['pid']}).")
        path.unlink(missing_ok=True)
    return killed


def reap_leftovers(home: Home, say: Callable[[str], None] | None = None) -> list[int]:
    """Called with the writer lock held: kill every recorded child of another process that is
    still alive (a run killed with -9 left it; it may hold the build database's lock)."""
    killed = []
    for path, rec in _records(home):
        if rec.get("parent") == os.getpid():
            continue
        if _alive(rec) and not _zombie(rec["pid"]):
            _kill_group(rec)
            killed.append(rec["pid"])
            if say:
                say(f"Stopped {rec.get('command', 'a child process')} (pid {rec['pid']}) left running by an "
                    "earlier run that was killed; it held the build database.")
        path.unlink(missing_ok=True)
    return killed
