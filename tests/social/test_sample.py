"""The calibrated sample: deterministic, exactly 2,200 published posts, counts that match an
independent reading of the files, the latest version of every post, and no personal data in
the database."""

import datetime as dt
import json
import os
import re

import pytest

from orchestration.privacy import mask_text
from tools.sample.social import personal_data_strings, write_social_sample

PLATFORMS = {"trustpilot", "reddit", "x"}


def _ts(value):
    if not isinstance(value, str) or "T" not in value.upper() and " " not in value:
        return None
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


def reference(files):
    """Spec §6 read independently: plain json.loads per physical line."""
    lines_read = quarantined = 0
    versions = {}
    for path in sorted(files):
        data = path.read_bytes()
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        for number, raw in enumerate(data.split(b"\n"), 1):
            raw = raw.rstrip(b"\r")
            if not raw.strip():
                continue
            lines_read += 1
            try:
                obj = json.loads(raw.decode("utf-8"))
            except ValueError:
                quarantined += 1
                continue
            ok = (isinstance(obj, dict) and obj.get("id") not in (None, "")
                  and obj.get("platform") in PLATFORMS
                  and isinstance(obj.get("text"), str) and obj["text"].strip()
                  and _ts(obj.get("created_at")) is not None
                  and (obj.get("collected_at") is None or _ts(obj.get("collected_at")) is not None)
                  and (obj.get("rating") is None or (obj["platform"] == "trustpilot"
                                                     and isinstance(obj["rating"], int)
                                                     and 1 <= obj["rating"] <= 5)))
            if not ok:
                quarantined += 1
                continue
            key = (obj["platform"], str(obj["id"]))
            coll = _ts(obj.get("collected_at")) or dt.datetime.min.replace(tzinfo=dt.timezone.utc)
            rank = (coll, path.name, number)
            if key not in versions or rank > versions[key][0]:
                versions[key] = (rank, obj)
    valid = lines_read - quarantined
    winners = {k: v[1] for k, v in versions.items()}
    return {"lines_read": lines_read, "quarantined": quarantined,
            "duplicates": valid - len(winners), "unique_posts": len(winners)}, winners


def test_sample_is_deterministic_and_leaves_unchanged_files_alone(tmp_path):
    a = write_social_sample(tmp_path / "a")
    b = write_social_sample(tmp_path / "b")
    assert [p.name for p in a] == [p.name for p in b]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b))
    for p in a:
        os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns - 10**9))
    before = {p.name: p.stat().st_mtime_ns for p in a}
    write_social_sample(tmp_path / "a")
    assert {p.name: p.stat().st_mtime_ns for p in a} == before


def test_sample_contents(tmp_path):
    files = write_social_sample(tmp_path)
    names = [p.name for p in files]
    assert [f"posts_2025-{m:02d}.jsonl" for m in range(1, 13)] == [n for n in names if "_" not in n[12:]]
    assert any("_reexport" in n for n in names)
    june = (tmp_path / "posts_2025-06.jsonl").read_bytes()
    assert june.startswith(b"\xef\xbb\xbf") and b"\r\n" in june
    text = b"".join(p.read_bytes() for p in files).decode("utf-8-sig")
    assert re.search(r'"id":[0-9]', text), "an integer id somewhere"


def test_published_posts_and_counts_match_an_independent_reading(sample_build):
    files = sorted(sample_build.home.landing_social.glob("posts_*.jsonl"))
    expected, _ = reference(files)
    totals = sample_build.totals()
    assert {k: totals[k] for k in expected} == expected
    assert totals["published_posts"] == 2200
    assert totals["quarantined"] > 5 and totals["duplicates"] > 50 and totals["non_dutch"] > 20


def test_the_latest_version_of_every_post_is_published(sample_build):
    files = sorted(sample_build.home.landing_social.glob("posts_*.jsonl"))
    _, winners = reference(files)
    published = {(p, i): t for p, i, t in sample_build.query(
        "select platform, post_id, text_masked from marts.fct_social_posts")}
    dutch = {k: v for k, v in winners.items() if k in published}
    assert len(dutch) == 2200
    mismatched = [k for k, obj in dutch.items() if mask_text(obj["text"]) != published[k]]
    assert not mismatched


