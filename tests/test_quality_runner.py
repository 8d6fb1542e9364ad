"""The GX runner: results recorded in ops.quality_results (and what publish copies of them),
Data Docs under $VOICE_MONITOR_HOME/quality listing every suite with its latest result, the
run-summary lines, no network, and the overhead of GX per run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pandas as pd

from expectations import social_totals, weighting
from orchestration.paths import PROJECT_DIR, Home
from orchestration.publish.publish import AUDIT_FROM_OPS
from orchestration.quality.gx_runner import QualityRun, quality_run
from orchestration.quality.report import summary_lines
from orchestration.warehouse import state

SUITES = ("weighting", "survey_totals", "social_totals")


def _social_frame(lines_read=12):
    return social_totals.build_frame(
        pd.DataFrame([dict(lines_read=lines_read, quarantined=1, duplicates=3, unique_posts=8, non_dutch=2,
                           published_posts=6)]),
        (6, 6), pd.DataFrame({"posts": [6]}))


def test_every_result_is_recorded_and_publish_keeps_the_latest(tmp_path):
    home = Home(tmp_path).ensure()
    con = state.connect(home)
    try:
        first = quality_run(home, "run-a")
        bad = first.validate(social_totals, _social_frame(lines_read=13))
        first.record(con, bad)
        second = quality_run(home, "run-b")
        assert second is not first                                  # one context per run
        good = second.validate(social_totals, _social_frame())
        second.record(con, good)
        rows = con.execute("select run_id, suite, expectation, target, success, severity, observed_value, "
                           "details, run_time from ops.quality_results order by run_time").df()
        assert len(rows) == 8 and set(rows.run_id) == {"run-a", "run-b"} and rows.run_time.notna().all()
        failed = rows.loc[~rows.success]
        assert list(failed.expectation) == ["lines_read_accounted_for"]
        assert failed.iloc[0].target == "audit.social_load_totals" and failed.iloc[0].severity == "error"
        assert "lines_read = 13" in failed.iloc[0].observed_value
        assert json.loads(failed.iloc[0].details)["expectation_type"] == "expect_column_pair_values_to_be_equal"
        latest = con.execute(AUDIT_FROM_OPS["quality_results"]).df()    # what audit.quality_results gets
        assert len(latest) == 4 and latest.success.all()
    finally:
        con.close()


def test_data_docs_list_every_suite_with_its_latest_result(tmp_path):
    home = Home(tmp_path).ensure()
    run = QualityRun(home, "docs-run-1")
    run.validate(social_totals, _social_frame(lines_read=13))
    empty = weighting.build_frame(pd.DataFrame(columns=["wave", "respid", *weighting.MARGINS]),
                                  pd.DataFrame(columns=["wave", "respid", "weight"]),
                                  pd.DataFrame(columns=["wave", "variable", "code", "share"]))
    assert run.validate(weighting, empty).success                     # no waves: nothing to object to
    index = run.build_docs()
    assert index == home.quality / "index.html" and index.exists()
    text = index.read_text(encoding="utf-8")
    for suite in SUITES:                                              # every suite, validated or not
        assert suite in text and (home.quality / "expectations" / f"{suite}.html").exists()
    pages = sorted(p.relative_to(home.quality).parts[1] for p in (home.quality / "validations").rglob("*.html"))
    assert pages == ["social_totals", "weighting"]
    assert "voice-monitor-quality" in text and "FAILED" in text and "docs-run-1" in text   # plain-HTML summary

    later = QualityRun(home, "docs-run-2")                            # a later run: social passes now
    later.validate(social_totals, _social_frame())
    text = later.build_docs().read_text(encoding="utf-8")
    pages = sorted(p.relative_to(home.quality).parts[1] for p in (home.quality / "validations").rglob("*.html"))
    assert pages == ["social_totals", "weighting"]                    # the latest result per suite only
    summary = text[text.index("voice-monitor-quality"):text.index("/voice-monitor summary")]
    assert "docs-run-2" in summary and "docs-run-1" in summary        # social from run 2, weighting from run 1
    assert "FAILED" not in summary


def test_summary_lines_name_the_results_warnings_and_the_docs(tmp_path):
    home = Home(tmp_path).ensure()
    run = QualityRun(home, "summary-run")
    frame = pd.DataFrame([{"wave": 2026, "n": 100, "weight_rows": 100, "weighted_respondents": 100, "sum_w": 100.0,
                           "mean_w": 1.0, "min_w": 0.3, "max_w": 4.0, "efficiency": 0.45,
                           "max_margin_deviation": 0.0, "worst_margin": "REGIO 1"}])
    outcome = run.validate(weighting, frame)
    assert outcome.success and [r.expectation for r in outcome.failed("warning")] == ["efficiency_above_warning_level"]
    run.build_docs()
    lines = summary_lines(home, "summary-run")
    assert lines[0].startswith("Quality checks (Great Expectations") and "weighting passed with 1 warning" in lines[0]
    assert any("WARNING" in line and "wave 2026" in line and "efficiency = 0.45" in line for line in lines)
    assert lines[-1] == f"Data Docs: {(home.quality / 'index.html').as_uri()}"
    assert summary_lines(home, "another-run") == [lines[-1]]          # a run without checks: just the link


SCRIPT = textwrap.dedent("""
    import json, socket, sys, time
    started = time.perf_counter()

    def no_network(*args, **kwargs):
        raise RuntimeError(f"network access attempted: {args!r}")

    socket.socket.connect = no_network
    socket.create_connection = no_network
    socket.getaddrinfo = no_network

    import pandas as pd
    from expectations import social_totals, totals, weighting
    from orchestration.paths import Home
    from orchestration.quality.gx_runner import quality_run

    home = Home.from_env(sys.argv[1]).ensure()
    run = quality_run(home, "overhead")
    frame_w = pd.DataFrame([{"wave": w, "n": 1000, "weight_rows": 1000, "weighted_respondents": 1000,
                             "sum_w": 1000.0, "mean_w": 1.0, "min_w": 0.4, "max_w": 3.4, "efficiency": 0.82,
                             "max_margin_deviation": 1e-13, "worst_margin": "REGIO 1"} for w in (2023, 2024, 2025, 2026)])
    run.validate(weighting, frame_w)
    rows = [{"mart": m, "question": "Q", "wave": w, "g1": str(i), "g2": "", "single_choice": True,
             "routed": False, "categories": 4.0, "share_sum": 100.0, "share_min": 10.0, "share_max": 40.0,
             "n_sum": 900.0, "base_unweighted": 900.0, "answering_respondents": 900.0,
             "routed_respondents": float("nan")}
            for m in totals.MART_DIMENSIONS for w in (2023, 2024, 2025, 2026) for i in range(9)]
    run.validate(totals, pd.DataFrame(rows))
    run.validate(social_totals, social_totals.build_frame(
        pd.DataFrame([dict(lines_read=5, quarantined=1, duplicates=1, unique_posts=3, non_dutch=1,
                           published_posts=2)]),
        (2, 2), pd.DataFrame({"posts": [2]})))
    run.build_docs()
    print(json.dumps({"timings": run.timings, "overhead": run.overhead_seconds,
                      "wall": time.perf_counter() - started,
                      "suites": {k: v.success for k, v in run.outcomes.items()}}))
