-- Persona distribution (Q5). Single choice: sums to 100 per wave.
select
    s.wave,
    s.category as persona,
    {{ survey_measure_columns('s') }}
from {{ ref('int_survey__shares') }} as s
where s.mart = 'mart_personas'
order by s.wave, s.sort_order
