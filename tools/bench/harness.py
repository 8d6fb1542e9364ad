"""The scenarios, the anchors beside them, and the per-stage breakdown.

Each measurement is a child process (``tools.bench.child``): wall time from outside
(interpreter start-up included), CPU time of the whole tree (``RUSAGE_CHILDREN``: dbt and every
other descendant that was waited for), peak RSS summed over the tree (psutil sampling), and the
stage breakdown from the run summary's step timings (Dagster event timestamps).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from tools.bench import data
from tools.bench.monitor import load_average, python_child

STAGES = ("startup", "orchestration", "ingest", "validate", "weight", "dbt", "checks", "publish", "report")
BENCH_PSEUDONYM_KEY = "voice-monitor-bench"      # not a secret: bench homes hold generated posts only
SCENARIOS = ("demo", "incremental", "noop", "survey", "social", "social_increment")
SOCIAL_TABLES = ("marts.fct_social_posts", "marts.mart_social_themes", "marts.mart_social_volume",
                 "marts.mart_social_quotes", "audit.social_load_totals", "audit.social_quarantine")
ANCHORS = ("anchor_survey", "anchor_social", "raking")


@dataclass
class Measurement:
    scenario: str
    rep: int
    wall: float
    cpu: float
    peak_rss: int
    ok: bool
    status: str = ""
    stages: dict[str, float] = field(default_factory=dict)
    detail: dict = field(default_factory=dict)
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass
class Sizes:
    respondents: int = 1_000_000
    posts: int = 10_000_000
    repeat: int = 3
    survey_timeout: float = 900     # a product run at scale is stopped after this many seconds
    social_timeout: float = 3 * 3600


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stage_of(step: str) -> str:
    """Which stage a Dagster step belongs to."""
    name = step.split("[", 1)[0]
    if name.startswith("raw__") or name in ("social_posts", "survey_responses"):   # per-partition ingestion
        return "ingest"
    if name == "active_deliveries":
        return "orchestration"
    if name == "survey_weights":
        return "weight"
    if name.endswith("_guard"):
        return "checks"
    if name in ("warehouse_dbt_models", "survey_staging_dbt_models"):
        return "dbt"
    if name in ("warehouse__voice_monitor", "bi__postgres"):      # the DuckDB file, then the BI PostgreSQL
        return "publish"
    return "orchestration"


def run_stages(payload: dict, wall: float) -> dict[str, float]:
    """Per-stage seconds of one ``voice-monitor run`` (they add up to its wall time)."""
    stages: dict[str, float] = defaultdict(float)
    step_total = 0.0
    for s in payload.get("steps") or []:
        stages[stage_of(s["step"])] += s["seconds"]
        step_total += s["seconds"]
    for f in payload.get("files") or []:
        seconds = f.get("seconds") or {}
        if isinstance(seconds, dict) and "validate" in seconds:
            stages["validate"] += seconds["validate"]
            stages["ingest"] -= seconds["validate"]
    run_once = payload.get("run_once_seconds") or 0.0
    cli = payload.get("cli_seconds") or run_once
    stages["orchestration"] += max(run_once - step_total, 0.0)   # planning, lock, Dagster run start/stop
    stages["report"] += max(cli - run_once, 0.0)                   # summary, headline figures, report, where
    stages["startup"] += max(wall - cli, 0.0)                      # interpreter, imports, argument parsing
    return {k: round(stages.get(k, 0.0), 3) for k in STAGES}


class Bench:
    def __init__(self, workdir: Path, sizes: Sizes, say: Callable[[str], None] = print,
                 env: dict[str, str] | None = None):
        self.workdir = Path(workdir).resolve()
        self.sizes = sizes
        self.say = say
        self.log = self.workdir / "bench.log"
        self.env = dict(os.environ if env is None else env)
        self.env.pop("VOICE_MONITOR_HOME", None)
        self.env.pop("DAGSTER_HOME", None)          # each home gets its own (state/dagster)
        self.env.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
        self.env.setdefault("DO_NOT_TRACK", "1")
        # one pseudonym key for every home of a bench run: a pseudonym is keyed per home by design
        # (docs/privacy.md), so homes with their own keys would differ in author_pseudonym and the
        # comparisons between homes (Spark against DuckDB, full refresh against incremental)
        # would report that instead of what they check
        self.env.setdefault("VOICE_MONITOR_PSEUDONYM_KEY", BENCH_PSEUDONYM_KEY)
        self.inputs = self.workdir / "inputs"
        self.results: dict[str, list[Measurement]] = {}
        self.extra: dict[str, dict] = {}
        self.keep_homes = False                     # --keep-homes: leave the scale homes for inspection

    # --- one measured child ----------------------------------------------------------------

    def _child(self, scenario: str, rep: int, task_args: list[str],
               timeout: float | None = None) -> tuple[Measurement, dict]:
        out = self.workdir / "results" / f"{scenario}.{rep}.json"
        progress = out.with_name(out.name + ".progress")
        out.unlink(missing_ok=True)
        progress.unlink(missing_ok=True)
        load = load_average()
        cpu0 = _cpu_children()
        res = python_child([*task_args, "--out", str(out)], self.log, env=self.env, cwd=Path.cwd(), timeout=timeout)
        cpu = _cpu_children() - cpu0
        payload = json.loads(out.read_text()) if out.exists() else {}
        if res.timed_out and progress.exists():
            # what the run had done when it was stopped: finished steps and the running one
            seen = json.loads(progress.read_text())
            payload = {"status": "timeout", "steps": seen["steps"] + seen["running"],
                       "running": [r["step"] for r in seen["running"]],
                       "run_once_seconds": res.wall_seconds, "cli_seconds": res.wall_seconds,
                       "reason": f"stopped after {timeout:.0f} s while running "
                                 + ", ".join(r["step"] for r in seen["running"])}
        m = Measurement(scenario, rep, round(res.wall_seconds, 3), round(cpu, 3), res.peak_rss_bytes,
                        res.returncode in (0, 2) and bool(payload), payload.get("status") or "",
                        load_before=tuple(round(x, 2) for x in load))
        m.detail["peak_rss_by_process"] = res.peak_by_process or {}
        return m, payload

    def _product_run(self, scenario: str, rep: int, home: Path, timeout: float | None = None,
                     full_refresh: bool = False) -> Measurement:
        args = ["run", "--home", str(home)] + (["--progress"] if timeout else []) \
            + (["--full-refresh"] if full_refresh else [])
        m, payload = self._child(scenario, rep, args, timeout=timeout)
        m.ok = m.ok and payload.get("status") in ("success", "noop")
        m.stages = run_stages(payload, m.wall)
        m.detail.update({"steps": payload.get("steps"), "files": payload.get("files"),
                         "classified": payload.get("classified"),
                         "reason": (payload.get("reason") or "")[:2000]})
        if payload.get("status") == "timeout":
            m.detail["timeout"] = timeout
            m.detail["running"] = [stage_of(step) for step in payload.get("running") or []]
        if not m.ok:
            self.say(f"  {scenario} #{rep}: run {payload.get('status') or 'crashed'} "
                     f"(see {self.log}): {(payload.get('reason') or '')[:300]}")
        return m

    def _record(self, m: Measurement) -> None:
        self.results.setdefault(m.scenario, []).append(m)
        stages = ", ".join(f"{k} {v:.1f}" for k, v in m.stages.items() if v >= 0.05)
        self.say(f"  {m.scenario} #{m.rep}: {m.wall:.1f} s wall, {m.cpu:.1f} s CPU, "
                 f"peak {m.peak_rss / 2**30:.2f} GiB{'' if m.ok else ' FAILED'}"
                 f"{' — ' + stages if stages else ''} (load {m.load_before[0]:.1f})")

    # --- scenarios -------------------------------------------------------------------------

    def demo(self) -> None:
        """``voice-monitor sample`` + ``voice-monitor run`` from an empty home (what ``make demo`` does)."""
        self.say("demo: sample + run from an empty home")
        for rep in range(1, self.sizes.repeat + 1):
            home = data.fresh_home(self.workdir / "homes" / "demo")
            sample, _ = self._child("demo_sample", rep, ["sample", "--home", str(home)])
            run = self._product_run("demo", rep, home)
            run.detail["sample_seconds"] = sample.wall
            run.detail["run_seconds"] = run.wall
            run.stages = {"sample": round(sample.wall, 3), **run.stages}
            run.wall = round(sample.wall + run.wall, 3)
            run.cpu = round(sample.cpu + run.cpu, 3)
            run.peak_rss = max(sample.peak_rss, run.peak_rss)
            run.ok = run.ok and sample.ok
            self._record(run)
        base = self.workdir / "homes" / "demo_base"
        if base.exists():
            shutil.rmtree(base)
        shutil.copytree(self.workdir / "homes" / "demo", base, symlinks=True)

    def _demo_base(self) -> Path:
        base = self.workdir / "homes" / "demo_base"
        if not (base / "warehouse" / "voice_monitor.duckdb").exists():
            self.say("  (no demo home yet: running the demo scenario once first)")
            repeat, self.sizes.repeat = self.sizes.repeat, 1
            try:
                self.demo()
            finally:
                self.sizes.repeat = repeat
        return base

    def incremental(self) -> None:
        """One new monthly social export dropped into the demo's landing zone, then ``run``.
        Each repetition starts from the state the demo left, restored at the same path (a home
        that moved would look like a new dbt profile and cost a full parse)."""
        self.say("incremental: one new monthly social file after the demo")
        base = self._demo_base()
        new_file = data.increment_file(self.inputs)
        home = self.workdir / "homes" / "demo"
        for rep in range(1, self.sizes.repeat + 1):
            if home.exists():
                shutil.rmtree(home)
            shutil.copytree(base, home, symlinks=True)
            data.link_into([new_file], home / "landing" / "social")
            self._record(self._product_run("incremental", rep, home))

    def noop(self) -> None:
        """``run`` again with nothing new (after the incremental run, or the demo)."""
        self.say("noop: run with nothing new")
        home = self.workdir / "homes" / "demo"
        if not (home / "warehouse" / "voice_monitor.duckdb").exists():
            self._demo_base()
        for rep in range(1, self.sizes.repeat + 1):
            m = self._product_run("noop", rep, home)
            m.ok = m.ok and m.status == "noop"
            self._record(m)

    def survey(self) -> None:
        n = self.sizes.respondents
        self.say(f"survey: {n:,} respondents × 4 waves from an empty home")
        self._scale_runs("survey", data.survey_files(self.inputs, n), self.sizes.survey_timeout,
                         {"respondents_per_wave": n})
        self._keep_result_table("survey", "marts.mart_channel_preferences")

    def social(self) -> None:
        n = self.sizes.posts
        self.say(f"social: {n:,} posts (one export) from an empty home")
        files = data.social_files(self.inputs, n)
        self._scale_runs("social", files, self.sizes.social_timeout,
                         {"posts": n, "file_bytes": sum(f.stat().st_size for f in files)})
        self._keep_rule_themes("social")

    def social_increment(self) -> None:
        """A new monthly export of a tenth of the scale's posts (new ids, plus 2% re-exports of the
        history's posts): into an empty home, and into the warehouse the social scenario left
        (the history); then that warehouse rebuilt with ``--full-refresh``, whose published social
        tables must equal the incremental run's (each new export must cost what it contains, and
        both paths give identical tables)."""
        n = self.sizes.posts
        history_files = data.social_files(self.inputs, n)
        new_file = data.scale_increment_file(self.inputs, max(n // 10, 1), history_files[0])
        detail = {"posts": max(n // 10, 1), "history_posts": n, "file_bytes": new_file.stat().st_size}
        self.say(f"social_increment: a new export of {detail['posts']:,} posts into an empty home")
        for rep in range(1, self.sizes.repeat + 1):
            home = data.fresh_home(self.workdir / "homes" / "social_increment_empty")
            data.link_into([new_file], home / "landing" / "social")
            m = self._product_run("social_increment_empty", rep, home, timeout=self.sizes.social_timeout)
            m.detail.update(detail)
            self._record(m)
        history = self._social_history()
        self.say(f"social_increment: the same export into the warehouse holding {n:,} posts")
        home = self.workdir / "homes" / "social_increment"
        for rep in range(1, self.sizes.repeat + 1):
            data.copy_home(history, home)
            data.link_into([new_file], home / "landing" / "social")
            m = self._product_run("social_increment_history", rep, home, timeout=self.sizes.social_timeout)
            m.detail.update(detail)
            self._record(m)
        self.say("social_increment: the same warehouse rebuilt with --full-refresh")
        refreshed = self.workdir / "homes" / "social_full_refresh"
        data.copy_home(home, refreshed)
        m = self._product_run("social_full_refresh", 1, refreshed, timeout=self.sizes.social_timeout,
                              full_refresh=True)
        m.detail.update(detail)
        self._record(m)
        # the build databases: a full refresh rebuilds every table there, and leaves the published
        # file untouched when its fingerprint (deliveries, targets, code) is the same, so comparing
        # the published files would compare a copy with itself
        self.extra["social_refresh_check"] = compare_published_tables(
            home / "state" / "build.duckdb", refreshed / "state" / "build.duckdb", SOCIAL_TABLES)
        if not self.keep_homes:
            for folder in ("social_increment_empty", "social_increment", "social_full_refresh"):
                shutil.rmtree(self.workdir / "homes" / folder, ignore_errors=True)

    def social_spark(self) -> None:
        from tools.bench.spark_runs import social_spark

        social_spark(self)

    def social_spark_cluster(self) -> None:
        from tools.bench.spark_runs import social_spark_cluster

        social_spark_cluster(self)

    def _social_history(self) -> Path:
        """The warehouse the social scenario left (running it once if it has not run)."""
        home = self.workdir / "homes" / "social"
        if not (home / "warehouse" / "voice_monitor.duckdb").exists():
            self.say("  (no social home yet: running the social scenario once first)")
            repeat, self.sizes.repeat = self.sizes.repeat, 1
            try:
                self.social()
            finally:
                self.sizes.repeat = repeat
        return home

    def _scale_runs(self, kind: str, files: list[Path], timeout: float, detail: dict) -> None:
        """``run`` from an empty home with ``files`` in its landing folder of ``kind``, repeated."""
        for rep in range(1, self.sizes.repeat + 1):
            home = data.fresh_home(self.workdir / "homes" / kind)
            data.link_into(files, home / "landing" / kind)
            m = self._product_run(kind, rep, home, timeout=timeout)
            m.detail.update(detail)
            self._record(m)

    def _keep_rule_themes(self, scenario: str) -> None:
        """The product's theme counts of its rule layer (the keyword seeds and theme rules the
        anchor implements), per month and platform, from the build database; the published
        themes add the learned lexicon on top of them. A failed run may lack the tables: then
        there is nothing to compare."""
        self._copy_product_result(scenario, Path("state") / "build.duckdb",
                                  product_rule_themes_sql, tolerate_errors=True)

    def _keep_result_table(self, scenario: str, table: str) -> None:
        """Copy a product mart next to the anchor's result, to compare their numbers."""
        self._copy_product_result(scenario, Path("warehouse") / "voice_monitor.duckdb",
                                  lambda target: f"copy (select * from {table}) to '{target}' (format parquet)")

    def _copy_product_result(self, scenario: str, database: Path, copy_sql, tolerate_errors: bool = False) -> None:
        """Run ``copy_sql(target)`` on the scenario home's ``database`` (read-only), writing
        results/<scenario>.product.parquet; nothing when the run left no database."""
        db = self.workdir / "homes" / scenario / database
        if not db.exists():
            return
        import duckdb

        target = self.workdir / "results" / f"{scenario}.product.parquet"
        con = duckdb.connect(str(db), read_only=True)
        try:
            con.execute(copy_sql(target))
        except duckdb.Error:
            if not tolerate_errors:
                raise
        finally:
            con.close()

    def bi_sync(self) -> None:
        """The BI PostgreSQL sync of a publish with ``posts`` posts, as a run does it after the
        DuckDB publish (forced, so each repetition copies everything): a local cluster like
        ``voice-monitor serve``'s, and the demo's published file with fct_social_posts grown to
        that many rows (``data.published_with_posts``). The child is the sync's client side
        (DuckDB export, CSV, COPY); the server's own work shows in the wall time, not in CPU or
        peak RSS (PostgreSQL is not a child of the measured process)."""
        from orchestration.bi.postgres import cluster
        from orchestration.bi.postgres.serve import bring_up
        from orchestration.paths import Home

        n = self.sizes.posts
        self.say(f"bi_sync: PostgreSQL sync of a publish with {n:,} posts")
        base = self._demo_base()
        home = Home.from_env(self.workdir / "homes" / "bi_sync")
        data.published_with_posts(base / "warehouse" / "voice_monitor.duckdb", home.published_db, n)
        server = bring_up(home, _free_port(), say=lambda _m: None)
        try:
            for rep in range(1, self.sizes.repeat + 1):
                m, payload = self._child("bi_sync", rep, ["pg-sync", "--home", str(home.root)])
                m.ok = m.ok and payload.get("status") == "synced"
                m.stages = {"sync": round(payload.get("seconds") or 0.0, 3)}
                m.detail.update({"posts": n, "rows": payload.get("rows"), "tables": payload.get("tables"),
                                 "file_bytes": home.published_db.stat().st_size,
                                 "message": payload.get("message") or ""})
                self._record(m)
        finally:
            if server.started_here:
                cluster.stop(server.layout)

    # --- anchors -----------------------------------------------------------------------------

    def anchor_survey(self) -> None:
        n = self.sizes.respondents
        self.say(f"anchor_survey: handwritten DuckDB + numpy channel-preference mart, {n:,} × 4 waves")
        files = data.survey_files(self.inputs, n)
        result = self.workdir / "results" / "anchor_survey.parquet"
        for rep in range(1, self.sizes.repeat + 1):
            m, payload = self._child("anchor_survey", rep, ["anchor-survey", "--result", str(result),
                                                            "--files", *map(str, files)])
            m.stages = {k: round(v, 3) for k, v in (payload.get("timings") or {}).items()}
            self._record(m)
        self.extra["anchor_survey_check"] = compare_channel(self.workdir / "results" / "survey.product.parquet", result)

    def anchor_social(self) -> None:
        n = self.sizes.posts
        self.say(f"anchor_social: handwritten DuckDB social theme counts, {n:,} posts")
        files = data.social_files(self.inputs, n)
        result = self.workdir / "results" / "anchor_social.parquet"
        limit = self.env.get("VOICE_MONITOR_DUCKDB_MEMORY_LIMIT", "4GB")
        for rep in range(1, self.sizes.repeat + 1):
            m, payload = self._child("anchor_social", rep, ["anchor-social", "--result", str(result),
                                                            "--memory-limit", limit, "--files", *map(str, files)])
            m.stages = {k: round(v, 3) for k, v in (payload.get("timings") or {}).items()}
            m.detail["counts"] = payload.get("counts")
            self._record(m)
        self.extra["anchor_social_check"] = compare_themes(self.workdir / "results" / "social.product.parquet", result)

    def raking(self) -> None:
        n = self.sizes.respondents
        self.say(f"raking: the project's numpy raking vs weightipy, {n:,} × 4 waves")
        files = data.survey_files(self.inputs, n)
        for engine in ("project", "weightipy"):
            for rep in range(1, self.sizes.repeat + 1):
                m, payload = self._child(f"raking_{engine}", rep, ["rake", "--engine", engine,
                                                                   "--files", *map(str, files)])
                m.stages = {k: round(v, 3) for k, v in (payload.get("timings") or {}).items()}
                self._record(m)

    # --- all ------------------------------------------------------------------------------------

    def run(self, names: list[str]) -> dict:
        (self.workdir / "results").mkdir(parents=True, exist_ok=True)
        started = dt.datetime.now(dt.timezone.utc)
        t0 = time.perf_counter()
        for name in names:
            getattr(self, name)()
        return {
            "started": started.isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - t0, 1),
            "sizes": asdict(self.sizes),
            "results": {k: [asdict(m) for m in v] for k, v in self.results.items()},
            "extra": self.extra,
        }


