-- One row per respondent of the live delivery of each wave (pending if any, else current).
with live as (
    select r.*
    from {{ source('survey_raw', 'survey_responses') }} as r
    inner join {{ source('warehouse_ops', 'active_survey_deliveries') }} as d
        on d.key = r._delivery_key
       and d.content_hash = r._content_hash
)

select
    cast(wave as integer) as wave,
    cast(RESPID as varchar) as respid,
    cast(GESLACHT as integer) as gender_code,
    cast(LEEFTIJD as integer) as age,
    {{ survey_age_band("LEEFTIJD") }} as age_band_code,
    cast(REGIO as integer) as region_code,
    cast(OPLEIDING as integer) as education_code,
    cast(STARTDATE as varchar) as start_date,
    cast(GEWICHT as double) as agency_weight,
    cast(OPEN_MASKED as varchar) as open_answer_masked,
    cast(_source_file as varchar) as source_file,
    cast(_content_hash as varchar) as content_hash,
    cast(_row_number as bigint) as source_row_number
from live
