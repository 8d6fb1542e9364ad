"""Jobs: ingest one partition (what a sensor starts per new file), and build-and-publish."""

import dagster as dg

from orchestration.asset_keys import SOCIAL_MALFORMED, SOCIAL_RAW, SURVEY_RAW
from orchestration.hooks import set_aside_pending_deliveries

RAW_ASSETS = (SURVEY_RAW, SOCIAL_RAW)             # what ingestion materializes, per kind
INGESTED = (SURVEY_RAW, SOCIAL_RAW, SOCIAL_MALFORMED)

ingest_survey_wave = dg.define_asset_job(
    "ingest_survey_wave", selection=dg.AssetSelection.keys(SURVEY_RAW),
    description="Validate and stage the delivery of one survey wave (partition = wave).")

ingest_social_month = dg.define_asset_job(
    "ingest_social_month", selection=dg.AssetSelection.keys(SOCIAL_RAW, SOCIAL_MALFORMED),
    description="Parse, mask and stage the social exports of one month (partition = YYYY-MM).")

build_and_publish = dg.define_asset_job(
    "build_and_publish",
    selection=dg.AssetSelection.all() - dg.AssetSelection.keys(*INGESTED),
    hooks={set_aside_pending_deliveries},
    description="Weight, dbt build (tests as checks), quality checks, publish — from the staged deliveries. "
                "Runs for what changed: launched with the assets downstream of the updated raw assets.")
