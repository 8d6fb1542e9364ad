{{ config(materialized='view') }}
-- Who is in the base of each mart group (spec §4 "Bases"): respondents with a non-empty
-- answer to the group's base variable, restricted by the group's condition for cross-tabs.
-- A respondent counts once per group (a group can have two base variables, e.g.
-- any_automated_contact: either item answered).
with groups as (
    select distinct mart, g1, g2, base_variable, by_variable, by_code
    from {{ ref('int_survey__mart_items') }}
),

answers as (
    select * from {{ ref('int_survey__weighted_answers') }}
),

simple as (
    select g.mart, g.g1, g.g2, a.wave, a.respid, a.weight
    from groups as g
    inner join answers as a on a.variable = g.base_variable
    where g.by_variable is null
),

crossed as (
    select g.mart, g.g1, g.g2, a.wave, a.respid, a.weight
    from groups as g
    inner join answers as a on a.variable = g.base_variable
    inner join answers as b
        on b.wave = a.wave
       and b.respid = a.respid
       and b.variable = g.by_variable
       and b.value = g.by_code
    where g.by_variable is not null
)

select distinct mart, g1, g2, wave, respid, weight
from (
    select * from simple
    union all
    select * from crossed
) as base_rows
