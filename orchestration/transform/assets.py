"""dbt models as Dagster assets; dbt tests surface as asset checks."""


import datetime as dt
import os
from typing import Any, Mapping

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.resources import WarehouseResource
from orchestration.transform.project import dbt_project
from orchestration.warehouse import faults

# dbt sources → the Python assets that write them
SOURCE_ASSETS = {
    ("survey_raw", "survey_responses"): dg.AssetKey(["raw", "survey_responses"]),
    ("survey_weights", "survey_weights"): dg.AssetKey(["weights", "survey_weights"]),
    ("warehouse_ops", "survey_weighting"): dg.AssetKey(["ops", "survey_weighting"]),
    ("warehouse_ops", "population_targets"): dg.AssetKey(["ops", "population_targets"]),
    ("warehouse_ops", "active_survey_deliveries"): dg.AssetKey(["ops", "active_survey_deliveries"]),
    ("warehouse_ops", "active_social_deliveries"): dg.AssetKey(["ops", "active_social_deliveries"]),
    # the all-kinds view (used by audit models that look at both kinds)
    ("warehouse_ops", "active_deliveries"): dg.AssetKey(["ops", "active_deliveries"]),
}


class WarehouseTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            key = (dbt_resource_props["source_name"], dbt_resource_props["name"])
            if key in SOURCE_ASSETS:
                return SOURCE_ASSETS[key]
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema") or "main"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        path = dbt_resource_props.get("original_file_path", "")
        if "social" in path:
            return "social"
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        return "survey" if "survey" in path else "warehouse"


translator = WarehouseTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


FULL_REFRESH_TAG = "voice_monitor/full_refresh"       # run tag: rebuild the incremental models from scratch
CLASSIFIED = dg.AssetKey(["intermediate", "int_social__classified_versions"])


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=translator,
            project=dbt_project, name="warehouse_dbt_models")
def warehouse_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    home = warehouse.home  # exports VOICE_MONITOR_WORK_DB for profiles.yml
    target = home.state / "dbt_target"
    # dbt.log at info level, not debug: the debug events (every statement, every cache update)
    # cost seconds per build to format and write; errors and node results are info and stay
    log_level = os.environ.get("VOICE_MONITOR_DBT_LOG_LEVEL_FILE", "info")
    # --no-write-json: manifest.json and run_results.json (~1.3 MB) are written on every build
    # otherwise, ~0.4 s; nothing reads them (Dagster gets the results from dbt's event stream,
    # and works from the manifest prepared at set-up). Partial parsing is kept.
    args = ["build", "--no-write-json", "--log-level-file", log_level]
    fingerprint, full_refresh = _classification_refresh(context, warehouse)
    if full_refresh:
        args.append("--full-refresh")
    started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    invocation = dbt.cli(args, context=context, target_path=target)
    faults.reached("dbt")              # dbt is running as a child process of this run
    _import_in_background("great_expectations")   # for the quality guards that follow dbt
    yield from invocation.stream()
    if CLASSIFIED in context.selected_asset_keys:
        _record_fingerprint(warehouse, fingerprint)
        yield _classified_observation(context, warehouse, started)


def _classification_refresh(context, warehouse: WarehouseResource) -> tuple[str, bool]:
    """The social classification's fingerprint, and whether this build must be a full refresh:
    asked for (``voice-monitor run --full-refresh``), or what classification depends on changed
    since the last build (orchestration/social/fingerprint.py)."""
    from orchestration.social.fingerprint import KV_KEY, classification_fingerprint
    from orchestration.warehouse import state

    fingerprint = classification_fingerprint(warehouse.home)
    if context.run.tags.get(FULL_REFRESH_TAG) == "true":
        context.log.info("Full refresh asked for: every incremental model is rebuilt from all live data.")
        return fingerprint, True
    con = warehouse.connect()
    try:
        recorded = state.kv_get(con, KV_KEY)
        built = state.first_row(con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'intermediate' "
            "and table_name = 'int_social__classified_versions'"))[0] > 0
    finally:
        con.close()
    if built and recorded != fingerprint:
        context.log.info("What the social classification depends on changed (seeds, models, macros, "
                         "social vars or the pseudonym key): full refresh.")
        return fingerprint, True
    return fingerprint, False


def _record_fingerprint(warehouse: WarehouseResource, fingerprint: str) -> None:
    from orchestration.social.fingerprint import KV_KEY
    from orchestration.warehouse import state

    con = warehouse.connect()
    try:
        state.kv_set(con, KV_KEY, fingerprint)
    finally:
        con.close()


def _classified_observation(context, warehouse: WarehouseResource, started: dt.datetime) -> dg.AssetObservation:
    """How many post versions this build classified (the new ones), and how many are live."""
    con = warehouse.connect()
    try:
        new, live = con.execute(
            "select count(*) filter (where built_at >= ?), count(*) "
            "from intermediate.int_social__classified_versions", [started]).fetchall()[0]
    finally:
        con.close()
    context.log.info(f"Classified {new:,} new social post versions ({live:,} live).")
    return dg.AssetObservation(asset_key=CLASSIFIED, metadata={"classified_versions": new, "live_versions": live})


def _import_in_background(*modules: str) -> None:
    """Import what the next steps need while this process mostly waits for the dbt subprocess:
    Great Expectations takes seconds to import, and the guards run right after dbt. Importing
    is all this does (the guards still create their own context); an import error is left for
    the step that needs the module to report."""
    import importlib
    import threading

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")      # as the GX runner sets it

    def work() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:
                pass

    threading.Thread(target=work, name="import-ahead", daemon=True).start()
