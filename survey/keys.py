"""The survey secret: generated on first run into the data directory (mode 0600), never in code.

Everything that must be unforgeable or unlinkable derives its own key from this one secret with a
distinct purpose: form tokens, the device cookie, live QR codes, and the salt of client hashes.
Servers that share one database behind a load balancer agree on one secret through that database
(:func:`models.shared_secret.adopt`): the first to start publishes its own, the others adopt it and
keep a copy in their data directory.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import os
import secrets
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from models.db import data_dir

ENV_SECRET_FILE = "ZHUDIAN_SECRET_FILE"
SECRET_NAME = "survey_secret.key"
SECRET_BYTES = 32


def secret_path() -> Path:
    explicit = os.environ.get(ENV_SECRET_FILE)
    return Path(explicit) if explicit else data_dir() / SECRET_NAME


def _write_atomically(path: Path, value: str, *, replace: bool) -> None:
    """Write a 0600 file in one step; without ``replace`` an existing file wins (workers may race)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(value)
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # atomic and fails if another process got there first
            except FileExistsError:
                pass
    finally:
        tmp.unlink(missing_ok=True)


def load_secret(path: Path | None = None, engine: Engine | None = None) -> bytes:
    """The survey secret, created on first use in the data directory.

    With ``engine``, the secret in force is the one the database holds (published by whichever server
    came first), and the data directory keeps a copy of it.
    """
    from models.shared_secret import adopt

    path = path or secret_path()
    if not path.exists():
        _write_atomically(path, secrets.token_hex(SECRET_BYTES), replace=False)
    value = path.read_text(encoding="ascii").strip()
    if len(value) < 32:
        raise RuntimeError(f"survey secret file {path} is too short; delete it to regenerate")
    if engine is not None:
        try:
            shared = adopt(engine, "survey", value)
        except DBAPIError:
            # Database down while a worker boots: `zhudian serve` synced this file before forking.
            return value.encode("ascii")
        if shared != value:
            _write_atomically(path, shared, replace=True)
            value = shared
    return value.encode("ascii")


class Mac:
    """HMAC-SHA256 under one key, with the key's padded blocks hashed once.

    The same as ``hmac.digest(key, msg, "sha256")`` (tests/survey/test_tokens.py checks it), in about
    a quarter of the time: each form shown and each answer posted needs one or two of these.
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(self, msg: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(msg)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


@functools.lru_cache(maxsize=64)
def mac(secret: bytes, purpose: str) -> Mac:
    """The MAC of one purpose under the survey secret (see ``derive``)."""
    return Mac(derive(secret, purpose))


@functools.lru_cache(maxsize=64)
def derive(secret: bytes, purpose: str) -> bytes:
    """A sub-key for one purpose, so no two uses ever share a key (computed once per secret)."""
    return hmac.new(secret, purpose.encode(), hashlib.sha256).digest()


def client_hash(secret: bytes, ip: str) -> str:
    """Salted hash of the client address (never the raw address); IPv6 by /64, which one device holds."""
    if ":" in ip:  # IPv4 addresses are hashed as they are; only IPv6 needs parsing
        try:
            ip = str(ipaddress.ip_network(f"{ipaddress.ip_address(ip)}/64", strict=False).network_address)
        except ValueError:
            pass
    return mac(secret, "client-hash").digest(ip.encode()).hex()[:32]
