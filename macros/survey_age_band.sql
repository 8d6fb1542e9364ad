{#- The contract's age bands (spec §3): 1 = 18–34, 2 = 35–54, 3 = 55+, from LEEFTIJD in years.
    The one definition of LEEFTIJD_BAND: stg_survey__responses derives it, and weighting, the
    marts and the quality guards read it from there. -#}
{% macro survey_age_band(age) -%}
    cast(case when {{ age }} <= 34 then 1 when {{ age }} <= 54 then 2 else 3 end as integer)
{%- endmacro %}
