"""The dbt project, built once per process (dagster-open-platform style).

The manifest is prepared at set-up time (``dbt parse`` in ``.ci/run`` and ``voice-monitor
setup``); importing this module never runs dbt.
"""

from __future__ import annotations

from functools import cached_property

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.paths import PROJECT_DIR
from orchestration.warehouse.children import dbt_executable, launcher_executable

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)

# The dbt installed next to this interpreter (a venv's bin/ is not always on PATH), and the
# launcher that runs it tied to the run (own process group, dies with the run).
DBT_EXECUTABLE = dbt_executable()
DBT_LAUNCHER = launcher_executable()


class WarehouseDbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two things it does on every ``cli()`` call that this
    project never needs (together ~2 s of every build):

    * opening a dbt adapter inside the Dagster process: it only serves ``fetch_row_counts()`` /
      ``fetch_column_metadata()``, which the warehouse does not call (dbt itself runs as a
      subprocess and opens its own);
    * running ``dbt --version`` in a subprocess to tell dbt Core from the Fusion engine: the
      dbt next to this interpreter is dbt Core, whose version the installed package states.
    """

    def _initialize_dbt_core_adapter(self, args):  # dagster-dbt hook (0.29): no adapter needed
        return None

    @cached_property
    def _cli_version(self):
        if self.dbt_executable in (DBT_EXECUTABLE, DBT_LAUNCHER):
            from importlib.metadata import version as installed

            from packaging import version

            return version.parse(installed("dbt-core"))
        return super()._cli_version
