{#- Use the configured schema name as it is (staging, intermediate, marts, audit, seeds),
    not dbt's default <target>_<custom> concatenation: the schema names are a published interface. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
