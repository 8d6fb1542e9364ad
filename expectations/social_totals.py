"""Totals guard for the social posts (spec §6, §8): every line read is accounted for, and the
published posts are the rows of ``marts.fct_social_posts`` and the total of the theme-free
volume aggregate ``marts.mart_social_volume`` (theme counts are multi-label and do not add
up to posts, so they are not used).

The frame has one row ("everything loaded"): the counts of ``audit.social_load_totals`` next
to counts taken from the tables themselves. Each expectation reports on the table it
guards (its ``target``); tables not in the build yet are left out of the suite.
"""

from __future__ import annotations

import pandas as pd


SUITE_NAME = "social_totals"
TARGET_COLUMN = None           # each expectation names its own target table
INDEX_COLUMNS = ["scope"]

LOAD_TOTALS = "audit.social_load_totals"
FACT = "marts.fct_social_posts"
VOLUME = "marts.mart_social_volume"
TABLES = (LOAD_TOTALS, FACT, VOLUME)
LOAD_COUNTS = ["lines_read", "quarantined", "duplicates", "unique_posts", "non_dutch", "published_posts"]
VOLUME_COUNT_COLUMNS = ("posts", "n_posts", "post_count", "volume")    # the volume mart's count, first found
FRAME_COLUMNS = ["scope", *LOAD_COUNTS, "lines_accounted", "fct_rows", "fct_distinct_posts", "volume_posts"]


def build_suite(tables: tuple[str, ...] = TABLES) -> "gx.ExpectationSuite":
    """The suite for the social tables present in the build (all three by default)."""
    from expectations._gx import gx, gxe, named

    suite = gx.ExpectationSuite(name=SUITE_NAME, meta={
        "notes": "Spec §6/§8. One row over everything loaded; counts from audit.social_load_totals "
                 "against the published tables."})
    add = suite.add_expectation
    if LOAD_TOTALS in tables:
        add(named(gxe.ExpectColumnPairValuesToBeEqual(
            column_A="lines_read", column_B="lines_accounted", ignore_row_if="neither",
            description="Every line read is accounted for: lines_read = quarantined + duplicates + unique_posts."),
            "lines_read_accounted_for", target=LOAD_TOTALS))
    if FACT in tables:
        add(named(gxe.ExpectColumnPairValuesToBeEqual(
            column_A="fct_rows", column_B="published_posts", ignore_row_if="neither",
            description="The published posts (audit.social_load_totals) are the rows of marts.fct_social_posts."),
            "published_posts_equal_fact_rows", target=FACT))
        add(named(gxe.ExpectColumnPairValuesToBeEqual(
            column_A="fct_rows", column_B="fct_distinct_posts", ignore_row_if="neither",
            description="No post twice in marts.fct_social_posts: its rows are distinct (platform, post_id)."),
            "one_row_per_post", target=FACT))
    if VOLUME in tables:
        add(named(gxe.ExpectColumnPairValuesToBeEqual(
            column_A="volume_posts", column_B="published_posts", ignore_row_if="neither",
            description="The theme-free volume aggregate marts.mart_social_volume totals the published posts."),
            "volume_total_equals_published_posts", target=VOLUME))
    return suite


def volume_count_column(columns) -> str | None:
    return next((c for c in VOLUME_COUNT_COLUMNS if c in columns), None)


def build_frame(load_totals: pd.DataFrame, fct_counts: tuple[int, int] | None = None,
                volume: pd.DataFrame | None = None) -> pd.DataFrame:
    """``load_totals``: the rows of audit.social_load_totals (one expected; several are summed);
    ``fct_counts``: rows and distinct (platform, post_id) of marts.fct_social_posts, counted
    where the posts are (10M posts would be gigabytes in pandas); ``volume``: the volume mart."""
    row: dict = {"scope": "all loaded social exports"}
    for col in LOAD_COUNTS:
        row[col] = float(load_totals[col].sum()) if col in load_totals and len(load_totals) else float("nan")
    row["lines_accounted"] = row["quarantined"] + row["duplicates"] + row["unique_posts"]
    row["fct_rows"], row["fct_distinct_posts"] = map(float, fct_counts) if fct_counts is not None \
        else (float("nan"), float("nan"))
    count_col = volume_count_column(volume.columns) if volume is not None else None
    row["volume_posts"] = float(volume[count_col].sum()) if count_col else float("nan")
    return pd.DataFrame([row], columns=FRAME_COLUMNS)


def present_tables(con) -> tuple[str, ...]:
    names = {f"{s}.{t}" for s, t in con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = current_database() "
        "union all select schema_name, view_name from duckdb_views() where database_name = current_database()"
    ).fetchall()}
    return tuple(t for t in TABLES if t in names)


def load_frame(con, tables: tuple[str, ...] | None = None) -> pd.DataFrame:
    tables = present_tables(con) if tables is None else tables
    load = con.execute(f"select * from {LOAD_TOTALS}").df() if LOAD_TOTALS in tables else pd.DataFrame()
    fct_counts = con.execute(f"select count(*), count(distinct (platform, post_id)) from {FACT}").fetchall()[0] \
        if FACT in tables else None
    volume = con.execute(f"select * from {VOLUME}").df() if VOLUME in tables else None
    return build_frame(load, fct_counts, volume)
