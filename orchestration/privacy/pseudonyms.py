"""Keyed pseudonyms of authors (spec §6) and the key they are made with.

* ``pseudonymise`` is a keyed HMAC-SHA256, never a plain hash: without the key a pseudonym
  cannot be recomputed from a guessed user name. ``hmac_sql_parts`` lets SQL compute the same
  value set-based (``orchestration.social.ingest``).
* ``load_or_create_key`` takes the key from ``$VOICE_MONITOR_PSEUDONYM_KEY`` or, when unset,
  from a secret generated once into ``home.secret_key`` (mode 0600, in ``state/``, never in the
  published database).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_ENV = "VOICE_MONITOR_PSEUDONYM_KEY"
PSEUDONYM_CHARS = 20   # hex characters kept of the HMAC (80 bits)


def pseudonymise(value: str | None, key: bytes) -> str | None:
    """Keyed pseudonym (HMAC-SHA256, hex, first PSEUDONYM_CHARS characters). None stays None."""
    if value is None:
        return None
    if not key:
        raise ValueError("pseudonymise needs a non-empty key")
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_CHARS]


def hmac_sql_parts(key: bytes) -> tuple[bytes, bytes]:
    """(key XOR ipad, key XOR opad) so SQL can compute the same HMAC-SHA256 set-based:
    ``sha256(opad || unhex(sha256(ipad || value)))`` (see orchestration.social.ingest)."""
    block = 64
    k = hashlib.sha256(key).digest() if len(key) > block else key
    k = k.ljust(block, b"\0")
    return bytes(b ^ 0x36 for b in k), bytes(b ^ 0x5C for b in k)


def load_or_create_key(home, con=None) -> bytes:
    """The pseudonym key: ``$VOICE_MONITOR_PSEUDONYM_KEY`` if set (non-empty), else the secret in
    ``home.secret_key``, generated once (32 random bytes, hex) with mode 0600 — but never while
    pseudonyms made with an earlier key exist, and never another key than the one recorded in
    the archive (orchestration.warehouse.keyguard; ``con`` is the open build database, if any)."""
    from orchestration.warehouse import keyguard

    env = os.environ.get(KEY_ENV)
    if env:
        key = env.encode("utf-8")
        keyguard.check_key(home, key)
        return key
    path = Path(home.secret_key)
    if not path.exists():
        keyguard.refuse_new_key(home, con)
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_hex(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:     # another process created it first
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secret + "\n")
    value = path.read_text().strip()
    if not value:
        raise RuntimeError(f"pseudonym key file {path} is empty; delete it to generate a new one")
    key = value.encode("utf-8")
    keyguard.check_key(home, key)
    return key
