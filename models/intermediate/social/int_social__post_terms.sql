-- The features of every Dutch post for the learned lexicon (docs/social.md, "Learned lexicon"):
-- one row per (post, term), distinct. Terms are
--   * its words and pairs of adjacent words, tokenised exactly like int_social__term_hits
--     (title + ' xxtitelxx ' + text, social_normalise; nothing that spans the title marker);
--   * the seed concepts that occur in it: 'concept:<concept>' (social_theme_lexicon),
--     'cue:negative' / 'cue:positive' / 'cue:question' (social_sentiment_cues by polarity),
--     'channel:<channel>' (social_channel_keywords).
-- int_social__classified_posts adds 'rule:<theme>' and 'rule_sentiment:<label>' and joins the
-- terms with the learned weights; `python -m orchestration.social.train_lexicon` reads this
-- view whole for the training set, so training and scoring see identical features.
{{ config(materialized='view') }}

with posts as (
    select
        post_sk,
        string_split(
            {{ social_normalise("coalesce(title_masked, '') || ' xxtitelxx ' || text_masked") }}, ' ') as words
    from {{ ref('int_social__posts') }}
    where is_dutch
),

words as (
    select
        post_sk,
        unnest(list_distinct(list_concat(
            words,
            list_transform(range(1, len(words)), lambda i: words[i] || ' ' || words[i + 1])
        ))) as term
    from posts
)

select post_sk, term
from words
where term <> '' and not contains(term, 'xxtitelxx')

union all

select distinct
    post_sk,
    case
        when source = 'theme' then 'concept:' || code
        when source = 'channel' then 'channel:' || code
        when weight < 0 then 'cue:negative'
        when weight > 0 then 'cue:positive'
        else 'cue:question'
    end as term
from {{ ref('int_social__term_hits') }}
where field = 'text' and source in ('theme', 'sentiment', 'channel')
