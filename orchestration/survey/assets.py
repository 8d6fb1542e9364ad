"""Survey domain assets: the raw waves (validated deliveries, one partition per wave) and
their raking weights."""

import dagster as dg
import pandas as pd
from dagster import AssetExecutionContext

from orchestration.asset_keys import FILES_ACCEPTED_CHECK, SURVEY_RAW, SURVEY_WEIGHTS
from orchestration.resources import WarehouseResource
from orchestration.survey.ingest import ingest_survey
from orchestration.survey.partitions import survey_waves
from orchestration.survey.weighting import load_targets, weight_active_waves
from orchestration.warehouse.outcomes import hold_risky_redeliveries, ingestion_events

SURVEY_RESPONSES = dg.AssetKey(["staging", "stg_survey__responses"])     # the live rows (dbt)
WEIGHTING_DIAGNOSTICS = dg.AssetKey(["ops", "survey_weighting"])
TARGETS_USED = dg.AssetKey(["ops", "population_targets"])


@dg.asset(
    key=SURVEY_RAW,
    partitions_def=survey_waves,
    output_required=False,
    group_name="survey",
    kinds={"python", "duckdb"},
    description="Survey waves from landing/survey, validated against the contract (spec §2) and staged "
                "as pending deliveries; bad files go to quarantine/ with a report.",
    check_specs=[dg.AssetCheckSpec(FILES_ACCEPTED_CHECK, asset=SURVEY_RAW,
                                   description="Every survey file seen in this run was accepted.")],
)
def survey_responses(context: AssetExecutionContext, warehouse: WarehouseResource):
    waves = {int(k) for k in context.partition_keys}
    con = warehouse.connect()
    try:
        outcomes = ingest_survey(con, warehouse.home, context.run_id, warehouse.bad_row_threshold,
                                 context.log, waves=waves)
        hold_risky_redeliveries(con, warehouse.home, outcomes, context.log)
    finally:
        con.close()
    yield from ingestion_events(SURVEY_RAW, outcomes)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(SURVEY_WEIGHTS, deps=[SURVEY_RESPONSES], group_name="survey", kinds={"python", "numpy"},
                     description="Raking weights per wave (spec §3) of the live survey rows "
                                 "(staging.stg_survey__responses); fails when a wave cannot be weighted."),
        dg.AssetSpec(WEIGHTING_DIAGNOSTICS, deps=[SURVEY_RESPONSES], group_name="survey",
                     description="Per-wave raking diagnostics (n, Σw, deff, n_eff, efficiency, sweeps)."),
        dg.AssetSpec(TARGETS_USED, group_name="survey",
                     description="The population targets used (bundled, or $VOICE_MONITOR_HOME/config override)."),
    ],
)
def survey_weights(context: AssetExecutionContext, warehouse: WarehouseResource):
    home = warehouse.home
    targets = load_targets(home.targets_override)
    con = warehouse.connect()
    try:
        diagnostics = weight_active_waves(con, targets)
    finally:
        con.close()
    table = pd.DataFrame([{"wave": w, **d} for w, d in diagnostics.items()])
    context.log.info(f"Weighted {len(diagnostics)} wave(s) with targets from {targets.source}")
    yield dg.MaterializeResult(asset_key=SURVEY_WEIGHTS, metadata={
        "waves": len(diagnostics),
        **{f"efficiency_{w}": float(d["efficiency"]) for w, d in diagnostics.items()},
    })
    yield dg.MaterializeResult(asset_key=WEIGHTING_DIAGNOSTICS, metadata={
        "diagnostics": dg.MetadataValue.json(table.to_dict(orient="records"))})
    yield dg.MaterializeResult(asset_key=TARGETS_USED, metadata={
        "source": targets.source, "content_hash": targets.content_hash})
