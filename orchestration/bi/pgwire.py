"""``voice-monitor serve``: a read-only PostgreSQL-wire endpoint over the published database.

Any BI tool with a PostgreSQL driver (Metabase, Superset, Power BI, Tableau, psql, psycopg)
connects to 127.0.0.1 and queries ``marts.*`` and ``audit.*``.

* Codec: pygwire (message framing and encoding). This module only owns the loop: one
  thread per client connection, the startup handshake, simple and extended query.
* Isolation: every client connection gets its own in-memory DuckDB into which the
  published file is ATTACHed READ_ONLY, then ``enable_external_access=false`` and
  ``lock_configuration=true`` (a read-only file alone still lets ``COPY … TO`` write files
  on the server). A connection reads the file as it was when it connected; the atomic
  publish renames a new file over the path, so a *new* connection sees the new file and
  the old snapshot is released when its last connection closes. No restart needed.
* Writes are refused with SQLSTATE 25006 before they reach DuckDB (only SELECT, EXPLAIN,
  transaction control and a few session statements pass), and DuckDB would refuse them
  again (read-only attach, no file access).
* PostgreSQL dialect: DuckDB has a ``pg_catalog``; a few rewrites (``OPERATOR(pg_catalog.~)``,
  ``COLLATE pg_catalog.default``, ``::regclass`` …), some session macros and empty
  catalogue views are enough for psql's ``\\dt``/``\\d``/``\\dn``/``\\l`` and the metadata
  queries drivers send on connect. ``SET``/``SHOW`` of PostgreSQL session parameters are
  answered here. Parameters ($1 …) are bound as SQL literals: text parameters of unknown
  type behave as in PostgreSQL (implicitly cast), binary parameters are decoded by type OID.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import json
import logging
import math
import os
import re
import secrets
import socket
import socketserver
import struct
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import duckdb
from pygwire import BackendConnection, TransactionStatus
from pygwire.messages import (
    AuthenticationOk, BackendKeyData, Bind, BindComplete, CancelRequest, Close, CloseComplete,
    CommandComplete, DataRow, Describe, EmptyQueryResponse, ErrorResponse, Execute,
    FieldDescription, Flush, GSSEncRequest, GSSResponse, NoData, NoticeResponse, ParameterDescription,
    ParameterStatus, Parse, ParseComplete, PortalSuspended, Query, ReadyForQuery, RowDescription,
    SSLRequest, SSLResponse, StartupMessage, Sync, Terminate,
)

log = logging.getLogger("voice_monitor.pgwire")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5433
DATABASE = "voice_monitor"
SERVER_VERSION = "15.0"
VERSION_TEXT = (f"PostgreSQL {SERVER_VERSION} (Voice Monitor warehouse: DuckDB {duckdb.__version__}, "
                "read-only published database)")
SESSION_TIMEZONE = "UTC"
PG_EPOCH = dt.datetime(2000, 1, 1)
PG_EPOCH_DATE = dt.date(2000, 1, 1)


class PgError(Exception):
    def __init__(self, message: str, sqlstate: str = "XX000", severity: str = "ERROR"):
        super().__init__(message)
        self.sqlstate = sqlstate
        self.severity = severity


# ---------------------------------------------------------------------------------------------
# Types: DuckDB column type -> PostgreSQL type OID, text and binary encoders
# ---------------------------------------------------------------------------------------------

_SCALAR_OIDS = {
    "boolean": 16, "tinyint": 21, "smallint": 21, "integer": 23, "bigint": 20, "utinyint": 21,
    "usmallint": 23, "uinteger": 20, "ubigint": 1700, "hugeint": 1700, "uhugeint": 1700,
    "float": 700, "double": 701, "decimal": 1700, "varchar": 1043, "date": 1082, "time": 1083,
    "timestamp": 1114, "timestamp_s": 1114, "timestamp_ms": 1114, "timestamp_ns": 1114,
    "timestamp with time zone": 1184, "time with time zone": 1266, "interval": 1186, "blob": 17,
    "uuid": 2950, "enum": 1043,
}
_ARRAY_OIDS = {16: 1000, 21: 1005, 23: 1007, 20: 1016, 700: 1021, 701: 1022, 1043: 1015, 25: 1009,
               1082: 1182, 1114: 1115, 1184: 1185, 1700: 1231, 2950: 2951, 17: 1001, 1083: 1183}
_TYPE_SIZES = {16: 1, 21: 2, 23: 4, 20: 8, 700: 4, 701: 8, 1082: 4, 1083: 8, 1114: 8, 1184: 8, 2950: 16}
_BINARY_OK = {16, 17, 20, 21, 23, 25, 700, 701, 1043, 1082, 1083, 1114, 1184, 2950}


def _type_id(t) -> str:
    tid = t.id
    return "json" if str(t) == "JSON" else tid


def pg_oid(t) -> int:
    tid = _type_id(t)
    if tid == "json":
        return 114
    if tid == "list":
        return _ARRAY_OIDS.get(pg_oid(t.child), 1009)
    return _SCALAR_OIDS.get(tid, 25)


def _float_text(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return repr(v)


def _tz_text(value: dt.datetime) -> str:
    text = value.isoformat(sep=" ")
    m = re.search(r"([+-]\d\d):(\d\d)$", text)
    if m and m.group(2) == "00":
        text = text[: m.start()] + m.group(1)
    return text


def _interval_text(v: dt.timedelta) -> str:
    days, secs = v.days, v.seconds
    h, rem = divmod(secs, 3600)
    mi, s = divmod(rem, 60)
    clock = f"{h:02d}:{mi:02d}:{s:02d}" + (f".{v.microseconds:06d}" if v.microseconds else "")
    return (f"{days} days " if days else "") + clock


def _array_item(value, t) -> str:
    if value is None:
        return "NULL"
    text = text_value(value, t)
    if text == "" or text.upper() == "NULL" or re.search(r'[{},"\\\s]', text):
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def text_value(value, t) -> str:
    """PostgreSQL text representation of a DuckDB value."""
    tid = _type_id(t)
    if tid == "boolean":
        return "t" if value else "f"
    if tid in ("float", "double"):
        return _float_text(value)
    if tid == "decimal":
        return format(value, "f")
    if tid == "timestamp with time zone":
        return _tz_text(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _interval_text(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    if tid == "list":
        return "{" + ",".join(_array_item(v, t.child) for v in value) + "}"
    if tid in ("struct", "map", "union", "array", "json") and not isinstance(value, str):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


def binary_value(value, oid: int) -> bytes:
    if oid == 16:
        return b"\x01" if value else b"\x00"
    if oid == 21:
        return struct.pack("!h", value)
    if oid == 23:
        return struct.pack("!i", value)
    if oid == 20:
        return struct.pack("!q", value)
    if oid == 700:
        return struct.pack("!f", value)
    if oid == 701:
        return struct.pack("!d", value)
    if oid == 17:
        return bytes(value)
    if oid == 1082:
        return struct.pack("!i", (value - PG_EPOCH_DATE).days)
    if oid in (1114, 1184):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        delta = value - PG_EPOCH
        return struct.pack("!q", (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds)
    if oid == 1083:
        return struct.pack("!q", ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000
                           + value.microsecond)
    if oid == 2950:
        return value.bytes
    return str(value).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Parameters: wire value -> SQL literal
# ---------------------------------------------------------------------------------------------

_CAST_FOR_OID = {16: "BOOLEAN", 20: "BIGINT", 21: "SMALLINT", 23: "INTEGER", 26: "BIGINT", 700: "FLOAT",
                 701: "DOUBLE", 1700: "DOUBLE", 1082: "DATE", 1083: "TIME", 1114: "TIMESTAMP",
                 1184: "TIMESTAMPTZ", 2950: "UUID", 1186: "INTERVAL"}
_TEXTLIKE = {0, 18, 19, 25, 114, 705, 1042, 1043, 3802}


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _decode_numeric(b: bytes) -> decimal.Decimal:
    ndigits, weight, sign, dscale = struct.unpack_from("!hhHH", b)
    if sign == 0xC000:
        return decimal.Decimal("NaN")
    digits = struct.unpack_from(f"!{ndigits}H", b, 8)
    value = decimal.Decimal(0)
    for i, d in enumerate(digits):
        value += decimal.Decimal(d).scaleb(4 * (weight - i))
    value = value.quantize(decimal.Decimal(1).scaleb(-dscale)) if dscale else value.to_integral_value()
    return -value if sign == 0x4000 else value


def _decode_binary(b: bytes, oid: int):
    if oid == 16:
        return b != b"\x00"
    if oid == 21:
        return struct.unpack("!h", b)[0]
    if oid == 23:
        return struct.unpack("!i", b)[0]
    if oid in (20,):
        return struct.unpack("!q", b)[0]
    if oid == 26:
        return struct.unpack("!I", b)[0]
    if oid == 700:
        return struct.unpack("!f", b)[0]
    if oid == 701:
        return struct.unpack("!d", b)[0]
    if oid == 1700:
        return _decode_numeric(b)
    if oid == 17:
        return bytes(b)
    if oid == 1082:
        return PG_EPOCH_DATE + dt.timedelta(days=struct.unpack("!i", b)[0])
    if oid == 1114:
        return PG_EPOCH + dt.timedelta(microseconds=struct.unpack("!q", b)[0])
    if oid == 1184:
        return (PG_EPOCH + dt.timedelta(microseconds=struct.unpack("!q", b)[0])).replace(tzinfo=dt.timezone.utc)
    if oid == 1083:
        micros = struct.unpack("!q", b)[0]
        return (dt.datetime.min + dt.timedelta(microseconds=micros)).time()
    if oid == 2950:
        return uuid.UUID(bytes=bytes(b))
    if oid == 3802:
        return b[1:].decode("utf-8")
    if oid in _TEXTLIKE:
        return b.decode("utf-8")
    if oid in _ELEMENT_OID:
        ndim, _flags, elem_oid = struct.unpack_from("!iiI", b)
        if ndim == 0:
            return []
        if ndim != 1:
            raise PgError("multi-dimensional array parameters are not supported", "0A000")
        size, _lbound = struct.unpack_from("!ii", b, 12)
        offset, items = 20, []
        for _ in range(size):
            (n,) = struct.unpack_from("!i", b, offset)
            offset += 4
            if n < 0:
                items.append(None)
            else:
                items.append(_decode_binary(b[offset:offset + n], elem_oid))
                offset += n
        return items
    raise PgError(f"binary parameters of type OID {oid} are not supported; send them as text", "0A000")


def python_literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"CAST('{_float_text(value)}' AS DOUBLE)"
    if isinstance(value, decimal.Decimal):
        return f"CAST('{value}' AS DOUBLE)" if not value.is_finite() else format(value, "f")
    if isinstance(value, (bytes, bytearray)):
        return f"unhex('{bytes(value).hex()}')"
    if isinstance(value, dt.datetime):
        return f"{'TIMESTAMPTZ' if value.tzinfo else 'TIMESTAMP'} '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, dt.time):
        return f"TIME '{value.isoformat()}'"
    if isinstance(value, uuid.UUID):
        return f"CAST('{value}' AS UUID)"
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(v) for v in value) + "]"
    return sql_string(str(value))


_ELEMENT_OID = {v: k for k, v in _ARRAY_OIDS.items()}


def parse_text_array(text: str) -> list[str | None]:
    """A one-dimensional PostgreSQL array literal ``{a,"b c",NULL}``."""
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise PgError(f'malformed array literal: "{text}"', "22P02")
    body, items, i = text[1:-1], [], 0
    while i < len(body):
        if body[i] == '"':
            j, buf = i + 1, []
            while body[j] != '"':
                if body[j] == "\\":
                    j += 1
                buf.append(body[j])
                j += 1
            items.append("".join(buf))
            i = j + 2
        else:
            j = body.find(",", i)
            j = len(body) if j < 0 else j
            raw = body[i:j].strip()
            items.append(None if raw.upper() == "NULL" else raw)
            i = j + 1
    return items


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def param_literal(raw: bytes | None, fmt: int, oid: int) -> str:
    """A bound parameter as a DuckDB SQL literal."""
    if raw is None:
        return "NULL"
    if fmt == 1:
        return python_literal(_decode_binary(raw, oid))
    text = raw.decode("utf-8")
    if oid in _TEXTLIKE:
        return sql_string(text)  # unknown/text: like a PostgreSQL literal, cast where it is used
    if oid in (20, 21, 23, 26, 1700) and _NUMBER.match(text.strip()):
        return text.strip()
    if oid == 17:
        return f"unhex('{text[2:]}')" if text.startswith("\\x") else sql_string(text) + "::BLOB"
    if oid in _ELEMENT_OID:
        element = _ELEMENT_OID[oid]
        return "[" + ", ".join(param_literal(None if v is None else v.encode("utf-8"), 0, element)
                               for v in parse_text_array(text)) + "]"
    cast = _CAST_FOR_OID.get(oid)
    if cast is None:
        return sql_string(text)
    if oid == 16:
        text = {"t": "true", "f": "false"}.get(text.strip().lower(), text)
    return f"CAST({sql_string(text)} AS {cast})"


def bind_parameters(sql: str, literals: list[str]) -> str:
    """Replace $1, $2 … (outside strings, identifiers and comments) by literals."""
    if not literals:
        return sql
    tokens = duckdb.tokenize(sql)
    out, last = [], 0
    for i, (pos, kind) in enumerate(tokens):
        if kind == duckdb.token_type.operator and sql.startswith("$", pos) and i + 1 < len(tokens):
            npos, nkind = tokens[i + 1]
            if nkind == duckdb.token_type.numeric_const and npos == pos + 1:
                m = re.match(r"\d+", sql[npos:])
                index = int(m.group(0))
                if not 1 <= index <= len(literals):
                    raise PgError(f"there is no parameter ${index}", "42P02")
                out.append(sql[last:pos])
                out.append(f"({literals[index - 1]})")
                last = npos + len(m.group(0))
    out.append(sql[last:])
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# SQL: PostgreSQL dialect and catalogue -> DuckDB
# ---------------------------------------------------------------------------------------------

# Functions PostgreSQL clients call that DuckDB's pg_catalog lacks, as session macros.
SESSION_MACROS = [
    "create temp macro parse_ident_last(name) as list_last(string_split(replace(name, '\"', ''), '.'))",
    # system catalogues have fixed OIDs in PostgreSQL (pg_description.classoid refers to them)
    """create temp macro _regclass_oid(name) as coalesce(
         case parse_ident_last(name) when 'pg_class' then 1259 when 'pg_attribute' then 1249
              when 'pg_type' then 1247 when 'pg_proc' then 1255 when 'pg_namespace' then 2615
              when 'pg_constraint' then 2606 when 'pg_description' then 2609 when 'pg_database' then 1262
              when 'pg_index' then 2610 when 'pg_trigger' then 2620 when 'pg_am' then 2601 end,
         (select c.oid from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
          where c.relname = parse_ident_last(name)
            and (not contains(name, '.') or n.nspname = split_part(replace(name, '"', ''), '.', 1))
          order by n.nspname = current_schema() desc limit 1))""",
    # PostgreSQL's names for the types the published database uses (DuckDB's format_type says int4, float8 …)
    """create temp macro format_type(t, m) as coalesce(
         case t when 16 then 'boolean' when 17 then 'bytea' when 20 then 'bigint' when 21 then 'smallint'
                when 23 then 'integer' when 25 then 'text' when 700 then 'real' when 701 then 'double precision'
                when 1043 then 'character varying' when 1082 then 'date' when 1083 then 'time without time zone'
                when 1114 then 'timestamp without time zone' when 1184 then 'timestamp with time zone'
                when 1186 then 'interval' when 1700 then 'numeric' when 2950 then 'uuid' when 114 then 'json'
                when 1000 then 'boolean[]' when 1007 then 'integer[]' when 1016 then 'bigint[]'
                when 1009 then 'text[]' when 1015 then 'character varying[]' when 1022 then 'double precision[]'
         end, pg_catalog.format_type(t, m))""",
    "create temp macro to_regclass(x) as _regclass_oid(x)",
    "create temp macro to_regtype(x) as (select oid from pg_catalog.pg_type where typname = parse_ident_last(x) "
    "order by oid limit 1)",
    "create temp macro pg_get_userbyid(x) as 'voice_monitor'",
    "create temp macro pg_encoding_to_char(x) as 'UTF8'",
    "create temp macro pg_table_size(x) as cast(null as bigint)",
    "create temp macro pg_relation_size(x) as cast(null as bigint)",
    "create temp macro pg_total_relation_size(x) as cast(null as bigint)",
    "create temp macro pg_indexes_size(x) as cast(null as bigint)",
    "create temp macro pg_database_size(x) as cast(null as bigint)",
    "create temp macro pg_get_partkeydef(x) as cast(null as varchar)",
    "create temp macro pg_get_indexdef(x) as cast(null as varchar), (x, y, z) as cast(null as varchar)",
    "create temp macro pg_get_triggerdef(x) as cast(null as varchar), (x, y) as cast(null as varchar)",
    "create temp macro pg_get_function_result(x) as cast(null as varchar)",
    "create temp macro pg_get_function_arguments(x) as cast(null as varchar)",
    "create temp macro pg_get_function_identity_arguments(x) as cast(null as varchar)",
    "create temp macro pg_get_statisticsobjdef_columns(x) as cast(null as varchar)",
    "create temp macro pg_relation_is_publishable(x) as false",
    "create temp macro pg_get_serial_sequence(x, y) as cast(null as varchar)",
    "create temp macro array_upper(a, d) as len(a)",
    "create temp macro pg_backend_pid() as 0",
    "create temp macro pg_is_in_recovery() as false",
    "create temp macro txid_current() as 1",
    "create temp macro pg_postmaster_start_time() as now()",
]

# Catalogue relations PostgreSQL has and DuckDB does not: empty, with the columns clients read.
EMPTY_CATALOGUE = {
    "pg_policy": "polname varchar, polrelid bigint, polcmd varchar, polpermissive boolean, polroles bigint[], "
                 "polqual varchar, polwithcheck varchar",
    "pg_statistic_ext": "oid bigint, stxrelid bigint, stxname varchar, stxnamespace bigint, stxowner bigint, "
                        "stxstattarget integer, stxkeys integer[], stxkind varchar[], stxexprs varchar",
    "pg_publication": "oid bigint, pubname varchar, pubowner bigint, puballtables boolean, pubinsert boolean, "
                      "pubupdate boolean, pubdelete boolean, pubtruncate boolean, pubviaroot boolean",
    "pg_publication_rel": "oid bigint, prpubid bigint, prrelid bigint, prqual varchar, prattrs integer[]",
    "pg_publication_namespace": "oid bigint, pnpubid bigint, pnnspid bigint",
    "pg_inherits": "inhrelid bigint, inhparent bigint, inhseqno integer, inhdetachpending boolean",
    "pg_trigger": "oid bigint, tgrelid bigint, tgparentid bigint, tgname varchar, tgfoid bigint, tgtype integer, "
                  "tgenabled varchar, tgisinternal boolean, tgconstrrelid bigint, tgconstraint bigint",
    "pg_rewrite": "oid bigint, rulename varchar, ev_class bigint, ev_type varchar, ev_enabled varchar, "
                  "is_instead boolean",
    "pg_partitioned_table": "partrelid bigint, partstrat varchar, partnatts integer, partdefid bigint",
    "pg_foreign_table": "ftrelid bigint, ftserver bigint, ftoptions varchar[]",
    "pg_foreign_server": "oid bigint, srvname varchar",
    "pg_extension": "oid bigint, extname varchar, extowner bigint, extnamespace bigint, extversion varchar",
    "pg_event_trigger": "oid bigint, evtname varchar",
    "pg_auth_members": "roleid bigint, member bigint, grantor bigint, admin_option boolean",
    "pg_stat_activity": "datid bigint, datname varchar, pid integer, usename varchar, application_name varchar, "
                        "state varchar, query varchar",
    "pg_locks": "locktype varchar, pid integer, mode varchar, granted boolean",
    "pg_matviews": "schemaname varchar, matviewname varchar, matviewowner varchar, definition varchar",
    "pg_stat_user_tables": "relid bigint, schemaname varchar, relname varchar, n_live_tup bigint",
    "pg_opclass": "oid bigint, opcname varchar, opcmethod bigint, opcnamespace bigint, opcdefault boolean",
    "pg_statistic_ext_data": "stxoid bigint",
    "pg_collation": "oid bigint, collname varchar, collnamespace bigint, collowner bigint, collprovider varchar, "
                    "collisdeterministic boolean, collencoding integer, collcollate varchar, collctype varchar",
}
CATALOGUE_VIEWS = {  # created in this order; the pg_catalog originals stay reachable qualified
    "pg_class": "select * replace (cast(reloptions as varchar[]) as reloptions), false as relforcerowsecurity "
                "from pg_catalog.pg_class",
    "pg_index": "select *, false as indnullsnotdistinct from pg_catalog.pg_index",
    "pg_database": "select oid, datname, datallowconn, datistemplate, 10::bigint as datdba, 6 as encoding, "
                   "'C' as datcollate, 'C' as datctype, null::varchar as daticulocale, 'c' as datlocprovider, "
                   "null::varchar[] as datacl, -1 as datconnlimit, 0::bigint as dattablespace, "
                   "null::varchar as datcollversion from pg_catalog.pg_database where datname = current_database()",
    "pg_description": "select table_oid as objoid, 1259 as classoid, 0 as objsubid, "
                      "regexp_replace(comment, '\\s+$', '') as description from duckdb_tables() where coalesce(comment, '') <> '' "
                      "union all select view_oid, 1259, 0, regexp_replace(comment, '\\s+$', '') from duckdb_views() "
                      "where coalesce(comment, '') <> '' and not internal "
                      "union all select table_oid, 1259, column_index, regexp_replace(comment, '\\s+$', '') "
                      "from duckdb_columns() where coalesce(comment, '') <> ''",
    "pg_roles": "select 10::bigint as oid, 'voice_monitor' as rolname, true as rolsuper, false as rolinherit, "
                "false as rolcreaterole, false as rolcreatedb, true as rolcanlogin, false as rolreplication, "
                "-1 as rolconnlimit, null::varchar as rolpassword, null::timestamptz as rolvaliduntil, "
                "false as rolbypassrls, null::varchar[] as rolconfig",
    "pg_user": "select 'voice_monitor' as usename, 10::bigint as usesysid, false as usecreatedb, true as usesuper, "
               "false as userepl, false as usebypassrls, null::varchar as passwd, null::timestamptz as valuntil, "
               "null::varchar[] as useconfig",
}
# Comments (the dbt descriptions) as PostgreSQL clients read them.
DESCRIPTION_MACROS = [
    "create temp macro obj_description(x) as (select description from pg_description where objoid = x "
    "and objsubid = 0 limit 1), (x, y) as (select description from pg_description where objoid = x "
    "and objsubid = 0 limit 1)",
    "create temp macro col_description(x, n) as (select description from pg_description where objoid = x "
    "and objsubid = n limit 1)",
]
SEARCH_PATH_TAIL = ",main,marts,audit,memory.main"  # analysts write marts.x; the OID types live in memory.main
# PostgreSQL's object-identifier types, as plain numbers (created in the in-memory catalogue).
OID_TYPES = ["regclass", "regtype", "regproc", "regprocedure", "regnamespace", "regrole", "regoper", "regconfig"]

_REWRITES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"OPERATOR\s*\(\s*pg_catalog\s*\.\s*([^)\s]+)\s*\)", re.I), r" \1 "),
    (re.compile(r"\s+COLLATE\s+(pg_catalog\s*\.\s*)?(\"default\"|default|\"C\"|\"POSIX\")", re.I), ""),
    # DuckDB resolves pg_catalog names unqualified (and our session shims shadow some of them), but it
    # cannot resolve pg_catalog.table.column references: drop the schema everywhere.
    (re.compile(r"\bpg_catalog\s*\.\s*(?=[\"\w])", re.I), ""),
    (re.compile(r"::\s*(name|\"char\"|bpchar)\b", re.I), "::VARCHAR"),
    (re.compile(r"\bversion\s*\(\s*\)", re.I), sql_string(VERSION_TEXT)),
    (re.compile(r"\bjson_build_object\s*\(", re.I), "json_object("),
    (re.compile(r"\bpg_get_expr\(([^,()]+),([^,()]+),\s*(true|false)\s*\)", re.I), r"pg_get_expr(\1,\2)"),
]


# 'name'::regclass is a lookup; applied again once parameters are bound (psycopg binds the name).
_REGCLASS = [
    (re.compile(r"(\(\s*'(?:[^']|'')*'\s*\)|'(?:[^']|'')*')\s*::\s*regclass\b", re.I), r"_regclass_oid(\1)"),
    (re.compile(r"CAST\s*\(\s*(\(\s*'(?:[^']|'')*'\s*\)|'(?:[^']|'')*')\s+AS\s+regclass\s*\)", re.I),
     r"_regclass_oid(\1)"),
]


def to_duckdb(sql: str) -> str:
    for pattern, repl in _REWRITES + _REGCLASS:
        sql = pattern.sub(repl, sql)
    return sql


def with_parameters(sql: str, literals: list[str]) -> str:
    sql = bind_parameters(sql, literals)
    for pattern, repl in _REGCLASS:
        sql = pattern.sub(repl, sql)
    return sql


def split_statements(sql: str) -> list[str]:
    """Split on semicolons that are not inside strings, quoted identifiers or comments."""
    pieces, last = [], 0
    for pos, kind in duckdb.tokenize(sql):
        if kind == duckdb.token_type.operator and sql.startswith(";", pos):
            pieces.append(sql[last:pos])
            last = pos + 1
    pieces.append(sql[last:])
    return [p for p in pieces if _strip_comments(p).strip()]


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S)


_DECLARE = re.compile(r"DECLARE\s+(?P<name>\"[^\"]+\"|\w+)\s+(?P<binary>BINARY\s+)?(?:INSENSITIVE\s+)?"
                      r"(?:(?:NO\s+)?SCROLL\s+)?CURSOR\s+(?:(?:WITH|WITHOUT)\s+HOLD\s+)?FOR\s+(?P<query>.+)$",
                      re.I | re.S)
# PostgreSQL session parameters clients set; accepted (and remembered for SHOW), never passed to DuckDB
# except search_path. Any other name that is a DuckDB setting is refused.
_PG_SETTINGS = {"search_path", "timezone", "datestyle", "client_encoding", "application_name", "extra_float_digits",
                "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "intervalstyle",
                "bytea_output", "client_min_messages", "standard_conforming_strings", "default_transaction_isolation",
                "default_transaction_read_only", "transaction_isolation", "row_security", "jit", "work_mem"}


def _ident(name: str) -> str:
    name = name.strip()
    return name[1:-1].replace('""', '"') if name.startswith('"') and name.endswith('"') else name.lower()


# Statement types that never change anything and may reach DuckDB.
_READ_TYPES = {"SELECT", "EXPLAIN"}


@dataclass
class Result:
    columns: list[tuple[str, object]] | None  # (name, DuckDB type); None: no result set
    rows: Iterator[tuple] | None = None
    tag: str = ""
    relation: object = None
    binary: bool = False  # rows of a BINARY cursor

    def fetch(self) -> Iterator[tuple]:
        if self.rows is None:
            self.rows = iter(self.relation.fetchall()) if self.relation is not None else iter(())
        return self.rows


def _const_result(name: str, value: str, tag: str = "SHOW") -> Result:
    return Result([(name, duckdb.sqltype("VARCHAR"))], iter([(value,)]), tag)


# ---------------------------------------------------------------------------------------------
# A session: one client connection, one read-only snapshot of the published file
# ---------------------------------------------------------------------------------------------

class Session:
    def __init__(self, db_path: Path, startup: dict[str, str]):
        if not db_path.exists():
            raise PgError(f"no published database at {db_path} yet: run `voice-monitor run` first",
                          "3D000", "FATAL")
        self.params = {
            "server_version": SERVER_VERSION, "server_version_num": "150000",
            "server_encoding": "UTF8", "client_encoding": "UTF8", "DateStyle": "ISO, MDY",
            "TimeZone": SESSION_TIMEZONE, "integer_datetimes": "on", "standard_conforming_strings": "on",
            "IntervalStyle": "postgres", "is_superuser": "off", "default_transaction_read_only": "on",
            "in_hot_standby": "on", "application_name": startup.get("application_name", ""),
            "session_authorization": startup.get("user", "analyst"),
        }
        self.con = duckdb.connect(":memory:", config={"threads": 2, "memory_limit": "2GB"})
        try:
            self.con.execute(f"attach {sql_string(str(db_path))} as {DATABASE} (read_only)")
            for name in OID_TYPES:
                self.con.execute(f"create type memory.main.{name} as bigint")
            self.con.execute(f"use {DATABASE}")
            for macro in SESSION_MACROS:
                self.con.execute(macro)
            for name, columns in EMPTY_CATALOGUE.items():
                cols = ", ".join(f"cast(null as {c.split()[1]}) as {c.split()[0]}" for c in columns.split(","))
                self.con.execute(f"create temp view {name} as select * from (select {cols}) where false")
            for name, query in CATALOGUE_VIEWS.items():
                self.con.execute(f"create temp view {name} as {query}")
            for macro in DESCRIPTION_MACROS:
                self.con.execute(macro)
            self.con.execute("create temp table _cursors (name varchar, statement varchar, is_holdable boolean, "
                             "is_binary boolean, is_scrollable boolean, creation_time timestamptz)")
            self.con.execute("create temp view pg_cursors as select * from _cursors")
            self.con.execute(f"set search_path = {sql_string(SEARCH_PATH_TAIL.lstrip(','))}")
            self.con.execute("set enable_external_access = false")
            self.con.execute("set lock_configuration = true")
        except Exception:
            self.con.close()
            raise
        self.in_txn = False
        self.failed = False
        self.cursors: dict[str, Result] = {}

    def close(self) -> None:
        try:
            self.con.close()
        except Exception:  # pragma: no cover - closing twice
            pass

    @property
    def status(self) -> TransactionStatus:
        if not self.in_txn:
            return TransactionStatus.IDLE
        return TransactionStatus.ERROR_TRANSACTION if self.failed else TransactionStatus.IN_TRANSACTION

    # -- statements --------------------------------------------------------------------------
    def prepare(self, sql: str) -> "Prepared":
        """Classify one statement; nothing runs yet."""
        text = _strip_comments(sql).strip()
        upper = re.sub(r"\s+", " ", text.upper())
        if not text:
            return Prepared(sql, "EMPTY")
        first = upper.split(" ", 1)[0]
        if first in ("BEGIN", "START"):
            return Prepared(sql, "BEGIN")
        if first in ("COMMIT", "END"):
            return Prepared(sql, "COMMIT")
        if first in ("ROLLBACK", "ABORT"):
            return Prepared(sql, "ROLLBACK" if " TO " not in upper else "ROLLBACK_TO")
        if first in ("SET", "RESET", "SHOW", "DISCARD", "DEALLOCATE", "SAVEPOINT", "RELEASE", "LISTEN", "UNLISTEN",
                     "FETCH", "CLOSE"):
            return Prepared(sql, first)
        m = _DECLARE.match(text)
        if m:  # server-side cursor: DECLARE name CURSOR FOR <query>
            inner = self.prepare(m.group("query"))
            if inner.kind != "QUERY":
                raise PgError("DECLARE CURSOR needs a SELECT query", "42601")
            return Prepared(sql, "DECLARE", inner.duck, cursor=_ident(m.group("name")),
                            binary=bool(m.group("binary")))
        duck = to_duckdb(sql)
        try:
            statements = self.con.extract_statements(duck)
        except duckdb.Error as e:
            raise _pg_error(e) from None
        if len(statements) != 1:
            raise PgError("cannot insert multiple commands into a prepared statement", "42601")
        kind = statements[0].type.name
        if kind not in _READ_TYPES:
            raise PgError(f"cannot execute {first} in a read-only transaction: the published Voice Monitor "
                          "database is read-only", "25006")
        return Prepared(sql, "QUERY", duck)

    def describe(self, prepared: "Prepared", literals: list[str] | None, cursor: bool = False) -> Result | None:
        """Columns of a statement without running it (parameters unknown: NULL)."""
        if prepared.kind == "SHOW":
            return self._show(prepared.sql)
        if prepared.kind == "FETCH":
            source = self._cursor_of(prepared.sql)[1]
            return Result(source.columns, iter(()), "FETCH", binary=source.binary)
        if prepared.kind != "QUERY" and not (cursor and prepared.kind == "DECLARE"):
            return None
        n = prepared.param_count()
        sql = with_parameters(prepared.duck, literals if literals is not None else ["NULL"] * n)
        try:
            rel = self.con.sql(sql)
        except duckdb.Error as e:
            raise _pg_error(e) from None
        return Result(list(zip(rel.columns, rel.types)), relation=rel, tag="SELECT")

    def execute(self, prepared: "Prepared", literals: list[str] | None = None) -> Result:
        if self.failed and prepared.kind not in ("ROLLBACK", "COMMIT", "ROLLBACK_TO"):
            raise PgError("current transaction is aborted, commands ignored until end of transaction block",
                          "25P02")
        handler = getattr(self, f"_run_{prepared.kind.lower()}", None)
        if handler is not None:
            return handler(prepared)
        if prepared.kind == "SHOW":
            return self._show(prepared.sql)
        if prepared.kind in ("DISCARD", "DEALLOCATE", "LISTEN", "UNLISTEN", "RESET"):
            return Result(None, tag=prepared.kind if prepared.kind != "DISCARD" else "DISCARD ALL")
        if prepared.kind in ("SAVEPOINT", "RELEASE"):  # nothing is ever written: a savepoint is a no-op
            if not self.in_txn:
                raise PgError(f"{prepared.kind} can only be used in transaction blocks", "25P01")
            return Result(None, tag=prepared.kind)
        if prepared.kind == "EMPTY":
            return Result(None, tag="")
        if prepared.kind == "DECLARE":
            cursor = self.describe(prepared, literals, cursor=True)
            cursor.binary = prepared.binary
            self.cursors[prepared.cursor] = cursor
            self.con.execute("insert into _cursors values (?, ?, false, ?, false, now())",
                             [prepared.cursor, prepared.sql, prepared.binary])
            return Result(None, tag="DECLARE CURSOR")
        if prepared.kind == "FETCH":
            return self._fetch(prepared.sql)
        if prepared.kind == "CLOSE":
            name = _ident(re.sub(r"^\s*CLOSE\s+", "", _strip_comments(prepared.sql), flags=re.I).strip())
            if name.upper() == "ALL":
                self._close_cursors()
            elif self.cursors.pop(name, None) is None:
                raise PgError(f'cursor "{name}" does not exist', "34000")
            else:
                self.con.execute("delete from _cursors where name = ?", [name])
            return Result(None, tag="CLOSE CURSOR")
        result = self.describe(prepared, literals)
        try:
            rows = result.relation.fetchall()
        except duckdb.Error as e:
            raise _pg_error(e) from None
        result.rows = iter(rows)
        return result

    def _run_begin(self, prepared):
        if not self.in_txn:
            self.con.execute("begin transaction")
            self.in_txn, self.failed = True, False
        return Result(None, tag="BEGIN")

    def _run_commit(self, prepared):
        tag = "ROLLBACK" if self.failed else "COMMIT"
        self._close_cursors()
        if self.in_txn:
            self.con.execute("rollback")
        self.in_txn = self.failed = False
        return Result(None, tag=tag)

    def _run_rollback(self, prepared):
        self._close_cursors()
        if self.in_txn:
            self.con.execute("rollback")
        self.in_txn = self.failed = False
        return Result(None, tag="ROLLBACK")

    def _run_rollback_to(self, prepared):
        if not self.in_txn:
            raise PgError("ROLLBACK TO SAVEPOINT can only be used in transaction blocks", "25P01")
        if self.failed:  # DuckDB aborts the whole transaction on error: start a fresh one (same snapshot file)
            self.con.execute("rollback")
            self.con.execute("begin transaction")
            self.failed = False
        return Result(None, tag="ROLLBACK")

    def _run_set(self, prepared):
        text = _strip_comments(prepared.sql).strip()
        m = re.match(r"SET\s+(?:SESSION\s+|LOCAL\s+)?([\w.]+)\s*(?:=|\bTO\b)\s*(.+)$", text, re.I | re.S)
        if m:
            name, value = m.group(1), m.group(2).strip()
            if value.startswith("'") and value.endswith("'"):
                value = value[1:-1].replace("''", "'")
            key = {k.lower(): k for k in self.params}.get(name.lower(), name)
            if name.lower() not in _PG_SETTINGS and self.con.execute(
                    "select count(*) from duckdb_settings() where name = lower(?)", [name]).fetchall()[0][0]:
                raise PgError(f'parameter "{name}" cannot be changed: this endpoint is read-only', "55P02")
            if name.lower() == "search_path":
                self._set_search_path(value)
            self.params[key] = value
        return Result(None, tag="SET")

    def _close_cursors(self) -> None:
        if self.cursors:
            self.cursors.clear()
            self.con.execute("delete from _cursors")

    def _cursor_of(self, sql: str) -> tuple[str, Result]:
        m = re.match(r"\s*FETCH\s+(?:(FORWARD|NEXT)\s+)?(ALL|\d+)?\s*(?:FROM|IN)?\s*(\S+)\s*$",
                     _strip_comments(sql), re.I)
        if not m:
            raise PgError("only FETCH [FORWARD] n|ALL FROM cursor is supported", "0A000")
        name = _ident(m.group(3))
        if name not in self.cursors:
            raise PgError(f'cursor "{name}" does not exist', "34000")
        return m.group(2) or "1", self.cursors[name]

    def _fetch(self, sql: str) -> Result:
        count, cursor = self._cursor_of(sql)
        rows = cursor.fetch()
        batch = list(rows) if count.upper() == "ALL" else list(itertools.islice(rows, int(count)))
        return Result(cursor.columns, iter(batch), "FETCH", binary=cursor.binary)

    def _set_search_path(self, value: str) -> None:
        names = [v.strip().strip("'\"") for v in value.split(",")]
        names = ["main" if n == "public" else n for n in names if n and n != "$user"]
        known = {r[0] for r in self.con.execute(
            "select schema_name from duckdb_schemas() where database_name = current_database()").fetchall()}
        names = [n for n in names if n in known] or ["main"]
        self.con.execute(f"set search_path = {sql_string(','.join(names) + SEARCH_PATH_TAIL)}")

    def _show(self, sql: str) -> Result:
        text = _strip_comments(sql).strip().rstrip(";")
        name = re.sub(r"^SHOW\s+", "", text, flags=re.I).strip()
        lower = re.sub(r"\s+", " ", name.lower())
        fixed = {"transaction isolation level": ("transaction_isolation", "read committed"),
                 "transaction_isolation": ("transaction_isolation", "read committed"),
                 "transaction_read_only": ("transaction_read_only", "on"),
                 "max_identifier_length": ("max_identifier_length", "63"),
                 "lc_collate": ("lc_collate", "C"), "lc_ctype": ("lc_ctype", "C")}
        if lower in fixed:
            return _const_result(*fixed[lower])
        for key, value in self.params.items():
            if key.lower() == lower:
                if lower == "search_path":
                    value = self.con.execute("select current_setting('search_path')").fetchall()[0][0]
                return _const_result(key.lower(), value)
        try:  # DuckDB's SHOW TABLES / SHOW <table>
            rel = self.con.sql(f"show {name}")
            return Result(list(zip(rel.columns, rel.types)), iter(rel.fetchall()), "SHOW")
        except duckdb.Error:
            raise PgError(f'unrecognized configuration parameter "{name}"', "42704") from None


@dataclass
class Prepared:
    sql: str
    kind: str            # QUERY, BEGIN, COMMIT, ROLLBACK, SET, SHOW, EMPTY, …
    duck: str = ""       # the statement in DuckDB's dialect (QUERY only)
    param_types: list[int] = field(default_factory=list)
    cursor: str = ""
    binary: bool = False

    def array_params(self) -> list[int]:
        return [int(n) - 1 for n in re.findall(r"\b(?:any|all)\s*\(\s*\$(\d+)\s*\)", self.duck, re.I)]

    def param_count(self) -> int:
        if not self.duck:
            return len(self.param_types)
        found = [int(n) for n in re.findall(r"\$(\d+)", self.duck)]
        return max(found + [len(self.param_types)])


def _pg_error(e: Exception) -> PgError:
    name = type(e).__name__
    state = {"ParserException": "42601", "CatalogException": "42P01", "BinderException": "42703",
             "PermissionException": "42501", "ConversionException": "22P02", "InvalidInputException": "22023",
             "OutOfRangeException": "22003", "InterruptException": "57014"}.get(name, "XX000")
    return PgError(str(e), state)


# ---------------------------------------------------------------------------------------------
# The wire loop
# ---------------------------------------------------------------------------------------------

@dataclass
class _Portal:
    prepared: Prepared
    literals: list[str]
    formats: list[int]
    result: Result | None = None
    sent: int = 0


class _Client(socketserver.BaseRequestHandler):
    server: "PgServer"

    def setup(self) -> None:
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.wire = BackendConnection(strict=False)
        self.session: Session | None = None
        self.statements: dict[str, Prepared] = {}
        self.portals: dict[str, _Portal] = {}
        self.skipping = False  # after an error in extended query: ignore until Sync
        self.out = bytearray()
        self.closing = False

    def send(self, msg) -> None:
        self.out += self.wire.send(msg)

    def flush(self) -> None:
        if self.out:
            self.request.sendall(bytes(self.out))
            self.out.clear()

    def error(self, e: PgError) -> None:
        log.info("%s %s", e.sqlstate, e)
        self.send(ErrorResponse(fields={"S": e.severity, "V": e.severity, "C": e.sqlstate, "M": str(e)}))
        if self.session is not None and self.session.in_txn:
            self.session.failed = True

    def handle(self) -> None:
        try:
            while not self.closing:
                data = self.request.recv(65536)
                if not data:
                    break
                for msg in self.wire.receive(data):
                    self.dispatch(msg)
                    if self.closing:
                        break
                self.flush()
        except (ConnectionError, OSError):
            pass
        except Exception:  # pragma: no cover - a bug: tell the client, keep the server up
            log.exception("pgwire connection failed")
            try:
                self.error(PgError("internal error in the Voice Monitor endpoint", "XX000", "FATAL"))
                self.flush()
            except OSError:
                pass
        finally:
            if self.session is not None:
                self.server.forget(self.session)
                self.session.close()

    # -- startup -----------------------------------------------------------------------------
    def dispatch(self, msg) -> None:
        if isinstance(msg, (SSLRequest, GSSEncRequest)):  # no TLS on a loopback endpoint
            reply = SSLResponse(accepted=False) if isinstance(msg, SSLRequest) else GSSResponse(accepted=False)
            self.send(reply)
            self.flush()
            return
        if isinstance(msg, CancelRequest):
            self.closing = True
            return
        if isinstance(msg, StartupMessage):
            self.startup(msg.params)
            return
        if isinstance(msg, Terminate):
            self.closing = True
            return
        if self.session is None:
            self.error(PgError("startup message expected", "08P01", "FATAL"))
            self.closing = True
            return
        if isinstance(msg, Query):
            self.simple_query(msg.query_string)
            return
        if isinstance(msg, Sync):
            self.skipping = False
            self.portals.pop("", None)
            self.send(ReadyForQuery(status=self.session.status))
            return
        if isinstance(msg, Flush):
            self.flush()
            return
        if self.skipping:
            return
        try:
            if isinstance(msg, Parse):
                self.parse(msg)
            elif isinstance(msg, Bind):
                self.bind(msg)
            elif isinstance(msg, Describe):
                self.describe(msg)
            elif isinstance(msg, Execute):
                self.execute(msg)
            elif isinstance(msg, Close):
                (self.statements if msg.kind == "S" else self.portals).pop(msg.name, None)
                self.send(CloseComplete())
            else:
                raise PgError(f"{type(msg).__name__} is not supported by this endpoint", "0A000")
        except PgError as e:
            self.error(e)
            self.skipping = True

    def startup(self, params: dict[str, str]) -> None:
        log.info("connection from %s: user=%s database=%s application=%s", self.client_address[0],
                 params.get("user"), params.get("database"), params.get("application_name"))
        try:
            self.session = Session(self.server.db_path, params)
        except PgError as e:
            self.error(e)
            self.closing = True
            return
        except duckdb.Error as e:
            self.error(PgError(f"cannot open the published database: {e}", "58000", "FATAL"))
            self.closing = True
            return
        self.server.remember(self.session)
        self.send(AuthenticationOk())
        for key in ("server_version", "server_encoding", "client_encoding", "DateStyle", "TimeZone",
                    "integer_datetimes", "standard_conforming_strings", "IntervalStyle", "is_superuser",
                    "default_transaction_read_only", "in_hot_standby", "application_name",
                    "session_authorization"):
            self.send(ParameterStatus(name=key, value=self.session.params[key]))
        self.send(BackendKeyData(process_id=os.getpid() & 0x7FFFFFFF, secret_key=secrets.token_bytes(4)))
        self.send(ReadyForQuery(status=TransactionStatus.IDLE))

    # -- simple query ------------------------------------------------------------------------
    def simple_query(self, sql: str) -> None:
        log.debug("query: %s", sql)
        pieces = split_statements(sql) if sql.strip() else []
        if not pieces:
            self.send(EmptyQueryResponse())
        for piece in pieces:
            try:
                prepared = self.session.prepare(piece)
                result = self.session.execute(prepared)
            except PgError as e:
                self.error(e)
                break
            self.send_result(result, [], 0)
            if prepared.kind == "SET" and re.match(r"\s*set\s+(session\s+)?application_name\b", piece, re.I):
                self.send(ParameterStatus(name="application_name", value=self.session.params["application_name"]))
        self.send(ReadyForQuery(status=self.session.status))

    def send_result(self, result: Result, formats: list[int], limit: int, portal: _Portal | None = None,
                    describe: bool = True) -> None:
        if result.columns is None:
            self.send(CommandComplete(tag=result.tag) if result.tag else EmptyQueryResponse())
            return
        columns = self._columns(result, [1] if result.binary else formats)
        if describe:
            self.send(RowDescription(fields=[c[0] for c in columns]))
        rows = result.fetch()
        count = 0
        for row in rows:
            values: list[bytes | None] = []
            for value, (fd, t) in zip(row, columns):
                if value is None:
                    values.append(None)
                elif fd.format_code == 1:
                    values.append(binary_value(value, fd.type_oid) if fd.type_oid != 25
                                  else text_value(value, t).encode("utf-8"))
                else:
                    values.append(text_value(value, t).encode("utf-8"))
            self.send(DataRow(columns=values))
            count += 1
            if len(self.out) > 1 << 20:
                self.flush()
            if limit and count >= limit:
                break
        if portal is not None:
            portal.sent += count
            total = portal.sent
        else:
            total = count
        if limit and count >= limit:
            self.send(PortalSuspended())
        else:
            verb = result.tag or "SELECT"
            self.send(CommandComplete(tag=f"{verb} {total}" if verb in ("SELECT", "FETCH") else verb))

    @staticmethod
    def _columns(result: Result, formats: list[int]) -> list[tuple[FieldDescription, object]]:
        out = []
        for i, (name, t) in enumerate(result.columns):
            fmt = formats[i] if len(formats) > 1 else (formats[0] if formats else 0)
            oid = pg_oid(t)
            if fmt == 1 and oid not in _BINARY_OK:
                oid = 25  # sent as text bytes in binary format: the client reads a string
            out.append((FieldDescription(name=name, type_oid=oid, type_size=_TYPE_SIZES.get(oid, -1),
                                         type_modifier=-1, format_code=fmt), t))
        return out

    # -- extended query ----------------------------------------------------------------------
    def parse(self, msg: Parse) -> None:
        log.debug("parse %r: %s %s", msg.statement, msg.query, msg.param_types)
        prepared = self.session.prepare(msg.query) if msg.query.strip() else Prepared(msg.query, "EMPTY")
        prepared.param_types = list(msg.param_types)
        self.statements[msg.statement] = prepared
        self.send(ParseComplete())

    def bind(self, msg: Bind) -> None:
        prepared = self._statement(msg.statement)
        values = msg.param_values
        fmts = msg.param_formats
        fmts = fmts * len(values) if len(fmts) == 1 else (fmts or [0] * len(values))
        types = prepared.param_types + [0] * (len(values) - len(prepared.param_types))
        for i in prepared.array_params():  # `= any($1)` with an untyped '{a,b}': PostgreSQL infers text[]
            if i < len(types) and types[i] in (0, 705) and fmts[i] == 0:
                types[i] = 1009
        literals = [param_literal(v, f, t) for v, f, t in zip(values, fmts, types)]
        self.portals[msg.portal] = _Portal(prepared, literals, list(msg.result_formats))
        self.send(BindComplete())

    def _statement(self, name: str) -> Prepared:
        if name not in self.statements:
            raise PgError(f'prepared statement "{name}" does not exist', "26000")
        return self.statements[name]

    def describe(self, msg: Describe) -> None:
        if msg.kind == "S":
            prepared = self._statement(msg.name)
            n = prepared.param_count()
            oids = [t if t else 25 for t in (prepared.param_types + [0] * n)[:n]]
            self.send(ParameterDescription(type_oids=oids))
            result = self.session.describe(prepared, None)
            if result is None or result.columns is None:
                self.send(NoData())
            else:
                self.send(RowDescription(fields=[c[0] for c in self._columns(result, [])]))
            return
        portal = self.portals.get(msg.name)
        if portal is None and msg.name in self.session.cursors:  # a cursor opened with DECLARE
            cursor = self.session.cursors[msg.name]
            self.send(RowDescription(fields=[c[0] for c in self._columns(cursor, [1] if cursor.binary else [])]))
            return
        if portal is None:
            raise PgError(f'portal "{msg.name}" does not exist', "34000")
        result = self.session.describe(portal.prepared, portal.literals)
        if result is None or result.columns is None:
            self.send(NoData())
        else:
            self.send(RowDescription(fields=[c[0] for c in self._columns(result, portal.formats)]))

    def execute(self, msg: Execute) -> None:
        portal = self.portals.get(msg.portal)
        if portal is None:
            raise PgError(f'portal "{msg.portal}" does not exist', "34000")
        log.debug("execute %r: %s", msg.portal, portal.prepared.sql)
        if portal.result is None:
            portal.result = self.session.execute(portal.prepared, portal.literals)
        self.send_result(portal.result, portal.formats, msg.max_rows, portal, describe=False)


class PgServer(socketserver.ThreadingTCPServer):
    """The endpoint: ``PgServer(db_path, port).serve_forever()``."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, db_path: Path, port: int = DEFAULT_PORT, host: str = DEFAULT_HOST):
        self.db_path = Path(db_path)
        self._sessions: set[Session] = set()
        self._lock = threading.Lock()
        super().__init__((host, port), _Client)

    def remember(self, session: Session) -> None:
        with self._lock:
            self._sessions.add(session)

    def forget(self, session: Session) -> None:
        with self._lock:
            self._sessions.discard(session)

    @property
    def open_sessions(self) -> int:
        with self._lock:
            return len(self._sessions)


def connection_help(port: int = DEFAULT_PORT, host: str = DEFAULT_HOST) -> list[str]:
    return [f"psql -h {host} -p {port} -U analyst -d {DATABASE}",
            f"BI tools: PostgreSQL connection, host {host}, port {port}, database {DATABASE}, "
            "any user name, no password, SSL off"]


def serve(db_path: Path, port: int = DEFAULT_PORT, host: str = DEFAULT_HOST,
          say=print) -> None:  # pragma: no cover - exercised through the CLI in tests
    server = PgServer(db_path, port, host)
    say(f"Serving {db_path} read-only over the PostgreSQL protocol on {host}:{server.server_address[1]}")
    for line in connection_help(server.server_address[1], host):
        say(f"  {line}")
    say("New connections see each new publish; Ctrl-C stops the server.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
