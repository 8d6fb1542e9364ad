{{ config(tags=['social']) }}
-- spec §6: lines_read = quarantined + duplicates + unique_posts, and the published posts are
-- exactly the unique Dutch posts, i.e. the rows of marts.fct_social_posts.
select *
from {{ ref('social_load_totals') }}
where lines_read <> quarantined + duplicates + unique_posts
   or published_posts <> unique_posts - non_dutch
   or published_posts <> (select count(*) from {{ ref('fct_social_posts') }})
   or duplicates < 0
