"""Raw tables of the social domain in the build database.

Only masked text and a keyed pseudonym are stored: the raw personal data of a post
(author, e-mail addresses, phone numbers, handles, URLs, the ``url`` field) never enters any
database. One row per non-blank line of a delivered file: valid lines in ``raw.social_posts``,
malformed ones (file, physical line number, reason; never the line) in
``raw.social_malformed_lines``. Which version of a post wins is decided in dbt.
"""

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


def ensure(con) -> None:
    con.execute(SOCIAL_RAW_DDL)
