"""Survey domain assets: the raw waves (validated deliveries, one partition per wave) and
their raking weights."""

import dagster as dg
import pandas as pd
from dagster import AssetExecutionContext

from orchestration.resources import WarehouseResource
from orchestration.survey.ingest import ingest_survey
from orchestration.survey.partitions import survey_waves
from orchestration.survey.weighting import load_targets, weight_active_waves

SURVEY_RAW = dg.AssetKey(["raw", "survey_responses"])
SURVEY_RESPONSES = dg.AssetKey(["staging", "stg_survey__responses"])     # the live rows (dbt)
SURVEY_WEIGHTS = dg.AssetKey(["weights", "survey_weights"])
WEIGHTING_DIAGNOSTICS = dg.AssetKey(["ops", "survey_weighting"])
TARGETS_USED = dg.AssetKey(["ops", "population_targets"])
FILES_ACCEPTED_CHECK = "no_rejected_files"


def hold_risky_redeliveries(con, home, outcomes, log) -> None:
    """Re-deliveries that would withdraw too much published data are held as soon as they are
    staged (orchestration.warehouse.holds); their outcome says so."""
    from orchestration.warehouse import holds

    held = {d.path: d for d in holds.apply(con, home)}
    for o in outcomes:
        if o.status == "staged" and o.path in held:
            o.status, o.message = "held", holds.message_of(con, held[o.path])
            log.warning(o.message)


def outcomes_metadata(outcomes) -> dict:
    table = [{"path": o.path, "partition": o.partition, "status": o.status, "rows": o.rows,
              "message": o.message, "report": o.report,
              "seconds": {k: round(v, 3) for k, v in (getattr(o, "seconds", None) or {}).items()}}
             for o in outcomes]
    counts = {s: sum(o.status == s for o in outcomes)
              for s in ("staged", "unchanged", "rejected", "ignored", "skipped", "held")}
    return {"outcomes": dg.MetadataValue.json(table), **{f"files_{k}": v for k, v in counts.items()},
            "rows_staged": sum(o.rows for o in outcomes if o.status == "staged")}


def ingestion_events(asset_key: dg.AssetKey, outcomes):
    """A materialization only when something was staged (an unchanged or rejected file changes
    nothing downstream), and always the file check carrying every outcome for the run summary."""
    meta = outcomes_metadata(outcomes)
    if any(o.status == "staged" for o in outcomes):
        yield dg.MaterializeResult(asset_key=asset_key, metadata=meta)
    rejected = [o for o in outcomes if o.status == "rejected"]
    yield dg.AssetCheckResult(
        check_name=FILES_ACCEPTED_CHECK, asset_key=asset_key, passed=not rejected,
        severity=dg.AssetCheckSeverity.WARN, metadata=meta,
        description="; ".join(o.message for o in rejected) or "every file seen was accepted")


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
