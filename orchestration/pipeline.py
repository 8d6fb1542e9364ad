"""One headless pass over the landing zone, through the same Dagster job the sensors launch.

``run_once`` decides whether there is anything to do (a new or changed file, a pending
delivery left by a killed run, changed targets or code), takes the writer lock so only
one process ever writes the build database, executes ``warehouse_job`` in process, rolls
back pending deliveries when the run fails, and returns a plain-words summary.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from orchestration.paths import PROJECT_DIR, Home
from orchestration.changes import LandingPlan
from orchestration.transform.dbt import ensure_manifest
from orchestration.warehouse.locking import writer_lock

DAGSTER_YAML = """\
# Written by voice-monitor. Runs that write the warehouse are serialised.
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
"""


_dagster_home_set: str | None = None      # the DAGSTER_HOME prepare_environment set last


def prepare_environment(home: Home) -> Home:
    """Absolute home for dbt and child processes, a DAGSTER_HOME, no telemetry. What is created
    under ``state/`` here is private from the start (orchestration.warehouse.permissions)."""
    from orchestration.warehouse.permissions import PRIVATE_FILE, private_dir

    global _dagster_home_set
    home.ensure()
    home.export_env()
    if os.environ.get("DAGSTER_HOME") in (None, "", _dagster_home_set):
        # the home's own instance, unless the user chose one; a process serving several homes
        # (tests, the benchmark) moves with the home
        os.environ["DAGSTER_HOME"] = _dagster_home_set = str(home.dagster_home)
    dagster_home = Path(os.environ["DAGSTER_HOME"])
    if home.state in dagster_home.parents:
        private_dir(dagster_home)
    else:
        dagster_home.mkdir(parents=True, exist_ok=True)
    config = dagster_home / "dagster.yaml"
    if not config.exists():
        with os.fdopen(os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE), "w") as out:
            out.write(DAGSTER_YAML)
    _seed_partial_parse(home)
    os.environ["DAGSTER_DISABLE_TELEMETRY"] = "1"
    os.environ["DO_NOT_TRACK"] = "1"
    return home


def _seed_partial_parse(home: Home) -> None:
    """dagster-dbt copies the project's partial-parse file into the run's dbt target folder with
    the source's mode (0644); a private copy put there first is used instead."""
    from orchestration.warehouse.permissions import PRIVATE_FILE, private_dir

    source = PROJECT_DIR / "target" / "partial_parse.msgpack"
    target = home.state / "dbt_target" / "partial_parse.msgpack"
    if target.exists() or not source.exists():
        return
    private_dir(target.parent)
    tmp = target.with_name(target.name + ".tmp")
    with open(source, "rb") as src, os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE),
                                              "wb") as out:
        shutil.copyfileobj(src, out)
    os.replace(tmp, target)


def plan_changes(con, home: Home) -> LandingPlan:
    """The partitions whose landing files are new or changed, without acting on them: the sensors'
    decision (orchestration.changes), over the build database itself."""
    from orchestration.changes import what_changed
    from orchestration.warehouse.ledger import DatabaseBooks

    return what_changed(home, DatabaseBooks(con, home))


def _record_misnamed(con, home: Home) -> list[dict]:
    """Files in the landing zone whose names are no delivery name, seen for the first time:
    recorded ``ignored`` (they belong to no partition) and returned as file outcomes, so the run
    lists them with the expected pattern and exits 2."""
    from orchestration.social.ingest import ingest_social
    from orchestration.survey.ingest import plan_survey

    _, outcomes = plan_survey(con, home, record=True, waves=set())
    files = [{"path": o.path, "partition": None, "status": "ignored", "rows": 0, "message": o.message}
             for o in outcomes if o.status == "ignored" and not o.partition]
    report = ingest_social(con, home, "cli", months=set())
    files += [{"path": f.path, "partition": None, "status": "ignored", "rows": 0, "message": f.message}
              for f in report.ignored]
    return files


@dataclass
class StepTiming:
    step: str
    seconds: float


