-- Where the terms of the classification seeds occur in the Dutch post versions, with the
-- terms' attributes (source, code, weight, pattern): one row per (version, field, start
-- position, term) for the fields each source applies to (text for all, the export's company
-- field for sector and company terms). Set-based: every post is tokenised once, seed words
-- (with wildcards) are matched against the *vocabulary* of distinct tokens, and the matches are
-- joined back to the token positions; a phrase is found through its rarest word and then
-- checked word by word against the post's token list. No per-rule pattern per row.
-- Incremental per segment of a delivery (macros/social_incremental.sql): a version's hits depend
-- on its own line only, so each new export costs what it contains. Within one computation the
-- rarest word is that of the segments computed together, which finds the same hits.
{{ config(post_hook=["{{ social_prune_stale_deliveries() }}"], **social_version_model_config()) }}

with posts as (
    select
        p.delivery_id,
        p.segment,
        p.line_number,
        {{ social_normalise("coalesce(p.title_masked, '') || ' xxtitelxx ' || p.text_masked") }} as norm_text,
        {{ social_normalise('p.company') }} as norm_company
    from {{ ref('stg_social__posts') }} as p
    where p.lang = 'nl' and {{ social_in_pending_segments('p') }}
),

docs as (
    select delivery_id, segment, line_number, 'text' as field, string_split(norm_text, ' ') as words
    from posts
    union all
    select delivery_id, segment, line_number, 'company' as field, string_split(norm_company, ' ') as words
    from posts
    where norm_company <> ''
),

tokens as (
    select delivery_id, line_number, field, unnest(words) as token, generate_subscripts(words, 1) as pos
    from docs
),

token_counts as (
    select token, count(*) as n from tokens group by token
),

lexicon as (
    select * from {{ ref('int_social__lexicon') }}
),

-- the word each term is looked up by: the word itself, or for a phrase its rarest word in
-- this corpus (few candidates to check); a phrase with a word that never occurs is skipped
lexicon_words as (
    select term_id, n_words, unnest(words) as word, generate_subscripts(words, 1) as word_no
    from lexicon
),

word_counts as (
    select w.term_id, w.n_words, w.word_no, w.word,
           case when contains(w.word, '*') then 1e15 else coalesce(c.n, 0) end as n
    from lexicon_words as w
    left join token_counts as c on c.token = w.word
),

lookup_words as (
    select term_id, n_words, arg_min(word_no, n) as anchor_no, arg_min(word, n) as word
    from word_counts
    group by term_id, n_words
    having not bool_or(n = 0)
),

vocabulary_hits as (
    select v.token, w.term_id, w.n_words, w.anchor_no
    from token_counts as v
    join lookup_words as w
        on v.token = w.word
    where not contains(w.word, '*')
    union all
    select v.token, w.term_id, w.n_words, w.anchor_no
    from token_counts as v
    join (select * from lookup_words where contains(word, '*')) as w
        on {{ social_word_matches('v.token', 'w.word') }}
),

anchor_hits as (
    select t.delivery_id, t.line_number, t.field, t.pos - h.anchor_no + 1 as start_pos, h.term_id, h.n_words
    from tokens as t
    join vocabulary_hits as h on h.token = t.token
),

single_word as (
    select delivery_id, line_number, field, start_pos as pos, term_id
    from anchor_hits
    where n_words = 1
),

phrase_candidates as (
    select a.delivery_id, a.line_number, a.field, a.start_pos, a.term_id, a.n_words, l.words as pattern_words, l.has_wildcard,
           list_slice(d.words, a.start_pos, a.start_pos + a.n_words - 1) as post_words
    from anchor_hits as a
    join lexicon as l on l.term_id = a.term_id
    join docs as d on d.delivery_id = a.delivery_id and d.line_number = a.line_number and d.field = a.field
    where a.n_words > 1
      and a.start_pos >= 1
      and a.start_pos + a.n_words - 1 <= len(d.words)
),

phrases as (
    select delivery_id, line_number, field, start_pos as pos, term_id
    from phrase_candidates
    where not has_wildcard and post_words = pattern_words
    union all
    select delivery_id, line_number, field, start_pos as pos, term_id
    from phrase_candidates
    where has_wildcard
      and list_bool_and(list_transform(generate_series(1, n_words),
              lambda i: {{ social_word_matches('post_words[i]', 'pattern_words[i]') }}))
),

hits as (
    select * from single_word
    union all
    select * from phrases
)

select
    {{ social_built_at() }} as built_at,
    h.delivery_id,
    {{ social_segment('h.line_number') }} as segment,
    h.line_number,
    h.field,
    h.pos,
    l.n_words,
    l.source,
    l.code,
    l.weight,
    l.term_id,
    l.pattern
from hits as h
join lexicon as l on l.term_id = h.term_id
where (h.field = 'text' and l.in_text)
   or (h.field = 'company' and l.source in ('company', 'sector'))
