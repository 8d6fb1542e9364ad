{#- Generic tests written in the project (the dbt hub is not reachable from here). -#}

{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- One query per survey mart: its grain columns are filled and unique, and its measure
    columns agree with each other (spec §4). One test instead of five keeps dbt fast. -#}
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
   or share_pct is null or share_pct < 0 or share_pct > 100
   or n_unweighted < 0 or n_unweighted > base_unweighted
   or base_unweighted <= 0 or base_weighted <= 0
   or base_effective <= 0 or base_effective > base_unweighted * (1 + 1e-9)
   or ci_low_pct > share_pct + 1e-9 or ci_high_pct < share_pct - 1e-9
   or ci_low_pct < 0 or ci_high_pct > 100
   or (prev_share_pct is null) <> (change_pp is null)
   or (prev_share_pct is null) <> (significant_vs_prev is null)
   or abs(coalesce(change_pp - (share_pct - prev_share_pct), 0)) > 1e-9
   or (n_unweighted = 0 and share_pct <> 0)
{% endtest %}
