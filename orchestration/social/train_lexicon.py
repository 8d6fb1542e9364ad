"""Learn the weighted lexicon of the social classification from the hand-labelled training set.

``python -m orchestration.social.train_lexicon`` regenerates, deterministically, from
``orchestration/social/training/training_posts.jsonl`` only (hand-written posts, never the
labelled test set under tests/fixtures/social):

* ``seeds/social_theme_weights.csv`` (term, theme, weight) and ``seeds/social_theme_thresholds.csv``
  (theme, intercept, threshold, mode, cross-validated precision / recall / F1, positives);
* ``seeds/social_sentiment_weights.csv`` (term, sentiment, weight) and
  ``seeds/social_sentiment_intercepts.csv`` (sentiment, intercept, cross-validated figures);
* ``orchestration/social/training/cv_report.md``: the cross-validation figures, also of the
  alternatives that were compared (rules only, learned without the rules' outcome, rules OR learned).

How:

1. **Features come from the production SQL.** The training posts are loaded as a one-off export
   into a temporary build database (``ingest_social``: masking, language) and the social dbt
   models are built. A post's features are read from ``intermediate.int_social__post_terms``
   (distinct words, pairs of adjacent words, seed concepts ``concept:…``, ``cue:…``,
   ``channel:…``) plus the rules' outcome from ``int_social__classified_versions``
   (``rule:<theme>``, ``rule_sentiment:<label>``): exactly the terms the scoring SQL joins with
   the weights. Binary features; a term must occur in at least ``MIN_DF`` training posts.
2. **Themes.** Per theme an L2-regularised logistic regression (all nine fitted together with
   FISTA, numpy only, a fixed number of iterations: deterministic). 5-fold cross-validation
   (fold = position in id order mod 5) chooses per theme the penalty (``PENALTIES``), the mode
   (``learned``: the score decides; ``rules_or_learned``: the rules' verdict also gives the theme)
   and the threshold on the score that maximises the out-of-fold F1.
3. **Sentiment.** A multinomial logistic regression on the same features; cross-validation
   chooses the penalty and an offset for ``neutraal``, measured like production: a Trustpilot
   rating of 1-2 / 4-5 decides, the learned score decides the other posts.
4. The final models are fitted on all training posts; weights under ``PRUNE`` in absolute value
   are dropped (also inside the cross-validation) and the rest rounded to 4 decimals.

``--check`` regenerates into a temporary directory and compares with the committed files (exit
status 1 on a difference). ``--nested`` adds a nested cross-validation (slow: the whole selection
is repeated inside each outer fold) for an estimate that includes the choice of penalty, mode and
threshold, and writes it into the report.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orchestration.paths import PROJECT_DIR, SEEDS_DIR, Home

TRAINING = PROJECT_DIR / "orchestration" / "social" / "training" / "training_posts.jsonl"
REPORT = PROJECT_DIR / "orchestration" / "social" / "training" / "cv_report.md"
THEMES = ("geen_medewerker", "chatbot_loop", "onjuist_antwoord", "alleen_faq", "niet_begrepen",
          "wachttijd", "bereikbaarheid", "bot_of_mens", "opgelost")
SENTIMENTS = ("negatief", "neutraal", "positief")
SEED_FILES = ("social_theme_weights.csv", "social_theme_thresholds.csv", "social_sentiment_weights.csv",
              "social_sentiment_intercepts.csv")

K_FOLDS = 5
MIN_DF = 2                              # a term must occur in at least this many training posts
PENALTIES = (0.03, 0.01, 0.003)         # L2 penalty (per post, on the mean log-loss)
ITERATIONS = 600                        # FISTA iterations (fixed: deterministic)
PRUNE = 0.01                            # weights below this (absolute) are dropped
NEUTRAL_OFFSETS = tuple(np.round(np.arange(-1.0, 2.01, 0.25), 2))
# the export needs timestamps; the training posts are not dated
CREATED_AT = "2025-06-01T12:00:00+02:00"
COLLECTED_AT = "2025-07-01T06:00:00+02:00"
RULE_PREFIX = ("rule:", "rule_sentiment:")


# --- data -------------------------------------------------------------------------------------

def load_training(path: Path = TRAINING) -> list[dict]:
    posts = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return sorted(posts, key=lambda p: p["id"])


@dataclass
class Features:
    ids: list[str]                      # posts the pipeline classified (detected Dutch), id order
    terms: list[list[str]]              # sorted distinct terms per post, rule outcome included
    rule_themes: list[set[str]]
    dropped: list[str]                  # training posts not published (not detected as Dutch)


def extract_features(posts: list[dict], workdir: Path | None = None) -> Features:
    """Run the training posts through the production path and read their features."""
    import duckdb

    from orchestration.social.quality import build_social_models, load_into

    export = [{"id": p["id"], "platform": p["platform"], "created_at": CREATED_AT, "collected_at": COLLECTED_AT,
               "author": None, "title": p["title"], "text": p["text"], "rating": p["rating"],
               "company": p["company"], "url": None} for p in posts]
    tmp = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="social-train-"))
    try:
        home = Home.from_env(tmp)
        load_into(home, export, name="posts_2025-06_training.jsonl")
        build_social_models(home, select="+int_social__post_terms +int_social__classified_versions +int_social__posts")
        con = duckdb.connect(str(home.work_db), read_only=True)
        try:
            terms: dict[str, set[str]] = {}
            for pid, term in con.execute(
                    "select p.post_id, t.term from intermediate.int_social__post_terms as t "
                    "join intermediate.int_social__posts as p using (delivery_id, line_number)").fetchall():
                terms.setdefault(pid, set()).add(term)
            rules = {pid: (list(th), sent) for pid, th, sent in con.execute(
                "select p.post_id, c.rule_themes, c.rule_text_sentiment "
                "from intermediate.int_social__classified_versions as c "
                "join intermediate.int_social__posts as p using (delivery_id, line_number)").fetchall()}
        finally:
            con.close()
    finally:
        if workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    ids, docs, rule_themes, dropped = [], [], [], []
    for p in posts:
        if p["id"] not in rules:
            dropped.append(p["id"])
            continue
        themes, sentiment = rules[p["id"]]
        doc = set(terms.get(p["id"], ())) | {f"rule:{t}" for t in themes} | {f"rule_sentiment:{sentiment}"}
        ids.append(p["id"])
        docs.append(sorted(doc))
        rule_themes.append(set(themes))
    return Features(ids, docs, rule_themes, dropped)


# --- sparse binary design matrix and the fitting ------------------------------------------------

class Design:
    """Binary post × term matrix in coordinate form (numpy only)."""

    def __init__(self, docs: list[list[str]], vocab: dict[str, int]):
        rows, cols = [], []
        for i, doc in enumerate(docs):
            for t in doc:
                j = vocab.get(t)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        self.rows = np.asarray(rows, dtype=np.int64)
        self.cols = np.asarray(cols, dtype=np.int64)
        self.n, self.d = len(docs), len(vocab)

    def mul(self, w: np.ndarray) -> np.ndarray:            # X @ w, w: d × k
        return self._scatter(self.rows, w[self.cols], self.n)

    def tmul(self, g: np.ndarray) -> np.ndarray:           # X.T @ g, g: n × k
        return self._scatter(self.cols, g[self.rows], self.d)

    @staticmethod
    def _scatter(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
        """Sum ``values`` (nnz × k) into ``size`` rows by ``index``: one bincount over the
        flattened (row, column) bins, which adds in the same order as a bincount per column
        (same bits) without a Python loop over the columns."""
        k = values.shape[1]
        bins = (index[:, None] * k + np.arange(k)).ravel()
        return np.bincount(bins, values.ravel(), size * k).reshape(size, k)

    def norm2(self, iterations: int = 30) -> float:        # ||X||_2^2 by power iteration
        v = np.full((self.d, 1), 1.0 / np.sqrt(max(self.d, 1)))
        s = 0.0
        for _ in range(iterations):
            u = self.tmul(self.mul(v))
            s = float(np.sqrt((u ** 2).sum()))
            if s == 0:
                return 0.0
            v = u / s
        return s


def vocabulary(docs: list[list[str]], min_df: int = MIN_DF) -> dict[str, int]:
    df = Counter(t for doc in docs for t in doc)
    return {t: j for j, t in enumerate(sorted(t for t, c in df.items() if c >= min_df))}


@dataclass
class Model:
    vocab: dict[str, int]
    weights: np.ndarray                 # d × k
    intercept: np.ndarray               # k

    def score(self, docs: list[list[str]]) -> np.ndarray:
        return Design(docs, self.vocab).mul(self.weights) + self.intercept


def fit(docs: list[list[str]], y: np.ndarray, penalty, multinomial: bool = False,
        iterations: int = ITERATIONS, prune: float = PRUNE) -> Model:
    """L2-regularised logistic regression (independent binary columns, or one softmax over the
    columns) minimising mean log-loss + penalty/2 · ||w||², intercept unpenalised; FISTA."""
    vocab = vocabulary(docs)
    x = Design(docs, vocab)
    n, k = y.shape
    lam = np.broadcast_to(np.asarray(penalty, dtype=float), (k,))
    lipschitz = x.norm2() / n * (0.5 if multinomial else 0.25) + float(lam.max())
    step = 1.0 / lipschitz
    prior = y.mean(axis=0).clip(1e-3, 1 - 1e-3)
    w = np.zeros((x.d, k))
    b = np.log(prior) if multinomial else np.log(prior / (1 - prior))
    zw, zb, t = w.copy(), b.copy(), 1.0
    for _ in range(iterations):
        z = x.mul(zw) + zb
        if multinomial:
            z = z - z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
        else:
            p = 1.0 / (1.0 + np.exp(-z))
        r = (p - y) / n
        w_new = zw - step * (x.tmul(r) + lam * zw)
        b_new = zb - step * r.sum(axis=0)
        t_new = (1.0 + np.sqrt(1.0 + 4.0 * t * t)) / 2.0
        zw = w_new + (t - 1.0) / t_new * (w_new - w)
        zb = b_new + (t - 1.0) / t_new * (b_new - b)
        w, b, t = w_new, b_new, t_new
    w = np.where(np.abs(w) >= prune, w, 0.0)
    return Model(vocab, w, b)


def folds_of(n: int, k: int = K_FOLDS) -> np.ndarray:
    return np.arange(n) % k


def out_of_fold(docs, y, penalty, folds, multinomial=False) -> np.ndarray:
    scores = np.zeros(y.shape)
    for f in range(int(folds.max()) + 1):
        train = folds != f
        model = fit([d for d, m in zip(docs, train) if m], y[train], penalty, multinomial)
        scores[~train] = model.score([d for d, m in zip(docs, train) if not m])
    return scores


# --- metrics and thresholds -----------------------------------------------------------------------

def prf(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    tp = float((gold & pred).sum())
    fp = float((~gold & pred).sum())
    fn = float((gold & ~pred).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_threshold(scores: np.ndarray, gold: np.ndarray, forced: np.ndarray | None = None) -> tuple[float, float]:
    """(threshold, F1): the cut on ``scores`` with the highest F1 (posts with ``forced`` are
    positive anyway); the threshold is the midpoint between the last score taken and the next."""
    forced = np.zeros_like(gold) if forced is None else forced
    values = np.unique(scores)[::-1]
    cuts = np.concatenate([[values[0] + 1.0], (values[:-1] + values[1:]) / 2.0, [values[-1] - 1.0]])
    best = (float(cuts[0]), -1.0)
    for c in cuts:
        f1 = prf(gold, (scores >= c) | forced)[2]
        if f1 > best[1] + 1e-12:
            best = (float(c), f1)
    return best


def macro_f1(gold: np.ndarray, pred: np.ndarray, labels=range(3)) -> tuple[float, list[tuple[float, float, float]]]:
    per = [prf(gold == k, pred == k) for k in labels]
    return float(np.mean([f for _, _, f in per])), per


# --- selection ------------------------------------------------------------------------------------

@dataclass
class ThemeChoice:
    penalty: list[float]
    mode: list[str]                     # learned | rules_or_learned
    threshold: list[float]
    oof: np.ndarray                     # out-of-fold scores at the chosen penalty
    f1: list[float]


def select_themes(docs, y, rules, folds) -> ThemeChoice:
    oof = {lam: out_of_fold(docs, y, lam, folds) for lam in PENALTIES}
    penalty, mode, threshold, f1s = [], [], [], []
    scores = np.zeros(y.shape)
    gold = y.astype(bool)
    for j in range(y.shape[1]):
        best = None
        for lam in PENALTIES:
            for m in ("learned", "rules_or_learned"):
                thr, f1 = best_threshold(oof[lam][:, j], gold[:, j], rules[:, j] if m != "learned" else None)
                if best is None or f1 > best[0] + 1e-12:
                    best = (f1, lam, m, thr)
        f1, lam, m, thr = best
        penalty.append(lam)
        mode.append(m)
        threshold.append(thr)
        f1s.append(f1)
        scores[:, j] = oof[lam][:, j]
    return ThemeChoice(penalty, mode, threshold, scores, f1s)


def predict_themes(scores, rules, choice: ThemeChoice) -> np.ndarray:
    pred = scores >= np.asarray(choice.threshold)
    return pred | (rules & (np.asarray(choice.mode) == "rules_or_learned"))


@dataclass
class SentimentChoice:
    penalty: float
    offset: float                       # added to neutraal
    oof: np.ndarray
    f1: float


def apply_rating(pred: np.ndarray, ratings: list) -> np.ndarray:
    out = pred.copy()
    for i, r in enumerate(ratings):
        if r in (1, 2):
            out[i] = 0
        elif r in (4, 5):
            out[i] = 2
    return out


def select_sentiment(docs, y, ratings, folds) -> SentimentChoice:
    gold = y.argmax(axis=1)
    best = None
    for lam in PENALTIES:
        s = out_of_fold(docs, y, lam, folds, multinomial=True)
        for off in NEUTRAL_OFFSETS:
            pred = apply_rating((s + np.array([0.0, off, 0.0])).argmax(axis=1), ratings)
            f1 = macro_f1(gold, pred)[0]
            if best is None or f1 > best.f1 + 1e-12:
                best = SentimentChoice(lam, float(off), s, f1)
    return best


# --- training run ------------------------------------------------------------------------------

@dataclass
class Trained:
    features: Features
    themes: ThemeChoice
    theme_model: Model
    sentiment: SentimentChoice
    sentiment_model: Model
    y_themes: np.ndarray
    y_sentiment: np.ndarray
    rules: np.ndarray
    ratings: list
    rule_sentiment: np.ndarray
    variants: dict                      # name → per-theme (p, r, f1) at out-of-fold thresholds
    nested: dict | None = None


def labels_for(posts: list[dict], features: Features):
    by_id = {p["id"]: p for p in posts}
    sel = [by_id[i] for i in features.ids]
    y_t = np.array([[t in p["label_themes"] for t in THEMES] for p in sel], dtype=float)
    y_s = np.array([[p["label_sentiment"] == s for s in SENTIMENTS] for p in sel], dtype=float)
    return sel, y_t, y_s


def train(posts: list[dict], nested: bool = False, log=print) -> Trained:
    log(f"extracting features of {len(posts)} training posts through the production path …")
    feats = extract_features(posts)
    sel, y_t, y_s = labels_for(posts, feats)
    docs = feats.terms
    rules = np.array([[t in r for t in THEMES] for r in feats.rule_themes], dtype=bool)
    ratings = [p["rating"] for p in sel]
    rule_sent = np.array([SENTIMENTS.index(next(t.split(":", 1)[1] for t in d if t.startswith("rule_sentiment:")))
                          for d in docs])
    folds = folds_of(len(docs))
    log(f"{len(docs)} posts ({len(feats.dropped)} not classified as Dutch and left out); themes …")
    themes = select_themes(docs, y_t, rules, folds)
    gold = y_t.astype(bool)
    variants = {"rules only": [prf(gold[:, j], rules[:, j]) for j in range(len(THEMES))]}
    no_rules = [[t for t in d if not t.startswith(RULE_PREFIX)] for d in docs]
    s_plain = out_of_fold(no_rules, y_t, themes.penalty, folds)
    variants["learned, words and concepts only (no rule features)"] = [
        prf(gold[:, j], s_plain[:, j] >= best_threshold(s_plain[:, j], gold[:, j])[0]) for j in range(len(THEMES))]
    variants["learned, with the rules' outcome as features"] = [
        prf(gold[:, j], themes.oof[:, j] >= best_threshold(themes.oof[:, j], gold[:, j])[0])
        for j in range(len(THEMES))]
    variants["rules OR learned"] = [
        prf(gold[:, j], (themes.oof[:, j] >= best_threshold(themes.oof[:, j], gold[:, j], rules[:, j])[0]) | rules[:, j])
        for j in range(len(THEMES))]
    pred = predict_themes(themes.oof, rules, themes)
    variants["chosen per theme (penalty, mode, threshold)"] = [prf(gold[:, j], pred[:, j]) for j in range(len(THEMES))]
    theme_model = fit(docs, y_t, themes.penalty)
    log("sentiment …")
    sentiment = select_sentiment(docs, y_s, ratings, folds)
    sentiment_model = fit(docs, y_s, sentiment.penalty, multinomial=True)
    out = Trained(feats, themes, theme_model, sentiment, sentiment_model, y_t, y_s, rules, ratings, rule_sent, variants)
    if nested:
        log("nested cross-validation …")
        out.nested = nested_cv(docs, y_t, y_s, rules, ratings, folds, log)
    return out


def nested_cv(docs, y_t, y_s, rules, ratings, folds, log=print) -> dict:
    """The whole selection (penalty, mode, threshold; sentiment penalty and offset) inside each
    outer fold, evaluated on the outer fold."""
    pred_t = np.zeros(y_t.shape, dtype=bool)
    pred_s = np.zeros(len(docs), dtype=int)
    for f in range(K_FOLDS):
        log(f"  outer fold {f + 1}/{K_FOLDS}")
        tr, te = folds != f, folds == f
        d_tr = [d for d, m in zip(docs, tr) if m]
        d_te = [d for d, m in zip(docs, te) if m]
        inner = folds_of(int(tr.sum()))
        ch = select_themes(d_tr, y_t[tr], rules[tr], inner)
        m = fit(d_tr, y_t[tr], ch.penalty)
        pred_t[te] = predict_themes(m.score(d_te), rules[te], ch)
        r_tr = [r for r, k in zip(ratings, tr) if k]
        r_te = [r for r, k in zip(ratings, te) if k]
        cs = select_sentiment(d_tr, y_s[tr], r_tr, inner)
        ms = fit(d_tr, y_s[tr], cs.penalty, multinomial=True)
        pred_s[te] = apply_rating((ms.score(d_te) + np.array([0.0, cs.offset, 0.0])).argmax(axis=1), r_te)
    gold = y_t.astype(bool)
    return {"themes": [prf(gold[:, j], pred_t[:, j]) for j in range(len(THEMES))],
            "sentiment": macro_f1(y_s.argmax(axis=1), pred_s)}


# --- scoring with the committed seeds (numpy; the SQL in int_social__classified_versions does the same) --

@dataclass
class Lexicon:
    theme_weights: dict[str, np.ndarray]        # term → weights in THEMES order
    intercept: np.ndarray
    threshold: np.ndarray
    rules_or_learned: np.ndarray                # bool per theme
    sentiment_weights: dict[str, np.ndarray]    # term → weights in SENTIMENTS order
    sentiment_intercept: np.ndarray


def load_lexicon(seeds_dir: Path = SEEDS_DIR) -> Lexicon:
    """The learned lexicon as committed (seed terms are taken as written: normalised already)."""
    def rows(name):
        with open(seeds_dir / name, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    tw: dict[str, np.ndarray] = {}
    for r in rows("social_theme_weights.csv"):
        tw.setdefault(r["term"], np.zeros(len(THEMES)))[THEMES.index(r["theme"])] += float(r["weight"])
    th = {r["theme"]: r for r in rows("social_theme_thresholds.csv")}
    sw: dict[str, np.ndarray] = {}
    for r in rows("social_sentiment_weights.csv"):
        sw.setdefault(r["term"], np.zeros(len(SENTIMENTS)))[SENTIMENTS.index(r["sentiment"])] += float(r["weight"])
    si = {r["sentiment"]: float(r["intercept"]) for r in rows("social_sentiment_intercepts.csv")}
    return Lexicon(tw, np.array([float(th[t]["intercept"]) for t in THEMES]),
                   np.array([float(th[t]["threshold"]) for t in THEMES]),
                   np.array([th[t]["mode"] == "rules_or_learned" for t in THEMES]),
                   sw, np.array([si.get(s, 0.0) for s in SENTIMENTS]))


def score_with_lexicon(lex: Lexicon, terms: list[str], rule_themes) -> tuple[list[str], str, np.ndarray]:
    """(themes, sentiment before the rating rule, theme scores) of one post from its terms
    (``rule:…`` and ``rule_sentiment:…`` included) and the themes the rules gave.

    Summed exactly, in units of 10⁻⁴ (the seeds' precision), as the SQL sums decimals: a post
    scored right at a threshold gets the same verdict whatever the order of the additions."""
    t_score = _units(lex.intercept)
    s_score = _units(lex.sentiment_intercept)
    for term in set(terms):
        if term in lex.theme_weights:
            t_score = t_score + _units(lex.theme_weights[term])
        if term in lex.sentiment_weights:
            s_score = s_score + _units(lex.sentiment_weights[term])
    fired = np.array([t in set(rule_themes) for t in THEMES])
    given = (t_score >= _units(lex.threshold)) | (fired & lex.rules_or_learned)
    return [t for t, g in zip(THEMES, given) if g], SENTIMENTS[int(np.argmax(s_score))], t_score / 1e4


def _units(values) -> np.ndarray:
    """Seed numbers (4 decimals) as integers of 10⁻⁴."""
    return np.rint(np.asarray(values, dtype=np.float64) * 1e4).astype(np.int64)


# --- output -----------------------------------------------------------------------------------------

def _csv(header: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _num(x: float, digits: int = 4) -> str:
    v = round(float(x), digits)
    return f"{v:.{digits}f}".rstrip("0").rstrip(".") if v != 0 else "0"


def _weight_rows(model: Model, labels) -> list[list]:
    terms = sorted(model.vocab, key=model.vocab.get)
    rows = []
    for term in sorted(terms):
        j = model.vocab[term]
        for k, label in enumerate(labels):
            w = round(float(model.weights[j, k]), 4)
            if w != 0.0:
                rows.append([term, label, _num(w)])
    return rows


def render_seeds(tr: Trained) -> dict[str, str]:
    gold = tr.y_themes.astype(bool)
    pred = predict_themes(tr.themes.oof, tr.rules, tr.themes)
    th_rows = []
    for j, theme in enumerate(THEMES):
        p, r, f = prf(gold[:, j], pred[:, j])
        th_rows.append([theme, _num(tr.theme_model.intercept[j]), _num(tr.themes.threshold[j]), tr.themes.mode[j],
                        _num(p, 3), _num(r, 3), _num(f, 3), int(gold[:, j].sum())])
    s_pred = apply_rating((tr.sentiment.oof + np.array([0.0, tr.sentiment.offset, 0.0])).argmax(axis=1), tr.ratings)
    _, per = macro_f1(tr.y_sentiment.argmax(axis=1), s_pred)
    s_rows = []
    for k, s in enumerate(SENTIMENTS):
        b = tr.sentiment_model.intercept[k] + (tr.sentiment.offset if s == "neutraal" else 0.0)
        s_rows.append([s, _num(b), _num(per[k][0], 3), _num(per[k][1], 3), _num(per[k][2], 3),
                       int(tr.y_sentiment[:, k].sum())])
    return {
        "social_theme_weights.csv": _csv(["term", "theme", "weight"], _weight_rows(tr.theme_model, THEMES)),
        "social_theme_thresholds.csv": _csv(["theme", "intercept", "threshold", "mode", "cv_precision", "cv_recall",
                                             "cv_f1", "n_positive"], th_rows),
        "social_sentiment_weights.csv": _csv(["term", "sentiment", "weight"],
                                             _weight_rows(tr.sentiment_model, SENTIMENTS)),
        "social_sentiment_intercepts.csv": _csv(["sentiment", "intercept", "cv_precision", "cv_recall", "cv_f1",
                                                 "n_posts"], s_rows),
    }


def render_report(tr: Trained) -> str:
    n = len(tr.features.ids)
    out = ["# Learned lexicon: cross-validation on the training set", "",
           "Written by `python -m orchestration.social.train_lexicon` (deterministic; do not edit by hand).", "",
           f"Training set: `orchestration/social/training/training_posts.jsonl`, {n} posts classified as Dutch "
           f"by the pipeline" + (f" ({len(tr.features.dropped)} left out: {', '.join(tr.features.dropped)})"
                                 if tr.features.dropped else "") + ". "
           f"{K_FOLDS}-fold cross-validation (fold = position in id order mod {K_FOLDS}); features: words, word "
           f"pairs and seed concepts in at least {MIN_DF} training posts, plus the rules' outcome; L2 penalties "
           f"tried {', '.join(map(str, PENALTIES))}; {ITERATIONS} FISTA iterations; weights under {PRUNE} dropped.",
           "",
           "Out-of-fold figures below use thresholds chosen on the same out-of-fold scores, so they are "
           "somewhat optimistic; the nested figure (when run with `--nested`) repeats the whole selection "
           "inside each fold and is the fair estimate.", "",
           "## Themes: F1 per theme", ""]
    names = list(tr.variants)
    out.append("| theme | " + " | ".join(names) + " |")
    out.append("| --- | " + " | ".join("---:" for _ in names) + " |")
    for j, theme in enumerate(THEMES):
        out.append(f"| `{theme}` | " + " | ".join(f"{tr.variants[v][j][2]:.3f}" for v in names) + " |")
    out.append("| **macro-F1** | " + " | ".join(f"**{np.mean([x[2] for x in tr.variants[v]]):.3f}**"
                                                for v in names) + " |")
    out += ["", "Chosen per theme:", "", "| theme | penalty | mode | threshold | intercept | positives |",
            "| --- | ---: | --- | ---: | ---: | ---: |"]
    for j, theme in enumerate(THEMES):
        out.append(f"| `{theme}` | {tr.themes.penalty[j]} | {tr.themes.mode[j]} | {tr.themes.threshold[j]:.3f} | "
                   f"{tr.theme_model.intercept[j]:.3f} | {int(tr.y_themes[:, j].sum())} |")
    gold = tr.y_sentiment.argmax(axis=1)
    rule_pred = apply_rating(tr.rule_sentiment, tr.ratings)
    s_pred = apply_rating((tr.sentiment.oof + np.array([0.0, tr.sentiment.offset, 0.0])).argmax(axis=1), tr.ratings)
    undecided = np.array([r not in (1, 2, 4, 5) for r in tr.ratings])
    r_all, r_per = macro_f1(gold, rule_pred)
    l_all, l_per = macro_f1(gold, s_pred)
    out += ["", "## Sentiment", "",
            f"Chosen: penalty {tr.sentiment.penalty}, offset for neutraal {tr.sentiment.offset:+.2f}. "
            "Trustpilot ratings 1-2 / 4-5 decide in both columns.", "",
            "| | rules | learned |", "| --- | ---: | ---: |"]
    for k, s in enumerate(SENTIMENTS):
        out.append(f"| F1 `{s}` | {r_per[k][2]:.3f} | {l_per[k][2]:.3f} |")
    out.append(f"| **macro-F1** (all {n} posts) | **{r_all:.3f}** | **{l_all:.3f}** |")
    out.append(f"| macro-F1 without a decisive rating ({int(undecided.sum())} posts) | "
               f"{macro_f1(gold[undecided], rule_pred[undecided])[0]:.3f} | "
               f"{macro_f1(gold[undecided], s_pred[undecided])[0]:.3f} |")
    out.append(f"| accuracy | {float((gold == rule_pred).mean()):.3f} | {float((gold == s_pred).mean()):.3f} |")
    if tr.nested:
        t = tr.nested["themes"]
        out += ["", "## Nested cross-validation (the whole procedure, fair estimate)", "",
                "| theme | precision | recall | F1 |", "| --- | ---: | ---: | ---: |"]
        for j, theme in enumerate(THEMES):
            out.append(f"| `{theme}` | {t[j][0]:.3f} | {t[j][1]:.3f} | {t[j][2]:.3f} |")
        out.append(f"| **macro-F1** | | | **{np.mean([x[2] for x in t]):.3f}** |")
        m, per = tr.nested["sentiment"]
        out += ["", f"Sentiment macro-F1 {m:.3f} (" + ", ".join(f"{s} {per[k][2]:.3f}"
                                                             for k, s in enumerate(SENTIMENTS)) + ")."]
    return "\n".join(out) + "\n"


def write_outputs(files: dict[str, str], seeds_dir: Path, report: str | None, report_path: Path) -> None:
    seeds_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (seeds_dir / name).write_text(text, encoding="utf-8")
    if report is not None:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(report, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--training", type=Path, default=TRAINING)
    parser.add_argument("--seeds-dir", type=Path, default=SEEDS_DIR)
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--nested", action="store_true", help="add a nested cross-validation (slow)")
    parser.add_argument("--check", action="store_true",
                        help="regenerate and compare with the committed seeds (exit 1 on a difference)")
    args = parser.parse_args(argv)
    posts = load_training(args.training)
    tr = train(posts, nested=args.nested, log=lambda m: print(m, file=sys.stderr))
    files = render_seeds(tr)
    if args.check:
        differ = [name for name, text in files.items()
                  if not (args.seeds_dir / name).exists()
                  or (args.seeds_dir / name).read_text(encoding="utf-8") != text]
        print("seeds up to date" if not differ else f"seeds differ from the training: {', '.join(differ)}")
        return 1 if differ else 0
    report = render_report(tr)
    if not args.nested and args.report.exists():
        # keep the (slow) nested section of the existing report
        old = args.report.read_text(encoding="utf-8")
        i = old.find("\n## Nested cross-validation")
        if i >= 0:
            report += old[i:]
    write_outputs(files, args.seeds_dir, report, args.report)
    macro = np.mean([x[2] for x in tr.variants["chosen per theme (penalty, mode, threshold)"]])
    print(f"themes out-of-fold macro-F1 {macro:.3f}, sentiment out-of-fold macro-F1 {tr.sentiment.f1:.3f} "
          f"→ {args.seeds_dir}/social_theme_*.csv, social_sentiment_*.csv, {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
