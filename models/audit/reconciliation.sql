-- The report's published figures (seeds/published_2026.csv) against the warehouse (spec §7, §8).
-- Differences are in percentage points (counts: in units). Tolerances are dbt vars so a user can
-- tighten them (0.5 pp is the rounding limit on real data; the bundled sample is calibrated
-- to 3 pp for rounded and 5 pp for approximate figures).
with published as (
    select figure, target, cast(wave as integer) as wave, "where", cast(value as double) as published, precision
    from {{ ref('published_2026') }}
),

channel_cells as (
    select 'mart_channel_preferences' as target, wave,
           'contact_type=' || contact_type || ';channel=' || channel as "where", share_pct as warehouse
    from {{ ref('mart_channel_preferences') }}
    union all
    select 'mart_channel_preferences', wave,
           'contact_type=' || contact_type || ';channel_group=' || channel_group, sum(share_pct)
    from {{ ref('mart_channel_preferences') }}
    where channel_group is not null
    group by wave, contact_type, channel_group
),

figures as (
    select * from channel_cells
    union all
    select 'mart_personas', wave, 'persona=' || persona, share_pct from {{ ref('mart_personas') }}
    union all
    select 'mart_frustrations', wave, 'frustration=' || frustration, share_pct from {{ ref('mart_frustrations') }}
    union all
    select 'mart_sector_kpis', wave, 'sector=' || sector || ';kpi=' || kpi, share_pct from {{ ref('mart_sector_kpis') }}
    union all
    select 'Q6', wave, 'answer=' || answer, share_pct
    from {{ ref('mart_attitudes') }} where question = 'open_to_automation'
    union all
    select 'Q4_1', wave, 'answer=belangrijk (4 or 5)', share_pct
    from {{ ref('mart_values') }} where "value" = 'goed_begrepen_worden'
    union all
    select 'Q7_1', wave, 'answer=genoemd', share_pct
    from {{ ref('mart_disadvantages') }} where disadvantage = 'niet_doorschakelen'
    union all
    select 'Q10_CORRECT', wave, 'answer=' || answer, share_pct
    from {{ ref('mart_assistant_outcomes') }} where assistant = 'chatbot' and measure = 'correct'
    union all
    select 'survey', wave, 'n', cast(respondents as double) from {{ ref('dim_wave') }}
    union all
    -- the report's social listening base: Dutch posts of January–December 2025
    select 'social', 2025, 'posts (Jan-Dec 2025, Trustpilot, Reddit, X)', cast(count(*) as double)
    from {{ ref('fct_social_posts') }}
    where month >= date '2025-01-01' and month < date '2026-01-01'
)

select
    p.figure,
    p.wave,
    p."where",
    p.published,
    f.warehouse,
    f.warehouse - p.published as diff_pp,
    case p.precision
        when 'rounded' then {{ var('reconciliation_tolerance_rounded_pp', 3.0) }}
        when 'approx' then {{ var('reconciliation_tolerance_approx_pp', 5.0) }}
        else 0.0
    end as tolerance_pp,
    coalesce(abs(f.warehouse - p.published) <= case p.precision
        when 'rounded' then {{ var('reconciliation_tolerance_rounded_pp', 3.0) }}
        when 'approx' then {{ var('reconciliation_tolerance_approx_pp', 5.0) }}
        else 0.0
    end + 1e-9, false) as ok,
    p.precision,
    p.target
from published as p
left join figures as f
    on f.target = p.target and f.wave = p.wave and f."where" = p."where"