@dataclass
class RunSummary:
    home: Home
    status: str                       # noop | success | rejected | failed
    reason: str = ""
    run_id: str | None = None
    files: list[dict] = field(default_factory=list)
    steps: list[StepTiming] = field(default_factory=list)
    published: bool = False
    seconds: float = 0.0
    classified: tuple[int, int] | None = None      # (new post versions classified, live versions)
    notes: list[str] = field(default_factory=list)      # what the run did besides its files
    held: list[dict] = field(default_factory=list)      # deliveries waiting for --accept / --drop

    @property
    def exit_code(self) -> int:
        code = {"noop": 0, "success": 0, "rejected": 2, "failed": 1}[self.status]
        return 2 if code == 0 and self.held else code


def _collect_outcomes(result) -> list[dict]:
    """File outcomes from the ingestion file checks (yielded whether or not anything was staged)."""
    files: list[dict] = []
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            meta = event.event_specific_data.metadata.get("outcomes")
            if meta is not None:
                files.extend(meta.value)
    return files


def _step_timings(instance, run_id: str) -> list[StepTiming]:
    from dagster import DagsterEventType

    starts: dict[str, float] = {}
    timings: list[StepTiming] = []
    for entry in instance.all_logs(run_id):
        if not entry.is_dagster_event or not entry.step_key:
            continue
        etype = entry.dagster_event.event_type
        if etype == DagsterEventType.STEP_START:
            starts[entry.step_key] = entry.timestamp
        elif etype in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE) and entry.step_key in starts:
            timings.append(StepTiming(entry.step_key, entry.timestamp - starts[entry.step_key]))
    return timings


def _failure_reason(result, expired=None) -> str:
    from orchestration.quality.report import failed_check_messages

    checks = failed_check_messages(result)   # failed blocking checks: their plain-words messages
    messages = [expired.message] if expired is not None else []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            if event.step_key in checks:
                messages.extend(checks[event.step_key])
                continue
            if expired is not None and event.step_key == expired.step:
                continue
            err = event.step_failure_data.error
            while err.cause is not None and "DagsterExecutionStepExecutionError" in (err.cls_name or ""):
                err = err.cause
            messages.append(f"{event.step_key}: {err.message.strip()}")
            if _is_bug(err):
                messages.append("Traceback (a bug in the warehouse, not in your data; please report it):\n"
                                + "".join(err.stack).rstrip())
    if getattr(result, "error", ""):
        messages.append(result.error)
    return "\n".join(messages) or "the run failed (see the Dagster event log)"


def _is_bug(err) -> bool:
    """A step failed with an exception that is neither the operator's (UserError and its kinds),
    nor dbt's report of failed models or tests, nor a stop (a time limit), nor a full disk: show
    its traceback."""
    from orchestration.errors import UserError

    def names(cls) -> set[str]:
        return {cls.__name__}.union(*(names(sub) for sub in cls.__subclasses__()))

    from orchestration.warehouse.blame import is_environment_error

    expected = names(UserError) | {"DagsterDbtCliRuntimeError", "DagsterExecutionInterruptedError",
                                   "DagsterAssetCheckFailedError"}
    return (err.cls_name or "") not in expected and bool(err.stack) and not is_environment_error(err.message)


def _execute(instance, job_name: str, tags: dict[str, str] | None = None, **kwargs):
    from orchestration.definitions import defs

    return defs.resolve_job_def(job_name).execute_in_process(
        instance=instance, raise_on_error=False, tags={"voice_monitor/trigger": "cli", **(tags or {})},
        run_config={"loggers": {"console": {"config": {"log_level": os.environ.get(
            "VOICE_MONITOR_LOG_LEVEL", "CRITICAL")}}}}, **kwargs)


