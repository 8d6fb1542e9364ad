"""The GX suites on hand-made frames: valid inputs pass, and each guard fails when its input
is broken on purpose (tampered weights, a respondent dropped from a mart, a duplicated post,
a broken social count), with a message naming the expectation, the wave or question and the
observed value.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from expectations import social_totals, totals, weighting
from independent import age_band
from orchestration.paths import PROJECT_DIR, Home
from orchestration.quality.gx_runner import ERROR, WARNING, quality_run
from orchestration.survey import mart_design
from orchestration.survey.weighting import load_targets, rake


@pytest.fixture(scope="module")
def qrun(tmp_path_factory):
    """One GX context for the module (as in a warehouse run)."""
    home = Home(tmp_path_factory.mktemp("quality_home")).ensure()
    return quality_run(home, "unit-tests")


def _failure_text(outcome) -> str:
    return outcome.message() + "\n" + outcome.message(severity=WARNING)


# --- weighting ----------------------------------------------------------------------------------

def _panel(wave: int, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = np.where(rng.random(n) < 0.2, rng.integers(18, 35, n),
                   np.where(rng.random(n) < 0.42, rng.integers(35, 55, n), rng.integers(55, 95, n)))
    return pd.DataFrame({
        "wave": wave, "respid": [f"{wave}{i:05d}" for i in range(n)],
        "GESLACHT": rng.choice([1, 2, 3], n, p=[0.47, 0.50, 0.03]),
        "LEEFTIJD_BAND": age_band(age),
        "REGIO": rng.choice([1, 2, 3, 4], n, p=[0.12, 0.24, 0.20, 0.44]),
        "OPLEIDING": rng.choice([1, 2, 3], n, p=[0.2, 0.38, 0.42]),
    })


@pytest.fixture(scope="module")
def weighting_inputs():
    """Two waves raked by the warehouse's own raking to the bundled targets."""
    targets = load_targets()
    respondents, weights, target_rows = [], [], []
    for wave, seed in ((2025, 1), (2026, 2)):
        panel = _panel(wave, 600, seed)
        result = rake(wave, {m: panel[m].to_numpy() for m in weighting.MARGINS}, targets.for_wave(wave))
        respondents.append(panel)
        weights.append(pd.DataFrame({"wave": wave, "respid": panel["respid"], "weight": result.weights}))
        for variable, shares in targets.for_wave(wave).items():
            target_rows += [{"wave": wave, "variable": variable, "code": c, "share": s} for c, s in shares.items()]
        target_rows.append({"wave": wave, "variable": "GESLACHT", "code": 3, "share": np.nan})  # as in ops
    return pd.concat(respondents, ignore_index=True), pd.concat(weights, ignore_index=True), pd.DataFrame(target_rows)


def _weighting(qrun, respondents, weights, targets, **suite_args):
    frame = weighting.build_frame(respondents, weights, targets)
    return qrun.validate(weighting, frame, suite=weighting.build_suite(**suite_args) if suite_args else None)


def test_weighting_suite_passes_on_raked_weights(qrun, weighting_inputs):
    outcome = _weighting(qrun, *weighting_inputs)
    assert outcome.success, outcome.message()
    assert {r.target for r in outcome.results} == {"wave 2025", "wave 2026"}
    assert len({r.expectation for r in outcome.results}) == 8


def test_tampered_weight_out_of_bounds_fails_naming_wave_and_value(qrun, weighting_inputs):
    respondents, weights, targets = weighting_inputs
    tampered = weights.copy()
    tampered.loc[tampered.index[tampered["wave"] == 2026][0], "weight"] = 7.5
    outcome = _weighting(qrun, respondents, tampered, targets)
    assert not outcome.success
    failed = {(r.expectation, r.target) for r in outcome.failed(ERROR)}
    assert ("weights_at_most_upper_bound", "wave 2026") in failed
    assert ("sum_of_weights_equals_n", "wave 2026") in failed          # Σw moved too
    assert ("margins_on_target", "wave 2026") in failed
    assert not any(t == "wave 2025" for _, t in failed)                 # the other wave is fine
    text = outcome.message("wave 2026")
    assert "weights_at_most_upper_bound" in text and "wave 2026" in text and "max_w = 7.5" in text


