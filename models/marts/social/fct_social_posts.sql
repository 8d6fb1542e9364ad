-- One row per published post: unique (latest version), Dutch, masked, classified.
-- Incremental: only posts whose winning version changed (a new post, a re-export that wins,
-- a withdrawn version, a changed number of versions) are rewritten, by key; posts that are no
-- longer published are deleted after the insert. A full refresh builds the same rows.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['platform', 'post_id'],
    on_schema_change='fail',
    post_hook=["{{ social_delete_unpublished_posts() }}"]
) }}

with winners as (
    select *
    from {{ ref('int_social__posts') }} as w
    where w.is_dutch
    {%- if is_incremental() %}
      and not exists (
          select 1 from {{ this }} as f
          where f.platform = w.platform and f.post_id = w.post_id
            and f.source_file = w.source_file and f.source_content_hash = w.source_content_hash
            and f.line_number = w.line_number and f.n_versions = w.n_versions)
    {%- endif %}
)

select
    p.platform,
    p.post_id,
    p.created_at,
    {{ social_month_amsterdam('p.created_at') }} as month,
    c.sector,
    c.themes,
    c.sentiment,
    p.text_masked,
    p.title_masked,
    p.author_pseudonym,
    p.rating,
    p.company,
    c.channels,
    p.collected_at,
    w.n_versions,
    w.source_file,
    w.source_content_hash,
    w.line_number
from winners as w
join {{ ref('stg_social__posts') }} as p
    on p.delivery_id = w.delivery_id and p.line_number = w.line_number
join {{ ref('int_social__classified_versions') }} as c
    on c.delivery_id = w.delivery_id and c.line_number = w.line_number
