"""Bad input seen by an operator of ``voice-monitor run`` (issue 17 items 1, 6, 7): misnamed files
and whole-file social rejects are listed on the console and the run exits 2 with the published
database untouched; an implausible date never reaches a month of the marts or the Parquet export;
no personal data of the new kinds reaches the published database."""

from __future__ import annotations

import gzip
import json

import pytest

from e2e_helpers import file_identity, home_env, query
from orchestration.cli import main as cli_main
from survey_factory import make_wave, write_wave

pytestmark = pytest.mark.slow

PERSONAL = {
    "bsn": ("Mijn BSN is 123.456.782, dat vroeg de chatbot gewoon.", "123.456.782"),
    "address": ("Pakket kwam nooit aan op 1234 AB 12, de chatbot zegt bezorgd.", "1234 AB 12"),
    "street": ("Ik woon aan de Kerkstraat 12 en de bezorger kwam niet.", "Kerkstraat 12"),
    "customer": ("Mijn klantnummer 12345678 kent de chatbot niet.", "12345678"),
    "order": ("ordernummer 2025-000123 staat nergens, geen medewerker te bereiken.", "2025-000123"),
    "case": ("dossiernummer ZK-4471-2025 en nog steeds geen antwoord van een medewerker.", "ZK-4471-2025"),
    "name": ("Hoi, ik ben Jan de Vries en de chatbot begrijpt mijn vraag niet.", "Jan de Vries"),
    "given": ("Mijn naam is Petronella Bakker, de chatbot snapt het niet.", "Petronella"),
    "signature": ("De chatbot begrijpt mijn vraag niet en ik kan geen medewerker bereiken.\nGroet, Anneke", "Anneke"),
}


def _post(id, text, created="2025-03-10T12:00:00+01:00", collected="2025-04-02T06:00:00+02:00"):
    return json.dumps({"id": id, "platform": "reddit", "created_at": created, "collected_at": collected,
                       "author": "tester", "title": None, "text": text}, ensure_ascii=False)


def _run(home, capsys) -> tuple[int, str]:
    code = cli_main(["--home", str(home.root), "run", "--quiet"])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad-input")
    with home_env(root) as home:
        home.ensure()
        write_wave(make_wave(2025, 300, seed=9), home.landing_survey / "voice_monitor_2025.csv")
        lines = [_post(f"pd-{k}", text) for k, (text, _) in PERSONAL.items()]
        lines.append(_post("far-future", "De chatbot begrijpt mijn vraag niet, geen medewerker.",
                           created="9999-12-31T23:00:00-14:00", collected="9999-12-31T23:30:00-14:00"))
        (home.landing_social / "posts_2025-03.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        code = cli_main(["--home", str(root), "run", "--quiet"])
        assert code == 0
        yield home


def test_new_kinds_of_personal_data_never_reach_the_published_database(published):
    texts = query(published.published_db, "select post_id, text_masked from marts.fct_social_posts")
    assert len(texts) == len(PERSONAL)
    for _, row in texts.iterrows():
        key = row["post_id"].removeprefix("pd-")
        assert PERSONAL[key][1] not in row["text_masked"], row["text_masked"]


def test_an_implausible_date_is_quarantined_and_the_export_works(published, tmp_path):
    quarantine = query(published.published_db, "select reason from audit.social_quarantine")
    assert list(quarantine["reason"]) == ["collected_at after the load time + 1 day"]
    months = query(published.published_db, "select max(month) as m from marts.fct_social_posts")
    assert months["m"][0].year == 2025
    code = cli_main(["--home", str(published.root), "export", str(tmp_path / "export")])
    assert code == 0
    assert (tmp_path / "export" / "marts" / "fct_social_posts.parquet").exists()


def test_misnamed_files_are_listed_with_the_expected_name_and_exit_2(published, capsys):
    before = file_identity(published.published_db)
    (published.landing_social / "posts-2025-13.jsonl").write_text(_post("m1", "tekst") + "\n")
    (published.landing_social / "posts.jsonl").write_text(_post("m2", "tekst") + "\n")
    (published.landing_survey / "posts.jsonl").write_text("{}\n")
    code, out = _run(published, capsys)
    assert code == 2, out
    for name in ("posts-2025-13.jsonl", "posts.jsonl"):
        assert name in out
    assert "posts_<YYYY>-<MM>[_<suffix>].jsonl" in out and "voice_monitor_<YYYY>" in out
    assert out.count("landing/social/posts.jsonl") >= 1 and "landing/survey/posts.jsonl" in out
    assert file_identity(published.published_db) == before


def test_gzip_utf16_and_all_malformed_exports_are_rejected_whole_with_exit_2(published, capsys):
    before = file_identity(published.published_db)
    good = (_post("g1", "De chatbot begrijpt me niet.") + "\n").encode()
    (published.landing_social / "posts_2025-05.jsonl").write_bytes(gzip.compress(good))
    (published.landing_social / "posts_2025-06.jsonl").write_bytes(good.decode().encode("utf-16"))
    (published.landing_social / "posts_2025-07.jsonl").write_text("{kapot\n[1, 2]\n")
    code, out = _run(published, capsys)
    assert code == 2, out
    for name, why in (("posts_2025-05.jsonl", "gzip"), ("posts_2025-06.jsonl", "UTF-16"),
                      ("posts_2025-07.jsonl", "no valid line")):
        assert name in out and why in out, out
        assert (published.quarantine / name).exists()
        assert (published.quarantine / f"{name}.errors.json").exists()
        assert not (published.landing_social / name).exists()
    assert "Traceback" not in out
    assert file_identity(published.published_db) == before
    statuses = query(published.published_db, "select 1")        # still a readable database
    assert len(statuses) == 1
