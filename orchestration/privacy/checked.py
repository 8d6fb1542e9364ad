"""The masking rules a regular expression cannot decide alone: phone numbers and BSNs.

Both run in Python only, on texts that still hold ``rules.CHECKED_MIN_DIGITS`` digits after the
plain rules (a phone number or a BSN has at least that many), so SQL sends few rows here.

* Phone numbers: first the Dutch formats phonenumbers' matcher misses or splits
  (``+31 (0)6-123 456 78``, ``06 - 123 456 78``, ``0800-1234``), a candidate regex checked on its
  digits; then ``phonenumbers.PhoneNumberMatcher`` (valid numbers, Dutch default region) on what
  still has 7+ digits. Dates (``01-02-2025 10``) and public 14-numbers (``14 020``) are kept.
* BSN (citizen service number): 9 digits, also written ``123.456.782``, ``1234.56.782``,
  ``123 456 782`` or ``123-456-782``, that pass the 11-test (9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 mod
  11, not all zeros). An amount (``€ 123.456.782``, ``123.456.782,00``) is not a BSN.
  Labelled BSNs (``BSN: …``) are masked by a plain rule whatever their digits.
"""

from __future__ import annotations

import re

from phonenumbers import Leniency, PhoneNumberMatcher

from orchestration.privacy.rules import BSN, PHONE

# an optional +31 / 0031 (with or without "(0)"), a (0xx) area code or a 0, then digits with
# spaces, dots, dashes and slashes in between; checked on its digits (_is_phone)
_PHONE_CANDIDATE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?\d{1,3}[\s.\-]*(?:\(0\)[\s.\-]*)?|\(0\d{1,3}\)[\s.\-]*|0)"
    r"\d(?:[\s.\-/]{0,3}\d){5,12}(?![\w])")
# a date, optionally with the hour of a time, which phonenumbers sometimes takes for a number
_DATE_LIKE = re.compile(
    r"^\s*(?:\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})(?:[\sT]+\d{1,2})?\s*$")
_NON_DIGITS = re.compile(r"\D+")

# nine digits in one of the usual groupings; with the currency or decimals of an amount around
# it, so an amount can be told apart (_is_bsn)
_BSN_CANDIDATE = re.compile(
    r"(?:(?:€|EUR|eur)\s?)?(?<![\d.,])"
    r"(?:\d{9}|\d{3}([. -])\d{3}\1\d{3}|\d{4}([. ])\d{2}\2\d{3})"
    r"(?!\d)(?!\.\d)(?:,\d{1,2}(?!\d))?")
BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def _digits(text: str) -> str:
    return _NON_DIGITS.sub("", text)


def _is_phone(raw: str) -> bool:
    if _DATE_LIKE.match(raw):
        return False
    digits = _digits(raw)
    stripped = raw.lstrip()
    if stripped.startswith("+") or stripped.startswith("00"):
        body = digits[2:] if stripped.startswith("00") else digits
        if body.startswith("31"):
            national = body[2:]
            if national.startswith("0"):       # +31 (0)6 ...
                national = national[1:]
            return 8 <= len(national) <= 10
        return 8 <= len(body) <= 15
    if stripped.startswith("("):
        return len(digits) in (10, 11)
    if not digits.startswith("0"):
        return False
    if digits[:4] in ("0800", "0900", "0906", "0909"):
        return len(digits) in (8, 11)              # 0800-1234, 0900-123 4567
    if digits.startswith("097"):
        return len(digits) in (10, 12)
    return len(digits) == 10                       # 06-12345678, 020 - 123 45 67, 088 ...


def mask_phones(text: str) -> str:
    text = _PHONE_CANDIDATE.sub(lambda m: PHONE if _is_phone(m.group(0)) else m.group(0), text)
    if len(_digits(text)) >= 7:
        spans = []
        for match in PhoneNumberMatcher(text, "NL", leniency=Leniency.VALID):
            if _DATE_LIKE.match(match.raw_string):
                continue
            digits = _digits(match.raw_string)
            if digits.startswith("14") and len(digits) <= 6:   # public municipal numbers (14 020)
                continue
            spans.append((match.start, match.end))
        for start, end in reversed(spans):
            text = text[:start] + PHONE + text[end:]
    return text


def passes_11_test(digits: str) -> bool:
    """The BSN 11-test on nine digits."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    return sum(w * int(d) for w, d in zip(BSN_WEIGHTS, digits)) % 11 == 0


def _bsn_placeholder(match: re.Match) -> str:
    raw = match.group(0)
    if raw[0] in "€Ee" or "," in raw:            # an amount
        return raw
    return BSN if passes_11_test(_digits(raw)) else raw


def mask_bsns(text: str) -> str:
    return _BSN_CANDIDATE.sub(_bsn_placeholder, text)


def mask_checked(text: str) -> str:
    """Phone numbers first (a 9-digit mobile number after +31 is a phone number), then BSNs."""
    return mask_bsns(mask_phones(text))
