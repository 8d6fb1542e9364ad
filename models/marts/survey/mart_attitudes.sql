-- Attitudes: open_to_automation (Q6: ja / nee / weet_niet) and grade (Q9: onvoldoende 1–5 / voldoende_goed 6–10). Each question sums to 100 per wave.
select
    s.wave,
    s.g1 as question,
    s.category as answer,
    {{ survey_measure_columns('s') }}
from {{ ref('int_survey__shares') }} as s
where s.mart = 'mart_attitudes'
order by s.wave, s.sort_order
