"""The published survey tables in a canonical text form, to prove a refactoring changed no number.

``tests/fixtures/golden/survey/`` holds one file per published survey table (the survey marts,
the dimensions, ``audit.survey_weighting`` and ``audit.reconciliation``) as the code at a known
commit published them from the sample landing zone; ``tests/test_golden_survey.py`` rebuilds the
sample and compares. The form is exact: one line per row, rows in sorted order, every double as
its shortest round-trip repr (so two files are equal exactly when every value is the same
double), NULL as ``\\N``, and a header naming each column with its DuckDB type.

Write the golden files from a published database with
``python tests/golden_survey.py path/to/voice_monitor.duckdb``.
"""

from __future__ import annotations

import csv
import io
import math
import sys
from pathlib import Path

import duckdb

GOLDEN_DIR = Path(__file__).parent / "fixtures" / "golden" / "survey"
SOCIAL_TABLES = ("fct_social_posts", "mart_social_volume", "mart_social_themes", "mart_social_quotes")
AUDIT_TABLES = ("survey_weighting", "reconciliation")
NULL = "\\N"


def survey_tables(con) -> list[str]:
    """The published survey tables: every table of ``marts`` except the social ones, and the
    survey audit tables whose numbers come from the build (not run times or file bookkeeping)."""
    marts = [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' order by table_name").fetchall()]
    return [f"marts.{t}" for t in marts if t not in SOCIAL_TABLES] + [f"audit.{t}" for t in AUDIT_TABLES]


def _text(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)
    return str(value)


def canonical(con, table: str) -> str:
    """One table as text: a header of ``name:type`` and the rows sorted on every column."""
    cursor = con.execute(f"select * from {table} order by all")
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    types = dict(con.execute(
        "select column_name, data_type from duckdb_columns() where schema_name = ? and table_name = ?",
        table.split(".")).fetchall())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f"{n}:{types[n]}" for n in names])
    writer.writerows([_text(v) for v in row] for row in rows)
    return out.getvalue()


def export(database: Path) -> dict[str, str]:
    """Table name → canonical text, for every published survey table of ``database``."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        return {table: canonical(con, table) for table in survey_tables(con)}
    finally:
        con.close()


def write_golden(database: Path, folder: Path = GOLDEN_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    written = []
    for table, text in export(database).items():
        path = folder / f"{table}.csv"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_golden(Path(sys.argv[1])):
        print(f"wrote {p}")
