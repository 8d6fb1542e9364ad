"""Survey domain assets: the raw waves (validated deliveries) and their raking weights."""


import dagster as dg
from dagster import AssetExecutionContext
import pandas as pd

from orchestration.resources import WarehouseResource
from orchestration.survey.ingest import ingest_survey
from orchestration.survey.weighting import load_targets, weight_active_waves

SURVEY_RAW = dg.AssetKey(["raw", "survey_responses"])
SURVEY_WEIGHTS = dg.AssetKey(["weights", "survey_weights"])
WEIGHTING_DIAGNOSTICS = dg.AssetKey(["ops", "survey_weighting"])
TARGETS_USED = dg.AssetKey(["ops", "population_targets"])


def outcomes_metadata(outcomes) -> dict:
    table = [{"path": o.path, "partition": o.partition, "status": o.status, "rows": o.rows,
              "message": o.message, "report": o.report} for o in outcomes]
    counts = {s: sum(o.status == s for o in outcomes) for s in ("staged", "unchanged", "rejected", "ignored", "skipped")}
    return {"outcomes": dg.MetadataValue.json(table), **{f"files_{k}": v for k, v in counts.items()},
            "rows_staged": sum(o.rows for o in outcomes if o.status == "staged")}


@dg.asset(
    key=SURVEY_RAW,
    group_name="survey",
    kinds={"python", "duckdb"},
    description="Survey waves from landing/survey, validated against the contract (spec §2) and staged "
                "as pending deliveries; bad files go to quarantine/ with a report.",
    check_specs=[dg.AssetCheckSpec("no_rejected_survey_files", asset=SURVEY_RAW,
                                   description="Every survey file seen in this run was accepted.")],
)
def survey_responses(context: AssetExecutionContext, warehouse: WarehouseResource):
    home = warehouse.home
    con = warehouse.connect()
    try:
        outcomes = ingest_survey(con, home, context.run_id, warehouse.bad_row_threshold, context.log)
    finally:
        con.close()
    rejected = [o for o in outcomes if o.status == "rejected"]
    yield dg.MaterializeResult(asset_key=SURVEY_RAW, metadata=outcomes_metadata(outcomes))
    yield dg.AssetCheckResult(
        check_name="no_rejected_survey_files", asset_key=SURVEY_RAW, passed=not rejected,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rejected": dg.MetadataValue.json([o.message for o in rejected])})


@dg.multi_asset(
    specs=[
        dg.AssetSpec(SURVEY_WEIGHTS, deps=[SURVEY_RAW], group_name="survey", kinds={"python", "numpy"},
                     description="Raking weights per wave (spec §3); fails when a wave cannot be weighted."),
        dg.AssetSpec(WEIGHTING_DIAGNOSTICS, deps=[SURVEY_RAW], group_name="survey",
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