def test_weights_not_summing_to_n_fail(qrun, weighting_inputs):
    respondents, weights, targets = weighting_inputs
    tampered = weights.assign(weight=np.where(weights["wave"] == 2025, weights["weight"] * 1.01, weights["weight"]))
    outcome = _weighting(qrun, respondents, tampered, targets)
    failed = {(r.expectation, r.target) for r in outcome.failed(ERROR)}
    assert failed == {("sum_of_weights_equals_n", "wave 2025")}        # shares, bounds, efficiency unchanged
    assert "mean_w = 1.01" in outcome.message()


def test_margin_off_target_fails(qrun, weighting_inputs):
    respondents, weights, targets = weighting_inputs
    tampered = weights.copy()
    r = respondents.loc[respondents["wave"] == 2026]
    north = r.loc[r["REGIO"] == 1].iloc[0]
    same = (r["REGIO"] == 4) & (r["GESLACHT"] == north["GESLACHT"]) & (r["LEEFTIJD_BAND"] == north["LEEFTIJD_BAND"]) \
        & (r["OPLEIDING"] == north["OPLEIDING"])
    west = r.loc[same].index[0]                                         # differs from `north` in region only
    tampered.loc[north.name, "weight"] += 0.001
    tampered.loc[west, "weight"] -= 0.001                               # Σw unchanged, REGIO shares moved
    outcome = _weighting(qrun, respondents, tampered, targets)
    failed = {(r.expectation, r.target) for r in outcome.failed(ERROR)}
    assert failed == {("margins_on_target", "wave 2026")}
    assert "REGIO" in outcome.message()


def test_a_respondent_without_weight_fails(qrun, weighting_inputs):
    respondents, weights, targets = weighting_inputs
    outcome = _weighting(qrun, respondents, weights.drop(index=weights.index[-1]), targets)
    failed = {r.expectation for r in outcome.failed(ERROR)}
    assert {"every_respondent_weighted", "one_weight_per_respondent"} <= failed


def test_gender_is_checked_with_the_category_3_rule(qrun, weighting_inputs):
    """Weights raked to Man/Vrouw over all respondents (ignoring the category-3 rule) miss the target."""
    respondents, weights, targets = weighting_inputs
    wrong = weights.copy()
    for wave in (2025, 2026):
        panel = respondents.loc[respondents["wave"] == wave]
        t = load_targets().for_wave(wave)
        t = {**t, "GESLACHT": {1: t["GESLACHT"][1] * 0.9, 2: t["GESLACHT"][2] * 0.9, 3: 0.1}}
        result = rake(wave, {m: panel[m].to_numpy() for m in weighting.MARGINS}, t)
        wrong.loc[wrong["wave"] == wave, "weight"] = result.weights
    outcome = _weighting(qrun, respondents, wrong, targets)
    assert {r.expectation for r in outcome.failed(ERROR)} == {"margins_on_target"}
    assert "GESLACHT" in outcome.message()


def test_efficiency_below_warning_level_warns_and_below_floor_fails(qrun, weighting_inputs, monkeypatch):
    respondents, weights, targets = weighting_inputs
    outcome = _weighting(qrun, respondents, weights, targets, fail_below=0.30, warn_below=1.0)
    assert outcome.success                                                  # a warning does not fail
    warned = outcome.failed(WARNING)
    assert {r.expectation for r in warned} == {"efficiency_above_warning_level"} and len(warned) == 2
    assert warned[0].severity == WARNING and "efficiency = 0.8" in warned[0].observed_value
    monkeypatch.setenv(weighting.FAIL_BELOW_ENV, "0.99")                    # configurable floor
    outcome = _weighting(qrun, respondents, weights, targets)
    assert {r.expectation for r in outcome.failed(ERROR)} == {"efficiency_above_floor"}
    assert "efficiency_above_floor" in outcome.message() and "expected at least 0.99" in outcome.message()


# --- survey totals ------------------------------------------------------------------------------

MARTS = ["mart_personas", "mart_frustrations", "mart_sector_kpis"]


def _answers() -> pd.DataFrame:
    rows = []
    q5 = [1, 1, 2, 2, 2, 3, 3, 4, 4, None]
    q3 = [1, 0, 1, 1, 0, 0, 1, None, 0, 1]
    chatbot = [1, 1, 2, 2, 1, 2, 2, 2, 1, 2]
    spraak = [2, 1, 2, 1, 2, 2, 2, 2, 2, 2]
    ervaring = [1, 2, None, 3, 1, None, None, None, None, None]       # routed: 1, 2, 4, 5, 9 (9 did not answer)
    for i in range(10):
        for variable, values in (("Q5", q5), ("Q3_1", q3), ("S1_CHATBOT", chatbot), ("S1_SPRAAK", spraak),
                                 ("S1_ERVARING", ervaring)):
            if values[i] is not None:
                rows.append({"wave": 2026, "respid": f"r{i + 1}", "variable": variable, "value": values[i]})
    return pd.DataFrame(rows)


