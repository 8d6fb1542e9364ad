"""Precision, recall, F1, accuracy, confusions and Cohen's kappa for the classifier's reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import cohen_kappa_score

from tools.classifier.corpus import SECTORS, SENTIMENTS, THEMES


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


def prf(gold: np.ndarray, pred: np.ndarray) -> PRF:
    gold, pred = np.asarray(gold, dtype=bool), np.asarray(pred, dtype=bool)
    return PRF(int((gold & pred).sum()), int((~gold & pred).sum()), int((gold & ~pred).sum()))


def macro(table: dict[str, PRF]) -> float:
    return float(np.mean([v.f1 for v in table.values()])) if table else 0.0


@dataclass
class Scores:
    """Figures of one set of posts: gold vs predicted (themes n × 9 bool, sector and sentiment
    as indices into SECTORS / SENTIMENTS)."""
    n: int
    themes: dict[str, PRF]
    sector: dict[str, PRF]
    sentiment: dict[str, PRF]
    sector_accuracy: float
    sentiment_accuracy: float
    themes_exact: float
    theme_micro: PRF
    no_theme: PRF
    sector_confusion: Counter
    sentiment_confusion: Counter

    @property
    def themes_macro(self) -> float:
        return macro(self.themes)

    @property
    def sector_macro(self) -> float:
        return macro(self.sector)

    @property
    def sentiment_macro(self) -> float:
        return macro(self.sentiment)


def _classes(gold: np.ndarray, pred: np.ndarray, codes) -> dict[str, PRF]:
    return {c: prf(gold == j, pred == j) for j, c in enumerate(codes)}


def score(gold_themes, pred_themes, gold_sector, pred_sector, gold_sentiment, pred_sentiment) -> Scores:
    gold_themes, pred_themes = np.asarray(gold_themes, bool), np.asarray(pred_themes, bool)
    n = len(gold_sector)
    k = max(n, 1)
    micro = prf(gold_themes.ravel(), pred_themes.ravel())
    return Scores(
        n=n,
        themes={t: prf(gold_themes[:, j], pred_themes[:, j]) for j, t in enumerate(THEMES)},
        sector=_classes(gold_sector, pred_sector, SECTORS),
        sentiment=_classes(gold_sentiment, pred_sentiment, SENTIMENTS),
        sector_accuracy=float((gold_sector == pred_sector).sum() / k),
        sentiment_accuracy=float((gold_sentiment == pred_sentiment).sum() / k),
        themes_exact=float((gold_themes == pred_themes).all(axis=1).sum() / k),
        theme_micro=micro,
        no_theme=prf(~gold_themes.any(axis=1), ~pred_themes.any(axis=1)),
        sector_confusion=Counter((SECTORS[g], SECTORS[p]) for g, p in zip(gold_sector, pred_sector)),
        sentiment_confusion=Counter((SENTIMENTS[g], SENTIMENTS[p]) for g, p in zip(gold_sentiment, pred_sentiment)),
    )


def kappa(a: list, b: list) -> float:
    """Cohen's kappa of two labellers' codes (1.0 when both gave one and the same code throughout)."""
    if len(set(a) | set(b)) == 1:
        return 1.0
    return float(cohen_kappa_score(a, b))
