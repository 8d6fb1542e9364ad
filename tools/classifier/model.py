"""Fitting the classifier with scikit-learn and turning it into integer weights.

Why this shape: the product scores in SQL as intercept + Σ weights of a post's distinct
features, so every model here is linear over the features of ``features.py``:

* every label is one binary logistic regression over naive-Bayes-scaled features (NB-LR, Wang
  & Manning 2012): each feature is first multiplied by its log-count ratio between the posts
  with and without the label, which lets the penalty trust features that separate the label
  and held up better on unseen writers than plain logistic regression (docs/social_quality.md);
  the exported weight is the coefficient times that ratio, so scoring stays a sum of weights;
* themes: one such model per theme (a post can have several), its score mixed with a plain
  logistic regression's (``plain_themes``; a mixture of linear scores is a linear score); a
  theme is given when its score reaches a threshold chosen by cross-validation *inside the
  training posts* (GroupKFold over their writers), never on the posts being measured;
* sector and sentiment: one such model per code (one-vs-rest); the highest score wins.

A fitted model is exported as whole numbers of micro-units (``SCALE``): the seeds hold decimals
with six places, SQL sums them as exact decimals and the Python scorer as int64, so both give
the same score bit for bit and a post at a threshold gets the same answer on every engine.
Weights that round to zero are dropped; evaluation always scores the exported weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from tools.classifier.corpus import SECTORS, SENTIMENTS, THEMES
from tools.classifier.features import CHAR_SCALE, is_char_feature

SCALE = 1_000_000               # weights are stored with 6 decimals
LABELS = tuple([f"theme:{t}" for t in THEMES] + [f"sector:{s}" for s in SECTORS]
               + [f"sentiment:{s}" for s in SENTIMENTS])
THEME_COLS = slice(0, len(THEMES))
SECTOR_COLS = slice(len(THEMES), len(THEMES) + len(SECTORS))
SENTIMENT_COLS = slice(len(THEMES) + len(SECTORS), len(LABELS))
THRESHOLDS = np.round(np.arange(0.15, 0.751, 0.025), 3)     # candidate probabilities per theme


@dataclass(frozen=True)
class Config:
    """The hyper-parameters (docs/social_quality.md says how they were chosen)."""
    c_themes: float = 0.1           # inverse L2 penalty of the theme models (NB-LR) …
    plain_themes: float = 0.3       # … whose scores are mixed with this share of a plain logistic
    c_plain_themes: float = 1.0     #     regression's (this penalty) over the same features
    c_sector: float = 3.0
    c_sentiment: float = 1.0
    nb_themes: float = 0.5          # smoothing (pseudo-count) of the log-count ratios, per family
    nb_sector: float = 0.5
    nb_sentiment: float = 0.1
    min_posts: int = 3              # a feature must occur in this many training posts …
    min_groups: int = 2             # … written by this many writers (groups)
    inner_folds: int = 3            # GroupKFold for the theme thresholds
    min_weight: float = 0.01        # exported weights below this (absolute, per occurrence) are dropped


@dataclass
class Dataset:
    """Posts × features (integer counts) with their labels and writer groups."""
    X: sp.csr_matrix
    features: np.ndarray            # feature names, column order
    groups: np.ndarray
    themes: np.ndarray              # n × 9 bool
    sector: np.ndarray              # index into SECTORS
    sentiment: np.ndarray           # index into SENTIMENTS
    ratings: np.ndarray             # 0 = none

    def __len__(self) -> int:
        return self.X.shape[0]


@dataclass
class Weights:
    """An exported model: integer micro-unit weights per (feature, label), intercepts and the
    theme thresholds (as scores: the logit of the chosen probability, also in micro-units)."""
    features: np.ndarray
    W: sp.csr_matrix                # features × labels, int64
    intercepts: np.ndarray          # labels, int64
    thresholds: np.ndarray          # themes, int64
    threshold_probabilities: np.ndarray = field(default_factory=lambda: np.zeros(len(THEMES)))


def _int32(X: sp.spmatrix) -> sp.csr_matrix:
    """liblinear wants 32-bit sparse indices."""
    X = sp.csr_matrix(X, dtype=np.float64)
    X.indices = X.indices.astype(np.int32)
    X.indptr = X.indptr.astype(np.int32)
    return X


def select_columns(ds: Dataset, rows: np.ndarray, cfg: Config) -> np.ndarray:
    """Columns that occur in ``min_posts`` training posts of ``min_groups`` writers: a word only
    one writer uses teaches the model that writer, not the task."""
    X = ds.X[rows]
    present = (X > 0).astype(np.int64).tocsc()
    n_posts = np.asarray(present.sum(axis=0)).ravel()
    names, idx = np.unique(ds.groups[rows], return_inverse=True)
    member = sp.csr_matrix((np.ones(len(idx)), (np.arange(len(idx)), idx)), shape=(len(idx), len(names)))
    n_groups = np.asarray(((present.T @ member) > 0).sum(axis=1)).ravel()
    return np.where((n_posts >= cfg.min_posts) & (n_groups >= cfg.min_groups))[0]


def design(ds: Dataset, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
    """Training values: counts, the n-gram columns multiplied by CHAR_SCALE."""
    scale = np.where([is_char_feature(f) for f in ds.features[cols]], CHAR_SCALE, 1.0)
    return _int32(ds.X[rows][:, cols] @ sp.diags(scale))


def log_count_ratios(present: sp.csr_matrix, y: np.ndarray, alpha: float) -> np.ndarray:
    """Per column, log of (share among the posts with the label) / (share among the posts
    without), the shares smoothed by ``alpha``: NB-LR's feature scaling."""
    p = alpha + np.asarray(present[y].sum(axis=0)).ravel()
    q = alpha + np.asarray(present[~y].sum(axis=0)).ravel()
    return np.log(p / p.sum()) - np.log(q / q.sum())


