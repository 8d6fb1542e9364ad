"""Wall time and peak RSS of a child process and all its descendants (psutil sampling)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.05


@dataclass
class ChildResult:
    returncode: int
    wall_seconds: float
    peak_rss_bytes: int          # max over samples of the summed RSS of the process tree
    peak_processes: int          # most processes alive in the tree at one sample
    peak_by_process: dict[str, int] | None = None   # largest RSS seen per kind of process
    timed_out: bool = False


def _kind(p: psutil.Process) -> str:
    """A short name for a process of the tree: dbt, the measured Python process, or its name."""
    try:
        cmd = p.cmdline()
    except psutil.Error:
        return "?"
    text = " ".join(cmd[:4])
    if "bin/dbt" in text:
        return "dbt"
    if "tools.bench.child" in text:
        return "main"
    return p.name()


class TreeSampler(threading.Thread):
    """Samples the summed RSS of ``pid`` and its descendants until stopped."""

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.peak_processes = 0
        self.by_process: dict[str, int] = {}
        self._halt = threading.Event()

    def sample(self) -> None:
        try:
            procs = [self.root] + self.root.children(recursive=True)
        except psutil.Error:
            return
        total = 0
        alive = 0
        for p in procs:
            try:
                rss = p.memory_info().rss
                total += rss
                alive += 1
                kind = _kind(p)
                self.by_process[kind] = max(self.by_process.get(kind, 0), rss)
            except psutil.Error:
                continue
        self.peak = max(self.peak, total)
        self.peak_processes = max(self.peak_processes, alive)

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_child(argv: list[str], log: Path, env: dict[str, str] | None = None,
              cwd: Path | None = None, timeout: float | None = None) -> ChildResult:
    """Run ``argv`` (stdout/stderr to ``log``), timing it and sampling its process tree. After
    ``timeout`` seconds the child's whole process group (dbt included) is killed; the result
    then has ``timed_out`` set."""
    import os
    import signal

    log.parent.mkdir(parents=True, exist_ok=True)
    timed_out = False
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(argv)}\n".encode())
        out.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                start_new_session=True)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        try:
            try:
                rc = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                rc = proc.wait()
                out.write(f"\n[bench] stopped after {timeout:.0f} s\n".encode())
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        finally:
            wall = time.perf_counter() - started
            sampler.stop()
    return ChildResult(rc, wall, sampler.peak, sampler.peak_processes, dict(sampler.by_process), timed_out)


def python_child(module_args: list[str], log: Path, env: dict[str, str] | None = None,
                 cwd: Path | None = None, timeout: float | None = None) -> ChildResult:
    return run_child([sys.executable, "-m", "tools.bench.child", *module_args], log, env, cwd, timeout)


def machine() -> dict:
    """The machine the figures were measured on."""
    import platform

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def load_average() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (float("nan"),) * 3