""")


def test_gx_needs_no_network(tmp_path):
    """A fresh process with the network cut off: import GX, one context, the three suites on
    frames of the sample's size, Data Docs. The measured overhead is printed (pytest -s); it is
    a figure for docs/quality.md, not an assertion (speed lives in benchmarks)."""
    script = tmp_path / "gx_offline.py"      # a file, as the warehouse's own processes run (a `-c`
    script.write_text(SCRIPT)                 # script makes pyspark's Connect package exit on import)
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True,
                          cwd=PROJECT_DIR, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["suites"] == {"weighting": True, "survey_totals": True, "social_totals": True}
    print(f"\nGX overhead per run: {report['overhead']:.2f} s "
          + ", ".join(f"{k} {v:.2f} s" for k, v in report["timings"].items()))
    assert (tmp_path / "quality" / "index.html").exists()


def test_a_gx_failure_without_failing_rows_is_never_reported_as_a_pass(tmp_path):
    """An aggregate expectation (no per-row result) that GX fails fails every target it speaks for."""
    import great_expectations.expectations as gxe

    from expectations._gx import named

    run = QualityRun(Home(tmp_path).ensure(), "aggregate")
    suite = social_totals.build_suite()
    suite.add_expectation(named(gxe.ExpectTableRowCountToEqual(value=2, description="Two rows."), "two_rows",
                                target=social_totals.LOAD_TOTALS))
    outcome = run.validate(social_totals, _social_frame(), suite=suite)
    failed = outcome.failed("error")
    assert [(r.expectation, r.target) for r in failed] == [("two_rows", social_totals.LOAD_TOTALS)]
    assert "observed 1" in failed[0].observed_value
