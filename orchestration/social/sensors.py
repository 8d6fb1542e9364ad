"""A new or changed social export starts an ingestion run for its month."""

import hashlib

import dagster as dg

from orchestration.jobs import ingest_social_month
from orchestration.paths import Home
from orchestration.social.partitions import social_months
from orchestration.warehouse.landing_watch import watch_files


def _month(name: str) -> str | None:
    from orchestration.social.ingest import parse_file_name

    return parse_file_name(name)


@dg.sensor(job=ingest_social_month, minimum_interval_seconds=5,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Watches landing/social; one run per month with a new or changed export.")
def social_landing_sensor(context: dg.SensorEvaluationContext):
    home = Home.from_env()
    result = watch_files(home.landing_social, context.cursor, _month)
    if not result.changed:
        return dg.SensorResult(skip_reason="no new or changed social export", cursor=result.cursor)
    known = set(context.instance.get_dynamic_partitions(social_months.name))
    new = sorted(set(result.changed) - known)
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=month,
                                    run_key=f"social:{month}:{hashlib.sha1(change.encode()).hexdigest()[:16]}",
                                    tags={"voice_monitor/trigger": "sensor"})
                      for month, change in sorted(result.changed.items())],
        dynamic_partitions_requests=[social_months.build_add_request(new)] if new else [],
        cursor=result.cursor,
    )
