"""Train the social classifier on the whole corpus and write its weight seeds.

``python -m tools.classifier.train`` runs every labelled post through the product's path,
fits the models of ``model.py`` on all writers (thresholds from a GroupKFold over all writers)
and writes ``seeds/social_classifier_weights.csv`` and ``seeds/social_classifier_labels.csv``.
Deterministic: the same corpus gives the same files. ``--check`` compares a fresh training with
the committed seeds instead of writing them (exit status 1 on a difference).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from orchestration.paths import SEEDS_DIR
from tools.classifier.corpus import THEMES, gold_available, load_corpus
from tools.classifier.dataset import build, processed_posts
from tools.classifier.model import Config, Weights, fit
from tools.classifier.scorer import render_seeds


def train(labels: str, cache: Path | None = None, cfg: Config = Config(), log=print) -> Weights:
    posts = load_corpus(labels)
    corpus = build(posts, processed_posts(posts, cache, log=log))
    log(f"training on {len(corpus.posts)} posts of {len(np.unique(corpus.data.groups))} writer groups ({labels} labels)")
    return fit(corpus.data, np.arange(len(corpus.posts)), cfg)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", choices=("gold", "intent"), default=None)
    parser.add_argument("--seeds", type=Path, default=SEEDS_DIR)
    parser.add_argument("--cache", type=Path, default=None, help="reuse processed posts between runs (a file)")
    parser.add_argument("--check", action="store_true", help="compare with the committed seeds, write nothing")
    args = parser.parse_args(argv)
    labels = args.labels or ("gold" if gold_available() else "intent")
    weights = train(labels, args.cache)
    files = render_seeds(weights)
    if args.check:
        stale = [name for name, text in files.items()
                 if not (args.seeds / name).exists() or (args.seeds / name).read_text(encoding="utf-8") != text]
        for name in stale:
            print(f"{name} differs from a fresh training", file=sys.stderr)
        return 1 if stale else 0
    for name, text in files.items():
        (args.seeds / name).write_text(text, encoding="utf-8")
    print(f"{len(weights.features)} weighted features, {weights.W.nnz} weights; theme thresholds (probability): "
          + ", ".join(f"{t} {p:.3f}" for t, p in zip(THEMES, weights.threshold_probabilities)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
