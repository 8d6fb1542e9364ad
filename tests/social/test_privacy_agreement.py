"""One definition, two engines: the masking run set-based in DuckDB (RE2, ``privacy.mask_texts`` and
the social ingestion) gives the same text as ``privacy.mask_text`` in Python, on thousands of
generated texts (realistic posts, and random mixtures of the rules' building blocks)."""

from __future__ import annotations

import random

from orchestration.privacy import mask_text, mask_texts
from orchestration.social.ingest import ingest_social
from orchestration.warehouse import state
from conftest import make_home, post, write_lines  # noqa: E402  (tests/social on sys.path)
from privacy_corpus import mixed_texts  # noqa: E402

PIECES = ["ik", "ben", "Ik", "Jan", "de", "Vries", "met", "Met", "Groet", ",", ".", "\n", " ", "mijn", "naam",
          "is", "klantnummer", "nr.", "12", "1234", "AB", "ab", "123456782", "Kerkstraat", "laan", "@",
          "www.", "http://", "x.nl/", "u/", "NL91", "ABNA", "0417164300", "06-12345678", "€", "1.234,56",
          "é", "Ö", "\u212a", "ſ", "ı", "\u00a0", "😡", "-", "/", "#", ":", "(", ")", "Mvg", "Bedankt",
          "Ziggo", "klant", "BSN", "straat", "weg", "Lange", "Sint", "Burg.", "3a", "104-2", "'t", "van",
          "der", "\t", "\r\n", "Zoë", "Anne-Marie", "[email]", "[", "]", "'", '"', "Ziggo-klant", "spreekt",
          "Hallo", "Naam:", "\ue000\ue001", "assistent", "postcode", "€ 123.456.782", "+31", "(0)6"]


def _random_texts(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) + rng.choice(["", " ", " ", ""]) for _ in range(rng.randint(1, 14)))
            for _ in range(n)]


def test_sql_and_python_agree_on_thousands_of_texts():
    texts = mixed_texts(3000) + _random_texts(7000)
    expected = [mask_text(t) for t in texts]
    got = mask_texts(texts)
    changed = sum(e != t for e, t in zip(expected, texts))
    assert changed > 3000                    # the corpus does exercise the rules
    differ = [(t, e, g) for t, e, g in zip(texts, expected, got) if e != g]
    assert not differ, differ[:5]


def test_ingestion_masks_exactly_like_mask_text(tmp_path):
    """The social load (plain rules in SQL, checked rules in Python for the rows SQL selects)."""
    home = make_home(tmp_path)
    texts = [t for t in mixed_texts(600, seed=11) if t and t.strip()]
    lines = [post(f"p{i}", text=t, title=(texts[-1 - i][:80] if i % 3 == 0 else None))
             for i, t in enumerate(texts)]
    write_lines(home.landing_social / "posts_2025-03.jsonl", lines)
    con = state.connect(home)
    try:
        report = ingest_social(con, home, "test")
        assert [f.status for f in report.files] == ["staged"]
        rows = con.execute("select post_id, title_masked, text_masked from raw.social_posts").fetchall()
    finally:
        con.close()
    by_id = {p["id"]: p for p in lines}
    assert len(rows) == len(lines)
    for post_id, title, text in rows:
        assert text == mask_text(by_id[post_id]["text"]), post_id
        assert title == mask_text(by_id[post_id]["title"]), post_id
