"""Survey deliveries from ``landing/survey`` into the raw layer (spec §2).

Which file is a wave's delivery, what counts as new, and what a bad file gets are all
decided here, so the sensor, the Dagster asset and ``voice-monitor run`` share one rule.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.paths import Home
from orchestration.survey import readers
from orchestration.survey.validation import Finding, ValidationResult, validate
from orchestration.warehouse import archive, blame, faults, state

SURVEY_FILE = re.compile(r"^voice_monitor_(\d{4})(?:[_-][^.]*)?\.(csv|parquet|sav)$", re.IGNORECASE)
# ties on modification time go to parquet > sav > csv (spec §2)
EXTENSION_RANK = {".parquet": 3, ".sav": 2, ".csv": 1}


def skip_statuses() -> tuple[str, ...]:
    """A file seen before with these outcomes is not picked up again unless its content changes
    (``voice-monitor run --retry-failed`` lifts it for failed ones)."""
    import os

    retry = os.environ.get("VOICE_MONITOR_RETRY_FAILED", "") not in ("", "0")
    return ("rejected", "ignored") if retry else ("rejected", "ignored", "failed")

log = logging.getLogger(__name__)


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
class SurveyCandidate:
    wave: int
    path: Path
    content_hash: str


def survey_partition(path: Path) -> str | None:
    """The wave partition key of a landing file, or None when the name is not a delivery name."""
    m = SURVEY_FILE.match(path.name)
    return m.group(1) if m else None


def landing_files(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith((".", "~")) and not p.name.endswith(".tmp"))


def plan_survey(con, home: Home, record: bool = True, waves: set[int] | None = None,
                books=None) -> tuple[list[SurveyCandidate], list[FileOutcome]]:
    """The delivery to load per wave (only where it is new), and outcomes for every other file.
    With ``record=False`` nothing is written (used to decide whether a run is needed);
    ``waves`` restricts the plan to those partitions. ``books`` is where the bookkeeping is read
    (orchestration.warehouse.ledger: the build database behind ``con``, or the sensors' copy of
    it, then without ``con`` and with ``record=False``)."""
    from orchestration.warehouse.ledger import DatabaseBooks

    books = books or DatabaseBooks(con, home)
    outcomes: list[FileOutcome] = []
    by_wave: dict[int, list[Path]] = {}
    for path in landing_files(home.landing_survey):
        m = SURVEY_FILE.match(path.name)
        rel = home.relative(path)
        if not m:
            digest = books.hash(path)
            if books.status(rel, digest) is None:
                msg = (f"{path.name} is not a survey delivery name "
                       "(expected voice_monitor_<YYYY>.csv, .parquet or .sav); it was not read.")
                if record:
                    state.record_file(con, rel, "survey", None, digest, "ignored", msg)
                outcomes.append(FileOutcome(rel, "survey", None, "ignored", msg))
            continue
        by_wave.setdefault(int(m.group(1)), []).append(path)

    candidates: list[SurveyCandidate] = []
    for wave, paths in sorted(by_wave.items()):
        if waves is not None and wave not in waves:
            continue
        paths.sort(key=lambda p: (p.stat().st_mtime_ns, EXTENSION_RANK[p.suffix.lower()], p.name), reverse=True)
        chosen, others = paths[0], paths[1:]
        for other in others:
            rel = home.relative(other)
            digest = books.hash(other)
            if books.status(rel, digest) is None and digest != books.active_hash("survey", str(wave)):
                msg = (f"{other.name} ignored: {chosen.name} is the more recent delivery for wave {wave} "
                       "(several files for one wave: the most recently modified one counts).")
                if record:
                    state.record_file(con, rel, "survey", str(wave), digest, "ignored", msg)
                outcomes.append(FileOutcome(rel, "survey", str(wave), "ignored", msg))
        rel = home.relative(chosen)
        digest = books.hash(chosen)
        if digest == books.active_hash("survey", str(wave)):
            outcomes.append(FileOutcome(rel, "survey", str(wave), "unchanged"))
            continue
        previous = books.status(rel, digest)
        if previous in skip_statuses():
            outcomes.append(FileOutcome(
                rel, "survey", str(wave), "skipped",
                f"{chosen.name} was {previous} before with this exact content; change the file to deliver it again."))
            continue
        candidates.append(SurveyCandidate(wave, chosen, digest))
    return candidates, outcomes


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


def _masked(texts: pd.Series, con=None) -> np.ndarray:
    """Every answer masked (``privacy.mask_texts``, set-based in DuckDB; None stays None),
    computed once per distinct answer."""
    from orchestration.privacy import mask_texts

    codes, uniques = pd.factorize(texts, use_na_sentinel=True)
    masked = np.empty(len(uniques) + 1, dtype=object)
    masked[:-1] = mask_texts([str(u) for u in uniques], con)
    masked[-1] = None                       # code -1: no answer
    return masked[codes]


def _as_arrow(frame: pd.DataFrame):
    """The frame as an Arrow table (DuckDB reads it twice as fast as pandas' nullable columns);
    the frame itself if a column does not convert."""
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return frame


def _load(con, home: Home, cand: SurveyCandidate, result: ValidationResult, run_id: str) -> int:
    typed = result.typed
    rel = home.relative(cand.path)
    # the raw answer never enters the build database: OPEN holds the masked answer as well
    typed["OPEN_MASKED"] = _masked(typed["OPEN"], con)
    typed["OPEN"] = typed["OPEN_MASKED"]
    typed["_delivery_key"] = str(cand.wave)
    typed["_content_hash"] = cand.content_hash
    typed["_source_file"] = rel
    typed["_loaded_at"] = pd.Timestamp(state.now())
    key = str(cand.wave)
    con.execute("begin")
    try:
        if not state.has_rows(con, "survey", key, cand.content_hash):
            con.register("_survey_delivery", _as_arrow(typed))
            con.execute("insert into raw.survey_responses by name select * from _survey_delivery")
            con.unregister("_survey_delivery")
        faults.reached("ingest")       # inside the transaction: a kill here leaves nothing behind
        state.stage_delivery(con, "survey", key, key, rel, cand.content_hash, run_id)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(typed)


def ingest_survey(con, home: Home, run_id: str, max_bad_rows: int = 0,
                  logger: logging.Logger | None = None, waves: set[int] | None = None) -> list[FileOutcome]:
    """Validate and stage every new survey delivery (of ``waves``, or all); quarantine the bad ones."""
    logger = logger or log
    candidates, outcomes = plan_survey(con, home, waves=waves)
    for cand in candidates:
        rel = home.relative(cand.path)
        seconds: dict[str, float] = {}
        try:
            started = time.perf_counter()
            frame = readers.read_delivery(cand.path)
            seconds["read"] = time.perf_counter() - started
            started = time.perf_counter()
            result = validate(frame, cand.wave, max_bad_rows=max_bad_rows)
            seconds["validate"] = time.perf_counter() - started
        except readers.UnreadableFile as exc:
            result = ValidationResult(cand.wave, [Finding(exc.rule, exc.message, 1)], [], None)
        warnings = [w.message for w in result.warnings]
        if not result.ok:
            report = home.relative(quarantine_file(home, cand.path, cand.content_hash, result.errors, wave=cand.wave))
            msg = rejection_message(cand.path.name, result.errors, report)
            state.record_file(con, rel, "survey", str(cand.wave), cand.content_hash, "rejected", msg)
            logger.error(msg)
            outcomes.append(FileOutcome(rel, "survey", str(cand.wave), "rejected", msg, 0, warnings, report))
            continue
        started = time.perf_counter()
        try:
            archive.store(home, cand.path, cand.content_hash, rel)     # what a rebuild reads
            rows = _load(con, home, cand, result, run_id)
        except archive.FileChanged as exc:
            outcomes.append(FileOutcome(rel, "survey", str(cand.wave), "skipped", str(exc)))
            continue
        except Exception as exc:
            if blame.is_environment_error(exc):
                raise                    # the machine's fault: nothing recorded, retried next run
            msg = f"{rel}: load failed: {type(exc).__name__}: {exc}"
            state.record_file(con, rel, "survey", str(cand.wave), cand.content_hash, "failed", msg[:2000])
            logger.error(msg)
            outcomes.append(FileOutcome(rel, "survey", str(cand.wave), "rejected", msg))
            continue
        seconds["load"] = time.perf_counter() - started
        for w in warnings:
            logger.warning(f"{cand.path.name}: {w}")
        outcomes.append(FileOutcome(rel, "survey", str(cand.wave), "staged",
                                    f"{cand.path.name}: {rows} respondents staged for wave {cand.wave}.",
                                    rows, warnings, seconds=seconds))
        logger.info(f"{cand.path.name}: {rows} respondents staged for wave {cand.wave}")
    return outcomes
