-- Biggest frustrations in customer contact (Q3, multi-response, max 3): share mentioning each, base = respondents with the item non-empty.
select
    s.wave,
    s.category as frustration,
    {{ survey_measure_columns('s') }}
from {{ ref('int_survey__shares') }} as s
where s.mart = 'mart_frustrations'
order by s.wave, s.sort_order
