"""Social domain assets: monthly post exports (one partition per month) staged as pending
deliveries (spec §6) — the valid lines and the malformed lines, written together."""

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.asset_keys import FILES_ACCEPTED_CHECK, SOCIAL_MALFORMED, SOCIAL_RAW
from orchestration.resources import WarehouseResource
from orchestration.social.partitions import social_months
from orchestration.warehouse.landing import FileOutcome
from orchestration.warehouse.outcomes import hold_risky_redeliveries, ingestion_events

_STATUS = {"staged": "staged", "restaged": "staged", "ignored": "ignored", "failed": "rejected",
           "rejected": "rejected"}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(SOCIAL_RAW, group_name="social", kinds={"python", "duckdb"}, skippable=True,
                     description="Posts from landing/social (JSONL exports), parsed, masked, pseudonymised and "
                                 "language-tagged (one row per valid line)."),
        dg.AssetSpec(SOCIAL_MALFORMED, group_name="social", kinds={"duckdb"}, skippable=True,
                     description="Malformed lines of the exports: file, physical line number and reason "
                                 "(never the line itself)."),
    ],
    partitions_def=social_months,
    check_specs=[dg.AssetCheckSpec(FILES_ACCEPTED_CHECK, asset=SOCIAL_RAW,
                                   description="Every social export seen in this run could be read.")],
)
def social_posts(context: AssetExecutionContext, warehouse: WarehouseResource):
    from orchestration.social.ingest import ingest_social
    loaders = {}
    if warehouse.social_engine == "spark":     # the rows go to the Spark warehouse (orchestration/spark/ingest.py)
        from orchestration.spark import ingest as spark_ingest
        from orchestration.spark.settings import export_env

        export_env(warehouse.home)
        loaders = {"load_file": spark_ingest.load_file, "has_rows": spark_ingest.has_rows}
    con = warehouse.connect()
    try:
        report = ingest_social(con, warehouse.home, context.run_id, log=context.log,
                               months=set(context.partition_keys), **loaders)
        outcomes = [FileOutcome(f.path, "social", f.partition, _STATUS.get(f.status, f.status),
                                f.message or f"{f.lines_read:,} lines ({f.malformed_lines:,} malformed)",
                                f.valid_lines, report=f.report) for f in report.files]
        hold_risky_redeliveries(con, warehouse.home, outcomes, context.log)
    finally:
        con.close()
    for event in ingestion_events(SOCIAL_RAW, outcomes):
        yield event
        if isinstance(event, dg.MaterializeResult):
            yield dg.MaterializeResult(asset_key=SOCIAL_MALFORMED, metadata={
                "malformed_lines": sum(f.malformed_lines for f in report.files)})
