"""The sample landing zone: calibration, determinism, contract compliance, weighting, trends.

Everything here reads the *written files* back with pandas / pyarrow / pyreadstat and
recomputes figures independently of the generator's internals (only the codebook, the
raking function and the bundled seeds are shared), so a generator bug cannot hide itself.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest

from independent import age_band
from orchestration.paths import SEEDS_DIR
from orchestration.codebook import all_variables, variables_for_wave
from orchestration.survey.weighting import LOWER, UPPER, load_targets, rake
from tools.sample.survey import generate_wave
from tools.sample.survey_files import write_survey_sample
from tools.sample.survey_profiles import DEFAULT_SIZES, LARGE_N

WAVES = (2023, 2024, 2025, 2026)
SECTOR_CODES = {"banken_verzekeraars": 1, "bezorgdiensten": 2, "nutsbedrijven": 3,
                "online_retailers": 4, "overheid": 5, "telecom": 6, "zorg": 7}
CHANNEL_CODES = {"telefoon": 1, "email": 2, "live_chat": 3, "face_to_face": 4, "whatsapp": 5,
                 "social_media": 6, "chatbot": 7, "sms": 8, "weet_niet": 99}
CHANNEL_GROUPS = {"primary": (1, 2), "secondary": (3, 4, 5), "tertiary": (6, 7, 8)}
CONTACT_TYPES = {"advies": "Q1_1", "bestelling_betaling": "Q1_2", "bezorging_retour": "Q1_3",
                 "gebruik_onderhoud": "Q1_4", "praktisch": "Q1_5"}
PERSONAS = {"jurre": 1, "juna": 2, "janny": 3, "janus": 4}
TOLERANCE = {"rounded": 3.0, "approx": 5.0}
AIM = {"rounded": 1.0, "approx": 2.0}
TEXT_COLUMNS = {"RESPID", "STARTDATE", "OPEN", "PANEL_BRON"}


# ---------------------------------------------------------------------------------------
# Reading the landing zone back, independently of the generator
# ---------------------------------------------------------------------------------------

def read_wave(path: Path) -> pd.DataFrame:
    """A delivered file as a DataFrame with upper-case names; empty strings become NaN."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        header = raw.decode("utf-8-sig").split("\n", 1)[0]
        sep = ";" if header.count(";") > header.count(",") else ","
        df = pd.read_csv(path, sep=sep, encoding="utf-8-sig", dtype={"OPEN": object})
    elif suffix == ".parquet":
        df = pd.read_parquet(path)
    elif suffix == ".sav":
        df, _ = pyreadstat.read_sav(str(path), user_missing=True)
    else:
        raise AssertionError(f"unexpected file {path}")
    df.columns = [c.upper() for c in df.columns]
    for col in ("OPEN", "STARTDATE", "PANEL_BRON"):
        if col in df.columns:
            df[col] = df[col].astype(object).where(df[col].notna() & (df[col].astype(str) != ""), None)
    for col in df.columns:
        if col not in TEXT_COLUMNS:
            df[col] = pd.to_numeric(df[col]).astype(float)
    return df


def weights_for(wave: int, df: pd.DataFrame):
    codes = {"GESLACHT": df["GESLACHT"].to_numpy().astype(int),
             "LEEFTIJD_BAND": age_band(df["LEEFTIJD"].to_numpy()),
             "REGIO": df["REGIO"].to_numpy().astype(int),
             "OPLEIDING": df["OPLEIDING"].to_numpy().astype(int)}
    return rake(wave, codes, load_targets().for_wave(wave))


def share(w: pd.Series, hit: pd.Series, base: pd.Series) -> float:
    """Σw in category / Σw over the base, in percent (spec §4)."""
    base = base.fillna(False).astype(bool)
    hit = hit.fillna(False).astype(bool) & base
    return 100.0 * float(w[hit].sum()) / float(w[base].sum())


def answered(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col].notna()


