"""A local PostgreSQL cluster under ``$VOICE_MONITOR_HOME/state/postgres``, run from the binaries
of the Debian ``postgresql`` package (docs/bi.md says why these and not an embedded build).

PostgreSQL refuses to run as root: ``initdb``, ``pg_ctl`` and ``postgres`` all check. When this
process is root (CI is), every server binary runs as an unprivileged OS user instead —
``postgres``, which the Debian package creates (``VOICE_MONITOR_POSTGRES_OS_USER`` names
another) — the data folder belongs to that user, and each folder above it gets the "search"
bit for others (o+x: pass through, not list) where it lacks it, so that user can reach it.

The server listens on TCP only (no Unix socket: its default folder belongs to the system
cluster), on loopback unless ``config/postgres.toml`` says otherwise, and then only with TLS.
Its settings and ``pg_hba.conf`` are rewritten at every start from that file and the port
asked for, so they cannot drift from what the docs say.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import stat
import subprocess
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from orchestration.paths import Home

DEFAULT_PORT = 5433
LOOPBACK = "127.0.0.1"
OS_USER_ENV = "VOICE_MONITOR_POSTGRES_OS_USER"
BIN_ENV = "VOICE_MONITOR_POSTGRES_BIN"
CONFIG_NAME = "voice_monitor.conf"            # included from postgresql.conf, rewritten at start


class ClusterError(Exception):
    """A plain-words reason the local server could not be set up or started."""


@dataclass(frozen=True)
class Layout:
    """Where the local cluster and the warehouse's notes about it live."""

    root: Path

    @classmethod
    def of(cls, home: Home) -> "Layout":
        return cls(home.state / "postgres")

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.data / "server.log"

    @property
    def server_file(self) -> Path:
        """Written when ``voice-monitor serve`` sets the cluster up: from then on runs sync it."""
        return self.root / "server.json"

    @property
    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()


@dataclass(frozen=True)
class Settings:
    """How the server listens, from ``$VOICE_MONITOR_HOME/config/postgres.toml`` and ``--port``."""

    port: int = DEFAULT_PORT
    listen_addresses: str = LOOPBACK
    ssl_cert_file: Path | None = None
    ssl_key_file: Path | None = None

    @property
    def tls(self) -> bool:
        return self.ssl_cert_file is not None

    @property
    def loopback(self) -> bool:
        return {a.strip() for a in self.listen_addresses.split(",")} <= {"127.0.0.1", "::1", "localhost"}

    @classmethod
    def load(cls, home: Home, port: int | None = None) -> "Settings":
        path = home.root / "config" / "postgres.toml"
        raw: dict = {}
        if path.exists():
            try:
                raw = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as e:
                raise ClusterError(f"{path}: not valid TOML ({e})") from None
        unknown = set(raw) - {"port", "listen_addresses", "ssl_cert_file", "ssl_key_file"}
        if unknown:
            raise ClusterError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))} "
                               "(known: port, listen_addresses, ssl_cert_file, ssl_key_file)")
        cert, key = raw.get("ssl_cert_file"), raw.get("ssl_key_file")
        if bool(cert) != bool(key):
            raise ClusterError(f"{path}: TLS needs both ssl_cert_file and ssl_key_file")
        for name, value in (("ssl_cert_file", cert), ("ssl_key_file", key)):
            if value and not Path(value).is_file():
                raise ClusterError(f"{path}: {name} {value} does not exist")
        settings = cls(port=int(port or raw.get("port") or DEFAULT_PORT),
                       listen_addresses=str(raw.get("listen_addresses") or LOOPBACK),
                       ssl_cert_file=Path(cert).resolve() if cert else None,
                       ssl_key_file=Path(key).resolve() if key else None)
        if not settings.loopback and not settings.tls:
            raise ClusterError(f"{path}: listening on {settings.listen_addresses} needs TLS "
                               "(ssl_cert_file and ssl_key_file): passwords would cross the network in clear")
        return settings


