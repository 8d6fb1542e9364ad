"""Where the warehouse reads and writes.

Everything lives under ``$VOICE_MONITOR_HOME`` (spec §1). The layout below the
landing/quarantine/warehouse/config folders of the contract is ours: ``state/``
holds what only the warehouse itself opens (the build database, Dagster's
instance, the pseudonym key, the writer lock); ``archive/`` holds every accepted
delivery, content-addressed, so the build database can always be rebuilt. BI tools
only ever open ``warehouse/voice_monitor.duckdb``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
# the dbt manifest Dagster loads (dbt_project.manifest_path of orchestration.transform.project),
# known without importing dagster-dbt and dbt (1-2 s): a run with nothing to do never needs them
MANIFEST = PROJECT_DIR / "target" / "manifest.json"


@dataclass(frozen=True)
class Home:
    root: Path

    @classmethod
    def from_env(cls, root: str | os.PathLike | None = None) -> "Home":
        value = root if root is not None else os.environ.get("VOICE_MONITOR_HOME", "data")
        return cls(Path(value).expanduser().resolve())

    # contract folders (spec §1)
    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def landing_survey(self) -> Path:
        return self.landing / "survey"

    @property
    def landing_social(self) -> Path:
        return self.landing / "social"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def warehouse_dir(self) -> Path:
        return self.root / "warehouse"

    @property
    def published_db(self) -> Path:
        return self.warehouse_dir / "voice_monitor.duckdb"

    @property
    def targets_override(self) -> Path:
        return self.root / "config" / "population_targets.csv"

    # internal folders (ours)
    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def work_db(self) -> Path:
        return self.state / "build.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.state / "dagster"

    @property
    def writer_lock(self) -> Path:
        return self.state / "writer.lock"

    @property
    def secret_key(self) -> Path:
        return self.state / "pseudonym.key"

    @property
    def children(self) -> Path:
        """Records of the child processes (dbt) of running runs (orchestration.warehouse.children)."""
        return self.state / "children"

    @property
    def archive(self) -> Path:
        """Accepted deliveries, content-addressed, and their manifest (orchestration.warehouse.archive)."""
        return self.root / "archive"

    @property
    def quality(self) -> Path:
        return self.root / "quality"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def relative(self, path: Path) -> str:
        """Path relative to the home, as recorded in audit tables."""
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def ensure(self) -> "Home":
        """Create the folders; the ones holding personal data are private to the user
        (orchestration.warehouse.permissions)."""
        from orchestration.warehouse.permissions import private_dir, published_dir

        for folder in (self.landing_survey, self.landing_social):
            folder.mkdir(parents=True, exist_ok=True)
        published_dir(self.warehouse_dir)
        for folder in (self.state, self.archive, self.quarantine):
            private_dir(folder)
        return self

    def dbt_env(self) -> dict[str, str]:
        """The variables that point dbt (profiles.yml) and child processes at this home."""
        return {"VOICE_MONITOR_HOME": str(self.root), "VOICE_MONITOR_WORK_DB": str(self.work_db)}

    def export_env(self) -> None:
        """Make the absolute home visible to dbt (profiles.yml) and child processes."""
        os.environ.update(self.dbt_env())
