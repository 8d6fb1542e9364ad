"""The pseudonym key is never replaced silently.

Author pseudonyms are a keyed HMAC (orchestration.privacy): with another key every author gets
another pseudonym, and pseudonyms already published or archived no longer match new ones. So a
new key is minted only where no pseudonym exists yet. When ``state/pseudonym.key`` is missing
(e.g. ``state/`` was deleted) while pseudonyms exist — social posts in the published database
or the build database, or a key check value in the archive — the run stops and says to restore
the key from a backup. ``archive/key.id`` holds a check value of the key in use (an HMAC of a
fixed text: it does not reveal the key), so a different key given through
``VOICE_MONITOR_PSEUDONYM_KEY`` is refused too.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from orchestration.errors import UserError
from orchestration.paths import Home
from orchestration.warehouse.permissions import PRIVATE_FILE, private_dir

KEY_ID_FILE = "key.id"
_CHECK_TEXT = b"voice-monitor pseudonym key check"


class PseudonymKeyError(UserError):
    """The pseudonym key is missing or is not the one the existing pseudonyms were made with."""


def key_id(key: bytes) -> str:
    return hmac.new(key, _CHECK_TEXT, hashlib.sha256).hexdigest()[:24]


def _id_path(home: Home) -> Path:
    return home.archive / KEY_ID_FILE


def recorded_key_id(home: Home) -> str | None:
    try:
        return _id_path(home).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def check_key(home: Home, key: bytes) -> None:
    """Refuse a key other than the recorded one; record it when none is."""
    recorded, current = recorded_key_id(home), key_id(key)
    if recorded is None:
        private_dir(home.archive)
        fd = os.open(_id_path(home), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(fd, "w") as out:
            out.write(current + "\n")
    elif recorded != current:
        raise PseudonymKeyError(
            "The pseudonym key in use is not the key the existing author pseudonyms were made with "
            f"(its check value differs from {_id_path(home)}). Restore the original key "
            f"({home.secret_key}, or the same VOICE_MONITOR_PSEUDONYM_KEY) from your backup; "
            "a new key would give every author a new pseudonym.")


def pseudonyms_exist(home: Home, con=None) -> str | None:
    """Where pseudonyms made with the (missing) key are, in words; None when nowhere."""
    if recorded_key_id(home):
        return f"the archive ({_id_path(home)} records the key's check value)"
    if _count(home.published_db, "select count(*) from marts.fct_social_posts where author_pseudonym is not null"):
        return f"the published database {home.published_db} (social posts with author pseudonyms)"
    if con is not None:
        if _count_con(con, "select count(*) from raw.social_posts where author_pseudonym is not null"):
            return f"the build database {home.work_db} (loaded social posts)"
    elif _count(home.work_db, "select count(*) from raw.social_posts where author_pseudonym is not null"):
        return f"the build database {home.work_db} (loaded social posts)"
    return None


def refuse_new_key(home: Home, con=None) -> None:
    """Called before a key would be minted: stop if pseudonyms made with another key exist."""
    where = pseudonyms_exist(home, con)
    if where:
        raise PseudonymKeyError(
            f"The pseudonym key {home.secret_key} is missing, but author pseudonyms made with it exist in "
            f"{where}. A new key would silently give every author a new pseudonym. Restore the key file "
            "from your backup (or set VOICE_MONITOR_PSEUDONYM_KEY to the same key) and run again. To start "
            "over with new pseudonyms on purpose, remove the published database, state/ and archive/ first.")


def preflight(home: Home, con=None) -> None:
    """Before a run: the key file is missing while pseudonyms exist → stop (see module doc)."""
    from orchestration.privacy import KEY_ENV

    if os.environ.get(KEY_ENV) or home.secret_key.exists():
        return
    refuse_new_key(home, con)


def _count_con(con, sql: str) -> int:
    import duckdb

    try:
        return con.execute(sql).fetchall()[0][0]
    except duckdb.Error:          # the table does not exist (yet)
        return 0


def _count(path: Path, sql: str) -> int:
    import duckdb

    if not path.exists():
        return 0
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return 0
    try:
        return _count_con(con, sql)
    finally:
        con.close()
