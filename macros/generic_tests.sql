{#- Generic tests written in the project (the dbt hub is not reachable from here). -#}

{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- A survey mart's grain (spec §5): its dimension columns are filled and name one row each.
    The measures are not re-checked here: the statistics are the macros' and int_survey__shares'
    (dbt unit tests), the totals are the Great Expectations suite survey_totals' (docs/quality.md). -#}
{% test survey_mart_grain(model, grain) %}
with checked as (
    select *, count(*) over (partition by {{ grain | join(', ') }}) as rows_per_key
    from {{ model }}
)
select *
from checked
where rows_per_key > 1
   {%- for col in grain %}
   or {{ col }} is null
   {%- endfor %}
{% endtest %}
