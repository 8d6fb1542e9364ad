-- Example quotes per theme for the report: up to five masked posts per theme, preferring
-- posts about that theme alone, of readable length, most recent first (deterministic).
-- Ranked on keys: the window sorts (theme, key, order columns) for every post with a theme,
-- and only the five winners per theme fetch their texts. Carrying the texts through the sort
-- cost 23 s of a 1M-post export into a 10M-post warehouse (docs/benchmarks.md).
{{ config(**social_mart_config()) }}
with posts as (
    select themes, {{ social_list_len('themes') }} as n_themes, platform, post_id, created_at,
           case when length(text_masked) between 80 and 400 then 0 else 1 end as length_class
    from {{ ref('fct_social_posts') }}
    where {{ social_list_len('themes') }} > 0
),

candidates as (
    {{ social_select_exploded('posts', 'n_themes, length_class, platform, post_id, created_at', 'themes', 'theme') }}
),

ranked as (
    select
        theme,
        platform,
        post_id,
        row_number() over (
            partition by theme
            order by n_themes, length_class, created_at desc, platform, post_id
        ) as quote_rank
    from candidates
)

select
    r.theme,
    r.quote_rank,
    r.platform,
    r.post_id,
    f.month,
    f.sector,
    f.sentiment,
    f.title_masked,
    case when length(f.text_masked) > 400 then left(f.text_masked, 397) || '…' else f.text_masked end as quote
from ranked as r
join {{ ref('fct_social_posts') }} as f
    on f.platform = r.platform and f.post_id = r.post_id
where r.quote_rank <= 5