def _execute_watched(instance, home: Home, job_name: str, **kwargs):
    """``_execute`` under the steps' time limits (orchestration.warehouse.time_limits); returns
    (result, the expired limit or None)."""
    import uuid

    from orchestration.hooks import error_text
    from orchestration.warehouse.blame import is_environment_error
    from orchestration.warehouse.time_limits import Watchdog

    run_id = str(uuid.uuid4())
    watchdog = Watchdog(instance, run_id, home)
    try:
        with watchdog:
            result = _execute(instance, job_name, run_id=run_id, **kwargs)
    except KeyboardInterrupt:
        if watchdog.expired is None:
            raise
        result = _NoRun()
    except Exception as exc:
        # the Dagster instance's own storage (SQLite under DAGSTER_HOME) could not be written,
        # so the run could not even be recorded: a full disk is nobody's file (warehouse.blame)
        if not is_environment_error(exc):
            raise
        result = _NoRun(f"{job_name}: the run could not be recorded in the Dagster instance "
                        f"({os.environ.get('DAGSTER_HOME', '')}): {error_text(exc).splitlines()[-1]}")
    return result, watchdog.expired


class _NoRun:
    """A run that did not happen as a Dagster run: the time limit's interrupt landed just after
    it had ended, or it could not be recorded (``error``): treated as failed."""
    success = False
    all_events: list = []
    run_id = None

    def __init__(self, error: str = ""):
        self.error = error

    def get_asset_materialization_events(self):
        return []


def build_and_publish(instance, home: Home, summary: RunSummary, selection=None, full_refresh: bool = False) -> bool:
    """One build run (``selection`` of assets, or all; ``full_refresh``: the incremental models
    from all live data) under the time limits; a failure sets aside what it blames
    (orchestration.run_safety). Fills in the summary; True on success."""
    from orchestration.asset_keys import PUBLISHED
    from orchestration.run_safety import settle_build_failure
    from orchestration.transform.assets import FULL_REFRESH_TAG

    result, expired = _execute_watched(instance, home, "build_and_publish", asset_selection=selection,
                                       tags={FULL_REFRESH_TAG: "true"} if full_refresh else None)
    summary.run_id = result.run_id
    summary.classified = _classified(result)
    if result.run_id:
        summary.steps.extend(_step_timings(instance, result.run_id))
    if not result.success:
        summary.status, summary.reason = "failed", _failure_reason(result, expired)
        summary.reason += settle_build_failure(home, result, expired, summary.reason)
        return False
    for event in result.get_asset_materialization_events():
        if event.asset_key == PUBLISHED:
            summary.published = bool(event.step_materialization_data.materialization.metadata["published"].value)
    if any(e.event_type_value == "STEP_SKIPPED" and e.step_key == PUBLISHED.to_python_identifier()
           for e in result.all_events):
        # Dagster skips a step whose inputs an earlier step did not yield, and calls the run a
        # success: here that would leave the deliveries pending and the publish undone, silently
        summary.status = "failed"
        summary.reason = ("The publish step was skipped: a step before it finished without producing all "
                          "of its outputs (a bug in the warehouse, not in your data; please report it). "
                          "Nothing was published; the deliveries stay pending and the next run builds them again.")
        return False
    return True


def _partition_runs(instance, partitions_name: str, keys: list[str]) -> list[tuple[list[str], dict]]:
    """Run arguments for the fewest runs over ``keys``: one partition, or a range of them. A range
    runs over the instance's keys in the order they were added, so ``keys`` go in runs of keys
    that are adjacent there (one run, unless a sensor or an earlier run added others between)."""
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    known = instance.get_dynamic_partitions(partitions_name)
    instance.add_dynamic_partitions(partitions_name, [k for k in keys if k not in set(known)])
    wanted, blocks, block = set(keys), [], []
    for key in instance.get_dynamic_partitions(partitions_name):
        if key in wanted:
            block.append(key)
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    return [(b, {"partition_key": b[0]} if len(b) == 1 else
             {"tags": {ASSET_PARTITION_RANGE_START_TAG: b[0], ASSET_PARTITION_RANGE_END_TAG: b[-1]}}) for b in blocks]


def _classified(result) -> tuple[int, int] | None:
    """(new, live) social post versions from the dbt asset's observation, if it classified."""
    for event in result.all_events:
        if event.event_type_value == "ASSET_OBSERVATION":
            meta = event.event_specific_data.asset_observation.metadata
            if "classified_versions" in meta:
                return int(meta["classified_versions"].value), int(meta["live_versions"].value)
    return None


