-- One row per post (platform, post_id): which live version wins. The version with the latest
-- collected_at wins, compared as timestamps (exports mix offsets); ties go to the later file
-- name, then the later line; a missing collected_at counts as the oldest (spec §6).
-- Keys only (the texts stay in the raw layer, the classification in
-- int_social__classified_versions): ranking every live version's keys is one cheap pass, so the
-- winners are recomputed on every run and a re-export in any later file, or a withdrawn one,
-- changes them. fct_social_posts then rewrites only the posts whose winner changed.
with versions as (
    select
        delivery_id,
        line_number,
        delivery_key,
        content_hash,
        platform,
        post_id,
        lang,
        row_number() over (
            partition by platform, post_id
            order by collected_at desc nulls last, file_name desc, line_number desc
        ) as version_rank,
        count(*) over (partition by platform, post_id) as n_versions
    from {{ ref('stg_social__posts') }}
)

select
    platform,
    post_id,
    delivery_id,
    line_number,
    delivery_key as source_file,
    content_hash as source_content_hash,
    n_versions,
    lang,
    lang = 'nl' as is_dutch
from versions
where version_rank = 1
