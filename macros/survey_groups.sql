{#- What the survey models derive from the mart design (macros/survey_design.sql, generated from
    the codebook) when dbt compiles: nothing here reads the database. -#}

{#- The variable sets of the mart groups, each a sorted list of variable names, in set_key order:
    int_survey__answer_cells counts respondents once per set. -#}
{% macro survey_variable_sets() -%}
    {%- set sets = [] -%}
    {%- for key in survey_mart_groups() | map(attribute='set_key') | reject('equalto', '') | unique | sort -%}
        {%- do sets.append(key.split(',')) -%}
    {%- endfor -%}
    {{ return(sets) }}
{%- endmacro %}

{#- Every variable of any set, sorted: the columns of int_survey__answer_cells. -#}
{% macro survey_cell_variables() -%}
    {{ return(survey_variable_sets() | sum(start=[]) | unique | sort) }}
{%- endmacro %}

{#- SQL condition on one wide survey row (stg_survey__responses): the respondent is in the base
    of the mart group `group` (an entry of survey_mart_groups()). With routed=true, only if the
    codebook also routes the respondent to the base question (spec §4: a routed question's base is
    the respondents routed to it who answered). -#}
{% macro survey_base_condition(group, routed=false) -%}
    {%- set terms = [] -%}
    {%- for base in group.bases -%}
        {%- set parts = [adapter.quote(base.variable) ~ ' is not null'] -%}
        {%- if base.by_variable -%}
            {%- do parts.append(adapter.quote(base.by_variable) ~ ' = ' ~ base.by_code) -%}
        {%- endif -%}
        {%- if routed and base.routing -%}
            {%- set routes = [] -%}
            {%- for variable, code in base.routing -%}
                {%- do routes.append(adapter.quote(variable) ~ ' = ' ~ code) -%}
            {%- endfor -%}
            {%- do parts.append('(' ~ routes | join(' or ') ~ ')') -%}
        {%- endif -%}
        {%- do terms.append('(' ~ parts | join(' and ') ~ ')') -%}
    {%- endfor -%}
    {{ terms | join(' or ') }}
{%- endmacro %}

{#- Whether the base question of a mart group is routed (any of its base variables). -#}
{% macro survey_base_is_routed(group) -%}
    {{ return(group.bases | selectattr('routing') | list | length > 0) }}
{%- endmacro %}
