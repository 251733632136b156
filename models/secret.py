"""The survey secret: generated on first run into the data directory (mode 0600), never in code and
never in the database.

Everything that must be unforgeable or unlinkable derives its own key from this one secret with a
distinct purpose (:func:`derive`): form tokens, the device cookie, live QR codes, cadres' sessions and
the daily salt of client hashes. Whoever reads the database alone cannot reverse a stored hash.
Several survey servers behind one load balancer, and the computer showing live QR codes, use the same
file (``ZHUDIAN_SECRET_FILE``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from models.db import data_dir

ENV_SECRET_FILE = "ZHUDIAN_SECRET_FILE"
SECRET_NAME = "survey_secret.key"
SECRET_BYTES = 32


def secret_path() -> Path:
    explicit = os.environ.get(ENV_SECRET_FILE)
    return Path(explicit) if explicit else data_dir() / SECRET_NAME


def _create(path: Path) -> None:
    """Write a new 0600 secret in one step; if another process got there first, its file wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(SECRET_BYTES))
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # atomic, and fails if the file already exists
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)


def load_secret(path: Path | None = None) -> bytes:
    """The survey secret, created on first use (``path``, else ``ZHUDIAN_SECRET_FILE``, else the data directory)."""
    path = path or secret_path()
    if not path.exists():
        _create(path)
    value = path.read_text(encoding="ascii").strip()
    if len(value) < 32:
        raise RuntimeError(f"survey secret file {path} is too short; delete it to regenerate")
    return value.encode("ascii")


@functools.lru_cache(maxsize=256)
def derive(secret: bytes, purpose: str) -> bytes:
    """A sub-key for one purpose, so no two uses ever share a key (computed once per secret and purpose)."""
    return hmac.new(secret, purpose.encode(), hashlib.sha256).digest()
