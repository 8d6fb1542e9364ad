"""The weight seeds, and the Python reference scorer that mirrors ``macros/social_classifier.sql``.

Seeds (written by ``python -m tools.classifier.train``, editable):

* ``seeds/social_classifier_weights.csv`` — ``feature, label, weight``: a feature's weight for a
  label (``theme:<code>``, ``sector:<code>``, ``sentiment:<code>``), six decimals; for
  character n-grams (``c:``, ``d:``) the weight of one occurrence;
* ``seeds/social_classifier_labels.csv`` — ``label, intercept, threshold``: per label the
  intercept and, for themes, the score a post must reach (the logit of the probability chosen
  by cross-validation).

The reference scorer computes the same numbers as the SQL from the same seeds: scores as whole
micro-units (int64; SQL sums exact decimals), the decisions and confidences with the same rules.
It exists so a test can prove the SQL right on the whole corpus, and so training can measure the
exported weights rather than the unrounded model.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from orchestration.paths import SEEDS_DIR
from tools.classifier.corpus import SECTORS, SENTIMENTS, THEMES
from tools.classifier.model import LABELS, SCALE, SECTOR_COLS, SENTIMENT_COLS, THEME_COLS, Weights

WEIGHTS_SEED = "social_classifier_weights.csv"
LABELS_SEED = "social_classifier_labels.csv"
OVERRIDES_SEED = "social_overrides.csv"


def decimal_text(micro: int) -> str:
    """Micro-units as a decimal with six places, exactly (no float on the way)."""
    sign = "-" if micro < 0 else ""
    whole, frac = divmod(abs(int(micro)), SCALE)
    return f"{sign}{whole}.{frac:06d}"


def micro(text: str) -> int:
    """A decimal written in the seeds → micro-units, exactly; more than six places is an error."""
    text = text.strip()
    sign = -1 if text.startswith("-") else 1
    whole, _, frac = text.lstrip("+-").partition(".")
    if len(frac) > 6:
        raise ValueError(f"{text!r}: at most 6 decimals")
    return sign * (int(whole or "0") * SCALE + int((frac + "000000")[:6]))


def render_seeds(weights: Weights) -> dict[str, str]:
    """The two seed files (name → CSV text), rows sorted so that a retraining diffs cleanly."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["feature", "label", "weight"])
    coo = weights.W.tocoo()
    rows = sorted(zip(weights.features[coo.row], coo.col, coo.data), key=lambda r: (r[0], r[1]))
    for feature, col, value in rows:
        w.writerow([feature, LABELS[col], decimal_text(value)])
    lab = io.StringIO()
    w = csv.writer(lab, lineterminator="\n")
    w.writerow(["label", "intercept", "threshold"])
    for j, label in enumerate(LABELS):
        threshold = decimal_text(weights.thresholds[j]) if j < len(THEMES) else ""
        w.writerow([label, decimal_text(weights.intercepts[j]), threshold])
    return {WEIGHTS_SEED: out.getvalue(), LABELS_SEED: lab.getvalue()}


