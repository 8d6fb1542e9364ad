-- depends_on: {{ ref('survey_variables') }}
-- The tidy answers table: one row per respondent × variable with a non-empty answer.
-- Empty cells (not asked, or not answered) have no row; 99 ("weet niet") is a row.
-- Background variables (and the derived age band) are included, so cross-tabs by
-- background use the same table.
with live as (
    select
        r.*,
        {{ survey_age_band("r.LEEFTIJD") }} as LEEFTIJD_BAND
    from {{ source('survey_raw', 'survey_responses') }} as r
    inner join {{ source('warehouse_ops', 'active_survey_deliveries') }} as d
        on d.key = r._delivery_key
       and d.content_hash = r._content_hash
),

long as (
    {{ unpivot_non_null('live', ['wave', 'RESPID'], survey_answer_variables() + ['LEEFTIJD_BAND'], 'variable', 'value') }}
),

typed as (
    select
        cast(wave as integer) as wave,
        cast(RESPID as varchar) as respid,
        cast(upper(variable) as varchar) as variable,
        cast(value as integer) as value
    from long
)

-- labels from the codebook seeds: the question text and, for coded answers, the category
-- code used in the marts with its Dutch and English label
select
    t.wave,
    t.respid,
    t.variable,
    t.value,
    v.question_nl,
    nullif(v.list_name, '') as code_list,
    l.code_snake as category,
    l.label_nl as answer_label_nl,
    l.label_en as answer_label_en
from typed as t
left join {{ ref('survey_variables') }} as v
    on v.variable = t.variable
left join {{ ref('code_labels') }} as l
    on l.list = v.list_name
   and l.code = t.value
