-- The four personas of Q5 with the statement respondents chose.
select
    cast(l.code as integer) as persona_code,
    l.code_snake as persona,
    l.label_nl,
    l.label_en,
    cast(l.sort_order as integer) as sort_order
from {{ ref('code_labels') }} as l
where l.list = 'Q5'
