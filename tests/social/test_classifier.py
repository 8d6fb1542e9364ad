"""The classifier (docs/social.md, "Classifier"): the scoring SQL of macros/social_classifier.sql
gives exactly the numbers of the Python reference scorer (tools/classifier/scorer.py) on the whole
corpus, the analysts' overrides force and veto, and the published confidences are aligned."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal

import numpy as np
import pytest

from orchestration.paths import PROJECT_DIR
from tools.classifier.corpus import SECTORS, SENTIMENTS, THEMES, gold_available, load_corpus
from tools.classifier.dataset import features_of
from tools.classifier.model import SCALE
from tools.classifier.production import DEBUG_VARS, build_social_models, load_into, process, read_processed
from tools.classifier.scorer import decide, read_seeds, score_features

from conftest import TEST_KEY, make_home, post  # noqa: E402


def _micro(value: Decimal) -> int:
    """An exact decimal score from SQL → micro-units (fails on anything finer than 6 places)."""
    scaled = Decimal(value).scaleb(6)
    assert scaled == scaled.to_integral_value(), value
    return int(scaled)


def _compare(published, weights, force=None, veto=None):
    """SQL's scores, decisions and confidences against the reference scorer's, post by post."""
    py = score_features(weights, [features_of(p) for p in published])
    sql = np.array([[_micro(v) for v in p.scores] for p in published], dtype=np.int64)
    assert py.shape == sql.shape
    mismatched = [published[i].post_id for i in np.where((py != sql).any(axis=1))[0]]
    assert not mismatched, f"scores differ for {len(mismatched)} posts, e.g. {mismatched[:5]}"
    d = decide(py, weights.thresholds, np.array([p.rating or 0 for p in published]), force, veto)
    for i, p in enumerate(published):
        assert p.sector == SECTORS[d.sector[i]], p.post_id
        assert list(p.themes) == d.themes_of(i), p.post_id
        assert p.sentiment == SENTIMENTS[d.sentiment[i]], p.post_id
        assert abs(p.sector_confidence - d.sector_confidence[i]) <= 1e-9, p.post_id
        assert np.allclose(p.theme_confidences, d.theme_confidences[i][d.themes[i]], rtol=0, atol=1e-9), p.post_id
    return d


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory):
    os.environ["VOICE_MONITOR_PSEUDONYM_KEY"] = TEST_KEY
    posts = load_corpus("gold" if gold_available() else "intent")
    processed, _ = process([p.export for p in posts], workdir=tmp_path_factory.mktemp("social-corpus"))
    return posts, processed


def test_sql_scores_equal_the_python_reference_on_the_corpus(corpus_build):
    posts, processed = corpus_build
    published = [processed[p.id] for p in posts if processed[p.id].published]
    assert len(published) >= 4000
    d = _compare(published, read_seeds())
    # not a degenerate model: every code is given somewhere
    assert set(d.sector) == set(range(len(SECTORS)))
    assert d.themes.any(axis=0).all() and set(d.sentiment) == {0, 1, 2}
    assert 0.2 < d.themes.any(axis=1).mean() < 1.0


def test_confidences_are_aligned_and_in_range(corpus_build):
    _, processed = corpus_build
    n_themes = 0
    for p in processed.values():
        if not p.published:
            continue
        assert len(p.theme_confidences) == len(p.themes)
        assert all(0.0 < c <= 1.0 for c in p.theme_confidences)
        assert 1.0 / len(SECTORS) <= p.sector_confidence <= 1.0
        n_themes += len(p.themes)
    assert n_themes > 1000


# --- overrides: a copy of the dbt project with an override seed -----------------------------

OVERRIDES = """override_id,field,code,action,term,company,note
o1,sector,overig,force,loterij,,lotteries are overig
o2,theme,opgelost,veto,nog steeds niet opgelost,,not solved means not solved
o3,theme,bot_of_mens,force,robotstem,,a robot voice taken for a person
o4,sector,telecom,veto,,Glasnet Test,this client is filed elsewhere
o5,theme,alleen_faq,force,kaasschaaf,Testbank,both conditions
"""
PROBES = [
    ("p1", "Ik belde de loterij over mijn lot en de chatbot van de bank begreep niks.", None),
    ("p2", "De chatbot zei dat het opgelost was, maar het is nog steeds niet opgelost.", None),
    ("p3", "Die robotstem aan de telefoon deed alsof ze een mens was, heel raar.", None),
    ("p4", "Glasvezel internet ligt eruit, modem knippert, de chatbot van de provider snapt het niet.", "Glasnet Test"),
    ("p5", "De kaasschaaf methode van de chatbot: elke vraag een linkje.", "Testbank"),
    ("p6", "De kaasschaaf methode van de chatbot: elke vraag een linkje.", "Andere Bank"),
    ("p7", "Glasvezel internet ligt eruit, modem knippert, de chatbot van de provider snapt het niet.", None),
]
# (post, field, code, action) the overrides above must match
MATCHES = {("p1", "sector", "overig", "force"), ("p2", "theme", "opgelost", "veto"),
           ("p3", "theme", "bot_of_mens", "force"), ("p4", "sector", "telecom", "veto"),
           ("p5", "theme", "alleen_faq", "force")}


@pytest.fixture(scope="module")
def override_build(tmp_path_factory):
    import duckdb

    project = tmp_path_factory.mktemp("project")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, project / name)
    for folder in ("models", "macros", "seeds", "tests/dbt"):
        shutil.copytree(PROJECT_DIR / folder, project / folder)
    (project / "seeds" / "social_overrides.csv").write_text(OVERRIDES, encoding="utf-8")
    home = make_home(tmp_path_factory.mktemp("social-overrides"))
    os.environ["VOICE_MONITOR_PSEUDONYM_KEY"] = TEST_KEY
    load_into(home, [post(pid, text, company=company) for pid, text, company in PROBES], name="posts_2025-05.jsonl")
    build_social_models(home, dbt_vars=DEBUG_VARS, target="dbt_target_debug", project_dir=project)
    con = duckdb.connect(str(home.work_db), read_only=True)
    try:
        return read_processed(con)
    finally:
        con.close()


def test_overrides_force_and_veto(override_build):
    published = [override_build[pid] for pid, *_ in PROBES]
    assert all(p.published for p in published)
    codes = list(THEMES) + list(SECTORS)
    force = np.zeros((len(published), len(codes)), dtype=bool)
    veto = np.zeros_like(force)
    for i, (pid, *_) in enumerate(PROBES):
        for m_pid, field, code, action in MATCHES:
            if m_pid == pid:
                (force if action == "force" else veto)[i, codes.index(code)] = True
    _compare(published, read_seeds(), force, veto)        # SQL and Python apply them alike

    by_id = {p.post_id: p for p in published}
    assert by_id["p1"].sector == "overig" and by_id["p1"].sector_confidence == 1.0
    assert "opgelost" not in by_id["p2"].themes
    assert "bot_of_mens" in by_id["p3"].themes
    assert by_id["p3"].theme_confidences[by_id["p3"].themes.index("bot_of_mens")] == 1.0
    # the same text without the vetoing company is telecom; with it, the next best sector
    assert by_id["p7"].sector == "telecom"
    assert by_id["p4"].sector != "telecom" and by_id["p4"].sector_confidence < 1.0
    # both conditions of o5 are needed
    assert "alleen_faq" in by_id["p5"].themes
    assert by_id["p5"].theme_confidences[by_id["p5"].themes.index("alleen_faq")] == 1.0
    p6 = by_id["p6"]
    assert "alleen_faq" not in p6.themes or p6.theme_confidences[p6.themes.index("alleen_faq")] < 1.0


def test_scores_are_the_seeds_sums(override_build):
    """An independent check of one post: its score for a label is the intercept plus the seed
    weights of its features, summed here from the CSV rows with Decimal."""
    import csv

    p = override_build["p7"]
    feats = features_of(p)
    label = "sector:telecom"
    total = Decimal(0)
    with open(PROJECT_DIR / "seeds" / "social_classifier_weights.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["label"] == label and row["feature"] in feats:
                total += Decimal(row["weight"]) * feats[row["feature"]]
    with open(PROJECT_DIR / "seeds" / "social_classifier_labels.csv", encoding="utf-8") as fh:
        intercept = next(Decimal(r["intercept"]) for r in csv.DictReader(fh) if r["label"] == label)
    from tools.classifier.model import LABELS

    assert p.scores[LABELS.index(label)] == intercept + total
    assert total != 0 and SCALE == 10 ** 6
