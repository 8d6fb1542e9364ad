-- One row per post (platform, post_id): the version with the latest collected_at wins,
-- compared as timestamps (exports mix offsets); ties go to the later file name, then the
-- later line; a missing collected_at counts as the oldest (spec §6).
-- The versions are ranked on their keys only and the winning rows joined back by their line
-- (delivery_key, line_number: unique among live rows, tested on stg_social__posts): sorting the
-- whole rows, texts included, took twice the time. The table is stored in post_sk order so that
-- the batches of the classification (ranges of post_sk) read only their own row groups; in the
-- order of the export, every batch read through all texts (10M posts: 40 batches x 10M rows).
with versions as (
    select
        delivery_key,
        line_number,
        platform,
        post_id,
        row_number() over (
            partition by platform, post_id
            order by collected_at desc nulls last, file_name desc, line_number desc
        ) as version_rank,
        count(*) over (partition by platform, post_id) as n_versions
    from {{ ref('stg_social__posts') }}
),

winners as (
    select
        delivery_key,
        line_number,
        n_versions,
        row_number() over (order by platform, post_id) as post_sk
    from versions
    where version_rank = 1
)

select
    w.post_sk,
    s.platform,
    s.post_id,
    s.created_at,
    s.collected_at,
    s.author_pseudonym,
    s.title_masked,
    s.text_masked,
    s.rating,
    s.company,
    s.lang,
    s.lang_method,
    s.lang = 'nl' as is_dutch,
    s.source_file,
    s.file_name,
    s.line_number,
    w.n_versions
from {{ ref('stg_social__posts') }} as s
join winners as w
    on w.delivery_key = s.delivery_key
   and w.line_number = s.line_number
order by w.post_sk
