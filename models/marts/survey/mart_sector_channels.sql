-- Preferred channel per sector (S{s}_KANAAL). Single choice: sums to 100 per wave × sector.
select
    s.wave,
    s.g1 as sector,
    s.category as channel,
    c.channel_group,
    {{ survey_measure_columns('s') }}
from {{ ref('int_survey__shares') }} as s
left join {{ ref('dim_channel') }} as c
    on c.channel = s.category
where s.mart = 'mart_sector_channels'
order by s.wave, s.sort_order
