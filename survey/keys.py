"""Anonymous client keys: what the survey keeps of a member's address (never the address itself).

A key is an HMAC of the address group under a salt derived from the survey secret (a file, never in
the database) and the day, so it rotates at midnight (Beijing time) and is never stored: the
rate-limit counter of a day and the hash kept with each answer of that day cannot be reversed by
whoever reads the database, nor linked to the same address on another day or another link.

Addresses are grouped as one device or one exit would be: IPv4 as it is, IPv4-mapped (``::ffff:a.b.c.d``,
what a dual-stack listener reports) and NAT64 (``64:ff9b::a.b.c.d``) addresses as their IPv4 address,
other IPv6 addresses by their /64 network, which one phone or one home holds.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import date

from models.clock import today
from models.secret import derive

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def address_group(address: str) -> str:
    """The address as rate limits group it (see the module docstring); unparsable text as it is."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip in _NAT64:
        return str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return str(ipaddress.IPv6Network(f"{ip}/64", strict=False).network_address)


def day_salt(secret: bytes, day: date | None = None) -> bytes:
    """Today's salt (Beijing time); derived, so every server of one secret agrees without storing it."""
    return derive(secret, f"client-key:{(day or today()).isoformat()}")


def client_key(secret: bytes, address: str, link_id: int, day: date | None = None) -> str:
    """The anonymous key of one address group on one link and day (32 hex characters)."""
    message = f"{link_id}|{address_group(address)}".encode()
    return hmac.new(day_salt(secret, day), message, hashlib.sha256).hexdigest()[:32]
