{#- The social classifier's scoring: intercept + Σ weights of a post's distinct features, in SQL.

    Why here and not in the model: the model decides which posts (batch, increment) and where
    the rule features come from; these macros only turn (post, text, company, platform, rating,
    rule features) into scores and decisions, so a change to the model's shape does not touch
    them. tools/classifier/features.py and scorer.py are the Python mirror (a test proves both
    give the same numbers on the whole corpus); docs/social.md, "Classifier", explains it all.

    Portable SQL (DuckDB and Spark): joins, unions, group by, substr, length, greatest,
    exp, decimals, casts to `string`. The few engine-specific steps are the dialect macros of
    macros/social_dialect.sql (splitting text into numbered words: social_split_words and
    social_select_exploded; a list of the non-null values: social_list_present). -#}

{#- The 20 labels in seed order: 9 themes, 8 sectors, 3 sentiments (the contract's codes). -#}
{% macro social_classifier_themes() -%}
{{ return(['geen_medewerker', 'chatbot_loop', 'onjuist_antwoord', 'alleen_faq', 'niet_begrepen',
           'wachttijd', 'bereikbaarheid', 'bot_of_mens', 'opgelost']) }}
{%- endmacro %}

{% macro social_classifier_sectors() -%}
{{ return(['banken_verzekeraars', 'bezorgdiensten', 'nutsbedrijven', 'online_retailers', 'overheid',
           'telecom', 'zorg', 'overig']) }}
{%- endmacro %}

{% macro social_classifier_sentiments() -%}
{{ return(['negatief', 'neutraal', 'positief']) }}
{%- endmacro %}

{#- (seed label, column name) of every label. -#}
{% macro social_classifier_labels() -%}
{%- set out = [] -%}
{%- for c in social_classifier_themes() %}{% do out.append(('theme:' ~ c, 'theme_' ~ c)) %}{% endfor -%}
{%- for c in social_classifier_sectors() %}{% do out.append(('sector:' ~ c, 'sector_' ~ c)) %}{% endfor -%}
{%- for c in social_classifier_sentiments() %}{% do out.append(('sentiment:' ~ c, 'sentiment_' ~ c)) %}{% endfor -%}
{{ return(out) }}
{%- endmacro %}

{#- The rule layer's features of every post (keys, feature), distinct: the concepts, cues,
    channels, sector vocabulary and company seed hits of `hits` (int_social__term_hits rows),
    the themes whose rules fired (`fired`: keys, theme) and the rules' text sentiment and
    sector (`outcomes`: keys, rule_text_sentiment, sector). -#}
{% macro social_rule_features(hits, fired, outcomes, keys) -%}
select distinct {{ keys | join(', ') }}, feature
from (
    select {{ keys | join(', ') }},
           case
               when field = 'company' then 'company_field:' || code
               when source = 'theme' then 'concept:' || code
               when source = 'channel' then 'channel:' || code
               when source = 'sector' then 'sector_kw:' || code
               when source = 'company' then 'company_text:' || code
               when weight < 0 then 'cue:negative'
               when weight > 0 then 'cue:positive'
               else 'cue:question'
           end as feature
    from {{ hits }}
    where source in ('theme', 'channel', 'sector', 'company', 'sentiment')
    union all
    select {{ keys | join(', ') }}, 'rule:' || theme from {{ fired }}
    union all
    select {{ keys | join(', ') }}, 'rule_sentiment:' || rule_text_sentiment from {{ outcomes }}
    union all
    select {{ keys | join(', ') }}, 'rule_sector:' || sector from {{ outcomes }}
) as rule_feature_rows
{%- endmacro %}

{#- Join condition of two relations on the key columns. -#}
{% macro social_keys_equal(a, b, keys) -%}
{%- for k in keys %}{{ a }}.{{ k }} = {{ b }}.{{ k }}{{ ' and ' if not loop.last }}{% endfor -%}
{%- endmacro %}

{% macro social_keys(alias, keys) -%}
{%- for k in keys %}{{ alias }}.{{ k }}{{ ', ' if not loop.last }}{% endfor -%}
{%- endmacro %}

{#- The long weight seed as one row per feature with a decimal column per label (a table built
    once per build: int_social__classifier_weights). -#}
{% macro social_classifier_weights_wide(weights) -%}
select
    feature,
    {%- for label, col in social_classifier_labels() %}
    sum(case when label = '{{ label }}' then weight else 0 end) as {{ col }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ weights }}
group by feature
{%- endmacro %}

{#- CTEs (to follow a `with` list, each ending in a comma) that score every post of `posts`
    (columns: keys, title_masked, text_masked, company, platform, rating) with the weights of
    `weights` (int_social__classifier_weights) and `labels` (seed social_classifier_labels).
    `rule_features` (keys, feature): the rule layer's features of the posts. The last CTE,
    clf_scores, has the keys, rating and one exact decimal score per label. -#}
{% macro social_classifier_scores(posts, rule_features, weights, labels, keys) -%}
{%- set cols = social_classifier_labels() -%}
clf_texts as (
    select {{ social_keys('p', keys) }}, p.platform, p.rating,
           {{ social_normalise("coalesce(p.title_masked, '') || ' xxtitelxx ' || p.text_masked") }} as norm_text,
           {{ social_normalise('p.company') }} as norm_company
    from {{ posts }} as p
),

clf_words as (
    {{ social_word_positions('clf_texts', keys, 'norm_text') }}
),

-- distinct words of a post's title and text (the title marker is no word)
clf_post_words as (
    select distinct {{ social_keys('w', keys) }}, w.word
    from clf_words as w
    where w.word <> '' and w.word <> 'xxtitelxx'
),

-- pairs of adjacent words with their position, not across the title marker
clf_pair_positions as (
    select {{ social_keys('a', keys) }}, a.pos, a.word || ' ' || b.word as pair
    from clf_words as a
    join clf_words as b on {{ social_keys_equal('a', 'b', keys) }} and b.pos = a.pos + 1
    where a.word <> '' and a.word <> 'xxtitelxx' and b.word <> '' and b.word <> 'xxtitelxx'
),

clf_pairs as (
    select distinct {{ social_keys('p', keys) }}, p.pair from clf_pair_positions as p
),

-- posts in which some run of four words occurs twice or more (a bot's reply quoted again:
-- the mark of a loop, whoever writes it): two pairs two positions apart make a run of four
clf_repeats as (
    select distinct {{ social_keys('a', keys) }}
    from clf_pair_positions as a
    join clf_pair_positions as b on {{ social_keys_equal('a', 'b', keys) }} and b.pos = a.pos + 2
    group by {{ social_keys('a', keys) }}, a.pair, b.pair
    having count(*) >= 2
),

clf_company_words as (
    select distinct {{ social_keys('w', keys) }}, w.word
    from ({{ social_word_positions('clf_texts', keys, 'norm_company') }}) as w
    where w.word <> ''
),

-- the vocabulary of this set of posts: every distinct word once, as a text word and as a word
-- of the company field
clf_vocabulary as (
    select distinct 'text' as role, word from clf_post_words
    union all
    select distinct 'company' as role, word from clf_company_words
),

clf_positions as (
    select d1.d * 8 + d2.d + 1 as i
    from (values (0), (1), (2), (3)) as d1(d)
    cross join (values (0), (1), (2), (3), (4), (5), (6), (7)) as d2(d)
),

-- character n-grams of '<word>' (n = 3, 4, 5) per vocabulary word, counted per position;
-- words longer than 30 characters get none
clf_grams as (
    select v.role, v.word, substr('<' || v.word || '>', p.i, n.n) as gram, count(*) as occurrences
    from clf_vocabulary as v
    cross join (values (3), (4), (5)) as n(n)
    join clf_positions as p on p.i <= length(v.word) + 3 - n.n
    where length(v.word) <= 30
    group by v.role, v.word, substr('<' || v.word || '>', p.i, n.n)
),

-- one weight per vocabulary word and role: the word's own weight plus its n-grams' weights
-- ('w:' / 'c:' as a text word, 'o:' / 'd:' as a company word)
clf_word_parts as (
    select v.role, v.word
        {%- for _, c in cols %}, w.{{ c }}{% endfor %}
    from clf_vocabulary as v
    join {{ weights }} as w
      on w.feature = case when v.role = 'text' then 'w:' else 'o:' end || v.word
    union all
    select g.role, g.word
        {%- for _, c in cols %}, g.occurrences * w.{{ c }}{% endfor %}
    from clf_grams as g
    join {{ weights }} as w
      on w.feature = case when g.role = 'text' then 'c:' else 'd:' end || g.gram
),

clf_word_weights as (
    select role, word
        {%- for _, c in cols %}, sum({{ c }}) as {{ c }}{% endfor %}
    from clf_word_parts
    group by role, word
),

-- the binary features that are not words: platform, rating, a repeated run of words and the
-- rule layer's
clf_other_features as (
    select {{ social_keys('t', keys) }}, 'platform:' || t.platform as feature from clf_texts as t
    where t.platform is not null
    union all
    select {{ social_keys('t', keys) }}, 'rating:' || cast(t.rating as string) from clf_texts as t
    where t.rating is not null
    union all
    select {{ social_keys('r', keys) }}, 'repeat:4' from clf_repeats as r
    union all
    select {{ social_keys('r', keys) }}, r.feature from {{ rule_features }} as r
),

clf_parts as (
    select {{ social_keys('p', keys) }}
        {%- for _, c in cols %}, w.{{ c }}{% endfor %}
    from clf_post_words as p
    join clf_word_weights as w on w.role = 'text' and w.word = p.word
    union all
    select {{ social_keys('p', keys) }}
        {%- for _, c in cols %}, w.{{ c }}{% endfor %}
    from clf_company_words as p
    join clf_word_weights as w on w.role = 'company' and w.word = p.word
    union all
    select {{ social_keys('p', keys) }}
        {%- for _, c in cols %}, w.{{ c }}{% endfor %}
    from clf_pairs as p
    join {{ weights }} as w on w.feature = 'b:' || p.pair
    union all
    select {{ social_keys('f', keys) }}
        {%- for _, c in cols %}, w.{{ c }}{% endfor %}
    from (select distinct * from clf_other_features) as f
    join {{ weights }} as w on w.feature = f.feature
),

clf_sums as (
    select {{ social_keys('p', keys) }}
        {%- for _, c in cols %}, sum(p.{{ c }}) as {{ c }}{% endfor %}
    from clf_parts as p
    group by {{ social_keys('p', keys) }}
),

clf_intercepts as (
    select
        {%- for label, c in cols %}
        max(case when label = '{{ label }}' then intercept end) as {{ c }},
        {%- endfor %}
        {%- for label, c in cols if label.startswith('theme:') %}
        max(case when label = '{{ label }}' then threshold end) as threshold_{{ c }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ labels }}
),

clf_scores as (
    select {{ social_keys('t', keys) }}, t.rating,
        {%- for _, c in cols %}
        i.{{ c }} + coalesce(s.{{ c }}, 0) as {{ c }},
        {%- endfor %}
        {%- for label, c in cols if label.startswith('theme:') %}
        i.threshold_{{ c }}{{ ',' if not loop.last }}
        {%- endfor %}
    from clf_texts as t
    cross join clf_intercepts as i
    left join clf_sums as s on {{ social_keys_equal('s', 't', keys) }}
),
{%- endmacro %}


{#- Decimals of the published confidences. exp() is the C library's on DuckDB and Java's
    StrictMath (fdlibm) on Spark: about one result in ten differs in the last bit, so the sigmoid
    and the softmax are rounded to 9 decimals on both engines (far from a rounding boundary on
    the sample: the nearest value is 2e-13 away from one), and both engines publish the same
    doubles. The reference scorer's comparison allows 1e-9. -#}
{% macro social_classifier_confidence_digits() -%}9{%- endmacro %}

{#- CTEs that turn clf_scores into decisions, exactly as tools/classifier/scorer.py `decide`:
    themes (score ≥ threshold, or forced; a veto wins) with sigmoid confidences (1.0 when
    forced), the sector (highest score among the forced sectors if any, else among those not
    vetoed; ties in taxonomy order) with its softmax probability (1.0 when forced; confidences
    rounded, social_classifier_confidence_digits), and the
    sentiment (Trustpilot 1-2 negatief, 4-5 positief, else the highest score; ties negatief,
    neutraal, positief). `overrides` (keys, field, code, action): the analysts' rules that
    matched each post. The last CTE, clf_decisions, has keys, sector, sector_confidence, themes,
    theme_confidences, sentiment and the scores. -#}
{% macro social_classifier_decisions(overrides, keys) -%}
{%- set themes = social_classifier_themes() -%}
{%- set sectors = social_classifier_sectors() -%}
{%- set sentiments = social_classifier_sentiments() -%}
clf_flags as (
    select {{ social_keys('o', keys) }}
        {%- for c in themes %}
        , max(case when o.field = 'theme' and o.code = '{{ c }}' and o.action = 'force' then 1 else 0 end) as force_theme_{{ c }}
        , max(case when o.field = 'theme' and o.code = '{{ c }}' and o.action = 'veto' then 1 else 0 end) as veto_theme_{{ c }}
        {%- endfor %}
        {%- for c in sectors %}
        , max(case when o.field = 'sector' and o.code = '{{ c }}' and o.action = 'force' then 1 else 0 end) as force_sector_{{ c }}
        , max(case when o.field = 'sector' and o.code = '{{ c }}' and o.action = 'veto' then 1 else 0 end) as veto_sector_{{ c }}
        {%- endfor %}
    from {{ overrides }} as o
    group by {{ social_keys('o', keys) }}
),

clf_flagged as (
    select s.*
        {%- for c in themes %}
        , coalesce(f.force_theme_{{ c }}, 0) = 1 as force_theme_{{ c }}
        , coalesce(f.veto_theme_{{ c }}, 0) = 1 as veto_theme_{{ c }}
        {%- endfor %}
        {%- for c in sectors %}
        , coalesce(f.force_sector_{{ c }}, 0) = 1 as force_sector_{{ c }}
        , coalesce(f.veto_sector_{{ c }}, 0) = 1 as veto_sector_{{ c }}
        {%- endfor %}
    from clf_scores as s
    left join clf_flags as f on {{ social_keys_equal('f', 's', keys) }}
),

clf_allowed as (
    select *,
        {%- for c in themes %}
        (theme_{{ c }} >= threshold_theme_{{ c }} or force_theme_{{ c }}) and not veto_theme_{{ c }} as has_{{ c }},
        {%- endfor %}
        {%- for c in sectors %}
        {%- set any_forced %}({% for d in sectors %}force_sector_{{ d }}{{ ' or ' if not loop.last }}{% endfor %}){% endset %}
        case when {{ any_forced }} then force_sector_{{ c }} else not veto_sector_{{ c }} end as allowed_{{ c }},
        {%- endfor %}
        {%- set any_forced %}({% for d in sectors %}force_sector_{{ d }}{{ ' or ' if not loop.last }}{% endfor %}){% endset %}
        {{ any_forced }} as sector_forced,
        greatest({% for c in sectors %}sector_{{ c }}{{ ', ' if not loop.last }}{% endfor %}) as sector_top
    from clf_flagged
),

clf_best as (
    select *,
        {%- set all_vetoed %}not ({% for c in sectors %}allowed_{{ c }}{{ ' or ' if not loop.last }}{% endfor %}){% endset %}
        greatest({% for c in sectors %}case when allowed_{{ c }} or ({{ all_vetoed }} and '{{ c }}' = 'overig') then sector_{{ c }} end{{ ', ' if not loop.last }}{% endfor %}) as sector_best
    from clf_allowed
),

clf_decisions as (
    select
        {{ social_keys('b', keys) }},
        case
            {%- for c in sectors %}
            when (b.allowed_{{ c }} or (not ({% for d in sectors %}b.allowed_{{ d }}{{ ' or ' if not loop.last }}{% endfor %}) and '{{ c }}' = 'overig'))
                 and b.sector_{{ c }} = b.sector_best then '{{ c }}'
            {%- endfor %}
        end as sector,
        case when b.sector_forced then 1.0
             else round(exp(cast(b.sector_best - b.sector_top as double)) / (
                {%- for c in sectors %}
                exp(cast(b.sector_{{ c }} - b.sector_top as double)){{ ' + ' if not loop.last }}
                {%- endfor %}), {{ social_classifier_confidence_digits() }})
        end as sector_confidence,
        {%- set theme_values = [] -%}
        {%- set theme_confs = [] -%}
        {%- for c in themes -%}
            {%- do theme_values.append("case when b.has_" ~ c ~ " then '" ~ c ~ "' end") -%}
            {%- do theme_confs.append("case when b.has_" ~ c ~ " then case when b.force_theme_" ~ c ~ " then 1.0 else round(1.0 / (1.0 + exp(-cast(b.theme_" ~ c ~ " as double))), " ~ social_classifier_confidence_digits() ~ ") end end") -%}
        {%- endfor %}
        {{ social_list_present(theme_values) }} as themes,
        {{ social_list_present(theme_confs) }} as theme_confidences,
        case
            when b.rating in (1, 2) then 'negatief'
            when b.rating in (4, 5) then 'positief'
            when b.sentiment_negatief >= b.sentiment_neutraal and b.sentiment_negatief >= b.sentiment_positief then 'negatief'
            when b.sentiment_neutraal >= b.sentiment_positief then 'neutraal'
            else 'positief'
        end as sentiment
        {%- for label, c in social_classifier_labels() %},
        b.{{ c }}
        {%- endfor %}
    from clf_best as b
),
{%- endmacro %}


{#- (keys, pos, word) for the words of `expr` (space-separated) of every row of `relation`,
    with the dialect macros of macros/social_dialect.sql. -#}
{% macro social_word_positions(relation, keys, expr) -%}
{%- set split_words -%}
(select {{ keys | join(', ') }}, {{ social_split_words(expr) }} as words from {{ relation }}) as split_words
{%- endset -%}
{{ social_select_exploded(split_words, keys | join(', '), 'words', 'word', 'pos') }}
{%- endmacro %}
