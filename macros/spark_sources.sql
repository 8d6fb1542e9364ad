{#- Spark only (on-run-start): the tables the Python steps write for the social models, registered
    over their Parquet files (docs/scale_out.md). Raw rows are written by the Spark ingestion
    (orchestration/spark/ingest.py) one folder per delivery; ops.active_social_deliveries is the
    build database's bookkeeping, written as one Parquet file before every dbt run
    (orchestration/spark/exchange.py). Dropped and created again on every run: metadata only,
    and every run sees the files as they are. Nothing on other adapters. -#}
{% macro register_social_sources() -%}
  {{ return(adapter.dispatch('register_social_sources')()) }}
{%- endmacro %}

{% macro default__register_social_sources() -%}
select 1 as nothing_to_register
{%- endmacro %}

{% macro spark__register_social_sources() -%}
  {%- set data = env_var('VOICE_MONITOR_SPARK_DATA', 'data/state/spark/data') -%}
  {%- set tables = {
      'raw.social_posts': ('raw/social_posts', '_delivery_key string, _content_hash string, _source_file string, _loaded_at timestamp, line_number bigint, platform string, post_id string, created_at timestamp, collected_at timestamp, author_pseudonym string, title_masked string, text_masked string, rating int, company string, lang string, lang_method string'),
      'raw.social_malformed_lines': ('raw/social_malformed_lines', '_delivery_key string, _content_hash string, _source_file string, _loaded_at timestamp, line_number bigint, reason string'),
      'ops.active_social_deliveries': ('ops/active_social_deliveries', 'kind string, key string, `partition` string, path string, content_hash string, role string'),
  } -%}
  {%- if execute -%}
    {%- for schema in ['raw', 'ops'] -%}
      {%- do run_query('create database if not exists ' ~ schema) -%}
    {%- endfor -%}
    {%- for name, spec in tables.items() -%}
      {%- do run_query('drop table if exists ' ~ name) -%}
      {%- do run_query('create table ' ~ name ~ ' (' ~ spec[1] ~ ') using parquet '
                       ~ "options (recursiveFileLookup 'true') location '" ~ data ~ '/' ~ spec[0] ~ "'") -%}
    {%- endfor -%}
  {%- endif -%}
select 1 as registered
{%- endmacro %}
