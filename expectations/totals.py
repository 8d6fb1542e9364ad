"""Totals guard for the survey marts (spec §4): shares add up, counts add up to the base, and
every base is the number of respondents who answered, recounted from staging.

The frame has one row per question × wave in each mart (a "group": the mart design's
mart, g1, g2), computed from the published mart tables themselves, with two independent
recounts from the live survey rows that staging reads (``raw.survey_responses`` of the
deliveries in ``ops.active_survey_deliveries``; an answer is a non-empty cell, as in
``staging.stg_survey__answers``), one grouped scan of the wide rows:

* ``staging_base``: respondents with a non-empty answer to the group's base variable (and,
  for cross-tabs, the group's condition), read off the mart design ``seeds.survey_mart_items``;
* ``routed_base`` (sector experience only): respondents routed to ``S{s}_ERVARING``
  (``S{s}_CHATBOT`` = 1 or ``S{s}_SPRAAK`` = 1) who answered it.

A group in a mart that staging does not know, or one staging expects that the mart lacks,
shows up as a missing value ("absent") and fails the base expectation; the expectations
about a mart's own consistency skip groups the mart does not have.
"""

from __future__ import annotations

import pandas as pd

from expectations.survey_rows import LIVE_SURVEY_ROWS_SQL


SUITE_NAME = "survey_totals"
TARGET_COLUMN = "mart"
TARGET_LABEL = "marts.{}"
INDEX_COLUMNS = ["mart", "question", "wave"]
SHARE_TOL = 1e-9

# mart → (g1 column, g2 column, category column) as published; None = not a column of the
# mart (g1 is then the category itself, or read off the design, e.g. the KPI's base group).
MART_DIMENSIONS: dict[str, tuple[str | None, str | None, str]] = {
    "mart_channel_preferences": ("contact_type", None, "channel"),
    "mart_channel_top3": (None, None, "channel"),
    "mart_frustrations": (None, None, "frustration"),
    "mart_personas": (None, None, "persona"),
    "mart_sector_channels": ("sector", None, "channel"),
    "mart_sector_kpis": ("sector", None, "kpi"),
    "mart_attitudes": ("question", None, "answer"),
    "mart_ai_use_cases": ("use_case", None, "stance"),
    "mart_disadvantages": (None, None, "disadvantage"),
    "mart_values": (None, None, "value"),
    "mart_assistant_outcomes": ("assistant", "measure", "answer"),
    "mart_trust_by_usage": ("assistant", "frequency", "trust_level"),
    "mart_persona_profiles": ("persona", "dimension", "category"),
}
# Single-choice groups: their shares sum to 100 and their counts to the base (the same list
# as tests/dbt/assert_single_choice_shares_sum_to_100.sql; a test keeps the two equal).
SINGLE_CHOICE_MARTS = frozenset({
    "mart_channel_preferences", "mart_personas", "mart_sector_channels", "mart_attitudes",
    "mart_ai_use_cases", "mart_assistant_outcomes", "mart_trust_by_usage", "mart_persona_profiles"})
SINGLE_CHOICE_GROUPS = frozenset({("mart_sector_kpis", "ervaring")})     # (mart, g2)
EXPERIENCE = ("mart_sector_kpis", "ervaring")

MEASURES = ["share_pct", "n_unweighted", "base_unweighted"]
FRAME_COLUMNS = ["mart", "question", "wave", "g1", "g2", "single_choice", "experience", "categories",
                 "share_sum", "share_min", "share_max", "n_sum", "base_unweighted", "base_unweighted_min",
                 "staging_base", "routed_base"]

DESIGN_SQL = """
select mart, coalesce(g1, '') as g1, coalesce(g2, '') as g2, category,
       upper(variable) as variable, upper(base_variable) as base_variable,
       nullif(upper(coalesce(by_variable, '')), '') as by_variable, by_code
from seeds.survey_mart_items
"""
SECTORS_SQL = "select sector, sector_code from seeds.sectors"


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a variable name: {name!r}")
    return f'"{name}"'


