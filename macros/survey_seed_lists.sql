{#- Column lists read from seeds at run time, so the SQL follows the codebook. -#}
{% macro survey_answer_variables() -%}
    {%- if execute -%}
        {%- set rows = run_query("select variable from " ~ ref('survey_variables') ~ " where in_answers and variable <> 'LEEFTIJD_BAND' order by variable") -%}
        {{ return(rows.columns[0].values() | list) }}
    {%- else -%}
        {{ return(['Q5']) }}
    {%- endif -%}
{%- endmacro %}

{#- The variable sets of the mart groups (int_survey__mart_groups.set_key), each a sorted list
    of variable names; read at run time, so the cells follow the mart design. -#}
{% macro survey_variable_sets() -%}
    {%- if execute -%}
        {%- set rows = run_query("select distinct set_key from " ~ ref('int_survey__mart_groups') ~ " where set_key <> '' order by set_key") -%}
        {%- set sets = [] -%}
        {%- for key in rows.columns[0].values() -%}
            {%- do sets.append(key.split(',')) -%}
        {%- endfor -%}
        {{ return(sets) }}
    {%- else -%}
        {{ return([['Q5']]) }}
    {%- endif -%}
{%- endmacro %}
