{{ config(meta={'dagster': {'ref': {'name': 'int_survey__shares'}}}) }}
-- Spec §4: every category of a group appears for every wave that asked it.
with expected as (
    select count(distinct category) as n_categories, mart, g1, g2
    from {{ ref('int_survey__mart_items') }}
    group by mart, g1, g2
),
actual as (
    select mart, g1, g2, wave, count(*) as n_rows
    from {{ ref('int_survey__shares') }}
    group by mart, g1, g2, wave
)
select a.*, e.n_categories
from actual as a
inner join expected as e using (mart, g1, g2)
where a.n_rows <> e.n_categories
