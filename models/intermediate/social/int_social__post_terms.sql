-- The features of every live Dutch post version for the learned lexicon (macros/
-- social_post_terms.sql): one row per (version, term). The scoring in
-- int_social__classified_versions computes the same features with the same macro for the
-- versions it classifies; `python -m orchestration.social.train_lexicon` reads this view whole
-- for the training set.
{{ config(materialized='view') }}

with posts as (
    select delivery_id, line_number, title_masked, text_masked
    from {{ ref('stg_social__posts') }}
    where lang = 'nl'
)

{{ social_post_terms('posts', ref('int_social__term_hits'), 'delivery_id, line_number') }}
