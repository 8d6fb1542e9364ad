"""One measured task, run as a child process of the harness (so its wall time and process-tree
memory are measured from outside). ``python -m tools.bench.child TASK --out result.json ...``

Tasks:

* ``sample --home H``: ``voice-monitor sample`` into H.
* ``run --home H [--full-refresh]``: ``voice-monitor run`` on H, exactly as the CLI does it
  (summary, headline figures, report), with the run summary's step timings, the file outcomes and
  the number of post versions classified captured.
* ``anchor-survey --files F...``: the handwritten DuckDB + numpy channel-preference mart.
* ``anchor-social --files F...``: the handwritten DuckDB social theme counts.
* ``rake --engine project|weightipy|cells --files F...``: raking of every wave in the files.
* ``pg-sync --home H``: the BI PostgreSQL sync of H's published file (as after a publish; forced,
  so every repetition copies everything).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def _write(out: Path, payload: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    tmp.replace(out)


def task_sample(args) -> dict:
    from orchestration.cli import main

    rc = main(["--home", args.home, "sample"])
    return {"returncode": rc}


def task_run(args) -> dict:
    """``voice-monitor run`` through the CLI's own code path; run_once and after_run are wrapped
    only to read the summary and time them."""
    import orchestration.bi.handoff as handoff
    import orchestration.pipeline as pipeline

    captured: dict = {}
    original_run, original_after = pipeline.run_once, handoff.after_run

    def run_once(*a, **k):
        t0 = time.perf_counter()
        summary = original_run(*a, **k)
        captured["run_once_seconds"] = time.perf_counter() - t0
        captured["summary"] = summary
        return summary

    def after_run(summary, *a, **k):
        t0 = time.perf_counter()
        try:
            return original_after(summary, *a, **k)
        finally:
            captured["after_run_seconds"] = time.perf_counter() - t0

    pipeline.run_once, handoff.after_run = run_once, after_run
    # only runs the harness may stop at a time limit report progress (it costs a little)
    progress = _Progress(Path(args.out + ".progress")) if args.progress else None
    if progress:
        progress.start()
    from orchestration.cli import main

    t0 = time.perf_counter()
    try:
        rc = main(["--home", args.home, "run"] + (["--full-refresh"] if args.full_refresh else []))
    finally:
        if progress:
            progress.stop()
    cli_seconds = time.perf_counter() - t0
    summary = captured.get("summary")
    return {
        "returncode": rc,
        "cli_seconds": cli_seconds,
        "run_once_seconds": captured.get("run_once_seconds"),
        "after_run_seconds": captured.get("after_run_seconds", 0.0),
        "status": getattr(summary, "status", None),
        "reason": getattr(summary, "reason", None),
        "published": getattr(summary, "published", None),
        "classified": getattr(summary, "classified", None),
        "steps": [{"step": s.step, "seconds": s.seconds} for s in getattr(summary, "steps", [])],
        "files": [{k: f.get(k) for k in ("path", "status", "rows", "seconds")}
                  for f in getattr(summary, "files", [])],
    }


class _Progress:
    """Writes the step timings of the runs so far to a file every 5 seconds, so that a run the
    harness stops at its time limit still tells how long each finished step took and which
    step was running. It finds the runs through the Dagster instances ``run_once`` opens (the
    home's persistent one: only the runs started since this task began count)."""

    def __init__(self, path: Path):
        import threading

        import dagster as dg

        self.path = path
        self.instances: list = []
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        import datetime as dt

        from orchestration.warehouse import dagster_runs

        self.since = dt.datetime.now(dt.timezone.utc)
        self.runs_filter = dg.RunsFilter(created_after=self.since)
        original = dagster_runs.open_instance

        def open_instance(*a, **k):
            instance = original(*a, **k)
            self.instances.append(instance)
            return instance

        dagster_runs.open_instance = open_instance

    def start(self) -> None:
        self.started = time.perf_counter()
        self._thread.start()

    def stop(self) -> None:
        self._halt.set()
        self._thread.join()

    def snapshot(self) -> dict:
        from dagster import DagsterEventType

        steps, running = [], []
        for instance in list(self.instances):
            for run in instance.get_runs(filters=self.runs_filter):
                starts: dict[str, float] = {}
                ended: set[str] = set()
                for entry in instance.all_logs(run.run_id):
                    if not entry.is_dagster_event or not entry.step_key:
                        continue
                    kind = entry.dagster_event.event_type
                    if kind == DagsterEventType.STEP_START:
                        starts[entry.step_key] = entry.timestamp
                    elif kind in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE) \
                            and entry.step_key in starts:
                        steps.append({"step": entry.step_key, "seconds": entry.timestamp - starts[entry.step_key]})
                        ended.add(entry.step_key)
                running += [{"step": k, "seconds": time.time() - t} for k, t in starts.items() if k not in ended]
        return {"steps": steps, "running": running, "seconds": time.perf_counter() - self.started}

    def _loop(self) -> None:
        while not self._halt.wait(5.0):
            try:
                _write(self.path, self.snapshot())
            except Exception:       # a snapshot racing the run is simply skipped
                pass


def _anchor_task(module_name: str):
    """A child task running one anchor module's ``run`` and keeping its result table."""
    def task(args) -> dict:
        import importlib

        anchor = importlib.import_module(f"tools.bench.anchors.{module_name}")
        result = anchor.run([Path(f) for f in args.files], threads=args.threads, memory_limit=args.memory_limit)
        if args.result:
            Path(args.result).parent.mkdir(parents=True, exist_ok=True)
            result.frame.to_parquet(args.result)
        return {"returncode": 0, "rows": len(result.frame), "timings": result.timings, "counts": result.counts}
    return task


def task_rake(args) -> dict:
    from tools.bench.anchors import raking

    timings = raking.run(args.engine, [Path(f) for f in args.files])
    return {"returncode": 0, "timings": timings}


def task_pg_sync(args) -> dict:
    from orchestration.bi.postgres.sync import sync
    from orchestration.paths import Home

    result = sync(Home.from_env(args.home), force=True)
    return {"returncode": 0 if result is not None and result.status == "synced" else 1,
            "status": getattr(result, "status", None), "message": getattr(result, "message", ""),
            "seconds": getattr(result, "seconds", None), "tables": getattr(result, "tables", 0),
            "rows": getattr(result, "rows", 0)}


TASKS = {"sample": task_sample, "run": task_run, "anchor-survey": _anchor_task("survey_channel"),
         "anchor-social": _anchor_task("social_themes"), "rake": task_rake,
         "pg-sync": task_pg_sync}


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    p = argparse.ArgumentParser(prog="python -m tools.bench.child")
    p.add_argument("task", choices=sorted(TASKS))
    p.add_argument("--out", required=True)
    p.add_argument("--home")
    p.add_argument("--files", nargs="*", default=[])
    p.add_argument("--engine", default="project")
    p.add_argument("--result", help="write the anchor's result table here (Parquet)")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--memory-limit", default="")
    p.add_argument("--full-refresh", action="store_true", help="run: voice-monitor run --full-refresh")
    p.add_argument("--progress", action="store_true",
                   help="run: write the step timings so far to OUT.progress every second")
    args = p.parse_args(argv)
    payload = TASKS[args.task](args)
    payload["child_seconds"] = time.perf_counter() - started
    _write(Path(args.out), payload)
    return int(payload.get("returncode") or 0)


if __name__ == "__main__":
    sys.exit(main())
