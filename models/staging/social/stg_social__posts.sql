-- One row per valid line of a live social delivery (a version of a post).
select
    r._delivery_key as delivery_key,
    r._source_file as source_file,
    regexp_extract(r._source_file, '[^/]+$') as file_name,
    d."partition" as export_month,
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
join {{ source('warehouse_ops', 'active_social_deliveries') }} as d
    on d.key = r._delivery_key
   and d.content_hash = r._content_hash
