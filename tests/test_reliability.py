"""Issue 17 as an operator meets it, on one home, scenario after scenario (each starts from the
state the previous one left): private state (item 1), loss needs consent (item 2), the archive
and ``voice-monitor rebuild`` (item 3), ``--drop`` and removed pending files (item 4), and the
published database checked (item 8). Every run is the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
import time
from pathlib import Path

import pytest

from e2e_helpers import file_identity, published_tables, query, run_cli, write_posts
from orchestration.paths import Home
from survey_factory import make_wave, write_wave

pytestmark = pytest.mark.slow

NO_KEY_ENV = {"VOICE_MONITOR_PSEUDONYM_KEY": None}     # the key file in state/ is what is tested


def _run(home: Home, *args, **env):
    return run_cli(home.root, *args, **{**NO_KEY_ENV, **env})


def _ok(done, code=0):
    assert done.returncode == code, f"exit {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    assert "Traceback" not in done.stdout + done.stderr
    return done


def _modes(roots: list[Path], base: Path, stop: threading.Event, seen: dict) -> None:
    """Every mode each file and folder under ``roots`` had while a run was going on."""
    while not stop.is_set():
        for root in roots:
            for folder, _dirs, files in os.walk(root):
                for path in [folder, *(os.path.join(folder, f) for f in files)]:
                    try:
                        mode = os.lstat(path)
                    except FileNotFoundError:
                        continue
                    seen.setdefault(os.path.relpath(path, base), set()).add(
                        (stat.S_ISDIR(mode.st_mode), stat.S_IMODE(mode.st_mode)))
        time.sleep(0.01)


def _month_posts(home: Home, month: str) -> int:
    return int(query(home.published_db, "select count(*) as n from marts.fct_social_posts "
                                        "where strftime(month, '%Y-%m') = ?", [month]).n.iloc[0])


def _wave_n(home: Home, wave: int) -> int:
    return int(query(home.published_db, "select n from audit.survey_weighting where wave = ?", [wave]).n.iloc[0])


@pytest.fixture(scope="module")
def ops_home(tmp_path_factory):
    root = tmp_path_factory.mktemp("ops")
    home = Home.from_env(root)
    for wave in (2024, 2025):
        write_wave(make_wave(wave, 300, seed=wave), home.landing_survey / f"voice_monitor_{wave}.csv")
    write_posts(home.landing_social / "posts_2025-03.jsonl", [f"a{i}" for i in range(100)])
    write_posts(home.landing_social / "posts_2025-04.jsonl", [f"b{i}" for i in range(30)],
                created_at="2025-04-10T12:00:00+02:00", collected_at="2025-05-02T06:00:00+02:00")
    # an install from before this issue: state/ readable by everyone, with a readable file in it
    home.state.mkdir(parents=True)
    home.state.chmod(0o755)
    (home.state / "notes.txt").write_text("left by an older version\n")
    (home.state / "notes.txt").chmod(0o644)
    stop, seen = threading.Event(), {}
    sampler = threading.Thread(target=_modes, args=([home.state, home.archive], root, stop, seen), daemon=True)
    sampler.start()
    try:
        first = _run(home, "run", "--quiet")
    finally:
        stop.set()
        sampler.join(timeout=30)
    _ok(first)
    return {"home": home, "modes": seen}


# --- item 1 --------------------------------------------------------------------------------------

def test_state_archive_and_their_databases_are_private(ops_home):
    home, seen = ops_home["home"], ops_home["modes"]
    older = {"state", "state/notes.txt"}             # were 0755/0644 before the run; fixed by it
    assert any(p.endswith(".wal") for p in seen), "no WAL file was seen during the run"
    assert any(p.startswith("state/dbt_target/") for p in seen) and any(p.startswith("state/dagster") for p in seen)
    wrong = {p: modes for p, modes in seen.items() if p not in older
             and any(mode != (0o700 if is_dir else 0o600) and not (p.startswith("archive/") and mode == 0o400)
                     for is_dir, mode in modes)}
    assert not wrong, f"not private at some moment of the run: {wrong}"
    for path, want in ((home.state, 0o700), (home.state / "notes.txt", 0o600), (home.work_db, 0o600),
                       (home.secret_key, 0o600), (home.archive, 0o700), (home.quarantine, 0o700),
                       (home.published_db, 0o644), (home.warehouse_dir, 0o755)):
        assert stat.S_IMODE(path.stat().st_mode) == want, path


# --- item 3: the archive -----------------------------------------------------------------------

def test_every_accepted_delivery_is_archived_with_its_manifest(ops_home):
    import hashlib

    home = ops_home["home"]
    manifest = json.loads((home.archive / "manifest.json").read_text())
    landing = sorted(home.relative(p) for p in [*home.landing_survey.iterdir(), *home.landing_social.iterdir()])
    assert sorted(d["path"] for d in manifest["deliveries"]) == landing
    files = query(home.published_db, "select path, content_hash, loaded_at from audit.ingested_files")
    loaded_at = {(p, h): t for p, h, t in files.itertuples(index=False)}
    for d in manifest["deliveries"]:
        data = (home.root / d["path"]).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        blob = home.archive / digest[:2] / (digest + Path(d["path"]).suffix)
        assert d["content_hash"] == digest and d["archived_as"] == blob.relative_to(home.archive).as_posix()
        assert blob.read_bytes() == data and stat.S_IMODE(blob.stat().st_mode) == 0o400
        assert d["kind"] == ("survey" if "/survey/" in d["path"] else "social")
        assert d["partition"] == (d["path"][-8:-4] if d["kind"] == "survey" else d["path"][-13:-6])
        assert d["loaded_at"] == loaded_at[(d["path"], digest)].isoformat()


# --- item 8: the published database is checked ----------------------------------------------------

def test_missing_truncated_or_changed_published_database_is_published_again(ops_home):
    home = ops_home["home"]
    tables = published_tables(home.published_db)
    size = home.published_db.stat().st_size
    damages = {
        "truncated": lambda p: os.truncate(p, 4096),
        "is missing": lambda p: p.unlink(),
        "was changed after it was published": lambda p: _overwrite_middle(p),
    }
    for words, damage in damages.items():
        damage(home.published_db)
        if words == "truncated":               # a reader's command says what is wrong, without a traceback
            export = _ok(_run(home, "export", "--format", "parquet", str(home.root / "export")), code=1)
            assert "cannot be read" in export.stderr and "publishes it again" in export.stderr
        done = _ok(_run(home, "run", "--quiet"))
        assert words in done.stdout and "published it again from the build database" in done.stdout
        assert home.published_db.stat().st_size == size
        assert published_tables(home.published_db) == tables
        assert stat.S_IMODE(home.published_db.stat().st_mode) == 0o644
    before = file_identity(home.published_db)
    done = _ok(_run(home, "run", "--quiet"))
    assert "Nothing to do" in done.stdout and file_identity(home.published_db) == before


def _overwrite_middle(path: Path) -> None:
    with open(path, "r+b") as fh:
        fh.seek(path.stat().st_size // 2)
        fh.write(b"\x00garbage\xff" * 512)


# --- item 2: loss needs consent --------------------------------------------------------------------

def test_redelivery_withdrawing_published_posts_is_held(ops_home):
    home = ops_home["home"]
    before = file_identity(home.published_db)
    path = write_posts(home.landing_social / "posts_2025-03.jsonl", [f"a{i}" for i in range(90)])
    os.utime(path, (time.time() + 5, time.time() + 5))
    for _ in range(2):                     # held on the run that finds it, and named until decided
        done = _ok(_run(home, "run", "--quiet"), code=2)
        assert ("Held: landing/social/posts_2025-03.jsonl would withdraw 10 of the 100 published posts of "
                "2025-03 (10.0 %): 100 before, 90 after") in done.stdout
        assert "voice-monitor run --accept landing/social/posts_2025-03.jsonl" in done.stdout
        assert file_identity(home.published_db) == before          # byte for byte


def test_smaller_wave_is_held_while_other_files_go_through(ops_home):
    home = ops_home["home"]
    path = write_wave(make_wave(2025, 200, seed=99), home.landing_survey / "voice_monitor_2025.parquet")
    os.utime(path, (time.time() + 10, time.time() + 10))       # the newer file is the wave's delivery
    write_posts(home.landing_social / "posts_2025-05.jsonl", [f"c{i}" for i in range(20)],
                created_at="2025-05-10T12:00:00+02:00", collected_at="2025-06-02T06:00:00+02:00")
    done = _ok(_run(home, "run", "--quiet"), code=2)
    assert ("Held: landing/survey/voice_monitor_2025.parquet would change wave 2025 from n = 300 to n = 200 "
            "(-33.3 %") in done.stdout
    assert "landing/social/posts_2025-03.jsonl would withdraw 10" in done.stdout    # still waiting
    assert _wave_n(home, 2025) == 300 and _month_posts(home, "2025-03") == 100
    assert _month_posts(home, "2025-05") == 20                                       # went through
    files = query(home.published_db, "select path, status from audit.ingested_files")
    assert ("landing/social/posts_2025-05.jsonl", "loaded") in set(map(tuple, files.values))


def test_accept_lets_held_deliveries_through(ops_home):
    home = ops_home["home"]
    done = _ok(_run(home, "run", "--quiet", "--accept", "landing/social/posts_2025-03.jsonl",
                    "--accept", "survey/voice_monitor_2025.parquet"))
    assert "Accepted landing/social/posts_2025-03.jsonl" in done.stdout
    assert _wave_n(home, 2025) == 200 and _month_posts(home, "2025-03") == 90
    files = set(map(tuple, query(home.published_db, "select path, status from audit.ingested_files "
                                                    "where status = 'loaded'").values))
    assert {("landing/social/posts_2025-03.jsonl", "loaded"), ("landing/survey/voice_monitor_2025.parquet", "loaded")} <= files
    # the change guard ran on both and let the consented changes through; it is in the Data Docs
    results = query(home.published_db, "select expectation, target, success from audit.quality_results "
                                       "where suite = 'publish_change'")
    assert set(map(tuple, results.values)) == {("wave_n_change_within_limit", "survey totals", True),
                                               ("month_posts_decrease_within_limit", "social totals", True)}
    assert "publish_change" in (home.quality / "index.html").read_text()
    assert (home.quality / "expectations" / "publish_change.html").exists()
    assert "Nothing to do" in _ok(_run(home, "run", "--quiet")).stdout


# --- item 4: drop, removed pending files ------------------------------------------------------------

def test_drop_withdraws_a_loaded_delivery_and_it_stays_withdrawn(ops_home):
    home = ops_home["home"]
    assert _month_posts(home, "2025-04") == 30
    done = _ok(_run(home, "run", "--quiet", "--drop", "social/posts_2025-04.jsonl"))
    assert "Dropped landing/social/posts_2025-04.jsonl (loaded)" in done.stdout
    assert _month_posts(home, "2025-04") == 0
    files = query(home.published_db, "select status, message from audit.ingested_files "
                                     "where path = 'landing/social/posts_2025-04.jsonl'")
    assert list(files.status) == ["ignored"] and "Dropped by the operator" in files.message.iloc[0]
    manifest = json.loads((home.archive / "manifest.json").read_text())
    assert "landing/social/posts_2025-04.jsonl" not in {d["path"] for d in manifest["deliveries"]}
    assert "Nothing to do" in _ok(_run(home, "run", "--quiet")).stdout      # the file in landing is not read again
    assert _month_posts(home, "2025-04") == 0


def test_pending_delivery_of_a_file_removed_from_landing_is_not_resumed(ops_home, monkeypatch):
    from orchestration.social.ingest import ingest_social
    from orchestration.warehouse import state

    home = ops_home["home"]
    monkeypatch.delenv("VOICE_MONITOR_PSEUDONYM_KEY", raising=False)
    path = write_posts(home.landing_social / "posts_2025-06.jsonl", [f"d{i}" for i in range(10)],
                       created_at="2025-06-10T12:00:00+02:00", collected_at="2025-07-02T06:00:00+02:00")
    with state.session(home) as con:               # what a run killed after ingestion leaves
        assert [f.status for f in ingest_social(con, home, "killed-run", months={"2025-06"}).files] == ["staged"]
    path.unlink()
    done = _ok(_run(home, "run", "--quiet"))
    assert ("landing/social/posts_2025-06.jsonl was removed from landing before it was published: its pending "
            "delivery is not resumed") in done.stdout
    assert _month_posts(home, "2025-06") == 0
    with state.session(home) as con:
        assert state.pending_deliveries(con) == []


# --- item 3: the key and the rebuild ----------------------------------------------------------------

def test_missing_pseudonym_key_stops_the_run(ops_home, tmp_path):
    home = ops_home["home"]
    before = file_identity(home.published_db)
    shutil.move(home.secret_key, tmp_path / "pseudonym.key")
    path = write_posts(home.landing_social / "posts_2025-07.jsonl", ["e1", "e2"],
                       created_at="2025-07-10T12:00:00+02:00", collected_at="2025-08-02T06:00:00+02:00")
    try:
        done = _ok(_run(home, "run", "--quiet"), code=1)
        assert "pseudonym key" in done.stderr and "is missing, but author pseudonyms made with it exist" in done.stderr
        assert "Restore the key file from your backup" in done.stderr
        assert not home.secret_key.exists() and file_identity(home.published_db) == before
    finally:
        shutil.move(tmp_path / "pseudonym.key", home.secret_key)
        path.unlink()


def _rounded(tables: dict[str, list]) -> dict[str, list]:
    def value(v):
        return float(f"{v:.12g}") if isinstance(v, float) else v
    return {name: [tuple(value(v) for v in row) for row in rows] for name, rows in tables.items()}


def test_lost_state_is_rebuilt_from_the_archive_alone(ops_home, tmp_path):
    home = ops_home["home"]
    tables = published_tables(home.published_db)
    shutil.copy(home.secret_key, tmp_path / "pseudonym.key")
    shutil.rmtree(home.state)
    for folder in (home.landing_survey, home.landing_social):
        shutil.rmtree(folder)                       # landing is an inbox: it may be empty by now
    done = _ok(_run(home, "run", "--quiet"), code=1)
    assert "state/ was lost or replaced. Run `voice-monitor rebuild`" in done.stderr
    done = _ok(_run(home, "rebuild"), code=1)
    assert "pseudonym key" in done.stderr and "is missing" in done.stderr
    shutil.copy(tmp_path / "pseudonym.key", home.secret_key)
    done = _ok(_run(home, "rebuild"))
    assert "Rebuilt the build database from the archive: 2 survey wave(s), 2 social export(s)." in done.stdout
    # pseudonyms, loaded_at and all; doubles to 12 significant digits: the rebuild loads the rows
    # in another physical order, and a sum of doubles in another order differs in the last bits
    assert _rounded(published_tables(home.published_db)) == _rounded(tables)
    assert "Nothing to do" in _ok(_run(home, "run", "--quiet")).stdout
