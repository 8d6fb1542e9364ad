{{ config(tags=['social']) }}
-- mart_social_volume adds up to fct_social_posts, and every theme row of mart_social_themes
-- counts the posts of fct_social_posts that carry the theme.
select 'volume' as check_name
where (select coalesce(sum(posts), 0) from {{ ref('mart_social_volume') }})
   <> (select count(*) from {{ ref('fct_social_posts') }})
union all
select 'themes'
where (select coalesce(sum(posts), 0) from {{ ref('mart_social_themes') }})
   <> (select coalesce(sum({{ social_list_len('themes') }}), 0) from {{ ref('fct_social_posts') }})
