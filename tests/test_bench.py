"""Smoke tests of the benchmark harness (``voice-monitor bench``) at tiny sizes.

No timing is asserted anywhere: the figures live in docs/benchmarks.md, measured by the harness.
Fast: the stage breakdown adds up, the anchors and the raking comparison run as measured child
processes, the tables render and keep the hand-written notes. Slow (they run the pipeline): the
anchors compute the product's numbers, and the whole ``--quick`` run goes through every scenario.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from e2e_helpers import home_env

from tools.bench import report
from tools.bench.harness import (STAGES, Bench, Sizes, compare_themes,
                                         product_rule_themes_sql, run_stages, stage_of)


def test_stage_of_every_step_kind():
    assert stage_of("raw__survey_responses[2025]") == "ingest"
    assert stage_of("raw__social_posts[2025-01]") == "ingest"
    assert stage_of("social_posts[2025-01]") == "ingest"
    assert stage_of("survey_weights") == "weight"
    assert stage_of("weights__survey_weights_weighting_guard") == "checks"
    assert stage_of("social_totals_guard") == "checks"
    assert stage_of("warehouse_dbt_models") == "dbt"
    assert stage_of("warehouse__voice_monitor") == "publish"
    assert stage_of("bi__postgres") == "publish"          # the BI PostgreSQL sync after the publish
    assert stage_of("active_deliveries") == "orchestration"


def test_pipeline_knows_the_manifest_path_without_dagster_dbt():
    from orchestration.paths import MANIFEST
    from orchestration.transform.project import dbt_project

    assert MANIFEST == Path(dbt_project.manifest_path)


def test_run_stages_add_up_to_the_wall_time():
    payload = {
        "cli_seconds": 9.0, "run_once_seconds": 8.0,
        "steps": [{"step": "raw__survey_responses[2025]", "seconds": 2.0},
                  {"step": "survey_weights", "seconds": 0.5},
                  {"step": "warehouse_dbt_models", "seconds": 4.0},
                  {"step": "survey_totals_guard", "seconds": 0.5},
                  {"step": "warehouse__voice_monitor", "seconds": 0.25}],
        "files": [{"path": "landing/survey/voice_monitor_2025.csv", "status": "loaded",
                   "seconds": {"read": 0.2, "validate": 0.7, "load": 0.3}}],
    }
    stages = run_stages(payload, wall=10.0)
    assert set(stages) == set(STAGES)
    assert stages["validate"] == pytest.approx(0.7) and stages["ingest"] == pytest.approx(1.3)
    assert stages["orchestration"] == pytest.approx(8.0 - 7.25)
    assert stages["report"] == pytest.approx(1.0) and stages["startup"] == pytest.approx(1.0)
    assert sum(stages.values()) == pytest.approx(10.0)


@pytest.fixture(scope="module")
def tiny_bench(tmp_path_factory):
    """The anchors and the raking comparison on tiny inputs (no product runs)."""
    workdir = tmp_path_factory.mktemp("bench")
    bench = Bench(workdir, Sizes(respondents=400, posts=600, repeat=1), say=lambda m: None)
    run = bench.run(["anchor_survey", "raking", "anchor_social"])
    return workdir, bench, run


def test_anchors_and_raking_run_in_children(tiny_bench):
    workdir, bench, run = tiny_bench
    for name in ("anchor_survey", "anchor_social", "raking_project", "raking_weightipy"):
        (m,) = bench.results[name]
        assert m.ok, name
        assert m.wall > 0 and m.peak_rss > 0
    assert bench.results["raking_project"][0].stages["rake"] > 0
    assert json.dumps(run)                      # the raw results serialise


@pytest.mark.slow
def test_social_anchor_counts_match_on_the_sample(tmp_path):
    """On the bundled sample exports (which contain every oddity: re-exports, BOM/CRLF, foreign
    and malformed lines) the anchor's theme counts equal those of the product's rule layer (the
    keyword seeds and theme rules; the published themes add the learned lexicon on top)."""
    from tools.bench.anchors import social_themes
    from orchestration.pipeline import run_once
    from tools.sample.social import write_social_sample

    with home_env(tmp_path / "home") as home:
        home.ensure()
        write_social_sample(home.landing_social)
        summary = run_once(home, say=lambda m: None)
    assert summary.status == "success", summary.reason
    product = tmp_path / "product.parquet"
    con = duckdb.connect(str(home.work_db), read_only=True)
    con.execute(product_rule_themes_sql(product))
    con.close()
    anchor = tmp_path / "anchor.parquet"
    social_themes.run(sorted(home.landing_social.glob("*.jsonl"))).frame.to_parquet(anchor)
    check = compare_themes(product, anchor)
    assert check["compared"] and check["theme_posts_anchor"] == check["theme_posts_product"]
    assert check["worst_theme_relative_diff"] == 0


def test_report_renders_and_keeps_the_notes(tiny_bench, tmp_path):
    _, _, run = tiny_bench
    md, js = tmp_path / "benchmarks.md", tmp_path / "benchmarks.json"
    store = report.merge({}, run)
    report.write_docs(store, md, js)
    text = md.read_text()
    assert report.BEGIN in text and report.END in text
    assert "| Raking at least as fast as weightipy |" in text
    assert "Anchor: handwritten DuckDB + numpy channel-preference mart" in text
    # notes outside the markers survive a rewrite; figures of other scenarios are kept
    md.write_text("# Benchmarks\n\nHand-written notes.\n\n" + text[text.index(report.BEGIN):] + "\n## More notes\n")
    store = report.merge(report.load_store(js), {"started": "2026-01-01T00:00:00+00:00", "sizes": run["sizes"],
                                                  "results": {}, "extra": {}})
    report.write_docs(store, md, js)
    text = md.read_text()
    assert "Hand-written notes." in text and "## More notes" in text
    assert "raking_weightipy" in json.loads(js.read_text())["scenarios"]


@pytest.mark.slow
def test_quick_bench_runs_every_scenario(tmp_path, capsys):
    """``voice-monitor bench --quick``: demo, incremental (a new monthly social file after the
    demo), no-op, survey and social at tiny sizes, the anchors and raking; every run succeeds,
    and the anchors computed what the product published: the channel-preference mart row for row
    (counts, shares, significance) and the social theme counts of the product's rule layer."""
    from orchestration.cli import main

    md = tmp_path / "benchmarks.md"
    rc = main(["bench", "--quick", "--respondents", "300", "--posts", "500", "--workdir", str(tmp_path / "w"),
               "--docs", str(md)])
    out = capsys.readouterr().out
    assert rc == 0, out
    store = json.loads(md.with_suffix(".json").read_text())
    for name in ("demo", "incremental", "noop", "survey", "social", "anchor_survey", "anchor_social",
                 "raking_project", "raking_weightipy", "bi_sync"):
        runs = store["scenarios"][name]["runs"]
        assert runs and all(r["ok"] for r in runs), name
    # the BI sync copied every published table, fct_social_posts grown to --posts rows
    sync = store["scenarios"]["bi_sync"]["runs"][0]["detail"]
    assert sync["posts"] == 500 and sync["tables"] >= 25 and sync["rows"] > 500
    assert "### BI database (PostgreSQL) sync" in out
    assert store["scenarios"]["noop"]["runs"][0]["status"] == "noop"
    assert store["scenarios"]["incremental"]["runs"][0]["stages"]["ingest"] > 0
    assert "### Targets" in out
    survey = store["extra"]["anchor_survey_check"]
    assert survey["compared"] and survey["rows_matched"] == survey["rows_product"] == survey["rows_anchor"] > 0
    assert survey["max_abs_diff_pp"] < 1e-9 and survey["same_counts"] and survey["same_significance"]
    social = store["extra"]["anchor_social_check"]
    assert social["compared"] and social["theme_posts_anchor"] == social["theme_posts_product"] > 0
    assert social["worst_theme_relative_diff"] == 0


def test_a_copied_home_shares_its_deliveries_and_owns_its_databases(tmp_path):
    """The 10M-post increment scenarios copy a history home twice: the delivered files are
    hard-linked (no second 4.5 GB), the databases copied, so runs in the copy leave the source as
    it was."""
    from tools.bench.data import copy_home

    source = tmp_path / "history"
    for rel, text in {"landing/social/export.jsonl": "{}\n", "archive/ab/abcd.jsonl": "{}\n",
                      "archive/manifest.json": "{}", "state/build.duckdb": "db"}.items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_text(text)
    copy = copy_home(source, tmp_path / "copy")
    for rel in ("landing/social/export.jsonl", "archive/ab/abcd.jsonl", "archive/manifest.json"):
        assert (copy / rel).stat().st_ino == (source / rel).stat().st_ino, rel
    assert (copy / "state/build.duckdb").stat().st_ino != (source / "state/build.duckdb").stat().st_ino
    (copy / "state/build.duckdb").write_text("changed in the copy")
    assert (source / "state/build.duckdb").read_text() == "db"
