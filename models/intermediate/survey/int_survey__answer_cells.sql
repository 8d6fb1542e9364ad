-- depends_on: {{ ref('int_survey__mart_groups') }}
-- Respondents counted per combination of answers, once for each variable set of the mart
-- design (int_survey__mart_groups): for the set (GESLACHT, Q5), one row per wave × gender ×
-- persona with the respondents (n), their weights (sw) and squared weights (sw2). An empty
-- answer is NULL here, as it has no row in the tidy answers.
--
-- Why cells and not the tidy answers: a respondent belongs to exactly one cell of a set, and
-- every condition of a mart group (its base, its categories, a cross-tab condition) looks only
-- at the variables of the group's set. So "the respondents satisfying a condition" is a union
-- of whole cells, and their count and weight sums are sums over those cells. One pass over the
-- wide rows replaces joining a tidy table of respondent × variable rows with itself (at 1M
-- respondents × 4 waves: ~250M rows).
{%- set sets = survey_variable_sets() %}
{%- set variables = sets | sum(start=[]) | unique | sort %}
{%- if not variables %}{% set variables = ['Q5'] %}{% endif %}

with live as materialized (
    -- the respondents of int_survey__respondents (live deliveries with a weight), wide
    select
        cast(r.wave as integer) as wave,
        cast(w.weight as double) as weight,
        {%- for v in variables %}
        {% if v == 'LEEFTIJD_BAND' -%}
        {{ survey_age_band("r.LEEFTIJD") }} as LEEFTIJD_BAND
        {%- else -%}
        cast({{ adapter.quote(v) }} as integer) as {{ adapter.quote(v) }}
        {%- endif %}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ source('survey_raw', 'survey_responses') }} as r
    inner join {{ source('warehouse_ops', 'active_survey_deliveries') }} as d
        on d.key = r._delivery_key
       and d.content_hash = r._content_hash
    inner join {{ source('survey_weights', 'survey_weights') }} as w
        on w.wave = cast(r.wave as integer)
       and w.respid = cast(r.RESPID as varchar)
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
