{{ config(materialized='view') }}
-- Tidy answers with the respondent's weight attached.
select
    a.wave,
    a.respid,
    a.variable,
    a.value,
    r.weight
from {{ ref('stg_survey__answers') }} as a
inner join {{ ref('int_survey__respondents') }} as r
    on r.wave = a.wave
   and r.respid = a.respid
