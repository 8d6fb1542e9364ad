"""After an ingestion run staged something, build and publish what depends on it."""

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
           description="When raw survey or social data was staged, weight/build/check/publish what depends on it.")
def build_after_ingestion_sensor(context: dg.SensorEvaluationContext):
    cursor = json.loads(context.cursor or "{}")
    updated = []
    for key in RAW_ASSETS:
        name = key.to_user_string()
        records = context.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=key, after_storage_id=cursor.get(name)), limit=1000, ascending=True).records
        if records:
            updated.append(key)
            cursor[name] = records[-1].storage_id
    ever_ingested = any(name in cursor for name in (k.to_user_string() for k in RAW_ASSETS))
    stale = _stale_inputs() if ever_ingested else ""
    if stale and stale == cursor.get("rebuild_requested") and not updated:
        stale = ""                         # already asked for this rebuild (run keys dedupe it anyway)
    if not updated and not stale:
        return dg.SensorResult(skip_reason="nothing staged since the last build", cursor=json.dumps(cursor))
    if stale:
        # first publish, or the project code / population targets changed: rebuild everything
        selection = None
        cursor["rebuild_requested"] = stale
        run_key = f"rebuild:{stale}:" + ",".join(f"{k}={v}" for k, v in sorted(cursor.items()))
    else:
        selection = incremental_selection(context.repository_def.asset_graph, updated)
        run_key = "build:" + ",".join(f"{k}={v}" for k, v in sorted(cursor.items()))
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, asset_selection=selection,
                                    tags={"voice_monitor/trigger": "sensor"})],
        cursor=json.dumps(cursor))


def _stale_inputs() -> str:
    """'' when the published database is current in code and targets; else a key naming what
    changed (no published database yet counts as changed)."""
    from orchestration.paths import Home
    from orchestration.publish.publish import project_code_hash, published_inputs
    from orchestration.survey.weighting import load_targets

    home = Home.from_env()
    last = published_inputs(home)
    code, targets = project_code_hash(), load_targets(home.targets_override).content_hash
    if home.published_db.exists() and last.get("code_hash") == code and last.get("targets_hash") == targets:
        return ""
    return f"{code[:12]}-{targets[:12]}"
