"""Raw tables of the social domain in the build database.

Only masked text and a keyed pseudonym are stored: the raw personal data of a post
(author, e-mail addresses, phone numbers, handles, URLs) never enters any database.
"""

SOCIAL_RAW_DDL = """
create table if not exists raw.social_posts (
    _delivery_key varchar not null,
    _content_hash varchar not null,
    _source_file varchar not null,
    _loaded_at timestamptz not null,
    line_number bigint not null,
    platform varchar not null,
    post_id varchar not null,
    created_at timestamptz not null,
    collected_at timestamptz,
    author_pseudonym varchar,
    title_masked varchar,
    text_masked varchar not null,
    rating integer,
    company varchar,
    lang varchar
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
