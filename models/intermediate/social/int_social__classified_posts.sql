-- Sector, themes (multi-label), sentiment and channel mentions of every Dutch post, from the
-- term occurrences and the rules in the seeds (docs/social.md).
with posts as (
    select post_sk, rating from {{ ref('int_social__posts') }} where is_dutch
),

hits as (
    select post_sk, field, pos, n_words, source, code, weight, term_id
    from {{ ref('int_social__term_hits') }}
),

taxonomy as (
    select * from {{ ref('social_taxonomy') }}
),

-- themes ------------------------------------------------------------------------------------
theme_hits as (
    select post_sk, pos, n_words, code as concept from hits where source = 'theme' and field = 'text'
),

-- a word inside a phrase of concept "niet__<concept>" does not count for <concept>:
-- "geen gedoe" is not a negation, "zonder medewerker" does not mention a person
suppressed as (
    select post_sk, unnest(range(pos, pos + n_words)) as pos, substr(concept, 7) as concept
    from theme_hits
    where starts_with(concept, 'niet__')
),

concepts as materialized (
    select h.post_sk, h.pos, h.concept
    from theme_hits as h
    anti join suppressed as x on x.post_sk = h.post_sk and x.pos = h.pos and x.concept = h.concept
    where not starts_with(h.concept, 'niet__')
),

rules as (
    select rule_id, theme, role, concept,
           coalesce(window_before, 0) as window_before, coalesce(window_after, 0) as window_after
    from {{ ref('social_theme_rules') }}
),

requirements as (
    select *, row_number() over (partition by rule_id order by concept, window_before, window_after) as req_no
    from rules where role = 'require'
),

required_counts as (
    select rule_id, count(*) as n_required from requirements group by rule_id
),

anchors as materialized (
    select distinct r.rule_id, r.theme, c.post_sk, c.pos
    from rules as r
    join concepts as c on c.concept = r.concept
    where r.role = 'anchor'
),

-- every (anchor, requirement) pair, then the concept occurrences that satisfy it
required as materialized (
    select a.rule_id, a.post_sk, a.pos, q.req_no, q.concept, q.window_before, q.window_after
    from anchors as a
    join requirements as q on q.rule_id = a.rule_id
),

satisfied as (
    select r.rule_id, r.post_sk, r.pos, count(distinct r.req_no) as n_ok
    from required as r
    semi join concepts as c
        on c.post_sk = r.post_sk and c.concept = r.concept
       and c.pos between r.pos - r.window_before and r.pos + r.window_after
       and c.pos <> r.pos
    group by r.rule_id, r.post_sk, r.pos
),

exclusions as materialized (
    select a.rule_id, a.post_sk, a.pos, x.concept, x.window_before, x.window_after
    from anchors as a
    join rules as x on x.rule_id = a.rule_id and x.role = 'exclude'
),

excluded as (
    select distinct e.rule_id, e.post_sk, e.pos
    from exclusions as e
    semi join concepts as c
        on c.post_sk = e.post_sk and c.concept = e.concept
       and c.pos between e.pos - e.window_before and e.pos + e.window_after
       and c.pos <> e.pos
),

fired as (
    select distinct a.post_sk, a.theme
    from anchors as a
    left join required_counts as n on n.rule_id = a.rule_id
    left join satisfied as s on s.rule_id = a.rule_id and s.post_sk = a.post_sk and s.pos = a.pos
    left join excluded as e on e.rule_id = a.rule_id and e.post_sk = a.post_sk and e.pos = a.pos
    where coalesce(s.n_ok, 0) = coalesce(n.n_required, 0)
      and e.rule_id is null
),

themes as (
    select f.post_sk,
           list(f.theme order by t.sort_order) as themes,
           sum(t.sentiment_weight) as theme_weight,
           bool_or(f.theme = 'opgelost') as solved,
           bool_or(t.sentiment_weight < 0) as negative_theme
    from fired as f
    join taxonomy as t on t.field = 'theme' and t.code = f.theme
    group by f.post_sk
),

