"""dbt, started one way outside the Dagster resource (docs/configuration.md, "How dbt runs").

The pipeline's builds run through dagster-dbt's resource (orchestration.transform.project,
launched tied to the run by ``voice-monitor-dbt``). Everything else that starts dbt — the
manifest (``dbt parse``), the static docs (``dbt docs generate``), the classifier tools and the
tests — goes through ``run_dbt``, so the command line (the dbt next to this interpreter, the
project and profiles folders), the environment (the home's build database for profiles.yml, no
tracking) and the target and log folders under the home are decided here once.

Importing this module never imports dagster-dbt or dbt (a run with nothing to do needs neither).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Sequence

from orchestration.paths import MANIFEST, PROJECT_DIR, Home
from orchestration.warehouse.children import dbt_executable


def dbt_command(args: Sequence[str], home: Home | None = None, target: str = "dbt_target",
                project_dir: Path = PROJECT_DIR) -> list[str]:
    """The dbt command line: ``args`` on the project; with a ``home``, dbt's target folder is
    ``home.state/<target>`` (a separate one keeps the partial parse of the usual one) and its
    logs go to ``home.state/dbt_logs``."""
    cmd = [dbt_executable(), *args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    if home is not None:
        cmd += ["--target-path", str(home.state / target), "--log-path", str(home.state / "dbt_logs")]
    return cmd


def dbt_environment(home: Home | None = None) -> dict[str, str]:
    """This process's environment, with the home's build database for profiles.yml and no
    tracking."""
    env = dict(os.environ)
    env.setdefault("DO_NOT_TRACK", "1")
    if home is not None:
        env.update(home.dbt_env())
    return env


def run_dbt(args: Sequence[str], home: Home | None = None, *, target: str = "dbt_target",
            project_dir: Path = PROJECT_DIR, capture: bool = True, check: bool = False,
            ) -> subprocess.CompletedProcess:
    """Run dbt ``args`` (e.g. ``["build", "--select", "tag:social"]``) on ``home``'s build
    database (or the environment's, without a home) and wait for it. ``capture``: keep its
    output (text) in the result; ``check``: raise when dbt fails."""
    return subprocess.run(dbt_command(args, home, target, project_dir), env=dbt_environment(home),
                          cwd=str(project_dir), capture_output=capture, text=capture, check=check)


def ensure_manifest() -> Path:
    """dagster-dbt needs target/manifest.json; (re)parse when it is missing or older than the project."""
    sources = [PROJECT_DIR / "dbt_project.yml"]
    for folder in ("models", "macros", "seeds", "tests/dbt"):
        sources.extend((PROJECT_DIR / folder).rglob("*"))
    newest = max((p.stat().st_mtime for p in sources if p.is_file()), default=0)
    if not MANIFEST.exists() or MANIFEST.stat().st_mtime < newest:
        run_dbt(["parse", "--quiet"], capture=False, check=True)
    return MANIFEST