def _design() -> pd.DataFrame:
    """The mart design rows with their codes and the groups' single_choice flag (the guard reads
    these columns, less the code, from int_survey__mart_items and int_survey__mart_groups)."""
    items = pd.DataFrame(mart_design.mart_items())
    single = pd.DataFrame(mart_design.mart_groups())[["mart", "g1", "g2", "single_choice"]]
    d = items.merge(single, on=["mart", "g1", "g2"])
    d["by_variable"] = d["by_variable"].replace("", None)
    d["by_code"] = pd.to_numeric(d["by_code"].replace("", None)).astype("Int64")
    return d[["mart", "g1", "g2", "category", "variable", "code", "base_variable", "by_variable", "by_code",
              "single_choice"]]


def _mart(answers: pd.DataFrame, design: pd.DataFrame, mart: str) -> pd.DataFrame:
    """Unweighted mart rows for simple (non-cross) groups, straight from the answers."""
    rows = []
    for (g1, g2), items in design.loc[design["mart"] == mart].groupby(["g1", "g2"], sort=False):
        for wave, a in answers.groupby("wave"):
            base = a.loc[a["variable"].isin(set(items["base_variable"])), "respid"].nunique()
            if not base:
                continue
            for category, cat_items in items.groupby("category", sort=False):
                hit = a.merge(cat_items[["variable", "code"]], left_on=["variable", "value"],
                              right_on=["variable", "code"])["respid"].nunique()
                rows.append({"wave": wave, "g1": g1, "g2": g2, "category": category, "share_pct": 100.0 * hit / base,
                             "n_unweighted": hit, "base_unweighted": base})
    frame = pd.DataFrame(rows)
    g1_col, g2_col, cat_col = totals.MART_DIMENSIONS[mart]
    out = frame.rename(columns={"category": cat_col})
    if g1_col:
        out = out.rename(columns={"g1": g1_col})
    return out


def _bases(answers: pd.DataFrame) -> pd.DataFrame:
    """audit.survey_bases for the answers, counted here from the design's groups: respondents who
    answered a base variable (with the cross-tab condition) and, for routed questions, those
    routed to it (the routing is the codebook's)."""
    wide = answers.pivot_table(index=["wave", "respid"], columns="variable", values="value", aggfunc="first")
    col = lambda v: wide[v] if v in wide else pd.Series(np.nan, index=wide.index)  # noqa: E731
    rows = []
    for g in mart_design.mart_groups():
        answering = pd.Series(False, index=wide.index)
        routed = pd.Series(False, index=wide.index)
        for b in g["bases"]:
            term = col(b["variable"]).notna()
            if b["by_variable"]:
                term &= col(b["by_variable"]) == b["by_code"]
            answering |= term
            routes = pd.Series(not b["routing"], index=wide.index)
            for variable, code in b["routing"]:
                routes |= col(variable) == code
            routed |= term & routes
        is_routed = any(b["routing"] for b in g["bases"])
        for wave, n in answering.groupby(level="wave").sum().items():
            if n:
                rows.append({"mart": g["mart"], "g1": g["g1"], "g2": g["g2"], "wave": wave,
                             "answering_respondents": int(n),
                             "routed_respondents": int(routed.xs(wave, level="wave").sum()) if is_routed else None})
    return pd.DataFrame(rows).astype({"routed_respondents": "Int64"})


def _totals_db(answers: pd.DataFrame, marts: dict[str, pd.DataFrame] | None = None, bases=None):
    """An in-memory build database with the tables the totals guard reads."""
    design = _design()
    con = duckdb.connect()
    for schema in ("intermediate", "audit", "marts"):
        con.execute(f"create schema {schema}")
    tables = {"intermediate.int_survey__mart_items": design.drop(columns="single_choice"),
              "intermediate.int_survey__mart_groups": design[["mart", "g1", "g2", "single_choice"]].drop_duplicates(),
              "audit.survey_bases": _bases(answers) if bases is None else bases}
    for mart in MARTS:
        tables[f"marts.{mart}"] = marts[mart] if marts and mart in marts else _mart(answers, design, mart)
    for name, frame in tables.items():
        con.register("_frame", frame)
        con.execute(f"create table {name} as select * from _frame")
        con.unregister("_frame")
    return con


