{{ config(materialized='view') }}
-- Respondents counted in each category: their answer is one of the category's codes.
-- A respondent counts once per category (spec §4).
with items as (
    select * from {{ ref('int_survey__mart_items') }}
),

answers as (
    select * from {{ ref('int_survey__weighted_answers') }}
),

simple as (
    select i.mart, i.g1, i.g2, i.category, a.wave, a.respid, a.weight
    from items as i
    inner join answers as a on a.variable = i.variable and a.value = i.code
    where i.by_variable is null
),

crossed as (
    select i.mart, i.g1, i.g2, i.category, a.wave, a.respid, a.weight
    from items as i
    inner join answers as a on a.variable = i.variable and a.value = i.code
    inner join answers as b
        on b.wave = a.wave
       and b.respid = a.respid
       and b.variable = i.by_variable
       and b.value = i.by_code
    where i.by_variable is not null
)

select distinct mart, g1, g2, category, wave, respid, weight
from (
    select * from simple
    union all
    select * from crossed
) as hit_rows
