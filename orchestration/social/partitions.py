"""Social partitions: one dynamic partition per export month (YYYY-MM), added as files arrive."""

import dagster as dg

social_months = dg.DynamicPartitionsDefinition(name="social_months")
