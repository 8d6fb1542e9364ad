"""What a failed build run does to the pending deliveries it was building."""

import dagster as dg

from orchestration.warehouse import state


@dg.failure_hook(required_resource_keys={"warehouse"})
def set_aside_pending_deliveries(context: dg.HookContext):
    """A handled failure (a wave that cannot be weighted, a failed dbt test or quality check)
    sets the run's pending deliveries aside as ``failed``, so the warehouse goes back to the
    last good state and later deliveries are not held up. A run killed with -9 never gets
    here: its deliveries stay pending and the next run builds them again."""
    error = context.op_exception
    reason = f"{context.step_key}: {error}" if error else f"{context.step_key} failed"
    warehouse = context.resources.warehouse
    con = warehouse.connect()
    try:
        rolled_back = state.rollback_pending(con, reason)
    finally:
        con.close()
    if rolled_back:
        context.log.error("Not published. Set aside as failed: " + ", ".join(d.path for d in rolled_back))
