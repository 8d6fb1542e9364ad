{#- DuckDB only: dbt's delete+insert incremental strategy applied to the pending segments in
    batches of at most `batch_lines` lines, one committed transaction per batch.

    Why not the plain `incremental` materialization on DuckDB: it computes all new rows in one
    statement. For the social classification that statement spills and slows down sharply with
    its size (1M post versions: 5.8 GB spilled to disk and 2.2x the time of 250k-line batches;
    3M: stopped after 7 minutes, batches take ~3 minutes; 10M: out of memory), while every row
    depends on its own post version only, so batches give the same table. On Spark the same
    models use dbt's `incremental` materialization (insert_overwrite of the delivery partitions,
    macros/social_incremental.sql), where one statement scales.

    Contract with the model: its SQL restricts its input rows with
    `social_in_pending_segments(alias)` (one or more times); this materialization lists the
    pending segments, packs them into batches and runs the SQL once per batch with the batch's
    segments in place of the pending-segments subquery. The compiled SQL stays valid on its own
    (all pending segments at once), for `dbt compile` / `dbt show`.
      * first build or --full-refresh: every live segment, batch by batch into a new table that
        replaces the old one (like the table materialization);
      * incremental: the segments the table lacks; per batch, delete that batch's segments (a
        retry after a crash) and insert them.
    Post-hooks (e.g. social_prune_stale_deliveries) run after the last batch.
    Each batch also gets its segments as literal line ranges per delivery, in place of the
    `social_batch_lines` markers: the segment and delivery id of a staged row are computed (from
    the line number and the delivery's key and hash), so without literals every batch scanned all
    raw lines and term hits of the history (10M-post history: ~12 s and ~15 s per batch). -#}

{% materialization batched_incremental, adapter='duckdb' %}
  {%- set batch_lines = config.get('batch_lines', 250000) | int -%}
  {%- set pending_sql = social_pending_segments() -%}
  {%- if pending_sql not in sql -%}
    {{ exceptions.raise_compiler_error(this ~ ': batched_incremental needs social_in_pending_segments(...) in its SQL') }}
  {%- endif -%}

  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set full_refresh = existing_relation is none or existing_relation.type != 'table' or should_full_refresh() -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set backup_relation = make_backup_relation(target_relation, 'table' if existing_relation is none else existing_relation.type) -%}
  {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
  {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {#- the pending segments with their line counts, packed into batches in key order -#}
  {%- set pending = run_query('select p.delivery_id, p.segment, u.n_lines from ' ~ pending_sql ~ ' as p join '
                              ~ ref('int_social__segments') ~ ' as u on u.delivery_id = p.delivery_id and u.segment = p.segment '
                              ~ 'order by p.delivery_id, p.segment') -%}
  {%- set ns = namespace(batch=[], lines=0) -%}
  {%- set batches = [] -%}
  {%- for row in pending.rows -%}
    {%- if ns.batch and ns.lines + (row[2] | int) > batch_lines -%}
      {%- do batches.append(ns.batch) -%}
      {%- set ns.batch = [] -%}
      {%- set ns.lines = 0 -%}
    {%- endif -%}
    {%- do ns.batch.append([row[0], row[1] | int]) -%}
    {%- set ns.lines = ns.lines + (row[2] | int) -%}
  {%- endfor -%}
  {%- if ns.batch -%}{%- do batches.append(ns.batch) -%}{%- endif -%}
  {%- do log(this.identifier ~ ': ' ~ (pending.rows | length) ~ ' pending segment(s) in ' ~ (batches | length) ~ ' batch(es)'
             ~ (' (full refresh)' if full_refresh else ''), info=True) -%}

  {%- if full_refresh -%}
    {#- a first batch always creates the table, with no rows when nothing is pending -#}
    {%- set first = batched_incremental_sql(sql, pending_sql, batches[0] if batches else []) -%}
    {% call statement('main') -%}
      {{ create_table_as(False, intermediate_relation, first) }}
    {%- endcall %}
    {{ adapter.commit() }}
    {%- for batch in batches[1:] %}
      {% call statement('batch_' ~ loop.index) -%}
        insert into {{ intermediate_relation }} by name {{ batched_incremental_sql(sql, pending_sql, batch) }}
      {%- endcall %}
      {{ adapter.commit() }}
    {%- endfor %}
    {% if existing_relation is not none %}
      {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {% endif %}
    {{ adapter.rename_relation(intermediate_relation, target_relation) }}
  {%- else -%}
    {% call statement('main') -%}
      select {{ batches | length }} as batches
    {%- endcall %}
    {%- for batch in batches %}
      {% call statement('batch_' ~ loop.index) -%}
        delete from {{ target_relation }} where (delivery_id, segment) in (values {{ batched_incremental_values(batch) }});
        insert into {{ target_relation }} by name {{ batched_incremental_sql(sql, pending_sql, batch) }}
      {%- endcall %}
      {{ adapter.commit() }}
    {%- endfor %}
  {%- endif -%}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% do persist_docs(target_relation, model) %}
  {{ adapter.commit() }}
  {{ drop_relation_if_exists(backup_relation) }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- The model SQL with one batch of segments (a list of [delivery_id, segment]) in place of the
    pending-segments subquery, and the batch's line ranges in place of the markers. -#}
{% macro batched_incremental_sql(sql, pending_sql, batch) -%}
  {%- if batch -%}
    {%- set segments = '(select * from (values ' ~ batched_incremental_values(batch) ~ ') as b(delivery_id, segment))' -%}
  {%- else -%}
    {%- set segments = '(select delivery_id, segment from ' ~ ref('int_social__segments') ~ ' where false)' -%}
  {%- endif -%}
  {#- a namespace: a plain `set` inside a for loop does not outlive the loop -#}
  {%- set out = namespace(sql=sql | replace(pending_sql, segments)) -%}
  {%- if batch -%}
    {%- set aliases = [] -%}
    {%- for piece in out.sql.split('/* social_batch_lines(')[1:] -%}{%- do aliases.append(piece.split(')')[0]) -%}{%- endfor -%}
    {%- for alias in aliases | unique -%}
      {%- set out.sql = out.sql | replace(social_batch_lines_marker(alias), '(' ~ batched_incremental_lines(alias, batch) ~ ')') -%}
    {%- endfor -%}
  {%- endif -%}
  {{ out.sql }}
{%- endmacro %}

{% macro batched_incremental_values(batch) -%}
  {%- set values = [] -%}
  {%- for item in batch -%}{%- do values.append("('" ~ item[0] ~ "', " ~ item[1] ~ ")") -%}{%- endfor -%}
  {{ values | join(', ') }}
{%- endmacro %}

{#- "(alias.delivery_id = 'id' and alias.line_number between lo and hi) or ...": one range per
    run of consecutive segments of a delivery (a batch is in delivery, segment order). -#}
{% macro batched_incremental_lines(alias, batch) -%}
  {%- set size = social_segment_size() | int -%}
  {%- set ranges = [] -%}
  {%- for item in batch -%}
    {%- if ranges and ranges[-1].id == item[0] and ranges[-1].last + 1 == item[1] -%}
      {%- do ranges[-1].update({'last': item[1]}) -%}
    {%- else -%}
      {%- do ranges.append({'id': item[0], 'first': item[1], 'last': item[1]}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set terms = [] -%}
  {%- for r in ranges -%}
    {%- do terms.append('(' ~ alias ~ ".delivery_id = '" ~ r.id ~ "' and " ~ alias ~ '.line_number between '
                        ~ (r.first * size + 1) ~ ' and ' ~ ((r.last + 1) * size) ~ ')') -%}
  {%- endfor -%}
  {{ terms | join(' or ') }}
{%- endmacro %}