-- sector ------------------------------------------------------------------------------------
sector_terms as (
    select post_sk, field, source, code as sector, weight, term_id, count(*) as n
    from hits
    where source in ('company', 'sector')
    group by all
),

sector_scores as (
    select
        post_sk,
        sector,
        sum(case
                when field = 'company' and source = 'company' then 20.0
                when field = 'company' then 5.0 * weight
                else weight * least(n, 3)
            end) as score
    from sector_terms
    group by post_sk, sector
),

sectors as (
    select s.post_sk,
           arg_max(s.sector, s.score * 100 - t.sort_order) as sector,
           max(s.score) as sector_score
    from sector_scores as s
    join taxonomy as t on t.field = 'sector' and t.code = s.sector
    group by s.post_sk
),

-- sentiment ---------------------------------------------------------------------------------
cues as (
    select post_sk, pos, n_words, weight from hits where source = 'sentiment' and field = 'text'
),

negations as (
    select post_sk, pos from concepts where concept = 'ontkenning'
),

-- a cue inside a longer cue (e.g. "goed" in "goed geholpen") does not count twice
cues_kept as (
    select c.*
    from cues as c
    where not exists (
        select 1 from cues as l
        where l.post_sk = c.post_sk and l.n_words > c.n_words
          and c.pos between l.pos and l.pos + l.n_words - 1
    )
),

cue_weights as (
    select
        c.post_sk,
        case when n.post_sk is null then c.weight
             when c.weight > 0 then -c.weight             -- "niet tevreden"
             else -0.5 * c.weight                          -- "niet slecht"
        end as effective_weight
    from cues_kept as c
    left join (select distinct c2.post_sk, c2.pos
               from cues_kept as c2
               join negations as g on g.post_sk = c2.post_sk and g.pos between c2.pos - 2 and c2.pos - 1) as n
        on n.post_sk = c.post_sk and n.pos = c.pos
),

cue_scores as (
    select post_sk,
           coalesce(sum(effective_weight) filter (where effective_weight > 0), 0) as positive_score,
           coalesce(sum(effective_weight) filter (where effective_weight < 0), 0) as negative_score,
           bool_or(effective_weight = 0) as question          -- cues of polarity 0: questions, tips
    from cue_weights
    group by post_sk
),

-- channels ----------------------------------------------------------------------------------
channels as (
    select h.post_sk, list(distinct h.code order by h.code) as channels
    from hits as h
    where h.source = 'channel' and h.field = 'text'
    group by h.post_sk
),

scored as (
    select
        p.post_sk,
        p.rating,
        coalesce(s.sector, 'overig') as sector,
        coalesce(s.sector_score, 0) as sector_score,
        coalesce(th.themes, []::varchar[]) as themes,
        coalesce(th.solved, false) as solved,
        coalesce(th.negative_theme, false) as negative_theme,
        coalesce(cs.positive_score, 0) as positive_score,
        coalesce(cs.negative_score, 0) as negative_score,
        coalesce(cs.question, false) as question,
        coalesce(th.theme_weight, 0) as theme_weight,
        coalesce(ch.channels, []::varchar[]) as channels
    from posts as p
    left join sectors as s on s.post_sk = p.post_sk
    left join themes as th on th.post_sk = p.post_sk
    left join cue_scores as cs on cs.post_sk = p.post_sk
    left join channels as ch on ch.post_sk = p.post_sk
),

final as (
    select
        *,
        -- positive words next to a complaint are mostly sarcasm (1 cue: quarter weight) or a mixed
        -- verdict (strong praise: half weight)
        negative_score
            + positive_score * case when not negative_theme or solved then 1.0
                                     when positive_score >= 2 then 0.5 else 0.25 end
            + theme_weight as sentiment_score
    from scored
)

select
    post_sk,
    sector,
    sector_score,
    themes,
    channels,
    sentiment_score,
    case
        when rating in (1, 2) then 'negatief'
        when rating in (4, 5) then 'positief'
        when question and sentiment_score > -2 and sentiment_score < 2 then 'neutraal'
        when sentiment_score <= -0.5 then 'negatief'
        when sentiment_score >= 1.0 then 'positief'
        else 'neutraal'
    end as sentiment
from final
