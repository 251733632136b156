"""The flood guard: POSTs per address, link and minute, counted in the database (every server shares it).

Campus Wi-Fi and carrier NAT put a whole lecture hall behind one address, so this is not what keeps
one answer per person (the device cookie and the per-form token do that); it only stops a flood.
The limit is sized well above the largest hall (``RATE_LIMIT_POST``, default 1,200 a minute, twice
a hall of 600) and, for a capped link, to its cap. Each POST carrying a valid, unused form token
(one this server issued, for a submission not yet stored) is counted once, here; a post without one
is refused without being counted, so junk from the same network cannot use up a hall's budget.
"""

from __future__ import annotations

import time

from flask import current_app, request

from models.ratelimit import hit
from survey.cache import LinkView
from survey.db import writing
from survey.keys import client_key


def client(link_id: int) -> str:
    """The anonymous key of this request's address on this link and day (``survey.keys``)."""
    return client_key(current_app.extensions["zhudian.secret"], request.remote_addr or "", link_id)


def post_limit(link: LinkView) -> int:
    """POSTs a minute one address may send to ``link`` (0: no limit)."""
    limit = int(current_app.config["RATE_LIMIT_POST"])
    if limit > 0 and link.max_responses is not None:
        limit = min(limit, 2 * link.max_responses + 10)  # room for retries and corrections, no more
    return limit


def window() -> int:
    return int(time.time() // 60)


def admit_post(link: LinkView, who: str) -> bool:
    """Count this POST of client ``who`` (:func:`client`); whether it is within the link's limit this minute."""
    limit = post_limit(link)
    if limit <= 0:
        return True
    with writing() as connection:
        return hit(connection, f"post:{link.id}:{who}", window(), limit)


def retry_after() -> int:
    return 60 - int(time.time() % 60)
