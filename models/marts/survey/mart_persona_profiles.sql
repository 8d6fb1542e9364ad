-- Profile of each persona: distribution of background and key answers within the persona. Sums to 100 per wave × persona × dimension.
select
    s.wave,
    s.g1 as persona,
    s.g2 as dimension,
    s.category as category,
    {{ survey_measure_columns('s') }}
from {{ ref('int_survey__shares') }} as s
where s.mart = 'mart_persona_profiles'
order by s.wave, s.sort_order
