{#- The features of Dutch post versions for the learned lexicon (docs/social.md, "Learned
    lexicon"): one row per (version, term), distinct. Terms are
      * its words and pairs of adjacent words, tokenised exactly like int_social__term_hits
        (title + ' xxtitelxx ' + text, social_normalise; nothing that spans the title marker);
      * the seed concepts that occur in it: 'concept:<concept>' (social_theme_lexicon),
        'cue:negative' / 'cue:positive' / 'cue:question' (social_sentiment_cues by polarity),
        'channel:<channel>' (social_channel_keywords).
    `posts`: a relation with the `keys` columns, title_masked and text_masked; `hits`: the
    term hits of the same versions (int_social__term_hits rows) with the `keys` columns.
    One definition for the scoring (int_social__classified_versions) and the training view
    (int_social__post_terms), so training and scoring see identical features. -#}
{% macro social_post_terms(posts, hits, keys) -%}
select {{ keys }}, term
from (
    select
        {{ keys }},
        unnest(list_distinct(list_concat(
            words,
            list_transform(range(1, len(words)), lambda i: words[i] || ' ' || words[i + 1])
        ))) as term
    from (
        select {{ keys }},
               string_split({{ social_normalise("coalesce(title_masked, '') || ' xxtitelxx ' || text_masked") }}, ' ') as words
        from {{ posts }}
    ) as tokenised
) as words
where term <> '' and not contains(term, 'xxtitelxx')

union all

select distinct
    {{ keys }},
    case
        when source = 'theme' then 'concept:' || code
        when source = 'channel' then 'channel:' || code
        when weight < 0 then 'cue:negative'
        when weight > 0 then 'cue:positive'
        else 'cue:question'
    end as term
from {{ hits }}
where field = 'text' and source in ('theme', 'sentiment', 'channel')
{%- endmacro %}
