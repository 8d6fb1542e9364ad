{{ config(materialized='view') }}
-- Respondents counted in each category: their answer is one of the category's codes.
-- A respondent counts once per category (spec §4). Respondents come as the cells of the
-- group's variable set (int_survey__answer_cells): one row per category × cell, with the
-- cell's respondents (n) and weight sum (sw).
with items as (
    select i.*, g.set_key
    from {{ ref('int_survey__mart_items') }} as i
    inner join {{ ref('int_survey__mart_groups') }} as g
        on g.mart = i.mart and g.g1 = i.g1 and g.g2 = i.g2
),

answers as (
    select * from {{ ref('int_survey__cell_answers') }}
),

simple as (
    select i.mart, i.g1, i.g2, i.category, a.wave, a.cell_id
    from items as i
    inner join answers as a on a.set_key = i.set_key and a.variable = i.variable and a.value = i.code
    where i.by_variable is null
),

crossed as (
    select i.mart, i.g1, i.g2, i.category, a.wave, a.cell_id
    from items as i
    inner join answers as a on a.set_key = i.set_key and a.variable = i.variable and a.value = i.code
    inner join answers as b
        on b.cell_id = a.cell_id
       and b.variable = i.by_variable
       and b.value = i.by_code
    where i.by_variable is not null
),

hit_cells as (
    select distinct mart, g1, g2, category, wave, cell_id
    from (
        select * from simple
        union all
        select * from crossed
    ) as hit_rows
)

select h.mart, h.g1, h.g2, h.category, h.wave, h.cell_id, c.n, c.sw
from hit_cells as h
inner join {{ ref('int_survey__answer_cells') }} as c on c.cell_id = h.cell_id
