-- The segments of the live social deliveries that hold Dutch post versions: the unit in which
-- the per-version models are computed and kept (macros/social_incremental.sql). Rebuilt on
-- every run: one grouped scan of the live lines' keys.
select
    delivery_id,
    segment,
    count(*) as n_lines
from {{ ref('stg_social__posts') }}
where lang = 'nl'
group by delivery_id, segment
