-- Contact channels with Dutch and English labels and the report's channel groups.
select
    cast(code as integer) as channel_code,
    code_snake as channel,
    label_nl,
    label_en,
    channel_group,
    cast(sort_order as integer) as sort_order
from {{ ref('code_labels') }}
where list = 'channel'
