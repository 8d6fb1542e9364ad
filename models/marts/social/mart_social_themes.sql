-- Month × platform × sector × theme: posts with the theme, their share of all posts of the
-- cell, and how many of them are negative.
{{ config(**social_mart_config()) }}
with posts as (
    select * from {{ ref('fct_social_posts') }}
),

cells as (
    select month, platform, sector, count(*) as base_posts
    from posts
    group by month, platform, sector
),

post_themes as (
    {{ social_select_exploded('posts', 'month, platform, sector, sentiment', 'themes', 'theme') }}
)

select
    t.month,
    t.platform,
    t.sector,
    t.theme,
    count(*) as posts,
    c.base_posts,
    {{ social_pct('count(*)', 'c.base_posts') }} as share_pct,
    count(*) filter (where t.sentiment = 'negatief') as negative_posts,
    {{ social_pct("count(*) filter (where t.sentiment = 'negatief')", 'count(*)') }} as negative_share_pct
from post_themes as t
join cells as c using (month, platform, sector)
group by t.month, t.platform, t.sector, t.theme, c.base_posts
