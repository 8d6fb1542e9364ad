{#- The contract's age bands (spec §3): 1 = 18–34, 2 = 35–54, 3 = 55+, from LEEFTIJD in years.
    One definition for every model that derives LEEFTIJD_BAND (the Python guards repeat it on
    purpose: they recount independently of dbt). -#}
{% macro survey_age_band(age) -%}
    cast(case when {{ age }} <= 34 then 1 when {{ age }} <= 54 then 2 else 3 end as integer)
{%- endmacro %}
