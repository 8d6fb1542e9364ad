"""Which version of a post wins, and the counts of spec §6, through the dbt models."""

import pytest

from conftest import RULE_EXPECTED, RULE_MONTHS, RULE_WINNERS


def test_counts_match_the_construction(rules_build):
    assert rules_build.totals() == RULE_EXPECTED


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


def test_month_is_the_amsterdam_month(rules_build):
    """marts.fct_social_posts.month is the month of created_at in Europe/Amsterdam (macro
    social_month_amsterdam): 21:30Z on 31 March is March, 22:30Z is April (summer time), 23:30Z on
    31 January is February (winter time); the other posts were created on 10 March."""
    months = dict(rules_build.query("select post_id, month::varchar from marts.fct_social_posts"))
    assert {post: months[post] for post in RULE_MONTHS} == RULE_MONTHS
    assert {m for post, m in months.items() if post not in RULE_MONTHS} == {"2025-03-01"}
