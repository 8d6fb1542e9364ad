"""Survey deliveries from ``landing/survey`` into the raw layer (spec §2).

Which file is a wave's delivery, what counts as new, and what a bad file gets are all
decided here, so the sensor, the Dagster asset and ``voice-monitor run`` share one rule.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.paths import Home
from orchestration.survey import readers
from orchestration.survey.validation import ValidationResult, validate
from orchestration.warehouse import archive, blame, faults, state
from orchestration.warehouse.landing import (
    EXTENSION_RANK, SURVEY_FILE, FileOutcome, Finding, landing_files, quarantine_file, rejection_message,
    skip_statuses,
)



log = logging.getLogger(__name__)


@dataclass
class SurveyCandidate:
    wave: int
    path: Path
    content_hash: str


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
