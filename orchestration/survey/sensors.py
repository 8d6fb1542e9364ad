"""A new or changed survey delivery starts an ingestion run for its wave."""

import dagster as dg

from orchestration.jobs import ingest_survey_wave
from orchestration.survey.partitions import survey_waves
from orchestration.landing_watch import sensor_result


@dg.sensor(job=ingest_survey_wave, minimum_interval_seconds=5,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Watches landing/survey; one run per wave whose delivery file is new or changed "
                       "(decided as `voice-monitor run` decides, from the ledger every run leaves).")
def survey_landing_sensor(context: dg.SensorEvaluationContext):
    return sensor_result(context, "survey", survey_waves, "no new or changed survey file")