def binaries() -> Path:
    """The folder with initdb, pg_ctl and postgres: $VOICE_MONITOR_POSTGRES_BIN, else the newest
    /usr/lib/postgresql/<version>/bin (Debian), else whatever is on PATH."""
    candidates = []
    if os.environ.get(BIN_ENV):
        candidates.append(Path(os.environ[BIN_ENV]))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                         key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for folder in candidates:
        if all((folder / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise ClusterError("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: install the Debian "
                       f"package `postgresql` (apt-get install postgresql) or set {BIN_ENV}.")


@dataclass(frozen=True)
class RunAs:
    """The unprivileged OS user the server runs as when this process is root."""

    name: str
    uid: int
    gid: int
    home: str


def run_as() -> RunAs | None:
    if os.geteuid() != 0:
        return None
    name = os.environ.get(OS_USER_ENV, "postgres")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise ClusterError(f"running as root, and PostgreSQL refuses to run as root: it runs as the OS user "
                           f"`{name}`, which does not exist (the Debian package `postgresql` creates it; "
                           f"or set {OS_USER_ENV} to an unprivileged user)") from None
    return RunAs(name, entry.pw_uid, entry.pw_gid, entry.pw_dir)


def _run(argv: list[str], user: RunAs | None, timeout: float = 120) -> subprocess.CompletedProcess:
    """A server binary, as ``user`` when we are root; output captured (it may hold paths, never secrets)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
           "HOME": user.home if user else os.environ.get("HOME", "/")}
    extra = {"user": user.uid, "group": user.gid, "extra_groups": []} if user else {}
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd="/", timeout=timeout,
                          stdin=subprocess.DEVNULL, **extra)


def _own(path: Path, user: RunAs | None) -> None:
    if user:
        os.chown(path, user.uid, user.gid)


def _let_through(path: Path) -> None:
    """Give the folders above ``path`` the search bit for others where they lack it (root only)."""
    for folder in path.parents:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


def initialise(layout: Layout, admin: str, admin_password: str) -> None:
    """``initdb`` a new cluster with SCRAM authentication and a bootstrap superuser ``admin``."""
    user = run_as()
    layout.root.mkdir(parents=True, exist_ok=True)
    layout.root.chmod(0o711 if user else 0o700)
    if layout.data.exists() and any(layout.data.iterdir()):
        raise ClusterError(f"{layout.data} exists but holds no PostgreSQL cluster (no PG_VERSION): "
                           "move it away and run `voice-monitor serve` again")
    layout.data.mkdir(mode=0o700, exist_ok=True)
    _own(layout.data, user)
    if user:
        _let_through(layout.data)
    pwfile = layout.root / ".initdb-password"
    fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, admin_password.encode() + b"\n")
        os.close(fd)
        _own(pwfile, user)
        done = _run([str(binaries() / "initdb"), "-D", str(layout.data), "-U", admin, f"--pwfile={pwfile}",
                     "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"], user)
    finally:
        pwfile.unlink(missing_ok=True)
    if done.returncode != 0:
        raise ClusterError(f"initdb failed in {layout.data}:\n{done.stdout}{done.stderr}".rstrip())
    with open(layout.data / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write(f"\n# voice-monitor: its settings, rewritten at every start\ninclude_if_exists = '{CONFIG_NAME}'\n")


def _quote(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def configure(layout: Layout, settings: Settings) -> None:
    """Write the server settings and ``pg_hba.conf`` for ``settings``."""
    user = run_as()
    lines = [
        "# Written by `voice-monitor serve` at every start: change config/postgres.toml or --port instead.",
        f"listen_addresses = {_quote(settings.listen_addresses)}",
        f"port = {settings.port}",
        "unix_socket_directories = ''",          # TCP only: the default folder is the system cluster's
        "password_encryption = 'scram-sha-256'",
        "max_connections = 50",
        # bulk loads into tables created in the same transaction skip the WAL (no replicas here)
        "wal_level = minimal",
        "max_wal_senders = 0",
        "log_destination = 'stderr'",
        "log_line_prefix = '%m [%p] %q%u@%d '",
    ]
    if settings.tls:
        for source, name in ((settings.ssl_cert_file, "server.crt"), (settings.ssl_key_file, "server.key")):
            target = layout.data / name
            shutil.copyfile(source, target)       # readable by the server's OS user, mode 600 as it demands
            target.chmod(0o600)
            _own(target, user)
        lines += ["ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'",
                  "ssl_min_protocol_version = 'TLSv1.2'"]
    else:
        lines.append("ssl = off")
    hba = ["# Written by `voice-monitor serve` at every start.",
           "# TYPE   DATABASE  USER  ADDRESS       METHOD",
           "host     all       all   127.0.0.1/32  scram-sha-256",
           "host     all       all   ::1/128       scram-sha-256"]
    if settings.tls:
        hba += ["hostssl  all       all   0.0.0.0/0     scram-sha-256",
                "hostssl  all       all   ::/0          scram-sha-256"]
    for name, text in ((CONFIG_NAME, lines), ("pg_hba.conf", hba)):
        path = layout.data / name
        path.write_text("\n".join(text) + "\n", encoding="utf-8")
        path.chmod(0o600)
        _own(path, user)


@dataclass(frozen=True)
class Postmaster:
    pid: int
    port: int
    ready: bool


def postmaster(layout: Layout) -> Postmaster | None:
    """The running server of this cluster, from its ``postmaster.pid`` (None when it is not running)."""
    try:
        lines = (layout.data / "postmaster.pid").read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass                                     # alive, owned by another user
    return Postmaster(pid, port, len(lines) > 7 and lines[7].strip() == "ready")


def start(layout: Layout, settings: Settings) -> None:
    configure(layout, settings)
    user = run_as()
    if user:
        _let_through(layout.data)
    done = _run([str(binaries() / "pg_ctl"), "-D", str(layout.data), "-l", str(layout.log), "-w", "-t", "60",
                 "start"], user, timeout=90)
    if done.returncode != 0:
        raise ClusterError(f"PostgreSQL did not start on port {settings.port}:\n{log_tail(layout)}")


def stop(layout: Layout) -> None:
    if postmaster(layout) is None:
        return
    _run([str(binaries() / "pg_ctl"), "-D", str(layout.data), "-m", "fast", "-w", "-t", "60", "stop"],
         run_as(), timeout=90)
    deadline = time.monotonic() + 30
    while postmaster(layout) is not None and time.monotonic() < deadline:
        time.sleep(0.1)


def log_tail(layout: Layout, lines: int = 15) -> str:
    try:
        text = layout.log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:])


def server_version(folder: Path | None = None) -> str:
    done = subprocess.run([str((folder or binaries()) / "postgres"), "--version"], capture_output=True, text=True)
    found = re.search(r"\d+(\.\d+)*", done.stdout)
    return found.group(0) if found else "?"
