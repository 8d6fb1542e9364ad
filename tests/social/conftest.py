"""Shared set-up of the social tests: temporary homes, and dbt builds shared per session.

Builds that run dbt are session fixtures (one per scenario) so the suite stays fast:
``sample_build`` (the calibrated sample, dbt tests included), ``rules_build`` (hand-made
exports for the dedup and count rules) and ``labelled_predictions`` (the labelled set
through the production path).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.paths import Home

TEST_KEY = "test-pseudonym-key-for-the-social-suite"


@pytest.fixture(autouse=True)
def _pseudonym_key(monkeypatch):
    monkeypatch.setenv("VOICE_MONITOR_PSEUDONYM_KEY", TEST_KEY)


def make_home(root: Path) -> Home:
    return Home.from_env(root).ensure()


def post(id, text="De chatbot begrijpt mijn vraag niet en ik kan geen medewerker bereiken.",
         platform="reddit", created_at="2025-03-10T12:00:00+01:00",
         collected_at="2025-04-02T06:00:00+02:00", **extra) -> dict:
    p = {"id": id, "platform": platform, "created_at": created_at, "collected_at": collected_at,
         "author": "jan_tester", "title": None, "text": text, "rating": None, "company": None, "url": None}
    if collected_at is None:
        del p["collected_at"]
    p.update(extra)
    return p


def write_lines(path: Path, lines: list, newline: str = "\n", bom: bool = False) -> Path:
    """Write export lines: dicts become JSON, str and bytes are written as they are."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = bytearray(b"\xef\xbb\xbf" if bom else b"")
    for line in lines:
        if isinstance(line, dict):
            line = json.dumps(line, ensure_ascii=False)
        out += line if isinstance(line, bytes) else line.encode("utf-8")
        out += newline.encode()
    path.write_bytes(bytes(out))
    return path


def ingest_home(home: Home, months=None):
    """``ingest_social`` over the home's landing zone (no dbt), on a connection of its own."""
    from orchestration.social.ingest import ingest_social
    from orchestration.warehouse import state

    con = state.connect(home)
    try:
        return ingest_social(con, home, "test-run", months=months)
    finally:
        con.close()


def query_home(home: Home, sql: str, params=None) -> list:
    from orchestration.warehouse import state

    con = state.connect(home)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@dataclass
