{{ config(meta={'dagster': {'ref': {'name': 'int_survey__shares'}}}) }}
-- Spec §4: single-choice shares of one question in one wave sum to 100 within 1e-9.
select mart, g1, g2, wave, sum(share_pct) as total
from {{ ref('int_survey__shares') }}
where mart in (
        'mart_channel_preferences', 'mart_personas', 'mart_sector_channels', 'mart_attitudes',
        'mart_ai_use_cases', 'mart_assistant_outcomes', 'mart_trust_by_usage', 'mart_persona_profiles')
   or (mart = 'mart_sector_kpis' and g2 = 'ervaring')
group by mart, g1, g2, wave
having abs(sum(share_pct) - 100) > 1e-9
