{#- Statistics of spec §4 as SQL expressions (portable: only arithmetic, sqrt, abs). -#}

{#- Wilson score interval for proportion p (0..1) with n = effective base; returns percent. -#}
{% macro wilson_low_pct(p, n, z=var('wilson_z')) -%}
    100.0 * (({{ p }}) + {{ z }} * {{ z }} / (2.0 * ({{ n }}))
             - {{ z }} * sqrt(greatest(({{ p }}) * (1.0 - ({{ p }})) / ({{ n }}) + {{ z }} * {{ z }} / (4.0 * ({{ n }}) * ({{ n }})), 0.0)))
          / (1.0 + {{ z }} * {{ z }} / ({{ n }}))
{%- endmacro %}

{% macro wilson_high_pct(p, n, z=var('wilson_z')) -%}
    100.0 * (({{ p }}) + {{ z }} * {{ z }} / (2.0 * ({{ n }}))
             + {{ z }} * sqrt(greatest(({{ p }}) * (1.0 - ({{ p }})) / ({{ n }}) + {{ z }} * {{ z }} / (4.0 * ({{ n }}) * ({{ n }})), 0.0)))
          / (1.0 + {{ z }} * {{ z }} / ({{ n }}))
{%- endmacro %}

{#- Two-proportion z-test with effective bases and pooled p (spec §4).
    NULL without a previous wave; false when the standard error is 0. -#}
{% macro significant_change(p1, n1, p2, n2, z=var('significance_z')) -%}
    case
        when ({{ p2 }}) is null or ({{ n2 }}) is null then null
        when (({{ p1 }}) * ({{ n1 }}) + ({{ p2 }}) * ({{ n2 }})) / (({{ n1 }}) + ({{ n2 }})) * (1.0 - (({{ p1 }}) * ({{ n1 }}) + ({{ p2 }}) * ({{ n2 }})) / (({{ n1 }}) + ({{ n2 }}))) * (1.0 / ({{ n1 }}) + 1.0 / ({{ n2 }})) <= 0 then false
        else abs(({{ p1 }}) - ({{ p2 }}))
             / sqrt((({{ p1 }}) * ({{ n1 }}) + ({{ p2 }}) * ({{ n2 }})) / (({{ n1 }}) + ({{ n2 }}))
                    * (1.0 - (({{ p1 }}) * ({{ n1 }}) + ({{ p2 }}) * ({{ n2 }})) / (({{ n1 }}) + ({{ n2 }})))
                    * (1.0 / ({{ n1 }}) + 1.0 / ({{ n2 }})))
             > {{ z }}
    end
{%- endmacro %}

{#- The measure columns every survey mart publishes, in the published order. -#}
{% macro survey_measure_columns(alias=none) -%}
    {%- set p = (alias ~ '.') if alias else '' -%}
    {{ p }}share_pct, {{ p }}n_unweighted, {{ p }}base_unweighted, {{ p }}base_weighted, {{ p }}base_effective,
    {{ p }}ci_low_pct, {{ p }}ci_high_pct, {{ p }}prev_share_pct, {{ p }}change_pp, {{ p }}significant_vs_prev
{%- endmacro %}
