"""What changed in the landing zone since a sensor last looked (its cursor), by content hash.

Sensors run in the Dagster daemon while a run may be writing the build database, so they
never open it: their memory is the cursor (file → size, mtime, hash; wave → chosen
delivery), which Dagster stores in its instance and which therefore survives restarts.
Hashing is skipped for files whose size and mtime are unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.warehouse.landing import EXTENSION_RANK, landing_files, survey_partition
from orchestration.warehouse.state import sha256_file


@dataclass
class WatchResult:
    changed: dict[str, str] = field(default_factory=dict)     # partition -> fingerprint of the change
    cursor: str = "{}"


def _hashes(folder: Path, previous: dict[str, list]) -> dict[str, list]:
    entries: dict[str, list] = {}
    for path in landing_files(folder):
        try:
            st = path.stat()
            prev = previous.get(path.name)
            if prev and prev[0] == st.st_size and prev[1] == st.st_mtime_ns:
                digest = prev[2]
            else:
                digest = sha256_file(path)
        except OSError:        # removed or still being written; look again next tick
            continue
        entries[path.name] = [st.st_size, st.st_mtime_ns, digest]
    return entries


def watch_survey(folder: Path, cursor: str | None) -> WatchResult:
    """Waves whose delivery (the most recent file of the wave, ties parquet > sav > csv) changed."""
    state = json.loads(cursor or "{}")
    files = _hashes(folder, state.get("files", {}))
    chosen_before: dict[str, str] = state.get("chosen", {})
    candidates: dict[str, tuple] = {}
    for name, (size, mtime, digest) in files.items():
        wave = survey_partition(Path(name))
        if wave is None:
            continue
        rank = (mtime, EXTENSION_RANK[Path(name).suffix.lower()], name)
        if wave not in candidates or rank > candidates[wave][0]:
            candidates[wave] = (rank, f"{name}:{digest}")
    chosen = {wave: value for wave, (_, value) in candidates.items()}
    changed = {wave: value for wave, value in chosen.items() if chosen_before.get(wave) != value}
    return WatchResult(changed, json.dumps({"files": files, "chosen": chosen}, sort_keys=True))


def watch_files(folder: Path, cursor: str | None, partition_of) -> WatchResult:
    """Partitions with a new or changed file (social exports: each file is its own delivery)."""
    state = json.loads(cursor or "{}")
    before = state.get("files", {})
    files = _hashes(folder, before)
    changed: dict[str, str] = {}
    for name, (_, _, digest) in sorted(files.items()):
        partition = partition_of(name)
        if partition is not None and (name not in before or before[name][2] != digest):
            changed[partition] = (changed.get(partition, "") + f"{name}:{digest};")
    return WatchResult(changed, json.dumps({"files": files}, sort_keys=True))
