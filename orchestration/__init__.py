"""Voice Monitor warehouse: Dagster orchestration, ingestion and publishing."""
