-- Sector panel KPIs: positive attitude (S{s}_HOUDING >= 6), chatbot / voice assistant contact, either (base: either item answered), and change of experience (S{s}_ERVARING, routed to those with automated contact; the three experience KPIs sum to 100).
select
    s.wave,
    s.g1 as sector,
    s.category as kpi,
    {{ survey_measure_columns('s') }}
from {{ ref('int_survey__shares') }} as s
where s.mart = 'mart_sector_kpis'
order by s.wave, s.sort_order
