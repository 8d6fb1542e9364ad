"""Run labelled posts through the product's own path and read back what the classifier sees.

Why: training and evaluation must see the posts exactly as the warehouse does (masked by
``ingest_social``, language tagged at ingestion, the rule layer's concepts and outcomes computed
by the dbt models), so the posts are written as one export into a temporary warehouse home,
ingested and built with dbt, and the needed columns are read back.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from orchestration.paths import PROJECT_DIR, Home
from orchestration.transform.dbt import run_dbt
from tools.classifier.corpus import EXPORT_FIELDS


def build_social_models(home: Home, tests: bool = False, select: str = "tag:social",
                        dbt_vars: str | None = None, target: str = "dbt_target",
                        full_refresh: bool = False, project_dir: Path = PROJECT_DIR) -> subprocess.CompletedProcess:
    """Run the social dbt models (and seeds) against ``home``'s build database. ``dbt_vars``: a
    YAML mapping for ``--vars``; ``target``: the folder under ``home.state`` for dbt's target (a
    separate one for other vars keeps the partial parse of the usual one); ``full_refresh``:
    rebuild the incremental models from all live data; ``project_dir``: a copy of the dbt
    project (tests that edit seeds)."""
    args = ["build", "--select", select]
    if dbt_vars is not None:
        args += ["--vars", dbt_vars]
    if not tests:
        args += ["--exclude", "resource_type:test"]
    if full_refresh:
        args.append("--full-refresh")
    result = run_dbt(args, home, target=target, project_dir=project_dir)
    if result.returncode != 0:
        raise RuntimeError(f"dbt build failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return result


def load_into(home: Home, posts: list[dict], name: str = "posts_2025-01_labelled.jsonl") -> None:
    """Write ``posts`` (export fields only) as one export into ``home``'s landing zone and ingest it."""
    home.ensure()
    with open(home.landing_social / name, "w", encoding="utf-8") as fh:
        for p in posts:
            fh.write(json.dumps({k: p.get(k) for k in EXPORT_FIELDS}, ensure_ascii=False) + "\n")
    ingest_landing(home)


def ingest_landing(home: Home, run_id: str = "classifier") -> None:
    """Ingest what ``home``'s social landing zone holds (raises on a failed file)."""
    from orchestration.social.ingest import ingest_social
    from orchestration.warehouse import state

    con = state.connect(home)
    try:
        report = ingest_social(con, home, run_id)
        if report.failed:
            raise RuntimeError(report.failed[0].message)
    finally:
        con.close()


DEBUG_VARS = "{social_classifier_debug: true}"


@dataclass
class Processed:
    """One post as the warehouse sees it. ``published`` posts (detected Dutch) carry the masked
    fields, the rule layer's features, the published classification and the SQL's scores."""
    post_id: str
    lang: str
    published: bool = False
    platform: str | None = None
    title_masked: str | None = None
    text_masked: str | None = None
    company: str | None = None
    rating: int | None = None
    rule_features: tuple[str, ...] = ()
    sector: str | None = None
    themes: tuple[str, ...] = ()
    sentiment: str | None = None
    sector_confidence: float | None = None
    theme_confidences: tuple[float, ...] = ()
    scores: tuple = ()                  # exact decimals per label (model.LABELS order)


def read_processed(con) -> dict[str, Processed]:
    """Every post of a build made with ``DEBUG_VARS``, by post id."""
    from tools.classifier.model import LABELS

    out = {pid: Processed(pid, lang) for pid, lang in
           con.execute("select post_id, lang from intermediate.int_social__posts").fetchall()}
    score_cols = ", ".join("c.score_" + label.replace(":", "_") for label in LABELS)
    for row in con.execute(
            "select f.post_id, f.platform, f.title_masked, f.text_masked, f.company, f.rating, f.sector, f.themes, "
            "f.sentiment, f.sector_confidence, f.theme_confidences, c.rule_features, " + score_cols + " "
            "from marts.fct_social_posts as f "
            "join intermediate.int_social__posts as p on p.platform = f.platform and p.post_id = f.post_id "
            "join intermediate.int_social__classified_versions as c "
            "on c.delivery_id = p.delivery_id and c.line_number = p.line_number").fetchall():
        p = out[row[0]]
        p.published = True
        p.platform, p.title_masked, p.text_masked, p.company, p.rating = row[1:6]
        p.sector, p.themes, p.sentiment, p.sector_confidence = row[6], tuple(row[7]), row[8], row[9]
        p.theme_confidences, p.rule_features, p.scores = tuple(row[10]), tuple(row[11]), tuple(row[12:])
    return out


def process(exports: list[dict], workdir: Path | None = None,
            queries: dict[str, str] | None = None) -> tuple[dict[str, Processed], dict[str, list]]:
    """Ingest ``exports`` into a temporary home, build the social models (with the classifier's
    debug columns: rule features and scores) and read every post back by post id. ``queries``
    (name → SQL on the build database) are run as well and their rows returned."""
    import duckdb

    tmp = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="social-classifier-"))
    home = Home.from_env(tmp)
    try:
        load_into(home, exports)
        build_social_models(home, dbt_vars=DEBUG_VARS, target="dbt_target_debug")
        con = duckdb.connect(str(home.work_db), read_only=True)
        try:
            out = read_processed(con)
            extra = {name: con.execute(sql).fetchall() for name, sql in (queries or {}).items()}
        finally:
            con.close()
    finally:
        if workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    return out, extra
