"""The classifier's corpus and its evaluation machinery: twelve writers with gold labels from two
blind labellers, kappa computed right, held-out writers really held out, metrics right."""

from __future__ import annotations

from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import f1_score

from tools.classifier import agreement, evaluate, model
from tools.classifier.corpus import (CORPUS_DIR, EXPORT_FIELDS, LABELLED, SECTORS, SENTIMENTS, THEMES, W00_FILES,
                                     load_corpus, read_jsonl)
from tools.classifier.dataset import Corpus
from tools.classifier.metrics import score

LABEL_KEYS = {"id", "label_lang", "label_sector", "label_themes", "label_sentiment"}


def test_twelve_writers_with_export_fields_only():
    files = sorted((CORPUS_DIR / "writers").glob("w*.jsonl"))
    assert [f.stem for f in files] == [f"w{i:02d}" for i in range(1, 13)]
    ids = []
    for f in files:
        posts = read_jsonl(f)
        assert len(posts) >= 250, f.name
        assert all(list(p) == list(EXPORT_FIELDS) for p in posts), f.name     # no intents in the exports
        assert all(p["id"].startswith(f.stem + "-") for p in posts)
        ids += [p["id"] for p in posts]
    assert len(ids) == len(set(ids)) >= 3000
    intents = read_jsonl(CORPUS_DIR / "intents.jsonl")
    assert sorted(r["id"] for r in intents) == sorted(ids)


def test_gold_and_both_labellers_cover_every_post():
    ids = {p["id"] for f in (CORPUS_DIR / "writers").glob("w*.jsonl") for p in read_jsonl(f)}
    for name in ("gold.jsonl", "labeller_a.jsonl", "labeller_b.jsonl"):
        rows = read_jsonl(CORPUS_DIR / name)
        assert {r["id"] for r in rows} == ids, name
        for r in rows:
            assert LABEL_KEYS <= set(r), (name, r["id"])
            assert r["label_sector"] in SECTORS and r["label_sentiment"] in SENTIMENTS, (name, r["id"])
            assert set(r["label_themes"]) <= set(THEMES), (name, r["id"])
    gold = load_corpus("gold")
    assert Counter(p.writer for p in gold)["w00-test"] == len(read_jsonl(LABELLED))
    assert len({p.group for p in gold}) == 13


def _kappa(x: list, y: list) -> float:
    """Cohen's kappa from its definition: (observed − chance agreement) / (1 − chance)."""
    codes = sorted(set(x) | set(y))
    n = len(x)
    observed = sum(a == b for a, b in zip(x, y)) / n
    chance = sum((x.count(c) / n) * (y.count(c) / n) for c in codes)
    return (observed - chance) / (1 - chance)


def test_kappa_matches_its_definition():
    k = agreement.kappas(CORPUS_DIR)
    a = {r["id"]: r for r in read_jsonl(CORPUS_DIR / "labeller_a.jsonl")}
    b = {r["id"]: r for r in read_jsonl(CORPUS_DIR / "labeller_b.jsonl")}
    ids = sorted(a)
    assert k["posts"] == len(ids) >= 3000
    assert abs(k["fields"]["sector"][0] - _kappa([a[i]["label_sector"] for i in ids],
                                                 [b[i]["label_sector"] for i in ids])) < 1e-12
    t = "chatbot_loop"
    assert abs(k["fields"][f"theme {t}"][0] - _kappa([t in a[i]["label_themes"] for i in ids],
                                                     [t in b[i]["label_themes"] for i in ids])) < 1e-12
    assert all(-1 <= v <= 1 for v, _ in k["fields"].values())


def test_the_single_hand_training_posts_share_nothing_with_the_labelled_set():
    labelled = read_jsonl(LABELLED)
    norm = lambda s: " ".join((s or "").lower().split())  # noqa: E731
    for path in W00_FILES:
        posts = read_jsonl(path)
        assert posts
        assert not {norm(p["text"]) for p in posts} & {norm(p["text"]) for p in labelled}, path.name
        assert not {p["id"] for p in posts} & {p["id"] for p in labelled}, path.name


def test_metrics_agree_with_scikit_learn():
    rng = np.random.default_rng(3)
    gold_t, pred_t = rng.random((200, 9)) < 0.3, rng.random((200, 9)) < 0.3
    gold_s, pred_s = rng.integers(0, 8, 200), rng.integers(0, 8, 200)
    gold_m, pred_m = rng.integers(0, 3, 200), rng.integers(0, 3, 200)
    s = score(gold_t, pred_t, gold_s, pred_s, gold_m, pred_m)
    assert abs(s.themes_macro - f1_score(gold_t, pred_t, average="macro")) < 1e-12
    assert abs(s.sector_macro - f1_score(gold_s, pred_s, average="macro", labels=range(8))) < 1e-12
    assert abs(s.sentiment_macro - f1_score(gold_m, pred_m, average="macro")) < 1e-12
    assert abs(s.sector_accuracy - (gold_s == pred_s).mean()) < 1e-12


def test_cross_validation_never_trains_on_the_held_out_writer(monkeypatch):
    """Every evaluated post is scored by a model whose training rows contain no post of its
    writer group; posts that only train (w00's training set) are never scored."""
    groups = np.array(["w00"] * 6 + ["w01"] * 4 + ["w02"] * 4)
    evaluated = np.array([True, True, False, False, False, False] + [True] * 8)
    n = len(groups)
    ds = model.Dataset(X=sp.csr_matrix(np.eye(n, dtype=np.int64)), features=np.array([f"w:x{i}" for i in range(n)],
                       dtype=object), groups=groups, themes=np.zeros((n, 9), bool), sector=np.zeros(n, int),
                       sentiment=np.zeros(n, int), ratings=np.zeros(n, int))
    seen = []

    def fake_fit(data, rows, cfg):
        seen.append(set(rows.tolist()))
        return model.Weights(data.features, sp.csr_matrix((n, len(model.LABELS)), dtype=np.int64),
                             np.zeros(len(model.LABELS), np.int64), np.zeros(9, np.int64))

    monkeypatch.setattr(evaluate, "fit", fake_fit)
    monkeypatch.setattr(evaluate, "model_score",
                        lambda w, data, rows: np.tile(np.array([[len(seen)]]), (len(rows), len(model.LABELS))))
    posts = [type("P", (), {"group": g})() for g in groups]
    held = evaluate.cross_validate(Corpus(ds, posts, evaluated), model.Config(), log=lambda m: None)
    assert len(seen) == 3
    assert sorted(held.rows.tolist()) == np.where(evaluated)[0].tolist()
    for row, fold in zip(held.rows, held.scores[:, 0]):
        assert not any(groups[r] == groups[row] for r in seen[fold - 1])
