"""Held-out-writer quality of the social classifier → ``docs/social_quality.md``.

``python -m tools.classifier.evaluate`` runs the corpus (tools/classifier/corpus.py) through the
product's path, then leave-one-writer-out cross-validation: for each writer group a model is
trained on all other writers (features, thresholds and all: ``model.fit``), exported to integer
weights like the seeds, and scored on the held-out writer's posts with the reference scorer
(``scorer.decide``, the rules of the SQL). The report has the figures per writer, pooled, per
class, the confusions, the labelling agreement (Cohen's kappa) and the cost of scoring.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orchestration.paths import PROJECT_DIR
from tools.classifier import agreement
from tools.classifier.corpus import CORPUS_DIR, SECTORS, SENTIMENTS, THEMES, gold_available, load_corpus
from tools.classifier.dataset import Corpus, build, processed_posts
from tools.classifier.metrics import Scores, score
from tools.classifier.model import LABELS, Config, fit
from tools.classifier.model import score as model_score
from tools.classifier.scorer import decide

REPORT = PROJECT_DIR / "docs" / "social_quality.md"
BASELINE = PROJECT_DIR / "tools" / "classifier" / "baseline_predictions.jsonl"
COST = PROJECT_DIR / "tools" / "classifier" / "scoring_cost.json"


@dataclass
class HeldOut:
    """Held-out predictions of the evaluated posts (rows of ``corpus`` where evaluated)."""
    rows: np.ndarray
    scores: np.ndarray              # int micro-units, rows × labels
    thresholds: np.ndarray          # rows × 9, the thresholds of the fold that scored the row
    probabilities: np.ndarray       # rows × 9, chosen theme probability thresholds
    seconds: float


def cross_validate(corpus: Corpus, cfg: Config, log=print) -> HeldOut:
    ds = corpus.data
    rows = np.where(corpus.evaluated)[0]
    scores = np.zeros((len(rows), len(LABELS)), dtype=np.int64)
    thresholds = np.zeros((len(rows), len(THEMES)), dtype=np.int64)
    probabilities = np.zeros((len(rows), len(THEMES)))
    start = time.time()
    for group in np.unique(ds.groups):
        train = np.where(ds.groups != group)[0]
        held = np.isin(rows, np.where(ds.groups == group)[0])
        if not held.any():
            continue
        weights = fit(ds, train, cfg)
        scores[held] = model_score(weights, ds, rows[held])
        thresholds[held] = weights.thresholds
        probabilities[held] = weights.threshold_probabilities
        log(f"  {group}: trained on {len(train)} posts, {len(weights.features)} weighted features, "
            f"{time.time() - start:.0f} s")
    return HeldOut(rows, scores, thresholds, probabilities, time.time() - start)


def figures(corpus: Corpus, held: HeldOut, mask: np.ndarray, use_rating: bool = True) -> Scores:
    ds = corpus.data
    r = held.rows[mask]
    ratings = ds.ratings[r] if use_rating else np.zeros(len(r), dtype=np.int64)
    d = decide(held.scores[mask], held.thresholds[mask], ratings)
    return score(ds.themes[r], d.themes, ds.sector[r], d.sector, ds.sentiment[r], d.sentiment)


def baseline_figures(corpus: Corpus, held: HeldOut, mask: np.ndarray, path: Path = BASELINE) -> Scores | None:
    """The product before this classifier (rules + the learned lexicon of the single-hand set)
    on the same posts, from its saved predictions."""
    if not path.exists():
        return None
    base = {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    posts = [corpus.posts[i] for i in held.rows[mask]]
    if any(p.id not in base or base[p.id]["sector"] is None for p in posts):
        return None
    ds = corpus.data
    r = held.rows[mask]
    pred_t = np.array([[t in base[p.id]["themes"] for t in THEMES] for p in posts], dtype=bool).reshape(len(posts), -1)
    return score(ds.themes[r], pred_t, ds.sector[r], np.array([SECTORS.index(base[p.id]["sector"]) for p in posts]),
                 ds.sentiment[r], np.array([SENTIMENTS.index(base[p.id]["sentiment"]) for p in posts]))


def language_figures(posts, processed) -> dict:
    """Dutch vs not Dutch (what decides publication) over every evaluated post, all languages."""
    evaluated = [p for p in posts if p.evaluated]
    ok = [(processed[p.id].lang == "nl") == (p.lang == "nl") for p in evaluated]
    errors = [(p.id, p.lang, processed[p.id].lang) for p, good in zip(evaluated, ok) if not good]
    by_writer: dict[str, list[bool]] = {}
    for p, good in zip(evaluated, ok):
        by_writer.setdefault(p.writer, []).append(good)
    return {"accuracy": float(np.mean(ok)), "n": len(ok), "errors": errors,
            "by_writer": {w: float(np.mean(v)) for w, v in by_writer.items()},
            "non_dutch": sum(p.lang != "nl" for p in evaluated)}


def main(argv: list[str] | None = None) -> int:
    from tools.classifier.report import render

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", choices=("gold", "intent"), default=None,
                        help="gold (default when corpus/gold.jsonl exists) or the writers' intents")
    parser.add_argument("--out", type=Path, default=REPORT)
    parser.add_argument("--cache", type=Path, default=None, help="reuse processed posts between runs (a file)")
    args = parser.parse_args(argv)
    labels = args.labels or ("gold" if gold_available() else "intent")
    posts = load_corpus(labels)
    processed = processed_posts(posts, args.cache)
    corpus = build(posts, processed)
    cfg = Config()
    print(f"leave-one-writer-out over {len(np.unique(corpus.data.groups))} groups ({labels} labels) …")
    held = cross_validate(corpus, cfg)
    kappas = agreement.kappas(CORPUS_DIR) if (CORPUS_DIR / "labeller_a.jsonl").exists() else None
    cost = json.loads(COST.read_text(encoding="utf-8")) if COST.exists() else None
    text = render(corpus, held, labels, cfg, language_figures(posts, processed), kappas, cost)
    args.out.write_text(text, encoding="utf-8")
    pooled = figures(corpus, held, np.ones(len(held.rows), dtype=bool))
    print(f"pooled held-out: themes macro-F1 {pooled.themes_macro:.3f}  sector accuracy {pooled.sector_accuracy:.3f}  "
          f"sentiment macro-F1 {pooled.sentiment_macro:.3f}  → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
