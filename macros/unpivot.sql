{#- Wide → long. DuckDB has UNPIVOT (which drops NULLs, i.e. "not asked / not answered");
    other engines get the portable UNION ALL form. -#}
{% macro unpivot_non_null(relation, id_columns, columns, name_column='variable', value_column='value') -%}
    {{ return(adapter.dispatch('unpivot_non_null')(relation, id_columns, columns, name_column, value_column)) }}
{%- endmacro %}

{% macro default__unpivot_non_null(relation, id_columns, columns, name_column, value_column) -%}
    {%- for col in columns %}
    select {{ id_columns | join(', ') }}, '{{ col }}' as {{ name_column }}, {{ adapter.quote(col) }} as {{ value_column }}
    from {{ relation }}
    where {{ adapter.quote(col) }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{% macro duckdb__unpivot_non_null(relation, id_columns, columns, name_column, value_column) -%}
    select {{ id_columns | join(', ') }}, {{ name_column }}, {{ value_column }}
    from (
        unpivot (select {{ id_columns | join(', ') }}, {% for col in columns %}{{ adapter.quote(col) }}{% if not loop.last %}, {% endif %}{% endfor %} from {{ relation }})
        on {% for col in columns %}{{ adapter.quote(col) }}{% if not loop.last %}, {% endif %}{% endfor %}
        into name {{ name_column }} value {{ value_column }}
    )
{%- endmacro %}