def _totals(qrun, con) -> object:
    return qrun.validate(totals, totals.load_frame(con, MARTS))


def test_totals_suite_passes_on_consistent_marts(qrun):
    outcome = _totals(qrun, _totals_db(_answers()))
    assert outcome.success, outcome.message()
    assert {r.target for r in outcome.results} == {f"marts.{m}" for m in MARTS}
    routed = [r for r in outcome.results if r.expectation == "routed_base_equals_routed_respondents"]
    assert [r.target for r in routed] == ["marts.mart_sector_kpis"]       # only where it applies


def test_a_respondent_dropped_from_a_mart_fails_the_base(qrun):
    answers = _answers()
    personas = _mart(answers, _design(), "mart_personas")
    personas.loc[personas["persona"] == "jurre", "n_unweighted"] -= 1    # respondent r1 dropped
    personas["base_unweighted"] -= 1
    personas["share_pct"] = 100.0 * personas["n_unweighted"] / personas["base_unweighted"]
    outcome = _totals(qrun, _totals_db(answers, {"mart_personas": personas}))
    failed = {(r.expectation, r.target) for r in outcome.failed(ERROR)}
    assert failed == {("base_equals_answering_respondents", "marts.mart_personas")}
    text = outcome.message("marts.mart_personas")
    assert "question Q5" in text and "wave 2026" in text
    assert "base_unweighted = 8, answering_respondents = 9" in text


def test_single_choice_shares_not_summing_to_100_fail(qrun):
    answers = _answers()
    personas = _mart(answers, _design(), "mart_personas")
    personas.loc[personas["persona"] == "juna", "share_pct"] += 0.5
    outcome = _totals(qrun, _totals_db(answers, {"mart_personas": personas}))
    assert {r.expectation for r in outcome.failed(ERROR)} == {"single_choice_shares_sum_to_100"}
    assert "share_sum = 100.5" in outcome.message()


def test_counts_not_adding_up_to_the_base_fail(qrun):
    answers = _answers()
    personas = _mart(answers, _design(), "mart_personas")
    personas.loc[personas["persona"] == "janus", "n_unweighted"] += 1
    outcome = _totals(qrun, _totals_db(answers, {"mart_personas": personas}))
    assert {r.expectation for r in outcome.failed(ERROR)} == {"single_choice_counts_sum_to_base"}
    assert "n_sum = 10, base_unweighted = 9" in outcome.message()


def test_multi_response_share_above_100_fails(qrun):
    answers = _answers()
    frustrations = _mart(answers, _design(), "mart_frustrations")
    frustrations.loc[0, "share_pct"] = 100.5
    outcome = _totals(qrun, _totals_db(answers, {"mart_frustrations": frustrations}))
    failed = outcome.failed(ERROR)
    assert {(r.expectation, r.target) for r in failed} == {("shares_at_most_100", "marts.mart_frustrations")}
    assert "question Q3_1" in outcome.message() and "share_max = 100.5" in outcome.message()


def test_experience_answer_outside_the_routing_fails(qrun):
    """r7 has no chatbot or voice contact with sector 1 but an S1_ERVARING answer (a file rule
    bypassed): the mart's base counts r7, the routed respondents (audit.survey_bases) do not."""
    answers = pd.concat([_answers(), pd.DataFrame([{"wave": 2026, "respid": "r7", "variable": "S1_ERVARING",
                                                   "value": 2}])], ignore_index=True)
    bases = _bases(answers)
    assert bases.loc[bases["g2"] == "ervaring", ["answering_respondents", "routed_respondents"]].values.tolist() \
        == [[5, 4]]
    outcome = _totals(qrun, _totals_db(answers, bases=bases))
    failed = outcome.failed(ERROR)
    assert {(r.expectation, r.target) for r in failed} == {
        ("routed_base_equals_routed_respondents", "marts.mart_sector_kpis")}
    text = outcome.message()
    assert "S1_ERVARING" in text and "banken_verzekeraars" in text and "wave 2026" in text
    assert "base_unweighted = 5, routed_respondents = 4" in text


