{#- A table built in batches of a key range, so memory stays bounded however many rows there are.

    Why: classifying 10M social posts in one statement needs every post's tokens, term
    occurrences and features at once; DuckDB then runs out of its memory limit (or, unbounded,
    reaches ~11 GB). Every row of these models depends only on the rows of the same post, so
    the model can be run per range of the key and the results appended: identical output,
    memory proportional to a batch (docs/benchmarks.md).

    Use:
        {{ config(materialized='batched_table', batch_column='post_sk',
                  batch_source='int_social__posts', batch_size=var('social_batch_posts', 250000)) }}
        ... where {{ batch_range('post_sk') }} ...

    `batch_range(column)` renders a predicate over the whole range, so the compiled SQL is
    valid and complete on its own (dbt compile / show, a plain table). This materialization
    reads min and max of `batch_column` in `batch_source` (a model the SQL already refs) and
    runs the SQL once per range of `batch_size` keys, each range substituted for the markers:
    the first batch creates the table, the others insert. Like the table materialization it
    builds beside the existing relation and swaps them in one transaction.
-#}

{#- The bounds batch_range renders: the whole bigint range, marked so the materialization finds them. -#}
{% macro batch_marker(bound) -%}
{{ '-9223372036854775807 /* batch_lo */' if bound == 'lo' else '9223372036854775807 /* batch_hi */' }}
{%- endmacro %}

{% macro batch_range(column) -%}
({{ column }} >= {{ batch_marker('lo') }} and {{ column }} <= {{ batch_marker('hi') }})
{%- endmacro %}

{% macro batched_sql(sql, lo, hi) -%}
{{ sql | replace(batch_marker('lo'), lo | string) | replace(batch_marker('hi'), hi | string) }}
{%- endmacro %}

{% materialization batched_table, adapter='duckdb' %}
  {%- set column = config.require('batch_column') -%}
  {%- set source_model = config.require('batch_source') -%}
  {%- set size = config.get('batch_size', 250000) | int -%}
  {%- if size < 1 -%}
    {{ exceptions.raise_compiler_error('batch_size must be at least 1 (' ~ this ~ ')') }}
  {%- endif -%}
  {%- if batch_marker('lo') not in sql -%}
    {{ exceptions.raise_compiler_error(this ~ ': batched_table needs {{ batch_range(...) }} in its SQL') }}
  {%- endif -%}

  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set backup_relation = make_backup_relation(target_relation, 'table' if existing_relation is none else existing_relation.type) -%}
  {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
  {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- set bounds = run_query('select min(' ~ column ~ ')::bigint, max(' ~ column ~ ')::bigint from ' ~ ref(source_model)) -%}
  {%- set lo = bounds.columns[0].values()[0] -%}
  {%- set hi = bounds.columns[1].values()[0] -%}
  {%- set starts = [] if lo is none else range(lo | int, (hi | int) + 1, size) -%}

  {% call statement('main') -%}
    {{ create_table_as(False, intermediate_relation, batched_sql(sql, 0, -1) if starts | length == 0 else batched_sql(sql, starts[0], starts[0] + size - 1)) }}
  {%- endcall %}
  {%- for start in starts[1:] %}
    {% call statement('batch_' ~ loop.index) -%}
      insert into {{ intermediate_relation }} {{ batched_sql(sql, start, start + size - 1) }}
    {%- endcall %}
  {%- endfor %}

  {% if existing_relation is not none %}
    {{ adapter.rename_relation(existing_relation, backup_relation) }}
  {% endif %}
  {{ adapter.rename_relation(intermediate_relation, target_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% do persist_docs(target_relation, model) %}
  {{ adapter.commit() }}
  {{ drop_relation_if_exists(backup_relation) }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
