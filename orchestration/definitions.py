"""Dagster definitions: only merges what the domains define."""

import dagster as dg

from orchestration.bi.assets import bi_postgres
from orchestration.jobs import build_and_publish, ingest_social_month, ingest_survey_wave
from orchestration.publish.assets import published_warehouse
from orchestration.quality.checks import QUALITY_CHECKS
from orchestration.resources import WarehouseResource
from orchestration.social.assets import social_posts
from orchestration.social.sensors import social_landing_sensor
from orchestration.survey.assets import survey_responses, survey_weights
from orchestration.survey.sensors import survey_landing_sensor
from orchestration.transform.assets import warehouse_dbt_models
from orchestration.transform.project import DBT_EXECUTABLE, WarehouseDbtCli, dbt_project
from orchestration.warehouse.assets import active_deliveries
from orchestration.warehouse.sensors import build_after_ingestion_sensor

defs = dg.Definitions(
    assets=[survey_responses, social_posts, active_deliveries, survey_weights,
            warehouse_dbt_models, published_warehouse, bi_postgres],
    asset_checks=QUALITY_CHECKS,
    jobs=[ingest_survey_wave, ingest_social_month, build_and_publish],
    sensors=[survey_landing_sensor, social_landing_sensor, build_after_ingestion_sensor],
    resources={
        "warehouse": WarehouseResource(),
        "dbt": WarehouseDbtCli(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
    },
    executor=dg.in_process_executor,
)
