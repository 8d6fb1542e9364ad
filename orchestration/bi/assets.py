"""The BI database (PostgreSQL), synced after every publish of the DuckDB file."""

import dagster as dg

from orchestration.asset_keys import PUBLISHED
from orchestration.resources import WarehouseResource

BI_POSTGRES = dg.AssetKey(["bi", "postgres"])


@dg.asset(
    key=BI_POSTGRES,
    deps=[PUBLISHED],
    group_name="warehouse",
    kinds={"postgres"},
    output_required=False,
    description="The published tables in the BI PostgreSQL (`voice-monitor serve`), swapped in atomically. "
                "Synced when it is behind the published file; never fails a run: when PostgreSQL cannot be "
                "reached the run says the BI database is stale and the next run catches it up. Nothing "
                "happens until a BI database has been set up (serve, or VOICE_MONITOR_POSTGRES_URL).",
)
def bi_postgres(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    from orchestration.bi.postgres.sync import sync

    result = sync(warehouse.home)
    if result is None:
        return
    context.log.info(result.line())
    if result.status == "synced":
        yield dg.MaterializeResult(metadata={"tables": result.tables, "rows": result.rows,
                                             "seconds": result.seconds, "target": result.target})
