-- What matters in automated contact (Q4_1–Q4_5): share rating the aspect important (4 or 5 on the 5-point scale), base = item answered.
select
    s.wave,
    s.category as "value",
    {{ survey_measure_columns('s') }}
from {{ ref('int_survey__shares') }} as s
where s.mart = 'mart_values'
order by s.wave, s.sort_order
