"""``voice-monitor docs``: static dbt docs (models, columns, tests, lineage and the exposures:
the report and the BI database) under ``$VOICE_MONITOR_HOME/docs/``.

``dbt docs generate --static`` reads the catalogue from the build database, so it runs under
the writer lock (a concurrent ``voice-monitor run`` finishes first) with its own target folder:
the project's ``target/manifest.json`` that Dagster loads is never touched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from orchestration.paths import Home
from orchestration.transform.dbt import ensure_manifest, run_dbt
from orchestration.warehouse.locking import writer_lock


def generate_docs(home: Home) -> Path:
    """The docs of ``home``'s build database; the caller has prepared the environment
    (orchestration.pipeline.prepare_environment)."""
    if not home.work_db.exists():
        raise SystemExit(f"No build database at {home.work_db}: run `voice-monitor run` first.")
    ensure_manifest()
    target = home.state / "dbt_docs_target"
    out = home.root / "docs"
    with writer_lock(home):
        shutil.rmtree(target, ignore_errors=True)
        done = run_dbt(["docs", "generate", "--static", "--quiet"], home, target=target.name)
    if done.returncode != 0:
        raise SystemExit(f"dbt docs generate failed:\n{done.stdout}\n{done.stderr}")
    out.mkdir(parents=True, exist_ok=True)
    for name in ("manifest.json", "catalog.json"):
        shutil.copy2(target / name, out / name)
    # one file that opens from disk without a web server (manifest and catalogue embedded)
    shutil.copy2(target / "static_index.html", out / "index.html")
    return out / "index.html"
