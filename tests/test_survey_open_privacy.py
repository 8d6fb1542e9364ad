"""The survey's OPEN answers (and free text in unknown columns) are masked at ingestion with the
same rules as social posts (issue 17 item 1): the build database never holds the raw answer."""

from __future__ import annotations

import json

import pytest

from orchestration.paths import Home
from orchestration.privacy import mask_text
from orchestration.survey.ingest import ingest_survey
from orchestration.warehouse import state
from survey_factory import make_wave, write_wave

ANSWERS = [
    "Mail me op jan.jansen@example.nl of bel 06-12345678.",
    "Ik ben Petra de Vries en mijn BSN is 123456782.",
    "Mijn klantnummer is 87654321, adres Kerkstraat 12, 1234 AB Utrecht.",
    "De chatbot begreep me niet.\nGroet, Sanne",
    "Geen persoonsgegevens, gewoon een mening over 3 chatbots.",
]
SECRETS = ["jan.jansen", "06-12345678", "Petra", "Vries", "123456782", "87654321", "Kerkstraat 12",
           "1234 AB", "Sanne", "geheim@example.org", "0612345670"]


@pytest.mark.parametrize("ext", [".csv", ".parquet"])
def test_open_answers_are_masked_before_they_reach_the_build_database(tmp_path, ext):
    home = Home.from_env(tmp_path / "home").ensure()
    f = make_wave(2026, 40, seed=5)
    f["OPEN"] = [ANSWERS[i % len(ANSWERS)] for i in range(len(f))]
    f["CONTACT"] = ["geheim@example.org" if i % 2 else "bel 0612345670" for i in range(len(f))]   # unknown column
    write_wave(f, home.landing_survey / f"voice_monitor_2026{ext}")
    con = state.connect(home)
    try:
        outcomes = ingest_survey(con, home, "test-run")
        assert [o.status for o in outcomes] == ["staged"], outcomes
        raw = con.execute("select * from raw.survey_responses order by _row_number").df()
        dump = con.execute("select * from raw.survey_responses").df().to_json()
    finally:
        con.close()
    assert list(raw["OPEN_MASKED"]) == [mask_text(a) for a in f["OPEN"]]
    assert list(raw["OPEN"]) == list(raw["OPEN_MASKED"])          # the column holds the masked answer
    assert raw["OPEN_MASKED"].str.contains(r"\[(?:email|telefoon|naam|bsn|nummer|adres)\]").sum() >= 30
    extra = [json.loads(v)["CONTACT"] for v in raw["_extra_columns"]]
    assert set(extra) == {"[email]", "bel [telefoon]"}
    for secret in SECRETS:
        assert secret not in dump, secret
