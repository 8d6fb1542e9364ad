-- Raking diagnostics per wave (spec §3, §8), as computed by the weighting step.
select
    cast(wave as integer) as wave,
    cast(n as bigint) as n,
    cast(sum_w as double) as sum_w,
    cast(min_w as double) as min_w,
    cast(max_w as double) as max_w,
    cast(deff as double) as deff,
    cast(n_eff as double) as n_eff,
    cast(efficiency as double) as efficiency,
    cast(max_margin_deviation as double) as max_margin_deviation,
    cast(iterations as bigint) as iterations
from {{ source('warehouse_ops', 'survey_weighting') }}
