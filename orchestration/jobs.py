"""The one job: ingest what is new, weight, build, check, publish."""

import dagster as dg

warehouse_job = dg.define_asset_job(
    "warehouse_job",
    selection=dg.AssetSelection.all(),
    description="Process the landing zone once: ingest new or changed files, weight, dbt build, "
                "quality checks, publish.",
)
