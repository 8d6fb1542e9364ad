"""Totals guard for the survey marts (spec §4): shares add up, counts add up to the base, and
every base is the number of respondents who answered, recounted by dbt.

The frame has one row per question × wave in each mart (a "group": the mart design's
mart, g1, g2), computed from the published mart tables themselves, next to the recount in
``audit.survey_bases`` (dbt, from the live rows of ``staging.stg_survey__responses``, not
through the cells the marts are built from):

* ``answering_respondents``: respondents with a non-empty answer to the group's base variable
  (and, for cross-tabs, the group's condition);
* ``routed_respondents`` (routed questions only, e.g. ``S{s}_ERVARING``): those of them the
  codebook routes to the question (spec §4: a routed question's base is the respondents routed
  to it who answered).

Which group is single-choice is the mart design's (``intermediate.int_survey__mart_groups``,
derived from the codebook by ``orchestration/survey/mart_design.py``). A group in a mart that
the recount does not know, or one the recount expects that the mart lacks, shows up as a
missing value ("absent") and fails the base expectation; the expectations about a mart's own
consistency skip groups the mart does not have.
"""

from __future__ import annotations

import pandas as pd


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
MEASURES = ["share_pct", "n_unweighted", "base_unweighted"]
FRAME_COLUMNS = ["mart", "question", "wave", "g1", "g2", "single_choice", "routed", "categories",
                 "share_sum", "share_min", "share_max", "n_sum", "base_unweighted",
                 "answering_respondents", "routed_respondents"]

# the mart design as the marts are built from it (int_survey__mart_items: empty group keys '')
DESIGN_SQL = """
select i.mart, i.g1, i.g2, i.category, i.variable, i.base_variable, i.by_variable, i.by_code, g.single_choice
from intermediate.int_survey__mart_items as i
join intermediate.int_survey__mart_groups as g using (mart, g1, g2)
"""
BASES_SQL = "select mart, g1, g2, wave, answering_respondents, routed_respondents from audit.survey_bases"


def build_suite() -> "gx.ExpectationSuite":
    from expectations._gx import gx, gxe, named, only_where

    suite = gx.ExpectationSuite(name=SUITE_NAME, meta={
        "notes": "Spec §4. One row per question × wave of every survey mart; bases recounted by dbt "
                 "from the live survey rows per the mart design (audit.survey_bases)."})
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
        column_A="base_unweighted", column_B="answering_respondents", ignore_row_if="neither",
        description="Each base equals the number of respondents who answered, recounted from the "
                    "live survey rows per the mart design (audit.survey_bases)."),
        "base_equals_answering_respondents"))
    add(named(gxe.ExpectColumnPairValuesToBeEqual(
        column_A="base_unweighted", column_B="routed_respondents", ignore_row_if="either_value_is_missing",
        row_condition=only_where("routed"),
        description="The base of a routed question (e.g. S{s}_ERVARING, asked of S{s}_CHATBOT = 1 or "
                    "S{s}_SPRAAK = 1) equals the respondents routed to it who answered (audit.survey_bases)."),
        "routed_base_equals_routed_respondents", applies_to="routed"))
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


def build_frame(marts: dict[str, pd.DataFrame], design: pd.DataFrame, bases: pd.DataFrame) -> pd.DataFrame:
    """One row per mart × group × wave.

    ``marts``: mart name → the mart table as published; ``design``: the mart design rows
    (mart, g1, g2, category, variable, base_variable, by_variable, by_code, single_choice; empty
    g1/g2 as ''); ``bases``: the rows of audit.survey_bases (mart, g1, g2, wave,
    answering_respondents, routed_respondents).
    """
    design = design.assign(g1=design["g1"].fillna(""), g2=design["g2"].fillna(""))
    design = design.loc[design["mart"].isin(marts.keys())]
    cells = pd.concat([_mart_cells(m, t, design) for m, t in marts.items()], ignore_index=True) if marts else \
        pd.DataFrame(columns=["mart", "wave", "category", *MEASURES, "g1", "g2"])
    grouped = cells.groupby(["mart", "g1", "g2", "wave"], sort=True).agg(
        categories=("category", "size"), share_sum=("share_pct", "sum"), share_min=("share_pct", "min"),
        share_max=("share_pct", "max"), n_sum=("n_unweighted", "sum"),
        base_unweighted=("base_unweighted", "max")).reset_index()
    recount = bases.loc[bases["mart"].isin(marts.keys()),
                        ["mart", "g1", "g2", "wave", "answering_respondents", "routed_respondents"]]
    recount = recount.assign(g1=recount["g1"].fillna(""), g2=recount["g2"].fillna(""),
                             wave=recount["wave"].astype("int64"))
    frame = grouped.merge(recount, on=["mart", "g1", "g2", "wave"], how="outer")
    frame = frame.merge(_question_labels(design), on=["mart", "g1", "g2"], how="left")
    frame["question"] = frame["question"].fillna(frame["g1"] + " " + frame["g2"])
    single = design[["mart", "g1", "g2", "single_choice"]].drop_duplicates(["mart", "g1", "g2"])
    frame = frame.merge(single, on=["mart", "g1", "g2"], how="left")
    frame["single_choice"] = frame["single_choice"].fillna(False).astype(bool)
    frame["routed"] = frame["routed_respondents"].notna()
    for col in ("categories", "n_sum", "base_unweighted", "answering_respondents", "routed_respondents"):
        frame[col] = frame[col].astype("float64")       # counts; NaN = absent on that side
    frame["wave"] = frame["wave"].astype("int64")
    return frame[FRAME_COLUMNS].sort_values(["mart", "wave", "g1", "g2"], ignore_index=True)


def load_frame(con, marts: list[str] | None = None) -> pd.DataFrame:
    names = list(MART_DIMENSIONS) if marts is None else [m for m in MART_DIMENSIONS if m in marts]
    tables = {m: con.execute(f"select * from marts.{m}").df() for m in names}
    return build_frame(tables, con.execute(DESIGN_SQL).df(), con.execute(BASES_SQL).df())
