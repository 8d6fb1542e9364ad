"""DDL of the raw layer: one table per landing kind, columns derived from the contract."""

from __future__ import annotations

from orchestration.social import schema as social_schema
from orchestration.survey.codebook import all_variables

LINEAGE_COLUMNS = (
    ("_delivery_key", "varchar not null"),      # the wave, as text
    ("_content_hash", "varchar not null"),
    ("_source_file", "varchar not null"),       # path relative to $VOICE_MONITOR_HOME
    ("_loaded_at", "timestamptz not null"),
    ("_row_number", "bigint not null"),         # 1 = first data row of the file
)


def survey_columns() -> list[tuple[str, str]]:
    cols: list[tuple[str, str]] = [("wave", "integer not null"), ("RESPID", "varchar not null")]
    for v in all_variables():
        if v.name == "RESPID":
            continue
        if v.name == "GEWICHT":
            cols.append((v.name, "double"))
        elif v.is_numeric:
            cols.append((v.name, "integer"))
        else:
            cols.append((v.name, "varchar"))
    cols.append(("OPEN_MASKED", "varchar"))
    cols.append(("_extra_columns", "varchar"))  # JSON object of unknown columns, as delivered
    cols.extend(LINEAGE_COLUMNS)
    return cols


def ensure(con) -> None:
    body = ",\n    ".join(f'"{name}" {typ}' for name, typ in survey_columns())
    con.execute(f"create table if not exists raw.survey_responses (\n    {body}\n)")
    social_schema.ensure(con)
