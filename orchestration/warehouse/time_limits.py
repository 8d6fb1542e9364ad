"""Every step of a run has a time limit, so nothing can hang a run (and every later run) forever.

Limits, in minutes (decimals allowed), from the environment:

* ``VOICE_MONITOR_INGEST_TIME_LIMIT`` (default 240) — reading the files of one ingestion run;
* ``VOICE_MONITOR_DBT_TIME_LIMIT`` (default 360) — the dbt build;
* ``VOICE_MONITOR_STEP_TIME_LIMIT`` (default 120) — every other step (weighting, each quality
  check, publish).

The defaults are generous (the 10-million-post benchmark needs about 20 minutes in all). A
watchdog thread follows the run's steps in its Dagster event log; when a step passes its limit
it stops the step's child processes (dbt) and interrupts the run's main thread (DuckDB stops its
query at once, Python code at its next instruction). The step fails, and the run reports it in
plain words: which step, which limit, which setting raises it. What the step was working on is
set aside as failed (orchestration.warehouse.blame), so the next run does not hang on it again.
"""

from __future__ import annotations

import _thread
import signal
import threading
import time
from dataclasses import dataclass

from orchestration.paths import Home

INGEST_STEPS = frozenset({"survey_responses", "social_posts"})
DBT_STEPS = frozenset({"warehouse_dbt_models"})
LIMITS = {                   # step class -> (environment variable, default minutes)
    "ingest": ("VOICE_MONITOR_INGEST_TIME_LIMIT", 240.0),
    "dbt": ("VOICE_MONITOR_DBT_TIME_LIMIT", 360.0),
    "step": ("VOICE_MONITOR_STEP_TIME_LIMIT", 120.0),
}


def step_class(step_key: str) -> str:
    return "ingest" if step_key in INGEST_STEPS else "dbt" if step_key in DBT_STEPS else "step"


def limit_minutes(step_key: str) -> tuple[float, str]:
    from orchestration.settings import positive_number

    env, default = LIMITS[step_class(step_key)]
    return positive_number(env, default, float, "number of minutes", "minutes"), env


@dataclass(frozen=True)
class Expired:
    step: str
    minutes: float
    env: str

    @property
    def message(self) -> str:
        return (f"The step {self.step} was stopped after its time limit of {self.minutes:g} minutes "
                f"({self.env}; raise it if the data really needs longer).")


class Watchdog:
    """Watches one in-process Dagster run (``with Watchdog(instance, run_id, home): execute``)."""

    POLL_SECONDS = 0.5

    def __init__(self, instance, run_id: str, home: Home):
        self.instance, self.run_id, self.home = instance, run_id, home
        self.expired: Expired | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="step-time-limits", daemon=True)
        self._main = threading.current_thread() is threading.main_thread()
        for key in ("ingest", "dbt", "step"):         # a bad setting is reported before the run starts
            limit_minutes({"ingest": "survey_responses", "dbt": "warehouse_dbt_models", "step": ""}[key])

    def __enter__(self) -> "Watchdog":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _running_steps(self) -> dict[str, float]:
        from dagster import DagsterEventType

        records = self.instance.get_records_for_run(
            self.run_id, of_type={DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS,
                                  DagsterEventType.STEP_FAILURE}).records
        running: dict[str, float] = {}
        for r in records:
            entry = r.event_log_entry
            if entry.dagster_event is None or not entry.step_key:
                continue
            if entry.dagster_event.event_type == DagsterEventType.STEP_START:
                running[entry.step_key] = entry.timestamp
            else:
                running.pop(entry.step_key, None)
        return running

    def _watch(self) -> None:
        from orchestration.warehouse.children import stop_children

        while not self._stop.wait(self.POLL_SECONDS):
            try:
                running = self._running_steps()
            except Exception:            # the run is not in the event log yet
                continue
            now = time.time()
            for step, started in running.items():
                minutes, env = limit_minutes(step)
                if now - started <= minutes * 60:
                    continue
                self.expired = Expired(step, minutes, env)
                # a step waiting for dbt ends by itself once dbt is gone; anything else is interrupted
                if stop_children(self.home) and self._step_ends(step, within=30.0):
                    return
                if self._main and not self._stop.is_set():
                    _thread.interrupt_main(signal.SIGINT)
                return

    def _step_ends(self, step: str, within: float) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self._stop.is_set() or step not in self._running_steps():
                return True
            time.sleep(self.POLL_SECONDS)
        return False
