"""What the run summary says about the quality checks (no GX import here)."""

from __future__ import annotations

import json

from orchestration.paths import Home

SUMMARY_FILE = "latest_run.json"      # written by gx_runner.QualityRun after each check


def failed_check_messages(result) -> dict[str, list[str]]:
    """Step key → plain-words messages of the blocking (ERROR) checks that failed in it.

    Dagster's own step failure only says "1 blocking asset check failed … <check name>"; the
    check's description names the expectation, the wave or question and the observed value.
    """
    from dagster import AssetCheckSeverity

    messages: dict[str, list[str]] = {}
    for event in result.all_events:
        if event.event_type_value != "ASSET_CHECK_EVALUATION":
            continue
        evaluation = event.event_specific_data
        if evaluation.passed or evaluation.severity != AssetCheckSeverity.ERROR or not evaluation.description:
            continue
        found = messages.setdefault(event.step_key, [])
        if evaluation.description not in found:
            found.append(evaluation.description)
    return messages


def summary_lines(home: Home, run_id: str | None) -> list[str]:
    """Lines for the CLI summary: the quality results of this run (warnings spelled out) and
    where the Data Docs are."""
    index = home.quality / "index.html"
    lines: list[str] = []
    path = home.quality / SUMMARY_FILE
    data = None
    if run_id and path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
    if data and data.get("run_id") == run_id and data.get("suites"):
        parts = []
        for name, suite in data["suites"].items():
            state = "passed" if suite["success"] else "FAILED"
            if suite["success"] and suite.get("warnings"):
                state = f"passed with {len(suite['warnings'])} warning(s)"
            parts.append(f"{name} {state}")
        seconds = sum(data.get("timings_seconds", {}).values())
        lines.append(f"Quality checks (Great Expectations, {seconds:.1f} s): " + ", ".join(parts))
        for suite in data["suites"].values():
            lines.extend(f"  WARNING {w}" for w in suite.get("warnings", []))
    if index.exists():
        lines.append(f"Data Docs: {index.as_uri()}")
    return lines
