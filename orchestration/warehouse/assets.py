"""The set of live deliveries per kind: what the models are built from in this run.

The build database is marked here as no longer equal to the publish until the next one (a
damaged published file is then rebuilt rather than copied: orchestration.publish.publish)."""

import dagster as dg

from orchestration.asset_keys import SOCIAL_MALFORMED, SOCIAL_RAW, SURVEY_RAW
from orchestration.resources import WarehouseResource
from orchestration.warehouse import state

ACTIVE = {
    "survey": dg.AssetKey(["ops", "active_survey_deliveries"]),
    "social": dg.AssetKey(["ops", "active_social_deliveries"]),
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(ACTIVE["survey"], deps=[SURVEY_RAW], group_name="survey", kinds={"duckdb"},
                     description="Per wave, the delivery this build uses (pending if any, else current)."),
        dg.AssetSpec(ACTIVE["social"], deps=[SOCIAL_RAW, SOCIAL_MALFORMED], group_name="social", kinds={"duckdb"},
                     description="Per social export file, the delivery this build uses (pending if any, else current)."),
    ],
    can_subset=True,
)
def active_deliveries(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    con = warehouse.connect()
    try:
        state.kv_set(con, state.BUILD_DIRTY_KEY, "1")
        for kind, key in ACTIVE.items():
            if key not in context.selected_asset_keys:
                continue
            live = state.active_deliveries(con, kind)
            yield dg.MaterializeResult(asset_key=key, metadata={
                "deliveries": dg.MetadataValue.json([
                    {"key": d.key, "path": d.path, "role": d.role, "hash": d.content_hash[:12]} for d in live]),
                "pending": sum(d.role == "pending" for d in live),
            })
    finally:
        con.close()
