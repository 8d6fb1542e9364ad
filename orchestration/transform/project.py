"""The dbt project, built once per process (dagster-open-platform style).

The manifest is prepared at set-up time (``dbt parse`` in ``.ci/run`` and ``voice-monitor
setup``); importing this module never runs dbt.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.paths import PROJECT_DIR

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)

# The dbt installed next to this interpreter (a venv's bin/ is not always on PATH).
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt") if (Path(sys.executable).parent / "dbt").exists() \
    else (shutil.which("dbt") or "dbt")