def read_seeds(seeds_dir: Path = SEEDS_DIR) -> Weights:
    index = {label: j for j, label in enumerate(LABELS)}
    with open(seeds_dir / WEIGHTS_SEED, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    features = sorted({r["feature"] for r in rows})
    fidx = {f: i for i, f in enumerate(features)}
    W = sp.csr_matrix((np.array([micro(r["weight"]) for r in rows], dtype=np.int64),
                       ([fidx[r["feature"]] for r in rows], [index[r["label"]] for r in rows])),
                      shape=(len(features), len(LABELS)), dtype=np.int64)
    intercepts = np.zeros(len(LABELS), dtype=np.int64)
    thresholds = np.zeros(len(THEMES), dtype=np.int64)
    with open(seeds_dir / LABELS_SEED, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            j = index[r["label"]]
            intercepts[j] = micro(r["intercept"])
            if j < len(THEMES):
                thresholds[j] = micro(r["threshold"])
    return Weights(np.array(features, dtype=object), W, intercepts, thresholds)


def score_features(weights: Weights, posts: list[dict[str, int]]) -> np.ndarray:
    """Integer scores (posts × LABELS, micro-units): intercept + Σ count × weight over the
    features a post has; features without a weight count nothing."""
    index = {f: i for i, f in enumerate(weights.features)}
    rows, cols, vals = [], [], []
    for r, feats in enumerate(posts):
        for f, n in feats.items():
            i = index.get(f)
            if i is not None:
                rows.append(r)
                cols.append(i)
                vals.append(n)
    X = sp.csr_matrix((np.array(vals, dtype=np.int64), (rows, cols)), shape=(len(posts), len(index)), dtype=np.int64)
    return np.asarray((X @ weights.W).todense(), dtype=np.int64) + weights.intercepts


@dataclass
class Decisions:
    """Decisions for n posts: ``themes`` n × 9 bool (taxonomy order) with ``theme_confidences``,
    ``sector`` / ``sentiment`` as indices into SECTORS / SENTIMENTS, ``sector_confidence``."""
    themes: np.ndarray
    theme_confidences: np.ndarray
    sector: np.ndarray
    sector_confidence: np.ndarray
    sentiment: np.ndarray

    def themes_of(self, i: int) -> list[str]:
        return [t for j, t in enumerate(THEMES) if self.themes[i, j]]


def decide(scores: np.ndarray, thresholds: np.ndarray, ratings: np.ndarray,
           force: np.ndarray | None = None, veto: np.ndarray | None = None) -> Decisions:
    """Sector, themes and sentiment of n posts from their integer scores, exactly as the SQL
    decides. ``ratings``: Trustpilot rating or 0; ``force`` / ``veto``: n × (9 themes + 8
    sectors) bool, the analysts' overrides that matched each post (seed social_overrides).

    * themes: score ≥ threshold, or forced; a veto wins over both. Confidence sigmoid(score),
      1.0 for a forced theme;
    * sector: the highest score among the forced sectors if any, else among the sectors not
      vetoed (all vetoed: overig); ties go to the first in taxonomy order. Confidence: 1.0 if
      forced, else the softmax probability of the chosen sector over all eight;
    * sentiment: a Trustpilot rating of 1-2 / 4-5 decides; otherwise the highest score (ties:
      negatief, neutraal, positief)."""
    n, n_t = scores.shape[0], len(THEMES)
    force = np.zeros((n, n_t + len(SECTORS)), dtype=bool) if force is None else force
    veto = np.zeros((n, n_t + len(SECTORS)), dtype=bool) if veto is None else veto
    t_scores = scores[:, THEME_COLS]
    themes = ((t_scores >= thresholds) | force[:, :n_t]) & ~veto[:, :n_t]
    confidence = np.where(force[:, :n_t], 1.0, 1.0 / (1.0 + np.exp(-t_scores / SCALE)))

    s_scores = scores[:, SECTOR_COLS]
    s_force, s_veto = force[:, n_t:], veto[:, n_t:]
    allowed = np.where(s_force.any(axis=1, keepdims=True), s_force, ~s_veto)
    allowed[~allowed.any(axis=1), SECTORS.index("overig")] = True
    masked = np.where(allowed, s_scores, np.iinfo(np.int64).min)
    sector = masked.argmax(axis=1)                      # first maximum = taxonomy order
    top = s_scores.max(axis=1, keepdims=True)
    e = np.exp((s_scores - top) / SCALE)
    softmax = e[np.arange(n), sector] / e.sum(axis=1)
    sector_confidence = np.where(s_force.any(axis=1), 1.0, softmax)

    sentiment = scores[:, SENTIMENT_COLS].argmax(axis=1)
    sentiment = np.where(np.isin(ratings, (1, 2)), SENTIMENTS.index("negatief"),
                         np.where(np.isin(ratings, (4, 5)), SENTIMENTS.index("positief"), sentiment))
    return Decisions(themes, np.where(themes, confidence, 0.0), sector, sector_confidence, sentiment)
