-- Anchor: social theme counts straight from the JSONL exports (no dbt, no Dagster, no raw layer).
-- Statements are separated by lines holding only ';;'; {placeholders} are filled by social_themes.py.

-- 1. Read, keep the valid lines, one version per post: the latest collected_at (missing = oldest),
--    ties to the later file name. Python gets nothing but the few posts the function-word rule
--    cannot call Dutch.
create or replace temp table posts as
with lines as (
    select lower(trim(platform)) as platform,
           trim(id) as post_id,
           try_cast(created_at as timestamptz) as created_at,
           try_cast(collected_at as timestamptz) as collected_at,
           title, text, filename
    from read_ndjson({files}, columns = {{id: 'VARCHAR', platform: 'VARCHAR', created_at: 'VARCHAR',
                                          collected_at: 'VARCHAR', title: 'VARCHAR', text: 'VARCHAR'}},
                     ignore_errors = true, filename = true, maximum_object_size = 16777216)
)
select row_number() over () as post_sk, platform, post_id, v.created_at, v.title, v.text
from (
    select platform, post_id,
           arg_max(struct_pack(created_at := created_at, title := title, text := text),
                   struct_pack(c := coalesce(collected_at, '-infinity'::timestamptz), f := filename)) as v
    from lines
    where platform in ('trustpilot', 'reddit', 'x')
      and post_id <> '' and trim(text) <> '' and created_at is not null
    group by platform, post_id
)
;;
-- 2. Language: the function-word rule (the product's fast path) in SQL
create or replace temp table lang as
select post_sk,
       case when n_nl >= 8 then 'nl'
            when n_nl >= 3 and not {foreign_words} then 'nl' end as lang
from (select post_sk, low, {dutch_words} as n_nl
      from (select post_sk, lower(coalesce(title, '') || ' ' || text) as low from posts))
;;
-- 3. The theme lexicon in the normal form of the classification, and its rules
create or replace temp table lex as
with terms as (
    select distinct concept,
           trim(regexp_replace(lower(strip_accents(term)), '[^a-z0-9*]+', ' ', 'g')) as pattern
    from read_csv({lexicon}, header = true, all_varchar = true)
)
select row_number() over (order by concept, pattern) as term_id, concept, pattern,
       string_split(pattern, ' ') as words, len(string_split(pattern, ' ')) as n_words,
       contains(pattern, '*') as has_wildcard
from terms
where pattern <> '' and pattern not in ('*', '**')
;;
create or replace temp table rules as
select rule_id, theme, role, concept,
       coalesce(try_cast(window_before as integer), 0) as window_before,
       coalesce(try_cast(window_after as integer), 0) as window_after
from read_csv({rules}, header = true, all_varchar = true)
;;
create or replace temp table theme_hits (post_sk bigint, theme varchar)
;;
-- 4. Per batch of posts: mask, normalise, find the lexicon terms, fire the rules
create or replace temp table docs as
select post_sk,
       string_split(trim(regexp_replace(lower(strip_accents(
           regexp_replace(regexp_replace(masked, '[🙄😡🤬😤😠👎💩😩😫😭😢🤮😒😑🤦]', ' emoneg ', 'g'),
                          '[👍😊🙂😀😁😄😃❤💚💙🙏👏🥰😍💯]', ' emopos ', 'g'))), '[^a-z0-9]+', ' ', 'g')), ' ') as words
from (
    select p.post_sk,
           case when regexp_matches(t, {mask_trigger}) then {mask_expr} else t end as masked
    from (select post_sk, coalesce(title, '') || ' xxtitelxx ' || text as t from posts
          where post_sk between {lo} and {hi}) as p
    join lang as l on l.post_sk = p.post_sk
    where l.lang = 'nl'
)
;;
create or replace temp table tokens as
select post_sk, unnest(words) as token, generate_subscripts(words, 1) as pos from docs
;;
create or replace temp table token_counts as
select token, count(*) as n from tokens group by token
;;
insert into theme_hits
with lexicon_words as (
    select term_id, n_words, unnest(words) as word, generate_subscripts(words, 1) as word_no from lex
),
word_counts as (
    select w.term_id, w.n_words, w.word_no, w.word,
           case when contains(w.word, '*') then 1e15 else coalesce(c.n, 0) end as n
    from lexicon_words as w left join token_counts as c on c.token = w.word
),
lookup as (     -- each term is looked up by its rarest word in this batch
    select term_id, n_words, arg_min(word_no, n) as anchor_no, arg_min(word, n) as word
    from word_counts group by term_id, n_words having not bool_or(n = 0)
),
matches(token, word) as materialized (
    select distinct v.token, l.word
    from token_counts as v
    join (select distinct word from lookup) as l
      on case when starts_with(l.word, '*') and ends_with(l.word, '*') and length(l.word) > 2
                  then contains(v.token, trim(l.word, '*'))
              when ends_with(l.word, '*') then starts_with(v.token, rtrim(l.word, '*'))
              when starts_with(l.word, '*') then ends_with(v.token, ltrim(l.word, '*'))
              else v.token = l.word end
),
anchored as (
    select t.post_sk, t.pos - k.anchor_no + 1 as start_pos, k.term_id, k.n_words
    from tokens as t
    join matches as m on m.token = t.token
    join lookup as k on k.word = m.word
),
phrases as (
    select a.post_sk, a.start_pos, a.n_words, x.concept, x.words as pattern, x.has_wildcard,
           list_slice(d.words, a.start_pos, a.start_pos + a.n_words - 1) as found
    from anchored as a
    join lex as x on x.term_id = a.term_id
    join docs as d on d.post_sk = a.post_sk
    where a.n_words > 1 and a.start_pos >= 1 and a.start_pos + a.n_words - 1 <= len(d.words)
),
hits as (
    select a.post_sk, a.start_pos as pos, 1 as n_words, x.concept
    from anchored as a join lex as x on x.term_id = a.term_id
    where a.n_words = 1
    union all
    select post_sk, start_pos, n_words, concept from phrases
    where not has_wildcard and found = pattern
    union all
    select post_sk, start_pos, n_words, concept from phrases
    where has_wildcard and list_bool_and(list_transform(generate_series(1, n_words), lambda i:
             case when starts_with(pattern[i], '*') and ends_with(pattern[i], '*') and length(pattern[i]) > 2
                      then contains(found[i], trim(pattern[i], '*'))
                  when ends_with(pattern[i], '*') then starts_with(found[i], rtrim(pattern[i], '*'))
                  when starts_with(pattern[i], '*') then ends_with(found[i], ltrim(pattern[i], '*'))
                  else found[i] = pattern[i] end))
),
suppressed as (
    select post_sk, unnest(range(pos, pos + n_words)) as pos, substr(concept, 7) as concept
    from hits where starts_with(concept, 'niet__')
),
concepts as materialized (
    select distinct h.post_sk, h.pos, h.concept
    from hits as h
    anti join suppressed as s on s.post_sk = h.post_sk and s.pos = h.pos and s.concept = h.concept
    where not starts_with(h.concept, 'niet__')
),
requirements as (
    select *, row_number() over (partition by rule_id order by concept, window_before, window_after) as req_no
    from rules where role = 'require'
),
required_counts as (select rule_id, count(*) as n_required from requirements group by rule_id),
anchors as materialized (
    select distinct r.rule_id, r.theme, c.post_sk, c.pos
    from rules as r join concepts as c on c.concept = r.concept
    where r.role = 'anchor'
),
satisfied as (
    select a.rule_id, a.post_sk, a.pos, count(distinct q.req_no) as n_ok
    from anchors as a
    join requirements as q on q.rule_id = a.rule_id
    semi join concepts as c
        on c.post_sk = a.post_sk and c.concept = q.concept
       and c.pos between a.pos - q.window_before and a.pos + q.window_after and c.pos <> a.pos
    group by a.rule_id, a.post_sk, a.pos
),
excluded as (
    select distinct a.rule_id, a.post_sk, a.pos
    from anchors as a
    join rules as x on x.rule_id = a.rule_id and x.role = 'exclude'
    semi join concepts as c
        on c.post_sk = a.post_sk and c.concept = x.concept
       and c.pos between a.pos - x.window_before and a.pos + x.window_after and c.pos <> a.pos
)
select distinct a.post_sk, a.theme
from anchors as a
left join required_counts as n on n.rule_id = a.rule_id
left join satisfied as s on s.rule_id = a.rule_id and s.post_sk = a.post_sk and s.pos = a.pos
left join excluded as e on e.rule_id = a.rule_id and e.post_sk = a.post_sk and e.pos = a.pos
where coalesce(s.n_ok, 0) = coalesce(n.n_required, 0) and e.rule_id is null
;;
-- 5. Posts with each theme per month (Europe/Amsterdam) and platform
select cast(date_trunc('month', timezone('Europe/Amsterdam', p.created_at)) as date) as month,
       p.platform, h.theme, count(*) as posts
from theme_hits as h
join posts as p on p.post_sk = h.post_sk
group by all
order by all
