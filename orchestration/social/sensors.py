"""A new or changed social export starts an ingestion run for its month."""

import dagster as dg

from orchestration.jobs import ingest_social_month
from orchestration.social.partitions import social_months
from orchestration.landing_watch import sensor_result


@dg.sensor(job=ingest_social_month, minimum_interval_seconds=5,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Watches landing/social; one run per month with a new or changed export "
                       "(decided as `voice-monitor run` decides, from the ledger every run leaves).")
def social_landing_sensor(context: dg.SensorEvaluationContext):
    return sensor_result(context, "social", social_months, "no new or changed social export")
