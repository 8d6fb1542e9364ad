"""Masking free text with the rules of ``rules.py``: in DuckDB, set-based, and in Python.

Both paths run the same rule list. SQL (``plain_sql``) applies the plain rules as nested
``regexp_replace`` calls; the rows whose result still holds enough digits for a phone number or
a BSN (``checked_trigger_sql``) then go through ``checked.mask_checked`` in Python. ``mask_text``
does exactly that in Python for one value (callers outside ingestion); ``mask_texts`` does it
for many values through DuckDB. ``tests/social/test_privacy_agreement.py`` proves that the two
give the same text on thousands of generated texts.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from orchestration.privacy.checked import mask_checked
from orchestration.privacy.rules import CHECKED_TRIGGER, MASK_TRIGGER, RULES, python_pattern

_COMPILED = tuple((re.compile(python_pattern(r.pattern), re.ASCII), r.replacement) for r in RULES)
_CHECKED_RE = re.compile(CHECKED_TRIGGER, re.ASCII)
_TRIGGER_RE = re.compile(python_pattern(MASK_TRIGGER), re.ASCII)


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# --- Python -----------------------------------------------------------------------------------

def mask_plain(text: str) -> str:
    for rx, replacement in _COMPILED:
        text = rx.sub(replacement, text)
    return text


def needs_checked(text: str | None) -> bool:
    """Does the (plain-masked) text hold enough digits for a phone number or a BSN?"""
    return bool(text) and _CHECKED_RE.search(text) is not None


def needs_masking(text: str | None) -> bool:
    """False means ``mask_text(text) == text`` for sure (the union of every rule's pattern)."""
    return bool(text) and _TRIGGER_RE.search(text) is not None


def finish(text: str | None) -> str | None:
    """The checked rules (phones, BSNs) on a text the plain rules have already masked."""
    return mask_checked(text) if needs_checked(text) else text


def mask_text(text: str | None) -> str | None:
    """Mask the personal data in one free text (all rules; see ``rules.py``). None stays None."""
    if not text:
        return text
    return finish(mask_plain(text))


# --- DuckDB -------------------------------------------------------------------------------

def plain_sql(expr: str) -> str:
    """DuckDB expression: ``expr`` with every plain rule applied (RE2)."""
    out = expr
    for rule in RULES:
        out = f"regexp_replace({out}, {_lit(rule.pattern)}, {_lit(rule.replacement)}, 'g')"
    return out


def trigger_sql(expr: str) -> str:
    """DuckDB expression: can any rule change ``expr``? (False: it is left as it is.) One RE2 pass
    over the union of every plain rule's pattern and the checked rules' digit condition."""
    return f"regexp_matches({expr}, {_lit(MASK_TRIGGER)})"


def checked_trigger_sql(expr: str) -> str:
    """DuckDB expression: must the (plain-masked) ``expr`` go through the checked rules in Python?"""
    return f"coalesce(regexp_matches({expr}, {_lit(CHECKED_TRIGGER)}), false)"


def masked_sql(source: str, columns: Sequence[str]) -> str:
    """SELECT over ``source`` (a table or a parenthesised query): all its columns, plus per text
    column ``c`` the column ``c_m`` with the plain rules applied (only on the rows the trigger
    selects), plus ``needs_py``: some ``c_m`` must still go through ``finish`` in Python."""
    hits = ", ".join(f"{trigger_sql(c)} as _hit_{c}" for c in columns)
    masked = ", ".join(f"case when _hit_{c} then {plain_sql(c)} else {c} end as {c}_m" for c in columns)
    needs = " or ".join(f"coalesce(_hit_{c} and {checked_trigger_sql(c + '_m')}, false)" for c in columns)
    drop = ", ".join(f"_hit_{c}" for c in columns)
    return (f"select * exclude ({drop}), {needs} as needs_py from "
            f"(select *, {masked} from (select *, {hits} from {source}))")


def mask_texts(texts: Iterable[str | None], con=None) -> list[str | None]:
    """``mask_text`` of many values, set-based: the plain rules in DuckDB (``con``, or an
    in-memory connection), the checked rules in Python for the values that need them."""
    import duckdb
    import pyarrow as pa

    values: Sequence[str | None] = list(texts)
    if not values:
        return []
    own = con is None
    con = duckdb.connect() if own else con
    try:
        con.register("_mask_input", pa.table({"i": pa.array(range(len(values)), pa.int64()),
                                               "t": pa.array(values, pa.string())}))
        rows = con.execute(f"select i, t_m, needs_py from ({masked_sql('_mask_input', ['t'])}) order by i").fetchall()
        con.unregister("_mask_input")
    finally:
        if own:
            con.close()
    return [finish(m) if checked else m for _, m, checked in rows]
