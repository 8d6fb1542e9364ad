-- Disadvantages of automated contact (Q7, multi-response; geen_nadelen excludes the others): share mentioning each, base = item non-empty.
select
    s.wave,
    s.category as disadvantage,
    {{ survey_measure_columns('s') }}
from {{ ref('int_survey__shares') }} as s
where s.mart = 'mart_disadvantages'
order by s.wave, s.sort_order
