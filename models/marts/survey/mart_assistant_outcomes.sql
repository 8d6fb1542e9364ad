-- Chatbot (Q10) and voice assistant (Q11) contact and outcomes of the last contact (routed to users; follow-ups from wave 2025). Single choice: sums to 100 per wave × assistant × measure.
select
    s.wave,
    s.g1 as assistant,
    s.g2 as measure,
    s.category as answer,
    {{ survey_measure_columns('s') }}
from {{ ref('int_survey__shares') }} as s
where s.mart = 'mart_assistant_outcomes'
order by s.wave, s.sort_order
