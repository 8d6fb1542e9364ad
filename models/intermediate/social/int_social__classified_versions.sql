-- Sector, themes (multi-label), sentiment and channel mentions of every Dutch post version,
-- from the term occurrences and the rules in the seeds, combined with the learned lexicon
-- (docs/social.md, "Learned lexicon"): seeds social_theme_weights / social_theme_thresholds
-- and social_sentiment_weights / social_sentiment_intercepts, written by
-- `python -m orchestration.social.train_lexicon`. The dbt vars social_learned_themes and
-- social_learned_sentiment (default true) switch the learned part off (rules only).
-- Incremental per segment of a delivery (macros/social_incremental.sql): a version's
-- classification depends on its own line and the seeds only, so each new export costs what it
-- contains; int_social__posts then picks the winning version of every post. Inside one
-- computation a version is keyed by post_sk (its delivery's number among the segments computed
-- together, and its line number), so the joins below are on one integer.
{{ config(post_hook=["{{ social_prune_stale_deliveries() }}"], **social_version_model_config()) }}
{%- set learned_themes = var('social_learned_themes', true) %}
{%- set learned_sentiment = var('social_learned_sentiment', true) %}
with deliveries as (
    select delivery_id, row_number() over (order by delivery_id) as delivery_no
    from (select distinct delivery_id from {{ social_pending_segments() }} as s) as d
),

posts as (
    select
        d.delivery_no * 4294967296 + p.line_number as post_sk,
        p.delivery_id,
        p.segment,
        p.line_number,
        p.rating,
        p.title_masked,
        p.text_masked
    from {{ ref('stg_social__posts') }} as p
    join deliveries as d on d.delivery_id = p.delivery_id
    where p.lang = 'nl' and {{ social_in_pending_segments('p') }}
),

hits as (
    select p.post_sk, h.field, h.pos, h.n_words, h.source, h.code, h.weight, h.term_id
    from {{ ref('int_social__term_hits') }} as h
    join posts as p on p.delivery_id = h.delivery_id and p.line_number = h.line_number
    where {{ social_in_pending_segments('h') }}
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
),

-- the rules' verdict from the text alone (the Trustpilot rating is applied at the end)
rule_sentiment as (
    select
        *,
        case
            when question and sentiment_score > -2 and sentiment_score < 2 then 'neutraal'
            when sentiment_score <= -0.5 then 'negatief'
            when sentiment_score >= 1.0 then 'positief'
            else 'neutraal'
        end as rule_text_sentiment
    from final
),

{% if learned_themes or learned_sentiment -%}
-- learned lexicon ---------------------------------------------------------------------------
{%- set theme_codes = ['geen_medewerker', 'chatbot_loop', 'onjuist_antwoord', 'alleen_faq', 'niet_begrepen',
                       'wachttijd', 'bereikbaarheid', 'bot_of_mens', 'opgelost'] %}
{%- set sentiment_codes = ['negatief', 'neutraal', 'positief'] %}
-- a post's terms (words, word pairs, concepts) plus what the rules concluded
post_terms as (
    {{ social_post_terms('posts', 'hits', 'post_sk') }}
),

learned_terms as (
    select post_sk, term from post_terms
    union all
    select post_sk, 'rule:' || theme from fired
    union all
    select post_sk, 'rule_sentiment:' || rule_text_sentiment from rule_sentiment
),

-- the weight seeds (long: term, label, weight) as one row per term with a column per label, so
-- a post's terms are joined once; seed terms are normalised like the text (an analyst may type
-- 'Wacht Rij'), pseudo-terms ('concept:…', 'rule:…') contain ':' and are taken as they are.
-- Weights, intercepts and thresholds are written with 4 decimals and summed as decimals: exact,
-- so a score does not depend on the order of the additions (sums of doubles differed in the
-- last bit between builds and flipped the themes of posts scored right at a threshold).
weights_long as (
    select term, 't_' || theme as label, cast(weight as decimal(18, 4)) as weight
    from {{ ref('social_theme_weights') }}
    union all
    select term, 's_' || sentiment, cast(weight as decimal(18, 4))
    from {{ ref('social_sentiment_weights') }}
),

