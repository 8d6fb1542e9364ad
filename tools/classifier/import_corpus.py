"""Bring the multi-writer corpus into the repository (a one-off, repeatable copy).

``python -m tools.classifier.import_corpus --source /path/to/corpus_work`` reads the writers'
files (``writers/wNN.jsonl``: the contract's export fields plus an ``intent`` object), the blind
labels (``labelling/gold.jsonl``, ``labeller_a.jsonl``, ``labeller_b.jsonl``) and the guides, and
writes ``tools/classifier/corpus/``: one export file per writer with the export fields only, the
writers' intents kept apart in ``intents.jsonl`` (what a writer meant is not the gold label), the
labels as they are. Nothing is edited: the posts are the writers' and the labels the labellers'.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from tools.classifier.corpus import CORPUS_DIR, EXPORT_FIELDS

# the labelling team's own agreement notes are kept as agreement_labelling.md; agreement.md is
# computed from the two labellers' files (tools/classifier/agreement.py)
LABEL_FILES = {"gold.jsonl": "gold.jsonl", "labeller_a.jsonl": "labeller_a.jsonl",
               "labeller_b.jsonl": "labeller_b.jsonl", "agreement.md": "agreement_labelling.md"}


def import_corpus(source: Path, target: Path = CORPUS_DIR) -> dict[str, int]:
    """Copy the corpus from ``source`` (the writers' and labellers' working folder) into
    ``target``; returns posts per writer. Label files that do not exist yet are skipped."""
    (target / "writers").mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    intents = []
    for path in sorted((source / "writers").glob("w[0-9][0-9].jsonl")):
        posts = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        with open(target / "writers" / path.name, "w", encoding="utf-8") as fh:
            for p in posts:
                fh.write(json.dumps({k: p.get(k) for k in EXPORT_FIELDS}, ensure_ascii=False) + "\n")
        intents += [{"id": p["id"], **p["intent"]} for p in posts]
        counts[path.stem] = len(posts)
    with open(target / "intents.jsonl", "w", encoding="utf-8") as fh:
        for row in intents:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    for name, copy in LABEL_FILES.items():
        if (source / "labelling" / name).exists():
            shutil.copyfile(source / "labelling" / name, target / copy)
    shutil.copyfile(source / "labelling" / "LABELLING.md", target / "LABELLING.md")
    shutil.copyfile(source / "WRITER_BRIEF.md", target / "WRITER_BRIEF.md")
    shutil.copyfile(source / "personas.md", target / "writers.md")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="folder with writers/ and labelling/")
    args = parser.parse_args(argv)
    counts = import_corpus(args.source)
    print(f"{sum(counts.values())} posts from {len(counts)} writers → {CORPUS_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
