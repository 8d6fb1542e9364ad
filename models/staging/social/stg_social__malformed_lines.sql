-- Malformed lines of the live social deliveries: file, physical line number and reason.
select
    r._delivery_key as delivery_key,
    r._source_file as source_file,
    {{ social_file_name("r._source_file") }} as file_name,
    d."partition" as export_month,
    r.line_number,
    r.reason
from {{ source('social_raw', 'social_malformed_lines') }} as r
join {{ source('warehouse_ops', 'active_social_deliveries') }} as d
    on d.key = r._delivery_key
   and d.content_hash = r._content_hash
