"""Which PostgreSQL the warehouse writes to, with which role, and the roles analysts use.

Roles: an ``admin`` superuser only the local cluster has (it creates the others), the
``voice_monitor_owner`` role the warehouse writes with (it owns the database and the schemas it
swaps in), and the read-only ``analyst`` role for BI tools: SELECT on the published tables and
nothing else, ``default_transaction_read_only`` and a default ``statement_timeout``.

Secrets: the passwords of the local cluster's admin and owner are generated once and kept in
``state/postgres/passwords.json`` (mode 600). The analyst's comes from
``VOICE_MONITOR_ANALYST_PASSWORD``; when that is unset one is generated and kept in
``state/postgres/analyst.password`` (mode 600) for ``voice-monitor serve`` to show. A password
is never put in a log, a command line or a SQL statement: roles get SCRAM verifiers computed
on this side.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.bi.postgres.cluster import LOOPBACK, Layout
from orchestration.paths import Home

DATABASE = "voice_monitor"
ADMIN = "voice_monitor_admin"
OWNER = "voice_monitor_owner"
ANALYST = "analyst"
URL_ENV = "VOICE_MONITOR_POSTGRES_URL"
ANALYST_PASSWORD_ENV = "VOICE_MONITOR_ANALYST_PASSWORD"
ANALYST_STATEMENT_TIMEOUT = "15min"
# an analyst's transaction left open holds the tables a re-publish replaced until it ends
ANALYST_IDLE_IN_TRANSACTION_TIMEOUT = "1h"
CONNECT_TIMEOUT = 5


class AccessError(Exception):
    """A plain-words reason the BI database cannot be reached or prepared."""


def _write_secret(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    tmp.replace(path)


def local_passwords(layout: Layout) -> dict[str, str]:
    """The admin and owner passwords of the local cluster, generated on first use."""
    path = layout.root / "passwords.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    found = {ADMIN: secrets.token_urlsafe(24), OWNER: secrets.token_urlsafe(24)}
    _write_secret(path, json.dumps(found))
    return found


@dataclass(frozen=True)
class AnalystLogin:
    user: str
    password: str
    source: str           # "env" or the file it is kept in


def analyst_login(layout: Layout) -> AnalystLogin:
    if os.environ.get(ANALYST_PASSWORD_ENV):
        return AnalystLogin(ANALYST, os.environ[ANALYST_PASSWORD_ENV], "env")
    path = layout.root / "analyst.password"
    if not path.exists():
        _write_secret(path, secrets.token_urlsafe(18) + "\n")
    return AnalystLogin(ANALYST, path.read_text(encoding="utf-8").strip(), str(path))


@dataclass(frozen=True)
class Target:
    """A PostgreSQL server and the role the warehouse writes it with (psycopg connection keywords)."""

    params: dict = field(hash=False)
    local: bool

    @property
    def host(self) -> str:
        return self.params.get("host") or "localhost"

    @property
    def port(self) -> int:
        return int(self.params.get("port") or 5432)

    @property
    def dbname(self) -> str:
        return self.params.get("dbname") or DATABASE

    def __str__(self) -> str:           # for messages: never the password
        return f"{self.host}:{self.port}/{self.dbname}"

    def connect(self, **kwargs):
        import psycopg

        options = {"connect_timeout": CONNECT_TIMEOUT, "application_name": "voice-monitor", **self.params, **kwargs}
        return psycopg.connect(**options)


def local_target(layout: Layout, port: int | None = None) -> Target:
    if port is None:
        port = json.loads(layout.server_file.read_text(encoding="utf-8"))["port"]
    return Target({"host": LOOPBACK, "port": port, "dbname": DATABASE, "user": OWNER,
                   "password": local_passwords(layout)[OWNER], "sslmode": "disable"}, local=True)


def target(home: Home) -> Target | None:
    """Where runs sync to: ``VOICE_MONITOR_POSTGRES_URL``, else the local cluster once ``voice-monitor
    serve`` has set it up; None when there is no BI database (then runs leave PostgreSQL alone)."""
    url = os.environ.get(URL_ENV)
    if url:
        from psycopg.conninfo import conninfo_to_dict

        try:
            params = conninfo_to_dict(url)
        except Exception as e:       # psycopg.ProgrammingError: the message quotes no password
            raise AccessError(f"{URL_ENV} is not a valid PostgreSQL URL: {e}") from None
        return Target({k: v for k, v in params.items() if v is not None}, local=False)
    layout = Layout.of(home)
    if layout.server_file.exists():
        return local_target(layout)
    return None


def _verifier(conn, user: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password`` (libpq computes it; the server never sees the password)."""
    return conn.pgconn.encrypt_password(password.encode(), user.encode(), b"scram-sha-256").decode()


def _ensure_role(conn, name: str, password: str, attributes: str = "") -> None:
    from psycopg import sql

    exists = conn.execute("select 1 from pg_roles where rolname = %s", [name]).fetchone()
    verb = "alter" if exists else "create"
    conn.execute(sql.SQL("{} role {} login {} password {}").format(
        sql.SQL(verb), sql.Identifier(name), sql.SQL(attributes), sql.Literal(_verifier(conn, name, password))))


def prepare_local(layout: Layout, port: int, analyst: AnalystLogin) -> None:
    """As the admin: the owner and analyst roles, the database, and what analysts may do."""
    from psycopg import sql

    passwords = local_passwords(layout)
    admin = Target({"host": LOOPBACK, "port": port, "dbname": "postgres", "user": ADMIN,
                    "password": passwords[ADMIN], "sslmode": "disable"}, local=True)
    with admin.connect(autocommit=True) as conn:
        _ensure_role(conn, OWNER, passwords[OWNER], "nosuperuser nocreaterole nocreatedb")
        _ensure_role(conn, analyst.user, analyst.password, "nosuperuser nocreaterole nocreatedb noinherit")
        if not conn.execute("select 1 from pg_database where datname = %s", [DATABASE]).fetchone():
            conn.execute(sql.SQL("create database {} owner {}").format(sql.Identifier(DATABASE),
                                                                         sql.Identifier(OWNER)))
        role, db = sql.Identifier(analyst.user), sql.Identifier(DATABASE)
        for statement in (
                "revoke all on database {db} from public",          # no TEMP tables, no CONNECT for others
                "grant connect on database {db} to {role}",
                "alter role {role} in database {db} set default_transaction_read_only = on",
                f"alter role {{role}} in database {{db}} set statement_timeout = '{ANALYST_STATEMENT_TIMEOUT}'",
                "alter role {role} in database {db} set idle_in_transaction_session_timeout = "
                f"'{ANALYST_IDLE_IN_TRANSACTION_TIMEOUT}'"):
            conn.execute(sql.SQL(statement).format(db=db, role=role))
    with local_target(layout, port).connect(autocommit=True) as conn:
        conn.execute("revoke create on schema public from public")      # only the owner creates objects
        create_helpers(conn)


def create_helpers(conn) -> None:
    """As the owner, in the BI database, the one helper the SQL cookbook relies on: PostgreSQL has
    ``round(numeric, int)`` but no ``round(double precision, int)``, which DuckDB users (and
    docs/sql_cookbook.md) write for every percentage. Rounds half away from zero, as DuckDB does."""
    conn.execute("""create or replace function public.round(double precision, integer)
                    returns double precision language sql immutable strict parallel safe
                    as 'select pg_catalog.round($1::numeric, $2)::double precision'""")
    conn.execute("comment on function public.round(double precision, integer) is "
                 "'round(x, digits) for double precision (half away from zero, as DuckDB rounds)'")
