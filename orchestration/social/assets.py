"""Social domain asset: monthly post exports (one partition per month) staged as pending
deliveries (spec §6)."""

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.resources import WarehouseResource
from orchestration.social.partitions import social_months
from orchestration.survey.assets import FILES_ACCEPTED_CHECK, ingestion_events
from orchestration.survey.ingest import FileOutcome

SOCIAL_RAW = dg.AssetKey(["raw", "social_posts"])
_STATUS = {"staged": "staged", "restaged": "staged", "ignored": "ignored", "failed": "rejected"}


@dg.asset(
    key=SOCIAL_RAW,
    partitions_def=social_months,
    output_required=False,
    group_name="social",
    kinds={"python", "duckdb"},
    description="Posts from landing/social (JSONL exports), parsed, masked, pseudonymised and language-tagged; "
                "malformed lines go to the quarantine table, the rest loads.",
    check_specs=[dg.AssetCheckSpec(FILES_ACCEPTED_CHECK, asset=SOCIAL_RAW,
                                   description="Every social export seen in this run could be read.")],
)
def social_posts(context: AssetExecutionContext, warehouse: WarehouseResource):
    from orchestration.social.ingest import ingest_social

    con = warehouse.connect()
    try:
        report = ingest_social(con, warehouse.home, context.run_id, log=context.log,
                               months=set(context.partition_keys))
    finally:
        con.close()
    outcomes = [FileOutcome(f.path, "social", f.partition, _STATUS.get(f.status, f.status),
                            f.message or f"{f.lines_read:,} lines ({f.malformed_lines:,} malformed)",
                            f.valid_lines) for f in report.files]
    yield from ingestion_events(SOCIAL_RAW, outcomes)
