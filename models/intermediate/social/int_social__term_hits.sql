-- The seed-term occurrences of int_social__term_positions with the terms' attributes
-- (source, code, weight, pattern), for the fields each source applies to. A separate step on
-- purpose: joined inside the tokenising query, DuckDB's plan for 10M posts ran out of its
-- memory limit; joined to the stored positions it streams (docs/benchmarks.md). Built per batch
-- of posts like the positions, so each batch's rows lie together for the classification's range scans.
{{ config(materialized='batched_table', batch_column='post_sk', batch_source='int_social__term_positions',
          batch_size=var('social_batch_posts', 250000)) }}

select
    h.post_sk,
    h.field,
    h.pos,
    l.n_words,
    l.source,
    l.code,
    l.weight,
    l.term_id,
    l.pattern
from {{ ref('int_social__term_positions') }} as h
join {{ ref('int_social__lexicon') }} as l on l.term_id = h.term_id
where {{ batch_range('h.post_sk') }}
  and ((h.field = 'text' and l.in_text)
       or (h.field = 'company' and l.source in ('company', 'sector')))
