-- Every term of the classification seeds in one table, normalised like the post text:
-- source (theme concept, sector keyword, company, sentiment cue, channel, the term of an
-- analyst's override with the override's id as code), code, weight and
-- its words (a '*' at the start/end of a word is a wildcard; a word '*' alone in a phrase
-- stands for any one word).
with terms as (
    select 'theme' as source, concept as code, cast(1.0 as double) as weight, term, true as in_text
    from {{ ref('social_theme_lexicon') }}
    union all
    select 'sector', sector, weight, term, true
    from {{ ref('social_sector_keywords') }}
    union all
    select 'company', sector, 3.0, company, match_in_text
    from {{ ref('social_company_sectors') }}
    union all
    select 'sentiment', case when polarity < 0 then 'negative' else 'positive' end, polarity, term, true
    from {{ ref('social_sentiment_cues') }}
    union all
    select 'channel', channel, 1.0, term, true
    from {{ ref('social_channel_keywords') }}
    union all
    select 'override', override_id, 1.0, term, true
    from {{ ref('social_overrides') }}
    where term is not null
),

normalised as (
    select source, code, weight, term, in_text, {{ social_normalise_term('term') }} as pattern
    from terms
),

deduplicated as (
    select source, code, weight, term, in_text, pattern
    from (
        select *, row_number() over (partition by source, code, pattern order by weight desc, term) as term_rank
        from normalised
        where pattern <> '' and pattern not in ('*', '**')
    ) as ranked
    where term_rank = 1
),

with_words as (
    select
        *,
        {{ social_split_words('pattern') }} as words
    from deduplicated
)

select
    row_number() over (order by source, code, pattern) as term_id,
    source,
    code,
    weight,
    term,
    pattern,
    words,
    {{ social_list_len('words') }} as n_words,
    in_text,
    contains(pattern, '*') as has_wildcard
from with_words
