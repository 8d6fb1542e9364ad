"""The dbt asset with ``VOICE_MONITOR_ENGINE=spark``: one Dagster asset, two dbt invocations
through the one ``DbtCliResource``.

1. The social models, seeds and tests (dbt tag ``social``) on Spark (profiles.yml target
   ``spark``), after the build database's live-delivery table was written for Spark
   (``exchange.push_ops``) and raw folders of dead deliveries removed;
2. their marts and audit tables brought back into the build database (``exchange.mirror_social``);
3. everything else (tag ``survey``: the survey path, dimensions, reconciliation) on DuckDB, as
   with the DuckDB engine.

Each invocation runs only when the run selected one of its assets; both stream their events into
the same asset, so the Dagster assets, checks, sensors and partitions are the same for both
engines.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from orchestration.spark import exchange, settings

SOCIAL_GROUP = "social"
SEEDS_KEY = "spark_social_seeds"          # ops.kv: hash of the social seeds loaded into Spark


def _seeds_hash() -> str:
    """The social seeds as loaded: their CSV files, their column types, the Spark seed loader."""
    import hashlib

    from orchestration.paths import PROJECT_DIR

    h = hashlib.sha256()
    files = sorted((PROJECT_DIR / "seeds").glob("social_*.csv")) + [
        PROJECT_DIR / "models" / "staging" / "social" / "_social__seeds.yml", PROJECT_DIR / "macros" / "spark_seeds.sql"]
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _selects_group(context, group: str, wanted: bool) -> bool:
    groups = context.assets_def.group_names_by_key
    return any((groups.get(key) == group) == wanted for key in context.selected_asset_keys)


def build(context, dbt, warehouse, args: list[str], target_path: Path, start_dbt):
    from orchestration.spark.ingest import collect_garbage
    from orchestration.spark.session import local_ip_env
    from orchestration.transform.project import dbt_project

    home = warehouse.home
    paths = settings.export_env(home)
    local_ip_env()
    if _selects_group(context, SOCIAL_GROUP, True):
        from orchestration.warehouse import state

        seeds = _seeds_hash()
        con = warehouse.connect()
        try:
            exchange.push_ops(con, paths)
            removed = collect_garbage(con, paths)
            # loading a seed into Spark costs seconds per seed: only when the seeds changed
            seeded = state.kv_get(con, SEEDS_KEY) == seeds and "--full-refresh" not in args \
                and Path(paths.table_dir("seeds", "social_taxonomy")).is_dir()
        finally:
            con.close()
        if removed:
            context.log.info(f"Removed {removed} raw folder(s) of social deliveries that are no longer live.")
        context.log.info("Social models on Spark (dbt target spark).")
        exclude = ["tag:survey"] + (["resource_type:seed"] if seeded else [])
        if seeded:
            yield from _unchanged_seeds(context)       # first: outputs go in dependency order
        # one --exclude value (space-separated): dagster-dbt reads a runtime --exclude with one
        # value and folds it into its own selection; a second word would be left as a stray argument
        yield from start_dbt(dbt, [*args, "--target", settings.dbt_target(), "--exclude", " ".join(exclude)],
                             context, Path(str(target_path) + "_spark")).stream()
        con = warehouse.connect()
        try:
            exchange.mirror_social(con, paths, dbt_project.manifest_path, log=context.log)
            state.kv_set(con, SEEDS_KEY, seeds)
        finally:
            con.close()
    if _selects_group(context, SOCIAL_GROUP, False):
        yield from start_dbt(dbt, [*args, "--exclude", "tag:social"], context, target_path).stream()


def _unchanged_seeds(context):
    """The social seeds this run selected but did not load again (loaded into Spark by an
    earlier run, unchanged): their outputs, so that the steps after the dbt asset (the quality
    guards, the publish) run. A selected output never yielded makes Dagster skip every step
    that depends on it, and a full build with unchanged seeds would then never publish."""
    import dagster as dg

    groups = context.assets_def.group_names_by_key
    for key in sorted(context.selected_asset_keys, key=str):
        if key.path[0] != "seeds" or groups.get(key) != SOCIAL_GROUP:
            continue
        yield dg.Output(None, output_name=context.assets_def.get_output_name_for_asset_key(key),
                        metadata={"unchanged": "loaded into Spark by an earlier run; the seed files did not change"})


def classified_built(home) -> bool:
    folder = Path(settings.paths(home).table_dir(*exchange.CLASSIFIED))
    return folder.is_dir() and any(folder.rglob("*.parquet"))


def classified_counts(con, home, started: dt.datetime) -> tuple[int, int]:
    if not classified_built(home):
        return 0, 0
    return exchange.classified_counts(con, settings.paths(home), started.replace(tzinfo=dt.timezone.utc))
