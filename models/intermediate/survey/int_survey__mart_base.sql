{{ config(materialized='view') }}
-- Who is in the base of each mart group (spec §4 "Bases"): respondents with a non-empty
-- answer to the group's base variable, restricted by the group's condition for cross-tabs.
-- A respondent counts once per group (a group can have two base variables, e.g.
-- any_automated_contact: either item answered). Respondents come as the cells of the group's
-- variable set (int_survey__answer_cells): one row per group × cell in the base, with the
-- cell's respondents (n) and weight sums (sw, sw2).
with groups as (
    select distinct i.mart, i.g1, i.g2, i.base_variable, i.by_variable, i.by_code, g.set_key
    from {{ ref('int_survey__mart_items') }} as i
    inner join {{ ref('int_survey__mart_groups') }} as g
        on g.mart = i.mart and g.g1 = i.g1 and g.g2 = i.g2
),

answers as (
    select * from {{ ref('int_survey__cell_answers') }}
),

simple as (
    select g.mart, g.g1, g.g2, a.wave, a.cell_id
    from groups as g
    inner join answers as a on a.set_key = g.set_key and a.variable = g.base_variable
    where g.by_variable is null
),

crossed as (
    select g.mart, g.g1, g.g2, a.wave, a.cell_id
    from groups as g
    inner join answers as a on a.set_key = g.set_key and a.variable = g.base_variable
    inner join answers as b
        on b.cell_id = a.cell_id
       and b.variable = g.by_variable
       and b.value = g.by_code
    where g.by_variable is not null
),

base_cells as (
    select distinct mart, g1, g2, wave, cell_id
    from (
        select * from simple
        union all
        select * from crossed
    ) as base_rows
)

select b.mart, b.g1, b.g2, b.wave, b.cell_id, c.n, c.sw, c.sw2
from base_cells as b
inner join {{ ref('int_survey__answer_cells') }} as c on c.cell_id = b.cell_id
