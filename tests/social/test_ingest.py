"""Ingestion rules of spec §6 at the raw level (no dbt): parsing, quarantine reasons, physical
line numbers, BOM/CRLF, idempotency, replacement of a changed file, file names."""

import json
import os

import pytest

from orchestration.privacy import pseudonymise
from orchestration.social.ingest import parse_file_name
from orchestration.warehouse import state

from conftest import TEST_KEY, make_home, post, write_lines  # noqa: E402  (tests/social on sys.path)
from conftest import ingest_home as run, query_home as rows  # noqa: E402


@pytest.fixture
def home(tmp_path):
    return make_home(tmp_path)


MALFORMED_CASES = [
    ('{"id": "x1", "platform": "reddit", "created_at": "2025-03-01T10:00:00+01:00", "text": "Mijn pakket', "invalid JSON"),
    ('{"id": "x2", "platform": "reddit", "created_at": "2025-03-01T10:00:00+01:00", "text": "a",}', "invalid JSON"),
    ("dit is geen json", "invalid JSON"),
    ('["een", "lijst"]', "not a JSON object"),
    ('"een string"', "not a JSON object"),
    ('{"platform": "reddit", "created_at": "2025-03-01T10:00:00+01:00", "text": "zonder id"}', "missing id"),
    ('{"id": "", "platform": "reddit", "created_at": "2025-03-01T10:00:00+01:00", "text": "leeg id"}', "missing id"),
    ('{"id": null, "platform": "reddit", "created_at": "2025-03-01T10:00:00+01:00", "text": "null id"}', "missing id"),
    ('{"id": 1.5, "platform": "reddit", "created_at": "2025-03-01T10:00:00+01:00", "text": "float id"}', "id is not a string or integer"),
    ('{"id": "x3", "created_at": "2025-03-01T10:00:00+01:00", "text": "zonder platform"}', "missing platform"),
    ('{"id": "x4", "platform": "facebook", "created_at": "2025-03-01T10:00:00+01:00", "text": "onbekend"}', "unknown platform"),
    ('{"id": "x5", "platform": "reddit", "created_at": "2025-03-01T10:00:00+01:00"}', "missing text"),
    ('{"id": "x6", "platform": "reddit", "created_at": "2025-03-01T10:00:00+01:00", "text": "   "}', "missing text"),
    ('{"id": "x7", "platform": "reddit", "created_at": "2025-03-01T10:00:00+01:00", "text": 42}', "text is not a string"),
    ('{"id": "x8", "platform": "reddit", "text": "zonder datum"}', "missing created_at"),
    ('{"id": "x9", "platform": "reddit", "created_at": "2025-03-01T10:00:00", "text": "geen offset"}', "created_at is not an ISO-8601 timestamp with offset"),
    ('{"id": "x10", "platform": "reddit", "created_at": "2025-02-30T10:00:00+01:00", "text": "geen datum"}', "created_at is not an ISO-8601 timestamp with offset"),
    ('{"id": "x11", "platform": "reddit", "created_at": "gisteren", "text": "tekst"}', "created_at is not an ISO-8601 timestamp with offset"),
    ('{"id": "x12", "platform": "reddit", "created_at": "2025-03-01T10:00:00+01:00", "collected_at": "2025-03-02 10:00", "text": "a"}', "collected_at is not an ISO-8601 timestamp with offset"),
    ('{"id": "x13", "platform": "reddit", "created_at": "2025-03-01T10:00:00+01:00", "text": "a", "rating": 4}', "rating on a non-Trustpilot post"),
    ('{"id": "x14", "platform": "x", "created_at": "2025-03-01T10:00:00+01:00", "text": "a", "rating": 1}', "rating on a non-Trustpilot post"),
    ('{"id": "x15", "platform": "trustpilot", "created_at": "2025-03-01T10:00:00+01:00", "text": "a", "rating": 6}', "rating out of range 1-5"),
    ('{"id": "x16", "platform": "trustpilot", "created_at": "2025-03-01T10:00:00+01:00", "text": "a", "rating": 0}', "rating out of range 1-5"),
    ('{"id": "x17", "platform": "trustpilot", "created_at": "2025-03-01T10:00:00+01:00", "text": "a", "rating": 3.5}', "rating is not an integer"),
    ('{"id": "x18", "platform": "trustpilot", "created_at": "2025-03-01T10:00:00+01:00", "text": "a", "rating": "4"}', "rating is not an integer"),
    ('{"id": "x19", "platform": "reddit", "created_at": "2025-03-01T10:00:00+01:00", "text": "a", "title": ["x"]}', "title is not a string"),
    (b'{"id": "x20", "platform": "reddit", "created_at": "2025-03-01T10:00:00+01:00", "text": "caf\xe9"}', "invalid UTF-8"),
]


