"""Which version of a post wins, and the counts of spec §6, through the dbt models."""

import pytest

from conftest import RULE_EXPECTED, RULE_WINNERS


def test_counts_match_the_construction(rules_build):
    assert rules_build.totals() == RULE_EXPECTED


def test_counts_identity(rules_build):
    t = rules_build.totals()
    assert t["lines_read"] == t["quarantined"] + t["duplicates"] + t["unique_posts"]
    assert t["published_posts"] == t["unique_posts"] - t["non_dutch"]
    assert rules_build.query("select count(*) from marts.fct_social_posts")[0][0] == t["published_posts"]


@pytest.mark.parametrize("key,prefix", sorted(RULE_WINNERS.items()))
def test_latest_collected_at_wins_with_the_tie_rules(rules_build, key, prefix):
    text = rules_build.query("select text_masked from marts.fct_social_posts where platform = ? and post_id = ?",
                             list(key))
    assert text and text[0][0].startswith(prefix), (key, text)


def test_identical_lines_count_as_duplicates(rules_build):
    assert rules_build.query("select n_versions from marts.fct_social_posts where post_id = 'same'") == [(2,)]


def test_non_dutch_post_is_counted_but_not_published(rules_build):
    assert rules_build.query("select lang from intermediate.int_social__posts where post_id = 'en-1'") == [("en",)]
    assert rules_build.query("select count(*) from marts.fct_social_posts where post_id = 'en-1'") == [(0,)]


def test_month_is_the_amsterdam_month(tmp_path):
    """created_at 2025-03-31T23:30Z is April in Amsterdam (summer time)."""
    import duckdb
    con = duckdb.connect()
    got = con.execute("select cast(date_trunc('month', timezone('Europe/Amsterdam', "
                      "'2025-03-31 23:30:00+00'::timestamptz)) as date)::varchar").fetchone()[0]
    assert got == "2025-04-01"


def test_month_column(rules_build):
    rows = rules_build.query("select distinct month::varchar from marts.fct_social_posts")
    assert rows == [("2025-03-01",)]