def test_quarantine_table(sample_build):
    rows = sample_build.query("select file, line_number, reason from audit.social_quarantine order by 1, 2")
    assert len(rows) == sample_build.totals()["quarantined"]
    assert all(r[0].startswith("posts_2025-") and r[1] >= 1 and r[2] for r in rows)


def test_no_personal_data_anywhere_in_the_database(sample_build):
    files = sorted(sample_build.home.landing_social.glob("posts_*.jsonl"))
    secrets = set(personal_data_strings())
    for path in files:
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                for field in ("author", "url"):
                    if isinstance(obj.get(field), str) and len(obj[field]) > 3:
                        secrets.add(obj[field])
    tables = sample_build.query(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type like 'VARCHAR%' and table_schema not in ('information_schema', 'pg_catalog')")
    assert tables
    found = []
    for schema, table, column in tables:
        values = sample_build.query(f'select distinct "{column}" from "{schema}"."{table}" '
                                    f'where "{column}" is not null')
        blob = "\n".join(str(v[0]) for v in values)
        found += [(schema, table, column, s) for s in secrets if s in blob]
    assert not found, found[:10]


def test_marts_cover_every_theme_and_sector(sample_build):
    themes = {r[0] for r in sample_build.query("select distinct theme from marts.mart_social_themes")}
    assert themes == {"geen_medewerker", "chatbot_loop", "onjuist_antwoord", "alleen_faq", "niet_begrepen",
                      "wachttijd", "bereikbaarheid", "bot_of_mens", "opgelost"}
    sectors = {r[0] for r in sample_build.query("select distinct sector from marts.fct_social_posts")}
    assert sectors >= {"banken_verzekeraars", "bezorgdiensten", "nutsbedrijven", "online_retailers",
                       "overheid", "telecom", "zorg"}
    volume = sample_build.query("select sum(posts), sum(negative_posts) from marts.mart_social_volume")[0]
    assert volume[0] == 2200 and volume[1] > 1100          # mostly negative, as in the report
    assert sample_build.query("select count(distinct theme) from marts.mart_social_quotes")[0][0] == 9


@pytest.mark.parametrize("table,column,dtype", [
    ("fct_social_posts", "created_at", "TIMESTAMP WITH TIME ZONE"),
    ("fct_social_posts", "month", "DATE"),
    ("fct_social_posts", "themes", "VARCHAR[]"),
    ("fct_social_posts", "sentiment", "VARCHAR"),
    ("fct_social_posts", "text_masked", "VARCHAR"),
])
def test_fact_table_columns(sample_build, table, column, dtype):
    got = sample_build.query("select data_type from information_schema.columns where table_schema = 'marts' "
                             "and table_name = ? and column_name = ?", [table, column])
    assert got == [(dtype,)]


def test_quotes_follow_their_rule_read_independently(sample_build):
    """Up to five quotes per theme: posts with fewer themes first, then of readable length
    (80–400 characters), then the most recent, then (platform, post_id); texts over 400
    characters cut to 397 and an ellipsis. Computed here in plain Python from the facts."""
    facts = sample_build.query("select platform, post_id, themes, text_masked, created_at, month, sector, "
                               "sentiment, title_masked from marts.fct_social_posts")
    expected = []
    for theme in {t for row in facts for t in row[2]}:
        posts = [r for r in facts if theme in r[2]]
        posts.sort(key=lambda r: (r[0], r[1]))
        posts.sort(key=lambda r: r[4], reverse=True)             # stable sorts: last key first
        posts.sort(key=lambda r: (len(r[2]), 0 if 80 <= len(r[3]) <= 400 else 1))
        for rank, r in enumerate(posts[:5], 1):
            quote = r[3] if len(r[3]) <= 400 else r[3][:397] + "…"
            expected.append((theme, rank, r[0], r[1], r[5], r[6], r[7], r[8], quote))
    got = sample_build.query("select theme, quote_rank, platform, post_id, month, sector, sentiment, "
                             "title_masked, quote from marts.mart_social_quotes")
    assert len(expected) == 45
    assert sorted(got, key=repr) == sorted(expected, key=repr)
