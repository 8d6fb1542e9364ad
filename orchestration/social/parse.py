"""Parsing and validating the lines of a social export, set-based in DuckDB (spec §6).

``PARSE_SQL`` turns a registered block of raw lines (``line_number``, ``raw``) into one row per
line with its fields, or with the reason it is malformed. The reasons, checked in this order, are
``REASONS`` (also listed in docs/social.md). ``strict_json_check`` overrules DuckDB's tolerance of
trailing commas with ``json.loads``.

Plausible values (issue 17): ``created_at`` must lie between 2000-01-01 (UTC) and
``collected_at`` + 1 day, or, without ``collected_at``, the load time + 1 day; ``collected_at``
must not lie after the load time + 1 day either; offsets must lie within ±14:00. Otherwise the
line is malformed: a post dated in the year 9999 cannot reach a month of the marts (a year-10000
month broke the Parquet export).
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa

PLATFORMS = ("trustpilot", "reddit", "x")
# ISO-8601 date-time with a UTC offset (Z, ±hh, ±hhmm, ±hh:mm); the cast does the calendar check
TIMESTAMP_RE = r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)$"
EARLIEST = "2000-01-01 00:00:00+00"
MAX_OFFSET_MINUTES = 14 * 60

REASONS = (
    "invalid UTF-8",
    "invalid JSON",
    "not a JSON object",
    "missing id",
    "id is not a string or integer",
    "missing platform",
    "unknown platform",
    "missing text",
    "text is not a string",
    "missing created_at",
    "created_at is not an ISO-8601 timestamp with offset",
    "created_at offset outside ±14:00",
    "created_at before 2000-01-01",
    "collected_at is not an ISO-8601 timestamp with offset",
    "collected_at offset outside ±14:00",
    "collected_at after the load time + 1 day",
    "created_at after collected_at + 1 day",
    "created_at after the load time + 1 day",
    "rating on a non-Trustpilot post",
    "rating is not an integer",
    "rating out of range 1-5",
    "title is not a string",
    "author is not a string",
    "company is not a string",
    "url is not a string",
)


def line_too_long_reason(limit: int) -> str:
    """The reason of a line over the size limit (never parsed; see reader.py)."""
    return f"line longer than {limit:,} bytes"


_FIELDS = ('{"id":"JSON","platform":"JSON","created_at":"JSON","collected_at":"JSON",'
           '"author":"JSON","title":"JSON","text":"JSON","rating":"JSON","company":"JSON","url":"JSON"}')


def _jtype(value: str) -> str:
    """SQL: ``json_type`` of a JSON value that ``json_transform`` produced (minified), read from
    its first character; only numbers are parsed (BIGINT, UBIGINT or DOUBLE matter)."""
    return (f"(case left({value}::varchar, 1) when '\"' then 'VARCHAR' when '{{' then 'OBJECT' "
            f"when '[' then 'ARRAY' when 't' then 'BOOLEAN' when 'f' then 'BOOLEAN' when 'n' then 'NULL' "
            f"else json_type({value}) end)")


def _offset_ok(value: str) -> str:
    """SQL: is the UTC offset at the end of an ISO timestamp text within ±14:00 (minutes < 60)?
    ``Z`` is 0; the text already matched TIMESTAMP_RE."""
    hours = f"coalesce(try_cast(nullif(regexp_extract({value}, '[+-]([0-9]{{2}}):?([0-9]{{2}})?$', 1), '') as integer), 0)"
    minutes = f"coalesce(try_cast(nullif(regexp_extract({value}, '[+-]([0-9]{{2}}):?([0-9]{{2}})?$', 2), '') as integer), 0)"
    return f"({minutes} < 60 and {hours} * 60 + {minutes} <= {MAX_OFFSET_MINUTES})"


# {slot} is the block's slot; the load time is the only parameter
PARSE_SQL = f"""
create or replace temp table _social_parsed_{{slot}} as
with nonblank as (
    select line_number, s0 is null as bad_utf8, s0 as s
    from (select line_number, try(decode(raw)) as s0 from _social_block_{{slot}})
), f as (
    select line_number, bad_utf8, s, case when not bad_utf8 then try(json_transform(s, '{_FIELDS}')) end as o
    from nonblank
), j as (
    select line_number, bad_utf8, s, o,
           case when bad_utf8 then false when o is not null then true else json_valid(s) end as ok_json,
           case when o is not null
                then (case when left(ltrim(s, ' ' || chr(9) || chr(10) || chr(13)), 1) = '{{' then 'OBJECT' else 'OTHER' end)
                when not bad_utf8 and json_valid(s) then json_type(s::json) end as jtype
    from f
), typed as (
    select line_number, bad_utf8, ok_json, jtype,
           ok_json and regexp_matches(s, ',\\s*[}}\\]]') as maybe_lenient,
           {_jtype('o.id')} as id_t, o.id->>'$' as id_v,
           {_jtype('o.platform')} as platform_t, lower(trim(o.platform->>'$')) as platform_v,
           {_jtype('o.text')} as text_t, o.text->>'$' as text_v,
           {_jtype('o.title')} as title_t, o.title->>'$' as title_v,
           {_jtype('o.created_at')} as created_t, o.created_at->>'$' as created_v,
           {_jtype('o.collected_at')} as collected_t, o.collected_at->>'$' as collected_v,
           {_jtype('o.rating')} as rating_t, o.rating->>'$' as rating_v,
           {_jtype('o.author')} as author_t, o.author->>'$' as author_v,
           {_jtype('o.company')} as company_t, trim(o.company->>'$') as company_v,
           {_jtype('o.url')} as url_t
    from j
), checked as (
    select *,
        case when created_t = 'VARCHAR' and regexp_matches(created_v, '{TIMESTAMP_RE}')
             then try_cast(upper(created_v) as timestamptz) end as created_ts,
        collected_t is not null and not (collected_t = 'VARCHAR' and trim(collected_v) = '') as has_collected,
        case when collected_t = 'VARCHAR' and regexp_matches(collected_v, '{TIMESTAMP_RE}')
             then try_cast(upper(collected_v) as timestamptz) end as collected_ts,
        case when rating_t in ('BIGINT', 'UBIGINT') then try_cast(rating_v as bigint)
             when rating_t = 'DOUBLE' and try_cast(rating_v as double) = floor(try_cast(rating_v as double))
                  and abs(try_cast(rating_v as double)) < 1e9
             then try_cast(try_cast(rating_v as double) as bigint) end as rating_i,
        ?::timestamptz + interval 1 day as latest
    from typed
)
select line_number, maybe_lenient,
    case
        when bad_utf8 then 'invalid UTF-8'
        when not ok_json then 'invalid JSON'
        when jtype <> 'OBJECT' then 'not a JSON object'
        when id_t is null or (id_t = 'VARCHAR' and trim(id_v) = '') then 'missing id'
        when id_t not in ('VARCHAR', 'BIGINT', 'UBIGINT') then 'id is not a string or integer'
        when platform_t is null or (platform_t = 'VARCHAR' and platform_v = '') then 'missing platform'
        when platform_t <> 'VARCHAR' or platform_v not in {PLATFORMS} then 'unknown platform'
        when text_t is null or (text_t = 'VARCHAR' and trim(text_v) = '') then 'missing text'
        when text_t <> 'VARCHAR' then 'text is not a string'
        when created_t is null or (created_t = 'VARCHAR' and trim(created_v) = '') then 'missing created_at'
        when created_ts is null then 'created_at is not an ISO-8601 timestamp with offset'
        when not {_offset_ok('created_v')} then 'created_at offset outside ±14:00'
        when created_ts < '{EARLIEST}'::timestamptz then 'created_at before 2000-01-01'
        when has_collected and collected_ts is null
             then 'collected_at is not an ISO-8601 timestamp with offset'
        when has_collected and not {_offset_ok('collected_v')} then 'collected_at offset outside ±14:00'
        when collected_ts > latest then 'collected_at after the load time + 1 day'
        when collected_ts is not null and created_ts > collected_ts + interval 1 day
             then 'created_at after collected_at + 1 day'
        when created_ts > latest then 'created_at after the load time + 1 day'
        when rating_t is not null and platform_v <> 'trustpilot' then 'rating on a non-Trustpilot post'
        when rating_t is not null and rating_i is null then 'rating is not an integer'
        when rating_t is not null and rating_i not between 1 and 5 then 'rating out of range 1-5'
        when title_t is not null and title_t <> 'VARCHAR' then 'title is not a string'
        when author_t is not null and author_t <> 'VARCHAR' then 'author is not a string'
        when company_t is not null and company_t <> 'VARCHAR' then 'company is not a string'
        when url_t is not null and url_t <> 'VARCHAR' then 'url is not a string'
    end as reason,
    platform_v as platform, id_v as post_id, created_ts as created_at, collected_ts as collected_at,
    nullif(author_v, '') as author, title_v as title, text_v as text, rating_i::integer as rating,
    nullif(company_v, '') as company
