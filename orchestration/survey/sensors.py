"""A new or changed survey delivery starts an ingestion run for its wave."""

import hashlib

import dagster as dg

from orchestration.jobs import ingest_survey_wave
from orchestration.paths import Home
from orchestration.survey.partitions import survey_waves
from orchestration.warehouse.landing_watch import watch_survey


@dg.sensor(job=ingest_survey_wave, minimum_interval_seconds=5,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Watches landing/survey; one run per wave whose delivery file is new or changed.")
def survey_landing_sensor(context: dg.SensorEvaluationContext):
    home = Home.from_env()
    result = watch_survey(home.landing_survey, context.cursor)
    if not result.changed:
        return dg.SensorResult(skip_reason="no new or changed survey file", cursor=result.cursor)
    known = set(context.instance.get_dynamic_partitions(survey_waves.name))
    new = sorted(set(result.changed) - known)
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=wave,
                                    run_key=f"survey:{wave}:{hashlib.sha1(change.encode()).hexdigest()[:16]}",
                                    tags={"voice_monitor/trigger": "sensor", "voice_monitor/file": change.split(':')[0]})
                      for wave, change in sorted(result.changed.items())],
        dynamic_partitions_requests=[survey_waves.build_add_request(new)] if new else [],
        cursor=result.cursor,
    )
