-- Preferred channel per type of contact (Q1_1–Q1_5; 'algemeen' = Q2 first choice). Single choice: shares sum to 100 per wave × contact_type.
select
    s.wave,
    s.g1 as contact_type,
    s.category as channel,
    c.channel_group,
    {{ survey_measure_columns('s') }}
from {{ ref('int_survey__shares') }} as s
left join {{ ref('dim_channel') }} as c
    on c.channel = s.category
where s.mart = 'mart_channel_preferences'
order by s.wave, s.sort_order
