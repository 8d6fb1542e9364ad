-- Every survey mart's numbers in one place (spec §4): weighted share, bases, Wilson
-- interval on the effective base, and the change against the previous wave that asked
-- the same question with a two-proportion z-test. Marts only select and rename.
-- Bases and hits arrive as cells of respondents (int_survey__answer_cells): counts and weight
-- sums are sums over the cells.
with bases as (
    select
        mart, g1, g2, wave,
        sum(n) as base_unweighted,
        sum(sw) as base_weighted,
        sum(sw2) as base_weight_sq
    from {{ ref('int_survey__mart_base') }}
    group by mart, g1, g2, wave
),

hits as (
    select
        mart, g1, g2, category, wave,
        sum(n) as n_unweighted,
        sum(sw) as hit_weighted
    from {{ ref('int_survey__mart_hits') }}
    group by mart, g1, g2, category, wave
),

grid as (
    select mart, g1, g2, category, min(sort_order) as sort_order
    from {{ ref('int_survey__mart_items') }}
    group by mart, g1, g2, category
),

cells as (
    -- the complete grid: every category of the group, for every wave with a base
    select
        g.mart, g.g1, g.g2, g.category, g.sort_order, b.wave,
        coalesce(h.n_unweighted, 0) as n_unweighted,
        coalesce(h.hit_weighted, 0.0) as hit_weighted,
        b.base_unweighted,
        b.base_weighted,
        b.base_weighted * b.base_weighted / b.base_weight_sq as base_effective
    from grid as g
    inner join bases as b
        on b.mart = g.mart and b.g1 = g.g1 and b.g2 = g.g2
    left join hits as h
        on h.mart = g.mart and h.g1 = g.g1 and h.g2 = g.g2 and h.category = g.category and h.wave = b.wave
    where b.base_unweighted > 0
),

measured as (
    select
        *,
        hit_weighted / base_weighted as p,
        lag(hit_weighted / base_weighted) over (
            partition by mart, g1, g2, category order by wave) as prev_p,
        lag(base_effective) over (
            partition by mart, g1, g2, category order by wave) as prev_base_effective
    from cells
)

select
    mart,
    g1,
    g2,
    category,
    sort_order,
    cast(wave as integer) as wave,
    cast(100.0 * p as double) as share_pct,
    cast(n_unweighted as bigint) as n_unweighted,
    cast(base_unweighted as bigint) as base_unweighted,
    cast(base_weighted as double) as base_weighted,
    cast(base_effective as double) as base_effective,
    cast(greatest(0.0, {{ wilson_low_pct('p', 'base_effective') }}) as double) as ci_low_pct,
    cast(least(100.0, {{ wilson_high_pct('p', 'base_effective') }}) as double) as ci_high_pct,
    cast(100.0 * prev_p as double) as prev_share_pct,
    cast(100.0 * p - 100.0 * prev_p as double) as change_pp,
    cast({{ significant_change('p', 'base_effective', 'prev_p', 'prev_base_effective') }} as boolean) as significant_vs_prev
from measured