def _count_per_wave(con, conditions: list[str]) -> pd.DataFrame:
    """Respondents per wave meeting each condition: one grouped scan of the wide live rows
    (a recount per group over the tidy answers table would join it with itself, which at a
    million respondents per wave takes many minutes and tens of GB)."""
    if not conditions:
        return pd.DataFrame(columns=["wave", "condition", "respondents"])
    counts = ", ".join(f"count(*) filter (where {c}) as c{i}" for i, c in enumerate(conditions))
    wide = con.execute(f"select cast(wave as integer) as wave, {counts} from ({LIVE_SURVEY_ROWS_SQL}) "
                       "group by all").df()
    long = wide.melt(id_vars="wave", var_name="condition", value_name="respondents")
    long["condition"] = long["condition"].str[1:].astype(int)
    return long


def staging_bases(con, design: pd.DataFrame) -> pd.DataFrame:
    """mart, g1, g2, wave, staging_base: per mart group of ``design`` (the rows of DESIGN_SQL),
    the respondents with an answer to its base variable (and, for cross-tabs, the group's
    condition), recounted from the live wide rows that staging unpivots (an answer = a non-empty
    cell, as in ``stg_survey__answers``)."""
    rows = design[["mart", "g1", "g2", "base_variable", "by_variable", "by_code"]].drop_duplicates()
    rows["condition"] = [f"{_ident(b)} is not null" + (f" and {_ident(v)} = {int(c)}" if isinstance(v, str) else "")
                         for b, v, c in zip(rows["base_variable"], rows["by_variable"], rows["by_code"])]
    # a group whose items have several base variables (e.g. S1_CHATBOT, S1_SPRAAK) counts who
    # answered any of them
    groups = rows.groupby(["mart", "g1", "g2"], sort=False)["condition"].agg(
        lambda c: " or ".join(f"({x})" for x in sorted(set(c)))).reset_index()
    number = {c: i for i, c in enumerate(dict.fromkeys(groups["condition"]))}
    counts = _count_per_wave(con, list(number))
    groups["condition"] = groups["condition"].map(number)
    out = groups.merge(counts, on="condition").rename(columns={"respondents": "staging_base"})
    return out[["mart", "g1", "g2", "wave", "staging_base"]]


def routed_bases(con) -> pd.DataFrame:
    """g1 (sector), wave, routed_base: respondents routed to S{s}_ERVARING (S{s}_CHATBOT = 1 or
    S{s}_SPRAAK = 1) who answered it."""
    sectors = con.execute(SECTORS_SQL).df()
    conditions = [f"S{int(c)}_ERVARING is not null and (S{int(c)}_CHATBOT = 1 or S{int(c)}_SPRAAK = 1)"
                  for c in sectors["sector_code"]]
    counts = _count_per_wave(con, conditions)
    counts["g1"] = sectors["sector"].to_numpy()[counts["condition"].to_numpy()]
    return counts.rename(columns={"respondents": "routed_base"})[["g1", "wave", "routed_base"]]


def is_single_choice(mart: str, g2: str) -> bool:
    return mart in SINGLE_CHOICE_MARTS or (mart, g2) in SINGLE_CHOICE_GROUPS


