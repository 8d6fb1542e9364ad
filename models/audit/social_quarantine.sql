-- Malformed social lines (spec §8): file, line number, reason — never the line itself.
select
    file_name as file,
    line_number,
    reason,
    source_file as path,
    export_month
from {{ ref('stg_social__malformed_lines') }}