class Build:
    home: Home

    def query(self, sql: str, params=None):
        con = duckdb.connect(str(self.home.work_db), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def totals(self) -> dict:
        cols = ["lines_read", "quarantined", "duplicates", "unique_posts", "non_dutch", "published_posts"]
        row = self.query(f"select {', '.join(cols)} from audit.social_load_totals")[0]
        return dict(zip(cols, row))


def ingest_and_build(home: Home, tests: bool = False) -> Build:
    from orchestration.social.ingest import ingest_social
    from tools.classifier.production import build_social_models
    from orchestration.warehouse import state

    os.environ["VOICE_MONITOR_PSEUDONYM_KEY"] = TEST_KEY
    con = state.connect(home)
    try:
        report = ingest_social(con, home, "test")
        assert not report.failed, report.failed
    finally:
        con.close()
    build_social_models(home, tests=tests)
    return Build(home)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Build:
    from tools.sample.social import write_social_sample

    home = make_home(tmp_path_factory.mktemp("social-sample"))
    write_social_sample(home.landing_social)
    return ingest_and_build(home, tests=True)


# --- the rule scenarios: every post id below is used by exactly one scenario ----------------

RULE_FILES = {
    # mixed offsets: 09:00Z is later than 10:30+02:00 (08:30Z) although it sorts first as text,
    # and it sits in the earlier file name
    "posts_2025-03_z.jsonl": [
        post("mix-1", "Versie A van de klacht: de chatbot begrijpt mijn vraag niet.",
             collected_at="2025-04-02T10:30:00+02:00"),
        post("tie-file", "Versie Z van de klacht: ik kan geen medewerker bereiken.",
             collected_at="2025-04-02T06:00:00+02:00"),
        post("no-coll", "Versie zonder collected_at: ik kan geen medewerker bereiken.", collected_at=None),
        post(12345, "Versie met een integer id: de chatbot begrijpt mijn vraag niet.", platform="x",
             collected_at="2025-04-02T06:00:00+02:00"),
        post("en-1", "The chatbot keeps asking the same questions and I cannot reach a human at all.",
             platform="x"),
    ],
    "posts_2025-03_a.jsonl": [
        post("mix-1", "Versie B van de klacht: de chatbot begrijpt mijn vraag niet.",
             collected_at="2025-04-02T09:00:00Z"),
        post("tie-file", "Versie A van de klacht: ik kan geen medewerker bereiken.",
             collected_at="2025-04-02T04:00:00Z"),
        post("no-coll", "Versie met collected_at: ik kan geen medewerker bereiken."),
        post("tie-line", "Eerste regel van dezelfde post: de chatbot snapt het niet.",
             collected_at="2025-04-02T06:00:00+02:00"),
        post("tie-line", "Tweede regel van dezelfde post: de chatbot snapt het niet.",
             collected_at="2025-04-02T04:00:00+00:00"),
        post("same", "Precies dezelfde regel in twee bestanden: de chatbot snapt het niet."),
        post("12345", "Versie met een string id, later verzameld: de chatbot begrijpt mijn vraag niet.",
             platform="x", collected_at="2025-04-03T06:00:00+02:00"),
    ],
    "posts_2025-04.jsonl": [
        post("same", "Precies dezelfde regel in twee bestanden: de chatbot snapt het niet."),
        post("older", "Oudste versie: ik heb al drie keer gebeld en niemand neemt op.",
             collected_at="2025-05-01T06:00:00+02:00"),
        post("older", "Nieuwste versie: ik heb al vier keer gebeld en niemand neemt op.",
             collected_at="2025-05-20T06:00:00+02:00"),
        # the month of a post is the month of created_at in Europe/Amsterdam (spec §6)
        post("ams-maart", "Om half twaalf 's avonds nog de chatbot geprobeerd, hij begreep mijn vraag niet.",
             created_at="2025-03-31T21:30:00Z"),           # 23:30 summer time, still 31 March
        post("ams-april", "Na middernacht weer de chatbot geprobeerd en nog steeds geen medewerker bereikt.",
             created_at="2025-03-31T22:30:00Z"),           # 00:30 summer time: 1 April
        post("ams-winter", "Midden in de nacht gebeld met de klantenservice maar er nam niemand op.",
             created_at="2025-01-31T23:30:00Z"),           # 00:30 winter time: 1 February
    ],
}
# expected: 18 lines (5 + 7 + 6), none malformed; keys: mix-1, tie-file, no-coll, x:12345, x:en-1,
# tie-line, same, older, ams-maart, ams-april, ams-winter = 11 unique; duplicates 18 - 11 = 7;
# non-Dutch 1 (en-1); published 10
RULE_EXPECTED = {"lines_read": 18, "quarantined": 0, "duplicates": 7, "unique_posts": 11,
                 "non_dutch": 1, "published_posts": 10}
RULE_MONTHS = {"ams-maart": "2025-03-01", "ams-april": "2025-04-01", "ams-winter": "2025-02-01"}
RULE_WINNERS = {
    ("reddit", "mix-1"): "Versie B",
    ("reddit", "tie-file"): "Versie Z",
    ("reddit", "no-coll"): "Versie met collected_at",
    ("reddit", "tie-line"): "Tweede regel",
    ("x", "12345"): "Versie met een string id",
    ("reddit", "older"): "Nieuwste versie",
}


@pytest.fixture(scope="session")
def rules_build(tmp_path_factory) -> Build:
    home = make_home(tmp_path_factory.mktemp("social-rules"))
    for name, lines in RULE_FILES.items():
        write_lines(home.landing_social / name, lines)
    return ingest_and_build(home, tests=True)


@pytest.fixture(scope="session")
def labelled_predictions(tmp_path_factory):
    """The labelled set through the production path: (labelled posts, predictions by id: lang
    for every post, sector / themes / sentiment for the published ones)."""
    from tools.classifier.corpus import LABELLED, read_jsonl
    from tools.classifier.production import process

    posts = read_jsonl(LABELLED)
    os.environ["VOICE_MONITOR_PSEUDONYM_KEY"] = TEST_KEY
    processed, _ = process(posts, workdir=tmp_path_factory.mktemp("social-labelled"))
    pred = {pid: ({"lang": p.lang, "sector": p.sector, "themes": list(p.themes), "sentiment": p.sentiment}
                  if p.published else {"lang": p.lang}) for pid, p in processed.items()}
    return posts, pred
