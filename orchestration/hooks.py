"""What a failed build run does to the pending deliveries it was building (the build job's
failure hook, orchestration.jobs)."""

import dagster as dg

from orchestration.failed_steps import failure_kinds
from orchestration.warehouse import blame, state


def error_text(error: BaseException | None) -> str:
    """An exception and its causes, in words (what blame reads)."""
    parts, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        parts.append(f"{type(error).__name__}: {error}")
        error = error.__cause__ or error.__context__
    return "\n".join(parts)


@dg.failure_hook(required_resource_keys={"warehouse"})
def set_aside_pending_deliveries(context: dg.HookContext):
    """A handled failure sets aside the pending deliveries it can blame (orchestration.warehouse.
    blame: the wave that cannot be weighted, the data of a failed check; none when the disk is
    full) and keeps the others pending for the next run. ``voice-monitor run`` settles its runs
    itself, with everything the run's events say; this hook does it for runs the sensors launch.
    A run killed with -9 never gets here: its deliveries stay pending and the next run builds
    them again."""
    from dagster import AssetCheckSeverity, DagsterEventType

    warehouse = context.resources.warehouse
    run = context.instance.get_run_by_id(context.run_id)
    con = warehouse.connect()
    try:
        state.kv_set(con, state.BUILD_DIRTY_KEY, "1")
        if run is not None and run.tags.get("voice_monitor/trigger") == "cli":
            return
        failed_checks = []
        for entry in context.instance.all_logs(context.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
            evaluation = entry.dagster_event.event_specific_data
            if entry.step_key == context.step_key and not evaluation.passed \
                    and evaluation.severity == AssetCheckSeverity.ERROR:
                failed_checks.append(evaluation.asset_key)
        message = error_text(context.op_exception) or f"{context.step_key} failed"
        kinds = failure_kinds(context.step_key, message, failed_checks)
        settlement = blame.settle(con, [blame.Failure(context.step_key, message, kinds)],
                                  f"{context.step_key}: {message.splitlines()[0]}")
    finally:
        con.close()
    for line in settlement.lines():
        context.log.error(line)
