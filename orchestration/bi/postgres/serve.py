"""``voice-monitor serve``: the BI database up, caught up with the published file, and how to connect.

Local cluster (the default): set it up on first use, start it (or reuse one already running
on the port asked for), make the roles, sync, print the connection settings, then stay in the
foreground until Ctrl-C or SIGTERM and stop the server it started. While it is up, every
publish syncs it. With ``VOICE_MONITOR_POSTGRES_URL`` the server is someone else's: serve only
syncs it and prints the settings.
"""

from __future__ import annotations

import json
import signal
import socket
import sys
import threading
from dataclasses import dataclass
from typing import Callable

from orchestration.bi.postgres import access, cluster
from orchestration.bi.postgres.cluster import DEFAULT_PORT, LOOPBACK, ClusterError, Layout, Settings
from orchestration.bi.postgres.sync import SyncResult, sync
from orchestration.paths import Home

READY = "Serving until Ctrl-C"       # the last line serve prints once the database is synced


def psql_command(host: str = LOOPBACK, port: int = DEFAULT_PORT, dbname: str = access.DATABASE,
                 user: str = access.ANALYST) -> str:
    return f"psql -h {host} -p {port} -U {user} -d {dbname}"


def connection_lines(host: str, port: int, dbname: str, analyst: access.AnalystLogin | None,
                     tls: str) -> list[str]:
    if analyst is None:
        password = "the analyst role's password (ask whoever runs the server)"
    elif analyst.source == "env":
        password = f"from ${access.ANALYST_PASSWORD_ENV}"
    else:
        password = f"{analyst.password}   (kept in {analyst.source}, mode 600; set " \
                   f"${access.ANALYST_PASSWORD_ENV} to choose one)"
    user = analyst.user if analyst else access.ANALYST
    return ["Connection settings for a BI tool (type PostgreSQL; read-only role):",
            f"  host      {host}", f"  port      {port}", f"  database  {dbname}", f"  user      {user}",
            f"  password  {password}", f"  SSL       {tls}",
            f"  psql:     {psql_command(host, port, dbname, user)}",
            f"  JDBC:     jdbc:postgresql://{host}:{port}/{dbname}"]


def serve(home: Home, port: int | None = None, say: Callable[[str], None] = print) -> int:
    if not home.published_db.exists():
        print(f"No published database at {home.published_db}: run `voice-monitor run` first.", file=sys.stderr)
        return 1
    try:
        target = access.target(home)
        if target is not None and not target.local:
            return _serve_existing(home, target, say)
        return _serve_local(home, port, say)
    except (ClusterError, access.AccessError) as e:
        print(f"voice-monitor serve: {e}", file=sys.stderr)
        return 1


def _serve_existing(home: Home, target: access.Target, say) -> int:
    import psycopg

    say(f"BI database: the PostgreSQL server of ${access.URL_ENV} ({target})")
    try:
        with target.connect(autocommit=True) as conn:
            access.create_helpers(conn)
    except psycopg.Error as e:       # not fatal: only the round(double precision, int) convenience is missing
        say(f"Note: round(double precision, integer) not created in the public schema ({str(e).strip()})")
    result = sync(home, target)
    say(result.line())
    for line in connection_lines(target.host, target.port, target.dbname, None,
                                 target.params.get("sslmode") or "as the server requires"):
        say(line)
    return 0 if result.ok else 1


@dataclass(frozen=True)
class LocalServer:
    layout: Layout
    settings: Settings
    analyst: access.AnalystLogin
    started_here: bool          # False: it was already running (reused), so it is left running


def bring_up(home: Home, port: int | None = None, say: Callable[[str], None] = print) -> LocalServer:
    """The local cluster set up (on first use), running on the port asked for, its roles and
    database prepared, and recorded in ``server.json`` so that runs sync it from now on."""
    import psycopg

    layout = Layout.of(home)
    settings = Settings.load(home, port)
    passwords = access.local_passwords(layout)
    analyst = access.analyst_login(layout)
    if not layout.initialised:
        say(f"Creating the BI database cluster in {layout.data} (PostgreSQL {cluster.server_version()})")
        cluster.initialise(layout, access.ADMIN, passwords[access.ADMIN])
    running = cluster.postmaster(layout)
    if running is not None and running.port != settings.port:
        say(f"PostgreSQL is running on port {running.port}; restarting it on {settings.port}")
        cluster.stop(layout)
        running = None
    if running is None:
        cluster.start(layout, settings)
    else:
        say(f"PostgreSQL already running (pid {running.pid}, port {running.port}): reusing it; it keeps "
            "running when this command stops")
    try:
        access.prepare_local(layout, settings.port, analyst)
    except psycopg.Error as e:
        if running is None:
            cluster.stop(layout)
        raise ClusterError(f"could not prepare the roles and database: {e}\n{cluster.log_tail(layout)}") from None
    layout.server_file.write_text(json.dumps({"host": LOOPBACK, "port": settings.port, "tls": settings.tls}),
                                  encoding="utf-8")
    return LocalServer(layout, settings, analyst, started_here=running is None)


def _serve_local(home: Home, port: int | None, say) -> int:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):      # from now on: stop what we started, then exit
        signal.signal(sig, lambda *_: stop.set())
    server = bring_up(home, port, say)
    layout, settings = server.layout, server.settings
    try:
        result: SyncResult = sync(home, access.local_target(layout, settings.port))
        host = LOOPBACK if settings.loopback else socket.getfqdn()
        say(f"BI database: PostgreSQL on {host}:{settings.port} (cluster {layout.data}, listening on "
            f"{settings.listen_addresses})")
        say(result.line())
        tls = ("on (sslmode=require; certificate " + str(settings.ssl_cert_file) + ")") if settings.tls \
            else "off: loopback only (see docs/bi.md for TLS)"
        for line in connection_lines(host, settings.port, access.DATABASE, server.analyst, tls):
            say(line)
        say(f"{READY}; every `voice-monitor run` that publishes syncs PostgreSQL while it is up.")
        sys.stdout.flush()
        while not stop.wait(1.0):
            if cluster.postmaster(layout) is None:
                print(f"PostgreSQL stopped unexpectedly:\n{cluster.log_tail(layout)}", file=sys.stderr)
                return 1
        return 0
    finally:
        if server.started_here:
            cluster.stop(layout)
