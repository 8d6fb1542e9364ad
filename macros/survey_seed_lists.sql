{#- Column lists read from seeds at run time, so the SQL follows the codebook. -#}
{% macro survey_answer_variables() -%}
    {%- if execute -%}
        {%- set rows = run_query("select variable from " ~ ref('survey_variables') ~ " where in_answers and variable <> 'LEEFTIJD_BAND' order by variable") -%}
        {{ return(rows.columns[0].values() | list) }}
    {%- else -%}
        {{ return(['Q5']) }}
    {%- endif -%}
{%- endmacro %}
