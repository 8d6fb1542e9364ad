-- The base of every survey mart group, recounted from the live survey rows for the totals guard
-- (GX suite survey_totals, expectations/totals.py): per mart group × wave, the respondents who
-- answered its base question (with the group's condition for cross-tabs) and, for a routed
-- question, those of them the codebook routes to it. Counted directly on the wide rows of
-- stg_survey__responses in one grouped scan (a count(*) filter per distinct condition), not
-- through the cells the marts are built from, so a base a mart gets wrong shows up here.
{%- set groups = survey_mart_groups() %}
{%- set conditions = [] %}
{%- for g in groups %}
    {%- for c in [survey_base_condition(g), survey_base_condition(g, routed=true)] %}
        {%- if c not in conditions %}{% do conditions.append(c) %}{% endif %}
    {%- endfor %}
{%- endfor %}

with counted as (
    select
        wave,
        {%- for c in conditions %}
        count(*) filter (where {{ c }}) as c{{ loop.index0 }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('stg_survey__responses') }}
    group by wave
),

counts as (
    select wave, cast(substr(condition, 2) as integer) as condition, respondents
    from (
        unpivot counted
        on {% for c in conditions %}c{{ loop.index0 }}{% if not loop.last %}, {% endif %}{% endfor %}
        into name condition value respondents
    )
),

design as (
    select *
    from (
        values
        {%- for g in groups %}
            ('{{ g.mart }}', '{{ g.g1 }}', '{{ g.g2 }}', {{ conditions.index(survey_base_condition(g)) }},
             {{ conditions.index(survey_base_condition(g, routed=true)) if survey_base_is_routed(g) else 'null' }}){% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as d(mart, g1, g2, base_condition, routed_condition)
)

select
    cast(d.mart as varchar) as mart,
    cast(d.g1 as varchar) as g1,
    cast(d.g2 as varchar) as g2,
    cast(b.wave as integer) as wave,
    cast(b.respondents as bigint) as answering_respondents,
    cast(r.respondents as bigint) as routed_respondents
from design as d
inner join counts as b
    on b.condition = d.base_condition
left join counts as r
    on r.condition = d.routed_condition
   and r.wave = b.wave
where b.respondents > 0
