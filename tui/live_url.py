"""Where the QR screen gets a branch's live (rotating) survey URL.

One small function, so the source can change without touching the screen: the shared core's
``models.live_codes``, signed with the survey secret of the data directory and pointing at ``ZHUDIAN_PUBLIC_URL`` (the address phones reach
the survey server at; ``zhudian demo`` sets it to the server it starts).
"""

from __future__ import annotations

import os

from sqlalchemy import Engine

from models import live_codes
from models.secret import load_secret

ENV_PUBLIC_URL = "ZHUDIAN_PUBLIC_URL"


class LiveUrlUnavailable(Exception):
    """No live URL can be made; the message is shown to the coordinator (Chinese)."""


def live_url(engine: Engine, branch_id: int) -> tuple[str, float]:
    """The URL a phone should open now for ``branch_id`` and the seconds until it rotates."""
    public = os.environ.get(ENV_PUBLIC_URL, "").strip()
    if not public:
        raise LiveUrlUnavailable(f"未设置问卷服务器地址 {ENV_PUBLIC_URL}（如 http://192.168.1.10:8000），"
                                 "或用 zhudian demo 启动")
    return live_codes.current_url(branch_id, public, load_secret()), float(live_codes.seconds_left())
