{{ config(materialized='view') }}
-- The respondents of the live waves (stg_survey__responses, wide) with their raking weight
-- (mean 1 within each wave): what the survey marts count. A view: the cells read it in one
-- pass, and a table would cost seconds and a copy of every respondent at scale.
select
    r.*,
    cast(w.weight as double) as weight
from {{ ref('stg_survey__responses') }} as r
inner join {{ source('survey_weights', 'survey_weights') }} as w
    on w.wave = r.wave
   and w.respid = r.respid
