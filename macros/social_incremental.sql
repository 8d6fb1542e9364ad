{#- How the social per-version models are kept incremental (docs/social.md, "Incremental").

    The unit of work is a *segment*: up to social_segment_size() consecutive lines of one
    delivery (a file's content). A post version's classification depends on its own line and
    the seeds only, so a model keyed by (delivery_id, line_number) can be built segment by
    segment: each run computes the segments of the live deliveries that the table does not
    hold yet, and drops the segments of deliveries no longer live (superseded, withdrawn, or
    set aside by a failed run). A full refresh computes every live segment; both give the same
    rows. On DuckDB the pending segments are computed in batches (batched_incremental); on
    Spark, by dbt's incremental materialization with insert_overwrite of the delivery
    partitions. -#}

{#- Lines per segment. A constant, not a var: changing it would make the segments the tables
    hold unrecognisable (this file is part of the classification fingerprint, so a change here
    triggers a full refresh anyway). -#}
{% macro social_segment_size() -%}100000{%- endmacro %}

{#- The delivery id: a short, engine-neutral hash of the delivery key and its content hash, so
    a corrected file (same path, new content) is a new delivery. -#}
{% macro social_delivery_id(key, content_hash) -%}
left(md5({{ key }} || ':' || {{ content_hash }}), 16)
{%- endmacro %}

{% macro social_segment(line_number) -%}
cast(floor(({{ line_number }} - 1) / {{ social_segment_size() }}) as bigint)
{%- endmacro %}

{#- Is this an incremental build of the current model (its table exists, no full refresh)?
    Like dbt's is_incremental(), which answers false for any materialization not named
    'incremental'. -#}
{% macro social_is_incremental() -%}
  {%- if not execute -%}{{ return(false) }}{%- endif -%}
  {%- set relation = adapter.get_relation(this.database, this.schema, this.identifier) -%}
  {{ return(relation is not none and relation.type == 'table' and not should_full_refresh()) }}
{%- endmacro %}

{#- The segments of the live deliveries that the current model still has to compute: all of
    them on a full refresh, else those its table does not hold. Rendered between markers, so the
    DuckDB materialization can put one batch of them in their place. -#}
{% macro social_pending_segments() -%}
(select u.delivery_id, u.segment from {{ ref('int_social__segments') }} as u
 {%- if social_is_incremental() %}
 where not exists (select 1 from {{ this }} as t where t.delivery_id = u.delivery_id and t.segment = u.segment)
 {%- endif %}) /* social_pending_segments */
{%- endmacro %}

{#- Predicate: the row (alias.delivery_id, alias.segment) is in a pending segment. The marker
    after it is `true` here; the DuckDB materialization puts each batch's line ranges in its place
    (macros/batched_incremental.sql), literals a scan can skip row groups with. -#}
{% macro social_in_pending_segments(alias) -%}
exists (select 1 from {{ social_pending_segments() }} as ps
        where ps.delivery_id = {{ alias }}.delivery_id and ps.segment = {{ alias }}.segment)
and {{ social_batch_lines_marker(alias) }}
{%- endmacro %}

{% macro social_batch_lines_marker(alias) -%}
true /* social_batch_lines({{ alias }}) */
{%- endmacro %}

{#- Post-hook of the per-version models: drop the rows of deliveries that are no longer live. -#}
{% macro social_prune_stale_deliveries() -%}
  {{ return(adapter.dispatch('social_prune_stale_deliveries')()) }}
{%- endmacro %}

{% macro default__social_prune_stale_deliveries() -%}
delete from {{ this }} as t
where not exists (select 1 from {{ ref('int_social__segments') }} as u where u.delivery_id = t.delivery_id)
{%- endmacro %}

{#- Spark (Parquet tables cannot delete rows): drop the (delivery, segment) partitions of the
    deliveries that are no longer live. -#}
{% macro spark__social_prune_stale_deliveries() -%}
  {%- set stale = [] -%}
  {%- if execute -%}
    {%- set rows = run_query('select distinct t.delivery_id, t.segment from ' ~ this ~ ' as t left anti join '
                             ~ ref('int_social__segments') ~ ' as u on u.delivery_id = t.delivery_id') -%}
    {%- for row in rows.rows -%}
      {%- do stale.append("partition (delivery_id = '" ~ row[0] ~ "', segment = " ~ row[1] ~ ")") -%}
    {%- endfor -%}
  {%- endif -%}
  {%- if stale -%}
alter table {{ this }} drop if exists {{ stale | join(', ') }}
  {%- else -%}
select 0 as stale_partitions
  {%- endif -%}
{%- endmacro %}

{#- Config of a per-version incremental model for the current engine. -#}
{% macro social_version_model_config() -%}
  {{ return(adapter.dispatch('social_version_model_config')()) }}
{%- endmacro %}

{% macro default__social_version_model_config() -%}
  {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert',
             'unique_key': ['delivery_id', 'segment']}) }}
{%- endmacro %}

{#- Spark: dbt's incremental materialization, each computed segment overwriting its own
    (delivery, segment) partition of a Parquet table (a retry after a crash rewrites it whole). -#}
{% macro spark__social_version_model_config() -%}
  {{ return({'materialized': 'incremental', 'incremental_strategy': 'insert_overwrite',
             'partition_by': ['delivery_id', 'segment'], 'file_format': 'parquet'}) }}
{%- endmacro %}

{% macro duckdb__social_version_model_config() -%}
  {{ return({'materialized': 'batched_incremental', 'batch_lines': var('social_batch_lines', 250000)}) }}
{%- endmacro %}

{#- Post-hook of fct_social_posts: delete the posts that are no longer published (their versions
    were withdrawn, or the winning version is not Dutch any more). -#}
{% macro social_delete_unpublished_posts() -%}
  {{ return(adapter.dispatch('social_delete_unpublished_posts')()) }}
{%- endmacro %}

{#- Config of fct_social_posts for the current engine: dbt's incremental delete+insert by post,
    or on Spark (Parquet tables cannot delete rows) a table rebuilt on every run, partitioned by
    month (docs/scale_out.md: why not insert_overwrite of the changed months). -#}
{% macro social_fact_config() -%}
  {{ return(adapter.dispatch('social_fact_config')()) }}
{%- endmacro %}

{% macro default__social_fact_config() -%}
  {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert',
             'unique_key': ['platform', 'post_id'], 'on_schema_change': 'fail',
             'post_hook': ["{{ social_delete_unpublished_posts() }}"]}) }}
{%- endmacro %}

{% macro spark__social_fact_config() -%}
  {{ return(dict(spark__social_mart_config(), partition_by=['month'])) }}
{%- endmacro %}

{#- Config of the social marts for the current engine: as in dbt_project.yml, or on Spark a
    Parquet table without the enforced contract, whose declared types are DuckDB's (the marts are
    cast to them when they come back into the build database, orchestration/spark/exchange.py). -#}
{% macro social_mart_config() -%}
  {{ return(adapter.dispatch('social_mart_config')()) }}
{%- endmacro %}

{% macro default__social_mart_config() -%}
  {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{% macro spark__social_mart_config() -%}
  {{ return({'materialized': 'table', 'file_format': 'parquet', 'contract': {'enforced': false}}) }}
{%- endmacro %}

{% macro default__social_delete_unpublished_posts() -%}
delete from {{ this }} as f
where not exists (
    select 1 from {{ ref('int_social__posts') }} as w
    where w.is_dutch and w.platform = f.platform and w.post_id = f.post_id)
{%- endmacro %}

{#- When this dbt run started: the build a per-version row was computed in. Tests of the
    incremental tables check the rows of the latest build (macros/social_tests.sql). -#}
{% macro social_built_at() -%}
cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