def _fit_binary(X: sp.csr_matrix, present: sp.csr_matrix, y: np.ndarray, c: float,
                alpha: float | None) -> tuple[np.ndarray, float]:
    """One NB-LR model: coefficients per column of ``X`` (already times the ratio) and intercept
    (``alpha`` None: a plain logistic regression, no scaling). A label without positive (or
    negative) training posts gets a constant score instead."""
    if y.all() or not y.any():
        return np.zeros(X.shape[1]), (1e3 if y.all() else -1e3)
    m = LogisticRegression(C=c, solver="liblinear", dual=True, max_iter=2000, random_state=0)
    if alpha is None:
        m.fit(X, y)
        return m.coef_[0], float(m.intercept_[0])
    r = log_count_ratios(present, y, alpha)
    m.fit(_int32(X @ sp.diags(r)), y)
    return m.coef_[0] * r, float(m.intercept_[0])


def _fit_coefficients(X: sp.csr_matrix, ds: Dataset, rows: np.ndarray, cfg: Config,
                      inner: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients (columns × labels) and intercepts of every label's model (``inner``: the
    theme models only, for the inner folds that choose the theme thresholds)."""
    present = (X > 0).astype(np.float64).tocsr()
    jobs = [(j, ds.themes[rows, j], cfg.c_themes, cfg.nb_themes) for j in range(len(THEMES))]
    if not inner:
        jobs += [(SECTOR_COLS.start + k, ds.sector[rows] == k, cfg.c_sector, cfg.nb_sector)
                 for k in range(SECTOR_COLS.stop - SECTOR_COLS.start)]
        jobs += [(SENTIMENT_COLS.start + k, ds.sentiment[rows] == k, cfg.c_sentiment, cfg.nb_sentiment)
                 for k in range(SENTIMENT_COLS.stop - SENTIMENT_COLS.start)]
    coef = np.zeros((X.shape[1], len(LABELS)))
    icpt = np.zeros(len(LABELS))
    for j, y, c, alpha in jobs:
        coef[:, j], icpt[j] = _fit_binary(X, present, y, c, alpha)
    if cfg.plain_themes:
        for j in range(len(THEMES)):
            plain, plain_icpt = _fit_binary(X, present, ds.themes[rows, j], cfg.c_plain_themes, None)
            coef[:, j] = (1 - cfg.plain_themes) * coef[:, j] + cfg.plain_themes * plain
            icpt[j] = (1 - cfg.plain_themes) * icpt[j] + cfg.plain_themes * plain_icpt
    return coef, icpt


def _export(ds: Dataset, cols: np.ndarray, coef: np.ndarray, icpt: np.ndarray, cfg: Config) -> Weights:
    scale = np.where([is_char_feature(f) for f in ds.features[cols]], CHAR_SCALE, 1.0)
    per_occurrence = coef * scale[:, None]
    per_occurrence[np.abs(per_occurrence) < cfg.min_weight] = 0.0
    W = sp.csr_matrix(np.rint(per_occurrence * SCALE).astype(np.int64))
    W.eliminate_zeros()
    keep = np.where(W.getnnz(axis=1) > 0)[0]
    return Weights(ds.features[cols][keep], W[keep], np.rint(icpt * SCALE).astype(np.int64),
                   np.zeros(len(THEMES), dtype=np.int64))


def score(weights: Weights, ds: Dataset, rows: np.ndarray) -> np.ndarray:
    """Integer scores (micro-units) of ``rows`` under ``weights``: intercept + Σ count × weight."""
    index = {f: i for i, f in enumerate(ds.features)}
    cols = np.array([index.get(f, -1) for f in weights.features])
    known = cols >= 0
    X = ds.X[rows][:, cols[known]].astype(np.int64)
    return np.asarray((X @ weights.W[known]).todense()) + weights.intercepts


def best_threshold(prob: np.ndarray, gold: np.ndarray) -> float:
    """The candidate probability with the best F1 (ties: the lowest)."""
    best, best_f1 = THRESHOLDS[0], -1.0
    for t in THRESHOLDS:
        pred = prob >= t
        tp = float((pred & gold).sum())
        f1 = 2 * tp / (pred.sum() + gold.sum()) if pred.sum() + gold.sum() else 0.0
        if f1 > best_f1 + 1e-12:
            best, best_f1 = t, f1
    return float(best)


def probabilities(scores: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-scores / SCALE))


def fit(ds: Dataset, rows: np.ndarray, cfg: Config, thresholds: bool = True) -> Weights:
    """Fit on ``rows`` and export. The theme thresholds come from an inner GroupKFold over the
    writers of ``rows``: out-of-fold probabilities of models that did not see those writers
    (``thresholds=False``: the theme models of such an inner fold only)."""
    cols = select_columns(ds, rows, cfg)
    coef, icpt = _fit_coefficients(design(ds, rows, cols), ds, rows, cfg, inner=not thresholds)
    weights = _export(ds, cols, coef, icpt, cfg)
    if thresholds:
        oof = np.zeros((len(rows), len(THEMES)))
        n_groups = len(np.unique(ds.groups[rows]))
        for inner_train, inner_test in GroupKFold(n_splits=min(cfg.inner_folds, n_groups)).split(
                rows, groups=ds.groups[rows]):
            inner = fit(ds, rows[inner_train], cfg, thresholds=False)
            oof[inner_test] = probabilities(score(inner, ds, rows[inner_test])[:, THEME_COLS])
        p = np.array([best_threshold(oof[:, j], ds.themes[rows, j]) for j in range(len(THEMES))])
        weights.threshold_probabilities = p
        weights.thresholds = np.rint(np.log(p / (1 - p)) * SCALE).astype(np.int64)
    return weights
