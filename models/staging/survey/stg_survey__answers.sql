-- The tidy answers table: one row per respondent × variable with a non-empty answer.
-- Empty cells (not asked, or not answered) have no row; 99 ("weet niet") is a row.
-- Background variables (and the derived age band) are included, so cross-tabs by
-- background use the same table. The variables come from the codebook when dbt compiles
-- (survey_answer_variables, macros/survey_design.sql).
with long as (
    {{ unpivot_non_null(ref('stg_survey__responses'), ['wave', 'respid'], survey_answer_variables(), 'variable', 'value') }}
),

typed as (
    select
        cast(wave as integer) as wave,
        cast(respid as varchar) as respid,
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
