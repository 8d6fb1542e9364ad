"""Each new export costs what it contains, and the result does not depend on how the deliveries
arrived: a warehouse fed delivery by delivery (months out of order, re-exports across months, a
file replaced by a corrected one, a delivery set aside by a failed run) ends with exactly the
social tables a full build of the same final deliveries gives, and a `--full-refresh` of the
incremental warehouse gives them too (issue #12)."""

from __future__ import annotations

import json
import os
import random
import shutil

import duckdb
import pytest

from orchestration.social.ingest import ingest_social
from tools.classifier.production import build_social_models
from orchestration.warehouse import state

from conftest import TEST_KEY, make_home, post, write_lines  # noqa: E402  (tests/social on sys.path)

pytestmark = pytest.mark.slow

# the published social tables, plus the per-version tables without their build time
COMPARED = {
    "marts.fct_social_posts": "*",
    "marts.mart_social_themes": "*",
    "marts.mart_social_volume": "*",
    "marts.mart_social_quotes": "*",
    "audit.social_load_totals": "*",
    "audit.social_quarantine": "*",
    "intermediate.int_social__posts": "*",
    "intermediate.int_social__classified_versions": "* exclude (built_at)",
    "intermediate.int_social__term_hits": "* exclude (built_at)",
}


def _sample_posts(landing) -> dict[str, dict]:
    """The sample's valid Dutch-looking lines by id (the first version seen)."""
    out: dict[str, dict] = {}
    for path in sorted(landing.glob("posts_2025-*.jsonl")):
        for raw in path.read_bytes().decode("utf-8-sig").splitlines():
            try:
                p = json.loads(raw)
            except ValueError:
                continue
            if isinstance(p, dict) and isinstance(p.get("id"), str) and p.get("collected_at"):
                out.setdefault(p["id"], p)
    return out


def _reexport(p: dict, collected_at: str, text: str | None = None) -> dict:
    return {**p, "collected_at": collected_at, "text": text or p["text"]}


def _fixture(sample: dict[str, dict]) -> dict[str, list]:
    """Exports of 2026 that re-export 2025 posts across months, with a corrected January file."""
    ids = sorted(sample)
    rng = random.Random(12)
    old = rng.sample(ids, 40)
    new = [post(f"inc-{i}", f"Bericht {i}: de chatbot stelt steeds dezelfde vraag en ik kan geen medewerker "
                            f"bereiken, al {i + 2} dagen.", created_at="2026-01-15T10:00:00+01:00",
                collected_at="2026-02-01T06:00:00+01:00") for i in range(30)]
    january = new + [
        # later versions of 2025 posts: they win over the sample's lines
        *[_reexport(sample[i], "2026-02-01T06:00:00+01:00", sample[i]["text"] + " Update: nog steeds niets gehoord.")
          for i in old[:12]],
        # stale copies: older than what the sample holds, they lose
        *[_reexport(sample[i], "2025-01-01T00:00:00+01:00", "Oude kopie die moet verliezen.") for i in old[12:18]],
        # a post whose winning version is now English: it leaves the marts
        _reexport(sample[old[18]], "2026-02-01T06:00:00+01:00",
                  "Update in English: the chatbot kept asking the same question and nobody ever called me back."),
        '{"id": "broken", "platform": "x"',
    ]
    february = [
        # a January post re-exported again, and 2025 posts re-exported a second time
        *[{**p, "collected_at": "2026-03-01T06:00:00+01:00", "text": p["text"] + " (bewerkt in februari)"}
          for p in new[:5]],
        *[_reexport(sample[i], "2026-03-01T06:00:00+01:00", sample[i]["text"] + " Tweede update: opgelost!")
          for i in old[:4]],
        *[_reexport(sample[i], "2026-03-01T06:00:00+01:00") for i in old[19:25]],
    ]
    # the corrected January file: two new posts withdrawn, three re-exports withdrawn (those posts
    # fall back to an earlier version), two texts changed, and one new post added
    corrected = [p for p in january if not (isinstance(p, dict) and p["id"] in
                                            {"inc-28", "inc-29", *old[9:12]})]
    corrected = [{**p, "text": "Gecorrigeerd: " + p["text"]} if isinstance(p, dict) and p["id"] in
                 ("inc-10", "inc-11") else p for p in corrected]
    corrected.append(post("inc-30", "Nieuw in de correctie: de chatbot verwijst me steeds naar de FAQ.",
                          created_at="2026-01-20T10:00:00+01:00", collected_at="2026-02-01T06:00:00+01:00"))
    failed = [post(f"fail-{i}", "Deze levering wordt door een mislukte run opzijgezet: de chatbot snapt niets.",
                   created_at="2026-03-05T10:00:00+01:00", collected_at="2026-04-01T06:00:00+02:00")
              for i in range(5)]
    return {"posts_2026-01.jsonl": january, "posts_2026-02.jsonl": february,
            "posts_2026-01.corrected": corrected, "posts_2026-03.jsonl": failed}


def _ingest(home, commit: bool = True) -> None:
    con = state.connect(home)
    try:
        report = ingest_social(con, home, "test")
        assert not report.failed, report.failed
        if commit:
            state.commit_pending(con)
    finally:
        con.close()


