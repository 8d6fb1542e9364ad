"""Social domain asset: monthly post exports staged as pending deliveries (spec §6)."""


import dagster as dg
from dagster import AssetExecutionContext

from orchestration.resources import WarehouseResource

SOCIAL_RAW = dg.AssetKey(["raw", "social_posts"])


@dg.asset(
    key=SOCIAL_RAW,
    group_name="social",
    kinds={"python", "duckdb"},
    description="Posts from landing/social (JSONL exports), parsed, masked, pseudonymised and language-tagged; "
                "malformed lines go to the quarantine table, the rest loads.",
)
def social_posts(context: AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    from orchestration.social.ingest import ingest_social

    home = warehouse.home
    con = warehouse.connect()
    try:
        report = ingest_social(con, home, context.run_id, log=context.log)
    finally:
        con.close()
    return dg.MaterializeResult(metadata=report.as_metadata() if hasattr(report, "as_metadata") else {})
