"""What analysts and BI tools use: the PostgreSQL-wire endpoint, Parquet export, dbt docs and the report."""
