{{ config(materialized='view') }}
-- The mart design (seeds/survey_mart_items.csv) with empty group columns as ''.
select
    mart,
    coalesce(g1, '') as g1,
    coalesce(g2, '') as g2,
    category,
    upper(variable) as variable,
    cast(code as integer) as code,
    upper(base_variable) as base_variable,
    nullif(upper(coalesce(by_variable, '')), '') as by_variable,
    cast(by_code as integer) as by_code,
    sort_order
from {{ ref('survey_mart_items') }}