def test_single_choice_comes_from_the_design(qrun):
    """Shares of a multi-response item need not sum to 100; a single-choice question's must."""
    answers = _answers()
    frustrations = _mart(answers, _design(), "mart_frustrations")
    assert frustrations["share_pct"].sum() != 100
    assert _totals(qrun, _totals_db(answers, {"mart_frustrations": frustrations})).success
    groups = {(g["mart"], g["g1"], g["g2"]): g["single_choice"] for g in mart_design.mart_groups()}
    assert groups[("mart_personas", "", "")] and not groups[("mart_frustrations", "keuzemenus", "")]


def test_a_wave_missing_from_a_mart_fails(qrun):
    answers = pd.concat([_answers(), _answers().assign(wave=2025)], ignore_index=True)
    personas = _mart(answers, _design(), "mart_personas")
    outcome = _totals(qrun, _totals_db(answers, {"mart_personas": personas.loc[personas["wave"] != 2025]}))
    assert {r.expectation for r in outcome.failed(ERROR)} == {"base_equals_answering_respondents"}
    assert "wave 2025: observed base_unweighted = absent, answering_respondents = 9" in outcome.message()


def test_every_survey_mart_is_known_to_the_totals_guard():
    marts = {p.stem for p in (PROJECT_DIR / "models" / "marts" / "survey").glob("mart_*.sql")}
    assert marts == set(totals.MART_DIMENSIONS)


# --- social totals ------------------------------------------------------------------------------

def _social(load=None, fct=None, volume=None):
    load = pd.DataFrame([dict(lines_read=12, quarantined=1, duplicates=3, unique_posts=8, non_dutch=2,
                              published_posts=6)]) if load is None else load
    fct = pd.DataFrame({"platform": ["x", "x", "reddit", "reddit", "trustpilot", "x"],
                        "post_id": ["1", "2", "1", "9", "4", "5"]}) if fct is None else fct
    volume = pd.DataFrame({"month": ["2025-01-01", "2025-02-01"], "platform": ["x", "x"], "posts": [4, 2]}) \
        if volume is None else volume
    return social_totals.build_frame(load, fct_counts(fct), volume)


def fct_counts(fct: pd.DataFrame) -> tuple[int, int]:
    """Rows and distinct (platform, post_id) of a fact frame, as the guard counts them in SQL."""
    return len(fct), len(fct[["platform", "post_id"]].drop_duplicates())


def test_social_totals_pass_on_consistent_counts(qrun):
    outcome = qrun.validate(social_totals, _social())
    assert outcome.success, outcome.message()
    assert {r.target for r in outcome.results} == set(social_totals.TABLES)


def test_a_duplicated_post_fails(qrun):
    fct = pd.DataFrame({"platform": ["x", "x", "reddit", "reddit", "trustpilot", "x", "x"],
                        "post_id": ["1", "2", "1", "9", "4", "5", "5"]})
    outcome = qrun.validate(social_totals, _social(fct=fct))
    failed = {(r.expectation, r.target) for r in outcome.failed(ERROR)}
    assert failed == {("published_posts_equal_fact_rows", "marts.fct_social_posts"),
                      ("one_row_per_post", "marts.fct_social_posts")}
    assert "fct_rows = 7, fct_distinct_posts = 6" in outcome.message()


def test_a_broken_line_count_fails(qrun):
    load = pd.DataFrame([dict(lines_read=13, quarantined=1, duplicates=3, unique_posts=8, non_dutch=2,
                              published_posts=6)])
    outcome = qrun.validate(social_totals, _social(load=load))
    assert {(r.expectation, r.target) for r in outcome.failed(ERROR)} == {
        ("lines_read_accounted_for", "audit.social_load_totals")}
    assert "lines_read = 13, lines_accounted = 12" in outcome.message()


def test_a_volume_total_off_fails(qrun):
    volume = pd.DataFrame({"month": ["2025-01-01", "2025-02-01"], "posts": [4, 3]})
    outcome = qrun.validate(social_totals, _social(volume=volume))
    assert {r.expectation for r in outcome.failed(ERROR)} == {"volume_total_equals_published_posts"}
    assert "volume_posts = 7, published_posts = 6" in outcome.message()


def test_social_suite_covers_only_the_tables_present(qrun):
    suite = social_totals.build_suite((social_totals.LOAD_TOTALS,))
    outcome = qrun.validate(social_totals, _social(), suite=suite)
    assert {r.target for r in outcome.results} == {social_totals.LOAD_TOTALS}
