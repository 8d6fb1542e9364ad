"""Primary keys for the BI database, read from the grains the dbt project already tests.

The grain of a table is declared once, in its dbt YAML, as the test that proves it:
``survey_mart_grain`` (its grain columns are filled and unique), ``unique_combination`` /
``social_unique_combination``, or a column's ``unique`` test. The compiled manifest lists them
with the model they test, so this module declares nothing of its own: a grain changed in YAML
changes the key the next sync declares.
"""

from __future__ import annotations

import json
from pathlib import Path

GRAIN_TESTS = {
    "survey_mart_grain": lambda kwargs, node: kwargs.get("grain"),
    "unique_combination": lambda kwargs, node: kwargs.get("columns"),
    "social_unique_combination": lambda kwargs, node: kwargs.get("columns"),
    "unique": lambda kwargs, node: [kwargs.get("column_name") or node.get("column_name")],
}


def declared_grains(manifest: Path) -> dict[tuple[str, str], list[tuple[str, ...]]]:
    """(schema, table) -> the column sets its dbt tests prove unique, fewest columns first."""
    try:
        nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    except (OSError, ValueError, KeyError):
        return {}
    models = {key: node for key, node in nodes.items() if node.get("resource_type") == "model"}
    grains: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for node in nodes.values():
        meta = node.get("test_metadata") or {}
        columns_of = GRAIN_TESTS.get(meta.get("name"))
        model = models.get(node.get("attached_node") or "")
        if node.get("resource_type") != "test" or columns_of is None or model is None:
            continue
        columns = columns_of(meta.get("kwargs") or {}, node)
        if columns and all(columns):
            table = (model["schema"], model.get("alias") or model["name"])
            grains.setdefault(table, []).append(tuple(columns))
    return {table: sorted(set(found), key=lambda cols: (len(cols), cols)) for table, found in grains.items()}


def primary_key(con, schema: str, table: str, columns: list[str],
                grains: dict[tuple[str, str], list[tuple[str, ...]]]) -> tuple[str, ...] | None:
    """The smallest tested grain whose columns the table has and never leaves NULL (a primary key
    cannot hold NULL; a uniqueness test alone does not promise that), asked of the published file."""
    from orchestration.bi.postgres.typemap import ident

    for grain in grains.get((schema, table), []):
        if not set(grain) <= set(columns):
            continue
        nulls = " or ".join(f"{ident(c)} is null" for c in grain)
        if con.execute(f"select count(*) from {ident(schema)}.{ident(table)} where {nulls}").fetchone()[0] == 0:
            return grain
    return None
