-- Every code of every code list, with Dutch and English labels.
select
    list as code_list,
    cast(code as integer) as code,
    code_snake as category,
    label_nl,
    label_en,
    cast(sort_order as integer) as sort_order
from {{ ref('code_labels') }}