def run_once(home: Home | None = None, retry_failed: bool = False,
             say: Callable[[str], None] = print, accept: Sequence[str] = (),
             drop: Sequence[str] = (), full_refresh: bool = False) -> RunSummary:
    """Same jobs and the same "what changed" decision as the sensors (orchestration.warehouse.
    changes): one ingestion run per kind over its changed partitions (waves, months), then one
    build run for what depends on the staged data. The runs are recorded in the home's persistent
    Dagster instance (orchestration.warehouse.dagster_runs), so ``voice-monitor dev`` shows them
    with the sensors' runs; the bookkeeping they leave is copied for the sensors
    (orchestration.warehouse.ledger), so nothing this run did is done again by a sensor.
    ``full_refresh`` rebuilds every incremental model from all live data (and everything else),
    even with nothing new. A run with nothing to do never loads Dagster.

    Everything the run writes is private to the user (umask 077; the published file gets its own
    mode), and dbt and any other child dies with it (orchestration.warehouse.children)."""
    from orchestration.warehouse import ledger
    from orchestration.warehouse.children import reap_leftovers, stop_children
    from orchestration.warehouse.permissions import private_umask, secure_tree

    started = time.monotonic()
    home = prepare_environment(home or Home.from_env())
    if retry_failed:
        os.environ["VOICE_MONITOR_RETRY_FAILED"] = "1"
    ensure_manifest()
    with private_umask(), writer_lock(home, say):
        notes: list[str] = []
        try:
            reap_leftovers(home, notes.append)    # before opening the build database they may hold
            summary = _run_locked(home, say, accept, drop, notes, full_refresh)
            if summary.status != "noop":          # a no-op run wrote it already
                ledger.leave(home, notes.append)  # after what the run settled outside its Dagster runs
        finally:
            stop_children(home)
            secure_tree(home.state)       # files copied with their own mode (dbt's partial parse)
    summary.seconds = time.monotonic() - started
    return summary


def _run_locked(home: Home, say: Callable[[str], None], accept: Sequence[str], drop: Sequence[str],
                notes: list[str], full_refresh: bool = False) -> RunSummary:
    from orchestration.publish.publish import current_fingerprint, is_published, project_code_hash
    from orchestration.publish.publish import remove_stale_temp_files
    from orchestration.run_safety import check_published_copy, start_of_run
    from orchestration.survey.weighting import load_targets
    from orchestration.warehouse import holds, ledger, state
    from orchestration.changes import build_needed

    con = state.connect(home)
    try:
        resumed = bool(state.pending_deliveries(con))
        notes += start_of_run(con, home, accept, drop)
        remove_stale_temp_files(home)
        plan = plan_changes(con, home)
        misnamed = _record_misnamed(con, home) if plan.unnamed else []
        targets_hash = load_targets(home.targets_override).content_hash
        copy = check_published_copy(con, home, targets_hash, notes)      # may publish it again
        books = ledger.snapshot(con, home)
        pending_kinds = books.pending_kinds()
        up_to_date = copy != "rebuild" and is_published(con, home, current_fingerprint(con, targets_hash))
        needed = copy == "rebuild" or build_needed(books, home, targets_hash, project_code_hash())
        held = holds.waiting(con)
        ledger.save(books)       # the sensors see what start_of_run settled (and a home from before the copy)
    finally:
        con.close()
    if plan.empty and not needed and not full_refresh:
        return RunSummary(home, "noop", "Nothing new in the landing zone; the published database is up to date.",
                          notes=notes, held=held, published=copy == "republished")
    if plan.paths:
        say(f"New or changed: {', '.join(plan.paths)}")
    if resumed and pending_kinds:
        say("Resuming deliveries left pending by an interrupted or failed run.")
    from orchestration.warehouse.dagster_runs import fail_abandoned_cli_runs, open_instance

    with open_instance() as instance:      # only now: a run with nothing to do never loads Dagster
        fail_abandoned_cli_runs(instance)   # we hold the writer lock: no other CLI run is alive
        summary = RunSummary(home, "success", notes=notes, published=copy == "republished")
        summary.files.extend(misnamed)      # listed with the expected name; the run exits 2
        _run_jobs(instance, home, summary, plan, pending_kinds, up_to_date, full_refresh)
    if summary.status != "failed" and (any(f["status"] == "rejected" for f in summary.files) or misnamed):
        summary.status = "rejected"
        summary.reason = "\n".join(f["message"] for f in summary.files
                                   if f["status"] == "rejected" or f in misnamed)
    return summary


