"""The whole pipeline on waves written by the test factory (not the sample generator):
numbers against an independent computation, the published interface, and what a run does
with nothing new, a bad file, a re-delivery and a wave that cannot be weighted.

The scenarios run in order on one home (each step starts from the previous state).
"""

from __future__ import annotations

import json
import os
import shutil
import time

import numpy as np
import pandas as pd
import pytest

from e2e_helpers import file_identity, home_env, query
from independent import compute
from orchestration.cli import main as cli_main
from orchestration.paths import SEEDS_DIR
from orchestration.pipeline import run_once
from survey_factory import make_wave, write_wave

pytestmark = pytest.mark.slow

MEASURES = ["share_pct", "n_unweighted", "base_unweighted", "base_weighted", "base_effective",
            "ci_low_pct", "ci_high_pct", "prev_share_pct", "change_pp", "significant_vs_prev"]
MART_DIMS = {
    "mart_channel_preferences": ["wave", "contact_type", "channel", "channel_group"],
    "mart_channel_top3": ["wave", "channel", "channel_group"],
    "mart_frustrations": ["wave", "frustration"],
    "mart_personas": ["wave", "persona"],
    "mart_sector_channels": ["wave", "sector", "channel", "channel_group"],
    "mart_sector_kpis": ["wave", "sector", "kpi"],
    "mart_attitudes": ["wave", "question", "answer"],
    "mart_ai_use_cases": ["wave", "use_case", "stance"],
    "mart_disadvantages": ["wave", "disadvantage"],
    "mart_values": ["wave", "value"],
    "mart_assistant_outcomes": ["wave", "assistant", "measure", "answer"],
    "mart_trust_by_usage": ["wave", "assistant", "frequency", "trust_level"],
    "mart_persona_profiles": ["wave", "persona", "dimension", "category"],
}


def _write_landing(landing):
    """Four waves in all three formats, with the awkward-but-legal variations of spec §2."""
    w23 = make_wave(2023, 900, seed=1)
    write_wave(w23, landing / "voice_monitor_2023.csv", sep=";", bom=True)
    w24 = make_wave(2024, 950, seed=2)
    w24.columns = [c.lower() for c in w24.columns]
    w24[list(w24.columns)[::-1]].to_parquet(landing / "voice_monitor_2024.parquet", index=False)
    w25 = make_wave(2025, 1000, seed=3)
    w25["EXTRA_INFO"] = "x"
    import pyreadstat
    w25["OPEN"] = w25["OPEN"].fillna("")
    pyreadstat.write_sav(w25, str(landing / "voice_monitor_2025.sav"),
                         missing_ranges={c: [99] for c in ("Q6", "Q1_1", "Q1_2", "S1_KANAAL")})
    w26 = make_wave(2026, 1016, seed=4)
    w26.loc[::17, "Q6"] = 99
    write_wave(w26, landing / "voice_monitor_2026.csv")


