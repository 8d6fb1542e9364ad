{{ config(materialized='view') }}
-- One row per mart group (mart, g1, g2) of the mart design, from macros/survey_design.sql
-- (generated from the codebook with the seeds): its variable set (every variable the group's
-- cells, base and condition look at, sorted and comma-separated) and whether it is
-- single-choice (its shares sum to 100). int_survey__answer_cells counts respondents per
-- combination of the answers to each set.
select
    cast(mart as varchar) as mart,
    cast(g1 as varchar) as g1,
    cast(g2 as varchar) as g2,
    cast(set_key as varchar) as set_key,
    cast(single_choice as boolean) as single_choice
from (
    values
    {%- for g in survey_mart_groups() %}
        ('{{ g.mart }}', '{{ g.g1 }}', '{{ g.g2 }}', '{{ g.set_key }}', {{ g.single_choice }}){% if not loop.last %},{% endif %}
    {%- endfor %}
) as design(mart, g1, g2, set_key, single_choice)
