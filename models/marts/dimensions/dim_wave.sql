-- The waves in the warehouse with their size and weighting efficiency.
select
    cast(r.wave as integer) as wave,
    cast(count(*) as bigint) as respondents,
    cast(make_date(r.wave - 1, 12, 1) as date) as fieldwork_month,
    cast(min(r.source_file) as varchar) as source_file,
    cast(any_value(w.efficiency) as double) as weighting_efficiency
from {{ ref('stg_survey__responses') }} as r
left join {{ source('warehouse_ops', 'survey_weighting') }} as w
    on w.wave = r.wave
group by r.wave
