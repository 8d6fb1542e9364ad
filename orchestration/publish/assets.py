"""The published BI database: the last step of every run that changes something."""


import dagster as dg
from dagster import AssetExecutionContext

from orchestration.asset_keys import PUBLISHED
from orchestration.publish.publish import current_fingerprint, is_published, publish
from orchestration.resources import WarehouseResource
from orchestration.survey.weighting import load_targets
from orchestration.transform.assets import warehouse_dbt_models
from orchestration.warehouse import state



@dg.asset(
    key=PUBLISHED,
    deps=list(warehouse_dbt_models.keys),
    group_name="warehouse",
    kinds={"duckdb"},
    description="warehouse/voice_monitor.duckdb: marts and audit tables, replaced atomically. Runs only "
                "after every model, dbt test and blocking quality check has passed.",
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    home = warehouse.home
    con = warehouse.connect()
    try:
        committed = state.commit_pending(con)
        targets_hash = load_targets(home.targets_override).content_hash
        fingerprint = current_fingerprint(con, targets_hash)
        if is_published(con, home, fingerprint):
            state.kv_set(con, state.BUILD_DIRTY_KEY, "0")       # rebuilt from what was published: same tables
            context.log.info("The published database is already up to date; left untouched.")
            return dg.MaterializeResult(metadata={"published": False, "path": str(home.published_db)})
        result = publish(con, home, fingerprint, warehouse.publish_storage_version, targets_hash)
    finally:
        con.close()
    context.log.info(f"Published {result.path} ({result.tables} tables, {result.size_bytes / 1e6:.1f} MB)")
    if result.unarchived:
        context.log.warning("Not in the archive (loaded before archiving, no longer in landing; a rebuild "
                            "cannot restore them): " + ", ".join(result.unarchived))
    return dg.MaterializeResult(metadata={
        "published": True,
        "path": dg.MetadataValue.path(str(result.path)),
        "tables": result.tables,
        "size_mb": round(result.size_bytes / 1e6, 2),
        "committed_deliveries": dg.MetadataValue.json([d.path for d in committed]),
        "unarchived": dg.MetadataValue.json(list(result.unarchived)),
    })