def build_suite() -> "gx.ExpectationSuite":
    from expectations._gx import gx, gxe, named, only_where

    suite = gx.ExpectationSuite(name=SUITE_NAME, meta={
        "notes": "Spec §4. One row per question × wave of every survey mart; bases recounted from "
                 "the live survey rows staging reads (non-empty cells, as in staging.stg_survey__answers) "
                 "per the mart design (seeds.survey_mart_items)."})
    add = suite.add_expectation
    add(named(gxe.ExpectColumnValuesToBeBetween(
        column="share_sum", min_value=100 - SHARE_TOL, max_value=100 + SHARE_TOL,
        row_condition=only_where("single_choice"),
        description=f"The shares of a single-choice question sum to 100 (± {SHARE_TOL:g}) in each wave, "
                    "in every mart that holds it."),
        "single_choice_shares_sum_to_100", applies_to="single_choice"))
    add(named(gxe.ExpectColumnValuesToBeBetween(
        column="share_min", min_value=0,
        description="No share is below 0."),
        "shares_at_least_0"))
    add(named(gxe.ExpectColumnValuesToBeBetween(
        column="share_max", max_value=100,
        description="No share is above 100 (multi-response items each within [0, 100])."),
        "shares_at_most_100"))
    add(named(gxe.ExpectColumnPairValuesToBeEqual(
        column_A="n_sum", column_B="base_unweighted", ignore_row_if="both_values_are_missing",
        row_condition=only_where("single_choice"),
        description="For a single-choice question, the respondents counted over its categories "
                    "(Σ n_unweighted) equal its base (base_unweighted)."),
        "single_choice_counts_sum_to_base", applies_to="single_choice", context=["categories"]))
    add(named(gxe.ExpectColumnPairValuesToBeEqual(
        column_A="base_unweighted_min", column_B="base_unweighted", ignore_row_if="both_values_are_missing",
        description="Every category of a question carries the same base."),
        "one_base_per_question"))
    add(named(gxe.ExpectColumnPairValuesToBeEqual(
        column_A="base_unweighted", column_B="staging_base", ignore_row_if="neither",
        description="Each base equals the number of respondents who answered, recounted from the "
                    "live survey rows staging reads, per the mart design."),
        "base_equals_answering_respondents"))
    add(named(gxe.ExpectColumnPairValuesToBeEqual(
        column_A="base_unweighted", column_B="routed_base", ignore_row_if="either_value_is_missing",
        row_condition=only_where("experience"),
        description="The sector experience base (S{s}_ERVARING) equals the respondents routed to it "
                    "(S{s}_CHATBOT = 1 or S{s}_SPRAAK = 1) who answered."),
        "experience_base_equals_routed_respondents", applies_to="experience"))
    return suite


def _mart_cells(mart: str, table: pd.DataFrame, design: pd.DataFrame) -> pd.DataFrame:
    """A mart's rows with the design's group keys (g1, g2, category) attached."""
    g1_col, g2_col, cat_col = MART_DIMENSIONS[mart]
    cells = pd.DataFrame({"wave": table["wave"].astype("int64"), "category": table[cat_col].astype(str)})
    for col in MEASURES:
        cells[col] = table[col].to_numpy()
    keys = ["category"]
    if g1_col:
        cells["g1"] = table[g1_col].astype(str).to_numpy()
        keys.append("g1")
    if g2_col:
        cells["g2"] = table[g2_col].astype(str).to_numpy()
        keys.append("g2")
    groups = design.loc[design["mart"] == mart, ["g1", "g2", "category"]].drop_duplicates()
    cells = cells.merge(groups, on=keys, how="left")
    cells["g1"] = cells["g1"].fillna("?")       # a row the design does not know: its own group
    cells["g2"] = cells["g2"].fillna("")
    cells.insert(0, "mart", mart)
    return cells


def _question_labels(design: pd.DataFrame) -> pd.DataFrame:
    """A readable name per group: the variable(s) asked, and the group's dimensions."""
    rows = []
    for (mart, g1, g2), items in design.groupby(["mart", "g1", "g2"], sort=False):
        variables = ", ".join(dict.fromkeys(items["variable"]))
        g1_col, g2_col, _ = MART_DIMENSIONS.get(mart, (None, None, ""))
        dims = [f"{g1_col or 'item'} {g1}" if g1 and (g1_col or len(items["category"].unique()) == 1) else "",
                f"{g2_col or 'group'} {g2}" if g2 else ""]
        by = items["by_variable"].dropna()
        if len(by):
            dims.append(f"{by.iloc[0]} = {int(items['by_code'].iloc[0])}")
        dims = [d for d in dims if d]
        rows.append({"mart": mart, "g1": g1, "g2": g2,
                     "question": variables + (f" ({'; '.join(dims)})" if dims else "")})
    return pd.DataFrame(rows, columns=["mart", "g1", "g2", "question"])


