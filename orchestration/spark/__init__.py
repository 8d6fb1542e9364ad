"""The social pipeline on Apache Spark (``VOICE_MONITOR_ENGINE=spark``; docs/scale_out.md).

The survey path and the warehouse's bookkeeping stay in the DuckDB build database; with the
Spark engine the social raw rows are written by Spark (``ingest``), the social dbt models build
on Spark through dbt-spark (profiles.yml target ``spark``), and the social marts come back into
the build database (``exchange``) so that the quality guards and the publisher see the same
tables as with the DuckDB engine.
"""