def test_each_malformed_case_is_quarantined_with_reason_and_line(home):
    lines = [post("ok-1")]
    for line, _ in MALFORMED_CASES:
        lines.append(line)
    lines.append(post("ok-2"))
    write_lines(home.landing_social / "posts_2025-03.jsonl", lines)
    report = run(home)
    f = report.files[0]
    assert (f.lines_read, f.valid_lines, f.malformed_lines) == (len(lines), 2, len(MALFORMED_CASES))
    got = rows(home, "select line_number, reason from raw.social_malformed_lines order by line_number")
    expected = [(i + 2, reason) for i, (_, reason) in enumerate(MALFORMED_CASES)]
    assert got == expected
    assert rows(home, "select post_id, line_number from raw.social_posts order by 2") == \
        [("ok-1", 1), ("ok-2", len(lines))]


def test_quarantine_never_holds_the_line(home):
    write_lines(home.landing_social / "posts_2025-03.jsonl",
                ['{"id": "p", "platform": "facebook", "created_at": "2025-03-01T10:00:00+01:00", '
                 '"text": "mail jan@example.nl of 06-12345678"}', post("ok")])
    run(home)
    cols = rows(home, "select column_name from duckdb_columns() where schema_name = 'raw' "
                      "and table_name = 'social_malformed_lines'")
    assert {c[0] for c in cols} == {"_delivery_key", "_content_hash", "_source_file", "_loaded_at",
                                    "line_number", "reason"}
    assert rows(home, "select reason from raw.social_malformed_lines") == [("unknown platform",)]


def test_blank_lines_are_skipped_and_not_counted_but_line_numbers_stay_physical(home):
    write_lines(home.landing_social / "posts_2025-03.jsonl",
                ["", post("a"), "   ", "\t", post("b"), "", "{kapot", ""])
    f = run(home).files[0]
    assert (f.lines_read, f.valid_lines, f.malformed_lines) == (3, 2, 1)
    assert rows(home, "select post_id, line_number from raw.social_posts order by 2") == [("a", 2), ("b", 5)]
    assert rows(home, "select line_number from raw.social_malformed_lines") == [(7,)]


def test_bom_and_crlf(home):
    write_lines(home.landing_social / "posts_2025-06.jsonl",
                [post("a"), post("b"), "", post("c")], newline="\r\n", bom=True)
    f = run(home).files[0]
    assert (f.lines_read, f.malformed_lines) == (3, 0)
    assert rows(home, "select post_id, line_number from raw.social_posts order by 2") == \
        [("a", 1), ("b", 2), ("c", 4)]
    assert rows(home, "select count(*) from raw.social_posts where text_masked like '%' || chr(13) || '%'") == [(0,)]


def test_last_line_without_newline_and_tiny_read_blocks(home):
    from orchestration.social import reader

    path = home.landing_social / "posts_2025-03.jsonl"
    data = "\n".join(json.dumps(post(f"p{i}")) for i in range(50))  # no final newline
    path.write_text(data, encoding="utf-8")
    blocks = list(reader.read_blocks(path, 97))     # lines straddle blocks
    numbers = [int(n) for b in blocks for n in b.numbers]
    assert numbers == list(range(1, 51))
    values = [v.as_py().decode() for b in blocks for v in b.values]
    assert [json.loads(v)["id"] for v in values] == [f"p{i}" for i in range(50)]


