"""dbt docs with exposures, and what `voice-monitor run` says and writes at its end."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from orchestration.paths import PROJECT_DIR
from test_bi_support import bi_home, cli_env, voice_monitor  # noqa: F401 (fixture)


def test_exposures_declare_the_report_and_the_bi_endpoint():
    spec = yaml.safe_load((PROJECT_DIR / "models" / "exposures.yml").read_text(encoding="utf-8"))
    exposures = {e["name"]: e for e in spec["exposures"]}
    assert set(exposures) == {"voice_monitor_report", "bi_postgres_endpoint"}
    models = {p.stem for p in (PROJECT_DIR / "models").rglob("*.sql")}
    for exposure in exposures.values():
        refs = [d.removeprefix("ref('").removesuffix("')") for d in exposure["depends_on"]]
        assert refs and set(refs) <= models, set(refs) - models
    report_refs = " ".join(exposures["voice_monitor_report"]["depends_on"])
    for mart in ("mart_channel_preferences", "mart_frustrations", "mart_personas", "mart_sector_kpis",
                 "mart_ai_use_cases", "mart_assistant_outcomes"):
        assert mart in report_refs
    endpoint_refs = " ".join(exposures["bi_postgres_endpoint"]["depends_on"])
    marts = {p.stem for p in (PROJECT_DIR / "models" / "marts").rglob("*.sql")}
    assert all(m in endpoint_refs for m in marts), marts - set(endpoint_refs.split())


@pytest.mark.slow
def test_docs_command_writes_static_dbt_docs(bi_home):  # noqa: F811
    project_manifest = PROJECT_DIR / "target" / "manifest.json"
    manifest_before = project_manifest.read_bytes() if project_manifest.exists() else None
    static_before = (PROJECT_DIR / "target" / "static_index.html").exists()
    done = subprocess.run(voice_monitor("docs"), cwd=PROJECT_DIR, env=cli_env(bi_home), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    index = bi_home.root / "docs" / "index.html"
    assert index.exists() and str(index) in done.stdout
    html = index.read_text(encoding="utf-8")
    assert "voice_monitor_report" in html and "bi_postgres_endpoint" in html and "mart_personas" in html
    catalog = json.loads((bi_home.root / "docs" / "catalog.json").read_text(encoding="utf-8"))
    assert any(k.endswith(".mart_personas") for k in catalog["nodes"])
    manifest = json.loads((bi_home.root / "docs" / "manifest.json").read_text(encoding="utf-8"))
    assert "exposure.voice_monitor.voice_monitor_report" in manifest["exposures"]
    # the project's target (the manifest Dagster loads) is untouched: docs use a target folder of their own
    assert (project_manifest.read_bytes() if project_manifest.exists() else None) == manifest_before
    assert (PROJECT_DIR / "target" / "static_index.html").exists() == static_before


@pytest.mark.slow
def test_run_ends_with_where_things_are(bi_home):  # noqa: F811
    done = subprocess.run(voice_monitor("run"), cwd=PROJECT_DIR, env=cli_env(bi_home), capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Where things are:" in out
    assert str(bi_home.published_db) in out
    report = sorted((bi_home.reports).glob("voice_monitor_*.html"))
    assert report and f"Report: {report[-1]}" in out
    assert "Data Docs" in out and str(bi_home.quality) in out
    assert "psql -h 127.0.0.1 -p 5433 -U analyst -d voice_monitor" in out and "voice-monitor serve" in out
    # no BI database was ever set up in this home (serve never ran, no VOICE_MONITOR_POSTGRES_URL): neither
    # this run nor the publishing run that built the home started PostgreSQL or said anything about it
    assert "BI database" not in out and "STALE" not in out
    assert not (bi_home.state / "postgres").exists()


def test_a_failing_report_does_not_fail_the_run(tmp_path, monkeypatch):
    from types import SimpleNamespace

    import orchestration.bi.report as report
    from orchestration.bi import handoff
    from orchestration.paths import Home

    home = Home.from_env(tmp_path)
    home.warehouse_dir.mkdir(parents=True)
    home.published_db.write_bytes(b"")  # exists; the report will fail on it

    def boom(*_a, **_k):
        raise RuntimeError("broken chart")

    monkeypatch.setattr(report, "write_report", boom)
    said: list[str] = []
    handoff.after_run(SimpleNamespace(home=home, status="success", published=True), say=said.append)
    assert any(line.startswith("WARNING: the report could not be written") for line in said)
    assert "Where things are:" in said