def _run_jobs(instance, home: Home, summary: RunSummary, plan: LandingPlan, pending_kinds: set[str],
              up_to_date: bool, full_refresh: bool) -> None:
    """The ingestion runs, then the build run, on ``instance``; fills in ``summary``."""
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.jobs import RAW_ASSETS
    from orchestration.run_safety import settle_ingestion_failure, waiting_holds
    from orchestration.social.partitions import social_months
    from orchestration.survey.partitions import survey_waves

    updated: set[dg.AssetKey] = set()
    # one ingestion run per kind over all its changed partitions (the assets handle several
    # partitions per run; Dagster's start-up cost is paid once, not once per month or wave)
    ingestion = [(job, name, keys, asset, kind) for job, name, keys, asset, kind in (
        ("ingest_survey_wave", survey_waves.name, plan.survey_waves, RAW_ASSETS[0], "survey"),
        ("ingest_social_month", social_months.name, plan.social_months, RAW_ASSETS[1], "social")) if keys]
    for job_name, partitions_name, keys, asset_key, kind in ingestion:
        for block, arguments in _partition_runs(instance, partitions_name, keys):
            result, expired = _execute_watched(instance, home, job_name, **arguments)
            summary.files.extend(_collect_outcomes(result))
            label = block[0] if len(block) == 1 else f"{block[0]}..{block[-1]}"
            if result.run_id:
                summary.steps.extend(StepTiming(f"{t.step}[{label}]", t.seconds)
                                     for t in _step_timings(instance, result.run_id))
            if not result.success:
                summary.status, summary.reason = "failed", _failure_reason(result, expired)
                summary.reason += settle_ingestion_failure(home, plan.paths, kind, summary.reason, expired)
                summary.held = waiting_holds(home)
                return
            if result.get_asset_materialization_events():
                updated.add(asset_key)
    updated |= {k for k, kind in zip(RAW_ASSETS, ("survey", "social")) if kind in pending_kinds}
    summary.held = waiting_holds(home)
    if updated or not up_to_date or pending_kinds or full_refresh:
        rebuild_all = not up_to_date or not updated or full_refresh  # targets/code changed, a resumed build
        from orchestration.warehouse.sensors import incremental_selection

        selection = None if rebuild_all else incremental_selection(defs.resolve_asset_graph(),
                                                                   sorted(updated, key=str))
        if not build_and_publish(instance, home, summary, selection, full_refresh):
            return
        for f in summary.files:
            if f["status"] == "staged":
                f["status"] = "loaded"


