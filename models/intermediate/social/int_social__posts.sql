-- One row per post (platform, post_id): the version with the latest collected_at wins,
-- compared as timestamps (exports mix offsets); ties go to the later file name, then the
-- later line; a missing collected_at counts as the oldest (spec §6).
with versions as (
    select
        *,
        row_number() over (
            partition by platform, post_id
            order by collected_at desc nulls last, file_name desc, line_number desc
        ) as version_rank,
        count(*) over (partition by platform, post_id) as n_versions
    from {{ ref('stg_social__posts') }}
)

select
    row_number() over (order by platform, post_id) as post_sk,
    platform,
    post_id,
    created_at,
    collected_at,
    author_pseudonym,
    title_masked,
    text_masked,
    rating,
    company,
    lang,
    lang_method,
    lang = 'nl' as is_dutch,
    source_file,
    file_name,
    line_number,
    n_versions
from versions
where version_rank = 1
