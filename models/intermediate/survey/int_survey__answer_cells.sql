-- Respondents counted per combination of answers, once for each variable set of the mart
-- design (survey_variable_sets, from macros/survey_design.sql): for the set (GESLACHT, Q5), one
-- row per wave × gender × persona with the respondents (n), their weights (sw) and squared
-- weights (sw2). An empty answer is NULL here, as it has no row in the tidy answers.
--
-- Why cells and not the tidy answers: a respondent belongs to exactly one cell of a set, and
-- every condition of a mart group (its base, its categories, a cross-tab condition) looks only
-- at the variables of the group's set. So "the respondents satisfying a condition" is a union
-- of whole cells, and their count and weight sums are sums over those cells. One pass over the
-- wide rows replaces joining a tidy table of respondent × variable rows with itself (at 1M
-- respondents × 4 waves: ~250M rows).
{%- set sets = survey_variable_sets() %}
{%- set variables = survey_cell_variables() %}

with live as materialized (
    -- the weighted respondents, wide, with the variables of the sets
    select
        wave,
        weight,
        {%- for v in variables %}
        cast({{ adapter.quote(v) }} as integer) as {{ adapter.quote(v) }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('int_survey__respondents') }}
),

cells as (
    {%- for s in sets %}
    select
        '{{ s | join(",") }}' as set_key,
        wave,
        {%- for v in variables %}
        {% if v in s %}{{ adapter.quote(v) }}{% else %}cast(null as integer) as {{ adapter.quote(v) }}{% endif %},
        {%- endfor %}
        count(*) as n,
        sum(weight) as sw,
        sum(weight * weight) as sw2
    from live
    group by wave{% for v in s %}, {{ adapter.quote(v) }}{% endfor %}
    {% if not loop.last %}union all{% endif %}
    {%- else %}
    select '' as set_key, wave, {% for v in variables %}cast(null as integer) as {{ adapter.quote(v) }}, {% endfor %}
           count(*) as n, sum(weight) as sw, sum(weight * weight) as sw2
    from live where false group by wave
    {%- endfor %}
)

select row_number() over (order by set_key, wave{% for v in variables %}, {{ adapter.quote(v) }}{% endfor %}) as cell_id, *
from cells
