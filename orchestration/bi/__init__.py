"""What analysts and BI tools use: the BI PostgreSQL (``postgres``), Parquet export, dbt docs and the report."""
