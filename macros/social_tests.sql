{#- Generic tests of the social models (written in the project; no dbt hub). -#}

{#- Every element of a list column is one of `values`. -#}
{% test social_list_values_in(model, column_name, values) %}
select *
from {{ model }}
where exists (
    select 1 from (select unnest({{ column_name }}) as v) e
    where e.v is null or e.v not in ({% for v in values %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
)
{% endtest %}

{#- A list column has no duplicate elements. -#}
{% test social_list_distinct(model, column_name) %}
select * from {{ model }}
where len({{ column_name }}) <> len(list_distinct({{ column_name }}))
{% endtest %}

{#- The combination of `columns` is unique. -#}
{% test social_unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- No unmasked personal data in a text column: e-mail addresses, URLs, @handles, phone
    numbers in the usual Dutch formats. -#}
{% test social_no_personal_data(model, column_name) %}
select {{ column_name }}
from {{ model }}
where regexp_matches({{ column_name }}, '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}')
   or regexp_matches({{ column_name }}, '(https?://|www\.)\S+')
   or regexp_matches({{ column_name }}, '(^|[^\w@./])@[A-Za-z0-9_]{2,}')
   or regexp_matches({{ column_name }}, '(\+|\b00)31[ ()0-]*[1-9]')
   or regexp_matches({{ column_name }}, '\b06[ .-]?[0-9]{2}[ .-]?[0-9]{2}[ .-]?[0-9]{2}[ .-]?[0-9]{2}\b')
{% endtest %}

{#- A share column lies in [0, 100]. -#}
{% test social_share_pct(model, column_name) %}
select * from {{ model }} where {{ column_name }} is null or {{ column_name }} < 0 or {{ column_name }} > 100
{% endtest %}

{#- dbt's `where` config of tests, plus two named filters for the incremental social tables, so a
    monthly run tests the rows it wrote instead of re-scanning the history (the Great
    Expectations totals guard still reconciles every published count):
      where: social_latest_build   rows of a per-version table computed in its latest build;
      where: social_latest_posts   rows of fct_social_posts whose version was classified in the
                                   latest build of int_social__classified_versions. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where == 'social_latest_build' -%}
        {%- set where = 'built_at = (select max(built_at) from ' ~ relation ~ ')' -%}
    {%- elif where == 'social_latest_posts' -%}
        {#- the relation by name (a ref here would not be declared by the tests that use it) -#}
        {%- set classified = graph.nodes['model.' ~ project_name ~ '.int_social__classified_versions'].relation_name -%}
        {%- set where -%}
        exists (select 1 from {{ classified }} as c
                where c.built_at = (select max(built_at) from {{ classified }})
                  and c.delivery_id = {{ social_delivery_id(relation ~ '.source_file', relation ~ '.source_content_hash') }}
                  and c.line_number = {{ relation }}.line_number)
        {%- endset -%}
    {%- endif -%}
    {%- if where -%}
        (select * from {{ relation }} where {{ where }}) dbt_subquery
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}
