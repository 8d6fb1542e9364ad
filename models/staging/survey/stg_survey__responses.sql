-- The live survey rows, wide: one row per respondent of the delivery each wave uses (pending
-- if any, else current; ops.active_survey_deliveries), every codebook variable as delivered,
-- plus the design variables derived from them (the age band of spec §3). Weighting, the survey
-- marts and the quality guards all read the survey from here, so which delivery is live and
-- how a design variable is derived are decided once.
-- OPEN (the raw open answer, personal data) stays in the raw layer; OPEN_MASKED is its masked form.
select
    cast(r.wave as integer) as wave,
    cast(r.RESPID as varchar) as respid,
    r.* exclude (wave, RESPID, OPEN, _extra_columns, _delivery_key, _content_hash, _source_file, _loaded_at, _row_number),
    {{ survey_age_band("r.LEEFTIJD") }} as LEEFTIJD_BAND,
    cast(r._source_file as varchar) as source_file,
    cast(r._content_hash as varchar) as content_hash,
    cast(r._row_number as bigint) as source_row_number
from {{ source('survey_raw', 'survey_responses') }} as r
inner join {{ source('warehouse_ops', 'active_survey_deliveries') }} as d
    on d.key = r._delivery_key
   and d.content_hash = r._content_hash
