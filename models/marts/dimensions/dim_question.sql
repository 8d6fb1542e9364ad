-- Every concrete questionnaire variable (sector templates expanded) from the codebook.
select
    variable,
    template,
    block,
    type,
    nullif(list_name, '') as code_list,
    cast(sector_code as integer) as sector_code,
    cast(first_wave as integer) as first_wave,
    asked_of,
    question_nl
from {{ ref('survey_variables') }}
