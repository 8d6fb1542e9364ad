"""The labelled posts the classifier is trained and measured on, grouped by writer.

Why groups: a model that has seen a writer's hand scores that writer's posts far better than
anyone else's (the old learned lexicon: 0.99 sector accuracy on its own writer's posts, 0.77 on
other people's). Every post therefore carries the writer it came from, and cross-validation
holds out whole writers.

* ``w01`` … ``w12``: twelve independent writers (``corpus/writers/``, personas in
  ``corpus/writers.md``), labelled blind by two labellers and adjudicated (``corpus/gold.jsonl``);
  the writers' own ``intents.jsonl`` are kept apart and used only while gold labels are missing.
* ``w00``: the posts of the earlier, single-hand sets: the labelled set
  (``tests/fixtures/social/labelled_posts.jsonl``, evaluated as writer ``w00-test``) and the
  training and development posts written by the same hand (``corpus/w00/``), which only train:
  they are never evaluated, and never train a model that evaluates the labelled set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from orchestration.paths import PROJECT_DIR

CORPUS_DIR = PROJECT_DIR / "tools" / "classifier" / "corpus"
LABELLED = PROJECT_DIR / "tests" / "fixtures" / "social" / "labelled_posts.jsonl"
W00_FILES = (CORPUS_DIR / "w00" / "training_posts.jsonl", CORPUS_DIR / "w00" / "dev_posts.jsonl")
EXPORT_FIELDS = ("id", "platform", "created_at", "collected_at", "author", "title", "text", "rating",
                 "company", "url")
THEMES = ("geen_medewerker", "chatbot_loop", "onjuist_antwoord", "alleen_faq", "niet_begrepen",
          "wachttijd", "bereikbaarheid", "bot_of_mens", "opgelost")
SECTORS = ("banken_verzekeraars", "bezorgdiensten", "nutsbedrijven", "online_retailers", "overheid",
           "telecom", "zorg", "overig")
SENTIMENTS = ("negatief", "neutraal", "positief")
# posts of the training set are not dated; the export needs timestamps
UNDATED = {"created_at": "2025-06-01T12:00:00+02:00", "collected_at": "2025-07-01T06:00:00+02:00"}


@dataclass(frozen=True)
class Post:
    id: str
    group: str                  # writer group for cross-validation: w00 … w12
    evaluated: bool             # measured when its group is held out (w00: only the labelled set)
    export: dict                # the contract's export fields
    lang: str
    sector: str
    themes: frozenset[str]
    sentiment: str

    @property
    def writer(self) -> str:
        """The writer as reported: the labelled set is ``w00-test``."""
        return "w00-test" if self.group == "w00" and self.evaluated else self.group


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def gold_available(corpus_dir: Path = CORPUS_DIR) -> bool:
    return (corpus_dir / "gold.jsonl").exists()


def _labels(corpus_dir: Path, labels: str) -> dict[str, dict]:
    if labels == "gold":
        return {r["id"]: {"lang": r["label_lang"], "sector": r["label_sector"], "themes": r["label_themes"],
                          "sentiment": r["label_sentiment"]} for r in read_jsonl(corpus_dir / "gold.jsonl")}
    if labels == "intent":
        return {r["id"]: r for r in read_jsonl(corpus_dir / "intents.jsonl")}
    raise ValueError(f"labels must be 'gold' or 'intent', not {labels!r}")


def load_corpus(labels: str = "gold", corpus_dir: Path = CORPUS_DIR, labelled: Path = LABELLED,
                w00_files: tuple[Path, ...] = W00_FILES) -> list[Post]:
    """All labelled posts, writers in order. ``labels``: ``gold`` (the adjudicated blind labels)
    or ``intent`` (the writers' own, for development before the gold labels exist)."""
    posts: list[Post] = []
    by_id = _labels(corpus_dir, labels)
    for path in sorted((corpus_dir / "writers").glob("w[0-9][0-9].jsonl")):
        for p in read_jsonl(path):
            lab = by_id.get(p["id"])
            if lab is None:
                raise ValueError(f"{path.name}: post {p['id']} has no {labels} label")
            posts.append(Post(p["id"], path.stem, True, {k: p.get(k) for k in EXPORT_FIELDS}, lab["lang"],
                              lab["sector"], frozenset(lab["themes"]), lab["sentiment"]))
    for path, evaluated in ((labelled, True),) + tuple((f, False) for f in w00_files):
        for p in read_jsonl(path):
            export = {k: p.get(k) for k in EXPORT_FIELDS}
            for k, v in UNDATED.items():
                export[k] = export[k] or v
            posts.append(Post(p["id"], "w00", evaluated, export, p.get("label_lang", "nl"), p["label_sector"],
                              frozenset(p["label_themes"]), p["label_sentiment"]))
    ids = [p.id for p in posts]
    if len(set(ids)) != len(ids):
        raise ValueError("post ids are not unique across the corpus")
    return posts
