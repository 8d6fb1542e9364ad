-- Example quotes per theme for the report: up to five masked posts per theme, preferring
-- posts about that theme alone, of readable length, most recent first (deterministic).
{{ config(**social_mart_config()) }}
with posts as (
    select themes, {{ social_list_len('themes') }} as n_themes, platform, post_id, month, sector, sentiment,
           title_masked, text_masked, created_at
    from {{ ref('fct_social_posts') }}
    where {{ social_list_len('themes') }} > 0
),

candidates as (
    {{ social_select_exploded('posts', 'n_themes, platform, post_id, month, sector, sentiment, title_masked, text_masked, created_at', 'themes', 'theme') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by theme
            order by n_themes,
                     case when length(text_masked) between 80 and 400 then 0 else 1 end,
                     created_at desc, platform, post_id
        ) as quote_rank
    from candidates
)

select
    theme,
    quote_rank,
    platform,
    post_id,
    month,
    sector,
    sentiment,
    title_masked,
    case when length(text_masked) > 400 then left(text_masked, 397) || '…' else text_masked end as quote
from ranked
where quote_rank <= 5
