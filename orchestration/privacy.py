"""Personal data: masking free text and keyed pseudonyms (spec §6, also the survey's OPEN answers).

* ``mask_text`` replaces e-mail addresses, URLs, @handles (and Reddit ``u/name``), Dutch IBANs
  and phone numbers by fixed placeholders (``[email]``, ``[url]``, ``[handle]``, ``[iban]``,
  ``[telefoon]``). Person names inside free text are not masked (the contract does not ask it).
* ``pseudonymise`` is a keyed HMAC-SHA256, never a plain hash: without the key a pseudonym
  cannot be recomputed from a guessed user name.
* ``load_or_create_key`` takes the key from ``$VOICE_MONITOR_PSEUDONYM_KEY`` or, when unset,
  from a secret generated once into ``home.secret_key`` (mode 0600, in ``state/``, never in the
  published database).

Scale: ``mask_text`` is cheap on text without anything to mask (one pre-filter search), and
``needs_masking``/``MASK_TRIGGER_SQL`` let a bulk loader select in SQL the few rows that need it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Iterable

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

KEY_ENV = "VOICE_MONITOR_PSEUDONYM_KEY"

EMAIL = "[email]"
URL = "[url]"
HANDLE = "[handle]"
PHONE = "[telefoon]"
IBAN = "[iban]"
PLACEHOLDERS = (EMAIL, URL, HANDLE, PHONE, IBAN)

# Top-level domains for scheme-less links such as ``postnl.nl/track/abc`` (a bare ``bol.com``
# without a path is a company name and is kept: it is not personal and it tells the sector).
_TLDS = r"(?:nl|com|be|de|org|net|eu|io|app|info|co\.uk|uk|fr|shop|online|nu|me|ly|gl|to)"

_URL_RE = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'\]\[]+"          # scheme or www.
    r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\." + _TLDS + r"/[^\s<>\"'\]\[]*",  # domain.tld/path
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
)
# @handle (X, Instagram style) and Reddit's u/name, /u/name
_HANDLE_RE = re.compile(
    r"(?<![\w@./])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,48}[A-Za-z0-9_])?"
    r"|(?<![\w/])/?\bu/[A-Za-z0-9_-]{3,30}\b",
)
_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}[ ]?[A-Z]{4}(?:[ ]?\d){10}\b", re.IGNORECASE)

# Phone candidates for the Dutch formats phonenumbers' matcher misses or splits: an optional
# +31 / 0031 (with or without "(0)"), then digits with spaces, dots, dashes, slashes and
# brackets in between. Checked afterwards on the digits (see _is_phone_candidate).
_PHONE_CANDIDATE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?\d{1,3}[\s.\-]*(?:\(0\)[\s.\-]*)?|\(0\d{1,3}\)[\s.\-]*|0)"
    r"\d(?:[\s.\-/]{0,3}\d){5,12}(?![\w])"
)
# a date (optionally followed by the hour of a time), which phonenumbers sometimes takes for a number
_DATE_LIKE_RE = re.compile(
    r"^\s*(?:\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})(?:[\sT]+\d{1,2})?\s*$")

# Anything that can possibly be masked contains one of these. Written in the common subset of
# Python ``re`` and RE2 so SQL (DuckDB regexp_matches) can pre-select rows with it.
MASK_TRIGGER = r"@|://|[wW][wW][wW]\.|[A-Za-z0-9]\.[A-Za-z]{2,6}/|\b[uU]/[A-Za-z0-9_-]|[0-9][^0-9A-Za-z]{0,3}[0-9][^0-9A-Za-z]{0,3}[0-9][^0-9A-Za-z]{0,3}[0-9][^0-9A-Za-z]{0,3}[0-9]"
_TRIGGER_RE = re.compile(MASK_TRIGGER)


def needs_masking(text: str | None) -> bool:
    """Cheap pre-filter: False means ``mask_text(text) == text`` for sure."""
    return bool(text) and _TRIGGER_RE.search(text) is not None


def _is_phone_candidate(raw: str) -> bool:
    if _DATE_LIKE_RE.match(raw):
        return False
    digits = re.sub(r"\D", "", raw)
    stripped = raw.lstrip()
    if stripped.startswith("+") or stripped.startswith("00"):
        # international: country code + subscriber number
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


_NON_DIGITS = re.compile(r"\D+")


def _digits(text: str) -> int:
    return len(_NON_DIGITS.sub("", text))


def _mask_phones(text: str) -> str:
    # 1) Dutch formats, including the ones phonenumbers' matcher misses or splits
    #    ("+31 (0)6-123 456 78", "06 - 123 456 78"), checked on their digits
    text = _PHONE_CANDIDATE_RE.sub(
        lambda m: PHONE if _is_phone_candidate(m.group(0)) else m.group(0), text)
    # 2) phonenumbers' matcher (valid numbers in any format it knows; Dutch default region)
    #    on whatever still has enough digits to be a number
    if _digits(text) >= 7:
        spans = []
        for match in PhoneNumberMatcher(text, "NL", leniency=Leniency.VALID):
            if _DATE_LIKE_RE.match(match.raw_string):
                continue
            digits = re.sub(r"\D", "", match.raw_string)
            if digits.startswith("14") and len(digits) <= 6:   # public municipal numbers (14 020)
                continue
            spans.append((match.start, match.end))
        for start, end in reversed(spans):
            text = text[:start] + PHONE + text[end:]
    return text


def _url_placeholder(match: re.Match) -> str:
    # keep sentence punctuation that follows a link ("zie www.x.nl/abc.")
    raw = match.group(0)
    tail = len(raw) - len(raw.rstrip(".,;:!?)"))
    return URL + (raw[len(raw) - tail:] if tail else "")


# one pass for links, e-mail addresses, handles and IBANs: at each position the first
# alternative that matches wins (a link swallows an @ inside it, an e-mail its domain)
_COMBINED_RE = re.compile("|".join(f"(?P<{name}>{rx.pattern})" for name, rx in
                                   (("url", _URL_RE), ("email", _EMAIL_RE), ("handle", _HANDLE_RE),
                                    ("iban", _IBAN_RE))),
                          re.IGNORECASE)


def _combined_placeholder(match: re.Match) -> str:
    kind = match.lastgroup
    if kind == "url":
        return _url_placeholder(match)
    if kind == "handle" and not _HANDLE_RE.fullmatch(match.group(0)):
        return match.group(0)            # case-insensitive flag must not widen the handle rule
    return {"email": EMAIL, "handle": HANDLE, "iban": IBAN}[kind]


def mask_text(text: str | None) -> str | None:
    """Replace e-mail addresses, URLs, @handles, IBANs and phone numbers by placeholders."""
    if text is None or not needs_masking(text):
        return text
    out = _COMBINED_RE.sub(_combined_placeholder, text)
    if _digits(out) >= 7:
        out = _mask_phones(out)
    return out


def mask_texts(texts: Iterable[str | None]) -> list[str | None]:
    """``mask_text`` over many values; cheap for values without anything to mask."""
    return [mask_text(t) for t in texts]


# --- pseudonyms -------------------------------------------------------------------------

PSEUDONYM_CHARS = 20   # hex characters kept of the HMAC (80 bits)


def pseudonymise(value: str | None, key: bytes) -> str | None:
    """Keyed pseudonym (HMAC-SHA256, hex, first PSEUDONYM_CHARS characters). None stays None."""
    if value is None:
        return None
    if not key:
        raise ValueError("pseudonymise needs a non-empty key")
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_CHARS]


def hmac_sql_parts(key: bytes) -> tuple[bytes, bytes]:
    """(key XOR ipad, key XOR opad) so SQL can compute the same HMAC-SHA256 set-based:
    ``sha256(opad || unhex(sha256(ipad || value)))`` (see orchestration.social.ingest)."""
    block = 64
    k = hashlib.sha256(key).digest() if len(key) > block else key
    k = k.ljust(block, b"\0")
    return bytes(b ^ 0x36 for b in k), bytes(b ^ 0x5C for b in k)


def load_or_create_key(home, con=None) -> bytes:
    """The pseudonym key: ``$VOICE_MONITOR_PSEUDONYM_KEY`` if set (non-empty), else the secret in
    ``home.secret_key``, generated once (32 random bytes, hex) with mode 0600 — but never while
    pseudonyms made with an earlier key exist, and never another key than the one recorded in
    the archive (orchestration.warehouse.keyguard; ``con`` is the open build database, if any)."""
    from orchestration.warehouse import keyguard

    env = os.environ.get(KEY_ENV)
    if env:
        key = env.encode("utf-8")
        keyguard.check_key(home, key)
        return key
    path = Path(home.secret_key)
    if not path.exists():
        keyguard.refuse_new_key(home, con)
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_hex(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:     # another process created it first
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secret + "\n")
    value = path.read_text().strip()
    if not value:
        raise RuntimeError(f"pseudonym key file {path} is empty; delete it to generate a new one")
    key = value.encode("utf-8")
    keyguard.check_key(home, key)
    return key


__all__ = [
    "mask_text", "mask_texts", "needs_masking", "pseudonymise", "load_or_create_key",
    "hmac_sql_parts", "MASK_TRIGGER", "PLACEHOLDERS", "KEY_ENV",
]

# phonenumbers is imported for its metadata at import time; keep a reference so linters see it used
_ = phonenumbers
