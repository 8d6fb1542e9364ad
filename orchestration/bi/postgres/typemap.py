"""DuckDB column types as PostgreSQL types, and the DuckDB expression that writes a value in the
text form PostgreSQL's COPY reads back exactly.

Faithful, not approximate: DOUBLE stays double precision (DuckDB writes the shortest text that
reads back to the same double), DECIMAL(p,s) becomes numeric(p,s), TIMESTAMP WITH TIME ZONE
timestamptz (written in UTC with its offset), lists PostgreSQL arrays of the mapped element
type. What PostgreSQL has no column type for (structs, maps, unions, lists of lists) becomes
jsonb.
"""

from __future__ import annotations

import re

SCALARS = {
    "BOOLEAN": "boolean",
    "TINYINT": "smallint", "UTINYINT": "smallint", "SMALLINT": "smallint",
    "USMALLINT": "integer", "INTEGER": "integer",
    "UINTEGER": "bigint", "BIGINT": "bigint",
    "UBIGINT": "numeric(20,0)", "HUGEINT": "numeric(39,0)", "UHUGEINT": "numeric(39,0)",
    "FLOAT": "real", "DOUBLE": "double precision",
    "VARCHAR": "text", "UUID": "uuid", "BLOB": "bytea", "JSON": "jsonb", "BIT": "bit varying",
    "DATE": "date", "TIME": "time without time zone", "TIME WITH TIME ZONE": "time with time zone",
    "TIMESTAMP": "timestamp without time zone", "TIMESTAMP_S": "timestamp without time zone",
    "TIMESTAMP_MS": "timestamp without time zone", "TIMESTAMP_NS": "timestamp without time zone",
    "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
    "INTERVAL": "interval",
}
_LIST = re.compile(r"^(?P<element>.+)\[\d*\]$")
_DECIMAL = re.compile(r"^DECIMAL\((?P<p>\d+),\s*(?P<s>\d+)\)$")


def ident(name: str) -> str:
    """A quoted identifier (the same quoting in DuckDB and PostgreSQL)."""
    return '"' + name.replace('"', '""') + '"'


def _element(duck_type: str) -> str | None:
    found = _LIST.match(duck_type)
    return found.group("element") if found else None


def _scalar(duck_type: str) -> str | None:
    if duck_type in SCALARS:
        return SCALARS[duck_type]
    found = _DECIMAL.match(duck_type)
    if found:
        return f"numeric({found.group('p')},{found.group('s')})"
    if duck_type.startswith("ENUM("):
        return "text"
    return None


def pg_type(duck_type: str) -> str:
    element = _element(duck_type)
    if element is not None:
        inner = _scalar(element)
        return f"{inner}[]" if inner else "jsonb"
    return _scalar(duck_type) or "jsonb"


def _text(expr: str, duck_type: str) -> str:
    """DuckDB SQL giving the PostgreSQL input text of a scalar value (NULL stays NULL)."""
    if duck_type == "BLOB":
        return f"'\\x' || hex({expr})"
    if _scalar(duck_type) is None:
        return f"cast(to_json({expr}) as varchar)"
    return f"cast({expr} as varchar)"


def export_expr(column: str, duck_type: str) -> str:
    """The column as PostgreSQL input text. Lists become array literals: every element quoted
    (backslash and double quote escaped), NULL elements as NULL; the empty list is ``{}``."""
    col = ident(column)
    element = _element(duck_type)
    if element is not None and _scalar(element) is not None:
        quoted = ("case when e is null then 'NULL' else '\"' || replace(replace(" + _text("e", element)
                  + ", '\\', '\\\\'), '\"', '\\\"') || '\"' end")
        return f"'{{' || array_to_string(list_transform({col}, lambda e: {quoted}), ',') || '}}'"
    return _text(col, duck_type)
