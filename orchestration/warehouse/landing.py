"""The landing zone, for every kind of delivery: which files a folder holds, which survey file
names are deliveries, which earlier outcomes are not picked up again, and what a rejected file
gets (quarantine with a machine-readable report, a message naming the rules and rows).

Shared by the survey and social ingestion, the landing sensors and ``voice-monitor run``, so
one rule decides for all of them."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.paths import Home
from orchestration.warehouse import state

SURVEY_FILE = re.compile(r"^voice_monitor_(\d{4})(?:[_-][^.]*)?\.(csv|parquet|sav)$", re.IGNORECASE)
# ties on modification time go to parquet > sav > csv (spec §2)
EXTENSION_RANK = {".parquet": 3, ".sav": 2, ".csv": 1}
EXAMPLES_CAP = 20          # rows and RESPIDs a finding lists at most


def skip_statuses() -> tuple[str, ...]:
    """A file seen before with these outcomes is not picked up again unless its content changes
    (``voice-monitor run --retry-failed`` lifts it for failed ones)."""
    retry = os.environ.get("VOICE_MONITOR_RETRY_FAILED", "") not in ("", "0")
    return ("rejected", "ignored") if retry else ("rejected", "ignored", "failed")


@dataclass
class FileOutcome:
    path: str                 # relative to the home
    kind: str
    partition: str | None
    status: str               # staged | unchanged | rejected | ignored | skipped
    message: str = ""
    rows: int = 0
    warnings: list[str] = field(default_factory=list)
    report: str | None = None  # quarantine report, relative to the home
    seconds: dict[str, float] = field(default_factory=dict)   # read, validate, load


@dataclass
class Finding:
    rule: str
    message: str
    count: int
    rows: list[int] = field(default_factory=list)
    respids: list[str] = field(default_factory=list)
    variable: str | None = None

    def as_dict(self) -> dict:
        d = {"rule": self.rule, "message": self.message, "count": int(self.count),
             "rows": [int(r) for r in self.rows], "respids": [str(r) for r in self.respids]}
        if self.variable:
            d["variable"] = self.variable
        return d


def survey_partition(path: Path) -> str | None:
    """The wave partition key of a landing file, or None when the name is not a delivery name."""
    m = SURVEY_FILE.match(path.name)
    return m.group(1) if m else None


def landing_files(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith((".", "~")) and not p.name.endswith(".tmp"))


def quarantine_file(home: Home, source: Path, content_hash: str, errors: list[Finding], **keys) -> Path:
    """Move a rejected file to quarantine/ with its machine-readable report next to it; ``keys``
    name the file's partition in the report (``wave=2026`` for a survey file, ``month=...`` for
    a social export)."""
    home.quarantine.mkdir(parents=True, exist_ok=True)
    target = home.quarantine / source.name
    if target.exists() and state.sha256_file(target) != content_hash:
        target = home.quarantine / f"{source.stem}.{content_hash[:8]}{source.suffix}"
    report = target.with_name(target.name + ".errors.json")
    payload = {
        "file": source.name,
        **keys,
        "errors": [e.as_dict() for e in errors],
        "content_hash": content_hash,
        "quarantined_as": home.relative(target),
    }
    tmp = report.with_name(report.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(report)
    shutil.move(str(source), str(target))
    return report


def rejection_message(name: str, errors: list[Finding], report: str) -> str:
    rules = sorted({e.rule for e in errors})
    details = "; ".join(e.message for e in errors[:8])
    more = f"; and {len(errors) - 8} more" if len(errors) > 8 else ""
    return (f"{name} was rejected ({len(rules)} rule{'s' if len(rules) != 1 else ''} failed: "
            f"{', '.join(rules)}): {details}{more}. The file was moved to quarantine; "
            f"the full report is {report}. Nothing of it was loaded.")
