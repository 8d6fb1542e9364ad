"""The masking rules of issue 17 (spec §6): BSNs, addresses, labelled customer/order/case
numbers and self-given names, on a generated corpus of several hundred realistic variants, and the
near misses that must stay (amounts, dates, counts, product codes ...)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from orchestration.paths import PROJECT_DIR
from orchestration.privacy import PLACEHOLDERS, mask_text
from orchestration.privacy import rules
from orchestration.privacy.checked import passes_11_test
from privacy_corpus import near_misses, positives  # noqa: E402  (tests/social on sys.path)


def test_the_corpus_is_large_and_covers_every_new_rule():
    counts = Counter(c.placeholder for c in positives())
    assert sum(counts.values()) >= 600
    for placeholder in ("[bsn]", "[adres]", "[nummer]", "[naam]"):
        assert counts[placeholder] >= 50, counts
    assert len(near_misses()) >= 50


def test_every_variant_of_personal_data_is_masked():
    failures = []
    for case in positives():
        masked = mask_text(case.text)
        if case.placeholder not in masked or any(s in masked for s in case.secrets):
            failures.append((case.text, masked))
    assert not failures, f"{len(failures)} not masked, e.g. {failures[:5]}"


@pytest.mark.parametrize("text", near_misses())
def test_near_misses_stay(text):
    assert mask_text(text) == text


@pytest.mark.parametrize("text,expected", [
    ("Mijn BSN is 123456782.", "Mijn BSN is [bsn]."),
    ("bsn: 123.456.782", "bsn: [bsn]"),
    ("nummer 1234.56.782 klopt", "nummer [bsn] klopt"),
    ("Ik heb 123 456 782 opgegeven", "Ik heb [bsn] opgegeven"),
    ("BSN 123456789 (typfout)", "BSN [bsn] (typfout)"),               # labelled: masked whatever the digits
    ("artikel 123456789 is op", "artikel 123456789 is op"),          # fails the 11-test, no label
    ("€ 123.456.782", "€ 123.456.782"), ("123.456.782,00 euro", "123.456.782,00 euro"),   # amounts
    ("Ik woon op 1234 AB 12 in Utrecht", "Ik woon op [adres] in Utrecht"),
    ("1012AB 7", "[adres]"), ("Kerkstraat 12, 1234 AB Amsterdam", "[adres], [postcode] Amsterdam"),
    ("Lange Voorhout 3a", "[adres]"), ("Burg. de Bruinlaan 104-2", "[adres]"),
    ("klantnummer 12345678", "klantnummer [nummer]"), ("ordernummer 2025-000123", "ordernummer [nummer]"),
    ("dossiernummer ZK-4471-2025.", "dossiernummer [nummer]."),
    ("Hoi, ik ben Jan de Vries!", "Hoi, ik ben [naam]!"), ("mijn naam is Petra", "mijn naam is [naam]"),
    ("Goedemiddag, met Sanne Bakker.", "Goedemiddag, met [naam]."),
    ("Het duurt te lang.\nGroet, Jan", "Het duurt te lang.\nGroet, [naam]"),
    ("Mvg, Petra de Vries", "Mvg, [naam]"),
    ("Ik ben Stijn van Eneco", "Ik ben [naam] van Eneco"),            # the organisation stays
    ("Ik ben Max, de digitale assistent", "Ik ben Max, de digitale assistent"),   # a bot, not a person
])
def test_examples(text, expected):
    assert mask_text(text) == expected


def test_bsn_11_test_against_an_independent_computation():
    def eleven(d: str) -> bool:      # written out: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9, divisible by 11
        total = 0
        for position, digit in enumerate(d):
            weight = 9 - position if position < 8 else -1
            total += weight * int(digit)
        return total % 11 == 0 and d != "0" * 9
    import random
    rng = random.Random(11)
    numbers = [f"{rng.randrange(10 ** 9):09d}" for _ in range(5000)] + ["123456782", "111222333", "000000000"]
    assert [passes_11_test(n) for n in numbers] == [eleven(n) for n in numbers]
    assert passes_11_test("123456782") and passes_11_test("111222333") and not passes_11_test("123456789")


def test_placeholders_are_dropped_by_the_normaliser():
    """macros/social_text.sql drops every placeholder before tokenising (none becomes a term)."""
    macro = (PROJECT_DIR / "macros" / "social_text.sql").read_text(encoding="utf-8")
    listed = re.search(r"'(?:\\\\|\\)\[\(([a-z|]+)\)(?:\\\\|\\)\]'", macro)   # '\[(…)\]', in Jinja '\\[(…)\\]'
    assert listed, "placeholder list not found in social_normalise"
    assert {f"[{p}]" for p in listed.group(1).split("|")} == set(PLACEHOLDERS)


def test_rules_are_in_the_common_subset_of_re2_and_python():
    """No look-arounds or back-references, no empty matches, group references that exist."""
    for rule in rules.RULES:
        for construct in ("(?=", "(?!", "(?<=", "(?<!", "(?P", "\\Z", "\\d", "\\s", "\\w", "(?i"):
            assert construct not in rule.pattern, (rule.name, construct)
        compiled = re.compile(rules.python_pattern(rule.pattern), re.ASCII)
        assert compiled.match("") is None, rule.name           # never an empty match
        used = {int(g) for g in re.findall(r"\\(\d)", rule.replacement)}
        assert used <= set(range(1, compiled.groups + 1)), rule.name
