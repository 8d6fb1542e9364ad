-- One row per published post: unique (latest version), Dutch, masked, classified.
select
    p.platform,
    p.post_id,
    p.created_at,
    {{ social_month_amsterdam('p.created_at') }} as month,
    c.sector,
    c.sector_confidence,
    c.themes,
    c.theme_confidences,
    c.sentiment,
    p.text_masked,
    p.title_masked,
    p.author_pseudonym,
    p.rating,
    p.company,
    c.channels,
    p.collected_at,
    p.n_versions,
    p.source_file
from {{ ref('int_social__posts') }} as p
join {{ ref('int_social__classified_posts') }} as c on c.post_sk = p.post_sk
where p.is_dutch