def build_frame(marts: dict[str, pd.DataFrame], design: pd.DataFrame, staging_bases: pd.DataFrame,
                routed_bases: pd.DataFrame) -> pd.DataFrame:
    """One row per mart × group × wave.

    ``marts``: mart name → the mart table as published; ``design``: the mart design rows
    (mart, g1, g2, category, variable, base_variable, by_variable, by_code; empty g1/g2 as '');
    ``staging_bases``: mart, g1, g2, wave, staging_base; ``routed_bases``: g1 (sector), wave,
    routed_base.
    """
    design = design.assign(g1=design["g1"].fillna(""), g2=design["g2"].fillna(""))
    design = design.loc[design["mart"].isin(marts.keys())]
    cells = pd.concat([_mart_cells(m, t, design) for m, t in marts.items()], ignore_index=True) if marts else \
        pd.DataFrame(columns=["mart", "wave", "category", *MEASURES, "g1", "g2"])
    grouped = cells.groupby(["mart", "g1", "g2", "wave"], sort=True).agg(
        categories=("category", "size"), share_sum=("share_pct", "sum"), share_min=("share_pct", "min"),
        share_max=("share_pct", "max"), n_sum=("n_unweighted", "sum"),
        base_unweighted=("base_unweighted", "max"), base_unweighted_min=("base_unweighted", "min")).reset_index()
    staging = staging_bases.loc[staging_bases["mart"].isin(marts.keys()), ["mart", "g1", "g2", "wave", "staging_base"]]
    staging = staging.assign(g1=staging["g1"].fillna(""), g2=staging["g2"].fillna(""),
                             wave=staging["wave"].astype("int64"))
    staging = staging.loc[staging["staging_base"] > 0]
    frame = grouped.merge(staging, on=["mart", "g1", "g2", "wave"], how="outer")
    routed = routed_bases.assign(mart=EXPERIENCE[0], g2=EXPERIENCE[1], wave=routed_bases["wave"].astype("int64"))
    frame = frame.merge(routed[["mart", "g1", "g2", "wave", "routed_base"]], on=["mart", "g1", "g2", "wave"],
                        how="left")
    frame = frame.merge(_question_labels(design), on=["mart", "g1", "g2"], how="left")
    frame["question"] = frame["question"].fillna(frame["g1"] + " " + frame["g2"])
    frame["single_choice"] = [is_single_choice(m, g2) for m, g2 in zip(frame["mart"], frame["g2"])]
    frame["experience"] = (frame["mart"] == EXPERIENCE[0]) & (frame["g2"] == EXPERIENCE[1])
    frame.loc[frame["experience"], "routed_base"] = frame.loc[frame["experience"], "routed_base"].fillna(0)
    for col in ("categories", "n_sum", "base_unweighted", "base_unweighted_min", "staging_base", "routed_base"):
        frame[col] = frame[col].astype("float64")       # counts; NaN = absent on that side
    frame["wave"] = frame["wave"].astype("int64")
    return frame[FRAME_COLUMNS].sort_values(["mart", "wave", "g1", "g2"], ignore_index=True)


def load_frame(con, marts: list[str] | None = None) -> pd.DataFrame:
    names = list(MART_DIMENSIONS) if marts is None else [m for m in MART_DIMENSIONS if m in marts]
    tables = {m: con.execute(f"select * from marts.{m}").df() for m in names}
    design = con.execute(DESIGN_SQL).df()
    return build_frame(tables, design, staging_bases(con, design), routed_bases(con))

