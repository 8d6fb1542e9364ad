"""Dagster definitions: only merges what the domains define."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.jobs import warehouse_job
from orchestration.publish.assets import published_warehouse
from orchestration.resources import WarehouseResource
from orchestration.social.assets import social_posts
from orchestration.survey.assets import survey_responses, survey_weights
from orchestration.transform.assets import warehouse_dbt_models
from orchestration.transform.project import DBT_EXECUTABLE, dbt_project
from orchestration.warehouse.assets import active_deliveries

defs = dg.Definitions(
    assets=[survey_responses, social_posts, active_deliveries, survey_weights,
            warehouse_dbt_models, published_warehouse],
    jobs=[warehouse_job],
    resources={
        "warehouse": WarehouseResource(),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
    },
    executor=dg.in_process_executor,
)