weights as (
    select
        case when contains(term, ':') then term else {{ social_normalise_term('term') }} end as term,
        {%- for c in theme_codes %}
        coalesce(sum(weight) filter (where label = 't_{{ c }}'), 0) as t_{{ c }},
        {%- endfor %}
        {%- for c in sentiment_codes %}
        coalesce(sum(weight) filter (where label = 's_{{ c }}'), 0) as s_{{ c }}{{ ',' if not loop.last }}
        {%- endfor %}
    from weights_long
    group by 1
),

term_sums as (
    select
        t.post_sk,
        {%- for c in theme_codes %}
        sum(w.t_{{ c }}) as t_{{ c }},
        {%- endfor %}
        {%- for c in sentiment_codes %}
        sum(w.s_{{ c }}) as s_{{ c }}{{ ',' if not loop.last }}
        {%- endfor %}
    from learned_terms as t
    join weights as w on w.term = t.term
    group by t.post_sk
),

theme_scores as (
    unpivot (
        select
            p.post_sk,
            {%- for c in theme_codes %}
            coalesce(s.t_{{ c }}, 0) as {{ c }}{{ ',' if not loop.last }}
            {%- endfor %}
        from posts as p
        left join term_sums as s on s.post_sk = p.post_sk
    )
    on {{ theme_codes | join(', ') }}
    into name theme value score
),

learned_fired as (
    select s.post_sk, s.theme
    from theme_scores as s
    join {{ ref('social_theme_thresholds') }} as h on h.theme = s.theme
    left join fired as r on r.post_sk = s.post_sk and r.theme = s.theme
    where cast(h.intercept as decimal(18, 4)) + s.score >= cast(h.threshold as decimal(18, 4))
       or (h.mode = 'rules_or_learned' and r.post_sk is not null)
),

learned_theme_lists as (
    select f.post_sk, list(f.theme order by t.sort_order) as themes
    from learned_fired as f
    join taxonomy as t on t.field = 'theme' and t.code = f.theme
    group by f.post_sk
),

sentiment_intercepts as (
    select
        {%- for c in sentiment_codes %}
        coalesce(max(cast(intercept as decimal(18, 4))) filter (where sentiment = '{{ c }}'), 0) as {{ c }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('social_sentiment_intercepts') }}
),

sentiment_scores as (
    select
        p.post_sk,
        {%- for c in sentiment_codes %}
        i.{{ c }} + coalesce(s.s_{{ c }}, 0) as {{ c }}{{ ',' if not loop.last }}
        {%- endfor %}
    from posts as p
    cross join sentiment_intercepts as i
    left join term_sums as s on s.post_sk = p.post_sk
),

-- the highest score wins; ties go to the first of negatief, neutraal, positief
learned_sentiments as (
    select
        post_sk,
        case
            when negatief >= neutraal and negatief >= positief then 'negatief'
            when neutraal >= positief then 'neutraal'
            else 'positief'
        end as sentiment
    from sentiment_scores
)
{%- else -%}
-- learned lexicon switched off (dbt vars social_learned_themes / social_learned_sentiment)
learned_theme_lists as (select null::bigint as post_sk, null::varchar[] as themes where false),
learned_sentiments as (select null::bigint as post_sk, null::varchar as sentiment where false)
{%- endif %}

select
    {{ social_built_at() }} as built_at,
    p.delivery_id,
    p.segment,
    p.line_number,
    r.sector,
    r.sector_score,
    {% if learned_themes -%}
    coalesce(lt.themes, []::varchar[])
    {%- else -%}
    r.themes
    {%- endif %} as themes,
    r.channels,
    r.sentiment_score,
    case
        when r.rating in (1, 2) then 'negatief'
        when r.rating in (4, 5) then 'positief'
        {% if learned_sentiment -%}
        else coalesce(ls.sentiment, r.rule_text_sentiment)
        {%- else -%}
        else r.rule_text_sentiment
        {%- endif %}
    end as sentiment,
    r.themes as rule_themes,
    {% if learned_themes or learned_sentiment -%}
    coalesce(lt.themes, []::varchar[])
    {%- else -%}
    null::varchar[]
    {%- endif %} as learned_themes,
    r.rule_text_sentiment,
    ls.sentiment as learned_sentiment
from rule_sentiment as r
join posts as p on p.post_sk = r.post_sk
left join learned_theme_lists as lt on lt.post_sk = r.post_sk
left join learned_sentiments as ls on ls.post_sk = r.post_sk
