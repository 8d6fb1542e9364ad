{{ config(materialized='view') }}
-- Respondents of the live waves with their raking weight (mean 1 within each wave). A view:
-- nothing reads it in bulk (the survey cells read the wide rows), and a table costs seconds
-- and a copy of every respondent at scale.
select
    r.wave,
    r.respid,
    r.gender_code,
    r.age,
    r.age_band_code,
    r.region_code,
    r.education_code,
    r.agency_weight,
    cast(w.weight as double) as weight
from {{ ref('stg_survey__respondents') }} as r
inner join {{ source('survey_weights', 'survey_weights') }} as w
    on w.wave = r.wave
   and w.respid = r.respid
