-- The load counts of spec §6 over everything loaded (live deliveries), one row:
-- lines_read = quarantined + duplicates + unique_posts.
with valid as (
    select count(*) as n from {{ ref('stg_social__posts') }}
),

malformed as (
    select count(*) as n from {{ ref('stg_social__malformed_lines') }}
),

posts as (
    select count(*) as unique_posts,
           count(*) filter (where not is_dutch) as non_dutch,
           count(*) filter (where is_dutch) as published_posts
    from {{ ref('int_social__posts') }}
),

files as (
    select count(*) as n from {{ source('warehouse_ops', 'active_social_deliveries') }}
)

select
    valid.n + malformed.n as lines_read,
    malformed.n as quarantined,
    valid.n - posts.unique_posts as duplicates,
    posts.unique_posts,
    posts.non_dutch,
    posts.published_posts,
    files.n as files
from valid, malformed, posts, files