# --- comparing the anchors' numbers with the product's -------------------------------------------

def product_rule_themes_sql(target: Path) -> str:
    """COPY of the product's rule-layer theme counts (month × platform × theme) to Parquet."""
    return f"""
        copy (
            select cast(date_trunc('month', timezone('Europe/Amsterdam', p.created_at)) as date) as month,
                   p.platform, t.theme, count(*) as posts
            from intermediate.int_social__posts as w
            join staging.stg_social__posts as p using (delivery_id, line_number)
            join (select delivery_id, line_number, unnest(rule_themes) as theme
                  from intermediate.int_social__classified_versions) as t using (delivery_id, line_number)
            where w.is_dutch
            group by all
        ) to '{target}' (format parquet)"""


def compare_published_tables(one: Path, other: Path, tables: tuple[str, ...]) -> dict:
    """Whether two published databases hold the same rows in ``tables``: per table the row count
    and an order-independent checksum of all columns (the sum of the rows' hashes)."""
    if not (one.exists() and other.exists()):
        return {"compared": False}
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(f"attach '{one}' as one (read_only)")
        con.execute(f"attach '{other}' as other (read_only)")
        out = {"compared": True, "tables": {}}
        for table in tables:
            figures = [con.execute(f"select count(*), coalesce(sum(hash(t)::hugeint), 0)::varchar "
                                   f"from {db}.{table} as t").fetchall()[0] for db in ("one", "other")]
            out["tables"][table] = {"rows": figures[0][0], "equal": figures[0] == figures[1]}
        out["equal"] = all(t["equal"] for t in out["tables"].values())
        return out
    finally:
        con.close()


