{{ config(materialized='view') }}
-- depends_on: {{ ref('survey_variables') }}
-- One row per mart group (mart, g1, g2) with its variable set: every variable the group's
-- cells, base and condition look at (those in the tidy answers), sorted and comma-separated.
-- int_survey__answer_cells counts respondents per combination of the answers to each set.
with items as (
    select * from {{ ref('int_survey__mart_items') }}
),

used as (
    select mart, g1, g2, variable from items
    union
    select mart, g1, g2, base_variable from items
    union
    select mart, g1, g2, by_variable from items where by_variable is not null
)

select
    mart,
    g1,
    g2,
    array_to_string(list_sort(list(variable)), ',') as set_key
from used
where variable in ({% for v in survey_answer_variables() + ['LEEFTIJD_BAND'] %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
group by mart, g1, g2
