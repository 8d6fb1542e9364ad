-- Sector, themes (multi-label), sentiment and channel mentions of every Dutch post version.
-- The rule layer (seeds social_theme_lexicon / social_theme_rules / social_sector_keywords /
-- social_company_sectors / social_sentiment_cues) finds concepts, fires theme rules and scores
-- sector and sentiment; its concepts and outcomes are features of the classifier (docs/social.md,
-- "Classifier"), which decides: intercept + Σ weights of a version's distinct features (seeds
-- social_classifier_weights / social_classifier_labels, written by `python -m tools.classifier.train`;
-- scoring in macros/social_classifier.sql). The analysts' overrides (seed social_overrides) force
-- or veto a theme or a sector.
-- Incremental per segment of a delivery (macros/social_incremental.sql): a version's
-- classification depends on its own line and the seeds only, so each new export costs what it
-- contains; int_social__posts then picks the winning version of every post. Inside one
-- computation a version is keyed by post_sk (its delivery's number among the segments computed
-- together, and its line number), so the joins below are on one integer.
-- dbt var social_classifier_debug (default false) adds every version's rule features and label
-- scores (for the tests that compare the SQL with the Python reference scorer, and for training).
{{ config(post_hook=["{{ social_prune_stale_deliveries() }}"], **social_version_model_config()) }}
{%- set debug = var('social_classifier_debug', false) %}
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
        p.platform,
        p.title_masked,
        p.text_masked,
        p.company
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
    select post_sk, {{ social_explode_range('pos', 'pos + n_words - 1') }} as pos, substr(concept, 7) as concept
    from theme_hits
    where {{ social_starts_with('concept', "'niet__'") }}
),

concepts as {{ social_materialized() }} (
    select h.post_sk, h.pos, h.concept
    from theme_hits as h
    anti join suppressed as x on x.post_sk = h.post_sk and x.pos = h.pos and x.concept = h.concept
    where not {{ social_starts_with('h.concept', "'niet__'") }}
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

anchors as {{ social_materialized() }} (
    select distinct r.rule_id, r.theme, c.post_sk, c.pos
    from rules as r
    join concepts as c on c.concept = r.concept
    where r.role = 'anchor'
),

-- every (anchor, requirement) pair, then the concept occurrences that satisfy it
required as {{ social_materialized() }} (
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

exclusions as {{ social_materialized() }} (
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
           {{ social_list_agg('f.theme', 't.sort_order') }} as themes,
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
    group by post_sk, field, source, code, weight, term_id
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
           {{ social_arg_max('s.sector', 's.score * 100 - t.sort_order') }} as sector,
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
    select h.post_sk, {{ social_list_agg('h.code', 'h.code', distinct=true) }} as channels
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
        coalesce(th.themes, {{ social_empty_list() }}) as themes,
        coalesce(th.solved, false) as solved,
        coalesce(th.negative_theme, false) as negative_theme,
        coalesce(cs.positive_score, 0) as positive_score,
        coalesce(cs.negative_score, 0) as negative_score,
        coalesce(cs.question, false) as question,
        coalesce(th.theme_weight, 0) as theme_weight,
        coalesce(ch.channels, {{ social_empty_list() }}) as channels
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

-- classifier --------------------------------------------------------------------------------
rule_features as (
    {{ social_rule_features('hits', 'fired', 'rule_sentiment', ['post_sk']) }}
),

{{ social_classifier_scores('posts', 'rule_features', ref('int_social__classifier_weights'),
                            ref('social_classifier_labels'), ['post_sk']) }}

-- the analysts' overrides that match a version: its text has the override's term (found with
-- the other seed terms in int_social__term_hits) and/or its company field is the override's company
overrides as (
    select override_id, field, code, action, term,
           nullif({{ social_normalise('company') }}, '') as norm_company
    from {{ ref('social_overrides') }}
),

override_matches as (
    select h.post_sk, o.field, o.code, o.action
    from (select distinct post_sk, code as override_id from hits where source = 'override') as h
    join overrides as o on o.override_id = h.override_id
    join clf_texts as t on t.post_sk = h.post_sk
    where o.norm_company is null or o.norm_company = t.norm_company
    union all
    select t.post_sk, o.field, o.code, o.action
    from clf_texts as t
    join overrides as o on o.norm_company = t.norm_company
    where o.term is null
),

{{ social_classifier_decisions('override_matches', ['post_sk']) }}

rule_feature_lists as (
    {%- if debug %}
    select post_sk, {{ social_list_agg('feature', 'feature') }} as rule_features from rule_features group by post_sk
    {%- else %}
    select null as post_sk where false
    {%- endif %}
)

select
    {{ social_built_at() }} as built_at,
    p.delivery_id,
    p.segment,
    p.line_number,
    d.sector,
    d.sector_confidence,
    d.themes,
    d.theme_confidences,
    r.channels,
    d.sentiment,
    r.themes as rule_themes,
    r.sector as rule_sector,
    r.rule_text_sentiment,
    r.sentiment_score as rule_sentiment_score
    {%- if debug %},
    coalesce(f.rule_features, {{ social_empty_list() }}) as rule_features
    {%- for _, c in social_classifier_labels() %},
    d.{{ c }} as score_{{ c }}
    {%- endfor %}
    {%- endif %}
from rule_sentiment as r
join posts as p on p.post_sk = r.post_sk
join clf_decisions as d on d.post_sk = r.post_sk
{%- if debug %}
left join rule_feature_lists as f on f.post_sk = r.post_sk
{%- endif %}