@pytest.fixture(scope="module")
def pipeline_home(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    with home_env(root) as home:
        home.ensure()
        _write_landing(home.landing_survey)
        independent_landing = root / "copy_of_landing"
        shutil.copytree(home.landing_survey, independent_landing)
        summary = run_once(home)
        yield {"home": home, "summary": summary, "landing_copy": independent_landing}


def test_first_run_publishes(pipeline_home):
    s = pipeline_home["summary"]
    assert s.status == "success", s.reason
    assert s.published and pipeline_home["home"].published_db.exists()
    assert sorted(f["path"] for f in s.files if f["status"] == "loaded") == [
        "landing/survey/voice_monitor_2023.csv", "landing/survey/voice_monitor_2024.parquet",
        "landing/survey/voice_monitor_2025.sav", "landing/survey/voice_monitor_2026.csv"]


def test_published_marts_have_the_contract_columns_and_types(pipeline_home):
    db = pipeline_home["home"].published_db
    cols = query(db, """select table_name, column_name, data_type from duckdb_columns()
                        where schema_name = 'marts' order by table_name, column_index""")
    for mart, dims in MART_DIMS.items():
        got = cols[cols.table_name == mart]
        assert list(got.column_name) == dims + MEASURES, mart
        types = dict(zip(got.column_name, got.data_type))
        assert types["wave"] == "INTEGER"
        assert all(types[d] == "VARCHAR" for d in dims[1:])
        assert types["n_unweighted"] == types["base_unweighted"] == "BIGINT"
        assert all(types[c] == "DOUBLE" for c in ("share_pct", "base_weighted", "base_effective", "ci_low_pct",
                                                  "ci_high_pct", "prev_share_pct", "change_pp"))
        assert types["significant_vs_prev"] == "BOOLEAN"


def test_marts_equal_an_independent_computation(pipeline_home):
    expected = compute(pipeline_home["landing_copy"], SEEDS_DIR / "population_targets.csv")
    db = pipeline_home["home"].published_db
    for mart, exp in expected.items():
        got = query(db, f"select * from marts.{mart}")
        keys = [c for c in MART_DIMS[mart] if c != "channel_group"]
        merged = exp.merge(got, on=keys, how="outer", suffixes=("_exp", "_got"), indicator=True)
        assert (merged["_merge"] == "both").all(), f"{mart}: rows differ\n{merged[merged._merge != 'both']}"
        for col in ("share_pct", "base_weighted", "base_effective", "ci_low_pct", "ci_high_pct",
                    "prev_share_pct", "change_pp"):
            a, b = merged[f"{col}_exp"].astype(float), merged[f"{col}_got"].astype(float)
            assert ((a - b).abs() <= 1e-6).where(a.notna(), b.isna()).all(), f"{mart}.{col}"
        for col in ("n_unweighted", "base_unweighted"):
            assert (merged[f"{col}_exp"] == merged[f"{col}_got"]).all(), f"{mart}.{col}"
        sig_exp = merged["significant_vs_prev_exp"].astype(object)
        sig_got = merged["significant_vs_prev_got"].astype(object).where(merged["significant_vs_prev_got"].notna(), None)
        assert [None if pd.isna(x) else bool(x) for x in sig_exp] == [None if pd.isna(x) else bool(x) for x in sig_got], mart


def test_complete_grid_and_not_asked_waves(pipeline_home):
    db = pipeline_home["home"].published_db
    grid = query(db, "select wave, count(*) as n from marts.mart_personas group by wave order by wave")
    assert list(grid.n) == [4, 4, 4, 4]
    zorg = query(db, "select distinct wave from marts.mart_sector_kpis where sector = 'zorg' order by wave")
    assert list(zorg.wave) == [2025, 2026]          # sector 7 first asked in 2025: no rows before
    first = query(db, "select * from marts.mart_sector_kpis where sector = 'zorg' and wave = 2025")
    assert first.prev_share_pct.isna().all() and first.significant_vs_prev.isna().all()
    weet = query(db, "select * from marts.mart_channel_preferences where channel = 'weet_niet'")
    assert weet.channel_group.isna().all() and "algemeen" not in set(weet.contact_type)


def test_audit_tables(pipeline_home):
    db = pipeline_home["home"].published_db
    w = query(db, "select * from audit.survey_weighting order by wave")
    assert list(w.wave) == [2023, 2024, 2025, 2026] and list(w.n) == [900, 950, 1000, 1016]
    assert ((w.sum_w - w.n).abs() < 1e-6).all() and (w.max_margin_deviation <= 1e-10).all()
    assert np.allclose(w.n_eff, w.n / w.deff) and np.allclose(w.efficiency, w.n_eff / w.n)
    files = query(db, "select * from audit.ingested_files")
    assert set(files.status) == {"loaded"} and set(files.kind) == {"survey"}
    rec = query(db, "select * from audit.reconciliation")
    assert {"figure", "wave", "where", "published", "warehouse", "diff_pp", "tolerance_pp", "ok"} <= set(rec.columns)
    both = rec.dropna(subset=["warehouse"])
    assert np.allclose(both.diff_pp, both.warehouse - both.published)


def test_published_database_has_no_personal_data(pipeline_home):
    db = pipeline_home["home"].published_db
    tables = query(db, "select schema_name, table_name from duckdb_tables()")
    for schema, table in tables.itertuples(index=False):
        text = query(db, f"select * from {schema}.{table}").astype(str).to_csv()
        assert "jan.jansen@example.nl" not in text and "06-12345678" not in text


def test_nothing_new_is_a_noop(pipeline_home):
    home = pipeline_home["home"]
    before = file_identity(home.published_db)
    files_before = query(home.published_db, "select * from audit.ingested_files")
    assert cli_main(["run", "--quiet"]) == 0
    assert file_identity(home.published_db) == before      # same bytes, same inode
    assert len(query(home.published_db, "select * from audit.ingested_files")) == len(files_before)


def test_bad_redelivery_is_quarantined_and_nothing_published_changes(pipeline_home):
    home = pipeline_home["home"]
    before = file_identity(home.published_db)
    bad = make_wave(2025, 400, seed=9)
    bad.loc[[3, 4], "Q5"] = 7
    path = write_wave(bad, home.landing_survey / "voice_monitor_2025.csv")
    os.utime(path, (time.time() + 5, time.time() + 5))
    assert cli_main(["run", "--quiet"]) == 2
    assert file_identity(home.published_db) == before
    report = json.loads((home.quarantine / "voice_monitor_2025.csv.errors.json").read_text())
    assert report["wave"] == 2025 and report["errors"][0]["rule"] == "invalid_code"
    assert report["errors"][0]["rows"] == [4, 5]
    n = query(home.published_db, "select n from audit.survey_weighting where wave = 2025").n.iloc[0]
    assert n == 1000                                           # the earlier good data stays


def test_redelivery_replaces_the_wave_and_updates_its_successor(pipeline_home):
    home = pipeline_home["home"]
    before = query(home.published_db, "select * from marts.mart_personas where wave = 2025 order by persona")
    new = make_wave(2024, 700, seed=21)
    path = write_wave(new, home.landing_survey / "voice_monitor_2024.csv")
    os.utime(path, (time.time() + 10, time.time() + 10))
    published = file_identity(home.published_db)
    summary = run_once(home)           # n 950 -> 700: held until the operator accepts it (issue 17)
    assert summary.exit_code == 2 and [h["path"] for h in summary.held] == ["landing/survey/voice_monitor_2024.csv"]
    assert file_identity(home.published_db) == published
    summary = run_once(home, accept=["landing/survey/voice_monitor_2024.csv"])
    assert summary.status == "success" and summary.exit_code == 0, summary.reason
    w = query(home.published_db, "select n from audit.survey_weighting where wave = 2024")
    assert list(w.n) == [700]
    after = query(home.published_db, "select * from marts.mart_personas where wave = 2025 order by persona")
    assert np.allclose(after.share_pct, before.share_pct)                 # 2025 itself unchanged
    assert not np.allclose(after.prev_share_pct, before.prev_share_pct)   # its change columns follow 2024
    files = query(home.published_db, "select path, status from audit.ingested_files")
    assert ("landing/survey/voice_monitor_2024.csv", "loaded") in set(map(tuple, files.values))


def test_wave_that_cannot_be_weighted_fails_and_leaves_the_published_database(pipeline_home):
    home = pipeline_home["home"]
    before = file_identity(home.published_db)
    lonely = make_wave(2026, 1000, seed=31)                # within 10 % of n: not held
    lonely["REGIO"] = 4.0                                   # nobody outside the West
    path = write_wave(lonely, home.landing_survey / "voice_monitor_2026-west.csv")
    os.utime(path, (time.time() + 20, time.time() + 20))
    summary = run_once(home)
    assert summary.status == "failed" and summary.exit_code == 1
    assert "Wave 2026 cannot be weighted" in summary.reason and "REGIO" in summary.reason
    assert file_identity(home.published_db) == before
    # the failed delivery was set aside; the next run has nothing to do and still publishes nothing new
    again = run_once(home)
    assert again.status == "noop"
    assert file_identity(home.published_db) == before
