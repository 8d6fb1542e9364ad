"""The one resource every warehouse step shares: where the home is and how to behave.

A field left empty takes its value from orchestration.settings (environment variables with
defaults, docs/configuration.md), so `dagster dev`, `voice-monitor run` and tests configure the
warehouse the same way.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import dagster as dg

from orchestration import settings
from orchestration.paths import Home
from orchestration.warehouse.locking import writer_lock


class WarehouseResource(dg.ConfigurableResource):
    """Access to ``$VOICE_MONITOR_HOME`` and the build database."""

    home_dir: str = ""
    max_bad_rows: int = 0
    storage_version: str = ""
    engine: str = ""             # the social pipeline's engine: duckdb | spark (VOICE_MONITOR_ENGINE)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext):
        """Hold the writer lock for the whole run: runs that write the warehouse never overlap,
        and a second one waits instead of failing on DuckDB's file lock."""
        log = context.log.info if context.log else None
        with writer_lock(self.home, log):
            try:
                yield self
            finally:
                self._leave_ledger(context)

    def _leave_ledger(self, context) -> None:
        """Before the lock goes: what this run left in the build database's bookkeeping, copied
        for the sensors (orchestration.warehouse.ledger), whatever launched the run."""
        from orchestration.warehouse import ledger

        ledger.leave(self.home, context.log.warning if context.log else None)

    @property
    def home(self) -> Home:
        home = Home.from_env(self.home_dir or None)
        home.export_env()
        return home.ensure()

    def connect(self):
        from orchestration.warehouse import state

        return state.connect(self.home)

    @property
    def social_engine(self) -> str:
        """duckdb or spark (docs/scale_out.md); a wrong value is an error in plain words."""
        if self.engine:
            import os

            os.environ[settings.ENGINE_ENV] = self.engine      # the steps' child processes follow it
        return settings.engine()

    @property
    def bad_row_threshold(self) -> int:
        return self.max_bad_rows or settings.max_bad_rows()

    @property
    def publish_storage_version(self) -> str:
        return self.storage_version or settings.storage_version()
