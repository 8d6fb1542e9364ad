"""Handwritten anchors: the floor for this stack (no dbt, no Dagster), on the same raw files."""
