"""What the social classification depends on, as one hash: a change means a full refresh.

The per-version social models are incremental: a post version is classified once, when its
delivery arrives. That is only right while the rules stay the same, so the dbt asset compares
this fingerprint with the one recorded after the last successful build and, when they differ,
builds with ``--full-refresh`` (docs/social.md, "Incremental"). Parts:

* the social seeds (rules, lexicon, learned weights, taxonomy, sector and channel words);
* the social models and the macros they use (their SQL is the classification);
* the dbt vars that switch parts of it (``social_*`` in dbt_project.yml);
* the pseudonymisation key, as a hash: the published author pseudonyms depend on it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from orchestration.paths import PROJECT_DIR

KV_KEY = "social_classification_fingerprint"

_PARTS = (
    ("seeds", "social_*.csv"),
    ("models/staging/social", "*"),
    ("models/intermediate/social", "*"),
    ("macros", "social_*.sql"),
    ("macros", "batched_incremental.sql"),
)


def _files(project_dir: Path) -> list[Path]:
    found = {p for folder, pattern in _PARTS for p in (project_dir / folder).glob(pattern) if p.is_file()}
    return sorted(found)


def _social_vars(project_dir: Path) -> dict:
    import yaml

    config = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    return {k: v for k, v in (config.get("vars") or {}).items() if str(k).startswith("social_")}


def _key(home) -> bytes:
    """The pseudonym key as ``privacy.load_or_create_key`` finds it, without creating one (no key
    yet: nothing has been pseudonymised, b"")."""
    import os

    from orchestration.privacy import KEY_ENV

    if os.environ.get(KEY_ENV):
        return os.environ[KEY_ENV].encode("utf-8")
    path = Path(home.secret_key)
    return path.read_text().strip().encode("utf-8") if path.exists() else b""


def classification_fingerprint(home, project_dir: Path = PROJECT_DIR) -> str:
    """The fingerprint for ``home`` (its pseudonym key) and the project's social rules."""
    key = _key(home)
    h = hashlib.sha256()
    for path in _files(project_dir):
        h.update(path.relative_to(project_dir).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    h.update(repr(sorted(_social_vars(project_dir).items())).encode())
    h.update(hashlib.sha256(b"voice-monitor pseudonym key\0" + key).digest())
    return h.hexdigest()