def compare_channel(product: Path, anchor: Path) -> dict:
    """Largest difference between the product's mart_channel_preferences and the anchor's."""
    if not (product.exists() and anchor.exists()):
        return {"compared": False}
    import numpy as np
    import pandas as pd

    p, a = pd.read_parquet(product), pd.read_parquet(anchor)
    m = p.merge(a, on=["wave", "contact_type", "channel"], suffixes=("_p", "_a"))
    diff = max(float(np.nanmax(np.abs(m[f"{c}_p"] - m[f"{c}_a"]))) for c in
               ("share_pct", "ci_low_pct", "ci_high_pct", "change_pp"))
    same_sig = bool((m["significant_vs_prev_p"].fillna(False) == m["significant_vs_prev_a"].fillna(False)).all())
    return {"compared": True, "rows_product": len(p), "rows_anchor": len(a), "rows_matched": len(m),
            "max_abs_diff_pp": diff, "same_significance": same_sig,
            "same_counts": bool((m["n_unweighted_p"] == m["n_unweighted_a"]).all())}


def compare_themes(product: Path, anchor: Path) -> dict:
    """Theme counts per month: the product's mart_social_themes (summed over platform and
    sector) against the anchor's."""
    if not (product.exists() and anchor.exists()):
        return {"compared": False}
    import pandas as pd

    p = pd.read_parquet(product).groupby(["month", "theme"], as_index=False)["posts"].sum()
    a = pd.read_parquet(anchor).groupby(["month", "theme"], as_index=False)["posts"].sum()
    p["month"] = pd.to_datetime(p["month"]).dt.date
    a["month"] = pd.to_datetime(a["month"]).dt.date
    m = p.merge(a, on=["month", "theme"], how="outer", suffixes=("_p", "_a")).fillna(0)
    total_p, total_a = int(m["posts_p"].sum()), int(m["posts_a"].sum())
    by_theme = m.groupby("theme")[["posts_p", "posts_a"]].sum()
    worst = float(((by_theme["posts_a"] - by_theme["posts_p"]).abs() / by_theme["posts_p"].clip(lower=1)).max())
    return {"compared": True, "theme_posts_product": total_p, "theme_posts_anchor": total_a,
            "relative_diff_total": (total_a - total_p) / max(total_p, 1),
            "worst_theme_relative_diff": worst}
