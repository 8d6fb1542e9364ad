{{ config(tags=['social']) }}
-- every theme row of mart_social_themes counts the posts of fct_social_posts that carry the
-- theme (the volume mart's total is the social_totals guard's, docs/quality.md).
select 'themes' as check_name
where (select coalesce(sum(posts), 0) from {{ ref('mart_social_themes') }})
   <> (select coalesce(sum({{ social_list_len('themes') }}), 0) from {{ ref('fct_social_posts') }})
