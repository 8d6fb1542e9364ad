"""Benchmark inputs, made with the project's own sample generators and kept between runs
(generation is deterministic: same sizes, same bytes)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

SURVEY_WAVES = (2023, 2024, 2025, 2026)
SOCIAL_SEED = 7
INCREMENT_SEED = 2026
INCREMENT_POSTS = 250          # about one month of the demo's social exports
INCREMENT_NAME = "posts_2026-01.jsonl"


def _done(folder: Path, spec: dict) -> bool:
    marker = folder / ".bench.json"
    return marker.exists() and json.loads(marker.read_text()) == spec


def _mark(folder: Path, spec: dict) -> None:
    (folder / ".bench.json").write_text(json.dumps(spec))


def survey_files(root: Path, respondents: int) -> list[Path]:
    """``respondents`` per wave × 4 waves (Parquet above 100k per wave), via write_survey_sample."""
    from orchestration.survey.sample import write_survey_sample

    folder = root / f"survey_{respondents}"
    spec = {"kind": "survey", "respondents": respondents, "waves": list(SURVEY_WAVES)}
    if not _done(folder, spec):
        folder.mkdir(parents=True, exist_ok=True)
        write_survey_sample(folder, n_per_wave={w: respondents for w in SURVEY_WAVES})
        _mark(folder, spec)
    return sorted(p for p in folder.iterdir() if p.name.startswith("voice_monitor_"))


def social_files(root: Path, posts: int) -> list[Path]:
    """One export of ``posts`` unique Dutch posts (+ ~2% re-exported versions, ~1% foreign posts,
    a malformed line per 200k), via write_benchmark_export."""
    from orchestration.social.sample import write_benchmark_export

    folder = root / f"social_{posts}"
    spec = {"kind": "social", "posts": posts, "seed": SOCIAL_SEED}
    target = folder / "posts_2025-01.jsonl"
    if not _done(folder, spec) or not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        write_benchmark_export(target, n_posts=posts, seed=SOCIAL_SEED)
        _mark(folder, spec)
    return [target]


def increment_file(root: Path) -> Path:
    """A new monthly export (about one demo month of posts) for the incremental scenario."""
    from orchestration.social.sample import write_benchmark_export

    folder = root / "increment"
    spec = {"kind": "increment", "posts": INCREMENT_POSTS, "seed": INCREMENT_SEED}
    target = folder / INCREMENT_NAME
    if not _done(folder, spec) or not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        write_benchmark_export(target, n_posts=INCREMENT_POSTS, seed=INCREMENT_SEED)
        _mark(folder, spec)
    return target


def link_into(files: list[Path], folder: Path) -> None:
    """Put ``files`` into a landing folder without copying gigabytes (hard link, else copy)."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        dest = folder / f.name
        if dest.exists():
            dest.unlink()
        try:
            os.link(f, dest)
        except OSError:
            shutil.copy2(f, dest)


def fresh_home(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path
