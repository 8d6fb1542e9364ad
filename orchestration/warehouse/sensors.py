"""After an ingestion run staged something, build and publish what depends on it."""

import hashlib
import json

import dagster as dg

from orchestration.jobs import INGESTED, RAW_ASSETS, build_and_publish


def incremental_selection(asset_graph, updated) -> list[dg.AssetKey]:
    """What the newly staged data flows into, and nothing else (the raw assets excluded). Used
    only when the published database is current in code and population targets (else the build
    is a full one), so the seeds and the models built on seeds only are already in the build
    database and unchanged: rebuilding and re-testing them would only cost time."""
    raw = dg.AssetSelection.keys(*INGESTED)
    selection = (dg.AssetSelection.keys(*updated).downstream() - raw).required_multi_asset_neighbors()
    return sorted(selection.resolve(asset_graph), key=lambda k: k.to_user_string())


@dg.sensor(job=build_and_publish, minimum_interval_seconds=5,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="When raw survey or social data was staged and not built, or the published database "
                       "is stale, weight/build/check/publish what depends on it (as `voice-monitor run` does).")
def build_after_ingestion_sensor(context: dg.SensorEvaluationContext):
    """Decides from the ledger every run leaves (orchestration.warehouse.ledger) with the CLI's
    condition (orchestration.changes.build_needed), so a build the CLI (or an earlier
    sensor run) already published is not asked for again."""
    from orchestration.paths import Home
    from orchestration.publish.publish import project_code_hash
    from orchestration.survey.weighting import load_targets
    from orchestration.warehouse import ledger as ledgers
    from orchestration.changes import build_needed
    from orchestration.warehouse.dagster_runs import writer_free

    cursor = json.loads(context.cursor or "{}")
    home = Home.from_env()
    if not writer_free(home, context.instance):
        return dg.SensorResult(skip_reason="a run is writing the warehouse; looking again when it is done",
                               cursor=json.dumps(cursor))
    ledger = ledgers.load(home)
    if not ledger.exists:
        return dg.SensorResult(skip_reason="nothing ingested yet", cursor=json.dumps(cursor))
    code, targets = project_code_hash(), load_targets(home.targets_override).content_hash
    if not build_needed(ledger, home, targets, code):
        return dg.SensorResult(skip_reason="nothing staged since the last build; the published database is "
                                           "up to date", cursor=json.dumps(cursor))
    # what this build would start from: the staged deliveries (with the runs that staged them, so
    # the same content staged again later is a new request), the live ones, code and targets
    key = hashlib.sha1(json.dumps([ledger.pending, ledger.active, ledger.published_fingerprint, code, targets])
                       .encode()).hexdigest()[:16]
    if cursor.get("requested") == key:
        return dg.SensorResult(skip_reason="this build was asked for already", cursor=json.dumps(cursor))
    cursor["requested"] = key
    stale = _stale_inputs(home, code, targets)
    updated = [k for k, kind in zip(RAW_ASSETS, ("survey", "social")) if kind in ledger.pending_kinds()]
    if stale or not updated:
        # first publish, the project code or population targets changed, or deliveries were
        # withdrawn: rebuild everything
        selection, run_key = None, f"rebuild:{stale or 'data'}:{key}"
    else:
        selection, run_key = incremental_selection(context.repository_def.asset_graph, updated), f"build:{key}"
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, asset_selection=selection,
                                    tags={"voice_monitor/trigger": "sensor"})],
        cursor=json.dumps(cursor))


def _stale_inputs(home, code: str, targets: str) -> str:
    """'' when the published database is current in code and targets; else a key naming what
    changed (no published database yet counts as changed)."""
    from orchestration.publish.publish import published_inputs

    last = published_inputs(home)
    if home.published_db.exists() and last.get("code_hash") == code and last.get("targets_hash") == targets:
        return ""
    return f"{code[:12]}-{targets[:12]}"
