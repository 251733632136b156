"""Where the QR screen gets a branch's live (rotating) survey URL.

One small function, so the source can change without touching the screen: the survey room's
``survey.live`` when it is installed (imported lazily: ``tui`` does not import ``survey`` at module
level), else nothing to show.
"""

from __future__ import annotations

from sqlalchemy import Engine


class LiveUrlUnavailable(Exception):
    """The survey room is not available; the message is shown to the coordinator (Chinese)."""


def live_url(engine: Engine, branch_id: int) -> tuple[str, float]:
    """The URL a phone should open now for ``branch_id`` and the seconds until it rotates."""
    try:
        from survey import live
    except ImportError as exc:
        raise LiveUrlUnavailable("问卷服务（survey）未安装，无法生成动态二维码") from exc
    result = live.current(engine, branch_id)
    return result.url, float(result.seconds_left)
