-- Stance towards AI use cases (Q8_1–Q8_4, from wave 2025): positief / neutraal / negatief, sums to 100 per wave × use_case.
select
    s.wave,
    s.g1 as use_case,
    s.category as stance,
    {{ survey_measure_columns('s') }}
from {{ ref('int_survey__shares') }} as s
where s.mart = 'mart_ai_use_cases'
order by s.wave, s.sort_order
