"""The one resource every warehouse step shares: where the home is and how to behave.

Values come from environment variables with defaults (the same ones the CLI documents),
so `dagster dev`, `voice-monitor run` and tests configure the warehouse the same way.
"""

from __future__ import annotations

import os

import dagster as dg

from orchestration.paths import Home


class WarehouseResource(dg.ConfigurableResource):
    """Access to ``$VOICE_MONITOR_HOME`` and the build database."""

    home_dir: str = ""
    max_bad_rows: int = 0
    storage_version: str = ""

    @property
    def home(self) -> Home:
        home = Home.from_env(self.home_dir or None)
        home.export_env()
        return home.ensure()

    def connect(self):
        from orchestration.warehouse import state

        return state.connect(self.home)

    @property
    def bad_row_threshold(self) -> int:
        return self.max_bad_rows or int(os.environ.get("VOICE_MONITOR_MAX_BAD_ROWS", "0"))

    @property
    def publish_storage_version(self) -> str:
        return self.storage_version or os.environ.get("VOICE_MONITOR_STORAGE_VERSION", "v1.0.0")
