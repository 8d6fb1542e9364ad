"""Survey partitions: one dynamic partition per wave (edition year), added as files arrive."""

import dagster as dg

survey_waves = dg.DynamicPartitionsDefinition(name="survey_waves")