def test_integer_id_is_read_as_text_and_platform_case(home):
    write_lines(home.landing_social / "posts_2025-03.jsonl",
                [post(12345, platform="x"), post(9007199254740993, platform="X")])
    run(home)
    assert rows(home, "select platform, post_id from raw.social_posts order by 2") == \
        [("x", "12345"), ("x", "9007199254740993")]


def test_timestamps_with_any_offset(home):
    write_lines(home.landing_social / "posts_2025-03.jsonl", [
        post("a", created_at="2025-03-01T10:00:00+01:00", collected_at="2025-04-01T09:00:00Z"),
        post("b", created_at="2025-03-01T10:00:00.123+0100", collected_at="2025-04-01T11:00:00+02"),
        post("c", created_at="2025-03-01 09:00:00Z", collected_at=None),
    ])
    run(home)
    got = rows(home, "select post_id, epoch(created_at), epoch(collected_at) from raw.social_posts order by 1")
    assert got[0][1] == got[2][1] == pytest.approx(got[1][1], abs=0.2)
    assert got[0][2] == got[1][2]
    assert got[2][2] is None


def test_personal_data_is_masked_and_author_pseudonymised_at_ingestion(home):
    write_lines(home.landing_social / "posts_2025-03.jsonl", [
        post("a", text="Bel me op 06-12345678 of mail jan@example.nl, groet @jan_de_vries",
             title="Zie www.example.nl/jan", author="Jan de Vries", url="https://reddit.com/u/jandevries"),
    ])
    run(home)
    title, text, author = rows(home, "select title_masked, text_masked, author_pseudonym from raw.social_posts")[0]
    assert text == "Bel me op [telefoon] of mail [email], groet [handle]"
    assert title == "Zie [url]"
    assert author == pseudonymise("reddit:Jan de Vries", TEST_KEY.encode())
    dump = json.dumps(rows(home, "select * from raw.social_posts"), default=str)
    for secret in ("06-12345678", "jan@example.nl", "jan_de_vries", "Jan de Vries", "jandevries", "www.example"):
        assert secret not in dump


def test_language_is_detected_at_ingestion(home):
    write_lines(home.landing_social / "posts_2025-03.jsonl", [
        post("nl", text="Ik heb al drie keer gebeld en niemand neemt op, dit is toch niet normaal?"),
        post("en", text="I have called three times and nobody picks up, this is not normal at all."),
        post("de", text="Ich habe dreimal angerufen und niemand geht ran, das ist doch nicht normal."),
    ])
    run(home)
    assert dict(rows(home, "select post_id, lang from raw.social_posts")) == {"nl": "nl", "en": "en", "de": "de"}


def test_loading_the_same_file_twice_changes_nothing(home):
    write_lines(home.landing_social / "posts_2025-03.jsonl", [post("a"), post("b"), "kapot"])
    first = run(home)
    snapshot = rows(home, "select * exclude (_loaded_at) from raw.social_posts order by all")
    second = run(home)
    assert len(first.staged) == 1 and not second.files and second.unchanged
    assert rows(home, "select * exclude (_loaded_at) from raw.social_posts order by all") == snapshot
    con = state.connect(home)
    state.commit_pending(con)
    con.close()
    third = run(home)
    assert not third.files
    assert rows(home, "select count(*) from raw.social_malformed_lines") == [(1,)]


def test_a_changed_file_replaces_the_lines_it_contributed(home):
    path = home.landing_social / "posts_2025-03.jsonl"
    write_lines(path, [post("a"), post("b"), "kapot"])
    run(home)
    con = state.connect(home)
    state.commit_pending(con)
    con.close()
    write_lines(path, [post("b", text="Aangepaste tekst: de chatbot begrijpt me nog steeds niet."), post("c")])
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    report = run(home)
    assert len(report.staged) == 1
    live = """select r.post_id from raw.social_posts r join ops.active_deliveries d
              on d.kind = 'social' and d.key = r._delivery_key and d.content_hash = r._content_hash order by 1"""
    assert rows(home, live) == [("b",), ("c",)]
    con = state.connect(home)
    state.commit_pending(con)
    con.close()
    assert rows(home, "select post_id from raw.social_posts order by 1") == [("b",), ("c",)]
    assert rows(home, "select count(*) from raw.social_malformed_lines") == [(0,)]


