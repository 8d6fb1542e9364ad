"""The live survey rows, as the guards read them: ``raw.survey_responses`` of the delivery each
wave uses (``ops.active_survey_deliveries``, the rule staging applies), wide, with staging's
derived age band. The guards read the raw rows rather than the staging views because the
weighting guard runs before dbt builds them, and the totals guard recounts bases in one grouped
scan of the wide rows (a recount over the tidy view is a self-join, far too slow at scale)."""

LIVE_SURVEY_ROWS_SQL = """
select r.*,
       cast(case when r.LEEFTIJD <= 34 then 1 when r.LEEFTIJD <= 54 then 2 else 3 end as integer) as LEEFTIJD_BAND
from raw.survey_responses as r
join ops.active_survey_deliveries as d on d.key = r._delivery_key and d.content_hash = r._content_hash
"""