def _fmt_pct(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def headline_figures(published: Path) -> list[str]:
    """A few figures from the published database, to show the run did something real."""
    import duckdb

    from orchestration.warehouse.state import first_row

    if not published.exists():
        return []
    lines = []
    try:
        con = duckdb.connect(str(published), read_only=True)
    except (duckdb.IOException, duckdb.InvalidInputException, duckdb.SerializationException) as exc:
        return [f"The published database cannot be read ({exc}); `voice-monitor run` publishes it again."]
    try:
        wave = first_row(con.execute("select max(wave) from marts.dim_wave"))[0]
        if wave is None:
            return ["No survey waves published yet."]
        n, eff = first_row(con.execute("select respondents, weighting_efficiency from marts.dim_wave where wave = ?",
                             [wave]))
        lines.append(f"Wave {wave}: n = {n:,}, weighting efficiency {eff:.2f}")
        personas = con.execute(
            """select persona, share_pct, prev_share_pct, significant_vs_prev from marts.mart_personas
               where wave = ? order by share_pct desc""", [wave]).fetchall()
        lines.append("Personas: " + ", ".join(
            f"{p} {_fmt_pct(s)}" + (f" ({'*' if sig else ''}{s - prev:+.1f} pp)" if prev is not None else "")
            for p, s, prev, sig in personas))
        groups = con.execute(
            """select channel_group, sum(share_pct) from marts.mart_channel_preferences
               where wave = ? and contact_type = 'algemeen' and channel_group is not null
               group by 1 order by 2 desc""", [wave]).fetchall()
        lines.append("Preferred channel (first choice): " + ", ".join(f"{g} {_fmt_pct(s)}" for g, s in groups))
        top = con.execute("""select frustration, share_pct from marts.mart_frustrations where wave = ?
                             order by share_pct desc limit 3""", [wave]).fetchall()
        lines.append("Top frustrations: " + ", ".join(f"{f} {_fmt_pct(s)}" for f, s in top))
        ok, total = first_row(con.execute("select count(*) filter (where ok), count(*) from audit.reconciliation"))
        lines.append(f"Reconciliation with the published report: {ok} of {total} figures within tolerance "
                     "(see audit.reconciliation)")
        tables = {r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'audit'").fetchall()}
        if "social_load_totals" in tables:
            row = first_row(con.execute("select lines_read, quarantined, duplicates, unique_posts, non_dutch, published_posts "
                              "from audit.social_load_totals"))
            if row:
                lines.append(f"Social posts: {row[5]:,} published (lines read {row[0]:,}, quarantined {row[1]:,}, "
                             f"duplicates {row[2]:,}, non-Dutch {row[4]:,})")
    finally:
        con.close()
    return lines


def format_summary(summary: RunSummary) -> str:
    out = []
    head = {"noop": "Nothing to do", "success": "Run succeeded", "rejected": "Run finished with rejected files",
            "failed": "Run FAILED"}[summary.status]
    if summary.held and summary.status in ("noop", "success"):
        head = ("Nothing else to do" if summary.status == "noop" else "Run succeeded") + \
            f"; {len(summary.held)} file(s) held for your decision"
    out.append(f"{head} ({summary.seconds:.1f} s){' — run ' + summary.run_id if summary.run_id else ''}.")
    out.extend(summary.notes)
    if summary.reason and summary.status == "noop":
        out.append(summary.reason)
    if summary.files:
        counts: dict[str, int] = {}
        for f in summary.files:
            counts[f["status"]] = counts.get(f["status"], 0) + 1
        out.append("Files: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
        for f in summary.files:
            if f["status"] in ("staged", "loaded"):
                out.append(f"  {f['status']:<9} {f['path']}: {f['rows']:,} rows")
            elif f["status"] in ("ignored", "skipped"):
                out.append(f"  {f['status']:<9} {f['path']}: {f['message']}")
    if summary.held:
        out.append("Held until you decide (exit code 2 while any is held):")
        out.extend(f"  {h['message']}" for h in summary.held)
    if summary.status in ("rejected", "failed") and summary.reason:
        out.append("What went wrong:")
        out.extend("  " + line for line in summary.reason.splitlines())
    if summary.classified is not None:
        new, live = summary.classified
        out.append(f"Social classification: {new:,} new post versions classified ({live:,} live).")
    if summary.steps:
        out.append("Steps: " + ", ".join(f"{s.step} {s.seconds:.1f}s" for s in summary.steps))
    from orchestration.quality.report import summary_lines
    out.extend(summary_lines(summary.home, summary.run_id))     # quality results, warnings, Data Docs link
    if summary.status == "failed":
        out.append(f"The published database was left as it was: {summary.home.published_db}")
    else:
        out.append(("Published: " if summary.published else "Published database (unchanged): ")
                   + str(summary.home.published_db))
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    s = run_once()
    print(format_summary(s))
    sys.exit(s.exit_code)
