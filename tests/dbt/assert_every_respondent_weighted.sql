{{ config(meta={'dagster': {'ref': {'name': 'int_survey__respondents'}}}) }}
-- Every respondent of a live wave has exactly one raking weight.
select r.wave, r.respid
from {{ ref('stg_survey__respondents') }} as r
left join {{ source('survey_weights', 'survey_weights') }} as w
    on w.wave = r.wave and w.respid = r.respid
where w.weight is null
