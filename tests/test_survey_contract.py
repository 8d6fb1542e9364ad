"""Spec §2: every rule of the survey file contract, violated on purpose, and the legal variations."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orchestration.paths import Home
from orchestration.survey.ingest import ingest_survey
from orchestration.warehouse import state
from survey_factory import make_wave, write_wave


@pytest.fixture
def home(tmp_path) -> Home:
    return Home.from_env(tmp_path / "home").ensure()


def ingest(home: Home):
    con = state.connect(home)
    try:
        outcomes = ingest_survey(con, home, "test-run")
        pending = state.pending_deliveries(con)
        raw_rows = con.execute("select count(*) from raw.survey_responses").fetchall()[0][0]
        statuses = dict(con.execute("select path, status from ops.ingested_files").fetchall())
    finally:
        con.close()
    return outcomes, pending, raw_rows, statuses


def assert_rejected(home: Home, name: str, rule: str, rows: list[int] | None = None,
                    respids: list[str] | None = None, wave: int | None = 2026):
    outcomes, pending, raw_rows, statuses = ingest(home)
    outcome = next(o for o in outcomes if o.path.endswith(name))
    assert outcome.status == "rejected", outcome
    assert name in outcome.message and rule in outcome.message
    assert not pending and raw_rows == 0                       # nothing of it reaches the raw layer
    assert statuses[f"landing/survey/{name}"] == "rejected"
    assert not (home.landing_survey / name).exists()           # moved ...
    assert (home.quarantine / name).exists()                   # ... to quarantine
    report = json.loads((home.quarantine / f"{name}.errors.json").read_text(encoding="utf-8"))
    assert report["file"] == name and report["wave"] == wave
    matching = [e for e in report["errors"] if e["rule"] == rule]
    assert matching, report
    err = matching[0]
    assert set(err) >= {"rule", "message", "count", "rows", "respids"}
    if rows is not None:
        assert err["rows"] == rows and err["count"] == len(rows)
    if respids is not None:
        assert err["respids"] == respids
    return report


def wave_frame(wave=2026, n=60) -> pd.DataFrame:
    return make_wave(wave, n, seed=11)


def put(home: Home, frame: pd.DataFrame, name="voice_monitor_2026.csv", **kw) -> Path:
    return write_wave(frame, home.landing_survey / name, **kw)


# --- rejections, one per rule --------------------------------------------------------------

def test_code_outside_code_list(home):
    f = wave_frame()
    f.loc[[4, 9], "Q1_1"] = 12
    put(home, f)
    assert_rejected(home, "voice_monitor_2026.csv", "invalid_code", rows=[5, 10],
                    respids=[str(f.RESPID[4]), str(f.RESPID[9])])


def test_99_only_where_the_code_list_has_it(home):
    f = wave_frame()
    f.loc[2, "Q5"] = 99
    f.loc[3, "Q1_2"] = 99   # legal: @channel has 99
    put(home, f)
    report = assert_rejected(home, "voice_monitor_2026.csv", "invalid_code", rows=[3])
    assert all(e.get("variable") != "Q1_2" for e in report["errors"])


@pytest.mark.parametrize("variable,value", [("Q9", 11), ("Q4_1", 0), ("Q3_2", 2), ("S2_HOUDING", 0),
                                             ("Q13_1", 5), ("GESLACHT", 4)])
def test_scale_and_multi_ranges(home, variable, value):
    f = wave_frame()
    f.loc[6, variable] = value
    if variable.startswith("Q3_"):
        f.loc[6, [f"Q3_{i}" for i in range(1, 10)]] = 0
        f.loc[6, variable] = value
    put(home, f)
    report = assert_rejected(home, "voice_monitor_2026.csv", "invalid_code", rows=[7])
    assert any(e.get("variable") == variable for e in report["errors"])


def test_fractional_number_is_rejected(home):
    f = wave_frame().astype(object)
    f.loc[1, "Q1_3"] = 3.5
    put(home, f)
    assert_rejected(home, "voice_monitor_2026.csv", "not_integer", rows=[2])


def test_text_in_a_numeric_column(home):
    f = wave_frame().astype(object)
    f.loc[8, "Q6"] = "ja"
    put(home, f)
    assert_rejected(home, "voice_monitor_2026.csv", "invalid_number", rows=[9])


def test_missing_required_column(home):
    put(home, wave_frame().drop(columns=["Q9", "S7_KANAAL"]))
    report = assert_rejected(home, "voice_monitor_2026.csv", "missing_required_column")
    err = next(e for e in report["errors"] if e["rule"] == "missing_required_column")
    assert "Q9" in err["message"] and "S7_KANAAL" in err["message"] and err["count"] == 2


@pytest.mark.parametrize("variable", ["GESLACHT", "LEEFTIJD", "REGIO", "OPLEIDING"])
def test_background_may_not_be_empty(home, variable):
    f = wave_frame()
    f.loc[0, variable] = np.nan
    put(home, f)
    assert_rejected(home, "voice_monitor_2026.csv", "background_missing", rows=[1])


@pytest.mark.parametrize("age", [17, 100])
def test_age_range(home, age):
    f = wave_frame()
    f.loc[5, "LEEFTIJD"] = age
    put(home, f)
    assert_rejected(home, "voice_monitor_2026.csv", "age_out_of_range", rows=[6])


def test_duplicate_and_missing_respid(home):
    f = wave_frame().astype(object)
    f.loc[7, "RESPID"] = f.loc[3, "RESPID"]
    f.loc[10, "RESPID"] = None
    put(home, f)
    report = assert_rejected(home, "voice_monitor_2026.csv", "respid_duplicate", rows=[4, 8])
    assert any(e["rule"] == "respid_missing" and e["rows"] == [11] for e in report["errors"])


def test_answer_where_routing_says_not_asked(home):
    f = wave_frame()
    i = int(np.flatnonzero(f["Q10_GEBRUIK"].to_numpy() == 2)[0])
    f.loc[i, "Q10_CORRECT"] = 1
    j = int(np.flatnonzero(((f["S3_CHATBOT"] == 2) & (f["S3_SPRAAK"] == 2)).to_numpy())[0])
    f.loc[j, "S3_ERVARING"] = 2
    put(home, f)
    report = assert_rejected(home, "voice_monitor_2026.csv", "routing_violation")
    by_var = {e["variable"]: e["rows"] for e in report["errors"] if e["rule"] == "routing_violation"}
    assert by_var == {"Q10_CORRECT": [i + 1], "S3_ERVARING": [j + 1]}


def test_more_than_three_frustrations(home):
    f = wave_frame()
    f.loc[12, [f"Q3_{i}" for i in range(1, 10)]] = [1, 1, 1, 1, 0, 0, 0, 0, 0]
    put(home, f)
    assert_rejected(home, "voice_monitor_2026.csv", "q3_too_many_mentions", rows=[13])


def test_geen_nadelen_is_exclusive(home):
    f = wave_frame()
    f.loc[14, [f"Q7_{i}" for i in range(1, 9)]] = [0, 1, 0, 0, 0, 0, 0, 1]
    put(home, f)
    assert_rejected(home, "voice_monitor_2026.csv", "q7_exclusive_violation", rows=[15])


def test_q2_rank_order_and_distinct(home):
    f = wave_frame()
    f.loc[1, ["Q2_R1", "Q2_R2", "Q2_R3"]] = [np.nan, 3, np.nan]
    f.loc[2, ["Q2_R1", "Q2_R2", "Q2_R3"]] = [1, np.nan, 4]
    f.loc[3, ["Q2_R1", "Q2_R2", "Q2_R3"]] = [2, 2, np.nan]
    put(home, f)
    report = assert_rejected(home, "voice_monitor_2026.csv", "q2_rank_order", rows=[2, 3])
    assert any(e["rule"] == "q2_duplicate_rank" and e["rows"] == [4] for e in report["errors"])


def test_header_without_respondents(home):
    (home.landing_survey / "voice_monitor_2026.csv").write_text(
        ",".join(wave_frame().columns) + "\n", encoding="utf-8")
    assert_rejected(home, "voice_monitor_2026.csv", "no_respondents")


def test_empty_file(home):
    (home.landing_survey / "voice_monitor_2026.csv").write_bytes(b"")
    assert_rejected(home, "voice_monitor_2026.csv", "empty_file")


def test_csv_not_utf8(home):
    f = wave_frame()
    text = f.to_csv(index=False).replace("Sneller doorverbinden", "Snéller doorverbinden")
    (home.landing_survey / "voice_monitor_2026.csv").write_bytes(text.encode("latin-1"))
    assert_rejected(home, "voice_monitor_2026.csv", "not_utf8")


@pytest.mark.parametrize("name", ["voice_monitor_2026.parquet", "voice_monitor_2026.sav"])
def test_unreadable_binary_formats(home, name):
    (home.landing_survey / name).write_bytes(b"PAR1 this is not really a file" * 10)
    assert_rejected(home, name, "unreadable_file")


def test_duplicate_column_names_case_insensitive(home):
    f = wave_frame()
    f["q1_1"] = f["Q1_1"]
    put(home, f)
    assert_rejected(home, "voice_monitor_2026.csv", "duplicate_column")


def test_counts_are_complete_while_examples_are_capped(home):
    f = wave_frame(n=80)
    f.loc[:, "Q1_4"] = 42
    put(home, f)
    report = assert_rejected(home, "voice_monitor_2026.csv", "invalid_code")
    err = next(e for e in report["errors"] if e["rule"] == "invalid_code")
    assert err["count"] == 80 and len(err["rows"]) == 20 and err["rows"][:3] == [1, 2, 3]


def test_quarantine_name_collision_gets_hash_suffix(home):
    f = wave_frame()
    f.loc[0, "Q5"] = 9
    put(home, f)
    ingest(home)
    f.loc[1, "Q5"] = 9
    path = put(home, f)
    digest = state.sha256_file(path)
    outcomes, *_ = ingest(home)
    assert (home.quarantine / f"voice_monitor_2026.{digest[:8]}.csv").exists()
    assert (home.quarantine / f"voice_monitor_2026.{digest[:8]}.csv.errors.json").exists()
    assert (home.quarantine / "voice_monitor_2026.csv").exists()   # the first one is kept


def test_row_tolerance_is_configurable(home):
    f = wave_frame()
    f.loc[3, "Q1_1"] = 12
    put(home, f)
    con = state.connect(home)
    try:
        outcomes = ingest_survey(con, home, "run", max_bad_rows=1)
        n = con.execute("select count(*) from raw.survey_responses").fetchall()[0][0]
    finally:
        con.close()
    assert outcomes[0].status == "staged" and n == len(f) - 1
    assert any("tolerated" in w for w in outcomes[0].warnings)


# --- legal variations ------------------------------------------------------------------------

def _staged_frame(home: Home) -> pd.DataFrame:
    con = state.connect(home)
    try:
        return con.execute("select * from raw.survey_responses order by _row_number").df()
    finally:
        con.close()


def test_awkward_but_legal_csv(home):
    f = wave_frame(n=50)
    f["PANEL_BRON"] = "online"                       # unknown extra column
    f.loc[0, "Q1_1"] = 99                            # weet niet is a valid answer
    cols = list(f.columns)
    rng = np.random.default_rng(1)
    f = f[list(rng.permutation(cols))]               # column order is free
    f.columns = [c.lower() if i % 2 else c for i, c in enumerate(f.columns)]   # case-insensitive names
    text = f.to_csv(index=False, sep=";")            # floats like 3.0 stay as 3.0
    (home.landing_survey / "voice_monitor_2026.csv").write_bytes("\ufeff".encode() + text.encode())
    outcomes, pending, raw_rows, _ = ingest(home)
    assert outcomes[0].status == "staged", outcomes[0].message
    assert raw_rows == 50 and len(pending) == 1
    assert any("PANEL_BRON" in w for w in outcomes[0].warnings)
    staged = _staged_frame(home)
    assert staged.loc[0, "Q1_1"] == 99
    assert json.loads(staged.loc[0, "_extra_columns"]) == {"PANEL_BRON": "online"}
    assert staged["OPEN"].notna().any() and staged["OPEN_MASKED"].notna().any()
    assert not staged["OPEN_MASKED"].fillna("").str.contains("06-12345678|jan.jansen@example.nl").any()


def test_older_wave_lacks_later_variables_and_later_variables_are_ignored(home):
    f = make_wave(2024, 40, seed=3)
    assert "Q8_1" not in f.columns and "S7_KANAAL" not in f.columns
    f["Q8_1"] = 1                                    # first asked in 2025: ignored with a warning
    put(home, f, name="voice_monitor_2024.parquet")
    outcomes, pending, raw_rows, _ = ingest(home)
    assert outcomes[0].status == "staged", outcomes[0].message
    assert any("Q8_1" in w for w in outcomes[0].warnings)
    staged = _staged_frame(home)
    assert staged["Q8_1"].isna().all() and staged["S7_KANAAL"].isna().all()   # NULL = not asked, never 0


def test_sav_with_user_missing_99_keeps_99(home):
    import pyreadstat

    f = wave_frame(n=30)
    f.loc[0, "Q6"] = 99
    f["OPEN"] = f["OPEN"].fillna("")
    path = home.landing_survey / "voice_monitor_2026.sav"
    pyreadstat.write_sav(f, str(path), missing_ranges={"Q6": [99], "Q1_1": [99]},
                         variable_value_labels={"Q6": {1: "Ja", 2: "Nee", 99: "Weet niet"}})
    outcomes, *_ = ingest(home)
    assert outcomes[0].status == "staged", outcomes[0].message
    assert _staged_frame(home).loc[0, "Q6"] == 99


def test_latest_file_of_a_wave_wins_and_ties_go_to_parquet(home):
    f = wave_frame(n=20)
    csv_path = put(home, f, name="voice_monitor_2026.csv")
    pq_path = put(home, f.head(10), name="voice_monitor_2026.parquet")
    os.utime(csv_path, ns=(1_700_000_000_000_000_000,) * 2)
    os.utime(pq_path, ns=(1_700_000_000_000_000_000,) * 2)
    outcomes, pending, raw_rows, statuses = ingest(home)
    assert raw_rows == 10 and pending[0].path.endswith(".parquet")
    assert statuses["landing/survey/voice_monitor_2026.csv"] == "ignored"
    # a newer CSV replaces it
    csv2 = put(home, f.head(15), name="voice_monitor_2026-v2.csv")
    os.utime(csv2, ns=(1_800_000_000_000_000_000,) * 2)
    outcomes, pending, raw_rows, _ = ingest(home)
    assert pending[0].path.endswith("voice_monitor_2026-v2.csv")
    assert raw_rows == 15                            # the replaced pending delivery's rows are gone


def test_unchanged_file_is_not_reloaded(home):
    put(home, wave_frame(n=20))
    ingest(home)
    con = state.connect(home)
    state.commit_pending(con)
    con.close()
    outcomes, pending, raw_rows, _ = ingest(home)
    assert [o.status for o in outcomes] == ["unchanged"] and not pending and raw_rows == 20


def test_rejected_file_is_not_picked_up_again_unless_it_changes(home):
    f = wave_frame()
    f.loc[0, "Q5"] = 7
    path = put(home, f)
    ingest(home)
    # the agency puts the same bad file back: skipped, not re-validated
    (home.quarantine / path.name).rename(path)
    outcomes, *_ = ingest(home)
    assert outcomes[0].status == "skipped" and "rejected before" in outcomes[0].message


def test_file_with_other_name_is_ignored_and_reported(home):
    (home.landing_survey / "readme.txt").write_text("hello", encoding="utf-8")
    outcomes, _, _, statuses = ingest(home)
    assert statuses["landing/survey/readme.txt"] == "ignored"
    assert "not a survey delivery name" in outcomes[0].message


def test_docs_list_every_rule():
    from orchestration.paths import PROJECT_DIR
    from orchestration.survey.validation import RULES

    doc = (PROJECT_DIR / "docs" / "survey_contract.md").read_text(encoding="utf-8")
    assert all(f"`{rule}`" in doc for rule in RULES)


def test_mart_design_seeds_and_macro_are_in_sync_with_the_codebook():
    from orchestration.paths import SEEDS_DIR
    from orchestration.survey import mart_design

    for name, (build, columns) in mart_design.SEEDS.items():
        assert (SEEDS_DIR / name).read_text(encoding="utf-8") == mart_design.render(build(), columns), name
    assert mart_design.DESIGN_MACRO.read_text(encoding="utf-8") == mart_design.render_design_macro()


def test_mart_design_marks_single_choice_and_routed_questions():
    """Single choice (spec §4: shares sum to 100) = the categories give every code of one question,
    which is also the base, exactly once; a routed base carries the codebook's routing."""
    from orchestration.survey import mart_design

    groups = {(g["mart"], g["g1"], g["g2"]): g for g in mart_design.mart_groups()}
    single = {key for key, g in groups.items() if g["single_choice"]}
    assert ("mart_personas", "", "") in single                                  # Q5, every persona
    assert ("mart_persona_profiles", "jurre", "leeftijd") in single             # the derived age band, 3 codes
    assert ("mart_attitudes", "grade", "") in single                            # Q9 1-5 and 6-10
    assert ("mart_sector_kpis", "zorg", "ervaring") in single
    assert ("mart_channel_preferences", "algemeen", "") in single               # Q2_R1 has no weet_niet
    assert ("mart_channel_top3", "", "") not in single                          # three variables
    assert ("mart_values", "snelheid", "") not in single                        # codes 4 and 5 of 1-5
    assert ("mart_sector_kpis", "zorg", "houding") not in single                # 6-10 only
    assert ("mart_frustrations", "keuzemenus", "") not in single                # multi-response
    assert ("mart_sector_kpis", "zorg", "chatbot_of_spraak") not in single
    routed = {key: g["bases"][0]["routing"] for key, g in groups.items() if any(b["routing"] for b in g["bases"])}
    assert routed[("mart_sector_kpis", "zorg", "ervaring")] == [["S7_CHATBOT", 1], ["S7_SPRAAK", 1]]
    assert routed[("mart_assistant_outcomes", "chatbot", "correct")] == [["Q10_GEBRUIK", 1]]
    assert ("mart_sector_kpis", "zorg", "chatbot") not in routed
