-- Month × platform × sector: published posts by sentiment (no themes: the totals add up to
-- the rows of fct_social_posts).
{{ config(**social_mart_config()) }}
select
    month,
    platform,
    sector,
    count(*) as posts,
    count(*) filter (where sentiment = 'negatief') as negative_posts,
    count(*) filter (where sentiment = 'neutraal') as neutral_posts,
    count(*) filter (where sentiment = 'positief') as positive_posts,
    {{ social_pct("count(*) filter (where sentiment = 'negatief')", 'count(*)') }} as negative_share_pct,
    count(*) filter (where {{ social_list_len('themes') }} > 0) as posts_with_theme,
    count(*) filter (where {{ social_list_contains('channels', "'chatbot'") }}) as posts_mentioning_chatbot,
    count(*) filter (where {{ social_list_contains('channels', "'spraakassistent'") }}) as posts_mentioning_voice_assistant
from {{ ref('fct_social_posts') }}
group by month, platform, sector
