"""The classifier's model (tools/classifier/model.py) and its loop feature
(tools/classifier/features.py): checked against independent computations."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from tools.classifier import model
from tools.classifier.features import REPEAT_FEATURE, lexical_features


def _has_repeat(title, text):
    return REPEAT_FEATURE in lexical_features(title, text, None, "x", None)


def test_a_run_of_four_words_said_twice_marks_a_loop():
    quoted = "Bot: 'Kies een nieuwe datum: dinsdag 25 maart'. kan niet. 'Kies een nieuwe datum: dinsdag 25 maart'."
    assert _has_repeat(None, quoted)
    # case, accents and punctuation do not hide the repetition (the text is normalised first)
    assert _has_repeat(None, "Wij HELPEN u graag! ... wij helpen u graag.")
    # three repeated words are not enough, nor is a run split by other words
    assert not _has_repeat(None, "ik wil een mens, ik wil een medewerker")
    assert not _has_repeat(None, "kies een optie nu. kies een andere optie nu")
    # no run spans title and text: the title's last words and the text's first are no run …
    assert not _has_repeat("de bot helpt", "niet. de bot helpt echt niet")
    assert _has_repeat("titel", "de bot helpt niet, echt, de bot helpt niet")
    # … but a run of the title said again in the text counts (the text-only variant scored the
    # same, docs/social_quality.md)
    assert _has_repeat("de bot helpt niet", "de bot helpt niet echt")


def test_nb_lr_ratios_and_exported_scores_match_an_independent_fit():
    rng = np.random.default_rng(7)
    X = sp.csr_matrix(rng.poisson(0.3, size=(300, 40)).astype(np.float64))
    y = (X[:, 0].toarray().ravel() + X[:, 1].toarray().ravel() + rng.normal(0, 0.5, 300)) > 0.6
    present = (X > 0).astype(np.float64).tocsr()
    alpha = 0.5
    # the log-count ratio, computed by hand column by column
    ratios = []
    for j in range(X.shape[1]):
        col = present[:, j].toarray().ravel()
        p = alpha + col[y].sum()
        q = alpha + col[~y].sum()
        p_all = alpha * X.shape[1] + present[y].sum()
        q_all = alpha * X.shape[1] + present[~y].sum()
        ratios.append(np.log((p / p_all) / (q / q_all)))
    r = model.log_count_ratios(present, y, alpha)
    assert np.allclose(r, ratios)
    # the exported coefficients score a post as the fitted model on the scaled features does
    coef, intercept = model._fit_binary(X, present, y, c=0.5, alpha=alpha)
    reference = LogisticRegression(C=0.5, solver="liblinear", dual=True, max_iter=2000, random_state=0)
    reference.fit(X.multiply(np.array(ratios)).tocsr(), y)
    assert np.allclose(X @ coef + intercept, reference.decision_function(X.multiply(np.array(ratios)).tocsr()),
                       atol=1e-6)
    # a label no training post has never wins
    coef, intercept = model._fit_binary(X, present, np.zeros(300, dtype=bool), c=0.5, alpha=alpha)
    assert not coef.any() and intercept < -100


def test_theme_scores_mix_nb_lr_and_plain_logistic_regression():
    from tools.classifier.corpus import SECTORS, SENTIMENTS, THEMES

    rng = np.random.default_rng(11)
    n, k = 240, 30
    X = sp.csr_matrix(rng.poisson(0.4, size=(n, k)).astype(np.float64))
    themes = np.zeros((n, len(THEMES)), dtype=bool)
    for j in range(len(THEMES)):
        themes[:, j] = (X[:, j].toarray().ravel() + rng.normal(0, 0.4, n)) > 0.7
    ds = model.Dataset(X=sp.csr_matrix(X, dtype=np.int64), features=np.array([f"w:{i}" for i in range(k)], dtype=object),
                       groups=np.array(["a", "b"] * (n // 2)), themes=themes,
                       sector=rng.integers(0, len(SECTORS), n), sentiment=rng.integers(0, len(SENTIMENTS), n),
                       ratings=np.zeros(n, dtype=np.int64))
    cfg = model.Config()
    coef, icpt = model._fit_coefficients(model._int32(X), ds, np.arange(n), cfg)
    present = (X > 0).astype(np.float64).tocsr()
    for j in (0, 4):
        y = themes[:, j]
        r = model.log_count_ratios(present, y, cfg.nb_themes)
        nb = LogisticRegression(C=cfg.c_themes, solver="liblinear", dual=True, max_iter=2000, random_state=0)
        nb.fit(X.multiply(r).tocsr(), y)
        plain = LogisticRegression(C=cfg.c_plain_themes, solver="liblinear", dual=True, max_iter=2000, random_state=0)
        plain.fit(X, y)
        expected = ((1 - cfg.plain_themes) * nb.decision_function(X.multiply(r).tocsr())
                    + cfg.plain_themes * plain.decision_function(X))
        assert np.allclose(X @ coef[:, j] + icpt[j], expected, atol=1e-6)
