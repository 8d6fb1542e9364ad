"""Masking of personal data and keyed pseudonyms (spec §6)."""

import hashlib
import os
import stat

import duckdb
import pytest

from orchestration import privacy
from orchestration.paths import Home
from orchestration.privacy import load_or_create_key, mask_text, needs_masking, pseudonymise

PHONES = [
    "+31 (0)6 12345678", "+31 (0)6 1234 5678", "+31 (0)6-123 456 78", "+31(0)6-11223344",
    "06-12345678", "06 12345678", "0612345678", "06 12 34 56 78", "06.12.34.56.78", "0612 345 678",
    "06 - 123 456 78", "06/12345678", "+31 6 12345678", "+31612345678", "+31-6-12345678",
    "0031 6 12345678", "0031 (0)6 1234 5678",
    "0800-1234", "0800 0123", "0800-9009", "0900-1234567", "0900-0123",
    "020 - 123 45 67", "020-1234567", "(020) 123 4567", "+31 20 123 45 67", "+31 (0)20 123 4567",
    "088-1234567", "088 - 123 4567", "010-7654321", "030 - 123 45 67",
    "+32 470 12 34 56", "+49 30 1234567", "+44 20 7946 0958",
]


@pytest.mark.parametrize("number", PHONES)
def test_phone_numbers_are_masked(number):
    text = f"Bel me gerust op {number}, liefst na vijf uur."
    masked = mask_text(text)
    assert "[telefoon]" in masked
    digits = [c for c in number if c.isdigit()]
    assert sum(c.isdigit() for c in masked) < len(digits), masked
    assert masked.endswith(", liefst na vijf uur.")


@pytest.mark.parametrize("text", [
    "Op 01-02-2025 om 10:30 gebeld.", "Besteld op 2025-03-01, nog niks.", "Artikel 123456789012.",
    "Het ging om € 1.234,56.", "Al 3 weken, 45 minuten in de wacht, 12 keer gebeld.",
    "Pakket 3SABC1234567 ligt bij de buren.", "Bel 14 020 of 1400 voor de gemeente.",
])
def test_dates_amounts_and_codes_are_not_phone_numbers(text):
    assert mask_text(text) == text


def test_emails_handles_urls_and_iban():
    text = ("Mail j.devries1978@gmail.com of info@example.nl, volg @jan_de_vries en u/piet-88, "
            "zie https://www.example.nl/klacht?id=3 en www.mijnklacht.nl/dossier/1 en "
            "example.nl/u/jan. IBAN NL91 ABNA 0417 1643 00.")
    masked = mask_text(text)
    for secret in ("j.devries1978", "gmail", "info@", "jan_de_vries", "piet-88", "https", "www.",
                   "mijnklacht", "example.nl/u", "0417"):
        assert secret not in masked, (secret, masked)
    assert masked.count("[email]") == 2
    assert masked.count("[handle]") == 2
    assert masked.count("[url]") == 3
    assert "[iban]" in masked


def test_company_names_and_plain_text_are_kept():
    text = "Bol.com en PostNL: de chatbot snapt er niks van, 3 keer gebeld."
    assert mask_text(text) == text
    assert mask_text(None) is None
    assert mask_text("") == ""


def test_url_keeps_sentence_punctuation():
    assert mask_text("Zie www.example.nl/abc.") == "Zie [url]."


def test_trigger_is_a_superset_of_masking():
    samples = PHONES + ["a@b.nl", "@handle", "u/name_1", "https://x.nl", "www.x.nl", "x.nl/abc",
                        "NL91ABNA0417164300", "geen persoonsgegevens hier", "om 10:30 en 14:45"]
    for s in samples:
        if mask_text(s) != s:
            assert needs_masking(s), s


def test_trigger_pattern_works_in_duckdb():
    con = duckdb.connect()
    rows = con.execute("select t, regexp_matches(t, ?) from (select unnest(?::varchar[]) t)",
                       [privacy.MASK_TRIGGER, PHONES + ["gewone zin zonder iets"]]).fetchall()
    for text, hit in rows:
        assert hit == needs_masking(text), text


def test_pseudonym_is_keyed_hmac():
    a = pseudonymise("reddit:jan", b"key-one")
    assert a == pseudonymise("reddit:jan", b"key-one")
    assert a != pseudonymise("reddit:jan", b"key-two")
    assert a != pseudonymise("reddit:piet", b"key-one")
    plain = hashlib.sha256(b"reddit:jan").hexdigest()
    assert not plain.startswith(a) and a not in plain
    assert pseudonymise(None, b"k") is None
    with pytest.raises(ValueError):
        pseudonymise("x", b"")


def test_sql_hmac_equals_python():
    key = b"a key that is used in SQL"
    ipad, opad = privacy.hmac_sql_parts(key)
    values = ["reddit:jan", "x:émile 😀", "trustpilot:" + "a" * 300]
    con = duckdb.connect()
    got = con.execute("select left(sha256(?::blob || unhex(sha256(?::blob || encode(v)))), ?) "
                      "from (select unnest(?::varchar[]) v)",
                      [opad, ipad, privacy.PSEUDONYM_CHARS, values]).fetchall()
    assert [g[0] for g in got] == [pseudonymise(v, key) for v in values]


def test_key_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("VOICE_MONITOR_PSEUDONYM_KEY", "from-env")
    assert load_or_create_key(Home(tmp_path)) == b"from-env"
    assert not Home(tmp_path).secret_key.exists()


def test_key_generated_once_outside_the_published_database(monkeypatch, tmp_path):
    monkeypatch.delenv("VOICE_MONITOR_PSEUDONYM_KEY", raising=False)
    home = Home(tmp_path)
    key = load_or_create_key(home)
    assert len(key) >= 32
    assert load_or_create_key(home) == key
    assert home.secret_key.parent == home.state
    assert home.warehouse_dir not in home.secret_key.parents
    if os.name == "posix":
        assert stat.S_IMODE(home.secret_key.stat().st_mode) == 0o600