def wmean(w: pd.Series, values: pd.Series, base: pd.Series) -> float:
    base = base.fillna(False).astype(bool) & values.notna()
    return float((w[base] * values[base]).sum() / w[base].sum())


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    target = tmp_path_factory.mktemp("landing") / "survey"
    return target, write_survey_sample(target)


@pytest.fixture(scope="module")
def waves(landing):
    """{wave: (frame, weights Series, WeightingResult)} read back from the files."""
    _, paths = landing
    out = {}
    for path in paths:
        wave = int(re.search(r"(\d{4})", path.name).group(1))
        df = read_wave(path)
        result = weights_for(wave, df)
        out[wave] = (df, pd.Series(result.weights, index=df.index), result)
    return out


def published_rows() -> list[dict]:
    with open(SEEDS_DIR / "published_2026.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def figure_value(row: dict, waves) -> float:
    """The weighted sample figure for one published row (contract §4/§5 definitions)."""
    wave = int(row["wave"])
    df, w, _ = waves[wave]
    where = dict(part.split("=", 1) for part in row["where"].split(";") if "=" in part)
    fig = row["figure"]
    if fig == "channel_by_contact_type":
        col = CONTACT_TYPES[where["contact_type"]]
        return share(w, df[col] == CHANNEL_CODES[where["channel"]], answered(df, col))
    if fig == "persona_share":
        return share(w, df["Q5"] == PERSONAS[where["persona"]], answered(df, "Q5"))
    if fig == "frustration_share":
        assert where["frustration"] == "lange_wachttijden"
        return share(w, df["Q3_1"] == 1, answered(df, "Q3_1"))
    if fig == "open_to_automation":
        return share(w, df["Q6"] == 1, answered(df, "Q6"))
    if fig == "importance_understood":
        return share(w, df["Q4_1"].isin([4, 5]), answered(df, "Q4_1"))
    if fig == "disadvantage_no_handover":
        return share(w, df["Q7_1"] == 1, answered(df, "Q7_1"))
    if fig == "chatbot_correct":
        return share(w, df["Q10_CORRECT"] == 1, (df["Q10_GEBRUIK"] == 1) & answered(df, "Q10_CORRECT"))
    if fig == "channel_group_share":
        assert where["contact_type"] == "algemeen"
        return share(w, df["Q2_R1"].isin(CHANNEL_GROUPS[where["channel_group"]]), answered(df, "Q2_R1"))
    if fig in ("sector_positive_attitude", "sector_any_automated_contact", "sector_kpi"):
        s = SECTOR_CODES[where["sector"]]
        kpi = where["kpi"]
        if kpi == "positive_attitude":
            return share(w, df[f"S{s}_HOUDING"] >= 6, answered(df, f"S{s}_HOUDING"))
        if kpi == "any_automated_contact":
            base = answered(df, f"S{s}_CHATBOT") | answered(df, f"S{s}_SPRAAK")
            return share(w, (df[f"S{s}_CHATBOT"] == 1) | (df[f"S{s}_SPRAAK"] == 1), base)
        if kpi == "chatbot_contact":
            return share(w, df[f"S{s}_CHATBOT"] == 1, answered(df, f"S{s}_CHATBOT"))
        if kpi == "voice_contact":
            return share(w, df[f"S{s}_SPRAAK"] == 1, answered(df, f"S{s}_SPRAAK"))
    raise AssertionError(f"no definition for {row}")


def survey_rows() -> list[dict]:
    return [r for r in published_rows() if r["precision"] in TOLERANCE]


def published_target(row: dict) -> float:
    """Persona tables are scaled to 100 (the 2026 one sums to 101 by rounding)."""
    value = float(row["value"])
    if row["figure"] == "persona_share":
        total = sum(float(r["value"]) for r in published_rows()
                    if r["figure"] == "persona_share" and r["wave"] == row["wave"])
        value = value * 100.0 / total
    return value


# ---------------------------------------------------------------------------------------
# 1. Calibration against the published figures
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("row", survey_rows(), ids=lambda r: f"{r['figure']}[{r['wave']}:{r['where']}]")
def test_published_figure_reproduced(row, waves):
    got = figure_value(row, waves)
    diff = abs(got - published_target(row))
    assert diff <= TOLERANCE[row["precision"]], f"{row['where']}: sample {got:.2f} vs published {row['value']}"


def test_calibration_meets_the_aim(waves):
    """Stricter than the contract tolerance: ≤ 1 pp for rounded, ≤ 2 pp for approximate figures."""
    worst = {}
    for row in survey_rows():
        diff = abs(figure_value(row, waves) - published_target(row))
        worst[row["precision"]] = max(worst.get(row["precision"], 0.0), diff)
        assert diff <= AIM[row["precision"]], (row["where"], diff)
    assert set(worst) == {"rounded", "approx"}


def test_report_helper_agrees_with_the_files(waves):
    """The generator's own report (used for docs/sample_data.md) matches the read-back figures."""
    from tools.sample.survey_report import calibration_report

    rows, diagnostics = calibration_report()
    by_key = {(r["figure"], str(r["wave"]), r["where"]): r["sample"] for r in rows}
    assert len(rows) == len(survey_rows())
    for row in survey_rows():
        assert by_key[(row["figure"], row["wave"], row["where"])] == pytest.approx(figure_value(row, waves), abs=1e-9)
    for wave in WAVES:
        assert diagnostics[wave]["efficiency"] == pytest.approx(waves[wave][2].diagnostics()["efficiency"])


def test_sample_size_and_voice_above_chatbot_in_zorg(waves):
    row = next(r for r in published_rows() if r["figure"] == "sample_size")
    assert len(waves[2026][0]) == int(row["value"]) == 1016
    df, w, _ = waves[2026]
    chat = share(w, df["S7_CHATBOT"] == 1, answered(df, "S7_CHATBOT"))
    voice = share(w, df["S7_SPRAAK"] == 1, answered(df, "S7_SPRAAK"))
    assert voice > chat + 2


def test_default_sizes(waves):
    for wave in WAVES:
        assert abs(len(waves[wave][0]) - 1000) <= 20
    assert {w: len(waves[w][0]) for w in WAVES} == DEFAULT_SIZES


# ---------------------------------------------------------------------------------------
# 2. Determinism
# ---------------------------------------------------------------------------------------

def test_two_runs_write_identical_bytes(landing, tmp_path):
    first_dir, first_paths = landing
    second = write_survey_sample(tmp_path / "survey")
    assert [p.name for p in second] == [p.name for p in first_paths]
    for a, b in zip(first_paths, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert sorted(p.name for p in (tmp_path / "survey").iterdir()) == sorted(p.name for p in second)


def test_rerun_leaves_unchanged_files_untouched(tmp_path):
    target = tmp_path / "survey"
    paths = write_survey_sample(target)
    old = 1_600_000_000
    for p in paths:
        os.utime(p, ns=(old * 10**9, old * 10**9))
    again = write_survey_sample(target)
    assert again == paths
    for p in paths:
        assert p.stat().st_mtime_ns == old * 10**9, f"{p.name} was rewritten"
    # A changed file is replaced (atomically) and nothing else is left behind.
    paths[0].write_bytes(b"broken")
    write_survey_sample(target)
    assert paths[0].read_bytes() != b"broken"
    assert paths[1].stat().st_mtime_ns == old * 10**9
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in paths)


def test_waves_before_the_first_edition_are_refused():
    with pytest.raises(ValueError):
        generate_wave(2022, 10)


def test_generate_wave_is_deterministic():
    a = generate_wave(2026, 300, seed=7)
    b = generate_wave(2026, 300, seed=7)
    c = generate_wave(2026, 300, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_sav_header_stamp_is_fixed(landing):
    _, paths = landing
    sav = next(p for p in paths if p.suffix == ".sav")
    head = sav.read_bytes()[:176]
    assert head[:4] == b"$FL2"
    assert head[92:101] == b"06 Jan 26" and head[101:109] == b"09:30:00"


# ---------------------------------------------------------------------------------------
# 3. Contract compliance (spec §2), on the files as delivered
# ---------------------------------------------------------------------------------------

def test_file_formats(landing):
    target, paths = landing
    assert [p.name for p in paths] == ["voice_monitor_2023.csv", "voice_monitor_2024.parquet",
                                       "voice_monitor_2025.csv", "voice_monitor_2026.sav"]
    csv23 = paths[0].read_bytes()
    assert csv23.startswith(b"\xef\xbb\xbf") and csv23[3:].split(b"\n", 1)[0].count(b";") > 50
    csv25 = paths[2].read_bytes()
    assert not csv25.startswith(b"\xef\xbb\xbf") and csv25.split(b"\n", 1)[0].count(b",") > 50
    assert b"\r" not in csv23 and b"\r" not in csv25
    header25 = csv25.split(b"\n", 1)[0].decode().split(",")
    assert "PANEL_BRON" in header25
    # Parquet: lower-case names, float64 codes, shuffled columns, no pandas/time metadata.
    pf = pq.ParquetFile(paths[1])
    schema = pf.schema_arrow
    assert all(n == n.lower() for n in schema.names)
    assert [n.upper() for n in schema.names] != [v.name for v in variables_for_wave(2024) if v.name in
                                                 {n.upper() for n in schema.names}]
    assert str(schema.field("q1_1").type) == "double" and str(schema.field("geslacht").type) == "double"
    meta = pf.metadata.metadata or {}
    assert b"pandas" not in meta
    q2_r2 = pf.read(columns=["q2_r2"]).column("q2_r2")
    assert q2_r2.null_count > 50 and not np.isnan(q2_r2.drop_null().to_numpy()).any()   # empty = null
    # SAV: variable labels, value labels, 99 declared user-missing where the code list has it.
    _, meta_sav = pyreadstat.read_sav(str(paths[3]), metadataonly=True, user_missing=True)
    assert meta_sav.column_names_to_labels["Q6"].startswith("Staat u open")
    assert meta_sav.variable_value_labels["Q5"][1.0].startswith("Jurre")
    with_99 = {v.name for v in variables_for_wave(2026) if v.allowed and 99 in v.allowed}
    assert with_99 == {n for n, r in meta_sav.missing_ranges.items()
                       if any(x["lo"] == 99 and x["hi"] == 99 for x in r)}
    assert {"Q1_1", "Q6", "Q10_CORRECT", "Q11_CORRECT", "S7_KANAAL"} <= with_99


@pytest.mark.parametrize("wave", WAVES)
def test_columns_follow_first_wave(wave, waves):
    df = waves[wave][0]
    names = set(df.columns)
    expected = {v.name for v in variables_for_wave(wave)}
    required = expected - {"GEWICHT", "STARTDATE", "OPEN"}
    assert required <= names
    later = {v.name for v in all_variables() if v.first_wave > wave}
    assert not (names & later), f"variables asked only later present in {wave}: {names & later}"
    unknown = names - expected
    assert unknown == ({"PANEL_BRON"} if wave == 2025 else set())
    if wave < 2025:
        assert not any(n.startswith(("Q8_", "S7_")) for n in names)
        assert "Q10_CORRECT" not in names and "Q11_MENS" not in names


@pytest.mark.parametrize("wave", WAVES)
def test_values_background_and_ids(wave, waves):
    df = waves[wave][0]
    assert len(df) > 0 and df["RESPID"].is_unique
    for col in ("GESLACHT", "LEEFTIJD", "REGIO", "OPLEIDING"):
        assert df[col].notna().all(), col
    assert df["LEEFTIJD"].between(18, 99).all() and (df["LEEFTIJD"] % 1 == 0).all()
    gender3 = (df["GESLACHT"] == 3).mean()
    assert 0.005 <= gender3 <= 0.03
    dates = pd.to_datetime(df["STARTDATE"], format="%Y-%m-%d")
    assert (dates.dt.year == wave - 1).all() and (dates.dt.month == 12).all()
    for var in variables_for_wave(wave):
        if not var.is_coded or var.name not in df.columns:
            continue
        values = df[var.name].dropna()
        assert (values % 1 == 0).all(), var.name
        bad = set(values.astype(int)) - set(var.allowed)
        assert not bad, f"{var.name}: codes {bad} outside the code list"
        if 99 not in var.allowed:
            assert not (values == 99).any()


@pytest.mark.parametrize("wave", WAVES)
def test_routing(wave, waves):
    df = waves[wave][0]
    routed_vars = [v for v in variables_for_wave(wave) if v.routing]
    assert routed_vars
    for var in routed_vars:
        asked = pd.Series(False, index=df.index)
        for cond in var.routing:
            asked |= df[cond.variable] == cond.code
        assert df.loc[~asked, var.name].isna().all(), f"{var.name} answered but not routed"
        assert df.loc[asked, var.name].notna().mean() > 0.9, var.name
    if wave >= 2025:
        routed = df["Q10_GEBRUIK"] == 1
        for col in ("Q10_AFGEHANDELD", "Q10_CORRECT", "Q10_VERVOLG"):
            assert df.loc[routed, col].isna().any(), f"nobody left {col} empty"


@pytest.mark.parametrize("wave", WAVES)
def test_multi_response_and_ranks(wave, waves):
    df = waves[wave][0]
    q3 = df[[f"Q3_{i}" for i in range(1, 10)]]
    assert q3.isna().all(axis=1).equals(q3.isna().any(axis=1))     # the block is all or nothing
    mentions = q3.dropna().sum(axis=1)
    assert mentions.max() <= 3 and (mentions == 3).mean() > 0.3 and (mentions < 3).any()
    q7 = df[[f"Q7_{i}" for i in range(1, 9)]].dropna()
    assert ((q7["Q7_8"] == 1) & (q7.iloc[:, :7].sum(axis=1) > 0)).sum() == 0
    assert (q7["Q7_8"] == 1).any() and (q7.sum(axis=1) >= 1).all()
    r1, r2, r3 = df["Q2_R1"], df["Q2_R2"], df["Q2_R3"]
    assert r1.notna().mean() > 0.98
    assert not (r2.notna() & r1.isna()).any() and not (r3.notna() & r2.isna()).any()
    assert not ((r1 == r2) | (r1 == r3) | (r2 == r3)).any()
    assert r2.notna().mean() > 0.7 and r3.notna().mean() > 0.5 and r2.isna().any()
    assert not (df[["Q2_R1", "Q2_R2", "Q2_R3"]] == 99).any().any()


@pytest.mark.parametrize("wave", WAVES)
def test_dont_know_and_item_nonresponse(wave, waves):
    df, w, _ = waves[wave]
    for col in ("Q1_1", "Q1_5", "Q6", "S1_KANAAL"):
        dk = share(w, df[col] == 99, answered(df, col))
        assert 0.5 <= dk <= 15, (col, dk)
    for col in ("Q4_1", "Q6", "Q9", "Q12_1", "S1_HOUDING"):
        missing = df[col].isna().mean()
        assert 0.002 < missing < 0.08, (col, missing)


def test_open_answers(waves):
    texts = pd.concat([waves[w][0]["OPEN"] for w in WAVES])
    filled = texts.dropna()
    assert 0.3 < texts.isna().mean() < 0.7
    assert filled.nunique() > 300
    emails = filled.str.findall(r"[\w.+-]+@[\w.-]+\.\w+").explode().dropna()
    assert len(emails) >= 10 and emails.str.endswith(("example.nl", "voorbeeld.nl")).all()
    joined = "\n".join(filled)
    for pattern in (r"\b06-\d{8}\b", r"\b06\d{8}\b", r"\+31 6 \d{4} \d{4}", r"\+31 \(0\)6 \d{8}",
                    r"\b0\d{2}-\d{7}\b", r"\b0031 \d{2} \d{3} \d{4}\b"):
        assert re.search(pattern, joined), f"no phone number like {pattern}"
    assert re.search(r"(Groet|groet), [A-Z][a-z]+ ", joined)
    assert filled.str.contains("chatbot", case=False).mean() > 0.1


def test_agency_weight_is_optional_and_differs(waves):
    present = [w for w in WAVES if "GEWICHT" in waves[w][0].columns]
    assert 0 < len(present) < len(WAVES)
    for wave in present:
        df, w, _ = waves[wave]
        g = df["GEWICHT"]
        assert g.notna().all() and abs(g.mean() - 1) < 0.01
        assert np.max(np.abs(g.to_numpy() - w.to_numpy())) > 0.05


# ---------------------------------------------------------------------------------------
# 4. Weighting: efficiency and no clipping
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("wave", WAVES)
def test_weighting_efficiency_and_no_clipping(wave, waves):
    df, w, result = waves[wave]
    diag = result.diagnostics()
    assert 0.75 <= diag["efficiency"] <= 0.90, diag
    assert LOWER < diag["min_w"] and diag["max_w"] < UPPER
    assert result.cycles == 1                     # no bound binds: the unique raking solution
    # The panel is skewed the way online panels are: weighting matters.
    young = age_band(df["LEEFTIJD"].to_numpy()) == 1
    assert young.mean() < 0.2 and (df["OPLEIDING"] == 1).mean() < 0.25
    assert w[young].mean() > 1.3 and w[df["OPLEIDING"] == 3].mean() < 0.9


# ---------------------------------------------------------------------------------------
# 5. Trends the report describes (directional)
# ---------------------------------------------------------------------------------------

def by_wave(waves, col, code_test, base_col=None, which=WAVES):
    out = []
    for wave in which:
        df, w, _ = waves[wave]
        out.append(share(w, code_test(df[col]), answered(df, base_col or col)))
    return out


def increasing(values, strict=True):
    pairs = list(zip(values, values[1:]))
    return all(b > a for a, b in pairs) if strict else all(b >= a for a, b in pairs)


def test_trend_frustrations(waves):
    chatbot = by_wave(waves, "Q3_3", lambda s: s == 1)
    assert increasing(chatbot)
    assert increasing(by_wave(waves, "Q3_1", lambda s: s == 1)[::-1])
    assert increasing(by_wave(waves, "Q3_2", lambda s: s == 1)[::-1])
    df, w, _ = waves[2026]
    shares = {i: share(w, df[f"Q3_{i}"] == 1, answered(df, f"Q3_{i}")) for i in range(1, 10)}
    ranked = sorted(shares, key=shares.get, reverse=True)
    assert ranked[0] == 1 and ranked[1] == 3          # chatbot nears the top spot


def test_trend_personas_and_channels(waves):
    assert increasing(by_wave(waves, "Q5", lambda s: s == 4)[::-1])    # janus falls
    assert increasing(by_wave(waves, "Q5", lambda s: s == 3))          # janny rises
    assert increasing(by_wave(waves, "Q2_R1", lambda s: s == 1)[::-1])  # telefoon declines
    assert increasing(by_wave(waves, "Q2_R1", lambda s: s == 5))       # whatsapp rises
    tel = by_wave(waves, "Q1_1", lambda s: s == 1)
    assert tel[0] > tel[-1]


def test_trend_disadvantages_decline(waves):
    for col in ("Q7_1", "Q7_2"):
        assert increasing(by_wave(waves, col, lambda s: s == 1)[::-1], strict=False)
        values = by_wave(waves, col, lambda s: s == 1)
        assert values[0] - values[-1] > 4


def test_trend_assistant_outcomes(waves):
    def routed_share(wave, col, code, gate):
        df, w, _ = waves[wave]
        return share(w, df[col] == code, (df[gate] == 1) & answered(df, col))
    assert routed_share(2026, "Q10_AFGEHANDELD", 1, "Q10_GEBRUIK") > routed_share(2025, "Q10_AFGEHANDELD", 1, "Q10_GEBRUIK") + 2
    assert routed_share(2026, "Q10_VERVOLG", 1, "Q10_GEBRUIK") < routed_share(2025, "Q10_VERVOLG", 1, "Q10_GEBRUIK") - 2
    assert routed_share(2026, "Q11_MENS", 1, "Q11_GEBRUIK") > routed_share(2025, "Q11_MENS", 1, "Q11_GEBRUIK") + 2


def test_trust_and_usage(waves):
    for wave in WAVES:
        df, w, _ = waves[wave]
        everyone = pd.Series(True, index=df.index)
        assert wmean(w, df["Q12_2"], everyone) > wmean(w, df["Q12_1"], everyone)
        for trust, freq in (("Q12_1", "Q13_1"), ("Q12_2", "Q13_2")):
            means = [wmean(w, df[trust], df[freq] == f) for f in (1, 2, 3, 4)]
            assert increasing(means), (wave, trust, means)


def test_sector_experiences(waves):
    def negative(wave, s):
        df, w, _ = waves[wave]
        return share(w, df[f"S{s}_ERVARING"] == 3, answered(df, f"S{s}_ERVARING"))
    for s in (2, 6, 7):                                # bezorgdiensten, telecom, zorg worsen
        assert negative(2026, s) - negative(2025, s) > 5
    for s in (1, 3, 4, 5):                             # stable elsewhere
        assert abs(negative(2026, s) - negative(2025, s)) < 4


def test_ai_use_cases(waves):
    def positive(wave, col):
        df, w, _ = waves[wave]
        return share(w, df[col] == 1, answered(df, col))
    assert positive(2026, "Q8_1") > positive(2025, "Q8_1")
    assert positive(2026, "Q8_2") > 45
    for col in ("Q8_3", "Q8_4"):
        assert positive(2026, col) < positive(2025, col)
        assert positive(2026, col) < positive(2026, "Q8_2")


def test_realistic_correlations(waves):
    df, w, _ = waves[2026]
    band = pd.Series(age_band(df["LEEFTIJD"].to_numpy()), index=df.index)
    digital = df["Q2_R1"].isin([3, 5, 6, 7, 8])
    assert share(w, digital, answered(df, "Q2_R1") & (band == 1)) > \
        share(w, digital, answered(df, "Q2_R1") & (band == 3)) + 5
    assert wmean(w, df["LEEFTIJD"], df["Q5"] == 4) > wmean(w, df["LEEFTIJD"], df["Q5"] == 1) + 5
    assert share(w, df["Q6"] == 1, df["Q5"] == 1) > share(w, df["Q6"] == 1, df["Q5"] == 4) + 20


# ---------------------------------------------------------------------------------------
# Scale
# ---------------------------------------------------------------------------------------

def test_large_waves_are_written_as_parquet(tmp_path):
    """(How fast the sample is written is a benchmark figure: `voice-monitor bench`, docs/benchmarks.md.)"""
    n = LARGE_N + 20_000
    df = generate_wave(2026, n, seed=2026)
    assert len(df) == n and df["RESPID"].is_unique
    paths = write_survey_sample(tmp_path / "big", {2025: 500, 2026: n})
    assert [p.suffix for p in paths] == [".parquet", ".parquet"]
    back = read_wave(paths[1])
    w = pd.Series(weights_for(2026, back).weights, index=back.index)
    assert abs(share(w, back["Q3_1"] == 1, answered(back, "Q3_1")) - 52) < 1
    assert abs(share(w, back["Q1_1"] == 1, answered(back, "Q1_1")) - 47) < 1
