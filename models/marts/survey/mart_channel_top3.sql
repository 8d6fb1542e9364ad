-- Share of respondents naming the channel anywhere in their Q2 top 3 (base: Q2_R1 filled). Not single choice: shares do not sum to 100.
select
    s.wave,
    s.category as channel,
    c.channel_group,
    {{ survey_measure_columns('s') }}
from {{ ref('int_survey__shares') }} as s
left join {{ ref('dim_channel') }} as c
    on c.channel = s.category
where s.mart = 'mart_channel_top3'
order by s.wave, s.sort_order
