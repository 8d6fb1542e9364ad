"""The home's Dagster instance, shared by ``voice-monitor run``, ``rebuild`` and the sensors' runs.

Every run, whoever launched it, is recorded in the persistent instance under ``DAGSTER_HOME``
(``state/dagster``), so ``voice-monitor dev`` shows them all with their steps, checks and logs.
A CLI run executes in the CLI's own process; killed with -9 it would stay "started" in the
instance for ever, and the daemon's run queue (one run at a time) counts it as running. Such a
run is recognised by its tag while the writer lock is free (a live CLI run holds it from start
to end) and marked failed.
"""

from __future__ import annotations

TRIGGER_TAG = "voice_monitor/trigger"


def open_instance():
    """The persistent instance of ``DAGSTER_HOME`` (set by pipeline.prepare_environment)."""
    import dagster as dg

    return dg.DagsterInstance.get()


def fail_abandoned_cli_runs(instance) -> list[str]:
    """Mark failed the CLI runs still recorded as started or starting. Call only while holding
    the writer lock or having found it free: then no CLI run is alive. Returns their run ids."""
    import dagster as dg

    runs = instance.get_runs(filters=dg.RunsFilter(
        tags={TRIGGER_TAG: "cli"},
        statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.NOT_STARTED]))
    for run in runs:
        instance.report_run_failed(run, "The voice-monitor process running it ended without finishing it "
                                        "(killed); its deliveries stay pending and the next run builds them.")
    return [run.run_id for run in runs]


def writer_free(home, instance) -> bool:
    """Whether no run is writing the warehouse now (the sensors then decide; otherwise they look
    again when it is done). When free, abandoned CLI runs are marked failed on the way."""
    from orchestration.warehouse.locking import writer_lock_if_free

    with writer_lock_if_free(home) as free:
        if free:
            fail_abandoned_cli_runs(instance)
        return free