def test_a_file_put_back_as_it_was_is_restaged_without_parsing(home):
    path = home.landing_social / "posts_2025-03.jsonl"
    write_lines(path, [post("a")])
    run(home)
    write_lines(path, [post("b")])
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    run(home)                         # b replaces the pending a (whose rows become garbage)
    con = state.connect(home)
    state.commit_pending(con)
    con.close()
    write_lines(path, [post("a")])
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 2 * 10**9))
    report = run(home)
    assert report.files[0].status == "staged"     # a's rows were collected as garbage: parsed again
    assert rows(home, "select count(*) from raw.social_posts where post_id = 'a'") == [(1,)]


def test_a_load_that_fails_after_committed_blocks_leaves_nothing(home, monkeypatch):
    """Blocks are committed one by one (memory): a failure half-way removes them, records the
    file as failed, and the live rows of an earlier version stay."""
    from orchestration.social import ingest, reader

    path = home.landing_social / "posts_2025-03.jsonl"
    write_lines(path, [post("old")])
    run(home)
    con = state.connect(home)
    state.commit_pending(con)
    con.close()
    write_lines(path, [post(f"n{i}") for i in range(40)])
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    monkeypatch.setattr(reader, "BLOCK_BYTES", 600)            # several blocks
    calls = {"n": 0}
    finish = ingest._finish_block

    def failing_finish(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return finish(*args, **kwargs)

    monkeypatch.setattr(ingest, "_finish_block", failing_finish)
    report = run(home)
    assert [f.status for f in report.files] == ["failed"] and "disk full" in report.files[0].message
    assert calls["n"] == 3                                      # two blocks had been committed
    assert rows(home, "select post_id from raw.social_posts order by 1") == [("old",)]
    assert rows(home, "select status from ops.ingested_files where status = 'failed'") == [("failed",)]


def test_rows_a_crash_left_behind_are_not_taken_for_a_complete_load(home):
    path = home.landing_social / "posts_2025-03.jsonl"
    write_lines(path, [post("a"), post("b")])
    digest = None
    run(home)
    con = state.connect(home)
    (digest,) = con.execute("select content_hash from ops.deliveries").fetchall()[0]
    # as after a crash between two block commits: rows of this content, but no delivery
    con.execute("delete from ops.deliveries")
    con.execute("delete from raw.social_posts where post_id = 'b'")
    con.close()
    report = run(home)
    assert [f.status for f in report.files] == ["staged"]       # parsed again, not "restaged"
    assert rows(home, "select post_id from raw.social_posts where _content_hash = ? order by 1",
                [digest]) == [("a",), ("b",)]


def test_other_names_are_ignored_once_and_months_filter(home):
    write_lines(home.landing_social / "posts_2025-03.jsonl", [post("a")])
    write_lines(home.landing_social / "posts_2025-04_fix.jsonl", [post("b")])
    write_lines(home.landing_social / "export.jsonl", [post("c")])
    write_lines(home.landing_social / "posts_2025-13.jsonl", [post("d")])
    first = run(home, months={"2025-03"})
    assert sorted((f.path.split("/")[-1], f.status) for f in first.files) == [
        ("export.jsonl", "ignored"), ("posts_2025-03.jsonl", "staged"), ("posts_2025-13.jsonl", "ignored")]
    assert rows(home, "select status from ops.ingested_files where path like '%export.jsonl'") == [("ignored",)]
    second = run(home)
    assert [(f.path.split("/")[-1], f.status) for f in second.files] == [("posts_2025-04_fix.jsonl", "staged")]


@pytest.mark.parametrize("name,month", [
    ("posts_2025-01.jsonl", "2025-01"), ("posts_2025-12_reexport.jsonl", "2025-12"),
    ("posts_2025-00.jsonl", None), ("posts_2025-1.jsonl", None), ("posts_2025-01.json", None),
    ("posts_2025-01_.jsonl", None), ("Posts_2025-01.jsonl", None),
])
def test_file_names(name, month):
    assert parse_file_name(name) == month