from checked
"""


def parse_block(con, slot: int, numbers: np.ndarray, values: pa.Array, loaded_at) -> str:
    """Parse and validate one block into ``_social_parsed_<slot>``; returns that table's name."""
    con.register(f"_social_block_{slot}", pa.table({"line_number": pa.array(numbers), "raw": values}))
    try:
        con.execute(PARSE_SQL.replace("{slot}", str(slot)), [loaded_at])
    finally:
        con.unregister(f"_social_block_{slot}")
    parsed = f"_social_parsed_{slot}"
    strict_json_check(con, parsed, numbers, values)
    return parsed


def strict_json_check(con, parsed: str, numbers: np.ndarray, values: pa.Array) -> None:
    """Lines DuckDB accepted but that contain ``,}`` / ``,]``: strict JSON (json.loads) decides."""
    rows = con.execute(f"select line_number from {parsed} where maybe_lenient").fetchall()
    bad = []
    for (line_number,) in rows:
        raw = values[int(np.searchsorted(numbers, line_number))].as_py()
        try:
            json.loads(raw.decode("utf-8"))
        except ValueError:
            bad.append(line_number)
    if bad:
        con.execute(f"update {parsed} set reason = 'invalid JSON' where line_number in "
                    "(select unnest(?::bigint[]))", [bad])
