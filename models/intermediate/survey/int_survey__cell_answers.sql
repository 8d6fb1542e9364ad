{{ config(materialized='view') }}
-- int_survey__answer_cells in tidy form: one row per cell × variable of its set with an answer.
{%- set variables = survey_cell_variables() %}
select cell_id, set_key, wave, variable, value
from (
    unpivot (
        select cell_id, set_key, wave, {% for v in variables %}{{ adapter.quote(v) }}{% if not loop.last %}, {% endif %}{% endfor %}
        from {{ ref('int_survey__answer_cells') }}
    )
    on {% for v in variables %}{{ adapter.quote(v) }}{% if not loop.last %}, {% endif %}{% endfor %}
    into name variable value value
)
