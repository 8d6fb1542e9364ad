"""DDL of the raw layer: one table per landing kind, columns derived from the contract.

Social: only masked text and a keyed pseudonym are stored: the raw personal data of a post
(author, e-mail addresses, phone numbers, handles, URLs, the ``url`` field) never enters any
database. One row per non-blank line of a delivered file: valid lines in ``raw.social_posts``,
malformed ones (file, physical line number, reason; never the line) in
``raw.social_malformed_lines``. Which version of a post wins is decided in dbt.
"""

from __future__ import annotations

from orchestration.codebook import all_variables

LINEAGE_COLUMNS = (
    ("_delivery_key", "varchar not null"),      # the wave, as text
    ("_content_hash", "varchar not null"),
    ("_source_file", "varchar not null"),       # path relative to $VOICE_MONITOR_HOME
    ("_loaded_at", "timestamptz not null"),
    ("_row_number", "bigint not null"),         # 1 = first data row of the file
)

SOCIAL_RAW_DDL = """
create table if not exists raw.social_posts (
    _delivery_key varchar not null,      -- path of the file relative to the home
    _content_hash varchar not null,
    _source_file varchar not null,
    _loaded_at timestamptz not null,
    line_number bigint not null,         -- physical line in the file, from 1
    platform varchar not null,           -- trustpilot | reddit | x
    post_id varchar not null,            -- the export's id, as text
    created_at timestamptz not null,
    collected_at timestamptz,            -- null = missing (counts as the oldest)
    author_pseudonym varchar,            -- keyed HMAC of platform:author
    title_masked varchar,
    text_masked varchar not null,
    rating integer,                      -- Trustpilot only, 1-5
    company varchar,
    lang varchar,                        -- ISO 639-1 of title + text; 'und' if undecided
    lang_method varchar                  -- function_words | lingua
);
create table if not exists raw.social_malformed_lines (
    _delivery_key varchar not null,
    _content_hash varchar not null,
    _source_file varchar not null,
    _loaded_at timestamptz not null,
    line_number bigint not null,
    reason varchar not null
);
"""


def survey_columns() -> list[tuple[str, str]]:
    cols: list[tuple[str, str]] = [("wave", "integer not null"), ("RESPID", "varchar not null")]
    for v in all_variables():
        if v.name == "RESPID":
            continue
        if v.name == "GEWICHT":
            cols.append((v.name, "double"))
        elif v.is_numeric:
            cols.append((v.name, "integer"))
        else:
            cols.append((v.name, "varchar"))
    cols.append(("OPEN_MASKED", "varchar"))
    cols.append(("_extra_columns", "varchar"))  # JSON object of unknown columns, as delivered
    cols.extend(LINEAGE_COLUMNS)
    return cols


def ensure(con) -> None:
    body = ",\n    ".join(f'"{name}" {typ}' for name, typ in survey_columns())
    con.execute(f"create table if not exists raw.survey_responses (\n    {body}\n)")
    ensure_social(con)


def ensure_social(con) -> None:
    con.execute(SOCIAL_RAW_DDL)
