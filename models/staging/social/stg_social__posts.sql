-- One row per valid line of a live social delivery (a version of a post).
with deliveries as (
    select
        key,
        content_hash,
        "partition" as export_month,
        {{ social_delivery_id('key', 'content_hash') }} as delivery_id,
        {{ social_file_name('path') }} as file_name
    from {{ source('warehouse_ops', 'active_social_deliveries') }}
)

select
    d.delivery_id,
    {{ social_segment('r.line_number') }} as segment,
    r._delivery_key as delivery_key,
    r._content_hash as content_hash,
    r._source_file as source_file,
    d.file_name,
    d.export_month,
    r.line_number,
    r.platform,
    r.post_id,
    r.created_at,
    r.collected_at,
    r.author_pseudonym,
    r.title_masked,
    r.text_masked,
    r.rating,
    r.company,
    coalesce(r.lang, 'und') as lang,
    r.lang_method
from {{ source('social_raw', 'social_posts') }} as r
join deliveries as d
    on d.key = r._delivery_key
   and d.content_hash = r._content_hash
