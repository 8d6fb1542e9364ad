"""Bad input at the file level (issue 17 items 4, 6, 7): over-long lines, files that are not UTF-8
text or have no valid line (rejected whole into quarantine/), and implausible dates and offsets."""

from __future__ import annotations

import gzip
import json
import os
import tracemalloc

import pytest

from orchestration.social import reader

from orchestration.warehouse import state
from conftest import make_home, post, write_lines  # noqa: E402  (tests/social on sys.path)
from conftest import ingest_home as run, query_home as rows  # noqa: E402


@pytest.fixture
def home(tmp_path):
    return make_home(tmp_path)


# --- item 4: a line over the size limit --------------------------------------------------------

def test_a_line_over_the_limit_is_quarantined_unparsed_and_the_rest_loads(home, monkeypatch):
    monkeypatch.setenv("VOICE_MONITOR_MAX_LINE_BYTES", "2000")
    monkeypatch.setattr(reader, "BLOCK_BYTES", 1500)           # the long line spans several reads
    huge = json.dumps(post("huge", text="lang verhaal " * 5000))
    write_lines(home.landing_social / "posts_2025-03.jsonl",
                [post("a"), huge, post("b"), " " * 5000, "{kapot", post("c"), "x" * 2500])
    f = run(home).files[0]
    assert f.status == "staged"
    assert (f.lines_read, f.valid_lines, f.malformed_lines) == (6, 3, 3)     # the blank long line is skipped
    assert rows(home, "select line_number, reason from raw.social_malformed_lines order by 1") == [
        (2, "line longer than 2,000 bytes"), (5, "invalid JSON"), (7, "line longer than 2,000 bytes")]
    assert rows(home, "select post_id, line_number from raw.social_posts order by 2") == [
        ("a", 1), ("b", 3), ("c", 6)]


def test_the_reader_holds_about_one_block_not_the_long_line(tmp_path):
    path = tmp_path / "posts_2025-03.jsonl"
    with open(path, "wb") as fh:
        fh.write(json.dumps(post("a")).encode() + b"\n")
        fh.write(b'{"id": "big", "text": "' + b"x" * (12 << 20) + b'"}\n')      # a 12 MB line
        fh.write(json.dumps(post("b")).encode() + b"\n")
    tracemalloc.start()
    try:
        blocks = list(reader.read_blocks(path, block_bytes=64 << 10, line_limit=256 << 10))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [int(n) for b in blocks for n in b.numbers] == [1, 3]
    assert [n for b in blocks for n in b.oversize] == [2]
    assert peak < 2 << 20, f"reader peaked at {peak / 2**20:.1f} MB for a 12 MB line"


def test_the_line_limit_setting_must_be_a_positive_number(monkeypatch):
    from orchestration.errors import UserError

    monkeypatch.setenv("VOICE_MONITOR_MAX_LINE_BYTES", "1MB")
    with pytest.raises(UserError, match="VOICE_MONITOR_MAX_LINE_BYTES='1MB' is not a whole number of bytes"):
        reader.max_line_bytes()
    monkeypatch.setenv("VOICE_MONITOR_MAX_LINE_BYTES", "0")
    with pytest.raises(UserError, match="more than 0 bytes"):
        reader.max_line_bytes()
    monkeypatch.setenv("VOICE_MONITOR_MAX_LINE_BYTES", "")
    assert reader.max_line_bytes() == 1 << 20


# --- item 6: whole-file rejects -----------------------------------------------------------

def _export_bytes(n=3) -> bytes:
    return b"".join(json.dumps(post(f"p{i}")).encode() + b"\n" for i in range(n))


WHOLE_FILE_CASES = {
    "gzip": (lambda: gzip.compress(_export_bytes()), "not_utf8_text", "gzip"),
    "utf16": (lambda: _export_bytes().decode().encode("utf-16"), "not_utf8_text", "UTF-16"),
    "utf16-no-bom": (lambda: _export_bytes().decode().encode("utf-16-le"), "not_utf8_text", "NUL"),
    "all-malformed": (lambda: b"{kapot\n" + json.dumps(post("x", platform="facebook")).encode() + b"\n\n[1]\n",
                      "no_valid_lines", "all 3 lines are malformed"),
    "empty": (lambda: b"\n  \n", "empty_file", "no lines"),
}


