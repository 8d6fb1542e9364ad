"""``voice-monitor docs``: static dbt docs (models, columns, tests, lineage and the exposures:
the report and the BI database) under ``$VOICE_MONITOR_HOME/docs/``.

``dbt docs generate --static`` reads the catalogue from the build database, so it runs under
the writer lock (a concurrent ``voice-monitor run`` finishes first) with its own target folder:
the project's ``target/manifest.json`` that Dagster loads is never touched.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from orchestration.paths import PROJECT_DIR, Home


def generate_docs(home: Home) -> Path:
    from orchestration.pipeline import ensure_manifest, prepare_environment, writer_lock
    from orchestration.transform.project import DBT_EXECUTABLE

    home = prepare_environment(home)
    if not home.work_db.exists():
        raise SystemExit(f"No build database at {home.work_db}: run `voice-monitor run` first.")
    ensure_manifest()
    target = home.state / "dbt_docs_target"
    out = home.root / "docs"
    with writer_lock(home):
        shutil.rmtree(target, ignore_errors=True)
        done = subprocess.run([DBT_EXECUTABLE, "docs", "generate", "--static", "--project-dir", str(PROJECT_DIR),
                               "--profiles-dir", str(PROJECT_DIR), "--target-path", str(target), "--quiet"],
                              cwd=PROJECT_DIR, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"dbt docs generate failed:\n{done.stdout}\n{done.stderr}")
    out.mkdir(parents=True, exist_ok=True)
    for name in ("manifest.json", "catalog.json"):
        shutil.copy2(target / name, out / name)
    # one file that opens from disk without a web server (manifest and catalogue embedded)
    shutil.copy2(target / "static_index.html", out / "index.html")
    return out / "index.html"
