-- The seven sectors of the sector panels, with labels and the first wave that asked them.
select
    cast(sector_code as integer) as sector_code,
    sector,
    label_nl,
    label_en,
    cast(first_wave as integer) as first_wave
from {{ ref('sectors') }}
