-- Trust (Q12, 1 = helemaal geen … 5 = veel vertrouwen) by frequency of use (Q13) per assistant. Sums to 100 per wave × assistant × frequency.
select
    s.wave,
    s.g1 as assistant,
    s.g2 as frequency,
    s.category as trust_level,
    {{ survey_measure_columns('s') }}
from {{ ref('int_survey__shares') }} as s
where s.mart = 'mart_trust_by_usage'
order by s.wave, s.sort_order
