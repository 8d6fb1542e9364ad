"""Language detection: the set-based fast path agrees with its Python twin, and the whole
detector reaches its measured accuracy on the hand-labelled posts."""

import duckdb
import pytest

from orchestration.social import language

# measured 0.990 on the 418 labelled posts (docs/social_quality.md); a margin for other versions
MIN_ACCURACY = 0.975


def test_accuracy_on_the_labelled_set(labelled_predictions):
    posts, pred = labelled_predictions
    ok = sum((pred[p["id"]]["lang"] == "nl") == (p["label_lang"] == "nl") for p in posts)
    assert ok / len(posts) >= MIN_ACCURACY


def test_dutch_labelled_posts_are_published(labelled_predictions):
    posts, pred = labelled_predictions
    dutch = [p for p in posts if p["label_lang"] == "nl"]
    published = [p for p in dutch if "sector" in pred[p["id"]]]
    assert len(published) / len(dutch) >= MIN_ACCURACY


def test_fast_path_sql_equals_python():
    import json

    from tools.classifier.corpus import LABELLED

    texts = ["De chatbot snapt mijn vraag gewoon niet. Echt belachelijk.",
             "The chatbot keeps asking the same questions.",
             "Ich habe dreimal angerufen und niemand geht ran.",
             "Top!", "", "Geweldig, weer 45 minuten in de wacht 🙄",
             "Ik heb het niet gevonden en ik weet niet hoe het zit maar de app is the best ever"]
    if LABELLED.exists():
        texts += [((p.get("title") or "") + " " + p["text"]) for p in
                  map(json.loads, LABELLED.read_text(encoding="utf-8").splitlines())]
    con = duckdb.connect()
    sql = ("select case when n >= 8 then 'nl' when n >= 3 and not " + language.foreign_words_sql("low")
           + " then 'nl' end from (select low, " + language.dutch_words_sql("low")
           + " as n from (select lower(t) as low from (select unnest(?::varchar[]) as t)))")
    got = [r[0] for r in con.execute(sql, [texts]).fetchall()]
    assert got == [language.fast_language(t) for t in texts]


def test_fast_path_is_never_wrong_on_clear_non_dutch():
    for text in ["The chatbot keeps asking the same questions and I still cannot reach a human.",
                 "Der Chatbot versteht meine Frage nicht und ich kann niemanden erreichen.",
                 "Le chatbot ne comprend pas ma question et je ne peux joindre personne.",
                 "El chatbot no entiende mi pregunta y no puedo hablar con nadie."]:
        assert language.fast_language(text) is None
        assert language.detect_language(text) != "nl"


@pytest.mark.parametrize("text", [
    "Wat een drama, al drie dagen geen internet en de chatbot blijft maar dezelfde vragen stellen.",
    "Pakket kwijt. Chatbot helpt niet. Bellen kan niet meer. Top service weer.",
])
def test_dutch(text):
    assert language.detect_language(text) == "nl"
