"""The set of live deliveries: what the models are built from in this run."""


import dagster as dg

from orchestration.resources import WarehouseResource
from orchestration.social.assets import SOCIAL_RAW
from orchestration.survey.assets import SURVEY_RAW
from orchestration.warehouse import state

ACTIVE_DELIVERIES = dg.AssetKey(["ops", "active_deliveries"])


@dg.asset(
    key=ACTIVE_DELIVERIES,
    deps=[SURVEY_RAW, SOCIAL_RAW],
    group_name="warehouse",
    kinds={"duckdb"},
    description="Per wave and per social export, the delivery this build uses (pending if any, else current).",
)
def active_deliveries(warehouse: WarehouseResource) -> dg.MaterializeResult:
    con = warehouse.connect()
    try:
        live = state.active_deliveries(con)
    finally:
        con.close()
    return dg.MaterializeResult(metadata={
        "deliveries": dg.MetadataValue.json([
            {"kind": d.kind, "key": d.key, "path": d.path, "role": d.role, "hash": d.content_hash[:12]} for d in live]),
        "pending": sum(d.role == "pending" for d in live),
    })