@pytest.mark.parametrize("case", sorted(WHOLE_FILE_CASES))
def test_a_file_without_valid_text_is_rejected_whole_into_quarantine(home, case):
    make, rule, words = WHOLE_FILE_CASES[case]
    data = make()
    path = home.landing_social / "posts_2025-05.jsonl"
    path.write_bytes(data)
    report = run(home)
    [f] = report.files
    assert f.status == "rejected" and rule in f.message and words in f.message
    assert "posts_2025-05.jsonl" in f.message and "quarantine" in f.message
    assert not path.exists()
    moved = home.quarantine / "posts_2025-05.jsonl"
    assert moved.read_bytes() == data
    errors = json.loads((home.quarantine / "posts_2025-05.jsonl.errors.json").read_text())
    assert errors["file"] == "posts_2025-05.jsonl" and errors["month"] == "2025-05"
    assert errors["quarantined_as"] == "quarantine/posts_2025-05.jsonl"
    assert errors["content_hash"] == f.content_hash
    assert errors["errors"][0]["rule"] == rule
    assert set(errors["errors"][0]) >= {"rule", "message", "count", "rows"}
    assert rows(home, "select count(*) from raw.social_posts") == [(0,)]
    assert rows(home, "select count(*) from raw.social_malformed_lines") == [(0,)]
    assert rows(home, "select count(*) from ops.deliveries") == [(0,)]
    assert rows(home, "select status from ops.ingested_files") == [("rejected",)]


def test_all_malformed_report_lists_reasons_and_lines(home):
    write_lines(home.landing_social / "posts_2025-05.jsonl", ["{kapot", "{ook kapot", "[1]"])
    run(home)
    errors = json.loads((home.quarantine / "posts_2025-05.jsonl.errors.json").read_text())["errors"]
    assert [(e["rule"], e["count"], e["rows"]) for e in errors] == [
        ("no_valid_lines", 3, [1, 2, 3]), ("malformed_line", 2, [1, 2]), ("malformed_line", 1, [3])]
    assert errors[1]["message"].startswith("invalid JSON") and errors[2]["message"].startswith("not a JSON object")


def test_a_rejected_redelivery_leaves_the_live_version(home):
    path = home.landing_social / "posts_2025-05.jsonl"
    write_lines(path, [post("a"), post("b")])
    run(home)
    con = state.connect(home)
    state.commit_pending(con)
    con.close()
    path.write_bytes(gzip.compress(path.read_bytes()))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert [f.status for f in run(home).files] == ["rejected"]
    live = """select r.post_id from raw.social_posts r join ops.active_deliveries d
              on d.kind = 'social' and d.key = r._delivery_key and d.content_hash = r._content_hash order by 1"""
    assert rows(home, live) == [("a",), ("b",)]


# --- item 7: plausible values --------------------------------------------------------------

PLAUSIBILITY = [
    ("1999-12-31T23:59:59Z", "2025-04-01T00:00:00Z", "created_at before 2000-01-01"),
    ("2000-01-01T00:00:00Z", "2025-04-01T00:00:00Z", None),
    ("2025-04-03T00:00:01Z", "2025-04-02T00:00:00Z", "created_at after collected_at + 1 day"),
    ("2025-04-03T00:00:00Z", "2025-04-02T00:00:00Z", None),                     # exactly one day later
    ("9999-12-31T23:00:00-14:00", "9999-12-31T23:30:00-14:00", "collected_at after the load time + 1 day"),
    ("9999-12-31T23:00:00-14:00", None, "created_at after the load time + 1 day"),
    ("2025-03-01T10:00:00+25:00", "2025-04-01T00:00:00Z", "created_at offset outside ±14:00"),
    ("2025-03-01T10:00:00+14:30", "2025-04-01T00:00:00Z", "created_at offset outside ±14:00"),
    ("2025-03-01T10:00:00-1401", "2025-04-01T00:00:00Z", "created_at offset outside ±14:00"),
    ("2025-03-01T10:00:00+10:75", "2025-04-01T00:00:00Z", "created_at offset outside ±14:00"),
    ("2025-03-01T10:00:00+14:00", "2025-04-01T00:00:00-14:00", None),
    ("2025-03-01T10:00:00-12", "2025-04-01T00:00:00+1400", None),
    ("2025-03-01T10:00:00Z", "2025-04-01T00:00:00+15:00", "collected_at offset outside ±14:00"),
]


def test_implausible_dates_and_offsets_are_quarantined_with_their_reason(home):
    lines = [post(f"p{i}", created_at=c, collected_at=k) for i, (c, k, _) in enumerate(PLAUSIBILITY)]
    write_lines(home.landing_social / "posts_2025-03.jsonl", lines)
    run(home)
    got = dict(rows(home, "select line_number, reason from raw.social_malformed_lines"))
    assert {i + 1: reason for i, (_, _, reason) in enumerate(PLAUSIBILITY) if reason} == got
    months = rows(home, "select max(year(created_at)) from raw.social_posts")
    assert months[0][0] < 10000


def test_every_reason_is_documented():
    from orchestration.paths import PROJECT_DIR
    from orchestration.social.parse import REASONS, line_too_long_reason

    doc = (PROJECT_DIR / "docs" / "social.md").read_text(encoding="utf-8")
    for reason in REASONS + (line_too_long_reason(1 << 20),):
        assert f"`{reason}`" in doc, reason
