"""The learned lexicon (docs/social.md, "Learned lexicon"): the committed seeds are exactly what
``python -m orchestration.social.train_lexicon`` produces, the scoring SQL in
int_social__classified_versions agrees with a numpy scoring of the same seeds, the dbt vars switch
the learned part off, and the training set shares nothing with the labelled test set."""

from __future__ import annotations

import json

import pytest

from orchestration.paths import SEEDS_DIR
from orchestration.social import train_lexicon as T
from orchestration.social.quality import LABELLED, build_social_models

from conftest import Build, make_home, post, write_lines, ingest_and_build  # noqa: E402

# written for this test (not taken from the training or the labelled set)
PROBES = [
    ("De chatbot bleef maar dezelfde vraag stellen en een medewerker kreeg ik niet te spreken.", None),
    ("Na een uur in de wacht werd de verbinding verbroken. Top service weer.", None),
    ("De assistent in de app heeft mijn adreswijziging meteen verwerkt, fijn!", None),
    ("Weet iemand of je bij de gemeente ook in het weekend kan bellen?", None),
    ("Ik vroeg naar mijn factuur en kreeg een link naar de veelgestelde vragen. Daar stond het niet.", None),
    ("Was dat nou een robot of een mens? Ze heette Sanne en reageerde binnen een seconde.", None),
    ("De bot zei dat mijn pakket bezorgd was, maar er is niks gekomen.", None),
    ("Ik snap niet dat de spraakcomputer 'opzeggen' steeds verstaat als 'afsluiten'.", None),
    ("Nummer op de site bestaat niet meer en de chat is alleen op werkdagen open.", None),
    ("Pakket twee dagen te laat, verder prima.", None),
    ("Chat heeft het binnen vijf minuten opgelost, maar de wachtrij ervoor was lang.", 3),
    ("Geen enkele reactie op mijn drie mails, alleen automatische antwoorden.", 1),
    ("Heel vriendelijke mevrouw aan de telefoon, alles geregeld.", 5),
]


@pytest.fixture(scope="module")
def probe_build(tmp_path_factory) -> Build:
    home = make_home(tmp_path_factory.mktemp("social-lexicon"))
    lines = [post(f"lx{i}", text, platform="trustpilot" if rating else "reddit", rating=rating)
             for i, (text, rating) in enumerate(PROBES)]
    write_lines(home.landing_social / "posts_2025-05.jsonl", lines)
    return ingest_and_build(home)


def _features(build: Build) -> dict[str, tuple[list[str], list[str]]]:
    terms: dict[str, set[str]] = {}
    for pid, term in build.query("select p.post_id, t.term from intermediate.int_social__post_terms as t "
                                 "join intermediate.int_social__posts as p using (delivery_id, line_number)"):
        terms.setdefault(pid, set()).add(term)
    out = {}
    for pid, rule_themes, rule_sentiment in build.query(
            "select p.post_id, c.rule_themes, c.rule_text_sentiment from intermediate.int_social__classified_versions as c "
            "join intermediate.int_social__posts as p using (delivery_id, line_number)"):
        doc = terms.get(pid, set()) | {f"rule:{t}" for t in rule_themes} | {f"rule_sentiment:{rule_sentiment}"}
        out[pid] = (sorted(doc), list(rule_themes))
    return out


def test_sql_scoring_agrees_with_numpy(probe_build):
    lex = T.load_lexicon()
    feats = _features(probe_build)
    rows = probe_build.query(
        "select p.post_id, c.learned_themes, c.learned_sentiment, c.themes, c.sentiment, s.rating "
        "from intermediate.int_social__classified_versions as c join intermediate.int_social__posts as p using (delivery_id, line_number) "
        "join staging.stg_social__posts as s using (delivery_id, line_number)")
    assert len(rows) == len(PROBES)
    n_themes = 0
    for pid, learned_themes, learned_sentiment, themes, sentiment, rating in rows:
        terms, rule_themes = feats[pid]
        np_themes, np_sentiment, _ = T.score_with_lexicon(lex, terms, rule_themes)
        assert set(learned_themes) == set(np_themes), (pid, learned_themes, np_themes)
        assert learned_sentiment == np_sentiment, (pid, learned_sentiment, np_sentiment)
        # the learned part is switched on by default: it decides, except for decisive ratings
        assert set(themes) == set(np_themes)
        expected = {1: "negatief", 2: "negatief", 4: "positief", 5: "positief"}.get(rating, np_sentiment)
        assert sentiment == expected, (pid, sentiment, expected)
        n_themes += len(np_themes)
    assert n_themes >= len(PROBES) // 2          # the probes are not all scored as theme-less


def _run_classified(build: Build, dbt_vars: str) -> None:
    build_social_models(build.home, select="int_social__classified_versions", dbt_vars=dbt_vars,
                        target="dbt_target_vars", full_refresh=True)


def test_learned_part_can_be_switched_off(probe_build):
    _run_classified(probe_build, "{social_learned_themes: false, social_learned_sentiment: false}")
    try:
        rows = probe_build.query(
            "select c.themes, c.rule_themes, c.sentiment, c.rule_text_sentiment, s.rating, c.learned_sentiment, "
            "c.learned_themes from intermediate.int_social__classified_versions as c "
            "join intermediate.int_social__posts as p using (delivery_id, line_number) "
            "join staging.stg_social__posts as s using (delivery_id, line_number)")
        assert len(rows) == len(PROBES)
        for themes, rule_themes, sentiment, rule_sentiment, rating, learned, learned_themes in rows:
            assert list(themes) == list(rule_themes)
            assert learned is None and learned_themes is None
            if rating not in (1, 2, 4, 5):
                assert sentiment == rule_sentiment
    finally:
        _run_classified(probe_build, "{}")


def test_training_set_shares_nothing_with_the_labelled_set():
    training = T.load_training()
    assert len(training) >= 700
    for p in training:
        assert set(p["label_themes"]) <= set(T.THEMES) and p["label_sentiment"] in T.SENTIMENTS
    if not LABELLED.exists():
        pytest.skip("the labelled set is not there")
    labelled = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    norm = lambda s: " ".join((s or "").lower().split())  # noqa: E731
    assert not {norm(p["text"]) for p in training} & {norm(p["text"]) for p in labelled}
    assert not {p["id"] for p in training} & {p["id"] for p in labelled}


@pytest.mark.slow
def test_committed_seeds_are_what_the_training_produces():
    trained = T.train(T.load_training(), log=lambda message: None)
    for name, text in T.render_seeds(trained).items():
        committed = (SEEDS_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} differs from `python -m orchestration.social.train_lexicon`"