def _rows(db, table: str, columns: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"select {columns} from {table} order by all").fetchall()
    finally:
        con.close()


def _classified_new(stdout: str) -> list[str]:
    """The batched models' reports: "<model>: N pending segment(s) in M batch(es)"."""
    return [line[line.index("int_social__"):] for line in stdout.splitlines() if "pending segment" in line]


@pytest.fixture(scope="module")
def sequence(tmp_path_factory):
    """The incremental warehouse (delivery by delivery) and the full build of its final landing zone."""
    from tools.sample.social import write_social_sample

    os.environ["VOICE_MONITOR_PSEUDONYM_KEY"] = TEST_KEY      # one key for both homes (module scope)
    root = tmp_path_factory.mktemp("incremental")
    source = make_home(root / "source")
    write_social_sample(source.landing_social)
    fixture = _fixture(_sample_posts(source.landing_social))

    inc = make_home(root / "inc")
    files = sorted(source.landing_social.glob("posts_2025-*.jsonl"))
    random.Random(7).shuffle(files)                         # months arrive out of order
    logs = []
    for group in (files[:6], files[6:11], files[11:]):
        for f in group:
            shutil.copy2(f, inc.landing_social / f.name)
        _ingest(inc)
        logs.append(build_social_models(inc).stdout)
    for name in ("posts_2026-02.jsonl", "posts_2026-01.jsonl"):  # February before January
        write_lines(inc.landing_social / name, fixture[name])
        _ingest(inc)
        logs.append(build_social_models(inc).stdout)
    write_lines(inc.landing_social / "posts_2026-01.jsonl", fixture["posts_2026-01.corrected"])
    _ingest(inc)
    logs.append(build_social_models(inc).stdout)
    # a delivery staged and built by a run that then fails: set aside, its rows must go again
    write_lines(inc.landing_social / "posts_2026-03.jsonl", fixture["posts_2026-03.jsonl"])
    _ingest(inc, commit=False)
    build_social_models(inc)
    failed_rows = _rows(inc.work_db, "intermediate.int_social__classified_versions", "count(*)")[0][0]
    con = state.connect(inc)
    try:
        state.rollback_pending(con, "test: the run failed")
    finally:
        con.close()
    logs.append(build_social_models(inc, tests=True).stdout)

    full = make_home(root / "full")
    for f in sorted(inc.landing_social.glob("posts_*.jsonl")):
        if f.name != "posts_2026-03.jsonl":
            shutil.copy2(f, full.landing_social / f.name)
    _ingest(full)
    build_social_models(full, tests=True)
    return inc, full, logs, failed_rows


@pytest.mark.parametrize("table", sorted(COMPARED))
def test_incremental_sequence_equals_full_build(sequence, table):
    inc, full, _, _ = sequence
    got, want = _rows(inc.work_db, table, COMPARED[table]), _rows(full.work_db, table, COMPARED[table])
    assert want, table
    assert got == want


def test_each_build_classified_only_what_its_deliveries_brought(sequence):
    inc, _, logs, failed_rows = sequence
    # the 16 sample files (one segment each) in three groups, then one file per build
    term_hits = [[m for m in _classified_new(log) if m.startswith("int_social__term_hits")] for log in logs]
    counts = [int(m[0].split("int_social__term_hits: ")[1].split(" ")[0]) if m else None for m in term_hits]
    assert counts[:6] == [6, 5, 5, 1, 1, 1], counts
    assert counts[6] == 0                      # after the failed run: nothing new, its rows pruned
    live = _rows(inc.work_db, "intermediate.int_social__classified_versions", "count(*)")[0][0]
    assert failed_rows == live + 5             # the set-aside delivery had been classified, then dropped


def test_reexports_win_across_months_and_files(sequence):
    inc, _, _, _ = sequence
    rows = dict(((p, i), (t, f)) for p, i, t, f in _rows(
        inc.work_db, "marts.fct_social_posts", "platform, post_id, text_masked, source_file"))
    february = [t for (t, f) in rows.values() if f.endswith("posts_2026-02.jsonl")]
    assert len(february) == 5 + 4 + 6
    assert sum("Tweede update: opgelost!" in t for t in february) == 4
    assert sum("(bewerkt in februari)" in t for t in february) == 5
    # the corrected January file: withdrawn posts are gone, changed texts are published
    ids = {i for (_, i) in rows}
    assert "inc-28" not in ids and "inc-29" not in ids and "inc-30" in ids
    assert rows[("reddit", "inc-10")][0].startswith("Gecorrigeerd: ")
    assert rows[("reddit", "inc-0")][0].endswith("(bewerkt in februari)")   # February wins over the correction
    assert not any(i.startswith("fail-") for i in ids)


def test_full_refresh_gives_the_same_tables(sequence, tmp_path):
    inc, full, _, _ = sequence
    home = make_home(tmp_path / "refresh")
    shutil.copy(inc.work_db, home.work_db)
    out = build_social_models(home, full_refresh=True).stdout
    assert any("(full refresh)" in m for m in _classified_new(out))
    for table, columns in COMPARED.items():
        assert _rows(home.work_db, table, columns) == _rows(full.work_db, table, columns), table
